//! Bucketing speed: instants into local hours in a DST zone.

use std::hint::black_box;

use chrono_tz::Europe::London;
use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use postab::schedule::Slots;

const EVENTS: usize = 4_000_000;

fn bucketing(c: &mut Criterion) {
    // Sorted instants spread over 2026 (both DST changes), ~7.9 s apart.
    let start = 1_767_225_600_i64; // 2026-01-01T00:00:00Z
    let step = 365 * 86_400 / EVENTS as i64;
    let times: Vec<i64> = (0..EVENTS as i64)
        .map(|i| start + i * step + (i * 7919) % step)
        .collect();
    let mut shuffled = times.clone();
    // A deterministic scramble for the unsorted case.
    for i in (1..shuffled.len()).rev() {
        let j = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) as usize % (i + 1);
        shuffled.swap(i, j);
    }
    let from = "2026-01-01T00:00:00Z".parse().expect("valid time");
    let to = "2027-01-01T00:00:00Z".parse().expect("valid time");
    let hours = Slots::hour_of_day(London);
    let week = Slots::hour_of_week(London);
    let mut group = c.benchmark_group("schedule");
    group.throughput(Throughput::Elements(EVENTS as u64));
    group.sample_size(20);
    group.bench_function("hour_of_day_london_sorted_4m", |b| {
        b.iter(|| {
            let bucketer = hours.bucketer(from, to).expect("valid range");
            black_box(bucketer.histogram(black_box(&times)))
        });
    });
    group.bench_function("hour_of_week_london_sorted_4m", |b| {
        let bucketer = week.bucketer(from, to).expect("valid range");
        b.iter(|| black_box(bucketer.histogram(black_box(&times))));
    });
    group.bench_function("hour_of_day_london_unsorted_4m", |b| {
        let bucketer = hours.bucketer(from, to).expect("valid range");
        b.iter(|| black_box(bucketer.histogram(black_box(&shuffled))));
    });
    group.finish();
}

criterion_group!(benches, bucketing);
criterion_main!(benches);
