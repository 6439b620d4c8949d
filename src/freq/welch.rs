//! Welch's t-test for continuous metrics (for example watch time or
//! revenue per impression) from summary statistics.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Alternative, Range, check_finite, check_open_unit};
use crate::interval::Interval;
use crate::numeric::tail_root::solve_tail;
use crate::numeric::{
    beta_inc, beta_inc_inv, beta_inc_inv_upper, beta_inc_upper, ln_beta, ln_beta_pdf, normal_isf,
};
use crate::report::format::{number, probability, signed_number};
use crate::{Error, Result};

/// Mean, sample standard deviation (n − 1 denominator) and size of one arm.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "RawSummary")]
pub struct SampleSummary {
    mean: f64,
    std_dev: f64,
    n: u64,
}

#[derive(Deserialize)]
struct RawSummary {
    mean: f64,
    std_dev: f64,
    n: u64,
}

impl TryFrom<RawSummary> for SampleSummary {
    type Error = Error;
    fn try_from(raw: RawSummary) -> Result<Self> {
        SampleSummary::new(raw.mean, raw.std_dev, raw.n)
    }
}

impl SampleSummary {
    /// Summary of `n` observations.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if `mean` is not finite, `std_dev` is
    /// negative or not finite, or `n < 2`.
    pub fn new(mean: f64, std_dev: f64, n: u64) -> Result<Self> {
        check_finite("mean", mean)?;
        if !(std_dev.is_finite() && std_dev >= 0.0) {
            return Err(Error::InvalidParameter {
                name: "standard deviation",
                value: std_dev,
                expected: "a finite number >= 0",
            });
        }
        if n < 2 {
            return Err(Error::InvalidParameter {
                name: "n",
                value: n as f64,
                expected: "at least 2 observations",
            });
        }
        Ok(Self { mean, std_dev, n })
    }

    /// The mean.
    pub fn mean(&self) -> f64 {
        self.mean
    }

    /// The sample standard deviation.
    pub fn std_dev(&self) -> f64 {
        self.std_dev
    }

    /// The number of observations.
    pub fn n(&self) -> u64 {
        self.n
    }

    /// (s/scale)²/n, the squared standard error of the mean in units of
    /// `scale` (so that s = 10³⁰⁰ does not overflow).
    fn var_of_mean(&self, scale: f64) -> f64 {
        let s = self.std_dev / scale;
        s * s / self.n as f64
    }
}

/// Result of [`welch_t_test`].
///
/// Deserialisation checks the p-value is in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "WelchTestRepr")]
#[non_exhaustive]
pub struct WelchTest {
    /// t = (mean_B − mean_A)/se, B minus A.
    pub statistic: f64,
    /// Welch–Satterthwaite degrees of freedom
    /// (v_A + v_B)²/(v_A²/(n_A − 1) + v_B²/(n_B − 1)), v = s²/n.
    pub dof: f64,
    /// The p-value for the chosen alternative (Student t tail through the
    /// incomplete beta: P(|T| > t) = I_{ν/(ν+t²)}(ν/2, ½)).
    pub p_value: f64,
    /// mean_B − mean_A.
    pub difference: f64,
    /// se = √(v_A + v_B).
    pub std_error: f64,
    /// Two-sided interval of the difference at the requested level:
    /// difference ± t_{1−α/2, ν}·se.
    pub interval: Interval,
}

