//! Every public result type of bayes, freq, sequential, numeric, repeated,
//! design, analysis, sim and schedule (the report types have their
//! snapshot tests) prints a readable summary with `Display`; the formats
//! are pinned here, and the doc comment of each `Display` impl quotes
//! these lines.

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

#[test]
fn repeated_posts() -> Res {
    use postab::repeated::{
        Block, Order, OrderEffect, PostPlan, compare_overdispersed, fit_beta_binomial,
        naive_binomial_test, paired_test, post_level_test, ratio_estimate,
    };
    let p = Proportion::new;
    let r = ratio_estimate(&[p(10, 1000)?, p(30, 1000)?])?;
    assert_eq!(
        r.to_string(),
        "40/2000 = 0.02000 over 2 posts, cluster-robust s.e. 0.01000 \
         (binomial s.e. 0.003130, design effect 10.20)"
    );
    assert_eq!(
        format!("{r:.3}"),
        "40/2000 = 0.020 over 2 posts, cluster-robust s.e. 0.010 (binomial s.e. 0.003, design effect 10.204)"
    );
    let a = [p(20, 1000)?, p(24, 1000)?, p(18, 900)?];
    let b = [p(35, 1000)?, p(31, 1000)?, p(40, 1100)?];
    assert_eq!(
        post_level_test(&a, &b)?.to_string(),
        "post-level: B − A = +0.01281 (s.e. 0.002108), t = 6.079 on 3.848 dof, p = 0.004192, \
         95% interval [0.006869, 0.01876], rates 0.02138 vs 0.03419, 3 + 3 posts"
    );
    assert_eq!(
        naive_binomial_test(&a, &b)?.to_string(),
        "impression-level: B − A = +0.01281 (s.e. 0.004262), z = 3.007, p = 0.002641, \
         95% interval [0.004529, 0.02110], rates 0.02138 vs 0.03419"
    );
    assert_eq!(
        format!("{:.2}", naive_binomial_test(&a, &b)?),
        "impression-level: B − A = +0.01 (s.e. 0.00), z = 3.01, p = 0.002641, \
         95% interval [0.00, 0.02], rates 0.02 vs 0.03"
    );
    let posts = [(20, 2000), (40, 2000), (100, 2000), (160, 2000)]
        .map(|(s, n)| p(s, n))
        .into_iter()
        .collect::<Result<Vec<_>, _>>()?;
    assert_eq!(
        fit_beta_binomial(&posts)?.to_string(),
        "Beta-Binomial fit of 4 posts (320/8000): mean 0.03995, concentration κ = 46.47 \
         (intra-post correlation 0.02106), 185.6 effective trials"
    );
    let a = [p(30, 1000)?, p(25, 1100)?, p(41, 900)?, p(28, 1000)?];
    let b = [p(22, 1000)?, p(30, 1000)?, p(260, 4000)?, p(27, 950)?];
    let cmp = compare_overdispersed(&a, &b, &BetaPrior::uniform())?;
    assert_eq!(
        cmp.to_string(),
        "post-level Beta-Binomial: P(B > A) = 0.6606, expected loss 0.006617 choosing A, \
         0.002258 choosing B; posteriors Beta(26.23, 750.2) vs Beta(21.66, 546.3), \
         shared concentration κ = 240.0"
    );
    assert_eq!(
        format!("{cmp:.1}"),
        "post-level Beta-Binomial: P(B > A) = 0.6606, expected loss 0.0 choosing A, \
         0.0 choosing B; posteriors Beta(26.2, 750.2) vs Beta(21.7, 546.3), \
         shared concentration κ = 240.0"
    );
    let counts = [
        ((41, 2_300), (55, 2_450)),
        ((12, 900), (19, 1_020)),
        ((88, 5_100), (97, 4_700)),
        ((23, 1_400), (31, 1_380)),
        ((7, 610), (12, 640)),
        ((35, 2_050), (44, 2_210)),
    ];
    let blocks = counts
        .iter()
        .enumerate()
        .map(|(i, &((ya, na), (yb, nb)))| {
            let order = if i % 2 == 0 {
                Order::AFirst
            } else {
                Order::BFirst
            };
            Ok(Block::new(format!("post-{i}"), p(ya, na)?, p(yb, nb)?)?.with_order(order))
        })
        .collect::<Result<Vec<_>, postab::Error>>()?;
    assert_eq!(
        blocks[0].to_string(),
        "block post-0: A 41/2300 (1.783%), B 55/2450 (2.245%), A first"
    );
    assert_eq!(
        Block::new("x", p(1, 10)?, p(2, 10)?)?.to_string(),
        "block x: A 1/10 (10.000%), B 2/10 (20.000%)"
    );
    assert_eq!(Order::BFirst.to_string(), "B first");
    let paired = paired_test(&blocks, 0.95)?;
    assert_eq!(
        paired.order.to_string(),
        "adjusted for order (3 A first, 3 B first; going first raised the log rate by -0.01519)"
    );
    assert_eq!(OrderEffect::NotRecorded.to_string(), "order not recorded");
    assert_eq!(
        OrderEffect::Confounded {
            first: Order::AFirst
        }
        .to_string(),
        "order confounded with the variant: A first in every block"
    );
    assert_eq!(
        paired.random_effects.to_string(),
        "random effects: rate ratio 1.246 (log +0.2196, s.e. 0.03299), \
         log-ratio interval [0.1348, 0.3044], p = 0.001153, between-block τ² = 0 \
         (DerSimonian–Laird, HKSJ)"
    );
    let plan = PostPlan {
        rate: 0.02,
        lift: 0.3,
        impressions: 2_000.0,
        concentration: 100.0,
    };
    assert_eq!(
        plan.to_string(),
        "rate 2.000% → 2.600% (lift +30.00%), 2000 impressions a post, κ = 100.0 \
         (intra-post correlation 0.009901)"
    );
    Ok(())
}

