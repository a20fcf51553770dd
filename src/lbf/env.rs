//! The Level-Based Foraging environment and its `step`, following lbforaging 2.0.0's rules in
//! their order (`environment.py` L622-715; `tests/data/lbf-vectors/README.md`, "Step order").
//!
//! Decisions where lbforaging is not deterministic or would crash:
//! - **Load order.** lbforaging pops loaders from a Python `set` (an order that changes between
//!   processes); we take them in ascending player index.
//! - **No food found.** `adjacent_food_location` tests N and W with `row > 1`/`col > 1`, so a
//!   loader whose only food is in row 0 or column 0 finds none and lbforaging raises `TypeError`;
//!   here that loader's LOAD does nothing (no reward, no penalty). Spawned food never lies on the
//!   border, so this only happens in hand-made states.

use crate::lbf::action::Action;
use crate::lbf::error::{Error, Result};
use crate::lbf::params::Params;
use crate::lbf::state::{adjacent, Food, Player, Position};

/// What one step returns besides the new state.
#[derive(Clone, Debug, PartialEq)]
pub struct StepOutcome {
    /// The actions applied: each requested action, or NONE where it was not valid.
    pub effective_actions: Vec<Action>,
    /// Each player's reward this step.
    pub rewards: Vec<f64>,
    /// The field is empty or the step limit is reached (lbforaging's single `done`).
    pub done: bool,
}

/// A Level-Based Foraging environment: the grid, its players and apples, and the episode's
/// counters.
#[derive(Clone, Debug, PartialEq)]
pub struct Foraging {
    pub(crate) params: Params,
    /// Apple levels by cell, row-major; 0 is an empty cell (lbforaging's `field`).
    pub(crate) field: Vec<u32>,
    /// The cells holding an apple, as row-major indices in ascending order: what `field`
    /// holds, kept so that observations and `done` read a few apples instead of every cell.
    pub(crate) apples: Vec<usize>,
    pub(crate) players: Vec<Player>,
    pub(crate) scores: Vec<f64>,
    pub(crate) food_spawned: f64,
    pub(crate) current_step: usize,
    /// Computed at the end of the previous step (or at reset), as lbforaging does.
    pub(crate) valid_actions: Vec<Vec<Action>>,
    /// Buffers a step reuses, so that stepping does not allocate.
    pub(crate) scratch: Scratch,
}

/// Working memory of one step (claimed cells, who still loads, a loading group), kept between
/// steps so that [`Foraging::step_into`] allocates nothing. Not part of the state: any two
/// scratches compare equal.
#[derive(Clone, Debug, Default)]
pub(crate) struct Scratch {
    targets: Vec<Position>,
    loading: Vec<bool>,
    group: Vec<usize>,
}

impl PartialEq for Scratch {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl Foraging {
    /// An environment in a given state at step 0 (how a recorded file's `initial` state is
    /// loaded). `food_spawned` is the normaliser of rewards, the sum of food levels at reset.
    pub fn from_state(
        params: Params,
        players: Vec<Player>,
        food: &[Food],
        food_spawned: f64,
    ) -> Result<Foraging> {
        params.validate()?;
        let (rows, cols) = params.field_size;
        if players.len() != params.players {
            return Err(Error::BadState(format!(
                "{} players given, the parameters say {}",
                players.len(),
                params.players
            )));
        }
        let inside = |(r, c): Position| r < rows && c < cols;
        let mut field = vec![0; rows * cols];
        for f in food {
            if !inside(f.position) || f.level == 0 {
                return Err(Error::BadState(format!(
                    "food at {:?} with level {} is not a cell of the {rows}x{cols} field with a level of at least 1",
                    f.position, f.level
                )));
            }
            field[f.position.0 * cols + f.position.1] = f.level;
        }
        for (i, p) in players.iter().enumerate() {
            if !inside(p.position) || p.level == 0 {
                return Err(Error::BadState(format!(
                    "player {i} at {:?} with level {} is not on the {rows}x{cols} field with a level of at least 1",
                    p.position, p.level
                )));
            }
            if field[p.position.0 * cols + p.position.1] > 0 {
                return Err(Error::BadState(format!(
                    "player {i} stands on food at {:?}",
                    p.position
                )));
            }
        }
        if !(food_spawned.is_finite() && food_spawned >= 0.0) {
            return Err(Error::BadState(format!(
                "food_spawned {food_spawned} must be a finite number >= 0"
            )));
        }
        if params.normalize_reward && food_spawned == 0.0 && !food.is_empty() {
            return Err(Error::BadState(
                "food_spawned is 0 but there is food: rewards cannot be normalised".into(),
            ));
        }
        Ok(Foraging::at_step_zero(params, field, players, food_spawned))
    }

