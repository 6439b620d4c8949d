//! The paired (blocked) analysis against scipy and statsmodels on 12 block
//! sets (`tests/data/paired-reference.json`, made by
//! `tests/data/paired_reference.py`): the paired t-test
//! (`scipy.stats.ttest_1samp` on the per-block log rate ratios), the
//! order-adjusted estimate (statsmodels OLS on `[1, s]`) and the
//! random-effects meta-analysis (statsmodels `combine_effects`, DerSimonian–
//! Laird, Hartung–Knapp–Sidik–Jonkman row). Tolerances: 1e-12 relative on
//! estimates, standard errors, t and τ², 1e-10 on p-values and interval
//! ends (the Student quantile).

use postab::repeated::{
    Block, Order, OrderEffect, Proportion, UnitOfAnalysis, paired_bayes, paired_test,
};
use serde_json::Value;

fn close(got: f64, want: f64, tol: f64, what: &str) {
    let err = (got - want).abs() / want.abs().max(1e-300);
    assert!(
        err <= tol || (got - want).abs() <= 1e-15,
        "{what}: {got} vs {want} (rel {err:e})"
    );
}

fn num(v: &Value) -> f64 {
    v.as_f64().expect("number")
}

/// The case's publication orders, if recorded.
fn orders_of(case: &Value) -> Option<Vec<Order>> {
    case["order"].as_array().map(|os| {
        os.iter()
            .map(|o| match o.as_str() {
                Some("a_first") => Order::AFirst,
                _ => Order::BFirst,
            })
            .collect()
    })
}

/// The case's blocks (`[y_A, n_A, y_B, n_B]` each), with their orders.
fn blocks_of(case: &Value) -> Vec<Block> {
    let orders = orders_of(case);
    case["blocks"]
        .as_array()
        .expect("blocks")
        .iter()
        .enumerate()
        .map(|(i, b)| {
            let n = |j: usize| b[j].as_u64().expect("count");
            let block = Block::new(
                format!("b{i}"),
                Proportion::new(n(0), n(1)).expect("a"),
                Proportion::new(n(2), n(3)).expect("b"),
            )
            .expect("block");
            match &orders {
                Some(o) => block.with_order(o[i]),
                None => block,
            }
        })
        .collect()
}

#[test]
fn paired_analysis_matches_scipy_and_statsmodels() {
    let text = std::fs::read_to_string("tests/data/paired-reference.json").expect("data");
    let doc: Value = serde_json::from_str(&text).expect("json");
    let cases = doc["cases"].as_array().expect("cases");
    assert!(cases.len() >= 10);
    for (c, case) in cases.iter().enumerate() {
        let blocks = blocks_of(case);
        let orders = orders_of(case);
        let r = paired_test(&blocks, 0.95).expect("paired");
        assert_eq!(r.unit, UnitOfAnalysis::Block);
        let p = &case["paired"];
        let what = |s: &str| format!("case {c} {s}");
        close(
            r.test.log_rate_ratio,
            num(&p["estimate"]),
            1e-12,
            &what("estimate"),
        );
        close(r.test.std_error, num(&p["std_error"]), 1e-12, &what("se"));
        close(r.test.t, num(&p["t"]), 1e-12, &what("t"));
        close(r.test.p_value, num(&p["p_value"]), 1e-10, &what("p"));
        assert_eq!(r.test.degrees_of_freedom, num(&p["dof"]), "case {c}");
        close(
            r.test.log_ratio_interval.lower,
            num(&p["interval"][0]),
            1e-10,
            &what("lower"),
        );
        close(
            r.test.log_ratio_interval.upper,
            num(&p["interval"][1]),
            1e-10,
            &what("upper"),
        );
        match r.order {
            OrderEffect::Adjusted {
                first_advantage, ..
            } => close(
                first_advantage,
                num(&p["first_advantage"]),
                1e-12,
                &what("order"),
            ),
            OrderEffect::NotRecorded => assert!(orders.is_none(), "case {c}"),
            other => panic!("case {c}: {other:?}"),
        }
        let re = &case["random_effects"];
        let g = r.random_effects;
        close(
            g.log_rate_ratio,
            num(&re["estimate"]),
            1e-12,
            &what("re estimate"),
        );
        close(g.std_error, num(&re["std_error"]), 1e-12, &what("re se"));
        close(g.tau_squared, num(&re["tau_squared"]), 1e-12, &what("tau2"));
        close(
            g.interval.lower,
            num(&re["interval"][0]),
            1e-10,
            &what("re lower"),
        );
        close(
            g.interval.upper,
            num(&re["interval"][1]),
            1e-10,
            &what("re upper"),
        );
    }
}

fn block(key: &str, a: (u64, u64), b: (u64, u64)) -> Block {
    Block::new(
        key,
        Proportion::new(a.0, a.1).expect("a"),
        Proportion::new(b.0, b.1).expect("b"),
    )
    .expect("block")
}

