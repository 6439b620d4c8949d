//! Import saved Mastodon statuses, group posts into two variants, compare
//! them.
//!
//! Reads the two synthetic `GET /api/v1/accounts/:id/statuses` pages in
//! `examples/data/` (a made-up account, not anyone's data: see
//! `examples/data/README.md`). Each blog post was tooted twice, once with
//! a question hook and once with a statement hook, told apart here by
//! phrase. Mastodon reports no impressions, so the comparison is of
//! favourites and boosts per post, each blog post (the link card) a block
//! of two posts.
//!
//! The posts are the unit: each post's likes are one observation
//! (`Experiment::analyze` fits the post-to-post spread with a hierarchical
//! model and runs a post-level t-test on log counts), the impression-level
//! Poisson figures (every like an independent event) are printed beside
//! it for comparison only. The pairing by blog post is not used here: the
//! paired analysis is of rates per impression.
//!
//! Run with `cargo run --example import_mastodon`.

use postab::import::{ReadOptions, VariantRules, read_mastodon_paths};
use postab::{Metric, Outcome};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/examples/data");
    let pages = [
        format!("{dir}/mastodon_statuses_page1.json"),
        format!("{dir}/mastodon_statuses_page2.json"),
    ];
    let mut report = read_mastodon_paths(&pages, &ReadOptions::strict())?;
    println!("{report}");
    if let Some(post) = report.posts.first() {
        println!("  newest: {:?} -> {:?}\n", post.text, post.links);
    }

    // Without impressions, a post is one exposure.
    let posts = Outcome::custom("posts")?;
    for post in &mut report.posts {
        post.counts.add_count(&posts, 1)?;
    }
    let groups = VariantRules::new()
        .phrase("too rigid?", "question")
        .phrase("no single right way", "statement")
        .group(&report.posts);
    for (variant, members) in &groups.variants {
        let c = groups.counts(variant)?;
        let n = members.len() as f64;
        println!(
            "  {variant:<10} {} posts: {} favourites ({:.1} per post), {} boosts ({:.1} per post), {} replies",
            members.len(),
            c.likes(),
            c.likes() as f64 / n,
            c.reposts(),
            c.reposts() as f64 / n,
            c.replies()
        );
    }

    let metric = Metric::per_exposure("favourites_per_post", [Outcome::Like], posts)?;
    let exp = groups.to_experiment("mastodon hooks", "question", metric.clone())?;
    println!("\n{}", exp.analyze(&metric)?);
    Ok(())
}
