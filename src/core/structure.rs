//! A coalition structure (CS): a partition of the agents `0..n` into coalitions (SPEC section 1).
//!
//! The leader's state (paper section 4.1): it starts at all singletons and each step merges two
//! coalitions. Coalitions are kept in order of their smallest member, which is also the order of
//! the Q-network's output indices (SPEC section 5). The adjacency-matrix encoding is the network's
//! input: entry `(a, b)` is 1 when agents `a` and `b` are in the same coalition (so the diagonal
//! is 1 for every agent present), and rows and columns of agents `n..M` are 0.

use super::coalition::{Coalition, MAX_AGENTS};
use super::error::{Error, Result};
use super::values::CharacteristicFunction;

/// A partition of agents `0..n` into coalitions, ordered by smallest member. Serialised as its
/// agent lists (and checked when read back).
#[derive(Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[serde(into = "StructureLists", try_from = "StructureLists")]
pub struct CoalitionStructure {
    n: usize,
    coalitions: Vec<Coalition>,
}

/// A structure as plain lists, its serialised form.
#[derive(serde::Serialize, serde::Deserialize)]
struct StructureLists {
    agents: usize,
    coalitions: Vec<Vec<usize>>,
}

impl From<CoalitionStructure> for StructureLists {
    fn from(cs: CoalitionStructure) -> Self {
        Self {
            agents: cs.n,
            coalitions: cs.to_lists(),
        }
    }
}

impl TryFrom<StructureLists> for CoalitionStructure {
    type Error = Error;

    fn try_from(lists: StructureLists) -> Result<Self> {
        CoalitionStructure::from_lists(lists.agents, &lists.coalitions)
    }
}

impl CoalitionStructure {
    /// Every agent alone: the leader's start state.
    pub fn singletons(n: usize) -> Self {
        assert!(n <= MAX_AGENTS, "at most {MAX_AGENTS} agents");
        Self {
            n,
            coalitions: (0..n).map(Coalition::singleton).collect(),
        }
    }

    /// All agents together (for `n = 0`, the empty structure).
    pub fn grand(n: usize) -> Self {
        let coalitions = if n == 0 {
            vec![]
        } else {
            vec![Coalition::grand(n)]
        };
        Self { n, coalitions }
    }

    /// The structure with the given coalitions, checked to be a partition of `0..n`.
    pub fn from_coalitions(n: usize, coalitions: Vec<Coalition>) -> Result<Self> {
        if n > MAX_AGENTS {
            return Err(Error::TooManyAgents { n, max: MAX_AGENTS });
        }
        let mut seen = Coalition::empty();
        for c in &coalitions {
            if c.is_empty() {
                return Err(Error::NotAPartition("a coalition is empty".into()));
            }
            if let Some(a) = c.agents().find(|&a| a >= n) {
                return Err(Error::NotAPartition(format!(
                    "agent {a} is not among the {n} agents"
                )));
            }
            if !seen.is_disjoint(c) {
                let a = seen.intersection(c).first().unwrap_or(0);
                return Err(Error::NotAPartition(format!(
                    "agent {a} is in two coalitions"
                )));
            }
            seen = seen.union(c);
        }
        if seen.len() != n {
            let a = (0..n).find(|&a| !seen.contains(a)).unwrap_or(0);
            return Err(Error::NotAPartition(format!(
                "agent {a} is in no coalition"
            )));
        }
        let mut coalitions = coalitions;
        coalitions.sort_by_key(|c| c.first());
        Ok(Self { n, coalitions })
    }

    /// The structure whose coalitions are given as lists of agents.
    pub fn from_lists(n: usize, lists: &[Vec<usize>]) -> Result<Self> {
        let mut coalitions = Vec::with_capacity(lists.len());
        for list in lists {
            if let Some(&a) = list.iter().find(|&&a| a >= n) {
                return Err(Error::NotAPartition(format!(
                    "agent {a} is not among the {n} agents"
                )));
            }
            let c = Coalition::from_agents(list.iter().copied());
            if c.len() != list.len() {
                return Err(Error::NotAPartition(
                    "a coalition lists an agent twice".into(),
                ));
            }
            coalitions.push(c);
        }
        Self::from_coalitions(n, coalitions)
    }

    /// The number of agents, `n`.
    pub fn agents(&self) -> usize {
        self.n
    }

