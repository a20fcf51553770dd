//! `bridge repro scale` (issue 12, not in the paper): the size-independent graph leader trained
//! once, across 10..60 agents and the six distributions (`GraphTraining::default`), then run
//! greedily at 10, 30, 100, 300 and 1000 agents on every distribution beside C-Link, GRASP,
//! CSG-UCT and SALDAE with their default budgets up to [`DEFAULT_BUDGETS_UP_TO`] agents (beyond,
//! their default budgets take minutes per instance: CSG-UCT 10 s and SALDAE 3 s at 300 agents
//! already), and at every size with the leader's own wall time on that instance as their budget
//! (`name@ours`).
//!
//! Tables: mean `v(CS)` per distribution and size, the leader's mean ratio to C-Link and its
//! share of instances at or above C-Link, and mean wall times. Evaluation seeds are
//! `--first-seed` (0) and the `--seeds` after it; the leader's validation seeds are its own (`VALIDATION_SEEDS`), and its
//! training instances are drawn from its seeded stream.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::Result;
use bridge_lab::algorithms::{Algorithm, Budget, SolveOptions, GRAPH_BEAM_SHARE};
use bridge_lab::core::{Distribution, Instance};
use bridge_lab::leader::graph::train::ratio;
use bridge_lab::leader::Horizon;
use serde::{Deserialize, Serialize};

use super::graph_leader::SharedLeader;
use super::sweep::{Experiment, Report};
use super::{mean_std, Sizes};
use crate::cli::ReproArgs;

/// The sizes of the experiment.
pub const AGENTS: [usize; 5] = [10, 30, 100, 300, 1000];

/// The baselines, with their default budgets.
const BASELINES: [&str; 4] = ["clink", "grasp", "uct", "saldae"];

/// The largest size at which the anytime baselines also run with their default budgets.
pub const DEFAULT_BUDGETS_UP_TO: usize = 100;

/// The anytime baselines, also run with the leader's wall time.
const ANYTIME: [&str; 3] = ["grasp", "uct", "saldae"];

/// The row of the better of the leader's and C-Link's structures (`bridge solve`'s default for
/// the graph leader: [`bridge_lab::leader::graph::GraphNetwork::search`] with no beam).
const BOTH: &str = "graph+clink";

/// The beam's width in the beam row ([`bridge_lab::leader::graph::SearchParams::default`]'s).
const BEAM_WIDTH: usize = 2;

/// The search's time, the two rollouts included, in seconds (`bridge solve`'s default).
const BEAM_SECONDS: f64 = 0.010;

/// The row of the search within [`BEAM_SECONDS`] (`bridge solve --beam 2`): both rollouts,
/// beams from [`BEAM_WIDTH`] wide, widened while [`GRAPH_BEAM_SHARE`] of the time lasts, then
/// GRASP's local search from the best structure with the rest.
const BEAM: &str = "graph+beam+ls@10ms";

/// The leader's rows, each compared with the references below.
const OURS: [&str; 3] = ["graph", BOTH, BEAM];

/// What the leader's rows are compared with, instance by instance.
const REFERENCES: [&str; 3] = ["clink", "saldae", "uct"];

/// One algorithm's samples on one distribution and size.
struct Cell {
    distribution: String,
    agents: usize,
    algorithm: String,
    values: Vec<f64>,
    seconds: Vec<f64>,
}

/// One run: train the leader, or evaluate everything on one instance.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum SizesRun {
    /// Train (or reuse) the graph leader.
    Leader,
    /// Every algorithm on one instance.
    Instance {
        /// The distribution's name.
        distribution: String,
        /// `n`.
        agents: usize,
        /// The instance's seed.
        seed: u64,
    },
}

/// One algorithm on one instance.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    /// The algorithm (`graph` for the leader; `name@ours` for an anytime baseline given the
    /// leader's time).
    pub name: String,
    /// `v(CS)`.
    pub value: f64,
    /// Its wall time.
    pub seconds: f64,
}

/// What a run measured.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub enum SizesOutcome {
    /// The leader: how it was trained, in words, and the training's wall time (0 if reused).
    Leader {
        /// The weights' `trained_on`.
        trained_on: String,
        /// Seconds of training in this process (0 when the file was reused).
        seconds: f64,
    },
    /// Every algorithm's result.
    Instance(Vec<Row>),
}

/// The experiment.
pub struct AcrossSizes<'a> {
    args: &'a ReproArgs,
    sizes: Sizes,
    leader: SharedLeader,
}

impl<'a> AcrossSizes<'a> {
    /// The experiment with `args`' seeds and sizes.
    pub fn new(args: &'a ReproArgs) -> Result<Self> {
        Ok(Self {
            args,
            sizes: Sizes::new(args, &AGENTS)?,
            leader: SharedLeader::default(),
        })
    }
}

