//! `bridge repro NAME`: regenerates one of the paper's tables (SPEC section 7) under `results/`,
//! as Markdown with the paper's figures beside ours, CSV, and an SVG plot.

mod ablation;
mod fig2;
mod plot;
mod scale;
mod table1;
mod table2;
mod table3;
mod table5;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use bridge_lab::leader::network::Scorer;
use bridge_lab::leader::{DqnParams, NetworkConfig};

use crate::cli::ReproArgs;

/// The experiments this version can regenerate.
pub const NAMES: [&str; 7] = [
    "table1", "table2", "table3", "table4", "table5", "table7", "fig2",
];

/// Runs `bridge repro`.
pub fn run(args: ReproArgs) -> Result<()> {
    std::fs::create_dir_all(&args.results)
        .with_context(|| format!("cannot create {}", args.results.display()))?;
    match args.name.as_str() {
        "table1" => table1::run(&args),
        "table2" => table2::run(&args),
        "table3" => table3::run(&args),
        "table4" => ablation::table4(&args),
        "table5" => table5::run(&args),
        "table7" => ablation::table7(&args),
        "fig2" => fig2::run(&args),
        other => bail!(
            "unknown experiment `{other}`; this version regenerates {}",
            NAMES.join(", ")
        ),
    }
}

/// Writes `text` to `dir/name` and says so on stderr.
pub fn write(dir: &Path, name: &str, text: &str) -> Result<PathBuf> {
    let path = dir.join(name);
    std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(path)
}

/// The DQN settings of every leader an experiment trains: the paper's, changed only by the
/// command's options.
pub fn dqn_params(args: &ReproArgs, seed: u64, early_stop_window: usize) -> DqnParams {
    args.dqn.apply(DqnParams {
        seed,
        early_stop_window,
        epsilon_decay_steps: args.epsilon_decay,
        learning_rate: args.lr,
        ..Default::default()
    })
}

/// How the leaders of an experiment are trained, in words: the paper's DQN settings, then every
/// option that departs from them.
pub fn leader_settings(args: &ReproArgs) -> String {
    let paper = DqnParams::default();
    let mut changes = Vec::new();
    if args.scorer != "additive" {
        changes.push(format!("{} scorer", args.scorer));
    }
    if args.epsilon_decay != paper.epsilon_decay_steps {
        changes.push(format!("ε decaying over {} steps", args.epsilon_decay));
    }
    if args.lr != paper.learning_rate {
        changes.push(format!("learning rate {}", args.lr));
    }
    if args.dqn.target_sync != paper.target_sync {
        changes.push(format!(
            "target sync every {} updates",
            args.dqn.target_sync
        ));
    }
    if args.dqn.updates_per_step != paper.updates_per_step {
        changes.push(format!("{} updates per step", args.dqn.updates_per_step));
    }
    if args.dqn.double_dqn {
        changes.push("Double DQN".into());
    }
    if args.dqn.return_bound {
        changes.push("return lower bound".into());
    }
    if args.dqn.return_mix != 0.0 {
        changes.push(format!("return mix λ = {}", args.dqn.return_mix));
    }
    if changes.is_empty() {
        "the paper's DQN settings (additive scorer, ε over 10 000 steps)".into()
    } else {
        format!("the paper's DQN settings except: {}", changes.join(", "))
    }
}

/// The paper's hidden widths, "3 layers (128, 128)".
pub const HIDDEN: [usize; 2] = [128, 128];

/// The network of every leader an experiment trains for `max_agents` agents with the given
/// hidden widths: the paper's scorer unless `--scorer` says otherwise.
pub fn network_config(
    args: &ReproArgs,
    max_agents: usize,
    hidden: &[usize],
) -> Result<NetworkConfig> {
    Ok(NetworkConfig {
        max_agents,
        hidden: hidden.to_vec(),
        scorer: Scorer::from_name(&args.scorer)?,
    })
}

/// The first two lines of a Markdown table with one column per agent count.
pub fn agents_header(first: &str, agents: &[usize]) -> String {
    let columns: Vec<String> = agents.iter().map(|n| format!("{n} agents")).collect();
    format!(
        "| {first} | {} |\n|---|{}\n",
        columns.join(" | "),
        "---|".repeat(agents.len())
    )
}

/// The smallest and the largest of `xs` (infinities when empty).
pub fn range(xs: impl IntoIterator<Item = f64>) -> (f64, f64) {
    xs.into_iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), x| {
            (lo.min(x), hi.max(x))
        })
}

/// Mean and sample standard deviation.
pub fn mean_std(xs: &[f64]) -> (f64, f64) {
    let n = xs.len() as f64;
    if xs.is_empty() {
        return (f64::NAN, f64::NAN);
    }
    let mean = xs.iter().sum::<f64>() / n;
    let var = if xs.len() > 1 {
        xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / (n - 1.0)
    } else {
        0.0
    };
    (mean, var.sqrt())
}
