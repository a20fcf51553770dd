//! The lookahead scorer's update, made a slice at a time.
//!
//! The state value `V(s') = z_M` of each sampled next state is regressed on its Bellman backup
//! over the known merges, `max(0, max_{i<j} [gain_ij + max(0, V̄(s' merged at i, j))])` with `V̄`
//! from the target network (0 after a merge that ends the episode, and 0 for a final state): a
//! structure is worth at least 0 since the leader may stop there. With Double DQN the online
//! network picks the merge and the target network values it.
//!
//! The backup values every afterstate of every sampled next state: at 100 agents about 5 000 per
//! state, 150 000 forward rows per update, seconds natively and longer in the page. So the update
//! is a [`LookaheadUpdate`] held by the trainer and made a chunk of afterstates at a time (a
//! chunk sized by its work: 20-60 ms natively at 20 to 100 agents, longer above, where even
//! the fewest rows are more work): the page's worker hears a pause or a stop between chunks, and a resumed update ends exactly as an
//! uninterrupted one (the minibatch is drawn once, at its start, and nothing else draws from the
//! trainer's random stream in between).

use std::collections::HashSet;

use candle_core::{Device, Tensor};

use serde::{Deserialize, Serialize};

use super::{LeaderEpisode, Trainer};
use crate::leader::error::Result;
use crate::leader::gains::MergeGains;
use crate::leader::mdp::{floor_at_stop, merge_ends};
use crate::leader::network::QNetwork;
use crate::leader::replay::{Labels, Transition};

/// The most afterstates valued in one forward pass: keeps the block input small.
const MOST_ROWS: usize = 4096;

/// The fewest: below, the passes' overhead shows.
const FEWEST_ROWS: usize = 256;

/// The first layer's multiply-adds per pass (rows × `n²` × its width), between two looks at the
/// clock: `MOST_ROWS` at 20 agents and 128 wide, 25 ms natively; at 100 agents a pass is then
/// `FEWEST_ROWS` rows, where 4096 took 0.4 s. A row's output does not depend on the rows beside
/// it (measured bit for bit at 20, 40 and 100 agents), so the chunking changes no result.
const WORK_PER_PASS: usize = MOST_ROWS * 20 * 20 * 128;

/// Afterstates of `agents` agents valued in one pass by a first layer `width` wide.
fn rows_per_pass(agents: usize, width: usize) -> usize {
    (WORK_PER_PASS / (agents * agents * width).max(1)).clamp(FEWEST_ROWS, MOST_ROWS)
}

/// How far a step's lookahead updates are ([`Trainer::update_under_way`]).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct UpdateProgress {
    /// The update under way, 1-based, among the step's.
    pub update: usize,
    /// Updates a step makes (`updates_per_step`).
    pub updates: usize,
    /// Afterstates (structures one merge after a sampled next state) valued so far.
    pub valued: usize,
    /// Afterstates this update values: about 150 000 in the first at 100 agents.
    pub afterstates: usize,
}

/// A lookahead update under way: its minibatch, and the backups of its next states as far as
/// they are computed.
pub(super) struct LookaheadUpdate {
    batch: Vec<Transition>,
    /// The batch's next states whose backup is not known yet, each once (indices into `batch`).
    missing: Vec<usize>,
    /// Every merge of every missing state: the structure after it, as labels.
    afterstates: Vec<Labels>,
    /// For each afterstate, its missing state (an index into `missing`) and the merge's reward.
    owners: Vec<(usize, f32)>,
    /// For each missing state, the best merge so far: the chooser's value and the target's.
    choice: Vec<(f32, f32)>,
    /// Afterstates valued so far.
    valued: usize,
}

