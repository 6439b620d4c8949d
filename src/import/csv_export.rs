//! Reading X/Twitter analytics exports (CSV) into
//! [`PostRecord`](super::PostRecord)s.

use std::borrow::Cow;
use std::collections::HashMap;
use std::collections::hash_map::Entry;
use std::hash::Hash;
use std::io;
use std::path::Path;

use chrono::{DateTime, Datelike, NaiveDate, Utc};
use csv::{ByteRecord, ReaderBuilder};

use super::count::{parse_count_text, plain_digits};
use super::record::{
    ExportFormat, ImportMode, ImportReport, Notice, NoticeKind, Platform, PostRecord, SkippedRow,
};
use super::snowflake::snowflake_time;
use crate::counts::OutcomeKeys;
use crate::{Counts, Error, Result};

/// What a column holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Id,
    Text,
    /// `2020-02-04 19:19 +0000`.
    Time,
    /// `Tue, Jul 14, 2026`.
    Date,
    Link,
    /// An organic count: index into the format's outcome list.
    Count(usize),
    /// A promoted count: index into the format's outcome list.
    Promoted(usize),
    /// A derived column (engagement rate): not read.
    Ignored,
}

/// A column a format knows: header, role, required?
type ColumnSpec = (&'static str, Role, bool);

/// The outcome names of a format's count columns (built-in names map to the
/// built-in kinds, the rest become custom outcomes).
const TWEET_ACTIVITY_OUTCOMES: [&str; 17] = [
    "impressions",
    "engagements",
    "reposts",
    "replies",
    "likes",
    "profile_visits",
    "clicks",
    "hashtag_clicks",
    "detail_expands",
    "permalink_clicks",
    "app_opens",
    "app_installs",
    "follows",
    "email_tweet",
    "dial_phone",
    "media_views",
    "media_engagements",
];

const TWEET_ACTIVITY_COLUMNS: [ColumnSpec; 40] = [
    ("Tweet id", Role::Id, true),
    ("Tweet permalink", Role::Link, false),
    ("Tweet text", Role::Text, true),
    ("time", Role::Time, true),
    ("impressions", Role::Count(0), true),
    ("engagements", Role::Count(1), true),
    ("engagement rate", Role::Ignored, false),
    ("retweets", Role::Count(2), true),
    ("replies", Role::Count(3), true),
    ("likes", Role::Count(4), true),
    ("user profile clicks", Role::Count(5), false),
    ("url clicks", Role::Count(6), true),
    ("hashtag clicks", Role::Count(7), false),
    ("detail expands", Role::Count(8), false),
    ("permalink clicks", Role::Count(9), false),
    ("app opens", Role::Count(10), false),
    ("app installs", Role::Count(11), false),
    ("follows", Role::Count(12), false),
    ("email tweet", Role::Count(13), false),
    ("dial phone", Role::Count(14), false),
    ("media views", Role::Count(15), false),
    ("media engagements", Role::Count(16), false),
    ("promoted impressions", Role::Promoted(0), false),
    ("promoted engagements", Role::Promoted(1), false),
    ("promoted engagement rate", Role::Ignored, false),
    ("promoted retweets", Role::Promoted(2), false),
    ("promoted replies", Role::Promoted(3), false),
    ("promoted likes", Role::Promoted(4), false),
    ("promoted user profile clicks", Role::Promoted(5), false),
    ("promoted url clicks", Role::Promoted(6), false),
    ("promoted hashtag clicks", Role::Promoted(7), false),
    ("promoted detail expands", Role::Promoted(8), false),
    ("promoted permalink clicks", Role::Promoted(9), false),
    ("promoted app opens", Role::Promoted(10), false),
    ("promoted app installs", Role::Promoted(11), false),
    ("promoted follows", Role::Promoted(12), false),
    ("promoted email tweet", Role::Promoted(13), false),
    ("promoted dial phone", Role::Promoted(14), false),
    ("promoted media views", Role::Promoted(15), false),
    ("promoted media engagements", Role::Promoted(16), false),
];

const ACCOUNT_CONTENT_OUTCOMES: [&str; 13] = [
    "impressions",
    "likes",
    "engagements",
    "bookmarks",
    "shares",
    "follows",
    "replies",
    "reposts",
    "profile_visits",
    "detail_expands",
    "clicks",
    "hashtag_clicks",
    "permalink_clicks",
];

const ACCOUNT_CONTENT_COLUMNS: [ColumnSpec; 17] = [
    ("Post id", Role::Id, true),
    ("Date", Role::Date, true),
    ("Post text", Role::Text, true),
    ("Post Link", Role::Link, false),
    ("Impressions", Role::Count(0), true),
    ("Likes", Role::Count(1), true),
    ("Engagements", Role::Count(2), true),
    ("Bookmarks", Role::Count(3), false),
    ("Shares", Role::Count(4), false),
    ("New follows", Role::Count(5), false),
    ("Replies", Role::Count(6), true),
    ("Reposts", Role::Count(7), true),
    ("Profile visits", Role::Count(8), false),
    ("Detail Expands", Role::Count(9), false),
    ("URL Clicks", Role::Count(10), true),
    ("Hashtag Clicks", Role::Count(11), false),
    ("Permalink Clicks", Role::Count(12), false),
];

/// Index of `impressions` and `clicks` in both outcome lists.
const IMPRESSIONS: usize = 0;

impl ExportFormat {
    fn columns(self) -> &'static [ColumnSpec] {
        match self {
            ExportFormat::TweetActivity => &TWEET_ACTIVITY_COLUMNS,
            ExportFormat::AccountContent => &ACCOUNT_CONTENT_COLUMNS,
            _ => &[],
        }
    }

    /// Whether the format has `promoted ...` columns.
    pub(super) fn has_promoted(self) -> bool {
        self.columns()
            .iter()
            .any(|&(_, role, _)| matches!(role, Role::Promoted(_)))
    }

    pub(super) fn outcome_names(self) -> &'static [&'static str] {
        match self {
            ExportFormat::TweetActivity => &TWEET_ACTIVITY_OUTCOMES,
            ExportFormat::AccountContent => &ACCOUNT_CONTENT_OUTCOMES,
            _ => &[],
        }
    }

    /// The format whose id column is in `header`.
    pub(super) fn detect(header: &ByteRecord) -> Option<ExportFormat> {
        let has = |name: &str| header.iter().any(|h| same_header(h, name));
        if has("Tweet id") {
            Some(ExportFormat::TweetActivity)
        } else if has("Post id") {
            Some(ExportFormat::AccountContent)
        } else {
            None
        }
    }
}

