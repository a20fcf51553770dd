//! The messages between the page and the worker (the [`Service`](super::Service) it runs):
//! closed enums with named fields, sent as JSON
//! text so that every `u64` seed and `f64` value crosses exactly (JavaScript numbers cannot hold
//! every `u64`, and JSON with shortest round-trip floats loses no bits). Weight files travel as
//! base64 text inside them.

use crate::bilevel::LeaderMerge;
use crate::core::Solution;
use crate::followers::ConfigChoice;
use crate::lbf::EpisodeFile;
use crate::leader::graph::GraphEvent;
use crate::leader::{DqnParams, UpdateProgress};
use serde::{Deserialize, Serialize};

/// Where the instance comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InstanceSpec {
    /// A lazy instance of a distribution (SPEC section 2).
    Generated {
        /// The distribution's name.
        distribution: String,
        /// Parameters set over the defaults.
        params: Vec<(String, f64)>,
        /// `n`.
        agents: usize,
        /// The instance seed.
        seed: u64,
    },
    /// An uploaded instance file's text (JSON or ODP-IP), parsed by the worker.
    File {
        /// The file's name, for error messages.
        name: String,
        /// Its content.
        text: String,
    },
}

/// How to train the leader.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainSpec {
    /// The instance to train on.
    pub instance: InstanceSpec,
    /// `M`, the most agents the network takes (ignored when continuing from weights).
    pub max_agents: usize,
    /// Hidden layer widths of a new network (ignored when continuing).
    pub hidden: Vec<usize>,
    /// The pairwise scorer of a new network by name: `additive`, `gain`, `lookahead` or `learned[:H]` (ignored when
    /// continuing).
    pub scorer: String,
    /// Episodes to train.
    pub episodes: usize,
    /// The DQN's settings, the library's own struct (its seed also seeds a new network's
    /// initialisation), so the page offers exactly the options the command line does.
    pub dqn: DqnParams,
    /// Continue from the current leader (few-shot) instead of a fresh network.
    pub continue_current: bool,
}

/// How to train the size-independent graph leader (issue 12; not the paper's network): across
/// sizes and distributions, one new instance per episode, the checkpoint kept the one best
/// against C-Link on validation instances at 50 and 100 agents. Its weights run on any `n`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GraphTrainSpec {
    /// The smallest and largest number of agents drawn for an episode's instance.
    pub agents: (usize, usize),
    /// The distributions drawn, by name (SPEC section 2).
    pub distributions: Vec<String>,
    /// Episodes to train.
    pub episodes: usize,
    /// The DQN's settings, the library's own struct (the page sends `DqnParams::graph()` with
    /// its seed, which also seeds a new network).
    pub dqn: DqnParams,
    /// Continue from the current graph leader instead of a fresh network.
    pub continue_current: bool,
}

/// How to run BRIDGE on a Level-Based Foraging configuration (the bi-level trainer).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LbfTrainSpec {
    /// A preset (`teaching`, `6a4t`, ... `10a5t`) or the user's own grid.
    pub config: ConfigChoice,
    /// Leader episodes.
    pub episodes: usize,
    /// Follower epochs per structure (the paper's `K`).
    pub epochs: usize,
    /// Seed of the followers, the leader and the grids.
    pub seed: u64,
}

/// Progress of a bi-level run: after each leader episode, and after each structure the
/// followers were trained on.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LbfProgress {
    /// Leader episodes completed.
    pub episode: usize,
    /// Leader episodes asked for.
    pub episodes: usize,
    /// `V` of the structure the episode ended on (episode reports only).
    pub value: Option<f64>,
    /// The leader's return in the episode, `V(final) − V(all singletons)` (episode reports
    /// only).
    pub reward: Option<f64>,
    /// The best `V(CS)` valued so far.
    pub best_value: f64,
    /// The structure just valued and its `V` (structure reports only).
    pub structure: Option<(Vec<Vec<usize>>, f64)>,
    /// The followers' `V` over each training epoch on that structure (structure reports only).
    pub training_curve: Vec<f64>,
    /// Follower trainings so far.
    pub trainings: usize,
}

