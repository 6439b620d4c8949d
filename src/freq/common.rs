//! Types and helpers shared by every test in [`crate::freq`]: arm counts,
//! the alternative hypothesis, intervals, and input validation.

use std::cell::Cell;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::interval::Interval;
use crate::numeric::{
    beta_inc, beta_inc_inv, beta_inc_inv_upper, beta_inc_upper, chi2_sf, normal_isf, normal_sf,
};

pub(crate) use crate::validate::{check_finite, check_open_unit, check_positive};
use crate::{Error, Result};

/// Makes a result struct's deserialisation go through a private repr with
/// the same fields and a check: `validated!(Ty, Repr { field: type, ... },
/// |r| { checks returning Result<()> })`. The struct needs
/// `#[serde(try_from = "Repr")]`.
macro_rules! validated {
    ($ty:ident, $repr:ident { $($f:ident : $t:ty),* $(,)? }, |$r:ident| $check:block) => {
        /// The serialised form, checked on the way in.
        #[derive(serde::Deserialize)]
        struct $repr {
            $($f: $t),*
        }

        impl TryFrom<$repr> for $ty {
            type Error = crate::Error;

            fn try_from($r: $repr) -> crate::Result<Self> {
                let check = || -> crate::Result<()> { $check };
                check()?;
                Ok($ty { $($f: $r.$f),* })
            }
        }
    };
}
pub(crate) use validated;

/// Successes out of trials for one arm (for example clicks out of impressions).
///
/// Construction checks `successes <= trials` and `trials >= 1`, so every
/// function that takes a `Proportion` can rely on it. Deserialisation checks
/// the same.
///
/// # Example
///
/// ```
/// use postab::freq::Proportion;
///
/// let arm = Proportion::new(310, 12_400)?;
/// assert_eq!(arm.rate(), 0.025);
/// assert!(Proportion::new(5, 4).is_err());
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RawProportion")]
pub struct Proportion {
    successes: u64,
    trials: u64,
}

#[derive(Deserialize)]
struct RawProportion {
    successes: u64,
    trials: u64,
}

impl TryFrom<RawProportion> for Proportion {
    type Error = Error;
    fn try_from(raw: RawProportion) -> Result<Self> {
        Proportion::new(raw.successes, raw.trials)
    }
}

impl Proportion {
    /// `successes` out of `trials`.
    ///
    /// # Errors
    ///
    /// [`Error::SuccessesExceedTrials`] (with an empty `variant`, which
    /// callers that know the variant fill in) if `successes > trials`, and
    /// [`Error::InvalidParameter`] (name `trials`) if `trials` is 0.
    pub fn new(successes: u64, trials: u64) -> Result<Self> {
        if successes > trials {
            return Err(Error::SuccessesExceedTrials {
                variant: String::new(),
                successes,
                trials,
            });
        }
        if trials == 0 {
            return Err(Error::InvalidParameter {
                name: "trials",
                value: 0.0,
                expected: "at least one trial",
            });
        }
        Ok(Self { successes, trials })
    }

    /// The number of successes.
    pub fn successes(&self) -> u64 {
        self.successes
    }

    /// The number of trials.
    pub fn trials(&self) -> u64 {
        self.trials
    }

    /// The number of failures, `trials - successes`.
    pub fn failures(&self) -> u64 {
        self.trials - self.successes
    }

    /// The observed rate `successes / trials`.
    pub fn rate(&self) -> f64 {
        self.successes as f64 / self.trials as f64
    }

    /// Successes as `f64`.
    pub(crate) fn s(&self) -> f64 {
        self.successes as f64
    }

    /// Trials as `f64`.
    pub(crate) fn n(&self) -> f64 {
        self.trials as f64
    }

    /// Failures as `f64`.
    pub(crate) fn f(&self) -> f64 {
        self.failures() as f64
    }
}

/// The alternative hypothesis, always stated for the **variant B relative
/// to the control A**.
///
/// * `TwoSided`: B differs from A (the effect is not the null value).
/// * `Larger`: B is larger than A (difference B − A, ratio B/A or odds
///   ratio above the null value).
/// * `Smaller`: B is smaller than A.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Alternative {
    /// H1: the effect differs from the null value (either direction).
    #[default]
    TwoSided,
    /// H1: the effect of B over A is above the null value.
    Larger,
    /// H1: the effect of B over A is below the null value.
    Smaller,
}

