//! The grid experiments (paper section 5.2, appendix D.5; SPEC section 7): `fig3` (BRIDGE and
//! the baselines on the six LBF configurations), `fig4` (followers trained 5, 7, 10 or 15 epochs
//! per structure) and `table6` (the followers' critic and actors reused or re-initialised between
//! structures). One run is one (configuration, seed, variant): BRIDGE's whole run as `bridge lbf`
//! makes it (`--lbf-episodes` leader episodes, 30 by default as there; our follower settings), and for `fig3` each baseline after it,
//! searching structures valued by followers with the same settings and seed within BRIDGE's own
//! count of follower trainings.
//!
//! Both `V(CS*)` and the gain over all singletons `V(CS*) − V(singletons)` are reported; the
//! paper's Figure 3 calls its numbers the "baseline gain" while its Singleton row is not zero
//! (see [`bridge_lab::bilevel::search`] for why ours is not either). Its scale: lbforaging's
//! normalised rewards sum to at most 1 per apple, so 34..89 are unnormalised, discounted
//! coalition returns summed over coalitions, which is the scale our game keeps (RESULTS.md).

use std::fmt::Write as _;
use std::time::Instant;

use anyhow::{bail, Result};
use bridge_lab::algorithms::Algorithm;
use bridge_lab::bilevel::search::run_baseline;
use bridge_lab::bilevel::{LbfRun, Outcome, RunSettings};
use bridge_lab::followers::{Carry, Config, PRESETS};
use serde::{Deserialize, Serialize};

use super::mean_std;
use super::plot::{lines, Series};
use super::sweep::{Experiment, Report};
use crate::cli::ReproArgs;

/// The paper's six configurations, in its order: the presets after `teaching`.
fn paper_configs() -> &'static [&'static str] {
    &PRESETS[1..]
}

/// Figure 3's columns after BRIDGE: the paper's baselines, in its order.
const BASELINES: [Algorithm; 5] = [
    Algorithm::Singleton,
    Algorithm::Clink,
    Algorithm::Grasp,
    Algorithm::Saldae,
    Algorithm::Uct,
];

/// Figure 3 as printed (Singleton, C-Link, GRASP, SALDAE, CSG-UCT, BRIDGE; mean ± std).
const PAPER_FIG3: [[(f64, f64); 6]; 6] = [
    [
        (28.20, 1.5),
        (27.70, 1.2),
        (9.17, 0.8),
        (25.00, 1.3),
        (31.00, 1.6),
        (34.17, 1.4),
    ],
    [
        (31.01, 1.4),
        (32.08, 1.1),
        (11.90, 0.7),
        (27.50, 1.5),
        (34.75, 1.8),
        (33.11, 1.2),
    ],
    [
        (32.95, 1.7),
        (32.58, 1.4),
        (12.44, 0.9),
        (27.43, 1.3),
        (34.76, 1.5),
        (38.57, 1.6),
    ],
    [
        (43.18, 1.8),
        (40.68, 1.5),
        (23.33, 1.0),
        (31.33, 1.6),
        (45.33, 1.9),
        (52.17, 2.1),
    ],
    [
        (70.62, 2.0),
        (66.23, 1.8),
        (29.71, 1.2),
        (41.33, 1.7),
        (73.33, 2.3),
        (77.43, 2.4),
    ],
    [
        (75.23, 2.2),
        (73.71, 1.9),
        (33.10, 1.3),
        (63.83, 2.0),
        (82.83, 2.5),
        (89.29, 2.6),
    ],
];

/// Figure 4's epochs, in the paper's column order, and its numbers (BRIDGE).
const FIG4_EPOCHS: [usize; 4] = [15, 10, 7, 5];
const PAPER_FIG4: [[f64; 4]; 6] = [
    [32.11, 34.17, 26.73, 2.82],
    [36.87, 33.11, 34.51, 2.47],
    [37.05, 38.57, 21.46, 9.84],
    [51.24, 52.17, 47.44, 11.49],
    [77.54, 77.43, 69.78, 5.38],
    [91.28, 89.29, 88.35, 29.97],
];

