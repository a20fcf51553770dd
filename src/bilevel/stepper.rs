//! Algorithm 1 as a resumable stepper. Each leader step: choose a merge ε-greedily (line 5);
//! if the merged structure has not been valued, train the followers on it (lines 8-19) in
//! pieces, yielding whenever the caller's time is up; then take the step with the reward
//! `V(s') − V(s)` read from the cache and update the leader's DQN (lines 6-7, 21-24), exactly as
//! the normal-form leader's training does.
//!
//! Two readings of the paper are fixed here. Algorithm 1 lists "observe the reward" (line 6)
//! before the followers train on the new structure (line 8), but eq. 1 defines the reward by
//! the followers' returns *under* that structure, which exist only after training: we train
//! first, then observe. The leader is updated after every step, as in the normal-form training
//! and DQN generally, rather than once per outer iteration (lines 21-24), since its replay ratio
//! is a setting of its own (`updates_per_step`).

use serde::{Deserialize, Serialize};

use super::error::Result;
use crate::core::CoalitionStructure;
use crate::leader::gains::PackedGains;
use crate::leader::{
    Action, EpisodeStats, Error as LeaderError, LeaderEpisode, Trainer, TrainerState,
};

use super::cache::ValueCache;
use super::lower::LowerLevel;

/// The outer loop's settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct BiLevelParams {
    /// Leader episodes (Algorithm 1's iterations `C`); the leader's early stop may end sooner.
    pub episodes: usize,
    /// Work units (the followers' environment steps) per call to the lower level: small enough
    /// that a stop request is heard within a fraction of a second.
    pub work_per_piece: usize,
}

impl Default for BiLevelParams {
    fn default() -> Self {
        Self {
            episodes: 30,
            work_per_piece: 64,
        }
    }
}

/// What the loop reports as it goes.
#[derive(Clone, Debug, PartialEq)]
pub enum BiLevelEvent {
    /// The followers finished training on a structure and valued it.
    Valued {
        /// The structure, as agent lists.
        structure: Vec<Vec<usize>>,
        /// `V(CS)`.
        value: f64,
        /// Each coalition's `v(C)`.
        coalition_values: Vec<f64>,
        /// The followers' `V` over each of their training epochs on it (their learning curve;
        /// empty when the value came without training).
        training_curve: Vec<f64>,
        /// Structures valued so far (follower trainings spent), this one included.
        trainings: usize,
    },
    /// A leader episode ended.
    Episode(EpisodeStats),
}

/// The outer loop's state between two leader steps, for checkpoints (the followers' state is
/// saved beside it).
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct BiLevelState {
    trainer: TrainerState,
    cache: ValueCache,
    params: BiLevelParams,
    episode: Option<LeaderEpisode>,
    pending: Option<Action>,
    episodes_done: usize,
    settled: bool,
}

/// Algorithm 1 in progress: the leader's trainer, the cache of valued structures, and where the
/// loop stands (an episode, a chosen merge awaiting its value, a follower training under way).
pub struct BiLevel {
    trainer: Trainer,
    cache: ValueCache,
    params: BiLevelParams,
    episode: Option<LeaderEpisode>,
    pending: Option<Action>,
    valuing: Option<CoalitionStructure>,
    episodes_done: usize,
    settled: bool,
}

impl BiLevel {
    /// The loop for `agents` agents with the leader `trainer`. Scorers that read every candidate
    /// merge's reward are refused: in the bi-level game each such reward is a follower training.
    pub fn new(trainer: Trainer, agents: usize, params: BiLevelParams) -> Result<Self> {
        let scorer = trainer.network().config().scorer;
        if scorer.needs_gains() {
            return Err(LeaderError::BadParams(format!(
                "the {} scorer reads the reward of every candidate merge, which in the bi-level \
                 game means training the followers on every candidate structure; use the \
                 additive or learned scorer",
                scorer.name()
            ))
            .into());
        }
        if params.episodes == 0 || params.work_per_piece == 0 {
            return Err(LeaderError::BadParams(
                "give at least 1 leader episode and 1 step of follower work per piece".into(),
            )
            .into());
        }
        let max = trainer.network().config().max_agents;
        if agents > max {
            return Err(LeaderError::TooManyAgents { n: agents, max }.into());
        }
        Ok(Self {
            trainer,
            cache: ValueCache::new(agents),
            params,
            episode: None,
            pending: None,
            valuing: None,
            episodes_done: 0,
            settled: false,
        })
    }

    /// The loop's state, if it is at a point where it can be saved: between two follower
    /// trainings (`None` while the followers train, whose training in progress is not saved).
    pub fn checkpoint(&self) -> Result<Option<BiLevelState>> {
        if self.valuing.is_some() {
            return Ok(None);
        }
        Ok(Some(BiLevelState {
            trainer: self.trainer.checkpoint()?,
            cache: self.cache.clone(),
            params: self.params.clone(),
            episode: self.episode.clone(),
            pending: self.pending,
            episodes_done: self.episodes_done,
            settled: self.settled,
        }))
    }

