//! Both X/Twitter export formats, their quirks, malformed rows, snowflake ids.
#![cfg(feature = "csv")]

use postab::import::{
    ExportFormat, ImportMode, NoticeKind, VariantRules, read_export, read_export_path,
    read_export_paths, read_export_str, read_exports, snowflake_id, snowflake_time,
};
use postab::{Error, Metric, Outcome};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

const LEGACY_HEADER: &str = "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,retweets,replies,likes,user profile clicks,url clicks,hashtag clicks,detail expands,permalink clicks,app opens,app installs,follows,email tweet,dial phone,media views,media engagements,promoted impressions,promoted engagements,promoted engagement rate,promoted retweets,promoted replies,promoted likes,promoted user profile clicks,promoted url clicks,promoted hashtag clicks,promoted detail expands,promoted permalink clicks,promoted app opens,promoted app installs,promoted follows,promoted email tweet,promoted dial phone,promoted media views,promoted media engagements";

const CONTENT_HEADER: &str = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks";

/// A legacy row: organic metric cells then 18 promoted cells.
fn legacy_row(id: &str, text: &str, organic: &str, promoted: &str) -> String {
    format!(
        "{id},https://twitter.com/a/status/{id},{text},2020-02-04 19:19 +0000,{organic},{promoted}"
    )
}

const ORGANIC: &str = "1376.0,40.0,0.029,3.0,1.0,12.0,2.0,9.0,0,5,0,0,0,1,0,0,0,0";
const NOT_PROMOTED: &str = "-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-";
const PROMOTED: &str = "500.0,20.0,0.04,1.0,0,4.0,1.0,7.0,0,3,0,0,0,0,0,0,0,0";

#[test]
fn snowflake_decodes_known_pairs() {
    // An X API post documented with created_at 2019-12-31T19:26:16.000Z (the
    // API rounds to the second).
    let at = snowflake_time(1_212_092_628_029_698_048).unwrap();
    assert_eq!(at.timestamp_millis(), 1_577_820_376_771);
    assert_eq!(
        at.format("%Y-%m-%dT%H:%M:%S").to_string(),
        "2019-12-31T19:26:16"
    );
    // Its reply parent, posted just before.
    let parent = snowflake_time(1_212_092_627_178_287_104).unwrap();
    assert!(parent < at && (at - parent).num_milliseconds() < 1000);
    // The epoch itself and the round trip.
    assert_eq!(
        snowflake_time(0).unwrap().timestamp_millis(),
        1_288_834_974_657
    );
    let t = "2026-07-14T08:00:00.123Z".parse().unwrap();
    assert_eq!(
        snowflake_time(snowflake_id(t).unwrap() | 0x3F_FFFF),
        Some(t)
    );
    assert_eq!(snowflake_id("2009-01-01T00:00:00Z".parse().unwrap()), None);
    assert!(snowflake_time(u64::MAX).is_some());
}

#[test]
fn legacy_export_quirks() {
    let csv = format!(
        "{LEGACY_HEADER}\n{}\n{}\n",
        legacy_row(
            "1224792473470418944",
            "\"Line one,\nline \"\"two\"\" #q\"",
            ORGANIC,
            NOT_PROMOTED
        ),
        legacy_row("1224792473470418945", "plain #s", ORGANIC, PROMOTED),
    );
    let r = read_export_str(&csv, ImportMode::Strict).unwrap();
    assert_eq!(r.format, ExportFormat::TweetActivity);
    assert_eq!(r.posts.len(), 2);
    let p = &r.posts[0];
    assert_eq!(p.text, "Line one,\nline \"two\" #q");
    assert_eq!(p.posted_at.to_rfc3339(), "2020-02-04T19:19:00+00:00");
    assert_eq!(p.counts.impressions(), 1376);
    assert_eq!(p.counts.clicks(), 9);
    assert_eq!(p.counts.reposts(), 3);
    assert_eq!(p.counts.profile_visits(), 2);
    assert_eq!(p.counts.follows(), 1);
    assert_eq!(p.counts.get(&Outcome::custom("detail_expands").unwrap()), 5);
    assert_eq!(p.counts.get(&Outcome::custom("engagements").unwrap()), 40);
    assert_eq!(p.promoted, None);
    assert_eq!(
        p.link.as_deref(),
        Some("https://twitter.com/a/status/1224792473470418944")
    );
    // The second row starts on line 4 (the first spans lines 2-3).
    let q = &r.posts[1];
    assert_eq!(q.line, 4);
    let promoted = q.promoted.as_ref().unwrap();
    assert_eq!((promoted.impressions(), promoted.clicks()), (500, 7));
}

