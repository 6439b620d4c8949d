//! postab's SQL functions in a DataFusion `SessionContext`: bit-identical
//! to the library calls on every case of tests/data/golden-public.json they
//! cover (and within the golden file's tolerances of its reference values),
//! NULL in → NULL out, and typed errors for invalid counts.
#![cfg(feature = "datafusion")]

use postab::bayes::{BetaPosterior, BetaPrior, Posterior, expected_loss, prob_beats};
use postab::freq::{Proportion, ZTestOptions, two_proportion_ztest};
use postab::sql::datafusion::arrow::array::{Array, AsArray, RecordBatch};
use postab::sql::datafusion::arrow::datatypes::Float64Type;
use postab::sql::datafusion::error::DataFusionError;
use postab::sql::datafusion::prelude::SessionContext;
use postab::{Error, counts};
use serde_json::Value;

mod common;
use common::{cases, int, num, rel};

fn run(sql: &str) -> Result<Vec<RecordBatch>, DataFusionError> {
    let runtime =
        tokio::runtime::Runtime::new().map_err(|e| DataFusionError::External(e.into()))?;
    let ctx = SessionContext::new();
    postab::sql::register(&ctx);
    runtime.block_on(async { ctx.sql(sql).await?.collect().await })
}

/// The single row of a query, as floats (NULL as None); struct columns are
/// flattened into their fields.
fn row(sql: &str) -> Vec<Option<f64>> {
    let batches = run(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let batch = batches.iter().find(|b| b.num_rows() > 0).expect("a row");
    assert_eq!(batch.num_rows(), 1, "{sql}");
    let mut out = Vec::new();
    for c in batch.columns() {
        let floats = |a: &dyn Array| {
            let f = a.as_primitive::<Float64Type>();
            f.is_valid(0).then(|| f.value(0))
        };
        match c.data_type() {
            postab::sql::datafusion::arrow::datatypes::DataType::Struct(_) => {
                let s = c.as_struct();
                for f in s.columns() {
                    out.push(if s.is_valid(0) { floats(f) } else { None });
                }
            }
            _ => out.push(floats(c)),
        }
    }
    out
}

fn counts_of(c: &Value) -> (u64, u64, u64, u64) {
    let i = &c["input"];
    (
        int(&i["s_a"]),
        int(&i["n_a"]),
        int(&i["s_b"]),
        int(&i["n_b"]),
    )
}

fn prior_of(c: &Value) -> (f64, f64) {
    (
        num(&c["input"]["prior_alpha"]),
        num(&c["input"]["prior_beta"]),
    )
}

#[test]
fn prob_beats_golden_cases() {
    let cs = cases("golden-public.json", "beta_prob_b_beats_a");
    assert_eq!(cs.len(), 15);
    for c in &cs {
        let (s_a, n_a, s_b, n_b) = counts_of(c);
        let (pa, pb) = prior_of(c);
        let prior = BetaPrior::new(pa, pb).expect("prior");
        let a = prior.update(s_a, n_a).expect("valid");
        let b = prior.update(s_b, n_b).expect("valid");
        let lib = prob_beats(&a, &b).b_beats_a;
        let got = row(&format!(
            "SELECT prob_beats({s_a}, {n_a}, {s_b}, {n_b}) AS p, \
             prob_beats({s_a}, {n_a}, {s_b}, {n_b}, {pa:?}, {pb:?}) AS p_prior"
        ));
        assert_eq!(got, [Some(lib), Some(lib)], "{}", c["id"]);
        // The golden file's tolerance (1e-10 relative) on P(B > A) where it
        // is the smaller tail; else on the complement's absolute error.
        let want = num(&c["expected"]["prob_b_beats_a_hp"]);
        if want < 0.5 {
            assert!(rel(lib, want) < 1e-10, "{}: {lib:e} vs {want:e}", c["id"]);
        } else {
            assert!((lib - want).abs() < 1e-10, "{}", c["id"]);
        }
    }
}

#[test]
fn expected_loss_golden_cases() {
    let cs = cases("golden-public.json", "beta_expected_loss");
    assert_eq!(cs.len(), 10);
    for c in &cs {
        let (s_a, n_a, s_b, n_b) = counts_of(c);
        let a = BetaPosterior::from_counts(s_a, n_a).expect("valid");
        let b = BetaPosterior::from_counts(s_b, n_b).expect("valid");
        let got = row(&format!(
            "SELECT expected_loss({s_a}, {n_a}, {s_b}, {n_b}) AS choose_b, \
             expected_loss({s_b}, {n_b}, {s_a}, {n_a}) AS choose_a"
        ));
        // Choosing B: the library's choose_b; choosing A: the same call
        // with the sides swapped.
        let (choose_b, choose_a) = (
            expected_loss(&a, &b).choose_b,
            expected_loss(&b, &a).choose_b,
        );
        assert_eq!(got, [Some(choose_b), Some(choose_a)], "{}", c["id"]);
        // The golden file's tolerance: 1e-9 relative on both losses.
        let (wb, wa) = (
            num(&c["expected"]["loss_choose_b_hp"]),
            num(&c["expected"]["loss_choose_a_hp"]),
        );
        assert!(rel(choose_b, wb) < 1e-9, "{}", c["id"]);
        assert!(rel(choose_a, wa) < 1e-9, "{}", c["id"]);
    }
}

#[test]
fn beta_interval_golden_cases() {
    let cs = cases("golden-public.json", "beta_credible_interval");
    assert_eq!(cs.len(), 8);
    for c in &cs {
        let (alpha, beta, level) = (
            num(&c["input"]["alpha"]),
            num(&c["input"]["beta"]),
            num(&c["input"]["level"]),
        );
        // As counts: the uniform prior where the shapes are integers,
        // Jeffreys' (½, ½) where they end in ½.
        let (prior, prior_sql) = if alpha.fract() == 0.0 {
            (BetaPrior::uniform(), String::new())
        } else {
            (BetaPrior::jeffreys(), ", 0.5, 0.5".to_string())
        };
        let s = (alpha - prior.alpha()) as u64;
        let n = s + (beta - prior.beta()) as u64;
        let d = prior.update(s, n).expect("valid");
        assert_eq!((d.alpha(), d.beta()), (alpha, beta), "{}", c["id"]);
        let lib = d.credible_interval(level).expect("level");
        let got = row(&format!(
            "SELECT beta_interval({s}, {n}, {level:?}{prior_sql})"
        ));
        assert_eq!(got, [Some(lib.lower), Some(lib.upper)], "{}", c["id"]);
        // The golden file's tolerance: 1e-10 relative.
        let (lo, up) = (
            num(&c["expected"]["lower_hp"]),
            num(&c["expected"]["upper_hp"]),
        );
        assert!(rel(lib.lower, lo) < 1e-10, "{}", c["id"]);
        assert!(rel(lib.upper, up) < 1e-10, "{}", c["id"]);
    }
}

#[test]
fn ztest_p_golden_cases() {
    let cs = cases("golden-public.json", "ztest_2prop_pooled");
    assert_eq!(cs.len(), 15);
    for c in &cs {
        assert_eq!(c["input"]["alternative"], "two-sided");
        let (s_a, n_a, s_b, n_b) = counts_of(c);
        let t = two_proportion_ztest(
            Proportion::new(s_a, n_a).expect("valid"),
            Proportion::new(s_b, n_b).expect("valid"),
            ZTestOptions::default(),
        )
        .expect("defined");
        let got = row(&format!("SELECT ztest_p({s_a}, {n_a}, {s_b}, {n_b})"));
        assert_eq!(got, [Some(t.p_value)], "{}", c["id"]);
        // The golden file's tolerance: 1e-10 relative.
        let want = num(&c["expected"]["p_value_hp"]);
        assert!(rel(t.p_value, want) < 1e-10, "{}", c["id"]);
    }
}

#[test]
fn columns_of_a_table_row_by_row() {
    // Many rows, columns of different integer types, evaluated in batches
    // and partitions: each row equals its own library call.
    let batches = run("SELECT s_a, n_a, s_b, n_b, prob_beats(s_a, n_a, s_b, n_b) AS p \
         FROM (VALUES (CAST(3 AS INT), CAST(40 AS BIGINT), CAST(7 AS SMALLINT), arrow_cast(40, 'UInt32')), \
                      (0, 10, 0, 10), (120, 1000, 150, 1000), (5, 5, 0, 5)) \
              AS t(s_a, n_a, s_b, n_b)")
    .expect("query");
    let mut seen = 0;
    for b in &batches {
        for i in 0..b.num_rows() {
            let get = |k: usize| {
                postab::sql::datafusion::arrow::compute::cast(
                    b.column(k),
                    &postab::sql::datafusion::arrow::datatypes::DataType::UInt64,
                )
                .expect("cast")
                .as_primitive::<postab::sql::datafusion::arrow::datatypes::UInt64Type>()
                .value(i)
            };
            let a = BetaPosterior::from_counts(get(0), get(1)).expect("valid");
            let bb = BetaPosterior::from_counts(get(2), get(3)).expect("valid");
            let p = b.column(4).as_primitive::<Float64Type>().value(i);
            assert_eq!(p, prob_beats(&a, &bb).b_beats_a);
            seen += 1;
        }
    }
    assert_eq!(seen, 4);
}

#[test]
fn null_in_null_out() {
    for sql in [
        "SELECT prob_beats(NULL, 40, 7, 40)",
        "SELECT prob_beats(3, 40, 7, CAST(NULL AS BIGINT))",
        "SELECT prob_beats(3, 40, 7, 40, NULL, 1.0)",
        "SELECT expected_loss(3, NULL, 7, 40)",
        "SELECT ztest_p(3, 40, NULL, 40)",
    ] {
        assert_eq!(row(sql), [None], "{sql}");
    }
    assert_eq!(row("SELECT beta_interval(NULL, 40, 0.95)"), [None, None]);
    assert_eq!(row("SELECT beta_interval(3, 40, NULL)"), [None, None]);
    // NULL where the z-test is undefined: no trials, or no successes at all.
    assert_eq!(row("SELECT ztest_p(0, 0, 7, 40)"), [None]);
    assert_eq!(row("SELECT ztest_p(0, 40, 0, 40)"), [None]);
    // A column with NULLs among values.
    let batches =
        run("SELECT prob_beats(s, 40, 7, 40) AS p FROM (VALUES (3), (NULL), (5)) AS t(s)")
            .expect("query");
    let ps: Vec<Option<f64>> = batches
        .iter()
        .flat_map(|b| {
            let a = b.column(0).as_primitive::<Float64Type>();
            (0..a.len())
                .map(|i| a.is_valid(i).then(|| a.value(i)))
                .collect::<Vec<_>>()
        })
        .collect();
    assert_eq!(ps.len(), 3);
    assert_eq!(ps.iter().filter(|p| p.is_none()).count(), 1);
}

/// The postab error inside a DataFusion error.
fn postab_error(e: &DataFusionError) -> Option<Error> {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if let Some(p) = s.downcast_ref::<Error>() {
            return Some(p.clone());
        }
        if let Some(DataFusionError::External(inner)) = s.downcast_ref::<DataFusionError>()
            && let Some(p) = inner.downcast_ref::<Error>()
        {
            return Some(p.clone());
        }
        source = s.source();
    }
    None
}

