//! The page (Leptos, client-side rendered): pick a distribution, `n` and a seed, or upload an
//! instance file; the worker computes the exact optimum and the singleton value; the page shows
//! the optimal partition. Inputs are checked here and refused with a message, never clamped.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{HtmlInputElement, MessageEvent, Worker, WorkerOptions, WorkerType};

use super::protocol::{decode, encode, ExactReport, FromWorker, InstanceSpec, ToWorker};
use super::worker::MAX_BROWSER_EXACT_AGENTS;
use crate::core::Distribution;

/// Mounts the app on the page's body.
pub fn start() {
    console_error_panic_hook::set_once();
    leptos::mount::mount_to_body(App);
}

/// Where the worker is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum WorkerState {
    Starting,
    Idle,
    Busy,
    Crashed,
}

/// An uploaded instance file.
#[derive(Clone, Debug, PartialEq)]
struct Upload {
    name: String,
    text: String,
}

/// Starts the worker and routes its answers into the page's signals.
fn spawn_worker(
    state: RwSignal<WorkerState>,
    report: RwSignal<Option<ExactReport>>,
    error: RwSignal<Option<String>>,
) -> Result<Rc<Worker>, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Classic);
    let worker = Worker::new_with_options("./worker_loader.js", &options)
        .map_err(|e| format!("the browser refused to start the worker: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match decode::<FromWorker>(&text) {
            Ok(FromWorker::Ready) => state.set(WorkerState::Idle),
            Ok(FromWorker::Solved(Ok(r))) => {
                error.set(None);
                report.set(Some(r));
                state.set(WorkerState::Idle);
            }
            Ok(FromWorker::Solved(Err(e))) | Err(e) => {
                error.set(Some(e));
                state.set(WorkerState::Idle);
            }
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error =
        Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            let what = event.message();
            let what = if what.is_empty() {
                "unknown error".to_string()
            } else {
                what
            };
            error.set(Some(format!(
                "the worker crashed ({what}); reload the page to start a new one"
            )));
            state.set(WorkerState::Crashed);
        });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(Rc::new(worker))
}

/// Checks the form and builds the request, or says what is wrong.
fn request(
    dist: &str,
    agents: &str,
    seed: &str,
    upload: Option<Upload>,
) -> Result<ToWorker, String> {
    let instance = match upload {
        Some(Upload { name, text }) => InstanceSpec::File { name, text },
        None => {
            let agents: usize = agents
                .trim()
                .parse()
                .map_err(|_| format!("number of agents: `{agents}` is not a whole number"))?;
            if !(1..=MAX_BROWSER_EXACT_AGENTS).contains(&agents) {
                return Err(format!(
                    "number of agents: {agents} is out of range; the page solves 1 to {MAX_BROWSER_EXACT_AGENTS} exactly"
                ));
            }
            let seed: u64 = seed.trim().parse().map_err(|_| {
                format!(
                    "seed: `{seed}` is not a whole number from 0 to {}",
                    u64::MAX
                )
            })?;
            InstanceSpec::Generated {
                distribution: dist.to_string(),
                params: Vec::new(),
                agents,
                seed,
            }
        }
    };
    Ok(ToWorker::SolveExact { instance })
}

/// A number exactly as the CLI's JSON prints it (shortest round-trip form).
fn plain(x: f64) -> String {
    serde_json::to_string(&x).unwrap_or_else(|_| x.to_string())
}