#[test]
fn content_export_recovers_time_from_id() {
    let id = snowflake_id("2026-07-14T15:04:05Z".parse().unwrap()).unwrap() + 77;
    let csv = format!(
        "{CONTENT_HEADER}\n{id},\"Tue, Jul 14, 2026\",hello,,1000,5,40,1,0,2,1,2,3,4,30,0,0\n"
    );
    let r = read_export_str(&csv, ImportMode::Strict).unwrap();
    assert_eq!(r.format, ExportFormat::AccountContent);
    let p = &r.posts[0];
    assert_eq!(p.posted_at.to_rfc3339(), "2026-07-14T15:04:05+00:00");
    assert_eq!(
        (
            p.counts.impressions(),
            p.counts.clicks(),
            p.counts.follows()
        ),
        (1000, 30, 2)
    );
    assert_eq!(p.counts.get(&Outcome::custom("bookmarks").unwrap()), 1);
    // A date far from the id's time is an error on the Date column.
    let csv = format!(
        "{CONTENT_HEADER}\n{id},\"Fri, Jul 24, 2026\",hello,,1000,5,40,1,0,2,1,2,3,4,30,0,0\n"
    );
    let err = read_export_str(&csv, ImportMode::Strict).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidCell {
                line: 2,
                column_number: 2,
                ..
            }
        ),
        "{err}"
    );
    // A date whose weekday is wrong is an invalid date.
    let csv = format!(
        "{CONTENT_HEADER}\n{id},\"Mon, Jul 14, 2026\",hello,,1000,5,40,1,0,2,1,2,3,4,30,0,0\n"
    );
    let err = read_export_str(&csv, ImportMode::Strict).unwrap_err();
    assert!(
        matches!(err, Error::InvalidCell { ref column, column_number: 2, .. } if column == "Date"),
        "{err}"
    );
}

#[test]
fn sample_files_parse_and_group() {
    let legacy =
        read_export_path(format!("{DATA}/tweet_activity.csv"), ImportMode::Strict).unwrap();
    assert_eq!(legacy.format, ExportFormat::TweetActivity);
    assert!(legacy.posts.len() >= 40);
    assert!(legacy.posts.iter().any(|p| p.text.contains('\n')));
    assert!(legacy.posts.iter().any(|p| p.promoted.is_some()));
    assert!(legacy.posts.iter().any(|p| p.promoted.is_none()));
    let content =
        read_export_path(format!("{DATA}/account_content.csv"), ImportMode::Strict).unwrap();
    assert_eq!(content.format, ExportFormat::AccountContent);
    let rules = VariantRules::new()
        .tag("q", "question")
        .tag("s", "statement");
    for report in [&legacy, &content] {
        let g = rules.group(&report.posts);
        assert!(g.unassigned.is_empty());
        assert_eq!(g.variants.len(), 2);
        let pc = g.post_counts("question", &Metric::click_through()).unwrap();
        assert_eq!(pc.len(), g.variants["question"].len());
        let exp = g
            .to_experiment("hooks", "question", Metric::click_through())
            .unwrap();
        assert_eq!(exp.variants().len(), 2);
    }
    let missing = read_export_path(format!("{DATA}/nope.csv"), ImportMode::Strict).unwrap_err();
    assert!(matches!(missing, Error::ReadFailed { .. }));
}

