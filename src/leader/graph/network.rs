//! The graph leader's Q-network: no parameter depends on `n` or `M`.
//!
//! Each coalition's features are embedded (`h⁰ = ReLU(E x)`), then refined by rounds of message
//! passing over the merge graph, each coalition reading the mean of its `k` best partners'
//! embeddings (`hʳ⁺¹ = ReLU(Wʳ [hʳ; mean hʳ_nb])`, structure2vec's scheme). A candidate merge
//! `(a, b)` is scored from `[h_a + h_b; h_a ⊙ h_b; its features]` by a small MLP whose last layer
//! starts at zero:
//!
//! `Q(s, merge a b) = r_ab / scale + correction(a, b)`,   `Q(s, stop) = 0`,
//!
//! with the correction split as in a dueling network (Wang et al. 2016): a state value
//! `V(s)`, from the mean of the coalitions' embeddings (a mean, so that it does not grow with
//! `m`), plus the merge's own part `A(s, a, b)`. The state's remaining return is large and shared
//! by every merge; `A` learns only what tells merges apart. Both heads' last layers start at 0.
//!
//! So an untrained network is exactly C-Link's greedy (merge the best pair while its reward is
//! positive), and whatever it gains over C-Link it owes to training. Inference is plain `f32`
//! (the same on native and wasm); training uses the backward pass of [`crate::nn::mlp`].

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

use super::features::{FeatureSet, Observation, NODE_FEATURES};
use crate::leader::error::{Error, Result};
use crate::nn::mlp::{Activations, Mlp};

/// The network's shape and how much of the structure it reads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct GraphConfig {
    /// Width of the coalition embeddings and of the scorer's hidden layer, 16.
    pub hidden: usize,
    /// Rounds of message passing, 2.
    pub rounds: usize,
    /// Each coalition's neighbours in the merge graph (its best merges by reward), 4.
    pub neighbours: usize,
    /// Candidate merges scored per step (the best by reward, the greedy one among them), 16.
    pub candidates: usize,
    /// What each candidate merge reads beyond the first set, by default the next merge's gain
    /// ([`FeatureSet::NextMergeGain`]): the next merge doubled the gain over C-Link on the
    /// validation instances for about a third more time at 100 agents, and its gain over the
    /// sides' best other merges put more instances at or above C-Link (RESULTS.md).
    pub features: FeatureSet,
}

impl Default for GraphConfig {
    fn default() -> Self {
        Self {
            hidden: 16,
            rounds: 2,
            neighbours: 4,
            candidates: 16,
            features: FeatureSet::default(),
        }
    }
}

impl GraphConfig {
    /// Numbers per candidate merge ([`FeatureSet::edge_features`]).
    pub fn edge_features(&self) -> usize {
        self.features.edge_features()
    }

    /// The feature set's version, recorded in weight files ([`FeatureSet::version`]).
    pub fn features_version(&self) -> &'static str {
        self.features.version()
    }

    /// Checks the shape is usable, naming what is not.
    pub fn validate(&self) -> Result<()> {
        let bad = |what: &str| Err(Error::BadParams(what.to_string()));
        if self.hidden == 0 || self.hidden > 1024 {
            return bad("the graph leader's hidden width must be 1 to 1024");
        }
        if self.rounds > 8 {
            return bad("the graph leader takes at most 8 rounds of message passing");
        }
        if self.neighbours == 0 || self.neighbours > 64 {
            return bad("the graph leader's merge graph needs 1 to 64 neighbours per coalition");
        }
        if self.candidates == 0 || self.candidates > 4096 {
            return bad("the graph leader scores 1 to 4096 candidate merges per step");
        }
        Ok(())
    }
}

/// The graph leader's parameters.
#[derive(Clone, Debug, PartialEq)]
pub struct GraphNetwork {
    config: GraphConfig,
    /// `E`: node features → embedding.
    encoder: Mlp,
    /// `Wʳ`: `[h; mean of neighbours' h]` → the next embedding, one per round.
    rounds: Vec<Mlp>,
    /// The merge's part: `[h_a + h_b; h_a ⊙ h_b; edge features]` → hidden → 1.
    scorer: Mlp,
    /// The state value: the mean embedding → hidden → 1.
    value: Mlp,
}

