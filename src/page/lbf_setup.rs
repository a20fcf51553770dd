//! The page's own Level-Based Foraging grid: the custom set-up's fields as typed, read into a
//! [`CustomConfig`] with each complaint placed at the field it is about.
//!
//! The page keeps custom grids small enough to train in a browser tab and to draw
//! ([`MAX_PAGE_GRID_SIDE`], [`MAX_PAGE_LBF_AGENTS`]); the command line has no such limits.

use crate::followers::{Config, CustomConfig, Error};

use super::numbers;

/// The largest grid side the page trains and draws (34 px a cell).
pub const MAX_PAGE_GRID_SIDE: usize = 16;

/// The most agents of a custom grid in the page: the followers' training time grows with the
/// agents (one actor each, a critic over all of them); the paper's largest preset has 10.
pub const MAX_PAGE_LBF_AGENTS: usize = 12;

/// The highest agent or apple level the page offers.
pub const MAX_PAGE_LEVEL: usize = 9;

/// A complaint about one field of the custom set-up.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldComplaint {
    /// The field's `data-testid`; `None` when no single field is to blame.
    pub field: Option<&'static str>,
    /// What is wrong and what to give instead.
    pub message: String,
}

/// The custom set-up's fields as the form holds them; each field's `data-testid` is beside it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LbfCustomText {
    /// Rows and columns of the square grid (`lbf-side-input`).
    pub grid_side: String,
    /// Agents (`lbf-agents-input`).
    pub agents: String,
    /// Apples (`lbf-apples-input`).
    pub apples: String,
    /// Lowest and highest agent level (`lbf-agent-min-input`, `lbf-agent-max-input`).
    pub agent_levels: (String, String),
    /// Lowest and highest apple level (`lbf-apple-min-input`, `lbf-apple-max-input`).
    pub apple_levels: (String, String),
    /// The recruitment cost per extra member and episode (`lbf-cost-input`).
    pub cost: String,
    /// Steps per episode (`lbf-steps-input`).
    pub steps: String,
}

impl Default for LbfCustomText {
    /// The `teaching` preset's settings, a grid that trains in seconds.
    fn default() -> Self {
        let s = |x: &str| x.to_string();
        Self {
            grid_side: s("6"),
            agents: s("4"),
            apples: s("2"),
            agent_levels: (s("1"), s("2")),
            apple_levels: (s("2"), s("3")),
            cost: s("1"),
            steps: s("25"),
        }
    }
}

/// The bi-level run's form as typed: the configuration chosen, leader episodes, follower
/// epochs, and the custom grid's fields (kept while a preset is chosen).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LbfForm {
    /// A preset's name or `custom`.
    pub config: String,
    /// Leader episodes.
    pub episodes: String,
    /// Follower epochs per structure.
    pub epochs: String,
    /// The custom grid.
    pub custom: LbfCustomText,
}

impl Default for LbfForm {
    /// The page's defaults: `teaching`, 30 leader episodes, 10 follower epochs.
    fn default() -> Self {
        Self {
            config: "teaching".into(),
            episodes: "30".into(),
            epochs: "10".into(),
            custom: LbfCustomText::default(),
        }
    }
}

/// The custom grid's keys in a URL query, each with its field.
const CUSTOM_KEYS: [&str; 9] = [
    "lbf.side",
    "lbf.agents",
    "lbf.apples",
    "lbf.agent_min",
    "lbf.agent_max",
    "lbf.apple_min",
    "lbf.apple_max",
    "lbf.cost",
    "lbf.steps",
];

impl LbfForm {
    /// The field a URL query's `key` names.
    fn field_mut(&mut self, key: &str) -> Option<&mut String> {
        let c = &mut self.custom;
        Some(match key {
            "lbf" => &mut self.config,
            "lbf.episodes" => &mut self.episodes,
            "lbf.epochs" => &mut self.epochs,
            "lbf.side" => &mut c.grid_side,
            "lbf.agents" => &mut c.agents,
            "lbf.apples" => &mut c.apples,
            "lbf.agent_min" => &mut c.agent_levels.0,
            "lbf.agent_max" => &mut c.agent_levels.1,
            "lbf.apple_min" => &mut c.apple_levels.0,
            "lbf.apple_max" => &mut c.apple_levels.1,
            "lbf.cost" => &mut c.cost,
            "lbf.steps" => &mut c.steps,
            _ => return None,
        })
    }

