//! End-to-end analyses through `Experiment`, checked against reference values.

use postab::analysis::{FittedPosterior, Model};
use postab::{Error, Experiment, Metric, Outcome, counts};

fn two_arm(a: (u64, u64), b: (u64, u64)) -> Experiment {
    let exp = Experiment::builder("test")
        .variant("a", "control text")
        .variant("b", "variant text")
        .control("a")
        .build()
        .expect("valid experiment");
    exp.add_counts("a", counts! { impressions: a.1, clicks: a.0 })
        .expect("counts");
    exp.add_counts("b", counts! { impressions: b.1, clicks: b.0 })
        .expect("counts");
    exp
}

/// Replies per impression for a broadcast (control) and a question post.
fn replies_report(control: (u64, u64), question: (u64, u64)) -> postab::analysis::Analysis {
    let exp = Experiment::builder("replies")
        .variant("broadcast", "Our new post: {link}")
        .variant("question", "What do you think? {link}")
        .control("broadcast")
        .build()
        .expect("valid");
    exp.add_counts(
        "broadcast",
        counts! { impressions: control.1, replies: control.0 },
    )
    .expect("counts");
    exp.add_counts(
        "question",
        counts! { impressions: question.1, replies: question.0 },
    )
    .expect("counts");
    let metric = Metric::per_exposure(
        "replies_per_impression",
        vec![Outcome::Reply],
        Outcome::Impression,
    )
    .expect("metric");
    exp.analyze(&metric).expect("analysis")
}

#[test]
fn rate_analysis_matches_golden_values() {
    // golden-public.json: ztest_2prop_pooled-001, beta_prob_b_beats_a-001 (3/40 vs 7/40),
    // proportion_ci-00x (Wilson for 3/40).
    let report = two_arm((3, 40), (7, 40))
        .analyze(&Metric::click_through())
        .expect("analysis");
    assert_eq!(report.model, Model::BetaBinomial);
    let b = &report.variants[1];
    let vs = b.vs_control.as_ref().expect("b is compared with a");
    assert!((vs.p_value / 0.176_296_374_440_511_1 - 1.0).abs() < 1e-10);
    assert!((vs.prob_beats_control - 0.903_235_522_673_705_4).abs() < 1e-12);
    assert_eq!(
        vs.adjusted_p_value, vs.p_value,
        "one comparison: nothing to adjust"
    );
    assert!((report.variants[0].prob_best + b.prob_best - 1.0).abs() < 1e-12);
    assert!(
        matches!(b.posterior, FittedPosterior::Beta(p) if p.alpha() == 8.0 && p.beta() == 34.0)
    );
    // Newcombe interval of B − A (two_prop_diff_ci-001).
    let d = vs
        .difference_interval
        .expect("rates have a difference interval");
    assert!(
        (d.lower - -0.05149820167968385).abs() < 1e-12
            && (d.upper - 0.2526345911663303).abs() < 1e-12
    );
    // The table names the outcomes and every variant.
    let text = report.to_string();
    assert!(text.contains("impressions") && text.contains("clicks") && text.contains("control"));
    // The report is plain data: JSON round trip.
    let json = serde_json::to_string(&report).expect("serialise");
    let back: postab::analysis::Analysis = serde_json::from_str(&json).expect("deserialise");
    assert_eq!(back, report);
}

#[test]
fn analysis_is_right_at_ten_million_impressions() {
    // beta_prob_b_beats_a at 10⁷ trials: compare the report with the engine.
    let report = two_arm((10_000, 10_000_000), (10_300, 10_000_000))
        .analyze(&Metric::click_through())
        .expect("analysis");
    let vs = report.variants[1].vs_control.as_ref().expect("compared");
    assert!(vs.prob_beats_control > 0.98 && vs.prob_beats_control < 1.0);
    // No split declared: no sample-ratio check (organic posts).
    assert!(report.srm.is_none());
}

#[test]
fn count_per_exposure_metric_uses_gamma_poisson() {
    let report = replies_report((3, 40), (7, 40));
    assert_eq!(report.model, Model::GammaPoisson);
    let vs = report.variants[1].vs_control.as_ref().expect("compared");
    // gamma_poisson_prob_b_beats_a-001: Gamma(4, 40) vs Gamma(8, 40) = 0.88671875 exactly.
    assert!((vs.prob_beats_control - 0.88671875).abs() < 1e-12);
    // Exact conditional test: 7 of 10 events in B at equal exposure, two-sided
    // binomial p = 0.34375 (scipy.stats.binomtest(7, 10, 0.5).pvalue).
    assert!((vs.p_value - 0.34375).abs() < 1e-12);
    assert!(vs.ratio_interval.is_some());
}

