//! DQN training of the leader (Algorithm 1 lines 1-7 and 21-24; appendix D.4; SPEC section 5).
//!
//! ε-greedy episodes from all singletons; every step is stored in the replay buffer and, once a
//! minibatch's worth is held, one update is made: `y = r + γ·max_{a' legal} Q̄(s', a')` from the
//! target network (masked to the coalitions that exist), MSE against `Q(s, a)` = the action's
//! two-hot vector dotted with `z`, gradients clipped to norm 40, Adam. The target network is
//! synced every 100 updates. With the gain scorer (ours) a merge's Q holds its true reward, so
//! the network's part is regressed on `y − r`; the next states' rewards ride in the replay
//! buffer for the backup. The leader's reward telescopes, so `γ = 1` (undiscounted) makes the
//! return exactly `v(final CS) − v(singletons)`; `γ` is settable.
//!
//! Progress goes through [`Progress`], which the CLI prints, the worker posts and tests record;
//! returning `false` stops training cleanly, keeping what was learned.

mod checkpoint;
mod lookahead;

use std::collections::HashMap;

use candle_core::{Device, Tensor};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::gains::PackedGains;
use super::greedy::{greedy_action, PlainNetwork};
use super::mdp::{Action, Episode, Horizon, ValueSource};
use super::network::{QNetwork, Scorer};
use super::replay::{labels, Labels, ReplayBuffer, Transition};
use crate::core::{CharacteristicFunction, CoalitionStructure};
use crate::nn::{Adam, AdamParams};
pub use checkpoint::TrainerState;
pub use lookahead::UpdateProgress;

/// The DQN's hyperparameters; `Default` holds the paper's (appendix D.4).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct DqnParams {
    /// Adam's learning rate, 1e-3.
    pub learning_rate: f64,
    /// Replay buffer capacity, 10 000.
    pub replay_capacity: usize,
    /// Minibatch size, 128.
    pub batch_size: usize,
    /// Updates between target-network syncs, 100.
    pub target_sync: usize,
    /// ε at the start, 1.0.
    pub epsilon_start: f64,
    /// ε after the decay, 0.01.
    pub epsilon_end: f64,
    /// Environment steps over which ε decays linearly, 10 000.
    pub epsilon_decay_steps: usize,
    /// Gradient norm clip, 40.
    pub grad_clip: f64,
    /// Discount, 1 (the return is then the gain of the final structure).
    pub gamma: f64,
    /// Episode length.
    pub horizon: Horizon,
    /// Episodes whose rewards must agree for early stopping, 20 (0 disables it).
    pub early_stop_window: usize,
    /// Early stop when the window's reward standard deviation is at most this share of the
    /// mean's magnitude, 0.01.
    pub early_stop_tolerance: f64,
    /// Seed of exploration and minibatch sampling.
    pub seed: u64,
    /// Double DQN (van Hasselt et al. 2016): the backup takes the online network's best action
    /// and the target network's value of it, against the max's overestimation. Off in the paper.
    #[serde(default)]
    pub double_dqn: bool,
    /// Minibatch updates per environment step (the replay ratio), 1 in the paper.
    #[serde(default = "one")]
    pub updates_per_step: usize,
    /// Bound the backup from below by the return the episode actually got from that step on
    /// (He et al. 2017, "optimality tightening"; valid here because merges are deterministic):
    /// a good structure seen once lifts the Q-values that lead to it at once instead of one
    /// target sync per step. Off in the paper.
    #[serde(default)]
    pub return_bound: bool,
    /// Weight `λ` of the return the episode actually got in each target,
    /// `y = (1 − λ)·backup + λ·return` (a mixed Monte Carlo target: it pulls down values the
    /// backups overestimate, which the lower bound cannot). 0 in the paper.
    #[serde(default)]
    pub return_mix: f64,
    /// Steps of reward summed before bootstrapping (n-step returns, Sutton 1988), 1 in the
    /// paper; the graph leader's training reads it, the paper network's trainer takes only 1.
    #[serde(default = "one")]
    pub n_step: usize,
}

fn one() -> usize {
    1
}

impl Default for DqnParams {
    fn default() -> Self {
        Self {
            learning_rate: 1e-3,
            replay_capacity: 10_000,
            batch_size: 128,
            target_sync: 100,
            epsilon_start: 1.0,
            epsilon_end: 0.01,
            epsilon_decay_steps: 10_000,
            grad_clip: 40.0,
            gamma: 1.0,
            horizon: Horizon::Full,
            early_stop_window: 20,
            early_stop_tolerance: 0.01,
            seed: 0,
            double_dqn: false,
            updates_per_step: 1,
            return_bound: false,
            return_mix: 0.0,
            n_step: 1,
        }
    }
}

impl DqnParams {
    /// Our lookahead leader's training settings (RESULTS.md: 95-100 % of the optimum on Table 1's
    /// instances), to go with [`Scorer::OURS`]; the paper's are the [`Default`].
    pub fn ours() -> Self {
        Self {
            learning_rate: 3e-4,
            target_sync: 20,
            epsilon_decay_steps: 1000,
            double_dqn: true,
            updates_per_step: 2,
            return_bound: true,
            return_mix: 0.25,
            ..Self::default()
        }
    }

