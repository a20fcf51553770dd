//! Trains the followers on one structure of a preset and compares them with the scripted
//! forager and the random policy on fresh evaluation seeds (RESULTS.md, "Followers on the
//! grid").
//!
//! `cargo run --release --example followers_train -- [CONFIG] [grand|singletons|pairs] [EPOCHS] [SEED]`
//! (defaults: `6a4t grand 10 1`). Evaluation: 50 episodes on grid seed 1000 + SEED.

use std::time::Instant;

use bridge_lab::core::CoalitionStructure;
use bridge_lab::followers::{
    evaluate, Config, FollowerParams, Followers, Poll, RandomPolicy, Scripted,
};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let name = args.first().map_or("6a4t", String::as_str);
    let shape = args.get(1).map_or("grand", String::as_str);
    let epochs: usize = args.get(2).map_or(Ok(10), |s| s.parse())?;
    let seed: u64 = args.get(3).map_or(Ok(1), |s| s.parse())?;
    let config = if name == "tiny" {
        // Two level-1 agents, one level-2 apple on a 5 x 5 grid: they must load it together.
        Config::custom(&bridge_lab::followers::CustomConfig {
            grid_side: 5,
            agents: 2,
            apples: 1,
            min_agent_level: 1,
            max_agent_level: 1,
            min_apple_level: 2,
            max_apple_level: 2,
            recruitment_cost: 0.0,
            episode_steps: Some(15),
        })?
    } else {
        Config::from_name(name)?
    };
    let n = config.agents();
    let cs = match shape {
        "singletons" => CoalitionStructure::singletons(n),
        "pairs" => CoalitionStructure::from_lists(
            n,
            &(0..n)
                .collect::<Vec<_>>()
                .chunks(2)
                .map(<[usize]>::to_vec)
                .collect::<Vec<_>>(),
        )?,
        _ => CoalitionStructure::grand(n),
    };
    // FOLLOWER_PARAMS='{"entropy": 0.05}' overrides settings of FollowerParams::default().
    let mut params = serde_json::to_value(FollowerParams::default())?;
    if let Ok(text) = std::env::var("FOLLOWER_PARAMS") {
        let serde_json::Value::Object(changes) = serde_json::from_str(&text)? else {
            return Err("FOLLOWER_PARAMS must be a JSON object".into());
        };
        for (k, v) in changes {
            params[k] = v;
        }
    }
    let params: FollowerParams = serde_json::from_value(params)?;
    let mut followers = Followers::new(config.clone(), params, seed)?;
    let start = Instant::now();
    let mut t = followers.begin_training(&cs, epochs)?;
    let mut last = 0;
    while followers.advance(&mut t, 1000)? == Poll::Running {
        let p = t.progress();
        if p.epochs_done > last {
            last = p.epochs_done;
            let total: f64 = p.recent_values.iter().sum();
            println!(
                "epoch {last:>3}: V(CS) on its training episodes {total:8.2}  ({} steps, {} updates, {:.2} s)",
                p.env_steps,
                p.updates,
                start.elapsed().as_secs_f64()
            );
        }
    }
    let train_seconds = start.elapsed().as_secs_f64();
    if std::env::var("SHOW_ACTIONS").is_ok() {
        let episode = followers.play_episode(&cs, 7)?;
        let actions: Vec<Vec<u8>> = episode
            .steps
            .iter()
            .map(|s| s.actions.iter().map(|a| a.index()).collect())
            .collect();
        println!("actions of an episode: {actions:?}");
    }
    let eval_seed = 1000 + seed;
    let trained = followers.evaluate(&cs, 50, eval_seed)?.total;
    let scripted = evaluate(&config, &cs, &mut Scripted, 50, eval_seed)?.total;
    let random = evaluate(&config, &cs, &mut RandomPolicy::new(seed), 50, eval_seed)?.total;
    println!(
        "{name} {shape} K={epochs} seed={seed}: trained {trained:.2}, scripted {scripted:.2}, random {random:.2}; training {train_seconds:.2} s"
    );
    Ok(())
}
