//! Seeded A/A simulations with hourly looks: naive peeking inflates the
//! false-positive rate; the mSPRT's always-valid p-values keep it at most α.

use postab::sequential::Msprt;
use postab::sim::{FixedHorizon, MsprtRule, NaivePeeking, Simulation, SimulationBuilder};

/// One week of hourly looks, 300 impressions an hour split 50/50, a 4 %
/// click-through rate on both arms.
const LOOKS: usize = 168;
const TRAFFIC: u64 = 300;
const RATE: f64 = 0.04;
const REPLICATIONS: usize = 2_000;
const ALPHA: f64 = 0.05;

fn aa() -> SimulationBuilder {
    Simulation::builder(vec![RATE, RATE])
        .traffic_per_look(TRAFFIC)
        .looks(LOOKS)
        .replications(REPLICATIONS)
        .seed(20_261_124)
}

/// Three binomial standard errors of a rate α over the replications:
/// `3 √(α(1 − α)/R)` = 0.0146 for R = 2000.
fn tolerance() -> f64 {
    3.0 * (ALPHA * (1.0 - ALPHA) / REPLICATIONS as f64).sqrt()
}

#[test]
fn naive_peeking_exceeds_alpha_and_msprt_does_not() {
    let naive = aa()
        .stopping(NaivePeeking::new(ALPHA).unwrap())
        .build()
        .unwrap()
        .run()
        .unwrap();
    let tuned = Msprt::tuned(ALPHA, RATE, LOOKS as u64 * TRAFFIC / 2).unwrap();
    let msprt = aa()
        .stopping(MsprtRule(tuned))
        .build()
        .unwrap()
        .run()
        .unwrap();
    let fixed = aa()
        .stopping(FixedHorizon::new(ALPHA).unwrap())
        .build()
        .unwrap()
        .run()
        .unwrap();
    let (n, m, f) = (
        naive.false_positive_rate().unwrap(),
        msprt.false_positive_rate().unwrap(),
        fixed.false_positive_rate().unwrap(),
    );
    println!(
        "A/A FPR over {REPLICATIONS} replications, {LOOKS} hourly looks: naive {n:.4}, mSPRT {m:.4}, fixed horizon {f:.4}; tolerance {:.4}",
        tolerance()
    );
    // Naive peeking: far above α (even allowing for Monte Carlo error).
    assert!(n > ALPHA + tolerance(), "naive peeking FPR {n}");
    // mSPRT: at most α up to Monte Carlo error.
    assert!(m <= ALPHA + tolerance(), "mSPRT FPR {m}");
    // One look at the end is the calibrated baseline.
    assert!((f - ALPHA).abs() <= tolerance(), "fixed-horizon FPR {f}");
}
