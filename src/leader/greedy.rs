//! Fast inference: the greedy rollout of a trained leader (SPEC section 5), and a beam search
//! over the learned Q-values that the paper does not have.
//!
//! A merge changes only the adjacency entries between the two merged coalitions, so the first
//! layer's pre-activation is updated by the weight columns of those entries instead of being
//! recomputed from all `M²` inputs; the rest of the network is small. A whole rollout costs
//! `O(n²·H₁)` for the first layer, against `O(n·M²·H₁)` for plain forward passes.

use super::error::{Error, Result};
use super::gains::{GainTable, MergeGains, NoGains};
use super::mdp::{floor_at_stop, merge_ends, Action, Episode, Horizon};
use super::network::{PlainScorer, QNetwork};
use crate::core::{CharacteristicFunction, CoalitionStructure, Step};

/// The network's weights as plain arrays, laid out for incremental inference.
#[derive(Clone, Debug)]
pub struct PlainNetwork {
    m: usize,
    /// First layer transposed, `[M², H₁]`: the weights of input `a·M + b` are one contiguous row.
    first_t: Vec<f32>,
    first_bias: Vec<f32>,
    hidden1: usize,
    /// The other layers as `(W [out, in], b, in, out)`.
    rest: Vec<(Vec<f32>, Vec<f32>, usize, usize)>,
    /// The pairwise scorer ψ.
    scorer: PlainScorer,
}

impl PlainNetwork {
    /// Copies `net`'s weights out of candle.
    pub fn new(net: &QNetwork) -> Result<Self> {
        let layers = net.trunk();
        let m = net.config().max_agents;
        let w1 = layers[0].weight.as_tensor();
        let (hidden1, inputs) = w1.dims2()?;
        let first_t = w1.t()?.contiguous()?.flatten_all()?.to_vec1::<f32>()?;
        let first_bias = layers[0].bias.as_tensor().to_vec1::<f32>()?;
        debug_assert_eq!(inputs, m * m);
        let mut rest = Vec::new();
        for l in &layers[1..] {
            let (out, inp) = l.weight.as_tensor().dims2()?;
            rest.push((
                l.weight.as_tensor().flatten_all()?.to_vec1::<f32>()?,
                l.bias.as_tensor().to_vec1::<f32>()?,
                inp,
                out,
            ));
        }
        Ok(Self {
            m,
            first_t,
            first_bias,
            hidden1,
            rest,
            scorer: net.plain_scorer()?,
        })
    }

    /// `M`, the most agents the network takes.
    pub fn max_agents(&self) -> usize {
        self.m
    }

    /// The pairwise scorer ψ.
    pub fn scorer(&self) -> &PlainScorer {
        &self.scorer
    }

    /// Adds the first-layer columns of adjacency entries `(a, b)` and `(b, a)` to `h`.
    fn add_link(&self, h: &mut [f32], a: usize, b: usize) {
        for idx in [a * self.m + b, b * self.m + a] {
            let row = &self.first_t[idx * self.hidden1..(idx + 1) * self.hidden1];
            h.iter_mut().zip(row).for_each(|(x, w)| *x += w);
        }
    }

    /// The first layer's pre-activation at all singletons of `n` agents (the diagonal set).
    fn singletons_preactivation(&self, n: usize) -> Vec<f32> {
        let mut h = self.first_bias.clone();
        for a in 0..n {
            let row =
                &self.first_t[(a * self.m + a) * self.hidden1..(a * self.m + a + 1) * self.hidden1];
            h.iter_mut().zip(row).for_each(|(x, w)| *x += w);
        }
        h
    }

    /// The first layer's pre-activation of any structure (used by tests and the beam).
    pub fn preactivation(&self, cs: &CoalitionStructure) -> Vec<f32> {
        let mut h = self.singletons_preactivation(cs.agents());
        for c in cs.coalitions() {
            let members: Vec<usize> = c.agents().collect();
            for (k, &a) in members.iter().enumerate() {
                for &b in &members[k + 1..] {
                    self.add_link(&mut h, a, b);
                }
            }
        }
        h
    }

