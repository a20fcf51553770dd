//! A whole bi-level run on a Level-Based Foraging configuration, as the command line and the
//! page's worker both drive it: Algorithm 1 for the leader's episodes, then the followers trained
//! once more on the structure found and valued on the evaluation grids, so the value reported is
//! that of followers trained for it (not a value cached earlier in the search).
//!
//! The structure found is the best the search valued ("approximate coalition structure `CS*`",
//! Algorithm 1's output). The whole run is a stepper: [`LbfRun::advance`] yields when its
//! caller's time is up, and [`LbfRun::checkpoint`] gives its state between two follower
//! trainings, from which [`LbfRun::restore`] continues to the same result.

use serde::{Deserialize, Serialize};

use crate::core::CoalitionStructure;
use crate::followers::{Config, FollowerParams, Followers};
use crate::leader::network::Scorer;
use crate::leader::{DqnParams, NetworkConfig, QNetwork, Trainer};

use super::error::{Error, Result};
use super::followers::{FollowerLevel, FollowerSchedule};
use super::lower::{LowerLevel, Valued};
use super::stepper::{BiLevel, BiLevelEvent, BiLevelParams, BiLevelState};

/// Everything that decides a run's result; two runs with equal settings give equal results.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RunSettings {
    /// The grid world and coalition game.
    pub config: Config,
    /// The followers' learner.
    pub followers: FollowerParams,
    /// Epochs per structure and the evaluation grids.
    pub schedule: FollowerSchedule,
    /// The leader's network (`M` = the configuration's agents).
    pub leader: NetworkConfig,
    /// The leader's DQN.
    pub dqn: DqnParams,
    /// The outer loop.
    pub outer: BiLevelParams,
    /// Seed of the followers (the leader's is `dqn.seed`).
    pub seed: u64,
}

impl RunSettings {
    /// Our settings for `config` with `episodes` leader episodes and seed `seed`: the paper's
    /// leader network (128, 128, additive scorer) with a DQN sized for a run of a few hundred
    /// leader steps (each new structure costs a follower training): minibatch 16, target sync
    /// every 10 updates, ε decaying over the first half of the expected steps, no early stop.
    pub fn ours(config: Config, episodes: usize, seed: u64) -> Self {
        let n = config.agents();
        let expected_steps = episodes * n.saturating_sub(1).max(1) / 2;
        Self {
            leader: NetworkConfig {
                max_agents: n,
                hidden: vec![128, 128],
                scorer: Scorer::Additive,
            },
            dqn: DqnParams {
                batch_size: 16,
                target_sync: 10,
                epsilon_decay_steps: (expected_steps / 2).max(1),
                early_stop_window: 0,
                seed,
                ..DqnParams::default()
            },
            outer: BiLevelParams {
                episodes,
                ..BiLevelParams::default()
            },
            followers: FollowerParams::default(),
            schedule: FollowerSchedule::default(),
            config,
            seed,
        }
    }
}

/// What a run found.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// `CS*`, as agent lists.
    pub structure: Vec<Vec<usize>>,
    /// `V(CS*)` under followers trained for it.
    pub value: f64,
    /// Each coalition's `v(C | CS*)`.
    pub coalition_values: Vec<f64>,
    /// `V` of all singletons, as the search valued it (the baseline gain's reference).
    pub singleton_value: f64,
    /// Follower trainings spent: every structure the search valued, and the final one.
    pub trainings: usize,
}

impl Outcome {
    /// The run's last report: the structure found, valued by followers trained for it
    /// (`training_curve` is their learning curve in that last training).
    pub(crate) fn valued_event(&self, training_curve: Vec<f64>) -> BiLevelEvent {
        BiLevelEvent::Valued {
            structure: self.structure.clone(),
            value: self.value,
            coalition_values: self.coalition_values.clone(),
            training_curve,
            trainings: self.trainings,
        }
    }
}

