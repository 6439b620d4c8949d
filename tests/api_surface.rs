//! Issue 13's API gaps: constructors that siblings have, option structs
//! built without struct literals (they are `#[non_exhaustive]`), seed forms
//! of every random entry point, the re-exported crates, and the docs.rs
//! configuration.

use postab::analysis::AnalysisOptions;
use postab::bandit::{EvenSplit, Policy, ThompsonBeta, TopTwoThompson, Ucb1};
use postab::bayes::{BetaPosterior, DecisionRule, GammaPrior, monte_carlo, monte_carlo_seeded};
use postab::freq::{
    Alternative, Correction, PairwiseOptions, PairwiseTest, SampleSizeFormula, TestDesign,
    Variance, ZTestOptions,
};
use postab::sequential::Tally;

type Res = Result<(), Box<dyn std::error::Error>>;

#[test]
fn gamma_prior_default_is_the_analysis_default() {
    assert_eq!(GammaPrior::default(), GammaPrior::flat());
    assert_eq!(
        (GammaPrior::default().shape(), GammaPrior::default().rate()),
        (1.0, 0.0)
    );
    assert_eq!(
        AnalysisOptions::default().gamma_prior,
        GammaPrior::default()
    );
}

#[test]
fn parameterless_policies_have_new() {
    assert_eq!(Ucb1::new(), Ucb1);
    let (ucb, even): (Ucb1, EvenSplit) = (Default::default(), Default::default());
    assert_eq!((Ucb1::new(), EvenSplit::new()), (ucb, even));
    assert_eq!(ThompsonBeta::new(), ThompsonBeta::default());
    const UCB: Ucb1 = Ucb1::new();
    assert_eq!(UCB, Ucb1);
}

#[test]
fn option_structs_are_built_without_literals() -> Res {
    let z = ZTestOptions::default()
        .with_alternative(Alternative::Larger)
        .with_variance(Variance::Unpooled)
        .with_continuity_correction(true)
        .with_null_difference(-0.001);
    assert_eq!(
        (
            z.alternative,
            z.variance,
            z.continuity_correction,
            z.null_difference
        ),
        (Alternative::Larger, Variance::Unpooled, true, -0.001)
    );
    let p = PairwiseOptions::default()
        .with_test(PairwiseTest::Fisher(Alternative::TwoSided))
        .with_correction(Correction::Bonferroni)
        .with_alpha(0.1);
    assert_eq!(
        (p.test, p.correction, p.alpha),
        (
            PairwiseTest::Fisher(Alternative::TwoSided),
            Correction::Bonferroni,
            0.1
        )
    );
    let d = TestDesign::new(0.02)
        .with_alpha(0.01)
        .with_alternative(Alternative::Larger)
        .with_ratio(2.0)
        .with_formula(SampleSizeFormula::Unpooled);
    assert_eq!(
        (d.baseline, d.alpha, d.alternative, d.ratio, d.formula),
        (
            0.02,
            0.01,
            Alternative::Larger,
            2.0,
            SampleSizeFormula::Unpooled
        )
    );
    let r = DecisionRule::new(1e-4)?
        .with_rope(0.02)?
        .with_equivalence_probability(0.9)?;
    assert_eq!(
        (r.loss_threshold, r.rope, r.equivalence_probability),
        (1e-4, Some(0.02), 0.9)
    );
    Ok(())
}

#[test]
fn random_entry_points_take_a_seed() -> Res {
    use rand::SeedableRng;
    use rand_xoshiro::Xoshiro256PlusPlus;
    let arms = [
        BetaPosterior::from_counts(300, 20_000)?,
        BetaPosterior::from_counts(310, 20_000)?,
    ];
    let b_wins = |p: &[f64]| f64::from(u8::from(p[1] > p[0]));
    // The seeded form is the RNG form with Xoshiro256++ from the seed.
    let seeded = monte_carlo_seeded(&arms, 5_000, 11, b_wins)?;
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(11);
    assert_eq!(seeded, monte_carlo(&arms, 5_000, &mut rng, b_wins)?);
    assert_ne!(seeded, monte_carlo_seeded(&arms, 5_000, 12, b_wins)?);

    // Bandits: close arms, so Thompson sampling picks either by seed.
    let tallies = [Tally::new(30, 1_000)?, Tally::new(31, 1_000)?];
    let policy = ThompsonBeta::new();
    let picks: Vec<usize> = (0..40)
        .map(|seed| policy.choose_seeded(&tallies, seed))
        .collect::<Result<_, _>>()?;
    assert!(picks.contains(&0) && picks.contains(&1), "{picks:?}");
    for seed in [0, 1, 99] {
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(seed);
        assert_eq!(
            policy.choose_seeded(&tallies, seed)?,
            policy.choose(&tallies, &mut rng)?
        );
        let top_two = TopTwoThompson::new(0.5)?;
        let (mut w1, mut w2) = ([0.0; 2], [0.0; 2]);
        top_two.weights_seeded(&tallies, seed, &mut w1)?;
        top_two.weights(
            &tallies,
            &mut Xoshiro256PlusPlus::seed_from_u64(seed),
            &mut w2,
        )?;
        assert_eq!(w1, w2);
    }
    Ok(())
}

#[test]
fn dependencies_of_the_api_are_re_exported() -> Res {
    // Everything below is reached through postab alone.
    use postab::chrono::{TimeZone, Utc, Weekday};
    use postab::chrono_tz::Tz;
    use postab::rand::SeedableRng;
    use postab::rand::rngs::Xoshiro256PlusPlus;
    use postab::schedule::{SlotLabel, Slots};

    let tz: Tz = "America/Los_Angeles".parse()?;
    let at = Utc
        .with_ymd_and_hms(2026, 3, 9, 1, 0, 0)
        .single()
        .ok_or("date")?;
    assert_eq!(
        Slots::hour_of_week(tz).slot_of(at),
        Some(&SlotLabel::HourOfWeek(Weekday::Sun, 18))
    );
    let mut rng = Xoshiro256PlusPlus::seed_from_u64(3);
    let arms = [Tally::new(3, 40)?, Tally::new(9, 41)?];
    assert!(Ucb1::new().choose(&arms, &mut rng)? < 2);
    Ok(())
}

/// docs.rs builds every feature with `--cfg docsrs`, and the feature-gated
/// items carry their badge.
#[test]
fn docs_rs_documents_every_feature() -> Res {
    let root = env!("CARGO_MANIFEST_DIR");
    let manifest = std::fs::read_to_string(format!("{root}/Cargo.toml"))?;
    let metadata = manifest
        .split("[package.metadata.docs.rs]")
        .nth(1)
        .ok_or("no [package.metadata.docs.rs]")?;
    let metadata = metadata.split("\n[").next().unwrap_or(metadata);
    assert!(metadata.contains("all-features = true"), "{metadata}");
    assert!(
        metadata.contains(r#"rustdoc-args = ["--cfg", "docsrs"]"#),
        "{metadata}"
    );
    let lib = std::fs::read_to_string(format!("{root}/src/lib.rs"))?;
    assert!(lib.contains("#![cfg_attr(docsrs, feature(doc_cfg))]"));
    let report = std::fs::read_to_string(format!("{root}/src/report/mod.rs"))?;
    assert!(report.contains(
        "#[cfg(feature = \"plot\")]\n#[cfg_attr(docsrs, doc(cfg(feature = \"plot\")))]\npub mod plot;"
    ));
    Ok(())
}
