//! SALDAE (Taguelmimt, Aknine, Boukredera, Changder, Sandholm: "A multiagent path search
//! algorithm for large-scale coalition structure generation", AAMAS 2024 extended abstract; long
//! version arXiv 2502.10226, AAAI 2025), rebuilt from what is public about it.
//!
//! **What is known.** The authors' code is not public and we could not read the paper's body,
//! only its abstract and third-party summaries of it (sciencestack.ai/paper/2502.10226,
//! themoonlight.io's review of arXiv 2502.10226). They say: SALDAE is a multiagent path search
//! on the *coalition structure graph*, whose nodes are coalition structures organised in levels
//! by their number of coalitions and whose edges merge two coalitions or split one; several
//! search agents walk this graph in parallel with different heuristics and strategies; it uses
//! *bridging paths*, a *memory* that guides the search and *conflict resolution* between the
//! agents, as in multiagent path finding; it is anytime and the best structure found only
//! improves. Everything below beyond that is our choice, made to fit those words.
//!
//! **The algorithm as implemented.** The paper's search agents are called *searchers* here, so
//! as not to confuse them with the instance's agents.
//! - *Graph.* A move is a *merge* edge (two coalitions join, one level up), a *split* edge
//!   restricted to splitting one agent off (one level down: a general split has `2^{|C|−1} − 1`
//!   targets), or a *transfer*, a split edge followed by a merge edge taken as one move (an agent
//!   changes coalition, staying on its level). A move's score is its change of `v(CS)`.
//! - *Searchers and their strategies.* Searcher 0, the *merger*, starts at the bottom node (all
//!   singletons) and takes the best improving merge until none improves: that is C-Link's path,
//!   and it walks it alone before the others start, so the result is never worse than C-Link's
//!   once the budget covers that path. Searcher 1, the *splitter*, starts at the top node (the
//!   grand coalition) and takes the best improving split. Searchers 2.. (*explorers*) start at a
//!   random node: a random level `k ∈ 1..=n`, each agent in one of `k` coalitions drawn
//!   uniformly. After its first strategy, every searcher takes the best move of all three kinds
//!   to a node not in memory: an ascent while one improves, a least-worsening step otherwise
//!   (the memory keeps it from stepping back, so it walks on out of a local optimum).
//! - *Memory and conflicts.* The memory is the set of nodes any searcher has stood on (held as
//!   64-bit hashes), shared: a searcher never moves onto a node it or another searcher has
//!   taken (a vertex conflict in path-finding terms; bridge steps excepted, as a bridge ends on
//!   a known node), and searchers move in a fixed priority order, one
//!   expansion each per round, so the earlier one wins a contested node and the later one takes
//!   its next best move.
//! - *Bridging paths.* A searcher that has gone `patience` expansions without beating its own
//!   best walks a bridge to the best node found by any searcher: each step is the best-scoring
//!   move that brings it strictly closer to that node (in agent pairs on which the two
//!   structures disagree; such a move always exists), so the path crosses the region between
//!   two good structures. On arrival (or right away, if the best node is its own) it restarts
//!   from a new random node.
//! - *Budget and stopping.* The budget is a number of expansions summed over searchers: each
//!   move, bridge step or restart is one. The search stops when it is spent and returns the best
//!   node seen.
//!
//! **Deviations** (besides the choices above): searchers take turns in one thread instead of
//! running in parallel, so that a seed fixes the result (and it runs in the browser); the
//! budget counts expansions, not seconds, since the core never reads a clock; the published
//! default parameters are not known to us, so the defaults are ours (see [`SaldaeParams`]).
//!
//! Incremental bookkeeping: each searcher keeps `v(C)` of its coalitions, `v(C \ {a})` of each
//! agent's coalition without it, `v(C ∪ {a})` for every coalition and outside agent, and
//! `v(C ∪ D)` for every pair. A move changes at most two coalitions, so only their rows are
//! re-evaluated (about `2n + 2m` values) while scoring the whole neighbourhood is table look-ups.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::{CharacteristicFunction, Coalition, CoalitionStructure};

