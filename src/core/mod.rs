//! The core: coalitions, coalition structures, value functions and files (SPEC sections 1-3).
//!
//! Free of I/O and platform: no `std::fs`, no printing, no clocks, no UI crates. Everything
//! else (algorithms, CLI, worker, page) builds on it.

pub mod coalition;
pub mod distribution;
pub mod error;
pub mod instance_file;
pub mod sampler;
pub mod solution;
pub mod structure;
pub mod values;

pub use coalition::{Coalition, MAX_AGENTS};
pub use distribution::{Distribution, Domain, HardParams, ParamSpec};
pub use error::{Error, Result};
pub use solution::{Solution, Step};
pub use structure::CoalitionStructure;
pub use values::{CharacteristicFunction, Instance, Source, MAX_TABLE_AGENTS};
