//! Bulk analysis: every number equals the library call it names, error
//! rows never stop a run, order and results do not depend on the number of
//! threads, and Parquet in and out works.
#![cfg(feature = "arrow")]

use std::sync::Arc;

use postab::bayes::{BetaPosterior, BetaPrior, Posterior, prob_beats, rank};
use postab::columnar::arrow::array::{
    Array, ArrayRef, AsArray, BooleanArray, Int64Array, RecordBatch, StringArray, UInt32Array,
};
use postab::columnar::arrow::compute::cast;
use postab::columnar::arrow::datatypes::{DataType, Float64Type, Int64Type};
use postab::columnar::{
    BulkOptions, Depth, ParquetSink, analyze_batches, analyze_parquet, read_parquet, results_schema,
};
use postab::freq::{Proportion, ZTestOptions, two_proportion_ztest};
use postab::repeated::{post_bayes, post_ratio_test};

fn strings(xs: &[&str]) -> ArrayRef {
    Arc::new(StringArray::from(xs.to_vec()))
}

fn ints(xs: &[i64]) -> ArrayRef {
    Arc::new(Int64Array::from(xs.to_vec()))
}

fn table(exps: &[&str], variants: &[&str], s: &[i64], n: &[i64]) -> RecordBatch {
    RecordBatch::try_from_iter([
        ("experiment", strings(exps)),
        ("variant", strings(variants)),
        ("successes", ints(s)),
        ("trials", ints(n)),
    ])
    .expect("batch")
}

/// One result row, decoded.
#[derive(Debug, Clone, PartialEq)]
struct Row {
    experiment: String,
    variant: String,
    control: bool,
    posts: Option<i64>,
    successes: Option<i64>,
    trials: Option<i64>,
    floats: Vec<Option<f64>>,
    error: Option<String>,
}

const FLOATS: [&str; 10] = [
    "prob_best",
    "expected_loss",
    "ci_lower",
    "ci_upper",
    "prob_beats_control",
    "p_value",
    "post_prob_better",
    "post_ratio_lower",
    "post_ratio_upper",
    "post_p_value",
];

impl Row {
    fn get(&self, name: &str) -> Option<f64> {
        self.floats[FLOATS.iter().position(|&f| f == name).expect("column")]
    }
}

fn rows(batches: &[RecordBatch]) -> Vec<Row> {
    let mut out = Vec::new();
    for b in batches {
        assert_eq!(b.schema(), results_schema());
        let text =
            |name: &str| cast(b.column_by_name(name).expect(name), &DataType::Utf8).expect("utf8");
        let (e, v, err) = (text("experiment"), text("variant"), text("error"));
        let int = |name: &str| {
            b.column_by_name(name)
                .expect(name)
                .as_primitive::<Int64Type>()
                .clone()
        };
        let (posts, s, n) = (int("posts"), int("successes"), int("trials"));
        let control = b
            .column_by_name("control")
            .expect("control")
            .as_boolean()
            .clone();
        for i in 0..b.num_rows() {
            let opt = |a: &Int64Array| a.is_valid(i).then(|| a.value(i));
            out.push(Row {
                experiment: e.as_string::<i32>().value(i).to_string(),
                variant: v.as_string::<i32>().value(i).to_string(),
                control: control.value(i),
                posts: opt(&posts),
                successes: opt(&s),
                trials: opt(&n),
                floats: FLOATS
                    .iter()
                    .map(|f| {
                        let a = b.column_by_name(f).expect(f).as_primitive::<Float64Type>();
                        a.is_valid(i).then(|| a.value(i))
                    })
                    .collect(),
                error: err
                    .as_string::<i32>()
                    .is_valid(i)
                    .then(|| err.as_string::<i32>().value(i).to_string()),
            });
        }
    }
    out
}

