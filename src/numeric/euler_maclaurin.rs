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
//! below 1e-17 here). Every piece comes from the Taylor series
//! `ln F(x) − ln F(0) = Σ_{k ≥ 1} q_k x^k`, with
//! `q_k = σ^k Σ_i ε_i ψ^(k−1)(A_i)/k!` for `k ≥ 2` (asymptotic polygamma
//! series, `A_i ≥ 10²`). The linear coefficient `c + σ Σ_i ε_i ψ(A_i)` is
//! passed in as its leading part `c + σ Σ_i ε_i ln A_i`, which callers form
//! without cancellation (it is the log of a term ratio close to 1), plus
//! digamma corrections added here.
//!
//! The integral is taken by 12-point Gauss–Legendre panels that end at
//! log-drops of 2, 8, 18, 32 and 52 from `F(0)` (each panel's error relative
//! to the whole is below 1e-16 whether the terms fall like a Gaussian or like
//! an exponential), 60 evaluations of `ln F` and `exp`; the boundary terms
//! come from the power series of `exp` of the Taylor polynomial. A weight
//! `h(x) = (u₀ + u₁x)/(d₀ + σx)` can be carried along, so the same nodes
//! give `Σ F(k) h(k)`.
//!
//! `ln F` at the nodes comes from one of two places:
//!
//! - Where the tail ends within `A_min/4` (large counts), from one
//!   polynomial: the Taylor series converges geometrically there and is cut
//!   where its remainder is below 1e-17.
//! - Where it reaches further (a few hundred to a few thousand terms: the
//!   middle sizes, 10³ to 10⁶ trials), panel by panel: a panel that starts
//!   at drop `d` holds at most `e^{−d}` of the sum, so its log-terms may err
//!   by up to about `1e-17·e^{0.8d}`, and each panel gets the lowest degree
//!   of the same series that meets its own tolerance (at most 40). A panel
//!   that no degree serves is evaluated directly, from Stirling's series of
//!   each `ln Γ` ratio in a form that keeps its digits (see [`Direct`]).
//!   The panel ends come from a quadratic model of the drop; where the true
//!   drop at the last end falls short of it (the cubic and later terms
//!   raise a long tail), the panels are stretched until it does not.

use crate::numeric::lanes::{BLOCK, BlockFn, Polynomial, exp_sums, ln_1p_minus_lane_inv};
use crate::numeric::quad::{PANEL_NODES, panel_rule};

/// Highest degree of the polynomial `ln F(x) − ln F(0)`.
const MAX_DEGREE: usize = 40;

/// Log-drops from `F(0)` at the panel ends.
const DROPS: [f64; 6] = [0.0, 2.0, 8.0, 18.0, 32.0, 52.0];

/// Panels of the integral: one between each two drops.
const PANELS: usize = DROPS.len() - 1;

/// Nodes of the integral: a Gauss–Legendre panel between each two drops,
/// each one block of the vectorised kernel.
const NODES: usize = PANELS * PANEL_NODES;
const _: () = assert!(PANEL_NODES == BLOCK);

/// `e^{0.8 d}` for the drop `d` where each panel starts: how much more a
/// panel's log-terms may err than the first's (a panel starting at drop
/// `d` holds at most `e^{−d}` of the sum; 0.8 as the true drops at
/// stretched panels are not quite the quadratic model's).
const PANEL_SLACK: [f64; PANELS] = [
    1.0,
    4.953_032_424_395_115,   // e^1.6
    601.845_037_872_082_2,   // e^6.4
    1_794_074.772_606_215_2, // e^14.4
    131_201_480_802.877_09,  // e^25.6
];

/// Fewest terms (to the last drop) for which the panels are evaluated
/// apart, each by its own degree: below, adding the terms one by one is
/// cheaper.
const HYBRID_MIN_TERMS: f64 = 520.0;

/// Most the `ln Γ` ratios may add up to (in absolute value) at the end of
/// the first panel, where the sum's drop is 2, for the panels to be
/// evaluated apart: their rounding, about 1e-16 of that, is the error of
/// the log-terms where the sum's mass is (20 to 30 for the middle sizes).
const MAX_BULK: f64 = 100.0;

