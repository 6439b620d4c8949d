//! Tracker ingest speed, each path beside a raw counting loop over the same
//! compact events.
//!
//! The events: 1,000,000 of them over a day (one every 86 ms), two
//! variants interleaved irregularly (so consecutive keys often differ),
//! mostly impressions with some clicks and likes. The raw loop counts them
//! per (variant, outcome, minute bucket) into a plain `Vec<u64>`: what a
//! hand-written counter would do, and the yardstick for the tracker.
//!
//! - `batch/*`: one batch of 1M events (`Tracker::add_batch`) vs the raw loop,
//!   both over the same `Vec<CompactEvent>`; the same into a new tracker each
//!   time (page allocation included); the string API (`record_batch` of
//!   `Event`s) for reference.
//! - `per_call/*`: one `Tracker::add` per event through handles, on 1
//!   worker thread and on 2 sharing one tracker (each thread records all 1M
//!   events, so 2M per iteration).
//! - `store/*` (feature `store`): durable ingest into a SQLite file in
//!   batches of 10,000 events.
//!
//! Run: `cargo bench --bench tracker -- --noplot` (add `--features store`
//! for the store).

use std::hint::black_box;

use chrono::{DateTime, Duration, Utc};
use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use postab::tracker::{CompactEvent, Handle, OutcomeSlot};
use postab::{Event, Outcome, Tracker};

const EVENTS: usize = 1_000_000;
const BUCKET: i64 = 60;
/// Outcome slots the raw loop reserves per variant (impressions, clicks,
/// reposts, likes).
const SLOTS: usize = 4;

fn start() -> DateTime<Utc> {
    "2026-11-24T00:00:00Z".parse().expect("valid time")
}

/// (variant index, outcome, time) of event `i`.
fn spec(i: usize) -> (usize, Outcome, DateTime<Utc>) {
    let mix = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
    let outcome = match mix % 50 {
        0 => Outcome::Click,
        1 | 2 => Outcome::Like,
        _ => Outcome::Impression,
    };
    (
        (mix & 1) as usize,
        outcome,
        start() + Duration::milliseconds(i as i64 * 86),
    )
}

fn compact_events(handles: [Handle; 2]) -> Vec<CompactEvent> {
    (0..EVENTS)
        .map(|i| {
            let (v, outcome, at) = spec(i);
            let slot = OutcomeSlot::builtin(&outcome).expect("built-in");
            CompactEvent::new(handles[v], slot, at)
        })
        .collect()
}

const IDS: [&str; 2] = ["question", "statement"];

fn tracker() -> Tracker {
    Tracker::with_variants(IDS).expect("valid ids")
}

fn handles(t: &Tracker) -> [Handle; 2] {
    [
        t.handle(IDS[0]).expect("known"),
        t.handle(IDS[1]).expect("known"),
    ]
}

/// The yardstick: count per (variant, outcome, minute) into a plain array.
fn raw_loop(events: &[CompactEvent], origin: i64, counts: &mut [u64]) {
    let buckets = counts.len() / (2 * SLOTS);
    for e in events {
        let b = ((e.unix_seconds() - origin) / BUCKET) as usize;
        let i = (e.handle().index() * SLOTS + e.outcome().index()) * buckets + b;
        counts[i] += u64::from(e.multiplicity());
    }
}

fn raw_array() -> Vec<u64> {
    let buckets = (EVENTS * 86 / 1000) / BUCKET as usize + 2;
    vec![0u64; 2 * SLOTS * buckets]
}

