//! CSG-UCT on the grid (as [`crate::algorithms::uct`], after Wu and Ramchurn 2020): UCT over
//! merges from all singletons, a greedy playout from each node first visited (merge the pair
//! whose merge gives the highest `V`, positive or not, until the grand coalition, scored by the
//! best `V` met), back-up by maximum, `Cp = 1` in units of value as in the normal-form version.
//! Untried children are drawn uniformly with the seeded RNG. Every structure a playout meets is
//! one follower training the first time, so the first playout is C-Link's path and, once the
//! budget covers it, CSG-UCT is never below C-Link. The search ends when the budget is spent or
//! after many iterations that value nothing new (the tree within reach is known).

use std::collections::HashMap;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::core::CoalitionStructure;

use super::super::error::Result;
use super::{best_of, moves, StructureValues};

/// UCT's exploration constant, in units of value.
const CP: f64 = 1.0;

/// Iterations in a row that may value no new structure before the search ends.
const IDLE_ITERATIONS: usize = 200;

#[derive(Default)]
struct Node {
    visits: u64,
    best: f64,
}

/// Runs CSG-UCT with the seed `seed` until the budget is spent or the search has stalled.
pub fn csg_uct(values: &mut dyn StructureValues, seed: u64) -> Result<()> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    let mut tree: HashMap<Vec<Vec<usize>>, Node> = HashMap::new();
    let root = CoalitionStructure::singletons(values.agents());
    let mut idle = 0;
    while idle < IDLE_ITERATIONS {
        let before = values.trainings();
        let mut path = vec![root.clone()];
        let score = loop {
            let node = path.last().expect("the root").clone();
            let visits = tree.get(&node.to_lists()).map_or(0, |n| n.visits);
            if visits == 0 {
                break playout(values, node)?;
            }
            if node.len() == 1 {
                break values.value(&node)?;
            }
            let children = moves::merges(&node)?;
            let untried: Vec<&CoalitionStructure> = children
                .iter()
                .filter(|c| tree.get(&c.to_lists()).is_none_or(|n| n.visits == 0))
                .collect();
            let next = if untried.is_empty() {
                let ln = (visits as f64).ln();
                children
                    .iter()
                    .map(|c| {
                        let n = &tree[&c.to_lists()];
                        (c, n.best + CP * (2.0 * ln / n.visits as f64).sqrt())
                    })
                    .fold(
                        None::<(&CoalitionStructure, f64)>,
                        |best, (c, u)| match best {
                            Some((_, b)) if b >= u => best,
                            _ => Some((c, u)),
                        },
                    )
                    .map(|(c, _)| c.clone())
                    .expect("a node that is not the grand coalition has children")
            } else {
                untried[rng.random_range(0..untried.len())].clone()
            };
            path.push(next);
        };
        let Some(score) = score else {
            return Ok(());
        };
        for cs in &path {
            let node = tree.entry(cs.to_lists()).or_insert(Node {
                visits: 0,
                best: f64::NEG_INFINITY,
            });
            node.visits += 1;
            node.best = node.best.max(score);
        }
        idle = if values.trainings() == before {
            idle + 1
        } else {
            0
        };
    }
    Ok(())
}

/// The best `V` met merging greedily from `cs` to the grand coalition; `None` once the budget
/// is spent.
fn playout(values: &mut dyn StructureValues, mut cs: CoalitionStructure) -> Result<Option<f64>> {
    let Some(mut best) = values.value(&cs)? else {
        return Ok(None);
    };
    while cs.len() > 1 {
        match best_of(values, moves::merges(&cs)?)? {
            Some(Some((next, w))) => {
                best = best.max(w);
                cs = next;
            }
            _ => return Ok(None),
        }
    }
    Ok(Some(best))
}
