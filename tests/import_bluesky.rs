//! Saved Bluesky author feeds (`app.bsky.feed.getAuthorFeed`).
//!
//! The fixtures in `tests/data/import/bluesky_feed_page*.json` follow the
//! documented response: `{"feed": [feedViewPost], "cursor"}` with
//! `feedViewPost = {post: postView, reply?: replyRef, reason?:
//! reasonRepost | reasonPin}` and `postView = {uri, cid, author, record,
//! embed?, replyCount?, repostCount?, likeCount?, quoteCount?, indexedAt,
//! ...}` (<https://docs.bsky.app/docs/api/app-bsky-feed-get-author-feed>;
//! the lexicons `app.bsky.feed.getAuthorFeed`, `app.bsky.feed.defs`,
//! `app.bsky.embed.*`). Accounts, DIDs and CIDs are made up.
#![cfg(feature = "json")]

use postab::Outcome;
use postab::import::{
    ExportFormat, ImportErrorKind, Notice, NoticeKind, Platform, PostKind, ReadOptions,
    VariantRules, read_bluesky, read_bluesky_path, read_bluesky_paths,
};
use postab::post::MediaKind;
use postab::{Error, counts};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import");

fn page(n: usize) -> String {
    std::fs::read_to_string(format!("{DIR}/bluesky_feed_page{n}.json")).unwrap()
}

fn uri(rkey: &str) -> String {
    format!("at://did:plc:testauthor7q3x2k5m/app.bsky.feed.post/{rkey}")
}

fn notice(kind: NoticeKind, page: usize, record: usize, id: &str) -> Notice {
    serde_json::from_value(serde_json::json!({
        "kind": kind, "page": page, "record": record, "id": id
    }))
    .unwrap()
}

fn import_error(e: Error) -> postab::import::ImportError {
    match e {
        Error::Import(e) => *e,
        other => panic!("not an import error: {other:?}"),
    }
}

