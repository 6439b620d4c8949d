//! Quadrature in logit space: `P(X > Y)` for Beta posteriors of any shapes
//! in the supported range, small ones included.
//!
//! # Method
//!
//! With `z = ln(t/(1 − t))`, Beta(α, β) has the density
//! `∝ exp(α ln σ(z) + β ln σ(−z))`, `σ(z) = 1/(1 + e^{−z})`: smooth,
//! log-concave and free of the end-point singularities that a shape below 1
//! puts at `t = 0` or `t = 1` (a shape of 1e-3 puts half the mass below
//! `t = 1e-300`, where `t` itself cannot be represented; in `z` that is
//! `z ≈ −700`, an ordinary number). The log-density is formed as its drop
//! from the mode `z* = ln(α/β)`:
//! `h(z) = bd0(α, (α + β)σ(z)) + bd0(β, (α + β)σ(−z))` (Loader's deviance,
//! no cancellation at large shapes), or from `ln σ` directly far out.
//!
//! `P(X > Y) = ∫ g_X(z) P(Y < σ(z)) dz` is integrated over the narrower of
//! the two (in `z`), both tails at once (`P(Y < t)` and `P(Y > t)` come as
//! a pair from [`beta_inc_pair_logit`], exact at any `z`), by adaptive
//! Gauss–Kronrod (G7–K15) on panels that start at the points where either
//! density has dropped by `d ∈ {0.5, 2, 4.5, …, 700}` from its mode, each
//! tail to a relative tolerance of 1e-13. The unnormalised density is
//! normalised by the sum of the two tails, so each probability keeps relative
//! accuracy (tails down to 1e-300) and they sum to 1.
//!
//! At huge shapes `f64` itself limits that: a Beta(10¹⁰, 4·10¹²) is 10⁻⁵
//! wide at `z ≈ −6`, so rounding `z` moves its density by ~1e-11 at every
//! node. The tolerance is then raised to that rounding level
//! ([`ZDist::rounding_noise`], `ε·max(|z*|, 1)/(4·width)` summed over both
//! posteriors: 9e-12 at 10⁹ trials, ~1e-9 at shapes of 10¹⁴), and panels
//! whose error bisection no longer reduces are left alone (see
//! [`integrate_pair`]); chasing the noise once took 600 panels per integral.

use crate::numeric::{bd0, beta_inc_pair_logit, softplus, trigamma};

/// Drops of the log-density from its mode at which panels start: `d = k²/2`
/// for `k` = 2, 4, …, 10 standard deviations of a normal shape, then wider
/// out to `e^{−700}`. Every integrand evaluation costs an incomplete beta
/// (or gamma), so the panels start coarse (18 per density, 270 nodes) and
/// the adaptive refinement adds nodes only where the G7–K15 error estimate
/// asks for them: with one panel per standard deviation the first pass alone
/// took ~800 evaluations, and a credible interval of the lift (dozens of
/// passes) up to 160 ms.
pub(crate) const DROPS: [f64; 9] = [2.0, 8.0, 18.0, 32.0, 50.0, 98.0, 200.0, 392.0, 700.0];

/// Index in [`DROPS`] of the last drop (50) an integral to an absolute
/// tolerance needs.
const CORE_DROP: usize = 4;

/// Relative tolerance of each tail.
pub(crate) const REL_TOL: f64 = 1e-13;

/// Most panels the adaptive quadrature may use.
const MAX_PANELS: usize = 600;

/// Beta(α, β) seen through the logit.
#[derive(Debug, Clone, Copy)]
pub(crate) struct LogitBeta {
    pub a: f64,
    pub b: f64,
}

fn sigmoid(z: f64) -> f64 {
    1.0 / (1.0 + (-z).exp())
}

/// A posterior in the variable `z` where its density is smooth and
/// log-concave: the logit of a Beta rate, the log of a Gamma rate, a Normal
/// mean as it is.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) enum ZDist {
    /// Beta(a, b) in `z = ln(t/(1 − t))`.
    Logit {
        /// α.
        a: f64,
        /// β.
        b: f64,
    },
    /// Gamma(shape a, rate r) in `z = ln λ`.
    Log {
        /// Shape.
        a: f64,
        /// Rate.
        r: f64,
    },
    /// Normal(m, s²) in `z = x`.
    Linear {
        /// Mean.
        m: f64,
        /// Standard deviation.
        s: f64,
    },
}

