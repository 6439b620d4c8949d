//! A stopping and shipping rule built on expected loss and a region of
//! practical equivalence.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::lift::prob_lift_above;
use super::posterior::Posterior;
use super::rank;
use crate::error::{Error, Result};
use crate::report::format::{number, probability};

/// When to stop: ship the leader once choosing it is expected to lose less
/// than `loss_threshold` (in the metric's units, e.g. 0.0001 = 0.01
/// percentage points of click-through), or call the variants equivalent once
/// every variant's relative lift against the control lies inside
/// `±rope` with probability at least `equivalence_probability`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "DecisionRuleRepr")]
#[non_exhaustive]
pub struct DecisionRule {
    /// Threshold of caring for the expected loss (≥ 0).
    pub loss_threshold: f64,
    /// Region of practical equivalence for the relative lift (≥ 0); `None`
    /// disables the equivalence check.
    pub rope: Option<f64>,
    /// Probability required to call the variants equivalent (default 0.95).
    pub equivalence_probability: f64,
}

/// The JSON form of [`DecisionRule`], read through its constructor and
/// builders.
#[derive(Deserialize)]
struct DecisionRuleRepr {
    loss_threshold: f64,
    rope: Option<f64>,
    equivalence_probability: f64,
}

impl TryFrom<DecisionRuleRepr> for DecisionRule {
    type Error = Error;
    fn try_from(r: DecisionRuleRepr) -> Result<Self> {
        let mut rule = Self::new(r.loss_threshold)?;
        if let Some(rope) = r.rope {
            rule = rule.with_rope(rope)?;
        }
        rule.with_equivalence_probability(r.equivalence_probability)
    }
}

impl DecisionRule {
    /// A rule with the given loss threshold, no ROPE.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite threshold.
    pub fn new(loss_threshold: f64) -> Result<Self> {
        if !(loss_threshold.is_finite() && loss_threshold >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "loss threshold",
                value: loss_threshold,
                expected: "a finite number >= 0",
            });
        }
        Ok(Self {
            loss_threshold,
            rope: None,
            equivalence_probability: 0.95,
        })
    }

    /// Adds a region of practical equivalence `|lift| < rope`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a negative or non-finite ROPE.
    pub fn with_rope(mut self, rope: f64) -> Result<Self> {
        if !(rope.is_finite() && rope >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "ROPE",
                value: rope,
                expected: "a finite number >= 0",
            });
        }
        self.rope = Some(rope);
        Ok(self)
    }

    /// Sets the probability required to call the variants equivalent
    /// (default 0.95).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless it is a probability in [0, 1].
    pub fn with_equivalence_probability(mut self, p: f64) -> Result<Self> {
        self.equivalence_probability =
            crate::validate::check_probability("equivalence probability", p)?;
        Ok(self)
    }
}

/// What the data say now.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Decision {
    /// Stop and ship this variant: its expected loss is below the threshold.
    Ship {
        /// Index of the variant.
        variant: usize,
        /// Its expected loss.
        expected_loss: f64,
        /// Its probability of being best.
        prob_best: f64,
    },
    /// Stop: the variants are practically equivalent.
    Equivalent {
        /// The smallest `P(|lift| < rope)` over the variants.
        prob_within_rope: f64,
    },
    /// Keep collecting data.
    KeepRunning {
        /// Index of the current leader (highest probability of being best).
        leader: usize,
        /// The leader's expected loss (still above the threshold).
        expected_loss: f64,
        /// The leader's probability of being best.
        prob_best: f64,
    },
}

/// Applies `rule` to K ≥ 2 posteriors (`control` indexes them; used for the
/// equivalence check).
///
/// # Errors
/// [`Error::TooFewVariants`]; [`Error::InvalidParameter`] for a bad control
/// index or a ROPE check on posteriors of a quantity that can be negative.
///
/// # Example
/// ```
/// use postab::bayes::{decide, BetaPosterior, Decision, DecisionRule};
/// let arms = [BetaPosterior::from_counts(300, 20_000)?, BetaPosterior::from_counts(420, 20_000)?];
/// let d = decide(&arms, 0, &DecisionRule::new(1e-4)?)?;
/// assert!(matches!(d, Decision::Ship { variant: 1, .. }));
/// # Ok::<(), postab::Error>(())
/// ```
pub fn decide<P: Posterior>(
    posteriors: &[P],
    control: usize,
    rule: &DecisionRule,
) -> Result<Decision> {
    if control >= posteriors.len() {
        return Err(Error::InvalidParameter {
            name: "control index",
            value: control as f64,
            expected: "an index into the posteriors",
        });
    }
    let r = rank(posteriors)?;
    let leader = (0..posteriors.len()).fold(0, |best, i| {
        if r.prob_best[i] > r.prob_best[best] {
            i
        } else {
            best
        }
    });
    if r.expected_loss[leader] <= rule.loss_threshold {
        return Ok(Decision::Ship {
            variant: leader,
            expected_loss: r.expected_loss[leader],
            prob_best: r.prob_best[leader],
        });
    }
    if let Some(rope) = rule.rope {
        let mut worst = 1.0f64;
        for (i, p) in posteriors.iter().enumerate() {
            if i != control {
                let above = prob_lift_above(&posteriors[control], p, rope)?;
                let below =
                    1.0 - prob_lift_above(&posteriors[control], p, (-rope).max(-1.0 + 1e-12))?;
                worst = worst.min(1.0 - above - below);
            }
        }
        if worst >= rule.equivalence_probability {
            return Ok(Decision::Equivalent {
                prob_within_rope: worst,
            });
        }
    }
    Ok(Decision::KeepRunning {
        leader,
        expected_loss: r.expected_loss[leader],
        prob_best: r.prob_best[leader],
    })
}

/// `ship variant 1 (expected loss 1.415e-5, P(best) = 0.9813)`,
/// `equivalent (P(|lift| < ROPE) = 1.0000)` or `keep running: leader
/// variant 1 (expected loss 1.415e-5, P(best) = 0.9813)`.
impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        match self {
            Decision::Ship {
                variant,
                expected_loss,
                prob_best,
            } => write!(
                f,
                "ship variant {variant} (expected loss {}, P(best) = {})",
                number(*expected_loss, p),
                probability(*prob_best)
            ),
            Decision::Equivalent { prob_within_rope } => write!(
                f,
                "equivalent (P(|lift| < ROPE) = {})",
                probability(*prob_within_rope)
            ),
            Decision::KeepRunning {
                leader,
                expected_loss,
                prob_best,
            } => write!(
                f,
                "keep running: leader variant {leader} (expected loss {}, P(best) = {})",
                number(*expected_loss, p),
                probability(*prob_best)
            ),
        }
    }
}
