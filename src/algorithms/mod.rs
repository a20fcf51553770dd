//! The CSG algorithms: each takes an instance and returns a coalition structure.
//!
//! Algorithms never time themselves or print: the caller (CLI, worker, benchmarks) measures the
//! wall time it reports, since `std::time::Instant` does not exist in the browser.

mod clink;
mod exact;
mod grand;
mod grasp;
mod random;
mod saldae;
mod singleton;
mod uct;

pub use clink::clink;
pub use exact::{exact, exact_table};
pub use grand::grand;
pub use grasp::{grasp, grasp_while, local_search_from, GraspParams};
pub use random::random;
pub use saldae::{saldae, saldae_while, SaldaeParams};
pub use singleton::singleton;
pub use uct::{uct, uct_while, UctParams};

use crate::core::{CharacteristicFunction, Instance, Solution};
use crate::leader::graph::{GraphNetwork, SearchParams};
use crate::leader::{beam, greedy, Horizon, PlainNetwork};

/// Errors of any algorithm: the core's, and the leader's (weights, sizes).
pub use crate::leader::{Error, Result};

/// The share of a time budget the graph leader's beams may take when its beam is 2 or wider;
/// GRASP's local search takes the rest, from the best structure they found. 8 of 10 ms, the
/// one share tried on seeds 1 000..1 004 (RESULTS.md): it left the local search time enough at
/// 30 agents, where it moves agents the merges cannot.
pub const GRAPH_BEAM_SHARE: f64 = 0.8;

/// The graph leader's solution (`bridge` with graph weights): the better of its greedy rollout
/// and C-Link's, then, with a beam of 2 or more, the beam; given a time budget, beams widened
/// while [`GRAPH_BEAM_SHARE`] of it lasts ([`SearchParams::anytime`]), then GRASP's local search
/// from the best structure with the rest. The solution's `steps` are the merges that reach
/// its structure, or none if the local search moved agents after them. The local search runs
/// with the full horizon only: its moves do not count merges, so they could leave fewer
/// coalitions than a shorter horizon allows.
fn graph_search(
    graph: &GraphNetwork,
    instance: &Instance,
    options: &SolveOptions<'_>,
) -> Result<Solution> {
    let seconds = match options.budget {
        Some(Budget::Seconds { limit, clock }) => Some((clock(), limit, clock)),
        _ => None,
    };
    // With a beam and a time budget: widened beams for their share, the local search after.
    let timed = seconds.filter(|_| options.beam > 1);
    let (params, share) = match timed {
        Some(_) => (SearchParams::anytime(options.beam), GRAPH_BEAM_SHARE),
        None => (SearchParams::beam(options.beam), 1.0),
    };
    let searched = graph.search(instance, options.horizon, &params, &mut || {
        seconds.is_none_or(|(start, limit, clock)| clock() - start < share * limit)
    })?;
    let polish = timed.filter(|_| options.horizon == Horizon::Full);
    let rollout = searched.rollout;
    let mut solution = Solution::new(Algorithm::Bridge.name(), &rollout.structure, instance);
    solution.steps = Some(rollout.steps);
    if let Some((start, limit, clock)) = polish {
        let polished = local_search_from(instance, &rollout.structure, &mut || {
            clock() - start < limit
        });
        if polished != rollout.structure {
            solution = Solution::new(Algorithm::Bridge.name(), &polished, instance);
        }
    }
    Ok(solution)
}

/// What an algorithm may need besides the instance.
#[derive(Clone, Copy, Debug)]
pub struct SolveOptions<'a> {
    /// Seed of randomised algorithms.
    pub seed: u64,
    /// The trained leader, for `bridge`.
    pub leader: Option<&'a PlainNetwork>,
    /// The size-independent graph leader, for `bridge`; taken before `leader` if both are given.
    pub graph: Option<&'a GraphNetwork>,
    /// Beam width for `bridge`; 1 is the paper's greedy rollout. The graph leader always keeps
    /// the better of its greedy rollout and C-Link's, and with 2 or more runs a beam of this
    /// width after them ([`GraphNetwork::search`]); given a time budget, wider beams and then
    /// GRASP's local search too ([`GRAPH_BEAM_SHARE`]).
    pub beam: usize,
    /// The leader's horizon.
    pub horizon: Horizon,
    /// How much an anytime algorithm may do; `None` for its default number of iterations. For
    /// the graph leader, the time its whole search may take, its two rollouts included (`None`:
    /// one whole beam).
    pub budget: Option<Budget<'a>>,
}

