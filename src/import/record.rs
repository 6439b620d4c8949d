//! Imported posts and the outcome of an import.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::post::MediaKind;
use crate::{Counts, Error};

/// The platform a post was published on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Platform {
    /// X (Twitter): numeric snowflake ids, impressions and link clicks.
    X,
    /// Bluesky (AT Protocol): `at://` URIs and CIDs, no impressions.
    Bluesky,
    /// Mastodon (and compatible servers): no impressions.
    Mastodon,
    /// Threads (Meta): views but no link clicks.
    Threads,
    /// LinkedIn (company pages): impressions and clicks, post URNs.
    #[serde(rename = "linkedin")]
    LinkedIn,
    /// A platform the import does not know or was not told: the default of
    /// a mapped CSV ([`ColumnMap`](super::ColumnMap)).
    Other,
}

impl fmt::Display for Platform {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Platform::X => "X",
            Platform::Bluesky => "Bluesky",
            Platform::Mastodon => "Mastodon",
            Platform::Threads => "Threads",
            Platform::LinkedIn => "LinkedIn",
            Platform::Other => "other platform",
        })
    }
}

/// Whether a post is the account's own original post, a reply, or a
/// repost (boost) of someone else's post.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PostKind {
    /// An original post (quote posts included).
    #[default]
    Original,
    /// A reply to another post (the account's own threads included).
    Reply,
    /// A repost or boost of someone else's post.
    Repost,
}

impl fmt::Display for PostKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PostKind::Original => "original",
            PostKind::Reply => "reply",
            PostKind::Repost => "repost",
        })
    }
}

/// One option of a [`Poll`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PollOption {
    /// The option's text.
    pub title: String,
    /// Votes for it; `None` when the server hides them (a poll still
    /// running whose results are hidden, or a platform that reports only
    /// percentages).
    pub votes: Option<u64>,
}

impl PollOption {
    /// An option with its title and votes.
    pub fn new(title: impl Into<String>, votes: Option<u64>) -> Self {
        PollOption {
            title: title.into(),
            votes,
        }
    }
}

/// A poll attached to a post, as the platform reported it when the file
/// was saved. Only the data: the statistics are in [`crate::poll`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Poll {
    /// The options, in order.
    pub options: Vec<PollOption>,
    /// Votes cast in total (in a multiple-choice poll one voter may cast
    /// several), when reported.
    pub votes: Option<u64>,
    /// How many accounts voted, when reported (Mastodon: `voters_count`,
    /// `null` for single-choice polls on old servers).
    pub voters: Option<u64>,
    /// Whether several options may be chosen.
    pub multiple: bool,
    /// Whether the poll had closed, when reported.
    pub expired: Option<bool>,
    /// When the poll closes (or closed), when reported.
    pub expires_at: Option<DateTime<Utc>>,
}

impl Poll {
    /// A single-choice poll with these options (total votes summed when
    /// every option reports its votes; nothing else known). Statistics:
    /// [`crate::poll::analyze_saved_poll`].
    pub fn new(options: Vec<PollOption>) -> Self {
        let votes = options
            .iter()
            .try_fold(0u64, |acc, o| o.votes.and_then(|v| acc.checked_add(v)));
        Poll {
            options,
            votes,
            voters: None,
            multiple: false,
            expired: None,
            expires_at: None,
        }
    }
}

/// Which analytics export or saved API response a file is.
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
    /// Saved Bluesky `app.bsky.feed.getAuthorFeed` responses.
    BlueskyAuthorFeed,
    /// Saved Mastodon `GET /api/v1/accounts/:id/statuses` responses.
    MastodonStatuses,
    /// Saved Threads `GET /{user-id}/threads` media lists joined with
    /// `GET /{media-id}/insights` responses.
    ThreadsMedia,
    /// The "All posts" sheet of a LinkedIn company page's content
    /// analytics export (.xlsx or .xls).
    #[serde(rename = "linkedin_posts")]
    LinkedInPosts,
    /// Any CSV read through a [`ColumnMap`](super::ColumnMap) (a social
    /// media tool's export, an ads export, a spreadsheet of one's own).
    Mapped,
}

