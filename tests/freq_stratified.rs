//! Stratified 2×2 analysis (CMH, Mantel–Haenszel, Breslow–Day–Tarone)
//! against statsmodels 0.15.0 `StratifiedTable` and an independent mpmath
//! computation at 60 digits (tests/data/stratified_statsmodels.py).
//!
//! Tolerances: every value within 1e-13 relative of mpmath (p-values
//! 1e-12; an absolute 1e-13 floor for statistics near 0); within 1e-10
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
            let v: Vec<u64> = b
                .as_array()
                .unwrap()
                .iter()
                .map(|x| x.as_u64().unwrap())
                .collect();
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
            worst_mp = worst_mp.max(if (got - mp_v).abs() <= 1e-13 {
                0.0
            } else {
                rel(got, mp_v)
            });
            let qbase = q.split('.').next().unwrap();
            if off(qbase) {
                assert!(
                    sm_v.is_nan() || rel(sm_v, mp_v) > 1e-10 || q.ends_with("pvalue"),
                    "{what}: listed as statsmodels-off but statsmodels agrees with mpmath"
                );
            } else {
                close(&format!("{what} vs statsmodels"), got, sm_v, 1e-10, 1e-13);
                worst_sm = worst_sm.max(if (got - sm_v).abs() <= 1e-13 {
                    0.0
                } else {
                    rel(got, sm_v)
                });
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
            check(
                &format!("{key}.statistic"),
                r.statistic,
                f(&sm[key]["statistic"]),
                f(&mp[key]["statistic"]),
                1e-13,
            );
            check(
                &format!("{key}.pvalue"),
                r.p_value,
                f(&sm[key]["pvalue_sf"]),
                f(&mp[key]["pvalue"]),
                1e-12,
            );
        }

        let or95: MhOddsRatio = t.pooled_odds_ratio(0.95).unwrap();
        let or99 = t.pooled_odds_ratio(0.99).unwrap();
        check(
            "oddsratio_pooled",
            or95.odds_ratio,
            f(&sm["oddsratio_pooled"]),
            f(&mp["oddsratio_pooled"]),
            1e-13,
        );
        check(
            "logodds_pooled",
            or95.log_odds_ratio,
            f(&sm["logodds_pooled"]),
            f(&mp["logodds_pooled"]),
            1e-13,
        );
        check(
            "logodds_pooled_se",
            or95.log_std_error,
            f(&sm["logodds_pooled_se"]),
            f(&mp["logodds_pooled_se"]),
            1e-13,
        );
        for (key, r) in [
            ("oddsratio_pooled_confint_95", &or95),
            ("oddsratio_pooled_confint_99", &or99),
        ] {
            check(key, r.interval.lower, f(&sm[key][0]), f(&mp[key][0]), 1e-13);
            check(key, r.interval.upper, f(&sm[key][1]), f(&mp[key][1]), 1e-13);
            assert!(r.interval.contains(r.odds_ratio));
        }
        check(
            "riskratio_pooled",
            t.pooled_risk_ratio().unwrap(),
            f(&sm["riskratio_pooled"]),
            f(&mp["riskratio_pooled"]),
            1e-13,
        );

        for (key, tarone) in [("breslow_day", false), ("breslow_day_tarone", true)] {
            let r: BreslowDayTest = t.breslow_day(tarone).unwrap();
            assert_eq!(r.dof, mp[key]["dof"].as_u64().unwrap(), "{name} {key} dof");
            check(
                &format!("{key}.statistic"),
                r.statistic,
                f(&sm[key]["statistic"]),
                f(&mp[key]["statistic"]),
                1e-13,
            );
            check(
                &format!("{key}.pvalue"),
                r.p_value,
                f(&sm[key]["pvalue_sf"]),
                f(&mp[key]["pvalue"]),
                1e-12,
            );
        }
    }
    eprintln!("worst relative difference: vs statsmodels {worst_sm:e}, vs mpmath {worst_mp:e}");
}

fn err_of<T: std::fmt::Debug>(r: Result<T, Error>) -> Error {
    r.expect_err("expected an error")
}

