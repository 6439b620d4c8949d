//! Decisions across metrics: ship a variant only if its **primary**
//! metric improves and no **guardrail** metric gets worse by more than a
//! stated margin.
//!
//! The user story: ship the call-to-action text only if clicks per
//! impression rise and unfollows per impression do not rise by more than
//! 0.05 percentage points (or by more than 10 %).
//!
//! ```
//! use postab::guardrail::{Direction, Guardrail, Margin, ShipRule, Verdict};
//! use postab::{counts, Experiment, Metric, Outcome};
//!
//! let unfollows = Outcome::custom("unfollows")?;
//! let unfollow_rate = Metric::rate("unfollow rate", [unfollows.clone()], Outcome::Impression)?;
//! let exp = Experiment::builder("cta")
//!     .variant("plain", "New post: {link}")
//!     .variant("cta", "New post, tell me what you think: {link}")
//!     .control("plain")
//!     .design(postab::design::Design::RandomisedExposure)
//!     .build()?;
//! exp.add_counts("plain", counts! { impressions: 20_000, clicks: 410 }.with(&unfollows, 41)?)?;
//! exp.add_counts("cta", counts! { impressions: 20_100, clicks: 520 }.with(&unfollows, 43)?)?;
//!
//! let rule = ShipRule::builder(Metric::click_through(), Direction::HigherIsBetter)
//!     .guardrail(Guardrail::new(unfollow_rate, Direction::LowerIsBetter, Margin::Absolute(0.001))?)
//!     .build()?;
//! let decision = exp.decide(&rule)?;
//! println!("{decision}");
//! assert_eq!(decision.bayes, Verdict::Ship { variant: "cta".into() });
//! # Ok::<(), postab::Error>(())
//! ```
//!
//! # The rule
//!
//! A [`ShipRule`] names the primary metric with the direction that counts
//! as better, any number of [`Guardrail`]s (a metric, its direction and a
//! non-inferiority [`Margin`], absolute in rate units or relative to the
//! control's rate), a probability threshold for the Bayesian side (default
//! 0.95), a level α for the frequentist side (default 0.05), an optional
//! expected-loss threshold and the [`Multiplicity`] handling.
//!
//! A challenger (every non-control variant) passes, in each school, when
//!
//! * **Bayesian**: `P(primary better) ≥ threshold`, the primary's expected
//!   loss is at most the loss threshold (if one is set), and for every
//!   guardrail `P(within its margin) ≥ threshold`;
//! * **frequentist**: the one-sided test of the primary (H1: better) has an
//!   adjusted p-value ≤ α, and every guardrail's non-inferiority test (H0:
//!   worse by at least the margin; H1: within the margin) has an adjusted
//!   p-value ≤ α.
//!
//! # Multiplicity
//!
//! Shipping needs **every** test to reject: an intersection–union test,
//! whose level is α without any adjustment (Berger 1982: the null "some
//! guardrail is breached, or the primary is not better" is a union, and it
//! is rejected only if each of its parts is rejected at α). That is the
//! default, [`Multiplicity::IntersectionUnion`]. [`Multiplicity::Holm`] and
//! [`Multiplicity::Bonferroni`] adjust the guardrails' p-values over the
//! guardrails of each challenger instead, for users who want a statement
//! about each guardrail at a family-wise level (more conservative; the ship
//! decision does not need it). With several challengers the primary's
//! p-values are adjusted over the challengers with the analysis's
//! correction ([`AnalysisOptions::correction`], Holm by default), since the
//! best of several is picked. The Bayesian side uses posterior
//! probabilities as they are. [`ShipDecision::multiplicity`] states what
//! was applied.
//!
//! # Designs
//!
//! Every metric is analysed by [`Experiment::analyze_with`], so the design
//! (declared or inferred) and its unit of analysis are the analysis's, and
//! the decision states them ([`ShipDecision::design`]).
//!
//! * **Randomised exposure** (the impression is the unit): Beta posteriors
//!   of each rate. `P(primary better)` is `P(p_B > p_A)` and the expected
//!   loss `E[max(p_A − p_B, 0)]` (rate units) when higher is better
//!   ([`crate::bayes::prob_beats`], [`crate::bayes::expected_loss`]). A
//!   relative margin `m` is `P(lift > −m)` when higher is better and
//!   `P(lift < m)` when lower is better ([`crate::bayes::prob_lift_above`]);
//!   an absolute margin `d` is `P(p_B − p_A > −d)` or `P(p_B − p_A ≤ d)`
//!   ([`crate::bayes::prob_difference_above`]). Frequentist:
//!   [`proportions_null_test`] with the score method (Farrington–Manning /
//!   Miettinen–Nurminen): the primary against a difference of 0, an
//!   absolute margin against the difference `∓d`, a relative margin
//!   against the ratio `1 ∓ m`, one-sided.
//! * **Independent posts / paired posts** (the post or the block is the
//!   unit): the unit-level analysis's log rate ratio `δ` (per-post log
//!   rates, or per-block log ratios, order-adjusted). Frequentist: the
//!   analysis's t statistic, one-sided, against `0` (primary) or the
//!   shifted null `ln(1 − m)` (higher is better) / `ln(1 + m)` (lower is
//!   better) for a guardrail, with the analysis's standard error and
//!   degrees of freedom. Bayesian: the hierarchical model's `P(δ > 0)` and
//!   expected loss (log-rate-ratio units) for the primary, and `P(δ >
//!   ln(1 − m))` or `P(δ < ln(1 + m))` for a guardrail
//!   ([`crate::repeated::post_prob_above`],
//!   [`crate::repeated::paired_prob_above`], with the analysis's account
//!   history when [`AnalysisOptions::history`] is given). An absolute margin
//!   is converted to a relative one at the control's observed (pooled)
//!   rate, and the result says so ([`GuardrailResult::note`]).
//!
//! Only rate metrics (successes per trial) can be primary or guardrail
//! metrics.

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, AnalysisOptions, FittedPosterior};
use crate::bayes::{
    BetaPosterior, expected_loss, prob_beats, prob_difference_above, prob_difference_below,
    prob_lift_above,
};
use crate::design::{Design, DesignChoice, UnitComparison};
use crate::error::{Error, Result};
use crate::freq::{
    Alternative, Correction, NullTestMethod, NullValue, Proportion, adjust_p_values,
    proportions_null_test,
};
use crate::metric::MetricKind;
use crate::repeated::AccountHistory;
use crate::report::format::{number, probability};
use crate::validate::{check_open_unit, read};
use crate::{Experiment, Metric};

