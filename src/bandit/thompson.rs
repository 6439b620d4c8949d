//! Thompson sampling with Beta and Gamma posteriors, and top-two Thompson.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{Policy, Tally, argmax, check_arms, check_binomial_arms, check_weights};
use crate::bayes::{BetaPosterior, BetaPrior, GammaPosterior, rank};
use crate::error::Result;
use crate::numeric::sample;

/// Thompson sampling for binomial rates (clicks per impression).
///
/// # Model
///
/// Arm `k` has rate `p_k` with prior Beta(α₀, β₀) (default Beta(1, 1)); after
/// `s_k` successes in `n_k` trials its posterior is
/// Beta(α₀ + s_k, β₀ + n_k − s_k). [`choose`](Policy::choose) draws one
/// `p̃_k` from each posterior and plays the largest, so each arm is played
/// with its posterior probability of being best.
///
/// [`weights`](Policy::weights) returns those probabilities `P(p_k is best)`
/// exactly, for any number of arms (via [`rank`]; no simulation).
///
/// # Example
/// ```
/// use postab::bandit::{Policy, ThompsonBeta};
/// use postab::sequential::Tally;
/// use postab::rand::SeedableRng;
/// let arms = [Tally::new(30, 1_000)?, Tally::new(45, 1_000)?];
/// let mut w = [0.0; 2];
/// let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(3);
/// ThompsonBeta::new().weights(&arms, &mut rng, &mut w)?;
/// assert!((w[1] - 0.960623).abs() < 1e-6); // exact P(p_B > p_A)
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThompsonBeta {
    prior: BetaPrior,
}

impl Default for ThompsonBeta {
    fn default() -> Self {
        Self::new()
    }
}

impl ThompsonBeta {
    /// Thompson sampling with the uniform prior Beta(1, 1).
    pub fn new() -> Self {
        Self {
            prior: BetaPrior::uniform(),
        }
    }

    /// The same with another prior (shared by all arms).
    pub fn with_prior(mut self, prior: BetaPrior) -> Self {
        self.prior = prior;
        self
    }

    /// The prior.
    pub fn prior(&self) -> BetaPrior {
        self.prior
    }

    /// One posterior draw per arm, index of the largest.
    fn draw_best<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> usize {
        argmax(arms.iter().map(|t| self.draw(t, rng)))
    }

    fn draw<R: Rng + ?Sized>(&self, t: &Tally, rng: &mut R) -> f64 {
        let a = self.prior.alpha() + t.successes as f64;
        let b = self.prior.beta() + (t.trials - t.successes) as f64;
        sample::beta(rng, a, b)
    }

    fn posterior(&self, t: &Tally) -> Result<BetaPosterior> {
        self.prior.update(t.successes, t.trials)
    }

    /// `P(p_k is best)` for every arm, exactly.
    fn prob_best(&self, arms: &[Tally]) -> Result<Vec<f64>> {
        let posteriors = arms
            .iter()
            .map(|t| self.posterior(t))
            .collect::<Result<Vec<_>>>()?;
        Ok(rank(&posteriors)?.prob_best)
    }
}

impl Policy for ThompsonBeta {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        check_binomial_arms(arms)?;
        Ok(self.draw_best(arms, rng))
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        _rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        check_binomial_arms(arms)?;
        weights.copy_from_slice(&self.prob_best(arms)?);
        Ok(())
    }
}

/// Thompson sampling for Poisson counts per exposure (likes, replies or
/// reposts per post, where one post can earn several).
///
/// # Model
///
/// Arm `k` has event rate `λ_k` per exposure with prior Gamma(shape a₀,
/// rate b₀) (default a₀ = 1, b₀ = 1: one pseudo-event in one pseudo-exposure);
/// after `c_k` events in `e_k` exposures the posterior is
/// Gamma(a₀ + c_k, b₀ + e_k). A [`Tally`] here holds events in `successes` and
/// exposures in `trials`; events may exceed exposures.
/// [`weights`](Policy::weights) returns `P(λ_k is best)` exactly (via
/// [`rank`]; no simulation).
///
/// # Example
/// ```
/// use postab::bandit::{Policy, ThompsonGamma};
/// use postab::sequential::Tally;
/// use postab::rand::SeedableRng;
/// // Replies per post: 14 posts with 52 replies vs 15 posts with 21.
/// let arms = [Tally { successes: 52, trials: 14 }, Tally { successes: 21, trials: 15 }];
/// let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(9);
/// assert_eq!(ThompsonGamma::new().choose(&arms, &mut rng)?, 0);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ThompsonGammaRepr")]
pub struct ThompsonGamma {
    shape: f64,
    rate: f64,
}

