//! Level-Based Foraging (LBF), the lower level's grid world (SPEC section 6; paper section 5.2),
//! following the rules of the `lbforaging` 2.0.0 package as recorded in
//! `tests/data/lbf-vectors/README.md`: players and apples ("food", the paper's "tasks") have
//! levels, and an apple is loaded when the adjacent players choosing LOAD have levels summing to
//! at least its level.
//!
//! Free of I/O and platform (it builds for wasm32): files are parsed from text, and the
//! command line reads them.
//!
//! - [`action`]: the six actions; [`state`]: players and apples; [`params`]: `env_kwargs`;
//! - [`env`](mod@env): the environment and its `step`; [`observation`]: vector observations;
//!   [`spawn`]: reset from a seeded RNG;
//! - [`episode_file`]: the recorded-episode format; [`replay`](mod@replay): replaying a file;
//!   [`compare`]: the first difference between two trajectories.

pub mod action;
pub mod compare;
pub mod env;
pub mod episode_file;
pub mod error;
pub mod observation;
pub mod params;
pub mod replay;
pub mod spawn;
pub mod state;

pub use action::Action;
pub use compare::{first_mismatch, Mismatch, TOLERANCE};
pub use env::{Foraging, StepOutcome};
pub use episode_file::{EpisodeFile, InitialState, Outcome, StepRecord};
pub use error::{Error, Result};
pub use params::Params;
pub use replay::{initial_env, replay};
pub use state::{Food, Player, Position};
