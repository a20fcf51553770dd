//! The size-independent graph leader's training as the worker's job (issue 12): the library's
//! [`GraphTrainer`] advanced one time slice at a time, one episode or one validation instance
//! per step, so a stop is heard between two; slicing does not change the result.

use crate::core::Distribution;
use crate::leader::graph::{GraphConfig, GraphNetwork, GraphTrainer, GraphTraining};

use super::limits::{check_graph_training_sizes, MAX_BROWSER_GRAPH_EPISODES};
use super::protocol::{FromWorker, GraphTrainSpec, TrainedReport};
use super::session::{Leader, LeaderNetwork};
use super::training::Ending;

/// A graph leader's training in progress.
pub struct GraphJob {
    trainer: GraphTrainer,
    started_ms: f64,
    /// What the leader continued from had been trained on.
    previous: Option<String>,
    stopped: bool,
}

impl GraphJob {
    /// Leaves `ms` of pause out of the run's wall time.
    pub fn exclude_pause(&mut self, ms: f64) {
        self.started_ms += ms;
    }

    /// Checks `spec` and sets the training up: a fresh network seeded by the DQN's seed, or a
    /// copy of `current` to continue from.
    pub fn start(
        spec: GraphTrainSpec,
        current: Option<&Leader>,
        now_ms: f64,
    ) -> Result<Self, String> {
        if !(1..=MAX_BROWSER_GRAPH_EPISODES).contains(&spec.episodes) {
            return Err(format!(
                "episodes: give 1 to {MAX_BROWSER_GRAPH_EPISODES} for the graph leader, not {}",
                spec.episodes
            ));
        }
        check_graph_training_sizes(spec.agents.0, spec.agents.1)?;
        let distributions = spec
            .distributions
            .iter()
            .map(|name| Distribution::from_name(name).map_err(|e| e.to_string()))
            .collect::<Result<Vec<_>, _>>()?;
        let (net, previous) = if spec.continue_current {
            match current.map(|l| (&l.net, l)) {
                Some((LeaderNetwork::Graph(net), leader)) => {
                    (net.clone(), Some(leader.trained_on.clone()))
                }
                Some((LeaderNetwork::Paper(_), _)) => {
                    return Err(
                        "the current leader is the paper's network: choose that network \
                                to continue it, or train a new graph leader"
                            .into(),
                    )
                }
                None => {
                    return Err(
                        "there is no leader to continue from: train one or upload weights".into(),
                    )
                }
            }
        } else {
            let net = GraphNetwork::new(GraphConfig::default(), spec.dqn.seed)
                .map_err(|e| e.to_string())?;
            (net, None)
        };
        let settings = GraphTraining {
            dqn: spec.dqn,
            agents: spec.agents,
            distributions,
            episodes: spec.episodes,
            ..GraphTraining::default()
        };
        let trainer = GraphTrainer::new(net, &settings).map_err(|e| e.to_string())?;
        Ok(Self {
            trainer,
            started_ms: now_ms,
            previous,
            stopped: false,
        })
    }

    /// Ends the training at its next step, keeping the best validated checkpoint: a validation
    /// under way is finished, and the network validated once more unless it just was.
    pub fn stop(&mut self) {
        self.stopped = true;
        self.trainer.stop();
    }

    /// Steps the training until `time_is_up` (at least one step per call), posting its
    /// progress to `out`; returns whether it has finished.
    pub fn advance(
        &mut self,
        time_is_up: &mut dyn FnMut() -> bool,
        out: &mut Vec<FromWorker>,
    ) -> Result<bool, String> {
        while !self.trainer.is_done() {
            if let Some(event) = self.trainer.step().map_err(|e| e.to_string())? {
                out.push(FromWorker::GraphProgress(event));
            }
            if time_is_up() {
                break;
            }
        }
        Ok(self.trainer.is_done())
    }

    /// The best validated checkpoint as the new leader, and the run's report (call once
    /// [`advance`](Self::advance) says the training has finished).
    pub fn finish(self, now_ms: f64) -> Result<(Leader, TrainedReport), String> {
        let settings = self.trainer.settings().clone();
        let ending = if self.stopped {
            Ending::Stopped
        } else {
            Ending::Finished
        };
        let report = self.trainer.finish().map_err(|e| e.to_string())?;
        let mut trained_on = report.describe(&settings);
        if let Some(before) = &self.previous {
            trained_on = format!("{before}; then {trained_on}");
        }
        let leader = Leader {
            net: LeaderNetwork::Graph(report.best),
            trained_on: trained_on.clone(),
            source: super::TRAINED_HERE.into(),
        };
        let trained = TrainedReport {
            episodes: report.episodes,
            stop: ending.word().to_string(),
            settled: None,
            seconds: (now_ms - self.started_ms) / 1000.0,
            max_agents: None,
            trained_on,
        };
        Ok((leader, trained))
    }
}

