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