    /// The activations entering the last layer: every hidden layer after the first.
    fn last_hidden(&self, pre: &[f32]) -> Vec<f32> {
        let mut x: Vec<f32> = pre.iter().map(|v| v.max(0.0)).collect();
        for (w, b, inp, out) in &self.rest[..self.rest.len() - 1] {
            x = (0..*out)
                .map(|o| (b[o] + dot(&w[o * inp..(o + 1) * inp], &x)).max(0.0))
                .collect();
        }
        x
    }

    /// `z` from the first layer's pre-activation: the remaining layers.
    pub fn output(&self, pre: &[f32]) -> Vec<f32> {
        let x = self.last_hidden(pre);
        let (w, b, inp, out) = &self.rest[self.rest.len() - 1];
        (0..*out)
            .map(|o| b[o] + dot(&w[o * inp..(o + 1) * inp], &x))
            .collect()
    }

    /// `z_M` alone (the lookahead scorer's estimate of a structure's value, before
    /// [`floor_at_stop`]), skipping the last layer's other outputs.
    pub fn state_value(&self, pre: &[f32]) -> f32 {
        let x = self.last_hidden(pre);
        let (w, b, inp, out) = &self.rest[self.rest.len() - 1];
        b[out - 1] + dot(&w[(out - 1) * inp..out * inp], &x)
    }

    /// The Q-value of merging each pair `i < j` of `cs`, as `(q, i, j)`, given the structure's
    /// first-layer pre-activation `pre`, its merges' rewards (read by the gain and lookahead
    /// scorers) and whether a merge would end the episode.
    pub fn pair_values(
        &self,
        pre: &[f32],
        cs: &CoalitionStructure,
        gains: &dyn MergeGains,
        merge_ends: bool,
    ) -> Vec<(f32, usize, usize)> {
        let m = cs.len();
        let mut out = Vec::with_capacity(m * m.saturating_sub(1) / 2);
        if self.scorer == PlainScorer::Lookahead {
            let mut h = vec![0.0; pre.len()];
            for i in 0..m {
                for j in i + 1..m {
                    let after = if merge_ends {
                        0.0
                    } else {
                        h.copy_from_slice(pre);
                        self.add_merge(&mut h, cs, i, j);
                        floor_at_stop(self.state_value(&h))
                    };
                    out.push((gains.gain(i, j) + after, i, j));
                }
            }
        } else {
            let z = self.output(pre);
            for i in 0..m {
                for j in i + 1..m {
                    out.push((self.scorer.q(&z, i, j, gains), i, j));
                }
            }
        }
        out
    }

    /// The null action's Q: `z_M`, or 0 for the lookahead scorer (nothing follows it).
    pub fn stop_value(&self, pre: &[f32]) -> f32 {
        if self.scorer == PlainScorer::Lookahead {
            return 0.0;
        }
        self.output(pre)[self.m]
    }

    /// The greedy action in `cs`: the merge of highest Q, or the null action if it is at least
    /// as good (its Q is `z_M`, or 0 for the lookahead scorer).
    pub fn choose(
        &self,
        pre: &[f32],
        cs: &CoalitionStructure,
        gains: &dyn MergeGains,
        merge_ends: bool,
    ) -> Action {
        if self.scorer != PlainScorer::Lookahead {
            return greedy_action(&self.scorer, &self.output(pre), cs.len(), gains);
        }
        let best = self
            .pair_values(pre, cs, gains, merge_ends)
            .into_iter()
            .fold(None, |best: Option<(f32, usize, usize)>, p| match best {
                Some(b) if b.0 >= p.0 => Some(b),
                _ => Some(p),
            });
        match best {
            Some((q, i, j)) if q > 0.0 => Action::Merge(i, j),
            _ => Action::Stop,
        }
    }

    /// The network's estimate of what is still to come from `cs` (the beam's look ahead): the
    /// best legal Q, or for the lookahead scorer `z_M`, floored at 0 ([`floor_at_stop`]).
    pub fn to_come(
        &self,
        pre: &[f32],
        cs: &CoalitionStructure,
        gains: &dyn MergeGains,
        done: bool,
    ) -> f32 {
        if done {
            return 0.0;
        }
        floor_at_stop(if self.scorer == PlainScorer::Lookahead {
            self.state_value(pre)
        } else {
            self.scorer
                .best_legal_value(&self.output(pre), cs.len(), gains)
        })
    }