/// SALDAE's settings. The paper's defaults are not public; these are ours. 5000 expansions take
/// about 0.16 s natively at 100 agents (modified normal), within the 0.5 s we aim for. On 16
/// modified-normal instances (50 and 100 agents) patience 10, 30, 100 and 1000, and 2, 4 or 8
/// searchers, came out alike within noise (value 1.029–1.032 × C-Link's); 10 × the budget gave
/// 1.037 ×.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct SaldaeParams {
    /// Budget: expansions (moves, bridge steps, restarts), summed over all searchers; at least 1.
    pub expansions: usize,
    /// Searchers: the merger, the splitter, then explorers (at least 1 is used).
    pub searchers: usize,
    /// Expansions without beating its own best after which a searcher bridges to the best node.
    pub patience: usize,
    /// Seed of the explorers' start nodes and restarts.
    pub seed: u64,
}

impl Default for SaldaeParams {
    fn default() -> Self {
        Self {
            expansions: 5000,
            searchers: 4,
            patience: 30,
            seed: 0,
        }
    }
}

/// Candidates kept while scanning a neighbourhood; the memory is consulted only for them.
const TOP: usize = 8;

/// The structure SALDAE finds on `f` within `params.expansions` expansions.
pub fn saldae<F: CharacteristicFunction + ?Sized>(
    f: &F,
    params: &SaldaeParams,
) -> CoalitionStructure {
    let budget = params.expansions.max(1);
    saldae_while(f, params, &mut |spent| spent < budget)
}

/// The structure SALDAE finds on `f`, expanding while `more(expansions spent)` says so (always
/// at least once); `params.expansions` is ignored. For time budgets.
pub fn saldae_while<F: CharacteristicFunction + ?Sized>(
    f: &F,
    params: &SaldaeParams,
    more: &mut dyn FnMut(usize) -> bool,
) -> CoalitionStructure {
    let n = f.agents();
    if n == 0 {
        return CoalitionStructure::singletons(0);
    }
    let ctx = Ctx::new(f);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
    let mut search = Search {
        ctx: &ctx,
        visited: HashSet::new(),
        best: Best {
            value: f64::NEG_INFINITY,
            coalitions: Vec::new(),
            hash: 0,
        },
        patience: params.patience,
    };
    let mut spent = 0;
    let mut more = |spent: usize| spent == 0 || more(spent);
    // The merger walks C-Link's greedy path alone, so that nobody else's memory diverts it.
    let singletons = (0..n).map(Coalition::singleton).collect();
    let mut searchers =
        vec![search.start(Node::new(&ctx, singletons), Phase::Greedy(Kinds::Merges))];
    while more(spent) && matches!(searchers[0].phase, Phase::Greedy(_)) {
        search.expand(&mut searchers[0], &mut rng);
        spent += 1;
    }
    for i in 1..params.searchers.max(1) {
        let searcher = if i == 1 {
            search.start(
                Node::new(&ctx, vec![Coalition::grand(n)]),
                Phase::Greedy(Kinds::Splits),
            )
        } else {
            search.start(Node::random(&ctx, &mut rng), Phase::Local)
        };
        searchers.push(searcher);
    }
    'rounds: while more(spent) {
        for searcher in searchers.iter_mut() {
            if !more(spent) {
                break 'rounds;
            }
            search.expand(searcher, &mut rng);
            spent += 1;
        }
    }
    CoalitionStructure::from_coalitions(n, search.best.coalitions).expect("moves keep a partition")
}

/// What every searcher shares: the instance, singleton values and the agents' hash keys.
struct Ctx<'f, F: ?Sized> {
    f: &'f F,
    n: usize,
    single: Vec<f64>,
    key: Vec<u64>,
}

