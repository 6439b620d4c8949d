//! Saved Mastodon statuses (`GET /api/v1/accounts/:id/statuses`).
//!
//! The fixtures in `tests/data/import/mastodon_statuses_page*.json` are
//! pages (JSON arrays) of Status entities as documented at
//! <https://docs.joinmastodon.org/entities/Status/> (with the Poll,
//! PreviewCard and MediaAttachment entities it embeds). Accounts and ids
//! are made up.
#![cfg(feature = "json")]

use postab::import::{
    ExportFormat, ImportErrorKind, NoticeKind, Platform, PollOption, PostKind, ReadOptions,
    VariantRules, read_bluesky, read_mastodon, read_mastodon_paths,
};
use postab::post::MediaKind;
use postab::{Error, counts};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import");

fn page(n: usize) -> String {
    std::fs::read_to_string(format!("{DIR}/mastodon_statuses_page{n}.json")).unwrap()
}

fn import_error(e: Error) -> postab::import::ImportError {
    match e {
        Error::Import(e) => *e,
        other => panic!("not an import error: {other:?}"),
    }
}

#[test]
fn two_pages_every_field() {
    let report = read_mastodon(&[page(1), page(2)], &ReadOptions::strict()).unwrap();
    assert_eq!(report.format, ExportFormat::MastodonStatuses);
    assert!(report.skipped.is_empty());
    let ids: Vec<&str> = report.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        ids,
        [
            "113000000000000101",
            "113000000000000104",
            "113000000000000105",
            "113000000000000106",
            "113000000000000107",
            "113000000000000108",
        ]
    );

    // HTML: paragraphs, entities, a long link whose hidden spans are kept,
    // a hashtag link (not a link of the post), a card.
    let p = &report.posts[0];
    assert_eq!(p.platform, Platform::Mastodon);
    assert_eq!(p.kind, PostKind::Original);
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-14T08:00:00+00:00");
    assert_eq!(
        p.text,
        "Is your posting schedule too rigid? 🚀 Rock & roll \"rules\" don't apply <3\n\nRead: https://blog.example/rigid-schedules?utm_source=mastodon&utm_medium=social #q"
    );
    assert_eq!(
        p.links,
        ["https://blog.example/rigid-schedules?utm_source=mastodon&utm_medium=social"]
    );
    assert_eq!(p.media, MediaKind::LinkCard);
    assert_eq!(
        p.link.as_deref(),
        Some("https://mastodon.example/@sam_test/113000000000000101")
    );
    assert_eq!(
        p.uri.as_deref(),
        Some("https://mastodon.example/users/sam_test/statuses/113000000000000101")
    );
    assert_eq!(p.cid, None);
    assert_eq!(
        p.counts,
        counts! { likes: 12, reposts: 4, replies: 2, quotes: 1 }
    );
    assert_eq!(p.counts.impressions(), 0);
    assert_eq!(p.poll, None);
    assert_eq!((p.page, p.record, p.line), (Some(0), Some(0), 0));

    // A closed poll with its votes.
    let p = &report.posts[1];
    assert_eq!(p.media, MediaKind::Poll);
    assert_eq!(
        p.text,
        "Question or statement: which hook do you click? #poll"
    );
    assert_eq!(p.counts, counts! { likes: 5, reposts: 1, replies: 3 });
    let poll = p.poll.as_ref().unwrap();
    assert_eq!(
        poll.options,
        [
            PollOption::new("A question 🤔", Some(34)),
            PollOption::new("A statement", Some(23))
        ]
    );
    assert_eq!((poll.votes, poll.voters), (Some(57), Some(57)));
    assert!(!poll.multiple);
    assert_eq!(poll.expired, Some(true));
    assert_eq!(
        poll.expires_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-07-16T07:15:00+00:00")
    );

    // Right-to-left text, +02:00, url null, no card key, an image; read
    // again on page 1: the later counts, in the first place.
    let p = &report.posts[2];
    assert_eq!(p.text, "אין דרך אחת נכונה לנהל חשבון. #s");
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-15T16:00:00+00:00");
    assert_eq!(p.link, None);
    assert_eq!(p.media, MediaKind::Image);
    assert_eq!(p.counts, counts! { likes: 33, reposts: 7, replies: 2 });
    assert_eq!((p.page, p.record), (Some(1), Some(0)));

    let p = &report.posts[3];
    assert_eq!(p.media, MediaKind::Gif);
    assert_eq!(p.text, "Posting less, in one GIF.");
    assert_eq!(p.counts, counts! { likes: 8, reposts: 2 });

    // Numeric entities, <br> and <br />; a video beats an image.
    let p = &report.posts[4];
    assert_eq!(p.media, MediaKind::Video);
    assert_eq!(
        p.text,
        "Threads or not? — a 30-second answer!\nLine two…\nLine three … \u{a0}end"
    );
    assert_eq!(
        p.counts,
        counts! { likes: 11, reposts: 3, replies: 4, quotes: 2 }
    );

    // A running poll with hidden results.
    let p = &report.posts[5];
    let poll = p.poll.as_ref().unwrap();
    assert_eq!(
        poll.options,
        [
            PollOption::new("Weekdays", None),
            PollOption::new("Weekends", None),
            PollOption::new("Both", None)
        ]
    );
    assert_eq!((poll.votes, poll.voters), (Some(19), None));
    assert!(poll.multiple);
    assert_eq!(poll.expired, Some(false));
    assert_eq!(p.counts, counts! { likes: 4, replies: 1 });

    let kinds: Vec<_> = report
        .notices
        .iter()
        .map(|n| (n.kind, n.page, n.record, n.id.as_deref().unwrap()))
        .collect();
    assert_eq!(
        kinds,
        [
            (NoticeKind::Repost, 0, 1, "113000000000000102"),
            (NoticeKind::Reply, 0, 2, "113000000000000103"),
            (NoticeKind::Duplicate, 1, 0, "113000000000000105"),
        ]
    );
    assert!(
        report
            .to_string()
            .starts_with("Mastodon statuses: 6 posts, 0 records skipped, 3 notices\n"),
        "{report}"
    );
}

