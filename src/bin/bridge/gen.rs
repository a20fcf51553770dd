//! `bridge gen`: writes a dense instance drawn from a distribution.

use anyhow::{bail, Result};
use bridge_lab::core::{instance_file, MAX_TABLE_AGENTS};

use crate::cli::{Format, GenArgs};
use crate::instance_args::generated_instance;
use crate::output;

/// Runs `bridge gen`.
pub fn run(args: GenArgs) -> Result<()> {
    if args.dist.dist.is_none() {
        bail!("--dist NAME is required");
    }
    let instance = generated_instance(&args.dist, MAX_TABLE_AGENTS)?;
    let text = match args.format {
        Format::Json => instance_file::to_json(&instance)?,
        Format::Odpip => instance_file::to_odpip(&instance)?,
    };
    output::write(args.out.as_deref(), text.trim_end())
}
