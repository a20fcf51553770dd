//! Two fixed policies beside the learned followers, so that "they learn" is always a
//! comparison: the scripted forager and the uniformly random policy.
//!
//! **The scripted forager.** Each coalition picks, every step, the apple it can load — level at
//! most the sum of its members' levels — that is nearest to its members (the least sum of
//! distances to a cell beside the apple; ties in row-major order), and every member walks there
//! and loads when beside it. Walking: towards the nearest free cell beside the apple, one axis
//! at a time (which axis first alternates with the agent and the step, so two agents do not
//! block each other forever), sideways when an apple blocks the way. All members go to one
//! apple because an unnormalised load pays `level_i · apple_level` to every loader: more
//! loaders, more reward. It shows that cooperation pays: on the grand coalition it collects
//! apples no single agent can load (see the tests and RESULTS.md).

use rand::Rng;
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::followers::game::{JointPolicy, Membership};
use crate::lbf::{Action, Foraging, Position};

/// The scripted forager (see the module doc). Deterministic; keeps no state between steps.
#[derive(Clone, Debug, Default)]
pub struct Scripted;

/// Every agent picks one of the six actions uniformly at random.
#[derive(Clone, Debug)]
pub struct RandomPolicy {
    rng: Xoshiro256PlusPlus,
}

impl RandomPolicy {
    /// A random policy drawing from its own stream seeded by `seed`.
    pub fn new(seed: u64) -> Self {
        use rand::SeedableRng;
        Self {
            rng: Xoshiro256PlusPlus::seed_from_u64(seed),
        }
    }
}

impl JointPolicy for RandomPolicy {
    fn act(&mut self, _: &Foraging, _: &Membership, actions: &mut [Action]) {
        for a in actions.iter_mut() {
            *a = Action::ALL[self.rng.random_range(0..Action::ALL.len())];
        }
    }
}

fn manhattan(a: Position, b: Position) -> usize {
    a.0.abs_diff(b.0) + a.1.abs_diff(b.1)
}

/// Steps from `from` to a cell beside `apple` (0 when already beside it).
fn distance_to_load(from: Position, apple: Position) -> usize {
    manhattan(from, apple).saturating_sub(1)
}

impl JointPolicy for Scripted {
    fn act(&mut self, env: &Foraging, membership: &Membership, actions: &mut [Action]) {
        let players = env.players();
        let food = env.food();
        let step = env.current_step();
        for (k, coalition) in membership.coalitions().iter().enumerate() {
            let level: u32 = coalition.agents().map(|a| players[a].level).sum();
            let target = food
                .iter()
                .filter(|f| f.level <= level)
                .min_by_key(|f| {
                    coalition
                        .agents()
                        .map(|a| distance_to_load(players[a].position, f.position))
                        .sum::<usize>()
                })
                .map(|f| f.position);
            for agent in coalition.agents() {
                debug_assert_eq!(membership.coalition_of(agent), k);
                actions[agent] = match target {
                    None => Action::None,
                    Some(apple) => walk_or_load(env, agent, apple, step),
                };
            }
        }
    }
}

/// `agent`'s action towards loading `apple`.
fn walk_or_load(env: &Foraging, agent: usize, apple: Position, step: usize) -> Action {
    let players = env.players();
    let here = players[agent].position;
    if manhattan(here, apple) == 1 {
        return Action::Load;
    }
    let (rows, cols) = env.params().field_size;
    // The cell beside the apple to walk to: free of apples, preferably of other players.
    let sides = [(-1isize, 0isize), (1, 0), (0, -1), (0, 1)]
        .into_iter()
        .filter_map(|(dr, dc)| {
            let r = apple.0.checked_add_signed(dr)?;
            let c = apple.1.checked_add_signed(dc)?;
            (r < rows && c < cols && env.food_at((r, c)) == 0).then_some((r, c))
        });
    let taken = |cell: Position| {
        players
            .iter()
            .enumerate()
            .any(|(j, p)| j != agent && p.position == cell)
    };
    let Some(goal) = sides.min_by_key(|&cell| (taken(cell), manhattan(here, cell))) else {
        return Action::None;
    };
    let vertical = match goal.0.cmp(&here.0) {
        std::cmp::Ordering::Less => Some(Action::North),
        std::cmp::Ordering::Greater => Some(Action::South),
        std::cmp::Ordering::Equal => None,
    };
    let horizontal = match goal.1.cmp(&here.1) {
        std::cmp::Ordering::Less => Some(Action::West),
        std::cmp::Ordering::Greater => Some(Action::East),
        std::cmp::Ordering::Equal => None,
    };
    let valid = &env.valid_actions()[agent];
    let (first, second) = if (agent + step).is_multiple_of(2) {
        (vertical, horizontal)
    } else {
        (horizontal, vertical)
    };
    let towards = [first, second].into_iter().flatten();
    if let Some(a) = towards.clone().find(|a| valid.contains(a)) {
        return a;
    }
    // Blocked by an apple: step sideways, across the blocked axis.
    let sideways: &[Action] = match first.or(second) {
        Some(Action::North | Action::South) => &[Action::West, Action::East],
        _ => &[Action::North, Action::South],
    };
    let turn = (agent + step / 2) % 2;
    [sideways[turn], sideways[1 - turn]]
        .into_iter()
        .find(|a| valid.contains(a))
        .unwrap_or(Action::None)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::CoalitionStructure;
    use crate::followers::config::Config;
    use crate::followers::game::evaluate;

    /// `(grand, singletons)` values of the scripted forager for one seed.
    fn grand_and_singletons(config: &Config, seed: u64) -> (f64, f64) {
        let n = config.agents();
        let v = |cs| {
            evaluate(config, &cs, &mut Scripted, 10, seed)
                .unwrap()
                .total
        };
        (
            v(CoalitionStructure::grand(n)),
            v(CoalitionStructure::singletons(n)),
        )
    }

    #[test]
    fn cooperation_pays_for_the_scripted_forager() {
        for name in ["teaching", "6a4t"] {
            let config = Config::from_name(name).unwrap();
            let wins = (0..5)
                .filter(|&seed| {
                    let (grand, alone) = grand_and_singletons(&config, seed);
                    grand > alone
                })
                .count();
            assert!(
                wins >= 4,
                "{name}: the grand coalition won on {wins} of 5 seeds"
            );
        }
    }

    #[test]
    fn the_scripted_forager_beats_random_play() {
        let config = Config::from_name("6a4t").unwrap();
        let cs = CoalitionStructure::grand(6);
        let scripted = evaluate(&config, &cs, &mut Scripted, 10, 3).unwrap();
        let random = evaluate(&config, &cs, &mut RandomPolicy::new(1), 10, 3).unwrap();
        assert!(
            scripted.total > random.total + 10.0,
            "scripted {} vs random {}",
            scripted.total,
            random.total
        );
    }
}
