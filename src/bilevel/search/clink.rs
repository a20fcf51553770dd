//! C-Link on the grid: from all singletons, merge the two coalitions whose merge raises `V(CS)`
//! most, while one raises it. In the normal-form game the rise is C-Link's gain linkage
//! `v(A ∪ B) − v(A) − v(B)`; on the grid a coalition's value depends on the whole structure
//! (all coalitions share one grid), so each candidate is the merged structure's own `V`, one
//! follower training each. Ties go to the first pair, as in [`crate::algorithms::clink`].

use crate::core::CoalitionStructure;

use super::super::error::Result;
use super::{best_of, moves, StructureValues};

/// Runs C-Link until no merge improves or the budget is spent.
pub fn clink(values: &mut dyn StructureValues) -> Result<()> {
    let mut cs = CoalitionStructure::singletons(values.agents());
    let Some(mut v) = values.value(&cs)? else {
        return Ok(());
    };
    loop {
        match best_of(values, moves::merges(&cs)?)? {
            Some(Some((next, w))) if w > v => (cs, v) = (next, w),
            _ => return Ok(()),
        }
    }
}