impl<'f, F: CharacteristicFunction + ?Sized> Ctx<'f, F> {
    fn new(f: &'f F) -> Self {
        let n = f.agents();
        Self {
            f,
            n,
            single: (0..n).map(|a| f.value(&Coalition::singleton(a))).collect(),
            key: (0..n as u64)
                .map(|a| mix(a.wrapping_add(0x5a1d_ae00)))
                .collect(),
        }
    }

    /// The XOR of the members' keys: a coalition's hash before mixing, updatable per agent.
    fn lin(&self, c: &Coalition) -> u64 {
        c.agents().fold(0, |h, a| h ^ self.key[a])
    }
}

/// The SplitMix64 finaliser: spreads a key's bits.
fn mix(mut x: u64) -> u64 {
    x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// A coalition's hash from its `lin`; the empty set hashes to 0. A node's hash is the wrapping
/// sum over its coalitions (mixing each first, as the plain XOR of all keys is the same for
/// every partition).
fn coalition_hash(lin: u64) -> u64 {
    if lin == 0 {
        0
    } else {
        mix(lin)
    }
}

/// An edge (or a split-then-merge pair of edges) out of a node.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Move {
    /// Coalitions in slots `k < l` join (one level up).
    Merge { k: usize, l: usize },
    /// Agent `a` leaves its coalition (of at least two) alone (one level down).
    Split { a: usize },
    /// Agent `a` leaves its coalition (of at least two) for the one in slot `to`.
    Transfer { a: usize, to: usize },
}

/// Which moves a strategy considers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Kinds {
    Merges,
    Splits,
    All,
}

/// A node of the graph with the values that score its neighbourhood.
#[derive(Clone, Debug, PartialEq)]
struct Node {
    coalitions: Vec<Coalition>,
    size: Vec<usize>,
    value: Vec<f64>,
    lin: Vec<u64>,
    /// The slot of each agent's coalition.
    of: Vec<usize>,
    /// `v(C \ {a})` for each agent `a` and its coalition `C` (0 for a singleton).
    without: Vec<f64>,
    /// `join[k][a] = v(C_k ∪ {a})` for `a ∉ C_k`, 0 for members.
    join: Vec<Vec<f64>>,
    /// `pair[k][l] = v(C_k ∪ C_l)` for `k ≠ l`, 0 on the diagonal.
    pair: Vec<Vec<f64>>,
    hash: u64,
}

impl Node {
    fn new<F: CharacteristicFunction + ?Sized>(
        ctx: &Ctx<'_, F>,
        coalitions: Vec<Coalition>,
    ) -> Self {
        let (n, m) = (ctx.n, coalitions.len());
        let mut node = Node {
            coalitions: vec![Coalition::empty(); m],
            size: vec![0; m],
            value: vec![0.0; m],
            lin: vec![0; m],
            of: vec![0; n],
            without: vec![0.0; n],
            join: vec![vec![0.0; n]; m],
            pair: vec![vec![0.0; m]; m],
            hash: 0,
        };
        for (k, c) in coalitions.into_iter().enumerate() {
            let v = ctx.f.value(&c);
            node.set_slot(ctx, k, c, v);
        }
        for k in 0..m {
            node.refresh_members(ctx, k);
            node.refresh_join(ctx, k);
            for l in k + 1..m {
                let v = ctx.f.value(&node.coalitions[k].union(&node.coalitions[l]));
                node.pair[k][l] = v;
                node.pair[l][k] = v;
            }
        }
        node.rehash();
        node
    }

    /// A random node: a level `k` drawn uniformly, each agent in one of `k` coalitions.
    fn random<F: CharacteristicFunction + ?Sized>(
        ctx: &Ctx<'_, F>,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Self {
        let k = rng.random_range(1..=ctx.n);
        let mut bins = vec![Coalition::empty(); k];
        for a in 0..ctx.n {
            bins[rng.random_range(0..k)].insert(a);
        }
        bins.retain(|c| !c.is_empty());
        Node::new(ctx, bins)
    }

    fn total(&self) -> f64 {
        self.value.iter().sum()
    }

