//! What the graph leader reads of a structure: numbers built from the values, none of whose
//! count depends on `n` (S2V-DQN's per-node features, ECO-DQN's normalised gains).
//!
//! - Per coalition ([`NODE_FEATURES`]): log size, per-agent value, its best and second best merge
//!   reward, the share of its merges that pay, and the structure's coalitions per agent and share
//!   of paying merges.
//! - Per candidate merge ([`EDGE_FEATURES`]): its normalised reward, its rank, whether it is each
//!   side's best merge, its margin over each side's best other merge, both sides' sizes and
//!   per-agent values (as min and max, so the order of the sides does not matter), the merged
//!   coalition's per-agent value, and the structure's two numbers.
//! - With the next merge ([`FeatureSet::NextMerge`], [`NEXT_MERGE_FEATURES`] more per
//!   candidate): the merged coalition's best next merge reward over all other coalitions
//!   ([`MergeState::next_merge`]). A greedy merge by reward sees pairs only; good structures
//!   often hold triples whose values happen to be drawn high, which this shows one merge ahead.
//! - With the next merge's gain ([`FeatureSet::NextMergeGain`], the default): that reward less
//!   the better of the two sides' best merges with anyone but each other, what the merge adds
//!   to what either side could already get. A best over `m` coalitions grows with `m` when
//!   rewards are noisy (agent-based values); the difference of two such bests does not, so the
//!   number means the same at 30 and at 100 agents as at the training sizes.
//! - The merge graph: each coalition's `k` best merges by reward, over which the network passes
//!   messages.
//! - The candidates: the best merges by reward (the greedy one first), the only actions scored.
//!
//! Rewards are divided by the instance's reward scale, values by its value scale
//! ([`MergeState`]); features are clamped to ±[`CLAMP`] so that one huge draw cannot saturate the
//! network (the Q-value itself uses the unclamped reward).

use super::network::GraphConfig;
use super::state::MergeState;
use crate::core::CharacteristicFunction;

/// Numbers per coalition.
pub const NODE_FEATURES: usize = 7;
/// Numbers per candidate merge without the next merge's.
pub const EDGE_FEATURES: usize = 13;
/// Numbers the next merge adds per candidate merge.
pub const NEXT_MERGE_FEATURES: usize = 1;
/// The bound of every feature's magnitude.
pub const CLAMP: f32 = 20.0;

/// Which numbers the network reads per candidate merge; recorded in weight files by its
/// [`version`](Self::version), so that a network reads only the features it was trained on.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum FeatureSet {
    /// The first set, [`EDGE_FEATURES`] numbers (sessions 8-15).
    First,
    /// The first set and the merged coalition's best next merge reward (session 16).
    NextMerge,
    /// The first set and the next merge's gain over the sides' best other merges (session 17;
    /// more instances at or above C-Link at 30 and 100 agents, RESULTS.md).
    #[default]
    NextMergeGain,
}

impl std::fmt::Display for FeatureSet {
    /// The set's [`name`](Self::name).
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

impl FeatureSet {
    /// Every set, oldest first.
    pub const ALL: [Self; 3] = [Self::First, Self::NextMerge, Self::NextMergeGain];

    /// The set's name on the command line (`bridge train --network graph --features NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Self::First => "first",
            Self::NextMerge => "next-merge",
            Self::NextMergeGain => "next-merge-gain",
        }
    }

    /// The set named `name`, if any.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|s| s.name() == name)
    }

    /// The version recorded in weight files.
    pub fn version(self) -> &'static str {
        match self {
            Self::First => "graph-features/1",
            Self::NextMerge => "graph-features/2",
            Self::NextMergeGain => "graph-features/3",
        }
    }

    /// Whether the set reads the merged coalition's next merge ([`MergeState::next_merge`]).
    pub fn reads_next_merge(self) -> bool {
        self != Self::First
    }

    /// Numbers per candidate merge.
    pub fn edge_features(self) -> usize {
        EDGE_FEATURES
            + if self.reads_next_merge() {
                NEXT_MERGE_FEATURES
            } else {
                0
            }
    }
}