/// Which way a metric should move.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Direction {
    /// More is better (clicks, follows).
    HigherIsBetter,
    /// Less is better (unfollows, hides, reports).
    LowerIsBetter,
}

/// `higher is better` or `lower is better`.
impl fmt::Display for Direction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Direction::HigherIsBetter => "higher is better",
            Direction::LowerIsBetter => "lower is better",
        })
    }
}

/// How much worse than the control a guardrail metric may get.
///
/// Both kinds must lie in (0, 1) ([`Margin::check`]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Margin {
    /// In rate units: `0.001` is 0.1 percentage points.
    Absolute(f64),
    /// A fraction of the control's rate: `0.1` is 10 %.
    Relative(f64),
}

impl Margin {
    /// The margin's size.
    pub fn value(self) -> f64 {
        match self {
            Margin::Absolute(m) | Margin::Relative(m) => m,
        }
    }

    /// The margin if it is in range for guardrail `metric`.
    ///
    /// # Errors
    /// [`Error::InvalidMargin`] unless `0 < margin < 1` (an absolute margin
    /// of 1 or more, or a relative one of 100 % or more, guards nothing
    /// when higher is better).
    pub fn check(self, metric: &str) -> Result<Self> {
        let m = self.value();
        if m > 0.0 && m < 1.0 {
            Ok(self)
        } else {
            Err(Error::InvalidMargin {
                metric: metric.to_string(),
                margin: m,
                expected: match self {
                    Margin::Absolute(_) => {
                        "an absolute margin in rate units, strictly between 0 and 1 (0.001 = 0.1 percentage points)"
                    }
                    Margin::Relative(_) => {
                        "a relative margin strictly between 0 and 1 (0.1 = 10 % of the control's rate)"
                    }
                },
            })
        }
    }
}

/// `0.1 points` (absolute, in percentage points) or `10 %` (relative).
impl fmt::Display for Margin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Margin::Absolute(m) => write!(f, "{} percentage points", number(100.0 * m, None)),
            Margin::Relative(m) => write!(f, "{} % of the control's rate", number(100.0 * m, None)),
        }
    }
}

/// A metric that may not get worse than the control by more than a margin.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GuardrailRepr")]
#[non_exhaustive]
pub struct Guardrail {
    /// The metric (a rate).
    pub metric: Metric,
    /// Which way is better for it.
    pub direction: Direction,
    /// How much worse it may get.
    pub margin: Margin,
}

#[derive(Deserialize)]
struct GuardrailRepr {
    metric: Metric,
    direction: Direction,
    margin: Margin,
}

impl TryFrom<GuardrailRepr> for Guardrail {
    type Error = Error;

    fn try_from(r: GuardrailRepr) -> Result<Self> {
        Guardrail::new(r.metric, r.direction, r.margin)
    }
}

impl Guardrail {
    /// A guardrail on `metric`.
    ///
    /// # Errors
    /// [`Error::InvalidMargin`] for a margin outside (0, 1);
    /// [`Error::InvalidMetric`] for a metric that is not a rate.
    ///
    /// # Example
    /// ```
    /// use postab::guardrail::{Direction, Guardrail, Margin};
    /// use postab::{Metric, Outcome};
    ///
    /// let hides = Metric::rate("hide rate", [Outcome::custom("hides")?], Outcome::Impression)?;
    /// let g = Guardrail::new(hides.clone(), Direction::LowerIsBetter, Margin::Relative(0.1))?;
    /// assert_eq!(g.metric.name(), "hide rate");
    /// assert!(Guardrail::new(hides, Direction::LowerIsBetter, Margin::Relative(1.5)).is_err());
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn new(metric: Metric, direction: Direction, margin: Margin) -> Result<Self> {
        check_rate(&metric)?;
        let margin = margin.check(metric.name())?;
        Ok(Self {
            metric,
            direction,
            margin,
        })
    }
}

fn check_rate(metric: &Metric) -> Result<()> {
    match metric.kind() {
        MetricKind::Rate { .. } => Ok(()),
        _ => Err(Error::InvalidMetric {
            name: metric.name().to_string(),
            reason: "ship rules and guardrails need a rate (successes per trial), not a count per exposure"
                .to_string(),
        }),
    }
}

/// How the guardrails' p-values are adjusted (see the
/// [module docs](self#multiplicity)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Multiplicity {
    /// No adjustment: shipping needs every test to reject, an
    /// intersection–union test, which keeps the level α as it is.
    #[default]
    IntersectionUnion,
    /// Holm's step-down adjustment over each challenger's guardrails.
    Holm,
    /// Bonferroni's adjustment over each challenger's guardrails.
    Bonferroni,
}

impl Multiplicity {
    fn correction(self) -> Correction {
        match self {
            Multiplicity::IntersectionUnion => Correction::Unadjusted,
            Multiplicity::Holm => Correction::Holm,
            Multiplicity::Bonferroni => Correction::Bonferroni,
        }
    }
}

