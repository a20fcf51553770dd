//! BRIDGE's bi-level loop (paper section 4.2, Algorithm 1): the leader merges coalitions; after
//! each merge the followers train `K` epochs inside the new structure, and the leader's reward is
//! the change of the structure's value under their policies, `V(s') − V(s)` (eq. 1).
//!
//! - [`LowerLevel`]: what the loop needs of the followers: train on a structure in small
//!   resumable pieces, then value it. [`NormalForm`] is the degenerate lower level of a
//!   characteristic function (valuing costs nothing), with which the loop is the normal-form
//!   leader's training;
//! - [`ValueCache`]: the value of every structure already trained on (a structure seen before
//!   costs nothing), and the leader's [`ValueSource`](crate::leader::ValueSource);
//! - [`BiLevel`]: Algorithm 1 as a stepper that yields whenever its caller's time is up, even in
//!   the middle of a follower training, and resumes where it stopped;
//! - [`FollowerLevel`]: the MADDPG followers as the lower level (`K` epochs per structure, then
//!   valued on fixed evaluation grids);
//! - [`LbfRun`]: a whole run on a grid configuration (search, then the followers trained once
//!   more on the structure found), with checkpoints the command line and the worker share;
//! - [`merge_path`]: the leader's merges from singletons to the structure found, for the page;
//! - [`search`]: the baselines on the grid (singleton, C-Link, GRASP, SALDAE, CSG-UCT) over the
//!   same followers and cache, within a budget of follower trainings.

mod cache;
mod error;
mod followers;
mod lower;
mod path;
mod run;
pub mod search;
mod stepper;

pub use cache::ValueCache;
pub use error::{Error, Result};
pub use followers::{FollowerLevel, FollowerSchedule};
pub use lower::{LowerLevel, NormalForm, Valued};
pub use path::{merge_path, LeaderMerge};
pub use run::{LbfRun, Outcome, RunSettings, RunState};
pub use stepper::{BiLevel, BiLevelEvent, BiLevelParams, BiLevelState};