/// What a panel evaluated directly adds to [`HYBRID_MIN_TERMS`].
const DIRECT_PANEL_TERMS: f64 = 250.0;

/// Most `ln Γ` arguments a sum may have (four for `P(X > Y)`, fewer for
/// the incomplete beta and gamma): the Taylor coefficients and the direct
/// evaluation take them side by side in lanes of this width.
const MAX_ARGS: usize = 4;

/// Terms of the Taylor series of `F/F(0)` and of the weight kept for the
/// boundary series.
const ORDER: usize = 10;

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

impl Terms<'_> {
    /// Each argument `A_i` with its sign `ε_i`, `plus` first.
    fn signed(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let plus = self.plus.iter().map(|&a| (a, 1.0));
        plus.chain(self.minus.iter().map(|&a| (a, -1.0)))
    }
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
    if a_min < 100.0 || plus.len() + minus.len() > MAX_ARGS {
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
    let mut end = reach(DROPS[5]);
    // Euler–Maclaurin's boundary series needs s well below 2π; the tail
    // must be long (else the plain sum is cheaper).
    if s > 0.2 || end < MIN_TERMS {
        return None;
    }
    // One polynomial over the whole range where its Taylor series about 0
    // converges fast (ρ = end/A_min ≤ ¼) and reaches the last drop; else,
    // for long tails, a degree for each panel and the direct evaluation
    // where none suffices.
    let rho = end / a_min;
    if rho <= 0.25
        && let Some(degree) = degree_for(a_min, rho, 1e-17)
    {
        signed_coefficients(terms, &mut q[..=degree]);
        let log_terms = Polynomial(&q[1..=degree]);
        if log_terms.value(end) <= -0.85 * DROPS[5] && end <= max_index {
            return Some(integrate(
                first, &q, degree, sigma, weight, &reach, &log_terms,
            ));
        }
    }
    // Past ρ ≈ ½ the last panel is evaluated directly: not worth it for
    // a tail that adding term by term finishes as fast (decided before any
    // of the work).
    if end < HYBRID_MIN_TERMS || (rho > 0.5 && end < HYBRID_MIN_TERMS + DIRECT_PANEL_TERMS) {
        return None;
    }
    // Each `ln Γ` ratio grows like x²/(2A) while their signed sum stays
    // near the drop: where the ratios at the first panel's end add up to
    // far more (nearly equal arguments, a tail of billions of terms), the
    // sum would cancel their digits away.
    let near = reach(DROPS[1]);
    let bulk: f64 = plus
        .iter()
        .chain(minus)
        .map(|&a| near * near / (2.0 * a))
        .sum();
    if bulk.is_nan() || bulk > MAX_BULK {
        return None;
    }
    let direct = Direct::new(terms);
    // The panels end where the quadratic model drops by DROPS; the true
    // drop at `end` may fall short of the model's (the cubic and later
    // terms raise the tail), and the panels are then stretched until it
    // does not.
    let mut stretch = 1.0;
    for tries in 0.. {
        if !direct.covers(end) {
            return None;
        }
        let ln_end = direct.ln_ratio(end);
        if ln_end <= -0.85 * DROPS[5] {
            break;
        }
        if tries == 3 || ln_end.is_nan() || ln_end >= -1.0 {
            return None;
        }
        let factor = (DROPS[5] / -ln_end).sqrt();
        stretch *= factor;
        end *= factor;
    }
    if end > max_index {
        return None;
    }
    // A panel starting at drop d holds at most e^{−d} of the sum, so its
    // log-terms may err by up to 1e-17·e^{0.8d} ([`PANEL_SLACK`]).
    let mut degrees = [None; PANELS];
    let mut degree = ORDER - 1;
    for ((slot, &drop), &slack) in degrees.iter_mut().zip(&DROPS[1..]).zip(&PANEL_SLACK) {
        let rho = stretch * reach(drop) / a_min;
        *slot = degree_for(a_min, rho, 1e-17 * slack * (1.0 - rho));
        degree = degree.max(slot.unwrap_or(0));
    }
    // Each directly evaluated panel costs about as much as adding another
    // [`DIRECT_PANEL_TERMS`] terms one by one.
    let direct_panels = degrees.iter().filter(|d| d.is_none()).count() as f64;
    if end < HYBRID_MIN_TERMS + DIRECT_PANEL_TERMS * direct_panels {
        return None;
    }
    signed_coefficients(terms, &mut q[..=degree]);
    let log_terms = Hybrid {
        q: &q,
        degrees,
        direct,
    };
    let ends = |d| stretch * reach(d);
    Some(integrate(
        first, &q, degree, sigma, weight, &ends, &log_terms,
    ))
}

