//! The leader's MDP as the graph leader sees it (paper section 4.1, with values): a coalition
//! structure reached by merges from all singletons, every pair's merge reward kept in a table,
//! and the instance's scales that make rewards comparable across sizes and distributions.
//!
//! Coalitions sit in fixed slots, the slot of their smallest member, as in C-Link
//! (`algorithms::clink`): a merge keeps the lower slot, frees the higher one and recomputes one
//! row of rewards (`m` value calls). The structure's order of coalitions (smallest member) is the
//! order of the live slots, so indices `i < j` here are [`Action::Merge`](crate::leader::Action)'s.

use std::cell::RefCell;

use crate::core::{CharacteristicFunction, Coalition, CoalitionStructure, Step};
use crate::leader::mdp::{merge_ends, Horizon};

/// A structure in the making, with every pair's merge reward.
#[derive(Clone, Debug)]
pub struct MergeState {
    n: usize,
    /// The coalition in each slot (stale for freed slots).
    coalitions: Vec<Coalition>,
    /// `v` of each slot's coalition.
    values: Vec<f64>,
    /// The live slots in the structure's order.
    alive: Vec<usize>,
    /// `n×n` by slot: `v(C_a ∪ C_b) − v(C_a) − v(C_b)`.
    rewards: Vec<f64>,
    reward_scale: f64,
    value_scale: f64,
    steps_left: usize,
    value: f64,
    /// How many best partners each coalition's list keeps (0: none kept).
    track: usize,
    /// By slot: the best partners' `(reward, slot)`, best first (ties: the smaller slot).
    lists: Vec<Vec<(f64, usize)>>,
    /// By slot: how many of the coalition's merges pay (reward > 0).
    paying: Vec<usize>,
    /// While tracked, the next merges asked for ([`next_merge`](Self::next_merge)), kept up to
    /// date merge by merge. A cache (filled while observing, which reads the state), hence the
    /// cell.
    next: RefCell<Vec<NextMerge>>,
}

/// The merges a pair's union could make next.
#[derive(Clone, Debug)]
struct NextMerge {
    /// The pair's slots, `a < b`.
    key: (usize, usize),
    /// `v(C_a ∪ C_b)`.
    value: f64,
    /// By slot: the merge reward of `C_a ∪ C_b` with that slot's coalition (stale for `a`,
    /// `b` and freed slots); the rewards the new coalition would have if the pair merged.
    row: Vec<f64>,
    /// The largest of them over the live slots (−∞ if none).
    best: f64,
}

/// Whether `(r1, slot1)` ranks before `(r2, slot2)` in a coalition's list.
fn ranks_before(a: (f64, usize), b: (f64, usize)) -> bool {
    match a.0.total_cmp(&b.0) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => a.1 < b.1,
    }
}

/// A positive scale: the mean of the positive numbers, else of the magnitudes, else 1.
fn scale_of(numbers: impl Iterator<Item = f64> + Clone) -> f64 {
    let (mut pos, mut pos_count, mut abs, mut count) = (0.0, 0usize, 0.0, 0usize);
    for x in numbers {
        if x.is_finite() {
            if x > 0.0 {
                pos += x;
                pos_count += 1;
            }
            abs += x.abs();
            count += 1;
        }
    }
    let s = if pos_count > 0 {
        pos / pos_count as f64
    } else if count > 0 {
        abs / count as f64
    } else {
        1.0
    };
    if s.is_finite() && s > 0.0 {
        s
    } else {
        1.0
    }
}

