//! The protocol of the experiments at 30..100 agents (fig2, table2, table4, table7): one leader
//! per setting, a network sized for 100 agents pretrained on a smaller instance of the same
//! distribution, then evaluated on every instance without further training.
//!
//! The paper does not say how its leaders for 30..100 agents were trained. Training on each
//! evaluation instance (300 episodes of up to 99 merges at 100 agents) would take hours for one
//! table on this machine, so a leader is pretrained once per setting on `--pretrain-agents`
//! agents and must generalise, which is the paper's claim (section 1: "generalization from 3
//! to 100 agents"). Trained leaders are kept under `results/leaders/`, named by their setting,
//! and reused by later runs with the same setting.

use std::path::PathBuf;
use std::time::Instant;

use anyhow::{Context, Result};
use bridge_lab::algorithms::{Algorithm, SolveOptions};
use bridge_lab::core::{Distribution, Instance};
use bridge_lab::leader::{
    weights, DqnParams, EpisodeStats, Horizon, PlainNetwork, QNetwork, Trainer,
};

use super::plot::{lines, Series};
use super::{agents_header, dqn_params, leader_settings, mean_std, network_config, write};
use crate::cli::ReproArgs;

/// The agent counts of the paper's large-scale tables and figure.
pub const AGENTS: [usize; 8] = [30, 40, 50, 60, 70, 80, 90, 100];

/// The network size of every large-scale leader.
pub const MAX_AGENTS: usize = 100;

/// Seed of the pretraining instance (disjoint from the evaluation seeds 0..seeds).
const PRETRAIN_INSTANCE_SEED: u64 = 1000;

/// What a leader is trained with.
pub struct Setting<'a> {
    /// The value distribution.
    pub distribution: &'a Distribution,
    /// Hidden layer widths.
    pub hidden: &'a [usize],
    /// The horizon used in training and evaluation.
    pub horizon: Horizon,
}

/// A pretrained leader and a sentence saying how it was trained.
pub struct Leader {
    /// The network, ready for rollouts.
    pub plain: PlainNetwork,
    /// How it was trained, for the table's notes.
    pub trained_on: String,
    /// `v(CS)` of each pretraining episode's final structure: the training curve.
    pub curve: Vec<f64>,
}

/// The training curve kept beside a leader's weights, one value per line.
fn curve_path(weights: &std::path::Path) -> PathBuf {
    weights.with_extension("curve.txt")
}

/// The leader of `setting`: loaded from `results/leaders/` if an earlier run trained it with the
/// same arguments, trained (and saved) otherwise.
pub fn leader(args: &ReproArgs, setting: &Setting) -> Result<Leader> {
    let hidden = setting
        .hidden
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("x");
    let dir = args.results.join("leaders");
    // Every argument that changes training names the file, so a cached leader is reused only
    // for the same setting.
    let path: PathBuf = dir.join(format!(
        "{}_h{hidden}_{}_n{}_e{}_eps{}_lr{}{}_u{}{}{}{}{}.safetensors",
        setting.distribution.name(),
        setting.horizon.name().replace('/', "half"),
        args.pretrain_agents,
        args.pretrain_episodes,
        args.epsilon_decay,
        args.lr,
        if args.dqn.double_dqn { "_double" } else { "" },
        args.dqn.updates_per_step,
        if args.dqn.return_bound { "_bound" } else { "" },
        if args.dqn.return_mix == 0.0 {
            String::new()
        } else {
            format!("_mix{}", args.dqn.return_mix)
        },
        if args.dqn.target_sync == 100 {
            String::new()
        } else {
            format!("_sync{}", args.dqn.target_sync)
        },
        match args.scorer.as_str() {
            "additive" => String::new(),
            other => format!("_{}", other.replace(':', "")),
        }
    ));
    if let Ok(bytes) = std::fs::read(&path) {
        let (net, info) = weights::from_bytes(&bytes)
            .with_context(|| format!("{} is not a leader; delete it to retrain", path.display()))?;
        // A missing or unreadable curve only leaves the plot without it.
        let curve = std::fs::read_to_string(curve_path(&path))
            .map(|text| text.lines().filter_map(|l| l.parse().ok()).collect())
            .unwrap_or_default();
        eprintln!("reusing {}", path.display());
        return Ok(Leader {
            plain: PlainNetwork::new(&net)?,
            trained_on: info.trained_on,
            curve,
        });
    }
    let n = args.pretrain_agents as usize;
    let inst = Instance::generate(setting.distribution.clone(), n, PRETRAIN_INSTANCE_SEED)?;
    let net = QNetwork::new(network_config(args, MAX_AGENTS, setting.hidden)?, 0)?;
    let mut trainer = Trainer::new(
        net,
        DqnParams {
            horizon: setting.horizon,
            ..dqn_params(args, 0, DqnParams::default().early_stop_window)
        },
    )?;
    let mut curve = Vec::new();
    let report = trainer.train(
        &inst,
        args.pretrain_episodes as usize,
        &mut |s: &EpisodeStats| {
            curve.push(s.value);
            true
        },
    )?;
    let trained_on = format!(
        "{}, {n} agents, seed {PRETRAIN_INSTANCE_SEED}, {} episodes ({:?}), hidden {hidden}, horizon {}, {}",
        setting.distribution.name(),
        report.episodes,
        report.stop,
        setting.horizon.name(),
        leader_settings(args)
    );
    eprintln!("trained a leader: {trained_on}");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    std::fs::write(&path, weights::to_bytes(trainer.network(), &trained_on)?)
        .with_context(|| format!("cannot write {}", path.display()))?;
    let text: String = curve.iter().map(|v| format!("{v}\n")).collect();
    std::fs::write(curve_path(&path), text)
        .with_context(|| format!("cannot write {}", curve_path(&path).display()))?;
    Ok(Leader {
        plain: PlainNetwork::new(trainer.network())?,
        trained_on,
        curve,
    })
}

