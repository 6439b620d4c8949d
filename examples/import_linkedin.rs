//! Import a LinkedIn company page's content export (.xlsx), group posts
//! into variants, compare them.
//!
//! Reads the synthetic "All posts" sheet in
//! `examples/data/linkedin_all_posts.xlsx` (made by
//! `tests/data/linkedin/generate.py`; invented posts and counts), with the
//! export's dates taken as New York dates, lists the posts (a sponsored
//! row's campaign metrics are kept apart as promoted counts), then compares
//! posts with a picture or video against the others on organic
//! click-through, at the level of posts.
//!
//! Run with `cargo run --example import_linkedin --features linkedin`, or
//! pass the path of your own export.

use postab::Metric;
use postab::chrono_tz::America::New_York;
use postab::import::{LinkedInOptions, VariantRules, read_linkedin_path};
use postab::post::MediaKind;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let default = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/linkedin_all_posts.xlsx"
    );
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| default.to_string());
    let options = LinkedInOptions::lenient().zone(New_York);
    let report = read_linkedin_path(&path, &options)?;
    println!("{report}\n");
    for post in &report.posts {
        let promoted = match &post.promoted {
            Some(p) => format!(
                "  sponsored: {} clicks / {} impressions",
                p.clicks(),
                p.impressions()
            ),
            None => String::new(),
        };
        println!(
            "row {:>2}  {}  {:<9}  {:>4} clicks / {:>5} impressions{promoted}\n        \"{}\"",
            post.line,
            post.posted_at.with_timezone(&New_York).format("%Y-%m-%d"),
            post.media.to_string(),
            post.counts.clicks(),
            post.counts.impressions(),
            post.text
        );
    }

    let rules = VariantRules::new().rule(|post| {
        let visual = matches!(post.media, MediaKind::Image | MediaKind::Video);
        Some(if visual { "visual" } else { "text" }.to_string())
    });
    let groups = rules.group(&report.posts);
    let metric = Metric::click_through();
    let experiment = groups.to_experiment("picture or not", "text", metric.clone())?;
    println!();
    for v in experiment.variants() {
        let c = experiment.counts(v.id())?;
        println!(
            "{:<7} {} posts  {:>4} clicks / {:>5} organic impressions",
            v.id(),
            groups.variants[v.id()].len(),
            c.clicks(),
            c.impressions()
        );
    }
    // Each variant is several posts: the analysis counts posts, not
    // impressions (with this few posts, expect an honest "not sure").
    println!("\n{}", experiment.analyze(&metric)?);
    Ok(())
}
