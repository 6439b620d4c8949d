//! Plug your own stopping rule into the harness before trusting it.
//!
//! The rule a team actually uses: "wait until each post has 5 000
//! impressions, then ship the leader once the Bayesian probability that it
//! beats the other is at least 95 %", checked every hour. Is that safe on an
//! A/A test? How much power does it have against a 15 % lift?
//!
//! Run with `cargo run --release --example custom_harness`.

use postab::bayes::{BetaPosterior, prob_beats};
use postab::sim::{Decision, Look, Simulation, StoppingRule};

/// Ship the better post once `P(better) ≥ threshold`, after a minimum of
/// impressions per post.
struct ProbabilityToBeat {
    min_impressions: u64,
    threshold: f64,
}

impl StoppingRule for ProbabilityToBeat {
    fn decide(&self, look: &Look<'_>) -> Decision {
        let (a, b) = (look.arms[0], look.arms[1]);
        if a.trials < self.min_impressions || b.trials < self.min_impressions {
            return Decision::Continue;
        }
        let (Ok(pa), Ok(pb)) = (
            BetaPosterior::from_counts(a.successes, a.trials),
            BetaPosterior::from_counts(b.successes, b.trials),
        ) else {
            return Decision::Continue;
        };
        let p = prob_beats(&pa, &pb);
        if p.b_beats_a >= self.threshold {
            Decision::Stop { winner: Some(1) }
        } else if p.a_beats_b >= self.threshold {
            Decision::Stop { winner: Some(0) }
        } else {
            Decision::Continue
        }
    }
}

fn main() -> Result<(), postab::Error> {
    let run = |rates: Vec<f64>| {
        Simulation::builder(rates)
            .traffic_per_look(1_000) // impressions per hour
            .looks(72) // three days of hourly looks
            .replications(2_000)
            .seed(11)
            .stopping(ProbabilityToBeat {
                min_impressions: 5_000,
                threshold: 0.95,
            })
            .build()?
            .run()
    };

    let aa = run(vec![0.03, 0.03])?;
    let ab = run(vec![0.03, 0.0345])?;
    println!(
        "Rule: after 5 000 impressions per post, ship the leader once P(beats) >= 0.95 (hourly looks, 3 days)\n"
    );
    println!(
        "A/A (3 % vs 3 %):     false-positive rate {:.1} % ± {:.1}",
        100.0 * aa.false_positive_rate().unwrap_or(f64::NAN),
        100.0 * aa.rejection_rate_se()
    );
    println!(
        "A/B (3 % vs 3.45 %):  power {:.1} %, median stop after {} hours, wrong winner {:.1} %",
        100.0 * ab.power().unwrap_or(f64::NAN),
        ab.looks_quantile(0.5),
        100.0 * ab.winners[0] as f64 / ab.replications as f64
    );
    println!(
        "\nA 95 % threshold checked every hour is not a 5 % test: the harness shows the real error rate first."
    );
    Ok(())
}
