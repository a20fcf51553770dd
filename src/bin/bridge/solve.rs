//! `bridge solve`: runs one algorithm on an instance and prints the solution.

use std::time::Instant;

use anyhow::{bail, Result};
use bridge_lab::algorithms::{Algorithm, Budget, SolveOptions};
use bridge_lab::core::MAX_AGENTS;
use bridge_lab::leader::Horizon;

use crate::cli::{BudgetArg, SolveArgs, DEFAULT_SEARCH_MS};
use crate::instance_args::{generated_instance, read_instance, read_leader, Leader};
use crate::output;

/// Runs `bridge solve`.
pub fn run(args: SolveArgs) -> Result<()> {
    let algorithm = Algorithm::from_name(&args.algo)?;
    let horizon = Horizon::from_name(&args.horizon)?;
    let instance = match &args.instance {
        Some(path) => read_instance(path)?,
        None => generated_instance(&args.dist, MAX_AGENTS)?,
    };
    if algorithm == Algorithm::Bridge {
        bridge_lab::leader::check_values(&instance)?;
    }
    let leader = match &args.weights {
        Some(path) => Some(read_leader(path)?),
        None => None,
    };
    let graph = matches!(leader, Some(Leader::Graph(_)));
    if algorithm == Algorithm::Bridge && args.budget.is_some() {
        bail!("bridge takes no --budget; the graph leader's search takes --time-ms");
    }
    if args.time_ms.is_some() && !(algorithm == Algorithm::Bridge && graph) {
        bail!("--time-ms is the graph leader's search time: it applies to --algo bridge with graph leader weights only");
    }
    let start = Instant::now();
    let clock = || start.elapsed().as_secs_f64();
    let beam_ms = args
        .time_ms
        .or((graph && args.beam > 1).then_some(DEFAULT_SEARCH_MS));
    let budget = args.budget.map(|b| match b {
        BudgetArg::Iterations(k) => Budget::Iterations(k),
        BudgetArg::Seconds(limit) => Budget::Seconds {
            limit,
            clock: &clock,
        },
    });
    let budget = budget.or(beam_ms.map(|ms| Budget::Seconds {
        limit: ms / 1000.0,
        clock: &clock,
    }));
    let options = SolveOptions {
        seed: args.dist.seed.unwrap_or(0),
        leader: match &leader {
            Some(Leader::Paper(net)) => Some(net),
            _ => None,
        },
        graph: match &leader {
            Some(Leader::Graph(net)) => Some(net),
            _ => None,
        },
        beam: args.beam as usize,
        horizon,
        budget,
    };
    let start = Instant::now();
    let mut solution = algorithm.solve(&instance, &options)?;
    solution.seconds = start.elapsed().as_secs_f64();
    output::write(args.out.as_deref(), &solution.to_json())
}
