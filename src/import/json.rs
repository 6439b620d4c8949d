//! What the saved-response readers share: options, pages, field access
//! with precise errors, and the report under construction.

use std::collections::HashMap;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde_json::{Map, Value};

use super::error::{ImportError, ImportErrorKind};
use super::record::{
    ExportFormat, ImportMode, ImportReport, Notice, NoticeKind, Platform, PostRecord, SkippedRow,
};
use crate::{Error, Result};

/// How the saved-response readers ([`read_bluesky`](super::read_bluesky),
/// [`read_mastodon`](super::read_mastodon), [`read_threads`](super::read_threads))
/// treat bad records and replies.
///
/// # Example
///
/// ```
/// use postab::import::{ImportMode, ReadOptions};
///
/// let options = ReadOptions::lenient().keep_replies(true);
/// assert_eq!(options.mode, ImportMode::Lenient);
/// assert!(options.replies);
/// assert_eq!(ReadOptions::default(), ReadOptions::strict());
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct ReadOptions {
    /// Strict: the first bad page or record is an error. Lenient: it is
    /// skipped and listed in [`ImportReport::skipped`].
    pub mode: ImportMode,
    /// Keep the account's replies (default: leave them out, each listed as
    /// a [`NoticeKind::Reply`] notice). Reposts and boosts of other
    /// accounts' posts are always left out.
    pub replies: bool,
}

impl ReadOptions {
    /// Strict mode, replies left out (the default).
    pub fn strict() -> Self {
        ReadOptions::default()
    }

    /// Lenient mode, replies left out.
    pub fn lenient() -> Self {
        ReadOptions {
            mode: ImportMode::Lenient,
            replies: false,
        }
    }

    /// Sets whether replies are kept.
    pub fn keep_replies(mut self, keep: bool) -> Self {
        self.replies = keep;
        self
    }
}

/// Where in the input a record is: for errors and notices.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Ctx<'a> {
    pub platform: Platform,
    pub page: usize,
    pub file: Option<&'a str>,
    pub record: Option<usize>,
    pub id: Option<&'a str>,
}

impl<'a> Ctx<'a> {
    pub fn page(platform: Platform, page: usize, file: Option<&'a str>) -> Self {
        Ctx {
            platform,
            page,
            file,
            record: None,
            id: None,
        }
    }

    pub fn at(self, record: usize) -> Self {
        Ctx {
            record: Some(record),
            ..self
        }
    }

    pub fn with_id(self, id: &'a str) -> Self {
        Ctx {
            id: Some(id),
            ..self
        }
    }

    pub fn error(&self, field: Option<&str>, kind: ImportErrorKind) -> Box<ImportError> {
        Box::new(ImportError {
            platform: self.platform,
            page: self.page,
            file: self.file.map(str::to_string),
            record: self.record,
            id: self.id.map(str::to_string),
            field: field.map(str::to_string),
            kind,
        })
    }

    pub fn missing(&self, field: &str) -> Box<ImportError> {
        self.error(Some(field), ImportErrorKind::MissingField)
    }

    pub fn invalid(&self, field: &str, value: &Value, expected: &str) -> Box<ImportError> {
        let mut text = value.to_string();
        if text.chars().count() > 100 {
            text = text.chars().take(99).collect::<String>() + "…";
        }
        self.error(
            (!field.is_empty()).then_some(field),
            ImportErrorKind::InvalidField {
                value: text,
                expected: expected.to_string(),
            },
        )
    }
}

pub(crate) type Res<T> = std::result::Result<T, Box<ImportError>>;

/// The value at a dotted path (`post.record.text`); `None` when absent or
/// `null` anywhere along the path.
pub(crate) fn at<'v>(v: &'v Value, path: &str) -> Option<&'v Value> {
    let mut cur = v;
    for key in path.split('.') {
        cur = match cur {
            Value::Object(m) => m.get(key)?,
            Value::Array(a) => a.get(key.parse::<usize>().ok()?)?,
            _ => return None,
        };
    }
    (!cur.is_null()).then_some(cur)
}

