//! Saved Mastodon `GET /api/v1/accounts/:id/statuses` responses.
//!
//! A page is a JSON array of Status entities
//! (<https://docs.joinmastodon.org/entities/Status/>).

use std::path::Path;

use serde_json::Value;

use super::ReadOptions;
use super::html;
use super::json::{
    Collector, Ctx, Page, Res, Shape, add_link, at, opt_bool, opt_count, opt_str, parse_page,
    parse_time, read_files, req_count, req_str, req_time,
};
use super::record::{
    ExportFormat, ImportReport, NoticeKind, Platform, Poll, PollOption, PostKind, PostRecord,
};
use crate::post::MediaKind;
use crate::{Counts, Outcome, Result};

/// Reads saved Mastodon statuses: one JSON page (an array of Status) per
/// string, the bodies of successive `GET /api/v1/accounts/:id/statuses`
/// calls in any order.
///
/// Each status becomes a [`PostRecord`] with its `id`, `url` (the
/// permalink, `link`) and `uri` (`uri`), the time (`created_at`, in UTC),
/// the text of its HTML `content` (tags stripped, `<br>` a newline, a
/// paragraph break a blank line, entities decoded, link text kept), the
/// hrefs of its links (other than mentions and hashtags) and of its card
/// in `links`, counts `favourites_count` (likes), `reblogs_count`
/// (reposts), `replies_count` (replies) and `quotes_count` (quotes, when
/// present), no impressions (Mastodon reports none), its media
/// (`media_attachments`: image, `gifv` a GIF, video, audio counted as
/// video; else a `poll`; else a `card`: link card) and its [`Poll`]
/// (options with `votes_count`, `None` when hidden, `votes_count`,
/// `voters_count`, `multiple`, `expired`, `expires_at`).
///
/// Left out, each listed in [`ImportReport::notices`]: boosts (`reblog`
/// set) and replies (`in_reply_to_id` set) unless [`ReadOptions::replies`].
/// A status read twice keeps the last snapshot in the place of the first.
///
/// # Errors
///
/// [`Error::Import`](crate::Error::Import), naming the page, the record
/// (index and id) and the field: `WrongPlatform` for another response (a
/// Bluesky feed, a Threads list) in both modes; in strict mode (skipped
/// and listed in lenient mode) `MalformedJson`, `ApiError` (a saved
/// `{"error": "..."}` body), `MissingField` (`id`, `created_at`,
/// `content`, `favourites_count`, `reblogs_count`, `replies_count`) and
/// `InvalidField`.
///
/// # Example
///
/// ```
/// use postab::import::{read_mastodon, ReadOptions};
/// use postab::post::MediaKind;
///
/// let page = r#"[{"id": "113000000000000001", "created_at": "2026-07-14T08:00:00.000Z",
///   "uri": "https://mastodon.example/users/sam/statuses/113000000000000001",
///   "url": "https://mastodon.example/@sam/113000000000000001",
///   "content": "<p>Rock &amp; roll?<br>Yes &#8212; <a href=\"https://blog.example/a\">blog.example/a</a></p>",
///   "in_reply_to_id": null, "reblog": null, "media_attachments": [], "card": null, "poll": null,
///   "favourites_count": 7, "reblogs_count": 2, "replies_count": 1}]"#;
/// let report = read_mastodon(&[page], &ReadOptions::strict())?;
/// let post = &report.posts[0];
/// assert_eq!(post.text, "Rock & roll?\nYes — blog.example/a");
/// assert_eq!(post.links, ["https://blog.example/a"]);
/// assert_eq!((post.counts.likes(), post.counts.reposts(), post.counts.replies()), (7, 2, 1));
/// assert_eq!(post.media, MediaKind::TextOnly);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn read_mastodon<S: AsRef<str>>(pages: &[S], options: &ReadOptions) -> Result<ImportReport> {
    let pages = Page::texts(pages);
    read_pages(&pages, options)
}

/// [`read_mastodon`] from one saved file.
///
/// # Errors
///
/// [`Error::ReadFailed`](crate::Error::ReadFailed) naming the path if it
/// cannot be read; otherwise as [`read_mastodon`], naming the file.
pub fn read_mastodon_path(path: impl AsRef<Path>, options: &ReadOptions) -> Result<ImportReport> {
    read_mastodon_paths(&[path], options)
}

/// [`read_mastodon`] from saved files, one page each, page `i` being
/// `paths[i]`.
///
/// # Errors
///
/// As [`read_mastodon_path`].
pub fn read_mastodon_paths<P: AsRef<Path>>(
    paths: &[P],
    options: &ReadOptions,
) -> Result<ImportReport> {
    let files = read_files(paths)?;
    let pages = Page::files(&files);
    read_pages(&pages, options)
}

