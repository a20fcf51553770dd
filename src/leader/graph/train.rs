//! Training the graph leader across sizes and distributions: Double DQN (van Hasselt et al.
//! 2016) with n-step returns, on instances of sampled `n` and distribution, one new instance per
//! episode, with the settings of [`DqnParams`] (its [`DqnParams::graph`] preset).
//!
//! Everything is in units of the instance's reward scale, so that rewards from 10 and 60 agents,
//! or from two distributions, are the same kind of number. A merge's target is the n-step sum of
//! normalised rewards plus the bootstrapped value of the state reached, `max(0, max Q)` (the
//! leader may always stop, worth 0), picked by the online network and valued by the target
//! network. Only merges are learned: a stop's Q is 0 by definition.
//!
//! The checkpoint kept is the one with the best mean ratio to C-Link on validation instances at
//! 50 and 100 agents with seeds of their own ([`VALIDATION_SEEDS`]), never at the training sizes;
//! the untrained network (exactly C-Link, ratio 1) is the first candidate, so training can only
//! be kept if it beat C-Link there.

use std::rc::Rc;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use super::features::{observe, Observation};
use super::network::{GraphNetwork, Pass};
use super::rollout::{best_candidate, clink_rollout};
use super::state::MergeState;
use crate::core::{Distribution, Instance};
use crate::leader::dqn::DqnParams;
use crate::leader::error::{Error, Result};
use crate::leader::mdp::Horizon;
use crate::nn::mlp::Adam;

/// The validation instances' seeds: used nowhere else (reported figures use seeds below 1000).
pub const VALIDATION_SEEDS: [u64; 4] = [7_000_001, 7_000_002, 7_000_003, 7_000_004];

/// What to train on, and when to validate.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphTraining {
    /// The DQN's settings (learning rate, minibatch, replay, target sync, ε, clip, γ, Double
    /// DQN, n-step, updates per step, horizon, seed).
    pub dqn: DqnParams,
    /// The smallest and largest `n` sampled (uniformly), 10..60.
    pub agents: (usize, usize),
    /// The distributions sampled (uniformly), all six.
    pub distributions: Vec<Distribution>,
    /// Episodes (one instance each).
    pub episodes: usize,
    /// Episodes between two validations (0: validate only at the end).
    pub validate_every: usize,
    /// The validation instances' sizes, 50 and 100.
    pub validation_agents: Vec<usize>,
}

impl Default for GraphTraining {
    fn default() -> Self {
        Self {
            dqn: DqnParams::graph(),
            agents: (10, 60),
            distributions: Distribution::NAMES
                .iter()
                .map(|n| Distribution::from_name(n).expect("listed"))
                .collect(),
            episodes: 3000,
            validate_every: 250,
            validation_agents: vec![50, 100],
        }
    }
}

impl GraphTraining {
    /// Checks the settings, naming the first unusable one.
    pub fn validate(&self) -> Result<()> {
        self.dqn.validate()?;
        let (lo, hi) = self.agents;
        if lo < 2 || lo > hi || hi > crate::core::MAX_AGENTS {
            return Err(Error::BadParams(format!(
                "training sizes {lo}..{hi}: give 2 <= smallest <= largest <= {}",
                crate::core::MAX_AGENTS
            )));
        }
        if self.distributions.is_empty() {
            return Err(Error::BadParams(
                "give at least one distribution to train on".into(),
            ));
        }
        if self.validation_agents.is_empty() {
            return Err(Error::BadParams(
                "give at least one validation size: the checkpoint kept is chosen on it".into(),
            ));
        }
        if self
            .validation_agents
            .iter()
            .any(|n| !(2..=crate::core::MAX_AGENTS).contains(n))
        {
            return Err(Error::BadParams(
                "validation sizes must be 2 to 1024 agents".into(),
            ));
        }
        Ok(())
    }
}