/// A required string field.
pub(crate) fn req_str<'v>(ctx: &Ctx<'_>, v: &'v Value, path: &str) -> Res<&'v str> {
    match at(v, path) {
        None => Err(ctx.missing(path)),
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(ctx.invalid(path, other, "a string")),
    }
}

/// An optional string field (absent or `null`: `None`).
pub(crate) fn opt_str<'v>(ctx: &Ctx<'_>, v: &'v Value, path: &str) -> Res<Option<&'v str>> {
    match at(v, path) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(ctx.invalid(path, other, "a string")),
    }
}

/// An optional boolean field.
pub(crate) fn opt_bool(ctx: &Ctx<'_>, v: &Value, path: &str) -> Res<Option<bool>> {
    match at(v, path) {
        None => Ok(None),
        Some(Value::Bool(b)) => Ok(Some(*b)),
        Some(other) => Err(ctx.invalid(path, other, "true or false")),
    }
}

/// A count: a non-negative whole JSON number (`12`, `12.0`).
pub(crate) fn count_at(ctx: &Ctx<'_>, path: &str, value: &Value) -> Res<u64> {
    if let Some(n) = value.as_u64() {
        return Ok(n);
    }
    match value.as_f64() {
        Some(x) if x >= 0.0 && x.fract() == 0.0 && x < 18_446_744_073_709_551_616.0 => Ok(x as u64),
        _ => Err(ctx.invalid(path, value, "a whole-number count")),
    }
}

/// An optional count (absent or `null`: `None`).
pub(crate) fn opt_count(ctx: &Ctx<'_>, v: &Value, path: &str) -> Res<Option<u64>> {
    at(v, path).map(|x| count_at(ctx, path, x)).transpose()
}

/// A required count.
pub(crate) fn req_count(ctx: &Ctx<'_>, v: &Value, path: &str) -> Res<u64> {
    opt_count(ctx, v, path)?.ok_or_else(|| ctx.missing(path))
}

/// An RFC 3339 time with any offset (`2026-07-14T09:00:00+01:00`,
/// `...Z`, fractional seconds), or Meta's `2026-07-14T08:00:00+0000`.
pub(crate) fn parse_time(s: &str) -> Option<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .or_else(|_| DateTime::parse_from_str(s, "%Y-%m-%dT%H:%M:%S%.f%z"))
        .ok()
        .map(|t| t.with_timezone(&Utc))
}

/// A required time field.
pub(crate) fn req_time(ctx: &Ctx<'_>, v: &Value, path: &str) -> Res<DateTime<Utc>> {
    let s = req_str(ctx, v, path)?;
    parse_time(s).ok_or_else(|| {
        ctx.invalid(
            path,
            &Value::String(s.to_string()),
            "an RFC 3339 time like \"2026-07-14T08:00:00Z\"",
        )
    })
}

/// The error message of an API error object (`{"error": ...}`), if `v`
/// is one.
fn api_error(map: &Map<String, Value>) -> Option<String> {
    let error = map.get("error")?;
    let message = match error {
        Value::String(e) => match map.get("message").and_then(Value::as_str) {
            Some(m) => format!("{e}: {m}"),
            None => e.clone(),
        },
        Value::Object(e) => {
            let message = e.get("message").and_then(Value::as_str).unwrap_or("");
            let kind = e.get("type").and_then(Value::as_str);
            let code = e.get("code").map(Value::to_string);
            let mut s = message.to_string();
            if let Some(kind) = kind {
                s.push_str(&format!(" ({kind}"));
                if let Some(code) = code {
                    s.push_str(&format!(", code {code}"));
                }
                s.push(')');
            }
            s
        }
        other => other.to_string(),
    };
    Some(message)
}

/// What a parsed page is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Shape {
    BlueskyFeed,
    MastodonStatuses,
    ThreadsMedia,
    ThreadsInsights,
    /// `{"data": []}`: an empty media list or insights response.
    ThreadsEmpty,
}

