//! The values a leader can take: its networks compute in `f32` (at most about 3.4e38), and its
//! rewards and returns are differences and sums of coalition values, so values far beyond
//! `f32`'s range would turn its Q-values infinite. Only an instance file can hold such values:
//! generated ones are bounded far below by their parameters
//! ([`crate::core::distribution::MAX_PARAMETER`]).

use crate::core::{Instance, Source};

use super::error::{Error, Result};

/// The largest value magnitude a leader takes.
pub const MAX_LEADER_VALUE: f64 = 1e30;

/// Refuses an instance with a value beyond ±[`MAX_LEADER_VALUE`], saying what to do; the exact
/// solver and the baselines, in `f64`, take it.
pub fn check_values(instance: &Instance) -> Result<()> {
    if let Source::Table(values) = instance.source() {
        if let Some(v) = values.iter().find(|v| v.abs() > MAX_LEADER_VALUE) {
            return Err(Error::BadParams(format!(
                "the instance holds the value {v:e}, and a leader's networks compute in 32-bit \
                 numbers: its values must stay within ±1e30 (scale them down; the exact solver \
                 and the baselines take them as they are)"
            )));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_beyond_the_f32_range_are_refused_with_what_to_do() {
        let fits = Instance::from_table(vec![0.0, 1.0, 2.0, 1e30]).expect("a table");
        assert!(check_values(&fits).is_ok());
        let big = Instance::from_table(vec![0.0, 1.0, 2.0, -1e31]).expect("a table");
        let e = check_values(&big).expect_err("too large").to_string();
        assert!(e.contains("within ±1e30"), "{e}");
    }
}
