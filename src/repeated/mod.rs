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
//! # Independent posts: the typical post, by a t-test on log rates
//!
//! With several posts per variant and nothing pairing them,
//! [`post_ratio_test`] takes each post as one observation: its log rate
//! `ln((y_i + ½)/(n_i + ½))`, compared between variants by Student's t-test
//! with one spread shared by both variants ([`PostVariance::Pooled`]: both
//! texts reach the same audience, so posts vary by the account's
//! post-to-post variation), `m_A + m_B − 2` degrees of freedom.
//! The estimand is the ratio of the variants' typical (geometric-mean) post
//! rates; a viral post counts as one post, not as its impressions. In seeded
//! A/A simulations (`tests/post_level_simulation.rs`: 2,000 replications
//! each, post-to-post concentration κ = 30–300, impressions per post spread
//! a factor of 3, 2, 5 and 20 posts per variant) it rejected at 0.05 in
//! 4.2–5.6 % of replications and its 95 % intervals covered the true
//! difference in 94.4–95.8 %, where the impression-level z-test rejected in
//! 55–89 %. Welch's test ([`PostVariance::Welch`],
//! [`post_ratio_test_with`]) held the level with 5 and 20 posts per variant
//! (3.5–5.6 %) but was conservative with 2 (2.1–2.8 %, coverage 97.2–98 %):
//! its degrees of freedom fall towards 1 when the two spreads differ by
//! chance.
//!
//! # Ratio of sums, cluster-robust variance
//!
//! For a variant with posts `i = 1..m`, `y_i` successes out of `n_i` trials,
//! the rate is the ratio of sums `r = Σy / Σn` (each impression weighted
//! equally, as the platform's own figure). Its variance is estimated by the
//! delta method with the post as the cluster, bias-reduced ("CR2": each
//! residual scaled by its leverage `n_i/Σn`):
//!
//! ```text
//! Var(r) ≈ Σ (y_i − r n_i)² / (1 − n_i/Σn) / (Σn)²
//! ```
//!
//! which makes no assumption about how rates vary between posts.
//! [`post_level_test`] compares two variants with `t = (r_B − r_A) /
//! √(Var r_A + Var r_B)` against Student's t with Satterthwaite degrees of
//! freedom computed under a Beta-Binomial working model (the intra-post
//! correlation estimated by analysis of variance; Bell and McCaffrey's
//! construction). A few large posts dominate both the difference and its
//! variance, so the degrees of freedom are small and the test is
//! conservative: 0.9–5.4 % rejections at 0.05 in the simulations above
//! (the same variance against the normal rejected 8–16 %).
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
//! # Bayesian side: the hierarchical log-rate model
//!
//! One engine serves independent posts, paired blocks and account
//! histories ([`HierarchicalPosterior`] has the details). Each post is
//! summarised by its ½-corrected log rate `y = ln((s + ½)/(n + ½))` with
//! within (binomial, delta-method) variance `v = 1/(s + ½) − 1/(n + ½)`,
//! and **`τ` is the between-post standard deviation of a post's log
//! rate** — how much an account's posts differ beyond binomial noise — with
//! a half-Cauchy prior of scale [`TAU_PRIOR_SCALE`] (0.5).
//!
//! * **Independent posts** ([`post_bayes`]): `y_gi ~ N(θ_g, v_gi + τ²)` for
//!   the posts of variant `g`, flat priors on `θ_A, θ_B`, and
//!   `δ = θ_B − θ_A`, the log ratio of the variants' typical
//!   (geometric-mean) post rates (the estimand of [`post_ratio_test`]).
//!   One post per variant is allowed: the data then say nothing about `τ`,
//!   whose posterior is its prior (or the history's, below); without a
//!   history `δ` has Cauchy-like tails, its mean and expected losses do
//!   not exist, and the losses are reported as `+∞`.
//! * **Paired blocks** ([`paired_bayes`]): `d_i ~ N(δ, v_i + 2τ²)` — the
//!   difference of a block's two log rates varies by `2τ²` when the posts'
//!   deviations are independent, and what the two posts share cancels.
//!
//! Given `τ`, `δ` is normal in closed form (precision-weighted means); `τ`
//! is integrated in `asinh(τ/a)` by nested trapezoid grids (Gauss–Legendre
//! panels for tails reaching `τ = ∞`), so `P(δ > 0)`, the mean, the expected losses, the credible
//! interval and `τ`'s median carry `τ`'s uncertainty (not a plug-in) and
//! involve no simulation. Against mpmath (30-digit one-dimensional integrals
//! over `τ`, the closed form checked by two-dimensional integrals) on 13
//! cases — one post per variant with and without a history, several posts,
//! paired blocks, 0–3 clicks, near-binomial and κ ≈ 5 histories — every
//! quantity agreed to 1e-8 (the tested tolerance; worst measured 1.3e-15,
//! `tests/calibration_reference.rs`), and paired blocks agree with scipy's
//! two-dimensional `dblquad` to 1e-8 (worst 1.3e-15,
//! `tests/paired_reference.rs`).
//!
//! # Calibration from an account's history
//!
//! A variant posted once or twice cannot show how much posts vary, and
//! that spread is what decides whether a difference between two posts
//! means anything. [`AccountHistory::fit`] takes the account's past posts
//! (at least [`MIN_HISTORY_POSTS`] with trials): `y_j ~ N(m, v_j + τ²)`,
//! flat `m`, the same half-Cauchy `τ`. It reports `τ`'s posterior median
//! and equal-tailed interval, the pooled rate, and the **equivalent
//! Beta–Binomial concentration** [`equivalent_concentration`] — the `κ`
//! with `Var(ln p) = ψ₁(μκ) − ψ₁(κ) = τ²` at the pooled rate `μ` (an
//! equivalence of spreads, capped at [`MAX_CONCENTRATION`], not a
//! Beta–Binomial fit). Given the history, [`post_bayes`] and
//! [`paired_bayes`] multiply its likelihood in `τ` (its own mean integrated
//! out) into `τ`'s prior: `p(τ | history, data) ∝ halfCauchy(τ) ·
//! L_history(τ) · L_data(τ)`, exactly. In the reference cases one post per
//! variant (30/1,000 against 45/1,050) has a 95 % interval for the log rate
//! ratio of [−6.8, 7.5] with no history and [−0.82, 1.52] with a 40-post
//! history (τ ≈ 0.38). The history's `τ` quantiles and equivalent
//! concentrations agree with mpmath to 1e-8 (worst measured 7.3e-14);
//! fitting 1,000 posts takes about 0.2 ms and a calibrated comparison of one
//! post each with that history about 20 µs (criterion medians on a shared
//! machine,
//! `benches/repeated.rs`).
//!
//! # Paired posts: the block as the unit
//!
//! When each piece of content (a blog post, a product) is published once per
//! variant, the two posts share their topic, link and week: [`paired_test`]
//! compares them inside each [`Block`] (per-block log rate ratio, paired
//! t-test, order of publication adjusted for or flagged as confounded,
//! random-effects meta-analysis beside it).
//!
//! ## Model
//!
//! Block `i` has A's `y_Ai` successes in `n_Ai` trials and B's `y_Bi` in
//! `n_Bi`. Its log rate ratio, with half a success and half a trial added
//! to each arm (so a block with 0 clicks still has one),
//!
//! `d_i = ln((y_Bi + ½)/(n_Bi + ½)) − ln((y_Ai + ½)/(n_Ai + ½))`,
//!
//! has within-block (binomial) variance
//! `v_i = 1/(y_Bi + ½) − 1/(n_Bi + ½) + 1/(y_Ai + ½) − 1/(n_Ai + ½)`. Posts
//! differ from each other by more than that (a post lands in a busy feed,
//! gets quoted...), and blocks differ from each other too; comparing A and
//! B *inside* a block removes what the two posts share (the topic, the
//! link, the week), and the spread of the `d_i` measures everything else.
//!
//! * **Primary: paired t-test on the `d_i`.** `δ̂ = mean(d_i)` with standard
//!   error `sd(d_i)/√k` and `k − 1` degrees of freedom (Student). It makes
//!   no assumption about how posts vary, only that blocks are independent.
//!   In seeded A/A simulations of 12 blocks (`tests/paired_simulation.rs`:
//!   2,000 replications each, post-to-post concentration κ = 30–300, block
//!   effects, impressions per post spread a factor of 3) it rejected at
//!   0.05 in 4.5–5.1 % of replications and its 95 % intervals covered the
//!   true difference in 94.9–95.5 %, where the Cochran–Mantel–Haenszel
//!   test rejected in 57–84 % and the impression-level z-test in 75–89 %.
//! * **Order.** When each block records which variant went out first
//!   ([`Order`]) and both orders occur, the first-position effect is
//!   estimated and removed: `d_i = δ + γ s_i + e_i` with `s_i = +1` when B
//!   went first and `−1` when A did, by least squares
//!   (`δ̂ = (d̄₊ + d̄₋)/2`, `k − 2` degrees of freedom). When every block
//!   went out in the same order, order and variant are confounded: δ̂ then
//!   includes any advantage of going first, and [`OrderEffect::Confounded`]
//!   says so.
//! * **Beside it: random-effects meta-analysis** of the `d_i` with their
//!   `v_i` ([`RandomEffects`]): DerSimonian–Laird between-block variance
//!   of the log rate ratio `σ_d²` (`2τ²` in terms of the between-post SD
//!   `τ` when the two posts of a block deviate independently),
//!   inverse-variance weights `1/(v_i + σ_d²)`, and the
//!   Hartung–Knapp–Sidik–Jonkman variance with `k − 1` degrees of freedom.
//!   It weights large blocks more (more efficient when the binomial part
//!   dominates) and reports `σ_d²`, the block-to-block spread of the lift.
//! * **Bayesian: the hierarchical model** `d_i ~ N(δ, v_i + 2τ²)` with a
//!   flat prior on `δ` and a half-Cauchy prior on `τ`, optionally
//!   calibrated by an account's history ([`paired_bayes`],
//!   [`HierarchicalPosterior`]; see "Bayesian side: the hierarchical
//!   log-rate model" above): `P(δ > 0)`, expected losses and a credible
//!   interval, with `τ`'s uncertainty integrated (not plugged in), by
//!   quadrature rather than simulation.
//!
//! [`PostPlan`] plans either design: the blocks (pairs), or posts per
//! variant, needed for a lift at the account's post-to-post concentration
//! κ (delta-method variance of each post's log rate, shifted-t power). Against simulation (5 % rate,
//! κ = 300, 2,000 impressions a post, 20 % lift) it planned 0.33 and 0.65
//! power at 12 and 24 blocks where 0.343 and 0.650 were measured; with
//! strongly skewed rates (μκ ≈ 2) it is conservative.
//!
//! The estimand is the mean log rate ratio over blocks: `exp(δ)` is the
//! typical ratio of B's rate to A's in the same block. Estimates, standard
//! errors, t and τ² agree with scipy's `ttest_1samp`, statsmodels' OLS and
//! `combine_effects` to 1e-12 relative (p-values and interval ends to
//! 1e-10) on 12 block sets of 2–40 blocks (`tests/paired_reference.rs`).
//!
//! # Counts per post
//!
//! Without impressions (likes, reposts and replies on Bluesky or
//! Mastodon), a post's count over an exposure the caller chooses (1 per
//! post, or followers in thousands) is the observation:
//! [`fit_negative_binomial`] fits the post-to-post spread (Gamma–Poisson),
//! [`post_count_test`] compares variants with the post as the unit.
//!
//! # Unit of analysis
//!
//! Every result carries a [`UnitOfAnalysis`] so reports say whether
//! impressions, posts or blocks were treated as independent.
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
mod calibrate;
mod hierarchy;
mod log_rate;
mod paired;
mod per_post;
mod plan;
mod ratio;

pub use beta_binomial::{
    BetaBinomialFit, MAX_CONCENTRATION, MAX_FIT_TRIALS, OverdispersedComparison,
    compare_overdispersed, fit_beta_binomial,
};
pub use calibrate::{AccountHistory, MIN_HISTORY_POSTS, equivalent_concentration};
pub use hierarchy::{HierarchicalPosterior, TAU_PRIOR_SCALE, post_bayes, post_prob_above};
pub use log_rate::{
    LogRatioTest, PostRatioComparison, PostVariance, post_ratio_test, post_ratio_test_with,
};
pub use paired::{
    Block, Observation, Order, OrderEffect, PairedComparison, RandomEffects, paired_bayes,
    paired_prob_above, paired_test,
};
pub use per_post::{
    NegativeBinomialFit, PostCount, fit_negative_binomial, post_count_bayes, post_count_test,
};
pub use plan::{MAX_PLANNED_POSTS, PostPlan};
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
    /// Every block of paired posts independent (the same content published
    /// once per variant); posts within a block may share anything.
    Block,
}

impl fmt::Display for UnitOfAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            UnitOfAnalysis::Impression => "impression",
            UnitOfAnalysis::Post => "post",
            UnitOfAnalysis::Block => "block",
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
