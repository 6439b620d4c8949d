//! The Beta-Binomial overdispersion model: maximum-likelihood fit of
//! `(μ, κ)` and an effective-sample-size Beta posterior for `μ`.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Proportion, UnitOfAnalysis};
use crate::bayes::{BetaPosterior, BetaPrior, ExpectedLoss, expected_loss, prob_beats};
use crate::numeric::{golden_max, ln_beta};
use crate::report::format::{number, probability};
use crate::validate::read;
use crate::{Error, Result};

/// The largest concentration `κ` the fit reports: at this value posts are
/// indistinguishable from binomial draws with one common rate.
pub const MAX_CONCENTRATION: f64 = 1e9;
/// The smallest concentration searched.
const MIN_CONCENTRATION: f64 = 1e-3;
/// Golden-section steps for `ln κ` (bracket width ~28: final width ~1e-9).
const OUTER_STEPS: usize = 50;
/// Golden-section steps for `logit μ` (bracket width 70: final width ~2e-11).
const INNER_STEPS: usize = 60;
const LOGIT_BOUND: f64 = 35.0;

/// A Beta-Binomial fit of one variant's posts (see the [module docs](super)).
///
/// Reading from serde checks at least 2 posts, successes not above trials,
/// the mean and correlation in [0, 1], a concentration in (0,
/// [`MAX_CONCENTRATION`]] and finite likelihood and effective trials.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BetaBinomialFitRepr")]
#[non_exhaustive]
pub struct BetaBinomialFit {
    /// Posts with at least one trial.
    pub posts: usize,
    /// Total successes.
    pub successes: u64,
    /// Total trials.
    pub trials: u64,
    /// Fitted mean rate `μ̂`.
    pub mean: f64,
    /// Fitted concentration `κ̂` (at most [`MAX_CONCENTRATION`]).
    pub concentration: f64,
    /// `ρ = 1 / (1 + κ̂)`: the correlation of two impressions of one post.
    pub intra_post_correlation: f64,
    /// The maximised log-likelihood (without the binomial coefficients).
    pub log_likelihood: f64,
    /// `n_eff = (Σn)² / Σ n_i (1 + (n_i − 1) ρ)`: the binomial sample size
    /// with the same information about `μ`.
    pub effective_trials: f64,
}

#[derive(Deserialize)]
struct BetaBinomialFitRepr {
    posts: usize,
    successes: u64,
    trials: u64,
    mean: f64,
    concentration: f64,
    intra_post_correlation: f64,
    log_likelihood: f64,
    effective_trials: f64,
}

impl TryFrom<BetaBinomialFitRepr> for BetaBinomialFit {
    type Error = Error;

    fn try_from(r: BetaBinomialFitRepr) -> Result<Self> {
        let fit = BetaBinomialFit {
            posts: r.posts,
            successes: r.successes,
            trials: r.trials,
            mean: r.mean,
            concentration: r.concentration,
            intra_post_correlation: r.intra_post_correlation,
            log_likelihood: r.log_likelihood,
            effective_trials: r.effective_trials,
        };
        fit.check()?;
        Ok(fit)
    }
}

impl BetaBinomialFit {
    fn check(&self) -> Result<()> {
        super::check_post_totals(self.posts, self.successes, self.trials)?;
        if self.trials > MAX_FIT_TRIALS {
            return Err(Error::TooLarge {
                what: "Beta-Binomial fit",
                reason: format!("{} trials; at most 2^53 are supported", self.trials),
            });
        }
        read::prob("mean", self.mean)?;
        read::prob("intra-post correlation", self.intra_post_correlation)?;
        if !(self.concentration > 0.0 && self.concentration <= MAX_CONCENTRATION) {
            return Err(Error::InvalidParameter {
                name: "concentration",
                value: self.concentration,
                expected: "in (0, 1e9]",
            });
        }
        read::finite("log-likelihood", self.log_likelihood)?;
        read::non_negative("effective trials", self.effective_trials)
    }

    /// The approximate posterior of the mean rate:
    /// `Beta(α₀ + μ̂ n_eff, β₀ + (1 − μ̂) n_eff)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] only for non-finite fitted values (which
    /// valid input never produces).
    pub fn posterior(&self, prior: &BetaPrior) -> Result<BetaPosterior> {
        BetaPosterior::new(
            prior.alpha() + self.mean * self.effective_trials,
            prior.beta() + (1.0 - self.mean) * self.effective_trials,
        )
    }
}

