//! The page's state: every signal the panels share, and the link to the worker that routes its
//! answers into them. Only this module and the worker speak the message protocol.

use std::rc::Rc;

use leptos::prelude::*;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use web_sys::{MessageEvent, Worker, WorkerOptions, WorkerType};

use super::field::error_id;
use super::protocol::*;
use crate::core::{Distribution, MAX_AGENTS};
use crate::leader::network::Scorer;
use crate::leader::DqnParams;
use crate::page::numbers;
use crate::page::uploads::UploadKind;

/// Where the worker is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WorkerState {
    /// Loading its wasm; requests sent meanwhile wait in our worker loader
    /// (`static/worker_loader.js`) until the worker is ready.
    Starting,
    /// Ready for a request.
    Idle,
    /// Computing a solve, rollout or comparison.
    Busy,
    /// It crashed; the `worker-restart` button starts a new one.
    Crashed,
    /// It has not answered for [`SILENCE_MS`] while it owed an answer: it may hang.
    Unresponsive,
}

/// The `source` of a leader the worker trained (any other is an uploaded file's name).
use crate::service::TRAINED_HERE;

/// The session storage key holding the weights of the leader trained here (base64), so that a
/// reload keeps it: a teacher prepares a leader before class, and a reload must not lose it.
/// Session storage, not local: a new tab or visit starts afresh, as a link does.
const KEPT_LEADER_KEY: &str = "bridge-lab-trained-leader";

/// How long the worker may stay silent while it owes an answer before the page offers a
/// restart: a solve or comparison within the page's limits takes a few seconds at most, and a
/// training run posts every episode and, inside a long one, every second between merges; but
/// one merge of a leader at 100 agents with its updates can outlast this, so during training
/// the page says a step may be that long rather than calling it a hang.
pub const SILENCE_MS: f64 = 20_000.0;

/// The running time of the training run in progress, pauses left out, for the time left.
#[derive(Clone, Copy, Debug, Default)]
pub struct RunClock {
    /// When the run started (`performance.now()`).
    pub started: f64,
    /// Milliseconds spent paused.
    pub paused_total: f64,
    /// When the current pause began.
    pub paused_since: Option<f64>,
}

impl RunClock {
    /// Milliseconds of running (not paused) time at `now`.
    pub fn running_ms(&self, now: f64) -> f64 {
        let pause = self.paused_since.map_or(0.0, |p| now - p);
        (now - self.started - self.paused_total - pause).max(0.0)
    }
}

/// A leader to hand to a new worker once it is ready: the one the page held when the worker
/// was restarted, or the one trained here before the page was reloaded.
#[derive(Clone, Debug, PartialEq)]
pub struct Restore {
    /// The name the worker gives it (its source).
    pub name: String,
    /// Its weights, base64 safetensors, as the page holds them for download.
    pub base64: String,
    /// Whether it comes from before a reload (kept in the tab's session storage).
    pub from_reload: bool,
}

/// `performance.now()` of the page, in milliseconds.
pub fn now_ms() -> f64 {
    window().performance().map_or(0.0, |p| p.now())
}

/// An uploaded instance file.
#[derive(Clone, Debug, PartialEq)]
pub struct Upload {
    /// The file's name.
    pub name: String,
    /// Its text.
    pub text: String,
    /// Its number of agents, once the worker has read it (`ToWorker::CheckInstance`).
    pub agents: Option<usize>,
}