#[test]
fn bad_input_is_a_typed_error() {
    assert!(matches!(
        err_of(StratifiedTables::new(&[])),
        Error::TooFew { got: 0, .. }
    ));
    // Block 2 has no trials for B: the error names the block index.
    let e = err_of(StratifiedTables::new(&[
        [[1, 9], [2, 8]],
        [[3, 7], [4, 6]],
        [[5, 5], [0, 0]],
    ]));
    match e {
        Error::InvalidParameter { name, value, .. } => {
            assert_eq!(name, "block with one variant only");
            assert_eq!(value, 2.0);
        }
        other => panic!("unexpected {other:?}"),
    }
    assert!(matches!(
        err_of(StratifiedTables::new(&[[[0, 0], [1, 1]]])),
        Error::InvalidParameter { value: 0.0, .. }
    ));
    // Totals beyond u64::MAX.
    for t in [
        [[u64::MAX, 1], [1, 1]],
        [[1, 1], [u64::MAX, 1]],
        [[u64::MAX / 2 + 1, 0], [u64::MAX / 2 + 1, 0]],
    ] {
        let e = err_of(StratifiedTables::new(&[[[1, 1], [1, 1]], t]));
        assert!(
            matches!(&e, Error::CountOverflow { outcome, .. } if outcome == "total of block 1"),
            "{e:?}"
        );
    }
    let t = StratifiedTables::new(&[[[3, 20], [5, 18]], [[4, 30], [9, 25]]]).unwrap();
    for level in [0.0, 1.0, -0.5, 1.5, f64::NAN, f64::INFINITY] {
        assert!(matches!(
            err_of(t.pooled_odds_ratio(level)),
            Error::InvalidParameter { .. }
        ));
    }
}

#[test]
fn undefined_statistics() {
    // Every block has only failures (no clicks at all): nothing is defined.
    let none = StratifiedTables::new(&[[[0, 500], [0, 480]], [[0, 300], [0, 310]]]).unwrap();
    assert!(matches!(
        err_of(none.cmh_test(false)),
        Error::Undefined { .. }
    ));
    assert!(matches!(
        err_of(none.pooled_odds_ratio(0.95)),
        Error::Undefined { .. }
    ));
    assert!(matches!(
        err_of(none.pooled_risk_ratio()),
        Error::Undefined { .. }
    ));
    assert!(matches!(
        err_of(none.breslow_day(true)),
        Error::TooFew { got: 0, .. }
    ));
    // B never succeeds: the odds ratio is 0, its log has no standard error.
    let zero = StratifiedTables::new(&[[[5, 500], [0, 480]], [[7, 300], [0, 310]]]).unwrap();
    assert!(zero.cmh_test(true).unwrap().p_value < 0.01);
    assert!(matches!(
        err_of(zero.pooled_odds_ratio(0.95)),
        Error::Undefined { .. }
    ));
    assert!(matches!(
        err_of(zero.breslow_day(false)),
        Error::Undefined { .. }
    ));
    assert_eq!(zero.pooled_risk_ratio().unwrap(), 0.0);
    // One informative block: Breslow-Day needs two.
    let one = StratifiedTables::new(&[[[5, 500], [9, 480]], [[0, 30], [0, 31]]]).unwrap();
    assert!(matches!(
        err_of(one.breslow_day(true)),
        Error::TooFew { got: 1, min: 2, .. }
    ));
    assert!(one.pooled_odds_ratio(0.95).is_ok());
}

#[test]
fn uninformative_blocks_are_left_out() {
    let base = [
        [[31, 4_969], [45, 4_955]],
        [[12, 2_988], [20, 3_280]],
        [[55, 6_045], [48, 5_902]],
    ];
    let mut with = base.to_vec();
    with.push([[0, 3_000], [0, 2_900]]);
    with.push([[7, 0], [9, 0]]);
    let (a, b) = (
        StratifiedTables::new(&base).unwrap(),
        StratifiedTables::new(&with).unwrap(),
    );
    for cc in [false, true] {
        assert_eq!(a.cmh_test(cc).unwrap(), b.cmh_test(cc).unwrap());
    }
    assert_eq!(
        a.pooled_odds_ratio(0.9).unwrap(),
        b.pooled_odds_ratio(0.9).unwrap()
    );
    for tarone in [false, true] {
        let (x, y) = (
            a.breslow_day(tarone).unwrap(),
            b.breslow_day(tarone).unwrap(),
        );
        assert_eq!(x, y);
        assert_eq!(y.dof, 2);
    }
}

