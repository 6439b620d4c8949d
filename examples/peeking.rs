//! Why hourly peeking crowns false winners, and how the mSPRT fixes it.
//!
//! Two identical posts (an A/A test, both 4 % click-through) get 300
//! impressions an hour for two weeks. A manager checks a z-test every hour
//! and stops at the first p < 0.05; another watches the mSPRT's always-valid
//! p-value. Over 2 000 simulated experiments, count how often each declares
//! a winner that does not exist.
//!
//! Run with `cargo run --release --example peeking`.

use postab::sequential::Msprt;
use postab::sim::{
    FixedHorizon, MsprtRule, NaivePeeking, Simulation, SimulationBuilder, SimulationReport,
};

const HOURS: usize = 14 * 24;
const IMPRESSIONS_PER_HOUR: u64 = 300;
const RATE: f64 = 0.04;

fn aa() -> SimulationBuilder {
    Simulation::builder(vec![RATE, RATE])
        .traffic_per_look(IMPRESSIONS_PER_HOUR)
        .looks(HOURS)
        .replications(2_000)
        .seed(2026)
}

fn line(name: &str, r: &SimulationReport) {
    let fpr = r.false_positive_rate().unwrap_or(f64::NAN);
    println!(
        "{name:<28} false-positive rate {:>5.1} % ± {:.1}   mean length {:>3.0} hours",
        100.0 * fpr,
        100.0 * r.rejection_rate_se(),
        r.mean_looks()
    );
}

fn main() -> Result<(), postab::Error> {
    let alpha = 0.05;
    println!(
        "A/A test: both posts at {:.0} % CTR, {IMPRESSIONS_PER_HOUR} impressions/hour, {HOURS} hourly looks\n",
        RATE * 100.0
    );

    let naive = aa().stopping(NaivePeeking::new(alpha)?).build()?.run()?;
    line("naive z-test every hour", &naive);

    // τ tuned for the horizon: half of the traffic per arm.
    let msprt = Msprt::tuned(alpha, RATE, HOURS as u64 * IMPRESSIONS_PER_HOUR / 2)?;
    let seq = aa().stopping(MsprtRule(msprt)).build()?.run()?;
    line("mSPRT (always valid)", &seq);

    let fixed = aa().stopping(FixedHorizon::new(alpha)?).build()?.run()?;
    line("one z-test after two weeks", &fixed);

    // When do the naive false positives happen?
    let early = naive.ended_at.iter().take(24).sum::<u64>() as f64 / naive.replications as f64;
    println!(
        "\n{:.1} % of the naive experiments crowned a false winner within the first day.",
        100.0 * early
    );
    println!(
        "The mSPRT (τ = {:.4}) stays below α = {alpha} however often you look.",
        msprt.tau()
    );
    Ok(())
}
