//! The leader's MDP (paper section 4.1, Algorithm 1 lines 1-7): the state is the coalition
//! structure, an action merges two current coalitions or is the null action (stop), and the
//! reward is the change of `v(CS)`. Episodes start at all singletons and last at most the horizon.
//!
//! Rewards telescope (Lemma F.1): an episode's rewards sum to `v(final CS) − v(singletons)`, so
//! maximising the undiscounted return is maximising `v(CS)`.

use serde::{Deserialize, Serialize};

use super::error::Result;
use crate::core::{CharacteristicFunction, CoalitionStructure, Error};

/// How many steps an episode may take (paper appendix E, Table 7).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum Horizon {
    /// `n − 1`, enough to reach the grand coalition; the paper's best and the default.
    #[default]
    Full,
    /// `n / 2`.
    Half,
    /// `n − 5` (at least 1).
    MinusFive,
    /// `n − 10` (at least 1).
    MinusTen,
}

impl Horizon {
    /// Every horizon, by name: `n-1`, `n/2`, `n-5`, `n-10`.
    pub const NAMES: [&'static str; 4] = ["n-1", "n/2", "n-5", "n-10"];

    /// The horizon called `name`.
    pub fn from_name(name: &str) -> Result<Self> {
        match name {
            "n-1" => Ok(Self::Full),
            "n/2" => Ok(Self::Half),
            "n-5" => Ok(Self::MinusFive),
            "n-10" => Ok(Self::MinusTen),
            other => Err(Error::BadParameter {
                name: format!("horizon {other}"),
                value: f64::NAN,
                why: "expected one of n-1, n/2, n-5, n-10",
            }
            .into()),
        }
    }

    /// This horizon's name.
    pub fn name(self) -> &'static str {
        match self {
            Self::Full => "n-1",
            Self::Half => "n/2",
            Self::MinusFive => "n-5",
            Self::MinusTen => "n-10",
        }
    }

    /// The number of steps for `n` agents; never more than `n − 1` merges are possible.
    pub fn steps(self, n: usize) -> usize {
        let full = n.saturating_sub(1);
        match self {
            Self::Full => full,
            Self::Half => n / 2,
            Self::MinusFive => n.saturating_sub(5).max(1).min(full),
            Self::MinusTen => n.saturating_sub(10).max(1).min(full),
        }
    }
}

/// A leader action: merge coalitions `i < j` of the current structure, or stop.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Action {
    /// Merge the coalitions at indices `i < j` (order of smallest member).
    Merge(usize, usize),
    /// The null action: keep the structure and end the episode.
    Stop,
}

impl Action {
    /// The number of legal actions in a structure of `m` coalitions: every pair, and stopping.
    pub fn count(m: usize) -> usize {
        m * m.saturating_sub(1) / 2 + 1
    }

    /// The `k`-th legal action of a structure of `m` coalitions: pairs in row order
    /// (0,1), (0,2), ..., (1,2), ..., then `Stop` last.
    pub fn nth(k: usize, m: usize) -> Self {
        let mut k = k;
        for i in 0..m {
            let row = m - 1 - i;
            if k < row {
                return Self::Merge(i, i + 1 + k);
            }
            k -= row;
        }
        Self::Stop
    }
}

/// What a structure is worth given an estimate of what is still to come from it: at least 0,
/// since the leader may always stop there.
pub fn floor_at_stop(estimate: f32) -> f32 {
    estimate.max(0.0)
}

/// Whether a merge in a structure of `m` coalitions with `steps_left` steps to go ends the
/// episode: it is the horizon's last step, or it leaves one coalition.
pub fn merge_ends(steps_left: usize, m: usize) -> bool {
    steps_left <= 1 || m <= 2
}

/// Where the leader's rewards come from: `V(CS)` and the change a merge makes to it.
///
/// A characteristic function is one (normal-form games: `V(CS) = Σ v(C)`, and a merge changes
/// only the two coalitions' terms); the followers of the bi-level game are another, whose
/// coalition values depend on the whole structure since everyone shares one grid (there the
/// values are read from a cache the bi-level loop fills by training the followers).
pub trait ValueSource {
    /// The number of agents `n`.
    fn agents(&self) -> usize;

    /// `V(CS)`.
    fn structure_value(&self, cs: &CoalitionStructure) -> Result<f64>;

    /// The leader's reward for merging coalitions `i < j` of `cs`: `V(CS') − V(CS)` (paper
    /// eq. 1).
    fn merge_change(&self, cs: &CoalitionStructure, i: usize, j: usize) -> Result<f64>;
}

impl<F: CharacteristicFunction + ?Sized> ValueSource for F {
    fn agents(&self) -> usize {
        CharacteristicFunction::agents(self)
    }

    fn structure_value(&self, cs: &CoalitionStructure) -> Result<f64> {
        Ok(cs.value(self))
    }

    fn merge_change(&self, cs: &CoalitionStructure, i: usize, j: usize) -> Result<f64> {
        // Only the two coalitions involved change value.
        Ok(self.merge_reward(&cs.coalitions()[i], &cs.coalitions()[j]))
    }
}