#[test]
fn zero_traffic_is_an_error_naming_the_variant() {
    let exp = two_arm((0, 0), (3, 40));
    match exp.analyze(&Metric::click_through()) {
        Err(Error::ZeroTraffic { variant }) => assert_eq!(variant, "a"),
        other => panic!("expected ZeroTraffic, got {other:?}"),
    }
}

#[test]
fn three_arms_are_holm_adjusted() {
    let exp = Experiment::builder("three")
        .variant("a", "a")
        .variant("b", "b")
        .variant("c", "c")
        .control("a")
        .build()
        .expect("valid");
    exp.add_counts("a", counts! { impressions: 10_000, clicks: 200 })
        .expect("counts");
    exp.add_counts("b", counts! { impressions: 10_000, clicks: 260 })
        .expect("counts");
    exp.add_counts("c", counts! { impressions: 10_000, clicks: 205 })
        .expect("counts");
    let report = exp.analyze(&Metric::click_through()).expect("analysis");
    let p: Vec<f64> = report.variants[1..]
        .iter()
        .map(|v| v.vs_control.as_ref().expect("compared").p_value)
        .collect();
    let adj: Vec<f64> = report.variants[1..]
        .iter()
        .map(|v| v.vs_control.as_ref().expect("compared").adjusted_p_value)
        .collect();
    // Holm with m = 2: the smaller p doubles, the larger is max(2 p_min, p_max).
    let (lo, hi) = if p[0] < p[1] { (0, 1) } else { (1, 0) };
    assert!((adj[lo] - 2.0 * p[lo]).abs() < 1e-15);
    assert!((adj[hi] - p[hi].max(2.0 * p[lo])).abs() < 1e-15);
    let total: f64 = report.variants.iter().map(|v| v.prob_best).sum();
    assert!((total - 1.0).abs() < 1e-9);
}

#[test]
fn rate_ratio_interval_is_variant_over_control() {
    let report = replies_report((30, 4_000), (70, 4_000));
    let ci = report.variants[1]
        .vs_control
        .as_ref()
        .and_then(|v| v.ratio_interval)
        .expect("defined");
    // Observed ratio 70/30 = 2.33 lies inside; the interval is above 1.
    assert!(ci.contains(70.0 / 30.0) && ci.lower > 1.0, "{ci:?}");
}

/// Issue 12: organic posts get no sample-ratio flag (their impressions are
/// an outcome, not a randomised split); a declared 50/50 split with
/// 303,844 vs 300,082 impressions is still flagged.
#[test]
fn sample_ratio_check_only_for_a_declared_split() {
    let exp = two_arm((9_100, 303_844), (9_300, 300_082));
    let organic = exp.analyze(&Metric::click_through()).expect("analysis");
    assert!(organic.srm.is_none());
    assert!(organic.to_string().contains("no split declared"));
    let mut options = postab::analysis::AnalysisOptions::default();
    options.split = Some(vec![1.0, 1.0]);
    let declared = exp
        .analyze_with(&Metric::click_through(), &options)
        .expect("analysis");
    let srm = declared.srm.clone().expect("a declared split is checked");
    assert!(srm.mismatch && srm.p_value < 1e-3, "{srm:?}");
    assert!(declared.to_string().contains("MISMATCH"));
    assert_eq!(
        declared.design.design,
        postab::design::Design::RandomisedExposure
    );
    assert!(
        declared
            .to_string()
            .contains("design: randomised exposure (declared; unit: impression)")
    );
}

