//! GRASP for coalition structure generation (Di Mauro, Basile, Ferilli, Esposito: "Coalition
//! structure generation with GRASP", AIMSA 2010), following the authors' `elk` (`src/grasp.c`).
//!
//! Each iteration draws a greediness `α ~ U(0, 1)`, then:
//! - *construction*: agents are inserted one at a time; every (unassigned agent, target) pair,
//!   the target being an existing coalition or a new one, is scored by the change of `v(CS)` it
//!   makes; the restricted candidate list holds the insertions scoring at least
//!   `g_min + α (g_max − g_min)`, and one is drawn uniformly;
//! - *local search*, steepest ascent: among all *shift* (move an agent to another coalition),
//!   *extract* (move an agent out alone), *swap* (exchange two agents of different coalitions)
//!   and *merge* (join two coalitions) moves, take the best strictly improving one, until none
//!   improves.
//!
//! The best structure over the iterations is returned. Deviations from `grasp.c`, which
//! re-evaluates every coalition of every neighbour: the neighbourhood is kept incrementally.
//! The local search holds, across its steps, the value terms of every candidate move:
//! `v(C \ {a})` per agent and `v({a})` (shift, extract), `v(C_k ∪ {a})` per coalition and
//! outside agent (shift), `v(C \ {a} ∪ {b})` per agent and outside agent (swap) and
//! `v(C_k ∪ C_l)` per pair of coalitions (merge). A move changes at most two coalitions (or
//! adds one, an extract's singleton), and only the entries involving those are re-evaluated;
//! the coalitions keep their slots as in the plain search (an emptied one is swap-removed),
//! the tables' rows moving with them. Scoring the neighbourhood is arithmetic on the tables.
//! Construction likewise keeps `v(C_k ∪ {a})` per coalition and unassigned agent and
//! re-evaluates only the coalition an insertion changed. Ties go to the first move found in a
//! fixed order (shift, extract, swap, merge), and gains use the from-scratch expressions in
//! the same order, so the moves and the result are bit for bit those of the plain version
//! (kept in the tests as the reference), with 7.5 × fewer value calls at 100 agents and 20 ×
//! fewer at 300 (modified normal, 5 iterations).

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::{CharacteristicFunction, Coalition, CoalitionStructure};

/// GRASP's settings.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct GraspParams {
    /// Construction + local-search iterations (restarts), 5 as in the reference runs.
    pub iterations: usize,
    /// Seed of `α` and the candidate draws.
    pub seed: u64,
}

impl Default for GraspParams {
    fn default() -> Self {
        Self {
            iterations: 5,
            seed: 0,
        }
    }
}

/// The coalitions being built, with their cached values.
struct Partial<'f, F: ?Sized> {
    f: &'f F,
    coalitions: Vec<Coalition>,
    values: Vec<f64>,
}

impl<F: CharacteristicFunction + ?Sized> Partial<'_, F> {
    fn total(&self) -> f64 {
        self.values.iter().sum()
    }
}

/// A local-search move.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Move {
    /// Agent from coalition `from` to coalition `to`.
    Shift {
        agent: usize,
        from: usize,
        to: usize,
    },
    /// Agent out of coalition `from`, alone.
    Extract { agent: usize, from: usize },
    /// Agents `a` (in `ca`) and `b` (in `cb`) exchange coalitions.
    Swap {
        a: usize,
        ca: usize,
        b: usize,
        cb: usize,
    },
    /// Coalitions `i` and `j` join.
    Merge { i: usize, j: usize },
}

/// The structure GRASP finds on `f` in `params.iterations` iterations.
pub fn grasp<F: CharacteristicFunction + ?Sized>(
    f: &F,
    params: &GraspParams,
) -> CoalitionStructure {
    grasp_while(f, params, &mut |done| done < params.iterations)
}

