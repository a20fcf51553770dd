//! The Level-Based Foraging panel: BRIDGE's bi-level training on a grid preset in the worker
//! (the leader forms coalitions, the followers learn to forage in them), the structure found
//! and its `V(CS)`, and an episode of the trained followers played on the grid with players
//! coloured by coalition; or a recorded episode (lbforaging's file format) replayed in our
//! environment, with whether our rules reproduce the recording.

mod charts;
mod merges;
mod setup;
mod training;

use leptos::prelude::*;

use super::protocol::{LbfReport, ToWorker};
use super::state::{AppState, WorkerState};
use crate::lbf::{Action, Food, Player};
use crate::page::numbers;
use crate::page::uploads::UploadKind;
pub use setup::LbfCustomFields;
use training::LbfTraining;
pub use training::{lbf_spec, training_status};

/// Pixels per grid cell.
const CELL: f64 = 34.0;

const PLAYER_COLOURS: [&str; 6] = [
    "#4f7fe0", "#f08a4b", "#8d6be0", "#c25bb8", "#3fb4b4", "#e06060",
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

/// Player `i`'s colour: when the coalitions are known, grey alone and otherwise its coalition's
/// (the coalitions of several players taking the colours in turn); else its own. No player is
/// green, the apples' colour.
fn colour(i: usize, coalitions: Option<&[Vec<usize>]>) -> &'static str {
    let Some(cs) = coalitions else {
        return PLAYER_COLOURS[i % PLAYER_COLOURS.len()];
    };
    let k = cs.iter().position(|c| c.contains(&i));
    match k.and_then(|k| super::viewer::shared_index(cs)[k]) {
        Some(k) => PLAYER_COLOURS[k % PLAYER_COLOURS.len()],
        None => super::viewer::ALONE,
    }
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
                    <text x=x + CELL / 2.0 y=y + CELL / 2.0 + 4.0 text-anchor="middle" font-size="12" font-weight="600" fill="white">
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
        <table class="lbf-players" data-testid="lbf-scores" tabindex="0" aria-label="the players at this step">
            <tr><th>"player"</th><th>"action taken"</th><th>"reward"</th><th>"score"</th></tr>
            {rows}
        </table>
    }
}

/// The last step of the episode on the grid (its number of steps: step 0 is the start).
fn last_step(state: AppState) -> usize {
    state
        .lbf
        .with_untracked(|r| r.as_ref().map_or(0, |r| r.replayed.steps.len()))
}

/// How long the grid shows each step while playing.
const STEP_MS: u64 = 400;

/// Plays the episode on the grid from where it stands (from the start if at its end).
pub fn play_episode(state: AppState) {
    let every = std::time::Duration::from_millis(STEP_MS);
    state
        .lbf_player
        .play(state.lbf_step, move || last_step(state), every);
}

/// Plays the episode on the grid, or pauses it if playing (the grid's play button).
pub fn toggle_episode(state: AppState) {
    let every = std::time::Duration::from_millis(STEP_MS);
    state
        .lbf_player
        .toggle(state.lbf_step, move || last_step(state), every);
}

#[component]
pub fn LbfPanel(state: AppState) -> impl IntoView {
    let on_upload = move |ev: leptos::ev::Event| {
        state.read_chosen_text(&ev, UploadKind::Episode, "lbf-upload", move |name, text| {
            state.send(&ToWorker::LbfReplay { name, text }, true)
        });
    };
    let last = move || {
        state
            .lbf
            .with(|r| r.as_ref().map_or(0, |r| r.replayed.steps.len()))
    };
    let step_by = move |delta: isize| {
        state.lbf_player.stop();
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
                "a recruitment cost for each member beyond the first."
            </p>
            <LbfTraining state=state />
            {move || state.lbf.get().map(|report| {
                let total = report.replayed.steps.len();
                let k = state.lbf_step.get().min(total);
                let (at_start, at_end) = (k == 0, k >= total);
                let f = frame(&report, k);
                // A recorded episode has its own grid, not the configuration chosen above.
                let recorded = state.lbf_coalitions.with(Option::is_none).then(|| {
                    let (rows, cols) = report.replayed.env_kwargs.field_size;
                    let players = f.players.len();
                    view! {
                        <p class="note" data-testid="lbf-recorded">{format!(
                            "A recorded episode, not the configuration chosen above: its own {rows} × {cols} grid and {players} {}, coloured only to tell them apart (it has no coalitions).",
                            if players == 1 { "player" } else { "players" }
                        )}</p>
                    }
                });
                view! {
                    {recorded}
                    <p data-testid="lbf-check" class="described">{format!("{}: {}", report.name, report.check)}</p>
                    <div class="row">
                        <button class="secondary" data-testid="lbf-step-back" on:click=move |_| step_by(-1) disabled=at_start>"◀ back"</button>
                        <button class="secondary" data-testid="lbf-step-next" on:click=move |_| step_by(1)
                            disabled=at_end>"step ▶"</button>
                        <button class="secondary" data-testid="lbf-play" disabled=move || total == 0
                            on:click=move |_| toggle_episode(state)>
                            {move || if state.lbf_player.playing() { "❚❚ pause" } else { "▶ play" }}
                        </button>
                        <span data-testid="lbf-step">{format!("step {k} of {total}")}</span>
                    </div>
                    <div class="row lbf">
                        {grid(&report, &f, state.lbf_coalitions.get().as_deref())}
                        {players_table(&f)}
                    </div>
                }
            })}
            <details class="advanced">
                <summary>"Replay an episode recorded with lbforaging (for researchers)"</summary>
                <p class="note">
                    "An episode recorded from lbforaging 2.0.0, the grid game's Python original, is replayed here in our "
                    "environment step by step, and each step is checked against the recording: a test that the two "
                    "follow the same rules. The examples at the top include one."
                </p>
                <div class="row">
                    <label>
                        {format!("Recorded episode (JSON, {})", UploadKind::Episode.limit_text())}
                        <input data-testid="lbf-upload" data-field="lbf-upload" type="file" accept=".json,application/json" on:change=on_upload
                            disabled=move || state.worker_state.get() != WorkerState::Idle
                            aria-invalid=move || state.invalid("lbf-upload")
                            aria-describedby=move || state.described_by("lbf-upload") />
                        <super::field::FieldError state field="lbf-upload" />
                    </label>
                </div>
            </details>
        </section>
    }
}
