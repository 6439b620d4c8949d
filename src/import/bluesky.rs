//! Saved Bluesky `app.bsky.feed.getAuthorFeed` responses.
//!
//! A page is `{"feed": [feedViewPost, ...], "cursor": "..."}`; a
//! `feedViewPost` is `{"post": postView, "reply": replyRef?, "reason":
//! reasonRepost | reasonPin?}` (lexicon `app.bsky.feed.defs`, documented at
//! <https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed>).

use std::path::Path;

use serde_json::Value;

use super::ReadOptions;
use super::json::{
    Collector, Ctx, Page, Res, Shape, add_link, at, opt_count, opt_str, parse_page, read_files,
    req_str, req_time,
};
use super::record::{ExportFormat, ImportReport, NoticeKind, Platform, PostKind, PostRecord};
use crate::post::MediaKind;
use crate::{Counts, Outcome, Result};

const REPOST: &str = "app.bsky.feed.defs#reasonRepost";
const NOT_FOUND: &str = "app.bsky.feed.defs#notFoundPost";
const BLOCKED: &str = "app.bsky.feed.defs#blockedPost";

/// Reads saved Bluesky author feeds: one JSON page per string (the bodies
/// of successive `app.bsky.feed.getAuthorFeed` calls, in any order).
///
/// Each post becomes a [`PostRecord`] with id = its `at://` URI, `cid`,
/// the `bsky.app` permalink, the text (`record.text`), the time
/// (`record.createdAt`, any offset, in UTC), counts `likeCount`,
/// `repostCount`, `replyCount`, `quoteCount` (likes, reposts, replies,
/// quotes; `bookmarkCount` as custom `bookmarks`; absent counts are 0; no
/// impressions: Bluesky reports none), the media of its embed
/// (`app.bsky.embed.images#view`: image, `video#view`: video,
/// `external#view`: link card, or a GIF when it points to
/// `media.tenor.com`; `recordWithMedia#view`: its media; a quote alone
/// (`record#view`): text only) and the links of its link facets and card.
///
/// Left out, each listed in [`ImportReport::notices`]: the account's
/// reposts of other posts (`reason.$type` = `...#reasonRepost`), replies
/// (`record.reply` set) unless [`ReadOptions::replies`], and
/// `notFoundPost` / `blockedPost` items. A post read twice (overlapping
/// pages, or pinned with `reasonPin` and again in its place) keeps the last
/// snapshot in the place of the first.
///
/// # Errors
///
/// [`Error::Import`](crate::Error::Import), naming the page, the record
/// (index and URI) and the field: [`ImportErrorKind::WrongPlatform`](super::ImportErrorKind::WrongPlatform)
/// for another response (a Mastodon array, a Threads list) in both modes;
/// in strict mode (skipped and listed in lenient mode)
/// `MalformedJson`, `ApiError` (a saved `{"error": ...}` body),
/// `MissingField` (`post`, `post.uri`, `post.cid`, `post.record`,
/// `post.record.text`, `post.record.createdAt`) and `InvalidField` (a count
/// that is not a whole number, a bad time).
///
/// # Example
///
/// ```
/// use postab::import::{read_bluesky, NoticeKind, ReadOptions};
/// use postab::post::MediaKind;
///
/// let page = r#"{"feed": [
///   {"post": {"uri": "at://did:plc:abc/app.bsky.feed.post/3l2",
///     "cid": "bafyreib", "author": {"did": "did:plc:abc", "handle": "sam.example.com"},
///     "record": {"$type": "app.bsky.feed.post", "text": "Too rigid? #q",
///       "createdAt": "2026-07-14T09:00:00.000+01:00"},
///     "embed": {"$type": "app.bsky.embed.external#view",
///       "external": {"uri": "https://blog.example/a", "title": "A", "description": ""}},
///     "likeCount": 12, "repostCount": 3, "replyCount": 1, "quoteCount": 0,
///     "indexedAt": "2026-07-14T08:00:01.000Z"}},
///   {"post": {"uri": "at://did:plc:xyz/app.bsky.feed.post/3k9", "cid": "bafyreic",
///     "author": {"did": "did:plc:xyz", "handle": "other.example"},
///     "record": {"text": "Someone else's", "createdAt": "2026-07-13T10:00:00Z"},
///     "indexedAt": "2026-07-13T10:00:00Z"},
///    "reason": {"$type": "app.bsky.feed.defs#reasonRepost",
///      "by": {"did": "did:plc:abc", "handle": "sam.example.com"}, "indexedAt": "2026-07-14T10:00:00Z"}}
/// ], "cursor": "2026-07-13T10:00:00Z"}"#;
/// let report = read_bluesky(&[page], &ReadOptions::strict())?;
/// let post = &report.posts[0];
/// assert_eq!(post.posted_at.to_rfc3339(), "2026-07-14T08:00:00+00:00");
/// assert_eq!((post.counts.likes(), post.counts.reposts()), (12, 3));
/// assert_eq!(post.media, MediaKind::LinkCard);
/// assert_eq!(post.link.as_deref(), Some("https://bsky.app/profile/sam.example.com/post/3l2"));
/// assert_eq!(report.notice_count(NoticeKind::Repost), 1);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn read_bluesky<S: AsRef<str>>(pages: &[S], options: &ReadOptions) -> Result<ImportReport> {
    let pages: Vec<Page<'_>> = pages
        .iter()
        .map(|p| Page {
            text: p.as_ref(),
            file: None,
        })
        .collect();
    read_pages(&pages, options)
}