/// The structure GRASP finds on `f`, starting a new iteration while `more(iterations done)`
/// says so (always at least one); `params.iterations` is ignored. For time budgets.
pub fn grasp_while<F: CharacteristicFunction + ?Sized>(
    f: &F,
    params: &GraspParams,
    more: &mut dyn FnMut(usize) -> bool,
) -> CoalitionStructure {
    let n = f.agents();
    let (_, coalitions) = best_of_iterations(f, params.seed, more);
    CoalitionStructure::from_coalitions(n, coalitions).expect("moves keep a partition")
}

/// GRASP's local search from `cs`: steepest ascent over shift, extract, swap and merge moves
/// (ties as in GRASP) while `more()` says so (asked before building the moves' tables and before
/// each move), to a local optimum or until the budget ends. Never lowers `v(CS)`: every move
/// taken strictly raises it. The tables cost about `n²` value calls, which a time budget asked
/// just before may not have left (about a millisecond at 100 agents).
pub fn local_search_from<F: CharacteristicFunction + ?Sized>(
    f: &F,
    cs: &CoalitionStructure,
    more: &mut dyn FnMut() -> bool,
) -> CoalitionStructure {
    if !more() {
        return cs.clone();
    }
    let coalitions = cs.coalitions().to_vec();
    let values = coalitions.iter().map(|c| f.value(c)).collect();
    let mut partial = Partial {
        f,
        coalitions,
        values,
    };
    local_search(&mut partial, &singles(f), more);
    CoalitionStructure::from_coalitions(f.agents(), partial.coalitions)
        .expect("moves keep a partition")
}

/// `v({a})` of every agent `a`.
fn singles<F: CharacteristicFunction + ?Sized>(f: &F) -> Vec<f64> {
    (0..f.agents())
        .map(|a| f.value(&Coalition::singleton(a)))
        .collect()
}

/// The best iteration's total and coalitions, in slot order.
fn best_of_iterations<F: CharacteristicFunction + ?Sized>(
    f: &F,
    seed: u64,
    more: &mut dyn FnMut(usize) -> bool,
) -> (f64, Vec<Coalition>) {
    let single = singles(f);
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut best: Option<(f64, Vec<Coalition>)> = None;
    let mut done = 0;
    while done == 0 || more(done) {
        done += 1;
        let alpha: f64 = rng.random();
        let mut cs = construct(f, &single, alpha, &mut rng);
        local_search(&mut cs, &single, &mut || true);
        let value = cs.total();
        if best.as_ref().is_none_or(|(v, _)| value > *v) {
            best = Some((value, cs.coalitions));
        }
    }
    best.unwrap_or((0.0, Vec::new()))
}

/// Randomised greedy construction with a restricted candidate list of insertions; `single`
/// holds `v({a})`.
fn construct<'f, F: CharacteristicFunction + ?Sized>(
    f: &'f F,
    single: &[f64],
    alpha: f64,
    rng: &mut Xoshiro256PlusPlus,
) -> Partial<'f, F> {
    let n = f.agents();
    let mut cs = Partial {
        f,
        coalitions: Vec::new(),
        values: Vec::new(),
    };
    // join[k][a] = v(C_k ∪ {a}) for every unassigned agent a: an insertion changes one
    // coalition (or adds one), so only its row is re-evaluated.
    let mut join: Vec<Vec<f64>> = Vec::new();
    let mut unassigned: Vec<usize> = (0..n).collect();
    // (gain, index into unassigned, target coalition or None for a new one)
    let mut options: Vec<(f64, usize, Option<usize>)> = Vec::new();
    while !unassigned.is_empty() {
        options.clear();
        for (u, &a) in unassigned.iter().enumerate() {
            options.push((single[a], u, None));
            for (k, row) in join.iter().enumerate() {
                options.push((row[a] - cs.values[k], u, Some(k)));
            }
        }
        let (lo, hi) = options
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), o| {
                (lo.min(o.0), hi.max(o.0))
            });
        let threshold = lo + alpha * (hi - lo);
        let rcl: Vec<&(f64, usize, Option<usize>)> =
            options.iter().filter(|o| o.0 >= threshold).collect();
        let &(_, u, target) = rcl[rng.random_range(0..rcl.len())];
        let a = unassigned.swap_remove(u);
        let k = match target {
            None => {
                cs.coalitions.push(Coalition::singleton(a));
                cs.values.push(single[a]);
                join.push(vec![0.0; n]);
                cs.coalitions.len() - 1
            }
            Some(k) => {
                cs.coalitions[k].insert(a);
                cs.values[k] = join[k][a];
                k
            }
        };
        let c = cs.coalitions[k];
        for &b in &unassigned {
            let mut joined = c;
            joined.insert(b);
            join[k][b] = f.value(&joined);
        }
    }
    cs
}

