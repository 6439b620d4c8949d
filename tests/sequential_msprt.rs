//! mSPRT: confidence-sequence coverage under a real effect, monotone
//! p-values, bad input.

use postab::Error;
use postab::sequential::{Msprt, MsprtMonitor, Tally};
use rand::SeedableRng;
use rand::distr::Distribution;
use rand_xoshiro::Xoshiro256PlusPlus;
use statrs::distribution::Binomial;

#[test]
fn confidence_sequence_covers_the_truth_at_all_looks() {
    // True difference 0.01 (5 % vs 6 %); 100 looks of 500 impressions per arm.
    // Coverage at every look simultaneously must be at least 1 − α, up to
    // three binomial standard errors over 1000 replications (0.0207).
    let (pa, pb, reps, looks) = (0.05, 0.06, 1_000, 100);
    let test = Msprt::tuned(0.05, 0.05, 50_000).unwrap();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    let (da, db) = (
        Binomial::new(pa, 500).unwrap(),
        Binomial::new(pb, 500).unwrap(),
    );
    let mut misses = 0;
    for _ in 0..reps {
        let mut m = MsprtMonitor::new(test);
        let (mut a, mut b) = (Tally::default(), Tally::default());
        let mut covered = true;
        for _ in 0..looks {
            a.successes += Distribution::<u64>::sample(&da, &mut rng);
            b.successes += Distribution::<u64>::sample(&db, &mut rng);
            a.trials += 500;
            b.trials += 500;
            let look = m.update(a, b).unwrap();
            covered &= look.confidence_sequence.contains(pb - pa);
        }
        misses += u32::from(!covered);
    }
    let miss_rate = f64::from(misses) / reps as f64;
    let tol = 3.0 * (0.05f64 * 0.95 / reps as f64).sqrt();
    println!("confidence sequence miss rate {miss_rate:.4} (α = 0.05, tolerance {tol:.4})");
    assert!(miss_rate <= 0.05 + tol, "{miss_rate}");
}

#[test]
fn monitor_p_value_never_increases() {
    let mut m = MsprtMonitor::new(Msprt::new(0.05, 0.01).unwrap());
    let mut last = 1.0;
    for (sa, sb) in [(10, 30), (20, 31), (30, 33), (40, 60)] {
        let look = m
            .update(
                Tally::new(sa, 1_000).unwrap(),
                Tally::new(sb, 1_000).unwrap(),
            )
            .unwrap();
        assert!(look.p_value <= last);
        last = look.p_value;
    }
    assert_eq!(m.looks(), 4);
}

#[test]
fn non_inferiority_null() {
    // H0: p_B − p_A = −0.01; equal observed rates are evidence against it.
    let t = Msprt::new(0.05, 0.01)
        .unwrap()
        .with_null_difference(-0.01)
        .unwrap();
    let look = t
        .look(
            Tally::new(500, 20_000).unwrap(),
            Tally::new(500, 20_000).unwrap(),
        )
        .unwrap();
    assert!(look.reject, "{look:?}");
    assert!(
        Msprt::new(0.05, 0.01)
            .unwrap()
            .with_null_difference(1.0)
            .is_err()
    );
}

#[test]
fn bad_input() {
    assert!(matches!(
        Msprt::new(0.0, 0.01),
        Err(Error::InvalidParameter { name: "alpha", .. })
    ));
    assert!(matches!(
        Msprt::new(1.0, 0.01),
        Err(Error::InvalidParameter { name: "alpha", .. })
    ));
    assert!(matches!(
        Msprt::new(0.05, 0.0),
        Err(Error::InvalidParameter { name: "tau", .. })
    ));
    assert!(matches!(
        Msprt::new(0.05, f64::INFINITY),
        Err(Error::InvalidParameter { name: "tau", .. })
    ));
    assert!(matches!(
        Msprt::tuned(0.05, 0.0, 10),
        Err(Error::InvalidParameter {
            name: "baseline rate",
            ..
        })
    ));
    assert_eq!(
        Msprt::tuned(0.05, 0.1, 0),
        Err(Error::NoTraffic {
            name: "max trials per arm"
        })
    );
    let t = Msprt::new(0.05, 0.01).unwrap();
    assert!(matches!(
        t.look(
            Tally {
                successes: 3,
                trials: 2
            },
            Tally::default()
        ),
        Err(Error::SuccessesExceedTrials {
            successes: 3,
            trials: 2,
            ..
        })
    ));
}
