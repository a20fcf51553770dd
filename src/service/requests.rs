//! The requests the service answers at once: building an instance, the exact optimum, the
//! leader's rollout for the merge viewer, the comparison of algorithms, and the replay of a
//! recorded Level-Based Foraging episode. Each returns its answer or a message for the page.

use crate::algorithms::{singleton, Algorithm, SolveOptions};
use crate::core::{
    instance_file, CharacteristicFunction, CoalitionStructure, Distribution, Instance, Solution,
    Step, MAX_TABLE_AGENTS,
};
use crate::lbf::{first_mismatch, replay, EpisodeFile};
use crate::leader::gains::PackedGains;
use crate::leader::graph::rollout::{ScoredMerge, Workspace};
use crate::leader::graph::{Found, GraphNetwork, MergeState, SearchParams};
use crate::leader::{greedy, Horizon, PlainNetwork};

use super::limits::{browser_limit, MAX_BROWSER_EXACT_AGENTS};
use super::protocol::*;
use super::Clock;

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
                format!(
                    "{distribution}{with}, {agents} agent{}, seed {seed}",
                    if *agents == 1 { "" } else { "s" }
                ),
            ))
        }
        InstanceSpec::File { name, text } => {
            let inst = instance_file::parse_instance(text).map_err(|e| format!("{name}: {e}"))?;
            let n = inst.agents();
            Ok((inst, format!("{name} ({n} agents)")))
        }
    }
}

/// Replays a recorded LBF episode and says whether ours equals the recording.
pub fn lbf_replay(name: &str, text: &str) -> Result<LbfReport, String> {
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

/// The exact optimum of an instance, within the page's limit.
pub fn solve_exact(spec: &InstanceSpec, clock: &dyn Clock) -> Result<ExactReport, String> {
    let (instance, described) = build_instance(spec)?;
    let n = instance.agents();
    if n > MAX_BROWSER_EXACT_AGENTS {
        return Err(format!(
            "the page solves up to {MAX_BROWSER_EXACT_AGENTS} agents exactly and this instance has \
             {n}; use fewer agents, or compare the algorithms instead (the command line solves up \
             to {MAX_TABLE_AGENTS} exactly)"
        ));
    }
    let start = clock.now_ms();
    let solution = Algorithm::Exact
        .solve(&instance, &SolveOptions::default())
        .map_err(|e| e.to_string())?;
    Ok(ExactReport {
        agents: n,
        described,
        coalitions: solution.coalitions,
        exact_value: solution.value,
        singleton_value: singleton(&instance).value(&instance),
        seconds: (clock.now_ms() - start) / 1000.0,
    })
}

/// How many candidate merges the viewer lists per state: the top ten by Q, so the list stays
/// short at any `n`.
pub const MAX_CANDIDATES: usize = 10;

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
    candidates.truncate(MAX_CANDIDATES);
    ViewerStep {
        value: cs.value(f),
        chosen: None,
        reward: 0.0,
        candidates,
        q_stop: plain.stop_value(&pre),
        last: false,
    }
}

/// What the viewer says when a rollout's merge names an agent its structure does not hold.
const UNKNOWN_AGENT: &str = "a merge named an unknown agent";

/// The viewer's states along a rollout's `steps` from `start`: each state as `view` describes
/// it, with the action taken from it, then the final one; `merge` applies a merge of the
/// coalitions holding two agents. Shared by the paper's leader and the graph leader, whose
/// states differ (a structure, a merge state) but whose replay does not.
fn viewer_steps<S>(
    steps: &[Step],
    mut state: S,
    mut view: impl FnMut(&S) -> ViewerStep,
    mut merge: impl FnMut(&mut S, usize, usize) -> Result<(), String>,
) -> Result<Vec<ViewerStep>, String> {
    let mut out = Vec::with_capacity(steps.len() + 1);
    for step in steps {
        let mut shown = view(&state);
        if let Step::Merge {
            merge: [a, b],
            reward,
            ..
        } = step
        {
            shown.chosen = Some((a.clone(), b.clone()));
            shown.reward = *reward;
            merge(&mut state, a[0], b[0])?;
        }
        out.push(shown);
    }
    let mut last = view(&state);
    last.last = true;
    out.push(last);
    Ok(out)
}

