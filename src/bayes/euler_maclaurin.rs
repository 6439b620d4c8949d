//! The long tails of the `P(X > Y)` series in `O(1)`: Euler–Maclaurin
//! summation of the terms' smooth continuation.
//!
//! # Method
//!
//! The series of [`super::beat`] has terms `T(a)` with
//! `ln T(a) = ln Γ(a_y + a) − ln Γ(a_y + c + a) + ln Γ(a + b_x) − ln Γ(a + 1) + const`,
//! `c = b_x + b_y`: a function of `a` that is defined (and analytic) for every
//! real `a > 0`, not only at the integers the sum visits. At large counts a tail
//! `Σ_{k ≥ 0} F(k)`, `F(k) = T(a₀ + σk)` (`σ = ±1`), spans thousands of
//! terms, but `F` changes on a scale of thousands too, so the sum equals
//!
//! `∫₀^∞ F(x) dx + F(0)/2 − F′(0)/12 + F‴(0)/720 − F⁽⁵⁾(0)/30240 + …`
//!
//! (Euler–Maclaurin; the remainder falls like `(|F′/F| / 2π)^(2j)` and is
//! below 1e-17 here). Every piece comes from one polynomial:
//! `ln F(x) − ln F(0) = Σ_{k ≥ 1} q_k x^k`, with
//! `q_k = σ^k Σ_i ±ψ^(k−1)(A_i)/k!` over the four `ln Γ` arguments `A_i`
//! (asymptotic polygamma series; `A_i ≥ 10²` and `x ≤ A_i/4`, so the
//! Taylor series converges geometrically and is cut where its remainder is
//! below 1e-16). The linear coefficient is `ln` of the exact term ratio
//! `(a_y + a₀)(a₀ + b_x)/((a_y + c + a₀)(a₀ + 1))`, formed from an error-free
//! product difference, plus small digamma corrections.
//!
//! The integral is taken by 12-point Gauss–Legendre panels that end at
//! log-drops of 2, 8, 18, 32 and 52 from `F(0)` (each panel's error relative
//! to the whole is below 1e-16 whether the tail falls like a Gaussian or like
//! an exponential), 60 evaluations of the polynomial and `exp`; the
//! boundary terms come from the power series of `exp` of the polynomial. A
//! weight `h(x) = (u₀ + u₁x)/(d₀ + σx)` (the loss integrand) is carried along,
//! so the same nodes give `Σ F(k) h(k)`.

use crate::numeric::quad::panel_rule;

/// Highest degree of the polynomial `ln F(x) − ln F(0)`.
const MAX_DEGREE: usize = 24;

/// Log-drops from `F(0)` at the panel ends.
const DROPS: [f64; 6] = [0.0, 2.0, 8.0, 18.0, 32.0, 52.0];

/// Fewest terms (to a drop of [`DROPS`]' last entry) worth this route; shorter
/// tails are summed term by term.
const MIN_TERMS: f64 = 200.0;

/// The loss weight `h(x) = (u₀ + u₁x)/(d₀ + σx)`.
#[derive(Debug, Clone, Copy)]
pub(super) struct Weight {
    pub u0: f64,
    pub u1: f64,
    pub d0: f64,
}

