//! Any CSV by a column map: which column is the id, the time (and its
//! format and zone), the text, the variant, and which columns are which
//! outcomes.

use std::borrow::Cow;
use std::fmt;
use std::io;
use std::path::Path;
use std::str::FromStr;

use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{DateTime, LocalResult, NaiveTime, TimeZone, Utc};
use chrono_tz::Tz;
use csv::{ByteRecord, ReaderBuilder};
use serde::{Deserialize, Serialize};

use super::csv_export::{
    At, Collector, csv_error, decode, invalid, line_breaks, parse_count, read_all, read_files, utf8,
};
use super::record::{
    ExportFormat, ImportMode, ImportReport, Platform, PostRecord, Spend, check_currency,
    parse_micros,
};
use crate::counts::OutcomeKeys;
use crate::{Counts, Error, Outcome, Result};

/// How a mapped CSV writes its times.
///
/// Reading from serde checks a pattern as [`TimeFormat::pattern`] does.
///
/// # Example
///
/// ```
/// use postab::import::TimeFormat;
///
/// assert!(TimeFormat::pattern("%m/%d/%Y %I:%M %p").is_ok());
/// assert!(TimeFormat::pattern("%Q").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "TimeFormatRepr", rename_all = "snake_case")]
#[non_exhaustive]
pub enum TimeFormat {
    /// RFC 3339 / ISO 8601 with an offset: `2026-07-14T08:00:00Z`,
    /// `2026-07-14T10:00:00+02:00` (the map's zone is not used).
    Rfc3339,
    /// A chrono `strftime` pattern (`%Y-%m-%d %H:%M`, `%m/%d/%Y %I:%M %p`,
    /// `%d.%m.%Y`). A pattern with an offset (`%z`, `%:z`) reads the offset
    /// from the cell; otherwise the time is local to the map's zone
    /// ([`ColumnMap::zone`], UTC unless set), and a pattern without an hour
    /// reads local midnight.
    Pattern(String),
    /// Seconds since 1970-01-01 UTC.
    UnixSeconds,
    /// Milliseconds since 1970-01-01 UTC.
    UnixMillis,
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum TimeFormatRepr {
    Rfc3339,
    Pattern(String),
    UnixSeconds,
    UnixMillis,
}

impl TryFrom<TimeFormatRepr> for TimeFormat {
    type Error = Error;
    fn try_from(r: TimeFormatRepr) -> Result<Self> {
        Ok(match r {
            TimeFormatRepr::Rfc3339 => TimeFormat::Rfc3339,
            TimeFormatRepr::Pattern(p) => TimeFormat::pattern(p)?,
            TimeFormatRepr::UnixSeconds => TimeFormat::UnixSeconds,
            TimeFormatRepr::UnixMillis => TimeFormat::UnixMillis,
        })
    }
}

impl TimeFormat {
    /// A `strftime` pattern, checked.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeFormat`] if chrono cannot parse the pattern or
    /// it has no date (year, month and day, or year and day of year).
    pub fn pattern(pattern: impl Into<String>) -> Result<Self> {
        let pattern = pattern.into();
        compile(&pattern)?;
        Ok(TimeFormat::Pattern(pattern))
    }

    /// What a cell of this format looks like, for error messages.
    fn expected(&self) -> String {
        match self {
            TimeFormat::Rfc3339 => "an RFC 3339 time like \"2026-07-14T08:00:00Z\"".to_string(),
            TimeFormat::Pattern(p) => format!("a time of the pattern {p:?}"),
            TimeFormat::UnixSeconds => "a Unix time in seconds".to_string(),
            TimeFormat::UnixMillis => "a Unix time in milliseconds".to_string(),
        }
    }
}

/// `%Y` etc.: the pattern's items, refusing a pattern chrono cannot parse
/// or one without a whole date.
fn compile(pattern: &str) -> Result<Vec<Item<'static>>> {
    let bad = |reason: &str| Error::InvalidTimeFormat {
        format: pattern.to_string(),
        reason: reason.to_string(),
    };
    let items = StrftimeItems::new(pattern)
        .parse_to_owned()
        .map_err(|e| bad(&format!("chrono cannot read it ({e})")))?;
    // A probe: format a known time with the pattern and read it back.
    let probe = Utc
        .with_ymd_and_hms(2026, 7, 14, 13, 45, 30)
        .single()
        .ok_or_else(|| bad("no probe time"))?;
    let text = probe.format_with_items(items.iter()).to_string();
    let mut parsed = Parsed::new();
    chrono::format::parse(&mut parsed, &text, items.iter())
        .map_err(|e| bad(&format!("it cannot read back what it writes ({e})")))?;
    parsed
        .to_naive_date()
        .map_err(|_| bad("it has no whole date (year, month and day)"))?;
    Ok(items)
}