    /// The loop continued from `state` as if it had never stopped.
    pub fn restore(state: BiLevelState) -> Result<Self> {
        Ok(Self {
            trainer: Trainer::restore(state.trainer)?,
            cache: state.cache,
            params: state.params,
            episode: state.episode,
            pending: state.pending,
            valuing: None,
            episodes_done: state.episodes_done,
            settled: state.settled,
        })
    }

    /// Ends the search now (a user's stop): no more leader steps; a follower training under way
    /// is abandoned, and the best structure valued so far stands.
    pub fn end_search(&mut self) {
        self.settled = true;
        self.valuing = None;
        self.pending = None;
    }

    /// Whether every episode has run (or the leader's reward settled).
    pub fn is_done(&self) -> bool {
        self.settled || self.episodes_done >= self.params.episodes
    }

    /// The leader being trained.
    pub fn trainer(&self) -> &Trainer {
        &self.trainer
    }

    /// The values of every structure trained on.
    pub fn cache(&self) -> &ValueCache {
        &self.cache
    }

    /// Leader episodes completed.
    pub fn episodes_done(&self) -> usize {
        self.episodes_done
    }

    /// The structure the followers are training on, if a training is under way.
    pub fn training_on(&self) -> Option<&CoalitionStructure> {
        self.valuing.as_ref()
    }

    /// Runs the loop until `time_is_up` answers true (asked after every piece of work) or the
    /// run ends, reporting to `events`; returns whether the run has ended. Call again to resume.
    pub fn advance<L: LowerLevel + ?Sized>(
        &mut self,
        lower: &mut L,
        time_is_up: &mut dyn FnMut() -> bool,
        events: &mut dyn FnMut(BiLevelEvent),
    ) -> Result<bool> {
        loop {
            if self.is_done() {
                return Ok(true);
            }
            if let Some(target) = self.valuing.clone() {
                match lower.advance(self.params.work_per_piece)? {
                    Some(valued) => {
                        self.cache.insert(&target, valued.clone());
                        self.valuing = None;
                        events(BiLevelEvent::Valued {
                            structure: target.to_lists(),
                            value: valued.value,
                            coalition_values: valued.coalition_values,
                            training_curve: valued.training_curve,
                            trainings: self.cache.len(),
                        });
                        // A point where the loop can be saved: let a caller that waits for one
                        // have it.
                        if time_is_up() {
                            return Ok(false);
                        }
                        continue;
                    }
                    None => {
                        if time_is_up() {
                            return Ok(false);
                        }
                        continue;
                    }
                }
            }
            self.step(lower, events)?;
            if time_is_up() {
                return Ok(self.is_done());
            }
        }
    }

    /// One move of the loop when no follower training is under way: start an episode, choose
    /// and take an action (starting a follower training if its structure is new), or end an
    /// episode.
    fn step<L: LowerLevel + ?Sized>(
        &mut self,
        lower: &mut L,
        events: &mut dyn FnMut(BiLevelEvent),
    ) -> Result<()> {
        let Some(run) = self.episode.as_mut() else {
            let singletons = CoalitionStructure::singletons(self.cache_agents());
            if !self.cache.contains(&singletons) {
                return self.train_on(lower, singletons);
            }
            self.episode = Some(
                self.trainer
                    .begin_episode(&self.cache, PackedGains::empty())?,
            );
            return Ok(());
        };
        if run.is_done() {
            let Some(run) = self.episode.take() else {
                return Ok(());
            };
            self.episodes_done += 1;
            let stats = self
                .trainer
                .end_episode(run, self.episodes_done, self.params.episodes);
            events(BiLevelEvent::Episode(stats));
            self.settled = self.trainer.settled_now();
            return Ok(());
        }
        let action = match self.pending.take() {
            Some(action) => action,
            None => self.trainer.choose(run)?,
        };
        if let Action::Merge(i, j) = action {
            let mut next = run.structure().clone();
            next.merge(i, j)?;
            if !self.cache.contains(&next) {
                self.pending = Some(action);
                return self.train_on(lower, next);
            }
        }
        self.trainer
            .take(run, action, &self.cache, PackedGains::empty())?;
        Ok(())
    }

    fn train_on<L: LowerLevel + ?Sized>(
        &mut self,
        lower: &mut L,
        cs: CoalitionStructure,
    ) -> Result<()> {
        lower.begin(&cs)?;
        self.valuing = Some(cs);
        Ok(())
    }

    fn cache_agents(&self) -> usize {
        use crate::leader::ValueSource;
        self.cache.agents()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bilevel::NormalForm;
    use crate::core::{Distribution, Instance};
    use crate::leader::{DqnParams, NetworkConfig, QNetwork};

    fn trainer(seed: u64) -> Trainer {
        let net = QNetwork::new(
            NetworkConfig {
                hidden: vec![16],
                ..NetworkConfig::new(6)
            },
            seed,
        )
        .expect("valid");
        Trainer::new(
            net,
            DqnParams {
                batch_size: 8,
                epsilon_decay_steps: 60,
                early_stop_window: 0,
                seed,
                ..DqnParams::default()
            },
        )
        .expect("valid")
    }

    fn instance() -> Instance {
        Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            5,
            11,
        )
        .expect("valid")
    }