    fn set_slot<F: CharacteristicFunction + ?Sized>(
        &mut self,
        ctx: &Ctx<'_, F>,
        k: usize,
        c: Coalition,
        value: f64,
    ) {
        self.coalitions[k] = c;
        self.size[k] = c.len();
        self.lin[k] = ctx.lin(&c);
        self.value[k] = value;
        for a in c.agents() {
            self.of[a] = k;
        }
    }

    fn refresh_members<F: CharacteristicFunction + ?Sized>(&mut self, ctx: &Ctx<'_, F>, k: usize) {
        let c = self.coalitions[k];
        for a in c.agents() {
            self.without[a] = if self.size[k] == 1 {
                0.0
            } else {
                let mut rest = c;
                rest.remove(a);
                ctx.f.value(&rest)
            };
        }
    }

    fn refresh_join<F: CharacteristicFunction + ?Sized>(&mut self, ctx: &Ctx<'_, F>, k: usize) {
        let c = self.coalitions[k];
        for (a, slot) in self.join[k].iter_mut().enumerate() {
            *slot = if c.contains(a) {
                0.0
            } else {
                let mut joined = c;
                joined.insert(a);
                ctx.f.value(&joined)
            };
        }
    }

    /// Everything that depends on slot `k`'s coalition, after it changed.
    fn refresh<F: CharacteristicFunction + ?Sized>(&mut self, ctx: &Ctx<'_, F>, k: usize) {
        self.refresh_members(ctx, k);
        self.refresh_join(ctx, k);
        for l in 0..self.coalitions.len() {
            let v = if l == k {
                0.0
            } else {
                ctx.f.value(&self.coalitions[k].union(&self.coalitions[l]))
            };
            self.pair[k][l] = v;
            self.pair[l][k] = v;
        }
    }

    fn push_slot<F: CharacteristicFunction + ?Sized>(
        &mut self,
        ctx: &Ctx<'_, F>,
        c: Coalition,
        value: f64,
    ) -> usize {
        let k = self.coalitions.len();
        self.coalitions.push(c);
        self.size.push(0);
        self.value.push(0.0);
        self.lin.push(0);
        self.join.push(vec![0.0; ctx.n]);
        for row in &mut self.pair {
            row.push(0.0);
        }
        self.pair.push(vec![0.0; k + 1]);
        self.set_slot(ctx, k, c, value);
        k
    }

    /// Drops slot `l`; the last slot moves into it.
    fn remove_slot(&mut self, l: usize) {
        self.coalitions.swap_remove(l);
        self.size.swap_remove(l);
        self.value.swap_remove(l);
        self.lin.swap_remove(l);
        self.join.swap_remove(l);
        self.pair.swap_remove(l);
        for row in &mut self.pair {
            row.swap_remove(l);
        }
        if l < self.coalitions.len() {
            for a in self.coalitions[l].agents() {
                self.of[a] = l;
            }
        }
    }

    fn rehash(&mut self) {
        self.hash = self
            .lin
            .iter()
            .fold(0u64, |h, &l| h.wrapping_add(coalition_hash(l)));
    }

    /// The change of `v(CS)` that `mv` makes.
    fn gain<F: CharacteristicFunction + ?Sized>(&self, ctx: &Ctx<'_, F>, mv: Move) -> f64 {
        match mv {
            Move::Merge { k, l } => self.pair[k][l] - self.value[k] - self.value[l],
            Move::Split { a } => self.without[a] - self.value[self.of[a]] + ctx.single[a],
            Move::Transfer { a, to } => {
                self.without[a] - self.value[self.of[a]] + self.join[to][a] - self.value[to]
            }
        }
    }

