//! What a post-level simulation reports.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::harness::MAX_REPLICATIONS;
use super::posts::{PostDesign, check_config};
use crate::error::{Error, Result};
use crate::report::format::{number, probability, signed_number};
use crate::validate::read;

/// Which analysis a [`TestSummary`] describes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum PostAnalysis {
    /// [`crate::repeated::paired_test`]: paired t on per-block log rate
    /// ratios, order-adjusted (unit: block).
    PairedT,
    /// [`crate::repeated::post_ratio_test`]: Welch's t on per-post
    /// ½-corrected log rates (unit: post).
    LogRateWelch,
    /// Student's t with pooled variance on per-post ½-corrected log rates,
    /// `m_A + m_B − 2` degrees of freedom (unit: post).
    LogRatePooledT,
    /// [`crate::repeated::naive_binomial_test`]: the two-proportion z-test
    /// on pooled counts (unit: impression).
    ImpressionZ,
    /// The Cochran–Mantel–Haenszel test with continuity correction over the
    /// blocks ([`crate::freq::StratifiedTables::cmh_test`]; unit:
    /// impression within block).
    Cmh,
}

impl fmt::Display for PostAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PostAnalysis::PairedT => "paired t (blocks)",
            PostAnalysis::LogRateWelch => "log-rate Welch (posts)",
            PostAnalysis::LogRatePooledT => "log-rate pooled t (posts)",
            PostAnalysis::ImpressionZ => "impression z",
            PostAnalysis::Cmh => "CMH",
        })
    }
}

/// How the intervals of an analysis covered the true difference.
///
/// Reading from serde checks at least 1 interval, `covered ≤ intervals`,
/// a finite non-negative mean width and a finite mean estimate.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CoverageRepr")]
#[non_exhaustive]
pub struct CoverageSummary {
    /// Replications that produced an interval (the defined ones).
    pub intervals: u64,
    /// Intervals that contained the true difference (ends included).
    pub covered: u64,
    /// Mean width of the intervals (log rate ratio).
    pub mean_width: f64,
    /// Mean point estimate of the log rate ratio (compare with the true
    /// difference for the bias).
    pub mean_estimate: f64,
}

#[derive(Deserialize)]
struct CoverageRepr {
    intervals: u64,
    covered: u64,
    mean_width: f64,
    mean_estimate: f64,
}

impl TryFrom<CoverageRepr> for CoverageSummary {
    type Error = Error;

    fn try_from(r: CoverageRepr) -> Result<Self> {
        if r.intervals == 0 || r.covered > r.intervals {
            return Err(read::inconsistent(
                "coverage",
                format!("{} of {} intervals covered", r.covered, r.intervals),
            ));
        }
        read::non_negative("mean interval width", r.mean_width)?;
        read::finite("mean estimate", r.mean_estimate)?;
        Ok(Self {
            intervals: r.intervals,
            covered: r.covered,
            mean_width: r.mean_width,
            mean_estimate: r.mean_estimate,
        })
    }
}

impl CoverageSummary {
    /// `covered / intervals`.
    pub fn rate(&self) -> f64 {
        self.covered as f64 / self.intervals.max(1) as f64
    }

    /// Its binomial Monte Carlo standard error `√(c(1 − c)/intervals)`.
    pub fn rate_se(&self) -> f64 {
        let c = self.rate();
        (c * (1.0 - c) / self.intervals.max(1) as f64).sqrt()
    }
}

/// `covers 0.9250 ± 0.04165 of 40 intervals, mean width 0.8619, mean
/// estimate 0.1655` (the coverage with its Monte Carlo standard error; 4
/// significant digits, or the formatter's precision for the width and
/// estimate).
impl fmt::Display for CoverageSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "covers {} ± {} of {} intervals, mean width {}, mean estimate {}",
            probability(self.rate()),
            probability(self.rate_se()),
            self.intervals,
            number(self.mean_width, p),
            number(self.mean_estimate, p)
        )
    }
}

/// One analysis over all replications.
///
/// Reading from serde checks `rejections + undefined ≤ replications` and
/// at most `replications − undefined` intervals.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TestSummaryRepr")]
#[non_exhaustive]
pub struct TestSummary {
    /// Which analysis.
    pub analysis: PostAnalysis,
    /// Replications run.
    pub replications: u64,
    /// Replications where the p-value was below `α`.
    pub rejections: u64,
    /// Replications where the analysis was undefined (it returned an
    /// error); they count as not rejecting.
    pub undefined: u64,
    /// For the log-rate analyses, the coverage of their intervals at level
    /// `1 − α` (`None` for the impression-level tests, whose differences
    /// are on another scale, and when no replication gave an interval).
    pub coverage: Option<CoverageSummary>,
}

