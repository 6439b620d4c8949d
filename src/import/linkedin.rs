//! Reading a LinkedIn company page's content analytics export (the "All
//! posts" sheet of the .xlsx/.xls download) into [`PostRecord`]s.
//!
//! # The layout, and where it comes from
//!
//! LinkedIn's help page on exporting Page analytics (Page admin view >
//! Analytics > Content > Export) describes the download but does not list
//! its columns, so the layout here is put together from what is public:
//! open-source readers of the export (parsers that read a workbook with a
//! "Metrics" sheet of daily totals and an "All posts" sheet of one row per
//! post, "usually a note on the first row and the header on the second",
//! with columns `Post title`, `Post link`, `Post type`, `Campaign name`,
//! `Posted by` (older: `Published by`), `Created date` (older: `Date`),
//! `Campaign start date`, `Campaign end date`, `Audience`, `Impressions`,
//! `Views (excluding off-site video views)`, `Off-site views`, `Clicks`,
//! `Click through rate (CTR)`, `Likes`, `Comments`, `Reposts` (older:
//! `Shares`), `Follows` (older: `Followers`), `Engagement rate`,
//! `Content Type`), and the metric definitions published by analytics
//! vendors that read LinkedIn's data (CTR = clicks / impressions; clicks
//! exclude reactions, comments and reposts). Hence the tolerance: columns
//! are found by header name (ASCII case, spaces, `-` and `_` ignored; the
//! older names accepted too), in any order, on whichever of the first
//! [`HEADER_SEARCH_ROWS`] rows has them, and the sheet by its name or, if it
//! is renamed, by its header.

use std::collections::HashMap;
use std::io::Cursor;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use calamine::{Data, Range, Reader, Sheets, Xls, Xlsx, open_workbook_from_rs};
use chrono::{DateTime, NaiveDate, TimeDelta, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::count::{BadCount, count_from_f64, parse_count_text};
use super::record::{
    ExportFormat, ImportMode, ImportReport, Notice, NoticeKind, Platform, PostRecord, SkippedRow,
};
use crate::post::MediaKind;
use crate::{Counts, Error, Outcome, Result};

/// The sheet read (found by name, else by its header).
const SHEET: &str = "All posts";

/// How many rows at the top of a sheet are searched for the header.
const HEADER_SEARCH_ROWS: usize = 20;

/// The outcome of each count column, by index (built-in names map to the
/// built-in kinds, the others are custom outcomes).
const OUTCOMES: [&str; 8] = [
    "impressions",
    "views",
    "offsite_views",
    "clicks",
    "likes",
    "replies",
    "reposts",
    "follows",
];
const IMPRESSIONS: usize = 0;
const CLICKS: usize = 3;

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Link,
    Title,
    /// `Organic` or `Sponsored`.
    PostType,
    Created,
    ContentType,
    /// Derived (clicks / impressions): checked, not stored.
    Ctr,
    /// A count: index into [`OUTCOMES`].
    Count(usize),
}

/// The columns read: header names (the first is the current one), role,
/// required? Other columns (`Campaign name`, `Posted by`, `Campaign start
/// date`, `Campaign end date`, `Audience`, `Engagement rate`) are not read:
/// the engagement rate is derived, and LinkedIn's definition of it (which
/// counts are summed) has changed over time.
const COLUMNS: [(&[&str], Role, bool); 14] = [
    (&["Post link", "Update link"], Role::Link, true),
    (&["Post title", "Update title"], Role::Title, false),
    (&["Post type", "Update type"], Role::PostType, false),
    (
        &["Created date", "Date created", "Date"],
        Role::Created,
        true,
    ),
    (&["Content type"], Role::ContentType, false),
    (&["Impressions"], Role::Count(IMPRESSIONS), true),
    (
        &["Views (excluding off-site video views)", "Views"],
        Role::Count(1),
        false,
    ),
    (&["Off-site views", "Offsite views"], Role::Count(2), false),
    (&["Clicks"], Role::Count(CLICKS), true),
    (
        &["Click through rate (CTR)", "Click through rate", "CTR"],
        Role::Ctr,
        false,
    ),
    (&["Likes", "Reactions"], Role::Count(4), true),
    (&["Comments"], Role::Count(5), true),
    (&["Reposts", "Shares"], Role::Count(6), true),
    (&["Follows", "Followers"], Role::Count(7), false),
];

