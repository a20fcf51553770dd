//! The followers' errors: configurations that cannot be played, structures that do not fit
//! them, weight files of another kind, and failures of the grid world underneath.
//!
//! Messages are lower case, name what is wrong and, where it helps, what to do instead.

/// Errors from configuring, training, evaluating or saving the followers.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A configuration name that is not a preset.
    #[error("unknown LBF configuration `{name}`; expected one of {known}")]
    UnknownConfig {
        /// The name given.
        name: String,
        /// The preset names, comma-separated.
        known: String,
    },

    /// A setting of the coalition game, a custom configuration or the followers outside its
    /// domain.
    #[error("bad setting `{name}`: {why}")]
    BadSetting {
        /// The setting.
        name: &'static str,
        /// What it must be.
        why: String,
    },

    /// A coalition structure over another number of agents than the configuration's.
    #[error("the structure has {given} agents but the configuration has {agents}; give a partition of 0..{agents}")]
    WrongAgents {
        /// Agents of the structure.
        given: usize,
        /// Agents of the configuration.
        agents: usize,
    },

    /// A weights file of another kind, or for other followers.
    #[error("bad follower weights: {0}")]
    Weights(String),

    /// The grid world refused a state or a step.
    #[error("grid world: {0}")]
    Lbf(#[from] crate::lbf::Error),

    /// A network piece failed (tensors, weight files).
    #[error("{0}")]
    Nn(#[from] crate::nn::Error),
}

/// The followers' result type.
pub type Result<T> = std::result::Result<T, Error>;
