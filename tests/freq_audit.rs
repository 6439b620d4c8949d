//! Audit of `postab::freq` (the parts that freq_golden.rs and
//! freq_reference.rs do not cover) and of `Experiment::analyze` with 3 and 4
//! variants, against tests/data/audit-freq.json (made by
//! tests/data/gen_audit_freq.py: mpmath at 50 digits, exact binomial and
//! Poisson tails, cross-checked with scipy 1.17 / statsmodels 0.15; every case
//! names its source).
//!
//! Each test checks every case of its kind, collects all misses and reports
//! them together, with the worst error seen per quantity (printed with
//! `--nocapture`). Tolerances are stated next to each check: `tol(rel, abs)`
//! passes when |got − want| ≤ rel·|want| or ≤ abs.

use postab::analysis::{Analysis, AnalysisOptions, FittedPosterior, Model};
use postab::bayes::Posterior;
use postab::freq::*;
use postab::{Experiment, Metric, Outcome, counts};
use serde_json::Value;

mod common;
use common::{cases, int as u, num, table};

const FILE: &str = "audit-freq.json";

/// Accumulates comparisons: worst relative error per quantity and misses.
struct Audit {
    kind: &'static str,
    worst: Vec<(String, f64)>,
    misses: Vec<String>,
    checks: usize,
}

impl Audit {
    fn new(kind: &'static str) -> Self {
        Self {
            kind,
            worst: Vec::new(),
            misses: Vec::new(),
            checks: 0,
        }
    }

    /// |got − want| ≤ rel·|want| or ≤ abs; both infinite of the same sign
    /// count as equal. The error recorded is relative (absolute when
    /// want = 0).
    fn close(&mut self, id: &str, what: &str, got: f64, want: f64, rel: f64, abs: f64) {
        self.checks += 1;
        let diff = (got - want).abs();
        let ok = got == want || diff <= rel * want.abs() || diff <= abs;
        // Worst error in the measure that decides: relative where the
        // relative tolerance dominates, absolute (key marked "abs") elsewhere.
        let (key, err) = if got == want {
            (what.to_string(), 0.0)
        } else if want.is_finite() && want != 0.0 && rel * want.abs() >= abs {
            (what.to_string(), diff / want.abs())
        } else {
            (format!("{what} (abs)"), diff)
        };
        match self.worst.iter_mut().find(|(k, _)| *k == key) {
            Some((_, w)) => {
                // a NaN error (NaN result) must show as the worst
                if err > *w || err.is_nan() {
                    *w = err
                }
            }
            None => self.worst.push((key, err)),
        }
        if !ok {
            self.misses.push(format!(
                "{id} {what}: got {got:e}, want {want:e} (err {err:.2e}; tol rel {rel:e} abs {abs:e})"
            ));
        }
    }

    fn same<T: PartialEq + std::fmt::Debug>(&mut self, id: &str, what: &str, got: T, want: T) {
        self.checks += 1;
        if got != want {
            self.misses
                .push(format!("{id} {what}: got {got:?}, want {want:?}"));
        }
    }

    fn fail(&mut self, id: &str, msg: String) {
        self.checks += 1;
        self.misses.push(format!("{id}: {msg}"));
    }

    #[track_caller]
    fn finish(self) {
        eprintln!("[{}] {} checks", self.kind, self.checks);
        for (k, w) in &self.worst {
            eprintln!("  worst {k}: {w:.2e}");
        }
        assert!(self.checks > 0, "no checks for {}", self.kind);
        assert!(
            self.misses.is_empty(),
            "{} of {} checks of {} missed:\n{}",
            self.misses.len(),
            self.checks,
            self.kind,
            self.misses.join("\n")
        );
    }
}

fn id(c: &Value) -> String {
    c["id"].as_str().expect("id").to_string()
}

fn alt(v: &Value) -> Alternative {
    match v.as_str().expect("alternative") {
        "two-sided" => Alternative::TwoSided,
        "larger" => Alternative::Larger,
        "smaller" => Alternative::Smaller,
        other => panic!("alternative {other}"),
    }
}

fn rate(v: &Value) -> RateCount {
    RateCount::new(u(&v[0]), num(&v[1])).expect("rate count")
}

