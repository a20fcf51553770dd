//! The lower level's speed (issue 11, item 9): a 6a4t environment step with every agent's
//! observation built into kept buffers (`step_into` + `observe_into`, random actions), the same
//! with the allocating `step` + `observations`; one follower update (default settings); one
//! follower training of a 6a4t structure with the default `K = 10` epochs; and, for the choice of
//! plain-`f32` networks, one actor forward pass on candle next to the same on `followers::mlp`;
//! and the leader's side of the bi-level loop: one leader episode on 6 agents (5 merges, each
//! chosen, valued from the cache and learned from with a DQN update), the values known, so what
//! is measured is the loop and the leader, not the followers' training (benched above).

use bridge_lab::bilevel::{BiLevel, BiLevelEvent, BiLevelParams, NormalForm, RunSettings};
use bridge_lab::core::{CoalitionStructure, Distribution, Instance};
use bridge_lab::followers::mlp::{Activations, Mlp};
use bridge_lab::followers::{features, Config, FollowerParams, Followers};
use bridge_lab::lbf::{Action, Foraging, StepOutcome};
use bridge_lab::leader::{QNetwork, Trainer};
use bridge_lab::nn::Linear;
use candle_core::{Device, Tensor};
use criterion::{criterion_group, criterion_main, Criterion};
use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

fn env_step(c: &mut Criterion) {
    let config = Config::from_name("6a4t").expect("a preset");
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let n = config.agents();
    let len = config.lbf.observation_len();
    let mut group = c.benchmark_group("lbf_6a4t_step");
    let mut env = Foraging::reset(config.lbf.clone(), &mut rng).expect("valid");
    let mut actions = vec![Action::None; n];
    let mut outcome = StepOutcome {
        effective_actions: Vec::with_capacity(n),
        rewards: Vec::with_capacity(n),
        done: false,
    };
    let mut obs = vec![0.0f32; n * len];
    group.bench_function("step_into_and_observe_into", |b| {
        b.iter(|| {
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
        })
    });
    group.bench_function("step_and_observations_allocating", |b| {
        b.iter(|| {
            if env.is_done() {
                env = Foraging::reset(config.lbf.clone(), &mut rng).expect("valid");
            }
            for a in actions.iter_mut() {
                *a = Action::ALL[rng.random_range(0..6)];
            }
            let out = env.step(&actions).expect("valid");
            std::hint::black_box((out, env.observations()));
        })
    });
    group.finish();
}

fn follower_update_and_training(c: &mut Criterion) {
    let config = Config::from_name("6a4t").expect("a preset");
    let cs = CoalitionStructure::grand(6);
    let mut group = c.benchmark_group("followers_6a4t");
    group.sample_size(10);
    let mut followers =
        Followers::new(config.clone(), FollowerParams::default(), 1).expect("valid");
    let mut t = followers.begin_training(&cs, 10).expect("valid");
    followers.advance(&mut t, 1000).expect("valid");
    group.bench_function("one_update", |b| b.iter(|| followers.update_now(&t)));
    group.bench_function("train_one_structure_k10", |b| {
        b.iter(|| {
            let mut f =
                Followers::new(config.clone(), FollowerParams::default(), 1).expect("valid");
            f.train(&cs, 10).expect("valid")
        })
    });
    group.finish();
}

fn actor_forward(c: &mut Criterion) {
    let config = Config::from_name("6a4t").expect("a preset");
    let inputs = features::actor_len(&config.lbf);
    let hidden = FollowerParams::default().hidden;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mut group = c.benchmark_group("actor_forward_one_sample");
    let x: Vec<f32> = (0..inputs).map(|_| rng.random_range(-1.0..1.0)).collect();
    let mlp = Mlp::seeded(&[inputs, hidden, hidden, 6], &mut rng);
    let mut acts = Activations::default();
    group.bench_function("plain_f32", |b| {
        b.iter(|| std::hint::black_box(mlp.forward(&x, &mut acts)[0]))
    });
    let layers = [
        Linear::seeded(inputs, hidden, &mut rng).expect("valid"),
        Linear::seeded(hidden, hidden, &mut rng).expect("valid"),
        Linear::seeded(hidden, 6, &mut rng).expect("valid"),
    ];
    let xt = Tensor::from_slice(&x, (1, inputs), &Device::Cpu).expect("valid");
    group.bench_function("candle", |b| {
        b.iter(|| {
            let h = layers[0]
                .forward(&xt)
                .and_then(|h| Ok(h.relu()?))
                .expect("valid");
            let h = layers[1]
                .forward(&h)
                .and_then(|h| Ok(h.relu()?))
                .expect("valid");
            let y = layers[2].forward(&h).expect("valid");
            std::hint::black_box(y.to_vec2::<f32>().expect("valid"))
        })
    });
    group.finish();
}

fn leader_episode(c: &mut Criterion) {
    let settings = RunSettings::ours(Config::from_name("6a4t").expect("a preset"), 30, 1);
    let instance = Instance::generate(
        Distribution::from_name("modified_normal").expect("known"),
        6,
        1,
    )
    .expect("valid");
    let mut lower = NormalForm::new(&instance);
    let net = QNetwork::new(settings.leader.clone(), 1).expect("valid");
    let trainer = Trainer::new(net, settings.dqn.clone()).expect("valid");
    let params = BiLevelParams {
        episodes: usize::MAX / 2,
        ..BiLevelParams::default()
    };
    let mut bilevel = BiLevel::new(trainer, 6, params).expect("valid");
    // Past the replay's warm-up, so each step includes its DQN update.
    let mut one_episode = |bilevel: &mut BiLevel| {
        let ended = std::cell::Cell::new(false);
        bilevel
            .advance(&mut lower, &mut || ended.get(), &mut |e| {
                if matches!(e, BiLevelEvent::Episode(_)) {
                    ended.set(true);
                }
            })
            .expect("runs");
    };
    for _ in 0..20 {
        one_episode(&mut bilevel);
    }
    let mut group = c.benchmark_group("bilevel_leader");
    group.bench_function("one_episode_6_agents_values_cached", |b| {
        b.iter(|| one_episode(&mut bilevel))
    });
    group.finish();
}

criterion_group!(
    benches,
    leader_episode,
    env_step,
    follower_update_and_training,
    actor_forward
);
criterion_main!(benches);