    /// The graph leader's training settings (`leader::graph::train`): Double DQN, 3-step
    /// returns, small minibatches often, light exploration around the greedy (C-Link) policy
    /// it starts from.
    pub fn graph() -> Self {
        Self {
            learning_rate: 5e-4,
            replay_capacity: 20_000,
            batch_size: 32,
            target_sync: 200,
            epsilon_start: 0.3,
            epsilon_end: 0.02,
            epsilon_decay_steps: 20_000,
            double_dqn: true,
            early_stop_window: 0,
            n_step: 3,
            ..Self::default()
        }
    }

    /// ε after `env_steps` environment steps: linear from `epsilon_start` to `epsilon_end` over
    /// `epsilon_decay_steps`, then constant.
    pub fn epsilon_after(&self, env_steps: usize) -> f64 {
        let t = (env_steps as f64 / self.epsilon_decay_steps.max(1) as f64).min(1.0);
        self.epsilon_start + (self.epsilon_end - self.epsilon_start) * t
    }

    /// Checks every value is usable, naming the first that is not.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::BadParams(what.to_string()));
        if self.n_step == 0 || self.n_step > 100 {
            return bad("n-step returns need 1 to 100 steps");
        }
        if !self.learning_rate.is_finite() || self.learning_rate <= 0.0 {
            return bad("the learning rate must be a positive number");
        }
        if self.batch_size == 0 || self.replay_capacity < self.batch_size {
            return bad(
                "the minibatch must hold at least 1 transition and fit in the replay buffer",
            );
        }
        if self.updates_per_step == 0 {
            return bad("give at least 1 update per environment step");
        }
        if self.target_sync == 0 {
            return bad("the target sync interval must be at least 1 update");
        }
        let eps = [self.epsilon_start, self.epsilon_end];
        if eps.iter().any(|e| !(0.0..=1.0).contains(e)) {
            return bad("ε must lie in [0, 1]");
        }
        if self.grad_clip.is_nan() || self.grad_clip <= 0.0 || !(0.0..=1.0).contains(&self.gamma) {
            return bad("the gradient clip must be positive and γ in [0, 1]");
        }
        if !(0.0..=1.0).contains(&self.return_mix) {
            return bad("the return mix λ must lie in [0, 1]");
        }
        if self.early_stop_tolerance.is_nan() || self.early_stop_tolerance < 0.0 {
            return bad("the early-stop tolerance must be >= 0");
        }
        Ok(())
    }
}

/// What the leader reports after each episode.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpisodeStats {
    /// 1-based episode number within this call to [`Trainer::train`].
    pub episode: usize,
    /// Episodes asked for.
    pub episodes: usize,
    /// The episode's return: `v(final CS) − v(singletons)`.
    pub reward: f64,
    /// Mean loss of the episode's updates, if any were made.
    pub loss: Option<f64>,
    /// ε at the episode's end.
    pub epsilon: f64,
    /// `v` of the episode's final structure.
    pub value: f64,
    /// The best `v(CS)` of any structure visited so far.
    pub best_value: f64,
}

/// Receives training progress; returning `false` stops training after this episode.
pub trait Progress {
    /// Called after every episode.
    fn on_episode(&mut self, stats: &EpisodeStats) -> bool;
}

impl<F: FnMut(&EpisodeStats) -> bool> Progress for F {
    fn on_episode(&mut self, stats: &EpisodeStats) -> bool {
        self(stats)
    }
}

/// Why training ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum StopReason {
    /// All episodes ran.
    Finished,
    /// The reward variance stayed under the tolerance for the window.
    EarlyStop,
    /// The progress callback asked to stop.
    Cancelled,
}

/// The outcome of a training run.
#[derive(Clone, Debug, PartialEq)]
pub struct TrainReport {
    /// Episodes run.
    pub episodes: usize,
    /// Why it ended.
    pub stop: StopReason,
    /// The best structure visited, and its value.
    pub best: CoalitionStructure,
    /// `v(best)`.
    pub best_value: f64,
}

/// A leader episode in progress, with what training needs besides the MDP's state: the return
/// so far, the current structure's merge rewards (gain scorers) and the episode's losses.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LeaderEpisode {
    episode: Episode,
    gains: PackedGains,
    start: f64,
    steps: usize,
    loss_sum: f64,
    loss_count: usize,
    /// Updates the last step still owes (a slice of work ended before they were made).
    #[serde(default)]
    owed: usize,
}

impl LeaderEpisode {
    /// The current structure.
    pub fn structure(&self) -> &CoalitionStructure {
        self.episode.structure()
    }

    /// `V(CS)` of the current structure.
    pub fn value(&self) -> f64 {
        self.episode.value()
    }

