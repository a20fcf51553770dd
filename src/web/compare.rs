//! The comparison panel: every algorithm on the current instance, best first, with its gain over
//! all singletons, its share of the optimum and its time; the exact optimum among them when the page can compute it.

use leptos::prelude::*;

use super::app::value_view;
use super::download::download_link;
use super::protocol::ToWorker;
use super::state::{AppState, WorkerState};
use crate::algorithms::Algorithm;
use crate::page::{export, numbers};
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
                    <div class="table-scroll" tabindex="0" role="region" aria-label="the algorithms compared"><table class="compare" data-testid="compare-table">
                        <tr><th>"algorithm"</th><th>"v(CS)"</th><th>"gain over all singletons"</th><th>{table.reference.heading()}</th><th>"coalitions"</th><th>"time"</th></tr>
                        {rows}
                    </table></div>
                    <div class="row">
                        <span class="note">"The table as a file, numbers in full:"</span>
                        {download_link("CSV", "bridge-comparison.csv", "text/csv", "compare-csv", export::comparison_csv(&c))}
                        {download_link("JSON", "bridge-comparison.json", "application/json", "compare-json", export::comparison_json(&c))}
                    </div>
                    <p class="note">{limits_note()}</p>
                }
            })}
        </section>
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
