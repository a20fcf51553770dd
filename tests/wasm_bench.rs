//! The wasm side of the leader benchmark, run in headless Chromium by `scripts/bench.sh`:
//! one DQN update at M = 10 and 100, and the greedy rollout at n = 30, 50, 100 and 1000, timed
//! with `performance.now()` and printed as `bench <name> <milliseconds>` lines for the script to
//! set beside criterion's native figures. Not part of the test command: timings are measured,
//! never asserted.

#![cfg(target_arch = "wasm32")]

use bridge_lab::core::{Distribution, Instance};
use bridge_lab::leader::{
    greedy, DqnParams, EpisodeStats, Horizon, NetworkConfig, PlainNetwork, QNetwork, Trainer,
};
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