/// How [`read_linkedin`] reads: strict or lenient, the time zone of the
/// export's dates, and whether the CTR column is checked.
///
/// LinkedIn gives each post's created **date** only (`MM/DD/YYYY`, no
/// time). A post is placed at **12:00 (noon) local time** on that date in
/// `zone` (UTC by default): the middle of the day, so the true time is at
/// most 12 hours away, and the UTC date stays the export's date for any
/// zone within 12 hours of UTC. Set `zone` to the time zone of the account
/// that downloaded the export (LinkedIn shows dates in it).
///
/// # Example
///
/// ```
/// use postab::chrono_tz::America::New_York;
/// use postab::import::{ImportMode, LinkedInOptions};
///
/// let options = LinkedInOptions::lenient().zone(New_York).check_ctr(false);
/// assert_eq!(options.mode, ImportMode::Lenient);
/// assert!(!options.check_ctr);
/// assert_eq!(LinkedInOptions::default(), LinkedInOptions::strict());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub struct LinkedInOptions {
    /// Strict: the first bad row is an error. Lenient: it is skipped and
    /// listed in [`ImportReport::skipped`].
    pub mode: ImportMode,
    /// The time zone of the export's dates (default UTC): a post is placed
    /// at noon local time on its created date.
    pub zone: Tz,
    /// Check the `Click through rate (CTR)` column against clicks /
    /// impressions (default: on). The CTR is derived, never stored as an
    /// outcome; the check finds columns that are not what their header
    /// says.
    pub check_ctr: bool,
}

impl Default for LinkedInOptions {
    fn default() -> Self {
        LinkedInOptions {
            mode: ImportMode::Strict,
            zone: Tz::UTC,
            check_ctr: true,
        }
    }
}

impl LinkedInOptions {
    /// Strict mode, dates in UTC, CTR checked (the default).
    pub fn strict() -> Self {
        LinkedInOptions::default()
    }

    /// Lenient mode, dates in UTC, CTR checked.
    pub fn lenient() -> Self {
        LinkedInOptions {
            mode: ImportMode::Lenient,
            ..LinkedInOptions::default()
        }
    }

    /// Sets the time zone of the export's dates.
    pub fn zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// Sets whether the CTR column is checked.
    pub fn check_ctr(mut self, check: bool) -> Self {
        self.check_ctr = check;
        self
    }
}

/// Header comparison key: ASCII lower case, `-` and `_` as spaces, runs of
/// white space as one space, trimmed.
fn norm(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s
        .split(|c: char| c.is_whitespace() || c == '-' || c == '_')
        .filter(|w| !w.is_empty())
    {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&word.to_ascii_lowercase());
    }
    out
}

/// A column present in the sheet.
#[derive(Debug, Clone)]
struct Column {
    /// 0-based index in the sheet's used range.
    index: usize,
    /// 1-based column number in the sheet (A = 1).
    number: usize,
    /// The header as written in the file.
    header: String,
    role: Role,
}

/// The columns of the sheet, resolved from its header row.
struct Layout {
    columns: Vec<Column>,
    outcomes: Vec<Outcome>,
    /// 0-based index of the header row in the used range.
    header_row: usize,
}

