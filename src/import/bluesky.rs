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
    let pages = Page::texts(pages);
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
    let pages = Page::files(&files);
    read_pages(&pages, options)
}

fn read_pages(pages: &[Page<'_>], options: &ReadOptions) -> Result<ImportReport> {
    let mut out = Collector::new(ExportFormat::BlueskyAuthorFeed, options.mode);
    for (p, page) in pages.iter().enumerate() {
        let ctx = Ctx::page(Platform::Bluesky, p, page.file);
        // The fast paths: a well-formed page read in one typed pass, or
        // item by item without building a tree; anything unusual goes
        // through the general path, which also names every error.
        if let Some(items) = fast::page(&ctx, page.text, options) {
            for (r, item) in items.into_iter().enumerate() {
                out.take(Ok(item), p, r)?;
            }
            continue;
        }
        if let Ok(fast) = serde_json::from_str::<fast::Page<'_>>(page.text)
            && fast.error.is_none()
        {
            for (r, raw) in fast.feed.iter().enumerate() {
                let ctx = ctx.at(r);
                let item = match fast::item(&ctx, raw.get(), options) {
                    Some(item) => Ok(item),
                    None => match serde_json::from_str::<Value>(raw.get()) {
                        Ok(value) => item_of(&ctx, &value, options),
                        Err(_) => continue, // unreachable: the page parsed
                    },
                };
                out.take(item, p, r)?;
            }
            continue;
        }
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
            out.take(item_of(&ctx.at(r), item, options), p, r)?;
        }
    }
    Ok(out.report)
}

impl Collector {
    /// Records what became of feed item `r` of page `p`.
    fn take(&mut self, item: Res<Item>, p: usize, r: usize) -> Result<()> {
        match item {
            Ok(Item::Post(post)) => self.push(*post),
            Ok(Item::Left(kind, id)) => self.notice(kind, p, r, id.as_deref()),
            Err(e) => self.fail(e)?,
        }
        Ok(())
    }
}

/// A feed item read: a post, or one left out (why, and its URI).
#[derive(Debug, PartialEq)]
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
    let mut counts = [None; 5];
    for (slot, field) in counts.iter_mut().zip(COUNT_FIELDS) {
        *slot = opt_count(ctx, item, field)?;
    }
    let mut links = Vec::new();
    if let Some(Value::Array(facets)) = at(record, "facets") {
        for feature in facets
            .iter()
            .filter_map(|f| f.get("features").and_then(Value::as_array))
            .flatten()
        {
            if type_of(feature) == Some(LINK_FACET)
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
    let fields = Fields {
        uri,
        cid,
        handle,
        text,
        posted_at,
        kind,
        counts,
        links,
        media,
    };
    Ok(Item::Post(Box::new(fields.record(ctx))))
}

const LINK_FACET: &str = "app.bsky.richtext.facet#link";

/// The counts read, in this order: likes, reposts, replies, quotes,
/// bookmarks.
const COUNT_FIELDS: [&str; 5] = [
    "post.likeCount",
    "post.repostCount",
    "post.replyCount",
    "post.quoteCount",
    "post.bookmarkCount",
];

/// What a post's record is built from, whichever path read it.
struct Fields<'a> {
    uri: &'a str,
    cid: &'a str,
    handle: Option<&'a str>,
    text: &'a str,
    posted_at: chrono::DateTime<chrono::Utc>,
    kind: PostKind,
    counts: [Option<u64>; 5],
    links: Vec<String>,
    media: MediaKind,
}

impl Fields<'_> {
    fn record(self, ctx: &Ctx<'_>) -> PostRecord {
        let mut counts = Counts::new();
        let outcomes = [
            Outcome::Like,
            Outcome::Repost,
            Outcome::Reply,
            Outcome::Quote,
            Outcome::Custom("bookmarks".into()),
        ];
        for (n, outcome) in self.counts.iter().zip(&outcomes) {
            if let Some(n) = *n {
                counts.add_saturating(outcome, n);
            }
        }
        let mut out = PostRecord::new(Platform::Bluesky, self.uri, self.posted_at);
        out.text = self.text.to_string();
        out.link = permalink(self.uri, self.handle);
        out.cid = Some(self.cid.to_string());
        out.media = self.media;
        out.kind = self.kind;
        out.links = self.links;
        out.counts = counts;
        out.page = Some(ctx.page);
        out.record = ctx.record;
        out
    }
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

