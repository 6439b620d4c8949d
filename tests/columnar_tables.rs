//! The events and counts tables: schemas, builders, lenient readers,
//! recording into trackers, Parquet round trips and typed errors.
#![cfg(feature = "arrow")]

use std::sync::Arc;

use postab::columnar::arrow::array::{
    ArrayRef, Int64Array, RecordBatch, StringArray, TimestampSecondArray, UInt8Array,
};
use postab::columnar::arrow::datatypes::{DataType, Int32Type};
use postab::columnar::{
    EventBatchBuilder, EventColumns, ParquetSink, events_schema, post_counts_batch, read_parquet,
    read_post_counts, read_variant_counts, variant_counts_batch,
};
use postab::tracker::{Scope, TrackerConfig};
use postab::{Error, Outcome, Tracker, counts};

fn at(s: &str) -> postab::chrono::DateTime<postab::chrono::Utc> {
    s.parse().expect("time")
}

fn sample() -> RecordBatch {
    let mut b = EventBatchBuilder::new();
    let signups = Outcome::custom("signups").expect("valid");
    type Row<'a> = (&'a str, &'a str, Option<&'a str>, &'a Outcome, &'a str, u64);
    let rows: [Row<'_>; 7] = [
        (
            "cta",
            "question",
            Some("q1"),
            &Outcome::Impression,
            "2026-11-24T08:00:00.250Z",
            100,
        ),
        (
            "cta",
            "question",
            Some("q1"),
            &Outcome::Click,
            "2026-11-24T08:00:59.999Z",
            3,
        ),
        (
            "cta",
            "question",
            Some("q2"),
            &Outcome::Impression,
            "2026-11-24T09:10:00Z",
            50,
        ),
        (
            "cta",
            "statement",
            Some("s1"),
            &Outcome::Impression,
            "2026-11-24T08:30:00Z",
            80,
        ),
        (
            "cta",
            "statement",
            None,
            &Outcome::Click,
            "2026-11-24T08:31:00Z",
            5,
        ),
        (
            "cta",
            "statement",
            Some("s1"),
            &signups,
            "2026-11-24T08:32:00Z",
            1,
        ),
        (
            "hook",
            "a",
            None,
            &Outcome::Like,
            "2026-11-24T10:00:00Z",
            4_000_000_000_000,
        ),
    ];
    for (e, v, p, o, t, n) in rows {
        b.push(e, v, p, o, at(t), n).expect("valid row");
    }
    b.finish().expect("batch")
}

#[test]
fn the_events_batch_has_the_documented_schema() {
    let batch = sample();
    assert_eq!(batch.schema(), events_schema());
    let dict = DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8));
    let types: Vec<(String, DataType, bool)> = events_schema()
        .fields()
        .iter()
        .map(|f| (f.name().clone(), f.data_type().clone(), f.is_nullable()))
        .collect();
    assert_eq!(
        types,
        [
            ("experiment".to_string(), dict.clone(), false),
            ("variant".to_string(), dict.clone(), false),
            ("post".to_string(), dict.clone(), true),
            ("outcome".to_string(), dict, false),
            (
                "time".to_string(),
                DataType::Timestamp(
                    postab::columnar::arrow::datatypes::TimeUnit::Microsecond,
                    Some("UTC".into())
                ),
                false
            ),
            ("n".to_string(), DataType::Int64, false),
        ]
    );
    // Dictionary-encoded: 2 experiments stored once each.
    let exp = batch
        .column(0)
        .as_any()
        .downcast_ref::<postab::columnar::arrow::array::DictionaryArray<Int32Type>>()
        .expect("dictionary");
    assert_eq!(exp.values().len(), 2);
    let cols = EventColumns::new(&batch).expect("columns");
    let row = cols.row(1).expect("row");
    assert_eq!(
        (row.experiment, row.variant, row.post, row.outcome, row.n),
        ("cta", "question", Some("q1"), &Outcome::Click, 3)
    );
    assert_eq!(row.at, at("2026-11-24T08:00:59.999Z"));
    assert!(cols.row(7).is_err());
}

