//! The bi-level trainer in the page: its set-up, start, status, live plots, the structure
//! found with its value, the trained followers' episode, the leader's merges and both levels'
//! weights.

use leptos::prelude::*;

use super::super::app::{coalition_label, value_view};
use super::super::field::Field;
use super::super::protocol::{LbfReport, LbfTrainSpec, ToWorker};
use super::super::state::{count_at, AppState, FormError};
use super::charts::LbfPlots;
use super::merges::LbfMerges;
use super::setup::{chosen, LbfSetup};
use crate::page::numbers;
use crate::service::{MAX_BROWSER_LBF_EPISODES, MAX_BROWSER_LBF_EPOCHS};

/// The shared training status while (or after) a bi-level run was the last training.
pub fn training_status(state: &AppState) -> String {
    if state.lbf_training.get() {
        return state.lbf_progress.with(|h| match h.last() {
            Some(p) => format!(
                "training on the grid: episode {} / {}, {} trained, best V(CS) {}",
                p.episode,
                p.episodes,
                numbers::counted(p.trainings, "structure"),
                numbers::short(p.best_value)
            ),
            None => "training on the grid: starting…".to_string(),
        });
    }
    match state.lbf_result.get() {
        Some(r) if r.stopped => format!(
            "done: stopped after {} of {} leader episodes, {} trained, in {:.1} s",
            r.episodes,
            r.episodes_asked,
            numbers::counted(r.trainings, "structure"),
            r.seconds
        ),
        Some(r) => format!(
            "done: {}, {} trained, in {:.1} s",
            numbers::counted(r.episodes, "leader episode"),
            numbers::counted(r.trainings, "structure"),
            r.seconds
        ),
        None => "not trained yet".to_string(),
    }
}

/// The bi-level run the grid's form asks for, or its first mistake (beside its field).
pub fn lbf_spec(state: &AppState) -> Result<LbfTrainSpec, FormError> {
    Ok(LbfTrainSpec {
        config: chosen(state)?,
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
}

/// The bi-level trainer: a preset, leader episodes and follower epochs; start, progress, the
/// structure found with its value, the trained followers' episode and both levels' weights.
#[component]
pub fn LbfTraining(state: AppState) -> impl IntoView {
    let start = move |_| {
        let spec = lbf_spec(&state);
        match spec {
            Ok(spec) => {
                state.error.set(None);
                state.lbf_error.set(None);
                state.lbf_progress.set(Vec::new());
                state.lbf_result.set(None);
                state.lbf_merge_step.set(0);
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
                    "coalitions {}, each coloured alike, players alone in grey; of {} episodes played, the one \
                     of median return (V(CS) is a mean over many)",
                    r.structure
                        .iter()
                        .map(|c| coalition_label(c))
                        .collect::<Vec<_>>()
                        .join(" "),
                    crate::followers::maddpg::TYPICAL_OF,
                ),
                replayed: r.episode,
            }));
            // "Play" plays: the episode runs on the grid, one step at a time.
            super::play_episode(state);
        }
    };
    let busy = move || state.lbf_training.get() || state.training.get();
    view! {
        <div class="row">
            <LbfSetup state />
            <Field state label="Leader episodes" testid="lbf-episodes-input" value=state.lbf_episodes inputmode="numeric" />
            <Field state label="Follower epochs per structure (K)" testid="lbf-epochs-input" value=state.lbf_epochs inputmode="numeric" />
            <button data-testid="lbf-train-start" on:click=start disabled=busy>"Train BRIDGE on the grid"</button>
            // The shared Stop is in the leader's panel, far above: a run on a larger grid takes
            // minutes, so it can be stopped from here too (what is found so far is kept).
            <button class="secondary" data-testid="lbf-train-stop" disabled=move || !state.lbf_training.get()
                on:click=move |_| state.stop()>"Stop"</button>
        </div>
        // The run's status and progress beside its button: the `train-status` and
        // `train-progress` hooks are here while the last run was on the grid.
        <p class="status" role="status" aria-live="polite"
            data-testid=move || state.lbf_last.get().then_some("train-status")>
            {move || state.lbf_last.get().then(|| training_status(&state))}
        </p>
        <super::super::train::Progress state grid=true />
        {move || state.lbf_error.get().map(|e| view! { <p class="error" role="alert">{e}</p> })}
        <LbfPlots state />
        {move || {
            let last = state
                .lbf_progress
                .with(|h| h.iter().rev().find_map(|p| p.structure.clone()));
            last.map(|(cs, v)| view! {
                <p class="note">{format!(
                    "last structure the followers trained on: {}, V = {}",
                    cs.iter().map(|c| coalition_label(c)).collect::<Vec<_>>().join(" "),
                    numbers::short(v)
                )}</p>
            })
        }}
        {move || state.lbf_result.get().map(|r| {
            let leader = format!("data:application/octet-stream;base64,{}", r.leader_base64);
            let followers = format!("data:application/octet-stream;base64,{}", r.followers_base64);
            let coalitions = r
                .structure
                .iter()
                .zip(&r.coalition_values)
                .map(|(c, v)| format!("{}: {}", coalition_label(c), numbers::short(*v)))
                .collect::<Vec<_>>()
                .join(", ");
            view! {
                <p class="described">
                    {format!("On the {} grid, the structure found (agents 1-based): ", r.config)}
                    {coalitions} ". V(CS) = "
                    {value_view(r.value, Some("lbf-value".into()))}
                    {format!(
                        "; all singletons {}, gain over them {}",
                        numbers::short(r.singleton_value),
                        numbers::signed(r.value - r.singleton_value)
                    )}
                </p>
                <p class="note">
                    "This V(CS) comes from followers trained once more on the structure found, as every "
                    "algorithm's does; the plots and the merges below show the values met while searching, "
                    "which differ from it by the followers' noise (a structure trained twice is valued "
                    "a little differently)."
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
                <LbfMerges state />
            }
        })}
    }
}
