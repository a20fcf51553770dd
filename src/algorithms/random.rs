//! The random baseline: the leader's MDP (paper section 4.1) played by a uniform random policy.
//!
//! From all singletons, each step picks uniformly among the legal actions, every pair of current
//! coalitions and the null action, and stops on the null action, at one coalition, or after the
//! horizon of `n − 1` steps. This is the "random policy" row of the paper's Table 1.

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::{CharacteristicFunction, CoalitionStructure};

/// The structure a uniform random policy reaches with `seed`.
pub fn random<F: CharacteristicFunction + ?Sized>(f: &F, seed: u64) -> CoalitionStructure {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut cs = CoalitionStructure::singletons(f.agents());
    while cs.len() > 1 {
        let m = cs.len();
        let pairs = m * (m - 1) / 2;
        let action = rng.random_range(0..=pairs);
        if action == pairs {
            break;
        }
        let (i, j) = pair_of(action, m);
        cs.merge(i, j)
            .expect("a pair index below m(m-1)/2 names two coalitions");
    }
    cs
}

/// The `k`-th pair `(i, j)`, `i < j < m`, in row order: (0,1), (0,2), ..., (1,2), ...
fn pair_of(mut k: usize, m: usize) -> (usize, usize) {
    for i in 0..m {
        let row = m - 1 - i;
        if k < row {
            return (i, i + 1 + k);
        }
        k -= row;
    }
    unreachable!("k is below m(m-1)/2")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};

    #[test]
    fn pairs_are_enumerated_once_each() {
        let pairs: Vec<_> = (0..6).map(|k| pair_of(k, 4)).collect();
        assert_eq!(pairs, vec![(0, 1), (0, 2), (0, 3), (1, 2), (1, 3), (2, 3)]);
    }

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
