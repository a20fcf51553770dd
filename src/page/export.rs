//! Results out (issue 13, item 10): what the page shows, as files people and `bridge` read.
//! The comparison as CSV and JSON, built from the same rows the page's table shows; the merge
//! viewer's trace as JSON; the leader's rollout as the command line's solution file (SPEC
//! section 3). Numbers in files are written in full (the shortest text that reads back to the
//! same `f64`), never the 4 digits shown on screen.

use serde::Serialize;

use super::numbers;
use super::replay::{self, ReplayError};
use crate::core::Solution;
use crate::service::protocol::{Comparison, RolloutReport, ViewerStep};

/// What the comparison's percentages are of: the optimum when the exact solver ran, otherwise
/// the best value any algorithm found (named so, since it may be below the optimum).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Reference {
    /// The exact solver's value.
    Optimum,
    /// The best value in the comparison.
    BestFound,
}

impl Reference {
    /// The table's column heading.
    pub fn heading(self) -> &'static str {
        match self {
            Self::Optimum => "% of the optimum",
            Self::BestFound => "% of the best found",
        }
    }

    /// The CSV's column name.
    fn column(self) -> &'static str {
        match self {
            Self::Optimum => "percent_of_optimum",
            Self::BestFound => "percent_of_best_found",
        }
    }
}

/// One algorithm's row of the comparison, as the table shows it and the files hold it.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparisonRow {
    /// The algorithm's name (as `bridge solve --algo` takes it).
    pub algorithm: String,
    /// `v(CS)` of its structure.
    pub value: f64,
    /// `v(CS)` minus the value of all singletons.
    pub gain_over_singletons: f64,
    /// `value` as a percentage of the reference, when the reference is a finite non-zero number.
    pub percent: Option<f64>,
    /// How many coalitions its structure has.
    pub coalitions: usize,
    /// Its wall time in the worker, in seconds.
    pub seconds: f64,
}

/// The comparison table: its rows, best first, and what the percentages are of.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct ComparisonTable {
    /// The instance, in words.
    pub described: String,
    /// `v` of all singletons.
    pub singleton_value: f64,
    /// What `percent` is of.
    pub reference: Reference,
    /// `v` of the reference.
    pub reference_value: f64,
    /// One row per algorithm, in the worker's order (best first).
    pub rows: Vec<ComparisonRow>,
}

/// The table the page shows for a comparison (and the files hold).
pub fn comparison_table(c: &Comparison) -> ComparisonTable {
    let exact = c.results.iter().find(|r| r.algorithm == "exact");
    let (reference, reference_value) = match exact {
        Some(r) => (Reference::Optimum, r.value),
        None => (
            Reference::BestFound,
            c.results.first().map_or(f64::NAN, |r| r.value),
        ),
    };
    let meaningful = reference_value.is_finite() && reference_value != 0.0;
    let rows = c
        .results
        .iter()
        .map(|r| ComparisonRow {
            algorithm: r.algorithm.clone(),
            value: r.value,
            gain_over_singletons: r.value - c.singleton_value,
            percent: (meaningful && r.value.is_finite()).then(|| 100.0 * r.value / reference_value),
            coalitions: r.coalitions,
            seconds: r.seconds,
        })
        .collect();
    ComparisonTable {
        described: c.described.clone(),
        singleton_value: c.singleton_value,
        reference,
        reference_value,
        rows,
    }
}

/// A CSV field: quoted when it holds a comma, a quote or a line break.
fn csv_field(text: &str) -> String {
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text.to_string()
    }
}

/// The comparison as CSV: a header line, then one line per row of the table, numbers in full;
/// an empty percentage where the table shows none.
pub fn comparison_csv(c: &Comparison) -> String {
    let table = comparison_table(c);
    let mut out = format!(
        "algorithm,value,gain_over_singletons,{},coalitions,seconds\n",
        table.reference.column()
    );
    for r in &table.rows {
        out += &format!(
            "{},{},{},{},{},{}\n",
            csv_field(&r.algorithm),
            numbers::full(r.value),
            numbers::full(r.gain_over_singletons),
            r.percent.map(numbers::full).unwrap_or_default(),
            r.coalitions,
            numbers::full(r.seconds),
        );
    }
    out
}

/// The comparison as JSON: the instance, the singletons' value, the reference and the rows.
pub fn comparison_json(c: &Comparison) -> String {
    to_json(&comparison_table(c))
}

