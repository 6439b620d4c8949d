//! Ratio-of-sums estimates with cluster-robust (delta-method) variance, and
//! z-tests with the impression or the post as the unit of analysis.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::UnitOfAnalysis;
use crate::freq::{
    DifferenceCiMethod, Proportion, ZTestOptions, difference_ci, two_proportion_ztest,
};
use crate::freq::{t_isf_two_sided, t_two_tail};
use crate::report::format::{number, probability, signed_number};
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
    /// Delta-method standard error with the post as the cluster (CR2, see
    /// the [module docs](super)).
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

/// `40/2000 = 0.02000 over 2 posts, cluster-robust s.e. 0.01000 (binomial
/// s.e. 0.003130, design effect 10.20)`: the totals, the rate and its two
/// standard errors (4 significant digits, or the formatter's precision).
impl fmt::Display for RatioEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "{}/{} = {} over {} posts, cluster-robust s.e. {} (binomial s.e. {}, design effect {})",
            self.successes,
            self.trials,
            number(self.rate, p),
            self.posts,
            number(self.std_error, p),
            number(self.binomial_std_error, p),
            number(self.design_effect, p)
        )
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
    let (s, n_sum) = used.clone().fold((0u128, 0u128), |(s, n), p| {
        (s + u128::from(p.successes()), n + u128::from(p.trials()))
    });
    let (sf, nf) = (s as f64, n_sum as f64);
    let rate = sf / nf;
    // CR2: each post's squared residual scaled by 1/(1 − n_g/N), its
    // leverage, with N − n_g exact (the other posts' trials).
    let sum_sq: f64 = used
        .map(|p| {
            let n = p.trials() as f64;
            let e = p.successes() as f64 - rate * n;
            e * e / complement(n_sum, p.trials())
        })
        .sum();
    let std_error = sum_sq.sqrt() / nf;
    let binomial_std_error = (rate * (1.0 - rate) / nf).sqrt();
    let design_effect = if binomial_std_error > 0.0 {
        (std_error / binomial_std_error).powi(2)
    } else {
        1.0
    };
    Ok(RatioEstimate {
        posts: m,
        successes: u64::try_from(s).unwrap_or(u64::MAX),
        trials: u64::try_from(n_sum).unwrap_or(u64::MAX),
        rate,
        std_error,
        binomial_std_error,
        design_effect,
    })
}

/// A two-sided test of `rate_B − rate_A`, saying which unit it treated as
/// independent.
///
/// `z` is ±∞ when the standard error is 0 and the rates differ (written
/// `"inf"` / `"-inf"` in JSON, see [`crate::report`]). Reading from serde
/// checks rates and the p-value in [0, 1], the difference and its interval
/// in [−1, 1], a finite non-negative standard error, a statistic that is not
/// NaN and positive degrees of freedom.
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
    /// The test statistic `difference / std_error`: z for the impression
    /// test, t for the post-level test (±∞ for a zero standard error and
    /// different rates).
    #[serde(with = "crate::serde_float")]
    pub statistic: f64,
    /// Degrees of freedom of the Student reference (∞: the normal).
    #[serde(with = "crate::serde_float")]
    pub degrees_of_freedom: f64,
    /// Two-sided p-value `P(|T| > |statistic|)`.
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
    // Schema version 1 called it `z` and used the normal reference.
    #[serde(with = "crate::serde_float", alias = "z")]
    statistic: f64,
    #[serde(with = "crate::serde_float", default = "normal_reference")]
    degrees_of_freedom: f64,
    p_value: f64,
    ci95: Interval,
    posts_a: usize,
    posts_b: usize,
}

/// The degrees of freedom of a version 1 document's z-test.
fn normal_reference() -> f64 {
    f64::INFINITY
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
            statistic: r.statistic,
            degrees_of_freedom: r.degrees_of_freedom,
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
        if self.statistic.is_nan() {
            return Err(Error::InvalidParameter {
                name: "test statistic",
                value: self.statistic,
                expected: "a number or ±inf",
            });
        }
        read::degrees_of_freedom(self.degrees_of_freedom)?;
        read::within("95% interval of the difference", &self.ci95, -1.0, 1.0)
    }
}

