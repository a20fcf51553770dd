//! Table 5: inference seconds of the leader by network size, 30..100 agents (modified normal).
//!
//! Each network is sized for the instance (`M = n`) and freshly initialised from the seed, so
//! the number of merges a rollout makes before the null action varies; the table reports it
//! beside the time (a full rollout makes `n − 1`). The time is the median of five greedy
//! rollouts, averaged over seeds; building the network is not timed.

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{anyhow, Result};
use bridge_lab::core::{Distribution, Instance, Step};
use bridge_lab::leader::{greedy, Horizon, NetworkConfig, PlainNetwork, QNetwork};
use serde::{Deserialize, Serialize};

use super::plot::{lines, Series};
use super::sweep::{Experiment, Report};
use super::{agents_header, mean_std, Sizes};
use crate::cli::ReproArgs;

const AGENTS: [usize; 8] = [30, 40, 50, 60, 70, 80, 90, 100];

/// The paper's architectures: "k layers (w, w)" read as k linear layers of width w.
const NETWORKS: [(&str, &[usize], [f64; 8]); 4] = [
    (
        "3 layers (64, 64)",
        &[64, 64],
        [1.09, 1.92, 2.78, 3.55, 4.53, 5.54, 6.84, 8.39],
    ),
    (
        "3 layers (128, 128)",
        &[128, 128],
        [1.09, 1.98, 2.83, 3.62, 4.71, 5.67, 7.02, 8.72],
    ),
    (
        "4 layers (128, 128)",
        &[128, 128, 128],
        [1.10, 1.98, 2.85, 3.63, 4.90, 5.82, 7.10, 9.14],
    ),
    (
        "5 layers (128, 128)",
        &[128, 128, 128, 128],
        [1.12, 2.01, 2.85, 3.67, 5.12, 6.02, 7.12, 9.86],
    ),
];

/// One run: one network timed on one instance.
#[derive(Serialize)]
pub struct Table5Run {
    network: &'static str,
    agents: usize,
    seed: u64,
}

/// What one run measures.
#[derive(Serialize, Deserialize)]
pub struct Table5Outcome {
    /// The median of five rollouts' milliseconds (a time).
    median_ms: f64,
    /// The merges each rollout made.
    merges: Vec<f64>,
}

/// Table 5 as a sweep of (network, agent count, seed) runs.
pub struct Table5<'a> {
    args: &'a ReproArgs,
    sizes: Sizes,
}

impl<'a> Table5<'a> {
    /// Checks `--agents`.
    pub fn new(args: &'a ReproArgs) -> Result<Self> {
        Ok(Self {
            args,
            sizes: Sizes::new(args, &AGENTS)?,
        })
    }
}

impl Experiment for Table5<'_> {
    type Run = Table5Run;
    type Outcome = Table5Outcome;

    fn runs(&self) -> Result<Vec<Table5Run>> {
        let mut runs = Vec::new();
        for (network, _, _) in NETWORKS {
            for agents in self.sizes.agents() {
                for seed in 0..self.args.seeds {
                    runs.push(Table5Run {
                        network,
                        agents,
                        seed,
                    });
                }
            }
        }
        Ok(runs)
    }

    fn prepare(&self, _: &[&Table5Run]) -> Result<()> {
        Ok(())
    }

    fn execute(&self, run: &Table5Run) -> Result<Table5Outcome> {
        let (n, seed) = (run.agents, run.seed);
        let hidden = NETWORKS
            .iter()
            .find(|(name, _, _)| *name == run.network)
            .ok_or_else(|| anyhow!("no network {}", run.network))?
            .1;
        let dist = Distribution::from_name("modified_normal")?;
        let inst = Instance::generate(dist, n, seed)?;
        let net = QNetwork::new(
            NetworkConfig {
                max_agents: n,
                hidden: hidden.to_vec(),
                scorer: Default::default(),
            },
            seed,
        )?;
        let plain = PlainNetwork::new(&net)?;
        let mut merges = Vec::new();
        let mut times: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let rollout = greedy(&plain, &inst, Horizon::Full);
                let ms = start.elapsed().as_secs_f64() * 1000.0;
                if let Ok(r) = rollout {
                    let made = r.steps.iter().filter(|s| matches!(s, Step::Merge { .. }));
                    merges.push(made.count() as f64);
                }
                ms
            })
            .collect();
        times.sort_by(f64::total_cmp);
        Ok(Table5Outcome {
            median_ms: times[2],
            merges,
        })
    }

    fn report(&self, results: &[(&Table5Run, Option<Table5Outcome>)]) -> Result<Report> {
        report(self.args, &self.sizes, results)
    }
}

/// Writes `table5.md`, `table5.csv` and `table5.svg`.
fn report(
    args: &ReproArgs,
    sizes: &Sizes,
    results: &[(&Table5Run, Option<Table5Outcome>)],
) -> Result<Report> {
    let mut md = String::new();
    let _ = writeln!(
        md,
        "# Table 5: inference seconds by network size (modified normal, {} seeds)\n",
        args.seeds
    );
    let _ = writeln!(
        md,
        "Greedy rollout with the incremental first layer, native, one thread, untrained networks; with the mean number of merges made. \
         Ours in milliseconds (mean ± std over seeds), the paper's in seconds in parentheses.\n"
    );
    md += &agents_header("network", &sizes.agents());
    let mut csv = String::from("network,agents,ms_mean,ms_std,merges,paper_seconds\n");
    let mut series = Vec::new();
    for (name, _, paper) in NETWORKS {
        let mut cells = Vec::new();
        let mut points = Vec::new();
        for &k in sizes.columns() {
            let n = AGENTS[k];
            let mut per_seed = Vec::new();
            let mut merges = Vec::new();
            for (run, outcome) in results {
                if let (true, Some(o)) = (run.network == name && run.agents == n, outcome) {
                    per_seed.push(o.median_ms);
                    merges.extend_from_slice(&o.merges);
                }
            }
            let (mean, std) = mean_std(&per_seed);
            let merges = mean_std(&merges).0;
            let _ = writeln!(
                csv,
                "\"{name}\",{n},{mean:.4},{std:.4},{merges:.1},{}",
                paper[k]
            );
            cells.push(format!(
                "{mean:.2} ± {std:.2} ms, {merges:.0} merges ({} s)",
                paper[k]
            ));
            points.push((n as f64, mean));
        }
        let _ = writeln!(md, "| {name} | {} |", cells.join(" | "));
        series.push(Series {
            label: name.to_string(),
            points,
        });
    }
    let ours_100 = series[1].points.last().map_or(f64::NAN, |p| p.1);
    let _ = writeln!(
        md,
        "\nAt 100 agents the paper's 3 × 128 network takes 8.72 s; ours takes {ours_100:.2} ms, {:.0} times less \
         (`cargo bench --bench leader` times full 99-merge rollouts: see BENCHMARKS.md).",
        8720.0 / ours_100
    );
    let svg = lines(
        "Greedy inference time by network size",
        "agents",
        "milliseconds",
        &series,
    )?;
    Ok(Report {
        markdown: md,
        files: vec![
            ("table5.csv".to_string(), csv),
            ("table5.svg".to_string(), svg),
        ],
    })
}
