//! The durable store, with real files and real processes: a child process
//! (this test binary run again, selected by an environment variable) writes
//! batches and is killed with SIGKILL at random moments; two writers share a
//! file; readers see consistent snapshots; bad files are typed errors.
#![cfg(feature = "store")]

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration as StdDuration, Instant};

use chrono::{DateTime, Duration, Utc};
use postab::tracker::{CompactEvent, OutcomeSlot, Scope, Store, StoreOptions, TrackerConfig};
use postab::{Error, Event, Experiment, Outcome, Post, Tracker, counts};

const CHILD_ENV: &str = "POSTAB_STORE_CHILD";
const KEYS: usize = 5;
const PER_KEY: u64 = 40;

fn t0() -> DateTime<Utc> {
    "2026-11-24T00:00:00Z".parse().expect("valid time")
}

fn dir(name: &str) -> PathBuf {
    let d = std::env::temp_dir().join(format!("postab-store-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).expect("temp dir");
    d
}

/// Batch `i` of the crash test: in minute `i` after `t0`, for each of
/// `KEYS` keys, `PER_KEY` impression events of multiplicity `i % 7 + 1`
/// and one click.
fn crash_batch(i: u64) -> Vec<Event<'static>> {
    let at = t0() + Duration::minutes(i as i64);
    let mut events = Vec::new();
    for k in 0..KEYS {
        for j in 0..PER_KEY {
            events.push(
                Event::new(
                    format!("k{k}"),
                    Outcome::Impression,
                    at + Duration::seconds(j as i64 % 60),
                )
                .times(i % 7 + 1),
            );
        }
        events.push(Event::new(format!("k{k}"), Outcome::Click, at));
    }
    events
}

/// The child process: what it does is chosen by `POSTAB_STORE_CHILD`
/// (`crash:PATH:FIRST:KEEP` writes crash batches from `FIRST` on until
/// killed; `steady:PATH:WRITER:MILLIS` writes shared batches for a while),
/// printing `ACK <batch> <id>` after each commit returns. Without the
/// variable it does nothing.
#[test]
fn child_writer() {
    let Ok(spec) = std::env::var(CHILD_ENV) else {
        return;
    };
    let parts: Vec<&str> = spec.split('|').collect();
    let path = Path::new(parts[1]);
    match parts[0] {
        "crash" => {
            let first: u64 = parts[2].parse().expect("first batch");
            let keep = parts[3] == "1";
            let store = Store::open(
                path,
                &StoreOptions::new().experiment("crash").keep_events(keep),
            )
            .expect("open");
            for i in first.. {
                let id = store
                    .record_batch(Scope::Variants, crash_batch(i))
                    .expect("commit");
                println!("ACK {i} {id}");
            }
        }
        "steady" => {
            let writer: u64 = parts[2].parse().expect("writer");
            let millis: u64 = parts[3].parse().expect("millis");
            let tracker = TrackerConfig::new()
                .experiment("steady")
                .open(path)
                .expect("open");
            let shared = tracker.handle("shared").expect("key");
            let mine = tracker.handle(&format!("w{writer}")).expect("key");
            let start = Instant::now();
            let mut i = 0u64;
            while start.elapsed() < StdDuration::from_millis(millis) {
                let at = t0() + Duration::seconds((i % 3600) as i64);
                // `shared` and `mine` move together: a snapshot must never
                // see one without the other.
                let mut batch = vec![CompactEvent::new(shared, OutcomeSlot::IMPRESSION, at); 50];
                batch.extend(vec![
                    CompactEvent::new(mine, OutcomeSlot::IMPRESSION, at);
                    50
                ]);
                tracker.add_batch(&batch).expect("commit");
                println!("ACK {i} 0");
                i += 1;
            }
        }
        other => panic!("unknown child mode {other}"),
    }
}

fn spawn_child(spec: &str) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["child_writer", "--exact", "--nocapture", "--test-threads=1"])
        .env(CHILD_ENV, spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("child starts")
}

