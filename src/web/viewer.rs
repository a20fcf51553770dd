//! The merge viewer: the leader's rollout step by step. Agents are nodes coloured by coalition,
//! the adjacency matrix is the network's input, and each candidate merge shows its learned
//! Q-value beside its true reward, so one can see where the network is right and where not.

use leptos::prelude::*;
use wasm_bindgen::JsCast;

use super::app::{coalition_label, value_view};
use super::download::download_link;
use super::player::Player;
use super::protocol::ToWorker;
use super::state::{AppState, WorkerState};
use crate::page::{export, numbers, replay};

/// The colours of coalitions with two or more members, in turn.
const PALETTE: [&str; 11] = [
    "#4f7fe0", "#f08a4b", "#57b25a", "#c25bb8", "#e8c33a", "#3fb4b4", "#8d6be0", "#e06060",
    "#8aa24a", "#6f8cab", "#d99a62",
];

/// The colour of an agent alone, everywhere the page draws coalitions: all singletons look
/// alike, so that two lone agents never look like one coalition.
pub const ALONE: &str = "#9a9a9a";

/// Each coalition's index among the coalitions of two or more members (the colour it takes
/// from a palette, in turn), or `None` for a singleton (drawn [`ALONE`]): the one rule of the
/// viewer's, the exact optimum's and the grid's colours.
pub fn shared_index(coalitions: &[Vec<usize>]) -> Vec<Option<usize>> {
    let mut next = 0;
    coalitions
        .iter()
        .map(|c| {
            (c.len() >= 2).then(|| {
                next += 1;
                next - 1
            })
        })
        .collect()
}

/// Each coalition's colour in the viewer: [`ALONE`] or the palette in turn (so the first
/// eleven coalitions that hold several agents all differ, at any number of agents).
fn colours(coalitions: &[Vec<usize>]) -> Vec<&'static str> {
    shared_index(coalitions)
        .into_iter()
        .map(|k| k.map_or(ALONE, |k| PALETTE[k % PALETTE.len()]))
        .collect()
}

/// The largest `n` drawn agent by agent (nodes on a ring, the matrix cell by cell); above it
/// coalitions are drawn as groups and the matrix as an image.
const MAX_DETAILED: usize = 40;

/// Agents as nodes on a circle, coloured by their coalition, members joined by lines; above
/// [`MAX_DETAILED`] agents, coalitions as groups.
fn graph(coalitions: &[Vec<usize>], n: usize) -> AnyView {
    if n > MAX_DETAILED {
        return groups(coalitions, n);
    }
    let size = 260.0;
    let r = size / 2.0 - 24.0;
    let pos = |a: usize| {
        let t = std::f64::consts::TAU * a as f64 / n.max(1) as f64 - std::f64::consts::FRAC_PI_2;
        (size / 2.0 + r * t.cos(), size / 2.0 + r * t.sin())
    };
    let of = colours(coalitions);
    let mut colour = vec![ALONE; n];
    let mut lines = Vec::new();
    for (k, c) in coalitions.iter().enumerate() {
        for &a in c {
            colour[a] = of[k];
        }
        for w in c.windows(2) {
            let ((x1, y1), (x2, y2)) = (pos(w[0]), pos(w[1]));
            lines.push(view! { <line x1=x1 y1=y1 x2=x2 y2=y2 stroke=of[k] stroke-width="3" /> });
        }
    }
    let node_r = if n > 40 { 4.0 } else { 11.0 };
    let nodes = (0..n)
        .map(|a| {
            let (x, y) = pos(a);
            let label = (n <= 40).then(|| view! { <text x=x y=y + 4.0 text-anchor="middle" font-size="12" font-weight="600" fill="white">{a + 1}</text> });
            view! { <g><circle cx=x cy=y r=node_r fill=colour[a] />{label}</g> }
        })
        .collect_view();
    view! {
        <svg class="graph" width=size height=size viewBox=format!("0 0 {size} {size}") role="img"
            aria-label=format!("{n} agents in {} coalitions", coalitions.len())>{lines}{nodes}</svg>
    }
    .into_any()
}

