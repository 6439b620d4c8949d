//! Which text to repost? Thompson sampling over 30 days.
//!
//! Three texts for the same link, reposted once a day to about 2 000
//! impressions; their true repost rates (unknown to the manager) are 1.2 %,
//! 1.5 % and 2.0 %. Thompson sampling picks each day's text from the Beta
//! posteriors; a fixed rotation posts each text equally often. How many more
//! reposts does the bandit earn?
//!
//! Run with `cargo run --release --example repost_bandit`.

use postab::bandit::{FixedSplit, Policy, ThompsonBeta};
use postab::sequential::Tally;
use postab::sim::{Allocation, RunToHorizon, Simulation};
use rand::SeedableRng;
use rand::distr::Distribution;
use rand_xoshiro::Xoshiro256PlusPlus;
use statrs::distribution::Binomial;

const TEXTS: [&str; 3] = ["question hook", "bold statement", "numbered list"];
const RATES: [f64; 3] = [0.012, 0.015, 0.020];
const DAYS: usize = 30;
const IMPRESSIONS: u64 = 2_000;

fn main() -> Result<(), postab::Error> {
    // One seeded month, day by day.
    let policy = ThompsonBeta::new();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(30);
    let mut tallies = [Tally::default(); 3];
    let mut schedule = String::new();
    for _day in 0..DAYS {
        let pick = policy.choose(&tallies, &mut rng)?;
        let reposts: u64 = Binomial::new(RATES[pick], IMPRESSIONS)
            .map(|d| Distribution::<u64>::sample(&d, &mut rng))
            .unwrap_or(0);
        tallies[pick].successes += reposts;
        tallies[pick].trials += IMPRESSIONS;
        schedule.push(char::from(b'A' + pick as u8));
    }
    println!(
        "One month of Thompson sampling (A, B, C = {}):",
        TEXTS.join(", ")
    );
    println!("  {schedule}");
    for (name, t) in TEXTS.iter().zip(&tallies) {
        println!(
            "  {name:<15} posted {:>2} days, {:>4} reposts ({:.2} %)",
            t.trials / IMPRESSIONS,
            t.successes,
            100.0 * t.rate()
        );
    }

    // The same month simulated 4 000 times.
    let month = || {
        Simulation::builder(RATES.to_vec())
            .traffic_per_look(IMPRESSIONS)
            .looks(DAYS)
            .replications(4_000)
            .seed(7)
            .allocation(Allocation::SinglePost)
            .stopping(RunToHorizon)
    };
    let bandit = month().policy(ThompsonBeta::new()).build()?.run()?;
    let rotation = month().policy(FixedSplit::even(3)?).build()?.run()?;
    let best_possible = RATES[2] * (DAYS as u64 * IMPRESSIONS) as f64;
    println!(
        "\nOver 4 000 simulated months ({} impressions each):",
        DAYS as u64 * IMPRESSIONS
    );
    println!("  always the best text (oracle): {best_possible:>6.0} reposts");
    println!(
        "  Thompson sampling:             {:>6.0} reposts (regret {:.0})",
        bandit.mean_successes, bandit.mean_regret
    );
    println!(
        "  random even rotation:          {:>6.0} reposts (regret {:.0})",
        rotation.mean_successes, rotation.mean_regret
    );
    let gain = bandit.mean_successes - rotation.mean_successes;
    println!(
        "  gain of the bandit: {gain:+.0} reposts a month ({:+.1} %)",
        100.0 * gain / rotation.mean_successes
    );
    Ok(())
}