/// A column map: how to read a CSV of posts that is no X export (a social
/// media tool's post report, an ads export, a spreadsheet of one's own)
/// into [`PostRecord`]s with [`read_mapped`].
///
/// Required: the id column (or several, joined) and the time column with
/// its [`TimeFormat`]. Optional: the zone of local times, the text, link
/// and variant columns, the organic outcome columns
/// ([`ColumnMap::outcome`]), the promoted ones ([`ColumnMap::promoted`])
/// and the spend ([`ColumnMap::spend`]). Every column the map names must
/// be in the file. The other columns are kept as
/// [`PostRecord::tags`] unless ignored.
///
/// Header names are matched ignoring ASCII case and surrounding spaces, in
/// any order; the header may follow a few title rows (the first of the
/// file's first 20 rows that has the id and time columns is the header),
/// and the file may be separated by `,`, `;` or tabs.
///
/// Reading from serde checks the map as the builder does, so a map can be
/// saved as JSON and read back.
///
/// # Example
///
/// ```
/// use postab::import::{read_mapped_str, ColumnMap, ImportMode, TimeFormat};
/// use postab::Outcome;
///
/// let csv = "Post,Published,Copy,Style,Views,Link clicks,Owner
/// p1,2026-03-29 00:30,Is your schedule too rigid?,question,1200,31,ana
/// p2,2026-03-29 09:15,There is no single right way.,statement,1100,42,ben
/// ";
/// let map = ColumnMap::new("Post", "Published", TimeFormat::pattern("%Y-%m-%d %H:%M")?)
///     .zone_named("Europe/London")?
///     .text("Copy")
///     .variant("Style")
///     .outcome("Views", Outcome::Impression)
///     .outcome("Link clicks", Outcome::Click);
/// let report = read_mapped_str(csv, &map, ImportMode::Strict)?;
/// let post = &report.posts[1];
/// // 09:15 in London on the day summer time starts is 08:15 UTC.
/// assert_eq!(post.posted_at.to_rfc3339(), "2026-03-29T08:15:00+00:00");
/// assert_eq!((post.counts.impressions(), post.counts.clicks()), (1100, 42));
/// assert_eq!(post.variant.as_deref(), Some("statement"));
/// assert_eq!(post.tag("Owner"), Some("ben"));
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ColumnMapRepr")]
pub struct ColumnMap {
    id: Vec<String>,
    time: String,
    time_format: TimeFormat,
    zone: Tz,
    text: Option<String>,
    link: Option<String>,
    variant: Option<String>,
    outcomes: Vec<(String, Outcome)>,
    promoted: Vec<(String, Outcome)>,
    spend: Option<(String, String)>,
    platform: Platform,
    ignored: Vec<String>,
    tags: bool,
}

#[derive(Deserialize)]
struct ColumnMapRepr {
    id: Vec<String>,
    time: String,
    time_format: TimeFormat,
    zone: Tz,
    text: Option<String>,
    link: Option<String>,
    variant: Option<String>,
    outcomes: Vec<(String, Outcome)>,
    promoted: Vec<(String, Outcome)>,
    spend: Option<(String, String)>,
    platform: Platform,
    ignored: Vec<String>,
    tags: bool,
}

impl TryFrom<ColumnMapRepr> for ColumnMap {
    type Error = Error;
    fn try_from(r: ColumnMapRepr) -> Result<Self> {
        if r.id.is_empty() {
            return Err(Error::MissingColumn {
                column: "(no id column named)".to_string(),
                format: "column map".to_string(),
            });
        }
        for (_, outcome) in r.outcomes.iter().chain(&r.promoted) {
            outcome.validate()?;
        }
        let spend = match r.spend {
            Some((column, currency)) => Some((column, check_currency(currency)?)),
            None => None,
        };
        Ok(ColumnMap {
            id: r.id,
            time: r.time,
            time_format: r.time_format,
            zone: r.zone,
            text: r.text,
            link: r.link,
            variant: r.variant,
            outcomes: r.outcomes,
            promoted: r.promoted,
            spend,
            platform: r.platform,
            ignored: r.ignored,
            tags: r.tags,
        })
    }
}