/// What training reports as it goes (also the page's progress message, hence serde).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum GraphEvent {
    /// An episode ended.
    Episode {
        /// 1-based.
        episode: usize,
        /// Episodes asked for.
        episodes: usize,
        /// Its instance's size.
        agents: usize,
        /// Its return over the instance's reward scale.
        normalised_return: f64,
        /// Mean loss of its updates, if any.
        loss: Option<f64>,
        /// ε at its end.
        epsilon: f64,
    },
    /// A validation ran.
    Validation {
        /// Episodes done when it ran.
        episode: usize,
        /// Mean of `v(leader) / v(C-Link)` over the validation instances.
        ratio: f64,
        /// The best ratio so far (the kept checkpoint's).
        best: f64,
    },
}

/// The outcome of a training run.
#[derive(Clone, Debug)]
pub struct GraphReport {
    /// The checkpoint with the best validation ratio.
    pub best: GraphNetwork,
    /// Its ratio to C-Link on the validation instances.
    pub best_ratio: f64,
    /// The episodes done when it was saved (0: the untrained network, C-Link).
    pub best_episode: usize,
    /// Episodes run.
    pub episodes: usize,
    /// Every validation: `(episodes done, ratio)`.
    pub validations: Vec<(usize, f64)>,
}

impl GraphReport {
    /// What the weights say they were trained on (their `trained_on` metadata), as `bridge
    /// train --network graph` and the page write it.
    pub fn describe(&self, settings: &GraphTraining) -> String {
        let names: Vec<&str> = settings.distributions.iter().map(|d| d.name()).collect();
        let all = Distribution::NAMES.iter().all(|n| names.contains(n));
        let sizes: Vec<String> = settings
            .validation_agents
            .iter()
            .map(|n| n.to_string())
            .collect();
        let distributions = if all {
            "all six distributions".to_string()
        } else {
            names.join(", ")
        };
        // Episode 0's checkpoint is the untrained network, which merges as C-Link does.
        let kept = if self.best_episode == 0 {
            "the untrained network, which merges as C-Link does: no later checkpoint beat it"
                .to_string()
        } else {
            format!("{:.4} of C-Link", self.best_ratio)
        };
        format!(
            "{} episodes on {}..{} agents of {distributions}, seed {}; checkpoint of episode {} \
             ({kept} on validation at {} agents)",
            self.episodes,
            settings.agents.0,
            settings.agents.1,
            settings.dqn.seed,
            self.best_episode,
            sizes.join(" and ")
        )
    }
}

/// One stored step: a state, the candidate merged, the n-step return, and what it bootstraps
/// from.
struct Transition {
    state: Rc<Observation>,
    action: usize,
    /// Σ γ^k r_{t+k} / scale over the n steps (or fewer, at the episode's end).
    ret: f64,
    /// The state n steps later and γ^n, unless the episode ended before.
    next: Option<(Rc<Observation>, f64)>,
}

/// Validation instances with C-Link's values.
struct Validation {
    instances: Vec<(Instance, f64)>,
}

impl Validation {
    fn new(settings: &GraphTraining) -> Result<Self> {
        let mut instances = Vec::new();
        for &n in &settings.validation_agents {
            for d in &settings.distributions {
                for &seed in &VALIDATION_SEEDS {
                    let f = Instance::generate(d.clone(), n, seed)?;
                    // C-Link's structure, as the untrained network's rollout (no import of
                    // `algorithms`, which sits beside the leader, not below it).
                    let start = MergeState::new(&f, Horizon::Full).tracking(1);
                    let v = clink_rollout(start, &f).structure.value(&f);
                    instances.push((f, v));
                }
            }
        }
        Ok(Self { instances })
    }

    /// The ratio of `net`'s greedy value to C-Link's on instance `k`.
    fn ratio_on(&self, k: usize, net: &GraphNetwork, settings: &GraphTraining) -> Result<f64> {
        let (f, clink_value) = &self.instances[k];
        let v = net.rollout(f, settings.dqn.horizon)?.value;
        Ok(ratio(v, *clink_value))
    }
}

/// `v` against `reference` as `1 + (v − reference) / |reference|`: `v / reference` when the
/// reference is positive, and still above 1 exactly when `v` is better when it is negative; 1
/// when both are 0.
pub fn ratio(v: f64, reference: f64) -> f64 {
    if reference.abs() < 1e-12 {
        if v.abs() < 1e-12 {
            1.0
        } else {
            1.0 + v.signum()
        }
    } else {
        1.0 + (v - reference) / reference.abs()
    }
}

