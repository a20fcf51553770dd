//! BRIDGE on a Level-Based Foraging configuration as the worker's job: the bi-level run
//! ([`LbfRun`]) advanced one time slice at a time, its progress streamed to the page. A stop
//! request ends the leader's search; the followers are then trained once more on the best
//! structure found, which they play for the page's grid.

use base64::Engine as _;

use crate::bilevel::{merge_path, BiLevelEvent, LbfRun, RunSettings};
use crate::core::CoalitionStructure;
use crate::leader::{weights, PlainNetwork};

use super::limits::{MAX_BROWSER_LBF_EPISODES, MAX_BROWSER_LBF_EPOCHS};
use super::protocol::{FromWorker, LbfProgress, LbfTrainSpec, LbfTrainedReport};

/// A bi-level run in progress in the worker.
pub struct LbfJob {
    run: LbfRun,
    config: String,
    seed: u64,
    started_ms: f64,
    /// Follower trainings reported so far, and the best `V(CS)` valued so far, as the events
    /// arrive (so progress does not depend on how the run is sliced).
    trainings: usize,
    best: f64,
    /// Whether a stop cut the leader's search short.
    stopped: bool,
}

impl LbfJob {
    /// Leaves `ms` of pause out of the run's wall time.
    pub fn exclude_pause(&mut self, ms: f64) {
        self.started_ms += ms;
    }

    /// Checks `spec` and sets the run up.
    pub fn start(spec: LbfTrainSpec, now_ms: f64) -> Result<Self, String> {
        if !(1..=MAX_BROWSER_LBF_EPISODES).contains(&spec.episodes) {
            return Err(format!(
                "leader episodes: give 1 to {MAX_BROWSER_LBF_EPISODES}, not {}",
                spec.episodes
            ));
        }
        if !(1..=MAX_BROWSER_LBF_EPOCHS).contains(&spec.epochs) {
            return Err(format!(
                "follower epochs: give 1 to {MAX_BROWSER_LBF_EPOCHS}, not {}",
                spec.epochs
            ));
        }
        let config = spec.config.resolve().map_err(|e| e.to_string())?;
        let mut settings = RunSettings::ours(config, spec.episodes, spec.seed);
        settings.schedule.epochs = spec.epochs;
        let run = LbfRun::new(settings).map_err(|e| e.to_string())?;
        Ok(Self {
            run,
            config: spec.config.name().to_string(),
            seed: spec.seed,
            started_ms: now_ms,
            trainings: 0,
            best: f64::NEG_INFINITY,
            stopped: false,
        })
    }

    /// Ends the leader's search: the followers train once more on the best structure so far.
    pub fn stop_search(&mut self) {
        self.stopped |= self.run.stop_search();
    }

    /// Runs until `time_is_up`, posting progress; returns whether the run has ended.
    pub fn advance(
        &mut self,
        time_is_up: &mut dyn FnMut() -> bool,
        out: &mut Vec<FromWorker>,
    ) -> Result<bool, String> {
        let episodes = self.run.settings().outer.episodes;
        let mut last_episode = self.run.outer().episodes_done();
        let mut events = Vec::new();
        let done = self
            .run
            .advance(time_is_up, &mut |e| events.push(e))
            .map_err(|e| e.to_string())?;
        for event in events {
            match event {
                BiLevelEvent::Episode(stats) => {
                    last_episode = stats.episode;
                    self.best = self.best.max(stats.best_value);
                    out.push(FromWorker::LbfProgress(LbfProgress {
                        episode: stats.episode,
                        episodes,
                        value: Some(stats.value),
                        reward: Some(stats.reward),
                        best_value: self.best,
                        structure: None,
                        training_curve: Vec::new(),
                        trainings: self.trainings,
                    }))
                }
                BiLevelEvent::Valued {
                    structure,
                    value,
                    training_curve,
                    trainings,
                    ..
                } => {
                    self.trainings = trainings;
                    self.best = self.best.max(value);
                    out.push(FromWorker::LbfProgress(LbfProgress {
                        episode: last_episode,
                        episodes,
                        value: None,
                        reward: None,
                        best_value: self.best,
                        structure: Some((structure, value)),
                        training_curve,
                        trainings,
                    }))
                }
            }
        }
        Ok(done)
    }

    /// The run's result for the page: the structure, its value, an episode of the trained
    /// followers on it, and both levels' weights.
    pub fn finish(self, now_ms: f64) -> Result<LbfTrainedReport, String> {
        let outcome = self
            .run
            .outcome()
            .cloned()
            .ok_or("the run ended without a result")?;
        let n = self.run.settings().config.agents();
        let cs =
            CoalitionStructure::from_lists(n, &outcome.structure).map_err(|e| e.to_string())?;
        let followers = self.run.lower().followers();
        let episode = followers
            .play_episode(&cs, self.seed)
            .map_err(|e| e.to_string())?;
        let trained_on = format!("LBF {}, seed {}", self.config, self.seed);
        let leader = weights::to_bytes(self.run.outer().trainer().network(), &trained_on)
            .map_err(|e| e.to_string())?;
        let follower_bytes = followers.weights_to_bytes().map_err(|e| e.to_string())?;
        let plain =
            PlainNetwork::new(self.run.outer().trainer().network()).map_err(|e| e.to_string())?;
        let merges =
            merge_path(self.run.outer().cache(), &cs, &plain).map_err(|e| e.to_string())?;
        let b64 = base64::engine::general_purpose::STANDARD;
        Ok(LbfTrainedReport {
            config: self.config,
            structure: outcome.structure,
            value: outcome.value,
            coalition_values: outcome.coalition_values,
            singleton_value: outcome.singleton_value,
            trainings: outcome.trainings,
            episodes: self.run.outer().episodes_done(),
            episodes_asked: self.run.settings().outer.episodes,
            stopped: self.stopped,
            seconds: (now_ms - self.started_ms) / 1000.0,
            episode,
            merges,
            leader_base64: b64.encode(leader),
            followers_base64: b64.encode(follower_bytes),
        })
    }
}
