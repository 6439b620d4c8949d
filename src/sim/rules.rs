//! Stopping rules: when a simulated experiment ends and which variant wins.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bandit::Tally;
use crate::bayes::{BetaPrior, Posterior, expected_loss};
use crate::error::Result;
use crate::sequential::{Msprt, check_alpha, pooled_z, two_sided_critical};

/// What the harness shows a [`StoppingRule`] at each look: the cumulative
/// tallies of every arm (arm 0 is the control).
#[derive(Debug, Clone, Copy, PartialEq)]
#[non_exhaustive]
pub struct Look<'a> {
    /// Index of this look, from 0.
    pub index: usize,
    /// Number of looks planned (the horizon).
    pub looks: usize,
    /// Cumulative successes and trials of each arm.
    pub arms: &'a [Tally],
}

impl<'a> Look<'a> {
    /// A look (for testing a rule outside the harness).
    pub fn new(index: usize, looks: usize, arms: &'a [Tally]) -> Self {
        Self { index, looks, arms }
    }

    /// Whether this is the last planned look.
    pub fn is_last(&self) -> bool {
        self.index + 1 >= self.looks
    }
}

/// `look 3 of 20: arm 0 25/1000, arm 1 40/1000` (the look counted from 1,
/// each arm's cumulative successes/trials).
impl fmt::Display for Look<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "look {} of {}:", self.index + 1, self.looks)?;
        for (k, arm) in self.arms.iter().enumerate() {
            let sep = if k == 0 { "" } else { "," };
            write!(f, "{sep} arm {k} {arm}")?;
        }
        Ok(())
    }
}

/// A [`StoppingRule`]'s verdict at one look.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Decision {
    /// Keep collecting data.
    Continue,
    /// End the experiment, declaring `winner` (an arm index) or no winner.
    Stop {
        /// The arm declared best, if any.
        winner: Option<usize>,
    },
}

/// `continue`, `stop: winner arm 1` or `stop: no winner`.
impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Continue => f.write_str("continue"),
            Decision::Stop { winner: Some(k) } => write!(f, "stop: winner arm {k}"),
            Decision::Stop { winner: None } => f.write_str("stop: no winner"),
        }
    }
}

/// Decides, look by look, whether to stop and which arm wins.
///
/// Implement it for your own rule (see `examples/custom_harness.rs`), or wrap
/// a closure with [`FnRule`]. A rule sees only cumulative tallies, so it can
/// be shared by all the harness's threads.
pub trait StoppingRule: Send + Sync {
    /// The decision at this look. Returning [`Decision::Continue`] at the last
    /// look ends the replication without a winner.
    fn decide(&self, look: &Look<'_>) -> Decision;
}

/// A closure as a [`StoppingRule`].
///
/// # Example
/// ```
/// use postab::sim::{Decision, FnRule, Look, StoppingRule};
/// use postab::sequential::Tally;
/// // Stop once each arm has 1 000 impressions and pick the higher rate.
/// let rule = FnRule(|look: &Look<'_>| {
///     if look.arms.iter().all(|a| a.trials >= 1_000) {
///         let best = if look.arms[1].rate() > look.arms[0].rate() { 1 } else { 0 };
///         Decision::Stop { winner: Some(best) }
///     } else {
///         Decision::Continue
///     }
/// });
/// let arms = [Tally::new(20, 1_000)?, Tally::new(31, 1_000)?];
/// assert_eq!(rule.decide(&Look::new(0, 10, &arms)), Decision::Stop { winner: Some(1) });
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy)]
pub struct FnRule<F>(pub F);

