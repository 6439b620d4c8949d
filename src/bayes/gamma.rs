//! Gamma priors and posteriors for counts per exposure (replies per post,
//! reposts per 1,000 impressions): the Gamma–Poisson model.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::beta::check_shape;
use super::kernel::LnPdf;
use super::posterior::{Posterior, losses_by_size_bias};
use crate::error::{Error, Result};
use crate::numeric::{
    beta_inc_pair, gamma_inc_inv, gamma_inc_inv_upper, gamma_p, gamma_q, gamma_shortfall, ln_gamma,
    stirlerr,
};

/// A Gamma(shape, rate) prior on a Poisson rate λ (events per unit of
/// exposure); mean `shape / rate`. `rate = 0` is the improper limit (flat in
/// `ln λ` for shape → 0), allowed when the data make the posterior proper.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GammaRepr")]
pub struct GammaPrior {
    shape: f64,
    rate: f64,
}

/// The JSON form of [`GammaPrior`] and [`GammaPosterior`], read through
/// their constructors.
#[derive(Deserialize)]
struct GammaRepr {
    shape: f64,
    rate: f64,
}

impl TryFrom<GammaRepr> for GammaPrior {
    type Error = Error;
    fn try_from(r: GammaRepr) -> Result<Self> {
        Self::new(r.shape, r.rate)
    }
}

impl TryFrom<GammaRepr> for GammaPosterior {
    type Error = Error;
    fn try_from(r: GammaRepr) -> Result<Self> {
        Self::new(r.shape, r.rate)
    }
}

/// Checks a Gamma rate: in `[10⁻¹⁵⁰, 10¹⁵⁰]` (or 0 when `allow_zero`), so
/// that means and standard deviations stay far from overflow.
fn check_rate(name: &'static str, rate: f64, allow_zero: bool) -> Result<f64> {
    let ok = (1e-150..=1e150).contains(&rate) || (allow_zero && rate == 0.0);
    if ok {
        Ok(rate)
    } else {
        Err(Error::InvalidParameter {
            name,
            value: rate,
            expected: if allow_zero {
                "0 or a number in [1e-150, 1e150]"
            } else {
                "a number in [1e-150, 1e150]"
            },
        })
    }
}

/// The default prior is [`GammaPrior::flat`], Gamma(1, 0): the prior of
/// [`AnalysisOptions::default`](crate::analysis::AnalysisOptions) for count
/// metrics.
impl Default for GammaPrior {
    fn default() -> Self {
        Self::flat()
    }
}

impl GammaPrior {
    /// A Gamma(shape, rate) prior (rate parametrisation: mean = shape/rate).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when shape is outside the supported range
    /// [[`MIN_SHAPE`](super::MIN_SHAPE), [`MAX_SHAPE`](super::MAX_SHAPE)] =
    /// [1e-3, 10¹⁵] or rate is neither 0 nor in [10⁻¹⁵⁰, 10¹⁵⁰].
    pub fn new(shape: f64, rate: f64) -> Result<Self> {
        let shape = check_shape("prior shape", shape)?;
        let rate = check_rate("prior rate", rate, true)?;
        Ok(Self { shape, rate })
    }

    /// Gamma(1, 0): flat on the rate (improper; the posterior after any
    /// exposure is proper).
    pub const fn flat() -> Self {
        Self {
            shape: 1.0,
            rate: 0.0,
        }
    }

    /// Shape.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// Rate.
    pub fn rate(&self) -> f64 {
        self.rate
    }

    /// The posterior after `count` events over `exposure` units:
    /// Gamma(shape + count, rate + exposure).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when the exposure is negative or not
    /// finite, the posterior rate is 0 (no exposure under an improper prior),
    /// or the posterior is outside [`GammaPosterior::new`]'s supported range.
    ///
    /// # Example
    /// ```
    /// use postab::bayes::GammaPrior;
    /// // 7 replies over 40 posts, prior Gamma(1, 0)
    /// let post = GammaPrior::new(1.0, 0.0)?.update(7, 40.0)?;
    /// assert_eq!((post.shape(), post.rate()), (8.0, 40.0));
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn update(&self, count: u64, exposure: f64) -> Result<GammaPosterior> {
        if !(exposure.is_finite() && exposure >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "exposure",
                value: exposure,
                expected: "a finite number >= 0",
            });
        }
        GammaPosterior::new(self.shape + count as f64, self.rate + exposure)
    }
}

/// A Gamma(shape, rate) posterior of a Poisson rate (rate parametrisation:
/// mean `shape / rate`, variance `shape / rate²`).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GammaRepr")]
pub struct GammaPosterior {
    shape: f64,
    rate: f64,
}