    /// The environment at step 0 with these (checked) contents: scores at 0 and the valid
    /// actions computed, as lbforaging's `reset` leaves them. Loading a state and spawning one
    /// both end here.
    pub(crate) fn at_step_zero(
        params: Params,
        field: Vec<u32>,
        players: Vec<Player>,
        food_spawned: f64,
    ) -> Foraging {
        let n = players.len();
        let apples = (0..field.len()).filter(|&i| field[i] > 0).collect();
        let mut env = Foraging {
            params,
            field,
            apples,
            players,
            scores: vec![0.0; n],
            food_spawned,
            current_step: 0,
            valid_actions: vec![Vec::with_capacity(Action::ALL.len()); n],
            scratch: Scratch::default(),
        };
        env.compute_valid_actions();
        env
    }

    /// The environment's parameters.
    pub fn params(&self) -> &Params {
        &self.params
    }

    /// The players, in index order.
    pub fn players(&self) -> &[Player] {
        &self.players
    }

    /// The apples left, in row-major order (as lbforaging's `field.nonzero()` lists them).
    pub fn food(&self) -> Vec<Food> {
        let cols = self.params.cols();
        self.field
            .iter()
            .enumerate()
            .filter(|(_, &level)| level > 0)
            .map(|(i, &level)| Food {
                position: (i / cols, i % cols),
                level,
            })
            .collect()
    }

    /// The apple level at a cell (0 when empty).
    pub fn food_at(&self, (row, col): Position) -> u32 {
        self.field[row * self.params.cols() + col]
    }

    /// Sum of apple levels at reset, the normaliser of rewards.
    pub fn food_spawned(&self) -> f64 {
        self.food_spawned
    }

    /// Steps taken since reset.
    pub fn current_step(&self) -> usize {
        self.current_step
    }

    /// Each player's total reward since reset.
    pub fn scores(&self) -> &[f64] {
        &self.scores
    }

    /// Each player's valid actions for the next step, in action order.
    pub fn valid_actions(&self) -> &[Vec<Action>] {
        &self.valid_actions
    }

    /// lbforaging's `done`: no apple left, or the step limit reached.
    pub fn is_done(&self) -> bool {
        self.apples.is_empty() || self.params.max_episode_steps <= self.current_step
    }

    /// One step of the joint action (one action per player, in player order), applying the
    /// README's rules in order: counter, valid actions, movement, loading, done, valid actions
    /// for the next step, scores. Stepping after `done` is allowed, as in lbforaging.
    pub fn step(&mut self, actions: &[Action]) -> Result<StepOutcome> {
        let mut outcome = StepOutcome {
            effective_actions: Vec::with_capacity(actions.len()),
            rewards: Vec::with_capacity(actions.len()),
            done: false,
        };
        self.step_into(actions, &mut outcome)?;
        Ok(outcome)
    }

    /// [`step`](Self::step) writing into an outcome the caller keeps, so that a learner's
    /// steps allocate nothing once `outcome`'s vectors have grown to the number of players.
    pub fn step_into(&mut self, actions: &[Action], outcome: &mut StepOutcome) -> Result<()> {
        let n = self.players.len();
        if actions.len() != n {
            return Err(Error::WrongActionCount {
                given: actions.len(),
                players: n,
            });
        }
        self.current_step += 1;
        outcome.effective_actions.clear();
        outcome
            .effective_actions
            .extend(actions.iter().zip(&self.valid_actions).map(|(a, valid)| {
                if valid.contains(a) {
                    *a
                } else {
                    Action::None
                }
            }));
        self.move_players(&outcome.effective_actions);
        self.load(&outcome.effective_actions, &mut outcome.rewards);
        outcome.done = self.is_done();
        self.compute_valid_actions();
        for (score, reward) in self.scores.iter_mut().zip(&outcome.rewards) {
            *score += reward;
        }
        Ok(())
    }

    /// Movement (L643-669): each player claims a cell (its own for NONE and LOAD) and moves
    /// there iff it is the only claimant. One pass over all claims, so swaps happen and a
    /// player can move onto one who was blocked (the overlap quirk).
    fn move_players(&mut self, actions: &[Action]) {
        let mut targets = std::mem::take(&mut self.scratch.targets);
        targets.clear();
        targets.extend(
            self.players
                .iter()
                .zip(actions)
                .map(|(p, a)| self.neighbour(p.position, *a).unwrap_or(p.position)),
        );
        for (player, target) in self.players.iter_mut().zip(&targets) {
            if targets.iter().filter(|t| *t == target).count() == 1 {
                player.position = *target;
            }
        }
        self.scratch.targets = targets;
    }

