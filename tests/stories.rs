//! The eight new-user stories of issue 13, written with the API as it is
//! now: results by id and for the leader, `Display` everywhere,
//! `analyze_all`, the bandit bridge, the re-exported `chrono`,
//! `chrono_tz` and `rand`. Each story is what a user would write; the
//! assertions pin what the story is about.

use postab::chrono::{Duration, TimeZone, Utc};
use postab::chrono_tz::{America::Los_Angeles, Europe::London};
use postab::rand::{RngExt, SeedableRng, rngs::Xoshiro256PlusPlus};
use postab::{Experiment, Metric, Outcome, Post, Variant, counts};

type Res = Result<(), Box<dyn std::error::Error>>;

fn data(name: &str) -> String {
    format!("{}/examples/data/{name}", env!("CARGO_MANIFEST_DIR"))
}

/// 1. Two texts for the same blog post: which one wins, and how sure?
#[test]
fn two_texts() -> Res {
    let exp = Experiment::builder("launch-post")
        .variant("question", "Is your posting schedule too rigid? {link}")
        .variant(
            "statement",
            "There is no single right way to run an account. {link}",
        )
        .control("question")
        .build()?;
    exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
    exp.add_counts("statement", counts! { impressions: 12_100, clicks: 370 })?;
    let a = exp.analyze(&Metric::click_through())?;
    println!("{a}");
    assert_eq!(a.leader(), "statement");
    // One post per text: the honest answer is far less sure than the
    // impression-level one.
    let honest = a.comparison("statement").ok_or("unit-level result")?;
    let naive = a.variant("statement").and_then(|v| v.vs_control.as_ref());
    assert!(honest.bayes.prob_b_better < naive.ok_or("naive")?.prob_beats_control);
    Ok(())
}

/// 2. A call to action or none, with live events arriving from several
///    threads and an export top-up.
#[test]
fn call_to_action_with_live_events() -> Res {
    let exp = std::sync::Arc::new(
        Experiment::builder("cta")
            .variant_full(Variant::new("bare", "XYZ: {link}")?)
            .variant_full(Variant::new("cta", "XYZ: {link}")?.with_call_to_action("Read it"))
            .control("bare")
            .build()?,
    );
    let start = Utc
        .with_ymd_and_hms(2026, 11, 24, 8, 0, 0)
        .single()
        .ok_or("time")?;
    let workers: Vec<_> = [("bare", 0.020), ("cta", 0.026)]
        .into_iter()
        .enumerate()
        .map(|(seed, (id, rate))| {
            let exp = std::sync::Arc::clone(&exp);
            std::thread::spawn(move || -> Result<(), postab::Error> {
                let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed as u64);
                for i in 0..20_000 {
                    let at = start + Duration::seconds(i);
                    exp.record(id, Outcome::Impression, at)?;
                    if rng.random::<f64>() < rate {
                        exp.record(id, Outcome::Click, at)?;
                    }
                }
                Ok(())
            })
        })
        .collect();
    for w in workers {
        w.join().map_err(|_| "worker panicked")??;
    }
    exp.add_counts("cta", counts! { impressions: 5_000, clicks: 131 })?; // yesterday's export
    let a = exp.analyze(&Metric::click_through())?;
    println!("{a}");
    assert_eq!(a.variant("cta").ok_or("cta")?.denominator, 25_000);
    assert_eq!(
        a.variant("cta").ok_or("cta")?.attributes["call_to_action"],
        "Read it"
    );
    Ok(())
}

/// 3. The best hour: the same posts by London and by Los Angeles hour.
#[test]
fn best_hour_london_vs_los_angeles() -> Res {
    use postab::bayes::BetaPrior;
    use postab::import::{ImportMode, read_export_path};
    use postab::report::SlotReport;
    use postab::schedule::Slots;
    let posts = read_export_path(data("account_content.csv"), ImportMode::Strict)?.posts;
    let metric = Metric::click_through();
    for tz in [London, Los_Angeles] {
        let table =
            Slots::hour_of_day(tz).bucket_posts(posts.iter().map(|p| (p.posted_at, &p.counts)))?;
        let report = SlotReport::new(&table, &metric, &BetaPrior::uniform(), None)?;
        println!("{report}");
        let best = report
            .prob_best
            .iter()
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .ok_or("a slot")?;
        assert!(best.1 > 0.0 && best.1 <= 1.0);
    }
    Ok(())
}

