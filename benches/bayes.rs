//! Speed of the Bayesian engine at the sizes of issue 3 (plus the highest-density
//! interval and the relative lift, which have no target).
use criterion::{Criterion, criterion_group, criterion_main};
use postab::bayes::{
    BetaPosterior, Posterior, expected_loss, lift_interval, prob_beats, prob_lift_above, rank,
};
use std::hint::black_box;

const SIZES: [(&str, [(u64, u64); 2]); 3] = [
    ("20k", [(300, 20_000), (360, 20_000)]),
    ("2M", [(30_000, 2_000_000), (30_500, 2_000_000)]),
    ("200M", [(3_000_000, 200_000_000), (3_020_000, 200_000_000)]),
];

fn arms(size: &[(u64, u64); 2], k: usize) -> Vec<BetaPosterior> {
    // K arms spread between the two given rates.
    (0..k)
        .map(|i| {
            let (s0, n) = size[0];
            let s1 = size[1].0;
            let s = s0 + (s1 - s0) * i as u64 / (k as u64 - 1).max(1);
            BetaPosterior::from_counts(s, n).expect("valid")
        })
        .collect()
}

fn bench(c: &mut Criterion) {
    for (name, size) in &SIZES {
        let a = BetaPosterior::from_counts(size[0].0, size[0].1).expect("valid");
        let b = BetaPosterior::from_counts(size[1].0, size[1].1).expect("valid");
        c.bench_function(&format!("prob_b_beats_a/{name}"), |bench| {
            bench.iter(|| prob_beats(black_box(&a), black_box(&b)))
        });
        c.bench_function(&format!("expected_loss/{name}"), |bench| {
            bench.iter(|| expected_loss(black_box(&a), black_box(&b)))
        });
        c.bench_function(&format!("credible_interval/{name}"), |bench| {
            bench.iter(|| black_box(&b).credible_interval(0.95))
        });
        c.bench_function(&format!("hdi/{name}"), |bench| {
            bench.iter(|| black_box(&b).hdi(0.95))
        });
        c.bench_function(&format!("prob_lift_above_1pct/{name}"), |bench| {
            bench.iter(|| prob_lift_above(black_box(&a), black_box(&b), 0.01))
        });
        c.bench_function(&format!("lift_interval/{name}"), |bench| {
            bench.iter(|| lift_interval(black_box(&a), black_box(&b), 0.95))
        });
        for k in [2usize, 4, 10] {
            let ds = arms(size, k);
            c.bench_function(&format!("prob_best_{k}/{name}"), |bench| {
                bench.iter(|| rank(black_box(&ds)))
            });
        }
    }
}

/// Trials far beyond the table above (10¹² per arm, where a term-capped sum
/// used to take 0.1–0.9 s): the long tails by Euler–Maclaurin.
fn bench_huge(c: &mut Criterion) {
    let a = BetaPosterior::from_counts(10_000_000_000, 1_000_000_000_000).expect("valid");
    let b = BetaPosterior::from_counts(10_000_200_000, 1_000_000_000_000).expect("valid");
    c.bench_function("prob_b_beats_a/1T", |bench| {
        bench.iter(|| prob_beats(black_box(&a), black_box(&b)))
    });
    c.bench_function("expected_loss/1T", |bench| {
        bench.iter(|| expected_loss(black_box(&a), black_box(&b)))
    });
}

criterion_group!(benches, bench, bench_huge);
criterion_main!(benches);
