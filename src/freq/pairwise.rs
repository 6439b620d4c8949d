//! Post-hoc comparisons of every variant against the control, with a
//! multiple-comparison adjustment.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Alternative, Proportion, check_open_unit};
use super::diff_ci::{DifferenceCiMethod, difference_ci};
use super::fisher::fisher_exact;
use super::multiple::{Correction, adjust_p_values};
use super::ztest::{ZTestOptions, rate_difference, two_proportion_ztest};
use crate::interval::Interval;
use crate::report::format::{number, probability, signed_number};
use crate::{Error, Result};

/// The test used for each variant-vs-control pair.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub enum PairwiseTest {
    /// [`two_proportion_ztest`] with these options.
    ZTest(ZTestOptions),
    /// [`fisher_exact`] with this alternative.
    Fisher(Alternative),
}

impl Default for PairwiseTest {
    fn default() -> Self {
        PairwiseTest::ZTest(ZTestOptions::default())
    }
}

/// Options of [`compare_to_control`].
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PairwiseOptions {
    /// The per-pair test (default: two-sided pooled z-test).
    pub test: PairwiseTest,
    /// The adjustment across the K − 1 comparisons (default Holm).
    pub correction: Correction,
    /// Significance level for the rejections (default 0.05); the intervals
    /// are Newcombe intervals at confidence 1 − alpha (not adjusted).
    pub alpha: f64,
}

impl Default for PairwiseOptions {
    fn default() -> Self {
        Self {
            test: PairwiseTest::default(),
            correction: Correction::Holm,
            alpha: 0.05,
        }
    }
}

impl PairwiseOptions {
    /// Sets the per-pair test.
    pub fn with_test(mut self, test: PairwiseTest) -> Self {
        self.test = test;
        self
    }

    /// Sets the correction.
    pub fn with_correction(mut self, correction: Correction) -> Self {
        self.correction = correction;
        self
    }

    /// Sets alpha.
    pub fn with_alpha(mut self, alpha: f64) -> Self {
        self.alpha = alpha;
        self
    }
}

/// One variant compared with the control.
///
/// Deserialisation checks both p-values are in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PairwiseComparisonRepr")]
#[non_exhaustive]
pub struct PairwiseComparison {
    /// Index of the variant in the input slice.
    pub variant: usize,
    /// p_variant − p_control.
    pub difference: f64,
    /// Newcombe interval of the difference at confidence 1 − alpha.
    pub interval: Interval,
    /// The unadjusted p-value.
    pub p_value: f64,
    /// The adjusted p-value.
    pub adjusted_p_value: f64,
    /// `adjusted_p_value <= alpha`.
    pub reject: bool,
}

/// Compares every arm except `control` with the control arm, returning one
/// entry per variant in input order. A pair whose z statistic is undefined
/// (both arms at 0 % or both at 100 %, so the data show no difference at
/// all) gets p = 1, which is what the exact test gives there.
///
/// # Errors
///
/// [`Error::TooFew`] for fewer than 2 arms; [`Error::InvalidParameter`] if
/// `control` is out of range or `alpha` is not in (0, 1); errors of the
/// chosen test other than an undefined z statistic.
///
/// # Example
///
/// ```
/// use postab::freq::{PairwiseOptions, Proportion, compare_to_control};
///
/// let arms = [
///     Proportion::new(200, 10_000)?,
///     Proportion::new(260, 10_000)?,
///     Proportion::new(205, 10_000)?,
/// ];
/// let cmp = compare_to_control(&arms, 0, PairwiseOptions::default())?;
/// assert_eq!(cmp.len(), 2);
/// assert!(cmp[0].reject && !cmp[1].reject);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn compare_to_control(
    arms: &[Proportion],
    control: usize,
    options: PairwiseOptions,
) -> Result<Vec<PairwiseComparison>> {
    check_open_unit("alpha", options.alpha)?;
    if arms.len() < 2 {
        return Err(Error::TooFew {
            what: "arms",
            got: arms.len(),
            min: 2,
        });
    }
    let c = *arms.get(control).ok_or(Error::InvalidParameter {
        name: "control index",
        value: control as f64,
        expected: "an index into the arms",
    })?;
    let mut out = Vec::with_capacity(arms.len() - 1);
    for (i, &v) in arms.iter().enumerate().filter(|(i, _)| *i != control) {
        let p_value = match options.test {
            PairwiseTest::ZTest(o) => match two_proportion_ztest(c, v, o) {
                Ok(t) => t.p_value,
                Err(Error::Undefined { .. }) => 1.0,
                Err(e) => return Err(e),
            },
            PairwiseTest::Fisher(alt) => fisher_exact(c, v, alt)?.p_value,
        };
        out.push(PairwiseComparison {
            variant: i,
            difference: rate_difference(c, v),
            interval: difference_ci(c, v, 1.0 - options.alpha, DifferenceCiMethod::Newcombe)?,
            p_value,
            adjusted_p_value: p_value,
            reject: false,
        });
    }
    let raw: Vec<f64> = out.iter().map(|r| r.p_value).collect();
    let adjusted = adjust_p_values(&raw, options.correction)?;
    for (r, adj) in out.iter_mut().zip(adjusted) {
        r.adjusted_p_value = adj;
        r.reject = adj <= options.alpha;
    }
    Ok(out)
}

super::common::validated!(
    PairwiseComparison,
    PairwiseComparisonRepr {
        variant: usize,
        difference: f64,
        interval: Interval,
        p_value: f64,
        adjusted_p_value: f64,
        reject: bool
    },
    |r| {
        crate::validate::read::prob("p-value", r.p_value)?;
        crate::validate::read::prob("adjusted p-value", r.adjusted_p_value)
    }
);

/// `variant 1 vs control: difference +0.004333, interval [0.0002531,
/// 0.008438], p = 0.03726, adjusted p = 0.07452, not rejected` (or
/// `rejected`).
impl fmt::Display for PairwiseComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "variant {} vs control: difference {}, interval [{}, {}], p = {}, adjusted p = {}, {}",
            self.variant,
            signed_number(self.difference, p),
            number(self.interval.lower, p),
            number(self.interval.upper, p),
            probability(self.p_value),
            probability(self.adjusted_p_value),
            if self.reject {
                "rejected"
            } else {
                "not rejected"
            }
        )
    }
}
