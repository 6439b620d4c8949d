//! Counts per post (engagement without impressions): the negative binomial
//! fit against statsmodels, and the post-level comparison's level in
//! seeded A/A simulations of overdispersed counts.

use postab::Error;
use postab::rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
use postab::repeated::{PostCount, fit_negative_binomial, post_count_test};
use serde_json::Value;

type Res = Result<(), Box<dyn std::error::Error>>;

/// Six datasets (per post and with exposures; 5–12 posts; mild to strong
/// overdispersion) against statsmodels' NB2 `NegativeBinomial` with
/// `exposure` (`tests/data/negative_binomial_reference.py`). Tolerances:
/// log-likelihoods 1e-9 absolute (both are maxima), rate and dispersion
/// 1e-5 relative (the likelihood is flat at its maximum, so the optimisers'
/// stopping rules show in the 6th digit).
#[test]
fn negative_binomial_fit_matches_statsmodels() -> Res {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/negative_binomial_reference.json"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let cases = r["cases"].as_array().ok_or("cases")?;
    assert_eq!(cases.len(), 6);
    for c in cases {
        let counts = c["counts"].as_array().ok_or("counts")?;
        let exposure = c["exposure"].as_array().ok_or("exposure")?;
        let posts = counts
            .iter()
            .zip(exposure)
            .map(|(y, e)| PostCount::new(y.as_u64().unwrap_or(0), e.as_f64().unwrap_or(0.0)))
            .collect::<Result<Vec<_>, _>>()?;
        let fit = fit_negative_binomial(&posts)?;
        let f = |k: &str| c[k].as_f64().unwrap_or(f64::NAN);
        let rel = |a: f64, b: f64| ((a - b) / b).abs();
        assert!(
            (fit.log_likelihood - f("log_likelihood")).abs() < 1e-9,
            "{fit} vs {c}"
        );
        assert!(
            (fit.poisson_log_likelihood - f("poisson_log_likelihood")).abs() < 1e-9,
            "{fit} vs {c}"
        );
        assert!(rel(fit.rate, f("rate")) < 1e-5, "{fit} vs {c}");
        assert!(rel(fit.dispersion, f("dispersion")) < 1e-5, "{fit} vs {c}");
    }
    Ok(())
}

/// Poisson counts: no overdispersion, the fit sits on its boundary.
#[test]
fn poisson_posts_fit_no_dispersion() -> Res {
    let posts = [10, 10, 11, 9, 10, 10].map(PostCount::per_post);
    let fit = fit_negative_binomial(&posts)?;
    assert_eq!(fit.dispersion, 0.0);
    assert_eq!(fit.overdispersion_p_value, 1.0);
    assert!((fit.rate - 10.0).abs() < 1e-12);
    Ok(())
}

#[test]
fn bad_counts_are_typed_errors() {
    assert!(matches!(
        PostCount::new(3, 0.0),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        PostCount::new(3, f64::NAN),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        fit_negative_binomial(&[PostCount::per_post(3)]),
        Err(Error::TooFewPosts { got: 1, .. })
    ));
    assert!(matches!(
        fit_negative_binomial(&[PostCount::per_post(0), PostCount::per_post(0)]),
        Err(Error::AllZero { .. })
    ));
    let two = [PostCount::per_post(3), PostCount::per_post(5)];
    assert!(matches!(
        post_count_test(&two[..1], &two, 0.95),
        Err(Error::TooFewPosts { ref group, .. }) if group == "A"
    ));
    assert!(matches!(
        post_count_test(&two, &two, 1.5),
        Err(Error::InvalidParameter { .. })
    ));
}

/// Poisson draw by inversion for small means, and by the normal
/// approximation's neighbourhood search for large ones (exact either way:
/// the CDF is walked from the mode).
fn poisson(rng: &mut Xoshiro256PlusPlus, mean: f64) -> u64 {
    let u: f64 = rng.random();
    // Walk the CDF from the mode outwards in log space.
    let mode = mean.floor();
    let ln_p = |k: f64| k * mean.ln() - mean - postab::numeric::ln_gamma(k + 1.0);
    // P(X < mode) = P(X ≤ mode − 1) = Q(mode, mean).
    let cdf_below = if mode == 0.0 {
        0.0
    } else {
        postab::numeric::gamma_q(mode, mean)
    };
    let mut k = mode;
    let mut cdf = cdf_below + ln_p(k).exp();
    if u < cdf_below {
        // Go down.
        let mut c = cdf_below;
        while k > 0.0 {
            k -= 1.0;
            c -= ln_p(k).exp();
            if u >= c {
                return k as u64;
            }
        }
        return 0;
    }
    while u >= cdf {
        k += 1.0;
        cdf += ln_p(k).exp();
        if k > mean + 40.0 * mean.sqrt() + 100.0 {
            break;
        }
    }
    k as u64
}

/// A negative binomial draw: Gamma(shape, scale mean/shape) then Poisson.
fn nb(rng: &mut Xoshiro256PlusPlus, mean: f64, shape: f64) -> u64 {
    let g = gamma(rng, shape) * mean / shape;
    poisson(rng, g)
}