#[test]
fn malformed_rows_strict_and_lenient() {
    type Check = fn(&Error) -> bool;
    let cases: [(&str, Check); 4] = [
        // Non-numeric count in `impressions` (column 5).
        (
            "1376.0x",
            |e| matches!(e, Error::NonNumericCount { line: 3, column_number: 5, value, .. } if value == "1376.0x"),
        ),
        // Negative count.
        (
            "-12",
            |e| matches!(e, Error::NegativeCount { line: 3, column_number: 5, value, .. } if value == "-12"),
        ),
        // A fraction is not a count.
        ("12.5", |e| {
            matches!(e, Error::NonNumericCount { line: 3, .. })
        }),
        // Clicks (9) above impressions (8).
        ("8", |e| {
            matches!(
                e,
                Error::ClicksExceedImpressions {
                    line: 3,
                    clicks: 9,
                    impressions: 8,
                    column_number: 12,
                    ..
                }
            )
        }),
    ];
    for (impressions, check) in cases {
        let bad = ORGANIC.replacen("1376.0", impressions, 1);
        let csv = format!(
            "{LEGACY_HEADER}\n{}\n{}\n{}\n",
            legacy_row("1", "ok", ORGANIC, NOT_PROMOTED),
            legacy_row("2", "bad", &bad, NOT_PROMOTED),
            legacy_row("3", "ok", ORGANIC, NOT_PROMOTED),
        );
        let err = read_export_str(&csv, ImportMode::Strict).unwrap_err();
        assert!(check(&err), "{impressions}: {err:?}");
        assert!(err.to_string().contains("line 3"), "{err}");
        let lenient = read_export_str(&csv, ImportMode::Lenient).unwrap();
        assert_eq!(
            lenient
                .posts
                .iter()
                .map(|p| p.x_id().unwrap())
                .collect::<Vec<_>>(),
            [1, 3]
        );
        assert_eq!(lenient.skipped.len(), 1);
        assert_eq!(lenient.skipped[0].line, 3);
        assert!(check(&lenient.skipped[0].error));
    }
}

#[test]
fn header_problems_are_errors_in_both_modes() {
    let no_clicks = LEGACY_HEADER.replace(",url clicks,", ",link clicks,");
    for mode in [ImportMode::Strict, ImportMode::Lenient] {
        let err = read_export_str(&format!("{no_clicks}\n"), mode).unwrap_err();
        assert_eq!(
            err,
            Error::MissingColumn {
                column: "url clicks".into(),
                format: "tweet activity".into()
            }
        );
        let err = read_export_str("a,b,c\n1,2,3\n", mode).unwrap_err();
        assert_eq!(
            err,
            Error::UnrecognizedHeader {
                columns: vec!["a".into(), "b".into(), "c".into()],
                delimiter: ','
            }
        );
        assert!(matches!(
            read_export_str("", mode),
            Err(Error::MalformedCsv { line: None, .. })
        ));
    }
    // Missing columns in the content export, in any column order otherwise.
    let err =
        read_export_str("Post id,Date,Post text,Impressions\n", ImportMode::Strict).unwrap_err();
    assert_eq!(
        err,
        Error::MissingColumn {
            column: "Likes".into(),
            format: "account content".into()
        }
    );
}

#[test]
fn short_rows_and_bad_bytes_are_row_errors() {
    let csv = format!(
        "{LEGACY_HEADER}\n1,x,short\n{}\n",
        legacy_row("2", "ok", ORGANIC, NOT_PROMOTED)
    );
    assert!(matches!(
        read_export_str(&csv, ImportMode::Strict),
        Err(Error::MalformedCsv { line: Some(2), .. })
    ));
    let r = read_export_str(&csv, ImportMode::Lenient).unwrap();
    assert_eq!((r.posts.len(), r.skipped.len()), (1, 1));
    let mut bytes = format!("{LEGACY_HEADER}\n").into_bytes();
    bytes.extend_from_slice(legacy_row("1", "caf\u{e9}", ORGANIC, NOT_PROMOTED).as_bytes());
    let at = bytes.iter().position(|&b| b == 0xA9).unwrap();
    bytes[at] = 0xFF; // invalid UTF-8 in the text cell
    let err = read_export(&bytes[..], ImportMode::Strict).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidCell {
                column_number: 3,
                ..
            }
        ),
        "{err}"
    );
}

/// A content-export row posted at `at` (the date column as given).
fn content_row(id: u64, date: &str, impressions: u64, clicks: u64) -> String {
    format!("{id},\"{date}\",Post {id} #q,,{impressions},5,40,0,0,0,1,2,3,4,{clicks},0,0")
}

fn content_id(at: &str) -> u64 {
    snowflake_id(at.parse().unwrap()).unwrap()
}

