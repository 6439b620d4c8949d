//! The Bayesian engine against ../shared/reference/golden-public.json (copied
//! to tests/data/) with the tolerances of its README, plus mpmath cases of our
//! own (tests/data/bayes-mpmath.json).

use postab::bayes::*;
use serde_json::Value;

mod common;
use common::{cases, num, rel};

fn posterior(c: &Value, side: &str) -> BetaPosterior {
    BetaPosterior::new(
        num(&c["input"][format!("alpha_{side}")]),
        num(&c["input"][format!("beta_{side}")]),
    )
    .expect("valid")
}

/// Relative error `tol` on the smaller of the two probabilities (README: 1e-10).
fn check_beat(file: &str, tol: f64) -> usize {
    let cs = cases(file, "beta_prob_b_beats_a");
    for c in &cs {
        let (a, b) = (posterior(c, "a"), posterior(c, "b"));
        let p = prob_beats(&a, &b);
        let want_b = num(&c["expected"]["prob_b_beats_a_hp"]);
        let want_a = num(&c["expected"]["prob_a_beats_b_hp"]);
        let (got, want) = if want_b < want_a {
            (p.b_beats_a, want_b)
        } else {
            (p.a_beats_b, want_a)
        };
        assert!(rel(got, want) < tol, "{}: {got:e} vs {want:e}", c["id"]);
        assert!(
            (p.b_beats_a + p.a_beats_b - 1.0).abs() < 1e-14,
            "{}",
            c["id"]
        );
    }
    cs.len()
}

#[test]
fn prob_b_beats_a_public_reference() {
    assert_eq!(check_beat("golden-public.json", 1e-10), 15);
}

/// Relative error `tol` on both losses (README: 1e-9).
fn check_loss(file: &str, tol: f64) -> usize {
    let cs = cases(file, "beta_expected_loss");
    for c in &cs {
        let (a, b) = (posterior(c, "a"), posterior(c, "b"));
        let loss = expected_loss(&a, &b);
        let (wb, wa) = (
            num(&c["expected"]["loss_choose_b_hp"]),
            num(&c["expected"]["loss_choose_a_hp"]),
        );
        assert!(
            rel(loss.choose_b, wb) < tol,
            "{}: {:e} vs {wb:e}",
            c["id"],
            loss.choose_b
        );
        assert!(
            rel(loss.choose_a, wa) < tol,
            "{}: {:e} vs {wa:e}",
            c["id"],
            loss.choose_a
        );
    }
    cs.len()
}

#[test]
fn expected_loss_public_reference() {
    assert_eq!(check_loss("golden-public.json", 1e-9), 10);
}

#[test]
fn expected_loss_mpmath_large_counts() {
    // 2·10⁶ to 10⁹ trials (both benchmark sizes), a 1e-22 loss, zero
    // successes, a lopsided pair with a 1e-274 loss (tests/data/gen_bayes.py).
    // Held to 1e-10: worst seen 1.0e-11, the 1e-274 loss of the lopsided
    // pair, formed as a difference (4 digits cancel); the others ≤ 3e-13.
    assert_eq!(check_loss("bayes-mpmath.json", 1e-10), 7);
}

#[test]
fn credible_interval_public_reference() {
    let cs = cases("golden-public.json", "beta_credible_interval");
    assert_eq!(cs.len(), 8);
    for c in &cs {
        let d =
            BetaPosterior::new(num(&c["input"]["alpha"]), num(&c["input"]["beta"])).expect("valid");
        let ci = d
            .credible_interval(num(&c["input"]["level"]))
            .expect("level");
        // README tolerance: 1e-10 relative.
        let (lo, up) = (
            num(&c["expected"]["lower_hp"]),
            num(&c["expected"]["upper_hp"]),
        );
        assert!(
            rel(ci.lower, lo) < 1e-10,
            "{}: {:e} vs {lo:e}",
            c["id"],
            ci.lower
        );
        assert!(
            rel(ci.upper, up) < 1e-10,
            "{}: {:e} vs {up:e}",
            c["id"],
            ci.upper
        );
    }
}