/// The merge viewer's trace as JSON: every state of the rollout with its structure
/// (`coalitions`, rebuilt here: the worker's answer does not carry it), its candidate merges,
/// their Q-values and true rewards, the action taken and its reward.
pub fn merge_trace_json(r: &RolloutReport) -> Result<String, ReplayError> {
    let structures = replay::structures(r)?;
    let trace = Trace {
        agents: r.agents,
        described: &r.described,
        steps: structures
            .into_iter()
            .zip(&r.steps)
            .map(|(coalitions, step)| TraceStep { coalitions, step })
            .collect(),
        value: r.value,
        singleton_value: r.singleton_value,
        kept: &r.kept,
        solution: &r.solution,
    };
    Ok(to_json(&trace))
}

/// The merge trace's file: [`RolloutReport`]'s fields in its order, each state with its
/// structure first.
#[derive(Serialize)]
struct Trace<'a> {
    agents: usize,
    described: &'a str,
    steps: Vec<TraceStep<'a>>,
    value: f64,
    singleton_value: f64,
    kept: &'a Option<String>,
    solution: &'a Solution,
}

/// A state of the trace: its structure, then the state as the worker sent it.
#[derive(Serialize)]
struct TraceStep<'a> {
    coalitions: Vec<Vec<usize>>,
    #[serde(flatten)]
    step: &'a ViewerStep,
}

/// The leader's rollout as the command line's solution file (SPEC section 3), as
/// `bridge solve --algo bridge --weights …` writes it for the same instance and weights.
pub fn solution_json(r: &RolloutReport) -> String {
    to_json(&r.solution)
}

