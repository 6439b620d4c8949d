//! Long sums of smooth terms in `O(1)`: Euler–Maclaurin summation of the
//! terms' analytic continuation.
//!
//! # Method
//!
//! Several series in postab (the `P(X > Y)` sum for Beta posteriors, the
//! hypergeometric series of the incomplete beta) have terms `F(k)`, `k ≥ 0`,
//! whose logarithm is a signed sum of `ln Γ` at shifted arguments plus a
//! linear term:
//!
//! `ln F(k) − ln F(0) = c k + Σ_i ε_i [ln Γ(A_i + σk) − ln Γ(A_i)]`, `ε_i, σ = ±1`.
//!
//! That is defined (and analytic) for every real `k`, not only at the
//! integers the sum visits. At large counts a sum spans thousands of terms,
//! but `F` changes on a scale of thousands too, so
//!
//! `Σ_{k≥0} F(k) = ∫₀^∞ F(x) dx + F(0)/2 − F′(0)/12 + F‴(0)/720 − F⁽⁵⁾(0)/30240 + …`
//!
//! (Euler–Maclaurin; the remainder falls like `(|F′/F| / 2π)^(2j)` and is
//! below 1e-17 here). Every piece comes from one polynomial:
//! `ln F(x) − ln F(0) = Σ_{k ≥ 1} q_k x^k`, with
//! `q_k = σ^k Σ_i ε_i ψ^(k−1)(A_i)/k!` for `k ≥ 2` (asymptotic polygamma
//! series; `A_i ≥ 10²` and `x ≤ A_i/4`, so the Taylor series converges
//! geometrically and is cut where its remainder is below 1e-16). The linear
//! coefficient `c + σ Σ_i ε_i ψ(A_i)` is passed in as its leading part
//! `c + σ Σ_i ε_i ln A_i`, which callers form without cancellation (it is
//! the log of a term ratio close to 1), plus digamma corrections added here.
//!
//! The integral is taken by 12-point Gauss–Legendre panels that end at
//! log-drops of 2, 8, 18, 32 and 52 from `F(0)` (each panel's error relative
//! to the whole is below 1e-16 whether the terms fall like a Gaussian or like
//! an exponential), 60 evaluations of the polynomial and `exp`; the
//! boundary terms come from the power series of `exp` of the polynomial. A
//! weight `h(x) = (u₀ + u₁x)/(d₀ + σx)` can be carried along, so the same
//! nodes give `Σ F(k) h(k)`.

use crate::numeric::lanes::exp_poly_sums;
use crate::numeric::quad::{PANEL_NODES, panel_rule};

/// Highest degree of the polynomial `ln F(x) − ln F(0)`.
const MAX_DEGREE: usize = 24;

/// Log-drops from `F(0)` at the panel ends.
const DROPS: [f64; 6] = [0.0, 2.0, 8.0, 18.0, 32.0, 52.0];

/// Nodes of the integral: a Gauss–Legendre panel between each two drops.
const NODES: usize = (DROPS.len() - 1) * PANEL_NODES;
const _: () = assert!(NODES.is_multiple_of(crate::numeric::lanes::BLOCK));

/// Fewest terms (to a drop of [`DROPS`]' last entry) worth this route; shorter
/// tails are summed term by term.
const MIN_TERMS: f64 = 200.0;

/// A weight `h(x) = (u₀ + u₁x)/(d₀ + σx)`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Weight {
    pub u0: f64,
    pub u1: f64,
    pub d0: f64,
}

/// The terms `F(k)`, through `ln F(k) − ln F(0)` (see the module docs).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Terms<'a> {
    /// `σ`: the direction (+1 or −1) in which the `ln Γ` arguments move.
    pub sigma: f64,
    /// Arguments `A_i` with `ε_i = +1`.
    pub plus: &'a [f64],
    /// Arguments `A_i` with `ε_i = −1`.
    pub minus: &'a [f64],
    /// `c + σ Σ_i ε_i ln A_i`, formed without cancellation.
    pub log_slope: f64,
}

