//! The [`Service`]: what the page's worker holds (the current leader, the job in progress) and
//! how it answers requests. Platform-free: time comes from a [`Clock`] the caller supplies and
//! answers go back as values, so the same code runs in the browser's worker and in native tests.

use base64::Engine as _;

use crate::leader::graph::{weights as graph_weights, GraphNetwork};
use crate::leader::{weights, PlainNetwork, QNetwork};

use super::graph_training::GraphJob;
use super::lbf_training::LbfJob;
use super::protocol::{FromWorker, InstanceSpec, LeaderSummary, ToWorker};
use super::requests::{build_instance, compare, infer, infer_graph, lbf_replay, solve_exact};
use super::training::{Ending, TrainingJob};

/// Milliseconds since some fixed moment: `performance.now()` in the worker, `Instant` natively,
/// a counter in tests.
pub trait Clock {
    /// The current time in milliseconds.
    fn now_ms(&self) -> f64;
}

/// A leader's network: the paper's, tied to `M` agents, or the size-independent graph network.
pub enum LeaderNetwork {
    /// The paper's network (with our scorers).
    Paper(QNetwork),
    /// The size-independent graph network (issue 12).
    Graph(GraphNetwork),
}

/// The leader the service holds, and where it came from.
pub struct Leader {
    /// Its network.
    pub net: LeaderNetwork,
    /// What it was trained on, in words.
    pub trained_on: String,
    /// "trained here" or the uploaded file's name.
    pub source: String,
}

/// A long request in progress.
enum Job {
    /// The leader's training on an instance.
    Leader(Box<TrainingJob>),
    /// The graph leader's training across sizes.
    Graph(Box<GraphJob>),
    /// BRIDGE's bi-level training on a grid configuration.
    Lbf(Box<LbfJob>),
}

/// The worker's state and logic: request in, answers out; a long request becomes a job that
/// [`Service::work`] advances one time slice at a time.
#[derive(Default)]
pub struct Service {
    leader: Option<Leader>,
    job: Option<Job>,
    stop_requested: bool,
    /// When the job in progress was paused, on the caller's clock.
    paused_since: Option<f64>,
}

impl Service {
    /// A service holding no leader and running nothing.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether a job is in progress and not paused, so that the caller should call
    /// [`Service::work`] again. Pausing is only this: no slices are run, so a paused and resumed
    /// run gives the result of an uninterrupted one (slicing does not change it).
    pub fn busy(&self) -> bool {
        self.job.is_some() && self.paused_since.is_none()
    }

    /// Whether a job is in progress but paused.
    pub fn paused(&self) -> bool {
        self.job.is_some() && self.paused_since.is_some()
    }

    /// Resumes a paused job, leaving the pause out of its wall time.
    fn resume(&mut self, now_ms: f64) {
        if let Some(since) = self.paused_since.take() {
            match self.job.as_mut() {
                Some(Job::Leader(job)) => job.exclude_pause(now_ms - since),
                Some(Job::Graph(job)) => job.exclude_pause(now_ms - since),
                Some(Job::Lbf(job)) => job.exclude_pause(now_ms - since),
                None => {}
            }
        }
    }

    /// Starts the job `start` makes from the leader held, unless one is already going: one job
    /// at a time, whichever request starts it. `refused` turns a refusal or `start`'s error into
    /// the request's own answer (`Trained` or `LbfTrained`), so the page hears it where it waits
    /// for that run's end.
    fn start_job(
        &mut self,
        start: impl FnOnce(Option<&Leader>) -> Result<Job, String>,
        refused: fn(String) -> FromWorker,
    ) -> Vec<FromWorker> {
        if self.job.is_some() {
            return vec![refused(
                "a training run is already going; stop it first".into(),
            )];
        }
        match start(self.leader.as_ref()) {
            Ok(job) => {
                self.job = Some(job);
                self.stop_requested = false;
                self.paused_since = None;
                Vec::new()
            }
            Err(e) => vec![refused(e)],
        }
    }

