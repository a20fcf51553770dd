//! A small multilayer perceptron in plain `f32` (ReLU between layers, linear output) with its
//! backward pass, and Adam with global-norm gradient clipping over its flat parameters.
//!
//! Why not candle, as the paper's leader is: a follower's networks are tiny (tens of inputs, 64 hidden
//! units) and are called one sample at a time while acting — six actors per environment step —
//! and a few hundred samples per update. candle spends microseconds per operation on
//! dispatch and allocation whatever the tensor's size, more than the arithmetic here, which
//! would put one 6a4t structure's training far past the 5 s target (`benches/followers.rs`
//! measures both). Layers keep PyTorch's layout (`W` is `[out, in]`, row-major) and init
//! (`U(−1/√fan_in, 1/√fan_in)` for weights and biases, from our seeded stream), so weights
//! convert to candle tensors and safetensors as they are. The loops are compiled also for AVX2
//! and chosen at run time (the `multiversion` crate), with the same results to the bit: each
//! [`dot`] keeps its eight lanes and their order whatever the register width.

use rand::Rng;
use serde::{Deserialize, Serialize};

/// The network's parameters: every layer's weight then bias, flat.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Mlp {
    sizes: Vec<usize>,
    params: Vec<f32>,
}

/// Per-sample activations of a forward pass, kept for the backward pass.
#[derive(Clone, Debug, Default)]
pub struct Activations {
    /// Each layer's output (after ReLU for hidden layers).
    layers: Vec<Vec<f32>>,
}

impl Activations {
    /// The last forward pass's output.
    pub fn output(&self) -> &[f32] {
        self.layers.last().map(Vec::as_slice).unwrap_or(&[])
    }
}

/// `Σ a_i b_i` in eight lanes, so that the compiler vectorises it; `a` and `b` have the same
/// length.
#[inline]
pub fn dot(a: &[f32], b: &[f32]) -> f32 {
    debug_assert_eq!(a.len(), b.len());
    let n = a.len().min(b.len());
    let [lanes] = dot_lanes([[0.0; 8]], [&a[..n]], &b[..n], 0..usize::MAX);
    finish_dot(lanes, a, b)
}

/// [`dot`]'s lanes for `N` rows at once against one `x`: row `r`'s lane `k` adds
/// `rows[r]_i x_i` for the `i ≡ k (mod 8)` of the whole chunks of eight in `chunks` (clipped to
/// those there are), in order, onto `lanes[r]`. Each row's additions are those of a [`dot`]
/// alone, in the same order, so the sums are the same to the bit; but the `N` rows' chains of
/// additions are independent, so the processor runs them side by side instead of waiting on
/// one (a matrix-vector product four rows at a time is twice as fast as row by row). Running it
/// on `0..c` then on `c..` gives the lanes of one run on `0..`: what lets [`Prefix`] skip the
/// part of an input that did not change.
#[inline(always)]
fn dot_lanes<const N: usize>(
    mut lanes: [[f32; 8]; N],
    rows: [&[f32]; N],
    x: &[f32],
    chunks: std::ops::Range<usize>,
) -> [[f32; 8]; N] {
    let whole = x.len() / 8;
    let (from, to) = (
        chunks.start.min(whole),
        chunks.end.min(whole).max(chunks.start.min(whole)),
    );
    let x = &x[8 * from..8 * to];
    let rows = rows.map(|row| &row[8 * from..8 * to]);
    for (c, xc) in x.chunks_exact(8).enumerate() {
        for (lane, row) in lanes.iter_mut().zip(rows) {
            let wc = &row[8 * c..8 * c + 8];
            for k in 0..8 {
                lane[k] += wc[k] * xc[k];
            }
        }
    }
    lanes
}

