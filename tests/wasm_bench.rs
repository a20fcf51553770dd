//! The wasm side of the leader and follower benchmarks, run in headless Chromium by
//! `scripts/bench.sh`: one DQN update at M = 10 and 100, the greedy rollout at n = 30, 50, 100
//! and 1000, a 6a4t grid step with its 6 observations, and one follower training of a 6a4t
//! structure with K = 10 (the names of `benches/leader.rs` and `benches/followers.rs`), timed
//! with `performance.now()` and printed as `bench <name> <milliseconds>` lines for the script to
//! set beside criterion's native figures. Not part of the test command: timings are measured,
//! never asserted.

#![cfg(target_arch = "wasm32")]

use bridge_lab::core::CoalitionStructure;
use bridge_lab::core::{Distribution, Instance};
use bridge_lab::followers::{Config, FollowerParams, Followers};
use bridge_lab::lbf::{Action, Foraging, StepOutcome};
use bridge_lab::leader::{
    greedy, DqnParams, EpisodeStats, Horizon, NetworkConfig, PlainNetwork, QNetwork, Trainer,
};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn now() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map_or(0.0, |p| p.now())
}

/// Median milliseconds of `runs` calls of `f`, after one warm-up call.
fn time(runs: usize, mut f: impl FnMut()) -> f64 {
    f();
    let mut ms: Vec<f64> = (0..runs)
        .map(|_| {
            let t = now();
            f();
            now() - t
        })
        .collect();
    ms.sort_by(f64::total_cmp);
    ms[runs / 2]
}

fn instance(n: usize) -> Instance {
    Instance::generate(
        Distribution::from_name("modified_normal").expect("known"),
        n,
        1,
    )
    .expect("valid")
}

#[wasm_bindgen_test]
fn leader_speed() {
    for m in [10usize, 100] {
        let net = QNetwork::new(NetworkConfig::new(m), 1).expect("valid");
        let mut trainer = Trainer::new(
            net,
            DqnParams {
                early_stop_window: 0,
                ..Default::default()
            },
        )
        .expect("valid");
        trainer
            .train(&instance(m), 128 / (m - 1) + 2, &mut |_: &EpisodeStats| {
                true
            })
            .expect("trains");
        let ms = time(10, || {
            trainer.update().expect("updates");
        });
        console_log!("bench dqn_update/batch128/{m} {ms:.4}");
    }
    for n in [30usize, 50, 100, 1000] {
        let plain = PlainNetwork::new(&QNetwork::new(NetworkConfig::new(n), 2).expect("valid"))
            .expect("f32");
        let inst = instance(n);
        let runs = if n == 1000 { 5 } else { 30 };
        let ms = time(runs, || {
            greedy(&plain, &inst, Horizon::Full).expect("fits");
        });
        console_log!("bench greedy/rollout/{n} {ms:.4}");
    }
}

#[wasm_bindgen_test]
fn follower_speed() {
    let config = Config::from_name("6a4t").expect("a preset");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let n = config.agents();
    let len = config.lbf.observation_len();
    let mut env = Foraging::reset(config.lbf.clone(), &mut rng).expect("valid");
    let mut actions = vec![Action::None; n];
    let mut outcome = StepOutcome {
        effective_actions: Vec::with_capacity(n),
        rewards: Vec::with_capacity(n),
        done: false,
    };
    let mut obs = vec![0.0f32; n * len];
    // As the criterion bench: random actions, a reset when the episode ends.
    let steps = 100_000;
    let ms = time(5, || {
        for _ in 0..steps {
            if env.is_done() {
                env = Foraging::reset(config.lbf.clone(), &mut rng).expect("valid");
            }
            for a in actions.iter_mut() {
                *a = Action::ALL[rng.random_range(0..6)];
            }
            env.step_into(&actions, &mut outcome).expect("valid");
            for (i, o) in obs.chunks_exact_mut(len).enumerate() {
                env.observe_into(i, o);
            }
            std::hint::black_box(&obs);
        }
    }) / steps as f64;
    console_log!("bench lbf_6a4t_step/step_into_and_observe_into {ms:.6}");
    let cs = CoalitionStructure::grand(n);
    let ms = time(3, || {
        let mut f = Followers::new(config.clone(), FollowerParams::default(), 1).expect("valid");
        f.train(&cs, 10).expect("trains");
    });
    console_log!("bench followers_6a4t/train_one_structure_k10 {ms:.1}");
}
