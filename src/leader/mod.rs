//! The leader (paper section 4.1): the upper level of BRIDGE, a DQN that builds a coalition
//! structure by merging coalitions, trained on candle and run by a fast incremental rollout.

pub mod dqn;
pub mod error;
pub mod first_layer;
pub mod gains;
pub mod graph;
pub mod greedy;
pub mod mdp;
pub mod network;
pub mod range;
pub mod replay;
pub mod weights;

pub use dqn::{
    DqnParams, EpisodeStats, LeaderEpisode, Progress, StopReason, TrainReport, Trainer,
    TrainerState, UpdateProgress,
};
pub use error::{Error, Result};
pub use greedy::{beam, greedy, PlainNetwork, Rollout};
pub use mdp::{Action, Episode, Horizon, ValueSource};
pub use network::{NetworkConfig, QNetwork};
pub use range::{check_values, MAX_LEADER_VALUE};