/// Typed, borrowing views of the usual shapes: most feed items are read
/// without building a JSON tree. Any item these do not fit (a missing or
/// mistyped field, an unavailable post, a count written `12.0`) returns
/// `None` and is read by the general path, so both give the same records
/// and only the general path reports errors.
mod fast {
    use std::borrow::Cow;

    use serde::Deserialize;
    use serde::de::IgnoredAny;
    use serde_json::value::RawValue;

    use super::{
        BLOCKED, Ctx, Fields, Item, LINK_FACET, NOT_FOUND, NoticeKind, PostKind, REPOST,
        ReadOptions,
    };
    use crate::import::json::{add_link, parse_time};
    use crate::post::MediaKind;

    #[derive(Deserialize)]
    pub(super) struct Page<'a> {
        #[serde(borrow)]
        pub feed: Vec<&'a RawValue>,
        pub error: Option<IgnoredAny>,
    }

    #[derive(Deserialize)]
    struct FeedItem<'a> {
        #[serde(borrow)]
        post: Post<'a>,
        #[serde(borrow)]
        reason: Option<Typed<'a>>,
        #[serde(rename = "$type")]
        ty: Option<IgnoredAny>,
        #[serde(rename = "notFound")]
        not_found: Option<IgnoredAny>,
        blocked: Option<IgnoredAny>,
    }

    #[derive(Deserialize)]
    struct Typed<'a> {
        #[serde(rename = "$type", borrow)]
        ty: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Post<'a> {
        #[serde(rename = "$type", borrow)]
        ty: Option<Cow<'a, str>>,
        not_found: Option<IgnoredAny>,
        blocked: Option<IgnoredAny>,
        #[serde(borrow)]
        uri: Cow<'a, str>,
        #[serde(borrow)]
        cid: Cow<'a, str>,
        #[serde(borrow)]
        author: Option<Author<'a>>,
        #[serde(borrow)]
        record: Record<'a>,
        #[serde(borrow)]
        embed: Option<Embed<'a>>,
        like_count: Option<u64>,
        repost_count: Option<u64>,
        reply_count: Option<u64>,
        quote_count: Option<u64>,
        bookmark_count: Option<u64>,
    }

    #[derive(Deserialize)]
    struct Author<'a> {
        #[serde(borrow)]
        handle: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    #[serde(rename_all = "camelCase")]
    struct Record<'a> {
        #[serde(borrow)]
        text: Cow<'a, str>,
        #[serde(borrow)]
        created_at: Cow<'a, str>,
        reply: Option<IgnoredAny>,
        #[serde(borrow)]
        facets: Option<Vec<Facet<'a>>>,
    }

    #[derive(Deserialize)]
    struct Facet<'a> {
        #[serde(borrow)]
        features: Option<Vec<Feature<'a>>>,
    }

    #[derive(Deserialize)]
    struct Feature<'a> {
        #[serde(rename = "$type", borrow)]
        ty: Option<Cow<'a, str>>,
        #[serde(borrow)]
        uri: Option<Cow<'a, str>>,
    }

    #[derive(Deserialize)]
    struct Embed<'a> {
        #[serde(rename = "$type", borrow)]
        ty: Option<Cow<'a, str>>,
        #[serde(borrow)]
        external: Option<External<'a>>,
        #[serde(borrow)]
        media: Option<Box<Embed<'a>>>,
    }

    #[derive(Deserialize)]
    struct External<'a> {
        #[serde(borrow)]
        uri: Option<Cow<'a, str>>,
    }

    /// A whole page in one pass.
    #[derive(Deserialize)]
    struct TypedPage<'a> {
        #[serde(borrow)]
        feed: Vec<FeedItem<'a>>,
        error: Option<IgnoredAny>,
    }

    /// Every item of a page read by the fast path in one pass, or `None`
    /// if any item needs another path.
    pub(super) fn page(ctx: &Ctx<'_>, text: &str, options: &ReadOptions) -> Option<Vec<Item>> {
        let page: TypedPage<'_> = serde_json::from_str(text).ok()?;
        if page.error.is_some() {
            return None;
        }
        page.feed
            .iter()
            .enumerate()
            .map(|(r, item)| convert(&ctx.at(r), item, options))
            .collect()
    }

    /// The item read by the fast path, or `None`: use the general one.
    pub(super) fn item(ctx: &Ctx<'_>, text: &str, options: &ReadOptions) -> Option<Item> {
        let item: FeedItem<'_> = serde_json::from_str(text).ok()?;
        convert(ctx, &item, options)
    }

    fn convert(ctx: &Ctx<'_>, item: &FeedItem<'_>, options: &ReadOptions) -> Option<Item> {
        let post = &item.post;
        let postview = matches!(
            post.ty.as_deref(),
            None | Some("app.bsky.feed.defs#postView")
        );
        if item.ty.is_some()
            || item.not_found.is_some()
            || item.blocked.is_some()
            || !postview
            || post.not_found.is_some()
            || post.blocked.is_some()
            || matches!(post.ty.as_deref(), Some(NOT_FOUND | BLOCKED))
        {
            return None;
        }
        let uri = post.uri.as_ref();
        if item.reason.as_ref().and_then(|r| r.ty.as_deref()) == Some(REPOST) {
            return Some(Item::Left(NoticeKind::Repost, Some(uri.to_string())));
        }
        let posted_at = parse_time(&post.record.created_at)?;
        let kind = if post.record.reply.is_some() {
            PostKind::Reply
        } else {
            PostKind::Original
        };
        if kind == PostKind::Reply && !options.replies {
            return Some(Item::Left(NoticeKind::Reply, Some(uri.to_string())));
        }
        let mut links = Vec::new();
        for feature in post
            .record
            .facets
            .iter()
            .flatten()
            .filter_map(|f| f.features.as_ref())
            .flatten()
        {
            if feature.ty.as_deref() == Some(LINK_FACET)
                && let Some(link) = &feature.uri
            {
                add_link(&mut links, link);
            }
        }
        let media = post
            .embed
            .as_ref()
            .map_or(MediaKind::TextOnly, |e| media_of(e, &mut links));
        let fields = Fields {
            uri,
            cid: &post.cid,
            handle: post.author.as_ref().and_then(|a| a.handle.as_deref()),
            text: &post.record.text,
            posted_at,
            kind,
            counts: [
                post.like_count,
                post.repost_count,
                post.reply_count,
                post.quote_count,
                post.bookmark_count,
            ],
            links,
            media,
        };
        Some(Item::Post(Box::new(fields.record(ctx))))
    }

    /// As [`super::media_of`].
    fn media_of(embed: &Embed<'_>, links: &mut Vec<String>) -> MediaKind {
        let kind = embed.ty.as_deref().unwrap_or("");
        let kind = kind.strip_suffix("#view").unwrap_or(kind);
        match kind {
            "app.bsky.embed.images" => MediaKind::Image,
            "app.bsky.embed.video" => MediaKind::Video,
            "app.bsky.embed.external" => {
                let uri = embed
                    .external
                    .as_ref()
                    .and_then(|e| e.uri.as_deref())
                    .unwrap_or("");
                add_link(links, uri);
                if uri.starts_with("https://media.tenor.com/") {
                    MediaKind::Gif
                } else {
                    MediaKind::LinkCard
                }
            }
            "app.bsky.embed.recordWithMedia" => embed
                .media
                .as_deref()
                .map_or(MediaKind::TextOnly, |m| media_of(m, links)),
            _ => MediaKind::TextOnly,
        }
    }

    #[cfg(test)]
    mod tests {
        use super::super::item_of;
        use super::*;
        use crate::import::record::Platform;

        /// Both paths read every item of the fixtures alike.
        #[test]
        fn same_records_as_the_general_path() {
            let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import");
            let mut n = 0;
            for name in ["bluesky_feed_page1.json", "bluesky_feed_page2.json"] {
                let text = std::fs::read_to_string(format!("{dir}/{name}")).unwrap();
                let page: Page<'_> = serde_json::from_str(&text).unwrap();
                for (r, raw) in page.feed.iter().enumerate() {
                    let ctx = Ctx::page(Platform::Bluesky, 0, None).at(r);
                    for options in [
                        ReadOptions::strict(),
                        ReadOptions::strict().keep_replies(true),
                    ] {
                        let value: serde_json::Value = serde_json::from_str(raw.get()).unwrap();
                        let general = item_of(&ctx, &value, &options).ok();
                        if let Some(fast) = item(&ctx, raw.get(), &options) {
                            n += 1;
                            assert_eq!(Some(fast), general, "{name} item {r}");
                        }
                    }
                }
            }
            assert!(n >= 14, "the fast path read {n} items");
        }
    }
}
