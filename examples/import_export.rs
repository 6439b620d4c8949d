//! Import an analytics export, group posts into variants, analyse.
//!
//! Reads the synthetic legacy tweet-activity export in `examples/data/`,
//! maps posts to two variants by hashtag (#q: a question hook, #s: a
//! statement hook), and compares them three ways: the naive binomial test
//! (every impression independent), the post-level test (every post
//! independent: each hook was posted many times), and the Beta-Binomial
//! Bayesian comparison.
//!
//! Run with `cargo run --example import_export`.

use postab::Metric;
use postab::bayes::BetaPrior;
use postab::import::{ImportMode, VariantRules, read_export_path};
use postab::repeated::{compare_overdispersed, naive_binomial_test, post_level_test};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/examples/data/tweet_activity.csv"
    );
    let report = read_export_path(path, ImportMode::Lenient)?;
    println!(
        "{} export: {} posts, {} rows skipped",
        report.format,
        report.posts.len(),
        report.skipped.len()
    );
    for s in &report.skipped {
        println!("  skipped line {}: {}", s.line, s.error);
    }
    let promoted = report.posts.iter().filter(|p| p.promoted.is_some()).count();
    println!("  {promoted} promoted posts (their promoted counts are kept apart)\n");

    let rules = VariantRules::new()
        .tag("q", "question")
        .tag("s", "statement");
    let groups = rules.group(&report.posts);
    println!("{} posts matched no rule", groups.unassigned.len());

    let metric = Metric::click_through();
    let experiment = groups.to_experiment("hook test", "question", metric.clone())?;
    for v in experiment.variants() {
        let c = experiment.counts(v.id())?;
        println!(
            "  {:<10} {:>2} posts  {:>6} clicks / {:>7} impressions  \"{}\"",
            v.id(),
            groups.variants[v.id()].len(),
            c.clicks(),
            c.impressions(),
            v.text().replace('\n', " ")
        );
    }

    let a = groups.post_counts("question", &metric)?;
    let b = groups.post_counts("statement", &metric)?;
    let naive = naive_binomial_test(&a, &b)?;
    let post = post_level_test(&a, &b)?;
    println!("\nstatement - question click-through:");
    for (t, how) in [
        (naive, "naive binomial z-test"),
        (post, "ratio of sums, cluster-robust"),
    ] {
        println!(
            "  unit = {:<10} {how:<30} diff {:+.3} pp  95% CI [{:+.3}, {:+.3}]  p = {:.4}",
            t.unit.to_string(),
            100.0 * t.difference,
            100.0 * t.ci95.lower,
            100.0 * t.ci95.upper,
            t.p_value
        );
    }
    let bayes = compare_overdispersed(&a, &b, &BetaPrior::uniform())?;
    println!(
        "  unit = {:<10} {:<30} P(statement better) = {:.3}  expected loss if chosen = {:.5}",
        bayes.unit.to_string(),
        "Beta-Binomial",
        bayes.prob_b_beats_a,
        bayes.expected_loss.choose_b
    );
    println!(
        "  Beta-Binomial: concentration {:.0} (intra-post correlation {:.4}); {} impressions of #q are worth {:.0} independent ones",
        bayes.concentration,
        bayes.fit_a.intra_post_correlation,
        bayes.fit_a.trials,
        bayes.fit_a.effective_trials
    );
    Ok(())
}
