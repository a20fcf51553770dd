//! The LBF module's errors: bad parameters, bad states, bad actions and bad episode files.
//!
//! Messages are lower case, name what is wrong and, where it helps, what to do instead.

/// Errors from building, stepping or replaying a Level-Based Foraging environment.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// An action number outside lbforaging's 0..=5.
    #[error("action {0} is not an LBF action; expected 0 NONE, 1 NORTH, 2 SOUTH, 3 WEST, 4 EAST or 5 LOAD")]
    UnknownAction(u64),

    /// A joint action whose length is not the number of players.
    #[error("{given} actions given for {players} players; give one action per player")]
    WrongActionCount {
        /// Actions given.
        given: usize,
        /// Players in the environment.
        players: usize,
    },

    /// An environment parameter outside its domain.
    #[error("bad environment parameter `{name}`: {why}")]
    BadParams {
        /// The parameter (lbforaging's keyword name).
        name: &'static str,
        /// What it must be.
        why: String,
    },

    /// A state (players, food) that does not fit the environment.
    #[error("bad state: {0}")]
    BadState(String),

    /// A file that is not JSON at all.
    #[error("not a JSON episode file: {0}")]
    Json(String),

    /// A key of an episode file that is missing or holds the wrong thing.
    #[error("`{key}`: {why}")]
    BadKey {
        /// Where in the file, e.g. `steps[3].actions`.
        key: String,
        /// What was wrong.
        why: String,
    },
}

/// The LBF module's result type.
pub type Result<T> = std::result::Result<T, Error>;