/// One episode of the leader's MDP: the structure, its value and the steps left. It holds no
/// reference to its [`ValueSource`], which each step is given, so a long-running caller (the
/// bi-level loop, which trains followers between two steps) can keep it across time slices.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct Episode {
    cs: CoalitionStructure,
    value: f64,
    steps_left: usize,
    stopped: bool,
}

impl Episode {
    /// A new episode at all singletons of `values`' agents, lasting at most `horizon` steps.
    pub fn new<S: ValueSource + ?Sized>(values: &S, horizon: Horizon) -> Result<Self> {
        let n = values.agents();
        let cs = CoalitionStructure::singletons(n);
        let value = values.structure_value(&cs)?;
        Ok(Self {
            cs,
            value,
            steps_left: horizon.steps(n),
            stopped: false,
        })
    }

    /// The current structure (the state).
    pub fn structure(&self) -> &CoalitionStructure {
        &self.cs
    }

    /// `V(CS)` of the current structure.
    pub fn value(&self) -> f64 {
        self.value
    }

    /// Whether the episode is over: the null action was taken, the horizon reached, or only one
    /// coalition is left.
    pub fn is_done(&self) -> bool {
        self.stopped || self.steps_left == 0 || self.cs.len() < 2
    }

    /// Whether a merge now would end the episode, so that nothing can follow it.
    pub fn merge_ends(&self) -> bool {
        merge_ends(self.steps_left, self.cs.len())
    }

    /// Checks that `action` can be taken now.
    pub fn check(&self, action: Action) -> Result<()> {
        if self.is_done() {
            return Err(Error::EpisodeOver.into());
        }
        if let Action::Merge(i, j) = action {
            let len = self.cs.len();
            if i >= j || j >= len {
                return Err(Error::IllegalMerge {
                    i,
                    j,
                    coalitions: len,
                }
                .into());
            }
        }
        Ok(())
    }

    /// Takes `action`; returns the reward `V(CS') − V(CS)` as `values` gives it.
    pub fn step<S: ValueSource + ?Sized>(&mut self, action: Action, values: &S) -> Result<f64> {
        self.check(action)?;
        let Action::Merge(i, j) = action else {
            self.steps_left -= 1;
            self.stopped = true;
            return Ok(0.0);
        };
        let reward = values.merge_change(&self.cs, i, j)?;
        self.steps_left -= 1;
        self.cs.merge(i, j)?;
        self.value += reward;
        Ok(reward)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};
    use proptest::prelude::*;

    proptest! {
        /// Lemma F.1: the rewards of any episode sum to v(final CS) − v(singletons).
        #[test]
        fn rewards_telescope(d in 0usize..6, n in 1usize..40, seed in any::<u64>(), picks in prop::collection::vec(any::<usize>(), 0..60)) {
            let inst = Instance::generate(Distribution::from_name(Distribution::NAMES[d]).expect("known"), n, seed).expect("valid");
            let mut ep = Episode::new(&inst, Horizon::Full).expect("valid");
            let start = ep.value();
            let mut total = 0.0;
            for k in picks {
                if ep.is_done() { break; }
                let m = ep.structure().len();
                total += ep.step(Action::nth(k % Action::count(m), m), &inst).expect("a legal action");
            }
            let end = ep.structure().value(&inst);
            prop_assert!((total - (end - start)).abs() <= 1e-9 * end.abs().max(1.0));
            prop_assert!((ep.value() - end).abs() <= 1e-9 * end.abs().max(1.0));
        }
    }

    #[test]
    fn horizons_bound_the_steps() {
        assert_eq!(Horizon::Full.steps(10), 9);
        assert_eq!(Horizon::Half.steps(10), 5);
        assert_eq!(Horizon::MinusFive.steps(10), 5);
        assert_eq!(Horizon::MinusTen.steps(10), 1);
        assert_eq!(Horizon::MinusTen.steps(3), 1);
        for name in Horizon::NAMES {
            assert_eq!(Horizon::from_name(name).expect("listed").name(), name);
        }
        assert!(Horizon::from_name("n").is_err());
    }

    #[test]
    fn actions_enumerate_pairs_then_stop() {
        let all: Vec<Action> = (0..Action::count(3)).map(|k| Action::nth(k, 3)).collect();
        assert_eq!(
            all,
            vec![
                Action::Merge(0, 1),
                Action::Merge(0, 2),
                Action::Merge(1, 2),
                Action::Stop
            ]
        );
    }

    #[test]
    fn illegal_steps_are_errors() {
        let inst = Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            3,
            1,
        )
        .expect("valid");
        let mut ep = Episode::new(&inst, Horizon::Full).expect("valid");
        assert!(ep.step(Action::Merge(1, 1), &inst).is_err());
        assert!(ep.step(Action::Merge(0, 3), &inst).is_err());
        ep.step(Action::Stop, &inst).expect("legal");
        assert!(ep.is_done());
        assert!(ep.step(Action::Merge(0, 1), &inst).is_err());
    }
}
