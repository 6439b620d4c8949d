//! Special functions against mpmath (50 digits): tests/data/numeric-mpmath.json,
//! produced by tests/data/gen_numeric.py.

use postab::numeric::*;
use serde_json::Value;

fn cases(kind: &str) -> Vec<Value> {
    common::cases("numeric-mpmath.json", kind)
}

mod common;
use common::{num, rel};

#[test]
fn incomplete_beta_both_tails() {
    let cs = cases("beta_inc");
    assert!(cs.len() >= 15);
    for c in cs {
        let (a, b, x) = (num(&c["a"]), num(&c["b"]), num(&c["x"]));
        let (lo, up) = (num(&c["lower"]), num(&c["upper"]));
        // Tolerance on the smaller tail: 5e-14 relative at every size (seen:
        // 1.8e-14; at 10⁸–10⁹ 5e-15, since the prefactor's products and λ are
        // rounded once); 1e-12 absolute on the larger tail.
        let tol = 5e-14;
        let (got_lo, got_up) = (beta_inc(a, b, x), beta_inc_upper(a, b, x));
        let (small_got, small_want) = if lo < up { (got_lo, lo) } else { (got_up, up) };
        assert!(
            rel(small_got, small_want) < tol,
            "I_{x}({a},{b}): {small_got} vs {small_want}"
        );
        assert!(
            (got_lo - lo).abs() < 1e-12 && (got_up - up).abs() < 1e-12,
            "{a} {b} {x}: {got_lo} vs {lo}"
        );
    }
}

#[test]
fn incomplete_beta_inverse_round_trips() {
    for c in cases("beta_inc") {
        let (a, b) = (num(&c["a"]), num(&c["b"]));
        let (lo, up) = (num(&c["lower"]), num(&c["upper"]));
        let x = num(&c["x"]);
        if lo > 1e-300 && lo < 0.5 {
            let got = beta_inc_inv(a, b, lo);
            assert!(rel(got, x) < 1e-10, "inv lower {a} {b}: {got} vs {x}");
        }
        if up > 1e-300 && up < 0.5 {
            let got = beta_inc_inv_upper(a, b, up);
            assert!(rel(got, x) < 1e-10, "inv upper {a} {b}: {got} vs {x}");
        }
    }
}

#[test]
fn incomplete_gamma_both_tails() {
    for c in cases("gamma_inc") {
        let (a, x) = (num(&c["a"]), num(&c["x"]));
        let (lo, up) = (num(&c["lower"]), num(&c["upper"]));
        let (got_lo, got_up) = (gamma_p(a, x), gamma_q(a, x));
        let (small_got, small_want) = if lo < up { (got_lo, lo) } else { (got_up, up) };
        assert!(
            rel(small_got, small_want) < 1e-12,
            "gamma({a},{x}): {small_got} vs {small_want}"
        );
        assert!((got_lo - lo).abs() < 1e-14, "{a} {x}");
    }
}

#[test]
fn normal_tails() {
    for c in cases("normal_sf") {
        let z = num(&c["z"]);
        let want = num(&c["sf"]);
        assert!(rel(normal_sf(z), want) < 1e-14 + 4e-16 * z * z, "z={z}");
        assert!(rel(normal_cdf(-z), want) < 1e-14 + 4e-16 * z * z, "z={z}");
    }
}

/// The smaller tail over a sweep of sizes (1.5 to 3·10⁸, `b/a` of 1, 65.7
/// and 999) and of `x` (±37 standard deviations, tails to 1e-300):
/// tests/data/beta-sweep-mpmath.json from tests/data/gen_beta_sweep.py. The
/// crate's accuracy table quotes these bounds (measured: 1.75e-13 at
/// a = 1001, b = 999 999 and 1.73e-12 in a tail of 1e-189 at a = 10 001,
/// b ≈ 10⁷).
#[test]
fn incomplete_beta_sweep() {
    let cs = common::cases("beta-sweep-mpmath.json", "beta_sweep");
    assert!(cs.len() >= 2000);
    // (worst relative error, at a, b, x) where the tail is ≥ 1e-20 and below.
    let mut worst = [(0.0f64, 0.0, 0.0, 0.0); 2];
    for c in &cs {
        let (a, b, x) = (num(&c["a"]), num(&c["b"]), num(&c["x"]));
        let want = num(&c["value"]);
        let got = if c["tail"] == "lower" {
            beta_inc(a, b, x)
        } else {
            beta_inc_upper(a, b, x)
        };
        let e = rel(got, want);
        let w = &mut worst[usize::from(want < 1e-20)];
        if e > w.0 {
            *w = (e, a, b, x);
        }
    }
    eprintln!(
        "incomplete beta, smaller tail ≥ 1e-20: worst {:?}",
        worst[0]
    );
    eprintln!(
        "incomplete beta, smaller tail < 1e-20: worst {:?}",
        worst[1]
    );
    assert!(worst[0].0 < 2e-13, "tails ≥ 1e-20: {:?}", worst[0]);
    assert!(worst[1].0 < 2e-12, "tails < 1e-20: {:?}", worst[1]);
}