#[cfg(test)]
mod tests {
    use base64::Engine as _;

    use crate::core::{Distribution, MAX_AGENTS};
    use crate::leader::graph::{weights as graph_weights, GraphEvent};
    use crate::leader::DqnParams;
    use crate::service::protocol::{
        decode, encode, FromWorker, GraphTrainSpec, InstanceSpec, ToWorker,
    };
    use crate::service::{Service, Ticks};

    fn spec(episodes: usize) -> GraphTrainSpec {
        GraphTrainSpec {
            agents: (6, 12),
            distributions: vec!["modified_normal".into(), "agent_based".into()],
            episodes,
            dqn: DqnParams {
                seed: 5,
                ..DqnParams::graph()
            },
            continue_current: false,
        }
    }

    /// Runs `request` to its end in slices of `budget_ms`; every answer as the page gets it.
    fn run(service: &mut Service, request: ToWorker, budget_ms: f64) -> Vec<FromWorker> {
        let clock = Ticks::default();
        let mut answers = service.handle(request, &clock);
        while service.busy() {
            answers.extend(service.work(budget_ms, &clock));
        }
        answers
            .iter()
            .map(|a| decode(&encode(a)).expect("crosses to the page"))
            .collect()
    }

    /// The answers with the wall time zeroed, the only thing slicing may change.
    fn timeless(mut answers: Vec<FromWorker>) -> Vec<FromWorker> {
        for a in &mut answers {
            if let FromWorker::Trained(Ok(r)) = a {
                r.seconds = 0.0;
            }
        }
        answers
    }

    fn generated(agents: usize) -> InstanceSpec {
        InstanceSpec::Generated {
            distribution: "modified_normal".into(),
            params: vec![],
            agents,
            seed: 2,
        }
    }

    #[test]
    fn the_graph_leader_trains_in_slices_as_in_one_run_and_then_runs_at_any_size() {
        let mut service = Service::new();
        let whole = timeless(run(&mut service, ToWorker::TrainGraph(spec(12)), 1e12));
        let sliced = timeless(run(
            &mut Service::new(),
            ToWorker::TrainGraph(spec(12)),
            2.0,
        ));
        assert_eq!(sliced, whole);
        let episodes = whole
            .iter()
            .filter(|a| matches!(a, FromWorker::GraphProgress(GraphEvent::Episode { .. })))
            .count();
        let validations = whole
            .iter()
            .filter(|a| matches!(a, FromWorker::GraphProgress(GraphEvent::Validation { .. })))
            .count();
        assert_eq!((episodes, validations), (12, 2));
        let [.., FromWorker::Trained(Ok(report)), FromWorker::Leader(Ok(summary))] = &whole[..]
        else {
            panic!(
                "the run ends with its report and the leader: {:?}",
                whole.last()
            );
        };
        assert_eq!((report.episodes, report.stop.as_str()), (12, "finished"));
        assert_eq!(report.max_agents, None);
        assert_eq!(
            (summary.network.as_str(), summary.max_agents),
            ("graph", None)
        );
        assert!(summary
            .trained_on
            .starts_with("12 episodes on 6..12 agents"));
        // Trained on 6..12 agents, it runs at 300, and its viewer steps end on its solution.
        let answer = service.handle(
            ToWorker::Infer {
                instance: generated(300),
            },
            &Ticks::default(),
        );
        let [FromWorker::Inferred(Ok(rollout))] = &answer[..] else {
            panic!("{answer:?}");
        };
        let last = rollout.steps.last().expect("steps");
        assert!(last.last);
        if rollout.kept.as_deref() == Some(crate::service::requests::KEPT_OWN) {
            // The leader stopped because no merge's Q beat stopping's 0.
            assert!(last.candidates.iter().all(|c| c.q <= 0.0), "{last:?}");
        }
        assert_eq!(
            crate::page::replay::structure_at(rollout, rollout.steps.len() - 1).expect("a replay"),
            rollout.solution.coalitions
        );
        assert_eq!(
            rollout.steps.len(),
            rollout.solution.steps.as_ref().map_or(0, Vec::len) + 1
        );
        assert!(rollout.value >= rollout.singleton_value);
        // The page shows the solution file's value, bit for bit.
        assert_eq!(rollout.value.to_bits(), rollout.solution.value.to_bits());
        assert!(rollout.kept.is_some());
        for step in &rollout.steps[..rollout.steps.len() - 1] {
            assert!(step.candidates.len() <= super::super::requests::MAX_CANDIDATES);
            assert!(step.candidates.windows(2).all(|w| w[0].q >= w[1].q));
        }
        // The comparison runs it too, as `bridge`.
        let answer = service.handle(
            ToWorker::Compare {
                instance: generated(40),
            },
            &Ticks::default(),
        );
        let [FromWorker::Compared(Ok(c))] = &answer[..] else {
            panic!("{answer:?}");
        };
        let bridge = c
            .results
            .iter()
            .find(|r| r.algorithm == "bridge")
            .expect("bridge");
        let clink = c
            .results
            .iter()
            .find(|r| r.algorithm == "clink")
            .expect("clink");
        assert!(bridge.value >= clink.value - 1e-9, "{c:?}");
    }