/// Table 6's rows (critic, actors), in the paper's order, and its numbers by configuration.
const TABLE6_CARRY: [(Carry, Carry); 4] = [
    (Carry::Reuse, Carry::Init),
    (Carry::Reuse, Carry::Reuse),
    (Carry::Init, Carry::Init),
    (Carry::Init, Carry::Reuse),
];
const PAPER_TABLE6: [[f64; 6]; 4] = [
    [34.2, 33.1, 38.6, 52.2, 77.4, 89.3],
    [30.2, 29.5, 35.3, 47.4, 69.8, 81.9],
    [17.2, 18.8, 26.3, 35.3, 55.5, 60.9],
    [28.6, 30.9, 33.1, 45.5, 65.7, 78.6],
];

/// Which of the three experiments.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// Every algorithm on each configuration.
    Fig3,
    /// BRIDGE with followers trained 15, 10, 7 or 5 epochs per structure.
    Fig4,
    /// BRIDGE with the four combinations of critic and actor reuse.
    Table6,
}

/// What changes between the runs of one configuration and seed.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub enum Variant {
    /// BRIDGE, then every baseline on BRIDGE's budget.
    AllAlgorithms,
    /// BRIDGE with `K` epochs per structure.
    Epochs(usize),
    /// BRIDGE with the critic and the actors carried so between structures.
    Carry {
        /// The critic.
        critic: Carry,
        /// The actors.
        actor: Carry,
    },
}

/// One run.
#[derive(Clone, Debug, Serialize)]
pub struct LbfRunKey {
    config: String,
    seed: u64,
    variant: Variant,
}

/// One algorithm's result in one run.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Row {
    algorithm: String,
    value: f64,
    singleton_value: f64,
    trainings: usize,
    seconds: f64,
    structure: Vec<Vec<usize>>,
}

impl Row {
    fn new(algorithm: Algorithm, outcome: Outcome, seconds: f64) -> Self {
        Self {
            algorithm: algorithm.name().into(),
            value: outcome.value,
            singleton_value: outcome.singleton_value,
            trainings: outcome.trainings,
            seconds,
            structure: outcome.structure,
        }
    }

    fn gain(&self) -> f64 {
        self.value - self.singleton_value
    }
}

/// `fig3`, `fig4` or `table6` over the configurations `--configs` names.
pub struct LbfExperiment<'a> {
    kind: Kind,
    args: &'a ReproArgs,
    configs: Vec<String>,
}

impl<'a> LbfExperiment<'a> {
    /// The experiment `kind` with the command's options; refuses unknown configurations.
    pub fn new(kind: Kind, args: &'a ReproArgs) -> Result<Self> {
        let configs = match &args.configs {
            None => paper_configs().iter().map(|c| c.to_string()).collect(),
            Some(list) => {
                if let Some(bad) = list.iter().find(|c| !PRESETS.contains(&c.as_str())) {
                    bail!(
                        "--configs {bad}: the configurations are {}",
                        PRESETS.join(", ")
                    );
                }
                if let Some(c) =
                    (0..list.len()).find_map(|k| list[..k].contains(&list[k]).then_some(&list[k]))
                {
                    bail!("--configs names {c} twice");
                }
                list.clone()
            }
        };
        Ok(Self {
            kind,
            args,
            configs,
        })
    }

    fn seeds(&self) -> std::ops::Range<u64> {
        self.args.first_seed..self.args.first_seed + self.args.seeds
    }

    fn variants(&self) -> Vec<Variant> {
        match self.kind {
            Kind::Fig3 => vec![Variant::AllAlgorithms],
            Kind::Fig4 => FIG4_EPOCHS.map(Variant::Epochs).to_vec(),
            Kind::Table6 => TABLE6_CARRY
                .map(|(critic, actor)| Variant::Carry { critic, actor })
                .to_vec(),
        }
    }
}

/// BRIDGE's run with `settings`, to its end.
fn bridge(settings: RunSettings) -> Result<Row> {
    let started = Instant::now();
    let mut run = LbfRun::new(settings)?;
    while !run.advance(&mut || false, &mut |_| {})? {}
    let outcome = run
        .outcome()
        .cloned()
        .ok_or_else(|| anyhow::anyhow!("the bi-level run ended without a result"))?;
    Ok(Row::new(
        Algorithm::Bridge,
        outcome,
        started.elapsed().as_secs_f64(),
    ))
}

