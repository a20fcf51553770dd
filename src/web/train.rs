//! The training panel: train the leader in the worker with live plots of episode return, loss,
//! ε and `v(CS)`; stop it (keeping what was learned); download the weights or upload others.

use base64::Engine as _;
use leptos::prelude::*;
use web_sys::HtmlInputElement;

use crate::leader::network::Scorer;
use crate::leader::DqnParams;

use super::field::{Field, FieldError, Select, Switch};
use super::protocol::{GraphTrainSpec, InstanceSpec, ToWorker, TrainSpec};
use super::state::{count_at, decimal_at, AppState, FormError};
use crate::leader::graph::GraphEvent;
use crate::page::graph_form;
use crate::page::uploads::UploadKind;
use crate::service::{MAX_BROWSER_GRAPH_EPISODES, MAX_BROWSER_NETWORK};

/// Whether the form trains the size-independent graph leader (`network-select` = `graph`).
fn graph_chosen(state: &AppState) -> bool {
    state.leader_network.get() == "graph"
}

/// The graph leader's training request the form describes, or the first field that is wrong:
/// the episodes, the training sizes and distributions, the form's seed; the DQN settings are
/// the graph leader's own (`DqnParams::graph`, as `bridge train --network graph`).
fn graph_spec(state: &AppState, continue_current: bool) -> Result<GraphTrainSpec, FormError> {
    let episodes = count_at(
        "episodes-input",
        "episodes",
        &state.episodes.get(),
        1,
        MAX_BROWSER_GRAPH_EPISODES,
    )?;
    let agents = graph_form::training_sizes(&state.graph_sizes.get())
        .map_err(|m| FormError::at("graph-sizes-input", m))?;
    let choice = state.graph_dists.get();
    if choice == graph_form::INSTANCE_DISTRIBUTION && state.upload.get().is_some() {
        return Err(FormError::at(
            "graph-dists-select",
            "training distributions: an uploaded instance has no distribution to train on; \
             choose all six"
                .into(),
        ));
    }
    Ok(GraphTrainSpec {
        agents,
        distributions: graph_form::distributions(&choice, &state.dist.get()),
        episodes,
        dqn: DqnParams {
            seed: state.seed_value()?,
            ..DqnParams::graph()
        },
        continue_current,
    })
}

/// The first mistake in the leader's training form, if any (the network chosen, a new run):
/// what the share link warns of, since a link keeps the fields as typed.
pub fn form_mistake(state: &AppState) -> Option<FormError> {
    if graph_chosen(state) {
        graph_spec(state, false).err()
    } else {
        train_spec(state, false).err()
    }
}

/// The training request the form describes, or the first field that is wrong.
fn train_spec(state: &AppState, continue_current: bool) -> Result<TrainSpec, FormError> {
    let instance = state.instance_spec()?;
    let episodes = count_at(
        "episodes-input",
        "episodes",
        &state.episodes.get(),
        1,
        100_000,
    )?;
    let max_agents = count_at(
        "network-input",
        "network size",
        &state.network.get(),
        2,
        MAX_BROWSER_NETWORK,
    )?;
    let agents = match &instance {
        InstanceSpec::Generated { agents, .. } => Some(*agents),
        InstanceSpec::File { .. } => state.upload.with(|u| u.as_ref().and_then(|u| u.agents)),
    };
    if let Some(agents) = &agents {
        if !continue_current && *agents > max_agents {
            let message = if *agents > MAX_BROWSER_NETWORK {
                format!(
                    "network size: the page trains the paper's network for up to \
                     {MAX_BROWSER_NETWORK} agents and the instance has {agents}; use fewer \
                     agents, or choose the size-independent graph network (Leader network), \
                     which runs on any number"
                )
            } else {
                format!(
                    "network size: {max_agents} is smaller than the {agents} agents of the \
                     instance; give {agents} to {MAX_BROWSER_NETWORK}"
                )
            };
            return Err(FormError::at("network-input", message));
        }
    }
    let epsilon_decay = count_at(
        "epsilon-input",
        "ε decay steps",
        &state.epsilon_decay.get(),
        1,
        10_000_000,
    )?;
    let hidden = hidden_widths(&state.hidden.get())?;
    let learning_rate = decimal_at(
        "lr-input",
        "learning rate",
        &state.learning_rate.get(),
        1e-7,
        1.0,
    )?;
    let target_sync = count_at(
        "sync-input",
        "target sync",
        &state.target_sync.get(),
        1,
        1_000_000,
    )?;
    let updates_per_step = count_at(
        "updates-input",
        "updates per step",
        &state.updates_per_step.get(),
        1,
        64,
    )?;
    let return_mix = decimal_at(
        "mix-input",
        "return mix λ",
        &state.return_mix.get(),
        0.0,
        1.0,
    )?;
    let seed = match &instance {
        InstanceSpec::Generated { seed, .. } => *seed,
        InstanceSpec::File { .. } => 0,
    };
    Ok(TrainSpec {
        instance,
        max_agents,
        hidden,
        scorer: state.scorer.get(),
        episodes,
        dqn: DqnParams {
            seed,
            epsilon_decay_steps: epsilon_decay,
            learning_rate,
            target_sync,
            updates_per_step,
            double_dqn: state.double_dqn.get(),
            return_bound: state.return_bound.get(),
            return_mix,
            ..DqnParams::default()
        },
        continue_current,
    })
}

