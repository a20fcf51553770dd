//! Table 2: inference seconds of every algorithm, modified normal, 30..100 agents.
//!
//! Each algorithm runs with its default budget on the same instances (seeds 0..seeds), timed
//! alone (the instance's values are drawn lazily inside the timed call, as they would be for any
//! caller). BRIDGE is the greedy rollout of the modified-normal leader of [`super::scale`]
//! (shared with fig2), and with a beam of 8 (ours). The paper's seconds are beside ours; the
//! ratio row divides the paper's BRIDGE time by ours.

use std::fmt::Write as _;

use anyhow::Result;
use bridge_lab::core::{Distribution, Instance};
use bridge_lab::leader::Horizon;

use super::plot::lines;
use super::scale::{leader, run_all, training_plot, Grid, Setting, AGENTS};
use super::{agents_header, write};
use crate::cli::ReproArgs;

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

/// Runs the experiment and writes `table2.md`, `table2.csv`, `table2.svg` and
/// `table2_training.svg`.
pub fn run(args: &ReproArgs) -> Result<()> {
    let dist = Distribution::from_name("modified_normal")?;
    let setting = Setting {
        distribution: &dist,
        hidden: &[128, 128],
        horizon: Horizon::Full,
    };
    let leader = leader(args, &setting)?;
    training_plot(args, "table2", [("modified_normal", &leader)])?;
    let mut ms = Grid::default();
    let mut csv = String::from("algorithm,agents,seed,seconds,value\n");
    for (k, &n) in AGENTS.iter().enumerate() {
        for seed in 0..args.seeds {
            let inst = Instance::generate(dist.clone(), n, seed)?;
            for run in run_all(&inst, seed, &leader.plain, Horizon::Full)? {
                ms.push(&run.name, k, run.seconds * 1000.0);
                let _ = writeln!(
                    csv,
                    "{},{n},{seed},{:.6},{}",
                    run.name, run.seconds, run.value
                );
            }
        }
        eprintln!("{n} agents: done");
    }
    let mut md = format!(
        "# Table 2: inference time (modified normal, {} seeds)\n\n\
         Ours: milliseconds, mean ± std, native, one run each with the default budget \
         (grasp 5 iterations, uct 1000 playouts, saldae 5000 expansions). Leader: {}.\n\n",
        args.seeds, leader.trained_on
    );
    md += &ms.markdown("ours (ms)", |m, s| format!("{m:.2} ± {s:.2}"));
    md += "\nThe paper (seconds):\n\n";
    md += &agents_header("paper (s)", &AGENTS);
    for (name, secs) in PAPER {
        let _ = writeln!(
            md,
            "| {name} | {} |",
            secs.map(|s| format!("{s}")).join(" | ")
        );
    }
    let speedups: Vec<String> = (0..AGENTS.len())
        .map(|k| format!("{:.0}×", PAPER[4].1[k] * 1000.0 / ms.stats("bridge", k).0))
        .collect();
    let _ = writeln!(md, "| paper's BRIDGE ÷ ours | {} |", speedups.join(" | "));
    write(&args.results, "table2.md", &md)?;
    write(&args.results, "table2.csv", &csv)?;
    let svg = lines(
        "Inference time, modified normal",
        "agents",
        "milliseconds, mean over seeds",
        &ms.series(),
    )?;
    write(&args.results, "table2.svg", &svg)?;
    print!("{md}");
    Ok(())
}
