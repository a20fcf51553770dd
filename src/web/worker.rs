//! The web worker: receives [`ToWorker`] requests, runs the core and the algorithms, and posts
//! [`FromWorker`] answers. It posts `Ready` first, since messages sent before a worker has
//! started are lost.

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::protocol::{decode, encode, ExactReport, FromWorker, InstanceSpec, ToWorker};
use crate::algorithms::{singleton, Algorithm, SolveOptions};
use crate::core::{
    instance_file, CharacteristicFunction, Distribution, Instance, MAX_TABLE_AGENTS,
};

/// The largest `n` the page solves exactly: `3^16 / 2` DP steps take well under a second in wasm.
pub const MAX_BROWSER_EXACT_AGENTS: usize = 16;

/// Starts the worker loop.
pub fn start() {
    console_error_panic_hook::set_once();
    let scope: DedicatedWorkerGlobalScope = js_sys::global().unchecked_into();
    let reply_scope = scope.clone();
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let answer = match event
            .data()
            .as_string()
            .ok_or_else(|| "expected a text message".to_string())
        {
            Ok(text) => match decode::<ToWorker>(&text) {
                Ok(request) => handle(request, &reply_scope),
                Err(e) => FromWorker::Solved(Err(e)),
            },
            Err(e) => FromWorker::Solved(Err(e)),
        };
        post(&reply_scope, &answer);
    });
    scope.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&scope, &FromWorker::Ready);
}

fn post(scope: &DedicatedWorkerGlobalScope, message: &FromWorker) {
    // Posting a string cannot fail for a live worker; there is nobody else to tell if it does.
    let _ = scope.post_message(&JsValue::from_str(&encode(message)));
}

fn handle(request: ToWorker, scope: &DedicatedWorkerGlobalScope) -> FromWorker {
    match request {
        ToWorker::SolveExact { instance } => FromWorker::Solved(solve_exact(&instance, scope)),
    }
}

/// Builds the instance a spec describes, with a page-ready message when it cannot.
pub fn build_instance(spec: &InstanceSpec) -> Result<(Instance, String), String> {
    match spec {
        InstanceSpec::Generated {
            distribution,
            params,
            agents,
            seed,
        } => {
            let d = Distribution::with_params(distribution, params).map_err(|e| e.to_string())?;
            let inst = Instance::generate(d, *agents, *seed).map_err(|e| e.to_string())?;
            Ok((
                inst,
                format!("{distribution}, {agents} agents, seed {seed}"),
            ))
        }
        InstanceSpec::File { name, text } => {
            let inst = instance_file::parse_instance(text).map_err(|e| format!("{name}: {e}"))?;
            let n = inst.agents();
            Ok((inst, format!("{name} ({n} agents)")))
        }
    }
}

fn solve_exact(
    spec: &InstanceSpec,
    scope: &DedicatedWorkerGlobalScope,
) -> Result<ExactReport, String> {
    let (instance, described) = build_instance(spec)?;
    let n = instance.agents();
    if n > MAX_BROWSER_EXACT_AGENTS {
        return Err(format!(
            "the page solves up to {MAX_BROWSER_EXACT_AGENTS} agents exactly, this instance has {n}; \
             `bridge solve --algo exact` takes up to {MAX_TABLE_AGENTS}"
        ));
    }
    let clock = scope.performance();
    let start = clock.as_ref().map_or(0.0, |p| p.now());
    let solution = Algorithm::Exact
        .solve(&instance, 0)
        .map_err(|e| e.to_string())?;
    let end = clock.as_ref().map_or(0.0, |p| p.now());
    Ok(ExactReport {
        agents: n,
        described,
        coalitions: solution.coalitions,
        exact_value: solution.value,
        singleton_value: singleton(&instance).value(&instance),
        seconds: (end - start) / 1000.0,
    })
}