impl Layout {
    /// The layout from the first of the top rows that has the link and
    /// impressions columns; `None` if none has.
    fn find(range: &Range<Data>) -> Option<Result<Layout>> {
        let first_col = range.start().map_or(0, |(_, c)| c as usize);
        range
            .rows()
            .take(HEADER_SEARCH_ROWS)
            .enumerate()
            .find_map(|(i, row)| {
                let names: Vec<String> = row
                    .iter()
                    .map(|c| match c {
                        Data::String(s) => norm(s),
                        _ => String::new(),
                    })
                    .collect();
                let has = |role: Role| {
                    COLUMNS
                        .iter()
                        .filter(|c| c.1 == role)
                        .flat_map(|c| c.0.iter())
                        .any(|alias| names.contains(&norm(alias)))
                };
                (has(Role::Link) && has(Role::Count(IMPRESSIONS)))
                    .then(|| Layout::new(row, &names, i, first_col))
            })
    }

    fn new(row: &[Data], names: &[String], header_row: usize, first_col: usize) -> Result<Self> {
        let mut columns = Vec::new();
        for &(aliases, role, required) in &COLUMNS {
            let index = aliases
                .iter()
                .find_map(|alias| names.iter().position(|n| *n == norm(alias)));
            match index {
                Some(index) => columns.push(Column {
                    index,
                    number: first_col + index + 1,
                    header: row.get(index).map(text).unwrap_or_default(),
                    role,
                }),
                None if required => {
                    return Err(Error::MissingColumn {
                        column: aliases[0].to_string(),
                        format: ExportFormat::LinkedInPosts.to_string(),
                    });
                }
                None => {}
            }
        }
        let outcomes = OUTCOMES
            .iter()
            .map(|n| Outcome::from_key(n))
            .collect::<Result<Vec<_>>>()?;
        Ok(Layout {
            columns,
            outcomes,
            header_row,
        })
    }

    fn column(&self, role: Role) -> Option<&Column> {
        self.columns.iter().find(|c| c.role == role)
    }

    /// One row: its post id, whether it is a sponsored row, and the post
    /// (its counts organic, whatever the row).
    fn parse_row(
        &self,
        row: &[Data],
        line: u64,
        options: &LinkedInOptions,
    ) -> Result<(String, bool, PostRecord)> {
        let empty = Data::Empty;
        let cell = |c: &Column| row.get(c.index).unwrap_or(&empty);
        let mut values = [0u64; OUTCOMES.len()];
        let (mut link, mut title, mut date, mut media) = (None, String::new(), None, None);
        let mut sponsored = false;
        for col in &self.columns {
            let data = cell(col);
            match col.role {
                Role::Link => {
                    let s = text(data);
                    if s.is_empty() {
                        return Err(invalid(
                            col,
                            line,
                            data,
                            "a post link (https://www.linkedin.com/feed/update/urn:li:...)",
                        ));
                    }
                    link = Some(s);
                }
                Role::Title => title = text(data),
                Role::PostType => sponsored = norm(&text(data)).starts_with("sponsored"),
                Role::Created => {
                    date = Some(created_date(data).ok_or_else(|| {
                        invalid(
                            col,
                            line,
                            data,
                            "a date like \"07/14/2026\" (MM/DD/YYYY) or a date cell",
                        )
                    })?);
                }
                Role::ContentType => media = Some(media_kind(&text(data))),
                Role::Count(k) => {
                    if let Some(slot) = values.get_mut(k) {
                        *slot = count(data, col, line)?;
                    }
                }
                Role::Ctr => {}
            }
        }
        let (clicks, impressions) = (values[CLICKS], values[IMPRESSIONS]);
        if clicks > impressions
            && let Some(col) = self.column(Role::Count(CLICKS))
        {
            return Err(Error::ClicksExceedImpressions {
                line,
                column: col.header.clone(),
                column_number: col.number,
                clicks,
                impressions,
            });
        }
        if options.check_ctr
            && let Some(col) = self.column(Role::Ctr)
        {
            check_ctr(cell(col), col, line, clicks, impressions)?;
        }
        // Both are required columns, so both were read.
        let missing = |column: &str| Error::MissingColumn {
            column: column.to_string(),
            format: ExportFormat::LinkedInPosts.to_string(),
        };
        let link = link.ok_or_else(|| missing("Post link"))?;
        let date = date.ok_or_else(|| missing("Created date"))?;
        let mut counts = Counts::new();
        for (outcome, &n) in self.outcomes.iter().zip(&values) {
            // Each outcome is added once to empty counts: no overflow.
            if n > 0 {
                counts.add_saturating(outcome, n);
            }
        }
        let id = post_id(&link);
        let mut post = PostRecord::new(Platform::LinkedIn, id.clone(), noon(date, options.zone));
        post.text = title;
        post.link = Some(link);
        post.media = media.unwrap_or_default();
        post.counts = counts;
        post.line = line;
        Ok((id, sponsored, post))
    }
}