impl ColumnMap {
    /// A map with the id column `id` and the time column `time` written in
    /// `format` (local times in UTC until [`ColumnMap::zone`] says
    /// otherwise); posts of [`Platform::Other`] until
    /// [`ColumnMap::platform`] says otherwise.
    pub fn new(id: impl Into<String>, time: impl Into<String>, format: TimeFormat) -> Self {
        ColumnMap {
            id: vec![id.into()],
            time: time.into(),
            time_format: format,
            zone: Tz::UTC,
            text: None,
            link: None,
            variant: None,
            outcomes: Vec::new(),
            promoted: Vec::new(),
            spend: None,
            platform: Platform::Other,
            ignored: Vec::new(),
            tags: true,
        }
    }

    /// One more id column: the post id is the id columns' cells joined by
    /// `" / "` (for files with a row per campaign and day, say).
    pub fn id_also(mut self, column: impl Into<String>) -> Self {
        self.id.push(column.into());
        self
    }

    /// The zone of local times (patterns without an offset). A local time
    /// that occurs twice (clocks going back) is taken as the earlier
    /// instant; one that does not occur (clocks going forward) is an
    /// invalid cell.
    pub fn zone(mut self, zone: Tz) -> Self {
        self.zone = zone;
        self
    }

    /// [`ColumnMap::zone`] by IANA name (`"Europe/London"`, `"UTC"`).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownTimeZone`] naming `name` if chrono-tz does not know
    /// it.
    pub fn zone_named(self, name: &str) -> Result<Self> {
        let zone = Tz::from_str(name.trim()).map_err(|_| Error::UnknownTimeZone {
            name: name.to_string(),
        })?;
        Ok(self.zone(zone))
    }

    /// The post text column.
    pub fn text(mut self, column: impl Into<String>) -> Self {
        self.text = Some(column.into());
        self
    }

    /// The permalink column.
    pub fn link(mut self, column: impl Into<String>) -> Self {
        self.link = Some(column.into());
        self
    }

    /// The variant column (a campaign, a style, an A/B label): its cell
    /// becomes [`PostRecord::variant`] (empty: none), which
    /// [`VariantRules::labels`](super::VariantRules::labels) groups by.
    pub fn variant(mut self, column: impl Into<String>) -> Self {
        self.variant = Some(column.into());
        self
    }

    /// An organic count column and the outcome it counts (two columns of
    /// one outcome add up). Counts may be written `1376`, `1376.0` or
    /// `1,376`; `-` or empty means not reported (0).
    pub fn outcome(mut self, column: impl Into<String>, outcome: Outcome) -> Self {
        self.outcomes.push((column.into(), outcome));
        self
    }

    /// A promoted (paid) count column and the outcome it counts: into
    /// [`PostRecord::promoted`], never summed with the organic counts. A
    /// post is promoted when one of its promoted cells is reported.
    pub fn promoted(mut self, column: impl Into<String>, outcome: Outcome) -> Self {
        self.promoted.push((column.into(), outcome));
        self
    }

    /// The spend column and its currency (ISO 4217): into
    /// [`PostRecord::spend`]. Amounts are decimal (`12.5`, `1,200.00`, no
    /// currency sign); `-` or empty means no spend.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCurrency`] unless `currency` is three ASCII capital
    /// letters.
    pub fn spend(mut self, column: impl Into<String>, currency: &str) -> Result<Self> {
        self.spend = Some((column.into(), check_currency(currency.to_string())?));
        Ok(self)
    }

    /// The platform of the posts (default [`Platform::Other`]).
    pub fn platform(mut self, platform: Platform) -> Self {
        self.platform = platform;
        self
    }

    /// A column not to keep as a tag (a derived rate, say).
    pub fn ignore(mut self, column: impl Into<String>) -> Self {
        self.ignored.push(column.into());
        self
    }

    /// Keep no unmapped column as a tag.
    pub fn without_tags(mut self) -> Self {
        self.tags = false;
        self
    }

