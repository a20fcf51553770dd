//! `bridge repro NAME`: regenerates one of the paper's tables (SPEC section 7) under `results/`,
//! as Markdown with the paper's figures beside ours, CSV, and an SVG plot. Every experiment is a
//! sweep of independent runs ([`mod@sweep`]): run on every core, one shard of them, or merged from
//! shards.

mod ablation;
mod fig2;
mod graph_leader;
mod grid;
mod lbf;
mod plot;
mod scale;
mod sizes;
pub mod sweep;
mod table1;
mod table2;
mod table3;
mod table5;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use bridge_lab::leader::network::Scorer;
use bridge_lab::leader::{DqnParams, NetworkConfig};
use serde_json::{json, Value};

use crate::cli::ReproArgs;
use ablation::Ablation;
use fig2::Fig2;
use lbf::{Kind, LbfExperiment};
use scale::Scale;
use sweep::{sweep, Plan};
use table1::Table1;
use table2::Table2;
use table3::Table3;
use table5::Table5;

/// The experiments this version can regenerate.
pub const NAMES: [&str; 11] = [
    "table1", "table2", "table3", "table4", "table5", "table7", "fig2", "scale", "fig3", "fig4",
    "table6",
];

/// Runs `bridge repro`.
pub fn run(args: ReproArgs) -> Result<()> {
    if !NAMES.contains(&args.name.as_str()) {
        bail!(
            "unknown experiment `{}`; this version regenerates {}",
            args.name,
            NAMES.join(", ")
        );
    }
    std::fs::create_dir_all(&args.results)
        .with_context(|| format!("cannot create {}", args.results.display()))?;
    let plan = Plan {
        experiment: &args.name,
        settings: settings(&args),
        results: &args.results,
        jobs: args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        }),
        shard: args.shard,
        merge: &args.merge,
        allow_partial: args.allow_partial,
    };
    match args.name.as_str() {
        "table1" => sweep(&Table1::new(&args)?, &plan),
        "table2" => sweep(&Table2(Scale::new(&args)?), &plan),
        "table3" => sweep(&Table3::new(&args)?, &plan),
        "table4" => sweep(&Ablation::table4(Scale::new(&args)?), &plan),
        "table5" => sweep(&Table5::new(&args)?, &plan),
        "table7" => sweep(&Ablation::table7(Scale::new(&args)?), &plan),
        "fig3" => sweep(&LbfExperiment::new(Kind::Fig3, &args)?, &plan),
        "fig4" => sweep(&LbfExperiment::new(Kind::Fig4, &args)?, &plan),
        "table6" => sweep(&LbfExperiment::new(Kind::Table6, &args)?, &plan),
        "scale" => sweep(&sizes::AcrossSizes::new(&args)?, &plan),
        _ => sweep(&Fig2(Scale::new(&args)?), &plan),
    }
}

/// Every option of `bridge repro` that changes results (recorded in shard files, compared on
/// merging); `--results`, `--jobs`, `--shard` and `--merge` do not.
fn settings(args: &ReproArgs) -> Value {
    json!({
        "seeds": args.seeds,
        "first_seed": args.first_seed,
        "pretrain_episodes": args.pretrain_episodes,
        "pretrain_agents": args.pretrain_agents,
        "few_shot_short": args.few_shot_short,
        "few_shot_long": args.few_shot_long,
        "epsilon_decay": args.epsilon_decay,
        "beam": args.beam,
        "lr": args.lr,
        "scorer": args.scorer,
        "double_dqn": args.dqn.double_dqn,
        "updates_per_step": args.dqn.updates_per_step,
        "return_bound": args.dqn.return_bound,
        "return_mix": args.dqn.return_mix,
        "target_sync": args.dqn.target_sync,
        "agents": args.agents,
        "configs": args.configs,
        "lbf_episodes": args.lbf_episodes,
    })
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

/// The agent counts an experiment runs: all of its own, or those `--agents` picks among them.
#[derive(Clone, Debug)]
pub struct Sizes {
    all: &'static [usize],
    /// Indices into `all`, in its order.
    columns: Vec<usize>,
}

impl Sizes {
    /// The sizes of `all` that `--agents` names (all of them without it); refuses others.
    pub fn new(args: &ReproArgs, all: &'static [usize]) -> Result<Self> {
        let Some(wanted) = &args.agents else {
            return Ok(Self {
                all,
                columns: (0..all.len()).collect(),
            });
        };
        if let Some(n) = wanted.iter().find(|n| !all.contains(n)) {
            let list: Vec<String> = all.iter().map(usize::to_string).collect();
            bail!(
                "--agents {n}: {} runs {} agents",
                args.name,
                list.join(", ")
            );
        }
        let columns = (0..all.len())
            .filter(|&k| wanted.contains(&all[k]))
            .collect();
        Ok(Self { all, columns })
    }

    /// The agent counts run, in order.
    pub fn agents(&self) -> Vec<usize> {
        self.columns.iter().map(|&k| self.all[k]).collect()
    }

    /// Their indices among all of the experiment's sizes (which index the paper's figures).
    pub fn columns(&self) -> &[usize] {
        &self.columns
    }

    /// The index of `n` among all of the experiment's sizes.
    pub fn index(&self, n: usize) -> usize {
        self.all.iter().position(|&a| a == n).unwrap_or_default()
    }
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
