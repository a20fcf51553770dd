//! The exact solver at n = 14, 16, 18 (issue: `n = 18` well under 2 s in release).

use bridge_lab::algorithms::exact_table;
use bridge_lab::core::{Distribution, Instance};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn exact_solver(c: &mut Criterion) {
    let mut group = c.benchmark_group("exact");
    group.sample_size(10);
    for n in [14, 16, 18] {
        let dist = Distribution::from_name("modified_normal").expect("known");
        let values = Instance::generate(dist, n, 1)
            .and_then(|i| i.tabulate())
            .expect("n ≤ 20");
        group.bench_with_input(BenchmarkId::new("dp", n), &values, |b, v| {
            b.iter(|| exact_table(v))
        });
    }
    group.finish();
}

criterion_group!(benches, exact_solver);
criterion_main!(benches);