/// Every signal of the page (all `Copy`, so closures take the whole state).
#[derive(Clone, Copy)]
pub struct AppState {
    /// Where the worker is.
    pub worker_state: RwSignal<WorkerState>,
    /// The message of the error shown, if any: beside its field, or in the error box.
    pub error: RwSignal<Option<String>>,
    /// The `data-testid` of the field the error is about, if one field caused it.
    pub error_field: RwSignal<Option<String>>,
    /// Whether the network size was typed by hand; until then it follows the number of agents.
    pub network_by_hand: RwSignal<bool>,
    /// The distribution's name.
    pub dist: RwSignal<String>,
    /// The distribution's parameters as typed, `(name, text)`, reset to the defaults when the
    /// distribution changes.
    pub params: RwSignal<Vec<(String, String)>>,
    /// The agents field, as typed.
    pub agents: RwSignal<String>,
    /// The seed field, as typed.
    pub seed: RwSignal<String>,
    /// An uploaded instance, which replaces the distribution.
    pub upload: RwSignal<Option<Upload>>,
    /// The last exact optimum.
    pub exact: RwSignal<Option<ExactReport>>,
    /// The episodes field, as typed.
    pub episodes: RwSignal<String>,
    /// The network size field (M), as typed.
    pub network: RwSignal<String>,
    /// The ε decay field, as typed.
    pub epsilon_decay: RwSignal<String>,
    /// The hidden widths field, as typed (comma-separated).
    pub hidden: RwSignal<String>,
    /// The pairwise scorer chosen.
    pub scorer: RwSignal<String>,
    /// The learning rate field, as typed.
    pub learning_rate: RwSignal<String>,
    /// The target-sync interval field, as typed.
    pub target_sync: RwSignal<String>,
    /// The updates-per-step field, as typed.
    pub updates_per_step: RwSignal<String>,
    /// The return mix λ field, as typed.
    pub return_mix: RwSignal<String>,
    /// Double DQN backups.
    pub double_dqn: RwSignal<bool>,
    /// The return lower bound on backups.
    pub return_bound: RwSignal<bool>,
    /// Whether a training run is going.
    pub training: RwSignal<bool>,
    /// The name of the example leader being loaded, if one is: when the worker answers with a
    /// leader of that name, its "Run the leader" button is brought into view (an example's click
    /// should show where to go on). By name, since a leader kept from before a reload may load
    /// first, while the example's file is fetched.
    pub example_loading: StoredValue<Option<String>>,
    /// Whether the training run going is paused.
    pub paused: RwSignal<bool>,
    /// A pause or stop asked of the running training and not yet carried out ("pausing",
    /// "stopping"): the worker hears it between two slices, within a part of the leader's step
    /// or when the followers' current piece of training ends, so the page says it was heard.
    pub asked: RwSignal<Option<&'static str>>,
    /// A leader's episode under way for a while (`FromWorker::Underway`); cleared by the
    /// episode's report.
    pub underway: RwSignal<Option<Underway>>,
    /// Milliseconds without a word from the worker while a training run goes (updated every
    /// 2 s): one step of a leader at 100 agents can take minutes, and the page says so.
    pub quiet_ms: RwSignal<f64>,
    /// The running time of the training run, for the time left.
    pub run_clock: RwSignal<RunClock>,
    /// The current run's episodes.
    pub history: RwSignal<Vec<EpisodeReport>>,
    /// How the last run ended.
    pub trained: RwSignal<Option<TrainedReport>>,
    /// The leader the worker holds.
    pub leader: RwSignal<Option<LeaderSummary>>,
    /// The last rollout, for the viewer.
    pub rollout: RwSignal<Option<RolloutReport>>,
    /// The viewer's position in it.
    pub step: RwSignal<usize>,
    /// The last comparison.
    pub comparison: RwSignal<Option<Comparison>>,
    /// The last replayed LBF episode.
    pub lbf: RwSignal<Option<LbfReport>>,
    /// The grid view's position in it (0 = the initial state).
    pub lbf_step: RwSignal<usize>,
    /// Plays the grid's episode (the followers' "play" starts it).
    pub lbf_player: super::player::Player,
    /// The coalitions of the episode on the grid, when it is the trained followers' (players
    /// are then coloured by coalition).
    pub lbf_coalitions: RwSignal<Option<Vec<Vec<usize>>>>,
    /// The bi-level run's form: preset, leader episodes, follower epochs.
    pub lbf_config: RwSignal<String>,
    /// Leader episodes of the bi-level run.
    pub lbf_episodes: RwSignal<String>,
    /// Follower epochs per structure.
    pub lbf_epochs: RwSignal<String>,
    /// Whether a bi-level run is going.
    pub lbf_training: RwSignal<bool>,
    /// Whether the last run started was a bi-level one (for the shared training status).
    pub lbf_last: RwSignal<bool>,
    /// The bi-level run's progress reports.
    pub lbf_progress: RwSignal<Vec<LbfProgress>>,
    /// The last bi-level run's result.
    pub lbf_result: RwSignal<Option<LbfTrainedReport>>,
    /// Why the last bi-level run could not start or failed, shown beside its button (the error
    /// box at the top of the page is out of sight there).
    pub lbf_error: RwSignal<Option<String>>,
    /// The custom grid's fields.
    pub lbf_custom: super::lbf::LbfCustomFields,
    /// How many seeds to train at once, as typed.
    pub seeds: RwSignal<String>,
    /// The extra seeds' workers and their runs.
    pub seed_pool: super::seeds::SeedPool,
    /// The merge shown of the leader's merges to the structure found.
    pub lbf_merge_step: RwSignal<usize>,
    /// The leader's network for a new training: `paper` or `graph` (`network-select`).
    pub leader_network: RwSignal<String>,
    /// The graph leader's training sizes as typed, e.g. `10..60`.
    pub graph_sizes: RwSignal<String>,
    /// The graph leader's training distributions: `all` or `instance`.
    pub graph_dists: RwSignal<String>,
    /// The graph leader's training progress, episodes and validations.
    pub graph_history: RwSignal<Vec<crate::leader::graph::GraphEvent>>,
    /// Whether the last leader training run was the graph leader's (the plots show its
    /// curves then).
    pub graph_run: RwSignal<bool>,
    worker: StoredValue<Option<Rc<Worker>>, LocalStorage>,
    /// When the worker last posted anything.
    last_heard: StoredValue<f64>,
    /// A leader to hand to a restarted worker, or to the worker of a reloaded page, once it is
    /// ready.
    restore: StoredValue<Option<Restore>>,
    /// Whether the leader the worker is loading now is the one kept from before a reload.
    reloading: StoredValue<bool>,
    /// Whether the leader held is the one trained here before the page was reloaded (its
    /// curves are gone; the training panel says so).
    pub kept_from_reload: RwSignal<bool>,
    /// Whether the weights the worker is checking came from "Upload leader weights", so that
    /// its complaint about them stands beside that control, not in the box at the top.
    weights_from_upload: StoredValue<bool>,
}