#[test]
fn orientation_and_constructors() {
    let arms = [
        (
            Proportion::new(31, 5_000).unwrap(),
            Proportion::new(45, 5_000).unwrap(),
        ),
        (
            Proportion::new(12, 3_000).unwrap(),
            Proportion::new(20, 3_300).unwrap(),
        ),
    ];
    let t = StratifiedTables::from_arms(&arms).unwrap();
    assert_eq!(
        t.tables(),
        [[[31, 4_969], [45, 4_955]], [[12, 2_988], [20, 3_280]]]
    );
    assert_eq!(t.len(), 2);
    let swapped: Vec<_> = t.tables().iter().map(|&[a, b]| [b, a]).collect();
    let s = StratifiedTables::new(&swapped).unwrap();
    let (x, y) = (
        t.pooled_odds_ratio(0.95).unwrap(),
        s.pooled_odds_ratio(0.95).unwrap(),
    );
    assert!(x.odds_ratio > 1.0);
    assert!((x.odds_ratio * y.odds_ratio - 1.0).abs() < 1e-14);
    assert!((x.interval.lower * y.interval.upper - 1.0).abs() < 1e-13);
    let (c, d) = (t.cmh_test(false).unwrap(), s.cmh_test(false).unwrap());
    assert!(c.deviation > 0.0 && (c.deviation + d.deviation).abs() < 1e-12);
    assert!((c.statistic - d.statistic).abs() < 1e-12 * c.statistic);
    assert!((t.pooled_risk_ratio().unwrap() * s.pooled_risk_ratio().unwrap() - 1.0).abs() < 1e-14);
    assert!(StratifiedTables::from_arms(&[]).is_err());
}

#[test]
fn continuity_correction_never_overshoots() {
    // |Σ(a − E a)| < 0.5: the corrected statistic is 0 (R's min(0.5, |dev|)),
    // where statsmodels would report (|dev| − 0.5)² / var > 0.
    let t = StratifiedTables::new(&[[[10, 90], [10, 89]], [[20, 80], [21, 80]]]).unwrap();
    let r = t.cmh_test(true).unwrap();
    assert!(r.deviation.abs() < 0.5);
    assert_eq!(r.statistic, 0.0);
    assert_eq!(r.p_value, 1.0);
}

#[test]
fn huge_counts_stay_finite_and_in_range() {
    let m = u64::MAX / 4;
    let sets: [&[[[u64; 2]; 2]]; 4] = [
        &[[[m, m], [m, m]], [[m, 1], [1, m]]],
        &[[[1, m], [m, 1]], [[m / 3, m], [m, m / 7]], [[5, m], [9, m]]],
        &[
            [[m, m - 1], [m - 3, m]],
            [[m / 2, m], [m / 2 + 1, m]],
            [[1, m], [2, m]],
        ],
        &[[[1, 0], [0, 1]], [[0, 1], [1, 0]], [[1, 1], [1, 1]]],
    ];
    for tables in sets {
        let t = StratifiedTables::new(tables).unwrap();
        for cc in [false, true] {
            if let Ok(r) = t.cmh_test(cc) {
                assert!(r.statistic >= 0.0 && r.statistic.is_finite());
                assert!((0.0..=1.0).contains(&r.p_value));
            }
        }
        if let Ok(r) = t.pooled_odds_ratio(0.95) {
            assert!(r.odds_ratio > 0.0 && r.odds_ratio.is_finite());
            assert!(r.log_std_error.is_finite() && r.log_std_error >= 0.0);
            assert!(0.0 <= r.interval.lower && r.interval.lower <= r.interval.upper);
        }
        for tarone in [false, true] {
            if let Ok(r) = t.breslow_day(tarone) {
                assert!(r.statistic >= 0.0 && r.statistic.is_finite(), "{r:?}");
                assert!((0.0..=1.0).contains(&r.p_value));
            }
        }
    }
}