#[test]
fn designs_and_analyses() -> Result<(), Box<dyn std::error::Error>> {
    use postab::analysis::Model;
    use postab::design::DesignSource;
    use postab::{Experiment, Metric, Outcome, Post, counts};
    assert_eq!(DesignSource::Declared.to_string(), "declared");
    assert_eq!(DesignSource::Inferred.to_string(), "inferred");
    assert_eq!(Model::GammaPoisson.to_string(), "Gamma-Poisson");
    let exp = Experiment::builder("launch-post")
        .variant("question", "Is your posting schedule too rigid? {link}")
        .variant(
            "statement",
            "There is no single right way to run an account. {link}",
        )
        .control("question")
        .build()?;
    exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
    exp.add_counts("statement", counts! { impressions: 12_000, clicks: 352 })?;
    let analysis = exp.analyze(&Metric::click_through())?;
    assert_eq!(analysis.model.to_string(), "Beta-Binomial");
    assert_eq!(
        analysis.variants[0].posterior.to_string(),
        "Beta(311, 12091)"
    );
    assert_eq!(
        analysis.variants[0].to_string(),
        "question: 310/12400, rate 0.02500, posterior Beta(311, 12091), \
         credible interval [0.02240, 0.02790], confidence interval [0.02240, 0.02790], \
         P(best) = 0.01867, expected loss 0.004349; control"
    );
    let vs = analysis.variants[1]
        .vs_control
        .as_ref()
        .ok_or("a comparison")?;
    assert_eq!(
        vs.to_string(),
        "vs control: P(beats control) = 0.9813, difference +0.004333, \
         interval [0.0002531, 0.008438], lift +17.33%, p = 0.03726, adjusted p = 0.03726"
    );
    assert_eq!(
        format!("{vs:.3}"),
        "vs control: P(beats control) = 0.9813, difference +0.004, \
         interval [0.000, 0.008], lift +17.333%, p = 0.03726, adjusted p = 0.03726"
    );
    assert_eq!(
        analysis.variants[1].to_string(),
        format!(
            "statement: 352/12000, rate 0.02933, posterior Beta(353, 11649), \
             credible interval [0.02646, 0.03251], confidence interval [0.02646, 0.03251], \
             P(best) = 0.9813, expected loss 1.415e-5; {vs}"
        )
    );
    let replies = Metric::per_exposure(
        "clicks per impression",
        [Outcome::Click],
        Outcome::Impression,
    )?;
    let counted = exp.analyze(&replies)?;
    assert_eq!(
        counted.variants[1].to_string(),
        "statement: 352/12000, rate 0.02933, posterior Gamma(353, 12000), \
         credible interval [0.02643, 0.03256], confidence interval [0.02635, 0.03256], \
         P(best) = 0.9800, expected loss 1.551e-5; vs control: P(beats control) = 0.9800, \
         difference +0.004333, rate ratio interval [1.004, 1.371], lift +17.33%, \
         p = 0.04317, adjusted p = 0.04317"
    );

    let mut blocks = Experiment::builder("texts")
        .variant("question", "q")
        .variant("statement", "s")
        .control("question")
        .build()?;
    let pairs = [
        ((41, 2_300), (55, 2_450)),
        ((12, 900), (19, 1_020)),
        ((88, 5_100), (97, 4_700)),
        ((23, 1_400), (31, 1_380)),
        ((7, 610), (12, 640)),
        ((35, 2_050), (44, 2_210)),
    ];
    for (i, &((ya, na), (yb, nb))) in pairs.iter().enumerate() {
        for (variant, clicks, impressions) in [("question", ya, na), ("statement", yb, nb)] {
            blocks.add_post(
                Post::new(format!("{variant}-{i}"), variant)?
                    .in_block(format!("blog-{i}"))?
                    .with_counts(counts! { impressions: impressions, clicks: clicks }),
            )?;
        }
    }
    let paired = blocks.analyze(&Metric::click_through())?;
    let stratified = paired.comparisons[0]
        .stratified
        .as_ref()
        .ok_or("stratified")?;
    assert_eq!(
        stratified.to_string(),
        "CMH chi-square = 5.843, p = 0.01564; Mantel–Haenszel odds ratio 1.256, \
         95% interval [1.044, 1.511]; Breslow–Day chi-square = 0.7110 (Tarone-adjusted), \
         5 dof, p = 0.9824"
    );
    assert_eq!(
        format!("{stratified:.2}"),
        "CMH chi-square = 5.84, p = 0.01564; Mantel–Haenszel odds ratio 1.26, \
         95% interval [1.04, 1.51]; Breslow–Day chi-square = 0.71 (Tarone-adjusted), \
         5 dof, p = 0.9824"
    );
    Ok(())
}