impl AppState {
    /// Fresh state, with the worker started.
    pub fn start() -> Self {
        // The form starts with our lookahead leader's settings: with them the default instance is
        // learned within the default episodes (the paper's settings stay one click away).
        let ours = DqnParams::ours();
        let lbf_form = crate::page::lbf_setup::LbfForm::default();
        let state = Self {
            worker_state: RwSignal::new(WorkerState::Starting),
            error: RwSignal::new(None),
            error_field: RwSignal::new(None),
            network_by_hand: RwSignal::new(false),
            dist: RwSignal::new("modified_normal".to_string()),
            params: RwSignal::new(default_params("modified_normal")),
            agents: RwSignal::new("10".to_string()),
            seed: RwSignal::new("1".to_string()),
            upload: RwSignal::new(None),
            exact: RwSignal::new(None),
            episodes: RwSignal::new("300".to_string()),
            network: RwSignal::new("10".to_string()),
            epsilon_decay: RwSignal::new(ours.epsilon_decay_steps.to_string()),
            hidden: RwSignal::new("128,128".to_string()),
            scorer: RwSignal::new(Scorer::OURS.name()),
            learning_rate: RwSignal::new(ours.learning_rate.to_string()),
            target_sync: RwSignal::new(ours.target_sync.to_string()),
            updates_per_step: RwSignal::new(ours.updates_per_step.to_string()),
            return_mix: RwSignal::new(ours.return_mix.to_string()),
            double_dqn: RwSignal::new(ours.double_dqn),
            return_bound: RwSignal::new(ours.return_bound),
            training: RwSignal::new(false),
            example_loading: StoredValue::new(None),
            paused: RwSignal::new(false),
            asked: RwSignal::new(None),
            underway: RwSignal::new(None),
            quiet_ms: RwSignal::new(0.0),
            run_clock: RwSignal::new(RunClock::default()),
            history: RwSignal::new(Vec::new()),
            trained: RwSignal::new(None),
            leader: RwSignal::new(None),
            rollout: RwSignal::new(None),
            step: RwSignal::new(0),
            comparison: RwSignal::new(None),
            lbf: RwSignal::new(None),
            lbf_step: RwSignal::new(0),
            lbf_player: super::player::Player::new(),
            lbf_coalitions: RwSignal::new(None),
            lbf_config: RwSignal::new(lbf_form.config),
            lbf_episodes: RwSignal::new(lbf_form.episodes),
            lbf_epochs: RwSignal::new(lbf_form.epochs),
            lbf_training: RwSignal::new(false),
            lbf_last: RwSignal::new(false),
            lbf_progress: RwSignal::new(Vec::new()),
            lbf_result: RwSignal::new(None),
            lbf_error: RwSignal::new(None),
            lbf_custom: super::lbf::LbfCustomFields::new(),
            seeds: RwSignal::new("1".to_string()),
            seed_pool: super::seeds::SeedPool::new(),
            lbf_merge_step: RwSignal::new(0),
            leader_network: RwSignal::new("paper".to_string()),
            graph_sizes: RwSignal::new(crate::page::graph_form::DEFAULT_SIZES.to_string()),
            graph_dists: RwSignal::new(crate::page::graph_form::ALL_DISTRIBUTIONS.to_string()),
            graph_history: RwSignal::new(Vec::new()),
            graph_run: RwSignal::new(false),
            worker: StoredValue::new_local(None),
            last_heard: StoredValue::new(0.0),
            restore: StoredValue::new(None),
            reloading: StoredValue::new(false),
            kept_from_reload: RwSignal::new(false),
            weights_from_upload: StoredValue::new(false),
        };
        // Results shown always belong to the instance in the form: a change of the form clears
        // the exact optimum, the rollout and the comparison of the previous one.
        Effect::new(move |previous: Option<()>| {
            state.dist.track();
            state.agents.track();
            state.seed.track();
            state.params.track();
            state.upload.track();
            if previous.is_some() {
                state.exact.set(None);
                state.rollout.set(None);
                state.step.set(0);
                state.comparison.set(None);
            }
        });
        // The leader trained here before a reload goes to the new worker once it is ready.
        let session = || window().session_storage().ok().flatten();
        if let Some(base64) = session().and_then(|s| s.get_item(KEPT_LEADER_KEY).ok().flatten()) {
            state.restore.set_value(Some(Restore {
                name: TRAINED_HERE.to_string(),
                base64,
                from_reload: true,
            }));
        }
        Effect::new(move |_| {
            let Some(s) = session() else { return };
            state.leader.with(|l| {
                let Some(l) = l else { return };
                // Another leader, or one too large for the storage (a big network): the reload
                // will not keep it.
                if l.source != TRAINED_HERE || s.set_item(KEPT_LEADER_KEY, &l.base64).is_err() {
                    let _ = s.remove_item(KEPT_LEADER_KEY);
                }
            });
        });
        state.spawn();
        // A worker that owes an answer and stays silent may hang: say so and offer a restart.
        let _ = set_interval_with_handle(
            move || {
                // A worker still loading owes nothing yet, however slow the network: its
                // requests wait for it.
                let loading = state.worker_state.get_untracked() == WorkerState::Starting;
                let owes = (state.training.get_untracked() || state.lbf_training.get_untracked())
                    && !state.paused.get_untracked()
                    && !loading
                    || state.worker_state.get_untracked() == WorkerState::Busy;
                let quiet = now_ms() - state.last_heard.get_value();
                let training =
                    state.training.get_untracked() && !state.paused.get_untracked() && !loading;
                let shown = if training { quiet } else { 0.0 };
                if state.quiet_ms.get_untracked() != shown {
                    state.quiet_ms.set(shown);
                }
                // Said once, when the silence begins to count: repeated, the error box would
                // pull the page back to it every 2 s through a long step.
                if owes
                    && quiet > SILENCE_MS
                    && state.worker_state.get_untracked() != WorkerState::Unresponsive
                {
                    state.worker_state.set(WorkerState::Unresponsive);
                    state.fail(if training {
                        // Most likely one long step, not a hang: say both.
                        format!(
                            "the worker has said nothing for {} s in the middle of the training \
                             (at a large size a part of one merge's network updates can take \
                             that long in a slow browser, and Pause and Stop are heard only after \
                             it). If you would rather not wait, \"Restart the worker\" ends this \
                             run (your set-up stays)",
                            SILENCE_MS / 1000.0
                        )
                    } else {
                        format!(
                            "the worker has not answered for {} s and may hang; press \"Restart \
                             the worker\" (your set-up stays)",
                            SILENCE_MS / 1000.0
                        )
                    });
                }
            },
            std::time::Duration::from_secs(2),
        );
        state
    }

