//! The recorded-episode file (`tests/data/lbf-vectors/`, README "Vector files"): the
//! environment's keyword arguments, an initial state, then every step's joint action and what
//! followed. `bridge lbf-replay` reads and writes it.

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use crate::lbf::action::Action;
use crate::lbf::error::{Error, Result};
use crate::lbf::params::Params;
use crate::lbf::state::{Food, Player};

/// The state an episode starts from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InitialState {
    /// Players in index order.
    pub players: Vec<Player>,
    /// Apples in row-major order.
    pub food: Vec<Food>,
    /// Sum of apple levels at reset, the reward normaliser.
    pub food_spawned: f64,
    /// Each player's valid actions before the first step.
    pub valid_actions: Vec<Vec<Action>>,
    /// Each agent's observation before the first step.
    pub obs: Vec<Vec<f32>>,
    /// How a hand-made state was written into the reference env (provenance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
}

impl InitialState {
    /// The state `env` is in before its first step, with the provenance `how`: what a recorded
    /// episode starts from, whether we record it or replay another's.
    pub fn of(env: &crate::lbf::Foraging, how: Option<String>) -> InitialState {
        InitialState {
            players: env.players().to_vec(),
            food: env.food(),
            food_spawned: env.food_spawned(),
            valid_actions: env.valid_actions().to_vec(),
            obs: env.observations(),
            how,
        }
    }
}

/// One step: the joint action asked for and everything it produced.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StepRecord {
    /// The step's number, from 1.
    pub t: usize,
    /// The joint action requested.
    pub actions: Vec<Action>,
    /// Valid actions computed at the end of the previous step.
    pub valid_actions_before: Vec<Vec<Action>>,
    /// The actions applied (invalid ones become NONE).
    pub effective_actions: Vec<Action>,
    /// Each player's reward.
    pub rewards: Vec<f64>,
    /// lbforaging's single `done`.
    pub done: bool,
    /// Always false in lbforaging 2.0.0 (the step limit is reported as `done`).
    #[serde(default)]
    pub truncated: bool,
    /// Players after the step.
    pub players: Vec<Player>,
    /// Apples after the step, row-major.
    pub food: Vec<Food>,
    /// Each player's total reward so far.
    pub scores: Vec<f64>,
    /// lbforaging's `current_step` after the step.
    pub current_step: usize,
    /// Each agent's observation after the step.
    pub obs: Vec<Vec<f32>>,
}

/// One outcome of a step whose result depends on lbforaging's load order
/// (`sc_load_order_dependent`): any of them is accepted.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Outcome {
    /// Apples after the step.
    pub food: Vec<Food>,
    /// Each player's reward.
    pub rewards: Vec<f64>,
    /// How often the reference produced it.
    #[serde(default)]
    pub count: usize,
}

/// A recorded episode. Provenance keys are kept as they are; unknown keys are ignored.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EpisodeFile {
    /// `episode` or `scenario`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub kind: Option<String>,
    /// The file's name without `.json`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// What a scenario pins down.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The environment's parameters.
    pub env_kwargs: Params,
    /// The seed of the reference env's `reset`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env_seed: Option<Value>,
    /// The policy that chose the actions (provenance).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub policy: Option<Value>,
    /// Versions of the reference software.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub versions: Option<Value>,
    /// Whether recording twice gave the same episode.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deterministic_rerun: Option<Value>,
    /// The starting state.
    pub initial: InitialState,
    /// Every step, in order.
    pub steps: Vec<StepRecord>,
    /// True when a step's outcome depends on lbforaging's (nondeterministic) load order.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub order_dependent: bool,
    /// The outcomes seen when `order_dependent`; any of them is correct.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub outcomes_observed: Vec<Outcome>,
}

