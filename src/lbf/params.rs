//! The environment's parameters, named as lbforaging's `ForagingEnv` keyword arguments so that a
//! recorded file's `env_kwargs` reads straight into them.

use serde::{Deserialize, Serialize};

use crate::lbf::error::{Error, Result};

/// Parameters of a Level-Based Foraging environment (lbforaging 2.0.0's `env_kwargs`).
///
/// Player levels are one `[min, max]` range shared by every player (lbforaging also takes
/// per-player lists; no registered environment uses them).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Params {
    /// Number of players (agents).
    pub players: usize,
    /// Lowest player level at spawn.
    pub min_player_level: u32,
    /// Highest player level at spawn.
    pub max_player_level: u32,
    /// Lowest apple (food) level at spawn, unless `force_coop`.
    pub min_food_level: u32,
    /// Highest apple level at spawn; `None` (every registered env) means the sum of the three
    /// lowest player levels, so every apple can be loaded by some group.
    pub max_food_level: Option<u32>,
    /// The grid's `(rows, cols)`.
    pub field_size: (usize, usize),
    /// The most apples spawned, and the number of food slots in an observation.
    pub max_num_food: usize,
    /// Chebyshev radius of what a player observes.
    pub sight: usize,
    /// The step at which the episode is done even if apples remain.
    pub max_episode_steps: usize,
    /// Every apple spawns at the highest level, so loading always needs cooperation.
    pub force_coop: bool,
    /// Divide rewards by `(group levels · food_spawned)`, so a whole episode pays at most 1.
    pub normalize_reward: bool,
    /// lbforaging's grid observations; refused here (they are broken in 2.0.0, see the README).
    #[serde(default)]
    pub grid_observation: bool,
    /// Whether player triples carry levels; without, they are `(y, x)` pairs.
    pub observe_agent_levels: bool,
    /// Subtracted from each member of a group whose load fails.
    pub penalty: f64,
}

impl Default for Params {
    /// `Foraging-8x8-2p-2f-v3`, the settings shared by lbforaging's registered environments.
    fn default() -> Self {
        Params {
            players: 2,
            min_player_level: 1,
            max_player_level: 2,
            min_food_level: 1,
            max_food_level: None,
            field_size: (8, 8),
            max_num_food: 2,
            sight: 8,
            max_episode_steps: 50,
            force_coop: false,
            normalize_reward: true,
            grid_observation: false,
            observe_agent_levels: true,
            penalty: 0.0,
        }
    }
}

impl Params {
    /// Checks every parameter's domain, so stepping never meets an impossible setting.
    pub fn validate(&self) -> Result<()> {
        let bad = |name, why: &str| {
            Err(Error::BadParams {
                name,
                why: why.to_string(),
            })
        };
        let (rows, cols) = self.field_size;
        if rows == 0 || cols == 0 {
            return bad("field_size", "rows and cols must be at least 1");
        }
        if self.players == 0 {
            return bad("players", "give at least 1 player");
        }
        if self.players > rows * cols {
            return bad("players", "more players than cells in the field");
        }
        if self.min_player_level == 0 || self.min_player_level > self.max_player_level {
            return bad(
                "min_player_level",
                "player levels need 1 <= min_player_level <= max_player_level",
            );
        }
        if self.max_food_level == Some(0) {
            return bad("max_food_level", "must be at least 1 (or null)");
        }
        if self.grid_observation {
            return bad(
                "grid_observation",
                "grid observations are not supported (they are broken in lbforaging 2.0.0); use false",
            );
        }
        if !self.penalty.is_finite() {
            return bad("penalty", "must be a finite number");
        }
        Ok(())
    }

    /// Rows of the grid.
    pub fn rows(&self) -> usize {
        self.field_size.0
    }

    /// Columns of the grid.
    pub fn cols(&self) -> usize {
        self.field_size.1
    }

    /// Length of one agent's vector observation: a triple per food slot, then a triple per
    /// player (a pair without `observe_agent_levels`).
    pub fn observation_len(&self) -> usize {
        let per_player = if self.observe_agent_levels { 3 } else { 2 };
        3 * self.max_num_food + per_player * self.players
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_are_valid_and_bad_values_are_named() {
        assert_eq!(Params::default().validate(), Ok(()));
        assert_eq!(Params::default().observation_len(), 12);
        let p = Params {
            min_player_level: 3,
            ..Params::default()
        };
        let message = p.validate().unwrap_err().to_string();
        assert!(message.contains("min_player_level"), "{message}");
        let p = Params {
            observe_agent_levels: false,
            ..Params::default()
        };
        assert_eq!(p.observation_len(), 10);
    }
}