/// The optimiser's state: Adam for each layer.
struct Optimiser {
    encoder: Adam,
    rounds: Vec<Adam>,
    scorer: Adam,
    value: Adam,
}

impl Optimiser {
    fn new(net: &GraphNetwork, params: &DqnParams) -> Self {
        let (lr, clip) = (params.learning_rate as f32, params.grad_clip as f32);
        let (e, r, s) = net.layers();
        Self {
            encoder: Adam::new(e.params().len(), lr, clip),
            rounds: r
                .iter()
                .map(|r| Adam::new(r.params().len(), lr, clip))
                .collect(),
            scorer: Adam::new(s.params().len(), lr, clip),
            value: Adam::new(net.value_head().params().len(), lr, clip),
        }
    }

    fn step(&mut self, net: &mut GraphNetwork, grad: &super::network::Gradients) {
        let (ge, gr, gs, gv) = (&grad.encoder, &grad.rounds, &grad.scorer, &grad.value);
        let (e, r, s, v) = net.layers_mut();
        self.value.step(v, gv);
        self.encoder.step(e, ge);
        for ((adam, layer), g) in self.rounds.iter_mut().zip(r.iter_mut()).zip(gr) {
            adam.step(layer, g);
        }
        self.scorer.step(s, gs);
    }
}

/// Where a [`GraphTrainer`] is.
#[derive(Clone, Copy, Debug, PartialEq)]
enum Phase {
    /// Valuing the online network on the validation instances, one per step.
    Validating {
        /// Episodes done when the validation started.
        episode: usize,
        /// The next instance to value.
        next: usize,
        /// The ratios so far.
        sum: f64,
    },
    /// Training episodes.
    Training,
    /// Finished: every episode run, or stopped, and validated.
    Done,
}

/// The graph leader's training as a stepper: [`GraphTrainer::step`] does one piece of work (an
/// episode, or one validation instance) and returns, so a caller with a time budget (the page's
/// worker) can stop between pieces and hear a stop request; the result does not depend on how
/// the steps are grouped. [`train`] drives it to the end.
pub struct GraphTrainer {
    settings: GraphTraining,
    rng: Xoshiro256PlusPlus,
    validation: Validation,
    online: GraphNetwork,
    target: GraphNetwork,
    optimiser: Optimiser,
    replay: Vec<Transition>,
    replay_next: usize,
    env_steps: usize,
    updates: usize,
    /// The best validated checkpoint: network, ratio, episodes done.
    best: Option<(GraphNetwork, f64, usize)>,
    validations: Vec<(usize, f64)>,
    pass: Pass,
    scratch: Scratch,
    episodes_done: usize,
    phase: Phase,
    stop_requested: bool,
}

impl GraphTrainer {
    /// Checks `settings` and prepares to train `net` (fresh, or loaded to continue); the first
    /// steps value it on the validation instances.
    pub fn new(net: GraphNetwork, settings: &GraphTraining) -> Result<Self> {
        settings.validate()?;
        let p = &settings.dqn;
        Ok(Self {
            rng: Xoshiro256PlusPlus::seed_from_u64(p.seed),
            validation: Validation::new(settings)?,
            target: net.clone(),
            optimiser: Optimiser::new(&net, p),
            online: net,
            replay: Vec::with_capacity(p.replay_capacity.min(1 << 16)),
            replay_next: 0,
            env_steps: 0,
            updates: 0,
            best: None,
            validations: Vec::new(),
            pass: Pass::default(),
            scratch: Scratch::default(),
            episodes_done: 0,
            phase: Phase::Validating {
                episode: 0,
                next: 0,
                sum: 0.0,
            },
            stop_requested: false,
            settings: settings.clone(),
        })
    }

    /// Whether training has finished (every episode, or stopped) and the last validation run.
    pub fn is_done(&self) -> bool {
        self.phase == Phase::Done
    }

    /// Episodes run so far.
    pub fn episodes_done(&self) -> usize {
        self.episodes_done
    }

    /// The settings trained with.
    pub fn settings(&self) -> &GraphTraining {
        &self.settings
    }

