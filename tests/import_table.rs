//! The columnar X reader (`ExportTable`) against the record reader
//! (`read_export`): the same posts, errors, skipped rows and notices on
//! every input, the sample exports and thousands of seeded mutations of
//! them; its columns and views; grouping a table as records are grouped.
#![cfg(feature = "csv")]

use postab::import::{
    ExportFormat, ExportTable, ImportMode, NoticeKind, Reach, VariantRules, read_export,
    read_export_path, read_exports,
};
use postab::{Metric, Outcome};
use rand::rngs::StdRng;
use rand::{RngExt, SeedableRng};

const DATA: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");

fn sample(name: &str) -> Vec<u8> {
    std::fs::read(format!("{DATA}/{name}")).unwrap()
}

/// Both readers on `bytes` in `mode`: equal reports, or equal errors.
/// Returns which: an error, a report with skipped rows, with notices, or
/// neither.
fn agree(bytes: &[u8], mode: ImportMode) -> usize {
    let records = read_export(bytes, mode);
    let table = ExportTable::read(bytes, mode).map(ExportTable::into_report);
    assert_eq!(
        table,
        records,
        "mode {mode:?}, input:\n{}",
        String::from_utf8_lossy(bytes)
    );
    match records {
        Err(_) => 0,
        Ok(r) if !r.skipped.is_empty() => 1,
        Ok(r) if !r.notices.is_empty() => 2,
        Ok(_) => 3,
    }
}

#[test]
fn the_sample_exports_read_alike() {
    for name in ["tweet_activity.csv", "account_content.csv"] {
        let bytes = sample(name);
        for mode in [ImportMode::Strict, ImportMode::Lenient] {
            agree(&bytes, mode);
        }
        let path = format!("{DATA}/{name}");
        let table = ExportTable::read_path(&path, ImportMode::Strict).unwrap();
        assert_eq!(
            table.into_report(),
            read_export_path(&path, ImportMode::Strict).unwrap()
        );
    }
}