    /// Answers `request`. Short requests are answered here; `Train` starts a job and answers
    /// nothing until [`Service::work`] runs it; `StopTraining` ends the job at the start of the
    /// next slice, keeping the leader trained so far.
    pub fn handle(&mut self, request: ToWorker, clock: &dyn Clock) -> Vec<FromWorker> {
        match request {
            ToWorker::CheckInstance { name, text } => {
                let spec = InstanceSpec::File {
                    name: name.clone(),
                    text,
                };
                vec![FromWorker::InstanceChecked {
                    name,
                    agents: build_instance(&spec)
                        .map(|(f, _)| crate::core::CharacteristicFunction::agents(&f)),
                }]
            }
            ToWorker::SolveExact { instance } => {
                vec![FromWorker::Solved(solve_exact(&instance, clock))]
            }
            ToWorker::Train(spec) => self.start_job(
                |leader| {
                    TrainingJob::start(spec, leader, clock.now_ms())
                        .map(|job| Job::Leader(Box::new(job)))
                },
                |e| FromWorker::Trained(Err(e)),
            ),
            ToWorker::TrainGraph(spec) => self.start_job(
                |leader| {
                    GraphJob::start(spec, leader, clock.now_ms())
                        .map(|job| Job::Graph(Box::new(job)))
                },
                |e| FromWorker::Trained(Err(e)),
            ),
            ToWorker::LbfTrain(spec) => self.start_job(
                |_| LbfJob::start(spec, clock.now_ms()).map(|job| Job::Lbf(Box::new(job))),
                |e| FromWorker::LbfTrained(Err(e)),
            ),
            ToWorker::StopTraining => {
                // A paused run is resumed so that its next slice can end it, and the page told
                // so (it shows the run going on to its end, not paused).
                let was_paused = self.paused_since.is_some();
                self.resume(clock.now_ms());
                match self.job.as_mut() {
                    // The bi-level run ends its search at once and finishes on the best
                    // structure so far.
                    Some(Job::Lbf(job)) => job.stop_search(),
                    Some(Job::Graph(job)) => job.stop(),
                    Some(Job::Leader(_)) => self.stop_requested = true,
                    None => {}
                }
                if was_paused {
                    vec![FromWorker::Paused(false)]
                } else {
                    Vec::new()
                }
            }
            ToWorker::PauseTraining => {
                if self.busy() {
                    self.paused_since = Some(clock.now_ms());
                    vec![FromWorker::Paused(true)]
                } else {
                    Vec::new()
                }
            }
            ToWorker::ResumeTraining => {
                if self.paused() {
                    self.resume(clock.now_ms());
                    vec![FromWorker::Paused(false)]
                } else {
                    Vec::new()
                }
            }
            ToWorker::Infer { instance } => {
                vec![FromWorker::Inferred(match self.leader.as_ref() {
                    Some(Leader {
                        net: LeaderNetwork::Graph(net),
                        ..
                    }) => infer_graph(&instance, net, clock),
                    _ => self
                        .plain()
                        .and_then(|plain| infer(&instance, &plain, clock)),
                })]
            }
            ToWorker::LoadWeights { name, base64 } => {
                vec![FromWorker::Leader(self.load_weights(&name, &base64))]
            }
            ToWorker::Compare { instance } => {
                let plain = self.plain().ok();
                let graph = match self.leader.as_ref().map(|l| &l.net) {
                    Some(LeaderNetwork::Graph(net)) => Some(net),
                    _ => None,
                };
                vec![FromWorker::Compared(compare(
                    &instance,
                    plain.as_ref(),
                    graph,
                    clock,
                ))]
            }
            ToWorker::LbfReplay { name, text } => vec![FromWorker::LbfReplayed(
                lbf_replay(&name, &text).map(Box::new),
            )],
        }
    }