/// The end of a bi-level run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LbfTrainedReport {
    /// The configuration's name.
    pub config: String,
    /// The structure found, as agent lists.
    pub structure: Vec<Vec<usize>>,
    /// `V(CS)` under followers trained for it.
    pub value: f64,
    /// Each coalition's `v(C | CS)`.
    pub coalition_values: Vec<f64>,
    /// `V` of all singletons.
    pub singleton_value: f64,
    /// Follower trainings spent.
    pub trainings: usize,
    /// Leader episodes run.
    pub episodes: usize,
    /// Leader episodes asked for (more than [`episodes`](Self::episodes) when stopped early).
    pub episodes_asked: usize,
    /// Whether the user's stop cut the leader's search short.
    pub stopped: bool,
    /// Wall time of the run.
    pub seconds: f64,
    /// An episode of the trained followers on the structure found.
    pub episode: EpisodeFile,
    /// The leader's merges from all singletons to the structure found, with their rewards and
    /// Q-values (`None` when the search was stopped before it valued a merge).
    pub merges: Option<Vec<LeaderMerge>>,
    /// The leader's weights, base64 safetensors.
    pub leader_base64: String,
    /// The followers' weights, base64 safetensors (`bridge-follower/1`).
    pub followers_base64: String,
}

/// What the page asks the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Read an uploaded instance file as soon as it is chosen, so that a bad one is refused at
    /// once and the form learns its number of agents; answered by
    /// [`FromWorker::InstanceChecked`].
    CheckInstance {
        /// The file's name.
        name: String,
        /// Its text.
        text: String,
    },
    /// Solve the instance exactly and report the singleton structure's value beside it.
    SolveExact {
        /// The instance.
        instance: InstanceSpec,
    },
    /// Train the leader; the worker streams [`FromWorker::Episode`] and ends with
    /// [`FromWorker::Trained`].
    Train(TrainSpec),
    /// Train the graph leader; the worker streams [`FromWorker::GraphProgress`] and ends with
    /// [`FromWorker::Trained`].
    TrainGraph(GraphTrainSpec),
    /// Stop training after the current episode, keeping the leader trained so far (the graph
    /// leader: its best validated checkpoint, after a last validation); a bi-level run ends its
    /// search and trains the followers once more on the best structure so far.
    StopTraining,
    /// Pause the training run after the current time slice: the worker schedules no more
    /// slices until [`ToWorker::ResumeTraining`], and the run's result is unchanged.
    PauseTraining,
    /// Resume a paused training run where it stopped.
    ResumeTraining,
    /// Run BRIDGE on a grid configuration; the worker streams [`FromWorker::LbfProgress`] and
    /// ends with [`FromWorker::LbfTrained`].
    LbfTrain(LbfTrainSpec),
    /// Run the current leader's greedy rollout on the instance, with the Q-values of each step.
    Infer {
        /// The instance.
        instance: InstanceSpec,
    },
    /// Make these safetensors weights the current leader.
    LoadWeights {
        /// The file's name.
        name: String,
        /// The file, base64.
        base64: String,
    },
    /// Run every baseline (and the exact solver when it can) on the instance.
    Compare {
        /// The instance.
        instance: InstanceSpec,
    },
    /// Replay a recorded Level-Based Foraging episode (lbforaging's format) in our environment.
    LbfReplay {
        /// The file's name.
        name: String,
        /// Its text.
        text: String,
    },
}

/// A recorded LBF episode replayed in our environment, for the grid view.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LbfReport {
    /// The file's name.
    pub name: String,
    /// Our trajectory, in the file's format.
    pub replayed: EpisodeFile,
    /// Whether our trajectory equals the recording, in words.
    pub check: String,
}

/// The exact optimum of an instance, with the all-singletons reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExactReport {
    /// `n`.
    pub agents: usize,
    /// Where the instance came from, in words ("modified_normal, seed 7" or the file name).
    pub described: String,
    /// The optimal coalition structure, 0-based agent lists.
    pub coalitions: Vec<Vec<usize>>,
    /// Its value, the optimum.
    pub exact_value: f64,
    /// `v` of all singletons.
    pub singleton_value: f64,
    /// The solver's wall time in the worker.
    pub seconds: f64,
}

/// One training episode, as the plots need it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpisodeReport {
    /// 1-based episode number.
    pub episode: usize,
    /// Episodes asked for.
    pub episodes: usize,
    /// The episode's return.
    pub reward: f64,
    /// Mean loss of its updates.
    pub loss: Option<f64>,
    /// ε at its end.
    pub epsilon: f64,
    /// `v` of its final structure.
    pub value: f64,
    /// The best `v(CS)` seen so far.
    pub best_value: f64,
}

/// The end of a training run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TrainedReport {
    /// Episodes run.
    pub episodes: usize,
    /// `finished`, `early stop` or `stopped`.
    pub stop: String,
    /// The early stop's rule, when it ended the run: the page says why the run stopped before
    /// the episodes asked for.
    #[serde(default)]
    pub settled: Option<Settled>,
    /// Wall time of the run.
    pub seconds: f64,
    /// The leader's network size `M` (`None`: the graph leader, which takes any size).
    pub max_agents: Option<usize>,
    /// What the weights say they were trained on.
    pub trained_on: String,
}

