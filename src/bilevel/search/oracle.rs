//! The baselines' only access to the followers: the value of a structure, trained for on first
//! sight and read from the cache afterwards, within a budget of follower trainings.

use crate::core::CoalitionStructure;

use super::super::cache::ValueCache;
use super::super::error::Result;
use super::super::lower::LowerLevel;
use super::super::stepper::BiLevelEvent;

/// `V(CS)` as a search over structures sees it. `None` means the budget is spent: the search
/// must end (the best structure valued so far is its result).
pub trait StructureValues {
    /// The number of agents.
    fn agents(&self) -> usize;

    /// `V(cs)`, or `None` once the budget is spent and `cs` has not been valued.
    fn value(&mut self, cs: &CoalitionStructure) -> Result<Option<f64>>;

    /// Follower trainings spent so far (structures valued).
    fn trainings(&self) -> usize;
}

/// A lower level behind a [`ValueCache`] and a budget: a structure seen before costs nothing, a
/// new one costs one follower training, and no more than `budget` are trained.
pub struct Budgeted<'a, L: LowerLevel> {
    lower: &'a mut L,
    cache: ValueCache,
    budget: usize,
    work_per_piece: usize,
    best: Option<(CoalitionStructure, f64)>,
    events: &'a mut dyn FnMut(BiLevelEvent),
}

impl<'a, L: LowerLevel> Budgeted<'a, L> {
    /// At most `budget` trainings of `lower`, each driven `work_per_piece` steps at a time;
    /// every structure valued is reported to `events` as the bi-level loop reports it.
    pub fn new(
        lower: &'a mut L,
        budget: usize,
        work_per_piece: usize,
        events: &'a mut dyn FnMut(BiLevelEvent),
    ) -> Self {
        Self {
            cache: ValueCache::new(lower.agents()),
            lower,
            budget,
            work_per_piece: work_per_piece.max(1),
            best: None,
            events,
        }
    }

    /// The best structure valued so far and its value (the first of equal values).
    pub fn best(&self) -> Option<&(CoalitionStructure, f64)> {
        self.best.as_ref()
    }

    /// The structures valued so far.
    pub fn cache(&self) -> &ValueCache {
        &self.cache
    }

    /// Trains the lower level on `cs` to the end, outside the budget and the cache (the final
    /// training on the structure found), and returns its value.
    pub fn retrain(&mut self, cs: &CoalitionStructure) -> Result<super::super::Valued> {
        self.lower.begin(cs)?;
        loop {
            if let Some(valued) = self.lower.advance(self.work_per_piece)? {
                return Ok(valued);
            }
        }
    }
}

impl<L: LowerLevel> StructureValues for Budgeted<'_, L> {
    fn agents(&self) -> usize {
        self.lower.agents()
    }

    fn value(&mut self, cs: &CoalitionStructure) -> Result<Option<f64>> {
        if let Some((value, _)) = self.cache.get(cs) {
            return Ok(Some(*value));
        }
        if self.cache.len() >= self.budget {
            return Ok(None);
        }
        let valued = self.retrain(cs)?;
        let value = valued.value;
        (self.events)(BiLevelEvent::Valued {
            structure: cs.to_lists(),
            value,
            coalition_values: valued.coalition_values.clone(),
            training_curve: valued.training_curve.clone(),
            trainings: self.cache.len() + 1,
        });
        self.cache.insert(cs, valued);
        if self.best.as_ref().is_none_or(|(_, b)| value > *b) {
            self.best = Some((cs.clone(), value));
        }
        Ok(Some(value))
    }

    fn trainings(&self) -> usize {
        self.cache.len()
    }
}
