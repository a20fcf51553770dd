//! Every algorithm of the registry, on every distribution and sizes from 1 to 200 agents:
//! a valid partition whose reported value is its value, never above the exact optimum where
//! that is computed, and never below all singletons for the algorithms that start from them
//! and only accept improvements.

use bridge_lab::algorithms::{Algorithm, Budget, SolveOptions};
use bridge_lab::core::{Distribution, Instance};
use bridge_lab::leader::{NetworkConfig, PlainNetwork, QNetwork};

/// Sizes checked: every n up to 12 (where the exact optimum is cheap), then a spread to 200.
fn sizes() -> impl Iterator<Item = usize> {
    (1..=12).chain([16, 25, 50, 100, 200])
}

/// Algorithms whose result is at least the all-singletons structure's value by construction.
const NEVER_BELOW_SINGLETONS: [&str; 4] = ["clink", "grasp", "uct", "saldae"];

#[test]
fn every_algorithm_gives_a_partition_from_1_to_200_agents() {
    let leader =
        PlainNetwork::new(&QNetwork::new(NetworkConfig::new(200), 7).expect("valid")).expect("f32");
    for name in Distribution::NAMES {
        let dist = Distribution::from_name(name).expect("known");
        for n in sizes() {
            let inst = Instance::generate(dist.clone(), n, 3).expect("valid");
            let singletons = Algorithm::Singleton
                .solve(&inst, &SolveOptions::default())
                .expect("any n")
                .value;
            let optimum = (n <= 12).then(|| {
                Algorithm::Exact
                    .solve(&inst, &SolveOptions::default())
                    .expect("small")
                    .value
            });
            for algo in Algorithm::NAMES {
                let algorithm = Algorithm::from_name(algo).expect("listed");
                if algorithm == Algorithm::Exact && n > 12 {
                    continue;
                }
                // Two iterations of the anytime algorithms above 25 agents keep the test quick;
                // their defaults are exercised by the unit tests and the benchmarks.
                let budget = (algorithm.is_anytime() && n > 25).then_some(Budget::Iterations(2));
                let options = SolveOptions {
                    seed: 5,
                    leader: Some(&leader),
                    budget,
                    ..Default::default()
                };
                let s = algorithm.solve(&inst, &options).expect("solves");
                let cs = s
                    .structure(n)
                    .unwrap_or_else(|e| panic!("{algo} on {name}, n = {n}: {e}"));
                let value = cs.value(&inst);
                assert!(
                    (value - s.value).abs() <= 1e-9 * (1.0 + value.abs()),
                    "{algo} on {name}, n = {n}: reports {} for a structure worth {value}",
                    s.value
                );
                if let Some(best) = optimum {
                    assert!(
                        value <= best + 1e-9,
                        "{algo} on {name}, n = {n}: above the optimum"
                    );
                }
                if NEVER_BELOW_SINGLETONS.contains(&algo) {
                    assert!(
                        value >= singletons - 1e-9,
                        "{algo} on {name}, n = {n}: below all singletons"
                    );
                }
            }
        }
    }
}
