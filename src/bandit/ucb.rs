//! UCB1.

use rand::Rng;
use serde::{Deserialize, Serialize};

use super::{Policy, Tally, argmax, check_binomial_arms};
use crate::error::Result;

/// UCB1 (Auer, Cesa-Bianchi & Fischer 2002): play each arm once, then the arm
/// with the largest upper confidence bound `p̂_k + √(2 ln N / n_k)`, where
/// `N` is the total number of trials. Rewards are the binomial successes
/// (in [0, 1] per trial). Deterministic: the RNG is not used, and
/// [`weights`](Policy::weights) puts the whole batch on the chosen arm.
///
/// # Example
/// ```
/// use postab::bandit::{Policy, Ucb1};
/// use postab::sequential::Tally;
/// let arms = [Tally::new(5, 100)?, Tally::new(0, 0)?];
/// use postab::rand::SeedableRng;
/// let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(0); // unused by UCB1
/// assert_eq!(Ucb1::new().choose(&arms, &mut rng)?, 1); // untried arm first
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Ucb1;

impl Ucb1 {
    /// UCB1 (it has no parameters; the same as `Ucb1` and
    /// `Ucb1::default()`).
    pub const fn new() -> Self {
        Self
    }
}

impl Policy for Ucb1 {
    fn choose<R: Rng + ?Sized>(&self, arms: &[Tally], _rng: &mut R) -> Result<usize> {
        check_binomial_arms(arms)?;
        if let Some(untried) = arms.iter().position(|t| t.trials == 0) {
            return Ok(untried);
        }
        let total: f64 = arms.iter().map(|t| t.trials as f64).sum();
        let ln_n = total.ln();
        Ok(argmax(
            arms.iter()
                .map(|t| t.rate() + (2.0 * ln_n / t.trials as f64).sqrt()),
        ))
    }
}
