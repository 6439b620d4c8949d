//! Bandit policies: decisions, weights, bad input.

use postab::Error;
use postab::bandit::{
    EpsilonGreedy, EvenSplit, FixedSplit, Policy, ThompsonBeta, ThompsonGamma, TopTwoThompson, Ucb1,
};
use postab::bayes::{BetaPosterior, BetaPrior, GammaPosterior, rank};
use postab::sequential::Tally;
use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;

fn rng() -> Xoshiro256PlusPlus {
    Xoshiro256PlusPlus::seed_from_u64(2026)
}

fn arms() -> Vec<Tally> {
    vec![
        Tally::new(50, 1_000).unwrap(),
        Tally::new(80, 1_000).unwrap(),
        Tally::new(55, 1_000).unwrap(),
    ]
}

fn check_weights<P: Policy>(p: &P) -> Vec<f64> {
    let mut w = vec![0.0; 3];
    p.weights(&arms(), &mut rng(), &mut w).unwrap();
    assert!((w.iter().sum::<f64>() - 1.0).abs() < 1e-12, "{w:?}");
    assert!(w.iter().all(|&x| x >= 0.0));
    w
}

#[test]
fn every_policy_favours_the_best_arm() {
    for w in [
        check_weights(&ThompsonBeta::new()),
        check_weights(&ThompsonBeta::new().with_prior(BetaPrior::jeffreys())),
        check_weights(&ThompsonGamma::new()),
        check_weights(&Ucb1),
        check_weights(&EpsilonGreedy::new(0.1).unwrap()),
    ] {
        assert!(w[1] > 0.9, "{w:?}");
    }
    let tt = check_weights(&TopTwoThompson::new(0.5).unwrap());
    assert!((tt[1] - 0.5).abs() < 0.06, "{tt:?}");
    assert_eq!(check_weights(&EvenSplit), vec![1.0 / 3.0; 3]);
    let mut r = rng();
    let picks: Vec<usize> = (0..200)
        .map(|_| ThompsonBeta::new().choose(&arms(), &mut r).unwrap())
        .collect();
    assert!(picks.iter().filter(|&&k| k == 1).count() > 190);
}

#[test]
fn two_arm_thompson_weights_are_exact() {
    let a = [
        Tally::new(30, 1_000).unwrap(),
        Tally::new(45, 1_000).unwrap(),
    ];
    let mut w = [0.0; 2];
    ThompsonBeta::new().weights(&a, &mut rng(), &mut w).unwrap();
    let post = |t: Tally| postab::bayes::BetaPosterior::from_counts(t.successes, t.trials).unwrap();
    let exact = postab::bayes::prob_beats(&post(a[0]), &post(a[1]));
    assert!((w[0] - exact.a_beats_b).abs() < 1e-15 && (w[1] - exact.b_beats_a).abs() < 1e-15);
}

#[test]
fn thompson_weights_are_exact_for_any_number_of_arms() {
    // Three arms: the weights are P(best) from the exact ranking, and the
    // frequencies of 20,000 seeded Thompson choices agree within 4 standard errors.
    let post = |t: &Tally| BetaPosterior::from_counts(t.successes, t.trials).unwrap();
    let exact = rank(&arms().iter().map(post).collect::<Vec<_>>()).unwrap();
    assert_eq!(check_weights(&ThompsonBeta::new()), exact.prob_best);
    let gamma = ThompsonGamma::new();
    let g = check_weights(&gamma);
    let gp: Vec<_> = arms()
        .iter()
        .map(|t| GammaPosterior::new(1.0 + t.successes as f64, 1.0 + t.trials as f64).unwrap())
        .collect();
    assert_eq!(g, rank(&gp).unwrap().prob_best);
    let close = [
        Tally::new(50, 1_000).unwrap(),
        Tally::new(58, 1_000).unwrap(),
        Tally::new(55, 1_000).unwrap(),
    ];
    let mut r = rng();
    let n = 20_000;
    let mut counts = [0usize; 3];
    let mut counts_tt = [0usize; 3];
    let tt = TopTwoThompson::new(0.5).unwrap();
    for _ in 0..n {
        counts[ThompsonBeta::new().choose(&close, &mut r).unwrap()] += 1;
        counts_tt[tt.choose(&close, &mut r).unwrap()] += 1;
    }
    let mut w = [0.0; 3];
    let mut w_tt = [0.0; 3];
    ThompsonBeta::new().weights(&close, &mut r, &mut w).unwrap();
    tt.weights(&close, &mut r, &mut w_tt).unwrap();
    for k in 0..3 {
        for (c, p) in [(counts[k], w[k]), (counts_tt[k], w_tt[k])] {
            let se = (p * (1.0 - p) / n as f64).sqrt();
            assert!(
                (c as f64 / n as f64 - p).abs() < 4.0 * se,
                "{k}: {c} vs {p}"
            );
        }
    }
    assert!((w_tt.iter().sum::<f64>() - 1.0).abs() < 1e-12);
}