/// Header comparison: trimmed, ASCII case ignored, a UTF-8 BOM ignored.
fn same_header(cell: &[u8], name: &str) -> bool {
    let cell = cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell);
    cell.trim_ascii().eq_ignore_ascii_case(name.as_bytes())
}

/// A column present in the file.
#[derive(Debug, Clone, Copy)]
struct Column {
    index: usize,
    role: Role,
    name: &'static str,
}

impl Column {
    fn at(&self) -> At<'static> {
        At {
            name: self.name,
            index: self.index,
        }
    }
}

/// Where a cell is, as errors name it: the column's header and its 0-based
/// index (errors show it 1-based).
#[derive(Debug, Clone, Copy)]
pub(super) struct At<'a> {
    pub(super) name: &'a str,
    pub(super) index: usize,
}

/// The most count columns of one reach a format has (tweet activity: 17).
pub(super) const MAX_OUTCOMES: usize = 17;

/// One row of an export, its text and link borrowed from the row.
pub(super) struct Row<'r> {
    pub(super) id: u64,
    pub(super) posted_at: DateTime<Utc>,
    pub(super) text: &'r str,
    /// Trimmed; empty when there is none.
    pub(super) link: &'r str,
    /// The organic counts in the order of the format's outcomes.
    pub(super) organic: [u64; MAX_OUTCOMES],
    /// The promoted counts likewise, if the post was promoted.
    pub(super) promoted: Option<[u64; MAX_OUTCOMES]>,
}

/// The counts `values` (a row's organic or promoted counts) of a format
/// whose outcomes are `keys`.
pub(super) fn row_counts(keys: &OutcomeKeys, values: &[u64]) -> Counts {
    // Each outcome of a format has one column (a test checks it), so no sum
    // can overflow.
    Counts::from_keys(keys, values).unwrap_or_default()
}

/// The columns of one file, resolved from its header.
pub(super) struct Layout {
    columns: Vec<Column>,
    width: usize,
    /// Position in `columns` of the clicks count column.
    clicks: Option<usize>,
    /// The last `Date` cell read and its date: exports list many posts a
    /// day, each row then skips the date parser.
    last_date: Option<(LastDate, NaiveDate)>,
}

/// A `Date` cell (at most 17 bytes: `Tue, Jul 14, 2026`) kept by value.
type LastDate = ([u8; 17], usize);

impl Layout {
    pub(super) fn new(format: ExportFormat, header: &ByteRecord) -> Result<Self> {
        let mut columns = Vec::new();
        for &(name, role, required) in format.columns() {
            match header.iter().position(|h| same_header(h, name)) {
                Some(index) => columns.push(Column { index, role, name }),
                None if required => {
                    return Err(Error::MissingColumn {
                        column: name.to_string(),
                        format: format.to_string(),
                    });
                }
                None => {}
            }
        }
        let clicks = columns.iter().position(|c| {
            matches!(c.role, Role::Count(k) if format.outcome_names().get(k) == Some(&"clicks"))
        });
        Ok(Layout {
            columns,
            width: header.len(),
            clicks,
            last_date: None,
        })
    }

    /// The date of a `Date` cell (trimmed), from the last row's when the
    /// cell is the same.
    fn date(&mut self, cell: &[u8], col: At<'_>, line: u64) -> Result<NaiveDate> {
        if let Some(((bytes, len), date)) = &self.last_date
            && bytes.get(..*len) == Some(cell)
        {
            return Ok(*date);
        }
        let date = match fast_date(cell) {
            Some(d) => d,
            None => {
                let s = utf8(cell, col, line)?;
                slow_date(s)
                    .ok_or_else(|| invalid(col, line, s, "a date like \"Tue, Jul 14, 2026\""))?
            }
        };
        let mut bytes = [0u8; 17];
        if let Some(slot) = bytes.get_mut(..cell.len()) {
            slot.copy_from_slice(cell);
            self.last_date = Some(((bytes, cell.len()), date));
        }
        Ok(date)
    }