/// [`dot`]'s end: the lanes summed in order, then the numbers after the last whole chunk.
#[inline(always)]
fn finish_dot(lanes: [f32; 8], a: &[f32], b: &[f32]) -> f32 {
    let whole = 8 * (a.len().min(b.len()) / 8);
    let mut sum: f32 = lanes.iter().sum();
    for (x, y) in a[whole..].iter().zip(&b[whole..]) {
        sum += x * y;
    }
    sum
}

/// The first layer's dot products over the first `8 · chunks` numbers of an input, lane by
/// lane, kept so that the forward pass of an input that differs only after them can start
/// there ([`Mlp::forward_from`]) with the same result to the bit. The followers' critic is
/// run on the same state with each of an agent's six actions, which sit near the end of its
/// input: the state's part of its first layer is then computed once instead of six times.
#[derive(Clone, Debug, Default)]
pub struct Prefix {
    chunks: usize,
    lanes: Vec<[f32; 8]>,
}

/// `y += alpha · x`.
#[inline]
pub fn axpy(alpha: f32, x: &[f32], y: &mut [f32]) {
    for (y, x) in y.iter_mut().zip(x) {
        *y += alpha * x;
    }
}

impl Mlp {
    /// A network with layer widths `sizes` (input first, output last), PyTorch's init drawn
    /// from `rng` layer by layer, weight row by row then bias.
    pub fn seeded<R: Rng + ?Sized>(sizes: &[usize], rng: &mut R) -> Mlp {
        let mut params = Vec::new();
        for w in sizes.windows(2) {
            let bound = 1.0 / (w[0] as f32).sqrt();
            params.extend((0..w[0] * w[1] + w[1]).map(|_| rng.random_range(-bound..bound)));
        }
        Mlp {
            sizes: sizes.to_vec(),
            params,
        }
    }

    /// A network with the given widths and flat parameters, if they fit.
    pub fn from_params(sizes: &[usize], params: Vec<f32>) -> Option<Mlp> {
        let len: usize = sizes.windows(2).map(|w| w[0] * w[1] + w[1]).sum();
        (sizes.len() >= 2 && params.len() == len).then(|| Mlp {
            sizes: sizes.to_vec(),
            params,
        })
    }

    /// Layer widths, input first.
    pub fn sizes(&self) -> &[usize] {
        &self.sizes
    }

    /// The flat parameters.
    pub fn params(&self) -> &[f32] {
        &self.params
    }

    /// Layer `l`'s `(weight, bias)` as flat slices (`weight` is `[out, in]` row-major).
    pub fn layer(&self, l: usize) -> (&[f32], &[f32]) {
        let (off, i, o) = self.offset(l);
        (
            &self.params[off..off + i * o],
            &self.params[off + i * o..off + i * o + o],
        )
    }

    /// The input width.
    pub fn inputs(&self) -> usize {
        self.sizes[0]
    }

    /// The output width.
    pub fn outputs(&self) -> usize {
        self.sizes[self.sizes.len() - 1]
    }

    fn offset(&self, l: usize) -> (usize, usize, usize) {
        let off = self.sizes[..l + 1]
            .windows(2)
            .map(|w| w[0] * w[1] + w[1])
            .sum();
        (off, self.sizes[l], self.sizes[l + 1])
    }

