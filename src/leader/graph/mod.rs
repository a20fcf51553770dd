//! The size-independent leader (issue 12; not in the paper): a graph network over the
//! coalitions, read from their values, whose parameters depend on neither `n` nor `M`, so one
//! file trained on 10..60 agents runs on 5 or 1000.
//!
//! - [`state`]: the structure in the making and every pair's merge reward, with the instance's
//!   reward and value scales;
//! - [`features`]: what the network reads (per coalition, per candidate merge, the merge graph);
//! - [`network`]: embeddings, message passing, and `Q = reward / scale + correction`, stop = 0,
//!   the correction zero at initialisation (so the untrained network is C-Link);
//! - [`rollout`]: the greedy rollout, and C-Link's as the untrained network's;
//! - [`search`]: inference within a budget: the greedy rollout, C-Link's and a beam, the best kept;
//! - [`mod@train`]: Double DQN with n-step returns across sampled sizes and distributions, the
//!   checkpoint chosen on validation instances at 50 and 100 agents;
//! - [`weights`]: safetensors with the architecture in the metadata.

pub mod features;
pub mod network;
pub mod rollout;
pub mod search;
pub mod state;
pub mod train;
pub mod weights;

pub use features::FeatureSet;
pub use network::{GraphConfig, GraphNetwork};
pub use search::{Found, SearchParams, Searched};
pub use state::MergeState;
pub use train::{train, GraphEvent, GraphReport, GraphTrainer, GraphTraining};
