//! The leader's Q-network on candle (paper section 4.1, appendix D.1; SPEC section 5).
//!
//! Input: the `M×M` adjacency matrix of the coalition structure, flattened (`M = max_agents`).
//! An MLP (default hidden sizes 128, 128, so three linear layers) outputs `z ∈ R^{M+1}`; the
//! Q-value of merging coalitions `i` and `j` is `ψ(z_i, z_j) = z_i + z_j` (the additive scorer:
//! the action's two-hot vector dotted with `z`) and that of the null action is `z_M`. Indices of
//! coalitions that do not exist are masked in both the choice and the backup.
//!
//! A learned scorer is available too: `ψ(a, b) = g(a, b) + g(b, a)` with `g` a one-hidden-layer
//! MLP on `(a, b)`, symmetric so that a pair's value does not depend on its order. It can rank
//! pairs an additive score cannot, at the cost of scoring every pair (`O(m²)` per step).
//!
//! Weights are initialised by [`Linear::seeded`] from our own seeded RNG, so training repeats
//! for a seed.

use candle_core::{Tensor, Var};
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::first_layer::{first_layer, BlockInput};
use super::gains::MergeGains;
use super::replay::Labels;
use crate::nn::Linear;

/// The shape of a leader network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// `M`: the most agents the network can take (input `M²`, output `M + 1`).
    pub max_agents: usize,
    /// Hidden layer widths; `[128, 128]` is the paper's "3 layers (128, 128)".
    pub hidden: Vec<usize>,
    /// The pairwise scorer ψ.
    #[serde(default)]
    pub scorer: Scorer,
}

/// The pairwise scorer ψ that turns `z_i, z_j` into `Q(s, (C_i, C_j))`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum Scorer {
    /// `ψ(a, b) = a + b`: the paper's default; the best pair is the two largest entries.
    #[default]
    Additive,
    /// `ψ(a, b) = g(a, b) + g(b, a)`, `g` an MLP `2 → hidden → 1` with ReLU.
    Learned {
        /// Width of `g`'s hidden layer.
        hidden: usize,
    },
    /// `Q(s, (C_i, C_j)) = [v(C_i ∪ C_j) − v(C_i) − v(C_j)] + z_i + z_j`: the merge's true reward
    /// plus the additive ψ, so the network learns only the value of what comes after the merge.
    /// Ours, not the paper's: with `z = 0` its greedy rollout is C-Link's.
    Gain,
    /// One-step lookahead: `Q(s, (C_i, C_j)) = [v(C_i ∪ C_j) − v(C_i) − v(C_j)] + V(s')`, where
    /// `V = max(0, z_M)` is the network's value of the merged structure `s'` (at least 0 because
    /// the leader may always stop; 0 once the episode would end), and stopping is worth 0. The
    /// network learns state values by the Bellman backup over the known merges. Ours, not the
    /// paper's: it costs a forward pass per candidate merge.
    Lookahead,
}

impl Scorer {
    /// The scorer of our lookahead leader (trained with [`crate::leader::DqnParams::ours`]).
    pub const OURS: Scorer = Scorer::Lookahead;

    /// Whether Q-values need the merges' true rewards (the gain and lookahead scorers).
    pub fn needs_gains(self) -> bool {
        matches!(self, Self::Gain | Self::Lookahead)
    }

    /// The name used by `--scorer` and in weight files: `additive`, `gain`, `lookahead` or
    /// `learned:H`.
    pub fn name(self) -> String {
        match self {
            Self::Additive => "additive".to_string(),
            Self::Gain => "gain".to_string(),
            Self::Lookahead => "lookahead".to_string(),
            Self::Learned { hidden } => format!("learned:{hidden}"),
        }
    }

    /// The scorer called `name` (`additive`, `gain`, `lookahead`, `learned` for 16 hidden
    /// units, or `learned:H`).
    pub fn from_name(name: &str) -> Result<Self> {
        let bad = || {
            Error::BadParams(format!(
                "scorer `{name}` is not one of additive, gain, lookahead, learned, learned:H (H from 1 to 1024)"
            ))
        };
        match name {
            "additive" => Ok(Self::Additive),
            "gain" => Ok(Self::Gain),
            "lookahead" => Ok(Self::Lookahead),
            "learned" => Ok(Self::Learned { hidden: 16 }),
            other => {
                let h: usize = other
                    .strip_prefix("learned:")
                    .ok_or_else(bad)?
                    .parse()
                    .map_err(|_| bad())?;
                if (1..=1024).contains(&h) {
                    Ok(Self::Learned { hidden: h })
                } else {
                    Err(bad())
                }
            }
        }
    }
}

