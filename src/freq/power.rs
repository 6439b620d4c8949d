//! Planning a two-proportion test: impressions per arm for a minimum
//! detectable effect (MDE), the power of a given size, the MDE of a given
//! size, and the days needed at a given traffic.
//!
//! Notation: p₁ the baseline (control A) rate, p₂ the rate of the variant B
//! under the alternative, δ = p₂ − p₁, qᵢ = 1 − pᵢ, k = n_B/n_A the
//! allocation ratio, n = n_A (the variant gets k·n), z_α = Φ⁻¹(1 − α/2)
//! for a two-sided test and Φ⁻¹(1 − α) for a one-sided one,
//! z_β = Φ⁻¹(power), h = 2·asin√p₂ − 2·asin√p₁ (Cohen's effect size).
//! Every n is per arm and unrounded; the `*_ceil` fields round up.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Alternative, check_open_unit, check_positive};
use crate::numeric::{normal_cdf, normal_isf, normal_quantile, normal_sf};
use crate::report::format::signed_number;
use crate::{Error, Result};

/// Formula for the sample size (the names of the reference README).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum SampleSizeFormula {
    /// Cohen's h with statsmodels' power equation, **including the far
    /// rejection tail** for two-sided tests: n solves
    /// Φ(|h|√n_e − z_α) + Φ(−|h|√n_e − z_α) = power with
    /// n_e = 1/(1/n + 1/(k·n)) (statsmodels
    /// `NormalIndPower().solve_power(effect_size=h, ratio=k)`), solved by
    /// Newton's method. One-sided: identical to `CohenHOneTail`.
    CohenH,
    /// Cohen's h, textbook closed form ignoring the far tail:
    /// n = ((z_α + z_β)/h)²·(1 + 1/k). Slightly larger than `CohenH`.
    CohenHOneTail,
    /// The classic formula (Fleiss without continuity correction): the
    /// pooled variance under H0, the unpooled one under H1:
    /// n = [z_α√(p̄q̄(1 + 1/k)) + z_β√(p₁q₁ + p₂q₂/k)]²/δ² with
    /// p̄ = (p₁ + k·p₂)/(1 + k). Matches the default pooled z-test.
    #[default]
    PooledNullUnpooledAlt,
    /// Unpooled (Wald): n = (z_α + z_β)²·(p₁q₁ + p₂q₂/k)/δ².
    Unpooled,
}

/// A minimum detectable effect on the baseline rate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Mde {
    /// p₂ = p₁ + δ (for example 0.002 for +0.2 percentage points).
    Absolute(f64),
    /// p₂ = p₁·(1 + r) (for example 0.10 for a 10 % relative lift).
    Relative(f64),
}

/// The fixed parts of a planned two-proportion test.
///
/// # Supported range
///
/// Baseline rate in (0, 1); α in [10⁻³⁰⁰, 1) ([`MIN_ALPHA`]; below, the
/// critical value is not finite); allocation ratio k in [10⁻⁹, 10⁹]
/// ([`MIN_ALLOCATION_RATIO`], [`MAX_ALLOCATION_RATIO`]); power in (α, 1). Values outside are
/// [`Error::InvalidParameter`]; a sample size that is not a finite number
/// (an effect too small for any test) is [`Error::Infeasible`]. The fields
/// are public and checked when used.
///
/// # Example
///
/// ```
/// use postab::freq::{Mde, TestDesign};
///
/// let design = TestDesign::new(0.02);
/// let n = design.sample_size(Mde::Relative(0.10), 0.8)?;
/// assert_eq!(n.control_ceil, 80_682); // n = 80,681.38 (mpmath)
/// let days = n.days(5_000.0)?;
/// assert!((days - 32.27).abs() < 0.01);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct TestDesign {
    /// The control's (baseline) rate p₁, in (0, 1).
    pub baseline: f64,
    /// Significance level α, in (0, 1) (default 0.05).
    pub alpha: f64,
    /// Sidedness (default two-sided). `Larger` requires a positive effect
    /// and `Smaller` a negative one.
    pub alternative: Alternative,
    /// Allocation ratio k = n_B/n_A (default 1).
    pub ratio: f64,
    /// The formula (default [`SampleSizeFormula::PooledNullUnpooledAlt`]).
    pub formula: SampleSizeFormula,
}

