//! One Thompson-sampling decision among 10 arms (target ≤ 1 µs), and the
//! exact Thompson allocation weights (P(best) of 10 arms, no simulation).

use criterion::{Criterion, criterion_group, criterion_main};
use postab::bandit::{Policy, ThompsonBeta, TopTwoThompson, Ucb1};
use postab::sequential::Tally;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use std::hint::black_box;

fn decisions(c: &mut Criterion) {
    let arms: Vec<Tally> = (0..10u64)
        .map(|k| Tally {
            successes: 40 + 7 * k,
            trials: 2_000 + 150 * k,
        })
        .collect();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let ts = ThompsonBeta::new();
    c.bench_function("thompson_beta_choose_10_arms", |b| {
        b.iter(|| ts.choose(black_box(&arms), &mut rng).expect("valid arms"))
    });
    let mut w = [0.0; 10];
    c.bench_function("thompson_beta_weights_10_arms", |b| {
        b.iter(|| {
            ts.weights(black_box(&arms), &mut rng, &mut w)
                .expect("valid arms")
        })
    });
    let tt = TopTwoThompson::default();
    c.bench_function("top_two_weights_10_arms", |b| {
        b.iter(|| {
            tt.weights(black_box(&arms), &mut rng, &mut w)
                .expect("valid arms")
        })
    });
    c.bench_function("ucb1_choose_10_arms", |b| {
        b.iter(|| Ucb1.choose(black_box(&arms), &mut rng).expect("valid arms"))
    });
}

criterion_group!(benches, decisions);
criterion_main!(benches);