impl NetworkConfig {
    /// The paper's network for `max_agents` agents: hidden layers of 128 and 128.
    pub fn new(max_agents: usize) -> Self {
        Self {
            max_agents,
            hidden: vec![128, 128],
            scorer: Scorer::Additive,
        }
    }

    /// The scorer's layers' `(inputs, outputs)`: none for the additive scorer.
    pub fn scorer_sizes(&self) -> Vec<(usize, usize)> {
        match self.scorer {
            Scorer::Additive | Scorer::Gain | Scorer::Lookahead => Vec::new(),
            Scorer::Learned { hidden } => vec![(2, hidden), (hidden, 1)],
        }
    }

    /// Every layer's `(inputs, outputs)`: the trunk's, then the scorer's.
    pub fn all_sizes(&self) -> Vec<(usize, usize)> {
        let mut sizes = self.layer_sizes();
        sizes.extend(self.scorer_sizes());
        sizes
    }

    /// The trunk's layers' `(inputs, outputs)`, first to last: adjacency in, `z` out.
    pub fn layer_sizes(&self) -> Vec<(usize, usize)> {
        let m = self.max_agents;
        let mut sizes = Vec::with_capacity(self.hidden.len() + 1);
        let mut inputs = m * m;
        for &h in &self.hidden {
            sizes.push((inputs, h));
            inputs = h;
        }
        sizes.push((inputs, m + 1));
        sizes
    }

    /// Checks the sizes are usable.
    pub fn validate(&self) -> Result<()> {
        if !(2..=crate::core::MAX_AGENTS).contains(&self.max_agents) {
            return Err(Error::BadParams(format!(
                "max_agents {} is out of range: give 2 to {}",
                self.max_agents,
                crate::core::MAX_AGENTS
            )));
        }
        if self.hidden.is_empty() || self.hidden.iter().any(|&h| h == 0 || h > 4096) {
            return Err(Error::BadParams(format!(
                "hidden layer sizes {:?} are not usable: give one or more widths from 1 to 4096",
                self.hidden
            )));
        }
        Ok(())
    }
}

/// The leader's Q-network.
#[derive(Clone, Debug)]
pub struct QNetwork {
    config: NetworkConfig,
    layers: Vec<Linear>,
}

impl QNetwork {
    /// A freshly initialised network; the same `seed` gives the same weights.
    pub fn new(config: NetworkConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let layers = config
            .all_sizes()
            .into_iter()
            .map(|(inputs, outputs)| Linear::seeded(inputs, outputs, &mut rng))
            .collect::<crate::nn::Result<Vec<_>>>()?;
        Ok(Self { config, layers })
    }

    /// A network from given layer tensors, checked against `config`'s shapes.
    pub fn from_tensors(config: NetworkConfig, tensors: Vec<(Tensor, Tensor)>) -> Result<Self> {
        config.validate()?;
        let sizes = config.all_sizes();
        if tensors.len() != sizes.len() {
            return Err(Error::Weights(format!(
                "expected {} layers, found {}",
                sizes.len(),
                tensors.len()
            )));
        }
        let mut layers = Vec::new();
        for (k, ((w, b), (inputs, outputs))) in tensors.into_iter().zip(sizes).enumerate() {
            if w.dims() != [outputs, inputs] || b.dims() != [outputs] {
                return Err(Error::Weights(format!(
                    "layer {k}: expected weight [{outputs}, {inputs}] and bias [{outputs}], found {:?} and {:?}",
                    w.dims(),
                    b.dims()
                )));
            }
            layers.push(Linear::from_tensors(w, b)?);
        }
        Ok(Self { config, layers })
    }

    /// The network's shape.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    /// The layers, first to last.
    pub fn layers(&self) -> &[Linear] {
        &self.layers
    }

    /// The trunk's layers: adjacency matrix in, `z` out.
    pub fn trunk(&self) -> &[Linear] {
        &self.layers[..self.config.layer_sizes().len()]
    }

    /// The learned scorer's two layers (empty for the additive scorer).
    pub fn scorer_layers(&self) -> &[Linear] {
        &self.layers[self.config.layer_sizes().len()..]
    }