/// The JSON form of [`ThompsonGamma`], read through [`ThompsonGamma::with_prior`].
#[derive(Deserialize)]
struct ThompsonGammaRepr {
    shape: f64,
    rate: f64,
}

impl TryFrom<ThompsonGammaRepr> for ThompsonGamma {
    type Error = crate::Error;
    fn try_from(r: ThompsonGammaRepr) -> Result<Self> {
        ThompsonGamma::new().with_prior(r.shape, r.rate)
    }
}

impl Default for ThompsonGamma {
    fn default() -> Self {
        Self::new()
    }
}

impl ThompsonGamma {
    /// Thompson sampling with the Gamma(1, 1) prior.
    pub fn new() -> Self {
        Self {
            shape: 1.0,
            rate: 1.0,
        }
    }

    /// The same with a Gamma(shape, rate) prior (mean `shape / rate`).
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] when `shape` is outside
    /// [[`MIN_SHAPE`](crate::bayes::MIN_SHAPE), [`MAX_SHAPE`](crate::bayes::MAX_SHAPE)]
    /// or `rate` outside [10⁻¹⁵⁰, 10¹⁵⁰] (see [`GammaPosterior::new`]).
    pub fn with_prior(mut self, shape: f64, rate: f64) -> Result<Self> {
        let prior = GammaPosterior::new(shape, rate)?;
        self.shape = prior.shape();
        self.rate = prior.rate();
        Ok(self)
    }

    fn draw_best<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> usize {
        argmax(arms.iter().map(|t| {
            sample::gamma(
                rng,
                self.shape + t.successes as f64,
                self.rate + t.trials as f64,
            )
        }))
    }
}

impl Policy for ThompsonGamma {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        check_arms(arms)?;
        Ok(self.draw_best(arms, rng))
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        _rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        let posteriors = arms
            .iter()
            .map(|t| {
                GammaPosterior::new(self.shape + t.successes as f64, self.rate + t.trials as f64)
            })
            .collect::<Result<Vec<_>>>()?;
        weights.copy_from_slice(&rank(&posteriors)?.prob_best);
        Ok(())
    }
}

/// Top-two Thompson sampling (Russo 2016, "Simple Bayesian algorithms for
/// best arm identification"): built to *identify* the best arm quickly rather
/// than to minimise regret.
///
/// # Model
///
/// Beta–Binomial posteriors as in [`ThompsonBeta`]. Draw rates from the
/// posteriors; the largest is the leader `I`. With probability β (default ½)
/// play `I`; otherwise redraw until another arm `J ≠ I` is largest and play
/// `J`. After 1000 redraws without one (`I` is all but certainly best), `J`
/// is drawn from its exact conditional law `P(J best)/(1 − P(I best))` (the
/// arm with the highest posterior mean if those probabilities underflow), so
/// the redraw loop is bounded without changing the policy.
///
/// [`weights`](Policy::weights) are the exact probabilities of each choice,
/// `w_k = β p_k + (1 − β) Σ_{i≠k} p_i p_k/(1 − p_i)` with `p = P(best)` from
/// [`rank`] (no simulation).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "TopTwoThompsonRepr")]
pub struct TopTwoThompson {
    thompson: ThompsonBeta,
    beta: f64,
}

/// The JSON form of [`TopTwoThompson`], read through its constructor (the
/// prior is checked by [`BetaPrior`]'s own deserialisation).
#[derive(Deserialize)]
struct TopTwoThompsonRepr {
    thompson: ThompsonBeta,
    beta: f64,
}

impl TryFrom<TopTwoThompsonRepr> for TopTwoThompson {
    type Error = crate::Error;
    fn try_from(r: TopTwoThompsonRepr) -> Result<Self> {
        Ok(TopTwoThompson::new(r.beta)?.with_prior(r.thompson.prior()))
    }
}

