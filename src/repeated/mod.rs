//! Repeated posts: a variant posted several times (the same text on
//! different days), analysed with the **post** as the unit of analysis.
//!
//! # Why
//!
//! Impressions of one post are not independent trials: a post that lands in
//! a busy feed, gets quoted by a large account or goes viral has a click rate
//! of its own. Pooling all impressions of a variant into one binomial count
//! ([`naive_binomial_test`]) treats 50,000 impressions from 10 posts as
//! 50,000 independent coin flips, so its standard error is far too small and
//! one viral post can masquerade as a significant difference. The
//! post-to-post variation is the noise that matters; the routines here
//! measure it.
//!
//! # Frequentist side: ratio of sums, cluster-robust variance
//!
//! For a variant with posts `i = 1..m`, `y_i` successes out of `n_i` trials,
//! the rate is the ratio of sums `r = Σy / Σn` (each impression weighted
//! equally, as the platform's own figure). Its variance is estimated by the
//! delta method with the post as the cluster (the "CR1" sandwich):
//!
//! ```text
//! Var(r) ≈ m / (m − 1) · Σ (y_i − r n_i)² / (Σn)²
//! ```
//!
//! which makes no assumption about how rates vary between posts.
//! [`post_level_test`] compares two variants with `z = (r_B − r_A) /
//! √(Var r_A + Var r_B)` and a normal reference distribution; with few posts
//! (under ~10 per variant) the normal reference is somewhat optimistic.
//!
//! # Bayesian side: Beta-Binomial overdispersion
//!
//! Each post `i` has its own rate `p_i ~ Beta(μκ, (1 − μ)κ)` around the
//! variant's mean rate `μ`; its successes are `y_i ~ Binomial(n_i, p_i)`.
//! The concentration `κ` measures how alike posts are: the intra-post
//! correlation is `ρ = 1 / (1 + κ)`, and `κ → ∞` is the plain binomial.
//! [`fit_beta_binomial`] finds `(μ, κ)` by maximum likelihood (the exact
//! Beta-Binomial likelihood, maximised over `ln κ` and `logit μ` by nested
//! golden-section searches; `κ` is capped at [`MAX_CONCENTRATION`], which
//! means "no detectable overdispersion").
//!
//! The posterior of `μ` is approximated by a Beta distribution with the
//! **effective sample size** of the data: the fitted mean `μ̂` and
//!
//! ```text
//! n_eff = (Σn)² / Σ n_i (1 + (n_i − 1) ρ)
//! ```
//!
//! trials (the variance of the ratio of sums under the model is
//! `μ(1 − μ) / n_eff`), giving `Beta(α₀ + μ̂ n_eff, β₀ + (1 − μ̂) n_eff)` for
//! a `Beta(α₀, β₀)` prior. With `ρ = 0` this is exactly the binomial
//! posterior. `κ` is plugged in at its estimate (empirical Bayes), so its own
//! uncertainty is not propagated; [`compare_overdispersed`] estimates one
//! `κ` shared by both variants (more stable with few posts) and then answers
//! `P(B > A)` and the expected loss exactly with [`crate::bayes`].
//!
//! # Unit of analysis
//!
//! Every result carries a [`UnitOfAnalysis`] so reports say whether
//! impressions or posts were treated as independent.
//!
//! # Example
//!
//! ```
//! use postab::freq::Proportion;
//! use postab::repeated::{naive_binomial_test, post_level_test, UnitOfAnalysis};
//!
//! let a: Vec<Proportion> = [(30, 1000), (25, 1100), (41, 900), (28, 1000)]
//!     .into_iter().map(|(s, n)| Proportion::new(s, n)).collect::<Result<_, _>>()?;
//! // B's total is carried by one viral post.
//! let b: Vec<Proportion> = [(22, 1000), (30, 1000), (260, 4000), (27, 950)]
//!     .into_iter().map(|(s, n)| Proportion::new(s, n)).collect::<Result<_, _>>()?;
//! let naive = naive_binomial_test(&a, &b)?;
//! let post = post_level_test(&a, &b)?;
//! assert_eq!(post.unit, UnitOfAnalysis::Post);
//! assert!(naive.p_value < 0.01); // "significant"...
//! assert!(post.p_value > 0.05); // ...but not once posts are the unit
//! # Ok::<(), postab::Error>(())
//! ```

mod beta_binomial;
mod ratio;

pub use beta_binomial::{
    BetaBinomialFit, MAX_CONCENTRATION, MAX_FIT_TRIALS, OverdispersedComparison,
    compare_overdispersed, fit_beta_binomial,
};
pub use ratio::{
    RateComparison, RatioEstimate, naive_binomial_test, post_level_test, ratio_estimate,
};

use std::fmt;

use serde::{Deserialize, Serialize};

pub use crate::freq::Proportion;
use crate::metric::MetricData;
use crate::{Counts, Error, Metric, Result};

/// What was treated as an independent observation (displayed as
/// `impression` or `post`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum UnitOfAnalysis {
    /// Every impression (trial) independent: the naive binomial model.
    Impression,
    /// Every post independent; impressions within a post may be correlated.
    Post,
}

impl fmt::Display for UnitOfAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnitOfAnalysis::Impression => "impression",
            UnitOfAnalysis::Post => "post",
        })
    }
}

/// Each post's [`Proportion`] for a rate `metric`, skipping posts with no
/// trials (a post never shown says nothing about its rate); `group` names
/// the variant or slot in errors.
///
/// # Errors
///
/// As [`proportion_of`].
pub fn post_proportions<'c>(
    metric: &Metric,
    group: &str,
    posts: impl IntoIterator<Item = &'c Counts>,
) -> Result<Vec<Proportion>> {
    let mut out = Vec::new();
    for counts in posts {
        if counts.get(metric.denominator()) > 0 {
            out.push(proportion_of(metric, group, counts)?);
        }
    }
    Ok(out)
}

/// One post's `(successes, trials)` for a binomial rate `metric`, as a
/// [`Proportion`]; `post` names the post in errors.
///
/// # Errors
///
/// As [`Metric::extract`]; [`Error::InvalidMetric`] if `metric` is a count
/// per exposure rather than a rate; [`Error::InvalidParameter`] if the post
/// has no trials.
///
/// # Example
///
/// ```
/// use postab::repeated::proportion_of;
/// use postab::{counts, Metric};
///
/// let p = proportion_of(&Metric::click_through(), "post 1", &counts! { impressions: 500, clicks: 7 })?;
/// assert_eq!((p.successes(), p.trials()), (7, 500));
/// # Ok::<(), postab::Error>(())
/// ```
pub fn proportion_of(metric: &Metric, post: &str, counts: &Counts) -> Result<Proportion> {
    match metric.extract(post, counts)? {
        MetricData::Binomial { successes, trials } => Proportion::new(successes, trials),
        _ => Err(Error::InvalidMetric {
            name: metric.name().to_string(),
            reason:
                "post-level analysis needs a rate (successes per trial), not a count per exposure"
                    .to_string(),
        }),
    }
}

/// Checks the pooled totals of a group of posts read back from JSON: at
/// least two posts, successes ≤ trials. The group's name is not stored in
/// these results, so the errors name none.
pub(crate) fn check_post_totals(posts: usize, successes: u64, trials: u64) -> Result<()> {
    if posts < 2 {
        return Err(Error::TooFewPosts {
            group: String::new(),
            got: posts,
            need: 2,
        });
    }
    if successes > trials {
        return Err(Error::SuccessesExceedTrials {
            variant: String::new(),
            successes,
            trials,
        });
    }
    Ok(())
}
