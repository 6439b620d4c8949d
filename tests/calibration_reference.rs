//! The hierarchical log-rate model (independent posts and paired blocks,
//! with and without an account's history) and the history's calibration,
//! against mpmath (`tests/data/calibration-reference.json`, made by
//! `tests/data/calibration_reference.py`: 1-D integrals over `τ` at 30
//! digits of the closed-form `δ | τ` quantities, and for two cases
//! two-dimensional integrals over `(δ, τ)` that integrate `δ` numerically).
//!
//! Tolerance: `|got − want| ≤ 1e-8 · max(|want|, 1)` (relative above 1,
//! absolute below) on `P(B better)`, `P(A better)`, the mean, both credible
//! interval ends, both expected losses and `τ`'s median; for the histories
//! on `τ`'s median and 90 % interval, the pooled rate and the equivalent
//! concentration's median and interval (relative 1e-8). The test prints
//! the worst error it saw.

use postab::Error;
use postab::repeated::{
    AccountHistory, Block, HierarchicalPosterior, MIN_HISTORY_POSTS, Proportion, UnitOfAnalysis,
    equivalent_concentration, paired_bayes, post_bayes,
};
use serde_json::Value;

const TOL: f64 = 1e-8;

fn reference() -> Value {
    serde_json::from_str(
        &std::fs::read_to_string("tests/data/calibration-reference.json").expect("data"),
    )
    .expect("json")
}

fn num(v: &Value) -> f64 {
    match v.as_str() {
        Some("inf") => f64::INFINITY,
        _ => v.as_f64().expect("number"),
    }
}

fn posts(v: &Value) -> Vec<Proportion> {
    v.as_array()
        .expect("posts")
        .iter()
        .map(|p| {
            Proportion::new(p[0].as_u64().expect("s"), p[1].as_u64().expect("n")).expect("post")
        })
        .collect()
}

fn blocks(v: &Value) -> Vec<Block> {
    v.as_array()
        .expect("blocks")
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let n = |j: usize| b[j].as_u64().expect("count");
            Block::new(
                format!("b{i}"),
                Proportion::new(n(0), n(1)).expect("a"),
                Proportion::new(n(2), n(3)).expect("b"),
            )
            .expect("block")
        })
        .collect()
}

/// Checks `got` against `want` at [`TOL`] (relative above 1, absolute
/// below); returns the scaled error.
fn check(got: f64, want: f64, what: &str) -> f64 {
    if want.is_infinite() {
        assert_eq!(got, want, "{what}");
        return 0.0;
    }
    assert!(got.is_finite(), "{what}: {got}");
    let err = (got - want).abs() / want.abs().max(1.0);
    assert!(err <= TOL, "{what}: {got} vs {want} (error {err:e})");
    err
}

/// Relative check (for quantities that may be far below 1).
fn check_rel(got: f64, want: f64, what: &str) -> f64 {
    let err = (got - want).abs() / want.abs();
    assert!(
        err <= TOL,
        "{what}: {got} vs {want} (relative error {err:e})"
    );
    err
}

fn histories(doc: &Value) -> Vec<(String, AccountHistory, Value)> {
    doc["histories"]
        .as_object()
        .expect("histories")
        .iter()
        .map(|(name, h)| {
            let fit = AccountHistory::fit(&posts(&h["posts"])).expect("history");
            (name.clone(), fit, h.clone())
        })
        .collect()
}

#[test]
fn histories_match_mpmath() {
    let doc = reference();
    let level = num(&doc["history_level"]);
    let mut worst: f64 = 0.0;
    let hs = histories(&doc);
    assert!(hs.len() >= 5);
    for (name, h, r) in &hs {
        let what = |s: &str| format!("history {name}: {s}");
        worst = worst.max(check_rel(
            h.pooled_rate(),
            num(&r["pooled_rate"]),
            &what("rate"),
        ));
        worst = worst.max(check_rel(
            h.tau_median(),
            num(&r["tau_median"]),
            &what("τ median"),
        ));
        let tau = h.tau_interval(level).expect("interval");
        worst = worst.max(check_rel(
            tau.lower,
            num(&r["tau_interval"][0]),
            &what("τ lower"),
        ));
        worst = worst.max(check_rel(
            tau.upper,
            num(&r["tau_interval"][1]),
            &what("τ upper"),
        ));
        let k = h.concentration_median().expect("kappa");
        worst = worst.max(check_rel(
            k,
            num(&r["concentration_median"]),
            &what("κ median"),
        ));
        let ki = h.concentration_interval(level).expect("kappa interval");
        worst = worst.max(check_rel(
            ki.lower,
            num(&r["concentration_interval"][0]),
            &what("κ lower"),
        ));
        worst = worst.max(check_rel(
            ki.upper,
            num(&r["concentration_interval"][1]),
            &what("κ upper"),
        ));
        assert!(ki.contains(k) && tau.contains(h.tau_median()), "{name}");
    }
    // The near-binomial history is near the data's upper limit of κ; the
    // κ ≈ 5 history is strongly overdispersed.
    let find = |n: &str| &hs.iter().find(|h| h.0 == n).expect(n).1;
    let binomial = find("near_binomial");
    let strong = find("strong");
    assert!(binomial.tau_median() < 0.1 && strong.tau_median() > 0.5);
    assert!(
        binomial.concentration_median().expect("κ")
            > 50.0 * strong.concentration_median().expect("κ")
    );
    println!("histories vs mpmath: worst relative error {worst:e}");
}