/// `(Σ_{k≥0} F(k), Σ_{k≥0} F(k) h(k))` by Euler–Maclaurin: the integral by
/// the panels, which end at `ends(d)` for each drop `d` of [`DROPS`], with
/// `log_terms` giving `ln F − ln F(0)` at their nodes, and the boundary
/// terms from the Taylor coefficients `q[1..=degree]` of `ln F`.
fn integrate(
    first: f64,
    q: &[f64; MAX_DEGREE + 1],
    degree: usize,
    sigma: f64,
    weight: Option<Weight>,
    ends: &dyn Fn(f64) -> f64,
    log_terms: &impl BlockFn,
) -> (f64, f64) {
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
        let hi = ends(drop);
        let (mid, half) = (0.5 * (lo + hi), 0.5 * (hi - lo));
        let at = i * PANEL_NODES;
        for (j, (&t, &w)) in rule.nodes.iter().zip(&rule.weights).enumerate() {
            xs[at + j] = mid + half * t;
            ws[at + j] = w * half;
        }
        lo = hi;
    }
    let h_parts = weighted_too.then_some([weight.u0, weight.u1, weight.d0, sigma]);
    let (plain, weighted) = exp_sums(&xs, &ws, h_parts, log_terms);

    // Boundary terms from the Taylor series of F/F(0) = exp(Σ q_k x^k)
    // (e_n = (1/n) Σ k q_k e_{n−k}) and of h.
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
    (
        first * (plain + boundary(&e)),
        first * (weighted + boundary(&eh)),
    )
}

/// Least `A_i + σx` the direct evaluation meets: Stirling's series to
/// `z⁻⁵` then leaves less than 6e-18.
const DIRECT_MIN_ARGUMENT: f64 = 100.0;

/// `ln F(x) − ln F(0)` evaluated directly, for panels beyond the reach of
/// the Taylor polynomial about 0: `x·log_slope + Σ_i ε_i D(A_i, σx)`
/// with `D(A, y) = ln Γ(A + y) − ln Γ(A) − y ln A`. From Stirling's series,
/// `D = (y − ½)u + (A + y − ½)(ln(1 + u) − u) + S(A + y) − S(A)`, `u = y/A`,
/// `S(z) = 1/(12z) − 1/(360z³) + 1/(1260z⁵)`: each part keeps its digits
/// (`ln(1 + u) − u` by [`ln_1p_minus_lane_inv`], relative), so near `x = 0`,
/// where the sum's mass is, the error is a few ulp of `|D| ≈ x²/(2A)`, as
/// for the polynomial.
struct Direct {
    sigma: f64,
    log_slope: f64,
    /// `(A, 1/A, S(A), ε)` per argument.
    args: [(f64, f64, f64, f64); MAX_ARGS],
    len: usize,
}

impl Direct {
    /// The evaluation for `terms` (at most [`MAX_ARGS`] arguments, as
    /// [`tail_sums`] checks).
    fn new(terms: Terms<'_>) -> Self {
        let mut args = [(1.0, 1.0, 0.0, 0.0); MAX_ARGS];
        let mut len = 0;
        for (slot, (a, sign)) in args.iter_mut().zip(terms.signed()) {
            *slot = (a, 1.0 / a, stirling(1.0 / a), sign);
            len += 1;
        }
        Direct {
            sigma: terms.sigma,
            log_slope: terms.log_slope,
            args,
            len,
        }
    }

    /// Whether every `A_i + σx` stays above [`DIRECT_MIN_ARGUMENT`] for
    /// `x` up to `end`.
    fn covers(&self, end: f64) -> bool {
        self.args[..self.len]
            .iter()
            .all(|&(a, ..)| a + self.sigma * end >= DIRECT_MIN_ARGUMENT)
    }