    /// Whether the episode is over.
    pub fn is_done(&self) -> bool {
        self.episode.is_done()
    }

    /// The steps taken so far.
    pub fn steps(&self) -> usize {
        self.steps
    }

    /// Whether the last step's network updates are not all made yet (see
    /// [`Trainer::step_until`]): the episode goes on, even if its structure is final.
    pub fn owes_updates(&self) -> bool {
        self.owed > 0
    }
}

/// A leader in training on one instance: online and target networks, optimiser, replay
/// buffer, exploration, and the run's statistics.
///
/// The best structure seen and the recent returns (for early stopping) accumulate over calls to
/// [`train`](Self::train), and over episodes driven through [`start_on`](Self::start_on),
/// [`step_on`](Self::step_on) and [`end_episode`](Self::end_episode) (`train`'s own loop), so a
/// run can be split into chunks, even inside an episode (the browser's worker yields to its
/// event loop between merges); start a new trainer for a new instance.
pub struct Trainer {
    online: QNetwork,
    target: QNetwork,
    optimizer: Adam,
    replay: ReplayBuffer,
    rng: Xoshiro256PlusPlus,
    params: DqnParams,
    env_steps: usize,
    updates: usize,
    episodes_done: usize,
    returns: Vec<f64>,
    best: Option<(CoalitionStructure, f64)>,
    /// Lookahead scorer: the backed-up value of each state already computed with the current
    /// target network (cleared at every sync).
    backups: HashMap<Labels, f32>,
    /// Lookahead scorer: the update under way when a slice of work ended inside it
    /// ([`pay_updates`](Self::pay_updates)).
    lookahead: Option<lookahead::LookaheadUpdate>,
}

impl Trainer {
    /// Starts training `network` (fresh, or loaded to continue: the few-shot case).
    pub fn new(network: QNetwork, params: DqnParams) -> Result<Self> {
        params.validate()?;
        if params.n_step != 1 {
            return Err(Error::BadParams(
                "n-step returns are implemented for the graph leader only: give --n-step 1 with \
                 the paper's network"
                    .into(),
            ));
        }
        let optimizer = Adam::new(
            network.vars(),
            AdamParams {
                learning_rate: params.learning_rate,
                grad_clip: params.grad_clip,
                ..Default::default()
            },
        );
        Ok(Self {
            target: network.deep_copy()?,
            online: network,
            optimizer,
            replay: ReplayBuffer::new(params.replay_capacity),
            rng: Xoshiro256PlusPlus::seed_from_u64(params.seed),
            params,
            env_steps: 0,
            updates: 0,
            episodes_done: 0,
            returns: Vec::new(),
            best: None,
            backups: HashMap::new(),
            lookahead: None,
        })
    }

    /// The network being trained.
    pub fn network(&self) -> &QNetwork {
        &self.online
    }

    /// The current exploration rate.
    pub fn epsilon(&self) -> f64 {
        self.params.epsilon_after(self.env_steps)
    }

    fn max_agents(&self) -> usize {
        self.online.config().max_agents
    }

    /// `z` of one structure from the online network.
    fn z(&self, cs: &CoalitionStructure) -> Result<Vec<f32>> {
        Ok(self
            .online
            .forward_labels(&[&labels(cs)])?
            .squeeze(0)?
            .to_vec1::<f32>()?)
    }

    /// ε-greedy: a uniformly random legal action with probability ε, else the greedy one
    /// (`gains`: the merges' rewards in `cs`, read by the gain scorer only).
    fn act(
        &mut self,
        cs: &CoalitionStructure,
        gains: &PackedGains,
        merge_ends: bool,
    ) -> Result<Action> {
        let m = cs.len();
        if self.rng.random::<f64>() < self.epsilon() {
            return Ok(Action::nth(self.rng.random_range(0..Action::count(m)), m));
        }
        if self.online.config().scorer == Scorer::Lookahead {
            let plain = PlainNetwork::new(&self.online)?;
            return Ok(plain.choose(&plain.preactivation(cs), cs, gains, merge_ends));
        }
        let scorer = self.online.plain_scorer()?;
        Ok(greedy_action(&scorer, &self.z(cs)?, m, gains))
    }

    /// The merges' rewards in `cs` if the scorer reads them, else nothing.
    fn gains<F: CharacteristicFunction + ?Sized>(
        &self,
        cs: &CoalitionStructure,
        f: &F,
    ) -> PackedGains {
        if self.online.config().scorer.needs_gains() {
            PackedGains::new(cs, f)
        } else {
            PackedGains::empty()
        }
    }

    /// One minibatch update from the replay buffer, in one go; returns the loss. Training makes
    /// its updates through [`pay_updates`](Self::pay_updates); benchmarks call this directly.
    pub fn update(&mut self) -> Result<f64> {
        if self.replay.is_empty() {
            return Err(Error::BadParams(
                "no experience to learn from yet: train for an episode first".into(),
            ));
        }
        loop {
            if let Some(loss) = self.update_until(&mut || false)? {
                return Ok(loss);
            }
        }
    }

