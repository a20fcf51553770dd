//! The core's errors: every way user input (files, parameters, merges) can be wrong.
//!
//! Messages are lower case, name what was wrong and, where it helps, what to do instead.

/// Errors from the core library.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// `n` is beyond what a structure, network or solver can take.
    #[error("{n} agents is more than the limit of {max}")]
    TooManyAgents {
        /// The number of agents asked for.
        n: usize,
        /// The limit.
        max: usize,
    },

    /// A distribution name that is not one of SPEC section 2.
    #[error("unknown distribution “{0}”; expected one of {list}", list = crate::core::distribution::Distribution::NAMES.join(", "))]
    UnknownDistribution(String),

    /// A `--param` name the distribution does not have.
    #[error("unknown parameter “{name}” for {distribution}; expected one of {expected}")]
    UnknownParameter {
        /// The distribution's name.
        distribution: String,
        /// The name given.
        name: String,
        /// The parameter names the distribution takes.
        expected: String,
    },

    /// A parameter value outside its domain.
    #[error("parameter {name} = {} is out of range: {why}", shown(*value))]
    BadParameter {
        /// The parameter's name.
        name: String,
        /// The value given.
        value: f64,
        /// What the value must be.
        why: &'static str,
    },

    /// A `key=value` parameter that does not parse.
    #[error("parameter “{0}” is not of the form name=number")]
    MalformedParameter(String),

    /// Coalitions that do not partition the agents.
    #[error("not a partition: {0}")]
    NotAPartition(String),

    /// A merge of coalition indices that do not exist or are equal.
    #[error("cannot merge coalitions {i} and {j} of a structure with {coalitions}")]
    IllegalMerge {
        /// First index.
        i: usize,
        /// Second index.
        j: usize,
        /// Coalitions in the structure.
        coalitions: usize,
    },

    /// An action taken after the leader's episode ended.
    #[error("the episode is over: no action can be taken after stopping, at one coalition or at the horizon")]
    EpisodeOver,

    /// A matrix that does not encode a coalition structure.
    #[error("not an adjacency matrix of a coalition structure: {0}")]
    BadAdjacency(String),

    /// An instance or solution file that cannot be read; `key` names the part that was wrong.
    #[error("{key}: {problem}")]
    BadFile {
        /// The JSON key (or line) that was wrong.
        key: String,
        /// What was wrong with it.
        problem: String,
    },

    /// An algorithm that cannot take an instance of this size.
    #[error("{algorithm} takes at most {max} agents, this instance has {n}{hint}")]
    InstanceTooLarge {
        /// The algorithm's name.
        algorithm: &'static str,
        /// The instance's agents.
        n: usize,
        /// The algorithm's limit.
        max: usize,
        /// What to use instead.
        hint: &'static str,
    },
}

/// The core's result type.
pub type Result<T> = std::result::Result<T, Error>;

/// A number in a message, short: `1e308` rather than its 309 digits, which would run off the
/// page beside a field.
fn shown(x: f64) -> String {
    if x != 0.0 && !(1e-6..1e16).contains(&x.abs()) {
        format!("{x:e}")
    } else {
        format!("{x}")
    }
}