/// Welch's unequal-variance t-test of mean_B − mean_A, with the two-sided
/// confidence interval of the difference at `level`.
///
/// Any finite means, standard deviations and sizes are accepted: the
/// variances are formed in units of the larger standard deviation (no
/// overflow at s = 10³⁰⁰), and above ν = 10⁷ degrees of freedom the t
/// quantile is the Cornish–Fisher expansion in 1/ν to fourth order (error
/// below 10⁻¹⁵ relative), so every call takes microseconds.
///
/// # Errors
///
/// [`Error::InvalidParameter`] for a bad `level`; [`Error::Undefined`] if
/// both standard deviations are 0; [`Error::TooLarge`] if the difference of
/// the means, or the t statistic, exceeds the range of `f64` (|mean_B −
/// mean_A| above 1.8·10³⁰⁸, or a standard error more than 10³⁰⁸ times
/// smaller than the difference).
///
/// # Example
///
/// ```
/// use postab::freq::{Alternative, SampleSummary, welch_t_test};
///
/// let a = SampleSummary::new(12.0, 4.0, 200)?;
/// let b = SampleSummary::new(13.1, 5.0, 180)?;
/// let t = welch_t_test(a, b, Alternative::TwoSided, 0.95)?;
/// assert!(t.p_value < 0.05 && t.interval.lower > 0.0);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn welch_t_test(
    a: SampleSummary,
    b: SampleSummary,
    alternative: Alternative,
    level: f64,
) -> Result<WelchTest> {
    check_open_unit("confidence level", level)?;
    let scale = a.std_dev.max(b.std_dev);
    if scale <= 0.0 {
        return Err(Error::Undefined {
            statistic: "Welch t",
            reason: "both standard deviations are 0".into(),
        });
    }
    // Variances of the means in units of scale²: the larger is ≥ 1/n.
    let (va, vb) = (a.var_of_mean(scale), b.var_of_mean(scale));
    let unit_se = (va + vb).sqrt();
    let std_error = scale * unit_se;
    let dof = (va + vb) * (va + vb) / (va * va / (a.n - 1) as f64 + vb * vb / (b.n - 1) as f64);
    let difference = b.mean - a.mean;
    let t = (difference / scale) / unit_se;
    let too_large = |what: &str, value: f64| Error::TooLarge {
        what: "Welch t-test",
        reason: format!("the {what} ({value}) exceeds the range of f64"),
    };
    if !difference.is_finite() {
        return Err(too_large("difference of the means", difference));
    }
    if !t.is_finite() || !std_error.is_finite() || std_error <= 0.0 {
        return Err(too_large("t statistic", t));
    }
    let p_value = match alternative {
        Alternative::TwoSided => t_two_tail(t, dof),
        Alternative::Larger => t_upper(t, dof),
        Alternative::Smaller => t_upper(-t, dof),
    };
    let half = t_isf_two_sided(1.0 - level, dof) * std_error;
    Ok(WelchTest {
        statistic: t,
        dof,
        p_value: p_value.clamp(0.0, 1.0),
        difference,
        std_error,
        interval: Range::Real.interval(difference - half, difference + half),
    })
}

/// P(|T_ν| > |t|) = I_x(ν/2, ½) with x = ν/(ν + t²). Whichever of x and
/// 1 − x = t²/(ν + t²) is smaller is formed directly (at ν = 10⁹ the tail
/// is sensitive to 1 − x, which `1 − x` would round away).
///
/// Above [`CORNISH_FISHER_DOF`], when (ν + 1)/2·ln(1 + t²/ν) > 2000 the
/// tail is below e⁻¹²⁰⁰ (far below the smallest `f64`) and 0 is returned
/// without evaluating the incomplete beta function at such extreme
/// arguments.
pub(crate) fn t_two_tail(t: f64, nu: f64) -> f64 {
    let t2 = t * t;
    if nu > CORNISH_FISHER_DOF && 0.5 * (nu + 1.0) * (t2 / nu).ln_1p() > 2000.0 {
        return 0.0;
    }
    if t2 < nu {
        beta_inc_upper(0.5, nu / 2.0, t2 / (nu + t2))
    } else {
        beta_inc(nu / 2.0, 0.5, nu / (nu + t2))
    }
}

/// P(T_ν > t).
pub(crate) fn t_upper(t: f64, nu: f64) -> f64 {
    let half = 0.5 * t_two_tail(t, nu);
    if t >= 0.0 { half } else { 1.0 - half }
}

/// Degrees of freedom above which the t quantile is the Cornish–Fisher
/// expansion.
const CORNISH_FISHER_DOF: f64 = 1e7;

/// The t with P(|T_ν| > t) = alpha.
///
/// * Above [`CORNISH_FISHER_DOF`]: z + g₁/ν + g₂/ν² + g₃/ν³ + g₄/ν⁴ with
///   z = Φ⁻¹(1 − alpha/2) (Abramowitz & Stegun 26.7.5), whose next term is
///   below 10⁻³⁰ there.
/// * From [`HALLEY_DOF`] and alpha ≥ [`HALLEY_ALPHA`]: that expansion as a
///   guess, then Halley steps on ln P(T_ν > t) = ln(alpha/2) by the
///   shared tail solver (one evaluation of the tail each). At ν = 38,
///   alpha = 0.05 the guess is within 1e-8 and one step suffices.
/// * Otherwise (few degrees of freedom or far tails): from 1 − I_y(½, ν/2) = alpha with y = t²/(ν + t²), so y
///   keeps full accuracy when small; when y > ½ (large t) from
///   I_w(ν/2, ½) = alpha with w = 1 − y, which keeps it there. Two Newton
///   steps on y polish the inverse.
pub(crate) fn t_isf_two_sided(alpha: f64, nu: f64) -> f64 {
    if nu > CORNISH_FISHER_DOF {
        return cornish_fisher(alpha, nu);
    }
    if let Some(t) = t_isf_halley(alpha, nu) {
        return t;
    }
    let mut y = beta_inc_inv_upper(0.5, nu / 2.0, alpha);
    if y > 0.5 {
        // Large t: 1 − y would cancel. Solve for w = 1 − y = ν/(ν + t²)
        // directly, I_w(ν/2, ½) = alpha, and take t² = ν(1 − w)/w.
        let w = beta_inc_inv(nu / 2.0, 0.5, alpha);
        return (nu * (1.0 - w) / w).sqrt();
    }
    for _ in 0..2 {
        if !(y > 0.0 && y < 0.5) {
            break;
        }
        let miss = beta_inc_upper(0.5, nu / 2.0, y) - alpha;
        let density = ln_beta_pdf(0.5, nu / 2.0, y, 1.0 - y).exp();
        if density > 0.0 && density.is_finite() {
            y += miss / density;
        }
    }
    (nu * y / (1.0 - y)).sqrt()
}