    /// Loading (L671-700), loaders taken in ascending index (see the module's note). Writes
    /// the step's rewards.
    fn load(&mut self, actions: &[Action], rewards: &mut Vec<f64>) {
        let n = self.players.len();
        rewards.clear();
        rewards.resize(n, 0.0);
        let mut loading = std::mem::take(&mut self.scratch.loading);
        let mut group = std::mem::take(&mut self.scratch.group);
        loading.clear();
        loading.extend(actions.iter().map(|a| *a == Action::Load));
        for picked in 0..n {
            if !loading[picked] {
                continue;
            }
            loading[picked] = false;
            let Some(food) = self.adjacent_food_location(self.players[picked].position) else {
                continue; // lbforaging would crash here; see the module's note
            };
            group.clear();
            group.extend((0..n).filter(|&j| {
                (j == picked || loading[j]) && adjacent(self.players[j].position, food)
            }));
            for &j in &group {
                loading[j] = false;
            }
            let food_level = self.food_at(food);
            let group_level: u32 = group.iter().map(|&j| self.players[j].level).sum();
            if group_level < food_level {
                for &j in &group {
                    rewards[j] -= self.params.penalty;
                }
                continue;
            }
            for &j in &group {
                let mut reward = f64::from(self.players[j].level) * f64::from(food_level);
                if self.params.normalize_reward {
                    reward /= f64::from(group_level) * self.food_spawned;
                }
                rewards[j] = reward;
            }
            let cell = food.0 * self.params.cols() + food.1;
            self.field[cell] = 0;
            self.apples.retain(|&a| a != cell);
        }
        self.scratch.loading = loading;
        self.scratch.group = group;
    }

    /// The cell a move leads to, if it is on the grid; a player's own cell for NONE and LOAD.
    fn neighbour(&self, (row, col): Position, action: Action) -> Option<Position> {
        let (dr, dc) = action.delta();
        let r = row.checked_add_signed(dr)?;
        let c = col.checked_add_signed(dc)?;
        (r < self.params.rows() && c < self.params.cols()).then_some((r, c))
    }

    /// lbforaging's `adjacent_food_location` (L328-336): the first apple in N, S, W, E order,
    /// with its quirk of testing N and W by `row > 1` / `col > 1`.
    fn adjacent_food_location(&self, (row, col): Position) -> Option<Position> {
        let (rows, cols) = self.params.field_size;
        let candidates = [
            (row > 1).then(|| (row - 1, col)),
            (row + 1 < rows).then_some((row + 1, col)),
            (col > 1).then(|| (row, col - 1)),
            (col + 1 < cols).then_some((row, col + 1)),
        ];
        candidates
            .into_iter()
            .flatten()
            .find(|&cell| self.food_at(cell) > 0)
    }

    /// lbforaging's `adjacent_food` (L338-346): apple levels summed over the clamped
    /// 4-neighbourhood (at a border the player's own, empty, cell is read instead).
    fn adjacent_food(&self, (row, col): Position) -> u32 {
        let (rows, cols) = self.params.field_size;
        let column: u32 = (row.saturating_sub(1)..(row + 2).min(rows))
            .map(|r| self.food_at((r, col)))
            .sum();
        let line: u32 = (col.saturating_sub(1)..(col + 2).min(cols))
            .map(|c| self.food_at((row, c)))
            .sum();
        column + line
    }