/// Steepest ascent over shift, extract, swap and merge moves while `more()` says so (asked
/// before each move); `single` holds `v({a})`.
fn local_search<F: CharacteristicFunction + ?Sized>(
    cs: &mut Partial<'_, F>,
    single: &[f64],
    more: &mut dyn FnMut() -> bool,
) {
    let mut hood = Neighbourhood::new(cs, single);
    while more() {
        match hood.best_move(cs) {
            Some(mv) => hood.apply(cs, mv),
            None => break,
        }
    }
}

/// Gains below this are not improvements (float noise).
const EPS: f64 = 1e-12;

/// The value terms of every candidate move out of a [`Partial`], kept across local-search
/// steps. Entries about members (`join[k][a]` for `a ∈ C_k`, `swap` within a coalition) are
/// stale and never read.
struct Neighbourhood<'s> {
    n: usize,
    /// `v({a})`.
    single: &'s [f64],
    /// `without[a] = v(C \ {a})` for `a`'s coalition `C` (`v(∅) = 0` for a singleton).
    without: Vec<f64>,
    /// `join[k][a] = v(C_k ∪ {a})` for `a ∉ C_k`.
    join: Vec<Vec<f64>>,
    /// `swap[a · n + b] = v(C \ {a} ∪ {b})` for `a`'s coalition `C` and `b ∉ C`.
    swap: Vec<f64>,
    /// `pair[k][l] = v(C_k ∪ C_l)` for `k ≠ l`.
    pair: Vec<Vec<f64>>,
    /// Slots whose coalition changed since the tables were last brought up to date.
    dirty: Vec<bool>,
}

impl<'s> Neighbourhood<'s> {
    fn new<F: CharacteristicFunction + ?Sized>(cs: &Partial<'_, F>, single: &'s [f64]) -> Self {
        let (n, m) = (single.len(), cs.coalitions.len());
        let mut hood = Self {
            n,
            single,
            without: vec![0.0; n],
            join: vec![vec![0.0; n]; m],
            swap: vec![0.0; n * n],
            pair: vec![vec![0.0; m]; m],
            dirty: vec![true; m],
        };
        hood.refresh(cs);
        hood
    }

    /// The best strictly improving move, the first found on ties; the gains are the
    /// from-scratch expressions, evaluated in the same order, on the cached terms.
    fn best_move<F: CharacteristicFunction + ?Sized>(&self, cs: &Partial<'_, F>) -> Option<Move> {
        let (n, m) = (self.n, cs.coalitions.len());
        let values = &cs.values;
        let mut best: Option<(f64, Move)> = None;
        let mut consider = |gain: f64, mv: Move| {
            if gain > EPS && best.is_none_or(|(g, _)| gain > g) {
                best = Some((gain, mv));
            }
        };
        for (from, c) in cs.coalitions.iter().enumerate() {
            for agent in c.agents() {
                let loss = self.without[agent] - values[from];
                for (to, (join, &v_to)) in self.join.iter().zip(values).enumerate() {
                    if to != from {
                        consider(loss + join[agent] - v_to, Move::Shift { agent, from, to });
                    }
                }
                if c.len() > 1 {
                    consider(loss + self.single[agent], Move::Extract { agent, from });
                }
            }
        }
        for ca in 0..m {
            for cb in ca + 1..m {
                for a in cs.coalitions[ca].agents() {
                    for b in cs.coalitions[cb].agents() {
                        let gain =
                            self.swap[a * n + b] + self.swap[b * n + a] - values[ca] - values[cb];
                        consider(gain, Move::Swap { a, ca, b, cb });
                    }
                }
                consider(
                    self.pair[ca][cb] - values[ca] - values[cb],
                    Move::Merge { i: ca, j: cb },
                );
            }
        }
        best.map(|(_, mv)| mv)
    }

