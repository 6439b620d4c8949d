//! Fast, accurate log-densities for repeated evaluation at quadrature nodes.

/// A posterior's log-density written around its mean `m`:
///
/// `ln f(t) = ln f(m) + a₁ ln(t/m) + b₁ ln((1 − t)/(1 − m)) + c₁ (t − m) + c₂ (t − m)²`
///
/// with both logarithms as `ln_1p` of small ratios. Beta(α, β) has
/// `a₁ = α − 1, b₁ = β − 1`; Gamma(α, rate r) has `a₁ = α − 1, c₁ = −r`;
/// Normal(μ, σ²) has `c₂ = −1/(2σ²)`. Every term stays of order `√n` near
/// the mass (no difference of numbers of order 10⁹), so the density keeps
/// ~1e-13 absolute accuracy in its log at 10⁹ trials, for two `ln_1p` and one
/// `exp` per point.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LnPdf {
    pub(crate) at_mean: f64,
    pub(crate) mean: f64,
    pub(crate) mean_c: f64,
    pub(crate) a1: f64,
    pub(crate) b1: f64,
    pub(crate) c1: f64,
    pub(crate) c2: f64,
}

impl LnPdf {
    /// `ln f(t)` at a point inside the support.
    #[inline]
    pub fn eval(&self, t: f64) -> f64 {
        let u = t - self.mean;
        let left = if self.a1 == 0.0 {
            0.0
        } else {
            self.a1 * (u / self.mean).ln_1p()
        };
        let right = if self.b1 == 0.0 {
            0.0
        } else {
            self.b1 * (-u / self.mean_c).ln_1p()
        };
        self.at_mean + left + right + u * (self.c1 + self.c2 * u)
    }
}
