//! Bad input gives specific errors that name the value.

use postab::Error;
use postab::freq::*;

fn prop(s: u64, n: u64) -> Proportion {
    Proportion::new(s, n).unwrap()
}

#[test]
fn counts() {
    assert!(matches!(
        Proportion::new(5, 4),
        Err(Error::SuccessesExceedTrials {
            successes: 5,
            trials: 4,
            ..
        })
    ));
    assert!(matches!(
        Proportion::new(0, 0),
        Err(Error::InvalidParameter { name: "trials", .. })
    ));
    let p: Result<Proportion, _> = serde_json::from_str(r#"{"successes": 9, "trials": 3}"#);
    assert!(p.is_err());
    let p: Proportion = serde_json::from_str(r#"{"successes": 3, "trials": 9}"#).unwrap();
    assert_eq!(
        serde_json::to_string(&p).unwrap(),
        r#"{"successes":3,"trials":9}"#
    );
    assert!(matches!(
        RateCount::new(1, 0.0),
        Err(Error::InvalidParameter {
            name: "exposure",
            ..
        })
    ));
    assert!(matches!(
        SampleSummary::new(1.0, -1.0, 5),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        SampleSummary::new(1.0, 1.0, 1),
        Err(Error::InvalidParameter { name: "n", .. })
    ));
}

#[test]
fn levels_alpha_power() {
    let a = prop(3, 40);
    for level in [0.0, 1.0, -0.5, 1.5, f64::NAN] {
        let e = proportion_ci(a, level, ProportionCiMethod::Wilson).unwrap_err();
        assert!(
            matches!(
                e,
                Error::InvalidParameter {
                    name: "confidence level",
                    ..
                }
            ),
            "{e}"
        );
    }
    assert!(matches!(
        multiple_comparisons(&[0.1], Correction::Holm, 1.0),
        Err(Error::InvalidParameter { name: "alpha", .. })
    ));
    assert!(matches!(
        adjust_p_values(&[0.1, 1.5], Correction::Holm),
        Err(Error::InvalidParameter {
            name: "p-value",
            ..
        })
    ));
    let d = TestDesign::new(0.02);
    assert!(matches!(
        d.sample_size(Mde::Relative(0.1), 1.0),
        Err(Error::InvalidParameter { name: "power", .. })
    ));
    assert!(matches!(
        d.sample_size(Mde::Relative(0.1), 0.01),
        Err(Error::InvalidParameter { name: "power", .. })
    ));
    assert!(matches!(
        d.with_alpha(0.0).sample_size(Mde::Relative(0.1), 0.8),
        Err(Error::InvalidParameter { name: "alpha", .. })
    ));
    assert!(matches!(
        TestDesign::new(1.0).sample_size(Mde::Relative(0.1), 0.8),
        Err(Error::InvalidParameter {
            name: "baseline rate",
            ..
        })
    ));
    assert!(matches!(
        d.with_ratio(0.0).sample_size(Mde::Relative(0.1), 0.8),
        Err(Error::InvalidParameter {
            name: "allocation ratio",
            ..
        })
    ));
}

#[test]
fn mde() {
    let d = TestDesign::new(0.5);
    for m in [
        Mde::Absolute(0.0),
        Mde::Relative(0.0),
        Mde::Absolute(0.6),
        Mde::Relative(-1.5),
        Mde::Absolute(f64::NAN),
    ] {
        let e = d.sample_size(m, 0.8).unwrap_err();
        assert!(
            matches!(e, Error::InvalidParameter { name: "mde", .. }),
            "{m:?}: {e}"
        );
    }
    let e = d
        .with_alternative(Alternative::Larger)
        .sample_size(Mde::Absolute(-0.1), 0.8)
        .unwrap_err();
    assert!(matches!(e, Error::InvalidParameter { name: "mde", .. }));
    assert!(matches!(
        TestDesign::new(0.02).detectable_effect(3.0, 0.99),
        Err(Error::Infeasible { .. })
    ));
    assert!(matches!(
        days_needed(100.0, 0.0),
        Err(Error::InvalidParameter { .. })
    ));
}

#[test]
fn tables_and_splits() {
    let empty: [[u64; 0]; 0] = [];
    assert!(matches!(
        chi_square_test(&empty, false),
        Err(Error::EmptyTable { .. })
    ));
    assert!(matches!(
        chi_square_test(&[vec![1u64, 2], vec![3]], false),
        Err(Error::RaggedTable {
            row: 1,
            len: 1,
            expected: 2
        })
    ));
    assert!(matches!(
        chi_square_test(&[[0u64, 0], [0, 0]], false),
        Err(Error::AllZero { .. })
    ));
    assert!(matches!(
        chi_square_test(&[[1u64, 2]], false),
        Err(Error::TooFew { .. })
    ));
    assert!(matches!(
        chi_square_test(&[[0u64, 0], [4, 5]], false),
        Err(Error::Undefined { .. })
    ));
    assert!(matches!(
        g_test_arms(&[prop(1, 2)]),
        Err(Error::TooFew { .. })
    ));
    assert!(matches!(
        sample_ratio_mismatch(&[10, 10], &[0.0, 0.0]),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        sample_ratio_mismatch(&[10, 10], &[1.0, -1.0]),
        Err(Error::InvalidParameter {
            name: "split share",
            ..
        })
    ));
    assert!(matches!(
        sample_ratio_mismatch(&[10, 10], &[1.0]),
        Err(Error::LengthMismatch { .. })
    ));
    assert!(matches!(
        sample_ratio_mismatch(&[0, 0], &[1.0, 1.0]),
        Err(Error::AllZero { .. })
    ));
    assert!(matches!(
        sample_ratio_mismatch(&[10], &[1.0]),
        Err(Error::TooFew { .. })
    ));
}

#[test]
fn undefined_statistics_and_huge_counts() {
    let zero = prop(0, 100);
    assert!(matches!(
        two_proportion_ztest(zero, prop(0, 50), ZTestOptions::default()),
        Err(Error::Undefined { .. })
    ));
    assert!(matches!(
        ratio_ci(zero, prop(3, 50), 0.95),
        Err(Error::Undefined { .. })
    ));
    assert!(matches!(
        odds_ratio_ci(prop(50, 50), prop(3, 50), 0.95),
        Err(Error::Undefined { .. })
    ));
    let max = u64::MAX;
    assert!(matches!(
        fisher_exact(
            prop(max / 3, max),
            prop(max / 3, max),
            Alternative::TwoSided
        ),
        Err(Error::TooLarge { .. })
    ));
    assert!(matches!(
        fisher_exact(prop(max / 3, max - 1), prop(1, 2), Alternative::TwoSided),
        Err(Error::TooLarge { .. })
    ));
    let t = two_proportion_ztest(
        prop(max / 3, max),
        prop(max / 2, max),
        ZTestOptions::default(),
    )
    .unwrap();
    assert!(t.statistic > 1e9 && t.p_value == 0.0);
    let t = chi_square_arms(
        &[prop(max / 3, max), prop(max / 2, max), prop(0, max)],
        false,
    )
    .unwrap();
    assert!(t.statistic.is_finite() && t.p_value == 0.0);
    assert!(fisher_exact_table([[max, 1], [0, 1]], Alternative::TwoSided).is_err());
    // identical degenerate arms: pairwise comparison reports p = 1
    let c = compare_to_control(&[zero, prop(0, 70)], 0, PairwiseOptions::default()).unwrap();
    assert_eq!(c[0].p_value, 1.0);
    let f = fisher_exact(zero, prop(0, 70), Alternative::TwoSided).unwrap();
    assert_eq!(f.p_value, 1.0);
    assert!(matches!(
        compare_to_control(&[zero, zero], 5, PairwiseOptions::default()),
        Err(Error::InvalidParameter {
            name: "control index",
            ..
        })
    ));
}
