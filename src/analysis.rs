//! The end-to-end analysis of one metric over an experiment's variants.
//!
//! [`crate::Experiment::analyze`] turns each variant's counts into the
//! metric's numerator and denominator and reports, per variant:
//!
//! * **Rate metrics** (clicks / impressions; [`Model::BetaBinomial`]):
//!   - Bayesian: the Beta(α₀ + s, β₀ + n − s) posterior (default prior
//!     Beta(1, 1)), its equal-tailed credible interval, `P(variant is best)`,
//!     the expected loss of choosing it (`E[max_j p_j − p_k]`, rate units),
//!     and `P(variant > control)`, all exact ([`crate::bayes`]);
//!   - frequentist: the Wilson score interval; against the control the
//!     difference `p_variant − p_control` with its Newcombe hybrid score
//!     interval and the two-sided pooled two-proportion z-test.
//! * **Count-per-exposure metrics** (replies per impression;
//!   [`Model::GammaPoisson`]):
//!   - Bayesian: the Gamma(shape₀ + k, rate₀ + E) posterior (default prior
//!     Gamma(1, 0), flat on the rate), the same exact probabilities;
//!   - frequentist: the exact (Garwood) Poisson interval; against the control
//!     the rate difference, the exact conditional interval of the rate ratio
//!     and the two-sided exact conditional (binomial) test.
//! * p-values against the control are adjusted for the number of
//!   comparisons (default Holm).
//! * **Sample ratio mismatch**, only when a split is declared
//!   ([`AnalysisOptions::split`], i.e. the platform randomised exposure):
//!   chi-square goodness of fit of the denominators (e.g. impressions)
//!   against that split, flagged at p < 0.001. Without a declared split
//!   there is no check: impressions of separately published posts are an
//!   outcome, not a randomised split.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bayes::{
    BetaPosterior, BetaPrior, GammaPosterior, GammaPrior, Posterior, prob_beats, rank,
};
use crate::design::{Design, DesignChoice, DesignSource, UnitComparison};
use crate::error::{Error, Result};
use crate::freq::{
    Alternative, Correction, DifferenceCiMethod, PoissonTestMethod, Proportion, ProportionCiMethod,
    RateCount, RateRatioCiMethod, SrmCheck, ZTestOptions, adjust_p_values, difference_ci,
    poisson_rate_ci, poisson_rate_test, proportion_ci, rate_ratio_ci, sample_ratio_mismatch,
    two_proportion_ztest,
};
use crate::interval::Interval;
use crate::repeated::AccountHistory;
use crate::report::format::{number, probability, signed_number};
use crate::validate::read;
use crate::validate::{check_open_unit, check_positive};

/// Settings of an analysis; `Default` gives the documented defaults.
///
/// Reading from serde checks what [`analyze_arms`] checks: a level in
/// (0, 1) and split shares that are finite and positive.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AnalysisOptionsRepr")]
#[non_exhaustive]
pub struct AnalysisOptions {
    /// Prior of every variant's rate for rate metrics (default Beta(1, 1)).
    pub prior: BetaPrior,
    /// Prior of every variant's rate for count-per-exposure metrics (default
    /// Gamma(1, 0): flat on the rate, improper but with a proper posterior
    /// once there is exposure).
    pub gamma_prior: GammaPrior,
    /// Level of credible and confidence intervals (default 0.95).
    pub level: f64,
    /// Multiple-comparison correction of the tests against control (default Holm).
    pub correction: Correction,
    /// The declared split of a randomised exposure: the intended share of
    /// the denominator per variant, in variant order, checked by the
    /// sample-ratio test (default: none declared, no check; see
    /// [`Analysis::srm`]).
    pub split: Option<Vec<f64>>,
    /// The account's post history for this metric, calibrating the
    /// post-to-post variation of the unit-level Bayesian comparisons
    /// ([`AccountHistory`]; default none: the half-Cauchy prior alone).
    pub history: Option<AccountHistory>,
}

#[derive(Deserialize)]
struct AnalysisOptionsRepr {
    prior: BetaPrior,
    gamma_prior: GammaPrior,
    level: f64,
    correction: Correction,
    split: Option<Vec<f64>>,
    #[serde(default)]
    history: Option<AccountHistory>,
}

impl TryFrom<AnalysisOptionsRepr> for AnalysisOptions {
    type Error = Error;

