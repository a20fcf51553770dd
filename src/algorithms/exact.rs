//! The exact optimum by dynamic programming over subsets (Yeh's DP, as in the paper's "brute
//! force" optima of Table 1), for `n ≤ 20`.
//!
//! `f(S) = max over T ⊆ S containing S's smallest agent of v(T) + f(S \ T)`: fixing the smallest
//! agent counts each split once, so the work is `Σ_S 2^{|S|−1} = 3^n / 2` steps. A larger `n`
//! is refused rather than approximated.

use crate::core::{
    CharacteristicFunction, Coalition, CoalitionStructure, Error, Instance, Result,
    MAX_TABLE_AGENTS,
};

/// The optimal coalition structure of `instance` and its value.
pub fn exact(instance: &Instance) -> Result<(CoalitionStructure, f64)> {
    let n = instance.agents();
    if n > MAX_TABLE_AGENTS {
        return Err(Error::InstanceTooLarge {
            algorithm: "exact",
            n,
            max: MAX_TABLE_AGENTS,
            hint: "; larger instances need an approximate algorithm",
        });
    }
    let values = instance.tabulate()?;
    Ok(exact_table(&values))
}

/// The optimum over a dense table of `2^n` values indexed by bitmask.
pub fn exact_table(values: &[f64]) -> (CoalitionStructure, f64) {
    let size = values.len();
    let n = size.trailing_zeros() as usize;
    let mut best = vec![0.0f64; size];
    // The coalition holding the smallest agent in an optimal partition of each subset.
    let mut first = vec![0u32; size];
    for s in 1..size {
        let low = s & s.wrapping_neg();
        let rest = s ^ low;
        let (mut top, mut top_t) = (f64::NEG_INFINITY, s);
        let mut sub = rest;
        loop {
            let t = sub | low;
            let candidate = values[t] + best[s ^ t];
            if candidate > top {
                top = candidate;
                top_t = t;
            }
            if sub == 0 {
                break;
            }
            sub = (sub - 1) & rest;
        }
        best[s] = top;
        first[s] = top_t as u32;
    }
    let mut coalitions = Vec::new();
    let mut s = size - 1;
    while s != 0 {
        let t = first[s] as usize;
        coalitions.push(Coalition::from_mask(t as u64));
        s ^= t;
    }
    let cs = CoalitionStructure::from_coalitions(n, coalitions)
        .expect("the DP's choices partition the agents");
    (cs, best[size - 1])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::Distribution;
    use proptest::prelude::*;

    /// Every set partition of `0..n`, by restricted growth strings.
    fn partitions(n: usize) -> Vec<Vec<u64>> {
        fn grow(i: usize, n: usize, blocks: &mut Vec<u64>, out: &mut Vec<Vec<u64>>) {
            if i == n {
                out.push(blocks.clone());
                return;
            }
            for b in 0..=blocks.len() {
                if b == blocks.len() {
                    blocks.push(1 << i);
                    grow(i + 1, n, blocks, out);
                    blocks.pop();
                } else {
                    blocks[b] |= 1 << i;
                    grow(i + 1, n, blocks, out);
                    blocks[b] &= !(1 << i);
                }
            }
        }
        let mut out = Vec::new();
        grow(0, n, &mut Vec::new(), &mut out);
        out
    }

    fn brute_force(values: &[f64], n: usize) -> f64 {
        partitions(n)
            .iter()
            .map(|p| p.iter().map(|&m| values[m as usize]).sum::<f64>())
            .fold(f64::NEG_INFINITY, f64::max)
    }

    #[test]
    fn partition_counts_are_bell_numbers() {
        let bell = [1, 1, 2, 5, 15, 52, 203, 877, 4140, 21147];
        for (n, &b) in bell.iter().enumerate() {
            assert_eq!(partitions(n).len(), b);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(24))]
        /// The DP's optimum equals brute force over all set partitions, for every distribution.
        #[test]
        fn the_optimum_equals_brute_force(d in 0usize..6, n in 1usize..=9, seed in any::<u64>()) {
            let dist = Distribution::from_name(Distribution::NAMES[d]).expect("known");
            let inst = Instance::generate(dist, n, seed).expect("valid n");
            let values = inst.tabulate().expect("small");
            let (cs, value) = exact(&inst).expect("small");
            let expected = brute_force(&values, n);
            prop_assert!((value - expected).abs() <= 1e-9 * expected.abs().max(1.0), "{value} vs {expected}");
            prop_assert!((cs.value(&inst) - value).abs() <= 1e-9 * value.abs().max(1.0));
        }
    }

    #[test]
    fn every_distribution_at_nine_agents_matches_brute_force() {
        for name in Distribution::NAMES {
            let inst = Instance::generate(Distribution::from_name(name).expect("known"), 9, 2024)
                .expect("valid n");
            let (_, value) = exact(&inst).expect("small");
            let expected = brute_force(&inst.tabulate().expect("small"), 9);
            assert!(
                (value - expected).abs() < 1e-9 * expected.abs().max(1.0),
                "{name}: {value} vs {expected}"
            );
        }
    }

    #[test]
    fn a_hand_made_table_has_its_known_optimum() {
        // v({0})=1, v({1})=1, v({2})=1, v({0,1})=5, v({0,2})=1, v({1,2})=1, v(all)=5.5:
        // {0,1},{2} gives 6, better than the grand coalition's 5.5.
        let values = [0.0, 1.0, 1.0, 5.0, 1.0, 1.0, 1.0, 5.5];
        let (cs, value) = exact_table(&values);
        assert_eq!(value, 6.0);
        assert_eq!(cs.to_lists(), vec![vec![0, 1], vec![2]]);
    }

    #[test]
    fn more_than_twenty_agents_is_refused() {
        let inst = Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            21,
            1,
        )
        .expect("valid n");
        let err = exact(&inst).expect_err("too large").to_string();
        assert!(err.contains("exact takes at most 20 agents"), "{err}");
    }
}
