//! Deterministic quadrature: Gauss–Legendre rules and adaptive Gauss–Kronrod.

use std::fmt;
use std::sync::OnceLock;

use crate::report::format::number;

/// Nodes and weights of the `n`-point Gauss–Legendre rule on `[−1, 1]`,
/// computed by Newton's method on the Legendre polynomial (accurate to a few
/// ulps), ascending.
pub fn gauss_legendre(n: usize) -> (Vec<f64>, Vec<f64>) {
    let mut nodes = vec![0.0; n];
    let mut weights = vec![0.0; n];
    let nf = n as f64;
    for i in 0..n.div_ceil(2) {
        // Tricomi's starting value for the i-th largest root.
        let mut x = (std::f64::consts::PI * (i as f64 + 0.75) / (nf + 0.5)).cos();
        let mut dp = 0.0;
        for _ in 0..100 {
            let (p, d) = legendre(n, x);
            dp = d;
            let dx = p / d;
            x -= dx;
            if dx.abs() < 1e-16 {
                let (_, d) = legendre(n, x);
                dp = d;
                break;
            }
        }
        let w = 2.0 / ((1.0 - x * x) * dp * dp);
        nodes[n - 1 - i] = x;
        nodes[i] = -x;
        weights[i] = w;
        weights[n - 1 - i] = w;
    }
    (nodes, weights)
}

/// `(P_n(x), P_n'(x))` by the three-term recurrence.
fn legendre(n: usize, x: f64) -> (f64, f64) {
    let (mut p0, mut p1) = (1.0, x);
    if n == 0 {
        return (1.0, 0.0);
    }
    for k in 2..=n {
        let k = k as f64;
        let p2 = ((2.0 * k - 1.0) * x * p1 - (k - 1.0) * p0) / k;
        p0 = p1;
        p1 = p2;
    }
    let d = n as f64 * (x * p1 - p0) / (x * x - 1.0);
    (p1, d)
}

/// Kronrod 15-point abscissae on `[0, 1]` (the 7-point Gauss nodes are the odd
/// indices), from Piessens et al., QUADPACK (1983).
const XGK: [f64; 8] = [
    0.991_455_371_120_812_6,
    0.949_107_912_342_758_5,
    0.864_864_423_359_769_1,
    0.741_531_185_599_394_4,
    0.586_087_235_467_691_1,
    0.405_845_151_377_397_2,
    0.207_784_955_007_898_5,
    0.0,
];
const WGK: [f64; 8] = [
    0.022_935_322_010_529_22,
    0.063_092_092_629_978_55,
    0.104_790_010_322_250_2,
    0.140_653_259_715_525_9,
    0.169_004_726_639_267_9,
    0.190_350_578_064_785_4,
    0.204_432_940_075_298_9,
    0.209_482_141_084_727_8,
];
const WG: [f64; 4] = [
    0.129_484_966_168_869_7,
    0.279_705_391_489_276_7,
    0.381_830_050_505_118_9,
    0.417_959_183_673_469_4,
];

/// One G7–K15 panel of a pair of integrands sharing their nodes:
/// `(Kronrod estimates, |Kronrod − Gauss|)` per integrand.
pub(crate) fn gk15_pair(
    f: &mut impl FnMut(f64) -> (f64, f64),
    a: f64,
    b: f64,
) -> ([f64; 2], [f64; 2]) {
    let c = 0.5 * (a + b);
    let h = 0.5 * (b - a);
    let fc = f(c);
    let mut k = [fc.0 * WGK[7], fc.1 * WGK[7]];
    let mut g = [fc.0 * WG[3], fc.1 * WG[3]];
    for j in 0..7 {
        let dx = h * XGK[j];
        let (l, r) = (f(c - dx), f(c + dx));
        let s = [l.0 + r.0, l.1 + r.1];
        for i in 0..2 {
            k[i] += WGK[j] * s[i];
            if j % 2 == 1 {
                g[i] += WG[j / 2] * s[i];
            }
        }
    }
    (
        [k[0] * h, k[1] * h],
        [((k[0] - g[0]) * h).abs(), ((k[1] - g[1]) * h).abs()],
    )
}

