//! `bridge solve`: runs one algorithm on an instance and prints the solution.

use std::time::Instant;

use anyhow::Result;
use bridge_lab::algorithms::Algorithm;
use bridge_lab::core::MAX_AGENTS;

use crate::cli::SolveArgs;
use crate::instance_args::{generated_instance, read_instance};
use crate::output;

/// Runs `bridge solve`.
pub fn run(args: SolveArgs) -> Result<()> {
    let algorithm = Algorithm::from_name(&args.algo)?;
    let instance = match &args.instance {
        Some(path) => read_instance(path)?,
        None => generated_instance(&args.dist, MAX_AGENTS)?,
    };
    let seed = args.dist.seed.unwrap_or(0);
    let start = Instant::now();
    let mut solution = algorithm.solve(&instance, seed)?;
    solution.seconds = start.elapsed().as_secs_f64();
    output::write(args.out.as_deref(), &solution.to_json())
}
