//! What is on the grid: players (agents) and apples (food, the paper's "tasks"), each with a
//! position and a level. Serialised as the recorded files write them.

use serde::{Deserialize, Serialize};

/// A cell as `(row, col)`, row 0 at the top (NORTH is row − 1), as lbforaging writes it.
pub type Position = (usize, usize);

/// A player: where it stands and its level (what it adds to a group's loading power).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Player {
    /// Its cell. Two players can share one after the overlap quirk of movement.
    pub position: Position,
    /// Its level, at least 1.
    pub level: u32,
}

/// An apple (food): loaded when the adjacent loaders' levels sum to at least its level.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Food {
    /// Its cell.
    pub position: Position,
    /// Its level, at least 1.
    pub level: u32,
}

/// Whether two cells are 4-neighbours (share a side).
pub fn adjacent(a: Position, b: Position) -> bool {
    a.0.abs_diff(b.0) + a.1.abs_diff(b.1) == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adjacency_is_the_four_neighbourhood() {
        assert!(adjacent((2, 3), (1, 3)));
        assert!(adjacent((2, 3), (2, 4)));
        assert!(!adjacent((2, 3), (3, 4)), "diagonals are not adjacent");
        assert!(!adjacent((2, 3), (2, 3)));
    }
}