/// Coalitions as discs on a ring, each with an area proportional to its members and its size
/// written in it; the agents still alone as one grey disc in the middle, sized alike and
/// labelled with their count (hundreds of lone agents as dots on a ring read as nothing, and
/// drawing each took a third of a second at 1000 agents): readable at hundreds of agents.
fn groups(coalitions: &[Vec<usize>], n: usize) -> AnyView {
    let size = 260.0;
    let ring = size / 2.0 - 30.0;
    // Every disc's area is its share of a disc filling about half the drawing.
    let unit = (size * size * 0.12 / n.max(1) as f64 / std::f64::consts::PI).sqrt();
    let of = colours(coalitions);
    let shared: Vec<usize> = (0..coalitions.len())
        .filter(|&i| coalitions[i].len() >= 2)
        .collect();
    let alone = coalitions.len() - shared.len();
    let k = shared.len().max(1);
    // A number fits a disc down to a pair's at 100 agents (radius 7), in a smaller font there.
    let label = |x: f64, y: f64, r: f64, text: String| {
        (r >= 6.5).then(|| {
            let size = (r * 1.4).min(12.0);
            view! { <text x=x y=y + size / 3.0 text-anchor="middle" font-size=size font-weight="600" fill="white">{text}</text> }
        })
    };
    let discs = shared
        .iter()
        .enumerate()
        .map(|(j, &i)| {
            let c = &coalitions[i];
            let t = std::f64::consts::TAU * j as f64 / k as f64 - std::f64::consts::FRAC_PI_2;
            let (x, y) = (size / 2.0 + ring * t.cos(), size / 2.0 + ring * t.sin());
            let r = (unit * (c.len() as f64).sqrt()).max(1.5);
            view! {
                <g><circle cx=x cy=y r=r fill=of[i] fill-opacity="0.85">
                    <title>{format!("{} agents: {}", c.len(), coalition_label(c))}</title>
                </circle>{label(x, y, r, c.len().to_string())}</g>
            }
        })
        .collect_view();
    let lone = (alone > 0).then(|| {
        let r = (unit * (alone as f64).sqrt()).max(1.5);
        let c = size / 2.0;
        let text = if r >= 24.0 {
            format!("{alone} alone")
        } else {
            alone.to_string()
        };
        view! {
            <g><circle class="alone" data-alone=alone cx=c cy=c r=r fill=ALONE>
                <title>{format!("{alone} {} alone", if alone == 1 { "agent" } else { "agents" })}</title>
            </circle>{label(c, c, r, text)}</g>
        }
    });
    view! {
        <svg class="graph" data-testid="coalition-groups" width=size height=size viewBox=format!("0 0 {size} {size}")
            role="img" aria-label=format!("{n} agents in {} coalitions: {} of several agents, each a disc sized by its members, and {alone} alone in the middle", coalitions.len(), shared.len())>
            {discs}{lone}
        </svg>
    }
    .into_any()
}