impl<F> StoppingRule for FnRule<F>
where
    F: Fn(&Look<'_>) -> Decision + Send + Sync,
{
    fn decide(&self, look: &Look<'_>) -> Decision {
        (self.0)(look)
    }
}

/// The winner of pairwise tests of each treatment against the control (arm
/// 0): the significantly better treatment with the highest observed rate; else
/// the control if it is significantly better than some treatment; else none.
fn winner_vs_control(arms: &[Tally], significant: impl Fn(Tally, Tally) -> bool) -> Option<usize> {
    let control = *arms.first()?;
    let mut best: Option<usize> = None;
    let mut control_wins = false;
    for (j, &arm) in arms.iter().enumerate().skip(1) {
        if significant(control, arm) {
            if arm.rate() > control.rate() {
                if best.is_none_or(|b| arm.rate() > arms[b].rate()) {
                    best = Some(j);
                }
            } else {
                control_wins = true;
            }
        }
    }
    best.or(control_wins.then_some(0))
}

/// A fixed-horizon two-sided pooled z-test of each treatment against the
/// control at level α, done once at the last look (no multiplicity
/// correction across treatments).
///
/// The statistic is `(p̂_B − p̂_A)/√(p̄(1 − p̄)(1/n_A + 1/n_B))` with the pooled
/// rate `p̄`; significant when `|z| ≥ z_{α/2}`.
///
/// Deserialisation runs [`FixedHorizon::new`] on `alpha` (and recomputes the
/// critical value).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FixedHorizonRepr")]
pub struct FixedHorizon {
    alpha: f64,
    critical: f64,
}

/// The serialised form of [`FixedHorizon`], checked on the way in.
#[derive(Deserialize)]
struct FixedHorizonRepr {
    alpha: f64,
    #[allow(dead_code)]
    critical: serde::de::IgnoredAny,
}

impl TryFrom<FixedHorizonRepr> for FixedHorizon {
    type Error = crate::Error;

    fn try_from(r: FixedHorizonRepr) -> Result<Self> {
        FixedHorizon::new(r.alpha)
    }
}

impl FixedHorizon {
    /// The test at level `alpha`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) when `alpha` is not in (0, 1).
    pub fn new(alpha: f64) -> Result<Self> {
        let alpha = check_alpha(alpha)?;
        Ok(Self {
            alpha,
            critical: two_sided_critical(alpha),
        })
    }

    /// The level α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    fn winner(&self, arms: &[Tally]) -> Option<usize> {
        winner_vs_control(arms, |a, b| pooled_z(a, b).abs() >= self.critical)
    }
}

impl Default for FixedHorizon {
    /// α = 0.05.
    fn default() -> Self {
        Self {
            alpha: 0.05,
            critical: two_sided_critical(0.05),
        }
    }
}

impl StoppingRule for FixedHorizon {
    fn decide(&self, look: &Look<'_>) -> Decision {
        if look.is_last() {
            Decision::Stop {
                winner: self.winner(look.arms),
            }
        } else {
            Decision::Continue
        }
    }
}

/// The mistake this crate exists to prevent: the [`FixedHorizon`] z-test
/// done at *every* look, stopping at the first significant result. Its
/// false-positive rate grows with the number of looks.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct NaivePeeking(FixedHorizon);

impl NaivePeeking {
    /// Peeking at nominal level `alpha`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) when `alpha` is not in (0, 1).
    pub fn new(alpha: f64) -> Result<Self> {
        FixedHorizon::new(alpha).map(Self)
    }
}

impl StoppingRule for NaivePeeking {
    fn decide(&self, look: &Look<'_>) -> Decision {
        match self.0.winner(look.arms) {
            Some(w) => Decision::Stop { winner: Some(w) },
            None => Decision::Continue,
        }
    }
}

/// Stop at the first look where the [`Msprt`] of some treatment against the
/// control rejects (its always-valid p-value is at most α); the winner is
/// chosen as for [`FixedHorizon`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct MsprtRule(pub Msprt);

impl StoppingRule for MsprtRule {
    fn decide(&self, look: &Look<'_>) -> Decision {
        match winner_vs_control(look.arms, |a, b| self.0.rejects(a, b)) {
            Some(w) => Decision::Stop { winner: Some(w) },
            None => Decision::Continue,
        }
    }
}

/// Bayesian decision rule: stop when shipping the current leader is expected
/// to lose less than `threshold` (rate units) against every other arm.
///
/// Each arm's rate has posterior Beta(α₀ + s, β₀ + n − s) (uniform prior by
/// default). The leader `L` is the arm with the highest posterior mean; its
/// loss is `max_j E[max(p_j − p_L, 0)]`, computed exactly by
/// [`expected_loss`]. This is a decision rule, not a test: under an A/A
/// scenario it eventually ships one of the equal arms, so its "false-positive
/// rate" is not bounded by any α — the price of a wrong pick is what is
/// bounded.
///
/// Deserialisation runs [`ExpectedLossRule::new`] on `threshold` (the prior
/// is checked by its own deserialisation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ExpectedLossRuleRepr")]
pub struct ExpectedLossRule {
    threshold: f64,
    prior: BetaPrior,
}

