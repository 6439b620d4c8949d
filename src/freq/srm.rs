//! Sample ratio mismatch (SRM): are the impressions per variant consistent
//! with the intended traffic split?

use serde::{Deserialize, Serialize};

use super::common::chi2_upper;

use crate::{Error, Result};

/// The p-value below which [`sample_ratio_mismatch`] flags a mismatch.
pub const SRM_THRESHOLD: f64 = 0.001;

/// Result of [`sample_ratio_mismatch`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// Chi-square goodness-of-fit test of the observed impressions (or users)
/// per variant against the intended split. `split` holds the relative
/// shares (any positive scale: `[1, 1]`, `[0.5, 0.5]` and `[50, 50]` are the
/// same split).
///
/// # Errors
///
/// [`Error::TooFew`] for fewer than 2 variants; [`Error::LengthMismatch`]
/// if the lengths differ; [`Error::InvalidParameter`] if a share is not a
/// positive finite number (name `split share`) or the shares do not sum to a
/// positive finite total (name `split total`); [`Error::AllZero`] if no
/// impressions were observed.
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