/// A run as data between two follower trainings.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct RunState {
    settings: RunSettings,
    outer: BiLevelState,
    followers: Followers,
    outcome: Option<Outcome>,
}

/// A bi-level run in progress.
pub struct LbfRun {
    settings: RunSettings,
    outer: BiLevel,
    lower: FollowerLevel,
    final_structure: Option<CoalitionStructure>,
    outcome: Option<Outcome>,
}

impl LbfRun {
    /// A fresh run.
    pub fn new(settings: RunSettings) -> Result<Self> {
        let n = settings.config.agents();
        if settings.leader.max_agents < n {
            return Err(Error::Leader(crate::leader::Error::TooManyAgents {
                n,
                max: settings.leader.max_agents,
            }));
        }
        let net = QNetwork::new(settings.leader.clone(), settings.dqn.seed)?;
        let trainer = Trainer::new(net, settings.dqn.clone())?;
        let outer = BiLevel::new(trainer, n, settings.outer.clone())?;
        let followers = Followers::new(
            settings.config.clone(),
            settings.followers.clone(),
            settings.seed,
        )?;
        Ok(Self {
            lower: FollowerLevel::new(followers, settings.schedule.clone()),
            outer,
            settings,
            final_structure: None,
            outcome: None,
        })
    }

    /// Ends the leader's search: the followers then train once more on the best structure
    /// valued so far, as at the end of a full run. Returns whether that cut the search short
    /// (false once it had ended by itself).
    pub fn stop_search(&mut self) -> bool {
        let searching = self.final_structure.is_none();
        if searching {
            self.outer.end_search();
        }
        searching
    }

    /// The settings.
    pub fn settings(&self) -> &RunSettings {
        &self.settings
    }

    /// The result, once the run has ended.
    pub fn outcome(&self) -> Option<&Outcome> {
        self.outcome.as_ref()
    }

    /// The outer loop (the leader, the cache).
    pub fn outer(&self) -> &BiLevel {
        &self.outer
    }

    /// The followers, with the structure they are training on.
    pub fn lower(&self) -> &FollowerLevel {
        &self.lower
    }

    /// Runs until `time_is_up` (asked after every piece of work) or the end, reporting to
    /// `events`; returns whether the run has ended.
    pub fn advance(
        &mut self,
        time_is_up: &mut dyn FnMut() -> bool,
        events: &mut dyn FnMut(BiLevelEvent),
    ) -> Result<bool> {
        if self.outcome.is_some() {
            return Ok(true);
        }
        if !self.outer.advance(&mut self.lower, time_is_up, events)? {
            return Ok(false);
        }
        if self.final_structure.is_none() {
            // Stopped before the search valued anything: all singletons, the leader's start.
            let best = self.outer.trainer().best().map_or_else(
                || CoalitionStructure::singletons(self.settings.config.agents()),
                |(cs, _)| cs.clone(),
            );
            self.lower.begin(&best)?;
            self.final_structure = Some(best);
        }
        loop {
            if let Some(valued) = self.lower.advance(self.settings.outer.work_per_piece)? {
                self.finish(valued, events)?;
                return Ok(true);
            }
            if time_is_up() {
                return Ok(false);
            }
        }
    }

    fn finish(&mut self, valued: Valued, events: &mut dyn FnMut(BiLevelEvent)) -> Result<()> {
        let Some(cs) = self.final_structure.clone() else {
            return Ok(());
        };
        let singletons = CoalitionStructure::singletons(cs.agents());
        // Singletons are valued first; only a search stopped before that ends on them
        // unvalued, and then the final training is on singletons itself.
        let singleton_value = self
            .outer
            .cache()
            .get(&singletons)
            .map_or(valued.value, |v| v.0);
        let outcome = Outcome {
            structure: cs.to_lists(),
            value: valued.value,
            coalition_values: valued.coalition_values,
            singleton_value,
            trainings: self.outer.cache().len() + 1,
        };
        events(outcome.valued_event(valued.training_curve));
        self.outcome = Some(outcome);
        Ok(())
    }