impl Trainer {
    /// Goes on with the lookahead update under way (or begins one), a chunk of afterstates at
    /// a time, until it is made (its loss) or `time_is_up` after a chunk (`None`: call again to
    /// go on). At least one chunk is valued per call.
    pub(super) fn update_values_until(
        &mut self,
        time_is_up: &mut dyn FnMut() -> bool,
    ) -> Result<Option<f64>> {
        let mut update = match self.lookahead.take() {
            Some(update) => update,
            None => self.begin_lookahead(),
        };
        let width = (self.online.config().hidden.first().copied()).unwrap_or(self.max_agents() + 1);
        while update.valued < update.afterstates.len() {
            let agents = update.afterstates[update.valued].len();
            let end = (update.valued + rows_per_pass(agents, width)).min(update.afterstates.len());
            self.value_chunk(&mut update, end)?;
            if update.valued < update.afterstates.len() && time_is_up() {
                self.lookahead = Some(update);
                return Ok(None);
            }
        }
        self.finish_lookahead(update).map(Some)
    }

    /// The lookahead update a slice left under way inside `run`'s last step, if any: which of
    /// the step's updates it is and how far, so a long update can be seen to advance.
    pub fn update_under_way(&self, run: &LeaderEpisode) -> Option<UpdateProgress> {
        let update = self.lookahead.as_ref()?;
        let updates = self.params.updates_per_step;
        Some(UpdateProgress {
            update: (updates + 1).saturating_sub(run.owed).max(1),
            updates,
            valued: update.valued,
            afterstates: update.afterstates.len(),
        })
    }

    /// Draws the minibatch and lists the afterstates whose values its backups need.
    fn begin_lookahead(&mut self) -> LookaheadUpdate {
        if self.updates.is_multiple_of(self.params.target_sync) {
            self.backups.clear();
        }
        let batch: Vec<Transition> = self
            .replay
            .sample(self.params.batch_size, &mut self.rng)
            .into_iter()
            .cloned()
            .collect();
        let mut missing = Vec::new();
        let mut seen = HashSet::new();
        for (k, t) in batch.iter().enumerate() {
            if !t.done && !self.backups.contains_key(&t.next) && seen.insert(&t.next) {
                missing.push(k);
            }
        }
        let mut afterstates: Vec<Labels> = Vec::new();
        let mut owners: Vec<(usize, f32)> = Vec::new();
        let mut values: Vec<f32> = vec![0.0; missing.len()];
        for (k, &at) in missing.iter().enumerate() {
            let t = &batch[at];
            let (n, mc) = (t.next.len(), t.next_coalitions);
            // Only merges lead from singletons to a stored state: `n − mc` steps are taken.
            let steps_left = self.params.horizon.steps(n).saturating_sub(n - mc);
            let ends = merge_ends(steps_left, mc);
            for i in 0..mc {
                for j in i + 1..mc {
                    let gain = t.next_gains.gain(i, j);
                    if ends {
                        values[k] = values[k].max(gain);
                        continue;
                    }
                    afterstates.push(
                        t.next
                            .iter()
                            .map(|&l| match usize::from(l) {
                                l if l == j => i as u16,
                                l if l > j => (l - 1) as u16,
                                l => l as u16,
                            })
                            .collect(),
                    );
                    owners.push((k, gain));
                }
            }
        }
        LookaheadUpdate {
            choice: values.iter().map(|&v| (v, v)).collect(),
            batch,
            missing,
            afterstates,
            owners,
            valued: 0,
        }
    }

    /// Values the afterstates from `update.valued` to `end`: each state's best merge is chosen
    /// by the online network's values under Double DQN (the target's otherwise) and valued by
    /// the target network.
    fn value_chunk(&self, update: &mut LookaheadUpdate, end: usize) -> Result<()> {
        let m = self.max_agents();
        let range = update.valued..end;
        let refs: Vec<&Labels> = update.afterstates[range.clone()].iter().collect();
        let value_head = |net: &QNetwork| -> Result<Vec<f32>> {
            Ok(net
                .forward_labels(&refs)?
                .narrow(1, m, 1)?
                .squeeze(1)?
                .to_vec1::<f32>()?)
        };
        let target = value_head(&self.target)?;
        let chooser = if self.params.double_dqn {
            value_head(&self.online)?
        } else {
            target.clone()
        };
        for ((&(k, gain), after), pick) in update.owners[range].iter().zip(target).zip(chooser) {
            let (after, pick) = (floor_at_stop(after), floor_at_stop(pick));
            if gain + pick > update.choice[k].0 {
                update.choice[k] = (gain + pick, gain + after);
            }
        }
        update.valued = end;
        Ok(())
    }