impl Experiment for LbfExperiment<'_> {
    type Run = LbfRunKey;
    type Outcome = Vec<Row>;

    fn runs(&self) -> Result<Vec<LbfRunKey>> {
        let mut runs = Vec::new();
        for config in &self.configs {
            for variant in self.variants() {
                for seed in self.seeds() {
                    runs.push(LbfRunKey {
                        config: config.clone(),
                        seed,
                        variant: variant.clone(),
                    });
                }
            }
        }
        Ok(runs)
    }

    fn prepare(&self, _runs: &[&LbfRunKey]) -> Result<()> {
        Ok(())
    }

    fn execute(&self, run: &LbfRunKey) -> Result<Vec<Row>> {
        let config = Config::from_name(&run.config)?;
        let mut settings = RunSettings::ours(config, self.args.lbf_episodes, run.seed);
        match &run.variant {
            Variant::AllAlgorithms => {}
            Variant::Epochs(k) => settings.schedule.epochs = *k,
            Variant::Carry { critic, actor } => {
                settings.followers.critic = *critic;
                settings.followers.actor = *actor;
            }
        }
        let ours = bridge(settings.clone())?;
        let mut rows = Vec::new();
        if run.variant == Variant::AllAlgorithms {
            // The search's trainings: all but the final one on the structure found.
            let budget = ours.trainings.saturating_sub(1).max(1);
            for algorithm in BASELINES {
                let started = Instant::now();
                let (outcome, _) = run_baseline(&settings, algorithm, budget, &mut |_| {})?;
                rows.push(Row::new(
                    algorithm,
                    outcome,
                    started.elapsed().as_secs_f64(),
                ));
            }
        }
        rows.push(ours);
        Ok(rows)
    }

    fn report(&self, results: &[(&LbfRunKey, Option<Vec<Row>>)]) -> Result<Report> {
        let mut csv = String::from(
            "config,variant,seed,algorithm,value,singleton_value,gain,trainings,seconds\n",
        );
        for (run, rows) in results {
            for row in rows.iter().flatten() {
                let _ = writeln!(
                    csv,
                    "{},{},{},{},{},{},{},{},{:.3}",
                    run.config,
                    variant_label(&run.variant),
                    run.seed,
                    row.algorithm,
                    row.value,
                    row.singleton_value,
                    row.gain(),
                    row.trainings,
                    row.seconds
                );
            }
        }
        let table = Table::collect(results);
        let (name, markdown, svg) = match self.kind {
            Kind::Fig3 => ("fig3", self.fig3(&table), self.fig3_plot(&table)?),
            Kind::Fig4 => ("fig4", self.fig4(&table), None),
            Kind::Table6 => ("table6", self.table6(&table), None),
        };
        let mut files = vec![(format!("{name}.csv"), csv)];
        files.extend(svg.map(|svg| (format!("{name}.svg"), svg)));
        Ok(Report { markdown, files })
    }
}

fn variant_label(variant: &Variant) -> String {
    match variant {
        Variant::AllAlgorithms => "all".into(),
        Variant::Epochs(k) => format!("{k} epochs"),
        Variant::Carry { critic, actor } => format!(
            "{} critic / {} actors",
            carry_name(*critic),
            carry_name(*actor)
        ),
    }
}

fn carry_name(carry: Carry) -> &'static str {
    match carry {
        Carry::Reuse => "reuse",
        Carry::Init => "init",
    }
}

/// Every row's values by (configuration, variant, algorithm), over seeds.
struct Table<'r> {
    cells: Vec<(&'r str, &'r Variant, &'r str, &'r Row)>,
}

impl<'r> Table<'r> {
    fn collect(results: &'r [(&'r LbfRunKey, Option<Vec<Row>>)]) -> Self {
        let mut cells = Vec::new();
        for (run, rows) in results {
            for row in rows.iter().flatten() {
                cells.push((
                    run.config.as_str(),
                    &run.variant,
                    row.algorithm.as_str(),
                    row,
                ));
            }
        }
        Self { cells }
    }

    fn rows(&self, config: &str, variant: &Variant, algorithm: &str) -> Vec<&'r Row> {
        self.cells
            .iter()
            .filter(|c| c.0 == config && c.1 == variant && c.2 == algorithm)
            .map(|c| c.3)
            .collect()
    }

    /// "mean ± std (k)" of `f` over the matching rows, "–" without any.
    fn cell(&self, config: &str, variant: &Variant, algorithm: &str, f: fn(&Row) -> f64) -> String {
        let xs: Vec<f64> = self
            .rows(config, variant, algorithm)
            .iter()
            .map(|r| f(r))
            .collect();
        if xs.is_empty() {
            return "–".into();
        }
        let (m, s) = mean_std(&xs);
        format!("{m:.2} ± {s:.2}")
    }

    fn mean(&self, config: &str, variant: &Variant, algorithm: &str, f: fn(&Row) -> f64) -> f64 {
        let xs: Vec<f64> = self
            .rows(config, variant, algorithm)
            .iter()
            .map(|r| f(r))
            .collect();
        mean_std(&xs).0
    }
}