/// `(Σ_{k≥0} F(k), Σ_{k≥0} F(k) h(k))` for `F(k) = T(a₀ + σk)`, `F(0) = first`
/// (the second is 0 without a weight),
/// when the tail is long and smooth enough (and ends, to 1e-22 of `F(0)`,
/// before `k = max_index`); `None` otherwise.
pub(super) fn tail_sums(
    first: f64,
    a0: f64,
    sigma: f64,
    (bx, ay, by): (f64, f64, f64),
    weight: Option<Weight>,
    max_index: f64,
) -> Option<(f64, f64)> {
    let c = bx + by;
    // ln Γ arguments entering with + and with −.
    let plus = [ay + a0, a0 + bx];
    let minus = [ay + c + a0, a0 + 1.0];
    let a_min = plus[0].min(plus[1]).min(minus[0]).min(minus[1]);
    if a_min < 100.0 {
        return None;
    }
    let mut q = [0.0; MAX_DEGREE + 1];
    // Linear coefficient: ln of the term ratio (error-free product difference)
    // plus the digamma corrections −1/(2A) − 1/(12A²) + 1/(120A⁴).
    let prod = minus[0] * minus[1];
    let diff = product_difference(plus[0], plus[1], minus[0], minus[1]);
    let digamma_tail = |a: f64| {
        let r = 1.0 / a;
        let r2 = r * r;
        -0.5 * r - r2 / 12.0 + r2 * r2 / 120.0
    };
    let lin = (diff / prod).ln_1p() + digamma_tail(plus[0]) + digamma_tail(plus[1])
        - digamma_tail(minus[0])
        - digamma_tail(minus[1]);
    q[1] = sigma * lin;
    q[2] = coefficient(plus[0], 2) + coefficient(plus[1], 2)
        - coefficient(minus[0], 2)
        - coefficient(minus[1], 2);
    if q[2] >= 0.0 || !q[2].is_finite() || !q[1].is_finite() {
        return None;
    }
    // Quadratic model of the drop, −ln(F(x)/F(0)) ≈ s x + x²/(2v), for panels.
    let s = (-q[1]).max(0.0);
    let v = -0.5 / q[2];
    let reach = |d: f64| 2.0 * d / (s + (s * s + 2.0 * d / v).sqrt());
    let end = reach(DROPS[5]);
    // Euler–Maclaurin's boundary series needs s well below 2π; the tail
    // must be long (else the plain sum is cheaper) and end inside the range.
    if s > 0.2 || end < MIN_TERMS || end > max_index {
        return None;
    }
    let rho = end / a_min;
    if rho > 0.25 {
        return None;
    }
    // Degree: the k-th coefficient contributes at most 4 A_min ρ^k/(k(k−1));
    // stop when the first omitted one is below 1e-17.
    let mut degree = 2;
    let mut next = 4.0 * a_min * rho.powi(3) / 6.0;
    while next > 1e-17 {
        degree += 1;
        if degree > MAX_DEGREE {
            return None;
        }
        let k = (degree + 1) as f64;
        next *= rho * (k - 2.0) / k;
    }
    let mut sign = sigma;
    for (k, qk) in q.iter_mut().enumerate().take(degree + 1).skip(2) {
        sign *= sigma;
        if k > 2 {
            *qk = coefficient(plus[0], k) + coefficient(plus[1], k)
                - coefficient(minus[0], k)
                - coefficient(minus[1], k);
        }
        *qk *= sign;
    }
    let poly = |x: f64| {
        q[1..=degree]
            .iter()
            .rev()
            .fold(0.0, |acc, &qk| (acc + qk) * x)
    };
    if poly(end) > -0.85 * DROPS[5] {
        return None;
    }
    let weight = weight.unwrap_or(Weight {
        u0: 0.0,
        u1: 0.0,
        d0: 1.0,
    });
    let weighted_too = weight.u0 != 0.0 || weight.u1 != 0.0;
    let h = |x: f64| (weight.u0 + weight.u1 * x) / (weight.d0 + sigma * x);

    // ∫₀^end F(x)/F(0) dx and ∫₀^end F(x) h(x)/F(0) dx.
    let rule = panel_rule();
    let (mut plain, mut weighted) = (0.0, 0.0);
    let mut lo = 0.0;
    for &drop in &DROPS[1..] {
        let hi = reach(drop);
        let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
        for (&t, &w) in rule.nodes.iter().zip(&rule.weights) {
            let x = mid + half * t;
            let f = w * half * poly(x).exp();
            plain += f;
            if weighted_too {
                weighted += f * h(x);
            }
        }
        lo = hi;
    }

    // Boundary terms from the Taylor series of F/F(0) = exp(Σ q_k x^k)
    // (e_n = (1/n) Σ k q_k e_{n−k}) and of h.
    const ORDER: usize = 10;
    let mut e = [0.0; ORDER];
    e[0] = 1.0;
    for n in 1..ORDER {
        let mut acc = 0.0;
        for k in 1..=n.min(degree) {
            acc += k as f64 * q[k] * e[n - k];
        }
        e[n] = acc / n as f64;
    }
    let mut hs = [0.0; ORDER];
    let mut r = 1.0 / weight.d0; // coefficient of x^k in 1/(d₀ + σx)
    let mut r_prev = 0.0;
    for hk in hs.iter_mut() {
        *hk = weight.u0 * r + weight.u1 * r_prev;
        r_prev = r;
        r *= -sigma / weight.d0;
    }
    let mut eh = [0.0; ORDER];
    for (n, ehn) in eh.iter_mut().enumerate() {
        *ehn = (0..=n).map(|j| e[j] * hs[n - j]).sum();
    }
    // ½G(0) − G′(0)/12 + G‴(0)/720 − G⁽⁵⁾(0)/30240 + G⁽⁷⁾(0)/1209600 − G⁽⁹⁾(0)/47900160,
    // with G⁽ⁿ⁾(0) = n! gₙ.
    let boundary = |g: &[f64; ORDER]| {
        0.5 * g[0] - g[1] / 12.0 + g[3] / 120.0 - g[5] / 252.0 + g[7] / 240.0 - g[9] / 132.0
    };
    Some((
        first * (plain + boundary(&e)),
        first * (weighted + boundary(&eh)),
    ))
}

