//! Harness throughput: 10 000 A/A replications × 2 variants × 20 looks ×
//! 5 000 impressions per look (target ≤ 200 ms).

use criterion::{Criterion, criterion_group, criterion_main};
use postab::sim::{NaivePeeking, Simulation};
use std::hint::black_box;

fn harness(c: &mut Criterion) {
    let sim = Simulation::builder(vec![0.05, 0.05])
        .traffic_per_look(5_000)
        .looks(20)
        .replications(10_000)
        .seed(1)
        .stopping(NaivePeeking::new(0.05).expect("valid alpha"))
        .build()
        .expect("valid simulation");
    let mut group = c.benchmark_group("sim");
    group.sample_size(20);
    group.bench_function("aa_10k_reps_2x20x5000_naive_peeking", |b| {
        b.iter(|| black_box(sim.run().expect("runs")).false_positive_rate())
    });
    group.finish();
}

criterion_group!(benches, harness);
criterion_main!(benches);