    /// Asks training to end: a validation under way is finished, the network validated once
    /// more unless it just was, and no further episode is run.
    pub fn stop(&mut self) {
        self.stop_requested = true;
    }

    /// Does one piece of work: one validation instance, or one episode. Returns the event it
    /// completed, if any (a validation's only at its last instance).
    pub fn step(&mut self) -> Result<Option<GraphEvent>> {
        match self.phase {
            Phase::Done => Ok(None),
            Phase::Validating { episode, next, sum } => {
                let sum = sum
                    + self
                        .validation
                        .ratio_on(next, &self.online, &self.settings)?;
                if next + 1 < self.validation.instances.len() {
                    self.phase = Phase::Validating {
                        episode,
                        next: next + 1,
                        sum,
                    };
                    return Ok(None);
                }
                let r = sum / self.validation.instances.len().max(1) as f64;
                self.validations.push((episode, r));
                if self.best.as_ref().is_none_or(|b| r > b.1) {
                    self.best = Some((self.online.clone(), r, episode));
                }
                let finished = self.episodes_done >= self.settings.episodes
                    || (self.stop_requested && episode > 0);
                self.phase = if finished {
                    Phase::Done
                } else {
                    Phase::Training
                };
                Ok(Some(GraphEvent::Validation {
                    episode,
                    ratio: r,
                    best: self.best.as_ref().map_or(r, |b| b.1),
                }))
            }
            Phase::Training => {
                if self.stop_requested {
                    // Validated just now (or never trained): nothing more to value.
                    let validated = self.validations.last().map(|v| v.0);
                    self.phase = if validated == Some(self.episodes_done) {
                        Phase::Done
                    } else {
                        self.validating()
                    };
                    return Ok(None);
                }
                let event = self.episode()?;
                let episode = self.episodes_done;
                let s = &self.settings;
                if episode == s.episodes
                    || (s.validate_every > 0 && episode.is_multiple_of(s.validate_every))
                {
                    self.phase = self.validating();
                }
                Ok(Some(event))
            }
        }
    }

    /// A validation starting now.
    fn validating(&self) -> Phase {
        Phase::Validating {
            episode: self.episodes_done,
            next: 0,
            sum: 0.0,
        }
    }

    /// The best validated checkpoint and the run's account; an error before the first
    /// validation has finished (the steps until [`is_done`](Self::is_done) always run one).
    pub fn finish(self) -> Result<GraphReport> {
        let (best, best_ratio, best_episode) = self.best.ok_or_else(|| {
            Error::BadParams("the training ended before its first validation".into())
        })?;
        Ok(GraphReport {
            best,
            best_ratio,
            best_episode,
            episodes: self.episodes_done,
            validations: self.validations,
        })
    }