    /// Makes `mv` with the same slot operations as a from-scratch local search (so slots keep
    /// their order), taking the new coalitions' values from the move's cached terms, then
    /// re-evaluates the entries of the coalitions it changed.
    fn apply<F: CharacteristicFunction + ?Sized>(&mut self, cs: &mut Partial<'_, F>, mv: Move) {
        let n = self.n;
        match mv {
            Move::Shift { agent, from, to } => {
                let (mut x, mut y) = (cs.coalitions[from], cs.coalitions[to]);
                x.remove(agent);
                y.insert(agent);
                let (vx, vy) = (self.without[agent], self.join[to][agent]);
                self.set(cs, to, y, vy);
                self.set(cs, from, x, vx);
            }
            Move::Extract { agent, from } => {
                let mut x = cs.coalitions[from];
                x.remove(agent);
                let vx = self.without[agent];
                self.set(cs, from, x, vx);
                self.push(cs, Coalition::singleton(agent), self.single[agent]);
            }
            Move::Swap { a, ca, b, cb } => {
                let (mut x, mut y) = (cs.coalitions[ca], cs.coalitions[cb]);
                x.remove(a);
                x.insert(b);
                y.remove(b);
                y.insert(a);
                let (vx, vy) = (self.swap[a * n + b], self.swap[b * n + a]);
                self.set(cs, ca, x, vx);
                self.set(cs, cb, y, vy);
            }
            Move::Merge { i, j } => {
                let joined = cs.coalitions[i].union(&cs.coalitions[j]);
                let v = self.pair[i][j];
                self.set(cs, i, joined, v);
                self.set(cs, j, Coalition::empty(), 0.0);
            }
        }
        self.refresh(cs);
    }

    /// Slot `k` becomes `c` of value `value`; an empty `c` drops the slot, the last one moving
    /// into it (with its table rows and its dirty mark).
    fn set<F: CharacteristicFunction + ?Sized>(
        &mut self,
        cs: &mut Partial<'_, F>,
        k: usize,
        c: Coalition,
        value: f64,
    ) {
        if c.is_empty() {
            cs.coalitions.swap_remove(k);
            cs.values.swap_remove(k);
            self.join.swap_remove(k);
            self.pair.swap_remove(k);
            for row in &mut self.pair {
                row.swap_remove(k);
            }
            self.dirty.swap_remove(k);
        } else {
            cs.coalitions[k] = c;
            cs.values[k] = value;
            self.dirty[k] = true;
        }
    }

    /// A new last slot holding `c` of value `value`.
    fn push<F: CharacteristicFunction + ?Sized>(
        &mut self,
        cs: &mut Partial<'_, F>,
        c: Coalition,
        value: f64,
    ) {
        cs.coalitions.push(c);
        cs.values.push(value);
        self.join.push(vec![0.0; self.n]);
        for row in &mut self.pair {
            row.push(0.0);
        }
        self.pair.push(vec![0.0; cs.coalitions.len()]);
        self.dirty.push(true);
    }

