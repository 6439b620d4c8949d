//! Both X/Twitter export formats, their quirks, malformed rows, snowflake ids.
#![cfg(feature = "csv")]

use postab::import::{
    ExportFormat, ImportMode, VariantRules, read_export, read_export_path, read_export_str,
    snowflake_id, snowflake_time,
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
    // A date far from the id's time is an error on the id column.
    let csv = format!(
        "{CONTENT_HEADER}\n{id},\"Fri, Jul 24, 2026\",hello,,1000,5,40,1,0,2,1,2,3,4,30,0,0\n"
    );
    let err = read_export_str(&csv, ImportMode::Strict).unwrap_err();
    assert!(
        matches!(
            err,
            Error::InvalidCell {
                line: 2,
                column_number: 1,
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
        assert!(matches!(err, Error::UnrecognizedExport { .. }));
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
