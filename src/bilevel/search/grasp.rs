//! GRASP on the grid (as [`crate::algorithms::grasp`], after Di Mauro et al. 2010), each
//! iteration a randomised greedy construction, then a steepest-ascent local search, until the
//! budget is spent.
//!
//! Construction inserts the agents one at a time; an agent not yet inserted plays alone (a
//! structure on the grid needs every agent somewhere), so inserting it as a new coalition
//! leaves the structure as it is and inserting it into a coalition is that merge. Each
//! iteration draws the greediness `α ~ U(0, 1)`; the restricted candidate list holds the
//! insertions scoring at least `g_min + α (g_max − g_min)`, one drawn uniformly. The local search
//! takes the best strictly improving move among shifts, extracts, swaps and merges (first of
//! equals in that order) until none improves. Each structure is one follower training the first
//! time it is met; after a few iterations that value nothing new (the neighbourhoods are all
//! known), the search ends even with budget left.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::{Coalition, CoalitionStructure};

use super::super::error::Result;
use super::{best_of, moves, StructureValues};

/// Iterations in a row that may value no new structure before the search ends.
const IDLE_ITERATIONS: usize = 5;

/// Runs GRASP with the seed `seed` until the budget is spent or the search has stalled.
pub fn grasp(values: &mut dyn StructureValues, seed: u64) -> Result<()> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let n = values.agents();
    let mut idle = 0;
    while idle < IDLE_ITERATIONS {
        let mut counter = Counting {
            inner: values,
            new: 0,
        };
        let Some(cs) = construct(&mut counter, n, &mut rng)? else {
            return Ok(());
        };
        if !local_search(&mut counter, cs)? {
            return Ok(());
        }
        idle = if counter.new == 0 { idle + 1 } else { 0 };
    }
    Ok(())
}

/// Counts the follower trainings an iteration spends, to tell when the search has stalled.
struct Counting<'v> {
    inner: &'v mut dyn StructureValues,
    new: usize,
}

impl StructureValues for Counting<'_> {
    fn agents(&self) -> usize {
        self.inner.agents()
    }

    fn value(&mut self, cs: &CoalitionStructure) -> Result<Option<f64>> {
        let before = self.inner.trainings();
        let v = self.inner.value(cs)?;
        self.new += self.inner.trainings() - before;
        Ok(v)
    }

    fn trainings(&self) -> usize {
        self.inner.trainings()
    }
}

/// The randomised greedy construction; `None` once the budget is spent.
fn construct(
    values: &mut dyn StructureValues,
    n: usize,
    rng: &mut Xoshiro256PlusPlus,
) -> Result<Option<CoalitionStructure>> {
    let alpha: f64 = rng.random();
    let mut cs = CoalitionStructure::singletons(n);
    let Some(mut v) = values.value(&cs)? else {
        return Ok(None);
    };
    // Coalitions holding inserted agents, as members; the others play alone.
    let mut built: Vec<Coalition> = Vec::new();
    let mut waiting: Vec<usize> = (0..n).collect();
    while !waiting.is_empty() {
        // (agent's index in `waiting`, target coalition or None for a new one, structure, V).
        let mut candidates: Vec<(usize, Option<usize>, CoalitionStructure, f64)> = Vec::new();
        for (w, &a) in waiting.iter().enumerate() {
            candidates.push((w, None, cs.clone(), v));
            for (t, c) in built.iter().enumerate() {
                let mut members = *c;
                members.insert(a);
                let next = with_coalition(&cs, &members)?;
                let Some(value) = values.value(&next)? else {
                    return Ok(None);
                };
                candidates.push((w, Some(t), next, value));
            }
        }
        let (lo, hi) = candidates
            .iter()
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), c| {
                (lo.min(c.3), hi.max(c.3))
            });
        let threshold = lo + alpha * (hi - lo);
        let list: Vec<_> = candidates
            .into_iter()
            .filter(|c| c.3 >= threshold)
            .collect();
        let (w, target, next, value) = list[rng.random_range(0..list.len())].clone();
        let a = waiting.remove(w);
        match target {
            Some(t) => built[t].insert(a),
            None => built.push(Coalition::singleton(a)),
        }
        (cs, v) = (next, value);
    }
    Ok(Some(cs))
}

/// `cs` with `members` made one coalition (each of them taken from where it was).
fn with_coalition(cs: &CoalitionStructure, members: &Coalition) -> Result<CoalitionStructure> {
    let mut coalitions: Vec<Coalition> = cs
        .coalitions()
        .iter()
        .map(|c| {
            let mut c = *c;
            for a in members.agents() {
                c.remove(a);
            }
            c
        })
        .filter(|c| !c.is_empty())
        .collect();
    coalitions.push(*members);
    Ok(CoalitionStructure::from_coalitions(
        cs.agents(),
        coalitions,
    )?)
}

/// Steepest ascent from `cs`; `false` once the budget is spent.
fn local_search(values: &mut dyn StructureValues, mut cs: CoalitionStructure) -> Result<bool> {
    let Some(mut v) = values.value(&cs)? else {
        return Ok(false);
    };
    loop {
        let mut neighbours = moves::shifts(&cs)?;
        neighbours.extend(moves::extracts(&cs)?);
        neighbours.extend(moves::swaps(&cs)?);
        neighbours.extend(moves::merges(&cs)?);
        match best_of(values, neighbours)? {
            None => return Ok(false),
            Some(Some((next, w))) if w > v => (cs, v) = (next, w),
            Some(_) => return Ok(true),
        }
    }
}