fn read_pages(pages: &[Page<'_>], options: &ReadOptions) -> Result<ImportReport> {
    let mut out = Collector::new(ExportFormat::MastodonStatuses, options.mode);
    for (p, page) in pages.iter().enumerate() {
        let ctx = Ctx::page(Platform::Mastodon, p, page.file);
        // The fast path: a page of statuses read without building a tree;
        // anything unusual goes through the general path, which also names
        // every error.
        if let Some(statuses) = fast::whole_page(&ctx, page.text, options) {
            for (r, status) in statuses.into_iter().enumerate() {
                match status {
                    Ok(post) => out.push(*post),
                    Err((kind, id)) => out.notice(kind, p, r, Some(&id)),
                }
            }
            continue;
        }
        if let Some(raws) = fast::page(page.text) {
            for (r, raw) in raws.iter().enumerate() {
                let ctx = ctx.at(r);
                match fast::status(&ctx, raw.get(), options) {
                    Some(Ok(post)) => out.push(*post),
                    Some(Err((kind, id))) => out.notice(kind, p, r, Some(&id)),
                    None => {
                        if let Ok(value) = serde_json::from_str::<Value>(raw.get()) {
                            take(&mut out, status_of(&ctx, &value, options), p, r)?;
                        }
                    }
                }
            }
            continue;
        }
        let Some(Value::Array(items)) = parse_page(&mut out, &ctx, page, Shape::MastodonStatuses)?
        else {
            continue;
        };
        for (r, item) in items.iter().enumerate() {
            take(&mut out, status_of(&ctx.at(r), item, options), p, r)?;
        }
    }
    Ok(out.report)
}

/// Records what became of status `r` of page `p`.
fn take(out: &mut Collector, status: Res<Status<'_>>, p: usize, r: usize) -> Result<()> {
    match status {
        Ok(Ok(post)) => out.push(*post),
        Ok(Err((kind, id))) => out.notice(kind, p, r, Some(id)),
        Err(e) => out.fail(e)?,
    }
    Ok(())
}

type Status<'v> = std::result::Result<Box<PostRecord>, (NoticeKind, &'v str)>;

fn status_of<'v>(ctx: &Ctx<'_>, item: &'v Value, options: &ReadOptions) -> Res<Status<'v>> {
    if !item.is_object() {
        return Err(ctx.invalid("", item, "a Status (an object)"));
    }
    let id = req_str(ctx, item, "id")?;
    let ctx = &ctx.with_id(id);
    if at(item, "reblog").is_some() {
        return Ok(Err((NoticeKind::Repost, id)));
    }
    let kind = if at(item, "in_reply_to_id").is_some() {
        PostKind::Reply
    } else {
        PostKind::Original
    };
    if kind == PostKind::Reply && !options.replies {
        return Ok(Err((NoticeKind::Reply, id)));
    }
    let posted_at = req_time(ctx, item, "created_at")?;
    let (text, mut links) = html::to_text(req_str(ctx, item, "content")?);
    let mut counts = Counts::new();
    for (field, outcome) in [
        ("favourites_count", Outcome::Like),
        ("reblogs_count", Outcome::Repost),
        ("replies_count", Outcome::Reply),
    ] {
        counts.add_saturating(&outcome, req_count(ctx, item, field)?);
    }
    if let Some(n) = opt_count(ctx, item, "quotes_count")? {
        counts.add_saturating(&Outcome::Quote, n);
    }
    let mut media = MediaKind::TextOnly;
    if let Some(card) = at(item, "card") {
        media = MediaKind::LinkCard;
        if let Some(url) = opt_str(ctx, card, "url").map_err(|e| prefixed(e, "card."))? {
            add_link(&mut links, url);
        }
    }
    let poll = match at(item, "poll") {
        Some(poll) => {
            media = MediaKind::Poll;
            Some(poll_of(ctx, poll)?)
        }
        None => None,
    };
    match at(item, "media_attachments") {
        None => {}
        Some(Value::Array(attachments)) => {
            for i in 0..attachments.len() {
                let field = format!("media_attachments.{i}.type");
                let found = match opt_str(ctx, item, &field)? {
                    Some("image") => MediaKind::Image,
                    Some("gifv") => MediaKind::Gif,
                    Some("video" | "audio") => MediaKind::Video,
                    _ => continue,
                };
                let rank = |m: MediaKind| match m {
                    MediaKind::Video => 3,
                    MediaKind::Gif => 2,
                    MediaKind::Image => 1,
                    _ => 0,
                };
                if rank(found) > rank(media) {
                    media = found;
                }
            }
        }
        Some(other) => {
            return Err(ctx.invalid("media_attachments", other, "an array of attachments"));
        }
    }
    let mut out = PostRecord::new(Platform::Mastodon, id, posted_at);
    out.text = text;
    out.link = opt_str(ctx, item, "url")?.map(str::to_string);
    out.uri = opt_str(ctx, item, "uri")?.map(str::to_string);
    out.media = media;
    out.kind = kind;
    out.links = links;
    out.counts = counts;
    out.poll = poll.map(Box::new);
    out.page = Some(ctx.page);
    out.record = ctx.record;
    Ok(Ok(Box::new(out)))
}