fn prop(v: &Value) -> Proportion {
    Proportion::new(u(&v[0]), u(&v[1])).expect("proportion")
}

fn undefined(c: &Value) -> bool {
    c["expected"]["undefined"] == true
}

// ---------------------------------------------------------------------------
// Poisson tests and intervals
// ---------------------------------------------------------------------------

/// p-values: 1e-9 relative (exact tails of Binomial(c_A + c_B, π)); score z:
/// 1e-12 relative, 1e-13 absolute.
#[test]
fn poisson_rate_tests() {
    let mut a = Audit::new("poisson_test");
    for c in cases(FILE, "poisson_test") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let method = match i["method"].as_str().unwrap() {
            "exact" => PoissonTestMethod::ExactConditional,
            _ => PoissonTestMethod::Score,
        };
        let t = poisson_rate_test(
            rate(&i["a"]),
            rate(&i["b"]),
            num(&i["null_ratio"]),
            alt(&i["alternative"]),
            method,
        );
        let t = match t {
            Ok(t) => t,
            Err(err) => {
                a.fail(&cid, format!("error {err}"));
                continue;
            }
        };
        let what = |s: &str| format!("{} {s}", i["method"].as_str().unwrap());
        a.close(&cid, &what("p"), t.p_value, num(&e["p_value"]), 1e-9, 0.0);
        if let Some(z) = e.get("statistic") {
            a.close(
                &cid,
                &what("z"),
                t.statistic.unwrap_or(f64::NAN),
                num(z),
                1e-12,
                1e-13,
            );
        }
    }
    // Both counts 0: the score statistic is documented as undefined.
    let zero = RateCount::new(0, 5.0).unwrap();
    assert!(matches!(
        poisson_rate_test(
            zero,
            zero,
            1.0,
            Alternative::TwoSided,
            PoissonTestMethod::Score
        ),
        Err(postab::Error::Undefined { .. })
    ));
    a.finish();
}

/// Exact conditional bounds: 1e-9 relative; Wald-log: 1e-12 relative; an
/// infinite upper bound must be +∞.
#[test]
fn rate_ratio_intervals() {
    let mut a = Audit::new("rate_ratio_ci");
    for c in cases(FILE, "rate_ratio_ci") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let (method, tol) = match i["method"].as_str().unwrap() {
            "exact" => (RateRatioCiMethod::ExactConditional, 1e-9),
            _ => (RateRatioCiMethod::WaldLog, 1e-12),
        };
        let ci = rate_ratio_ci(rate(&i["a"]), rate(&i["b"]), num(&i["level"]), method);
        let m = i["method"].as_str().unwrap();
        match (ci, undefined(&c)) {
            (Err(postab::Error::Undefined { .. }), true) => a.same(&cid, "undefined", true, true),
            (Ok(ci), false) => {
                a.close(
                    &cid,
                    &format!("{m} lower"),
                    ci.lower,
                    num(&e["lower"]),
                    tol,
                    0.0,
                );
                a.close(
                    &cid,
                    &format!("{m} upper"),
                    ci.upper,
                    num(&e["upper"]),
                    tol,
                    0.0,
                );
            }
            (other, _) => a.fail(&cid, format!("unexpected {other:?}")),
        }
    }
    a.finish();
}

/// Garwood interval: 1e-10 relative.
#[test]
fn exact_single_rate_interval() {
    let mut a = Audit::new("poisson_rate_ci");
    for c in cases(FILE, "poisson_rate_ci") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let r = RateCount::new(u(&i["count"]), num(&i["exposure"])).unwrap();
        let ci = poisson_rate_ci(r, num(&i["level"])).unwrap();
        a.close(&cid, "lower", ci.lower, num(&e["lower"]), 1e-10, 0.0);
        a.close(&cid, "upper", ci.upper, num(&e["upper"]), 1e-10, 0.0);
    }
    a.finish();
}

// ---------------------------------------------------------------------------
// Welch, G-test, ratio and odds-ratio intervals
// ---------------------------------------------------------------------------