    /// Advances the job in progress for about `budget_ms` on `clock` (at least one merge or one
    /// forward pass of its updates in the leader's training, one episode or validation of the graph leader's, or one piece of
    /// follower training), returning its progress and, when it ends, its result.
    pub fn work(&mut self, budget_ms: f64, clock: &dyn Clock) -> Vec<FromWorker> {
        if self.paused_since.is_some() {
            return Vec::new();
        }
        let start = clock.now_ms();
        let mut time_is_up = || clock.now_ms() - start >= budget_ms;
        let mut out = Vec::new();
        match self.job.take() {
            None => {}
            Some(Job::Leader(mut job)) => {
                let ending = if self.stop_requested {
                    Ok(Some(Ending::Stopped))
                } else {
                    job.advance(&mut time_is_up, &|| clock.now_ms(), &mut out)
                };
                match ending {
                    Ok(None) => self.job = Some(Job::Leader(job)),
                    Ok(Some(ending)) => {
                        self.stop_requested = false;
                        match job.finish(ending, clock.now_ms()) {
                            Ok((leader, report)) => {
                                let summary = summarise(&leader);
                                self.leader = Some(leader);
                                out.push(FromWorker::Trained(Ok(report)));
                                out.push(FromWorker::Leader(summary));
                            }
                            Err(e) => out.push(FromWorker::Trained(Err(e))),
                        }
                    }
                    Err(e) => {
                        self.stop_requested = false;
                        out.push(FromWorker::Trained(Err(e)));
                    }
                }
            }
            Some(Job::Graph(mut job)) => match job.advance(&mut time_is_up, &mut out) {
                Ok(false) => self.job = Some(Job::Graph(job)),
                Ok(true) => {
                    match job
                        .finish(clock.now_ms())
                        .and_then(|(leader, report)| Ok((summarise(&leader)?, leader, report)))
                    {
                        Ok((summary, leader, report)) => {
                            self.leader = Some(leader);
                            out.push(FromWorker::Trained(Ok(report)));
                            out.push(FromWorker::Leader(Ok(summary)));
                        }
                        Err(e) => out.push(FromWorker::Trained(Err(e))),
                    }
                }
                Err(e) => out.push(FromWorker::Trained(Err(e))),
            },
            Some(Job::Lbf(mut job)) => match job.advance(&mut time_is_up, &mut out) {
                Ok(false) => self.job = Some(Job::Lbf(job)),
                Ok(true) => out.push(FromWorker::LbfTrained(
                    job.finish(clock.now_ms()).map(Box::new),
                )),
                Err(e) => out.push(FromWorker::LbfTrained(Err(e))),
            },
        }
        out
    }

    /// Abandons the job in progress (the platform could not run it), answering it with `why`;
    /// the leader held stays.
    pub fn abort_job(&mut self, why: &str) -> Vec<FromWorker> {
        self.stop_requested = false;
        self.paused_since = None;
        match self.job.take() {
            Some(Job::Leader(_) | Job::Graph(_)) => {
                vec![FromWorker::Trained(Err(why.to_string()))]
            }
            Some(Job::Lbf(_)) => vec![FromWorker::LbfTrained(Err(why.to_string()))],
            None => Vec::new(),
        }
    }

    /// The current leader as a fast inference network, if it is the paper's network.
    fn plain(&self) -> Result<PlainNetwork, String> {
        let leader = self
            .leader
            .as_ref()
            .ok_or("there is no leader yet: train one or upload weights")?;
        match &leader.net {
            LeaderNetwork::Paper(net) => PlainNetwork::new(net).map_err(|e| e.to_string()),
            LeaderNetwork::Graph(_) => Err("the current leader is the graph network".into()),
        }
    }

    /// Takes an uploaded weights file (base64) as the current leader.
    fn load_weights(&mut self, name: &str, text: &str) -> Result<LeaderSummary, String> {
        let bytes = base64::engine::general_purpose::STANDARD
            .decode(text)
            .map_err(|e| format!("{name}: the upload was garbled ({e})"))?;
        // What to do about it, in the page's words.
        let refused = |e: &dyn std::fmt::Display| {
            format!(
                "{name}: {e}; choose a leader's weights file (.safetensors) saved by this page's \
                 download or by the command line's bridge train"
            )
        };
        let (net, trained_on) = if graph_weights::is_graph(&bytes) {
            let (net, trained_on) = graph_weights::from_bytes(&bytes).map_err(|e| refused(&e))?;
            (LeaderNetwork::Graph(net), trained_on)
        } else {
            let (net, info) = weights::from_bytes(&bytes).map_err(|e| refused(&e))?;
            (LeaderNetwork::Paper(net), info.trained_on)
        };
        let leader = Leader {
            net,
            trained_on,
            source: name.to_string(),
        };
        let summary = summarise(&leader)?;
        self.leader = Some(leader);
        Ok(summary)
    }
}

