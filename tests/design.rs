//! Posts inside experiments: the design decides the unit of analysis
//! (issue 12). Each test states what it would catch.

use postab::analysis::AnalysisOptions;
use postab::design::{Design, DesignSource, UnitTest};
use postab::repeated::{
    Block, Order, PostCount, Proportion, UnitOfAnalysis, paired_test, post_ratio_test,
};
use postab::{Error, Experiment, Metric, Outcome, Post, counts};

fn texts() -> Experiment {
    Experiment::builder("texts")
        .variant("question", "Is your posting schedule too rigid? {link}")
        .variant(
            "statement",
            "There is no single right way to run an account. {link}",
        )
        .control("question")
        .build()
        .expect("valid")
}

/// 12 blog posts, each tweeted once per text, alternating which goes first.
const PAIRS: [((u64, u64), (u64, u64)); 12] = [
    ((41, 2_300), (55, 2_450)),
    ((12, 900), (19, 1_020)),
    ((88, 5_100), (97, 4_700)),
    ((23, 1_400), (31, 1_380)),
    ((7, 610), (12, 640)),
    ((35, 2_050), (44, 2_210)),
    ((60, 3_900), (58, 3_300)),
    ((15, 1_200), (25, 1_350)),
    ((29, 1_800), (30, 1_500)),
    ((50, 2_900), (71, 3_100)),
    ((9, 800), (8, 760)),
    ((33, 2_500), (47, 2_600)),
];

fn at(day: u32, hour: u32) -> chrono::DateTime<chrono::Utc> {
    format!("2026-10-{day:02}T{hour:02}:00:00Z")
        .parse()
        .expect("time")
}

fn paired() -> Experiment {
    let mut exp = texts();
    for (i, &((ya, na), (yb, nb))) in PAIRS.iter().enumerate() {
        let day = 1 + 2 * i as u32;
        let (ta, tb) = if i % 2 == 0 {
            (at(day, 8), at(day + 1, 8))
        } else {
            (at(day + 1, 8), at(day, 8))
        };
        exp.add_post(
            Post::new(format!("q{i}"), "question")
                .and_then(|p| p.in_block(format!("blog-{i}")))
                .expect("post")
                .published_at(ta)
                .with_counts(counts! { impressions: na, clicks: ya }),
        )
        .expect("add");
        exp.add_post(
            Post::new(format!("s{i}"), "statement")
                .and_then(|p| p.in_block(format!("blog-{i}")))
                .expect("post")
                .published_at(tb)
                .with_counts(counts! { impressions: nb, clicks: yb }),
        )
        .expect("add");
    }
    exp
}

/// Would catch: posts ignored by the default path, the wrong unit, the
/// order not taken from publication times, or CMH missing beside it.
#[test]
fn blocks_make_a_paired_analysis_equal_to_the_paired_test() {
    let exp = paired();
    let a = exp.analyze(&Metric::click_through()).expect("analysis");
    assert_eq!(a.design.design, Design::PairedPosts);
    assert_eq!(a.design.source, DesignSource::Inferred);
    assert!(a.srm.is_none());
    assert_eq!(a.comparisons.len(), 1);
    let c = &a.comparisons[0];
    assert_eq!(c.unit, UnitOfAnalysis::Block);
    assert_eq!((c.control_units, c.variant_units), (12, 12));
    let blocks: Vec<Block> = PAIRS
        .iter()
        .enumerate()
        .map(|(i, &((ya, na), (yb, nb)))| {
            let order = if i % 2 == 0 {
                Order::AFirst
            } else {
                Order::BFirst
            };
            Block::new(
                format!("blog-{i}"),
                Proportion::new(ya, na).expect("p"),
                Proportion::new(yb, nb).expect("p"),
            )
            .expect("block")
            .with_order(order)
        })
        .collect();
    // Keys sort as strings ("blog-10" before "blog-2"); the test is
    // invariant to block order, so compare with a tolerance.
    let direct = paired_test(&blocks, 0.95).expect("paired");
    let Some(UnitTest::Paired(via)) = &c.test else {
        panic!("paired test expected: {c:?}")
    };
    assert!((via.test.log_rate_ratio - direct.test.log_rate_ratio).abs() < 1e-12);
    assert!((via.test.p_value - direct.test.p_value).abs() < 1e-12);
    assert_eq!(via.order, direct.order);
    assert!(c.stratified.is_some());
    let text = a.to_string();
    assert!(
        text.contains("design: paired posts (inferred; unit: block)"),
        "{text}"
    );
    assert!(text.contains("for comparison only"), "{text}");
    // Totals still add up for the impression-level comparison.
    let total: u64 = PAIRS.iter().map(|p| p.1.1).sum();
    assert_eq!(a.variants[1].denominator, total);
}

