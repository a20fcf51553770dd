//! A table of samples by row and agent count, for the experiments at 30..100 agents.

use super::plot::Series;
use super::scale::AGENTS;
use super::{agents_header, mean_std, Sizes};

/// Samples by row and agent count, in the order rows first appear: the body of a table whose
/// columns are the agent counts run.
pub struct Grid {
    sizes: Sizes,
    rows: Vec<String>,
    cells: Vec<Vec<Vec<f64>>>,
}

impl Grid {
    /// An empty table with a column per size of `sizes`.
    pub fn new(sizes: &Sizes) -> Self {
        Self {
            sizes: sizes.clone(),
            rows: Vec::new(),
            cells: Vec::new(),
        }
    }

    /// The sizes of the columns.
    pub fn sizes(&self) -> &Sizes {
        &self.sizes
    }

    /// Records `x` for `row` at agent count index `k` (among [`AGENTS`]).
    pub fn push(&mut self, row: &str, k: usize, x: f64) {
        let r = match self.rows.iter().position(|name| name == row) {
            Some(r) => r,
            None => {
                self.rows.push(row.to_string());
                self.cells.push(vec![Vec::new(); AGENTS.len()]);
                self.rows.len() - 1
            }
        };
        self.cells[r][k].push(x);
    }

    /// The rows' names.
    pub fn rows(&self) -> &[String] {
        &self.rows
    }

    /// Mean and standard deviation of `row` at index `k`.
    pub fn stats(&self, row: &str, k: usize) -> (f64, f64) {
        self.rows
            .iter()
            .position(|name| name == row)
            .map_or((f64::NAN, f64::NAN), |r| mean_std(&self.cells[r][k]))
    }

    /// A Markdown table: one line per row, each cell written by `cell(mean, std)`.
    pub fn markdown(&self, first: &str, cell: impl Fn(f64, f64) -> String) -> String {
        let mut md = agents_header(first, &self.sizes.agents());
        for row in &self.rows {
            let cells: Vec<String> = (self.sizes.columns().iter())
                .map(|&k| {
                    let (m, s) = self.stats(row, k);
                    cell(m, s)
                })
                .collect();
            md += &format!("| {row} | {} |\n", cells.join(" | "));
        }
        md
    }

    /// The rows' means as plot series over the agent counts.
    pub fn series(&self) -> Vec<Series> {
        self.rows
            .iter()
            .map(|row| Series {
                label: row.clone(),
                points: (self.sizes.columns().iter())
                    .map(|&k| (AGENTS[k] as f64, self.stats(row, k).0))
                    .collect(),
            })
            .collect()
    }
}