    /// `ln F(x) − ln F(0)` at one point.
    fn ln_ratio(&self, x: f64) -> f64 {
        self.args[..self.len]
            .iter()
            .fold(self.log_slope * x, |acc, arg| {
                acc + arg.3 * shifted_ln_gamma(arg, self.sigma * x)
            })
    }
}

/// `ln F(x) − ln F(0)` at a block of points.
impl BlockFn for Direct {
    #[inline(always)]
    fn at(&self, _block: usize, x: &[f64; BLOCK]) -> [f64; BLOCK] {
        let mut acc = [0.0; BLOCK];
        for (l, &xj) in acc.iter_mut().zip(x) {
            *l = self.log_slope * xj;
        }
        for arg in &self.args[..self.len] {
            for (l, &xj) in acc.iter_mut().zip(x) {
                *l += arg.3 * shifted_ln_gamma(arg, self.sigma * xj);
            }
        }
        acc
    }
}

/// The log-terms panel by panel: `q[1..=degree]` on panels that have a
/// degree, [`Direct`] on the others (each panel is one block).
struct Hybrid<'a> {
    q: &'a [f64; MAX_DEGREE + 1],
    degrees: [Option<usize>; PANELS],
    direct: Direct,
}

impl BlockFn for Hybrid<'_> {
    #[inline(always)]
    fn at(&self, block: usize, x: &[f64; BLOCK]) -> [f64; BLOCK] {
        match self.degrees.get(block).copied().flatten() {
            Some(degree) => Polynomial(&self.q[1..=degree]).at(block, x),
            None => self.direct.at(block, x),
        }
    }
}

/// The lowest degree (at most [`MAX_DEGREE`]) at which a polynomial of
/// `ln F` about 0 is within `tolerance` up to `x = ρ A_min`: where the first
/// omitted coefficient contributes less (at most `4 A_min ρ^k/(k(k−1))`).
fn degree_for(a_min: f64, rho: f64, tolerance: f64) -> Option<usize> {
    let mut degree = 2;
    let mut next = 4.0 * a_min * rho.powi(3) / 6.0;
    // Two degrees at a time while even the second is too few (the bounds
    // fall with the degree), then one at a time.
    let rho2 = rho * rho;
    while degree + 2 <= MAX_DEGREE {
        let after = next * rho2 * K2_K_2[degree + 3];
        if after <= tolerance {
            break;
        }
        degree += 2;
        next = after;
    }
    while next > tolerance {
        degree += 1;
        if degree > MAX_DEGREE {
            return None;
        }
        next *= rho * K2_K[degree + 1];
    }
    Some(degree)
}

/// `D(A, y) = ln Γ(A + y) − ln Γ(A) − y ln A` for the argument
/// `(A, 1/A, S(A), ε)` (see [`Direct`]).
#[inline(always)]
fn shifted_ln_gamma(&(a, inv, s_a, _): &(f64, f64, f64, f64), y: f64) -> f64 {
    let u = y * inv;
    let z = a + y;
    let r = 1.0 / z;
    (y - 0.5) * u + (z - 0.5) * ln_1p_minus_lane_inv(u, z * inv, a * r) + (stirling(r) - s_a)
}

/// `S(z) = ln Γ(z) − (z − ½) ln z + z − ½ ln 2π` by Stirling's series to
/// `z⁻⁵`, from `r = 1/z`.
#[inline(always)]
fn stirling(r: f64) -> f64 {
    let r2 = r * r;
    r * (1.0 / 12.0 - r2 * (1.0 / 360.0 - r2 / 1260.0))
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
    let r = 1.0 / a;
    let pk = (2..k).fold(r, |p, _| p * r);
    let c = pk * stirling_factor(r, k);
    if k.is_multiple_of(2) { c } else { -c }
}