/// The page's account of a leader, with its weights for download.
fn summarise(leader: &Leader) -> Result<LeaderSummary, String> {
    let (network, max_agents, hidden, scorer, bytes) = match &leader.net {
        LeaderNetwork::Paper(net) => {
            let config = net.config();
            (
                "paper",
                Some(config.max_agents),
                config.hidden.clone(),
                config.scorer.name(),
                weights::to_bytes(net, &leader.trained_on),
            )
        }
        LeaderNetwork::Graph(net) => (
            "graph",
            None,
            vec![net.config().hidden],
            "graph".to_string(),
            graph_weights::to_bytes(net, &leader.trained_on),
        ),
    };
    let bytes = bytes.map_err(|e| e.to_string())?;
    Ok(LeaderSummary {
        source: leader.source.clone(),
        network: network.to_string(),
        max_agents,
        hidden,
        scorer,
        trained_on: leader.trained_on.clone(),
        base64: base64::engine::general_purpose::STANDARD.encode(bytes),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leader::DqnParams;
    use crate::service::protocol::{TrainSpec, Underway};
    use crate::service::Ticks;

    fn instance() -> InstanceSpec {
        InstanceSpec::Generated {
            distribution: "modified_normal".into(),
            params: vec![],
            agents: 5,
            seed: 3,
        }
    }

    fn train(episodes: usize) -> ToWorker {
        ToWorker::Train(TrainSpec {
            instance: instance(),
            max_agents: 6,
            hidden: vec![16],
            scorer: "additive".into(),
            episodes,
            dqn: DqnParams {
                batch_size: 8,
                epsilon_decay_steps: 50,
                early_stop_window: 0,
                seed: 4,
                ..DqnParams::default()
            },
            continue_current: false,
        })
    }

    /// Runs a request to its end in slices of `budget_ms`, returning every answer and the
    /// number of slices.
    fn run(service: &mut Service, request: ToWorker, budget_ms: f64) -> (Vec<FromWorker>, usize) {
        let clock = Ticks::default();
        let mut answers = service.handle(request, &clock);
        let mut slices = 0;
        while service.busy() {
            answers.extend(service.work(budget_ms, &clock));
            slices += 1;
        }
        (through_the_wire(answers), slices)
    }

    /// The answers as the page receives them: encoded, posted and decoded (a value JSON cannot
    /// carry, such as NaN, fails here as it would in the page).
    fn through_the_wire(answers: Vec<FromWorker>) -> Vec<FromWorker> {
        use crate::service::protocol::{decode, encode};
        answers
            .iter()
            .map(|a| decode(&encode(a)).expect("every answer crosses to the page"))
            .collect()
    }

    /// The answers with wall times zeroed and the notes of episodes under way left out (what slicing may change), and the
    /// weights file's tensors beside (byte equality of the file is checked as well).
    fn timeless(answers: Vec<FromWorker>) -> (Vec<FromWorker>, Vec<f32>) {
        let mut tensors = Vec::new();
        let answers = answers
            .into_iter()
            // Where a slice ends inside an episode depends on the clock too.
            .filter(|a| !matches!(a, FromWorker::Underway(_)))
            .map(|a| match a {
                FromWorker::Trained(Ok(mut r)) => {
                    r.seconds = 0.0;
                    FromWorker::Trained(Ok(r))
                }
                FromWorker::Leader(Ok(summary)) => {
                    let bytes = base64::engine::general_purpose::STANDARD
                        .decode(&summary.base64)
                        .expect("own base64");
                    let (net, _) = weights::from_bytes(&bytes).expect("own weights");
                    for layer in net.layers() {
                        for var in layer.vars() {
                            tensors.extend(
                                var.as_tensor()
                                    .flatten_all()
                                    .and_then(|t| t.to_vec1::<f32>())
                                    .expect("f32"),
                            );
                        }
                    }
                    FromWorker::Leader(Ok(summary))
                }
                other => other,
            })
            .collect();
        (answers, tensors)
    }

    #[test]
    fn a_run_in_many_slices_equals_one_run() {
        let (whole, one) = run(&mut Service::new(), train(30), 1e12);
        let (sliced, many) = run(&mut Service::new(), train(30), 3.0);
        assert_eq!(one, 1);
        assert!(many > 5, "{many} slices");
        let (whole, weights) = timeless(whole);
        assert_eq!(whole.len(), 32, "30 episodes, the report and the leader");
        assert!(matches!(&whole[31], FromWorker::Leader(Ok(_))));
        assert!(!weights.is_empty());
        assert_eq!(timeless(sliced), (whole, weights));
    }

    #[test]
    fn the_early_stop_is_the_same_however_the_run_is_sliced() {
        let with_early_stop = || {
            let ToWorker::Train(mut spec) = train(400) else {
                unreachable!("train() builds a Train request");
            };
            spec.dqn.early_stop_window = 5;
            spec.dqn.early_stop_tolerance = 0.5;
            ToWorker::Train(spec)
        };
        let (whole, _) = run(&mut Service::new(), with_early_stop(), 1e12);
        let (sliced, _) = run(&mut Service::new(), with_early_stop(), 1.0);
        let (whole, w) = timeless(whole);
        assert!(
            matches!(&whole[whole.len() - 2], FromWorker::Trained(Ok(r)) if r.stop == "early stop" && r.episodes < 400
                && r.settled == Some(crate::service::protocol::Settled { window: 5, tolerance: 0.5 })),
            "{:?}",
            &whole[whole.len() - 2]
        );
        assert_eq!(timeless(sliced), (whole, w));
    }

    #[test]
    fn stop_ends_the_run_at_the_next_slice_keeping_the_leader() {
        let mut service = Service::new();
        let clock = Ticks::default();
        assert!(service.handle(train(1000), &clock).is_empty());
        // Slices end inside episodes too: work until one has reported an episode.
        let mut first = Vec::new();
        while !first.iter().any(|a| matches!(a, FromWorker::Episode(_))) {
            first.extend(service.work(2.0, &clock));
        }
        let first: Vec<_> = first
            .into_iter()
            .filter(|a| matches!(a, FromWorker::Episode(_)))
            .collect();
        assert!(service.handle(ToWorker::StopTraining, &clock).is_empty());
        let last = service.work(2.0, &clock);
        let [FromWorker::Trained(Ok(report)), FromWorker::Leader(Ok(summary))] = &last[..] else {
            panic!("expected the report and the leader, got {last:?}");
        };
        assert_eq!(report.stop, "stopped");
        assert_eq!(report.episodes, first.len());
        assert!(summary
            .trained_on
            .contains(&format!("{} episodes", first.len())));
        // Trained with a seed other than the instance's (4, not 3): the leader names it.
        assert!(
            summary.trained_on.contains("seed 3, training seed 4"),
            "{}",
            summary.trained_on
        );
        assert!(!service.busy());
        // The leader it kept runs.
        let answer = service.handle(
            ToWorker::Infer {
                instance: instance(),
            },
            &clock,
        );
        assert!(matches!(&answer[..], [FromWorker::Inferred(Ok(r))] if r.agents == 5));
    }

    #[test]
    fn a_leader_trained_with_the_instances_seed_names_no_other() {
        let ToWorker::Train(mut spec) = train(2) else {
            unreachable!("train() builds a Train request");
        };
        spec.dqn.seed = 3;
        let (answers, _) = run(&mut Service::new(), ToWorker::Train(spec), 1000.0);
        let Some(FromWorker::Leader(Ok(summary))) = answers.last() else {
            panic!("{answers:?}");
        };
        assert!(
            summary.trained_on.starts_with("modified_normal")
                && !summary.trained_on.contains("training seed"),
            "{}",
            summary.trained_on
        );
    }

    /// A clock whose every reading is `step` ms after the last: slow merges.
    struct Slow(std::cell::Cell<f64>, f64);

    impl Clock for Slow {
        fn now_ms(&self) -> f64 {
            self.0.set(self.0.get() + self.1);
            self.0.get()
        }
    }

    #[test]
    fn a_long_episode_says_it_is_under_way_and_a_stop_is_heard_inside_it() {
        // 40 agents: an episode of up to 39 merges; each merge takes a slice (a reading of the
        // clock is 300 ms later than the one before, the budget 1 ms).
        let ToWorker::Train(mut spec) = train(3) else {
            unreachable!("train() builds a Train request");
        };
        spec.instance = InstanceSpec::Generated {
            distribution: "modified_normal".into(),
            params: vec![],
            agents: 40,
            seed: 3,
        };
        spec.max_agents = 40;
        let mut service = Service::new();
        let clock = Slow(std::cell::Cell::new(0.0), 300.0);
        assert!(service.handle(ToWorker::Train(spec), &clock).is_empty());
        // A note once a second of the clock has passed, saying how far the episode is.
        let mut notes = Vec::new();
        for _ in 0..10 {
            let answers = service.work(1.0, &clock);
            let [FromWorker::Underway(Underway {
                episode: 1,
                episodes: 3,
                steps,
                update: None,
            })] = answers[..]
            else {
                assert!(answers.is_empty(), "{answers:?}");
                continue;
            };
            notes.push(steps);
        }
        // A slice reads the clock three times (900 ms) and HEARTBEAT_MS is a second: a note
        // every second slice, with the merges made so far.
        assert_eq!(notes, [2, 4, 6, 8, 10]);
        // A stop is heard at the next slice, and the report says the part episode was kept.
        assert!(service.handle(ToWorker::StopTraining, &clock).is_empty());
        let last = service.work(1.0, &clock);
        let [FromWorker::Trained(Ok(report)), FromWorker::Leader(Ok(_))] = &last[..] else {
            panic!("the run ends at the next slice, got {last:?}");
        };
        assert_eq!((report.stop.as_str(), report.episodes), ("stopped", 0));
        assert!(
            report
                .trained_on
                .ends_with("0 episodes and 10 merges of the next (stopped inside it)"),
            "{}",
            report.trained_on
        );
    }

    fn lbf(episodes: usize) -> ToWorker {
        ToWorker::LbfTrain(crate::service::protocol::LbfTrainSpec {
            config: crate::followers::ConfigChoice::Preset("teaching".into()),
            episodes,
            epochs: 1,
            seed: 2,
        })
    }

    fn lbf_report(answers: &[FromWorker]) -> crate::service::protocol::LbfTrainedReport {
        match answers.last() {
            Some(FromWorker::LbfTrained(Ok(r))) => {
                let mut r = (**r).clone();
                r.seconds = 0.0;
                r
            }
            other => panic!("expected the run's report, got {other:?}"),
        }
    }

    #[test]
    fn a_bilevel_run_in_slices_equals_one_run_and_plays_its_episode() {
        let (whole, one) = run(&mut Service::new(), lbf(3), 1e12);
        let (sliced, many) = run(&mut Service::new(), lbf(3), 2.0);
        assert_eq!(one, 1);
        assert!(many > 3, "{many} slices");
        let report = lbf_report(&whole);
        assert_eq!(lbf_report(&sliced), report);
        // Progress does not depend on the slicing either.
        assert_eq!(whole[..whole.len() - 1], sliced[..sliced.len() - 1]);
        assert_eq!(report.episodes, 3);
        assert!(matches!(&whole[0], FromWorker::LbfProgress(p) if p.structure.is_some()));
        // The episode is the trained followers' on the structure found, and replays exactly.
        let replayed = crate::lbf::replay(&report.episode).expect("replays");
        assert_eq!(crate::lbf::first_mismatch(&report.episode, &replayed), None);
        assert_eq!(report.episode.initial.players.len(), 4);
        // Each structure's report carries the followers' curve: one point per epoch (K = 1).
        assert!(whole.iter().all(|a| match a {
            FromWorker::LbfProgress(p) =>
                p.training_curve.len() == usize::from(p.structure.is_some()),
            _ => true,
        }));
        // The leader's merges lead from all singletons to the structure found.
        let merges = report.merges.expect("a path through valued structures");
        assert_eq!(merges.len(), 4 - report.structure.len());
        let mut cs = crate::core::CoalitionStructure::singletons(4);
        for m in &merges {
            assert_eq!(m.before, cs.to_lists());
            let (i, j) = (
                cs.coalition_of(m.merged.0[0]).expect("known"),
                cs.coalition_of(m.merged.1[0]).expect("known"),
            );
            cs.merge(i, j).expect("a merge");
        }
        assert_eq!(cs.to_lists(), report.structure);
    }

    #[test]
    fn a_custom_grid_trains_and_a_bad_one_is_refused_by_its_field() {
        use crate::followers::{ConfigChoice, CustomConfig};
        let custom = |grid_side| {
            ToWorker::LbfTrain(crate::service::protocol::LbfTrainSpec {
                config: ConfigChoice::Custom(CustomConfig {
                    grid_side,
                    agents: 3,
                    apples: 1,
                    episode_steps: Some(8),
                    ..CustomConfig::default()
                }),
                episodes: 1,
                epochs: 1,
                seed: 3,
            })
        };
        let (answers, _) = run(&mut Service::new(), custom(5), 1e12);
        let report = lbf_report(&answers);
        assert_eq!(report.config, "custom");
        assert!(!report.stopped, "a run to its end was not stopped");
        assert_eq!(report.episode.initial.players.len(), 3);
        let answer = Service::new().handle(custom(3), &Ticks::default());
        assert!(
            matches!(&answer[..], [FromWorker::LbfTrained(Err(e))] if e.contains("grid_side")),
            "{answer:?}"
        );
    }

    #[test]
    fn stopping_a_bilevel_run_ends_it_on_the_best_structure_so_far() {
        let mut service = Service::new();
        let clock = Ticks::default();
        assert!(service.handle(lbf(400), &clock).is_empty());
        let mut answers = service.work(3.0, &clock);
        assert!(service.handle(ToWorker::StopTraining, &clock).is_empty());
        while service.busy() {
            answers.extend(service.work(3.0, &clock));
        }
        let report = lbf_report(&through_the_wire(answers));
        assert!(report.episodes < 400);
        assert!(report.stopped, "the report says the run was stopped");
        // Stopped during the first training (on all singletons): the run ends on them.
        assert_eq!(report.structure, vec![vec![0], vec![1], vec![2], vec![3]]);
        assert_eq!(report.singleton_value, report.value);
        let answer = service.handle(lbf(0), &clock);
        assert!(
            matches!(&answer[..], [FromWorker::LbfTrained(Err(e))] if e.contains("leader episodes")),
            "{answer:?}"
        );
    }

    #[test]
    fn bad_requests_are_answered_with_messages() {
        let mut service = Service::new();
        let clock = Ticks::default();
        // Values beyond the leader's f32 range: refused with what to do, not trained to NaN.
        let ToWorker::Train(mut spec) = train(5) else {
            unreachable!("a training request")
        };
        spec.instance = InstanceSpec::File {
            name: "big.json".into(),
            text: "{\"n\": 2, \"values\": [0, 1, 2, 1e31]}".into(),
        };
        let answer = service.handle(ToWorker::Train(spec), &clock);
        assert!(
            matches!(&answer[..], [FromWorker::Trained(Err(e))] if e.contains("within ±1e30")),
            "{answer:?}"
        );
        let answer = service.handle(train(0), &clock);
        assert!(
            matches!(&answer[..], [FromWorker::Trained(Err(e))] if e.contains("episodes")),
            "{answer:?}"
        );
        let answer = service.handle(
            ToWorker::Infer {
                instance: instance(),
            },
            &clock,
        );
        assert!(
            matches!(&answer[..], [FromWorker::Inferred(Err(e))] if e.contains("no leader")),
            "{answer:?}"
        );
        assert!(service.handle(train(5), &clock).is_empty());
        let answer = service.handle(train(5), &clock);
        assert!(
            matches!(&answer[..], [FromWorker::Trained(Err(e))] if e.contains("already going")),
            "{answer:?}"
        );
        let answer = service.handle(
            ToWorker::LoadWeights {
                name: "w.safetensors".into(),
                base64: "!!".into(),
            },
            &clock,
        );
        assert!(
            matches!(&answer[..], [FromWorker::Leader(Err(e))] if e.starts_with("w.safetensors: the upload was garbled")),
            "{answer:?}"
        );
        // Not weights at all: what is wrong, then what to choose instead.
        let answer = service.handle(
            ToWorker::LoadWeights {
                name: "notes.txt".into(),
                base64: base64::engine::general_purpose::STANDARD.encode("not weights"),
            },
            &clock,
        );
        let [FromWorker::Leader(Err(e))] = &answer[..] else {
            panic!("{answer:?}");
        };
        assert!(e.starts_with("notes.txt: bad weights"), "{e}");
        assert!(e.ends_with("choose a leader's weights file (.safetensors) saved by this page's download or by the command line's bridge train"), "{e}");
    }

    #[test]
    fn a_leader_too_small_for_the_instance_is_refused_in_the_pages_words() {
        let mut service = Service::new();
        run(&mut service, train(3), 10.0);
        let clock = Ticks::default();
        let answer = service.handle(
            ToWorker::Infer {
                instance: InstanceSpec::Generated {
                    distribution: "modified_normal".into(),
                    params: vec![],
                    agents: 9,
                    seed: 3,
                },
            },
            &clock,
        );
        let [FromWorker::Inferred(Err(e))] = &answer[..] else {
            panic!("expected a refusal, got {answer:?}");
        };
        assert_eq!(
            e,
            "the leader's network takes at most 6 agents and this instance has 9; use 6 agents \
             or fewer, or train a new leader with a network size of 9 or more"
        );
    }

    /// Runs `request` in slices of `budget_ms`, pausing after every `every` slices and asking
    /// for an inference and a comparison while paused, then resuming.
    fn run_with_pauses(
        service: &mut Service,
        request: ToWorker,
        budget_ms: f64,
        every: usize,
    ) -> (Vec<FromWorker>, usize) {
        let clock = Ticks::default();
        let mut answers = service.handle(request, &clock);
        let mut pauses = 0;
        let mut slices = 0;
        while service.busy() {
            answers.extend(service.work(budget_ms, &clock));
            slices += 1;
            if slices % every == 0 && service.busy() {
                assert_eq!(
                    service.handle(ToWorker::PauseTraining, &clock),
                    vec![FromWorker::Paused(true)]
                );
                assert!(service.paused() && !service.busy());
                // While paused, no slice runs, whoever calls.
                assert!(service.work(budget_ms, &clock).is_empty());
                service.handle(
                    ToWorker::Compare {
                        instance: instance(),
                    },
                    &clock,
                );
                assert_eq!(
                    service.handle(ToWorker::ResumeTraining, &clock),
                    vec![FromWorker::Paused(false)]
                );
                pauses += 1;
            }
        }
        (through_the_wire(answers), pauses)
    }

    #[test]
    fn an_instance_file_is_checked_when_chosen() {
        let mut service = Service::new();
        let check = |service: &mut Service, text: &str| {
            service.handle(
                ToWorker::CheckInstance {
                    name: "i.json".into(),
                    text: text.into(),
                },
                &Ticks::default(),
            )
        };
        assert_eq!(
            check(&mut service, r#"{"n": 2, "values": [0, 1, 2, 5]}"#),
            vec![FromWorker::InstanceChecked {
                name: "i.json".into(),
                agents: Ok(2),
            }]
        );
        let answers = check(&mut service, r#"{"n": 2, "values": [0, 1, 2]}"#);
        let [FromWorker::InstanceChecked {
            agents: Err(message),
            ..
        }] = answers.as_slice()
        else {
            panic!("{answers:?}");
        };
        assert!(
            message.starts_with("i.json: values: expected 2^2 = 4 numbers"),
            "{message}"
        );
    }

    #[test]
    fn the_comparison_seeds_randomised_algorithms_as_bridge_solve_does() {
        use crate::algorithms::{Algorithm, SolveOptions};
        let spec = InstanceSpec::Generated {
            distribution: "combined".into(),
            params: vec![],
            agents: 12,
            seed: 5,
        };
        let answers = Service::new().handle(
            ToWorker::Compare {
                instance: spec.clone(),
            },
            &Ticks::default(),
        );
        let [FromWorker::Compared(Ok(compared))] = answers.as_slice() else {
            panic!("{answers:?}");
        };
        let (f, _) = crate::service::build_instance(&spec).expect("valid");
        for name in ["grasp", "random", "uct", "saldae"] {
            let options = SolveOptions {
                seed: 5,
                ..Default::default()
            };
            let want = Algorithm::from_name(name)
                .expect("known")
                .solve(&f, &options)
                .expect("solves")
                .value;
            let got = compared.results.iter().find(|r| r.algorithm == name);
            assert_eq!(got.map(|r| r.value), Some(want), "{name}");
        }
    }

    #[test]
    fn pause_then_resume_equals_an_uninterrupted_run() {
        let (whole, _) = run(&mut Service::new(), train(12), 1e9);
        let (paused, pauses) = run_with_pauses(&mut Service::new(), train(12), 1.0, 1);
        assert!(pauses >= 2, "{pauses} pauses");
        assert_eq!(timeless(paused), timeless(whole));
        let (whole, _) = run(&mut Service::new(), lbf(3), 1e9);
        let (paused, pauses) = run_with_pauses(&mut Service::new(), lbf(3), 1.0, 1);
        assert!(pauses >= 2, "{pauses} pauses");
        assert_eq!(lbf_report(&paused), lbf_report(&whole));
    }

    #[test]
    fn stop_while_paused_ends_the_run_keeping_the_leader() {
        let mut service = Service::new();
        let clock = Ticks::default();
        assert!(service.handle(train(1000), &clock).is_empty());
        service.work(5.0, &clock);
        service.handle(ToWorker::PauseTraining, &clock);
        assert_eq!(
            service.handle(ToWorker::StopTraining, &clock),
            vec![FromWorker::Paused(false)],
            "the page is told the run goes on to its end"
        );
        assert!(service.busy(), "the stop is heard in the next slice");
        let answers = service.work(5.0, &clock);
        assert!(
            matches!(&answers[..], [FromWorker::Trained(Ok(r)), FromWorker::Leader(Ok(_))] if r.stop == "stopped"),
            "{answers:?}"
        );
        assert!(!service.busy() && !service.paused());
        // Pausing or resuming with no run going answers nothing.
        assert!(service.handle(ToWorker::PauseTraining, &clock).is_empty());
        assert!(service.handle(ToWorker::ResumeTraining, &clock).is_empty());
    }
}