impl MergeState {
    /// All singletons of `f`'s agents, lasting at most `horizon` merges.
    ///
    /// The reward scale is the mean positive reward at this first step (ECO-DQN's normalised
    /// gains): it makes a reward of 1 mean "a typical good first merge" at any size and on any
    /// distribution. The value scale is the mean magnitude of the singletons' values.
    pub fn new<F: CharacteristicFunction + ?Sized>(f: &F, horizon: Horizon) -> Self {
        let n = f.agents();
        let coalitions: Vec<Coalition> = (0..n).map(Coalition::singleton).collect();
        let values: Vec<f64> = coalitions.iter().map(|c| f.value(c)).collect();
        let mut rewards = vec![0.0; n * n];
        for a in 0..n {
            for b in a + 1..n {
                // The formula of `CharacteristicFunction::merge_reward` and C-Link's, with the
                // two coalitions' values read from the table instead of asked again.
                let r = f.value(&coalitions[a].union(&coalitions[b])) - values[a] - values[b];
                rewards[a * n + b] = r;
                rewards[b * n + a] = r;
            }
        }
        let pairs = (0..n).flat_map(|a| (a + 1..n).map(move |b| (a, b)));
        let reward_scale = scale_of(pairs.map(|(a, b)| rewards[a * n + b]));
        let value_scale = scale_of(values.iter().map(|v| v.abs()));
        let value = values.iter().sum();
        Self {
            n,
            coalitions,
            values,
            alive: (0..n).collect(),
            rewards,
            reward_scale,
            value_scale,
            steps_left: horizon.steps(n),
            value,
            track: 0,
            lists: Vec::new(),
            paying: Vec::new(),
            next: RefCell::default(),
        }
    }

    /// Keeps, from now on, each coalition's `len` best partners and its number of paying merges
    /// up to date merge by merge (what [`observe`](super::features::observe) reads instead of
    /// scanning every pair at every step: a merge changes two entries of each row, so most
    /// lists change by one insertion or not at all).
    pub fn tracking(mut self, len: usize) -> Self {
        self.track = len;
        self.lists = vec![Vec::new(); self.n];
        self.paying = vec![0; self.n];
        for a in self.alive.clone() {
            self.rebuild_list(a);
        }
        self
    }

    /// How many best partners each coalition's list keeps (0: none).
    pub fn tracked(&self) -> usize {
        self.track
    }

    /// Coalition `i`'s best partners as `(reward, slot)` and its number of paying merges, when
    /// tracked.
    pub(crate) fn partners(&self, i: usize) -> (&[(f64, usize)], usize) {
        let a = self.alive[i];
        (&self.lists[a], self.paying[a])
    }

    fn rebuild_list(&mut self, a: usize) {
        // Twice the length needed: partners that leave or change then shorten the list without
        // a rebuild until fewer than `track` are left.
        let (n, cap) = (self.n, 2 * self.track);
        let row = &self.rewards[a * n..(a + 1) * n];
        let list = &mut self.lists[a];
        list.clear();
        let mut paying = 0;
        for &s in &self.alive {
            if s == a {
                continue;
            }
            let r = row[s];
            paying += usize::from(r > 0.0);
            // Slots come in increasing order: an equal reward ranks after the kept ones.
            if list.len() < cap || r.total_cmp(&list[list.len() - 1].0).is_gt() {
                let at = list
                    .iter()
                    .position(|&x| ranks_before((r, s), x))
                    .unwrap_or(list.len());
                list.insert(at, (r, s));
                list.truncate(cap);
            }
        }
        self.paying[a] = paying;
    }

    /// The best merge reward the coalition made by merging `i` and `j` would have next, with any
    /// other coalition (−∞ if none is left): what a merge sets up one step ahead (the graph
    /// leader's next-merge feature). `m` value calls. While tracked, kept between steps for the
    /// pairs asked for: a merge then costs each kept pair one value call (its reward with the
    /// merged coalition), and merging a kept pair reuses its rewards instead of asking again.
    pub fn next_merge<F: CharacteristicFunction + ?Sized>(&self, f: &F, i: usize, j: usize) -> f64 {
        let key = self.slot_pair(i, j);
        if self.track > 0 {
            if let Some(e) = self.next.borrow().iter().find(|e| e.key == key) {
                return e.best;
            }
        }
        let union = self.coalitions[key.0].union(&self.coalitions[key.1]);
        // As `merge` computes the merged coalition's rewards, so that it can take them as they are.
        let v = f.value(&union);
        let mut row = vec![f64::NEG_INFINITY; if self.track > 0 { self.n } else { 0 }];
        let mut best = f64::NEG_INFINITY;
        for &s in self.alive.iter().filter(|&&s| s != key.0 && s != key.1) {
            let gain = f.value(&union.union(&self.coalitions[s])) - v - self.values[s];
            best = best.max(gain);
            if let Some(x) = row.get_mut(s) {
                *x = gain;
            }
        }
        if self.track > 0 {
            self.next.borrow_mut().push(NextMerge {
                key,
                value: v,
                row,
                best,
            });
        }
        best
    }

