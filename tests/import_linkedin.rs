//! The LinkedIn company-page export reader on workbooks shaped like the
//! real download: a "Metrics" sheet, then an "All posts" sheet with a
//! description row above its header, organic and sponsored rows, empty
//! cells, a blank row, a real date cell, emoji and right-to-left text.
//!
//! Layout: the "All posts" sheet of the Page analytics content export
//! (Page admin > Analytics > Content > Export); the column names and the
//! sources they were taken from are listed at the top of
//! src/import/linkedin.rs. The fixtures (tests/data/linkedin/*.xlsx, .xls)
//! are written by tests/data/linkedin/generate.py with openpyxl and xlwt;
//! every post and count in them is invented.
#![cfg(feature = "linkedin")]

use postab::chrono_tz::America::New_York;
use postab::import::{
    ExportFormat, ImportReport, LinkedInOptions, NoticeKind, Platform, PostRecord, VariantRules,
    read_linkedin, read_linkedin_path,
};
use postab::post::MediaKind;
use postab::{Error, Metric, Outcome};

fn fixture(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/data/linkedin/{name}", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn read(name: &str, options: &LinkedInOptions) -> postab::Result<ImportReport> {
    read_linkedin(&fixture(name), options)
}

fn custom(post: &PostRecord, name: &str) -> u64 {
    post.counts
        .get(&Outcome::custom(name).expect("a valid custom name"))
}

/// (id, created UTC, media, text, [impressions, clicks, likes, replies, reposts, follows, views, offsite_views], line)
type Expected = (
    &'static str,
    &'static str,
    MediaKind,
    &'static str,
    [u64; 8],
    u64,
);

const EXPECTED: [Expected; 7] = [
    (
        "urn:li:activity:7350000000000000001",
        "2026-07-14T12:00:00+00:00",
        MediaKind::TextOnly,
        "Is your posting schedule too rigid? #question",
        [1523, 41, 30, 4, 2, 0, 0, 0],
        3,
    ),
    (
        "urn:li:activity:7350000000000000002",
        "2026-07-15T12:00:00+00:00",
        MediaKind::Image,
        "Three charts from our 2026 survey \u{1F4CA} #survey",
        [2210, 95, 61, 7, 5, 0, 0, 0],
        4,
    ),
    (
        "urn:li:activity:7350000000000000003",
        "2026-07-16T12:00:00+00:00",
        MediaKind::Video,
        "Watch: the 60-second version",
        [3105, 120, 88, 9, 11, 0, 1890, 12],
        5,
    ),
    (
        "urn:li:activity:7350000000000000004",
        "2026-07-17T12:00:00+00:00",
        MediaKind::LinkCard,
        "\u{645}\u{631}\u{62d}\u{628}\u{627} \u{2014} our Arabic-language launch",
        [900, 0, 12, 1, 0, 0, 0, 0],
        6,
    ),
    (
        "urn:li:ugcPost:7350000000000000005",
        "2026-07-20T12:00:00+00:00",
        MediaKind::Poll,
        "Which day do you post? Vote below",
        [1200, 15, 40, 22, 1, 0, 0, 0],
        8,
    ),
    (
        "urn:li:ugcPost:7351000000000000009",
        "2026-07-18T12:00:00+00:00",
        MediaKind::Image,
        "Download the 2026 benchmark report",
        [0, 0, 0, 0, 0, 0, 0, 0],
        10,
    ),
    (
        "urn:li:activity:7350000000000000007",
        "2026-07-21T12:00:00+00:00",
        MediaKind::TextOnly,
        "Team offsite recap",
        [450, 3, 9, 0, 0, 0, 0, 0],
        11,
    ),
];

fn counts_of(post: &PostRecord) -> [u64; 8] {
    let c = &post.counts;
    [
        c.impressions(),
        c.clicks(),
        c.likes(),
        c.replies(),
        c.reposts(),
        c.follows(),
        custom(post, "views"),
        custom(post, "offsite_views"),
    ]
}

