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
use postab::analysis::AnalysisOptions;
use postab::repeated::{AccountHistory, Proportion};
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
    let result = &clicks.comparisons[0];
    println!(
        "Inside the same blog post, P(the statement style is better) = {:.2}; the paired test gives \
         a typical rate ratio of {:.2} (p = {:.2}, {} blog posts): promising, not yet conclusive.",
        result.bayes.prob_b_better,
        result
            .test
            .as_ref()
            .map_or(f64::NAN, |t| t.test().log_rate_ratio.exp()),
        result.test.as_ref().map_or(f64::NAN, |t| t.test().p_value),
        result.control_units
    );
    if let Some(naive) = &clicks.variants[1].vs_control {
        println!(
            "Counting every impression as an independent coin flip would claim {:.2}% certainty \
             (p = {:.1e}): posts vary far more than coin flips, so that figure is shown only for comparison.\n",
            100.0 * naive.prob_beats_control,
            naive.p_value
        );
    }

    // A new blog post, tweeted once per text. One post each cannot tell the
    // text from the post; the account's history says how much posts differ.
    let history: Vec<Proportion> = BLOG_POSTS
        .iter()
        .flat_map(|(_, q, s)| [*q, *s])
        .map(|(clicks, impressions)| Proportion::new(clicks, impressions))
        .collect::<Result<_, _>>()?;
    let history = AccountHistory::fit(&history)?;
    let mut single = Experiment::builder("one new blog post")
        .variant(
            "question",
            "Would you post less if it worked better? {link}",
        )
        .variant("statement", "Posting less made our account grow. {link}")
        .control("question")
        .build()?;
    single.add_post(
        Post::new("new/question", "question")?
            .with_counts(counts! { impressions: 2_050, clicks: 41 }),
    )?;
    single.add_post(
        Post::new("new/statement", "statement")?
            .with_counts(counts! { impressions: 1_980, clicks: 52 }),
    )?;
    let options = AnalysisOptions::default().with_history(history);
    let calibrated = single.analyze_with(&Metric::click_through(), &options)?;
    println!("{calibrated}\n");
    if let Some(naive) = &calibrated.variants[1].vs_control {
        println!(
            "This statement beat this question: 52 vs 41 clicks. With this account's post-to-post \
             variation, P(the statement style is better) = {:.2}; counting impressions as coin flips \
             would say {:.2}.",
            calibrated.comparisons[0].bayes.prob_b_better, naive.prob_beats_control
        );
    }
    Ok(())
}
