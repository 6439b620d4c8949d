//! Posting time: an account whose followers are in London is run from
//! Pacific time. Which posting slot wins, in the audience's local time?
//!
//! Reads the synthetic export `examples/data/account_content.csv` (posts
//! made at 00:00, 09:00 and 13:00 Pacific time), buckets the posts into
//! London-time windows, and compares the windows by click-through rate with
//! posts as the unit of analysis (the same window is posted into many times).
//!
//! Run with `cargo run --example posting_time`.

use chrono_tz::{America::Los_Angeles, Europe::London};
use postab::Metric;
use postab::bayes::BetaPrior;
use postab::import::{ImportMode, read_export_path};
use postab::schedule::{SlotLabel, SlotScheme, Slots, Window, compare_audiences};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/account_content.csv"
    );
    let report = read_export_path(path, ImportMode::Strict)?;
    println!("{} posts read from {path}\n", report.posts.len());

    // The audience's day, in London time.
    let london = Slots::new(
        London,
        SlotScheme::Windows(vec![
            Window::new("breakfast 07-10", "07:00", "10:00")?,
            Window::new("after work 16-19", "16:00", "19:00")?,
            Window::new("evening 20-23", "20:00", "23:00")?,
        ]),
    )?;
    let table = london.bucket_posts(report.posts.iter().map(|p| (p.posted_at, &p.counts)))?;
    let metric = Metric::click_through();

    println!("Click-through by London window:");
    for r in table.rates(&metric)? {
        println!(
            "  {:<18} {:>3} posts  {:>6} clicks / {:>7} impressions = {:.3}%",
            r.label.to_string(),
            r.posts,
            r.successes,
            r.trials,
            100.0 * r.rate
        );
    }

    // Compare every window with the manager's habit: posting after work.
    let control = SlotLabel::Window("after work 16-19".into());
    println!("\nAgainst {control}:");
    for c in table.compare_to(&control, &metric, &BetaPrior::uniform())? {
        let post = c
            .post_level
            .map_or("n/a".to_string(), |t| format!("{:.2e}", t.p_value));
        let naive = c
            .impression_level
            .map_or("n/a".to_string(), |t| format!("{:.2e}", t.p_value));
        println!(
            "  {:<18} P(beats control) = {:.4}  post-level p = {post}  (naive binomial p = {naive})",
            c.label.to_string(),
            c.prob_beats_control,
        );
    }

    println!("\nP(window is best):");
    let ranking = table.prob_best(&metric, &BetaPrior::uniform())?;
    for (label, p) in &ranking {
        println!("  {:<18} {p:.4}", label.to_string());
    }
    if let Some((best, _)) = ranking.iter().max_by(|a, b| a.1.total_cmp(&b.1)) {
        println!("Best window for the London audience: {best}");
    }

    // What the manager sees: the same posts in Pacific hours.
    let pacific = Slots::hour_of_day(Los_Angeles);
    let by_hour = pacific.bucket_posts(report.posts.iter().map(|p| (p.posted_at, &p.counts)))?;
    println!("\nThe same posts by Pacific hour (the manager's clock):");
    for r in by_hour.rates(&metric)?.into_iter().filter(|r| r.posts > 0) {
        println!(
            "  {:<12} {:>3} posts  CTR {:.3}%",
            r.label.to_string(),
            r.posts,
            100.0 * r.rate
        );
    }

    // A schedule of 00:00 Pacific: where does it land in London across the
    // spring DST changes (the US switches three weeks before the UK)?
    let schedule: Vec<_> = [
        "2026-03-02T08:00:00Z",
        "2026-03-16T07:00:00Z",
        "2026-04-06T07:00:00Z",
    ]
    .iter()
    .map(|s| s.parse())
    .collect::<Result<_, _>>()?;
    let cmp = compare_audiences(&schedule, &Slots::hour_of_day(Los_Angeles), London)?;
    println!("\nMidnight Pacific, seen from London:");
    for p in &cmp.posts {
        println!(
            "  {} Pacific -> {} London ({:+} h)",
            p.local_a.format("%a %d %b %H:%M"),
            p.local_b.format("%a %d %b %H:%M"),
            p.offset_difference_minutes / 60
        );
    }
    Ok(())
}
