//! A solution (SPEC section 3): the coalition structure an algorithm found, its value, the
//! algorithm's own wall time and, for the leader, the merge trace.

use serde::{Deserialize, Serialize};

use super::error::{Error, Result};
use super::structure::CoalitionStructure;
use super::values::CharacteristicFunction;

/// One step of the leader's merge trace.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Step {
    /// Two coalitions merged; `reward` is the change of `v(CS)`, `value` the new `v(CS)`.
    Merge {
        /// The two coalitions, as agent lists.
        merge: [Vec<usize>; 2],
        /// `v(CS') − v(CS)`.
        reward: f64,
        /// `v(CS')`.
        value: f64,
    },
    /// The null action: the leader stopped.
    Stop {
        /// Always `true`.
        stop: bool,
    },
}

/// What an algorithm returns, in the shape of the solution file.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Solution {
    /// The coalitions, each a sorted list of agents, ordered by smallest member.
    pub coalitions: Vec<Vec<usize>>,
    /// `v(CS)`.
    pub value: f64,
    /// The algorithm's name as given to `--algo`.
    pub algorithm: String,
    /// The algorithm's own wall time in seconds (not start-up, not loading); set by the caller.
    pub seconds: f64,
    /// Whether the value is the proven optimum (only the exact solver sets it).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub optimal: bool,
    /// The leader's merge trace.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub steps: Option<Vec<Step>>,
}

impl Solution {
    /// The solution for structure `cs` of instance `f`, its value computed from `f`.
    pub fn new<F: CharacteristicFunction + ?Sized>(
        algorithm: &str,
        cs: &CoalitionStructure,
        f: &F,
    ) -> Self {
        Self {
            coalitions: cs.to_lists(),
            value: cs.value(f),
            algorithm: algorithm.to_string(),
            seconds: 0.0,
            optimal: false,
            steps: None,
        }
    }

    /// The coalition structure, checked to be a partition of `0..n`.
    pub fn structure(&self, n: usize) -> Result<CoalitionStructure> {
        CoalitionStructure::from_lists(n, &self.coalitions)
    }

    /// The solution as JSON.
    pub fn to_json(&self) -> String {
        // Serialising plain numbers and lists cannot fail; non-finite values print as null.
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Reads a solution file.
    pub fn from_json(text: &str) -> Result<Self> {
        serde_json::from_str(text).map_err(|e| Error::BadFile {
            key: "solution".into(),
            problem: e.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_specs_example_reads_and_writes() {
        let text = r#"{"coalitions": [[0, 2], [1], [3]], "value": 45.2, "algorithm": "bridge", "seconds": 0.0012,
            "steps": [{"merge": [[0], [2]], "reward": 5.1, "value": 40.0}, {"stop": true}]}"#;
        let s = Solution::from_json(text).expect("the SPEC's example");
        assert_eq!(s.steps.as_ref().map(Vec::len), Some(2));
        assert_eq!(s.structure(4).expect("a partition").len(), 3);
        assert_eq!(Solution::from_json(&s.to_json()), Ok(s));
    }
}
