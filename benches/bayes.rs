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
        for k in [2usize, 4, 10, 16, 128] {
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

/// Pairs at the edge of the supported shapes (10¹⁴–10¹⁵, far apart or next
/// to 1) that once took 30 ms to 1.5 s: the quadrature then chased rounding
/// noise of the huge-shape density, or ran a continued fraction to its cap.
fn bench_extreme(c: &mut Criterion) {
    let beta = |a: f64, b: f64| BetaPosterior::new(a, b).expect("valid");
    let far = (beta(3.281, 225_865.7), beta(8.634_855_8e9, 2.233_265_6e12));
    c.bench_function("prob_b_beats_a/far_apart_1e12", |bench| {
        bench.iter(|| prob_beats(black_box(&far.0), black_box(&far.1)))
    });
    let lopsided = (
        beta(4.122_7, 75_763.6),
        beta(1.638_715_6e11, 2.771_826_9e13),
    );
    c.bench_function("expected_loss/lopsided_1e13", |bench| {
        bench.iter(|| expected_loss(black_box(&lopsided.0), black_box(&lopsided.1)))
    });
    let near_one = (
        beta(1.953_049_4e14, 2.642_395_8e14),
        beta(7.384_244_5e14, 47_407.8),
    );
    c.bench_function("lift_interval/near_one_1e14", |bench| {
        bench.iter(|| lift_interval(black_box(&near_one.0), black_box(&near_one.1), 0.95))
    });
    let tail = (
        beta(2.371_710_5e6, 3.872_847_6e13),
        beta(7.181_191_6e14, 1.901_607e8),
    );
    c.bench_function("prob_lift_above_10pct/underflow_1e14", |bench| {
        bench.iter(|| prob_lift_above(black_box(&tail.0), black_box(&tail.1), 0.1))
    });
}

/// P(B > A) at every half power of ten from 10² to 10⁹ trials per arm,
/// at rates 3 % and 50 %, B one standard deviation of the difference
/// ahead: the sizes between the sum term by term and the Euler–Maclaurin
/// tails included.
fn bench_sizes(c: &mut Criterion) {
    let mut group = c.benchmark_group("prob_b_beats_a_sweep");
    group.sample_size(40);
    group.measurement_time(std::time::Duration::from_millis(1500));
    for rate in [3u64, 50] {
        for half in 4..=18 {
            let n = 10f64.powf(f64::from(half) / 2.0).round() as u64;
            let s = rate * n / 100;
            let spread = (2.0 * s as f64 * (1.0 - rate as f64 / 100.0)).sqrt().ceil() as u64;
            let a = BetaPosterior::from_counts(s, n).expect("valid");
            let b = BetaPosterior::from_counts((s + spread).min(n), n).expect("valid");
            group.bench_function(format!("{rate}pct_1e{}", f64::from(half) / 2.0), |bench| {
                bench.iter(|| prob_beats(black_box(&a), black_box(&b)))
            });
        }
    }
    group.finish();
}

criterion_group!(benches, bench, bench_sizes, bench_huge, bench_extreme);
criterion_main!(benches);
