//! The singleton baseline: every agent alone, the structure the leader starts from and the
//! reference point of the baseline gain.

use crate::core::{CharacteristicFunction, CoalitionStructure};

/// All singletons.
pub fn singleton<F: CharacteristicFunction + ?Sized>(f: &F) -> CoalitionStructure {
    CoalitionStructure::singletons(f.agents())
}