/// Fills the form with the settings of our lookahead leader (RESULTS.md: 95-100 % of the
/// optimum on Table 1's instances), which differ from the paper's.
fn use_our_settings(state: &AppState) {
    fill_settings(state, Scorer::OURS, &DqnParams::ours());
}

/// Fills the form with the paper's settings (appendix D.4), keeping the episodes and sizes.
fn use_paper_settings(state: &AppState) {
    fill_settings(state, Scorer::default(), &DqnParams::default());
}

/// Sets the scorer and every training option the form shows, keeping the episodes and sizes.
fn fill_settings(state: &AppState, scorer: Scorer, params: &DqnParams) {
    state.scorer.set(scorer.name());
    state
        .epsilon_decay
        .set(params.epsilon_decay_steps.to_string());
    state.learning_rate.set(params.learning_rate.to_string());
    state.target_sync.set(params.target_sync.to_string());
    state
        .updates_per_step
        .set(params.updates_per_step.to_string());
    state.double_dqn.set(params.double_dqn);
    state.return_bound.set(params.return_bound);
    state.return_mix.set(params.return_mix.to_string());
}

/// The most hidden layers and the widest layer the page trains.
const MAX_BROWSER_LAYERS: usize = 6;
const MAX_BROWSER_WIDTH: usize = 512;

