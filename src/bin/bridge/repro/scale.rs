//! The protocol of the experiments at 30..100 agents (fig2, table2, table4, table7): one leader
//! per setting, a network sized for 100 agents pretrained on a smaller instance of the same
//! distribution, then evaluated on every instance without further training.
//!
//! The paper does not say how its leaders for 30..100 agents were trained. Training on each
//! evaluation instance (300 episodes of up to 99 merges at 100 agents) would take hours for one
//! table on this machine, so a leader is pretrained once per setting on `--pretrain-agents`
//! agents and must generalise, which is the paper's claim (section 1: "generalization from 3
//! to 100 agents"). Trained leaders are kept under `results/leaders/`, named by their setting,
//! and reused by later runs with the same setting; every run that needs a leader gets it from
//! [`Scale::prepare`], before the runs start, so concurrent runs never train one twice.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::Instant;

use anyhow::{anyhow, Context, Result};
use bridge_lab::algorithms::{clink, Algorithm, SolveOptions};
use bridge_lab::core::{CoalitionStructure, Distribution, Instance};
use bridge_lab::leader::graph::GraphNetwork;
use bridge_lab::leader::{
    beam, greedy, weights, DqnParams, EpisodeStats, Horizon, PlainNetwork, QNetwork, Trainer,
};
use serde::{Deserialize, Serialize};

use super::graph_leader::{self, SharedLeader};
pub use super::grid::Grid;
use super::plot::{lines, Series};
use super::sweep::{prepare_all, prepared, Memo};
use super::{dqn_params, leader_settings, network_config, Sizes};
use crate::cli::ReproArgs;

/// The agent counts of the paper's large-scale tables and figure.
pub const AGENTS: [usize; 8] = [30, 40, 50, 60, 70, 80, 90, 100];

/// The network size of every large-scale leader.
pub const MAX_AGENTS: usize = 100;

/// Seed of the pretraining instance (disjoint from the evaluation seeds 0..seeds).
const PRETRAIN_INSTANCE_SEED: u64 = 1000;

/// What a leader is trained with.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Setting {
    /// The value distribution's name.
    pub distribution: String,
    /// Hidden layer widths.
    pub hidden: Vec<usize>,
    /// The horizon used in training and evaluation.
    pub horizon: Horizon,
}

impl Setting {
    /// The paper's network (3 layers of 128) with the full horizon, on `distribution`.
    pub fn paper(distribution: &str) -> Self {
        Self {
            distribution: distribution.to_string(),
            hidden: vec![128, 128],
            horizon: Horizon::Full,
        }
    }
}

/// How a leader was trained: a sentence for the table's notes and its training curve.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct LeaderInfo {
    /// How it was trained.
    pub trained_on: String,
    /// `v(CS)` of each pretraining episode's final structure: the training curve.
    pub curve: Vec<f64>,
}

/// A pretrained leader.
pub struct Leader {
    /// The network, ready for rollouts.
    pub plain: PlainNetwork,
    /// How it was trained.
    pub info: LeaderInfo,
}

/// The training curve kept beside a leader's weights, one value per line.
fn curve_path(weights: &Path) -> PathBuf {
    weights.with_extension("curve.txt")
}

/// Where the leader of `setting` is kept: every argument that changes training names the
/// file, so a kept leader is reused only for the same setting.
fn leader_path(args: &ReproArgs, setting: &Setting) -> PathBuf {
    let hidden = hidden_name(&setting.hidden);
    args.results.join("leaders").join(format!(
        "{}_h{hidden}_{}_n{}_e{}_eps{}_lr{}{}_u{}{}{}{}{}.safetensors",
        setting.distribution,
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
    ))
}

/// Hidden widths as `128x128`.
fn hidden_name(hidden: &[usize]) -> String {
    hidden
        .iter()
        .map(usize::to_string)
        .collect::<Vec<_>>()
        .join("x")
}

/// Writes `bytes` to `path` through a temporary file and a rename, so that a concurrent reader
/// (another shard sharing the directory) sees the whole file or none.
fn write_whole(path: &Path, bytes: &[u8]) -> Result<()> {
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, path).with_context(|| format!("cannot write {}", path.display()))
}

/// The leader of `setting`: loaded from `results/leaders/` if an earlier run trained it with the
/// same arguments, trained (and saved) otherwise. Training is deterministic, so both give the
/// same leader.
fn leader(args: &ReproArgs, setting: &Setting) -> Result<Leader> {
    let path = leader_path(args, setting);
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
            info: LeaderInfo {
                trained_on: info.trained_on,
                curve,
            },
        });
    }
    let distribution = Distribution::from_name(&setting.distribution)?;
    let n = args.pretrain_agents as usize;
    let inst = Instance::generate(distribution, n, PRETRAIN_INSTANCE_SEED)?;
    let net = QNetwork::new(network_config(args, MAX_AGENTS, &setting.hidden)?, 0)?;
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
        "{}, {n} agents, seed {PRETRAIN_INSTANCE_SEED}, {} episodes ({:?}), hidden {}, horizon {}, {}",
        setting.distribution,
        report.episodes,
        report.stop,
        hidden_name(&setting.hidden),
        setting.horizon.name(),
        leader_settings(args)
    );
    eprintln!("trained a leader: {trained_on}");
    let dir = args.results.join("leaders");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    // The curve first: whoever sees the weights finds the curve too.
    let text: String = curve.iter().map(|v| format!("{v}\n")).collect();
    write_whole(&curve_path(&path), text.as_bytes())?;
    write_whole(&path, &weights::to_bytes(trainer.network(), &trained_on)?)?;
    Ok(Leader {
        plain: PlainNetwork::new(trainer.network())?,
        info: LeaderInfo { trained_on, curve },
    })
}

