//! The messages between the page and the worker: closed enums with named fields, sent as JSON
//! text so that every `u64` seed and `f64` value crosses exactly (JavaScript numbers cannot hold
//! every `u64`, and JSON with shortest round-trip floats loses no bits).

use serde::{Deserialize, Serialize};

/// Where the instance to solve comes from.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum InstanceSpec {
    /// A lazy instance of a distribution (SPEC section 2).
    Generated {
        /// The distribution's name.
        distribution: String,
        /// Parameters set over the defaults.
        params: Vec<(String, f64)>,
        /// `n`.
        agents: usize,
        /// The instance seed.
        seed: u64,
    },
    /// An uploaded instance file's text (JSON or ODP-IP), parsed by the worker.
    File {
        /// The file's name, for error messages.
        name: String,
        /// Its content.
        text: String,
    },
}

/// What the page asks the worker.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum ToWorker {
    /// Solve the instance exactly and report the singleton structure's value beside it.
    SolveExact {
        /// The instance.
        instance: InstanceSpec,
    },
}

/// The exact optimum of an instance, with the all-singletons reference.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ExactReport {
    /// `n`.
    pub agents: usize,
    /// Where the instance came from, in words ("modified_normal, seed 7" or the file name).
    pub described: String,
    /// The optimal coalition structure, 0-based agent lists.
    pub coalitions: Vec<Vec<usize>>,
    /// Its value, the optimum.
    pub exact_value: f64,
    /// `v` of all singletons.
    pub singleton_value: f64,
    /// The solver's wall time in the worker.
    pub seconds: f64,
}

/// What the worker tells the page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub enum FromWorker {
    /// The worker has started; messages sent before this are lost, so the page waits for it.
    Ready,
    /// The answer to [`ToWorker::SolveExact`]: the report, or what was wrong.
    Solved(Result<ExactReport, String>),
}

/// Encodes a message for `postMessage`.
pub fn encode<T: Serialize>(message: &T) -> String {
    // Plain enums of strings and numbers always serialise.
    serde_json::to_string(message).unwrap_or_default()
}

/// Decodes a message from `postMessage` data.
pub fn decode<T: for<'de> Deserialize<'de>>(data: &str) -> Result<T, String> {
    serde_json::from_str(data)
        .map_err(|e| format!("a message between page and worker was garbled: {e}"))
}
