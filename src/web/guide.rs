//! The guided first run: on a first visit, a short path through one experiment — an instance
//! and its exact optimum, a leader trained in seconds, its merges stepped through, the
//! baselines beside it, then the followers on the grid — each step a plain sentence or two and
//! a "show me" button that brings the step's control into view and presses it (the same
//! control a person would press, so the guide cannot drift from the page). While the guide is
//! scrolled out of view (a step's control is often far below it), a bar at the bottom of the
//! screen carries its next step; it folds into a small button in the corner when it covers
//! something the reader wants. Closing it is remembered in the browser; the header's Guide
//! button opens it again. The glossary explains the rest.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::state::{reveal, AppState};

/// The browser storage key remembering that the guide was closed.
const CLOSED_KEY: &str = "bridge-lab-guide-closed";

/// One step of the guide.
struct Step {
    title: &'static str,
    text: &'static str,
    /// The `data-testid` of the control the step presses.
    control: &'static str,
    /// What "show me" says.
    action: &'static str,
    /// Whether the step has been done (the page shows its result).
    done: fn(&AppState) -> bool,
    /// The `data-testid` of what shows the step's result, brought into view once it is done.
    shows: &'static str,
}

const STEPS: [Step; 6] = [
    Step {
        title: "An instance and its optimum",
        text: "A few agents (ten unless you chose another number), and a value for every group \
               (coalition) of them, drawn from a distribution. A coalition structure splits all agents into coalitions; its value \
               v(CS) is the sum of theirs. The best structure is the optimum, which the page \
               finds exactly for up to 16 agents.",
        control: "exact-run",
        action: "Solve exactly",
        done: |s| s.exact.with(Option::is_some),
        shows: "exact-partition",
    },
    Step {
        title: "Train a leader",
        text: "The leader is a neural network (a DQN). It starts from every agent alone (all \
               singletons) and merges two coalitions at a time; its reward for a merge is how \
               much v(CS) rises. Training plays this again and again (episodes) — watch the \
               curves: v(CS) climbs towards the optimum's line. About ten seconds.",
        control: "train-start",
        action: "Train a new leader",
        done: |s| s.trained.with(Option::is_some) && !s.training.get(),
        shows: "plot-value",
    },
    Step {
        title: "Watch its merges",
        text: "The state is the current structure; an action merges two coalitions, or stops. \
               A candidate's Q-value is what the trained leader expects from that merge and \
               everything after it; the true reward is beside it. The leader stops when no \
               merge is worth more than stopping. Step through with the arrows.",
        control: "infer-run",
        action: "Run the leader",
        done: |s| s.rollout.with(Option::is_some),
        shows: "merge-candidates",
    },
    Step {
        title: "Beside the classic algorithms",
        text: "C-Link, GRASP, CSG-UCT and SALDAE search for good structures without learning; \
               the exact optimum tops the table, and \"% of the optimum\" says how close each \
               comes.",
        control: "compare-run",
        action: "Run every algorithm",
        done: |s| s.comparison.with(Option::is_some),
        shows: "compare-table",
    },
    Step {
        title: "The lower level: followers on a grid",
        text: "In BRIDGE the values are not given: followers learn to gather apples on a grid \
               inside the coalitions the leader forms, and a coalition is worth what its members \
               collect. Train BRIDGE on the small teaching grid (about 5 s).",
        control: "lbf-train-start",
        action: "Train BRIDGE on the grid",
        done: |s| s.lbf_result.with(Option::is_some),
        shows: "lbf-value",
    },
    Step {
        title: "The followers play",
        text: "The trained followers play one episode on the grid, each coloured by the \
               coalition the leader put it in: players walk to the apples, and an apple is \
               loaded when the players beside it, loading together, have levels enough. Of several \
               episodes played, the page shows the one of middle return: V(CS) is an average, \
               and a single episode can be luckier or unluckier than it.",
        control: "lbf-episode-play",
        action: "Play the followers' episode",
        done: |s| s.lbf_coalitions.with(Option::is_some),
        shows: "lbf-grid",
    },
];

fn storage() -> Option<web_sys::Storage> {
    window().local_storage().ok().flatten()
}

/// Whether the guide was closed in this browser before.
fn closed_before() -> bool {
    storage()
        .and_then(|s| s.get_item(CLOSED_KEY).ok().flatten())
        .is_some()
}

/// The element `testid` (an HTML control or an SVG drawing), if the page shows it.
fn element(testid: &str) -> Option<web_sys::Element> {
    super::state::find(&format!("[data-testid={testid}]"))
}

/// Brings the control `testid` into view and presses it.
fn press(testid: &str) {
    if let Some(control) = element(testid) {
        reveal(&control);
        if let Ok(control) = control.dyn_into::<web_sys::HtmlElement>() {
            control.click();
        }
    }
}

/// The guide's open state, shared with the header's button.
#[derive(Clone, Copy)]
pub struct GuideOpen(pub RwSignal<bool>);

impl GuideOpen {
    /// Open on a first visit, closed once someone closed it in this browser.
    pub fn new() -> Self {
        Self(RwSignal::new(!closed_before()))
    }
}

impl Default for GuideOpen {
    fn default() -> Self {
        Self::new()
    }
}

/// The header's button that opens the guide again.
#[component]
pub fn GuideButton(open: GuideOpen) -> impl IntoView {
    view! {
        <button class="secondary" data-testid="guide-open" on:click=move |_| open.0.set(true)
            disabled=move || open.0.get()>"Guide"</button>
    }
}