#[test]
fn builder_rejects_bad_rows() {
    let mut b = EventBatchBuilder::new();
    let t = at("2026-11-24T08:00:00Z");
    assert_eq!(
        b.push("", "a", None, &Outcome::Click, t, 1),
        Err(Error::EmptyVariantId)
    );
    assert_eq!(
        b.push("e", "a", Some(""), &Outcome::Click, t, 1),
        Err(Error::EmptyPostId)
    );
    assert!(matches!(
        b.push("e", "a", None, &Outcome::Custom("clicks".into()), t, 1),
        Err(Error::ReservedOutcomeName { .. })
    ));
    assert!(matches!(
        b.push("e", "a", None, &Outcome::Click, t, u64::MAX),
        Err(Error::BadColumn { ref column, .. }) if column == "n"
    ));
    assert!(b.is_empty(), "nothing added on error");
}

#[test]
fn recording_into_trackers_matches_the_rows() {
    let batch = sample();
    let cols = EventColumns::new(&batch).expect("columns");
    // A tracker of experiment "cta" takes only its rows.
    let variants = TrackerConfig::new()
        .experiment("cta")
        .build()
        .expect("tracker");
    cols.record_into(&variants).expect("recorded");
    assert_eq!(variants.variant_ids(), ["question", "statement"]);
    let signups = Outcome::custom("signups").expect("valid");
    assert_eq!(
        variants.counts("question").expect("q"),
        counts! { impressions: 150, clicks: 3 }
    );
    assert_eq!(
        variants.counts("statement").expect("s"),
        counts! { impressions: 80, clicks: 5 }
            .with(&signups, 1)
            .expect("custom")
    );
    // Sub-second times fall in their minute's bucket (floor).
    let minute = variants
        .counts_between(
            "question",
            at("2026-11-24T08:00:00Z"),
            at("2026-11-24T08:01:00Z"),
        )
        .expect("window");
    assert_eq!(minute, counts! { impressions: 100, clicks: 3 });
    // A tracker without an experiment takes every row, including a
    // multiplicity above u32::MAX.
    let all = Tracker::new();
    cols.record_into(&all).expect("recorded");
    assert_eq!(all.counts("a").expect("a").likes(), 4_000_000_000_000);
    // A post tracker needs a post on every row it records.
    let posts = TrackerConfig::new()
        .experiment("cta")
        .scope(Scope::Posts)
        .build()
        .expect("tracker");
    assert_eq!(cols.record_into(&posts), Err(Error::EmptyPostId));
    let no_bare = batch.slice(0, 4);
    let posts = TrackerConfig::new()
        .experiment("cta")
        .scope(Scope::Posts)
        .build()
        .expect("tracker");
    EventColumns::new(&no_bare)
        .expect("columns")
        .record_into(&posts)
        .expect("recorded");
    assert_eq!(
        posts.counts("q1").expect("q1"),
        counts! { impressions: 100, clicks: 3 }
    );
    // A fixed tracker rejects unknown ids, and adds nothing.
    let fixed = Tracker::with_variants(["question"]).expect("tracker");
    assert_eq!(
        cols.record_into(&fixed),
        Err(Error::UnknownVariant {
            id: "statement".into()
        })
    );
    assert!(fixed.counts("question").expect("q").is_empty());
}

