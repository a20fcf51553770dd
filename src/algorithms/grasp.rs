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
//! The best structure over the iterations is returned. Deviations from `grasp.c`: coalition
//! values are cached (`v(C)`, and `v(C \ {a})` per member), so a neighbourhood costs one value
//! look-up per candidate move instead of re-evaluating every coalition of every neighbour; ties
//! go to the first move found in a fixed order (shift, extract, swap, merge). Same results, less
//! work.

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

impl<'f, F: CharacteristicFunction + ?Sized> Partial<'f, F> {
    fn total(&self) -> f64 {
        self.values.iter().sum()
    }

    fn set(&mut self, k: usize, c: Coalition) {
        if c.is_empty() {
            self.coalitions.swap_remove(k);
            self.values.swap_remove(k);
        } else {
            self.values[k] = self.f.value(&c);
            self.coalitions[k] = c;
        }
    }

    fn push(&mut self, c: Coalition) {
        self.values.push(self.f.value(&c));
        self.coalitions.push(c);
    }
}

/// A local-search move.
#[derive(Clone, Copy, Debug)]
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

/// The structure GRASP finds on `f`.
pub fn grasp<F: CharacteristicFunction + ?Sized>(
    f: &F,
    params: &GraspParams,
) -> CoalitionStructure {
    let n = f.agents();
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
    let coalitions = best.map(|(_, c)| c).unwrap_or_default();
    CoalitionStructure::from_coalitions(n, coalitions).expect("moves keep a partition")
}

/// Randomised greedy construction with a restricted candidate list of insertions.
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
        // (gain, index into unassigned, target coalition or None for a new one)
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
            None => cs.push(Coalition::singleton(a)),
            Some(k) => {
                let mut joined = cs.coalitions[k];
                joined.insert(a);
                cs.set(k, joined);
            }
        }
    }
    cs
}

/// Steepest ascent over shift, extract, swap and merge moves.
fn local_search<F: CharacteristicFunction + ?Sized>(cs: &mut Partial<'_, F>) {
    const EPS: f64 = 1e-12;
    loop {
        let f = cs.f;
        let m = cs.coalitions.len();
        // v(C \ {a}) for every member a of every coalition.
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
                        let gain = f.value(&x) + f.value(&y) - cs.values[ca] - cs.values[cb];
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
            cs.set(to, y);
            // `from` may be emptied and removed; set it last so `to` keeps its index.
            cs.set(from, x);
        }
        Move::Extract { agent, from } => {
            let mut x = cs.coalitions[from];
            x.remove(agent);
            cs.set(from, x);
            cs.push(Coalition::singleton(agent));
        }
        Move::Swap { a, ca, b, cb } => {
            let (mut x, mut y) = (cs.coalitions[ca], cs.coalitions[cb]);
            x.remove(a);
            x.insert(b);
            y.remove(b);
            y.insert(a);
            cs.set(ca, x);
            cs.set(cb, y);
        }
        Move::Merge { i, j } => {
            let joined = cs.coalitions[i].union(&cs.coalitions[j]);
            cs.set(i, joined);
            cs.set(j, Coalition::empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::exact;
    use crate::core::{Distribution, Instance};

    #[test]
    fn grasp_returns_a_local_optimum_that_repeats_for_a_seed() {
        for name in Distribution::NAMES {
            let inst = Instance::generate(Distribution::from_name(name).expect("known"), 30, 2)
                .expect("valid");
            let params = GraspParams {
                iterations: 3,
                seed: 7,
            };
            let cs = grasp(&inst, &params);
            assert_eq!(cs, grasp(&inst, &params), "{name}");
            // No merge of two of its coalitions improves it.
            for (i, a) in cs.coalitions().iter().enumerate() {
                for b in &cs.coalitions()[i + 1..] {
                    assert!(
                        inst.value(&a.union(b)) - inst.value(a) - inst.value(b) <= 1e-9,
                        "{name}"
                    );
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
            let inst = Instance::generate(Distribution::from_name(name).expect("known"), 10, 1)
                .expect("valid");
            let (_, optimum) = exact(&inst).expect("small");
            let found = grasp(&inst, &GraspParams::default()).value(&inst);
            assert!(
                found >= (share - 1e-4) * optimum,
                "{name}: {found} vs {optimum}"
            );
        }
    }
}
