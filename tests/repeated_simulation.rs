//! Repeated posts: the naive binomial test's false positives on overdispersed
//! posts, and the post-level test that stays near alpha.
//!
//! Seeded simulation (Xoshiro256PlusPlus, seed 5): 2,000 A/A experiments,
//! each variant posted 20 times with ~1,000 impressions per post and a
//! per-post click rate drawn from Beta(μκ, (1 − μ)κ), μ = 3%, κ = 100
//! (intra-post correlation ≈ 0.01, design effect ≈ 11). At alpha = 0.05:
//!
//! * naive binomial z-test (impressions as units): false-positive rate 0.5640;
//! * post-level test (ratio of sums, CR2 variance, Satterthwaite degrees of
//!   freedom): 0.0455.

use postab::bayes::BetaPrior;
use postab::repeated::{
    Proportion, UnitOfAnalysis, compare_overdispersed, fit_beta_binomial, naive_binomial_test,
    post_level_test, ratio_estimate,
};
use rand::distr::Distribution;
use rand::{RngExt, SeedableRng};
use rand_xoshiro::Xoshiro256PlusPlus;
use statrs::distribution::Beta;

/// Binomial(n, p) by inversion (fast for small n·p).
fn binomial(rng: &mut Xoshiro256PlusPlus, n: u64, p: f64) -> u64 {
    let u: f64 = rng.random();
    let q = 1.0 - p;
    let mut pmf = q.powf(n as f64);
    let mut cdf = pmf;
    let mut k = 0;
    while u > cdf && k < n {
        pmf *= (n - k) as f64 / (k + 1) as f64 * p / q;
        k += 1;
        cdf += pmf;
    }
    k
}

fn posts(rng: &mut Xoshiro256PlusPlus, beta: &Beta, m: usize) -> Vec<Proportion> {
    (0..m)
        .map(|_| {
            let n = 700 + (rng.random::<f64>() * 600.0) as u64;
            let p = beta.sample(rng);
            Proportion::new(binomial(rng, n, p), n).unwrap()
        })
        .collect()
}

#[test]
fn naive_test_inflates_false_positives_post_level_does_not() {
    const EXPERIMENTS: usize = 2000;
    const ALPHA: f64 = 0.05;
    let (mu, kappa) = (0.03, 100.0);
    let beta = Beta::new(mu * kappa, (1.0 - mu) * kappa).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(5);
    let (mut naive_fp, mut post_fp) = (0, 0);
    for _ in 0..EXPERIMENTS {
        let a = posts(&mut rng, &beta, 20);
        let b = posts(&mut rng, &beta, 20);
        let naive = naive_binomial_test(&a, &b).unwrap();
        let post = post_level_test(&a, &b).unwrap();
        assert_eq!(
            (naive.unit, post.unit),
            (UnitOfAnalysis::Impression, UnitOfAnalysis::Post)
        );
        naive_fp += usize::from(naive.p_value < ALPHA);
        post_fp += usize::from(post.p_value < ALPHA);
    }
    let naive_rate = naive_fp as f64 / EXPERIMENTS as f64;
    let post_rate = post_fp as f64 / EXPERIMENTS as f64;
    println!(
        "false-positive rates at alpha {ALPHA}: naive {naive_rate:.4}, post-level {post_rate:.4}"
    );
    // The values stated in the module docs (seeded, so exact).
    assert_eq!((naive_fp, post_fp), (1128, 91));
    assert!(naive_rate > 0.4);
    // Binomial standard error of a rate near 0.05 over 2,000 runs is 0.005.
    assert!((0.035..0.07).contains(&post_rate));
}

#[test]
fn beta_binomial_fit_recovers_overdispersion_and_widens_the_posterior() {
    let (mu, kappa) = (0.03, 100.0);
    let beta = Beta::new(mu * kappa, (1.0 - mu) * kappa).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let many = posts(&mut rng, &beta, 300);
    let fit = fit_beta_binomial(&many).unwrap();
    assert!((fit.mean - mu).abs() < 0.003, "{fit:?}");
    assert!(
        fit.concentration > 60.0 && fit.concentration < 170.0,
        "{fit:?}"
    );
    let r = ratio_estimate(&many).unwrap();
    assert!(r.design_effect > 5.0 && r.design_effect < 20.0, "{r:?}");
    // The effective sample size agrees with the delta-method variance.
    let model_deff = r.trials as f64 / fit.effective_trials;
    assert!(
        (model_deff / r.design_effect - 1.0).abs() < 0.35,
        "{model_deff} vs {}",
        r.design_effect
    );

    // Binomial-looking data: no overdispersion found, posterior = binomial.
    let flat: Vec<Proportion> = (0..30)
        .map(|i| Proportion::new(30 + i % 3, 1000).unwrap())
        .collect();
    let fit = fit_beta_binomial(&flat).unwrap();
    assert!(fit.concentration > 1e5, "{fit:?}");
    assert!((fit.effective_trials / 30_000.0 - 1.0).abs() < 0.01);

    // Comparison: one viral post no longer makes B "certainly better".
    let a = posts(&mut rng, &beta, 8);
    let mut b = posts(&mut rng, &beta, 8);
    b[0] = Proportion::new(400, 4000).unwrap();
    let cmp = compare_overdispersed(&a, &b, &BetaPrior::uniform()).unwrap();
    assert_eq!(cmp.unit, UnitOfAnalysis::Post);
    assert!(cmp.prob_b_beats_a < 0.99, "{cmp:?}");
    let pooled = |p: &[Proportion]| {
        p.iter()
            .fold((0, 0), |(s, n), q| (s + q.successes(), n + q.trials()))
    };
    let ((sa, na), (sb, nb)) = (pooled(&a), pooled(&b));
    let naive = postab::bayes::prob_beats(
        &postab::bayes::BetaPosterior::from_counts(sa, na).unwrap(),
        &postab::bayes::BetaPosterior::from_counts(sb, nb).unwrap(),
    );
    assert!(naive.b_beats_a > 0.999, "{naive:?}");
}

#[test]
fn too_few_posts_is_an_error_naming_the_group() {
    let one = [Proportion::new(1, 10).unwrap()];
    let two = [
        Proportion::new(1, 10).unwrap(),
        Proportion::new(2, 10).unwrap(),
    ];
    assert_eq!(
        post_level_test(&two, &one).unwrap_err(),
        postab::Error::TooFewPosts {
            group: "B".into(),
            got: 1,
            need: 2
        }
    );
    assert!(fit_beta_binomial(&one).is_err());
    assert!(naive_binomial_test(&[], &two).is_err());
    // All-zero data: a boundary fit, not a panic or NaN.
    let zeros = [
        Proportion::new(0, 100).unwrap(),
        Proportion::new(0, 50).unwrap(),
    ];
    let fit = fit_beta_binomial(&zeros).unwrap();
    assert_eq!(fit.mean, 0.0);
    let cmp = compare_overdispersed(&zeros, &two, &BetaPrior::uniform()).unwrap();
    assert!(cmp.prob_b_beats_a > 0.9);
}