/// `<file>_training.svg`: each leader's pretraining curve (`v(CS)` per episode); `None` when
/// no leader has one.
pub fn training_plot<'a>(
    args: &ReproArgs,
    file: &str,
    leaders: impl IntoIterator<Item = (&'a str, &'a LeaderInfo)>,
) -> Result<Option<(String, String)>> {
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
        return Ok(None);
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
    Ok(Some((format!("{file}_training.svg"), svg)))
}

/// Beam width of the extra BRIDGE row (a search over the learned Q with true rewards; not in
/// the paper).
pub const BEAM: usize = 8;

/// One algorithm's result on one instance.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Run {
    /// The row's name: the algorithm's, or `bridge+beam8`.
    pub name: String,
    /// `v(CS)`.
    pub value: f64,
    /// Wall-clock seconds of the algorithm alone.
    pub seconds: f64,
}

/// The graph leader's rows ([`graph_leader::ROWS`]) on `inst`.
fn graph_runs(graph: &GraphNetwork, inst: &Instance, horizon: Horizon) -> Result<Vec<Run>> {
    Ok(graph_leader::rows(graph, inst, horizon)?
        .into_iter()
        .map(|r| Run {
            name: r.name.to_string(),
            value: r.value,
            seconds: r.seconds,
        })
        .collect())
}

/// Every algorithm of the registry except the exact solver, with their default budgets, the
/// leader's rollout greedy and with a beam, and the graph leader's rows, on `inst`.
fn run_all(
    inst: &Instance,
    seed: u64,
    leader: &PlainNetwork,
    graph: &GraphNetwork,
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
                graph: None,
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
    runs.extend(graph_runs(graph, inst, horizon)?);
    Ok(runs)
}

/// One run of the large-scale experiments.
#[derive(Clone, Debug, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScaleRun {
    /// Pretrain (or reuse) the leader of a setting.
    Leader {
        /// The leader's setting.
        setting: Setting,
    },
    /// Train (or reuse) the size-independent graph leader (one for every setting).
    GraphLeader,
    /// Every algorithm (the setting's leader for BRIDGE) on one instance.
    AllAlgorithms {
        /// The leader's setting; its distribution draws the instance.
        setting: Setting,
        /// The instance's size.
        agents: usize,
        /// The instance's seed.
        seed: u64,
    },
    /// C-Link and all singletons on one instance.
    References {
        /// The instance's distribution.
        distribution: String,
        /// The instance's size.
        agents: usize,
        /// The instance's seed.
        seed: u64,
    },
    /// The setting's leader, greedy and with a beam of [`BEAM`], on one instance.
    Rollouts {
        /// The leader's setting; its distribution draws the instance.
        setting: Setting,
        /// The instance's size.
        agents: usize,
        /// The instance's seed.
        seed: u64,
    },
}

/// What a [`ScaleRun`] measures, kind by kind.
#[derive(Clone, Debug, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ScaleOutcome {
    /// How the leader was trained.
    Leader(LeaderInfo),
    /// How the graph leader was trained.
    GraphLeader {
        /// Its weights' `trained_on`.
        trained_on: String,
    },
    /// Every algorithm's result, and the all-singletons value.
    AllAlgorithms {
        /// `v` of all singletons.
        singletons: f64,
        /// One entry per algorithm, in the registry's order.
        runs: Vec<Run>,
    },
    /// The references' values, and the graph leader's rows with the full horizon.
    References {
        /// C-Link's.
        clink: f64,
        /// All singletons'.
        singletons: f64,
        /// The graph leader's rows ([`graph_leader::ROWS`]).
        graph: Vec<Run>,
    },
    /// The leader's values.
    Rollouts {
        /// Greedy.
        greedy: f64,
        /// With a beam of [`BEAM`].
        beam: f64,
    },
}

/// What the large-scale experiments share: their arguments, agent counts and the leaders their
/// runs use.
pub struct Scale<'a> {
    /// The command's arguments.
    pub args: &'a ReproArgs,
    /// The agent counts run: [`AGENTS`], or those of `--agents`.
    pub sizes: Sizes,
    leaders: Memo<PathBuf, Leader>,
    graph: SharedLeader,
}