/// How much an anytime algorithm (GRASP, CSG-UCT, SALDAE) may do.
#[derive(Clone, Copy)]
pub enum Budget<'a> {
    /// A number of its iterations (GRASP's restarts, CSG-UCT's playouts, SALDAE's expansions):
    /// the result repeats for a seed.
    Iterations(usize),
    /// Wall-clock seconds on the caller's clock, which returns seconds from any origin (the
    /// core never reads a clock itself: the browser has no `std::time::Instant`). The result
    /// then depends on the machine's speed; at least one iteration always runs.
    Seconds {
        /// The time allowed.
        limit: f64,
        /// The clock.
        clock: &'a dyn Fn() -> f64,
    },
}

impl std::fmt::Debug for Budget<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Iterations(k) => write!(f, "Iterations({k})"),
            Self::Seconds { limit, .. } => write!(f, "Seconds({limit})"),
        }
    }
}

impl<'a> Budget<'a> {
    /// The test an anytime algorithm asks before each iteration, given how many it has done;
    /// `default` iterations when there is no budget.
    fn more(budget: Option<Self>, default: usize) -> Box<dyn FnMut(usize) -> bool + 'a> {
        match budget {
            None => Box::new(move |done| done < default),
            Some(Self::Iterations(k)) => Box::new(move |done| done < k),
            Some(Self::Seconds { limit, clock }) => {
                let start = clock();
                Box::new(move |_| clock() - start < limit)
            }
        }
    }
}

impl Default for SolveOptions<'_> {
    fn default() -> Self {
        Self {
            seed: 0,
            leader: None,
            graph: None,
            beam: 1,
            horizon: Horizon::Full,
            budget: None,
        }
    }
}

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
    /// The trained leader's rollout (BRIDGE).
    Bridge,
    /// C-Link's agglomerative merging by largest gain.
    Clink,
    /// GRASP: randomised greedy construction and local search, restarted.
    Grasp,
    /// CSG-UCT: Monte-Carlo tree search over merges with greedy playouts.
    Uct,
    /// SALDAE: several searchers walking the graph of coalition structures.
    Saldae,
}

/// Why an algorithm name was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum UnknownAlgorithm {
    /// A name nobody defined.
    #[error("unknown algorithm `{0}`; expected one of {list}", list = Algorithm::NAMES.join(", "))]
    Unknown(String),
}

impl Algorithm {
    /// Every algorithm this build provides, by name.
    pub const NAMES: [&'static str; 9] = [
        "exact",
        "bridge",
        "clink",
        "grasp",
        "uct",
        "saldae",
        "singleton",
        "grand",
        "random",
    ];

    /// The algorithm called `name`.
    pub fn from_name(name: &str) -> std::result::Result<Self, UnknownAlgorithm> {
        match name {
            "exact" => Ok(Self::Exact),
            "singleton" => Ok(Self::Singleton),
            "grand" => Ok(Self::Grand),
            "random" => Ok(Self::Random),
            "bridge" => Ok(Self::Bridge),
            "clink" => Ok(Self::Clink),
            "grasp" => Ok(Self::Grasp),
            "uct" => Ok(Self::Uct),
            "saldae" => Ok(Self::Saldae),
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
            Self::Bridge => "bridge",
            Self::Clink => "clink",
            Self::Grasp => "grasp",
            Self::Uct => "uct",
            Self::Saldae => "saldae",
        }
    }

