//! Harness: thread-count independence, stopping rules, bad input.

use postab::Error;
use postab::bandit::{FixedSplit, ThompsonBeta};
use postab::sequential::Msprt;
use postab::sim::{
    Allocation, Decision, ExpectedLossRule, FixedHorizon, FnRule, MsprtRule, NaivePeeking,
    Simulation,
};

#[test]
fn identical_results_with_one_and_two_threads() {
    let run = |threads| {
        Simulation::builder(vec![0.04, 0.05, 0.045])
            .traffic_per_look(900)
            .looks(12)
            .replications(301) // uneven chunks
            .seed(99)
            .threads(threads)
            .policy(ThompsonBeta::new())
            .stopping(MsprtRule(Msprt::new(0.05, 0.01).unwrap()))
            .build()
            .unwrap()
            .run()
            .unwrap()
    };
    let one = run(1);
    let two = run(2);
    assert_eq!(one, two); // every field, bit for bit, including each replication
    assert_eq!(one, run(5));
    assert!(one.regret_by_look.windows(2).all(|w| w[0] <= w[1]));
}

#[test]
fn seed_changes_results() {
    let run = |seed| {
        Simulation::builder(vec![0.05, 0.05])
            .replications(200)
            .looks(5)
            .seed(seed)
            .build()
            .unwrap()
            .run()
            .unwrap()
    };
    assert_ne!(run(1).outcomes, run(2).outcomes);
    assert_eq!(run(3).outcomes, run(3).outcomes);
}

#[test]
fn power_and_stopping_times() {
    // A 20 % lift on 4 %: the mSPRT stops early in most replications.
    let report = Simulation::builder(vec![0.04, 0.048])
        .traffic_per_look(2_000)
        .looks(30)
        .replications(400)
        .seed(5)
        .stopping(MsprtRule(Msprt::tuned(0.05, 0.04, 30_000).unwrap()))
        .build()
        .unwrap()
        .run()
        .unwrap();
    let power = report.power().unwrap();
    assert!(power > 0.6, "power {power}");
    assert!(report.false_positive_rate().is_none());
    assert!(report.mean_looks() < 30.0);
    assert_eq!(report.ended_at.iter().sum::<u64>(), 400);
    assert!(report.looks_quantile(0.5) <= report.looks_quantile(0.9));
    assert_eq!(
        report.winners[0] + report.winners[1] + report.no_winner,
        400
    );
    // Fixed horizon: every replication runs all 30 looks.
    let fixed = Simulation::builder(vec![0.04, 0.048])
        .traffic_per_look(2_000)
        .looks(30)
        .replications(200)
        .seed(5)
        .stopping(FixedHorizon::new(0.05).unwrap())
        .build()
        .unwrap()
        .run()
        .unwrap();
    assert_eq!(fixed.ended_at[29], 200);
    assert!(fixed.power().unwrap() > 0.8);
}

#[test]
fn expected_loss_rule_ships_the_better_arm() {
    let report = Simulation::builder(vec![0.04, 0.06])
        .traffic_per_look(1_000)
        .looks(40)
        .replications(200)
        .seed(8)
        .stopping(ExpectedLossRule::new(2e-4).unwrap())
        .build()
        .unwrap()
        .run()
        .unwrap();
    assert!(report.power().unwrap() > 0.95, "{:?}", report.winners);
}

#[test]
fn closure_rules_and_single_posts() {
    let rule = FnRule(|look: &postab::sim::Look<'_>| {
        if look.index == 2 {
            Decision::Stop { winner: Some(1) }
        } else {
            Decision::Continue
        }
    });
    let report = Simulation::builder(vec![0.1, 0.2])
        .traffic_per_look(50)
        .looks(10)
        .replications(20)
        .allocation(Allocation::SinglePost)
        .stopping(rule)
        .build()
        .unwrap()
        .run()
        .unwrap();
    assert_eq!(report.ended_at[2], 20);
    assert_eq!(report.winners, vec![0, 20]);
    assert!(
        report
            .outcomes
            .iter()
            .all(|o| o.impressions == 150 && o.stopped)
    );
}

#[test]
fn bad_input_gives_specific_errors() {
    let build = |rates: Vec<f64>| Simulation::builder(rates).build().map(|_| ());
    assert_eq!(
        build(vec![0.1]),
        Err(Error::TooFew {
            what: "arms",
            got: 1,
            min: 2
        })
    );
    assert_eq!(
        build(vec![]),
        Err(Error::TooFew {
            what: "arms",
            got: 0,
            min: 2
        })
    );
    assert_eq!(
        build(vec![0.1, 1.5]),
        Err(Error::InvalidTrueRate {
            variant: 1,
            value: 1.5
        })
    );
    assert_eq!(
        build(vec![-0.1, 0.5]),
        Err(Error::InvalidTrueRate {
            variant: 0,
            value: -0.1
        })
    );
    assert!(matches!(
        build(vec![0.1, f64::NAN]),
        Err(Error::InvalidTrueRate { variant: 1, .. })
    ));
    let ok = || Simulation::builder(vec![0.1, 0.2]);
    assert_eq!(
        ok().traffic_per_look(0).build().map(|_| ()),
        Err(Error::NoTraffic {
            name: "traffic per look"
        })
    );
    assert_eq!(ok().looks(0).build().map(|_| ()), Err(Error::NoLooks));
    assert!(matches!(
        ok().replications(0).build(),
        Err(Error::InvalidParameter {
            name: "replications",
            ..
        })
    ));
    assert!(matches!(
        ok().threads(0).build(),
        Err(Error::InvalidParameter {
            name: "threads",
            ..
        })
    ));
    assert_eq!(
        ok().policy(FixedSplit::new(vec![1.0, 1.0, 1.0]).unwrap())
            .build()
            .map(|_| ()),
        Err(Error::LengthMismatch {
            what: "weights vs arms",
            left: 3,
            right: 2
        })
    );
    for alpha in [0.0, 1.0, -0.5, 2.0, f64::NAN] {
        assert!(matches!(
            NaivePeeking::new(alpha),
            Err(Error::InvalidParameter { name: "alpha", .. })
        ));
        assert!(matches!(
            FixedHorizon::new(alpha),
            Err(Error::InvalidParameter { name: "alpha", .. })
        ));
        assert!(matches!(
            Msprt::new(alpha, 0.01),
            Err(Error::InvalidParameter { name: "alpha", .. })
        ));
    }
    assert!(matches!(
        ExpectedLossRule::new(0.0),
        Err(Error::InvalidParameter { .. })
    ));
    // Error messages name the bad value.
    assert_eq!(
        Error::InvalidTrueRate {
            variant: 1,
            value: 1.5
        }
        .to_string(),
        "true rate of variant 1 is 1.5, expected a probability in [0, 1]"
    );
}
