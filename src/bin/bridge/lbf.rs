//! `bridge lbf`: BRIDGE's bi-level training on a Level-Based Foraging configuration (SPEC
//! sections 4 and 6): the leader merges coalitions, the followers (MADDPG) learn to forage
//! inside them, and the structure found is reported with `V(CS)` and the gain over all
//! singletons. Runs take minutes, so with `--checkpoint DIR` the whole state is saved every few
//! minutes and the same command started again continues from the last save to the same result.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use anyhow::{bail, Context, Result};
use bridge_lab::algorithms::Algorithm;
use bridge_lab::bilevel::search::{run_baseline, GRID_ALGORITHMS};
use bridge_lab::bilevel::{BiLevelEvent, LbfRun, Outcome, RunSettings, RunState};
use bridge_lab::core::{CoalitionStructure, Solution};
use bridge_lab::followers::{Carry, Config, CustomConfig, FollowerParams, Followers};
use bridge_lab::leader::weights;
use indicatif::{ProgressBar, ProgressStyle};

use crate::cli::{CarryArg, FollowerSettings, LbfArgs};
use crate::output;

/// The checkpoint's file name inside `--checkpoint DIR`.
const CHECKPOINT: &str = "bridge-lbf-checkpoint.json";

/// A checkpoint file: the state and the time already spent, so `seconds` counts the whole run.
#[derive(serde::Serialize, serde::Deserialize)]
struct Saved {
    state: RunState,
    seconds: f64,
}

fn carry(arg: CarryArg) -> Carry {
    match arg {
        CarryArg::Reuse => Carry::Reuse,
        CarryArg::Init => Carry::Init,
    }
}

/// The configuration `--config` names: a preset, or a JSON file of a custom grid's settings
/// (the fields of [`CustomConfig`]; see `examples/lbf-custom.json`).
fn config(name: &str) -> Result<Config> {
    if !name.ends_with(".json") {
        return Ok(Config::from_name(name)?);
    }
    let text = std::fs::read_to_string(name)
        .with_context(|| format!("cannot read the configuration file {name}"))?;
    let settings: CustomConfig = serde_json::from_str(&text).with_context(|| {
        format!(
            "{name} is not a custom LBF configuration; give a JSON object with grid_side, \
             agents, apples, min_agent_level, max_agent_level, min_apple_level, \
             max_apple_level, recruitment_cost and episode_steps (or null)"
        )
    })?;
    Config::custom(&settings).with_context(|| format!("the configuration in {name}"))
}

/// The run's settings from the command line.
fn settings(args: &LbfArgs) -> Result<RunSettings> {
    let config = config(&args.config)?;
    let mut s = RunSettings::ours(config, args.episodes, args.seed);
    s.followers = FollowerParams {
        critic: carry(args.critic),
        actor: carry(args.actor),
        ..match args.followers {
            FollowerSettings::Ours => FollowerParams::default(),
            FollowerSettings::Paper => FollowerParams::paper(),
        }
    };
    s.schedule.epochs = args.epochs;
    Ok(s)
}

/// The run saved in `dir` by this same command, if any.
fn resume(dir: &Path, settings: &RunSettings) -> Result<Option<(LbfRun, f64)>> {
    let path = dir.join(CHECKPOINT);
    if !path.exists() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(&path)
        .with_context(|| format!("cannot read the checkpoint {}", path.display()))?;
    let saved: Saved = serde_json::from_str(&text).with_context(|| {
        format!(
            "{} is not a checkpoint of `bridge lbf` (delete it to start afresh)",
            path.display()
        )
    })?;
    if LbfRun::state_settings(&saved.state) != settings {
        bail!(
            "the checkpoint in {} was made by a run with other settings; use another \
             --checkpoint directory, or delete {CHECKPOINT} to start afresh",
            dir.display()
        );
    }
    Ok(Some((LbfRun::restore(saved.state)?, saved.seconds)))
}

