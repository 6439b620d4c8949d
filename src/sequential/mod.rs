//! Sequential decisions: look at the numbers as often as you like.
//!
//! A fixed-horizon z-test promises a false-positive rate of α only if you look
//! once. Looking every hour and stopping at the first `p < 0.05` crowns
//! winners that are not: with 100 looks at an A/A test the false-positive rate
//! is above 30 %. This module gives two remedies.
//!
//! * **Always-valid inference** ([`Msprt`], [`MsprtMonitor`]): a mixture
//!   sequential probability ratio test for the difference of two proportions.
//!   Its p-value may be read after every impression; the probability that it
//!   *ever* drops below α under the null is at most α (asymptotically in the
//!   counts, see [`Msprt`] for the model). Its confidence sequence covers the
//!   true difference at all times simultaneously with probability `1 − α`.
//! * **Group-sequential designs** ([`GroupSequential`], [`SpendingMonitor`]):
//!   a few planned looks with Lan–DeMets alpha spending (O'Brien–Fleming-type
//!   or Pocock-type). Boundaries come from the exact joint distribution of the
//!   z statistics (Brownian motion in information time), computed by recursive
//!   numerical integration; looks may be unequally spaced or unplanned.
//!
//! # Supported ranges
//!
//! * [`Msprt`]: α in (0, 1), τ in [10⁻¹⁰⁰, 10¹⁰⁰] ([`MIN_TAU`], [`MAX_TAU`]),
//!   null difference in (−1, 1), any tallies.
//! * [`GroupSequential`]: α in (0, 1); information fractions finite and
//!   positive, each look adding at least 10⁻³ of its own fraction
//!   ([`MIN_RELATIVE_INCREMENT`]); each look then costs a bounded amount of
//!   work (under 30 ms in release builds).
//! * [`SpendingFunction::spent`]: α in (0, 1), any non-NaN fraction
//!   (clamped to [0, 1]), the power family's ρ finite and positive.
//!
//! Every type here that can be deserialised runs its constructor's checks
//! (a [`SpendingMonitor`] is replayed from its looks).
//!
//! # Which to use
//!
//! The mSPRT lets you stop at any moment, but spends power for that freedom.
//! A group-sequential design with five looks loses almost no power against a
//! fixed-horizon test, but you must say in advance how much information (how
//! many impressions) the final look will have. [`crate::sim`] measures both on
//! simulated data.
//!
//! # Example
//! ```
//! use postab::sequential::{Msprt, MsprtMonitor, Tally};
//!
//! // Plan: a 2 % click-through rate, up to 50 000 impressions per variant.
//! let test = Msprt::tuned(0.05, 0.02, 50_000)?;
//! let mut monitor = MsprtMonitor::new(test);
//! // Hourly cumulative counts (control, treatment).
//! for (a, b) in [((41, 2_000), (44, 2_000)), ((80, 4_000), (101, 4_000))] {
//!     let look = monitor.update(Tally::new(a.0, a.1)?, Tally::new(b.0, b.1)?)?;
//!     assert!(look.p_value > 0.05); // no evidence yet: keep going
//! }
//! # Ok::<(), postab::Error>(())
//! ```

mod group;
mod msprt;
mod spending;

pub use group::{Boundaries, GroupSequential, MIN_RELATIVE_INCREMENT, SpendingMonitor};
pub use msprt::{MAX_TAU, MIN_TAU, Msprt, MsprtLook, MsprtMonitor};
pub use spending::SpendingFunction;

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::numeric::normal_isf;

/// Cumulative successes out of trials of one arm (clicks out of impressions).
///
/// Used by the sequential tests, by [`crate::bandit`] policies and by the
/// [`crate::sim`] harness. For Poisson policies ([`crate::bandit::ThompsonGamma`])
/// `successes` counts events and `trials` exposures, and may be the larger.
///
/// Unlike [`crate::freq::Proportion`], a tally may have zero trials (an arm
/// not yet played) and its fields are public, for cheap updates in hot loops;
/// each consumer checks the invariant it needs.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Tally {
    /// Successes (clicks, reposts, events).
    pub successes: u64,
    /// Trials (impressions, exposures).
    pub trials: u64,
}

impl Tally {
    /// A binomial tally.
    ///
    /// # Errors
    /// [`Error::SuccessesExceedTrials`] when `successes > trials`.
    ///
    /// # Example
    /// ```
    /// use postab::sequential::Tally;
    /// assert_eq!(Tally::new(3, 40)?.rate(), 0.075);
    /// assert!(Tally::new(41, 40).is_err());
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn new(successes: u64, trials: u64) -> Result<Self> {
        let t = Self { successes, trials };
        t.check_binomial()?;
        Ok(t)
    }

    /// Observed rate `successes / trials` (0 when there are no trials).
    pub fn rate(&self) -> f64 {
        if self.trials == 0 {
            0.0
        } else {
            self.successes as f64 / self.trials as f64
        }
    }

    /// Checks `successes <= trials`.
    pub(crate) fn check_binomial(&self) -> Result<()> {
        if self.successes > self.trials {
            Err(Error::SuccessesExceedTrials {
                variant: String::new(),
                successes: self.successes,
                trials: self.trials,
            })
        } else {
            Ok(())
        }
    }
}

/// Checks a significance level is inside (0, 1).
pub(crate) fn check_alpha(alpha: f64) -> Result<f64> {
    crate::validate::check_open_unit("alpha", alpha)
}

/// Two-sided critical value `z_{α/2}` of the standard normal.
pub(crate) fn two_sided_critical(alpha: f64) -> f64 {
    normal_isf(0.5 * alpha)
}

/// The naive pooled two-proportion z statistic `(p̂_B − p̂_A) / SE₀`, with
/// `SE₀ = √(p̄(1 − p̄)(1/n_A + 1/n_B))` and `p̄` the pooled rate; 0 when the
/// standard error is 0 (no trials, or all or none successes in both arms).
pub(crate) fn pooled_z(a: Tally, b: Tally) -> f64 {
    if a.trials == 0 || b.trials == 0 {
        return 0.0;
    }
    let (na, nb) = (a.trials as f64, b.trials as f64);
    let pooled = (a.successes as f64 + b.successes as f64) / (na + nb);
    let var = pooled * (1.0 - pooled) * (1.0 / na + 1.0 / nb);
    if var <= 0.0 {
        return 0.0;
    }
    (b.rate() - a.rate()) / var.sqrt()
}

/// `310/12400` (successes/trials).
impl fmt::Display for Tally {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.successes, self.trials)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pooled_z_matches_hand_computation() {
        // p̄ = 0.06, SE = √(0.06·0.94·(2/1000)) = 0.010620734
        let z = pooled_z(
            Tally {
                successes: 50,
                trials: 1000,
            },
            Tally {
                successes: 70,
                trials: 1000,
            },
        );
        assert!(
            (z - 0.02 / (0.06f64 * 0.94 * 0.002).sqrt()).abs() < 1e-12,
            "{z}"
        );
        assert_eq!(
            pooled_z(
                Tally::default(),
                Tally {
                    successes: 0,
                    trials: 10
                }
            ),
            0.0
        );
        assert_eq!(
            pooled_z(
                Tally {
                    successes: 0,
                    trials: 10
                },
                Tally {
                    successes: 0,
                    trials: 10
                }
            ),
            0.0
        );
    }
}
