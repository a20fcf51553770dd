//! The graph leader's greedy rollout (SPEC section 5's inference): from all singletons, take the
//! candidate merge of largest Q while it beats stopping (Q = 0).
//!
//! [`clink_rollout`] is the untrained network's rollout without the network: C-Link.
//!
//! Ties: the larger raw reward, then the candidate listed first (smaller indices), C-Link's own
//! order; so with a zero correction the rollout is C-Link's structure, merge for merge.

use super::features::{observe, FeatureSet, Observation};
use super::network::{GraphConfig, GraphNetwork, Pass};
use super::state::MergeState;
use crate::core::{CharacteristicFunction, Step};
use crate::leader::error::Result;
use crate::leader::greedy::Rollout;
use crate::leader::mdp::{Action, Horizon};

/// What watches a rollout: called with every state the network chooses in and the candidates
/// it chose from ([`GraphNetwork::rollout_watched`]).
pub type Watch<'a> = dyn FnMut(&MergeState, Vec<ScoredMerge>) + 'a;

/// Reusable buffers of a rollout: the observation and the forward pass.
#[derive(Clone, Debug, Default)]
pub struct Workspace {
    /// The last observation.
    pub observation: Observation,
    /// The last forward pass.
    pub pass: Pass,
}

/// The index (into `obs.candidates`) of the best candidate and its Q, if any candidate beats
/// stopping. `corrections` holds one number per candidate.
pub fn best_candidate(obs: &Observation, corrections: &[f32]) -> Option<(usize, f64)> {
    let mut best: Option<(usize, f64)> = None;
    for (e, (&base, &c)) in obs.base.iter().zip(corrections).enumerate() {
        let q = base + f64::from(c);
        let better = match best {
            None => true,
            Some((b, bq)) => q > bq || (q == bq && obs.rewards[e] > obs.rewards[b]),
        };
        if better {
            best = Some((e, q));
        }
    }
    best.filter(|&(_, q)| q > 0.0)
}

/// A candidate merge as the network scores it, for the page's merge viewer.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct ScoredMerge {
    /// The first coalition's index in the structure.
    pub i: usize,
    /// The second's (`i < j`).
    pub j: usize,
    /// `Q(s, merge)` in the instance's reward units (the network's normalised Q times the
    /// reward scale), so it reads beside the merge's reward; stopping is worth 0.
    pub q: f64,
    /// The merge's reward `v(C_i ∪ C_j) − v(C_i) − v(C_j)`.
    pub reward: f64,
}

impl GraphNetwork {
    /// The greedy action in `state` of `f` (which must not be done); `ws` keeps the observation
    /// and the pass it was chosen from.
    pub fn choose<F: CharacteristicFunction + ?Sized>(
        &self,
        state: &MergeState,
        f: &F,
        ws: &mut Workspace,
    ) -> Action {
        observe(state, f, self.config(), &mut ws.observation);
        self.forward(&ws.observation, &mut ws.pass);
        match best_candidate(&ws.observation, &ws.pass.corrections) {
            Some((e, _)) => {
                let (i, j) = ws.observation.candidates[e];
                Action::Merge(i as usize, j as usize)
            }
            None => Action::Stop,
        }
    }

    /// The candidates the network scores in `state` (the best merges by reward, C-Link's
    /// order) with their Q-values: what [`choose`](Self::choose) picks from.
    pub fn scored_candidates<F: CharacteristicFunction + ?Sized>(
        &self,
        state: &MergeState,
        f: &F,
        ws: &mut Workspace,
    ) -> Vec<ScoredMerge> {
        observe(state, f, self.config(), &mut ws.observation);
        self.forward(&ws.observation, &mut ws.pass);
        scored_from(state, ws)
    }

    /// The state a rollout of this network starts from on `f`: all singletons, with the
    /// partner lists its observations read kept up to date.
    pub fn start<F: CharacteristicFunction + ?Sized>(&self, f: &F, horizon: Horizon) -> MergeState {
        let c = self.config();
        MergeState::new(f, horizon).tracking(c.candidates.max(c.neighbours))
    }

    /// The greedy rollout on `f` within `horizon`: any number of agents the instance has.
    pub fn rollout<F: CharacteristicFunction + ?Sized>(
        &self,
        f: &F,
        horizon: Horizon,
    ) -> Result<Rollout> {
        Ok(self.rollout_from(self.start(f, horizon), f))
    }

    /// The greedy rollout from `state` (made by [`start`](Self::start)), so that several
    /// rollouts on one instance pay for the first step's `n²/2` rewards once.
    pub fn rollout_from<F: CharacteristicFunction + ?Sized>(
        &self,
        state: MergeState,
        f: &F,
    ) -> Rollout {
        let mut ws = Workspace::default();
        drive(state, f, |state| self.choose(state, f, &mut ws))
    }

    /// [`rollout_from`](Self::rollout_from), handing `watch` every state it chooses in with the
    /// candidates it chose from (as [`scored_candidates`](Self::scored_candidates) lists them),
    /// so that the merge viewer need not score the same states a second time.
    pub fn rollout_watched<F: CharacteristicFunction + ?Sized>(
        &self,
        state: MergeState,
        f: &F,
        watch: &mut Watch<'_>,
    ) -> Rollout {
        let mut ws = Workspace::default();
        drive(state, f, |state| {
            let action = self.choose(state, f, &mut ws);
            watch(state, scored_from(state, &ws));
            action
        })
    }
}

