//! The page (Leptos, client-side rendered): the instance panel with the exact optimum, the
//! training panel with live plots, the merge viewer and the comparison of algorithms. Inputs
//! are checked here and refused with a message, never clamped; every computation runs in the
//! worker.

use leptos::prelude::*;
use wasm_bindgen::{JsCast, JsValue};

use super::compare::ComparePanel;
use super::examples::Examples;
use super::field::{Field, FieldError};
use super::glossary::Glossary;
use super::guide::{Guide, GuideButton, GuideOpen};
use super::lbf::LbfPanel;
use super::plots::Plots;
use super::protocol::{ExactReport, ToWorker};
use super::state::{AppState, Upload, WorkerState};
use super::train::TrainPanel;
use super::viewer::Viewer;
use crate::core::Distribution;
use crate::page::numbers;
use crate::page::uploads::UploadKind;
use crate::service::MAX_BROWSER_EXACT_AGENTS;

/// Mounts the app on the page's body and registers the service worker.
pub fn start() {
    console_error_panic_hook::set_once();
    register_service_worker();
    leptos::mount::mount_to_body(App);
}

/// Registers `sw.js` (written by the build, `scripts/service-worker.sh`), which caches the app
/// so that after one visit it opens and trains with no network. A browser without service
/// workers, or a page not served from a secure origin, simply goes without.
fn register_service_worker() {
    let Ok(navigator) = js_sys::Reflect::get(&window(), &"navigator".into()) else {
        return;
    };
    let Ok(container) = js_sys::Reflect::get(&navigator, &"serviceWorker".into()) else {
        return;
    };
    if container.is_undefined() {
        return;
    }
    if let Ok(register) = js_sys::Reflect::get(&container, &"register".into())
        .and_then(|f| f.dyn_into::<js_sys::Function>())
    {
        // A refusal (no secure origin) leaves the page as it is, without an uncaught rejection.
        if let Ok(promise) = register
            .call1(&container, &"./sw.js".into())
            .and_then(|p| p.dyn_into::<js_sys::Promise>())
        {
            let ignore = wasm_bindgen::closure::Closure::<dyn FnMut(JsValue)>::new(|_| {});
            let _ = promise.catch(&ignore);
            ignore.forget();
        }
    }
}

/// A number exactly as the CLI's JSON prints it (shortest round-trip form).
pub fn plain(x: f64) -> String {
    numbers::full(x)
}

/// A value as people read it: 4 significant digits, the full number on hover. With `hook`, the
/// full number is also the text of the SPEC's `data-testid` hook (a plain number that checks
/// against the command line's output), kept out of sight and out of the accessibility tree.
pub fn value_view(x: f64, hook: Option<String>) -> impl IntoView {
    let full = numbers::full(x);
    view! {
        <span class="num" title=full.clone()>{numbers::short(x)}</span>
        {hook.map(|h| view! { <span class="machine" data-testid=h aria-hidden="true">{full}</span> })}
    }
}

/// A coalition as the page shows it: 1-based agents in braces.
pub fn coalition_label(c: &[usize]) -> String {
    format!(
        "{{{}}}",
        c.iter()
            .map(|a| (a + 1).to_string())
            .collect::<Vec<_>>()
            .join(", ")
    )
}

/// Coalitions as coloured chips: singletons grey (`c11`) and the others in turn, as the
/// viewer colours them ([`super::viewer::shared_index`]).
pub fn chips(coalitions: Vec<Vec<usize>>) -> impl IntoView {
    let shared = super::viewer::shared_index(&coalitions);
    coalitions
        .into_iter()
        .zip(shared)
        .map(|(c, k)| {
            let class = k.map_or("coalition c11".to_string(), |k| {
                format!("coalition c{}", k % 11)
            });
            view! { <li class=class>{coalition_label(&c)}</li> }
        })
        .collect_view()
}