/// `intersection–union (no adjustment)`, `Holm` or `Bonferroni`.
impl fmt::Display for Multiplicity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Multiplicity::IntersectionUnion => "intersection–union (no adjustment)",
            Multiplicity::Holm => "Holm",
            Multiplicity::Bonferroni => "Bonferroni",
        })
    }
}

/// When to ship: a primary metric that must improve and guardrails that
/// must hold. Build with [`ShipRule::builder`].
///
/// Reading from serde runs the builder's checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ShipRuleRepr")]
#[non_exhaustive]
pub struct ShipRule {
    /// The metric that must improve.
    pub primary: Metric,
    /// Which way is better for it.
    pub direction: Direction,
    /// The guardrails, each on its own metric (not the primary's).
    pub guardrails: Vec<Guardrail>,
    /// Posterior probability every Bayesian condition needs (default 0.95).
    pub probability_threshold: f64,
    /// Level of every frequentist test (default 0.05), one-sided.
    pub alpha: f64,
    /// Largest expected loss of shipping that is acceptable (default none):
    /// [`Margin::Absolute`] in rate units, [`Margin::Relative`] as a fraction
    /// of the control's rate (see [`PrimaryResult::expected_loss`] for how it
    /// is compared per design).
    pub loss_threshold: Option<Margin>,
    /// The adjustment of the guardrails' p-values (default none: an
    /// intersection–union test).
    pub multiplicity: Multiplicity,
}

#[derive(Deserialize)]
struct ShipRuleRepr {
    primary: Metric,
    direction: Direction,
    #[serde(default)]
    guardrails: Vec<Guardrail>,
    probability_threshold: f64,
    alpha: f64,
    #[serde(default)]
    loss_threshold: Option<Margin>,
    #[serde(default)]
    multiplicity: Multiplicity,
}

impl TryFrom<ShipRuleRepr> for ShipRule {
    type Error = Error;

    fn try_from(r: ShipRuleRepr) -> Result<Self> {
        let mut b = ShipRule::builder(r.primary, r.direction)
            .probability_threshold(r.probability_threshold)
            .alpha(r.alpha)
            .multiplicity(r.multiplicity);
        for g in r.guardrails {
            b = b.guardrail(g);
        }
        if let Some(l) = r.loss_threshold {
            b = b.loss_threshold(l);
        }
        b.build()
    }
}

impl ShipRule {
    /// Starts a rule on `primary`, better in `direction`.
    pub fn builder(primary: Metric, direction: Direction) -> ShipRuleBuilder {
        ShipRuleBuilder {
            rule: ShipRule {
                primary,
                direction,
                guardrails: Vec::new(),
                probability_threshold: 0.95,
                alpha: 0.05,
                loss_threshold: None,
                multiplicity: Multiplicity::default(),
            },
        }
    }
}

/// Builds a [`ShipRule`]; mistakes are reported by [`ShipRuleBuilder::build`].
#[derive(Debug, Clone)]
pub struct ShipRuleBuilder {
    rule: ShipRule,
}

impl ShipRuleBuilder {
    /// Adds a guardrail.
    pub fn guardrail(mut self, guardrail: Guardrail) -> Self {
        self.rule.guardrails.push(guardrail);
        self
    }

    /// Sets the posterior probability the Bayesian conditions need (in
    /// (0, 1); default 0.95).
    pub fn probability_threshold(mut self, p: f64) -> Self {
        self.rule.probability_threshold = p;
        self
    }

    /// Sets the level of the frequentist tests (in (0, 1); default 0.05).
    pub fn alpha(mut self, alpha: f64) -> Self {
        self.rule.alpha = alpha;
        self
    }

    /// Sets the largest acceptable expected loss of shipping.
    pub fn loss_threshold(mut self, threshold: Margin) -> Self {
        self.rule.loss_threshold = Some(threshold);
        self
    }

    /// Sets the adjustment of the guardrails' p-values.
    pub fn multiplicity(mut self, multiplicity: Multiplicity) -> Self {
        self.rule.multiplicity = multiplicity;
        self
    }

    /// The rule, checked.
    ///
    /// # Errors
    /// * [`Error::InvalidMetric`] for a primary that is not a rate;
    /// * [`Error::GuardrailOnPrimary`] for a guardrail on the primary metric
    ///   (by name);
    /// * [`Error::DuplicateGuardrail`] for two guardrails on one metric;
    /// * [`Error::InvalidParameter`] for a probability threshold or α
    ///   outside (0, 1), or a loss threshold that is not finite and > 0.
    pub fn build(self) -> Result<ShipRule> {
        let r = self.rule;
        check_rate(&r.primary)?;
        check_open_unit("probability threshold", r.probability_threshold)?;
        check_open_unit("alpha", r.alpha)?;
        if let Some(l) = r.loss_threshold {
            crate::validate::check_positive("loss threshold", l.value())?;
        }
        let mut seen = HashSet::new();
        for g in &r.guardrails {
            let name = g.metric.name();
            if name == r.primary.name() {
                return Err(Error::GuardrailOnPrimary {
                    metric: name.to_string(),
                });
            }
            if !seen.insert(name) {
                return Err(Error::DuplicateGuardrail {
                    metric: name.to_string(),
                });
            }
            g.margin.check(name)?;
            check_rate(&g.metric)?;
        }
        Ok(r)
    }
}

/// What one school concludes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "verdict")]
#[non_exhaustive]
pub enum Verdict {
    /// Ship this variant: its primary improves and every guardrail holds.
    Ship {
        /// The variant to ship.
        variant: String,
    },
    /// The primary improves for this variant, but guardrails do not hold.
    Blocked {
        /// The variant whose primary improves (the most convincing one).
        variant: String,
        /// The guardrails (metric names) that blocked it.
        by: Vec<String>,
    },
    /// No variant's primary has improved convincingly yet.
    KeepRunning,
}

