//! Epsilon-greedy.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{Policy, Tally, argmax, check_binomial_arms, check_weights};
use crate::error::Result;
use crate::numeric::sample;

/// ε-greedy: with probability ε play a uniformly random arm, otherwise the arm
/// with the highest observed rate (untried arms count as best, lowest index
/// first). [`weights`](Policy::weights) are exact: `ε/K` on every arm plus
/// `1 − ε` on the greedy one.
///
/// # Example
/// ```
/// use postab::bandit::{EpsilonGreedy, Policy};
/// use postab::sequential::Tally;
/// use postab::rand::SeedableRng;
/// let arms = [Tally::new(5, 100)?, Tally::new(9, 100)?];
/// let mut w = [0.0; 2];
/// let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
/// EpsilonGreedy::new(0.1)?.weights(&arms, &mut rng, &mut w)?;
/// assert!((w[0] - 0.05).abs() < 1e-15 && (w[1] - 0.95).abs() < 1e-15);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "EpsilonGreedyRepr")]
pub struct EpsilonGreedy {
    epsilon: f64,
}

/// The JSON form of [`EpsilonGreedy`], read through its constructor.
#[derive(Deserialize)]
struct EpsilonGreedyRepr {
    epsilon: f64,
}

impl TryFrom<EpsilonGreedyRepr> for EpsilonGreedy {
    type Error = crate::Error;
    fn try_from(r: EpsilonGreedyRepr) -> Result<Self> {
        Self::new(r.epsilon)
    }
}

impl EpsilonGreedy {
    /// ε-greedy with exploration probability `epsilon`.
    ///
    /// # Errors
    /// [`crate::Error::InvalidParameter`] when `epsilon` is not in [0, 1].
    pub fn new(epsilon: f64) -> Result<Self> {
        Ok(Self {
            epsilon: crate::validate::check_probability("epsilon", epsilon)?,
        })
    }

    /// The exploration probability ε.
    pub fn epsilon(&self) -> f64 {
        self.epsilon
    }

    fn greedy(arms: &[Tally]) -> usize {
        argmax(arms.iter().map(|t| {
            if t.trials == 0 {
                f64::INFINITY
            } else {
                t.rate()
            }
        }))
    }
}

impl Policy for EpsilonGreedy {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        check_binomial_arms(arms)?;
        if sample::uniform(rng) < self.epsilon {
            Ok(sample::index(rng, arms.len()))
        } else {
            Ok(Self::greedy(arms))
        }
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        _rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        check_binomial_arms(arms)?;
        let explore = self.epsilon / arms.len() as f64;
        weights.iter_mut().for_each(|w| *w = explore);
        weights[Self::greedy(arms)] += 1.0 - self.epsilon;
        Ok(())
    }
}