/// A text cell, trimmed (numbers and other cells as displayed; empty: "").
fn text(data: &Data) -> String {
    match data {
        Data::String(s) => s.trim().to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

fn invalid(col: &Column, line: u64, data: &Data, expected: &str) -> Error {
    Error::InvalidCell {
        line,
        column: col.header.clone(),
        column_number: col.number,
        value: data.to_string(),
        expected: expected.to_string(),
    }
}

/// A count cell: a whole non-negative number, or text that is one; empty
/// (or `-`) is 0.
fn count(data: &Data, col: &Column, line: u64) -> Result<u64> {
    let n = match data {
        Data::Empty => Ok(None),
        Data::Int(n) => u64::try_from(*n).map(Some).map_err(|_| BadCount::Negative),
        Data::Float(x) => count_from_f64(*x).map(Some),
        Data::String(s) => parse_count_text(s.as_bytes()),
        _ => Err(BadCount::NonNumeric),
    };
    n.map(Option::unwrap_or_default)
        .map_err(|bad| bad.at(line, &col.header, col.number, data.to_string()))
}

/// The created date: text `MM/DD/YYYY` (one-digit month and day too) or
/// `YYYY-MM-DD`, or a date cell.
fn created_date(data: &Data) -> Option<NaiveDate> {
    match data {
        Data::String(s) | Data::DateTimeIso(s) => {
            let s = s.trim();
            NaiveDate::parse_from_str(s, "%m/%d/%Y")
                .ok()
                .or_else(|| NaiveDate::parse_from_str(s.get(..10)?, "%Y-%m-%d").ok())
        }
        Data::DateTime(dt) if dt.is_datetime() => {
            let (y, m, d, ..) = dt.to_ymd_hms_milli();
            NaiveDate::from_ymd_opt(i32::from(y), u32::from(m), u32::from(d))
        }
        _ => None,
    }
}

/// Noon local time on `date` in `zone`, in UTC (an hour later if noon
/// falls in a DST gap; noon UTC if the zone cannot place it at all).
fn noon(date: NaiveDate, zone: Tz) -> DateTime<Utc> {
    let Some(local) = date.and_hms_opt(12, 0, 0) else {
        return DateTime::<Utc>::MIN_UTC;
    };
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + TimeDelta::hours(1)))
                .earliest()
        })
        .map_or_else(|| local.and_utc(), |t| t.with_timezone(&Utc))
}

/// The post's id: the `urn:li:...` in its link
/// (`https://www.linkedin.com/feed/update/urn:li:activity:7350…` gives
/// `urn:li:activity:7350…`), or the link itself if it has none.
fn post_id(link: &str) -> String {
    match link.find("urn:li:") {
        Some(start) => link[start..]
            .split(|c: char| c == '/' || c == '?' || c == '#' || c.is_whitespace())
            .next()
            .unwrap_or_default()
            .to_string(),
        None => link.to_string(),
    }
}