impl From<LogitBeta> for ZDist {
    fn from(d: LogitBeta) -> Self {
        ZDist::Logit { a: d.a, b: d.b }
    }
}

impl ZDist {
    /// The mode of the density of `z`.
    pub(crate) fn mode(&self) -> f64 {
        match *self {
            ZDist::Logit { a, b } => a.ln() - b.ln(),
            ZDist::Log { a, r } => a.ln() - r.ln(),
            ZDist::Linear { m, .. } => m,
        }
    }

    /// `d value/dz`: `t(1 − t)` for a rate, `λ` for a Poisson rate, 1 for a
    /// mean (each factor formed without cancellation).
    pub(crate) fn value_slope(&self, z: f64) -> f64 {
        match self {
            ZDist::Logit { .. } => sigmoid(z) * sigmoid(-z),
            ZDist::Log { .. } => z.exp(),
            ZDist::Linear { .. } => 1.0,
        }
    }

    /// The quantity itself at `z` (the rate, the Poisson rate, the mean).
    pub(crate) fn value(&self, z: f64) -> f64 {
        match self {
            ZDist::Logit { .. } => sigmoid(z),
            ZDist::Log { .. } => z.exp(),
            ZDist::Linear { .. } => z,
        }
    }

    /// `ln g(z*) − ln g(z) ≥ 0`: how far the log-density of `z` is below its
    /// maximum.
    pub(crate) fn drop(&self, z: f64) -> f64 {
        match *self {
            ZDist::Logit { a, b } => {
                let s = a + b;
                let (t, tc) = (sigmoid(z), sigmoid(-z));
                if t > 1e-280 && tc > 1e-280 {
                    bd0(a, s * t) + bd0(b, s * tc)
                } else {
                    a * ((a / s).ln() + softplus(-z)) + b * ((b / s).ln() + softplus(z))
                }
            }
            ZDist::Log { a, r } => {
                let m = r * z.exp();
                if (1e-280..=1e280).contains(&m) {
                    bd0(a, m)
                } else {
                    a * (a.ln() - r.ln() - z) + m - a
                }
            }
            ZDist::Linear { m, s } => {
                let u = (z - m) / s;
                0.5 * u * u
            }
        }
    }

    /// `h′(z)`.
    fn slope(&self, z: f64) -> f64 {
        match *self {
            ZDist::Logit { a, b } => (a + b) * sigmoid(z) - a,
            ZDist::Log { a, r } => r * z.exp() - a,
            ZDist::Linear { m, s } => (z - m) / (s * s),
        }
    }

    /// `1/√(−(ln g)″)` at the mode.
    fn scale(&self) -> f64 {
        match *self {
            ZDist::Logit { a, b } => ((a + b) / (a * b)).sqrt(),
            ZDist::Log { a, .. } => 1.0 / a.sqrt(),
            ZDist::Linear { s, .. } => s,
        }
    }

    /// Relative rounding noise of the density (or distribution function)
    /// evaluated at a rounded `z`: `ε·max(|z*|, 1)/scale`, a quarter of the
    /// rounding of `z` (or of the rate formed from it) in units of the
    /// distribution's width. A Beta(10¹⁰, 4·10¹²) sits at `z ≈ −6` with a
    /// width of 10⁻⁵: every evaluation then moves by ~1e-11 whatever the
    /// quadrature does.
    pub(crate) fn rounding_noise(&self) -> f64 {
        let centre = match *self {
            ZDist::Linear { m, s } => (m / s).abs(),
            _ => self.mode().abs().max(1.0) / self.scale(),
        };
        0.25 * f64::EPSILON * centre.max(1.0)
    }

    /// Standard deviation of `z`.
    pub(crate) fn z_sd(&self) -> f64 {
        match *self {
            ZDist::Logit { a, b } => (trigamma(a) + trigamma(b)).sqrt(),
            ZDist::Log { a, .. } => trigamma(a).sqrt(),
            ZDist::Linear { s, .. } => s,
        }
    }

