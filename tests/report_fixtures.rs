//! Fixed inputs shared by the report tests (included with `#[path]`).
#![allow(dead_code)]

use chrono::{Duration, TimeZone, Utc};
use chrono_tz::Europe::London;
use postab::analysis::Analysis;
use postab::bayes::BetaPrior;
use postab::design::Design;
use postab::post::Variant;
use postab::report::SlotReport;
use postab::schedule::{SlotLabel, Slots};
use postab::sim::{NaivePeeking, Simulation, SimulationReport};
use postab::{Counts, Experiment, Metric, counts};

pub type Res<T> = Result<T, Box<dyn std::error::Error>>;

/// Two texts of the same post, the statement clearly ahead.
pub fn two_variants() -> Res<Analysis> {
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
    Ok(exp.analyze(&Metric::click_through())?)
}

/// Six blog posts, each tweeted once as a question and once as a statement,
/// in alternating order: the paired design.
pub fn paired() -> Res<Analysis> {
    let mut exp = Experiment::builder("question vs statement")
        .variant_full(Variant::new("question", "Too rigid? {link}")?.with_label("Question"))
        .variant_full(Variant::new("statement", "No single way. {link}")?.with_label("Statement"))
        .control("question")
        .build()?;
    let start = Utc
        .with_ymd_and_hms(2026, 9, 1, 8, 0, 0)
        .single()
        .ok_or("date")?;
    let blocks = [
        ((15, 2_140), (33, 1_457)),
        ((158, 4_025), (33, 1_276)),
        ((46, 1_178), (19, 860)),
        ((64, 2_937), (97, 3_558)),
        ((92, 3_005), (76, 2_419)),
        ((28, 1_696), (38, 1_764)),
    ];
    for (i, ((qc, qn), (sc, sn))) in blocks.into_iter().enumerate() {
        let day = start + Duration::days(2 * i as i64);
        let (qa, sa) = if i % 2 == 0 {
            (day, day + Duration::days(1))
        } else {
            (day + Duration::days(1), day)
        };
        let block = format!("blog-{i}");
        exp.add_post(
            postab::Post::new(format!("q{i}"), "question")?
                .in_block(block.clone())?
                .published_at(qa)
                .with_counts(counts! { impressions: qn, clicks: qc }),
        )?;
        exp.add_post(
            postab::Post::new(format!("s{i}"), "statement")?
                .in_block(block)?
                .published_at(sa)
                .with_counts(counts! { impressions: sn, clicks: sc }),
        )?;
    }
    Ok(exp.analyze(&Metric::click_through())?)
}

/// Three variants where the control stays ahead.
pub fn three_variants() -> Res<Analysis> {
    let exp = Experiment::builder("cta")
        .variant_full(Variant::new("plain", "New post: {link}")?.with_label("Plain"))
        .variant_full(Variant::new("ask", "Read it and tell me: {link}")?.with_label("Ask"))
        .variant_full(Variant::new("emoji", "New post {link} (fire)")?.with_label("Emoji"))
        .control("plain")
        // A platform split test: impressions assigned at random.
        .design(Design::RandomisedExposure)
        .build()?;
    exp.add_counts("plain", counts! { impressions: 8_000, clicks: 240 })?;
    exp.add_counts("ask", counts! { impressions: 8_100, clicks: 230 })?;
    exp.add_counts("emoji", counts! { impressions: 7_900, clicks: 205 })?;
    Ok(exp.analyze(&Metric::click_through())?)
}

/// Hour-of-week slots in London: posts at 08, 12, 17 and 21 o'clock every
/// day of one week, mornings best.
pub fn slots() -> Res<SlotReport> {
    let monday = Utc
        .with_ymd_and_hms(2026, 1, 5, 0, 0, 0)
        .single()
        .ok_or("date")?;
    let mut posts: Vec<(chrono::DateTime<Utc>, Counts)> = Vec::new();
    for day in 0..7i64 {
        for (hour, clicks) in [(8i64, 120u64), (12, 95), (17, 80), (21, 100)] {
            let at = monday + Duration::days(day) + Duration::hours(hour);
            let impressions = 3_000 + 100 * day as u64;
            posts.push((
                at,
                counts! { impressions: impressions, clicks: clicks + 3 * day as u64 },
            ));
        }
    }
    let table = Slots::hour_of_week(London).bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
    let control = SlotLabel::HourOfWeek(chrono::Weekday::Mon, 17);
    Ok(SlotReport::new(
        &table,
        &Metric::click_through(),
        &BetaPrior::uniform(),
        Some(&control),
    )?)
}