/// LinkedIn's content type as a [`MediaKind`]: `Image`, `Images`,
/// `Multi-image`, `Photo`, and `Document`/`Carousel` (a PDF shown page by
/// page) are images; `Video`, `Live video` videos; `GIF`; `Article`,
/// `Link`, `Newsletter` link cards; `Poll`; anything else (`Text`,
/// `Celebration`, `Event`, an empty cell) text only.
fn media_kind(s: &str) -> MediaKind {
    match norm(s).as_str() {
        "image" | "images" | "multi image" | "photo" | "document" | "carousel" => MediaKind::Image,
        "video" | "live video" | "live" => MediaKind::Video,
        "gif" => MediaKind::Gif,
        "article" | "link" | "newsletter" => MediaKind::LinkCard,
        "poll" => MediaKind::Poll,
        _ => MediaKind::TextOnly,
    }
}

/// Checks a CTR cell against clicks / impressions, to the decimals written
/// (half a unit in the last written place), read either as a fraction or
/// as a percentage (`2.69%` is always a percentage). Empty cells, and rows
/// without impressions, are not checked.
fn check_ctr(data: &Data, col: &Column, line: u64, clicks: u64, impressions: u64) -> Result<()> {
    if impressions == 0 || matches!(data, Data::Empty) {
        return Ok(());
    }
    let want = clicks as f64 / impressions as f64;
    // (the number as written, whether a `%` follows it)
    let written: Option<(String, bool)> = match data {
        Data::Float(x) => Some((x.to_string(), false)),
        Data::Int(n) => Some((n.to_string(), false)),
        Data::String(s) => {
            let s = s.trim();
            match s.strip_suffix('%') {
                Some(p) => Some((p.trim().to_string(), true)),
                None => Some((s.to_string(), false)),
            }
        }
        _ => None,
    };
    let fits = written.is_some_and(|(number, percent)| {
        let Ok(x) = number.parse::<f64>() else {
            return false;
        };
        let decimals = number
            .split_once('.')
            .map_or(0, |(_, f)| f.len().min(300) as i32);
        let close =
            |value: f64, decimals: i32| (value - want).abs() <= 0.5 * 10f64.powi(-decimals) + 1e-9;
        close(x / 100.0, decimals + 2) || (!percent && close(x, decimals))
    });
    if fits {
        Ok(())
    } else {
        Err(invalid(
            col,
            line,
            data,
            &format!(
                "clicks / impressions = {clicks} / {impressions} = {want:.6} (to the decimals written, as a fraction or a percentage)"
            ),
        ))
    }
}

/// The workbook of `bytes`: .xlsx (a zip) or .xls (an OLE2 compound file),
/// told apart by their first bytes. The spreadsheet reader runs inside
/// `catch_unwind`: should it panic on a corrupt file, that is an
/// [`Error::InvalidWorkbook`] too.
fn open(bytes: &[u8]) -> Result<Sheets<Cursor<&[u8]>>> {
    const ZIP: &[u8] = b"PK\x03\x04";
    const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";
    let failed = |e: &dyn std::fmt::Display| Error::InvalidWorkbook {
        message: e.to_string(),
    };
    guarded(|| {
        if bytes.starts_with(ZIP) {
            open_workbook_from_rs::<Xlsx<_>, _>(Cursor::new(bytes))
                .map(Sheets::Xlsx)
                .map_err(|e| failed(&format_args!("not a readable .xlsx workbook: {e}")))
        } else if bytes.starts_with(OLE2) {
            open_workbook_from_rs::<Xls<_>, _>(Cursor::new(bytes))
                .map(Sheets::Xls)
                .map_err(|e| failed(&format_args!("not a readable .xls workbook: {e}")))
        } else {
            let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(24)]).into();
            Err(failed(&format_args!(
                "not an .xlsx (zip) or .xls (OLE2) file: it starts with {start:?}"
            )))
        }
    })
}

/// `f()`, a panic in it turned into [`Error::InvalidWorkbook`].
fn guarded<T>(f: impl FnOnce() -> Result<T>) -> Result<T> {
    catch_unwind(AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(Error::InvalidWorkbook {
            message: "the spreadsheet reader failed on a corrupt file".to_string(),
        })
    })
}

