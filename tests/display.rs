//! Every public result type of bayes, freq, sequential and numeric (the
//! report types have their snapshot tests) prints a readable summary with
//! `Display`; the formats are pinned here, and the doc comment of each
//! `Display` impl quotes these lines.

use postab::Interval;
use postab::bayes::{
    BetaPosterior, BetaPrior, DecisionRule, GammaPosterior, GammaPrior, NormalPosterior, decide,
    expected_loss, monte_carlo, prob_beats, rank,
};
use postab::freq::{
    Alternative, Correction, Mde, PairwiseOptions, PoissonTestMethod, Proportion, RateCount,
    SampleSummary, StratifiedTables, TestDesign, ZTestOptions, chi_square_test, compare_to_control,
    fisher_exact, g_test, multiple_comparisons, poisson_rate_test, sample_ratio_mismatch,
    two_proportion_ztest, welch_t_test,
};
use postab::numeric::quad::integrate;
use postab::rand::SeedableRng;
use postab::rand::rngs::Xoshiro256PlusPlus;
use postab::sequential::{GroupSequential, Msprt, MsprtMonitor, SpendingFunction, Tally};

type Res = Result<(), postab::Error>;

fn arms() -> Result<(Proportion, Proportion), postab::Error> {
    Ok((Proportion::new(310, 12_400)?, Proportion::new(352, 12_000)?))
}

#[test]
fn intervals_and_distributions() -> Res {
    let ci = Interval::new(0.0224, 0.0279);
    assert_eq!(ci.to_string(), "[0.02240, 0.02790]");
    assert_eq!(format!("{ci:.3}"), "[0.022, 0.028]");
    assert_eq!(
        Interval::new(0.5, f64::INFINITY).to_string(),
        "[0.5000, inf]"
    );
    assert_eq!(
        Interval::new(f64::NEG_INFINITY, 0.0).to_string(),
        "[-inf, 0]"
    );
    assert_eq!(
        BetaPosterior::from_counts(310, 12_400)?.to_string(),
        "Beta(311, 12091)"
    );
    assert_eq!(BetaPrior::uniform().to_string(), "Beta(1, 1)");
    assert_eq!(
        format!("{:.1}", BetaPrior::new(0.5, 0.5)?),
        "Beta(0.5, 0.5)"
    );
    assert_eq!(GammaPrior::default().to_string(), "Gamma(1, 0)");
    assert_eq!(GammaPosterior::new(8.0, 40.0)?.to_string(), "Gamma(8, 40)");
    assert_eq!(
        NormalPosterior::new(0.1, 0.02)?.to_string(),
        "Normal(0.1000, 0.02000)"
    );
    Ok(())
}

#[test]
fn bayesian_results() -> Res {
    let a = BetaPosterior::from_counts(310, 12_400)?;
    let b = BetaPosterior::from_counts(352, 12_000)?;
    assert_eq!(
        prob_beats(&a, &b).to_string(),
        "P(B > A) = 0.9813, P(A > B) = 0.01867"
    );
    assert_eq!(
        expected_loss(&a, &b).to_string(),
        "expected loss 0.004349 choosing A, 1.415e-5 choosing B"
    );
    assert_eq!(
        format!("{:.5}", expected_loss(&a, &b)),
        "expected loss 0.00435 choosing A, 0.00001 choosing B"
    );
    assert_eq!(
        rank(&[a, b])?.to_string(),
        "variant 0: P(best) = 0.01867, P(worst) = 0.9813, expected loss 0.004349 (lower better: 1.415e-5)\n\
         variant 1: P(best) = 0.9813, P(worst) = 0.01867, expected loss 1.415e-5 (lower better: 0.004349)"
    );
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(1);
    let mc = monte_carlo(&[a, b], 10_000, &mut rng, |p| {
        f64::from(u8::from(p[1] > p[0]))
    })?;
    assert_eq!(mc.to_string(), "0.9805 ± 0.001383 (10000 draws)");
    assert_eq!(
        decide(&[a, b], 0, &DecisionRule::new(1e-4)?)?.to_string(),
        "ship variant 1 (expected loss 1.415e-5, P(best) = 0.9813)"
    );
    assert_eq!(
        decide(&[a, b], 0, &DecisionRule::new(1e-6)?)?.to_string(),
        "keep running: leader variant 1 (expected loss 1.415e-5, P(best) = 0.9813)"
    );
    let same = decide(&[a, a], 0, &DecisionRule::new(1e-9)?.with_rope(0.5)?)?;
    assert_eq!(same.to_string(), "equivalent (P(|lift| < ROPE) = 1.0000)");
    Ok(())
}

