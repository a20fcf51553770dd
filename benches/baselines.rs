//! The baselines on modified normal: C-Link at n = 30, 100, 300, 1000 (targets: under 2 ms at
//! 100, under 1 s at 1000) and GRASP with 5 iterations at n = 30, 100, 300 (target: under 0.2 s
//! at 100).

use bridge_lab::algorithms::{clink, grasp, GraspParams};
use bridge_lab::core::{Distribution, Instance};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn baselines(c: &mut Criterion) {
    let mut group = c.benchmark_group("baseline");
    group.sample_size(10);
    for n in [30, 100, 300, 1000] {
        let dist = Distribution::from_name("modified_normal").expect("known");
        let inst = Instance::generate(dist, n, 1).expect("valid");
        group.bench_with_input(BenchmarkId::new("clink", n), &inst, |b, i| {
            b.iter(|| clink(i))
        });
        if n <= 300 {
            let params = GraspParams::default();
            group.bench_with_input(BenchmarkId::new("grasp5", n), &inst, |b, i| {
                b.iter(|| grasp(i, &params))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, baselines);
criterion_main!(benches);
