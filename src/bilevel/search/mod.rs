//! The baselines on the grid (issue: "singleton, C-Link, GRASP, SALDAE, CSG-UCT search over
//! structures valued by the same followers"): each search sees only `V(CS)` of the structures
//! it asks for ([`StructureValues`]), which the followers give after training `K` epochs on a
//! structure new to them, as in BRIDGE's loop: the same [`FollowerLevel`], the same
//! [`ValueCache`](super::ValueCache) (a structure seen before costs nothing) and a budget of
//! follower trainings, in the experiments BRIDGE's own count for the same configuration and
//! seed. Each search starts by valuing all singletons (BRIDGE's first structure too, so every
//! algorithm's gain has the same reference), and its result, the best structure it valued, is
//! then trained on once more and valued, exactly as [`LbfRun`](super::LbfRun) ends BRIDGE's
//! run. This final training is why the Singleton row has a gain that is not zero (the paper's
//! Figure 3 shows one too): the followers valued the singletons first, fresh, and value them
//! again after every training of the run.
//!
//! The searches: [`clink`] (greedy merges), [`grasp`], [`csg_uct`] and [`saldae`] follow their
//! normal-form versions in [`crate::algorithms`], each module saying how the grid changes them;
//! `singleton` and `grand` value one structure.

mod clink;
mod grasp;
mod moves;
mod oracle;
mod saldae;
mod uct;

pub use clink::clink;
pub use grasp::grasp;
pub use oracle::{Budgeted, StructureValues};
pub use saldae::saldae;
pub use uct::csg_uct;

use crate::algorithms::Algorithm;
use crate::core::CoalitionStructure;
use crate::followers::Followers;
use crate::leader::Error as LeaderError;

use super::error::Result;
use super::followers::FollowerLevel;
use super::run::{Outcome, RunSettings};
use super::stepper::BiLevelEvent;

/// The algorithms that search structures on the grid.
pub const GRID_ALGORITHMS: [Algorithm; 6] = [
    Algorithm::Singleton,
    Algorithm::Grand,
    Algorithm::Clink,
    Algorithm::Grasp,
    Algorithm::Saldae,
    Algorithm::Uct,
];

/// Runs `algorithm` over `values` (seeded by `seed` where it draws) until it ends or the budget
/// is spent. Exact and random search are refused: the first would train the followers on every
/// structure (203 at 6 agents, 115 975 at 10), the second is not a baseline of the paper's
/// grid experiments; BRIDGE is [`LbfRun`](super::LbfRun).
pub fn search(algorithm: Algorithm, values: &mut dyn StructureValues, seed: u64) -> Result<()> {
    let n = values.agents();
    match algorithm {
        Algorithm::Singleton => values.value(&CoalitionStructure::singletons(n)).map(drop),
        Algorithm::Grand => values.value(&CoalitionStructure::grand(n)).map(drop),
        Algorithm::Clink => clink(values),
        Algorithm::Grasp => grasp(values, seed),
        Algorithm::Saldae => saldae(values, seed),
        Algorithm::Uct => csg_uct(values, seed),
        other => Err(LeaderError::BadParams(format!(
            "`{}` does not run on the grid; the grid's algorithms are bridge, {}",
            other.name(),
            GRID_ALGORITHMS.map(Algorithm::name).join(", ")
        ))
        .into()),
    }
}

/// A baseline's whole run with BRIDGE's run settings (the configuration, the followers, their
/// schedule and seed; the leader's settings are not used): all singletons valued, then the
/// search within `budget` follower trainings (singletons included), then the followers trained
/// once more on the best structure valued. Every structure valued is reported to `events`.
/// Returns the outcome and the followers as trained last (on the structure found).
pub fn run_baseline(
    settings: &RunSettings,
    algorithm: Algorithm,
    budget: usize,
    events: &mut dyn FnMut(BiLevelEvent),
) -> Result<(Outcome, Followers)> {
    // The singletons take the first training; the grand coalition needs one more.
    let least = if algorithm == Algorithm::Grand { 2 } else { 1 };
    if budget < least {
        return Err(LeaderError::BadParams(format!(
            "give {} a budget of at least {least} follower training{} (all singletons are \
             valued first)",
            algorithm.name(),
            if least == 1 { "" } else { "s" }
        ))
        .into());
    }
    let followers = Followers::new(
        settings.config.clone(),
        settings.followers.clone(),
        settings.seed,
    )?;
    let mut lower = FollowerLevel::new(followers, settings.schedule.clone());
    let n = settings.config.agents();
    let singletons = CoalitionStructure::singletons(n);
    let (best, cache_len, singleton_value, valued) = {
        let mut values = Budgeted::new(&mut lower, budget, settings.outer.work_per_piece, events);
        let singleton_value = values.value(&singletons)?.unwrap_or_default();
        search(algorithm, &mut values, settings.seed)?;
        let best = values
            .best()
            .map_or_else(|| singletons.clone(), |(cs, _)| cs.clone());
        let valued = values.retrain(&best)?;
        (best, values.cache().len(), singleton_value, valued)
    };
    let outcome = Outcome {
        structure: best.to_lists(),
        value: valued.value,
        coalition_values: valued.coalition_values,
        singleton_value,
        trainings: cache_len + 1,
    };
    events(outcome.valued_event(valued.training_curve));
    Ok((outcome, lower.into_parts().0))
}

/// The best-valued structure among `candidates` (the first of equal values): `None` once the
/// budget is spent, `Some(None)` when there are no candidates.
fn best_of(
    values: &mut dyn StructureValues,
    candidates: Vec<CoalitionStructure>,
) -> Result<Option<Option<(CoalitionStructure, f64)>>> {
    let mut best: Option<(CoalitionStructure, f64)> = None;
    for cs in candidates {
        let Some(v) = values.value(&cs)? else {
            return Ok(None);
        };
        if best.as_ref().is_none_or(|(_, b)| v > *b) {
            best = Some((cs, v));
        }
    }
    Ok(Some(best))
}

#[cfg(test)]
mod tests;