    /// Starts a worker and routes its answers here.
    fn spawn(&self) {
        self.last_heard.set_value(now_ms());
        self.worker_state.set(WorkerState::Starting);
        match spawn_worker(*self) {
            Ok(w) => self.worker.set_value(Some(w)),
            Err(e) => {
                self.fail(e);
                self.worker_state.set(WorkerState::Crashed);
            }
        }
    }

    /// Ends the worker (crashed, hung or not) and starts a new one. The form is untouched; the
    /// leader the page shows is handed to the new worker; a run in progress is lost.
    pub fn restart_worker(&self) {
        self.worker.update_value(|w| {
            if let Some(w) = w.take() {
                w.terminate();
            }
        });
        self.training.set(false);
        self.lbf_training.set(false);
        self.paused.set(false);
        self.error.set(None);
        self.restore.set_value(self.leader.with_untracked(|l| {
            l.as_ref().map(|l| Restore {
                name: l.source.clone(),
                base64: l.base64.clone(),
                from_reload: self.kept_from_reload.get_untracked(),
            })
        }));
        self.seed_pool.clear();
        self.spawn();
    }

    /// Hands leader weights (an `ArrayBuffer` of safetensors, from an upload or the built-in
    /// example) to the worker as `name`.
    pub fn load_weights(&self, name: String, buffer: &JsValue) {
        self.send_weights(name, buffer, false);
    }

    /// Hands the weights of a file chosen in "Upload leader weights" to the worker as `name`;
    /// a complaint about them is shown beside that control (`weights-upload`).
    pub fn load_uploaded_weights(&self, name: String, buffer: &JsValue) {
        self.send_weights(name, buffer, true);
    }

    fn send_weights(&self, name: String, buffer: &JsValue, from_upload: bool) {
        self.weights_from_upload.set_value(from_upload);
        self.forget_restore();
        use base64::Engine as _;
        let bytes = js_sys::Uint8Array::new(buffer).to_vec();
        let base64 = base64::engine::general_purpose::STANDARD.encode(bytes);
        self.send(&ToWorker::LoadWeights { name, base64 }, false);
    }

    /// A leader chosen or trained anew before a new worker is ready: the one kept for the
    /// worker (from before a reload or a restart) must not replace it when the worker comes
    /// up. A run that continues the held leader or trains the grid keeps it.
    pub fn forget_restore(&self) {
        self.restore.set_value(None);
    }

    /// Pauses the training run in progress (the worker runs no more slices).
    pub fn pause(&self) {
        self.asked.set(Some("pausing"));
        self.send(&ToWorker::PauseTraining, false);
        self.seed_pool.broadcast(&ToWorker::PauseTraining);
    }

    /// Stops the training run going (a leader's, the grid's, and the other seeds'): what was
    /// learned so far is kept. The page says the stop was heard until the run ends.
    pub fn stop(&self) {
        if self.training.get_untracked() || self.lbf_training.get_untracked() {
            self.asked.set(Some("stopping"));
        }
        self.send(&ToWorker::StopTraining, false);
        self.seed_pool.broadcast(&ToWorker::StopTraining);
    }

    /// Resumes the paused training run.
    pub fn resume(&self) {
        self.asked.set(None);
        self.send(&ToWorker::ResumeTraining, false);
        self.seed_pool.broadcast(&ToWorker::ResumeTraining);
    }

    /// Marks a training run as started now.
    pub fn run_started(&self) {
        self.kept_from_reload.set(false);
        self.paused.set(false);
        self.asked.set(None);
        self.underway.set(None);
        self.run_clock.set(RunClock {
            started: now_ms(),
            ..RunClock::default()
        });
    }

    /// Sends a request; `busy` marks the worker busy until the answer comes.
    pub fn send(&self, request: &ToWorker, busy: bool) {
        let state = *self;
        let worker_state = self.worker_state;
        // A complaint about the worker is no field's: shown in the error box, in view.
        let fail = move |message: String| state.fail(message);
        // Silence is counted from the last request or answer.
        self.last_heard.set_value(now_ms());
        self.worker.with_value(|w| match w {
            Some(w) => {
                if busy {
                    worker_state.set(WorkerState::Busy);
                }
                if let Err(e) = w.post_message(&JsValue::from_str(&encode(request))) {
                    fail(format!("could not reach the worker: {e:?}"));
                    worker_state.set(WorkerState::Idle);
                }
            }
            None => fail("the worker is not running; press \"Restart the worker\"".into()),
        });
    }