    /// Every column the map names, with what it is for.
    fn named(&self) -> Vec<(&str, Role)> {
        let mut v: Vec<(&str, Role)> = self.id.iter().map(|c| (c.as_str(), Role::Id)).collect();
        v.push((&self.time, Role::Time));
        for (c, role) in [
            (&self.text, Role::Text),
            (&self.link, Role::Link),
            (&self.variant, Role::Variant),
        ] {
            if let Some(c) = c {
                v.push((c, role));
            }
        }
        for (i, (c, _)) in self.outcomes.iter().enumerate() {
            v.push((c, Role::Count(i)));
        }
        for (i, (c, _)) in self.promoted.iter().enumerate() {
            v.push((c, Role::Promoted(i)));
        }
        if let Some((c, _)) = &self.spend {
            v.push((c, Role::Spend));
        }
        v
    }
}

/// `id "Post" (+1), time "Published" (%Y-%m-%d %H:%M, Europe/London), 2
/// outcomes, 0 promoted, spend in USD`.
impl fmt::Display for ColumnMap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "id {:?}", self.id.first().map_or("", String::as_str))?;
        if self.id.len() > 1 {
            write!(f, " (+{})", self.id.len() - 1)?;
        }
        let format = match &self.time_format {
            TimeFormat::Rfc3339 => "RFC 3339",
            TimeFormat::Pattern(p) => p.as_str(),
            TimeFormat::UnixSeconds => "Unix seconds",
            TimeFormat::UnixMillis => "Unix milliseconds",
        };
        write!(
            f,
            ", time {:?} ({format}, {}), {} outcomes, {} promoted",
            self.time,
            self.zone.name(),
            self.outcomes.len(),
            self.promoted.len()
        )?;
        if let Some((_, currency)) = &self.spend {
            write!(f, ", spend in {currency}")?;
        }
        Ok(())
    }
}

/// What a mapped column is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Role {
    Id,
    Time,
    Text,
    Link,
    Variant,
    /// Index into the map's outcomes.
    Count(usize),
    /// Index into the map's promoted outcomes.
    Promoted(usize),
    Spend,
    /// An unmapped column kept as a tag (index into the layout's names).
    Tag(usize),
}

/// Header comparison: trimmed, ASCII case ignored, a UTF-8 BOM ignored.
fn same_header(cell: &[u8], name: &str) -> bool {
    let cell = cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell);
    cell.trim_ascii()
        .eq_ignore_ascii_case(name.trim().as_bytes())
}

/// The rows above the header that are searched for it.
const HEADER_SEARCH_ROWS: usize = 20;

/// The header of a mapped file: the record, its delimiter, its byte offset
/// and its line.
struct Header {
    record: ByteRecord,
    delimiter: u8,
    offset: usize,
    line: u64,
}

/// The first of the first [`HEADER_SEARCH_ROWS`] records (split on `,`,
/// then `;`, then tab) that has every id column and the time column;
/// otherwise the error names the first mapped column missing from the
/// candidate that has most of them.
fn find_header(data: &[u8], map: &ColumnMap) -> Result<Header> {
    let named = map.named();
    let key: Vec<&str> = named
        .iter()
        .filter(|(_, r)| matches!(r, Role::Id | Role::Time))
        .map(|(c, _)| *c)
        .collect();
    let mut best: Option<(usize, ByteRecord)> = None;
    let mut any = false;
    for delimiter in [b',', b';', b'\t'] {
        let mut rdr = ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(data);
        let mut record = ByteRecord::new();
        for _ in 0..HEADER_SEARCH_ROWS {
            match rdr.read_byte_record(&mut record) {
                Ok(true) => any = true,
                Ok(false) => break,
                Err(e) => {
                    if delimiter == b',' && !any {
                        return Err(csv_error(&e, Some(1)));
                    }
                    break;
                }
            }
            let has = |name: &str| record.iter().any(|h| same_header(h, name));
            if key.iter().all(|k| has(k)) {
                let offset = record
                    .position()
                    .map_or(0, |p| usize::try_from(p.byte()).unwrap_or(usize::MAX))
                    .min(data.len());
                return Ok(Header {
                    line: 1 + line_breaks(&data[..offset]),
                    record,
                    delimiter,
                    offset,
                });
            }
            let found = named.iter().filter(|(c, _)| has(c)).count();
            if best.as_ref().is_none_or(|(n, _)| found > *n) {
                best = Some((found, record.clone()));
            }
        }
    }
    if !any {
        return Err(Error::MalformedCsv {
            line: None,
            message: "the input is empty (no header)".to_string(),
        });
    }
    let record = best.map(|(_, r)| r).unwrap_or_default();
    let missing = named
        .iter()
        .find(|(c, _)| !record.iter().any(|h| same_header(h, c)))
        .map_or_else(|| map.time.clone(), |(c, _)| (*c).to_string());
    Err(Error::MissingColumn {
        column: missing,
        format: ExportFormat::Mapped.to_string(),
    })
}

