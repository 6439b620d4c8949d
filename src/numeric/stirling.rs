//! Stirling-series building blocks: `δ(x)`, `bd0`, and log-beta "deviance".

/// `½ ln(2π)`.
pub(crate) const LN_SQRT_2PI: f64 = 0.918_938_533_204_672_8;

/// `ln Γ(x)` for `x > 0` (libm's `lgamma`, accurate to about one ulp).
pub fn ln_gamma(x: f64) -> f64 {
    libm::lgamma(x)
}

/// Stirling error `δ(x) = ln Γ(x) − [(x − ½) ln x − x + ½ ln 2π]` for `x > 0`.
///
/// For `x ≥ 15` this is the asymptotic series (truncation error below 1e-19);
/// below, it is formed from `ln Γ` (absolute error below 5e-15).
///
/// # Example
/// ```
/// // δ(1) = 1 − ½ ln 2π
/// let d = postab::numeric::stirlerr(1.0);
/// assert!((d - 0.081_061_466_795_327_26).abs() < 1e-15);
/// ```
pub fn stirlerr(x: f64) -> f64 {
    if x >= 15.0 {
        let r = 1.0 / x;
        let r2 = r * r;
        // Bernoulli-number coefficients B_{2k} / (2k (2k − 1)).
        const C: [f64; 7] = [
            1.0 / 12.0,
            -1.0 / 360.0,
            1.0 / 1260.0,
            -1.0 / 1680.0,
            1.0 / 1188.0,
            -691.0 / 360_360.0,
            1.0 / 156.0,
        ];
        let mut s = C[6];
        for &c in C[..6].iter().rev() {
            s = c + r2 * s;
        }
        s * r
    } else {
        ln_gamma(x) - (x - 0.5) * x.ln() + x - LN_SQRT_2PI
    }
}

/// Loader's deviance term `bd0(x, m) = x ln(x/m) + m − x ≥ 0`, for `x ≥ 0`, `m > 0`,
/// accurate to a few ulps even when `x ≈ m` (where the naive form cancels).
///
/// # Example
/// ```
/// let d = postab::numeric::bd0(1e9 + 1.0, 1e9);
/// // x ln(x/m) + m − x ≈ (x − m)² / 2m = 5e-10
/// assert!((d / 5e-10 - 1.0).abs() < 1e-8);
/// ```
pub fn bd0(x: f64, m: f64) -> f64 {
    if x == 0.0 {
        return m;
    }
    let diff = x - m;
    if diff.abs() < 0.1 * (x + m) {
        // x ln(x/m) + m − x = 2x Σ v^(2j+1)/(2j+1) − (x − m) v, v = (x − m)/(x + m).
        let v = diff / (x + m);
        let v2 = v * v;
        let mut s = diff * v;
        let mut ej = 2.0 * x * v;
        // |v| < 0.1: each term is 100 times smaller than the last, so a
        // dozen terms converge; the cap only guards against NaN.
        for j in 1..200 {
            ej *= v2;
            let next = s + ej / (2.0 * f64::from(j) + 1.0);
            if next == s || next.is_nan() {
                return next;
            }
            s = next;
        }
        return s;
    }
    x * (x / m).ln() + m - x
}

/// `ln B(a, b) − a ln p − b ln q` for `a, b > 0` and `p + q = 1` (`p, q > 0`),
/// computed without forming `ln B(a, b)` itself.
///
/// `exp(−ln_beta_dev(a, b, p, q)) = p^a q^b / B(a, b)`: the kernel of the Beta
/// density, of binomial probabilities and of the incomplete-beta continued
/// fraction. At `a, b ~ 10⁹` the naive `ln Γ(a) + ln Γ(b) − ln Γ(a + b)` loses
/// about 1e-7 absolutely; this form stays at a few 1e-15 because every term
/// is of order one near the mode.
///
/// The smaller of `p`, `q` is taken as exact and the larger as its rounded
/// complement: the rounding error of the complement is corrected for (it
/// would otherwise cost `b·1e-16` relative, 1e-7 at `b = 10⁹`). So pass
/// `(x, 1 − x)` for a point `x < ½` and `(1 − y, y)` for a point `1 − y > ½`.
pub fn ln_beta_dev(a: f64, b: f64, p: f64, q: f64) -> f64 {
    let s = a + b;
    // Rounding error of the larger value, `exact − rounded`, and the first
    // order change of the deviance it causes.
    let correction = if p <= q {
        let eps = (1.0 - q) - p;
        eps * (s - b / q)
    } else {
        let eps = (1.0 - p) - q;
        eps * (s - a / p)
    };
    let stirling = stirlerr(a) + stirlerr(b) - stirlerr(s);
    // The products s·p and s·q are rounded; their exact errors (by FMA) enter
    // to first order through ∂bd0(x, m)/∂m = 1 − x/m (at s ~ 10⁸ the rounding
    // alone would cost ~1e-12 relative).
    let (sp, sq) = (s * p, s * q);
    // (A zero rounding error contributes nothing, even where a/sp overflows
    // for a subnormal point.)
    let first_order = |x: f64, m: f64, err: f64| {
        if err == 0.0 { 0.0 } else { (1.0 - x / m) * err }
    };
    let product_errors =
        first_order(a, sp, s.mul_add(p, -sp)) + first_order(b, sq, s.mul_add(q, -sq));
    bd0(a, sp)
        + bd0(b, sq)
        + correction
        + product_errors
        + 0.5 * (s / (a * b)).ln()
        + LN_SQRT_2PI
        + stirling
}

/// `ln B(a, b)` for `a, b > 0`. Absolute error about `1e-16 · |ln B|`: do not
/// subtract two of these (use [`ln_beta_dev`] instead).
pub fn ln_beta(a: f64, b: f64) -> f64 {
    if a.min(b) < 1e-280 {
        // B(a, b) = 1/a + 1/b − ψ-terms of order 1: ln((a + b)/(ab)).
        return (a + b).ln() - a.ln() - b.ln();
    }
    let s = a + b;
    let (p, q) = (a / s, b / s);
    // The larger of p, q as ln_1p of minus the smaller: its rounding would
    // cost (larger shape)·1e-16 absolutely (0.1 at 10¹⁵).
    let tail = if p <= q {
        a * p.ln() + b * (-p).ln_1p()
    } else {
        a * (-q).ln_1p() + b * q.ln()
    };
    ln_beta_dev(a, b, p, q) + tail
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ln_beta_small_and_symmetric() {
        assert!(ln_beta(1.0, 1.0).abs() < 1e-15);
        // B(2, 3) = 1/12
        assert!((ln_beta(2.0, 3.0) + 12f64.ln()).abs() < 1e-14);
        // B(0.5, 0.5) = π
        assert!((ln_beta(0.5, 0.5) - std::f64::consts::PI.ln()).abs() < 1e-14);
    }

    #[test]
    fn stirlerr_is_continuous_at_switch() {
        let below = ln_gamma(15.0) - 14.5 * 15f64.ln() + 15.0 - LN_SQRT_2PI;
        assert!((stirlerr(15.0) - below).abs() < 1e-14);
    }

    #[test]
    fn bd0_matches_naive_far_from_m() {
        let (x, m) = (3.0, 10.0);
        assert!((bd0(x, m) - (x * (x / m).ln() + m - x)).abs() < 1e-15);
        assert_eq!(bd0(0.0, 2.5), 2.5);
    }
}