/// Smallest significance level α of a [`TestDesign`].
pub const MIN_ALPHA: f64 = 1e-300;
/// Smallest allocation ratio k = n_B/n_A of a [`TestDesign`].
pub const MIN_ALLOCATION_RATIO: f64 = 1e-9;
/// Largest allocation ratio k = n_B/n_A of a [`TestDesign`].
pub const MAX_ALLOCATION_RATIO: f64 = 1e9;

/// Impressions needed per arm; see [`TestDesign::sample_size`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SampleSize {
    /// n_A, unrounded.
    pub control: f64,
    /// n_B = k·n_A, unrounded.
    pub variant: f64,
    /// ⌈n_A⌉.
    pub control_ceil: u64,
    /// ⌈n_B⌉.
    pub variant_ceil: u64,
    /// The baseline rate p₁.
    pub baseline: f64,
    /// The rate p₂ the test is powered to detect.
    pub target: f64,
}

impl SampleSize {
    /// ⌈n_A⌉ + ⌈n_B⌉, the impressions needed across both arms.
    pub fn total(&self) -> u64 {
        self.control_ceil.saturating_add(self.variant_ceil)
    }

    /// Days needed when both arms together receive `impressions_per_day`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] unless `impressions_per_day` is positive
    /// and finite.
    pub fn days(&self, impressions_per_day: f64) -> Result<f64> {
        days_needed(self.total() as f64, impressions_per_day)
    }
}

/// The smallest effect a test of a given size detects with the given
/// power; see [`TestDesign::detectable_effect`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct DetectableEffect {
    /// δ = p₂ − p₁.
    pub absolute: f64,
    /// δ/p₁.
    pub relative: f64,
    /// p₂.
    pub target: f64,
}

/// `total_impressions / impressions_per_day`, unrounded.
///
/// # Errors
///
/// [`Error::InvalidParameter`] unless both are finite, the total ≥ 0 and
/// the daily traffic > 0.
///
/// # Example
///
/// ```
/// assert_eq!(postab::freq::days_needed(70_000.0, 5_000.0)?, 14.0);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn days_needed(total_impressions: f64, impressions_per_day: f64) -> Result<f64> {
    if !(total_impressions.is_finite() && total_impressions >= 0.0) {
        return Err(Error::InvalidParameter {
            name: "total impressions",
            value: total_impressions,
            expected: "a finite number >= 0",
        });
    }
    check_positive("impressions per day", impressions_per_day)?;
    Ok(total_impressions / impressions_per_day)
}

/// Validated inputs of one formula evaluation.
struct Setting {
    p1: f64,
    p2: f64,
    z_alpha: f64,
    two_sided: bool,
    ratio: f64,
}

impl TestDesign {
    /// A two-sided design at α = 0.05 with equal arms and the classic
    /// formula, for the baseline rate `baseline` (validated when used).
    pub fn new(baseline: f64) -> Self {
        Self {
            baseline,
            alpha: 0.05,
            alternative: Alternative::TwoSided,
            ratio: 1.0,
            formula: SampleSizeFormula::default(),
        }
    }