/// A column of the file the map uses.
struct Column {
    index: usize,
    role: Role,
    name: String,
}

impl Column {
    fn at(&self) -> At<'_> {
        At {
            name: &self.name,
            index: self.index,
        }
    }
}

/// A map resolved against one file's header.
struct Layout<'m> {
    map: &'m ColumnMap,
    columns: Vec<Column>,
    items: Option<Vec<Item<'static>>>,
    /// Header names of the tag columns.
    tag_names: Vec<String>,
    width: usize,
    /// Scratch: a row's organic and promoted counts, per mapped column.
    organic: Vec<u64>,
    promoted: Vec<u64>,
    /// The mapped outcomes, resolved once for every row.
    organic_keys: OutcomeKeys,
    promoted_keys: OutcomeKeys,
}

impl<'m> Layout<'m> {
    fn new(map: &'m ColumnMap, header: &ByteRecord) -> Result<Self> {
        let mut columns = Vec::new();
        let mut used = vec![false; header.len()];
        for (name, role) in map.named() {
            let index = header
                .iter()
                .position(|h| same_header(h, name))
                .ok_or_else(|| Error::MissingColumn {
                    column: name.to_string(),
                    format: ExportFormat::Mapped.to_string(),
                })?;
            used[index] = true;
            columns.push(Column {
                index,
                role,
                name: header_name(header.get(index).unwrap_or_default()),
            });
        }
        let mut tag_names = Vec::new();
        if map.tags {
            for (index, h) in header.iter().enumerate() {
                let name = header_name(h);
                let ignored = map.ignored.iter().any(|c| same_header(h, c));
                if used[index] || ignored || name.is_empty() {
                    continue;
                }
                columns.push(Column {
                    index,
                    role: Role::Tag(tag_names.len()),
                    name: name.clone(),
                });
                tag_names.push(name);
            }
        }
        let items = match &map.time_format {
            TimeFormat::Pattern(p) => Some(compile(p)?),
            _ => None,
        };
        Ok(Layout {
            map,
            columns,
            items,
            tag_names,
            width: header.len(),
            organic: vec![0; map.outcomes.len()],
            promoted: vec![0; map.promoted.len()],
            organic_keys: OutcomeKeys::new(map.outcomes.iter().map(|(_, o)| o)),
            promoted_keys: OutcomeKeys::new(map.promoted.iter().map(|(_, o)| o)),
        })
    }

    /// Reads `row` into `post` (a blank record) and returns the post id.
    fn parse_row(&mut self, row: &ByteRecord, line: u64, post: &mut PostRecord) -> Result<String> {
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
        let map = self.map;
        let mut id = String::new();
        let mut posted_at = None;
        post.platform = map.platform;
        self.organic.fill(0);
        self.promoted.fill(0);
        let mut any_promoted = false;
        for col in &self.columns {
            let cell = row.get(col.index).unwrap_or_default();
            match col.role {
                Role::Id => {
                    let s = utf8(cell, col.at(), line)?.trim();
                    if s.is_empty() {
                        return Err(invalid(col.at(), line, s, "a post id (not empty)"));
                    }
                    if !id.is_empty() {
                        id.push_str(" / ");
                    }
                    id.push_str(s);
                }
                Role::Time => {
                    let s = utf8(cell, col.at(), line)?.trim();
                    posted_at = Some(
                        self.time(s)
                            .map_err(|expected| invalid(col.at(), line, s, &expected))?,
                    );
                }
                Role::Text => post.text = utf8(cell, col.at(), line)?.to_string(),
                Role::Link => {
                    let s = utf8(cell, col.at(), line)?.trim();
                    post.link = (!s.is_empty()).then(|| s.to_string());
                }
                Role::Variant => {
                    let s = utf8(cell, col.at(), line)?.trim();
                    post.variant = (!s.is_empty()).then(|| s.to_string());
                }
                Role::Count(k) => {
                    let n = mapped_count(cell, col.at(), line)?.unwrap_or(0);
                    if let Some(slot) = self.organic.get_mut(k) {
                        *slot = n;
                    }
                }
                Role::Promoted(k) => {
                    if let Some(n) = mapped_count(cell, col.at(), line)? {
                        any_promoted = true;
                        if let Some(slot) = self.promoted.get_mut(k) {
                            *slot = n;
                        }
                    }
                }
                Role::Spend => {
                    let s = utf8(cell, col.at(), line)?.trim();
                    if !(s.is_empty() || s == "-") {
                        let micros = parse_micros(&ungroup(s.as_bytes())).ok_or_else(|| {
                            invalid(
                                col.at(),
                                line,
                                s,
                                "a non-negative amount like 12.50 (no currency sign)",
                            )
                        })?;
                        let currency = map.spend.as_ref().map_or("", |(_, c)| c.as_str());
                        post.spend = Some(Spend::new(micros, currency)?);
                    }
                }
                Role::Tag(k) => {
                    let s = String::from_utf8_lossy(cell);
                    let s = s.trim();
                    if !s.is_empty() {
                        let name = self.tag_names.get(k).cloned().unwrap_or_default();
                        post.tags.push((name, s.to_string()));
                    }
                }
            }
        }
        post.counts = self.counts(&map.outcomes, &self.organic_keys, &self.organic, line, "")?;
        if any_promoted {
            post.promoted = Some(Box::new(self.counts(
                &map.promoted,
                &self.promoted_keys,
                &self.promoted,
                line,
                "promoted ",
            )?));
        }
        post.posted_at = posted_at.unwrap_or(DateTime::UNIX_EPOCH);
        post.id = id.clone();
        post.line = line;
        Ok(id)
    }