    /// The post of `row`, its text and link borrowed from the row.
    pub(super) fn parse_row<'r>(&mut self, row: &'r ByteRecord, line: u64) -> Result<Row<'r>> {
        if row.len() != self.width {
            return Err(Error::MalformedCsv {
                line: Some(line),
                message: format!(
                    "the row has {} fields, the header {}",
                    row.len(),
                    self.width
                ),
            });
        }
        let mut id = None;
        let mut text = "";
        let mut time = None;
        let mut date = None;
        let mut link = "";
        let mut any_promoted = false;
        let mut organic = [0u64; MAX_OUTCOMES];
        let mut promoted = [0u64; MAX_OUTCOMES];
        for i in 0..self.columns.len() {
            let col = self.columns[i];
            let cell = row.get(col.index).unwrap_or_default();
            match col.role {
                Role::Id => {
                    id = Some(match plain_digits(cell) {
                        Some(n) => n,
                        None => {
                            let s = utf8(cell, col.at(), line)?.trim();
                            s.parse::<u64>()
                                .map_err(|_| invalid(col.at(), line, s, "a numeric post id"))?
                        }
                    });
                }
                Role::Text => text = utf8(cell, col.at(), line)?,
                Role::Link => link = utf8(cell, col.at(), line)?.trim(),
                Role::Time => {
                    let cell = cell.trim_ascii();
                    time = Some(match fast_time(cell) {
                        Some(t) => t,
                        None => {
                            let s = utf8(cell, col.at(), line)?;
                            DateTime::parse_from_str(s, "%Y-%m-%d %H:%M %z")
                                .map(|t| t.with_timezone(&Utc))
                                .map_err(|_| {
                                    invalid(
                                        col.at(),
                                        line,
                                        s,
                                        "a time like \"2020-02-04 19:19 +0000\"",
                                    )
                                })?
                        }
                    });
                }
                Role::Date => {
                    let cell = cell.trim_ascii();
                    date = Some((self.date(cell, col.at(), line)?, cell));
                }
                Role::Count(k) => {
                    let n = parse_count(cell, col.at(), line)?.unwrap_or(0);
                    if let Some(slot) = organic.get_mut(k) {
                        *slot = n;
                    }
                }
                Role::Promoted(k) => {
                    if let Some(n) = parse_count(cell, col.at(), line)? {
                        any_promoted = true;
                        if let Some(slot) = promoted.get_mut(k) {
                            *slot = n;
                        }
                    }
                }
                Role::Ignored => {}
            }
        }
        self.check_clicks(&organic, line, "")?;
        if any_promoted {
            self.check_clicks(&promoted, line, "promoted ")?;
        }
        let id_col = self.column(Role::Id);
        let id = id.ok_or_else(|| invalid(id_col.at(), line, "", "a numeric post id"))?;
        let posted_at = match (time, date) {
            (Some(t), _) => t,
            (None, date) => self.time_from_id(id, date, line)?,
        };
        Ok(Row {
            id,
            posted_at,
            text,
            link,
            organic,
            promoted: any_promoted.then_some(promoted),
        })
    }

    fn column(&self, role: Role) -> Column {
        self.columns
            .iter()
            .copied()
            .find(|c| c.role == role)
            .unwrap_or(Column {
                index: 0,
                role,
                name: "?",
            })
    }

    /// The snowflake time of `id`, checked against the `Date` column (the
    /// export's date is local to the account, so one day either way is
    /// fine). A disagreement names the `Date` column, with the date and the
    /// id's time.
    fn time_from_id(
        &self,
        id: u64,
        date: Option<(NaiveDate, &[u8])>,
        line: u64,
    ) -> Result<DateTime<Utc>> {
        let Some(at) = snowflake_time(id) else {
            let id_col = self.column(Role::Id);
            return Err(invalid(
                id_col.at(),
                line,
                &id.to_string(),
                "a snowflake id with a time",
            ));
        };
        match date {
            Some((date, _))
                if (at.date_naive().num_days_from_ce() - date.num_days_from_ce()).abs() <= 1 =>
            {
                Ok(at)
            }
            Some((_, cell)) => Err(invalid(
                self.column(Role::Date).at(),
                line,
                &String::from_utf8_lossy(cell),
                &format!(
                    "within a day of the time of post id {id} ({})",
                    at.format("%Y-%m-%d %H:%M UTC")
                ),
            )),
            None => Ok(at),
        }
    }

    fn check_clicks(&self, values: &[u64; MAX_OUTCOMES], line: u64, prefix: &str) -> Result<()> {
        let Some(pos) = self.clicks else {
            return Ok(());
        };
        let Some(col) = self.columns.get(pos) else {
            return Ok(());
        };
        let k = match col.role {
            Role::Count(k) => k,
            _ => return Ok(()),
        };
        let (clicks, impressions) = (values[k], values[IMPRESSIONS]);
        if clicks > impressions {
            return Err(Error::ClicksExceedImpressions {
                line,
                column: format!("{prefix}{}", col.name),
                column_number: col.index + 1,
                clicks,
                impressions,
            });
        }
        Ok(())
    }
}

/// `2020-02-04 19:19 +0000` without the general parser (`None`: use it).
fn fast_time(s: &[u8]) -> Option<DateTime<Utc>> {
    if s.len() != 22
        || s[4] != b'-'
        || s[7] != b'-'
        || s[10] != b' '
        || s[13] != b':'
        || s[16] != b' '
    {
        return None;
    }
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)?.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let sign = match s[17] {
        b'+' => 1,
        b'-' => -1,
        _ => return None,
    };
    let date = NaiveDate::from_ymd_opt(i32::try_from(num(0..4)?).ok()?, num(5..7)?, num(8..10)?)?;
    let local = date.and_hms_opt(num(11..13)?, num(14..16)?, 0)?;
    let offset = sign * i64::from(num(18..20)? * 3600 + num(20..22)? * 60);
    Some(local.and_utc() - chrono::Duration::seconds(offset))
}