fn analyse(
    input: Vec<RecordBatch>,
    options: &BulkOptions,
) -> (Vec<Row>, postab::columnar::BulkSummary) {
    let mut out = Vec::new();
    let summary = analyze_batches(input.into_iter().map(Ok), options, |b| {
        out.push(b);
        Ok(())
    })
    .expect("run");
    (rows(&out), summary)
}

#[test]
fn results_equal_the_library_calls() {
    let input = table(
        &["cta", "cta", "three", "three", "three"],
        &["question", "statement", "a", "b", "c"],
        &[15, 33, 30, 41, 25],
        &[2_140, 1_457, 1_000, 1_010, 990],
    );
    let (rows, summary) = analyse(vec![input], &BulkOptions::new());
    assert_eq!(
        (summary.experiments, summary.rows, summary.failed),
        (2, 5, 0)
    );
    for (exp, range, counts) in [
        ("cta", 0..2, vec![(15, 2_140), (33, 1_457)]),
        ("three", 2..5, vec![(30, 1_000), (41, 1_010), (25, 990)]),
    ] {
        let d: Vec<BetaPosterior> = counts
            .iter()
            .map(|&(s, n)| BetaPosterior::from_counts(s, n).expect("valid"))
            .collect();
        let r = rank(&d).expect("rank");
        for (k, row) in rows[range].iter().enumerate() {
            assert_eq!(row.experiment, exp);
            assert_eq!(row.control, k == 0, "the first variant is the control");
            assert_eq!(row.posts, None);
            assert_eq!(
                (row.successes, row.trials),
                (Some(counts[k].0 as i64), Some(counts[k].1 as i64))
            );
            assert_eq!(row.get("prob_best"), Some(r.prob_best[k]));
            assert_eq!(row.get("expected_loss"), Some(r.expected_loss[k]));
            let ci = d[k].credible_interval(0.95).expect("level");
            assert_eq!(
                (row.get("ci_lower"), row.get("ci_upper")),
                (Some(ci.lower), Some(ci.upper))
            );
            if k == 0 {
                assert_eq!(row.get("prob_beats_control"), None);
                assert_eq!(row.get("p_value"), None);
            } else {
                assert_eq!(
                    row.get("prob_beats_control"),
                    Some(prob_beats(&d[0], &d[k]).b_beats_a)
                );
                let z = two_proportion_ztest(
                    Proportion::new(counts[0].0, counts[0].1).expect("valid"),
                    Proportion::new(counts[k].0, counts[k].1).expect("valid"),
                    ZTestOptions::default(),
                )
                .expect("z");
                assert_eq!(row.get("p_value"), Some(z.p_value));
            }
            for f in [
                "post_prob_better",
                "post_ratio_lower",
                "post_ratio_upper",
                "post_p_value",
            ] {
                assert_eq!(row.get(f), None);
            }
            assert_eq!(row.error, None);
        }
    }
}

#[test]
fn options_change_what_is_computed() {
    let input = table(&["e", "e"], &["a", "b"], &[3, 7], &[40, 40]);
    let options = BulkOptions::new()
        .depth(Depth::Bayesian)
        .level(0.9)
        .expect("level")
        .prior(BetaPrior::jeffreys());
    let (rows, _) = analyse(vec![input], &options);
    let d = [
        BetaPrior::jeffreys().update(3, 40).expect("valid"),
        BetaPrior::jeffreys().update(7, 40).expect("valid"),
    ];
    let r = rank(&d).expect("rank");
    for (k, row) in rows.iter().enumerate() {
        let ci = d[k].credible_interval(0.9).expect("level");
        assert_eq!(row.get("prob_best"), Some(r.prob_best[k]));
        assert_eq!(row.get("ci_lower"), Some(ci.lower));
        assert_eq!(row.get("prob_beats_control"), None, "Bayesian depth");
        assert_eq!(row.get("p_value"), None, "Bayesian depth");
    }
    assert!(BulkOptions::new().level(1.0).is_err());
    assert!(BulkOptions::new().chunk_size(0).is_err());
    let json = serde_json::to_string(&options).expect("serialise");
    let back: BulkOptions = serde_json::from_str(&json).expect("read back");
    assert_eq!(back, options);
    assert!(serde_json::from_str::<BulkOptions>(&json.replace("0.9", "1.9")).is_err());
}

