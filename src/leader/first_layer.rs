//! The first layer of the Q-network for training: `x Wᵀ` on a minibatch of coalition structures,
//! computed on the agents that exist only, with a backward pass that computes `W`'s gradient and
//! nothing else.
//!
//! Why: the input is the `M×M` adjacency matrix, and the first layer holds `M²·H` of the
//! network's weights (1.3 M of 1.3 M at `M = 100`). Two things make candle's plain `matmul`
//! wasteful here. A structure of `n < M` agents has zeros outside the top-left `n×n` block, so
//! only `n²` of the `M²` inputs matter (the generalisation setting trains on `n` far below `M`).
//! And candle's backward of a `matmul` also computes the gradient of the input, a product as
//! large as the forward one, which no one needs. The result equals the plain product up to the
//! order of float additions (a test checks both values and gradients).

use candle_core::{CpuStorage, CustomOp1, Device, Layout, Shape, Tensor, Var};

use super::error::Result;
use super::replay::Labels;

/// A minibatch of structures as the adjacency entries of their first `k` agents:
/// `[B, k²]`, with the column of each entry in the full `M²` input.
pub struct BlockInput {
    /// `[B, k²]`: entry `i·k + j` is 1 when agents `i` and `j` share a coalition.
    x: Tensor,
    /// `k`: the most agents of any structure in the batch.
    k: usize,
}

impl BlockInput {
    /// The block input of `batch` (each structure as its agents' coalition labels).
    pub fn new(batch: &[&Labels]) -> Result<Self> {
        let k = batch.iter().map(|l| l.len()).max().unwrap_or(0).max(1);
        let mut x = vec![0.0f32; batch.len() * k * k];
        for (row, labels) in x.chunks_exact_mut(k * k).zip(batch) {
            for (a, la) in labels.iter().enumerate() {
                for (b, lb) in labels.iter().enumerate() {
                    if la == lb {
                        row[a * k + b] = 1.0;
                    }
                }
            }
        }
        Ok(Self {
            x: Tensor::from_vec(x, (batch.len(), k * k), &Device::Cpu)?,
            k,
        })
    }

    /// The columns of the full `M²` input that the block's entries stand for.
    fn columns(&self, m: usize) -> Result<Tensor> {
        let k = self.k;
        let columns: Vec<u32> = (0..k * k).map(|e| ((e / k) * m + e % k) as u32).collect();
        Ok(Tensor::from_vec(columns, k * k, &Device::Cpu)?)
    }
}

/// `x Wᵀ` for the first layer's weight `W` (`[H, M²]`, `M` = `max_agents`), differentiable
/// with respect to `W`.
pub fn first_layer(weight: &Var, max_agents: usize, input: &BlockInput) -> Result<Tensor> {
    let w = weight.as_tensor().detach();
    let m = max_agents;
    let columns = (input.k < m).then(|| input.columns(m)).transpose()?;
    let block = match &columns {
        Some(c) => w.index_select(c, 1)?,
        None => w,
    };
    let out = input.x.matmul(&block.t()?)?;
    Ok(weight.as_tensor().apply_op1(FirstLayerGrad {
        x: input.x.clone(),
        columns,
        out,
    })?)
}

/// The op that ties the precomputed product to `W` and supplies its gradient.
struct FirstLayerGrad {
    x: Tensor,
    columns: Option<Tensor>,
    out: Tensor,
}

impl CustomOp1 for FirstLayerGrad {
    fn name(&self) -> &'static str {
        "leader-first-layer"
    }

    fn cpu_fwd(
        &self,
        _weight: &CpuStorage,
        _layout: &Layout,
    ) -> candle_core::Result<(CpuStorage, Shape)> {
        let values = self.out.flatten_all()?.to_vec1::<f32>()?;
        Ok((CpuStorage::F32(values), self.out.shape().clone()))
    }

    fn bwd(
        &self,
        weight: &Tensor,
        _res: &Tensor,
        grad_res: &Tensor,
    ) -> candle_core::Result<Option<Tensor>> {
        // dL/dW[h, e] = Σ_b grad[b, h] · x[b, e], scattered back to the full input's columns.
        let block = grad_res.t()?.matmul(&self.x)?;
        Ok(Some(match &self.columns {
            Some(c) => weight.zeros_like()?.index_add(c, &block, 1)?,
            None => block,
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::CoalitionStructure;
    use crate::leader::replay::{labels, write_adjacency};

    fn close(a: &Tensor, b: &Tensor) {
        let a = a
            .flatten_all()
            .expect("flat")
            .to_vec1::<f32>()
            .expect("f32");
        let b = b
            .flatten_all()
            .expect("flat")
            .to_vec1::<f32>()
            .expect("f32");
        assert_eq!(a.len(), b.len());
        for (x, y) in a.iter().zip(&b) {
            assert!((x - y).abs() <= 1e-4 * (1.0 + y.abs()), "{x} vs {y}");
        }
    }

    #[test]
    fn equals_the_dense_product_and_its_gradient() {
        let m = 7;
        let mut a = CoalitionStructure::singletons(5);
        a.merge(0, 3).expect("legal");
        let mut b = CoalitionStructure::singletons(4);
        b.merge(1, 2).expect("legal");
        b.merge(0, 1).expect("legal");
        for batch in [
            vec![labels(&a), labels(&b)],
            vec![labels(&CoalitionStructure::grand(7))],
        ] {
            let refs: Vec<&Labels> = batch.iter().collect();
            let values: Vec<f32> = (0..3 * m * m)
                .map(|i| ((i * 37) % 11) as f32 - 5.0)
                .collect();
            let weight = Var::from_tensor(
                &Tensor::from_vec(values, (3, m * m), &Device::Cpu).expect("tensor"),
            )
            .expect("var");
            let mut dense = vec![0.0f32; refs.len() * m * m];
            for (row, l) in dense.chunks_exact_mut(m * m).zip(&refs) {
                write_adjacency(l, m, row);
            }
            let dense = Tensor::from_vec(dense, (refs.len(), m * m), &Device::Cpu).expect("x");
            let plain = dense
                .matmul(&weight.as_tensor().t().expect("t"))
                .expect("matmul");
            let ours =
                first_layer(&weight, m, &BlockInput::new(&refs).expect("block")).expect("op");
            close(&ours, &plain);
            // A loss that weighs the outputs differently, so every gradient entry is exercised.
            let weights = Tensor::from_vec(
                (0..refs.len() * 3).map(|i| i as f32 + 1.0).collect(),
                (refs.len(), 3),
                &Device::Cpu,
            )
            .expect("w");
            let loss = |t: &Tensor| (t * &weights).expect("mul").sum_all().expect("sum");
            let g_plain = loss(&plain).backward().expect("grads");
            let g_ours = loss(&ours).backward().expect("grads");
            close(
                g_ours.get(weight.as_tensor()).expect("ours"),
                g_plain.get(weight.as_tensor()).expect("plain"),
            );
        }
    }
}
