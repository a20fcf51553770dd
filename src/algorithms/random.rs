//! The random baseline: the leader's MDP (paper section 4.1) played by a uniform random policy.
//!
//! From all singletons, each step picks uniformly among the legal actions, every pair of current
//! coalitions and the null action, and stops on the null action, at one coalition, or after the
//! horizon of `n − 1` steps. This is the "random policy" row of the paper's Table 1.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::{CharacteristicFunction, CoalitionStructure};
use crate::leader::{Action, Episode, Horizon};

/// The structure a uniform random policy reaches with `seed`.
pub fn random<F: CharacteristicFunction + ?Sized>(f: &F, seed: u64) -> CoalitionStructure {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut episode =
        Episode::new(f, Horizon::Full).expect("a characteristic function values every structure");
    while !episode.is_done() {
        let m = episode.structure().len();
        let action = Action::nth(rng.random_range(0..Action::count(m)), m);
        episode
            .step(action, f)
            .expect("Action::nth gives a legal action");
    }
    episode.structure().clone()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};

    #[test]
    fn the_same_seed_repeats_and_structures_vary() {
        let inst = Instance::generate(
            Distribution::from_name("modified_uniform").expect("known"),
            12,
            5,
        )
        .expect("valid");
        assert_eq!(random(&inst, 3), random(&inst, 3));
        let distinct: std::collections::HashSet<_> = (0..20).map(|s| random(&inst, s)).collect();
        assert!(
            distinct.len() > 10,
            "only {} distinct structures",
            distinct.len()
        );
    }
}
