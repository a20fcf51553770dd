//! The Level-Based Foraging panel: BRIDGE's bi-level training on a grid preset in the worker
//! (the leader forms coalitions, the followers learn to forage in them), the structure found
//! and its `V(CS)`, and an episode of the trained followers played on the grid with players
//! coloured by coalition; or a recorded episode (lbforaging's file format) replayed in our
//! environment, with whether our rules reproduce the recording.

use leptos::prelude::*;

use super::app::value_view;
use super::field::Field;
use super::protocol::{LbfReport, LbfTrainSpec, ToWorker};
use super::state::{count_at, FormError};
use super::state::{AppState, WorkerState};
use crate::followers::PRESETS;
use crate::lbf::{Action, Food, Player};
use crate::page::numbers;
use crate::service::{MAX_BROWSER_LBF_EPISODES, MAX_BROWSER_LBF_EPOCHS};

/// Pixels per grid cell.
const CELL: f64 = 34.0;

const PLAYER_COLOURS: [&str; 6] = [
    "#4f7fe0", "#f08a4b", "#57b25a", "#c25bb8", "#3fb4b4", "#e06060",
];

/// What the grid shows at one position of the replay.
struct Frame<'a> {
    players: &'a [Player],
    food: &'a [Food],
    /// The effective actions and rewards of the step that led here (none for the start).
    step: Option<(&'a [Action], &'a [f64])>,
    scores: Vec<f64>,
}

fn frame(report: &LbfReport, k: usize) -> Frame<'_> {
    let file = &report.replayed;
    match k.checked_sub(1).and_then(|i| file.steps.get(i)) {
        None => Frame {
            players: &file.initial.players,
            food: &file.initial.food,
            step: None,
            scores: vec![0.0; file.initial.players.len()],
        },
        Some(s) => Frame {
            players: &s.players,
            food: &s.food,
            step: Some((&s.effective_actions, &s.rewards)),
            scores: s.scores.clone(),
        },
    }
}

fn action_name(a: Action) -> &'static str {
    match a {
        Action::None => "none",
        Action::North => "north",
        Action::South => "south",
        Action::West => "west",
        Action::East => "east",
        Action::Load => "load",
    }
}

/// Player `i`'s colour: its coalition's when the coalitions are known, else its own.
fn colour(i: usize, coalitions: Option<&[Vec<usize>]>) -> &'static str {
    let k = coalitions
        .and_then(|cs| cs.iter().position(|c| c.contains(&i)))
        .unwrap_or(i);
    PLAYER_COLOURS[k % PLAYER_COLOURS.len()]
}

/// The grid: apples as squares with their level, players as numbered circles with theirs.
fn grid(report: &LbfReport, f: &Frame, coalitions: Option<&[Vec<usize>]>) -> impl IntoView {
    let (rows, cols) = report.replayed.env_kwargs.field_size;
    let (w, h) = (cols as f64 * CELL, rows as f64 * CELL);
    // Grid lines as (x1, y1, x2, y2): one per row edge, then one per column edge.
    let lines = (0..=rows)
        .map(|r| (0.0, r as f64 * CELL, w, r as f64 * CELL))
        .chain((0..=cols).map(|c| (c as f64 * CELL, 0.0, c as f64 * CELL, h)))
        .map(|(x1, y1, x2, y2)| view! { <line x1=x1 y1=y1 x2=x2 y2=y2 stroke="#d7dce5" /> })
        .collect_view();
    let food = f
        .food
        .iter()
        .map(|a| {
            let (x, y) = (a.position.1 as f64 * CELL, a.position.0 as f64 * CELL);
            view! {
                <g class="apple">
                    <rect x=x + 5.0 y=y + 5.0 width=CELL - 10.0 height=CELL - 10.0 rx="4" fill="#7cc576" />
                    <text x=x + CELL / 2.0 y=y + CELL / 2.0 + 4.0 text-anchor="middle" font-size="12" fill="#123">{a.level}</text>
                </g>
            }
        })
        .collect_view();
    let players = f
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (x, y) = (p.position.1 as f64 * CELL, p.position.0 as f64 * CELL);
            view! {
                <g class="player">
                    <circle cx=x + CELL / 2.0 cy=y + CELL / 2.0 r=CELL / 2.0 - 4.0 fill=colour(i, coalitions) />
                    <text x=x + CELL / 2.0 y=y + CELL / 2.0 + 4.0 text-anchor="middle" font-size="11" fill="white">
                        {format!("{}·{}", i + 1, p.level)}
                    </text>
                </g>
            }
        })
        .collect_view();
    view! {
        <svg data-testid="lbf-grid" class="lbf-grid" width=w height=h viewBox=format!("0 0 {w} {h}")>
            {lines}{food}{players}
        </svg>
    }
}