fn sheet_range(wb: &mut Sheets<Cursor<&[u8]>>, name: &str) -> Result<Range<Data>> {
    guarded(|| {
        wb.worksheet_range(name)
            .map_err(|e| Error::InvalidWorkbook {
                message: format!("sheet {name:?}: {e}"),
            })
    })
}

/// The posts sheet: the one named "All posts" (case and spaces ignored),
/// else the first whose top rows have the header; its name, its cells and
/// its layout.
fn posts_sheet(bytes: &[u8]) -> Result<(String, Range<Data>, Layout)> {
    let mut wb = open(bytes)?;
    let names = wb.sheet_names();
    let in_sheet = |name: &str, e: Error| Error::InSheet {
        sheet: name.to_string(),
        error: Box::new(e),
    };
    if let Some(name) = names.iter().find(|n| norm(n) == norm(SHEET)) {
        let range = sheet_range(&mut wb, name)?;
        return match Layout::find(&range) {
            Some(Ok(layout)) => Ok((name.clone(), range, layout)),
            Some(Err(e)) => Err(in_sheet(name, e)),
            None => Err(in_sheet(
                name,
                Error::HeaderNotFound {
                    columns: vec!["Post link".to_string(), "Impressions".to_string()],
                    rows: HEADER_SEARCH_ROWS,
                },
            )),
        };
    }
    for name in &names {
        let range = sheet_range(&mut wb, name)?;
        match Layout::find(&range) {
            Some(Ok(layout)) => return Ok((name.clone(), range, layout)),
            Some(Err(e)) => return Err(in_sheet(name, e)),
            None => {}
        }
    }
    Err(Error::MissingSheet {
        sheet: SHEET.to_string(),
        sheets: names,
    })
}