fn check_main_posts(report: &ImportReport, line_offset: u64) {
    assert_eq!(report.format, ExportFormat::LinkedInPosts);
    assert_eq!(report.posts.len(), EXPECTED.len());
    for (post, (id, at, media, text, counts, line)) in report.posts.iter().zip(EXPECTED) {
        assert_eq!(post.platform, Platform::LinkedIn);
        assert_eq!(post.id, id);
        assert_eq!(
            post.link.as_deref(),
            Some(format!("https://www.linkedin.com/feed/update/{id}").as_str())
        );
        assert_eq!(post.posted_at.to_rfc3339(), at, "{id}");
        assert_eq!(post.media, media, "{id}");
        assert_eq!(post.text, text);
        assert_eq!(counts_of(post), counts, "{id}");
        assert_eq!(post.line, line + line_offset, "{id}");
        assert_eq!((post.page, post.record), (None, None));
    }
    // Sponsored rows: the campaign metrics of post 2 (its own row, row 9)
    // and of the sponsored-only post, never added to the organic counts.
    let promoted: Vec<_> = report
        .posts
        .iter()
        .map(|p| {
            p.promoted.as_ref().map(|c| {
                (
                    c.impressions(),
                    c.clicks(),
                    c.likes(),
                    c.replies(),
                    c.reposts(),
                    c.follows(),
                )
            })
        })
        .collect();
    assert_eq!(
        promoted,
        [
            None,
            Some((18000, 410, 150, 12, 9, 37)),
            None,
            None,
            None,
            Some((25000, 600, 90, 3, 2, 21)),
            None
        ]
    );
    assert!(report.skipped.is_empty());
    assert!(report.notices.is_empty());
}

#[test]
fn xlsx_every_post_count_and_time() -> postab::Result<()> {
    let report = read("all_posts.xlsx", &LinkedInOptions::strict())?;
    check_main_posts(&report, 0);
    assert_eq!(
        report.to_string(),
        "LinkedIn all posts export: 7 posts, 0 rows skipped"
    );
    // A post (with promoted counts and custom outcomes) reads back.
    for post in &report.posts {
        let json = serde_json::to_string(post).expect("serialisable");
        let back: PostRecord = serde_json::from_str(&json).expect("deserialisable");
        assert_eq!(&back, post);
    }
    // Lenient mode reads a clean file the same.
    assert_eq!(read("all_posts.xlsx", &LinkedInOptions::lenient())?, report);
    Ok(())
}

#[test]
fn xls_reads_the_same_posts_two_rows_lower() -> postab::Result<()> {
    // Two description rows and a blank row above the header (row 4).
    let report = read("all_posts.xls", &LinkedInOptions::strict())?;
    check_main_posts(&report, 2);
    Ok(())
}

#[test]
fn a_renamed_sheet_is_found_by_its_header() -> postab::Result<()> {
    let report = read("renamed_sheet.xlsx", &LinkedInOptions::strict())?;
    check_main_posts(&report, 0);
    Ok(())
}

#[test]
fn dates_are_noon_in_the_given_zone() -> postab::Result<()> {
    let report = read("all_posts.xlsx", &LinkedInOptions::strict().zone(New_York))?;
    // Noon EDT (UTC-4) on each created date.
    let times: Vec<String> = report
        .posts
        .iter()
        .map(|p| p.posted_at.to_rfc3339())
        .collect();
    assert_eq!(
        times,
        [
            "2026-07-14T16:00:00+00:00",
            "2026-07-15T16:00:00+00:00",
            "2026-07-16T16:00:00+00:00",
            "2026-07-17T16:00:00+00:00",
            "2026-07-20T16:00:00+00:00",
            "2026-07-18T16:00:00+00:00",
            "2026-07-21T16:00:00+00:00",
        ]
    );
    Ok(())
}

#[test]
fn a_post_read_again_keeps_the_later_row() -> postab::Result<()> {
    let report = read("duplicate.xlsx", &LinkedInOptions::strict())?;
    assert_eq!(report.posts.len(), 7);
    let first = &report.posts[0];
    assert_eq!(first.id, "urn:li:activity:7350000000000000001");
    assert_eq!((first.counts.impressions(), first.line), (1700, 12));
    assert_eq!(report.notice_count(NoticeKind::Duplicate), 1);
    let n = &report.notices[0];
    assert_eq!((n.page, n.record), (0, 12));
    assert_eq!(n.id.as_deref(), Some("urn:li:activity:7350000000000000001"));
    // The sponsored row of post 2 is not a duplicate of its organic row.
    assert_eq!(
        report.posts[1].promoted.as_ref().map(|c| c.impressions()),
        Some(18000)
    );
    Ok(())
}