/// `ship cta`, `blocked: cta improves the primary but guardrail unfollow
/// rate does not hold` or `keep running`.
impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Verdict::Ship { variant } => write!(f, "ship {variant}"),
            Verdict::Blocked { variant, by } => write!(
                f,
                "blocked: {variant} improves the primary but guardrail{} {} {} not hold",
                if by.len() == 1 { "" } else { "s" },
                by.join(", "),
                if by.len() == 1 { "does" } else { "do" }
            ),
            Verdict::KeepRunning => {
                f.write_str("keep running: no variant improves the primary convincingly yet")
            }
        }
    }
}

/// The scale of an expected loss.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum LossScale {
    /// Rate units (randomised exposure): `E[max(p_A − p_B, 0)]`.
    Rate,
    /// Log rate ratio of the typical post or block (post designs):
    /// `E[max(−δ, 0)]`, about a relative loss for small values.
    LogRateRatio,
}

/// The primary metric of one challenger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PrimaryResult {
    /// The metric's name.
    pub metric: String,
    /// Which way is better.
    pub direction: Direction,
    /// Posterior probability that the challenger is better than the control.
    pub prob_better: f64,
    /// Expected loss of shipping the challenger (in [`PrimaryResult::loss_scale`]).
    /// A loss threshold is compared on this scale: for [`LossScale::Rate`]
    /// an absolute threshold as it is, a relative one times the control's
    /// posterior mean; for [`LossScale::LogRateRatio`] a relative threshold
    /// `t` as `ln(1 + t)`, an absolute one first divided by the control's
    /// observed rate.
    #[serde(with = "crate::serde_float")]
    pub expected_loss: f64,
    /// The scale of the expected loss.
    pub loss_scale: LossScale,
    /// One-sided p-value of "no better than the control" (`None` without a
    /// test: one post per variant leaves no spread to test against).
    pub p_value: Option<f64>,
    /// The p-value adjusted over the challengers.
    pub adjusted_p_value: Option<f64>,
    /// Whether the Bayesian conditions hold.
    pub bayes_pass: bool,
    /// Whether the frequentist test rejects at α.
    pub frequentist_pass: bool,
}

/// One guardrail of one challenger.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct GuardrailResult {
    /// The metric's name.
    pub metric: String,
    /// Which way is better.
    pub direction: Direction,
    /// The margin as stated in the rule.
    pub margin: Margin,
    /// Posterior probability that the challenger is within the margin.
    pub prob_within_margin: f64,
    /// One-sided p-value of the non-inferiority test (H0: worse by at least
    /// the margin); `None` without a test.
    pub p_value: Option<f64>,
    /// The p-value after [`ShipRule::multiplicity`].
    pub adjusted_p_value: Option<f64>,
    /// `P(within margin) ≥` the probability threshold.
    pub bayes_pass: bool,
    /// Adjusted p-value ≤ α.
    pub frequentist_pass: bool,
    /// How the margin was applied when not as stated (an absolute margin
    /// converted to a relative one for a post design).
    pub note: Option<String>,
}

/// One challenger against the control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ChallengerResult {
    /// The challenger's variant id.
    pub variant: String,
    /// Its primary metric.
    pub primary: PrimaryResult,
    /// Its guardrails, in the rule's order.
    pub guardrails: Vec<GuardrailResult>,
}

impl ChallengerResult {
    /// Whether every Bayesian condition holds.
    pub fn bayes_ship(&self) -> bool {
        self.primary.bayes_pass && self.guardrails.iter().all(|g| g.bayes_pass)
    }

    /// Whether every frequentist test rejects.
    pub fn frequentist_ship(&self) -> bool {
        self.primary.frequentist_pass && self.guardrails.iter().all(|g| g.frequentist_pass)
    }
}

/// The result of [`Experiment::decide`]: per challenger, the primary and
/// every guardrail in both schools, and each school's verdict.
///
/// Reading from serde checks probabilities and p-values in [0, 1], losses
/// ≥ 0, a valid rule, and verdicts that name challengers and guardrails of
/// the decision.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ShipDecisionRepr")]
#[non_exhaustive]
pub struct ShipDecision {
    /// The experiment's name.
    pub experiment: String,
    /// The control's id.
    pub control: String,
    /// The design of the analyses, and with it the unit of analysis.
    pub design: DesignChoice,
    /// The rule applied.
    pub rule: ShipRule,
    /// Every non-control variant, in the experiment's order.
    pub challengers: Vec<ChallengerResult>,
    /// The Bayesian verdict.
    pub bayes: Verdict,
    /// The frequentist verdict.
    pub frequentist: Verdict,
    /// What was done about multiplicity, in words.
    pub multiplicity: String,
}

#[derive(Deserialize)]
struct ShipDecisionRepr {
    experiment: String,
    control: String,
    design: DesignChoice,
    rule: ShipRule,
    challengers: Vec<ChallengerResult>,
    bayes: Verdict,
    frequentist: Verdict,
    multiplicity: String,
}

impl TryFrom<ShipDecisionRepr> for ShipDecision {
    type Error = Error;

    fn try_from(r: ShipDecisionRepr) -> Result<Self> {
        let d = ShipDecision {
            experiment: r.experiment,
            control: r.control,
            design: r.design,
            rule: r.rule,
            challengers: r.challengers,
            bayes: r.bayes,
            frequentist: r.frequentist,
            multiplicity: r.multiplicity,
        };
        d.check()?;
        Ok(d)
    }
}

