//! Argument checks shared by every module: one wording for each kind of bad value.

use crate::error::{Error, Result};

/// Checks that a probability-like parameter lies strictly inside (0, 1).
pub(crate) fn check_open_unit(name: &'static str, value: f64) -> Result<f64> {
    if value > 0.0 && value < 1.0 {
        Ok(value)
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            expected: "strictly between 0 and 1",
        })
    }
}

/// Checks that `value` is finite.
pub(crate) fn check_finite(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() {
        Ok(value)
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            expected: "a finite number",
        })
    }
}

/// Checks that `value` is finite and > 0.
pub(crate) fn check_positive(name: &'static str, value: f64) -> Result<f64> {
    if value.is_finite() && value > 0.0 {
        Ok(value)
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            expected: "a finite number greater than 0",
        })
    }
}

/// Checks that a probability lies in the closed interval [0, 1].
pub(crate) fn check_probability(name: &'static str, value: f64) -> Result<f64> {
    if (0.0..=1.0).contains(&value) {
        Ok(value)
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            expected: "a probability in [0, 1]",
        })
    }
}

/// Checks run when results are read back (serde `try_from`): the invariants
/// the computing functions guarantee, so that a document read from JSON
/// cannot carry a probability of 5 or a negative loss into a report. One
/// place for every layer (bayes, freq, repeated, schedule, report).
pub(crate) mod read {
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

    /// Degrees of freedom: > 0, ∞ allowed (the normal reference).
    pub(crate) fn degrees_of_freedom(x: f64) -> Result<()> {
        if x > 0.0 {
            Ok(())
        } else {
            Err(Error::InvalidParameter {
                name: "degrees of freedom",
                value: x,
                expected: "a number > 0, or inf for the normal reference",
            })
        }
    }

    /// A finite number.
    pub(crate) fn finite(name: &'static str, x: f64) -> Result<()> {
        crate::validate::check_finite(name, x).map(|_| ())
    }

    /// Probabilities that must sum to 1 (each in [0, 1]).
    pub(crate) fn distribution(
        name: &'static str,
        xs: impl IntoIterator<Item = f64>,
    ) -> Result<()> {
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
        // `lower ≤ upper` is checked by `Interval`'s own deserialisation.
        Ok(())
    }

    /// A failed consistency check between fields of a result read back.
    pub(crate) fn inconsistent(what: &str, reason: impl std::fmt::Display) -> Error {
        Error::InvalidReport {
            message: format!("{what}: {reason}"),
        }
    }
}