#[test]
fn simulations() -> Result<(), Box<dyn std::error::Error>> {
    use postab::report::Render;
    use postab::sim::{
        Allocation, Decision, Look, PostDesign, PostSimulation, PublicationOrder, Simulation,
    };
    let report = Simulation::builder(vec![0.05, 0.06])
        .traffic_per_look(1_000)
        .looks(5)
        .replications(20)
        .seed(3)
        .build()?
        .run()?;
    assert_eq!(report.to_string(), report.text());
    assert_eq!(
        report.outcomes[1].to_string(),
        "stopped at look 5: winner arm 1, 5000 impressions, 265 successes, regret 25.00"
    );
    assert_eq!(
        format!("{:.1}", report.outcomes[0]),
        "stopped at look 5: no winner, 5000 impressions, 292 successes, regret 25.0"
    );
    let arms = [Tally::new(25, 1_000)?, Tally::new(40, 1_000)?];
    assert_eq!(
        Look::new(2, 20, &arms).to_string(),
        "look 3 of 20: arm 0 25/1000, arm 1 40/1000"
    );
    assert_eq!(Decision::Continue.to_string(), "continue");
    assert_eq!(
        Decision::Stop { winner: Some(1) }.to_string(),
        "stop: winner arm 1"
    );
    assert_eq!(
        Decision::Stop { winner: None }.to_string(),
        "stop: no winner"
    );
    assert_eq!(Allocation::Split.to_string(), "split");
    assert_eq!(Allocation::SinglePost.to_string(), "single post");

    let design = PostDesign::paired(6, 0.3, PublicationOrder::Alternating);
    assert_eq!(
        design.to_string(),
        "6 paired blocks (block SD 0.3000 on the logit scale, alternating order)"
    );
    assert_eq!(
        PostDesign::paired(10, 0.3, PublicationOrder::AFirst).to_string(),
        "10 paired blocks (block SD 0.3000 on the logit scale, A always first)"
    );
    assert_eq!(
        PostDesign::independent(8).to_string(),
        "8 independent posts per variant"
    );
    let sim = PostSimulation::builder(vec![0.05, 0.06])
        .concentration(300.0)
        .design(design)
        .impressions(2_000.0, 2.0)
        .replications(40)
        .seed(5)
        .build()?;
    assert_eq!(
        sim.replication(0)?.to_string(),
        "2 variants, 6 + 6 posts, in 6 paired blocks"
    );
    let posts = sim.run()?;
    let c = &posts.comparisons[0];
    let coverage = c.post_level.coverage.as_ref().ok_or("coverage")?;
    assert_eq!(
        coverage.to_string(),
        "covers 0.9250 ± 0.04165 of 40 intervals, mean width 0.8619, mean estimate 0.1655"
    );
    assert_eq!(
        c.to_string(),
        "variant 1 vs 0: true difference +0.1879 (ln of mean ratio +0.1823); \
         paired t (blocks): rejects 0.1250 ± 0.0523, covers 0.9250 ± 0.0416, mean width 0.8619, mean estimate 0.1655; \
         log-rate pooled t (posts): rejects 0.0250 ± 0.0247, covers 1.0000 ± 0.0000, mean width 0.9903, mean estimate 0.1655; \
         impression z: rejects 0.7000 ± 0.0725; CMH: rejects 0.6500 ± 0.0754"
    );
    // The report prints a header and one line per summary.
    assert!(
        posts.to_string().contains(&format!("  {}\n", c.post_level)),
        "{posts}"
    );
    Ok(())
}