/// Writes `<file>_training.svg`: each leader's pretraining curve (`v(CS)` per episode).
pub fn training_plot<'a>(
    args: &ReproArgs,
    file: &str,
    leaders: impl IntoIterator<Item = (&'a str, &'a Leader)>,
) -> Result<()> {
    let series: Vec<Series> = leaders
        .into_iter()
        .filter(|(_, l)| !l.curve.is_empty())
        .map(|(label, l)| Series {
            label: label.to_string(),
            points: l
                .curve
                .iter()
                .enumerate()
                .map(|(e, &v)| ((e + 1) as f64, v))
                .collect(),
        })
        .collect();
    if series.is_empty() {
        return Ok(());
    }
    let svg = lines(
        &format!(
            "Pretraining on {} agents: v(CS) of each episode's final structure",
            args.pretrain_agents
        ),
        "episode",
        "v(CS)",
        &series,
    )?;
    write(&args.results, &format!("{file}_training.svg"), &svg)?;
    Ok(())
}

/// Beam width of the extra BRIDGE row (a search over the learned Q with true rewards; not in
/// the paper).
pub const BEAM: usize = 8;

/// One algorithm's result on one instance.
pub struct Run {
    /// The row's name: the algorithm's, or `bridge+beam8`.
    pub name: String,
    /// `v(CS)`.
    pub value: f64,
    /// Wall-clock seconds of the algorithm alone.
    pub seconds: f64,
}

/// Every algorithm of the registry except the exact solver, with their default budgets, and
/// the leader's rollout greedy and with a beam, on `inst`.
pub fn run_all(
    inst: &Instance,
    seed: u64,
    leader: &PlainNetwork,
    horizon: Horizon,
) -> Result<Vec<Run>> {
    let mut runs = Vec::new();
    for name in Algorithm::NAMES {
        let algorithm = Algorithm::from_name(name)?;
        if algorithm == Algorithm::Exact {
            continue;
        }
        let widths: &[usize] = if algorithm == Algorithm::Bridge {
            &[1, BEAM]
        } else {
            &[1]
        };
        for &beam in widths {
            let options = SolveOptions {
                seed,
                leader: Some(leader),
                beam,
                horizon,
                budget: None,
            };
            let start = Instant::now();
            let solution = algorithm.solve(inst, &options)?;
            let seconds = start.elapsed().as_secs_f64();
            runs.push(Run {
                name: if beam > 1 {
                    format!("{name}+beam{beam}")
                } else {
                    name.to_string()
                },
                value: solution.value,
                seconds,
            });
        }
    }
    Ok(runs)
}

/// Samples by row and agent count, in the order rows first appear: the body of a table whose
/// columns are [`AGENTS`].
#[derive(Default)]
pub struct Grid {
    rows: Vec<String>,
    cells: Vec<Vec<Vec<f64>>>,
}

impl Grid {
    /// Records `x` for `row` at agent count index `k`.
    pub fn push(&mut self, row: &str, k: usize, x: f64) {
        let r = match self.rows.iter().position(|name| name == row) {
            Some(r) => r,
            None => {
                self.rows.push(row.to_string());
                self.cells.push(vec![Vec::new(); AGENTS.len()]);
                self.rows.len() - 1
            }
        };
        self.cells[r][k].push(x);
    }

    /// The rows' names.
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// Mean and standard deviation of `row` at index `k`.
    pub fn stats(&self, row: &str, k: usize) -> (f64, f64) {
        self.rows
            .iter()
            .position(|name| name == row)
            .map_or((f64::NAN, f64::NAN), |r| mean_std(&self.cells[r][k]))
    }

    /// A Markdown table: one line per row, each cell written by `cell(mean, std)`.
    pub fn markdown(&self, first: &str, cell: impl Fn(f64, f64) -> String) -> String {
        let mut md = agents_header(first, &AGENTS);
        for row in &self.rows {
            let cells: Vec<String> = (0..AGENTS.len())
                .map(|k| {
                    let (m, s) = self.stats(row, k);
                    cell(m, s)
                })
                .collect();
            md += &format!("| {row} | {} |\n", cells.join(" | "));
        }
        md
    }

    /// The rows' means as plot series over the agent counts.
    pub fn series(&self) -> Vec<Series> {
        self.rows
            .iter()
            .map(|row| Series {
                label: row.clone(),
                points: AGENTS
                    .iter()
                    .enumerate()
                    .map(|(k, &n)| (n as f64, self.stats(row, k).0))
                    .collect(),
            })
            .collect()
    }
}
