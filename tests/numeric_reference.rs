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