#[component]
fn App() -> impl IntoView {
    let state = RwSignal::new(WorkerState::Starting);
    let report = RwSignal::new(None::<ExactReport>);
    let error = RwSignal::new(None::<String>);
    let dist = RwSignal::new("modified_normal".to_string());
    let agents = RwSignal::new("10".to_string());
    let seed = RwSignal::new("1".to_string());
    let upload = RwSignal::new(None::<Upload>);

    let worker = match spawn_worker(state, report, error) {
        Ok(w) => Some(w),
        Err(e) => {
            error.set(Some(e));
            state.set(WorkerState::Crashed);
            None
        }
    };
    let worker = StoredValue::new_local(worker);

    let run_exact = move |_| {
        let req = match request(&dist.get(), &agents.get(), &seed.get(), upload.get()) {
            Ok(r) => r,
            Err(e) => {
                error.set(Some(e));
                return;
            }
        };
        worker.with_value(|w| {
            if let Some(w) = w {
                error.set(None);
                report.set(None);
                state.set(WorkerState::Busy);
                if let Err(e) = w.post_message(&JsValue::from_str(&encode(&req))) {
                    error.set(Some(format!(
                        "could not send the instance to the worker: {e:?}"
                    )));
                    state.set(WorkerState::Idle);
                }
            }
        });
    };

    let on_upload = move |ev: leptos::ev::Event| {
        let input: HtmlInputElement = event_target(&ev);
        let Some(file) = input.files().and_then(|f| f.get(0)) else {
            upload.set(None);
            return;
        };
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => {
                    error.set(None);
                    upload.set(Some(Upload {
                        name,
                        text: text.as_string().unwrap_or_default(),
                    }));
                }
                Err(e) => error.set(Some(format!(
                    "{name}: the browser could not read the file: {e:?}"
                ))),
            }
        });
    };

    let clear_upload = move |_| {
        upload.set(None);
        if let Some(input) = document()
            .query_selector("[data-testid=instance-upload]")
            .ok()
            .flatten()
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        {
            input.set_value("");
        }
    };

    let status = move || match state.get() {
        WorkerState::Starting => "starting the worker…",
        WorkerState::Idle => "ready",
        WorkerState::Busy => "solving…",
        WorkerState::Crashed => "worker stopped",
    };

    view! {
        <header>
            <h1>"BRIDGE Lab"</h1>
            <p class="tagline">
                "Coalition structure generation: the exact optimum of a characteristic function, "
                "computed in a web worker in your browser."
            </p>
        </header>
        <main>
            <section class="panel">
                <h2>"Instance"</h2>
                <div class="row">
                    <label>
                        "Value distribution"
                        <select
                            data-testid="dist-select"
                            prop:value=move || dist.get()
                            on:change=move |ev| dist.set(event_target_value(&ev))
                            disabled=move || upload.get().is_some()
                        >
                            {Distribution::NAMES
                                .iter()
                                .map(|name| view! { <option value=*name>{*name}</option> })
                                .collect_view()}
                        </select>
                    </label>
                    <label>
                        "Agents (1–" {MAX_BROWSER_EXACT_AGENTS} ")"
                        <input
                            data-testid="agents-input"
                            type="number"
                            min="1"
                            max=MAX_BROWSER_EXACT_AGENTS
                            prop:value=move || agents.get()
                            on:input=move |ev| agents.set(event_target_value(&ev))
                            disabled=move || upload.get().is_some()
                        />
                    </label>
                    <label>
                        "Seed"
                        <input
                            data-testid="seed-input"
                            type="text"
                            inputmode="numeric"
                            prop:value=move || seed.get()
                            on:input=move |ev| seed.set(event_target_value(&ev))
                            disabled=move || upload.get().is_some()
                        />
                    </label>
                </div>
                <div class="row">
                    <label>
                        "…or upload an instance (JSON or ODP-IP text)"
                        <input data-testid="instance-upload" type="file" accept=".json,.txt,text/plain,application/json" on:change=on_upload />
                    </label>
                    <Show when=move || upload.get().is_some()>
                        <span class="upload-name">
                            {move || upload.get().map(|u| u.name).unwrap_or_default()}
                        </span>
                        <button class="secondary" on:click=clear_upload>"Use the distribution instead"</button>
                    </Show>
                </div>
                <div class="row">
                    <button
                        data-testid="exact-run"
                        on:click=run_exact
                        disabled=move || state.get() != WorkerState::Idle
                    >
                        "Solve exactly"
                    </button>
                    <span class="status" data-testid="worker-status">{status}</span>
                </div>
            </section>
            <Show when=move || error.get().is_some()>
                <div class="error" data-testid="error" role="alert">
                    {move || error.get().unwrap_or_default()}
                </div>
            </Show>
            {move || report.get().map(|r| view! { <Report report=r /> })}
        </main>
    }
}

/// The exact optimum beside the singleton structure, and the optimal partition.
#[component]
fn Report(report: ExactReport) -> impl IntoView {
    let gain = report.exact_value - report.singleton_value;
    let coalitions = report.coalitions.clone();
    view! {
        <section class="panel">
            <h2>"Exact optimum"</h2>
            <p class="described">{report.described.clone()}</p>
            <table class="values">
                <tr>
                    <th>"optimal v(CS)"</th>
                    <td data-testid="exact-value">{plain(report.exact_value)}</td>
                </tr>
                <tr>
                    <th>"all singletons v(CS)"</th>
                    <td data-testid="singleton-value">{plain(report.singleton_value)}</td>
                </tr>
                <tr>
                    <th>"baseline gain of the optimum"</th>
                    <td>{format!("{gain:.4}")}</td>
                </tr>
                <tr>
                    <th>"solver time"</th>
                    <td>{format!("{:.1} ms", report.seconds * 1000.0)}</td>
                </tr>
            </table>
            <h3>{format!("Optimal coalition structure: {} coalitions", coalitions.len())}</h3>
            <ul class="partition" data-testid="exact-partition">
                {coalitions
                    .into_iter()
                    .enumerate()
                    .map(|(i, c)| {
                        let label = c.iter().map(|a| (a + 1).to_string()).collect::<Vec<_>>().join(", ");
                        view! { <li class=format!("coalition c{}", i % 12)>"{" {label} "}"</li> }
                    })
                    .collect_view()}
            </ul>
            <p class="note">"Agents are numbered from 1 here; files and the command line number them from 0."</p>
        </section>
    }
}
