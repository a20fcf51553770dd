//! The trainer's whole state as plain data, so that a long run (the bi-level loop's, which
//! trains followers for minutes between leader steps) can be saved and continued to exactly the
//! result of an uninterrupted run: both networks, the optimiser's moments, the replay buffer,
//! the random stream, the counters, the recent returns and the best structure. The lookahead
//! scorer's cache of backed-up values is not kept: it is recomputed, identically, from the
//! target network it caches.

use std::collections::HashMap;

use candle_core::{Tensor, Var};
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::{DqnParams, Trainer};
use crate::core::CoalitionStructure;
use crate::leader::error::{Error, Result};
use crate::leader::network::{NetworkConfig, QNetwork};
use crate::leader::replay::ReplayBuffer;
use crate::nn::{Adam, AdamParams, AdamState};

/// A [`Trainer`] as data (serde), taken between two steps.
#[derive(Clone, Debug, Serialize, Deserialize)]
pub struct TrainerState {
    config: NetworkConfig,
    online: Vec<Vec<f32>>,
    target: Vec<Vec<f32>>,
    adam: AdamState,
    replay: ReplayBuffer,
    rng: Xoshiro256PlusPlus,
    params: DqnParams,
    env_steps: usize,
    updates: usize,
    episodes_done: usize,
    returns: Vec<f64>,
    best: Option<(CoalitionStructure, f64)>,
}

fn flat(net: &QNetwork) -> Result<Vec<Vec<f32>>> {
    net.vars()
        .iter()
        .map(|v| Ok(v.as_tensor().flatten_all()?.to_vec1::<f32>()?))
        .collect()
}

fn load(net: &QNetwork, values: Vec<Vec<f32>>) -> Result<()> {
    let vars: Vec<Var> = net.vars();
    if values.len() != vars.len()
        || values
            .iter()
            .zip(&vars)
            .any(|(x, v)| x.len() != v.elem_count())
    {
        return Err(Error::Weights(
            "the checkpoint's network does not match its configuration".into(),
        ));
    }
    for (var, x) in vars.iter().zip(values) {
        var.set(&Tensor::from_vec(x, var.shape(), var.device())?)?;
    }
    Ok(())
}

impl Trainer {
    /// The trainer's state, to save: taken between steps, whose updates [`Trainer::take`]
    /// makes whole (a lookahead update left under way by [`Trainer::pay_updates`] is not part
    /// of it, so such a state is refused rather than saved without it).
    pub fn checkpoint(&self) -> Result<TrainerState> {
        if self.lookahead.is_some() {
            return Err(Error::UpdateUnderway);
        }
        Ok(TrainerState {
            config: self.online.config().clone(),
            online: flat(&self.online)?,
            target: flat(&self.target)?,
            adam: self.optimizer.state(),
            replay: self.replay.clone(),
            rng: self.rng.clone(),
            params: self.params.clone(),
            env_steps: self.env_steps,
            updates: self.updates,
            episodes_done: self.episodes_done,
            returns: self.returns.clone(),
            best: self.best.clone(),
        })
    }

    /// A trainer that continues from `state` as if it had never stopped.
    pub fn restore(state: TrainerState) -> Result<Self> {
        state.params.validate()?;
        let online = QNetwork::new(state.config.clone(), 0)?;
        load(&online, state.online)?;
        let target = QNetwork::new(state.config, 0)?;
        load(&target, state.target)?;
        let optimizer = Adam::restore(
            online.vars(),
            AdamParams {
                learning_rate: state.params.learning_rate,
                grad_clip: state.params.grad_clip,
                ..Default::default()
            },
            state.adam,
        )?;
        Ok(Self {
            online,
            target,
            optimizer,
            replay: state.replay,
            rng: state.rng,
            params: state.params,
            env_steps: state.env_steps,
            updates: state.updates,
            episodes_done: state.episodes_done,
            returns: state.returns,
            best: state.best,
            backups: HashMap::new(),
            lookahead: None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::core::{Distribution, Instance};
    use crate::leader::network::Scorer;
    use crate::leader::EpisodeStats;

    fn trainer(scorer: Scorer) -> Trainer {
        let net = QNetwork::new(
            NetworkConfig {
                hidden: vec![16],
                scorer,
                ..NetworkConfig::new(6)
            },
            5,
        )
        .expect("valid");
        let params = DqnParams {
            batch_size: 8,
            epsilon_decay_steps: 60,
            early_stop_window: 0,
            target_sync: 7,
            seed: 5,
            ..DqnParams::ours()
        };
        Trainer::new(net, params).expect("valid")
    }

    fn train(t: &mut Trainer, inst: &Instance, episodes: usize) -> Vec<EpisodeStats> {
        let mut seen = Vec::new();
        t.train(inst, episodes, &mut |s: &EpisodeStats| {
            seen.push(s.clone());
            true
        })
        .expect("trains");
        seen
    }

    #[test]
    fn a_restored_trainer_continues_as_if_never_stopped() {
        let inst = Instance::generate(
            Distribution::from_name("modified_uniform").expect("known"),
            5,
            8,
        )
        .expect("valid");
        for scorer in [Scorer::Additive, Scorer::Lookahead] {
            let mut whole = trainer(scorer);
            train(&mut whole, &inst, 12);
            let expected = train(&mut whole, &inst, 12);

            let mut first = trainer(scorer);
            train(&mut first, &inst, 12);
            let saved = serde_json::to_string(&first.checkpoint().expect("state")).expect("json");
            drop(first);
            let state: TrainerState = serde_json::from_str(&saved).expect("reads its own json");
            let mut resumed = Trainer::restore(state).expect("restores");
            assert_eq!(train(&mut resumed, &inst, 12), expected, "{scorer:?}");
            assert_eq!(
                flat(resumed.network()).expect("f32"),
                flat(whole.network()).expect("f32")
            );
        }
    }

    #[test]
    fn a_checkpoint_that_does_not_fit_is_refused() {
        let mut state = trainer(Scorer::Additive).checkpoint().expect("state");
        state.online.pop();
        assert!(Trainer::restore(state).is_err());
    }
}