#[test]
fn two_pages_every_field() {
    let report = read_bluesky(&[page(1), page(2)], &ReadOptions::strict()).unwrap();
    assert_eq!(report.format, ExportFormat::BlueskyAuthorFeed);
    assert!(report.skipped.is_empty());
    let ids: Vec<&str> = report.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            uri("3lrigid0001a"),
            uri("3limage0004d"),
            uri("3lvideo0005e"),
            uri("3lquotemd008h"),
            uri("3lquote0009i"),
        ]
    );

    let p = &report.posts[0];
    assert_eq!(p.platform, Platform::Bluesky);
    assert_eq!(p.kind, PostKind::Original);
    // 09:00 at +01:00.
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-14T08:00:00+00:00");
    assert_eq!(
        p.text,
        "Is your posting schedule too rigid? 🤔⏰ blog.example/rigid-schedules #q"
    );
    assert_eq!(
        p.link.as_deref(),
        Some("https://bsky.app/profile/sam-test.bsky.social/post/3lrigid0001a")
    );
    assert_eq!(
        p.cid.as_deref(),
        Some("bafyreia2rigidschedulepostcid0000000000000000000000000001")
    );
    assert_eq!(p.uri, None);
    assert_eq!(p.media, MediaKind::LinkCard);
    assert_eq!(p.links, ["https://blog.example/rigid-schedules"]);
    assert_eq!(p.counts, counts! { likes: 12, reposts: 3, replies: 1 });
    assert_eq!(p.counts.impressions(), 0);
    assert_eq!((p.page, p.record, p.line), (Some(0), Some(0), 0));
    assert_eq!(p.poll, None);
    assert_eq!(p.promoted, None);

    // Right-to-left text, no quoteCount (optional), images.
    let p = &report.posts[1];
    assert_eq!(p.text, "لا توجد طريقة واحدة صحيحة لإدارة حساب. #s");
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-15T06:45:30.500+00:00");
    assert_eq!(p.media, MediaKind::Image);
    assert!(p.links.is_empty());
    assert_eq!(p.counts, counts! { likes: 40, reposts: 5 });
    assert_eq!((p.page, p.record), (Some(0), Some(3)));

    // Read on both pages: the later snapshot, in the first one's place.
    let p = &report.posts[2];
    assert_eq!(p.media, MediaKind::Video);
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-16T17:00:00+00:00");
    assert_eq!(
        p.counts,
        counts! { likes: 14, reposts: 2, replies: 3, quotes: 1 }
    );
    assert_eq!((p.page, p.record), (Some(1), Some(0)));

    // A quote with images (recordWithMedia), Hebrew, a negative offset,
    // bookmarkCount as a custom outcome.
    let p = &report.posts[3];
    assert_eq!(p.text, "אין דרך אחת נכונה לנהל חשבון 📅 #s");
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-17T19:00:00+00:00");
    assert_eq!(p.media, MediaKind::Image);
    let bookmarks = Outcome::custom("bookmarks").unwrap();
    assert_eq!(p.counts, counts! { likes: 7 }.with(&bookmarks, 2).unwrap());

    // A quote alone, no counts at all, an invalid handle: the DID links.
    let p = &report.posts[4];
    assert_eq!(p.text, "Worth a read.");
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-18T18:00:00+00:00");
    assert_eq!(p.media, MediaKind::TextOnly);
    assert!(p.counts.is_empty());
    assert_eq!(
        p.link.as_deref(),
        Some("https://bsky.app/profile/did:plc:testauthor7q3x2k5m/post/3lquote0009i")
    );

    assert_eq!(
        report.notices,
        [
            notice(
                NoticeKind::Repost,
                0,
                1,
                "at://did:plc:someoneelse4h8w/app.bsky.feed.post/3lother00002b"
            ),
            notice(NoticeKind::Reply, 0, 2, &uri("3lreply00003c")),
            notice(NoticeKind::Duplicate, 1, 0, &uri("3lvideo0005e")),
            notice(NoticeKind::Unavailable, 1, 1, &uri("3ldeleted006f")),
            notice(
                NoticeKind::Unavailable,
                1,
                2,
                "at://did:plc:blockedauthor9z/app.bsky.feed.post/3lblocked007g"
            ),
        ]
    );
    let text = report.to_string();
    assert!(
        text.starts_with("Bluesky author feed: 5 posts, 0 records skipped, 5 notices\n  page 0, record 1 (at://did:plc:someoneelse4h8w/app.bsky.feed.post/3lother00002b): repost"),
        "{text}"
    );
    assert_eq!(
        report.posts[0].to_string(),
        format!(
            "Bluesky post {} at 2026-07-14 08:00 UTC: {}",
            uri("3lrigid0001a"),
            report.posts[0].counts
        )
    );
}

#[test]
fn replies_kept_on_request() {
    let options = ReadOptions::strict().keep_replies(true);
    let report = read_bluesky(&[page(1)], &options).unwrap();
    assert_eq!(report.posts.len(), 4);
    let reply = &report.posts[1];
    assert_eq!(reply.id, uri("3lreply00003c"));
    assert_eq!(reply.kind, PostKind::Reply);
    assert_eq!(reply.text, "Agreed, mostly.");
    assert_eq!(reply.posted_at.to_rfc3339(), "2026-07-14T10:20:00+00:00");
    assert_eq!(reply.counts, counts! { likes: 2 });
    assert_eq!(report.notice_count(NoticeKind::Reply), 0);
    assert_eq!(report.notice_count(NoticeKind::Repost), 1);
}

#[test]
fn files_one_or_many() {
    let one = read_bluesky_path(
        format!("{DIR}/bluesky_feed_page1.json"),
        &ReadOptions::strict(),
    )
    .unwrap();
    assert_eq!(one.posts.len(), 3);
    let both = read_bluesky_paths(
        &[
            format!("{DIR}/bluesky_feed_page1.json"),
            format!("{DIR}/bluesky_feed_page2.json"),
        ],
        &ReadOptions::strict(),
    )
    .unwrap();
    assert_eq!(
        both,
        read_bluesky(&[page(1), page(2)], &ReadOptions::strict()).unwrap()
    );
    let missing = read_bluesky_path(format!("{DIR}/nope.json"), &ReadOptions::strict());
    assert!(
        matches!(&missing, Err(Error::ReadFailed { path, .. }) if path.ends_with("nope.json")),
        "{missing:?}"
    );
}

