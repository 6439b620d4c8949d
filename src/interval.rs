//! A closed interval of real numbers: credible and confidence intervals.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::report::format::number;

/// An interval `[lower, upper]`: a credible interval (Bayesian) or a
/// confidence interval (frequentist); the producing function says which.
///
/// In JSON the ends are numbers, or the strings `"inf"` / `"-inf"` for an
/// unbounded end; reading checks `lower ≤ upper` (and refuses NaN).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "IntervalRepr")]
pub struct Interval {
    /// Lower end.
    #[serde(with = "crate::serde_float")]
    pub lower: f64,
    /// Upper end.
    #[serde(with = "crate::serde_float")]
    pub upper: f64,
}

/// The serialised form of [`Interval`], checked on the way in.
#[derive(Deserialize)]
struct IntervalRepr {
    #[serde(with = "crate::serde_float")]
    lower: f64,
    #[serde(with = "crate::serde_float")]
    upper: f64,
}

impl TryFrom<IntervalRepr> for Interval {
    type Error = Error;

    fn try_from(r: IntervalRepr) -> Result<Self> {
        if r.lower <= r.upper {
            Ok(Interval::new(r.lower, r.upper))
        } else {
            Err(Error::InvalidParameter {
                name: "interval lower end",
                value: r.lower,
                expected: "a number not above the upper end (and not NaN)",
            })
        }
    }
}

impl Interval {
    /// `[lower, upper]`.
    pub fn new(lower: f64, upper: f64) -> Self {
        Self { lower, upper }
    }

    /// `[lo, hi]` as a valid interval of a parameter whose range is
    /// `[low, high]`: both ends clamped into the range and put in order. A
    /// computation whose ends cross by rounding (by ulps, or in the
    /// subnormal range where few digits are left) gives the degenerate
    /// interval at their midpoint; a NaN end becomes the range's end on
    /// that side (the uninformative answer). Every interval the crate
    /// computes passes through here.
    pub(crate) fn within(lo: f64, hi: f64, low: f64, high: f64) -> Self {
        let lo = if lo.is_nan() {
            low
        } else {
            lo.clamp(low, high)
        };
        let hi = if hi.is_nan() {
            high
        } else {
            hi.clamp(low, high)
        };
        if lo <= hi {
            Self::new(lo, hi)
        } else {
            let mid = (0.5 * lo + 0.5 * hi).clamp(low, high);
            Self::new(mid, mid)
        }
    }

    /// Whether `x` lies inside the closed interval.
    pub fn contains(&self, x: f64) -> bool {
        self.lower <= x && x <= self.upper
    }

    /// `upper − lower`.
    pub fn width(&self) -> f64 {
        self.upper - self.lower
    }

    /// Both ends mapped through a monotone increasing function.
    pub fn map(self, f: impl Fn(f64) -> f64) -> Self {
        Self {
            lower: f(self.lower),
            upper: f(self.upper),
        }
    }
}

/// `[lower, upper]`, each end with 4 significant digits or the formatter's
/// precision (`{:.3}`); unbounded ends as `inf` / `-inf`.
impl fmt::Display for Interval {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(f, "[{}, {}]", number(self.lower, p), number(self.upper, p))
    }
}