    /// The forward pass of one sample `x`; its output is `acts.output()`.
    pub fn forward<'a>(&self, x: &[f32], acts: &'a mut Activations) -> &'a [f32] {
        forward_layers(&self.sizes, &self.params, x, &mut acts.layers, Start::Fresh);
        acts.output()
    }

    /// [`forward`](Self::forward), also keeping in `prefix` the first layer's sums over the
    /// first `8 · chunks` numbers of `x`.
    pub fn forward_keeping<'a>(
        &self,
        x: &[f32],
        chunks: usize,
        prefix: &mut Prefix,
        acts: &'a mut Activations,
    ) -> &'a [f32] {
        prefix.chunks = chunks;
        let start = Start::Keep(prefix);
        forward_layers(&self.sizes, &self.params, x, &mut acts.layers, start);
        acts.output()
    }

    /// The forward pass of an input equal, in its first `8 · chunks` numbers, to the one
    /// [`forward_keeping`](Self::forward_keeping) kept `prefix` from (with these weights): the
    /// same output to the bit as [`forward`](Self::forward), for less work.
    pub fn forward_from<'a>(
        &self,
        x: &[f32],
        prefix: &Prefix,
        acts: &'a mut Activations,
    ) -> &'a [f32] {
        debug_assert_eq!(
            prefix.lanes.len(),
            self.sizes[1],
            "a prefix of this network"
        );
        let start = Start::From(prefix);
        forward_layers(&self.sizes, &self.params, x, &mut acts.layers, start);
        acts.output()
    }

    /// Backward pass of one sample: adds `∂(dy · output)/∂θ` to `grad` (flat, like the
    /// parameters) for the forward pass of `x` that left `acts`. `scratch` holds two buffers.
    pub fn backward(
        &self,
        x: &[f32],
        acts: &Activations,
        dy: &[f32],
        grad: &mut [f32],
        scratch: &mut [Vec<f32>; 2],
    ) {
        self.backprop(x, acts, dy, grad, scratch, None);
    }

    /// [`backward`](Self::backward), and also writes `∂(dy · output)/∂x` to `dx` (for a network
    /// whose input is computed by layers below it: the graph leader's message passing).
    pub fn backward_to_input(
        &self,
        x: &[f32],
        acts: &Activations,
        dy: &[f32],
        grad: &mut [f32],
        scratch: &mut [Vec<f32>; 2],
        dx: &mut Vec<f32>,
    ) {
        self.backprop(x, acts, dy, grad, scratch, Some(dx));
    }

    fn backprop(
        &self,
        x: &[f32],
        acts: &Activations,
        dy: &[f32],
        grad: &mut [f32],
        scratch: &mut [Vec<f32>; 2],
        dx: Option<&mut Vec<f32>>,
    ) {
        backprop_layers(
            &self.sizes,
            &self.params,
            x,
            &acts.layers,
            dy,
            grad,
            scratch,
            dx,
        );
    }

    /// `θ ← (1 − τ)·θ + τ·θ_other` (a soft target update).
    pub fn soft_update_from(&mut self, other: &Mlp, tau: f32) {
        for (t, s) in self.params.iter_mut().zip(&other.params) {
            *t += tau * (s - *t);
        }
    }
}

/// `out = W·input + b` for a layer's weights `w` (`[out.len(), input.len()]`, row-major), four
/// rows at a time ([`dot_lanes`]), each output's sum exactly [`dot`]'s; from `start`'s kept
/// lanes, or keeping them.
#[inline(always)]
fn affine(w: &[f32], b: &[f32], input: &[f32], out: &mut [f32], start: &mut Start) {
    const BLOCK: usize = 4;
    let i = input.len();
    let row = |k: usize| &w[k * i..(k + 1) * i];
    if let Start::Keep(prefix) = start {
        prefix.lanes.resize(out.len(), [0.0; 8]);
    }
    // The lanes of rows `k..k + N`: from the kept ones or from zero, kept on the way if asked.
    #[inline(always)]
    fn lanes<const N: usize>(
        k: usize,
        rows: [&[f32]; N],
        input: &[f32],
        start: &mut Start,
    ) -> [[f32; 8]; N] {
        match start {
            Start::Fresh => dot_lanes([[0.0; 8]; N], rows, input, 0..usize::MAX),
            Start::From(prefix) => {
                let kept = std::array::from_fn(|r| prefix.lanes[k + r]);
                dot_lanes(kept, rows, input, prefix.chunks..usize::MAX)
            }
            Start::Keep(prefix) => {
                let kept = dot_lanes([[0.0; 8]; N], rows, input, 0..prefix.chunks);
                prefix.lanes[k..k + N].copy_from_slice(&kept);
                dot_lanes(kept, rows, input, prefix.chunks..usize::MAX)
            }
        }
    }
    let blocked = out.len() / BLOCK * BLOCK;
    for k in (0..blocked).step_by(BLOCK) {
        let rows = std::array::from_fn(|r| row(k + r));
        let sums: [[f32; 8]; BLOCK] = lanes(k, rows, input, start);
        for r in 0..BLOCK {
            out[k + r] = b[k + r] + finish_dot(sums[r], rows[r], input);
        }
    }
    for k in blocked..out.len() {
        let [sums] = lanes(k, [row(k)], input, start);
        out[k] = b[k] + finish_dot(sums, row(k), input);
    }
}

