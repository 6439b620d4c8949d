//! The bucketed tracker: exact counts under concurrency, window semantics,
//! bad input, snapshots and merges, memory.

use std::collections::BTreeMap;
use std::sync::Arc;
use std::thread;

use chrono::{DateTime, Duration, Utc};
use postab::tracker::{CompactEvent, Handle, OutcomeSlot, Scope, Snapshot, TrackerConfig};
use postab::{Error, Event, Experiment, Outcome, Post, Tracker, counts};

fn t0() -> DateTime<Utc> {
    "2026-11-24T00:00:00Z".parse().expect("valid time")
}

const SLOTS: [OutcomeSlot; 3] = [
    OutcomeSlot::IMPRESSION,
    OutcomeSlot::CLICK,
    OutcomeSlot::LIKE,
];

/// Event `i` of a thread: key `(i / 3) % keys`, outcome `i % 3`, one every
/// 7 s from `t0`, multiplicity `1 + i % 3`.
fn event(handles: &[Handle], i: u64) -> CompactEvent {
    let h = handles[((i / 3) % handles.len() as u64) as usize];
    CompactEvent::at_unix_seconds(h, SLOTS[(i % 3) as usize], t0().timestamp() + i as i64 * 7)
        .times(1 + (i % 3) as u32)
}

/// Expected totals per (key, slot) and per (key, slot, hour) for events
/// `0..n` of one thread.
fn expected(keys: usize, n: u64) -> BTreeMap<(usize, usize, i64), u64> {
    let mut out = BTreeMap::new();
    for i in 0..n {
        let hour = (i as i64 * 7) / 3600;
        *out.entry((((i / 3) % keys as u64) as usize, (i % 3) as usize, hour))
            .or_insert(0) += 1 + i % 3;
    }
    out
}