    /// Goes on with the update under way, or makes a new one, until it is made (its loss) or
    /// `time_is_up` in the middle of it (`None`): the lookahead scorer's update is made a
    /// forward pass at a time, the others' in one go.
    fn update_until(&mut self, time_is_up: &mut dyn FnMut() -> bool) -> Result<Option<f64>> {
        if self.online.config().scorer == Scorer::Lookahead {
            self.update_values_until(time_is_up)
        } else {
            self.update_q().map(Some)
        }
    }

    /// The Q-learning update of the scorers that are not the lookahead one: `Q(s, a)` regressed
    /// on the backup from the target network.
    fn update_q(&mut self) -> Result<f64> {
        let m = self.max_agents();
        let b = self.params.batch_size;
        let batch = self.replay.sample(b, &mut self.rng);
        let mut actions = vec![0.0f32; b * (m + 1)];
        // For a learned scorer: the two coalitions' indices, and 1 for the null action.
        let (mut first, mut second, mut stops) = (vec![0u32; b], vec![0u32; b], vec![0.0f32; b]);
        for (k, t) in batch.iter().enumerate() {
            let row = &mut actions[k * (m + 1)..(k + 1) * (m + 1)];
            match t.action {
                Action::Merge(i, j) => {
                    row[i] = 1.0;
                    row[j] = 1.0;
                    (first[k], second[k]) = (i as u32, j as u32);
                }
                Action::Stop => {
                    row[m] = 1.0;
                    stops[k] = 1.0;
                }
            }
        }
        let next_z = self
            .target
            .forward_labels(&batch.iter().map(|t| &t.next).collect::<Vec<_>>())?
            .to_vec2::<f32>()?;
        let scorer = self.target.plain_scorer()?;
        let gain = scorer.needs_gains();
        // Double DQN: the online network picks the next action, the target network values it.
        let chooser = if self.params.double_dqn {
            let z = self
                .online
                .forward_labels(&batch.iter().map(|t| &t.next).collect::<Vec<_>>())?
                .detach()
                .to_vec2::<f32>()?;
            Some((self.online.plain_scorer()?, z))
        } else {
            None
        };
        let targets: Vec<f32> = batch
            .iter()
            .zip(&next_z)
            .enumerate()
            .map(|(k, (t, z))| {
                let future = if t.done {
                    0.0
                } else {
                    let value = match &chooser {
                        Some((online, online_z)) => {
                            match greedy_action(
                                online,
                                &online_z[k],
                                t.next_coalitions,
                                &t.next_gains,
                            ) {
                                Action::Merge(i, j) => scorer.q(z, i, j, &t.next_gains),
                                Action::Stop => z[z.len() - 1],
                            }
                        }
                        None => scorer.best_legal_value(z, t.next_coalitions, &t.next_gains),
                    };
                    self.params.gamma * f64::from(value)
                };
                // The gain scorer's Q of a merge already holds its reward: the network's part
                // learns only what comes after it.
                let known = match t.action {
                    Action::Merge(..) if gain => t.reward,
                    _ => 0.0,
                };
                let y = self.with_return(t.reward + future, t.return_to_go);
                (y - known) as f32
            })
            .collect();
        let actions = Tensor::from_vec(actions, (b, m + 1), &Device::Cpu)?;
        let targets = Tensor::from_vec(targets, b, &Device::Cpu)?;
        let z = self
            .online
            .forward_labels(&batch.iter().map(|t| &t.state).collect::<Vec<_>>())?;
        let q = if self.online.scorer_layers().is_empty() {
            // Additive ψ: the action's two-hot vector dotted with z (paper appendix D.1).
            (z * actions)?.sum(1)?
        } else {
            let column = |v: Vec<u32>| Tensor::from_vec(v, (b, 1), &Device::Cpu);
            let zi = z.gather(&column(first)?, 1)?;
            let zj = z.gather(&column(second)?, 1)?;
            let psi = self.online.score_pairs(&zi, &zj)?;
            let stop = Tensor::from_vec(stops, (b, 1), &Device::Cpu)?;
            let z_null = z.narrow(1, m, 1)?;
            ((&stop * z_null)? + ((1.0 - &stop)? * psi)?)?.squeeze(1)?
        };
        self.learn(&q, &targets)
    }

    /// The gradient step of every update: `prediction` regressed on `targets` (mean squared
    /// error, Adam), the update counted, and the target network synced every `target_sync`
    /// updates; returns the loss.
    fn learn(&mut self, prediction: &Tensor, targets: &Tensor) -> Result<f64> {
        let loss = (prediction - targets)?.sqr()?.mean_all()?;
        self.optimizer.step(&loss.backward()?)?;
        self.updates += 1;
        if self.updates.is_multiple_of(self.params.target_sync) {
            self.target.copy_from(&self.online)?;
        }
        Ok(f64::from(loss.to_scalar::<f32>()?))
    }

