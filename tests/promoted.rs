//! Promoted posts: clicks per unit of spend against statsmodels, scipy and
//! mpmath (`tests/data/promoted_reference.py` made
//! `tests/data/promoted_reference.json`), and organic and promoted reach
//! kept apart.
#![cfg(feature = "csv")]

use postab::import::{
    ColumnMap, ImportMode, Platform, PostRecord, Reach, Spend, TimeFormat, VariantRules,
    read_export_str, read_mapped_path,
};
use postab::promoted::{
    PromotedReport, SpendComparison, SpendOptions, analyze_promoted, compare_spend,
};
use postab::repeated::PostCount;
use postab::{Error, Interval, Outcome, counts};
use serde_json::Value;

/// Relative error, or absolute below 1.
fn err(got: f64, want: f64) -> f64 {
    if got == want {
        return 0.0;
    }
    (got - want).abs() / want.abs().max(1.0)
}

fn number(v: &Value) -> f64 {
    match v {
        Value::String(s) if s == "inf" => f64::INFINITY,
        v => v.as_f64().unwrap(),
    }
}

fn pair(v: &Value) -> (f64, f64) {
    (number(&v[0]), number(&v[1]))
}

fn posts(v: &Value) -> Vec<PostCount> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|p| PostCount::new(p[0].as_u64().unwrap(), p[1].as_f64().unwrap()).unwrap())
        .collect()
}

fn check_interval(what: &str, got: Interval, want: (f64, f64), tol: f64, worst: &mut f64) {
    for (g, w) in [(got.lower, want.0), (got.upper, want.1)] {
        if w.is_infinite() {
            assert_eq!(g, w, "{what}");
            continue;
        }
        let e = err(g, w);
        *worst = worst.max(e);
        assert!(e <= tol, "{what}: {g} vs {w} (error {e:e})");
    }
}