impl Shape {
    fn describe(self) -> &'static str {
        match self {
            Shape::BlueskyFeed => "a Bluesky author feed page (an object with \"feed\")",
            Shape::MastodonStatuses => "a Mastodon statuses page (a JSON array of statuses)",
            Shape::ThreadsMedia => "a Threads media list (an object with \"data\" of media)",
            Shape::ThreadsInsights => "a Threads insights response (\"data\" of metrics)",
            Shape::ThreadsEmpty => "an empty Threads response (\"data\": [])",
        }
    }
}

/// What `v` looks like, or a description of what it is when it is no
/// known page; an API error object is an error.
fn classify(ctx: &Ctx<'_>, v: &Value) -> Res<std::result::Result<Shape, String>> {
    let kind_of = |v: &Value| -> &'static str {
        match v {
            Value::Null => "null",
            Value::Bool(_) => "a boolean",
            Value::Number(_) => "a number",
            Value::String(_) => "a string",
            Value::Array(_) => "an array",
            Value::Object(_) => "an object",
        }
    };
    Ok(match v {
        Value::Array(items) => match items.first() {
            None => Ok(Shape::MastodonStatuses),
            Some(Value::Object(m))
                if m.contains_key("created_at")
                    || m.contains_key("content")
                    || m.contains_key("favourites_count") =>
            {
                Ok(Shape::MastodonStatuses)
            }
            Some(Value::Object(m)) if m.contains_key("post") => {
                Err("a JSON array of Bluesky feed items (not a saved response page)".into())
            }
            Some(first) => Err(format!("a JSON array of {}", kind_of(first))),
        },
        Value::Object(m) => {
            if let Some(message) = api_error(m) {
                return Err(ctx.error(None, ImportErrorKind::ApiError { message }));
            }
            if m.contains_key("feed") {
                Ok(Shape::BlueskyFeed)
            } else if let Some(Value::Array(data)) = m.get("data") {
                match data.first() {
                    None => Ok(Shape::ThreadsEmpty),
                    Some(Value::Object(d))
                        if d.contains_key("name")
                            && (d.contains_key("values") || d.contains_key("total_value")) =>
                    {
                        Ok(Shape::ThreadsInsights)
                    }
                    Some(Value::Object(d))
                        if d.contains_key("public_metrics")
                            || d.contains_key("edit_history_tweet_ids") =>
                    {
                        Err("an X API v2 response (\"data\" of tweets)".into())
                    }
                    Some(_) => Ok(Shape::ThreadsMedia),
                }
            } else if m.contains_key("thread") || m.contains_key("posts") {
                Err("a Bluesky response that is not an author feed".into())
            } else if m.contains_key("created_at") && m.contains_key("content") {
                Err("a single Mastodon status (not a page of statuses)".into())
            } else {
                Err("a JSON object with none of \"feed\", \"data\" or \"error\"".into())
            }
        }
        other => Err(format!("{} (not a response page)", kind_of(other))),
    })
}

/// One input page: its text and the file it came from.
pub(crate) struct Page<'a> {
    pub text: &'a str,
    pub file: Option<&'a str>,
}

impl<'a> Page<'a> {
    /// Pages given as strings (no file).
    pub fn texts<S: AsRef<str>>(pages: &'a [S]) -> Vec<Self> {
        pages
            .iter()
            .map(|p| Page {
                text: p.as_ref(),
                file: None,
            })
            .collect()
    }

    /// Pages read by [`read_files`], each naming its file.
    pub fn files(files: &'a [(String, String)]) -> Vec<Self> {
        files
            .iter()
            .map(|(text, name)| Page {
                text,
                file: Some(name),
            })
            .collect()
    }
}