#[component]
fn App() -> impl IntoView {
    let state = AppState::start();
    super::url::install(state);
    let guide = GuideOpen::new();
    let status = move || match state.worker_state.get() {
        WorkerState::Starting => "starting the worker…",
        // A training run goes a slice at a time, and the worker answers other requests
        // between slices.
        WorkerState::Idle if state.training.get() || state.lbf_training.get() => {
            if state.paused.get() {
                "training paused (and ready for other requests)"
            } else {
                "training… (and ready for other requests)"
            }
        }
        WorkerState::Idle => "ready",
        WorkerState::Busy => "working…",
        WorkerState::Crashed => "crashed",
        WorkerState::Unresponsive => "not answering",
    };
    let broken = move || {
        matches!(
            state.worker_state.get(),
            WorkerState::Crashed | WorkerState::Unresponsive
        )
    };
    view! {
        <header>
            <h1>"BRIDGE Lab"</h1>
            <p class="tagline">
                "A leader network learns to merge agents into coalitions, beside the exact optimum and the classic baselines; all in your browser."
            </p>
            <p class="status">"worker: " <span data-testid="worker-status" role="status">{status}</span></p>
            <ShareLink state />
            <div class="row">
                <GuideButton open=guide />
                <Examples state />
            </div>
        </header>
        <main>
            // The error box, kept in sight at the top; a crashed or silent worker's restart
            // button lives in it, so it is in sight too.
            <Show when=move || broken() || state.error.get().is_some() && state.error_field.get().is_none()>
                <div class="error error-box" role="alert" tabindex="-1">
                    <Show when=move || state.error.get().is_some() && state.error_field.get().is_none()>
                        <span data-testid="error">{move || state.error.get().unwrap_or_default()}</span>
                    </Show>
                    <Show when=broken>
                        <button data-testid="worker-restart" on:click=move |_| state.restart_worker()>
                            "Restart the worker"
                        </button>
                    </Show>
                    <button class="secondary dismiss" aria-label="dismiss the message"
                        on:click=move |_| state.error.set(None)>"×"</button>
                </div>
            </Show>
            <Guide state open=guide />
            // On a wide screen the set-up sits beside the results (one screen on a projector);
            // on a narrow one they follow each other.
            <div class="setup-column">
                <InstancePanel state />
                <TrainPanel state />
            </div>
            <div class="results-column">
                <Plots state />
                <Viewer state />
            </div>
            <div class="wide-column">
                <ComparePanel state />
                <LbfPanel state />
                <Glossary />
            </div>
        </main>
    }
}

/// The link to the set-up shown, and a button that copies it.
#[component]
fn ShareLink(state: AppState) -> impl IntoView {
    let said = RwSignal::new(String::new());
    let link = move || super::url::share_link(&super::url::current(&state));
    let copy = move |_| {
        let text = untrack(link);
        // The link keeps the fields as typed, a mistake included: say which, so it is fixed
        // before the link goes to a class. The training form's complaints may be about a
        // set-up that is fine for everything but training (more agents than the paper's
        // network takes, say): they are said as what training would refuse, not as mistakes.
        let mistake = untrack(|| {
            let instance = state.instance_spec().err();
            let lbf = || super::lbf::lbf_spec(&state).err();
            match instance.or_else(lbf) {
                Some(m) => Some(format!(
                    "; but the form has a mistake the link keeps: {}",
                    m.message
                )),
                None => super::train::form_mistake(&state).map(|m| {
                    format!(
                        "; note that training this set-up would be refused: {}",
                        m.message
                    )
                }),
            }
        })
        .unwrap_or_default();
        let navigator = js_sys::Reflect::get(&window(), &"navigator".into()).unwrap_or_default();
        let clipboard = js_sys::Reflect::get(&navigator, &"clipboard".into()).ok();
        let write = clipboard
            .as_ref()
            .and_then(|c| js_sys::Reflect::get(c, &"writeText".into()).ok())
            .and_then(|f| f.dyn_into::<js_sys::Function>().ok());
        let promise = match (clipboard, write) {
            (Some(c), Some(f)) => f.call1(&c, &text.into()).ok(),
            _ => None,
        };
        let Some(promise) = promise.and_then(|p| p.dyn_into::<js_sys::Promise>().ok()) else {
            return said.set(format!("select the link and copy it{mistake}"));
        };
        // The URL holds the form and an example leader, never a file's content nor a trained
        // leader: say so when either is in use, so that a teacher knows what the link will not
        // bring.
        let leader = state.leader.with_untracked(Option::is_some);
        let example = untrack(|| super::examples::held(&state)).is_some();
        let copied = match (state.upload.get_untracked(), leader && !example, example) {
            (Some(upload), _, _) => format!(
                "link copied; it holds the form's set-up, not {} nor a trained leader: send the \
                 file with it",
                upload.name
            ),
            (None, true, _) => "link copied; it holds the set-up, not the trained leader: \
                 download its weights to keep it"
                .to_string(),
            (None, false, true) => "link copied, with the example leader".to_string(),
            (None, false, false) => "link copied".to_string(),
        };
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(promise).await {
                Ok(_) => said.set(format!("{copied}{mistake}")),
                Err(_) => said.set(format!(
                    "the browser refused: select the link and copy it{mistake}"
                )),
            }
        });
    };
    view! {
        <div class="row share">
            <button class="secondary" data-testid="copy-link" on:click=copy>"Copy the link to this set-up"</button>
            <input class="share-link" type="text" readonly data-testid="share-link"
                aria-label="link to this set-up" prop:value=link title=link />
            <span class="status" role="status">{move || said.get()}</span>
        </div>
    }
}