#[test]
fn bad_experiments_get_error_rows_and_the_run_goes_on() {
    let input = table(
        &[
            "ok1", "ok1", "lonely", "over", "over", "neg", "neg", "ok2", "ok2",
        ],
        &["a", "b", "only", "a", "b", "a", "b", "a", "b"],
        &[3, 7, 1, 50, 7, -1, 2, 10, 12],
        &[40, 40, 10, 40, 40, 40, 40, 100, 100],
    );
    let two_controls = RecordBatch::try_from_iter([
        ("experiment", strings(&["ctl", "ctl"])),
        ("variant", strings(&["a", "b"])),
        (
            "control",
            Arc::new(BooleanArray::from(vec![true, true])) as ArrayRef,
        ),
        ("successes", ints(&[1, 2])),
        ("trials", ints(&[10, 10])),
    ])
    .expect("batch");
    // "ok1" again after other experiments: not contiguous.
    let again = table(&["ok1", "ok1"], &["a", "b"], &[1, 1], &[5, 5]);
    let (rows, summary) = analyse(
        vec![input, two_controls, again],
        &BulkOptions::new().threads(2),
    );
    assert_eq!(summary.experiments, 7);
    assert_eq!(summary.failed, 5);
    assert_eq!(summary.rows as usize, rows.len());
    let error = |exp: &str| {
        let rs: Vec<&Row> = rows.iter().filter(|r| r.experiment == exp).collect();
        assert!(!rs.is_empty(), "{exp}");
        rs.last().and_then(|r| r.error.clone())
    };
    assert_eq!(error("ok2"), None);
    assert!(
        error("lonely").expect("error").contains("variant"),
        "{:?}",
        error("lonely")
    );
    let over = error("over").expect("error");
    assert!(over.contains("50") && over.contains("\"a\""), "{over}");
    assert!(error("neg").expect("error").contains("-1"));
    assert!(error("ctl").expect("error").contains("control"));
    assert!(error("ok1").expect("error").contains("not contiguous"));
    // Error rows carry no statistics.
    for r in rows.iter().filter(|r| r.error.is_some()) {
        assert!(r.floats.iter().all(Option::is_none), "{r:?}");
    }
    // The first "ok1" (before the repeat) was analysed.
    assert_eq!(rows[0].error, None);
    assert!(rows[0].get("prob_best").is_some());
}

/// With the input declared sorted, the contiguity check is a comparison
/// with the previous id: sorted input passes, an id below its predecessor
/// (a repeat, or plain disorder) gets an error row, and the rest of the run
/// goes on.
#[test]
fn sorted_input_is_checked_in_constant_memory() {
    let sorted = table(
        &["a1", "a1", "b2", "b2", "c3", "c3"],
        &["a", "b", "a", "b", "a", "b"],
        &[3, 7, 1, 2, 5, 5],
        &[40, 40, 10, 10, 50, 50],
    );
    let options = BulkOptions::new().threads(2).sorted(true);
    let (_, summary) = analyse(vec![sorted.clone()], &options);
    assert_eq!((summary.experiments, summary.failed), (3, 0));
    // "b2" again after "c3", then "d4" (in order again).
    let late = table(
        &["b2", "b2", "d4", "d4"],
        &["a", "b", "a", "b"],
        &[1, 1, 2, 3],
        &[5, 5, 9, 9],
    );
    let (rows, summary) = analyse(vec![sorted, late], &options);
    assert_eq!((summary.experiments, summary.failed), (5, 1));
    let errors: Vec<&str> = rows.iter().filter_map(|r| r.error.as_deref()).collect();
    assert!(
        errors
            .iter()
            .all(|e| e.contains("\"b2\" comes after \"c3\"")),
        "{errors:?}"
    );
    assert_eq!(errors.len(), 2, "both rows of the late b2");
    let d4: Vec<&Row> = rows.iter().filter(|r| r.experiment == "d4").collect();
    assert!(d4.iter().all(|r| r.error.is_none()));
    // The option survives serde.
    let json = serde_json::to_string(&options).expect("json");
    let back: BulkOptions = serde_json::from_str(&json).expect("back");
    assert_eq!(back, options);
}