    /// Sets α.
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }

    /// Sets the sidedness.
    pub fn with_alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// Sets the allocation ratio k = n_B/n_A.
    pub fn with_ratio(mut self, ratio: f64) -> Self {
        self.ratio = ratio;
        self
    }

    /// Sets the formula.
    pub fn with_formula(mut self, formula: SampleSizeFormula) -> Self {
        self.formula = formula;
        self
    }

    /// Impressions per arm to detect `mde` with probability `power`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if the baseline or power is not in
    /// (0, 1), α is not in [10⁻³⁰⁰, 1), power ≤ α, the ratio is not in
    /// [10⁻⁹, 10⁹], or the MDE is 0, not finite, pushes the rate outside
    /// [0, 1] (name `mde`) or points against a one-sided alternative;
    /// [`Error::Infeasible`] if the sample size is not a finite number.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::freq::{Mde, SampleSizeFormula, TestDesign};
    ///
    /// let n = TestDesign::new(0.01)
    ///     .with_formula(SampleSizeFormula::Unpooled)
    ///     .sample_size(Mde::Absolute(0.002), 0.8)?;
    /// assert!((n.control - 42690.0568751247).abs() < 1e-7);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn sample_size(&self, mde: Mde, power: f64) -> Result<SampleSize> {
        let s = self.setting(mde)?;
        let z_beta = self.z_beta(power)?;
        let control = match self.formula {
            SampleSizeFormula::CohenH if s.two_sided => {
                let u = solve_two_tail(s.z_alpha, power);
                (u / s.cohen_h()).powi(2) * (1.0 + 1.0 / s.ratio)
            }
            SampleSizeFormula::CohenH | SampleSizeFormula::CohenHOneTail => {
                ((s.z_alpha + z_beta) / s.cohen_h()).powi(2) * (1.0 + 1.0 / s.ratio)
            }
            SampleSizeFormula::PooledNullUnpooledAlt => {
                let num = s.z_alpha * s.null_sd() + z_beta * s.alt_sd();
                num * num / s.delta2()
            }
            SampleSizeFormula::Unpooled => {
                (s.z_alpha + z_beta).powi(2) * s.alt_sd().powi(2) / s.delta2()
            }
        };
        let variant = control * s.ratio;
        if !(control.is_finite() && variant.is_finite()) {
            return Err(Error::Infeasible {
                what: "sample size",
                reason: format!(
                    "the effect {mde:?} on a baseline of {} is too small: the sample size is not a finite number",
                    s.p1
                ),
            });
        }
        Ok(SampleSize {
            control,
            variant,
            control_ceil: ceil_u64(control),
            variant_ceil: ceil_u64(variant),
            baseline: s.p1,
            target: s.p2,
        })
    }

    /// The power of the test with `n_control` impressions in the control
    /// (and k·`n_control` in the variant) against `mde`: the exact inverse
    /// of [`TestDesign::sample_size`] under the same formula (Φ(z_β) with
    /// z_β solved from the formula; `CohenH` two-sided adds the far tail).
    ///
    /// # Errors
    ///
    /// As [`TestDesign::sample_size`], and [`Error::InvalidParameter`] unless
    /// `n_control` is positive and finite.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::freq::{Mde, TestDesign};
    ///
    /// let d = TestDesign::new(0.02);
    /// let n = d.sample_size(Mde::Relative(0.1), 0.8)?;
    /// assert!((d.power(Mde::Relative(0.1), n.control)? - 0.8).abs() < 1e-12);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn power(&self, mde: Mde, n_control: f64) -> Result<f64> {
        let s = self.setting(mde)?;
        check_positive("n per arm", n_control)?;
        Ok(s.power(self.formula, n_control))
    }

    /// The smallest effect detected with probability `power` by a test with
    /// `n_control` impressions in the control arm: an increase for
    /// two-sided and `Larger` designs, a decrease for `Smaller`. Cohen's-h
    /// formulas invert in closed form; the others are solved by bisection
    /// on p₂ to full double precision.
    ///
    /// # Errors
    ///
    /// As [`TestDesign::power`]; [`Error::Infeasible`] if even the largest
    /// possible effect (p₂ = 1, or 0 for `Smaller`) is not detected with
    /// that power.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::freq::TestDesign;
    ///
    /// let e = TestDesign::new(0.02).detectable_effect(35_000.0, 0.8)?;
    /// assert!(e.relative > 0.14 && e.relative < 0.16);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn detectable_effect(&self, n_control: f64, power: f64) -> Result<DetectableEffect> {
        let z_beta = self.z_beta(power)?;
        check_positive("n per arm", n_control)?;
        let up = self.alternative != Alternative::Smaller;
        let p1 = self.baseline;
        let extreme = if up { 1.0 } else { 0.0 };
        let at = |p2: f64| self.setting(Mde::Absolute(p2 - p1));
        let infeasible = || Error::Infeasible {
            what: "minimum detectable effect",
            reason: format!(
                "{n_control} impressions per arm cannot reach power {power} even at a rate of {extreme}"
            ),
        };
        let s = at(extreme)?;
        let p2 = match self.formula {
            SampleSizeFormula::CohenH | SampleSizeFormula::CohenHOneTail => {
                let u = if self.formula == SampleSizeFormula::CohenH && s.two_sided {
                    solve_two_tail(s.z_alpha, power)
                } else {
                    s.z_alpha + z_beta
                };
                let h = u / (n_control / (1.0 + 1.0 / s.ratio)).sqrt();
                let angle = p1.sqrt().asin() + if up { h / 2.0 } else { -h / 2.0 };
                if !(0.0..=std::f64::consts::FRAC_PI_2).contains(&angle) {
                    return Err(infeasible());
                }
                angle.sin().powi(2)
            }
            _ => {
                if s.power(self.formula, n_control) < power {
                    return Err(infeasible());
                }
                // Bisection on p₂ between p₁ (power ≤ α) and the extreme.
                let (mut near, mut far) = (p1, extreme);
                for _ in 0..200 {
                    let mid = 0.5 * (near + far);
                    if mid == near || mid == far {
                        break;
                    }
                    if at(mid)?.power(self.formula, n_control) >= power {
                        far = mid;
                    } else {
                        near = mid;
                    }
                }
                far
            }
        };
        Ok(DetectableEffect {
            absolute: p2 - p1,
            relative: (p2 - p1) / p1,
            target: p2,
        })
    }

    /// Checks α and the allocation ratio against the supported range.
    fn check_design(&self) -> Result<()> {
        if !(MIN_ALPHA..1.0).contains(&self.alpha) {
            return Err(Error::InvalidParameter {
                name: "alpha",
                value: self.alpha,
                expected: "a significance level in [1e-300, 1)",
            });
        }
        if !(MIN_ALLOCATION_RATIO..=MAX_ALLOCATION_RATIO).contains(&self.ratio) {
            return Err(Error::InvalidParameter {
                name: "allocation ratio",
                value: self.ratio,
                expected: "a ratio n_B/n_A in [1e-9, 1e9]",
            });
        }
        Ok(())
    }

    fn z_beta(&self, power: f64) -> Result<f64> {
        check_open_unit("power", power)?;
        self.check_design()?;
        if power <= self.alpha {
            return Err(Error::InvalidParameter {
                name: "power",
                value: power,
                expected: "greater than alpha",
            });
        }
        Ok(normal_quantile(power))
    }

    fn setting(&self, mde: Mde) -> Result<Setting> {
        let p1 = check_open_unit("baseline rate", self.baseline)?;
        self.check_design()?;
        let (value, p2) = match mde {
            Mde::Absolute(d) => (d, p1 + d),
            Mde::Relative(r) => (r, p1 * (1.0 + r)),
        };
        let bad = |expected| Error::InvalidParameter {
            name: "mde",
            value,
            expected,
        };
        if !value.is_finite() || value == 0.0 || p2 == p1 {
            return Err(bad("a non-zero finite effect"));
        }
        if !(0.0..=1.0).contains(&p2) {
            return Err(bad("an effect that keeps the variant's rate within [0, 1]"));
        }
        match self.alternative {
            Alternative::Larger if p2 < p1 => {
                return Err(bad("a positive effect for Alternative::Larger"));
            }
            Alternative::Smaller if p2 > p1 => {
                return Err(bad("a negative effect for Alternative::Smaller"));
            }
            _ => {}
        }
        let two_sided = !self.alternative.is_one_sided();
        let tail = if two_sided {
            self.alpha / 2.0
        } else {
            self.alpha
        };
        Ok(Setting {
            p1,
            p2,
            z_alpha: normal_isf(tail),
            two_sided,
            ratio: self.ratio,
        })
    }
}

