//! Two Poisson rates (counts per exposure, for example replies per
//! thousand impressions): tests and an interval for the rate ratio
//! λ_B / λ_A. A is the control, B the variant.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Alternative, Range, beta_quantile, beta_quantile_upper, z_for_level};
use super::discrete::{Binomial, Unimodal, two_sided_p};
use crate::interval::Interval;
use crate::report::format::{number, probability};
use crate::{Error, Result};

/// An event count over an exposure (any positive unit, fractional allowed).
///
/// # Supported range
///
/// Any count; an exposure in [10⁻¹⁰⁰, 10¹⁰⁰] ([`MIN_EXPOSURE`],
/// [`MAX_EXPOSURE`]), so rates, exposure ratios and their products with
/// counts stay finite. Deserialisation checks the same.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawRate")]
pub struct RateCount {
    count: u64,
    exposure: f64,
}

#[derive(Deserialize)]
struct RawRate {
    count: u64,
    exposure: f64,
}

impl TryFrom<RawRate> for RateCount {
    type Error = Error;
    fn try_from(raw: RawRate) -> Result<Self> {
        RateCount::new(raw.count, raw.exposure)
    }
}

/// Smallest exposure of a [`RateCount`].
pub const MIN_EXPOSURE: f64 = 1e-100;
/// Largest exposure of a [`RateCount`].
pub const MAX_EXPOSURE: f64 = 1e100;
/// Most events (c_A + c_B) of the exact conditional methods of
/// [`poisson_rate_test`] and [`rate_ratio_ci`] (2⁵², so that n + 1 and the
/// binomial's parameters stay exact in an `f64`; at 2⁵³ − 2 the incomplete
/// beta function took 0.16 s); the score test and the Wald interval take
/// any counts.
pub const MAX_EXACT_EVENTS: u64 = 1 << 52;

/// The error for an exact method given more than [`MAX_EXACT_EVENTS`].
fn too_many_events(total: u128, alternative: &str) -> Error {
    Error::TooLarge {
        what: "exact conditional Poisson method",
        reason: format!(
            "{total} events exceed 2^52 = {MAX_EXACT_EVENTS}; use the {alternative} (accurate at such counts)"
        ),
    }
}

/// Smallest null rate ratio of [`poisson_rate_test`].
pub const MIN_NULL_RATIO: f64 = 1e-100;
/// Largest null rate ratio of [`poisson_rate_test`].
pub const MAX_NULL_RATIO: f64 = 1e100;

impl RateCount {
    /// `count` events over `exposure`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] (name `exposure`) unless `exposure` is
    /// in [10⁻¹⁰⁰, 10¹⁰⁰].
    pub fn new(count: u64, exposure: f64) -> Result<Self> {
        if !(MIN_EXPOSURE..=MAX_EXPOSURE).contains(&exposure) {
            return Err(Error::InvalidParameter {
                name: "exposure",
                value: exposure,
                expected: "an exposure in [1e-100, 1e100]",
            });
        }
        Ok(Self { count, exposure })
    }

    /// The event count.
    pub fn count(&self) -> u64 {
        self.count
    }

    /// The exposure.
    pub fn exposure(&self) -> f64 {
        self.exposure
    }

    /// The observed rate count / exposure.
    pub fn rate(&self) -> f64 {
        self.count as f64 / self.exposure
    }
}

/// Method of [`poisson_rate_test`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PoissonTestMethod {
    /// Exact conditional test: given the total n = c_A + c_B, c_B is
    /// Binomial(n, π) with π = R₀e_B/(e_A + R₀e_B) under H0. Two-sided p is
    /// the sum of the probabilities ≤ P(c_B)·(1 + 1e-7) (scipy `binomtest`;
    /// statsmodels `test_poisson_2indep(method="exact-cond")`).
    #[default]
    ExactConditional,
    /// Score test: z = (c_B − c_A·r)/√((c_A + c_B)·r) with r = R₀e_B/e_A
    /// (statsmodels `test_poisson_2indep(method="score")`).
    Score,
}

/// Result of [`poisson_rate_test`].
///
/// Deserialisation checks the p-value is in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PoissonRateTestRepr")]
#[non_exhaustive]
pub struct PoissonRateTest {
    /// The score statistic (B over A orientation); `None` for the exact test.
    pub statistic: Option<f64>,
    /// The p-value for the chosen alternative.
    pub p_value: f64,
    /// The observed rate ratio λ̂_B/λ̂_A; `None` when c_A = 0.
    pub ratio: Option<f64>,
    /// The null rate ratio R₀.
    pub null_ratio: f64,
    /// The alternative tested (ratio B/A relative to R₀).
    pub alternative: Alternative,
}

