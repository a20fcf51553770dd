//! Value look-ups of every lazy distribution: one coalition of 5 agents among 100, and one of
//! 50 agents among 1000 (the hash covers more words), plus tabulating n = 16.

use bridge_lab::core::{CharacteristicFunction, Coalition, Distribution, Instance};
use criterion::{black_box, criterion_group, criterion_main, BenchmarkId, Criterion};

fn lookups(c: &mut Criterion) {
    let mut group = c.benchmark_group("value");
    let small = Coalition::from_agents([3, 17, 42, 60, 99]);
    let large = Coalition::from_agents((0..1000).step_by(20));
    for name in Distribution::NAMES {
        let dist = Distribution::from_name(name).expect("known");
        let inst = Instance::generate(dist, 1000, 7).expect("valid");
        group.bench_with_input(BenchmarkId::new("k5", name), &inst, |b, i| {
            b.iter(|| i.value(black_box(&small)))
        });
        group.bench_with_input(BenchmarkId::new("k50", name), &inst, |b, i| {
            b.iter(|| i.value(black_box(&large)))
        });
    }
    group.finish();
    let mut group = c.benchmark_group("tabulate");
    group.sample_size(10);
    let inst = Instance::generate(
        Distribution::from_name("modified_normal").expect("known"),
        16,
        7,
    )
    .expect("valid");
    group.bench_function("modified_normal_16", |b| b.iter(|| inst.tabulate()));
    group.finish();
}

criterion_group!(benches, lookups);
criterion_main!(benches);
