//! Errors of the saved-response (JSON) readers: where, and what.

use std::fmt;

use super::record::Platform;

/// A saved API response that could not be read: which page (and file),
/// which record (index and id, when known) and which field, and what was
/// wrong ([`ImportErrorKind`]). Wrapped in [`Error::Import`](crate::Error::Import).
///
/// # Example
///
/// ```
/// # #[cfg(feature = "json")] {
/// use postab::import::{read_mastodon, ImportErrorKind, ReadOptions};
/// use postab::Error;
///
/// let page = r#"[{"id": "1", "created_at": "2026-07-14T08:00:00Z", "content": "<p>Hi</p>",
///     "favourites_count": "many", "reblogs_count": 0, "replies_count": 0}]"#;
/// let Err(Error::Import(e)) = read_mastodon(&[page], &ReadOptions::strict()) else { panic!() };
/// assert_eq!((e.page, e.record, e.field.as_deref()), (0, Some(0), Some("favourites_count")));
/// assert!(matches!(e.kind, ImportErrorKind::InvalidField { .. }));
/// assert_eq!(
///     e.to_string(),
///     "Mastodon statuses page 0, record 0 (id 1), field favourites_count: \"many\" is not a whole-number count"
/// );
/// # }
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ImportError {
    /// The platform whose reader met the problem.
    pub platform: Platform,
    /// The 0-based index of the page (string or file) in the input.
    pub page: usize,
    /// The file the page was read from, when read from a file.
    pub file: Option<String>,
    /// The 0-based index of the record in its page, when the problem is in
    /// one record.
    pub record: Option<usize>,
    /// The record's id (or URI), when it has one.
    pub id: Option<String>,
    /// The field, as a dotted path inside the record (`post.likeCount`,
    /// `poll.options.1.votes_count`), when the problem is in one field.
    pub field: Option<String>,
    /// What was wrong.
    pub kind: ImportErrorKind,
}

/// What was wrong with a saved API response.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportErrorKind {
    /// The page is not valid JSON (or could not be read).
    MalformedJson {
        /// What the JSON parser reported.
        message: String,
        /// 1-based line of the page, 0 when unknown.
        line: usize,
        /// 1-based column, 0 when unknown.
        column: usize,
    },
    /// The page is valid JSON but another platform's response (or no
    /// known response at all).
    WrongPlatform {
        /// What the page looks like.
        found: String,
    },
    /// The page is an API error object (`{"error": ...}`): the request
    /// failed when the file was saved.
    ApiError {
        /// The error's message (and code, when given).
        message: String,
    },
    /// A required field is missing (or `null`).
    MissingField,
    /// A field has a value of the wrong type or form.
    InvalidField {
        /// The value, as JSON (truncated to 100 characters).
        value: String,
        /// What was expected.
        expected: String,
    },
}

impl fmt::Display for ImportError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let format = match self.platform {
            Platform::X => "X",
            Platform::Bluesky => "Bluesky author feed",
            Platform::Mastodon => "Mastodon statuses",
            Platform::Threads => "Threads",
            Platform::LinkedIn => "LinkedIn",
            Platform::Other => "mapped CSV",
        };
        write!(f, "{format} page {}", self.page)?;
        if let Some(file) = &self.file {
            write!(f, " ({file})")?;
        }
        if let Some(record) = self.record {
            write!(f, ", record {record}")?;
        }
        if let Some(id) = &self.id {
            write!(f, " (id {id})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ", field {field}")?;
        }
        match &self.kind {
            ImportErrorKind::MalformedJson {
                message,
                line,
                column,
            } => {
                write!(f, ": malformed JSON")?;
                if *line > 0 {
                    write!(f, " at line {line}, column {column}")?;
                }
                write!(f, ": {message}")
            }
            ImportErrorKind::WrongPlatform { found } => {
                write!(f, ": not a {format} response but {found}")
            }
            ImportErrorKind::ApiError { message } => {
                write!(f, ": the saved response is an API error: {message}")
            }
            ImportErrorKind::MissingField => write!(f, ": missing"),
            ImportErrorKind::InvalidField { value, expected } => {
                write!(f, ": {value} is not {expected}")
            }
        }
    }
}

impl std::error::Error for ImportError {}
