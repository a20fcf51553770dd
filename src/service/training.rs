//! Training the leader as a resumable job: [`TrainingJob::advance`] trains, a merge or a part
//! of a merge's network updates at a time ([`Trainer::step_until`]), until its caller's time is
//! up and returns, keeping everything needed to continue (the episode under way and the update
//! under way included), so that the worker hears a pause or `StopTraining` within one forward
//! pass however long an episode or a merge is (minutes and seconds at 100 agents with the
//! lookahead scorer). Slicing does not change the result: the trainer carries its own state
//! (replay, ε, random stream, early stop) from one call to the next, and the episode's steps
//! are the same calls in the same order.

use crate::core::{CharacteristicFunction, Instance};
use crate::leader::network::Scorer;
use crate::leader::{LeaderEpisode, NetworkConfig, QNetwork, Trainer};

use super::limits::MAX_BROWSER_NETWORK;
use super::protocol::{
    EpisodeReport, FromWorker, InstanceSpec, Settled, TrainSpec, TrainedReport, Underway,
};
use super::requests::build_instance;
use super::session::{Leader, LeaderNetwork};

/// A leader training run in progress.
pub struct TrainingJob {
    trainer: Trainer,
    instance: Instance,
    described: String,
    total: usize,
    started_ms: f64,
    previous: Option<String>,
    /// The episode under way when the last slice's time ran out.
    underway: Option<LeaderEpisode>,
    /// When the job last posted anything (the clock of `advance`'s caller).
    last_posted_ms: f64,
}

/// How long (ms) the job may go without posting before a slice that ends inside an episode
/// says which episode is under way, so that the page knows the worker is busy, not hung: about
/// once a second, however long a merge takes.
const HEARTBEAT_MS: f64 = 1_000.0;

/// How a run ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ending {
    /// Every episode asked for was trained.
    Finished,
    /// The episode rewards settled (the paper's early stop).
    EarlyStop,
    /// The page asked to stop.
    Stopped,
}

impl Ending {
    /// The word the page shows.
    pub fn word(self) -> &'static str {
        match self {
            Self::Finished => "finished",
            Self::EarlyStop => "early stop",
            Self::Stopped => "stopped",
        }
    }
}

impl TrainingJob {
    /// Leaves `ms` of pause out of the run's wall time.
    pub fn exclude_pause(&mut self, ms: f64) {
        self.started_ms += ms;
    }

    /// Checks `spec` and builds the trainer: a fresh network, or a copy of `current` to continue
    /// from (few-shot). `now_ms` is the start time for the report's wall time.
    pub fn start(spec: TrainSpec, current: Option<&Leader>, now_ms: f64) -> Result<Self, String> {
        let (instance, mut described) = build_instance(&spec.instance)?;
        // The page trains with the instance's seed; another (several seeds at once, or an
        // instance file, which has none) is named, so each seed's leader says which it is.
        if !matches!(spec.instance, InstanceSpec::Generated { seed, .. } if seed == spec.dqn.seed) {
            described = format!("{described}, training seed {}", spec.dqn.seed);
        }
        crate::leader::check_values(&instance).map_err(|e| e.to_string())?;
        let n = instance.agents();
        if spec.episodes == 0 {
            return Err("episodes: give at least 1".into());
        }
        let (net, previous) = if spec.continue_current {
            let leader = current
                .ok_or("there is no leader to continue from: train one or upload weights")?;
            let LeaderNetwork::Paper(net) = &leader.net else {
                return Err(
                    "the current leader is the graph network: choose that network to \
                            continue it, or train a new leader with the paper's network"
                        .into(),
                );
            };
            let net = net.deep_copy().map_err(|e| e.to_string())?;
            (net, Some(leader.trained_on.clone()))
        } else {
            if !(2..=MAX_BROWSER_NETWORK).contains(&spec.max_agents) {
                return Err(format!(
                    "network size: {} is out of range; the page trains networks for 2 to \
                     {MAX_BROWSER_NETWORK} agents",
                    spec.max_agents
                ));
            }
            let config = NetworkConfig {
                max_agents: spec.max_agents,
                hidden: spec.hidden.clone(),
                scorer: Scorer::from_name(&spec.scorer).map_err(|e| e.to_string())?,
            };
            let net = QNetwork::new(config, spec.dqn.seed).map_err(|e| e.to_string())?;
            (net, None)
        };
        let m = net.config().max_agents;
        if n > m {
            return Err(format!(
                "the network takes at most {m} agents, the instance has {n}; make the network larger"
            ));
        }
        let trainer = Trainer::new(net, spec.dqn).map_err(|e| e.to_string())?;
        Ok(Self {
            trainer,
            instance,
            described,
            total: spec.episodes,
            started_ms: now_ms,
            previous,
            underway: None,
            last_posted_ms: now_ms,
        })
    }

