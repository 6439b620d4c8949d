//! Confidence intervals for one proportion.

use serde::{Deserialize, Serialize};

use super::common::{Proportion, Range, beta_quantile, beta_quantile_upper, z_for_level};
use crate::Result;
use crate::interval::Interval;

/// Method of [`proportion_ci`]. x successes of n, p̂ = x/n, q̂ = 1 − p̂,
/// z = Φ⁻¹(1 − α/2) with α = 1 − level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ProportionCiMethod {
    /// Wald: p̂ ± z√(p̂q̂/n), clipped to [0, 1] (statsmodels `normal`).
    /// Degenerate ([0, 0] or [1, 1]) at x = 0 and x = n.
    Wald,
    /// Wilson score interval without continuity correction:
    /// (p̂ + z²/2n ± z√(p̂q̂/n + z²/4n²)) / (1 + z²/n). The lower bound is
    /// evaluated as p̂²/((1 + z²/n)(centre + half-width)), free of
    /// cancellation, so it keeps relative accuracy for tiny rates.
    #[default]
    Wilson,
    /// Wilson score interval with continuity correction (Newcombe 1998,
    /// method 4; R `prop.test(correct = TRUE)`): lower =
    /// (2np̂ + z² − 1 − z√(z² − 2 − 1/n + 4p̂(nq̂ + 1))) / (2(n + z²)), 0 at
    /// x = 0; upper = (2np̂ + z² + 1 + z√(z² + 2 − 1/n + 4p̂(nq̂ − 1))) /
    /// (2(n + z²)), 1 at x = n.
    WilsonCorrected,
    /// Agresti–Coull: ñ = n + z², p̃ = (x + z²/2)/ñ, p̃ ± z√(p̃(1 − p̃)/ñ),
    /// clipped to [0, 1] (statsmodels `agresti_coull`).
    AgrestiCoull,
    /// Jeffreys: equal-tailed quantiles of Beta(x + ½, n − x + ½), with no
    /// boundary modification at x = 0 or x = n (as statsmodels).
    Jeffreys,
    /// Clopper–Pearson exact interval: [B⁻¹(α/2; x, n − x + 1),
    /// B⁻¹(1 − α/2; x + 1, n − x)], lower 0 at x = 0 and upper 1 at x = n
    /// (statsmodels `beta`). The upper bound is solved from the upper tail,
    /// so it is accurate at any n.
    ClopperPearson,
}

/// Two-sided confidence interval for the rate of one arm at `level` (for
/// example 0.95). Every bound lies in [0, 1] and the interval contains p̂.
///
/// # Errors
///
/// [`crate::Error::InvalidParameter`] if `level` is not strictly between 0
/// and 1.
///
/// # Example
///
/// ```
/// use postab::freq::{Proportion, ProportionCiMethod, proportion_ci};
///
/// let ci = proportion_ci(Proportion::new(0, 50)?, 0.95, ProportionCiMethod::Wilson)?;
/// assert_eq!(ci.lower, 0.0);
/// assert!((ci.upper - 0.07134759913335872).abs() < 1e-15);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn proportion_ci(p: Proportion, level: f64, method: ProportionCiMethod) -> Result<Interval> {
    let z = z_for_level(level)?;
    let half_alpha = (1.0 - level) / 2.0;
    let (x, y, n) = (p.s(), p.f(), p.n());
    let ci = match method {
        ProportionCiMethod::Wald => wald(x, y, n, z),
        ProportionCiMethod::Wilson => wilson(x, y, n, z),
        ProportionCiMethod::WilsonCorrected => wilson_corrected(x, y, n, z),
        ProportionCiMethod::AgrestiCoull => agresti_coull(x, n, z),
        ProportionCiMethod::Jeffreys => Interval::new(
            beta_quantile(x + 0.5, y + 0.5, half_alpha),
            beta_quantile_upper(x + 0.5, y + 0.5, half_alpha),
        ),
        ProportionCiMethod::ClopperPearson => Interval::new(
            if x == 0.0 {
                0.0
            } else {
                beta_quantile(x, y + 1.0, half_alpha)
            },
            if y == 0.0 {
                1.0
            } else {
                beta_quantile_upper(x + 1.0, y, half_alpha)
            },
        ),
    };
    Ok(Range::Proportion.interval(ci.lower, ci.upper))
}

/// Wald interval for x successes, y failures of n, clipped later.
fn wald(x: f64, y: f64, n: f64, z: f64) -> Interval {
    let p = x / n;
    let half = z * ((x / n) * (y / n) / n).sqrt();
    Interval::new(p - half, p + half)
}

/// Wilson score interval; shared with the Newcombe difference interval.
pub(crate) fn wilson(x: f64, y: f64, n: f64, z: f64) -> Interval {
    let (p, q) = (x / n, y / n);
    let z2n = z * z / n;
    let d = 1.0 + z2n;
    let centre = (p + z2n / 2.0) / d;
    let half = z * (p * q / n + z2n / (4.0 * n)).sqrt() / d;
    // centre − half = p² / (d (centre + half)) exactly; no cancellation.
    Interval::new(p * p / (d * (centre + half)), (centre + half).min(1.0))
}

fn wilson_corrected(x: f64, y: f64, n: f64, z: f64) -> Interval {
    let (p, q) = (x / n, y / n);
    let z2 = z * z;
    let den = 2.0 * (n + z2);
    let lower = if x == 0.0 {
        0.0
    } else {
        let r = (z2 - 2.0 - 1.0 / n + 4.0 * p * (n * q + 1.0)).max(0.0);
        ((2.0 * x + z2 - 1.0 - z * r.sqrt()) / den).min(p)
    };
    let upper = if y == 0.0 {
        1.0
    } else {
        let r = (z2 + 2.0 - 1.0 / n + 4.0 * p * (n * q - 1.0)).max(0.0);
        ((2.0 * x + z2 + 1.0 + z * r.sqrt()) / den).max(p)
    };
    Interval::new(lower, upper)
}

fn agresti_coull(x: f64, n: f64, z: f64) -> Interval {
    let z2 = z * z;
    let nt = n + z2;
    let pt = (x + z2 / 2.0) / nt;
    let half = z * (pt * (1.0 - pt) / nt).sqrt();
    Interval::new(pt - half, pt + half)
}
