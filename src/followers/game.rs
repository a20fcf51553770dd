//! The coalition game on the grid (SPEC section 6; the paper's Definition 4.1 and eq. 1).
//!
//! All coalitions act on **one** shared Level-Based Foraging grid: the leader's structure `CS`
//! does not split the world, it only decides whose rewards are pooled. A reward the grid pays a
//! member (lbforaging's own, unnormalised: `level_i · apple_level` for each loader) is credited
//! to its coalition, `r_t^C = Σ_{i ∈ C} r_t^i`, and every member beyond the first costs the
//! recruitment cost once per episode. A coalition's value is its expected episode return under
//! the given policies, minus that cost:
//!
//! `v(C | CS) = E[ Σ_t γ^t r_t^C ] − (|C| − 1) · cost`, and `V(CS) = Σ_{C ∈ CS} v(C | CS)`.
//!
//! The sum is discounted by `γ_f` by default, as the paper's `J_f^C` in eq. 1 is (so the leader's
//! reward is made of what the followers maximise); [`Discount::Undiscounted`] sums the apple
//! levels collected instead. Since every coalition shares the grid, `v(C)` depends on the whole
//! structure: an apple another coalition loads first is lost to `C`.
//!
//! The expectation is a mean over `episodes` episodes whose starting grids come from one seeded
//! stream, so two policies evaluated with the same seed meet the same grids (common random
//! numbers).

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use crate::core::{Coalition, CoalitionStructure};
use crate::followers::config::{Config, Discount};
use crate::followers::error::{Error, Result};
use crate::lbf::{Action, EpisodeFile, Foraging, InitialState, StepOutcome, StepRecord};

/// A structure laid over the agents: each agent's coalition and each coalition's members.
#[derive(Clone, Debug, PartialEq)]
pub struct Membership {
    coalition_of: Vec<usize>,
    coalitions: Vec<Coalition>,
}

impl Membership {
    /// `cs` checked against `agents`, the configuration's number of agents.
    pub fn new(cs: &CoalitionStructure, agents: usize) -> Result<Membership> {
        if cs.agents() != agents {
            return Err(Error::WrongAgents {
                given: cs.agents(),
                agents,
            });
        }
        let mut coalition_of = vec![0; agents];
        for (k, c) in cs.coalitions().iter().enumerate() {
            for a in c.agents() {
                coalition_of[a] = k;
            }
        }
        Ok(Membership {
            coalition_of,
            coalitions: cs.coalitions().to_vec(),
        })
    }

    /// The index (into [`coalitions`](Self::coalitions)) of `agent`'s coalition.
    pub fn coalition_of(&self, agent: usize) -> usize {
        self.coalition_of[agent]
    }

    /// The coalitions, in the structure's order (by smallest member).
    pub fn coalitions(&self) -> &[Coalition] {
        &self.coalitions
    }

    /// The number of agents.
    pub fn agents(&self) -> usize {
        self.coalition_of.len()
    }

    /// Whether agents `a` and `b` are in one coalition.
    pub fn together(&self, a: usize, b: usize) -> bool {
        self.coalition_of[a] == self.coalition_of[b]
    }
}

/// A way of choosing every agent's action: the scripted forager, the random policy, or the
/// trained followers.
pub trait JointPolicy {
    /// Writes each agent's action for `env`'s current state into `actions` (one per agent).
    fn act(&mut self, env: &Foraging, membership: &Membership, actions: &mut [Action]);
}

/// One episode's rewards per coalition (in the membership's order), before the recruitment cost.
#[derive(Clone, Debug, PartialEq)]
pub struct EpisodeReturn {
    /// `Σ_t γ^t r_t^C`.
    pub discounted: Vec<f64>,
    /// `Σ_t r_t^C`.
    pub undiscounted: Vec<f64>,
    /// Steps played.
    pub steps: usize,
}

