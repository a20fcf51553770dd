//! Characteristic functions: the value `v(C)` of every coalition of an instance (SPEC section 2).
//!
//! An [`Instance`] is either lazy (a distribution, its parameters and a seed: any `n` up to
//! [`MAX_AGENTS`], values computed on demand) or a dense table read from a file (the user's own
//! characteristic function, `n ≤ 20`).

use super::coalition::{Coalition, MAX_AGENTS};
use super::distribution::Distribution;
use super::error::{Error, Result};

/// The largest `n` a dense table (files, the exact solver) can hold: `2^20` values, 8 MiB.
pub const MAX_TABLE_AGENTS: usize = 20;

/// The largest magnitude of a value in a table: a structure sums at most
/// [`MAX_TABLE_AGENTS`] of them, which must stay finite (f64 reaches about 1.8e308).
pub const MAX_VALUE: f64 = 1e300;

/// Anything that gives each coalition a value: what every CSG algorithm optimises.
pub trait CharacteristicFunction {
    /// The number of agents `n`.
    fn agents(&self) -> usize;

    /// `v(C)`; `v(∅) = 0`. Must not depend on which coalitions were asked before.
    fn value(&self, c: &Coalition) -> f64;

    /// The reward of merging `a` and `b`: `v(A ∪ B) − v(A) − v(B)`, the change of `v(CS)` when
    /// the leader merges them (paper eq. 1) and the gain C-Link and the other baselines rank
    /// merges by. The one definition every caller uses.
    fn merge_reward(&self, a: &Coalition, b: &Coalition) -> f64 {
        self.value(&a.union(b)) - self.value(a) - self.value(b)
    }
}

/// Where an instance's values come from.
#[derive(Clone, Debug, PartialEq)]
pub enum Source {
    /// Values drawn lazily from a distribution (SPEC section 2).
    Lazy {
        /// The distribution with its parameters.
        distribution: Distribution,
        /// The instance seed.
        seed: u64,
        /// `p_i` of every agent (agent-based only; empty otherwise), drawn once.
        powers: Vec<f64>,
    },
    /// A dense table indexed by coalition bitmask (the `table` distribution).
    Table(Vec<f64>),
}

/// A normal-form CSG instance: `n` agents and their characteristic function.
#[derive(Clone, Debug, PartialEq)]
pub struct Instance {
    n: usize,
    source: Source,
}

impl Instance {
    /// The lazy instance of `distribution` with `n` agents and `seed`.
    pub fn generate(distribution: Distribution, n: usize, seed: u64) -> Result<Self> {
        if n == 0 {
            return Err(Error::BadFile {
                key: "n".into(),
                problem: "an instance needs at least 1 agent".into(),
            });
        }
        if n > MAX_AGENTS {
            return Err(Error::TooManyAgents { n, max: MAX_AGENTS });
        }
        let powers = match distribution {
            Distribution::AgentBased { .. } => {
                (0..n).map(|i| distribution.agent_power(seed, i)).collect()
            }
            _ => Vec::new(),
        };
        Ok(Self {
            n,
            source: Source::Lazy {
                distribution,
                seed,
                powers,
            },
        })
    }

    /// The instance whose value of bitmask `x` is `values[x]`; checks length, finiteness and `v(∅) = 0`.
    pub fn from_table(values: Vec<f64>) -> Result<Self> {
        let bad = |problem: String| {
            Err(Error::BadFile {
                key: "values".into(),
                problem,
            })
        };
        let len = values.len();
        if len < 2 || !len.is_power_of_two() {
            return bad(format!("expected 2^n numbers for some n >= 1, found {len}"));
        }
        let n = len.trailing_zeros() as usize;
        if n > MAX_TABLE_AGENTS {
            return bad(format!(
                "a table holds at most {MAX_TABLE_AGENTS} agents, this one has {n}"
            ));
        }
        // Finite (SPEC section 3), and small enough that a structure's sum stays finite.
        if let Some(i) = values
            .iter()
            .position(|v| !(-MAX_VALUE..=MAX_VALUE).contains(v))
        {
            return bad(format!(
                "entry {i} is {}, values must be finite numbers from -1e300 to 1e300 (larger \
                 ones overflow a structure's sum)",
                values[i]
            ));
        }
        if values[0] != 0.0 {
            return bad(format!(
                "entry 0 (the empty coalition) must be 0, found {}",
                values[0]
            ));
        }
        Ok(Self {
            n,
            source: Source::Table(values),
        })
    }

