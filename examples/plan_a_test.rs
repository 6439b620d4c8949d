//! Plan an A/B test of two post variants: how many impressions and days to
//! detect a 10 % relative lift on a 2 % click-through rate at 5,000
//! impressions a day, and what a two-week test can detect.

use postab::freq::{Mde, TestDesign};

fn main() -> Result<(), postab::Error> {
    let baseline = 0.02;
    let per_day = 5_000.0;
    let power = 0.8;
    // Two-sided test at α = 0.05, equal split, classic pooled/unpooled formula.
    let design = TestDesign::new(baseline);

    let n = design.sample_size(Mde::Relative(0.10), power)?;
    let days = n.days(per_day)?;
    println!(
        "Baseline click-through {:.1} %, target {:.2} % (+10 % relative).",
        baseline * 100.0,
        n.target * 100.0
    );
    println!(
        "Needed: {} impressions per variant, {} in total: {:.1} days ({} full days) at {} impressions/day,",
        n.control_ceil,
        n.total(),
        days,
        days.ceil(),
        per_day
    );
    println!("for 80 % power in a two-sided test at alpha = 0.05.");

    let two_weeks_per_arm = 14.0 * per_day / 2.0;
    let e = design.detectable_effect(two_weeks_per_arm, power)?;
    println!();
    println!(
        "In two weeks ({} impressions per variant) the test detects, with 80 % power,",
        two_weeks_per_arm
    );
    println!(
        "a lift from {:.2} % to {:.2} %: +{:.2} percentage points, +{:.1} % relative.",
        baseline * 100.0,
        e.target * 100.0,
        e.absolute * 100.0,
        e.relative * 100.0
    );
    let p = design.power(Mde::Relative(0.10), two_weeks_per_arm)?;
    println!(
        "A 10 % lift would be detected in two weeks with probability {:.0} % only.",
        p * 100.0
    );
    Ok(())
}