/// Reads the child's `ACK` lines on a thread.
fn acks(child: &mut Child) -> std::thread::JoinHandle<Vec<(u64, i64)>> {
    let out = child.stdout.take().expect("piped");
    std::thread::spawn(move || {
        BufReader::new(out)
            .lines()
            .map_while(Result::ok)
            .filter_map(|l| {
                // libtest may have written "test child_writer ... " first
                let mut w = l.split("ACK ").nth(1)?.split(' ');
                Some((w.next()?.parse().ok()?, w.next()?.parse().ok()?))
            })
            .collect()
    })
}

/// A small deterministic generator for the kill delays.
fn next(seed: &mut u64) -> u64 {
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed
}

/// Which crash batches the file holds, each checked whole: the minute of
/// batch `i` has exactly its counts (or nothing at all).
fn present_batches(store: &Store, keep: bool) -> Vec<u64> {
    store.integrity_check().expect("integrity_check: ok");
    let snap = store.snapshot(Scope::Variants).expect("snapshot");
    let mut by_minute: std::collections::BTreeMap<u64, Vec<(String, Outcome, u64)>> =
        Default::default();
    for (key, outcome, at, n) in snap.cells() {
        let minute = ((at - t0()).num_minutes()) as u64;
        by_minute
            .entry(minute)
            .or_default()
            .push((key.to_string(), outcome.clone(), n));
    }
    let mut present = Vec::new();
    for (&i, cells) in &by_minute {
        let mut want: Vec<(String, Outcome, u64)> = (0..KEYS)
            .flat_map(|k| {
                [
                    (format!("k{k}"), Outcome::Impression, PER_KEY * (i % 7 + 1)),
                    (format!("k{k}"), Outcome::Click, 1),
                ]
            })
            .collect();
        let mut got = cells.clone();
        want.sort();
        got.sort();
        assert_eq!(got, want, "batch {i} is half-present");
        present.push(i);
    }
    let batches = store.batches().expect("batches");
    assert_eq!(
        batches.len(),
        present.len(),
        "one batch row per present batch"
    );
    for b in &batches {
        assert_eq!(b.events, (KEYS as u64) * (PER_KEY + 1));
        assert_eq!(
            b.kept_events,
            if keep { b.events } else { 0 },
            "raw events of batch {}",
            b.id
        );
    }
    present
}

#[test]
fn killed_writers_lose_no_acknowledged_batch() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    let d = dir("crash");
    let mut seed = 0x5EED_1234_u64;
    for keep in [false, true] {
        let path = d.join(format!("crash-{keep}.db"));
        let mut acked_total = 0;
        for run in 0..12 {
            let store =
                Store::open(&path, &StoreOptions::new().experiment("crash")).expect("reopens");
            let present = present_batches(&store, keep);
            drop(store);
            let first = present.last().map_or(0, |&i| i + 1);
            assert_eq!(
                present,
                (0..first).collect::<Vec<_>>(),
                "batches form a prefix"
            );
            let mut child = spawn_child(&format!(
                "crash|{}|{first}|{}",
                path.display(),
                u8::from(keep)
            ));
            let reader = acks(&mut child);
            // Kill at a seeded moment, after startup, mid-stream.
            std::thread::sleep(StdDuration::from_millis(25 + next(&mut seed) % 100));
            child.kill().expect("SIGKILL");
            child.wait().expect("reaped");
            let acked = reader.join().expect("reader");
            let store = Store::open(&path, &StoreOptions::new().experiment("crash"))
                .expect("reopens after kill");
            let present = present_batches(&store, keep);
            for (i, _) in &acked {
                assert!(
                    present.contains(i),
                    "run {run}: acknowledged batch {i} is missing"
                );
            }
            // at most the one batch in flight is present without an ack
            assert!(present.len() <= first as usize + acked.len() + 1);
            acked_total += acked.len();
        }
        assert!(
            acked_total > 12,
            "the children committed batches ({acked_total})"
        );
        println!(
            "raw events kept: {keep}; 12 kills, {acked_total} acknowledged batches, all present and whole"
        );
        // reopening continues counting, through a tracker too
        let tracker = TrackerConfig::new()
            .experiment("crash")
            .open(&path)
            .expect("open");
        let before = tracker.counts("k0").expect("known").clicks();
        tracker
            .record("k0", Outcome::Click, t0() - Duration::days(1))
            .expect("durable");
        drop(tracker);
        let tracker = Tracker::open(&path).expect("reopen");
        assert_eq!(tracker.counts("k0").expect("known").clicks(), before + 1);
        assert_eq!(tracker.experiment(), Some("crash"));
    }
    let _ = std::fs::remove_dir_all(&d);
}