    /// Points where the density has dropped by each of `drops`, on both
    /// sides of the mode, ascending, with the mode itself.
    pub(crate) fn drop_points(&self, drops: &[f64]) -> Vec<f64> {
        let mode = self.mode();
        let scale = self.scale();
        let mut pts = Vec::with_capacity(2 * drops.len() + 1);
        pts.push(mode);
        for side in [-1.0, 1.0] {
            let mut from = mode;
            for &d in drops {
                let z = match *self {
                    ZDist::Linear { m, s } => m + side * (2.0 * d).sqrt() * s,
                    _ => solve_drop(self, mode, from, side, d, scale),
                };
                pts.push(z);
                from = z;
            }
        }
        pts.retain(|z| z.is_finite());
        pts.sort_by(f64::total_cmp);
        pts.dedup();
        pts
    }
}

/// The `z` on `side` of the mode where the drop is `d` (to a few percent:
/// panel ends need no precision), from `from` (where the drop is below `d`).
fn solve_drop(dist: &ZDist, mode: f64, from: f64, side: f64, d: f64, scale: f64) -> f64 {
    let h = |z: f64| dist.drop(z);
    // Bracket: step out from `from` by doubling.
    let mut lo = from;
    let mut step = ((2.0 * d).sqrt() * scale).max((from - mode).abs() * 0.25);
    if !(step > 0.0 && step.is_finite()) {
        step = 1.0;
    }
    let mut hi = from + side * step;
    let mut guard = 0;
    while h(hi) < d && guard < 2_000 {
        lo = hi;
        step *= 2.0;
        hi = from + side * step;
        guard += 1;
    }
    for _ in 0..100 {
        let hh = h(hi);
        let mut next = hi - (hh - d) / dist.slope(hi);
        let inside = if side > 0.0 {
            next > lo && next < hi
        } else {
            next < lo && next > hi
        };
        if !inside || !next.is_finite() {
            next = 0.5 * (lo + hi);
        }
        let hn = h(next);
        if (hn - d).abs() <= 0.02 * d || (hi - lo).abs() <= 1e-12 * (1.0 + hi.abs()) {
            return next;
        }
        if hn < d {
            lo = next;
        } else {
            hi = next;
        }
    }
    0.5 * (lo + hi)
}

/// `(P(X > Y), P(Y > X))` for independent Beta variables, by quadrature in
/// logit space (see the module docs).
pub(crate) fn prob_greater(x: LogitBeta, y: LogitBeta) -> (f64, f64) {
    let (zx, zy) = (ZDist::from(x), ZDist::from(y));
    let x_narrow = zx.z_sd() <= zy.z_sd();
    let (zn, (wide, zw)) = if x_narrow {
        (zx, (y, zy))
    } else {
        (zy, (x, zx))
    };
    let mut breaks = zn.drop_points(&DROPS);
    if breaks.len() < 2 {
        return (f64::NAN, f64::NAN);
    }
    let (lo, hi) = (breaks[0], breaks[breaks.len() - 1]);
    breaks.extend(
        zw.drop_points(&DROPS)
            .into_iter()
            .filter(|&z| z > lo && z < hi),
    );
    breaks.sort_by(f64::total_cmp);
    breaks.dedup();
    // ∫ g_narrow(z) (P(wide < σ(z)), P(wide > σ(z))) dz.
    let (below, above) = integrate_pair(
        |z| {
            let g = (-zn.drop(z)).exp();
            if g == 0.0 {
                return (0.0, 0.0);
            }
            let (lower, upper) = beta_inc_pair_logit(wide.a, wide.b, z);
            (g * lower, g * upper)
        },
        &breaks,
        REL_TOL,
        0.0,
        zn.rounding_noise() + zw.rounding_noise(),
    );
    let norm = below + above;
    if !(norm > 0.0 && norm.is_finite()) {
        return (f64::NAN, f64::NAN);
    }
    // P(narrow > wide) = below.
    let (n_gt, w_gt) = (
        (below / norm).clamp(0.0, 1.0),
        (above / norm).clamp(0.0, 1.0),
    );
    if x_narrow { (n_gt, w_gt) } else { (w_gt, n_gt) }
}