#[test]
fn frequentist_tests() -> Res {
    let (a, b) = arms()?;
    assert_eq!(a.to_string(), "310/12400 (2.500%)");
    assert_eq!(
        two_proportion_ztest(a, b, ZTestOptions::default())?.to_string(),
        "z = 2.083, p = 0.03726 (two-sided, pooled), difference B − A = +0.004333 (s.e. 0.002080)"
    );
    let options = ZTestOptions::default()
        .with_continuity_correction(true)
        .with_null_difference(-0.002)
        .with_alternative(Alternative::Larger);
    assert_eq!(
        two_proportion_ztest(a, b, options)?.to_string(),
        "z = 3.001, p = 0.001347 (B larger, pooled, continuity-corrected, H0 difference -0.002), \
         difference B − A = +0.004333 (s.e. 0.002083)"
    );
    assert_eq!(
        fisher_exact(a, b, Alternative::TwoSided)?.to_string(),
        "Fisher's exact test (two-sided): p = 0.04036"
    );
    let table = [[310u64, 12_090], [352, 11_648]];
    assert_eq!(
        chi_square_test(&table, true)?.to_string(),
        "Pearson chi-square (Yates-corrected) = 4.176, 1 dof, p = 0.04100"
    );
    assert_eq!(
        g_test(&table)?.to_string(),
        "likelihood-ratio G = 4.339, 1 dof, p = 0.03724"
    );
    assert_eq!(
        sample_ratio_mismatch(&[12_400, 12_000], &[0.5, 0.5])?.to_string(),
        "sample ratio chi-square = 6.557, 1 dof, p = 0.01045: no mismatch"
    );
    assert_eq!(
        multiple_comparisons(&[0.01, 0.04, 0.3], Correction::Holm, 0.05)?.to_string(),
        "Holm at α = 0.05: p = 0.03000 (rejected), 0.08000, 0.3000"
    );
    let third = Proportion::new(290, 12_100)?;
    let cmp = compare_to_control(&[a, b, third], 0, PairwiseOptions::default())?;
    assert_eq!(
        cmp[0].to_string(),
        "variant 1 vs control: difference +0.004333, interval [0.0002531, 0.008438], \
         p = 0.03726, adjusted p = 0.07452, not rejected"
    );
    assert_eq!(
        cmp[1].to_string(),
        "variant 2 vs control: difference -0.001033, interval [-0.004912, 0.002850], \
         p = 0.6009, adjusted p = 0.6009, not rejected"
    );
    let (sa, sb) = (
        SampleSummary::new(12.0, 4.0, 200)?,
        SampleSummary::new(13.1, 5.0, 180)?,
    );
    assert_eq!(sa.to_string(), "mean 12.00, sd 4.000, n = 200");
    assert_eq!(
        welch_t_test(sa, sb, Alternative::TwoSided, 0.95)?.to_string(),
        "Welch t = 2.351 on 342.4 dof, p = 0.01928, difference B − A = +1.100 (s.e. 0.4679), \
         interval [0.1798, 2.020]"
    );
    Ok(())
}