#[test]
fn appended_exports_keep_the_later_snapshot_and_notice_duplicates() {
    let (a, b) = (
        content_id("2026-07-14T08:00:00Z"),
        content_id("2026-07-15T08:00:00Z"),
    );
    // One file with the same post twice (an appended export).
    let csv = format!(
        "{CONTENT_HEADER}\n{}\n{}\n{}\n",
        content_row(a, "Tue, Jul 14, 2026", 1000, 30),
        content_row(b, "Wed, Jul 15, 2026", 900, 20),
        content_row(a, "Tue, Jul 14, 2026", 1500, 45),
    );
    for mode in [ImportMode::Strict, ImportMode::Lenient] {
        let r = read_export_str(&csv, mode).unwrap();
        assert_eq!(r.posts.len(), 2);
        assert_eq!(r.posts[0].x_id(), Some(a)); // the first place kept
        assert_eq!(r.posts[0].counts.impressions(), 1500); // the later row
        assert_eq!(r.posts[0].line, 4);
        assert_eq!(r.notice_count(NoticeKind::Duplicate), 1);
        let n = &r.notices[0];
        assert_eq!((n.page, n.record), (0, 4));
        assert_eq!(n.id, Some(a.to_string()));
        assert!(r.to_string().starts_with(&format!(
            "account content export: 2 posts, 0 rows skipped, 1 notice\n  file 0, line 4 ({a}): read again, the later snapshot kept"
        )), "{r}");
        let total: u64 = r.posts.iter().map(|p| p.counts.impressions()).sum();
        assert_eq!(total, 2400); // not 3400: nothing counted twice
    }
    // Across files: the later file wins.
    let older = format!(
        "{CONTENT_HEADER}\n{}\n{}\n",
        content_row(a, "Tue, Jul 14, 2026", 1000, 30),
        content_row(b, "Wed, Jul 15, 2026", 900, 20)
    );
    let newer = format!(
        "{CONTENT_HEADER}\n{}\n",
        content_row(b, "Wed, Jul 15, 2026", 950, 21)
    );
    let r = read_exports(&[&older, &newer], ImportMode::Strict).unwrap();
    assert_eq!(r.posts.len(), 2);
    assert_eq!(r.posts[1].counts.impressions(), 950);
    assert_eq!((r.posts[1].page, r.posts[1].line), (Some(1), 2));
    assert_eq!((r.notices[0].page, r.notices[0].record), (1, 2));
    // Errors name the file.
    let bad = format!(
        "{CONTENT_HEADER}\n{}\n",
        content_row(b, "Wed, Jul 15, 2026", 9, 21)
    );
    let err = read_exports(&[&older, &bad], ImportMode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::InFile { file, error } if file == "file 1" && matches!(**error, Error::ClicksExceedImpressions { line: 2, .. })),
        "{err}"
    );
    let r = read_exports(&[&older, &bad], ImportMode::Lenient).unwrap();
    assert_eq!((r.posts.len(), r.skipped[0].line), (2, 2));
    assert!(
        r.skipped[0]
            .to_string()
            .starts_with("line 2: file 1: line 2"),
        "{}",
        r.skipped[0]
    );
    // A mix of formats is an error; so is no file.
    let legacy = format!(
        "{LEGACY_HEADER}\n{}\n",
        legacy_row("1", "x", ORGANIC, NOT_PROMOTED)
    );
    assert!(matches!(
        read_exports(&[&older, &legacy], ImportMode::Strict),
        Err(Error::InFile { .. })
    ));
    assert!(read_exports::<&str>(&[], ImportMode::Strict).is_err());
    // Paths.
    let dir = std::env::temp_dir().join(format!("postab-i14-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let (p1, p2) = (dir.join("july.csv"), dir.join("august.csv"));
    std::fs::write(&p1, &older).unwrap();
    std::fs::write(&p2, &newer).unwrap();
    let r = read_export_paths(&[&p1, &p2], ImportMode::Strict).unwrap();
    assert_eq!((r.posts.len(), r.notices.len()), (2, 1));
    std::fs::remove_dir_all(&dir).unwrap();
    // The tweet-activity export too.
    let csv = format!(
        "{LEGACY_HEADER}\n{}\n{}\n",
        legacy_row("7", "old", ORGANIC, NOT_PROMOTED),
        legacy_row("7", "new", ORGANIC, PROMOTED),
    );
    let r = read_export_str(&csv, ImportMode::Strict).unwrap();
    assert_eq!((r.posts.len(), r.posts[0].text.as_str()), (1, "new"));
    assert_eq!(r.notice_count(NoticeKind::Duplicate), 1);
}

#[test]
fn line_numbers_are_right_with_lf_and_crlf() {
    let a = content_id("2026-07-14T08:00:00Z");
    for eol in ["\n", "\r\n"] {
        // Row 2 spans lines 2-4 (a quoted text with two line breaks), a
        // blank line 5, row 3 on line 6 is bad, row 4 on line 7 is bad.
        let quoted = format!(
            "{a},\"Tue, Jul 14, 2026\",\"one{eol}two{eol}three\",,1000,5,40,0,0,0,1,2,3,4,30,0,0"
        );
        let csv = [
            CONTENT_HEADER.to_string(),
            quoted,
            String::new(),
            content_row(a + 1, "Tue, Jul 14, 2026", 10, 30),
            content_row(a + 2, "Tue, Jul 14, 2026", 10, 30),
            content_row(a + 3, "Tue, Jul 14, 2026", 100, 30),
        ]
        .join(eol)
            + eol;
        let err = read_export_str(&csv, ImportMode::Strict).unwrap_err();
        assert!(
            matches!(err, Error::ClicksExceedImpressions { line: 6, .. }),
            "{eol:?}: {err}"
        );
        let r = read_export_str(&csv, ImportMode::Lenient).unwrap();
        assert_eq!(
            r.posts.iter().map(|p| p.line).collect::<Vec<_>>(),
            [2, 8],
            "{eol:?}"
        );
        assert_eq!(
            r.skipped.iter().map(|s| s.line).collect::<Vec<_>>(),
            [6, 7],
            "{eol:?}"
        );
        assert_eq!(r.posts[0].text, format!("one{eol}two{eol}three"));
        // A short row's error names its line too.
        let short = format!(
            "{CONTENT_HEADER}{eol}{}{eol}1,2{eol}",
            content_row(a, "Tue, Jul 14, 2026", 100, 30)
        );
        assert!(
            matches!(
                read_export_str(&short, ImportMode::Strict),
                Err(Error::MalformedCsv { line: Some(3), .. })
            ),
            "{eol:?}"
        );
    }
}

#[test]
fn one_digit_days_parse() {
    let a = content_id("2026-11-02T12:00:00Z");
    let csv = format!(
        "{CONTENT_HEADER}\n{}\n{}\n",
        content_row(a, "Mon, Nov 2, 2026", 100, 3),
        content_row(a + 1, "Mon, Nov 02, 2026", 100, 3),
    );
    let r = read_export_str(&csv, ImportMode::Strict).unwrap();
    assert_eq!(r.posts.len(), 2);
    // A wrong weekday is still an error naming the Date column.
    let csv = format!(
        "{CONTENT_HEADER}\n{}\n",
        content_row(a, "Tue, Nov 2, 2026", 100, 3)
    );
    let err = read_export_str(&csv, ImportMode::Strict).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidCell { column, line: 2, .. } if column == "Date"),
        "{err}"
    );
}

