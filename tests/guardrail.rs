//! Decisions across metrics ([`postab::guardrail`]) and the tests under
//! them: proportion tests against a non-zero null
//! ([`postab::freq::proportions_null_test`]) against statsmodels 0.15.0
//! `test_proportions_2indep` and mpmath (tests/data/noninferiority_reference.py).
//!
//! Tolerances of the reference test: p-values within 1e-12 relative of
//! mpmath (the same formula at 60 digits) and statistics within 1e-12
//! relative or 1e-13 absolute (a statistic near 0 is a difference that
//! cancels); p-values within 1e-9 relative of statsmodels' own numbers,
//! except the score test of a difference, where statsmodels' restricted
//! MLE is wrong (its issue #10269) and the reference is the true
//! restricted MLE (the script checks statsmodels against its own cubic).

use postab::Error;
use postab::freq::{Alternative, NullTestMethod, NullValue, Proportion, proportions_null_test};
use serde_json::Value;

const NONINF: &str = include_str!("data/noninferiority_reference.json");

fn rel(x: f64, y: f64) -> f64 {
    if x == y {
        0.0
    } else {
        (x - y).abs() / y.abs().max(f64::MIN_POSITIVE)
    }
}

fn num(v: &Value) -> f64 {
    match v {
        Value::String(s) => s.parse().expect("number"),
        v => v.as_f64().expect("number"),
    }
}

fn prop(v: &Value) -> Proportion {
    Proportion::new(v[0].as_u64().unwrap(), v[1].as_u64().unwrap()).unwrap()
}

fn method(c: &Value) -> NullTestMethod {
    match (
        c["method"].as_str().unwrap(),
        c["correction"].as_bool().unwrap(),
    ) {
        ("wald", _) => NullTestMethod::Wald,
        ("agresti-caffo", _) => NullTestMethod::AgrestiCaffo,
        ("score", true) => NullTestMethod::Score,
        ("score", false) => NullTestMethod::ScoreUncorrected,
        ("log", _) => NullTestMethod::Log,
        ("log-adjusted", _) => NullTestMethod::LogAdjusted,
        (m, _) => panic!("method {m}"),
    }
}

fn alternative(c: &Value) -> Alternative {
    match c["alternative"].as_str().unwrap() {
        "two-sided" => Alternative::TwoSided,
        "larger" => Alternative::Larger,
        "smaller" => Alternative::Smaller,
        a => panic!("alternative {a}"),
    }
}

#[test]
fn null_tests_match_statsmodels_and_mpmath() {
    let doc: Value = serde_json::from_str(NONINF).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() > 300);
    // worst relative error per method: (vs mpmath, vs statsmodels)
    let mut worst: std::collections::BTreeMap<String, (f64, f64)> = Default::default();
    for c in cases {
        let id = c["id"].as_str().unwrap();
        let value = num(&c["value"]);
        let null = match c["compare"].as_str().unwrap() {
            "diff" => NullValue::Difference(value),
            _ => NullValue::Ratio(value),
        };
        let m = method(c);
        let t = proportions_null_test(prop(&c["a"]), prop(&c["b"]), null, m, alternative(c))
            .unwrap_or_else(|e| panic!("{id}: {e}"));
        let (z, p) = (
            num(&c["expected"]["statistic"]),
            num(&c["expected"]["p_value"]),
        );
        let ez = if (t.statistic - z).abs() <= 1e-13 {
            0.0
        } else {
            rel(t.statistic, z)
        };
        let ep = rel(t.p_value, p);
        assert!(ez <= 1e-12, "{id}: z {} vs {z} ({ez:.1e})", t.statistic);
        assert!(ep <= 1e-12, "{id}: p {} vs {p} ({ep:.1e})", t.p_value);
        let sm = num(&c["statsmodels"]["p_value"]);
        let esm = rel(t.p_value, sm);
        if !c["statsmodels_bug_10269"].as_bool().unwrap() {
            assert!(
                esm <= 1e-9,
                "{id}: p {} vs statsmodels {sm} ({esm:.1e})",
                t.p_value
            );
        }
        let key = format!(
            "{} {}",
            c["compare"].as_str().unwrap(),
            m.statsmodels_name()
        );
        let w = worst.entry(key).or_default();
        w.0 = w.0.max(ez).max(ep);
        w.1 = w.1.max(esm);
    }
    for (k, (mp, sm)) in worst {
        eprintln!("{k}: worst relative error vs mpmath {mp:.1e}, vs statsmodels {sm:.1e}");
    }
}

#[test]
fn null_test_bad_inputs_are_typed_errors() {
    let a = Proportion::new(41, 20_000).unwrap();
    let b = Proportion::new(47, 20_300).unwrap();
    let t = |null, m| proportions_null_test(a, b, null, m, Alternative::Larger);
    for d in [1.0, -1.0, 2.0, f64::NAN] {
        assert!(matches!(
            t(NullValue::Difference(d), NullTestMethod::Score),
            Err(Error::InvalidParameter {
                name: "null difference",
                ..
            })
        ));
    }
    for r in [0.0, -0.5, f64::INFINITY, f64::NAN] {
        assert!(matches!(
            t(NullValue::Ratio(r), NullTestMethod::Score),
            Err(Error::InvalidParameter {
                name: "null ratio",
                ..
            })
        ));
    }
    let e = t(NullValue::Ratio(1.1), NullTestMethod::Wald).unwrap_err();
    assert!(matches!(
        e,
        Error::MethodNotApplicable {
            effect: "ratio",
            ..
        }
    ));
    assert!(e.to_string().contains("wald"), "{e}");
    assert!(matches!(
        t(NullValue::Difference(0.001), NullTestMethod::LogAdjusted),
        Err(Error::MethodNotApplicable {
            effect: "difference",
            ..
        })
    ));
    // Successes above trials and zero trials never reach the test.
    assert!(matches!(
        Proportion::new(5, 4),
        Err(Error::SuccessesExceedTrials { .. })
    ));
    assert!(Proportion::new(0, 0).is_err());
    // Undefined statistics: no successes anywhere (Wald), log of 0.
    let zero = Proportion::new(0, 500).unwrap();
    assert!(matches!(
        proportions_null_test(
            zero,
            zero,
            NullValue::Difference(0.01),
            NullTestMethod::Wald,
            Alternative::Smaller
        ),
        Err(Error::Undefined { .. })
    ));
    assert!(matches!(
        proportions_null_test(
            a,
            zero,
            NullValue::Ratio(1.1),
            NullTestMethod::Log,
            Alternative::Smaller
        ),
        Err(Error::Undefined { .. })
    ));
    // ... the adjusted log ratio and the score test are defined there.
    let none = Proportion::new(0, 20_000).unwrap();
    for m in [NullTestMethod::LogAdjusted, NullTestMethod::Score] {
        let r =
            proportions_null_test(a, none, NullValue::Ratio(1.1), m, Alternative::Smaller).unwrap();
        assert!(r.p_value < 0.01, "{m:?}: {r}");
    }
    // Serde round trip, and a document with a mismatched method is refused.
    let r = t(NullValue::Ratio(0.9), NullTestMethod::Score).unwrap();
    let json = serde_json::to_string(&r).unwrap();
    assert_eq!(
        serde_json::from_str::<postab::freq::NullTest>(&json).unwrap(),
        r
    );
    let bad = json.replace("\"score\"", "\"wald\"");
    assert!(serde_json::from_str::<postab::freq::NullTest>(&bad).is_err());
    assert!(r.to_string().contains("p_B / p_A = 0.9"), "{r}");
}
