//! Ratio-of-sums estimates with cluster-robust (delta-method) variance, and
//! z-tests with the impression or the post as the unit of analysis.

use serde::{Deserialize, Serialize};

use super::UnitOfAnalysis;
use crate::freq::{
    DifferenceCiMethod, Proportion, ZTestOptions, difference_ci, two_proportion_ztest,
};
use crate::numeric::{normal_quantile, normal_sf};
use crate::validate::read;
use crate::{Error, Interval, Result};

/// A variant's rate over its posts, `Σ successes / Σ trials`, with its
/// cluster-robust standard error (see the [module docs](super)).
///
/// Reading from serde checks at least 2 posts, successes not above trials,
/// a rate in [0, 1] and finite non-negative errors.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RatioEstimateRepr")]
#[non_exhaustive]
pub struct RatioEstimate {
    /// Posts with at least one trial (the clusters).
    pub posts: usize,
    /// Total successes.
    pub successes: u64,
    /// Total trials.
    pub trials: u64,
    /// `successes / trials`.
    pub rate: f64,
    /// Delta-method standard error with the post as the cluster (CR1).
    pub std_error: f64,
    /// The binomial standard error `√(r(1 − r)/Σn)`, as if impressions were
    /// independent.
    pub binomial_std_error: f64,
    /// `(std_error / binomial_std_error)²`: how much the clustering inflates
    /// the variance (1 when posts differ no more than chance allows; 1 when
    /// the binomial error is 0).
    pub design_effect: f64,
}

#[derive(Deserialize)]
struct RatioEstimateRepr {
    posts: usize,
    successes: u64,
    trials: u64,
    rate: f64,
    std_error: f64,
    binomial_std_error: f64,
    design_effect: f64,
}

impl TryFrom<RatioEstimateRepr> for RatioEstimate {
    type Error = Error;

    fn try_from(r: RatioEstimateRepr) -> Result<Self> {
        super::check_post_totals(r.posts, r.successes, r.trials)?;
        read::prob("rate", r.rate)?;
        read::non_negative("standard error", r.std_error)?;
        read::non_negative("binomial standard error", r.binomial_std_error)?;
        read::non_negative("design effect", r.design_effect)?;
        Ok(RatioEstimate {
            posts: r.posts,
            successes: r.successes,
            trials: r.trials,
            rate: r.rate,
            std_error: r.std_error,
            binomial_std_error: r.binomial_std_error,
            design_effect: r.design_effect,
        })
    }
}

/// The rate of a variant from its posts, with a cluster-robust standard error.
///
/// # Errors
///
/// [`Error::TooFewPosts`] (group `"A"`) if fewer than 2 posts have trials.
///
/// # Example
///
/// ```
/// use postab::repeated::{ratio_estimate, Proportion};
///
/// let posts = [Proportion::new(10, 1000)?, Proportion::new(30, 1000)?];
/// let r = ratio_estimate(&posts)?;
/// assert_eq!(r.rate, 0.02);
/// assert!(r.design_effect > 5.0); // 1% vs 3%: far more spread than binomial noise
/// # Ok::<(), postab::Error>(())
/// ```
pub fn ratio_estimate(posts: &[Proportion]) -> Result<RatioEstimate> {
    estimate(posts, "A")
}

pub(crate) fn estimate(posts: &[Proportion], group: &str) -> Result<RatioEstimate> {
    let used = posts.iter().filter(|p| p.trials() > 0);
    let m = used.clone().count();
    if m < 2 {
        return Err(Error::TooFewPosts {
            group: group.to_string(),
            got: m,
            need: 2,
        });
    }
    // Sums of counts of at most u64::MAX each: accumulate in u128.
    let (s, n) = used.clone().fold((0u128, 0u128), |(s, n), p| {
        (s + u128::from(p.successes()), n + u128::from(p.trials()))
    });
    let (sf, nf) = (s as f64, n as f64);
    let rate = sf / nf;
    let sum_sq: f64 = used
        .map(|p| {
            let e = p.successes() as f64 - rate * p.trials() as f64;
            e * e
        })
        .sum();
    let mf = m as f64;
    let std_error = (mf / (mf - 1.0) * sum_sq).sqrt() / nf;
    let binomial_std_error = (rate * (1.0 - rate) / nf).sqrt();
    let design_effect = if binomial_std_error > 0.0 {
        (std_error / binomial_std_error).powi(2)
    } else {
        1.0
    };
    Ok(RatioEstimate {
        posts: m,
        successes: u64::try_from(s).unwrap_or(u64::MAX),
        trials: u64::try_from(n).unwrap_or(u64::MAX),
        rate,
        std_error,
        binomial_std_error,
        design_effect,
    })
}