    /// The counts of one reach, checked: clicks at most impressions.
    fn counts(
        &self,
        outcomes: &[(String, Outcome)],
        keys: &OutcomeKeys,
        values: &[u64],
        line: u64,
        prefix: &str,
    ) -> Result<Counts> {
        let counts = Counts::from_keys(keys, values).map_err(|i| {
            let (column, outcome) = &outcomes[i];
            Error::NonNumericCount {
                line,
                column: column.clone(),
                column_number: self.number_of(column),
                value: format!(
                    "{} (its sum with the other {outcome} columns overflows)",
                    values[i]
                ),
            }
        })?;
        let (clicks, impressions) = (counts.clicks(), counts.impressions());
        if clicks > impressions && outcomes.iter().any(|(_, o)| *o == Outcome::Impression) {
            let column = outcomes
                .iter()
                .find(|(_, o)| *o == Outcome::Click)
                .map_or("", |(c, _)| c.as_str());
            return Err(Error::ClicksExceedImpressions {
                line,
                column: format!("{prefix}{column}"),
                column_number: self.number_of(column),
                clicks,
                impressions,
            });
        }
        Ok(counts)
    }

    /// The 1-based number of the mapped column `name`.
    fn number_of(&self, name: &str) -> usize {
        self.columns
            .iter()
            .find(|c| same_header(c.name.as_bytes(), name))
            .map_or(0, |c| c.index + 1)
    }

    /// A time cell, or what was expected.
    fn time(&self, s: &str) -> std::result::Result<DateTime<Utc>, String> {
        let map = self.map;
        let expected = || map.time_format.expected();
        match &map.time_format {
            TimeFormat::Rfc3339 => DateTime::parse_from_rfc3339(s)
                .map(|t| t.with_timezone(&Utc))
                .map_err(|_| expected()),
            TimeFormat::UnixSeconds => s
                .parse::<i64>()
                .ok()
                .and_then(|n| DateTime::from_timestamp(n, 0))
                .ok_or_else(expected),
            TimeFormat::UnixMillis => s
                .parse::<i64>()
                .ok()
                .and_then(DateTime::from_timestamp_millis)
                .ok_or_else(expected),
            TimeFormat::Pattern(_) => {
                let items = self.items.as_deref().unwrap_or_default();
                let mut parsed = Parsed::new();
                chrono::format::parse(&mut parsed, s, items.iter()).map_err(|_| expected())?;
                if parsed.offset().is_some() {
                    return parsed
                        .to_datetime()
                        .map(|t| t.with_timezone(&Utc))
                        .map_err(|_| expected());
                }
                let date = parsed.to_naive_date().map_err(|_| expected())?;
                let time = if parsed.hour_div_12().is_some() || parsed.hour_mod_12().is_some() {
                    parsed.to_naive_time().map_err(|_| expected())?
                } else {
                    NaiveTime::MIN
                };
                match map.zone.from_local_datetime(&date.and_time(time)) {
                    LocalResult::Single(t) | LocalResult::Ambiguous(t, _) => {
                        Ok(t.with_timezone(&Utc))
                    }
                    LocalResult::None => Err(format!(
                        "a local time that exists in {} (this one falls in the gap when clocks go forward)",
                        map.zone.name()
                    )),
                }
            }
        }
    }
}