/// `Tue, Jul 14, 2026` or `Mon, Nov 2, 2026` (real exports write one-digit
/// days) without the general parser (`None`: use it, which also reports a
/// weekday that does not match the date).
fn fast_date(s: &[u8]) -> Option<NaiveDate> {
    const MONTHS: [&[u8; 3]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    const DAYS: [&[u8; 3]; 7] = [b"Mon", b"Tue", b"Wed", b"Thu", b"Fri", b"Sat", b"Sun"];
    // The day's digits: 1 (length 16) or 2 (length 17).
    let d = match s.len() {
        16 => 1,
        17 => 2,
        _ => return None,
    };
    if &s[3..5] != b", " || s[8] != b' ' || &s[9 + d..11 + d] != b", " {
        return None;
    }
    let month = MONTHS.iter().position(|m| m[..] == s[5..8])? as u32 + 1;
    let num = |r: std::ops::Range<usize>| -> Option<u32> {
        s.get(r)?.iter().try_fold(0u32, |acc, &b| {
            b.is_ascii_digit().then(|| acc * 10 + u32::from(b - b'0'))
        })
    };
    let year = i32::try_from(num(11 + d..15 + d)?).ok()?;
    let date = NaiveDate::from_ymd_opt(year, month, num(9..9 + d)?)?;
    let weekday = date.weekday().num_days_from_monday() as usize;
    (DAYS.get(weekday).map(|d| &d[..]) == Some(&s[0..3])).then_some(date)
}

/// The general parser of the `Date` column (either day form).
fn slow_date(s: &str) -> Option<NaiveDate> {
    NaiveDate::parse_from_str(s, "%a, %b %d, %Y").ok()
}

/// A cell as UTF-8 text.
pub(super) fn utf8<'c>(cell: &'c [u8], col: At<'_>, line: u64) -> Result<&'c str> {
    std::str::from_utf8(cell)
        .map_err(|_| invalid(col, line, &String::from_utf8_lossy(cell), "valid UTF-8"))
}

/// [`Error::InvalidCell`] for the cell `value` at `col` of `line`.
pub(super) fn invalid(col: At<'_>, line: u64, value: &str, expected: &str) -> Error {
    Error::InvalidCell {
        line,
        column: col.name.to_string(),
        column_number: col.index + 1,
        value: value.to_string(),
        expected: expected.to_string(),
    }
}

/// A count cell: `1376`, `1376.0` (any zero fraction), or `-`/empty for
/// "not reported" (`None`).
#[inline]
pub(super) fn parse_count(cell: &[u8], col: At<'_>, line: u64) -> Result<Option<u64>> {
    parse_count_text(cell).map_err(|bad| {
        bad.at(
            line,
            col.name,
            col.index + 1,
            String::from_utf8_lossy(cell).into_owned(),
        )
    })
}

/// Reads an analytics export of either format (detected from the header).
///
/// Quoted cells may span lines; lines may end in LF or CRLF (line numbers
/// are counted from the file's own line breaks, quoted ones included); a
/// UTF-8 byte-order mark is ignored and a UTF-16 file (LE or BE, with its
/// byte-order mark) is decoded; a semicolon-separated file is read as such
/// when its header, split on `;` (and not on `,`), is an export's (a count
/// written with a decimal comma is still an error naming the cell); counts
/// may be written `1376.0`; a count cell of `-` or empty means "not
/// reported" (0; and a post is promoted only if some `promoted ...` cell is
/// neither). Header names are matched ignoring ASCII case and surrounding
/// spaces, in any column order; extra columns are ignored.
///
/// A post id read again (an export appended to an overlapping one) keeps
/// the later row, in the place of the first, and is listed in
/// [`ImportReport::notices`] as a
/// [`NoticeKind::Duplicate`](super::NoticeKind::Duplicate) whose `page` is
/// the file (0 here) and whose `record` is the line of the later row, as
/// the JSON readers do: nothing is counted twice. [`ExportTable`](super::ExportTable)
/// reads the same rows into columns, faster.
///
/// # Errors
///
/// In both modes: [`Error::UnrecognizedHeader`] if the header has neither
/// `Tweet id` nor `Post id` (listing its columns); [`Error::MissingColumn`] for a required column
/// (tweet activity: `Tweet id`, `Tweet text`, `time`, `impressions`,
/// `engagements`, `retweets`, `replies`, `likes`, `url clicks`; account
/// content: `Post id`, `Date`, `Post text`, `Impressions`, `Likes`,
/// `Engagements`, `Replies`, `Reposts`, `URL Clicks`);
/// [`Error::MalformedCsv`] for an empty input, invalid UTF-16 or an I/O
/// failure.
///
/// Per row, returned in strict mode and listed in
/// [`ImportReport::skipped`] in lenient mode, each naming the line, the
/// column and the cell: [`Error::NonNumericCount`],
/// [`Error::NegativeCount`], [`Error::ClicksExceedImpressions`] (URL
/// clicks above impressions, organic or promoted), [`Error::InvalidCell`]
/// (bad id, time, date, invalid UTF-8, or an account-content id whose
/// snowflake time is more than a day from its `Date`, naming the `Date`
/// column), and
/// [`Error::MalformedCsv`] (wrong number of fields, bad quoting).
///
/// # Example
///
/// ```
/// use postab::import::{read_export, ExportFormat, ImportMode};
///
/// let csv = "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,retweets,replies,likes,user profile clicks,url clicks,hashtag clicks,detail expands,permalink clicks,app opens,app installs,follows,email tweet,dial phone,media views,media engagements
/// 1224792473470418944,https://x.com/a/status/1224792473470418944,\"Two lines,
/// one post\",2020-02-04 19:19 +0000,1376.0,40.0,0.029,3.0,1.0,12.0,2.0,9.0,0,5,0,0,0,1,0,0,0,0
/// ";
/// let report = read_export(csv.as_bytes(), ImportMode::Strict)?;
/// assert_eq!(report.format, ExportFormat::TweetActivity);
/// let post = &report.posts[0];
/// assert_eq!((post.counts.impressions(), post.counts.clicks()), (1376, 9));
/// assert_eq!(post.text, "Two lines,\none post");
/// assert_eq!(post.line, 2);
/// # Ok::<(), postab::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_export<R: io::Read>(reader: R, mode: ImportMode) -> Result<ImportReport> {
    read_one(Cow::Owned(read_all(reader)?), mode)
}

