//! The comparison panel: every algorithm on the current instance, best first, with its gain over
//! all singletons, its share of the optimum and its time; the exact optimum among them when the page can compute it.

use leptos::prelude::*;

use super::app::value_view;
use super::download::download_link;
use super::protocol::ToWorker;
use super::state::{AppState, WorkerState};
use crate::algorithms::Algorithm;
use crate::page::export::ComparisonRow;
use crate::page::{bars, export, numbers};
use crate::service::browser_limit;

#[component]
pub fn ComparePanel(state: AppState) -> impl IntoView {
    let run = move |_| match state.instance_spec() {
        Ok(spec) => {
            state.error.set(None);
            state.send(&ToWorker::Compare { instance: spec }, true);
        }
        Err(e) => state.fail_form(e),
    };
    view! {
        <section class="panel">
            <h2>"4. Compare algorithms"</h2>
            <div class="row">
                <button data-testid="compare-run" on:click=run disabled=move || state.worker_state.get() != WorkerState::Idle>
                    "Run every algorithm on this instance"
                </button>
            </div>
            {move || state.comparison.get().map(|c| {
                // The rows the files hold too (page::export), so the CSV is the table.
                let table = export::comparison_table(&c);
                let rows = table.rows.iter().map(|r| {
                    view! {
                        <tr>
                            <td>{title(&r.algorithm)}</td>
                            <td>{value_view(r.value, Some(format!("compare-{}", r.algorithm)))}</td>
                            <td title=numbers::full(r.gain_over_singletons)>{numbers::signed(r.gain_over_singletons)}</td>
                            <td>{r.percent.map(|p| format!("{} %", numbers::short(p))).unwrap_or_default()}</td>
                            <td>{r.coalitions}</td>
                            <td title=format!("{} s", numbers::full(r.seconds))>{format!("{} ms", numbers::short(r.seconds * 1000.0))}</td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <p class="described">{c.described.clone()}</p>
                    <div class="compare-views">
                        <div class="table-scroll" tabindex="0" role="region" aria-label="the algorithms compared"><table class="compare" data-testid="compare-table">
                            <tr><th>"algorithm"</th><th>"v(CS)"</th><th>"gain over all singletons"</th><th>{table.reference.heading()}</th><th>"coalitions"</th><th>"time"</th></tr>
                            {rows}
                        </table></div>
                        {bar_chart(&table.rows)}
                    </div>
                    <div class="row">
                        <span class="note">"The table as a file, numbers in full:"</span>
                        {download_link("CSV", "bridge-comparison.csv", "text/csv", "compare-csv", {
                            let c = c.clone();
                            move || export::comparison_csv(&c)
                        })}
                        {download_link("JSON", "bridge-comparison.json", "application/json", "compare-json", {
                            let c = c.clone();
                            move || export::comparison_json(&c)
                        })}
                    </div>
                    <p class="note">{limits_note()}</p>
                }
            })}
        </section>
    }
}

/// The chart's width and one bar's height, in its own units (the SVG scales to its box).
const CHART_WIDTH: f64 = 420.0;
const BAR_HEIGHT: f64 = 22.0;
/// The room for the algorithms' names on the left and the values on the right.
const NAMES: f64 = 134.0;
const VALUES: f64 = 56.0;

/// The comparison as bars of each algorithm's gain over all singletons ([`bars::layout`]):
/// the leader in vermillion, the exact optimum in black, the others in blue (Okabe-Ito), each
/// bar's value at its end and its full numbers on hover.
fn bar_chart(rows: &[ComparisonRow]) -> impl IntoView {
    let gains: Vec<f64> = rows.iter().map(|r| r.gain_over_singletons).collect();
    // A loss's value sits left of its bar: room for it between the names and the plot.
    let left = NAMES
        + if gains.iter().any(|g| *g < 0.0) {
            VALUES
        } else {
            0.0
        };
    let layout = bars::layout(&gains, CHART_WIDTH - left - VALUES);
    let height = BAR_HEIGHT * rows.len() as f64 + 24.0;
    let drawn = rows
        .iter()
        .zip(&layout.bars)
        .enumerate()
        .map(|(i, (r, b))| {
            let y = 20.0 + i as f64 * BAR_HEIGHT;
            let colour = match r.algorithm.as_str() {
                "bridge" => "#D55E00",
                "exact" => "#222222",
                _ => "#0072B2",
            };
            let gain = r.gain_over_singletons;
            // The value beside the bar's far end: right of a gain, left of a loss.
            let (label_x, anchor) = if gain < 0.0 {
                (left + b.x - 3.0, "end")
            } else {
                (left + b.x + b.width + 3.0, "start")
            };
            view! {
                <g>
                    <title>{format!("{}: v(CS) {}, gain over all singletons {}", title(&r.algorithm), numbers::full(r.value), numbers::full(gain))}</title>
                    <text x=NAMES - 6.0 y=y + 15.0 text-anchor="end" font-size="12" fill="#1d2430">{title(&r.algorithm)}</text>
                    {gain.is_finite().then(|| view! {
                        <rect x=left + b.x y=y + 4.0 width=b.width.max(0.5) height=BAR_HEIGHT - 8.0 fill=colour />
                    })}
                    <text x=label_x y=y + 15.0 text-anchor=anchor font-size="11" fill="#1d2430">
                        {if gain.is_finite() { numbers::signed(gain) } else { "–".to_string() }}
                    </text>
                </g>
            }
        })
        .collect_view();
    let zero = left + layout.zero;
    view! {
        <svg class="bars" data-testid="compare-chart" width=CHART_WIDTH height=height
            viewBox=format!("0 0 {CHART_WIDTH} {height}") role="img"
            aria-label="each algorithm's gain over all singletons as a bar; the table beside it holds the same numbers">
            <text x=left + (CHART_WIDTH - left - VALUES) / 2.0 y="12" text-anchor="middle" font-size="12" fill="#5b6472">"gain over all singletons"</text>
            {drawn}
            <line x1=zero y1="16" x2=zero y2=height - 2.0 stroke="#5b6472" stroke-width="1" />
        </svg>
    }
}

/// An algorithm's name as people read it (the files keep the command line's `name`).
fn title(name: &str) -> String {
    Algorithm::from_name(name).map_or_else(|_| name.to_string(), |a| a.title().to_string())
}

/// Which algorithms the comparison leaves out, and when.
fn limits_note() -> String {
    let limits: Vec<String> = Algorithm::NAMES
        .iter()
        .filter_map(|name| {
            let algorithm = Algorithm::from_name(name).ok()?;
            browser_limit(algorithm).map(|n| format!("{} up to {n} agents", algorithm.title()))
        })
        .collect();
    format!(
        "BRIDGE (the leader) appears once a leader that takes the instance is trained or uploaded (the \
         paper's network of a size at least the number of agents, or the graph network); {}.",
        limits.join(", ")
    )
}
