//! Replay (SPEC section 6, `bridge lbf-replay`): rebuild the environment from a recorded file's
//! `env_kwargs` and `initial` state, apply each step's requested joint action, and write down
//! what our environment does, in the same file format.

use crate::lbf::env::Foraging;
use crate::lbf::episode_file::{EpisodeFile, InitialState, StepRecord};
use crate::lbf::error::{Error, Result};

/// The environment a recorded file starts from.
pub fn initial_env(file: &EpisodeFile) -> Result<Foraging> {
    Foraging::from_state(
        file.env_kwargs.clone(),
        file.initial.players.clone(),
        &file.initial.food,
        file.initial.food_spawned,
    )
    .map_err(|e| Error::BadKey {
        key: "initial".into(),
        why: e.to_string(),
    })
}

/// Our trajectory for `file`'s joint actions: the same provenance, our initial valid actions
/// and observations, and one [`StepRecord`] per recorded step.
pub fn replay(file: &EpisodeFile) -> Result<EpisodeFile> {
    let mut env = initial_env(file)?;
    let initial = InitialState::of(&env, file.initial.how.clone());
    let mut steps = Vec::with_capacity(file.steps.len());
    for (i, recorded) in file.steps.iter().enumerate() {
        let valid_actions_before = env.valid_actions().to_vec();
        let outcome = env.step(&recorded.actions).map_err(|e| Error::BadKey {
            key: format!("steps[{i}].actions"),
            why: e.to_string(),
        })?;
        steps.push(StepRecord {
            t: env.current_step(),
            actions: recorded.actions.clone(),
            valid_actions_before,
            effective_actions: outcome.effective_actions,
            rewards: outcome.rewards,
            done: outcome.done,
            truncated: false,
            players: env.players().to_vec(),
            food: env.food(),
            scores: env.scores().to_vec(),
            current_step: env.current_step(),
            obs: env.observations(),
        });
    }
    Ok(EpisodeFile {
        initial,
        steps,
        ..file.clone()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_wrong_number_of_actions_names_the_step() {
        let text = include_str!("../../tests/data/lbf-vectors/sc_swap_positions.json").replacen(
            "\"t\":1,\"actions\":[4,3]",
            "\"t\":1,\"actions\":[4]",
            1,
        );
        let file = EpisodeFile::from_json(&text).unwrap();
        let message = replay(&file).unwrap_err().to_string();
        assert_eq!(
            message,
            "`steps[0].actions`: 1 actions given for 2 players; give one action per player"
        );
    }
}
