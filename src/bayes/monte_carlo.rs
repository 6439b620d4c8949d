//! Seeded Monte Carlo for functionals that have no exact route.

use std::fmt;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::posterior::Posterior;
use crate::error::{Error, Result};
use crate::report::format::number;

/// A Monte Carlo estimate with its standard error.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct McEstimate {
    /// Sample mean of the functional.
    pub mean: f64,
    /// Standard error of `mean`: sample standard deviation / √draws.
    pub std_error: f64,
    /// Number of joint draws.
    pub draws: usize,
}

/// Estimates `E[g(p_1, …, p_K)]` under independent posteriors by simulation.
///
/// Use it only where postab has no exact answer (everything in
/// [`crate::bayes`] that is not called `monte_carlo` is exact): for example
/// `P(p_B > 1.1 p_A and p_C > p_A)`. Randomness comes from the caller's RNG,
/// so a seeded generator makes the estimate reproducible; the standard error
/// says how far it may be from the truth.
///
/// # Errors
/// [`Error::InvalidParameter`] for `draws < 2`; [`Error::TooFewVariants`] for
/// no posteriors.
///
/// # Example
/// ```
/// use postab::bayes::{monte_carlo, prob_lift_above, BetaPosterior};
/// use postab::rand::SeedableRng;
/// let arms = [BetaPosterior::from_counts(300, 20_000)?, BetaPosterior::from_counts(360, 20_000)?];
/// let mut rng = postab::rand::rngs::StdRng::seed_from_u64(1);
/// // P(B beats A by at least 10 % relative), simulated ...
/// let est = monte_carlo(&arms, 20_000, &mut rng, |p| f64::from(u8::from(p[1] > 1.1 * p[0])))?;
/// // ... agrees with the exact answer within a few standard errors.
/// let exact = prob_lift_above(&arms[0], &arms[1], 0.1)?;
/// assert!((est.mean - exact).abs() < 4.0 * est.std_error);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn monte_carlo<P: Posterior, R: rand::Rng + ?Sized>(
    posteriors: &[P],
    draws: usize,
    rng: &mut R,
    g: impl Fn(&[f64]) -> f64,
) -> Result<McEstimate> {
    if posteriors.is_empty() {
        return Err(Error::TooFewVariants { got: 0 });
    }
    if draws < 2 {
        return Err(Error::InvalidParameter {
            name: "draws",
            value: draws as f64,
            expected: "at least 2",
        });
    }
    let mut point = vec![0.0; posteriors.len()];
    // Welford's running mean and variance.
    let (mut mean, mut m2) = (0.0, 0.0);
    for i in 0..draws {
        for (x, p) in point.iter_mut().zip(posteriors) {
            *x = p.sample(rng);
        }
        let v = g(&point);
        let delta = v - mean;
        mean += delta / (i + 1) as f64;
        m2 += delta * (v - mean);
    }
    let var = m2 / (draws - 1) as f64;
    Ok(McEstimate {
        mean,
        std_error: (var / draws as f64).sqrt(),
        draws,
    })
}

/// [`monte_carlo`] with its randomness from `seed`: a Xoshiro256++
/// generator seeded with it (`rand_xoshiro`'s `seed_from_u64`), so the
/// same seed gives the same estimate without the caller building an RNG.
///
/// # Errors
/// As [`monte_carlo`].
///
/// # Example
/// ```
/// use postab::bayes::{monte_carlo_seeded, BetaPosterior};
/// let arms = [BetaPosterior::from_counts(300, 20_000)?, BetaPosterior::from_counts(360, 20_000)?];
/// let b_wins = |p: &[f64]| f64::from(u8::from(p[1] > p[0]));
/// let est = monte_carlo_seeded(&arms, 10_000, 7, b_wins)?;
/// assert_eq!(est, monte_carlo_seeded(&arms, 10_000, 7, b_wins)?);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn monte_carlo_seeded<P: Posterior>(
    posteriors: &[P],
    draws: usize,
    seed: u64,
    g: impl Fn(&[f64]) -> f64,
) -> Result<McEstimate> {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
    monte_carlo(posteriors, draws, &mut rng, g)
}

/// `mean ± standard error (draws)`, e.g. `0.9805 ± 0.001383 (10000 draws)`.
impl fmt::Display for McEstimate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "{} ± {} ({} draws)",
            number(self.mean, p),
            number(self.std_error, p),
            self.draws
        )
    }
}