/// Would catch: independent posts analysed by impressions, or a test
/// reported for one post per variant.
#[test]
fn posts_without_blocks_are_independent_posts() {
    let mut exp = texts();
    let a_posts = [(20, 1_000), (31, 2_400), (9, 700), (44, 2_900), (15, 800)];
    let b_posts = [(35, 1_100), (52, 2_100), (18, 650), (70, 3_000), (29, 900)];
    for (i, &(y, n)) in a_posts.iter().enumerate() {
        exp.add_post(
            Post::new(format!("a{i}"), "question")
                .expect("post")
                .with_counts(counts! { impressions: n, clicks: y }),
        )
        .expect("add");
    }
    for (i, &(y, n)) in b_posts.iter().enumerate() {
        exp.add_post(
            Post::new(format!("b{i}"), "statement")
                .expect("post")
                .with_counts(counts! { impressions: n, clicks: y }),
        )
        .expect("add");
    }
    let a = exp.analyze(&Metric::click_through()).expect("analysis");
    assert_eq!(a.design.design, Design::IndependentPosts);
    let c = &a.comparisons[0];
    assert_eq!(
        (c.unit, c.control_units, c.variant_units),
        (UnitOfAnalysis::Post, 5, 5)
    );
    let p = |xs: &[(u64, u64)]| -> Vec<Proportion> {
        xs.iter()
            .map(|&(y, n)| Proportion::new(y, n).expect("p"))
            .collect()
    };
    let direct = post_ratio_test(&p(&a_posts), &p(&b_posts), 0.95).expect("test");
    assert_eq!(c.test, Some(UnitTest::Posts(direct)));
    assert_eq!(c.adjusted_p_value, Some(direct.test.p_value));

    // Two totals whose posts are unknown: one post per variant, no test.
    let totals = texts();
    totals
        .add_counts("question", counts! { impressions: 12_400, clicks: 310 })
        .expect("counts");
    totals
        .add_counts("statement", counts! { impressions: 12_100, clicks: 362 })
        .expect("counts");
    let a = totals.analyze(&Metric::click_through()).expect("analysis");
    assert_eq!(a.design.design, Design::IndependentPosts);
    assert!(
        a.design.reason.contains("taken as one post"),
        "{}",
        a.design.reason
    );
    let c = &a.comparisons[0];
    assert_eq!((c.control_units, c.variant_units), (1, 1));
    assert!(c.test.is_none() && c.adjusted_p_value.is_none());
    assert!(a.to_string().contains("no test: 1 post(s)"));
}

/// Would catch: a declared randomisation without a split going unchecked.
#[test]
fn declared_randomised_exposure_checks_an_equal_split() {
    let exp = Experiment::builder("promoted")
        .variant("a", "A")
        .variant("b", "B")
        .control("a")
        .design(Design::RandomisedExposure)
        .build()
        .expect("valid");
    exp.add_counts("a", counts! { impressions: 303_844, clicks: 9_100 })
        .expect("counts");
    exp.add_counts("b", counts! { impressions: 300_082, clicks: 9_300 })
        .expect("counts");
    let a = exp.analyze(&Metric::click_through()).expect("analysis");
    assert_eq!(a.design.source, DesignSource::Declared);
    assert!(a.comparisons.is_empty());
    assert!(a.srm.as_ref().is_some_and(|s| s.mismatch));
}