/// The paper's early stop: the returns of the last `window` episodes had a standard deviation
/// of at most `tolerance` times their mean.
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Settled {
    /// Episodes looked at.
    pub window: usize,
    /// The largest standard deviation, as a share of the mean.
    pub tolerance: f64,
}

/// One candidate merge and its learned Q-value.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CandidateQ {
    /// The first coalition (0-based agents).
    pub a: Vec<usize>,
    /// The second.
    pub b: Vec<usize>,
    /// `Q(s, (a, b))`.
    pub q: f32,
    /// The true reward of the merge, `v(a ∪ b) − v(a) − v(b)`.
    pub reward: f64,
}

/// One state of a rollout, for the merge viewer. It does not carry its structure: the page
/// rebuilds that from the merges before it (`page::replay`), since at 1000 agents every
/// state's structure made 2.4 of the answer's 2.8 MB and most of the page's time to decode it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ViewerStep {
    /// `v(CS)`.
    pub value: f64,
    /// The action taken from here: the two merged coalitions, or `None` to stop.
    pub chosen: Option<(Vec<usize>, Vec<usize>)>,
    /// The reward of that action.
    pub reward: f64,
    /// The best candidate merges by Q (at most ten, so the list stays short at any `n`).
    pub candidates: Vec<CandidateQ>,
    /// `Q(s, stop)`.
    pub q_stop: f32,
    /// Whether this is the final structure.
    pub last: bool,
}

/// How far a leader's long episode is ([`FromWorker::Underway`]).
#[derive(Clone, Copy, Debug, PartialEq, Serialize, Deserialize)]
pub struct Underway {
    /// The 1-based episode under way.
    pub episode: usize,
    /// Episodes asked for.
    pub episodes: usize,
    /// Its merges (steps) so far.
    pub steps: usize,
    /// The network update the slice ended inside, if any: the lookahead scorer values every
    /// merge of every sampled next state, about 150 000 in the first update at 100 agents
    /// (seconds natively, longer in the page), while the merge count stands still.
    pub update: Option<UpdateProgress>,
}

/// The current leader's rollout on an instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RolloutReport {
    /// `n`.
    pub agents: usize,
    /// The instance, in words.
    pub described: String,
    /// Every state from singletons to the final structure.
    pub steps: Vec<ViewerStep>,
    /// `v` of the final structure.
    pub value: f64,
    /// `v` of all singletons.
    pub singleton_value: f64,
    /// Which rollout the graph leader kept, in words (it keeps the better of its own greedy
    /// rollout and C-Link's, as `bridge solve` does); `None` for the paper's leader.
    pub kept: Option<String>,
    /// The rollout as the command line's solution file (SPEC section 3), built as
    /// `bridge solve --algo bridge` builds it, so the two can be compared; `seconds` is the
    /// rollout's time in the worker.
    pub solution: Solution,
}

/// The leader the worker now holds.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct LeaderSummary {
    /// Where it came from: "trained here" or the uploaded file's name.
    pub source: String,
    /// The network: `paper` (the paper's, for at most `M` agents) or `graph` (the
    /// size-independent one), as the page's network select names them.
    pub network: String,
    /// `M` (`None` for the graph leader, which takes any size).
    pub max_agents: Option<usize>,
    /// Hidden widths.
    pub hidden: Vec<usize>,
    /// The pairwise scorer's name (`graph` for the graph leader).
    pub scorer: String,
    /// The weights' own account of their training.
    pub trained_on: String,
    /// The weights, base64 safetensors, for download.
    pub base64: String,
}

/// One algorithm's result in a comparison.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AlgorithmResult {
    /// The algorithm's name.
    pub algorithm: String,
    /// `v(CS)`.
    pub value: f64,
    /// Coalitions in its structure.
    pub coalitions: usize,
    /// Its wall time in the worker.
    pub seconds: f64,
}

