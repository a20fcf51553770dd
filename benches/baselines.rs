//! The baselines at n = 30, 100, 300 and 1000 on modified normal (issue targets: C-Link at
//! n = 100 under 2 ms and at n = 1000 under 1 s).

use bridge_lab::algorithms::clink;
use bridge_lab::core::{Distribution, Instance};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn baselines(c: &mut Criterion) {
    let mut group = c.benchmark_group("baseline");
    group.sample_size(10);
    for n in [30, 100, 300, 1000] {
        let inst = Instance::generate(
            Distribution::from_name("modified_normal").expect("known"),
            n,
            1,
        )
        .expect("valid");
        group.bench_with_input(BenchmarkId::new("clink", n), &inst, |b, i| {
            b.iter(|| clink(i))
        });
    }
    group.finish();
}

criterion_group!(benches, baselines);
criterion_main!(benches);
