//! The web worker: receives [`ToWorker`] requests, runs the core, the algorithms and the leader,
//! and posts [`FromWorker`] answers. It posts `Ready` first, since messages sent before a worker
//! has started are lost.
//!
//! Training runs in chunks of about 40 ms, each scheduled with `setTimeout(0)`, so that a
//! `StopTraining` message is received between two chunks: a worker's messages queue behind
//! whatever it is computing.

use std::cell::RefCell;

use base64::Engine as _;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{DedicatedWorkerGlobalScope, MessageEvent};

use super::protocol::*;
use crate::algorithms::{singleton, Algorithm, SolveOptions};
use crate::core::{
    instance_file, CharacteristicFunction, CoalitionStructure, Distribution, Instance, Step,
    MAX_TABLE_AGENTS,
};
use crate::lbf::{first_mismatch, replay, EpisodeFile};
use crate::leader::gains::PackedGains;
use crate::leader::network::Scorer;
use crate::leader::{
    greedy, weights, DqnParams, EpisodeStats, Horizon, NetworkConfig, PlainNetwork, QNetwork,
    StopReason, Trainer,
};

/// The largest `n` the page solves exactly: `3^16 / 2` DP steps take well under a second in wasm.
pub const MAX_BROWSER_EXACT_AGENTS: usize = 16;

/// The largest `n` the comparison runs GRASP on: 5 iterations take 0.27 s natively at 300
/// agents, and grow faster than `n²`.
pub const MAX_BROWSER_GRASP_AGENTS: usize = 300;

/// The largest `n` the comparison runs CSG-UCT on: its 1000 playouts grow as about `n²` each,
/// a second at 200 agents and a minute at 1000.
pub const MAX_BROWSER_UCT_AGENTS: usize = 200;

/// The largest `n` the comparison runs SALDAE on: its 5000 expansions take about a second at
/// 300 agents natively.
pub const MAX_BROWSER_SALDAE_AGENTS: usize = 300;

/// The most agents the comparison runs `algorithm` on, if it is limited.
pub fn browser_limit(algorithm: Algorithm) -> Option<usize> {
    match algorithm {
        Algorithm::Exact => Some(MAX_BROWSER_EXACT_AGENTS),
        Algorithm::Grasp => Some(MAX_BROWSER_GRASP_AGENTS),
        Algorithm::Uct => Some(MAX_BROWSER_UCT_AGENTS),
        Algorithm::Saldae => Some(MAX_BROWSER_SALDAE_AGENTS),
        _ => None,
    }
}

/// The largest leader network the page trains: at `M = 100` one DQN update already takes tens
/// of milliseconds in wasm, and the first layer holds `M² × 128` weights.
pub const MAX_BROWSER_NETWORK: usize = 100;

/// Milliseconds of training between two looks at the message queue.
const CHUNK_MS: f64 = 40.0;

/// The leader the worker holds, and where it came from.
struct Leader {
    net: QNetwork,
    trained_on: String,
    source: String,
}

/// A training run in progress.
struct Run {
    trainer: Trainer,
    instance: Instance,
    described: String,
    total: usize,
    started: f64,
    previous: Option<String>,
}

#[derive(Default)]
struct Session {
    leader: Option<Leader>,
    run: Option<Run>,
    stop_requested: bool,
}

thread_local! {
    static SESSION: RefCell<Session> = RefCell::new(Session::default());
}

fn scope() -> DedicatedWorkerGlobalScope {
    js_sys::global().unchecked_into()
}

fn now() -> f64 {
    scope().performance().map_or(0.0, |p| p.now())
}

fn post(message: &FromWorker) {
    // Posting a string cannot fail for a live worker; there is nobody else to tell if it does.
    let _ = scope().post_message(&JsValue::from_str(&encode(message)));
}

/// Starts the worker loop.
pub fn start() {
    console_error_panic_hook::set_once();
    let on_message =
        Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
            match event
                .data()
                .as_string()
                .ok_or_else(|| "expected a text message".to_string())
                .and_then(|t| decode::<ToWorker>(&t))
            {
                Ok(request) => handle(request),
                Err(e) => post(&FromWorker::Solved(Err(e))),
            }
        });
    scope().set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    // The handler lives as long as the worker.
    on_message.forget();
    post(&FromWorker::Ready);
}