/// `(P(B ≤ c·A), P(B > c·A))` given `A` at `z` (in `A`'s own variable) and
/// `ln c` (a lift of `c − 1`), for `B` of the same family, each tail
/// directly. Taking `ln c` rather than the lift keeps `c` exact near 0 (a
/// lift of `−1 + 10⁻¹⁰` has only six digits of `c` left).
fn scaled_tails(b: &ZDist, a_z: f64, ln_c: f64) -> (f64, f64) {
    match *b {
        ZDist::Logit { a: ab, b: bb } => {
            if ln_c == 0.0 {
                return beta_inc_pair_logit(ab, bb, a_z);
            }
            let ln_x = ln_c - softplus(-a_z);
            if ln_x >= 0.0 {
                return (1.0, 0.0);
            }
            if ln_x < -600.0 {
                // x = c·σ(z) is tiny: its logit is ln x to within x.
                return beta_inc_pair_logit(ab, bb, ln_x);
            }
            let x = ln_c.exp() * sigmoid(a_z);
            // 1 − x = σ(−z) − (c − 1)σ(z), exact where it matters (x near 1).
            let xc = sigmoid(-a_z) - ln_c.exp_m1() * sigmoid(a_z);
            if xc.is_nan() || xc <= 0.0 || x >= 1.0 {
                return (1.0, 0.0);
            }
            if xc < 1e-280 {
                return beta_inc_pair_logit(ab, bb, ln_x - xc.ln());
            }
            crate::numeric::beta_inc_pair(ab, bb, x, xc)
        }
        ZDist::Log { a, r } => {
            let ln_y = r.ln() + ln_c + a_z;
            if ln_y < -600.0 {
                // P(a, y) = y^a/Γ(a + 1) (1 + O(y)).
                let lower = (a * ln_y - crate::numeric::ln_gamma(1.0 + a))
                    .exp()
                    .min(1.0);
                return (lower, 1.0 - lower);
            }
            if ln_y > 700.0 {
                return (1.0, 0.0);
            }
            crate::numeric::gamma_pair(a, ln_y.exp())
        }
        ZDist::Linear { m, s } => {
            let x = ln_c.exp() * a_z;
            let u = (x - m) / s;
            (crate::numeric::normal_cdf(u), crate::numeric::normal_sf(u))
        }
    }
}

/// `B`'s point `v` (a value of the quantity) in `A`'s variable after
/// dividing by `c = e^{ln_c}`, when it is inside `A`'s support.
fn to_a_variable(a: &ZDist, v: f64, ln_c: f64) -> Option<f64> {
    let t = v * (-ln_c).exp();
    match a {
        ZDist::Logit { .. } => (t > 0.0 && t < 1.0).then(|| t.ln() - (-t).ln_1p()),
        ZDist::Log { .. } => (t > 0.0).then(|| t.ln()),
        ZDist::Linear { .. } => Some(t),
    }
}

/// `(P(B ≤ c A), P(B > c A))` for `ln c = ln_c` by adaptive quadrature over
/// `A`'s density in its smooth variable, each tail to relative `rel_tol`:
/// the relative lift's distribution at any shapes (see [`super::lift`]).
pub(crate) fn lift_tails(a: ZDist, b: ZDist, ln_c: f64, rel_tol: f64, abs_tol: f64) -> (f64, f64) {
    LiftTails::new(a, b).at(ln_c, rel_tol, abs_tol)
}

/// [`lift_tails`] for many thresholds over the same pair: both
/// distributions' breakpoints are found once (a quantile solve evaluates
/// the tails at dozens of thresholds).
pub(crate) struct LiftTails {
    a: ZDist,
    b: ZDist,
    /// A's breakpoints in its own variable.
    a_breaks: Vec<f64>,
    /// A's breakpoints out to a drop of [`CORE_DROP`]: enough for an
    /// absolute tolerance (the rest of A's mass is below `e^{−50}`).
    a_core: Vec<f64>,
    /// B's breakpoints as values of B's parameter.
    b_values: Vec<f64>,
}

