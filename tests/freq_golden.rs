//! Every case of the frequentist kinds in tests/data/golden-public.json,
//! checked with the tolerances of the reference README.

use postab::freq::{
    Alternative, Correction, DifferenceCiMethod, Mde, Proportion, ProportionCiMethod,
    SampleSizeFormula, TestDesign, ZTestOptions, adjust_p_values, chi_square_test, difference_ci,
    fisher_exact, multiple_comparisons, proportion_ci, ratio_ci, two_proportion_ztest,
};
use serde_json::Value;

mod common;
use common::{int as u, num as f, table};

/// The cases of `kind` in the golden file (at least one).
fn cases(kind: &str) -> Vec<Value> {
    let v = common::cases("golden-public.json", kind);
    assert!(!v.is_empty(), "no cases of kind {kind}");
    v
}

/// |a − e| ≤ rel·|e| or ≤ abs.
#[track_caller]
fn close(id: &str, what: &str, a: f64, e: f64, rel: f64, abs: f64) {
    let err = (a - e).abs();
    assert!(
        err <= rel * e.abs() || err <= abs,
        "{id} {what}: got {a:e}, expected {e:e} (rel err {:e})",
        err / e.abs()
    );
}

fn arms(c: &Value) -> (Proportion, Proportion) {
    let i = &c["input"];
    (
        Proportion::new(u(&i["s_a"]), u(&i["n_a"])).unwrap(),
        Proportion::new(u(&i["s_b"]), u(&i["n_b"])).unwrap(),
    )
}

#[test]
fn ztest_2prop_pooled() {
    for c in cases("ztest_2prop_pooled") {
        let id = c["id"].as_str().unwrap();
        let (a, b) = arms(&c);
        let t = two_proportion_ztest(a, b, ZTestOptions::default()).unwrap();
        // The reference z is A − B (statsmodels order); ours is B − A.
        let z_ref = -f(&c["expected"]["z"]);
        close(id, "z", t.statistic, z_ref, 1e-12, 1e-14);
        close(
            id,
            "p",
            t.p_value,
            f(&c["expected"]["p_value_hp"]),
            1e-10,
            0.0,
        );
    }
}

#[test]
fn proportion_ci_cases() {
    let methods = [
        ("wilson", ProportionCiMethod::Wilson, 1e-15),
        ("agresti_coull", ProportionCiMethod::AgrestiCoull, 1e-15),
        ("jeffreys", ProportionCiMethod::Jeffreys, 0.0),
        ("clopper_pearson", ProportionCiMethod::ClopperPearson, 0.0),
    ];
    for c in cases("proportion_ci") {
        let id = c["id"].as_str().unwrap();
        let i = &c["input"];
        let p = Proportion::new(u(&i["successes"]), u(&i["trials"])).unwrap();
        let level = f(&i["confidence"]);
        for (key, method, abs) in methods {
            let ci = proportion_ci(p, level, method).unwrap();
            let e = &c["expected"][key];
            close(id, &format!("{key} lower"), ci.lower, f(&e[0]), 1e-10, abs);
            close(id, &format!("{key} upper"), ci.upper, f(&e[1]), 1e-10, abs);
        }
    }
}

#[test]
fn two_prop_diff_ci() {
    for c in cases("two_prop_diff_ci") {
        let id = c["id"].as_str().unwrap();
        let (a, b) = arms(&c);
        let level = f(&c["input"]["confidence"]);
        let e = &c["expected"];
        for (key, method) in [
            ("newcombe", DifferenceCiMethod::Newcombe),
            ("wald", DifferenceCiMethod::Wald),
        ] {
            let ci = difference_ci(a, b, level, method).unwrap();
            close(id, key, ci.lower, f(&e[key][0]), 1e-12, 1e-15);
            close(id, key, ci.upper, f(&e[key][1]), 1e-12, 1e-15);
        }
        match e.get("ratio_log") {
            Some(r) => {
                let ci = ratio_ci(a, b, level).unwrap();
                close(id, "ratio lower", ci.lower, f(&r[0]), 1e-12, 1e-15);
                close(id, "ratio upper", ci.upper, f(&r[1]), 1e-12, 1e-15);
            }
            None => assert!(matches!(
                ratio_ci(a, b, level),
                Err(postab::Error::Undefined { .. })
            )),
        }
    }
}