/// Where a forward pass's first layer starts: from nothing, from nothing keeping a
/// [`Prefix`], or from a kept one.
enum Start<'a> {
    Fresh,
    Keep(&'a mut Prefix),
    From(&'a Prefix),
}

/// [`Mlp::forward`]'s arithmetic, compiled also for AVX2 and chosen at run time (the
/// `multiversion` crate): the networks' time is in these loops, and the wider registers make a
/// follower training about a quarter faster natively. The results are the same to the bit on
/// every path: each `dot` keeps its eight lanes and their order whatever the register width,
/// and Rust never fuses a multiply and an add unless asked (RESULTS.md, "Followers on the grid").
#[multiversion::multiversion(targets("x86_64+avx+avx2+fma"))]
fn forward_layers(
    sizes: &[usize],
    params: &[f32],
    x: &[f32],
    layers: &mut Vec<Vec<f32>>,
    mut start: Start,
) {
    let depth = sizes.len() - 1;
    layers.resize_with(depth, Vec::new);
    let mut off = 0;
    for l in 0..depth {
        let (i, o) = (sizes[l], sizes[l + 1]);
        let (before, rest) = layers.split_at_mut(l);
        let input = if l == 0 { x } else { &before[l - 1] };
        let out = &mut rest[0];
        out.resize(o, 0.0);
        let w = &params[off..off + i * o];
        let b = &params[off + i * o..off + i * o + o];
        let start = if l == 0 {
            &mut start
        } else {
            &mut Start::Fresh
        };
        affine(w, b, input, out, start);
        if l + 1 < depth {
            out.iter_mut().for_each(|v| *v = v.max(0.0));
        }
        off += i * o + o;
    }
}

/// `out += Wᵀ·delta` for a layer's weights `w` (`[delta.len(), inputs]`, row-major): the
/// gradient passed to the layer below, or to the input. Inlined into its multiversioned
/// callers, so that it takes their register width.
#[inline(always)]
fn add_transposed(w: &[f32], delta: &[f32], inputs: usize, out: &mut [f32]) {
    for (k, &d) in delta.iter().enumerate() {
        if d != 0.0 {
            axpy(d, &w[k * inputs..(k + 1) * inputs], out);
        }
    }
}

/// [`Mlp::backward`]'s arithmetic, multiversioned as [`forward_layers`] is.
#[allow(clippy::too_many_arguments)]
#[multiversion::multiversion(targets("x86_64+avx+avx2+fma"))]
fn backprop_layers(
    sizes: &[usize],
    params: &[f32],
    x: &[f32],
    layers: &[Vec<f32>],
    dy: &[f32],
    grad: &mut [f32],
    scratch: &mut [Vec<f32>; 2],
    mut dx: Option<&mut Vec<f32>>,
) {
    let depth = sizes.len() - 1;
    let [delta, below] = scratch;
    delta.clear();
    delta.extend_from_slice(dy);
    let mut end = params.len();
    for l in (0..depth).rev() {
        let (i, o) = (sizes[l], sizes[l + 1]);
        let off = end - (i * o + o);
        let input = if l == 0 { x } else { &layers[l - 1] };
        let (gw, gb) = grad[off..end].split_at_mut(i * o);
        for k in 0..o {
            let d = delta[k];
            if d != 0.0 {
                gb[k] += d;
                axpy(d, input, &mut gw[k * i..(k + 1) * i]);
            }
        }
        if l > 0 {
            below.clear();
            below.resize(i, 0.0);
            add_transposed(&params[off..off + i * o], delta, i, below);
            // ReLU: no gradient where the unit was off.
            for (b, a) in below.iter_mut().zip(&layers[l - 1]) {
                if *a <= 0.0 {
                    *b = 0.0;
                }
            }
            std::mem::swap(delta, below);
        } else if let Some(dx) = dx.as_deref_mut() {
            dx.clear();
            dx.resize(i, 0.0);
            add_transposed(&params[off..off + i * o], delta, i, dx);
        }
        end = off;
    }
}

/// Adam's decay of its first and second moments, and the ε beside the second (PyTorch's).
const BETA1: f32 = 0.9;
const BETA2: f32 = 0.999;
const EPSILON: f32 = 1e-8;

/// Adam's moments for one network, with its settings.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Adam {
    first: Vec<f32>,
    second: Vec<f32>,
    steps: i32,
    /// Learning rate.
    pub learning_rate: f32,
    /// Largest global L2 norm of a gradient; larger ones are scaled down to it.
    pub grad_clip: f32,
}