impl LiftTails {
    pub(crate) fn new(a: ZDist, b: ZDist) -> Self {
        let a_breaks = a.drop_points(&DROPS);
        // The core is a subset of the breakpoints (each side is solved
        // outward from the mode): those below midway to the next drop.
        let cut = 0.5 * (DROPS[CORE_DROP] + DROPS[CORE_DROP + 1]);
        let a_core = a_breaks
            .iter()
            .copied()
            .filter(|&z| a.drop(z) < cut)
            .collect();
        Self {
            a,
            b,
            a_breaks,
            a_core,
            b_values: b
                .drop_points(&DROPS)
                .into_iter()
                .map(|zb| b.value(zb))
                .collect(),
        }
    }

    /// `(P(B/A ≤ c), P(B/A > c))` for `ln c = ln_c`, as [`lift_tails`].
    pub(crate) fn at(&self, ln_c: f64, rel_tol: f64, abs_tol: f64) -> (f64, f64) {
        let (a, b) = (&self.a, &self.b);
        let a_breaks = if abs_tol > 0.0 {
            &self.a_core
        } else {
            &self.a_breaks
        };
        if a_breaks.len() < 2 {
            return (f64::NAN, f64::NAN);
        }
        let (lo, hi) = (a_breaks[0], a_breaks[a_breaks.len() - 1]);
        let mut breaks = a_breaks.clone();
        breaks.extend(
            self.b_values
                .iter()
                .filter_map(|&vb| to_a_variable(a, vb, ln_c))
                .filter(|&z| z > lo && z < hi),
        );
        breaks.sort_by(f64::total_cmp);
        breaks.dedup();
        let (below, above) = integrate_pair(
            |z| {
                let g = (-a.drop(z)).exp();
                if g == 0.0 {
                    return (0.0, 0.0);
                }
                let (lower, upper) = scaled_tails(b, z, ln_c);
                (g * lower, g * upper)
            },
            &breaks,
            rel_tol,
            abs_tol,
            a.rounding_noise() + b.rounding_noise(),
        );
        let norm = below + above;
        if !(norm > 0.0 && norm.is_finite()) {
            return (f64::NAN, f64::NAN);
        }
        (
            (below / norm).clamp(0.0, 1.0),
            (above / norm).clamp(0.0, 1.0),
        )
    }
}

/// One G7–K15 panel of a pair of integrands: its ends, values, error
/// estimates, and which error estimates are rounding noise (see
/// [`integrate_pair`]).
#[derive(Clone, Copy)]
struct Panel {
    a: f64,
    b: f64,
    value: [f64; 2],
    error: [f64; 2],
    noise: [bool; 2],
}

impl Panel {
    fn new(f: &mut impl FnMut(f64) -> (f64, f64), a: f64, b: f64, noise: [bool; 2]) -> Self {
        let (value, error) = crate::numeric::quad::gk15_pair(f, a, b);
        Self {
            a,
            b,
            value,
            error,
            noise,
        }
    }
}