/// t and ν: 1e-12 relative; p: 1e-9 relative; interval bounds: 1e-9 of
/// (|bound| + se).
#[test]
fn welch_cases() {
    let mut a = Audit::new("welch");
    for c in cases(FILE, "welch") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let s = |v: &Value| SampleSummary::new(num(&v[0]), num(&v[1]), u(&v[2])).unwrap();
        let t = welch_t_test(
            s(&i["a"]),
            s(&i["b"]),
            alt(&i["alternative"]),
            num(&i["level"]),
        )
        .unwrap();
        a.close(&cid, "t", t.statistic, num(&e["statistic"]), 1e-12, 0.0);
        a.close(&cid, "dof", t.dof, num(&e["dof"]), 1e-12, 0.0);
        a.close(&cid, "p", t.p_value, num(&e["p_value"]), 1e-9, 0.0);
        for (what, got, key) in [
            ("lower", t.interval.lower, "lower"),
            ("upper", t.interval.upper, "upper"),
        ] {
            let want = num(&e[key]);
            a.close(
                &cid,
                what,
                got,
                want,
                1e-9,
                1e-9 * (want.abs() + t.std_error),
            );
        }
    }
    a.finish();
}

/// G: 1e-11 relative; p: 1e-9 relative (absolute 1e-300 for underflow).
#[test]
fn g_test_cases() {
    let mut a = Audit::new("g_test");
    for c in cases(FILE, "g_test") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let rows = table(&i["table"]);
        let t = g_test(&rows).unwrap();
        a.close(&cid, "G", t.statistic, num(&e["statistic"]), 1e-11, 0.0);
        a.same(&cid, "dof", t.dof, u(&e["dof"]));
        a.close(&cid, "p", t.p_value, num(&e["p_value"]), 1e-9, 1e-300);
        if rows.len() == 2 {
            // the same table through the arms API
            let arms: Vec<Proportion> = (0..rows[0].len())
                .map(|j| Proportion::new(rows[0][j], rows[0][j] + rows[1][j]).unwrap())
                .collect();
            let t2 = g_test_arms(&arms).unwrap();
            a.close(
                &cid,
                "G arms",
                t2.statistic,
                num(&e["statistic"]),
                1e-11,
                0.0,
            );
        }
    }
    a.finish();
}

/// Log (risk ratio) and logit (odds ratio) intervals: 1e-12 relative.
#[test]
fn ratio_and_odds_ratio_intervals() {
    let mut a = Audit::new("ratio/odds_ratio_ci");
    for kind in ["ratio_ci", "odds_ratio_ci"] {
        for c in cases(FILE, kind) {
            let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
            let (pa, pb, level) = (prop(&i["a"]), prop(&i["b"]), num(&i["level"]));
            let ci = if kind == "ratio_ci" {
                ratio_ci(pa, pb, level)
            } else {
                odds_ratio_ci(pa, pb, level)
            };
            match (ci, undefined(&c)) {
                (Err(postab::Error::Undefined { .. }), true) => {
                    a.same(&cid, "undefined", true, true)
                }
                (Ok(ci), false) => {
                    a.close(
                        &cid,
                        &format!("{kind} lower"),
                        ci.lower,
                        num(&e["lower"]),
                        1e-12,
                        0.0,
                    );
                    a.close(
                        &cid,
                        &format!("{kind} upper"),
                        ci.upper,
                        num(&e["upper"]),
                        1e-12,
                        0.0,
                    );
                }
                (other, _) => a.fail(&cid, format!("unexpected {other:?}")),
            }
        }
    }
    a.finish();
}

// ---------------------------------------------------------------------------
// z-tests: one-sided, margins, continuity correction
// ---------------------------------------------------------------------------

fn ztest_of(c: &Value) -> ZTest {
    let i = &c["input"];
    let o = ZTestOptions::default()
        .with_alternative(alt(&i["alternative"]))
        .with_variance(match i["variance"].as_str().unwrap() {
            "pooled" => Variance::Pooled,
            _ => Variance::Unpooled,
        })
        .with_continuity_correction(i["continuity_correction"].as_bool().unwrap())
        .with_null_difference(num(&i["null_difference"]));
    two_proportion_ztest(prop(&i["a"]), prop(&i["b"]), o).expect("z-test")
}

fn is_fm(c: &Value) -> bool {
    c["input"]["variance"] == "pooled" && num(&c["input"]["null_difference"]) != 0.0
}