#[test]
fn replies_kept_on_request_boosts_never() {
    let report = read_mastodon(&[page(1)], &ReadOptions::lenient().keep_replies(true)).unwrap();
    assert_eq!(report.posts.len(), 4);
    let reply = &report.posts[1];
    assert_eq!(reply.id, "113000000000000103");
    assert_eq!(reply.kind, PostKind::Reply);
    assert_eq!(reply.text, "@other_test Agreed, mostly.");
    assert!(reply.links.is_empty(), "a mention is not a link");
    assert_eq!(reply.counts, counts! { likes: 2 });
    assert_eq!(report.notice_count(NoticeKind::Repost), 1);
    assert_eq!(report.notice_count(NoticeKind::Reply), 0);
}

#[test]
fn files_and_grouping() {
    let files = [
        format!("{DIR}/mastodon_statuses_page1.json"),
        format!("{DIR}/mastodon_statuses_page2.json"),
    ];
    let report = read_mastodon_paths(&files, &ReadOptions::strict()).unwrap();
    assert_eq!(
        report,
        read_mastodon(&[page(1), page(2)], &ReadOptions::strict()).unwrap()
    );
    let groups = VariantRules::new()
        .ids(["113000000000000101", "113000000000000107"], "a")
        .rule(|p| (p.media == MediaKind::Poll).then(|| "poll".to_string()))
        .group(&report.posts);
    assert_eq!(
        groups.counts("a").unwrap(),
        counts! { likes: 23, reposts: 7, replies: 6, quotes: 3 }
    );
    assert_eq!(groups.variants["poll"].len(), 2);
    assert_eq!(groups.unassigned.len(), 2);
}

const MINIMAL: &str = r#"{"id": "1", "created_at": "2026-07-14T08:00:00Z", "content": "<p>ok</p>",
  "favourites_count": 1, "reblogs_count": 0, "replies_count": 0}"#;

