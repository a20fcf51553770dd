//! SALDAE on the grid: our reconstruction of [`crate::algorithms::saldae`] (its doc says what is
//! known of the published algorithm and what is our choice) with each structure valued by the
//! followers, one training the first time it is met.
//!
//! Searchers walk the coalition-structure graph, whose moves are merges, extracts (a split of
//! one agent off) and shifts (an agent changes coalition: a split then a merge). Searcher 0, the
//! merger, first walks alone from all singletons taking the best improving merge: C-Link's
//! path, so SALDAE is never below C-Link once the budget covers it. Then all searchers take
//! turns, one expansion each per round: searcher 1 starts at the grand coalition, the others at
//! random structures (a random number of coalitions `k ∈ 1..=n`, each agent in one of them
//! uniformly). An expansion moves to the best-valued neighbour not in the shared memory of
//! structures stood on (an ascent while one improves, the least worsening step otherwise). A
//! searcher that has gone `PATIENCE` expansions without beating its own best walks a bridge to
//! the best structure found by anyone, each step the best-valued move that brings it strictly
//! closer (in agent pairs on which the two disagree), then restarts at a random structure.
//!
//! Unlike the normal-form version, no incremental tables: on the grid each value is a
//! training, which dwarfs the bookkeeping. The search ends when the budget is spent or after
//! rounds that value nothing new.

use std::collections::HashSet;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::{Coalition, CoalitionStructure};

use super::super::error::Result;
use super::{best_of, moves, StructureValues};

/// Searchers, the merger included.
const SEARCHERS: usize = 4;
/// Expansions without beating its own best before a searcher bridges to the best structure.
const PATIENCE: usize = 3;
/// Rounds in a row that may value no new structure before the search ends.
const IDLE_ROUNDS: usize = 20;

struct Searcher {
    at: CoalitionStructure,
    own_best: f64,
    since_best: usize,
    /// The structure a bridge is walking to.
    bridge: Option<CoalitionStructure>,
}

/// Runs SALDAE with the seed `seed` until the budget is spent or the search has stalled.
pub fn saldae(values: &mut dyn StructureValues, seed: u64) -> Result<()> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = values.agents();
    let mut memory: HashSet<Vec<Vec<usize>>> = HashSet::new();
    let mut best: Option<(CoalitionStructure, f64)> = None;

    // The merger's first strategy: C-Link's path.
    let mut at = CoalitionStructure::singletons(n);
    let Some(mut v) = values.value(&at)? else {
        return Ok(());
    };
    memory.insert(at.to_lists());
    loop {
        match best_of(values, moves::merges(&at)?)? {
            None => return Ok(()),
            Some(Some((next, w))) if w > v => {
                memory.insert(next.to_lists());
                (at, v) = (next, w);
            }
            Some(_) => break,
        }
    }
    note(&mut best, &at, v);
    let mut searchers = vec![Searcher::new(at, v)];
    for s in 1..SEARCHERS {
        let start = if s == 1 {
            CoalitionStructure::grand(n)
        } else {
            random_structure(n, &mut rng)?
        };
        let Some(v) = values.value(&start)? else {
            return Ok(());
        };
        memory.insert(start.to_lists());
        note(&mut best, &start, v);
        searchers.push(Searcher::new(start, v));
    }

    let mut idle = 0;
    while idle < IDLE_ROUNDS {
        let before = values.trainings();
        for s in &mut searchers {
            let target = best.as_ref().map(|b| b.0.clone());
            let Some((next, w)) = s.expand(values, &mut memory, target, &mut rng)? else {
                return Ok(());
            };
            note(&mut best, &next, w);
        }
        idle = if values.trainings() == before {
            idle + 1
        } else {
            0
        };
    }
    Ok(())
}

impl Searcher {
    fn new(at: CoalitionStructure, value: f64) -> Self {
        Self {
            at,
            own_best: value,
            since_best: 0,
            bridge: None,
        }
    }

    /// One expansion: a move, a bridge step or a restart; `None` once the budget is spent.
    fn expand(
        &mut self,
        values: &mut dyn StructureValues,
        memory: &mut HashSet<Vec<Vec<usize>>>,
        best: Option<CoalitionStructure>,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Result<Option<(CoalitionStructure, f64)>> {
        if self.bridge.is_none() && self.since_best >= PATIENCE {
            self.bridge = best;
        }
        let moved = match &self.bridge {
            Some(target) if *target != self.at => {
                let d = moves::distance(&self.at, target);
                let closer = neighbours(&self.at)?
                    .into_iter()
                    .filter(|c| moves::distance(c, target) < d)
                    .collect();
                best_of(values, closer)?
            }
            Some(_) => {
                self.bridge = None;
                self.since_best = 0;
                return self.restart(values, memory, rng);
            }
            None => {
                let fresh = neighbours(&self.at)?
                    .into_iter()
                    .filter(|c| !memory.contains(&c.to_lists()))
                    .collect();
                best_of(values, fresh)?
            }
        };
        match moved {
            None => Ok(None),
            Some(None) => self.restart(values, memory, rng),
            Some(Some((next, w))) => {
                memory.insert(next.to_lists());
                self.at = next.clone();
                if w > self.own_best {
                    self.own_best = w;
                    self.since_best = 0;
                } else {
                    self.since_best += 1;
                }
                Ok(Some((next, w)))
            }
        }
    }

    fn restart(
        &mut self,
        values: &mut dyn StructureValues,
        memory: &mut HashSet<Vec<Vec<usize>>>,
        rng: &mut Xoshiro256PlusPlus,
    ) -> Result<Option<(CoalitionStructure, f64)>> {
        let start = random_structure(self.at.agents(), rng)?;
        let Some(v) = values.value(&start)? else {
            return Ok(None);
        };
        memory.insert(start.to_lists());
        *self = Self::new(start.clone(), v);
        Ok(Some((start, v)))
    }
}

/// Merges, extracts and shifts of `cs`.
fn neighbours(cs: &CoalitionStructure) -> Result<Vec<CoalitionStructure>> {
    let mut all = moves::merges(cs)?;
    all.extend(moves::extracts(cs)?);
    all.extend(moves::shifts(cs)?);
    Ok(all)
}

fn note(best: &mut Option<(CoalitionStructure, f64)>, cs: &CoalitionStructure, v: f64) {
    if best.as_ref().is_none_or(|(_, b)| v > *b) {
        *best = Some((cs.clone(), v));
    }
}

/// A random structure: `k ∈ 1..=n` coalitions, each agent in one of them uniformly.
fn random_structure(n: usize, rng: &mut Xoshiro256PlusPlus) -> Result<CoalitionStructure> {
    let k = rng.random_range(1..=n);
    let mut coalitions = vec![Coalition::default(); k];
    for a in 0..n {
        coalitions[rng.random_range(0..k)].insert(a);
    }
    coalitions.retain(|c| !c.is_empty());
    Ok(CoalitionStructure::from_coalitions(n, coalitions)?)
}
