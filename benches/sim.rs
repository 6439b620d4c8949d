//! Harness throughput: 10 000 A/A replications × 2 variants × 20 looks ×
//! 5 000 impressions per look (target ≤ 200 ms); the post simulator: 1 000
//! A/A replications of 12 paired blocks (κ 100, block SD 0.5, alternating
//! order), every analysis included.

use criterion::{Criterion, criterion_group, criterion_main};
use postab::sim::{NaivePeeking, PostDesign, PostSimulation, PublicationOrder, Simulation};
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

fn posts(c: &mut Criterion) {
    let sim = PostSimulation::builder(vec![0.02, 0.02])
        .concentration(100.0)
        .design(PostDesign::paired(12, 0.5, PublicationOrder::Alternating))
        .replications(1_000)
        .seed(1)
        .build()
        .expect("valid simulation");
    let mut group = c.benchmark_group("sim");
    group.sample_size(20);
    group.bench_function("posts_1k_reps_12_paired_blocks", |b| {
        b.iter(|| {
            black_box(sim.run().expect("runs")).comparisons[0]
                .post_level
                .rejections
        })
    });
    group.finish();
}

criterion_group!(benches, harness, posts);
criterion_main!(benches);