    /// Runs one training episode on a freshly drawn instance.
    fn episode(&mut self) -> Result<GraphEvent> {
        let settings = &self.settings;
        let p = &settings.dqn;
        let rng = &mut self.rng;
        let n = rng.random_range(settings.agents.0..=settings.agents.1);
        let d = settings.distributions[rng.random_range(0..settings.distributions.len())].clone();
        let f = Instance::generate(d, n, rng.random::<u64>())?;
        let config = self.online.config().clone();
        let mut state =
            MergeState::new(&f, p.horizon).tracking(config.candidates.max(config.neighbours));
        let scale = state.reward_scale();
        // The episode's states, chosen candidates and normalised rewards.
        let mut states: Vec<Rc<Observation>> = Vec::new();
        let mut actions = Vec::new();
        let mut rewards = Vec::new();
        let mut stopped = false;
        let (mut loss_sum, mut loss_count) = (0.0, 0usize);
        while !state.is_done() {
            let mut obs = Observation::default();
            observe(&state, &f, &config, &mut obs);
            self.online.forward(&obs, &mut self.pass);
            let epsilon = p.epsilon_after(self.env_steps);
            let choice = if rng.random::<f64>() < epsilon && !obs.candidates.is_empty() {
                Some(rng.random_range(0..obs.candidates.len()))
            } else {
                best_candidate(&obs, &self.pass.corrections).map(|(e, _)| e)
            };
            let obs = Rc::new(obs);
            states.push(obs.clone());
            let Some(e) = choice else {
                stopped = true;
                break;
            };
            let (i, j) = (obs.candidates[e].0 as usize, obs.candidates[e].1 as usize);
            let reward = state.reward(i, j);
            state.merge(i, j, &f);
            actions.push(e);
            rewards.push(reward / scale);
            self.env_steps += 1;
            if self.replay.len() >= p.batch_size {
                for _ in 0..p.updates_per_step {
                    let loss = update(
                        &mut self.online,
                        &self.target,
                        &mut self.optimiser,
                        &self.replay,
                        p,
                        rng,
                        &mut self.scratch,
                    );
                    loss_sum += loss;
                    loss_count += 1;
                    self.updates += 1;
                    if self.updates.is_multiple_of(p.target_sync) {
                        self.target = self.online.clone();
                    }
                }
            }
        }
        // The final state is bootstrapped from if the leader stopped by choice (a stop is not
        // the end of what is possible: Q-learning values the best action there, off-policy);
        // not if the horizon or the grand coalition ended the episode.
        let bootstrap_final = stopped;
        let t_end = actions.len();
        for t in 0..t_end {
            let mut ret = 0.0;
            let mut discount = 1.0;
            let mut k = 0;
            while k < p.n_step && t + k < t_end {
                ret += discount * rewards[t + k];
                discount *= p.gamma;
                k += 1;
            }
            let next_index = t + k;
            let next = if next_index < t_end || (next_index == t_end && bootstrap_final) {
                Some((states[next_index].clone(), discount))
            } else {
                None
            };
            let transition = Transition {
                state: states[t].clone(),
                action: actions[t],
                ret,
                next,
            };
            if self.replay.len() < p.replay_capacity {
                self.replay.push(transition);
            } else {
                self.replay[self.replay_next] = transition;
                self.replay_next = (self.replay_next + 1) % p.replay_capacity;
            }
        }
        self.episodes_done += 1;
        Ok(GraphEvent::Episode {
            episode: self.episodes_done,
            episodes: settings.episodes,
            agents: n,
            normalised_return: rewards.iter().sum(),
            loss: (loss_count > 0).then(|| loss_sum / loss_count as f64),
            epsilon: p.epsilon_after(self.env_steps),
        })
    }
}

/// Trains the graph leader from `net` (fresh, or loaded to continue) across sizes; `progress`
/// hears every episode and validation and stops training by returning `false`, at either
/// (after a last validation, unless the network was just validated).
pub fn train(
    net: GraphNetwork,
    settings: &GraphTraining,
    progress: &mut dyn FnMut(&GraphEvent) -> bool,
) -> Result<GraphReport> {
    let mut trainer = GraphTrainer::new(net, settings)?;
    while !trainer.is_done() {
        if let Some(event) = trainer.step()? {
            if !progress(&event) {
                trainer.stop();
            }
        }
    }
    trainer.finish()
}

#[derive(Default)]
struct Scratch {
    pass: Pass,
    next_online: Pass,
    next_target: Pass,
    dq: Vec<f32>,
}

/// `max(0, max Q)` of `obs`, the action picked by `chooser`'s Q and valued by `valuer`'s
/// (Double DQN when they differ).
fn state_value(obs: &Observation, chooser: &Pass, valuer: &Pass) -> f64 {
    match best_candidate(obs, &chooser.corrections) {
        Some((e, _)) => (obs.base[e] + f64::from(valuer.corrections[e])).max(0.0),
        None => 0.0,
    }
}

