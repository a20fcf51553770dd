//! The leader's ablations on modified normal, 30..100 agents: Table 4 (network sizes) and
//! Table 7 (horizons). Each variant is a leader of [`super::scale`] pretrained with that network
//! or horizon, evaluated greedily (as in the paper) and with a beam of 8 (ours) on the same
//! instances; C-Link and all singletons are printed as references.

use std::fmt::Write as _;

use std::collections::HashMap;

use anyhow::Result;
use bridge_lab::leader::Horizon;

use super::graph_leader::ROWS as GRAPH_ROWS;
use super::plot::lines;
use super::scale::graph_trained_on;
use super::scale::{
    leader_infos, trained_on, training_plot, wrong_kind, Grid, Scale, ScaleOutcome, ScaleRun,
    Setting, BEAM,
};
use super::sweep::{Experiment, Report};
use super::{agents_header, range};

/// The distribution of both ablations.
const DISTRIBUTION: &str = "modified_normal";

/// One variant: its row name, network, horizon, and the paper's mean values by agent count
/// (`None` where the paper has no column).
struct Variant {
    name: &'static str,
    hidden: &'static [usize],
    horizon: Horizon,
    paper: [Option<f64>; 8],
}

/// Table 4: "k layers (w, w)" read as k linear layers of width w.
fn networks() -> Vec<Variant> {
    let all = |v: [f64; 8]| v.map(Some);
    vec![
        Variant {
            name: "3 layers (64, 64)",
            hidden: &[64, 64],
            horizon: Horizon::Full,
            paper: all([
                445.28, 577.71, 753.02, 889.18, 1031.99, 1207.49, 1316.24, 1501.42,
            ]),
        },
        Variant {
            name: "3 layers (128, 128)",
            hidden: &[128, 128],
            horizon: Horizon::Full,
            paper: all([
                449.39, 592.21, 746.58, 893.14, 1046.34, 1204.90, 1458.38, 1596.20,
            ]),
        },
        Variant {
            name: "4 layers (128, 128)",
            hidden: &[128, 128, 128],
            horizon: Horizon::Full,
            paper: all([
                452.32, 614.04, 742.28, 901.25, 1048.36, 1204.25, 1358.12, 1467.32,
            ]),
        },
        Variant {
            name: "5 layers (128, 128)",
            hidden: &[128, 128, 128, 128],
            horizon: Horizon::Full,
            paper: all([
                441.14, 603.98, 734.72, 903.46, 1043.60, 1288.92, 1434.10, 1492.39,
            ]),
        },
    ]
}

/// Table 7: the paper reports 30, 50, 70 and 100 agents.
fn horizons() -> Vec<Variant> {
    let at = |v: [f64; 4]| {
        [
            Some(v[0]),
            None,
            Some(v[1]),
            None,
            Some(v[2]),
            None,
            None,
            Some(v[3]),
        ]
    };
    [
        ("H = n/2", Horizon::Half, [445.3, 693.9, 956.1, 1187.4]),
        ("H = n-10", Horizon::MinusTen, [447.9, 726.3, 994.6, 1344.7]),
        (
            "H = n-5",
            Horizon::MinusFive,
            [447.9, 743.9, 1025.6, 1481.9],
        ),
        ("H = n-1", Horizon::Full, [449.4, 746.6, 1046.3, 1596.2]),
    ]
    .into_iter()
    .map(|(name, horizon, paper)| Variant {
        name,
        hidden: &[128, 128],
        horizon,
        paper: at(paper),
    })
    .collect()
}

/// Table 4 or Table 7 as a sweep: the references on every (agent count, seed), then per
/// variant its leader and its rollouts on every (agent count, seed).
pub struct Ablation<'a> {
    scale: Scale<'a>,
    file: &'static str,
    title: &'static str,
    variants: Vec<Variant>,
}

impl<'a> Ablation<'a> {
    /// Table 4: network sizes; writes `table4.md`, `table4.csv`, `table4.svg`,
    /// `table4_training.svg`.
    pub fn table4(scale: Scale<'a>) -> Self {
        Self {
            scale,
            file: "table4",
            title: "Table 4: network size",
            variants: networks(),
        }
    }

    /// Table 7: horizons; writes `table7.md`, `table7.csv`, `table7.svg`,
    /// `table7_training.svg`.
    pub fn table7(scale: Scale<'a>) -> Self {
        Self {
            scale,
            file: "table7",
            title: "Table 7: horizon",
            variants: horizons(),
        }
    }
}

impl Variant {
    fn setting(&self) -> Setting {
        Setting {
            distribution: DISTRIBUTION.to_string(),
            hidden: self.hidden.to_vec(),
            horizon: self.horizon,
        }
    }
}

