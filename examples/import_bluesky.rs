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
//! postab has no post-level model for counts yet (the paired and
//! hierarchical models are for rates): the analysis printed last treats
//! every like as an independent Poisson event, which ignores post-to-post
//! variation and so is overconfident. The count-per-post model comes
//! later; until then read the per-variant totals and per-post means.
//!
//! Run with `cargo run --example import_bluesky`.

use postab::import::{PostRecord, ReadOptions, VariantRules, read_bluesky_paths};
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
    let blog_post = |p: &PostRecord| p.links.first().cloned();
    let exp =
        groups.to_experiment_in_blocks("bluesky hooks", "question", metric.clone(), blog_post)?;
    println!(
        "\nPoisson figures (post-to-post variation not modelled yet, so overconfident):\n{}",
        exp.analyze(&metric)?
    );
    Ok(())
}