    /// Re-evaluates every entry that involves a dirty slot's coalition: its members'
    /// `v(C \ {a})` and `v(C \ {a} ∪ {b})`, its `v(C ∪ {b})` and its unions with the other
    /// coalitions (once per pair when both are dirty). Entries between clean coalitions still
    /// hold.
    fn refresh<F: CharacteristicFunction + ?Sized>(&mut self, cs: &Partial<'_, F>) {
        let (f, n, m) = (cs.f, self.n, cs.coalitions.len());
        for k in 0..m {
            if !self.dirty[k] {
                continue;
            }
            let c = cs.coalitions[k];
            let alone = c.len() == 1;
            for a in c.agents() {
                let mut rest = c;
                rest.remove(a);
                self.without[a] = if alone { 0.0 } else { f.value(&rest) };
                let row = &mut self.swap[a * n..(a + 1) * n];
                for (b, slot) in row.iter_mut().enumerate() {
                    if !c.contains(b) {
                        *slot = if alone {
                            self.single[b]
                        } else {
                            let mut swapped = rest;
                            swapped.insert(b);
                            f.value(&swapped)
                        };
                    }
                }
            }
            for (b, slot) in self.join[k].iter_mut().enumerate() {
                if !c.contains(b) {
                    let mut joined = c;
                    joined.insert(b);
                    *slot = f.value(&joined);
                }
            }
            for l in 0..m {
                // A dirty l < k already did this pair.
                if l != k && !(l < k && self.dirty[l]) {
                    let v = f.value(&c.union(&cs.coalitions[l]));
                    self.pair[k][l] = v;
                    self.pair[l][k] = v;
                }
            }
        }
        self.dirty.fill(false);
    }
}

#[cfg(test)]
mod tests {
    use std::cell::Cell;

    use super::*;
    use crate::algorithms::exact;
    use crate::core::{Distribution, Instance};

    /// The plain GRASP this module started from, which re-evaluates every move from scratch at
    /// every local-search step: the reference the incremental one must match move for move.
    mod reference {
        use super::super::*;

        fn set<F: CharacteristicFunction + ?Sized>(
            cs: &mut Partial<'_, F>,
            k: usize,
            c: Coalition,
        ) {
            if c.is_empty() {
                cs.coalitions.swap_remove(k);
                cs.values.swap_remove(k);
            } else {
                cs.values[k] = cs.f.value(&c);
                cs.coalitions[k] = c;
            }
        }

        fn push<F: CharacteristicFunction + ?Sized>(cs: &mut Partial<'_, F>, c: Coalition) {
            cs.values.push(cs.f.value(&c));
            cs.coalitions.push(c);
        }

        /// The best iteration's total and coalitions, in slot order.
        pub fn best_of_iterations<F: CharacteristicFunction + ?Sized>(
            f: &F,
            params: &GraspParams,
        ) -> (f64, Vec<Coalition>) {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(params.seed);
            let mut best: Option<(f64, Vec<Coalition>)> = None;
            for _ in 0..params.iterations.max(1) {
                let alpha: f64 = rng.random();
                let mut cs = construct(f, alpha, &mut rng);
                local_search(&mut cs);
                let value = cs.total();
                if best.as_ref().is_none_or(|(v, _)| value > *v) {
                    best = Some((value, cs.coalitions));
                }
            }
            best.unwrap_or((0.0, Vec::new()))
        }