    fn try_from(r: AnalysisOptionsRepr) -> Result<Self> {
        let options = AnalysisOptions {
            prior: r.prior,
            gamma_prior: r.gamma_prior,
            level: r.level,
            correction: r.correction,
            split: r.split,
            history: r.history,
        };
        options.check()?;
        Ok(options)
    }
}

impl AnalysisOptions {
    /// These options with `prior` as every variant's rate prior.
    pub fn with_prior(mut self, prior: BetaPrior) -> Self {
        self.prior = prior;
        self
    }

    /// These options with `prior` as every variant's count-per-exposure
    /// prior.
    pub fn with_gamma_prior(mut self, prior: GammaPrior) -> Self {
        self.gamma_prior = prior;
        self
    }

    /// These options with intervals at `level` (checked by the analysis:
    /// it must be in (0, 1)).
    pub fn with_level(mut self, level: f64) -> Self {
        self.level = level;
        self
    }

    /// These options with `correction` for the comparisons with the
    /// control.
    pub fn with_correction(mut self, correction: Correction) -> Self {
        self.correction = correction;
        self
    }

    /// These options with a declared randomised split (shares per variant,
    /// in variant order; checked by the analysis).
    pub fn with_split(mut self, split: Vec<f64>) -> Self {
        self.split = Some(split);
        self
    }

    /// These options calibrated to an account's post history.
    ///
    /// # Example
    /// ```
    /// use postab::analysis::AnalysisOptions;
    /// use postab::repeated::{AccountHistory, Proportion};
    ///
    /// let past = (0..12u64)
    ///     .map(|i| Proportion::new(20 + 3 * i, 1_000 + 50 * i))
    ///     .collect::<Result<Vec<_>, _>>()?;
    /// let options = AnalysisOptions::default()
    ///     .with_level(0.9)
    ///     .with_history(AccountHistory::fit(&past)?);
    /// assert!(options.history.is_some());
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn with_history(mut self, history: AccountHistory) -> Self {
        self.history = Some(history);
        self
    }

    /// The level is in (0, 1) and every split share finite and positive.
    fn check(&self) -> Result<()> {
        check_open_unit("level", self.level)?;
        if let Some(split) = &self.split {
            for &w in split {
                check_positive("split share", w)?;
            }
        }
        Ok(())
    }
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            prior: BetaPrior::uniform(),
            gamma_prior: GammaPrior::flat(),
            level: 0.95,
            correction: Correction::Holm,
            split: None,
            history: None,
        }
    }
}

/// Which model an analysis used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Model {
    /// Binomial rate (successes out of trials), Beta posterior.
    BetaBinomial,
    /// Poisson count per unit of exposure, Gamma posterior.
    GammaPoisson,
}

/// A variant's posterior.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(tag = "family", rename_all = "snake_case")]
#[non_exhaustive]
pub enum FittedPosterior {
    /// Beta posterior of a rate.
    Beta(BetaPosterior),
    /// Gamma posterior of a count per exposure.
    Gamma(GammaPosterior),
}

/// `Beta-Binomial` or `Gamma-Poisson`.
impl fmt::Display for Model {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Model::BetaBinomial => "Beta-Binomial",
            Model::GammaPoisson => "Gamma-Poisson",
        })
    }
}

/// The posterior's own `Display`: `Beta(353, 11649)` or `Gamma(8, 40)`.
impl fmt::Display for FittedPosterior {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FittedPosterior::Beta(b) => fmt::Display::fmt(b, f),
            FittedPosterior::Gamma(g) => fmt::Display::fmt(g, f),
        }
    }
}

/// One variant compared with the control.
///
/// Reading from serde checks that the probabilities are in [0, 1], the
/// difference and lift finite and the ratio interval non-negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "VsControlRepr")]
#[non_exhaustive]
pub struct VsControl {
    /// `P(variant > control)` under the posteriors.
    pub prob_beats_control: f64,
    /// Observed difference `rate_variant − rate_control`.
    pub difference: f64,
    /// Newcombe interval of the difference (rate metrics only).
    pub difference_interval: Option<Interval>,
    /// Exact conditional interval of `rate_variant / rate_control`
    /// (count-per-exposure metrics only; `None` when undefined).
    pub ratio_interval: Option<Interval>,
    /// Observed relative lift `(rate_variant − rate_control) / rate_control`;
    /// `None` when the control rate is 0.
    pub lift: Option<f64>,
    /// Two-sided p-value: pooled z-test (rates; 1 when both are 0 % or
    /// 100 %) or exact conditional test (counts).
    pub p_value: f64,
    /// The p-value adjusted for the comparisons against control.
    pub adjusted_p_value: f64,
}

