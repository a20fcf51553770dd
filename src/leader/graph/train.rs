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

/// What training reports as it goes.
#[derive(Clone, Debug, PartialEq)]
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

    /// The mean ratio of `net`'s greedy value to C-Link's.
    fn ratio(&self, net: &GraphNetwork, settings: &GraphTraining) -> Result<f64> {
        let mut sum = 0.0;
        for (f, clink_value) in &self.instances {
            let v = net.rollout(f, settings.dqn.horizon)?.value;
            sum += ratio(v, *clink_value);
        }
        Ok(sum / self.instances.len().max(1) as f64)
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

/// Trains the graph leader from `net` (fresh, or loaded to continue) across sizes; `progress`
/// hears every episode and validation and stops training by returning `false`.
pub fn train(
    net: GraphNetwork,
    settings: &GraphTraining,
    progress: &mut dyn FnMut(&GraphEvent) -> bool,
) -> Result<GraphReport> {
    settings.validate()?;
    let p = &settings.dqn;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(p.seed);
    let validation = Validation::new(settings)?;
    let mut online = net;
    let mut target = online.clone();
    let mut optimiser = Optimiser::new(&online, p);
    let mut replay: Vec<Transition> = Vec::with_capacity(p.replay_capacity.min(1 << 16));
    let mut replay_next = 0usize;
    let (mut env_steps, mut updates) = (0usize, 0usize);
    let mut best = (online.clone(), validation.ratio(&online, settings)?, 0usize);
    let mut validations = vec![(0, best.1)];
    if !progress(&GraphEvent::Validation {
        episode: 0,
        ratio: best.1,
        best: best.1,
    }) {
        return Ok(report(best, 0, validations));
    }
    let config = online.config().clone();
    let mut pass = Pass::default();
    let mut scratch = Scratch::default();
    let mut episodes_done = 0;
    for episode in 1..=settings.episodes {
        let n = rng.random_range(settings.agents.0..=settings.agents.1);
        let d = settings.distributions[rng.random_range(0..settings.distributions.len())].clone();
        let f = Instance::generate(d, n, rng.random::<u64>())?;
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
            observe(&state, config.neighbours, config.candidates, &mut obs);
            online.forward(&obs, &mut pass);
            let epsilon = p.epsilon_after(env_steps);
            let choice = if rng.random::<f64>() < epsilon && !obs.candidates.is_empty() {
                Some(rng.random_range(0..obs.candidates.len()))
            } else {
                best_candidate(&obs, &pass.corrections).map(|(e, _)| e)
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
            env_steps += 1;
            if replay.len() >= p.batch_size {
                for _ in 0..p.updates_per_step {
                    let loss = update(
                        &mut online,
                        &target,
                        &mut optimiser,
                        &replay,
                        p,
                        &mut rng,
                        &mut scratch,
                    );
                    loss_sum += loss;
                    loss_count += 1;
                    updates += 1;
                    if updates.is_multiple_of(p.target_sync) {
                        target = online.clone();
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
            if replay.len() < p.replay_capacity {
                replay.push(transition);
            } else {
                replay[replay_next] = transition;
                replay_next = (replay_next + 1) % p.replay_capacity;
            }
        }
        episodes_done = episode;
        let go_on = progress(&GraphEvent::Episode {
            episode,
            episodes: settings.episodes,
            agents: n,
            normalised_return: rewards.iter().sum(),
            loss: (loss_count > 0).then(|| loss_sum / loss_count as f64),
            epsilon: p.epsilon_after(env_steps),
        });
        let validate_now = episode == settings.episodes
            || !go_on
            || (settings.validate_every > 0 && episode.is_multiple_of(settings.validate_every));
        if validate_now {
            let r = validation.ratio(&online, settings)?;
            validations.push((episode, r));
            if r > best.1 {
                best = (online.clone(), r, episode);
            }
            progress(&GraphEvent::Validation {
                episode,
                ratio: r,
                best: best.1,
            });
        }
        if !go_on {
            break;
        }
    }
    Ok(report(best, episodes_done, validations))
}

fn report(
    best: (GraphNetwork, f64, usize),
    episodes: usize,
    validations: Vec<(usize, f64)>,
) -> GraphReport {
    GraphReport {
        best: best.0,
        best_ratio: best.1,
        best_episode: best.2,
        episodes,
        validations,
    }
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