/// A header cell as a name: BOM dropped, trimmed, lossy UTF-8.
fn header_name(cell: &[u8]) -> String {
    let cell = cell.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(cell);
    String::from_utf8_lossy(cell.trim_ascii()).into_owned()
}

/// `1,376` as `1376` when the commas group thousands (1–3 digits, then
/// groups of 3, before any decimal point); anything else unchanged.
fn ungroup(s: &[u8]) -> std::borrow::Cow<'_, [u8]> {
    if !s.contains(&b',') {
        return std::borrow::Cow::Borrowed(s);
    }
    let int_end = s.iter().position(|&b| b == b'.').unwrap_or(s.len());
    let groups: Vec<&[u8]> = s[..int_end].split(|&b| b == b',').collect();
    let grouped = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
        && groups[1..].iter().all(|g| g.len() == 3)
        && groups.iter().all(|g| g.iter().all(u8::is_ascii_digit));
    if grouped {
        std::borrow::Cow::Owned(s.iter().copied().filter(|&b| b != b',').collect())
    } else {
        std::borrow::Cow::Borrowed(s)
    }
}

/// A count cell of a mapped CSV: as the X reader's, thousands commas
/// allowed.
fn mapped_count(cell: &[u8], col: At<'_>, line: u64) -> Result<Option<u64>> {
    let trimmed = cell.trim_ascii();
    match ungroup(trimmed) {
        std::borrow::Cow::Borrowed(_) => parse_count(cell, col, line),
        std::borrow::Cow::Owned(plain) => parse_count(&plain, col, line),
    }
}

impl Collector<String> {
    fn read_mapped_file(&mut self, map: &ColumnMap, data: &[u8], file: usize) -> Result<()> {
        self.format = Some(ExportFormat::Mapped);
        let header = find_header(data, map)?;
        let mut layout = Layout::new(map, &header.record)?;
        self.read_rows(
            &data[header.offset..],
            header.delimiter,
            header.line,
            file,
            |row, line, post| layout.parse_row(row, line, post),
        )
    }
}

/// Reads a CSV of posts through a [`ColumnMap`].
///
/// The reading is the X reader's ([`read_export`](super::read_export)):
/// quoted cells may span lines, lines may end in LF or CRLF and line
/// numbers count the file's own lines; a UTF-8 byte-order mark is ignored
/// and UTF-16 (with its byte-order mark) decoded; a post id read again
/// keeps the later row in the place of the first and is listed in
/// [`ImportReport::notices`]; [`ImportMode::Lenient`] skips malformed rows
/// and lists them. Each post gets the map's platform, its line, its
/// variant label, spend and tags.
///
/// # Errors
///
/// In both modes: [`Error::MissingColumn`] naming a column the map names
/// that the header lacks; [`Error::MalformedCsv`] for an empty input,
/// invalid UTF-16 or an I/O failure.
///
/// Per row, returned in strict mode and listed in
/// [`ImportReport::skipped`] in lenient mode, each naming the line, the
/// column and the cell: [`Error::InvalidCell`] (empty id, a time not of
/// the format or not existing in the zone, a bad amount, invalid UTF-8),
/// [`Error::NonNumericCount`], [`Error::NegativeCount`],
/// [`Error::ClicksExceedImpressions`] (when both are mapped, organic or
/// promoted) and [`Error::MalformedCsv`] (wrong number of fields, bad
/// quoting).
///
/// # Example
///
/// ```
/// use postab::import::{read_mapped, ColumnMap, ImportMode, TimeFormat};
/// use postab::{Error, Outcome};
///
/// let map = ColumnMap::new("id", "time", TimeFormat::Rfc3339).outcome("likes", Outcome::Like);
/// let csv = "id,time,likes\na,2026-07-14T08:00:00Z,5\nb,2026-07-14T09:00:00Z,many\n";
/// let err = read_mapped(csv.as_bytes(), &map, ImportMode::Strict).unwrap_err();
/// assert!(matches!(err, Error::NonNumericCount { line: 3, column_number: 3, .. }));
/// let report = read_mapped(csv.as_bytes(), &map, ImportMode::Lenient)?;
/// assert_eq!((report.posts.len(), report.skipped_count()), (1, 1));
/// # Ok::<(), postab::Error>(())
/// ```
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_mapped<R: io::Read>(
    reader: R,
    map: &ColumnMap,
    mode: ImportMode,
) -> Result<ImportReport> {
    read_mapped_one(Cow::Owned(read_all(reader)?), map, mode)
}

