//! Scale out: a Parquet event log, aggregated by DataFusion SQL into
//! per-variant counts, then every experiment analysed by postab in bulk.
//!
//! ```text
//! cargo run --release --all-features --example scale_out -- [EXPERIMENTS] [ROWS_PER_EXPERIMENT]
//! ```
//!
//! Defaults: 2,000 experiments × 8 event rows (runs in seconds in CI).
//! Each experiment has variants `a` and `b` (alternating event pairs, at
//! least 4 rows per experiment); each event row is a batch of
//! 1–40 impressions or the clicks they drew (true click rates 1–5 %, B
//! sometimes better). One extra experiment, `exp-broken`, has a single
//! variant and shows up as an error row. The run prints each stage's time
//! and throughput and the process's peak resident memory per stage (Linux
//! `VmHWM`, reset between stages).
use std::path::Path;
use std::time::Instant;

use postab::Outcome;
use postab::columnar::{
    BulkOptions, Depth, EventBatchBuilder, ParquetSink, analyze_parquet, events_schema,
};
use postab::rand::rngs::Xoshiro256PlusPlus;
use postab::rand::{RngExt, SeedableRng};
use postab::sql::datafusion::arrow::util::pretty::pretty_format_batches;
use postab::sql::datafusion::dataframe::DataFrameWriteOptions;
use postab::sql::datafusion::prelude::{ParquetReadOptions, SessionContext};

type AnyResult<T> = Result<T, Box<dyn std::error::Error>>;

/// Peak resident memory since the last reset, in MB (Linux; 0 elsewhere).
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

/// Resets the peak (Linux: writing 5 to clear_refs); ignored elsewhere.
fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn generate(path: &Path, experiments: usize, rows_per: usize) -> AnyResult<usize> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(2026);
    let start = 1_795_478_400_000_000_i64; // 2026-11-24T00:00:00Z in µs
    let mut sink = ParquetSink::create(path, events_schema())?;
    let mut b = EventBatchBuilder::new();
    let mut rows = 0;
    for e in 0..experiments {
        let name = format!("exp-{e:07}");
        let base = rng.random_range(0.01..0.05);
        let rates = [base, base * rng.random_range(0.8..1.3)];
        for pair in 0..rows_per / 2 {
            let v = pair % 2;
            let at = postab::chrono::DateTime::from_timestamp_micros(
                start + rng.random_range(0..86_400_000_000_i64),
            )
            .ok_or("time out of range")?;
            let shown = rng.random_range(1..=40u64);
            let clicks = (0..shown).filter(|_| rng.random_bool(rates[v])).count() as u64;
            let variant = ["a", "b"][v];
            b.push(&name, variant, None, &Outcome::Impression, at, shown)?;
            b.push(&name, variant, None, &Outcome::Click, at, clicks)?;
            rows += 2;
        }
        if b.len() >= 65_536 {
            sink.write(&b.finish()?)?;
        }
    }
    let at = "2026-11-24T12:00:00Z".parse()?;
    b.push("exp-broken", "a", None, &Outcome::Impression, at, 10)?;
    rows += 1;
    sink.write(&b.finish()?)?;
    sink.close()?;
    Ok(rows)
}

/// Per-variant successes (clicks) and trials (impressions), ordered by
/// experiment: the README's SQL for any engine, with the dictionary-encoded
/// ids cast to plain strings first. DataFusion ordered the dictionary-typed
/// keys in time quadratic in the number of experiments (11.5 s for 2·10⁵
/// experiments; more than 10 GB of memory at 10⁶ before it was stopped);
/// cast, 10⁶ experiments take seconds.
const COUNTS_SQL: &str = "
SELECT arrow_cast(experiment, 'Utf8') AS experiment,
       arrow_cast(variant, 'Utf8') AS variant,
       SUM(CASE WHEN outcome = 'clicks' THEN n ELSE 0 END) AS successes,
       SUM(CASE WHEN outcome = 'impressions' THEN n ELSE 0 END) AS trials
FROM events
GROUP BY 1, 2
ORDER BY 1, 2";