#[test]
fn posteriors_match_mpmath() {
    let doc = reference();
    let level = num(&doc["level"]);
    let hs = histories(&doc);
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 8);
    let mut worst: f64 = 0.0;
    let mut worst_2d: f64 = 0.0;
    for case in cases {
        let name = case["name"].as_str().expect("name");
        let history = case["history"]
            .as_str()
            .map(|h| &hs.iter().find(|x| x.0 == h).expect("history").1);
        let r: HierarchicalPosterior = if case.get("blocks").is_some() {
            paired_bayes(&blocks(&case["blocks"]), level, history).expect("paired")
        } else {
            post_bayes(&posts(&case["a"]), &posts(&case["b"]), level, history).expect("posts")
        };
        let unit = match case["unit"].as_str() {
            Some("block") => UnitOfAnalysis::Block,
            _ => UnitOfAnalysis::Post,
        };
        assert_eq!(r.unit, unit, "{name}");
        let what = |s: &str| format!("{name}: {s}");
        for (got, key) in [
            (r.prob_b_better, "prob_b_better"),
            (r.prob_a_better, "prob_a_better"),
            (r.mean, "mean"),
            (r.loss_choose_a, "loss_choose_a"),
            (r.loss_choose_b, "loss_choose_b"),
            (r.tau_median, "tau_median"),
        ] {
            worst = worst.max(check(got, num(&case[key]), &what(key)));
        }
        for (got, j) in [
            (r.credible_interval.lower, 0),
            (r.credible_interval.upper, 1),
        ] {
            worst = worst.max(check(
                got,
                num(&case["credible_interval"][j]),
                &what("interval"),
            ));
        }
        if let Some(two) = case.get("two_dimensional") {
            for (got, key) in [
                (r.prob_b_better, "prob_b_better"),
                (r.mean, "mean"),
                (r.loss_choose_a, "loss_choose_a"),
                (r.loss_choose_b, "loss_choose_b"),
            ] {
                worst_2d = worst_2d.max(check(got, num(&two[key]), &what(&format!("2-D {key}"))));
            }
        }
        // Sanity beside the reference: NaN-free, ordered, round trip.
        assert!(
            (r.prob_b_better + r.prob_a_better - 1.0).abs() < 1e-12,
            "{name}"
        );
        assert!(
            r.credible_interval.lower < r.credible_interval.upper,
            "{name}"
        );
        let json = serde_json::to_string(&r).expect("json");
        let back: HierarchicalPosterior = serde_json::from_str(&json).expect("read");
        assert_eq!(back, r, "{name}");
    }
    assert!(worst_2d > 0.0, "no two-dimensional check ran");
    println!("posteriors vs mpmath: worst error {worst:e}; vs 2-D integrals {worst_2d:e}");
}

/// One post per variant without a history: `τ`'s posterior is the
/// half-Cauchy, so its median is the prior scale, and the losses diverge.
#[test]
fn one_post_each_without_history_rests_on_the_prior() {
    let a = [Proportion::new(30, 1_000).expect("a")];
    let b = [Proportion::new(45, 1_050).expect("b")];
    let r = post_bayes(&a, &b, 0.95, None).expect("posts");
    assert!(
        (r.tau_median - postab::repeated::TAU_PRIOR_SCALE).abs() < 1e-12,
        "{r:?}"
    );
    assert!(r.loss_choose_a.is_infinite() && r.loss_choose_b.is_infinite());
    let centre = (45.5f64 / 1050.5).ln() - (30.5f64 / 1000.5).ln();
    assert!((r.mean - centre).abs() < 1e-12);
    // Symmetric about the centre.
    let (lo, hi) = (r.credible_interval.lower, r.credible_interval.upper);
    assert!(
        ((centre - lo) - (hi - centre)).abs() < 1e-9 * (hi - lo),
        "{r:?}"
    );
    let json = serde_json::to_string(&r).expect("json");
    assert!(json.contains("\"loss_choose_a\":\"inf\""), "{json}");
    assert_eq!(
        serde_json::from_str::<HierarchicalPosterior>(&json).expect("read"),
        r
    );
}