impl ShipDecision {
    fn check(&self) -> Result<()> {
        let opt = |name, p: Option<f64>| p.map_or(Ok(()), |p| read::prob(name, p));
        for c in &self.challengers {
            read::prob("P(primary better)", c.primary.prob_better)?;
            read::non_negative("expected loss", c.primary.expected_loss)?;
            opt("primary p-value", c.primary.p_value)?;
            opt("primary adjusted p-value", c.primary.adjusted_p_value)?;
            if c.guardrails.len() != self.rule.guardrails.len() {
                return Err(Error::LengthMismatch {
                    what: "guardrail results vs the rule's guardrails",
                    left: c.guardrails.len(),
                    right: self.rule.guardrails.len(),
                });
            }
            for g in &c.guardrails {
                read::prob("P(within margin)", g.prob_within_margin)?;
                opt("guardrail p-value", g.p_value)?;
                opt("guardrail adjusted p-value", g.adjusted_p_value)?;
            }
        }
        for v in [&self.bayes, &self.frequentist] {
            let named = match v {
                Verdict::Ship { variant } | Verdict::Blocked { variant, .. } => Some(variant),
                Verdict::KeepRunning => None,
            };
            if let Some(id) = named
                && !self.challengers.iter().any(|c| &c.variant == id)
            {
                return Err(read::inconsistent(
                    "ship decision",
                    format!("the verdict names {id:?}, which is not a challenger"),
                ));
            }
            if let Verdict::Blocked { by, .. } = v
                && let Some(m) = by.iter().find(|m| {
                    !self
                        .rule
                        .guardrails
                        .iter()
                        .any(|g| g.metric.name() == m.as_str())
                })
            {
                return Err(read::inconsistent(
                    "ship decision",
                    format!("the verdict is blocked by {m:?}, which is not a guardrail"),
                ));
            }
        }
        Ok(())
    }

    /// The result for challenger `id`, if it is one.
    pub fn challenger(&self, id: &str) -> Option<&ChallengerResult> {
        self.challengers.iter().find(|c| c.variant == id)
    }
}

fn pass_word(pass: bool) -> &'static str {
    if pass { "pass" } else { "FAIL" }
}

fn opt_p(p: Option<f64>) -> String {
    p.map_or_else(|| "n/a".to_string(), probability)
}

/// The design, then per challenger the primary and every guardrail with
/// both schools' numbers, then the two verdicts naming the blocking
/// guardrails.
impl fmt::Display for ShipDecision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let r = &self.rule;
        writeln!(
            f,
            "{}: ship rule on {} ({}), control = {}",
            self.experiment,
            r.primary.name(),
            r.direction,
            self.control
        )?;
        writeln!(f, "design: {}", self.design)?;
        writeln!(
            f,
            "Bayesian threshold {}, frequentist α = {} (one-sided); multiplicity: {}",
            probability(r.probability_threshold),
            r.alpha,
            self.multiplicity
        )?;
        for c in &self.challengers {
            let p = &c.primary;
            let scale = match p.loss_scale {
                LossScale::Rate => "rate units",
                LossScale::LogRateRatio => "log rate ratio",
            };
            writeln!(
                f,
                "{} vs {}: primary {}: P(better) = {}, expected loss {} ({scale}), p = {} (adjusted {}) [Bayes {}, frequentist {}]",
                c.variant,
                self.control,
                p.metric,
                probability(p.prob_better),
                number(p.expected_loss, None),
                opt_p(p.p_value),
                opt_p(p.adjusted_p_value),
                pass_word(p.bayes_pass),
                pass_word(p.frequentist_pass)
            )?;
            for g in &c.guardrails {
                writeln!(
                    f,
                    "  guardrail {} ({}, margin {}): P(within margin) = {}, non-inferiority p = {} (adjusted {}) [Bayes {}, frequentist {}]{}",
                    g.metric,
                    g.direction,
                    g.margin,
                    probability(g.prob_within_margin),
                    opt_p(g.p_value),
                    opt_p(g.adjusted_p_value),
                    pass_word(g.bayes_pass),
                    pass_word(g.frequentist_pass),
                    g.note
                        .as_ref()
                        .map(|n| format!("; {n}"))
                        .unwrap_or_default()
                )?;
            }
        }
        writeln!(f, "Bayesian verdict: {}", self.bayes)?;
        write!(f, "frequentist verdict: {}", self.frequentist)
    }
}

/// The intersection–union statement, or the adjustment applied.
fn multiplicity_statement(rule: &ShipRule, challengers: usize, correction: Correction) -> String {
    let guardrails = match rule.multiplicity {
        Multiplicity::IntersectionUnion => format!(
            "shipping needs the primary and all {} guardrail test(s) to reject at α = {}: an intersection–union test, level α without adjustment",
            rule.guardrails.len(),
            rule.alpha
        ),
        m => format!(
            "guardrail p-values {m}-adjusted over each challenger's {} guardrail(s) (conservative: the intersection–union ship decision needs no adjustment)",
            rule.guardrails.len()
        ),
    };
    if challengers > 1 {
        format!(
            "{guardrails}; primary p-values {correction:?}-adjusted over the {challengers} challengers"
        )
    } else {
        guardrails
    }
}

/// The two-arm inputs of one challenger for one metric.
enum Arms<'a> {
    /// Randomised exposure: the Beta posteriors and the counts.
    Impressions {
        a: BetaPosterior,
        b: BetaPosterior,
        pa: Proportion,
        pb: Proportion,
    },
    /// Post designs: the analysis's comparison and the unit-level data.
    Units {
        comparison: &'a UnitComparison,
        data: UnitData,
        control_rate: f64,
    },
}

/// The per-post or per-block data of a unit-level comparison.
enum UnitData {
    Posts(Vec<Proportion>, Vec<Proportion>),
    Blocks(Vec<crate::repeated::Block>),
}

