//! The command line's arguments (clap), one struct per command.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// BRIDGE Lab: coalition structure generation by bi-level reinforcement learning.
#[derive(Parser, Debug)]
#[command(name = "bridge", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
    /// Write a dense instance (n ≤ 20) drawn from a value distribution.
    Gen(GenArgs),
    /// Solve an instance with one algorithm and print the solution as JSON.
    Solve(SolveArgs),
}

/// An instance given by its distribution, size and seed.
#[derive(Args, Debug, Clone)]
pub struct DistArgs {
    /// Value distribution: modified_uniform, modified_normal, agent_based,
    /// hard_modified_uniform, hard_modified_normal, combined.
    #[arg(long)]
    pub dist: Option<String>,
    /// Number of agents.
    #[arg(long)]
    pub agents: Option<usize>,
    /// Seed of the instance (and of randomised algorithms).
    #[arg(long)]
    pub seed: Option<u64>,
    /// A distribution parameter as name=value (repeatable), e.g. --param gamma=0.2.
    #[arg(long = "param", value_name = "NAME=VALUE")]
    pub params: Vec<String>,
}

#[derive(Args, Debug)]
pub struct GenArgs {
    #[command(flatten)]
    pub dist: DistArgs,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Json)]
    pub format: Format,
    /// Write here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}

/// Instance file formats (SPEC section 3).
#[derive(ValueEnum, Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// The JSON instance format.
    Json,
    /// ODP-IP text: one value per line, line x holds bitmask x − 1.
    Odpip,
}

#[derive(Args, Debug)]
pub struct SolveArgs {
    /// Algorithm: exact, singleton, grand, random.
    #[arg(long)]
    pub algo: String,
    /// Instance file (JSON or ODP-IP text); or give --dist, --agents and --seed.
    #[arg(long, conflicts_with = "dist")]
    pub instance: Option<PathBuf>,
    #[command(flatten)]
    pub dist: DistArgs,
    /// Write the solution here instead of stdout.
    #[arg(long)]
    pub out: Option<PathBuf>,
}