/// `post-level: B − A = +0.01281 (s.e. 0.002108), t = 6.079 on 3.848 dof,
/// p = 0.004192, 95% interval [0.006869, 0.01876], rates 0.02138 vs
/// 0.03419, 3 + 3 posts`: the unit, the difference, the statistic (`z = …`
/// without degrees of freedom for the normal reference of the impression
/// test, which also leaves out the post counts), the p-value, the interval
/// and the rates (4 significant digits, or the formatter's precision).
impl fmt::Display for RateComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "{}-level: B − A = {} (s.e. {}), ",
            self.unit,
            signed_number(self.difference, p),
            number(self.std_error, p)
        )?;
        if self.degrees_of_freedom.is_infinite() {
            write!(f, "z = {}", number(self.statistic, p))?;
        } else {
            write!(
                f,
                "t = {} on {} dof",
                number(self.statistic, p),
                number(self.degrees_of_freedom, p)
            )?;
        }
        write!(
            f,
            ", p = {}, 95% interval [{}, {}], rates {} vs {}",
            probability(self.p_value),
            number(self.ci95.lower, p),
            number(self.ci95.upper, p),
            number(self.rate_a, p),
            number(self.rate_b, p)
        )?;
        if self.unit != UnitOfAnalysis::Impression {
            write!(f, ", {} + {} posts", self.posts_a, self.posts_b)?;
        }
        Ok(())
    }
}

/// The post-level test of the ratio-of-sums rates: bias-reduced (CR2)
/// cluster-robust standard errors, `t = (r_B − r_A) / √(Var r_A + Var r_B)`
/// against Student's t with Satterthwaite degrees of freedom under a
/// Beta-Binomial working model (see the [module docs](super); conservative
/// with few posts, [`super::post_ratio_test`] holds the level better).
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
    let (pa, pb) = (used(a), used(b));
    let rho = intra_post_correlation(&[(&pa, ea.rate), (&pb, eb.rate)]);
    let (ta, sa) = satterthwaite_parts(&pa, ea.rate, rho);
    let (tb, sb) = satterthwaite_parts(&pb, eb.rate, rho);
    // At least 1: one post carrying nearly all of a variant's trials drives
    // the Satterthwaite value towards 0 (1.6e-14 for a post of 9·10¹⁸
    // trials beside posts of 1–7·10⁷).
    let dof = (ta + tb).powi(2) / (sa + sb);
    let dof = if dof.is_finite() && dof > 0.0 {
        dof.max(1.0)
    } else {
        (ea.posts + eb.posts - 2) as f64
    };
    Ok(t_test(ea.rate, eb.rate, se, dof, (ea.posts, eb.posts)))
}

/// `1 − n/N` for a post of `n` trials out of `total`, from the exact
/// `N − n` (the other posts' trials), so it stays positive and accurate
/// when one post carries nearly all of them.
fn complement(total: u128, n: u64) -> f64 {
    (total - u128::from(n)) as f64 / total as f64
}

/// A post with trials: successes, trials and `1 − n/N` (see [`complement`]).
#[derive(Debug, Clone, Copy)]
struct UsedPost {
    y: f64,
    n: f64,
    rest: f64,
}

/// The posts with trials.
fn used(posts: &[Proportion]) -> Vec<UsedPost> {
    let total: u128 = posts.iter().map(|p| u128::from(p.trials())).sum();
    posts
        .iter()
        .filter(|p| p.trials() > 0)
        .map(|p| UsedPost {
            y: p.successes() as f64,
            n: p.trials() as f64,
            rest: complement(total, p.trials()),
        })
        .collect()
}

/// The analysis-of-variance estimate of the intra-post correlation `ρ`
/// pooled over groups (each with its own rate), clamped to [0, 1]: `(MSB −
/// MSW)/(MSB + (n₀ − 1)MSW)` with `n₀ = (N − Σ_groups Σ n_g²/N_group)/(m −
/// G)`. 0 when it is undefined (every post a single trial).
fn intra_post_correlation(groups: &[(&[UsedPost], f64)]) -> f64 {
    let (mut between, mut within, mut big_n, mut m, mut sq) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &(posts, rate) in groups {
        let total: f64 = posts.iter().map(|p| p.n).sum();
        for &UsedPost { y, n, .. } in posts {
            let p = y / n;
            between += n * (p - rate).powi(2);
            within += y * (1.0 - p);
            sq += n * n / total;
        }
        big_n += total;
        m += posts.len() as f64;
    }
    let g = groups.len() as f64;
    let msb = between / (m - g);
    let msw = within / (big_n - m);
    let n0 = (big_n - sq) / (m - g);
    let rho = (msb - msw) / (msb + (n0 - 1.0) * msw);
    if rho.is_finite() {
        rho.clamp(0.0, 1.0)
    } else {
        0.0
    }
}