/// `(Σ_{k≥0} F(k), Σ_{k≥0} F(k) h(k))` for `F(0) = first` (the second is 0
/// without a weight), when the sum is long and smooth enough (and ends, to
/// 1e-22 of `F(0)`, before `k = max_index`); `None` otherwise (callers then
/// sum term by term).
pub(crate) fn tail_sums(
    first: f64,
    terms: Terms<'_>,
    weight: Option<Weight>,
    max_index: f64,
) -> Option<(f64, f64)> {
    let Terms {
        sigma,
        plus,
        minus,
        log_slope,
    } = terms;
    let a_min = plus
        .iter()
        .chain(minus)
        .fold(f64::INFINITY, |m, &a| m.min(a));
    if a_min < 100.0 {
        return None;
    }
    // Σ_i ε_i g(A_i).
    let signed = |g: &dyn Fn(f64) -> f64| -> f64 {
        plus.iter().map(|&a| g(a)).sum::<f64>() - minus.iter().map(|&a| g(a)).sum::<f64>()
    };
    let mut q = [0.0; MAX_DEGREE + 1];
    // Linear coefficient: the leading part plus the digamma corrections
    // ψ(A) − ln A = −1/(2A) − 1/(12A²) + 1/(120A⁴) − …
    let digamma_tail = |a: f64| {
        let r = 1.0 / a;
        let r2 = r * r;
        -0.5 * r - r2 / 12.0 + r2 * r2 / 120.0
    };
    q[1] = log_slope + sigma * signed(&digamma_tail);
    q[2] = signed(&|a| coefficient(a, 2));
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
    let mut higher = [0.0; MAX_DEGREE + 1];
    for &a in plus {
        add_coefficients(a, 1.0, &mut higher[..=degree]);
    }
    for &a in minus {
        add_coefficients(a, -1.0, &mut higher[..=degree]);
    }
    q[3..=degree].copy_from_slice(&higher[3..=degree]);
    let mut sign = sigma;
    for qk in q.iter_mut().take(degree + 1).skip(2) {
        sign *= sigma;
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

    // ∫₀^end F(x)/F(0) dx and ∫₀^end F(x) h(x)/F(0) dx: every node of the
    // panels first, then the exponentials of the polynomial at all of them
    // in one vectorised pass.
    let rule = panel_rule();
    let mut xs = [0.0; NODES];
    let mut ws = [0.0; NODES];
    let mut lo = 0.0;
    for (i, &drop) in DROPS[1..].iter().enumerate() {
        let hi = reach(drop);
        let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
        let at = i * PANEL_NODES;
        for (j, (&t, &w)) in rule.nodes.iter().zip(&rule.weights).enumerate() {
            xs[at + j] = mid + half * t;
            ws[at + j] = w * half;
        }
        lo = hi;
    }
    let h_parts = weighted_too.then_some([weight.u0, weight.u1, weight.d0, sigma]);
    let (plain, weighted) = exp_poly_sums(&q[1..=degree], &xs, &ws, h_parts);

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
pub(crate) fn product_difference(a: f64, b: f64, c: f64, d: f64) -> f64 {
    let cd = c * d;
    let cd_err = c.mul_add(d, -cd);
    a.mul_add(b, -cd) - cd_err
}

/// The coefficient of `y^k` (`k ≥ 2`) in `ln Γ(A + y) − ln Γ(A)`:
/// `ψ^(k−1)(A)/k! = (−1)^k [1/(k(k−1)A^(k−1)) + 1/(2kA^k) + 1/(12A^(k+1))
/// − (k+1)(k+2)/(720A^(k+3))]` (Stirling's series to `A⁻³`; `A ≥ 100`).
fn coefficient(a: f64, k: usize) -> f64 {
    let mut c = [0.0; MAX_DEGREE + 1];
    add_coefficients(a, 1.0, &mut c[..=k]);
    c[k]
}

/// Adds `sign` times [`coefficient`]`(a, k)` to `q[k]` for every `k ≥ 2`
/// of `q` (powers of `1/A` by running product, the constants from tables).
fn add_coefficients(a: f64, sign: f64, q: &mut [f64]) {
    let r = 1.0 / a;
    let mut pk = r * sign; // ± A^{−(k−1)}
    for (k, qk) in q.iter_mut().enumerate().skip(2) {
        let inner =
            pk * (INV_K_K1[k] + r * (HALF_INV_K[k] + r * (1.0 / 12.0 - r * r * K1_K2_720[k])));
        *qk += if k.is_multiple_of(2) { inner } else { -inner };
        pk *= r;
    }
}

/// `1/(k(k − 1))`, `1/(2k)` and `(k + 1)(k + 2)/720` for `2 ≤ k ≤ MAX_DEGREE`
/// (entries 0 and 1 unused), at compile time.
const INV_K_K1: [f64; MAX_DEGREE + 1] = table(0);
const HALF_INV_K: [f64; MAX_DEGREE + 1] = table(1);
const K1_K2_720: [f64; MAX_DEGREE + 1] = table(2);

const fn table(which: u8) -> [f64; MAX_DEGREE + 1] {
    let mut t = [0.0; MAX_DEGREE + 1];
    let mut k = 2;
    while k <= MAX_DEGREE {
        let kf = k as f64;
        t[k] = match which {
            0 => 1.0 / (kf * (kf - 1.0)),
            1 => 0.5 / kf,
            _ => (kf + 1.0) * (kf + 2.0) / 720.0,
        };
        k += 1;
    }
    t
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
}
