//! A Beta prior fitted to an account's history of posts.

use super::beta::BetaPrior;
use crate::error::{Error, Result};
use crate::numeric::{ln_gamma, nelder_mead};

/// Fits a Beta(α, β) prior to past posts' `(successes, trials)` by maximum
/// likelihood under the Beta–Binomial model.
///
/// **Assumptions**: each past post `i` had its own rate `p_i`, drawn
/// independently from one Beta(α, β) (the account's "typical" rate and its
/// post-to-post spread), and `s_i ~ Binomial(n_i, p_i)`. The marginal
/// likelihood `Π_i B(α + s_i, β + n_i − s_i) / B(α, β)` is maximised over
/// the mean `μ = α/(α + β)` and the concentration `κ = α + β` (Nelder–Mead
/// on `(logit μ, ln κ)`, started from the method of moments). The fitted
/// prior carries the information of about `κ` impressions, so it is right
/// for new posts that resemble the old ones; it is wrong if the account's
/// audience changed.
///
/// When the posts vary no more than binomial noise predicts, the likelihood
/// keeps growing with `κ`; the fit then caps `κ` at the total number of
/// trials in the history (the prior never weighs more than all the data it
/// came from).
///
/// # Errors
/// [`Error::InvalidParameter`] for fewer than 2 posts with trials, or a
/// history without any success or without any failure (the mean is then at
/// the edge of [0, 1]); [`Error::SuccessesExceedTrials`] for a post with more
/// successes than trials.
///
/// # Example
/// ```
/// use postab::bayes::fit_beta_prior;
/// // clicks / impressions of an account's last posts
/// let history = [(30, 1_000), (12, 800), (51, 1_500), (8, 900), (40, 1_100), (22, 1_000)];
/// let prior = fit_beta_prior(&history)?;
/// let mean = prior.alpha() / (prior.alpha() + prior.beta());
/// assert!(mean > 0.015 && mean < 0.035);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn fit_beta_prior(history: &[(u64, u64)]) -> Result<BetaPrior> {
    let posts: Vec<(f64, f64)> = history
        .iter()
        .filter(|(_, n)| *n > 0)
        .map(|&(s, n)| {
            if s > n {
                Err(Error::SuccessesExceedTrials {
                    variant: String::new(),
                    successes: s,
                    trials: n,
                })
            } else {
                Ok((s as f64, n as f64))
            }
        })
        .collect::<Result<_>>()?;
    if posts.len() < 2 {
        return Err(Error::InvalidParameter {
            name: "history length",
            value: posts.len() as f64,
            expected: "at least 2 past posts with trials",
        });
    }
    let (s_total, n_total): (f64, f64) = posts
        .iter()
        .fold((0.0, 0.0), |acc, p| (acc.0 + p.0, acc.1 + p.1));
    if s_total == 0.0 || s_total == n_total {
        return Err(Error::InvalidParameter {
            name: "history successes",
            value: s_total,
            expected: "at least one success and one failure over the history",
        });
    }
    // Method of moments start.
    let rates: Vec<f64> = posts.iter().map(|(s, n)| s / n).collect();
    let mean = s_total / n_total;
    let var = rates.iter().map(|r| (r - mean).powi(2)).sum::<f64>() / (rates.len() - 1) as f64;
    let kappa_max = n_total;
    let kappa0 = if var > 0.0 {
        (mean * (1.0 - mean) / var - 1.0).clamp(1.0, kappa_max)
    } else {
        kappa_max
    };
    let neg_ll = |x: &[f64]| -> f64 {
        let mu = 1.0 / (1.0 + (-x[0]).exp());
        let kappa = x[1].exp().min(kappa_max);
        let (a, b) = (mu * kappa, (1.0 - mu) * kappa);
        if !(a > 0.0 && b > 0.0) {
            return f64::INFINITY;
        }
        let (lga, lgb, lgk) = (ln_gamma(a), ln_gamma(b), ln_gamma(kappa));
        -posts
            .iter()
            .map(|&(s, n)| {
                ln_gamma(a + s) - lga + ln_gamma(b + n - s) - lgb - ln_gamma(kappa + n) + lgk
            })
            .sum::<f64>()
    };
    let start = [(mean / (1.0 - mean)).ln(), kappa0.ln()];
    let (x, _) = nelder_mead(neg_ll, &start, &[0.2, 0.5], 1e-10, 4_000);
    let mu = 1.0 / (1.0 + (-x[0]).exp());
    let kappa = x[1].exp().min(kappa_max);
    BetaPrior::new(mu * kappa, (1.0 - mu) * kappa)
}