    /// The run's state if no follower training is under way (`None` while one is).
    pub fn checkpoint(&self) -> Result<Option<RunState>> {
        if self.lower.training().is_some() {
            return Ok(None);
        }
        let Some(outer) = self.outer.checkpoint()? else {
            return Ok(None);
        };
        Ok(Some(RunState {
            settings: self.settings.clone(),
            outer,
            followers: self.lower.followers().clone(),
            outcome: self.outcome.clone(),
        }))
    }

    /// The settings a saved state was made with, to compare with a new command's.
    pub fn state_settings(state: &RunState) -> &RunSettings {
        &state.settings
    }

    /// The run continued from `state`.
    pub fn restore(state: RunState) -> Result<Self> {
        let outer = BiLevel::restore(state.outer)?;
        let final_structure = state
            .outcome
            .as_ref()
            .map(|o| CoalitionStructure::from_lists(state.settings.config.agents(), &o.structure))
            .transpose()?;
        Ok(Self {
            lower: FollowerLevel::new(state.followers, state.settings.schedule.clone()),
            outer,
            settings: state.settings,
            final_structure,
            outcome: state.outcome,
        })
    }
}

/// A run small enough for unit tests: 3 agents on a 5 × 5 grid, one epoch of 4 episodes per
/// structure, 4 leader episodes.
#[cfg(test)]
pub(crate) fn tiny_settings() -> RunSettings {
    use crate::followers::CustomConfig;
    let config = Config::custom(&CustomConfig {
        grid_side: 5,
        agents: 3,
        apples: 2,
        episode_steps: Some(15),
        recruitment_cost: 0.5,
        ..CustomConfig::default()
    })
    .expect("valid");
    let mut s = RunSettings::ours(config, 4, 9);
    s.schedule.epochs = 1;
    s.followers.episodes_per_epoch = 4;
    s.followers.warmup_steps = 20;
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings() -> RunSettings {
        tiny_settings()
    }

    fn finish(run: &mut LbfRun) -> Vec<BiLevelEvent> {
        let mut events = Vec::new();
        while !run
            .advance(&mut || false, &mut |e| events.push(e))
            .expect("runs")
        {}
        events
    }

    #[test]
    fn on_three_agents_the_value_reported_is_a_fresh_evaluation_of_the_structure_found() {
        let mut run = LbfRun::new(settings()).expect("valid");
        let events = finish(&mut run);
        let outcome = run.outcome().expect("ended").clone();
        let cs =
            CoalitionStructure::from_lists(3, &outcome.structure).expect("a partition of 0..3");
        let fresh = run.lower().value(&cs).expect("evaluates");
        assert_eq!(fresh.value, outcome.value);
        assert_eq!(fresh.coalition_values, outcome.coalition_values);
        assert!((outcome.coalition_values.iter().sum::<f64>() - outcome.value).abs() < 1e-9);
        // The structure found is the best the search valued.
        let (best, _) = run.outer().trainer().best().expect("searched");
        assert_eq!(best, &cs);
        assert_eq!(outcome.trainings, run.outer().cache().len() + 1);
        assert!(matches!(events.last(), Some(BiLevelEvent::Valued { .. })));
    }

    #[test]
    fn a_stopped_search_ends_on_the_best_structure_so_far() {
        let mut run = LbfRun::new(settings()).expect("valid");
        while run.outer().cache().len() < 2 {
            run.advance(&mut || true, &mut |_| {}).expect("runs");
        }
        assert!(!run.outer().is_done());
        assert!(run.stop_search(), "the stop cut the search short");
        finish(&mut run);
        assert!(!run.stop_search(), "a stop after the end cuts nothing");
        let outcome = run.outcome().expect("ended");
        let (best, _) = run.outer().trainer().best().expect("searched");
        assert_eq!(best.to_lists(), outcome.structure);
        assert!(run.outer().episodes_done() < 4);
    }
}
