//! Import speed: rows per second for both X/Twitter export formats (as
//! records, and as an `ExportTable` of columns), posts
//! per second for saved Bluesky and Mastodon responses (pages of 100 and
//! 40 posts, the APIs' page sizes, with embeds, facets, cards and HTML);
//! with the `linkedin` feature, posts per second for a LinkedIn .xlsx.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postab::import::{
    ExportTable, ImportMode, ReadOptions, read_bluesky, read_export, read_export_str, read_mastodon,
};

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

/// The baseline the X readers are measured against: a bare `csv`-crate
/// parse of the same fields (ids and counts as numbers, text, link and
/// time as UTF-8 strings), with none of the reader's checks.
fn bare_csv(data: &[u8]) -> (u64, usize) {
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(true)
        .flexible(true)
        .from_reader(data);
    let mut row = csv::ByteRecord::new();
    let (mut sum, mut texts) = (0u64, 0usize);
    while rdr.read_byte_record(&mut row).expect("valid csv") {
        for (i, cell) in row.iter().enumerate() {
            let s = std::str::from_utf8(cell).expect("utf-8");
            match i {
                0 => sum = sum.wrapping_add(s.parse::<u64>().expect("id")),
                1..=3 => texts += s.to_string().len(),
                _ => {
                    if let Ok(v) = s.parse::<f64>() {
                        sum = sum.wrapping_add(v as u64);
                    }
                }
            }
        }
    }
    (sum, texts)
}

const POSTS: usize = 20_000;

/// `posts` Bluesky feed items in pages of 100, like saved
/// `app.bsky.feed.getAuthorFeed` responses.
fn bluesky(posts: usize) -> Vec<String> {
    let base = chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z").expect("valid time");
    let items: Vec<String> = (0..posts)
        .map(|i| {
            let at = (base + chrono::Duration::minutes(i as i64)).to_rfc3339();
            let (hook, embed) = if i % 3 == 0 {
                (
                    "Is your posting schedule too rigid? 🤔 blog.example/post #q",
                    r#""embed": {"$type": "app.bsky.embed.external#view", "external": {"uri": "https://blog.example/post", "title": "A post", "description": "Why a fixed posting time may not help", "thumb": "https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:abc/bafkreithumb@jpeg"}},"#,
                )
            } else {
                (
                    "There is no single right way to run an account. #s",
                    r#""embed": {"$type": "app.bsky.embed.images#view", "images": [{"thumb": "https://cdn.bsky.app/img/feed_thumbnail/plain/did:plc:abc/bafkreiimg@jpeg", "fullsize": "https://cdn.bsky.app/img/feed_fullsize/plain/did:plc:abc/bafkreiimg@jpeg", "alt": "A schedule", "aspectRatio": {"height": 800, "width": 1200}}]},"#,
                )
            };
            format!(
                r#"{{"post": {{"uri": "at://did:plc:benchauthor0000000000/app.bsky.feed.post/3m{i:09}", "cid": "bafyreibench{i:09}aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
  "author": {{"did": "did:plc:benchauthor0000000000", "handle": "bench.bsky.social", "displayName": "Bench", "avatar": "https://cdn.bsky.app/img/avatar/plain/did:plc:benchauthor0000000000/bafkreiavatar@jpeg", "labels": [], "createdAt": "2024-01-01T00:00:00.000Z"}},
  "record": {{"$type": "app.bsky.feed.post", "createdAt": "{at}", "langs": ["en"], "text": "{hook}",
    "facets": [{{"index": {{"byteStart": 40, "byteEnd": 57}}, "features": [{{"$type": "app.bsky.richtext.facet#link", "uri": "https://blog.example/post"}}]}}]}},
  {embed}
  "replyCount": {}, "repostCount": {}, "likeCount": {}, "quoteCount": {}, "indexedAt": "{at}", "viewer": {{"threadMuted": false, "embeddingDisabled": false}}, "labels": []}}}}"#,
                i % 7,
                i % 11,
                i % 97,
                i % 3
            )
        })
        .collect();
    items
        .chunks(100)
        .map(|page| format!(r#"{{"feed": [{}], "cursor": "c"}}"#, page.join(",")))
        .collect()
}

/// `posts` Mastodon statuses in pages of 40, like saved
/// `GET /api/v1/accounts/:id/statuses` responses.
fn mastodon(posts: usize) -> Vec<String> {
    let base = chrono::DateTime::parse_from_rfc3339("2026-06-01T12:00:00Z").expect("valid time");
    let items: Vec<String> = (0..posts)
        .map(|i| {
            let id = 113_000_000_000_000_000_u64 + i as u64;
            let at = (base + chrono::Duration::minutes(i as i64)).to_rfc3339();
            format!(
                r##"{{"id": "{id}", "created_at": "{at}", "in_reply_to_id": null, "in_reply_to_account_id": null, "sensitive": false, "spoiler_text": "", "visibility": "public", "language": "en",
  "uri": "https://mastodon.example/users/bench/statuses/{id}", "url": "https://mastodon.example/@bench/{id}",
  "replies_count": {}, "reblogs_count": {}, "favourites_count": {}, "quotes_count": 0, "edited_at": null,
  "content": "<p>Is your posting schedule too rigid? Rock &amp; roll &#39;rules&#39; 🤔</p><p><a href=\"https://blog.example/post?a=1&amp;b=2\" rel=\"nofollow noopener\" target=\"_blank\"><span class=\"invisible\">https://</span><span class=\"ellipsis\">blog.example/post?a=1&amp;b</span><span class=\"invisible\">=2</span></a> <a href=\"https://mastodon.example/tags/q\" class=\"mention hashtag\" rel=\"tag\">#<span>q</span></a></p>",
  "reblog": null, "application": {{"name": "Web", "website": null}},
  "account": {{"id": "1", "username": "bench", "acct": "bench", "display_name": "Bench", "url": "https://mastodon.example/@bench", "followers_count": 100, "following_count": 10, "statuses_count": 1000}},
  "media_attachments": [], "mentions": [], "tags": [{{"name": "q", "url": "https://mastodon.example/tags/q"}}], "emojis": [],
  "card": {{"url": "https://blog.example/post?a=1&b=2", "title": "A post", "description": "Why a fixed posting time may not help", "type": "link", "image": null}},
  "poll": null}}"##,
                i % 7,
                i % 11,
                i % 97
            )
        })
        .collect();
    items
        .chunks(40)
        .map(|page| format!("[{}]", page.join(",")))
        .collect()
}