/// [`read_bluesky`] from one saved file.
///
/// # Errors
///
/// [`Error::ReadFailed`](crate::Error::ReadFailed) naming the path if it
/// cannot be read; otherwise as [`read_bluesky`], naming the file.
pub fn read_bluesky_path(path: impl AsRef<Path>, options: &ReadOptions) -> Result<ImportReport> {
    read_bluesky_paths(&[path], options)
}

/// [`read_bluesky`] from saved files, one page each, page `i` being
/// `paths[i]`.
///
/// # Errors
///
/// As [`read_bluesky_path`].
pub fn read_bluesky_paths<P: AsRef<Path>>(
    paths: &[P],
    options: &ReadOptions,
) -> Result<ImportReport> {
    let files = read_files(paths)?;
    let pages: Vec<Page<'_>> = files
        .iter()
        .map(|(text, name)| Page {
            text,
            file: Some(name),
        })
        .collect();
    read_pages(&pages, options)
}

fn read_pages(pages: &[Page<'_>], options: &ReadOptions) -> Result<ImportReport> {
    let mut out = Collector::new(ExportFormat::BlueskyAuthorFeed, options.mode);
    for (p, page) in pages.iter().enumerate() {
        let ctx = Ctx::page(Platform::Bluesky, p, page.file);
        let Some(value) = parse_page(&mut out, &ctx, page, Shape::BlueskyFeed)? else {
            continue;
        };
        let items = match value.get("feed") {
            Some(Value::Array(items)) => items,
            Some(other) => {
                out.fail(ctx.invalid("feed", other, "an array of feed items"))?;
                continue;
            }
            None => continue,
        };
        for (r, item) in items.iter().enumerate() {
            let ctx = ctx.at(r);
            match item_of(&ctx, item, options) {
                Ok(Item::Post(post)) => out.push(*post),
                Ok(Item::Left(kind, id)) => out.notice(kind, p, r, id.as_deref()),
                Err(e) => out.fail(e)?,
            }
        }
    }
    Ok(out.report)
}

/// A feed item read: a post, or one left out (why, and its URI).
enum Item {
    Post(Box<PostRecord>),
    Left(NoticeKind, Option<String>),
}

fn type_of(v: &Value) -> Option<&str> {
    v.get("$type").and_then(Value::as_str)
}

fn unavailable(v: &Value) -> bool {
    matches!(type_of(v), Some(NOT_FOUND | BLOCKED))
        || v.get("notFound").and_then(Value::as_bool) == Some(true)
        || v.get("blocked").and_then(Value::as_bool) == Some(true)
}

fn item_of(ctx: &Ctx<'_>, item: &Value, options: &ReadOptions) -> Res<Item> {
    if !item.is_object() {
        return Err(ctx.invalid("", item, "a feed item (an object with \"post\")"));
    }
    let uri_of = |v: &Value| v.get("uri").and_then(Value::as_str).map(str::to_string);
    if unavailable(item) {
        return Ok(Item::Left(NoticeKind::Unavailable, uri_of(item)));
    }
    let post = at(item, "post").ok_or_else(|| ctx.missing("post"))?;
    if unavailable(post) {
        return Ok(Item::Left(NoticeKind::Unavailable, uri_of(post)));
    }
    let uri = req_str(ctx, item, "post.uri")?;
    let ctx = &ctx.with_id(uri);
    if let Some(reason) = at(item, "reason")
        && type_of(reason) == Some(REPOST)
    {
        return Ok(Item::Left(NoticeKind::Repost, Some(uri.to_string())));
    }
    let cid = req_str(ctx, item, "post.cid")?;
    let record = at(post, "record").ok_or_else(|| ctx.missing("post.record"))?;
    let text = req_str(ctx, item, "post.record.text")?;
    let posted_at = req_time(ctx, item, "post.record.createdAt")?;
    let kind = if at(record, "reply").is_some() {
        PostKind::Reply
    } else {
        PostKind::Original
    };
    if kind == PostKind::Reply && !options.replies {
        return Ok(Item::Left(NoticeKind::Reply, Some(uri.to_string())));
    }
    let mut counts = Counts::new();
    for (field, outcome) in [
        ("post.likeCount", Outcome::Like),
        ("post.repostCount", Outcome::Repost),
        ("post.replyCount", Outcome::Reply),
        ("post.quoteCount", Outcome::Quote),
        ("post.bookmarkCount", Outcome::Custom("bookmarks".into())),
    ] {
        if let Some(n) = opt_count(ctx, item, field)? {
            counts.add_saturating(&outcome, n);
        }
    }
    let mut links = Vec::new();
    if let Some(Value::Array(facets)) = at(record, "facets") {
        for feature in facets
            .iter()
            .filter_map(|f| f.get("features").and_then(Value::as_array))
            .flatten()
        {
            if type_of(feature) == Some("app.bsky.richtext.facet#link")
                && let Some(link) = feature.get("uri").and_then(Value::as_str)
            {
                add_link(&mut links, link);
            }
        }
    }
    let media = match at(post, "embed") {
        Some(embed) => media_of(embed, &mut links),
        None => MediaKind::TextOnly,
    };
    let handle = opt_str(ctx, item, "post.author.handle")?;
    let mut out = PostRecord::new(Platform::Bluesky, uri, posted_at);
    out.text = text.to_string();
    out.link = permalink(uri, handle);
    out.cid = Some(cid.to_string());
    out.media = media;
    out.kind = kind;
    out.links = links;
    out.counts = counts;
    out.page = Some(ctx.page);
    out.record = ctx.record;
    Ok(Item::Post(Box::new(out)))
}

/// The media kind of an embed view (`...#view`; the record forms without
/// `#view` are read the same way).
fn media_of(embed: &Value, links: &mut Vec<String>) -> MediaKind {
    let kind = type_of(embed).unwrap_or("");
    let kind = kind.strip_suffix("#view").unwrap_or(kind);
    match kind {
        "app.bsky.embed.images" => MediaKind::Image,
        "app.bsky.embed.video" => MediaKind::Video,
        "app.bsky.embed.external" => {
            let uri = embed
                .get("external")
                .and_then(|e| e.get("uri"))
                .and_then(Value::as_str)
                .unwrap_or("");
            add_link(links, uri);
            if uri.starts_with("https://media.tenor.com/") {
                MediaKind::Gif
            } else {
                MediaKind::LinkCard
            }
        }
        "app.bsky.embed.recordWithMedia" => embed
            .get("media")
            .map_or(MediaKind::TextOnly, |m| media_of(m, links)),
        _ => MediaKind::TextOnly,
    }
}

/// `https://bsky.app/profile/{handle or did}/post/{rkey}` from
/// `at://{did}/app.bsky.feed.post/{rkey}`.
fn permalink(uri: &str, handle: Option<&str>) -> Option<String> {
    let rest = uri.strip_prefix("at://")?;
    let mut parts = rest.split('/');
    let (did, collection, rkey) = (parts.next()?, parts.next()?, parts.next()?);
    if collection != "app.bsky.feed.post" || rkey.is_empty() || parts.next().is_some() {
        return None;
    }
    let who = handle
        .filter(|h| !h.is_empty() && *h != "handle.invalid")
        .unwrap_or(did);
    Some(format!("https://bsky.app/profile/{who}/post/{rkey}"))
}