#[test]
fn schedules() -> Result<(), Box<dyn std::error::Error>> {
    use postab::chrono::Weekday;
    use postab::chrono_tz::{America::Los_Angeles, Europe::London};
    use postab::counts;
    use postab::schedule::{SlotLabel, SlotScheme, Slots, Window, compare_audiences};
    let windows = Slots::new(
        London,
        SlotScheme::Windows(vec![
            Window::new("morning", "07:00", "10:00")?,
            Window::new("evening", "18:00", "21:00")?,
        ]),
    )?;
    assert_eq!(windows.to_string(), "2 windows in Europe/London");
    let posts = [
        (
            "2026-01-05T08:00:00Z",
            counts! { impressions: 2000, clicks: 60 },
        ),
        (
            "2026-01-06T08:00:00Z",
            counts! { impressions: 2100, clicks: 66 },
        ),
        (
            "2026-01-05T19:00:00Z",
            counts! { impressions: 1900, clicks: 30 },
        ),
        (
            "2026-01-06T19:00:00Z",
            counts! { impressions: 2000, clicks: 36 },
        ),
        (
            "2026-01-06T13:00:00Z",
            counts! { impressions: 500, clicks: 3 },
        ),
    ]
    .map(|(at, c)| Ok::<_, postab::chrono::ParseError>((at.parse()?, c)));
    let posts = posts.into_iter().collect::<Result<Vec<_>, _>>()?;
    let table = windows.bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
    assert_eq!(
        table.to_string(),
        "2 windows in Europe/London: 2 of 2 slots with data (4 posts); \
         unassigned: impressions=500 clicks=3 from 1 post"
    );
    let morning = SlotLabel::Window("morning".into());
    let evening = SlotLabel::Window("evening".into());
    assert_eq!(
        table.iter().next().map(|(_, b)| b.to_string()).as_deref(),
        Some("impressions=3900 clicks=66 from 2 posts")
    );
    let rates = table.rates(&postab::Metric::click_through())?;
    assert_eq!(rates[1].to_string(), "morning: 126/4100 (3.073%), 2 posts");
    let cmp = table.compare_to(
        &evening,
        &postab::Metric::click_through(),
        &BetaPrior::uniform(),
    )?;
    assert_eq!(cmp[0].label, morning);
    assert_eq!(
        cmp[0].to_string(),
        "morning vs evening: P(beats control) = 1.0000, expected loss 1.926e-8 choosing this slot, \
         0.01379 choosing the control; impression-level: B − A = +0.01381 (s.e. 0.003423), \
         z = 4.034, p = 5.491e-5, 95% interval [0.007153, 0.02046], rates 0.01692 vs 0.03073; \
         post-level: B − A = +0.01381 (s.e. 0.001316), t = 10.50 on 1.873 dof, p = 0.01115, \
         95% interval [0.007765, 0.01985], rates 0.01692 vs 0.03073, 2 + 2 posts"
    );
    let by_hour = Slots::hour_of_day(London);
    let empty = by_hour.bucket_posts(std::iter::empty())?;
    assert_eq!(
        empty.to_string(),
        "hour of day in Europe/London: 0 of 24 slots with data (0 posts); unassigned: (none)"
    );
    let hour = empty.rates(&postab::Metric::click_through())?;
    assert_eq!(hour[8].to_string(), "08:00-09:00: 0/0 (n/a)");
    let fall_back = by_hour.exposure(
        "2026-10-24T23:00:00Z".parse()?,
        "2026-10-26T00:00:00Z".parse()?,
    )?;
    assert_eq!(
        fall_back.to_string(),
        "25.00 hours over 24 slots, 0 hours unassigned"
    );
    let bucketer = by_hour.bucketer(
        "2026-01-01T00:00:00Z".parse()?,
        "2027-01-01T00:00:00Z".parse()?,
    )?;
    assert_eq!(
        bucketer.to_string(),
        "hour of day in Europe/London, offsets from 2026-01-01 00:00 UTC to 2027-01-01 00:00 UTC"
    );
    assert_eq!(
        bucketer.offsets().to_string(),
        "Europe/London from 2026-01-01 00:00 UTC to 2027-01-01 00:00 UTC: 2 offset changes"
    );
    let instants = [1_767_600_000, 1_767_603_600, 1_767_607_200];
    assert_eq!(
        bucketer.histogram(&instants).to_string(),
        "3 instants in 24 slots, 0 unassigned"
    );
    assert_eq!(
        windows
            .bucketer(
                "2026-01-01T00:00:00Z".parse()?,
                "2027-01-01T00:00:00Z".parse()?
            )?
            .histogram(&instants)
            .to_string(),
        "3 instants in 2 slots, 1 unassigned"
    );
    assert_eq!(
        Window::new("weekday breakfast", "07:30", "09:00")?
            .on([Weekday::Mon, Weekday::Fri])
            .to_string(),
        "weekday breakfast 07:30-09:00 (Mon, Fri)"
    );
    assert_eq!(
        Window::new("late", "22:00", "01:00")?.to_string(),
        "late 22:00-01:00"
    );
    let schedule = [
        "2026-03-10T16:00:00Z".parse()?,
        "2026-04-07T16:00:00Z".parse()?,
    ];
    let audiences = compare_audiences(&schedule, &Slots::hour_of_day(Los_Angeles), London)?;
    assert_eq!(
        audiences.to_string(),
        "2 posts seen from America/Los_Angeles (A) and Europe/London (B): 0 in the same slot"
    );
    assert_eq!(
        audiences.posts[0].to_string(),
        "2026-03-10 16:00 UTC: A 2026-03-10 09:00 (09:00-10:00), \
         B 2026-03-10 16:00 (16:00-17:00), B − A = +420 min"
    );
    let outside = compare_audiences(&schedule, &windows, Los_Angeles)?;
    assert_eq!(
        outside.posts[0].to_string(),
        "2026-03-10 16:00 UTC: A 2026-03-10 16:00 (no slot), \
         B 2026-03-10 09:00 (morning), B − A = -420 min"
    );
    Ok(())
}