/// `Beta-Binomial fit of 4 posts (320/8000): mean 0.03995, concentration
/// κ = 46.47 (intra-post correlation 0.02106), 185.6 effective trials` (4
/// significant digits, or the formatter's precision).
impl fmt::Display for BetaBinomialFit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "Beta-Binomial fit of {} posts ({}/{}): mean {}, concentration κ = {} (intra-post correlation {}), {} effective trials",
            self.posts,
            self.successes,
            self.trials,
            number(self.mean, p),
            number(self.concentration, p),
            number(self.intra_post_correlation, p),
            number(self.effective_trials, p)
        )
    }
}

/// Fits the Beta-Binomial model to one variant's posts by maximum likelihood.
///
/// When every post has zero successes (or every post all successes) the
/// mean is that boundary and the concentration is reported as
/// [`MAX_CONCENTRATION`] (the data show no overdispersion).
///
/// # Errors
///
/// [`Error::TooFewPosts`] (group `"A"`) if fewer than 2 posts have trials;
/// [`Error::TooLarge`] above [`MAX_FIT_TRIALS`] (2⁵³) trials in total.
///
/// # Supported range
///
/// Up to 2⁵³ trials in total; the cost is proportional to the number of
/// posts (about 3,000 likelihood evaluations over them).
///
/// # Example
///
/// ```
/// use postab::repeated::{fit_beta_binomial, Proportion};
///
/// // Rates of 1%, 2%, 5% and 8% on 2,000 impressions each: overdispersed.
/// let posts = [(20, 2000), (40, 2000), (100, 2000), (160, 2000)]
///     .map(|(s, n)| Proportion::new(s, n));
/// let posts: Vec<Proportion> = posts.into_iter().collect::<Result<_, _>>()?;
/// let fit = fit_beta_binomial(&posts)?;
/// assert!((fit.mean - 0.04).abs() < 0.01);
/// assert!(fit.intra_post_correlation > 0.005);
/// assert!(fit.effective_trials < 1000.0); // 8,000 impressions are worth < 1,000 independent ones
/// # Ok::<(), postab::Error>(())
/// ```
pub fn fit_beta_binomial(posts: &[Proportion]) -> Result<BetaBinomialFit> {
    let used = used_posts(posts, "A")?;
    let (kappa, means) = fit_shared(&[&used]);
    let mean = means.first().copied().unwrap_or(0.0);
    Ok(summarise(&used, mean, kappa))
}

/// A Bayesian comparison of two variants under the Beta-Binomial model.
///
/// Reading from serde checks both fits (as [`BetaBinomialFit`]), a shared
/// concentration equal to theirs, `P(B > A)` in [0, 1] and finite
/// non-negative expected losses.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "OverdispersedComparisonRepr")]
#[non_exhaustive]
pub struct OverdispersedComparison {
    /// Always [`UnitOfAnalysis::Post`].
    pub unit: UnitOfAnalysis,
    /// The concentration shared by both variants (fitted jointly).
    pub concentration: f64,
    /// A's fit under the shared concentration.
    pub fit_a: BetaBinomialFit,
    /// B's fit under the shared concentration.
    pub fit_b: BetaBinomialFit,
    /// Approximate posterior of A's mean rate.
    pub posterior_a: BetaPosterior,
    /// Approximate posterior of B's mean rate.
    pub posterior_b: BetaPosterior,
    /// `P(μ_B > μ_A)`.
    pub prob_b_beats_a: f64,
    /// Expected loss of choosing A or B (rate units).
    pub expected_loss: ExpectedLoss,
}

#[derive(Deserialize)]
struct OverdispersedComparisonRepr {
    unit: UnitOfAnalysis,
    concentration: f64,
    fit_a: BetaBinomialFit,
    fit_b: BetaBinomialFit,
    posterior_a: BetaPosterior,
    posterior_b: BetaPosterior,
    prob_b_beats_a: f64,
    expected_loss: ExpectedLoss,
}

impl TryFrom<OverdispersedComparisonRepr> for OverdispersedComparison {
    type Error = Error;