    /// Valid actions (L413-440): NONE always; a move iff its cell is on the grid and holds no
    /// apple (other players are not checked); LOAD iff an apple is adjacent. Rewritten in
    /// place (each list keeps its capacity), for the next step.
    pub(super) fn compute_valid_actions(&mut self) {
        let mut lists = std::mem::take(&mut self.valid_actions);
        lists.resize_with(self.players.len(), || Vec::with_capacity(Action::ALL.len()));
        for (list, p) in lists.iter_mut().zip(&self.players) {
            list.clear();
            list.extend(Action::ALL.into_iter().filter(|&a| {
                match a {
                    Action::None => true,
                    Action::Load => self.adjacent_food(p.position) > 0,
                    _ => self
                        .neighbour(p.position, a)
                        .is_some_and(|cell| self.food_at(cell) == 0),
                }
            }));
        }
        self.valid_actions = lists;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use Action::{East, Load, None as Stay, North, South, West};

    fn player(position: Position, level: u32) -> Player {
        Player { position, level }
    }

    fn env(size: usize, players: &[(Position, u32)], food: &[(Position, u32)]) -> Foraging {
        let params = Params {
            players: players.len(),
            field_size: (size, size),
            max_num_food: food.len().max(1),
            sight: size,
            ..Params::default()
        };
        let players = players.iter().map(|&(p, l)| player(p, l)).collect();
        let food: Vec<Food> = food
            .iter()
            .map(|&(position, level)| Food { position, level })
            .collect();
        let spawned = food.iter().map(|f| f64::from(f.level)).sum();
        Foraging::from_state(params, players, &food, spawned).unwrap()
    }

    fn positions(env: &Foraging) -> Vec<Position> {
        env.players().iter().map(|p| p.position).collect()
    }

    #[test]
    fn swaps_happen_and_a_blocked_chain_overlaps() {
        let mut e = env(6, &[((2, 1), 1), ((2, 2), 1)], &[((4, 4), 1)]);
        e.step(&[East, West]).unwrap();
        assert_eq!(positions(&e), vec![(2, 2), (2, 1)]);
        // A → B's cell, B → C's cell, C stays: B and C blocked, A lands on B.
        let mut e = env(6, &[((1, 1), 1), ((1, 2), 1), ((1, 3), 1)], &[((4, 4), 1)]);
        e.step(&[East, East, Stay]).unwrap();
        assert_eq!(positions(&e), vec![(1, 2), (1, 2), (1, 3)]);
    }

    #[test]
    fn invalid_actions_become_none_and_moves_into_food_are_invalid() {
        let mut e = env(5, &[((0, 0), 1), ((2, 1), 1)], &[((2, 2), 1)]);
        assert_eq!(e.valid_actions()[1], vec![Stay, North, South, West, Load]);
        let out = e.step(&[North, East]).unwrap();
        assert_eq!(out.effective_actions, vec![Stay, Stay]);
        assert_eq!(positions(&e), vec![(0, 0), (2, 1)]);
    }

    #[test]
    fn loaders_are_taken_in_ascending_index() {
        // sc_load_order_dependent: P0 touches N(2,3) and S(4,3), P1 only S. P0 goes first, finds
        // N first and fails alone; P1 then fails alone on S.
        let mut e = env(7, &[((3, 3), 1), ((4, 4), 1)], &[((2, 3), 2), ((4, 3), 2)]);
        let out = e.step(&[Load, Load]).unwrap();
        assert_eq!(out.rewards, vec![0.0, 0.0]);
        assert_eq!(e.food().len(), 2);
    }

    #[test]
    fn a_joint_load_shares_the_normalised_reward_by_level() {
        // levels 1 + 2 on food 3, spawned 4: 1·3/(3·4) = 0.25 and 2·3/(3·4) = 0.5.
        let mut e = env(6, &[((2, 1), 1), ((2, 3), 2)], &[((2, 2), 3), ((4, 4), 1)]);
        let out = e.step(&[Load, Load]).unwrap();
        assert_eq!(out.rewards, vec![0.25, 0.5]);
        assert_eq!(e.scores(), &[0.25, 0.5]);
        assert!(!out.done);
        assert_eq!(
            e.food(),
            vec![Food {
                position: (4, 4),
                level: 1
            }]
        );
    }

    #[test]
    fn food_in_row_0_is_not_found_and_the_load_does_nothing() {
        // lbforaging crashes here (the `row > 1` quirk); we do nothing, without a penalty.
        let mut e = env(5, &[((1, 2), 1)], &[((0, 2), 1)]);
        e.params.penalty = 0.5;
        assert!(e.valid_actions()[0].contains(&Load));
        let out = e.step(&[Load]).unwrap();
        assert_eq!(out.rewards, vec![0.0]);
        assert_eq!(e.food().len(), 1);
    }

    #[test]
    fn the_step_limit_ends_the_episode_and_stepping_on_is_allowed() {
        let mut e = env(5, &[((1, 1), 1)], &[((3, 3), 1)]);
        e.params.max_episode_steps = 2;
        assert!(!e.step(&[Stay]).unwrap().done);
        assert!(e.step(&[Stay]).unwrap().done);
        assert!(e.step(&[Stay]).unwrap().done);
        assert_eq!(e.current_step(), 3);
        assert_eq!(
            e.step(&[]).unwrap_err(),
            Error::WrongActionCount {
                given: 0,
                players: 1
            }
        );
    }
}