impl Alternative {
    /// The p-value of a statistic `z` that is standard normal under H0 and
    /// grows with the effect of B over A. Computed as a tail, so tiny
    /// p-values keep full relative accuracy.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::freq::Alternative;
    ///
    /// let p = Alternative::TwoSided.normal_p_value(1.959963984540054);
    /// assert!((p - 0.05).abs() < 1e-15);
    /// assert!((Alternative::Larger.normal_p_value(0.0) - 0.5).abs() < 1e-16);
    /// ```
    pub fn normal_p_value(self, z: f64) -> f64 {
        let p = match self {
            Alternative::TwoSided => 2.0 * normal_sf(z.abs()),
            Alternative::Larger => normal_sf(z),
            Alternative::Smaller => normal_sf(-z),
        };
        p.min(1.0)
    }

    /// `true` for the two one-sided alternatives.
    pub fn is_one_sided(self) -> bool {
        !matches!(self, Alternative::TwoSided)
    }
}

/// The range of the parameter an interval estimates. Every interval of
/// [`crate::freq`] is built through [`Range::interval`], so it always lies
/// inside its parameter's range with `lower ≤ upper`, whatever rounding did
/// to the formula's ends.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Range {
    /// A rate, in [0, 1].
    Proportion,
    /// A difference of two rates, in [−1, 1].
    Difference,
    /// A ratio (rate ratio, odds ratio), in [0, +∞].
    Ratio,
    /// Any real number, in [−∞, +∞].
    Real,
}

impl Range {
    /// The closed range `(low, high)`.
    pub(crate) fn bounds(self) -> (f64, f64) {
        match self {
            Range::Proportion => (0.0, 1.0),
            Range::Difference => (-1.0, 1.0),
            Range::Ratio => (0.0, f64::INFINITY),
            Range::Real => (f64::NEG_INFINITY, f64::INFINITY),
        }
    }

    /// `[lo, hi]` clamped into the range, ends put in order (a formula
    /// whose ends cross by rounding, e.g. by one ulp, gives the degenerate
    /// interval at their midpoint). A NaN end is replaced by the range's
    /// end on that side (the uninformative answer).
    pub(crate) fn interval(self, lo: f64, hi: f64) -> Interval {
        let (low, high) = self.bounds();
        Interval::within(lo, hi, low, high)
    }
}

/// The x with I_x(a, b) = p: [`beta_inc_inv`], checked against the lower
/// tail and re-solved when it misses (see [`checked_quantile`]).
pub(crate) fn beta_quantile(a: f64, b: f64, p: f64) -> f64 {
    let mean = a / (a + b);
    checked_quantile(p, beta_inc_inv(a, b, p), mean, |x| beta_inc(a, b, x), false)
}

/// The x with 1 − I_x(a, b) = p: [`beta_inc_inv_upper`], checked against
/// the upper tail and re-solved when it misses (see [`checked_quantile`]).
pub(crate) fn beta_quantile_upper(a: f64, b: f64, p: f64) -> f64 {
    let mean = a / (a + b);
    checked_quantile(
        p,
        beta_inc_inv_upper(a, b, p),
        mean,
        |x| beta_inc_upper(a, b, x),
        true,
    )
}