/// The hidden widths typed as comma-separated whole numbers, e.g. `128,128`.
fn hidden_widths(text: &str) -> Result<Vec<usize>, FormError> {
    let widths = text
        .split(',')
        .map(|w| {
            count_at(
                "hidden-input",
                "hidden layer width",
                w.trim(),
                1,
                MAX_BROWSER_WIDTH,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    if widths.len() > MAX_BROWSER_LAYERS {
        return Err(FormError::at(
            "hidden-input",
            format!(
                "hidden layers: {} given; the page trains at most {MAX_BROWSER_LAYERS}, e.g. 128,128",
                widths.len()
            ),
        ));
    }
    Ok(widths)
}

/// When the leader's network takes fewer agents than the instance has: says so beside the
/// leader, with a button that brings the instance down to its `M`. Loading a leader never
/// changes the instance by itself (a teacher's instance is theirs).
#[component]
fn TooFewAgents(state: AppState) -> impl IntoView {
    // The instance's agents: an uploaded file's when one is in use (the form's field is not).
    let too_few = move || {
        let m = state
            .leader
            .with(|l| l.as_ref().and_then(|l| l.max_agents))?;
        let n = state.instance_agents()?;
        let from_file = state.upload.with(Option::is_some);
        (n > m).then_some((n, m, from_file))
    };
    move || {
        too_few().map(|(n, m, from_file)| {
            let fit = (!from_file).then(|| {
                view! {
                    <button class="secondary" data-testid="leader-fit-agents"
                        on:click=move |_| state.set_agents(m.to_string())>
                        {format!("use {m} agents")}
                    </button>
                    " or "
                }
            });
            view! {
                <span class="note warn" role="status" data-testid="leader-too-small">
                    {format!("This leader takes at most {m} agents and the instance has {n}: ")}
                    {fit}
                    "train a leader for this size."
                </span>
            }
        })
    }
}

/// Silence (milliseconds) after which the time left gives way to what the worker is doing.
const QUIET_MS: f64 = 5_000.0;

/// The share of the training done as a progress bar, with the time left at the pace so far
/// (pauses left out); in the leader's panel for its runs and in the grid's for the bi-level
/// ones (`grid`), only where the last run was, so that `train-progress` is one element.
#[component]
pub fn Progress(state: AppState, grid: bool) -> impl IntoView {
    // Episodes done and asked for, of the leader's run or the bi-level one.
    let done = move || {
        if state.lbf_last.get() {
            state
                .lbf_progress
                .with(|h| h.last().map(|p| (p.episode, p.episodes)))
        } else if state.graph_run.get() {
            state.graph_history.with(|h| last_graph_episode(h))
        } else {
            state
                .history
                .with(|h| h.last().map(|e| (e.episode, e.episodes)))
        }
    };
    let running = move || state.training.get() || state.lbf_training.get();
    let left = move || {
        if !running() {
            return None;
        }
        if let Some(what) = state.asked.get() {
            return Some(if grid && what == "stopping" {
                "stopping: the followers train once more on the best structure found, then the \
                 run ends"
                    .to_string()
            } else if grid {
                format!(
                    "{what} when the followers' current training ends (at a large size it can \
                     take a minute)"
                )
            } else if state.graph_run.get() {
                format!("{what} when the current episode or validation ends…")
            } else {
                format!("{what} within a moment…")
            });
        }
        // No word for a while: one long step (a merge and its updates, at a large size), the
        // first episode's included, before any report came.
        let quiet = state.quiet_ms.get();
        if !grid && !state.graph_run.get() && quiet > QUIET_MS {
            let episode = match (state.underway.get(), done()) {
                (Some(u), _) => format!("episode {} of {}: ", u.episode, u.episodes),
                (None, Some((k, total))) => format!("episode {} of {total}: ", (k + 1).min(total)),
                (None, None) => "the first episode: ".to_string(),
            };
            return Some(format!(
                "{episode}no word from the worker for {} s, inside a long part of a step (a \
                 merge's network updates at this size); the time left is unknown",
                (quiet / 1000.0).round()
            ));
        }
        // A long episode: the estimate from the episodes before it would say "1 s left" for
        // minutes, so say what is going on instead.
        if let Some(u) = state.underway.get().filter(|_| !grid) {
            let paused = if state.paused.get() { "paused; " } else { "" };
            // The lookahead update of a large size holds the merge count still for seconds:
            // its share made shows the worker moving.
            let update = u
                .update
                .map(|p| {
                    let which = if p.updates > 1 {
                        format!("update {} of {} after this merge", p.update, p.updates)
                    } else {
                        "the update after this merge".to_string()
                    };
                    format!(
                        "; the network's {which} is {} % done (it weighs {} possible merges \
                         from states it remembers)",
                        100 * p.valued / p.afterstates.max(1),
                        p.afterstates,
                    )
                })
                .unwrap_or_default();
            return Some(format!(
                "{paused}episode {} of {} under way: {} so far{update}. At this size an episode \
                 takes long; the time left is unknown.",
                u.episode,
                u.episodes,
                crate::page::numbers::counted(u.steps, "merge"),
            ));
        }
        let (k, total) = done()?;
        if k == 0 {
            return None;
        }
        let ms = state.run_clock.get().running_ms(super::state::now_ms());
        let seconds = ms / k as f64 * total.saturating_sub(k) as f64 / 1000.0;
        Some(if state.paused.get() {
            format!(
                "paused; about {} s left (changes to the form apply to the next run)",
                crate::page::numbers::short(seconds.round())
            )
        } else {
            format!(
                "about {} s left",
                crate::page::numbers::short(seconds.round())
            )
        })
    };
    view! {
        <Show when=move || state.lbf_last.get() == grid>
            <div class="row progress-row">
                <progress data-testid="train-progress" aria-label="share of the training done"
                    max=move || done().map_or(1, |d| d.1)
                    // A finished run fills the bar, an early stop included.
                    value=move || done().map_or(0, |d| if running() { d.0 } else { d.1 })></progress>
                <span class="status" data-testid="train-time-left">{left}</span>
            </div>
        </Show>
    }
}

/// An object URL for the current leader's weights, for the download link.
fn weights_url(base64_text: &str) -> Option<String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(base64_text)
        .ok()?;
    let array = js_sys::Uint8Array::from(bytes.as_slice());
    let parts = js_sys::Array::of1(&array);
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("application/octet-stream");
    let blob = web_sys::Blob::new_with_u8_array_sequence_and_options(&parts, &options).ok()?;
    web_sys::Url::create_object_url_with_blob(&blob).ok()
}

/// Above this many agents the lookahead scorer's training slows to minutes per episode.
const LOOKAHEAD_COMFORT: usize = 25;

/// A word of warning when the settings make training slow: the lookahead scorer values the
/// structure after every candidate merge, whose count grows with the square of the agents
/// (10 episodes at 40 agents took 95 s natively, against 8 s for 3 at 80 with the additive one).
fn slow_hint(state: &AppState) -> Option<String> {
    let n = state.agents_count().ok()?;
    let paper = !graph_chosen(state);
    (paper && state.scorer.get() == "lookahead" && n > LOOKAHEAD_COMFORT).then(|| {
        format!(
            "At {n} agents the lookahead scorer takes seconds to minutes per episode (it values \
             the structure after every candidate merge); the paper's additive scorer, under \
             Advanced, trains many times faster but learns less, and the size-independent \
             graph network (Leader network) trains on small instances and runs on this one."
        )
    })
}

/// Episodes done and asked for in the graph leader's training.
fn last_graph_episode(history: &[GraphEvent]) -> Option<(usize, usize)> {
    history.iter().rev().find_map(|e| match e {
        GraphEvent::Episode {
            episode, episodes, ..
        } => Some((*episode, *episodes)),
        GraphEvent::Validation { .. } => None,
    })
}

/// The graph leader's training status: its episode, and its best validation so far.
fn graph_status(state: &AppState, doing: &str) -> String {
    state.graph_history.with(|h| {
        let at = match last_graph_episode(h) {
            Some((k, total)) => format!("{doing} episode {k} / {total}"),
            None => format!("{doing} the start (valuing the untrained network)"),
        };
        let best = h.iter().rev().find_map(|e| match e {
            GraphEvent::Validation { best, .. } => Some(*best),
            GraphEvent::Episode { .. } => None,
        });
        match best {
            Some(b) => format!(
                "{at}; best so far on the validation instances: {:.2} % of C-Link's value",
                100.0 * b
            ),
            None => at,
        }
    })
}

/// How many seeds to train at once, checked: several only for a new leader.
fn seeds_count(state: &AppState, continue_current: bool) -> Result<usize, FormError> {
    let n = count_at(
        "seeds-input",
        "seeds at once",
        &state.seeds.get(),
        1,
        super::seeds::offered(),
    )?;
    if continue_current && n > 1 {
        return Err(FormError::at(
            "seeds-input",
            "seeds at once: several seeds train new leaders side by side; give 1 to continue \
             training this leader"
                .into(),
        ));
    }
    Ok(n)
}

/// The other seeds' progress, when several train at once.
fn other_seeds(state: &AppState) -> String {
    let runs = state.seed_pool.runs.with(Vec::len);
    if runs == 0 {
        return String::new();
    }
    let finished = state.seed_pool.finished();
    let still = if seeds_running(state) && !state.training.get() {
        ", the others still training (Stop ends them)"
    } else {
        ""
    };
    format!("; other seeds: {finished} of {runs} done{still}")
}

/// Whether extra seeds' workers are still training (the page's own run may have ended).
fn seeds_running(state: &AppState) -> bool {
    let runs = state.seed_pool.runs.with(Vec::len);
    state.seed_pool.finished() < runs
}

#[component]
pub fn TrainPanel(state: AppState) -> impl IntoView {
    let start_graph = move |continue_current: bool| {
        let spec = match graph_spec(&state, continue_current) {
            Ok(s) => s,
            Err(e) => return state.fail_form(e),
        };
        state.error.set(None);
        state.graph_history.set(Vec::new());
        state.trained.set(None);
        state.training.set(true);
        state.graph_run.set(true);
        state.run_started();
        if !continue_current {
            state.forget_restore();
        }
        state.lbf_last.set(false);
        state.seed_pool.clear();
        state.send(&ToWorker::TrainGraph(spec), false);
    };
    let start = move |continue_current: bool| {
        // Continuing trains the leader held, so the network chosen must be its own.
        let held = state.leader.with(|l| l.as_ref().map(|l| l.network.clone()));
        if let (true, Some(held)) = (continue_current, held) {
            if held != state.leader_network.get() {
                let (what, other) = if held == "graph" {
                    ("the size-independent graph network", "the paper's")
                } else {
                    ("the paper's network", "the size-independent graph network")
                };
                return state.fail_form(FormError::at(
                    "network-select",
                    format!(
                        "Leader network: the leader held is {what}; choose it to continue \
                         training it, or train a new leader with {other}"
                    ),
                ));
            }
        }
        if graph_chosen(&state) {
            return start_graph(continue_current);
        }
        let spec = match train_spec(&state, continue_current) {
            Ok(s) => s,
            Err(e) => return state.fail_form(e),
        };
        let seeds = match seeds_count(&state, continue_current) {
            Ok(n) => n,
            Err(e) => return state.fail_form(e),
        };
        state.error.set(None);
        state.history.set(Vec::new());
        state.trained.set(None);
        state.training.set(true);
        state.graph_run.set(false);
        state.run_started();
        if !continue_current {
            state.forget_restore();
        }
        state.lbf_last.set(false);
        if seeds > 1 {
            state.seed_pool.start(state, &spec, seeds - 1);
        } else {
            state.seed_pool.clear();
        }
        state.send(&ToWorker::Train(spec), false);
    };
    let stop = move |_| state.stop();

    // The leader's own status; a bi-level run's is in the grid's panel, which then holds the
    // `train-status` hook (one element at a time).
    let status = move || {
        if state.lbf_training.get() {
            return "the grid's run is going: its status is in section 5".to_string();
        }
        if state.training.get() {
            let paused = if state.paused.get() {
                "paused at"
            } else {
                "training:"
            };
            if state.graph_run.get() {
                return graph_status(&state, paused);
            }
            return state.history.with(|h| match h.last() {
                Some(e) => format!("{paused} episode {} / {}", e.episode, e.episodes),
                None => format!("{paused} the first episode"),
            }) + &other_seeds(&state);
        }
        match state.trained.get() {
            Some(t) => format!(
                "done: {} after {} episodes in {:.1} s{}{}",
                t.stop,
                t.episodes,
                t.seconds,
                t.settled
                    .map(|r| format!(
                        " (the returns of the last {} episodes had a spread of at most {} % of \
                         their mean, so the leader had settled)",
                        r.window,
                        crate::page::numbers::short(100.0 * r.tolerance)
                    ))
                    .unwrap_or_default(),
                other_seeds(&state)
            ),
            None => match state.leader.get() {
                Some(_) if state.kept_from_reload.get() => "the leader trained here \
                    before the page was reloaded (kept for this tab; its curves were not)"
                    .to_string(),
                Some(l) => format!("no training here yet; the leader comes from {}", l.source),
                None => "not trained yet".to_string(),
            },
        }
    };

    let on_weights = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = state.chosen_file(&ev, UploadKind::Weights, "weights-upload") else {
            return;
        };
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => state.load_uploaded_weights(name, &buffer),
                Err(e) => state.fail_form(FormError::at(
                    "weights-upload",
                    format!("{name}: the browser could not read the file: {e:?}"),
                )),
            }
        });
        input.set_value("");
    };

    let download = Memo::new(move |_| {
        state
            .leader
            .with(|l| l.as_ref().and_then(|l| weights_url(&l.base64)))
    });
    let leader_text = move || match state.leader.get() {
        Some(l) => match l.max_agents {
            Some(m) => format!(
                "leader: {} — the paper's network for up to {m} agents, hidden layers {}, pair \
                 scorer ψ {}; trained on {}",
                l.source,
                l.hidden
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(" × "),
                l.scorer,
                l.trained_on
            ),
            None => format!(
                "leader: {} — the size-independent graph network, for any number of agents; \
                 trained on {}",
                l.source, l.trained_on
            ),
        },
        None => "no leader yet".to_string(),
    };

    view! {
        <section class="panel">
            <h2>"2. Train the leader"</h2>
            <p class="note" class:hidden=move || graph_chosen(&state) title="Our lookahead leader adds each merge's true reward and values the merged structure: on Table 1's instances its greedy rollout reaches 95-100 % of the optimum where the paper's settings reach 59-90 %.">
                "A DQN reads the coalition structure as an adjacency matrix and learns which two coalitions "
                "to merge next, or to stop. The form starts with our lookahead leader's settings; the paper's "
                "(appendix D.4) are one click away below."
            </p>
            <p class="note" class:hidden=move || !graph_chosen(&state)>
                "A DQN reads the best candidate merges' rewards and their coalitions' neighbourhoods in a merge "
                "graph, and learns a correction to each reward: Q = reward + correction, stopping worth 0. Nothing in "
                "it depends on the number of agents (not in the paper; ours)."
            </p>
            <div class="row">
                <button data-testid="train-start" on:click=move |_| start(false) disabled=move || state.training.get() || state.lbf_training.get()>
                    "Train a new leader"
                </button>
                <button class="secondary" data-testid="train-continue" on:click=move |_| start(true)
                    disabled=move || state.training.get() || state.lbf_training.get() || state.leader.get().is_none()>
                    "Continue training this leader"
                </button>
                <button class="secondary" data-testid="train-pause" on:click=move |_| state.pause()
                    disabled=move || !(state.training.get() || state.lbf_training.get()) || state.paused.get()>
                    "❚❚ Pause"
                </button>
                <button class="secondary" data-testid="train-resume" on:click=move |_| state.resume()
                    disabled=move || !state.paused.get()>
                    "▶ Resume"
                </button>
                <button class="secondary" data-testid="train-stop" on:click=stop
                    disabled=move || !state.training.get() && !state.lbf_training.get() && !seeds_running(&state)>
                    "Stop"
                </button>
                <span class="status" data-testid=move || (!state.lbf_last.get()).then_some("train-status")
                    role="status">{status}</span>
            </div>
            <Progress state grid=false />
            <super::seeds::SeedTable state />
            {move || slow_hint(&state).map(|hint| view! { <p class="note warn" data-testid="slow-hint">{hint}</p> })}
            <div class="row">
                <Select state label="Leader network" testid="network-select" value=state.leader_network
                    title="The paper's network reads the structure as an M×M matrix, so it is tied to one size M; the graph network (ours, not the paper's) reads the merges' values and runs on any number of agents.">
                    <option value="paper">"the paper's (reads an M×M matrix: one size)"</option>
                    <option value="graph">"size-independent graph network (ours: any size)"</option>
                </Select>
                <Field state label="Episodes" testid="episodes-input" value=state.episodes inputmode="numeric"
                    title="How many episodes to train: each starts from all singletons and merges until the leader stops." />
            </div>
            <Show when=move || graph_chosen(&state)>
                <p class="note">
                    "The graph leader trains on a new random instance each episode, of a size drawn from the training sizes, "
                    "and keeps the checkpoint that does best against C-Link on validation instances of 50 and 100 agents "
                    "(never worse than C-Link there: the untrained network is C-Link). Its file then runs on any instance, "
                    "up to 1000 agents here. One seed at a time (the form's seed); about 0.15 s per episode on a laptop's core. "
                    "Its share of random actions (ε) starts at 0.3, not 1: the untrained network already merges as C-Link does. "
                    "Expect the default 300 episodes to stay within a fraction of a percent of C-Link; the example "
                    "\"any-size leader\" trained for 3 000 episodes."
                </p>
                <div class="row">
                    <Field state label="Training sizes (agents)" testid="graph-sizes-input" value=state.graph_sizes inputmode="text"
                        title="The smallest and largest number of agents of the training instances, e.g. 10..60." />
                    <Select state label="Training distributions" testid="graph-dists-select" value=state.graph_dists
                        title="Which value distributions the training instances come from.">
                        <option value="all">"all six"</option>
                        <option value="instance">"the instance's only"</option>
                    </Select>
                </div>
            </Show>
            <div class="row" class:hidden=move || graph_chosen(&state)>
                <Field state testid="seeds-input" value=state.seeds inputmode="numeric"
                    label=format!("Seeds at once (1-{})", super::seeds::offered())
                    title="Train the same leader with other training seeds too, one worker per core, and see on the v(CS) plot how much a run depends on its seed." />
                <Field state testid="network-input" value=state.network inputmode="numeric"
                    label=format!("Network size M (agents, ≤ {MAX_BROWSER_NETWORK})")
                    title="The most agents the network takes; it follows the number of agents until you type one."
                    on_typed=|state: &AppState, text: String| {
                        state.network_by_hand.set(true);
                        state.network.set(text);
                    } />
                <Show when=move || state.network_by_hand.get()>
                    <button class="secondary" data-testid="network-follow"
                        title="Set the network size to the number of agents again, and keep it so as the agents change."
                        on:click=move |_| {
                        state.network_by_hand.set(false);
                        state.set_agents(state.agents.get_untracked());
                    }>"M = the number of agents"</button>
                </Show>
            </div>
            <details class="advanced" data-testid="advanced" class:hidden=move || graph_chosen(&state)>
                <summary>"Advanced: the network and its training"</summary>
                <div class="row">
                    <Field state label="Hidden layers" testid="hidden-input" value=state.hidden inputmode="text"
                        title="The widths of the hidden layers, comma-separated, e.g. 128,128." />
                    <label title="How a pair of coalitions is scored from the network's output (the paper's ψ).">
                        "Pair scorer ψ"
                        <select data-testid="scorer-select"
                            prop:value=move || state.scorer.get()
                            on:change=move |ev| state.scorer.set(event_target_value(&ev))>
                            <option value="additive">"additive (the paper's)"</option>
                            <option value="gain">"gain: the merge's true reward + additive (ours)"</option>
                            <option value="lookahead">"lookahead: reward + value of the merged structure (ours)"</option>
                            <option value="learned">"learned (an MLP of 16)"</option>
                        </select>
                    </label>
                    <Field state label="ε decay steps" testid="epsilon-input" value=state.epsilon_decay inputmode="numeric"
                        title="Over how many merge steps the share of random actions (ε) falls from 1 to its floor." />
                    <Field state label="Learning rate" testid="lr-input" value=state.learning_rate
                        title="Adam's step size, e.g. 0.001 or 1e-3." />
                    <Field state label="Target sync (updates)" testid="sync-input" value=state.target_sync inputmode="numeric"
                        title="How many updates between two copies of the network into the target network." />
                    <Field state label="Updates per step" testid="updates-input" value=state.updates_per_step inputmode="numeric"
                        title="Network updates per merge step." />
                    <Field state label="Return mix λ" testid="mix-input" value=state.return_mix
                        title="0: learn from the one-step backup only; 1: from the return the episode actually got; between: a mix." />
                    <Switch label="Double DQN" testid="double-input" value=state.double_dqn
                        title="Double DQN: the online network picks the next action, the target network values it." />
                    <Switch label="Return lower bound" testid="bound-input" value=state.return_bound
                        title="Never back up less than the return that followed the step." />
                </div>
            </details>
            <div class="row" class:hidden=move || graph_chosen(&state)>
                <button class="secondary" data-testid="settings-ours" on:click=move |_| use_our_settings(&state)>
                    "Our lookahead leader's settings (the default)"
                </button>
                <button class="secondary" data-testid="settings-paper" on:click=move |_| use_paper_settings(&state)>
                    "The paper's settings (appendix D.4)"
                </button>
                <span class="note">
                    "With the paper's settings its leader often ends below all singletons on these "
                    "instances: that is what the paper's method does here, not a fault of the page."
                </span>
            </div>
            <div class="row">
                <span class="note" data-testid="leader-info">{leader_text}</span>
                <TooFewAgents state />
            </div>
            <div class="row">
                {move || match download.get() {
                    Some(url) => view! {
                        <a class="button" data-testid="weights-download" href=url download="bridge-leader.safetensors">
                            "Download weights (safetensors)"
                        </a>
                    }.into_any(),
                    None => view! {
                        <span class="button disabled" data-testid="weights-download" aria-disabled="true">
                            "Download weights (train or upload first)"
                        </span>
                    }.into_any(),
                }}
                <label>
                    {format!("Upload leader weights ({})", UploadKind::Weights.limit_text())}
                    <input data-testid="weights-upload" data-field="weights-upload" type="file" accept=".safetensors" on:change=on_weights
                        aria-invalid=move || state.invalid("weights-upload")
                        aria-describedby=move || state.described_by("weights-upload") />
                    <FieldError state field="weights-upload" />
                </label>
            </div>
        </section>
    }
}