/// One export, owned or borrowed.
fn read_one(bytes: Cow<'_, [u8]>, mode: ImportMode) -> Result<ImportReport> {
    let mut collector = Collector::<u64>::new(mode);
    collector.read_file(&decode(bytes)?, 0)?;
    Ok(collector.finish())
}

/// Several exports read as one (exports appended over time, overlapping):
/// the posts of all files, a post id read again keeping the later snapshot
/// (the later row, the later file) in the place of the first and listed in
/// [`ImportReport::notices`] as a
/// [`NoticeKind::Duplicate`](super::NoticeKind::Duplicate) (`page`: the
/// file's 0-based index, `record`: the line of the later row). Each post's
/// [`PostRecord::page`](super::PostRecord::page) is the index of the file
/// it was read from.
///
/// # Errors
///
/// As [`read_export`], each wrapped in [`Error::InFile`] naming the file
/// (`file i`), also in [`ImportReport::skipped`]; [`Error::InFile`] around
/// [`Error::MalformedCsv`] if a file is of the other X format than the
/// first; [`Error::MalformedCsv`] if `files` is empty.
///
/// # Example
///
/// ```
/// use postab::import::{read_exports, ImportMode, NoticeKind};
///
/// let header = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks";
/// let july = format!("{header}\n2076939755320246272,\"Tue, Jul 14, 2026\",Hi #q,,1000,5,40,0,0,0,1,2,3,4,30,0,0\n");
/// let august = format!("{header}\n2076939755320246272,\"Tue, Jul 14, 2026\",Hi #q,,1500,7,60,0,0,0,1,2,3,4,45,0,0\n");
/// let report = read_exports(&[july, august], ImportMode::Strict)?;
/// assert_eq!(report.posts.len(), 1);
/// assert_eq!(report.posts[0].counts.impressions(), 1500);
/// assert_eq!(report.notice_count(NoticeKind::Duplicate), 1);
/// assert_eq!((report.notices[0].page, report.notices[0].record), (1, 2));
/// # Ok::<(), postab::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_exports<S: AsRef<[u8]>>(files: &[S], mode: ImportMode) -> Result<ImportReport> {
    read_many(
        files
            .iter()
            .enumerate()
            .map(|(i, f)| Ok((format!("file {i}"), Cow::Borrowed(f.as_ref())))),
        mode,
    )
}

/// [`read_exports`] from files, file `i` being `paths[i]` (errors name the
/// path).
///
/// # Errors
///
/// [`Error::ReadFailed`] naming the path if one cannot be read; otherwise
/// as [`read_exports`], naming the path.
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_export_paths<P: AsRef<Path>>(paths: &[P], mode: ImportMode) -> Result<ImportReport> {
    read_many(
        paths
            .iter()
            .map(|p| super::read_named(p.as_ref()).map(|(n, b)| (n, Cow::Owned(b)))),
        mode,
    )
}

fn read_many<'a>(
    files: impl Iterator<Item = Result<(String, Cow<'a, [u8]>)>>,
    mode: ImportMode,
) -> Result<ImportReport> {
    let mut collector = Collector::<u64>::new(mode);
    read_files(files, &mut collector, |c, name, data, i| {
        c.set_file_name(name);
        c.read_file(data, i)
    })?;
    Ok(collector.finish())
}

/// Reads files one after another into `state` with `read(state, name,
/// data, i)` (errors wrapped in [`Error::InFile`] naming the file).
pub(super) fn read_files<'a, T>(
    files: impl Iterator<Item = Result<(String, Cow<'a, [u8]>)>>,
    state: &mut T,
    mut read: impl FnMut(&mut T, &str, &[u8], usize) -> Result<()>,
) -> Result<()> {
    let mut any = false;
    for (i, file) in files.enumerate() {
        any = true;
        let (name, bytes) = file?;
        decode(bytes)
            .and_then(|data| read(state, &name, &data, i))
            .map_err(|e| Error::InFile {
                file: name.clone(),
                error: Box::new(e),
            })?;
    }
    if !any {
        return Err(Error::MalformedCsv {
            line: None,
            message: "no files given".to_string(),
        });
    }
    Ok(())
}

/// All of `reader`'s bytes (an I/O failure as [`Error::MalformedCsv`]),
/// for [`decode`].
pub(super) fn read_all<R: io::Read>(mut reader: R) -> Result<Vec<u8>> {
    let mut bytes = Vec::new();
    reader
        .read_to_end(&mut bytes)
        .map_err(|e| Error::MalformedCsv {
            line: None,
            message: e.to_string(),
        })?;
    Ok(bytes)
}

