//! Which posting time does the audience prefer? A Mastodon poll, read from
//! a saved `GET /api/v1/accounts/:id/statuses` page, analysed: P(each
//! option is the most chosen) under a Dirichlet posterior, credible and
//! simultaneous (Goodman) intervals, and the test of equal preference.
//!
//! Run with `cargo run --example poll`.

use postab::import::{ReadOptions, read_mastodon_path};
use postab::poll::analyze_saved_poll;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/mastodon_poll.json"
    );
    let report = read_mastodon_path(path, &ReadOptions::strict())?;
    for post in report.posts.iter().filter(|p| p.poll.is_some()) {
        let Some(poll) = &post.poll else { continue };
        println!("\"{}\"\n", post.text);
        let result = analyze_saved_poll(poll, 0.95)?;
        println!("{result}\n");
        let leader = result.leader();
        println!(
            "The audience prefers \"{}\": P(most chosen) = {:.2}{}.",
            leader.label,
            leader.prob_most_chosen,
            if result.equal_preference_p_value < 0.05 {
                "; the options are not equally liked (chi-square p < 0.05)"
            } else {
                "; equal preference cannot be ruled out"
            }
        );
    }
    Ok(())
}
