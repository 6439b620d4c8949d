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
//! * **Sample ratio mismatch**: chi-square goodness of fit of the
//!   denominators (e.g. impressions) against the intended split (equal unless
//!   set), flagged at p < 0.001.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bayes::{
    BetaPosterior, BetaPrior, GammaPosterior, GammaPrior, Posterior, prob_beats, rank,
};
use crate::error::{Error, Result};
use crate::freq::{
    Alternative, Correction, DifferenceCiMethod, PoissonTestMethod, Proportion, ProportionCiMethod,
    RateCount, RateRatioCiMethod, SrmCheck, ZTestOptions, adjust_p_values, difference_ci,
    poisson_rate_ci, poisson_rate_test, proportion_ci, rate_ratio_ci, sample_ratio_mismatch,
    two_proportion_ztest,
};
use crate::interval::Interval;

/// Settings of an analysis; `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Intended share of the denominator per variant for the SRM check, in
    /// variant order (default: equal).
    pub split: Option<Vec<f64>>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            prior: BetaPrior::uniform(),
            gamma_prior: GammaPrior::flat(),
            level: 0.95,
            correction: Correction::Holm,
            split: None,
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

/// One variant compared with the control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

/// The analysis of one variant.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
}

/// Result of [`crate::Experiment::analyze`]: plain data, serialisable, and
/// printable as a table with `Display`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// Control variant id.
    pub control: String,
    /// Settings used.
    pub options: AnalysisOptions,
    /// One entry per variant, in the experiment's order.
    pub variants: Vec<VariantAnalysis>,
    /// Sample-ratio-mismatch check on the denominators.
    pub srm: SrmCheck,
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
    let split = options
        .split
        .clone()
        .unwrap_or_else(|| vec![1.0; arms.len()]);
    let denominators: Vec<u64> = arms.iter().map(|v| v.denominator).collect();
    Ok(Analysis {
        experiment: names.experiment.to_string(),
        metric: names.metric.to_string(),
        numerator: names.numerator.to_string(),
        denominator: names.denominator.to_string(),
        model,
        control: arms[control].id.clone(),
        options: options.clone(),
        variants,
        srm: sample_ratio_mismatch(&denominators, &split)?,
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

fn pct(x: f64) -> String {
    format!("{:.3}%", 100.0 * x)
}

impl Analysis {
    fn rate_text(&self, x: f64) -> String {
        match self.model {
            Model::BetaBinomial => pct(x),
            _ => format!("{x:.5}"),
        }
    }

    fn interval_text(&self, i: &Interval) -> String {
        format!("[{}, {}]", self.rate_text(i.lower), self.rate_text(i.upper))
    }

    fn comparison_text(&self, c: &VsControl) -> String {
        match (c.difference_interval, c.ratio_interval) {
            (Some(d), _) => format!("[{:+.3}, {:+.3}] pp", 100.0 * d.lower, 100.0 * d.upper),
            (None, Some(r)) => format!("ratio [{:.3}, {:.3}]", r.lower, r.upper),
            (None, None) => "n/a".into(),
        }
    }
}

impl fmt::Display for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = format!("{:.0}%", 100.0 * self.options.level);
        let (ci_name, cmp_name) = match self.model {
            Model::BetaBinomial => ("Wilson", "diff"),
            _ => ("exact", "vs control"),
        };
        writeln!(
            f,
            "{}: {} ({} / {}), control = {}",
            self.experiment, self.metric, self.numerator, self.denominator, self.control
        )?;
        let header = [
            "variant".to_string(),
            self.denominator.clone(),
            self.numerator.clone(),
            "rate".into(),
            format!("{level} credible"),
            format!("{ci_name} {level}"),
            "P(best)".into(),
            "exp. loss".into(),
            "P(>control)".into(),
            "lift".into(),
            format!("{cmp_name} {level} CI"),
            "p (adj.)".into(),
        ];
        let rows: Vec<[String; 12]> = self
            .variants
            .iter()
            .map(|v| {
                let c = v.vs_control.as_ref();
                [
                    v.label.clone(),
                    v.denominator.to_string(),
                    v.numerator.to_string(),
                    self.rate_text(v.rate),
                    self.interval_text(&v.credible_interval),
                    self.interval_text(&v.confidence_interval),
                    format!("{:.4}", v.prob_best),
                    format!("{:.2e}", v.expected_loss),
                    c.map_or("control".into(), |c| format!("{:.4}", c.prob_beats_control)),
                    c.map_or("-".into(), |c| {
                        c.lift
                            .map_or("n/a".into(), |l| format!("{:+.1}%", 100.0 * l))
                    }),
                    c.map_or("-".into(), |c| self.comparison_text(c)),
                    c.map_or("-".into(), |c| {
                        format!("{:.3e} ({:.3e})", c.p_value, c.adjusted_p_value)
                    }),
                ]
            })
            .collect();
        let widths: Vec<usize> = (0..header.len())
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([header[i].chars().count()])
                    .max()
                    .unwrap_or(0)
            })
            .collect();
        let line = |cells: &[String]| {
            cells
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect::<Vec<_>>()
                .join("  ")
        };
        writeln!(f, "{}", line(&header).trim_end())?;
        for r in &rows {
            writeln!(f, "{}", line(r).trim_end())?;
        }
        writeln!(
            f,
            "sample ratio check: chi-square p = {:.4}{}",
            self.srm.p_value,
            if self.srm.mismatch {
                "  << MISMATCH: traffic split differs from the plan (p < 0.001)"
            } else {
                " (ok)"
            }
        )?;
        match self.model {
            Model::BetaBinomial => write!(
                f,
                "model: Beta({}, {}) prior, exact posterior probabilities; two-sided pooled z-test vs control, {:?}-adjusted; Wilson and Newcombe intervals",
                self.options.prior.alpha(),
                self.options.prior.beta(),
                self.options.correction
            ),
            _ => write!(
                f,
                "model: Gamma({}, {}) prior (shape, rate), exact posterior probabilities; two-sided exact conditional Poisson test vs control, {:?}-adjusted; exact Poisson intervals",
                self.options.gamma_prior.shape(),
                self.options.gamma_prior.rate(),
                self.options.correction
            ),
        }
    }
}
