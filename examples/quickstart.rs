//! The seed story: one blog post, two texts, a week of numbers.
//!
//! An account posts its new blog article twice a day for a week, alternating
//! between a question and a statement. The platform's analytics give
//! impressions, link clicks and reposts per text. Which text should the
//! account keep using, and how sure can it be?
//!
//! Run with `cargo run --example quickstart`.

use postab::{Experiment, Metric, counts};

fn main() -> Result<(), postab::Error> {
    let mut exp = Experiment::builder("blog-post: posting-schedule article")
        .variant("question", "Is your posting schedule too rigid? {link}")
        .variant(
            "statement",
            "There is no single right way to run an account. {link}",
        )
        .control("question")
        .build()?;

    // Aggregated counts, as copied from the analytics page after a week.
    exp.add_counts(
        "question",
        counts! { impressions: 12_400, clicks: 310, reposts: 41, likes: 198 },
    )?;
    exp.add_counts(
        "statement",
        counts! { impressions: 12_100, clicks: 362, reposts: 38, likes: 214 },
    )?;

    let clicks = exp.analyze(&Metric::click_through())?;
    println!("{clicks}\n");

    let reposts = exp.analyze(&Metric::repost_rate())?;
    println!("{reposts}\n");

    // The same numbers, read as a decision.
    let s = &clicks.variants[1];
    if let Some(vs) = &s.vs_control {
        println!(
            "\"{}\" gets {:+.1}% more clicks than \"{}\"; the chance that it really is better is {:.1}%.",
            s.label,
            100.0 * vs.lift.unwrap_or(f64::NAN),
            clicks.control,
            100.0 * vs.prob_beats_control
        );
        println!(
            "Choosing it risks losing {:.4} percentage points of click-through on average (expected loss).",
            100.0 * s.expected_loss
        );
    }
    Ok(())
}