fn handle(request: ToWorker) {
    match request {
        ToWorker::SolveExact { instance } => post(&FromWorker::Solved(solve_exact(&instance))),
        ToWorker::Train(spec) => {
            if let Err(e) = start_training(spec) {
                post(&FromWorker::Trained(Err(e)));
            }
        }
        ToWorker::StopTraining => SESSION.with(|s| s.borrow_mut().stop_requested = true),
        ToWorker::Infer { instance } => post(&FromWorker::Inferred(infer(&instance))),
        ToWorker::LoadWeights { name, base64 } => {
            post(&FromWorker::Leader(load_weights(&name, &base64)))
        }
        ToWorker::Compare { instance } => post(&FromWorker::Compared(compare(&instance))),
        ToWorker::LbfReplay { name, text } => post(&FromWorker::LbfReplayed(
            lbf_replay(&name, &text).map(Box::new),
        )),
    }
}

/// Replays a recorded LBF episode and says whether ours equals the recording.
fn lbf_replay(name: &str, text: &str) -> Result<LbfReport, String> {
    let recorded = EpisodeFile::from_json(text).map_err(|e| format!("{name}: {e}"))?;
    let replayed = replay(&recorded).map_err(|e| format!("{name}: {e}"))?;
    let check = match first_mismatch(&recorded, &replayed) {
        None => format!(
            "our environment reproduces the recording: {} steps",
            recorded.steps.len()
        ),
        Some(m) => format!("our environment differs from the recording: {m}"),
    };
    Ok(LbfReport {
        name: name.to_string(),
        replayed,
        check,
    })
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
            // Parameters away from their defaults are part of the instance's name.
            let changed: Vec<String> = d
                .param_specs()
                .iter()
                .zip(d.params())
                .filter(|(spec, (_, v))| *v != spec.default)
                .map(|(_, (k, v))| format!("{k}={v}"))
                .collect();
            let with = if changed.is_empty() {
                String::new()
            } else {
                format!(" ({})", changed.join(", "))
            };
            let inst = Instance::generate(d, *agents, *seed).map_err(|e| e.to_string())?;
            Ok((
                inst,
                format!("{distribution}{with}, {agents} agents, seed {seed}"),
            ))
        }
        InstanceSpec::File { name, text } => {
            let inst = instance_file::parse_instance(text).map_err(|e| format!("{name}: {e}"))?;
            let n = inst.agents();
            Ok((inst, format!("{name} ({n} agents)")))
        }
    }
}

fn solve_exact(spec: &InstanceSpec) -> Result<ExactReport, String> {
    let (instance, described) = build_instance(spec)?;
    let n = instance.agents();
    if n > MAX_BROWSER_EXACT_AGENTS {
        return Err(format!(
            "the page solves up to {MAX_BROWSER_EXACT_AGENTS} agents exactly, this instance has {n}; \
             `bridge solve --algo exact` takes up to {MAX_TABLE_AGENTS}"
        ));
    }
    let start = now();
    let solution = Algorithm::Exact
        .solve(&instance, &SolveOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(ExactReport {
        agents: n,
        described,
        coalitions: solution.coalitions,
        exact_value: solution.value,
        singleton_value: singleton(&instance).value(&instance),
        seconds: (now() - start) / 1000.0,
    })
}

fn start_training(spec: TrainSpec) -> Result<(), String> {
    let (instance, described) = build_instance(&spec.instance)?;
    let n = instance.agents();
    if spec.episodes == 0 {
        return Err("episodes: give at least 1".into());
    }
    let (net, previous) = SESSION.with(|s| -> Result<(QNetwork, Option<String>), String> {
        let s = s.borrow();
        if s.run.is_some() {
            return Err("a training run is already going; stop it first".into());
        }
        if spec.continue_current {
            let leader = s.leader.as_ref().ok_or("there is no leader to continue from: train one or upload weights")?;
            let net = leader.net.deep_copy().map_err(|e| e.to_string())?;
            return Ok((net, Some(leader.trained_on.clone())));
        }
        if !(2..=MAX_BROWSER_NETWORK).contains(&spec.max_agents) {
            return Err(format!("network size: {} is out of range; the page trains networks for 2 to {MAX_BROWSER_NETWORK} agents", spec.max_agents));
        }
        let config = NetworkConfig {
            max_agents: spec.max_agents,
            hidden: spec.hidden.clone(),
            scorer: Scorer::from_name(&spec.scorer).map_err(|e| e.to_string())?,
        };
        let net = QNetwork::new(config, spec.seed).map_err(|e| e.to_string())?;
        Ok((net, None))
    })?;
    let m = net.config().max_agents;
    if n > m {
        return Err(format!(
            "the network takes at most {m} agents, the instance has {n}; make the network larger"
        ));
    }
    let params = DqnParams {
        seed: spec.seed,
        epsilon_decay_steps: spec.epsilon_decay,
        learning_rate: spec.learning_rate,
        target_sync: spec.target_sync,
        updates_per_step: spec.updates_per_step,
        double_dqn: spec.double_dqn,
        return_bound: spec.return_bound,
        return_mix: spec.return_mix,
        ..Default::default()
    };
    let trainer = Trainer::new(net, params).map_err(|e| e.to_string())?;
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        s.stop_requested = false;
        s.run = Some(Run {
            trainer,
            instance,
            described,
            total: spec.episodes,
            started: now(),
            previous,
        });
    });
    schedule_chunk();
    Ok(())
}

