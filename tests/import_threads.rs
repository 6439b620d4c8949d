//! Saved Threads API responses: the media list (`GET
//! /{threads-user-id}/threads`, `{"data": [...], "paging": {...}}`) joined
//! with per-post insights (`GET /{threads-media-id}/insights`, `{"data":
//! [{"name", "period", "values": [{"value"}], "title", "description",
//! "id"}]}`), as documented by Meta at
//! <https://developers.facebook.com/docs/threads/retrieve-and-discover-posts/retrieve-posts>
//! and <https://developers.facebook.com/docs/threads/insights>. Accounts and
//! ids are made up.
#![cfg(feature = "json")]

use postab::import::{
    ExportFormat, ImportErrorKind, NoticeKind, Platform, PollOption, PostKind, ReadOptions,
    read_threads, read_threads_paths,
};
use postab::post::MediaKind;
use postab::{Counts, Error, Outcome};

const DIR: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/data/import");
const WITH_INSIGHTS: [&str; 4] = [
    "18050000000000001",
    "18050000000000003",
    "18050000000000004",
    "18050000000000006",
];

fn read(name: &str) -> String {
    std::fs::read_to_string(format!("{DIR}/{name}")).unwrap()
}

fn insights(ids: &[&'static str]) -> Vec<(&'static str, String)> {
    ids.iter()
        .map(|id| (*id, read(&format!("threads_insights_{id}.json"))))
        .collect()
}

fn counts(pairs: &[(&str, u64)]) -> Counts {
    let mut c = Counts::new();
    for (name, n) in pairs {
        let outcome = name
            .parse::<Outcome>()
            .or_else(|_| Outcome::custom(*name))
            .unwrap();
        if *n > 0 {
            c.add_count(&outcome, *n).unwrap();
        }
    }
    c
}

fn import_error(e: Error) -> postab::import::ImportError {
    match e {
        Error::Import(e) => *e,
        other => panic!("not an import error: {other:?}"),
    }
}

#[test]
fn media_joined_with_insights() {
    let pages = [
        read("threads_media_page1.json"),
        read("threads_media_page2.json"),
    ];
    let mut ids = WITH_INSIGHTS.to_vec();
    ids.push("18050000000000099");
    let report = read_threads(&pages, &insights(&ids), &ReadOptions::strict()).unwrap();
    assert_eq!(report.format, ExportFormat::ThreadsMedia);
    let got: Vec<&str> = report.posts.iter().map(|p| p.id.as_str()).collect();
    assert_eq!(
        got,
        [
            "18050000000000001",
            "18050000000000003",
            "18050000000000004",
            "18050000000000005",
            "18050000000000006"
        ]
    );
    let p = &report.posts[0];
    assert_eq!(p.platform, Platform::Threads);
    assert_eq!(p.kind, PostKind::Original);
    assert_eq!(p.text, "Is your posting schedule too rigid? 🤔 #q");
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-14T08:00:00+00:00");
    assert_eq!(
        p.link.as_deref(),
        Some("https://www.threads.net/@sam_test/post/C0001xYz")
    );
    assert_eq!(p.media, MediaKind::LinkCard);
    assert_eq!(p.links, ["https://blog.example/rigid-schedules"]);
    assert_eq!(
        p.counts,
        counts(&[
            ("views", 812),
            ("likes", 31),
            ("replies", 4),
            ("reposts", 3),
            ("quotes", 1),
            ("shares", 2)
        ])
    );
    assert_eq!(p.counts.impressions(), 0);

    let p = &report.posts[1];
    assert_eq!(p.text, "لا توجد طريقة واحدة صحيحة لإدارة حساب. #s");
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-15T07:30:00+00:00");
    assert_eq!(p.media, MediaKind::Image);
    assert_eq!(
        p.counts,
        counts(&[("views", 640), ("likes", 22), ("reposts", 1)])
    );

    let p = &report.posts[2];
    assert_eq!(p.media, MediaKind::Poll);
    let poll = p.poll.as_ref().unwrap();
    assert_eq!(
        poll.options,
        [
            PollOption::new("A question", None),
            PollOption::new("A statement", None)
        ]
    );
    assert_eq!((poll.votes, poll.voters), (Some(45), None));
    assert_eq!(
        poll.expires_at.map(|t| t.to_rfc3339()).as_deref(),
        Some("2026-07-17T07:00:00+00:00")
    );
    assert_eq!((p.page, p.record), (Some(1), Some(0)));

    // No text field, no insights: kept with no counts.
    let p = &report.posts[3];
    assert_eq!(p.text, "");
    assert_eq!(p.media, MediaKind::Video);
    assert!(p.counts.is_empty());

    // A quote post is an original; the total_value form; -0700.
    let p = &report.posts[4];
    assert_eq!(p.kind, PostKind::Original);
    assert_eq!(p.media, MediaKind::Image);
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-18T19:00:00+00:00");
    assert_eq!(p.counts, counts(&[("views", 2048), ("likes", 77)]));

    let notices: Vec<_> = report
        .notices
        .iter()
        .map(|n| (n.kind, n.page, n.record, n.id.as_deref().unwrap()))
        .collect();
    assert_eq!(
        notices,
        [
            (NoticeKind::Repost, 0, 1, "18050000000000002"),
            (NoticeKind::Duplicate, 1, 0, "18050000000000004"),
            (NoticeKind::UnmatchedInsights, 6, 0, "18050000000000099"),
            (NoticeKind::NoInsights, 1, 1, "18050000000000005"),
        ]
    );
}

#[test]
fn files() {
    let media = [
        format!("{DIR}/threads_media_page1.json"),
        format!("{DIR}/threads_media_page2.json"),
    ];
    let insight_files: Vec<(&str, String)> = WITH_INSIGHTS
        .iter()
        .map(|id| (*id, format!("{DIR}/threads_insights_{id}.json")))
        .collect();
    let from_files = read_threads_paths(&media, &insight_files, &ReadOptions::strict()).unwrap();
    let pages = [
        read("threads_media_page1.json"),
        read("threads_media_page2.json"),
    ];
    let from_strings =
        read_threads(&pages, &insights(&WITH_INSIGHTS), &ReadOptions::strict()).unwrap();
    assert_eq!(from_files, from_strings);
}

#[test]
fn bad_input() {
    let media = read("threads_media_page1.json");
    let views = read("threads_insights_18050000000000001.json");
    // Insights given as a media page, and the reverse: both modes.
    for options in [ReadOptions::strict(), ReadOptions::lenient()] {
        let err = import_error(
            read_threads(&[views.as_str()], &[] as &[(&str, &str)], &options).unwrap_err(),
        );
        assert!(
            matches!(err.kind, ImportErrorKind::WrongPlatform { .. }),
            "{err:?}"
        );
        let err = import_error(
            read_threads(
                &[media.as_str()],
                &[("18050000000000001", media.as_str())],
                &options,
            )
            .unwrap_err(),
        );
        assert_eq!(err.page, 1);
        assert_eq!(err.id.as_deref(), Some("18050000000000001"));
    }
    // A Graph API error saved as an insights response: strict error,
    // lenient skip (and the post has no insights).
    let api = r#"{"error": {"message": "Invalid OAuth access token.", "type": "OAuthException", "code": 190, "fbtrace_id": "AbC"}}"#;
    let err = import_error(
        read_threads(
            &[media.as_str()],
            &[("18050000000000001", api)],
            &ReadOptions::strict(),
        )
        .unwrap_err(),
    );
    assert_eq!(
        err.kind,
        ImportErrorKind::ApiError {
            message: "Invalid OAuth access token. (OAuthException, code 190)".into()
        }
    );
    let lenient = read_threads(
        &[media.as_str()],
        &[("18050000000000001", api)],
        &ReadOptions::lenient(),
    )
    .unwrap();
    assert_eq!(lenient.skipped.len(), 1);
    assert_eq!(lenient.notice_count(NoticeKind::NoInsights), 3);
    // Missing and invalid fields.
    let no_time = r#"{"data": [{"id": "7", "media_type": "TEXT_POST", "text": "x"}]}"#;
    let err = import_error(
        read_threads(&[no_time], &[] as &[(&str, &str)], &ReadOptions::strict()).unwrap_err(),
    );
    assert_eq!(
        (err.record, err.id.as_deref(), err.field.as_deref()),
        (Some(0), Some("7"), Some("timestamp"))
    );
    let bad_value =
        r#"{"data": [{"name": "likes", "period": "lifetime", "values": [{"value": "lots"}]}]}"#;
    let err = import_error(
        read_threads(
            &[media.as_str()],
            &[("18050000000000001", bad_value)],
            &ReadOptions::strict(),
        )
        .unwrap_err(),
    );
    assert_eq!(err.field.as_deref(), Some("likes.value"));
    assert!(matches!(err.kind, ImportErrorKind::InvalidField { .. }));
    // An empty insights response (what REPOST_FACADE media get): no counts.
    let empty = read_threads(
        &[media.as_str()],
        &[("18050000000000001", r#"{"data": []}"#)],
        &ReadOptions::strict(),
    )
    .unwrap();
    assert!(empty.posts[0].counts.is_empty());
    assert_eq!(empty.notice_count(NoticeKind::NoInsights), 2);
}

#[test]
fn replies_when_flagged() {
    let page = r#"{"data": [
      {"id": "1", "media_type": "TEXT_POST", "text": "a", "timestamp": "2026-07-14T08:00:00+0000"},
      {"id": "2", "media_type": "TEXT_POST", "text": "b", "timestamp": "2026-07-14T09:00:00+0000", "is_reply": true}
    ]}"#;
    let none: &[(&str, &str)] = &[];
    let default = read_threads(&[page], none, &ReadOptions::strict()).unwrap();
    assert_eq!(default.posts.len(), 1);
    assert_eq!(default.notice_count(NoticeKind::Reply), 1);
    let kept = read_threads(&[page], none, &ReadOptions::strict().keep_replies(true)).unwrap();
    assert_eq!(kept.posts[1].kind, PostKind::Reply);
}

#[test]
fn grouping_and_odd_input() {
    let pages = [
        read("threads_media_page1.json"),
        read("threads_media_page2.json"),
    ];
    let report = read_threads(&pages, &insights(&WITH_INSIGHTS), &ReadOptions::strict()).unwrap();
    let groups = postab::import::VariantRules::new()
        .tag("q", "question")
        .tag("s", "statement")
        .group(&report.posts);
    assert_eq!(
        groups.counts("question").unwrap(),
        counts(&[
            ("views", 812),
            ("likes", 31),
            ("replies", 4),
            ("reposts", 3),
            ("quotes", 1),
            ("shares", 2)
        ])
    );
    assert_eq!(groups.variants["statement"].len(), 1);
    assert_eq!(groups.unassigned.len(), 3);

    let full = pages.concat();
    let none: &[(&str, &str)] = &[];
    for end in (0..full.len()).step_by(37) {
        if let Some(cut) = full.get(..end) {
            let _ = read_threads(&[cut], none, &ReadOptions::lenient());
            let _ = read_threads(
                &[pages[0].as_str()],
                &[("18050000000000001", cut)],
                &ReadOptions::lenient(),
            );
        }
    }
    for odd in [
        "",
        "null",
        "[]",
        "{}",
        "{\"data\": null}",
        "{\"data\": [null]}",
        "{\"data\": [{\"name\": 3}]}",
    ] {
        let _ = read_threads(&[odd], none, &ReadOptions::lenient());
        let _ = read_threads(
            &[pages[0].as_str()],
            &[("18050000000000001", odd)],
            &ReadOptions::strict(),
        );
    }
}
