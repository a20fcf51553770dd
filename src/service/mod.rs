//! The worker's logic, free of platform: the page's requests go in, a stream of answers comes
//! out (SPEC section 8). The web worker (`web::worker`) is a thin shell that decodes messages,
//! calls [`Service::handle`], keeps calling [`Service::work`] in time slices while a job runs,
//! and posts the answers; native tests drive the same [`Service`] with a counting clock.
//!
//! - [`protocol`]: the messages, closed enums sent as JSON text;
//! - [`Service`]: the session (current leader, job in progress) and request handling;
//! - [`limits`]: what the page agrees to compute;
//! - the requests answered at once (`requests.rs`) and the resumable jobs: the leader's
//!   training (`training.rs`), the size-independent graph leader's training across sizes
//!   (`graph_training.rs`) and BRIDGE's bi-level training on a grid (`lbf_training.rs`).

mod graph_training;
mod lbf_training;
pub mod limits;
pub mod protocol;
pub(crate) mod requests;
mod session;
mod training;

pub use graph_training::GraphJob;
pub use lbf_training::LbfJob;
pub use limits::{
    browser_limit, check_graph_training_sizes, MAX_BROWSER_EXACT_AGENTS,
    MAX_BROWSER_GRAPH_EPISODES, MAX_BROWSER_GRAPH_TRAINING_AGENTS, MAX_BROWSER_LBF_EPISODES,
    MAX_BROWSER_LBF_EPOCHS, MAX_BROWSER_NETWORK,
};
pub use requests::build_instance;
pub use session::{Clock, Leader, LeaderNetwork, Service};
pub use training::{Ending, TrainingJob};

/// The source of a leader trained in this page's worker (an upload's is its file name): the
/// page tells its own leaders by it.
pub const TRAINED_HERE: &str = "trained here";

/// A clock that advances 1 ms every time it is read, so the tests' slices are deterministic.
#[cfg(test)]
#[derive(Default)]
pub(crate) struct Ticks(std::cell::Cell<f64>);

#[cfg(test)]
impl Clock for Ticks {
    fn now_ms(&self) -> f64 {
        self.0.set(self.0.get() + 1.0);
        self.0.get()
    }
}
