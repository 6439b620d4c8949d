//! Events and counts as Arrow record batches and Parquet files, and bulk
//! analysis of many experiments from one table (feature `arrow`).
//!
//! Teams with millions of experiments keep their impression and click
//! events in Parquet files or a warehouse and aggregate them with an engine
//! they already run. This module fixes the tables postab reads and writes,
//! so that an engine's `GROUP BY` produces exactly the counts the
//! in-process [`Tracker`](crate::Tracker) would, and so that postab can
//! analyse a whole table of experiments at once ([`analyze_batches`],
//! [`analyze_parquet`]). With the `datafusion` feature the statistics also
//! run inside the engine as SQL functions (`postab::sql`).
//!
//! # Tables
//!
//! Every id column is `Dictionary(Int32, Utf8)` (dictionary-encoded: an
//! event log repeats a handful of experiment, variant and outcome names
//! millions of times); every count is `Int64` (what BigQuery, Spark and
//! DuckDB all have; readers reject negative values, writers reject counts
//! above `i64::MAX`). Readers are lenient about encodings: any string type
//! (`Utf8`, `LargeUtf8`, `Utf8View`, any dictionary of them) serves for an
//! id, any integer type for a count, any timestamp for a time.
//!
//! **Events** ([`events_schema`], [`EventBatchBuilder`], [`EventColumns`]):
//! one row per tracker event.
//!
//! | column | Arrow type | null | meaning |
//! |---|---|---|---|
//! | `experiment` | `Dictionary(Int32, Utf8)` | no | the experiment ([`TrackerConfig::experiment`](crate::tracker::TrackerConfig::experiment)) |
//! | `variant` | `Dictionary(Int32, Utf8)` | no | the variant id |
//! | `post` | `Dictionary(Int32, Utf8)` | yes | the post id (null: not attributed to a post) |
//! | `outcome` | `Dictionary(Int32, Utf8)` | no | the outcome's canonical name ([`Outcome::name`](crate::Outcome::name): `impressions`, `clicks`, …, or a custom name) |
//! | `time` | `Timestamp(Microsecond, "UTC")` | no | when it happened |
//! | `n` | `Int64` | no | the multiplicity ([`Event::times`](crate::Event::times)), ≥ 0 |
//!
//! **Per-variant counts** ([`variant_counts_schema`],
//! [`variant_counts_batch`], [`read_variant_counts`]): one row per
//! experiment, variant and outcome with a non-zero count (the long form, so
//! custom outcomes need no schema change).
//!
//! | column | Arrow type | null |
//! |---|---|---|
//! | `experiment` | `Dictionary(Int32, Utf8)` | no |
//! | `variant` | `Dictionary(Int32, Utf8)` | no |
//! | `outcome` | `Dictionary(Int32, Utf8)` | no |
//! | `count` | `Int64` | no |
//!
//! **Per-post counts** ([`post_counts_schema`], [`post_counts_batch`],
//! [`read_post_counts`]): the same with a `post` column
//! (`Dictionary(Int32, Utf8)`, not null) after `variant`.
//!
//! Any engine produces the per-variant counts from the events with
//!
//! ```sql
//! SELECT experiment, variant, outcome, SUM(n) AS count
//! FROM events GROUP BY experiment, variant, outcome
//! ```
//!
//! and the result, read with [`read_variant_counts`], equals
//! [`Tracker::all_counts`](crate::Tracker::all_counts) of a tracker that
//! recorded the same events (`tests/columnar_roundtrip.rs` checks this on
//! 10⁷ events through Parquet and DataFusion). Repeated rows of one key and
//! outcome add up, with the tracker's overflow check.
//!
//! **Proportions** (the input of bulk analysis, [`proportions_schema`]): one
//! row per experiment and variant, or per experiment, variant and post.
//!
//! | column | Arrow type | null | meaning |
//! |---|---|---|---|
//! | `experiment` | `Dictionary(Int32, Utf8)` | no | |
//! | `variant` | `Dictionary(Int32, Utf8)` | no | |
//! | `post` | `Dictionary(Int32, Utf8)` | yes | optional column: the post, for post-level results |
//! | `control` | `Boolean` | yes | optional column: marks the control variant |
//! | `successes` | `Int64` | no | e.g. clicks |
//! | `trials` | `Int64` | no | e.g. impressions |
//!
//! From the counts table: `SUM(CASE WHEN outcome = 'clicks' THEN count END)
//! AS successes, SUM(CASE WHEN outcome = 'impressions' THEN count END) AS
//! trials … GROUP BY experiment, variant` (the README has the whole query).
//!
//! **Results** ([`results_schema`]): one row per experiment and variant, see
//! [`analyze_batches`].
//!
//! # Parquet
//!
//! [`ParquetSink`] writes batches to a Parquet file (Snappy-compressed,
//! dictionary pages for the id columns, the Arrow schema kept in the file's
//! metadata so the dictionaries come back as dictionaries);
//! [`read_parquet`] streams a file back batch by batch.
//!
//! # Example
//!
//! ```
//! use postab::columnar::{read_variant_counts, EventBatchBuilder};
//! use postab::{Outcome, Tracker};
//!
//! let at = "2026-11-24T08:00:00Z".parse()?;
//! let mut events = EventBatchBuilder::new();
//! events.push("cta-test", "question", None, &Outcome::Impression, at, 1000)?;
//! events.push("cta-test", "question", None, &Outcome::Click, at, 31)?;
//! let batch = events.finish()?;
//!
//! // Recording the same rows into a tracker gives the same counts...
//! let tracker = Tracker::new();
//! postab::columnar::EventColumns::new(&batch)?.record_into(&tracker)?;
//! assert_eq!(tracker.counts("question")?.clicks(), 31);
//! // ... as a counts table does (here made by postab, usually by an engine).
//! let table = postab::columnar::variant_counts_batch(
//!     tracker.all_counts().iter().map(|(v, c)| ("cta-test", v.as_str(), c)),
//! )?;
//! let counts = read_variant_counts(&[table])?;
//! assert_eq!(counts[&("cta-test".into(), "question".into())], tracker.counts("question")?);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod bulk;
mod columns;
mod counts;
mod events;
mod io;
mod schema;

/// The [`arrow`](https://docs.rs/arrow) crate at the version postab's
/// tables use (`RecordBatch`, `Schema`).
pub use arrow;
/// The [`parquet`](https://docs.rs/parquet) crate at the version postab
/// reads and writes.
pub use parquet;

pub use bulk::{BulkOptions, BulkSummary, Depth, analyze_batches, analyze_parquet};
pub use counts::{post_counts_batch, read_post_counts, read_variant_counts, variant_counts_batch};
pub use events::{EventBatchBuilder, EventColumns, EventRow};
pub use io::{ParquetSink, ROW_GROUP_ROWS, read_parquet};
pub use schema::{
    UNIT_METADATA_KEY, events_schema, post_counts_schema, proportions_schema, results_schema,
    variant_counts_schema,
};
