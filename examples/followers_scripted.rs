//! The scripted forager's and the random policy's `V(CS)` on every preset (RESULTS.md,
//! "Followers on the grid"): all singletons, pairs `{0,1},{2,3},…`, triples, and the grand
//! coalition, each the mean over 20 episodes for seeds 0..10 (mean ± std over seeds), and on how
//! many seeds the grand coalition beats all singletons.
//!
//! `cargo run --release --example followers_scripted`

use bridge_lab::core::CoalitionStructure;
use bridge_lab::followers::{evaluate, Config, RandomPolicy, Scripted, PRESETS};

fn blocks(n: usize, size: usize) -> CoalitionStructure {
    let lists: Vec<Vec<usize>> = (0..n)
        .collect::<Vec<_>>()
        .chunks(size)
        .map(|c| c.to_vec())
        .collect();
    CoalitionStructure::from_lists(n, &lists).expect("a partition")
}

fn mean_std(xs: &[f64]) -> (f64, f64) {
    let m = xs.iter().sum::<f64>() / xs.len() as f64;
    let v = xs.iter().map(|x| (x - m).powi(2)).sum::<f64>() / xs.len() as f64;
    (m, v.sqrt())
}

fn main() {
    let seeds: Vec<u64> = (0..10).collect();
    println!("| config | policy | singletons | pairs | triples | grand | grand > singletons |");
    println!("|---|---|---|---|---|---|---|");
    for name in PRESETS {
        let config = Config::from_name(name).expect("a preset");
        let n = config.agents();
        let structures = [blocks(n, 1), blocks(n, 2), blocks(n, 3), blocks(n, n)];
        for policy in ["scripted", "random"] {
            let mut cells = Vec::new();
            let mut per_structure = Vec::new();
            for cs in &structures {
                let values: Vec<f64> = seeds
                    .iter()
                    .map(|&seed| {
                        let v = if policy == "scripted" {
                            evaluate(&config, cs, &mut Scripted, 20, seed)
                        } else {
                            evaluate(&config, cs, &mut RandomPolicy::new(seed), 20, seed)
                        };
                        v.expect("valid").total
                    })
                    .collect();
                let (m, s) = mean_std(&values);
                cells.push(format!("{m:.2} ± {s:.2}"));
                per_structure.push(values);
            }
            let wins = per_structure[3]
                .iter()
                .zip(&per_structure[0])
                .filter(|(g, s)| g > s)
                .count();
            println!(
                "| {name} | {policy} | {} | {wins}/{} |",
                cells.join(" | "),
                seeds.len()
            );
        }
    }
}