/// `threads` threads × `per_thread` events through handles (half one
/// event per call, half in batches of 10,000) on one shared tracker: totals
/// and hour windows are exact.
fn exact_under_threads(threads: usize, per_thread: u64) {
    let ids = ["question", "statement", "link-card"];
    let tracker = Arc::new(Tracker::with_variants(ids).expect("valid"));
    let handles: Vec<Handle> = ids
        .iter()
        .map(|id| tracker.handle(id).expect("known"))
        .collect();
    let workers: Vec<_> = (0..threads)
        .map(|t| {
            let tracker = Arc::clone(&tracker);
            let handles = handles.clone();
            thread::spawn(move || -> postab::Result<()> {
                if t % 2 == 0 {
                    for i in 0..per_thread {
                        tracker.add(event(&handles, i))?;
                    }
                } else {
                    let mut batch = Vec::with_capacity(10_000);
                    for i in 0..per_thread {
                        batch.push(event(&handles, i));
                        if batch.len() == 10_000 {
                            tracker.add_batch(&batch)?;
                            batch.clear();
                        }
                    }
                    tracker.add_batch(&batch)?;
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no panic").expect("recorded");
    }
    let want = expected(ids.len(), per_thread);
    let outcomes = [Outcome::Impression, Outcome::Click, Outcome::Like];
    let mut totals: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    for (&(k, s, _), &n) in &want {
        *totals.entry((k, s)).or_insert(0) += n * threads as u64;
    }
    let mut grand = 0;
    for (k, id) in ids.iter().enumerate() {
        let counts = tracker.counts(id).expect("known");
        for (s, o) in outcomes.iter().enumerate() {
            assert_eq!(counts.get(o), totals[&(k, s)], "{id} {o}");
            grand += counts.get(o);
        }
    }
    // every event's multiplicity: 1, 2, 3 repeating
    let per = (per_thread / 3) * 6 + [0, 1, 3][(per_thread % 3) as usize];
    assert_eq!(grand, per * threads as u64);
    // hour windows, a few of them, exact
    let hours = (per_thread as i64 * 7) / 3600 + 1;
    for hour in [0, hours / 2, hours - 1] {
        let from = t0() + Duration::hours(hour);
        let window = tracker
            .all_counts_between(from, from + Duration::hours(1))
            .expect("aligned");
        for (k, id) in ids.iter().enumerate() {
            for (s, o) in outcomes.iter().enumerate() {
                let want = want.get(&(k, s, hour)).copied().unwrap_or(0) * threads as u64;
                assert_eq!(window[*id].get(o), want, "{id} {o} hour {hour}");
            }
        }
    }
}

#[test]
fn two_threads_are_exact() {
    exact_under_threads(2, 300_000);
}

#[test]
fn four_threads_are_exact() {
    exact_under_threads(4, 150_000);
}

/// The acceptance sizes: run with
/// `cargo test --release --test tracker_buckets -- --ignored`.
#[test]
#[ignore = "large: 10^8 and 4·10^7 events"]
fn large_runs_are_exact() {
    exact_under_threads(2, 50_000_000);
    exact_under_threads(4, 10_000_000);
}

#[test]
fn more_threads_than_shards_share_exactly() {
    let tracker = Arc::new(
        TrackerConfig::new()
            .shards(1)
            .build_fixed(["a"])
            .expect("valid"),
    );
    let h = [tracker.handle("a").expect("known")];
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let tracker = Arc::clone(&tracker);
            thread::spawn(move || {
                for i in 0..50_000 {
                    tracker.add(event(&h, i)).expect("recorded");
                }
            })
        })
        .collect();
    for w in workers {
        w.join().expect("no panic");
    }
    let c = tracker.counts("a").expect("known");
    assert_eq!(
        c.impressions() + c.clicks() + c.likes(),
        4 * (50_000 / 3 * 6 + 3)
    );
}

#[test]
fn windows_are_exact_when_aligned_and_errors_otherwise() {
    let t = TrackerConfig::new()
        .bucket(Duration::minutes(5))
        .build()
        .expect("valid");
    let at = |m: i64, s: i64| t0() + Duration::minutes(m) + Duration::seconds(s);
    t.record_n("a", Outcome::Click, at(0, 0), 1).expect("valid");
    t.record_n("a", Outcome::Click, at(4, 59), 2)
        .expect("valid");
    t.record_n("a", Outcome::Click, at(5, 0), 4).expect("valid");
    t.record_n("a", Outcome::Click, at(-1, 0), 8)
        .expect("valid");
    let c = |from, to| t.counts_between("a", from, to).map(|c| c.clicks());
    assert_eq!(c(at(0, 0), at(5, 0)), Ok(3));
    assert_eq!(c(at(5, 0), at(10, 0)), Ok(4));
    assert_eq!(c(at(-5, 0), at(10, 0)), Ok(15));
    assert_eq!(c(at(0, 0), at(0, 0)), Ok(0));
    for (from, to) in [
        (at(1, 0), at(5, 0)),
        (at(0, 0), at(6, 0)),
        (at(0, 0) + Duration::milliseconds(1), at(5, 0)),
    ] {
        assert_eq!(
            c(from, to),
            Err(Error::UnalignedWindow {
                from,
                to,
                bucket_secs: 300
            })
        );
        let (wf, wt) = t.aligned_window(from, to).expect("widened");
        assert!(wf <= from && to <= wt);
        assert!(c(wf, wt).is_ok());
    }
    assert_eq!(
        t.aligned_window(at(1, 0), at(6, 0)),
        Ok((at(0, 0), at(10, 0)))
    );
    assert_eq!(
        t.aligned_window(at(0, 0), at(5, 0)),
        Ok((at(0, 0), at(5, 0)))
    );
    assert!(matches!(
        c(at(5, 0), at(0, 0)),
        Err(Error::InvalidTimeWindow { .. })
    ));
    // per-bucket counts, e.g. for posting slots
    let buckets: Vec<(DateTime<Utc>, u64)> = t
        .buckets("a")
        .expect("known")
        .into_iter()
        .map(|(b, c)| (b, c.clicks()))
        .collect();
    assert_eq!(buckets, [(at(-5, 0), 8), (at(0, 0), 3), (at(5, 0), 4)]);
}

#[test]
fn bad_input_is_typed_and_writes_nothing() {
    let start = t0();
    let t = TrackerConfig::new()
        .start(start)
        .horizon(Duration::days(30))
        .build_fixed(["a", "b"])
        .expect("valid");
    let other = Tracker::with_variants(["a", "b"]).expect("valid");
    let a = t.handle("a").expect("known");
    let foreign = other.handle("a").expect("known");
    let signups = other
        .outcome_slot(&Outcome::custom("signups").expect("valid"))
        .expect("slot");
    let good = CompactEvent::new(a, OutcomeSlot::CLICK, start);
    t.add(good).expect("valid");
    let before = t.snapshot().expect("snapshot");

    type Check = fn(&Error) -> bool;
    let cases: Vec<(CompactEvent, Check)> = vec![
        (CompactEvent::new(foreign, OutcomeSlot::CLICK, start), |e| {
            matches!(e, Error::ForeignHandle { .. })
        }),
        (CompactEvent::new(a, signups, start), |e| {
            matches!(
                e,
                Error::ForeignHandle {
                    handle_tracker: 0,
                    ..
                }
            )
        }),
        (
            CompactEvent::new(a, OutcomeSlot::CLICK, start - Duration::seconds(1)),
            |e| matches!(e, Error::EventBeforeStart { .. }),
        ),
        (
            CompactEvent::new(a, OutcomeSlot::CLICK, start + Duration::days(30)),
            |e| matches!(e, Error::EventTooFarAhead { .. }),
        ),
    ];
    for (bad, is) in cases {
        let one = t.add(bad).unwrap_err();
        assert!(is(&one), "{one}");
        let batch = t.add_batch(&[good, good, bad, good]).unwrap_err();
        assert_eq!(batch, one);
        assert!(!one.to_string().is_empty());
    }
    // the string API checks the same range
    assert!(matches!(
        t.record("a", Outcome::Click, start - Duration::days(1)),
        Err(Error::EventBeforeStart { .. })
    ));
    assert!(matches!(
        t.record_batch([
            Event::new("b", Outcome::Click, start),
            Event::new("b", Outcome::Click, start + Duration::days(365))
        ]),
        Err(Error::EventTooFarAhead { .. })
    ));
    assert_eq!(t.snapshot().expect("snapshot"), before);
    assert!(
        t.add(CompactEvent::new(
            a,
            OutcomeSlot::CLICK,
            start + Duration::days(30) - Duration::seconds(1)
        ))
        .is_ok()
    );
    // a counter never wraps
    t.add(CompactEvent::new(a, OutcomeSlot::LIKE, start))
        .expect("valid");
    let like = t.record_n("a", Outcome::Like, start, u64::MAX).unwrap_err();
    assert!(
        matches!(like, Error::CountOverflow { current: 1, .. }),
        "{like}"
    );
    // bad configurations
    assert!(matches!(
        TrackerConfig::new()
            .bucket(Duration::milliseconds(1500))
            .build(),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        TrackerConfig::new().bucket(Duration::days(400)).build(),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        TrackerConfig::new().shards(0).build(),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn custom_outcomes_and_batches_agree_with_single_events() {
    let batch = Tracker::new();
    let single = Tracker::new();
    let signups = Outcome::custom("signups").expect("valid");
    let events: Vec<Event<'static>> = (0..5_000)
        .map(|i| {
            let outcome = if i % 7 == 0 {
                signups.clone()
            } else {
                Outcome::Impression
            };
            Event::new(
                ["a", "b", "c"][i % 3],
                outcome,
                t0() + Duration::seconds((i * 37 % 100_000) as i64),
            )
            .times(i as u64 % 4)
        })
        .collect();
    batch.record_batch(events.clone()).expect("valid");
    for e in &events {
        single
            .record_n(e.variant(), e.outcome().clone(), e.at(), e.multiplicity())
            .expect("valid");
    }
    assert_eq!(batch.snapshot().expect("s"), single.snapshot().expect("s"));
    // the same through handles and slots
    let compact = Tracker::new();
    let slot = compact.outcome_slot(&signups).expect("slot");
    let far: Vec<CompactEvent> = events
        .iter()
        .map(|e| {
            let h = compact.handle(e.variant()).expect("id");
            let s = if e.outcome().is_custom() {
                slot
            } else {
                OutcomeSlot::IMPRESSION
            };
            CompactEvent::new(h, s, e.at()).times(e.multiplicity() as u32)
        })
        .collect();
    compact.add_batch(&far).expect("valid");
    assert_eq!(compact.all_counts(), single.all_counts());
    let years = Tracker::new();
    let h = years.handle("a").expect("id");
    let spread: Vec<CompactEvent> = (0..1000)
        .map(|i| {
            CompactEvent::at_unix_seconds(h, OutcomeSlot::CLICK, i * 86_400 * 40 - 10_000_000_000)
        })
        .collect();
    years.add_batch(&spread).expect("valid");
    assert_eq!(years.counts("a").expect("known").clicks(), 1000);
    assert_eq!(years.buckets("a").expect("known").len(), 1000);
}

#[test]
fn snapshots_merge_exactly_and_reject_mismatches() {
    let config = TrackerConfig::new().experiment("launch");
    let shards: Vec<Tracker> = (0..3)
        .map(|_| config.build_fixed(["q", "s"]).expect("valid"))
        .collect();
    let reference = config.build_fixed(["q", "s"]).expect("valid");
    for (k, shard) in shards.iter().enumerate() {
        for i in 0..1000u64 {
            let e = Event::new(
                ["q", "s"][(i % 2) as usize],
                Outcome::Click,
                t0() + Duration::seconds((i * 13 + k as u64) as i64),
            );
            shard.record_batch([e.clone()]).expect("valid");
            reference.record_batch([e]).expect("valid");
        }
    }
    let mut merged = shards[0].snapshot().expect("s");
    for s in &shards[1..] {
        merged.merge(&s.snapshot().expect("s")).expect("compatible");
    }
    assert_eq!(merged, reference.snapshot().expect("s"));
    let live = config.build_fixed(["q", "s"]).expect("valid");
    live.merge(&merged).expect("compatible");
    assert_eq!(live, reference);
    let json = serde_json::to_string(&merged).expect("serialises");
    let back: Snapshot = serde_json::from_str(&json).expect("parses");
    assert_eq!(back, merged);
    assert_eq!(Tracker::from_snapshot(back).expect("valid"), reference);
    let tracker_back: Tracker =
        serde_json::from_str(&serde_json::to_string(&reference).expect("ser")).expect("de");
    assert_eq!(tracker_back, reference);

    let mismatch = |other: &Tracker| {
        let e1 = merged
            .clone()
            .merge(&other.snapshot().expect("s"))
            .unwrap_err();
        let e2 = live.merge(&other.snapshot().expect("s")).unwrap_err();
        assert_eq!(e1, e2);
        e1
    };
    assert!(matches!(
        mismatch(&TrackerConfig::new().experiment("other").build().expect("v")),
        Error::SnapshotMismatch {
            what: "experiment",
            ..
        }
    ));
    assert!(matches!(
        mismatch(
            &TrackerConfig::new()
                .experiment("launch")
                .bucket(Duration::hours(1))
                .build()
                .expect("v")
        ),
        Error::SnapshotMismatch {
            what: "bucket width",
            ..
        }
    ));
    assert!(matches!(
        mismatch(
            &TrackerConfig::new()
                .experiment("launch")
                .scope(Scope::Posts)
                .build()
                .expect("v")
        ),
        Error::SnapshotMismatch { what: "scope", .. }
    ));
    // a fixed tracker rejects keys it lacks, and nothing changes
    let stranger = config.build_fixed(["q", "zz"]).expect("valid");
    stranger.record("zz", Outcome::Click, t0()).expect("valid");
    stranger.record("q", Outcome::Click, t0()).expect("valid");
    assert_eq!(
        live.merge(&stranger.snapshot().expect("s")),
        Err(Error::UnknownVariant { id: "zz".into() })
    );
    assert_eq!(live, reference);
    // overflow across a merge is typed, nothing changes
    let big = config.build_fixed(["q", "s"]).expect("valid");
    big.record_n("q", Outcome::Click, t0(), u64::MAX)
        .expect("fits");
    let mut m = big.snapshot().expect("s");
    assert!(matches!(m.merge(&merged), Err(Error::CountOverflow { .. })));
    assert_eq!(m, big.snapshot().expect("s"));
}

#[test]
fn snapshot_json_is_checked_and_reads_the_old_event_list() {
    let json = r#"{"version":1,"experiment":"x","scope":"posts","bucket_secs":60,"fixed":true,
        "counts":{"p1":{"clicks":{"2026-11-24T08:03:00Z":2},"signups":{"2026-11-24T08:04:00Z":1}},"p2":{}}}"#;
    let s: Snapshot = serde_json::from_str(json).expect("valid");
    assert_eq!(s.scope(), Scope::Posts);
    assert_eq!(s.counts("p1").expect("key").clicks(), 2);
    assert_eq!(s.keys().collect::<Vec<_>>(), ["p1", "p2"]);
    let bad = [
        (
            r#"{"bucket_secs":60,"counts":{"a":{"clicks":{"2026-11-24T08:03:30Z":2}}}}"#,
            "boundary",
        ),
        (r#"{"counts":{"a":{"clicks":{"x":2}}}}"#, "RFC 3339"),
        (r#"{"counts":{"":{}}}"#, "empty"),
        (
            r#"{"counts":{"a":{"clicks":{},"click":{}}}}"#,
            "same outcome",
        ),
        (r#"{"counts":{"a":{},"a":{}}}"#, "duplicate"),
        (r#"{"version":2,"counts":{}}"#, "version"),
        (r#"{"bucket_secs":0,"counts":{}}"#, "bucket width"),
        (r#"{"counts":{},"events":{}}"#, "not both"),
    ];
    for (json, why) in bad {
        let err = serde_json::from_str::<Snapshot>(json)
            .unwrap_err()
            .to_string();
        assert!(err.contains(why), "{json}: {err}");
    }
    // the event list earlier versions wrote
    let old = r#"{"fixed":true,"events":{"a":[{"at":"2026-11-24T08:00:10Z","outcome":"clicks","n":2},
        {"at":"2026-11-24T08:00:50Z","outcome":"clicks"}],"b":[]}}"#;
    let t: Tracker = serde_json::from_str(old).expect("reads");
    assert!(t.is_fixed());
    assert_eq!(t.counts("a").expect("known"), counts! { clicks: 3 });
    assert_eq!(t.variant_ids(), ["a", "b"]);
}

#[test]
fn experiments_accept_merged_snapshots() {
    let mut exp = Experiment::builder("launch")
        .variant("q", "Question?")
        .variant("s", "Statement.")
        .control("q")
        .build()
        .expect("valid");
    exp.add_post(Post::new("p1", "q").expect("post"))
        .expect("add");
    exp.add_post(Post::new("p2", "s").expect("post"))
        .expect("add");
    let (a, b) = (exp.clone(), exp.clone());
    a.record_post_n("p1", Outcome::Impression, t0(), 100)
        .expect("valid");
    b.record_post_n("p2", Outcome::Impression, t0(), 90)
        .expect("valid");
    b.record_n("s", Outcome::Click, t0(), 4).expect("valid");
    let mut posts = a.post_tracker().snapshot().expect("s");
    posts
        .merge(&b.post_tracker().snapshot().expect("s"))
        .expect("same experiment");
    exp.merge(&posts).expect("posts");
    exp.merge(&b.tracker().snapshot().expect("s"))
        .expect("variants");
    assert_eq!(exp.counts("q").expect("q").impressions(), 100);
    assert_eq!(
        exp.counts("s").expect("s"),
        counts! { impressions: 90, clicks: 4 }
    );
    // another experiment's snapshot, an unknown post
    let other = Experiment::builder("other")
        .variant("q", "Q")
        .variant("s", "S")
        .control("q")
        .build()
        .expect("valid");
    assert!(matches!(
        exp.merge(&other.tracker().snapshot().expect("s")),
        Err(Error::SnapshotMismatch { .. })
    ));
    let stray = TrackerConfig::new()
        .experiment("launch")
        .scope(Scope::Posts)
        .build()
        .expect("valid");
    stray.record("p9", Outcome::Click, t0()).expect("valid");
    assert_eq!(
        exp.merge(&stray.snapshot().expect("s")),
        Err(Error::UnknownPost { id: "p9".into() })
    );
    // the experiment round-trips with its bucketed events
    let back: Experiment =
        serde_json::from_str(&serde_json::to_string(&exp).expect("ser")).expect("de");
    assert_eq!(back, exp);
}

/// Resident memory of this process in bytes (Linux).
fn rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// 10⁹ events over 30 days at minute buckets (2 variants, 3 outcomes, in
/// batches of 10⁶ generated on the fly) stay under 200 MB resident. Run
/// with `cargo test --release --test tracker_buckets -- --ignored
/// --nocapture`.
#[test]
#[ignore = "large: 10^9 events"]
fn a_billion_events_fit_in_200_mb() {
    let before = rss_bytes().unwrap_or(0);
    let t = Tracker::with_variants(["question", "statement"]).expect("valid");
    let h = [
        t.handle("question").expect("known"),
        t.handle("statement").expect("known"),
    ];
    let span = 30 * 86_400i64;
    const TOTAL: u64 = 1_000_000_000;
    const BATCH: u64 = 1_000_000;
    let mut batch = Vec::with_capacity(BATCH as usize);
    let started = std::time::Instant::now();
    for b in 0..TOTAL / BATCH {
        batch.clear();
        for j in 0..BATCH {
            let i = b * BATCH + j;
            let mix = i.wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32;
            let slot = match mix % 50 {
                0 => OutcomeSlot::CLICK,
                1 | 2 => OutcomeSlot::LIKE,
                _ => OutcomeSlot::IMPRESSION,
            };
            let secs = t0().timestamp() + (i as i128 * span as i128 / TOTAL as i128) as i64;
            batch.push(CompactEvent::at_unix_seconds(
                h[(mix & 1) as usize],
                slot,
                secs,
            ));
        }
        t.add_batch(&batch).expect("valid");
    }
    let elapsed = started.elapsed();
    let after = rss_bytes().unwrap_or(0);
    let total: u64 = t
        .all_counts()
        .values()
        .map(|c| c.iter().map(|(_, n)| n).sum::<u64>())
        .sum();
    assert_eq!(total, TOTAL);
    println!(
        "10^9 events in {:.1} s; RSS {:.1} MB before, {:.1} MB after (event buffer {:.1} MB); counters {:.2} MB",
        elapsed.as_secs_f64(),
        before as f64 / 1e6,
        after as f64 / 1e6,
        (BATCH as usize * std::mem::size_of::<CompactEvent>()) as f64 / 1e6,
        t.memory_bytes() as f64 / 1e6
    );
    assert!(after < 200_000_000, "RSS {after}");
}

#[test]
fn memory_follows_buckets_not_events() {
    let t = Tracker::with_variants(["a"]).expect("valid");
    let h = t.handle("a").expect("known");
    let batch: Vec<CompactEvent> = (0..100_000)
        .map(|i| CompactEvent::at_unix_seconds(h, OutcomeSlot::CLICK, t0().timestamp() + i % 60))
        .collect();
    t.add_batch(&batch).expect("valid");
    let one = t.memory_bytes();
    for _ in 0..20 {
        t.add_batch(&batch).expect("valid");
    }
    assert_eq!(t.memory_bytes(), one, "same bucket, no growth");
    assert!(one < 64 * 1024, "{one}");
    assert_eq!(t.counts("a").expect("known").clicks(), 2_100_000);
}