#[test]
fn controls_and_lenient_types() {
    // Dictionary ids, unsigned counts, a marked control in second place.
    let dict = |xs: &[&str]| {
        cast(
            &strings(xs),
            &DataType::Dictionary(Box::new(DataType::UInt16), Box::new(DataType::Utf8)),
        )
        .expect("dict")
    };
    let input = RecordBatch::try_from_iter([
        ("experiment", dict(&["e", "e"])),
        ("variant", dict(&["new", "old"])),
        (
            "control",
            Arc::new(BooleanArray::from(vec![Some(false), Some(true)])) as ArrayRef,
        ),
        (
            "successes",
            Arc::new(UInt32Array::from(vec![12, 9])) as ArrayRef,
        ),
        (
            "trials",
            Arc::new(UInt32Array::from(vec![100, 100])) as ArrayRef,
        ),
    ])
    .expect("batch");
    let (rows, _) = analyse(vec![input], &BulkOptions::new());
    assert_eq!((rows[0].control, rows[1].control), (false, true));
    let (old, new) = (
        BetaPosterior::from_counts(9, 100).expect("valid"),
        BetaPosterior::from_counts(12, 100).expect("valid"),
    );
    assert_eq!(
        rows[0].get("prob_beats_control"),
        Some(prob_beats(&old, &new).b_beats_a)
    );
    assert_eq!(rows[1].get("prob_beats_control"), None);
    // A missing column stops the run with a typed error.
    let bad = RecordBatch::try_from_iter([("experiment", strings(&["e"]))]).expect("batch");
    let err = analyze_batches([Ok(bad)], &BulkOptions::new(), |_| Ok(())).expect_err("missing");
    assert!(
        matches!(err, postab::Error::BadColumn { ref column, .. } if column == "variant"),
        "{err}"
    );
}

#[test]
fn post_level_results_equal_the_repeated_functions() {
    let posts_a = [(31, 1_500), (22, 1_100), (45, 2_000), (18, 950)];
    let posts_b = [(35, 1_450), (24, 1_200), (49, 2_100)];
    let mut e = Vec::new();
    let mut v = Vec::new();
    let mut p = Vec::new();
    let mut s = Vec::new();
    let mut n = Vec::new();
    for (variant, posts) in [("a", &posts_a[..]), ("b", &posts_b[..])] {
        for (i, &(y, m)) in posts.iter().enumerate() {
            e.push("posts");
            v.push(variant);
            p.push(format!("{variant}{i}"));
            s.push(y);
            n.push(m);
        }
    }
    let post_ids: Vec<&str> = p.iter().map(String::as_str).collect();
    let input = RecordBatch::try_from_iter([
        ("experiment", strings(&e)),
        ("variant", strings(&v)),
        ("post", strings(&post_ids)),
        ("successes", ints(&s)),
        ("trials", ints(&n)),
    ])
    .expect("batch");
    let (rows, _) = analyse(vec![input], &BulkOptions::new());
    let props = |xs: &[(i64, i64)]| -> Vec<Proportion> {
        xs.iter()
            .map(|&(y, m)| Proportion::new(y as u64, m as u64).expect("valid"))
            .collect()
    };
    let (a, b) = (props(&posts_a), props(&posts_b));
    let h = post_bayes(&a, &b, 0.95, None).expect("bayes");
    let t = post_ratio_test(&a, &b, 0.95).expect("t");
    assert_eq!(rows[0].posts, Some(4));
    assert_eq!(rows[1].posts, Some(3));
    assert_eq!(rows[1].successes, Some(35 + 24 + 49));
    assert_eq!(rows[1].get("post_prob_better"), Some(h.prob_b_better));
    assert_eq!(
        rows[1].get("post_ratio_lower"),
        Some(h.rate_ratio_credible_interval.lower)
    );
    assert_eq!(
        rows[1].get("post_ratio_upper"),
        Some(h.rate_ratio_credible_interval.upper)
    );
    assert_eq!(rows[1].get("post_p_value"), Some(t.test.p_value));
    assert_eq!(rows[0].get("post_prob_better"), None, "the control");
}