fn in_sheet(e: Error) -> (String, Error) {
    match e {
        Error::InSheet { sheet, error } => (sheet, *error),
        other => panic!("not in a sheet: {other:?}"),
    }
}

#[test]
fn a_missing_required_column_names_it_in_both_modes() {
    for options in [LinkedInOptions::strict(), LinkedInOptions::lenient()] {
        let e = read("missing_column.xlsx", &options).expect_err("no Clicks column");
        let message = e.to_string();
        let (sheet, e) = in_sheet(e);
        assert_eq!(sheet, "All posts");
        assert_eq!(
            e,
            Error::MissingColumn {
                column: "Clicks".into(),
                format: "LinkedIn all posts".into()
            }
        );
        assert_eq!(
            message,
            "sheet \"All posts\": LinkedIn all posts export: missing column \"Clicks\""
        );
    }
}

#[test]
fn strict_mode_stops_at_the_first_bad_cell_naming_sheet_row_and_column() {
    let e = read("bad_cells.xlsx", &LinkedInOptions::strict()).expect_err("bad cells");
    assert_eq!(
        e.to_string(),
        "sheet \"All posts\": line 4, column 10 (Impressions): \"2,210 (est.)\" is not a whole-number count"
    );
    let (_, e) = in_sheet(e);
    assert_eq!(
        e,
        Error::NonNumericCount {
            line: 4,
            column: "Impressions".into(),
            column_number: 10,
            value: "2,210 (est.)".into()
        }
    );
}

#[test]
fn lenient_mode_skips_bad_rows_and_says_why() -> postab::Result<()> {
    let report = read("bad_cells.xlsx", &LinkedInOptions::lenient())?;
    let skipped: Vec<(u64, &str)> = report
        .skipped
        .iter()
        .map(|s| (s.line, s.reason()))
        .collect();
    assert_eq!(
        skipped,
        [
            (4, "non-numeric count"),
            (5, "negative count"),
            (6, "invalid cell"),
            (10, "clicks exceed impressions"),
        ]
    );
    let (_, negative) = in_sheet(report.skipped[1].error.clone());
    assert_eq!(
        negative,
        Error::NegativeCount {
            line: 5,
            column: "Likes".into(),
            column_number: 15,
            value: "-3".into()
        }
    );
    let (_, ctr) = in_sheet(report.skipped[2].error.clone());
    assert_eq!(
        ctr.to_string(),
        "line 6, column 14 (Click through rate (CTR)): \"0.5\" is not clicks / impressions = 0 / 900 = 0.000000 (to the decimals written, as a fraction or a percentage)"
    );
    let (_, clicks) = in_sheet(report.skipped[3].error.clone());
    assert_eq!(
        clicks,
        Error::ClicksExceedImpressions {
            line: 10,
            column: "Clicks".into(),
            column_number: 13,
            clicks: 26000,
            impressions: 25000
        }
    );
    // Kept: rows 3, 8, 9 (post 2's sponsored row, now a sponsored-only
    // post: its organic row was skipped) and 11.
    let kept: Vec<(u64, bool)> = report
        .posts
        .iter()
        .map(|p| (p.line, p.promoted.is_some()))
        .collect();
    assert_eq!(kept, [(3, false), (8, false), (9, true), (11, false)]);
    assert_eq!(report.posts[2].counts.impressions(), 0);
    let text = report.to_string();
    assert!(
        text.starts_with("LinkedIn all posts export: 4 posts, 4 rows skipped\n  line 4: sheet \"All posts\": line 4, column 10 (Impressions)"),
        "{text}"
    );
    assert!(
        text.ends_with("skipped: 1 non-numeric count, 1 negative count, 1 invalid cell, 1 clicks exceed impressions"),
        "{text}"
    );
    Ok(())
}

#[test]
fn the_ctr_check_can_be_turned_off() -> postab::Result<()> {
    let report = read(
        "bad_cells.xlsx",
        &LinkedInOptions::lenient().check_ctr(false),
    )?;
    let lines: Vec<u64> = report.skipped.iter().map(|s| s.line).collect();
    assert_eq!(lines, [4, 5, 10]);
    assert!(report.posts.iter().any(|p| p.line == 6));
    Ok(())
}