impl Adam {
    /// Zero moments for `len` parameters (β = 0.9, 0.999; ε = 1e-8, PyTorch's).
    pub fn new(len: usize, learning_rate: f32, grad_clip: f32) -> Adam {
        Adam {
            first: vec![0.0; len],
            second: vec![0.0; len],
            steps: 0,
            learning_rate,
            grad_clip,
        }
    }

    /// One step of `net` along `grad` (a gradient of the loss to minimise), clipped to the
    /// global norm; returns the norm before clipping.
    pub fn step(&mut self, net: &mut Mlp, grad: &[f32]) -> f32 {
        let (b1, b2) = (BETA1, BETA2);
        let norm = dot(grad, grad).sqrt();
        let scale = if norm > self.grad_clip && norm > 0.0 {
            self.grad_clip / norm
        } else {
            1.0
        };
        self.steps += 1;
        let c1 = 1.0 - b1.powi(self.steps);
        let c2 = 1.0 - b2.powi(self.steps);
        let step = AdamStep {
            scale,
            lr: self.learning_rate,
            c1,
            c2,
        };
        adam_update(
            &mut net.params,
            grad,
            &mut self.first,
            &mut self.second,
            step,
        );
        norm
    }
}

/// One Adam step's constants: the clipping scale, the learning rate, the bias corrections.
#[derive(Clone, Copy)]
struct AdamStep {
    scale: f32,
    lr: f32,
    c1: f32,
    c2: f32,
}

