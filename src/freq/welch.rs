//! Welch's t-test for continuous metrics (for example watch time or
//! revenue per impression) from summary statistics.

use serde::{Deserialize, Serialize};

use super::common::{Alternative, check_finite, check_open_unit};
use crate::interval::Interval;
use crate::numeric::{beta_inc, beta_inc_inv_upper, beta_inc_upper, ln_beta_pdf};
use crate::{Error, Result};

/// Mean, sample standard deviation (n − 1 denominator) and size of one arm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSummary")]
pub struct SampleSummary {
    mean: f64,
    std_dev: f64,
    n: u64,
}

#[derive(Deserialize)]
struct RawSummary {
    mean: f64,
    std_dev: f64,
    n: u64,
}

impl TryFrom<RawSummary> for SampleSummary {
    type Error = Error;
    fn try_from(raw: RawSummary) -> Result<Self> {
        SampleSummary::new(raw.mean, raw.std_dev, raw.n)
    }
}

impl SampleSummary {
    /// Summary of `n` observations.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if `mean` is not finite, `std_dev` is
    /// negative or not finite, or `n < 2`.
    pub fn new(mean: f64, std_dev: f64, n: u64) -> Result<Self> {
        check_finite("mean", mean)?;
        if !(std_dev.is_finite() && std_dev >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "standard deviation",
                value: std_dev,
                expected: "a finite number >= 0",
            });
        }
        if n < 2 {
            return Err(Error::InvalidParameter {
                name: "n",
                value: n as f64,
                expected: "at least 2 observations",
            });
        }
        Ok(Self { mean, std_dev, n })
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The sample standard deviation.
    pub fn std_dev(&self) -> f64 {
        self.std_dev
    }

    /// The number of observations.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// s²/n, the squared standard error of the mean.
    fn var_of_mean(&self) -> f64 {
        self.std_dev * self.std_dev / self.n as f64
    }
}

/// Result of [`welch_t_test`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct WelchTest {
    /// t = (mean_B − mean_A)/se, B minus A.
    pub statistic: f64,
    /// Welch–Satterthwaite degrees of freedom
    /// (v_A + v_B)²/(v_A²/(n_A − 1) + v_B²/(n_B − 1)), v = s²/n.
    pub dof: f64,
    /// The p-value for the chosen alternative (Student t tail through the
    /// incomplete beta: P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½)).
    pub p_value: f64,
    /// mean_B − mean_A.
    pub difference: f64,
    /// se = √(v_A + v_B).
    pub std_error: f64,
    /// Two-sided interval of the difference at the requested level:
    /// difference ± t_{1−α/2, ν}·se.
    pub interval: Interval,
}

/// Welch's unequal-variance t-test of mean_B − mean_A, with the two-sided
/// confidence interval of the difference at `level`.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for a bad `level`; [`Error::Undefined`] if
/// both standard deviations are 0.
///
/// # Example
///
/// ```
/// use postab::freq::{Alternative, SampleSummary, welch_t_test};
///
/// let a = SampleSummary::new(12.0, 4.0, 200)?;
/// let b = SampleSummary::new(13.1, 5.0, 180)?;
/// let t = welch_t_test(a, b, Alternative::TwoSided, 0.95)?;
/// assert!(t.p_value < 0.05 && t.interval.lower > 0.0);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn welch_t_test(
    a: SampleSummary,
    b: SampleSummary,
    alternative: Alternative,
    level: f64,
) -> Result<WelchTest> {
    check_open_unit("confidence level", level)?;
    let (va, vb) = (a.var_of_mean(), b.var_of_mean());
    let std_error = (va + vb).sqrt();
    if std_error.is_nan() || std_error <= 0.0 {
        return Err(Error::Undefined {
            statistic: "Welch t",
            reason: "both standard deviations are 0".into(),
        });
    }
    let dof = (va + vb) * (va + vb) / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    let difference = b.mean - a.mean;
    let t = difference / std_error;
    let p_value = match alternative {
        Alternative::TwoSided => t_two_tail(t, dof),
        Alternative::Larger => t_upper(t, dof),
        Alternative::Smaller => t_upper(-t, dof),
    };
    let half = t_isf_two_sided(1.0 - level, dof) * std_error;
    Ok(WelchTest {
        statistic: t,
        dof,
        p_value: p_value.clamp(0.0, 1.0),
        difference,
        std_error,
        interval: Interval::new(difference - half, difference + half),
    })
}

/// P(|T_ν| > |t|) = I_x(ν/2, ½) with x = ν/(ν + t²). Whichever of x and
/// 1 − x = t²/(ν + t²) is smaller is formed directly (at ν = 10⁹ the tail
/// is sensitive to 1 − x, which `1 − x` would round away).
fn t_two_tail(t: f64, nu: f64) -> f64 {
    let t2 = t * t;
    if t2 < nu {
        beta_inc_upper(0.5, nu / 2.0, t2 / (nu + t2))
    } else {
        beta_inc(nu / 2.0, 0.5, nu / (nu + t2))
    }
}

/// P(T_ν > t).
fn t_upper(t: f64, nu: f64) -> f64 {
    let half = 0.5 * t_two_tail(t, nu);
    if t >= 0.0 { half } else { 1.0 - half }
}

/// The t with P(|T_ν| > t) = alpha: from 1 − I_y(½, ν/2) = alpha with
/// y = t²/(ν + t²), so y keeps full accuracy when small.
/// Two Newton steps on y polish the inverse at very large ν.
fn t_isf_two_sided(alpha: f64, nu: f64) -> f64 {
    let mut y = beta_inc_inv_upper(0.5, nu / 2.0, alpha);
    for _ in 0..2 {
        if !(y > 0.0 && y < 0.5) {
            break;
        }
        let miss = beta_inc_upper(0.5, nu / 2.0, y) - alpha;
        let density = ln_beta_pdf(0.5, nu / 2.0, y, 1.0 - y).exp();
        if density > 0.0 && density.is_finite() {
            y += miss / density;
        }
    }
    (nu * y / (1.0 - y)).sqrt()
}
