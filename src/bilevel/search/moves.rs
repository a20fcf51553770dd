//! Moves between coalition structures, the neighbourhoods the baselines search: a *merge* joins
//! two coalitions, an *extract* moves one agent out alone, a *shift* moves an agent to another
//! coalition, a *swap* exchanges two agents of different coalitions. Each returns the resulting
//! structure, in the core's canonical order, in a fixed order of generation (ties in the
//! searches go to the first move generated).

use crate::core::{Coalition, CoalitionStructure};

use super::super::error::Result;

/// Every pair merge, pairs `(i, j)`, `i < j`, in order.
pub fn merges(cs: &CoalitionStructure) -> Result<Vec<CoalitionStructure>> {
    let m = cs.len();
    let mut out = Vec::with_capacity(m * m.saturating_sub(1) / 2);
    for i in 0..m {
        for j in i + 1..m {
            let mut next = cs.clone();
            next.merge(i, j)?;
            out.push(next);
        }
    }
    Ok(out)
}

/// Every agent of a coalition of two or more moved out alone, by agent.
pub fn extracts(cs: &CoalitionStructure) -> Result<Vec<CoalitionStructure>> {
    let mut out = Vec::new();
    for (k, c) in cs.coalitions().iter().enumerate() {
        if c.len() < 2 {
            continue;
        }
        for a in c.agents() {
            let mut coalitions = cs.coalitions().to_vec();
            coalitions[k].remove(a);
            coalitions.push(Coalition::singleton(a));
            out.push(rebuilt(cs, coalitions)?);
        }
    }
    Ok(out)
}

/// Every agent moved into every other coalition, by agent then target.
pub fn shifts(cs: &CoalitionStructure) -> Result<Vec<CoalitionStructure>> {
    let mut out = Vec::new();
    for a in 0..cs.agents() {
        let Some(from) = cs.coalition_of(a) else {
            continue;
        };
        for to in 0..cs.len() {
            if to == from {
                continue;
            }
            let mut coalitions = cs.coalitions().to_vec();
            coalitions[from].remove(a);
            coalitions[to].insert(a);
            out.push(rebuilt(cs, coalitions)?);
        }
    }
    Ok(out)
}

/// Every exchange of two agents `a < b` of different coalitions (swapping two singletons
/// changes nothing and is left out).
pub fn swaps(cs: &CoalitionStructure) -> Result<Vec<CoalitionStructure>> {
    let mut out = Vec::new();
    for a in 0..cs.agents() {
        for b in a + 1..cs.agents() {
            let (Some(ka), Some(kb)) = (cs.coalition_of(a), cs.coalition_of(b)) else {
                continue;
            };
            let coalitions = cs.coalitions();
            if ka == kb || (coalitions[ka].len() == 1 && coalitions[kb].len() == 1) {
                continue;
            }
            let mut coalitions = coalitions.to_vec();
            coalitions[ka].remove(a);
            coalitions[ka].insert(b);
            coalitions[kb].remove(b);
            coalitions[kb].insert(a);
            out.push(rebuilt(cs, coalitions)?);
        }
    }
    Ok(out)
}

/// The number of agent pairs on which two structures disagree (together in one, apart in the
/// other): 0 exactly when they are equal.
pub fn distance(a: &CoalitionStructure, b: &CoalitionStructure) -> usize {
    let n = a.agents();
    let mut d = 0;
    for i in 0..n {
        for j in i + 1..n {
            if (a.coalition_of(i) == a.coalition_of(j)) != (b.coalition_of(i) == b.coalition_of(j))
            {
                d += 1;
            }
        }
    }
    d
}

/// `coalitions` without the empty ones, as a structure of `like`'s agents.
fn rebuilt(like: &CoalitionStructure, coalitions: Vec<Coalition>) -> Result<CoalitionStructure> {
    let coalitions = coalitions.into_iter().filter(|c| !c.is_empty()).collect();
    Ok(CoalitionStructure::from_coalitions(
        like.agents(),
        coalitions,
    )?)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cs(lists: &[Vec<usize>]) -> CoalitionStructure {
        CoalitionStructure::from_lists(4, lists).expect("a partition")
    }

    #[test]
    fn neighbourhoods_of_a_small_structure_are_the_expected_ones() {
        let s = cs(&[vec![0, 1], vec![2], vec![3]]);
        let lists = |v: Vec<CoalitionStructure>| -> Vec<Vec<Vec<usize>>> {
            v.iter().map(CoalitionStructure::to_lists).collect()
        };
        assert_eq!(
            lists(merges(&s).unwrap()),
            vec![
                vec![vec![0, 1, 2], vec![3]],
                vec![vec![0, 1, 3], vec![2]],
                vec![vec![0, 1], vec![2, 3]],
            ]
        );
        assert_eq!(
            lists(extracts(&s).unwrap()),
            vec![vec![vec![0], vec![1], vec![2], vec![3]]; 2]
        );
        assert_eq!(shifts(&s).unwrap().len(), 2 * 2 + 2 * 2);
        // Agents 0 and 1 each swap with 2 and with 3; 2 and 3 are both singletons.
        assert_eq!(swaps(&s).unwrap().len(), 4);
        assert_eq!(distance(&s, &s), 0);
        assert_eq!(distance(&s, &CoalitionStructure::singletons(4)), 1);
        assert_eq!(distance(&s, &CoalitionStructure::grand(4)), 5);
    }
}