fn schedule_chunk() {
    let callback = Closure::once_into_js(train_chunk);
    if scope()
        .set_timeout_with_callback_and_timeout_and_arguments_0(callback.unchecked_ref(), 0)
        .is_err()
    {
        SESSION.with(|s| s.borrow_mut().run = None);
        post(&FromWorker::Trained(Err(
            "the browser refused to schedule training".into(),
        )));
    }
}

/// Trains for about [`CHUNK_MS`], then either schedules the next chunk or ends the run.
fn train_chunk() {
    let Some(mut run) = SESSION.with(|s| s.borrow_mut().run.take()) else {
        return;
    };
    let chunk_start = now();
    let remaining = run.total - run.trainer.episodes_done();
    // Episodes of earlier chunks, so the page sees one numbering for the whole run.
    let offset = run.trainer.episodes_done();
    let total = run.total;
    let mut on_episode = |stats: &EpisodeStats| {
        post(&FromWorker::Episode(EpisodeReport {
            episode: stats.episode + offset,
            episodes: total,
            reward: stats.reward,
            loss: stats.loss,
            epsilon: stats.epsilon,
            value: stats.value,
            best_value: stats.best_value,
        }));
        now() - chunk_start < CHUNK_MS && !SESSION.with(|s| s.borrow().stop_requested)
    };
    let report = match run.trainer.train(&run.instance, remaining, &mut on_episode) {
        Ok(r) => r,
        Err(e) => {
            post(&FromWorker::Trained(Err(e.to_string())));
            return;
        }
    };
    let stop_requested = SESSION.with(|s| s.borrow().stop_requested);
    let stop = match report.stop {
        StopReason::EarlyStop => Some("early stop"),
        _ if stop_requested => Some("stopped"),
        _ if run.trainer.episodes_done() >= run.total => Some("finished"),
        _ => None,
    };
    match stop {
        None => {
            SESSION.with(|s| s.borrow_mut().run = Some(run));
            schedule_chunk();
        }
        Some(stop) => finish(run, stop),
    }
}

fn finish(run: Run, stop: &str) {
    let episodes = run.trainer.episodes_done();
    let mut trained_on = format!("{}, {episodes} episodes", run.described);
    if let Some(before) = &run.previous {
        trained_on = format!("{before}; then {trained_on}");
    }
    let net = match run.trainer.network().deep_copy() {
        Ok(n) => n,
        Err(e) => {
            post(&FromWorker::Trained(Err(e.to_string())));
            return;
        }
    };
    let report = TrainedReport {
        episodes,
        stop: stop.to_string(),
        seconds: (now() - run.started) / 1000.0,
        max_agents: net.config().max_agents,
        trained_on: trained_on.clone(),
    };
    let leader = Leader {
        net,
        trained_on,
        source: "trained here".into(),
    };
    let summary = summarise(&leader);
    SESSION.with(|s| {
        let mut s = s.borrow_mut();
        s.leader = Some(leader);
        s.stop_requested = false;
    });
    post(&FromWorker::Trained(Ok(report)));
    post(&FromWorker::Leader(summary));
}

