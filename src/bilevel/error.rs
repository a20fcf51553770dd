//! The bi-level loop's errors: the leader's and the followers'.

/// Errors from either level.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// From the leader (its training, its structures).
    #[error(transparent)]
    Leader(#[from] crate::leader::Error),
    /// From the followers (their configuration, training, evaluation).
    #[error(transparent)]
    Followers(#[from] crate::followers::Error),
    /// From the core (structures).
    #[error(transparent)]
    Core(#[from] crate::core::Error),
}

/// The bi-level loop's result type.
pub type Result<T> = std::result::Result<T, Error>;
