//! Import speed: rows per second for both X/Twitter export formats.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postab::import::{ImportMode, read_export};

const ROWS: usize = 50_000;

fn legacy(rows: usize) -> String {
    let metrics = [
        "impressions",
        "engagements",
        "engagement rate",
        "retweets",
        "replies",
        "likes",
        "user profile clicks",
        "url clicks",
        "hashtag clicks",
        "detail expands",
        "permalink clicks",
        "app opens",
        "app installs",
        "follows",
        "email tweet",
        "dial phone",
        "media views",
        "media engagements",
    ];
    let mut s = String::from("Tweet id,Tweet permalink,Tweet text,time");
    for m in metrics {
        let _ = write!(s, ",{m}");
    }
    for m in metrics {
        let _ = write!(s, ",promoted {m}");
    }
    s.push('\n');
    for i in 0..rows {
        let id = 1_224_792_473_470_418_944_u64 + i as u64 * 4_194_304_000;
        let text = if i % 3 == 0 {
            "\"Is your posting schedule too rigid?\nHere is what we learned #q\""
        } else {
            "There is no single right way to run an account #s"
        };
        let imp = 1000 + i % 5000;
        let _ = write!(
            s,
            "{id},https://twitter.com/a/status/{id},{text},2020-02-{:02} {:02}:{:02} +0000,{imp}.0,{}.0,0.04,{}.0,{}.0,{}.0,3.0,{}.0,1.0,12.0,4.0,0,0,1.0,0,0,30.0,9.0",
            1 + i % 28,
            i % 24,
            i % 60,
            imp / 25,
            i % 7,
            i % 3,
            i % 40,
            imp / 40
        );
        if i % 10 == 0 {
            s.push_str(",500.0,20.0,0.04,1.0,0,4.0,1.0,7.0,0,3.0,0,0,0,0,0,0,0,0\n");
        } else {
            s.push_str(",-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-\n");
        }
    }
    s
}

fn content(rows: usize) -> String {
    let mut s = String::from(
        "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks\n",
    );
    let base = chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z").expect("valid time");
    for i in 0..rows {
        let at = base + chrono::Duration::minutes(i as i64);
        let id = postab::import::snowflake_id(at.to_utc()).expect("after 2010") + i as u64 % 4096;
        let imp = 1000 + i % 5000;
        let _ = writeln!(
            s,
            "{id},\"{}\",Post number {i} #q,https://x.com/a/status/{id},{imp},{},{},1,0,2,1,2,3,4,{},0,0",
            at.format("%a, %b %d, %Y"),
            i % 50,
            imp / 20,
            imp / 40
        );
    }
    s
}

fn import(c: &mut Criterion) {
    let legacy = legacy(ROWS);
    let content = content(ROWS);
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(20);
    group.bench_function("tweet_activity_50k_rows", |b| {
        b.iter(|| {
            read_export(black_box(legacy.as_bytes()), ImportMode::Strict).expect("valid export")
        });
    });
    group.bench_function("account_content_50k_rows", |b| {
        b.iter(|| {
            read_export(black_box(content.as_bytes()), ImportMode::Strict).expect("valid export")
        });
    });
    group.finish();
}

criterion_group!(benches, import);
criterion_main!(benches);
