//! Fitting a Beta prior to an account's history.

use postab::Error;
use postab::bayes::fit_beta_prior;
use rand::SeedableRng;
use rand::distr::Distribution;
use rand_xoshiro::Xoshiro256PlusPlus;

#[test]
fn matches_scipy_maximum_likelihood() {
    // scipy 1.17.1: minimize(-Σ[betaln(a+s, b+n−s) − betaln(a, b)]) over (ln a, ln b),
    // Nelder–Mead then BFGS (gtol 1e-12): a = 8.77881849, b = 346.167635.
    let history = [
        (30, 1000),
        (12, 800),
        (51, 1500),
        (8, 900),
        (40, 1100),
        (22, 1000),
        (35, 1200),
        (19, 950),
    ];
    let prior = fit_beta_prior(&history).expect("fit");
    assert!((prior.alpha() / 8.77881849 - 1.0).abs() < 1e-3, "{prior:?}");
    assert!((prior.beta() / 346.167635 - 1.0).abs() < 1e-3, "{prior:?}");
}

#[test]
fn recovers_a_known_prior_from_simulated_posts() {
    // 400 posts of 5,000 impressions whose rates come from Beta(4, 196) (2 %).
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(7);
    let rates = statrs::distribution::Beta::new(4.0, 196.0).expect("valid");
    let history: Vec<(u64, u64)> = (0..400)
        .map(|_| {
            let p: f64 = rates.sample(&mut rng);
            let binomial = statrs::distribution::Binomial::new(p, 5_000).expect("valid");
            let clicks: u64 = binomial.sample(&mut rng);
            (clicks, 5_000)
        })
        .collect();
    let prior = fit_beta_prior(&history).expect("fit");
    let mean = prior.alpha() / (prior.alpha() + prior.beta());
    let kappa = prior.alpha() + prior.beta();
    assert!((mean - 0.02).abs() < 0.002, "mean {mean}");
    assert!(kappa > 120.0 && kappa < 330.0, "concentration {kappa}");
}

#[test]
fn no_overdispersion_caps_concentration_at_total_trials() {
    let history = [(20, 1000), (20, 1000), (20, 1000)];
    let prior = fit_beta_prior(&history).expect("fit");
    assert!(prior.alpha() + prior.beta() <= 3000.0 + 1e-6);
}

#[test]
fn bad_histories_are_errors() {
    assert!(matches!(
        fit_beta_prior(&[(1, 10)]),
        Err(Error::InvalidParameter {
            name: "history length",
            ..
        })
    ));
    assert!(matches!(
        fit_beta_prior(&[(0, 10), (0, 20)]),
        Err(Error::InvalidParameter {
            name: "history successes",
            ..
        })
    ));
    assert!(matches!(
        fit_beta_prior(&[(11, 10), (1, 20)]),
        Err(Error::SuccessesExceedTrials { successes: 11, .. })
    ));
}
