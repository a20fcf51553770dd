//! Table 2: inference seconds of every algorithm, modified normal, 30..100 agents.
//!
//! Each algorithm runs with its default budget on the same instances (seeds 0..seeds), timed
//! alone (the instance's values are drawn lazily inside the timed call, as they would be for any
//! caller). BRIDGE is the greedy rollout of the modified-normal leader of [`super::scale`]
//! (shared with fig2), and with a beam of 8 (ours). The paper's seconds are beside ours; the
//! ratio row divides the paper's BRIDGE time by ours.

use std::fmt::Write as _;

use anyhow::Result;

use super::agents_header;
use super::plot::lines;
use super::scale::{
    graph_trained_on, leader_infos, trained_on, training_plot, wrong_kind, Grid, Scale,
    ScaleOutcome, ScaleRun, Setting,
};
use super::sweep::{Experiment, Report};

/// The paper's Table 2, seconds.
const PAPER: [(&str, [f64; 8]); 5] = [
    (
        "clink",
        [3.44, 4.49, 7.11, 10.60, 14.28, 18.77, 24.42, 30.44],
    ),
    ("grasp", [0.37, 0.88, 2.93, 5.81, 8.19, 10.95, 19.86, 26.47]),
    (
        "saldae",
        [0.56, 1.57, 2.54, 5.30, 8.61, 14.13, 19.74, 28.31],
    ),
    (
        "uct",
        [2.24, 7.10, 17.19, 35.90, 68.15, 116.18, 194.01, 303.79],
    ),
    ("bridge", [1.09, 1.98, 2.83, 3.62, 4.90, 5.67, 6.84, 8.72]),
];

/// Table 2 as a sweep: the modified-normal leader, then every (agent count, seed).
pub struct Table2<'a>(pub Scale<'a>);

impl Experiment for Table2<'_> {
    type Run = ScaleRun;
    type Outcome = ScaleOutcome;

    fn runs(&self) -> Result<Vec<ScaleRun>> {
        let setting = Setting::paper("modified_normal");
        let mut runs = vec![
            ScaleRun::GraphLeader,
            ScaleRun::Leader {
                setting: setting.clone(),
            },
        ];
        for agents in self.0.sizes.agents() {
            for seed in 0..self.0.args.seeds {
                runs.push(ScaleRun::AllAlgorithms {
                    setting: setting.clone(),
                    agents,
                    seed,
                });
            }
        }
        Ok(runs)
    }

    fn prepare(&self, runs: &[&ScaleRun]) -> Result<()> {
        self.0.prepare(runs)
    }

    fn execute(&self, run: &ScaleRun) -> Result<ScaleOutcome> {
        self.0.execute(run)
    }

    fn report(&self, results: &[(&ScaleRun, Option<ScaleOutcome>)]) -> Result<Report> {
        report(&self.0, results)
    }
}

/// Writes `table2.md`, `table2.csv`, `table2.svg` and `table2_training.svg`.
fn report(scale: &Scale, results: &[(&ScaleRun, Option<ScaleOutcome>)]) -> Result<Report> {
    let (args, sizes) = (scale.args, &scale.sizes);
    let infos = leader_infos(results);
    let mut files: Vec<(String, String)> = training_plot(
        args,
        "table2",
        infos.iter().map(|(_, info)| ("modified_normal", *info)),
    )?
    .into_iter()
    .collect();
    let mut ms = Grid::new(sizes);
    let mut csv = String::from("algorithm,agents,seed,seconds,value\n");
    for (run, outcome) in results {
        let (
            ScaleRun::AllAlgorithms {
                agents: n, seed, ..
            },
            Some(outcome),
        ) = (run, outcome)
        else {
            continue;
        };
        let ScaleOutcome::AllAlgorithms { runs, .. } = outcome else {
            return Err(wrong_kind(run));
        };
        let k = sizes.index(*n);
        for run in runs {
            ms.push(&run.name, k, run.seconds * 1000.0);
            let _ = writeln!(
                csv,
                "{},{n},{seed},{:.6},{}",
                run.name, run.seconds, run.value
            );
        }
    }
    let mut md = format!(
        "# Table 2: inference time (modified normal, {} seeds)\n\n\
         Ours: milliseconds, mean ± std, native, one run each with the default budget \
         (grasp 5 iterations, uct 1000 playouts, saldae 5000 expansions). Leader: {}. \
         The graph leader (issue 12, not in the paper; `graph` greedy, `graph+clink` with \
         C-Link's rollout too, `graph+beam2` with a beam of 2 and no time limit): {}.\n\n",
        args.seeds,
        trained_on(&infos, &Setting::paper("modified_normal")),
        graph_trained_on(results)
    );
    md += &ms.markdown("ours (ms)", |m, s| format!("{m:.2} ± {s:.2}"));
    md += "\nThe paper (seconds):\n\n";
    md += &agents_header("paper (s)", &sizes.agents());
    for (name, secs) in PAPER {
        let _ = writeln!(
            md,
            "| {name} | {} |",
            (sizes.columns().iter())
                .map(|&k| format!("{}", secs[k]))
                .collect::<Vec<_>>()
                .join(" | ")
        );
    }
    let speedups: Vec<String> = (sizes.columns().iter())
        .map(|&k| format!("{:.0}×", PAPER[4].1[k] * 1000.0 / ms.stats("bridge", k).0))
        .collect();
    let _ = writeln!(md, "| paper's BRIDGE ÷ ours | {} |", speedups.join(" | "));
    files.push(("table2.csv".to_string(), csv));
    let svg = lines(
        "Inference time, modified normal",
        "agents",
        "milliseconds, mean over seeds",
        &ms.series(),
    )?;
    files.push(("table2.svg".to_string(), svg));
    Ok(Report {
        markdown: md,
        files,
    })
}
