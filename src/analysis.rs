//! The end-to-end analysis of a rate metric over an experiment's variants.
//!
//! [`crate::Experiment::analyze`] turns each variant's counts into
//! `successes / trials` for the metric and reports, per variant:
//!
//! * **Bayesian**: the Beta(α₀ + s, β₀ + n − s) posterior (default prior
//!   Beta(1, 1)), its equal-tailed credible interval, `P(variant is best)`,
//!   the expected loss of choosing it (`E[max_j p_j − p_k]`, rate units), and
//!   against the control `P(variant > control)`, all exact
//!   ([`crate::bayes`]).
//! * **Frequentist**: the Wilson score interval of the rate; against the
//!   control the difference `p_variant − p_control` with its Newcombe hybrid
//!   score interval and the two-sided pooled two-proportion z-test p-value,
//!   adjusted for the number of comparisons (default Holm) ([`crate::freq`]).
//! * **Sample ratio mismatch**: chi-square goodness of fit of the trials per
//!   variant against the intended split (equal unless set), flagged at
//!   p < 0.001.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bayes::{BetaPosterior, BetaPrior, Posterior, rank};
use crate::error::{Error, Result};
use crate::freq::{
    Correction, PairwiseOptions, Proportion, ProportionCiMethod, SrmCheck, compare_to_control,
    proportion_ci, sample_ratio_mismatch,
};
use crate::interval::Interval;

/// Settings of an analysis; `Default` gives the documented defaults.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AnalysisOptions {
    /// Prior of every variant's rate (default Beta(1, 1)).
    pub prior: BetaPrior,
    /// Level of credible and confidence intervals (default 0.95).
    pub level: f64,
    /// Multiple-comparison correction of the tests against control (default Holm).
    pub correction: Correction,
    /// Intended share of trials per variant for the SRM check, in variant
    /// order (default: equal).
    pub split: Option<Vec<f64>>,
}

impl Default for AnalysisOptions {
    fn default() -> Self {
        Self {
            prior: BetaPrior::uniform(),
            level: 0.95,
            correction: Correction::Holm,
            split: None,
        }
    }
}

/// One variant compared with the control.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct VsControl {
    /// `P(p_variant > p_control)` under the posteriors.
    pub prob_beats_control: f64,
    /// Observed difference `p_variant − p_control`.
    pub difference: f64,
    /// Newcombe hybrid score interval of the difference.
    pub difference_interval: Interval,
    /// Observed relative lift `(p_variant − p_control) / p_control`; `None`
    /// when the control rate is 0.
    pub lift: Option<f64>,
    /// Two-sided pooled z-test p-value (1 when both rates are 0 % or 100 %).
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
    pub successes: u64,
    /// Metric denominator (e.g. impressions).
    pub trials: u64,
    /// Observed rate `successes / trials`.
    pub rate: f64,
    /// Posterior of the rate.
    pub posterior: BetaPosterior,
    /// Equal-tailed credible interval of the rate.
    pub credible_interval: Interval,
    /// Wilson score confidence interval of the rate.
    pub wilson_interval: Interval,
    /// `P(this variant has the highest rate)`.
    pub prob_best: f64,
    /// `E[max_j p_j − p_this]`: expected loss of choosing it, in rate units.
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
    /// What the metric divides, e.g. "clicks / impressions".
    pub metric_definition: String,
    /// Control variant id.
    pub control: String,
    /// Settings used.
    pub options: AnalysisOptions,
    /// One entry per variant, in the experiment's order.
    pub variants: Vec<VariantAnalysis>,
    /// Sample-ratio-mismatch check on the trials.
    pub srm: SrmCheck,
}

/// Per-variant input of [`analyze_rates`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RateInput {
    /// Variant id.
    pub id: String,
    /// Human label.
    pub label: String,
    /// Successes.
    pub successes: u64,
    /// Trials.
    pub trials: u64,
}