/// Would catch: any of the bad inputs of the acceptance list passing
/// silently or panicking.
#[test]
fn bad_posts_get_typed_errors() {
    let mut exp = texts();
    assert_eq!(
        exp.add_post(Post::new("p", "nope").expect("post")),
        Err(Error::UnknownVariant { id: "nope".into() })
    );
    exp.add_post(Post::new("p", "question").expect("post"))
        .expect("add");
    assert_eq!(
        exp.add_post(Post::new("p", "statement").expect("post")),
        Err(Error::DuplicatePost { id: "p".into() })
    );
    // All or nothing.
    let before = exp.clone();
    let err = exp.add_posts([
        Post::new("x1", "statement").expect("post"),
        Post::new("x1", "question").expect("post"),
    ]);
    assert_eq!(err, Err(Error::DuplicatePost { id: "x1".into() }));
    assert_eq!(exp, before);
    assert_eq!(
        exp.record_post("zz", Outcome::Click, at(1, 8)),
        Err(Error::UnknownPost { id: "zz".into() })
    );

    // A block with one variant only.
    let mut exp = paired();
    exp.add_post(
        Post::new("lonely", "question")
            .and_then(|p| p.in_block("blog-x"))
            .expect("post")
            .with_counts(counts! { impressions: 100, clicks: 3 }),
    )
    .expect("add");
    let err = exp.analyze(&Metric::click_through()).unwrap_err();
    assert!(
        matches!(&err, Error::InvalidBlock { key, .. } if key == "blog-x"),
        "{err}"
    );

    // Two posts of one variant in a block.
    let mut exp = paired();
    exp.add_post(
        Post::new("again", "question")
            .and_then(|p| p.in_block("blog-3"))
            .expect("post"),
    )
    .expect("add");
    let err = exp.analyze(&Metric::click_through()).unwrap_err();
    assert!(matches!(&err, Error::InvalidBlock { .. }), "{err}");

    // A declared paired design whose posts have no blocks.
    let mut exp = Experiment::builder("x")
        .variant("a", "A")
        .variant("b", "B")
        .control("a")
        .design(Design::PairedPosts)
        .build()
        .expect("valid");
    exp.add_post(Post::new("p", "a").expect("post"))
        .expect("add");
    assert!(matches!(
        exp.analyze(&Metric::click_through()),
        Err(Error::DesignMismatch { .. })
    ));

    // Counts not attributed to posts beside posts.
    let exp = paired();
    exp.add_counts("statement", counts! { impressions: 500, clicks: 9 })
        .expect("counts");
    let err = exp.analyze(&Metric::click_through()).unwrap_err();
    assert!(
        err.to_string().contains("not attributed to any post"),
        "{err}"
    );
}

/// Would catch: post events not reaching the post or its variant, or a
/// round trip losing posts or their events.
#[test]
fn events_are_attributed_to_their_post_and_round_trip() {
    let mut exp = texts();
    exp.add_post(
        Post::new("t1", "question")
            .expect("post")
            .published_at(at(5, 8))
            .with_counts(counts! { impressions: 1_000, clicks: 10 }),
    )
    .expect("add");
    // A click 100 minutes after the post went out still belongs to it.
    exp.record_post(
        "t1",
        Outcome::Click,
        "2026-10-05T09:40:00Z".parse().expect("t"),
    )
    .expect("record");
    exp.add_post_counts("t1", counts! { impressions: 50 })
        .expect("top-up");
    assert_eq!(exp.post_counts("t1").expect("post").clicks(), 11);
    assert_eq!(
        exp.counts("question").expect("variant").impressions(),
        1_050
    );
    assert_eq!(
        exp.post("t1").and_then(Post::publication_time),
        Some(at(5, 8))
    );
    let json = serde_json::to_string(&exp).expect("json");
    let back: Experiment = serde_json::from_str(&json).expect("read");
    assert_eq!(back, exp);
    assert_eq!(back.post_counts("t1").expect("post").clicks(), 11);
    // A document whose post names an unknown variant, or repeats an id.
    let bad = json.replace("\"variant\":\"question\"", "\"variant\":\"nope\"");
    assert!(serde_json::from_str::<Experiment>(&bad).is_err());
    let dup = json.replace(
        "\"posts\":[",
        "\"posts\":[{\"id\":\"t1\",\"variant\":\"statement\",\"counts\":{}},",
    );
    let err = serde_json::from_str::<Experiment>(&dup).unwrap_err();
    assert!(err.to_string().contains("duplicate post id"), "{err}");
}

