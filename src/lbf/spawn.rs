//! Reset: spawning players and apples from a seeded RNG by lbforaging's rules (`reset` L596-620,
//! `spawn_players` L390-411, `spawn_food` L348-379). The rules match; the positions do not (our
//! generator is not numpy's).

use rand::Rng;

use crate::lbf::env::Foraging;
use crate::lbf::error::{Error, Result};
use crate::lbf::params::Params;
use crate::lbf::state::{Player, Position};

/// lbforaging's rejection-sampling budget, per player and for all food together.
const ATTEMPTS: usize = 1000;

impl Foraging {
    /// A fresh episode: players placed by rejection sampling on empty cells with levels in
    /// `[min_player_level, max_player_level]`, then up to `max_num_food` apples (fewer when
    /// 1000 attempts in total do not find room), never on the border, never in the 3×3 box of
    /// another apple nor within 2 cells of one on its row or column, never under a player.
    ///
    /// Apple levels lie in `[min_food_level, max]` where `max` is `max_food_level`, or the sum of
    /// the three lowest player levels; with `force_coop` every apple is at `max`. (If
    /// `min_food_level` exceeds `max`, where numpy would raise, the level is `max`.) A player
    /// that finds no empty cell in 1000 tries takes the first empty cell in row-major order,
    /// where lbforaging would leave it unplaced.
    pub fn reset<R: Rng + ?Sized>(params: Params, rng: &mut R) -> Result<Foraging> {
        params.validate()?;
        let (rows, cols) = params.field_size;
        if rows < 3 || cols < 3 {
            return Err(Error::BadParams {
                name: "field_size",
                why: "spawning needs at least 3 rows and 3 cols (food never lies on the border)"
                    .into(),
            });
        }
        let mut players: Vec<Player> = Vec::with_capacity(params.players);
        for _ in 0..params.players {
            let taken = |cell: Position| players.iter().any(|p| p.position == cell);
            let sampled = (0..ATTEMPTS)
                .map(|_| (rng.random_range(0..rows), rng.random_range(0..cols)))
                .find(|&cell| !taken(cell));
            let position = sampled
                .or_else(|| {
                    (0..rows * cols)
                        .map(|i| (i / cols, i % cols))
                        .find(|&cell| !taken(cell))
                })
                .ok_or_else(|| Error::BadState("no empty cell left for a player".into()))?;
            let level = rng.random_range(params.min_player_level..=params.max_player_level);
            players.push(Player { position, level });
        }

        let mut levels: Vec<u32> = players.iter().map(|p| p.level).collect();
        levels.sort_unstable();
        let max_level = params
            .max_food_level
            .unwrap_or_else(|| levels.iter().take(3).sum());
        let min_level = if params.force_coop {
            max_level
        } else {
            params.min_food_level.min(max_level)
        };

        let mut field = vec![0u32; rows * cols];
        let food_at = |field: &[u32], r: usize, c: usize| field[r * cols + c];
        let mut spawned = 0;
        for _ in 0..ATTEMPTS {
            if spawned == params.max_num_food {
                break;
            }
            let (r, c) = (rng.random_range(1..rows - 1), rng.random_range(1..cols - 1));
            let in_box = (r - 1..=r + 1).any(|y| {
                (c - 1..=c + 1).any(|x| y < rows && x < cols && food_at(&field, y, x) > 0)
            });
            let on_cross = (r.saturating_sub(2)..(r + 3).min(rows))
                .any(|y| food_at(&field, y, c) > 0)
                || (c.saturating_sub(2)..(c + 3).min(cols)).any(|x| food_at(&field, r, x) > 0);
            let under_player = players.iter().any(|p| p.position == (r, c));
            if in_box || on_cross || under_player {
                continue;
            }
            field[r * cols + c] = if min_level == max_level {
                max_level
            } else {
                rng.random_range(min_level..=max_level)
            };
            spawned += 1;
        }
        let food_spawned = field.iter().map(|&f| f64::from(f)).sum();
        Ok(Foraging::at_step_zero(params, field, players, food_spawned))
    }
}

