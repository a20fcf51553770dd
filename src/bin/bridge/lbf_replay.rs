//! `bridge lbf-replay FILE`: replays a recorded Level-Based Foraging episode (SPEC section 6)
//! and prints our trajectory in the same format; with `--check`, also compares it with the
//! recording and fails on the first difference.

use anyhow::{bail, Context, Result};
use bridge_lab::lbf::{first_mismatch, replay, EpisodeFile};

use crate::cli::LbfReplayArgs;
use crate::output;

/// Runs `bridge lbf-replay`.
pub fn run(args: LbfReplayArgs) -> Result<()> {
    let path = args.file.display();
    let text =
        std::fs::read_to_string(&args.file).with_context(|| format!("cannot read {path}"))?;
    let recorded = EpisodeFile::from_json(&text).with_context(|| format!("{path}"))?;
    let ours = replay(&recorded).with_context(|| format!("{path}"))?;
    if args.check {
        if let Some(mismatch) = first_mismatch(&recorded, &ours) {
            bail!("{path}: does not match the recording: {mismatch}");
        }
        eprintln!(
            "{path}: matches the recording ({} steps)",
            recorded.steps.len()
        );
    }
    output::write(args.out.as_deref(), &ours.to_json())
}
