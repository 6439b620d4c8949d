//! Quantiles by safeguarded Newton iteration on the log of a tail probability,
//! shared by the incomplete beta and gamma inverses.

/// The `x` in `(lo, hi)` (`hi` may be infinite) at which a tail probability
/// equals `target`, starting from `x0`. `eval(x)` returns the tail at `x`,
/// the log-density there and the log-density's derivative; the tail
/// increases in `x` (a lower tail) unless `upper`.
///
/// Halley steps on `g(x) = ln tail(x) − ln target`, so tails down to
/// 1e-300 are solved in relative terms: with `s = density / tail`,
/// `g' = ±s` and `g'' = g'·(ln density)' − s²`. A step whose Halley factor
/// `1 − g g''/(2g'²)` lies outside `[½, 2]` is a Newton step instead. A step
/// that leaves the bracket is replaced by bisection: doubling while the
/// bracket is unbounded, geometric while it spans decades, towards 0 by
/// factors of 1000 when its upper end is tiny. Converged when a step is
/// below 4 ulp — tested before the bracket, since a sub-ulp step can land on
/// the bracket's end and must not trigger a bisection (which once cost ~50
/// iterations) — or when the bracket itself is that narrow, or when a
/// Halley step is below [`HALLEY_DONE`] of the tail's local scale `1/s`:
/// its error is then of the order of the cube of that, far below an ulp.
pub(crate) fn solve_tail(
    target: f64,
    upper: bool,
    x0: f64,
    (mut lo, mut hi): (f64, f64),
    mut eval: impl FnMut(f64) -> (f64, f64, f64),
) -> f64 {
    let ln_t = target.ln();
    let mut x = x0;
    for _ in 0..300 {
        let (tail, ln_density, d_ln_density) = eval(x);
        if (tail < target) != upper {
            lo = x;
        } else {
            hi = x;
        }
        let ln_tail = tail.ln();
        let slope = (ln_density - ln_tail).exp();
        let g1 = if upper { -slope } else { slope };
        let newton = (ln_tail - ln_t) / g1;
        let factor = 1.0 - 0.5 * newton * (d_ln_density - slope * slope / g1);
        let halley = (0.5..=2.0).contains(&factor);
        let step = if halley { newton / factor } else { newton };
        let mut next = x - step;
        if (next - x).abs() <= 4.0 * f64::EPSILON * x {
            return next.clamp(lo, hi);
        }
        let inside = next > lo && next < hi && next.is_finite();
        if halley && inside && (step * slope).abs() <= HALLEY_DONE {
            return next;
        }
        if !inside {
            next = if hi.is_infinite() {
                2.0 * x.max(lo)
            } else if lo > 0.0 && hi / lo > 16.0 {
                (lo * hi).sqrt()
            } else if lo == 0.0 && hi < 1e-3 {
                hi * 1e-3
            } else {
                0.5 * (lo + hi)
            };
        }
        if hi.is_finite() && hi - lo <= 4.0 * f64::EPSILON * hi {
            return next;
        }
        x = next;
    }
    x
}

/// A Halley step this small relative to the tail's local scale ends the
/// iteration of [`solve_tail`] (the error left is of the order of its cube,
/// times a factor that grows like the square of the normal deviate).
const HALLEY_DONE: f64 = 1e-6;