/// Reads the "All posts" sheet of a LinkedIn company page's content
/// analytics export (.xlsx or .xls, told apart by content, not by name).
///
/// Each row is a post: its id is the `urn:li:...` in its `Post link` (the
/// link itself if it has none) and its link the `Post link`; its text the
/// `Post title`; its time noon of its `Created date` in
/// [`LinkedInOptions::zone`]; its media the `Content Type` (see below);
/// its counts `Impressions`, `Clicks`, `Likes` (likes), `Comments`
/// (replies), `Reposts`, `Follows` and, as custom outcomes, `views`
/// (`Views (excluding off-site video views)`) and `offsite_views`. Empty
/// count cells are 0. A row whose `Post type` is `Sponsored` holds the
/// post's sponsored (campaign) metrics: they go to
/// [`PostRecord::promoted`] of the same post (its `counts` keep the
/// organic row's, or stay empty for a sponsored-only post), never summed
/// with the organic ones. The same post read again in a row of the same
/// type (an export appended to an overlapping one) keeps the later row, in
/// the place of the first, listed in [`ImportReport::notices`] as a
/// [`NoticeKind::Duplicate`] (`record`: the row). Blank rows are skipped.
///
/// Content types: `Image`, `Images`, `Multi-image`, `Photo`, `Document`
/// and `Carousel` are [`MediaKind::Image`]; `Video` and `Live video`
/// [`MediaKind::Video`]; `GIF` [`MediaKind::Gif`]; `Article`, `Link` and
/// `Newsletter` [`MediaKind::LinkCard`]; `Poll` [`MediaKind::Poll`];
/// anything else (`Text`, `Celebration`, an empty cell)
/// [`MediaKind::TextOnly`].
///
/// The CTR column is derived, not an outcome: with
/// [`LinkedInOptions::check_ctr`] (the default) a non-empty CTR of a row
/// with impressions must equal clicks / impressions to the decimals
/// written (half a unit in the last place), as a fraction (`0.0269`) or a
/// percentage (`2.69`, `2.69%`). `Engagement rate`, `Campaign name`,
/// `Posted by`, the campaign dates and `Audience` are not read.
///
/// Rows (line numbers) are the sheet's 1-based row numbers as a
/// spreadsheet program shows them, columns their 1-based numbers (A = 1).
///
/// # Errors
///
/// In both modes: [`Error::InvalidWorkbook`] if `bytes` is not an .xlsx or
/// .xls workbook or cannot be read (truncated, corrupt; a panic of the
/// spreadsheet reader on a corrupt file is caught and reported so, unless
/// the program is built with `panic = "abort"`);
/// [`Error::MissingSheet`] if no sheet is named "All posts" nor has its
/// header; [`Error::InSheet`] naming the sheet around
/// [`Error::HeaderNotFound`] (no row among the first 20 has the `Post
/// link` and `Impressions` columns) or [`Error::MissingColumn`] (the
/// header lacks `Created date`, `Clicks`, `Likes`, `Comments` or
/// `Reposts`).
///
/// Per row, returned in strict mode and listed in
/// [`ImportReport::skipped`] in lenient mode, each in an
/// [`Error::InSheet`] naming the sheet, and naming the row, the column and
/// the cell: [`Error::NonNumericCount`] (text or a fraction in a count
/// cell), [`Error::NegativeCount`], [`Error::ClicksExceedImpressions`],
/// [`Error::InvalidCell`] (an empty post link, a bad date, a CTR that is
/// not clicks / impressions).
///
/// # Example
///
/// ```
/// use postab::import::{LinkedInOptions, read_linkedin};
/// use postab::post::MediaKind;
///
/// let bytes = std::fs::read("examples/data/linkedin_all_posts.xlsx")?;
/// let report = read_linkedin(&bytes, &LinkedInOptions::strict())?;
/// let post = &report.posts[0];
/// assert_eq!(post.id, "urn:li:activity:7350000000000000001");
/// assert_eq!((post.counts.impressions(), post.counts.clicks()), (1523, 41));
/// assert_eq!(post.posted_at.to_rfc3339(), "2026-07-14T12:00:00+00:00");
/// assert_eq!(post.media, MediaKind::TextOnly);
/// assert_eq!(post.line, 3); // row 1: a description, row 2: the header
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "linkedin")))]
pub fn read_linkedin(bytes: &[u8], options: &LinkedInOptions) -> Result<ImportReport> {
    let (sheet, range, layout) = posts_sheet(bytes)?;
    let first_row = range.start().map_or(0, |(r, _)| u64::from(r));
    let mut report = ImportReport::empty(ExportFormat::LinkedInPosts);
    // Position in `posts` of each id, and which row types it was read from.
    let mut seen: HashMap<String, (usize, bool, bool)> = HashMap::new();
    for (i, row) in range.rows().enumerate().skip(layout.header_row + 1) {
        let blank = |c: &Data| match c {
            Data::Empty => true,
            Data::String(s) => s.trim().is_empty(),
            _ => false,
        };
        if row.iter().all(blank) {
            continue;
        }
        let line = first_row + i as u64 + 1;
        let (id, sponsored, mut post) = match layout.parse_row(row, line, options) {
            Ok(parsed) => parsed,
            Err(e) => {
                let error = Error::InSheet {
                    sheet: sheet.clone(),
                    error: Box::new(e),
                };
                match options.mode {
                    ImportMode::Lenient => {
                        report.skipped.push(SkippedRow { line, error });
                        continue;
                    }
                    _ => return Err(error),
                }
            }
        };
        match seen.get_mut(&id) {
            None => {
                if sponsored {
                    post.promoted = Some(Box::new(std::mem::take(&mut post.counts)));
                }
                seen.insert(id, (report.posts.len(), !sponsored, sponsored));
                report.posts.push(post);
            }
            Some((index, organic_seen, sponsored_seen)) => {
                if (sponsored && *sponsored_seen) || (!sponsored && *organic_seen) {
                    report.notices.push(Notice {
                        kind: NoticeKind::Duplicate,
                        page: 0,
                        record: usize::try_from(line).unwrap_or(usize::MAX),
                        id: Some(id.clone()),
                    });
                }
                let Some(existing) = report.posts.get_mut(*index) else {
                    continue;
                };
                if sponsored {
                    existing.promoted = Some(Box::new(post.counts));
                    *sponsored_seen = true;
                } else {
                    post.promoted = existing.promoted.take();
                    *existing = post;
                    *organic_seen = true;
                }
            }
        }
    }
    Ok(report)
}