impl Experiment {
    /// Applies a [`ShipRule`] with the default [`AnalysisOptions`]: see
    /// [`Experiment::decide_with`] and the [module docs](crate::guardrail).
    ///
    /// # Errors
    /// As [`Experiment::decide_with`].
    ///
    /// # Example
    /// ```
    /// use postab::guardrail::{Direction, Guardrail, Margin, ShipRule, Verdict};
    /// use postab::{counts, Experiment, Metric, Outcome, Post};
    ///
    /// let hides = Outcome::custom("hides")?;
    /// let hide_rate = Metric::rate("hide rate", [hides.clone()], Outcome::Impression)?;
    /// let mut exp = Experiment::builder("cta")
    ///     .variant("plain", "New post: {link}")
    ///     .variant("cta", "New post, tell me what you think: {link}")
    ///     .control("plain")
    ///     .build()?;
    /// // Six blog posts, each tweeted once per text: a paired design.
    /// let data = [(41, 2_100, 3), (55, 2_600, 4), (23, 1_500, 2), (70, 3_000, 5), (33, 1_900, 2), (48, 2_400, 3)];
    /// for (i, &(clicks, imps, h)) in data.iter().enumerate() {
    ///     let block = format!("blog-{i}");
    ///     exp.add_post(Post::new(format!("{block}/plain"), "plain")?.in_block(&block)?
    ///         .with_counts(counts! { impressions: imps, clicks: clicks }.with(&hides, h)?))?;
    ///     exp.add_post(Post::new(format!("{block}/cta"), "cta")?.in_block(&block)?
    ///         .with_counts(counts! { impressions: imps, clicks: clicks * 13 / 10 }.with(&hides, 3 * h)?))?;
    /// }
    /// let rule = ShipRule::builder(Metric::click_through(), Direction::HigherIsBetter)
    ///     .guardrail(Guardrail::new(hide_rate, Direction::LowerIsBetter, Margin::Relative(0.2))?)
    ///     .build()?;
    /// let decision = exp.decide(&rule)?;
    /// // Clicks rise by 30 % in every block, but hides triple.
    /// assert!(matches!(&decision.bayes, Verdict::Blocked { by, .. } if by == &["hide rate"]));
    /// assert!(decision.to_string().contains("guardrail hide rate does not hold"));
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn decide(&self, rule: &ShipRule) -> Result<ShipDecision> {
        self.decide_with(rule, &AnalysisOptions::default())
    }

    /// Applies a [`ShipRule`]: every metric of the rule is analysed with
    /// `options` ([`Experiment::analyze_with`]: same design, unit, priors,
    /// history), then each challenger's primary and guardrails are judged
    /// in both schools (see the [module docs](crate::guardrail)).
    ///
    /// # Errors
    /// The errors of [`Experiment::analyze_with`] for any of the rule's
    /// metrics (e.g. too few posts, successes above trials);
    /// [`Error::Undefined`] for an absolute margin on a post design whose
    /// control rate is 0 (it cannot be converted). A test that is undefined
    /// (a relative margin with no events in either arm) is not an error:
    /// its p-value is `None`, the guardrail fails in the frequentist school
    /// and its note says why.
    pub fn decide_with(&self, rule: &ShipRule, options: &AnalysisOptions) -> Result<ShipDecision> {
        let primary = self.analyze_with(&rule.primary, options)?;
        let guards = rule
            .guardrails
            .iter()
            .map(|g| self.analyze_with(&g.metric, options))
            .collect::<Result<Vec<_>>>()?;
        let design = primary.design.clone();
        let challengers: Vec<&str> = self
            .variants()
            .iter()
            .map(|v| v.id())
            .filter(|id| *id != self.control())
            .collect();
        let threshold = rule.probability_threshold;
        let mut results = Vec::with_capacity(challengers.len());
        for &id in &challengers {
            let arms = self.arms(&primary, &rule.primary, id)?;
            let primary_result = judge_primary(rule, &primary.metric, &arms)?;
            let mut guardrails = Vec::with_capacity(rule.guardrails.len());
            for (g, analysis) in rule.guardrails.iter().zip(&guards) {
                let arms = self.arms(analysis, &g.metric, id)?;
                guardrails.push(judge_guardrail(g, &arms, options, threshold)?);
            }
            // The guardrails' family: this challenger's guardrails.
            let raw: Vec<f64> = guardrails.iter().filter_map(|g| g.p_value).collect();
            let mut adjusted = adjust_p_values(&raw, rule.multiplicity.correction())?.into_iter();
            for g in guardrails.iter_mut().filter(|g| g.p_value.is_some()) {
                g.adjusted_p_value = adjusted.next();
                g.frequentist_pass = g.adjusted_p_value.is_some_and(|p| p <= rule.alpha);
            }
            results.push(ChallengerResult {
                variant: id.to_string(),
                primary: primary_result,
                guardrails,
            });
        }
        // The primary's family: the challengers.
        let raw: Vec<f64> = results.iter().filter_map(|c| c.primary.p_value).collect();
        let correction = if results.len() > 1 {
            options.correction
        } else {
            Correction::Unadjusted
        };
        let mut adjusted = adjust_p_values(&raw, correction)?.into_iter();
        for c in results.iter_mut().filter(|c| c.primary.p_value.is_some()) {
            c.primary.adjusted_p_value = adjusted.next();
            c.primary.frequentist_pass =
                c.primary.adjusted_p_value.is_some_and(|p| p <= rule.alpha);
        }
        let bayes = verdict(
            &results,
            |c| c.primary.bayes_pass,
            |g| g.bayes_pass,
            |a, b| b.primary.prob_better.total_cmp(&a.primary.prob_better),
        );
        let frequentist = verdict(
            &results,
            |c| c.primary.frequentist_pass,
            |g| g.frequentist_pass,
            |a, b| {
                let p = |c: &ChallengerResult| c.primary.adjusted_p_value.unwrap_or(1.0);
                p(a).total_cmp(&p(b))
            },
        );
        Ok(ShipDecision {
            experiment: self.name().to_string(),
            control: self.control().to_string(),
            multiplicity: multiplicity_statement(rule, results.len(), correction),
            design,
            rule: rule.clone(),
            challengers: results,
            bayes,
            frequentist,
        })
    }