/// Naive peeking at 12 looks of an A/B test with a real difference.
pub fn simulation() -> Res<SimulationReport> {
    Ok(Simulation::builder(vec![0.03, 0.036])
        .traffic_per_look(1_000)
        .looks(12)
        .replications(60)
        .seed(7)
        .stopping(NaivePeeking::new(0.05)?)
        .build()?
        .run()?)
}

/// Six daily looks at a test whose treatment pulls ahead.
pub fn monitoring() -> Res<postab::report::MonitoringReport> {
    use postab::report::MonitoringReport;
    use postab::sequential::{Msprt, Tally};
    let mut m = MonitoringReport::new(
        "launch-post",
        "Question",
        "Statement",
        Msprt::new(0.05, 0.01)?,
        BetaPrior::uniform(),
    );
    let start = Utc
        .with_ymd_and_hms(2026, 1, 5, 9, 0, 0)
        .single()
        .ok_or("date")?;
    for k in 1..=6u64 {
        let at = start + Duration::days(k as i64 - 1);
        m.look(
            Some(at),
            Tally::new(25 * k, 1_000 * k)?,
            Tally::new(31 * k + k * k, 1_000 * k)?,
        )?;
    }
    Ok(m)
}

/// A/A simulations with naive peeking at 1, 4 and 12 looks.
pub fn peeking() -> Res<Vec<SimulationReport>> {
    [1usize, 4, 12]
        .into_iter()
        .map(|looks| {
            Ok(Simulation::builder(vec![0.03, 0.03])
                .traffic_per_look(12_000 / looks as u64)
                .looks(looks)
                .replications(80)
                .seed(11)
                .stopping(NaivePeeking::new(0.05)?)
                .build()?
                .run()?)
        })
        .collect()
}

/// Replies per impression (a count-per-exposure metric, Gamma posteriors).
pub fn replies() -> Res<Analysis> {
    use postab::Outcome;
    let exp = Experiment::builder("reply-bait")
        .variant_full(Variant::new("plain", "New post: {link}")?.with_label("Plain"))
        .variant_full(Variant::new("ask", "What do you think? {link}")?.with_label("Ask"))
        .control("plain")
        .build()?;
    exp.add_counts("plain", counts! { impressions: 9_000, replies: 18 })?;
    exp.add_counts("ask", counts! { impressions: 9_200, replies: 41 })?;
    let metric = Metric::per_exposure(
        "replies_per_impression",
        [Outcome::Reply],
        Outcome::Impression,
    )?;
    Ok(exp.analyze(&metric)?)
}

/// Two variants with long labels (the legend and the lift plot's title
/// must grow to fit them).
pub fn long_labels() -> Res<Analysis> {
    let exp = Experiment::builder("long-labels")
        .variant_full(
            Variant::new("question", "Is your posting schedule too rigid? {link}")?
                .with_label("Question with a call to action at the very end"),
        )
        .variant_full(
            Variant::new("statement", "There is no single right way. {link}")?
                .with_label("WIDE MMMM STATEMENT FOLLOWED BY AN IMAGE CARD"),
        )
        .control("question")
        .build()?;
    exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
    exp.add_counts("statement", counts! { impressions: 12_000, clicks: 352 })?;
    Ok(exp.analyze(&Metric::click_through())?)
}

/// `n` variants with overlapping posteriors (more than the eight colours of
/// the fixed palette when `n > 8`).
pub fn many_variants(n: usize) -> Res<Analysis> {
    let mut b = Experiment::builder("many");
    for i in 0..n {
        b = b.variant(format!("v{i}"), format!("Text number {i} {{link}}"));
    }
    let exp = b.control("v0").build()?;
    for i in 0..n as u64 {
        exp.add_counts(
            &format!("v{i}"),
            counts! { impressions: 10_000, clicks: 250 + 12 * i },
        )?;
    }
    Ok(exp.analyze(&Metric::click_through())?)
}
