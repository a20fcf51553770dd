//! What the page's worker agrees to compute, so that no request freezes a browser tab: the
//! largest instances per algorithm and the largest leader network. The command line has none
//! of these limits.

use crate::algorithms::Algorithm;

/// The largest `n` the page solves exactly: `3^16 / 2` DP steps take well under a second in wasm.
pub const MAX_BROWSER_EXACT_AGENTS: usize = 16;

/// The largest `n` the comparison runs GRASP on: 5 iterations take 0.27 s natively at 300
/// agents, and grow faster than `n²`.
pub const MAX_BROWSER_GRASP_AGENTS: usize = 300;

/// The largest `n` the comparison runs CSG-UCT on: its 1000 playouts grow as about `n²` each,
/// a second at 200 agents and a minute at 1000.
pub const MAX_BROWSER_UCT_AGENTS: usize = 200;

/// The largest `n` the comparison runs SALDAE on: its 5000 expansions take about a second at
/// 300 agents natively.
pub const MAX_BROWSER_SALDAE_AGENTS: usize = 300;

/// The largest leader network the page trains: at `M = 100` one DQN update already takes tens
/// of milliseconds in wasm, and the first layer holds `M² × 128` weights.
pub const MAX_BROWSER_NETWORK: usize = 100;

/// The most episodes of a graph leader's training the page starts: 3 000 (the command line's
/// default) take about 7 minutes natively.
pub const MAX_BROWSER_GRAPH_EPISODES: usize = 20_000;

/// The largest training instances the page draws for the graph leader: an episode at `n`
/// agents costs about `n` forward passes over `n` coalitions.
pub const MAX_BROWSER_GRAPH_TRAINING_AGENTS: usize = 200;

/// Checks the graph leader's training sizes `lo..hi` against the page's limits, saying what to
/// give; the form and the worker both ask it.
pub fn check_graph_training_sizes(lo: usize, hi: usize) -> Result<(), String> {
    let max = MAX_BROWSER_GRAPH_TRAINING_AGENTS;
    if !(2..=max).contains(&lo) || !(2..=max).contains(&hi) {
        return Err(format!(
            "training sizes: {lo}..{hi} is out of range; give numbers of agents from 2 to {max}, \
             e.g. 10..60"
        ));
    }
    if lo > hi {
        return Err(format!(
            "training sizes: {lo} is more than {hi}; give the smaller first, e.g. {hi}..{lo}"
        ));
    }
    Ok(())
}

/// The most leader episodes of a bi-level run the page starts: each new structure costs a
/// follower training of a few seconds.
pub const MAX_BROWSER_LBF_EPISODES: usize = 500;

/// The most follower epochs per structure the page trains (the paper tries 5 to 15).
pub const MAX_BROWSER_LBF_EPOCHS: usize = 100;

/// The most agents the comparison runs `algorithm` on, if it is limited.
pub fn browser_limit(algorithm: Algorithm) -> Option<usize> {
    match algorithm {
        Algorithm::Exact => Some(MAX_BROWSER_EXACT_AGENTS),
        Algorithm::Grasp => Some(MAX_BROWSER_GRASP_AGENTS),
        Algorithm::Uct => Some(MAX_BROWSER_UCT_AGENTS),
        Algorithm::Saldae => Some(MAX_BROWSER_SALDAE_AGENTS),
        _ => None,
    }
}