/// One structure as the network reads it.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Observation {
    /// Coalitions `m`.
    pub m: usize,
    /// `m × NODE_FEATURES`, row-major.
    pub nodes: Vec<f32>,
    /// Each coalition's neighbours in the merge graph: `neighbours[offsets[c]..offsets[c + 1]]`.
    pub neighbours: Vec<u32>,
    /// Where each coalition's neighbours start (`m + 1` numbers).
    pub offsets: Vec<u32>,
    /// The candidate merges `(i, j)`, `i < j`, best reward first (ties: smaller indices first).
    pub candidates: Vec<(u32, u32)>,
    /// Each candidate's reward over the reward scale (unclamped): the Q-value's known part.
    pub base: Vec<f64>,
    /// Each candidate's raw reward.
    pub rewards: Vec<f64>,
    /// `candidates.len() × EDGE_FEATURES`, row-major.
    pub edges: Vec<f32>,
}

/// A coalition's best and second best merge rewards, its best partner, and how many pay.
#[derive(Clone, Copy)]
struct Side {
    best: f64,
    second: f64,
    best_partner: usize,
    paying: usize,
}

impl Side {
    /// The coalition's best merge reward with anyone but `partner` (an index): its second best
    /// if `partner` is its best partner.
    fn best_without(&self, partner: usize) -> f64 {
        if self.best_partner == partner {
            self.second
        } else {
            self.best
        }
    }
}

fn clamp(x: f64) -> f32 {
    (x as f32).clamp(-CLAMP, CLAMP)
}

/// Whether merge `(r1, i1, j1)` ranks before `(r2, i2, j2)`: larger reward, then smaller indices
/// (C-Link's order).
fn before(a: (f64, usize, usize), b: (f64, usize, usize)) -> bool {
    match a.0.total_cmp(&b.0) {
        std::cmp::Ordering::Greater => true,
        std::cmp::Ordering::Less => false,
        std::cmp::Ordering::Equal => (a.1, a.2) < (b.1, b.2),
    }
}

/// Inserts `item` into `list`, kept sorted by `better` and at most `cap` long.
fn insert_top<T: Copy>(list: &mut Vec<T>, cap: usize, item: T, better: impl Fn(T, T) -> bool) {
    if cap == 0 || (list.len() == cap && !better(item, list[cap - 1])) {
        return;
    }
    let at = list
        .iter()
        .position(|&x| better(item, x))
        .unwrap_or(list.len());
    list.insert(at, item);
    list.truncate(cap);
}

