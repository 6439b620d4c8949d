//! Thompson sampling's cumulative regret grows sublinearly (seeded).

use postab::bandit::{EvenSplit, ThompsonBeta, Ucb1};
use postab::sim::{Allocation, RunToHorizon, Simulation};

const LOOKS: usize = 8_000;

fn regret_curve<P: postab::bandit::Policy>(policy: P) -> Vec<f64> {
    // One impression per look: the policy decides every impression.
    Simulation::builder(vec![0.10, 0.15, 0.25])
        .traffic_per_look(1)
        .looks(LOOKS)
        .replications(100)
        .seed(42)
        .allocation(Allocation::SinglePost)
        .policy(policy)
        .stopping(RunToHorizon)
        .build()
        .unwrap()
        .run()
        .unwrap()
        .regret_by_look
}

#[test]
fn thompson_regret_is_sublinear() {
    let ts = regret_curve(ThompsonBeta::new());
    let (quarter, half, full) = (ts[LOOKS / 4 - 1], ts[LOOKS / 2 - 1], ts[LOOKS - 1]);
    println!(
        "Thompson mean regret after {} / {} / {LOOKS} impressions: {quarter:.2} / {half:.2} / {full:.2}",
        LOOKS / 4,
        LOOKS / 2
    );
    // Linear growth would double regret per doubling of the horizon;
    // Thompson's is logarithmic (Agrawal & Goyal 2012), so the second half
    // of the horizon adds much less than the first.
    assert!(full - half < 0.5 * half, "{half} -> {full}");
    assert!(half - quarter < 0.7 * quarter, "{quarter} -> {half}");
    // And far below an even random split's linear regret (mean gap 0.0833
    // per impression, 667 after 8000).
    let even = regret_curve(EvenSplit);
    assert!(
        (even[LOOKS - 1] / (LOOKS as f64 * (0.15 + 0.10) / 3.0) - 1.0).abs() < 0.05,
        "{}",
        even[LOOKS - 1]
    );
    assert!(
        full < 0.05 * even[LOOKS - 1],
        "{full} vs {}",
        even[LOOKS - 1]
    );
}

#[test]
fn ucb1_regret_is_sublinear_too() {
    let ucb = regret_curve(Ucb1);
    let (half, full) = (ucb[LOOKS / 2 - 1], ucb[LOOKS - 1]);
    println!(
        "UCB1 mean regret after {} / {LOOKS} impressions: {half:.2} / {full:.2}",
        LOOKS / 2
    );
    assert!(full - half < 0.5 * half, "{half} -> {full}");
}
