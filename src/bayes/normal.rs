//! Normal posteriors for continuous metrics given summary statistics.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::kernel::LnPdf;
use super::posterior::Posterior;
use crate::error::{Error, Result};
use crate::numeric::{normal_cdf, normal_pdf, normal_quantile, normal_sf};
use crate::report::format::number;

/// Normal(μ, σ²) posterior of a mean.
///
/// [`NormalPosterior::from_summary`] uses the large-sample model: a flat prior
/// on the mean and the sample variance taken as known, so that
/// `μ | data ~ Normal(x̄, s²/n)`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "NormalRepr")]
pub struct NormalPosterior {
    mean: f64,
    sd: f64,
}

/// The JSON form of [`NormalPosterior`], read through its constructor.
#[derive(Deserialize)]
struct NormalRepr {
    mean: f64,
    sd: f64,
}

impl TryFrom<NormalRepr> for NormalPosterior {
    type Error = Error;
    fn try_from(r: NormalRepr) -> Result<Self> {
        Self::new(r.mean, r.sd)
    }
}

impl NormalPosterior {
    /// Normal(mean, sd²).
    ///
    /// # Supported range
    /// `|mean| ≤ 10¹⁵⁰`, `sd` in `[10⁻¹⁵⁰, 10¹⁵⁰]` and `sd ≥ 10⁻¹³·|mean|`
    /// (a width below that is not resolved by `f64` at the mean).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] outside that range (NaN and ±∞ included).
    pub fn new(mean: f64, sd: f64) -> Result<Self> {
        if mean.is_nan() || mean.abs() > 1e150 {
            return Err(Error::InvalidParameter {
                name: "mean",
                value: mean,
                expected: "a number in [-1e150, 1e150]",
            });
        }
        if !((1e-150..=1e150).contains(&sd) && sd >= 1e-13 * mean.abs()) {
            return Err(Error::InvalidParameter {
                name: "standard deviation",
                value: sd,
                expected: "a number in [1e-150, 1e150] and at least 1e-13 times |mean|",
            });
        }
        Ok(Self { mean, sd })
    }

    /// The posterior of a mean from `n` observations with sample mean and
    /// sample variance: Normal(mean, variance/n).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `n = 0`, a non-finite mean, or a
    /// variance that is negative, zero or not finite.
    ///
    /// # Example
    /// ```
    /// use postab::bayes::{NormalPosterior, Posterior};
    /// // seconds spent on the linked page: 400 visits, mean 41.2 s, variance 900 s²
    /// let p = NormalPosterior::from_summary(400, 41.2, 900.0)?;
    /// assert!((p.std_dev() - 1.5).abs() < 1e-12);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn from_summary(n: u64, mean: f64, variance: f64) -> Result<Self> {
        if n == 0 {
            return Err(Error::InvalidParameter {
                name: "n",
                value: 0.0,
                expected: "at least 1 observation",
            });
        }
        if !(variance.is_finite() && variance > 0.0) {
            return Err(Error::InvalidParameter {
                name: "variance",
                value: variance,
                expected: "a finite number > 0",
            });
        }
        Self::new(mean, (variance / n as f64).sqrt())
    }
}

impl Posterior for NormalPosterior {
    fn mean(&self) -> f64 {
        self.mean
    }

    fn std_dev(&self) -> f64 {
        self.sd
    }

    fn skewness(&self) -> f64 {
        0.0
    }

    fn cdf(&self, x: f64) -> f64 {
        normal_cdf((x - self.mean) / self.sd)
    }

    fn sf(&self, x: f64) -> f64 {
        normal_sf((x - self.mean) / self.sd)
    }

    /// `σ(φ(z) + zΦ(z))` with `z = (x − μ)/σ`; below the mean as
    /// `σφ(z)(1 − tR(t))` with `t = −z` and Mills' ratio `R = Φ(z)/φ(z)`,
    /// the bracket by its asymptotic series `Σ_{k≥1} (−1)^{k+1}
    /// (2k − 1)!!/t^{2k}` from `t = 9` (smallest term below 3e-18), where
    /// forming it from `R` would lose `t²` in relative accuracy.
    fn shortfall(&self, x: f64) -> Option<f64> {
        let z = (x - self.mean) / self.sd;
        if z.is_nan() {
            return Some(f64::NAN);
        }
        let density = normal_pdf(z);
        if z >= 0.0 {
            return Some(self.sd * (density + z * normal_cdf(z)));
        }
        if density == 0.0 {
            return Some(0.0);
        }
        let t = -z;
        let bracket = if t >= 9.0 {
            // The terms shrink while 2k + 1 < t² (41 terms at t = 9), so 64
            // bound the loop.
            let u = 1.0 / (t * t);
            let (mut term, mut sum) = (u, 0.0);
            for k in 1..=64 {
                sum += term;
                let next = -term * f64::from(2 * k + 1) * u;
                if next.abs() >= term.abs() || next.abs() < 1e-17 * sum {
                    break;
                }
                term = next;
            }
            sum
        } else {
            1.0 - t * (normal_cdf(z) / density)
        };
        Some((self.sd * density * bracket).max(0.0))
    }

    fn quantile(&self, p: f64) -> Result<f64> {
        crate::validate::check_probability("probability", p)?;
        Ok(self.mean + self.sd * normal_quantile(p))
    }

    fn support(&self) -> (f64, f64) {
        (f64::NEG_INFINITY, f64::INFINITY)
    }

    fn singular_ends(&self) -> (bool, bool) {
        (false, false)
    }

    fn ln_pdf_kernel(&self) -> LnPdf {
        LnPdf {
            at_mean: -self.sd.ln() - 0.5 * (2.0 * std::f64::consts::PI).ln(),
            mean: self.mean,
            mean_c: 1.0,
            a1: 0.0,
            b1: 0.0,
            c1: 0.0,
            c2: -0.5 / (self.sd * self.sd),
            linear: 0.0,
            z: super::logit::ZDist::Linear {
                m: self.mean,
                s: self.sd,
            },
        }
        .with_linear()
    }

    /// `P(X > Y) = Φ((μ_X − μ_Y)/√(σ_X² + σ_Y²))`, both tails directly.
    fn prob_greater(&self, other: &Self) -> (f64, f64) {
        let z = (self.mean - other.mean) / self.sd.hypot(other.sd);
        (normal_cdf(z), normal_sf(z))
    }

    /// `E[max(D, 0)] = σ φ(δ/σ) + δ Φ(δ/σ)` for `D ~ Normal(δ, σ²)`.
    fn expected_losses(&self, other: &Self) -> (f64, f64) {
        let s = self.sd.hypot(other.sd);
        let d = other.mean - self.mean; // other − self
        let z = d / s;
        let choose_self = s * normal_pdf(z) + d * normal_cdf(z);
        let choose_other = s * normal_pdf(z) - d * normal_sf(z);
        (choose_self.max(0.0), choose_other.max(0.0))
    }

    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        use rand::distr::Distribution;
        // Parameters were validated at construction, so this cannot fail.
        statrs::distribution::Normal::new(self.mean, self.sd).map_or(f64::NAN, |d| d.sample(rng))
    }
}

/// `Normal(mean, sd)`.
impl fmt::Display for NormalPosterior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "Normal({}, {})",
            number(self.mean, p),
            number(self.sd, p)
        )
    }
}