#[test]
fn bad_input() {
    // Malformed JSON.
    let err =
        import_error(read_mastodon(&["[{\"id\": \"1\",]"], &ReadOptions::strict()).unwrap_err());
    assert!(
        matches!(err.kind, ImportErrorKind::MalformedJson { line: 1, .. }),
        "{err:?}"
    );
    // A Bluesky page, in both modes.
    let bsky = std::fs::read_to_string(format!("{DIR}/bluesky_feed_page1.json")).unwrap();
    for options in [ReadOptions::strict(), ReadOptions::lenient()] {
        let err = import_error(
            read_mastodon(&[format!("[{MINIMAL}]"), bsky.clone()], &options).unwrap_err(),
        );
        assert_eq!(err.page, 1);
        assert!(
            matches!(&err.kind, ImportErrorKind::WrongPlatform { found } if found.contains("Bluesky")),
            "{err:?}"
        );
    }
    // And the reverse: a Mastodon page to the Bluesky reader.
    let err = import_error(read_bluesky(&[page(1)], &ReadOptions::strict()).unwrap_err());
    assert!(matches!(err.kind, ImportErrorKind::WrongPlatform { .. }));
    // A single status instead of a page.
    let err = import_error(read_mastodon(&[MINIMAL], &ReadOptions::strict()).unwrap_err());
    assert!(
        matches!(&err.kind, ImportErrorKind::WrongPlatform { found } if found.contains("single Mastodon status")),
        "{err:?}"
    );
    // An API error body.
    let err = import_error(
        read_mastodon(
            &[r#"{"error": "Record not found"}"#],
            &ReadOptions::strict(),
        )
        .unwrap_err(),
    );
    assert_eq!(
        err.kind,
        ImportErrorKind::ApiError {
            message: "Record not found".into()
        }
    );

    // Missing and invalid fields, each naming the record, its id and the field.
    let cases = [
        (MINIMAL.replace(r#""id": "1", "#, ""), "id", None),
        (
            MINIMAL.replace(r#""content": "<p>ok</p>","#, ""),
            "content",
            Some("1"),
        ),
        (
            MINIMAL.replace(
                r#""created_at": "2026-07-14T08:00:00Z","#,
                r#""created_at": null,"#,
            ),
            "created_at",
            Some("1"),
        ),
        (
            MINIMAL.replace(r#", "replies_count": 0"#, ""),
            "replies_count",
            Some("1"),
        ),
        (
            MINIMAL.replace(r#""reblogs_count": 0"#, r#""reblogs_count": 1.5"#),
            "reblogs_count",
            Some("1"),
        ),
        (MINIMAL.replace(r#""id": "1""#, r#""id": 1"#), "id", None),
        (
            MINIMAL.replace(
                "}",
                r#", "poll": {"options": [{"title": "a", "votes_count": "x"}]}}"#,
            ),
            "poll.options.0.votes_count",
            Some("1"),
        ),
        (
            MINIMAL.replace("}", r#", "media_attachments": {}}"#),
            "media_attachments",
            Some("1"),
        ),
    ];
    for (bad, field, id) in cases {
        let text = format!("[{}, {bad}]", MINIMAL.replace(r#""1""#, r#""0""#));
        let err =
            import_error(read_mastodon(&[text.as_str()], &ReadOptions::strict()).unwrap_err());
        assert_eq!((err.page, err.record), (0, Some(1)), "{err}");
        assert_eq!(err.field.as_deref(), Some(field), "{err}");
        assert_eq!(err.id.as_deref(), id, "{err}");
        let lenient = read_mastodon(&[text.as_str()], &ReadOptions::lenient()).unwrap();
        assert_eq!(
            (lenient.posts.len(), lenient.skipped.len()),
            (1, 1),
            "{field}"
        );
    }
    let text = format!(
        "[{}]",
        MINIMAL.replace(r#""replies_count": 0"#, r#""replies_count": -2"#)
    );
    let err = import_error(read_mastodon(&[text.as_str()], &ReadOptions::strict()).unwrap_err());
    assert_eq!(
        err.to_string(),
        "Mastodon statuses page 0, record 0 (id 1), field replies_count: -2 is not a whole-number count"
    );
}

#[test]
fn truncated_and_odd_input_never_panics() {
    let full = page(1);
    for end in (0..full.len()).step_by(41) {
        if let Some(cut) = full.get(..end) {
            let _ = read_mastodon(&[cut], &ReadOptions::lenient());
        }
    }
    for odd in [
        "",
        "null",
        "[]",
        "{}",
        "[null]",
        "[1, 2]",
        "[[]]",
        "[{\"id\": null}]",
    ] {
        let _ = read_mastodon(&[odd], &ReadOptions::lenient());
        let _ = read_mastodon(&[odd], &ReadOptions::strict());
    }
    assert!(
        read_mastodon(&["[]"], &ReadOptions::strict())
            .unwrap()
            .posts
            .is_empty()
    );
}
