//! Confidence intervals comparing two proportions: the difference
//! p_B − p_A, the ratio p_B / p_A (relative lift + 1) and the odds ratio
//! odds_B / odds_A. A is the control, B the variant.

use serde::{Deserialize, Serialize};

use super::common::{Proportion, Range, z_for_level};
use super::proportion_ci::wilson;
use super::ztest::{arm_variance, rate_difference};
use crate::interval::Interval;
use crate::{Error, Result};

/// Method of [`difference_ci`] for d = p_B − p_A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum DifferenceCiMethod {
    /// Wald: d ± z√(p_A q_A/n_A + p_B q_B/n_B), clipped to [−1, 1]; [0, 0] when
    /// both arms are 0/n (statsmodels `confint_proportions_2indep(method="wald")`).
    Wald,
    /// Agresti–Caffo (2000): add one success and one failure to each arm,
    /// then Wald on the adjusted rates (statsmodels `method="agresti-caffo"`).
    AgrestiCaffo,
    /// Newcombe (1998) hybrid score interval, method 10, from the two Wilson
    /// intervals [l_A, u_A], [l_B, u_B] without continuity correction:
    /// [d − √((p_B − l_B)² + (u_A − p_A)²), d + √((u_B − p_B)² + (p_A − l_A)²)]
    /// (statsmodels `method="newcomb"`).
    #[default]
    Newcombe,
}

/// Confidence interval for the difference p_B − p_A at `level`.
///
/// Every method's interval lies in [−1, 1] with lower ≤ upper (ends that a
/// formula puts outside by rounding or by construction, as Wald and
/// Agresti–Caffo do near 0/n vs n/n, are clamped).
///
/// # Errors
///
/// [`Error::InvalidParameter`] if `level` is not strictly between 0 and 1.
///
/// # Example
///
/// ```
/// use postab::freq::{DifferenceCiMethod, Proportion, difference_ci};
///
/// let a = Proportion::new(3, 40)?;
/// let b = Proportion::new(7, 40)?;
/// let ci = difference_ci(a, b, 0.95, DifferenceCiMethod::Newcombe)?;
/// assert!((ci.lower + 0.05149820167968385).abs() < 1e-15);
/// assert!((ci.upper - 0.2526345911663303).abs() < 1e-15);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn difference_ci(
    a: Proportion,
    b: Proportion,
    level: f64,
    method: DifferenceCiMethod,
) -> Result<Interval> {
    let z = z_for_level(level)?;
    Ok(match method {
        DifferenceCiMethod::Wald => {
            let d = rate_difference(a, b);
            let half =
                z * (arm_variance(a.s(), a.f(), a.n()) + arm_variance(b.s(), b.f(), b.n())).sqrt();
            Range::Difference.interval(d - half, d + half)
        }
        DifferenceCiMethod::AgrestiCaffo => {
            let (xa, ya, na) = (a.s() + 1.0, a.f() + 1.0, a.n() + 2.0);
            let (xb, yb, nb) = (b.s() + 1.0, b.f() + 1.0, b.n() + 2.0);
            let d = xb / nb - xa / na;
            let half = z * (arm_variance(xa, ya, na) + arm_variance(xb, yb, nb)).sqrt();
            Range::Difference.interval(d - half, d + half)
        }
        DifferenceCiMethod::Newcombe => {
            let d = rate_difference(a, b);
            let (pa, pb) = (a.rate(), b.rate());
            let wa = wilson(a.s(), a.f(), a.n(), z);
            let wb = wilson(b.s(), b.f(), b.n(), z);
            Range::Difference.interval(
                d - (pb - wb.lower).hypot(wa.upper - pa),
                d + (wb.upper - pb).hypot(pa - wa.lower),
            )
        }
    })
}

/// Log (Katz) interval for the rate ratio r = p_B / p_A:
/// exp(ln r ± z√(1/s_B − 1/n_B + 1/s_A − 1/n_A)), no ½ adjustment
/// (statsmodels `confint_proportions_2indep(compare="ratio", method="log")`).
/// The relative lift interval is this minus 1: `ratio_ci(..)?.map(|r| r - 1.0)`.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for a bad `level`; [`Error::Undefined`] if
/// either arm has 0 successes.
///
/// # Example
///
/// ```
/// use postab::freq::{Proportion, ratio_ci};
///
/// let ci = ratio_ci(Proportion::new(3, 40)?, Proportion::new(7, 40)?, 0.95)?;
/// assert!((ci.lower - 0.64905966518172).abs() < 1e-13);
/// assert!((ci.upper - 8.388203329381346).abs() < 1e-12);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn ratio_ci(a: Proportion, b: Proportion, level: f64) -> Result<Interval> {
    let z = z_for_level(level)?;
    if a.successes() == 0 || b.successes() == 0 {
        return Err(Error::Undefined {
            statistic: "log interval of the rate ratio",
            reason: format!(
                "an arm has 0 successes (A: {} of {}, B: {} of {})",
                a.successes(),
                a.trials(),
                b.successes(),
                b.trials()
            ),
        });
    }
    let ln_r = ((b.s() / a.s()) * (a.n() / b.n())).ln();
    let se = (a.f() / (a.s() * a.n()) + b.f() / (b.s() * b.n())).sqrt();
    Ok(Range::Ratio.interval((ln_r - z * se).exp(), (ln_r + z * se).exp()))
}

/// Logit (Woolf) interval for the odds ratio (odds of B)/(odds of A):
/// exp(ln OR ± z√(1/s_A + 1/f_A + 1/s_B + 1/f_B)) with f the failures, no
/// ½ adjustment (statsmodels `compare="odds-ratio", method="logit"`).
///
/// # Errors
///
/// [`Error::InvalidParameter`] for a bad `level`; [`Error::Undefined`] if any
/// of the four cells is 0.
///
/// # Example
///
/// ```
/// use postab::freq::{Proportion, odds_ratio_ci};
///
/// let ci = odds_ratio_ci(Proportion::new(3, 40)?, Proportion::new(7, 40)?, 0.95)?;
/// assert!(ci.lower < 2.6 && 2.6 < ci.upper);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn odds_ratio_ci(a: Proportion, b: Proportion, level: f64) -> Result<Interval> {
    let z = z_for_level(level)?;
    if a.successes() == 0 || b.successes() == 0 || a.failures() == 0 || b.failures() == 0 {
        return Err(Error::Undefined {
            statistic: "logit interval of the odds ratio",
            reason: format!(
                "a cell of the 2x2 table is 0 (A: {} of {}, B: {} of {})",
                a.successes(),
                a.trials(),
                b.successes(),
                b.trials()
            ),
        });
    }
    let ln_or = ((b.s() / a.s()) * (a.f() / b.f())).ln();
    let se = (1.0 / a.s() + 1.0 / a.f() + 1.0 / b.s() + 1.0 / b.f()).sqrt();
    Ok(Range::Ratio.interval((ln_or - z * se).exp(), (ln_or + z * se).exp()))
}
