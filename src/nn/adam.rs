//! Adam with global gradient-norm clipping, fused into one pass per parameter (appendix D.4:
//! Adam, learning rate 1e-3, gradients clipped to norm 40).
//!
//! Why not candle-nn's `AdamW`: it builds a dozen temporary tensors per parameter and step, and
//! at `M = 100` the first layer has 1.3 M weights, so those temporaries (and clipping, two more
//! per parameter) cost more than the network's forward and backward passes together. This one
//! reads each gradient once, keeps the moments as plain vectors and writes each parameter once.
//! The arithmetic is candle-nn's `AdamW` with no weight decay (PyTorch's Adam): bias-corrected
//! moments, `θ ← θ − lr · m̂ / (√v̂ + ε)`.

use candle_core::backprop::GradStore;
use candle_core::{Tensor, Var};
use serde::{Deserialize, Serialize};

use super::error::Result;

/// Adam's settings; `Default` holds the paper's and PyTorch's.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct AdamParams {
    /// Learning rate, 1e-3.
    pub learning_rate: f64,
    /// Decay of the first moment, 0.9.
    pub beta1: f64,
    /// Decay of the second moment, 0.999.
    pub beta2: f64,
    /// Added to `√v̂`, 1e-8.
    pub eps: f64,
    /// Largest global L2 norm of the gradient; larger gradients are scaled down to it.
    pub grad_clip: f64,
}

impl Default for AdamParams {
    fn default() -> Self {
        Self {
            learning_rate: 1e-3,
            beta1: 0.9,
            beta2: 0.999,
            eps: 1e-8,
            grad_clip: 40.0,
        }
    }
}

/// The optimiser's moments and step count, for checkpoints.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AdamState {
    /// First moments, one vector per variable.
    pub first: Vec<Vec<f32>>,
    /// Second moments.
    pub second: Vec<Vec<f32>>,
    /// Steps taken (for the bias correction).
    pub steps: i32,
}

/// The optimiser's state for a list of variables.
pub struct Adam {
    vars: Vec<Var>,
    first: Vec<Vec<f32>>,
    second: Vec<Vec<f32>>,
    steps: i32,
    params: AdamParams,
}

impl Adam {
    /// Zero moments for `vars` (all `f32`).
    pub fn new(vars: Vec<Var>, params: AdamParams) -> Self {
        let zeros = |v: &Var| vec![0.0f32; v.elem_count()];
        Self {
            first: vars.iter().map(zeros).collect(),
            second: vars.iter().map(zeros).collect(),
            vars,
            steps: 0,
            params,
        }
    }

    /// The moments and step count, to checkpoint.
    pub fn state(&self) -> AdamState {
        AdamState {
            first: self.first.clone(),
            second: self.second.clone(),
            steps: self.steps,
        }
    }

    /// An optimiser for `vars` that continues from a checkpointed `state`, refused if its
    /// moments do not fit the variables.
    pub fn restore(vars: Vec<Var>, params: AdamParams, state: AdamState) -> Result<Self> {
        let fits = |moments: &[Vec<f32>]| {
            moments.len() == vars.len()
                && moments
                    .iter()
                    .zip(&vars)
                    .all(|(m, v)| m.len() == v.elem_count())
        };
        if !fits(&state.first) || !fits(&state.second) {
            return Err(crate::nn::Error::Weights(
                "the checkpoint's optimiser moments do not fit the network".into(),
            ));
        }
        Ok(Self {
            vars,
            first: state.first,
            second: state.second,
            steps: state.steps,
            params,
        })
    }