impl ExportFormat {
    /// The platform whose posts the format holds.
    pub fn platform(self) -> Platform {
        match self {
            ExportFormat::TweetActivity | ExportFormat::AccountContent => Platform::X,
            ExportFormat::BlueskyAuthorFeed => Platform::Bluesky,
            ExportFormat::MastodonStatuses => Platform::Mastodon,
            ExportFormat::ThreadsMedia => Platform::Threads,
            ExportFormat::LinkedInPosts => Platform::LinkedIn,
            ExportFormat::Mapped => Platform::Other,
        }
    }

    /// Whether the format is an export of rows and lines (CSV, or a
    /// spreadsheet's rows) rather than saved JSON pages (pages and records).
    fn is_csv(self) -> bool {
        matches!(
            self.platform(),
            Platform::X | Platform::LinkedIn | Platform::Other
        )
    }
}

impl fmt::Display for ExportFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ExportFormat::TweetActivity => "tweet activity",
            ExportFormat::AccountContent => "account content",
            ExportFormat::BlueskyAuthorFeed => "Bluesky author feed",
            ExportFormat::MastodonStatuses => "Mastodon statuses",
            ExportFormat::ThreadsMedia => "Threads media",
            ExportFormat::LinkedInPosts => "LinkedIn all posts",
            ExportFormat::Mapped => "mapped CSV",
        })
    }
}

/// One post read from an export or a saved API response, whatever the
/// platform.
///
/// `counts` holds the organic metrics the platform reports, built-in
/// outcomes where they exist and custom outcomes for the rest, zero counts
/// omitted:
///
/// | platform | built-in | custom |
/// |---|---|---|
/// | X | impressions, clicks (URL clicks), reposts, likes, replies, profile visits, follows | `engagements`, `detail_expands`, `hashtag_clicks`, `permalink_clicks`, `bookmarks`, `shares`, `app_opens`, `app_installs`, `email_tweet`, `dial_phone`, `media_views`, `media_engagements` |
/// | Bluesky | likes, reposts, replies, quotes | `bookmarks` (when the response has `bookmarkCount`) |
/// | Mastodon | likes (favourites), reposts (boosts), replies, quotes (`quotes_count`, Mastodon 4.5+) | none |
/// | Threads | likes, reposts, replies, quotes | `views`, `shares` |
/// | LinkedIn | impressions, clicks, likes, replies (comments), reposts, follows | `views`, `offsite_views` |
///
/// Only X and LinkedIn report impressions: a rate metric over impressions
/// cannot be analysed on the others. A LinkedIn post's sponsored row goes
/// to `promoted`. `promoted` holds the tweet-activity export's
/// `promoted ...` columns when the post was promoted (any promoted cell
/// other than `-` or empty).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostRecord {
    /// The post id: the X or Threads numeric id, the Bluesky `at://` URI,
    /// the Mastodon status id (as a string: ids of different platforms do
    /// not fit one number). [`PostRecord::x_id`] gives an X id as a number.
    pub id: String,
    /// The platform.
    pub platform: Platform,
    /// When it was posted (X: the `time` column, or decoded from the id;
    /// Bluesky: `record.createdAt`; Mastodon: `created_at`; Threads:
    /// `timestamp`), in UTC.
    pub posted_at: DateTime<Utc>,
    /// The post text, plain (Mastodon's HTML turned into text; may contain
    /// newlines).
    pub text: String,
    /// The permalink (a web page), if known: the export's link column, the
    /// `bsky.app` page of a Bluesky post, Mastodon's `url`, Threads'
    /// `permalink`.
    pub link: Option<String>,
    /// The platform's own URI of the post when it differs from the id and
    /// the permalink: Mastodon's ActivityPub `uri`. (A Bluesky post's URI
    /// is its id.)
    pub uri: Option<String>,
    /// The Bluesky content id (`cid`) of the post's record version.
    pub cid: Option<String>,
    /// The media the post carries.
    pub media: MediaKind,
    /// Original post, reply or repost.
    pub kind: PostKind,
    /// The links the post points to, in order, without duplicates: link
    /// facets and the link card (Bluesky), link hrefs other than mentions
    /// and hashtags and the card (Mastodon), the link attachment (Threads).
    /// Empty for X exports (the links are in the text).
    pub links: Vec<String>,
    /// Organic counts.
    pub counts: Counts,
    /// Promoted counts, if the post was promoted (X tweet-activity; a
    /// LinkedIn post's sponsored row). Boxed, as the poll is: most posts
    /// have neither, and a record that holds them inline is twice the size
    /// of one that does not, which an import of many rows pays for.
    pub promoted: Option<Box<Counts>>,
    /// The poll, if the post has one and the platform reports it.
    pub poll: Option<Box<Poll>>,
    /// For a CSV export, the 1-based line of the file where the row starts;
    /// 0 for saved JSON responses (see `page` and `record`).
    pub line: u64,
    /// For saved JSON responses, the 0-based index of the page (the
    /// string or file) the post was last read from; for X exports read
    /// together ([`read_exports`](super::read_exports)), the index of the
    /// file (`None` for a single export).
    pub page: Option<usize>,
    /// For saved JSON responses, the 0-based index of the post in its page.
    pub record: Option<usize>,
    /// The variant label the file gives the post (a mapped CSV's variant
    /// or campaign column, [`ColumnMap::variant`](super::ColumnMap::variant)):
    /// [`VariantRules::labels`](super::VariantRules::labels) groups by it.
    pub variant: Option<String>,
    /// What was spent promoting the post (a mapped CSV's spend column,
    /// [`ColumnMap::spend`](super::ColumnMap::spend)): the exposure of
    /// [`crate::promoted`]. Goes with the `promoted` counts, never with the
    /// organic ones.
    pub spend: Option<Spend>,
    /// The cells of a mapped CSV's columns that the map does not use:
    /// `(header, cell)` in column order, trimmed, empty cells left out
    /// ([`PostRecord::tag`] finds one).
    pub tags: Vec<(String, String)>,
}