/// 4. Planning: how many impressions, or how many blog posts tweeted once
///    per text, to see the lift we care about?
#[test]
fn planning() -> Res {
    use postab::freq::{Mde, TestDesign};
    use postab::repeated::PostPlan;
    let n = TestDesign::new(0.02).sample_size(Mde::Relative(0.10), 0.8)?;
    println!(
        "{n}; {:.1} days at 5,000 impressions a day",
        n.days(5_000.0)?
    );
    let plan = PostPlan {
        rate: 0.02,
        lift: 0.3,
        impressions: 2_000.0,
        concentration: 100.0,
    };
    let pairs = plan.blocks_needed(0.05, 0.8)?;
    println!("{plan}: {pairs} blog posts, each tweeted once per text");
    assert!(plan.paired_power(pairs, 0.05)? >= 0.8);
    Ok(())
}

/// 5. Clicks and reposts in one call.
#[test]
fn clicks_and_reposts() -> Res {
    let exp = Experiment::builder("hooks")
        .variant("q", "Question?")
        .variant("s", "Statement.")
        .control("q")
        .metric(Metric::click_through())
        .metric(Metric::repost_rate())
        .build()?;
    exp.add_counts(
        "q",
        counts! { impressions: 12_400, clicks: 310, reposts: 41 },
    )?;
    exp.add_counts(
        "s",
        counts! { impressions: 12_100, clicks: 370, reposts: 30 },
    )?;
    for a in exp.analyze_all()? {
        println!("{a}");
    }
    assert_eq!(exp.analyze_all()?.len(), 2);
    Ok(())
}

/// 6. A three-way bandit over a month of daily posts: the policy picks
///    each day's text from the experiment's own data, and each post's
///    reposts count for the text it chose.
#[test]
fn three_way_bandit() -> Res {
    use postab::bandit::ThompsonBeta;
    let rates = [("question", 0.012), ("statement", 0.015), ("list", 0.020)];
    let mut builder = Experiment::builder("bandit").control("question");
    for (id, _) in rates {
        builder = builder.variant(id, id);
    }
    let mut exp = builder.build()?;
    let metric = Metric::repost_rate();
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(30);
    let start = Utc
        .with_ymd_and_hms(2026, 11, 1, 9, 0, 0)
        .single()
        .ok_or("time")?;
    for day in 0..30 {
        let at = start + Duration::days(day);
        let post = exp.publish_next(
            &ThompsonBeta::new(),
            &metric,
            format!("day-{day}"),
            at,
            &mut rng,
        )?;
        let (id, variant) = (post.id().to_string(), post.variant().to_string());
        let rate = rates.iter().find(|r| r.0 == variant).map_or(0.0, |r| r.1);
        let reposts = (0..2_000).filter(|_| rng.random::<f64>() < rate).count() as u64;
        exp.add_post_counts(&id, counts! { impressions: 2_000, reposts: reposts })?;
    }
    let a = exp.analyze(&metric)?;
    println!("{a}");
    assert_eq!(exp.posts().len(), 30);
    assert!(
        exp.posts()
            .iter()
            .filter(|p: &&Post| p.variant() == "list")
            .count()
            > 10
    );
    Ok(())
}

/// 7. An X analytics export: read it, group posts by the tags in their
///    text, analyse with the posts as the unit.
#[test]
fn x_export() -> Res {
    use postab::import::{ImportMode, VariantRules, read_export_path};
    let report = read_export_path(data("tweet_activity.csv"), ImportMode::Lenient)?;
    let rules = VariantRules::new()
        .tag("q", "question")
        .tag("s", "statement");
    let metric = Metric::click_through();
    let exp = rules
        .group(&report.posts)
        .to_experiment("hook test", "question", metric.clone())?;
    let a = exp.analyze(&metric)?;
    println!(
        "{} posts, {} skipped\n{a}",
        report.posts.len(),
        report.skipped.len()
    );
    assert!(!a.comparisons.is_empty(), "posts are the unit");
    Ok(())
}

/// 8. A report with plots: text, Markdown, JSON and SVG files.
#[cfg(feature = "plot")]
#[test]
fn report_with_plots() -> Res {
    use postab::report::{Render, plot};
    let exp = Experiment::builder("launch-post")
        .variant_full(
            Variant::new("question", "Is your schedule too rigid?")?.with_label("Question"),
        )
        .variant_full(Variant::new("statement", "There is no right way.")?.with_label("Statement"))
        .control("question")
        .build()?;
    exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
    exp.add_counts("statement", counts! { impressions: 12_000, clicks: 352 })?;
    let a = exp.analyze(&Metric::click_through())?;
    let dir = std::env::temp_dir().join(format!("postab-story-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    std::fs::write(dir.join("report.md"), a.markdown())?;
    std::fs::write(dir.join("report.json"), a.to_json()?)?;
    std::fs::write(dir.join("posteriors.svg"), plot::posterior_densities(&a)?)?;
    std::fs::write(dir.join("lift.svg"), plot::lift_density(&a, "statement")?)?;
    assert!(std::fs::read_to_string(dir.join("lift.svg"))?.starts_with("<svg"));
    std::fs::remove_dir_all(dir)?;
    Ok(())
}