#[test]
fn posts_events_and_metric_data() -> Result<(), Box<dyn std::error::Error>> {
    use postab::metric::MetricData;
    use postab::post::Variant;
    use postab::repeated::PostVariance;
    use postab::{Event, Outcome, Post, counts};
    let at = "2026-11-24T08:00:00Z".parse()?;
    let post = Post::new("1861234567890123456", "question")?
        .published_at(at)
        .in_block("blog/rigid-schedules")?
        .with_counts(counts! { impressions: 2_310, clicks: 41 });
    assert_eq!(
        post.to_string(),
        "post 1861234567890123456 of question at 2026-11-24 08:00 UTC \
         in block blog/rigid-schedules: impressions=2310 clicks=41"
    );
    assert_eq!(
        Post::new("p1", "statement")?.to_string(),
        "post p1 of statement: (none)"
    );
    let v = Variant::new("question", "Is your posting schedule too rigid? {link}")?;
    assert_eq!(
        v.clone().with_label("Question hook").to_string(),
        "question (Question hook): Is your posting schedule too rigid? {link}"
    );
    assert_eq!(
        v.to_string(),
        "question: Is your posting schedule too rigid? {link}"
    );
    let e = Event::new("statement", Outcome::Like, "2026-11-24T08:03:00Z".parse()?);
    assert_eq!(e.to_string(), "statement: likes at 2026-11-24 08:03 UTC");
    assert_eq!(
        e.times(3).to_string(),
        "statement: likes ×3 at 2026-11-24 08:03 UTC"
    );
    assert_eq!(
        MetricData::Binomial {
            successes: 310,
            trials: 12_400
        }
        .to_string(),
        "310/12400"
    );
    assert_eq!(
        MetricData::Poisson {
            count: 18,
            exposure: 9_000
        }
        .to_string(),
        "18 events over 9000 units of exposure"
    );
    assert_eq!(PostVariance::Pooled.to_string(), "pooled");
    assert_eq!(PostVariance::Welch.to_string(), "Welch");
    Ok(())
}

