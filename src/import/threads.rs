//! Saved Threads API responses: the media list and per-post insights.
//!
//! Media: `GET /{threads-user-id}/threads`, `{"data": [{"id",
//! "media_type", "text", "timestamp", "permalink", ...}], "paging": {...}}`
//! (<https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts>).
//! Insights: `GET /{threads-media-id}/insights`, `{"data": [{"name":
//! "views", "period": "lifetime", "values": [{"value": 812}], ...}]}`
//! (<https://developers.facebook.com/docs/threads/insights>).

use std::path::Path;

use serde_json::Value;

use super::ReadOptions;
use super::json::{
    Collector, Ctx, Page, Res, Shape, add_link, at, count_at, opt_bool, opt_str, parse_page,
    parse_time, read_files, req_str, req_time,
};
use super::record::{
    ExportFormat, ImportReport, NoticeKind, Platform, Poll, PollOption, PostKind, PostRecord,
};
use crate::post::MediaKind;
use crate::{Counts, Outcome, Result};

/// Reads saved Threads media lists (`media_pages`, the bodies of
/// successive `GET /{threads-user-id}/threads` calls) and joins each post
/// with its insights (`insights`: pairs of media id and the body of `GET
/// /{media-id}/insights` for it).
///
/// Each post becomes a [`PostRecord`] with its `id`, `permalink`, `text`,
/// `timestamp` (Meta writes `2026-07-14T08:00:00+0000`; any offset), media
/// (`IMAGE`, `CAROUSEL_ALBUM`: image; `VIDEO`, `AUDIO`: video;
/// `TEXT_POST`: a poll with `poll_attachment`, a GIF with `gif_url`, a link
/// card with `link_attachment_url`, else text only) and counts from its
/// insights: `views` (custom `views`), `likes`, `replies`, `reposts`,
/// `quotes` (built-in) and `shares` (custom `shares`); other metrics are
/// kept as custom outcomes of their name. A metric's value is the first of
/// its `values`, or its `total_value`. A poll's options come with no votes
/// (Threads reports percentages) and `total_votes` as its votes.
///
/// Left out or flagged, each listed in [`ImportReport::notices`]:
/// `REPOST_FACADE` media (reposts of other accounts' posts), replies
/// (`is_reply` true) unless [`ReadOptions::replies`], posts without
/// insights (kept, with no counts: [`NoticeKind::NoInsights`]) and
/// insights for a media id not in the list. In errors and notices the
/// insights responses are numbered after the media pages: insights `i` is
/// page `media_pages.len() + i`.
///
/// # Errors
///
/// [`Error::Import`](crate::Error::Import), naming the page, the record
/// and the field: `WrongPlatform` for another response (insights given as
/// a media page or the reverse, a Bluesky feed) in both modes; in strict
/// mode (skipped and listed in lenient mode) `MalformedJson`, `ApiError`
/// (`{"error": {"message": ..., "code": ...}}`), `MissingField` (`id`,
/// `media_type`, `timestamp`; an insight's `name`) and `InvalidField`.
///
/// # Example
///
/// ```
/// use postab::import::{read_threads, NoticeKind, ReadOptions};
///
/// let media = r#"{"data": [
///   {"id": "18050000000000001", "media_type": "TEXT_POST", "text": "Too rigid? #q",
///    "timestamp": "2026-07-14T08:00:00+0000", "permalink": "https://www.threads.net/@sam/post/C1"},
///   {"id": "18050000000000002", "media_type": "REPOST_FACADE", "timestamp": "2026-07-14T09:00:00+0000"}
/// ], "paging": {"cursors": {"before": "b", "after": "a"}}}"#;
/// let insights = r#"{"data": [
///   {"name": "views", "period": "lifetime", "values": [{"value": 812}], "id": "18050000000000001/insights/views/lifetime"},
///   {"name": "likes", "period": "lifetime", "values": [{"value": 31}], "id": "18050000000000001/insights/likes/lifetime"}
/// ]}"#;
/// let report = read_threads(&[media], &[("18050000000000001", insights)], &ReadOptions::strict())?;
/// let post = &report.posts[0];
/// assert_eq!(post.counts.get(&postab::Outcome::custom("views")?), 812);
/// assert_eq!(post.counts.likes(), 31);
/// assert_eq!(report.notice_count(NoticeKind::Repost), 1);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn read_threads<S: AsRef<str>, I: AsRef<str>, T: AsRef<str>>(
    media_pages: &[S],
    insights: &[(I, T)],
    options: &ReadOptions,
) -> Result<ImportReport> {
    let pages = Page::texts(media_pages);
    let insights: Vec<(&str, Page<'_>)> = insights
        .iter()
        .map(|(id, p)| {
            (
                id.as_ref(),
                Page {
                    text: p.as_ref(),
                    file: None,
                },
            )
        })
        .collect();
    read_pages(&pages, &insights, options)
}

/// [`read_threads`] from saved files: media list pages, and pairs of media
/// id and insights file.
///
/// # Errors
///
/// [`Error::ReadFailed`](crate::Error::ReadFailed) naming the path if a
/// file cannot be read; otherwise as [`read_threads`], naming the file.
pub fn read_threads_paths<P: AsRef<Path>, I: AsRef<str>, Q: AsRef<Path>>(
    media_pages: &[P],
    insights: &[(I, Q)],
    options: &ReadOptions,
) -> Result<ImportReport> {
    let files = read_files(media_pages)?;
    let insight_paths: Vec<&Path> = insights.iter().map(|(_, p)| p.as_ref()).collect();
    let insight_files = read_files(&insight_paths)?;
    let pages = Page::files(&files);
    let insights: Vec<(&str, Page<'_>)> = insights
        .iter()
        .zip(&insight_files)
        .map(|((id, _), (text, name))| {
            (
                id.as_ref(),
                Page {
                    text,
                    file: Some(name),
                },
            )
        })
        .collect();
    read_pages(&pages, &insights, options)
}

fn read_pages(
    pages: &[Page<'_>],
    insights: &[(&str, Page<'_>)],
    options: &ReadOptions,
) -> Result<ImportReport> {
    let mut out = Collector::new(ExportFormat::ThreadsMedia, options.mode);
    for (p, page) in pages.iter().enumerate() {
        let ctx = Ctx::page(Platform::Threads, p, page.file);
        let Some(value) = parse_page(&mut out, &ctx, page, Shape::ThreadsMedia)? else {
            continue;
        };
        let Some(Value::Array(items)) = value.get("data") else {
            continue;
        };
        for (r, item) in items.iter().enumerate() {
            let ctx = ctx.at(r);
            match media_of(&ctx, item, options) {
                Ok(Ok(post)) => out.push(*post),
                Ok(Err((kind, id))) => out.notice(kind, p, r, Some(id)),
                Err(e) => out.fail(e)?,
            }
        }
    }
    let mut has_insights = vec![false; out.report.posts.len()];
    for (k, (id, page)) in insights.iter().enumerate() {
        let p = pages.len() + k;
        let ctx = Ctx::page(Platform::Threads, p, page.file).with_id(id);
        let Some(value) = parse_page(&mut out, &ctx, page, Shape::ThreadsInsights)? else {
            continue;
        };
        let counts = match counts_of(&ctx, &value) {
            Ok(counts) => counts,
            Err(e) => {
                out.fail(e)?;
                continue;
            }
        };
        match out.position(id) {
            Some(i) => {
                out.report.posts[i].counts = counts;
                has_insights[i] = true;
            }
            None => out.notice(NoticeKind::UnmatchedInsights, p, 0, Some(id)),
        }
    }
    for (i, has) in has_insights.into_iter().enumerate() {
        if !has {
            let post = &out.report.posts[i];
            let (page, record, id) = (
                post.page.unwrap_or(0),
                post.record.unwrap_or(0),
                post.id.clone(),
            );
            out.notice(NoticeKind::NoInsights, page, record, Some(&id));
        }
    }
    Ok(out.report)
}

type Media<'v> = std::result::Result<Box<PostRecord>, (NoticeKind, &'v str)>;

fn media_of<'v>(ctx: &Ctx<'_>, item: &'v Value, options: &ReadOptions) -> Res<Media<'v>> {
    if !item.is_object() {
        return Err(ctx.invalid("", item, "a media object"));
    }
    let id = req_str(ctx, item, "id")?;
    let ctx = &ctx.with_id(id);
    let media_type = req_str(ctx, item, "media_type")?;
    if media_type == "REPOST_FACADE" {
        return Ok(Err((NoticeKind::Repost, id)));
    }
    let kind = if opt_bool(ctx, item, "is_reply")? == Some(true) {
        PostKind::Reply
    } else {
        PostKind::Original
    };
    if kind == PostKind::Reply && !options.replies {
        return Ok(Err((NoticeKind::Reply, id)));
    }
    let posted_at = req_time(ctx, item, "timestamp")?;
    let mut links = Vec::new();
    let link_attachment = opt_str(ctx, item, "link_attachment_url")?;
    if let Some(url) = link_attachment {
        add_link(&mut links, url);
    }
    let poll = match at(item, "poll_attachment") {
        Some(poll) => Some(poll_of(ctx, poll)?),
        None => None,
    };
    let media = match media_type {
        "IMAGE" | "CAROUSEL_ALBUM" => MediaKind::Image,
        "VIDEO" | "AUDIO" => MediaKind::Video,
        _ if poll.is_some() => MediaKind::Poll,
        _ if opt_str(ctx, item, "gif_url")?.is_some() => MediaKind::Gif,
        _ if link_attachment.is_some() => MediaKind::LinkCard,
        _ => MediaKind::TextOnly,
    };
    let mut out = PostRecord::new(Platform::Threads, id, posted_at);
    out.text = opt_str(ctx, item, "text")?.unwrap_or("").to_string();
    out.link = opt_str(ctx, item, "permalink")?.map(str::to_string);
    out.media = media;
    out.kind = kind;
    out.links = links;
    out.poll = poll.map(Box::new);
    out.page = Some(ctx.page);
    out.record = ctx.record;
    Ok(Ok(Box::new(out)))
}

fn poll_of(ctx: &Ctx<'_>, poll: &Value) -> Res<Poll> {
    let mut options = Vec::new();
    for letter in ["a", "b", "c", "d"] {
        let field = format!("poll_attachment.option_{letter}");
        match at(poll, &format!("option_{letter}")) {
            None => {}
            Some(Value::String(title)) => options.push(PollOption::new(title.clone(), None)),
            Some(other) => return Err(ctx.invalid(&field, other, "a string")),
        }
    }
    let votes = match at(poll, "total_votes") {
        None => None,
        Some(v) => Some(count_at(ctx, "poll_attachment.total_votes", v)?),
    };
    let expires_at = match at(poll, "expiration_timestamp") {
        None => None,
        Some(Value::String(s)) => parse_time(s),
        Some(_) => None,
    };
    Ok(Poll {
        options,
        votes,
        voters: None,
        multiple: false,
        expired: None,
        expires_at,
    })
}

/// The counts of an insights response.
fn counts_of(ctx: &Ctx<'_>, value: &Value) -> Res<Counts> {
    let mut counts = Counts::new();
    let Some(Value::Array(metrics)) = value.get("data") else {
        return Ok(counts);
    };
    for (i, metric) in metrics.iter().enumerate() {
        let ctx = &ctx.at(i);
        let name = req_str(ctx, metric, "name")?;
        let value = at(metric, "values.0.value").or_else(|| at(metric, "total_value.value"));
        let Some(value) = value else {
            continue; // no value reported
        };
        let n = count_at(ctx, &format!("{name}.value"), value)?;
        let outcome = match Outcome::from_key(name) {
            Ok(o) => o,
            Err(_) => {
                return Err(ctx.invalid("name", &Value::String(name.to_string()), "a metric name"));
            }
        };
        counts.add_saturating(&outcome, n);
    }
    Ok(counts)
}