#[test]
fn chi2_contingency() {
    for c in cases("chi2_contingency") {
        let id = c["id"].as_str().unwrap();
        let i = &c["input"];
        let rows = table(&i["table"]);
        let t = chi_square_test(&rows, i["correction"].as_bool().unwrap()).unwrap();
        let e = &c["expected"];
        close(
            id,
            "statistic",
            t.statistic,
            f(&e["statistic"]),
            1e-12,
            1e-300,
        );
        assert_eq!(t.dof, u(&e["dof"]), "{id} dof");
        close(id, "p", t.p_value, f(&e["p_value_hp"]), 1e-10, 0.0);
    }
}

#[test]
fn fisher_exact_2x2() {
    for c in cases("fisher_exact_2x2") {
        let id = c["id"].as_str().unwrap();
        let (a, b) = arms(&c);
        let p = fisher_exact(a, b, Alternative::TwoSided).unwrap().p_value;
        close(id, "p", p, f(&c["expected"]["p_value_hp"]), 1e-10, 0.0);
    }
}

#[test]
fn sample_size_two_prop() {
    for c in cases("sample_size_two_prop") {
        let id = c["id"].as_str().unwrap();
        let i = &c["input"];
        let (p1, p2) = (f(&i["p1"]), f(&i["p2"]));
        assert_eq!(i["ratio"], 1);
        assert_eq!(i["alternative"], "two-sided");
        let design = TestDesign::new(p1).with_alpha(f(&i["alpha"]));
        let e = &c["expected"];
        for (key, formula, rel) in [
            ("n_cohen_h_statsmodels", SampleSizeFormula::CohenH, 1e-9),
            (
                "n_cohen_h_one_tail_closed",
                SampleSizeFormula::CohenHOneTail,
                1e-12,
            ),
            (
                "n_pooled_null_unpooled_alt",
                SampleSizeFormula::PooledNullUnpooledAlt,
                1e-12,
            ),
            ("n_unpooled", SampleSizeFormula::Unpooled, 1e-12),
        ] {
            let n = design
                .with_formula(formula)
                .sample_size(Mde::Absolute(p2 - p1), f(&i["power"]))
                .unwrap();
            close(id, key, n.control, f(&e[key]), rel, 0.0);
            assert_eq!(n.control_ceil, u(&e["ceil"][key]), "{id} ceil {key}");
            assert_eq!(n.variant_ceil, n.control_ceil, "{id} equal arms");
        }
    }
}

#[test]
fn multiple_comparisons_cases() {
    for c in cases("multiple_comparisons") {
        let id = c["id"].as_str().unwrap();
        let p: Vec<f64> = c["input"]["p_values"]
            .as_array()
            .unwrap()
            .iter()
            .map(f)
            .collect();
        let alpha = f(&c["input"]["alpha"]);
        for (key, method) in [
            ("bonferroni", Correction::Bonferroni),
            ("holm", Correction::Holm),
            ("fdr_bh", Correction::BenjaminiHochberg),
        ] {
            let r = multiple_comparisons(&p, method, alpha).unwrap();
            assert_eq!(r.adjusted, adjust_p_values(&p, method).unwrap());
            let e = c["expected"][key].as_array().unwrap();
            for (k, (a, e)) in r.adjusted.iter().zip(e).enumerate() {
                close(id, &format!("{key}[{k}]"), *a, f(e), 1e-14, 0.0);
            }
            let flags: Vec<bool> = c["expected"][format!("{key}_reject")]
                .as_array()
                .unwrap()
                .iter()
                .map(|v| v.as_bool().unwrap())
                .collect();
            assert_eq!(r.reject, flags, "{id} {key} reject");
        }
    }
}