/// Money spent on promoting a post: an exact amount in millionths of the
/// currency unit (as the X Ads API reports `billed_charge_local_micro`), and
/// the currency's ISO 4217 code.
///
/// Reading from serde checks the code (three ASCII capital letters).
///
/// # Example
///
/// ```
/// use postab::import::Spend;
///
/// let s = Spend::from_decimal("12.345", "USD")?;
/// assert_eq!(s.micros(), 12_345_000);
/// assert_eq!(s.amount(), 12.345);
/// assert_eq!(s.to_string(), "12.35 USD");
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "SpendRepr")]
pub struct Spend {
    micros: u64,
    currency: String,
}

#[derive(Deserialize)]
struct SpendRepr {
    micros: u64,
    currency: String,
}

impl TryFrom<SpendRepr> for Spend {
    type Error = Error;
    fn try_from(r: SpendRepr) -> Result<Self, Error> {
        Spend::new(r.micros, r.currency)
    }
}

impl Spend {
    /// `micros` millionths of `currency`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCurrency`] unless `currency` is three ASCII capital
    /// letters (an ISO 4217 code such as `USD`, `EUR`, `JPY`).
    pub fn new(micros: u64, currency: impl Into<String>) -> Result<Self, Error> {
        Ok(Spend {
            micros,
            currency: check_currency(currency.into())?,
        })
    }

    /// An amount written in decimal (`12.5`, `0.031`, `1200`), rounded to
    /// the nearest millionth (halves up).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidCurrency`] as [`Spend::new`]; [`Error::InvalidAmount`]
    /// for anything but digits with at most one decimal point (no sign, no
    /// exponent), or an amount above 18 446 744 073 709 (2⁶⁴ millionths).
    pub fn from_decimal(amount: &str, currency: impl Into<String>) -> Result<Self, Error> {
        let micros =
            parse_micros(amount.trim().as_bytes()).ok_or_else(|| Error::InvalidAmount {
                value: amount.to_string(),
            })?;
        Spend::new(micros, currency)
    }

    /// The amount in millionths of the currency unit.
    pub fn micros(&self) -> u64 {
        self.micros
    }

    /// The amount in currency units.
    pub fn amount(&self) -> f64 {
        self.micros as f64 / 1e6
    }

    /// The ISO 4217 code.
    pub fn currency(&self) -> &str {
        &self.currency
    }
}

/// `12.35 USD`: the amount to the cent, and the currency.
impl fmt::Display for Spend {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:.2} {}", self.amount(), self.currency)
    }
}

pub(crate) fn check_currency(code: String) -> Result<String, Error> {
    if code.len() == 3 && code.bytes().all(|b| b.is_ascii_uppercase()) {
        Ok(code)
    } else {
        Err(Error::InvalidCurrency { code })
    }
}