/// Redraws before top-two Thompson draws the challenger from its exact law.
const MAX_REDRAWS: usize = 1_000;

impl Default for TopTwoThompson {
    fn default() -> Self {
        Self {
            thompson: ThompsonBeta::new(),
            beta: 0.5,
        }
    }
}

impl TopTwoThompson {
    /// Top-two Thompson sampling with leader probability `beta` and the
    /// uniform prior.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] when `beta` is not in [0, 1].
    ///
    /// # Example
    /// ```
    /// use postab::bandit::{Policy, TopTwoThompson};
    /// use postab::sequential::Tally;
    /// use postab::rand::SeedableRng;
    /// let arms = [Tally::new(90, 1_000)?, Tally::new(50, 1_000)?, Tally::new(48, 1_000)?];
    /// let mut w = [0.0; 3];
    /// let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(5);
    /// TopTwoThompson::new(0.5)?.weights(&arms, &mut rng, &mut w)?;
    /// assert!((w[0] - 0.5).abs() < 0.05); // the clear leader gets about β
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn new(beta: f64) -> Result<Self> {
        Ok(Self {
            thompson: ThompsonBeta::new(),
            beta: crate::validate::check_probability("beta", beta)?,
        })
    }

    /// The same with another prior.
    pub fn with_prior(mut self, prior: BetaPrior) -> Self {
        self.thompson = self.thompson.with_prior(prior);
        self
    }

    fn pick<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        let leader = self.thompson.draw_best(arms, rng);
        if sample::uniform(rng) < self.beta {
            return Ok(leader);
        }
        let mut draws = vec![0.0; arms.len()];
        for _ in 0..MAX_REDRAWS {
            draws
                .iter_mut()
                .zip(arms)
                .for_each(|(d, t)| *d = self.thompson.draw(t, rng));
            let best = argmax(draws.iter().copied());
            if best != leader {
                return Ok(best);
            }
        }
        // The law the redraws follow, drawn directly.
        let law = challenger_law(
            &self.thompson.prob_best(arms)?,
            leader,
            arms,
            &self.thompson,
        )?;
        Ok(sample::weighted_index(rng, &law))
    }
}

/// `P(J = j)` for the challenger of leader `i`: `p_j / Σ_{k≠i} p_k` for
/// `j ≠ i`, or all mass on the other arm with the highest posterior mean when
/// every `p_k` (`k ≠ i`) underflows to 0.
fn challenger_law(
    p: &[f64],
    leader: usize,
    arms: &[Tally],
    thompson: &ThompsonBeta,
) -> Result<Vec<f64>> {
    let others: f64 = p
        .iter()
        .enumerate()
        .filter(|&(j, _)| j != leader)
        .map(|(_, &x)| x)
        .sum();
    let mut law = vec![0.0; p.len()];
    if others > 0.0 {
        for (j, w) in law.iter_mut().enumerate() {
            if j != leader {
                *w = p[j] / others;
            }
        }
    } else {
        let means = arms
            .iter()
            .map(|t| {
                thompson
                    .posterior(t)
                    .map(|d| crate::bayes::Posterior::mean(&d))
            })
            .collect::<Result<Vec<_>>>()?;
        let runner_up = argmax(
            means
                .iter()
                .enumerate()
                .map(|(j, &m)| if j == leader { f64::NEG_INFINITY } else { m }),
        );
        law[runner_up] = 1.0;
    }
    Ok(law)
}

impl Policy for TopTwoThompson {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        check_binomial_arms(arms)?;
        self.pick(arms, rng)
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        _rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        check_binomial_arms(arms)?;
        let p = self.thompson.prob_best(arms)?;
        weights
            .iter_mut()
            .zip(&p)
            .for_each(|(w, &pk)| *w = self.beta * pk);
        for leader in 0..arms.len() {
            let law = challenger_law(&p, leader, arms, &self.thompson)?;
            for (w, challenger) in weights.iter_mut().zip(law) {
                *w += (1.0 - self.beta) * p[leader] * challenger;
            }
        }
        Ok(())
    }
}