    /// The algorithm's name in the paper's and the page's words (its glossary and guide), for
    /// people; files and the command line keep [`Algorithm::name`].
    pub fn title(self) -> &'static str {
        match self {
            Self::Exact => "exact optimum",
            Self::Singleton => "all singletons",
            Self::Grand => "grand coalition",
            Self::Random => "random merges",
            Self::Bridge => "BRIDGE (the leader)",
            Self::Clink => "C-Link",
            Self::Grasp => "GRASP",
            Self::Uct => "CSG-UCT",
            Self::Saldae => "SALDAE",
        }
    }

    /// Whether `--budget` applies: the anytime algorithms, whose budget is a number of
    /// iterations or of seconds.
    pub fn is_anytime(self) -> bool {
        matches!(self, Self::Grasp | Self::Uct | Self::Saldae)
    }

    /// The names of the anytime algorithms, for messages.
    pub fn anytime_names() -> Vec<&'static str> {
        Self::NAMES
            .iter()
            .filter(|n| Self::from_name(n).is_ok_and(Self::is_anytime))
            .copied()
            .collect()
    }

    /// Runs the algorithm on `instance`. `seconds` is left 0 for the caller to fill in.
    pub fn solve(self, instance: &Instance, options: &SolveOptions) -> Result<Solution> {
        // The graph leader's search runs within a time budget (its two rollouts always run
        // whole).
        let graph_beam = self == Self::Bridge && options.graph.is_some();
        if graph_beam && matches!(options.budget, Some(Budget::Iterations(_))) {
            return Err(Error::BadParams(
                "the graph leader's search takes a time budget (--time-ms), not iterations".into(),
            ));
        }
        if options.budget.is_some() && !self.is_anytime() && !graph_beam {
            return Err(Error::BadParams(format!(
                "{} takes no --budget; only the anytime algorithms ({}) do",
                self.name(),
                Self::anytime_names().join(", ")
            )));
        }
        match options.budget {
            Some(Budget::Iterations(0)) => {
                return Err(Error::BadParams(
                    "--budget must be at least 1 iteration".into(),
                ))
            }
            Some(Budget::Seconds { limit, .. }) if !(limit.is_finite() && limit > 0.0) => {
                return Err(Error::BadParams(format!(
                    "--budget of {limit} seconds: give a positive number of seconds"
                )))
            }
            _ => {}
        }
        if self == Self::Bridge {
            let rollout = if let Some(graph) = options.graph {
                return graph_search(graph, instance, options);
            } else if options.beam > 1 {
                let leader = options.leader.ok_or(Error::NoWeights)?;
                beam(leader, instance, options.horizon, options.beam)?
            } else {
                let leader = options.leader.ok_or(Error::NoWeights)?;
                greedy(leader, instance, options.horizon)?
            };
            let mut solution = Solution::new(self.name(), &rollout.structure, instance);
            solution.steps = Some(rollout.steps);
            return Ok(solution);
        }
        let cs = match self {
            Self::Exact => exact(instance)?.0,
            Self::Singleton => singleton(instance),
            Self::Grand => grand(instance),
            Self::Random => random(instance, options.seed),
            Self::Clink => clink(instance),
            Self::Grasp => {
                let params = GraspParams {
                    seed: options.seed,
                    ..Default::default()
                };
                let mut more = Budget::more(options.budget, params.iterations);
                grasp_while(instance, &params, &mut *more)
            }
            Self::Uct => {
                let params = UctParams {
                    seed: options.seed,
                    ..Default::default()
                };
                let mut more = Budget::more(options.budget, params.iterations);
                uct_while(instance, &params, &mut *more)
            }
            Self::Saldae => {
                let params = SaldaeParams {
                    seed: options.seed,
                    ..Default::default()
                };
                let mut more = Budget::more(options.budget, params.expansions);
                saldae_while(instance, &params, &mut *more)
            }
            Self::Bridge => unreachable!("handled above"),
        };
        let mut solution = Solution::new(self.name(), &cs, instance);
        solution.optimal = self == Self::Exact && instance.agents() > 0;
        Ok(solution)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Distribution;

    #[test]
    fn the_graph_leader_takes_a_time_budget_only_and_keeps_clinks_structure_when_it_is_spent() {
        use crate::leader::graph::GraphConfig;
        let net = GraphNetwork::new(GraphConfig::default(), 1).expect("valid");
        let inst = Instance::generate(Distribution::from_name("combined").expect("known"), 25, 3)
            .expect("valid");
        let err = Algorithm::Bridge
            .solve(
                &inst,
                &SolveOptions {
                    graph: Some(&net),
                    beam: 4,
                    budget: Some(Budget::Iterations(3)),
                    ..Default::default()
                },
            )
            .expect_err("iterations")
            .to_string();
        assert!(err.contains("--time-ms"), "{err}");
        // A clock whose time is always up: the beam runs no level, the result is the better
        // of the two rollouts, here the untrained network's, C-Link's. (Each reading of this
        // clock is a second after the last, so half a second is over at the first question.)
        let clock = std::cell::Cell::new(0.0);
        let tick = || {
            clock.set(clock.get() + 1.0);
            clock.get()
        };
        let s = Algorithm::Bridge
            .solve(
                &inst,
                &SolveOptions {
                    graph: Some(&net),
                    beam: 4,
                    budget: Some(Budget::Seconds {
                        limit: 0.5,
                        clock: &tick,
                    }),
                    ..Default::default()
                },
            )
            .expect("a time budget");
        assert_eq!(s.structure(25).expect("a partition"), clink(&inst));
    }

    #[test]
    fn every_algorithm_returns_a_partition_with_its_value() {
        for name in Distribution::NAMES {
            let inst = Instance::generate(Distribution::from_name(name).expect("known"), 8, 1)
                .expect("valid");
            let optimum = Algorithm::Exact
                .solve(&inst, &SolveOptions::default())
                .expect("small")
                .value;
            let net = crate::leader::QNetwork::new(crate::leader::NetworkConfig::new(8), 1)
                .expect("valid");
            let leader = PlainNetwork::new(&net).expect("f32");
            let options = SolveOptions {
                seed: 4,
                leader: Some(&leader),
                ..Default::default()
            };
            for algo in Algorithm::NAMES {
                let s = Algorithm::from_name(algo)
                    .expect("listed")
                    .solve(&inst, &options)
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
    fn a_time_budget_stops_on_the_callers_clock() {
        // A clock that advances one second per reading: the budget's start is the first.
        let now = std::cell::Cell::new(0.0);
        let clock = || {
            now.set(now.get() + 1.0);
            now.get()
        };
        let budget = Budget::Seconds {
            limit: 2.5,
            clock: &clock,
        };
        let mut more = Budget::more(Some(budget), 99);
        assert_eq!([more(1), more(2), more(3)], [true, true, false]);
        let inst = Instance::generate(Distribution::from_name("combined").expect("known"), 12, 2)
            .expect("valid");
        for algo in Algorithm::anytime_names() {
            let options = SolveOptions {
                budget: Some(budget),
                ..Default::default()
            };
            let s = Algorithm::from_name(algo)
                .expect("listed")
                .solve(&inst, &options)
                .expect("solves");
            assert!(s.structure(12).is_ok(), "{algo}");
        }
        let bad = SolveOptions {
            budget: Some(Budget::Seconds {
                limit: f64::NAN,
                clock: &clock,
            }),
            ..Default::default()
        };
        let err = Algorithm::Uct.solve(&inst, &bad).expect_err("NaN seconds");
        assert!(
            err.to_string().contains("positive number of seconds"),
            "{err}"
        );
    }

    #[test]
    fn the_graph_leaders_timed_search_ends_at_a_local_optimum_never_below_its_beam() {
        let bytes = std::fs::read("tests/data/graph-leader.safetensors").expect("test data");
        let (net, _) = crate::leader::graph::weights::from_bytes(&bytes).expect("graph weights");
        // A clock that never advances: the whole search, widened to its widest, then the local
        // search to its end, so the result repeats.
        let frozen = || 0.0;
        let (mut moved, mut kept) = (0, 0);
        for name in Distribution::NAMES {
            let inst = Instance::generate(Distribution::from_name(name).expect("known"), 30, 7)
                .expect("valid");
            let solve = |budget, horizon| {
                let options = SolveOptions {
                    graph: Some(&net),
                    beam: 2,
                    budget,
                    horizon,
                    ..Default::default()
                };
                Algorithm::Bridge.solve(&inst, &options).expect("valid")
            };
            let timed = |horizon| {
                solve(
                    Some(Budget::Seconds {
                        limit: 0.01,
                        clock: &frozen,
                    }),
                    horizon,
                )
            };
            let beam = solve(None, Horizon::Full);
            let searched = timed(Horizon::Full);
            assert!(searched.value >= beam.value, "{name}");
            let cs = searched.structure(30).expect("a partition");
            assert!((cs.value(&inst) - searched.value).abs() <= 1e-9 * searched.value.abs());
            // A local optimum of GRASP's moves.
            assert_eq!(local_search_from(&inst, &cs, &mut || true), cs, "{name}");
            // The merge trace is kept exactly when the local search moved nothing, so that its
            // merges reach the structure.
            let widened = net
                .search(&inst, Horizon::Full, &SearchParams::anytime(2), &mut || {
                    true
                })
                .expect("valid")
                .rollout;
            assert_eq!(searched.steps.is_some(), widened.structure == cs, "{name}");
            match &searched.steps {
                Some(steps) => {
                    assert_eq!(steps, &widened.steps, "{name}");
                    kept += 1;
                }
                None => moved += 1,
            }
            // With a shorter horizon no local search runs: its moves count no merges.
            assert!(timed(Horizon::Half).steps.is_some(), "{name}");
        }
        // Both cases among the six when this was written.
        assert!(moved > 0 && kept > 0, "moved {moved}, kept {kept}");
    }

    #[test]
    fn names_are_checked() {
        let err = Algorithm::from_name("dijkstra")
            .expect_err("unknown")
            .to_string();
        assert!(
            err.contains("exact, bridge, clink, grasp, uct, saldae, singleton, grand, random"),
            "{err}"
        );
    }

    #[test]
    fn only_the_exact_solver_claims_optimality() {
        let inst = Instance::generate(Distribution::from_name("agent_based").expect("known"), 5, 1)
            .expect("valid");
        let options = SolveOptions::default();
        assert!(
            Algorithm::Exact
                .solve(&inst, &options)
                .expect("small")
                .optimal
        );
        assert!(
            !Algorithm::Random
                .solve(&inst, &options)
                .expect("small")
                .optimal
        );
        let err = Algorithm::Bridge
            .solve(&inst, &options)
            .expect_err("no weights")
            .to_string();
        assert!(err.contains("--weights"), "{err}");
    }
}