    /// `ψ(z_i, z_j)` for a batch of `[B, 1]` columns, differentiably (for training).
    pub fn score_pairs(&self, zi: &Tensor, zj: &Tensor) -> Result<Tensor> {
        let [l1, l2] = self.scorer_layers() else {
            return Ok((zi + zj)?);
        };
        let g = |a: &Tensor, b: &Tensor| -> Result<Tensor> {
            let x = Tensor::cat(&[a, b], 1)?;
            let h = x
                .matmul(&l1.weight.as_tensor().t()?)?
                .broadcast_add(l1.bias.as_tensor())?
                .relu()?;
            Ok(h.matmul(&l2.weight.as_tensor().t()?)?
                .broadcast_add(l2.bias.as_tensor())?)
        };
        Ok((g(zi, zj)? + g(zj, zi)?)?)
    }

    /// The scorer as plain numbers, for choosing actions and for the backup.
    pub fn plain_scorer(&self) -> Result<PlainScorer> {
        match self.config.scorer {
            Scorer::Gain => return Ok(PlainScorer::Gain),
            Scorer::Lookahead => return Ok(PlainScorer::Lookahead),
            _ => {}
        }
        let [l1, l2] = self.scorer_layers() else {
            return Ok(PlainScorer::Additive);
        };
        Ok(PlainScorer::Learned {
            w1: l1.weight.as_tensor().flatten_all()?.to_vec1::<f32>()?,
            b1: l1.bias.as_tensor().to_vec1::<f32>()?,
            w2: l2.weight.as_tensor().flatten_all()?.to_vec1::<f32>()?,
            b2: l2
                .bias
                .as_tensor()
                .to_vec1::<f32>()?
                .first()
                .copied()
                .unwrap_or(0.0),
        })
    }

    /// Every trainable variable, for the optimiser.
    pub fn vars(&self) -> Vec<Var> {
        self.layers
            .iter()
            .flat_map(|l| [l.weight.clone(), l.bias.clone()])
            .collect()
    }

    /// `z` for a batch of flattened adjacency matrices `[B, M²]`: `[B, M + 1]`.
    pub fn forward(&self, states: &Tensor) -> Result<Tensor> {
        let mut x = states.clone();
        let trunk = self.trunk();
        let last = trunk.len() - 1;
        for (k, layer) in trunk.iter().enumerate() {
            x = x
                .matmul(&layer.weight.as_tensor().t()?)?
                .broadcast_add(layer.bias.as_tensor())?;
            if k < last {
                x = x.relu()?;
            }
        }
        Ok(x)
    }

    /// `z` for a batch of structures given as their agents' coalition labels: the same as
    /// [`forward`](Self::forward) on their adjacency matrices, computed on the agents that exist
    /// (the trainer's fast path; see [`first_layer`](super::first_layer)).
    pub fn forward_labels(&self, batch: &[&Labels]) -> Result<Tensor> {
        let trunk = self.trunk();
        let input = BlockInput::new(batch)?;
        let mut x = first_layer(&trunk[0].weight, self.config.max_agents, &input)?
            .broadcast_add(trunk[0].bias.as_tensor())?;
        for layer in &trunk[1..] {
            x = x
                .relu()?
                .matmul(&layer.weight.as_tensor().t()?)?
                .broadcast_add(layer.bias.as_tensor())?;
        }
        Ok(x)
    }

    /// An independent copy (fresh storage): the DQN's target network.
    pub fn deep_copy(&self) -> Result<Self> {
        let layers = self
            .layers
            .iter()
            .map(Linear::deep_copy)
            .collect::<crate::nn::Result<Vec<_>>>()?;
        Ok(Self {
            config: self.config.clone(),
            layers,
        })
    }

    /// Overwrites this network's weights with `other`'s (a target-network sync).
    pub fn copy_from(&self, other: &Self) -> Result<()> {
        for (mine, theirs) in self.layers.iter().zip(&other.layers) {
            mine.copy_from(theirs)?;
        }
        Ok(())
    }
}

