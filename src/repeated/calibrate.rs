//! Calibration from an account's history: the posterior of the between-post
//! SD `τ` from the account's past posts, and its equivalent Beta–Binomial
//! concentration (see the [module docs](super), "Calibration").

use serde::{Deserialize, Serialize};

use super::hierarchy::{Group, Model, TauPosterior};
use super::log_rate::post_log_rate;
use super::{MAX_CONCENTRATION, Proportion};
use crate::numeric::trigamma;
use crate::validate::check_open_unit;
use crate::{Error, Interval, Result};

/// The fewest usable posts (with at least one trial) an [`AccountHistory`]
/// is fitted from.
pub const MIN_HISTORY_POSTS: usize = 10;

/// The smallest concentration [`equivalent_concentration`] reports.
const MIN_EQUIVALENT_CONCENTRATION: f64 = 1e-6;

/// An account's history of posts (of one metric: impressions and clicks,
/// say), and what it says about `τ`, the between-post standard deviation
/// of a post's log rate.
///
/// # Model
///
/// Each past post `j` is summarised by its ½-corrected log rate
/// `y_j = ln((s_j + ½)/(n_j + ½))` with within variance
/// `v_j = 1/(s_j + ½) − 1/(n_j + ½)`, and
///
/// ```text
/// y_j ~ N(m, v_j + τ²),   flat prior on m,   τ ~ half-Cauchy(TAU_PRIOR_SCALE)
/// ```
///
/// (see [`super::TAU_PRIOR_SCALE`]). `m` is integrated out in closed form;
/// the posterior of `τ` is integrated by the quadrature of
/// [`super::HierarchicalPosterior`]. [`super::post_bayes`] and
/// [`super::paired_bayes`] given a history multiply the history's
/// likelihood in `τ` into `τ`'s prior — the exact joint posterior of the
/// history and the experiment sharing one `τ`, not a plug-in estimate —
/// while every variant keeps its own flat mean (the history informs how
/// much posts vary, not how well the variants do). The history should be
/// the account's recent posts of the same kind, on the same metric.
///
/// # Equivalent concentration
///
/// Posts whose rates are `p ~ Beta(μκ, (1 − μ)κ)` (the Beta–Binomial model
/// of [`super::fit_beta_binomial`]) have `Var(ln p) = ψ₁(μκ) − ψ₁(κ)`,
/// decreasing in `κ`. The **equivalent concentration** of a `τ` is the `κ`
/// with `ψ₁(μκ) − ψ₁(κ) = τ²` at `μ` = the history's pooled rate: the
/// Beta–Binomial concentration whose posts' log rates spread as much.
/// Quantiles of `τ` map to quantiles of the equivalent `κ` (in reverse
/// order). It is an equivalence of spreads, not a fit of the Beta–Binomial
/// model: very small rates (where `ln p` of a Beta is dominated by posts
/// with almost no clicks, which a ½-corrected log rate cannot see) give a
/// larger equivalent `κ` than a Beta–Binomial fit.
///
/// # Cost
///
/// Fitting 1,000 posts takes about 0.1 ms (`benches/repeated.rs`,
/// `calibrate/1000_posts`), linear in the posts. The fit remembers the
/// history's log-likelihood wherever it evaluated it, so that a comparison
/// whose data leave `τ`'s layout to the history (one post per variant)
/// does not sum over the history again.
///
/// # Serde
///
/// Written as the posts' successes and trials only; reading fits the
/// history again (with [`AccountHistory::fit`]'s checks).
///
/// # Example
/// ```
/// use postab::repeated::{AccountHistory, Proportion, MIN_HISTORY_POSTS};
///
/// let posts: Vec<Proportion> = [
///     (21, 1_000), (35, 1_400), (12, 800), (40, 2_100), (18, 900), (27, 1_300),
///     (30, 1_100), (16, 1_000), (52, 2_000), (9, 700), (24, 1_200), (33, 1_500),
/// ]
/// .iter()
/// .map(|&(s, n)| Proportion::new(s, n))
/// .collect::<Result<_, _>>()?;
/// let h = AccountHistory::fit(&posts)?;
/// let tau = h.tau_interval(0.9)?;
/// assert!(tau.lower <= h.tau_median() && h.tau_median() <= tau.upper);
/// let kappa = h.concentration_interval(0.9)?;
/// assert!(kappa.contains(h.concentration_median()?));
/// // Fewer than MIN_HISTORY_POSTS posts cannot calibrate anything.
/// assert!(AccountHistory::fit(&posts[..MIN_HISTORY_POSTS - 1]).is_err());
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AccountHistoryRepr", into = "AccountHistoryRepr")]
pub struct AccountHistory {
    posts: Vec<Proportion>,
    group: Group,
    posterior: TauPosterior,
    pooled_rate: f64,
    tau_median: f64,
}