#[cfg(test)]
mod tests {
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    use crate::lbf::{Foraging, Params};

    /// Spawns `seeds` episodes and checks every spawning rule on each.
    fn check_rules(params: Params, seeds: u64) {
        for seed in 0..seeds {
            let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
            let env = Foraging::reset(params.clone(), &mut rng).unwrap();
            let (rows, cols) = params.field_size;
            let players = env.players();
            assert_eq!(players.len(), params.players);
            for (i, p) in players.iter().enumerate() {
                assert!(p.position.0 < rows && p.position.1 < cols);
                assert!((params.min_player_level..=params.max_player_level).contains(&p.level));
                assert!(
                    players[..i].iter().all(|q| q.position != p.position),
                    "distinct cells"
                );
            }
            let mut levels: Vec<u32> = players.iter().map(|p| p.level).collect();
            levels.sort_unstable();
            let max = params.max_food_level.unwrap_or(levels.iter().take(3).sum());
            let food = env.food();
            assert!(!food.is_empty() && food.len() <= params.max_num_food);
            for (k, f) in food.iter().enumerate() {
                let (r, c) = f.position;
                assert!(
                    r >= 1 && r + 1 < rows && c >= 1 && c + 1 < cols,
                    "not on the border"
                );
                if params.force_coop {
                    assert_eq!(f.level, max);
                } else {
                    assert!((params.min_food_level..=max).contains(&f.level));
                }
                assert!(players.iter().all(|p| p.position != f.position));
                for g in &food[..k] {
                    let (dr, dc) = (r.abs_diff(g.position.0), c.abs_diff(g.position.1));
                    assert!(dr > 1 || dc > 1, "3x3 box of another apple");
                    let same_line_within_2 = (dr == 0 && dc <= 2) || (dc == 0 && dr <= 2);
                    assert!(!same_line_within_2, "row/col spacing");
                }
            }
            let total: u32 = food.iter().map(|f| f.level).sum();
            assert_eq!(env.food_spawned(), f64::from(total));
            assert_eq!(env.current_step(), 0);
            assert!(!env.is_done());
        }
    }

    #[test]
    fn spawning_follows_the_rules() {
        check_rules(Params::default(), 200);
        check_rules(
            Params {
                players: 4,
                max_num_food: 4,
                field_size: (10, 10),
                max_player_level: 3,
                ..Params::default()
            },
            200,
        );
    }

    #[test]
    fn force_coop_puts_every_apple_at_the_sum_of_the_three_lowest_levels() {
        // 3 players of level 1 → food level 3 (as in ep_6x6_3p_1f_coop_team_s5).
        let params = Params {
            players: 3,
            max_player_level: 1,
            max_num_food: 1,
            field_size: (6, 6),
            force_coop: true,
            ..Params::default()
        };
        check_rules(params.clone(), 100);
        let env = Foraging::reset(params, &mut Xoshiro256PlusPlus::seed_from_u64(5)).unwrap();
        assert_eq!(env.food()[0].level, 3);
        check_rules(
            Params {
                players: 5,
                field_size: (9, 9),
                max_num_food: 3,
                force_coop: true,
                ..Params::default()
            },
            100,
        );
    }

    #[test]
    fn the_same_seed_gives_the_same_episode() {
        let a = Foraging::reset(Params::default(), &mut Xoshiro256PlusPlus::seed_from_u64(7));
        let b = Foraging::reset(Params::default(), &mut Xoshiro256PlusPlus::seed_from_u64(7));
        assert_eq!(a, b);
    }

    #[test]
    fn a_field_too_small_for_food_is_refused() {
        let params = Params {
            field_size: (2, 8),
            ..Params::default()
        };
        let err = Foraging::reset(params, &mut Xoshiro256PlusPlus::seed_from_u64(0)).unwrap_err();
        assert!(err.to_string().contains("field_size"), "{err}");
    }
}