    /// One step along `grads`, clipped to the global norm; returns the norm before clipping.
    /// Variables without a gradient are left alone, as in candle-nn.
    pub fn step(&mut self, grads: &GradStore) -> Result<f64> {
        let grads: Vec<Option<Vec<f32>>> = self
            .vars
            .iter()
            .map(|v| {
                grads
                    .get(v.as_tensor())
                    .map(|g| g.flatten_all()?.to_vec1::<f32>())
                    .transpose()
            })
            .collect::<candle_core::Result<_>>()?;
        let norm = grads
            .iter()
            .flatten()
            .flat_map(|g| g.iter())
            .map(|&x| f64::from(x) * f64::from(x))
            .sum::<f64>()
            .sqrt();
        let clip = if norm > self.params.grad_clip {
            (self.params.grad_clip / norm) as f32
        } else {
            1.0
        };
        self.steps += 1;
        let p = &self.params;
        let (b1, b2) = (p.beta1 as f32, p.beta2 as f32);
        let scale_m = (1.0 / (1.0 - p.beta1.powi(self.steps))) as f32;
        let scale_v = (1.0 / (1.0 - p.beta2.powi(self.steps))) as f32;
        let (lr, eps) = (p.learning_rate as f32, p.eps as f32);
        for (k, grad) in grads.iter().enumerate() {
            let Some(grad) = grad else { continue };
            let var = &self.vars[k];
            let mut theta = var.as_tensor().flatten_all()?.to_vec1::<f32>()?;
            let (m, v) = (&mut self.first[k], &mut self.second[k]);
            for (((t, g), m), v) in theta
                .iter_mut()
                .zip(grad)
                .zip(m.iter_mut())
                .zip(v.iter_mut())
            {
                let g = g * clip;
                *m = *m * b1 + g * (1.0 - b1);
                *v = *v * b2 + g * g * (1.0 - b2);
                *t -= lr * ((*m * scale_m) / ((*v * scale_v).sqrt() + eps));
            }
            var.set(&Tensor::from_vec(theta, var.shape(), var.device())?)?;
        }
        Ok(norm)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use candle_core::Device;
    use candle_nn::{AdamW, Optimizer, ParamsAdamW};

    /// A quadratic loss of two variables, so the gradients are known and non-trivial.
    fn loss(a: &Var, b: &Var) -> Tensor {
        let target = Tensor::new(&[1.0f32, -2.0, 3.0], &Device::Cpu).expect("tensor");
        let d = (a.as_tensor() - &target).expect("sub");
        let e = (b.as_tensor() * 3.0).expect("mul");
        ((d.sqr().expect("sqr").sum_all().expect("sum") * 50.0).expect("mul")
            + e.sqr().expect("sqr").sum_all().expect("sum"))
        .expect("add")
    }

    fn vars() -> (Var, Var) {
        let a = Var::new(&[0.5f32, 0.0, -1.0], &Device::Cpu).expect("var");
        let b = Var::new(&[[2.0f32, -1.0]], &Device::Cpu).expect("var");
        (a, b)
    }

    #[test]
    fn equals_candle_nn_adam_when_nothing_is_clipped() {
        let (a, b) = vars();
        let (a2, b2) = vars();
        let params = AdamParams {
            learning_rate: 0.05,
            grad_clip: f64::INFINITY,
            ..Default::default()
        };
        let mut ours = Adam::new(vec![a.clone(), b.clone()], params);
        let mut theirs = AdamW::new(
            vec![a2.clone(), b2.clone()],
            ParamsAdamW {
                lr: 0.05,
                weight_decay: 0.0,
                ..Default::default()
            },
        )
        .expect("adam");
        for _ in 0..20 {
            ours.step(&loss(&a, &b).backward().expect("grads"))
                .expect("steps");
            theirs
                .step(&loss(&a2, &b2).backward().expect("grads"))
                .expect("steps");
        }
        for (x, y) in [(a, a2), (b, b2)] {
            let x = x.as_tensor().flatten_all().expect("flat").to_vec1::<f32>();
            let y = y.as_tensor().flatten_all().expect("flat").to_vec1::<f32>();
            for (p, q) in x.expect("f32").iter().zip(y.expect("f32")) {
                assert!((p - q).abs() < 1e-5, "{p} vs {q}");
            }
        }
    }

    #[test]
    fn clipping_scales_the_gradient_to_the_norm() {
        // With clipping, the first step equals a step on the gradient scaled to norm `clip`;
        // Adam's first step is ±lr whatever the scale, so compare the moments instead.
        let (a, b) = vars();
        let grads = loss(&a, &b).backward().expect("grads");
        let mut adam = Adam::new(
            vec![a, b],
            AdamParams {
                grad_clip: 1.0,
                ..Default::default()
            },
        );
        let norm = adam.step(&grads).expect("steps");
        assert!(norm > 1.0, "the test needs a large gradient, got {norm}");
        let clipped: f64 = adam
            .first
            .iter()
            .flatten()
            .map(|&m| f64::from(m / 0.1).powi(2))
            .sum::<f64>()
            .sqrt();
        assert!((clipped - 1.0).abs() < 1e-4, "{clipped}");
    }
}