        fn construct<'f, F: CharacteristicFunction + ?Sized>(
            f: &'f F,
            alpha: f64,
            rng: &mut Xoshiro256PlusPlus,
        ) -> Partial<'f, F> {
            let mut cs = Partial {
                f,
                coalitions: Vec::new(),
                values: Vec::new(),
            };
            let mut unassigned: Vec<usize> = (0..f.agents()).collect();
            while !unassigned.is_empty() {
                let mut options: Vec<(f64, usize, Option<usize>)> = Vec::new();
                for (u, &a) in unassigned.iter().enumerate() {
                    let single = Coalition::singleton(a);
                    options.push((f.value(&single), u, None));
                    for (k, c) in cs.coalitions.iter().enumerate() {
                        let mut joined = *c;
                        joined.insert(a);
                        options.push((f.value(&joined) - cs.values[k], u, Some(k)));
                    }
                }
                let (lo, hi) = options
                    .iter()
                    .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), o| {
                        (lo.min(o.0), hi.max(o.0))
                    });
                let threshold = lo + alpha * (hi - lo);
                let rcl: Vec<&(f64, usize, Option<usize>)> =
                    options.iter().filter(|o| o.0 >= threshold).collect();
                let &(_, u, target) = rcl[rng.random_range(0..rcl.len())];
                let a = unassigned.swap_remove(u);
                match target {
                    None => push(&mut cs, Coalition::singleton(a)),
                    Some(k) => {
                        let mut joined = cs.coalitions[k];
                        joined.insert(a);
                        set(&mut cs, k, joined);
                    }
                }
            }
            cs
        }

        fn local_search<F: CharacteristicFunction + ?Sized>(cs: &mut Partial<'_, F>) {
            loop {
                let f = cs.f;
                let m = cs.coalitions.len();
                let without: Vec<Vec<(usize, f64)>> = cs
                    .coalitions
                    .iter()
                    .map(|c| {
                        c.agents()
                            .map(|a| {
                                let mut rest = *c;
                                rest.remove(a);
                                (a, f.value(&rest))
                            })
                            .collect()
                    })
                    .collect();
                let mut best: Option<(f64, Move)> = None;
                let mut consider = |gain: f64, mv: Move| {
                    if gain > EPS && best.is_none_or(|(g, _)| gain > g) {
                        best = Some((gain, mv));
                    }
                };
                for (from, members) in without.iter().enumerate() {
                    for &(agent, v_rest) in members {
                        let loss = v_rest - cs.values[from];
                        for to in 0..m {
                            if to != from {
                                let mut joined = cs.coalitions[to];
                                joined.insert(agent);
                                consider(
                                    loss + f.value(&joined) - cs.values[to],
                                    Move::Shift { agent, from, to },
                                );
                            }
                        }
                        if cs.coalitions[from].len() > 1 {
                            consider(
                                loss + f.value(&Coalition::singleton(agent)),
                                Move::Extract { agent, from },
                            );
                        }
                    }
                }
                for ca in 0..m {
                    for cb in ca + 1..m {
                        for &(a, _) in &without[ca] {
                            for &(b, _) in &without[cb] {
                                let (mut x, mut y) = (cs.coalitions[ca], cs.coalitions[cb]);
                                x.remove(a);
                                x.insert(b);
                                y.remove(b);
                                y.insert(a);
                                let gain =
                                    f.value(&x) + f.value(&y) - cs.values[ca] - cs.values[cb];
                                consider(gain, Move::Swap { a, ca, b, cb });
                            }
                        }
                        let joined = cs.coalitions[ca].union(&cs.coalitions[cb]);
                        consider(
                            f.value(&joined) - cs.values[ca] - cs.values[cb],
                            Move::Merge { i: ca, j: cb },
                        );
                    }
                }
                let Some((_, mv)) = best else { return };
                apply(cs, mv);
            }
        }

        fn apply<F: CharacteristicFunction + ?Sized>(cs: &mut Partial<'_, F>, mv: Move) {
            match mv {
                Move::Shift { agent, from, to } => {
                    let (mut x, mut y) = (cs.coalitions[from], cs.coalitions[to]);
                    x.remove(agent);
                    y.insert(agent);
                    set(cs, to, y);
                    set(cs, from, x);
                }
                Move::Extract { agent, from } => {
                    let mut x = cs.coalitions[from];
                    x.remove(agent);
                    set(cs, from, x);
                    push(cs, Coalition::singleton(agent));
                }
                Move::Swap { a, ca, b, cb } => {
                    let (mut x, mut y) = (cs.coalitions[ca], cs.coalitions[cb]);
                    x.remove(a);
                    x.insert(b);
                    y.remove(b);
                    y.insert(a);
                    set(cs, ca, x);
                    set(cs, cb, y);
                }
                Move::Merge { i, j } => {
                    let joined = cs.coalitions[i].union(&cs.coalitions[j]);
                    set(cs, i, joined);
                    set(cs, j, Coalition::empty());
                }
            }
        }
    }

    /// An instance that counts its value calls.
    struct Counting<'a> {
        inner: &'a Instance,
        calls: Cell<u64>,
    }

    impl CharacteristicFunction for Counting<'_> {
        fn agents(&self) -> usize {
            self.inner.agents()
        }

        fn value(&self, c: &Coalition) -> f64 {
            self.calls.set(self.calls.get() + 1);
            self.inner.value(c)
        }
    }

    fn instance(name: &str, n: usize, seed: u64) -> Instance {
        Instance::generate(Distribution::from_name(name).expect("known"), n, seed).expect("valid")
    }

    #[test]
    fn grasp_makes_exactly_the_moves_of_the_from_scratch_reference() {
        for name in Distribution::NAMES {
            for n in [1, 2, 3, 7, 15, 40] {
                for seed in 0..3 {
                    let inst = instance(name, n, seed);
                    for params in [
                        GraspParams {
                            iterations: 1,
                            seed,
                        },
                        GraspParams {
                            iterations: 3,
                            seed: seed + 10,
                        },
                    ] {
                        let (value, coalitions) =
                            best_of_iterations(&inst, params.seed, &mut |d| d < params.iterations);
                        let (ref_value, ref_coalitions) =
                            reference::best_of_iterations(&inst, &params);
                        let at = format!("{name}, n = {n}, seed {seed}, {params:?}");
                        // Same coalitions in the same slots, same total to the bit.
                        assert_eq!(coalitions, ref_coalitions, "{at}");
                        assert_eq!(value.to_bits(), ref_value.to_bits(), "{at}");
                        let expected = CoalitionStructure::from_coalitions(n, ref_coalitions)
                            .expect("a partition");
                        assert_eq!(grasp(&inst, &params), expected, "{at}");
                    }
                }
            }
        }
    }

    #[test]
    fn grasp_makes_far_fewer_value_calls_than_the_reference() {
        // Measured at 40 agents, modified normal seed 1, default parameters: 30 343 value calls
        // against 157 042 from scratch (5.2 ×; 7.5 × at 100 agents, 20 × at 300).
        let inst = instance("modified_normal", 40, 1);
        let params = GraspParams::default();
        let incremental = Counting {
            inner: &inst,
            calls: Cell::new(0),
        };
        let plain = Counting {
            inner: &inst,
            calls: Cell::new(0),
        };
        let (_, found) =
            best_of_iterations(&incremental, params.seed, &mut |d| d < params.iterations);
        let (_, expected) = reference::best_of_iterations(&plain, &params);
        assert_eq!(found, expected);
        let (new, old) = (incremental.calls.get(), plain.calls.get());
        println!("value calls at 40 agents: {new} incremental, {old} from scratch");
        assert!(new * 4 < old, "{new} vs {old}");
    }

    #[test]
    fn grasp_returns_a_local_optimum_that_repeats_for_a_seed() {
        for name in Distribution::NAMES {
            let inst = instance(name, 30, 2);
            let params = GraspParams {
                iterations: 3,
                seed: 7,
            };
            let cs = grasp(&inst, &params);
            assert_eq!(cs, grasp(&inst, &params), "{name}");
            // No merge of two of its coalitions improves it.
            for (i, a) in cs.coalitions().iter().enumerate() {
                for b in &cs.coalitions()[i + 1..] {
                    assert!(inst.merge_reward(a, b) <= 1e-9, "{name}");
                }
            }
        }
    }

    #[test]
    fn grasp_reaches_its_measured_share_of_the_optimum_on_small_instances() {
        // Measured at 10 agents, seed 1, default parameters: the optimum on five distributions,
        // 95.78 % of it on agent-based. Asserted with a little room for float summation order.
        let measured = [
            ("modified_uniform", 1.0),
            ("modified_normal", 1.0),
            ("agent_based", 0.9578),
            ("hard_modified_uniform", 1.0),
            ("hard_modified_normal", 1.0),
            ("combined", 1.0),
        ];
        for (name, share) in measured {
            let inst = instance(name, 10, 1);
            let (_, optimum) = exact(&inst).expect("small");
            let found = grasp(&inst, &GraspParams::default()).value(&inst);
            assert!(
                found >= (share - 1e-4) * optimum,
                "{name}: {found} vs {optimum}"
            );
        }
    }
}