/// A forward pass's intermediate values, kept for the backward pass and reused between steps.
#[derive(Clone, Debug, Default)]
pub struct Pass {
    /// `m × H` embeddings after each layer (encoder, then each round).
    h: Vec<Vec<f32>>,
    /// `m × 2H` inputs of each round.
    inputs: Vec<Vec<f32>>,
    /// `candidates × (2H + edge features)`: the scorer's inputs.
    pair_inputs: Vec<f32>,
    /// The scorer's activations per candidate.
    pair_acts: Vec<Activations>,
    acts: Activations,
    /// The mean of the last embeddings, the value head's input.
    pooled: Vec<f32>,
    value_acts: Activations,
    /// Each candidate's correction.
    pub corrections: Vec<f32>,
}

/// Gradients of the loss for every parameter, shaped like [`GraphNetwork`]'s.
#[derive(Clone, Debug)]
pub struct Gradients {
    pub(crate) encoder: Vec<f32>,
    pub(crate) rounds: Vec<Vec<f32>>,
    pub(crate) scorer: Vec<f32>,
    pub(crate) value: Vec<f32>,
}

/// An MLP of `sizes` from `rng` with its last layer at zero.
fn zero_last(sizes: &[usize], rng: &mut Xoshiro256PlusPlus) -> Mlp {
    let mut params = Mlp::seeded(sizes, rng).params().to_vec();
    let last = params.len() - (sizes[sizes.len() - 2] + 1) * sizes[sizes.len() - 1];
    params[last..].iter_mut().for_each(|p| *p = 0.0);
    Mlp::from_params(sizes, params).expect("sizes match")
}

impl GraphNetwork {
    /// A network with PyTorch's init from `seed`, the scorer's last layer zero: it is C-Link.
    pub fn new(config: GraphConfig, seed: u64) -> Result<Self> {
        config.validate()?;
        let h = config.hidden;
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        let encoder = Mlp::seeded(&[NODE_FEATURES, h], &mut rng);
        let rounds = (0..config.rounds)
            .map(|_| Mlp::seeded(&[2 * h, h], &mut rng))
            .collect();
        // The heads' last layers at zero: the correction starts at exactly 0.
        let scorer = zero_last(&[2 * h + config.edge_features(), h, 1], &mut rng);
        let value = zero_last(&[h, h, 1], &mut rng);
        Ok(Self {
            config,
            encoder,
            rounds,
            scorer,
            value,
        })
    }

    /// The network from its layers' flat parameters (encoder, rounds, scorer, value head), if
    /// they fit.
    pub fn from_parts(
        config: GraphConfig,
        encoder: Vec<f32>,
        rounds: Vec<Vec<f32>>,
        scorer: Vec<f32>,
        value: Vec<f32>,
    ) -> Result<Self> {
        config.validate()?;
        let h = config.hidden;
        let shape = |what: &str| {
            Error::Weights(format!(
                "the {what} has the wrong number of parameters for hidden width {h}"
            ))
        };
        if rounds.len() != config.rounds {
            return Err(Error::Weights(format!(
                "{} rounds of message passing given, the metadata says {}",
                rounds.len(),
                config.rounds
            )));
        }
        let encoder =
            Mlp::from_params(&[NODE_FEATURES, h], encoder).ok_or_else(|| shape("encoder"))?;
        let rounds = rounds
            .into_iter()
            .map(|r| Mlp::from_params(&[2 * h, h], r).ok_or_else(|| shape("message layer")))
            .collect::<Result<Vec<_>>>()?;
        let scorer = Mlp::from_params(&[2 * h + config.edge_features(), h, 1], scorer)
            .ok_or_else(|| shape("scorer"))?;
        let value = Mlp::from_params(&[h, h, 1], value).ok_or_else(|| shape("value head"))?;
        Ok(Self {
            config,
            encoder,
            rounds,
            scorer,
            value,
        })
    }

    /// The network's shape.
    pub fn config(&self) -> &GraphConfig {
        &self.config
    }

    /// The layers: the encoder, each round's, the merge scorer.
    pub fn layers(&self) -> (&Mlp, &[Mlp], &Mlp) {
        (&self.encoder, &self.rounds, &self.scorer)
    }