    /// The coalitions, in order of their smallest member.
    pub fn coalitions(&self) -> &[Coalition] {
        &self.coalitions
    }

    /// The number of coalitions, `|CS|`.
    pub fn len(&self) -> usize {
        self.coalitions.len()
    }

    /// Whether there are no coalitions (only for `n = 0`).
    pub fn is_empty(&self) -> bool {
        self.coalitions.is_empty()
    }

    /// The coalitions as sorted lists of agents (the solution file's `coalitions`).
    pub fn to_lists(&self) -> Vec<Vec<usize>> {
        self.coalitions
            .iter()
            .map(|c| c.agents().collect())
            .collect()
    }

    /// The index of the coalition holding `agent`.
    pub fn coalition_of(&self, agent: usize) -> Option<usize> {
        self.coalitions.iter().position(|c| c.contains(agent))
    }

    /// Merges coalitions `i` and `j` (indices into [`coalitions`](Self::coalitions)).
    ///
    /// The merged coalition takes the place of the one with the smaller member, so the order by
    /// smallest member is kept without sorting.
    pub fn merge(&mut self, i: usize, j: usize) -> Result<()> {
        let len = self.coalitions.len();
        if i == j || i >= len || j >= len {
            return Err(Error::IllegalMerge {
                i,
                j,
                coalitions: len,
            });
        }
        let (lo, hi) = (i.min(j), i.max(j));
        let taken = self.coalitions.remove(hi);
        self.coalitions[lo] = self.coalitions[lo].union(&taken);
        Ok(())
    }

    /// Merges the coalitions holding agents `a` and `b`: how a recorded merge, which names its
    /// coalitions by their members, is replayed (the page's merge viewer, the worker's replay
    /// of a rollout). Refuses agents outside the structure and two agents of one coalition.
    pub fn merge_holding(&mut self, a: usize, b: usize) -> Result<()> {
        let held = |agent: usize| {
            self.coalition_of(agent).ok_or(Error::NotAPartition(format!(
                "a merge names agent {agent}, who is not among the {} agents",
                self.n
            )))
        };
        let (i, j) = (held(a)?, held(b)?);
        self.merge(i, j)
    }

    /// `v(CS) = Σ_{C ∈ CS} v(C)`.
    pub fn value<F: CharacteristicFunction + ?Sized>(&self, f: &F) -> f64 {
        self.coalitions.iter().map(|c| f.value(c)).sum()
    }

    /// The baseline gain `v(CS) − Σ_i v({i})`, the paper's measure where optima are unknown.
    pub fn baseline_gain<F: CharacteristicFunction + ?Sized>(&self, f: &F) -> f64 {
        self.value(f) - Self::singletons(self.n).value(f)
    }

    /// The `m×m` adjacency matrix, row-major: the leader's state (SPEC section 5).
    pub fn to_adjacency(&self, m: usize) -> Result<Vec<f32>> {
        if m < self.n {
            return Err(Error::TooManyAgents { n: self.n, max: m });
        }
        let mut matrix = vec![0.0f32; m * m];
        for c in &self.coalitions {
            let members: Vec<usize> = c.agents().collect();
            for &a in &members {
                for &b in &members {
                    matrix[a * m + b] = 1.0;
                }
            }
        }
        Ok(matrix)
    }

