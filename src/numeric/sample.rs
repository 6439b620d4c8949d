//! Exact random variates used by the bandits and the simulator.
//!
//! Gamma variates by Marsaglia & Tsang (2000) with a ziggurat normal, binomial
//! variates by BINV inversion (small means) or BTPE rejection (Kachitvichyanukul
//! & Schmeiser 1988), all from statrs 0.19. Beta variates are `X / (X + Y)` with
//! `X ~ Gamma(a)`, `Y ~ Gamma(b)`. None is an approximation.

use rand::Rng;
use rand::distr::Distribution;
use statrs::distribution::{Binomial, Gamma};

/// `Gamma(shape, rate)`; NaN for invalid parameters (never reached: callers
/// validate).
pub(crate) fn gamma<R: Rng + ?Sized>(rng: &mut R, shape: f64, rate: f64) -> f64 {
    match Gamma::new(shape, rate) {
        Ok(g) => g.sample(rng),
        Err(_) => f64::NAN,
    }
}

/// `Beta(a, b)`, as a ratio of gammas.
pub(crate) fn beta<R: Rng + ?Sized>(rng: &mut R, a: f64, b: f64) -> f64 {
    let x = gamma(rng, a, 1.0);
    let y = gamma(rng, b, 1.0);
    if x + y > 0.0 {
        x / (x + y)
    } else {
        // Both underflowed (tiny shapes): the draw is within 1e-300 of 0 or
        // 1, with odds a : b to leading order.
        if uniform(rng) * (a + b) < a { 1.0 } else { 0.0 }
    }
}

/// `Binomial(n, p)`, exact; `p` is clamped into `[0, 1]`.
pub(crate) fn binomial<R: Rng + ?Sized>(rng: &mut R, n: u64, p: f64) -> u64 {
    if n == 0 {
        return 0;
    }
    match Binomial::new(p.clamp(0.0, 1.0), n) {
        Ok(d) => Distribution::<u64>::sample(&d, rng),
        Err(_) => 0,
    }
}

/// Uniform on `[0, 1)` with 53 random bits.
pub(crate) fn uniform<R: Rng + ?Sized>(rng: &mut R) -> f64 {
    (rng.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
}

/// Index `i` with probability `weights[i]` (non-negative, summing to 1); the
/// last positive weight absorbs rounding in the cumulative sum.
pub(crate) fn weighted_index<R: Rng + ?Sized>(rng: &mut R, weights: &[f64]) -> usize {
    let u = uniform(rng);
    let mut acc = 0.0;
    for (i, w) in weights.iter().enumerate() {
        acc += w;
        if u < acc {
            return i;
        }
    }
    weights.iter().rposition(|&w| w > 0.0).unwrap_or(0)
}

/// Uniform index in `0..n` (`n ≥ 1`), by Lemire's multiply-shift (bias below 2⁻⁵⁰ for n < 2¹⁴).
pub(crate) fn index<R: Rng + ?Sized>(rng: &mut R, n: usize) -> usize {
    ((rng.next_u64() as u128 * n as u128) >> 64) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;

    #[test]
    fn moments_are_right() {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
        let n = 20_000;
        let m: f64 = (0..n).map(|_| beta(&mut rng, 2.0, 6.0)).sum::<f64>() / n as f64;
        assert!((m - 0.25).abs() < 0.005, "{m}");
        let m: f64 = (0..n)
            .map(|_| binomial(&mut rng, 2_500, 0.05) as f64)
            .sum::<f64>()
            / n as f64;
        assert!((m - 125.0).abs() < 0.5, "{m}");
        let m: f64 = (0..n).map(|_| gamma(&mut rng, 0.3, 2.0)).sum::<f64>() / n as f64;
        assert!((m - 0.15).abs() < 0.01, "{m}");
        assert_eq!(binomial(&mut rng, 0, 0.5), 0);
        assert_eq!(binomial(&mut rng, 10, 1.0), 10);
    }
}
