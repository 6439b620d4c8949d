//! Bandit policies: post the better text more often while still learning.
//!
//! A policy looks at the cumulative [`Tally`] of each arm (clicks out of
//! impressions of each post variant) and either picks the next variant to
//! post ([`Policy::choose`]) or splits the next batch of impressions
//! ([`Policy::weights`]). Randomness always comes from the RNG the caller
//! passes (or from a seed, [`Policy::choose_seeded`] and
//! [`Policy::weights_seeded`]), so a seeded RNG makes every decision
//! reproducible.
//!
//! | policy | rule |
//! |---|---|
//! | [`ThompsonBeta`] | draw each rate from its Beta posterior, play the largest |
//! | [`ThompsonGamma`] | the same for Poisson counts per exposure with Gamma posteriors |
//! | [`TopTwoThompson`] | play the Thompson leader with probability β, else the best challenger (Russo 2016) |
//! | [`Ucb1`] | play the largest `mean + √(2 ln N / n)` (Auer, Cesa-Bianchi & Fischer 2002) |
//! | [`EpsilonGreedy`] | explore uniformly with probability ε, else play the best mean |
//! | [`FixedSplit`], [`EvenSplit`] | a classic A/B test: fixed allocation weights |
//!
//! An [`Experiment`](crate::Experiment) is a policy's state and records its
//! choices: [`Experiment::tallies`](crate::Experiment::tallies) gives each
//! variant's tally for a metric,
//! [`Experiment::publish_next`](crate::Experiment::publish_next) adds the
//! next post as the variant the policy picks (its clicks then count for
//! that variant), and
//! [`Experiment::serve_next`](crate::Experiment::serve_next) records one
//! exposure of the picked variant.
//!
//! # Example
//! ```
//! use postab::bandit::{Policy, ThompsonBeta};
//! use postab::sequential::Tally;
//! use postab::rand::SeedableRng;
//!
//! let arms = [Tally::new(12, 400)?, Tally::new(25, 410)?, Tally::new(3, 90)?];
//! let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
//! let next = ThompsonBeta::new().choose(&arms, &mut rng)?;
//! assert!(next < 3);
//! let mut w = [0.0; 3];
//! ThompsonBeta::new().weights(&arms, &mut rng, &mut w)?; // P(arm is best), exact
//! assert!(w[1] > w[0]);
//! # Ok::<(), postab::Error>(())
//! ```

mod experiment;
mod fixed;
mod greedy;
mod thompson;
mod ucb;

pub use crate::sequential::Tally;
pub use fixed::{EvenSplit, FixedSplit};
pub use greedy::EpsilonGreedy;
pub use thompson::{ThompsonBeta, ThompsonGamma, TopTwoThompson};
pub use ucb::Ucb1;

use rand::{Rng, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;

use crate::error::{Error, Result};

/// A rule that allocates traffic among arms given their tallies so far.
///
/// Implementations must be deterministic functions of the tallies and the
/// RNG's output, so seeded runs reproduce.
pub trait Policy: Send + Sync {
    /// The arm to play (post) next.
    ///
    /// # Errors
    /// [`Error::TooFew`] for fewer than 2 arms; policy-specific errors
    /// for invalid tallies (e.g. [`Error::SuccessesExceedTrials`]).
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize>;

    /// Allocation weights for the next batch (non-negative, summing to 1),
    /// written into `weights`.
    ///
    /// The default plays every impression of the batch on [`Policy::choose`]'s
    /// pick (one-hot weights).
    ///
    /// # Errors
    /// As [`Policy::choose`], and [`Error::LengthMismatch`] when
    /// `weights.len() != arms.len()`.
    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        let pick = self.choose(arms, rng)?;
        one_hot(weights, pick);
        Ok(())
    }

    /// [`Policy::choose`] with its randomness from `seed` (a Xoshiro256++
    /// generator seeded with it), for callers without an RNG: the same
    /// seed and tallies give the same arm. Use a different seed at each
    /// decision (the round number, say), or the draws repeat.
    ///
    /// # Errors
    /// As [`Policy::choose`].
    fn choose_seeded(&self, arms: &[Tally], seed: u64) -> Result<usize> {
        self.choose(arms, &mut Xoshiro256PlusPlus::seed_from_u64(seed))
    }

    /// [`Policy::weights`] with its randomness from `seed`, as
    /// [`Policy::choose_seeded`].
    ///
    /// # Errors
    /// As [`Policy::weights`].
    fn weights_seeded(&self, arms: &[Tally], seed: u64, weights: &mut [f64]) -> Result<()> {
        self.weights(arms, &mut Xoshiro256PlusPlus::seed_from_u64(seed), weights)
    }
}

/// At least two arms.
pub(crate) fn check_arms(arms: &[Tally]) -> Result<()> {
    if arms.len() < 2 {
        Err(Error::TooFew {
            what: "arms",
            got: arms.len(),
            min: 2,
        })
    } else {
        Ok(())
    }
}

/// At least two arms, each with `successes <= trials`.
pub(crate) fn check_binomial_arms(arms: &[Tally]) -> Result<()> {
    check_arms(arms)?;
    arms.iter().try_for_each(Tally::check_binomial)
}

/// `weights` has one slot per arm.
pub(crate) fn check_weights(arms: &[Tally], weights: &[f64]) -> Result<()> {
    check_arms(arms)?;
    if weights.len() != arms.len() {
        return Err(Error::LengthMismatch {
            what: "weights vs arms",
            left: weights.len(),
            right: arms.len(),
        });
    }
    Ok(())
}

/// Index of the largest value (the first on ties).
pub(crate) fn argmax(values: impl Iterator<Item = f64>) -> usize {
    let mut best = (0, f64::NEG_INFINITY);
    for (i, v) in values.enumerate() {
        if v > best.1 {
            best = (i, v);
        }
    }
    best.0
}

/// All weight on `pick`.
pub(crate) fn one_hot(weights: &mut [f64], pick: usize) {
    weights
        .iter_mut()
        .enumerate()
        .for_each(|(i, w)| *w = if i == pick { 1.0 } else { 0.0 });
}