/// The adjacency matrix of the structure (the network's input), for `n ≤ 40`.
fn matrix(coalitions: &[Vec<usize>], n: usize) -> AnyView {
    if n > MAX_DETAILED {
        return folded_matrix(coalitions, n);
    }
    let cell = (200.0 / n as f64).min(16.0);
    let of = colours(coalitions);
    let mut label = vec![0usize; n];
    for (k, c) in coalitions.iter().enumerate() {
        for &a in c {
            label[a] = k;
        }
    }
    // Agents are numbered along the top and the left, every one when the cells are wide enough
    // and every 2nd, 5th or 10th otherwise, so that no two numbers overlap.
    let margin = 20.0;
    let every = [1, 2, 5, 10]
        .into_iter()
        .find(|&k| cell * k as f64 >= 14.0)
        .unwrap_or(10);
    let cells = (0..n)
        .flat_map(|a| (0..n).map(move |b| (a, b)))
        .map(|(a, b)| {
            let on = label[a] == label[b];
            let fill = if on { of[label[a]] } else { "#eef1f6" };
            view! { <rect x=margin + b as f64 * cell y=margin + a as f64 * cell width=cell - 1.0 height=cell - 1.0 fill=fill /> }
        })
        .collect_view();
    let numbers = (0..n)
        .filter(|a| (a + 1) % every == 0 || *a == 0)
        .map(|a| {
            let at = margin + (a as f64 + 0.5) * cell;
            view! {
                <text x=at y=margin - 5.0 text-anchor="middle" font-size="11" fill="#333">{a + 1}</text>
                <text x=margin - 3.0 y=at + 4.0 text-anchor="end" font-size="11" fill="#333">{a + 1}</text>
            }
        })
        .collect_view();
    let side = margin + cell * n as f64;
    view! {
        <svg class="matrix" width=side height=side data-testid="adjacency" role="img"
            aria-label=format!("the {n}×{n} adjacency matrix: row and column are agents, a cell coloured where the two share a coalition")>
            {numbers}{cells}
        </svg>
    }
    .into_any()
}

/// The adjacency matrix folded: agents reordered coalition by coalition, so it is one block
/// per coalition on the diagonal, drawn as that many rectangles at any `n`.
fn folded_matrix(coalitions: &[Vec<usize>], n: usize) -> AnyView {
    let side = 200.0;
    let cell = side / n.max(1) as f64;
    let of = colours(coalitions);
    let mut at = 0.0;
    let blocks = coalitions
        .iter()
        .enumerate()
        .map(|(k, c)| {
            let (x, w) = (at, cell * c.len() as f64);
            at += w;
            view! { <rect x=x y=x width=w height=w fill=of[k] /> }
        })
        .collect_view();
    view! {
        <figure class="matrix-folded">
            <svg class="matrix" width=side height=side data-testid="adjacency" role="img"
                aria-label=format!("the {n}×{n} adjacency matrix with agents ordered by coalition: one block per coalition")>
                <rect width=side height=side fill="#eef1f6" />
                {blocks}
            </svg>
            <figcaption class="note">{format!("{n}×{n}, agents ordered by coalition")}</figcaption>
        </figure>
    }
    .into_any()
}

/// The optimum of the current instance when the page knows it: the exact solver's, or the
/// comparison's exact row.
pub fn optimum(state: &AppState) -> Option<f64> {
    state
        .exact
        .with(|e| e.as_ref().map(|e| e.exact_value))
        .or_else(|| {
            state.comparison.with(|c| {
                c.as_ref()?
                    .results
                    .iter()
                    .find(|r| r.algorithm == "exact")
                    .map(|r| r.value)
            })
        })
}