/// z: 1e-11 relative or 1e-12 absolute (z ≈ 0); p: 1e-9 relative; se: 1e-12
/// relative.
fn check_z(a: &mut Audit, c: &Value, suffix: &str) {
    let (e, cid) = (&c["expected"], id(c));
    let t = ztest_of(c);
    let key = |k: &str| format!("{k}{suffix}");
    a.close(
        &cid,
        &key("z"),
        t.statistic,
        num(&e[key("statistic")]),
        1e-11,
        1e-12,
    );
    a.close(
        &cid,
        &key("p"),
        t.p_value,
        num(&e[key("p_value")]),
        1e-9,
        0.0,
    );
    a.close(
        &cid,
        &key("se"),
        t.std_error,
        num(&e[key("std_error")]),
        1e-12,
        0.0,
    );
}

/// Every z-test case except the pooled ones with a non-zero margin
/// (Farrington–Manning), which have their own tests below.
#[test]
fn ztest_one_sided_margins_and_correction() {
    let mut a = Audit::new("ztest");
    for c in cases(FILE, "ztest").iter().filter(|c| !is_fm(c)) {
        check_z(&mut a, c, "");
    }
    a.finish();
}

/// The documented definition: the rates under H0 are the maximum-likelihood
/// estimates restricted to p_B − p_A = δ₀ (reference: bisection on the score
/// equation in mpmath). Regression test: postab once copied statsmodels'
/// closed-form cubic, which has c_A·δ₀² where the derivation gives n_A·δ₀²
/// (statsmodels issue #10269); e.g. A = 300/1000, B = 400/2000, δ₀ = −0.1
/// (observed difference equal to δ₀, so the MLE is the observed rates
/// 0.3 / 0.2) then gave p_A = 0.29639 and a standard error 0.4 % off.
#[test]
fn ztest_margin_restricted_mle() {
    let mut a = Audit::new("ztest FM vs restricted MLE");
    for c in cases(FILE, "ztest").iter().filter(|c| is_fm(c)) {
        check_z(&mut a, c, "");
    }
    a.finish();
}

// ---------------------------------------------------------------------------
// Planning: power, sample size and MDE
// ---------------------------------------------------------------------------

fn design(i: &Value) -> TestDesign {
    TestDesign::new(num(&i["baseline"]))
        .with_alpha(num(&i["alpha"]))
        .with_alternative(alt(&i["alternative"]))
        .with_ratio(num(&i["ratio"]))
        .with_formula(match i["formula"].as_str().unwrap() {
            "cohen_h" => SampleSizeFormula::CohenH,
            "cohen_h_one_tail" => SampleSizeFormula::CohenHOneTail,
            "pooled" => SampleSizeFormula::PooledNullUnpooledAlt,
            "unpooled" => SampleSizeFormula::Unpooled,
            other => panic!("formula {other}"),
        })
}

/// power: 1e-10 relative; n: 1e-10 relative and exact ceilings; MDE: target
/// rate 1e-12 relative, relative effect 1e-9 relative.
#[test]
fn power_sample_size_and_mde() {
    let mut a = Audit::new("power");
    for c in cases(FILE, "power") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let d = design(i);
        let f = i["formula"].as_str().unwrap();
        match i["what"].as_str().unwrap() {
            "power" => {
                let p = d.power(Mde::Relative(num(&i["mde_relative"])), num(&i["n"]));
                match p {
                    Ok(p) => a.close(&cid, &format!("power {f}"), p, num(&e["power"]), 1e-10, 0.0),
                    Err(err) => a.fail(&cid, format!("error {err}")),
                }
            }
            "sample_size" => {
                let n = d
                    .sample_size(Mde::Relative(num(&i["mde_relative"])), num(&i["power"]))
                    .unwrap();
                a.close(
                    &cid,
                    &format!("n {f}"),
                    n.control,
                    num(&e["control"]),
                    1e-10,
                    0.0,
                );
                a.close(
                    &cid,
                    &format!("n {f}"),
                    n.variant,
                    num(&e["variant"]),
                    1e-10,
                    0.0,
                );
                a.same(&cid, "control_ceil", n.control_ceil, u(&e["control_ceil"]));
                a.same(&cid, "variant_ceil", n.variant_ceil, u(&e["variant_ceil"]));
            }
            "mde" => match d.detectable_effect(num(&i["n"]), num(&i["power"])) {
                Ok(m) => {
                    a.close(
                        &cid,
                        &format!("mde target {f}"),
                        m.target,
                        num(&e["target"]),
                        1e-12,
                        0.0,
                    );
                    a.close(
                        &cid,
                        &format!("mde relative {f}"),
                        m.relative,
                        num(&e["relative"]),
                        1e-9,
                        0.0,
                    );
                    a.close(
                        &cid,
                        &format!("mde absolute {f}"),
                        m.absolute,
                        num(&e["absolute"]),
                        1e-9,
                        0.0,
                    );
                }
                Err(err) => a.fail(&cid, format!("error {err}")),
            },
            other => panic!("what {other}"),
        }
    }
    a.finish();
}