    /// The inputs of challenger `id` against the control for one metric's
    /// analysis.
    fn arms<'a>(&self, analysis: &'a Analysis, metric: &Metric, id: &str) -> Result<Arms<'a>> {
        if analysis.design.design == Design::RandomisedExposure {
            let beta = |v: &str| -> Result<(BetaPosterior, Proportion)> {
                let va = analysis
                    .variant(v)
                    .ok_or_else(|| Error::UnknownVariant { id: v.to_string() })?;
                let post = match va.posterior {
                    FittedPosterior::Beta(b) => b,
                    _ => {
                        return Err(Error::InvalidMetric {
                            name: metric.name().to_string(),
                            reason: "ship rules need a rate metric".to_string(),
                        });
                    }
                };
                Ok((post, Proportion::new(va.numerator, va.denominator)?))
            };
            let (a, pa) = beta(&analysis.control)?;
            let (b, pb) = beta(id)?;
            return Ok(Arms::Impressions { a, b, pa, pb });
        }
        let comparison = analysis.comparison(id).ok_or_else(|| Error::Undefined {
            statistic: "unit-level comparison",
            reason: format!(
                "no {}-level comparison of {id:?} for metric {:?}",
                analysis.design.unit(),
                metric.name()
            ),
        })?;
        let posts = self.unit_data(metric)?;
        let data = if analysis.design.design == Design::PairedPosts {
            UnitData::Blocks(crate::design::paired_blocks(&posts, &analysis.control, id)?)
        } else {
            let (a, b) = crate::design::post_groups(&posts, &analysis.control, id);
            UnitData::Posts(a, b)
        };
        let control_rate = analysis
            .variant(&analysis.control)
            .map_or(f64::NAN, |v| v.rate);
        Ok(Arms::Units {
            comparison,
            data,
            control_rate,
        })
    }
}

/// One-sided alternative for "B better" in `direction`.
fn better(direction: Direction) -> Alternative {
    match direction {
        Direction::HigherIsBetter => Alternative::Larger,
        Direction::LowerIsBetter => Alternative::Smaller,
    }
}

/// One-sided p-value of a t statistic for the alternative.
fn t_p_value(t: f64, dof: f64, alternative: Alternative) -> Option<f64> {
    if t.is_nan() {
        return None;
    }
    let p = match alternative {
        Alternative::Larger => crate::freq::t_upper(t, dof),
        _ => crate::freq::t_upper(-t, dof),
    };
    p.is_finite().then_some(p.clamp(0.0, 1.0))
}

/// The unit-level t test of `δ` against `null` (log scale), one-sided.
fn unit_t(comparison: &UnitComparison, null: f64, alternative: Alternative) -> Option<f64> {
    let test = comparison.test.as_ref()?.test();
    if test.std_error.is_nan() || test.std_error <= 0.0 {
        return None;
    }
    t_p_value(
        (test.log_rate_ratio - null) / test.std_error,
        test.degrees_of_freedom,
        alternative,
    )
}

/// `P(δ > threshold)` under the hierarchical model of the unit-level data
/// ([`crate::repeated::post_prob_above`], [`crate::repeated::paired_prob_above`]).
fn unit_prob_above(
    data: &UnitData,
    threshold: f64,
    history: Option<&AccountHistory>,
) -> Result<f64> {
    match data {
        UnitData::Posts(a, b) => crate::repeated::post_prob_above(a, b, threshold, history),
        UnitData::Blocks(blocks) => crate::repeated::paired_prob_above(blocks, threshold, history),
    }
}

fn judge_primary(rule: &ShipRule, metric: &str, arms: &Arms<'_>) -> Result<PrimaryResult> {
    let higher = rule.direction == Direction::HigherIsBetter;
    let (prob_better, expected_loss, loss_scale, p_value, loss_ok) = match arms {
        Arms::Impressions { a, b, pa, pb } => {
            let beat = prob_beats(a, b);
            let loss = expected_loss(a, b);
            let (prob, l) = if higher {
                (beat.b_beats_a, loss.choose_b)
            } else {
                (beat.a_beats_b, loss.choose_a)
            };
            let p = proportions_null_test(
                *pa,
                *pb,
                NullValue::Difference(0.0),
                NullTestMethod::Score,
                better(rule.direction),
            )
            .ok()
            .map(|t| t.p_value);
            let ok = match rule.loss_threshold {
                None => true,
                Some(Margin::Absolute(t)) => l <= t,
                Some(Margin::Relative(t)) => l <= t * crate::bayes::Posterior::mean(a),
            };
            (prob, l, LossScale::Rate, p, ok)
        }
        Arms::Units {
            comparison,
            control_rate,
            ..
        } => {
            let h = &comparison.bayes;
            let (prob, l) = if higher {
                (h.prob_b_better, h.loss_choose_b)
            } else {
                (h.prob_a_better, h.loss_choose_a)
            };
            let p = unit_t(comparison, 0.0, better(rule.direction));
            let ok = match rule.loss_threshold {
                None => true,
                Some(Margin::Relative(t)) => l <= t.ln_1p(),
                Some(Margin::Absolute(t)) => *control_rate > 0.0 && l <= (t / control_rate).ln_1p(),
            };
            (prob, l, LossScale::LogRateRatio, p, ok)
        }
    };
    Ok(PrimaryResult {
        metric: metric.to_string(),
        direction: rule.direction,
        prob_better,
        expected_loss,
        loss_scale,
        p_value,
        adjusted_p_value: None,
        bayes_pass: prob_better >= rule.probability_threshold && loss_ok,
        frequentist_pass: false,
    })
}

