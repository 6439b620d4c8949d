//! Any CSV by a column map: fixtures in `tests/data/mapping/` (their
//! provenance in its README), every count and time asserted exactly, and
//! bad inputs giving typed errors that name the line, column and cell.
#![cfg(feature = "csv")]

use postab::chrono::{DateTime, Utc};
use postab::chrono_tz::America::Chicago;
use postab::import::{
    ColumnMap, ExportFormat, ImportMode, NoticeKind, Platform, Reach, TimeFormat, VariantRules,
    read_mapped_many, read_mapped_path, read_mapped_paths, read_mapped_str,
};
use postab::{Error, Metric, Outcome};

fn data(name: &str) -> String {
    format!("{}/tests/data/mapping/{name}", env!("CARGO_MANIFEST_DIR"))
}

fn utc(s: &str) -> DateTime<Utc> {
    s.parse().unwrap()
}

fn custom(name: &str) -> Outcome {
    Outcome::custom(name).unwrap()
}

/// The X Ads campaign export's documented columns
/// (<https://business.twitter.com/en/help/campaign-measurement-and-analytics/export-csv-definitions.html>,
/// "All campaigns"): one row per campaign and day, so the id is the
/// campaign id and the day.
fn x_ads_map() -> ColumnMap {
    ColumnMap::new("ID", "Time", TimeFormat::pattern("%Y-%m-%d").unwrap())
        .id_also("Time")
        .platform(Platform::X)
        .variant("Campaign")
        .link("Campaign URL")
        .promoted("Impressions", Outcome::Impression)
        .promoted("Clicks", Outcome::Click)
        .promoted("Likes", Outcome::Like)
        .promoted("Reposts", Outcome::Repost)
        .promoted("Replies", Outcome::Reply)
        .promoted("Follows", Outcome::Follow)
        .promoted("Engagements", custom("engagements"))
        .spend("Spend", "USD")
        .unwrap()
        .ignore("Engagement rate")
}

#[test]
fn x_ads_campaign_export_reads_spend_and_paid_counts() {
    let report = read_mapped_path(
        data("x_ads_campaigns.csv"),
        &x_ads_map(),
        ImportMode::Strict,
    )
    .unwrap();
    assert_eq!(report.format, ExportFormat::Mapped);
    assert_eq!(report.posts.len(), 6);
    let first = &report.posts[0];
    assert_eq!(first.id, "1a2b3 / 2026-07-14");
    assert_eq!(first.platform, Platform::X);
    assert_eq!(first.line, 2);
    assert_eq!(first.posted_at, utc("2026-07-14T00:00:00Z"));
    assert_eq!(first.variant.as_deref(), Some("question hook"));
    assert_eq!(
        first.link.as_deref(),
        Some("https://ads.x.com/campaign_form/18ce54d4x5t/1a2b3")
    );
    // Everything an ads export counts is paid: nothing organic.
    assert!(first.counts.is_empty());
    let paid = first.promoted.as_ref().unwrap();
    assert_eq!(paid.impressions(), 6120);
    assert_eq!(paid.clicks(), 96);
    assert_eq!(paid.likes(), 41);
    assert_eq!(paid.reposts(), 7);
    assert_eq!(paid.replies(), 3);
    assert_eq!(paid.follows(), 1);
    assert_eq!(paid.get(&custom("engagements")), 188);
    let spend = first.spend.as_ref().unwrap();
    assert_eq!((spend.micros(), spend.currency()), (25_400_000, "USD"));
    // Unmapped columns are tags; the ignored rate is not.
    assert_eq!(first.tag("Campaign start date").unwrap(), "2026-07-14");
    assert_eq!(first.tag("Billed engagements").unwrap(), "96");
    assert_eq!(first.tag("Engagement rate"), None);
    let last = &report.posts[5];
    assert_eq!(last.id, "1c4d5 / 2026-07-16");
    assert_eq!(last.line, 7);
    assert_eq!(last.spend.as_ref().unwrap().micros(), 24_880_000);

    let groups = VariantRules::new().labels().group(&report.posts);
    assert_eq!(
        groups
            .counts_in("statement hook", Reach::Promoted)
            .unwrap()
            .clicks(),
        360
    );
    assert_eq!(
        groups
            .counts_in("question hook", Reach::Promoted)
            .unwrap()
            .clicks(),
        265
    );
    assert!(groups.counts("question hook").unwrap().is_empty());
}

