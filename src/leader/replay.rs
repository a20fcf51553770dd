//! The DQN's replay buffer (appendix D.4: 10 000 transitions).
//!
//! States are stored compactly, as each agent's coalition index, and expanded to the `M×M`
//! adjacency matrix only when a minibatch is drawn: a stored matrix would cost `M²` floats per
//! transition (400 MB for 10 000 transitions at `M = 100`).

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::gains::PackedGains;
use super::mdp::Action;
use crate::core::CoalitionStructure;

/// A coalition structure as the coalition index of each agent.
pub type Labels = Vec<u16>;

/// Each agent's coalition index in `cs`.
pub fn labels(cs: &CoalitionStructure) -> Labels {
    let mut out = vec![0u16; cs.agents()];
    for (k, c) in cs.coalitions().iter().enumerate() {
        for a in c.agents() {
            out[a] = k as u16;
        }
    }
    out
}

/// Writes the `m×m` adjacency matrix of `labels` into `row` (length `m²`, zeroed by the caller).
pub fn write_adjacency(labels: &Labels, m: usize, row: &mut [f32]) {
    for (a, la) in labels.iter().enumerate() {
        for (b, lb) in labels.iter().enumerate() {
            if la == lb {
                row[a * m + b] = 1.0;
            }
        }
    }
}

/// One step of experience.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Transition {
    /// The state before the action.
    pub state: Labels,
    /// The action taken.
    pub action: Action,
    /// `v(CS') − v(CS)`.
    pub reward: f64,
    /// The state after it.
    pub next: Labels,
    /// Coalitions in the next state: its legal indices for the backup's mask.
    pub next_coalitions: usize,
    /// The next state's merge rewards, for the gain scorer's backup (empty for the others).
    pub next_gains: PackedGains,
    /// Whether the episode ended with this step (no bootstrap).
    pub done: bool,
    /// The discounted return from this step to the end of its episode, once the episode is
    /// over (`None` before): a lower bound on `Q*(s, a)` in this deterministic MDP.
    pub return_to_go: Option<f64>,
}

/// A ring buffer of the most recent transitions.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct ReplayBuffer {
    capacity: usize,
    items: Vec<Transition>,
    next: usize,
}

impl ReplayBuffer {
    /// An empty buffer holding at most `capacity` transitions.
    pub fn new(capacity: usize) -> Self {
        Self {
            capacity: capacity.max(1),
            items: Vec::new(),
            next: 0,
        }
    }

    /// Adds a transition, replacing the oldest when full.
    pub fn push(&mut self, t: Transition) {
        if self.items.len() < self.capacity {
            self.items.push(t);
        } else {
            self.items[self.next] = t;
        }
        self.next = (self.next + 1) % self.capacity;
    }

    /// The transition pushed `back` pushes ago (0: the latest), if still held.
    pub fn recent_mut(&mut self, back: usize) -> Option<&mut Transition> {
        if back >= self.items.len() {
            return None;
        }
        let k = (self.next + self.capacity - 1 - back) % self.capacity;
        self.items.get_mut(k)
    }

    /// Transitions held.
    pub fn len(&self) -> usize {
        self.items.len()
    }

    /// Whether nothing is held yet.
    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `size` transitions drawn uniformly with replacement.
    pub fn sample<'a, R: Rng>(&'a self, size: usize, rng: &mut R) -> Vec<&'a Transition> {
        (0..size)
            .map(|_| &self.items[rng.random_range(0..self.items.len())])
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A final null-action step with the given reward.
    fn stop_with_reward(r: f64) -> Transition {
        Transition {
            state: vec![],
            action: Action::Stop,
            reward: r,
            next: vec![],
            next_coalitions: 0,
            next_gains: PackedGains::empty(),
            done: true,
            return_to_go: None,
        }
    }

    #[test]
    fn labels_expand_to_the_structures_adjacency() {
        let mut cs = CoalitionStructure::singletons(5);
        cs.merge(1, 3).expect("legal");
        cs.merge(0, 3).expect("legal");
        let mut row = vec![0.0; 36];
        write_adjacency(&labels(&cs), 6, &mut row);
        assert_eq!(row, cs.to_adjacency(6).expect("m >= n"));
    }

    #[test]
    fn the_oldest_transition_is_replaced() {
        let mut buf = ReplayBuffer::new(2);
        for r in [1.0, 2.0, 3.0] {
            buf.push(stop_with_reward(r));
        }
        let rewards: Vec<f64> = buf.items.iter().map(|t| t.reward).collect();
        assert_eq!(rewards, vec![3.0, 2.0]);
    }

    #[test]
    fn recent_transitions_are_reached_newest_first() {
        let mut buf = ReplayBuffer::new(3);
        buf.push(stop_with_reward(1.0));
        buf.push(stop_with_reward(2.0));
        assert_eq!(buf.recent_mut(0).map(|t| t.reward), Some(2.0));
        assert_eq!(buf.recent_mut(1).map(|t| t.reward), Some(1.0));
        assert!(buf.recent_mut(2).is_none());
        for r in [3.0, 4.0, 5.0] {
            buf.push(stop_with_reward(r));
        }
        let newest: Vec<f64> = (0..3)
            .filter_map(|k| buf.recent_mut(k).map(|t| t.reward))
            .collect();
        assert_eq!(newest, vec![5.0, 4.0, 3.0]);
        assert!(buf.recent_mut(3).is_none());
    }
}