/// Would catch: an analysis document with comparisons that do not fit its
/// design being accepted.
#[test]
fn analyses_with_posts_round_trip_and_are_checked() {
    let a = paired()
        .analyze_with(&Metric::click_through(), &AnalysisOptions::default())
        .expect("analysis");
    let json = serde_json::to_string(&a).expect("json");
    let back: postab::analysis::Analysis = serde_json::from_str(&json).expect("read");
    assert_eq!(back, a);
    let bad = json.replace("\"variant\":\"statement\"", "\"variant\":\"question\"");
    assert!(serde_json::from_str::<postab::analysis::Analysis>(&bad).is_err());
}

/// Would catch: the account history not reaching the analysis, or the
/// analysis computing something other than the hierarchical posterior.
#[test]
fn one_post_each_is_calibrated_by_the_account_history() {
    use postab::repeated::{AccountHistory, MIN_HISTORY_POSTS, post_bayes};
    let past: Vec<Proportion> = PAIRS
        .iter()
        .flat_map(|&(a, b)| [a, b])
        .map(|(y, n)| Proportion::new(y, n).expect("p"))
        .collect();
    let history = AccountHistory::fit(&past).expect("history");
    let mut exp = texts();
    exp.add_post(
        Post::new("q", "question")
            .expect("post")
            .with_counts(counts! { impressions: 2_050, clicks: 41 }),
    )
    .expect("add");
    exp.add_post(
        Post::new("s", "statement")
            .expect("post")
            .with_counts(counts! { impressions: 1_980, clicks: 52 }),
    )
    .expect("add");
    let mut options = AnalysisOptions::default();
    let plain = exp
        .analyze_with(&Metric::click_through(), &options)
        .expect("analysis");
    options.history = Some(history.clone());
    let calibrated = exp
        .analyze_with(&Metric::click_through(), &options)
        .expect("analysis");
    let a = [Proportion::new(41, 2_050).expect("p")];
    let b = [Proportion::new(52, 1_980).expect("p")];
    let direct = post_bayes(&a, &b, 0.95, Some(&history)).expect("bayes");
    assert_eq!(calibrated.comparisons[0].bayes, direct);
    let naive = calibrated.variants[1]
        .vs_control
        .as_ref()
        .expect("comparison")
        .prob_beats_control;
    // The honest figure is below the impression-level one: posts differ
    // by more than coin flips.
    let p = direct.prob_b_better;
    assert!(p > 0.5 && p < naive - 0.02 && naive > 0.9, "{p} {naive}");
    assert_ne!(plain.comparisons[0].bayes, direct);
    assert!(
        calibrated
            .to_string()
            .contains("calibrated to the account: 24 past posts")
    );
    // A history too short says how many posts are needed.
    assert_eq!(
        AccountHistory::fit(&past[..5]),
        Err(Error::HistoryTooShort {
            posts: 5,
            needed: MIN_HISTORY_POSTS
        })
    );
}

/// Would catch: a batch naming an unknown post recording part of itself.
#[test]
fn post_batches_are_all_or_nothing() {
    let mut exp = texts();
    exp.add_post(Post::new("t1", "question").expect("post"))
        .expect("add");
    let when = at(3, 8);
    let err = exp.record_post_batch([
        postab::Event::new("t1", Outcome::Impression, when).times(10),
        postab::Event::new("nope", Outcome::Click, when),
    ]);
    assert_eq!(err, Err(Error::UnknownPost { id: "nope".into() }));
    assert_eq!(exp.post_counts("t1").expect("post").impressions(), 0);
    exp.record_post_batch([postab::Event::new("t1", Outcome::Impression, when).times(10)])
        .expect("batch");
    assert_eq!(exp.counts("question").expect("variant").impressions(), 10);
}