impl GammaPosterior {
    /// Gamma(shape, rate).
    ///
    /// # Supported range
    /// shape in [[`MIN_SHAPE`](super::MIN_SHAPE), [`MAX_SHAPE`](super::MAX_SHAPE)]
    /// = [1e-3, 10¹⁵] (so at most 10¹⁵ events), rate in [10⁻¹⁵⁰, 10¹⁵⁰].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] outside that range.
    pub fn new(shape: f64, rate: f64) -> Result<Self> {
        Ok(Self {
            shape: check_shape("shape", shape)?,
            rate: check_rate("rate", rate, false)?,
        })
    }

    /// Shape α.
    pub fn shape(&self) -> f64 {
        self.shape
    }

    /// Rate r.
    pub fn rate(&self) -> f64 {
        self.rate
    }
}

impl Posterior for GammaPosterior {
    fn mean(&self) -> f64 {
        self.shape / self.rate
    }

    fn std_dev(&self) -> f64 {
        self.shape.sqrt() / self.rate
    }

    fn skewness(&self) -> f64 {
        2.0 / self.shape.sqrt()
    }

    fn cdf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            0.0
        } else {
            gamma_p(self.shape, self.rate * x)
        }
    }

    fn sf(&self, x: f64) -> f64 {
        if x <= 0.0 {
            1.0
        } else {
            gamma_q(self.shape, self.rate * x)
        }
    }

    /// `E[(rx − Y)⁺]/r` for `Y ~ Gamma(α, 1)` (`numeric::gamma_shortfall`,
    /// the prefactor cancelling as for the Beta): within 1e-13 of mpmath
    /// (relative) to 8 standard deviations below the mean.
    fn shortfall(&self, x: f64) -> Option<f64> {
        Some(if x <= 0.0 {
            0.0
        } else {
            gamma_shortfall(self.shape, self.rate * x) / self.rate
        })
    }

    fn quantile(&self, p: f64) -> Result<f64> {
        crate::validate::check_probability("probability", p)?;
        let z = if p <= 0.5 {
            gamma_inc_inv(self.shape, p)
        } else {
            gamma_inc_inv_upper(self.shape, 1.0 - p)
        };
        Ok(z / self.rate)
    }

    fn support(&self) -> (f64, f64) {
        (0.0, f64::INFINITY)
    }

    fn singular_ends(&self) -> (bool, bool) {
        (super::posterior::rough_end(self.shape), false)
    }

    fn ln_pdf_kernel(&self) -> LnPdf {
        // ln f(m) with m = α/r: α ln r + (α − 1) ln m − α − ln Γ(α)
        //   = −ln m + [α ln α − α − ln Γ(α)] = −ln m + ½ ln(α/2π) − δ(α)
        // (α ln r + α ln m = α ln α).
        let (a, r) = (self.shape, self.rate);
        let m = a / r;
        let core = if a >= 15.0 {
            0.5 * (a / (2.0 * std::f64::consts::PI)).ln() - stirlerr(a)
        } else {
            a * a.ln() - a - ln_gamma(a)
        };
        LnPdf {
            at_mean: -m.ln() + core,
            mean: m,
            mean_c: 1.0,
            a1: a - 1.0,
            b1: 0.0,
            c1: -r,
            c2: 0.0,
            linear: 0.0,
            z: super::logit::ZDist::Log {
                a: self.shape,
                r: self.rate,
            },
        }
        .with_linear()
    }

    /// `P(λ_self > λ_other) = I_{r_o/(r_s + r_o)}(α_o, α_s)`: the exact
    /// incomplete-beta identity (both tails computed directly).
    fn prob_greater(&self, other: &Self) -> (f64, f64) {
        let s = self.rate + other.rate;
        let (x, y) = (other.rate / s, self.rate / s);
        // W = r_o λ_o / (r_o λ_o + r_s λ_s) ~ Beta(α_o, α_s); λ_s > λ_o ⟺ W < x.
        beta_inc_pair(other.shape, self.shape, x, y)
    }

    fn expected_losses(&self, other: &Self) -> (f64, f64) {
        let up = |d: &Self| Self {
            shape: d.shape + 1.0,
            rate: d.rate,
        };
        losses_by_size_bias(self, other, &up(self), &up(other))
    }

    fn sample<R: rand::Rng + ?Sized>(&self, rng: &mut R) -> f64 {
        use rand::distr::Distribution;
        // Parameters were validated at construction, so this cannot fail.
        statrs::distribution::Gamma::new(self.shape, self.rate).map_or(f64::NAN, |d| d.sample(rng))
    }
}

/// `Gamma(shape, rate)`.
impl fmt::Display for GammaPrior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::beta::shapes(f, "Gamma", self.shape, self.rate)
    }
}

/// `Gamma(shape, rate)`.
impl fmt::Display for GammaPosterior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        super::beta::shapes(f, "Gamma", self.shape, self.rate)
    }
}