impl EpisodeReturn {
    /// The return `v(C)` is built from, by the configuration's [`Discount`].
    pub fn returns(&self, discount: Discount) -> &[f64] {
        match discount {
            Discount::Discounted => &self.discounted,
            Discount::Undiscounted => &self.undiscounted,
        }
    }
}

/// One coalition's value in a structure.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CoalitionValue {
    /// Its members.
    pub members: Vec<usize>,
    /// `v(C | CS)`: mean return minus the recruitment cost.
    pub value: f64,
    /// The mean return before the cost.
    pub reward: f64,
    /// `(|C| − 1) · cost`.
    pub cost: f64,
}

/// A structure's value: each coalition's and their sum.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StructureValue {
    /// One entry per coalition, in the structure's order.
    pub coalitions: Vec<CoalitionValue>,
    /// `V(CS) = Σ v(C | CS)`.
    pub total: f64,
    /// Episodes averaged.
    pub episodes: usize,
}

/// The recruitment cost of a coalition of `size` members.
pub fn recruitment_cost(config: &Config, size: usize) -> f64 {
    size.saturating_sub(1) as f64 * config.game.recruitment_cost
}

/// Plays one episode from `env` to its end, crediting rewards to coalitions; `record` receives
/// each step (for episode files) when given.
pub fn play_episode(
    config: &Config,
    membership: &Membership,
    policy: &mut dyn JointPolicy,
    env: &mut Foraging,
    mut record: Option<&mut Vec<StepRecord>>,
) -> Result<EpisodeReturn> {
    let n = membership.agents();
    let k = membership.coalitions().len();
    let mut out = EpisodeReturn {
        discounted: vec![0.0; k],
        undiscounted: vec![0.0; k],
        steps: 0,
    };
    let mut actions = vec![Action::None; n];
    let mut outcome = StepOutcome {
        effective_actions: Vec::with_capacity(n),
        rewards: Vec::with_capacity(n),
        done: false,
    };
    let mut weight = 1.0;
    while !env.is_done() {
        policy.act(env, membership, &mut actions);
        let valid_actions_before = record.as_ref().map(|_| env.valid_actions().to_vec());
        env.step_into(&actions, &mut outcome)?;
        for (agent, &r) in outcome.rewards.iter().enumerate() {
            let c = membership.coalition_of(agent);
            out.discounted[c] += weight * r;
            out.undiscounted[c] += r;
        }
        weight *= config.game.gamma;
        out.steps += 1;
        if let (Some(steps), Some(valid_actions_before)) = (record.as_mut(), valid_actions_before) {
            steps.push(StepRecord {
                t: env.current_step(),
                actions: actions.clone(),
                valid_actions_before,
                effective_actions: outcome.effective_actions.clone(),
                rewards: outcome.rewards.clone(),
                done: outcome.done,
                truncated: false,
                players: env.players().to_vec(),
                food: env.food(),
                scores: env.scores().to_vec(),
                current_step: env.current_step(),
                obs: env.observations(),
            });
        }
    }
    Ok(out)
}

