//! The leader's merges from all singletons to the structure found, one step at a time: the
//! structure before, the two coalitions merged, `V` before and after under the followers, the
//! leader's reward, and its Q-values (of this merge, of its best merge, of stopping).

use leptos::prelude::*;

use super::super::app::coalition_label as members;
use super::super::state::AppState;
use crate::bilevel::LeaderMerge;
use crate::page::numbers;

fn structure(cs: &[Vec<usize>]) -> String {
    cs.iter().map(|c| members(c)).collect::<Vec<_>>().join(" ")
}

fn q(x: f32) -> String {
    numbers::short(f64::from(x))
}

/// One merge as a sentence a reader can follow.
fn described(m: &LeaderMerge) -> String {
    let choice = if m.q >= m.q_best {
        "the leader's own first choice now"
    } else {
        "not the leader's first choice now"
    };
    format!(
        "From {} the leader merged {} and {}: V went from {} to {} (reward {}). \
         Q of this merge {} ({choice}; best {}), Q of stopping {}.",
        structure(&m.before),
        members(&m.merged.0),
        members(&m.merged.1),
        numbers::short(m.value_before),
        numbers::short(m.value_after),
        numbers::signed(m.reward),
        q(m.q),
        q(m.q_best),
        q(m.q_stop),
    )
}

/// The merges with back / next buttons; the current one is described and highlighted.
#[component]
pub fn LbfMerges(state: AppState) -> impl IntoView {
    let merges = move || {
        state
            .lbf_result
            .with(|r| r.as_ref().and_then(|r| r.merges.clone()))
    };
    let step_by = move |delta: isize| {
        let len = merges().map_or(0, |m| m.len());
        let k = state.lbf_merge_step.get() as isize + delta;
        state
            .lbf_merge_step
            .set(k.clamp(0, len.saturating_sub(1) as isize) as usize);
    };
    move || {
        let merges = merges()?;
        if merges.is_empty() {
            return Some(
                view! { <p class="note">"The leader made no merge: all singletons is the structure found."</p> }
                    .into_any(),
            );
        }
        let k = state.lbf_merge_step.get().min(merges.len() - 1);
        let rows = merges
            .iter()
            .enumerate()
            .map(|(i, m)| {
                view! {
                    <tr class:current=i == k>
                        <td>{i + 1}</td>
                        <td>{format!("{} + {}", members(&m.merged.0), members(&m.merged.1))}</td>
                        <td title=numbers::full(m.value_after)>{numbers::short(m.value_after)}</td>
                        <td>{numbers::signed(m.reward)}</td>
                        <td>{q(m.q)}</td>
                        <td>{q(m.q_stop)}</td>
                    </tr>
                }
            })
            .collect_view();
        Some(
            view! {
                <h3>"The leader's merges"</h3>
                <p class="note">
                    "Each merge's reward is the change of V(CS) with followers trained for the new structure; "
                    "a Q-value is what the trained leader expects from a merge (or from stopping) and all it does after. "
                    "\"V after\" is V(CS) as the search valued the structure when it first met it; the V(CS) above "
                    "comes from training the followers once more on the structure found, so the two can differ a little."
                </p>
                <div class="row">
                    <button class="secondary" data-testid="lbf-merge-back" on:click=move |_| step_by(-1) disabled={k == 0}>"◀ back"</button>
                    <button class="secondary" data-testid="lbf-merge-next" on:click=move |_| step_by(1)
                        disabled={k + 1 >= merges.len()}>"next merge ▶"</button>
                    <span data-testid="lbf-merge-step">{format!("merge {} of {}", k + 1, merges.len())}</span>
                </div>
                <p class="described" data-testid="lbf-merge" aria-live="polite">{described(&merges[k])}</p>
                // It scrolls sideways on a phone: reachable by keyboard, and named.
                <table class="lbf-merges" tabindex="0" aria-label="the leader's merges">
                    <tr><th>"step"</th><th>"merged (agents)"</th><th>"V after"</th><th>"reward"</th><th>"Q"</th><th>"Q of stopping"</th></tr>
                    {rows}
                </table>
            }
            .into_any(),
        )
    }
}
