//! What the followers' networks read: each agent's observation, encoded around itself, and the
//! global state the centralised critic reads.
//!
//! **Actor input** (an agent's observation, paper's `o_f^i`): the same information as
//! lbforaging's vector observation — apples and players within the agent's sight — encoded
//! egocentrically, because networks this small learn "walk to the apple" far faster from
//! offsets than from window coordinates: its own level and position; then one slot per apple
//! (`max_num_food` slots), nearest first (ties row-major), each `(Δrow, Δcol, level, 1)` or
//! zeros; then one slot per other agent in index order, `(Δrow, Δcol, level, 1, mate)` or
//! zeros when out of sight, where `mate` is 1 for a member of its own coalition (what the
//! coalition structure tells a follower). Positions are divided by the grid's larger side,
//! levels by the configuration's highest level.
//!
//! **Critic state** (the paper's `s_f`): every agent's `(row, col, level)` followed by its offset
//! `(Δrow, Δcol)` to every apple slot; every apple slot's `(row, col, level, 1)` in row-major
//! order (zeros once loaded, offsets too); and the fraction of the episode played (episodes end
//! at a step limit, so the value depends on the time left). The offsets carry no information
//! the positions do not, but whether an agent stands beside an apple — the only place a load
//! pays — is a simple function of them and a hard one of absolute coordinates: with positions
//! alone the critic never fitted the rare rewarded loads of random play.

use crate::followers::game::Membership;
use crate::lbf::{Foraging, Params, Position};

/// Width of an actor's input for `params`.
pub fn actor_len(params: &Params) -> usize {
    3 + 4 * params.max_num_food + 5 * params.players.saturating_sub(1)
}

/// Width of the critic's state for `params`.
pub fn state_len(params: &Params) -> usize {
    (3 + 2 * params.max_num_food) * params.players + 4 * params.max_num_food + 1
}

/// Encodes observations and states, reusing its buffers (no allocation per step).
#[derive(Clone, Debug, Default)]
pub struct Encoder {
    food: Vec<(Position, u32)>,
    near: Vec<(usize, usize)>,
}

fn max_level(params: &Params) -> f32 {
    let food = params.max_food_level.unwrap_or(3 * params.max_player_level);
    food.max(params.max_player_level).max(1) as f32
}

impl Encoder {
    /// Reads `env`'s apples (once per step, before encoding any agent).
    pub fn load(&mut self, env: &Foraging) {
        let (rows, cols) = env.params().field_size;
        self.food.clear();
        for r in 0..rows {
            for c in 0..cols {
                let level = env.food_at((r, c));
                if level > 0 {
                    self.food.push(((r, c), level));
                }
            }
        }
    }

    /// `agent`'s actor input (see the module doc) into `out` (`actor_len` long).
    pub fn actor_input(
        &mut self,
        env: &Foraging,
        membership: &Membership,
        agent: usize,
        out: &mut [f32],
    ) {
        let params = env.params();
        let (rows, cols) = params.field_size;
        let scale = rows.max(cols) as f32;
        let top = max_level(params);
        let sight = params.sight as isize;
        let me = env.players()[agent];
        let (r0, c0) = (me.position.0 as isize, me.position.1 as isize);
        let seen = |(r, c): Position| {
            let (dr, dc) = (r as isize - r0, c as isize - c0);
            (dr.abs() <= sight && dc.abs() <= sight).then_some((dr, dc))
        };
        out.fill(0.0);
        out[0] = me.level as f32 / top;
        out[1] = r0 as f32 / scale;
        out[2] = c0 as f32 / scale;
        self.near.clear();
        for (k, &(cell, _)) in self.food.iter().enumerate() {
            if let Some((dr, dc)) = seen(cell) {
                self.near.push((dr.unsigned_abs() + dc.unsigned_abs(), k));
            }
        }
        self.near.sort_unstable();
        for (slot, &(_, k)) in self.near.iter().take(params.max_num_food).enumerate() {
            let (cell, level) = self.food[k];
            let (dr, dc) = seen(cell).expect("visible");
            let o = 3 + 4 * slot;
            out[o..o + 4].copy_from_slice(&[
                dr as f32 / scale,
                dc as f32 / scale,
                level as f32 / top,
                1.0,
            ]);
        }
        let mut o = 3 + 4 * params.max_num_food;
        for (j, p) in env.players().iter().enumerate() {
            if j == agent {
                continue;
            }
            if let Some((dr, dc)) = seen(p.position) {
                let mate = if membership.together(agent, j) {
                    1.0
                } else {
                    0.0
                };
                out[o..o + 5].copy_from_slice(&[
                    dr as f32 / scale,
                    dc as f32 / scale,
                    p.level as f32 / top,
                    1.0,
                    mate,
                ]);
            }
            o += 5;
        }
    }

