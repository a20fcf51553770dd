//! The set-up in the page's URL ([`crate::page::setup`]): read when the page opens and when the
//! browser goes back or forward, written (a new history entry) once the form has rested for a
//! moment, so a reload keeps the experiment and a link shares it. What a leader's loading
//! changes (an example's network in the form, the example's name) corrects the entry in place:
//! it is no step of the user's to go back to.

use leptos::prelude::*;
use wasm_bindgen::JsValue;

use super::examples::{self, Example};
use super::state::{default_params, AppState};
use crate::page::lbf_setup::LbfForm;
use crate::page::setup::Setup;

/// How long the form rests before its set-up becomes a history entry: typing `300` makes one
/// entry, not three.
const REST_MS: u64 = 600;

/// The set-up the form shows now (tracked: an effect reading it reruns on every change).
pub fn current(state: &AppState) -> Setup {
    Setup {
        dist: state.dist.get(),
        params: state.params.get(),
        agents: state.agents.get(),
        seed: state.seed.get(),
        episodes: state.episodes.get(),
        seeds: state.seeds.get(),
        network: state.network_by_hand.get().then(|| state.network.get()),
        hidden: state.hidden.get(),
        scorer: state.scorer.get(),
        epsilon_decay: state.epsilon_decay.get(),
        learning_rate: state.learning_rate.get(),
        target_sync: state.target_sync.get(),
        updates_per_step: state.updates_per_step.get(),
        return_mix: state.return_mix.get(),
        double_dqn: state.double_dqn.get(),
        return_bound: state.return_bound.get(),
        leader: state.leader_network.get(),
        graph_sizes: state.graph_sizes.get(),
        graph_dists: state.graph_dists.get(),
        lbf: LbfForm {
            config: state.lbf_config.get(),
            episodes: state.lbf_episodes.get(),
            epochs: state.lbf_epochs.get(),
            custom: state.lbf_custom.text(),
        },
        example: examples::held(state).map(String::from),
    }
}

/// Sets `signal` to `value` only when it differs: setting a signal wakes everything that reads
/// it, and the instance's fields clear the results shown, so going back to a set-up that
/// differs only in its episodes must not touch them.
fn put<T: PartialEq + Send + Sync + 'static>(signal: RwSignal<T>, value: T) {
    if signal.with_untracked(|v| *v != value) {
        signal.set(value);
    }
}

/// Puts `setup` into the form, changing only the fields that differ (not the leader: a link's
/// example leader is loaded only when the page opens).
pub fn apply(state: &AppState, setup: Setup) {
    put(state.dist, setup.dist);
    put(state.params, setup.params);
    put(state.seed, setup.seed);
    put(state.network_by_hand, setup.network.is_some());
    if let Some(network) = setup.network {
        put(state.network, network);
    }
    if state.agents.with_untracked(|a| *a != setup.agents) {
        state.set_agents(setup.agents);
    } else if let Ok(n) = untrack(|| state.agents_count()) {
        // The same agents, but the network size may have stopped being typed by hand: it
        // follows them again (a no-op while typed by hand).
        state.follow_agents(n);
    }
    put(state.episodes, setup.episodes);
    put(state.seeds, setup.seeds);
    put(state.hidden, setup.hidden);
    put(state.scorer, setup.scorer);
    put(state.epsilon_decay, setup.epsilon_decay);
    put(state.learning_rate, setup.learning_rate);
    put(state.target_sync, setup.target_sync);
    put(state.updates_per_step, setup.updates_per_step);
    put(state.return_mix, setup.return_mix);
    put(state.double_dqn, setup.double_dqn);
    put(state.return_bound, setup.return_bound);
    put(state.leader_network, setup.leader);
    put(state.graph_sizes, setup.graph_sizes);
    put(state.graph_dists, setup.graph_dists);
    put(state.lbf_config, setup.lbf.config);
    put(state.lbf_episodes, setup.lbf.episodes);
    put(state.lbf_epochs, setup.lbf.epochs);
    if untrack(|| state.lbf_custom.text()) != setup.lbf.custom {
        state.lbf_custom.set_text(setup.lbf.custom);
    }
}