// ---------------------------------------------------------------------------
// Multiple comparisons and SRM
// ---------------------------------------------------------------------------

/// Adjusted p-values: 1e-14 relative (a few roundings of m·p/rank);
/// rejections at α = 0.05 exact.
#[test]
fn multiple_comparison_edges() {
    let mut a = Audit::new("multiple");
    for c in cases(FILE, "multiple") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let p: Vec<f64> = i["p_values"].as_array().unwrap().iter().map(num).collect();
        let method = match i["method"].as_str().unwrap() {
            "unadjusted" => Correction::Unadjusted,
            "bonferroni" => Correction::Bonferroni,
            "sidak" => Correction::Sidak,
            "holm" => Correction::Holm,
            "hochberg" => Correction::Hochberg,
            "bh" => Correction::BenjaminiHochberg,
            "by" => Correction::BenjaminiYekutieli,
            other => panic!("method {other}"),
        };
        let r = multiple_comparisons(&p, method, num(&i["alpha"])).unwrap();
        let want: Vec<f64> = e["adjusted"].as_array().unwrap().iter().map(num).collect();
        a.same(&cid, "length", r.adjusted.len(), want.len());
        for (g, w) in r.adjusted.iter().zip(&want) {
            a.close(&cid, &format!("{method:?}"), *g, *w, 1e-14, 0.0);
        }
        let flags: Vec<bool> = e["reject"]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_bool().unwrap())
            .collect();
        a.same(&cid, "reject", r.reject, flags);
        a.same(
            &cid,
            "adjust_p_values",
            adjust_p_values(&p, method).unwrap(),
            r.adjusted.clone(),
        );
    }
    a.finish();
}

/// Statistic: 1e-10 relative; p: 1e-9 relative (1e-300 absolute); expected
/// counts: 1e-14 relative; dof and the flag exact.
#[test]
fn srm_three_or_more_arms() {
    let mut a = Audit::new("srm");
    for c in cases(FILE, "srm") {
        let (i, e, cid) = (&c["input"], &c["expected"], id(&c));
        let obs: Vec<u64> = i["observed"].as_array().unwrap().iter().map(u).collect();
        let split: Vec<f64> = i["split"].as_array().unwrap().iter().map(num).collect();
        let r = sample_ratio_mismatch(&obs, &split).unwrap();
        a.close(
            &cid,
            "statistic",
            r.statistic,
            num(&e["statistic"]),
            1e-10,
            0.0,
        );
        a.close(&cid, "p", r.p_value, num(&e["p_value"]), 1e-9, 1e-300);
        a.same(&cid, "dof", r.dof, u(&e["dof"]));
        a.same(
            &cid,
            "mismatch",
            r.mismatch,
            e["mismatch"].as_bool().unwrap(),
        );
        for (g, w) in r.expected.iter().zip(e["expected"].as_array().unwrap()) {
            a.close(&cid, "expected", *g, num(w), 1e-14, 0.0);
        }
    }
    a.finish();
}

// ---------------------------------------------------------------------------
// Experiment::analyze with 3 and 4 variants
// ---------------------------------------------------------------------------