/// The players' actions, rewards and scores at this position.
fn players_table(f: &Frame) -> impl IntoView {
    let rows = f
        .players
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let (action, reward) = match f.step {
                Some((actions, rewards)) => (
                    actions.get(i).map_or("–", |a| action_name(*a)).to_string(),
                    rewards
                        .get(i)
                        .map_or("–".to_string(), |r| numbers::short(*r)),
                ),
                None => ("–".to_string(), "–".to_string()),
            };
            view! {
                <tr>
                    <td>{format!("player {} (level {})", i + 1, p.level)}</td>
                    <td>{action}</td>
                    <td>{reward}</td>
                    <td>{numbers::short(f.scores.get(i).copied().unwrap_or(0.0))}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <table class="lbf-players" data-testid="lbf-scores">
            <tr><th>"player"</th><th>"action taken"</th><th>"reward"</th><th>"score"</th></tr>
            {rows}
        </table>
    }
}

#[component]
pub fn LbfPanel(state: AppState) -> impl IntoView {
    let on_upload = move |ev: leptos::ev::Event| {
        state.read_chosen_text(&ev, move |name, text| {
            state.send(&ToWorker::LbfReplay { name, text }, true)
        });
    };
    let last = move || {
        state
            .lbf
            .with(|r| r.as_ref().map_or(0, |r| r.replayed.steps.len()))
    };
    let step_by = move |delta: isize| {
        let k = state.lbf_step.get() as isize + delta;
        state.lbf_step.set(k.clamp(0, last() as isize) as usize);
    };
    view! {
        <section class="panel">
            <h2>"5. The lower level: Level-Based Foraging"</h2>
            <p class="note">
                "Players (circles: number·level) load an apple (squares: level) when the adjacent players choosing LOAD "
                "have levels summing to at least its level. BRIDGE's leader groups the players into coalitions; inside "
                "them the followers learn to forage (MADDPG), and a coalition's value is what its members collect, less "
                "a recruitment cost for each member beyond the first. Or upload an episode recorded from lbforaging 2.0.0 "
                "(the repository's tests/data/lbf-vectors/) to replay it in our environment step by step."
            </p>
            <LbfTraining state=state />
            <div class="row">
                <label>
                    "Recorded episode (JSON)"
                    <input data-testid="lbf-upload" type="file" accept=".json,application/json" on:change=on_upload
                        disabled=move || state.worker_state.get() != WorkerState::Idle />
                </label>
            </div>
            {move || state.lbf.get().map(|report| {
                let total = report.replayed.steps.len();
                let k = state.lbf_step.get().min(total);
                let (at_start, at_end) = (k == 0, k >= total);
                let f = frame(&report, k);
                view! {
                    <p data-testid="lbf-check" class="described">{format!("{}: {}", report.name, report.check)}</p>
                    <div class="row">
                        <button class="secondary" data-testid="lbf-step-back" on:click=move |_| step_by(-1) disabled=at_start>"◀ back"</button>
                        <button class="secondary" data-testid="lbf-step-next" on:click=move |_| step_by(1)
                            disabled=at_end>"step ▶"</button>
                        <span data-testid="lbf-step">{format!("step {k} of {total}")}</span>
                    </div>
                    <div class="row lbf">
                        {grid(&report, &f, state.lbf_coalitions.get().as_deref())}
                        {players_table(&f)}
                    </div>
                }
            })}
        </section>
    }
}

/// The shared training status while (or after) a bi-level run was the last training.
pub fn training_status(state: &AppState) -> String {
    if state.lbf_training.get() {
        return state.lbf_progress.with(|h| match h.last() {
            Some(p) => format!(
                "training on the grid: episode {} / {}, {} structures trained, best V(CS) {}",
                p.episode,
                p.episodes,
                p.trainings,
                numbers::short(p.best_value)
            ),
            None => "training on the grid: starting…".to_string(),
        });
    }
    match state.lbf_result.get() {
        Some(r) => format!(
            "done: {} leader episodes, {} structures trained, in {:.1} s",
            r.episodes, r.trainings, r.seconds
        ),
        None => "not trained yet".to_string(),
    }
}

/// `V(CS)` of each leader episode as a small line chart.
fn value_chart(values: &[f64]) -> impl IntoView {
    let (w, h) = (320.0, 80.0);
    let (lo, hi) = values
        .iter()
        .fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), &v| {
            (a.min(v), b.max(v))
        });
    let span = if hi > lo { hi - lo } else { 1.0 };
    let step = if values.len() > 1 {
        w / (values.len() - 1) as f64
    } else {
        0.0
    };
    let points = values
        .iter()
        .enumerate()
        .map(|(i, v)| {
            format!(
                "{:.1},{:.1}",
                i as f64 * step,
                h - 4.0 - (v - lo) / span * (h - 8.0)
            )
        })
        .collect::<Vec<_>>()
        .join(" ");
    view! {
        <svg class="lbf-chart" width=w height=h viewBox=format!("0 0 {w} {h}") role="img"
            aria-label="V(CS) of the structure each leader episode ended on">
            <polyline points=points fill="none" stroke="#4f7fe0" stroke-width="2" />
        </svg>
    }
}