#[derive(Deserialize)]
struct TestSummaryRepr {
    analysis: PostAnalysis,
    replications: u64,
    rejections: u64,
    undefined: u64,
    coverage: Option<CoverageSummary>,
}

impl TryFrom<TestSummaryRepr> for TestSummary {
    type Error = Error;

    fn try_from(r: TestSummaryRepr) -> Result<Self> {
        if r.rejections
            .checked_add(r.undefined)
            .is_none_or(|n| n > r.replications)
        {
            return Err(read::inconsistent(
                "test summary",
                format!(
                    "{} rejections and {} undefined of {} replications",
                    r.rejections, r.undefined, r.replications
                ),
            ));
        }
        if let Some(c) = &r.coverage
            && c.intervals > r.replications - r.undefined
        {
            return Err(read::inconsistent(
                "test summary",
                format!(
                    "{} intervals from {} defined replications",
                    c.intervals,
                    r.replications - r.undefined
                ),
            ));
        }
        Ok(Self {
            analysis: r.analysis,
            replications: r.replications,
            rejections: r.rejections,
            undefined: r.undefined,
            coverage: r.coverage,
        })
    }
}

impl TestSummary {
    /// `rejections / replications`: the false-positive rate under A/A, the
    /// power otherwise (an undefined analysis does not reject).
    pub fn rejection_rate(&self) -> f64 {
        self.rejections as f64 / self.replications.max(1) as f64
    }

    /// Its binomial Monte Carlo standard error `√(r(1 − r)/R)`.
    pub fn rejection_rate_se(&self) -> f64 {
        let r = self.rejection_rate();
        (r * (1.0 - r) / self.replications.max(1) as f64).sqrt()
    }
}

impl fmt::Display for TestSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: rejects {:.4} ± {:.4}",
            self.analysis,
            self.rejection_rate(),
            self.rejection_rate_se()
        )?;
        if let Some(c) = &self.coverage {
            write!(
                f,
                ", covers {:.4} ± {:.4}, mean width {:.4}, mean estimate {:.4}",
                c.rate(),
                c.rate_se(),
                c.mean_width,
                c.mean_estimate
            )?;
        }
        if self.undefined > 0 {
            write!(f, " ({} undefined)", self.undefined)?;
        }
        Ok(())
    }
}

/// One variant against variant 0 over all replications.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PostComparisonSummary {
    /// The variant compared with variant 0 (as B against A).
    pub variant: usize,
    /// The true difference `δ` the intervals are checked against: the
    /// difference of mean log post rates (see [`super::PostSimulation`],
    /// "The true difference").
    pub true_difference: f64,
    /// `ln(μ_B/μ_A)`, the log ratio of the mean rates, for contrast.
    pub log_mean_ratio: f64,
    /// The post-level analysis (paired t for paired blocks, the log-rate
    /// t-test for independent posts).
    pub post_level: TestSummary,
    /// Paired designs: the log-rate Welch test on the same posts with the
    /// blocks ignored.
    pub unpaired: Option<TestSummary>,
    /// The impression-level z-test on pooled counts.
    pub impression_level: TestSummary,
    /// Paired designs: the Cochran–Mantel–Haenszel test over the blocks.
    pub cmh: Option<TestSummary>,
}

/// `variant 1 vs 0: true difference +0.1879 (ln of mean ratio +0.1823);
/// paired t (blocks): rejects …; log-rate pooled t (posts): rejects …;
/// impression z: rejects …; CMH: rejects …`: the true difference and each
/// analysis's [`TestSummary`], joined by `; ` on one line.
impl fmt::Display for PostComparisonSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "variant {} vs 0: true difference {} (ln of mean ratio {})",
            self.variant,
            signed_number(self.true_difference, p),
            signed_number(self.log_mean_ratio, p)
        )?;
        let summaries = [
            Some(&self.post_level),
            self.unpaired.as_ref(),
            Some(&self.impression_level),
            self.cmh.as_ref(),
        ];
        for s in summaries.into_iter().flatten() {
            write!(f, "; {s}")?;
        }
        Ok(())
    }
}