/// Beta quantiles (both tails) at posterior sizes from a handful of trials
/// to 2·10⁹, against scipy 1.17 `special.betaincinv(a, b, p)` (Boost):
///
/// ```python
/// for a, b in [(361, 19640), (30501, 1969500), (3020001, 196980000), (3.5, 120.5),
///              (0.5, 0.5), (12, 8), (200, 200), (2e7, 2e9), (0.5, 1e6)]:
///     for p in [0.025, 0.975, 1e-6, 1e-12, 0.5]:
///         print(a, b, p, betaincinv(a, b, p))
/// ```
///
/// Two checks: the quantile is within 1e-12 (relative) of scipy's where
/// scipy's own `betainc` returns `p` at scipy's quantile to 1e-13 (the last
/// field; at 2·10⁸ and 2·10⁹ trials scipy's inverse is off: at
/// Beta(3020001, 196980000), p = 0.025, its `betainc` puts scipy's quantile
/// at p + 9e-10 and ours at p − 1e-14, and up to 1.2e-7 relative at
/// p = 1e-12); and, at every case and tighter, our reference-tested `I_x(a, b)` at the quantile returns
/// `p` to within the density times 4 ulp of `x` plus 1e-14 relative (the
/// best any `f64` quantile can do; worst measured: 1.3e-15 against scipy,
/// 0.45 of that slack).
#[test]
fn beta_quantiles_match_scipy_at_every_size() {
    let (mut worst_scipy, mut worst_trip): (f64, f64) = (0.0, 0.0);
    for (a, b, p, want, scipy_exact) in [
        (361.0, 19640.0, 0.025, 0.01625023081401116, true),
        (361.0, 19640.0, 0.975, 0.01993923899943903, true),
        (361.0, 19640.0, 1e-06, 0.013917172146563865, true),
        (361.0, 19640.0, 1e-12, 0.012187869041610499, true),
        (361.0, 19640.0, 0.5, 0.01803303549490324, true),
        (30501.0, 1969500.0, 0.025, 0.015081112883669858, true),
        (30501.0, 1969500.0, 0.975, 0.01542079012718234, true),
        (30501.0, 1969500.0, 1e-06, 0.01484207298381385, true),
        (30501.0, 1969500.0, 1e-12, 0.014648739845680995, false),
        (30501.0, 1969500.0, 0.5, 0.015250330791932729, true),
        (3020001.0, 196980000.0, 0.025, 0.01508310831142525, false),
        (3020001.0, 196980000.0, 0.975, 0.015116910723066977, false),
        (3020001.0, 196980000.0, 1e-06, 0.015059049987331943, false),
        (3020001.0, 196980000.0, 1e-12, 0.015039423349687294, false),
        (3020001.0, 196980000.0, 0.5, 0.015100003308166693, true),
        (3.5, 120.5, 0.025, 0.006916147787435623, true),
        (3.5, 120.5, 0.975, 0.06365063512826134, true),
        (3.5, 120.5, 1e-06, 0.0003224371475467335, true),
        (3.5, 120.5, 1e-12, 6.173256428021561e-06, true),
        (3.5, 120.5, 0.5, 0.02572554293062112, true),
        (0.5, 0.5, 0.025, 0.001541333133436012, true),
        (0.5, 0.5, 0.975, 0.9984586668665639, true),
        (0.5, 0.5, 1e-06, 2.46740110027031e-12, true),
        (0.5, 0.5, 1e-12, 2.4674011002723395e-24, true),
        (0.5, 0.5, 0.5, 0.4999999999999999, true),
        (12.0, 8.0, 0.025, 0.38357792331440527, true),
        (12.0, 8.0, 0.975, 0.7974785610228372, true),
        (12.0, 8.0, 1e-06, 0.13893415840446588, true),
        (12.0, 8.0, 1e-12, 0.04149800997381882, true),
        (12.0, 8.0, 0.5, 0.6033969970418371, true),
        (200.0, 200.0, 0.025, 0.4510879183478492, true),
        (200.0, 200.0, 0.975, 0.5489120816521508, true),
        (200.0, 200.0, 1e-06, 0.3827521232311538, true),
        (200.0, 200.0, 1e-12, 0.3293401308284253, true),
        (200.0, 200.0, 0.5, 0.5, true),
        (20000000.0, 2000000000.0, 0.025, 0.00989667287286144, false),
        (20000000.0, 2000000000.0, 0.975, 0.009905308244364627, false),
        (20000000.0, 2000000000.0, 1e-06, 0.009890522076667227, false),
        (20000000.0, 2000000000.0, 1e-12, 0.009885501384945372, false),
        (20000000.0, 2000000000.0, 0.5, 0.009900989937261054, false),
        (0.5, 1000000.0, 0.025, 4.910346812257256e-10, true),
        (0.5, 1000000.0, 0.975, 2.5119405667151758e-06, true),
        (0.5, 1000000.0, 1e-06, 7.853983597474249e-19, true),
        (0.5, 1000000.0, 1e-12, 7.853983597470137e-31, true),
        (0.5, 1000000.0, 0.5, 2.274682425559405e-07, true),
    ] {
        let (got, tail) = if p > 0.5 {
            let x = beta_inc_inv_upper(a, b, 1.0 - p);
            (x, (beta_inc_upper(a, b, x), 1.0 - p))
        } else {
            let x = beta_inc_inv(a, b, p);
            (x, (beta_inc(a, b, x), p))
        };
        if scipy_exact {
            worst_scipy = worst_scipy.max(rel(got, want));
            assert!(
                rel(got, want) < 1e-12,
                "Beta({a}, {b}) quantile {p}: {got} vs {want}"
            );
        }
        let density = ln_beta_pdf(a, b, got, 1.0 - got).exp();
        let slack = density * 4.0 * f64::EPSILON * got + 1e-14 * tail.1;
        worst_trip = worst_trip.max((tail.0 - tail.1).abs() / slack);
        assert!(
            (tail.0 - tail.1).abs() <= slack,
            "Beta({a}, {b}) quantile {p}: tail {} vs {}",
            tail.0,
            tail.1
        );
    }
    assert!(
        worst_scipy < 1e-12 && worst_trip <= 1.0,
        "{worst_scipy:e} {worst_trip}"
    );
}

