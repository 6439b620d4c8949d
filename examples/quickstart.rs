//! The seed story: "we'll tweet the same post twice, but use different text
//! each time to see which one does better".
//!
//! An account did this for its last 12 blog posts: each went out once as a
//! question and once as a statement, a day apart, the question first for
//! half of them and the statement first for the other half. Posts differ a
//! lot from each other (one lands in a busy feed, one gets quoted), so
//! postab compares the two texts *inside* each blog post and treats the
//! blog post (the block), not the impression, as the unit.
//!
//! Run with `cargo run --example quickstart`.

use chrono::{Duration, TimeZone, Utc};
use postab::{Experiment, Metric, Post, counts};

/// Clicks and impressions of one tweet.
type Tweet = (u64, u64);

/// Per blog post: its slug, then the question's and the statement's tweet.
const BLOG_POSTS: [(&str, Tweet, Tweet); 12] = [
    ("rigid-schedules", (15, 2_140), (33, 1_457)),
    ("threads-or-not", (158, 4_025), (33, 1_276)),
    ("alt-text", (46, 1_178), (19, 860)),
    ("link-in-bio", (64, 2_937), (97, 3_558)),
    ("reply-guys", (92, 3_005), (76, 2_419)),
    ("hashtags-2026", (28, 1_696), (38, 1_764)),
    ("video-first", (111, 5_993), (101, 2_288)),
    ("quiet-weekends", (42, 1_746), (28, 600)),
    ("cross-posting", (41, 1_139), (117, 2_290)),
    ("analytics-lies", (36, 1_871), (37, 3_473)),
    ("newsletter-funnel", (37, 2_844), (68, 2_677)),
    ("follower-count", (50, 2_229), (55, 2_050)),
];

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut exp = Experiment::builder("question vs statement")
        .variant("question", "Is your posting schedule too rigid? {link}")
        .variant(
            "statement",
            "There is no single right way to run an account. {link}",
        )
        .control("question")
        .build()?;

    let start = Utc
        .with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
        .single()
        .ok_or("date")?;
    for (i, (slug, (q_clicks, q_imps), (s_clicks, s_imps))) in BLOG_POSTS.iter().enumerate() {
        // Two days per blog post; the question goes first in every other one.
        let day = start + Duration::days(2 * i as i64);
        let (q_at, s_at) = if i % 2 == 0 {
            (day, day + Duration::days(1))
        } else {
            (day + Duration::days(1), day)
        };
        exp.add_post(
            Post::new(format!("{slug}/question"), "question")?
                .in_block(*slug)?
                .published_at(q_at)
                .with_counts(counts! { impressions: *q_imps, clicks: *q_clicks }),
        )?;
        exp.add_post(
            Post::new(format!("{slug}/statement"), "statement")?
                .in_block(*slug)?
                .published_at(s_at)
                .with_counts(counts! { impressions: *s_imps, clicks: *s_clicks }),
        )?;
    }

    let clicks = exp.analyze(&Metric::click_through())?;
    println!("{clicks}\n");

    // The same numbers in plain words.
    if let Some(test) = clicks.comparisons[0].test.as_ref().map(|t| t.test()) {
        println!(
            "Inside the same blog post, the statement's click rate is typically {:+.0}% against the question's \
             (95% interval {:+.0}% to {:+.0}%, p = {:.2}, {} blog posts).",
            100.0 * (test.log_rate_ratio.exp() - 1.0),
            100.0 * (test.rate_ratio_interval.lower - 1.0),
            100.0 * (test.rate_ratio_interval.upper - 1.0),
            test.p_value,
            clicks.comparisons[0].control_units
        );
    }
    if let Some(naive) = &clicks.variants[1].vs_control {
        println!(
            "Counting every impression as an independent coin flip would claim {:.2}% certainty \
             (p = {:.1e}): posts vary far more than coin flips, so that figure is shown only for comparison.",
            100.0 * naive.prob_beats_control,
            naive.p_value
        );
    }
    Ok(())
}