    /// The state-value head.
    pub fn value_head(&self) -> &Mlp {
        &self.value
    }

    /// The number of parameters.
    pub fn parameter_count(&self) -> usize {
        self.encoder.params().len()
            + self.rounds.iter().map(|r| r.params().len()).sum::<usize>()
            + self.scorer.params().len()
            + self.value.params().len()
    }

    /// Zero gradients shaped like this network's parameters.
    pub fn zero_gradients(&self) -> Gradients {
        Gradients {
            encoder: vec![0.0; self.encoder.params().len()],
            rounds: self
                .rounds
                .iter()
                .map(|r| vec![0.0; r.params().len()])
                .collect(),
            scorer: vec![0.0; self.scorer.params().len()],
            value: vec![0.0; self.value.params().len()],
        }
    }

    /// Every candidate's correction to its normalised reward, in `pass.corrections`; `pass`
    /// keeps what [`backward`](Self::backward) needs.
    pub fn forward(&self, obs: &Observation, pass: &mut Pass) {
        let (m, h) = (obs.m, self.config.hidden);
        let layers = self.rounds.len() + 1;
        pass.h.resize_with(layers, Vec::new);
        pass.inputs.resize_with(self.rounds.len(), Vec::new);
        let h0 = &mut pass.h[0];
        h0.clear();
        for c in 0..m {
            let x = &obs.nodes[c * NODE_FEATURES..(c + 1) * NODE_FEATURES];
            let y = self.encoder.forward(x, &mut pass.acts);
            h0.extend(y.iter().map(|v| v.max(0.0)));
        }
        for (r, layer) in self.rounds.iter().enumerate() {
            let (below, above) = pass.h.split_at_mut(r + 1);
            let (prev, next) = (&below[r], &mut above[0]);
            let input = &mut pass.inputs[r];
            input.clear();
            next.clear();
            for c in 0..m {
                let start = input.len();
                input.extend_from_slice(&prev[c * h..(c + 1) * h]);
                input.resize(start + 2 * h, 0.0);
                let nb = &obs.neighbours[obs.offsets[c] as usize..obs.offsets[c + 1] as usize];
                if !nb.is_empty() {
                    let w = 1.0 / nb.len() as f32;
                    let mean = &mut input[start + h..start + 2 * h];
                    for &d in nb {
                        let d = d as usize;
                        mean.iter_mut()
                            .zip(&prev[d * h..(d + 1) * h])
                            .for_each(|(s, x)| *s += w * x);
                    }
                }
                let y = layer.forward(&input[start..start + 2 * h], &mut pass.acts);
                next.extend(y.iter().map(|v| v.max(0.0)));
            }
        }
        let top = &pass.h[layers - 1];
        pass.pooled.clear();
        pass.pooled.resize(h, 0.0);
        for c in 0..m {
            let w = 1.0 / m as f32;
            pass.pooled
                .iter_mut()
                .zip(&top[c * h..(c + 1) * h])
                .for_each(|(p, x)| *p += w * x);
        }
        let state_value = if m > 0 {
            self.value.forward(&pass.pooled, &mut pass.value_acts)[0]
        } else {
            0.0
        };
        let edges = self.config.edge_features();
        debug_assert_eq!(
            obs.edges.len(),
            obs.candidates.len() * edges,
            "observed as configured"
        );
        let width = 2 * h + edges;
        let k = obs.candidates.len();
        pass.pair_inputs.clear();
        pass.pair_acts.resize_with(k, Activations::default);
        pass.corrections.clear();
        for (e, &(a, b)) in obs.candidates.iter().enumerate() {
            let (ha, hb) = (
                &top[a as usize * h..(a as usize + 1) * h],
                &top[b as usize * h..(b as usize + 1) * h],
            );
            let start = pass.pair_inputs.len();
            pass.pair_inputs
                .extend(ha.iter().zip(hb).map(|(x, y)| x + y));
            pass.pair_inputs
                .extend(ha.iter().zip(hb).map(|(x, y)| x * y));
            pass.pair_inputs
                .extend_from_slice(&obs.edges[e * edges..(e + 1) * edges]);
            let y = self.scorer.forward(
                &pass.pair_inputs[start..start + width],
                &mut pass.pair_acts[e],
            );
            pass.corrections.push(state_value + y[0]);
        }
    }