/// Tests H0: λ_B/λ_A = `null_ratio` (1 for "no difference").
///
/// # Supported range
///
/// `null_ratio` in [10⁻¹⁰⁰, 10¹⁰⁰] ([`MIN_NULL_RATIO`], [`MAX_NULL_RATIO`]);
/// any counts whose total fits in a `u64` for the score test, at most
/// [`MAX_EXACT_EVENTS`] (2⁵²) events for the exact test. The exact test evaluates the
/// binomial of the smaller-probability arm (so π = r/(1 + r) never rounds
/// to 1) and the score statistic is formed as (c_B/√r − c_A√r)/√n, so
/// neither overflows.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `null_ratio` is outside its range or the
/// total count exceeds `u64::MAX`; [`Error::TooLarge`] for the exact test
/// beyond 2⁵² events; [`Error::Undefined`] for the score test when both
/// counts are 0.
///
/// # Example
///
/// ```
/// use postab::freq::{Alternative, PoissonTestMethod, RateCount, poisson_rate_test};
///
/// let a = RateCount::new(30, 10.0)?; // 30 replies per 10k impressions
/// let b = RateCount::new(55, 10.0)?;
/// let t = poisson_rate_test(a, b, 1.0, Alternative::TwoSided, PoissonTestMethod::ExactConditional)?;
/// assert!(t.p_value < 0.01);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn poisson_rate_test(
    a: RateCount,
    b: RateCount,
    null_ratio: f64,
    alternative: Alternative,
    method: PoissonTestMethod,
) -> Result<PoissonRateTest> {
    if !(MIN_NULL_RATIO..=MAX_NULL_RATIO).contains(&null_ratio) {
        return Err(Error::InvalidParameter {
            name: "null rate ratio",
            value: null_ratio,
            expected: "a ratio in [1e-100, 1e100]",
        });
    }
    // r = R₀e_B/e_A lies in [1e-300, 1e300].
    let r = null_ratio * (b.exposure / a.exposure);
    let total = a
        .count
        .checked_add(b.count)
        .ok_or(Error::InvalidParameter {
            name: "total count",
            value: a.count as f64 + b.count as f64,
            expected: "at most u64::MAX",
        })?;
    let (statistic, p_value) = match method {
        PoissonTestMethod::ExactConditional => {
            if total > MAX_EXACT_EVENTS {
                return Err(too_many_events(total.into(), "score test"));
            }
            // c_B ~ Binomial(n, r/(1 + r)); equivalently c_A ~ Binomial(n,
            // 1/(1 + r)). Use the arm whose probability is at most ½, so
            // that it is formed without rounding to 1.
            let (x, p, larger_is_up) = if r <= 1.0 {
                (b.count, r / (1.0 + r), true)
            } else {
                (a.count, 1.0 / (1.0 + r), false)
            };
            let d = Binomial { n: total, p };
            let p = match (alternative, larger_is_up) {
                (Alternative::TwoSided, _) => two_sided_p(&d, x),
                (Alternative::Larger, true) | (Alternative::Smaller, false) => d.sf(x),
                (Alternative::Larger, false) | (Alternative::Smaller, true) => d.cdf(x),
            };
            (None, p)
        }
        PoissonTestMethod::Score => {
            if total == 0 {
                return Err(Error::Undefined {
                    statistic: "Poisson score statistic",
                    reason: "both counts are 0".into(),
                });
            }
            let root_r = r.sqrt();
            let z = (b.count as f64 / root_r - a.count as f64 * root_r) / (total as f64).sqrt();
            (Some(z), alternative.normal_p_value(z))
        }
    };
    Ok(PoissonRateTest {
        statistic,
        p_value: p_value.clamp(0.0, 1.0),
        ratio: (a.count > 0).then(|| b.rate() / a.rate()),
        null_ratio,
        alternative,
    })
}

/// Method of [`rate_ratio_ci`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RateRatioCiMethod {
    /// Exact conditional: the Clopper–Pearson interval [π_L, π_U] of
    /// c_B out of c_A + c_B, mapped by R = π/(1 − π)·e_A/e_B. The lower
    /// bound is 0 when c_B = 0 and the upper bound is +∞ when c_A = 0.
    #[default]
    ExactConditional,
    /// Wald on the log scale: exp(ln R̂ ± z√(1/c_A + 1/c_B)) (statsmodels
    /// `confint_poisson_2indep(method="wald-log")`).
    WaldLog,
}