    /// The slots of coalitions `i` and `j`, the smaller first: a kept next merge's key.
    fn slot_pair(&self, i: usize, j: usize) -> (usize, usize) {
        let (a, b) = (self.alive[i], self.alive[j]);
        (a.min(b), a.max(b))
    }

    /// Forgets the kept next merges of every pair but `pairs` (indices into the structure), so
    /// that merges keep only the candidates' up to date.
    pub(crate) fn keep_next_merges(&self, pairs: impl Iterator<Item = (usize, usize)>) {
        let keys: Vec<(usize, usize)> = pairs.map(|(i, j)| self.slot_pair(i, j)).collect();
        self.next.borrow_mut().retain(|e| keys.contains(&e.key));
    }

    /// The number of agents `n`.
    pub fn agents(&self) -> usize {
        self.n
    }

    /// The number of coalitions `m`.
    pub fn len(&self) -> usize {
        self.alive.len()
    }

    /// Whether there is no coalition (no agents).
    pub fn is_empty(&self) -> bool {
        self.alive.is_empty()
    }

    /// `v(CS)`.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// The mean positive reward of the first step, the unit of normalised rewards.
    pub fn reward_scale(&self) -> f64 {
        self.reward_scale
    }

    /// The mean magnitude of the singletons' values, the unit of per-agent values.
    pub fn value_scale(&self) -> f64 {
        self.value_scale
    }

    /// Whether no merge may follow: the horizon is used up or one coalition is left.
    pub fn is_done(&self) -> bool {
        self.steps_left == 0 || self.alive.len() < 2
    }

    /// Whether a merge now would end the episode ([`merge_ends`]).
    pub fn merge_ends(&self) -> bool {
        merge_ends(self.steps_left, self.alive.len())
    }

    /// Coalition `i` of the structure.
    pub fn coalition(&self, i: usize) -> Coalition {
        self.coalitions[self.alive[i]]
    }

    /// `v` of coalition `i`.
    pub fn coalition_value(&self, i: usize) -> f64 {
        self.values[self.alive[i]]
    }

    /// The reward of merging coalitions `i ≠ j`.
    pub fn reward(&self, i: usize, j: usize) -> f64 {
        self.rewards[self.alive[i] * self.n + self.alive[j]]
    }

    /// The row of coalition `i`'s rewards by slot (read with [`slot`](Self::slot)).
    pub(crate) fn reward_row(&self, i: usize) -> &[f64] {
        let a = self.alive[i];
        &self.rewards[a * self.n..(a + 1) * self.n]
    }

    /// The slots of the coalitions, in the structure's order.
    pub(crate) fn slots(&self) -> &[usize] {
        &self.alive
    }