/// A two-sided z-test of `rate_B − rate_A`, saying which unit it treated as
/// independent.
///
/// `z` is ±∞ when the standard error is 0 and the rates differ (written
/// `"inf"` / `"-inf"` in JSON, see [`crate::report`]). Reading from serde
/// checks rates and the p-value in [0, 1], the difference and its interval
/// in [−1, 1], a finite non-negative standard error and a z that is not NaN.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RateComparisonRepr")]
#[non_exhaustive]
pub struct RateComparison {
    /// Impressions (naive) or posts (cluster-robust) as independent units.
    pub unit: UnitOfAnalysis,
    /// Rate of A (the control / first argument).
    pub rate_a: f64,
    /// Rate of B.
    pub rate_b: f64,
    /// `rate_b − rate_a`.
    pub difference: f64,
    /// Standard error of the difference used by the test (pooled under H0
    /// for the naive test, cluster-robust for the post-level test).
    pub std_error: f64,
    /// The z statistic (±∞ for a zero standard error and different rates).
    #[serde(with = "crate::serde_float")]
    pub z: f64,
    /// Two-sided p-value `2 P(Z > |z|)`.
    pub p_value: f64,
    /// 95% confidence interval of the difference.
    pub ci95: Interval,
    /// Posts with trials in A (0 for the naive test, which ignores posts).
    pub posts_a: usize,
    /// Posts with trials in B (0 for the naive test).
    pub posts_b: usize,
}

#[derive(Deserialize)]
struct RateComparisonRepr {
    unit: UnitOfAnalysis,
    rate_a: f64,
    rate_b: f64,
    difference: f64,
    std_error: f64,
    #[serde(with = "crate::serde_float")]
    z: f64,
    p_value: f64,
    ci95: Interval,
    posts_a: usize,
    posts_b: usize,
}

impl TryFrom<RateComparisonRepr> for RateComparison {
    type Error = Error;

    fn try_from(r: RateComparisonRepr) -> Result<Self> {
        let c = RateComparison {
            unit: r.unit,
            rate_a: r.rate_a,
            rate_b: r.rate_b,
            difference: r.difference,
            std_error: r.std_error,
            z: r.z,
            p_value: r.p_value,
            ci95: r.ci95,
            posts_a: r.posts_a,
            posts_b: r.posts_b,
        };
        c.check()?;
        Ok(c)
    }
}

impl RateComparison {
    pub(crate) fn check(&self) -> Result<()> {
        read::prob("rate A", self.rate_a)?;
        read::prob("rate B", self.rate_b)?;
        read::prob("p-value", self.p_value)?;
        if !(-1.0..=1.0).contains(&self.difference) {
            return Err(Error::InvalidParameter {
                name: "difference",
                value: self.difference,
                expected: "a difference of rates in [-1, 1]",
            });
        }
        read::non_negative("standard error", self.std_error)?;
        if self.z.is_nan() {
            return Err(Error::InvalidParameter {
                name: "z",
                value: self.z,
                expected: "a number or ±inf",
            });
        }
        read::within("95% interval of the difference", &self.ci95, -1.0, 1.0)
    }
}