/// Writes the run's state to `dir` atomically (a kill mid-write leaves the previous one).
fn save(dir: &Path, state: RunState, seconds: f64) -> Result<()> {
    let path = dir.join(CHECKPOINT);
    let partial = dir.join(format!("{CHECKPOINT}.partial"));
    let text = serde_json::to_string(&Saved { state, seconds })?;
    std::fs::write(&partial, text)
        .with_context(|| format!("cannot write {}", partial.display()))?;
    std::fs::rename(&partial, &path).with_context(|| format!("cannot write {}", path.display()))
}

/// Runs `bridge lbf`.
pub fn run(args: LbfArgs) -> Result<()> {
    let algorithm = Algorithm::from_name(&args.algo)?;
    if algorithm != Algorithm::Bridge && !GRID_ALGORITHMS.contains(&algorithm) {
        bail!(
            "--algo {}: on the grid the algorithms are bridge, {}",
            args.algo,
            GRID_ALGORITHMS.map(Algorithm::name).join(", ")
        );
    }
    if algorithm != Algorithm::Bridge && args.checkpoint.is_some() {
        bail!(
            "--checkpoint saves a bridge run; a baseline's run is not checkpointed (drop \
             --checkpoint, or lower --budget for a shorter run)"
        );
    }
    let settings = settings(&args)?;
    let every = Duration::try_from_secs_f64(args.checkpoint_every)
        .map_err(|_| anyhow::anyhow!("--checkpoint-every: give a number of seconds from 0 up"))?;
    for path in [&args.out, &args.episode].into_iter().flatten() {
        output::check_writable(path)?;
    }
    for dir in [&args.save, &args.checkpoint].into_iter().flatten() {
        std::fs::create_dir_all(dir).with_context(|| format!("cannot create {}", dir.display()))?;
    }
    let finished = if algorithm == Algorithm::Bridge {
        run_bridge(&args, settings, every)?
    } else {
        let started = Instant::now();
        // The search's trainings and the final one.
        let bar = progress_bar(args.budget + 1, "training");
        let (outcome, followers) = run_baseline(&settings, algorithm, args.budget, &mut |event| {
            report(&bar, &event, true)
        })?;
        bar.finish_and_clear();
        Finished {
            outcome,
            seconds: started.elapsed().as_secs_f64(),
            followers,
            leader: None,
        }
    };
    write_outputs(&args, algorithm, finished)
}

/// What a run leaves for the outputs.
struct Finished {
    outcome: Outcome,
    seconds: f64,
    /// The followers as last trained (on the structure found).
    followers: Followers,
    /// BRIDGE's leader weights, as safetensors bytes.
    leader: Option<Vec<u8>>,
}

/// BRIDGE's run, continued from `--checkpoint` when one was saved by the same command.
fn run_bridge(args: &LbfArgs, settings: RunSettings, every: Duration) -> Result<Finished> {
    let (mut run, spent) = match &args.checkpoint {
        Some(dir) => match resume(dir, &settings)? {
            Some((run, spent)) => {
                eprintln!("continuing from the checkpoint in {}", dir.display());
                (run, spent)
            }
            None => (LbfRun::new(settings)?, 0.0),
        },
        None => (LbfRun::new(settings)?, 0.0),
    };
    let started = Instant::now();
    let mut last_save = Instant::now();
    let bar = progress_bar(args.episodes, "episode");
    loop {
        let slice = Instant::now();
        // A checkpoint is taken at the first point between two follower trainings once it is
        // due: until then the run yields after every piece of work to offer one.
        let due = args.checkpoint.is_some() && last_save.elapsed() >= every;
        let done = run.advance(
            &mut || due || slice.elapsed() >= Duration::from_millis(200),
            &mut |event| report(&bar, &event, false),
        )?;
        if let Some(dir) = &args.checkpoint {
            if done || last_save.elapsed() >= every {
                if let Some(state) = run.checkpoint()? {
                    save(dir, state, spent + started.elapsed().as_secs_f64())?;
                    last_save = Instant::now();
                }
            }
        }
        if done {
            break;
        }
    }
    bar.finish_and_clear();
    let outcome = run
        .outcome()
        .cloned()
        .context("the run ended without a result")?;
    let trained_on = format!(
        "bridge lbf --config {} --seed {} ({} leader episodes)",
        args.config, args.seed, args.episodes
    );
    let leader = weights::to_bytes(run.outer().trainer().network(), &trained_on)?;
    Ok(Finished {
        outcome,
        seconds: spent + started.elapsed().as_secs_f64(),
        followers: run.lower().followers().clone(),
        leader: Some(leader),
    })
}