#[derive(Deserialize)]
struct VsControlRepr {
    prob_beats_control: f64,
    difference: f64,
    difference_interval: Option<Interval>,
    ratio_interval: Option<Interval>,
    lift: Option<f64>,
    p_value: f64,
    adjusted_p_value: f64,
}

impl TryFrom<VsControlRepr> for VsControl {
    type Error = Error;

    fn try_from(r: VsControlRepr) -> Result<Self> {
        let c = VsControl {
            prob_beats_control: r.prob_beats_control,
            difference: r.difference,
            difference_interval: r.difference_interval,
            ratio_interval: r.ratio_interval,
            lift: r.lift,
            p_value: r.p_value,
            adjusted_p_value: r.adjusted_p_value,
        };
        c.check()?;
        Ok(c)
    }
}

impl VsControl {
    fn check(&self) -> Result<()> {
        read::prob("P(beats control)", self.prob_beats_control)?;
        read::prob("p-value", self.p_value)?;
        read::prob("adjusted p-value", self.adjusted_p_value)?;
        read::finite("difference", self.difference)?;
        if let Some(l) = self.lift {
            read::finite("lift", l)?;
        }
        if let Some(r) = &self.ratio_interval {
            read::within("ratio interval", r, 0.0, f64::INFINITY)?;
        }
        if let Some(d) = &self.difference_interval {
            read::within("difference interval", d, f64::MIN, f64::MAX)?;
        }
        Ok(())
    }
}

/// `vs control: P(beats control) = 0.9813, difference +0.004333, interval
/// [0.0002531, 0.008438], lift +17.33%, p = 0.03726, adjusted p = 0.03726`
/// (a `rate ratio interval` for count metrics, `lift undefined` when the
/// control's rate is 0; 4 significant digits, or the formatter's
/// precision).
impl fmt::Display for VsControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        let interval = |i: &Interval| format!("[{}, {}]", number(i.lower, p), number(i.upper, p));
        write!(
            f,
            "vs control: P(beats control) = {}, difference {}",
            probability(self.prob_beats_control),
            signed_number(self.difference, p)
        )?;
        if let Some(d) = &self.difference_interval {
            write!(f, ", interval {}", interval(d))?;
        }
        if let Some(r) = &self.ratio_interval {
            write!(f, ", rate ratio interval {}", interval(r))?;
        }
        match self.lift {
            Some(l) => write!(f, ", lift {}%", signed_number(100.0 * l, p))?,
            None => f.write_str(", lift undefined")?,
        }
        write!(
            f,
            ", p = {}, adjusted p = {}",
            probability(self.p_value),
            probability(self.adjusted_p_value)
        )
    }
}

/// The analysis of one variant.
///
/// Reading from serde checks `P(best)` in [0, 1], a finite non-negative
/// expected loss, a non-empty id, a positive denominator, a finite
/// non-negative rate and non-negative intervals.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "VariantAnalysisRepr")]
#[non_exhaustive]
pub struct VariantAnalysis {
    /// Variant id.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Metric numerator (e.g. clicks).
    pub numerator: u64,
    /// Metric denominator (e.g. impressions).
    pub denominator: u64,
    /// Observed rate `numerator / denominator`.
    pub rate: f64,
    /// Posterior of the rate.
    pub posterior: FittedPosterior,
    /// Equal-tailed credible interval of the rate.
    pub credible_interval: Interval,
    /// Confidence interval of the rate: Wilson (rates) or exact Poisson (counts).
    pub confidence_interval: Interval,
    /// `P(this variant has the highest rate)`.
    pub prob_best: f64,
    /// `E[max_j rate_j − rate_this]`: expected loss of choosing it.
    pub expected_loss: f64,
    /// Comparison with the control (`None` for the control itself).
    pub vs_control: Option<VsControl>,
    /// The variant's attributes that differ between the experiment's
    /// variants (call to action, media, text, tags, ...; see
    /// [`crate::Variant::attributes`]): what was tested. Empty when the
    /// analysis was not made from an [`crate::Experiment`].
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub attributes: BTreeMap<String, String>,
}

