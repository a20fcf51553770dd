//! The graph leader's training form (issue 12's leader in the page): the training sizes as
//! typed (`10..60`) and which distributions to draw from, read into what the worker's
//! `GraphTrainSpec` needs, with a message naming the field when they are wrong.

use super::numbers;
use crate::core::Distribution;
use crate::service::{check_graph_training_sizes, MAX_BROWSER_GRAPH_TRAINING_AGENTS};

/// The training sizes the form starts with: the command line's default.
pub const DEFAULT_SIZES: &str = "10..60";

/// The distributions choice the form starts with: all six.
pub const ALL_DISTRIBUTIONS: &str = "all";

/// The distributions choice "the instance's only".
pub const INSTANCE_DISTRIBUTION: &str = "instance";

/// The smallest and largest number of agents typed as `A..B` (also `A-B`, `A to B`, or one
/// number for a single size).
pub fn training_sizes(text: &str) -> Result<(usize, usize), String> {
    let label = "training sizes";
    let max = MAX_BROWSER_GRAPH_TRAINING_AGENTS;
    let t = text.trim();
    let parts: Vec<&str> = ["..", " to ", "-"]
        .iter()
        .find_map(|sep| t.split_once(sep).map(|(a, b)| vec![a, b]))
        .unwrap_or_else(|| vec![t, t]);
    let read = |part: &str| {
        numbers::count(label, part.trim(), 2, max).map_err(|_| {
            let what = if t.is_empty() {
                "empty".to_string()
            } else {
                format!("“{t}” is not two numbers of agents from 2 to {max}")
            };
            format!(
                "{label}: {what}; type them as 10..60 (the smaller first), or one number for a \
                 single size"
            )
        })
    };
    let (lo, hi) = (read(parts[0])?, read(parts[1])?);
    check_graph_training_sizes(lo, hi)?;
    Ok((lo, hi))
}

/// The distributions to train on: all six, or the instance's (`dist`) only.
pub fn distributions(choice: &str, dist: &str) -> Vec<String> {
    if choice == INSTANCE_DISTRIBUTION {
        vec![dist.to_string()]
    } else {
        Distribution::NAMES.iter().map(|s| s.to_string()).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_read_as_people_type_them() {
        assert_eq!(training_sizes("10..60"), Ok((10, 60)));
        assert_eq!(training_sizes(" 10 - 60 "), Ok((10, 60)));
        assert_eq!(training_sizes("10 to 60"), Ok((10, 60)));
        assert_eq!(training_sizes("20"), Ok((20, 20)));
        assert_eq!(training_sizes("1e1..6e1"), Ok((10, 60)));
    }

    #[test]
    fn bad_sizes_say_what_to_type() {
        for bad in ["", "abc", "1..10", "10..5000", "10..", "2.5..8"] {
            let e = training_sizes(bad).expect_err(bad);
            assert!(
                e.starts_with("training sizes: ") && e.contains("10..60"),
                "{e}"
            );
        }
        let e = training_sizes("60..10").expect_err("reversed");
        assert!(e.contains("60 is more than 10"), "{e}");
    }

    #[test]
    fn the_choice_gives_all_six_or_the_instances() {
        assert_eq!(distributions(ALL_DISTRIBUTIONS, "agent_based").len(), 6);
        assert_eq!(
            distributions(INSTANCE_DISTRIBUTION, "agent_based"),
            vec!["agent_based".to_string()]
        );
    }
}