fn summarise(leader: &Leader) -> Result<LeaderSummary, String> {
    let bytes = weights::to_bytes(&leader.net, &leader.trained_on).map_err(|e| e.to_string())?;
    Ok(LeaderSummary {
        source: leader.source.clone(),
        max_agents: leader.net.config().max_agents,
        hidden: leader.net.config().hidden.clone(),
        scorer: leader.net.config().scorer.name(),
        trained_on: leader.trained_on.clone(),
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

fn load_weights(name: &str, text: &str) -> Result<LeaderSummary, String> {
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(text)
        .map_err(|e| format!("{name}: the upload was garbled ({e})"))?;
    let (net, info) = weights::from_bytes(&bytes).map_err(|e| format!("{name}: {e}"))?;
    let leader = Leader {
        net,
        trained_on: info.trained_on,
        source: name.to_string(),
    };
    let summary = summarise(&leader)?;
    SESSION.with(|s| s.borrow_mut().leader = Some(leader));
    Ok(summary)
}

/// The current leader as a fast inference network.
fn current_plain() -> Result<PlainNetwork, String> {
    SESSION.with(|s| {
        let s = s.borrow();
        let leader = s
            .leader
            .as_ref()
            .ok_or("there is no leader yet: train one or upload weights")?;
        PlainNetwork::new(&leader.net).map_err(|e| e.to_string())
    })
}

/// The viewer's account of one state: the best candidate merges by Q with their true rewards.
fn viewer_step(plain: &PlainNetwork, f: &Instance, cs: &CoalitionStructure) -> ViewerStep {
    let pre = plain.preactivation(cs);
    let lists = cs.to_lists();
    let gains = PackedGains::new(cs, f);
    // The viewer rolls out over the full horizon: a merge ends it when two coalitions are left.
    let mut candidates: Vec<CandidateQ> = plain
        .pair_values(&pre, cs, &gains, cs.len() <= 2)
        .into_iter()
        .map(|(q, i, j)| {
            let (a, b) = (cs.coalitions()[i], cs.coalitions()[j]);
            CandidateQ {
                a: lists[i].clone(),
                b: lists[j].clone(),
                q,
                reward: f.merge_reward(&a, &b),
            }
        })
        .collect();
    candidates.sort_by(|x, y| y.q.total_cmp(&x.q));
    candidates.truncate(8);
    ViewerStep {
        coalitions: lists,
        value: cs.value(f),
        chosen: None,
        reward: 0.0,
        candidates,
        q_stop: plain.stop_value(&pre),
        last: false,
    }
}

fn infer(spec: &InstanceSpec) -> Result<RolloutReport, String> {
    let (instance, described) = build_instance(spec)?;
    let plain = current_plain()?;
    let rollout = greedy(&plain, &instance, Horizon::Full).map_err(|e| e.to_string())?;
    let mut cs = CoalitionStructure::singletons(instance.agents());
    let mut steps = Vec::new();
    for step in &rollout.steps {
        let mut view = viewer_step(&plain, &instance, &cs);
        if let Step::Merge {
            merge: [a, b],
            reward,
            ..
        } = step
        {
            view.chosen = Some((a.clone(), b.clone()));
            view.reward = *reward;
            let i = cs
                .coalition_of(a[0])
                .ok_or("a merge named an unknown agent")?;
            let j = cs
                .coalition_of(b[0])
                .ok_or("a merge named an unknown agent")?;
            steps.push(view);
            cs.merge(i, j).map_err(|e| e.to_string())?;
        } else {
            steps.push(view);
        }
    }
    let mut last = viewer_step(&plain, &instance, &cs);
    last.last = true;
    steps.push(last);
    Ok(RolloutReport {
        agents: instance.agents(),
        described,
        steps,
        value: rollout.value,
        singleton_value: singleton(&instance).value(&instance),
    })
}

fn compare(spec: &InstanceSpec) -> Result<Comparison, String> {
    let (instance, described) = build_instance(spec)?;
    let plain = current_plain()
        .ok()
        .filter(|p| p.max_agents() >= instance.agents());
    let mut results = Vec::new();
    for name in Algorithm::NAMES {
        let algorithm = Algorithm::from_name(name).map_err(|e| e.to_string())?;
        if browser_limit(algorithm).is_some_and(|limit| instance.agents() > limit)
            || (algorithm == Algorithm::Bridge && plain.is_none())
        {
            continue;
        }
        let options = SolveOptions {
            seed: 0,
            leader: plain.as_ref(),
            ..Default::default()
        };
        let start = now();
        let solution = algorithm
            .solve(&instance, &options)
            .map_err(|e| e.to_string())?;
        results.push(AlgorithmResult {
            algorithm: name.to_string(),
            value: solution.value,
            coalitions: solution.coalitions.len(),
            seconds: (now() - start) / 1000.0,
        });
    }
    results.sort_by(|a, b| b.value.total_cmp(&a.value));
    Ok(Comparison {
        described,
        singleton_value: singleton(&instance).value(&instance),
        results,
    })
}