fn analysis_of(c: &Value) -> Analysis {
    let i = &c["input"];
    let arms = i["arms"].as_array().unwrap();
    let control = u(&i["control"]) as usize;
    let mut b = Experiment::builder(id(c));
    for k in 0..arms.len() {
        b = b.variant(format!("v{k}"), format!("post text {k}"));
    }
    let exp = b
        .control(format!("v{control}"))
        .build()
        .expect("experiment");
    let metric_name = i["metric"].as_str().unwrap();
    for (k, arm) in arms.iter().enumerate() {
        let (n, d) = (u(&arm[0]), u(&arm[1]));
        let counts = match metric_name {
            "clicks" => counts! { impressions: d, clicks: n },
            "reposts" => counts! { impressions: d, reposts: n },
            "replies" => counts! { impressions: d, replies: n },
            other => panic!("metric {other}"),
        };
        exp.add_counts(&format!("v{k}"), counts).expect("counts");
    }
    let metric = match (i["model"].as_str().unwrap(), metric_name) {
        ("rate", "clicks") => Metric::click_through(),
        ("count", "reposts") => Metric::per_exposure(
            "reposts_per_impression",
            [Outcome::Repost],
            Outcome::Impression,
        )
        .unwrap(),
        ("count", "replies") => Metric::per_exposure(
            "replies_per_impression",
            [Outcome::Reply],
            Outcome::Impression,
        )
        .unwrap(),
        other => panic!("metric {other:?}"),
    };
    let o = &i["options"];
    let mut options = AnalysisOptions::default();
    if let Some(level) = o.get("level") {
        options.level = num(level);
    }
    if let Some(c) = o.get("correction") {
        assert_eq!(c, "bh");
        options.correction = Correction::BenjaminiHochberg;
    }
    // The reference checks the sample ratio against the given split, or
    // an equal one: declared here, as a randomised exposure would be.
    options.split = Some(match o.get("split") {
        Some(split) => split.as_array().unwrap().iter().map(num).collect(),
        None => vec![1.0; arms.len()],
    });
    exp.analyze_with(&metric, &options).expect("analysis")
}

fn opt_interval(
    a: &mut Audit,
    cid: &str,
    what: &str,
    got: Option<postab::freq::Interval>,
    want: &Value,
    rel: f64,
    abs: f64,
) {
    match (got, want.is_null()) {
        (None, true) => a.same(cid, what, true, true),
        (Some(g), false) => {
            a.close(
                cid,
                &format!("{what} lower"),
                g.lower,
                num(&want[0]),
                rel,
                abs,
            );
            a.close(
                cid,
                &format!("{what} upper"),
                g.upper,
                num(&want[1]),
                rel,
                abs,
            );
        }
        (g, _) => a.fail(cid, format!("{what}: got {g:?}, want {want}")),
    }
}

