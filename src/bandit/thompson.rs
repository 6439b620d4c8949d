//! Thompson sampling with Beta and Gamma posteriors, and top-two Thompson.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{
    Policy, Tally, argmax, check_arms, check_binomial_arms, check_draws, check_weights,
    frequencies, sample,
};
use crate::bayes::{BetaPosterior, BetaPrior, prob_beats};
use crate::error::{Error, Result};

/// Default Monte Carlo draws behind [`Policy::weights`] for more than two arms.
const DEFAULT_DRAWS: usize = 1_000;

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
/// [`weights`](Policy::weights) returns those probabilities `P(p_k is best)`:
/// exactly for two arms (via [`prob_beats`]), by `draws` seeded Thompson
/// draws for more (Monte Carlo standard error `≤ 0.5/√draws`).
///
/// # Example
/// ```
/// use postab::bandit::{Policy, ThompsonBeta};
/// use postab::sequential::Tally;
/// use rand::SeedableRng;
/// let arms = [Tally::new(30, 1_000)?, Tally::new(45, 1_000)?];
/// let mut w = [0.0; 2];
/// let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(3);
/// ThompsonBeta::new().weights(&arms, &mut rng, &mut w)?;
/// assert!((w[1] - 0.960623).abs() < 1e-6); // exact P(p_B > p_A)
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThompsonBeta {
    prior: BetaPrior,
    draws: usize,
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
            draws: DEFAULT_DRAWS,
        }
    }

    /// The same with another prior (shared by all arms).
    pub fn with_prior(mut self, prior: BetaPrior) -> Self {
        self.prior = prior;
        self
    }

    /// Monte Carlo draws used by [`Policy::weights`] with more than two arms
    /// (default 1000).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `draws` is 0.
    pub fn with_draws(mut self, draws: usize) -> Result<Self> {
        self.draws = check_draws(draws)?;
        Ok(self)
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
}

impl Policy for ThompsonBeta {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        check_binomial_arms(arms)?;
        Ok(self.draw_best(arms, rng))
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        check_binomial_arms(arms)?;
        if arms.len() == 2 {
            let p = prob_beats(&self.posterior(&arms[0])?, &self.posterior(&arms[1])?);
            weights[0] = p.a_beats_b;
            weights[1] = p.b_beats_a;
        } else {
            frequencies(weights, self.draws, || self.draw_best(arms, rng));
        }
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
/// [`weights`](Policy::weights) estimates `P(λ_k is best)` from `draws`
/// Thompson draws.
///
/// # Example
/// ```
/// use postab::bandit::{Policy, ThompsonGamma};
/// use postab::sequential::Tally;
/// use rand::SeedableRng;
/// // Replies per post: 14 posts with 52 replies vs 15 posts with 21.
/// let arms = [Tally { successes: 52, trials: 14 }, Tally { successes: 21, trials: 15 }];
/// let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(9);
/// assert_eq!(ThompsonGamma::new().choose(&arms, &mut rng)?, 0);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct ThompsonGamma {
    shape: f64,
    rate: f64,
    draws: usize,
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
            draws: DEFAULT_DRAWS,
        }
    }

    /// The same with a Gamma(shape, rate) prior (mean `shape / rate`).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `shape` or `rate` is not finite and
    /// positive.
    pub fn with_prior(mut self, shape: f64, rate: f64) -> Result<Self> {
        let shape = crate::validate::check_positive("prior shape", shape)?;
        let rate = crate::validate::check_positive("prior rate", rate)?;
        self.shape = shape;
        self.rate = rate;
        Ok(self)
    }

    /// Monte Carlo draws used by [`Policy::weights`] (default 1000).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `draws` is 0.
    pub fn with_draws(mut self, draws: usize) -> Result<Self> {
        self.draws = check_draws(draws)?;
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
        rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        frequencies(weights, self.draws, || self.draw_best(arms, rng));
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
/// `J` (after 1000 redraws without one, play the runner-up of the last draw).
/// [`weights`](Policy::weights) are the frequencies of `draws` such choices.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct TopTwoThompson {
    thompson: ThompsonBeta,
    beta: f64,
}

/// Redraws before top-two Thompson settles for the runner-up.
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
    /// [`Error::InvalidParameter`] when `beta` is not in [0, 1].
    ///
    /// # Example
    /// ```
    /// use postab::bandit::{Policy, TopTwoThompson};
    /// use postab::sequential::Tally;
    /// use rand::SeedableRng;
    /// let arms = [Tally::new(90, 1_000)?, Tally::new(50, 1_000)?, Tally::new(48, 1_000)?];
    /// let mut w = [0.0; 3];
    /// let mut rng = rand_xoshiro::Xoshiro256PlusPlus::seed_from_u64(5);
    /// TopTwoThompson::new(0.5)?.weights(&arms, &mut rng, &mut w)?;
    /// assert!((w[0] - 0.5).abs() < 0.05); // the clear leader gets about β
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn new(beta: f64) -> Result<Self> {
        if !(0.0..=1.0).contains(&beta) {
            return Err(Error::InvalidParameter {
                name: "beta",
                value: beta,
                expected: "a probability in [0, 1]",
            });
        }
        Ok(Self {
            thompson: ThompsonBeta::new(),
            beta,
        })
    }

    /// The same with another prior.
    pub fn with_prior(mut self, prior: BetaPrior) -> Self {
        self.thompson = self.thompson.with_prior(prior);
        self
    }

    /// Monte Carlo draws used by [`Policy::weights`] (default 1000).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `draws` is 0.
    pub fn with_draws(mut self, draws: usize) -> Result<Self> {
        self.thompson = self.thompson.with_draws(draws)?;
        Ok(self)
    }

    fn pick<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> usize {
        let leader = self.thompson.draw_best(arms, rng);
        if sample::uniform(rng) < self.beta {
            return leader;
        }
        let mut draws = vec![0.0; arms.len()];
        for _ in 0..MAX_REDRAWS {
            draws
                .iter_mut()
                .zip(arms)
                .for_each(|(d, t)| *d = self.thompson.draw(t, rng));
            let best = argmax(draws.iter().copied());
            if best != leader {
                return best;
            }
        }
        argmax(
            draws
                .iter()
                .enumerate()
                .map(|(i, &d)| if i == leader { f64::NEG_INFINITY } else { d }),
        )
    }
}

impl Policy for TopTwoThompson {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        check_binomial_arms(arms)?;
        Ok(self.pick(arms, rng))
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        check_binomial_arms(arms)?;
        frequencies(weights, self.thompson.draws, || self.pick(arms, rng));
        Ok(())
    }
}
