//! The native build reproduces the recorded reference values bit for bit.

use crate::golden;

#[test]
fn reference_values_and_optima_are_reproduced() {
    assert_eq!(golden::mismatches(), Vec::<String>::new());
}

#[test]
fn the_graph_leaders_recorded_rollouts_are_reproduced() {
    assert_eq!(golden::graph_mismatches(), Vec::<String>::new());
}
