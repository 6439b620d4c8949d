//! A closed interval of real numbers: credible and confidence intervals.

use serde::{Deserialize, Serialize};

/// An interval `[lower, upper]`: a credible interval (Bayesian) or a
/// confidence interval (frequentist); the producing function says which.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Interval {
    /// Lower end.
    pub lower: f64,
    /// Upper end.
    pub upper: f64,
}

impl Interval {
    /// `[lower, upper]`.
    pub fn new(lower: f64, upper: f64) -> Self {
        Self { lower, upper }
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