/// The bytes of a file as UTF-8: a UTF-8 byte-order mark dropped, UTF-16
/// (with its byte-order mark) decoded; borrowed bytes stay borrowed unless
/// they are UTF-16.
pub(super) fn decode(bytes: Cow<'_, [u8]>) -> Result<Cow<'_, [u8]>> {
    let big_endian = match bytes.get(..2) {
        Some([0xFF, 0xFE]) => false,
        Some([0xFE, 0xFF]) => true,
        _ => {
            return Ok(match bytes {
                Cow::Borrowed(b) => Cow::Borrowed(b.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(b)),
                Cow::Owned(mut b) => {
                    if b.starts_with(b"\xEF\xBB\xBF") {
                        b.drain(..3);
                    }
                    Cow::Owned(b)
                }
            });
        }
    };
    let units = bytes[2..].chunks(2).map(|c| match (c, big_endian) {
        ([a, b], false) => u16::from_le_bytes([*a, *b]),
        ([a, b], true) => u16::from_be_bytes([*a, *b]),
        _ => 0xDC00, // an odd trailing byte: a lone surrogate, reported below
    });
    char::decode_utf16(units)
        .collect::<std::result::Result<String, _>>()
        .map(|text| Cow::Owned(text.into_bytes()))
        .map_err(|e| Error::MalformedCsv {
            line: None,
            message: format!(
                "invalid UTF-16 ({}-endian byte-order mark): {e}",
                if big_endian { "big" } else { "little" }
            ),
        })
}

/// The line numbers of record starts met in increasing byte order, from
/// one pass over the file's line breaks (LF, CRLF and lone CR each end a
/// line, quoted ones included).
struct LineCounter<'a> {
    data: &'a [u8],
    /// The line breaks (`\r` or `\n` bytes) not yet counted.
    breaks: memchr::Memchr2<'a>,
    /// The first of them, if any.
    next: Option<usize>,
    /// The line of the last start asked for.
    line: u64,
    /// That start.
    at: usize,
}

impl<'a> LineCounter<'a> {
    /// Counting from the start of `data`, which is on line `first`.
    fn new(data: &'a [u8], first: u64) -> Self {
        let mut breaks = memchr::memchr2_iter(b'\n', b'\r', data);
        let next = breaks.next();
        LineCounter {
            data,
            breaks,
            next,
            line: first,
            at: 0,
        }
    }

    /// The line of a record starting at byte `start` (`None`: where the
    /// last one did), past any blank lines before it. Starts must not
    /// decrease.
    fn line_at(&mut self, start: Option<usize>) -> u64 {
        let mut start = start.unwrap_or(self.at).clamp(self.at, self.data.len());
        while matches!(self.data.get(start), Some(b'\n' | b'\r')) {
            start += 1;
        }
        while let Some(p) = self.next.filter(|&p| p < start) {
            // A CRLF is counted at its CR.
            if !(self.data[p] == b'\n' && p > 0 && self.data[p - 1] == b'\r') {
                self.line += 1;
            }
            self.next = self.breaks.next();
        }
        self.at = start;
        self.line
    }
}

/// Lines ended in `seg`: LF, CRLF and lone CR each end one (the
/// [`LineCounter`]'s rule, over the whole segment).
pub(super) fn line_breaks(seg: &[u8]) -> u64 {
    LineCounter::new(seg, 0).line_at(Some(seg.len()))
}

/// A hasher for post ids (snowflakes, whose low bits are a sequence
/// number): one multiply, no per-lookup SipHash.
#[derive(Default)]
pub(super) struct IdHasher(u64);

impl std::hash::Hasher for IdHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = (self.0.rotate_left(5) ^ u64::from(b)).wrapping_mul(0x51_7C_C1_B7_27_22_0A_95);
        }
    }

    fn write_u64(&mut self, n: u64) {
        self.0 = (n ^ (n >> 29)).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    }
}

pub(super) type IdMap<K> = HashMap<K, usize, std::hash::BuildHasherDefault<IdHasher>>;

/// Where a row's error goes: returned in strict mode, listed (wrapped in
/// the file's name when several files are read) in lenient mode.
pub(super) struct Skips {
    mode: ImportMode,
    /// The file's name when several are read.
    pub(super) file_name: Option<String>,
    /// The rows skipped so far.
    pub(super) rows: Vec<SkippedRow>,
}

impl Skips {
    pub(super) fn new(mode: ImportMode) -> Self {
        Skips {
            mode,
            file_name: None,
            rows: Vec::new(),
        }
    }

    /// `e` back in strict mode; listed in lenient mode.
    fn skip(&mut self, e: Error) -> Result<()> {
        if self.mode != ImportMode::Lenient {
            return Err(e);
        }
        let line = error_line(&e);
        let error = match &self.file_name {
            Some(file) => Error::InFile {
                file: file.clone(),
                error: Box::new(e),
            },
            None => e,
        };
        self.rows.push(SkippedRow { line, error });
        Ok(())
    }
}

/// An upper bound on the rows of `data` (its LF bytes, counted quickly), to
/// reserve room for them: no regrowth (moving every post read so far) and
/// no rehashing of the ids.
pub(super) fn row_bound(data: &[u8]) -> usize {
    memchr::memchr_iter(b'\n', data).count() + 1
}