/// Reads files into strings, naming the path on failure (a file that is
/// not UTF-8 cannot be read).
pub(crate) fn read_files<P: AsRef<Path>>(paths: &[P]) -> Result<Vec<(String, String)>> {
    paths
        .iter()
        .map(|p| {
            let (name, bytes) = super::read_named(p.as_ref())?;
            match String::from_utf8(bytes) {
                Ok(text) => Ok((text, name)),
                Err(e) => Err(Error::ReadFailed {
                    path: name,
                    message: e.to_string(),
                }),
            }
        })
        .collect()
}

/// The report under construction: posts with duplicates resolved,
/// skipped records, notices.
pub(crate) struct Collector {
    pub report: ImportReport,
    mode: ImportMode,
    index: HashMap<String, usize>,
}

impl Collector {
    pub fn new(format: ExportFormat, mode: ImportMode) -> Self {
        Collector {
            report: ImportReport::empty(format),
            mode,
            index: HashMap::new(),
        }
    }

    /// A bad page or record: an error in strict mode, skipped in lenient.
    pub fn fail(&mut self, error: Box<ImportError>) -> Result<()> {
        match self.mode {
            ImportMode::Lenient => {
                self.report.skipped.push(SkippedRow {
                    line: 0,
                    error: Error::Import(error),
                });
                Ok(())
            }
            _ => Err(Error::Import(error)),
        }
    }

    pub fn notice(&mut self, kind: NoticeKind, page: usize, record: usize, id: Option<&str>) {
        self.report.notices.push(Notice {
            kind,
            page,
            record,
            id: id.map(str::to_string),
        });
    }

    /// Adds a post; the same id again replaces the earlier snapshot (in
    /// its place) and is noticed.
    pub fn push(&mut self, post: PostRecord) {
        let (page, record) = (post.page.unwrap_or(0), post.record.unwrap_or(0));
        if let Some(&i) = self.index.get(&post.id) {
            self.notice(NoticeKind::Duplicate, page, record, Some(&post.id));
            self.report.posts[i] = post;
        } else {
            self.index.insert(post.id.clone(), self.report.posts.len());
            self.report.posts.push(post);
        }
    }

    /// The index of the post with this id, if read.
    pub fn position(&self, id: &str) -> Option<usize> {
        self.index.get(id).copied()
    }
}

/// Parses a page and checks that it is of shape `want` (one of
/// `accepted`). `Ok(None)`: the page was bad and skipped (lenient).
pub(crate) fn parse_page(
    collector: &mut Collector,
    ctx: &Ctx<'_>,
    page: &Page<'_>,
    want: Shape,
) -> Result<Option<Value>> {
    let value: Value = match serde_json::from_str(page.text) {
        Ok(v) => v,
        Err(e) => {
            let kind = ImportErrorKind::MalformedJson {
                message: strip_position(&e.to_string()),
                line: e.line(),
                column: e.column(),
            };
            collector.fail(ctx.error(None, kind))?;
            return Ok(None);
        }
    };
    match classify(ctx, &value) {
        Err(api) => {
            collector.fail(api)?;
            Ok(None)
        }
        Ok(Ok(shape))
            if shape == want
                || (shape == Shape::ThreadsEmpty
                    && matches!(want, Shape::ThreadsMedia | Shape::ThreadsInsights)) =>
        {
            Ok(Some(value))
        }
        Ok(found) => {
            let found = match found {
                Ok(shape) => shape.describe().to_string(),
                Err(text) => text,
            };
            // The wrong kind of file is a mistake in the call, not a bad
            // record: an error in both modes.
            Err(Error::Import(
                ctx.error(None, ImportErrorKind::WrongPlatform { found }),
            ))
        }
    }
}

/// serde_json's message without its ` at line L column C` suffix (the
/// error carries them as fields).
fn strip_position(message: &str) -> String {
    match message.rfind(" at line ") {
        Some(i) => message[..i].to_string(),
        None => message.to_string(),
    }
}

/// Appends `link` to `links` unless already there.
pub(crate) fn add_link(links: &mut Vec<String>, link: &str) {
    if !link.is_empty() && !links.iter().any(|l| l == link) {
        links.push(link.to_string());
    }
}
