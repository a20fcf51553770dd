//! Vector observations, lbforaging's default layout (`_make_obs` L451-485, `make_obs_array`
//! L488-519): what each agent sees of the grid within its sight, as a flat `f32` vector.

use crate::lbf::env::Foraging;

impl Foraging {
    /// Agent `agent`'s observation: `max_num_food` food triples `(y, x, level)` in row-major
    /// order of its window, then player triples, itself first and the other visible players in
    /// index order (pairs `(y, x)` without `observe_agent_levels`). Coordinates are relative to
    /// the window's origin `(max(r − sight, 0), max(c − sight, 0))`; unused slots are
    /// `(-1, -1, 0)` (or `(-1, -1)`). Food beyond `max_num_food` slots (only possible in a
    /// hand-made state) is left out.
    ///
    /// # Panics
    /// If `agent` is not a player index.
    pub fn observe(&self, agent: usize) -> Vec<f32> {
        let mut obs = vec![0.0; self.params.observation_len()];
        self.observe_into(agent, &mut obs);
        obs
    }

    /// [`observe`](Self::observe) written into `out` without allocating (a learner's step
    /// builds every agent's observation into buffers it keeps).
    ///
    /// # Panics
    /// If `agent` is not a player index or `out` is not `observation_len()` long.
    pub fn observe_into(&self, agent: usize, out: &mut [f32]) {
        let params = &self.params;
        assert_eq!(
            out.len(),
            params.observation_len(),
            "observation buffer length"
        );
        let (rows, cols) = params.field_size;
        let sight = params.sight;
        let (row, col) = self.players[agent].position;
        let origin = (row.saturating_sub(sight), col.saturating_sub(sight));

        let food_slots = params.max_num_food;
        let mut written = 0;
        // The apples in the window, in row-major order (the order of `apples`).
        let (last_row, last_col) = ((row + sight).min(rows - 1), (col + sight).min(cols - 1));
        for &cell in &self.apples {
            let (r, c) = (cell / cols, cell % cols);
            if r < origin.0 || r > last_row || c < origin.1 || c > last_col {
                continue;
            }
            if written == food_slots {
                break;
            }
            out[3 * written..3 * written + 3].copy_from_slice(&[
                (r - origin.0) as f32,
                (c - origin.1) as f32,
                self.field[cell] as f32,
            ]);
            written += 1;
        }
        for slot in out[3 * written..3 * food_slots].chunks_exact_mut(3) {
            slot.copy_from_slice(&[-1.0, -1.0, 0.0]);
        }

        // A player is visible iff both coordinates relative to the origin lie in [0, 2·sight].
        let relative = |(r, c): (usize, usize)| {
            let y = r.checked_sub(origin.0).filter(|&y| y <= 2 * sight)?;
            let x = c.checked_sub(origin.1).filter(|&x| x <= 2 * sight)?;
            Some((y, x))
        };
        let width = if params.observe_agent_levels { 3 } else { 2 };
        let mut slots = out[3 * food_slots..].chunks_exact_mut(width);
        let others = (0..self.players.len()).filter(|&j| j != agent);
        for j in std::iter::once(agent).chain(others) {
            let player = self.players[j];
            if let Some((y, x)) = relative(player.position) {
                let slot = slots.next().expect("one slot per player");
                slot[0] = y as f32;
                slot[1] = x as f32;
                if width == 3 {
                    slot[2] = player.level as f32;
                }
            }
        }
        for slot in slots {
            slot[0] = -1.0;
            slot[1] = -1.0;
            if width == 3 {
                slot[2] = 0.0;
            }
        }
    }

    /// Every agent's observation, in player order.
    pub fn observations(&self) -> Vec<Vec<f32>> {
        (0..self.players.len()).map(|i| self.observe(i)).collect()
    }
}

#[cfg(test)]
mod tests {
    use crate::lbf::{Food, Foraging, Params, Player};

    fn player(position: (usize, usize), level: u32) -> Player {
        Player { position, level }
    }

    #[test]
    fn the_readme_example_with_sight_2() {
        // ep_8x8_3p_2f_sight2_pen_greedy_s6, initial state: player 0 at (4,2) has origin (2,0),
        // sees food (5,3) as (3,3,1), itself as (2,2,2), and no other player.
        let params = Params {
            players: 3,
            sight: 2,
            penalty: 0.1,
            ..Params::default()
        };
        let food = [
            Food {
                position: (3, 5),
                level: 4,
            },
            Food {
                position: (5, 3),
                level: 1,
            },
        ];
        let players = vec![player((4, 2), 2), player((2, 5), 1), player((3, 7), 1)];
        let env = Foraging::from_state(params, players, &food, 5.0).unwrap();
        let empty = [-1.0, -1.0, 0.0];
        let mut expected = vec![3.0, 3.0, 1.0];
        expected.extend(empty);
        expected.extend([2.0, 2.0, 2.0]);
        expected.extend(empty);
        expected.extend(empty);
        assert_eq!(env.observe(0), expected);
        // Player 2 at (3,7): origin (1,5); food (3,5) → (2,0,4); player 1 at (2,5) → (1,0,1).
        assert_eq!(
            env.observe(2),
            vec![2.0, 0.0, 4.0, -1.0, -1.0, 0.0, 2.0, 2.0, 1.0, 1.0, 0.0, 1.0, -1.0, -1.0, 0.0]
        );
    }

    #[test]
    fn without_agent_levels_players_are_pairs() {
        let params = Params {
            observe_agent_levels: false,
            ..Params::default()
        };
        let food = [Food {
            position: (2, 2),
            level: 1,
        }];
        let env = Foraging::from_state(
            params,
            vec![player((0, 0), 1), player((5, 5), 2)],
            &food,
            1.0,
        )
        .unwrap();
        // sight 8 covers the 8x8 grid: absolute coordinates; one unused food slot.
        assert_eq!(
            env.observe(1),
            vec![2.0, 2.0, 1.0, -1.0, -1.0, 0.0, 5.0, 5.0, 0.0, 0.0]
        );
    }
}
