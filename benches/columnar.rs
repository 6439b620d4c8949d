//! Bulk analysis throughput (issue 16; target: ≥ 100,000 two-variant
//! experiments/s for the Bayesian summary — P(best), expected loss and 95 %
//! credible intervals — on the 2-core machine, all cores): 20,000
//! two-variant experiments per iteration, in 8,192-row batches, realistic
//! counts (click rates around 2 % on 1,000–50,000 impressions), results
//! discarded. `bulk/bayesian` is the Bayesian summary, `bulk/full` adds
//! P(beats control) and the z-test (no posts); `bulk/bayesian_1_thread`
//! shows the per-core cost. `per_experiment/*` split one experiment's
//! Bayesian summary into its library calls.
use std::hint::black_box;
use std::sync::Arc;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postab::bayes::{BetaPosterior, Posterior, rank};
use postab::columnar::arrow::array::{ArrayRef, Int64Array, RecordBatch, StringArray};
use postab::columnar::{BulkOptions, Depth, analyze_batches};

const EXPERIMENTS: usize = 20_000;

fn counts(i: u64, salt: u64) -> (i64, i64) {
    let n = 1_000 + (i * 7_919 + salt * 104_729) % 49_000;
    let y = n / 50 + (i * 31 + salt * 17) % 23;
    (y as i64, n as i64)
}

fn input() -> Vec<RecordBatch> {
    let experiments: Vec<u64> = (0..EXPERIMENTS as u64).collect();
    // 4,096 experiments (8,192 rows) per batch.
    experiments
        .chunks(4_096)
        .map(|chunk| {
            let names: Vec<String> = chunk
                .iter()
                .flat_map(|e| [format!("account-{e}/cta"), format!("account-{e}/cta")])
                .collect();
            let variants: Vec<&str> = chunk.iter().flat_map(|_| ["a", "b"]).collect();
            let counts: Vec<(i64, i64)> = chunk
                .iter()
                .flat_map(|&e| [counts(e, 1), counts(e, 2)])
                .collect();
            RecordBatch::try_from_iter([
                ("experiment", Arc::new(StringArray::from(names)) as ArrayRef),
                ("variant", Arc::new(StringArray::from(variants)) as ArrayRef),
                (
                    "successes",
                    Arc::new(Int64Array::from_iter_values(counts.iter().map(|c| c.0))) as ArrayRef,
                ),
                (
                    "trials",
                    Arc::new(Int64Array::from_iter_values(counts.iter().map(|c| c.1))) as ArrayRef,
                ),
            ])
            .expect("batch")
        })
        .collect()
}

fn run(input: &[RecordBatch], options: &BulkOptions) -> u64 {
    let mut rows = 0;
    let summary = analyze_batches(input.iter().cloned().map(Ok), options, |b| {
        rows += b.num_rows() as u64;
        Ok(())
    })
    .expect("run");
    assert_eq!(summary.failed, 0);
    black_box(rows)
}

fn bench(c: &mut Criterion) {
    let input = input();
    let mut g = c.benchmark_group("bulk");
    g.sample_size(10);
    g.throughput(Throughput::Elements(EXPERIMENTS as u64));
    let bayesian = BulkOptions::new().depth(Depth::Bayesian);
    g.bench_function("bayesian", |b| b.iter(|| run(&input, &bayesian)));
    g.bench_function("full", |b| b.iter(|| run(&input, &BulkOptions::new())));
    let one = bayesian.clone().threads(1);
    g.bench_function("bayesian_1_thread", |b| b.iter(|| run(&input, &one)));
    g.finish();

    let (a, b) = (counts(7, 1), counts(7, 2));
    let d = [
        BetaPosterior::from_counts(a.0 as u64, a.1 as u64).expect("valid"),
        BetaPosterior::from_counts(b.0 as u64, b.1 as u64).expect("valid"),
    ];
    c.bench_function("per_experiment/rank", |bench| {
        bench.iter(|| rank(black_box(&d)))
    });
    c.bench_function("per_experiment/credible_interval", |bench| {
        bench.iter(|| black_box(&d[0]).credible_interval(0.95))
    });
}

criterion_group!(benches, bench);
criterion_main!(benches);
