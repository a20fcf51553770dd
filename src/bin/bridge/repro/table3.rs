//! Table 3: every method on a budget of 200 "episodes", 5..10 agents, modified normal, as a
//! share of the exact optimum (and of the optimal gain over all singletons).
//!
//! The paper gives each baseline "the approximate number of samples" of 200 BRIDGE episodes
//! without saying how; ours: GRASP 200 restarts, CSG-UCT 200 playouts, SALDAE 200 expansions,
//! random the best of 200 rollouts; C-Link has no budget (one deterministic pass). BRIDGE is
//! trained for 200 episodes from scratch, and (the paper's row, from Table 1) pretrained on 3
//! agents then fine-tuned for 200 episodes. The paper's baselines score 21-41 % of the optimum;
//! ours are far higher, which the Markdown says plainly.

use std::fmt::Write as _;

use anyhow::Result;
use bridge_lab::algorithms::{random, Algorithm, Budget, SolveOptions};
use bridge_lab::core::{CoalitionStructure, Distribution, Instance};
use bridge_lab::leader::{greedy, EpisodeStats, Horizon, PlainNetwork, QNetwork, Trainer};
use serde::{Deserialize, Serialize};

use super::sweep::{prepare_all, prepared, Experiment, Memo, Report};
use super::{agents_header, dqn_params, mean_std, network_config, range, Sizes, HIDDEN};
use crate::cli::ReproArgs;

const AGENTS: [usize; 6] = [5, 6, 7, 8, 9, 10];
const BUDGET: usize = 200;

/// The paper's Table 3, % of the optimum.
const PAPER: [(&str, [f64; 6]); 5] = [
    ("C-Link", [24.65, 22.85, 25.65, 32.41, 29.00, 34.70]),
    ("GRASP", [25.53, 29.55, 27.58, 29.46, 32.83, 36.72]),
    ("SALDAE", [25.54, 25.59, 30.84, 36.80, 36.27, 37.58]),
    ("CSG-UCT", [23.38, 21.13, 26.77, 38.72, 37.65, 40.81]),
    ("BRIDGE", [97.20, 80.33, 78.68, 63.52, 58.12, 48.24]),
];

/// Our rows, in order, each with the paper's row it matches.
const ROWS: [(&str, Option<usize>); 7] = [
    ("C-Link (no budget)", Some(0)),
    ("GRASP (200 restarts)", Some(1)),
    ("SALDAE (200 expansions)", Some(2)),
    ("CSG-UCT (200 playouts)", Some(3)),
    ("Random (best of 200 rollouts)", None),
    ("BRIDGE (200 episodes from scratch)", None),
    ("BRIDGE (pretrained on 3, few-shot 200)", Some(4)),
];

/// One run: every method on one instance.
#[derive(Serialize)]
pub struct Table3Run {
    seed: u64,
    agents: usize,
}

/// What one run measures: every row's value, the optimum and all singletons' value.
#[derive(Serialize, Deserialize)]
pub struct Table3Outcome {
    /// One value per row of [`ROWS`].
    values: [f64; ROWS.len()],
    optimum: f64,
    singletons: f64,
}

/// Table 3 as a sweep of (seed, agent count) runs; each seed's leader is pretrained once.
pub struct Table3<'a> {
    args: &'a ReproArgs,
    sizes: Sizes,
    pretrained: Memo<u64, QNetwork>,
}

impl<'a> Table3<'a> {
    /// Checks `--agents`; nothing pretrained yet.
    pub fn new(args: &'a ReproArgs) -> Result<Self> {
        Ok(Self {
            args,
            sizes: Sizes::new(args, &AGENTS)?,
            pretrained: Memo::default(),
        })
    }
}

