//! A linear layer as candle variables, `y = x Wᵀ + b` with `W` of shape `[out, in]` as in
//! PyTorch and candle-nn.
//!
//! Weights are drawn from our own seeded RNG with PyTorch's default `U(−1/√fan_in, 1/√fan_in)`
//! (candle's CPU generator cannot be seeded), so that every training run repeats for a seed.

use candle_core::{DType, Device, Tensor, Var};
use rand::Rng;

use super::error::{Error, Result};

/// One linear layer's parameters.
#[derive(Clone, Debug)]
pub struct Linear {
    /// `[out, in]`.
    pub weight: Var,
    /// `[out]`.
    pub bias: Var,
}

impl Linear {
    /// A layer from `inputs` to `outputs` with PyTorch's default initialisation, drawn from
    /// `rng`: the weight row by row, then the bias.
    pub fn seeded<R: Rng + ?Sized>(inputs: usize, outputs: usize, rng: &mut R) -> Result<Self> {
        let bound = 1.0 / (inputs as f32).sqrt();
        let mut draw = |len: usize| -> Vec<f32> {
            (0..len).map(|_| rng.random_range(-bound..bound)).collect()
        };
        let weight = Tensor::from_vec(draw(inputs * outputs), (outputs, inputs), &Device::Cpu)?;
        let bias = Tensor::from_vec(draw(outputs), outputs, &Device::Cpu)?;
        Self::from_tensors(weight, bias)
    }

    /// A layer holding `weight` (`[out, in]`) and `bias` (`[out]`), converted to `f32`.
    pub fn from_tensors(weight: Tensor, bias: Tensor) -> Result<Self> {
        let (outputs, _) = weight.dims2()?;
        if bias.dims() != [outputs] {
            return Err(Error::Weights(format!(
                "a bias of shape {:?} does not fit a weight of shape {:?}",
                bias.dims(),
                weight.dims()
            )));
        }
        Ok(Self {
            weight: Var::from_tensor(&weight.to_dtype(DType::F32)?)?,
            bias: Var::from_tensor(&bias.to_dtype(DType::F32)?)?,
        })
    }

    /// `(inputs, outputs)`.
    pub fn size(&self) -> (usize, usize) {
        let dims = self.weight.dims();
        (dims[1], dims[0])
    }

    /// `x Wᵀ + b` for a batch `x` of shape `[batch, in]`.
    pub fn forward(&self, x: &Tensor) -> Result<Tensor> {
        Ok(x.matmul(&self.weight.as_tensor().t()?)?
            .broadcast_add(self.bias.as_tensor())?)
    }

    /// An independent copy with fresh storage (a target network's layer).
    pub fn deep_copy(&self) -> Result<Self> {
        Ok(Self {
            weight: Var::from_tensor(&self.weight.as_tensor().copy()?)?,
            bias: Var::from_tensor(&self.bias.as_tensor().copy()?)?,
        })
    }

    /// Overwrites this layer's parameters with `other`'s (a hard target sync).
    pub fn copy_from(&self, other: &Self) -> Result<()> {
        self.weight.set(other.weight.as_tensor())?;
        self.bias.set(other.bias.as_tensor())?;
        Ok(())
    }

    /// Moves this layer's parameters towards `other`'s: `θ ← (1 − τ)·θ + τ·θ'` (a soft target
    /// update, as MADDPG's).
    pub fn soft_update_from(&self, other: &Self, tau: f64) -> Result<()> {
        for (mine, theirs) in [(&self.weight, &other.weight), (&self.bias, &other.bias)] {
            let mixed = ((mine.as_tensor() * (1.0 - tau))? + (theirs.as_tensor() * tau)?)?;
            mine.set(&mixed)?;
        }
        Ok(())
    }

    /// Both parameters, for an optimiser.
    pub fn vars(&self) -> [Var; 2] {
        [self.weight.clone(), self.bias.clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    fn flat(l: &Linear) -> Vec<f32> {
        let mut v = l
            .weight
            .as_tensor()
            .flatten_all()
            .unwrap()
            .to_vec1::<f32>()
            .unwrap();
        v.extend(l.bias.as_tensor().to_vec1::<f32>().unwrap());
        v
    }

    #[test]
    fn the_same_seed_gives_the_same_layer_within_the_bound() {
        let draw =
            |seed| Linear::seeded(4, 3, &mut Xoshiro256PlusPlus::seed_from_u64(seed)).unwrap();
        assert_eq!(flat(&draw(5)), flat(&draw(5)));
        assert_ne!(flat(&draw(5)), flat(&draw(6)));
        // bound = 1/√4 = 0.5
        assert!(flat(&draw(5)).iter().all(|w| w.abs() < 0.5));
        assert_eq!(draw(5).size(), (4, 3));
    }

    #[test]
    fn forward_is_x_w_transposed_plus_b() {
        let w = Tensor::new(&[[1.0f32, 2.0], [0.0, -1.0], [3.0, 0.5]], &Device::Cpu).unwrap();
        let b = Tensor::new(&[0.5f32, 0.0, -1.0], &Device::Cpu).unwrap();
        let l = Linear::from_tensors(w, b).unwrap();
        let x = Tensor::new(&[[2.0f32, 1.0]], &Device::Cpu).unwrap();
        // [1·2 + 2·1 + 0.5, 0·2 − 1·1, 3·2 + 0.5·1 − 1] = [4.5, −1, 5.5]
        let y = l.forward(&x).unwrap().to_vec2::<f32>().unwrap();
        assert_eq!(y, vec![vec![4.5, -1.0, 5.5]]);
    }

    #[test]
    fn soft_updates_mix_and_copies_are_independent() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let a = Linear::seeded(2, 2, &mut rng).unwrap();
        let b = Linear::seeded(2, 2, &mut rng).unwrap();
        let target = a.deep_copy().unwrap();
        target.soft_update_from(&b, 0.25).unwrap();
        for ((t, x), y) in flat(&target).iter().zip(flat(&a)).zip(flat(&b)) {
            assert!((t - (0.75 * x + 0.25 * y)).abs() < 1e-6);
        }
        // the original did not move with its copy
        assert_ne!(flat(&a), flat(&target));
        target.copy_from(&b).unwrap();
        assert_eq!(flat(&target), flat(&b));
    }

    #[test]
    fn a_bias_that_does_not_fit_is_refused() {
        let w = Tensor::zeros((3, 2), DType::F32, &Device::Cpu).unwrap();
        let b = Tensor::zeros(2, DType::F32, &Device::Cpu).unwrap();
        assert!(Linear::from_tensors(w, b).is_err());
    }
}