/// The Beta posterior's expected shortfall `E[(x − X)⁺]` against mpmath
/// (tests/data/beta-shortfall-mpmath.json, made by
/// tests/data/shortfall_reference.py by direct integration at 40 digits)
/// from 14 standard deviations below the mean to 3 above, at shapes from 1
/// to 2·10⁸ on either side (measured worst printed).
#[test]
fn beta_shortfall_matches_mpmath() {
    use postab::bayes::{BetaPosterior, Posterior};
    let worst = check_shortfalls("beta-shortfall-mpmath.json", 40, |c| {
        let d = BetaPosterior::new(num(&c["a"]), num(&c["b"])).expect("valid");
        vec![d.shortfall(num(&c["x"])).expect("a closed form")]
    });
    println!("Beta shortfall vs mpmath: worst relative error {worst:e}");
}

/// Every case of a shortfall reference document against `got(case)` (one
/// or more evaluations of the same value): 1e-12 relative beyond 8
/// standard deviations below the mean, 1e-13 elsewhere (the cancellation
/// below the mean amplifies rounding by about z²; seen for the Beta 5.1e-13
/// at 14 below, 6.1e-14 elsewhere). Returns the worst relative error.
fn check_shortfalls(file: &str, at_least: usize, got: impl Fn(&Value) -> Vec<f64>) -> f64 {
    let cases = common::document_cases(file);
    assert!(cases.len() >= at_least);
    let mut worst: f64 = 0.0;
    for c in &cases {
        let want = num(&c["shortfall"]);
        let tol = if num(&c["z"]) < -8.0 { 1e-12 } else { 1e-13 };
        for value in got(c) {
            let e = rel(value, want);
            worst = worst.max(e);
            assert!(e < tol, "{c}: {value:e} vs {want:e}");
        }
    }
    worst
}