#[test]
fn unrecognised_headers_list_their_columns_and_the_formats() {
    let err =
        read_export_str("Tweet ID number,Text,Time\n1,2,3\n", ImportMode::Strict).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains(r#""Tweet ID number", "Text", "Time""#),
        "{msg}"
    );
    assert!(
        msg.contains("tweet activity") && msg.contains("account content"),
        "{msg}"
    );
    assert!(
        msg.contains(r#""Tweet id""#) && msg.contains(r#""Post id""#),
        "{msg}"
    );
    // A semicolon-separated header that is no export either says so.
    let err = read_export_str("a;b;c\n1;2;3\n", ImportMode::Strict).unwrap_err();
    assert_eq!(
        err,
        Error::UnrecognizedHeader {
            columns: vec!["a".into(), "b".into(), "c".into()],
            delimiter: ';'
        }
    );
    assert!(err.to_string().contains("semicolon-separated"), "{err}");
}

#[test]
fn a_date_id_mismatch_names_the_date_column_with_both_values() {
    let a = content_id("2026-07-14T08:00:00Z");
    let csv = format!(
        "{CONTENT_HEADER}\n{}\n",
        content_row(a, "Fri, Jul 24, 2026", 100, 3)
    );
    let err = read_export_str(&csv, ImportMode::Strict).unwrap_err();
    match &err {
        Error::InvalidCell {
            line,
            column,
            column_number,
            value,
            expected,
        } => {
            assert_eq!((*line, column.as_str(), *column_number), (2, "Date", 2));
            assert_eq!(value, "Fri, Jul 24, 2026");
            assert!(
                expected.contains(&a.to_string()) && expected.contains("2026-07-14 08:00"),
                "{expected}"
            );
        }
        other => panic!("{other}"),
    }
}

#[test]
fn utf16_utf8_bom_and_semicolon_files_are_read() {
    let a = content_id("2026-07-14T08:00:00Z");
    let csv = format!(
        "{CONTENT_HEADER}\r\n{}\r\n{}\r\n",
        content_row(a, "Tue, Jul 14, 2026", 1000, 30),
        content_row(a + 1, "Tue, Jul 14, 2026", 10, 30)
    );
    let plain = read_export_str(&csv, ImportMode::Lenient).unwrap();
    assert_eq!((plain.posts.len(), plain.skipped[0].line), (1, 3));
    let mut le = vec![0xFF, 0xFE];
    let mut be = vec![0xFE, 0xFF];
    for u in csv.encode_utf16() {
        le.extend_from_slice(&u.to_le_bytes());
        be.extend_from_slice(&u.to_be_bytes());
    }
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(csv.as_bytes());
    for bytes in [le, be, bom] {
        let r = read_export(&bytes[..], ImportMode::Lenient).unwrap();
        assert_eq!(r, plain);
    }
    // An odd byte count is invalid UTF-16.
    let mut odd = vec![0xFF, 0xFE];
    odd.extend_from_slice(b"abc");
    assert!(matches!(
        read_export(&odd[..], ImportMode::Strict),
        Err(Error::MalformedCsv { line: None, .. })
    ));
    // Semicolons: read when the header split on ';' is an export's.
    let semi = format!(
        "{}\n{}\n",
        CONTENT_HEADER.replace(',', ";"),
        content_row(a, "Tue, Jul 14, 2026", 1000, 30)
            .replacen(",\"", ";\"", 1)
            .replacen("\",", "\";", 1)
            .replace(",#", " #")
            .replace(',', ";")
            .replace("Tue; Jul 14; 2026", "Tue, Jul 14, 2026")
    );
    let r = read_export_str(&semi, ImportMode::Strict).unwrap();
    assert_eq!(
        (r.posts.len(), r.posts[0].counts.clicks()),
        (1, 30),
        "{semi}"
    );
    // A decimal comma is not guessed at.
    let comma = semi.replacen(";1000;", ";1000,0;", 1);
    assert!(
        matches!(
            read_export_str(&comma, ImportMode::Strict),
            Err(Error::NonNumericCount { line: 2, .. })
        ),
        "{comma}"
    );
}

#[test]
fn lenient_reports_count_and_reasons() {
    let a = content_id("2026-07-14T08:00:00Z");
    let csv = format!(
        "{CONTENT_HEADER}\n{}\n{}\n{}\n{}\n",
        content_row(a, "Tue, Jul 14, 2026", 1000, 30),
        content_row(a + 1, "Tue, Jul 14, 2026", 10, 30),
        content_row(a + 2, "Tue, Jul 14, 2026", 10, 30),
        content_row(a + 3, "Tue, Jul 99, 2026", 100, 3),
    );
    let r = read_export_str(&csv, ImportMode::Lenient).unwrap();
    assert_eq!(r.skipped_count(), 3);
    assert_eq!(
        r.skipped_summary(),
        [("clicks exceed impressions", 2), ("invalid cell", 1)]
    );
    let text = r.to_string();
    assert!(
        text.starts_with("account content export: 1 post, 3 rows skipped\n  line 3: "),
        "{text}"
    );
    assert!(
        text.ends_with("\n  skipped: 2 clicks exceed impressions, 1 invalid cell"),
        "{text}"
    );
}

mod never_panics {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(300))]
        #[test]
        fn arbitrary_bytes_after_a_header(body in proptest::collection::vec(any::<u8>(), 0..400), legacy in any::<bool>()) {
            let header = if legacy { LEGACY_HEADER } else { CONTENT_HEADER };
            let mut bytes = format!("{header}\n").into_bytes();
            bytes.extend_from_slice(&body);
            let _ = read_export(&bytes[..], ImportMode::Strict);
            let _ = read_export(&bytes[..], ImportMode::Lenient);
        }

        #[test]
        fn mutated_rows(cells in proptest::collection::vec("[-0-9.,\"a-z\n ]{0,8}", 0..45)) {
            let csv = format!("{LEGACY_HEADER}\n{}\n", cells.join(","));
            let _ = read_export_str(&csv, ImportMode::Lenient);
            let csv = format!("{CONTENT_HEADER}\n{}\n", cells.join(","));
            let _ = read_export_str(&csv, ImportMode::Strict);
        }
    }
}
