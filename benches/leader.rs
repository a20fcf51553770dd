//! The leader's speed: one DQN update at M = 10 and 100 (minibatch 128; at M = 100 also on
//! 30-agent structures, the generalisation setting), and the greedy
//! rollout (incremental first layer) at n = 30, 50, 100 and 1000 with the paper's 3×128 network;
//! for our scorers, the gain scorer's rollout at n = 100 and 1000, the lookahead scorer's first
//! step (every pair of singletons valued by a forward pass: its costliest step) at n = 10, 30 and
//! 100, and a lookahead update at M = 10 (Table 1's network); the graph leader's greedy rollout
//! (size-independent network, default shape, with the next merge's feature and with the first
//! feature set, without it) at n = 100 and 1000.

use bridge_lab::core::{CoalitionStructure, Distribution, Instance};
use bridge_lab::leader::gains::PackedGains;
use bridge_lab::leader::network::Scorer;
use bridge_lab::leader::{
    greedy, DqnParams, EpisodeStats, Horizon, NetworkConfig, PlainNetwork, QNetwork, Trainer,
};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn instance(n: usize) -> Instance {
    Instance::generate(
        Distribution::from_name("modified_normal").expect("known"),
        n,
        1,
    )
    .expect("valid")
}

fn dqn_update(c: &mut Criterion) {
    let mut group = c.benchmark_group("dqn_update");
    group.sample_size(10);
    // (M, n): the network's size and the agents of the structures it learns from; n < M is the
    // generalisation setting, where only the first n² inputs can be non-zero.
    for (m, n, scorer) in [
        (10, 10, Scorer::Additive),
        (100, 30, Scorer::Additive),
        (100, 100, Scorer::Additive),
        (10, 10, Scorer::Lookahead),
    ] {
        let config = NetworkConfig {
            scorer,
            ..NetworkConfig::new(m)
        };
        let net = QNetwork::new(config, 1).expect("valid");
        let mut trainer = Trainer::new(
            net,
            DqnParams {
                early_stop_window: 0,
                ..Default::default()
            },
        )
        .expect("valid");
        // Fill the replay buffer past one minibatch (updates start once it holds 128 steps).
        let episodes = 128 / (n - 1) + 2;
        trainer
            .train(&instance(n), episodes, &mut |_: &EpisodeStats| true)
            .expect("trains");
        let id = if scorer == Scorer::Lookahead {
            BenchmarkId::new("lookahead_batch128", m)
        } else if n == m {
            BenchmarkId::new("batch128", m)
        } else {
            BenchmarkId::new(format!("batch128_n{n}"), m)
        };
        group.bench_function(id, |b| b.iter(|| trainer.update().expect("updates")));
    }
    group.finish();
}

fn greedy_rollout(c: &mut Criterion) {
    let mut group = c.benchmark_group("greedy");
    for n in [30, 50, 100, 1000] {
        if n == 1000 {
            group.sample_size(10);
        }
        let net = QNetwork::new(NetworkConfig::new(n), 2).expect("valid");
        let plain = PlainNetwork::new(&net).expect("f32");
        drop(net);
        let inst = instance(n);
        group.bench_function(BenchmarkId::new("rollout", n), |b| {
            b.iter(|| greedy(&plain, &inst, Horizon::Full).expect("fits"))
        });
    }
    group.finish();
}

fn our_scorers(c: &mut Criterion) {
    let mut group = c.benchmark_group("greedy");
    group.sample_size(10);
    let network = |n: usize, scorer: Scorer| {
        let config = NetworkConfig {
            scorer,
            ..NetworkConfig::new(n)
        };
        PlainNetwork::new(&QNetwork::new(config, 2).expect("valid")).expect("f32")
    };
    for n in [100, 1000] {
        let plain = network(n, Scorer::Gain);
        let inst = instance(n);
        group.bench_function(BenchmarkId::new("gain_rollout", n), |b| {
            b.iter(|| greedy(&plain, &inst, Horizon::Full).expect("fits"))
        });
    }
    for n in [10, 30, 100] {
        let plain = network(n, Scorer::Lookahead);
        let inst = instance(n);
        let cs = CoalitionStructure::singletons(n);
        let gains = PackedGains::new(&cs, &inst);
        let pre = plain.preactivation(&cs);
        group.bench_function(BenchmarkId::new("lookahead_first_step", n), |b| {
            b.iter(|| plain.choose(&pre, &cs, &gains, false))
        });
    }
    group.finish();
}

fn graph_rollout(c: &mut Criterion) {
    use bridge_lab::leader::graph::{GraphConfig, GraphNetwork};
    let mut group = c.benchmark_group("greedy");
    group.sample_size(10);
    // Untrained: the same work per step as a trained one, and C-Link's number of steps.
    let net = GraphNetwork::new(GraphConfig::default(), 2).expect("valid");
    let first = GraphConfig {
        features: bridge_lab::leader::graph::FeatureSet::First,
        ..GraphConfig::default()
    };
    let first = GraphNetwork::new(first, 2).expect("valid");
    for n in [100, 1000] {
        let inst = instance(n);
        group.bench_function(BenchmarkId::new("graph_rollout", n), |b| {
            b.iter(|| net.rollout(&inst, Horizon::Full).expect("any size"))
        });
        group.bench_function(BenchmarkId::new("graph_rollout_first_features", n), |b| {
            b.iter(|| first.rollout(&inst, Horizon::Full).expect("any size"))
        });
    }
    group.finish();
}

criterion_group!(
    benches,
    dqn_update,
    greedy_rollout,
    our_scorers,
    graph_rollout
);
criterion_main!(benches);
