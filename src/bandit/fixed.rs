//! Fixed allocation: a classic A/B(/n) test.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{Policy, Tally, check_weights};
use crate::error::{Error, Result};
use crate::numeric::sample;

/// A fixed split of traffic, ignoring the data: the classic A/B test.
/// [`choose`](Policy::choose) picks arm `k` with probability `w_k`;
/// [`weights`](Policy::weights) returns the `w_k`.
///
/// # Example
/// ```
/// use postab::bandit::{FixedSplit, Policy};
/// use postab::sequential::Tally;
/// use postab::rand::SeedableRng;
/// let split = FixedSplit::new(vec![1.0, 3.0])?; // 25 % / 75 %
/// let arms = [Tally::default(); 2];
/// let mut w = [0.0; 2];
/// let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(1);
/// split.weights(&arms, &mut rng, &mut w)?;
/// assert_eq!(w, [0.25, 0.75]);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "FixedSplitRepr")]
pub struct FixedSplit {
    weights: Vec<f64>,
}

/// The JSON form of [`FixedSplit`], read through its constructor (which
/// normalises the weights again).
#[derive(Deserialize)]
struct FixedSplitRepr {
    weights: Vec<f64>,
}

impl TryFrom<FixedSplitRepr> for FixedSplit {
    type Error = Error;
    fn try_from(r: FixedSplitRepr) -> Result<Self> {
        Self::new(r.weights)
    }
}

impl FixedSplit {
    /// A split proportional to `weights` (normalised to sum to 1).
    ///
    /// # Errors
    /// [`Error::TooFew`] for fewer than 2 weights;
    /// [`Error::InvalidParameter`] for a negative or non-finite weight, or
    /// when all weights are 0.
    pub fn new(weights: Vec<f64>) -> Result<Self> {
        if weights.len() < 2 {
            return Err(Error::TooFew {
                what: "arms",
                got: weights.len(),
                min: 2,
            });
        }
        if let Some(&bad) = weights.iter().find(|w| !(w.is_finite() && **w >= 0.0)) {
            return Err(Error::InvalidParameter {
                name: "split weight",
                value: bad,
                expected: "a finite number >= 0",
            });
        }
        // Scaled by the largest weight first, so that weights near f64::MAX
        // do not overflow the sum.
        let largest = weights.iter().fold(0.0f64, |m, &w| m.max(w));
        if largest <= 0.0 {
            return Err(Error::InvalidParameter {
                name: "sum of split weights",
                value: 0.0,
                expected: "a finite number > 0",
            });
        }
        let mut weights: Vec<f64> = weights.iter().map(|w| w / largest).collect();
        let total: f64 = weights.iter().sum();
        weights.iter_mut().for_each(|w| *w /= total);
        Ok(Self { weights })
    }

    /// An even split over `arms` arms.
    ///
    /// # Errors
    /// [`Error::TooFew`] when `arms < 2`.
    pub fn even(arms: usize) -> Result<Self> {
        Self::new(vec![1.0; arms])
    }

    /// The normalised weights.
    pub fn split(&self) -> &[f64] {
        &self.weights
    }
}

impl Policy for FixedSplit {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        check_weights(arms, &self.weights)?;
        Ok(sample::weighted_index(rng, &self.weights))
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        _rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        check_weights(arms, &self.weights)?;
        weights.copy_from_slice(&self.weights);
        Ok(())
    }
}

/// An even split over however many arms there are (the default allocation
/// of the [`crate::sim`] harness): weights `1/K`; [`choose`](Policy::choose)
/// picks uniformly.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvenSplit;

impl EvenSplit {
    /// The even split (it has no parameters; the same as `EvenSplit` and
    /// `EvenSplit::default()`).
    pub const fn new() -> Self {
        Self
    }
}

impl Policy for EvenSplit {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], rng: &mut R) -> Result<usize> {
        super::check_arms(arms)?;
        Ok(sample::index(rng, arms.len()))
    }

    fn weights<R: Rng + ?Sized>(
        &self,
        arms: &[Tally],
        _rng: &mut R,
        weights: &mut [f64],
    ) -> Result<()> {
        check_weights(arms, weights)?;
        let w = 1.0 / arms.len() as f64;
        weights.iter_mut().for_each(|x| *x = w);
        Ok(())
    }
}
