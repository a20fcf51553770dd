//! Several seeds at once: the same training run with other training seeds, each in a worker of
//! its own, drawn as the mean across seeds with a band from the lowest to the highest, so a
//! learner sees how much a run depends on its seed.
//!
//! Seed `k` of a run whose form says seed `s` trains with `s + k` (wrapping), the instance
//! unchanged: seed 0 of the band is the run the page's single-seed training makes.

/// The most seeds the page trains at once (one worker each).
pub const MAX_SEEDS: usize = 8;

/// The training seed of the `k`-th run (0-based) when the form's seed is `base`.
pub fn seed_of(base: u64, k: usize) -> u64 {
    base.wrapping_add(k as u64)
}

/// How many seeds the page offers at once on a machine with `cores` logical cores: one worker
/// per core, at least 1 and at most [`MAX_SEEDS`].
pub fn max_seeds(cores: usize) -> usize {
    cores.clamp(1, MAX_SEEDS)
}

/// One episode of the band.
#[derive(Clone, Debug, PartialEq)]
pub struct BandPoint {
    /// The 1-based episode.
    pub episode: usize,
    /// The mean across seeds.
    pub mean: f64,
    /// The lowest seed's value.
    pub low: f64,
    /// The highest seed's value.
    pub high: f64,
}

/// The band of `runs`, each a seed's values by episode (episode 1 first). A run that has ended
/// (stopped early) keeps its last value for the episodes after; a run not yet started counts
/// from its first episode on. Empty when no run has an episode.
pub fn band(runs: &[Vec<f64>]) -> Vec<BandPoint> {
    let episodes = runs.iter().map(Vec::len).max().unwrap_or(0);
    (0..episodes)
        .filter_map(|e| {
            let values: Vec<f64> = runs
                .iter()
                .filter_map(|r| r.get(e).or_else(|| r.last()).copied())
                .collect();
            if values.is_empty() {
                return None;
            }
            let mean = values.iter().sum::<f64>() / values.len() as f64;
            let low = values.iter().copied().fold(f64::INFINITY, f64::min);
            let high = values.iter().copied().fold(f64::NEG_INFINITY, f64::max);
            Some(BandPoint {
                episode: e + 1,
                mean,
                low,
                high,
            })
        })
        .collect()
}

/// What one seed's run reached, for the table beside the band: the band shows the spread,
/// the table which seed gave what.
#[derive(Clone, Debug, PartialEq)]
pub struct SeedSummary {
    /// The run's training seed.
    pub seed: u64,
    /// Its episodes so far.
    pub episodes: usize,
    /// `v(CS)` of its last episode's structure.
    pub last: Option<f64>,
    /// The best `v(CS)` among its episodes.
    pub best: Option<f64>,
}

/// One summary per run of `runs` (run `k` trained with `seed_of(base, k)`).
pub fn summaries(base: u64, runs: &[Vec<f64>]) -> Vec<SeedSummary> {
    runs.iter()
        .enumerate()
        .map(|(k, r)| SeedSummary {
            seed: seed_of(base, k),
            episodes: r.len(),
            last: r.last().copied(),
            best: r.iter().copied().reduce(f64::max),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_band_spans_the_seeds_and_keeps_a_finished_run_at_its_end() {
        let runs = vec![vec![1.0, 2.0, 3.0], vec![3.0, 4.0], vec![]];
        let b = band(&runs);
        assert_eq!(b.len(), 3);
        assert_eq!(
            b[0],
            BandPoint {
                episode: 1,
                mean: 2.0,
                low: 1.0,
                high: 3.0
            }
        );
        // The second run ended at 4.0: episode 3 reads it there.
        assert_eq!((b[2].mean, b[2].low, b[2].high), (3.5, 3.0, 4.0));
        assert!(band(&[vec![], vec![]]).is_empty());
    }

    #[test]
    fn each_seed_s_summary_names_its_seed_and_its_last_and_best_values() {
        let s = summaries(7, &[vec![1.0, 3.0, 2.0], vec![]]);
        assert_eq!(
            s,
            vec![
                SeedSummary {
                    seed: 7,
                    episodes: 3,
                    last: Some(2.0),
                    best: Some(3.0)
                },
                SeedSummary {
                    seed: 8,
                    episodes: 0,
                    last: None,
                    best: None
                },
            ]
        );
    }

    #[test]
    fn seeds_follow_the_form_s_and_cores_bound_them() {
        assert_eq!(seed_of(7, 0), 7);
        assert_eq!(seed_of(u64::MAX, 1), 0);
        assert_eq!(max_seeds(0), 1);
        assert_eq!(max_seeds(2), 2);
        assert_eq!(max_seeds(64), MAX_SEEDS);
    }
}