#[derive(Deserialize)]
struct VariantAnalysisRepr {
    id: String,
    label: String,
    numerator: u64,
    denominator: u64,
    rate: f64,
    posterior: FittedPosterior,
    credible_interval: Interval,
    confidence_interval: Interval,
    prob_best: f64,
    expected_loss: f64,
    vs_control: Option<VsControl>,
    #[serde(default)]
    attributes: BTreeMap<String, String>,
}

impl TryFrom<VariantAnalysisRepr> for VariantAnalysis {
    type Error = Error;

    fn try_from(r: VariantAnalysisRepr) -> Result<Self> {
        let v = VariantAnalysis {
            id: r.id,
            label: r.label,
            numerator: r.numerator,
            denominator: r.denominator,
            rate: r.rate,
            posterior: r.posterior,
            credible_interval: r.credible_interval,
            confidence_interval: r.confidence_interval,
            prob_best: r.prob_best,
            expected_loss: r.expected_loss,
            vs_control: r.vs_control,
            attributes: r.attributes,
        };
        v.check()?;
        Ok(v)
    }
}

/// `statement: 352/12000, rate 0.02933, posterior Beta(353, 11649),
/// credible interval [0.02646, 0.03251], confidence interval [0.02646,
/// 0.03251], P(best) = 0.9813, expected loss 1.415e-5; vs control: …` (the
/// label, then the id in parentheses when they differ; `; control` for the
/// control; 4 significant digits, or the formatter's precision).
impl fmt::Display for VariantAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        f.write_str(&self.label)?;
        if self.label != self.id {
            write!(f, " ({})", self.id)?;
        }
        write!(
            f,
            ": {}/{}, rate {}, posterior ",
            self.numerator,
            self.denominator,
            number(self.rate, p)
        )?;
        fmt::Display::fmt(&self.posterior, f)?;
        write!(
            f,
            ", credible interval [{}, {}], confidence interval [{}, {}], P(best) = {}, expected loss {}; ",
            number(self.credible_interval.lower, p),
            number(self.credible_interval.upper, p),
            number(self.confidence_interval.lower, p),
            number(self.confidence_interval.upper, p),
            probability(self.prob_best),
            number(self.expected_loss, p)
        )?;
        match &self.vs_control {
            Some(c) => fmt::Display::fmt(c, f),
            None => f.write_str("control"),
        }
    }
}

impl VariantAnalysis {
    fn check(&self) -> Result<()> {
        if self.id.is_empty() {
            return Err(Error::EmptyVariantId);
        }
        if self.denominator == 0 {
            return Err(Error::ZeroTraffic {
                variant: self.id.clone(),
            });
        }
        read::non_negative("rate", self.rate)?;
        read::prob("P(best)", self.prob_best)?;
        read::non_negative("expected loss", self.expected_loss)?;
        read::within(
            "credible interval",
            &self.credible_interval,
            0.0,
            f64::INFINITY,
        )?;
        read::within(
            "confidence interval",
            &self.confidence_interval,
            0.0,
            f64::INFINITY,
        )
    }

    /// The checks that depend on the model: rates and intervals in [0, 1],
    /// successes not above trials, a Beta posterior and a difference
    /// interval for rates; a Gamma posterior and no difference interval for
    /// counts.
    fn check_model(&self, model: Model) -> Result<()> {
        let family_ok = matches!(
            (model, &self.posterior),
            (Model::BetaBinomial, FittedPosterior::Beta(_))
                | (Model::GammaPoisson, FittedPosterior::Gamma(_))
        );
        if !family_ok {
            return Err(read::inconsistent(
                "analysis",
                format!(
                    "variant {:?}: posterior family does not match {model:?}",
                    self.id
                ),
            ));
        }
        if model == Model::BetaBinomial {
            if self.numerator > self.denominator {
                return Err(Error::SuccessesExceedTrials {
                    variant: self.id.clone(),
                    successes: self.numerator,
                    trials: self.denominator,
                });
            }
            read::prob("rate", self.rate)?;
            read::within("credible interval", &self.credible_interval, 0.0, 1.0)?;
            read::within("confidence interval", &self.confidence_interval, 0.0, 1.0)?;
            read::prob("expected loss", self.expected_loss)?;
            if let Some(c) = &self.vs_control {
                if !(-1.0..=1.0).contains(&c.difference) {
                    return Err(Error::InvalidParameter {
                        name: "difference",
                        value: c.difference,
                        expected: "a difference of rates in [-1, 1]",
                    });
                }
                if let Some(d) = &c.difference_interval {
                    read::within("difference interval", d, -1.0, 1.0)?;
                }
            }
        }
        Ok(())
    }
}