/// A comparison of algorithms on one instance.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Comparison {
    /// The instance, in words.
    pub described: String,
    /// `v` of all singletons (the baseline gain's reference).
    pub singleton_value: f64,
    /// The results, best first.
    pub results: Vec<AlgorithmResult>,
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker has started; messages sent before this are lost, so the page waits for it.
    Ready,
    /// The answer to [`ToWorker::CheckInstance`]: the file's name, and its number of agents
    /// or what is wrong with it.
    InstanceChecked {
        /// The file's name, so that the page can tell an answer about a file since replaced.
        name: String,
        /// `n`, or the reason the file cannot be read.
        agents: Result<usize, String>,
    },
    /// The answer to [`ToWorker::SolveExact`].
    Solved(Result<ExactReport, String>),
    /// Progress of a training run.
    Episode(EpisodeReport),
    /// Progress of the graph leader's training: an episode, or a validation against C-Link
    /// (the library's event, as the `Train` request carries the library's `DqnParams`).
    GraphProgress(GraphEvent),
    /// A training run ended (or could not start).
    Trained(Result<TrainedReport, String>),
    /// The current leader changed (after training or an upload), or an upload was refused.
    Leader(Result<LeaderSummary, String>),
    /// The answer to [`ToWorker::Infer`].
    Inferred(Result<RolloutReport, String>),
    /// The answer to [`ToWorker::Compare`].
    Compared(Result<Comparison, String>),
    /// The answer to [`ToWorker::LbfReplay`].
    LbfReplayed(Result<Box<LbfReport>, String>),
    /// Progress of a bi-level run.
    LbfProgress(LbfProgress),
    /// A leader's episode is still under way after about a second more (long episodes at large
    /// sizes): the worker is busy, not hung, and hears a pause or a stop within a slice (a
    /// merge, or a part of its network updates).
    Underway(Underway),
    /// A bi-level run ended (or could not start).
    LbfTrained(Result<Box<LbfTrainedReport>, String>),
    /// The training run was paused (`true`) or resumed (`false`); no answer when no run goes.
    Paused(bool),
    /// The worker panicked, with the panic's message, just before it stops: the page then
    /// offers a restart (the trap that follows a panic reaches the page only as "unreachable").
    Crashed(String),
}

impl FromWorker {
    /// Whether `data`, a message that could not be decoded, was one of a run's progress
    /// reports (an episode, a validation, a follower epoch), read from its tag: losing one
    /// loses a point of a plot, not the run, so the page keeps the run going; any other
    /// message may have been an answer or a run's end, which the page must not wait for.
    pub fn was_progress(data: &str) -> bool {
        let tag = serde_json::from_str::<serde_json::Value>(data)
            .ok()
            .and_then(|v| v.as_object()?.keys().next().cloned());
        matches!(
            tag.as_deref(),
            Some("Episode" | "GraphProgress" | "LbfProgress" | "Underway")
        )
    }
}

/// Encodes a message for `postMessage`.
pub fn encode<T: Serialize>(message: &T) -> String {
    // Plain enums of strings and numbers always serialise.
    serde_json::to_string(message).unwrap_or_default()
}

/// Decodes a message from `postMessage` data.
pub fn decode<T: for<'de> Deserialize<'de>>(data: &str) -> Result<T, String> {
    serde_json::from_str(data)
        .map_err(|e| format!("a message between page and worker was garbled: {e}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_unreadable_progress_report_is_told_from_an_unreadable_answer() {
        // serde_json writes an infinite number as null, which then cannot be read back.
        let episode = encode(&FromWorker::Episode(EpisodeReport {
            episode: 1,
            episodes: 2,
            reward: f64::INFINITY,
            loss: None,
            epsilon: 1.0,
            value: 0.0,
            best_value: 0.0,
        }));
        assert!(decode::<FromWorker>(&episode).is_err());
        assert!(FromWorker::was_progress(&episode));
        // Every progress report, by its tag; answers and ends are not.
        let underway = FromWorker::Underway(Underway {
            episode: 1,
            episodes: 2,
            steps: 3,
            update: Some(UpdateProgress {
                update: 1,
                updates: 2,
                valued: 256,
                afterstates: 150_000,
            }),
        });
        let graph = FromWorker::GraphProgress(GraphEvent::Validation {
            episode: 1,
            ratio: 1.0,
            best: 1.0,
        });
        let lbf = FromWorker::LbfProgress(LbfProgress {
            episode: 1,
            episodes: 2,
            value: None,
            reward: None,
            best_value: 0.0,
            structure: None,
            training_curve: Vec::new(),
            trainings: 1,
        });
        for progress in [underway, graph, lbf] {
            assert!(FromWorker::was_progress(&encode(&progress)), "{progress:?}");
        }
        for answer in [
            FromWorker::Solved(Err("x".into())),
            FromWorker::Trained(Err("x".into())),
            FromWorker::LbfTrained(Err("x".into())),
            FromWorker::Leader(Err("x".into())),
            FromWorker::Paused(true),
        ] {
            assert!(!FromWorker::was_progress(&encode(&answer)), "{answer:?}");
        }
        assert!(!FromWorker::was_progress("not json"));
        assert!(!FromWorker::was_progress("\"Ready\""));
    }
}