impl Setting {
    fn delta2(&self) -> f64 {
        (self.p2 - self.p1).powi(2)
    }

    fn cohen_h(&self) -> f64 {
        (2.0 * (self.p2.sqrt().asin() - self.p1.sqrt().asin())).abs()
    }

    /// √(p̄q̄(1 + 1/k)), the standard deviation factor under H0.
    fn null_sd(&self) -> f64 {
        let k = self.ratio;
        let pbar = (self.p1 + k * self.p2) / (1.0 + k);
        (pbar * (1.0 - pbar) * (1.0 + 1.0 / k)).sqrt()
    }

    /// √(p₁q₁ + p₂q₂/k), the standard deviation factor under H1.
    fn alt_sd(&self) -> f64 {
        (self.p1 * (1.0 - self.p1) + self.p2 * (1.0 - self.p2) / self.ratio).sqrt()
    }

    fn power(&self, formula: SampleSizeFormula, n: f64) -> f64 {
        let delta_root_n = (self.p2 - self.p1).abs() * n.sqrt();
        match formula {
            SampleSizeFormula::CohenH | SampleSizeFormula::CohenHOneTail => {
                let u = self.cohen_h() * (n / (1.0 + 1.0 / self.ratio)).sqrt();
                let far = if formula == SampleSizeFormula::CohenH && self.two_sided {
                    normal_cdf(-u - self.z_alpha)
                } else {
                    0.0
                };
                normal_sf(self.z_alpha - u) + far
            }
            SampleSizeFormula::PooledNullUnpooledAlt => {
                normal_cdf((delta_root_n - self.z_alpha * self.null_sd()) / self.alt_sd())
            }
            SampleSizeFormula::Unpooled => normal_cdf(delta_root_n / self.alt_sd() - self.z_alpha),
        }
    }
}