/// Fewest degrees of freedom and smallest alpha of the Halley route of
/// [`t_isf_two_sided`].
const HALLEY_DOF: f64 = 3.0;
const HALLEY_ALPHA: f64 = 1e-10;

/// The Cornish–Fisher expansion of the two-sided t quantile to 1/ν⁴.
fn cornish_fisher(alpha: f64, nu: f64) -> f64 {
    let z = normal_isf(0.5 * alpha);
    let z2 = z * z;
    let g1 = z * (z2 + 1.0) / 4.0;
    let g2 = z * ((5.0 * z2 + 16.0) * z2 + 3.0) / 96.0;
    let g3 = z * (((3.0 * z2 + 19.0) * z2 + 17.0) * z2 - 15.0) / 384.0;
    let g4 = z * ((((79.0 * z2 + 776.0) * z2 + 1482.0) * z2 - 1920.0) * z2 - 945.0) / 92160.0;
    z + (g1 + (g2 + (g3 + g4 / nu) / nu) / nu) / nu
}

/// `P(T_ν > t) = alpha/2` by the crate's tail solver
/// ([`solve_tail`](crate::numeric::tail_root::solve_tail): Halley steps on
/// the log of the tail, bracketed) from the Cornish–Fisher guess; the
/// density's log-derivative is `−(ν + 1)t/(ν + t²)`. `None` outside its
/// range or for a root that is not a positive finite number.
fn t_isf_halley(alpha: f64, nu: f64) -> Option<f64> {
    if !(nu >= HALLEY_DOF && (HALLEY_ALPHA..1.0).contains(&alpha)) {
        return None;
    }
    let ln_norm = -0.5 * nu.ln() - ln_beta(0.5 * nu, 0.5);
    let guess = cornish_fisher(alpha, nu);
    if !(guess > 0.0 && guess.is_finite()) {
        return None;
    }
    let t = solve_tail(0.5 * alpha, true, guess, (0.0, f64::INFINITY), |t| {
        let t2 = t * t;
        (
            0.5 * t_two_tail(t, nu),
            ln_norm - 0.5 * (nu + 1.0) * (t2 / nu).ln_1p(),
            -(nu + 1.0) * t / (nu + t2),
        )
    });
    (t > 0.0 && t.is_finite()).then_some(t)
}

super::common::validated!(
    WelchTest,
    WelchTestRepr {
        statistic: f64,
        dof: f64,
        p_value: f64,
        difference: f64,
        std_error: f64,
        interval: Interval
    },
    |r| { crate::validate::read::prob("Welch p-value", r.p_value) }
);

/// `mean 12.00, sd 4.000, n = 200`.
impl fmt::Display for SampleSummary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "mean {}, sd {}, n = {}",
            number(self.mean, p),
            number(self.std_dev, p),
            self.n
        )
    }
}