    /// Merges coalitions `i < j`; returns the merge's step (reward and the new `v(CS)`).
    /// Indices out of order or range are the caller's bug, caught by [`crate::leader::Episode`]
    /// checks before they reach here.
    pub fn merge<F: CharacteristicFunction + ?Sized>(&mut self, i: usize, j: usize, f: &F) -> Step {
        debug_assert!(i < j && j < self.alive.len() && self.steps_left > 0);
        let (keep, gone) = (self.alive[i], self.alive[j]);
        let reward = self.rewards[keep * self.n + gone];
        let (a, b) = (self.coalitions[keep], self.coalitions[gone]);
        let union = a.union(&b);
        self.alive.remove(j);
        self.coalitions[keep] = union;
        // The merged pair's value and rewards, if kept for its next merge: the same numbers.
        let known = self
            .next
            .get_mut()
            .iter()
            .position(|e| e.key == (keep, gone))
            .map(|at| self.next.get_mut().swap_remove(at));
        self.values[keep] = known.as_ref().map_or_else(|| f.value(&union), |e| e.value);
        let v = self.values[keep];
        let n = self.n;
        for k in 0..self.alive.len() {
            let s = self.alive[k];
            if s == keep {
                continue;
            }
            let r = match &known {
                Some(e) => e.row[s],
                None => f.value(&union.union(&self.coalitions[s])) - v - self.values[s],
            };
            let (old_keep, old_gone) = (self.rewards[s * n + keep], self.rewards[s * n + gone]);
            self.rewards[keep * n + s] = r;
            self.rewards[s * n + keep] = r;
            if self.track == 0 {
                continue;
            }
            self.paying[s] = self.paying[s] + usize::from(r > 0.0)
                - usize::from(old_keep > 0.0)
                - usize::from(old_gone > 0.0);
            // The list holds the best partners of `s`, all of them if it is complete. Without
            // the two merged coalitions it holds the best of the others; the new coalition
            // enters it if it ranks before its last, or anywhere if the list is complete.
            let partners = self.alive.len() - 2;
            let list = &mut self.lists[s];
            list.retain(|&(_, p)| p != keep && p != gone);
            let complete = list.len() == partners;
            if !complete && list.len() < self.track {
                self.rebuild_list(s);
            } else if complete || ranks_before((r, keep), list[list.len() - 1]) {
                let at = list
                    .iter()
                    .position(|&x| ranks_before((r, keep), x))
                    .unwrap_or(list.len());
                list.insert(at, (r, keep));
                list.truncate(2 * self.track);
            }
        }
        if self.track > 0 {
            self.rebuild_list(keep);
            self.lists[gone].clear();
            let (coalitions, alive) = (&self.coalitions, &self.alive);
            self.next.get_mut().retain_mut(|e| {
                let (p, q) = e.key;
                if [p, q].iter().any(|s| *s == keep || *s == gone) {
                    return false;
                }
                let pair = coalitions[p].union(&coalitions[q]);
                e.row[keep] = f.value(&pair.union(&union)) - e.value - v;
                e.best = alive
                    .iter()
                    .filter(|&&s| s != p && s != q)
                    .map(|&s| e.row[s])
                    .fold(f64::NEG_INFINITY, f64::max);
                true
            });
        }
        self.steps_left -= 1;
        self.value += reward;
        Step::Merge {
            merge: [a.agents().collect(), b.agents().collect()],
            reward,
            value: self.value,
        }
    }

    /// The current structure.
    pub fn structure(&self) -> CoalitionStructure {
        let coalitions = self.alive.iter().map(|&s| self.coalitions[s]).collect();
        CoalitionStructure::from_coalitions(self.n, coalitions).expect("merges keep a partition")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};

    #[test]
    fn rewards_equal_the_merge_reward_after_every_merge() {
        let f = Instance::generate(Distribution::from_name("combined").expect("known"), 12, 3)
            .expect("valid");
        let mut state = MergeState::new(&f, Horizon::Full);
        let mut cs = CoalitionStructure::singletons(12);
        for (i, j) in [(0, 4), (2, 9), (0, 1), (3, 5), (1, 2)] {
            state.merge(i, j, &f);
            cs.merge(i, j).expect("legal");
            assert_eq!(state.structure(), cs);
            for a in 0..cs.len() {
                for b in 0..cs.len() {
                    if a != b {
                        let (ca, cb) = (cs.coalitions()[a], cs.coalitions()[b]);
                        // Equal up to the order of the two subtractions (C-Link's order: the
                        // new coalition's value first).
                        let want = f.merge_reward(&ca, &cb);
                        let got = state.reward(a, b);
                        assert!((got - want).abs() <= 1e-12 * want.abs().max(1.0), "{a} {b}");
                    }
                }
            }
            assert!((state.value() - cs.value(&f)).abs() < 1e-9 * cs.value(&f).abs().max(1.0));
        }
        assert!(state.reward_scale() > 0.0 && state.value_scale() > 0.0);
    }
}
