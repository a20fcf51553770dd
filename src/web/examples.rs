//! Built-in examples, one click each, shipped with the page (and cached for offline use with the
//! rest of the build): a trained leader for the page's default instance, a graph leader for any
//! number of agents, and a Level-Based Foraging episode recorded from lbforaging 2.0.0 to replay
//! on the grid.
//!
//! The leader is `static/examples/leader-modified-normal-10.safetensors`, made by `bridge train
//! --dist modified_normal --agents 10 --seed 1 --episodes 300` (our lookahead settings; v(CS)
//! 253.1 on that instance, against C-Link's 217.5 and the optimum's 271.0). The graph leader is
//! `tests/data/graph-leader.safetensors`, the one `bridge repro scale` trains (3 000 episodes on
//! 10..60 agents of the six distributions; RESULTS.md has its figures at 10 to 1000 agents). The
//! episode is `tests/data/lbf-vectors/ep_8x8_2p_2f_team_s0.json`. `index.html` copies all three
//! into the build.

use leptos::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;

use super::protocol::ToWorker;
use super::state::{AppState, WorkerState};

/// The example leader's file in the build.
const LEADER: &str = "leader-modified-normal-10.safetensors";

/// The example graph leader's file in the build.
const GRAPH_LEADER: &str = "graph-leader.safetensors";

/// The example episode's file in the build.
const EPISODE: &str = "ep_8x8_2p_2f_team_s0.json";

/// Fetches `file` from the page's own build.
async fn fetch(file: &str) -> Result<web_sys::Response, String> {
    let failed =
        |e: wasm_bindgen::JsValue| format!("the example {file} could not be loaded: {e:?}");
    let response: web_sys::Response = JsFuture::from(window().fetch_with_str(file))
        .await
        .map_err(failed)?
        .dyn_into()
        .map_err(failed)?;
    if !response.ok() {
        return Err(format!(
            "the example {file} could not be loaded (HTTP {}); reload the page",
            response.status()
        ));
    }
    Ok(response)
}

/// Loads the leader weights in `file` as the leader called `name`.
async fn load_leader(state: AppState, file: &str, name: String) -> Result<(), String> {
    let response = fetch(file).await?;
    let buffer = JsFuture::from(response.array_buffer().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?;
    state.load_weights(name, &buffer);
    Ok(())
}

async fn load_episode(state: AppState) -> Result<(), String> {
    let response = fetch(EPISODE).await?;
    let text = JsFuture::from(response.text().map_err(|e| format!("{e:?}"))?)
        .await
        .map_err(|e| format!("{e:?}"))?
        .as_string()
        .unwrap_or_default();
    state.send(
        &ToWorker::LbfReplay {
            name: EPISODE.to_string(),
            text,
        },
        true,
    );
    Ok(())
}

/// The built-in examples.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Example {
    /// The paper's network trained on the default instance.
    Leader,
    /// The size-independent graph leader.
    GraphLeader,
    /// A recorded foraging episode.
    Episode,
}

/// The example leaders: how a link names each (`example=leader`, `example=graph`), its file in
/// the build, and what the page calls it.
const LEADERS: [(Example, &str, &str, &str); 2] = [
    (Example::Leader, "leader", LEADER, "the example leader"),
    (
        Example::GraphLeader,
        "graph",
        GRAPH_LEADER,
        "the example graph leader",
    ),
];

/// The name a loaded example leader goes by (the leader's source), e.g. "the example graph
/// leader (graph-leader.safetensors)".
fn source_of(label: &str, file: &str) -> String {
    format!("{label} ({file})")
}

impl Example {
    /// The example leader a link names, or why the page has none of that name.
    pub fn from_key(key: &str) -> Result<Example, String> {
        LEADERS
            .iter()
            .find(|(_, k, _, _)| *k == key)
            .map(|(e, _, _, _)| *e)
            .ok_or_else(|| {
                format!(
                    "the link names an example leader this page does not have (\"{key}\"); \
                     pick one under Examples: trained leader or any-size leader"
                )
            })
    }

    /// The link's name of the example leader a leader from `source` is, if it is one.
    pub fn key_of(source: &str) -> Option<&'static str> {
        LEADERS
            .iter()
            .find(|(_, _, file, label)| source_of(label, file) == source)
            .map(|(_, k, _, _)| *k)
    }
}

/// The link's name of the example leader the page holds, if it holds one (tracked).
pub fn held(state: &AppState) -> Option<&'static str> {
    state
        .leader
        .with(|l| l.as_ref().and_then(|l| Example::key_of(&l.source)))
}

/// Loads `example`: a leader into the page's worker, or the episode onto the grid.
pub fn load(state: AppState, example: Example) {
    wasm_bindgen_futures::spawn_local(async move {
        let done = match example {
            Example::Leader | Example::GraphLeader => {
                // On a larger instance, the paper's leader's panel offers to come down to its 10.
                match LEADERS.iter().find(|(e, ..)| *e == example) {
                    Some((_, _, file, label)) => {
                        // A leader kept from before a reload may reach a worker that comes up
                        // while the file is fetched: awaited by name, it is not taken for the
                        // example, which replaces it when its file is there (and if the file
                        // cannot be had, the kept leader stays).
                        let name = source_of(label, file);
                        state.example_loading.set_value(Some(name.clone()));
                        load_leader(state, file, name).await
                    }
                    None => Err(format!("{example:?} is not an example leader")),
                }
            }
            Example::Episode => load_episode(state).await,
        };
        if let Err(e) = done {
            state.example_loading.set_value(None);
            state.fail(e);
        }
    });
}

/// The example buttons.
#[component]
pub fn Examples(state: AppState) -> impl IntoView {
    let idle = move || state.worker_state.get() == WorkerState::Idle;
    let run = move |example: Example| load(state, example);
    view! {
        <div class="row examples">
            <span>"Examples:"</span>
            <button class="secondary" data-testid="example-leader" on:click=move |_| run(Example::Leader)
                disabled=move || !idle() || state.training.get()
                title="a leader trained on the default instance (modified normal, 10 agents, seed 1)">
                "trained leader"
            </button>
            <button class="secondary" data-testid="example-graph-leader" on:click=move |_| run(Example::GraphLeader)
                disabled=move || !idle() || state.training.get()
                title="the size-independent graph leader trained on 10..60 agents of all six distributions: run it on any instance, up to 1000 agents">
                "any-size leader"
            </button>
            <button class="secondary" data-testid="example-lbf" on:click=move |_| run(Example::Episode)
                disabled=move || !idle()
                title="an episode recorded from lbforaging 2.0.0, replayed on the grid below">
                "foraging episode"
            </button>
        </div>
    }
}