/// Loads the example leader a link names, unless it is held already. Only when the page opens:
/// back and forward keep the leader the page holds, which may have been trained here since.
fn load_example(state: &AppState, setup: &Setup) {
    if let Some(key) = &setup.example {
        if untrack(|| examples::held(state)) != Some(key.as_str()) {
            match Example::from_key(key) {
                Ok(example) => examples::load(*state, example),
                Err(e) => state.fail(e),
            }
        }
    }
}

/// The page's query string, `?…` or empty.
fn location_search() -> String {
    window().location().search().unwrap_or_default()
}

/// The page's address without its query.
fn location_base() -> String {
    let location = window().location();
    format!(
        "{}{}",
        location.origin().unwrap_or_default(),
        location.pathname().unwrap_or_default()
    )
}

/// The link that opens this set-up.
pub fn share_link(setup: &Setup) -> String {
    format!("{}?{}", location_base(), setup.to_query())
}

/// Reads the set-up from the URL now and on back/forward, and writes it there as it changes.
pub fn install(state: AppState) {
    let defaults = current_untracked(&state);
    let read = {
        let defaults = defaults.clone();
        move || Setup::from_query(&location_search(), &defaults, default_params)
    };
    let opened = read();
    apply(&state, opened.clone());
    load_example(&state, &opened);
    // A name the page has no example for was refused above: the URL does not keep it.
    let opened = opened.example.filter(|key| Example::from_key(key).is_ok());
    let _ = window_event_listener(leptos::ev::popstate, move |_| apply(&state, read()));
    let pending = StoredValue::new_local(None::<TimeoutHandle>);
    // The example leader held at the effect's last run: when it changes, the leader was loaded
    // or replaced, and what that run sees came with it.
    let last_held = StoredValue::new_local(None::<String>);
    Effect::new(move |previous: Option<()>| {
        let mut setup = current(&state);
        let held_changed = last_held
            .try_update_value(|h| {
                let changed = *h != setup.example;
                h.clone_from(&setup.example);
                changed
            })
            .unwrap_or(false);
        if previous.is_some() && held_changed {
            // A leader loaded (an example's, which writes its network into the form, or one
            // that replaces it): not a step of the user's to go back to, so the entry is
            // corrected in place, at once.
            cancel(pending);
            write_entry(&setup.to_query(), true);
            return;
        }
        if previous.is_none() {
            // The page as opened: its own entry holds the whole set-up, no new entry. A link's
            // example leader is still being fetched: the entry keeps naming it (once loaded,
            // the entry is corrected in place, above).
            if setup.example.is_none() {
                setup.example.clone_from(&opened);
            }
            write_entry(&setup.to_query(), true);
            return;
        }
        let query = setup.to_query();
        cancel(pending);
        let handle = set_timeout_with_handle(
            move || write_entry(&query, false),
            std::time::Duration::from_millis(REST_MS),
        );
        pending.set_value(handle.ok());
    });
}

/// Cancels the new entry waiting for the form to rest, if one is.
fn cancel(pending: StoredValue<Option<TimeoutHandle>, LocalStorage>) {
    pending.update_value(|p| {
        if let Some(p) = p.take() {
            p.clear();
        }
    });
}

/// Writes `query` to the page's history entry, in place (`replace`) or as a new entry, unless
/// the address holds it already.
fn write_entry(query: &str, replace: bool) {
    if location_search().trim_start_matches('?') == query {
        return;
    }
    if let Ok(history) = window().history() {
        let url = format!("?{query}");
        let _ = if replace {
            history.replace_state_with_url(&JsValue::NULL, "", Some(&url))
        } else {
            history.push_state_with_url(&JsValue::NULL, "", Some(&url))
        };
    }
}

/// The set-up the form shows, read without tracking.
fn current_untracked(state: &AppState) -> Setup {
    untrack(|| current(state))
}