    /// Where the values come from.
    pub fn source(&self) -> &Source {
        &self.source
    }

    /// The distribution, for lazy instances.
    pub fn distribution(&self) -> Option<&Distribution> {
        match &self.source {
            Source::Lazy { distribution, .. } => Some(distribution),
            Source::Table(_) => None,
        }
    }

    /// The seed, for lazy instances.
    pub fn seed(&self) -> Option<u64> {
        match &self.source {
            Source::Lazy { seed, .. } => Some(*seed),
            Source::Table(_) => None,
        }
    }

    /// Every coalition's value, indexed by bitmask (`2^n` entries): for the exact solver and
    /// for writing instance files. Refuses `n > 20`.
    pub fn tabulate(&self) -> Result<Vec<f64>> {
        if self.n > MAX_TABLE_AGENTS {
            return Err(Error::TooManyAgents {
                n: self.n,
                max: MAX_TABLE_AGENTS,
            });
        }
        Ok(match &self.source {
            Source::Table(values) => values.clone(),
            Source::Lazy { .. } => (0..1u64 << self.n)
                .map(|mask| self.value(&Coalition::from_mask(mask)))
                .collect(),
        })
    }
}

impl CharacteristicFunction for Instance {
    fn agents(&self) -> usize {
        self.n
    }

    fn value(&self, c: &Coalition) -> f64 {
        match &self.source {
            Source::Lazy {
                distribution,
                seed,
                powers,
            } => distribution.value(*seed, powers, c),
            // Callers only ask about coalitions of the instance's own agents (n ≤ 20).
            Source::Table(values) => c
                .as_mask()
                .and_then(|m| values.get(m as usize))
                .copied()
                .unwrap_or(0.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn instance(name: &str, n: usize, seed: u64) -> Instance {
        Instance::generate(Distribution::from_name(name).expect("known"), n, seed).expect("valid n")
    }

    proptest! {
        /// Asking in any order, or after any other coalitions, gives the same values.
        #[test]
        fn a_value_does_not_depend_on_query_order(
            d in 0usize..6,
            seed in any::<u64>(),
            masks in prop::collection::vec(prop::collection::vec(0usize..1024, 1..12), 1..20),
        ) {
            let inst = instance(Distribution::NAMES[d], 1024, seed);
            let coalitions: Vec<Coalition> = masks.iter().map(|m| Coalition::from_agents(m.iter().copied())).collect();
            let forward: Vec<f64> = coalitions.iter().map(|c| inst.value(c)).collect();
            let backward: Vec<f64> = coalitions.iter().rev().map(|c| inst.value(c)).collect();
            let fresh = instance(Distribution::NAMES[d], 1024, seed);
            for (i, c) in coalitions.iter().enumerate() {
                prop_assert_eq!(forward[i].to_bits(), backward[coalitions.len() - 1 - i].to_bits());
                prop_assert_eq!(forward[i].to_bits(), fresh.value(c).to_bits());
            }
        }
    }

    #[test]
    fn a_tabulated_instance_has_the_lazy_values() {
        let lazy = instance("agent_based", 6, 11);
        let table = Instance::from_table(lazy.tabulate().expect("small")).expect("valid table");
        assert_eq!(table.agents(), 6);
        for mask in 0..64 {
            let c = Coalition::from_mask(mask);
            assert_eq!(table.value(&c), lazy.value(&c));
        }
    }

    #[test]
    fn bad_tables_are_refused() {
        let check = |values: Vec<f64>, expected: &str| {
            let err = Instance::from_table(values)
                .expect_err("bad table")
                .to_string();
            assert!(err.contains(expected), "{err}");
        };
        check(vec![0.0, 1.0, 2.0], "expected 2^n numbers");
        check(vec![0.0], "expected 2^n numbers");
        check(vec![1.0, 1.0], "must be 0");
        check(vec![0.0, f64::INFINITY], "must be finite");
        check(vec![0.0, -2e300], "from -1e300 to 1e300");
    }

    #[test]
    fn n_out_of_range_is_refused() {
        let d = Distribution::from_name("modified_uniform").expect("known");
        assert!(Instance::generate(d.clone(), 0, 1).is_err());
        assert!(Instance::generate(d, MAX_AGENTS + 1, 1).is_err());
        assert!(instance("combined", 21, 1).tabulate().is_err());
    }
}