#[test]
fn serde_round_trip_and_validation() {
    let t = StratifiedTables::new(&[[[3, 20], [5, 18]], [[4, 30], [9, 25]], [[2, 11], [6, 9]]])
        .unwrap();
    let json = serde_json::to_string(&t).unwrap();
    assert_eq!(serde_json::from_str::<StratifiedTables>(&json).unwrap(), t);
    assert!(serde_json::from_str::<StratifiedTables>(r#"{"tables":[[[1,2],[0,0]]]}"#).is_err());
    assert!(serde_json::from_str::<StratifiedTables>(r#"{"tables":[]}"#).is_err());

    let c = t.cmh_test(true).unwrap();
    let j = serde_json::to_string(&c).unwrap();
    assert_eq!(serde_json::from_str::<CmhTest>(&j).unwrap(), c);
    assert!(
        serde_json::from_str::<CmhTest>(
            &j.replace(&format!("\"p_value\":{}", c.p_value), "\"p_value\":1.5")
        )
        .is_err()
    );

    let o = t.pooled_odds_ratio(0.95).unwrap();
    let j = serde_json::to_string(&o).unwrap();
    assert_eq!(serde_json::from_str::<MhOddsRatio>(&j).unwrap(), o);
    assert!(
        serde_json::from_str::<MhOddsRatio>(&j.replace("\"level\":0.95", "\"level\":1.0")).is_err()
    );

    let b = t.breslow_day(true).unwrap();
    let j = serde_json::to_string(&b).unwrap();
    assert_eq!(serde_json::from_str::<BreslowDayTest>(&j).unwrap(), b);
    assert!(serde_json::from_str::<BreslowDayTest>(&j.replace("\"dof\":2", "\"dof\":0")).is_err());
}

/// Huge counts (block totals near u64::MAX) against mpmath at 60 digits
/// (values from the mpmath part of tests/data/stratified_statsmodels.py,
/// `mp_values` applied to these blocks).
#[test]
fn huge_counts_match_mpmath() {
    let m = u64::MAX / 4;
    let t = StratifiedTables::new(&[
        [[m / 3, m], [m, m / 7]],
        [[m, m - 1], [m - 3, m]],
        [[5, m], [9, m]],
    ])
    .unwrap();
    let cmh = t.cmh_test(false).unwrap();
    let or = t.pooled_odds_ratio(0.95).unwrap();
    let bd = t.breslow_day(true).unwrap();
    let bd_plain = t.breslow_day(false).unwrap();
    close("cmh", cmh.statistic, 1.6930787415858808e18, 1e-13, 0.0);
    assert_eq!(cmh.p_value, 0.0);
    close("or", or.odds_ratio, 2.4285714285714284, 1e-13, 0.0);
    close("log or", or.log_odds_ratio, 0.8873031950009028, 1e-13, 0.0);
    close("se", or.log_std_error, 7.199290184460725e-10, 1e-13, 0.0);
    close("lower", or.interval.lower, 2.4285714251446295, 1e-13, 0.0);
    close("upper", or.interval.upper, 2.4285714319982277, 1e-13, 0.0);
    close("bd", bd_plain.statistic, 2.9411012011425567e18, 1e-13, 0.0);
    close("bd tarone", bd.statistic, 2.927753566574302e18, 1e-13, 0.0);
    close(
        "rr",
        t.pooled_risk_ratio().unwrap(),
        1.588235294117647,
        1e-13,
        0.0,
    );
}

/// A deterministic sweep over counts from 0 to near u64::MAX / 4: every
/// result is in range, every failure a typed error of the documented kinds.
#[test]
fn sweep_of_extreme_tables_never_misbehaves() {
    let values = [0u64, 1, 2, 3, 7, 50, 1_000, 123_457, 1 << 40, u64::MAX / 4];
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        values[(state % values.len() as u64) as usize]
    };
    let (mut ok_bd, mut runs) = (0, 0);
    for _ in 0..4_000 {
        let k = 2 + (next() % 4) as usize;
        let mut tables = Vec::new();
        for _ in 0..k {
            let (sa, fa, sb, fb) = (next(), next(), next(), next());
            tables.push([
                [sa, fa.max(u64::from(sa == 0))],
                [sb, fb.max(u64::from(sb == 0))],
            ]);
        }
        let t = StratifiedTables::new(&tables).unwrap();
        runs += 1;
        for cc in [false, true] {
            match t.cmh_test(cc) {
                Ok(r) => {
                    assert!(
                        r.statistic >= 0.0 && r.statistic.is_finite(),
                        "{tables:?} {r:?}"
                    );
                    assert!((0.0..=1.0).contains(&r.p_value));
                }
                Err(e) => assert!(matches!(e, Error::Undefined { .. }), "{e:?}"),
            }
        }
        match t.pooled_odds_ratio(0.95) {
            Ok(r) => {
                assert!(
                    r.odds_ratio > 0.0 && r.odds_ratio.is_finite(),
                    "{tables:?} {r:?}"
                );
                assert!(
                    r.log_std_error >= 0.0 && r.log_std_error.is_finite(),
                    "{tables:?} {r:?}"
                );
                assert!(0.0 <= r.interval.lower && r.interval.lower <= r.interval.upper);
                assert!(r.interval.contains(r.odds_ratio), "{tables:?} {r:?}");
            }
            Err(e) => assert!(matches!(e, Error::Undefined { .. }), "{e:?}"),
        }
        match t.pooled_risk_ratio() {
            Ok(r) => assert!(r >= 0.0 && r.is_finite(), "{tables:?} {r}"),
            Err(e) => assert!(matches!(e, Error::Undefined { .. }), "{e:?}"),
        }
        for tarone in [false, true] {
            match t.breslow_day(tarone) {
                Ok(r) => {
                    ok_bd += 1;
                    assert!(
                        r.statistic >= 0.0 && r.statistic.is_finite(),
                        "{tables:?} {r:?}"
                    );
                    assert!((0.0..=1.0).contains(&r.p_value));
                }
                // Only when the pooled odds ratio itself is 0 or infinite, or
                // fewer than 2 blocks are informative: never a fitted cell on
                // the boundary.
                Err(e) => assert!(
                    matches!(e, Error::TooFew { .. })
                        || (matches!(e, Error::Undefined { .. })
                            && t.pooled_odds_ratio(0.95).is_err()),
                    "{e:?} {tables:?}"
                ),
            }
        }
    }
    assert!(
        ok_bd > runs,
        "Breslow-Day ran on {ok_bd} of {} calls",
        2 * runs
    );
}

/// Blocks where a fitted Breslow–Day cell is ~1e-16 against an observed 3
/// (statsmodels' root formula loses every digit there): mpmath at 100
/// digits only.
#[test]
fn extreme_fitted_cells_match_mpmath() {
    let doc: Value = serde_json::from_str(DATA).unwrap();
    let cases = doc["mpmath_only_cases"].as_array().unwrap();
    assert!(cases.len() >= 3);
    for case in cases {
        let name = case["name"].as_str().unwrap();
        let t = tables(case);
        let mp = &case["mpmath"];
        for (key, cc) in [("cmh", false), ("cmh_corrected", true)] {
            let r = t.cmh_test(cc).unwrap();
            close(
                &format!("{name} {key}"),
                r.statistic,
                f(&mp[key]["statistic"]),
                1e-13,
                1e-13,
            );
            close(
                &format!("{name} {key} p"),
                r.p_value,
                f(&mp[key]["pvalue"]),
                1e-12,
                0.0,
            );
        }
        let or = t.pooled_odds_ratio(0.95).unwrap();
        close(name, or.odds_ratio, f(&mp["oddsratio_pooled"]), 1e-13, 0.0);
        close(
            name,
            or.log_std_error,
            f(&mp["logodds_pooled_se"]),
            1e-13,
            0.0,
        );
        close(
            name,
            or.interval.lower,
            f(&mp["oddsratio_pooled_confint_95"][0]),
            1e-13,
            0.0,
        );
        close(
            name,
            or.interval.upper,
            f(&mp["oddsratio_pooled_confint_95"][1]),
            1e-13,
            0.0,
        );
        close(
            name,
            t.pooled_risk_ratio().unwrap(),
            f(&mp["riskratio_pooled"]),
            1e-13,
            0.0,
        );
        for (key, tarone) in [("breslow_day", false), ("breslow_day_tarone", true)] {
            let r = t.breslow_day(tarone).unwrap();
            assert_eq!(r.dof, mp[key]["dof"].as_u64().unwrap());
            close(
                &format!("{name} {key}"),
                r.statistic,
                f(&mp[key]["statistic"]),
                1e-13,
                0.0,
            );
            close(
                &format!("{name} {key} p"),
                r.p_value,
                f(&mp[key]["pvalue"]),
                1e-12,
                0.0,
            );
        }
    }
}