fn judge_guardrail(
    g: &Guardrail,
    arms: &Arms<'_>,
    options: &AnalysisOptions,
    threshold: f64,
) -> Result<GuardrailResult> {
    let higher = g.direction == Direction::HigherIsBetter;
    let alternative = better(g.direction);
    let mut note = None;
    let (prob, p_value) = match arms {
        Arms::Impressions { a, b, pa, pb } => {
            let (prob, null) = match g.margin {
                Margin::Relative(m) if higher => {
                    (prob_lift_above(a, b, -m)?, NullValue::Ratio(1.0 - m))
                }
                Margin::Relative(m) => (1.0 - prob_lift_above(a, b, m)?, NullValue::Ratio(1.0 + m)),
                Margin::Absolute(d) if higher => {
                    (prob_difference_above(a, b, -d)?, NullValue::Difference(-d))
                }
                Margin::Absolute(d) => (prob_difference_below(a, b, d)?, NullValue::Difference(d)),
            };
            match proportions_null_test(*pa, *pb, null, NullTestMethod::Score, alternative) {
                Ok(test) => (prob, Some(test.p_value)),
                Err(Error::Undefined { reason, .. }) => {
                    note = Some(format!("no frequentist test: {reason}"));
                    (prob, None)
                }
                Err(e) => return Err(e),
            }
        }
        Arms::Units {
            comparison,
            data,
            control_rate,
        } => {
            let m = match g.margin {
                Margin::Relative(m) => m,
                Margin::Absolute(d) => {
                    if control_rate.is_nan() || *control_rate <= 0.0 {
                        return Err(Error::Undefined {
                            statistic: "guardrail margin",
                            reason: format!(
                                "guardrail {:?}: an absolute margin is converted to a relative one at the control's rate, which is 0",
                                g.metric.name()
                            ),
                        });
                    }
                    let m = d / control_rate;
                    note = Some(format!(
                        "absolute margin {} converted to a relative margin of {} % at the control's observed rate {} ({} unit)",
                        d,
                        number(100.0 * m, None),
                        number(*control_rate, None),
                        comparison.unit
                    ));
                    m
                }
            };
            let history = options.history.as_ref();
            if higher {
                if m >= 1.0 {
                    // The margin allows a rate of 0: nothing to guard.
                    (1.0, Some(0.0))
                } else {
                    let t = (-m).ln_1p();
                    (
                        unit_prob_above(data, t, history)?,
                        unit_t(comparison, t, alternative),
                    )
                }
            } else {
                let t = m.ln_1p();
                (
                    (1.0 - unit_prob_above(data, t, history)?).clamp(0.0, 1.0),
                    unit_t(comparison, t, alternative),
                )
            }
        }
    };
    Ok(GuardrailResult {
        metric: g.metric.name().to_string(),
        direction: g.direction,
        margin: g.margin,
        prob_within_margin: prob,
        p_value,
        adjusted_p_value: None,
        bayes_pass: prob >= threshold,
        frequentist_pass: false,
        note,
    })
}

/// A school's verdict: ship the best challenger that passes everything;
/// otherwise, if some challenger's primary passes, blocked by that
/// challenger's failing guardrails; otherwise keep running.
fn verdict(
    results: &[ChallengerResult],
    primary_pass: impl Fn(&ChallengerResult) -> bool,
    guard_pass: impl Fn(&GuardrailResult) -> bool,
    order: impl Fn(&ChallengerResult, &ChallengerResult) -> std::cmp::Ordering,
) -> Verdict {
    let mut improving: Vec<&ChallengerResult> =
        results.iter().filter(|c| primary_pass(c)).collect();
    improving.sort_by(|a, b| order(a, b));
    if let Some(c) = improving
        .iter()
        .find(|c| c.guardrails.iter().all(&guard_pass))
    {
        return Verdict::Ship {
            variant: c.variant.clone(),
        };
    }
    match improving.first() {
        Some(c) => Verdict::Blocked {
            variant: c.variant.clone(),
            by: c
                .guardrails
                .iter()
                .filter(|g| !guard_pass(g))
                .map(|g| g.metric.clone())
                .collect(),
        },
        None => Verdict::KeepRunning,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn verdict_prefers_a_shippable_challenger() {
        let g = |pass| GuardrailResult {
            metric: "unfollows".into(),
            direction: Direction::LowerIsBetter,
            margin: Margin::Relative(0.1),
            prob_within_margin: if pass { 0.99 } else { 0.2 },
            p_value: None,
            adjusted_p_value: None,
            bayes_pass: pass,
            frequentist_pass: pass,
            note: None,
        };
        let c = |id: &str, p: f64, pass| ChallengerResult {
            variant: id.into(),
            primary: PrimaryResult {
                metric: "ctr".into(),
                direction: Direction::HigherIsBetter,
                prob_better: p,
                expected_loss: 0.0,
                loss_scale: LossScale::Rate,
                p_value: None,
                adjusted_p_value: None,
                bayes_pass: p >= 0.95,
                frequentist_pass: false,
            },
            guardrails: vec![g(pass)],
        };
        let v = |r: &[ChallengerResult]| {
            verdict(
                r,
                |c| c.primary.bayes_pass,
                |g| g.bayes_pass,
                |a, b| b.primary.prob_better.total_cmp(&a.primary.prob_better),
            )
        };
        assert_eq!(
            v(&[c("b", 0.99, false), c("c", 0.96, true)]),
            Verdict::Ship {
                variant: "c".into()
            }
        );
        assert_eq!(
            v(&[c("b", 0.99, false), c("c", 0.5, true)]),
            Verdict::Blocked {
                variant: "b".into(),
                by: vec!["unfollows".into()]
            }
        );
        assert_eq!(v(&[c("b", 0.9, true)]), Verdict::KeepRunning);
    }
}