/// The merge viewer: run the leader, step through its states.
#[component]
pub fn Viewer(state: AppState) -> impl IntoView {
    let run = move |_| {
        let spec = match state.instance_spec() {
            Ok(s) => s,
            Err(e) => return state.fail_form(e),
        };
        if state.leader.get().is_none() {
            return state.fail("there is no leader yet: train one or upload weights".into());
        }
        state.error.set(None);
        state.send(&ToWorker::Infer { instance: spec }, true);
    };
    let count = move || {
        state
            .rollout
            .with(|r| r.as_ref().map_or(0, |r| r.steps.len()))
    };
    let back = move |_| state.step.update(|s| *s = s.saturating_sub(1));
    let next = move |_| {
        let last = count().saturating_sub(1);
        state.step.update(|s| *s = (*s + 1).min(last));
    };
    let player = Player::new();
    let stop_playing = move || player.stop();
    let toggle_play = move |_| {
        player.toggle(
            state.step,
            move || count().saturating_sub(1),
            std::time::Duration::from_millis(700),
        )
    };

    // Arrow keys step, Home and End jump, while the viewer has the focus.
    let on_key = move |ev: leptos::ev::KeyboardEvent| {
        let last = count().saturating_sub(1);
        let to = match ev.key().as_str() {
            "ArrowLeft" => state.step.get().saturating_sub(1),
            "ArrowRight" => (state.step.get() + 1).min(last),
            "Home" => 0,
            "End" => last,
            _ => return,
        };
        ev.prevent_default();
        stop_playing();
        state.step.set(to);
        // Keep the focus in the viewer: a step button that becomes disabled would drop it.
        if let Some(section) = ev
            .current_target()
            .and_then(|t| t.dyn_into::<web_sys::HtmlElement>().ok())
        {
            let _ = section.focus();
        }
    };
    let scrub = move |ev: leptos::ev::Event| {
        if let Ok(k) = event_target_value(&ev).parse::<usize>() {
            stop_playing();
            state.step.set(k.min(count().saturating_sub(1)));
        }
    };
    let reset = move |_| {
        stop_playing();
        state.step.set(0);
    };

    let current = move || {
        state.rollout.with(|r| {
            let r = r.as_ref()?;
            let k = state.step.get().min(r.steps.len().saturating_sub(1));
            Some((r.agents, k, r.steps.len(), r.steps[k].clone()))
        })
    };

    view! {
        <section class="panel" data-testid="merge-viewer" tabindex="0" on:keydown=on_key
            aria-label="the merge viewer; the arrow keys step through the rollout">
            <h2>"3. Watch the leader merge"</h2>
            <div class="row">
                <button data-testid="infer-run" on:click=run disabled=move || state.worker_state.get() != WorkerState::Idle>
                    "Run the leader on this instance"
                </button>
                {move || {
                    // Read in place: the rollout holds every state's candidates (hundreds of
                    // kilobytes at 1000 agents), which a clone would copy for four numbers.
                    let summary = state.rollout.with(|r| {
                        r.as_ref().map(|r| (r.value, r.singleton_value, r.described.clone(), r.kept.clone()))
                    });
                    summary.map(|(value, singletons, described, kept)| {
                        let gain = value - singletons;
                        let of_optimum = optimum(&state)
                            .and_then(|best| numbers::percent(value, best))
                            .map(|p| format!(", {p} of the optimum"));
                        view! {
                            <span class="rollout-summary">
                                "v(CS) = " <strong>{value_view(value, Some("cs-value".into()))}</strong>
                                {format!(" (gain over all singletons {}{})", numbers::signed(gain), of_optimum.unwrap_or_default())}
                                <span class="note">{format!(" — {described}")}</span>
                                {kept.map(|kept| view! { <span class="note" data-testid="rollout-kept">{format!("; the graph leader kept {kept}")}</span> })}
                            </span>
                        }
                    })
                }}
            </div>
            <div class="row">
                <button class="secondary" data-testid="merge-step-back" on:click=back disabled=move || state.step.get() == 0>"◀ back"</button>
                <button class="secondary" data-testid="merge-play" on:click=toggle_play disabled=move || count() == 0>
                    {move || if player.playing() { "❚❚ pause" } else { "▶ play" }}
                </button>
                <button class="secondary" data-testid="merge-step-next" on:click=next
                    disabled=move || { state.step.get() + 1 >= count() }>"step ▶"</button>
                <button class="secondary" data-testid="merge-reset" on:click=reset
                    disabled=move || state.step.get() == 0>"⟲ reset"</button>
                <input type="range" data-testid="merge-scrubber" aria-label="the state shown"
                    min="0" max=move || count().saturating_sub(1) prop:value=move || state.step.get()
                    on:input=scrub disabled=move || count() < 2 />
                <span class="status merge-step" data-testid="merge-step">{move || current().map(|(_, k, len, _)| format!("state {} of {}", k + 1, len)).unwrap_or_default()}</span>
            </div>
            {move || current().map(|(n, k, _, step)| {
                // The steps do not carry their structures (megabytes at 1000 agents): the one
                // shown is rebuilt from the merges before it.
                let coalitions = match state.rollout.with(|r| r.as_ref().map(|r| replay::structure_at(r, k))) {
                    Some(Ok(c)) => c,
                    Some(Err(e)) => return view! { <p class="error" role="alert">{e.to_string()}</p> }.into_any(),
                    None => return ().into_any(),
                };
                let action = match (&step.chosen, step.last) {
                    (Some((a, b)), _) => format!("next: merge {} and {} (reward {})", coalition_label(a), coalition_label(b), numbers::signed(step.reward)),
                    (None, true) => "final structure".to_string(),
                    (None, false) => "next: stop (the null action)".to_string(),
                };
                let candidates = step.candidates.iter().map(|c| {
                    let chosen = step.chosen.as_ref().is_some_and(|(a, b)| *a == c.a && *b == c.b);
                    view! {
                        <tr class:chosen=chosen>
                            <td>{format!("{} + {}", coalition_label(&c.a), coalition_label(&c.b))}</td>
                            <td title=numbers::full(f64::from(c.q))>{numbers::short(f64::from(c.q))}</td>
                            <td title=numbers::full(c.reward)>{numbers::signed(c.reward)}</td>
                        </tr>
                    }
                }).collect_view();
                view! {
                    <div class="viewer">
                        <div>
                            {graph(&coalitions, n)}
                            {(n > MAX_DETAILED).then(|| view! {
                                <p class="note">"Each disc is a coalition, its area (and, where it fits, its number) its members; the grey disc in the middle holds the agents still alone. Hover a disc for its agents."</p>
                            })}
                        </div>
                        <div>{matrix(&coalitions, n)}</div>
                        <div>
                            <p>
                                <strong title=numbers::full(step.value)>{format!("v(CS) = {}", numbers::short(step.value))}</strong>
                                {optimum(&state).and_then(|best| numbers::percent(step.value, best)).map(|p| format!(" ({p} of the optimum)"))}
                            </p>
                            <p data-testid="merge-action">{action}</p>
                            <div class="table-scroll" tabindex="0" role="region" aria-label="the candidate merges and their Q-values"><table class="candidates" data-testid="merge-candidates">
                                <tr><th>"candidate merge"</th><th>"Q"</th><th>"true reward"</th></tr>
                                {candidates}
                                <tr class:chosen=step.chosen.is_none() && !step.last><td>"stop"</td><td title=numbers::full(f64::from(step.q_stop))>{numbers::short(f64::from(step.q_stop))}</td><td>"0"</td></tr>
                            </table></div>
                        </div>
                    </div>
                }
                .into_any()
            })}
            {move || state.rollout.with(Option::is_some).then(|| view! {
                <div class="row">
                    <span class="note">"The rollout as a file: the merge trace with every candidate's Q-value, or the command line's solution file ("<code>"bridge solve --algo bridge"</code>" gives the same for these weights)."</span>
                    {download_link("merge trace (JSON)", "bridge-merge-trace.json", "application/json", "merge-trace-download",
                        move || state.rollout.with_untracked(|r| r.as_ref().and_then(|r| export::merge_trace_json(r).ok()).unwrap_or_default()))}
                    {download_link("solution file", "bridge-solution.json", "application/json", "solution-download",
                        move || state.rollout.with_untracked(|r| r.as_ref().map(export::solution_json).unwrap_or_default()))}
                </div>
            })}
            <p class="note">
                "The state is the coalition structure; an action merges two coalitions or stops. Each candidate's "
                "Q-value is what the leader expects from it and everything after; the true reward is beside it. The "
                "leader takes the highest Q, and stops when stopping is worth most. Arrow keys step, Home and End jump."
            </p>
        </section>
    }
}