    #[test]
    fn a_stop_ends_the_graph_training_keeping_the_best_checkpoint() {
        let mut service = Service::new();
        let clock = Ticks::default();
        assert!(service
            .handle(ToWorker::TrainGraph(spec(10_000)), &clock)
            .is_empty());
        let mut answers = service.work(30.0, &clock);
        service.handle(ToWorker::StopTraining, &clock);
        while service.busy() {
            answers.extend(service.work(30.0, &clock));
        }
        let report = answers.iter().find_map(|a| match a {
            FromWorker::Trained(Ok(r)) => Some(r.clone()),
            _ => None,
        });
        let report = report.expect("a report");
        assert_eq!(report.stop, "stopped");
        assert!(report.episodes < 10_000);
        // The leader kept is the checkpoint of the best validation (the first of equals).
        let mut best: Option<(usize, f64)> = None;
        for a in &answers {
            if let FromWorker::GraphProgress(GraphEvent::Validation { episode, ratio, .. }) = a {
                if best.is_none_or(|b| *ratio > b.1) {
                    best = Some((*episode, *ratio));
                }
            }
        }
        let (episode, _) = best.expect("validated");
        let Some(FromWorker::Leader(Ok(summary))) = answers.last() else {
            panic!("the run ends with its leader: {:?}", answers.last());
        };
        assert!(
            summary
                .trained_on
                .contains(&format!("checkpoint of episode {episode} (")),
            "{} (best validation at {episode})",
            summary.trained_on
        );
    }

    #[test]
    fn graph_weights_load_and_bad_graph_requests_are_answered_in_the_pages_words() {
        let mut service = Service::new();
        let clock = Ticks::default();
        let refused = |answers: Vec<FromWorker>, want: &str| match &answers[..] {
            [FromWorker::Trained(Err(e))] => assert!(e.contains(want), "{e}"),
            other => panic!("{other:?}"),
        };
        let mut bad = spec(10);
        bad.agents = (30, 10);
        refused(
            service.handle(ToWorker::TrainGraph(bad), &clock),
            "training sizes",
        );
        let mut bad = spec(10);
        bad.agents = (10, MAX_AGENTS);
        refused(
            service.handle(ToWorker::TrainGraph(bad), &clock),
            "training sizes",
        );
        let mut bad = spec(0);
        bad.distributions = vec![Distribution::NAMES[0].into()];
        refused(
            service.handle(ToWorker::TrainGraph(bad), &clock),
            "episodes",
        );
        let mut bad = spec(10);
        bad.distributions = vec!["nonsense".into()];
        refused(
            service.handle(ToWorker::TrainGraph(bad), &clock),
            "nonsense",
        );
        let mut bad = spec(10);
        bad.continue_current = true;
        refused(
            service.handle(ToWorker::TrainGraph(bad), &clock),
            "no leader",
        );
        // The shipped graph leader loads, and says what it is.
        let bytes = std::fs::read("tests/data/graph-leader.safetensors").expect("test data");
        let answer = service.handle(
            ToWorker::LoadWeights {
                name: "g.safetensors".into(),
                base64: base64::engine::general_purpose::STANDARD.encode(&bytes),
            },
            &clock,
        );
        let [FromWorker::Leader(Ok(summary))] = &answer[..] else {
            panic!("{answer:?}");
        };
        assert_eq!(
            (summary.network.as_str(), summary.source.as_str()),
            ("graph", "g.safetensors")
        );
        let (_, trained_on) = graph_weights::from_bytes(&bytes).expect("graph weights");
        assert_eq!(summary.trained_on, trained_on);
        // Continuing it with the paper's network is refused, naming what to do.
        let answer = service.handle(
            ToWorker::Train(crate::service::protocol::TrainSpec {
                instance: generated(5),
                max_agents: 6,
                hidden: vec![8],
                scorer: "additive".into(),
                episodes: 2,
                dqn: DqnParams::default(),
                continue_current: true,
            }),
            &clock,
        );
        refused(answer, "the current leader is the graph network");
        // Damaged graph weights are refused with the file's name.
        let mut broken = bytes.clone();
        broken.truncate(bytes.len() - 8);
        let answer = service.handle(
            ToWorker::LoadWeights {
                name: "cut.safetensors".into(),
                base64: base64::engine::general_purpose::STANDARD.encode(&broken),
            },
            &clock,
        );
        assert!(
            matches!(&answer[..], [FromWorker::Leader(Err(e))] if e.starts_with("cut.safetensors: ")),
            "{answer:?}"
        );
    }
}