/// The leader's greedy rollout on an instance, every state with its best candidates, and the
/// solution file `bridge solve --algo bridge` writes for it.
pub fn infer(
    spec: &InstanceSpec,
    plain: &PlainNetwork,
    clock: &dyn Clock,
) -> Result<RolloutReport, String> {
    let (instance, described) = build_instance(spec)?;
    crate::leader::check_values(&instance).map_err(|e| e.to_string())?;
    let (n, m) = (instance.agents(), plain.max_agents());
    if n > m {
        return Err(format!(
            "the leader's network takes at most {m} agents and this instance has {n}; use \
             {m} agents or fewer, or train a new leader with a network size of {n} or more"
        ));
    }
    let start = clock.now_ms();
    let rollout = greedy(plain, &instance, Horizon::Full).map_err(|e| e.to_string())?;
    let mut solution = Solution::new(Algorithm::Bridge.name(), &rollout.structure, &instance);
    solution.seconds = (clock.now_ms() - start) / 1000.0;
    solution.steps = Some(rollout.steps.clone());
    let steps = viewer_steps(
        &rollout.steps,
        CoalitionStructure::singletons(instance.agents()),
        |cs| viewer_step(plain, &instance, cs),
        |cs, a, b| cs.merge_holding(a, b).map_err(|e| e.to_string()),
    )?;
    Ok(RolloutReport {
        agents: instance.agents(),
        described,
        steps,
        // The solution file's value (the coalitions' values summed), which a rollout's running
        // sum of rewards can miss in the last digits at hundreds of merges.
        value: solution.value,
        singleton_value: singleton(&instance).value(&instance),
        kept: None,
        solution,
    })
}

/// The viewer's account of one state of the graph leader's rollout: the network's best
/// candidate merges by Q (in reward units) with their true rewards; stopping is worth 0.
fn graph_viewer_step(
    net: &GraphNetwork,
    state: &MergeState,
    instance: &Instance,
    ws: &mut Workspace,
) -> ViewerStep {
    let scored = if state.is_done() {
        Vec::new()
    } else {
        net.scored_candidates(state, instance, ws)
    };
    graph_viewer_step_of(state, scored)
}

/// The viewer's account of `state` from its `scored` candidates (none once it is done).
fn graph_viewer_step_of(state: &MergeState, scored: Vec<ScoredMerge>) -> ViewerStep {
    let members = |k: usize| state.coalition(k).agents().collect::<Vec<usize>>();
    let mut candidates: Vec<CandidateQ> = scored
        .into_iter()
        .map(|s| CandidateQ {
            a: members(s.i),
            b: members(s.j),
            q: s.q as f32,
            reward: s.reward,
        })
        .collect();
    candidates.sort_by(|x, y| y.q.total_cmp(&x.q));
    candidates.truncate(MAX_CANDIDATES);
    ViewerStep {
        // The coalitions' values summed in the structure's order, as `CoalitionStructure::value`
        // sums them (the state's own `value` is a running sum of rewards, which can differ in
        // the last digits after hundreds of merges).
        value: (0..state.len()).map(|k| state.coalition_value(k)).sum(),
        chosen: None,
        reward: 0.0,
        candidates,
        q_stop: 0.0,
        last: false,
    }
}

/// The viewer's states along the graph leader's `steps` on `instance`. `seen` holds the
/// candidates the greedy rollout scored in its states, in order, when those steps are that
/// rollout's: they are used as they are, and only the states beyond them are scored again.
fn graph_viewer_steps(
    net: &GraphNetwork,
    instance: &Instance,
    steps: &[Step],
    seen: Vec<Vec<ScoredMerge>>,
) -> Result<Vec<ViewerStep>, String> {
    let mut ws = Workspace::default();
    let mut seen = seen.into_iter();
    viewer_steps(
        steps,
        net.start(instance, Horizon::Full),
        |state| match seen.next() {
            Some(scored) => graph_viewer_step_of(state, scored),
            None => graph_viewer_step(net, state, instance, &mut ws),
        },
        |state, a, b| {
            let slot = |agent: usize| {
                (0..state.len())
                    .find(|&k| state.coalition(k).contains(agent))
                    .ok_or(UNKNOWN_AGENT)
            };
            let (i, j) = (slot(a)?, slot(b)?);
            state.merge(i.min(j), i.max(j), instance);
            Ok(())
        },
    )
}

/// What a graph leader's rollout report says when it kept its own merges (the merge of highest
/// Q-value at each step) over C-Link's and its beam's.
pub const KEPT_OWN: &str = "its own merges: at each step the merge of highest Q-value";

/// The graph leader's rollout on an instance of any size, as `bridge solve --algo bridge
/// --weights G` runs it (the better of the network's greedy rollout and C-Link's), every state
/// with the network's best candidates, and the solution file that command writes for it.
pub fn infer_graph(
    spec: &InstanceSpec,
    net: &GraphNetwork,
    clock: &dyn Clock,
) -> Result<RolloutReport, String> {
    let (instance, described) = build_instance(spec)?;
    let start = clock.now_ms();
    // The greedy rollout's candidates, kept for the viewer: when that rollout is the one
    // returned, its states need not be scored again (half the viewer's time at 1000 agents).
    let mut seen: Vec<Vec<ScoredMerge>> = Vec::new();
    let searched = net
        .search_watched(
            &instance,
            Horizon::Full,
            // `bridge solve`'s width, so the page's solution is the command line's.
            &SearchParams::beam(SolveOptions::default().beam),
            &mut || true,
            Some(&mut |_, scored| seen.push(scored)),
        )
        .map_err(|e| e.to_string())?;
    let rollout = searched.rollout;
    let mut solution = Solution::new(Algorithm::Bridge.name(), &rollout.structure, &instance);
    solution.seconds = (clock.now_ms() - start) / 1000.0;
    solution.steps = Some(rollout.steps.clone());
    if searched.found != Found::Greedy {
        seen.clear();
    }
    let steps = graph_viewer_steps(net, &instance, &rollout.steps, seen)?;
    let kept = match searched.found {
        Found::Greedy => KEPT_OWN,
        Found::Clink => "C-Link's merges, which reached a higher v(CS) here than its own",
        Found::Beam => "the best of the merge orders its beam search tried, above both its own merges and C-Link's",
    };
    Ok(RolloutReport {
        agents: instance.agents(),
        described,
        steps,
        // The solution file's value (the coalitions' values summed), which a rollout's running
        // sum of rewards can miss in the last digits at hundreds of merges.
        value: solution.value,
        singleton_value: singleton(&instance).value(&instance),
        kept: Some(kept.to_string()),
        solution,
    })
}