    /// The instance the form describes, or what is wrong with the form.
    pub fn instance_spec(&self) -> Result<InstanceSpec, FormError> {
        if let Some(Upload { name, text, .. }) = self.upload.get() {
            return Ok(InstanceSpec::File { name, text });
        }
        let agents = self.agents_count()?;
        let seed = self.seed_value()?;
        let mut params = Vec::new();
        for (name, text) in self.params.get() {
            let value = numbers::parse_number(&text).ok_or_else(|| {
                let message = if text.trim().is_empty() {
                    format!("{name} is empty: give a number")
                } else {
                    format!(
                        "{name}: “{}” is not a number; give a number such as 2 or 0.5",
                        text.trim()
                    )
                };
                FormError::at(&format!("param-{name}"), message)
            })?;
            // Checked here against the distribution's domain (as the worker will), so that
            // the message stands beside the field and marks it.
            let mut d = Distribution::from_name(&self.dist.get())
                .map_err(|e| FormError::at("dist-select", e.to_string()))?;
            d.set_param(&name, value)
                .map_err(|e| FormError::at(&format!("param-{name}"), e.to_string()))?;
            params.push((name, value));
        }
        Ok(InstanceSpec::Generated {
            distribution: self.dist.get(),
            params,
            agents,
            seed,
        })
    }

    /// The seed in the form, checked.
    pub fn seed_value(&self) -> Result<u64, FormError> {
        numbers::whole("seed", &self.seed.get(), 0, u64::MAX)
            .map_err(|m| FormError::at("seed-input", m))
    }

    /// The number of agents in the form, checked.
    pub fn agents_count(&self) -> Result<usize, FormError> {
        count_at(
            "agents-input",
            "number of agents",
            &self.agents.get(),
            1,
            MAX_AGENTS,
        )
    }

    /// The instance's agents (tracked): an uploaded file's when one is in use, otherwise the
    /// form's; `None` while the form's is not a valid number or the file's is unknown.
    pub fn instance_agents(&self) -> Option<usize> {
        match self.upload.with(|u| u.as_ref().map(|u| u.agents)) {
            Some(agents) => agents,
            None => self.agents_count().ok(),
        }
    }

    /// Sets the agents field; the network size follows it unless it was typed by hand.
    pub fn set_agents(&self, text: String) {
        if let Ok(n) = numbers::count("agents", &text, 1, MAX_AGENTS) {
            self.follow_agents(n);
        }
        self.agents.set(text);
    }

    /// Sizes the network for an instance of `n` agents (the form's or an uploaded file's),
    /// unless its size was typed by hand.
    pub fn follow_agents(&self, n: usize) {
        if !self.network_by_hand.get_untracked() {
            self.network
                .set(n.clamp(2, crate::service::MAX_BROWSER_NETWORK).to_string());
        }
    }

    /// Shows `message` in the error box, scrolled into view and focused.
    pub fn fail(&self, message: String) {
        self.error_field.set(None);
        self.error.set(Some(message));
        bring_into_view(".error-box".into());
    }

    /// Shows a form's complaint beside its field (marked invalid, scrolled into view and
    /// focused), or in the error box when no one field caused it.
    pub fn fail_form(&self, e: FormError) {
        match e.field {
            Some(field) => {
                self.error.set(Some(e.message));
                self.error_field.set(Some(field.clone()));
                bring_into_view(format!("[data-field={field}]"));
            }
            None => self.fail(e.message),
        }
    }

    /// The field `field` was changed: a complaint shown about it was about the text before,
    /// so it goes (the new text is checked when a button asks for it again).
    pub fn edited(&self, field: &str) {
        if self
            .error_field
            .with_untracked(|f| f.as_deref() == Some(field))
        {
            self.error_field.set(None);
            self.error.set(None);
        }
    }

    /// The error about the field `field`, if that is the error shown.
    pub fn error_at(&self, field: &str) -> Option<String> {
        let here = self.error_field.with(|f| f.as_deref() == Some(field));
        here.then(|| self.error.get()).flatten()
    }

    /// `aria-invalid` for the field `field`: `"true"` while the error shown is about it.
    pub fn invalid(&self, field: &str) -> Option<&'static str> {
        self.error_at(field).map(|_| "true")
    }

    /// `aria-describedby` for the field `field`: the id of its message while one is shown.
    pub fn described_by(&self, field: &str) -> Option<String> {
        self.error_at(field).map(|_| error_id(field))
    }

    /// Refuses the file chosen in the upload `field`: the choice is cleared (so choosing the
    /// same file again is heard) and `message` stands beside the control, which it marks.
    pub fn refuse_upload(&self, field: &str, message: String) {
        clear_file_input(field);
        self.fail_form(FormError::at(field, message));
    }

    /// The file chosen in the `<input type="file">` of `ev`, if it is within `kind`'s size
    /// limit; a larger one is refused beside the control (its `data-testid` is `field`) and
    /// the choice cleared, before the browser reads it.
    pub fn chosen_file(
        &self,
        ev: &leptos::ev::Event,
        kind: UploadKind,
        field: &str,
    ) -> Option<web_sys::File> {
        let input: web_sys::HtmlInputElement = event_target(ev);
        let file = input.files().and_then(|f| f.get(0))?;
        match kind.check_size(&file.name(), file.size()) {
            Ok(()) => Some(file),
            Err(message) => {
                self.refuse_upload(field, message);
                None
            }
        }
    }

    /// Reads the text of the file chosen in the `<input type="file">` of `ev` (checked as
    /// [`Self::chosen_file`] does) and hands its name and text to `then`; a file the browser
    /// cannot read goes to the error box. Returns false, reading nothing, when no file is
    /// chosen or it is refused.
    pub fn read_chosen_text(
        &self,
        ev: &leptos::ev::Event,
        kind: UploadKind,
        field: &str,
        then: impl FnOnce(String, String) + 'static,
    ) -> bool {
        let Some(file) = self.chosen_file(ev, kind, field) else {
            return false;
        };
        let state = *self;
        let name = file.name();
        wasm_bindgen_futures::spawn_local(async move {
            match wasm_bindgen_futures::JsFuture::from(file.text()).await {
                Ok(text) => then(name, text.as_string().unwrap_or_default()),
                Err(e) => state.fail(format!(
                    "{name}: the browser could not read the file: {e:?}"
                )),
            }
        });
        true
    }
}

