//! BRIDGE's lower level (paper sections 3, 4.2 and 5.2; appendix D.4, D.5; SPEC section 6): the
//! followers, agents who play Level-Based Foraging inside the coalitions the leader chose and
//! learn to maximise their coalition's return; the value they reach is the coalition's `v(C)`,
//! from which the leader's reward (eq. 1) is built.
//!
//! - [`config`]: the presets (`teaching`, `6a4t` … `10a5t`) and custom configurations;
//! - [`game`]: the coalition game on one shared grid: credit, recruitment cost, `v(C | CS)`,
//!   `V(CS)`, episode files;
//! - [`scripted`]: the scripted forager and the random policy, the yardsticks of learning;
//! - [`maddpg`]: the followers (MADDPG with categorical policies), built from [`features`]
//!   (what the networks read), [`actor`], [`critic`], [`replay`] and [`mlp`] (plain-`f32`
//!   networks and Adam); [`weights`]: their safetensors file (`bridge-follower/1`).
//!
//! Free of I/O, clocks and printing: it builds for wasm32, and callers time and report.

pub mod actor;
pub mod config;
pub mod critic;
pub mod error;
pub mod features;
pub mod game;
pub mod maddpg;
pub use crate::nn::mlp;
pub mod replay;
pub mod scripted;
pub mod weights;

pub use config::{Config, ConfigChoice, CustomConfig, Discount, GameParams, PRESETS};
pub use error::{Error, Result};
pub use game::{evaluate, record_episode, JointPolicy, Membership, StructureValue};
pub use maddpg::{Acting, Carry, FollowerParams, Followers, Poll, Progress, Training};
pub use scripted::{RandomPolicy, Scripted};
