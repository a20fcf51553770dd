//! The comparison panel: every algorithm on the current instance, best first, with its baseline
//! gain and time; the exact optimum among them when the page can compute it.

use leptos::prelude::*;

use super::app::plain;
use super::protocol::ToWorker;
use super::state::{AppState, WorkerState};
use crate::algorithms::Algorithm;
use crate::service::browser_limit;

#[component]
pub fn ComparePanel(state: AppState) -> impl IntoView {
    let run = move |_| match state.instance_spec() {
        Ok(spec) => {
            state.error.set(None);
            state.send(&ToWorker::Compare { instance: spec }, true);
        }
        Err(e) => state.fail(e),
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
                let best = c.results.first().map_or(f64::NAN, |r| r.value);
                let rows = c.results.iter().map(|r| view! {
                    <tr>
                        <td>{r.algorithm.clone()}</td>
                        <td data-testid=format!("compare-{}", r.algorithm)>{plain(r.value)}</td>
                        <td>{format!("{:.4}", r.value - c.singleton_value)}</td>
                        <td>{format!("{:.1} %", 100.0 * r.value / best)}</td>
                        <td>{r.coalitions}</td>
                        <td>{format!("{:.2} ms", r.seconds * 1000.0)}</td>
                    </tr>
                }).collect_view();
                view! {
                    <p class="described">{c.described.clone()}</p>
                    <table class="compare" data-testid="compare-table">
                        <tr><th>"algorithm"</th><th>"v(CS)"</th><th>"baseline gain"</th><th>"of the best"</th><th>"coalitions"</th><th>"time"</th></tr>
                        {rows}
                    </table>
                    <p class="note">{limits_note()}</p>
                }
            })}
        </section>
    }
}

/// Which algorithms the comparison leaves out, and when.
fn limits_note() -> String {
    let limits: Vec<String> = Algorithm::NAMES
        .iter()
        .filter_map(|name| {
            let algorithm = Algorithm::from_name(name).ok()?;
            browser_limit(algorithm).map(|n| format!("{name} up to {n} agents"))
        })
        .collect();
    format!(
        "bridge appears once a leader is trained or uploaded; {}.",
        limits.join(", ")
    )
}
