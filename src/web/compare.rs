//! The comparison panel: every algorithm on the current instance, best first, with its gain over
//! all singletons, its share of the optimum and its time; the exact optimum among them when the page can compute it.

use leptos::prelude::*;

use super::app::value_view;
use super::protocol::ToWorker;
use super::state::{AppState, WorkerState};
use crate::algorithms::Algorithm;
use crate::page::numbers;
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
                // The optimum when the page knows it; otherwise the best value found, named so.
                let exact = c.results.iter().find(|r| r.algorithm == "exact").map(|r| r.value);
                let best = exact.or_else(|| c.results.first().map(|r| r.value)).unwrap_or(f64::NAN);
                let reference = if exact.is_some() { "% of the optimum" } else { "% of the best found" };
                let rows = c.results.iter().map(|r| {
                    let gain = r.value - c.singleton_value;
                    view! {
                        <tr>
                            <td>{r.algorithm.clone()}</td>
                            <td>{value_view(r.value, Some(format!("compare-{}", r.algorithm)))}</td>
                            <td title=numbers::full(gain)>{numbers::signed(gain)}</td>
                            <td>{numbers::percent(r.value, best).unwrap_or_default()}</td>
                            <td>{r.coalitions}</td>
                            <td title=format!("{} s", numbers::full(r.seconds))>{format!("{} ms", numbers::short(r.seconds * 1000.0))}</td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <p class="described">{c.described.clone()}</p>
                    <div class="table-scroll" tabindex="0" role="region" aria-label="the algorithms compared"><table class="compare" data-testid="compare-table">
                        <tr><th>"algorithm"</th><th>"v(CS)"</th><th>"gain over all singletons"</th><th>{reference}</th><th>"coalitions"</th><th>"time"</th></tr>
                        {rows}
                    </table></div>
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