    /// A backup combined with the return that actually followed (once its episode is over):
    /// mixed in by `return_mix`, and bounding it from below if `return_bound`.
    fn with_return(&self, backup: f64, actual: Option<f64>) -> f64 {
        let Some(g) = actual else {
            return backup;
        };
        let lambda = self.params.return_mix;
        let y = (1.0 - lambda) * backup + lambda * g;
        if self.params.return_bound {
            y.max(g)
        } else {
            y
        }
    }

    /// Trains for up to `episodes` episodes on `f`, reporting each to `progress`.
    pub fn train<F: CharacteristicFunction + ?Sized>(
        &mut self,
        f: &F,
        episodes: usize,
        progress: &mut dyn Progress,
    ) -> Result<TrainReport> {
        self.check_agents(f.agents())?;
        let mut stop = StopReason::Finished;
        let mut ran = 0;
        for episode_no in 1..=episodes {
            let mut run = self.start_on(f)?;
            while !run.is_done() {
                self.step_on(f, &mut run)?;
            }
            ran = episode_no;
            let stats = self.end_episode(run, episode_no, episodes);
            if !progress.on_episode(&stats) {
                stop = StopReason::Cancelled;
                break;
            }
            if self.settled() {
                stop = StopReason::EarlyStop;
                break;
            }
        }
        let (best, best_value) = match self.best.clone() {
            Some(best) => best,
            None => {
                let cs = CoalitionStructure::singletons(f.agents());
                let v = cs.value(f);
                (cs, v)
            }
        };
        Ok(TrainReport {
            episodes: ran,
            stop,
            best,
            best_value,
        })
    }

    /// Starts an episode on the characteristic function `f`, at all singletons: what
    /// [`train`](Self::train) does before each episode, and the page's worker too, which
    /// drives the episode through [`step_until`](Self::step_until) so that it hears a pause or
    /// a stop within a merge.
    pub fn start_on<F: CharacteristicFunction + ?Sized>(&mut self, f: &F) -> Result<LeaderEpisode> {
        self.begin_episode(
            f,
            self.gains(&CoalitionStructure::singletons(f.agents()), f),
        )
    }

    /// One step of an episode on `f`: the ε-greedy action, taken, stored and learned from
    /// (the step [`train`](Self::train) repeats until the episode is done).
    pub fn step_on<F: CharacteristicFunction + ?Sized>(
        &mut self,
        f: &F,
        run: &mut LeaderEpisode,
    ) -> Result<()> {
        let action = self.choose(run)?;
        let next_gains = self.next_gains(run, action, f)?;
        self.take(run, action, f, next_gains)?;
        Ok(())
    }

    /// The merge rewards of the structure `action` leads to from `run`'s (those the scorer
    /// reads; the current ones for a stop).
    fn next_gains<F: CharacteristicFunction + ?Sized>(
        &self,
        run: &LeaderEpisode,
        action: Action,
        f: &F,
    ) -> Result<PackedGains> {
        Ok(match action {
            Action::Merge(i, j) => {
                let mut next = run.structure().clone();
                next.merge(i, j)?;
                self.gains(&next, f)
            }
            Action::Stop => run.gains.clone(),
        })
    }

    /// One step of an episode on `f` as [`step_on`](Self::step_on) makes it, or as much of
    /// it as fits before `time_is_up`: the page's worker calls it again with the same `run`
    /// until the step is whole (`true`), so a pause or a stop is heard inside a long step's
    /// updates. A run made of such slices ends exactly as one made by `step_on`.
    pub fn step_until<F: CharacteristicFunction + ?Sized>(
        &mut self,
        f: &F,
        run: &mut LeaderEpisode,
        time_is_up: &mut dyn FnMut() -> bool,
    ) -> Result<bool> {
        if run.owed == 0 {
            let action = self.choose(run)?;
            let next_gains = self.next_gains(run, action, f)?;
            self.record(run, action, f, next_gains)?;
        }
        self.pay_updates(run, time_is_up)
    }

    /// Refuses an instance larger than the network.
    fn check_agents(&self, n: usize) -> Result<()> {
        if n > self.max_agents() {
            return Err(Error::TooManyAgents {
                n,
                max: self.max_agents(),
            });
        }
        Ok(())
    }

    /// Starts an episode at all singletons of `values` (`gains`: the singletons' merge rewards
    /// if the scorer reads them, else [`PackedGains::empty`]). [`train`](Self::train) drives
    /// episodes through `begin_episode`, [`choose`](Self::choose), [`take`](Self::take) and
    /// [`end_episode`](Self::end_episode); so does the bi-level loop, which trains the
    /// followers between choosing a merge and taking it.
    pub fn begin_episode<S: ValueSource + ?Sized>(
        &mut self,
        values: &S,
        gains: PackedGains,
    ) -> Result<LeaderEpisode> {
        self.check_agents(values.agents())?;
        let episode = Episode::new(values, self.params.horizon)?;
        // The best structure is kept per instance: a new size starts afresh.
        if self
            .best
            .as_ref()
            .is_none_or(|(cs, _)| cs.agents() != values.agents())
        {
            self.best = Some((episode.structure().clone(), episode.value()));
        }
        Ok(LeaderEpisode {
            start: episode.value(),
            episode,
            gains,
            steps: 0,
            loss_sum: 0.0,
            loss_count: 0,
            owed: 0,
        })
    }