impl Experiment for Ablation<'_> {
    type Run = ScaleRun;
    type Outcome = ScaleOutcome;

    fn runs(&self) -> Result<Vec<ScaleRun>> {
        let seeds = self.scale.args.seeds;
        let mut runs = vec![ScaleRun::GraphLeader];
        let agents_run = self.scale.sizes.agents();
        for &agents in &agents_run {
            for seed in 0..seeds {
                runs.push(ScaleRun::References {
                    distribution: DISTRIBUTION.to_string(),
                    agents,
                    seed,
                });
            }
        }
        for variant in &self.variants {
            let setting = variant.setting();
            runs.push(ScaleRun::Leader {
                setting: setting.clone(),
            });
            for &agents in &agents_run {
                for seed in 0..seeds {
                    runs.push(ScaleRun::Rollouts {
                        setting: setting.clone(),
                        agents,
                        seed,
                    });
                }
            }
        }
        Ok(runs)
    }

    fn prepare(&self, runs: &[&ScaleRun]) -> Result<()> {
        self.scale.prepare(runs)
    }

    fn execute(&self, run: &ScaleRun) -> Result<ScaleOutcome> {
        self.scale.execute(run)
    }

    fn report(&self, results: &[(&ScaleRun, Option<ScaleOutcome>)]) -> Result<Report> {
        let (args, file, title) = (self.scale.args, self.file, self.title);
        let sizes = &self.scale.sizes;
        let variants = &self.variants;
        let mut values = Grid::new(sizes);
        let mut csv = String::from("variant,agents,seed,greedy,beam,clink,singletons\n");
        let mut notes = String::new();
        let infos = leader_infos(results);
        // The references depend on the instance only: C-Link's and all singletons' values, once
        // per (agent count, seed).
        let mut references = HashMap::new();
        // The graph leader's rows, with the full horizon, before the variants'.
        for (run, outcome) in results {
            if let (ScaleRun::References { agents, seed, .. }, Some(outcome)) = (run, outcome) {
                let ScaleOutcome::References {
                    clink,
                    singletons,
                    graph,
                } = outcome
                else {
                    return Err(wrong_kind(run));
                };
                references.insert((*agents, *seed), (*clink, *singletons));
                let k = sizes.index(*agents);
                for r in graph {
                    values.push(
                        &format!("{} (size-independent, H = n-1)", r.name),
                        k,
                        r.value,
                    );
                }
                let find = |name: &str| graph.iter().find(|r| r.name == name).map(|r| r.value);
                if let (Some(g), Some(b)) = (find(GRAPH_ROWS[0]), find(GRAPH_ROWS[2])) {
                    let _ = writeln!(
                        csv,
                        "\"graph leader (H = n-1; beam: {})\",{agents},{seed},{g},{b},{clink},{singletons}",
                        GRAPH_ROWS[2]
                    );
                }
            }
        }
        for (v, variant) in variants.iter().enumerate() {
            let setting = variant.setting();
            let _ = writeln!(
                notes,
                "- {}: {}.",
                variant.name,
                trained_on(&infos, &setting)
            );
            for (run, outcome) in results {
                let ScaleRun::Rollouts {
                    setting: s,
                    agents: n,
                    seed,
                } = run
                else {
                    continue;
                };
                let Some(outcome) = outcome else { continue };
                if *s != setting {
                    continue;
                }
                let &ScaleOutcome::Rollouts { greedy: g, beam: b } = outcome else {
                    return Err(wrong_kind(run));
                };
                let k = sizes.index(*n);
                values.push(&format!("{}, greedy", variant.name), k, g);
                values.push(&format!("{}, beam {BEAM} (ours)", variant.name), k, b);
                let (c, s) = match references.get(&(*n, *seed)) {
                    Some(&(c, s)) => {
                        // Recorded with the first variant, so the rows keep their place.
                        if v == 0 {
                            values.push("C-Link (reference)", k, c);
                            values.push("all singletons (reference)", k, s);
                        }
                        (c.to_string(), s.to_string())
                    }
                    None => (String::new(), String::new()),
                };
                let _ = writeln!(csv, "\"{}\",{n},{seed},{g},{b},{c},{s}", variant.name);
            }
        }
        let labelled = variants.iter().filter_map(|variant| {
            let setting = variant.setting();
            infos
                .iter()
                .find(|(s, _)| **s == setting)
                .map(|(_, info)| (variant.name, *info))
        });
        let mut files: Vec<(String, String)> =
            training_plot(args, file, labelled)?.into_iter().collect();
        let mut md = format!(
            "# {title} (modified normal, {} seeds)\n\nOurs: v(CS), mean ± std.\n\n",
            args.seeds
        );
        md += &values.markdown("ours", |m, s| format!("{m:.1} ± {s:.1}"));
        md += "\nThe paper (greedy, mean):\n\n";
        md += &agents_header("paper", &sizes.agents());
        for v in variants {
            let cells: Vec<String> = (sizes.columns().iter())
                .map(|&k| v.paper[k].map_or("–".to_string(), |x| format!("{x}")))
                .collect();
            let _ = writeln!(md, "| {} | {} |", v.name, cells.join(" | "));
        }
        let ratios: Vec<f64> = variants
            .iter()
            .flat_map(|v| sizes.columns().iter().map(|&k| (k, v.paper[k])))
            .filter_map(|(k, p)| {
                p.map(|p| 100.0 * p / values.stats("all singletons (reference)", k).0)
            })
            .collect();
        let (lo, hi) = range(ratios);
        let _ = writeln!(
            md,
            "\nThe paper's values are {lo:.0}-{hi:.0} % of the all-singletons value of our instances \
             (same distribution and sizes), and far below C-Link's."
        );
        let _ = writeln!(
            md,
            "\nLeaders:\n\n{notes}- the graph leader (issue 12, not in the paper; one network for \
             every size, run with the full horizon; `graph+clink` is the better of its greedy \
             rollout and C-Link's, `graph+beam2` adds a beam of 2 with no time limit): {}.",
            graph_trained_on(results)
        );
        files.push((format!("{file}.csv"), csv));
        let svg = lines(title, "agents", "v(CS), mean over seeds", &values.series())?;
        files.push((format!("{file}.svg"), svg));
        Ok(Report {
            markdown: md,
            files,
        })
    }
}
