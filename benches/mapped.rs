//! Mapped CSV speed: rows per second of `read_mapped` on a sheet shaped
//! like `tests/data/mapping/own_sheet_variants.csv` (id, a local time read
//! by a strftime pattern in Europe/London, a variant label, text, organic
//! and paid impressions and clicks, spend, two tag columns), every tenth
//! post promoted.

use std::fmt::Write;
use std::hint::black_box;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postab::Outcome;
use postab::import::{ColumnMap, ImportMode, TimeFormat, read_mapped};

const ROWS: usize = 50_000;

fn sheet(rows: usize) -> String {
    let mut s = String::from(
        "post,posted (London),variant,text,organic impressions,organic clicks,paid impressions,paid clicks,spend (GBP),owner,notes\n",
    );
    for i in 0..rows {
        let (variant, text) = if i % 2 == 0 {
            (
                "question",
                "Is your posting schedule too rigid? https://blog.example/a",
            )
        } else {
            (
                "statement",
                "There is no single right way to run an account.",
            )
        };
        let imp = 1000 + i % 5000;
        let _ = write!(
            s,
            "p{i},2026-{:02}-{:02} {:02}:{:02},{variant},{text},{imp},{}",
            1 + i % 12,
            1 + i % 28,
            i % 24,
            i % 60,
            imp / 40
        );
        if i % 10 == 0 {
            let _ = writeln!(
                s,
                ",{},{},{}.{:02},ana,boosted",
                imp * 3,
                imp / 30,
                10 + i % 30,
                i % 100
            );
        } else {
            s.push_str(",,,,ben,\n");
        }
    }
    s
}

fn map() -> ColumnMap {
    ColumnMap::new(
        "post",
        "posted (London)",
        TimeFormat::pattern("%Y-%m-%d %H:%M").expect("valid pattern"),
    )
    .zone_named("Europe/London")
    .expect("known zone")
    .variant("variant")
    .text("text")
    .outcome("organic impressions", Outcome::Impression)
    .outcome("organic clicks", Outcome::Click)
    .promoted("paid impressions", Outcome::Impression)
    .promoted("paid clicks", Outcome::Click)
    .spend("spend (GBP)", "GBP")
    .expect("valid currency")
}

fn bench(c: &mut Criterion) {
    let data = sheet(ROWS);
    let map = map();
    let mut g = c.benchmark_group("mapped");
    g.throughput(Throughput::Elements(ROWS as u64));
    g.sample_size(20);
    g.bench_function("read_mapped 50k rows", |b| {
        b.iter(|| {
            let r = read_mapped(black_box(data.as_bytes()), &map, ImportMode::Strict)
                .expect("valid sheet");
            black_box(r.posts.len())
        });
    });
    let bare = map.clone().without_tags();
    g.bench_function("read_mapped 50k rows, no tags", |b| {
        b.iter(|| {
            let r = read_mapped(black_box(data.as_bytes()), &bare, ImportMode::Strict)
                .expect("valid sheet");
            black_box(r.posts.len())
        });
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