    /// The ε-greedy action in the episode's current structure.
    pub fn choose(&mut self, run: &LeaderEpisode) -> Result<Action> {
        let episode = &run.episode;
        self.act(episode.structure(), &run.gains, episode.merge_ends())
    }

    /// Takes `action` with its reward from `values`, stores the transition (`next_gains`: the
    /// next structure's merge rewards if the scorer reads them) and makes the updates the replay
    /// ratio asks for once a minibatch's worth is held; returns the reward.
    pub fn take<S: ValueSource + ?Sized>(
        &mut self,
        run: &mut LeaderEpisode,
        action: Action,
        values: &S,
        next_gains: PackedGains,
    ) -> Result<f64> {
        // Updates a sliced step left owing come first, in the order a whole step makes them.
        self.pay_updates(run, &mut || false)?;
        let reward = self.record(run, action, values, next_gains)?;
        self.pay_updates(run, &mut || false)?;
        Ok(reward)
    }

    /// [`take`](Self::take) without its updates, which the step then owes.
    fn record<S: ValueSource + ?Sized>(
        &mut self,
        run: &mut LeaderEpisode,
        action: Action,
        values: &S,
        next_gains: PackedGains,
    ) -> Result<f64> {
        let state = labels(run.episode.structure());
        let reward = run.episode.step(action, values)?;
        self.env_steps += 1;
        if let Some((best, best_value)) = self.best.as_mut() {
            if run.episode.value() > *best_value {
                *best_value = run.episode.value();
                *best = run.episode.structure().clone();
            }
        }
        run.gains = next_gains;
        self.replay.push(Transition {
            state,
            action,
            reward,
            next: labels(run.episode.structure()),
            next_coalitions: run.episode.structure().len(),
            next_gains: run.gains.clone(),
            done: run.episode.is_done(),
            return_to_go: None,
        });
        run.steps += 1;
        if self.replay.len() >= self.params.batch_size {
            run.owed = self.params.updates_per_step;
        }
        Ok(reward)
    }

    /// Makes the updates `run`'s last step owes, one after another, until all are made (`true`)
    /// or `time_is_up` says so (`false`; call again to go on). A lookahead update is itself
    /// made a chunk of afterstates at a time, so at a large size the page's worker is heard
    /// within a chunk, not an update of seconds; the result is that of one uninterrupted call.
    pub fn pay_updates(
        &mut self,
        run: &mut LeaderEpisode,
        time_is_up: &mut dyn FnMut() -> bool,
    ) -> Result<bool> {
        while run.owed > 0 {
            let Some(loss) = self.update_until(time_is_up)? else {
                return Ok(false);
            };
            run.loss_sum += loss;
            run.loss_count += 1;
            run.owed -= 1;
            if run.owed > 0 && time_is_up() {
                return Ok(false);
            }
        }
        Ok(true)
    }

    /// Ends an episode (`number` of `of` in this run): each of its steps learns the return
    /// that followed it, and its statistics are returned.
    pub fn end_episode(&mut self, run: LeaderEpisode, number: usize, of: usize) -> EpisodeStats {
        // A sliced step's updates are made before its episode ends (`owes_updates`).
        debug_assert_eq!(
            run.owed, 0,
            "an episode ended with its last step's updates owed"
        );
        let mut to_go = 0.0;
        for back in 0..run.steps {
            let Some(t) = self.replay.recent_mut(back) else {
                break;
            };
            to_go = t.reward + self.params.gamma * to_go;
            t.return_to_go = Some(to_go);
        }
        let reward = run.episode.value() - run.start;
        self.returns.push(reward);
        self.episodes_done += 1;
        EpisodeStats {
            episode: number,
            episodes: of,
            reward,
            loss: (run.loss_count > 0).then(|| run.loss_sum / run.loss_count as f64),
            epsilon: self.epsilon(),
            value: run.episode.value(),
            best_value: self.best.as_ref().map_or(run.episode.value(), |b| b.1),
        }
    }

    /// The settings it trains with.
    pub fn params(&self) -> &DqnParams {
        &self.params
    }

    /// Whether the recent returns have settled (the paper's early stop), so training should end.
    pub fn settled_now(&self) -> bool {
        self.settled()
    }

    /// The best structure visited so far and its value.
    pub fn best(&self) -> Option<&(CoalitionStructure, f64)> {
        self.best.as_ref()
    }

    /// Episodes trained so far by this trainer, over all calls.
    pub fn episodes_done(&self) -> usize {
        self.episodes_done
    }