/// One mapped file, owned or borrowed.
fn read_mapped_one(
    bytes: Cow<'_, [u8]>,
    map: &ColumnMap,
    mode: ImportMode,
) -> Result<ImportReport> {
    let mut collector = Collector::<String>::new(mode);
    collector.read_mapped_file(map, &decode(bytes)?, 0)?;
    Ok(collector.finish())
}

/// [`read_mapped`] from a string.
///
/// # Errors
///
/// As [`read_mapped`].
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_mapped_str(csv: &str, map: &ColumnMap, mode: ImportMode) -> Result<ImportReport> {
    read_mapped_one(Cow::Borrowed(csv.as_bytes()), map, mode)
}

/// [`read_mapped`] from a file.
///
/// # Errors
///
/// [`Error::ReadFailed`] naming the path if it cannot be opened; otherwise
/// as [`read_mapped`].
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_mapped_path(
    path: impl AsRef<Path>,
    map: &ColumnMap,
    mode: ImportMode,
) -> Result<ImportReport> {
    let path = path.as_ref();
    let file = std::fs::File::open(path).map_err(|e| Error::ReadFailed {
        path: path.display().to_string(),
        message: e.to_string(),
    })?;
    read_mapped(io::BufReader::new(file), map, mode)
}

/// Several files read through one map as one (exports appended over time):
/// a post id read again keeps the later snapshot in the place of the first
/// and is listed as a duplicate notice (`page`: the file's index,
/// `record`: the line). Each post's [`PostRecord::page`] is its file's
/// index.
///
/// # Errors
///
/// [`Error::ReadFailed`] naming a path that cannot be read; otherwise as
/// [`read_mapped`], each wrapped in [`Error::InFile`] naming the path;
/// [`Error::MalformedCsv`] if `paths` is empty.
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_mapped_paths<P: AsRef<Path>>(
    paths: &[P],
    map: &ColumnMap,
    mode: ImportMode,
) -> Result<ImportReport> {
    read_mapped_files(
        paths
            .iter()
            .map(|p| super::read_named(p.as_ref()).map(|(n, b)| (n, Cow::Owned(b)))),
        map,
        mode,
    )
}

/// Strings read through one map as one: as [`read_mapped_paths`], file
/// `i` named `file i`.
///
/// # Errors
///
/// As [`read_mapped_paths`].
#[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
pub fn read_mapped_many<S: AsRef<[u8]>>(
    files: &[S],
    map: &ColumnMap,
    mode: ImportMode,
) -> Result<ImportReport> {
    read_mapped_files(
        files
            .iter()
            .enumerate()
            .map(|(i, f)| Ok((format!("file {i}"), Cow::Borrowed(f.as_ref())))),
        map,
        mode,
    )
}

fn read_mapped_files<'a>(
    files: impl Iterator<Item = Result<(String, Cow<'a, [u8]>)>>,
    map: &ColumnMap,
    mode: ImportMode,
) -> Result<ImportReport> {
    let mut collector = Collector::<String>::new(mode);
    read_files(files, &mut collector, |c, name, data, i| {
        c.set_file_name(name);
        c.read_mapped_file(map, data, i)
    })?;
    Ok(collector.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn thousands_commas_are_dropped_only_when_they_group_thousands() {
        assert_eq!(&*ungroup(b"1,376"), b"1376");
        assert_eq!(&*ungroup(b"12,345,678.50"), b"12345678.50");
        assert_eq!(&*ungroup(b"1,37"), b"1,37");
        assert_eq!(&*ungroup(b"1234,567"), b"1234,567");
        assert_eq!(&*ungroup(b"12"), b"12");
    }

    #[test]
    fn patterns_without_a_whole_date_are_refused() {
        assert!(compile("%H:%M").is_err());
        assert!(compile("%Y-%m-%d").is_ok());
        assert!(compile("%m/%d/%Y %I:%M %p").is_ok());
    }
}