/// One minibatch update; returns the loss.
fn update(
    online: &mut GraphNetwork,
    target: &GraphNetwork,
    optimiser: &mut Optimiser,
    replay: &[Transition],
    p: &DqnParams,
    rng: &mut Xoshiro256PlusPlus,
    s: &mut Scratch,
) -> f64 {
    let b = p.batch_size;
    let mut grad = online.zero_gradients();
    let mut loss = 0.0;
    for _ in 0..b {
        let t = &replay[rng.random_range(0..replay.len())];
        let future = match &t.next {
            None => 0.0,
            Some((next, discount)) => {
                target.forward(next, &mut s.next_target);
                let value = if p.double_dqn {
                    online.forward(next, &mut s.next_online);
                    state_value(next, &s.next_online, &s.next_target)
                } else {
                    state_value(next, &s.next_target, &s.next_target)
                };
                discount * value
            }
        };
        let y = t.ret + future;
        online.forward(&t.state, &mut s.pass);
        let q = t.state.base[t.action] + f64::from(s.pass.corrections[t.action]);
        let err = q - y;
        loss += err * err;
        s.dq.clear();
        s.dq.resize(t.state.candidates.len(), 0.0);
        s.dq[t.action] = (2.0 * err / b as f64) as f32;
        online.backward(&t.state, &s.pass, &s.dq, &mut grad);
    }
    optimiser.step(online, &grad);
    loss / b as f64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leader::graph::GraphConfig;

    fn small() -> GraphTraining {
        GraphTraining {
            dqn: DqnParams {
                seed: 3,
                ..DqnParams::graph()
            },
            agents: (6, 12),
            episodes: 40,
            validate_every: 20,
            validation_agents: vec![14],
            ..Default::default()
        }
    }

    #[test]
    fn training_is_deterministic_and_keeps_the_best_validated_checkpoint() {
        let net = GraphNetwork::new(GraphConfig::default(), 1).expect("valid");
        let mut episodes = 0;
        let report = train(net.clone(), &small(), &mut |e| {
            if let GraphEvent::Episode { .. } = e {
                episodes += 1;
            }
            true
        })
        .expect("trains");
        assert_eq!((report.episodes, episodes), (40, 40));
        assert_eq!(report.validations.len(), 3);
        assert_eq!(report.validations[0], (0, 1.0));
        let best = report
            .validations
            .iter()
            .map(|v| v.1)
            .fold(f64::MIN, f64::max);
        assert_eq!(report.best_ratio, best);
        // Updates ran: the kept network differs from the untrained one unless nothing beat it.
        assert!(report.best_episode == 0 || report.best != net);
        // Deterministic for a seed.
        let again = train(net, &small(), &mut |_| true).expect("trains");
        assert_eq!(again.validations, report.validations);
    }

    #[test]
    fn a_stop_after_an_episode_validates_once_more_stepped_or_called_back() {
        let net = GraphNetwork::new(GraphConfig::default(), 1).expect("valid");
        let mut seen = 0;
        let called_back = train(net.clone(), &small(), &mut |e| {
            if let GraphEvent::Episode { .. } = e {
                seen += 1;
            }
            seen < 7
        })
        .expect("trains");
        assert_eq!(called_back.episodes, 7);
        let at: Vec<usize> = called_back.validations.iter().map(|v| v.0).collect();
        assert_eq!(at, vec![0, 7]);
        // The same run driven step by step, as the page's worker does between time slices:
        // one validation instance per step.
        let mut trainer = GraphTrainer::new(net, &small()).expect("valid");
        let (mut episodes, mut quiet_steps) = (0, 0);
        while !trainer.is_done() {
            match trainer.step().expect("steps") {
                Some(GraphEvent::Episode { .. }) => {
                    episodes += 1;
                    if episodes == 7 {
                        trainer.stop();
                    }
                }
                Some(GraphEvent::Validation { .. }) => {}
                None => quiet_steps += 1,
            }
        }
        assert!(
            quiet_steps >= 2 * (6 * VALIDATION_SEEDS.len() - 1),
            "{quiet_steps}"
        );
        let stepped = trainer.finish().expect("validated");
        assert_eq!(stepped.validations, called_back.validations);
        assert_eq!(stepped.best, called_back.best);
    }

    #[test]
    fn bad_settings_are_refused_with_the_reason() {
        let net = GraphNetwork::new(GraphConfig::default(), 1).expect("valid");
        let bad = GraphTraining {
            agents: (30, 10),
            ..small()
        };
        let e = train(net, &bad, &mut |_| true)
            .err()
            .map(|e| e.to_string())
            .unwrap_or_default();
        assert!(e.contains("30..10"), "{e}");
    }
}