/// [`Adam::step`]'s update of every parameter, multiversioned as [`forward_layers`] is.
#[multiversion::multiversion(targets("x86_64+avx+avx2+fma"))]
fn adam_update(
    params: &mut [f32],
    grad: &[f32],
    first: &mut [f32],
    second: &mut [f32],
    s: AdamStep,
) {
    let (b1, b2, eps) = (BETA1, BETA2, EPSILON);
    for (((p, g), m), v) in params.iter_mut().zip(grad).zip(first).zip(second) {
        let g = g * s.scale;
        *m = b1 * *m + (1.0 - b1) * g;
        *v = b2 * *v + (1.0 - b2) * g * g;
        *p -= s.lr * (*m / s.c1) / ((*v / s.c2).sqrt() + eps);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    /// A pass's outputs as bit patterns, to compare to the bit.
    fn bits(v: &[f32]) -> Vec<u32> {
        v.iter().map(|v| v.to_bits()).collect()
    }

    /// `dot` as it was first written, one row at a time: the arithmetic every forward pass
    /// must reproduce to the bit (eight lanes over whole chunks, summed in order, then the rest).
    fn baseline_dot(a: &[f32], b: &[f32]) -> f32 {
        let mut lanes = [0.0f32; 8];
        let (ca, cb) = (a.chunks_exact(8), b.chunks_exact(8));
        let (ra, rb) = (ca.remainder(), cb.remainder());
        for (x, y) in ca.zip(cb) {
            for k in 0..8 {
                lanes[k] += x[k] * y[k];
            }
        }
        let mut sum: f32 = lanes.iter().sum();
        for (x, y) in ra.iter().zip(rb) {
            sum += x * y;
        }
        sum
    }

    /// The forward pass as it was before its loops were multiversioned and blocked four rows at
    /// a time, compiled for the baseline target only.
    fn baseline_forward(net: &Mlp, x: &[f32]) -> Vec<f32> {
        let mut input = x.to_vec();
        let mut off = 0;
        let layers = net.sizes.len() - 1;
        for l in 0..layers {
            let (i, o) = (net.sizes[l], net.sizes[l + 1]);
            let w = &net.params[off..off + i * o];
            let b = &net.params[off + i * o..off + i * o + o];
            let mut out: Vec<f32> = (0..o)
                .map(|k| b[k] + baseline_dot(&w[k * i..(k + 1) * i], &input))
                .collect();
            if l + 1 < layers {
                out.iter_mut().for_each(|v| *v = v.max(0.0));
            }
            off += i * o + o;
            input = out;
        }
        input
    }

    #[test]
    fn the_dispatched_forward_pass_gives_the_baselines_bits() {
        // Widths that are not multiples of eight exercise the lanes' remainders.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
        for sizes in [vec![13, 7, 5], vec![125, 64, 64, 1], vec![3, 17, 9, 6]] {
            let net = Mlp::seeded(&sizes, &mut rng);
            for _ in 0..5 {
                let x: Vec<f32> = (0..sizes[0]).map(|_| rng.random_range(-2.0..2.0)).collect();
                let mut acts = Activations::default();
                let got = bits(net.forward(&x, &mut acts));
                assert_eq!(got, bits(&baseline_forward(&net, &x)), "{sizes:?}");
            }
        }
    }

    #[test]
    fn dot_gives_the_baselines_bits() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        for n in [0, 1, 7, 8, 9, 16, 125] {
            let a: Vec<f32> = (0..n).map(|_| rng.random_range(-2.0..2.0)).collect();
            let b: Vec<f32> = (0..n).map(|_| rng.random_range(-2.0..2.0)).collect();
            assert_eq!(dot(&a, &b).to_bits(), baseline_dot(&a, &b).to_bits(), "{n}");
        }
    }

    #[test]
    fn a_forward_pass_from_a_kept_prefix_gives_the_same_bits() {
        // Inputs that differ only after the kept chunks, as the critic's six actions do; widths
        // and outputs that are not multiples of eight or four, and prefixes up to the whole input.
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(17);
        for (sizes, chunks) in [
            (vec![125, 64, 64, 1], 10),
            (vec![125, 64, 64, 1], 15),
            (vec![37, 7, 5], 0),
            (vec![37, 7, 5], 4),
            (vec![37, 7, 5], 9),
        ] {
            let net = Mlp::seeded(&sizes, &mut rng);
            let x: Vec<f32> = (0..sizes[0]).map(|_| rng.random_range(-2.0..2.0)).collect();
            let (mut prefix, mut acts) = (Prefix::default(), Activations::default());
            let kept = bits(net.forward_keeping(&x, chunks, &mut prefix, &mut acts));
            assert_eq!(kept, bits(&baseline_forward(&net, &x)));
            for _ in 0..4 {
                let mut y = x.clone();
                for v in &mut y[(8 * chunks).min(x.len())..] {
                    *v = rng.random_range(-2.0..2.0);
                }
                let want = bits(&baseline_forward(&net, &y));
                let got = bits(net.forward_from(&y, &prefix, &mut acts));
                assert_eq!(got, want, "{sizes:?} from chunk {chunks}");
                // The kept part is read from the prefix, not from the input.
                if chunks > 0 {
                    y[0] += 100.0;
                    let again = bits(net.forward_from(&y, &prefix, &mut acts));
                    assert_eq!(again, want);
                }
            }
        }
    }

    #[test]
    fn the_backward_pass_matches_finite_differences() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
        let net = Mlp::seeded(&[5, 7, 4, 3], &mut rng);
        let x: Vec<f32> = (0..5).map(|_| rng.random_range(-1.0..1.0)).collect();
        let dy = [0.3f32, -1.0, 0.7];
        let loss = |n: &Mlp| {
            let mut a = Activations::default();
            let y = n.forward(&x, &mut a).to_vec();
            y.iter().zip(&dy).map(|(a, b)| a * b).sum::<f32>()
        };
        let mut acts = Activations::default();
        net.forward(&x, &mut acts);
        let mut grad = vec![0.0; net.params().len()];
        net.backward(&x, &acts, &dy, &mut grad, &mut Default::default());
        for k in (0..grad.len()).step_by(3) {
            let (mut up, mut down) = (net.clone(), net.clone());
            up.params[k] += 1e-3;
            down.params[k] -= 1e-3;
            let numeric = (loss(&up) - loss(&down)) / 2e-3;
            assert!(
                (numeric - grad[k]).abs() < 2e-3,
                "param {k}: {numeric} vs {}",
                grad[k]
            );
        }
    }

    #[test]
    fn the_input_gradient_matches_finite_differences() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
        let net = Mlp::seeded(&[4, 6, 2], &mut rng);
        let x: Vec<f32> = (0..4).map(|_| rng.random_range(-1.0..1.0)).collect();
        let dy = [0.5f32, -0.8];
        let loss = |x: &[f32]| {
            let mut a = Activations::default();
            let y = net.forward(x, &mut a).to_vec();
            y.iter().zip(&dy).map(|(a, b)| a * b).sum::<f32>()
        };
        let mut acts = Activations::default();
        net.forward(&x, &mut acts);
        let (mut grad, mut dx) = (vec![0.0; net.params().len()], Vec::new());
        net.backward_to_input(&x, &acts, &dy, &mut grad, &mut Default::default(), &mut dx);
        for k in 0..4 {
            let (mut up, mut down) = (x.clone(), x.clone());
            up[k] += 1e-3;
            down[k] -= 1e-3;
            let numeric = (loss(&up) - loss(&down)) / 2e-3;
            assert!(
                (numeric - dx[k]).abs() < 2e-3,
                "input {k}: {numeric} vs {}",
                dx[k]
            );
        }
    }

    #[test]
    fn adam_fits_a_line_and_clips() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
        let mut net = Mlp::seeded(&[1, 1], &mut rng);
        let mut adam = Adam::new(2, 0.05, 1.0);
        let mut acts = Activations::default();
        for _ in 0..2000 {
            let mut grad = vec![0.0; 2];
            for x in [-1.0f32, 0.0, 1.0, 2.0] {
                let y = net.forward(&[x], &mut acts)[0];
                let target = 3.0 * x - 1.0;
                net.backward(
                    &[x],
                    &acts,
                    &[y - target],
                    &mut grad,
                    &mut Default::default(),
                );
            }
            adam.step(&mut net, &grad);
        }
        assert!((net.params()[0] - 3.0).abs() < 1e-2 && (net.params()[1] + 1.0).abs() < 1e-2);
        let before = net.params().to_vec();
        let mut small = Adam::new(2, 0.1, 1e-3);
        assert!(small.step(&mut net, &[1e6, 0.0]) > 1e5);
        assert!((net.params()[0] - before[0]).abs() <= 0.1 + 1e-6);
    }
}
