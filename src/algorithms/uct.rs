//! CSG-UCT (Wu, Ramchurn: "Monte-Carlo tree search for scalable coalition formation", IJCAI
//! 2020), following the public Rust port of Roucairol et al. (`RoucairolMilo/coalition`,
//! `src/methods/CSGUCT.rs` on the state of `src/models/coalition.rs`).
//!
//! The search tree's root is the structure of singletons; a move merges two coalitions, so a
//! node's children are its `m(m−1)/2` pair merges and the grand coalition is the only leaf.
//! Each iteration:
//! - *selection*: from the root, take the child maximising `v̂ + Cp·√(2 ln N / n)` (`v̂` the
//!   child's value, `n` its visits, `N` the parent's); a child never tried scores `+∞`, so every
//!   child of a node is tried once before any grandchild;
//! - *expansion and playout*: the first node never visited gets one greedy playout: merge the
//!   pair with the largest gain `v(Ci ∪ Cj) − v(Ci) − v(Cj)` (ties to the smaller pair of
//!   slots, as C-Link) until the grand coalition, and score the playout by the *best*
//!   structure met on the way, the start included; a visited leaf scores its own value;
//! - *back-up* by maximum: every node on the path counts a visit and keeps the best score seen
//!   below it (the paper's change to UCT, since CSG seeks one best structure, not a mean).
//!
//! The best structure of all playouts is returned. Iteration 1 is the playout from the
//! singletons, whose greedy phase is exactly C-Link's (same gains, same tie rule), so CSG-UCT is
//! never worse than C-Link.
//!
//! Deviations from the port, and choices the paper leaves open:
//! - *Incremental gains*: the port rescores every pair at every playout step (`n^3` look-ups
//!   per playout). Here a structure carries every pair's gain and each row's best pair; a merge
//!   recomputes only the merged coalition's gains (`m` look-ups) and rescans only rows whose
//!   best pair it touched. The singletons' gains are computed once and copied into every
//!   iteration. Same playouts, `n^2/2` look-ups each. The port memoises every value in a hash
//!   map instead; we cache the current coalitions' values and the pairs' gains.
//! - *No positive gain left*: the port then merges the first two coalitions (its best gain
//!   starts at 0 and its move defaults to the first pair); we merge the pair with the largest,
//!   least negative gain, the paper's myopic rule read literally. Both keep going to the grand
//!   coalition, so the playout can pass a C-Link stop and find something better beyond it.
//! - *Root visits*: the port backs up to every non-empty prefix of the path but never the root,
//!   whose count stays 1 (so `ln N = 0` and the root never explores); we count the root too.
//! - *Ties* (every untried child): the port flips a fair coin for each tied child in turn, which
//!   favours the last pairs; we draw uniformly among the tied children with the seeded RNG.
//! - *Budget*: a number of iterations (the port stops at `maxExp` or a timeout, 100 s in its
//!   runs). The default, 1000, takes about 0.4 s at `n = 100` on modified normal (native
//!   release, one core); a playout there takes about 0.4 ms. `Cp = 1` as in the port, in units
//!   of value (not normalised): with values of about 10 per agent the bonus hardly matters, and
//!   the search behaves as best-first below nodes whose children have all been tried.
//! - Like the port, the tree is keyed by move sequences: two paths to one structure are two
//!   nodes.
//!
//! Measured on modified normal, instance seeds 1..3, default parameters, against C-Link
//! (`crate::algorithms::clink`): the first playout's best structure is C-Link's on 8 of the 9
//! instances (on `n = 50` seed 1 going past C-Link's stop adds 0.12 %), as the issue reports of
//! the published implementations. The search then adds, over C-Link: at `n = 30` 6.08, 1.65,
//! 4.26 %; at `n = 50` 1.98, 1.75, 3.08 %; at `n = 100` 0.88, 0.35, 1.37 % (the issue reports
//! 0.3-3 % after 100 s of the published CSG-UCT). At `n = 100` the 1000 iterations do not
//! even try every child of the root (4950); 5000 iterations reach 0.88, 0.61, 1.69 %. The
//! port's first-pair rule instead of the least negative gain gave the same values on 7 of the
//! 9 instances and less on 2.

use std::cmp::Ordering;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::{CharacteristicFunction, Coalition, CoalitionStructure};

