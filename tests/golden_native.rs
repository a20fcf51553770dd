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

#[test]
fn a_recorded_follower_training_is_reproduced() {
    assert_eq!(follower_mismatches(), Vec::<String>::new());
}

/// `(configuration, seed, epochs, FNV-1a of the followers' weights file, V(CS))` after training
/// the followers on all singletons from a fresh start, natively: the whole follower update
/// (forward and backward passes, Adam) pinned, whichever of `nn::mlp`'s multiversioned paths
/// (AVX2 or plain) the machine takes. Recorded on an AVX2 machine, where the run that checked the
/// two paths gave the same bytes (RESULTS.md). Native only: the actors' `exp` and `ln` are the
/// platform's, so wasm may differ in the last bits (ARCHITECTURE.md's invariants).
const FOLLOWER_TRAININGS: &[(&str, u64, usize, u64, f64)] =
    &[("teaching", 5, 2, 0x840b_be4f_b6fb_e399, 3.3026369907904414)];

/// FNV-1a of `bytes`: a fingerprint of a weights file, to compare without recording it.
fn fnv1a(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// What differs from [`FOLLOWER_TRAININGS`], one line each.
fn follower_mismatches() -> Vec<String> {
    use bridge_lab::core::CoalitionStructure;
    use bridge_lab::followers::{Config, FollowerParams, Followers};

    let mut out = Vec::new();
    for &(config, seed, epochs, weights, value) in FOLLOWER_TRAININGS {
        let config = Config::from_name(config).expect("a preset");
        let cs = CoalitionStructure::singletons(config.agents());
        let mut followers =
            Followers::new(config, FollowerParams::default(), seed).expect("valid settings");
        followers
            .train(&cs, epochs)
            .expect("a structure of its agents");
        let got_weights = fnv1a(&followers.weights_to_bytes().expect("writable"));
        let got_value = followers.evaluate(&cs, 5, seed).expect("valid").total;
        if got_weights != weights || got_value.to_bits() != value.to_bits() {
            out.push(format!(
                "seed {seed}, {epochs} epochs: weights {got_weights:#x}, V(CS) {got_value:?}; expected {weights:#x}, {value:?}"
            ));
        }
    }
    out
}