#[test]
fn prob_best_public_reference() {
    let cs = cases("golden-public.json", "beta_prob_best");
    assert_eq!(cs.len(), 8);
    for c in &cs {
        let alphas = c["input"]["alphas"].as_array().expect("alphas");
        let betas = c["input"]["betas"].as_array().expect("betas");
        let ds: Vec<BetaPosterior> = alphas
            .iter()
            .zip(betas)
            .map(|(a, b)| BetaPosterior::new(num(a), num(b)).expect("valid"))
            .collect();
        let got = prob_best(&ds).expect("K >= 2");
        let want = c["expected"]["prob_best_hp"].as_array().expect("hp");
        for (g, w) in got.iter().zip(want) {
            // README tolerance: absolute 1e-9.
            assert!(
                (g - num(w)).abs() < 1e-9,
                "{}: {got:?} vs {want:?}",
                c["id"]
            );
        }
    }
}

#[test]
fn gamma_poisson_public_reference() {
    let cs = cases("golden-public.json", "gamma_poisson_prob_b_beats_a");
    assert_eq!(cs.len(), 8);
    for c in &cs {
        let i = &c["input"];
        let a = GammaPosterior::new(num(&i["shape_a"]), num(&i["rate_a"])).expect("valid");
        let b = GammaPosterior::new(num(&i["shape_b"]), num(&i["rate_b"])).expect("valid");
        // The posterior also follows from the prior and the data.
        let prior = GammaPrior::new(num(&i["prior_shape"]), num(&i["prior_rate"])).expect("prior");
        let from_data = prior
            .update(num(&i["count_a"]) as u64, num(&i["exposure_a"]))
            .expect("update");
        assert!(
            (from_data.shape() - a.shape()).abs() < 1e-12
                && (from_data.rate() - a.rate()).abs() < 1e-9
        );
        let p = prob_beats(&a, &b);
        // README tolerance: 1e-10 relative, both directions.
        let (wb, wa) = (
            num(&c["expected"]["prob_b_beats_a_hp"]),
            num(&c["expected"]["prob_a_beats_b_hp"]),
        );
        assert!(
            rel(p.b_beats_a, wb) < 1e-10,
            "{}: {:e} vs {wb:e}",
            c["id"],
            p.b_beats_a
        );
        assert!(
            rel(p.a_beats_b, wa) < 1e-10,
            "{}: {:e} vs {wa:e}",
            c["id"],
            p.a_beats_b
        );
    }
}

#[test]
fn prob_b_beats_a_mpmath_extremes() {
    // 10⁸–10⁹ trials at 0.01 %, 1 % and 30 %, zero successes, a lopsided pair
    // (tests/data/gen_bayes.py: Evan Miller's sum at 60 digits).
    // Plus the tails beside the loss cases, down to 1e-270.
    // Our own cases are held to 1e-13 (worst seen: 1.2e-14).
    assert_eq!(check_beat("bayes-mpmath.json", 1e-13), 18);
}

#[test]
fn prob_b_beats_a_mpmath_middle_band() {
    // 300 to 10⁶ trials per arm at rates from 0.1 % to 50 %, B level with A
    // or 1 and 3 sd of the difference ahead (tests/data/gen_beat_mid.py:
    // the sum from the boundary at 50 digits), the sizes where the sum is
    // too long to add term by term in a microsecond and too short for the
    // Taylor polynomial of its log-terms. Held to 1e-13 relative on the
    // smaller side.
    assert_eq!(check_beat("beat-mid-mpmath.json", 1e-13), 114);
}

#[test]
fn deep_tail_agrees_across_routes() {
    // P(B > A) = 8.76e-270 for 116/120 against 3,488,894/797,059,951: the
    // four-terms-per-division sum (prob_beats) once lost 6e-12 here to a
    // subnormal intermediate, and the one-pass sum with losses (rank) must
    // give the same tail. mpmath (90 digits): 8.760071090759712022e-270.
    let big = BetaPosterior::from_counts(3_488_894, 797_059_951).expect("valid");
    let small = BetaPosterior::from_counts(116, 120).expect("valid");
    let want = 8.760_071_090_759_712e-270;
    assert!(rel(prob_beats(&small, &big).b_beats_a, want) < 1e-13);
    let ranked = rank(&[big, small]).expect("two arms");
    assert!(rel(ranked.prob_best[0], want) < 1e-13);
}