    /// The form as `(key, text)` pairs for a URL query: the custom grid's only when chosen.
    pub fn to_pairs(&self) -> Vec<(String, String)> {
        let mut this = self.clone();
        let custom = self.config == "custom";
        ["lbf", "lbf.episodes", "lbf.epochs"]
            .iter()
            .chain(CUSTOM_KEYS.iter().filter(|_| custom))
            .filter_map(|k| this.field_mut(k).map(|v| (k.to_string(), v.clone())))
            .collect()
    }

    /// Sets the field `key` names to `value`; whether `key` is one of the form's.
    pub fn set(&mut self, key: &str, value: &str) -> bool {
        match self.field_mut(key) {
            Some(field) => {
                *field = value.to_string();
                true
            }
            None => false,
        }
    }
}

impl LbfCustomText {
    /// The fields read and checked: every field in its range, the levels in order, and what
    /// the configuration itself checks (agents crowding the grid), each complaint at its field.
    pub fn read(&self) -> Result<CustomConfig, FieldComplaint> {
        let at = |field: &'static str| {
            move |message| FieldComplaint {
                field: Some(field),
                message,
            }
        };
        let count = |field, label, text: &str, min, max| {
            numbers::count(label, text, min, max).map_err(at(field))
        };
        let side = count(
            "lbf-side-input",
            "grid side",
            &self.grid_side,
            5,
            MAX_PAGE_GRID_SIDE,
        )?;
        let agents = count(
            "lbf-agents-input",
            "agents",
            &self.agents,
            1,
            MAX_PAGE_LBF_AGENTS,
        )?;
        let apples = count(
            "lbf-apples-input",
            "apples",
            &self.apples,
            1,
            side * side / 4,
        )?;
        let level = |field, label, text: &str| count(field, label, text, 1, MAX_PAGE_LEVEL);
        let agent_min = level(
            "lbf-agent-min-input",
            "lowest agent level",
            &self.agent_levels.0,
        )?;
        let agent_max = level(
            "lbf-agent-max-input",
            "highest agent level",
            &self.agent_levels.1,
        )?;
        if agent_max < agent_min {
            return Err(at("lbf-agent-max-input")(format!(
                "agent levels: the lowest ({agent_min}) is above the highest ({agent_max}); \
                 give a lowest of at most {agent_max}, or a highest of at least {agent_min}"
            )));
        }
        let apple_min = level(
            "lbf-apple-min-input",
            "lowest apple level",
            &self.apple_levels.0,
        )?;
        let apple_max = level(
            "lbf-apple-max-input",
            "highest apple level",
            &self.apple_levels.1,
        )?;
        if apple_max < apple_min {
            return Err(at("lbf-apple-max-input")(format!(
                "apple levels: the lowest ({apple_min}) is above the highest ({apple_max}); \
                 give a lowest of at most {apple_max}, or a highest of at least {apple_min}"
            )));
        }
        let cost = numbers::decimal("recruitment cost", &self.cost, 0.0, 1000.0)
            .map_err(at("lbf-cost-input"))?;
        let steps = count("lbf-steps-input", "steps per episode", &self.steps, 1, 500)?;
        let settings = CustomConfig {
            grid_side: side,
            agents,
            apples,
            min_agent_level: agent_min as u32,
            max_agent_level: agent_max as u32,
            min_apple_level: apple_min as u32,
            max_apple_level: apple_max as u32,
            recruitment_cost: cost,
            episode_steps: Some(steps),
        };
        Config::custom(&settings).map_err(|e| complaint(&e))?;
        Ok(settings)
    }
}

/// A configuration's own refusal placed at the field it names, in the page's words.
fn complaint(e: &Error) -> FieldComplaint {
    let field = match e {
        Error::BadSetting { name, .. } => match *name {
            "grid_side" => Some("lbf-side-input"),
            "agents" => Some("lbf-agents-input"),
            "apples" => Some("lbf-apples-input"),
            "min_apple_level" => Some("lbf-apple-min-input"),
            "recruitment_cost" => Some("lbf-cost-input"),
            "episode_steps" => Some("lbf-steps-input"),
            _ => None,
        },
        _ => None,
    };
    let message = match e {
        Error::BadSetting { why, .. } => why.clone(),
        other => other.to_string(),
    };
    FieldComplaint { field, message }
}

