//! A follower's actor: a categorical policy `π(a | o_i)` over the six LBF actions, an MLP from
//! the agent's observation (`features`) to six logits, and the gradient of its objective.
//!
//! The policy is restricted to the agent's valid actions (a mask from the grid, [`mask_of`]).
//! The actor's gradient is the **exact expectation over its own valid actions** (not
//! Gumbel-softmax): the objective for agent `i` in coalition `C` at a replayed state is
//! `J = Σ_a π(a | o_i) Q^C(s, a_{−i}, a) + β·H(π)`, whose gradient in the logits is
//! `∂J/∂z_k = π_k (Q_k − Σ_a π_a Q_a) − β π_k (log π_k + H)` (zero for a masked action, whose
//! `π_k` is 0). One critic evaluation per valid action and sample buys a gradient with no
//! sampling noise in the agent's own action; the entropy bonus `β` keeps the policy exploring
//! while the critic is still wrong.

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::followers::mlp::{Activations, Adam, Mlp};
use crate::lbf::Action;

/// The six actions.
pub const ACTIONS: usize = 6;

/// One agent's policy network and its optimiser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Actor {
    /// observation → hidden → hidden → six logits.
    pub net: Mlp,
    /// Adam's moments for `net`.
    pub adam: Adam,
}

impl Actor {
    /// A fresh actor (PyTorch init from `rng`).
    pub fn new<R: Rng + ?Sized>(
        inputs: usize,
        hidden: usize,
        learning_rate: f32,
        grad_clip: f32,
        rng: &mut R,
    ) -> Actor {
        let net = Mlp::seeded(&[inputs, hidden, hidden, ACTIONS], rng);
        let adam = Adam::new(net.params().len(), learning_rate, grad_clip);
        Actor { net, adam }
    }

    /// `π(· | x)` over the actions `mask` allows (see [`mask_of`]; the others get 0); `acts`
    /// keeps the forward pass for a backward one.
    pub fn probabilities(&self, x: &[f32], mask: u8, acts: &mut Activations) -> [f32; ACTIONS] {
        masked_softmax(self.net.forward(x, acts), mask)
    }
}

/// The bit mask of `valid` actions (bit `k` for action index `k`): the grid's valid actions
/// for an agent, which its policy is restricted to. An invalid action would be played as NONE
/// anyway; without the mask a follower spends most of its LOADs where nothing can be loaded,
/// and the critic must learn from positions alone whether a LOAD it reads was real.
pub fn mask_of(valid: &[Action]) -> u8 {
    valid.iter().fold(0, |m, a| m | 1 << a.index())
}

/// Every action allowed.
pub const ALL_ACTIONS: u8 = (1 << ACTIONS) - 1;

/// The softmax of six logits restricted to the actions in `mask` (all six if `mask` allows
/// none).
pub fn masked_softmax(logits: &[f32], mask: u8) -> [f32; ACTIONS] {
    let mask = if mask & ALL_ACTIONS == 0 {
        ALL_ACTIONS
    } else {
        mask
    };
    let allowed = |k: usize| mask >> k & 1 == 1;
    let top = (0..ACTIONS)
        .filter(|&k| allowed(k))
        .map(|k| logits[k])
        .fold(f32::NEG_INFINITY, f32::max);
    let mut p = [0.0; ACTIONS];
    let mut sum = 0.0;
    for (k, p) in p.iter_mut().enumerate() {
        if allowed(k) {
            *p = (logits[k] - top).exp();
            sum += *p;
        }
    }
    p.iter_mut().for_each(|p| *p /= sum);
    p
}

/// The softmax of six logits (shifted by their maximum, so it never overflows).
pub fn softmax(logits: &[f32]) -> [f32; ACTIONS] {
    let top = logits.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut p = [0.0; ACTIONS];
    let mut sum = 0.0;
    for (p, z) in p.iter_mut().zip(logits) {
        *p = (z - top).exp();
        sum += *p;
    }
    p.iter_mut().for_each(|p| *p /= sum);
    p
}