    /// The hash of the node `mv` leads to, without making it.
    fn hash_after<F: CharacteristicFunction + ?Sized>(&self, ctx: &Ctx<'_, F>, mv: Move) -> u64 {
        let h = coalition_hash;
        let (gone, new) = match mv {
            Move::Merge { k, l } => (
                h(self.lin[k]).wrapping_add(h(self.lin[l])),
                h(self.lin[k] ^ self.lin[l]),
            ),
            Move::Split { a } => {
                let k = self.of[a];
                (
                    h(self.lin[k]),
                    h(self.lin[k] ^ ctx.key[a]).wrapping_add(h(ctx.key[a])),
                )
            }
            Move::Transfer { a, to } => {
                let k = self.of[a];
                (
                    h(self.lin[k]).wrapping_add(h(self.lin[to])),
                    h(self.lin[k] ^ ctx.key[a]).wrapping_add(h(self.lin[to] ^ ctx.key[a])),
                )
            }
        };
        self.hash.wrapping_sub(gone).wrapping_add(new)
    }

    /// Calls `visit(gain, move)` for every move of the given kinds, in a fixed order.
    fn for_each_move<F: CharacteristicFunction + ?Sized>(
        &self,
        ctx: &Ctx<'_, F>,
        kinds: Kinds,
        mut visit: impl FnMut(f64, Move),
    ) {
        let m = self.coalitions.len();
        if kinds != Kinds::Splits {
            for k in 0..m {
                for l in k + 1..m {
                    visit(
                        self.pair[k][l] - self.value[k] - self.value[l],
                        Move::Merge { k, l },
                    );
                }
            }
        }
        if kinds == Kinds::Merges {
            return;
        }
        for a in 0..ctx.n {
            let k = self.of[a];
            if self.size[k] < 2 {
                continue;
            }
            let base = self.without[a] - self.value[k];
            visit(base + ctx.single[a], Move::Split { a });
            if kinds == Kinds::All {
                for to in (0..m).filter(|&to| to != k) {
                    visit(
                        base + self.join[to][a] - self.value[to],
                        Move::Transfer { a, to },
                    );
                }
            }
        }
    }

    /// The best-scoring move to a node not in `visited` (only improving ones if asked).
    fn choose<F: CharacteristicFunction + ?Sized>(
        &self,
        ctx: &Ctx<'_, F>,
        kinds: Kinds,
        improving_only: bool,
        visited: &HashSet<u64>,
    ) -> Option<Move> {
        let wanted = |g: f64| !improving_only || g > 0.0;
        let fresh = |mv: &Move| !visited.contains(&self.hash_after(ctx, *mv));
        // The best few by score; ties keep the move found first.
        let mut top: Vec<(f64, Move)> = Vec::with_capacity(TOP + 1);
        self.for_each_move(ctx, kinds, |g, mv| {
            if !wanted(g) || (top.len() == TOP && g <= top[TOP - 1].0) {
                return;
            }
            let at = top.iter().position(|(t, _)| g > *t).unwrap_or(top.len());
            top.insert(at, (g, mv));
            top.truncate(TOP);
        });
        if let Some(&(_, mv)) = top.iter().find(|(_, mv)| fresh(mv)) {
            return Some(mv);
        }
        if top.len() < TOP {
            return None;
        }
        // Rare: the best few are all in memory; rank the whole neighbourhood.
        let mut all = Vec::new();
        self.for_each_move(ctx, kinds, |g, mv| {
            if wanted(g) {
                all.push((g, mv));
            }
        });
        all.sort_by(|a, b| b.0.total_cmp(&a.0));
        all.into_iter().map(|(_, mv)| mv).find(fresh)
    }

