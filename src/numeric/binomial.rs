//! Binomial and hypergeometric probabilities in log space.

use super::stirling::{LN_SQRT_2PI, bd0, stirlerr};

/// `ln P(X = k)` for `X ~ Binomial(n, p)` with real `0 ≤ k ≤ n` (Loader's
/// saddle-point form: relative accuracy ~1e-15 for any `n`).
///
/// # Example
/// ```
/// // P(X = 1) for Binomial(2, 0.5) = 0.5
/// let lp = postab::numeric::ln_binom_pmf(1.0, 2.0, 0.5);
/// assert!((lp - 0.5f64.ln()).abs() < 1e-15);
/// ```
pub fn ln_binom_pmf(k: f64, n: f64, p: f64) -> f64 {
    if k.is_nan() || n.is_nan() || p.is_nan() || k < 0.0 || k > n || !(0.0..=1.0).contains(&p) {
        return f64::NAN;
    }
    let q = 1.0 - p;
    if p == 0.0 {
        return if k == 0.0 { 0.0 } else { f64::NEG_INFINITY };
    }
    if p == 1.0 {
        return if k == n { 0.0 } else { f64::NEG_INFINITY };
    }
    if k == 0.0 {
        return n * (-p).ln_1p();
    }
    if k == n {
        return n * p.ln();
    }
    let m = n - k;
    stirlerr(n) - stirlerr(k) - stirlerr(m) - bd0(k, n * p) - bd0(m, n * q)
        + 0.5 * (n / (k * m)).ln()
        - LN_SQRT_2PI
}

/// `ln P(X = k)` for the hypergeometric distribution: `draws` taken without
/// replacement from `population` items of which `successes` are successes.
///
/// Computed as a ratio of three binomial probabilities at `p = draws/population`,
/// each in Loader's form, so it stays accurate for populations of 10⁹ (where
/// statrs' `Hypergeometric::pmf` returns NaN). Outside the support: `−∞`.
///
/// # Example
/// ```
/// // 2x2 table [[1, 1], [1, 1]]: P = C(2,1) C(2,1) / C(4,2) = 2/3
/// let lp = postab::numeric::ln_hypergeom_pmf(1, 2, 2, 4);
/// assert!((lp - (2.0f64 / 3.0).ln()).abs() < 1e-15);
/// ```
pub fn ln_hypergeom_pmf(k: u64, successes: u64, draws: u64, population: u64) -> f64 {
    if successes > population || draws > population {
        return f64::NAN;
    }
    let failures = population - successes;
    if k > successes || k > draws || draws - k > failures {
        return f64::NEG_INFINITY;
    }
    if population == 0 || draws == 0 || draws == population {
        return 0.0;
    }
    let p = draws as f64 / population as f64;
    ln_binom_pmf(k as f64, successes as f64, p)
        + ln_binom_pmf((draws - k) as f64, failures as f64, p)
        - ln_binom_pmf(draws as f64, population as f64, p)
}