impl Experiment for Table3<'_> {
    type Run = Table3Run;
    type Outcome = Table3Outcome;

    fn runs(&self) -> Result<Vec<Table3Run>> {
        Ok((0..self.args.seeds)
            .flat_map(|seed| {
                (self.sizes.agents().into_iter()).map(move |agents| Table3Run { seed, agents })
            })
            .collect())
    }

    fn prepare(&self, runs: &[&Table3Run]) -> Result<()> {
        let args = self.args;
        prepare_all(
            &self.pretrained,
            runs.iter().map(|r| r.seed).collect(),
            |&seed| {
                let mut pre = Trainer::new(
                    QNetwork::new(network_config(args, 10, &HIDDEN)?, seed)?,
                    dqn_params(args, seed, 20),
                )?;
                let dist = Distribution::from_name("modified_normal")?;
                let pre_inst = Instance::generate(dist, 3, 1000 + seed)?;
                pre.train(
                    &pre_inst,
                    args.pretrain_episodes as usize,
                    &mut |_: &EpisodeStats| true,
                )?;
                Ok(pre.network().deep_copy()?)
            },
        )
    }

    fn execute(&self, run: &Table3Run) -> Result<Table3Outcome> {
        let (args, seed, n) = (self.args, run.seed, run.agents);
        let pretrained = prepared(&self.pretrained, &seed)?;
        let inst = Instance::generate(Distribution::from_name("modified_normal")?, n, seed)?;
        let solve = |algo: &str, budget: Option<usize>| -> Result<f64> {
            let options = SolveOptions {
                seed,
                budget: budget.map(Budget::Iterations),
                ..Default::default()
            };
            Ok(Algorithm::from_name(algo)?.solve(&inst, &options)?.value)
        };
        let optimum = solve("exact", None)?;
        let singletons = CoalitionStructure::singletons(n).value(&inst);
        let random_best = (0..BUDGET as u64)
            .map(|r| random(&inst, seed * 1000 + r).value(&inst))
            .fold(f64::NEG_INFINITY, f64::max);
        let mut scratch = Trainer::new(
            QNetwork::new(network_config(args, 10, &HIDDEN)?, seed)?,
            dqn_params(args, seed, 0),
        )?;
        scratch.train(&inst, BUDGET, &mut |_: &EpisodeStats| true)?;
        let mut tuned = Trainer::new(pretrained.deep_copy()?, dqn_params(args, seed, 0))?;
        tuned.train(&inst, BUDGET, &mut |_: &EpisodeStats| true)?;
        let rollout = |t: &Trainer| -> Result<f64> {
            Ok(greedy(&PlainNetwork::new(t.network())?, &inst, Horizon::Full)?.value)
        };
        let values = [
            solve("clink", None)?,
            solve("grasp", Some(BUDGET))?,
            solve("saldae", Some(BUDGET))?,
            solve("uct", Some(BUDGET))?,
            random_best,
            rollout(&scratch)?,
            rollout(&tuned)?,
        ];
        eprintln!("seed {seed}, {n} agents: done");
        Ok(Table3Outcome {
            values,
            optimum,
            singletons,
        })
    }

    fn report(&self, results: &[(&Table3Run, Option<Table3Outcome>)]) -> Result<Report> {
        report(self.args, &self.sizes, results)
    }
}

/// Writes `table3.md` and `table3.csv`.
fn report(
    args: &ReproArgs,
    sizes: &Sizes,
    results: &[(&Table3Run, Option<Table3Outcome>)],
) -> Result<Report> {
    let columns = sizes.columns();
    // shares[row][k] = (value share, gain share) per seed
    let mut shares = vec![vec![Vec::<(f64, f64)>::new(); AGENTS.len()]; ROWS.len()];
    let mut csv = String::from("method,agents,seed,value,optimum,singletons\n");
    for (run, outcome) in results {
        let Some(o) = outcome else { continue };
        let (seed, n) = (run.seed, run.agents);
        let k = sizes.index(n);
        let (optimum, singletons) = (o.optimum, o.singletons);
        for (r, v) in o.values.iter().enumerate() {
            shares[r][k].push((
                100.0 * v / optimum,
                100.0 * (v - singletons) / (optimum - singletons),
            ));
            let _ = writeln!(
                csv,
                "\"{}\",{n},{seed},{v},{optimum},{singletons}",
                ROWS[r].0
            );
        }
    }
    let header = agents_header("method", &sizes.agents());
    let mut md = format!(
        "# Table 3: a budget of 200 episodes (modified normal, {} seeds)\n\n\
         Share of the exact optimum's value, mean ± std; the paper's figure in parentheses.\n\n{header}",
        args.seeds
    );
    let mut gain_md = format!(
        "\nShare of the optimal gain over all singletons, (v − v_sing)/(v* − v_sing):\n\n{header}"
    );
    for (r, (name, paper)) in ROWS.iter().enumerate() {
        let cell = |k: usize, pick: fn(&(f64, f64)) -> f64| {
            mean_std(&shares[r][k].iter().map(pick).collect::<Vec<_>>())
        };
        let values: Vec<String> = (columns.iter())
            .map(|&k| {
                let (m, s) = cell(k, |x| x.0);
                match paper {
                    Some(p) => format!("{m:.1} ± {s:.1} ({})", PAPER[*p].1[k]),
                    None => format!("{m:.1} ± {s:.1}"),
                }
            })
            .collect();
        let gains: Vec<String> = (columns.iter())
            .map(|&k| {
                let (m, s) = cell(k, |x| x.1);
                format!("{m:.1} ± {s:.1}")
            })
            .collect();
        let _ = writeln!(md, "| {name} | {} |", values.join(" | "));
        let _ = writeln!(gain_md, "| {name} | {} |", gains.join(" | "));
    }
    md += &gain_md;
    let (lo, hi) = range(
        (columns.iter())
            .map(|&k| mean_std(&shares[0][k].iter().map(|x| x.0).collect::<Vec<_>>()).0),
    );
    let _ = writeln!(
        md,
        "\nThe paper's baselines reach 21-41 % of the optimum with this budget. On these \
         instances all singletons alone already reach about half of it (see table1), and one \
         greedy C-Link pass reaches {lo:.1}-{hi:.1} % on average, so we cannot reproduce the \
         paper's baseline figures: what they measured is not stated."
    );
    Ok(Report {
        markdown: md,
        files: vec![("table3.csv".to_string(), csv)],
    })
}