/// The u > 0 with Φ(u − z) + Φ(−u − z) = power (power > 2Φ(−z)), by
/// Newton's method from the one-tail value u = z + Φ⁻¹(power).
fn solve_two_tail(z: f64, power: f64) -> f64 {
    let target_miss = 1.0 - power;
    let mut u = z + normal_quantile(power);
    for _ in 0..50 {
        // miss(u) = 1 − power(u) = Φ(z − u) − Φ(−u − z), decreasing in u.
        let miss = normal_cdf(z - u) - normal_cdf(-u - z);
        let slope = -(pdf(z - u) - pdf(u + z));
        let step = (miss - target_miss) / slope;
        let next = (u - step).max(u / 2.0);
        if (next - u).abs() <= 1e-15 * u {
            return next;
        }
        u = next;
    }
    u
}

fn pdf(x: f64) -> f64 {
    (-0.5 * x * x).exp() / (2.0 * std::f64::consts::PI).sqrt()
}

fn ceil_u64(x: f64) -> u64 {
    // Saturating float-to-int conversion; x is positive and finite here.
    x.ceil() as u64
}

/// `80682 control + 80682 variant = 161364 impressions (rate 2.000% →
/// 2.200%)`.
impl fmt::Display for SampleSize {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} control + {} variant = {} impressions (rate {:.3}% → {:.3}%)",
            self.control_ceil,
            self.variant_ceil,
            self.total(),
            100.0 * self.baseline,
            100.0 * self.target
        )
    }
}

/// `+0.2557 percentage points (+12.78% relative), rate → 2.256%`.
impl fmt::Display for DetectableEffect {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "{} percentage points ({}% relative), rate → {:.3}%",
            signed_number(100.0 * self.absolute, p),
            signed_number(100.0 * self.relative, p),
            100.0 * self.target
        )
    }
}