    /// Adds to `grad` the gradient of `Σ_e dq[e] · correction_e` for the forward pass that left
    /// `pass` (`dq` holds one number per candidate; zeros are skipped).
    pub fn backward(&self, obs: &Observation, pass: &Pass, dq: &[f32], grad: &mut Gradients) {
        let (m, h) = (obs.m, self.config.hidden);
        let layers = self.rounds.len() + 1;
        let width = 2 * h + self.config.edge_features();
        let top = &pass.h[layers - 1];
        let mut dh = vec![0.0f32; m * h];
        let mut scratch: [Vec<f32>; 2] = Default::default();
        let mut dx = Vec::new();
        let mut dvalue = 0.0f32;
        for (e, &(a, b)) in obs.candidates.iter().enumerate() {
            let d = dq.get(e).copied().unwrap_or(0.0);
            if d == 0.0 {
                continue;
            }
            dvalue += d;
            let x = &pass.pair_inputs[e * width..(e + 1) * width];
            self.scorer.backward_to_input(
                x,
                &pass.pair_acts[e],
                &[d],
                &mut grad.scorer,
                &mut scratch,
                &mut dx,
            );
            let (a, b) = (a as usize, b as usize);
            for t in 0..h {
                let (sum, prod) = (dx[t], dx[h + t]);
                dh[a * h + t] += sum + prod * top[b * h + t];
                dh[b * h + t] += sum + prod * top[a * h + t];
            }
        }
        if dvalue != 0.0 && m > 0 {
            self.value.backward_to_input(
                &pass.pooled,
                &pass.value_acts,
                &[dvalue],
                &mut grad.value,
                &mut scratch,
                &mut dx,
            );
            let w = 1.0 / m as f32;
            for c in 0..m {
                for t in 0..h {
                    dh[c * h + t] += w * dx[t];
                }
            }
        }
        let empty = Activations::default();
        for r in (0..self.rounds.len()).rev() {
            let out = &pass.h[r + 1];
            let mut below = vec![0.0f32; m * h];
            for c in 0..m {
                let mut dpre: Vec<f32> = (0..h)
                    .map(|t| {
                        if out[c * h + t] > 0.0 {
                            dh[c * h + t]
                        } else {
                            0.0
                        }
                    })
                    .collect();
                if dpre.iter().all(|&v| v == 0.0) {
                    continue;
                }
                let x = &pass.inputs[r][c * 2 * h..(c + 1) * 2 * h];
                // One layer: its backward pass reads only the input, not the activations.
                self.rounds[r].backward_to_input(
                    x,
                    &empty,
                    &dpre,
                    &mut grad.rounds[r],
                    &mut scratch,
                    &mut dx,
                );
                for t in 0..h {
                    below[c * h + t] += dx[t];
                }
                let nb = &obs.neighbours[obs.offsets[c] as usize..obs.offsets[c + 1] as usize];
                if !nb.is_empty() {
                    let w = 1.0 / nb.len() as f32;
                    for &d in nb {
                        let d = d as usize;
                        for t in 0..h {
                            below[d * h + t] += w * dx[h + t];
                        }
                    }
                }
                dpre.clear();
            }
            dh = below;
        }
        let h0 = &pass.h[0];
        for c in 0..m {
            let dpre: Vec<f32> = (0..h)
                .map(|t| {
                    if h0[c * h + t] > 0.0 {
                        dh[c * h + t]
                    } else {
                        0.0
                    }
                })
                .collect();
            if dpre.iter().all(|&v| v == 0.0) {
                continue;
            }
            let x = &obs.nodes[c * NODE_FEATURES..(c + 1) * NODE_FEATURES];
            self.encoder
                .backward(x, &empty, &dpre, &mut grad.encoder, &mut scratch);
        }
    }

