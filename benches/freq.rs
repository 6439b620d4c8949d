//! Benchmarks of the frequentist engine (targets: z-test and Wilson ≤ 100 ns,
//! Fisher 2x2 at 20,000 per arm ≤ 20 µs, chi-square 2x4 ≤ 500 ns, sample size ≤ 1 µs;
//! stratified CMH + Mantel–Haenszel + Breslow–Day over 50 blocks ≤ 50 µs).

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use postab::freq::{
    Alternative, Mde, Proportion, ProportionCiMethod, SampleSizeFormula, StratifiedTables,
    TestDesign, ZTestOptions, chi_square_arms, fisher_exact, proportion_ci, two_proportion_ztest,
};

fn bench(c: &mut Criterion) {
    let a = Proportion::new(400, 20_000).unwrap();
    let b = Proportion::new(460, 20_000).unwrap();
    c.bench_function("ztest_pooled", |bn| {
        bn.iter(|| two_proportion_ztest(black_box(a), black_box(b), ZTestOptions::default()))
    });
    c.bench_function("wilson_ci", |bn| {
        bn.iter(|| proportion_ci(black_box(a), 0.95, ProportionCiMethod::Wilson))
    });
    c.bench_function("fisher_2x2_20000_per_arm", |bn| {
        bn.iter(|| fisher_exact(black_box(a), black_box(b), Alternative::TwoSided))
    });
    let even = Proportion::new(10_000, 20_000).unwrap();
    let even_b = Proportion::new(10_150, 20_000).unwrap();
    c.bench_function("fisher_2x2_20000_per_arm_rate_half", |bn| {
        bn.iter(|| fisher_exact(black_box(even), black_box(even_b), Alternative::TwoSided))
    });
    let arms = [
        Proportion::new(200, 10_000).unwrap(),
        Proportion::new(260, 10_000).unwrap(),
        Proportion::new(205, 10_000).unwrap(),
        Proportion::new(231, 10_000).unwrap(),
    ];
    c.bench_function("chi_square_2x4", |bn| {
        bn.iter(|| chi_square_arms(black_box(&arms), false))
    });
    let design = TestDesign::new(0.02);
    c.bench_function("sample_size_pooled", |bn| {
        bn.iter(|| black_box(design).sample_size(Mde::Relative(0.1), 0.8))
    });
    let cohen = design.with_formula(SampleSizeFormula::CohenH);
    c.bench_function("sample_size_cohen_h_two_tail", |bn| {
        bn.iter(|| black_box(cohen).sample_size(Mde::Relative(0.1), 0.8))
    });
    let blocks: Vec<[[u64; 2]; 2]> = (0..50u64)
        .map(|i| {
            let (na, nb) = (3_000 + 97 * i, 5_200 - 41 * i);
            let (sa, sb) = (40 + (i * 37) % 120, 45 + (i * 53) % 130);
            [[sa, na - sa], [sb, nb - sb]]
        })
        .collect();
    let tables = StratifiedTables::new(&blocks).unwrap();
    c.bench_function("stratified_cmh_or_breslow_day_50_blocks", |bn| {
        bn.iter(|| {
            let t = black_box(&tables);
            (
                t.cmh_test(false),
                t.pooled_odds_ratio(0.95),
                t.breslow_day(true),
            )
        })
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
