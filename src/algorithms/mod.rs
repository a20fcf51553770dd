//! The CSG algorithms: each takes an instance and returns a coalition structure.
//!
//! Algorithms never time themselves or print: the caller (CLI, worker, benchmarks) measures the
//! wall time it reports, since `std::time::Instant` does not exist in the browser.

mod exact;
mod grand;
mod random;
mod singleton;

pub use exact::{exact, exact_table};
pub use grand::grand;
pub use random::random;
pub use singleton::singleton;

use crate::core::{CharacteristicFunction, Instance, Result, Solution};

/// An algorithm as named by `bridge solve --algo` and the UI.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Algorithm {
    /// The exact optimum, `n ≤ 20`.
    Exact,
    /// All singletons.
    Singleton,
    /// The grand coalition.
    Grand,
    /// The uniform random policy over merges and stopping.
    Random,
}

/// Why an algorithm name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnknownAlgorithm {
    /// A name of SPEC section 4 that this build does not provide yet.
    #[error("algorithm `{0}` is not available in this version yet; available: {list}", list = Algorithm::NAMES.join(", "))]
    NotYetAvailable(String),
    /// A name nobody defined.
    #[error("unknown algorithm `{0}`; expected one of {list}", list = Algorithm::NAMES.join(", "))]
    Unknown(String),
}

impl Algorithm {
    /// Every algorithm this build provides, by name.
    pub const NAMES: [&'static str; 4] = ["exact", "singleton", "grand", "random"];

    /// Names SPEC section 4 defines that later versions provide.
    const PLANNED: [&'static str; 5] = ["bridge", "clink", "grasp", "uct", "saldae"];

    /// The algorithm called `name`.
    pub fn from_name(name: &str) -> std::result::Result<Self, UnknownAlgorithm> {
        match name {
            "exact" => Ok(Self::Exact),
            "singleton" => Ok(Self::Singleton),
            "grand" => Ok(Self::Grand),
            "random" => Ok(Self::Random),
            n if Self::PLANNED.contains(&n) => {
                Err(UnknownAlgorithm::NotYetAvailable(n.to_string()))
            }
            n => Err(UnknownAlgorithm::Unknown(n.to_string())),
        }
    }

    /// The algorithm's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Exact => "exact",
            Self::Singleton => "singleton",
            Self::Grand => "grand",
            Self::Random => "random",
        }
    }

    /// Runs the algorithm on `instance`; `seed` drives the randomised ones. `seconds` is left 0
    /// for the caller to fill in.
    pub fn solve(self, instance: &Instance, seed: u64) -> Result<Solution> {
        let (cs, optimal) = match self {
            Self::Exact => (exact(instance)?.0, true),
            Self::Singleton => (singleton(instance), false),
            Self::Grand => (grand(instance), false),
            Self::Random => (random(instance, seed), false),
        };
        let mut solution = Solution::new(self.name(), &cs, instance);
        solution.optimal = optimal && instance.agents() > 0;
        Ok(solution)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Distribution;

    #[test]
    fn every_algorithm_returns_a_partition_with_its_value() {
        for name in Distribution::NAMES {
            let inst = Instance::generate(Distribution::from_name(name).expect("known"), 8, 1)
                .expect("valid");
            let optimum = Algorithm::Exact.solve(&inst, 0).expect("small").value;
            for algo in Algorithm::NAMES {
                let s = Algorithm::from_name(algo)
                    .expect("listed")
                    .solve(&inst, 4)
                    .expect("small");
                let cs = s.structure(8).expect("a partition");
                assert_eq!(cs.value(&inst), s.value);
                assert!(
                    s.value <= optimum + 1e-9,
                    "{algo} beat the optimum on {name}"
                );
            }
        }
    }

    #[test]
    fn names_are_checked() {
        assert!(matches!(
            Algorithm::from_name("clink"),
            Err(UnknownAlgorithm::NotYetAvailable(_))
        ));
        let err = Algorithm::from_name("dijkstra")
            .expect_err("unknown")
            .to_string();
        assert!(err.contains("exact, singleton, grand, random"), "{err}");
    }

    #[test]
    fn only_the_exact_solver_claims_optimality() {
        let inst = Instance::generate(Distribution::from_name("agent_based").expect("known"), 5, 1)
            .expect("valid");
        assert!(Algorithm::Exact.solve(&inst, 0).expect("small").optimal);
        assert!(!Algorithm::Random.solve(&inst, 0).expect("small").optimal);
    }
}
