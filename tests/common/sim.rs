//! Simulated posts for the post-level tests: impressions per post
//! log-normal (median 2,000, a factor of 3 either way), each post's rate
//! from `Beta(μκ, (1 − μ)κ)`, clicks binomial.

use postab::repeated::Proportion;
use rand::distr::Distribution;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use statrs::distribution::{Beta, Normal};

/// A seeded generator.
pub fn rng(seed: u64) -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(seed)
}

/// Binomial(n, p), exactly, by geometric jumps between successes
/// (`n·p + 1` draws on average).
pub fn binomial(rng: &mut Xoshiro256PlusPlus, n: u64, p: f64) -> u64 {
    if p <= 0.0 {
        return 0;
    }
    if p >= 1.0 {
        return n;
    }
    let ln_q = (-p).ln_1p();
    let (mut at, mut k) = (0u64, 0u64);
    loop {
        let u: f64 = 1.0 - rng.random::<f64>();
        let gap = (u.ln() / ln_q).floor();
        if gap >= (n - at) as f64 {
            return k;
        }
        at += gap as u64 + 1;
        k += 1;
        if at >= n {
            return k;
        }
    }
}

/// One post with mean rate `mu` and concentration `kappa`.
pub fn post(rng: &mut Xoshiro256PlusPlus, mu: f64, kappa: f64) -> Proportion {
    let impressions = Normal::new(2_000f64.ln(), 3f64.ln()).expect("normal");
    let n = (impressions.sample(rng).exp().round() as u64).max(1);
    let p = Beta::new(mu * kappa, (1.0 - mu) * kappa)
        .expect("beta")
        .sample(rng);
    Proportion::new(binomial(rng, n, p), n).expect("counts")
}