impl<'a> Scale<'a> {
    /// No leader loaded yet.
    pub fn new(args: &'a ReproArgs) -> Result<Self> {
        Ok(Self {
            args,
            sizes: Sizes::new(args, &AGENTS)?,
            leaders: Memo::default(),
            graph: SharedLeader::default(),
        })
    }

    /// Trains or loads, in parallel, every leader `runs` use.
    pub fn prepare(&self, runs: &[&ScaleRun]) -> Result<()> {
        let settings: HashMap<PathBuf, &Setting> = runs
            .iter()
            .filter_map(|run| match run {
                ScaleRun::Leader { setting }
                | ScaleRun::AllAlgorithms { setting, .. }
                | ScaleRun::Rollouts { setting, .. } => {
                    Some((leader_path(self.args, setting), setting))
                }
                ScaleRun::References { .. } | ScaleRun::GraphLeader => None,
            })
            .collect();
        prepare_all(&self.leaders, settings.keys().cloned().collect(), |path| {
            leader(self.args, settings[path])
        })?;
        // Every experiment on this protocol has graph rows; after the paper's leaders, whose
        // settings are checked as they are made.
        if !runs.is_empty() {
            self.graph.get(self.args)?;
        }
        Ok(())
    }

    /// Executes one run (its leader prepared).
    pub fn execute(&self, run: &ScaleRun) -> Result<ScaleOutcome> {
        let instance = |distribution: &str, n: usize, seed: u64| -> Result<Instance> {
            Ok(Instance::generate(
                Distribution::from_name(distribution)?,
                n,
                seed,
            )?)
        };
        let leader = |setting: &Setting| prepared(&self.leaders, &leader_path(self.args, setting));
        Ok(match run {
            ScaleRun::Leader { setting } => ScaleOutcome::Leader(leader(setting)?.info.clone()),
            ScaleRun::GraphLeader => ScaleOutcome::GraphLeader {
                trained_on: self.graph.get(self.args)?.1.clone(),
            },
            ScaleRun::AllAlgorithms {
                setting,
                agents,
                seed,
            } => {
                let inst = instance(&setting.distribution, *agents, *seed)?;
                let graph = self.graph.get(self.args)?;
                let runs = run_all(
                    &inst,
                    *seed,
                    &leader(setting)?.plain,
                    &graph.0,
                    setting.horizon,
                )?;
                let singletons = CoalitionStructure::singletons(*agents).value(&inst);
                eprintln!(
                    "{}, {agents} agents, seed {seed}: done",
                    setting.distribution
                );
                ScaleOutcome::AllAlgorithms { singletons, runs }
            }
            ScaleRun::References {
                distribution,
                agents,
                seed,
            } => {
                let inst = instance(distribution, *agents, *seed)?;
                ScaleOutcome::References {
                    clink: clink(&inst).value(&inst),
                    singletons: CoalitionStructure::singletons(*agents).value(&inst),
                    graph: graph_runs(&self.graph.get(self.args)?.0, &inst, Horizon::Full)?,
                }
            }
            ScaleRun::Rollouts {
                setting,
                agents,
                seed,
            } => {
                let inst = instance(&setting.distribution, *agents, *seed)?;
                let plain = &leader(setting)?.plain;
                ScaleOutcome::Rollouts {
                    greedy: greedy(plain, &inst, setting.horizon)?.value,
                    beam: beam(plain, &inst, setting.horizon, BEAM)?.value,
                }
            }
        })
    }
}

/// The leader runs' descriptions among `results`, by setting.
pub fn leader_infos<'r>(
    results: &'r [(&ScaleRun, Option<ScaleOutcome>)],
) -> Vec<(&'r Setting, &'r LeaderInfo)> {
    results
        .iter()
        .filter_map(|(run, outcome)| match (run, outcome) {
            (ScaleRun::Leader { setting }, Some(ScaleOutcome::Leader(info))) => {
                Some((setting, info))
            }
            _ => None,
        })
        .collect()
}

/// The graph leader's description among `results`, or a note that its run is missing.
pub fn graph_trained_on(results: &[(&ScaleRun, Option<ScaleOutcome>)]) -> String {
    results
        .iter()
        .find_map(|(_, outcome)| match outcome {
            Some(ScaleOutcome::GraphLeader { trained_on }) => Some(trained_on.clone()),
            _ => None,
        })
        .unwrap_or_else(|| "(its run is missing)".to_string())
}

/// The description of the leader of `setting` among `infos`, or a note that its run is missing.
pub fn trained_on(infos: &[(&Setting, &LeaderInfo)], setting: &Setting) -> String {
    infos
        .iter()
        .find(|(s, _)| *s == setting)
        .map_or("(its run is missing)".to_string(), |(_, info)| {
            info.trained_on.clone()
        })
}

/// An outcome of a kind its run cannot have (a tampered shard file).
pub fn wrong_kind(run: &ScaleRun) -> anyhow::Error {
    anyhow!("the outcome of run {run:?} is not of its kind")
}
