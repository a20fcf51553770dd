//! The grand-coalition baseline: all agents in one coalition.

use crate::core::{CharacteristicFunction, CoalitionStructure};

/// The grand coalition.
pub fn grand<F: CharacteristicFunction + ?Sized>(f: &F) -> CoalitionStructure {
    CoalitionStructure::grand(f.agents())
}
