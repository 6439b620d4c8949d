//! Bayesian engine: posteriors, priors and decisions, computed exactly.
//!
//! # Models
//!
//! * **Rates** (clicks per impression): Beta–Binomial. Prior Beta(α₀, β₀)
//!   (default Beta(1, 1)); after `s` successes in `n` trials the posterior is
//!   Beta(α₀ + s, β₀ + n − s). See [`BetaPrior`], [`BetaPosterior`].
//!
//! # Questions and how they are answered
//!
//! * `P(B > A)`: an exact finite sum from the boundary outward (module docs of
//!   [`prob_beats`]); no simulation. Both `P(B > A)` and `P(A > B)` are
//!   returned, each with relative accuracy, so a tail of 1e-60 is reported as
//!   such rather than as `1 − 1`.
//! * Expected loss `E[max(p_A − p_B, 0)]` of shipping B: by the identity
//!   `E[p_A 1(p_A > p_B)] = m_A P(A′ > B)` with `A′ ~ Beta(α_A + 1, β_A)`, so
//!   the loss is two `P(·>·)` evaluations ([`expected_loss`]).

mod beat;
mod beta;
mod kernel;

pub use beta::{BetaPosterior, BetaPrior, Interval};

use serde::{Deserialize, Serialize};

/// `P(B > A)` and `P(A > B)` for two independent posteriors (they sum to 1:
/// ties have probability zero).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct BeatProbability {
    /// `P(p_B > p_A)`.
    pub b_beats_a: f64,
    /// `P(p_A > p_B)`, computed directly (not as `1 − b_beats_a` when small).
    pub a_beats_b: f64,
}

/// `P(B > A)` for Beta posteriors, exact (see the [module docs](self)).
///
/// # Example
/// ```
/// use postab::bayes::{prob_beats, BetaPosterior};
/// let a = BetaPosterior::from_counts(3, 40)?; // control
/// let b = BetaPosterior::from_counts(7, 40)?;
/// let p = prob_beats(&a, &b);
/// assert!((p.b_beats_a - 0.9032355226737054).abs() < 1e-14);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn prob_beats(a: &BetaPosterior, b: &BetaPosterior) -> BeatProbability {
    let (b_gt, a_gt) = beat::prob_greater(b, a);
    BeatProbability { b_beats_a: b_gt, a_beats_b: a_gt }
}

/// Expected loss of each choice between two rates.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ExpectedLoss {
    /// `E[max(p_B − p_A, 0)]`: what shipping A is expected to give up.
    pub choose_a: f64,
    /// `E[max(p_A − p_B, 0)]`: what shipping B is expected to give up.
    pub choose_b: f64,
}

/// Expected loss (in rate units) of shipping A or B, exact:
/// `E[max(p_A − p_B, 0)] = m_A P(A′ > B) − m_B P(A > B′)` with
/// `A′ ~ Beta(α_A + 1, β_A)`, `B′ ~ Beta(α_B + 1, β_B)`, and
/// `loss(A) = loss(B) + m_B − m_A`.
///
/// # Example
/// ```
/// use postab::bayes::{expected_loss, BetaPosterior};
/// let a = BetaPosterior::from_counts(3, 40)?;
/// let b = BetaPosterior::from_counts(7, 40)?;
/// let loss = expected_loss(&a, &b);
/// assert!((loss.choose_b / 0.0034710341499488723 - 1.0).abs() < 1e-12);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn expected_loss(a: &BetaPosterior, b: &BetaPosterior) -> ExpectedLoss {
    let (ma, mb) = (a.mean(), b.mean());
    let a_up = shifted(a);
    let b_up = shifted(b);
    // E[p_A 1(A > B)] and E[p_B 1(A > B)].
    let (a1_gt_b, b_gt_a1) = beat::prob_greater(&a_up, b);
    let (a_gt_b1, b1_gt_a) = beat::prob_greater(a, &b_up);
    let choose_b = ma * a1_gt_b - mb * a_gt_b1;
    let choose_a = mb * b1_gt_a - ma * b_gt_a1;
    ExpectedLoss { choose_a: choose_a.max(0.0), choose_b: choose_b.max(0.0) }
}

/// Beta(α + 1, β): the size-biased distribution, `E[p g(p)] = m E′[g]`.
fn shifted(d: &BetaPosterior) -> BetaPosterior {
    BetaPosterior::new(d.alpha() + 1.0, d.beta()).unwrap_or(*d)
}