fn two_writers(millis: u64) {
    let d = dir(&format!("writers-{millis}"));
    let path = d.join("steady.db");
    // create it first so both children only open
    drop(
        TrackerConfig::new()
            .experiment("steady")
            .open(&path)
            .expect("create"),
    );
    let mut children: Vec<Child> = (0..2)
        .map(|w| spawn_child(&format!("steady|{}|{w}|{millis}", path.display())))
        .collect();
    let readers: Vec<_> = children.iter_mut().map(acks).collect();
    // Meanwhile: consistent snapshots.
    let store = Store::open(&path, &StoreOptions::new()).expect("reader");
    let mut looks = 0;
    let deadline = Instant::now() + StdDuration::from_millis(millis);
    while Instant::now() < deadline {
        let snap = store.snapshot(Scope::Variants).expect("snapshot");
        let n = |k: &str| snap.counts(k).map(|c| c.impressions()).unwrap_or(0);
        assert_eq!(
            n("shared"),
            n("w0") + n("w1"),
            "a snapshot saw half a batch"
        );
        looks += 1;
        std::thread::sleep(StdDuration::from_millis(5));
    }
    for c in &mut children {
        assert!(c.wait().expect("exits").success(), "writer failed");
    }
    let acked: Vec<usize> = readers
        .into_iter()
        .map(|r| r.join().expect("reader").len())
        .collect();
    let snap = store.snapshot(Scope::Variants).expect("snapshot");
    assert_eq!(
        snap.counts("w0").expect("w0").impressions(),
        50 * acked[0] as u64
    );
    assert_eq!(
        snap.counts("w1").expect("w1").impressions(),
        50 * acked[1] as u64
    );
    assert_eq!(
        snap.counts("shared").expect("s").impressions(),
        50 * (acked[0] + acked[1]) as u64
    );
    assert_eq!(store.batches().expect("batches").len(), acked[0] + acked[1]);
    assert!(acked.iter().all(|&a| a > 0), "both wrote: {acked:?}");
    store.integrity_check().expect("ok");
    println!("two writers, {millis} ms: {acked:?} batches, {looks} consistent snapshots");
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn two_writer_processes_lose_nothing() {
    if std::env::var(CHILD_ENV).is_ok() {
        return;
    }
    two_writers(1500);
}

/// The acceptance duration: `cargo test --features store --test
/// tracker_store -- --ignored --nocapture`.
#[test]
#[ignore = "10 s"]
fn two_writer_processes_for_ten_seconds() {
    two_writers(10_000);
}

fn bytes(path: &Path) -> Vec<u8> {
    std::fs::read(path).expect("readable")
}

#[test]
fn bad_files_are_typed_errors_and_stay_untouched() {
    let d = dir("bad");
    let opts = StoreOptions::new().experiment("launch");
    // a store of another experiment
    let other = d.join("other.db");
    Store::open(&other, &StoreOptions::new().experiment("other"))
        .expect("create")
        .record_batch(Scope::Variants, [Event::new("a", Outcome::Click, t0())])
        .expect("write");
    let before = bytes(&other);
    assert!(matches!(
        Store::open(&other, &opts),
        Err(Error::SnapshotMismatch {
            what: "experiment",
            ..
        })
    ));
    assert!(matches!(
        Store::open(&other, &StoreOptions::new().bucket(Duration::hours(1))),
        Err(Error::SnapshotMismatch {
            what: "bucket width",
            ..
        })
    ));
    assert!(matches!(
        TrackerConfig::new().experiment("launch").open(&other),
        Err(Error::SnapshotMismatch { .. })
    ));
    assert_eq!(bytes(&other), before);

    // a newer schema
    let newer = d.join("newer.db");
    drop(Store::open(&newer, &opts).expect("create"));
    {
        let s = Store::open(&newer, &opts).expect("open");
        drop(s);
    }
    set_user_version(&newer, 99);
    let before = bytes(&newer);
    assert_eq!(
        Store::open(&newer, &opts).map(|_| ()),
        Err(Error::StoreSchemaTooNew {
            path: newer.display().to_string(),
            found: 99,
            supported: postab::tracker::SCHEMA_VERSION
        })
    );
    assert_eq!(bytes(&newer), before);

    // garbage
    let garbage = d.join("garbage.db");
    std::fs::write(&garbage, vec![0x5Au8; 8192]).expect("write");
    assert!(matches!(
        Store::open(&garbage, &opts),
        Err(Error::StoreCorrupt { .. })
    ));
    assert_eq!(bytes(&garbage), vec![0x5Au8; 8192]);

    // a damaged store: its pages overwritten after the header
    let damaged = d.join("damaged.db");
    {
        let s = Store::open(&damaged, &opts).expect("create");
        for i in 0..50 {
            s.record_batch(
                Scope::Variants,
                (0..200).map(|k| {
                    Event::new(
                        format!("key-{k}"),
                        Outcome::Click,
                        t0() + Duration::minutes(i),
                    )
                }),
            )
            .expect("write");
        }
    }
    let mut b = bytes(&damaged);
    assert!(b.len() > 16 * 4096, "{}", b.len());
    for x in &mut b[4096..] {
        *x = 0xA5;
    }
    std::fs::write(&damaged, &b).expect("damage");
    let _ = std::fs::remove_file(damaged.with_extension("db-wal"));
    let _ = std::fs::remove_file(damaged.with_extension("db-shm"));
    let err = TrackerConfig::new()
        .experiment("launch")
        .open(&damaged)
        .map(|_| ())
        .unwrap_err();
    assert!(matches!(err, Error::StoreCorrupt { .. }), "{err}");
    assert_eq!(bytes(&damaged), b);
    let _ = std::fs::remove_dir_all(&d);
}

/// Sets `PRAGMA user_version` in place (the field at byte 60 of the
/// SQLite header), as a newer postab would have.
fn set_user_version(path: &Path, v: u32) {
    let mut b = bytes(path);
    b[60..64].copy_from_slice(&v.to_be_bytes());
    std::fs::write(path, b).expect("write");
}

#[test]
fn trackers_on_a_store_survive_restarts_and_keep_experiments() {
    let d = dir("restart");
    let path = d.join("launch.db");
    let opts = StoreOptions::new().keep_events(true);
    {
        let t = TrackerConfig::new()
            .experiment("launch")
            .bucket(Duration::minutes(5))
            .open_with(&path, &opts)
            .expect("create");
        let q = t.handle("question").expect("key");
        let batch: Vec<CompactEvent> = (0..10_000)
            .map(|i| CompactEvent::new(q, OutcomeSlot::IMPRESSION, t0() + Duration::seconds(i)))
            .collect();
        t.add_batch(&batch).expect("durable");
        t.add(CompactEvent::new(q, OutcomeSlot::CLICK, t0()))
            .expect("durable");
        t.record(
            "statement",
            Outcome::custom("signups").expect("valid"),
            t0(),
        )
        .expect("durable");
        // overflow in the file is typed and writes nothing
        assert!(matches!(
            t.record_n("statement", Outcome::Like, t0(), u64::MAX),
            Err(Error::CountOverflow { .. })
        ));
    }
    let t = Tracker::open(&path).expect("reopen");
    assert_eq!(t.bucket_width(), Duration::minutes(5));
    assert_eq!(
        t.counts("question").expect("q"),
        counts! { impressions: 10_000, clicks: 1 }
    );
    assert_eq!(
        t.counts("statement")
            .expect("s")
            .get(&Outcome::custom("signups").expect("valid")),
        1
    );
    assert_eq!(t.counts("statement").expect("s").likes(), 0);
    let store = t.store().expect("backed");
    let batches = store.batches().expect("batches");
    assert_eq!(batches.iter().map(|b| b.kept_events).sum::<u64>(), 10_002);
    assert_eq!(
        t.counts_between("question", t0(), t0() + Duration::minutes(5))
            .expect("aligned")
            .impressions(),
        300
    );

    // the experiment's definition and posts, with the stored counts
    let mut exp = Experiment::builder("launch")
        .variant("question", "Q?")
        .variant("statement", "S.")
        .control("question")
        .build()
        .expect("valid");
    exp.add_post(Post::new("p1", "statement").expect("post"))
        .expect("add");
    store.save_experiment(&exp).expect("saved");
    TrackerConfig::new()
        .scope(Scope::Posts)
        .open(&path)
        .expect("posts")
        .record_n("p1", Outcome::Impression, t0(), 7)
        .expect("durable");
    let back = store.load_experiment().expect("reads").expect("saved one");
    assert_eq!(back.counts("question").expect("q").impressions(), 10_000);
    assert_eq!(back.post_counts("p1").expect("p1").impressions(), 7);
    assert_eq!(back.posts().len(), 1);
    let wrong = Experiment::builder("other")
        .variant("a", "A")
        .variant("b", "B")
        .control("a")
        .build()
        .expect("valid");
    assert!(matches!(
        store.save_experiment(&wrong),
        Err(Error::SnapshotMismatch { .. })
    ));
    drop(t);
    let _ = std::fs::remove_dir_all(&d);
}

#[test]
fn busy_writers_give_up_with_a_typed_error() {
    let d = dir("busy");
    let path = d.join("busy.db");
    let slow = Store::open(&path, &StoreOptions::new()).expect("create");
    drop(slow);
    // Hold the write lock from another connection in this process.
    let holder = Store::open(&path, &StoreOptions::new()).expect("open");
    let quick = Store::open(
        &path,
        &StoreOptions::new().busy_timeout(StdDuration::from_millis(100)),
    )
    .expect("open");
    let (tx, rx) = std::sync::mpsc::channel();
    let (done_tx, done_rx) = std::sync::mpsc::channel::<()>();
    let h = std::thread::spawn(move || {
        holder.__hold_write_lock(|| {
            tx.send(()).expect("signal");
            let _ = done_rx.recv_timeout(StdDuration::from_secs(5));
        })
    });
    rx.recv().expect("locked");
    let err = quick
        .record_batch(Scope::Variants, [Event::new("a", Outcome::Click, t0())])
        .unwrap_err();
    assert!(
        matches!(err, Error::StoreBusy { waited_ms, .. } if waited_ms >= 90),
        "{err}"
    );
    done_tx.send(()).expect("release");
    h.join().expect("holder").expect("held");
    quick
        .record_batch(Scope::Variants, [Event::new("a", Outcome::Click, t0())])
        .expect("free again");
    assert_eq!(
        quick
            .snapshot(Scope::Variants)
            .expect("s")
            .counts("a")
            .expect("a")
            .clicks(),
        1
    );
    let _ = std::fs::remove_dir_all(&d);
}