    /// Whether the last `window` returns vary by at most the tolerance (early stopping).
    fn settled(&self) -> bool {
        let returns = &self.returns;
        let w = self.params.early_stop_window;
        if w < 2 || returns.len() < w {
            return false;
        }
        let tail = &returns[returns.len() - w..];
        let mean = tail.iter().sum::<f64>() / w as f64;
        let var = tail.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (w - 1) as f64;
        var.sqrt() <= self.params.early_stop_tolerance * mean.abs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::exact;
    use crate::core::Instance;
    use crate::leader::greedy::{greedy, PlainNetwork};
    use crate::leader::network::NetworkConfig;

    fn small_params(seed: u64) -> DqnParams {
        DqnParams {
            batch_size: 32,
            epsilon_decay_steps: 600,
            early_stop_window: 0,
            seed,
            ..Default::default()
        }
    }

    /// A 4-agent table whose optimum {0,1},{2,3} = 20 beats singletons (4), pairs with one
    /// singleton left over (at most 12) and the grand coalition (6).
    fn pairs_instance() -> Instance {
        let v = (0..16usize)
            .map(|mask| match mask {
                0 => 0.0,
                0b0011 | 0b1100 => 10.0,
                m if m.count_ones() == 1 => 1.0,
                m if m.count_ones() == 4 => 6.0,
                _ => 0.5,
            })
            .collect();
        Instance::from_table(v).expect("valid table")
    }

    #[test]
    fn training_finds_the_optimum_of_a_small_instance() {
        let inst = pairs_instance();
        let (_, optimum) = exact(&inst).expect("small");
        let net = QNetwork::new(
            NetworkConfig {
                max_agents: 5,
                hidden: vec![32, 32],
                scorer: Default::default(),
            },
            1,
        )
        .expect("valid");
        let mut trainer = Trainer::new(net, small_params(1)).expect("valid params");
        let mut seen = Vec::new();
        let report = trainer
            .train(&inst, 400, &mut |s: &EpisodeStats| {
                seen.push(s.clone());
                true
            })
            .expect("trains");
        assert_eq!(report.episodes, 400);
        assert_eq!(seen.len(), 400);
        assert!(seen.last().is_some_and(|s| s.epsilon < 0.05));
        assert_eq!(report.best_value, optimum, "the optimum was visited");
        let rollout = greedy(
            &PlainNetwork::new(trainer.network()).expect("f32"),
            &inst,
            Horizon::Full,
        )
        .expect("fits");
        assert_eq!(
            rollout.value, optimum,
            "the greedy leader reaches it: {:?}",
            rollout.structure
        );
    }

    #[test]
    fn double_dqn_with_several_updates_per_step_finds_the_optimum_too() {
        let inst = pairs_instance();
        let (_, optimum) = exact(&inst).expect("small");
        let net = QNetwork::new(
            NetworkConfig {
                max_agents: 5,
                hidden: vec![32, 32],
                scorer: Default::default(),
            },
            2,
        )
        .expect("valid");
        let params = DqnParams {
            double_dqn: true,
            updates_per_step: 2,
            ..small_params(2)
        };
        let mut trainer = Trainer::new(net, params).expect("valid params");
        let mut losses = 0;
        trainer
            .train(&inst, 300, &mut |s: &EpisodeStats| {
                losses += usize::from(s.loss.is_some());
                true
            })
            .expect("trains");
        assert!(losses > 250, "updates ran in most episodes: {losses}");
        let plain = PlainNetwork::new(trainer.network()).expect("f32");
        let rollout = greedy(&plain, &inst, Horizon::Full).expect("fits");
        assert_eq!(rollout.value, optimum, "{:?}", rollout.structure);
        let zero = DqnParams {
            updates_per_step: 0,
            ..small_params(2)
        };
        assert!(zero.validate().is_err());
        for mix in [-0.1, 1.5, f64::NAN] {
            let bad = DqnParams {
                return_mix: mix,
                ..small_params(2)
            };
            assert!(bad.validate().is_err(), "{mix}");
        }
    }

    #[test]
    fn a_learned_scorer_trains_too() {
        let inst = pairs_instance();
        let (_, optimum) = exact(&inst).expect("small");
        let config = NetworkConfig {
            max_agents: 5,
            hidden: vec![32, 32],
            scorer: crate::leader::network::Scorer::Learned { hidden: 8 },
        };
        let mut trainer =
            Trainer::new(QNetwork::new(config, 1).expect("valid"), small_params(1)).expect("valid");
        let report = trainer
            .train(&inst, 400, &mut |_: &EpisodeStats| true)
            .expect("trains");
        assert_eq!(report.best_value, optimum);
        let rollout = greedy(
            &PlainNetwork::new(trainer.network()).expect("f32"),
            &inst,
            Horizon::Full,
        )
        .expect("fits");
        assert_eq!(rollout.value, optimum, "{:?}", rollout.structure);
    }

    /// A 4-agent table where merging by immediate gain stops at {0,1},{2},{3} = 12 (every next
    /// merge loses value) while the grand coalition, two merges further, is worth 30.
    fn far_sighted_instance() -> Instance {
        let v = (0..16usize)
            .map(|mask| match mask {
                0 => 0.0,
                0b0011 => 10.0,
                0b1100 => 1.5,
                0b1111 => 30.0,
                m if m.count_ones() == 1 => 1.0,
                _ => 0.5,
            })
            .collect();
        Instance::from_table(v).expect("valid table")
    }

    #[test]
    fn the_gain_and_lookahead_scorers_learn_past_the_greedy_gain() {
        let inst = far_sighted_instance();
        let (_, optimum) = exact(&inst).expect("small");
        assert_eq!(optimum, 30.0);
        assert_eq!(crate::algorithms::clink(&inst).value(&inst), 12.0);
        for (scorer, return_bound, return_mix, double_dqn) in [
            (Scorer::Gain, false, 0.0, false),
            (Scorer::Gain, true, 0.0, false),
            (Scorer::Lookahead, false, 0.0, false),
            (Scorer::Lookahead, true, 0.5, true),
        ] {
            let config = NetworkConfig {
                max_agents: 5,
                hidden: vec![32, 32],
                scorer,
            };
            let params = DqnParams {
                return_bound,
                return_mix,
                double_dqn,
                ..small_params(1)
            };
            let mut trainer =
                Trainer::new(QNetwork::new(config, 1).expect("valid"), params).expect("valid");
            trainer
                .train(&inst, 400, &mut |_: &EpisodeStats| true)
                .expect("trains");
            let rollout = greedy(
                &PlainNetwork::new(trainer.network()).expect("f32"),
                &inst,
                Horizon::Full,
            )
            .expect("fits");
            assert_eq!(
                rollout.value, optimum,
                "{scorer:?}, bound {return_bound}: {:?}",
                rollout.structure
            );
        }
    }

    #[test]
    fn the_same_seed_trains_the_same_network() {
        let inst = pairs_instance();
        let run = |seed| {
            let net = QNetwork::new(
                NetworkConfig {
                    max_agents: 4,
                    hidden: vec![8],
                    scorer: Default::default(),
                },
                2,
            )
            .expect("valid");
            let mut trainer = Trainer::new(net, small_params(seed)).expect("valid");
            let mut rewards = Vec::new();
            trainer
                .train(&inst, 40, &mut |s: &EpisodeStats| {
                    rewards.push(s.reward);
                    true
                })
                .expect("trains");
            rewards
        };
        assert_eq!(run(3), run(3));
    }

    #[test]
    fn progress_can_stop_training_and_early_stop_triggers() {
        let inst = pairs_instance();
        let net = QNetwork::new(NetworkConfig::new(4), 0).expect("valid");
        let mut trainer = Trainer::new(net.clone(), small_params(0)).expect("valid");
        let report = trainer
            .train(&inst, 100, &mut |s: &EpisodeStats| s.episode < 7)
            .expect("trains");
        assert_eq!((report.episodes, report.stop), (7, StopReason::Cancelled));
        // With no exploration, a fixed policy repeats its return: the variance is 0.
        let params = DqnParams {
            epsilon_start: 0.0,
            epsilon_end: 0.0,
            early_stop_window: 20,
            ..small_params(0)
        };
        let mut trainer = Trainer::new(net, params).expect("valid");
        let report = trainer
            .train(&inst, 100, &mut |_: &EpisodeStats| true)
            .expect("trains");
        assert_eq!(report.stop, StopReason::EarlyStop);
        assert!(
            report.episodes >= 20 && report.episodes < 100,
            "{}",
            report.episodes
        );
    }

    #[test]
    fn training_in_chunks_equals_one_run() {
        let inst = pairs_instance();
        let net = QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![8],
                scorer: Default::default(),
            },
            2,
        )
        .expect("valid");
        let record = |chunks: &[usize]| {
            let mut trainer = Trainer::new(
                net.deep_copy().expect("copy"),
                DqnParams {
                    early_stop_window: 20,
                    ..small_params(5)
                },
            )
            .expect("valid");
            let mut rewards = Vec::new();
            let mut last = None;
            for &c in chunks {
                let report = trainer
                    .train(&inst, c, &mut |s: &EpisodeStats| {
                        rewards.push(s.reward);
                        true
                    })
                    .expect("trains");
                last = Some((report.stop, report.best_value));
                if report.stop == StopReason::EarlyStop {
                    break;
                }
            }
            (rewards, last, trainer.episodes_done())
        };
        assert_eq!(record(&[60]), record(&[7, 13, 1, 39]));
    }

    #[test]
    fn bad_params_are_refused() {
        let net = QNetwork::new(NetworkConfig::new(4), 0).expect("valid");
        for p in [
            DqnParams {
                learning_rate: 0.0,
                ..Default::default()
            },
            DqnParams {
                batch_size: 0,
                ..Default::default()
            },
            DqnParams {
                epsilon_end: 1.5,
                ..Default::default()
            },
            DqnParams {
                gamma: f64::NAN,
                ..Default::default()
            },
        ] {
            assert!(Trainer::new(net.clone(), p).is_err());
        }
    }
}
