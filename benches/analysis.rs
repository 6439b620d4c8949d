//! Speed of the default analysis path, `Experiment::analyze`, on post
//! designs (issue 12 targets: 2 variants × 20 posts ≤ 20 µs; 50 paired
//! blocks ≤ 50 µs), beside the same counts as two totals.
use criterion::{Criterion, criterion_group, criterion_main};
use postab::{Counts, Experiment, Metric, Post, counts};
use std::hint::black_box;

/// Deterministic, realistic-looking counts: ~2 % click rates on a few
/// thousand impressions per post.
fn post_counts(i: u64, salt: u64) -> Counts {
    let n = 1_000 + (i * 7_919 + salt * 104_729) % 4_000;
    let y = n / 50 + (i * 31 + salt * 17) % 23;
    counts! { impressions: n, clicks: y }
}

fn experiment() -> Experiment {
    Experiment::builder("bench")
        .variant("a", "A")
        .variant("b", "B")
        .control("a")
        .build()
        .expect("valid")
}

fn bench(c: &mut Criterion) {
    let metric = Metric::click_through();
    let mut independent = experiment();
    for i in 0..20 {
        for (v, salt) in [("a", 1), ("b", 2)] {
            independent
                .add_post(
                    Post::new(format!("{v}{i}"), v)
                        .expect("post")
                        .with_counts(post_counts(i, salt)),
                )
                .expect("add");
        }
    }
    c.bench_function("analyze/independent_posts_2x20", |bench| {
        bench.iter(|| black_box(&independent).analyze(&metric))
    });
    let mut paired = experiment();
    let start: chrono::DateTime<chrono::Utc> = "2026-01-01T08:00:00Z".parse().expect("time");
    for i in 0..50u64 {
        for (v, salt, first) in [("a", 3, i % 2 == 0), ("b", 4, i % 2 == 1)] {
            let at = start + chrono::Duration::days(2 * i as i64 + i64::from(!first));
            paired
                .add_post(
                    Post::new(format!("{v}{i}"), v)
                        .and_then(|p| p.in_block(format!("blog-{i}")))
                        .expect("post")
                        .published_at(at)
                        .with_counts(post_counts(i, salt)),
                )
                .expect("add");
        }
    }
    c.bench_function("analyze/paired_50_blocks", |bench| {
        bench.iter(|| black_box(&paired).analyze(&metric))
    });
    let totals = experiment();
    totals
        .add_counts("a", counts! { impressions: 61_000, clicks: 1_400 })
        .expect("counts");
    totals
        .add_counts("b", counts! { impressions: 59_000, clicks: 1_500 })
        .expect("counts");
    c.bench_function("analyze/totals_one_post_each", |bench| {
        bench.iter(|| black_box(&totals).analyze(&metric))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
