//! The true one-step reward of every merge in a structure, `v(C_i ∪ C_j) − v(C_i) − v(C_j)`,
//! for the gain scorer (ours, not the paper's), whose Q-value of a merge is that reward plus the
//! network's additive estimate of what comes after it.
//!
//! Two holders: [`PackedGains`], a snapshot of one structure's gains (what the replay buffer keeps
//! for the backup, and what ε-greedy training acts on), and [`GainTable`], which a rollout keeps
//! up to date merge by merge: a merge changes only the new coalition's gains, so each step costs
//! `m` value calls instead of `m²`.

use crate::core::{CharacteristicFunction, Coalition, CoalitionStructure};

/// The gain of merging the coalitions at indices `i ≠ j` of the current structure.
pub trait MergeGains {
    /// `v(C_i ∪ C_j) − v(C_i) − v(C_j)`.
    fn gain(&self, i: usize, j: usize) -> f32;
}

/// For the scorers that do not use the rewards (additive, learned): every gain reads 0.
pub struct NoGains;

impl MergeGains for NoGains {
    fn gain(&self, _: usize, _: usize) -> f32 {
        0.0
    }
}

/// One structure's gains, the upper triangle row by row (`m(m−1)/2` numbers).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct PackedGains {
    m: usize,
    values: Vec<f32>,
}

impl PackedGains {
    /// The gains of every pair of coalitions in `cs`.
    pub fn new<F: CharacteristicFunction + ?Sized>(cs: &CoalitionStructure, f: &F) -> Self {
        let cs = cs.coalitions();
        let m = cs.len();
        let mut values = Vec::with_capacity(m * m.saturating_sub(1) / 2);
        for i in 0..m {
            for j in i + 1..m {
                values.push(f.merge_reward(&cs[i], &cs[j]) as f32);
            }
        }
        Self { m, values }
    }

    /// No gains: what a scorer that does not use them stores.
    pub fn empty() -> Self {
        Self::default()
    }
}

impl MergeGains for PackedGains {
    fn gain(&self, i: usize, j: usize) -> f32 {
        let (i, j) = (i.min(j), i.max(j));
        if j >= self.m {
            return 0.0;
        }
        // Rows 0..i hold (m−1) + (m−2) + … + (m−i) entries.
        self.values[i * (2 * self.m - i - 1) / 2 + (j - i - 1)]
    }
}

/// The gains of a structure that changes by merges, kept up to date in `O(m)` value calls per
/// merge. Coalitions sit in fixed slots (their first index), so a merge rewrites one row.
#[derive(Clone, Debug)]
pub struct GainTable {
    n: usize,
    /// `n×n`, row-major, indexed by slot.
    table: Vec<f32>,
    /// The slot of each current coalition index.
    slots: Vec<usize>,
    /// The coalition in each slot.
    coalitions: Vec<Coalition>,
}

impl GainTable {
    /// The gains of `cs`'s pairs.
    pub fn new<F: CharacteristicFunction + ?Sized>(cs: &CoalitionStructure, f: &F) -> Self {
        let coalitions = cs.coalitions().to_vec();
        let n = coalitions.len();
        let mut table = vec![0.0f32; n * n];
        for i in 0..n {
            for j in i + 1..n {
                let g = f.merge_reward(&coalitions[i], &coalitions[j]) as f32;
                table[i * n + j] = g;
                table[j * n + i] = g;
            }
        }
        Self {
            n,
            table,
            slots: (0..n).collect(),
            coalitions,
        }
    }

    /// Follows [`CoalitionStructure::merge`]`(i, j)`: the union takes the lower index, the higher
    /// one disappears. Indices must be those of the structure before the merge.
    pub fn merge<F: CharacteristicFunction + ?Sized>(&mut self, i: usize, j: usize, f: &F) {
        let (lo, hi) = (i.min(j), i.max(j));
        let (keep, gone) = (self.slots[lo], self.slots[hi]);
        self.slots.remove(hi);
        self.coalitions[keep] = self.coalitions[keep].union(&self.coalitions[gone]);
        let union = self.coalitions[keep];
        for &s in &self.slots {
            if s != keep {
                let g = f.merge_reward(&union, &self.coalitions[s]) as f32;
                self.table[keep * self.n + s] = g;
                self.table[s * self.n + keep] = g;
            }
        }
    }
}

impl MergeGains for GainTable {
    fn gain(&self, i: usize, j: usize) -> f32 {
        self.table[self.slots[i] * self.n + self.slots[j]]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};

    #[test]
    fn packed_and_incremental_gains_equal_the_definition_after_every_merge() {
        let f = Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            9,
            4,
        )
        .expect("valid");
        let mut cs = CoalitionStructure::singletons(9);
        let mut table = GainTable::new(&cs, &f);
        for (i, j) in [(0, 3), (5, 1), (2, 6), (0, 1), (3, 2)] {
            table.merge(i, j, &f);
            cs.merge(i, j).expect("legal");
            let packed = PackedGains::new(&cs, &f);
            let m = cs.len();
            for a in 0..m {
                for b in 0..m {
                    if a == b {
                        continue;
                    }
                    let (ca, cb) = (cs.coalitions()[a], cs.coalitions()[b]);
                    let want = f.merge_reward(&ca, &cb) as f32;
                    assert_eq!(packed.gain(a, b), want, "packed {a} {b}");
                    assert_eq!(table.gain(a, b), want, "table {a} {b}");
                }
            }
        }
    }
}