/// The stored form: the posts only.
#[derive(Serialize, Deserialize)]
struct AccountHistoryRepr {
    posts: Vec<Proportion>,
}

impl From<AccountHistory> for AccountHistoryRepr {
    fn from(h: AccountHistory) -> Self {
        Self { posts: h.posts }
    }
}

impl TryFrom<AccountHistoryRepr> for AccountHistory {
    type Error = Error;

    fn try_from(r: AccountHistoryRepr) -> Result<Self> {
        AccountHistory::fit(&r.posts)
    }
}

impl AccountHistory {
    /// Fits the history of `posts` (see the [type docs](AccountHistory) for
    /// the model). Posts with no trials are skipped.
    ///
    /// # Errors
    /// [`Error::HistoryTooShort`] with fewer than [`MIN_HISTORY_POSTS`]
    /// posts with trials (saying how many there are and how many are
    /// needed).
    pub fn fit(posts: &[Proportion]) -> Result<Self> {
        let posts: Vec<Proportion> = posts.iter().filter(|p| p.trials() > 0).copied().collect();
        if posts.len() < MIN_HISTORY_POSTS {
            return Err(Error::HistoryTooShort {
                posts: posts.len(),
                needed: MIN_HISTORY_POSTS,
            });
        }
        let obs: Vec<(f64, f64)> = posts.iter().map(|&p| post_log_rate(p)).collect();
        let mut group = Group::new(&obs);
        let (successes, trials) = posts.iter().fold((0.0, 0.0), |(s, n), p| {
            (s + p.successes() as f64, n + p.trials() as f64)
        });
        let model = Model {
            data: &[],
            spread: 1.0,
            history: Some(&group),
        };
        let (posterior, tau_median, log) = TauPosterior::with_log(&model);
        // Posteriors given this history lay `τ` out where it was laid out
        // here whenever the data leave the layout unchanged: they reuse
        // these log-likelihoods exactly.
        group.remember(&log);
        Ok(Self {
            posts,
            pooled_rate: successes / trials,
            tau_median,
            posterior,
            group,
        })
    }

    /// The history's log rates, for the hierarchical model.
    pub(super) fn group(&self) -> &Group {
        &self.group
    }

    /// The posts the history was fitted from (those with trials).
    pub fn posts(&self) -> &[Proportion] {
        &self.posts
    }

    /// `Σ successes / Σ trials` over the history's posts.
    pub fn pooled_rate(&self) -> f64 {
        self.pooled_rate
    }

    /// The posterior median of `τ` given the history alone.
    pub fn tau_median(&self) -> f64 {
        self.tau_median
    }

    /// The posterior `q` quantile of `τ` given the history alone.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for `q` outside (0, 1).
    pub fn tau_quantile(&self, q: f64) -> Result<f64> {
        check_open_unit("quantile", q)?;
        let model = Model {
            data: &[],
            spread: 1.0,
            history: Some(&self.group),
        };
        Ok(self.posterior.quantile(q, &model))
    }

    /// The equal-tailed credible interval of `τ` at `level`, given the
    /// history alone.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1).
    pub fn tau_interval(&self, level: f64) -> Result<Interval> {
        check_open_unit("level", level)?;
        let tail = 0.5 * (1.0 - level);
        let (lo, hi) = (self.tau_quantile(tail)?, self.tau_quantile(1.0 - tail)?);
        Ok(Interval::within(lo, hi, 0.0, f64::INFINITY))
    }

    /// The equivalent Beta–Binomial concentration (see the [type
    /// docs](AccountHistory)) of `τ`'s posterior median, at the pooled
    /// rate.
    ///
    /// # Errors
    /// [`Error::Undefined`] when the pooled rate is 0 or 1 (no Beta
    /// distribution has that mean).
    pub fn concentration_median(&self) -> Result<f64> {
        equivalent_concentration(self.checked_rate()?, self.tau_median)
    }

