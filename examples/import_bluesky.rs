//! Import saved Bluesky author feeds, group posts into two variants,
//! compare them.
//!
//! Reads the two synthetic `app.bsky.feed.getAuthorFeed` pages in
//! `examples/data/` (a made-up account, not anyone's data: see
//! `examples/data/README.md`). Each blog post was posted twice, once with
//! a question hook (#q) and once with a statement hook (#s). Bluesky
//! reports no impressions, so there is no click-through rate: the
//! comparison is of likes per post, each blog post a block of two posts.
//!
//! The posts are the unit: each post's likes are one observation
//! (`Experiment::analyze` fits the post-to-post spread with a hierarchical
//! model and runs a post-level t-test on log counts), the impression-level
//! Poisson figures (every like an independent event) are printed beside
//! it for comparison only. The pairing by blog post is not used here: the
//! paired analysis is of rates per impression.
//!
//! Run with `cargo run --example import_bluesky`.

use postab::import::{ReadOptions, VariantRules, read_bluesky_paths};
use postab::{Metric, Outcome};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
    let pages = [
        format!("{dir}/bluesky_feed_page1.json"),
        format!("{dir}/bluesky_feed_page2.json"),
    ];
    let mut report = read_bluesky_paths(&pages, &ReadOptions::lenient())?;
    println!("{report}\n");

    // Without impressions, a post is one exposure: count it, so that likes
    // per post is a count-per-exposure metric.
    let posts = Outcome::custom("posts")?;
    for post in &mut report.posts {
        post.counts.add_count(&posts, 1)?;
    }
    let groups = VariantRules::new()
        .tag("q", "question")
        .tag("s", "statement")
        .group(&report.posts);
    for (variant, members) in &groups.variants {
        let c = groups.counts(variant)?;
        println!(
            "  {variant:<10} {} posts: {} likes, {} reposts, {} replies, {} quotes ({:.1} likes per post)",
            members.len(),
            c.likes(),
            c.reposts(),
            c.replies(),
            c.quotes(),
            c.likes() as f64 / members.len() as f64
        );
    }

    let metric = Metric::per_exposure("likes_per_post", [Outcome::Like], posts)?;
    let exp = groups.to_experiment("bluesky hooks", "question", metric.clone())?;
    println!("\n{}", exp.analyze(&metric)?);
    Ok(())
}