#[test]
fn a_workbook_without_a_posts_sheet_lists_its_sheets() {
    let e = read("no_posts_sheet.xlsx", &LinkedInOptions::strict()).expect_err("no sheet");
    assert_eq!(
        e,
        Error::MissingSheet {
            sheet: "All posts".into(),
            sheets: vec!["Metrics".into()]
        }
    );
    assert_eq!(
        e.to_string(),
        "the workbook has no sheet \"All posts\" (nor any sheet with its header); its sheets are \"Metrics\""
    );
}

#[test]
fn a_posts_sheet_without_a_header_says_so() {
    let e = read("no_header.xlsx", &LinkedInOptions::lenient()).expect_err("no header");
    let (sheet, e) = in_sheet(e);
    assert_eq!(sheet, "All posts");
    assert_eq!(
        e,
        Error::HeaderNotFound {
            columns: vec!["Post link".into(), "Impressions".into()],
            rows: 20
        }
    );
}

#[test]
fn files_that_are_no_workbook_are_typed_errors() {
    for (name, bytes) in [
        ("truncated", fixture("truncated.xlsx")),
        ("csv", fixture("not_a_workbook.xlsx")),
        ("empty", Vec::new()),
        ("xls header only", fixture("all_posts.xls")[..600].to_vec()),
    ] {
        let e = read_linkedin(&bytes, &LinkedInOptions::lenient()).expect_err(name);
        assert!(matches!(e, Error::InvalidWorkbook { .. }), "{name}: {e:?}");
    }
    let e = read("not_a_workbook.xlsx", &LinkedInOptions::strict()).expect_err("csv");
    assert_eq!(
        e.to_string(),
        "cannot read the workbook: not an .xlsx (zip) or .xls (OLE2) file: it starts with \"Post title,Post link,Pos\""
    );
    let e = read_linkedin_path("tests/data/linkedin/nope.xlsx", &LinkedInOptions::strict())
        .expect_err("no file");
    assert!(matches!(e, Error::ReadFailed { ref path, .. } if path.ends_with("nope.xlsx")));
}

/// Every truncation and a sweep of corrupted bytes of both workbooks:
/// always a report or a typed error, never a panic out of the reader.
#[test]
fn damaged_workbooks_never_panic() {
    for name in ["all_posts.xlsx", "all_posts.xls"] {
        let good = fixture(name);
        let step = (good.len() / 300).max(1);
        for cut in (0..good.len()).step_by(step) {
            check_damaged(&good[..cut], name);
        }
        for at in (0..good.len()).step_by(step) {
            let mut bad = good.clone();
            bad[at] ^= 0x5A;
            check_damaged(&bad, name);
        }
    }
}

fn check_damaged(bytes: &[u8], name: &str) {
    match read_linkedin(bytes, &LinkedInOptions::lenient()) {
        Ok(report) => assert!(report.posts.len() <= 8, "{name}"),
        Err(
            Error::InvalidWorkbook { .. }
            | Error::MissingSheet { .. }
            | Error::InSheet { .. }
            | Error::MissingColumn { .. },
        ) => {}
        Err(other) => panic!("{name}: unexpected {other:?}"),
    }
}

#[test]
fn posts_group_into_an_experiment_on_organic_counts() -> postab::Result<()> {
    let report = read("all_posts.xlsx", &LinkedInOptions::strict())?;
    let groups = VariantRules::new()
        .tag("question", "question")
        .tag("survey", "survey")
        .group(&report.posts);
    let exp = groups.to_experiment("hooks", "question", Metric::click_through())?;
    let survey = exp.counts("survey")?;
    // The organic row only: the sponsored 18,000 impressions stay apart.
    assert_eq!((survey.impressions(), survey.clicks()), (2210, 95));
    assert_eq!(groups.unassigned.len(), 5);
    Ok(())
}

#[test]
fn options_are_send_sync_and_round_trip_through_serde() {
    fn send_sync<T: Send + Sync>() {}
    send_sync::<LinkedInOptions>();
    let options = LinkedInOptions::lenient().zone(New_York).check_ctr(false);
    let json = serde_json::to_string(&options).expect("serialisable");
    assert_eq!(
        json,
        r#"{"mode":"lenient","zone":"America/New_York","check_ctr":false}"#
    );
    let back: LinkedInOptions = serde_json::from_str(&json).expect("deserialisable");
    assert_eq!(back, options);
    assert_eq!(
        serde_json::to_string(&(Platform::LinkedIn, ExportFormat::LinkedInPosts))
            .expect("serialisable"),
        r#"["linkedin","linkedin_posts"]"#
    );
}
