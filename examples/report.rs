//! Writes a report of an A/B test of two post texts, a posting-slot
//! comparison and a simulation of the decision rule to a folder:
//! `report.md`, `report.json` (the experiment), `slots.json`,
//! `simulation.json`, `monitoring.json` and, with `--features plot`, SVG plots linked from the
//! Markdown.
//!
//! ```text
//! cargo run --features plot --example report [folder]   # default target/postab-report/
//! ```

use std::path::PathBuf;

use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Europe::London;
use postab::bayes::BetaPrior;
use postab::post::Variant;
use postab::report::{MonitoringReport, Render, SlotReport};
use postab::schedule::{SlotLabel, Slots};
use postab::sequential::{Msprt, Tally};
use postab::sim::{NaivePeeking, Simulation};
use postab::{Counts, Experiment, Metric, counts};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let dir = std::env::args_os()
        .nth(1)
        .map_or_else(|| PathBuf::from("target/postab-report"), PathBuf::from);
    std::fs::create_dir_all(&dir)?;

    // 1. Two texts of the same post.
    let exp = Experiment::builder("launch-post")
        .variant_full(
            Variant::new("question", "Is your posting schedule too rigid? {link}")?
                .with_label("Question"),
        )
        .variant_full(
            Variant::new(
                "statement",
                "There is no single right way to run an account. {link}",
            )?
            .with_label("Statement"),
        )
        .control("question")
        .build()?;
    exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
    exp.add_counts("statement", counts! { impressions: 12_000, clicks: 352 })?;
    let analysis = exp.analyze(&Metric::click_through())?;

    // 2. When to post: a week of posts, in the audience's (London) time.
    let monday = Utc
        .with_ymd_and_hms(2026, 1, 5, 0, 0, 0)
        .single()
        .ok_or("bad date")?;
    let mut posts: Vec<(chrono::DateTime<Utc>, Counts)> = Vec::new();
    for day in 0..7u64 {
        for (hour, clicks) in [(8u64, 120u64), (12, 95), (17, 80), (21, 100)] {
            let at = monday + Duration::hours((24 * day + hour) as i64);
            posts.push((
                at,
                counts! { impressions: 3_000 + 100 * day, clicks: clicks + 3 * day },
            ));
        }
    }
    let table = Slots::hour_of_week(London).bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
    let control = SlotLabel::HourOfWeek(chrono::Weekday::Mon, 17);
    let slots = SlotReport::new(
        &table,
        &Metric::click_through(),
        &BetaPrior::uniform(),
        Some(&control),
    )?;

    // 3. What peeking at every look does to the decision rule.
    let sim = Simulation::builder(vec![0.025, 0.029])
        .traffic_per_look(2_000)
        .looks(12)
        .replications(200)
        .seed(7)
        .stopping(NaivePeeking::new(0.05)?)
        .build()?
        .run()?;

    // 4. The same test watched day by day with an always-valid test.
    let mut watch = MonitoringReport::new(
        "launch-post",
        "Question",
        "Statement",
        Msprt::new(0.05, 0.01)?,
        BetaPrior::uniform(),
    );
    for day in 1..=6u64 {
        let at = monday + Duration::days(day as i64 - 1) + Duration::hours(9);
        let control = Tally::new(25 * day, 1_000 * day)?;
        watch.look(
            Some(at),
            control,
            Tally::new(31 * day + day * day, 1_000 * day)?,
        )?;
    }

    // 5. How often peeking finds a difference that is not there.
    let peeking = [1usize, 2, 4, 8, 16]
        .into_iter()
        .map(|looks| {
            Simulation::builder(vec![0.03, 0.03])
                .traffic_per_look(32_000 / looks as u64)
                .looks(looks)
                .replications(200)
                .seed(11)
                .stopping(NaivePeeking::new(0.05)?)
                .build()?
                .run()
        })
        .collect::<Result<Vec<_>, _>>()?;

    let md = format!(
        "# postab report\n\n{}\n{}\n{}\n{}{}",
        analysis.markdown(),
        slots.markdown(),
        sim.markdown(),
        watch.markdown(),
        plots(&dir, &analysis, &slots, &sim, &watch, &peeking)?
    );
    std::fs::write(dir.join("report.md"), md)?;
    std::fs::write(dir.join("report.json"), analysis.to_json()?)?;
    std::fs::write(dir.join("slots.json"), slots.to_json()?)?;
    std::fs::write(dir.join("simulation.json"), sim.to_json()?)?;
    std::fs::write(dir.join("monitoring.json"), watch.to_json()?)?;
    println!("{}", analysis.text());
    println!("report written to {}", dir.display());
    Ok(())
}

/// Writes the SVG plots to `dir` and returns the Markdown that shows them.
#[cfg(feature = "plot")]
fn plots(
    dir: &std::path::Path,
    analysis: &postab::analysis::Analysis,
    slots: &SlotReport,
    sim: &postab::sim::SimulationReport,
    watch: &MonitoringReport,
    peeking: &[postab::sim::SimulationReport],
) -> Result<String, Box<dyn std::error::Error>> {
    use postab::report::plot;
    let mut figures = vec![
        (
            "posteriors.svg".to_string(),
            plot::posterior_densities(analysis)?,
        ),
        ("slots.svg".into(), plot::slot_heat_map(slots)?),
        ("stopping-times.svg".into(), plot::stopping_times(sim)?),
        ("monitoring.svg".into(), plot::monitoring(watch)?),
        ("peeking.svg".into(), plot::rejection_by_looks(peeking)?),
    ];
    for v in analysis.variants.iter().filter(|v| v.vs_control.is_some()) {
        let svg = plot::lift_density(analysis, &v.id)?;
        figures.push((format!("lift-{}.svg", v.id), svg));
    }
    let mut md = String::from("\n## Plots\n\n");
    for (name, svg) in &figures {
        std::fs::write(dir.join(name), svg)?;
        md.push_str(&format!("![{name}]({name})\n\n"));
    }
    Ok(md)
}

/// Without the `plot` feature there are no plots.
#[cfg(not(feature = "plot"))]
fn plots(
    _dir: &std::path::Path,
    _analysis: &postab::analysis::Analysis,
    _slots: &SlotReport,
    _sim: &postab::sim::SimulationReport,
    _watch: &MonitoringReport,
    _peeking: &[postab::sim::SimulationReport],
) -> Result<String, Box<dyn std::error::Error>> {
    Ok(String::new())
}