/// Tolerances: p-values, `P(λ_B > λ_A)` and Gamma quantiles 1e-10
/// (relative, absolute below 1); the ratio's credible interval (solved by
/// root finding on `P(lift ≤ t)`) 1e-8; the post-level t-test 1e-10.
#[test]
fn spend_comparisons_match_statsmodels_scipy_and_mpmath() {
    let text = std::fs::read_to_string(format!(
        "{}/tests/data/promoted_reference.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let cases: Value = serde_json::from_str(&text).unwrap();
    let (mut worst_exact, mut worst_ratio) = (0.0f64, 0.0f64);
    for case in cases.as_array().unwrap() {
        let name = case["name"].as_str().unwrap();
        let (a, b) = (posts(&case["a"]), posts(&case["b"]));
        let c = compare_spend(&a, &b, "USD", &SpendOptions::default()).unwrap();
        for (what, got, want) in [
            ("exact-cond p", c.exact_test.p_value, &case["exact_cond_p"]),
            ("score p", c.score_test.p_value, &case["score_p"]),
            (
                "score statistic",
                c.score_test.statistic.unwrap(),
                &case["score_statistic"],
            ),
            ("P(B better)", c.prob_variant_better, &case["prob_b_better"]),
        ] {
            let e = err(got, number(want));
            worst_exact = worst_exact.max(e);
            assert!(e <= 1e-10, "{name} {what}: {got} vs {want} ({e:e})");
        }
        let mut w = 0.0;
        check_interval(name, c.ratio_ci, pair(&case["ratio_ci"]), 1e-10, &mut w);
        check_interval(
            name,
            c.control.per_unit_interval,
            pair(&case["lambda_a"]),
            1e-10,
            &mut w,
        );
        check_interval(
            name,
            c.variant.per_unit_interval,
            pair(&case["lambda_b"]),
            1e-10,
            &mut w,
        );
        check_interval(
            name,
            c.control.cost_interval,
            pair(&case["cost_a"]),
            1e-10,
            &mut w,
        );
        check_interval(
            name,
            c.variant.cost_interval,
            pair(&case["cost_b"]),
            1e-10,
            &mut w,
        );
        worst_exact = worst_exact.max(w);
        check_interval(
            name,
            c.ratio_interval,
            pair(&case["ratio_interval"]),
            1e-8,
            &mut worst_ratio,
        );
        match (&c.post_level, case.get("post_level")) {
            (Some(post), Some(want)) => {
                let t = &post.test;
                for (got, want) in [(t.t, &want["t"]), (t.p_value, &want["p"])] {
                    let e = err(got, number(want));
                    worst_exact = worst_exact.max(e);
                    assert!(e <= 1e-10, "{name} post level: {got} vs {want}");
                }
                let mut w = 0.0;
                check_interval(
                    name,
                    t.rate_ratio_interval,
                    pair(&want["ratio_interval"]),
                    1e-10,
                    &mut w,
                );
                worst_exact = worst_exact.max(w);
            }
            (None, None) => {}
            (got, want) => panic!("{name}: post level {got:?} vs reference {want:?}"),
        }
    }
    println!(
        "worst error: tests and exact values {worst_exact:e}, ratio credible interval {worst_ratio:e}"
    );
}

fn x_ads_map() -> ColumnMap {
    ColumnMap::new("ID", "Time", TimeFormat::pattern("%Y-%m-%d").unwrap())
        .id_also("Time")
        .platform(Platform::X)
        .variant("Campaign")
        .promoted("Impressions", Outcome::Impression)
        .promoted("Clicks", Outcome::Click)
        .spend("Spend", "USD")
        .unwrap()
        .ignore("Engagement rate")
}

#[test]
fn the_x_ads_export_end_to_end() {
    let path = format!(
        "{}/tests/data/mapping/x_ads_campaigns.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    let report = read_mapped_path(path, &x_ads_map(), ImportMode::Strict).unwrap();
    let groups = VariantRules::new().labels().group(&report.posts);
    let promoted = analyze_promoted(&groups, "question hook", &SpendOptions::default()).unwrap();
    assert_eq!(promoted.exposure(), "spend in USD");
    assert_eq!(promoted.currency.as_deref(), Some("USD"));
    let q = &promoted.reach[0];
    assert_eq!(
        (q.variant.as_str(), q.posts, q.promoted_posts),
        ("question hook", 3, 3)
    );
    assert_eq!(
        (q.promoted.impressions(), q.promoted.clicks()),
        (18027, 265)
    );
    assert!(q.organic.is_empty());
    assert!((q.spend - 75.50).abs() < 1e-9);
    let (name, c) = &promoted.comparisons[0];
    assert_eq!(name, "statement hook");
    assert_eq!((c.control.count, c.variant.count), (265, 360));
    assert!((c.variant.spend - 75.20).abs() < 1e-9);
    assert_eq!(c.exposure(), "spend in USD");
    // The same numbers as the low-level comparison of the reference case.
    let a = [(96, 25.40), (81, 24.95), (88, 25.15)].map(|(n, s)| PostCount::new(n, s).unwrap());
    let b = [(121, 25.00), (130, 25.32), (109, 24.88)].map(|(n, s)| PostCount::new(n, s).unwrap());
    let direct = compare_spend(&a, &b, "USD", &SpendOptions::default()).unwrap();
    assert_eq!(c.prob_variant_better, direct.prob_variant_better);
    assert_eq!(c.exact_test, direct.exact_test);
    let shown = promoted.to_string();
    for want in [
        "promoted clicks per unit of spend; exposure: spend in USD; organic and promoted reach apart, never summed",
        "question hook: organic 0 impressions, 0 clicks; promoted 18027 impressions, 265 clicks (3 of 3 posts promoted), spend 75.50 USD",
        "statement hook (B) vs question hook (A):",
        "  exposure: spend in USD; promoted clicks only",
        "  unit of analysis: the post (3 + 3 promoted posts;",
        "pooled Gamma–Poisson: P(B costs less per click)",
        "  A: 3 posts, 265 clicks for 75.50 USD",
        "cost per click",
        "P(B costs less per click) = 0.9999;",
        "pooled (every click independent): exact conditional p = 0.00012",
        "  post level: B vs A over 3 + 3 posts",
    ] {
        assert!(shown.contains(want), "missing {want:?} in\n{shown}");
    }
    // The report reads back through its checks.
    let json = serde_json::to_string(&promoted).unwrap();
    let back: PromotedReport = serde_json::from_str(&json).unwrap();
    assert_eq!(back, promoted);
    let bad = serde_json::to_string(c).unwrap().replace(
        &format!("\"prob_variant_better\":{}", c.prob_variant_better),
        "\"prob_variant_better\":1.5",
    );
    assert!(serde_json::from_str::<SpendComparison>(&bad).is_err());
    let bad = json.replace(
        "\"currency\":\"USD\",\"reach\"",
        "\"currency\":\"EUR\",\"reach\"",
    );
    assert_ne!(bad, json);
    assert!(serde_json::from_str::<PromotedReport>(&bad).is_err());
}

fn own_sheet() -> Vec<PostRecord> {
    let map = ColumnMap::new(
        "post",
        "posted (London)",
        TimeFormat::pattern("%Y-%m-%d %H:%M").unwrap(),
    )
    .zone_named("Europe/London")
    .unwrap()
    .variant("variant")
    .outcome("organic impressions", Outcome::Impression)
    .outcome("organic clicks", Outcome::Click)
    .promoted("paid impressions", Outcome::Impression)
    .promoted("paid clicks", Outcome::Click)
    .spend("spend (GBP)", "GBP")
    .unwrap();
    let path = format!(
        "{}/tests/data/mapping/own_sheet_variants.csv",
        env!("CARGO_MANIFEST_DIR")
    );
    read_mapped_path(path, &map, ImportMode::Strict)
        .unwrap()
        .posts
}

#[test]
fn organic_and_promoted_reach_are_reported_apart() {
    let posts = own_sheet();
    let groups = VariantRules::new().labels().group(&posts);
    let report = analyze_promoted(&groups, "question", &SpendOptions::default()).unwrap();
    let q = &report.reach[0];
    assert_eq!((q.posts, q.promoted_posts), (3, 2));
    assert_eq!((q.organic.impressions(), q.organic.clicks()), (7065, 185));
    assert_eq!(
        (q.promoted.impressions(), q.promoted.clicks()),
        (11300, 131)
    );
    assert!((q.spend - 42.0).abs() < 1e-9);
    let (_, c) = &report.comparisons[0];
    // Only the promoted posts, their paid clicks over their spend.
    assert_eq!((c.control.posts, c.control.count), (2, 131));
    assert_eq!((c.variant.posts, c.variant.count), (3, 269));
    assert!((c.variant.spend - 59.75).abs() < 1e-9);
    assert_eq!(c.currency, "GBP");
    assert!(c.post_level.is_some());
    // Another outcome: promoted impressions bought per pound.
    let per_imp = analyze_promoted(
        &groups,
        "question",
        &SpendOptions::default().outcome(Outcome::Impression),
    )
    .unwrap();
    assert_eq!(per_imp.comparisons[0].1.variant.count, 15800);
    assert!(
        per_imp
            .to_string()
            .contains("promoted impressions per unit of spend")
    );
}

#[test]
fn x_tweet_activity_promoted_columns_give_the_reach_split_without_spend() {
    let header = "Tweet id,Tweet permalink,Tweet text,time,impressions,engagements,engagement rate,retweets,replies,likes,user profile clicks,url clicks,hashtag clicks,detail expands,permalink clicks,app opens,app installs,follows,email tweet,dial phone,media views,media engagements,promoted impressions,promoted engagements,promoted engagement rate,promoted retweets,promoted replies,promoted likes,promoted user profile clicks,promoted url clicks,promoted hashtag clicks,promoted detail expands,promoted permalink clicks,promoted app opens,promoted app installs,promoted follows,promoted email tweet,promoted dial phone,promoted media views,promoted media engagements";
    let organic = "0,0,0,0,0,0,0,0,0,0";
    let csv = format!(
        "{header}\n\
         1224792473470418944,,Hook #q,2020-02-04 19:19 +0000,1376,40,0.029,3,1,12,2,9,{organic},5000,80,0.016,2,1,20,3,41,0,0,0,0,0,0,0,0,0,0\n\
         1224792473470418945,,Hook #s,2020-02-05 19:19 +0000,1200,40,0.033,3,1,12,2,14,{organic},-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-,-\n"
    );
    let report = read_export_str(&csv, ImportMode::Strict).unwrap();
    let groups = VariantRules::new()
        .tag("q", "question")
        .tag("s", "statement")
        .group(&report.posts);
    // The organic sum is the organic counts only.
    assert_eq!(groups.counts("question").unwrap().impressions(), 1376);
    assert_eq!(
        groups
            .counts_in("question", Reach::Promoted)
            .unwrap()
            .impressions(),
        5000
    );
    let promoted = analyze_promoted(&groups, "question", &SpendOptions::default()).unwrap();
    assert!(promoted.comparisons.is_empty());
    assert_eq!(promoted.currency, None);
    assert_eq!(promoted.exposure(), "none (no post has spend)");
    assert_eq!(promoted.reach[0].promoted.clicks(), 41);
    assert_eq!(promoted.reach[1].promoted_posts, 0);
}

#[test]
fn bad_spend_data_are_typed_errors() {
    let at = "2026-07-14T08:00:00Z".parse().unwrap();
    let post = |id: &str, variant: &str, spend: Option<Spend>, paid: bool| {
        let mut p = PostRecord::new(Platform::X, id, at);
        p.variant = Some(variant.to_string());
        p.counts = counts! { impressions: 100, clicks: 3 };
        if paid {
            p.promoted = Some(Box::new(counts! { impressions: 1000, clicks: 20 }));
        }
        p.spend = spend;
        p
    };
    let usd = |x: &str| Some(Spend::from_decimal(x, "USD").unwrap());
    let eur = Some(Spend::from_decimal("5", "EUR").unwrap());
    let rules = VariantRules::new().labels();
    let opts = SpendOptions::default();

    let posts = [post("1", "a", usd("5"), true), post("2", "b", eur, true)];
    assert_eq!(
        analyze_promoted(&rules.group(&posts), "a", &opts).unwrap_err(),
        Error::MixedCurrencies {
            first: "USD".into(),
            second: "EUR".into(),
            post: "2".into()
        }
    );
    let posts = [
        post("1", "a", usd("5"), true),
        post("2", "b", usd("5"), false),
    ];
    assert_eq!(
        analyze_promoted(&rules.group(&posts), "a", &opts).unwrap_err(),
        Error::SpendWithoutPromotedCounts { post: "2".into() }
    );
    let posts = [
        post("1", "a", usd("5"), true),
        post("2", "b", usd("0"), true),
    ];
    assert_eq!(
        analyze_promoted(&rules.group(&posts), "a", &opts).unwrap_err(),
        Error::NoSpend {
            variant: "b".into()
        }
    );
    assert_eq!(
        analyze_promoted(&rules.group(&posts), "c", &opts).unwrap_err(),
        Error::UnknownVariant { id: "c".into() }
    );
    let one = [PostCount::new(3, 1.0).unwrap()];
    assert!(matches!(
        compare_spend(&one, &[], "USD", &opts),
        Err(Error::TooFewPosts { .. })
    ));
    assert_eq!(
        compare_spend(&one, &one, "$", &opts).unwrap_err(),
        Error::InvalidCurrency { code: "$".into() }
    );
    let zero = [PostCount::new(0, 1.0).unwrap()];
    assert!(matches!(
        compare_spend(&zero, &zero, "USD", &opts),
        Err(Error::Undefined { .. })
    ));
    assert!(SpendOptions::default().level(1.0).is_err());
    assert_eq!(
        Spend::from_decimal("1e3", "USD").unwrap_err(),
        Error::InvalidAmount {
            value: "1e3".into()
        }
    );
    assert_eq!(Spend::from_decimal("0.0000005", "USD").unwrap().micros(), 1);
    assert_eq!(Spend::from_decimal("0.0000004", "USD").unwrap().micros(), 0);
    assert!(Spend::from_decimal("99999999999999", "USD").is_err());
}

#[test]
fn extreme_spends_and_counts_are_typed_errors_not_panics() {
    let opts = SpendOptions::default();
    let ok = [PostCount::new(3, 2.0).unwrap()];
    for bad in [
        PostCount::new(3, 1e-200).unwrap(),
        PostCount::new(3, 1e200).unwrap(),
        PostCount::new(u64::MAX, 1.0).unwrap(),
    ] {
        let r = compare_spend(&ok, &[bad], "USD", &opts);
        assert!(
            matches!(r, Err(Error::InvalidParameter { .. })),
            "{bad:?}: {r:?}"
        );
    }
    let two = [
        PostCount::new(u64::MAX, 1.0).unwrap(),
        PostCount::new(1, 1.0).unwrap(),
    ];
    assert!(compare_spend(&ok, &two, "USD", &opts).is_err());
    // Tiny and huge, within range: finite answers, probabilities in [0, 1].
    let tiny = [PostCount::new(0, 1e-3).unwrap()];
    let huge = [PostCount::new(1 << 40, 1e9).unwrap()];
    let c = compare_spend(&tiny, &huge, "JPY", &opts).unwrap();
    assert!((0.0..=1.0).contains(&c.prob_variant_better));
    assert!(c.control.cost_per.is_none());
    assert!(c.variant.cost_interval.lower <= c.variant.cost_interval.upper);
}