/// Pretty JSON; plain data always serialises (non-finite numbers become `null`).
fn to_json<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Instance, Solution};
    use crate::leader::{NetworkConfig, PlainNetwork, QNetwork};
    use crate::service::protocol::{AlgorithmResult, InstanceSpec};
    use crate::service::Clock;

    fn result(algorithm: &str, value: f64, coalitions: usize) -> AlgorithmResult {
        AlgorithmResult {
            algorithm: algorithm.into(),
            value,
            coalitions,
            seconds: 0.125,
        }
    }

    fn comparison(results: Vec<AlgorithmResult>) -> Comparison {
        Comparison {
            described: "modified_normal, 4 agents, seed 1".into(),
            singleton_value: 40.0,
            results,
        }
    }

    #[test]
    fn the_csv_has_the_tables_rows_in_full_precision() {
        let c = comparison(vec![
            result("exact", 80.0, 2),
            result("clink", 60.1, 3),
            result("singleton", 40.0, 4),
        ]);
        let table = comparison_table(&c);
        assert_eq!(table.reference, Reference::Optimum);
        let csv = comparison_csv(&c);
        let lines: Vec<&str> = csv.lines().collect();
        assert_eq!(
            lines[0],
            "algorithm,value,gain_over_singletons,percent_of_optimum,coalitions,seconds"
        );
        assert_eq!(lines.len(), 1 + table.rows.len());
        // clink: 60.1 − 40 = 20.1 (in f64: 20.1 plus 3.55e-15), 100 · 60.1 / 80 = 75.125.
        assert_eq!(lines[2], "clink,60.1,20.1,75.125,3,0.125");
        assert_eq!(lines[1], "exact,80.0,40.0,100.0,2,0.125");
        for (line, row) in lines[1..].iter().zip(&table.rows) {
            let fields: Vec<&str> = line.split(',').collect();
            assert_eq!(fields[0], row.algorithm);
            assert_eq!(
                fields[1].parse::<f64>(),
                Ok(row.value),
                "values read back exactly"
            );
        }
    }

    #[test]
    fn without_the_optimum_the_percentages_are_of_the_best_found_and_say_so() {
        let c = comparison(vec![result("clink", 50.0, 2), result("random", 25.0, 3)]);
        let table = comparison_table(&c);
        assert_eq!(table.reference, Reference::BestFound);
        assert_eq!(table.reference.heading(), "% of the best found");
        assert_eq!(table.rows[1].percent, Some(50.0));
        assert!(comparison_csv(&c)
            .starts_with("algorithm,value,gain_over_singletons,percent_of_best_found,"));
        // A zero reference gives no percentage rather than an infinity.
        let zero = comparison_table(&comparison(vec![result("grand", 0.0, 1)]));
        assert_eq!(zero.rows[0].percent, None);
        assert!(comparison_csv(&comparison(vec![result("grand", 0.0, 1)]))
            .ends_with("grand,0.0,-40.0,,1,0.125\n"));
    }

    #[test]
    fn csv_fields_with_commas_or_quotes_are_quoted() {
        assert_eq!(csv_field("clink"), "clink");
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
    }

    #[test]
    fn the_json_holds_the_tables_rows() {
        let c = comparison(vec![result("exact", 80.0, 2), result("clink", 60.1, 3)]);
        let json: serde_json::Value =
            serde_json::from_str(&comparison_json(&c)).expect("valid JSON");
        assert_eq!(json["reference"], "optimum");
        assert_eq!(json["rows"][1]["algorithm"], "clink");
        assert_eq!(json["rows"][1]["value"], 60.1);
        assert_eq!(json["singleton_value"], 40.0);
    }

    struct Ticks(std::cell::Cell<f64>);
    impl Clock for Ticks {
        fn now_ms(&self) -> f64 {
            self.0.set(self.0.get() + 2.0);
            self.0.get()
        }
    }

    #[test]
    fn the_solution_file_reads_with_the_cores_reader_and_matches_the_command_lines() {
        let spec = InstanceSpec::Generated {
            distribution: "modified_normal".into(),
            params: Vec::new(),
            agents: 6,
            seed: 4,
        };
        let net = QNetwork::new(NetworkConfig::new(8), 3).expect("a network");
        let plain = PlainNetwork::new(&net).expect("f32 weights");
        let report =
            crate::service::requests::infer(&spec, &plain, &Ticks(0.0.into())).expect("a rollout");
        let read = Solution::from_json(&solution_json(&report)).expect("the core reads it");
        let cs = read.structure(6).expect("a partition of the 6 agents");
        // What `bridge solve --algo bridge` computes for the same instance and weights.
        let instance = Instance::generate(
            crate::core::Distribution::from_name("modified_normal").expect("known"),
            6,
            4,
        )
        .expect("valid");
        let options = crate::algorithms::SolveOptions {
            leader: Some(&plain),
            ..Default::default()
        };
        let cli = crate::algorithms::Algorithm::Bridge
            .solve(&instance, &options)
            .expect("solves");
        assert_eq!(read.coalitions, cli.coalitions);
        assert_eq!(read.steps, cli.steps);
        assert_eq!(read.value, cli.value);
        assert_eq!(cs.len(), cli.coalitions.len());
        assert_eq!(read.algorithm, "bridge");
        assert_eq!(read.seconds, 0.002, "the worker's clock timed the rollout");
        // The viewer's last state is the solution's structure, its value the solution's.
        let last = report.steps.len() - 1;
        assert_eq!(
            replay::structure_at(&report, last).expect("a replay"),
            read.coalitions
        );
        assert_eq!(report.value, read.value);
        // The trace names every state, each with its structure, then the rest of the report
        // as the worker sent it: its fields in their order, each `f32` as short as it prints.
        let text = merge_trace_json(&report).expect("a replay");
        let trace: serde_json::Value = serde_json::from_str(&text).expect("valid JSON");
        // Read back, it is the report to the bit (its `f32` Q-values printed as short as they
        // are, not widened), with the fields in the report's order, a state's structure first.
        let back: RolloutReport = serde_json::from_str(&text).expect("the report's fields");
        assert_eq!(back, report);
        let at = |key: &str| text.find(&format!("\"{key}\":")).expect(key);
        let order = [
            "agents",
            "described",
            "steps",
            "coalitions",
            "chosen",
            "candidates",
            "q_stop",
        ];
        assert!(order.windows(2).all(|w| at(w[0]) < at(w[1])), "{order:?}");
        let q = report.steps[0].candidates[0].q;
        assert!(text.contains(&format!(
            "\"q\": {}",
            serde_json::to_string(&q).expect("a number")
        )));
        assert_eq!(
            trace["steps"].as_array().map(Vec::len),
            Some(report.steps.len())
        );
        assert_eq!(
            trace["steps"][0]["coalitions"],
            serde_json::json!([[0], [1], [2], [3], [4], [5]])
        );
        assert_eq!(
            trace["steps"][last]["coalitions"],
            serde_json::json!(read.coalitions)
        );
    }
}