/// Issue 13: metrics declared on the builder were stored and never used;
/// `analyze_all` analyses each of them, in order, under the same design,
/// and says so plainly when none was declared.
#[test]
fn analyze_all_covers_every_declared_metric() -> Result<(), postab::Error> {
    use postab::{Error, Experiment, Metric, counts};
    let exp = Experiment::builder("launch")
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
    let all = exp.analyze_all()?;
    let names: Vec<&str> = all.iter().map(|a| a.metric.as_str()).collect();
    assert_eq!(names, ["click_through", "repost_rate"]);
    assert_eq!(all[0], exp.analyze(&Metric::click_through())?);
    assert_eq!(all[1], exp.analyze(&Metric::repost_rate())?);
    assert_eq!(all[1].variant("s").map(|v| v.numerator), Some(30));
    let bare = Experiment::builder("bare")
        .variant("q", "Q")
        .variant("s", "S")
        .control("q")
        .build()?;
    assert_eq!(
        bare.analyze_all(),
        Err(Error::NoMetrics {
            experiment: "bare".into()
        })
    );
    Ok(())
}

/// Issue 13: the report never showed what differed between the variants.
/// Attributes the variants share are left out; those that differ are
/// listed for every variant, a missing one as "none".
#[test]
fn the_analysis_names_what_differs() -> Result<(), postab::Error> {
    use postab::post::MediaKind;
    use postab::{Experiment, Metric, Variant, counts};
    let exp = Experiment::builder("cta")
        .variant_full(
            Variant::new("plain", "New post {link}")?
                .with_link("https://example.com/a")
                .with_media(MediaKind::LinkCard),
        )
        .variant_full(
            Variant::new("cta", "New post {link}")?
                .with_link("https://example.com/a")
                .with_media(MediaKind::Image)
                .with_call_to_action("Read it")
                .with_tag("tone", "warm"),
        )
        .control("plain")
        .build()?;
    exp.add_counts("plain", counts! { impressions: 5_000, clicks: 100 })?;
    exp.add_counts("cta", counts! { impressions: 5_000, clicks: 130 })?;
    let a = exp.analyze(&Metric::click_through())?;
    let attrs = |id: &str| {
        a.variant(id)
            .map(|v| v.attributes.clone())
            .unwrap_or_default()
    };
    let keys: Vec<String> = attrs("cta").into_keys().collect();
    assert_eq!(keys, ["call_to_action", "media", "tone"]);
    assert_eq!(attrs("plain")["call_to_action"], "none");
    assert_eq!(attrs("plain")["tone"], "none");
    assert_eq!(attrs("cta")["media"], "image");
    let text = a.to_string();
    assert!(
        text.contains("what differs between the variants:"),
        "{text}"
    );
    assert!(!text.contains("example.com"), "shared link shown: {text}");
    Ok(())
}

/// Issue 14: counts per post without impressions get the post as the unit
/// in `Experiment::analyze`: the comparison is `post_count_test` and
/// `post_count_bayes` on each post's count over its exposure.
#[test]
fn counts_per_post_are_compared_post_by_post() -> Result<(), Box<dyn std::error::Error>> {
    use postab::repeated::{PostCount, UnitOfAnalysis, post_count_bayes, post_count_test};
    use postab::{Experiment, Metric, Outcome, Post, counts};
    let posts = Outcome::custom("posts")?;
    let metric = Metric::per_exposure("likes_per_post", [Outcome::Like], posts.clone())?;
    let mut exp = Experiment::builder("likes")
        .variant("plain", "Plain")
        .variant("image", "With an image")
        .control("plain")
        .build()?;
    let (plain, image) = ([3u64, 8, 5, 12, 4, 6], [9u64, 25, 14, 40, 11, 17]);
    for (variant, likes) in [("plain", &plain), ("image", &image)] {
        for (i, &n) in likes.iter().enumerate() {
            let c = counts! { likes: n }.with(&posts, 1)?;
            exp.add_post(Post::new(format!("{variant}-{i}"), variant)?.with_counts(c))?;
        }
    }
    let a = exp.analyze(&metric)?;
    let c = a.comparison("image").ok_or("a post-level comparison")?;
    assert_eq!(c.unit, UnitOfAnalysis::Post);
    let (pa, pb) = (
        plain.map(PostCount::per_post),
        image.map(PostCount::per_post),
    );
    let test = post_count_test(&pa, &pb, 0.95)?;
    assert_eq!(
        c.test.as_ref().map(|t| t.p_value()),
        Some(test.test.p_value)
    );
    assert_eq!(c.bayes, post_count_bayes(&pa, &pb, 0.95)?);
    assert_eq!(a.leader(), "image");
    Ok(())
}
