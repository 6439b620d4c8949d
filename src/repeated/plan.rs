//! Planning post experiments: how many posts (or pairs of posts) a lift
//! needs at an account's post-to-post variation (see [`PostPlan`]).

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::freq::{t_isf_two_sided, t_upper};
use crate::report::format::{number, signed_number};
use crate::validate::check_open_unit;
use crate::{Error, Result};

/// Most blocks, or posts per variant, the planning searches consider.
pub const MAX_PLANNED_POSTS: usize = 10_000_000;

/// The assumptions of a post experiment's plan: every post with
/// `impressions` trials, A's rate `rate`, B's `rate·(1 + lift)`, each post's
/// own rate drawn around its variant's with Beta–Binomial concentration
/// `concentration` (κ; the intra-post correlation is `1/(1 + κ)`;
/// [`super::AccountHistory`] or [`super::fit_beta_binomial`] estimate it
/// from an account's history).
///
/// Each post's log rate has, by the delta method,
/// `Var ln p̂ ≈ (1 − p)/(n p) · (1 + (n − 1)/(κ + 1))` (the Beta–Binomial
/// variance of `p̂` over `p²`). The two designs:
///
/// * **paired** ([`PostPlan::paired_power`], [`PostPlan::blocks_needed`]):
///   a block's log rate ratio has the sum of A's and B's variances; the
///   paired t-test ([`super::paired_test`], order not adjusted) has `k − 1`
///   degrees of freedom over `k` blocks;
/// * **independent posts** ([`PostPlan::independent_power`],
///   [`PostPlan::posts_needed`]): `m` posts per variant, the pooled t-test
///   on log rates ([`super::post_ratio_test`]) with standard error
///   `√((Var_A + Var_B)/m)` and `2m − 2` degrees of freedom.
///
/// Power is the shifted central t approximation to the noncentral t,
/// `P(|T_ν + δ/SE| > t_{1−α/2, ν})` with `δ = ln(1 + lift)`. Against
/// simulation (`tests/paired_simulation.rs`, `tests/post_level_simulation.rs`:
/// 5 % rate, κ = 300, 2,000 impressions a post, 20 % lift) it planned within
/// 0.04 of the measured power; with strongly skewed rates (μκ ≈ 2) it is
/// conservative. In a paired design κ should describe posts of the same
/// content (block effects cancel inside a block); an account's history
/// mixes both, so a plan from it is conservative for pairs.
///
/// Reading from serde checks the assumptions as every method does.
///
/// # Example
/// ```
/// use postab::repeated::PostPlan;
///
/// // 2 % click rate, 2,000 impressions a post, κ = 100: how many blog
/// // posts (tweeted once per text), or posts per text, to see a 30 % lift
/// // with 80 % power at α = 0.05?
/// let plan = PostPlan { rate: 0.02, lift: 0.3, impressions: 2_000.0, concentration: 100.0 };
/// let pairs = plan.blocks_needed(0.05, 0.8)?;
/// let posts = plan.posts_needed(0.05, 0.8)?;
/// assert!(plan.paired_power(pairs, 0.05)? >= 0.8 && plan.paired_power(pairs - 1, 0.05)? < 0.8);
/// assert!(plan.independent_power(posts, 0.05)? >= 0.8);
/// // The plan gives pairs and independent posts the same per-post spread;
/// // pairing pays off when posts of the same content share more (their
/// // block effects cancel), which κ from a mixed history does not show.
/// assert!(posts.abs_diff(pairs) <= 2);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PostPlanRepr")]
pub struct PostPlan {
    /// A's rate per impression.
    pub rate: f64,
    /// The relative lift to detect (0.3 = B's rate 30 % above A's).
    pub lift: f64,
    /// Impressions per post.
    pub impressions: f64,
    /// κ, the post-to-post concentration.
    pub concentration: f64,
}

#[derive(Deserialize)]
struct PostPlanRepr {
    rate: f64,
    lift: f64,
    impressions: f64,
    concentration: f64,
}

impl TryFrom<PostPlanRepr> for PostPlan {
    type Error = Error;

    fn try_from(r: PostPlanRepr) -> Result<Self> {
        let plan = PostPlan {
            rate: r.rate,
            lift: r.lift,
            impressions: r.impressions,
            concentration: r.concentration,
        };
        plan.check()?;
        Ok(plan)
    }
}

/// `rate 2.000% → 2.600% (lift +30.00%), 2000 impressions a post,
/// κ = 100.0 (intra-post correlation 0.009901)`: the assumptions of the
/// plan (4 significant digits, or the formatter's precision).
impl fmt::Display for PostPlan {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "rate {:.3}% → {:.3}% (lift {}%), {} impressions a post, κ = {} (intra-post correlation {})",
            100.0 * self.rate,
            100.0 * self.rate * (1.0 + self.lift),
            signed_number(100.0 * self.lift, p),
            number(self.impressions, p),
            number(self.concentration, p),
            number(1.0 / (1.0 + self.concentration), p)
        )
    }
}