fn timed(algorithm: &str, inst: &Instance, options: &SolveOptions) -> Result<Row> {
    let start = Instant::now();
    let solution = Algorithm::from_name(algorithm)?.solve(inst, options)?;
    Ok(Row {
        name: algorithm.to_string(),
        value: solution.value,
        seconds: start.elapsed().as_secs_f64(),
    })
}

impl Experiment for AcrossSizes<'_> {
    type Run = SizesRun;
    type Outcome = SizesOutcome;

    fn runs(&self) -> Result<Vec<SizesRun>> {
        let mut runs = vec![SizesRun::Leader];
        for agents in self.sizes.agents() {
            for name in Distribution::NAMES {
                for seed in self.args.first_seed..self.args.first_seed + self.args.seeds {
                    runs.push(SizesRun::Instance {
                        distribution: name.to_string(),
                        agents,
                        seed,
                    });
                }
            }
        }
        Ok(runs)
    }

    fn prepare(&self, _runs: &[&SizesRun]) -> Result<()> {
        // Every run needs the one leader.
        self.leader.get(self.args).map(|_| ())
    }

    fn execute(&self, run: &SizesRun) -> Result<SizesOutcome> {
        let leader = self.leader.get(self.args)?;
        let SizesRun::Instance {
            distribution,
            agents,
            seed,
        } = run
        else {
            return Ok(SizesOutcome::Leader {
                trained_on: leader.1.clone(),
                seconds: leader.2,
            });
        };
        let inst = Instance::generate(Distribution::from_name(distribution)?, *agents, *seed)?;
        let mut rows = Vec::new();
        // The greedy rollout alone, the network's own policy.
        let start = Instant::now();
        let greedy = leader.0.rollout(&inst, Horizon::Full)?;
        let our_seconds = start.elapsed().as_secs_f64();
        rows.push(Row {
            name: "graph".into(),
            value: greedy.value,
            seconds: our_seconds,
        });
        for (name, width) in [(BOTH, 1), (BEAM, BEAM_WIDTH)] {
            let start = Instant::now();
            let clock = || start.elapsed().as_secs_f64();
            let mut row = timed(
                "bridge",
                &inst,
                &SolveOptions {
                    graph: Some(&leader.0),
                    beam: width,
                    budget: Some(Budget::Seconds {
                        limit: BEAM_SECONDS,
                        clock: &clock,
                    }),
                    ..Default::default()
                },
            )?;
            row.name = name.into();
            rows.push(row);
        }
        for name in BASELINES {
            if *agents > DEFAULT_BUDGETS_UP_TO && ANYTIME.contains(&name) {
                continue;
            }
            rows.push(timed(
                name,
                &inst,
                &SolveOptions {
                    seed: *seed,
                    ..Default::default()
                },
            )?);
        }
        let start = Instant::now();
        let clock = || start.elapsed().as_secs_f64();
        for name in ANYTIME {
            let mut row = timed(
                name,
                &inst,
                &SolveOptions {
                    seed: *seed,
                    budget: Some(Budget::Seconds {
                        limit: our_seconds.max(1e-6),
                        clock: &clock,
                    }),
                    ..Default::default()
                },
            )?;
            row.name = format!("{name}@ours");
            rows.push(row);
        }
        Ok(SizesOutcome::Instance(rows))
    }

    fn report(&self, results: &[(&SizesRun, Option<SizesOutcome>)]) -> Result<Report> {
        let agents = self.sizes.agents();
        let mut trained_on = String::from("(not in these results)");
        let mut train_seconds = 0.0;
        let mut cells: Vec<Cell> = Vec::new();
        // Per instance: n, then v(ours) / v(reference) for each of `OURS` × `REFERENCES`.
        let mut ratios: Vec<(usize, Vec<Option<f64>>)> = Vec::new();
        let mut csv = String::from("distribution,agents,seed,algorithm,value,seconds\n");
        for (run, outcome) in results {
            match (run, outcome) {
                (
                    _,
                    Some(SizesOutcome::Leader {
                        trained_on: t,
                        seconds,
                    }),
                ) => {
                    trained_on = t.clone();
                    train_seconds = *seconds;
                }
                (
                    SizesRun::Instance {
                        distribution,
                        agents: n,
                        seed,
                    },
                    Some(SizesOutcome::Instance(rows)),
                ) => {
                    let find = |name: &str| rows.iter().find(|r| r.name == name);
                    let pairs = OURS
                        .iter()
                        .flat_map(|o| REFERENCES.iter().map(move |r| (o, r)))
                        .map(|(o, r)| Some(ratio(find(o)?.value, find(r)?.value)))
                        .collect();
                    ratios.push((*n, pairs));
                    for r in rows.iter() {
                        let _ = writeln!(
                            csv,
                            "{distribution},{n},{seed},{},{},{:.6}",
                            r.name, r.value, r.seconds
                        );
                        let at = cells.iter().position(|c| {
                            c.distribution == *distribution
                                && c.agents == *n
                                && c.algorithm == r.name
                        });
                        let at = at.unwrap_or_else(|| {
                            cells.push(Cell {
                                distribution: distribution.clone(),
                                agents: *n,
                                algorithm: r.name.clone(),
                                values: Vec::new(),
                                seconds: Vec::new(),
                            });
                            cells.len() - 1
                        });
                        cells[at].values.push(r.value);
                        cells[at].seconds.push(r.seconds);
                    }
                }
                _ => {}
            }
        }
        let mut algorithms: Vec<String> = Vec::new();
        for c in &cells {
            if !algorithms.contains(&c.algorithm) {
                algorithms.push(c.algorithm.clone());
            }
        }
        let header = |first: &str| {
            let cols: Vec<String> = agents.iter().map(|n| format!("{n} agents")).collect();
            format!(
                "| {first} | {} |\n|---|{}\n",
                cols.join(" | "),
                "---|".repeat(agents.len())
            )
        };
        let mut md = format!(
            "# Scale: one graph leader at 10..1000 agents ({} seeds)\n\n\
             Not in the paper (issue 12). Leader: {trained_on}{}.\n\
             Every algorithm with its default budget (the anytime ones up to {DEFAULT_BUDGETS_UP_TO} \
             agents); `name@ours` is an anytime baseline given the leader's own wall time on that \
             instance (so its values, not only its times, depend on the machine and its load, \
             and can differ between runs, `--jobs` and shards); `graph` is the leader's greedy rollout alone, `{BOTH}` the better of it and C-Link's \
             (the untrained network's) rollout, `bridge solve`'s default, and `{BEAM}` both \
             rollouts, then beams from {BEAM_WIDTH} wide, widened while {share:.0} % of {beam_ms:.0} ms last, then GRASP's \
             local search from the best structure for the rest (so machine-dependent too); \
             their times are measured, each on its own.\n",
            self.args.seeds,
            if train_seconds > 0.0 {
                format!(" (trained in this run: {train_seconds:.0} s)")
            } else {
                String::new()
            },
            beam_ms = BEAM_SECONDS * 1000.0,
            share = GRAPH_BEAM_SHARE * 100.0,
        );
        md += "\n## The leader against C-Link, SALDAE and CSG-UCT (all six distributions)\n\n";
        md += &header("");
        let mut rows = Vec::new();
        for (k, (o, r)) in OURS
            .iter()
            .flat_map(|o| REFERENCES.iter().map(move |r| (o, r)))
            .enumerate()
        {
            let mut mean_row = format!("| mean v({o}) / v({r}) |");
            let mut share_row = format!("| instances with {o} ≥ {r} |");
            for &n in &agents {
                let rs: Vec<f64> = ratios
                    .iter()
                    .filter(|x| x.0 == n)
                    .filter_map(|x| x.1[k])
                    .collect();
                if rs.is_empty() {
                    mean_row += " - |";
                    share_row += " - |";
                    continue;
                }
                let at_least = rs.iter().filter(|&&x| x >= 1.0 - 1e-12).count();
                let _ = write!(mean_row, " {:.4} |", mean_std(&rs).0);
                let _ = write!(share_row, " {at_least}/{} |", rs.len());
            }
            rows.push(mean_row);
            rows.push(share_row);
        }
        md += &rows.join("\n");
        md += "\n";
        let cell = |d: &str, n: usize, a: &str| {
            cells
                .iter()
                .find(|c| c.distribution == d && c.agents == n && c.algorithm == a)
                .map(|c| mean_std(&c.values).0)
        };
        for name in Distribution::NAMES {
            let _ = writeln!(md, "\n## {name}: mean v(CS)\n");
            md += &header("algorithm");
            for a in &algorithms {
                let row: Vec<String> = agents
                    .iter()
                    .map(|&n| cell(name, n, a).map_or("-".into(), |v| format!("{v:.1}")))
                    .collect();
                let _ = writeln!(md, "| {a} | {} |", row.join(" | "));
            }
        }
        md += "\n## Mean wall time (seconds, all distributions)\n\n";
        md += &header("algorithm");
        for a in &algorithms {
            let row: Vec<String> = agents
                .iter()
                .map(|&n| {
                    let ts: Vec<f64> = cells
                        .iter()
                        .filter(|c| c.agents == n && c.algorithm == *a)
                        .flat_map(|c| c.seconds.iter().copied())
                        .collect();
                    if ts.is_empty() {
                        "-".into()
                    } else {
                        format!("{:.4}", mean_std(&ts).0)
                    }
                })
                .collect();
            let _ = writeln!(md, "| {a} | {} |", row.join(" | "));
        }
        Ok(Report {
            markdown: md,
            files: vec![("scale.csv".to_string(), csv)],
        })
    }
}