/// A quantile `x0` of a distribution on [0, 1] with tail function `tail`
/// (decreasing in x for an upper tail), kept when the tail at x0·(1 ∓ 10⁻⁹)
/// brackets `p` (x0 is within 10⁻⁹ relative of the root), otherwise
/// re-solved on ln x: galloping from x0 (or from the mean `start` when x0 is
/// 0, 1 or NaN) until the root is bracketed, then bisection (at most about
/// 250 tail evaluations, all near the root). The inverse incomplete beta
/// function has returned 0 for b ≳ 10¹⁶ (e.g. 1 − I_x(½, 10¹⁶) = 0.025 at
/// x = 2.512·10⁻¹⁶); this keeps the intervals right whatever the state of
/// the inverse, since the tails themselves are accurate there.
fn checked_quantile(p: f64, x0: f64, start: f64, tail: impl Fn(f64) -> f64, upper: bool) -> f64 {
    // Whether the root lies above x.
    let below_root = |x: f64| {
        let t = tail(x);
        if upper { t > p } else { t < p }
    };
    if x0 > 0.0 && x0 < 1.0 && below_root(x0 * (1.0 - 1e-9)) && !below_root(x0 * (1.0 + 1e-9)) {
        return x0;
    }
    let floor = (5e-324f64).ln();
    let guess = if x0 > 0.0 && x0 < 1.0 { x0 } else { start };
    let s = if guess > 0.0 && guess < 1.0 {
        guess.ln()
    } else {
        -1.0
    };
    // Bracket [lo, hi] in ln x with the root above lo and at or below hi.
    let (mut lo, mut hi);
    let mut step = 1e-9f64.max(1e-9 * s.abs());
    if below_root(s.exp()) {
        lo = s;
        loop {
            hi = (lo + step).min(0.0);
            if hi >= 0.0 || !below_root(hi.exp()) {
                break;
            }
            lo = hi;
            step *= 4.0;
        }
    } else {
        hi = s;
        loop {
            lo = (hi - step).max(floor);
            if lo <= floor || below_root(lo.exp()) {
                break;
            }
            hi = lo;
            step *= 4.0;
        }
    }
    for _ in 0..200 {
        let mid = 0.5 * (lo + hi);
        if mid <= lo || mid >= hi {
            break;
        }
        if below_root(mid.exp()) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    (0.5 * (lo + hi)).exp()
}

/// The two-sided critical value z = Φ⁻¹(1 − (1 − level)/2) of a confidence
/// level in (0, 1).
/// The last level asked for is cached per thread (analyses use one level
/// over and over), which saves the quantile evaluation.
pub(crate) fn z_for_level(level: f64) -> Result<f64> {
    check_open_unit("confidence level", level)?;
    thread_local! {
        static LAST: Cell<(f64, f64)> = const { Cell::new((f64::NAN, f64::NAN)) };
    }
    Ok(LAST.with(|last| {
        let (l, z) = last.get();
        if l == level {
            z
        } else {
            let z = normal_isf((1.0 - level) / 2.0);
            last.set((level, z));
            z
        }
    }))
}

/// P(χ²_dof > x). For up to 40 degrees of freedom and x < 1200 it uses the
/// finite closed forms of the upper incomplete gamma at integer and
/// half-integer shape (sums of positive terms, so relative accuracy is kept):
/// even dof = 2k: e^{−y} Σ_{j<k} y^j/j!; odd dof = 2k + 1:
/// erfc(√y) + e^{−y} Σ_{j<k} y^{j+½}/Γ(j + 3/2), with y = x/2. Otherwise
/// [`chi2_sf`].
pub(crate) fn chi2_upper(x: f64, dof: u64) -> f64 {
    if x.is_nan() || x <= 0.0 {
        return 1.0;
    }
    if dof == 0 || dof > 40 || x >= 1200.0 {
        return chi2_sf(x, dof as f64);
    }
    let y = x / 2.0;
    let k = dof / 2;
    let (mut sum, mut term, base) = if dof.is_multiple_of(2) {
        (0.0, 1.0, 0.0)
    } else {
        // y^{1/2}/Γ(3/2)
        (
            0.0,
            y.sqrt() / (0.5 * std::f64::consts::PI.sqrt()),
            2.0 * normal_sf(x.sqrt()),
        )
    };
    let half = if dof.is_multiple_of(2) { 0.0 } else { 0.5 };
    for j in 0..k {
        sum += term;
        term *= y / (j as f64 + 1.0 + half);
    }
    (base + (-y).exp() * sum).min(1.0)
}

/// `310/12400 (2.500%)`.
impl fmt::Display for Proportion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}/{} ({:.3}%)",
            self.successes,
            self.trials,
            100.0 * self.rate()
        )
    }
}

/// `two-sided`, `B larger` or `B smaller`.
impl fmt::Display for Alternative {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Alternative::TwoSided => "two-sided",
            Alternative::Larger => "B larger",
            Alternative::Smaller => "B smaller",
        })
    }
}