#[test]
fn invalid_counts_are_typed_errors() {
    let err = run("SELECT prob_beats(50, 40, 7, 40)").expect_err("s > n");
    assert_eq!(
        postab_error(&err),
        Some(Error::SuccessesExceedTrials {
            variant: "A".into(),
            successes: 50,
            trials: 40
        }),
        "{err}"
    );
    assert!(err.to_string().contains("50"), "{err}");
    let err = run("SELECT ztest_p(3, 40, 41, 40)").expect_err("s > n");
    assert!(
        matches!(postab_error(&err), Some(Error::SuccessesExceedTrials { ref variant, successes: 41, trials: 40 }) if variant == "B"),
        "{err}"
    );
    let err = run("SELECT expected_loss(-1, 40, 7, 40)").expect_err("negative");
    assert!(
        matches!(postab_error(&err), Some(Error::InvalidParameter { name: "successes", value, .. }) if value == -1.0),
        "{err}"
    );
    let err = run("SELECT beta_interval(3, 40, 1.5)").expect_err("level");
    assert!(
        matches!(postab_error(&err), Some(Error::InvalidParameter { .. })),
        "{err}"
    );
    let err = run("SELECT beta_interval(3, 2, 0.95)").expect_err("s > n");
    assert!(
        matches!(
            postab_error(&err),
            Some(Error::SuccessesExceedTrials { .. })
        ),
        "{err}"
    );
    // Wrong types and arities are planning errors naming the function.
    let err = run("SELECT prob_beats(3.5, 40, 7, 40)").expect_err("float count");
    assert!(err.to_string().contains("prob_beats"), "{err}");
    let err = run("SELECT ztest_p(3, 40, 7)").expect_err("arity");
    assert!(
        err.to_string().contains("ztest_p(s_a, n_a, s_b, n_b)"),
        "{err}"
    );
}