fn value(r: &Row) -> f64 {
    r.value
}

fn gain(r: &Row) -> f64 {
    r.gain()
}

fn trainings(r: &Row) -> f64 {
    r.trainings as f64
}

fn seconds(r: &Row) -> f64 {
    r.seconds
}

fn paper_row(config: &str) -> Option<usize> {
    paper_configs().iter().position(|c| *c == config)
}

impl LbfExperiment<'_> {
    fn header(&self, title: &str) -> String {
        format!(
            "# {title}\n\nOurs: mean ± std over seeds {} to {} ({} per cell), BRIDGE as `bridge lbf` \
             runs it ({} leader episodes, our follower settings, K = 10 unless the \
             column says otherwise); V(CS) is the structure found, valued after the followers \
             trained on it once more; the gain is V(CS) − V(all singletons), the singletons as \
             the run valued them first.\n",
            self.seeds().start,
            self.seeds().end - 1,
            self.args.seeds,
            self.args.lbf_episodes
        )
    }

    fn fig3(&self, t: &Table) -> String {
        let all = Variant::AllAlgorithms;
        let columns: Vec<&str> = BASELINES
            .iter()
            .map(|a| a.name())
            .chain(["bridge"])
            .collect();
        let mut md =
            self.header("Figure 3: BRIDGE and the baselines on the grid (LBF), six configurations");
        md += "\nEach baseline searches structures valued by followers with BRIDGE's settings \
               and seed, within the follower trainings BRIDGE's search spent (the trainings \
               row), then trains once more on the structure it found.\n";
        for (title, f) in [
            ("V(CS)", value as fn(&Row) -> f64),
            ("Gain over all singletons", gain),
            ("Follower trainings (mean)", trainings),
            ("Seconds (mean, one core)", seconds),
        ] {
            let _ = write!(
                md,
                "\n## {title}\n\n| config | {} |\n|---|{}\n",
                columns.join(" | "),
                "---|".repeat(columns.len())
            );
            for config in &self.configs {
                let cells: Vec<String> = columns
                    .iter()
                    .map(|a| {
                        if title.starts_with("V") || title.starts_with("Gain") {
                            t.cell(config, &all, a, f)
                        } else {
                            // NaN: no run of this cell yet (a partial merge).
                            let m = t.mean(config, &all, a, f);
                            if m.is_nan() {
                                "–".into()
                            } else {
                                format!("{m:.1}")
                            }
                        }
                    })
                    .collect();
                let _ = writeln!(md, "| {config} | {} |", cells.join(" | "));
            }
        }
        md += "\n## The paper's Figure 3 (\"the value is defined as the baseline gain\")\n\n";
        let _ = writeln!(md, "| config | singleton | clink | grasp | saldae | uct | bridge |\n|---|---|---|---|---|---|---|");
        for config in &self.configs {
            if let Some(k) = paper_row(config) {
                let cells: Vec<String> = PAPER_FIG3[k]
                    .iter()
                    .map(|(m, s)| format!("{m:.2} ± {s:.1}"))
                    .collect();
                let _ = writeln!(md, "| {config} | {} |", cells.join(" | "));
            }
        }
        md += "\n## Where BRIDGE stands\n\n";
        for config in &self.configs {
            let ours = t.mean(config, &all, "bridge", value);
            let means: Vec<(&str, f64)> = BASELINES
                .iter()
                .map(|a| (a.name(), t.mean(config, &all, a.name(), value)))
                .collect();
            let missing: Vec<&str> = (means.iter())
                .filter(|(_, m)| m.is_nan())
                .map(|(a, _)| *a)
                .collect();
            let beaten: Vec<&str> = (means.iter())
                .filter(|(_, m)| *m > ours)
                .map(|(a, _)| *a)
                .collect();
            let verdict = if ours.is_nan() {
                "BRIDGE's runs are missing".to_string()
            } else if !missing.is_empty() {
                format!("runs missing for {}", missing.join(", "))
            } else if beaten.is_empty() {
                "BRIDGE's mean V(CS) is at or above every baseline's".to_string()
            } else {
                format!("below {} in mean V(CS)", beaten.join(", "))
            };
            let _ = writeln!(md, "- {config}: {verdict}");
        }
        md
    }

    fn fig3_plot(&self, t: &Table) -> Result<Option<String>> {
        let all = Variant::AllAlgorithms;
        let series: Vec<Series> = BASELINES
            .iter()
            .map(|a| a.name())
            .chain(["bridge"])
            .map(|a| Series {
                label: a.to_string(),
                points: self
                    .configs
                    .iter()
                    .enumerate()
                    .map(|(k, c)| ((k + 1) as f64, t.mean(c, &all, a, value)))
                    .filter(|p| p.1.is_finite())
                    .collect(),
            })
            .collect();
        let x_label = format!(
            "configuration ({})",
            self.configs
                .iter()
                .enumerate()
                .map(|(k, c)| format!("{} = {c}", k + 1))
                .collect::<Vec<_>>()
                .join(", ")
        );
        Ok(Some(lines(
            "Figure 3: V(CS) on the grid, mean over seeds",
            &x_label,
            "V(CS)",
            &series,
        )?))
    }

    fn fig4(&self, t: &Table) -> String {
        let mut md = self.header("Figure 4: BRIDGE with followers trained 15, 10, 7 or 5 epochs");
        for (title, f) in [
            ("V(CS)", value as fn(&Row) -> f64),
            ("Gain over all singletons", gain),
        ] {
            let _ = write!(md, "\n## {title}\n\n| config | 15 epochs | 10 epochs | 7 epochs | 5 epochs |\n|---|---|---|---|---|\n");
            for config in &self.configs {
                let cells: Vec<String> = FIG4_EPOCHS
                    .iter()
                    .map(|k| t.cell(config, &Variant::Epochs(*k), "bridge", f))
                    .collect();
                let _ = writeln!(md, "| {config} | {} |", cells.join(" | "));
            }
        }
        md += "\n## The paper's Figure 4\n\n| config | 15 epochs | 10 epochs | 7 epochs | 5 epochs |\n|---|---|---|---|---|\n";
        for config in &self.configs {
            if let Some(k) = paper_row(config) {
                let cells: Vec<String> = PAPER_FIG4[k].iter().map(|x| format!("{x:.2}")).collect();
                let _ = writeln!(md, "| {config} | {} |", cells.join(" | "));
            }
        }
        md
    }

    fn table6(&self, t: &Table) -> String {
        let mut md = self.header(
            "Table 6: the followers' critic and actors reused or re-initialised between structures",
        );
        let header = format!(
            "| critic / actors | {} |\n|---|{}\n",
            self.configs.join(" | "),
            "---|".repeat(self.configs.len())
        );
        for (title, f) in [
            ("V(CS)", value as fn(&Row) -> f64),
            ("Gain over all singletons", gain),
        ] {
            let _ = write!(md, "\n## {title}\n\n{header}");
            for (critic, actor) in TABLE6_CARRY {
                let variant = Variant::Carry { critic, actor };
                let cells: Vec<String> = self
                    .configs
                    .iter()
                    .map(|c| t.cell(c, &variant, "bridge", f))
                    .collect();
                let _ = writeln!(
                    md,
                    "| {} critic / {} actors | {} |",
                    carry_name(critic),
                    carry_name(actor),
                    cells.join(" | ")
                );
            }
        }
        let _ = write!(md, "\n## The paper's Table 6\n\n{header}");
        for (k, (critic, actor)) in TABLE6_CARRY.iter().enumerate() {
            let cells: Vec<String> = self
                .configs
                .iter()
                .map(|c| {
                    paper_row(c).map_or("–".into(), |i| format!("{:.1}", PAPER_TABLE6[k][i]))
                })
                .collect();
            let _ = writeln!(
                md,
                "| {} critic / {} actors | {} |",
                carry_name(*critic),
                carry_name(*actor),
                cells.join(" | ")
            );
        }
        md
    }
}
