//! The training panel: train the leader in the worker with live plots of episode reward, loss,
//! ε and `v(CS)`; stop it (keeping what was learned); download the weights or upload others.

use base64::Engine as _;
use leptos::html::Canvas;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use web_sys::HtmlInputElement;

use crate::leader::network::Scorer;
use crate::leader::DqnParams;

use super::protocol::{EpisodeReport, ToWorker, TrainSpec};
use super::state::{decimal_number, whole_number, AppState};
use crate::service::MAX_BROWSER_NETWORK;

/// The training request the form describes.
fn train_spec(state: &AppState, continue_current: bool) -> Result<TrainSpec, String> {
    let instance = state.instance_spec()?;
    let episodes = whole_number("episodes", &state.episodes.get(), 1, 100_000)?;
    let max_agents = whole_number("network size", &state.network.get(), 2, MAX_BROWSER_NETWORK)?;
    let epsilon_decay = whole_number("ε decay steps", &state.epsilon_decay.get(), 1, 10_000_000)?;
    let hidden = hidden_widths(&state.hidden.get())?;
    let learning_rate = decimal_number("learning rate", &state.learning_rate.get(), 1e-7, 1.0)?;
    let target_sync = whole_number("target sync", &state.target_sync.get(), 1, 1_000_000)?;
    let updates_per_step = whole_number("updates per step", &state.updates_per_step.get(), 1, 64)?;
    let return_mix = decimal_number("return mix λ", &state.return_mix.get(), 0.0, 1.0)?;
    let seed = match &instance {
        super::protocol::InstanceSpec::Generated { seed, .. } => *seed,
        super::protocol::InstanceSpec::File { .. } => 0,
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
fn hidden_widths(text: &str) -> Result<Vec<usize>, String> {
    let widths = text
        .split(',')
        .map(|w| whole_number("hidden layer width", w.trim(), 1, MAX_BROWSER_WIDTH))
        .collect::<Result<Vec<_>, _>>()?;
    if widths.len() > MAX_BROWSER_LAYERS {
        return Err(format!(
            "hidden layers: {} given; the page trains at most {MAX_BROWSER_LAYERS}",
            widths.len()
        ));
    }
    Ok(widths)
}

/// Draws one series into a canvas; silently skips a canvas that is not there yet.
fn draw(
    canvas: Option<web_sys::HtmlCanvasElement>,
    title: &str,
    points: &[(f64, f64)],
    extra: Option<&[(f64, f64)]>,
) {
    let Some(backend) = canvas.and_then(CanvasBackend::with_canvas_object) else {
        return;
    };
    let root = backend.into_drawing_area();
    let _ = root.fill(&WHITE);
    let all = points.iter().chain(extra.unwrap_or(&[]));
    let (mut y0, mut y1) = all.fold((f64::INFINITY, f64::NEG_INFINITY), |(a, b), p| {
        (a.min(p.1), b.max(p.1))
    });
    if !y0.is_finite() {
        (y0, y1) = (0.0, 1.0);
    }
    let pad = ((y1 - y0) * 0.08).max(1e-3);
    let x1 = points.last().map_or(1.0, |p| p.0).max(2.0);
    let Ok(mut chart) = ChartBuilder::on(&root)
        .caption(title, ("sans-serif", 14))
        .margin(6)
        .x_label_area_size(22)
        .y_label_area_size(44)
        .build_cartesian_2d(1.0..x1, (y0 - pad)..(y1 + pad))
    else {
        return;
    };
    let _ = chart
        .configure_mesh()
        .x_labels(5)
        .y_labels(5)
        .label_style(("sans-serif", 10))
        .draw();
    let _ = chart.draw_series(LineSeries::new(
        points.iter().copied(),
        BLUE.stroke_width(1),
    ));
    if let Some(extra) = extra {
        let _ = chart.draw_series(LineSeries::new(extra.iter().copied(), RED.stroke_width(2)));
    }
    let _ = root.present();
}

/// The four live plots.
#[component]
fn Plots(history: RwSignal<Vec<EpisodeReport>>) -> impl IntoView {
    let [reward, loss, epsilon, value] = [
        NodeRef::<Canvas>::new(),
        NodeRef::new(),
        NodeRef::new(),
        NodeRef::new(),
    ];
    Effect::new(move |_| {
        history.with(|h| {
            let Some(last) = h.last() else { return };
            // Redraw about 100 times a run, and at its end.
            let every = (last.episodes / 100).max(1);
            if last.episode % every != 0 && last.episode != last.episodes && h.len() > 1 {
                return;
            }
            let series = |f: fn(&EpisodeReport) -> Option<f64>| -> Vec<(f64, f64)> {
                h.iter()
                    .filter_map(|e| f(e).map(|y| (e.episode as f64, y)))
                    .collect()
            };
            draw(
                reward.get(),
                "episode reward",
                &series(|e| Some(e.reward)),
                None,
            );
            draw(loss.get(), "loss", &series(|e| e.loss), None);
            draw(epsilon.get(), "ε", &series(|e| Some(e.epsilon)), None);
            draw(
                value.get(),
                "v(CS) of the episode (blue), best so far (red)",
                &series(|e| Some(e.value)),
                Some(&series(|e| Some(e.best_value))),
            );
        });
    });
    view! {
        <div class="plots">
            <canvas node_ref=reward width="330" height="190" data-testid="plot-reward"></canvas>
            <canvas node_ref=loss width="330" height="190" data-testid="plot-loss"></canvas>
            <canvas node_ref=epsilon width="330" height="190" data-testid="plot-epsilon"></canvas>
            <canvas node_ref=value width="330" height="190" data-testid="plot-value"></canvas>
        </div>
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

#[component]
pub fn TrainPanel(state: AppState) -> impl IntoView {
    let start = move |continue_current: bool| {
        let spec = match train_spec(&state, continue_current) {
            Ok(s) => s,
            Err(e) => return state.fail(e),
        };
        state.error.set(None);
        state.history.set(Vec::new());
        state.trained.set(None);
        state.training.set(true);
        state.lbf_last.set(false);
        state.send(&ToWorker::Train(spec), false);
    };
    let stop = move |_| state.send(&ToWorker::StopTraining, false);

    let status = move || {
        // One status for both kinds of training: the bi-level run's when it was the last one.
        if state.lbf_last.get() {
            return super::lbf::training_status(&state);
        }
        if state.training.get() {
            return state.history.with(|h| match h.last() {
                Some(e) => format!("training: episode {} / {}", e.episode, e.episodes),
                None => "training: starting…".to_string(),
            });
        }
        match state.trained.get() {
            Some(t) => format!(
                "done: {} after {} episodes in {:.1} s",
                t.stop, t.episodes, t.seconds
            ),
            None => "not trained yet".to_string(),
        }
    };

    let on_weights = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            return;
        };
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.array_buffer()).await {
                Ok(buffer) => {
                    let bytes = js_sys::Uint8Array::new(&buffer).to_vec();
                    let text = base64::engine::general_purpose::STANDARD.encode(bytes);
                    state.send(&ToWorker::LoadWeights { name, base64: text }, false);
                }
                Err(e) => state.fail(format!(
                    "{name}: the browser could not read the file: {e:?}"
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
        Some(l) => format!(
            "leader: {} — network for {} agents, hidden {:?}, {} scorer; trained on {}",
            l.source, l.max_agents, l.hidden, l.scorer, l.trained_on
        ),
        None => "no leader yet".to_string(),
    };

    view! {
        <section class="panel">
            <h2>"2. Train the leader"</h2>
            <p class="note">
                "A DQN (the paper's 3 layers of 128) reads the coalition structure as an adjacency matrix and "
                "learns which two coalitions to merge, or to stop. Paper settings: ε decays over 10 000 steps; "
                "a shorter decay suits short runs. Our lookahead leader (the second row's button) adds each "
                "merge's true reward and values the merged structure: on Table 1's instances its greedy rollout "
                "reaches 95-99 % of the optimum where the paper's reaches 59-90 %."
            </p>
            <div class="row">
                <label>
                    "Episodes"
                    <input data-testid="episodes-input" type="number" min="1"
                        prop:value=move || state.episodes.get()
                        on:input=move |ev| state.episodes.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Network size M (agents, ≤ " {MAX_BROWSER_NETWORK} ")"
                    <input data-testid="network-input" type="number" min="2"
                        prop:value=move || state.network.get()
                        on:input=move |ev| state.network.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Hidden layers"
                    <input data-testid="hidden-input" type="text"
                        prop:value=move || state.hidden.get()
                        on:input=move |ev| state.hidden.set(event_target_value(&ev)) />
                </label>
                <label>
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
                <label>
                    "ε decay steps"
                    <input data-testid="epsilon-input" type="number" min="1"
                        prop:value=move || state.epsilon_decay.get()
                        on:input=move |ev| state.epsilon_decay.set(event_target_value(&ev)) />
                </label>
            </div>
            <div class="row">
                <label>
                    "Learning rate"
                    <input data-testid="lr-input" type="text"
                        prop:value=move || state.learning_rate.get()
                        on:input=move |ev| state.learning_rate.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Target sync (updates)"
                    <input data-testid="sync-input" type="number" min="1"
                        prop:value=move || state.target_sync.get()
                        on:input=move |ev| state.target_sync.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Updates per step"
                    <input data-testid="updates-input" type="number" min="1"
                        prop:value=move || state.updates_per_step.get()
                        on:input=move |ev| state.updates_per_step.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Return mix λ"
                    <input data-testid="mix-input" type="text"
                        prop:value=move || state.return_mix.get()
                        on:input=move |ev| state.return_mix.set(event_target_value(&ev)) />
                </label>
                <label>
                    "Double DQN"
                    <input data-testid="double-input" type="checkbox"
                        prop:checked=move || state.double_dqn.get()
                        on:change=move |ev| state.double_dqn.set(event_target_checked(&ev)) />
                </label>
                <label>
                    "Return lower bound"
                    <input data-testid="bound-input" type="checkbox"
                        prop:checked=move || state.return_bound.get()
                        on:change=move |ev| state.return_bound.set(event_target_checked(&ev)) />
                </label>
                <button class="secondary" data-testid="settings-ours" on:click=move |_| use_our_settings(&state)>
                    "Our lookahead leader's settings"
                </button>
                <button class="secondary" data-testid="settings-paper" on:click=move |_| use_paper_settings(&state)>
                    "The paper's settings"
                </button>
            </div>
            <div class="row">
                <button data-testid="train-start" on:click=move |_| start(false) disabled=move || state.training.get() || state.lbf_training.get()>
                    "Train a new leader"
                </button>
                <button class="secondary" data-testid="train-continue" on:click=move |_| start(true)
                    disabled=move || state.training.get() || state.lbf_training.get() || state.leader.get().is_none()>
                    "Continue training (few-shot)"
                </button>
                <button class="secondary" data-testid="train-stop" on:click=stop
                    disabled=move || !state.training.get() && !state.lbf_training.get()>
                    "Stop"
                </button>
                <span class="status" data-testid="train-status">{status}</span>
            </div>
            <Plots history=state.history />
            <div class="row">
                <span class="note" data-testid="leader-info">{leader_text}</span>
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
                    "Upload leader weights"
                    <input data-testid="weights-upload" type="file" accept=".safetensors" on:change=on_weights />
                </label>
            </div>
        </section>
    }
}