    /// Adds to `h` every link a merge of coalitions `i` and `j` of `cs` creates: only these
    /// adjacency entries change.
    fn add_merge(&self, h: &mut [f32], cs: &CoalitionStructure, i: usize, j: usize) {
        let (a, b) = (cs.coalitions()[i], cs.coalitions()[j]);
        for x in a.agents() {
            for y in b.agents() {
                self.add_link(h, x, y);
            }
        }
    }
}

/// What a rollout found: the structure, its value and the merge trace.
#[derive(Clone, Debug, PartialEq)]
pub struct Rollout {
    /// The final coalition structure.
    pub structure: CoalitionStructure,
    /// Its value `v(CS)`.
    pub value: f64,
    /// The merges taken (and the stop, if the leader chose it).
    pub steps: Vec<Step>,
}

/// The greedy action given `z` (and the merges' rewards, which only the gain scorer reads) for a
/// structure of `m` coalitions: the best pair by Q, or stop if `z_M` is at least as good.
pub fn greedy_action(scorer: &PlainScorer, z: &[f32], m: usize, gains: &dyn MergeGains) -> Action {
    match scorer.best_pair(z, m, gains) {
        Some((i, j, q)) if q > z[z.len() - 1] => Action::Merge(i, j),
        _ => Action::Stop,
    }
}

/// The most agents a lookahead leader's rollout takes: it values every candidate merge with a
/// forward pass, about `n³/6` of them per rollout (seconds at 100 agents, hours at 1000).
pub const LOOKAHEAD_MAX_AGENTS: usize = 300;

/// `Σ a_k b_k`.
fn dot(a: &[f32], b: &[f32]) -> f32 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

/// The gains to read from an optional table: none for the scorers that ignore rewards.
fn read_gains(table: &Option<GainTable>) -> &dyn MergeGains {
    table.as_ref().map_or(&NoGains, |g| g as &dyn MergeGains)
}

fn check_size(net: &PlainNetwork, n: usize) -> Result<()> {
    if n > net.m {
        return Err(Error::TooManyAgents { n, max: net.m });
    }
    if net.scorer == PlainScorer::Lookahead && n > LOOKAHEAD_MAX_AGENTS {
        return Err(Error::BadParams(format!(
            "a lookahead leader values every candidate merge with a forward pass: {n} agents would \
             take hours; it takes at most {LOOKAHEAD_MAX_AGENTS} (the additive and gain scorers take any size)"
        )));
    }
    Ok(())
}

fn merge_step(cs: &CoalitionStructure, i: usize, j: usize, reward: f64, value: f64) -> Step {
    // Only the two merged coalitions: listing the whole structure each step would cost O(n).
    let list = |k: usize| cs.coalitions()[k].agents().collect();
    Step::Merge {
        merge: [list(i), list(j)],
        reward,
        value,
    }
}

/// The leader's greedy rollout on `f`: from all singletons, take the action of highest Q until
/// the null action wins, one coalition is left or the horizon is reached.
pub fn greedy<F: CharacteristicFunction + ?Sized>(
    net: &PlainNetwork,
    f: &F,
    horizon: Horizon,
) -> Result<Rollout> {
    check_size(net, f.agents())?;
    let mut episode = Episode::new(f, horizon)?;
    let mut pre = net.singletons_preactivation(f.agents());
    let mut gains = net
        .scorer
        .needs_gains()
        .then(|| GainTable::new(episode.structure(), f));
    let mut steps = Vec::new();
    while !episode.is_done() {
        let cs = episode.structure();
        match net.choose(&pre, cs, read_gains(&gains), episode.merge_ends()) {
            Action::Stop => {
                episode.step(Action::Stop, f)?;
                steps.push(Step::Stop { stop: true });
            }
            Action::Merge(i, j) => {
                let before = cs.clone();
                net.add_merge(&mut pre, &before, i, j);
                if let Some(g) = gains.as_mut() {
                    g.merge(i, j, f);
                }
                let reward = episode.step(Action::Merge(i, j), f)?;
                steps.push(merge_step(&before, i, j, reward, episode.value()));
            }
        }
    }
    // v(CS) summed over coalitions, as every solution reports it, not the running total.
    let value = episode.structure().value(f);
    Ok(Rollout {
        structure: episode.structure().clone(),
        value,
        steps,
    })
}

