//! The coalition game's configurations (SPEC section 6; paper section 5.2): the grid world's
//! lbforaging-shaped parameters beside the coalition game's own, as named presets — the paper's
//! six `AaTt` settings (`6a4t` = 6 agents, 4 apples, the paper's "tasks") and a small `teaching`
//! one — or as a custom configuration checked field by field.
//!
//! The paper gives no grid sides, levels, episode lengths, sight or recruitment cost; ours:
//!
//! | name       | grid    | agents | apples | agent levels | apple levels | steps | sight | cost |
//! |------------|---------|--------|--------|--------------|--------------|-------|-------|------|
//! | `teaching` | 6 × 6   | 4      | 2      | 1..=2        | 2..=3        | 25    | 6     | 1.0  |
//! | `6a4t`     | 8 × 8   | 6      | 4      | 1..=2        | 2..=4        | 50    | 8     | 2.0  |
//! | `6a5t`     | 8 × 8   | 6      | 5      | 1..=2        | 2..=4        | 50    | 8     | 2.0  |
//! | `8a4t`     | 10 × 10 | 8      | 4      | 1..=2        | 2..=4        | 60    | 10    | 2.0  |
//! | `8a5t`     | 10 × 10 | 8      | 5      | 1..=2        | 2..=4        | 60    | 10    | 2.0  |
//! | `10a4t`    | 12 × 12 | 10     | 4      | 1..=2        | 2..=4        | 70    | 12    | 2.0  |
//! | `10a5t`    | 12 × 12 | 10     | 5      | 1..=2        | 2..=4        | 70    | 12    | 2.0  |
//!
//! Why these: agents of level 1 or 2 and apples of level 2 to 4 mean a lone agent loads only a
//! level-2 apple and only if it is itself of level 2, so most apples need two or three agents
//! and cooperation pays (the scripted forager shows it, see `scripted`); the recruitment cost
//! makes a member who adds nothing a loss, so the grand coalition is not always best. Sight
//! covers the whole grid (lbforaging's registered environments see the whole 8 × 8 field too):
//! partial observability is a separate difficulty the paper does not study. Rewards are not
//! normalised (`normalize_reward = false`): an apple of level `L` loaded by a group of level sum
//! `G` pays `G·L` in total, so values are in "apple-level" units. The paper's BRIDGE values
//! (34.17 … 89.29 for `6a4t` … `10a5t`) need this scale: normalised lbforaging rewards sum to at
//! most 1 per agent and episode, so six agents could not reach 34.

use serde::{Deserialize, Serialize};

use crate::followers::error::{Error, Result};
use crate::lbf;

/// The most agents a configuration may have (the followers keep one actor per agent and the
/// critic reads every agent's observation and action).
pub const MAX_AGENTS: usize = 32;

/// How a coalition's episode return is summed into `v(C)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Discount {
    /// `Σ_t γ^t r_t^C`, the paper's `J_f^C` (eq. 1): what the followers optimise, so the
    /// leader's reward is built from the quantity the lower level maximises.
    Discounted,
    /// `Σ_t r_t^C`, the apple levels collected: easier to read, for reports.
    Undiscounted,
}

/// The coalition game's own parameters (beside the grid world's [`lbf::Params`]).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct GameParams {
    /// Paid by a coalition per episode for each member beyond its first (`(|C| − 1)·cost`).
    pub recruitment_cost: f64,
    /// The followers' discount factor `γ_f` (appendix D.4: 0.99).
    pub gamma: f64,
    /// Whether `v(C)` discounts the coalition's rewards by `gamma` (default: yes, eq. 1).
    pub discount: Discount,
    /// Episodes averaged by one evaluation of a structure.
    pub eval_episodes: usize,
}

impl Default for GameParams {
    fn default() -> Self {
        Self {
            recruitment_cost: 2.0,
            gamma: 0.99,
            discount: Discount::Discounted,
            eval_episodes: 20,
        }
    }
}

/// A playable configuration: its name, the grid world's parameters and the coalition game's.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Config {
    /// A preset's name, or `custom`.
    pub name: String,
    /// The grid world (lbforaging's `env_kwargs`).
    pub lbf: lbf::Params,
    /// The coalition game on top of it.
    pub game: GameParams,
}

/// The preset names, in the order of the paper's figures (after `teaching`).
pub const PRESETS: [&str; 7] = ["teaching", "6a4t", "6a5t", "8a4t", "8a5t", "10a4t", "10a5t"];

