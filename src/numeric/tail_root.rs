//! Quantiles by safeguarded Newton iteration on the log of a tail probability,
//! shared by the incomplete beta and gamma inverses.

/// The `x` in `(lo, hi)` (`hi` may be infinite) at which a tail probability
/// equals `target`, starting from `x0`. `eval(x)` returns the tail at `x` and
/// the log-density there; the tail increases in `x` (a lower tail) unless
/// `upper`.
///
/// Newton steps on `ln tail(x) − ln target` (slope `± density / tail`), so
/// tails down to 1e-300 are solved in relative terms. A step that leaves the
/// bracket is replaced by bisection: doubling while the bracket is unbounded,
/// geometric while it spans decades, towards 0 by factors of 1000 when its
/// upper end is tiny. Converged when a Newton step is below 4 ulp — tested
/// before the bracket, since a sub-ulp step can land on the bracket's end
/// and must not trigger a bisection (which once cost ~50 iterations) — or
/// when the bracket itself is that narrow.
pub(crate) fn solve_tail(
    target: f64,
    upper: bool,
    x0: f64,
    (mut lo, mut hi): (f64, f64),
    mut eval: impl FnMut(f64) -> (f64, f64),
) -> f64 {
    let ln_t = target.ln();
    let mut x = x0;
    for _ in 0..300 {
        let (tail, ln_density) = eval(x);
        if (tail < target) != upper {
            lo = x;
        } else {
            hi = x;
        }
        let slope = (ln_density - tail.ln()).exp();
        let step = (tail.ln() - ln_t) / if upper { -slope } else { slope };
        let mut next = x - step;
        if (next - x).abs() <= 4.0 * f64::EPSILON * x {
            return next.clamp(lo, hi);
        }
        if !(next > lo && next < hi && next.is_finite()) {
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