#[test]
fn rates_planning_and_strata() -> Res {
    let (ra, rb) = (RateCount::new(18, 9_000.0)?, RateCount::new(41, 9_200.0)?);
    assert_eq!(ra.to_string(), "18 events over 9000 units of exposure");
    let exact = PoissonTestMethod::ExactConditional;
    assert_eq!(
        poisson_rate_test(ra, rb, 1.0, Alternative::TwoSided, exact)?.to_string(),
        "rate ratio B/A 2.228 (H0 1, two-sided), p = 0.003916"
    );
    let score = PoissonTestMethod::Score;
    assert_eq!(
        poisson_rate_test(ra, rb, 1.0, Alternative::Larger, score)?.to_string(),
        "rate ratio B/A 2.228 (H0 1, B larger), z = 2.910, p = 0.001806"
    );
    let no_events = RateCount::new(0, 9_000.0)?;
    assert_eq!(
        poisson_rate_test(no_events, rb, 1.0, Alternative::TwoSided, exact)?
            .to_string()
            .split(',')
            .next(),
        Some("rate ratio B/A undefined (H0 1")
    );
    let design = TestDesign::new(0.02);
    assert_eq!(
        design.sample_size(Mde::Relative(0.10), 0.8)?.to_string(),
        "80682 control + 80682 variant = 161364 impressions (rate 2.000% → 2.200%)"
    );
    assert_eq!(
        design.detectable_effect(50_000.0, 0.8)?.to_string(),
        "+0.2557 percentage points (+12.78% relative), rate → 2.256%"
    );
    let tables = StratifiedTables::new(&[
        [[31, 4_969], [45, 4_955]],
        [[12, 2_988], [20, 3_280]],
        [[7, 1_993], [5, 1_995]],
    ])?;
    assert_eq!(
        tables.cmh_test(true)?.to_string(),
        "CMH chi-square = 2.563 (continuity-corrected), p = 0.1094"
    );
    assert_eq!(
        tables.pooled_odds_ratio(0.95)?.to_string(),
        "Mantel–Haenszel odds ratio 1.368, 95% interval [0.9504, 1.969]"
    );
    assert_eq!(
        tables.breslow_day(true)?.to_string(),
        "Breslow–Day chi-square = 1.427 (Tarone-adjusted), 2 dof, p = 0.4899"
    );
    Ok(())
}

#[test]
fn sequential_results() -> Res {
    let t = Msprt::new(0.05, 0.01)?;
    assert_eq!(t.to_string(), "mSPRT (α = 0.05, τ = 0.01)");
    assert_eq!(
        t.with_null_difference(-0.001)?.to_string(),
        "mSPRT (α = 0.05, τ = 0.01, H0 difference -0.001)"
    );
    assert_eq!(Tally::new(25, 1_000)?.to_string(), "25/1000");
    let mut m = MsprtMonitor::new(t);
    let looks = (1..=3u64)
        .map(|k| {
            m.update(
                Tally::new(25 * k, 1_000 * k)?,
                Tally::new(40 * k, 1_000 * k)?,
            )
        })
        .collect::<Result<Vec<_>, _>>()?;
    assert_eq!(
        looks[0].to_string(),
        "difference +0.01500, always-valid p = 0.5445, confidence sequence [-0.01188, 0.04188]: continue"
    );
    assert_eq!(
        looks[2].to_string(),
        "difference +0.01500, always-valid p = 0.02882, confidence sequence [0.0009656, 0.02903]: reject"
    );
    assert_eq!(
        m.to_string(),
        "mSPRT (α = 0.05, τ = 0.01) after 3 looks: p = 0.02882, confidence sequence [0.0009656, 0.02903]"
    );
    let g = GroupSequential::new(0.05, SpendingFunction::OBrienFleming)?;
    assert_eq!(
        g.to_string(),
        "group-sequential, O'Brien–Fleming spending of α = 0.05"
    );
    assert_eq!(
        g.boundaries(&[0.25, 0.5, 1.0])?.to_string(),
        "look 1 at 25.00%: |z| ≥ 4.333, nominal α 1.473e-5, cumulative α 1.473e-5\n\
         look 2 at 50.00%: |z| ≥ 2.963, nominal α 0.003045, cumulative α 0.003051\n\
         look 3 at 100.00%: |z| ≥ 1.969, nominal α 0.04900, cumulative α 0.05000"
    );
    let mut sm = GroupSequential::new(0.05, SpendingFunction::Power { rho: 3.0 })?.monitor();
    sm.next_boundary(0.5)?;
    assert_eq!(
        sm.to_string(),
        "group-sequential, power (ρ = 3) spending of α = 0.05: 1 look, α spent 0.006250"
    );
    assert_eq!(SpendingFunction::Pocock.to_string(), "Pocock");
    Ok(())
}