impl EpisodeFile {
    /// Parses a file's text. Errors name the key (e.g. `steps[2].actions`) and what was wrong.
    pub fn from_json(text: &str) -> Result<EpisodeFile> {
        let value: Value = serde_json::from_str(text).map_err(|e| Error::Json(e.to_string()))?;
        let Value::Object(map) = value else {
            return Err(Error::Json("the top level is not an object".into()));
        };
        let required = |key: &str| {
            map.get(key).cloned().ok_or_else(|| Error::BadKey {
                key: key.to_string(),
                why: "missing; a recorded episode has env_kwargs, initial and steps".into(),
            })
        };
        let env_kwargs: Params = field("env_kwargs", required("env_kwargs")?)?;
        let initial: InitialState = field("initial", required("initial")?)?;
        let Value::Array(raw_steps) = required("steps")? else {
            return Err(Error::BadKey {
                key: "steps".into(),
                why: "must be a list of steps".into(),
            });
        };
        let steps = raw_steps
            .into_iter()
            .enumerate()
            .map(|(i, s)| field(&format!("steps[{i}]"), s))
            .collect::<Result<Vec<StepRecord>>>()?;
        let optional = |key: &str| map.get(key).cloned().filter(|v| !v.is_null());
        let text_of = |key: &str| optional(key).and_then(|v| v.as_str().map(str::to_string));
        Ok(EpisodeFile {
            kind: text_of("kind"),
            name: text_of("name"),
            note: text_of("note"),
            env_kwargs,
            env_seed: optional("env_seed"),
            policy: optional("policy"),
            versions: optional("versions"),
            deterministic_rerun: optional("deterministic_rerun"),
            initial,
            steps,
            order_dependent: optional("order_dependent")
                .map(|v| field("order_dependent", v))
                .transpose()?
                .unwrap_or(false),
            outcomes_observed: optional("outcomes_observed")
                .map(|v| field("outcomes_observed", v))
                .transpose()?
                .unwrap_or_default(),
        })
    }

    /// The file as one line of JSON, like the recorded files.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).expect("an episode file always serialises")
    }
}

/// Reads one key's value, naming the key (and serde's inner path) on error.
fn field<T: DeserializeOwned>(key: &str, value: Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| Error::BadKey {
        key: key.to_string(),
        why: e.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const SWAP: &str = include_str!("../../tests/data/lbf-vectors/sc_swap_positions.json");

    #[test]
    fn a_recorded_file_parses_and_round_trips() {
        let file = EpisodeFile::from_json(SWAP).unwrap();
        assert_eq!(file.env_kwargs.field_size, (6, 6));
        assert_eq!(file.steps.len(), 1);
        let again = EpisodeFile::from_json(&file.to_json()).unwrap();
        assert_eq!(again, file);
    }

    /// Parses `SWAP` with `from` replaced by `to` and returns the error's message.
    fn error_after(from: &str, to: &str) -> String {
        assert!(SWAP.contains(from), "{from}");
        let text = SWAP.replacen(from, to, 1);
        EpisodeFile::from_json(&text).unwrap_err().to_string()
    }

    #[test]
    fn errors_name_what_is_wrong() {
        let m = error_after("{", "[");
        assert!(m.starts_with("not a JSON episode file"), "{m}");
        let m = error_after("\"t\":1,\"actions\":[", "\"t\":1,\"actionz\":[");
        assert!(
            m.contains("steps[0]") && m.contains("missing field `actions`"),
            "{m}"
        );
        let m = error_after("\"t\":1,\"actions\":[", "\"t\":1,\"actions\":[9,");
        assert!(m.contains("steps[0]") && m.contains("action 9"), "{m}");
        let m = error_after("\"env_kwargs\"", "\"env_kwargz\"");
        assert!(m.contains("`env_kwargs`: missing"), "{m}");
        let m = error_after("\"penalty\":0.0", "\"penalty\":\"none\"");
        assert!(
            m.contains("env_kwargs") && m.contains("invalid type"),
            "{m}"
        );
    }
}