/// Marsaglia–Tsang Gamma(shape, 1) (boosted for shape < 1).
fn gamma(rng: &mut Xoshiro256PlusPlus, shape: f64) -> f64 {
    if shape < 1.0 {
        let u: f64 = rng.random();
        return gamma(rng, shape + 1.0) * u.powf(1.0 / shape);
    }
    let d = shape - 1.0 / 3.0;
    let c = 1.0 / (9.0 * d).sqrt();
    loop {
        // Box–Muller normal.
        let (u1, u2): (f64, f64) = (rng.random(), rng.random());
        let z = (-2.0 * (1.0 - u1).ln()).sqrt() * (std::f64::consts::TAU * u2).cos();
        let v = (1.0 + c * z).powi(3);
        if v <= 0.0 {
            continue;
        }
        let u: f64 = rng.random();
        if u.ln() < 0.5 * z * z + d - d * v + d * v.ln() {
            return d * v;
        }
    }
}

/// Seeded A/A: both variants draw likes per post from the same negative
/// binomial (mean 5, 30 or 200 likes; Gamma shape 1 or 3, i.e. the posts'
/// rates spread by a factor of several); 2, 5 and 20 posts per variant;
/// 2,000 replications each (Monte Carlo SE of a 5 % rate: 0.49 points).
/// The post-level test rejects at 0.05 in at most 6.5 % and, with ≥ 5
/// posts, at least 3.5 % of replications; a Poisson test of the totals
/// (every like an independent event) is shown for comparison.
#[test]
fn post_count_test_holds_its_level_on_overdispersed_counts() -> Res {
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(14);
    let reps = 2_000;
    for &(mean, shape) in &[(5.0, 1.0), (30.0, 3.0), (200.0, 1.0)] {
        for &m in &[2usize, 5, 20] {
            let (mut rejected, mut naive) = (0, 0);
            for _ in 0..reps {
                let mut draw = || -> Vec<PostCount> {
                    (0..m)
                        .map(|_| PostCount::per_post(nb(&mut rng, mean, shape)))
                        .collect()
                };
                let (a, b) = (draw(), draw());
                match post_count_test(&a, &b, 0.95) {
                    Ok(r) if r.test.p_value < 0.05 => rejected += 1,
                    Ok(_) => {}
                    // Every post with the same count: no spread, no test.
                    Err(Error::Undefined { .. }) => {}
                    Err(e) => return Err(e.into()),
                }
                let (ya, yb): (u64, u64) = (
                    a.iter().map(PostCount::count).sum(),
                    b.iter().map(PostCount::count).sum(),
                );
                if ya + yb > 0 {
                    let t = postab::freq::poisson_rate_test(
                        postab::freq::RateCount::new(ya, m as f64)?,
                        postab::freq::RateCount::new(yb, m as f64)?,
                        1.0,
                        postab::freq::Alternative::TwoSided,
                        postab::freq::PoissonTestMethod::ExactConditional,
                    )?;
                    if t.p_value < 0.05 {
                        naive += 1;
                    }
                }
            }
            let rate = f64::from(rejected) / reps as f64;
            let naive_rate = f64::from(naive) / reps as f64;
            println!(
                "mean {mean}, shape {shape}, {m} posts: post-level {rate:.4}, Poisson totals {naive_rate:.4}"
            );
            assert!(rate <= 0.065, "mean {mean} shape {shape} m {m}: {rate}");
            if m >= 5 {
                assert!(rate >= 0.035, "mean {mean} shape {shape} m {m}: {rate}");
            }
        }
    }
    Ok(())
}

/// The hierarchical model of counts per post against mpmath quadrature over
/// τ (`tests/data/post_count_bayes_reference.py`): four cases (strong and
/// no difference, with exposures, one post each), P(B better) and the
/// posterior mean of δ to 1e-9 absolute.
#[test]
fn post_count_bayes_matches_quadrature() -> Res {
    use postab::repeated::post_count_bayes;
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/data/post_count_bayes_reference.json"
    );
    let r: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let posts = |counts: &Value, exposure: &Value| -> Result<Vec<PostCount>, Error> {
        let counts = counts.as_array().map(Vec::as_slice).unwrap_or_default();
        counts
            .iter()
            .enumerate()
            .map(|(i, c)| {
                let e = exposure.get(i).and_then(Value::as_f64).unwrap_or(1.0);
                PostCount::new(c.as_u64().unwrap_or(0), e)
            })
            .collect()
    };
    for c in r["cases"].as_array().ok_or("cases")? {
        let a = posts(&c["a"], &c["exposure_a"])?;
        let b = posts(&c["b"], &c["exposure_b"])?;
        let h = post_count_bayes(&a, &b, 0.95)?;
        let want = |k: &str| c[k].as_f64().unwrap_or(f64::NAN);
        assert!(
            (h.prob_b_better - want("prob_b_better")).abs() < 1e-9,
            "{h:?} vs {c}"
        );
        assert!((h.mean - want("mean")).abs() < 1e-9, "{h:?} vs {c}");
    }
    Ok(())
}

/// A negative binomial fit reads back through its checks.
#[test]
fn negative_binomial_fit_reads_back_checked() -> Res {
    use postab::repeated::NegativeBinomialFit;
    let fit = fit_negative_binomial(&[3, 41, 7, 0, 12, 95].map(PostCount::per_post))?;
    let json = serde_json::to_string(&fit)?;
    assert_eq!(serde_json::from_str::<NegativeBinomialFit>(&json)?, fit);
    for (field, bad) in [
        ("rate", -1.0),
        ("dispersion", -0.5),
        ("overdispersion_p_value", 1.5),
        ("log_likelihood", 3.0),
    ] {
        let mut v: Value = serde_json::from_str(&json)?;
        v[field] = Value::from(bad);
        assert!(
            serde_json::from_value::<NegativeBinomialFit>(v).is_err(),
            "{field}"
        );
    }
    Ok(())
}
