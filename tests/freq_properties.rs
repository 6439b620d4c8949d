//! Property tests of the frequentist engine: p-values in [0, 1], intervals
//! that contain the estimate and nest as the level grows, adjusted p-values
//! that dominate and keep the order of the raw ones, and no panics for any
//! counts (0, all successes, up to u64::MAX).

use postab::freq::*;
use proptest::prelude::*;

/// (successes, trials) with trials ≥ 1, biased towards the edges.
fn arm() -> impl Strategy<Value = Proportion> {
    prop_oneof![
        (1u64..200).prop_flat_map(|n| (0..=n, Just(n))),
        (1u64..2_000_000_000).prop_flat_map(|n| (prop_oneof![Just(0), Just(n), 0..=n], Just(n))),
        (1u64..=u64::MAX).prop_flat_map(|n| (prop_oneof![Just(0), Just(n), 0..=n], Just(n))),
    ]
    .prop_map(|(s, n)| Proportion::new(s, n).unwrap())
}

fn in_unit(p: f64) -> bool {
    (0.0..=1.0).contains(&p)
}

const ALTS: [Alternative; 3] = [
    Alternative::TwoSided,
    Alternative::Larger,
    Alternative::Smaller,
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn ztest_p_in_unit(a in arm(), b in arm(), cc in any::<bool>(), pooled in any::<bool>()) {
        for alt in ALTS {
            let v = if pooled { Variance::Pooled } else { Variance::Unpooled };
            let o = ZTestOptions::default().with_alternative(alt).with_continuity_correction(cc).with_variance(v);
            if let Ok(t) = two_proportion_ztest(a, b, o) {
                prop_assert!(in_unit(t.p_value), "{t:?}");
            }
        }
    }

    #[test]
    fn proportion_intervals_contain_and_nest(a in arm(), l1 in 0.5f64..0.9, dl in 0.001f64..0.099) {
        let l2 = l1 + dl;
        for m in [
            ProportionCiMethod::Wald,
            ProportionCiMethod::Wilson,
            ProportionCiMethod::WilsonCorrected,
            ProportionCiMethod::AgrestiCoull,
            ProportionCiMethod::Jeffreys,
            ProportionCiMethod::ClopperPearson,
        ] {
            let narrow = proportion_ci(a, l1, m).unwrap();
            let wide = proportion_ci(a, l2, m).unwrap();
            let p = a.rate();
            prop_assert!(in_unit(narrow.lower) && in_unit(narrow.upper), "{m:?} {narrow:?}");
            // Jeffreys is equal-tailed and may exclude p̂ at x = 0 or x = n.
            let edge = a.successes() == 0 || a.successes() == a.trials();
            if !(m == ProportionCiMethod::Jeffreys && edge) {
                let slack = 1e-15 * p.max(1e-300);
                prop_assert!(narrow.lower <= p + slack && p <= narrow.upper + slack, "{m:?} {narrow:?} {p}");
            }
            prop_assert!(wide.lower <= narrow.lower * (1.0 + 1e-12) + 1e-300, "{m:?} {wide:?} {narrow:?}");
            prop_assert!(wide.upper >= narrow.upper * (1.0 - 1e-12), "{m:?} {wide:?} {narrow:?}");
        }
    }

    #[test]
    fn difference_intervals_contain_and_nest(a in arm(), b in arm(), l1 in 0.5f64..0.9, dl in 0.001f64..0.099) {
        for m in [DifferenceCiMethod::Wald, DifferenceCiMethod::Newcombe, DifferenceCiMethod::AgrestiCaffo] {
            let narrow = difference_ci(a, b, l1, m).unwrap();
            let wide = difference_ci(a, b, l1 + dl, m).unwrap();
            let d = b.rate() - a.rate();
            if m != DifferenceCiMethod::AgrestiCaffo {
                prop_assert!(narrow.lower <= d + 1e-12 && d <= narrow.upper + 1e-12, "{m:?} {narrow:?} {d}");
            }
            prop_assert!(wide.lower <= narrow.lower + 1e-15 && wide.upper >= narrow.upper - 1e-15);
        }
        if let (Ok(n), Ok(w)) = (ratio_ci(a, b, l1), ratio_ci(a, b, l1 + dl)) {
            let r = b.rate() / a.rate();
            prop_assert!(n.lower <= r * (1.0 + 1e-12) && r * (1.0 - 1e-12) <= n.upper, "{n:?} {r}");
            prop_assert!(w.lower <= n.lower && w.upper >= n.upper);
        }
    }

    #[test]
    fn exact_and_table_tests_never_panic(a in arm(), b in arm()) {
        for alt in ALTS {
            if let Ok(f) = fisher_exact(a, b, alt) {
                prop_assert!(in_unit(f.p_value));
            }
        }
        for yates in [false, true] {
            if let Ok(t) = chi_square_arms(&[a, b], yates) {
                prop_assert!(in_unit(t.p_value) && t.statistic >= 0.0);
            }
        }
        if let Ok(t) = g_test_arms(&[a, b]) {
            prop_assert!(in_unit(t.p_value) && t.statistic >= 0.0);
        }
        let _ = odds_ratio_ci(a, b, 0.95);
        let _ = compare_to_control(&[a, b, a], 0, PairwiseOptions::default());
        let _ = sample_ratio_mismatch(&[a.trials(), b.trials()], &[1.0, 1.0]);
    }

    #[test]
    fn small_fisher_matches_brute_force(sa in 0u64..30, fa in 0u64..30, sb in 0u64..30, fb in 0u64..30) {
        prop_assume!(sa + fa > 0 && sb + fb > 0);
        let (na, nb) = (sa + fa, sb + fb);
        let (k, n) = (sa + sb, na + nb);
        let pmf = |x: u64| -> f64 {
            let ln_c = |n: u64, r: u64| -> f64 { (1..=r).map(|i| ((n - r + i) as f64 / i as f64).ln()).sum() };
            (ln_c(k, x) + ln_c(n - k, na - x) - ln_c(n, na)).exp()
        };
        let lo = (na + k).saturating_sub(n);
        let hi = k.min(na);
        let obs = pmf(sa);
        let two: f64 = (lo..=hi).map(pmf).filter(|&p| p <= obs * (1.0 + 1e-7)).sum();
        let le: f64 = (lo..=sa).map(pmf).sum();
        let a = Proportion::new(sa, na).unwrap();
        let b = Proportion::new(sb, nb).unwrap();
        let got = fisher_exact(a, b, Alternative::TwoSided).unwrap().p_value;
        prop_assert!((got - two.min(1.0)).abs() <= 1e-9 * two.max(1e-300), "{got} vs {two}");
        let got = fisher_exact(a, b, Alternative::Larger).unwrap().p_value;
        prop_assert!((got - le.min(1.0)).abs() <= 1e-9 * le.max(1e-300), "{got} vs {le}");
    }

    #[test]
    fn poisson_never_panics(ca in 0u64..u64::MAX / 2, cb in 0u64..u64::MAX / 2, ea in 1e-3f64..1e9, eb in 1e-3f64..1e9) {
        let a = RateCount::new(ca % 100_000, ea).unwrap();
        let b = RateCount::new(cb % 100_000, eb).unwrap();
        for alt in ALTS {
            for m in [PoissonTestMethod::ExactConditional, PoissonTestMethod::Score] {
                if let Ok(t) = poisson_rate_test(a, b, 1.0, alt, m) {
                    prop_assert!(in_unit(t.p_value), "{t:?}");
                }
            }
        }
        let big = RateCount::new(ca, ea).unwrap();
        let _ = poisson_rate_test(big, b, 1.0, Alternative::TwoSided, PoissonTestMethod::ExactConditional);
        if let Ok(ci) = rate_ratio_ci(a, b, 0.95, RateRatioCiMethod::ExactConditional) {
            prop_assert!(ci.lower <= ci.upper);
        }
    }

    #[test]
    fn adjusted_dominate_and_keep_order(p in prop::collection::vec(prop_oneof![Just(0.0), Just(1.0), 0.0f64..=1.0], 0..30)) {
        for m in [
            Correction::Unadjusted,
            Correction::Bonferroni,
            Correction::Sidak,
            Correction::Holm,
            Correction::Hochberg,
            Correction::BenjaminiHochberg,
            Correction::BenjaminiYekutieli,
        ] {
            let adj = adjust_p_values(&p, m).unwrap();
            for i in 0..p.len() {
                prop_assert!(in_unit(adj[i]) && adj[i] >= p[i] * (1.0 - 1e-15), "{m:?}");
                for j in 0..p.len() {
                    if p[i] < p[j] {
                        prop_assert!(adj[i] <= adj[j], "{m:?} order {} {}", p[i], p[j]);
                    }
                }
            }
        }
    }

    #[test]
    fn welch_p_in_unit(ma in -1e6f64..1e6, mb in -1e6f64..1e6, sa in 0.0f64..1e3, sb in 0.0f64..1e3, na in 2u64..1_000_000_000, nb in 2u64..1_000_000_000) {
        let (a, b) = (SampleSummary::new(ma, sa, na).unwrap(), SampleSummary::new(mb, sb, nb).unwrap());
        for alt in ALTS {
            if let Ok(t) = welch_t_test(a, b, alt, 0.95) {
                prop_assert!(in_unit(t.p_value));
                prop_assert!(t.interval.contains(t.difference));
            }
        }
    }

    #[test]
    fn planning_never_panics(p1 in 1e-6f64..0.999, rel in -0.99f64..5.0, power in 0.06f64..0.999, n in 1.0f64..1e10) {
        for f in [SampleSizeFormula::CohenH, SampleSizeFormula::CohenHOneTail, SampleSizeFormula::PooledNullUnpooledAlt, SampleSizeFormula::Unpooled] {
            let d = TestDesign::new(p1).with_formula(f);
            if let Ok(s) = d.sample_size(Mde::Relative(rel), power) {
                prop_assert!(s.control > 0.0 && s.control.is_finite());
            }
            if let Ok(p) = d.power(Mde::Relative(rel), n) {
                prop_assert!(in_unit(p));
            }
            if let Ok(e) = d.detectable_effect(n, power) {
                prop_assert!(e.absolute > 0.0 && e.target <= 1.0);
            }
        }
    }
}