/// postab's functions inside the engine: B against A per experiment.
const TOP_SQL: &str = "
SELECT a.experiment,
       prob_beats(a.successes, a.trials, b.successes, b.trials) AS p_b_beats_a,
       expected_loss(a.successes, a.trials, b.successes, b.trials) AS loss_ship_b,
       ztest_p(a.successes, a.trials, b.successes, b.trials) AS p_value,
       beta_interval(b.successes, b.trials, 0.95) AS b_rate
FROM counts a JOIN counts b
  ON a.experiment = b.experiment AND a.variant = 'a' AND b.variant = 'b'
ORDER BY p_b_beats_a DESC, a.experiment
LIMIT 5";

fn main() -> AnyResult<()> {
    let args: Vec<usize> = std::env::args()
        .skip(1)
        .map(|a| a.parse::<usize>())
        .collect::<Result<_, _>>()
        .map_err(|e| format!("usage: scale_out [EXPERIMENTS] [ROWS_PER_EXPERIMENT] ({e})"))?;
    let experiments = args.first().copied().unwrap_or(2_000).max(1);
    let rows_per = args.get(1).copied().unwrap_or(8).max(4);
    let dir = std::env::temp_dir().join(format!("postab-scale-out-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (events, counts, results) = (
        dir.join("events.parquet"),
        dir.join("counts.parquet"),
        dir.join("results.parquet"),
    );

    reset_peak();
    let t = Instant::now();
    let rows = generate(&events, experiments, rows_per)?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "generated {rows} event rows for {experiments} experiments in {secs:.2} s ({:.0} rows/s, peak RSS {:.0} MB)",
        rows as f64 / secs,
        peak_rss_mb()
    );

    let runtime = tokio::runtime::Runtime::new()?;
    let ctx = SessionContext::new();
    postab::sql::register(&ctx);
    reset_peak();
    let t = Instant::now();
    runtime.block_on(async {
        ctx.register_parquet(
            "events",
            events.to_str().ok_or("path")?,
            ParquetReadOptions::default(),
        )
        .await?;
        ctx.sql(COUNTS_SQL)
            .await?
            .write_parquet(
                counts.to_str().ok_or("path")?,
                DataFrameWriteOptions::new().with_single_file_output(true),
                None,
            )
            .await?;
        Ok::<_, Box<dyn std::error::Error>>(())
    })?;
    let secs = t.elapsed().as_secs_f64();
    println!(
        "DataFusion GROUP BY into counts.parquet: {secs:.2} s ({:.0} event rows/s, peak RSS {:.0} MB)",
        rows as f64 / secs,
        peak_rss_mb()
    );

    let t = Instant::now();
    let top = runtime.block_on(async {
        ctx.register_parquet(
            "counts",
            counts.to_str().ok_or("path")?,
            ParquetReadOptions::default(),
        )
        .await?;
        Ok::<_, Box<dyn std::error::Error>>(ctx.sql(TOP_SQL).await?.collect().await?)
    })?;
    println!(
        "postab SQL functions on every experiment in DataFusion: {:.2} s; the five likeliest wins of B:\n{}",
        t.elapsed().as_secs_f64(),
        pretty_format_batches(&top)?
    );

    for (label, options) in [
        (
            "Bayesian summary",
            BulkOptions::new().depth(Depth::Bayesian),
        ),
        ("full analysis", BulkOptions::new()),
    ] {
        reset_peak();
        let t = Instant::now();
        let summary = analyze_parquet(&counts, &results, &options)?;
        let secs = t.elapsed().as_secs_f64();
        println!(
            "bulk {label}: {} experiments ({} error rows' experiments) in {secs:.2} s: {:.0} experiments/s, peak RSS {:.0} MB",
            summary.experiments,
            summary.failed,
            summary.experiments as f64 / secs,
            peak_rss_mb()
        );
    }
    let errors = runtime.block_on(async {
        ctx.register_parquet(
            "results",
            results.to_str().ok_or("path")?,
            ParquetReadOptions::default(),
        )
        .await?;
        Ok::<_, Box<dyn std::error::Error>>(
            ctx.sql("SELECT experiment, variant, error FROM results WHERE error IS NOT NULL")
                .await?
                .collect()
                .await?,
        )
    })?;
    println!("error rows:\n{}", pretty_format_batches(&errors)?);
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