/// The fields a user sets for a custom configuration; everything else follows from them. Read
/// from files too, so an unknown (misspelt) field is refused rather than ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomConfig {
    /// Rows and columns of the square grid (at least 5).
    pub grid_side: usize,
    /// Agents (followers), 1..=`MAX_AGENTS`.
    pub agents: usize,
    /// Apples spawned per episode (at least 1).
    pub apples: usize,
    /// Lowest agent level.
    pub min_agent_level: u32,
    /// Highest agent level.
    pub max_agent_level: u32,
    /// Lowest apple level.
    pub min_apple_level: u32,
    /// Highest apple level.
    pub max_apple_level: u32,
    /// The recruitment cost per extra member and episode.
    pub recruitment_cost: f64,
    /// Steps per episode; `None` means `6 × grid_side + 2` (50 at side 8).
    pub episode_steps: Option<usize>,
}

impl Default for CustomConfig {
    /// The `6a4t` preset's settings.
    fn default() -> Self {
        Self {
            grid_side: 8,
            agents: 6,
            apples: 4,
            min_agent_level: 1,
            max_agent_level: 2,
            min_apple_level: 2,
            max_apple_level: 4,
            recruitment_cost: 2.0,
            episode_steps: None,
        }
    }
}

/// A configuration as a user chooses it: a preset by name, or their own settings (the page's
/// set-up sends this, and the worker builds the [`Config`] from it).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ConfigChoice {
    /// One of [`PRESETS`].
    Preset(String),
    /// A user's own grid, agents, apples, levels and cost.
    Custom(CustomConfig),
}

impl ConfigChoice {
    /// The configuration, checked.
    pub fn resolve(&self) -> Result<Config> {
        match self {
            ConfigChoice::Preset(name) => Config::from_name(name),
            ConfigChoice::Custom(settings) => Config::custom(settings),
        }
    }

    /// The preset's name, or `custom`.
    pub fn name(&self) -> &str {
        match self {
            ConfigChoice::Preset(name) => name,
            ConfigChoice::Custom(_) => "custom",
        }
    }
}

impl Config {
    /// The preset `name` (one of [`PRESETS`]), or an error listing them.
    pub fn from_name(name: &str) -> Result<Config> {
        let custom = |grid_side, agents, apples, steps, cost| CustomConfig {
            grid_side,
            agents,
            apples,
            episode_steps: Some(steps),
            recruitment_cost: cost,
            ..CustomConfig::default()
        };
        let settings = match name {
            "teaching" => CustomConfig {
                max_apple_level: 3,
                ..custom(6, 4, 2, 25, 1.0)
            },
            "6a4t" => custom(8, 6, 4, 50, 2.0),
            "6a5t" => custom(8, 6, 5, 50, 2.0),
            "8a4t" => custom(10, 8, 4, 60, 2.0),
            "8a5t" => custom(10, 8, 5, 60, 2.0),
            "10a4t" => custom(12, 10, 4, 70, 2.0),
            "10a5t" => custom(12, 10, 5, 70, 2.0),
            _ => {
                return Err(Error::UnknownConfig {
                    name: name.to_string(),
                    known: PRESETS.join(", "),
                })
            }
        };
        let mut config = Config::custom(&settings)?;
        config.name = name.to_string();
        Ok(config)
    }

    /// A configuration from a user's settings, checked; named `custom`.
    pub fn custom(settings: &CustomConfig) -> Result<Config> {
        let s = settings;
        let bad = |name, why: String| Err(Error::BadSetting { name, why });
        if s.grid_side < 5 {
            return bad(
                "grid_side",
                format!(
                    "{} is too small; give at least 5 (apples never lie on the border)",
                    s.grid_side
                ),
            );
        }
        if s.apples == 0 {
            return bad("apples", "give at least 1 apple".into());
        }
        if s.min_apple_level == 0 || s.min_apple_level > s.max_apple_level {
            return bad(
                "min_apple_level",
                format!(
                    "apple levels need 1 <= min ({}) <= max ({})",
                    s.min_apple_level, s.max_apple_level
                ),
            );
        }
        let config = Config {
            name: "custom".into(),
            lbf: lbf::Params {
                players: s.agents,
                min_player_level: s.min_agent_level,
                max_player_level: s.max_agent_level,
                min_food_level: s.min_apple_level,
                max_food_level: Some(s.max_apple_level),
                field_size: (s.grid_side, s.grid_side),
                max_num_food: s.apples,
                sight: s.grid_side,
                max_episode_steps: s.episode_steps.unwrap_or(6 * s.grid_side + 2),
                force_coop: false,
                normalize_reward: false,
                grid_observation: false,
                observe_agent_levels: true,
                penalty: 0.0,
            },
            game: GameParams {
                recruitment_cost: s.recruitment_cost,
                ..GameParams::default()
            },
        };
        config.validate()?;
        Ok(config)
    }