    /// Stores the backups and makes the gradient step: the update's loss.
    fn finish_lookahead(&mut self, update: LookaheadUpdate) -> Result<f64> {
        let m = self.max_agents();
        let LookaheadUpdate {
            batch,
            missing,
            choice,
            ..
        } = update;
        for (&at, (_, v)) in missing.iter().zip(choice) {
            self.backups.insert(batch[at].next.clone(), v);
        }
        let targets: Vec<f32> = batch
            .iter()
            .map(|t| {
                let backup = if t.done { 0.0 } else { self.backups[&t.next] };
                // What followed the next state: the step's return without its own reward.
                let after = t.return_to_go.map(|g| g - t.reward);
                self.with_return(f64::from(backup), after) as f32
            })
            .collect();
        let v = self
            .online
            .forward_labels(&batch.iter().map(|t| &t.next).collect::<Vec<_>>())?
            .narrow(1, m, 1)?
            .squeeze(1)?;
        let targets = Tensor::from_vec(targets, batch.len(), &Device::Cpu)?;
        self.learn(&v, &targets)
    }
}

#[cfg(test)]
mod tests {
    use crate::core::{Distribution, Instance};
    use crate::leader::dqn::{DqnParams, Trainer};
    use crate::leader::network::{NetworkConfig, QNetwork, Scorer};

    /// A lookahead trainer on 40 agents: 16 next states of up to 780 merges each, their backups
    /// made afresh at every update (the target synced each time), make two or more chunks.
    fn trainer() -> Trainer {
        let net = QNetwork::new(
            NetworkConfig {
                max_agents: 40,
                hidden: vec![8],
                scorer: Scorer::Lookahead,
            },
            3,
        )
        .expect("valid");
        let params = DqnParams {
            batch_size: 16,
            target_sync: 1,
            early_stop_window: 0,
            double_dqn: true,
            // Two updates a step, as our settings make: a slice may end inside either.
            updates_per_step: 2,
            seed: 7,
            ..DqnParams::default()
        };
        Trainer::new(net, params).expect("valid")
    }

    /// The network's parameters, flat.
    fn weights(t: &Trainer) -> Vec<f32> {
        t.network()
            .vars()
            .iter()
            .flat_map(|v| {
                v.as_tensor()
                    .flatten_all()
                    .and_then(|x| x.to_vec1::<f32>())
                    .expect("f32")
            })
            .collect()
    }

    #[test]
    fn an_episode_made_a_chunk_at_a_time_equals_one_made_whole() {
        let f = Instance::generate(Distribution::from_name("modified_normal").unwrap(), 40, 2)
            .expect("valid");
        let mut whole = trainer();
        let mut run = whole.start_on(&f).expect("starts");
        while !run.is_done() {
            whole.step_on(&f, &mut run).expect("steps");
        }
        let whole_stats = whole.end_episode(run, 1, 1);

        let mut sliced = trainer();
        let mut run = sliced.start_on(&f).expect("starts");
        // Time is always up: every call makes one chunk, or one step without updates.
        let (mut calls, mut inside_an_update, mut inside_the_second) = (0, 0, 0);
        while !run.is_done() || run.owes_updates() {
            let step_whole = sliced
                .step_until(&f, &mut run, &mut || true)
                .expect("steps");
            calls += 1;
            if let Some(p) = sliced.update_under_way(&run) {
                // What the page's "under way" note says: a part of one of the step's updates.
                assert!(
                    !step_whole && 0 < p.valued && p.valued < p.afterstates,
                    "{p:?}"
                );
                assert!(1 <= p.update && p.update <= p.updates, "{p:?}");
                inside_the_second += usize::from(p.update == 2);
                inside_an_update += 1;
            }
        }
        let sliced_stats = sliced.end_episode(run, 1, 1);
        assert!(
            inside_an_update > 10,
            "{inside_an_update} of {calls} calls ended inside an update"
        );
        assert!(
            inside_the_second > 0,
            "no slice ended inside a step's second update"
        );
        assert_eq!(sliced_stats, whole_stats);
        assert_eq!(weights(&sliced), weights(&whole));
        assert!(sliced.checkpoint().is_ok(), "no update left under way");
    }
}
