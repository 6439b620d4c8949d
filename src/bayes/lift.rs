//! The relative lift `(B − A)/A` of two positive posteriors.
//!
//! `P(lift > t) = P(B > (1 + t) A) = ∫ f_A(x) P(B > (1 + t) x) dx`, a
//! one-dimensional integral evaluated by adaptive Gauss–Kronrod quadrature
//! over A's density (relative tolerance 1e-12), with `P(B > ·)` from the
//! exact incomplete beta/gamma. Both tails are integrated directly, so small
//! probabilities keep relative accuracy. The credible interval solves
//! `P(lift ≤ t) = (1 ∓ level)/2` by safeguarded secant steps.

use super::posterior::Posterior;
use crate::error::{Error, Result};
use crate::interval::Interval;
use crate::numeric::quad::integrate;

/// `(P(lift ≤ t), P(lift > t))` for `lift = (B − A)/A`, `t > −1`.
fn lift_tails<P: Posterior>(a: &P, b: &P, t: f64) -> (f64, f64) {
    let kernel = a.ln_pdf_kernel();
    let (m, sd) = (a.mean(), a.std_dev());
    let (lo, hi) = a.support();
    let mut breaks: Vec<f64> = [
        -40.0, -20.0, -10.0, -6.0, -3.0, -1.5, 0.0, 1.5, 3.0, 6.0, 10.0, 20.0, 40.0,
    ]
    .iter()
    .map(|k| m + k * sd)
    .filter(|x| *x > lo && *x < hi)
    .collect();
    breaks.insert(0, lo.max(m - 60.0 * sd).max(lo));
    breaks.push(if hi.is_finite() { hi } else { m + 60.0 * sd });
    breaks.sort_by(f64::total_cmp);
    breaks.dedup();
    let c = 1.0 + t;
    let below = integrate(
        |x| kernel.eval(x).exp() * b.cdf(c * x),
        &breaks,
        0.0,
        1e-12,
        2_000,
    )
    .value;
    let above = integrate(
        |x| kernel.eval(x).exp() * b.sf(c * x),
        &breaks,
        0.0,
        1e-12,
        2_000,
    )
    .value;
    let norm = below + above;
    (below / norm, above / norm)
}

fn check_positive<P: Posterior>(a: &P) -> Result<()> {
    if a.support().0 < 0.0 {
        return Err(Error::InvalidParameter {
            name: "lift baseline support",
            value: a.support().0,
            expected: "a posterior of a positive quantity (Beta or Gamma); the relative lift is undefined otherwise",
        });
    }
    Ok(())
}

/// `P((B − A)/A > threshold)`.
///
/// # Errors
/// [`Error::InvalidParameter`] when `threshold ≤ −1` or not finite, or A's
/// posterior is not of a positive quantity.
///
/// # Example
/// ```
/// use postab::bayes::{prob_lift_above, BetaPosterior};
/// let a = BetaPosterior::from_counts(300, 20_000)?;
/// let b = BetaPosterior::from_counts(360, 20_000)?;
/// let p = prob_lift_above(&a, &b, 0.0)?; // = P(B > A)
/// assert!((p - postab::bayes::prob_beats(&a, &b).b_beats_a).abs() < 1e-10);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn prob_lift_above<P: Posterior>(a: &P, b: &P, threshold: f64) -> Result<f64> {
    check_positive(a)?;
    if !(threshold.is_finite() && threshold > -1.0) {
        return Err(Error::InvalidParameter {
            name: "lift threshold",
            value: threshold,
            expected: "a finite number > -1",
        });
    }
    Ok(lift_tails(a, b, threshold).1)
}

/// Equal-tailed credible interval of the relative lift `(B − A)/A`.
///
/// # Errors
/// [`Error::InvalidParameter`] for a level outside (0, 1) or a baseline
/// posterior that is not of a positive quantity.
pub fn lift_interval<P: Posterior>(a: &P, b: &P, level: f64) -> Result<Interval> {
    check_positive(a)?;
    let tail = 0.5 * (1.0 - super::beta::check_level(level)?);
    // Start from the delta-method interval of the ratio of means.
    let ratio = b.mean() / a.mean();
    let cv = (a.std_dev() / a.mean()).hypot(b.std_dev() / b.mean());
    let solve = |target: f64, start: f64| -> f64 {
        // Find t with P(lift ≤ t) = target: bracket, then secant/bisection.
        let f = |t: f64| lift_tails(a, b, t).0 - target;
        let (mut lo, mut hi) = (start - cv * ratio, start + cv * ratio);
        lo = lo.max(-1.0 + 1e-12);
        let (mut flo, mut fhi) = (f(lo), f(hi));
        let mut guard = 0;
        while flo > 0.0 && guard < 60 {
            hi = lo;
            fhi = flo;
            lo = -1.0 + (lo + 1.0) * 0.5;
            flo = f(lo);
            guard += 1;
        }
        while fhi < 0.0 && guard < 120 {
            lo = hi;
            flo = fhi;
            hi = hi + (hi - lo).abs().max(cv * ratio) * 2.0 + 1e-12;
            fhi = f(hi);
            guard += 1;
        }
        // Illinois (modified regula falsi): superlinear and always bracketed.
        let mut side = 0i8;
        for _ in 0..100 {
            let mut t = hi - fhi * (hi - lo) / (fhi - flo);
            if !(t > lo && t < hi) {
                t = 0.5 * (lo + hi);
            }
            let ft = f(t);
            if ft.abs() < 1e-15 || (hi - lo) < 1e-13 * (1.0 + t.abs()) {
                return t;
            }
            if ft < 0.0 {
                lo = t;
                flo = ft;
                if side == -1 {
                    fhi *= 0.5;
                }
                side = -1;
            } else {
                hi = t;
                fhi = ft;
                if side == 1 {
                    flo *= 0.5;
                }
                side = 1;
            }
        }
        0.5 * (lo + hi)
    };
    let z = crate::numeric::normal_isf(tail);
    let lower = solve(tail, ratio * (1.0 - z * cv) - 1.0);
    let upper = solve(1.0 - tail, ratio * (1.0 + z * cv) - 1.0);
    Ok(Interval::new(lower, upper))
}