/// CSG-UCT's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct UctParams {
    /// Iterations, each one descent and one playout (or leaf back-up); at least 1. The default,
    /// 1000, runs in under half a second at `n = 100` (native release).
    pub iterations: usize,
    /// The UCT constant `Cp` in `v̂ + Cp·√(2 ln N / n)`, in units of value: the port's 1.0.
    pub exploration: f64,
    /// Seed of the draws among tied children.
    pub seed: u64,
}

impl Default for UctParams {
    fn default() -> Self {
        Self {
            iterations: 1000,
            exploration: 1.0,
            seed: 0,
        }
    }
}

/// No slot / no node.
const NONE: usize = usize::MAX;
const NO_NODE: u32 = u32::MAX;

/// A coalition structure being merged, with every pair's gain kept up to date.
///
/// Coalitions sit in slots `0..n` (slot `i` starts as agent `i`); merging slots `i < j` keeps
/// the union in `i` and empties `j`, so live slots stay in the port's list order.
struct Merging<'f, F: ?Sized> {
    f: &'f F,
    n: usize,
    coalitions: Vec<Coalition>,
    values: Vec<f64>,
    alive: Vec<bool>,
    live: usize,
    /// `gains[i * n + j]` for live slots `i < j`.
    gains: Vec<f64>,
    /// Per live slot `i`, the best `(gain, j)` over live `j > i` (smallest `j` on ties), or
    /// `(−∞, NONE)` when there is none.
    row_best: Vec<(f64, usize)>,
    /// `v` of the structure, kept as the sum of the merges' gains.
    total: f64,
}

impl<F: ?Sized> Clone for Merging<'_, F> {
    fn clone(&self) -> Self {
        Self {
            f: self.f,
            n: self.n,
            coalitions: self.coalitions.clone(),
            values: self.values.clone(),
            alive: self.alive.clone(),
            live: self.live,
            gains: self.gains.clone(),
            row_best: self.row_best.clone(),
            total: self.total,
        }
    }
}

impl<'f, F: CharacteristicFunction + ?Sized> Merging<'f, F> {
    /// All singletons, with every pair's gain.
    fn singletons(f: &'f F) -> Self {
        let n = f.agents();
        let coalitions: Vec<Coalition> = (0..n).map(Coalition::singleton).collect();
        let values: Vec<f64> = coalitions.iter().map(|c| f.value(c)).collect();
        let mut gains = vec![0.0; n * n];
        for i in 0..n {
            for j in i + 1..n {
                gains[i * n + j] =
                    f.value(&coalitions[i].union(&coalitions[j])) - values[i] - values[j];
            }
        }
        let mut s = Self {
            f,
            n,
            total: values.iter().sum(),
            coalitions,
            values,
            alive: vec![true; n],
            live: n,
            gains,
            row_best: vec![(f64::NEG_INFINITY, NONE); n],
        };
        for r in 0..n {
            s.rescan_row(r);
        }
        s
    }

    /// Row `r`'s best pair, from scratch.
    fn rescan_row(&mut self, r: usize) {
        let n = self.n;
        let mut best = (f64::NEG_INFINITY, NONE);
        for k in r + 1..n {
            if self.alive[k] {
                let g = self.gains[r * n + k];
                if best.1 == NONE || g.total_cmp(&best.0) == Ordering::Greater {
                    best = (g, k);
                }
            }
        }
        self.row_best[r] = best;
    }

    /// The pair with the largest gain, ties to the smaller `(i, j)`: `(gain, i, j)`.
    fn best_pair(&self) -> Option<(f64, usize, usize)> {
        let mut best: Option<(f64, usize, usize)> = None;
        for (r, &(g, k)) in self.row_best.iter().enumerate() {
            if k != NONE
                && self.alive[r]
                && best.is_none_or(|b| g.total_cmp(&b.0) == Ordering::Greater)
            {
                best = Some((g, r, k));
            }
        }
        best
    }