impl PostPlan {
    /// Checks the assumptions: rates in (0, 1) for both variants (A's at
    /// least `f64::MIN_POSITIVE`, so that its variance is finite),
    /// `lift > −1` and not 0, at least one impression, `κ > 0`.
    fn check(&self) -> Result<()> {
        check_open_unit("rate", self.rate)?;
        if self.rate < f64::MIN_POSITIVE {
            return Err(Error::InvalidParameter {
                name: "rate",
                value: self.rate,
                expected: "a rate per impression of at least 2.2e-308 (a normal f64)",
            });
        }
        let b = self.rate * (1.0 + self.lift);
        if !(self.lift > -1.0 && self.lift != 0.0 && b > 0.0 && b < 1.0) {
            return Err(Error::InvalidParameter {
                name: "lift",
                value: self.lift,
                expected: "a relative lift other than 0 that keeps B's rate in (0, 1)",
            });
        }
        if !(self.impressions >= 1.0 && self.impressions.is_finite()) {
            return Err(Error::InvalidParameter {
                name: "impressions per post",
                value: self.impressions,
                expected: "a finite number ≥ 1",
            });
        }
        crate::validate::check_positive("concentration", self.concentration)?;
        Ok(())
    }

    /// The delta-method variances of A's and B's per-post log rates.
    fn post_variances(&self) -> Result<(f64, f64)> {
        self.check()?;
        let n = self.impressions;
        let inflation = 1.0 + (n - 1.0) / (self.concentration + 1.0);
        let var = |p: f64| (1.0 - p) / (n * p) * inflation;
        Ok((var(self.rate), var(self.rate * (1.0 + self.lift))))
    }

    /// The standard deviation of a block's log rate ratio (A's and B's
    /// per-post variances summed).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for bad assumptions.
    pub fn log_ratio_sd(&self) -> Result<f64> {
        let (a, b) = self.post_variances()?;
        Ok((a + b).sqrt())
    }

    /// The power of the paired t-test over `blocks` blocks at two-sided
    /// level `alpha` (`k − 1` degrees of freedom).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for bad assumptions or `alpha`;
    /// [`Error::TooFew`] for fewer than 2 blocks.
    pub fn paired_power(&self, blocks: usize, alpha: f64) -> Result<f64> {
        if blocks < 2 {
            return Err(Error::TooFew {
                what: "blocks",
                got: blocks,
                min: 2,
            });
        }
        let k = blocks as f64;
        self.power(self.log_ratio_sd()? / k.sqrt(), k - 1.0, alpha)
    }

    /// The power of the pooled t-test on log rates with `posts` posts per
    /// variant at two-sided level `alpha` (`2m − 2` degrees of freedom).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for bad assumptions or `alpha`;
    /// [`Error::TooFew`] for fewer than 2 posts per variant.
    pub fn independent_power(&self, posts: usize, alpha: f64) -> Result<f64> {
        if posts < 2 {
            return Err(Error::TooFew {
                what: "posts per variant",
                got: posts,
                min: 2,
            });
        }
        let m = posts as f64;
        let (a, b) = self.post_variances()?;
        self.power(((a + b) / m).sqrt(), 2.0 * m - 2.0, alpha)
    }

    /// `P(|T_ν + δ/SE| > t_{1−α/2, ν})`, `δ = ln(1 + lift)`.
    fn power(&self, std_error: f64, dof: f64, alpha: f64) -> Result<f64> {
        check_open_unit("alpha", alpha)?;
        let shift = self.lift.ln_1p().abs() / std_error;
        let critical = t_isf_two_sided(alpha, dof);
        Ok((t_upper(critical - shift, dof) + t_upper(critical + shift, dof)).clamp(0.0, 1.0))
    }

    /// The fewest blocks (pairs of posts) whose [`PostPlan::paired_power`]
    /// reaches `power` at two-sided level `alpha`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for bad assumptions, `alpha` or `power`;
    /// [`Error::Infeasible`] when even [`MAX_PLANNED_POSTS`] blocks fall
    /// short.
    pub fn blocks_needed(&self, alpha: f64, power: f64) -> Result<usize> {
        fewest("paired blocks", power, |k| self.paired_power(k, alpha))
    }

    /// The fewest posts per variant whose [`PostPlan::independent_power`]
    /// reaches `power` at two-sided level `alpha`.
    ///
    /// # Errors
    /// As [`PostPlan::blocks_needed`].
    pub fn posts_needed(&self, alpha: f64, power: f64) -> Result<usize> {
        fewest("posts per variant", power, |m| {
            self.independent_power(m, alpha)
        })
    }
}

/// The smallest `n ≥ 2` with `power_at(n) ≥ power` (power increases with
/// `n`): doubling, then bisection.
fn fewest(
    what: &'static str,
    power: f64,
    power_at: impl Fn(usize) -> Result<f64>,
) -> Result<usize> {
    check_open_unit("power", power)?;
    let reaches = |n: usize| power_at(n).map(|p| p >= power);
    let mut hi = 2;
    while !reaches(hi)? {
        if hi >= MAX_PLANNED_POSTS {
            return Err(Error::Infeasible {
                what,
                reason: format!(
                    "{MAX_PLANNED_POSTS} reach power {:.4}, below {power}",
                    power_at(MAX_PLANNED_POSTS)?
                ),
            });
        }
        hi = (hi * 2).min(MAX_PLANNED_POSTS);
    }
    let mut lo = hi / 2; // does not reach (or is below 2)
    while hi - lo > 1 {
        let mid = lo + (hi - lo) / 2;
        if mid >= 2 && reaches(mid)? {
            hi = mid;
        } else {
            lo = mid;
        }
    }
    Ok(hi)
}