    /// The critic's state (see the module doc) into `out` (`state_len` long).
    pub fn state(&self, env: &Foraging, out: &mut [f32]) {
        let params = env.params();
        let (rows, cols) = params.field_size;
        let scale = rows.max(cols) as f32;
        let top = max_level(params);
        out.fill(0.0);
        let apples = params.max_num_food;
        let per_agent = 3 + 2 * apples;
        let food = &self.food[..self.food.len().min(apples)];
        for (j, p) in env.players().iter().enumerate() {
            let o = per_agent * j;
            out[o..o + 3].copy_from_slice(&[
                p.position.0 as f32 / scale,
                p.position.1 as f32 / scale,
                p.level as f32 / top,
            ]);
            for (slot, &((r, c), _)) in food.iter().enumerate() {
                out[o + 3 + 2 * slot] = (r as f32 - p.position.0 as f32) / scale;
                out[o + 4 + 2 * slot] = (c as f32 - p.position.1 as f32) / scale;
            }
        }
        let base = per_agent * params.players;
        for (slot, &((r, c), level)) in food.iter().enumerate() {
            let o = base + 4 * slot;
            out[o..o + 4].copy_from_slice(&[
                r as f32 / scale,
                c as f32 / scale,
                level as f32 / top,
                1.0,
            ]);
        }
        out[base + 4 * params.max_num_food] =
            env.current_step() as f32 / params.max_episode_steps.max(1) as f32;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::CoalitionStructure;
    use crate::lbf::{Food, Player};

    #[test]
    fn apples_come_nearest_first_and_mates_are_marked() {
        let params = Params {
            players: 3,
            field_size: (8, 8),
            max_num_food: 2,
            sight: 8,
            max_food_level: Some(4),
            normalize_reward: false,
            ..Params::default()
        };
        let players = vec![
            Player {
                position: (1, 1),
                level: 2,
            },
            Player {
                position: (6, 6),
                level: 1,
            },
            Player {
                position: (1, 5),
                level: 1,
            },
        ];
        let food = [
            Food {
                position: (2, 2),
                level: 3,
            },
            Food {
                position: (5, 5),
                level: 4,
            },
        ];
        let env = Foraging::from_state(params.clone(), players, &food, 7.0).unwrap();
        let m = Membership::new(
            &CoalitionStructure::from_lists(3, &[vec![0, 2], vec![1]]).unwrap(),
            3,
        )
        .unwrap();
        let mut enc = Encoder::default();
        enc.load(&env);
        let mut out = vec![9.0; actor_len(&params)];
        enc.actor_input(&env, &m, 1, &mut out);
        // agent 1 at (6,6): (5,5) is nearer than (2,2).
        assert_eq!(&out[..3], &[0.25, 0.75, 0.75]);
        assert_eq!(&out[3..7], &[-1.0 / 8.0, -1.0 / 8.0, 1.0, 1.0]);
        assert_eq!(&out[7..11], &[-0.5, -0.5, 0.75, 1.0]);
        // others: agent 0 (not a mate), agent 2 (not a mate)
        assert_eq!(out[11 + 4], 0.0);
        enc.actor_input(&env, &m, 0, &mut out);
        // agent 0's others: agent 1 (not a mate) then agent 2 (a mate)
        assert_eq!((out[11 + 4], out[16 + 4]), (0.0, 1.0));
        let mut state = vec![9.0; state_len(&params)];
        enc.state(&env, &mut state);
        assert_eq!(state.len(), 3 * 7 + 8 + 1);
        // agent 0 at (1,1), level 2; offsets to (2,2) and (5,5)
        assert_eq!(&state[..7], &[0.125, 0.125, 0.5, 0.125, 0.125, 0.5, 0.5]);
        assert_eq!(&state[21..25], &[0.25, 0.25, 0.75, 1.0]);
        assert_eq!(state[29], 0.0);
    }
}