    /// Merges live slots `i < j` into `i`; only gains with `i` are recomputed, and only rows
    /// whose best pair involved `i` or `j` are rescanned.
    fn merge(&mut self, i: usize, j: usize) {
        debug_assert!(i < j && self.alive[i] && self.alive[j]);
        let n = self.n;
        self.total += self.gains[i * n + j];
        let merged = self.coalitions[i].union(&self.coalitions[j]);
        self.coalitions[i] = merged;
        self.values[i] = self.f.value(&merged);
        self.coalitions[j] = Coalition::empty();
        self.alive[j] = false;
        self.live -= 1;
        self.row_best[j] = (f64::NEG_INFINITY, NONE);
        for k in 0..n {
            if k != i && self.alive[k] {
                let g = self.f.value(&merged.union(&self.coalitions[k]))
                    - self.values[i]
                    - self.values[k];
                self.gains[i.min(k) * n + i.max(k)] = g;
            }
        }
        // Rows above `i` hold one changed entry (`i`) and one removed (`j`).
        for r in 0..i {
            if !self.alive[r] {
                continue;
            }
            let (g, b) = self.row_best[r];
            if b == i || b == j {
                self.rescan_row(r);
            } else {
                let gi = self.gains[r * n + i];
                match gi.total_cmp(&g) {
                    Ordering::Greater => self.row_best[r] = (gi, i),
                    Ordering::Equal if i < b => self.row_best[r] = (gi, i),
                    _ => {}
                }
            }
        }
        self.rescan_row(i);
        // Rows between `i` and `j` lose only entry `j`; rows below `j` are untouched.
        for r in i + 1..j {
            if self.alive[r] && self.row_best[r].1 == j {
                self.rescan_row(r);
            }
        }
    }

    /// The live slots in order.
    fn live_slots(&self, out: &mut Vec<usize>) {
        out.clear();
        out.extend((0..self.n).filter(|&k| self.alive[k]));
    }

    /// Greedy playout to the grand coalition; the merges are appended to `moves`. Returns the
    /// best total met (the start included) and how many of the appended merges reach it.
    fn playout(&mut self, moves: &mut Vec<(usize, usize)>) -> (f64, usize) {
        let start = moves.len();
        let mut best = (self.total, start);
        while let Some((_, i, j)) = self.best_pair() {
            self.merge(i, j);
            moves.push((i, j));
            if self.total > best.0 {
                best = (self.total, moves.len());
            }
        }
        best
    }
}

/// The coalitions after replaying `moves` on the singletons of `n` agents.
fn replay(n: usize, moves: &[(usize, usize)]) -> Vec<Coalition> {
    let mut slots: Vec<Coalition> = (0..n).map(Coalition::singleton).collect();
    for &(i, j) in moves {
        slots[i] = slots[i].union(&slots[j]);
        slots[j] = Coalition::empty();
    }
    slots.retain(|c| !c.is_empty());
    slots
}

/// A node of the search tree.
struct Node {
    visits: u64,
    /// The best playout score seen below the node.
    best: f64,
    /// Child node per pair of live slots, in pair order (`NO_NODE` if untried); empty until
    /// the node is first passed through.
    children: Vec<u32>,
}

impl Node {
    fn new() -> Self {
        Self {
            visits: 0,
            best: f64::NEG_INFINITY,
            children: Vec::new(),
        }
    }
}