/// Sets `q[k]` to `σ^k Σ_i ε_i` [`coefficient`]`(A_i, k)` (`ε_i = +1` for
/// `plus`, `−1` for `minus`) for every `k ≥ 3` of `q`: the (at most
/// [`MAX_ARGS`]) arguments side by side in the lanes of one loop, their
/// terms added in the order of the arguments.
fn signed_coefficients(terms: Terms<'_>, q: &mut [f64]) {
    // Each lane's `r = 1/A` and `ε A^{−(k−1)}` (unused lanes add 0).
    let mut r = [1.0; MAX_ARGS];
    let mut pk = [0.0; MAX_ARGS];
    for (i, (a, sign)) in terms.signed().take(MAX_ARGS).enumerate() {
        r[i] = 1.0 / a;
        pk[i] = r[i] * r[i] * sign;
    }
    for (k, qk) in q.iter_mut().enumerate().skip(3) {
        let mut inner = [0.0; MAX_ARGS];
        for i in 0..MAX_ARGS {
            inner[i] = pk[i] * stirling_factor(r[i], k);
            pk[i] *= r[i];
        }
        let sum = ((inner[0] + inner[1]) + inner[2]) + inner[3];
        *qk = if flips(k, terms.sigma) { -sum } else { sum };
    }
}

/// Whether `(−1)^k σ^k` is −1: the sign of the `k`th coefficient of
/// `ln Γ(A + σx)` relative to [`stirling_factor`]'s.
#[inline(always)]
fn flips(k: usize, sigma: f64) -> bool {
    sigma > 0.0 && !k.is_multiple_of(2)
}

/// `A^{k−1}` times the magnitude of [`coefficient`]`(A, k)`, from `r = 1/A`:
/// `1/(k(k−1)) + r/(2k) + r²/12 − r⁴(k+1)(k+2)/720`.
#[inline(always)]
fn stirling_factor(r: f64, k: usize) -> f64 {
    INV_K_K1[k] + r * (HALF_INV_K[k] + r * (1.0 / 12.0 - r * r * K1_K2_720[k]))
}

/// `1/(k(k − 1))`, `1/(2k)` and `(k + 1)(k + 2)/720` for `2 ≤ k ≤ MAX_DEGREE`
/// (entries 0 and 1 unused), at compile time.
const INV_K_K1: [f64; MAX_DEGREE + 1] = table(0);
const HALF_INV_K: [f64; MAX_DEGREE + 1] = table(1);
const K1_K2_720: [f64; MAX_DEGREE + 1] = table(2);

/// `(k − 2)/k` for `2 ≤ k ≤ MAX_DEGREE + 2`: the ratio of the bounds of
/// successive coefficients' contributions in [`degree_for`].
const K2_K: [f64; MAX_DEGREE + 3] = table(3);

/// `K2_K[k − 1]·K2_K[k]`: two steps of [`degree_for`] at once.
const K2_K_2: [f64; MAX_DEGREE + 3] = {
    let mut t = [0.0; MAX_DEGREE + 3];
    let mut k = 3;
    while k < MAX_DEGREE + 3 {
        t[k] = K2_K[k - 1] * K2_K[k];
        k += 1;
    }
    t
};

const fn table<const N: usize>(which: u8) -> [f64; N] {
    let mut t = [0.0; N];
    let mut k = 2;
    while k < N {
        let kf = k as f64;
        t[k] = match which {
            0 => 1.0 / (kf * (kf - 1.0)),
            1 => 0.5 / kf,
            2 => (kf + 1.0) * (kf + 2.0) / 720.0,
            _ => (kf - 2.0) / kf,
        };
        k += 1;
    }
    t
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn direct_evaluation_matches_mpmath() {
        // D(A, y) = ln Γ(A + y) − ln Γ(A) − y ln A at 40 digits (mpmath):
        // relative error within a few ulp, from y = −0.36 A to y = 2.7 A.
        let cases = [
            (150.0, -40.0, 6.038237369667691),
            (1502.0, 300.0, 28.0524306916653),
            (1502.0, 1200.0, 386.30642011843986),
            (6669.0, -2500.0, 541.6648658665129),
            (6669.0, 4000.0, 1012.8338713765099),
            (3.5e5, -1.2e5, 23433.825448186286),
        ];
        for (a, y, want) in cases {
            let arg = (a, 1.0 / a, stirling(1.0 / a), 1.0);
            let got = shifted_ln_gamma(&arg, y);
            assert!(
                ((got - want) / want).abs() < 2e-15,
                "{a} {y}: {got} vs {want}"
            );
        }
    }

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