/// Result of [`crate::Experiment::analyze`]: plain data, serialisable, and
/// printable as a table with `Display`.
///
/// Reading from serde checks every invariant of a computed analysis: at
/// least 2 variants with unique ids, the control among them (and the only
/// one without a comparison), `P(best)` summing to 1 (within 1e-9), losses
/// finite and ≥ 0, probabilities in [0, 1], intervals inside their range,
/// valid options and a split of the right length.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AnalysisRepr")]
#[non_exhaustive]
pub struct Analysis {
    /// Experiment name.
    pub experiment: String,
    /// Metric name.
    pub metric: String,
    /// Name of the numerator, e.g. "clicks".
    pub numerator: String,
    /// Name of the denominator, e.g. "impressions".
    pub denominator: String,
    /// The model used.
    pub model: Model,
    /// The unit of every rate, interval end, difference and expected loss
    /// in [`Analysis::variants`], named for readers of the JSON, e.g.
    /// `"click_through = clicks / impressions, a fraction: 0.031 is 3.1 %"`. Tables and verdicts print the same
    /// numbers as percentages and percentage points (pp). Derived from
    /// the names and the model: a document's own value is not trusted on
    /// reading.
    pub rate_unit: String,
    /// Control variant id.
    pub control: String,
    /// Settings used.
    pub options: AnalysisOptions,
    /// The design the analysis assumed, declared or inferred, and why; its
    /// unit of analysis decides which figures are the result.
    pub design: DesignChoice,
    /// Each non-control variant against the control at the design's unit
    /// (posts or blocks), in variant order: **the result** for post
    /// designs. Empty for randomised exposure (the impression is the unit)
    /// and for count-per-exposure metrics in paired designs. A
    /// count-per-exposure metric (likes per post, per 1,000 followers)
    /// under independent posts is compared post by post
    /// ([`crate::repeated::post_count_test`],
    /// [`crate::repeated::post_count_bayes`]), the exposure being the
    /// metric's denominator.
    pub comparisons: Vec<UnitComparison>,
    /// One entry per variant, in the experiment's order: the
    /// impression-level figures (every impression an independent trial).
    /// For post designs they are a labelled comparison, not the result.
    pub variants: Vec<VariantAnalysis>,
    /// Sample-ratio-mismatch check of the denominators against the declared
    /// split ([`AnalysisOptions::split`]); `None` when no split was
    /// declared: impressions of separately published posts are an outcome,
    /// not a randomised split, so there is no plan to check them against.
    pub srm: Option<SrmCheck>,
}

#[derive(Deserialize)]
struct AnalysisRepr {
    experiment: String,
    metric: String,
    numerator: String,
    denominator: String,
    model: Model,
    control: String,
    options: AnalysisOptions,
    // `rate_unit` is derived again from the names and the model.
    // Schema versions 1 and 2 analysed impressions only.
    #[serde(default = "impression_level")]
    design: DesignChoice,
    #[serde(default)]
    comparisons: Vec<UnitComparison>,
    variants: Vec<VariantAnalysis>,
    // Schema version 1 always carried a check (against an equal split when
    // none was declared).
    #[serde(default)]
    srm: Option<SrmCheck>,
}

impl TryFrom<AnalysisRepr> for Analysis {
    type Error = Error;

    fn try_from(r: AnalysisRepr) -> Result<Self> {
        let a = Analysis {
            rate_unit: rate_unit(r.model, &r.metric, &r.numerator, &r.denominator),
            experiment: r.experiment,
            metric: r.metric,
            numerator: r.numerator,
            denominator: r.denominator,
            model: r.model,
            control: r.control,
            options: r.options,
            design: r.design,
            comparisons: r.comparisons,
            variants: r.variants,
            srm: r.srm,
        };
        a.check()?;
        Ok(a)
    }
}

/// [`Analysis::rate_unit`]: what a rate of `model` counts, by name.
fn rate_unit(model: Model, metric: &str, numerator: &str, denominator: &str) -> String {
    match model {
        Model::BetaBinomial => {
            format!("{metric} = {numerator} / {denominator}, a fraction: 0.031 is 3.1 %")
        }
        _ => format!("{metric} = {numerator} / {denominator}, events per unit of exposure"),
    }
}