/// Every number of the report against its documented definition. Tolerances:
/// rate, posterior parameters and mean 1e-15; credible and confidence
/// intervals 1e-10 relative; P(best) 1e-9 absolute (the documented accuracy
/// of the K ≥ 3 quadrature is ~1e-11); expected loss 1e-7 relative or 1e-9 of
/// the widest posterior standard deviation; P(beat control) 1e-9 relative
/// (documented: each tail with relative accuracy); difference and lift 1e-13; Newcombe interval 1e-12 relative
/// or 1e-15 absolute; exact ratio interval 1e-9 relative; p-values (raw and
/// Holm-adjusted) 1e-9 relative; SRM statistic 1e-10, p 1e-9, flag exact.
#[test]
fn analyze_three_and_four_variants() {
    let mut a = Audit::new("analysis");
    for c in cases(FILE, "analysis") {
        let (e, cid) = (&c["expected"], id(&c));
        let r = analysis_of(&c);
        let model = c["input"]["model"].as_str().unwrap();
        a.same(
            &cid,
            "model",
            r.model,
            if model == "rate" {
                Model::BetaBinomial
            } else {
                Model::GammaPoisson
            },
        );
        let want_vs = e["variants"].as_array().unwrap();
        a.same(&cid, "variants", r.variants.len(), want_vs.len());
        let max_sd = r
            .variants
            .iter()
            .map(|v| match v.posterior {
                FittedPosterior::Beta(p) => p.std_dev(),
                FittedPosterior::Gamma(p) => p.std_dev(),
                _ => f64::NAN,
            })
            .fold(0.0, f64::max);
        for (k, (v, w)) in r.variants.iter().zip(want_vs).enumerate() {
            let vid = format!("{cid} v{k}");
            a.close(&vid, "rate", v.rate, num(&w["rate"]), 1e-15, 0.0);
            let (p1, p2, mean) = match v.posterior {
                FittedPosterior::Beta(p) => (p.alpha(), p.beta(), p.mean()),
                FittedPosterior::Gamma(p) => (p.shape(), p.rate(), p.mean()),
                _ => panic!("unknown posterior family"),
            };
            a.close(&vid, "posterior params", p1, num(&w["params"][0]), 0.0, 0.0);
            a.close(&vid, "posterior params", p2, num(&w["params"][1]), 0.0, 0.0);
            a.close(&vid, "posterior mean", mean, num(&w["mean"]), 1e-15, 0.0);
            a.close(
                &vid,
                "credible lower",
                v.credible_interval.lower,
                num(&w["credible"][0]),
                1e-10,
                0.0,
            );
            a.close(
                &vid,
                "credible upper",
                v.credible_interval.upper,
                num(&w["credible"][1]),
                1e-10,
                0.0,
            );
            a.close(
                &vid,
                "confidence lower",
                v.confidence_interval.lower,
                num(&w["confidence"][0]),
                1e-10,
                0.0,
            );
            a.close(
                &vid,
                "confidence upper",
                v.confidence_interval.upper,
                num(&w["confidence"][1]),
                1e-10,
                0.0,
            );
            a.close(
                &vid,
                "P(best)",
                v.prob_best,
                num(&w["prob_best"]),
                0.0,
                1e-9,
            );
            a.close(
                &vid,
                "expected loss",
                v.expected_loss,
                num(&w["expected_loss"]),
                1e-7,
                1e-9 * max_sd,
            );
            match (&v.vs_control, w["vs_control"].is_null()) {
                (None, true) => a.same(&vid, "control", true, true),
                (Some(g), false) => {
                    let wc = &w["vs_control"];
                    a.close(
                        &vid,
                        "P(beat control)",
                        g.prob_beats_control,
                        num(&wc["prob_beats_control"]),
                        1e-9,
                        1e-300,
                    );
                    // rate_variant − rate_control of two rounded f64 rates:
                    // a few ulps of the rates, absolute
                    let ulps = 4.0 * f64::EPSILON * v.rate.abs().max(g.difference.abs());
                    a.close(
                        &vid,
                        "difference",
                        g.difference,
                        num(&wc["difference"]),
                        1e-13,
                        ulps,
                    );
                    match (g.lift, wc["lift"].is_null()) {
                        (None, true) => a.same(&vid, "lift", true, true),
                        (Some(l), false) => a.close(
                            &vid,
                            "lift",
                            l,
                            num(&wc["lift"]),
                            1e-13,
                            ulps / (v.rate - g.difference).abs(),
                        ),
                        (l, _) => a.fail(&vid, format!("lift {l:?} vs {}", wc["lift"])),
                    }
                    opt_interval(
                        &mut a,
                        &vid,
                        "Newcombe",
                        g.difference_interval,
                        &wc["difference_interval"],
                        1e-12,
                        1e-15,
                    );
                    opt_interval(
                        &mut a,
                        &vid,
                        "ratio interval",
                        g.ratio_interval,
                        &wc["ratio_interval"],
                        1e-9,
                        0.0,
                    );
                    a.close(&vid, "p", g.p_value, num(&wc["p_value"]), 1e-9, 0.0);
                    a.close(
                        &vid,
                        "adjusted p",
                        g.adjusted_p_value,
                        num(&wc["adjusted_p_value"]),
                        1e-9,
                        0.0,
                    );
                }
                (g, _) => a.fail(&vid, format!("vs_control {g:?} vs {}", w["vs_control"])),
            }
        }
        let s = &e["srm"];
        let srm = r.srm.expect("a declared split is checked");
        a.close(
            &cid,
            "srm statistic",
            srm.statistic,
            num(&s["statistic"]),
            1e-10,
            0.0,
        );
        a.close(&cid, "srm p", srm.p_value, num(&s["p_value"]), 1e-9, 0.0);
        a.same(&cid, "srm dof", srm.dof, u(&s["dof"]));
        a.same(
            &cid,
            "srm mismatch",
            srm.mismatch,
            s["mismatch"].as_bool().unwrap(),
        );
    }
    a.finish();
}