/// `Welch t = 2.351 on 342.4 dof, p = 0.01928, difference B − A = +1.100
/// (s.e. 0.4679), interval [0.1798, 2.020]`.
impl fmt::Display for WelchTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "Welch t = {} on {} dof, p = {}, difference B − A = {} (s.e. {}), interval [{}, {}]",
            number(self.statistic, p),
            number(self.dof, p),
            probability(self.p_value),
            signed_number(self.difference, p),
            number(self.std_error, p),
            number(self.interval.lower, p),
            number(self.interval.upper, p)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::t_isf_two_sided;

    /// Large quantiles keep their digits (scipy 1.17 `stats.t.isf(α/2, ν)`;
    /// the old route through `1 − y` gave +∞ at ν = 1, α = 3e-9).
    #[test]
    fn large_t_quantiles_are_accurate() {
        for (nu, alpha, want) in [
            (1.0, 3e-9, 212_206_590.789_193_78),
            (1.0, 1e-8, 63_661_977.236_758_13),
            (2.0, 1e-12, 999_999.999_999_249_9),
            (1.5, 1e-20, 17_850_334_350_347.445),
            (1.0, 0.4, 1.376_381_920_471_173_6),
            (3.0, 0.01, 5.840_909_309_733_357),
        ] {
            let got = t_isf_two_sided(alpha, nu);
            assert!(
                ((got - want) / want).abs() < 1e-12,
                "ν {nu}, α {alpha}: {got} vs {want}"
            );
        }
    }
    /// The Halley route and the incomplete-beta route agree with mpmath
    /// (40 digits: the root of `I_{ν/(ν+t²)}(ν/2, ½) = α`, generated by
    /// `mpmath.findroot` from scipy's guess) to 1e-13 over ν from 3 to 10⁶
    /// and α from 0.9 to 1e-10 (worst measured: see the assertion message).
    #[test]
    fn quantiles_match_mpmath_across_dof_and_alpha() {
        let mut worst: f64 = 0.0;
        for (nu, alpha, want) in [
            (3.0, 0.9, 0.13659819935369888),
            (3.0, 0.5, 0.7648923284043453),
            (3.0, 0.05, 3.1824463052837095),
            (3.0, 0.01, 5.840909309733357),
            (3.0, 0.0001, 28.000130010948975),
            (3.0, 1e-08, 604.1648958186105),
            (3.0, 1e-10, 2804.2938253395255),
            (3.5, 0.9, 0.13501565018020925),
            (3.5, 0.5, 0.7509370293940787),
            (3.5, 0.05, 2.9400886379827296),
            (3.5, 0.01, 5.085702223091259),
            (3.5, 0.0001, 19.899123122247897),
            (3.5, 1e-08, 277.4896690194221),
            (3.5, 1e-10, 1034.3865972342203),
            (5.0, 0.9, 0.13217517523168723),
            (5.0, 0.5, 0.7266868438004227),
            (5.0, 0.05, 2.5705818356363155),
            (5.0, 0.01, 4.032142983555228),
            (5.0, 0.0001, 11.177710070278614),
            (5.0, 1e-08, 71.69350276982087),
            (5.0, 1e-10, 180.14910084827105),
            (10.0, 0.9, 0.12889018929327375),
            (10.0, 0.5, 0.6998120613124317),
            (10.0, 0.05, 2.228138851986275),
            (10.0, 0.01, 3.1692726726169513),
            (10.0, 0.0001, 6.211050891290663),
            (10.0, 1e-08, 17.076428951025196),
            (10.0, 1e-10, 27.31872487426254),
            (38.0, 0.9, 0.1265039820232043),
            (38.0, 0.5, 0.681000878741716),
            (38.0, 0.05, 2.02439416391197),
            (38.0, 0.01, 2.7115576019130825),
            (38.0, 0.0001, 4.345580667374634),
            (38.0, 1e-08, 7.289936028481034),
            (38.0, 1e-10, 8.81714774051492),
            (100.0, 0.9, 0.12598088204153965),
            (100.0, 0.5, 0.6769510430114715),
            (100.0, 0.05, 1.9839715185235522),
            (100.0, 0.01, 2.6258905214380177),
            (100.0, 0.0001, 4.053336701201518),
            (100.0, 1e-08, 6.252890432439364),
            (100.0, 1e-10, 7.22718705672853),
            (1000.0, 0.9, 0.12569326251871635),
            (1000.0, 0.5, 0.6747351646070094),
            (1000.0, 0.05, 1.9623390808264085),
            (1000.0, 0.01, 2.580754698065951),
            (1000.0, 0.0001, 3.9063437367013814),
            (1000.0, 1e-08, 5.779568004003751),
            (1000.0, 1e-10, 6.536820830040597),
            (100000.0, 0.9, 0.1256616659695919),
            (100000.0, 0.5, 0.6744922035532922),
            (100000.0, 0.05, 1.9599877075346097),
            (100000.0, 0.01, 2.575878469908375),
            (100000.0, 0.0001, 3.890748845385757),
            (100000.0, 1e-08, 5.731213741203782),
            (100000.0, 1e-10, 6.467643461343138),
            (1000000.0, 0.9, 0.12566137876648747),
            (1000000.0, 0.5, 0.6744899955310873),
            (1000000.0, 0.05, 1.959966356814107),
            (1000000.0, 0.01, 2.5758342201053344),
            (1000000.0, 0.0001, 3.8906075818030654),
            (1000000.0, 1e-08, 5.730777352351652),
            (1000000.0, 1e-10, 6.4670203189408575),
        ] {
            let got = t_isf_two_sided(alpha, nu);
            let err = ((got - want) / want).abs();
            worst = worst.max(err);
            assert!(err < 1e-13, "ν {nu}, α {alpha}: {got} vs {want}");
        }
        assert!(worst < 1e-13, "worst {worst:e}");
    }
}