/// The design of an impression-level analysis of variant totals
/// ([`analyze_arms`], and documents of schema versions 1 and 2).
fn impression_level() -> DesignChoice {
    DesignChoice {
        design: Design::RandomisedExposure,
        source: DesignSource::Declared,
        reason: "variant totals analysed directly, every impression an independent trial"
            .to_string(),
    }
}

impl Analysis {
    /// The invariants of a computed analysis (see the type docs).
    fn check(&self) -> Result<()> {
        if self.variants.len() < 2 {
            return Err(Error::TooFewVariants {
                got: self.variants.len(),
            });
        }
        let mut ids = std::collections::HashSet::with_capacity(self.variants.len());
        for v in &self.variants {
            if !ids.insert(v.id.as_str()) {
                return Err(Error::DuplicateVariant { id: v.id.clone() });
            }
            v.check_model(self.model)?;
            if (v.id == self.control) != v.vs_control.is_none() {
                return Err(read::inconsistent(
                    "analysis",
                    format!(
                        "variant {:?}: only the control ({:?}) has no comparison with the control",
                        v.id, self.control
                    ),
                ));
            }
        }
        if !ids.contains(self.control.as_str()) {
            return Err(Error::UnknownControl {
                id: self.control.clone(),
            });
        }
        read::distribution("P(best)", self.variants.iter().map(|v| v.prob_best))?;
        if let Some(split) = &self.options.split
            && split.len() != self.variants.len()
        {
            return Err(Error::LengthMismatch {
                what: "split shares vs variants",
                left: split.len(),
                right: self.variants.len(),
            });
        }
        if let Some(srm) = &self.srm {
            read::prob("sample ratio p-value", srm.p_value)?;
        }
        let unit = self.design.unit();
        let mut compared = std::collections::HashSet::new();
        for c in &self.comparisons {
            if c.unit != unit
                || c.variant == self.control
                || !ids.contains(c.variant.as_str())
                || !compared.insert(c.variant.as_str())
            {
                return Err(read::inconsistent(
                    "analysis",
                    format!(
                        "comparison of {:?} at unit {} does not fit a {} design with control {:?}",
                        c.variant, c.unit, self.design.design, self.control
                    ),
                ));
            }
        }
        Ok(())
    }
}

/// Per-variant input of [`analyze_arms`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ArmInput {
    /// Variant id.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Numerator: successes or events.
    pub numerator: u64,
    /// Denominator: trials or exposure.
    pub denominator: u64,
}

/// Names for an [`Analysis`]: experiment, metric, numerator, denominator.
#[derive(Debug, Clone, Copy)]
pub struct Names<'a> {
    /// Experiment name.
    pub experiment: &'a str,
    /// Metric name.
    pub metric: &'a str,
    /// Numerator name.
    pub numerator: &'a str,
    /// Denominator name.
    pub denominator: &'a str,
}

/// Analyses K ≥ 2 variants under `model` (`control` indexes `arms`).
///
/// # Errors
/// [`Error::TooFewVariants`]; [`Error::SuccessesExceedTrials`] (rates);
/// [`Error::ZeroTraffic`] when a variant's denominator is 0;
/// [`Error::InvalidParameter`] for a level outside (0, 1), a bad split or a
/// control index out of range.
pub fn analyze_arms(
    names: Names<'_>,
    model: Model,
    arms: &[ArmInput],
    control: usize,
    options: &AnalysisOptions,
) -> Result<Analysis> {
    if arms.len() < 2 {
        return Err(Error::TooFewVariants { got: arms.len() });
    }
    if control >= arms.len() {
        return Err(Error::InvalidParameter {
            name: "control index",
            value: control as f64,
            expected: "an index into the variants",
        });
    }
    if let Some(v) = arms.iter().find(|v| v.denominator == 0) {
        return Err(Error::ZeroTraffic {
            variant: v.id.clone(),
        });
    }
    let per_variant = match model {
        Model::BetaBinomial => rate_arms(arms, control, options)?,
        Model::GammaPoisson => count_arms(arms, control, options)?,
    };
    let raw: Vec<f64> = per_variant
        .iter()
        .filter_map(|v| v.vs_control.as_ref().map(|c| c.p_value))
        .collect();
    let adjusted = adjust_p_values(&raw, options.correction)?;
    let mut adjusted = adjusted.into_iter();
    let variants = per_variant
        .into_iter()
        .map(|mut v| {
            if let Some(c) = v.vs_control.as_mut() {
                c.adjusted_p_value = adjusted.next().unwrap_or(c.p_value);
            }
            v
        })
        .collect();
    let denominators: Vec<u64> = arms.iter().map(|v| v.denominator).collect();
    let srm = match &options.split {
        Some(split) => Some(sample_ratio_mismatch(&denominators, split)?),
        None => None,
    };
    Ok(Analysis {
        rate_unit: rate_unit(model, names.metric, names.numerator, names.denominator),
        experiment: names.experiment.to_string(),
        metric: names.metric.to_string(),
        numerator: names.numerator.to_string(),
        denominator: names.denominator.to_string(),
        model,
        control: arms[control].id.clone(),
        options: options.clone(),
        design: impression_level(),
        comparisons: Vec::new(),
        variants,
        srm,
    })
}