/// An error inside a sub-object, its field prefixed with the path to it.
fn prefixed(mut e: Box<super::ImportError>, prefix: &str) -> Box<super::ImportError> {
    e.field = e.field.map(|f| format!("{prefix}{f}"));
    e
}

fn poll_of(ctx: &Ctx<'_>, poll: &Value) -> Res<Poll> {
    let p = |e| prefixed(e, "poll.");
    let options = match at(poll, "options") {
        None => Vec::new(),
        Some(Value::Array(options)) => options
            .iter()
            .enumerate()
            .map(|(i, o)| {
                let title = req_str(ctx, o, "title")
                    .map_err(|e| prefixed(e, &format!("poll.options.{i}.")))?;
                let votes = opt_count(ctx, o, "votes_count")
                    .map_err(|e| prefixed(e, &format!("poll.options.{i}.")))?;
                Ok(PollOption::new(title, votes))
            })
            .collect::<Res<Vec<_>>>()?,
        Some(other) => return Err(ctx.invalid("poll.options", other, "an array of options")),
    };
    let expires_at = match opt_str(ctx, poll, "expires_at").map_err(p)? {
        None => None,
        Some(s) => Some(parse_time(s).ok_or_else(|| {
            ctx.invalid(
                "poll.expires_at",
                &Value::String(s.to_string()),
                "an RFC 3339 time",
            )
        })?),
    };
    Ok(Poll {
        options,
        votes: opt_count(ctx, poll, "votes_count").map_err(p)?,
        voters: opt_count(ctx, poll, "voters_count").map_err(p)?,
        multiple: opt_bool(ctx, poll, "multiple").map_err(p)?.unwrap_or(false),
        expired: opt_bool(ctx, poll, "expired").map_err(p)?,
        expires_at,
    })
}

/// Typed, borrowing views of the usual shapes: most statuses are read
/// without building a JSON tree. A status these do not fit (a missing or
/// mistyped field, a poll, a count written `12.0`) returns `None` and is
/// read by the general path, so both give the same records and only the
/// general path reports errors.
mod fast {
    use std::borrow::Cow;

    use serde::Deserialize;
    use serde::de::IgnoredAny;
    use serde_json::value::RawValue;

    use super::{Ctx, NoticeKind, PostKind, PostRecord, ReadOptions, html};
    use crate::import::json::{add_link, parse_time};
    use crate::import::record::Platform;
    use crate::post::MediaKind;
    use crate::{Counts, Outcome};

    /// The statuses of a page that is a JSON array whose first element
    /// looks like a status (or an empty array); `None` otherwise.
    pub(super) fn page(text: &str) -> Option<Vec<&RawValue>> {
        let raws: Vec<&RawValue> = serde_json::from_str(text).ok()?;
        if let Some(first) = raws.first() {
            let first: serde_json::Map<String, serde_json::Value> =
                serde_json::from_str(first.get()).ok()?;
            if !["created_at", "content", "favourites_count"]
                .iter()
                .any(|k| first.contains_key(*k))
            {
                return None;
            }
        }
        Some(raws)
    }