/// Reads the rows of `data`, which starts with the header record (on line
/// `header_line` of the file), calling `each(row, line)` for each; an error
/// (a malformed row, or `each`'s) goes to `skips`. Blank lines are
/// skipped; line numbers are the file's own (LF, CRLF and lone CR each end
/// a line, quoted ones included): the `csv` crate's are one too low after
/// CRLF line breaks.
pub(super) fn each_row(
    data: &[u8],
    delimiter: u8,
    header_line: u64,
    skips: &mut Skips,
    mut each: impl FnMut(&ByteRecord, u64) -> Result<()>,
) -> Result<()> {
    let mut rdr = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(data);
    let mut row = ByteRecord::new();
    // The header, read again to start the rows after it.
    if let Err(e) = rdr.read_byte_record(&mut row) {
        return Err(csv_error(&e, Some(header_line)));
    }
    let mut lines = LineCounter::new(data, header_line);
    let mut line_at = |byte: Option<u64>| -> u64 {
        lines.line_at(byte.map(|b| usize::try_from(b).unwrap_or(usize::MAX)))
    };
    loop {
        let result = match rdr.read_byte_record(&mut row) {
            Ok(false) => return Ok(()),
            Ok(true) => {
                let line = line_at(row.position().map(csv::Position::byte));
                if row.len() == 1 && row.get(0).is_some_and(|c| c.trim_ascii().is_empty()) {
                    continue; // a blank line
                }
                each(&row, line)
            }
            Err(e) => {
                let line = line_at(e.position().map(csv::Position::byte));
                if let csv::ErrorKind::Io(_) = e.kind() {
                    return Err(csv_error(&e, Some(line)));
                }
                Err(csv_error(&e, Some(line)))
            }
        };
        if let Err(e) = result {
            skips.skip(e)?;
        }
    }
}

/// The posts of one or more files as records, a post read again replacing
/// the earlier snapshot in its place: keyed by `K` (a numeric X id, or a
/// mapped CSV's id text).
pub(super) struct Collector<K> {
    pub(super) format: Option<ExportFormat>,
    posts: Vec<PostRecord>,
    /// Position in `posts` of each id read.
    index: IdMap<K>,
    notices: Vec<Notice>,
    skips: Skips,
}

impl<K: Hash + Eq> Collector<K> {
    pub(super) fn new(mode: ImportMode) -> Self {
        Collector {
            format: None,
            posts: Vec::new(),
            index: IdMap::default(),
            notices: Vec::new(),
            skips: Skips::new(mode),
        }
    }

    /// The files that follow are one of several read as one, this one
    /// named `name`.
    pub(super) fn set_file_name(&mut self, name: &str) {
        self.skips.file_name = Some(name.to_string());
    }

    pub(super) fn finish(self) -> ImportReport {
        let mut report = ImportReport::empty(self.format.unwrap_or(ExportFormat::TweetActivity));
        report.posts = self.posts;
        report.skipped = self.skips.rows;
        report.notices = self.notices;
        report
    }

    /// Reads the rows of `data` (see [`each_row`]), parsing each with
    /// `parse(row, line, post)` into a blank record in its place at the
    /// end of `posts` (records are large: built where they stay, they are
    /// not moved) and keeping it under the id it returns.
    pub(super) fn read_rows(
        &mut self,
        data: &[u8],
        delimiter: u8,
        header_line: u64,
        file: usize,
        mut parse: impl FnMut(&ByteRecord, u64, &mut PostRecord) -> Result<K>,
    ) -> Result<()> {
        let bound = row_bound(data);
        self.posts.reserve(bound);
        self.index.reserve(bound);
        let page = self.skips.file_name.is_some().then_some(file);
        let Collector {
            posts,
            index,
            notices,
            skips,
            ..
        } = self;
        each_row(data, delimiter, header_line, skips, |row, line| {
            let at = posts.len();
            posts.push(PostRecord::new(
                Platform::Other,
                String::new(),
                DateTime::UNIX_EPOCH,
            ));
            let id = match parse(row, line, &mut posts[at]) {
                Ok(id) => id,
                Err(e) => {
                    posts.truncate(at);
                    return Err(e);
                }
            };
            posts[at].page = page;
            match index.entry(id) {
                Entry::Occupied(e) => {
                    let post = posts.swap_remove(at);
                    notices.push(duplicate(file, post.line, post.id.clone()));
                    posts[*e.get()] = post;
                }
                Entry::Vacant(e) => {
                    e.insert(at);
                }
            }
            Ok(())
        })
    }
}

impl Collector<u64> {
    fn read_file(&mut self, data: &[u8], file: usize) -> Result<()> {
        let (header, delimiter, format) = detect(data, self.format)?;
        self.format = Some(format);
        let mut layout = Layout::new(format, &header)?;
        let keys = OutcomeKeys::from_static(format.outcome_names())?;
        self.read_rows(data, delimiter, 1, file, |record, line, post| {
            let row = layout.parse_row(record, line)?;
            post.platform = Platform::X;
            post.id = row.id.to_string();
            post.posted_at = row.posted_at;
            post.text = row.text.to_owned();
            post.link = (!row.link.is_empty()).then(|| row.link.to_owned());
            post.counts = row_counts(&keys, &row.organic);
            post.promoted = row.promoted.map(|p| Box::new(row_counts(&keys, &p)));
            post.line = line;
            Ok(row.id)
        })
    }
}

/// The notice of a post read again at `line` of file `file`.
pub(super) fn duplicate(file: usize, line: u64, id: String) -> Notice {
    Notice {
        kind: NoticeKind::Duplicate,
        page: file,
        record: usize::try_from(line).unwrap_or(usize::MAX),
        id: Some(id),
    }
}

/// The header of `data`, its delimiter and the export format it is, which
/// must be `first`'s (the format of the first of several files) if given.
pub(super) fn detect(
    data: &[u8],
    first: Option<ExportFormat>,
) -> Result<(ByteRecord, u8, ExportFormat)> {
    let (header, delimiter) = header_of(data)?;
    let format = ExportFormat::detect(&header).ok_or_else(|| unrecognized(&header, delimiter))?;
    match first {
        Some(first) if first != format => Err(Error::MalformedCsv {
            line: None,
            message: format!("a {format} export, not a {first} export like the first file"),
        }),
        _ => Ok((header, delimiter, format)),
    }
}

