//! The followers' replay buffer: transitions of the whole grid (every agent's observation and
//! action, each agent's own reward, the global state before and after, the joint action taken
//! next), kept as flat `f32` and `u8` vectors so that a checkpoint can write them as they are.
//!
//! Rewards are kept per agent, not per coalition: a coalition's reward is summed from its
//! members' when a minibatch is drawn. Storage grows with use up to the capacity (appendix D.4's
//! 10⁶ would be gigabytes if reserved), then the oldest transition is overwritten.

use serde::{Deserialize, Serialize};

/// A ring buffer of grid transitions.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Replay {
    capacity: usize,
    agents: usize,
    obs_len: usize,
    state_len: usize,
    len: usize,
    next: usize,
    obs: Vec<f32>,
    state: Vec<f32>,
    next_state: Vec<f32>,
    actions: Vec<u8>,
    masks: Vec<u8>,
    next_actions: Vec<u8>,
    rewards: Vec<f32>,
    terminal: Vec<bool>,
}

/// One transition, borrowed from the buffer.
#[derive(Clone, Copy, Debug)]
pub struct Transition<'a> {
    /// Every agent's actor input, agent after agent.
    pub obs: &'a [f32],
    /// The critic's state before the step.
    pub state: &'a [f32],
    /// The critic's state after the step.
    pub next_state: &'a [f32],
    /// The joint action (action indices).
    pub actions: &'a [u8],
    /// Each agent's valid actions before the step (`actor::mask_of`).
    pub masks: &'a [u8],
    /// The joint action taken at the next step (unused when `terminal`).
    pub next_actions: &'a [u8],
    /// Each agent's reward.
    pub rewards: &'a [f32],
    /// Whether the episode ended with this step.
    pub terminal: bool,
}

impl Replay {
    /// An empty buffer for `capacity` transitions of `agents` agents.
    pub fn new(capacity: usize, agents: usize, obs_len: usize, state_len: usize) -> Replay {
        Replay {
            capacity: capacity.max(1),
            agents,
            obs_len,
            state_len,
            len: 0,
            next: 0,
            obs: Vec::new(),
            state: Vec::new(),
            next_state: Vec::new(),
            actions: Vec::new(),
            masks: Vec::new(),
            next_actions: Vec::new(),
            rewards: Vec::new(),
            terminal: Vec::new(),
        }
    }

    /// Transitions held.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Whether it holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Forgets every transition (keeping the storage).
    pub fn clear(&mut self) {
        self.len = 0;
        self.next = 0;
        for v in [
            &mut self.obs,
            &mut self.state,
            &mut self.next_state,
            &mut self.rewards,
        ] {
            v.clear();
        }
        self.actions.clear();
        self.masks.clear();
        self.next_actions.clear();
        self.terminal.clear();
    }

    /// Adds a transition, overwriting the oldest when full.
    pub fn push(&mut self, t: Transition<'_>) {
        fn put<T: Copy>(v: &mut Vec<T>, at: usize, width: usize, x: &[T]) {
            debug_assert_eq!(x.len(), width);
            if v.len() < (at + 1) * width {
                v.extend_from_slice(x);
            } else {
                v[at * width..(at + 1) * width].copy_from_slice(x);
            }
        }
        let (i, n) = (self.next, self.agents);
        put(&mut self.obs, i, n * self.obs_len, t.obs);
        put(&mut self.state, i, self.state_len, t.state);
        put(&mut self.next_state, i, self.state_len, t.next_state);
        put(&mut self.actions, i, n, t.actions);
        put(&mut self.masks, i, n, t.masks);
        put(&mut self.next_actions, i, n, t.next_actions);
        put(&mut self.rewards, i, n, t.rewards);
        put(&mut self.terminal, i, 1, &[t.terminal]);
        self.next = (self.next + 1) % self.capacity;
        self.len = (self.len + 1).min(self.capacity);
    }

    /// Transition `i` (`i < len`).
    pub fn get(&self, i: usize) -> Transition<'_> {
        let n = self.agents;
        let (o, s) = (n * self.obs_len, self.state_len);
        Transition {
            obs: &self.obs[i * o..(i + 1) * o],
            state: &self.state[i * s..(i + 1) * s],
            next_state: &self.next_state[i * s..(i + 1) * s],
            actions: &self.actions[i * n..(i + 1) * n],
            masks: &self.masks[i * n..(i + 1) * n],
            next_actions: &self.next_actions[i * n..(i + 1) * n],
            rewards: &self.rewards[i * n..(i + 1) * n],
            terminal: self.terminal[i],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_oldest_is_overwritten_when_full() {
        let mut r = Replay::new(2, 1, 1, 1);
        for k in 0..3u8 {
            let x = [f32::from(k)];
            r.push(Transition {
                obs: &x,
                state: &x,
                next_state: &x,
                actions: &[k],
                masks: &[k],
                next_actions: &[k],
                rewards: &x,
                terminal: k == 1,
            });
        }
        assert_eq!(r.len(), 2);
        assert_eq!(r.get(0).actions, &[2]);
        assert!(r.get(1).terminal);
        r.clear();
        assert!(r.is_empty());
    }
}