#[test]
fn gamma_prob_best_and_density_mpmath() {
    // tests/data/gen_gamma.py: P(best) among 3–4 Gamma posteriors by mpmath
    // quadrature (equal and unequal exposures, 1–3 events, 10⁶ exposures),
    // and log-densities up to shape 3·10⁶.
    let best = cases("gamma-mpmath.json", "gamma_prob_best");
    assert_eq!(best.len(), 4);
    for c in &best {
        let arms: Vec<GammaPosterior> = c["input"]["shapes"]
            .as_array()
            .expect("shapes")
            .iter()
            .zip(c["input"]["rates"].as_array().expect("rates"))
            .map(|(a, r)| GammaPosterior::new(num(a), num(r)).expect("valid"))
            .collect();
        let got = rank(&arms).expect("K >= 2").prob_best;
        for (g, want) in got
            .iter()
            .zip(c["expected"]["prob_best_hp"].as_array().expect("list"))
        {
            assert!((g - num(want)).abs() < 1e-10, "{}: {g} vs {want}", c["id"]);
        }
    }
    let dens = cases("gamma-mpmath.json", "gamma_ln_pdf");
    assert_eq!(dens.len(), 3);
    for c in &dens {
        let d = GammaPosterior::new(num(&c["input"]["shape"]), num(&c["input"]["rate"]))
            .expect("valid");
        for (t, want) in c["input"]["t"]
            .as_array()
            .expect("points")
            .iter()
            .zip(c["expected"]["ln_pdf_hp"].as_array().expect("list"))
        {
            let (t, want) = (num(t), num(want));
            assert!(
                (d.ln_pdf(t) - want).abs() < 1e-12 * want.abs().max(1.0),
                "{}: at {t}",
                c["id"]
            );
        }
    }
}

#[test]
fn gamma_and_normal_intervals_round_trip() {
    let g = GammaPosterior::new(8.0, 40.0).expect("valid");
    let ci = g.credible_interval(0.95).expect("level");
    assert!((g.cdf(ci.lower) - 0.025).abs() < 1e-13 && (g.sf(ci.upper) - 0.025).abs() < 1e-13);
    let big = GammaPosterior::new(3e6, 2e8).expect("valid");
    let ci = big.credible_interval(0.95).expect("level");
    assert!(
        (big.cdf(ci.lower) / 0.025 - 1.0).abs() < 1e-9
            && (big.sf(ci.upper) / 0.025 - 1.0).abs() < 1e-9
    );
    let n = NormalPosterior::from_summary(400, 41.2, 900.0).expect("valid");
    let ci = n.credible_interval(0.95).expect("level");
    assert!((ci.lower - (41.2 - 1.959963984540054 * 1.5)).abs() < 1e-12);
}

#[test]
fn normal_expected_loss_closed_form() {
    // D = B − A ~ N(1, 2): E[D⁺] = √2 φ(1/√2) + Φ(1/√2) (mpmath: 1.199641228374245753...)
    let a = NormalPosterior::new(0.0, 1.0).expect("valid");
    let b = NormalPosterior::new(1.0, 1.0).expect("valid");
    let loss = expected_loss(&a, &b);
    assert!(
        (loss.choose_a - 1.1996412283742457).abs() < 1e-14,
        "{loss:?}"
    );
    assert!((loss.choose_a - loss.choose_b - 1.0).abs() < 1e-14);
}

#[test]
fn lift_interval_brackets_the_observed_lift() {
    let a = BetaPosterior::from_counts(300, 20_000).expect("valid");
    let b = BetaPosterior::from_counts(360, 20_000).expect("valid");
    let ci = lift_interval(&a, &b, 0.95).expect("level");
    assert!(ci.contains(0.2), "{ci:?}");
    // Its ends are the 2.5 % and 97.5 % points of the lift distribution.
    assert!((prob_lift_above(&a, &b, ci.lower).expect("ok") - 0.975).abs() < 1e-9);
    assert!((prob_lift_above(&a, &b, ci.upper).expect("ok") - 0.025).abs() < 1e-9);
    // At threshold 0 the lift probability is P(B > A).
    let p0 = prob_lift_above(&a, &b, 0.0).expect("ok");
    assert!((p0 - prob_beats(&a, &b).b_beats_a).abs() < 1e-10);
}