/// Adaptive G7–K15 of two integrands at once over the panels of `breaks`,
/// bisecting the panel with the largest error relative to its integrand's
/// total until each total is within `rel_tol` of itself or within `abs_tol`
/// of the sum of both totals (or [`MAX_PANELS`]). `abs_tol = 0` keeps each
/// tail's relative accuracy; a quantile search needs only absolute accuracy
/// and spares refining a tail of, say, 1e-200. Neither tolerance is taken
/// below `noise`, the integrands' relative rounding noise (see
/// [`ZDist::rounding_noise`]).
///
/// Errors that bisection does not reduce are rounding noise (in the spirit
/// of QUADPACK's round-off test): when the two halves of a panel together
/// estimate between half and twice its error while their sum moved from
/// its value by no more than twice that error, and that error is below
/// 1e-8 of the panel's value (rounding cannot make more), that integrand's error on
/// the panel and its descendants no longer counts and is not refined. A posterior with shapes near 10¹⁰ is 10⁻⁵ wide in `z`
/// at `|z| ≈ 5`, so the rounding of `z` alone moves its density by ~1e-11
/// relative at every node; chasing that to 1e-13 once took 600 panels per
/// integral, and a lift interval 1.5 s.
pub(crate) fn integrate_pair(
    mut f: impl FnMut(f64) -> (f64, f64),
    breaks: &[f64],
    rel_tol: f64,
    abs_tol: f64,
    noise: f64,
) -> (f64, f64) {
    let rel_tol = rel_tol.max(noise);
    let abs_tol = if abs_tol > 0.0 {
        abs_tol.max(noise)
    } else {
        0.0
    };
    let mut panels: Vec<Panel> = breaks
        .windows(2)
        .filter(|w| w[1] > w[0])
        .map(|w| Panel::new(&mut f, w[0], w[1], [false; 2]))
        .collect();
    loop {
        let mut value = [0.0; 2];
        let mut error = [0.0; 2];
        for p in &panels {
            for i in 0..2 {
                value[i] += p.value[i];
                if !p.noise[i] {
                    error[i] += p.error[i];
                }
            }
        }
        // A total below 1e-300 (with its error) is zero for every purpose
        // here: refining it further would only chase subnormal noise. (Above
        // it, the coarse first panels leave a tail of 1e-282 wrong by 1e-7:
        // it must be refined like any other.)
        let floor = abs_tol * (value[0].abs() + value[1].abs());
        let negligible = |i: usize| value[i].abs() + error[i] < 1e-300 || error[i] <= floor;
        let done = (0..2).all(|i| error[i] <= rel_tol * value[i].abs() || negligible(i));
        if done || panels.len() >= MAX_PANELS || panels.is_empty() {
            return (value[0], value[1]);
        }
        // The panel with the largest error relative to its integrand.
        let scale = |i: usize| {
            if value[i] > 0.0 && !negligible(i) {
                1.0 / value[i]
            } else {
                0.0
            }
        };
        let (s0, s1) = (scale(0), scale(1));
        let relative = |p: &Panel, i: usize, s: f64| if p.noise[i] { 0.0 } else { p.error[i] * s };
        let (worst, _) = panels.iter().enumerate().fold((0, -1.0), |best, (i, p)| {
            let e = relative(p, 0, s0).max(relative(p, 1, s1));
            if e > best.1 { (i, e) } else { best }
        });
        let parent = panels.swap_remove(worst);
        let (a, b) = (parent.a, parent.b);
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            return (value[0], value[1]);
        }
        let mut left = Panel::new(&mut f, a, m, parent.noise);
        let mut right = Panel::new(&mut f, m, b, parent.noise);
        for i in 0..2 {
            let (pe, ce) = (parent.error[i], left.error[i] + right.error[i]);
            let change = (left.value[i] + right.value[i] - parent.value[i]).abs();
            // Noise: the halves' error is about the parent's and the value
            // moved by no more than that error. (Under-resolution shows as
            // an error that grows, or a value that moves by more than the
            // parent claimed.)
            let stuck = ce >= 0.5 * pe
                && ce <= 2.0 * pe
                && change <= 2.0 * pe
                && pe <= 1e-8 * parent.value[i].abs();
            if stuck && pe > 0.0 {
                left.noise[i] = true;
                right.noise[i] = true;
            }
        }
        panels.push(left);
        panels.push(right);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn closed_forms() {
        // P(Beta(1, 1) > Beta(1, 1)) = ½; P(Beta(2, 1) > Beta(1, 1)) = 2/3.
        let u = LogitBeta { a: 1.0, b: 1.0 };
        let (p, q) = prob_greater(u, u);
        assert!(
            (p - 0.5).abs() < 1e-14 && (q - 0.5).abs() < 1e-14,
            "{p} {q}"
        );
        let (p, _) = prob_greater(LogitBeta { a: 2.0, b: 1.0 }, u);
        assert!((p - 2.0 / 3.0).abs() < 1e-14, "{p}");
        // [B(1, 0.001) vs B(1, 1)]: P(X > Y) = 1 − 1/(1.001·2.001)·… = 1 − E[(1−Y)…];
        // P(Beta(1, b) < Y) = E[(1 − Y)^b] = 1/(1 + b) for Y uniform.
        let (p, q) = prob_greater(u, LogitBeta { a: 1.0, b: 1e-3 });
        assert!((p - 1.0 / 1.001 * 1e-3).abs() < 1e-15, "{p} {q}");
    }
}
