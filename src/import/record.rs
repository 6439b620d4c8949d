//! Imported posts and the outcome of an import.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Counts, Error};

/// Which analytics export a file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ExportFormat {
    /// The legacy tweet-activity export: 40 columns from `Tweet id` to
    /// `promoted media engagements`, `time` like `2020-02-04 19:19 +0000`.
    TweetActivity,
    /// The newer account content export: `Post id,Date,Post text,...`, with
    /// a `Date` like `Tue, Jul 14, 2026` and the time in the post id.
    AccountContent,
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExportFormat::TweetActivity => "tweet activity",
            ExportFormat::AccountContent => "account content",
        })
    }
}

/// One post read from an export.
///
/// `counts` holds the organic metrics: the built-in outcomes (impressions,
/// clicks = URL clicks, reposts, likes, replies, profile visits, follows) and
/// custom outcomes for the rest (`engagements`, `detail_expands`,
/// `hashtag_clicks`, `permalink_clicks`, `bookmarks`, `shares`,
/// `app_opens`, `app_installs`, `email_tweet`, `dial_phone`, `media_views`,
/// `media_engagements`), zero counts omitted. `promoted` holds the
/// tweet-activity export's `promoted ...` columns when the post was
/// promoted (any promoted cell other than `-` or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostRecord {
    /// The post id.
    pub id: u64,
    /// When it was posted (the `time` column, or decoded from the id).
    pub posted_at: DateTime<Utc>,
    /// The post text (may contain newlines).
    pub text: String,
    /// The permalink, if the export has one.
    pub link: Option<String>,
    /// Organic counts.
    pub counts: Counts,
    /// Promoted counts, if the post was promoted.
    pub promoted: Option<Counts>,
    /// The 1-based line of the file where the row starts.
    pub line: u64,
}

/// A row skipped by a lenient import, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SkippedRow {
    /// The 1-based line where the row starts.
    pub line: u64,
    /// The error a strict import would have returned.
    #[serde(serialize_with = "display")]
    pub error: Error,
}

fn display<S: serde::Serializer>(e: &Error, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

/// What an import read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportReport {
    /// The detected (or requested) format.
    pub format: ExportFormat,
    /// The posts read, in file order.
    pub posts: Vec<PostRecord>,
    /// Rows skipped in lenient mode (always empty in strict mode).
    pub skipped: Vec<SkippedRow>,
}

/// How an import treats a malformed row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ImportMode {
    /// The first malformed row is an error naming its line and column.
    #[default]
    Strict,
    /// Malformed rows are skipped and listed in [`ImportReport::skipped`].
    Lenient,
}

/// `post 2076939755320246272 at 2026-07-14 08:00 UTC: 1000 impressions, …`
/// (the counts as their `Display`), `(promoted)` when promoted.
impl fmt::Display for PostRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "post {} at {}: {}",
            self.id,
            self.posted_at.format("%Y-%m-%d %H:%M UTC"),
            self.counts
        )?;
        if self.promoted.is_some() {
            f.write_str(" (promoted)")?;
        }
        Ok(())
    }
}

/// `line 4: <the error>`.
impl fmt::Display for SkippedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "line {}: {}", self.line, self.error)
    }
}

/// `account content export: 2 posts, 1 row skipped` and one line per
/// skipped row.
impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        write!(
            f,
            "{} export: {} post{}, {} row{} skipped",
            self.format,
            self.posts.len(),
            plural(self.posts.len()),
            self.skipped.len(),
            plural(self.skipped.len())
        )?;
        for row in &self.skipped {
            write!(f, "\n  {row}")?;
        }
        Ok(())
    }
}