    /// Mutable access to the layers, for the optimiser.
    pub(crate) fn layers_mut(&mut self) -> (&mut Mlp, &mut [Mlp], &mut Mlp, &mut Mlp) {
        (
            &mut self.encoder,
            &mut self.rounds,
            &mut self.scorer,
            &mut self.value,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};
    use crate::leader::graph::features::observe;
    use crate::leader::graph::state::MergeState;
    use crate::leader::Horizon;
    use rand::Rng;

    /// An observation of a 14-agent instance two merges in, read as `config` says.
    fn observation(config: &GraphConfig) -> Observation {
        let f = Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            14,
            5,
        )
        .expect("valid");
        let mut state = MergeState::new(&f, Horizon::Full);
        state.merge(0, 3, &f);
        state.merge(2, 8, &f);
        let mut obs = Observation::default();
        observe(&state, &f, config, &mut obs);
        obs
    }

    #[test]
    fn an_untrained_network_corrects_nothing() {
        let config = GraphConfig {
            neighbours: 3,
            candidates: 8,
            ..GraphConfig::default()
        };
        let net = GraphNetwork::new(config.clone(), 4).expect("valid");
        let mut pass = Pass::default();
        net.forward(&observation(&config), &mut pass);
        assert_eq!(pass.corrections.len(), 8);
        assert!(pass.corrections.iter().all(|&c| c == 0.0));
    }

    #[test]
    fn the_backward_pass_matches_finite_differences() {
        let config = GraphConfig {
            hidden: 6,
            rounds: 2,
            neighbours: 3,
            candidates: 8,
            features: FeatureSet::NextMergeGain,
        };
        let mut net = GraphNetwork::new(config.clone(), 7).expect("valid");
        // Give the zero last layer values, so that every layer's gradient is non-zero.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        for head in [&mut net.scorer, &mut net.value] {
            let mut params = head.params().to_vec();
            params
                .iter_mut()
                .for_each(|p| *p += rng.random_range(-0.3..0.3));
            *head = Mlp::from_params(head.sizes(), params).expect("same sizes");
        }
        let obs = observation(&config);
        let dq: Vec<f32> = (0..8)
            .map(|e| {
                if e % 3 == 0 {
                    0.0
                } else {
                    0.5 - e as f32 * 0.2
                }
            })
            .collect();
        let loss = |net: &GraphNetwork| {
            let mut pass = Pass::default();
            net.forward(&obs, &mut pass);
            pass.corrections
                .iter()
                .zip(&dq)
                .map(|(c, d)| f64::from(c * d))
                .sum::<f64>()
        };
        let mut pass = Pass::default();
        net.forward(&obs, &mut pass);
        let mut grad = net.zero_gradients();
        net.backward(&obs, &pass, &dq, &mut grad);
        let mut checked = 0;
        let perturb = |net: &GraphNetwork, which: usize, k: usize, by: f32| {
            let mut n = net.clone();
            let (enc, rounds, scorer, value) = n.layers_mut();
            let mlp = match which {
                0 => enc,
                1 => &mut rounds[0],
                2 => &mut rounds[1],
                3 => scorer,
                _ => value,
            };
            let mut p = mlp.params().to_vec();
            p[k] += by;
            *mlp = Mlp::from_params(mlp.sizes(), p).expect("same sizes");
            n
        };
        for (which, g) in [
            &grad.encoder,
            &grad.rounds[0],
            &grad.rounds[1],
            &grad.scorer,
            &grad.value,
        ]
        .into_iter()
        .enumerate()
        {
            for k in (0..g.len()).step_by(7) {
                // One-sided differences that disagree mean a ReLU switches within the step:
                // no derivative to compare there.
                let step = 2e-3;
                let (up, mid, down) = (
                    loss(&perturb(&net, which, k, step)),
                    loss(&net),
                    loss(&perturb(&net, which, k, -step)),
                );
                let (fwd, bwd) = ((up - mid) / f64::from(step), (mid - down) / f64::from(step));
                if (fwd - bwd).abs() > 0.05 * fwd.abs().max(bwd.abs()) + 1e-3 {
                    continue;
                }
                let numeric = (fwd + bwd) / 2.0;
                assert!(
                    (numeric as f32 - g[k]).abs() < 2e-3 + 0.02 * g[k].abs(),
                    "layer {which} param {k}: {numeric} vs {}",
                    g[k]
                );
                checked += usize::from(g[k] != 0.0);
            }
        }
        assert!(
            checked > 20,
            "too few non-zero gradients checked: {checked}"
        );
    }
}