/// The scorer ψ as plain numbers: what action choice, the DQN's backup and inference use.
#[derive(Clone, Debug, PartialEq)]
pub enum PlainScorer {
    /// `ψ(a, b) = a + b`.
    Additive,
    /// `ψ(a, b) = a + b` plus the merge's true reward (see [`Scorer::Gain`]).
    Gain,
    /// The merge's true reward plus the network's value of the merged structure (see
    /// [`Scorer::Lookahead`]): Q-values need a forward pass per merge, which
    /// [`PlainNetwork`](super::greedy::PlainNetwork) makes; from `z` alone they are unknown.
    Lookahead,
    /// `ψ(a, b) = g(a, b) + g(b, a)`, `g(x) = w2 · relu(W1 x + b1) + b2`.
    Learned {
        /// `W1`, `[H, 2]` row-major.
        w1: Vec<f32>,
        /// `b1`, `[H]`.
        b1: Vec<f32>,
        /// `w2`, `[H]`.
        w2: Vec<f32>,
        /// `b2`.
        b2: f32,
    },
}

impl PlainScorer {
    /// `ψ(a, b)`: the network's part of a merge's Q-value.
    pub fn score(&self, a: f32, b: f32) -> f32 {
        match self {
            Self::Additive | Self::Gain | Self::Lookahead => a + b,
            Self::Learned { w1, b1, w2, b2 } => {
                let g = |x: f32, y: f32| {
                    let mut out = *b2;
                    for k in 0..b1.len() {
                        out += w2[k] * (w1[2 * k] * x + w1[2 * k + 1] * y + b1[k]).max(0.0);
                    }
                    out
                };
                g(a, b) + g(b, a)
            }
        }
    }

    /// Whether Q-values need the merges' true rewards ([`PlainScorer::Gain`]).
    pub fn needs_gains(&self) -> bool {
        matches!(self, Self::Gain | Self::Lookahead)
    }

    /// `Q(s, (C_i, C_j))` from `z` and, for the gain scorer, the merge's reward.
    pub fn q(&self, z: &[f32], i: usize, j: usize, gains: &dyn MergeGains) -> f32 {
        match self {
            Self::Gain => z[i] + z[j] + gains.gain(i, j),
            _ => self.score(z[i], z[j]),
        }
    }

    /// The best pair `i < j < m` by Q and its value; `None` below two coalitions. Indices
    /// `m..M` are masked. Additive: the two largest entries; the others: every pair.
    pub fn best_pair(
        &self,
        z: &[f32],
        m: usize,
        gains: &dyn MergeGains,
    ) -> Option<(usize, usize, f32)> {
        if m < 2 {
            return None;
        }
        if *self == Self::Additive {
            let (i, j) = top_two(&z[..m]);
            return Some((i, j, z[i] + z[j]));
        }
        let mut best = (0, 1, self.q(z, 0, 1, gains));
        for i in 0..m {
            for j in i + 1..m {
                let q = self.q(z, i, j, gains);
                if q > best.2 {
                    best = (i, j, q);
                }
            }
        }
        Some(best)
    }

    /// The best legal action's value from `z` for a structure of `m` coalitions: the larger of
    /// the null action's `z_M` and the best pair's Q.
    pub fn best_legal_value(&self, z: &[f32], m: usize, gains: &dyn MergeGains) -> f32 {
        let null = z[z.len() - 1];
        self.best_pair(z, m, gains)
            .map_or(null, |(_, _, q)| null.max(q))
    }
}

