//! Sample ratio mismatch (SRM): are the impressions per variant consistent
//! with the intended traffic split?

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::chi2_upper;
use crate::report::format::{number, probability};
use crate::{Error, Result};

/// The p-value below which [`sample_ratio_mismatch`] flags a mismatch.
pub const SRM_THRESHOLD: f64 = 0.001;

/// Smallest share of the total a variant's split may have
/// (`wᵢ/Σw ≥ 10⁻¹²`): below it the expected count can round to 0.
pub const MIN_SPLIT_SHARE: f64 = 1e-12;

/// Result of [`sample_ratio_mismatch`].
///
/// Deserialisation checks that the statistic is finite and non-negative,
/// the p-value in [0, 1], one expected count (finite, non-negative) per
/// variant with `dof` = variants − 1 ≥ 1, and `mismatch` consistent with the
/// p-value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SrmCheckRepr")]
#[non_exhaustive]
pub struct SrmCheck {
    /// Pearson's goodness-of-fit X² = Σ (O − E)²/E.
    pub statistic: f64,
    /// Degrees of freedom K − 1.
    pub dof: u64,
    /// P(χ²_{K−1} > X²).
    pub p_value: f64,
    /// Expected impressions per variant, N·wᵢ/Σw.
    pub expected: Vec<f64>,
    /// `p_value < SRM_THRESHOLD` (0.001): the split is broken, so the
    /// comparison of the variants is not trustworthy.
    pub mismatch: bool,
}

/// The serialised form of [`SrmCheck`], checked on the way in.
#[derive(Deserialize)]
struct SrmCheckRepr {
    statistic: f64,
    dof: u64,
    p_value: f64,
    expected: Vec<f64>,
    mismatch: bool,
}

impl TryFrom<SrmCheckRepr> for SrmCheck {
    type Error = Error;

    fn try_from(r: SrmCheckRepr) -> Result<Self> {
        let bad = |name, value, expected| Error::InvalidParameter {
            name,
            value,
            expected,
        };
        if !(r.statistic.is_finite() && r.statistic >= 0.0) {
            return Err(bad("SRM statistic", r.statistic, "a finite number >= 0"));
        }
        crate::validate::check_probability("SRM p-value", r.p_value)?;
        if let Some(&e) = r.expected.iter().find(|e| !(e.is_finite() && **e >= 0.0)) {
            return Err(bad("SRM expected count", e, "a finite number >= 0"));
        }
        if r.expected.len() < 2 || r.dof != (r.expected.len() - 1) as u64 {
            return Err(bad(
                "SRM degrees of freedom",
                r.dof as f64,
                "one less than the number of expected counts (at least 2)",
            ));
        }
        if r.mismatch != (r.p_value < SRM_THRESHOLD) {
            return Err(bad(
                "SRM p-value",
                r.p_value,
                "a p-value consistent with the mismatch flag (below 0.001 exactly when flagged)",
            ));
        }
        Ok(SrmCheck {
            statistic: r.statistic,
            dof: r.dof,
            p_value: r.p_value,
            expected: r.expected,
            mismatch: r.mismatch,
        })
    }
}

/// Chi-square goodness-of-fit test of the observed impressions (or users)
/// per variant against the intended split. `split` holds the relative
/// shares (any positive scale: `[1, 1]`, `[0.5, 0.5]` and `[50, 50]` are the
/// same split).
///
/// # Errors
///
/// [`Error::TooFew`] for fewer than 2 variants; [`Error::LengthMismatch`]
/// if the lengths differ; [`Error::InvalidParameter`] if a share is not a
/// positive finite number (name `split share`), the shares do not sum to a
/// positive finite total (name `split total`), or a share is below
/// [`MIN_SPLIT_SHARE`] (10⁻¹²) of the total (name `split share`);
/// [`Error::AllZero`] if no impressions were observed.
///
/// # Example
///
/// ```
/// use postab::freq::sample_ratio_mismatch;
///
/// let ok = sample_ratio_mismatch(&[10_050, 9_950], &[0.5, 0.5])?;
/// assert!(!ok.mismatch);
/// let broken = sample_ratio_mismatch(&[10_600, 9_400], &[0.5, 0.5])?;
/// assert!(broken.mismatch);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn sample_ratio_mismatch(observed: &[u64], split: &[f64]) -> Result<SrmCheck> {
    if observed.len() < 2 {
        return Err(Error::TooFew {
            what: "variants",
            got: observed.len(),
            min: 2,
        });
    }
    if observed.len() != split.len() {
        return Err(Error::LengthMismatch {
            what: "observed counts vs split shares",
            left: observed.len(),
            right: split.len(),
        });
    }
    if let Some(&w) = split.iter().find(|w| !(w.is_finite() && **w > 0.0)) {
        return Err(Error::InvalidParameter {
            name: "split share",
            value: w,
            expected: "a positive finite share",
        });
    }
    let total_share: f64 = split.iter().sum();
    if !(total_share.is_finite() && total_share > 0.0) {
        return Err(Error::InvalidParameter {
            name: "split total",
            value: total_share,
            expected: "a positive finite total",
        });
    }
    if let Some(&w) = split.iter().find(|&&w| w / total_share < MIN_SPLIT_SHARE) {
        return Err(Error::InvalidParameter {
            name: "split share",
            value: w,
            expected: "a share of at least 1e-12 of the total",
        });
    }
    let n: u128 = observed.iter().map(|&o| u128::from(o)).sum();
    if n == 0 {
        return Err(Error::AllZero {
            what: "observed impressions",
        });
    }
    let nf = n as f64;
    let expected: Vec<f64> = split.iter().map(|w| nf * (w / total_share)).collect();
    let statistic: f64 = observed
        .iter()
        .zip(&expected)
        .map(|(&o, &e)| {
            let d = o as f64 - e;
            d * d / e
        })
        .sum();
    let dof = (observed.len() - 1) as u64;
    let p_value = chi2_upper(statistic, dof).clamp(0.0, 1.0);
    Ok(SrmCheck {
        statistic,
        dof,
        p_value,
        expected,
        mismatch: p_value < SRM_THRESHOLD,
    })
}

/// `sample ratio chi-square = 6.557, 1 dof, p = 0.01045: no mismatch` (or
/// `: MISMATCH`).
impl fmt::Display for SrmCheck {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "sample ratio chi-square = {}, {} dof, p = {}: {}",
            number(self.statistic, f.precision()),
            self.dof,
            probability(self.p_value),
            if self.mismatch {
                "MISMATCH"
            } else {
                "no mismatch"
            }
        )
    }
}
