//! Which hook buys clicks more cheaply? Promoted posts read from a
//! spreadsheet through a column map, their organic and paid reach kept
//! apart, and the paid clicks per euro of spend compared between the two
//! hooks: exact Gamma–Poisson with the spend as exposure, the exact and
//! score tests of the rate ratio, and the post-level comparison.
//!
//! Run with `cargo run --example promoted`.

use postab::Outcome;
use postab::import::{ColumnMap, ImportMode, TimeFormat, VariantRules, read_mapped_path};
use postab::promoted::{SpendOptions, analyze_promoted};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/promoted_posts.csv"
    );
    let map = ColumnMap::new(
        "post",
        "posted (Berlin)",
        TimeFormat::pattern("%Y-%m-%d %H:%M")?,
    )
    .zone_named("Europe/Berlin")?
    .variant("hook")
    .text("text")
    .outcome("impressions", Outcome::Impression)
    .outcome("link clicks", Outcome::Click)
    .promoted("paid impressions", Outcome::Impression)
    .promoted("paid link clicks", Outcome::Click)
    .spend("spend (EUR)", "EUR")?;
    let report = read_mapped_path(path, &map, ImportMode::Strict)?;
    println!("{report}\n");

    // The sheet's own hook column names each post's variant.
    let groups = VariantRules::new().labels().group(&report.posts);
    let promoted = analyze_promoted(&groups, "question", &SpendOptions::default())?;
    println!("{promoted}\n");

    for (variant, c) in &promoted.comparisons {
        let (a, b) = (&c.control, &c.variant);
        println!(
            "A paid click cost {:.3} {} with the question hook and {:.3} {} with the {variant} hook; \
             P(the {variant} hook is cheaper per click) = {:.4} (exposure: {}).",
            a.cost_per.unwrap_or(f64::INFINITY),
            c.currency,
            b.cost_per.unwrap_or(f64::INFINITY),
            c.currency,
            c.prob_variant_better,
            c.exposure(),
        );
        if let Some(post) = &c.post_level {
            println!(
                "Post by post (each promoted post one observation) the two-sided p-value is {:.3}.",
                post.test.p_value
            );
        }
    }
    Ok(())
}