/// Renames a bare [`Error::SuccessesExceedTrials`] after its variant.
fn named(id: &str) -> impl Fn(Error) -> Error + '_ {
    move |e| match e {
        Error::SuccessesExceedTrials {
            successes, trials, ..
        } => Error::SuccessesExceedTrials {
            variant: id.to_string(),
            successes,
            trials,
        },
        other => other,
    }
}

/// The frequentist side of one comparison with the control.
struct Frequentist {
    difference_interval: Option<Interval>,
    ratio_interval: Option<Interval>,
    p_value: f64,
}

/// Per-variant estimates of one model.
struct Estimates<P> {
    posts: Vec<P>,
    rates: Vec<f64>,
    confidence: Vec<Interval>,
}

/// Assembles the per-variant results shared by both models.
fn assemble<P: Posterior>(
    arms: &[ArmInput],
    control: usize,
    level: f64,
    est: &Estimates<P>,
    fitted: impl Fn(P) -> FittedPosterior,
    compare: impl Fn(usize) -> Result<Frequentist>,
) -> Result<Vec<VariantAnalysis>> {
    let Estimates {
        posts,
        rates,
        confidence,
    } = est;
    let ranking = rank(posts)?;
    arms.iter()
        .enumerate()
        .map(|(i, v)| {
            let vs_control = if i == control {
                None
            } else {
                let f = compare(i)?;
                let difference = rates[i] - rates[control];
                Some(VsControl {
                    prob_beats_control: prob_beats(&posts[control], &posts[i]).b_beats_a,
                    difference,
                    difference_interval: f.difference_interval,
                    ratio_interval: f.ratio_interval,
                    lift: (rates[control] > 0.0).then(|| difference / rates[control]),
                    p_value: f.p_value,
                    adjusted_p_value: f.p_value,
                })
            };
            Ok(VariantAnalysis {
                id: v.id.clone(),
                label: v.label.clone(),
                numerator: v.numerator,
                denominator: v.denominator,
                rate: rates[i],
                posterior: fitted(posts[i]),
                credible_interval: posts[i].credible_interval(level)?,
                confidence_interval: confidence[i],
                prob_best: ranking.prob_best[i],
                expected_loss: ranking.expected_loss[i],
                vs_control,
                attributes: BTreeMap::new(),
            })
        })
        .collect()
}

fn rate_arms(
    arms: &[ArmInput],
    control: usize,
    options: &AnalysisOptions,
) -> Result<Vec<VariantAnalysis>> {
    let mut posts = Vec::with_capacity(arms.len());
    let mut props = Vec::with_capacity(arms.len());
    for v in arms {
        posts.push(
            options
                .prior
                .update(v.numerator, v.denominator)
                .map_err(named(&v.id))?,
        );
        props.push(Proportion::new(v.numerator, v.denominator).map_err(named(&v.id))?);
    }
    let rates: Vec<f64> = props.iter().map(Proportion::rate).collect();
    let confidence = props
        .iter()
        .map(|p| proportion_ci(*p, options.level, ProportionCiMethod::Wilson))
        .collect::<Result<Vec<_>>>()?;
    let c = props[control];
    let compare = |i: usize| {
        // Both arms at 0 % or at 100 %: no difference to test.
        let p_value = match two_proportion_ztest(c, props[i], ZTestOptions::default()) {
            Ok(t) => t.p_value,
            Err(Error::Undefined { .. }) => 1.0,
            Err(e) => return Err(e),
        };
        Ok(Frequentist {
            difference_interval: Some(difference_ci(
                c,
                props[i],
                options.level,
                DifferenceCiMethod::Newcombe,
            )?),
            ratio_interval: None,
            p_value,
        })
    };
    let est = Estimates {
        posts,
        rates,
        confidence,
    };
    assemble(
        arms,
        control,
        options.level,
        &est,
        FittedPosterior::Beta,
        compare,
    )
}

