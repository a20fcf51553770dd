//! The network pieces' errors: the tensor library's, and weight files that are not what they
//! claim to be.

/// Errors from layers, optimisers and weight files.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A failure inside candle (shapes, memory).
    #[error("tensor computation failed: {0}")]
    Candle(#[from] candle_core::Error),
    /// A weights file that is not of the expected kind, or does not match what it claims.
    #[error("bad weights: {0}")]
    Weights(String),
}

/// The network pieces' result type.
pub type Result<T> = std::result::Result<T, Error>;
