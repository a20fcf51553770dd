//! `bridge train`: trains the leader (the paper's network on an instance, or the graph network
//! across sizes) and writes its weights.

use std::io::IsTerminal;
use std::time::Instant;

use anyhow::{bail, Context, Result};
use bridge_lab::core::{CharacteristicFunction, Distribution, Instance, MAX_AGENTS};
use bridge_lab::leader::graph::{
    train as train_graph, weights as graph_weights, GraphConfig, GraphEvent, GraphNetwork,
    GraphTraining,
};
use bridge_lab::leader::network::Scorer;
use bridge_lab::leader::{
    greedy, weights, DqnParams, EpisodeStats, Horizon, NetworkConfig, PlainNetwork, QNetwork,
    Trainer,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{Network, TrainArgs};
use crate::instance_args::{generated_instance, read_instance, read_leader, read_weights, Leader};
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
    // Fails now, not after the training, if the weights cannot be written.
    output::check_writable(&args.out)?;
    if args.network == Network::Graph {
        return run_graph(args);
    }
    let instance = match &args.instance {
        Some(path) => read_instance(path)?,
        None => generated_instance(&args.dist, MAX_AGENTS)?,
    };
    bridge_lab::leader::check_values(&instance)?;
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
    if args.n_step != 1 {
        bail!("--n-step is for the graph network (--network graph); the paper's network takes 1");
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

    let bar = episode_bar(args.episodes);
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

/// The distributions `--dist` names for graph training: `all` (or none given) for the six, else
/// a comma-separated list, each with the `--param`s.
fn graph_distributions(args: &TrainArgs) -> Result<Vec<Distribution>> {
    let params = args
        .dist
        .params
        .iter()
        .map(|p| Distribution::parse_param(p))
        .collect::<std::result::Result<Vec<_>, _>>()?;
    let names: Vec<&str> = match args.dist.dist.as_deref() {
        None | Some("all") => Distribution::NAMES.to_vec(),
        Some(list) => list.split(',').map(str::trim).collect(),
    };
    names
        .into_iter()
        .map(|name| Ok(Distribution::with_params(name, &params)?))
        .collect()
}

/// `bridge train --network graph`: trains the size-independent leader across sizes and
/// distributions and writes the checkpoint that did best against C-Link on validation.
fn run_graph(args: TrainArgs) -> Result<()> {
    if args.instance.is_some() {
        bail!(
            "--network graph trains across sizes and distributions, not on one instance: give \
             --agents A..B and --dist all (or a list) instead of --instance"
        );
    }
    if args.max_agents.is_some() {
        bail!("--max-agents is the paper network's size; the graph network takes any size");
    }
    if args.episodes == 0 {
        bail!("--episodes must be at least 1");
    }
    let agents = args.dist.agents.map_or((10, 60), |a| (a.lo, a.hi));
    let distributions = graph_distributions(&args)?;
    let seed = args.train_seed.or(args.dist.seed).unwrap_or(0);
    let (network, previous) = match &args.init {
        Some(path) => match read_leader(path)? {
            Leader::Graph(net) => (net, Some(path.display().to_string())),
            Leader::Paper(_) => bail!(
                "{} holds the paper's network; --network graph continues a graph leader's weights",
                path.display()
            ),
        },
        None => {
            let config = GraphConfig {
                rounds: args.rounds,
                features: args.features,
                ..GraphConfig::default()
            };
            (GraphNetwork::new(config, seed)?, None)
        }
    };
    let settings = GraphTraining {
        dqn: args.dqn.apply(DqnParams {
            learning_rate: args.lr,
            replay_capacity: args.replay,
            batch_size: args.batch,
            epsilon_decay_steps: args.epsilon_decay,
            gamma: args.gamma,
            horizon: Horizon::from_name(&args.horizon)?,
            early_stop_window: args.early_stop,
            n_step: args.n_step,
            seed,
            ..DqnParams::graph()
        }),
        agents,
        distributions,
        episodes: args.episodes,
        validate_every: args.validate_every,
        ..Default::default()
    };
    let bar = episode_bar(args.episodes);
    let every = (args.episodes / 20).max(1);
    let start = Instant::now();
    let mut on_event = |e: &GraphEvent| {
        match e {
            GraphEvent::Episode {
                episode,
                episodes,
                agents,
                normalised_return,
                loss,
                epsilon,
            } => {
                let line = format!(
                    "{agents} agents  return {normalised_return:.3}  loss {}  ε {epsilon:.3}",
                    loss.map_or("-".to_string(), |l| format!("{l:.4}")),
                );
                match &bar {
                    Some(bar) => {
                        bar.set_position(*episode as u64);
                        bar.set_message(line);
                    }
                    None if episode.is_multiple_of(every) || episode == episodes => {
                        eprintln!("episode {episode} / {episodes}  {line}")
                    }
                    None => {}
                }
            }
            GraphEvent::Validation {
                episode,
                ratio,
                best,
            } => {
                let line = format!(
                    "validation after {episode} episodes: {ratio:.4} of C-Link (best {best:.4}), {:.0} s",
                    start.elapsed().as_secs_f64()
                );
                match &bar {
                    Some(bar) => bar.println(line),
                    None => eprintln!("{line}"),
                }
            }
        }
        true
    };
    let report = train_graph(network, &settings, &mut on_event)?;
    let seconds = start.elapsed().as_secs_f64();
    if let Some(bar) = bar {
        bar.finish_and_clear();
    }
    let names: Vec<&str> = settings.distributions.iter().map(|d| d.name()).collect();
    let mut trained_on = report.describe(&settings);
    if let Some(before) = previous {
        trained_on = format!("{before}; then {trained_on}");
    }
    let bytes = graph_weights::to_bytes(&report.best, &trained_on)?;
    std::fs::write(&args.out, &bytes)
        .with_context(|| format!("cannot write {}", args.out.display()))?;
    let summary = serde_json::json!({
        "weights": args.out.display().to_string(),
        "network": "graph",
        "agents": [agents.0, agents.1],
        "distributions": names,
        "episodes": report.episodes,
        "seconds": seconds,
        "best_episode": report.best_episode,
        "validation_ratio_to_clink": report.best_ratio,
        "validations": report.validations,
        "parameters": report.best.parameter_count(),
        "bytes": bytes.len(),
        "trained_on": trained_on,
    });
    output::write(None, &summary.to_string())
}

/// A progress bar over `episodes` training episodes on a terminal, none otherwise (the
/// training then reports plain lines).
fn episode_bar(episodes: usize) -> Option<ProgressBar> {
    std::io::stderr().is_terminal().then(|| {
        let bar = ProgressBar::new(episodes as u64);
        bar.set_style(
            ProgressStyle::with_template("{bar:30} {pos}/{len} episodes {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_bar()),
        );
        bar
    })
}
