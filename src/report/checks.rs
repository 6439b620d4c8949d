//! Checks run when results are read back (serde `try_from`): the invariants
//! the computing functions guarantee, so that a document read from JSON
//! cannot carry a probability of 5 or a negative loss into a report.

use crate::error::{Error, Result};
use crate::interval::Interval;

/// Tolerance on `Σ P(best) = 1` for results read back (computed results
/// meet 1e-12; JSON numbers round-trip exactly).
pub(crate) const PROB_SUM_TOLERANCE: f64 = 1e-9;

/// A probability in [0, 1].
pub(crate) fn prob(name: &'static str, x: f64) -> Result<()> {
    crate::validate::check_probability(name, x).map(|_| ())
}

/// An expected loss (or other amount): finite and ≥ 0.
pub(crate) fn non_negative(name: &'static str, x: f64) -> Result<()> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: x,
            expected: "a finite number ≥ 0",
        })
    }
}

/// A finite number.
pub(crate) fn finite(name: &'static str, x: f64) -> Result<()> {
    crate::validate::check_finite(name, x).map(|_| ())
}

/// Probabilities that must sum to 1 (each in [0, 1]).
pub(crate) fn distribution(name: &'static str, xs: impl IntoIterator<Item = f64>) -> Result<()> {
    let mut sum = 0.0;
    for x in xs {
        prob(name, x)?;
        sum += x;
    }
    if (sum - 1.0).abs() <= PROB_SUM_TOLERANCE {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: sum,
            expected: "probabilities summing to 1",
        })
    }
}

/// An interval inside `[lo, hi]` (its `lower ≤ upper` is checked when read).
pub(crate) fn within(name: &'static str, iv: &Interval, lo: f64, hi: f64) -> Result<()> {
    for end in [iv.lower, iv.upper] {
        if !(lo..=hi).contains(&end) {
            return Err(Error::InvalidParameter {
                name,
                value: end,
                expected: "an interval end inside the parameter's range",
            });
        }
    }
    if iv.lower <= iv.upper {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value: iv.lower,
            expected: "a lower end not above the upper end",
        })
    }
}

/// A failed consistency check between fields of a result read back.
pub(crate) fn inconsistent(what: &str, reason: impl std::fmt::Display) -> Error {
    Error::InvalidReport {
        message: format!("{what}: {reason}"),
    }
}
