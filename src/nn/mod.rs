//! Network pieces both levels share: the leader's Q-network and the followers' actors and
//! critics are built from the same seeded linear layers, trained by the same fused Adam, and
//! saved as safetensors with the same checked metadata. Neither level imports the other; both
//! import this.
//!
//! - [`linear`]: a linear layer as candle variables, initialised from our own seeded RNG;
//! - [`adam`]: Adam with gradient clipping fused into one pass per parameter;
//! - [`mlp`]: a small plain-`f32` MLP with its backward pass and Adam, for networks too small
//!   for candle's per-operation cost (the followers' actors and critics, the graph leader);
//! - [`tensors_file`]: safetensors bytes with a `format` and metadata checked on reading.

pub mod adam;
pub mod error;
pub mod linear;
pub mod mlp;
pub mod tensors_file;

pub use adam::{Adam, AdamParams, AdamState};
pub use error::{Error, Result};
pub use linear::Linear;
pub use tensors_file::{TensorsFile, TensorsWriter};
