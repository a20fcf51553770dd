//! A rollout's structures, rebuilt in the page: the worker's answer names each state's merge
//! but not its structure (at 1000 agents the structures were 2.4 of its 2.8 MB), so the state
//! shown is rebuilt by replaying the merges before it, from all singletons. Replaying the 448
//! merges of a 1000-agent rollout takes 0.4 ms natively, so each state is rebuilt from the
//! start rather than kept.

use crate::core::{CoalitionStructure, MAX_AGENTS};
use crate::service::protocol::{RolloutReport, ViewerStep};

/// Why a rollout's structures cannot be rebuilt: the worker's answer is not one it makes.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
pub enum ReplayError {
    /// More agents than a structure holds.
    #[error("the rollout has {0} agents, more than the {MAX_AGENTS} the page can draw")]
    TooManyAgents(usize),
    /// A merge that the structure before it cannot make.
    #[error("state {state} of the rollout names a merge its structure cannot make ({why})")]
    BadMerge {
        /// The 0-based state whose merge failed.
        state: usize,
        /// The core's reason.
        why: String,
    },
}

/// The structure at state `k` of `report` (0: all singletons; a `k` past the last state gives
/// the final structure), its coalitions ordered by their smallest agent as the worker's are.
pub fn structure_at(report: &RolloutReport, k: usize) -> Result<Vec<Vec<usize>>, ReplayError> {
    let mut cs = start(report)?;
    for (state, step) in report.steps.iter().enumerate().take(k) {
        apply(&mut cs, step, state)?;
    }
    Ok(cs.to_lists())
}

/// Every state's structure in turn, made in one replay (the merge trace's file).
pub fn structures(report: &RolloutReport) -> Result<Vec<Vec<Vec<usize>>>, ReplayError> {
    let mut cs = start(report)?;
    let mut all = Vec::with_capacity(report.steps.len());
    for (state, step) in report.steps.iter().enumerate() {
        all.push(cs.to_lists());
        apply(&mut cs, step, state)?;
    }
    Ok(all)
}

/// All singletons of the rollout's agents.
fn start(report: &RolloutReport) -> Result<CoalitionStructure, ReplayError> {
    if report.agents > MAX_AGENTS {
        return Err(ReplayError::TooManyAgents(report.agents));
    }
    Ok(CoalitionStructure::singletons(report.agents))
}

/// Makes the merge state `state` chose, if any: the coalitions holding the first member of
/// each merged coalition.
fn apply(cs: &mut CoalitionStructure, step: &ViewerStep, state: usize) -> Result<(), ReplayError> {
    let Some((a, b)) = &step.chosen else {
        return Ok(());
    };
    let bad = |why: String| ReplayError::BadMerge { state, why };
    match (a.first(), b.first()) {
        (Some(&a), Some(&b)) => cs.merge_holding(a, b).map_err(|e| bad(e.to_string())),
        _ => Err(bad("an empty coalition".into())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};
    use crate::service::protocol::InstanceSpec;
    use crate::service::{requests, Clock};

    /// A clock that stands still: these tests do not read the rollout's time.
    struct Still;
    impl Clock for Still {
        fn now_ms(&self) -> f64 {
            0.0
        }
    }

    /// Each state's structure, rebuilt in the page from the merges before it, is the one the
    /// worker valued: its value is the state's to the bit, each merge leaves one coalition
    /// fewer (a stop none), and the last is the solution's.
    fn assert_structures_rebuild(report: &RolloutReport, instance: &Instance) {
        let all = structures(report).expect("a replay");
        assert_eq!(all.len(), report.steps.len());
        for (k, (step, lists)) in report.steps.iter().zip(&all).enumerate() {
            assert_eq!(
                &structure_at(report, k).expect("a replay"),
                lists,
                "state {k}"
            );
            let cs = CoalitionStructure::from_lists(report.agents, lists).expect("a partition");
            assert_eq!(
                cs.value(instance).to_bits(),
                step.value.to_bits(),
                "state {k}"
            );
            let merges = report.steps[..k]
                .iter()
                .filter(|s| s.chosen.is_some())
                .count();
            assert_eq!(cs.len(), report.agents - merges, "state {k}");
        }
        assert_eq!(all.last(), Some(&report.solution.coalitions));
    }

    #[test]
    fn the_page_rebuilds_every_states_structure_from_the_merges() {
        let spec = |agents| InstanceSpec::Generated {
            distribution: "modified_normal".into(),
            params: Vec::new(),
            agents,
            seed: 5,
        };
        let instance = |agents| {
            let distribution = Distribution::from_name("modified_normal").expect("known");
            Instance::generate(distribution, agents, 5).expect("valid")
        };
        let net = crate::leader::QNetwork::new(crate::leader::NetworkConfig::new(12), 3)
            .expect("a network");
        let plain = crate::leader::PlainNetwork::new(&net).expect("f32 weights");
        let report = requests::infer(&spec(12), &plain, &Still).expect("a rollout");
        assert!(report.steps.len() > 2, "the untrained leader merged");
        assert_structures_rebuild(&report, &instance(12));
        let bytes = std::fs::read("tests/data/graph-leader.safetensors").expect("test data");
        let (graph, _) = crate::leader::graph::weights::from_bytes(&bytes).expect("graph weights");
        let report = requests::infer_graph(&spec(150), &graph, &Still).expect("a rollout");
        assert!(report.steps.len() > 20, "{} states", report.steps.len());
        assert_structures_rebuild(&report, &instance(150));
    }

    #[test]
    fn a_rollout_the_worker_would_not_send_is_refused_with_a_reason() {
        let spec = InstanceSpec::Generated {
            distribution: "modified_normal".into(),
            params: Vec::new(),
            agents: 8,
            seed: 2,
        };
        let net = crate::leader::QNetwork::new(crate::leader::NetworkConfig::new(8), 3)
            .expect("a network");
        let plain = crate::leader::PlainNetwork::new(&net).expect("f32 weights");
        let report = requests::infer(&spec, &plain, &Still).expect("a rollout");
        let mut bad = report.clone();
        bad.steps[0].chosen = Some((vec![0], vec![9]));
        let err = structure_at(&bad, 1).expect_err("agent 9 of 8");
        assert!(
            matches!(err, ReplayError::BadMerge { state: 0, .. }),
            "{err}"
        );
        assert!(err.to_string().contains("agent 9"), "{err}");
        let mut big = report;
        big.agents = MAX_AGENTS + 1;
        assert_eq!(
            structures(&big),
            Err(ReplayError::TooManyAgents(MAX_AGENTS + 1))
        );
    }
}
