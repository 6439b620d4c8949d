//! Tracker ingest speed: one batch of 1,000,000 events across 2 variants.

use std::hint::black_box;

use chrono::{DateTime, Duration, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use postab::{Event, Outcome, Tracker};

const EVENTS: usize = 1_000_000;

/// A day of traffic: mostly impressions, some clicks and likes, the two
/// variants interleaved irregularly (so consecutive ids often differ).
fn events() -> Vec<Event<'static>> {
    let start: DateTime<Utc> = "2026-11-24T00:00:00Z".parse().expect("valid time");
    (0..EVENTS)
        .map(|i| {
            let mix = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
            let id = if mix & 1 == 0 {
                "question"
            } else {
                "statement"
            };
            let outcome = match mix % 50 {
                0 => Outcome::Click,
                1 | 2 => Outcome::Like,
                _ => Outcome::Impression,
            };
            Event::new(id, outcome, start + Duration::milliseconds(i as i64 * 86))
        })
        .collect()
}

fn batch_ingest(c: &mut Criterion) {
    let events = events();
    let mut group = c.benchmark_group("tracker");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.sample_size(10);
    group.bench_function("record_batch_1m_2_variants", |b| {
        b.iter_batched(
            || {
                let tracker = Tracker::with_variants(["question", "statement"]).expect("valid ids");
                (tracker, events.clone())
            },
            |(tracker, events)| {
                tracker.record_batch(events).expect("valid events");
                black_box(tracker)
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

criterion_group!(benches, batch_ingest);
criterion_main!(benches);