#[test]
fn top_two_challenger_is_exact_when_the_leader_is_certain() {
    // Arm 0 is best with probability 1 − 1e-40: the redraw loop never finds
    // a challenger, so the challenger comes from its exact conditional law.
    let arms = [
        Tally::new(900, 1_000).unwrap(),
        Tally::new(100, 1_000).unwrap(),
        Tally::new(120, 1_000).unwrap(),
    ];
    let tt = TopTwoThompson::new(0.0).unwrap();
    let mut w = [0.0; 3];
    tt.weights(&arms, &mut rng(), &mut w).unwrap();
    assert!(w[0] < 1e-30 && w[2] > 0.9, "{w:?}");
    let mut r = rng();
    let picks: Vec<usize> = (0..20).map(|_| tt.choose(&arms, &mut r).unwrap()).collect();
    assert!(picks.iter().all(|&k| k != 0), "{picks:?}");
}

#[test]
fn seeded_decisions_reproduce() {
    let run = || {
        let mut r = rng();
        (0..50)
            .map(|_| TopTwoThompson::default().choose(&arms(), &mut r).unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(run(), run());
}

#[test]
fn bad_input() {
    let one = [Tally::default()];
    let mut r = rng();
    assert_eq!(
        ThompsonBeta::new().choose(&one, &mut r),
        Err(Error::TooFew {
            what: "arms",
            got: 1,
            min: 2
        })
    );
    assert_eq!(
        ThompsonGamma::new().choose(&[], &mut r),
        Err(Error::TooFew {
            what: "arms",
            got: 0,
            min: 2
        })
    );
    assert_eq!(
        Ucb1.choose(&one, &mut r),
        Err(Error::TooFew {
            what: "arms",
            got: 1,
            min: 2
        })
    );
    assert_eq!(
        EvenSplit.choose(&one, &mut r),
        Err(Error::TooFew {
            what: "arms",
            got: 1,
            min: 2
        })
    );
    let bad = [
        Tally {
            successes: 5,
            trials: 3,
        },
        Tally::default(),
    ];
    assert!(matches!(
        ThompsonBeta::new().choose(&bad, &mut r),
        Err(Error::SuccessesExceedTrials { .. })
    ));
    assert!(matches!(
        Ucb1.choose(&bad, &mut r),
        Err(Error::SuccessesExceedTrials { .. })
    ));
    // Events may exceed exposures for the Poisson policy.
    assert!(ThompsonGamma::new().choose(&bad, &mut r).is_ok());
    let mut w = [0.0; 3];
    assert_eq!(
        ThompsonBeta::new().weights(&[Tally::default(); 2], &mut r, &mut w),
        Err(Error::LengthMismatch {
            what: "weights vs arms",
            left: 3,
            right: 2
        })
    );
    assert!(matches!(
        EpsilonGreedy::new(1.5),
        Err(Error::InvalidParameter {
            name: "epsilon",
            ..
        })
    ));
    assert!(matches!(
        TopTwoThompson::new(-0.1),
        Err(Error::InvalidParameter { name: "beta", .. })
    ));
    assert!(matches!(
        ThompsonGamma::new().with_prior(0.0, 1.0),
        Err(Error::InvalidParameter { .. })
    ));
    assert_eq!(
        FixedSplit::new(vec![1.0]),
        Err(Error::TooFew {
            what: "arms",
            got: 1,
            min: 2
        })
    );
    assert!(matches!(
        FixedSplit::new(vec![1.0, -1.0]),
        Err(Error::InvalidParameter { .. })
    ));
    assert!(matches!(
        FixedSplit::new(vec![0.0, 0.0]),
        Err(Error::InvalidParameter { .. })
    ));
}

/// Issue 13: no bridge from an experiment's counts to a policy's state, and
/// nothing recorded the chosen variant back. Serving from the experiment
/// itself: every choice is recorded as an impression, clicks are recorded
/// by the caller, and Thompson sampling moves traffic to the better text.
#[test]
fn an_experiment_drives_a_policy_and_records_its_choices() -> Result<(), Box<dyn std::error::Error>>
{
    use postab::bandit::ThompsonBeta;
    use postab::rand::{RngExt, SeedableRng};
    use postab::{Experiment, Metric, Outcome};
    let exp = Experiment::builder("serve")
        .variant("plain", "New post")
        .variant("ask", "What do you think?")
        .control("plain")
        .build()?;
    let metric = Metric::click_through();
    let mut rng = postab::rand::rngs::Xoshiro256PlusPlus::seed_from_u64(13);
    let at = "2026-11-24T08:00:00Z".parse()?;
    let rate = |id: &str| if id == "ask" { 0.10 } else { 0.02 };
    for _ in 0..3_000 {
        let shown = exp
            .serve_next(&ThompsonBeta::new(), &metric, at, &mut rng)?
            .id()
            .to_string();
        if rng.random::<f64>() < rate(&shown) {
            exp.record(&shown, Outcome::Click, at)?;
        }
    }
    let t = exp.tallies(&metric)?;
    assert_eq!(t[0].trials + t[1].trials, 3_000, "every choice recorded");
    assert_eq!(t[1].trials, exp.counts("ask")?.impressions());
    assert!(
        t[1].trials > 2_400,
        "the better text gets most traffic: {t:?}"
    );
    Ok(())
}

/// Post by post: the policy picks the variant of each new post, and the
/// post's counts then belong to that variant; an id in use is refused
/// without adding anything.
#[test]
fn publish_next_adds_the_chosen_post() -> Result<(), Box<dyn std::error::Error>> {
    use postab::bandit::{FixedSplit, Policy};
    use postab::{Error, Experiment, Metric, counts};
    let mut exp = Experiment::builder("posts")
        .variant("a", "A")
        .variant("b", "B")
        .control("a")
        .build()?;
    let metric = Metric::click_through();
    // A split that always picks b: the choice is known in advance.
    let always_b = FixedSplit::new(vec![0.0, 1.0])?;
    assert_eq!(always_b.choose_seeded(&exp.tallies(&metric)?, 1)?, 1);
    let at = "2026-11-24T08:00:00Z".parse()?;
    let mut rng = postab::rand::rng();
    let post = exp.publish_next(&always_b, &metric, "p1", at, &mut rng)?;
    assert_eq!((post.variant(), post.publication_time()), ("b", Some(at)));
    exp.add_post_counts("p1", counts! { impressions: 1_000, clicks: 30 })?;
    assert_eq!(exp.tallies(&metric)?[1].successes, 30);
    let again = exp.publish_next(&always_b, &metric, "p1", at, &mut rng);
    assert!(
        matches!(again, Err(Error::DuplicatePost { .. })),
        "{again:?}"
    );
    assert_eq!(exp.posts().len(), 1);
    Ok(())
}