/// A decimal amount (`12`, `12.5`, `.5`, `12.`) in millionths, rounded half
/// up; `None` for anything else or an overflow.
pub(crate) fn parse_micros(s: &[u8]) -> Option<u64> {
    let (int, frac) = match s.iter().position(|&b| b == b'.') {
        Some(p) => (&s[..p], &s[p + 1..]),
        None => (s, &b""[..]),
    };
    if (int.is_empty() && frac.is_empty()) || !int.iter().chain(frac).all(u8::is_ascii_digit) {
        return None;
    }
    let mut micros: u64 = 0;
    for &b in int {
        micros = micros.checked_mul(10)?.checked_add(u64::from(b - b'0'))?;
    }
    let mut scale = 100_000u64;
    let mut fraction = 0u64;
    for &b in frac.iter().take(6) {
        fraction += u64::from(b - b'0') * scale;
        scale /= 10;
    }
    let round_up = frac.get(6).is_some_and(|&b| b >= b'5');
    micros
        .checked_mul(1_000_000)?
        .checked_add(fraction)?
        .checked_add(u64::from(round_up))
}

/// Which of a post's counts: the organic ones ([`PostRecord::counts`]) or
/// the promoted ones ([`PostRecord::promoted`]). Never summed by postab:
/// paid reach is bought, organic reach is not, and the two answer
/// different questions ([`crate::promoted`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Reach {
    /// Organic counts.
    #[default]
    Organic,
    /// Promoted (paid) counts.
    Promoted,
}

impl fmt::Display for Reach {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Reach::Organic => "organic",
            Reach::Promoted => "promoted",
        })
    }
}

impl PostRecord {
    /// A text-only original post with no counts: the start of a record
    /// built by hand (tests, other sources).
    ///
    /// # Example
    ///
    /// ```
    /// use postab::import::{Platform, PostRecord};
    ///
    /// let at = "2026-07-14T08:00:00Z".parse()?;
    /// let mut post = PostRecord::new(Platform::Mastodon, "113000000000000001", at);
    /// post.text = "Hello #q".to_string();
    /// assert_eq!(post.x_id(), None);
    /// # Ok::<(), postab::chrono::ParseError>(())
    /// ```
    pub fn new(platform: Platform, id: impl Into<String>, posted_at: DateTime<Utc>) -> Self {
        PostRecord {
            id: id.into(),
            platform,
            posted_at,
            text: String::new(),
            link: None,
            uri: None,
            cid: None,
            media: MediaKind::TextOnly,
            kind: PostKind::Original,
            links: Vec::new(),
            counts: Counts::new(),
            promoted: None,
            poll: None,
            line: 0,
            page: None,
            record: None,
            variant: None,
            spend: None,
            tags: Vec::new(),
        }
    }

    /// The cell of the tag column `header` (ASCII case ignored), if the
    /// post has it ([`PostRecord::tags`]).
    pub fn tag(&self, header: &str) -> Option<&str> {
        self.tags
            .iter()
            .find(|(h, _)| h.eq_ignore_ascii_case(header))
            .map(|(_, v)| v.as_str())
    }

    /// The organic or the promoted counts (`None`: the post was not
    /// promoted).
    pub fn counts_of(&self, reach: Reach) -> Option<&Counts> {
        match reach {
            Reach::Organic => Some(&self.counts),
            Reach::Promoted => self.promoted.as_deref(),
        }
    }

    /// The numeric id of an X post (`None` on other platforms or if the id
    /// is not a number): the input of [`snowflake_time`](super::snowflake_time).
    pub fn x_id(&self) -> Option<u64> {
        if self.platform == Platform::X {
            self.id.parse().ok()
        } else {
            None
        }
    }
}

/// A row or record skipped by a lenient import, and why.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct SkippedRow {
    /// The 1-based line where the row starts (CSV); 0 for saved JSON
    /// responses, whose error names the page, the record and the field.
    pub line: u64,
    /// The error a strict import would have returned.
    #[serde(serialize_with = "display")]
    pub error: Error,
}