    fn try_from(r: OverdispersedComparisonRepr) -> Result<Self> {
        if r.unit != UnitOfAnalysis::Post {
            return Err(read::inconsistent(
                "overdispersed comparison",
                format!("unit {:?}, but the comparison is always post-level", r.unit),
            ));
        }
        if r.fit_a.concentration != r.concentration || r.fit_b.concentration != r.concentration {
            return Err(read::inconsistent(
                "overdispersed comparison",
                format!(
                    "fits' concentrations {} and {} differ from the shared {}",
                    r.fit_a.concentration, r.fit_b.concentration, r.concentration
                ),
            ));
        }
        read::prob("P(B > A)", r.prob_b_beats_a)?;
        read::non_negative("expected loss of A", r.expected_loss.choose_a)?;
        read::non_negative("expected loss of B", r.expected_loss.choose_b)?;
        Ok(OverdispersedComparison {
            unit: r.unit,
            concentration: r.concentration,
            fit_a: r.fit_a,
            fit_b: r.fit_b,
            posterior_a: r.posterior_a,
            posterior_b: r.posterior_b,
            prob_b_beats_a: r.prob_b_beats_a,
            expected_loss: r.expected_loss,
        })
    }
}

/// `post-level Beta-Binomial: P(B > A) = 0.6606, expected loss 0.006617
/// choosing A, 0.002258 choosing B; posteriors Beta(26.23, 750.2) vs
/// Beta(21.66, 546.3), shared concentration κ = 240.0` (4 significant digits, or the formatter's
/// precision for the losses and κ).
impl fmt::Display for OverdispersedComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}-level Beta-Binomial: P(B > A) = {}, ",
            self.unit,
            probability(self.prob_b_beats_a)
        )?;
        fmt::Display::fmt(&self.expected_loss, f)?;
        let p = f.precision();
        let beta =
            |b: &BetaPosterior| format!("Beta({}, {})", number(b.alpha(), p), number(b.beta(), p));
        write!(
            f,
            "; posteriors {} vs {}, shared concentration κ = {}",
            beta(&self.posterior_a),
            beta(&self.posterior_b),
            number(self.concentration, p)
        )
    }
}

/// Compares two variants' mean rates with posts as the unit: one
/// concentration `κ` is fitted jointly (each variant keeps its own mean),
/// each mean gets the effective-sample-size Beta posterior, and `P(B > A)`
/// and the expected loss are computed exactly by [`crate::bayes`].
///
/// # Errors
///
/// [`Error::TooFewPosts`] naming group `"A"` or `"B"` if either has fewer
/// than 2 posts with trials; [`Error::TooLarge`] if either has more than
/// [`MAX_FIT_TRIALS`] (2⁵³) trials in total.
///
/// # Example
///
/// ```
/// use postab::bayes::BetaPrior;
/// use postab::repeated::{compare_overdispersed, Proportion};
///
/// let p = |s, n| Proportion::new(s, n);
/// let a = [p(30, 1000)?, p(25, 1100)?, p(41, 900)?, p(28, 1000)?];
/// let b = [p(22, 1000)?, p(30, 1000)?, p(260, 4000)?, p(27, 950)?]; // one viral post
/// let cmp = compare_overdispersed(&a, &b, &BetaPrior::uniform())?;
/// assert!(cmp.prob_b_beats_a < 0.99); // the binomial model would say > 0.9999
/// # Ok::<(), postab::Error>(())
/// ```
pub fn compare_overdispersed(
    a: &[Proportion],
    b: &[Proportion],
    prior: &BetaPrior,
) -> Result<OverdispersedComparison> {
    let ua = used_posts(a, "A")?;
    let ub = used_posts(b, "B")?;
    let (kappa, means) = fit_shared(&[&ua, &ub]);
    let fit_a = summarise(&ua, means.first().copied().unwrap_or(0.0), kappa);
    let fit_b = summarise(&ub, means.get(1).copied().unwrap_or(0.0), kappa);
    let posterior_a = fit_a.posterior(prior)?;
    let posterior_b = fit_b.posterior(prior)?;
    Ok(OverdispersedComparison {
        unit: UnitOfAnalysis::Post,
        concentration: kappa,
        fit_a,
        fit_b,
        posterior_a,
        posterior_b,
        prob_b_beats_a: prob_beats(&posterior_a, &posterior_b).b_beats_a,
        expected_loss: expected_loss(&posterior_a, &posterior_b),
    })
}

/// The most trials a group may have in total for the Beta-Binomial fit:
/// 2⁵³, up to which every count is exact in `f64` and the log-likelihood is
/// resolved finely enough to locate its maximum.
pub const MAX_FIT_TRIALS: u64 = 1 << 53;