#[test]
fn counts_aggregate_follows_postab_counts() {
    // Aliases add up; NULL rows are skipped; partial aggregates merge.
    let sql = "SELECT v, postab_counts(o, n) AS c FROM (VALUES \
        ('a', 'impressions', 100), ('a', 'impression', 20), ('a', 'click', 3), \
        ('a', 'link_clicks', 1), ('a', NULL, 5), ('a', 'likes', NULL), \
        ('b', 'Retweets', 2), ('b', 'impressions', 7)) AS t(v, o, n) GROUP BY v ORDER BY v";
    let batches = run(sql).expect("query");
    let mut got = Vec::new();
    for b in &batches {
        let c = b.column(1).as_struct();
        for i in 0..b.num_rows() {
            let mut counts = postab::Counts::new();
            for o in postab::Outcome::builtins() {
                let n = c
                    .column_by_name(o.name())
                    .expect("field")
                    .as_primitive::<postab::sql::datafusion::arrow::datatypes::UInt64Type>()
                    .value(i);
                counts.add_count(&o, n).expect("no overflow");
            }
            got.push(counts);
        }
    }
    assert_eq!(
        got,
        [
            counts! { impressions: 120, clicks: 4 },
            counts! { impressions: 7, reposts: 2 }
        ]
    );
    let err = run("SELECT postab_counts(o, n) FROM (VALUES ('signups', 1)) AS t(o, n)")
        .expect_err("custom outcome");
    assert!(
        matches!(postab_error(&err), Some(Error::BadColumn { .. })),
        "{err}"
    );
    let err = run("SELECT postab_counts(o, n) FROM (VALUES ('clicks', -1)) AS t(o, n)")
        .expect_err("negative");
    assert!(
        matches!(
            postab_error(&err),
            Some(Error::InvalidParameter { name: "n", .. })
        ),
        "{err}"
    );
    let err = run(&format!(
        "SELECT postab_counts(o, n) FROM (VALUES ('clicks', {m}), ('clicks', {m}), ('clicks', {m})) AS t(o, n)",
        m = i64::MAX
    ))
    .expect_err("overflow");
    assert!(
        matches!(postab_error(&err), Some(Error::CountOverflow { .. })),
        "{err}"
    );
}