#[test]
fn counts_tables_round_trip_through_parquet() -> Result<(), Box<dyn std::error::Error>> {
    let signups = Outcome::custom("signups")?;
    let q = counts! { impressions: 2_140, clicks: 15 };
    let s = counts! { impressions: 1_457, clicks: 33 }.with(&signups, 2)?;
    let batch = variant_counts_batch([("cta", "question", &q), ("cta", "statement", &s)])?;
    assert_eq!(batch.num_rows(), 5, "one row per non-zero outcome");
    let posts = post_counts_batch([("cta", "question", "q1", &q), ("cta", "question", "q2", &q)])?;
    let dir = std::env::temp_dir().join(format!("postab-tables-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    for (name, b) in [("v.parquet", &batch), ("p.parquet", &posts)] {
        let mut sink = ParquetSink::create(dir.join(name), b.schema())?;
        sink.write(b)?;
        sink.close()?;
    }
    let back: Vec<RecordBatch> = read_parquet(dir.join("v.parquet"))?.collect::<Result<_, _>>()?;
    assert_eq!(
        back,
        std::slice::from_ref(&batch),
        "dictionaries come back as dictionaries"
    );
    let counts = read_variant_counts(&back)?;
    assert_eq!(counts[&("cta".into(), "statement".into())], s);
    let back: Vec<RecordBatch> = read_parquet(dir.join("p.parquet"))?.collect::<Result<_, _>>()?;
    let by_post = read_post_counts(&back)?;
    assert_eq!(by_post.len(), 2);
    assert_eq!(by_post[&("cta".into(), "question".into(), "q2".into())], q);
    // Repeated keys add up.
    let twice = read_variant_counts(&[batch.clone(), batch])?;
    assert_eq!(
        twice[&("cta".into(), "question".into())],
        counts! { impressions: 4_280, clicks: 30 }
    );
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}

#[test]
fn readers_are_lenient_about_encodings_and_strict_about_values() {
    // Plain strings, a small unsigned count type, aliases of outcomes.
    let plain = |xs: &[&str]| Arc::new(StringArray::from(xs.to_vec())) as ArrayRef;
    let batch = RecordBatch::try_from_iter([
        ("experiment", plain(&["e", "e", "e"])),
        ("variant", plain(&["a", "a", "b"])),
        (
            "outcome",
            plain(&["Impression", "link_clicks", "impressions"]),
        ),
        (
            "count",
            Arc::new(UInt8Array::from(vec![200, 7, 9])) as ArrayRef,
        ),
    ])
    .expect("batch");
    let counts = read_variant_counts(&[batch]).expect("read");
    assert_eq!(
        counts[&("e".into(), "a".into())],
        counts! { impressions: 200, clicks: 7 }
    );
    // Events with a seconds timestamp and no post column.
    let events = RecordBatch::try_from_iter([
        ("experiment", plain(&["e"])),
        ("variant", plain(&["a"])),
        ("outcome", plain(&["clicks"])),
        (
            "time",
            Arc::new(TimestampSecondArray::from(vec![1_795_507_200])) as ArrayRef,
        ),
        ("n", Arc::new(Int64Array::from(vec![2])) as ArrayRef),
    ])
    .expect("batch");
    let row_at = EventColumns::new(&events)
        .expect("columns")
        .row(0)
        .expect("row")
        .at;
    assert_eq!(row_at, at("2026-11-24T08:00:00Z"));

    let bad = |column: &str, array: ArrayRef| {
        let mut cols = vec![
            ("experiment", plain(&["e"])),
            ("variant", plain(&["a"])),
            ("outcome", plain(&["clicks"])),
            ("count", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
        ];
        if let Some(c) = cols.iter_mut().find(|c| c.0 == column) {
            c.1 = array;
        }
        let batch = RecordBatch::try_from_iter(cols).expect("batch");
        read_variant_counts(&[batch]).expect_err("bad table")
    };
    let is_bad_column = |e: Error, name: &str, needle: &str| match e {
        Error::BadColumn { column, problem } => {
            assert_eq!(column, name);
            assert!(problem.contains(needle), "{problem}");
        }
        other => panic!("{other:?}"),
    };
    is_bad_column(
        bad("count", Arc::new(Int64Array::from(vec![-4]))),
        "count",
        "-4",
    );
    is_bad_column(
        bad("count", Arc::new(Int64Array::from(vec![None]))),
        "count",
        "null",
    );
    is_bad_column(bad("count", plain(&["1"])), "count", "integers");
    is_bad_column(
        bad("variant", Arc::new(StringArray::from(vec![None::<&str>]))),
        "variant",
        "null",
    );
    is_bad_column(bad("outcome", plain(&[""])), "outcome", "outcome");
    let missing = RecordBatch::try_from_iter([("experiment", plain(&["e"]))]).expect("batch");
    is_bad_column(
        read_variant_counts(&[missing]).expect_err("missing"),
        "variant",
        "missing",
    );
    // Counts beyond i64::MAX cannot be written.
    assert!(matches!(
        variant_counts_batch([("e", "a", &counts! { clicks: u64::MAX })]),
        Err(Error::BadColumn { .. })
    ));
    // A file that is not Parquet.
    let path = std::env::temp_dir().join(format!("postab-junk-{}.parquet", std::process::id()));
    std::fs::write(&path, b"junk").expect("write");
    assert!(matches!(
        read_parquet(&path).map(|_| ()),
        Err(Error::Columnar { .. })
    ));
    std::fs::remove_file(&path).expect("remove");
}

#[test]
fn public_types_are_send_and_sync() {
    fn check<T: Send + Sync>() {}
    check::<EventBatchBuilder>();
    check::<EventColumns>();
    check::<postab::columnar::EventRow<'static>>();
    // The Parquet writer underneath is Send, not Sync: a sink moves
    // between threads but is written by one at a time (it takes `&mut`).
    fn send<T: Send>() {}
    send::<ParquetSink>();
    check::<postab::columnar::BulkOptions>();
    check::<postab::columnar::BulkSummary>();
    check::<postab::columnar::Depth>();
}
