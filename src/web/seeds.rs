//! Several seeds at once ([`crate::page::seeds`]): beside the page's worker, which trains the
//! form's seed and holds the leader, one more worker per extra seed trains the same run with
//! its own training seed and reports its episodes, which the `v(CS)` plot draws as a band.
//! Pause, resume and stop reach every worker; an extra worker ends when its run does, handing
//! its leader's weights to the page first, so that the seed table's "use this leader" can swap
//! any seed's leader into the page's worker.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use super::protocol::{decode, encode, FromWorker, LeaderSummary, ToWorker, TrainSpec};
use super::state::AppState;
use crate::page::numbers;
use crate::page::seeds::{max_seeds, seed_of, summaries};
use crate::service::TRAINED_HERE;

/// The extra workers of the run in progress, and what they reported.
#[derive(Clone, Copy)]
pub struct SeedPool {
    workers: StoredValue<Vec<Rc<Worker>>, LocalStorage>,
    /// Each extra seed's `v(CS)` by episode (seed 1 first; seed 0 is the page's own run).
    pub runs: RwSignal<Vec<Vec<f64>>>,
    /// Which extra seeds' runs have ended (seed 1 first), however they ended: a flag each, so
    /// that a worker reporting its end twice (an error after its report) counts once.
    ended: RwSignal<Vec<bool>>,
    /// The page's own run's training seed, from which the others' follow.
    base: RwSignal<u64>,
    /// Each row's trained leader, base64 safetensors (row 0: the page's own run's), once its
    /// run has ended.
    leaders: RwSignal<Vec<Option<String>>>,
    /// The row whose leader the page's worker holds (`None`: none yet, or another leader,
    /// uploaded or an example's).
    in_use: RwSignal<Option<usize>>,
    /// The row whose leader was sent to the page's worker and not yet answered for; the
    /// buttons wait meanwhile, so that each answer belongs to one request.
    pending: RwSignal<Option<usize>>,
}

impl SeedPool {
    /// No extra workers.
    pub fn new() -> Self {
        Self {
            workers: StoredValue::new_local(Vec::new()),
            runs: RwSignal::new(Vec::new()),
            ended: RwSignal::new(Vec::new()),
            base: RwSignal::new(0),
            leaders: RwSignal::new(Vec::new()),
            in_use: RwSignal::new(None),
            pending: RwSignal::new(None),
        }
    }

    /// Ends every extra worker and forgets their runs.
    pub fn clear(&self) {
        self.workers.update_value(|ws| {
            for w in ws.drain(..) {
                w.terminate();
            }
        });
        self.runs.set(Vec::new());
        self.ended.set(Vec::new());
        self.leaders.set(Vec::new());
        self.in_use.set(None);
        self.pending.set(None);
    }

    /// Hands row `k`'s leader to the page's worker, as the leader trained here (the form's
    /// settings trained it, with that row's seed). One at a time: a row's request waits for
    /// the answer to the one before.
    pub fn use_leader(&self, state: AppState, k: usize) {
        if self.pending.get_untracked().is_some() {
            return;
        }
        let Some(base64) = self
            .leaders
            .with_untracked(|ls| ls.get(k).cloned().flatten())
        else {
            return;
        };
        self.pending.set(Some(k));
        state.send(
            &ToWorker::LoadWeights {
                name: TRAINED_HERE.to_string(),
                base64,
            },
            false,
        );
    }

    /// The page's worker answered a leader's load: `loaded` is the leader it now holds, or
    /// `None` if it refused the weights (and holds what it held). The leader is a row's, sent
    /// by [`use_leader`](Self::use_leader); the page's own run's, which has ended (row 0,
    /// kept here to swap back to); or another (an upload, an example), which no row holds.
    pub fn leader_answered(&self, loaded: Option<&LeaderSummary>) {
        let row = self.pending.get_untracked();
        self.pending.set(None);
        let Some(l) = loaded else { return };
        let now = match row {
            Some(k) => Some(k),
            None if l.source == TRAINED_HERE => {
                self.leaders.update(|ls| {
                    if let Some(own) = ls.first_mut() {
                        *own = Some(l.base64.clone());
                    }
                });
                Some(0)
            }
            None => None,
        };
        self.in_use.set(now);
    }

    /// How many extra seeds' runs have ended (tracked).
    pub fn finished(&self) -> usize {
        self.ended.with(|e| e.iter().filter(|&&x| x).count())
    }

    /// Notes that seed `k`'s run (1-based) has ended.
    fn end(&self, k: usize) {
        self.ended.update(|e| {
            if let Some(flag) = e.get_mut(k - 1) {
                *flag = true;
            }
        });
    }

    /// Sends `request` (pause, resume, stop) to every extra worker still running.
    pub fn broadcast(&self, request: &ToWorker) {
        let text = JsValue::from_str(&encode(request));
        self.workers.with_value(|ws| {
            for w in ws {
                let _ = w.post_message(&text);
            }
        });
    }

    /// Starts `extra` workers, the `k`-th training `spec` with seed `seed_of(spec's, k)`.
    pub fn start(&self, state: AppState, spec: &TrainSpec, extra: usize) {
        self.clear();
        self.base.set(spec.dqn.seed);
        self.runs.set(vec![Vec::new(); extra]);
        self.ended.set(vec![false; extra]);
        self.leaders.set(vec![None; extra + 1]);
        for k in 1..=extra {
            let mut spec = spec.clone();
            spec.dqn.seed = seed_of(spec.dqn.seed, k);
            match spawn(state, *self, k, spec) {
                Ok(w) => self.workers.update_value(|ws| ws.push(w)),
                Err(e) => state.fail(e),
            }
        }
    }
}

