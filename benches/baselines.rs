//! The baselines on modified normal: C-Link at n = 30, 100, 300, 1000 (targets: under 2 ms at
//! 100, under 1 s at 1000), GRASP with 5 iterations at n = 30, 100, 300 (target: under 0.2 s
//! at 100), CSG-UCT's single playout and default 1000 iterations at n = 30, 100, 300 (targets:
//! a playout under 5 ms and the default budget within 1 s at 100) and SALDAE's default 5000
//! expansions at n = 30, 100, 300 (target: under 0.5 s at 100).

use bridge_lab::algorithms::{clink, grasp, saldae, uct, GraspParams, SaldaeParams, UctParams};
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
            let one = UctParams {
                iterations: 1,
                ..Default::default()
            };
            group.bench_with_input(BenchmarkId::new("uct_playout", n), &inst, |b, i| {
                b.iter(|| uct(i, &one))
            });
            let default = UctParams::default();
            group.bench_with_input(BenchmarkId::new("uct1000", n), &inst, |b, i| {
                b.iter(|| uct(i, &default))
            });
            let params = SaldaeParams::default();
            group.bench_with_input(BenchmarkId::new("saldae5000", n), &inst, |b, i| {
                b.iter(|| saldae(i, &params))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, baselines);
criterion_main!(benches);