/// The header record and the delimiter: `,`, or `;` when the header split
/// on `,` is no export's but split on `;` is (or is one column that `;`
/// splits: an unrecognised header then lists the columns split on `;`).
fn header_of(data: &[u8]) -> Result<(ByteRecord, u8)> {
    let first = |delimiter: u8| -> Result<ByteRecord> {
        let mut rdr = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(data);
        let mut header = ByteRecord::new();
        match rdr.read_byte_record(&mut header) {
            Ok(true) => Ok(header),
            Ok(false) => Err(Error::MalformedCsv {
                line: None,
                message: "the input is empty (no header)".to_string(),
            }),
            Err(e) => Err(csv_error(&e, Some(1))),
        }
    };
    let header = first(b',')?;
    if ExportFormat::detect(&header).is_none() && header.iter().any(|h| h.contains(&b';')) {
        let semi = first(b';')?;
        if ExportFormat::detect(&semi).is_some() || (header.len() == 1 && semi.len() > 1) {
            return Ok((semi, b';'));
        }
    }
    Ok((header, b','))
}

fn unrecognized(header: &ByteRecord, delimiter: u8) -> Error {
    Error::UnrecognizedHeader {
        columns: header
            .iter()
            .take(50)
            .map(|h| {
                let h = h.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(h);
                String::from_utf8_lossy(h.trim_ascii())
                    .chars()
                    .take(100)
                    .collect()
            })
            .collect(),
        delimiter: char::from(delimiter),
    }
}

pub(super) fn csv_error(e: &csv::Error, line: Option<u64>) -> Error {
    Error::MalformedCsv {
        line,
        message: e.to_string(),
    }
}

/// The line an import error names (0 if none).
fn error_line(e: &Error) -> u64 {
    match e {
        Error::NonNumericCount { line, .. }
        | Error::NegativeCount { line, .. }
        | Error::ClicksExceedImpressions { line, .. }
        | Error::InvalidCell { line, .. } => *line,
        Error::MalformedCsv { line, .. } => line.unwrap_or(0),
        Error::InFile { error, .. } => error_line(error),
        _ => 0,
    }
}

/// [`read_export`] from a string.
///
/// # Errors
///
/// As [`read_export`].
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_export_str(csv: &str, mode: ImportMode) -> Result<ImportReport> {
    read_one(Cow::Borrowed(csv.as_bytes()), mode)
}

/// [`read_export`] from a file.
///
/// # Errors
///
/// [`Error::ReadFailed`] naming the path if it cannot be opened; otherwise
/// as [`read_export`].
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_export_path(path: impl AsRef<Path>, mode: ImportMode) -> Result<ImportReport> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::ReadFailed {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    read_export(io::BufReader::new(file), mode)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_and_two_digit_days_parse_alike_on_both_paths() {
        let want = NaiveDate::from_ymd_opt(2026, 11, 2);
        for s in ["Mon, Nov 2, 2026", "Mon, Nov 02, 2026"] {
            assert_eq!(fast_date(s.as_bytes()), want, "fast {s}");
            assert_eq!(slow_date(s), want, "general {s}");
        }
        let want = NaiveDate::from_ymd_opt(2026, 7, 14);
        assert_eq!(fast_date(b"Tue, Jul 14, 2026"), want);
        assert_eq!(slow_date("Tue, Jul 14, 2026"), want);
        // A wrong weekday, a bad month or day: left to the general parser,
        // which refuses them too.
        for s in ["Tue, Nov 2, 2026", "Mon, Nox 2, 2026", "Mon, Nov x, 2026"] {
            assert_eq!(fast_date(s.as_bytes()), None, "fast {s}");
            assert_eq!(slow_date(s), None, "general {s}");
        }
    }

    #[test]
    fn line_breaks_count_lf_crlf_and_lone_cr() {
        assert_eq!(line_breaks(b"a\nb\r\nc\rd"), 3);
        assert_eq!(line_breaks(b"abc"), 0);
        assert_eq!(line_breaks(b"\r\n\r\n"), 2);
    }

    /// The one-pass counter, asked start after start, agrees with a fresh
    /// count of each prefix, in every mix of LF, CRLF, lone CR and blank
    /// lines.
    #[test]
    fn line_counter_agrees_with_line_breaks() {
        let data = b"a\nb\r\nc\rd\n\ne\r\n\r\nf\r\rg\"x\ny\"\r\nh";
        for step in 1..5 {
            let mut counter = LineCounter::new(data, 1);
            for start in (0..=data.len()).step_by(step) {
                let mut skipped = start;
                while matches!(data.get(skipped), Some(b'\n' | b'\r')) {
                    skipped += 1;
                }
                assert_eq!(
                    counter.line_at(Some(start)),
                    1 + line_breaks(&data[..skipped]),
                    "start {start}, step {step}"
                );
            }
            assert_eq!(counter.line_at(None), 1 + line_breaks(data));
        }
    }

    /// The id text is the cell when that is the number's decimal form, and
    /// the number written afresh when the cell has a sign or leading zeros.
    #[test]
    fn ids_are_written_in_decimal_form() {
        let header = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks";
        for (cell, want) in [
            ("1789400000000000000", "1789400000000000000"),
            ("01789400000000000000", "1789400000000000000"),
            ("+1789400000000000000", "1789400000000000000"),
            (" 1789400000000000000 ", "1789400000000000000"),
        ] {
            let data =
                format!("{header}\n{cell},\"Sat, May 11, 2024\",t,,10,1,2,0,0,0,0,0,0,0,1,0,0\n");
            let report = read_export(data.as_bytes(), ImportMode::Strict).expect("valid row");
            assert_eq!(report.posts[0].id, want, "{cell:?}");
        }
    }
}