fn count_arms(
    arms: &[ArmInput],
    control: usize,
    options: &AnalysisOptions,
) -> Result<Vec<VariantAnalysis>> {
    let mut posts = Vec::with_capacity(arms.len());
    let mut counts = Vec::with_capacity(arms.len());
    for v in arms {
        posts.push(
            options
                .gamma_prior
                .update(v.numerator, v.denominator as f64)?,
        );
        counts.push(RateCount::new(v.numerator, v.denominator as f64)?);
    }
    let rates: Vec<f64> = counts.iter().map(RateCount::rate).collect();
    let confidence = counts
        .iter()
        .map(|r| poisson_rate_ci(*r, options.level))
        .collect::<Result<Vec<_>>>()?;
    let c = counts[control];
    let compare = |i: usize| {
        let test = poisson_rate_test(
            c,
            counts[i],
            1.0,
            Alternative::TwoSided,
            PoissonTestMethod::ExactConditional,
        )?;
        Ok(Frequentist {
            difference_interval: None,
            // Variant ÷ control (freq's convention: B relative to A).
            ratio_interval: rate_ratio_ci(
                c,
                counts[i],
                options.level,
                RateRatioCiMethod::ExactConditional,
            )
            .ok(),
            p_value: test.p_value,
        })
    };
    let est = Estimates {
        posts,
        rates,
        confidence,
    };
    assemble(
        arms,
        control,
        options.level,
        &est,
        FittedPosterior::Gamma,
        compare,
    )
}

/// Lookups by id and the leader.
impl Analysis {
    /// The impression-level figures of variant `id`, if it is one.
    pub fn variant(&self, id: &str) -> Option<&VariantAnalysis> {
        self.variants.iter().find(|v| v.id == id)
    }

    /// The unit-level comparison (posts or blocks) of variant `id` with
    /// the control, if there is one.
    pub fn comparison(&self, id: &str) -> Option<&UnitComparison> {
        self.comparisons.iter().find(|c| c.variant == id)
    }

    /// The id of the variant the analysis favours, by its result: for a
    /// post design the variant with the highest unit-level `P(better than
    /// the control)`, or the control when no variant is more likely better
    /// than worse; for randomised exposure (or when no unit-level
    /// comparison exists) the variant with the highest `P(best)`.
    ///
    /// # Example
    /// ```
    /// use postab::{counts, Experiment, Metric};
    ///
    /// let mut exp = Experiment::builder("x").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_counts("a", counts! { impressions: 1_000, clicks: 20 })?;
    /// exp.add_counts("b", counts! { impressions: 1_000, clicks: 35 })?;
    /// let report = exp.analyze(&Metric::click_through())?;
    /// assert_eq!(report.leader(), "b");
    /// assert!(report.comparison("b").is_some() && report.variant("b").is_some());
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn leader(&self) -> &str {
        if !self.comparisons.is_empty() {
            return self
                .comparisons
                .iter()
                .filter(|c| c.bayes.prob_b_better > c.bayes.prob_a_better)
                .max_by(|x, y| x.bayes.prob_b_better.total_cmp(&y.bayes.prob_b_better))
                .map_or(self.control.as_str(), |c| c.variant.as_str());
        }
        self.variants
            .iter()
            .max_by(|x, y| x.prob_best.total_cmp(&y.prob_best))
            .map_or(self.control.as_str(), |v| v.id.as_str())
    }
}

impl Analysis {
    /// One line on the account history behind the unit-level Bayesian
    /// comparisons, when one was given and used.
    pub(crate) fn calibration_text(&self) -> Option<String> {
        let h = self.options.history.as_ref()?;
        if self.comparisons.is_empty() {
            return None;
        }
        Some(format!("calibrated to the account: {h}"))
    }
}