    /// The equal-tailed credible interval at `level` of the equivalent
    /// concentration: `τ`'s interval mapped through the (decreasing)
    /// equivalence, ends capped at [`MAX_CONCENTRATION`].
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for a level outside (0, 1);
    /// [`Error::Undefined`] when the pooled rate is 0 or 1.
    pub fn concentration_interval(&self, level: f64) -> Result<Interval> {
        let tau = self.tau_interval(level)?;
        let rate = self.checked_rate()?;
        Ok(Interval::new(
            equivalent_concentration(rate, tau.upper)?,
            equivalent_concentration(rate, tau.lower)?,
        ))
    }

    fn checked_rate(&self) -> Result<f64> {
        if self.pooled_rate > 0.0 && self.pooled_rate < 1.0 {
            Ok(self.pooled_rate)
        } else {
            Err(Error::Undefined {
                statistic: "equivalent concentration",
                reason: format!(
                    "the history's pooled rate is {}; a Beta distribution needs a mean in (0, 1)",
                    self.pooled_rate
                ),
            })
        }
    }
}

/// `1000 past posts; post-to-post SD of the log rate 0.31 (90 % interval
/// 0.28 to 0.35; a Beta–Binomial concentration of about 520)`: the fit in
/// words (the concentration is left out when the pooled rate is 0 or 1).
impl std::fmt::Display for AccountHistory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} past posts; post-to-post SD of the log rate {:.2}",
            self.posts.len(),
            self.tau_median()
        )?;
        if let Ok(tau) = self.tau_interval(0.9) {
            write!(f, " (90 % interval {:.2} to {:.2}", tau.lower, tau.upper)?;
            if let Ok(kappa) = self.concentration_median() {
                write!(f, "; a Beta–Binomial concentration of about {kappa:.0}")?;
            }
            write!(f, ")")?;
        }
        Ok(())
    }
}

/// The Beta–Binomial concentration `κ` whose posts' log rates spread by
/// `tau` at mean rate `rate`: the root of `ψ₁(rate·κ) − ψ₁(κ) = τ²`
/// (`Var(ln p)` for `p ~ Beta(rate·κ, (1 − rate)κ)`, decreasing in `κ`),
/// found by bisection in `ln κ` to a relative 1e-14. Capped at
/// [`MAX_CONCENTRATION`] (`τ` at or below that concentration's spread,
/// `τ = 0` included) and floored at 10⁻⁶.
///
/// # Errors
/// [`Error::InvalidParameter`] for a rate outside (0, 1) or a `tau` that
/// is negative or not finite.
///
/// # Example
/// ```
/// use postab::repeated::equivalent_concentration;
///
/// // At a 2 % rate, posts whose log rates spread by 0.3 are like κ ≈ 570.
/// let k = equivalent_concentration(0.02, 0.3)?;
/// assert!((k - 569.533_650_946).abs() < 1e-6);
/// // More spread, smaller concentration.
/// assert!(equivalent_concentration(0.02, 0.6)? < k);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn equivalent_concentration(rate: f64, tau: f64) -> Result<f64> {
    check_open_unit("rate", rate)?;
    if !(tau >= 0.0 && tau.is_finite()) {
        return Err(Error::InvalidParameter {
            name: "tau",
            value: tau,
            expected: "a finite number ≥ 0",
        });
    }
    let target = tau * tau;
    let spread = |ln_kappa: f64| {
        let kappa = ln_kappa.exp();
        trigamma(rate * kappa) - trigamma(kappa)
    };
    let (mut lo, mut hi) = (MIN_EQUIVALENT_CONCENTRATION.ln(), MAX_CONCENTRATION.ln());
    if spread(hi) >= target {
        return Ok(MAX_CONCENTRATION);
    }
    if spread(lo) <= target {
        return Ok(MIN_EQUIVALENT_CONCENTRATION);
    }
    while hi - lo > 1e-14 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if spread(mid) > target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    Ok((0.5 * (lo + hi)).exp())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equivalence_inverts_the_spread() {
        for rate in [0.001, 0.02, 0.3, 0.9] {
            for kappa in [0.01, 1.0, 5.0, 300.0, 1e6] {
                let tau = (trigamma(rate * kappa) - trigamma(kappa)).sqrt();
                let k = equivalent_concentration(rate, tau).expect("kappa");
                assert!((k / kappa - 1.0).abs() < 1e-10, "{rate} {kappa}: {k}");
            }
        }
        assert_eq!(
            equivalent_concentration(0.02, 0.0).ok(),
            Some(MAX_CONCENTRATION)
        );
        assert!(equivalent_concentration(0.0, 0.1).is_err());
        assert!(equivalent_concentration(0.5, f64::NAN).is_err());
    }
}
