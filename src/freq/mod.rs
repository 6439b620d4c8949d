//! Frequentist engine: tests, intervals, multiple comparisons, sample
//! ratio mismatch and planning for proportions, rates and means.
//!
//! Every function takes plain numbers (a [`Proportion`] is successes out of
//! trials, a [`RateCount`] a count over an exposure, a [`SampleSummary`] a
//! mean, standard deviation and size, or a table of `u64` counts) and
//! returns a serialisable result struct, so it can be used without an
//! `Experiment`.
//!
//! # Conventions
//!
//! * **A is the control, B the variant.** Two-arm functions take
//!   `(a, b)` in that order.
//! * **Effects are B relative to A**: the difference is p_B − p_A, the
//!   ratio p_B / p_A (relative lift = ratio − 1), the odds ratio
//!   odds_B / odds_A, and test statistics are oriented so that a positive
//!   value means B is higher. (statsmodels' `proportions_ztest([s_A, s_B],
//!   …)` reports A − B, the negative of our z.)
//! * [`Alternative::Larger`] means H1: B is larger than A (difference above
//!   the null value); [`Alternative::Smaller`] the opposite;
//!   [`Alternative::TwoSided`] is the default.
//! * Confidence intervals are two-sided at a `level` in (0, 1), for example
//!   0.95.
//! * p-values are computed as tails (never as 1 − CDF), so values such as
//!   1e-100 keep their relative accuracy.
//! * Bad input is an [`Error`](crate::Error) naming the value; nothing
//!   panics on user input, including counts of 0, counts equal to the
//!   trials, and counts near `u64::MAX`.
//! * Every interval lies inside its parameter's range with lower ≤ upper:
//!   rates in [0, 1], differences in [−1, 1], ratios in [0, +∞], means in
//!   the reals (ends a formula puts outside, by construction or rounding,
//!   are clamped).
//!
//! # Supported ranges
//!
//! Beyond these a typed error; within them every call takes well under
//! 100 ms.
//!
//! * Levels, α and power in (0, 1); [`TestDesign`] α in [10⁻³⁰⁰, 1)
//!   ([`MIN_ALPHA`]) and allocation ratio in [10⁻⁹, 10⁹]
//!   ([`MIN_ALLOCATION_RATIO`], [`MAX_ALLOCATION_RATIO`]); a sample size that
//!   is not finite is [`Error::Infeasible`](crate::Error::Infeasible).
//! * Proportions: any `0 ≤ successes ≤ trials ≤ u64::MAX`, `trials ≥ 1`.
//! * [`RateCount`] exposure in [10⁻¹⁰⁰, 10¹⁰⁰] ([`MIN_EXPOSURE`],
//!   [`MAX_EXPOSURE`]); [`poisson_rate_test`] null ratio in [10⁻¹⁰⁰, 10¹⁰⁰]
//!   ([`MIN_NULL_RATIO`], [`MAX_NULL_RATIO`]); the exact conditional test
//!   and interval up to 2⁵² events ([`MAX_EXACT_EVENTS`]).
//! * [`welch_t_test`]: any finite summaries (variances formed in units of
//!   the larger standard deviation); a difference of means or t statistic
//!   beyond the `f64` range is [`Error::TooLarge`](crate::Error::TooLarge).
//! * [`sample_ratio_mismatch`]: each share at least 10⁻¹² of the total
//!   ([`MIN_SPLIT_SHARE`]).
//!
//! # Example
//!
//! ```
//! use postab::freq::{
//!     DifferenceCiMethod, Proportion, ZTestOptions, difference_ci, two_proportion_ztest,
//! };
//!
//! let control = Proportion::new(310, 12_400)?;
//! let variant = Proportion::new(370, 12_350)?;
//! let z = two_proportion_ztest(control, variant, ZTestOptions::default())?;
//! let ci = difference_ci(control, variant, 0.95, DifferenceCiMethod::Newcombe)?;
//! assert!(z.statistic > 0.0 && ci.contains(z.difference));
//! # Ok::<(), postab::Error>(())
//! ```
//!
//! # Modules at a glance
//!
//! | question | function |
//! |---|---|
//! | is B's rate different? | [`two_proportion_ztest`], [`fisher_exact`], [`chi_square_arms`] |
//! | is B no worse than A by a margin (difference or ratio)? | [`proportions_null_test`] |
//! | interval of one rate | [`proportion_ci`] |
//! | interval of the lift | [`difference_ci`], [`ratio_ci`], [`odds_ratio_ci`] |
//! | K variants at once | [`chi_square_test`], [`g_test`], [`compare_to_control`] |
//! | counts per exposure | [`poisson_rate_test`], [`rate_ratio_ci`] |
//! | continuous metric | [`welch_t_test`] |
//! | many p-values | [`adjust_p_values`], [`multiple_comparisons`] |
//! | blocks (pairs of posts), impression-level model | [`StratifiedTables`] (CMH, Mantel–Haenszel, Breslow–Day) |
//! | is the traffic split broken? | [`sample_ratio_mismatch`] |
//! | how many impressions / days? | [`TestDesign`], [`days_needed`] |

mod common;
mod contingency;
mod diff_ci;
mod discrete;
mod fisher;
mod multiple;
mod noninferiority;
mod pairwise;
mod poisson;
mod power;
mod proportion_ci;
mod srm;
mod stratified;
mod welch;
mod ztest;

pub use crate::interval::Interval;
pub use common::{Alternative, Proportion};
pub use contingency::{
    ContingencyStatistic, ContingencyTest, chi_square_arms, chi_square_test, g_test, g_test_arms,
};
pub use diff_ci::{DifferenceCiMethod, difference_ci, odds_ratio_ci, ratio_ci};
pub use fisher::{FisherExact, fisher_exact, fisher_exact_table};
pub use multiple::{Adjusted, Correction, adjust_p_values, multiple_comparisons};
pub use noninferiority::{NullTest, NullTestMethod, NullValue, proportions_null_test};
pub use pairwise::{PairwiseComparison, PairwiseOptions, PairwiseTest, compare_to_control};
pub use poisson::{
    MAX_EXACT_EVENTS, MAX_EXPOSURE, MAX_NULL_RATIO, MIN_EXPOSURE, MIN_NULL_RATIO, PoissonRateTest,
    PoissonTestMethod, RateCount, RateRatioCiMethod, poisson_rate_ci, poisson_rate_test,
    rate_ratio_ci,
};
pub use power::{
    DetectableEffect, MAX_ALLOCATION_RATIO, MIN_ALLOCATION_RATIO, MIN_ALPHA, Mde, SampleSize,
    SampleSizeFormula, TestDesign, days_needed,
};
pub use proportion_ci::{ProportionCiMethod, proportion_ci};
pub use srm::{MIN_SPLIT_SHARE, SRM_THRESHOLD, SrmCheck, sample_ratio_mismatch};
pub use stratified::{BreslowDayTest, CmhTest, MhOddsRatio, StratifiedTables};
pub use welch::{SampleSummary, WelchTest, welch_t_test};
pub(crate) use welch::{t_isf_two_sided, t_two_tail, t_upper};
pub use ztest::{Variance, ZTest, ZTestOptions, two_proportion_ztest};