/// `ab − cd` without cancellation (error-free product of `cd` by FMA).
pub(super) fn product_difference(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let cd = c * d;
    let cd_err = c.mul_add(d, -cd);
    a.mul_add(b, -cd) - cd_err
}

/// The coefficient of `y^k` (`k ≥ 2`) in `ln Γ(A + y) − ln Γ(A)`:
/// `ψ^(k−1)(A)/k! = (−1)^k [1/(k(k−1)A^(k−1)) + 1/(2kA^k) + 1/(12A^(k+1))
/// − (k+1)(k+2)/(720A^(k+3))]` (Stirling's series to `A⁻³`; `A ≥ 100`).
fn coefficient(a: f64, k: usize) -> f64 {
    let r = 1.0 / a;
    let kf = k as f64;
    let pk = r.powi(k as i32 - 1);
    let inner = pk
        * (1.0 / (kf * (kf - 1.0))
            + r * (0.5 / kf + r * (1.0 / 12.0 - r * r * (kf + 1.0) * (kf + 2.0) / 720.0)));
    if k.is_multiple_of(2) { inner } else { -inner }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn taylor_coefficients_match_log_gamma() {
        // ln Γ(A + y) − ln Γ(A) − y ψ(A) = Σ_{k≥2} c_k y^k at A = 5000, y = 300.
        use crate::numeric::ln_gamma;
        let (a, y) = (5000.0f64, 300.0f64);
        let series: f64 = (2..=24).map(|k| coefficient(a, k) * y.powi(k as i32)).sum();
        let psi = a.ln() - 0.5 / a - 1.0 / (12.0 * a * a) + 1.0 / (120.0 * a.powi(4));
        let exact = ln_gamma(a + y) - ln_gamma(a) - y * psi;
        assert!((series - exact).abs() < 1e-9, "{series} vs {exact}");
    }

    #[test]
    fn matches_high_precision_sums() {
        // Σ_k F(k)/F(0) and Σ_k F(k) h(k)/F(0) with h(k) = (0.3 + 0.5k)/(d₀ + σk),
        // d₀ = a_y + b_x + b_y + a₀, summed term by term at 40 digits (mpmath,
        // exact ratio recurrence until a term is below 1e-30): tails at 2·10⁶,
        // 2·10⁸ and 10⁶ trials, near the mode and far out, both directions.
        let cases = [
            (
                30_501.0,
                1.0,
                (1_969_500.0, 30_001.0, 1_970_001.0),
                103.430_753_109_887_77,
                0.001_186_213_060_716_271_5,
            ),
            (
                3_020_001.0,
                1.0,
                (196_980_000.0, 3_000_001.0, 197_000_001.0),
                297.708_863_550_322_3,
                0.000_109_137_754_350_939_27,
            ),
            (
                30_000.0,
                -1.0,
                (1_970_001.0, 30_501.0, 1_969_501.0),
                102.583_604_226_868_15,
                0.001_163_696_458_260_563,
            ),
            (
                3_000_000.0,
                -1.0,
                (197_000_001.0, 3_020_001.0, 196_980_001.0),
                296.723_240_014_119,
                0.000_108_405_605_775_589_25,
            ),
            (
                30_001.0,
                1.0,
                (1_970_001.0, 30_001.0, 1_970_001.0),
                309.333_249_224_056,
                0.007_637_661_968_189_931_5,
            ),
            (
                300_001.0,
                1.0,
                (700_001.0, 299_001.0, 701_001.0),
                468.762_101_262_195_5,
                0.046_908_169_997_005_773,
            ),
        ];
        for (a0, sigma, p, plain, weighted) in cases {
            let w = Weight {
                u0: 0.3,
                u1: 0.5,
                d0: p.1 + p.0 + p.2 + a0,
            };
            let (em_plain, em_weighted) =
                tail_sums(1.0, a0, sigma, p, Some(w), f64::INFINITY).expect("long tail");
            let rel = |x: f64, y: f64| ((x - y) / y).abs();
            assert!(rel(em_plain, plain) < 1e-14, "{a0}: {em_plain} vs {plain}");
            assert!(
                rel(em_weighted, weighted) < 1e-14,
                "{a0}: {em_weighted} vs {weighted}"
            );
        }
    }
}