    /// Makes `mv`, re-evaluating only the rows of the coalitions it changes.
    fn apply<F: CharacteristicFunction + ?Sized>(&mut self, ctx: &Ctx<'_, F>, mv: Move) {
        match mv {
            Move::Merge { k, l } => {
                let (k, l) = (k.min(l), k.max(l));
                let joined = self.coalitions[k].union(&self.coalitions[l]);
                let v = self.pair[k][l];
                // `l > k`, so dropping `l` leaves `k` in place.
                self.remove_slot(l);
                self.set_slot(ctx, k, joined, v);
                self.refresh(ctx, k);
            }
            Move::Split { a } => {
                let k = self.of[a];
                let mut rest = self.coalitions[k];
                rest.remove(a);
                let v = self.without[a];
                self.set_slot(ctx, k, rest, v);
                let s = self.push_slot(ctx, Coalition::singleton(a), ctx.single[a]);
                self.refresh(ctx, k);
                self.refresh(ctx, s);
            }
            Move::Transfer { a, to } => {
                let k = self.of[a];
                let (mut rest, mut joined) = (self.coalitions[k], self.coalitions[to]);
                rest.remove(a);
                joined.insert(a);
                let (v_rest, v_joined) = (self.without[a], self.join[to][a]);
                self.set_slot(ctx, k, rest, v_rest);
                self.set_slot(ctx, to, joined, v_joined);
                self.refresh(ctx, k);
                self.refresh(ctx, to);
            }
        }
        self.rehash();
    }

    /// The best-scoring move that brings this node strictly closer to `target`, counting agent
    /// pairs together in one and apart in the other; `None` once the two are equal.
    fn bridge_step<F: CharacteristicFunction + ?Sized>(
        &self,
        ctx: &Ctx<'_, F>,
        target: &Target,
    ) -> Option<Move> {
        let (m, t) = (self.coalitions.len(), target.count);
        // count[k * t + j]: members of slot k that the target puts in its coalition j.
        let mut count = vec![0usize; m * t];
        for a in 0..ctx.n {
            count[self.of[a] * t + target.label[a]] += 1;
        }
        let row = |k: usize| &count[k * t..(k + 1) * t];
        let pure = (0..m).all(|k| row(k).iter().any(|&c| c == self.size[k]));
        if pure && m == t {
            return None;
        }
        let mut best: Option<(f64, Move)> = None;
        let mut consider = |closer: bool, mv: Move| {
            let g = self.gain(ctx, mv);
            if closer && best.is_none_or(|(b, _)| g > b) {
                best = Some((g, mv));
            }
        };
        // Target labels present in each slot, to score merges in O(m n) overall.
        let labels: Vec<Vec<usize>> = (0..m)
            .map(|k| (0..t).filter(|&j| row(k)[j] > 0).collect())
            .collect();
        for (k, present) in labels.iter().enumerate() {
            for l in k + 1..m {
                let same: usize = present.iter().map(|&j| row(k)[j] * row(l)[j]).sum();
                // Cross pairs become together: right if same label, wrong otherwise.
                consider(2 * same > self.size[k] * self.size[l], Move::Merge { k, l });
            }
        }
        for a in 0..ctx.n {
            let k = self.of[a];
            if self.size[k] < 2 {
                continue;
            }
            let j = target.label[a];
            let same_k = row(k)[j] as i64 - 1;
            let diff_k = self.size[k] as i64 - 1 - same_k;
            // Leaving: pairs with the same label become wrong, the others right.
            let leave = same_k - diff_k;
            consider(leave < 0, Move::Split { a });
            for to in (0..m).filter(|&to| to != k) {
                let same_to = row(to)[j] as i64;
                let diff_to = self.size[to] as i64 - same_to;
                consider(leave + diff_to - same_to < 0, Move::Transfer { a, to });
            }
        }
        Some(
            best.expect("a structure other than the target has a move towards it")
                .1,
        )
    }
}

/// A bridge's end: the coalition index of each agent in the target structure.
#[derive(Clone, Debug, PartialEq)]
struct Target {
    label: Vec<usize>,
    count: usize,
}

impl Target {
    fn new(n: usize, coalitions: &[Coalition]) -> Self {
        let mut label = vec![0; n];
        for (j, c) in coalitions.iter().enumerate() {
            for a in c.agents() {
                label[a] = j;
            }
        }
        Self {
            label,
            count: coalitions.len(),
        }
    }
}

/// Where a searcher is in its strategy.
#[derive(Clone, Debug, PartialEq)]
enum Phase {
    /// Its first strategy: best improving move of one kind.
    Greedy(Kinds),
    /// Best move of any kind to a node not in memory.
    Local,
    /// Walking a bridge to the best node found.
    Bridge(Target),
}