/// Confidence interval for the rate ratio λ_B/λ_A at `level`.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for a bad `level`; [`Error::Undefined`] if
/// both counts are 0, or for `WaldLog` if either count is 0;
/// [`Error::TooLarge`] for `ExactConditional` beyond [`MAX_EXACT_EVENTS`]
/// (2⁵²) events.
///
/// # Example
///
/// ```
/// use postab::freq::{RateCount, RateRatioCiMethod, rate_ratio_ci};
///
/// let a = RateCount::new(30, 10.0)?;
/// let b = RateCount::new(55, 10.0)?;
/// let ci = rate_ratio_ci(a, b, 0.95, RateRatioCiMethod::ExactConditional)?;
/// assert!(ci.contains(55.0 / 30.0) && ci.lower > 1.0);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn rate_ratio_ci(
    a: RateCount,
    b: RateCount,
    level: f64,
    method: RateRatioCiMethod,
) -> Result<Interval> {
    let z = z_for_level(level)?;
    let undefined = |reason: &str| Error::Undefined {
        statistic: "rate-ratio interval",
        reason: format!("{reason} (A: {} events, B: {} events)", a.count, b.count),
    };
    let scale = a.exposure / b.exposure;
    let (ca, cb) = (a.count as f64, b.count as f64);
    match method {
        RateRatioCiMethod::ExactConditional => {
            if a.count == 0 && b.count == 0 {
                return Err(undefined("both counts are 0"));
            }
            let total = u128::from(a.count) + u128::from(b.count);
            if total > u128::from(MAX_EXACT_EVENTS) {
                return Err(too_many_events(total, "WaldLog interval"));
            }
            let half = (1.0 - level) / 2.0;
            // Odds π/(1 − π) of each Clopper–Pearson bound, with 1 − π from
            // the complementary quantile so that neither loses digits.
            let lower = if b.count == 0 {
                0.0
            } else {
                beta_quantile(cb, ca + 1.0, half) / beta_quantile_upper(ca + 1.0, cb, half)
            };
            let upper = if a.count == 0 {
                f64::INFINITY
            } else {
                beta_quantile_upper(cb + 1.0, ca, half) / beta_quantile(ca, cb + 1.0, half)
            };
            Ok(Range::Ratio.interval(lower * scale, upper * scale))
        }
        RateRatioCiMethod::WaldLog => {
            if a.count == 0 || b.count == 0 {
                return Err(undefined("a count is 0"));
            }
            let ln_r = (cb / ca * scale).ln();
            let se = (1.0 / ca + 1.0 / cb).sqrt();
            Ok(Range::Ratio.interval((ln_r - z * se).exp(), (ln_r + z * se).exp()))
        }
    }
}

/// Exact (Garwood) confidence interval of one Poisson rate `count / exposure`:
/// `[Q_Γ(α/2; k) / E, Q_Γ(1 − α/2; k + 1) / E]` with `Q_Γ(p; s)` the Gamma(s, 1)
/// quantile (lower end 0 when `k = 0`). Coverage is at least the level.
///
/// # Errors
/// [`Error::InvalidParameter`] for a level outside (0, 1).
///
/// # Example
/// ```
/// use postab::freq::{RateCount, poisson_rate_ci};
/// // 0 replies over 10 posts: upper 95 % bound −ln(0.025)/10 = 0.3689
/// let ci = poisson_rate_ci(RateCount::new(0, 10.0)?, 0.95)?;
/// assert_eq!(ci.lower, 0.0);
/// assert!((ci.upper - 0.36888794541139363).abs() < 1e-14);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn poisson_rate_ci(rate: RateCount, level: f64) -> Result<Interval> {
    z_for_level(level)?;
    let tail = 0.5 * (1.0 - level);
    let k = rate.count as f64;
    let lower = if rate.count == 0 {
        0.0
    } else {
        crate::numeric::gamma_inc_inv(k, tail)
    };
    let upper = crate::numeric::gamma_inc_inv_upper(k + 1.0, tail);
    Ok(Range::Ratio.interval(lower / rate.exposure, upper / rate.exposure))
}

super::common::validated!(PoissonRateTest, PoissonRateTestRepr { statistic: Option<f64>, p_value: f64, ratio: Option<f64>, null_ratio: f64, alternative: Alternative }, |r| { crate::validate::read::prob("Poisson p-value", r.p_value) });

/// `18 events over 9000 units of exposure`.
impl fmt::Display for RateCount {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} events over {} units of exposure",
            self.count,
            number(self.exposure, f.precision())
        )
    }
}

/// `rate ratio B/A 2.228 (H0 1, two-sided), p = 0.003916`, with `z = …`
/// for the score test and `rate ratio B/A undefined` when A had no events.
impl fmt::Display for PoissonRateTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        match self.ratio {
            Some(r) => write!(f, "rate ratio B/A {}", number(r, p))?,
            None => f.write_str("rate ratio B/A undefined")?,
        }
        write!(f, " (H0 {}, {})", self.null_ratio, self.alternative)?;
        if let Some(z) = self.statistic {
            write!(f, ", z = {}", number(z, p))?;
        }
        write!(f, ", p = {}", probability(self.p_value))
    }
}
