//! `bridge solve`: runs one algorithm on an instance and prints the solution.

use std::time::Instant;

use anyhow::Result;
use bridge_lab::algorithms::{Algorithm, Budget, SolveOptions};
use bridge_lab::core::MAX_AGENTS;
use bridge_lab::leader::Horizon;

use crate::cli::{BudgetArg, SolveArgs};
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
    let leader = match &args.weights {
        Some(path) => Some(read_leader(path)?),
        None => None,
    };
    let start = Instant::now();
    let clock = || start.elapsed().as_secs_f64();
    let budget = args.budget.map(|b| match b {
        BudgetArg::Iterations(k) => Budget::Iterations(k),
        BudgetArg::Seconds(limit) => Budget::Seconds {
            limit,
            clock: &clock,
        },
    });
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