/// The indices of the two largest entries (first-found on ties), `a < b`.
pub fn top_two(z: &[f32]) -> (usize, usize) {
    let (mut first, mut second) = (0usize, usize::MAX);
    for (k, &v) in z.iter().enumerate().skip(1) {
        if v > z[first] {
            second = first;
            first = k;
        } else if second == usize::MAX || v > z[second] {
            second = k;
        }
    }
    (first.min(second), first.max(second))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leader::gains::NoGains;
    use candle_core::{DType, Device};

    #[test]
    fn the_same_seed_gives_the_same_weights() {
        let a = QNetwork::new(NetworkConfig::new(5), 3).expect("valid");
        let b = QNetwork::new(NetworkConfig::new(5), 3).expect("valid");
        let c = QNetwork::new(NetworkConfig::new(5), 4).expect("valid");
        let w = |n: &QNetwork| {
            n.layers()[0]
                .weight
                .as_tensor()
                .flatten_all()
                .and_then(|t| t.to_vec1::<f32>())
                .expect("f32")
        };
        assert_eq!(w(&a), w(&b));
        assert_ne!(w(&a), w(&c));
    }

    #[test]
    fn the_output_has_one_entry_per_agent_and_one_for_stopping() {
        let net = QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![8, 8, 8],
                scorer: Default::default(),
            },
            1,
        )
        .expect("valid");
        let x = Tensor::zeros((3, 16), DType::F32, &Device::Cpu).expect("alloc");
        assert_eq!(net.forward(&x).expect("forward").dims(), &[3, 5]);
    }

    #[test]
    fn masking_ignores_absent_coalitions() {
        // z_0..z_3 for coalitions, z_4 the null action; only 2 coalitions exist.
        let z = [1.0, 2.0, 50.0, 60.0, 0.5];
        let additive = PlainScorer::Additive;
        assert_eq!(additive.best_legal_value(&z, 2, &NoGains), 3.0);
        assert_eq!(additive.best_legal_value(&z, 1, &NoGains), 0.5);
        assert_eq!(
            additive.best_legal_value(&[-1.0, -2.0, 5.0, -0.5], 2, &NoGains),
            -0.5
        );
        assert_eq!(
            additive.best_legal_value(&[-1.0, -2.0, 5.0, -0.5], 3, &NoGains),
            4.0
        );
        assert_eq!(top_two(&[3.0, 1.0, 3.0]), (0, 2));
    }

    #[test]
    fn bad_configs_are_refused() {
        assert!(QNetwork::new(NetworkConfig::new(1), 0).is_err());
        assert!(QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![],
                scorer: Default::default()
            },
            0
        )
        .is_err());
        assert!(QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![0],
                scorer: Default::default()
            },
            0
        )
        .is_err());
    }

    #[test]
    fn the_target_copy_does_not_follow_the_online_network() {
        let online = QNetwork::new(NetworkConfig::new(3), 1).expect("valid");
        let target = online.deep_copy().expect("copy");
        online.layers()[0]
            .weight
            .set(&Tensor::zeros((128, 9), DType::F32, &Device::Cpu).expect("alloc"))
            .expect("same shape");
        let w0 = |n: &QNetwork| {
            n.layers()[0]
                .weight
                .as_tensor()
                .abs()
                .and_then(|t| t.sum_all())
                .and_then(|t| t.to_scalar::<f32>())
                .expect("f32")
        };
        assert_eq!(w0(&online), 0.0);
        assert!(w0(&target) > 0.0);
        target.copy_from(&online).expect("same shapes");
        assert_eq!(w0(&target), 0.0);
    }

    #[test]
    fn the_learned_scorer_is_symmetric_and_agrees_with_candle() {
        let config = NetworkConfig {
            scorer: Scorer::Learned { hidden: 5 },
            ..NetworkConfig::new(4)
        };
        let net = QNetwork::new(config, 3).expect("valid");
        assert_eq!(net.layers().len(), 5);
        let plain = net.plain_scorer().expect("f32");
        let zi = Tensor::new(&[[0.3f32], [-1.2], [2.0]], &Device::Cpu).expect("tensor");
        let zj = Tensor::new(&[[1.1f32], [0.4], [-0.7]], &Device::Cpu).expect("tensor");
        let q = net
            .score_pairs(&zi, &zj)
            .and_then(|q| Ok(q.flatten_all()?.to_vec1::<f32>()?))
            .expect("scores");
        for (k, (a, b)) in [(0.3, 1.1), (-1.2, 0.4), (2.0, -0.7)]
            .into_iter()
            .enumerate()
        {
            assert!((plain.score(a, b) - q[k]).abs() < 1e-5);
            assert_eq!(plain.score(a, b), plain.score(b, a));
        }
        let z = [0.1, 0.9, -0.3, 0.5, 0.0];
        let (i, j, q) = plain.best_pair(&z, 4, &NoGains).expect("4 coalitions");
        for a in 0..4 {
            for b in a + 1..4 {
                assert!(
                    plain.score(z[a], z[b]) <= q,
                    "({a}, {b}) beats the best pair ({i}, {j})"
                );
            }
        }
    }

    #[test]
    fn scorer_names_round_trip() {
        for name in ["additive", "gain", "lookahead", "learned:16", "learned:3"] {
            assert_eq!(Scorer::from_name(name).expect("valid").name(), name);
        }
        assert_eq!(
            Scorer::from_name("learned").expect("valid"),
            Scorer::Learned { hidden: 16 }
        );
        for bad in ["learned:0", "learned:x", "mlp", "learned:5000"] {
            assert!(Scorer::from_name(bad).is_err(), "{bad}");
        }
    }
}