/// The parameters of distribution `name` at their defaults, as text for the form.
pub fn default_params(name: &str) -> Vec<(String, String)> {
    Distribution::from_name(name)
        .map(|d| {
            d.params()
                .into_iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect()
        })
        .unwrap_or_default()
}

/// A form field's complaint: the message, and the `data-testid` of the field that caused it
/// (none when no one field did), so the page shows it beside that field.
#[derive(Clone, Debug, PartialEq)]
pub struct FormError {
    /// The field's `data-testid`, e.g. `episodes-input`.
    pub field: Option<String>,
    /// What is wrong and what to give instead.
    pub message: String,
}

impl FormError {
    /// A complaint about the field `field`.
    pub fn at(field: &str, message: String) -> Self {
        Self {
            field: Some(field.to_string()),
            message,
        }
    }
}

impl From<String> for FormError {
    fn from(message: String) -> Self {
        Self {
            field: None,
            message,
        }
    }
}

/// A whole-number field read as a count in `min..=max`, its complaint placed at `field`.
pub fn count_at(
    field: &str,
    label: &str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<usize, FormError> {
    numbers::count(label, text, min, max).map_err(|m| FormError::at(field, m))
}

/// A number field read in `[min, max]`, its complaint placed at `field`.
pub fn decimal_at(
    field: &str,
    label: &str,
    text: &str,
    min: f64,
    max: f64,
) -> Result<f64, FormError> {
    numbers::decimal(label, text, min, max).map_err(|m| FormError::at(field, m))
}

/// Scrolls the element matching `selector` to the middle of the viewport and gives it the
/// focus, once the page has drawn what the last change of state shows; a folded section
/// (`<details>`, the advanced settings) holding it is unfolded first.
fn bring_into_view(selector: String) {
    request_animation_frame(move || {
        let Some(element) = find::<web_sys::HtmlElement>(&selector) else {
            return;
        };
        if let Ok(Some(fold)) = element.closest("details") {
            let _ = fold.set_attribute("open", "");
        }
        scroll_to(&element, web_sys::ScrollLogicalPosition::Center);
        let _ = element.focus();
    });
}

fn scroll_to(element: &web_sys::Element, block: web_sys::ScrollLogicalPosition) {
    let options = web_sys::ScrollIntoViewOptions::new();
    options.set_block(block);
    element.scroll_into_view_with_scroll_into_view_options(&options);
}

/// Scrolls only as far as needed to show `element`: what is on screen stays where it is, and
/// with it what it shows beside it (the curves beside the Train button on a projector).
pub fn reveal(element: &web_sys::Element) {
    scroll_to(element, web_sys::ScrollLogicalPosition::Nearest);
}

/// Brings the control `selector` into view and gives it the focus, once the page has drawn it:
/// where a one-click action (an example) leaves the user to go on.
pub fn show_control(selector: &'static str) {
    request_animation_frame(move || {
        if let Some(target) = find::<web_sys::HtmlElement>(selector) {
            reveal(&target);
            let _ = target.focus();
        }
    });
}

/// Brings the button `selector` into view and presses it once the page has drawn it (and the
/// worker has been marked free), as a person would.
pub fn press_when_drawn(selector: &'static str) {
    request_animation_frame(move || {
        if let Some(button) = find::<web_sys::HtmlElement>(selector) {
            reveal(&button);
            let _ = button.focus();
            button.click();
        }
    });
}

/// Moves the keyboard focus to the element `selector` once the page has drawn it, when the
/// focus was lost (on the page itself, as after pressing a button that a busy worker disabled)
/// or is already inside that element: a keyboard user goes on from there, as with the merge
/// viewer's arrow keys. Focus elsewhere (a field being typed in) is left where it is.
pub fn focus_if_lost(selector: &'static str) {
    request_animation_frame(move || {
        let Some(target) = find::<web_sys::HtmlElement>(selector) else {
            return;
        };
        let lost = match document().active_element() {
            None => true,
            // Firefox and Safari leave the focus on a button that became disabled.
            Some(active) => {
                active.tag_name().eq_ignore_ascii_case("body")
                    || active.matches(":disabled").unwrap_or(false)
                    || active.closest(selector).ok().flatten().is_some()
            }
        };
        if lost {
            let _ = target.focus();
        }
    });
}

/// Empties the `<input type="file">` with data-testid `testid`, so that choosing the same
/// file again is heard.
pub fn clear_file_input(testid: &str) {
    if let Some(input) = find::<web_sys::HtmlInputElement>(&format!("[data-testid={testid}]")) {
        input.set_value("");
    }
}

/// The first element matching `selector`, if the page shows one of kind `T`.
pub fn find<T: JsCast>(selector: &str) -> Option<T> {
    document()
        .query_selector(selector)
        .ok()
        .flatten()?
        .dyn_into::<T>()
        .ok()
}

/// Starts the worker and routes its answers into the state.
fn spawn_worker(state: AppState) -> Result<Rc<Worker>, String> {
    let options = WorkerOptions::new();
    options.set_type(WorkerType::Classic);
    let worker = Worker::new_with_options("./worker_loader.js", &options)
        .map_err(|e| format!("the browser refused to start the worker: {e:?}"))?;
    let on_message = Closure::<dyn FnMut(MessageEvent)>::new(move |event: MessageEvent| {
        state.last_heard.set_value(now_ms());
        if state.worker_state.get_untracked() == WorkerState::Unresponsive {
            state.worker_state.set(WorkerState::Idle);
            state.error.set(None);
        }
        let text = event.data().as_string().unwrap_or_default();
        match decode::<FromWorker>(&text) {
            Ok(message) => route(state, message),
            Err(e) if FromWorker::was_progress(&text) => {
                // A lost progress report costs a point of a plot; the run goes on.
                web_sys::console::warn_1(&format!("a progress report was skipped: {e}").into());
            }
            Err(e) => {
                // An answer we cannot read may have been a run's end or a request's answer:
                // release the controls, so that the page goes on.
                state.training.set(false);
                state.lbf_training.set(false);
                if state.worker_state.get_untracked() == WorkerState::Busy {
                    state.worker_state.set(WorkerState::Idle);
                }
                // serde_json writes an infinite or NaN number as null: say what that means.
                let e = if e.contains("invalid type: null, expected f") {
                    "the worker's answer held a number too large to compute with (infinite): \
                     use smaller values or parameters"
                        .to_string()
                } else {
                    e
                };
                state.fail(e)
            }
        }
    });
    worker.set_onmessage(Some(on_message.as_ref().unchecked_ref()));
    on_message.forget();
    let on_error =
        Closure::<dyn FnMut(web_sys::ErrorEvent)>::new(move |event: web_sys::ErrorEvent| {
            // A panic has already said what went wrong (FromWorker::Crashed); the trap
            // that follows it reads only "unreachable".
            if state.worker_state.get_untracked() == WorkerState::Crashed {
                return;
            }
            let what = event.message();
            crashed(
                state,
                if what.is_empty() {
                    "unknown error".to_string()
                } else {
                    what
                },
            );
        });
    worker.set_onerror(Some(on_error.as_ref().unchecked_ref()));
    on_error.forget();
    Ok(Rc::new(worker))
}

/// Reports the worker's crash (`what` went wrong) and releases the controls; the set-up and the
/// leader stay for the restart.
fn crashed(state: AppState, what: String) {
    state.fail(format!(
        "the worker crashed ({what}); press \"Restart the worker\" to start a new one (your \
         set-up and leader stay)"
    ));
    state.worker_state.set(WorkerState::Crashed);
    state.training.set(false);
    state.lbf_training.set(false);
    state.paused.set(false);
}

/// Puts one answer of the worker where the page shows it.
fn route(state: AppState, message: FromWorker) {
    let idle = || state.worker_state.set(WorkerState::Idle);
    match message {
        FromWorker::Ready => {
            idle();
            if let Some(r) = state.restore.try_update_value(Option::take).flatten() {
                state.reloading.set_value(r.from_reload);
                state.send(
                    &ToWorker::LoadWeights {
                        name: r.name,
                        base64: r.base64,
                    },
                    false,
                );
            }
        }
        FromWorker::Crashed(what) => crashed(state, what),
        FromWorker::Paused(paused) => {
            state.paused.set(paused);
            state.asked.set(None);
            let now = now_ms();
            state.run_clock.update(|c| match (paused, c.paused_since) {
                (true, None) => c.paused_since = Some(now),
                (false, Some(since)) => {
                    c.paused_total += now - since;
                    c.paused_since = None;
                }
                _ => {}
            });
        }
        FromWorker::InstanceChecked { name, agents } => {
            // An answer about a file since replaced or dropped is old news.
            if state
                .upload
                .with_untracked(|u| u.as_ref().map(|u| &u.name) != Some(&name))
            {
                return;
            }
            match agents {
                Ok(n) => {
                    state.upload.update(|u| {
                        if let Some(u) = u {
                            u.agents = Some(n);
                        }
                    });
                    state.follow_agents(n);
                }
                Err(e) => {
                    state.upload.set(None);
                    state.refuse_upload("instance-upload", e);
                }
            }
        }
        FromWorker::Solved(result) => {
            idle();
            match result {
                Ok(r) => {
                    state.error.set(None);
                    state.exact.set(Some(r));
                }
                Err(e) => state.fail(e),
            }
        }
        FromWorker::Episode(e) => {
            state.underway.set(None);
            state.history.update(|h| h.push(e));
        }
        FromWorker::Underway(underway) => state.underway.set(Some(underway)),
        FromWorker::GraphProgress(e) => state.graph_history.update(|h| h.push(e)),
        FromWorker::Trained(result) => {
            state.training.set(false);
            state.paused.set(false);
            match result {
                Ok(r) => {
                    state.trained.set(Some(r));
                    // The start button, disabled while training, dropped the focus: it gets
                    // it back, so a keyboard user goes on from where they were.
                    focus_if_lost("[data-testid=train-start]");
                }
                Err(e) => state.fail(e),
            }
        }
        FromWorker::Leader(result) => {
            // An example's leader brings "Run the leader" into view. The example's answer ends
            // the wait, and so does any refusal (which is the example's when one is awaited:
            // the shipped files and a kept leader load).
            let example = match &result {
                Ok(l) => state
                    .example_loading
                    .try_update_value(|e| {
                        let ours = e.as_deref() == Some(l.source.as_str());
                        if ours {
                            *e = None;
                        }
                        ours
                    })
                    .unwrap_or(false),
                Err(_) => {
                    state.example_loading.set_value(None);
                    false
                }
            };
            leader_loaded(state, result, example);
        }
        FromWorker::Inferred(result) => {
            idle();
            match result {
                Ok(r) => {
                    state.error.set(None);
                    state.step.set(0);
                    state.rollout.set(Some(r));
                    // The run button was disabled while the worker computed, which dropped
                    // the focus: the viewer takes it, so the arrow keys step the rollout.
                    focus_if_lost("[data-testid=merge-viewer]");
                }
                Err(e) => state.fail(e),
            }
        }
        FromWorker::Compared(result) => {
            idle();
            match result {
                Ok(c) => {
                    state.error.set(None);
                    state.comparison.set(Some(c));
                }
                Err(e) => state.fail(e),
            }
        }
        FromWorker::LbfProgress(p) => state.lbf_progress.update(|h| h.push(p)),
        FromWorker::LbfTrained(result) => {
            state.lbf_training.set(false);
            state.paused.set(false);
            match result {
                Ok(r) => {
                    state.error.set(None);
                    state.lbf_result.set(Some(*r));
                    focus_if_lost("[data-testid=lbf-train-start]");
                }
                Err(e) => {
                    state.lbf_error.set(Some(e.clone()));
                    state.fail(e)
                }
            }
        }
        FromWorker::LbfReplayed(result) => {
            idle();
            match result {
                Ok(r) => {
                    state.error.set(None);
                    state.lbf_player.stop();
                    state.lbf_step.set(0);
                    state.lbf_coalitions.set(None);
                    state.lbf.set(Some(*r));
                    // The grid may be far below the button that asked for it.
                    bring_into_view("[data-testid=lbf-step-next]".into());
                }
                Err(e) => {
                    // Beside the episode upload, where the file was chosen (the built-in
                    // example, which replays, has no other control).
                    state.lbf.set(None);
                    state.refuse_upload("lbf-upload", e)
                }
            }
        }
    }
}

/// A leader loaded in the worker (trained here, uploaded, or an example's, `example`), or why
/// not: the form and the panels describe it.
fn leader_loaded(state: AppState, result: Result<LeaderSummary, String>, example: bool) {
    let from_reload = state.reloading.try_update_value(std::mem::take) == Some(true);
    state.seed_pool.leader_answered(result.as_ref().ok());
    match result {
        Err(e) if from_reload => {
            // Kept weights this build cannot read (a newer page, say): drop them for good.
            if let Some(s) = window().session_storage().ok().flatten() {
                let _ = s.remove_item(KEPT_LEADER_KEY);
            }
            state.fail(format!(
                "the leader trained here before the page was reloaded could not be loaded again \
                 ({e}); train it again"
            ));
        }
        Err(e) if state.weights_from_upload.get_value() => {
            state.weights_from_upload.set_value(false);
            state.refuse_upload("weights-upload", e);
        }
        Ok(l) => {
            state.weights_from_upload.set_value(false);
            state.kept_from_reload.set(from_reload);
            if example {
                // An example shows what it is for: the leader runs on the instance when it
                // takes it; otherwise "Run the leader" waits in view, beside the note that
                // says what to change.
                let fits = l
                    .max_agents
                    .is_none_or(|m| untrack(|| state.instance_agents()).is_some_and(|n| n <= m));
                if fits {
                    press_when_drawn("[data-testid=infer-run]");
                } else {
                    show_control("[data-testid=infer-run]");
                }
            }
            // A rollout or comparison shown belongs to the leader that made it.
            state.error.set(None);
            state.rollout.set(None);
            state.step.set(0);
            state.comparison.set(None);
            if state.training.get_untracked() || l.source == TRAINED_HERE {
                state.leader.set(Some(l));
                return;
            }
            // An uploaded leader: the form describes it, so that what the page says about
            // the leader (its network, scorer) is true, and "Continue training" goes on
            // with its architecture.
            state.leader_network.set(l.network.clone());
            state.trained.set(None);
            let Some(max_agents) = l.max_agents else {
                // The graph leader has no size to show.
                state.leader.set(Some(l));
                return;
            };
            state.network_by_hand.set(true);
            state.network.set(max_agents.to_string());
            state.hidden.set(
                l.hidden
                    .iter()
                    .map(usize::to_string)
                    .collect::<Vec<_>>()
                    .join(","),
            );
            let scorer = l.scorer.split(':').next().unwrap_or_default().to_string();
            state.scorer.set(scorer);
            state.leader.set(Some(l));
        }
        Err(e) => state.fail(e),
    }
}
