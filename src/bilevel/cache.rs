//! The values of the structures the followers have trained on. Training followers is the
//! expensive part of BRIDGE, so a structure seen before costs nothing: its first value is kept
//! (the cache is what the leader's reward reads, as its [`ValueSource`]).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::core::{CoalitionStructure, Error as CoreError};
use crate::leader::{Error, Result, ValueSource};

use super::lower::Valued;

/// `V(CS)` and each coalition's value for every structure valued so far.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ValueCache {
    agents: usize,
    /// Keyed by the structure's coalitions as agent lists; ordered, and written as a list of
    /// entries, so checkpoints are stable and readable.
    #[serde(with = "entries")]
    values: BTreeMap<Vec<Vec<usize>>, (f64, Vec<f64>)>,
}

impl ValueCache {
    /// An empty cache for `agents` agents.
    pub fn new(agents: usize) -> Self {
        Self {
            agents,
            values: BTreeMap::new(),
        }
    }

    /// The value of `cs`, if it has been valued.
    pub fn get(&self, cs: &CoalitionStructure) -> Option<&(f64, Vec<f64>)> {
        self.values.get(&cs.to_lists())
    }

    /// Whether `cs` has been valued.
    pub fn contains(&self, cs: &CoalitionStructure) -> bool {
        self.values.contains_key(&cs.to_lists())
    }

    /// Records `cs`'s value (the first value of a structure is kept).
    pub fn insert(&mut self, cs: &CoalitionStructure, valued: Valued) {
        self.values
            .entry(cs.to_lists())
            .or_insert((valued.value, valued.coalition_values));
    }

    /// How many structures have been valued: the number of follower trainings spent.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether nothing has been valued yet.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    fn value(&self, cs: &CoalitionStructure) -> Result<f64> {
        self.get(cs).map(|v| v.0).ok_or_else(|| {
            Error::BadParams(format!(
                "the followers have not valued the structure {:?} yet",
                cs.to_lists()
            ))
        })
    }
}

/// The cache's map as a list of `(structure, (value, coalition values))` entries: JSON keys
/// must be strings.
mod entries {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    type Map = BTreeMap<Vec<Vec<usize>>, (f64, Vec<f64>)>;

    pub fn serialize<S: Serializer>(map: &Map, s: S) -> Result<S::Ok, S::Error> {
        map.iter().collect::<Vec<_>>().serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Map, D::Error> {
        Ok(Vec::<(Vec<Vec<usize>>, (f64, Vec<f64>))>::deserialize(d)?
            .into_iter()
            .collect())
    }
}

impl ValueSource for ValueCache {
    fn agents(&self) -> usize {
        self.agents
    }

    fn structure_value(&self, cs: &CoalitionStructure) -> Result<f64> {
        self.value(cs)
    }

    fn merge_change(&self, cs: &CoalitionStructure, i: usize, j: usize) -> Result<f64> {
        let mut next = cs.clone();
        next.merge(i, j).map_err(|e: CoreError| Error::Core(e))?;
        Ok(self.value(&next)? - self.value(cs)?)
    }
}