/// The bi-level trainer: a preset, leader episodes and follower epochs; start, progress, the
/// structure found with its value, the trained followers' episode and both levels' weights.
#[component]
fn LbfTraining(state: AppState) -> impl IntoView {
    let start = move |_| {
        let spec = (|| -> Result<LbfTrainSpec, FormError> {
            Ok(LbfTrainSpec {
                config: state.lbf_config.get(),
                episodes: count_at(
                    "lbf-episodes-input",
                    "leader episodes",
                    &state.lbf_episodes.get(),
                    1,
                    MAX_BROWSER_LBF_EPISODES,
                )?,
                epochs: count_at(
                    "lbf-epochs-input",
                    "follower epochs",
                    &state.lbf_epochs.get(),
                    1,
                    MAX_BROWSER_LBF_EPOCHS,
                )?,
                seed: state.seed_value()?,
            })
        })();
        match spec {
            Ok(spec) => {
                state.error.set(None);
                state.lbf_error.set(None);
                state.lbf_progress.set(Vec::new());
                state.lbf_result.set(None);
                state.lbf_training.set(true);
                state.run_started();
                state.lbf_last.set(true);
                state.send(&ToWorker::LbfTrain(spec), false);
            }
            Err(e) => state.fail_form(e),
        }
    };
    let play = move |_| {
        if let Some(r) = state.lbf_result.get() {
            state.lbf_step.set(0);
            state.lbf_coalitions.set(Some(r.structure.clone()));
            state.lbf.set(Some(LbfReport {
                name: format!("the trained followers on {}", r.config),
                check: format!(
                    "coalitions {:?} (1-based), coloured alike",
                    r.structure
                        .iter()
                        .map(|c| c.iter().map(|a| a + 1).collect::<Vec<_>>())
                        .collect::<Vec<_>>()
                ),
                replayed: r.episode,
            }));
        }
    };
    let busy = move || state.lbf_training.get() || state.training.get();
    let options = PRESETS
        .iter()
        .map(|name| view! { <option value=*name>{*name}</option> })
        .collect_view();
    view! {
        <div class="row">
            <label>
                "Configuration"
                <select data-testid="lbf-config-select" prop:value=move || state.lbf_config.get()
                    on:change=move |ev| state.lbf_config.set(event_target_value(&ev))>
                    {options}
                </select>
            </label>
            <Field state label="Leader episodes" testid="lbf-episodes-input" value=state.lbf_episodes inputmode="numeric" />
            <Field state label="Follower epochs per structure (K)" testid="lbf-epochs-input" value=state.lbf_epochs inputmode="numeric" />
            <button data-testid="lbf-train-start" on:click=start disabled=busy>"Train BRIDGE on the grid"</button>
        </div>
        // The run's status and errors beside its button as well as in the shared places above.
        <p class="status" role="status" aria-live="polite">
            {move || state.lbf_last.get().then(|| training_status(&state))}
        </p>
        {move || state.lbf_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        {move || {
            let values: Vec<f64> = state
                .lbf_progress
                .with(|h| h.iter().filter_map(|p| p.value).collect());
            let last = state
                .lbf_progress
                .with(|h| h.iter().rev().find_map(|p| p.structure.clone()));
            (!values.is_empty() || last.is_some()).then(|| view! {
                <div class="row">
                    {value_chart(&values)}
                    <span class="note">{last.map(|(cs, v)| format!("last structure trained: {cs:?}, V = {}", numbers::short(v)))}</span>
                </div>
            })
        }}
        {move || state.lbf_result.get().map(|r| {
            let leader = format!("data:application/octet-stream;base64,{}", r.leader_base64);
            let followers = format!("data:application/octet-stream;base64,{}", r.followers_base64);
            let coalitions = r
                .structure
                .iter()
                .zip(&r.coalition_values)
                .map(|(c, v)| format!("{:?}: {}", c.iter().map(|a| a + 1).collect::<Vec<_>>(), numbers::short(*v)))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <p class="described">
                    "Structure found (agents 1-based): " {coalitions} ". V(CS) = "
                    {value_view(r.value, Some("lbf-value".into()))}
                    {format!(
                        "; all singletons {}, gain over them {}",
                        numbers::short(r.singleton_value),
                        numbers::signed(r.value - r.singleton_value)
                    )}
                </p>
                <div class="row">
                    <button data-testid="lbf-episode-play" on:click=play>"Play the trained followers' episode"</button>
                    <a class="button secondary" data-testid="lbf-leader-download" href=leader download="bridge-lbf-leader.safetensors">
                        "Leader weights"
                    </a>
                    <a class="button secondary" data-testid="lbf-followers-download" href=followers download="bridge-followers.safetensors">
                        "Follower weights"
                    </a>
                </div>
            }
        })}
    }
}
