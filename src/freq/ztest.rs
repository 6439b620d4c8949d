//! Two-proportion z-test (pooled, unpooled, Farrington–Manning for a
//! non-zero margin), one- or two-sided, with optional continuity correction.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Alternative, Proportion, check_finite};
use crate::report::format::{number, probability, signed_number};
use crate::{Error, Result};

/// How the standard error of the difference is estimated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Variance {
    /// Variance under H0. With a null difference of 0 this is the pooled
    /// rate p̂ = (s_A + s_B)/(n_A + n_B): se = √(p̂(1 − p̂)(1/n_A + 1/n_B)),
    /// as in statsmodels `proportions_ztest` and R `prop.test`. With a
    /// non-zero null difference δ₀ the rates are the maximum-likelihood
    /// estimates restricted to p_B − p_A = δ₀ (Farrington–Manning 1990, the
    /// score test without the Miettinen–Nurminen factor; statsmodels
    /// `test_proportions_2indep(method="score", correction=False)`).
    #[default]
    Pooled,
    /// Each arm's own rate (Wald): se = √(p_A(1 − p_A)/n_A + p_B(1 − p_B)/n_B).
    Unpooled,
}

/// Options of [`two_proportion_ztest`]. `Default` is the classic test:
/// two-sided, pooled variance, no continuity correction, null difference 0.
///
/// # Example
///
/// ```
/// use postab::freq::{Alternative, Variance, ZTestOptions};
///
/// // Non-inferiority: H0 p_B − p_A ≤ −0.002 against H1 p_B − p_A > −0.002.
/// let opts = ZTestOptions::default()
///     .with_alternative(Alternative::Larger)
///     .with_null_difference(-0.002)
///     .with_variance(Variance::Pooled);
/// assert_eq!(opts.null_difference, -0.002);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ZTestOptions {
    /// The alternative hypothesis for B relative to A.
    pub alternative: Alternative,
    /// The variance estimate.
    pub variance: Variance,
    /// Continuity correction: |d − δ₀| is reduced by
    /// min(½(1/n_A + 1/n_B), |d − δ₀|), as R's `prop.test` does (for the
    /// pooled two-sided test, z² then equals Yates' chi-square).
    pub continuity_correction: bool,
    /// The difference δ₀ = p_B − p_A under H0 (a non-inferiority or
    /// superiority margin); 0 for the usual test. Must lie in (−1, 1).
    pub null_difference: f64,
}

impl ZTestOptions {
    /// Sets the alternative.
    pub fn with_alternative(mut self, alternative: Alternative) -> Self {
        self.alternative = alternative;
        self
    }

    /// Sets the variance estimate.
    pub fn with_variance(mut self, variance: Variance) -> Self {
        self.variance = variance;
        self
    }

    /// Turns the continuity correction on or off.
    pub fn with_continuity_correction(mut self, on: bool) -> Self {
        self.continuity_correction = on;
        self
    }

    /// Sets the null difference δ₀ (margin).
    pub fn with_null_difference(mut self, delta0: f64) -> Self {
        self.null_difference = delta0;
        self
    }
}

/// Result of [`two_proportion_ztest`].
///
/// Deserialisation checks the p-value is in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ZTestRepr")]
#[non_exhaustive]
pub struct ZTest {
    /// z = (d − δ₀ [− correction]) / se, oriented **B minus A**: positive
    /// when the variant's rate is higher. (statsmodels reports A − B for
    /// `proportions_ztest([s_A, s_B], ...)`: the negative of this.)
    pub statistic: f64,
    /// The p-value for the chosen alternative, computed as a normal tail.
    pub p_value: f64,
    /// The observed difference d = p_B − p_A.
    pub difference: f64,
    /// The standard error used.
    pub std_error: f64,
    /// The options the test ran with.
    pub options: ZTestOptions,
}

/// Two-proportion z-test of the variant B against the control A.
///
/// The statistic is oriented B − A (see [`ZTest::statistic`]); the
/// alternative refers to p_B − p_A relative to `options.null_difference`.
///
/// # Errors
///
/// [`Error::InvalidParameter`] if the null difference is not in (−1, 1);
/// [`Error::Undefined`] if the standard error is 0 (for example both arms
/// have 0 successes, or both have only successes, under the pooled variance).
///
/// # Example
///
/// ```
/// use postab::freq::{Proportion, ZTestOptions, two_proportion_ztest};
///
/// let a = Proportion::new(3, 40)?;
/// let b = Proportion::new(7, 40)?;
/// let t = two_proportion_ztest(a, b, ZTestOptions::default())?;
/// assert!((t.statistic - 1.3522468075656264).abs() < 1e-12);
/// assert!((t.p_value - 0.17629637444051108).abs() < 1e-12);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn two_proportion_ztest(a: Proportion, b: Proportion, options: ZTestOptions) -> Result<ZTest> {
    let delta0 = check_finite("null difference", options.null_difference)?;
    if delta0.abs() >= 1.0 {
        return Err(Error::InvalidParameter {
            name: "null difference",
            value: delta0,
            expected: "strictly between -1 and 1",
        });
    }
    let difference = rate_difference(a, b);
    let variance = match options.variance {
        Variance::Pooled if delta0 == 0.0 => pooled_variance(a, b),
        Variance::Pooled => {
            let (pa, pb) = restricted_mle(a, b, delta0);
            pa * (1.0 - pa) / a.n() + pb * (1.0 - pb) / b.n()
        }
        Variance::Unpooled => unpooled_variance(a, b),
    };
    let std_error = variance.sqrt();
    if std_error.is_nan() || std_error <= 0.0 {
        return Err(Error::Undefined {
            statistic: "two-proportion z",
            reason: format!(
                "the standard error is 0 ({} of {} vs {} of {})",
                a.successes(),
                a.trials(),
                b.successes(),
                b.trials()
            ),
        });
    }
    let mut excess = difference - delta0;
    if options.continuity_correction {
        let cc = 0.5 * (1.0 / a.n() + 1.0 / b.n());
        excess = excess.signum() * (excess.abs() - cc).max(0.0);
    }
    let statistic = excess / std_error;
    Ok(ZTest {
        statistic,
        p_value: options.alternative.normal_p_value(statistic),
        difference,
        std_error,
        options,
    })
}