fn tool_report_map() -> ColumnMap {
    ColumnMap::new(
        "Post ID",
        "Date",
        TimeFormat::pattern("%m/%d/%Y %I:%M %p").unwrap(),
    )
    .zone(Chicago)
    .text("Post")
    .link("Link")
    .outcome("Impressions", Outcome::Impression)
    .outcome("Reach", custom("reach"))
    .outcome("Engagements", custom("engagements"))
    .outcome("Reactions", Outcome::Like)
    .outcome("Comments", Outcome::Reply)
    .outcome("Shares", Outcome::Repost)
    .outcome("Post Link Clicks", Outcome::Click)
    .ignore("Engagement Rate (per Impression)")
}

#[test]
fn tool_post_report_with_title_rows_thousands_and_local_times() {
    let report = read_mapped_path(
        data("tool_posts_report.csv"),
        &tool_report_map(),
        ImportMode::Strict,
    )
    .unwrap();
    assert_eq!(report.posts.len(), 4);
    let p = &report.posts;
    // The header is on line 3, below two title rows.
    assert_eq!(p.iter().map(|p| p.line).collect::<Vec<_>>(), [4, 5, 6, 7]);
    // 08:05 am in Chicago in July (CDT, UTC−5) is 13:05 UTC.
    assert_eq!(p[0].posted_at, utc("2026-07-14T13:05:00Z"));
    assert_eq!(p[1].posted_at, utc("2026-07-14T22:30:00Z"));
    assert_eq!(p[2].posted_at, utc("2026-07-15T17:00:00Z"));
    assert_eq!(p[3].posted_at, utc("2026-07-16T14:45:00Z"));
    assert_eq!(p[0].id, "1812000000000000001");
    assert_eq!(p[0].platform, Platform::Other);
    assert_eq!(
        p[0].text,
        "Is your posting schedule too rigid? 🤔 https://blog.example/rigid"
    );
    assert_eq!(p[3].text, "ما هو أفضل وقت للنشر؟ https://blog.example/time");
    assert_eq!(p[2].text, "Threads or not? \"It depends\", says everyone.");
    assert_eq!(
        (p[0].counts.impressions(), p[0].counts.clicks()),
        (2140, 15)
    );
    assert_eq!(p[0].counts.get(&custom("reach")), 1800);
    assert_eq!(p[0].counts.get(&custom("engagements")), 61);
    assert_eq!(
        (
            p[0].counts.likes(),
            p[0].counts.replies(),
            p[0].counts.reposts()
        ),
        (22, 4, 5)
    );
    // "4,025" and "3,110": thousands commas.
    assert_eq!(p[2].counts.impressions(), 4025);
    assert_eq!(p[2].counts.get(&custom("reach")), 3110);
    assert_eq!(p[2].counts.clicks(), 158);
    // "-" and empty: not reported.
    assert_eq!(p[3].counts.impressions(), 860);
    assert_eq!(p[3].counts.clicks(), 0);
    assert_eq!(p[3].link, None);
    assert!(p.iter().all(|p| p.promoted.is_none() && p.spend.is_none()));
    assert_eq!(p[2].tag("Network").unwrap(), "LinkedIn");
    assert_eq!(p[2].tag("Post Type").unwrap(), "Post");
    assert_eq!(p[2].tag("Profile").unwrap(), "Example Blog");
    let tags: Vec<(&str, &str)> = p[2]
        .tags
        .iter()
        .map(|(h, v)| (h.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        tags,
        [
            ("Network", "LinkedIn"),
            ("Post Type", "Post"),
            ("Profile", "Example Blog")
        ]
    );
}

#[test]
fn semicolon_crlf_day_first_file_in_berlin() {
    let map = ColumnMap::new(
        "Beitrags-ID",
        "Datum",
        TimeFormat::pattern("%d.%m.%Y %H:%M").unwrap(),
    )
    .zone_named("Europe/Berlin")
    .unwrap()
    .text("Text")
    .outcome("Impressionen", Outcome::Impression)
    .outcome("Klicks", Outcome::Click)
    .outcome("Likes", Outcome::Like);
    let report =
        read_mapped_path(data("semicolon_day_first.csv"), &map, ImportMode::Strict).unwrap();
    assert_eq!(report.posts.len(), 2);
    let (a, b) = (&report.posts[0], &report.posts[1]);
    assert_eq!((a.id.as_str(), a.line), ("m-1", 2));
    // A blank line between: line 4, not 3 (CRLF counted once).
    assert_eq!((b.id.as_str(), b.line), ("m-2", 4));
    assert_eq!(a.posted_at, utc("2026-07-14T07:00:00Z")); // CEST, UTC+2
    assert_eq!(b.posted_at, utc("2026-07-15T16:30:00Z"));
    assert_eq!(b.text, "Kein richtiger Weg; #aussage");
    assert_eq!(
        (a.counts.impressions(), a.counts.clicks(), a.counts.likes()),
        (1200, 31, 12)
    );
    let groups = VariantRules::new()
        .tag("frage", "question")
        .tag("aussage", "statement")
        .group(&report.posts);
    assert_eq!(groups.counts("statement").unwrap().clicks(), 27);
}

fn own_sheet_map() -> ColumnMap {
    ColumnMap::new(
        "post",
        "posted (London)",
        TimeFormat::pattern("%Y-%m-%d %H:%M").unwrap(),
    )
    .zone_named("Europe/London")
    .unwrap()
    .variant("variant")
    .text("text")
    .outcome("organic impressions", Outcome::Impression)
    .outcome("organic clicks", Outcome::Click)
    .promoted("paid impressions", Outcome::Impression)
    .promoted("paid clicks", Outcome::Click)
    .spend("spend (GBP)", "GBP")
    .unwrap()
}

#[test]
fn own_sheet_with_a_variant_column_groups_posts_directly() {
    let report = read_mapped_path(
        data("own_sheet_variants.csv"),
        &own_sheet_map(),
        ImportMode::Strict,
    )
    .unwrap();
    let p = &report.posts;
    assert_eq!(p.len(), 6);
    // 08:00 BST is 07:00 UTC; 01:30 on the day clocks go back occurs twice
    // and is read as the earlier (BST) instant; 08:00 after is GMT.
    assert_eq!(p[0].posted_at, utc("2026-10-24T07:00:00Z"));
    assert_eq!(p[2].posted_at, utc("2026-10-25T00:30:00Z"));
    assert_eq!(p[3].posted_at, utc("2026-10-25T08:00:00Z"));
    assert_eq!(p[1].spend.as_ref().unwrap().to_string(), "20.00 GBP");
    assert_eq!(p[3].spend.as_ref().unwrap().micros(), 18_500_000);
    // q2 was not promoted: no paid cells, no spend.
    assert_eq!(p[2].promoted, None);
    assert_eq!(p[2].spend, None);
    assert_eq!(p[1].tag("notes").unwrap(), "boosted late");
    assert_eq!(p[1].tag("owner").unwrap(), "ben");
    assert_eq!(p[0].tag("notes"), None);

    let groups = VariantRules::new().labels().group(&report.posts);
    assert!(groups.unassigned.is_empty());
    let organic = groups.counts_in("statement", Reach::Organic).unwrap();
    let paid = groups.counts_in("statement", Reach::Promoted).unwrap();
    assert_eq!((organic.impressions(), organic.clicks()), (3753, 85));
    assert_eq!((paid.impressions(), paid.clicks()), (15800, 269));
    let q_paid = groups.counts_in("question", Reach::Promoted).unwrap();
    assert_eq!((q_paid.impressions(), q_paid.clicks()), (11300, 131));

    // The Experiment path: organic counts by default, promoted apart.
    let organic_exp = groups
        .to_experiment("hooks", "question", Metric::click_through())
        .unwrap();
    assert_eq!(organic_exp.posts().len(), 6);
    assert_eq!(organic_exp.counts("question").unwrap().impressions(), 7065);
    let paid_exp = groups
        .to_experiment_in(
            "hooks (paid)",
            "question",
            Metric::click_through(),
            Reach::Promoted,
        )
        .unwrap();
    assert_eq!(paid_exp.posts().len(), 5);
    assert_eq!(paid_exp.counts("question").unwrap().impressions(), 11300);
    let per_post = groups
        .post_counts_in("statement", &Metric::click_through(), Reach::Promoted)
        .unwrap();
    assert_eq!(per_post.len(), 3);
}

#[test]
fn overlapping_files_keep_the_later_snapshot() {
    let map = ColumnMap::new("id", "t", TimeFormat::Rfc3339).outcome("likes", Outcome::Like);
    let july = "id,t,likes\na,2026-07-14T08:00:00Z,5\nb,2026-07-15T08:00:00Z,3\n";
    let august = "id,t,likes\nb,2026-07-15T08:00:00Z,9\nc,2026-08-01T08:00:00Z,1\n";
    let report = read_mapped_many(&[july, august], &map, ImportMode::Strict).unwrap();
    assert_eq!(report.posts.len(), 3);
    assert_eq!(report.posts[1].counts.likes(), 9);
    assert_eq!(report.posts[1].page, Some(1));
    assert_eq!(report.notice_count(NoticeKind::Duplicate), 1);
    assert_eq!((report.notices[0].page, report.notices[0].record), (1, 2));
    let shown = report.to_string();
    assert!(
        shown.starts_with("mapped CSV export: 3 posts, 0 rows skipped, 1 notice"),
        "{shown}"
    );

    let paths = [
        data("own_sheet_variants.csv"),
        data("own_sheet_variants.csv"),
    ];
    let twice = read_mapped_paths(&paths, &own_sheet_map(), ImportMode::Strict).unwrap();
    assert_eq!(twice.posts.len(), 6);
    assert_eq!(twice.notice_count(NoticeKind::Duplicate), 6);
}

#[test]
fn time_formats_unix_and_offsets() {
    let csv = "id,t\na,1784016000\n";
    let map = ColumnMap::new("id", "t", TimeFormat::UnixSeconds);
    let r = read_mapped_str(csv, &map, ImportMode::Strict).unwrap();
    assert_eq!(r.posts[0].posted_at, utc("2026-07-14T08:00:00Z"));
    let csv = "id,t\na,1784016000123\n";
    let map = ColumnMap::new("id", "t", TimeFormat::UnixMillis);
    let r = read_mapped_str(csv, &map, ImportMode::Strict).unwrap();
    assert_eq!(r.posts[0].posted_at.timestamp_millis(), 1_784_016_000_123);
    // A pattern with an offset ignores the map's zone.
    let csv = "id,t\na,2026-07-14 10:00 +0200\n";
    let map =
        ColumnMap::new("id", "t", TimeFormat::pattern("%Y-%m-%d %H:%M %z").unwrap()).zone(Chicago);
    let r = read_mapped_str(csv, &map, ImportMode::Strict).unwrap();
    assert_eq!(r.posts[0].posted_at, utc("2026-07-14T08:00:00Z"));
    let csv = "id,t\na,2026-07-14T10:00:00+02:00\n";
    let map = ColumnMap::new("id", "t", TimeFormat::Rfc3339);
    let r = read_mapped_str(csv, &map, ImportMode::Strict).unwrap();
    assert_eq!(r.posts[0].posted_at, utc("2026-07-14T08:00:00Z"));
}

#[test]
fn a_missing_mapped_column_is_named() {
    let map = own_sheet_map().outcome("bookmarks", custom("bookmarks"));
    let err =
        read_mapped_path(data("own_sheet_variants.csv"), &map, ImportMode::Lenient).unwrap_err();
    assert_eq!(
        err,
        Error::MissingColumn {
            column: "bookmarks".to_string(),
            format: "mapped CSV".to_string()
        }
    );
    // No header has the id and time columns: the best candidate's first
    // missing column is named.
    let map = ColumnMap::new("Post ID", "Published", TimeFormat::Rfc3339);
    let err = read_mapped_str(
        "Post ID,Date\n1,2026-07-14T08:00:00Z\n",
        &map,
        ImportMode::Strict,
    )
    .unwrap_err();
    assert!(
        matches!(&err, Error::MissingColumn { column, .. } if column == "Published"),
        "{err}"
    );
    assert_eq!(
        err.to_string(),
        "mapped CSV export: missing column \"Published\""
    );
}

#[test]
fn bad_cells_are_typed_errors_naming_line_column_and_value() {
    let map = own_sheet_map();
    let header = "post,posted (London),variant,text,organic impressions,organic clicks,paid impressions,paid clicks,spend (GBP),owner,notes\n";
    let ok_row = "q1,2026-10-24 08:00,question,Hi,2140,15,5200,61,20.00,ana,\n";
    let cases: [(&str, Error); 6] = [
        (
            "q2,24/10/2026 08:00,question,Hi,2140,15,5200,61,20.00,ana,\n",
            Error::InvalidCell {
                line: 3,
                column: "posted (London)".into(),
                column_number: 2,
                value: "24/10/2026 08:00".into(),
                expected: "a time of the pattern \"%Y-%m-%d %H:%M\"".into(),
            },
        ),
        (
            "q2,2026-03-29 01:30,question,Hi,2140,15,5200,61,20.00,ana,\n",
            Error::InvalidCell {
                line: 3,
                column: "posted (London)".into(),
                column_number: 2,
                value: "2026-03-29 01:30".into(),
                expected: "a local time that exists in Europe/London (this one falls in the gap when clocks go forward)".into(),
            },
        ),
        (
            "q2,2026-10-24 08:00,question,Hi,21.5k,15,5200,61,20.00,ana,\n",
            Error::NonNumericCount {
                line: 3,
                column: "organic impressions".into(),
                column_number: 5,
                value: "21.5k".into(),
            },
        ),
        (
            "q2,2026-10-24 08:00,question,Hi,2140,-3,5200,61,20.00,ana,\n",
            Error::NegativeCount {
                line: 3,
                column: "organic clicks".into(),
                column_number: 6,
                value: "-3".into(),
            },
        ),
        (
            "q2,2026-10-24 08:00,question,Hi,2140,15,5200,61,£20,ana,\n",
            Error::InvalidCell {
                line: 3,
                column: "spend (GBP)".into(),
                column_number: 9,
                value: "£20".into(),
                expected: "a non-negative amount like 12.50 (no currency sign)".into(),
            },
        ),
        (
            "q2,2026-10-24 08:00,question,Hi,2140,15,50,61,20.00,ana,\n",
            Error::ClicksExceedImpressions {
                line: 3,
                column: "promoted paid clicks".into(),
                column_number: 8,
                clicks: 61,
                impressions: 50,
            },
        ),
    ];
    for (row, want) in cases {
        let csv = format!("{header}{ok_row}{row}");
        let err = read_mapped_str(&csv, &map, ImportMode::Strict).unwrap_err();
        assert_eq!(err, want, "{row}");
        let lenient = read_mapped_str(&csv, &map, ImportMode::Lenient).unwrap();
        assert_eq!(lenient.posts.len(), 1);
        assert_eq!(lenient.skipped.len(), 1);
        assert_eq!(lenient.skipped[0].line, 3);
        assert_eq!(lenient.skipped[0].error, want);
    }
    // An empty id, and a row with a field too many.
    let csv = format!(
        "{header},2026-10-24 08:00,question,Hi,1,1,1,1,1,ana,\nq9,2026-10-24 08:00,question,Hi,1,1,1,1,1,ana,,extra\n"
    );
    let lenient = read_mapped_str(&csv, &map, ImportMode::Lenient).unwrap();
    assert_eq!(
        lenient.skipped_summary(),
        [("invalid cell", 1), ("malformed CSV", 1)]
    );
    assert_eq!(lenient.skipped[1].line, 3);
}

#[test]
fn bad_maps_are_typed_errors() {
    let base = || ColumnMap::new("id", "t", TimeFormat::Rfc3339);
    assert_eq!(
        base().zone_named("Europe/Londn").unwrap_err(),
        Error::UnknownTimeZone {
            name: "Europe/Londn".into()
        }
    );
    assert_eq!(
        base().spend("spend", "usd").unwrap_err(),
        Error::InvalidCurrency { code: "usd".into() }
    );
    assert!(matches!(
        TimeFormat::pattern("%H:%M"),
        Err(Error::InvalidTimeFormat { .. })
    ));
    assert!(matches!(
        TimeFormat::pattern("%Y-%m-%d %"),
        Err(Error::InvalidTimeFormat { .. })
    ));
}

#[test]
fn a_map_round_trips_through_json_and_is_checked_when_read() {
    let map = own_sheet_map()
        .zone(Chicago)
        .ignore("notes")
        .id_also("variant");
    let json = serde_json::to_string(&map).unwrap();
    let back: ColumnMap = serde_json::from_str(&json).unwrap();
    assert_eq!(back, map);
    let bad = json.replace("%Y-%m-%d %H:%M", "%H:%M");
    assert!(serde_json::from_str::<ColumnMap>(&bad).is_err());
    let bad = json.replace("\"GBP\"", "\"pounds\"");
    assert!(serde_json::from_str::<ColumnMap>(&bad).is_err());
    assert_eq!(
        map.to_string(),
        "id \"post\" (+1), time \"posted (London)\" (%Y-%m-%d %H:%M, America/Chicago), 2 outcomes, 2 promoted, spend in GBP"
    );
}

#[test]
fn without_tags_keeps_no_unmapped_column() {
    let report = read_mapped_path(
        data("own_sheet_variants.csv"),
        &own_sheet_map().without_tags(),
        ImportMode::Strict,
    )
    .unwrap();
    assert!(report.posts.iter().all(|p| p.tags.is_empty()));
}

#[test]
fn an_empty_input_and_a_utf16_file() {
    let map = ColumnMap::new("id", "t", TimeFormat::Rfc3339).outcome("likes", Outcome::Like);
    assert!(matches!(
        read_mapped_str("", &map, ImportMode::Strict),
        Err(Error::MalformedCsv { .. })
    ));
    let text = "id,t,likes\r\na,2026-07-14T08:00:00Z,5\r\n";
    let mut bytes = vec![0xFF, 0xFE];
    for unit in text.encode_utf16() {
        bytes.extend_from_slice(&unit.to_le_bytes());
    }
    let report = postab::import::read_mapped(&bytes[..], &map, ImportMode::Strict).unwrap();
    assert_eq!(report.posts[0].counts.likes(), 5);
    assert_eq!(report.posts[0].line, 2);
}

/// Several columns mapped to one outcome add up; a sum past `u64::MAX` is a
/// typed error naming the row, the column and why (built-in and custom
/// outcomes alike).
#[test]
fn columns_that_add_up_past_the_largest_count_are_errors() {
    let max = u64::MAX;
    for outcome in [Outcome::Click, custom("saves")] {
        let map = ColumnMap::new("id", "t", TimeFormat::UnixSeconds)
            .outcome("x", outcome.clone())
            .outcome("y", outcome.clone());
        let ok = format!("id,t,x,y\na,1784016000,{},1\n", max - 1);
        let r = read_mapped_str(&ok, &map, ImportMode::Strict).unwrap();
        assert_eq!(r.posts[0].counts.get(&outcome), max);
        let bad = format!("id,t,x,y\na,1784016000,{max},1\n");
        match read_mapped_str(&bad, &map, ImportMode::Strict) {
            Err(Error::NonNumericCount {
                line,
                column,
                value,
                ..
            }) => {
                assert_eq!((line, column.as_str()), (2, "y"));
                assert!(value.contains("overflows"), "{value}");
            }
            other => panic!("{outcome}: {other:?}"),
        }
    }
}