#[test]
fn grouping_by_hashtag() {
    let report = read_bluesky(&[page(1), page(2)], &ReadOptions::strict()).unwrap();
    let groups = VariantRules::new()
        .tag("q", "question")
        .tag("s", "statement")
        .group(&report.posts);
    assert_eq!(groups.variants["question"].len(), 2);
    assert_eq!(groups.variants["statement"].len(), 2);
    assert_eq!(groups.unassigned.len(), 1);
    assert_eq!(
        groups.counts("question").unwrap(),
        counts! { likes: 26, reposts: 5, replies: 4, quotes: 1 }
    );
    let by_id = VariantRules::new()
        .ids([uri("3lquote0009i")], "quote")
        .group(&report.posts);
    assert_eq!(by_id.variants["quote"].len(), 1);
}

const MINIMAL: &str = r#"{"post": {"uri": "at://did:plc:a/app.bsky.feed.post/1", "cid": "bafy1",
  "author": {"did": "did:plc:a", "handle": "a.test"},
  "record": {"text": "ok", "createdAt": "2026-07-14T08:00:00Z"}, "likeCount": 1}}"#;

fn feed(items: &[&str]) -> String {
    format!(r#"{{"feed": [{}]}}"#, items.join(","))
}

#[test]
fn malformed_json_names_page_line_and_column() {
    let bad = "{\"feed\": [\n  {\"post\": }\n]}";
    let err = import_error(
        read_bluesky(&[feed(&[MINIMAL]).as_str(), bad], &ReadOptions::strict()).unwrap_err(),
    );
    assert_eq!(err.page, 1);
    assert_eq!(err.record, None);
    assert!(
        matches!(
            err.kind,
            ImportErrorKind::MalformedJson {
                line: 2,
                column: 12,
                ..
            }
        ),
        "{err:?}"
    );
    assert!(
        err.to_string()
            .starts_with("Bluesky author feed page 1: malformed JSON at line 2, column 12: "),
        "{err}"
    );

    let lenient = read_bluesky(&[feed(&[MINIMAL]).as_str(), bad], &ReadOptions::lenient()).unwrap();
    assert_eq!(lenient.posts.len(), 1);
    assert_eq!(lenient.skipped.len(), 1);
    assert_eq!(lenient.skipped[0].line, 0);
    assert!(
        lenient.skipped[0]
            .to_string()
            .starts_with("Bluesky author feed page 1: malformed JSON")
    );
}

#[test]
fn wrong_platform_is_an_error_in_both_modes() {
    let mastodon = std::fs::read_to_string(format!("{DIR}/mastodon_statuses_page1.json")).unwrap();
    let threads = r#"{"data": [{"id": "1", "media_type": "TEXT_POST", "timestamp": "2026-07-14T08:00:00+0000"}]}"#;
    for options in [ReadOptions::strict(), ReadOptions::lenient()] {
        let err = import_error(read_bluesky(&[mastodon.as_str()], &options).unwrap_err());
        assert!(
            matches!(&err.kind, ImportErrorKind::WrongPlatform { found } if found.contains("Mastodon")),
            "{err:?}"
        );
        assert_eq!(err.page, 0);
        let err = import_error(read_bluesky(&[threads], &options).unwrap_err());
        assert!(
            matches!(&err.kind, ImportErrorKind::WrongPlatform { found } if found.contains("Threads")),
            "{err:?}"
        );
    }
    let err = import_error(
        read_bluesky_path(
            format!("{DIR}/mastodon_statuses_page1.json"),
            &ReadOptions::strict(),
        )
        .unwrap_err(),
    );
    assert!(
        err.file
            .as_deref()
            .unwrap()
            .ends_with("mastodon_statuses_page1.json")
    );
    assert!(
        err.to_string().contains("mastodon_statuses_page1.json"),
        "{err}"
    );
}

#[test]
fn api_error_page() {
    let error = r#"{"error": "InvalidRequest", "message": "Profile not found"}"#;
    let err = import_error(read_bluesky(&[error], &ReadOptions::strict()).unwrap_err());
    assert_eq!(
        err.kind,
        ImportErrorKind::ApiError {
            message: "InvalidRequest: Profile not found".into()
        }
    );
    assert_eq!(
        err.to_string(),
        "Bluesky author feed page 0: the saved response is an API error: InvalidRequest: Profile not found"
    );
    let lenient = read_bluesky(&[error, &feed(&[MINIMAL])], &ReadOptions::lenient()).unwrap();
    assert_eq!((lenient.posts.len(), lenient.skipped.len()), (1, 1));
}

#[test]
fn missing_and_invalid_fields_name_record_and_field() {
    let no_time = MINIMAL.replace(r#", "createdAt": "2026-07-14T08:00:00Z""#, "");
    let bad_count = MINIMAL.replace(r#""likeCount": 1"#, r#""likeCount": "1""#);
    let negative = MINIMAL.replace(r#""likeCount": 1"#, r#""likeCount": -1"#);
    let bad_time = MINIMAL.replace("2026-07-14T08:00:00Z", "yesterday");
    let no_cid = MINIMAL.replace(r#""cid": "bafy1","#, "");
    let no_post = r#"{"reason": null}"#.to_string();
    let cases: [(&str, &str, bool); 6] = [
        (&no_time, "post.record.createdAt", true),
        (&bad_count, "post.likeCount", false),
        (&negative, "post.likeCount", false),
        (&bad_time, "post.record.createdAt", false),
        (&no_cid, "post.cid", true),
        (&no_post, "post", true),
    ];
    for (item, field, missing) in cases {
        let pages = [feed(&[
            MINIMAL.replace("/1\"", "/0\"").as_str(),
            item,
            MINIMAL,
        ])];
        let err = import_error(read_bluesky(&pages, &ReadOptions::strict()).unwrap_err());
        assert_eq!((err.page, err.record), (0, Some(1)), "{err}");
        assert_eq!(err.field.as_deref(), Some(field), "{err}");
        assert_eq!(
            matches!(err.kind, ImportErrorKind::MissingField),
            missing,
            "{err:?}"
        );
        if field != "post" {
            assert_eq!(
                err.id.as_deref(),
                Some("at://did:plc:a/app.bsky.feed.post/1")
            );
        }
        let lenient = read_bluesky(&pages, &ReadOptions::lenient()).unwrap();
        assert_eq!(lenient.posts.len(), 2, "{field}");
        assert_eq!(lenient.skipped.len(), 1);
        assert!(lenient.skipped[0].error.to_string().contains(field));
    }
    let err = import_error(
        read_bluesky(&[feed(&[MINIMAL, &bad_count])], &ReadOptions::strict()).unwrap_err(),
    );
    assert_eq!(
        err.to_string(),
        "Bluesky author feed page 0, record 1 (id at://did:plc:a/app.bsky.feed.post/1), field post.likeCount: \"1\" is not a whole-number count"
    );
    // Not an object at all.
    let err = import_error(read_bluesky(&[feed(&["42"])], &ReadOptions::strict()).unwrap_err());
    assert_eq!(err.record, Some(0));
    assert!(matches!(err.kind, ImportErrorKind::InvalidField { .. }));
    assert_eq!(err.field, None);
    assert_eq!(
        err.to_string(),
        "Bluesky author feed page 0, record 0: 42 is not a feed item (an object with \"post\")"
    );
}

#[test]
fn truncated_and_odd_input_never_panics() {
    let full = page(1) + &page(2);
    let full = full.as_str();
    for end in (0..full.len()).step_by(53) {
        if let Some(cut) = full.get(..end) {
            let _ = read_bluesky(&[cut], &ReadOptions::lenient());
            let _ = read_bluesky(&[cut], &ReadOptions::strict());
        }
    }
    for odd in [
        "",
        "null",
        "[]",
        "{}",
        "{\"feed\": null}",
        "{\"feed\": 3}",
        "\"x\"",
        "{\"feed\": [null]}",
    ] {
        let _ = read_bluesky(&[odd], &ReadOptions::lenient());
    }
    let empty = read_bluesky(&["{\"feed\": []}"], &ReadOptions::strict()).unwrap();
    assert!(empty.posts.is_empty());
}

#[test]
fn types_are_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<postab::import::ImportReport>();
    assert_send_sync::<postab::import::ImportError>();
    assert_send_sync::<postab::import::PostRecord>();
    assert_send_sync::<ReadOptions>();
}
