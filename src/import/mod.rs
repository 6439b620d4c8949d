//! Posts in from every platform: X/Twitter analytics exports (CSV) and
//! saved Bluesky, Mastodon and Threads API responses (JSON), each post a
//! [`PostRecord`] of the same shape, grouped into variants and counts.
//!
//! * [`read_export`] (with the default-on `csv` feature) reads either X
//!   format, detected from the header: the legacy **tweet-activity** export
//!   (40 columns from `Tweet id` to `promoted media engagements`) and the
//!   newer **account content** export (`Post id,Date,Post text,...`, whose
//!   posting time is recovered from the post id by [`snowflake_time`]).
//!   [`ImportMode::Strict`] stops at the first malformed row with an error
//!   naming its line and column; [`ImportMode::Lenient`] skips such rows and
//!   lists them. No input makes it panic.
//! * [`ExportTable`] (with `csv`) reads the same exports through the same
//!   row parser into columns (ids, times, one buffer of texts and one of
//!   links, the counts in one block of numbers) instead of a record per
//!   post: about the size of the file and as fast as a bare `csv`-crate
//!   parse of the same fields. [`ExportPost`] views one post;
//!   [`VariantRules::group_table`] groups a table into variants and
//!   experiments without building records.
//! * With the default-on `json` feature, [`read_bluesky`] reads saved
//!   `app.bsky.feed.getAuthorFeed` pages, [`read_mastodon`] saved
//!   `GET /api/v1/accounts/:id/statuses` pages and [`read_threads`] saved
//!   Threads media lists joined with per-post insights; `_path(s)`
//!   variants read files. [`ReadOptions`] chooses strict or lenient mode
//!   and whether replies are kept; reposts and boosts of other accounts'
//!   posts are always left out. Duplicates, left-out and unavailable posts
//!   are listed in [`ImportReport::notices`]; a bad page or record is an
//!   [`ImportError`] (inside [`Error::Import`](crate::Error::Import)) naming
//!   the page or file, the record and the field.
//! * With the default-off `linkedin` feature, `read_linkedin` reads the
//!   "All posts" sheet of a LinkedIn company page's content export (.xlsx
//!   or .xls), its errors naming the sheet, the row and the column.
//! * A [`PostRecord`] carries the platform, the id (a string: X ids,
//!   `at://` URIs, Mastodon and Threads ids), the permalink, URI and CID,
//!   the media as a [`MediaKind`](crate::post::MediaKind), whether it is
//!   an original post, a reply or a repost ([`PostKind`]), the counts the
//!   platform reports (only X reports impressions) and a Mastodon or
//!   Threads [`Poll`].
//! * [`read_mapped`] (with `csv`) reads any other CSV through a
//!   [`ColumnMap`]: which column is the id, the time ([`TimeFormat`] and
//!   zone), the text, the variant label, which columns are which organic
//!   and promoted outcomes, and the spend ([`Spend`]); other columns become
//!   [`PostRecord::tags`]. Strict and lenient modes, line-numbered errors
//!   and duplicates as for X exports.
//! * [`VariantRules`] maps posts to variants (a hashtag, a phrase, an id
//!   list, the file's own variant label, a closure) and [`Grouping`] sums
//!   them into [`Counts`](crate::Counts) of one [`Reach`] (organic, or
//!   promoted: never summed together),
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

#[cfg(feature = "json")]
mod bluesky;
#[cfg(any(feature = "csv", feature = "linkedin"))]
mod count;
#[cfg(feature = "csv")]
mod csv_export;
mod error;
#[cfg(feature = "csv")]
mod export_table;
#[cfg(feature = "json")]
mod html;
#[cfg(feature = "json")]
mod json;
#[cfg(feature = "linkedin")]
mod linkedin;
#[cfg(feature = "csv")]
mod mapping;
#[cfg(feature = "json")]
mod mastodon;
mod record;
mod rules;
mod snowflake;
#[cfg(feature = "json")]
mod threads;

#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use bluesky::{read_bluesky, read_bluesky_path, read_bluesky_paths};
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub use csv_export::{
    read_export, read_export_path, read_export_paths, read_export_str, read_exports,
};
pub use error::{ImportError, ImportErrorKind};
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub use export_table::{ExportPost, ExportTable};
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use json::ReadOptions;
#[cfg(feature = "linkedin")]
#[cfg_attr(docsrs, doc(cfg(feature = "linkedin")))]
pub use linkedin::{LinkedInOptions, read_linkedin, read_linkedin_path};
#[cfg(feature = "csv")]
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub use mapping::{
    ColumnMap, TimeFormat, read_mapped, read_mapped_many, read_mapped_path, read_mapped_paths,
    read_mapped_str,
};
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use mastodon::{read_mastodon, read_mastodon_path, read_mastodon_paths};
pub use record::{
    ExportFormat, ImportMode, ImportReport, Notice, NoticeKind, Platform, Poll, PollOption,
    PostKind, PostRecord, Reach, SkippedRow, Spend,
};
pub use rules::{GroupPost, Grouping, IntoPostId, VariantRules};
pub use snowflake::{SNOWFLAKE_EPOCH_MS, snowflake_id, snowflake_time};
#[cfg(feature = "json")]
#[cfg_attr(docsrs, doc(cfg(feature = "json")))]
pub use threads::{read_threads, read_threads_paths};

/// The whole file at `path` with its name (as errors show it).
///
/// # Errors
/// [`Error::ReadFailed`](crate::Error::ReadFailed) naming the path.
#[cfg(any(feature = "csv", feature = "json", feature = "linkedin"))]
fn read_named(path: &std::path::Path) -> crate::Result<(String, Vec<u8>)> {
    let name = path.display().to_string();
    match std::fs::read(path) {
        Ok(bytes) => Ok((name, bytes)),
        Err(e) => Err(crate::Error::ReadFailed {
            path: name,
            message: e.to_string(),
        }),
    }
}