struct Searcher {
    node: Node,
    phase: Phase,
    /// Its best value since its last (re)start.
    own_best: f64,
    /// Expansions since it last beat `own_best`.
    stale: usize,
}

/// The best node found so far.
struct Best {
    value: f64,
    coalitions: Vec<Coalition>,
    hash: u64,
}

/// The state the searchers share.
struct Search<'c, 'f, F: ?Sized> {
    ctx: &'c Ctx<'f, F>,
    visited: HashSet<u64>,
    best: Best,
    patience: usize,
}

impl<F: CharacteristicFunction + ?Sized> Search<'_, '_, F> {
    /// A searcher standing on `node`, which enters the memory.
    fn start(&mut self, node: Node, phase: Phase) -> Searcher {
        self.arrive(&node);
        Searcher {
            own_best: node.total(),
            node,
            phase,
            stale: 0,
        }
    }

    fn arrive(&mut self, node: &Node) {
        self.visited.insert(node.hash);
        let value = node.total();
        if value > self.best.value {
            self.best = Best {
                value,
                coalitions: node.coalitions.clone(),
                hash: node.hash,
            };
        }
    }

    fn restart(&mut self, s: &mut Searcher, rng: &mut Xoshiro256PlusPlus) {
        *s = self.start(Node::random(self.ctx, rng), Phase::Local);
    }

    fn step(&mut self, s: &mut Searcher, mv: Move) {
        s.node.apply(self.ctx, mv);
        self.arrive(&s.node);
    }