fn history_posts(m: u64) -> Vec<Proportion> {
    (0..m)
        .map(|i| Proportion::new(10 + (i * 7) % 13, 800 + (i * 131) % 700).expect("post"))
        .collect()
}

#[test]
fn bad_inputs_are_typed_errors() {
    // Too short a history says how many posts it has and how many it needs.
    let short = history_posts(MIN_HISTORY_POSTS as u64 - 1);
    let err = AccountHistory::fit(&short).unwrap_err();
    assert!(
        matches!(
            err,
            Error::HistoryTooShort {
                posts: 9,
                needed: 10
            }
        ),
        "{err:?}"
    );
    assert!(err.to_string().contains("at least 10"), "{err}");
    assert!(matches!(
        AccountHistory::fit(&[]),
        Err(Error::HistoryTooShort { posts: 0, .. })
    ));
    let history = AccountHistory::fit(&history_posts(MIN_HISTORY_POSTS as u64)).expect("fit");
    for level in [0.0, 1.0, -0.5, f64::NAN] {
        assert!(history.tau_interval(level).is_err());
        assert!(history.concentration_interval(level).is_err());
    }
    assert!(history.tau_quantile(1.0).is_err());
    // A variant without posts.
    let one = [Proportion::new(3, 100).expect("post")];
    for (a, b, group) in [(&[][..], &one[..], "A"), (&one[..], &[][..], "B")] {
        match post_bayes(a, b, 0.95, Some(&history)) {
            Err(Error::TooFewPosts {
                group: g,
                got: 0,
                need: 1,
            }) => assert_eq!(g, group),
            other => panic!("{other:?}"),
        }
    }
    for level in [0.0, 1.0, f64::NAN] {
        assert!(post_bayes(&one, &one, level, None).is_err());
    }
    let b1 = Block::new("x", one[0], one[0]).expect("block");
    assert!(matches!(
        paired_bayes(std::slice::from_ref(&b1), 0.95, Some(&history)),
        Err(Error::TooFew { got: 1, min: 2, .. })
    ));
    // The equivalence refuses rates outside (0, 1) and bad τ.
    assert!(equivalent_concentration(0.0, 0.3).is_err());
    assert!(equivalent_concentration(1.0, 0.3).is_err());
    assert!(equivalent_concentration(0.02, -0.1).is_err());
    assert!(equivalent_concentration(0.02, f64::INFINITY).is_err());
    // A history without a single click: τ is still fitted, the equivalent
    // concentration is undefined (no Beta has mean 0).
    let silent: Vec<Proportion> = (0..12)
        .map(|i| Proportion::new(0, 100 + 10 * i).expect("post"))
        .collect();
    let h = AccountHistory::fit(&silent).expect("fit");
    assert!(h.tau_median().is_finite() && h.pooled_rate() == 0.0);
    assert!(matches!(
        h.concentration_median(),
        Err(Error::Undefined { .. })
    ));
}

/// Results stay finite (and NaN-free) at the edges: every trial a
/// success, zero clicks everywhere, a post with one trial, huge counts.
#[test]
fn edge_counts_give_nan_free_results() {
    let p = |s: u64, n: u64| Proportion::new(s, n).expect("post");
    let history = AccountHistory::fit(&history_posts(40)).expect("fit");
    let sets: Vec<(Vec<Proportion>, Vec<Proportion>)> = vec![
        (vec![p(0, 1)], vec![p(1, 1)]),
        (vec![p(5, 5), p(7, 7)], vec![p(0, 9), p(0, 3)]),
        (vec![p(0, 1_000), p(0, 2_000)], vec![p(0, 1_500)]),
        (
            vec![p(1 << 40, 1 << 45)],
            vec![p(1 << 41, 1 << 45), p(3, 1 << 50)],
        ),
        (vec![p(2, 3); 30], vec![p(1, 3); 30]),
    ];
    for (a, b) in &sets {
        for h in [None, Some(&history)] {
            let r = post_bayes(a, b, 0.9, h).expect("posts");
            let finite = [
                r.prob_b_better,
                r.prob_a_better,
                r.mean,
                r.credible_interval.lower,
                r.credible_interval.upper,
                r.tau_median,
            ];
            assert!(finite.iter().all(|x| x.is_finite()), "{a:?} {b:?}: {r:?}");
            assert!(
                !r.loss_choose_a.is_nan() && !r.loss_choose_b.is_nan(),
                "{r:?}"
            );
            assert!(r.rate_ratio_credible_interval.lower >= 0.0);
        }
    }
    let edge = AccountHistory::fit(&[vec![p(3, 3); 6], vec![p(0, 1); 6]].concat()).expect("fit");
    assert!(edge.tau_median().is_finite() && edge.concentration_median().expect("κ") > 0.0);
}

