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
//! postab has no post-level model for counts yet (the paired and
//! hierarchical models are for rates): the analysis printed last treats
//! every favourite as an independent Poisson event, which ignores
//! post-to-post variation and so is overconfident. The count-per-post
//! model comes later; until then read the per-variant totals and per-post
//! means.
//!
//! Run with `cargo run --example import_mastodon`.

use postab::import::{PostRecord, ReadOptions, VariantRules, read_mastodon_paths};
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
    let blog_post = |p: &PostRecord| p.links.first().cloned();
    let exp =
        groups.to_experiment_in_blocks("mastodon hooks", "question", metric.clone(), blog_post)?;
    println!(
        "\nPoisson figures (post-to-post variation not modelled yet, so overconfident):\n{}",
        exp.analyze(&metric)?
    );
    Ok(())
}