/// p_B − p_A with a single rounding: the numerator s_B·n_A − s_A·n_B is
/// formed exactly in 128-bit integers.
pub(crate) fn rate_difference(a: Proportion, b: Proportion) -> f64 {
    let x = u128::from(b.successes()) * u128::from(a.trials());
    let y = u128::from(a.successes()) * u128::from(b.trials());
    let den = a.n() * b.n();
    if x >= y {
        (x - y) as f64 / den
    } else {
        -((y - x) as f64 / den)
    }
}

/// Pooled variance p̂(1 − p̂)(1/n_A + 1/n_B), with 1 − p̂ taken from the
/// failure counts (no cancellation).
pub(crate) fn pooled_variance(a: Proportion, b: Proportion) -> f64 {
    let n = a.n() + b.n();
    let p = (a.s() + b.s()) / n;
    let q = (a.f() + b.f()) / n;
    p * q * (1.0 / a.n() + 1.0 / b.n())
}

/// Unpooled (Wald) variance p_A q_A/n_A + p_B q_B/n_B.
pub(crate) fn unpooled_variance(a: Proportion, b: Proportion) -> f64 {
    arm_variance(a.s(), a.f(), a.n()) + arm_variance(b.s(), b.f(), b.n())
}

/// p(1 − p)/n for x successes and y failures out of n.
pub(crate) fn arm_variance(x: f64, y: f64, n: f64) -> f64 {
    (x / n) * (y / n) / n
}

/// Maximum-likelihood rates (p_A, p_B) restricted to p_B − p_A = δ₀
/// (Farrington & Manning 1990; the closed-form root of the score equation's
/// cubic, Miettinen & Nurminen 1985). The cubic's linear coefficient is
/// `(n_A δ₀ − n − 2s_A) δ₀ + s_A + s_B` (statsmodels 0.14.6 has `s_A` for
/// the first `n_A`, its issue #10269).
pub(crate) fn restricted_mle(a: Proportion, b: Proportion, delta0: f64) -> (f64, f64) {
    let (n1, n0, c0) = (b.n(), a.n(), a.s());
    let n = n0 + n1;
    let c = a.s() + b.s();
    let t3 = n;
    let t2 = (n1 + 2.0 * n0) * delta0 - n - c;
    let t1 = (n0 * delta0 - n - 2.0 * c0) * delta0 + c;
    let t0 = c0 * delta0 * (1.0 - delta0);
    let u = t2 / (3.0 * t3);
    let q = u * u * u - t1 * t2 / (6.0 * t3 * t3) + t0 / (2.0 * t3);
    let p = q.signum() * (u * u - t1 / (3.0 * t3)).max(0.0).sqrt();
    let pa = if p == 0.0 {
        -u
    } else {
        let angle = (std::f64::consts::PI + (q / (p * p * p)).clamp(-1.0, 1.0).acos()) / 3.0;
        2.0 * p * angle.cos() - u
    };
    let pa = pa.clamp((-delta0).max(0.0), (1.0 - delta0).min(1.0));
    (pa, pa + delta0)
}

super::common::validated!(
    ZTest,
    ZTestRepr {
        statistic: f64,
        p_value: f64,
        difference: f64,
        std_error: f64,
        options: ZTestOptions
    },
    |r| { crate::validate::read::prob("z-test p-value", r.p_value) }
);

/// `pooled` or `unpooled`.
impl fmt::Display for Variance {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Variance::Pooled => "pooled",
            Variance::Unpooled => "unpooled",
        })
    }
}

/// `z = 2.083, p = 0.03726 (two-sided, pooled), difference B − A =
/// +0.004333 (s.e. 0.002080)`, naming a continuity correction and a
/// non-zero null difference when used (`…, continuity-corrected, H0
/// difference -0.002)`).
impl fmt::Display for ZTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        let o = &self.options;
        write!(
            f,
            "z = {}, p = {} ({}, {}",
            number(self.statistic, p),
            probability(self.p_value),
            o.alternative,
            o.variance
        )?;
        if o.continuity_correction {
            f.write_str(", continuity-corrected")?;
        }
        if o.null_difference != 0.0 {
            write!(f, ", H0 difference {:+}", o.null_difference)?;
        }
        write!(
            f,
            "), difference B − A = {} (s.e. {})",
            signed_number(self.difference, p),
            number(self.std_error, p)
        )
    }
}