/// The child of `nodes[id]` (over `m` live slots) that UCB1 picks: `(pair index, a, b)` with
/// `a < b` positions among the live slots. Ties are drawn uniformly.
fn select(
    nodes: &[Node],
    id: usize,
    m: usize,
    exploration: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> (usize, usize, usize) {
    let node = &nodes[id];
    let two_ln_n = 2.0 * (node.visits.max(1) as f64).ln();
    let mut best = f64::NEG_INFINITY;
    let mut ties = 0u32;
    let mut pick = (0, 0, 1);
    let mut rank = 0;
    for a in 0..m {
        for b in a + 1..m {
            let child = node.children[rank];
            let score = if child == NO_NODE {
                f64::INFINITY
            } else {
                let c = &nodes[child as usize];
                c.best + exploration * (two_ln_n / c.visits as f64).sqrt()
            };
            match score.total_cmp(&best) {
                Ordering::Greater => {
                    best = score;
                    ties = 1;
                    pick = (rank, a, b);
                }
                Ordering::Equal => {
                    ties += 1;
                    if rng.random_range(0..ties) == 0 {
                        pick = (rank, a, b);
                    }
                }
                Ordering::Less => {}
            }
            rank += 1;
        }
    }
    pick
}

/// The best structure CSG-UCT finds on `f` in `params.iterations` iterations.
pub fn uct<F: CharacteristicFunction + ?Sized>(f: &F, params: &UctParams) -> CoalitionStructure {
    uct_while(f, params, &mut |done| done < params.iterations)
}

/// The best structure CSG-UCT finds on `f`, starting a new iteration while `more(iterations
/// done)` says so (always at least one); `params.iterations` is ignored. For time budgets.
pub fn uct_while<F: CharacteristicFunction + ?Sized>(
    f: &F,
    params: &UctParams,
    more: &mut dyn FnMut(usize) -> bool,
) -> CoalitionStructure {
    let n = f.agents();
    let (best_moves, _) = search(f, params, more);
    CoalitionStructure::from_coalitions(n, replay(n, &best_moves)).expect("merges keep a partition")
}

/// The search: the merges from the singletons to the best structure found, and the number of
/// tree nodes made.
fn search<F: CharacteristicFunction + ?Sized>(
    f: &F,
    params: &UctParams,
    more: &mut dyn FnMut(usize) -> bool,
) -> (Vec<(usize, usize)>, usize) {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
    let root = Merging::singletons(f);
    let mut nodes = vec![Node::new()];
    let mut best_total = f64::NEG_INFINITY;
    let mut best_moves: Vec<(usize, usize)> = Vec::new();
    let mut path: Vec<usize> = Vec::new();
    let mut moves: Vec<(usize, usize)> = Vec::new();
    let mut live: Vec<usize> = Vec::new();
    let mut done = 0;
    while done == 0 || more(done) {
        done += 1;
        let mut state = root.clone();
        path.clear();
        moves.clear();
        let mut id = 0;
        path.push(id);
        let score = loop {
            if nodes[id].visits == 0 {
                let (score, len) = state.playout(&mut moves);
                if score > best_total {
                    best_total = score;
                    best_moves.clear();
                    best_moves.extend_from_slice(&moves[..len]);
                }
                break score;
            }
            if state.live <= 1 {
                break state.total;
            }
            state.live_slots(&mut live);
            let m = live.len();
            if nodes[id].children.is_empty() {
                nodes[id].children = vec![NO_NODE; m * (m - 1) / 2];
            }
            let (rank, a, b) = select(&nodes, id, m, params.exploration, &mut rng);
            state.merge(live[a], live[b]);
            moves.push((live[a], live[b]));
            let mut child = nodes[id].children[rank];
            if child == NO_NODE {
                child = u32::try_from(nodes.len()).expect("fewer than 2^32 nodes");
                nodes.push(Node::new());
                nodes[id].children[rank] = child;
            }
            id = child as usize;
            path.push(id);
        };
        for &p in &path {
            let node = &mut nodes[p];
            node.visits += 1;
            if score > node.best {
                node.best = score;
            }
        }
    }
    (best_moves, nodes.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::{clink, exact};
    use crate::core::{Distribution, Instance};

    fn instance(name: &str, n: usize, seed: u64) -> Instance {
        Instance::generate(Distribution::from_name(name).expect("known"), n, seed).expect("valid")
    }

    /// The best structure of the playout from the singletons (CSG-UCT's first iteration).
    fn first_playout(f: &Instance) -> CoalitionStructure {
        let mut moves = Vec::new();
        let (_, len) = Merging::singletons(f).playout(&mut moves);
        CoalitionStructure::from_coalitions(f.agents(), replay(f.agents(), &moves[..len]))
            .expect("a partition")
    }

    #[test]
    fn uct_returns_a_partition_on_every_distribution() {
        for name in Distribution::NAMES {
            for n in [1, 2, 3, 10, 50] {
                let inst = instance(name, n, 5);
                let cs = uct(&inst, &UctParams::default());
                assert_eq!(cs.agents(), n, "{name} n {n}");
                let members: usize = cs.coalitions().iter().map(Coalition::len).sum();
                assert_eq!(members, n, "{name} n {n}");
            }
        }
    }

    #[test]
    fn uct_repeats_for_a_seed() {
        for name in Distribution::NAMES {
            let inst = instance(name, 20, 3);
            let params = UctParams {
                iterations: 300,
                seed: 9,
                ..Default::default()
            };
            assert_eq!(uct(&inst, &params), uct(&inst, &params), "{name}");
        }
    }

    #[test]
    fn the_playout_gains_equal_a_naive_recount_at_every_step() {
        for name in Distribution::NAMES {
            let inst = instance(name, 12, 4);
            let mut s = Merging::singletons(&inst);
            loop {
                let live: Vec<usize> = (0..12).filter(|&k| s.alive[k]).collect();
                assert_eq!(live.len(), s.live);
                for &i in &live {
                    assert_eq!(s.values[i], inst.value(&s.coalitions[i]), "{name}");
                }
                let total: f64 = live.iter().map(|&i| s.values[i]).sum();
                assert!((s.total - total).abs() < 1e-9, "{name}");
                // Every kept gain against a recount (equal up to the order of the two
                // subtractions), and the kept row bests against a scan of all pairs in order.
                let mut scan: Option<(f64, usize, usize)> = None;
                for (x, &i) in live.iter().enumerate() {
                    for &j in &live[x + 1..] {
                        let (a, b) = (s.coalitions[i], s.coalitions[j]);
                        let naive = inst.merge_reward(&a, &b);
                        let kept = s.gains[i * 12 + j];
                        assert!((kept - naive).abs() < 1e-9, "{name} pair {i} {j}");
                        if scan.is_none_or(|(best, _, _)| kept > best) {
                            scan = Some((kept, i, j));
                        }
                    }
                }
                assert_eq!(s.best_pair(), scan, "{name}");
                let Some((_, i, j)) = scan else { break };
                s.merge(i, j);
            }
            assert_eq!(s.live, 1, "{name}");
        }
    }

    #[test]
    fn the_first_playout_passes_through_clink_and_uct_keeps_the_best() {
        for name in Distribution::NAMES {
            for seed in 1..=3 {
                let inst = instance(name, 30, seed);
                // The greedy phase, up to the first merge without a positive gain, is C-Link.
                let mut s = Merging::singletons(&inst);
                while let Some((g, i, j)) = s.best_pair() {
                    if g <= 0.0 {
                        break;
                    }
                    s.merge(i, j);
                }
                let greedy = CoalitionStructure::from_coalitions(
                    30,
                    s.coalitions.into_iter().filter(|c| !c.is_empty()).collect(),
                )
                .expect("a partition");
                assert_eq!(greedy, clink(&inst), "{name} seed {seed}");
                let first = first_playout(&inst).value(&inst);
                assert!(first >= greedy.value(&inst) - 1e-9, "{name} seed {seed}");
                let params = UctParams {
                    iterations: 200,
                    seed,
                    ..Default::default()
                };
                let found = uct(&inst, &params).value(&inst);
                assert!(found >= first - 1e-9, "{name} seed {seed}");
            }
        }
    }

    #[test]
    fn with_enough_iterations_and_exploration_the_whole_tree_is_searched() {
        // Six agents: 1 + 15 + 15·10 + 15·10·6 + 15·10·6·3 + 15·10·6·3·1 = 6466 nodes. A large
        // `Cp` spreads the iterations evenly, so 20 000 of them make every node, and a node's
        // playout scores its own structure: the optimum is found (the paper's completeness).
        for name in Distribution::NAMES {
            for seed in 1..=3 {
                let inst = instance(name, 6, seed);
                let (_, optimum) = exact(&inst).expect("small");
                let params = UctParams {
                    iterations: 20_000,
                    exploration: 1e6,
                    seed,
                };
                let (moves, nodes) = search(&inst, &params, &mut |d| d < params.iterations);
                assert_eq!(nodes, 6466, "{name} seed {seed}");
                let found = CoalitionStructure::from_coalitions(6, replay(6, &moves))
                    .expect("a partition")
                    .value(&inst);
                assert!(
                    (found - optimum).abs() < 1e-9,
                    "{name} seed {seed}: {found} vs {optimum}"
                );
            }
        }
    }

    #[test]
    fn uct_reaches_its_measured_share_of_the_optimum_on_small_instances() {
        // Measured at 10 agents, default parameters (1000 iterations, seed 0), instance seeds
        // 1, 2, 3: found / optimum. The optimum everywhere but on hard modified normal seed 2
        // (92.48 %) and combined seed 3 (85.10 %), where 1000 iterations do not reach it.
        let measured = [
            ("modified_uniform", [1.0, 1.0, 1.0]),
            ("modified_normal", [1.0, 1.0, 1.0]),
            ("agent_based", [1.0, 1.0, 1.0]),
            ("hard_modified_uniform", [1.0, 1.0, 1.0]),
            ("hard_modified_normal", [1.0, 0.924_842_632, 1.0]),
            ("combined", [1.0, 1.0, 0.850_995_383]),
        ];
        for (name, shares) in measured {
            for (seed, share) in (1..).zip(shares) {
                let inst = instance(name, 10, seed);
                let (_, optimum) = exact(&inst).expect("small");
                let found = uct(&inst, &UctParams::default()).value(&inst);
                assert!(
                    found / optimum >= share - 1e-9,
                    "{name} seed {seed}: {found} vs {optimum}"
                );
            }
        }
    }
}
