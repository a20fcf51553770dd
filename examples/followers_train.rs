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
    let config = Config::from_name(name)?;
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
    let mut followers = Followers::new(config.clone(), FollowerParams::default(), seed)?;
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
    let eval_seed = 1000 + seed;
    let trained = followers.evaluate(&cs, 50, eval_seed)?.total;
    let scripted = evaluate(&config, &cs, &mut Scripted, 50, eval_seed)?.total;
    let random = evaluate(&config, &cs, &mut RandomPolicy::new(seed), 50, eval_seed)?.total;
    println!(
        "{name} {shape} K={epochs} seed={seed}: trained {trained:.2}, scripted {scripted:.2}, random {random:.2}; training {train_seconds:.2} s"
    );
    Ok(())
}