/// The seed of the randomised algorithms (GRASP, CSG-UCT, SALDAE, random), as `bridge solve`
/// chooses it: the instance's seed, or 0 for an instance file (which has none); so the page's
/// comparison gives each algorithm the command line's structure.
fn algorithm_seed(spec: &InstanceSpec) -> u64 {
    match spec {
        InstanceSpec::Generated { seed, .. } => *seed,
        InstanceSpec::File { .. } => 0,
    }
}

/// Every algorithm the page can run on the instance, best first; BRIDGE when a leader that
/// takes the instance is held (the paper's network of size `M ≥ n`, or the graph leader; at
/// most one of `plain` and `graph` is given).
pub fn compare(
    spec: &InstanceSpec,
    plain: Option<&PlainNetwork>,
    graph: Option<&GraphNetwork>,
    clock: &dyn Clock,
) -> Result<Comparison, String> {
    let (instance, described) = build_instance(spec)?;
    // The leaders run on what fits them: the size of the paper's network, and values within
    // their f32 range (else the comparison goes on without them, as without a leader).
    let in_range = crate::leader::check_values(&instance).is_ok();
    let plain = plain.filter(|p| in_range && p.max_agents() >= instance.agents());
    let graph = graph.filter(|_| in_range);
    let mut results = Vec::new();
    for name in Algorithm::NAMES {
        let algorithm = Algorithm::from_name(name).map_err(|e| e.to_string())?;
        if browser_limit(algorithm).is_some_and(|limit| instance.agents() > limit)
            || (algorithm == Algorithm::Bridge && plain.is_none() && graph.is_none())
        {
            continue;
        }
        let options = SolveOptions {
            seed: algorithm_seed(spec),
            leader: plain,
            graph,
            ..Default::default()
        };
        let start = clock.now_ms();
        let solution = algorithm
            .solve(&instance, &options)
            .map_err(|e| e.to_string())?;
        results.push(AlgorithmResult {
            algorithm: name.to_string(),
            value: solution.value,
            coalitions: solution.coalitions.len(),
            seconds: (clock.now_ms() - start) / 1000.0,
        });
    }
    results.sort_by(|a, b| b.value.total_cmp(&a.value));
    Ok(Comparison {
        described,
        singleton_value: singleton(&instance).value(&instance),
        results,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::leader::graph::weights;

    #[test]
    fn the_viewer_reuses_the_greedy_rollouts_candidates_and_shows_the_same_states() {
        let bytes = std::fs::read("tests/data/graph-leader.safetensors").expect("test data");
        let (net, _) = weights::from_bytes(&bytes).expect("graph weights");
        let mut greedy_kept = 0;
        for (name, n, seed) in [
            ("modified_normal", 40, 1),
            ("combined", 60, 2),
            ("agent_based", 30, 3),
            ("hard_modified_uniform", 50, 4),
        ] {
            let distribution = Distribution::from_name(name).expect("known");
            let instance = Instance::generate(distribution, n, seed).expect("valid");
            let mut seen = Vec::new();
            let searched = net
                .search_watched(
                    &instance,
                    Horizon::Full,
                    &SearchParams::beam(1),
                    &mut || true,
                    Some(&mut |_, scored| seen.push(scored)),
                )
                .expect("valid");
            if searched.found != Found::Greedy {
                continue;
            }
            greedy_kept += 1;
            let steps = &searched.rollout.steps;
            // One watched state per step (a stop is chosen in a state too).
            assert_eq!(seen.len(), steps.len(), "{name} {n} {seed}");
            let reused = graph_viewer_steps(&net, &instance, steps, seen).expect("replays");
            let scored_again =
                graph_viewer_steps(&net, &instance, steps, Vec::new()).expect("replays");
            assert_eq!(reused, scored_again, "{name} {n} {seed}");
            assert_eq!(reused.len(), steps.len() + 1);
        }
        assert!(greedy_kept >= 2, "only {greedy_kept} greedy rollouts kept");
    }
}