impl SkippedRow {
    /// Why the row was skipped, in a few words: `non-numeric count`,
    /// `negative count`, `clicks exceed impressions`, `invalid cell`,
    /// `malformed CSV`, `invalid record` (saved JSON), or `other`.
    pub fn reason(&self) -> &'static str {
        fn of(e: &Error) -> &'static str {
            match e {
                Error::NonNumericCount { .. } => "non-numeric count",
                Error::NegativeCount { .. } => "negative count",
                Error::ClicksExceedImpressions { .. } => "clicks exceed impressions",
                Error::InvalidCell { .. } => "invalid cell",
                Error::MalformedCsv { .. } => "malformed CSV",
                Error::Import(_) => "invalid record",
                Error::InFile { error, .. } | Error::InSheet { error, .. } => of(error),
                _ => "other",
            }
        }
        of(&self.error)
    }
}

fn display<S: serde::Serializer>(e: &Error, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(e)
}

/// Something an import noticed without failing: a post it left out on
/// purpose, one it could not see, one read twice, one without counts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct Notice {
    /// What happened.
    pub kind: NoticeKind,
    /// The 0-based index of the page (string or file); for X exports the
    /// index of the file (0 for a single export).
    pub page: usize,
    /// The 0-based index of the record in its page; for X exports (CSV)
    /// the 1-based line where the row starts.
    pub record: usize,
    /// The post's id (or URI), when the record has one.
    pub id: Option<String>,
}

/// What a [`Notice`] reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NoticeKind {
    /// A repost or boost of someone else's post: left out.
    Repost,
    /// A reply: left out (unless replies are kept).
    Reply,
    /// A deleted, blocked or otherwise unavailable post
    /// (Bluesky `notFoundPost`, `blockedPost`): left out.
    Unavailable,
    /// The same post again (overlapping pages or files): the later
    /// snapshot replaces the earlier one, keeping its place.
    Duplicate,
    /// A Threads post without an insights response: kept, with no counts.
    NoInsights,
    /// A Threads insights response for a post not in the media list:
    /// ignored.
    UnmatchedInsights,
}

impl fmt::Display for NoticeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            NoticeKind::Repost => "repost of another account's post, left out",
            NoticeKind::Reply => "reply, left out",
            NoticeKind::Unavailable => "unavailable (deleted or blocked) post, left out",
            NoticeKind::Duplicate => "read again, the later snapshot kept",
            NoticeKind::NoInsights => "no insights, kept with no counts",
            NoticeKind::UnmatchedInsights => "insights for a post not in the media list, ignored",
        })
    }
}

/// `page 0, record 3 (at://…): reply, left out`.
impl fmt::Display for Notice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "page {}, record {}", self.page, self.record)?;
        if let Some(id) = &self.id {
            write!(f, " ({id})")?;
        }
        write!(f, ": {}", self.kind)
    }
}

/// What an import read.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct ImportReport {
    /// The detected (or requested) format.
    pub format: ExportFormat,
    /// The posts read, in file (page) order.
    pub posts: Vec<PostRecord>,
    /// Rows skipped in lenient mode (always empty in strict mode).
    pub skipped: Vec<SkippedRow>,
    /// Posts left out on purpose or read with a caveat (JSON readers), or
    /// read again (all readers, X exports included: the later snapshot
    /// kept, [`NoticeKind::Duplicate`]).
    pub notices: Vec<Notice>,
}

impl ImportReport {
    /// An empty report of `format`.
    #[cfg(any(feature = "csv", feature = "json", feature = "linkedin"))]
    pub(crate) fn empty(format: ExportFormat) -> Self {
        ImportReport {
            format,
            posts: Vec::new(),
            skipped: Vec::new(),
            notices: Vec::new(),
        }
    }

    /// How many notices are of `kind`.
    pub fn notice_count(&self, kind: NoticeKind) -> usize {
        self.notices.iter().filter(|n| n.kind == kind).count()
    }

    /// How many rows (records) a lenient import skipped.
    pub fn skipped_count(&self) -> usize {
        self.skipped.len()
    }