#[test]
fn account_history_reads_as_a_fit() -> Result<(), postab::Error> {
    use postab::repeated::{AccountHistory, Proportion};
    let posts: Vec<Proportion> = (0..12u64)
        .map(|i| Proportion::new(20 + (i * 7) % 13, 1_000 + 50 * i))
        .collect::<Result<_, _>>()?;
    let h = AccountHistory::fit(&posts)?;
    let text = h.to_string();
    assert!(
        text.starts_with(&format!(
            "12 past posts; post-to-post SD of the log rate {:.2} (90 % interval ",
            h.tau_median()
        )),
        "{text}"
    );
    let kappa = h.concentration_median()?;
    assert!(
        text.ends_with(&format!(
            "a Beta–Binomial concentration of about {kappa:.0})"
        )),
        "{text}"
    );
    Ok(())
}

#[test]
fn hierarchical_posterior_reads_as_its_probability_and_interval() -> Result<(), postab::Error> {
    use postab::repeated::{PostCount, post_count_bayes};
    let plain = [3, 8, 5, 12, 4, 6].map(PostCount::per_post);
    let image = [9, 25, 14, 40, 11, 17].map(PostCount::per_post);
    let h = post_count_bayes(&plain, &image, 0.95)?;
    assert_eq!(
        h.to_string(),
        format!(
            "P(better) = {:.4} (hierarchical Bayes, typical post: rate ratio credible interval [{:.3}, {:.3}], post-to-post SD of log rate {:.2})",
            h.prob_b_better,
            h.rate_ratio_credible_interval.lower,
            h.rate_ratio_credible_interval.upper,
            h.tau_median
        )
    );
    Ok(())
}