/// One G7–K15 panel: `(Kronrod estimate, |Kronrod − Gauss|)`.
fn gk15(f: &mut impl FnMut(f64) -> f64, a: f64, b: f64) -> (f64, f64) {
    let (k, e) = gk15_pair(&mut |x| (f(x), 0.0), a, b);
    (k[0], e[0])
}

/// Result of [`integrate`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Integral {
    /// The estimate.
    pub value: f64,
    /// Estimated absolute error (sum of panel Gauss–Kronrod differences).
    pub error: f64,
}

/// Adaptive Gauss–Kronrod (G7–K15) integration of `f` over the panels given
/// by consecutive `breaks` (ascending), bisecting the worst panel until the
/// estimated error is below `max(abs_tol, rel_tol·|value|)` or `max_panels`
/// panels are used. `f` is never evaluated at panel end points, so integrable
/// end-point singularities are allowed.
///
/// # Example
/// ```
/// use postab::numeric::quad::integrate;
/// let r = integrate(|x: f64| x.sqrt(), &[0.0, 1.0], 0.0, 1e-12, 200);
/// assert!((r.value - 2.0 / 3.0).abs() < 1e-12);
/// ```
pub fn integrate(
    mut f: impl FnMut(f64) -> f64,
    breaks: &[f64],
    abs_tol: f64,
    rel_tol: f64,
    max_panels: usize,
) -> Integral {
    let mut panels: Vec<(f64, f64, f64, f64)> = breaks
        .windows(2)
        .filter(|w| w[1] > w[0])
        .map(|w| {
            let (v, e) = gk15(&mut f, w[0], w[1]);
            (w[0], w[1], v, e)
        })
        .collect();
    loop {
        let value: f64 = panels.iter().map(|p| p.2).sum();
        let error: f64 = panels.iter().map(|p| p.3).sum();
        let tol = abs_tol.max(rel_tol * value.abs());
        if error <= tol || panels.len() >= max_panels || panels.is_empty() {
            return Integral { value, error };
        }
        let (worst, _) =
            panels.iter().enumerate().fold(
                (0, -1.0),
                |best, (i, p)| if p.3 > best.1 { (i, p.3) } else { best },
            );
        let (a, b, _, _) = panels.swap_remove(worst);
        let m = 0.5 * (a + b);
        if m <= a || m >= b {
            return Integral { value, error };
        }
        let (v1, e1) = gk15(&mut f, a, m);
        let (v2, e2) = gk15(&mut f, m, b);
        panels.push((a, m, v1, e1));
        panels.push((m, b, v2, e2));
    }
}

/// Cached Gauss–Legendre rule of order [`PANEL_NODES`] with its spectral
/// integration matrix, for cumulative integrals (`F(x_r) = Σ_s W_rs f(x_s)`).
pub(crate) struct PanelRule {
    /// Nodes on `[−1, 1]`.
    pub nodes: [f64; PANEL_NODES],
    /// Quadrature weights on `[−1, 1]`.
    pub weights: [f64; PANEL_NODES],
    /// `cumulative[r][s] = ∫_{−1}^{x_r} ℓ_s(t) dt` for the Lagrange basis `ℓ_s`
    /// (fixed-size rows so that the products vectorise).
    pub cumulative: [[f64; PANEL_NODES]; PANEL_NODES],
    /// The same matrix transposed, for [`PanelRule::cumulate`].
    cumulative_t: [[f64; PANEL_NODES]; PANEL_NODES],
}