/// The serialised form of [`ExpectedLossRule`], checked on the way in.
#[derive(Deserialize)]
struct ExpectedLossRuleRepr {
    threshold: f64,
    prior: BetaPrior,
}

impl TryFrom<ExpectedLossRuleRepr> for ExpectedLossRule {
    type Error = crate::Error;

    fn try_from(r: ExpectedLossRuleRepr) -> Result<Self> {
        Ok(ExpectedLossRule::new(r.threshold)?.with_prior(r.prior))
    }
}

impl ExpectedLossRule {
    /// Stop when the leader's expected loss is below `threshold` (e.g.
    /// 0.0001 = a hundredth of a percentage point of click-through rate).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`](crate::Error::InvalidParameter) when `threshold` is not finite and positive.
    pub fn new(threshold: f64) -> Result<Self> {
        let threshold = crate::validate::check_positive("expected-loss threshold", threshold)?;
        Ok(Self {
            threshold,
            prior: BetaPrior::uniform(),
        })
    }

    /// The same with another prior.
    pub fn with_prior(mut self, prior: BetaPrior) -> Self {
        self.prior = prior;
        self
    }

    /// The leader and its expected loss against the strongest rival.
    fn leader_loss(&self, arms: &[Tally]) -> Option<(usize, f64)> {
        let posts: Vec<_> = arms
            .iter()
            .map(|t| self.prior.update(t.successes, t.trials).ok())
            .collect::<Option<_>>()?;
        let leader = crate::bandit::argmax(posts.iter().map(|p| p.mean()));
        let loss = posts
            .iter()
            .enumerate()
            .filter(|&(j, _)| j != leader)
            .map(|(_, p)| expected_loss(&posts[leader], p).choose_a)
            .fold(0.0, f64::max);
        Some((leader, loss))
    }
}

impl StoppingRule for ExpectedLossRule {
    fn decide(&self, look: &Look<'_>) -> Decision {
        match self.leader_loss(look.arms) {
            Some((leader, loss)) if loss < self.threshold => Decision::Stop {
                winner: Some(leader),
            },
            _ => Decision::Continue,
        }
    }
}

/// Never stop early and declare no winner: for comparing allocations by
/// regret over a fixed horizon.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RunToHorizon;

impl StoppingRule for RunToHorizon {
    fn decide(&self, _look: &Look<'_>) -> Decision {
        Decision::Continue
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn winner_logic() {
        let t = |s, n| Tally {
            successes: s,
            trials: n,
        };
        let rule = FixedHorizon::default();
        // Treatment 2 is significantly best; treatment 1 is not significant.
        let arms = [t(100, 10_000), t(110, 10_000), t(200, 10_000)];
        assert_eq!(rule.winner(&arms), Some(2));
        // Control significantly better than the only treatment.
        assert_eq!(rule.winner(&[t(200, 10_000), t(100, 10_000)]), Some(0));
        assert_eq!(rule.winner(&[t(100, 10_000), t(101, 10_000)]), None);
        let last = Look::new(4, 5, &arms);
        assert_eq!(rule.decide(&last), Decision::Stop { winner: Some(2) });
        assert_eq!(rule.decide(&Look::new(0, 5, &arms)), Decision::Continue);
    }

    #[test]
    fn expected_loss_rule_picks_the_leader() {
        let t = |s, n| Tally {
            successes: s,
            trials: n,
        };
        let rule = ExpectedLossRule::new(1e-4).unwrap();
        let arms = [t(100, 10_000), t(200, 10_000)];
        assert_eq!(
            rule.decide(&Look::new(0, 5, &arms)),
            Decision::Stop { winner: Some(1) }
        );
        let close = [t(10, 1_000), t(11, 1_000)];
        assert_eq!(rule.decide(&Look::new(0, 5, &close)), Decision::Continue);
    }
}