#[test]
fn bad_blocks_are_typed_errors() {
    use postab::Error;
    let b1 = block("x", (10, 1000), (14, 1000));
    let b2 = block("y", (20, 900), (25, 950));
    let b3 = block("z", (5, 400), (9, 420));
    assert!(matches!(
        Block::new(
            "",
            Proportion::new(1, 2).unwrap(),
            Proportion::new(1, 2).unwrap()
        ),
        Err(Error::InvalidBlock { .. })
    ));
    assert!(matches!(
        paired_test(std::slice::from_ref(&b1), 0.95),
        Err(Error::TooFew { got: 1, min: 2, .. })
    ));
    assert!(matches!(
        paired_test(&[b1.clone(), b1.clone()], 0.95),
        Err(Error::DuplicateBlock { ref key }) if key == "x"
    ));
    // Order for some blocks only.
    let err = paired_test(&[b1.clone().with_order(Order::AFirst), b2.clone()], 0.95).unwrap_err();
    assert!(
        err.to_string().contains("order recorded for 1 of 2 blocks"),
        "{err}"
    );
    // Both orders with two blocks: no degree of freedom left.
    assert!(matches!(
        paired_test(
            &[
                b1.clone().with_order(Order::AFirst),
                b2.clone().with_order(Order::BFirst)
            ],
            0.95
        ),
        Err(Error::TooFew { min: 3, .. })
    ));
    // Identical blocks: no spread.
    assert!(matches!(
        paired_test(&[b1.clone(), block("y", (10, 1000), (14, 1000))], 0.95),
        Err(Error::Undefined { .. })
    ));
    for level in [0.0, 1.0, f64::NAN] {
        assert!(paired_test(&[b1.clone(), b2.clone()], level).is_err());
    }
    // Every block B first: confounded, said in the result and its text.
    let all_b: Vec<Block> = [b1, b2, b3]
        .into_iter()
        .map(|b| b.with_order(Order::BFirst))
        .collect();
    let r = paired_test(&all_b, 0.9).expect("paired");
    assert_eq!(
        r.order,
        OrderEffect::Confounded {
            first: Order::BFirst
        }
    );
    assert!(r.to_string().contains("confounded"), "{r}");
    // Round trip, and a document with a p-value of 2 is refused.
    let json = serde_json::to_string(&r).expect("json");
    let back: postab::repeated::PairedComparison = serde_json::from_str(&json).expect("read");
    assert_eq!(back, r);
    let bad = json.replace(
        &format!("\"p_value\":{}", r.test.p_value),
        "\"p_value\":2.0",
    );
    assert_ne!(bad, json);
    assert!(serde_json::from_str::<postab::repeated::PairedComparison>(&bad).is_err());
    let as_posts = json.replacen("\"unit\":\"block\"", "\"unit\":\"post\"", 1);
    assert_ne!(as_posts, json);
    assert!(serde_json::from_str::<postab::repeated::PairedComparison>(&as_posts).is_err());
    // Blocks and plans are read through their checks.
    let block = serde_json::to_string(&all_b[0]).expect("json");
    assert_eq!(
        serde_json::from_str::<Block>(&block).expect("read"),
        all_b[0]
    );
    let unnamed = block.replacen("\"key\":\"x\"", "\"key\":\"\"", 1);
    assert_ne!(unnamed, block);
    assert!(serde_json::from_str::<Block>(&unnamed).is_err());
    assert!(
        serde_json::from_str::<postab::repeated::PostPlan>(
            r#"{"rate": 2.0, "lift": 0.3, "impressions": 2000, "concentration": 100}"#
        )
        .is_err()
    );
}

/// The hierarchical posterior of paired blocks (`d_i ~ N(δ, v_i + 2τ²)`,
/// half-Cauchy(0.5) on `τ`, the between-post SD of a post's log rate;
/// closed form in δ, quadrature in τ) against a two-dimensional integral of
/// the joint posterior over (δ, τ) by scipy's `dblquad`
/// (`tests/data/hierarchical-reference.json`, made by
/// `tests/data/hierarchical_reference.py`, QUADPACK at relative 1e-12):
/// 1e-8 relative on P(δ > 0), the posterior mean and E[max(δ, 0)] (worst
/// measured 1.3e-15, printed by the test).
#[test]
fn hierarchical_posterior_matches_two_dimensional_quadrature() {
    let refs: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/hierarchical-reference.json").expect("data"),
    )
    .expect("json");
    let cases: Value = serde_json::from_str(
        &std::fs::read_to_string("tests/data/paired-reference.json").expect("data"),
    )
    .expect("json");
    let list = refs["cases"].as_array().expect("cases");
    assert!(list.len() >= 8);
    let mut worst: f64 = 0.0;
    for r in list {
        let c = r["case"].as_u64().expect("case") as usize;
        let blocks = blocks_of(&cases["cases"][c]);
        let h = paired_bayes(&blocks, 0.95, None).expect("hierarchical");
        let what = |s: &str| format!("case {c} {s}");
        for (got, key, name) in [
            (h.prob_b_better, "prob_b_better", "P(B better)"),
            (h.mean, "mean", "mean"),
            (h.loss_choose_a, "loss_choose_a", "E[δ⁺]"),
        ] {
            let want = num(&r[key]);
            close(got, want, 1e-8, &what(name));
            worst = worst.max((got - want).abs() / want.abs());
        }
        assert_eq!(h.unit, UnitOfAnalysis::Block);
        assert!((h.prob_b_better + h.prob_a_better - 1.0).abs() < 1e-12);
        assert!(h.credible_interval.lower < h.mean && h.mean < h.credible_interval.upper);
        let json = serde_json::to_string(&h).expect("json");
        let back: postab::repeated::HierarchicalPosterior =
            serde_json::from_str(&json).expect("read");
        assert_eq!(back, h);
    }
    println!("paired hierarchical vs dblquad: worst relative error {worst:e}");
}