/// `(tr(QD), tr(QDQD))` for one group's bias-reduced (CR2) variance
/// `V̂ = y′Qy = Σ_g E_g²/((1 − n_g/N) N²)`, `E_g = y_g − r n_g`, under the
/// working model of independent posts with `Var(y_g) = D_g = n_g(1 + (n_g −
/// 1)ρ) r(1 − r)` (Beta-Binomial). Satterthwaite's degrees of freedom of a
/// sum of such variances are `(Σ tr(QD))²/Σ tr(QDQD)` (Bell and McCaffrey's
/// correction for this design). With `α_g = n_g/N`, `c_g = 1/((1 − α_g)N²)`
/// and `S = Σ D_g`, `Q D` has entries built from
/// `B_gh = D_g δ_gh − α_h D_g − α_g D_h + α_g α_h S`, whose traces reduce
/// to sums over posts (`O(m)`, not `O(m²)`).
fn satterthwaite_parts(posts: &[UsedPost], rate: f64, rho: f64) -> (f64, f64) {
    let big_n: f64 = posts.iter().map(|p| p.n).sum();
    let scale = rate * (1.0 - rate);
    let d = |n: f64| n * (1.0 + (n - 1.0) * rho) * scale;
    let s: f64 = posts.iter().map(|p| d(p.n)).sum();
    let (mut tr, mut diag, mut p4, mut q2, mut r) = (0.0, 0.0, 0.0, 0.0, 0.0);
    for &UsedPost { n, rest, .. } in posts {
        let (alpha, dg) = (n / big_n, d(n));
        let c = 1.0 / (rest * big_n * big_n);
        let t_gg = -2.0 * alpha * dg + alpha * alpha * s;
        tr += c * (dg + t_gg);
        diag += c * c * (dg * dg + 2.0 * dg * t_gg);
        p4 += c * dg * dg;
        q2 += c * alpha * alpha;
        r += c * alpha * dg;
    }
    let off = 2.0 * p4 * q2 + s * s * q2 * q2 + 2.0 * r * r - 4.0 * s * r * q2;
    (tr, diag + off)
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
        statistic: test.statistic,
        degrees_of_freedom: f64::INFINITY,
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
fn t_test(
    rate_a: f64,
    rate_b: f64,
    se: f64,
    dof: f64,
    (posts_a, posts_b): (usize, usize),
) -> RateComparison {
    let difference = rate_b - rate_a;
    let statistic = if se > 0.0 {
        difference / se
    } else if difference == 0.0 {
        0.0
    } else {
        difference.signum() * f64::INFINITY
    };
    let p_value = if statistic.is_infinite() {
        0.0
    } else {
        t_two_tail(statistic, dof).clamp(0.0, 1.0)
    };
    let half = t_isf_two_sided(0.05, dof) * se;
    RateComparison {
        unit: UnitOfAnalysis::Post,
        rate_a,
        rate_b,
        difference,
        std_error: se,
        statistic,
        degrees_of_freedom: dof,
        p_value,
        // A difference of rates lies in [−1, 1]: so does its interval.
        ci95: Interval::within(difference - half, difference + half, -1.0, 1.0),
        posts_a,
        posts_b,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The `O(m)` traces against the `O(m²)` matrix sums they reduce.
    #[test]
    fn satterthwaite_traces_match_the_matrix_sums() {
        let counts = [(3, 120), (40, 2_000), (9, 700), (1, 45), (77, 5_100)];
        let props: Vec<Proportion> = counts
            .iter()
            .map(|&(y, n)| Proportion::new(y, n).expect("counts"))
            .collect();
        let used_posts = used(&props);
        let posts: Vec<(f64, f64)> = counts.iter().map(|&(y, n)| (y as f64, n as f64)).collect();
        let (rate, rho) = (0.017, 0.02);
        let big_n: f64 = posts.iter().map(|p| p.1).sum();
        let d: Vec<f64> = posts
            .iter()
            .map(|p| p.1 * (1.0 + (p.1 - 1.0) * rho) * rate * (1.0 - rate))
            .collect();
        let s: f64 = d.iter().sum();
        let alpha: Vec<f64> = posts.iter().map(|p| p.1 / big_n).collect();
        let c: Vec<f64> = alpha
            .iter()
            .map(|a| 1.0 / ((1.0 - a) * big_n * big_n))
            .collect();
        let b = |g: usize, h: usize| {
            let delta = if g == h { d[g] } else { 0.0 };
            delta - alpha[h] * d[g] - alpha[g] * d[h] + alpha[g] * alpha[h] * s
        };
        let m = posts.len();
        let tr: f64 = (0..m).map(|g| c[g] * b(g, g)).sum();
        let tr2: f64 = (0..m)
            .flat_map(|g| (0..m).map(move |h| (g, h)))
            .map(|(g, h)| c[g] * c[h] * b(g, h).powi(2))
            .sum();
        let (t, t2) = satterthwaite_parts(&used_posts, rate, rho);
        assert!(((t - tr) / tr).abs() < 1e-12, "{t} vs {tr}");
        assert!(((t2 - tr2) / tr2).abs() < 1e-10, "{t2} vs {tr2}");
    }
}
