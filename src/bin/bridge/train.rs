//! `bridge train`: trains the leader on an instance and writes its weights.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use bridge_lab::core::{CharacteristicFunction, Instance, MAX_AGENTS};
use bridge_lab::leader::network::Scorer;
use bridge_lab::leader::{
    greedy, weights, DqnParams, EpisodeStats, Horizon, NetworkConfig, PlainNetwork, QNetwork,
    Trainer,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::TrainArgs;
use crate::instance_args::{generated_instance, read_instance, read_weights};
use crate::output;

/// Describes where the instance came from, for the weights' metadata.
fn describe(instance: &Instance, args: &TrainArgs) -> String {
    match (instance.distribution(), instance.seed(), &args.instance) {
        (Some(d), Some(seed), _) => {
            format!("{}, {} agents, seed {seed}", d.name(), instance.agents())
        }
        (_, _, Some(path)) => format!("{} ({} agents)", path.display(), instance.agents()),
        _ => format!("{} agents", instance.agents()),
    }
}

/// Runs `bridge train`.
pub fn run(args: TrainArgs) -> Result<()> {
    let instance = match &args.instance {
        Some(path) => read_instance(path)?,
        None => generated_instance(&args.dist, MAX_AGENTS)?,
    };
    let n = instance.agents();
    let horizon = Horizon::from_name(&args.horizon)?;
    if args.episodes == 0 {
        bail!("--episodes must be at least 1");
    }
    let seed = args.train_seed.or(args.dist.seed).unwrap_or(0);
    let (network, previous) = match &args.init {
        Some(path) => {
            let (net, info) = read_weights(path)?;
            if let Some(m) = args.max_agents {
                if m != info.config.max_agents {
                    bail!(
                        "--max-agents {m} differs from the {} agents {} was trained for",
                        info.config.max_agents,
                        path.display()
                    );
                }
            }
            (net, Some(info.trained_on))
        }
        None => {
            let m = args.max_agents.unwrap_or(n);
            if m < n {
                bail!("--max-agents {m} is smaller than the instance's {n} agents");
            }
            (
                QNetwork::new(
                    NetworkConfig {
                        max_agents: m,
                        hidden: args.hidden.clone(),
                        scorer: Scorer::from_name(&args.scorer)?,
                    },
                    seed,
                )?,
                None,
            )
        }
    };
    if n > network.config().max_agents {
        bail!(
            "the network takes at most {} agents, the instance has {n}",
            network.config().max_agents
        );
    }
    let params = args.dqn.apply(DqnParams {
        learning_rate: args.lr,
        replay_capacity: args.replay,
        batch_size: args.batch,
        epsilon_decay_steps: args.epsilon_decay,
        gamma: args.gamma,
        horizon,
        early_stop_window: args.early_stop,
        seed,
        ..Default::default()
    });
    let mut trainer = Trainer::new(network, params)?;

    let bar = std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(args.episodes as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} episodes {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    });
    let every = (args.episodes / 20).max(1);
    let start = Instant::now();
    let mut on_episode = |s: &EpisodeStats| {
        let line = format!(
            "reward {:.3}  loss {}  ε {:.3}  v(CS) {:.3}  best {:.3}",
            s.reward,
            s.loss.map_or("-".to_string(), |l| format!("{l:.4}")),
            s.epsilon,
            s.value,
            s.best_value
        );
        match &bar {
            Some(bar) => {
                bar.set_position(s.episode as u64);
                bar.set_message(line);
            }
            None if s.episode.is_multiple_of(every) || s.episode == s.episodes => {
                eprintln!("episode {} / {}  {line}", s.episode, s.episodes)
            }
            None => {}
        }
        true
    };
    let report = trainer.train(&instance, args.episodes, &mut on_episode)?;
    let seconds = start.elapsed().as_secs_f64();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }

    let mut trained_on = format!(
        "{}, {} episodes",
        describe(&instance, &args),
        report.episodes
    );
    if let Some(before) = previous {
        trained_on = format!("{before}; then {trained_on}");
    }
    let bytes = weights::to_bytes(trainer.network(), &trained_on)?;
    std::fs::write(&args.out, bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;

    let rollout = greedy(&PlainNetwork::new(trainer.network())?, &instance, horizon)?;
    let singletons = bridge_lab::core::CoalitionStructure::singletons(n).value(&instance);
    let summary = serde_json::json!({
        "weights": args.out.display().to_string(),
        "agents": n,
        "max_agents": trainer.network().config().max_agents,
        "episodes": report.episodes,
        "stop": format!("{:?}", report.stop).to_lowercase(),
        "seconds": seconds,
        "greedy_value": rollout.value,
        "best_value_seen": report.best_value,
        "singleton_value": singletons,
        "trained_on": trained_on,
    });
    output::write(None, &summary.to_string())
}