impl PanelRule {
    /// `Σ_s cumulative[r][s] v[s]` for every node `r` at once: the column
    /// form, so the compiler vectorises across `r` (each sum still adds its
    /// terms in order of `s`, so the result equals the row-by-row dot
    /// products bit for bit).
    #[inline(always)]
    pub(crate) fn cumulate(&self, v: &[f64; PANEL_NODES]) -> [f64; PANEL_NODES] {
        let mut acc = [0.0; PANEL_NODES];
        for (col, &vs) in self.cumulative_t.iter().zip(v) {
            for (a, &w) in acc.iter_mut().zip(col) {
                *a += w * vs;
            }
        }
        acc
    }
}

/// Nodes per panel of [`PanelRule`].
pub(crate) const PANEL_NODES: usize = 12;

/// The shared [`PanelRule`].
pub(crate) fn panel_rule() -> &'static PanelRule {
    static RULE: OnceLock<PanelRule> = OnceLock::new();
    RULE.get_or_init(|| {
        let (nodes_v, weights_v) = gauss_legendre(PANEL_NODES);
        let mut nodes = [0.0; PANEL_NODES];
        let mut weights = [0.0; PANEL_NODES];
        nodes.copy_from_slice(&nodes_v);
        weights.copy_from_slice(&weights_v);
        // ∫_{−1}^{x_r} ℓ_s: map the same Gauss rule onto [−1, x_r] (exact for
        // the degree n − 1 polynomial ℓ_s).
        let mut cumulative = [[0.0; PANEL_NODES]; PANEL_NODES];
        for (row, &xr) in cumulative.iter_mut().zip(&nodes) {
            let half = 0.5 * (xr + 1.0);
            for (s, cell) in row.iter_mut().enumerate() {
                *cell = nodes
                    .iter()
                    .zip(&weights)
                    .map(|(&t, &w)| w * half * lagrange(&nodes, s, -1.0 + half * (t + 1.0)))
                    .sum();
            }
        }
        let cumulative_t = std::array::from_fn(|s| std::array::from_fn(|r| cumulative[r][s]));
        PanelRule {
            nodes,
            weights,
            cumulative,
            cumulative_t,
        }
    })
}

/// Lagrange basis polynomial `ℓ_s(x)` over `nodes`.
fn lagrange(nodes: &[f64], s: usize, x: f64) -> f64 {
    nodes
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != s)
        .map(|(_, &xj)| (x - xj) / (nodes[s] - xj))
        .product()
}

/// `value ± error estimate`, e.g. `0.667 ± 0.000` with `{:.3}`.
impl fmt::Display for Integral {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(f, "{} ± {}", number(self.value, p), number(self.error, p))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kronrod_is_exact_for_degree_22() {
        // ∫_{-1}^{1} x^22 = 2/23; the 7-point Gauss part is exact to degree 13.
        let (k, _) = gk15(&mut |x: f64| x.powi(22) + x.powi(21), -1.0, 1.0);
        assert!((k - 2.0 / 23.0).abs() < 1e-15, "{k}");
        let (k, e) = gk15(&mut |x: f64| x.powi(12), -1.0, 1.0);
        assert!((k - 2.0 / 13.0).abs() < 1e-15 && e < 1e-14);
    }

    #[test]
    fn gauss_legendre_weights_and_exactness() {
        let (x, w) = gauss_legendre(12);
        assert!((w.iter().sum::<f64>() - 2.0).abs() < 1e-14);
        let i: f64 = x.iter().zip(&w).map(|(x, w)| w * x.powi(22)).sum();
        assert!((i - 2.0 / 23.0).abs() < 1e-15);
    }

    #[test]
    fn panel_rule_integrates_cumulatively() {
        let r = panel_rule();
        // ∫_{-1}^{x} 3t² dt = x³ + 1 (a polynomial of degree < n: exact).
        for (row, &x) in r.cumulative.iter().zip(&r.nodes) {
            let v: f64 = row
                .iter()
                .zip(&r.nodes)
                .map(|(c, &t)| c * 3.0 * t * t)
                .sum();
            assert!((v - (x * x * x + 1.0)).abs() < 1e-14);
        }
    }
}
