//! The followers as the bi-level loop's lower level: each new structure is trained for `K`
//! epochs ([`Followers::begin_training`], appendix D.5's reuse of the critic and
//! re-initialisation of the actors), then valued by [`Followers::evaluate`] on a fixed set of
//! evaluation grids, so every structure is compared on the same grids (common random numbers:
//! the difference between two structures' values is not drowned by the grids' luck).

use serde::{Deserialize, Serialize};

use crate::core::CoalitionStructure;
use crate::followers::{Followers, Poll, Training};

use super::error::Result;
use super::lower::{LowerLevel, Valued};

/// How the followers train and value a structure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct FollowerSchedule {
    /// Epochs per structure, the paper's `K` (Figure 4 tries 5, 7, 10 and 15).
    pub epochs: usize,
    /// Seed of the evaluation grids, the same for every structure.
    pub eval_seed: u64,
}

impl Default for FollowerSchedule {
    fn default() -> Self {
        Self {
            epochs: 10,
            eval_seed: 0xE7A1,
        }
    }
}

/// The followers with the structure they are training on.
pub struct FollowerLevel {
    followers: Followers,
    schedule: FollowerSchedule,
    training: Option<(CoalitionStructure, Training)>,
}

impl FollowerLevel {
    /// `followers` trained and valued as `schedule` says.
    pub fn new(followers: Followers, schedule: FollowerSchedule) -> Self {
        Self {
            followers,
            schedule,
            training: None,
        }
    }

    /// The followers (their weights, their configuration).
    pub fn followers(&self) -> &Followers {
        &self.followers
    }

    /// The schedule.
    pub fn schedule(&self) -> &FollowerSchedule {
        &self.schedule
    }

    /// The followers and schedule, giving up any training in progress (checkpoints are taken
    /// between trainings).
    pub fn into_parts(self) -> (Followers, FollowerSchedule) {
        (self.followers, self.schedule)
    }

    /// The training in progress, if any: its structure, epochs done and asked for.
    pub fn training(&self) -> Option<(&CoalitionStructure, usize, usize)> {
        self.training.as_ref().map(|(cs, t)| {
            let p = t.progress();
            (cs, p.epochs_done, p.epochs)
        })
    }

    /// `V(CS)` of `cs` under the current policies on the evaluation grids.
    pub fn value(&self, cs: &CoalitionStructure) -> Result<Valued> {
        let v = self.followers.evaluate(
            cs,
            self.followers.config().game.eval_episodes,
            self.schedule.eval_seed,
        )?;
        Ok(Valued {
            value: v.total,
            coalition_values: v.coalitions.iter().map(|c| c.value).collect(),
            training_curve: Vec::new(),
        })
    }
}

impl LowerLevel for FollowerLevel {
    fn agents(&self) -> usize {
        self.followers.config().agents()
    }

    fn begin(&mut self, cs: &CoalitionStructure) -> Result<()> {
        let training = self.followers.begin_training(cs, self.schedule.epochs)?;
        self.training = Some((cs.clone(), training));
        Ok(())
    }

    fn advance(&mut self, work: usize) -> Result<Option<Valued>> {
        let Some((cs, training)) = self.training.as_mut() else {
            return Ok(None);
        };
        match self.followers.advance(training, work)? {
            Poll::Running => Ok(None),
            Poll::Finished => {
                let cs = cs.clone();
                let curve = training.progress().epoch_values.clone();
                self.training = None;
                let mut valued = self.value(&cs)?;
                valued.training_curve = curve;
                Ok(Some(valued))
            }
        }
    }
}