#[test]
fn numeric_results() {
    let r = integrate(|x: f64| x.sqrt(), &[0.0, 1.0], 0.0, 1e-12, 200);
    assert!(r.to_string().starts_with("0.6667 ± "), "{r}");
    assert_eq!(format!("{r:.3}"), "0.667 ± 0.000");
}

#[test]
fn monitoring_and_slot_reports_display_as_their_text() -> Result<(), Box<dyn std::error::Error>> {
    use postab::report::{MonitoringReport, Render};
    let mut m = MonitoringReport::new(
        "launch-post",
        "Question",
        "Statement",
        Msprt::new(0.05, 0.01)?,
        BetaPrior::uniform(),
    );
    let at = "2026-01-05T09:00:00Z".parse().ok();
    m.look(at, Tally::new(25, 1_000)?, Tally::new(40, 1_000)?)?;
    assert_eq!(m.to_string(), m.text());
    assert_eq!(
        m.looks[0].to_string(),
        format!(
            "2026-01-05 09:00 UTC: control 25/1000, treatment 40/1000, P(treatment > control) = {:.4}; \
             difference +0.01500, always-valid p = 0.5445, confidence sequence [-0.01188, 0.04188]: continue",
            m.looks[0].prob_beats_control
        )
    );
    let (morning, noon) = (
        postab::counts! { impressions: 1_000, clicks: 30 },
        postab::counts! { impressions: 1_000, clicks: 20 },
    );
    let at = |h: u32| {
        postab::chrono::TimeZone::with_ymd_and_hms(&postab::chrono::Utc, 2026, 1, 5, h, 0, 0)
            .single()
            .ok_or("date")
    };
    let table = postab::schedule::Slots::hour_of_day(postab::chrono_tz::Europe::London)
        .bucket_posts([(at(8)?, &morning), (at(12)?, &noon)])?;
    let slots = postab::report::SlotReport::new(
        &table,
        &postab::Metric::click_through(),
        &BetaPrior::uniform(),
        None,
    )?;
    assert_eq!(slots.to_string(), slots.text());
    Ok(())
}

#[cfg(feature = "csv")]
#[test]
fn imports() -> Res {
    use postab::import::{ImportMode, read_export_str};
    let csv = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks
2076939755320246272,\"Tue, Jul 14, 2026\",Too rigid? #q,,1000,5,40,0,0,0,1,2,3,4,30,0,0
1,\"Wed, Jul 15, 2026\",Bad id,,900,3,30,0,0,0,0,1,2,2,20,0,0
";
    let report = read_export_str(csv, ImportMode::Lenient)?;
    let text = report.to_string();
    assert!(
        text.starts_with("account content export: 1 post, 1 row skipped\n  line 3: "),
        "{text}"
    );
    assert_eq!(
        report.skipped[0].to_string(),
        format!("line 3: {}", report.skipped[0].error)
    );
    let post = &report.posts[0];
    assert_eq!(
        post.to_string(),
        format!(
            "post 2076939755320246272 at 2026-07-14 08:00 UTC: {}",
            post.counts
        )
    );
    Ok(())
}