/// The operating characteristics of post-level analyses over many seeded
/// replications of a [`super::PostSimulation`]: per comparison, rejection
/// rates with their Monte Carlo standard errors, and the coverage, mean
/// width and mean estimate of the log-rate intervals.
///
/// Reading from serde checks the configuration as the builder does (at
/// least 2 rates in [0, 1], κ > 0, the design, α in (0, 1), 1 to 10⁷
/// replications), one comparison per variant after the first, in order,
/// each summary over the report's replications, and the unpaired and CMH
/// summaries present exactly for paired designs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PostSimulationReportRepr")]
#[non_exhaustive]
pub struct PostSimulationReport {
    /// The variants' mean rates (variant 0 is the control).
    pub rates: Vec<f64>,
    /// κ, the post-to-post concentration.
    pub concentration: f64,
    /// The design.
    pub design: PostDesign,
    /// Median impressions per post.
    pub median_impressions: f64,
    /// The spread factor of impressions per post.
    pub impression_spread: f64,
    /// The first-position effect on the logit scale.
    pub order_effect: f64,
    /// The level of the tests.
    pub alpha: f64,
    /// Replications run.
    pub replications: usize,
    /// The seed.
    pub seed: u64,
    /// Each variant `1..K` against variant 0.
    pub comparisons: Vec<PostComparisonSummary>,
}

#[derive(Deserialize)]
struct PostSimulationReportRepr {
    rates: Vec<f64>,
    concentration: f64,
    design: PostDesign,
    median_impressions: f64,
    impression_spread: f64,
    order_effect: f64,
    alpha: f64,
    replications: usize,
    seed: u64,
    comparisons: Vec<PostComparisonSummary>,
}

impl TryFrom<PostSimulationReportRepr> for PostSimulationReport {
    type Error = Error;

    fn try_from(r: PostSimulationReportRepr) -> Result<Self> {
        check_config(&r.rates, r.concentration, &r.design, r.alpha)?;
        read::non_negative("median impressions", r.median_impressions)?;
        read::non_negative("impression spread", r.impression_spread)?;
        read::finite("first-position effect", r.order_effect)?;
        if !(1..=MAX_REPLICATIONS).contains(&r.replications) {
            return Err(Error::InvalidParameter {
                name: "replications",
                value: r.replications as f64,
                expected: "between 1 and 10^7 replications",
            });
        }
        if r.comparisons.len() + 1 != r.rates.len() {
            return Err(Error::LengthMismatch {
                what: "comparisons and variants after the first",
                left: r.comparisons.len(),
                right: r.rates.len() - 1,
            });
        }
        let paired = r.design.is_paired();
        for (j, c) in r.comparisons.iter().enumerate() {
            read::finite("true difference", c.true_difference)?;
            read::finite("log mean ratio", c.log_mean_ratio)?;
            let summaries = [
                Some(&c.post_level),
                c.unpaired.as_ref(),
                Some(&c.impression_level),
                c.cmh.as_ref(),
            ];
            let consistent = c.variant == j + 1
                && c.unpaired.is_some() == paired
                && c.cmh.is_some() == paired
                && summaries
                    .iter()
                    .flatten()
                    .all(|s| s.replications == r.replications as u64);
            if !consistent {
                return Err(read::inconsistent(
                    "post simulation report",
                    format!(
                        "comparison {j} (variant {}) does not match the design or the {} replications",
                        c.variant, r.replications
                    ),
                ));
            }
        }
        Ok(Self {
            rates: r.rates,
            concentration: r.concentration,
            design: r.design,
            median_impressions: r.median_impressions,
            impression_spread: r.impression_spread,
            order_effect: r.order_effect,
            alpha: r.alpha,
            replications: r.replications,
            seed: r.seed,
            comparisons: r.comparisons,
        })
    }
}

impl fmt::Display for PostSimulationReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.design {
            PostDesign::Independent { posts } => {
                write!(f, "{posts} independent posts per variant")?
            }
            PostDesign::Paired {
                blocks,
                block_sd,
                order,
            } => write!(
                f,
                "{blocks} paired blocks (block SD {block_sd}, order {order:?}, first-position effect {})",
                self.order_effect
            )?,
        }
        writeln!(
            f,
            ", kappa {}, impressions median {} x/÷ {}; {} replications at alpha {} (seed {})",
            self.concentration,
            self.median_impressions,
            self.impression_spread,
            self.replications,
            self.alpha,
            self.seed
        )?;
        for c in &self.comparisons {
            writeln!(
                f,
                "variant {} vs 0 (rates {} vs {}): true difference {:.4} (ln of mean ratio {:.4})",
                c.variant,
                self.rates[c.variant],
                self.rates[0],
                c.true_difference,
                c.log_mean_ratio
            )?;
            let rows = [
                Some(&c.post_level),
                c.unpaired.as_ref(),
                Some(&c.impression_level),
                c.cmh.as_ref(),
            ];
            for s in rows.into_iter().flatten() {
                writeln!(f, "  {s}")?;
            }
        }
        Ok(())
    }
}