fn batch(c: &mut Criterion) {
    let t = tracker();
    let events = compact_events(handles(&t));
    let origin = start().timestamp();
    let mut group = c.benchmark_group("tracker/batch");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.sample_size(20);
    group.bench_function("raw_loop", |b| {
        let mut counts = raw_array();
        b.iter(|| {
            counts.fill(0);
            raw_loop(black_box(&events), origin, &mut counts);
            black_box(&counts);
        });
    });
    // The same events into one tracker (its pages exist after the first
    // iteration: steady-state ingest).
    group.bench_function("add_batch", |b| {
        b.iter(|| t.add_batch(black_box(&events)).expect("valid events"));
    });
    // A new tracker each time: page allocation included.
    group.bench_function("add_batch_new_tracker", |b| {
        b.iter_batched(
            || {
                let t = tracker();
                let events = compact_events(handles(&t));
                (t, events)
            },
            |(t, events)| {
                t.add_batch(black_box(&events)).expect("valid events");
                (t, events)
            },
            BatchSize::PerIteration,
        );
    });
    let named: Vec<Event<'static>> = (0..EVENTS)
        .map(|i| {
            let (v, outcome, at) = spec(i);
            Event::new(IDS[v], outcome, at)
        })
        .collect();
    group.bench_function("record_batch_strings", |b| {
        b.iter_batched(
            || named.clone(),
            |named| t.record_batch(named).expect("valid events"),
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

fn per_call(c: &mut Criterion) {
    let origin = start().timestamp();
    let t = tracker();
    let events = compact_events(handles(&t));
    let mut group = c.benchmark_group("tracker/per_call");
    group.sample_size(20);
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.bench_function("raw_loop", |b| {
        let mut counts = raw_array();
        b.iter(|| {
            counts.fill(0);
            raw_loop(black_box(&events), origin, &mut counts);
            black_box(&counts);
        });
    });
    // Long-lived worker threads (as ingest workers are), each recording
    // all the events once per iteration: 1 worker, then 2 sharing the
    // tracker. Both run on spawned threads, so the comparison is like for
    // like; the timed part is the ingest alone, not thread creation.
    group.bench_function("add_1_thread", |b| {
        b.iter_custom(|iters| workers(&t, &events, iters, 1))
    });
    group.throughput(Throughput::Elements(2 * EVENTS as u64));
    group.bench_function("add_2_threads_shared", |b| {
        b.iter_custom(|iters| workers(&t, &events, iters, 2))
    });
    group.finish();
}

/// `threads` worker threads, started once, each adding every event
/// `iters` times into `t`; the time from all starting to all finishing.
fn workers(
    t: &Tracker,
    events: &[CompactEvent],
    iters: u64,
    threads: usize,
) -> std::time::Duration {
    let ready = std::sync::Barrier::new(threads + 1);
    let done = std::sync::Barrier::new(threads + 1);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| {
                // Claim the thread's shard and fill its page cache first.
                t.add(events[0]).expect("valid event");
                ready.wait();
                for _ in 0..iters {
                    for e in black_box(events) {
                        t.add(*e).expect("valid event");
                    }
                }
                done.wait();
            });
        }
        ready.wait();
        let start = std::time::Instant::now();
        done.wait();
        start.elapsed()
    })
}

#[cfg(feature = "store")]
fn store(c: &mut Criterion) {
    use postab::tracker::{Scope, Store, StoreOptions};
    const BATCH: usize = 10_000;
    let dir = std::env::temp_dir().join(format!("postab-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir).expect("temp dir");
    let named: Vec<Event<'static>> = (0..EVENTS / 10)
        .map(|i| {
            let (v, outcome, at) = spec(i);
            Event::new(IDS[v], outcome, at)
        })
        .collect();
    let mut group = c.benchmark_group("tracker/store");
    group.sample_size(10);
    group.throughput(Throughput::Elements(named.len() as u64));
    let mut round = 0;
    group.bench_function("record_batch_10k_per_commit", |b| {
        b.iter_batched(
            || {
                round += 1;
                let path = dir.join(format!("bench-{round}.db"));
                Store::open(&path, &StoreOptions::new()).expect("store")
            },
            |store| {
                for chunk in named.chunks(BATCH) {
                    store
                        .record_batch(Scope::Variants, chunk.iter().cloned())
                        .expect("committed");
                }
                store
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
    let _ = std::fs::remove_dir_all(&dir);
}

#[cfg(not(feature = "store"))]
fn store(_: &mut Criterion) {}

criterion_group!(benches, batch, per_call, store);
criterion_main!(benches);
