//! Turning `--instance FILE` or `--dist/--agents/--seed/--param` into an instance.

use std::path::Path;

use anyhow::{bail, Context, Result};
use bridge_lab::core::{instance_file, Distribution, Instance, MAX_AGENTS};
use bridge_lab::leader::weights::{self, WeightsInfo};
use bridge_lab::leader::QNetwork;

use crate::cli::DistArgs;

/// Reads an instance file (JSON or ODP-IP text); errors name the file.
pub fn read_instance(path: &Path) -> Result<Instance> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read instance file {}", path.display()))?;
    instance_file::parse_instance(&text)
        .with_context(|| format!("bad instance file {}", path.display()))
}

/// The lazy instance `--dist`, `--agents`, `--seed`, `--param` describe, with at most `max_agents`.
pub fn generated_instance(args: &DistArgs, max_agents: usize) -> Result<Instance> {
    let Some(name) = &args.dist else {
        bail!("give an instance: --instance FILE, or --dist NAME --agents N --seed S");
    };
    let Some(n) = args.agents else {
        bail!("--agents N is required with --dist")
    };
    let Some(seed) = args.seed else {
        bail!("--seed S is required with --dist")
    };
    let max = max_agents.min(MAX_AGENTS);
    if n == 0 || n > max {
        bail!("--agents {n} is out of range: give 1 to {max}");
    }
    let params = args
        .params
        .iter()
        .map(|p| Distribution::parse_param(p))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let distribution = Distribution::with_params(name, &params)?;
    Ok(Instance::generate(distribution, n, seed)?)
}

/// Reads leader weights (safetensors); errors name the file.
pub fn read_weights(path: &Path) -> Result<(QNetwork, WeightsInfo)> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read weights file {}", path.display()))?;
    weights::from_bytes(&bytes).with_context(|| format!("bad weights file {}", path.display()))
}