    #[derive(Deserialize)]
    struct Status<'a> {
        #[serde(borrow)]
        id: Cow<'a, str>,
        #[serde(borrow)]
        created_at: Cow<'a, str>,
        #[serde(borrow)]
        content: Cow<'a, str>,
        reblog: Option<IgnoredAny>,
        in_reply_to_id: Option<IgnoredAny>,
        favourites_count: u64,
        reblogs_count: u64,
        replies_count: u64,
        quotes_count: Option<u64>,
        #[serde(borrow)]
        card: Option<Card<'a>>,
        poll: Option<IgnoredAny>,
        #[serde(borrow)]
        media_attachments: Option<Vec<Attachment<'a>>>,
        #[serde(borrow)]
        url: Option<Cow<'a, str>>,
        #[serde(borrow)]
        uri: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    struct Card<'a> {
        #[serde(borrow)]
        url: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    struct Attachment<'a> {
        #[serde(rename = "type", borrow)]
        kind: Option<Cow<'a, str>>,
    }

    type Read = Result<Box<PostRecord>, (NoticeKind, String)>;

    /// Every status of a page read by the fast path in one pass, or
    /// `None` if any status needs another path.
    pub(super) fn whole_page(
        ctx: &Ctx<'_>,
        text: &str,
        options: &ReadOptions,
    ) -> Option<Vec<Read>> {
        let statuses: Vec<Status<'_>> = serde_json::from_str(text).ok()?;
        statuses
            .into_iter()
            .enumerate()
            .map(|(r, s)| convert(&ctx.at(r), s, options))
            .collect()
    }

    /// The status read by the fast path, or `None`: use the general one.
    pub(super) fn status(ctx: &Ctx<'_>, text: &str, options: &ReadOptions) -> Option<Read> {
        convert(ctx, serde_json::from_str(text).ok()?, options)
    }

    fn convert(ctx: &Ctx<'_>, s: Status<'_>, options: &ReadOptions) -> Option<Read> {
        if s.poll.is_some() {
            return None;
        }
        if s.reblog.is_some() {
            return Some(Err((NoticeKind::Repost, s.id.into_owned())));
        }
        let kind = if s.in_reply_to_id.is_some() {
            PostKind::Reply
        } else {
            PostKind::Original
        };
        if kind == PostKind::Reply && !options.replies {
            return Some(Err((NoticeKind::Reply, s.id.into_owned())));
        }
        let posted_at = parse_time(&s.created_at)?;
        let (text, mut links) = html::to_text(&s.content);
        let mut counts = Counts::new();
        counts.add_saturating(&Outcome::Like, s.favourites_count);
        counts.add_saturating(&Outcome::Repost, s.reblogs_count);
        counts.add_saturating(&Outcome::Reply, s.replies_count);
        if let Some(n) = s.quotes_count {
            counts.add_saturating(&Outcome::Quote, n);
        }
        let mut media = MediaKind::TextOnly;
        if let Some(card) = &s.card {
            media = MediaKind::LinkCard;
            if let Some(url) = &card.url {
                add_link(&mut links, url);
            }
        }
        let rank = |m: MediaKind| match m {
            MediaKind::Video => 3,
            MediaKind::Gif => 2,
            MediaKind::Image => 1,
            _ => 0,
        };
        for a in s.media_attachments.iter().flatten() {
            let found = match a.kind.as_deref() {
                Some("image") => MediaKind::Image,
                Some("gifv") => MediaKind::Gif,
                Some("video" | "audio") => MediaKind::Video,
                _ => continue,
            };
            if rank(found) > rank(media) {
                media = found;
            }
        }
        let mut out = PostRecord::new(Platform::Mastodon, s.id, posted_at);
        out.text = text;
        out.link = s.url.map(Cow::into_owned);
        out.uri = s.uri.map(Cow::into_owned);
        out.media = media;
        out.kind = kind;
        out.links = links;
        out.counts = counts;
        out.page = Some(ctx.page);
        out.record = ctx.record;
        Some(Ok(Box::new(out)))
    }

    #[cfg(test)]
    mod tests {
        use super::super::status_of;
        use super::*;

        /// Both paths read every status of the fixtures alike.
        #[test]
        fn same_records_as_the_general_path() {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import");
            let mut n = 0;
            for name in [
                "mastodon_statuses_page1.json",
                "mastodon_statuses_page2.json",
            ] {
                let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
                for (r, raw) in page(&text).unwrap().iter().enumerate() {
                    let ctx = Ctx::page(Platform::Mastodon, 0, None).at(r);
                    for options in [
                        ReadOptions::strict(),
                        ReadOptions::strict().keep_replies(true),
                    ] {
                        let value: serde_json::Value = serde_json::from_str(raw.get()).unwrap();
                        let general = status_of(&ctx, &value, &options)
                            .ok()
                            .map(|s| s.map_err(|(k, id)| (k, id.to_string())));
                        if let Some(fast) = status(&ctx, raw.get(), &options) {
                            n += 1;
                            assert_eq!(Some(fast), general, "{name} item {r}");
                        }
                    }
                }
            }
            assert!(n >= 14, "the fast path read {n} statuses");
        }
    }
}