/// A configuration's name as the preset select can show it, in words a reader follows: the
/// paper's `6a4t` is "6a4t — 6 agents, 4 apples, 8 × 8 grid" (the paper calls apples tasks).
/// Names that are no preset (`custom`) come back as they are.
pub fn preset_label(name: &str) -> String {
    match Config::from_name(name) {
        Ok(c) => format!(
            "{name} — {} agents, {} apples, {} × {} grid",
            c.lbf.players,
            c.lbf.max_num_food,
            c.lbf.rows(),
            c.lbf.cols()
        ),
        Err(_) => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn presets_are_labelled_in_words() {
        assert_eq!(
            preset_label("6a4t"),
            "6a4t — 6 agents, 4 apples, 8 × 8 grid"
        );
        assert_eq!(
            preset_label("10a5t"),
            "10a5t — 10 agents, 5 apples, 12 × 12 grid"
        );
        assert_eq!(
            preset_label("teaching"),
            "teaching — 4 agents, 2 apples, 6 × 6 grid"
        );
        assert_eq!(preset_label("custom"), "custom");
    }

    #[test]
    fn the_defaults_are_the_teaching_preset() {
        let settings = LbfCustomText::default().read().expect("valid");
        let mut custom = Config::custom(&settings).expect("valid");
        custom.name = "teaching".into();
        assert_eq!(custom, Config::from_name("teaching").expect("a preset"));
    }

    #[test]
    fn each_complaint_is_placed_at_its_field() {
        let field = |edit: fn(&mut LbfCustomText)| {
            let mut text = LbfCustomText::default();
            edit(&mut text);
            text.read().expect_err("refused").field
        };
        assert_eq!(field(|t| t.grid_side = "4".into()), Some("lbf-side-input"));
        assert_eq!(
            field(|t| t.grid_side = "abc".into()),
            Some("lbf-side-input")
        );
        assert_eq!(field(|t| t.agents = "0".into()), Some("lbf-agents-input"));
        assert_eq!(field(|t| t.apples = "2.5".into()), Some("lbf-apples-input"));
        assert_eq!(
            field(|t| t.agent_levels.1 = "0".into()),
            Some("lbf-agent-max-input")
        );
        assert_eq!(
            field(|t| t.apple_levels = ("3".into(), "2".into())),
            Some("lbf-apple-max-input")
        );
        assert_eq!(field(|t| t.cost = "-1".into()), Some("lbf-cost-input"));
        assert_eq!(field(|t| t.steps = "".into()), Some("lbf-steps-input"));
        // The configuration's own refusals are placed at the field they name, in its words.
        let refused = complaint(&Error::BadSetting {
            name: "agents",
            why: "12 agents crowd a 4x4 grid".into(),
        });
        assert_eq!(refused.field, Some("lbf-agents-input"));
        assert_eq!(refused.message, "12 agents crowd a 4x4 grid");
    }

    #[test]
    fn the_form_survives_its_pairs() {
        let mut form = LbfForm::default();
        assert_eq!(form.to_pairs().len(), 3, "a preset writes no grid fields");
        form.config = "custom".into();
        form.custom.cost = "0.5".into();
        form.custom.apple_levels.1 = "4".into();
        let pairs = form.to_pairs();
        assert_eq!(pairs.len(), 12);
        let mut read = LbfForm::default();
        for (k, v) in &pairs {
            assert!(read.set(k, v), "{k}");
        }
        assert_eq!(read, form);
        assert!(!read.set("lbf.unknown", "1"));
    }

    #[test]
    fn what_people_type_is_read() {
        let text = LbfCustomText {
            grid_side: "1e1".into(),
            cost: "0.5".into(),
            agents: " 8 ".into(),
            ..LbfCustomText::default()
        };
        let settings = text.read().expect("valid");
        assert_eq!(
            (
                settings.grid_side,
                settings.agents,
                settings.recruitment_cost
            ),
            (10, 8, 0.5)
        );
    }
}