/// The solution file, the episode, the weights and the summary line.
fn write_outputs(args: &LbfArgs, algorithm: Algorithm, finished: Finished) -> Result<()> {
    let Finished {
        outcome,
        seconds,
        followers,
        leader,
    } = finished;
    let n = followers.config().agents();
    let cs = CoalitionStructure::from_lists(n, &outcome.structure)?;
    if let Some(path) = &args.out {
        let solution = Solution {
            coalitions: outcome.structure.clone(),
            value: outcome.value,
            algorithm: algorithm.name().into(),
            seconds,
            optimal: false,
            steps: None,
        };
        output::write(Some(path), &serde_json::to_string_pretty(&solution)?)?;
    }
    if let Some(path) = &args.episode {
        let episode = followers.play_episode(&cs, args.seed)?;
        output::write(Some(path), &episode.to_json())?;
    }
    if let Some(dir) = &args.save {
        if let Some(leader) = &leader {
            write_bytes(&dir.join("leader.safetensors"), leader)?;
        }
        write_bytes(
            &dir.join("followers.safetensors"),
            &followers.weights_to_bytes()?,
        )?;
    }
    let summary = serde_json::json!({
        "config": args.config,
        "algorithm": algorithm.name(),
        "structure": outcome.structure,
        "value": outcome.value,
        "coalition_values": outcome.coalition_values,
        "singleton_value": outcome.singleton_value,
        "baseline_gain": outcome.value - outcome.singleton_value,
        "follower_trainings": outcome.trainings,
        "seconds": seconds,
    });
    output::write(None, &serde_json::to_string(&summary)?)
}

fn write_bytes(path: &PathBuf, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).with_context(|| format!("cannot write {}", path.display()))?;
    eprintln!("wrote {}", path.display());
    Ok(())
}

/// A progress bar on a terminal, plain lines otherwise.
fn progress_bar(total: usize, unit: &str) -> ProgressBar {
    if !std::io::stderr().is_terminal() {
        return ProgressBar::hidden();
    }
    let bar = ProgressBar::new(total as u64);
    bar.set_style(
        ProgressStyle::with_template(&format!("{{bar:30}} {unit} {{pos}}/{{len}} {{msg}}"))
            .unwrap_or_else(|_| ProgressStyle::default_bar()),
    );
    bar
}

/// Shows `event` on the bar (or as a line); the bar counts follower trainings for a baseline
/// (`counts_trainings`), leader episodes for BRIDGE.
fn report(bar: &ProgressBar, event: &BiLevelEvent, counts_trainings: bool) {
    let line = match event {
        BiLevelEvent::Valued {
            structure,
            value,
            trainings,
            ..
        } => {
            if counts_trainings {
                bar.set_position(*trainings as u64);
            }
            format!("structure {trainings} trained: {structure:?} V = {value:.3}")
        }
        BiLevelEvent::Episode(s) => {
            bar.set_position(s.episode as u64);
            format!(
                "episode {}/{}: V(CS) {:.3}, best {:.3}, ε {:.2}",
                s.episode, s.episodes, s.value, s.best_value, s.epsilon
            )
        }
    };
    if bar.is_hidden() {
        eprintln!("{line}");
    } else {
        bar.set_message(line);
    }
}