/// Reads `state` of `f` as `config` says: each coalition's `neighbours` best merges as its
/// neighbours, the `candidates` best merges as the actions to score, and, as its feature set
/// says, what each candidate's merged coalition could get next. `out` is reused between steps.
pub fn observe<F: CharacteristicFunction + ?Sized>(
    state: &MergeState,
    f: &F,
    config: &GraphConfig,
    out: &mut Observation,
) {
    let (k, candidates) = (config.neighbours, config.candidates);
    let m = state.len();
    let n = state.agents().max(1);
    let (rs, vs) = (state.reward_scale(), state.value_scale());
    let slots = state.slots();
    out.m = m;
    out.nodes.clear();
    out.neighbours.clear();
    out.offsets.clear();
    out.offsets.push(0);
    let mut sides = Vec::with_capacity(m);
    let mut top: Vec<(f64, usize, usize)> = Vec::with_capacity(candidates + 1);
    let mut near: Vec<(f64, usize)> = Vec::with_capacity(k + 1);
    let mut paying_pairs = 0usize;
    if state.tracked() >= k.max(candidates) {
        // The kept lists: each coalition's best partners in C-Link's order. The best merges
        // overall are among them (a pair with `candidates` better merges in one of its rows
        // has as many better pairs overall).
        let mut index_of = vec![0usize; state.agents()];
        for (i, &s) in slots.iter().enumerate() {
            index_of[s] = i;
        }
        for i in 0..m {
            let (list, paying) = state.partners(i);
            paying_pairs += paying;
            let first = list.first();
            sides.push(Side {
                best: first.map_or(f64::NEG_INFINITY, |x| x.0),
                second: list.get(1).map_or(f64::NEG_INFINITY, |x| x.0),
                best_partner: first.map_or(usize::MAX, |x| index_of[x.1]),
                paying,
            });
            out.neighbours
                .extend(list.iter().take(k).map(|x| index_of[x.1] as u32));
            out.offsets.push(out.neighbours.len() as u32);
            for &(r, s) in list.iter().take(candidates) {
                let j = index_of[s];
                if j > i && (top.len() < candidates || before((r, i, j), top[top.len() - 1])) {
                    insert_top(&mut top, candidates, (r, i, j), before);
                }
            }
        }
        paying_pairs /= 2;
    }
    for i in 0..m {
        if state.tracked() >= k.max(candidates) {
            break;
        }
        let row = state.reward_row(i);
        let mut side = Side {
            best: f64::NEG_INFINITY,
            second: f64::NEG_INFINITY,
            best_partner: usize::MAX,
            paying: 0,
        };
        near.clear();
        for (j, &slot) in slots.iter().enumerate() {
            if j == i {
                continue;
            }
            let r = row[slot];
            if r > 0.0 {
                side.paying += 1;
            }
            // Ties to the smaller index, like C-Link.
            if r > side.best {
                side.second = side.best;
                side.best = r;
                side.best_partner = j;
            } else if r > side.second {
                side.second = r;
            }
            // Pairs come in increasing index order, so a later pair of equal reward ranks
            // after every kept one: only a strictly larger reward than the last kept can enter
            // a full list (the cheap test that saves the insertion on almost every pair).
            if near.len() < k || r.total_cmp(&near[near.len() - 1].0).is_gt() {
                insert_top(&mut near, k, (r, j), |a, b| {
                    before((a.0, a.1, 0), (b.0, b.1, 0))
                });
            }
            if j > i {
                if r > 0.0 {
                    paying_pairs += 1;
                }
                if top.len() < candidates || r.total_cmp(&top[top.len() - 1].0).is_gt() {
                    insert_top(&mut top, candidates, (r, i, j), before);
                }
            }
        }
        out.neighbours.extend(near.iter().map(|&(_, j)| j as u32));
        out.offsets.push(out.neighbours.len() as u32);
        sides.push(side);
    }
    let pairs = (m * m.saturating_sub(1) / 2).max(1);
    let paying_share = paying_pairs as f64 / pairs as f64;
    let per_agent = m as f64 / n as f64;
    let finite = |x: f64| if x.is_finite() { x } else { 0.0 };
    for (i, side) in sides.iter().enumerate() {
        let size = state.coalition(i).len() as f64;
        out.nodes.extend_from_slice(&[
            clamp(size.ln()),
            clamp(state.coalition_value(i) / size / vs),
            clamp(finite(side.best) / rs),
            clamp(finite(side.second) / rs),
            clamp(side.paying as f64 / (m.saturating_sub(1)).max(1) as f64),
            clamp(per_agent),
            clamp(paying_share),
        ]);
    }
    if config.features.reads_next_merge() {
        state.keep_next_merges(top.iter().map(|&(_, i, j)| (i, j)));
    }
    out.candidates.clear();
    out.base.clear();
    out.rewards.clear();
    out.edges.clear();
    for (rank, &(r, i, j)) in top.iter().enumerate() {
        let (a, b) = (&sides[i], &sides[j]);
        // The margin over the side's best other merge: its second best if this is its best.
        let margin = |side: &Side, partner: usize| finite(r - side.best_without(partner)) / rs;
        let (ma, mb) = (margin(a, j), margin(b, i));
        let (sa, sb) = (
            state.coalition(i).len() as f64,
            state.coalition(j).len() as f64,
        );
        let (pa, pb) = (
            state.coalition_value(i) / sa / vs,
            state.coalition_value(j) / sb / vs,
        );
        let merged = (state.coalition_value(i) + state.coalition_value(j) + r) / (sa + sb) / vs;
        let bests =
            f64::from(u8::from(a.best_partner == j)) + f64::from(u8::from(b.best_partner == i));
        out.candidates.push((i as u32, j as u32));
        out.base.push(r / rs);
        out.rewards.push(r);
        out.edges.extend_from_slice(&[
            clamp(r / rs),
            clamp(1.0 / (1.0 + rank as f64)),
            clamp(bests),
            clamp(ma.min(mb)),
            clamp(ma.max(mb)),
            clamp(sa.min(sb).ln()),
            clamp(sa.max(sb).ln()),
            clamp(pa.min(pb)),
            clamp(pa.max(pb)),
            clamp(merged),
            clamp(merged - pa.max(pb)),
            clamp(per_agent),
            clamp(paying_share),
        ]);
        match config.features {
            FeatureSet::First => {}
            FeatureSet::NextMerge => out
                .edges
                .push(clamp(finite(state.next_merge(f, i, j)) / rs)),
            FeatureSet::NextMergeGain => {
                let alone = finite(a.best_without(j).max(b.best_without(i)));
                let gain = finite(state.next_merge(f, i, j)) - alone;
                out.edges.push(clamp(gain / rs));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{CharacteristicFunction, Distribution, Instance};
    use crate::leader::Horizon;

    fn reads(neighbours: usize, candidates: usize, features: FeatureSet) -> GraphConfig {
        GraphConfig {
            neighbours,
            candidates,
            features,
            ..GraphConfig::default()
        }
    }

    #[test]
    fn candidates_are_the_best_merges_in_clink_order_and_neighbours_the_best_partners() {
        let f = Instance::generate(
            Distribution::from_name("agent_based").expect("known"),
            15,
            2,
        )
        .expect("valid");
        let mut state = MergeState::new(&f, Horizon::Full);
        state.merge(1, 7, &f);
        let mut obs = Observation::default();
        observe(&state, &f, &reads(3, 6, FeatureSet::First), &mut obs);
        let m = state.len();
        let mut all: Vec<(f64, usize, usize)> = (0..m)
            .flat_map(|i| (i + 1..m).map(move |j| (i, j)))
            .map(|(i, j)| (state.reward(i, j), i, j))
            .collect();
        all.sort_by(|a, b| b.0.total_cmp(&a.0).then((a.1, a.2).cmp(&(b.1, b.2))));
        let want: Vec<(u32, u32)> = all[..6]
            .iter()
            .map(|&(_, i, j)| (i as u32, j as u32))
            .collect();
        assert_eq!(obs.candidates, want);
        assert_eq!(obs.nodes.len(), m * NODE_FEATURES);
        assert_eq!(obs.edges.len(), 6 * EDGE_FEATURES);
        for c in 0..m {
            let nb = &obs.neighbours[obs.offsets[c] as usize..obs.offsets[c + 1] as usize];
            assert_eq!(nb.len(), 3);
            let worst = nb
                .iter()
                .map(|&d| state.reward(c, d as usize))
                .fold(f64::INFINITY, f64::min);
            let outside = (0..m)
                .filter(|&d| d != c && !nb.contains(&(d as u32)))
                .map(|d| state.reward(c, d))
                .fold(f64::NEG_INFINITY, f64::max);
            assert!(worst >= outside, "coalition {c}");
        }
        // The first candidate is the greedy merge, its reward over the scale its known part.
        let (i, j) = (all[0].1, all[0].2);
        let (ci, cj) = (state.coalition(i), state.coalition(j));
        assert_eq!(obs.base[0], f.merge_reward(&ci, &cj) / state.reward_scale());
    }

    #[test]
    fn the_kept_lists_and_next_merges_give_the_same_observation_as_scanning_every_pair() {
        use rand::{Rng, SeedableRng};
        let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
        for name in Distribution::NAMES {
            // The hard distributions clip values at 0: many equal rewards, ties everywhere.
            let f = Instance::generate(Distribution::from_name(name).expect("known"), 40, 6)
                .expect("valid");
            let mut plain = MergeState::new(&f, Horizon::Full);
            let mut kept = MergeState::new(&f, Horizon::Full).tracking(16);
            let (mut a, mut b) = (Observation::default(), Observation::default());
            while plain.len() > 1 {
                observe(&plain, &f, &reads(4, 16, FeatureSet::NextMergeGain), &mut a);
                observe(&kept, &f, &reads(4, 16, FeatureSet::NextMergeGain), &mut b);
                assert_eq!(a, b, "{name} at {} coalitions", plain.len());
                // Merge the best pair half the time (as a leader does), else any pair.
                let (i, j) = if rng.random::<bool>() {
                    let (i, j) = a.candidates[0];
                    (i as usize, j as usize)
                } else {
                    let i = rng.random_range(0..plain.len() - 1);
                    (i, rng.random_range(i + 1..plain.len()))
                };
                plain.merge(i, j, &f);
                kept.merge(i, j, &f);
                // The kept next merges' rewards, reused by the merge, are the ones asked anew.
                for a in 0..plain.len() {
                    for b in (0..plain.len()).filter(|&b| b != a) {
                        let (x, y) = (plain.reward(a, b), kept.reward(a, b));
                        assert_eq!(x.to_bits(), y.to_bits(), "{name}: {a} {b}");
                    }
                }
                assert_eq!(plain.value().to_bits(), kept.value().to_bits());
            }
        }
    }

    #[test]
    fn the_next_merge_is_the_merged_coalitions_best_next_reward() {
        let f = Instance::generate(Distribution::from_name("combined").expect("known"), 12, 4)
            .expect("valid");
        let mut state = MergeState::new(&f, Horizon::Full);
        state.merge(2, 5, &f);
        let (mut plain, mut ahead) = (Observation::default(), Observation::default());
        let mut gain = Observation::default();
        observe(&state, &f, &reads(3, 5, FeatureSet::First), &mut plain);
        observe(&state, &f, &reads(3, 5, FeatureSet::NextMerge), &mut ahead);
        observe(
            &state,
            &f,
            &reads(3, 5, FeatureSet::NextMergeGain),
            &mut gain,
        );
        assert_eq!(plain.candidates, gain.candidates);
        assert_eq!(plain.candidates, ahead.candidates);
        let width = EDGE_FEATURES + NEXT_MERGE_FEATURES;
        assert_eq!(ahead.edges.len(), 5 * width);
        for (e, &(i, j)) in ahead.candidates.iter().enumerate() {
            let row = &ahead.edges[e * width..(e + 1) * width];
            assert_eq!(
                &row[..EDGE_FEATURES],
                &plain.edges[e * EDGE_FEATURES..(e + 1) * EDGE_FEATURES]
            );
            let mut cs = state.structure();
            cs.merge(i as usize, j as usize).expect("legal");
            let merged = state
                .coalition(i as usize)
                .union(&state.coalition(j as usize));
            let at = cs
                .coalitions()
                .iter()
                .position(|c| *c == merged)
                .expect("merged");
            let best = (0..cs.len())
                .filter(|&c| c != at)
                .map(|c| f.merge_reward(&cs.coalitions()[at], &cs.coalitions()[c]))
                .fold(f64::NEG_INFINITY, f64::max);
            let want = (best / state.reward_scale()) as f32;
            assert!(
                (row[EDGE_FEATURES] - want.clamp(-CLAMP, CLAMP)).abs() < 1e-4,
                "{e}"
            );
            // Its gain: less the better of the sides' best merges with anyone but each other.
            let (i, j) = (i as usize, j as usize);
            let alone = (0..state.len())
                .filter(|&c| c != i && c != j)
                .flat_map(|c| [state.reward(i, c), state.reward(j, c)])
                .fold(f64::NEG_INFINITY, f64::max);
            let want = ((best - alone) / state.reward_scale()) as f32;
            let got = gain.edges[e * width + EDGE_FEATURES];
            assert!((got - want.clamp(-CLAMP, CLAMP)).abs() < 1e-4, "{e}");
        }
    }
}
