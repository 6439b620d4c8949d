//! Analytics exports in: X/Twitter CSV files to posts, variants and counts.
//!
//! * [`read_export`] (with the default-on `csv` feature) reads either
//!   format, detected from the header: the legacy **tweet-activity** export
//!   (40 columns from `Tweet id` to `promoted media engagements`) and the
//!   newer **account content** export (`Post id,Date,Post text,...`, whose
//!   posting time is recovered from the post id by [`snowflake_time`]).
//!   [`ImportMode::Strict`] stops at the first malformed row with an error
//!   naming its line and column; [`ImportMode::Lenient`] skips such rows and
//!   lists them. No input makes it panic.
//! * [`VariantRules`] maps posts to variants (a hashtag, a phrase, an id
//!   list, a closure) and [`Grouping`] sums them into [`Counts`](crate::Counts),
//!   builds an [`Experiment`](crate::Experiment), or lists per-post counts
//!   for the post-level analyses of [`crate::repeated`]. Posts also carry
//!   their time, for [`crate::schedule`].
//!
//! # Example
//!
//! ```
//! # #[cfg(feature = "csv")] {
//! use postab::import::{read_export_str, ImportMode, VariantRules};
//!
//! let csv = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks
//! 2076939755320246272,\"Tue, Jul 14, 2026\",Too rigid? #q,,1000,5,40,0,0,0,1,2,3,4,30,0,0
//! 2077370090910646272,\"Wed, Jul 15, 2026\",No single way #s,,900,3,30,0,0,0,0,1,2,2,20,0,0
//! 1,\"Wed, Jul 15, 2026\",Bad id,,900,3,30,0,0,0,0,1,2,2,20,0,0
//! ";
//! let report = read_export_str(csv, ImportMode::Lenient)?;
//! assert_eq!(report.posts.len(), 2);
//! assert_eq!(report.skipped[0].line, 4);
//! assert_eq!(report.posts[0].posted_at.to_rfc3339(), "2026-07-14T08:00:00+00:00");
//! let groups = VariantRules::new().tag("q", "question").tag("s", "statement").group(&report.posts);
//! let exp = groups.to_experiment("hooks", "question", postab::Metric::click_through())?;
//! assert_eq!(exp.counts("statement")?.impressions(), 900);
//! # }
//! # Ok::<(), postab::Error>(())
//! ```

#[cfg(feature = "csv")]
mod csv_export;
mod record;
mod rules;
mod snowflake;

#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub use csv_export::{read_export, read_export_path, read_export_str};
pub use record::{ExportFormat, ImportMode, ImportReport, PostRecord, SkippedRow};
pub use rules::{Grouping, VariantRules};
pub use snowflake::{SNOWFLAKE_EPOCH_MS, snowflake_id, snowflake_time};