    /// The structure an `m×m` adjacency matrix encodes for agents `0..n`.
    ///
    /// Refuses a matrix that is not the encoding of a partition: entries other than 0 and 1, a
    /// missing diagonal, an asymmetric or non-transitive relation, or a link to an absent agent.
    pub fn from_adjacency(matrix: &[f32], m: usize, n: usize) -> Result<Self> {
        let bad = |what: String| Err(Error::BadAdjacency(what));
        if matrix.len() != m * m {
            return bad(format!(
                "expected {} entries for a {m}×{m} matrix, found {}",
                m * m,
                matrix.len()
            ));
        }
        if n > m {
            return Err(Error::TooManyAgents { n, max: m });
        }
        for a in 0..m {
            for b in 0..m {
                let x = matrix[a * m + b];
                if x != 0.0 && x != 1.0 {
                    return bad(format!("entry ({a}, {b}) is {x}, not 0 or 1"));
                }
                if (a >= n || b >= n) && x != 0.0 {
                    return bad(format!(
                        "entry ({a}, {b}) links an agent beyond the {n} present"
                    ));
                }
                if a < n && a == b && x != 1.0 {
                    return bad(format!("diagonal entry ({a}, {a}) is 0"));
                }
                if x != matrix[b * m + a] {
                    return bad(format!("entries ({a}, {b}) and ({b}, {a}) differ"));
                }
            }
        }
        let mut coalitions: Vec<Coalition> = Vec::new();
        let mut placed = Coalition::empty();
        for a in 0..n {
            if placed.contains(a) {
                continue;
            }
            let c = Coalition::from_agents((0..n).filter(|&b| matrix[a * m + b] == 1.0));
            for x in c.agents() {
                for y in 0..n {
                    if (matrix[x * m + y] == 1.0) != c.contains(y) {
                        return bad(format!(
                            "agents {a}, {x} and {y} are not linked consistently"
                        ));
                    }
                }
            }
            placed = placed.union(&c);
            coalitions.push(c);
        }
        Ok(Self { n, coalitions })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// A random sequence of merges applied to singletons, as (i, j) drawn modulo the current size.
    fn merged(n: usize, merges: &[(usize, usize)]) -> CoalitionStructure {
        let mut cs = CoalitionStructure::singletons(n);
        for &(i, j) in merges {
            if cs.len() < 2 {
                break;
            }
            let (i, j) = (i % cs.len(), j % cs.len());
            if i != j {
                cs.merge(i, j).expect("indices are in range");
            }
        }
        cs
    }

    proptest! {
        #[test]
        fn merges_keep_a_partition(n in 1usize..200, merges in prop::collection::vec((0usize..1000, 0usize..1000), 0..250)) {
            let cs = merged(n, &merges);
            let again = CoalitionStructure::from_coalitions(n, cs.coalitions().to_vec());
            prop_assert_eq!(again.as_ref(), Ok(&cs));
            let firsts: Vec<_> = cs.coalitions().iter().map(|c| c.first()).collect();
            prop_assert!(firsts.windows(2).all(|w| w[0] < w[1]));
        }

        #[test]
        fn adjacency_round_trips(n in 1usize..40, extra in 0usize..10, merges in prop::collection::vec((0usize..100, 0usize..100), 0..60)) {
            let cs = merged(n, &merges);
            let m = n + extra;
            let matrix = cs.to_adjacency(m).expect("m >= n");
            prop_assert_eq!(CoalitionStructure::from_adjacency(&matrix, m, n), Ok(cs));
        }
    }

    #[test]
    fn grand_adjacency_is_all_ones_for_present_agents() {
        let matrix = CoalitionStructure::grand(3)
            .to_adjacency(4)
            .expect("m >= n");
        let ones: Vec<usize> = (0..16).filter(|&k| matrix[k] == 1.0).collect();
        assert_eq!(ones, vec![0, 1, 2, 4, 5, 6, 8, 9, 10]);
    }

    #[test]
    fn bad_partitions_are_refused_with_the_agent_named() {
        let check = |lists: &[Vec<usize>], expected: &str| {
            let err = CoalitionStructure::from_lists(3, lists).expect_err("not a partition");
            assert!(err.to_string().contains(expected), "{err}");
        };
        check(&[vec![0, 1]], "agent 2 is in no coalition");
        check(&[vec![0, 1], vec![1, 2]], "agent 1 is in two coalitions");
        check(&[vec![0, 1, 2, 3]], "agent 3 is not among the 3 agents");
        check(&[vec![0, 0], vec![1, 2]], "twice");
    }

    #[test]
    fn non_transitive_adjacency_is_refused() {
        // 0-1 and 1-2 linked but not 0-2.
        #[rustfmt::skip]
        let m = [1.0, 1.0, 0.0,
                 1.0, 1.0, 1.0,
                 0.0, 1.0, 1.0];
        assert!(CoalitionStructure::from_adjacency(&m, 3, 3).is_err());
    }

    #[test]
    fn illegal_merges_are_errors() {
        let mut cs = CoalitionStructure::singletons(3);
        assert!(cs.merge(1, 1).is_err());
        assert!(cs.merge(0, 3).is_err());
        cs.merge(2, 0).expect("legal");
        assert_eq!(cs.to_lists(), vec![vec![0, 2], vec![1]]);
    }
}