    /// The loop every test runs: 25 episodes on 5 agents.
    fn fresh() -> BiLevel {
        BiLevel::new(
            trainer(2),
            5,
            BiLevelParams {
                episodes: 25,
                ..BiLevelParams::default()
            },
        )
        .expect("valid")
    }

    fn run(pieces_per_slice: usize) -> (Vec<BiLevelEvent>, BiLevel, usize) {
        let inst = instance();
        let mut lower = NormalForm::new(&inst);
        let mut bilevel = fresh();
        let mut events = Vec::new();
        let mut slices = 0;
        loop {
            let mut asked = 0;
            let mut time_is_up = || {
                asked += 1;
                asked >= pieces_per_slice
            };
            slices += 1;
            if bilevel
                .advance(&mut lower, &mut time_is_up, &mut |e| events.push(e))
                .expect("runs")
            {
                break;
            }
        }
        (events, bilevel, slices)
    }

    fn episodes(events: &[BiLevelEvent]) -> Vec<EpisodeStats> {
        events
            .iter()
            .filter_map(|e| match e {
                BiLevelEvent::Episode(s) => Some(s.clone()),
                BiLevelEvent::Valued { .. } => None,
            })
            .collect()
    }

    #[test]
    fn over_a_characteristic_function_it_is_the_leaders_training() {
        let (events, bilevel, _) = run(usize::MAX);
        let inst = instance();
        let mut reference = trainer(2);
        let mut expected = Vec::new();
        reference
            .train(&inst, 25, &mut |s: &EpisodeStats| {
                expected.push(s.clone());
                true
            })
            .expect("trains");
        // The same decisions and losses; rewards agree to rounding, since the cache subtracts
        // two structures' sums where the characteristic function subtracts three values.
        let got = episodes(&events);
        assert_eq!(got.len(), expected.len());
        for (g, e) in got.iter().zip(&expected) {
            assert_eq!(
                (g.episode, g.loss, g.epsilon),
                (e.episode, e.loss, e.epsilon)
            );
            for (a, b) in [
                (g.reward, e.reward),
                (g.value, e.value),
                (g.best_value, e.best_value),
            ] {
                assert!((a - b).abs() < 1e-9, "{g:?} against {e:?}");
            }
        }
        // Every structure was valued once, and as the characteristic function values it.
        let valued: Vec<_> = events
            .iter()
            .filter_map(|e| match e {
                BiLevelEvent::Valued {
                    structure, value, ..
                } => Some((structure.clone(), *value)),
                BiLevelEvent::Episode(_) => None,
            })
            .collect();
        assert_eq!(valued.len(), bilevel.cache().len());
        for (lists, value) in valued {
            let cs = CoalitionStructure::from_lists(5, &lists).expect("a partition");
            assert!((cs.value(&inst) - value).abs() < 1e-9);
        }
    }

    #[test]
    fn yielding_between_pieces_and_resuming_changes_nothing() {
        let (whole, _, one) = run(usize::MAX);
        let (sliced, _, many) = run(1);
        assert_eq!(one, 1);
        assert!(many > 25, "{many} slices");
        assert_eq!(sliced, whole);
    }

    #[test]
    fn a_loop_restored_from_its_checkpoint_ends_as_an_uninterrupted_one() {
        let (whole, finished, _) = run(usize::MAX);
        let inst = instance();
        let mut lower = NormalForm::new(&inst);
        let mut first = fresh();
        let mut events = Vec::new();
        let mut pieces = 0;
        // Stop mid-run, at a point where the followers are not training.
        while pieces < 40 || first.training_on().is_some() {
            first
                .advance(&mut lower, &mut || true, &mut |e| events.push(e))
                .expect("runs");
            pieces += 1;
        }
        let saved = serde_json::to_string(
            &first
                .checkpoint()
                .expect("state")
                .expect("between trainings"),
        )
        .expect("json");
        drop(first);
        let mut resumed =
            BiLevel::restore(serde_json::from_str(&saved).expect("own json")).expect("restores");
        while !resumed
            .advance(&mut lower, &mut || false, &mut |e| events.push(e))
            .expect("runs")
        {}
        assert_eq!(events, whole);
        assert_eq!(resumed.trainer().best(), finished.trainer().best());
    }

    #[test]
    fn scorers_that_read_every_merge_are_refused() {
        let net = QNetwork::new(
            NetworkConfig {
                scorer: crate::leader::network::Scorer::Gain,
                ..NetworkConfig::new(4)
            },
            1,
        )
        .expect("valid");
        let t = Trainer::new(net, DqnParams::default()).expect("valid");
        let err = BiLevel::new(t, 4, BiLevelParams::default())
            .err()
            .expect("refused")
            .to_string();
        assert!(
            err.contains("training the followers on every candidate"),
            "{err}"
        );
    }
}
