//! The centralised critic `Q^C(s, a, C)`: **one** network shared by every coalition, reading the
//! global state, every agent's one-hot action and the coalition's membership mask, and
//! estimating the coalition's discounted return from there (appendix D.4: "followers within the
//! same coalition share critic parameters").
//!
//! One network with a mask rather than one network per coalition is what makes appendix D.5's
//! "the critic persists across coalition structures" well defined: a coalition the leader has
//! never formed still has a critic, the one every earlier coalition trained. A target copy
//! follows it by soft updates (`τ`).

use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::core::Coalition;
use crate::followers::actor::ACTIONS;
use crate::followers::mlp::{Adam, Mlp};

/// The critic, its target and its optimiser.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Critic {
    /// `[state, one-hot actions, mask]` → hidden → hidden → `Q^C`.
    pub net: Mlp,
    /// The target network.
    pub target: Mlp,
    /// Adam's moments for `net`.
    pub adam: Adam,
}

/// Width of the critic's input for a state of `state_len` and `agents` agents.
pub fn input_len(state_len: usize, agents: usize) -> usize {
    state_len + (ACTIONS + 1) * agents
}

/// Writes the critic's input: the state, the joint action one-hot, coalition `c`'s mask.
pub fn write_input(state: &[f32], actions: &[u8], c: &Coalition, out: &mut [f32]) {
    let n = actions.len();
    let s = state.len();
    out[..s].copy_from_slice(state);
    out[s..].fill(0.0);
    for (j, &a) in actions.iter().enumerate() {
        out[action_offset(s, j) + a as usize] = 1.0;
    }
    for j in c.agents().filter(|&j| j < n) {
        out[s + ACTIONS * n + j] = 1.0;
    }
}

/// How many whole chunks of eight numbers at the start of an input written by
/// [`write_input`] stay the same whatever agent `j`'s action: those before its one-hot. The
/// critic's first layer over them is computed once for the agent's six actions
/// ([`crate::nn::mlp::Prefix`]).
pub fn unchanged_chunks(state_len: usize, j: usize) -> usize {
    action_offset(state_len, j) / 8
}

/// Where agent `j`'s one-hot action starts in an input written by [`write_input`].
fn action_offset(state_len: usize, j: usize) -> usize {
    state_len + ACTIONS * j
}

/// Changes agent `j`'s action in an input written by [`write_input`] from `from` to `to`.
pub fn swap_action(input: &mut [f32], state_len: usize, j: usize, from: u8, to: u8) {
    input[action_offset(state_len, j) + from as usize] = 0.0;
    input[action_offset(state_len, j) + to as usize] = 1.0;
}

impl Critic {
    /// A fresh critic; its target starts as a copy.
    pub fn new<R: Rng + ?Sized>(
        inputs: usize,
        hidden: usize,
        learning_rate: f32,
        grad_clip: f32,
        rng: &mut R,
    ) -> Critic {
        let net = Mlp::seeded(&[inputs, hidden, hidden, 1], rng);
        let adam = Adam::new(net.params().len(), learning_rate, grad_clip);
        Critic {
            target: net.clone(),
            net,
            adam,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_input_holds_state_actions_and_mask() {
        let mut out = vec![9.0; input_len(2, 3)];
        write_input(
            &[0.5, 0.25],
            &[0, 5, 2],
            &Coalition::from_agents([0, 2]),
            &mut out,
        );
        assert_eq!(&out[..2], &[0.5, 0.25]);
        let ones: Vec<usize> = (0..out.len()).filter(|&k| out[k] == 1.0).collect();
        assert_eq!(ones, vec![2, 2 + 6 + 5, 2 + 12 + 2, 2 + 18, 2 + 18 + 2]);
        swap_action(&mut out, 2, 1, 5, 0);
        assert_eq!((out[2 + 6], out[2 + 11]), (1.0, 0.0));
    }

    #[test]
    fn an_agents_actions_differ_only_after_its_unchanged_chunks() {
        // The 6a4t critic's layout: a state of 83 numbers, 6 agents.
        let (state_len, n) = (83, 6);
        let state: Vec<f32> = (0..state_len).map(|k| k as f32).collect();
        let c = Coalition::from_agents([1, 4]);
        for j in 0..n {
            let mut input = vec![0.0; input_len(state_len, n)];
            write_input(&state, &[3; 6], &c, &mut input);
            let before = input.clone();
            let mut from = 3;
            for to in (0..ACTIONS as u8).filter(|&a| a != 3) {
                swap_action(&mut input, state_len, j, from, to);
                from = to;
                let kept = 8 * unchanged_chunks(state_len, j);
                assert_eq!(input[..kept], before[..kept], "agent {j}, action {to}");
                assert_ne!(input, before, "agent {j}'s action {to} changed nothing");
            }
        }
    }
}
