//! The leader's merges to the structure a bi-level run found, for a reader to step through:
//! from all singletons to `CS*`, one merge at a time, each with its reward `V(s') − V(s)` under
//! the followers and the trained leader's Q-values.
//!
//! Every structure the leader visits is valued before it steps there (the followers train on it
//! first), so `CS*` is reached from singletons through structures in the [`ValueCache`]. Which
//! path is shown, when several lead there, is the first in the order of candidate merges that
//! stays within valued refinements of `CS*`: a path the leader could have taken with the values
//! it had, not necessarily the episode it took (episodes are not recorded).

use serde::{Deserialize, Serialize};

use crate::core::CoalitionStructure;
use crate::leader::gains::PackedGains;
use crate::leader::{PlainNetwork, ValueSource};

use super::cache::ValueCache;
use super::error::Result;

/// One merge on the way to `CS*`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderMerge {
    /// The structure before the merge, as agent lists.
    pub before: Vec<Vec<usize>>,
    /// The two coalitions merged.
    pub merged: (Vec<usize>, Vec<usize>),
    /// `V(s)` before the merge, under followers trained for `s`.
    pub value_before: f64,
    /// `V(s')` after it.
    pub value_after: f64,
    /// The leader's reward `V(s') − V(s)` (eq. 1).
    pub reward: f64,
    /// The trained leader's Q-value of this merge.
    pub q: f32,
    /// The highest Q-value of any merge from `s` (equal to `q` when the leader would choose it).
    pub q_best: f32,
    /// The leader's Q-value of stopping at `s`.
    pub q_stop: f32,
}

/// The merges from all singletons to `target` through valued structures, with `leader`'s
/// Q-values (`None` when `target` cannot be reached so, which a run's own result never is).
pub fn merge_path(
    cache: &ValueCache,
    target: &CoalitionStructure,
    leader: &PlainNetwork,
) -> Result<Option<Vec<LeaderMerge>>> {
    let start = CoalitionStructure::singletons(target.agents());
    let mut path = Vec::new();
    if !cache.contains(&start) || !descend(cache, &start, target, &mut path) {
        return Ok(None);
    }
    let mut merges = Vec::with_capacity(path.len());
    let mut cs = start;
    for (i, j) in path {
        let pre = leader.preactivation(&cs);
        let candidates = leader.pair_values(&pre, &cs, &PackedGains::empty(), cs.len() <= 2);
        let q_of = |a: usize, b: usize| {
            candidates
                .iter()
                .find(|c| (c.1, c.2) == (a, b))
                .map_or(f32::NAN, |c| c.0)
        };
        let lists = cs.to_lists();
        let reward = cache.merge_change(&cs, i, j)?;
        let value_before = cache.structure_value(&cs)?;
        merges.push(LeaderMerge {
            merged: (lists[i].clone(), lists[j].clone()),
            before: lists,
            value_before,
            value_after: value_before + reward,
            reward,
            q: q_of(i, j),
            q_best: candidates
                .iter()
                .map(|c| c.0)
                .fold(f32::NEG_INFINITY, f32::max),
            q_stop: leader.stop_value(&pre),
        });
        cs.merge(i, j)?;
    }
    Ok(Some(merges))
}

/// Depth-first from `cs` to `target` through valued refinements of `target`, pushing the
/// merges `(i, j)` taken onto `path`; whether `target` was reached.
fn descend(
    cache: &ValueCache,
    cs: &CoalitionStructure,
    target: &CoalitionStructure,
    path: &mut Vec<(usize, usize)>,
) -> bool {
    if cs.len() == target.len() {
        return cs == target;
    }
    let owner = |c: &crate::core::Coalition| c.agents().next().and_then(|a| target.coalition_of(a));
    let coalitions = cs.coalitions();
    for i in 0..coalitions.len() {
        for j in i + 1..coalitions.len() {
            // Only merges inside one of the target's coalitions lead there.
            if owner(&coalitions[i]) != owner(&coalitions[j]) {
                continue;
            }
            let mut next = cs.clone();
            if next.merge(i, j).is_err() || !cache.contains(&next) {
                continue;
            }
            path.push((i, j));
            if descend(cache, &next, target, path) {
                return true;
            }
            path.pop();
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bilevel::Valued;
    use crate::leader::{NetworkConfig, QNetwork};

    fn valued(value: f64) -> Valued {
        Valued {
            value,
            coalition_values: Vec::new(),
            training_curve: Vec::new(),
        }
    }

    fn leader() -> PlainNetwork {
        let net = QNetwork::new(NetworkConfig::new(4), 1).expect("valid");
        PlainNetwork::new(&net).expect("f32")
    }

    #[test]
    fn the_path_goes_through_valued_structures_only_and_adds_up() {
        let mut cache = ValueCache::new(4);
        let s = |lists: &[&[usize]]| {
            let lists: Vec<Vec<usize>> = lists.iter().map(|c| c.to_vec()).collect();
            CoalitionStructure::from_lists(4, &lists).expect("valid")
        };
        cache.insert(&s(&[&[0], &[1], &[2], &[3]]), valued(4.0));
        // {0,1} was never valued; {2,3} was, then {0,2,3}.
        cache.insert(&s(&[&[0], &[1], &[2, 3]]), valued(6.0));
        cache.insert(&s(&[&[0, 2, 3], &[1]]), valued(9.0));
        let target = s(&[&[0, 2, 3], &[1]]);
        let path = merge_path(&cache, &target, &leader())
            .expect("runs")
            .expect("reachable");
        assert_eq!(path.len(), 2);
        assert_eq!(path[0].merged, (vec![2], vec![3]));
        assert_eq!(path[0].reward, 2.0);
        assert_eq!(path[1].value_before, 6.0);
        assert_eq!(path[1].value_after, 9.0);
        assert!(path.iter().all(|m| m.q <= m.q_best && m.q.is_finite()));
        let total: f64 = path.iter().map(|m| m.reward).sum();
        assert_eq!(total, 9.0 - 4.0);
    }

    #[test]
    fn an_unreachable_structure_has_no_path() {
        let mut cache = ValueCache::new(3);
        cache.insert(&CoalitionStructure::singletons(3), valued(1.0));
        let grand = CoalitionStructure::grand(3);
        cache.insert(&grand, valued(5.0));
        let leader = PlainNetwork::new(&QNetwork::new(NetworkConfig::new(3), 1).expect("valid"))
            .expect("f32");
        assert_eq!(merge_path(&cache, &grand, &leader).expect("runs"), None);
    }
}
