//! The six actions of Level-Based Foraging (lbforaging 2.0.0, `environment.py` L12-18).

use serde::{Deserialize, Serialize};

use crate::lbf::error::Error;

/// One player's action in a step. Serialised as lbforaging's integer (0..=5), so recorded
/// episodes read and write the same numbers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u8")]
pub enum Action {
    /// 0: stay put (also what an invalid action becomes).
    None,
    /// 1: row − 1.
    North,
    /// 2: row + 1.
    South,
    /// 3: col − 1.
    West,
    /// 4: col + 1.
    East,
    /// 5: try to load an adjacent apple (food) with the other adjacent loaders.
    Load,
}

impl Action {
    /// Every action in lbforaging's order, so `ALL[i]` is action `i`.
    pub const ALL: [Action; 6] = [
        Action::None,
        Action::North,
        Action::South,
        Action::West,
        Action::East,
        Action::Load,
    ];

    /// The action numbered `index` by lbforaging, or an error naming the valid numbers.
    pub fn from_index(index: u64) -> Result<Action, Error> {
        usize::try_from(index)
            .ok()
            .and_then(|i| Action::ALL.get(i).copied())
            .ok_or(Error::UnknownAction(index))
    }

    /// lbforaging's number of this action.
    pub fn index(self) -> u8 {
        self as u8
    }

    /// The (row, col) change of a move; `None` and `Load` do not move.
    pub fn delta(self) -> (isize, isize) {
        match self {
            Action::North => (-1, 0),
            Action::South => (1, 0),
            Action::West => (0, -1),
            Action::East => (0, 1),
            Action::None | Action::Load => (0, 0),
        }
    }
}

impl TryFrom<u64> for Action {
    type Error = Error;
    fn try_from(index: u64) -> Result<Action, Error> {
        Action::from_index(index)
    }
}

impl From<Action> for u8 {
    fn from(action: Action) -> u8 {
        action.index()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_round_trip_and_out_of_range_is_refused() {
        for (i, a) in Action::ALL.iter().enumerate() {
            assert_eq!(Action::from_index(i as u64), Ok(*a));
            assert_eq!(a.index() as usize, i);
        }
        assert_eq!(Action::from_index(6), Err(Error::UnknownAction(6)));
        let parsed: Result<Vec<Action>, _> = serde_json::from_str("[5, 9]");
        let message = parsed.unwrap_err().to_string();
        assert!(message.contains("action 9"), "{message}");
        assert_eq!(serde_json::to_string(&[Action::Load]).unwrap(), "[5]");
    }
}
