//! The leader's errors: the core's, the tensor library's, and bad weight files.

/// Errors from training, inference and weight files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad input caught by the core (sizes, merges, instances).
    #[error(transparent)]
    Core(#[from] crate::core::Error),
    /// A failure inside candle (shapes, memory).
    #[error("tensor computation failed: {0}")]
    Candle(#[from] candle_core::Error),
    /// A weights file that is not a leader's, or does not match what it claims.
    #[error("bad weights: {0}")]
    Weights(String),
    /// An instance the network cannot take.
    #[error("the network is sized for at most {max} agents, the instance has {n}; train a network with --max-agents {n} or more")]
    TooManyAgents {
        /// The instance's agents.
        n: usize,
        /// The network's `max_agents`.
        max: usize,
    },
    /// `bridge` was asked to solve without a trained leader.
    #[error("bridge needs a trained leader: give --weights FILE (made by `bridge train`)")]
    NoWeights,
    /// A trainer's state asked for in the middle of a step's updates, which a checkpoint does
    /// not hold: checkpoints are taken between steps.
    #[error("the trainer is in the middle of a step's network updates; save it after the step")]
    UpdateUnderway,
    /// A hyperparameter outside its domain.
    #[error("{0}")]
    BadParams(String),
}

impl From<crate::nn::Error> for Error {
    fn from(e: crate::nn::Error) -> Self {
        match e {
            crate::nn::Error::Candle(e) => Error::Candle(e),
            crate::nn::Error::Weights(w) => Error::Weights(w),
        }
    }
}

/// The leader's result type.
pub type Result<T> = std::result::Result<T, Error>;
