//! Comparing a replayed trajectory with a recorded one, step by step and field by field, to
//! find the first place where our rules and lbforaging's disagree.

use std::fmt;

use crate::lbf::episode_file::{EpisodeFile, StepRecord};
use crate::lbf::state::Food;

/// How far two floats (rewards, scores, observations) may differ and still agree: the recorded
/// files round rewards to 12 decimals and store observations as `float32`.
pub const TOLERANCE: f64 = 1e-6;

/// The first disagreement between a recorded and a replayed trajectory.
#[derive(Clone, Debug, PartialEq)]
pub struct Mismatch {
    /// The step's `t` (0 for the initial state).
    pub step: usize,
    /// The field that differs, as the file names it.
    pub field: &'static str,
    /// The recorded value.
    pub recorded: String,
    /// Our value.
    pub replayed: String,
}

impl fmt::Display for Mismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.step == 0 {
            "the initial state".to_string()
        } else {
            format!("step {}", self.step)
        };
        write!(
            f,
            "{at}: `{}` differs: recorded {}, replayed {}",
            self.field, self.recorded, self.replayed
        )
    }
}

fn close(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| (x - y).abs() <= TOLERANCE)
}

fn close_obs(a: &[Vec<f32>], b: &[Vec<f32>]) -> bool {
    let widen = |v: &Vec<f32>| v.iter().map(|&x| f64::from(x)).collect::<Vec<_>>();
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| close(&widen(x), &widen(y)))
}

/// Compares one field; `Err` names it with both values.
fn same<T: fmt::Debug>(
    step: usize,
    field: &'static str,
    recorded: &T,
    replayed: &T,
    equal: bool,
) -> Result<(), Mismatch> {
    if equal {
        return Ok(());
    }
    Err(Mismatch {
        step,
        field,
        recorded: format!("{recorded:?}"),
        replayed: format!("{replayed:?}"),
    })
}

/// Every field of one step, in the file's order.
fn compare_step(r: &StepRecord, o: &StepRecord) -> Result<(), Mismatch> {
    let t = r.t;
    same(t, "t", &r.t, &o.t, r.t == o.t)?;
    let valid = r.valid_actions_before == o.valid_actions_before;
    same(
        t,
        "valid_actions_before",
        &r.valid_actions_before,
        &o.valid_actions_before,
        valid,
    )?;
    let effective = r.effective_actions == o.effective_actions;
    same(
        t,
        "effective_actions",
        &r.effective_actions,
        &o.effective_actions,
        effective,
    )?;
    same(
        t,
        "rewards",
        &r.rewards,
        &o.rewards,
        close(&r.rewards, &o.rewards),
    )?;
    same(t, "done", &r.done, &o.done, r.done == o.done)?;
    same(
        t,
        "truncated",
        &r.truncated,
        &o.truncated,
        r.truncated == o.truncated,
    )?;
    same(t, "players", &r.players, &o.players, r.players == o.players)?;
    same(t, "food", &r.food, &o.food, r.food == o.food)?;
    same(
        t,
        "scores",
        &r.scores,
        &o.scores,
        close(&r.scores, &o.scores),
    )?;
    let step = r.current_step == o.current_step;
    same(t, "current_step", &r.current_step, &o.current_step, step)?;
    same(t, "obs", &r.obs, &o.obs, close_obs(&r.obs, &o.obs))
}

/// Whether our step is one of the outcomes a load-order-dependent file accepts: the same
/// actions and positions, and food and rewards as in one observed outcome (observations and
/// scores then follow from those).
fn is_accepted_outcome(recorded: &EpisodeFile, r: &StepRecord, o: &StepRecord) -> bool {
    let food_matches = |food: &[Food]| food == o.food.as_slice();
    recorded.order_dependent
        && r.valid_actions_before == o.valid_actions_before
        && r.effective_actions == o.effective_actions
        && r.players == o.players
        && r.current_step == o.current_step
        && recorded
            .outcomes_observed
            .iter()
            .any(|out| food_matches(&out.food) && close(&out.rewards, &o.rewards))
}

/// The first place where `replayed` differs from `recorded`: the initial valid actions and
/// observations, then every step's fields in order (floats within [`TOLERANCE`]). For a file
/// marked `order_dependent`, a step matching any of `outcomes_observed` is accepted, and the
/// comparison stops there (later steps start from a different state).
pub fn first_mismatch(recorded: &EpisodeFile, replayed: &EpisodeFile) -> Option<Mismatch> {
    let (ri, oi) = (&recorded.initial, &replayed.initial);
    let initial = same(
        0,
        "valid_actions",
        &ri.valid_actions,
        &oi.valid_actions,
        ri.valid_actions == oi.valid_actions,
    )
    .and_then(|()| same(0, "obs", &ri.obs, &oi.obs, close_obs(&ri.obs, &oi.obs)));
    if let Err(m) = initial {
        return Some(m);
    }
    let steps = (recorded.steps.len(), replayed.steps.len());
    if steps.0 != steps.1 {
        return Some(Mismatch {
            step: 0,
            field: "steps",
            recorded: format!("{} steps", steps.0),
            replayed: format!("{} steps", steps.1),
        });
    }
    for (r, o) in recorded.steps.iter().zip(&replayed.steps) {
        if let Err(m) = compare_step(r, o) {
            if is_accepted_outcome(recorded, r, o) {
                return None;
            }
            return Some(m);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lbf::replay::replay;

    const JOINT: &str = include_str!("../../tests/data/lbf-vectors/sc_load_joint_success.json");

    #[test]
    fn a_changed_reward_is_named_with_its_step() {
        let recorded = EpisodeFile::from_json(JOINT).unwrap();
        let ours = replay(&recorded).unwrap();
        assert_eq!(first_mismatch(&recorded, &ours), None);
        let mut wrong = ours.clone();
        wrong.steps[0].rewards[1] += 1e-3;
        let m = first_mismatch(&recorded, &wrong).unwrap();
        assert_eq!((m.step, m.field), (1, "rewards"));
        assert!(
            m.to_string().starts_with("step 1: `rewards` differs"),
            "{m}"
        );
        let mut within = ours;
        within.steps[0].rewards[1] += 1e-9;
        assert_eq!(first_mismatch(&recorded, &within), None);
    }

    #[test]
    fn the_other_load_order_is_accepted_only_for_an_order_dependent_file() {
        let text = include_str!("../../tests/data/lbf-vectors/sc_load_order_dependent.json");
        let recorded = EpisodeFile::from_json(text).unwrap();
        let mut other = replay(&recorded).unwrap();
        // lbforaging's other outcome: P1 popped first, both load the south food.
        other.steps[0].rewards = vec![0.25, 0.25];
        other.steps[0].food.retain(|f| f.position == (2, 3));
        assert_eq!(first_mismatch(&recorded, &other), None);
        let strict = EpisodeFile {
            order_dependent: false,
            ..recorded
        };
        assert_eq!(
            first_mismatch(&strict, &other).map(|m| m.field),
            Some("rewards")
        );
    }
}
