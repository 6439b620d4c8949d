//! Import an analytics export, group posts into variants, analyse.
//!
//! Reads the synthetic legacy tweet-activity export in `examples/data/`,
//! maps posts to two variants by hashtag (#q: a question hook, #s: a
//! statement hook), and analyses them with the post as the unit (each hook
//! was posted many times: independent posts), beside the labelled
//! impression-level figures and the cluster-robust ratio of sums; then
//! reads the same file as columns (`ExportTable`, the fast way in for large
//! exports) and groups it the same way.
//!
//! Run with `cargo run --example import_export`.

use postab::Metric;
use postab::import::{ExportTable, ImportMode, VariantRules, read_export_path};
use postab::repeated::post_level_test;

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

    // Every post is a post of the experiment, so the analysis counts posts.
    let analysis = experiment.analyze(&metric)?;
    println!("\n{analysis}\n");

    // The platform's own figure is the ratio of sums (every impression
    // weighted equally); its post-level test is the cluster-robust one.
    let a = groups.post_counts("question", &metric)?;
    let b = groups.post_counts("statement", &metric)?;
    let sums = post_level_test(&a, &b)?;
    println!(
        "ratio of sums, cluster-robust (unit = {}): diff {:+.3} pp, 95% CI [{:+.3}, {:+.3}], p = {:.4}",
        sums.unit,
        100.0 * sums.difference,
        100.0 * sums.ci95.lower,
        100.0 * sums.ci95.upper,
        sums.p_value
    );

    // A large export reads faster as columns (the same parser and errors,
    // no record per post), and groups into the same experiment.
    let table = ExportTable::read_path(path, ImportMode::Lenient)?;
    let by_table = rules.group_table(&table);
    let same = by_table.to_experiment("hook test", "question", metric.clone())?;
    println!(
        "\nas columns: {} posts, {} rows skipped; the same posts in the experiment: {}",
        table.len(),
        table.skipped().len(),
        same.posts() == experiment.posts()
    );
    Ok(())
}
