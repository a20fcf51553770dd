//! The size-independent graph leader (issue 12, not in the paper) that every `repro` experiment
//! with a graph row shares: trained once with [`GraphTraining::default`] (episodes from
//! `--graph-episodes`), kept under `results/leaders/` and reused by every later run with the
//! same settings, and its rows on one instance: the greedy rollout, the better of it and
//! C-Link's (`bridge solve`'s default), and a beam of [`BEAM_WIDTH`] with no time limit (so
//! the tables do not depend on the machine's speed).

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::Instant;

use anyhow::{Context, Result};
use bridge_lab::algorithms::{Algorithm, SolveOptions};
use bridge_lab::core::Instance;
use bridge_lab::leader::graph::{
    self, weights as graph_weights, GraphConfig, GraphNetwork, GraphTraining,
};
use bridge_lab::leader::Horizon;

use crate::cli::ReproArgs;

/// The beam of the graph leader's beam row: [`SearchParams::default`](bridge_lab::leader::graph::SearchParams)'s width.
pub const BEAM_WIDTH: usize = 2;

/// The names of the graph leader's rows, in order: greedy, the better of greedy and C-Link,
/// and the beam.
pub const ROWS: [&str; 3] = ["graph", "graph+clink", "graph+beam2"];

/// A trained graph leader: the network, its `trained_on`, and its training's seconds in this
/// process (0 when reused).
pub type Trained = (GraphNetwork, String, f64);

/// The training settings: the defaults with `--graph-episodes`.
pub fn settings(args: &ReproArgs) -> GraphTraining {
    GraphTraining {
        episodes: args.graph_episodes,
        ..Default::default()
    }
}

/// Where the trained leader is kept: named by its training settings, its network's shape and
/// this build's version (a hash of all three), so that a change to any of them trains anew
/// instead of reusing a leader trained otherwise.
pub fn path(args: &ReproArgs) -> PathBuf {
    use std::hash::Hasher as _;
    let t = settings(args);
    let mut hasher = siphasher::sip::SipHasher13::new_with_keys(0, 0);
    hasher.write(
        format!(
            "{t:?} {:?} {}",
            GraphConfig::default(),
            super::sweep::code_version()
        )
        .as_bytes(),
    );
    args.results.join("leaders").join(format!(
        "graph_n{}-{}_e{}_s0_{:08x}.safetensors",
        t.agents.0,
        t.agents.1,
        t.episodes,
        hasher.finish() as u32
    ))
}

/// The leader: read from `results/leaders/` if an earlier run trained it, else trained and
/// saved (training is deterministic, so both give the same network).
fn load_or_train(args: &ReproArgs) -> Result<Trained> {
    let path = path(args);
    if let Ok(bytes) = std::fs::read(&path) {
        let (net, trained_on) = graph_weights::from_bytes(&bytes).with_context(|| {
            format!(
                "{} is not a graph leader; delete it to retrain",
                path.display()
            )
        })?;
        eprintln!("reusing {}", path.display());
        return Ok((net, trained_on, 0.0));
    }
    let settings = settings(args);
    let start = Instant::now();
    let report = graph::train(
        GraphNetwork::new(GraphConfig::default(), 0)?,
        &settings,
        &mut |e| {
            if let graph::GraphEvent::Validation {
                episode,
                ratio,
                best,
            } = e
            {
                eprintln!("graph leader: validation after {episode} episodes {ratio:.4} of C-Link (best {best:.4})");
            }
            true
        },
    )?;
    let seconds = start.elapsed().as_secs_f64();
    // No training time in it: the tables print it, and they must not depend on the machine.
    let trained_on = report.describe(&settings);
    let dir = args.results.join("leaders");
    std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
    let bytes = graph_weights::to_bytes(&report.best, &trained_on)?;
    // Through a temporary file and a rename: a concurrent reader (another shard sharing the
    // directory) sees the whole file or none.
    let tmp = path.with_extension(format!("tmp{}", std::process::id()));
    std::fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
    std::fs::rename(&tmp, &path).with_context(|| format!("cannot write {}", path.display()))?;
    Ok((report.best, trained_on, seconds))
}

/// The one graph leader of an experiment, loaded or trained on first use.
#[derive(Default)]
pub struct SharedLeader(Mutex<Option<Arc<Trained>>>);

impl SharedLeader {
    /// The leader, trained or loaded by the first caller.
    pub fn get(&self, args: &ReproArgs) -> Result<Arc<Trained>> {
        let mut slot = self.0.lock().map_err(|_| anyhow::anyhow!("a run failed"))?;
        if slot.is_none() {
            *slot = Some(Arc::new(load_or_train(args)?));
        }
        Ok(slot.clone().expect("just set"))
    }
}

/// One of the graph leader's rows on one instance: its name, `v(CS)` and wall time.
pub struct GraphRow {
    /// One of [`ROWS`].
    pub name: &'static str,
    /// `v(CS)`.
    pub value: f64,
    /// Wall-clock seconds.
    pub seconds: f64,
}

/// The leader's [`ROWS`] on `inst` within `horizon`, each timed on its own.
pub fn rows(net: &GraphNetwork, inst: &Instance, horizon: Horizon) -> Result<Vec<GraphRow>> {
    let start = Instant::now();
    let greedy = net.rollout(inst, horizon)?.value;
    let mut out = vec![GraphRow {
        name: ROWS[0],
        value: greedy,
        seconds: start.elapsed().as_secs_f64(),
    }];
    for (name, beam) in [(ROWS[1], 1), (ROWS[2], BEAM_WIDTH)] {
        let start = Instant::now();
        let solution = Algorithm::Bridge.solve(
            inst,
            &SolveOptions {
                graph: Some(net),
                beam,
                horizon,
                ..Default::default()
            },
        )?;
        out.push(GraphRow {
            name,
            value: solution.value,
            seconds: start.elapsed().as_secs_f64(),
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use bridge_lab::leader::graph::SearchParams;

    #[test]
    fn the_beam_row_uses_the_searchs_default_width() {
        assert_eq!(BEAM_WIDTH, SearchParams::default().width);
        assert_eq!(ROWS[2], format!("graph+beam{BEAM_WIDTH}"));
    }
}