/// Would catch: the leader taken from impressions in a post design.
#[test]
fn the_leader_follows_the_design_unit() {
    let a = paired()
        .analyze(&Metric::click_through())
        .expect("analysis");
    let c = a.comparison("statement").expect("comparison");
    let expected = if c.bayes.prob_b_better > c.bayes.prob_a_better {
        "statement"
    } else {
        "question"
    };
    assert_eq!(a.leader(), expected);
    assert!(a.comparison("question").is_none());
    assert_eq!(
        a.variant("question").map(|v| v.id.as_str()),
        Some("question")
    );
    assert!(a.variant("nope").is_none());
}

/// Would catch: a count metric (replies per impression) under a paired
/// design analysed at the wrong unit, or silently not at all (it returned
/// no unit comparison before), or with binomial instead of Poisson
/// within-block variances.
#[test]
fn count_metrics_of_paired_posts_are_compared_block_by_block() -> Result<(), Error> {
    // The same 12 blog posts, counting replies per impression.
    let mut exp = texts();
    let replies = [
        (3, 9),
        (1, 4),
        (8, 7),
        (2, 5),
        (0, 2),
        (4, 6),
        (6, 5),
        (1, 3),
        (2, 4),
        (5, 9),
        (1, 0),
        (3, 6),
    ];
    for (i, (&((_, na), (_, nb)), &(ra, rb))) in PAIRS.iter().zip(&replies).enumerate() {
        let day = 1 + 2 * i as u32;
        for (id, variant, n, r, t) in [
            (format!("q{i}"), "question", na, ra, at(day, 8)),
            (format!("s{i}"), "statement", nb, rb, at(day + 1, 8)),
        ] {
            exp.add_post(
                Post::new(id, variant)?
                    .in_block(format!("blog-{i}"))?
                    .published_at(t)
                    .with_counts(counts! { impressions: n, replies: r }),
            )?;
        }
    }
    let metric = Metric::per_exposure(
        "replies_per_impression",
        [Outcome::Reply],
        Outcome::Impression,
    )?;
    let a = exp.analyze(&metric)?;
    assert_eq!(a.design.design, Design::PairedPosts);
    assert_eq!(a.comparisons.len(), 1);
    let c = &a.comparisons[0];
    assert_eq!(c.unit, UnitOfAnalysis::Block);
    assert_eq!((c.control_units, c.variant_units), (12, 12));
    assert!(c.stratified.is_none(), "CMH is for rates per impression");
    let blocks: Vec<Block<PostCount>> = PAIRS
        .iter()
        .zip(&replies)
        .enumerate()
        .map(|(i, (&((_, na), (_, nb)), &(ra, rb)))| {
            Ok(Block::new(
                format!("blog-{i}"),
                PostCount::new(ra, na as f64)?,
                PostCount::new(rb, nb as f64)?,
            )?
            .with_order(Order::AFirst))
        })
        .collect::<Result<_, Error>>()?;
    let direct = paired_test(&blocks, 0.95)?;
    let Some(UnitTest::Paired(via)) = &c.test else {
        panic!("paired test expected: {c:?}")
    };
    assert!((via.test.log_rate_ratio - direct.test.log_rate_ratio).abs() < 1e-12);
    assert!((via.test.p_value - direct.test.p_value).abs() < 1e-12);
    let bayes = postab::repeated::paired_bayes(&blocks, 0.95, None)?;
    // Blocks sort by key as strings there: equal to rounding.
    assert!((c.bayes.prob_b_better - bayes.prob_b_better).abs() < 1e-12);
    assert!((c.bayes.mean - bayes.mean).abs() < 1e-12);
    assert!(a.to_string().contains("unit: block"), "{a}");
    Ok(())
}