/// Seeded mutations of the sample exports (bytes replaced, deleted,
/// duplicated; rows repeated; CRLF; cells emptied): every input gives the
/// same report or the same error from both readers.
#[test]
fn mutated_exports_read_alike() {
    let mut rng = StdRng::seed_from_u64(20261202);
    let samples = [sample("tweet_activity.csv"), sample("account_content.csv")];
    const NOISE: &[u8] = b",\"\n\r-.0 9x;\xff\xc3#";
    let mut outcomes = [0usize; 4];
    for round in 0..3000 {
        let mut bytes = samples[round % 2].clone();
        for _ in 0..rng.random_range(1..4) {
            let at = rng.random_range(0..bytes.len());
            match rng.random_range(0..6) {
                0 => bytes[at] = NOISE[rng.random_range(0..NOISE.len())],
                1 => {
                    bytes.remove(at);
                }
                2 => bytes.insert(at, NOISE[rng.random_range(0..NOISE.len())]),
                3 => {
                    // A line repeated further down: a duplicate post.
                    let start = bytes[..at]
                        .iter()
                        .rposition(|&b| b == b'\n')
                        .map_or(0, |p| p + 1);
                    let end = bytes[at..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map_or(bytes.len(), |p| at + p + 1);
                    let line = bytes[start..end].to_vec();
                    bytes.extend_from_slice(&line);
                }
                4 => {
                    bytes = String::from_utf8_lossy(&bytes)
                        .replace('\n', "\r\n")
                        .into_bytes();
                }
                _ => {
                    // A count cell emptied or written `-`.
                    if let Some(p) = bytes[at..].iter().position(|&b| b == b',') {
                        bytes.insert(at + p + 1, b'-');
                    }
                }
            }
        }
        let mode = if round % 3 == 0 {
            ImportMode::Strict
        } else {
            ImportMode::Lenient
        };
        outcomes[agree(&bytes, mode)] += 1;
    }
    // Each kind of outcome is met many times.
    assert!(outcomes.iter().all(|&n| n >= 100), "{outcomes:?}");
}

const CONTENT_HEADER: &str = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks";

#[test]
fn several_files_read_alike_and_keep_the_later_snapshot() {
    let older = format!(
        "{CONTENT_HEADER}\n2076939755320246272,\"Tue, Jul 14, 2026\",Old text #q,https://x.com/a/status/2076939755320246272,1000,5,40,0,0,0,1,2,3,4,30,0,0\n2077370090910646272,\"Wed, Jul 15, 2026\",B #s,,900,3,30,0,0,0,0,1,2,2,20,0,0\n"
    );
    let newer = format!(
        "{CONTENT_HEADER}\r\n2076939755320246272,\"Tue, Jul 14, 2026\",New text #q,,1500,7,60,0,0,0,1,2,3,4,45,0,0\r\nbad,\"Wed, Jul 15, 2026\",C,,1,0,0,0,0,0,0,0,0,0,0,0,0\r\n"
    );
    let files = [older, newer];
    let table = ExportTable::read_many(&files, ImportMode::Lenient).unwrap();
    assert_eq!(
        table.clone().into_report(),
        read_exports(&files, ImportMode::Lenient).unwrap()
    );
    assert_eq!(table.len(), 2);
    let first = table.get(0).unwrap();
    // The later snapshot in the first place: its text, no link, its counts.
    assert_eq!(first.text(), "New text #q");
    assert_eq!(first.link(), None);
    assert_eq!((first.line(), first.file()), (2, Some(1)));
    assert_eq!(first.count(&Outcome::Impression), 1500);
    assert_eq!(table.get(1).unwrap().file(), Some(0));
    assert_eq!(table.notices().len(), 1);
    assert_eq!(table.notices()[0].kind, NoticeKind::Duplicate);
    assert_eq!(table.skipped().len(), 1);
    assert_eq!(table.skipped()[0].line, 3);
    // Strict mode: the bad row is an error naming the file.
    assert_eq!(
        ExportTable::read_many(&files, ImportMode::Strict).map(ExportTable::into_report),
        read_exports(&files, ImportMode::Strict)
    );
}

#[test]
fn columns_and_views_hold_every_value() {
    let bytes = sample("tweet_activity.csv");
    let table = ExportTable::read(&bytes[..], ImportMode::Strict).unwrap();
    let report = read_export(&bytes[..], ImportMode::Strict).unwrap();
    assert_eq!(table.format(), ExportFormat::TweetActivity);
    assert_eq!(table.outcomes().len(), 17);
    assert_eq!(table.len(), report.posts.len());
    assert!(!table.is_empty());
    assert!(table.get(table.len()).is_none());
    for outcome in table.outcomes() {
        let column: Vec<u64> = table.column(outcome).unwrap().collect();
        let want: Vec<u64> = report.posts.iter().map(|p| p.counts.get(outcome)).collect();
        assert_eq!(column, want, "{outcome}");
    }
    assert!(table.column(&Outcome::Quote).is_none());
    for (post, record) in table.iter().zip(&report.posts) {
        assert_eq!(post.to_record(), *record);
        assert_eq!(post.id().to_string(), record.id);
        assert_eq!(table.ids()[post.index()], post.id());
        assert_eq!(table.posted_at()[post.index()], record.posted_at);
        assert_eq!(table.lines()[post.index()], record.line);
        assert_eq!(
            post.counts_of(Reach::Promoted),
            record.promoted.as_deref().cloned()
        );
        assert_eq!(post.promoted_row().is_some(), record.promoted.is_some());
        assert_eq!(post.counts_row().len(), 17);
    }
    assert_eq!(
        serde_json::to_value(&table).unwrap(),
        serde_json::to_value(&report).unwrap()
    );
}

/// Grouping a table gives what grouping its records gives: the same
/// posts per variant, sums, per-post counts and experiments.
#[test]
fn a_table_groups_as_its_records_do() {
    for name in ["tweet_activity.csv", "account_content.csv"] {
        let bytes = sample(name);
        let table = ExportTable::read(&bytes[..], ImportMode::Strict).unwrap();
        let report = read_export(&bytes[..], ImportMode::Strict).unwrap();
        let rules = VariantRules::new()
            .ids([report.posts[0].id.as_str()], "pinned")
            .tag("q", "question")
            .rule(|p| p.text.contains("single").then(|| "statement".to_string()));
        let by_table = rules.group_table(&table);
        let by_records = rules.group(&report.posts);
        assert_eq!(by_table.variants.len(), by_records.variants.len());
        for (variant, posts) in &by_records.variants {
            let ids: Vec<String> = by_table.variants[variant]
                .iter()
                .map(|p| p.id().to_string())
                .collect();
            let want: Vec<&str> = posts.iter().map(|p| p.id.as_str()).collect();
            assert_eq!(ids, want, "{name} {variant}");
            for reach in [Reach::Organic, Reach::Promoted] {
                assert_eq!(
                    by_table.counts_in(variant, reach).unwrap(),
                    by_records.counts_in(variant, reach).unwrap()
                );
            }
            let metric = Metric::click_through();
            assert_eq!(
                by_table.post_counts(variant, &metric).unwrap(),
                by_records.post_counts(variant, &metric).unwrap()
            );
        }
        assert_eq!(by_table.unassigned.len(), by_records.unassigned.len());
        let metric = Metric::click_through();
        let a = by_table
            .to_experiment("hooks", "question", metric.clone())
            .unwrap();
        let b = by_records
            .to_experiment("hooks", "question", metric.clone())
            .unwrap();
        assert_eq!(a.posts(), b.posts());
        assert_eq!(a.analyze(&metric).unwrap(), b.analyze(&metric).unwrap());
        assert!(by_table.counts("nope").is_err());
    }
}