/// The post-level z-test: ratio-of-sums rates with cluster-robust standard
/// errors, `z = (r_B − r_A) / √(Var r_A + Var r_B)`.
///
/// # Errors
///
/// [`Error::TooFewPosts`] naming group `"A"` or `"B"` if either has fewer
/// than 2 posts with trials.
///
/// # Example
///
/// ```
/// use postab::repeated::{post_level_test, Proportion};
///
/// let a = [Proportion::new(20, 1000)?, Proportion::new(24, 1000)?, Proportion::new(18, 900)?];
/// let b = [Proportion::new(35, 1000)?, Proportion::new(31, 1000)?, Proportion::new(40, 1100)?];
/// let t = post_level_test(&a, &b)?;
/// assert!(t.difference > 0.0 && t.p_value < 0.01);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn post_level_test(a: &[Proportion], b: &[Proportion]) -> Result<RateComparison> {
    let ea = estimate(a, "A")?;
    let eb = estimate(b, "B")?;
    let se = ea.std_error.hypot(eb.std_error);
    Ok(z_test(ea.rate, eb.rate, se, (ea.posts, eb.posts)))
}

/// The naive binomial two-proportion z-test on the pooled counts (pooled
/// standard error for the test, Wald interval; both from [`crate::freq`]):
/// every impression treated as independent. Shown for contrast: on repeated
/// posts its false-positive rate can be far above the nominal level.
///
/// # Errors
///
/// [`Error::ZeroTraffic`] naming group `"A"` or `"B"` if it has no trials;
/// [`Error::CountOverflow`] if a group's totals exceed `u64::MAX`; the
/// errors of [`two_proportion_ztest`] (e.g. a zero standard error when both
/// groups have no successes).
pub fn naive_binomial_test(a: &[Proportion], b: &[Proportion]) -> Result<RateComparison> {
    let total = |posts: &[Proportion], group: &str| -> Result<Proportion> {
        let (mut s, mut n) = (0u64, 0u64);
        for p in posts {
            s = s
                .checked_add(p.successes())
                .ok_or_else(|| overflow(group, "successes", s, p.successes()))?;
            n = n
                .checked_add(p.trials())
                .ok_or_else(|| overflow(group, "trials", n, p.trials()))?;
        }
        if n == 0 {
            return Err(Error::ZeroTraffic {
                variant: group.to_string(),
            });
        }
        Proportion::new(s, n)
    };
    let (pa, pb) = (total(a, "A")?, total(b, "B")?);
    let test = two_proportion_ztest(pa, pb, ZTestOptions::default())?;
    let ci95 = difference_ci(pa, pb, 0.95, DifferenceCiMethod::Wald)?;
    Ok(RateComparison {
        unit: UnitOfAnalysis::Impression,
        rate_a: pa.rate(),
        rate_b: pb.rate(),
        difference: test.difference,
        std_error: test.std_error,
        z: test.statistic,
        p_value: test.p_value,
        ci95,
        posts_a: 0,
        posts_b: 0,
    })
}

fn overflow(group: &str, what: &str, current: u64, added: u64) -> Error {
    Error::CountOverflow {
        variant: Some(group.to_string()),
        outcome: what.to_string(),
        current,
        added,
    }
}

/// The post-level z-test from two rates and the standard error of their
/// difference.
fn z_test(rate_a: f64, rate_b: f64, se: f64, (posts_a, posts_b): (usize, usize)) -> RateComparison {
    let difference = rate_b - rate_a;
    let z = if se > 0.0 {
        difference / se
    } else if difference == 0.0 {
        0.0
    } else {
        difference.signum() * f64::INFINITY
    };
    let half = normal_quantile(0.975) * se;
    RateComparison {
        unit: UnitOfAnalysis::Post,
        rate_a,
        rate_b,
        difference,
        std_error: se,
        z,
        p_value: (2.0 * normal_sf(z.abs())).min(1.0),
        // A difference of rates lies in [−1, 1]: so does its interval.
        ci95: Interval {
            lower: (difference - half).clamp(-1.0, 1.0),
            upper: (difference + half).clamp(-1.0, 1.0),
        },
        posts_a,
        posts_b,
    }
}