    /// One expansion of searcher `s`.
    fn expand(&mut self, s: &mut Searcher, rng: &mut Xoshiro256PlusPlus) {
        let ctx = self.ctx;
        if let Phase::Greedy(kinds) = s.phase {
            match s.node.choose(ctx, kinds, true, &self.visited) {
                Some(mv) => return self.step(s, mv),
                None => s.phase = Phase::Local,
            }
        }
        if let Phase::Bridge(target) = &s.phase {
            let next = s.node.bridge_step(ctx, target);
            match next {
                Some(mv) => self.step(s, mv),
                None => self.restart(s, rng),
            }
            return;
        }
        let Some(mv) = s.node.choose(ctx, Kinds::All, false, &self.visited) else {
            return self.restart(s, rng);
        };
        self.step(s, mv);
        let value = s.node.total();
        if value > s.own_best {
            s.own_best = value;
            s.stale = 0;
        } else {
            s.stale += 1;
        }
        if s.stale >= self.patience {
            if s.own_best >= self.best.value || s.node.hash == self.best.hash {
                // The best node is its own find: nothing lies between; look elsewhere.
                self.restart(s, rng);
            } else {
                s.phase = Phase::Bridge(Target::new(ctx.n, &self.best.coalitions));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::{clink, exact};
    use crate::core::{Distribution, Instance};

    fn instance(name: &str, n: usize, seed: u64) -> Instance {
        Instance::generate(Distribution::from_name(name).expect("known"), n, seed).expect("valid")
    }

    #[test]
    fn saldae_returns_a_partition_on_every_distribution() {
        for name in Distribution::NAMES {
            for n in [1, 2, 3, 10, 50] {
                let inst = instance(name, n, 3);
                let params = SaldaeParams {
                    expansions: if n > 10 { 300 } else { 1000 },
                    seed: 5,
                    ..Default::default()
                };
                let cs = saldae(&inst, &params);
                assert_eq!(cs.agents(), n);
                let mut agents: Vec<usize> = cs.to_lists().concat();
                agents.sort_unstable();
                assert_eq!(agents, (0..n).collect::<Vec<_>>(), "{name} n {n}");
            }
        }
    }

    #[test]
    fn saldae_repeats_for_a_seed() {
        let inst = instance("modified_normal", 40, 2);
        let params = SaldaeParams {
            expansions: 600,
            seed: 11,
            ..Default::default()
        };
        assert_eq!(saldae(&inst, &params), saldae(&inst, &params));
    }

    #[test]
    fn saldae_is_never_below_clink_as_it_walks_clinks_path_first() {
        for seed in 1..=3 {
            let inst = instance("modified_normal", 30, seed);
            let found = saldae(&inst, &SaldaeParams::default()).value(&inst);
            let greedy = clink(&inst).value(&inst);
            assert!(found >= greedy - 1e-9, "seed {seed}: {found} < {greedy}");
        }
    }

    #[test]
    fn saldae_reaches_its_measured_share_of_the_optimum_on_small_instances() {
        // Measured at 10 agents, seeds 1..=5, default parameters: the exact optimum on every
        // instance of all six distributions, so the share of the summed optima is 1.0 for each.
        let measured = [
            ("modified_uniform", 1.0),
            ("modified_normal", 1.0),
            ("agent_based", 1.0),
            ("hard_modified_uniform", 1.0),
            ("hard_modified_normal", 1.0),
            ("combined", 1.0),
        ];
        for (name, share) in measured {
            let (mut found, mut optimum) = (0.0, 0.0);
            for seed in 1..=5 {
                let inst = instance(name, 10, seed);
                found += saldae(&inst, &SaldaeParams::default()).value(&inst);
                optimum += exact(&inst).expect("small").1;
            }
            let got = found / optimum;
            assert!(got >= share - 1e-9, "{name}: {got} of the optimum");
        }
    }

    /// Every table of `node` against a node built from scratch on the same coalitions.
    fn assert_fresh(ctx: &Ctx<'_, Instance>, node: &Node) {
        assert_eq!(node, &Node::new(ctx, node.coalitions.clone()));
    }

    #[test]
    fn incremental_tables_and_hashes_equal_recomputing_them() {
        let inst = instance("modified_uniform", 14, 4);
        let ctx = Ctx::new(&inst);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(9);
        for _ in 0..6 {
            let mut node = Node::random(&ctx, &mut rng);
            assert_fresh(&ctx, &node);
            for _ in 0..40 {
                let mut moves = Vec::new();
                node.for_each_move(&ctx, Kinds::All, |g, mv| moves.push((g, mv)));
                if moves.is_empty() {
                    break;
                }
                let (g, mv) = moves[rng.random_range(0..moves.len())];
                let (before, hash) = (node.total(), node.hash_after(&ctx, mv));
                assert_eq!(g, node.gain(&ctx, mv));
                node.apply(&ctx, mv);
                assert_fresh(&ctx, &node);
                assert_eq!(node.hash, hash, "{mv:?}");
                // The gain is the change of v(CS), up to summation order.
                let naive = CoalitionStructure::from_coalitions(14, node.coalitions.clone())
                    .expect("partition")
                    .value(&inst);
                assert!((naive - before - g).abs() < 1e-9, "{mv:?}");
            }
        }
    }

    /// Agent pairs on which two structures disagree.
    fn distance(a: &Node, b: &Node) -> usize {
        let n = a.of.len();
        (0..n)
            .flat_map(|x| (x + 1..n).map(move |y| (x, y)))
            .filter(|&(x, y)| (a.of[x] == a.of[y]) != (b.of[x] == b.of[y]))
            .count()
    }

    #[test]
    fn bridges_get_strictly_closer_and_arrive() {
        let inst = instance("modified_normal", 16, 7);
        let ctx = Ctx::new(&inst);
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        for _ in 0..8 {
            let mut node = Node::random(&ctx, &mut rng);
            let goal = Node::random(&ctx, &mut rng);
            let target = Target::new(16, &goal.coalitions);
            let mut d = distance(&node, &goal);
            while let Some(mv) = node.bridge_step(&ctx, &target) {
                node.apply(&ctx, mv);
                let next = distance(&node, &goal);
                assert!(next < d, "{mv:?} went from {d} to {next}");
                d = next;
            }
            assert_eq!(d, 0);
            assert_eq!(node.hash, goal.hash);
        }
    }
}