/// The seeded stream every evaluation with `seed` draws its starting grids from.
pub fn grid_stream(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// `V(CS)` and each `v(C | CS)` under `policy`: the mean over `episodes` episodes whose grids
/// come from [`grid_stream`]`(seed)`.
pub fn evaluate(
    config: &Config,
    cs: &CoalitionStructure,
    policy: &mut dyn JointPolicy,
    episodes: usize,
    seed: u64,
) -> Result<StructureValue> {
    if episodes == 0 {
        return Err(Error::BadSetting {
            name: "episodes",
            why: "evaluate at least 1 episode".into(),
        });
    }
    let membership = Membership::new(cs, config.agents())?;
    let mut grids = grid_stream(seed);
    let mut sums = vec![0.0; membership.coalitions().len()];
    for _ in 0..episodes {
        let mut env = Foraging::reset(config.lbf.clone(), &mut grids)?;
        let ret = play_episode(config, &membership, policy, &mut env, None)?;
        for (s, r) in sums.iter_mut().zip(ret.returns(config.game.discount)) {
            *s += r;
        }
    }
    Ok(structure_value(config, &membership, &sums, episodes))
}

/// The structure's value from each coalition's summed return over `episodes` episodes.
pub fn structure_value(
    config: &Config,
    membership: &Membership,
    sums: &[f64],
    episodes: usize,
) -> StructureValue {
    let coalitions: Vec<CoalitionValue> = membership
        .coalitions()
        .iter()
        .zip(sums)
        .map(|(c, s)| {
            let reward = s / episodes as f64;
            let cost = recruitment_cost(config, c.len());
            CoalitionValue {
                members: c.agents().collect(),
                value: reward - cost,
                reward,
                cost,
            }
        })
        .collect();
    StructureValue {
        total: coalitions.iter().map(|c| c.value).sum(),
        coalitions,
        episodes,
    }
}

/// An episode of `policy` typical of its value, in the recorded-episode format
/// (`lbf::episode_file`), which `lbf::replay` reproduces: of `episodes` played on the first grids
/// of [`grid_stream`]`(seed)`, the one of median return (the lower middle for an even count; the
/// first grid for one). One episode alone can mislead: trained followers whose `V(CS)` is a
/// mean over many grids may load nothing on the first, and a class shown that one would take the
/// training for a failure. The file's note says which grid and return it is.
pub fn record_episode(
    config: &Config,
    cs: &CoalitionStructure,
    policy: &mut dyn JointPolicy,
    seed: u64,
    policy_name: &str,
    episodes: usize,
) -> Result<EpisodeFile> {
    if episodes == 0 {
        return Err(Error::BadSetting {
            name: "episodes",
            why: "record from at least 1 episode".into(),
        });
    }
    let membership = Membership::new(cs, config.agents())?;
    let mut grids = grid_stream(seed);
    let mut played = Vec::with_capacity(episodes);
    for grid in 0..episodes {
        let mut env = Foraging::reset(config.lbf.clone(), &mut grids)?;
        let initial = InitialState::of(&env, None);
        let mut steps = Vec::new();
        let ret = play_episode(config, &membership, policy, &mut env, Some(&mut steps))?;
        let total: f64 = ret.returns(config.game.discount).iter().sum();
        played.push((total, grid, initial, steps));
    }
    // Stable: equal returns keep the grids' order.
    played.sort_by(|a, b| a.0.total_cmp(&b.0));
    let (total, grid, initial, steps) = played.swap_remove((episodes - 1) / 2);
    let which = if episodes == 1 {
        String::new()
    } else {
        format!(
            "; grid {} of the first {episodes} (the median reward, {total:.2}, discounted and \
             before recruitment costs)",
            grid + 1
        )
    };
    Ok(EpisodeFile {
        kind: Some("episode".into()),
        name: Some(format!("{}_seed{seed}", config.name)),
        note: Some(format!("coalitions {:?}{which}", cs.to_lists())),
        env_kwargs: config.lbf.clone(),
        env_seed: Some(serde_json::Value::from(seed)),
        policy: Some(serde_json::Value::from(policy_name)),
        versions: None,
        deterministic_rerun: None,
        initial,
        steps,
        order_dependent: false,
        outcomes_observed: Vec::new(),
    })
}

/// Rewards of one step credited to coalitions: `r^C = Σ_{i ∈ C} r^i` (in `out`, one per
/// coalition).
pub fn credit(membership: &Membership, rewards: &[f64], out: &mut [f64]) {
    out.fill(0.0);
    for (agent, &r) in rewards.iter().enumerate() {
        out[membership.coalition_of(agent)] += r;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::followers::config::CustomConfig;
    use crate::lbf::{Food, Player};

    /// A fixed joint action sequence (one joint action per step, then NONE).
    struct Script(Vec<Vec<Action>>, usize);

    impl JointPolicy for Script {
        fn act(&mut self, _: &Foraging, _: &Membership, actions: &mut [Action]) {
            match self.0.get(self.1) {
                Some(a) => actions.copy_from_slice(a),
                None => actions.fill(Action::None),
            }
            self.1 += 1;
        }
    }

    fn config(players: usize, steps: usize, cost: f64) -> Config {
        let mut c = Config::custom(&CustomConfig {
            grid_side: 6,
            agents: players,
            apples: 2,
            recruitment_cost: cost,
            episode_steps: Some(steps),
            ..CustomConfig::default()
        })
        .unwrap();
        c.game.gamma = 0.5;
        c
    }

    fn env(
        c: &Config,
        players: &[((usize, usize), u32)],
        food: &[((usize, usize), u32)],
    ) -> Foraging {
        let players = players
            .iter()
            .map(|&(position, level)| Player { position, level })
            .collect();
        let food: Vec<Food> = food
            .iter()
            .map(|&(position, level)| Food { position, level })
            .collect();
        Foraging::from_state(c.lbf.clone(), players, &food, 5.0).unwrap()
    }

    use Action::{Load, None as Stay, West};

    #[test]
    fn the_recorded_episode_is_the_one_of_median_return_and_replays() {
        use crate::followers::scripted::Scripted;
        let c = Config::from_name("teaching").unwrap();
        let cs = CoalitionStructure::singletons(c.agents());
        let m = Membership::new(&cs, c.agents()).unwrap();
        // The scripted forager acts without chance: the same grids give the same returns.
        let mut grids = grid_stream(3);
        let mut returns: Vec<f64> = (0..5)
            .map(|_| {
                let mut e = Foraging::reset(c.lbf.clone(), &mut grids).unwrap();
                let ret = play_episode(&c, &m, &mut Scripted, &mut e, None).unwrap();
                ret.returns(c.game.discount).iter().sum()
            })
            .collect();
        returns.sort_by(f64::total_cmp);
        assert!(returns[0] < returns[4], "the grids differ: {returns:?}");
        let file = record_episode(&c, &cs, &mut Scripted, 3, "scripted", 5).unwrap();
        let note = file.note.clone().unwrap();
        assert!(
            note.contains(&format!("(the median reward, {:.2},", returns[2])),
            "{note} for {returns:?}"
        );
        // The grid named is the one recorded.
        let grid: usize = note
            .split("; grid ")
            .nth(1)
            .unwrap()
            .split(' ')
            .next()
            .unwrap()
            .parse()
            .unwrap();
        let mut grids = grid_stream(3);
        let mut e = Foraging::reset(c.lbf.clone(), &mut grids).unwrap();
        for _ in 1..grid {
            e = Foraging::reset(c.lbf.clone(), &mut grids).unwrap();
        }
        assert_eq!(file.initial.players, e.players().to_vec());
        let replayed = crate::lbf::replay(&file).unwrap();
        assert!(crate::lbf::first_mismatch(&file, &replayed).is_none());
        // One episode is the first grid, as before.
        let first = record_episode(&c, &cs, &mut Scripted, 3, "scripted", 1).unwrap();
        let e = Foraging::reset(c.lbf.clone(), &mut grid_stream(3)).unwrap();
        assert_eq!(first.initial.players, e.players().to_vec());
        assert!(record_episode(&c, &cs, &mut Scripted, 3, "scripted", 0).is_err());
    }

    #[test]
    fn a_members_reward_is_credited_to_its_coalition_and_discounted() {
        // Agents 0 (level 1) and 1 (level 2) flank a level-3 apple at (2,2); agent 2 is far.
        let c = config(3, 4, 1.0);
        let cs = CoalitionStructure::from_lists(3, &[vec![0, 1], vec![2]]).unwrap();
        let m = Membership::new(&cs, 3).unwrap();
        let mut e = env(
            &c,
            &[((2, 1), 1), ((2, 3), 2), ((4, 4), 1)],
            &[((2, 2), 3), ((1, 4), 2)],
        );
        // step 1: nothing; step 2: both load → 1·3 + 2·3 = 9 to coalition {0, 1}.
        let mut script = Script(vec![vec![Stay; 3], vec![Load, Load, Stay]], 0);
        let ret = play_episode(&c, &m, &mut script, &mut e, None).unwrap();
        assert_eq!(ret.undiscounted, vec![9.0, 0.0]);
        assert_eq!(ret.discounted, vec![9.0 * 0.5, 0.0]);
        assert_eq!(ret.steps, 4);
        let v = structure_value(&c, &m, &ret.discounted, 1);
        assert_eq!(v.coalitions[0].cost, 1.0, "one member beyond the first");
        assert_eq!(v.coalitions[0].value, 4.5 - 1.0);
        assert_eq!(v.coalitions[1].cost, 0.0);
        assert_eq!(v.total, 3.5);
    }

    #[test]
    fn on_the_shared_grid_another_coalition_can_take_the_apple() {
        // Agent 0 (level 2, coalition {0}) and agent 1 (level 2, coalition {1}) both reach for
        // the level-2 apple at (2,2); 0 loads first (ascending index) and takes it all.
        let c = config(2, 2, 0.0);
        let cs = CoalitionStructure::singletons(2);
        let m = Membership::new(&cs, 2).unwrap();
        let mut e = env(&c, &[((2, 1), 2), ((2, 4), 2)], &[((2, 2), 2), ((4, 4), 2)]);
        // step 1: agent 1 steps west next to the apple; step 2: both load, agent 0's group is
        // itself and agent 1 (both adjacent loaders) → shared 2·2 + 2·2.
        let mut script = Script(vec![vec![Stay, West], vec![Load, Load]], 0);
        let ret = play_episode(&c, &m, &mut script, &mut e, None).unwrap();
        assert_eq!(ret.undiscounted, vec![4.0, 4.0]);
        // Alone, agent 1 is too late: agent 0 loads at step 1 and agent 1 finds nothing.
        let mut e = env(&c, &[((2, 1), 2), ((2, 4), 2)], &[((2, 2), 2), ((4, 4), 2)]);
        let mut script = Script(vec![vec![Load, West], vec![Stay, Load]], 0);
        let ret = play_episode(&c, &m, &mut script, &mut e, None).unwrap();
        assert_eq!(ret.undiscounted, vec![4.0, 0.0]);
        // In one coalition the same play credits both rewards to it, less one member's cost.
        let c = config(2, 2, 1.5);
        let grand = Membership::new(&CoalitionStructure::grand(2), 2).unwrap();
        let mut e = env(&c, &[((2, 1), 2), ((2, 4), 2)], &[((2, 2), 2), ((4, 4), 2)]);
        let mut script = Script(vec![vec![Stay, West], vec![Load, Load]], 0);
        let ret = play_episode(&c, &grand, &mut script, &mut e, None).unwrap();
        assert_eq!(ret.undiscounted, vec![8.0]);
        let v = structure_value(&c, &grand, &ret.undiscounted, 1);
        assert_eq!(v.total, 8.0 - 1.5);
    }

    #[test]
    fn a_structure_over_other_agents_is_refused() {
        let c = config(3, 4, 1.0);
        let m = evaluate(
            &c,
            &CoalitionStructure::grand(4),
            &mut Script(vec![], 0),
            1,
            0,
        )
        .unwrap_err()
        .to_string();
        assert!(m.contains("4 agents") && m.contains("has 3"), "{m}");
        let zero = evaluate(
            &c,
            &CoalitionStructure::grand(3),
            &mut Script(vec![], 0),
            0,
            0,
        );
        assert!(zero.is_err());
    }

    #[test]
    fn credit_sums_members() {
        let m = Membership::new(
            &CoalitionStructure::from_lists(3, &[vec![0, 2], vec![1]]).unwrap(),
            3,
        )
        .unwrap();
        let mut out = [0.0; 2];
        credit(&m, &[1.0, 2.0, 4.0], &mut out);
        assert_eq!(out, [5.0, 2.0]);
        assert!(m.together(0, 2) && !m.together(0, 1));
    }
}
