//! Speed of the post-level analyses (targets: the post-level analysis of
//! 2 variants × 20 posts — `post_ratio_test` and `post_bayes` together,
//! `post_analysis/2x20` — ≤ 20 µs, the paired analysis of 50 blocks —
//! `paired_test` and `paired_bayes`, `paired_analysis/50_blocks` — ≤ 50 µs
//! (issue 12); calibration from 1,000 posts ≤ 5 ms; a calibrated
//! one-post-each comparison ≤ 200 µs, and with 20 posts each, where the
//! history's log-likelihood is not reused, a few hundred µs).
use criterion::{Criterion, criterion_group, criterion_main};
use postab::repeated::{
    AccountHistory, Block, Order, Proportion, paired_bayes, paired_test, post_bayes,
    post_level_test, post_ratio_test,
};
use std::hint::black_box;

/// Deterministic, realistic-looking counts: ~2 % click rates on a few
/// thousand impressions per post.
fn counts(i: u64, salt: u64) -> Proportion {
    let n = 1_000 + (i * 7_919 + salt * 104_729) % 4_000;
    let y = n / 50 + (i * 31 + salt * 17) % 23;
    Proportion::new(y, n).expect("counts")
}

fn bench(c: &mut Criterion) {
    let a: Vec<Proportion> = (0..20).map(|i| counts(i, 1)).collect();
    let b: Vec<Proportion> = (0..20).map(|i| counts(i, 2)).collect();
    c.bench_function("post_level_test/2x20", |bench| {
        bench.iter(|| post_level_test(black_box(&a), black_box(&b)))
    });
    c.bench_function("post_ratio_test/2x20", |bench| {
        bench.iter(|| post_ratio_test(black_box(&a), black_box(&b), 0.95))
    });
    let blocks: Vec<Block> = (0..50)
        .map(|i| {
            let order = if i % 2 == 0 {
                Order::AFirst
            } else {
                Order::BFirst
            };
            Block::new(format!("blog-{i}"), counts(i, 3), counts(i, 4))
                .expect("block")
                .with_order(order)
        })
        .collect();
    c.bench_function("paired_test/50_blocks", |bench| {
        bench.iter(|| paired_test(black_box(&blocks), 0.95))
    });
    c.bench_function("paired_bayes/50_blocks", |bench| {
        bench.iter(|| paired_bayes(black_box(&blocks), 0.95, None))
    });
    c.bench_function("post_bayes/2x20", |bench| {
        bench.iter(|| post_bayes(black_box(&a), black_box(&b), 0.95, None))
    });
    c.bench_function("post_analysis/2x20", |bench| {
        bench.iter(|| {
            (
                post_ratio_test(black_box(&a), black_box(&b), 0.95),
                post_bayes(black_box(&a), black_box(&b), 0.95, None),
            )
        })
    });
    c.bench_function("paired_analysis/50_blocks", |bench| {
        bench.iter(|| {
            (
                paired_test(black_box(&blocks), 0.95),
                paired_bayes(black_box(&blocks), 0.95, None),
            )
        })
    });
    let history_posts: Vec<Proportion> = (0..1_000).map(|i| counts(i, 5)).collect();
    c.bench_function("calibrate/1000_posts", |bench| {
        bench.iter(|| AccountHistory::fit(black_box(&history_posts)))
    });
    let history = AccountHistory::fit(&history_posts).expect("history");
    let (one_a, one_b) = ([counts(1, 6)], [counts(2, 7)]);
    c.bench_function("post_bayes/1v1_with_history_1000", |bench| {
        bench.iter(|| post_bayes(black_box(&one_a), black_box(&one_b), 0.95, Some(&history)))
    });
    c.bench_function("post_bayes/2x20_with_history_1000", |bench| {
        bench.iter(|| post_bayes(black_box(&a), black_box(&b), 0.95, Some(&history)))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