/// A beam search of width `width` over the learned Q-values: each state in the beam expands
/// its `width` best actions by Q, candidates are ranked by their true `v(CS)` so far plus the
/// network's estimate of what is still to come (`max Q` in the new state), and the best
/// structure ever seen (by true value) is returned. The greedy rollout is run too, so the beam
/// is never worse than greedy.
pub fn beam<F: CharacteristicFunction + ?Sized>(
    net: &PlainNetwork,
    f: &F,
    horizon: Horizon,
    width: usize,
) -> Result<Rollout> {
    check_size(net, f.agents())?;
    let width = width.max(1);
    #[derive(Clone)]
    struct Node {
        cs: CoalitionStructure,
        pre: Vec<f32>,
        /// The merges' rewards, for the gain scorer only.
        gains: Option<GainTable>,
        value: f64,
        steps: Vec<Step>,
    }
    impl Node {
        fn gains(&self) -> &dyn MergeGains {
            read_gains(&self.gains)
        }
    }
    let start = CoalitionStructure::singletons(f.agents());
    let start_value = start.value(f);
    let root = Node {
        pre: net.singletons_preactivation(f.agents()),
        gains: net.scorer.needs_gains().then(|| GainTable::new(&start, f)),
        cs: start,
        value: start_value,
        steps: Vec::new(),
    };
    let mut best = greedy(net, f, horizon)?;
    let mut frontier = vec![root];
    let steps_total = horizon.steps(f.agents());
    for depth in 0..steps_total {
        let mut candidates: Vec<(f64, Node)> = Vec::new();
        for node in &frontier {
            let m = node.cs.len();
            if m < 2 {
                continue;
            }
            let ends = merge_ends(steps_total - depth, m);
            let mut pairs = net.pair_values(&node.pre, &node.cs, node.gains(), ends);
            pairs.sort_by(|a, b| b.0.total_cmp(&a.0));
            for &(_, i, j) in pairs.iter().take(width) {
                let (a, b) = (node.cs.coalitions()[i], node.cs.coalitions()[j]);
                let reward = f.merge_reward(&a, &b);
                let mut pre = node.pre.clone();
                net.add_merge(&mut pre, &node.cs, i, j);
                let mut gains = node.gains.clone();
                if let Some(g) = gains.as_mut() {
                    g.merge(i, j, f);
                }
                let mut cs = node.cs.clone();
                let step = merge_step(&cs, i, j, reward, node.value + reward);
                cs.merge(i, j)?;
                let mut steps = node.steps.clone();
                steps.push(step);
                let child = Node {
                    value: node.value + reward,
                    cs,
                    pre,
                    gains,
                    steps,
                };
                let to_come = f64::from(net.to_come(&child.pre, &child.cs, child.gains(), ends));
                candidates.push((child.value + to_come, child));
            }
        }
        if candidates.is_empty() {
            break;
        }
        candidates.sort_by(|a, b| b.0.total_cmp(&a.0));
        // The same structure reached by merges in another order is one candidate.
        let mut seen = std::collections::HashSet::new();
        candidates.retain(|(_, n)| seen.insert(n.cs.clone()));
        candidates.truncate(width);
        for (_, node) in &candidates {
            if node.value > best.value {
                best = Rollout {
                    structure: node.cs.clone(),
                    value: node.value,
                    steps: node.steps.clone(),
                };
            }
        }
        frontier = candidates.into_iter().map(|(_, n)| n).collect();
    }
    best.value = best.structure.value(f);
    Ok(best)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};
    use crate::leader::gains::PackedGains;
    use crate::leader::network::{NetworkConfig, Scorer};
    use candle_core::{DType, Device, Tensor};

    fn plain_forward(net: &QNetwork, cs: &CoalitionStructure) -> Vec<f32> {
        let m = net.config().max_agents;
        let x = Tensor::from_vec(
            cs.to_adjacency(m).expect("m >= n"),
            (1, m * m),
            &Device::Cpu,
        )
        .expect("shape");
        net.forward(&x)
            .and_then(|z| Ok(z.squeeze(0)?.to_vec1::<f32>()?))
            .expect("forward")
    }

    fn close(a: &[f32], b: &[f32]) -> bool {
        a.iter()
            .zip(b)
            .all(|(x, y)| (x - y).abs() <= 1e-4 * (1.0 + x.abs()))
    }

    #[test]
    fn the_incremental_first_layer_equals_the_plain_forward_pass() {
        let net = QNetwork::new(
            NetworkConfig {
                max_agents: 12,
                hidden: vec![16, 8],
                scorer: Default::default(),
            },
            5,
        )
        .expect("valid");
        let plain = PlainNetwork::new(&net).expect("f32 weights");
        let inst = Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            10,
            2,
        )
        .expect("valid");
        let rollout = greedy(&plain, &inst, Horizon::Full).expect("fits");
        // Replay the rollout's merges with plain forward passes: same z, so the same choices.
        let mut cs = CoalitionStructure::singletons(10);
        let mut pre = plain.preactivation(&cs);
        for step in &rollout.steps {
            let z_inc = plain.output(&pre);
            let z_plain = plain_forward(&net, &cs);
            assert!(close(&z_inc, &z_plain), "{z_inc:?} vs {z_plain:?}");
            match step {
                Step::Merge { merge: [a, b], .. } => {
                    let i = cs.coalition_of(a[0]).expect("present");
                    let j = cs.coalition_of(b[0]).expect("present");
                    assert_eq!(
                        greedy_action(plain.scorer(), &z_plain, cs.len(), &NoGains),
                        Action::Merge(i.min(j), i.max(j))
                    );
                    plain.add_merge(&mut pre, &cs, i, j);
                    cs.merge(i, j).expect("legal");
                }
                Step::Stop { .. } => {
                    assert_eq!(
                        greedy_action(plain.scorer(), &z_plain, cs.len(), &NoGains),
                        Action::Stop
                    )
                }
            }
        }
        assert_eq!(cs, rollout.structure);
        assert!((cs.value(&inst) - rollout.value).abs() < 1e-9);
        // And every structure's pre-activation built from scratch matches the incremental one.
        assert!(close(
            &plain.output(&plain.preactivation(&cs)),
            &plain.output(&pre)
        ));
    }

    #[test]
    fn the_gain_scorer_with_a_silent_network_is_c_link() {
        let config = NetworkConfig {
            scorer: Scorer::Gain,
            ..NetworkConfig::new(12)
        };
        let zeros: Vec<(Tensor, Tensor)> = config
            .all_sizes()
            .into_iter()
            .map(|(i, o)| {
                (
                    Tensor::zeros((o, i), DType::F32, &Device::Cpu).expect("cpu"),
                    Tensor::zeros(o, DType::F32, &Device::Cpu).expect("cpu"),
                )
            })
            .collect();
        let plain = PlainNetwork::new(&QNetwork::from_tensors(config, zeros).expect("shapes"))
            .expect("f32");
        for (name, seed) in [
            ("modified_normal", 3),
            ("agent_based", 4),
            ("hard_modified_uniform", 5),
        ] {
            let inst = Instance::generate(Distribution::from_name(name).expect("known"), 12, seed)
                .expect("valid");
            let rollout = greedy(&plain, &inst, Horizon::Full).expect("fits");
            assert_eq!(rollout.structure, crate::algorithms::clink(&inst), "{name}");
            let b = beam(&plain, &inst, Horizon::Full, 4).expect("fits");
            assert!(b.value >= rollout.value - 1e-9, "{name}");
        }
    }

    #[test]
    fn the_gain_scorer_acts_on_the_true_rewards() {
        // The incremental gains of a rollout equal the packed gains of each state it passes.
        let config = NetworkConfig {
            scorer: Scorer::Gain,
            ..NetworkConfig::new(10)
        };
        let net = QNetwork::new(config, 7).expect("valid");
        let plain = PlainNetwork::new(&net).expect("f32");
        let inst = Instance::generate(Distribution::from_name("combined").expect("known"), 10, 6)
            .expect("valid");
        let rollout = greedy(&plain, &inst, Horizon::Full).expect("fits");
        let mut cs = CoalitionStructure::singletons(10);
        for step in &rollout.steps {
            let z = plain_forward(&net, &cs);
            let gains = PackedGains::new(&cs, &inst);
            let chosen = greedy_action(plain.scorer(), &z, cs.len(), &gains);
            match step {
                Step::Merge { merge: [a, b], .. } => {
                    let i = cs.coalition_of(a[0]).expect("present");
                    let j = cs.coalition_of(b[0]).expect("present");
                    assert_eq!(chosen, Action::Merge(i.min(j), i.max(j)));
                    cs.merge(i, j).expect("legal");
                }
                Step::Stop { .. } => assert_eq!(chosen, Action::Stop),
            }
        }
        assert_eq!(cs, rollout.structure);
    }

    #[test]
    fn lookahead_values_are_the_reward_plus_the_merged_structures_value() {
        let config = NetworkConfig {
            scorer: Scorer::Lookahead,
            ..NetworkConfig::new(9)
        };
        let net = QNetwork::new(config, 3).expect("valid");
        let plain = PlainNetwork::new(&net).expect("f32");
        let inst = Instance::generate(Distribution::from_name("agent_based").expect("known"), 8, 2)
            .expect("valid");
        let mut cs = CoalitionStructure::singletons(8);
        cs.merge(1, 4).expect("legal");
        cs.merge(0, 5).expect("legal");
        let gains = PackedGains::new(&cs, &inst);
        let pre = plain.preactivation(&cs);
        let values = plain.pair_values(&pre, &cs, &gains, false);
        assert_eq!(values.len(), 15);
        let mut negative = 0;
        for &(q, i, j) in &values {
            let mut merged = cs.clone();
            merged.merge(i, j).expect("legal");
            let v = *plain_forward(&net, &merged).last().expect("z_M");
            let (a, b) = (cs.coalitions()[i], cs.coalitions()[j]);
            let reward = inst.merge_reward(&a, &b);
            // What follows a merge is worth at least 0: the leader may stop there.
            assert!(
                (q - (reward as f32 + v.max(0.0))).abs() < 1e-3,
                "{q} vs {reward} + max(0, {v})"
            );
            assert!((plain.state_value(&plain.preactivation(&merged)) - v).abs() < 1e-4);
            negative += usize::from(v < 0.0);
        }
        assert!(negative > 0, "the instance should exercise the floor at 0");
        // A merge that ends the episode is worth its reward alone.
        for (q, i, j) in plain.pair_values(&pre, &cs, &gains, true) {
            let (a, b) = (cs.coalitions()[i], cs.coalitions()[j]);
            let reward = inst.merge_reward(&a, &b);
            assert!((q - reward as f32).abs() < 1e-4);
        }
        let rollout = greedy(&plain, &inst, Horizon::Full).expect("fits");
        let b = beam(&plain, &inst, Horizon::Full, 3).expect("fits");
        assert!(b.value >= rollout.value - 1e-9);
    }

    #[test]
    fn the_beam_is_never_worse_than_greedy() {
        let net = QNetwork::new(NetworkConfig::new(9), 1).expect("valid");
        let plain = PlainNetwork::new(&net).expect("f32");
        for seed in 0..5 {
            let inst = Instance::generate(
                Distribution::from_name("agent_based").expect("known"),
                9,
                seed,
            )
            .expect("valid");
            let g = greedy(&plain, &inst, Horizon::Full).expect("fits");
            let b = beam(&plain, &inst, Horizon::Full, 4).expect("fits");
            assert!(b.value >= g.value - 1e-9);
            assert!((b.structure.value(&inst) - b.value).abs() < 1e-9);
        }
    }

    #[test]
    fn an_instance_larger_than_the_network_is_refused() {
        let plain = PlainNetwork::new(&QNetwork::new(NetworkConfig::new(4), 1).expect("valid"))
            .expect("f32");
        let inst = Instance::generate(Distribution::from_name("agent_based").expect("known"), 5, 1)
            .expect("valid");
        let err = greedy(&plain, &inst, Horizon::Full)
            .expect_err("too large")
            .to_string();
        assert!(
            err.contains("at most 4 agents, the instance has 5"),
            "{err}"
        );
        let lookahead = NetworkConfig {
            scorer: Scorer::Lookahead,
            hidden: vec![2],
            ..NetworkConfig::new(LOOKAHEAD_MAX_AGENTS + 1)
        };
        let plain = PlainNetwork::new(&QNetwork::new(lookahead, 1).expect("valid")).expect("f32");
        let big = Instance::generate(
            Distribution::from_name("agent_based").expect("known"),
            LOOKAHEAD_MAX_AGENTS + 1,
            1,
        )
        .expect("valid");
        let err = greedy(&plain, &big, Horizon::Full)
            .expect_err("too slow")
            .to_string();
        assert!(err.contains("at most 300"), "{err}");
    }
}