#[test]
fn histories_round_trip_through_serde_and_refuse_bad_documents() {
    let history = AccountHistory::fit(&history_posts(25)).expect("fit");
    let json = serde_json::to_string(&history).expect("json");
    assert!(json.starts_with("{\"posts\":["), "{json}");
    let back: AccountHistory = serde_json::from_str(&json).expect("read");
    assert_eq!(back, history);
    assert_eq!(back.tau_median(), history.tau_median());
    // Too few posts, successes above trials, zero trials: refused.
    let few = serde_json::to_string(&serde_json::json!({
        "posts": history.posts()[..5].to_vec()
    }))
    .expect("json");
    assert!(serde_json::from_str::<AccountHistory>(&few).is_err());
    let over = json.replacen("\"successes\":10", "\"successes\":100000", 1);
    assert_ne!(over, json);
    assert!(serde_json::from_str::<AccountHistory>(&over).is_err());
    let empty = json.replacen("\"trials\":800", "\"trials\":0", 1);
    assert_ne!(empty, json);
    assert!(serde_json::from_str::<AccountHistory>(&empty).is_err());
    assert!(serde_json::from_str::<AccountHistory>("{}").is_err());

    // Posteriors read back through their checks.
    let a = [Proportion::new(12, 900).expect("a")];
    let b = [Proportion::new(20, 950).expect("b")];
    let r = post_bayes(&a, &b, 0.95, Some(&history)).expect("posts");
    let json = serde_json::to_string(&r).expect("json");
    assert_eq!(
        serde_json::from_str::<HierarchicalPosterior>(&json).expect("read"),
        r
    );
    for bad in [
        json.replacen("\"unit\":\"post\"", "\"unit\":\"impression\"", 1),
        json.replacen(
            &format!("\"prob_b_better\":{}", r.prob_b_better),
            "\"prob_b_better\":1.5",
            1,
        ),
        json.replacen(
            &format!("\"loss_choose_a\":{}", r.loss_choose_a),
            "\"loss_choose_a\":-1.0",
            1,
        ),
        json.replacen(
            &format!("\"loss_choose_a\":{}", r.loss_choose_a),
            "\"loss_choose_a\":\"inf\"",
            1,
        ),
        json.replacen(
            &format!("\"tau_median\":{}", r.tau_median),
            "\"tau_median\":-0.1",
            1,
        ),
    ] {
        assert_ne!(bad, json);
        assert!(
            serde_json::from_str::<HierarchicalPosterior>(&bad).is_err(),
            "{bad}"
        );
    }
    let as_blocks = json.replacen("\"unit\":\"post\"", "\"unit\":\"block\"", 1);
    assert_eq!(
        serde_json::from_str::<HierarchicalPosterior>(&as_blocks)
            .expect("read")
            .unit,
        UnitOfAnalysis::Block
    );
}

#[test]
fn account_history_is_send_and_sync() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<AccountHistory>();
    assert_send_sync::<HierarchicalPosterior>();
}

/// Fuzz finding: extreme posts (all trials successes next to 0 of 3) made
/// `P(A better)` come out as 1 + 2e-15, which its own JSON then refused.
#[test]
fn probabilities_stay_in_the_unit_interval() {
    use postab::repeated::{Proportion, post_bayes};
    let p = |s, n| Proportion::new(s, n).expect("proportion");
    let a = [p(1_000, 1_000), p(100_000, 100_000), p(10, 10), p(3, 3)];
    let b = [p(0, 3), p(100, 1_000)];
    let h = post_bayes(&a, &b, 0.95, None).expect("posterior");
    assert!((0.0..=1.0).contains(&h.prob_a_better) && (0.0..=1.0).contains(&h.prob_b_better));
    assert!(h.prob_a_better + h.prob_b_better <= 1.0 + 1e-15);
    let json = serde_json::to_string(&h).expect("json");
    assert_eq!(
        serde_json::from_str::<postab::repeated::HierarchicalPosterior>(&json).expect("reads"),
        h
    );
}