#[test]
fn threads_and_chunks_do_not_change_results() {
    // 3,000 experiments over many small batches, contiguous per experiment.
    let mut batches = Vec::new();
    for chunk in 0..30 {
        let mut e = Vec::new();
        let mut v = Vec::new();
        let mut s = Vec::new();
        let mut n = Vec::new();
        for x in 0..100 {
            let id = chunk * 100 + x;
            for (k, variant) in ["a", "b"].iter().enumerate() {
                e.push(format!("exp{id:05}"));
                v.push(*variant);
                s.push(((id * 7 + k * 13) % 50) as i64);
                n.push(((id % 17) * 10 + 60) as i64);
            }
        }
        // One experiment split across two batches.
        let e: Vec<&str> = e.iter().map(String::as_str).collect();
        batches.push(table(&e, &v, &s, &n));
    }
    let one = analyse(batches.clone(), &BulkOptions::new().threads(1)).0;
    let many = analyse(
        batches.clone(),
        &BulkOptions::new().threads(3).chunk_size(7).expect("chunk"),
    )
    .0;
    assert_eq!(one.len(), 6_000);
    assert_eq!(one, many);
    // Batch boundaries inside an experiment: split the rows one by one.
    let singles: Vec<RecordBatch> = batches[..2]
        .iter()
        .flat_map(|b| (0..b.num_rows()).map(|i| b.slice(i, 1)).collect::<Vec<_>>())
        .collect();
    let split = analyse(singles, &BulkOptions::new()).0;
    assert_eq!(split[..], one[..400]);
}

#[test]
fn parquet_in_and_out() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::temp_dir().join(format!("postab-bulk-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let (input, output) = (dir.join("in.parquet"), dir.join("out.parquet"));
    let batch = table(
        &["e", "e", "f", "f"],
        &["a", "b", "a", "b"],
        &[3, 7, 1, 9],
        &[40, 40, 10, 10],
    );
    let mut sink = ParquetSink::create(&input, batch.schema())?;
    sink.write(&batch)?;
    sink.close()?;
    let summary = analyze_parquet(&input, &output, &BulkOptions::new())?;
    assert_eq!((summary.experiments, summary.rows), (2, 4));
    let back: Vec<RecordBatch> = read_parquet(&output)?.collect::<Result<_, _>>()?;
    let (direct, _) = analyse(vec![batch], &BulkOptions::new());
    assert_eq!(rows(&back), direct);
    // The file states each statistic's unit of analysis.
    let schema = back[0].schema();
    let unit = |c: &str| {
        schema
            .field_with_name(c)
            .expect("column")
            .metadata()
            .get(postab::columnar::UNIT_METADATA_KEY)
            .cloned()
    };
    // FLOATS: six pooled columns, then the four post-level ones.
    for (i, c) in FLOATS.iter().enumerate() {
        let want = if i < 6 { "impression" } else { "post" };
        assert_eq!(unit(c).as_deref(), Some(want), "{c}");
    }
    assert_eq!(unit("successes"), None);
    // Not a Parquet file: a typed error.
    std::fs::write(dir.join("junk.parquet"), b"not parquet")?;
    assert!(matches!(
        analyze_parquet(
            dir.join("junk.parquet"),
            dir.join("o.parquet"),
            &BulkOptions::new()
        ),
        Err(postab::Error::Columnar { .. })
    ));
    std::fs::remove_dir_all(&dir)?;
    Ok(())
}