/// Analyses binomial rates of K ≥ 2 variants (`control` indexes `inputs`).
///
/// # Errors
/// [`Error::TooFewVariants`]; [`Error::SuccessesExceedTrials`];
/// [`Error::ZeroTraffic`] when a variant has no trials;
/// [`Error::InvalidParameter`] for a level outside (0, 1) or a bad split.
pub fn analyze_rates(
    experiment: &str,
    metric: &str,
    metric_definition: &str,
    inputs: &[RateInput],
    control: usize,
    options: &AnalysisOptions,
) -> Result<Analysis> {
    if inputs.len() < 2 {
        return Err(Error::TooFewVariants { got: inputs.len() });
    }
    let mut posteriors = Vec::with_capacity(inputs.len());
    let mut arms = Vec::with_capacity(inputs.len());
    for v in inputs {
        if v.trials == 0 {
            return Err(Error::ZeroTraffic {
                variant: v.id.clone(),
            });
        }
        let named = |e: Error| match e {
            Error::SuccessesExceedTrials {
                successes, trials, ..
            } => Error::SuccessesExceedTrials {
                variant: v.id.clone(),
                successes,
                trials,
            },
            other => other,
        };
        posteriors.push(options.prior.update(v.successes, v.trials).map_err(named)?);
        arms.push(Proportion::new(v.successes, v.trials).map_err(named)?);
    }
    let ranking = rank(&posteriors)?;
    let alpha = 1.0 - options.level;
    let pairwise = compare_to_control(
        &arms,
        control,
        PairwiseOptions::default()
            .with_correction(options.correction)
            .with_alpha(alpha),
    )?;
    let split = options
        .split
        .clone()
        .unwrap_or_else(|| vec![1.0; inputs.len()]);
    let trials: Vec<u64> = inputs.iter().map(|v| v.trials).collect();
    let srm = sample_ratio_mismatch(&trials, &split)?;
    let control_rate = arms[control].rate();
    let mut variants = Vec::with_capacity(inputs.len());
    for (i, v) in inputs.iter().enumerate() {
        let post = posteriors[i];
        let vs_control = pairwise.iter().find(|c| c.variant == i).map(|c| VsControl {
            prob_beats_control: crate::bayes::prob_beats(&posteriors[control], &post).b_beats_a,
            difference: c.difference,
            difference_interval: c.interval,
            lift: (control_rate > 0.0).then(|| c.difference / control_rate),
            p_value: c.p_value,
            adjusted_p_value: c.adjusted_p_value,
        });
        variants.push(VariantAnalysis {
            id: v.id.clone(),
            label: v.label.clone(),
            successes: v.successes,
            trials: v.trials,
            rate: arms[i].rate(),
            posterior: post,
            credible_interval: post.credible_interval(options.level)?,
            wilson_interval: proportion_ci(arms[i], options.level, ProportionCiMethod::Wilson)?,
            prob_best: ranking.prob_best[i],
            expected_loss: ranking.expected_loss[i],
            vs_control,
        });
    }
    Ok(Analysis {
        experiment: experiment.to_string(),
        metric: metric.to_string(),
        metric_definition: metric_definition.to_string(),
        control: inputs[control].id.clone(),
        options: options.clone(),
        variants,
        srm,
    })
}

fn pct(x: f64) -> String {
    format!("{:.3}%", 100.0 * x)
}

fn interval_pct(i: &Interval) -> String {
    format!("[{}, {}]", pct(i.lower), pct(i.upper))
}

fn signed_pct(x: f64) -> String {
    format!("{:+.1}%", 100.0 * x)
}

impl fmt::Display for Analysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = format!("{:.0}%", 100.0 * self.options.level);
        writeln!(
            f,
            "{}: {} ({}), control = {}",
            self.experiment, self.metric, self.metric_definition, self.control
        )?;
        let header = [
            "variant".to_string(),
            "trials".into(),
            "successes".into(),
            "rate".into(),
            format!("{level} credible"),
            format!("Wilson {level}"),
            "P(best)".into(),
            "exp. loss".into(),
            "P(>control)".into(),
            "lift".into(),
            format!("diff {level} CI"),
            "p (adj.)".into(),
        ];
        let rows: Vec<[String; 12]> = self
            .variants
            .iter()
            .map(|v| {
                let c = v.vs_control.as_ref();
                [
                    v.label.clone(),
                    v.trials.to_string(),
                    v.successes.to_string(),
                    pct(v.rate),
                    interval_pct(&v.credible_interval),
                    interval_pct(&v.wilson_interval),
                    format!("{:.4}", v.prob_best),
                    format!("{:.2e}", v.expected_loss),
                    c.map_or("control".into(), |c| format!("{:.4}", c.prob_beats_control)),
                    c.map_or("-".into(), |c| c.lift.map_or("n/a".into(), signed_pct)),
                    c.map_or("-".into(), |c| {
                        format!(
                            "[{:+.3}, {:+.3}] pp",
                            100.0 * c.difference_interval.lower,
                            100.0 * c.difference_interval.upper
                        )
                    }),
                    c.map_or("-".into(), |c| {
                        format!("{:.3e} ({:.3e})", c.p_value, c.adjusted_p_value)
                    }),
                ]
            })
            .collect();
        let widths: Vec<usize> = (0..11)
            .map(|i| {
                rows.iter()
                    .map(|r| r[i].chars().count())
                    .chain([header[i].len()])
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
        write!(
            f,
            "model: Beta({}, {}) prior, exact posterior probabilities; two-sided pooled z-test vs control, {:?}-adjusted; Wilson and Newcombe intervals",
            self.options.prior.alpha(),
            self.options.prior.beta(),
            self.options.correction
        )
    }
}