    /// Why rows were skipped: each reason ([`SkippedRow::reason`]) with how
    /// many rows it skipped, most frequent first (ties in order of first
    /// appearance). Empty if none was.
    ///
    /// # Example
    ///
    /// ```
    /// # #[cfg(feature = "csv")] {
    /// use postab::import::{read_export_str, ImportMode};
    ///
    /// let csv = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks
    /// 2076939755320246272,\"Tue, Jul 14, 2026\",A #q,,1000,5,40,0,0,0,1,2,3,4,30,0,0
    /// 2077370090910646272,\"Wed, Jul 15, 2026\",B #s,,900,x,30,0,0,0,0,1,2,2,20,0,0
    /// 2077370090910646273,\"Wed, Jul 15, 2026\",C #s,,900,3,30,0,0,0,0,1,2,2,2000,0,0
    /// 2077370090910646274,\"Wed, Jul 15, 2026\",D #s,,900,-,y,0,0,0,0,1,2,2,20,0,0
    /// ";
    /// let report = read_export_str(csv, ImportMode::Lenient)?;
    /// assert_eq!(report.skipped_count(), 3);
    /// assert_eq!(
    ///     report.skipped_summary(),
    ///     [("non-numeric count", 2), ("clicks exceed impressions", 1)]
    /// );
    /// # }
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn skipped_summary(&self) -> Vec<(&'static str, usize)> {
        let mut counts: Vec<(&'static str, usize)> = Vec::new();
        for row in &self.skipped {
            let reason = row.reason();
            match counts.iter_mut().find(|(r, _)| *r == reason) {
                Some((_, n)) => *n += 1,
                None => counts.push((reason, 1)),
            }
        }
        counts.sort_by_key(|&(_, n)| std::cmp::Reverse(n));
        counts
    }
}

/// How an import treats a malformed row.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ImportMode {
    /// The first malformed row (or record) is an error naming where it is.
    #[default]
    Strict,
    /// Malformed rows are skipped and listed in [`ImportReport::skipped`].
    Lenient,
}

/// `post 2076939755320246272 at 2026-07-14 08:00 UTC: 1000 impressions, …`
/// (the counts as their `Display`), `(promoted)` when promoted; posts of
/// other platforms than X start with the platform (`Bluesky post at://…`).
impl fmt::Display for PostRecord {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.platform != Platform::X {
            write!(f, "{} ", self.platform)?;
        }
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

/// `line 4: <the error>` (CSV), the error alone for JSON records.
impl fmt::Display for SkippedRow {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.line > 0 {
            write!(f, "line {}: ", self.line)?;
        }
        write!(f, "{}", self.error)
    }
}

/// `account content export: 2 posts, 1 row skipped` (and `, 1 notice`
/// when some row repeated an earlier post), one line per skipped row and
/// per notice (`file 0, line 7 (2076…): read again, the later snapshot
/// kept`), then, when rows were skipped, how many for each reason
/// (`skipped: 2 non-numeric count, 1 invalid cell`); for saved JSON
/// responses `Bluesky author feed: 2 posts, 1 record skipped, 3 notices`,
/// one line per skipped record and notice, and the reasons likewise.
impl fmt::Display for ImportReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let plural = |n: usize| if n == 1 { "" } else { "s" };
        let (posts, skipped) = (self.posts.len(), self.skipped.len());
        if self.format.is_csv() {
            write!(
                f,
                "{} export: {posts} post{}, {skipped} row{} skipped",
                self.format,
                plural(posts),
                plural(skipped)
            )?;
            if !self.notices.is_empty() {
                let n = self.notices.len();
                write!(f, ", {n} notice{}", plural(n))?;
            }
        } else {
            let notices = self.notices.len();
            write!(
                f,
                "{}: {posts} post{}, {skipped} record{} skipped, {notices} notice{}",
                self.format,
                plural(posts),
                plural(skipped),
                plural(notices)
            )?;
        }
        for row in &self.skipped {
            write!(f, "\n  {row}")?;
        }
        for notice in &self.notices {
            if self.format.is_csv() {
                write!(f, "\n  file {}, line {}", notice.page, notice.record)?;
                if let Some(id) = &notice.id {
                    write!(f, " ({id})")?;
                }
                write!(f, ": {}", notice.kind)?;
            } else {
                write!(f, "\n  {notice}")?;
            }
        }
        let summary = self.skipped_summary();
        if !summary.is_empty() {
            f.write_str("\n  skipped:")?;
            for (i, (reason, n)) in summary.iter().enumerate() {
                write!(f, "{} {n} {reason}", if i == 0 { "" } else { "," })?;
            }
        }
        Ok(())
    }
}