/// [`read_linkedin`] from a file.
///
/// # Errors
///
/// [`Error::ReadFailed`] naming the path if it cannot be read; otherwise as
/// [`read_linkedin`].
#[cfg_attr(docsrs, doc(cfg(feature = "linkedin")))]
pub fn read_linkedin_path(
    path: impl AsRef<Path>,
    options: &LinkedInOptions,
) -> Result<ImportReport> {
    let (_, bytes) = super::read_named(path.as_ref())?;
    read_linkedin(&bytes, options)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_compare_loosely() {
        assert_eq!(
            norm("  Click-Through  Rate (CTR) "),
            "click through rate (ctr)"
        );
        assert_eq!(
            norm("Click through rate (CTR)"),
            norm("click_through rate (ctr)")
        );
    }

    #[test]
    fn ids_are_urns() {
        assert_eq!(
            post_id(
                "https://www.linkedin.com/feed/update/urn:li:activity:7350000000000000001/?x=1"
            ),
            "urn:li:activity:7350000000000000001"
        );
        assert_eq!(post_id("urn:li:share:42"), "urn:li:share:42");
        assert_eq!(post_id("https://lnkd.in/abc"), "https://lnkd.in/abc");
    }

    #[test]
    fn dates_and_noon() {
        let d = NaiveDate::from_ymd_opt(2026, 7, 4);
        assert_eq!(created_date(&Data::String("7/4/2026".into())), d);
        assert_eq!(created_date(&Data::String("07/04/2026".into())), d);
        assert_eq!(created_date(&Data::String("2026-07-04".into())), d);
        assert_eq!(created_date(&Data::String("13/04/2026".into())), None);
        assert_eq!(created_date(&Data::Float(46207.0)), None);
        let d = NaiveDate::from_ymd_opt(2026, 7, 4).unwrap_or_default();
        let ny = noon(d, chrono_tz::America::New_York);
        assert_eq!(ny.to_rfc3339(), "2026-07-04T16:00:00+00:00");
        assert_eq!(noon(d, Tz::UTC).to_rfc3339(), "2026-07-04T12:00:00+00:00");
    }

    #[test]
    fn ctr_to_the_decimals_written() {
        let col = Column {
            index: 0,
            number: 14,
            header: "Click through rate (CTR)".into(),
            role: Role::Ctr,
        };
        let ok = |d: Data| check_ctr(&d, &col, 3, 41, 1523).is_ok();
        assert!(ok(Data::Float(41.0 / 1523.0)));
        assert!(ok(Data::Float(0.027)));
        assert!(ok(Data::Float(0.0269)));
        assert!(ok(Data::Float(2.69)));
        assert!(ok(Data::String("2.69%".into())));
        assert!(ok(Data::String(" 0.03 ".into())));
        assert!(ok(Data::Empty));
        assert!(!ok(Data::Float(0.028)));
        assert!(!ok(Data::Float(0.0268)));
        assert!(!ok(Data::String("0.0269%".into())));
        assert!(!ok(Data::String("n/a".into())));
        assert!(!ok(Data::Bool(true)));
        assert!(check_ctr(&Data::Float(0.5), &col, 3, 0, 0).is_ok());
    }

    #[test]
    fn content_types() {
        assert_eq!(media_kind("Multi-image"), MediaKind::Image);
        assert_eq!(media_kind(" VIDEO "), MediaKind::Video);
        assert_eq!(media_kind("Article"), MediaKind::LinkCard);
        assert_eq!(media_kind("Poll"), MediaKind::Poll);
        assert_eq!(media_kind("Text"), MediaKind::TextOnly);
        assert_eq!(media_kind(""), MediaKind::TextOnly);
    }
}