fn import(c: &mut Criterion) {
    let legacy = legacy(ROWS);
    let content = content(ROWS);
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(ROWS as u64));
    group.sample_size(20);
    // The readers of text already in memory, as the baseline reads it
    // (`read_export` from an `io::Read` first copies its input).
    group.bench_function("tweet_activity_50k_rows", |b| {
        b.iter(|| read_export_str(black_box(&legacy), ImportMode::Strict).expect("valid export"));
    });
    group.bench_function("tweet_activity_50k_rows_table", |b| {
        b.iter(|| {
            ExportTable::read_str(black_box(&legacy), ImportMode::Strict).expect("valid export")
        });
    });
    group.bench_function("tweet_activity_50k_rows_bare_csv", |b| {
        b.iter(|| bare_csv(black_box(legacy.as_bytes())));
    });
    group.bench_function("account_content_50k_rows", |b| {
        b.iter(|| read_export_str(black_box(&content), ImportMode::Strict).expect("valid export"));
    });
    group.bench_function("account_content_50k_rows_table", |b| {
        b.iter(|| {
            ExportTable::read_str(black_box(&content), ImportMode::Strict).expect("valid export")
        });
    });
    group.bench_function("account_content_50k_rows_from_reader", |b| {
        b.iter(|| {
            read_export(black_box(content.as_bytes()), ImportMode::Strict).expect("valid export")
        });
    });
    group.bench_function("account_content_50k_rows_bare_csv", |b| {
        b.iter(|| bare_csv(black_box(content.as_bytes())));
    });
    group.throughput(Throughput::Elements(POSTS as u64));
    let bluesky = bluesky(POSTS);
    let mastodon = mastodon(POSTS);
    group.bench_function("bluesky_20k_posts", |b| {
        b.iter(|| read_bluesky(black_box(&bluesky), &ReadOptions::strict()).expect("valid pages"));
    });
    group.bench_function("mastodon_20k_posts", |b| {
        b.iter(|| {
            read_mastodon(black_box(&mastodon), &ReadOptions::strict()).expect("valid pages")
        });
    });
    group.finish();
}

/// The LinkedIn reader on a 1,000-post "All posts" sheet (.xlsx, made by
/// tests/data/linkedin/generate.py): unzipping, XML and rows together.
#[cfg(feature = "linkedin")]
fn linkedin(c: &mut Criterion) {
    use postab::import::{LinkedInOptions, read_linkedin};
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/linkedin/bench_1000.xlsx"
    );
    let bytes = std::fs::read(path).expect("the benchmark workbook");
    let options = LinkedInOptions::strict();
    let posts = read_linkedin(&bytes, &options)
        .expect("a valid workbook")
        .posts
        .len();
    assert_eq!(posts, 1000);
    let mut group = c.benchmark_group("import");
    group.throughput(Throughput::Elements(posts as u64));
    group.sample_size(20);
    group.bench_function("linkedin_xlsx_1k_posts", |b| {
        b.iter(|| read_linkedin(black_box(&bytes), &options).map(|r| r.posts.len()))
    });
    group.finish();
}

#[cfg(not(feature = "linkedin"))]
fn linkedin(_: &mut Criterion) {}

criterion_group!(benches, import, linkedin);
criterion_main!(benches);