impl Default for SeedPool {
    fn default() -> Self {
        Self::new()
    }
}

/// Each seed's run in a row while several train (or trained) at once: its seed, episodes, and
/// the `v(CS)` of its last and best episodes; the page's own run first, the one whose leader
/// the page keeps.
#[component]
pub fn SeedTable(state: AppState) -> impl IntoView {
    let rows = move || {
        let pool = state.seed_pool;
        if pool.runs.with(Vec::is_empty) {
            return None;
        }
        let own: Vec<f64> = state.history.with(|h| h.iter().map(|e| e.value).collect());
        let runs: Vec<Vec<f64>> = pool
            .runs
            .with(|extra| std::iter::once(own).chain(extra.iter().cloned()).collect());
        let rows = summaries(pool.base.get(), &runs)
            .into_iter()
            .enumerate()
            .map(|(k, s)| {
                let value = |v: Option<f64>| v.map(numbers::short).unwrap_or_else(|| "–".into());
                let in_use = pool.in_use.get() == Some(k);
                let who = if in_use {
                    format!("{} (the page's leader)", s.seed)
                } else {
                    s.seed.to_string()
                };
                let ready = pool.leaders.with(|ls| ls.get(k).is_some_and(Option::is_some));
                let can_use =
                    !in_use && ready && !state.training.get() && pool.pending.get().is_none();
                let seed = s.seed;
                let button = can_use.then(|| {
                    view! {
                        <button class="secondary" data-testid="seed-use"
                            aria-label=format!("use the leader trained with seed {seed}")
                            on:click=move |_| pool.use_leader(state, k)>"use this leader"</button>
                    }
                });
                view! {
                    <tr><td>{who}</td><td>{s.episodes}</td><td>{value(s.last)}</td><td>{value(s.best)}</td><td>{button}</td></tr>
                }
            })
            .collect_view();
        Some(view! {
            <div class="table-scroll" tabindex="0" role="region" aria-label="each seed's run">
                <table class="compare" data-testid="seed-table">
                    <tr><th>"training seed"</th><th>"episodes"</th><th>"last v(CS)"</th><th>"best v(CS)"</th><th>"leader"</th></tr>
                    {rows}
                </table>
            </div>
            <p class="note">
                "The episodes explore (ε), so their v(CS) is not what the trained leader reaches. The page runs "
                "one row's leader (the first row's unless you pick another once the runs end: \"use this leader\"); "
                "the band in the v(CS) plot spans every row."
            </p>
        })
    };
    view! { {rows} }
}

/// Logical cores of this machine, as the browser tells them (1 when it does not).
pub fn cores() -> usize {
    let navigator = js_sys::Reflect::get(&window(), &"navigator".into()).ok();
    navigator
        .and_then(|n| js_sys::Reflect::get(&n, &"hardwareConcurrency".into()).ok())
        .and_then(|c| c.as_f64())
        .map_or(1, |c| c as usize)
}

/// The most seeds the form offers here.
pub fn offered() -> usize {
    max_seeds(cores())
}

/// One extra worker training `spec` as seed `k`.
fn spawn(state: AppState, pool: SeedPool, k: usize, spec: TrainSpec) -> Result<Rc<Worker>, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Classic);
    let worker = Rc::new(
        Worker::new_with_options("./worker_loader.js", &options)
            .map_err(|e| format!("the browser refused to start a worker for seed {k}: {e:?}"))?,
    );
    let me = Rc::downgrade(&worker);
    let request = encode(&ToWorker::Train(spec));
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        let text = event.data().as_string().unwrap_or_default();
        match decode::<FromWorker>(&text) {
            Ok(FromWorker::Ready) => {
                if let Some(w) = me.upgrade() {
                    let _ = w.post_message(&JsValue::from_str(&request));
                }
            }
            Ok(FromWorker::Episode(e)) => pool.runs.update(|runs| {
                if let Some(run) = runs.get_mut(k - 1) {
                    run.push(e.value);
                }
            }),
            // A run that ended well hands its leader over next (Leader follows Trained).
            Ok(FromWorker::Trained(Ok(_))) => pool.end(k),
            Ok(FromWorker::Leader(result)) => {
                if let Some(w) = me.upgrade() {
                    w.terminate();
                }
                match result {
                    Ok(l) => pool.leaders.update(|ls| {
                        if let Some(slot) = ls.get_mut(k) {
                            *slot = Some(l.base64);
                        }
                    }),
                    Err(e) => state.fail(format!("seed {k}: {e}")),
                }
            }
            Ok(FromWorker::Trained(Err(e))) => {
                pool.end(k);
                if let Some(w) = me.upgrade() {
                    w.terminate();
                }
                state.fail(format!("seed {k}: {e}"));
            }
            Ok(FromWorker::Crashed(what)) => {
                pool.end(k);
                state.fail(format!(
                    "the worker of seed {k} crashed ({what}); the other seeds go on"
                ));
            }
            Ok(_) => {}
            // A lost progress report costs the band a point, as in the page's own worker.
            Err(_) if FromWorker::was_progress(&text) => {}
            Err(e) => state.fail(format!("seed {k}: {e}")),
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error =
        Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            pool.end(k);
            state.fail(format!(
                "the worker of seed {k} crashed ({}); the other seeds go on",
                event.message()
            ));
        });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(worker)
}