    /// Trains until `time_is_up` answers true after a merge or a part of its updates (at least
    /// one forward pass, or one merge without updates, per call),
    /// posting each episode's report to `out`, and, when a slice ends inside an episode a second
    /// or more (`HEARTBEAT_MS`) after the job last posted (`now_ms`, read then), a note that
    /// the episode is under way; returns how the run ended, or `None` if it goes on.
    pub fn advance(
        &mut self,
        time_is_up: &mut dyn FnMut() -> bool,
        now_ms: &dyn Fn() -> f64,
        out: &mut Vec<FromWorker>,
    ) -> Result<Option<Ending>, String> {
        let error = |e: crate::leader::Error| e.to_string();
        loop {
            let mut run = match self.underway.take() {
                Some(run) => run,
                None => self.trainer.start_on(&self.instance).map_err(error)?,
            };
            while !run.is_done() || run.owes_updates() {
                // A long step (a lookahead update at a large size) is itself sliced.
                let whole = self
                    .trainer
                    .step_until(&self.instance, &mut run, time_is_up)
                    .map_err(error)?;
                if (!run.is_done() || run.owes_updates()) && (!whole || time_is_up()) {
                    let now = now_ms();
                    if now - self.last_posted_ms >= HEARTBEAT_MS {
                        self.last_posted_ms = now;
                        out.push(FromWorker::Underway(Underway {
                            episode: self.trainer.episodes_done() + 1,
                            episodes: self.total,
                            steps: run.steps(),
                            update: self.trainer.update_under_way(&run),
                        }));
                    }
                    self.underway = Some(run);
                    return Ok(None);
                }
            }
            self.last_posted_ms = now_ms();
            let number = self.trainer.episodes_done() + 1;
            let stats = self.trainer.end_episode(run, number, self.total);
            out.push(FromWorker::Episode(EpisodeReport {
                episode: stats.episode,
                episodes: stats.episodes,
                reward: stats.reward,
                loss: stats.loss,
                epsilon: stats.epsilon,
                value: stats.value,
                best_value: stats.best_value,
            }));
            if self.trainer.settled_now() {
                return Ok(Some(Ending::EarlyStop));
            }
            if self.trainer.episodes_done() >= self.total {
                return Ok(Some(Ending::Finished));
            }
            if time_is_up() {
                return Ok(None);
            }
        }
    }

    /// The trained leader and the run's report.
    pub fn finish(self, ending: Ending, now_ms: f64) -> Result<(Leader, TrainedReport), String> {
        let episodes = self.trainer.episodes_done();
        // A stop inside an episode keeps the updates its merges made: say so, since the
        // weights are then not those of `episodes` whole episodes.
        let part = match self.underway.as_ref().map(LeaderEpisode::steps) {
            Some(k) if k > 0 => format!(
                " and {k} {} of the next (stopped inside it)",
                if k == 1 { "merge" } else { "merges" }
            ),
            _ => String::new(),
        };
        let mut trained_on = format!("{}, {episodes} episodes{part}", self.described);
        if let Some(before) = &self.previous {
            trained_on = format!("{before}; then {trained_on}");
        }
        let net = self
            .trainer
            .network()
            .deep_copy()
            .map_err(|e| e.to_string())?;
        let report = TrainedReport {
            episodes,
            stop: ending.word().to_string(),
            settled: (ending == Ending::EarlyStop).then(|| Settled {
                window: self.trainer.params().early_stop_window,
                tolerance: self.trainer.params().early_stop_tolerance,
            }),
            seconds: (now_ms - self.started_ms) / 1000.0,
            max_agents: Some(net.config().max_agents),
            trained_on: trained_on.clone(),
        };
        let leader = Leader {
            net: LeaderNetwork::Paper(net),
            trained_on,
            source: super::TRAINED_HERE.into(),
        };
        Ok((leader, report))
    }

    /// The instance's number of agents.
    pub fn agents(&self) -> usize {
        self.instance.agents()
    }
}
