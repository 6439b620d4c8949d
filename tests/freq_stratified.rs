//! Stratified 2×2 analysis (CMH, Mantel–Haenszel, Breslow–Day–Tarone)
//! against statsmodels 0.15.0 `StratifiedTable` and an independent mpmath
//! computation at 60 digits (tests/data/stratified_statsmodels.py).
//!
//! Tolerances: every value within 1e-12 relative of mpmath (p-values
//! 1e-11; an absolute 1e-13 floor for statistics near 0); within 1e-10
//! relative of statsmodels except where statsmodels itself is off (listed in
//! `STATSMODELS_OFF`, each shown to differ from mpmath by more than 1e-10):
//! its Breslow–Day root (−B + √D)/(2(1 − ψ)) cancels when ψ ≈ 1 and is NaN at
//! ψ = 1 exactly. statsmodels' p-values are 1 − cdf, so they are compared
//! through scipy's `chi2.sf` of statsmodels' statistic (`pvalue_sf`).

use postab::Error;
use postab::freq::{BreslowDayTest, CmhTest, MhOddsRatio, Proportion, StratifiedTables};
use serde_json::Value;

const DATA: &str = include_str!("data/stratified_statsmodels.json");

/// (case, quantity) where statsmodels loses digits (checked below to be
/// more than 1e-10 away from mpmath, or NaN).
const STATSMODELS_OFF: &[(&str, &str)] = &[
    ("large_counts_aa", "breslow_day"),
    ("large_counts_aa", "breslow_day_tarone"),
    ("large_counts_lift", "breslow_day"),
    ("large_counts_lift", "breslow_day_tarone"),
    ("odds_ratio_exactly_one", "breslow_day"),
    ("odds_ratio_exactly_one", "breslow_day_tarone"),
];

fn rel(x: f64, y: f64) -> f64 {
    if x == y {
        0.0
    } else {
        (x - y).abs() / y.abs().max(f64::MIN_POSITIVE)
    }
}

fn close(what: &str, got: f64, want: f64, tol: f64, abs_floor: f64) {
    assert!(
        rel(got, want) <= tol || (got - want).abs() <= abs_floor,
        "{what}: got {got:e}, want {want:e} (rel {:e})",
        rel(got, want)
    );
}

fn tables(case: &Value) -> StratifiedTables {
    let blocks: Vec<[[u64; 2]; 2]> = case["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| {
            let v: Vec<u64> = b.as_array().unwrap().iter().map(|x| x.as_u64().unwrap()).collect();
            [[v[0], v[1]], [v[2], v[3]]]
        })
        .collect();
    StratifiedTables::new(&blocks).unwrap()
}

fn f(v: &Value) -> f64 {
    v.as_f64().unwrap_or(f64::NAN)
}

#[test]
fn matches_statsmodels_and_mpmath() {
    let doc: Value = serde_json::from_str(DATA).unwrap();
    let cases = doc["cases"].as_array().unwrap();
    assert!(cases.len() >= 10);
    let mut worst_sm: f64 = 0.0;
    let mut worst_mp: f64 = 0.0;
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let t = tables(case);
        let sm = &case["statsmodels"];
        let mp = &case["mpmath"];
        let off = |q: &str| STATSMODELS_OFF.contains(&(name, q));
        let mut check = |q: &str, got: f64, sm_v: f64, mp_v: f64, tol_mp: f64| {
            let what = format!("{name} {q}");
            close(&format!("{what} vs mpmath"), got, mp_v, tol_mp, 1e-13);
            worst_mp = worst_mp.max(if (got - mp_v).abs() <= 1e-13 { 0.0 } else { rel(got, mp_v) });
            let qbase = q.split('.').next().unwrap();
            if off(qbase) {
                assert!(
                    sm_v.is_nan() || rel(sm_v, mp_v) > 1e-10 || q.ends_with("pvalue"),
                    "{what}: listed as statsmodels-off but statsmodels agrees with mpmath"
                );
            } else {
                close(&format!("{what} vs statsmodels"), got, sm_v, 1e-10, 1e-13);
                worst_sm = worst_sm.max(if (got - sm_v).abs() <= 1e-13 { 0.0 } else { rel(got, sm_v) });
            }
        };

        for (key, cc) in [("cmh", false), ("cmh_corrected", true)] {
            let r: CmhTest = t.cmh_test(cc).unwrap();
            let correction_differs = cc && r.deviation.abs() < 0.5;
            if correction_differs {
                // statsmodels subtracts 0.5 even below 0.5; R (and postab) take min(0.5, |dev|).
                close(name, r.statistic, f(&mp[key]["statistic"]), 1e-12, 1e-13);
                assert_eq!(r.statistic, 0.0);
                continue;
            }
            check(&format!("{key}.statistic"), r.statistic, f(&sm[key]["statistic"]), f(&mp[key]["statistic"]), 1e-12);
            check(&format!("{key}.pvalue"), r.p_value, f(&sm[key]["pvalue_sf"]), f(&mp[key]["pvalue"]), 1e-11);
        }

        let or95: MhOddsRatio = t.pooled_odds_ratio(0.95).unwrap();
        let or99 = t.pooled_odds_ratio(0.99).unwrap();
        check("oddsratio_pooled", or95.odds_ratio, f(&sm["oddsratio_pooled"]), f(&mp["oddsratio_pooled"]), 1e-12);
        check("logodds_pooled", or95.log_odds_ratio, f(&sm["logodds_pooled"]), f(&mp["logodds_pooled"]), 1e-12);
        check("logodds_pooled_se", or95.log_std_error, f(&sm["logodds_pooled_se"]), f(&mp["logodds_pooled_se"]), 1e-12);
        for (key, r) in [("oddsratio_pooled_confint_95", &or95), ("oddsratio_pooled_confint_99", &or99)] {
            check(key, r.interval.lower, f(&sm[key][0]), f(&mp[key][0]), 1e-12);
            check(key, r.interval.upper, f(&sm[key][1]), f(&mp[key][1]), 1e-12);
            assert!(r.interval.contains(r.odds_ratio));
        }
        check("riskratio_pooled", t.pooled_risk_ratio().unwrap(), f(&sm["riskratio_pooled"]), f(&mp["riskratio_pooled"]), 1e-12);

        for (key, tarone) in [("breslow_day", false), ("breslow_day_tarone", true)] {
            let r: BreslowDayTest = t.breslow_day(tarone).unwrap();
            assert_eq!(r.dof, mp[key]["dof"].as_u64().unwrap(), "{name} {key} dof");
            check(&format!("{key}.statistic"), r.statistic, f(&sm[key]["statistic"]), f(&mp[key]["statistic"]), 1e-12);
            check(&format!("{key}.pvalue"), r.p_value, f(&sm[key]["pvalue_sf"]), f(&mp[key]["pvalue"]), 1e-11);
        }
    }
    eprintln!("worst relative difference: vs statsmodels {worst_sm:e}, vs mpmath {worst_mp:e}");
}
