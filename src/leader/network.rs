//! The leader's Q-network on candle (paper section 4.1, appendix D.1; SPEC section 5).
//!
//! Input: the `M×M` adjacency matrix of the coalition structure, flattened (`M = max_agents`).
//! An MLP (default hidden sizes 128, 128, so three linear layers) outputs `z ∈ R^{M+1}`; the
//! Q-value of merging coalitions `i` and `j` is `ψ(z_i, z_j) = z_i + z_j` (the additive scorer:
//! the action's two-hot vector dotted with `z`) and that of the null action is `z_M`. Indices of
//! coalitions that do not exist are masked in both the choice and the backup.
//!
//! Weights are initialised from our own seeded RNG (candle's CPU generator cannot be seeded),
//! with PyTorch's default `U(−1/√fan_in, 1/√fan_in)`, so training repeats for a seed.

use candle_core::{DType, Device, Tensor, Var};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::error::{Error, Result};

/// The shape of a leader network.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NetworkConfig {
    /// `M`: the most agents the network can take (input `M²`, output `M + 1`).
    pub max_agents: usize,
    /// Hidden layer widths; `[128, 128]` is the paper's "3 layers (128, 128)".
    pub hidden: Vec<usize>,
}

impl NetworkConfig {
    /// The paper's network for `max_agents` agents: hidden layers of 128 and 128.
    pub fn new(max_agents: usize) -> Self {
        Self {
            max_agents,
            hidden: vec![128, 128],
        }
    }

    /// Every layer's `(inputs, outputs)`, first to last.
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

/// One linear layer: `y = x Wᵀ + b`, `W` of shape `[out, in]` as in PyTorch and candle-nn.
#[derive(Clone, Debug)]
pub struct Layer {
    /// `[out, in]`.
    pub weight: Var,
    /// `[out]`.
    pub bias: Var,
}

/// The leader's Q-network.
#[derive(Clone, Debug)]
pub struct QNetwork {
    config: NetworkConfig,
    layers: Vec<Layer>,
}

impl QNetwork {
    /// A freshly initialised network; the same `seed` gives the same weights.
    pub fn new(config: NetworkConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let mut layers = Vec::new();
        for (inputs, outputs) in config.layer_sizes() {
            let bound = 1.0 / (inputs as f32).sqrt();
            let mut draw = |len: usize| -> Vec<f32> {
                (0..len).map(|_| rng.random_range(-bound..bound)).collect()
            };
            let weight = Tensor::from_vec(draw(inputs * outputs), (outputs, inputs), &Device::Cpu)?;
            let bias = Tensor::from_vec(draw(outputs), outputs, &Device::Cpu)?;
            layers.push(Layer {
                weight: Var::from_tensor(&weight)?,
                bias: Var::from_tensor(&bias)?,
            });
        }
        Ok(Self { config, layers })
    }

    /// A network from given layer tensors, checked against `config`'s shapes.
    pub fn from_tensors(config: NetworkConfig, tensors: Vec<(Tensor, Tensor)>) -> Result<Self> {
        config.validate()?;
        let sizes = config.layer_sizes();
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
            layers.push(Layer {
                weight: Var::from_tensor(&w.to_dtype(DType::F32)?)?,
                bias: Var::from_tensor(&b.to_dtype(DType::F32)?)?,
            });
        }
        Ok(Self { config, layers })
    }

    /// The network's shape.
    pub fn config(&self) -> &NetworkConfig {
        &self.config
    }

    /// The layers, first to last.
    pub fn layers(&self) -> &[Layer] {
        &self.layers
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
        let last = self.layers.len() - 1;
        for (k, layer) in self.layers.iter().enumerate() {
            x = x
                .matmul(&layer.weight.as_tensor().t()?)?
                .broadcast_add(layer.bias.as_tensor())?;
            if k < last {
                x = x.relu()?;
            }
        }
        Ok(x)
    }

    /// An independent copy (fresh storage): the DQN's target network.
    pub fn deep_copy(&self) -> Result<Self> {
        let layers = self
            .layers
            .iter()
            .map(|l| {
                Ok(Layer {
                    weight: Var::from_tensor(&l.weight.as_tensor().copy()?)?,
                    bias: Var::from_tensor(&l.bias.as_tensor().copy()?)?,
                })
            })
            .collect::<Result<Vec<_>>>()?;
        Ok(Self {
            config: self.config.clone(),
            layers,
        })
    }

    /// Overwrites this network's weights with `other`'s (a target-network sync).
    pub fn copy_from(&self, other: &Self) -> Result<()> {
        for (mine, theirs) in self.layers.iter().zip(&other.layers) {
            mine.weight.set(theirs.weight.as_tensor())?;
            mine.bias.set(theirs.bias.as_tensor())?;
        }
        Ok(())
    }
}

/// The best legal action's value from `z`, for a structure of `m` coalitions: the larger of
/// the null action's `z_M` and the best pair's `z_i + z_j` over `i < j < m` (the sum of the two
/// largest entries, since ψ is additive). Indices `m..M` are masked.
pub fn best_legal_value(z: &[f32], m: usize) -> f32 {
    let null = z[z.len() - 1];
    if m < 2 {
        return null;
    }
    let (a, b) = top_two(&z[..m]);
    null.max(z[a] + z[b])
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
        assert_eq!(best_legal_value(&z, 2), 3.0);
        assert_eq!(best_legal_value(&z, 1), 0.5);
        assert_eq!(best_legal_value(&[-1.0, -2.0, 5.0, -0.5], 2), -0.5);
        assert_eq!(best_legal_value(&[-1.0, -2.0, 5.0, -0.5], 3), 4.0);
        assert_eq!(top_two(&[3.0, 1.0, 3.0]), (0, 2));
    }

    #[test]
    fn bad_configs_are_refused() {
        assert!(QNetwork::new(NetworkConfig::new(1), 0).is_err());
        assert!(QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![]
            },
            0
        )
        .is_err());
        assert!(QNetwork::new(
            NetworkConfig {
                max_agents: 4,
                hidden: vec![0]
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
}
