//! Turning `--instance FILE` or `--dist/--agents/--seed/--param` into an instance.

use std::path::Path;

use anyhow::{bail, Context, Result};
use bridge_lab::core::{instance_file, Distribution, Instance, MAX_AGENTS};
use bridge_lab::leader::graph::{weights as graph_weights, GraphNetwork};
use bridge_lab::leader::weights::{self, WeightsInfo};
use bridge_lab::leader::{PlainNetwork, QNetwork};

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
    let Some(agents) = args.agents else {
        bail!("--agents N is required with --dist")
    };
    if agents.lo != agents.hi {
        bail!(
            "--agents {}..{} is a range: this command takes one size (ranges are for `train --network graph`)",
            agents.lo,
            agents.hi
        );
    }
    let n = agents.lo;
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

/// A trained leader of either network, as `--weights` gives it.
pub enum Leader {
    /// The paper's network.
    Paper(PlainNetwork),
    /// The size-independent graph leader.
    Graph(GraphNetwork),
}

/// Reads leader weights of either network (the file's metadata says which); errors name the
/// file.
pub fn read_leader(path: &Path) -> Result<Leader> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read weights file {}", path.display()))?;
    let context = || format!("bad weights file {}", path.display());
    if graph_weights::is_graph(&bytes) {
        Ok(Leader::Graph(
            graph_weights::from_bytes(&bytes).with_context(context)?.0,
        ))
    } else {
        let net = weights::from_bytes(&bytes).with_context(context)?.0;
        Ok(Leader::Paper(PlainNetwork::new(&net)?))
    }
}

/// Reads leader weights (safetensors); errors name the file.
pub fn read_weights(path: &Path) -> Result<(QNetwork, WeightsInfo)> {
    let bytes = std::fs::read(path)
        .with_context(|| format!("cannot read weights file {}", path.display()))?;
    weights::from_bytes(&bytes).with_context(|| format!("bad weights file {}", path.display()))
}