/// The Normal posterior's expected shortfall `σ(φ(z) + zΦ(z))` against
/// mpmath (40 digits; values inline), from 35 standard deviations below
/// the mean to 2 above: within 1e-13 relative, 5e-13 just short of 9 below
/// (seen 2.1e-13 at 8: there the bracket `1 − tR(t)` comes from Mills'
/// ratio, whose rounding the cancellation amplifies by about t²; from 9 by
/// its asymptotic series).
#[test]
fn normal_shortfall_matches_mpmath() {
    use postab::bayes::{NormalPosterior, Posterior};
    // σ a power of two, so the points are exactly z·σ from the mean.
    let d = NormalPosterior::new(1.0, 0.25).expect("valid");
    let cases = [
        (-35.0, 3.208_804_482_602_477e-270, 1e-13),
        (-20.0, 1.370_012_494_729_579_8e-90, 1e-13),
        (-8.0, 7.550_262_411_946_499e-17, 5e-13),
        (-3.0, 3.821_543_170_477_236e-4, 1e-13),
        (-0.5, 0.197_796_557_401_306_03, 1e-13),
        (0.0, 0.398_942_280_401_432_7, 1e-13),
        (2.0, 2.008_490_702_616_829_7, 1e-13),
    ];
    for (z, unit, tol) in cases {
        let (x, want) = (1.0 + 0.25 * z, 0.25 * unit);
        let got = d.shortfall(x).expect("a closed form");
        assert!(rel(got, want) < tol, "z = {z}: {got:e} vs {want:e}");
    }
}

/// The Gamma posterior's expected shortfall against mpmath
/// (tests/data/gamma-shortfall-mpmath.json, made by
/// tests/data/shortfall_reference.py by direct integration at 40 digits)
/// from 14 standard deviations below the mean to 3 above, shapes 3.5 to
/// 2·10⁶, on Gamma(a, 1) and on the same posterior at rate 256 (measured
/// worst printed).
#[test]
fn gamma_shortfall_matches_mpmath() {
    use postab::bayes::{GammaPosterior, Posterior};
    let worst = check_shortfalls("gamma-shortfall-mpmath.json", 25, |c| {
        let (a, y) = (num(&c["a"]), num(&c["y"]));
        [1.0, 256.0]
            .iter()
            .map(|&rate| {
                let d = GammaPosterior::new(a, rate).expect("valid");
                d.shortfall(y / rate).expect("a closed form") * rate
            })
            .collect()
    });
    println!("Gamma shortfall vs mpmath: worst relative error {worst:e}");
}

/// Shortfalls at the ends of the support and for a Gamma shape below 1
/// (mpmath values inline, 30 digits): 0 below the support, `x − μ` at
/// and above its upper end, NaN for NaN.
#[test]
fn shortfall_edges() {
    use postab::bayes::{BetaPosterior, GammaPosterior, NormalPosterior, Posterior};
    let beta = BetaPosterior::new(3.0, 9.0).expect("valid");
    let psi = |x: f64| beta.shortfall(x).expect("a closed form");
    assert_eq!((psi(-1.0), psi(0.0)), (0.0, 0.0));
    assert!(rel(psi(1.0), 0.75) < 1e-15 && rel(psi(2.0), 1.75) < 1e-15);
    assert!(psi(f64::NAN).is_nan());
    let gamma = GammaPosterior::new(0.5, 1.0).expect("valid");
    let psi = |x: f64| gamma.shortfall(x).expect("a closed form");
    assert_eq!(
        (psi(-1.0), psi(0.0), psi(f64::INFINITY)),
        (0.0, 0.0, f64::INFINITY)
    );
    assert!(
        rel(psi(1.0), 0.628_904_145_185_154_8) < 1e-14,
        "{}",
        psi(1.0)
    );
    assert!(
        rel(psi(0.25), 0.089_570_675_280_599_56) < 1e-14,
        "{}",
        psi(0.25)
    );
    let normal = NormalPosterior::new(0.0, 1.0).expect("valid");
    let psi = |x: f64| normal.shortfall(x).expect("a closed form");
    assert_eq!(
        (psi(f64::NEG_INFINITY), psi(f64::INFINITY)),
        (0.0, f64::INFINITY)
    );
}