#[test]
fn bad_bayesian_inputs_are_specific_errors() {
    use postab::Error;
    let bad = |r: Result<_, Error>, name: &str| match r {
        Err(Error::InvalidParameter { name: n, .. }) => assert_eq!(n, name),
        other => panic!("expected InvalidParameter({name}), got {other:?}"),
    };
    bad(BetaPrior::new(f64::NAN, 1.0).map(|_| ()), "prior alpha");
    bad(BetaPrior::new(1.0, -2.0).map(|_| ()), "prior beta");
    bad(BetaPrior::new(0.0, 1.0).map(|_| ()), "prior alpha");
    bad(GammaPrior::new(1.0, -1.0).map(|_| ()), "prior rate");
    bad(
        NormalPosterior::from_summary(10, 1.0, -1.0).map(|_| ()),
        "variance",
    );
    bad(
        NormalPosterior::from_summary(10, f64::INFINITY, 1.0).map(|_| ()),
        "mean",
    );
    bad(DecisionRule::new(-1e-3).map(|_| ()), "loss threshold");
    bad(
        DecisionRule::new(1e-3)
            .and_then(|r| r.with_rope(-0.1))
            .map(|_| ()),
        "ROPE",
    );
    let one = [BetaPosterior::from_counts(1, 2).expect("valid")];
    assert!(matches!(rank(&one), Err(Error::TooFewVariants { got: 1 })));
    assert!(matches!(
        BetaPrior::uniform().update(5, 3),
        Err(Error::SuccessesExceedTrials {
            successes: 5,
            trials: 3,
            ..
        })
    ));
}

#[test]
fn tiny_expected_loss_keeps_relative_accuracy_at_zero_successes() {
    // 0/376,373 vs 27,409/24,243,532: shipping B loses E[(A − B)⁺] ≈ 9e-190.
    // It was once formed as a difference of numbers of order 1e-3 (1.8e-17).
    let a = BetaPosterior::from_counts(0, 376_373).expect("valid");
    let b = BetaPosterior::from_counts(27_409, 24_243_532).expect("valid");
    let loss = expected_loss(&a, &b);
    assert!(loss.choose_b > 0.0 && loss.choose_b < 1e-150, "{loss:?}");
    // Two independent evaluations of the same quantity by size-biasing agree.
    let up = |p: &BetaPosterior| BetaPosterior::new(p.alpha() + 1.0, p.beta()).expect("valid");
    let (ma, mb) = (a.mean(), b.mean());
    let direct = ma * prob_beats(&b, &up(&a)).b_beats_a - mb * prob_beats(&up(&b), &a).b_beats_a;
    assert!(
        (loss.choose_b / direct - 1.0).abs() < 1e-9,
        "{loss:?} vs {direct:e}"
    );
}

/// Fractional shapes below 12 (a Jeffreys or fitted prior plus a few
/// events) make the density a fractional power `x^(α−1)` at 0, which the
/// polynomial panels of the K-arm sweep resolved only to 4e-5 at α = 1.5
/// (found by the poll references). They are now ranked in the log-odds /
/// log variable, where the density is smooth. Reference: mpmath 30-digit
/// quadrature of `f_k Π F_j` (Beta(α, 40) for α = 1.5, 2.5, 3.5);
/// tolerance 1e-12 absolute.
#[test]
fn fractional_small_shapes_rank_exactly() -> Result<(), postab::Error> {
    use postab::bayes::prob_best;
    let arms = [1.5, 2.5, 3.5].map(|a| BetaPosterior::new(a, 40.0));
    let arms = arms.into_iter().collect::<Result<Vec<_>, _>>()?;
    let p = prob_best(&arms)?;
    let want = [
        0.105_573_205_774_282_48,
        0.296_238_152_796_144_4,
        0.598_188_641_429_573_1,
    ];
    for (got, want) in p.iter().zip(want) {
        assert!((got - want).abs() < 1e-12, "{got} vs {want}");
    }
    Ok(())
}
