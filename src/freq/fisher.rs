//! Fisher's exact test for a 2 × 2 table, in log space.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Alternative, Proportion};
use super::discrete::{Hypergeometric, Unimodal, two_sided_p};
use crate::report::format::probability;
use crate::{Error, Result};

/// Largest standard deviation of the conditional (hypergeometric)
/// distribution for which the exact sums are attempted (about 10^7 terms).
const MAX_STD_DEV: f64 = 1e6;

/// Result of [`fisher_exact`].
///
/// Deserialisation checks the p-value is in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FisherExactRepr")]
#[non_exhaustive]
pub struct FisherExact {
    /// The p-value for the chosen alternative.
    pub p_value: f64,
    /// The alternative tested (for B relative to A).
    pub alternative: Alternative,
}

/// Fisher's exact test of the table `[[s_A, n_A − s_A], [s_B, n_B − s_B]]`
/// (row 0 = control A, row 1 = variant B), conditional on all margins.
///
/// * `TwoSided`: the sum of the probabilities of every table whose
///   probability is at most that of the observed one, with R's relative
///   tie tolerance of 1e-7 (scipy's `fisher_exact` default).
/// * `Larger` (H1: B's rate is higher, odds ratio B/A > 1): P(X ≤ s_A),
///   where X is the top-left cell; this is scipy's `alternative="less"` on
///   this table.
/// * `Smaller`: P(X ≥ s_A) (scipy's `"greater"`).
///
/// The probabilities are summed from the cut points outward with ratio
/// recurrences, anchored on log-space hypergeometric probabilities, so the
/// test is exact (to about 1e-13 relative) at 10^5 to 10^9 impressions per
/// row and for p-values far below 1e-300 (a p-value below the smallest
/// positive `f64` is returned as 0).
///
/// # Errors
///
/// [`Error::TooLarge`] when the conditional distribution is so wide
/// (standard deviation above 10^6, for example billions of clicks per arm)
/// that the exact sum would take seconds; use the chi-square test there.
///
/// # Example
///
/// ```
/// use postab::freq::{Alternative, Proportion, fisher_exact};
///
/// let a = Proportion::new(120, 5000)?;
/// let b = Proportion::new(150, 5000)?;
/// let p = fisher_exact(a, b, Alternative::TwoSided)?.p_value;
/// assert!((p - 0.0734).abs() < 1e-3);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn fisher_exact(a: Proportion, b: Proportion, alternative: Alternative) -> Result<FisherExact> {
    let too_large = |reason: String| Error::TooLarge {
        what: "Fisher's exact test",
        reason,
    };
    let population = a.trials().checked_add(b.trials()).ok_or_else(|| {
        too_large(format!(
            "{} + {} trials overflow u64",
            a.trials(),
            b.trials()
        ))
    })?;
    let d = Hypergeometric {
        successes: a.successes() + b.successes(),
        draws: a.trials(),
        population,
    };
    let sd = d.variance().sqrt();
    if sd > MAX_STD_DEV {
        return Err(too_large(format!(
            "the conditional distribution has standard deviation {sd:.3e}; use the chi-square test"
        )));
    }
    let x = a.successes();
    let p_value = match alternative {
        Alternative::TwoSided => two_sided_p(&d, x),
        Alternative::Larger => d.cdf(x),
        Alternative::Smaller => d.sf(x),
    };
    Ok(FisherExact {
        p_value: p_value.clamp(0.0, 1.0),
        alternative,
    })
}

/// Fisher's exact test of a 2 × 2 table given as rows
/// `[[successes_A, failures_A], [successes_B, failures_B]]`; see
/// [`fisher_exact`].
///
/// # Errors
///
/// [`Error::InvalidParameter`] if a row is empty (no trials) or its total
/// overflows `u64`; otherwise as [`fisher_exact`].
///
/// # Example
///
/// ```
/// use postab::freq::{Alternative, fisher_exact_table};
///
/// let p = fisher_exact_table([[3, 37], [7, 33]], Alternative::TwoSided)?.p_value;
/// assert!((p - 0.3109267773039549).abs() < 1e-12);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn fisher_exact_table(table: [[u64; 2]; 2], alternative: Alternative) -> Result<FisherExact> {
    let row = |r: [u64; 2]| {
        let n = r[0].checked_add(r[1]).ok_or(Error::InvalidParameter {
            name: "row total",
            value: r[0] as f64 + r[1] as f64,
            expected: "at most u64::MAX",
        })?;
        Proportion::new(r[0], n)
    };
    fisher_exact(row(table[0])?, row(table[1])?, alternative)
}

super::common::validated!(
    FisherExact,
    FisherExactRepr {
        p_value: f64,
        alternative: Alternative
    },
    |r| { crate::validate::read::prob("Fisher p-value", r.p_value) }
);

/// `Fisher's exact test (two-sided): p = 0.04036`.
impl fmt::Display for FisherExact {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Fisher's exact test ({}): p = {}",
            self.alternative,
            probability(self.p_value)
        )
    }
}