/// An action index drawn from `p`.
pub fn sample<R: Rng + ?Sized>(p: &[f32; ACTIONS], rng: &mut R) -> usize {
    let u: f32 = rng.random();
    let mut acc = 0.0;
    for (k, &pk) in p.iter().enumerate() {
        acc += pk;
        if u < acc {
            return k;
        }
    }
    p.iter().rposition(|&pk| pk > 0.0).unwrap_or(ACTIONS - 1)
}

/// The most probable action (lowest index on ties).
pub fn greedy(p: &[f32; ACTIONS]) -> usize {
    (0..ACTIONS)
        .max_by(|&a, &b| p[a].total_cmp(&p[b]).then(b.cmp(&a)))
        .unwrap_or(0)
}

/// `∂(−J)/∂z` for the module doc's objective, given `π` and the six `Q_k` (a loss gradient, to
/// be minimised).
pub fn loss_gradient(p: &[f32; ACTIONS], q: &[f32; ACTIONS], entropy: f32) -> [f32; ACTIONS] {
    let mean: f32 = p.iter().zip(q).map(|(p, q)| p * q).sum();
    // Masked actions have p = 0: no gradient, no entropy term.
    let logs = p.map(|p| p.max(1e-12).ln());
    let h: f32 = -p.iter().zip(&logs).map(|(p, l)| p * l).sum::<f32>();
    let mut g = [0.0; ACTIONS];
    for k in 0..ACTIONS {
        let dj = p[k] * (q[k] - mean) - entropy * p[k] * (logs[k] + h);
        g[k] = -dj;
    }
    g
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_gradient_matches_finite_differences_of_the_objective() {
        let z = [0.3f32, -1.0, 0.5, 0.0, 2.0, -0.2];
        let q = [1.0f32, 0.0, 3.0, -1.0, 0.5, 2.0];
        let beta = 0.1;
        let objective = |z: &[f32; 6]| {
            let p = softmax(z);
            let h: f32 = -p.iter().map(|p| p * p.ln()).sum::<f32>();
            p.iter().zip(&q).map(|(p, q)| p * q).sum::<f32>() + beta * h
        };
        let g = loss_gradient(&softmax(&z), &q, beta);
        for k in 0..6 {
            let (mut up, mut down) = (z, z);
            up[k] += 1e-3;
            down[k] -= 1e-3;
            let numeric = (objective(&up) - objective(&down)) / 2e-3;
            assert!((numeric + g[k]).abs() < 1e-3, "{k}: {numeric} vs {}", -g[k]);
        }
    }

    #[test]
    fn sampling_follows_the_probabilities_and_greedy_takes_the_top() {
        use rand::SeedableRng;
        let p = [0.0, 0.5, 0.0, 0.0, 0.5, 0.0];
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(1);
        let draws: Vec<usize> = (0..200).map(|_| sample(&p, &mut rng)).collect();
        assert!(draws.iter().all(|&a| a == 1 || a == 4));
        assert!(draws.iter().filter(|&&a| a == 1).count() > 60);
        assert_eq!(greedy(&p), 1);
        let valid = [Action::None, Action::West, Action::Load];
        let m = mask_of(&valid);
        assert_eq!(m, 0b10_1001);
        let q = masked_softmax(&[5.0, 9.0, 9.0, 1.0, 9.0, 1.0], m);
        assert_eq!((q[1], q[2], q[4]), (0.0, 0.0, 0.0));
        assert!((q.iter().sum::<f32>() - 1.0).abs() < 1e-6 && q[0] > q[3]);
        assert_eq!(masked_softmax(&[0.0; 6], 0), [1.0 / 6.0; 6]);
        assert_eq!(greedy(&[0.1, 0.1, 0.6, 0.1, 0.05, 0.05]), 2);
    }
}