/// The candidates of the observation and pass in `ws`, made from `state`, in reward units.
fn scored_from(state: &MergeState, ws: &Workspace) -> Vec<ScoredMerge> {
    let (obs, scale) = (&ws.observation, state.reward_scale());
    obs.candidates
        .iter()
        .zip(obs.base.iter().zip(&ws.pass.corrections))
        .map(|(&(i, j), (&base, &c))| {
            let (i, j) = (i as usize, j as usize);
            ScoredMerge {
                i,
                j,
                q: (base + f64::from(c)) * scale,
                reward: state.reward(i, j),
            }
        })
        .collect()
}

/// The untrained network's rollout from `state` without its forward pass: the merge of largest
/// reward while one pays, ties to the smaller indices, which is C-Link's structure (a zero
/// correction leaves the normalised reward as the Q-value; tested against
/// [`crate::algorithms::clink`] on every distribution). `state` needs partner lists of at least
/// one (see [`MergeState::tracking`]), or each step scans every pair.
pub fn clink_rollout<F: CharacteristicFunction + ?Sized>(state: MergeState, f: &F) -> Rollout {
    let mut observation = Observation::default();
    let greedy = GraphConfig {
        neighbours: 1,
        candidates: 1,
        features: FeatureSet::First,
        ..GraphConfig::default()
    };
    drive(state, f, |state| {
        observe(state, f, &greedy, &mut observation);
        match best_candidate(&observation, &[0.0]) {
            Some((e, _)) => {
                let (i, j) = observation.candidates[e];
                Action::Merge(i as usize, j as usize)
            }
            None => Action::Stop,
        }
    })
}

/// Takes `choose`'s actions from `state` until it stops or the episode ends.
fn drive<F: CharacteristicFunction + ?Sized>(
    mut state: MergeState,
    f: &F,
    mut choose: impl FnMut(&MergeState) -> Action,
) -> Rollout {
    let mut steps = Vec::new();
    while !state.is_done() {
        match choose(&state) {
            Action::Merge(i, j) => steps.push(state.merge(i, j, f)),
            Action::Stop => {
                steps.push(Step::Stop { stop: true });
                break;
            }
        }
    }
    Rollout {
        structure: state.structure(),
        value: state.value(),
        steps,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::algorithms::clink;
    use crate::core::{Distribution, Instance};
    use crate::leader::graph::GraphConfig;

    #[test]
    fn the_untrained_network_is_clink_on_every_distribution() {
        let net = GraphNetwork::new(GraphConfig::default(), 11).expect("valid");
        // With the first feature set too (no next merge): an untrained network reads neither.
        let first = GraphNetwork::new(
            GraphConfig {
                features: FeatureSet::First,
                ..GraphConfig::default()
            },
            11,
        )
        .expect("valid");
        for name in Distribution::NAMES {
            for (n, seed) in [(2, 0), (9, 1), (25, 2), (60, 3), (130, 4)] {
                let f = Instance::generate(Distribution::from_name(name).expect("known"), n, seed)
                    .expect("valid");
                let rollout = net.rollout(&f, Horizon::Full).expect("any size");
                let want = clink(&f);
                assert_eq!(rollout.structure, want, "{name}, {n} agents, seed {seed}");
                let fast = clink_rollout(net.start(&f, Horizon::Full), &f);
                assert_eq!(fast.structure, want, "{name}, {n} agents, seed {seed}");
                assert_eq!(fast.steps, rollout.steps, "{name}, {n} agents, seed {seed}");
                let first = first.rollout(&f, Horizon::Full).expect("any size");
                assert_eq!(
                    first.steps, rollout.steps,
                    "{name}, {n} agents, seed {seed}"
                );
                let value = rollout.structure.value(&f);
                assert!((rollout.value - value).abs() <= 1e-9 * value.abs().max(1.0));
            }
        }
    }

    #[test]
    fn the_scored_candidates_are_what_choose_picks_from_in_reward_units() {
        let net = GraphNetwork::new(GraphConfig::default(), 11).expect("valid");
        let d = Distribution::from_name("modified_normal").expect("known");
        let f = Instance::generate(d, 30, 2).expect("valid");
        let state = net.start(&f, Horizon::Full);
        let mut ws = Workspace::default();
        let scored = net.scored_candidates(&state, &f, &mut ws);
        assert_eq!(scored.len(), net.config().candidates);
        for s in &scored {
            // Untrained: the correction is zero, so Q is the reward.
            assert!(
                (s.q - s.reward).abs() <= 1e-9 * s.reward.abs().max(1.0),
                "{s:?}"
            );
            assert_eq!(s.reward, state.reward(s.i, s.j));
        }
        let best = scored
            .iter()
            .max_by(|a, b| a.q.total_cmp(&b.q))
            .expect("candidates");
        assert_eq!(
            net.choose(&state, &f, &mut ws),
            Action::Merge(best.i, best.j)
        );
    }

    #[test]
    fn ties_go_to_the_larger_reward_then_the_first_candidate_and_nothing_beats_stopping_at_zero() {
        let obs = Observation {
            base: vec![1.0, 1.0, 0.5, -1.0],
            rewards: vec![2.0, 2.0, 3.0, -2.0],
            ..Default::default()
        };
        assert_eq!(best_candidate(&obs, &[0.0, 0.0, 0.0, 0.0]), Some((0, 1.0)));
        assert_eq!(best_candidate(&obs, &[0.0, 0.0, 0.5, 0.0]), Some((2, 1.0)));
        assert_eq!(
            best_candidate(&obs, &[-1.0, -1.0, -0.5, 5.0]),
            Some((3, 4.0))
        );
        assert_eq!(best_candidate(&obs, &[-1.0, -1.0, -0.5, 1.0]), None);
    }
}