fn used_posts(posts: &[Proportion], group: &str) -> Result<Vec<Proportion>> {
    let used: Vec<Proportion> = posts.iter().copied().filter(|p| p.trials() > 0).collect();
    if used.len() < 2 {
        return Err(Error::TooFewPosts {
            group: group.to_string(),
            got: used.len(),
            need: 2,
        });
    }
    let trials: u128 = used.iter().map(|p| u128::from(p.trials())).sum();
    if trials > u128::from(MAX_FIT_TRIALS) {
        return Err(Error::TooLarge {
            what: "Beta-Binomial fit",
            reason: format!(
                "group {group:?} has {trials} trials in total; the fit supports up to 2^53 = {MAX_FIT_TRIALS} per group (use post_level_test beyond)"
            ),
        });
    }
    Ok(used)
}

fn totals(posts: &[Proportion]) -> (f64, f64) {
    posts.iter().fold((0.0, 0.0), |(s, n), p| {
        (s + p.successes() as f64, n + p.trials() as f64)
    })
}

fn summarise(posts: &[Proportion], mean: f64, kappa: f64) -> BetaBinomialFit {
    let (_, n) = totals(posts);
    let rho = 1.0 / (1.0 + kappa);
    let denom: f64 = posts
        .iter()
        .map(|p| {
            let ni = p.trials() as f64;
            ni * (1.0 + (ni - 1.0) * rho)
        })
        .sum();
    // Exact totals (the f64 sums above are for the model only).
    let (s_exact, n_exact) = posts.iter().fold((0u128, 0u128), |(s, n), p| {
        (s + u128::from(p.successes()), n + u128::from(p.trials()))
    });
    BetaBinomialFit {
        posts: posts.len(),
        successes: u64::try_from(s_exact).unwrap_or(u64::MAX),
        trials: u64::try_from(n_exact).unwrap_or(u64::MAX),
        mean,
        concentration: kappa,
        intra_post_correlation: rho,
        log_likelihood: log_likelihood(posts, mean, kappa),
        effective_trials: if denom > 0.0 { n * n / denom } else { 0.0 },
    }
}

/// `Σ ln B(y + μκ, n − y + (1 − μ)κ) − ln B(μκ, (1 − μ)κ)`.
fn log_likelihood(posts: &[Proportion], mean: f64, kappa: f64) -> f64 {
    if mean <= 0.0 || mean >= 1.0 {
        // Boundary mean: the likelihood of all-zero (or all-success) data is 1.
        return 0.0;
    }
    let (a, b) = (mean * kappa, (1.0 - mean) * kappa);
    let base = ln_beta(a, b);
    posts
        .iter()
        .map(|p| {
            let (y, n) = (p.successes() as f64, p.trials() as f64);
            ln_beta(y + a, n - y + b) - base
        })
        .sum()
}

/// Fits one concentration shared by all groups and each group's mean.
/// Returns `(κ, means)`.
fn fit_shared(groups: &[&[Proportion]]) -> (f64, Vec<f64>) {
    // Groups whose data sit on a boundary carry no information about κ.
    let boundary: Vec<Option<f64>> = groups
        .iter()
        .map(|g| {
            let (s, n) = totals(g);
            (s == 0.0 || s == n).then(|| if n > 0.0 { s / n } else { 0.0 })
        })
        .collect();
    let profile = |ln_kappa: f64| -> (f64, Vec<f64>) {
        let kappa = ln_kappa.exp();
        let mut total = 0.0;
        let mut means = Vec::with_capacity(groups.len());
        for (g, fixed) in groups.iter().zip(&boundary) {
            if let Some(m) = fixed {
                means.push(*m);
                continue;
            }
            let (x, ll) = golden_max(-LOGIT_BOUND, LOGIT_BOUND, INNER_STEPS, |x| {
                log_likelihood(g, logistic(x), kappa)
            });
            total += ll;
            means.push(logistic(x));
        }
        (total, means)
    };
    if boundary.iter().all(Option::is_some) {
        return (
            MAX_CONCENTRATION,
            boundary.iter().map(|m| m.unwrap_or(0.0)).collect(),
        );
    }
    let (ln_kappa, _) = golden_max(
        MIN_CONCENTRATION.ln(),
        MAX_CONCENTRATION.ln(),
        OUTER_STEPS,
        |lk| profile(lk).0,
    );
    let (_, means) = profile(ln_kappa);
    (ln_kappa.exp().min(MAX_CONCENTRATION), means)
}

fn logistic(x: f64) -> f64 {
    1.0 / (1.0 + (-x).exp())
}