/// The instance form, the upload, and the exact optimum.
#[component]
fn InstancePanel(state: AppState) -> impl IntoView {
    let run_exact = move |_| {
        let spec = match state.instance_spec() {
            Ok(s) => s,
            Err(e) => return state.fail_form(e),
        };
        if state.upload.get().is_none() {
            match state.agents_count() {
                Ok(n) if n > MAX_BROWSER_EXACT_AGENTS => {
                    return state.fail_form(super::state::FormError::at("agents-input", format!(
                        "number of agents: {n} is out of range; the page solves 1 to {MAX_BROWSER_EXACT_AGENTS} exactly"
                    )))
                }
                Err(e) => return state.fail_form(e),
                _ => {}
            }
        }
        state.error.set(None);
        state.exact.set(None);
        state.send(&ToWorker::SolveExact { instance: spec }, true);
    };

    let on_upload = move |ev: leptos::ev::Event| {
        let chosen = state.read_chosen_text(
            &ev,
            UploadKind::Instance,
            "instance-upload",
            move |name, text| {
                state.error.set(None);
                state.send(
                    &ToWorker::CheckInstance {
                        name: name.clone(),
                        text: text.clone(),
                    },
                    false,
                );
                state.upload.set(Some(Upload {
                    name,
                    text,
                    agents: None,
                }));
            },
        );
        if !chosen {
            state.upload.set(None);
        }
    };

    let clear_upload = move |_| {
        state.upload.set(None);
        super::state::clear_file_input("instance-upload");
    };
    let uploaded = move || state.upload.get().is_some();

    view! {
        <section class="panel">
            <h2>"1. Instance"</h2>
            <p class="note">
                "Every coalition of the agents has a value drawn from the distribution; a coalition structure's "
                "value v(CS) adds up those of its coalitions."
            </p>
            <Show when=uploaded>
                <p class="note warn" data-testid="upload-in-use">{move || state.upload.get().map(|u| {
                    let agents = u.agents.map(|n| format!(", {n} {}", if n == 1 { "agent" } else { "agents" })).unwrap_or_default();
                    format!("The instance is the file {}{agents}: the distribution's fields below are not used while it is.", u.name)
                })}</p>
            </Show>
            <div class="row">
                <label>
                    "Value distribution"
                    <select
                        data-testid="dist-select"
                        prop:value=move || state.dist.get()
                        on:change=move |ev| {
                            let name = event_target_value(&ev);
                            // The parameters go back to the new distribution's defaults: a
                            // complaint about one of the old ones goes with it.
                            let stale = state.error_field.with_untracked(|f| {
                                f.clone().filter(|f| f == "dist-select" || f.starts_with("param-"))
                            });
                            if let Some(field) = stale {
                                state.edited(&field);
                            }
                            state.params.set(super::state::default_params(&name));
                            state.dist.set(name);
                        }
                        disabled=uploaded
                    >
                        {Distribution::NAMES
                            .iter()
                            .map(|name| view! { <option value=*name>{*name}</option> })
                            .collect_view()}
                    </select>
                </label>
                <Field state label="Agents" testid="agents-input" value=state.agents inputmode="numeric"
                    title="The number of agents n."
                    on_typed=|state: &AppState, text: String| state.set_agents(text)
                    disabled=Signal::derive(uploaded) />
                <Field state label="Seed" testid="seed-input" value=state.seed inputmode="numeric"
                    title="The instance's random seed (also the leader's): the same seed gives the same values."
                    disabled=Signal::derive(uploaded) />
            </div>
            <div class="row params" data-testid="params">
                {move || {
                    // Rebuilt when the distribution changes, not on every keystroke (which
                    // would recreate the input being typed in).
                    let specs = Distribution::from_name(&state.dist.get()).map(|d| d.param_specs()).unwrap_or_default();
                    state
                        .params
                        .get_untracked()
                        .into_iter()
                        .enumerate()
                        .map(|(k, (name, text))| {
                            let meaning = specs.iter().find(|s| s.name == name).map_or("", |s| s.meaning);
                            let field = format!("param-{name}");
                            let (f1, f2, f3, f4) = (field.clone(), field.clone(), field.clone(), field.clone());
                            view! {
                                <label title=meaning>
                                    {name.clone()}
                                    <input
                                        class="param"
                                        data-testid=field.clone()
                                        data-field=field
                                        type="text"
                                        inputmode="decimal"
                                        autocomplete="off"
                                        aria-invalid=move || state.invalid(&f1)
                                        aria-describedby=move || state.described_by(&f2)
                                        prop:value=text
                                        disabled=uploaded
                                        on:input=move |ev| {
                                            state.edited(&f4);
                                            let v = event_target_value(&ev);
                                            state.params.update(|p| p[k].1 = v);
                                        }
                                    />
                                    <FieldError state field=f3 />
                                </label>
                            }
                        })
                        .collect_view()
                }}
            </div>
            <div class="row">
                <label>
                    {format!("…or upload an instance (JSON or ODP-IP text, {})", UploadKind::Instance.limit_text())}
                    <input data-testid="instance-upload" data-field="instance-upload" type="file" accept=".json,.txt,text/plain,application/json" on:change=on_upload
                        aria-invalid=move || state.invalid("instance-upload")
                        aria-describedby=move || state.described_by("instance-upload") />
                    <FieldError state field="instance-upload" />
                </label>
                <Show when=uploaded>
                    <span class="upload-name">{move || state.upload.get().map(|u| match u.agents {
                        Some(n) => format!("{} ({n} agents)", u.name),
                        None => u.name,
                    }).unwrap_or_default()}</span>
                    <button class="secondary" on:click=clear_upload>"Use the distribution instead"</button>
                </Show>
            </div>
            <div class="row">
                <button
                    data-testid="exact-run"
                    on:click=run_exact
                    disabled=move || state.worker_state.get() != WorkerState::Idle
                >
                    "Solve exactly (up to " {MAX_BROWSER_EXACT_AGENTS} " agents)"
                </button>
            </div>
            {move || state.exact.get().map(|r| view! { <ExactView report=r /> })}
        </section>
    }
}

/// The exact optimum beside the singleton structure, and the optimal partition.
#[component]
fn ExactView(report: ExactReport) -> impl IntoView {
    let gain = report.exact_value - report.singleton_value;
    let coalitions = report.coalitions.clone();
    let count = coalitions.len();
    view! {
        <div class="result">
            <h3>"Exact optimum"</h3>
            <p class="described">{report.described.clone()}</p>
            <table class="values">
                <tr><th>"optimal v(CS)"</th><td>{value_view(report.exact_value, Some("exact-value".into()))}</td></tr>
                <tr><th>"all singletons v(CS)"</th><td>{value_view(report.singleton_value, Some("singleton-value".into()))}</td></tr>
                <tr><th>"gain over all singletons"</th><td title=numbers::full(gain)>{numbers::signed(gain)}</td></tr>
                <tr><th>"solver time"</th><td>{format!("{:.1} ms", report.seconds * 1000.0)}</td></tr>
            </table>
            <p>{format!("Optimal coalition structure: {}", numbers::counted(count, "coalition"))}</p>
            <ul class="partition" data-testid="exact-partition">{chips(coalitions)}</ul>
            <p class="note">"Agents are numbered from 1 here; files and the command line number them from 0."</p>
        </div>
    }
}