    /// Checks both parameter sets, so that playing never meets an impossible setting.
    pub fn validate(&self) -> Result<()> {
        let bad = |name, why: String| Err(Error::BadSetting { name, why });
        self.lbf.validate()?;
        let (rows, cols) = self.lbf.field_size;
        if rows < 3 || cols < 3 {
            return bad(
                "grid_side",
                "the grid needs at least 3 rows and 3 columns".into(),
            );
        }
        if self.lbf.players > MAX_AGENTS {
            return bad(
                "agents",
                format!(
                    "{} agents; the followers take at most {MAX_AGENTS}",
                    self.lbf.players
                ),
            );
        }
        if self.lbf.players * 2 > rows * cols {
            return bad(
                "agents",
                format!("{} agents crowd a {rows}x{cols} grid; give at most half as many agents as cells", self.lbf.players),
            );
        }
        if self.lbf.max_episode_steps == 0 {
            return bad("episode_steps", "give at least 1 step".into());
        }
        let g = &self.game;
        if !(g.recruitment_cost.is_finite() && g.recruitment_cost >= 0.0) {
            return bad(
                "recruitment_cost",
                format!("{} must be a finite number >= 0", g.recruitment_cost),
            );
        }
        if !(g.gamma > 0.0 && g.gamma <= 1.0) {
            return bad("gamma", format!("{} must lie in (0, 1]", g.gamma));
        }
        if g.eval_episodes == 0 {
            return bad("eval_episodes", "give at least 1 episode".into());
        }
        Ok(())
    }

    /// The number of agents.
    pub fn agents(&self) -> usize {
        self.lbf.players
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_is_valid_and_named() {
        for name in PRESETS {
            let c = Config::from_name(name).unwrap();
            assert_eq!(c.name, name);
            assert_eq!(c.validate().ok(), Some(()));
            assert!(!c.lbf.normalize_reward);
        }
        let c = Config::from_name("8a5t").unwrap();
        assert_eq!((c.agents(), c.lbf.max_num_food), (8, 5));
    }

    #[test]
    fn unknown_names_list_the_presets() {
        let m = Config::from_name("6a9t").unwrap_err().to_string();
        assert!(m.contains("`6a9t`") && m.contains("teaching, 6a4t"), "{m}");
    }

    #[test]
    fn bad_custom_configs_are_refused_by_name() {
        let refused = |s: CustomConfig| Config::custom(&s).unwrap_err().to_string();
        let d = CustomConfig::default();
        assert!(refused(CustomConfig {
            grid_side: 3,
            ..d.clone()
        })
        .contains("grid_side"));
        assert!(refused(CustomConfig {
            agents: 0,
            ..d.clone()
        })
        .contains("players"));
        assert!(refused(CustomConfig {
            agents: 40,
            ..d.clone()
        })
        .contains("agents"));
        assert!(refused(CustomConfig {
            apples: 0,
            ..d.clone()
        })
        .contains("apples"));
        assert!(refused(CustomConfig {
            min_apple_level: 5,
            ..d.clone()
        })
        .contains("min_apple_level"));
        assert!(refused(CustomConfig {
            min_agent_level: 0,
            ..d.clone()
        })
        .contains("min_player_level"));
        assert!(refused(CustomConfig {
            recruitment_cost: -1.0,
            ..d.clone()
        })
        .contains("recruitment_cost"));
        assert!(refused(CustomConfig {
            recruitment_cost: f64::NAN,
            ..d.clone()
        })
        .contains("recruitment_cost"));
        assert!(refused(CustomConfig {
            episode_steps: Some(0),
            ..d.clone()
        })
        .contains("episode_steps"));
        let ok = Config::custom(&d).unwrap();
        assert_eq!(ok.lbf.max_episode_steps, 50);
        assert_eq!(ok.name, "custom");
    }
}