/// The guide: the first step not yet done, its sentences and its button.
#[component]
pub fn Guide(state: AppState, open: GuideOpen) -> impl IntoView {
    // Skipped steps count as done for choosing the step to show.
    let skipped = RwSignal::new(0usize);
    let current = move || {
        STEPS
            .iter()
            .enumerate()
            .position(|(i, s)| i >= skipped.get() && !(s.done)(&state))
    };
    let close = move |_| {
        open.0.set(false);
        if let Some(s) = storage() {
            let _ = s.set_item(CLOSED_KEY, "1");
        }
    };
    // "Show me" scrolls to the step's control, often far from the guide: while the guide is
    // out of view, a small bar at the bottom of the screen carries its next step.
    let section = NodeRef::<leptos::html::Section>::new();
    let out_of_view = RwSignal::new(false);
    let measure = move || {
        let away = section.get_untracked().is_some_and(|el| {
            let r = el.get_bounding_client_rect();
            let height = window()
                .inner_height()
                .ok()
                .and_then(|h| h.as_f64())
                .unwrap_or(0.0);
            r.bottom() < 0.0 || r.top() > height
        });
        if away != out_of_view.get_untracked() {
            out_of_view.set(away);
        }
    };
    let _ = window_event_listener(leptos::ev::scroll, move |_| measure());
    let _ = window_event_listener(leptos::ev::resize, move |_| measure());
    // A step the guide pressed for: once done, what shows its result is brought into view (a
    // result often appears below its button, past the bottom of a projector's screen).
    let awaiting = RwSignal::new(None::<usize>);
    let show_me = move |k: usize| {
        awaiting.set(Some(k));
        press(STEPS[k].control);
    };
    Effect::new(move |_| {
        let Some(k) = awaiting.get() else { return };
        if (STEPS[k].done)(&state) {
            awaiting.set(None);
            // After the result is drawn.
            request_animation_frame(move || {
                if let Some(result) = element(STEPS[k].shows) {
                    reveal(&result);
                }
            });
        }
    });
    // The bar covers what is under it, so it folds to a small button in the corner; opening the
    // guide again unfolds it.
    let folded = RwSignal::new(false);
    Effect::new(move |_| {
        if open.0.get() {
            folded.set(false);
        }
    });
    let back_to_guide = move |_| {
        if let Some(el) = section.get_untracked() {
            el.scroll_into_view();
        }
    };
    view! {
        <Show when=move || open.0.get() && out_of_view.get()>
            // The path's end, far from the guide: the bar says so, where the last step was.
            {move || (current().is_none() && !folded.get()).then(|| view! {
                <div class="guide-bar" data-testid="guide-bar" role="region" aria-label="the guide's end">
                    <span class="guide-bar-title">"Guide: the whole path, done."</span>
                    <button class="secondary" on:click=back_to_guide>"↑ read its last words"</button>
                    <button class="secondary" data-testid="guide-bar-fold" title="fold the bar away"
                        on:click=move |_| folded.set(true)>"▾ hide"</button>
                </div>
            })}
            {move || current().map(|k| if folded.get() {
                view! {
                    <button class="guide-pill" data-testid="guide-bar-unfold"
                        title="show the guide's next step" on:click=move |_| folded.set(false)>
                        {format!("Guide {}/{} ▴", k + 1, STEPS.len())}
                    </button>
                }
                .into_any()
            } else {
                view! {
                    <div class="guide-bar" data-testid="guide-bar" role="region" aria-label="the guide's next step">
                        <span class="guide-bar-title">
                            {format!("Guide, step {} of {}: {}", k + 1, STEPS.len(), STEPS[k].title)}
                        </span>
                        <button data-testid="guide-bar-do" on:click=move |_| show_me(k)
                            disabled=move || state.training.get() || state.lbf_training.get()>
                            {format!("Show me: {}", STEPS[k].action)}
                        </button>
                        <button class="secondary" on:click=back_to_guide>"↑ read it"</button>
                        <button class="secondary" data-testid="guide-bar-fold"
                            title="fold the bar into a small button in the corner, to see what it covers"
                            on:click=move |_| folded.set(true)>"▾ hide"</button>
                    </div>
                }
                .into_any()
            })}
        </Show>
        <Show when=move || open.0.get()>
            <section class="panel guide" data-testid="guide" aria-label="guided first run" node_ref=section>
                <div class="row guide-head">
                    <h2>"A first run, step by step"</h2>
                    <button class="secondary dismiss" data-testid="guide-close" aria-label="close the guide"
                        on:click=close>"×"</button>
                </div>
                {move || match current() {
                    Some(k) => {
                        let step = &STEPS[k];
                        view! {
                            <p class="guide-step" data-testid="guide-step">
                                {format!("Step {} of {}: {}", k + 1, STEPS.len(), step.title)}
                            </p>
                            <p>{step.text}</p>
                            <div class="row">
                                <button data-testid="guide-do" on:click=move |_| show_me(k)
                                    disabled=move || state.training.get() || state.lbf_training.get()>
                                    {format!("Show me: {}", step.action)}
                                </button>
                                <button class="secondary" data-testid="guide-skip"
                                    on:click=move |_| skipped.set(k + 1)>"Skip this step"</button>
                            </div>
                        }
                        .into_any()
                    }
                    None => view! {
                        <p class="guide-step" data-testid="guide-step">"The whole path, done."</p>
                        <p>
                            "Change the instance, the leader's settings or the grid and try again; a link "
                            "to what you see is at the top of the page, and the glossary below says what "
                            "every term means. The Guide button at the top brings these steps back."
                        </p>
                    }
                    .into_any(),
                }}
            </section>
        </Show>
    }
}
