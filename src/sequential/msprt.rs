//! Mixture sequential probability ratio test for two proportions.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::{Tally, check_alpha};
use crate::error::{Error, Result};
use crate::interval::Interval;
use crate::report::format::{number, probability, signed_number};

/// A mixture sequential probability ratio test (mSPRT) of `H₀: p_B − p_A = θ₀`
/// for two binomial rates, with always-valid p-values and confidence sequences
/// (Robbins 1970; Johari, Koomen, Pekelis & Walsh 2017, "Peeking at A/B
/// tests", KDD).
///
/// # Model
///
/// With `n_A`, `n_B` trials, the observed difference `θ̂ = p̂_B − p̂_A` is taken
/// as normal, `θ̂ ~ N(θ, V)`, with the plug-in variance
/// `V = p̃_A(1 − p̃_A)/n_A + p̃_B(1 − p̃_B)/n_B`, where `p̃ = (s + ½)/(n + 1)`
/// (the half-success smoothing keeps `V > 0` at zero or all successes). The
/// alternative mixes over the effect with a normal distribution
/// `θ ~ N(θ₀, τ²)`; the likelihood ratio is then
///
/// ```text
/// Λ(θ₀) = √(V / (V + τ²)) · exp( τ² (θ̂ − θ₀)² / (2 V (V + τ²)) ).
/// ```
///
/// Under `H₀`, `Λ` is a martingale in the normal limit, so by Ville's
/// inequality `P(Λ ever ≥ 1/α) ≤ α`. Hence:
///
/// * the **always-valid p-value** after look `n` is
///   `p_n = min(1, 1/Λ_1(0), …, 1/Λ_n(0))` (the running minimum kept by
///   [`MsprtMonitor`]); stopping the first time `p_n ≤ α` has false-positive
///   rate at most α however often you look;
/// * the **confidence sequence** is `{θ₀ : Λ(θ₀) < 1/α}`, the interval
///   `θ̂ ± √( 2V(V + τ²)/τ² · (ln(1/α) + ½ ln((V + τ²)/V)) )`, intersected
///   over looks by [`MsprtMonitor`]; it covers the true difference at every
///   look simultaneously with probability `1 − α`.
///
/// The guarantee is asymptotic in the counts (the normal approximation to
/// `θ̂`); with tens of successes per arm it holds closely, which
/// `tests/sequential_msprt.rs` checks on simulated A/A tests.
///
/// # Choosing τ
///
/// `τ` is the scale of effects (in rate units, e.g. 0.005 = half a percentage
/// point) you expect. Any `τ > 0` keeps the error guarantee; it only moves
/// *when* the test is most powerful: the test is tightest around the look at
/// which `V ≈ τ² / r*`, with `r* = 2 ln(1/α) + ln(1 + r*)` (≈ 8.2 at α = 0.05;
/// Howard et al. 2021, "Time-uniform, nonparametric, nonasymptotic confidence
/// sequences", §3.5). [`Msprt::tuned`] sets `τ` that way from a baseline rate
/// and the largest number of impressions per variant you plan to collect.
/// A τ much larger than real effects delays detection; much smaller widens
/// the confidence sequence at large counts.
///
/// # Supported range
///
/// `alpha` in (0, 1), `τ` in [10⁻¹⁰⁰, 10¹⁰⁰] ([`MIN_TAU`], [`MAX_TAU`]; beyond
/// that `τ²` under- or overflows), the null difference in (−1, 1); any
/// tallies. Deserialisation runs the same checks.
///
/// # Example
/// ```
/// use postab::sequential::{Msprt, Tally};
/// let test = Msprt::new(0.05, 0.01)?;
/// let look = test.look(Tally::new(200, 10_000)?, Tally::new(300, 10_000)?)?;
/// assert!(look.reject); // a 1-point lift on 10 000 impressions each
/// assert!(look.confidence_sequence.contains(0.01));
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MsprtRepr")]
pub struct Msprt {
    alpha: f64,
    tau: f64,
    null_difference: f64,
}

/// Smallest mixing scale τ accepted by [`Msprt::new`].
pub const MIN_TAU: f64 = 1e-100;
/// Largest mixing scale τ accepted by [`Msprt::new`].
pub const MAX_TAU: f64 = 1e100;

/// The serialised form of [`Msprt`], checked on the way in.
#[derive(Deserialize)]
struct MsprtRepr {
    alpha: f64,
    tau: f64,
    null_difference: f64,
}

impl TryFrom<MsprtRepr> for Msprt {
    type Error = Error;

    fn try_from(r: MsprtRepr) -> Result<Self> {
        Msprt::new(r.alpha, r.tau)?.with_null_difference(r.null_difference)
    }
}

/// What an [`Msprt`] says at one look.
///
/// In JSON an infinite `variance` is the string `"inf"` (see
/// the crate's float convention). Deserialisation checks the difference (in
/// [−1, 1]), the variance (positive, possibly infinite), the log likelihood
/// ratio (finite), the p-value (in [0, 1]) and the confidence sequence
/// (within [−1, 1]).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MsprtLookRepr")]
#[non_exhaustive]
pub struct MsprtLook {
    /// Observed difference `θ̂ = p̂_B − p̂_A` (treatment minus control).
    pub difference: f64,
    /// Plug-in variance `V` of `θ̂` (see [`Msprt`]); infinite before both arms
    /// have a trial.
    #[serde(with = "crate::serde_float")]
    pub variance: f64,
    /// `ln Λ(θ₀)`, the log mixture likelihood ratio against the null difference.
    pub log_likelihood_ratio: f64,
    /// Always-valid p-value: from [`Msprt::look`] `min(1, 1/Λ)` at this look
    /// alone; from [`MsprtMonitor::update`] the running minimum over looks.
    pub p_value: f64,
    /// `1 − α` confidence sequence for `p_B − p_A`, clipped to `[−1, 1]`; from
    /// the monitor, the intersection over looks.
    pub confidence_sequence: Interval,
    /// `p_value ≤ α`: the null difference is rejected.
    pub reject: bool,
}

/// The serialised form of [`MsprtLook`], checked on the way in.
#[derive(Deserialize)]
struct MsprtLookRepr {
    difference: f64,
    #[serde(with = "crate::serde_float")]
    variance: f64,
    log_likelihood_ratio: f64,
    p_value: f64,
    confidence_sequence: Interval,
    reject: bool,
}

impl TryFrom<MsprtLookRepr> for MsprtLook {
    type Error = Error;

    fn try_from(r: MsprtLookRepr) -> Result<Self> {
        let bad = |name, value, expected| Error::InvalidParameter {
            name,
            value,
            expected,
        };
        if !(-1.0..=1.0).contains(&r.difference) {
            return Err(bad(
                "mSPRT difference",
                r.difference,
                "a difference of rates in [-1, 1]",
            ));
        }
        if r.variance.is_nan() || r.variance <= 0.0 {
            return Err(bad(
                "mSPRT variance",
                r.variance,
                "a positive variance (or inf)",
            ));
        }
        if !r.log_likelihood_ratio.is_finite() {
            return Err(bad(
                "mSPRT log likelihood ratio",
                r.log_likelihood_ratio,
                "a finite number",
            ));
        }
        crate::validate::check_probability("mSPRT p-value", r.p_value)?;
        check_difference_interval(&r.confidence_sequence)?;
        Ok(MsprtLook {
            difference: r.difference,
            variance: r.variance,
            log_likelihood_ratio: r.log_likelihood_ratio,
            p_value: r.p_value,
            confidence_sequence: r.confidence_sequence,
            reject: r.reject,
        })
    }
}

/// Checks a confidence sequence lies within [−1, 1] (lower ≤ upper is
/// checked by [`Interval`]'s own deserialisation).
fn check_difference_interval(iv: &Interval) -> Result<()> {
    if -1.0 <= iv.lower && iv.upper <= 1.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name: "confidence sequence end",
            value: if iv.lower < -1.0 { iv.lower } else { iv.upper },
            expected: "an interval within [-1, 1]",
        })
    }
}

impl Msprt {
    /// An mSPRT of `p_B − p_A = 0` at level `alpha` with mixing scale `tau`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `alpha` is not in (0, 1) or `tau` is
    /// not in [[`MIN_TAU`], [`MAX_TAU`]] = [10⁻¹⁰⁰, 10¹⁰⁰].
    pub fn new(alpha: f64, tau: f64) -> Result<Self> {
        let alpha = check_alpha(alpha)?;
        if !(MIN_TAU..=MAX_TAU).contains(&tau) {
            return Err(Error::InvalidParameter {
                name: "tau",
                value: tau,
                expected: "a mixing scale in [1e-100, 1e100]",
            });
        }
        Ok(Self {
            alpha,
            tau,
            null_difference: 0.0,
        })
    }

    /// An mSPRT whose `τ` makes it most powerful at the horizon of a test with
    /// a `baseline_rate` and up to `max_trials_per_arm` trials per arm:
    /// `τ² = r* · 2p(1 − p)/n` with `r* = 2 ln(1/α) + ln(1 + r*)` (see
    /// [`Msprt`], "Choosing τ").
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `alpha` or `baseline_rate` is not in
    /// (0, 1), or the resulting τ is outside [10⁻¹⁰⁰, 10¹⁰⁰] (a baseline rate
    /// within about 10⁻¹⁸⁰ of 0 or 1); [`Error::NoTraffic`] when
    /// `max_trials_per_arm` is 0.
    ///
    /// # Example
    /// ```
    /// use postab::sequential::Msprt;
    /// let t = Msprt::tuned(0.05, 0.02, 50_000)?;
    /// // τ ≈ 2.9 × the standard error of θ̂ at the horizon (0.00089).
    /// assert!((t.tau() - 0.002_54).abs() < 1e-4);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn tuned(alpha: f64, baseline_rate: f64, max_trials_per_arm: u64) -> Result<Self> {
        let alpha = check_alpha(alpha)?;
        if !(baseline_rate > 0.0 && baseline_rate < 1.0) {
            return Err(Error::InvalidParameter {
                name: "baseline rate",
                value: baseline_rate,
                expected: "a rate in (0, 1)",
            });
        }
        if max_trials_per_arm == 0 {
            return Err(Error::NoTraffic {
                name: "max trials per arm",
            });
        }
        let two_l = -2.0 * alpha.ln();
        // r = 2L + ln(1 + r) is a contraction (slope 1/(1 + r) < 1).
        let mut r = two_l + 1.0;
        for _ in 0..100 {
            let next = two_l + r.ln_1p();
            let done = (next - r).abs() <= 1e-15 * r;
            r = next;
            if done {
                break;
            }
        }
        let v = 2.0 * baseline_rate * (1.0 - baseline_rate) / max_trials_per_arm as f64;
        Self::new(alpha, (r * v).sqrt())
    }

    /// The same test against the null `p_B − p_A = theta0` (a non-inferiority
    /// margin, say). Confidence sequences do not depend on `θ₀`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `theta0` is not in (−1, 1).
    pub fn with_null_difference(mut self, theta0: f64) -> Result<Self> {
        if !(theta0 > -1.0 && theta0 < 1.0) {
            return Err(Error::InvalidParameter {
                name: "null difference",
                value: theta0,
                expected: "a difference of rates in (-1, 1)",
            });
        }
        self.null_difference = theta0;
        Ok(self)
    }

    /// The level α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The mixing scale τ (rate units).
    pub fn tau(&self) -> f64 {
        self.tau
    }

    /// The null difference θ₀ (0 unless set).
    pub fn null_difference(&self) -> f64 {
        self.null_difference
    }

    /// The test at one look, from cumulative counts of the control (A) and
    /// the treatment (B). The p-value and interval are this look's alone; use
    /// [`MsprtMonitor`] to carry them across looks.
    ///
    /// # Errors
    /// [`Error::SuccessesExceedTrials`] when a tally has more successes than
    /// trials.
    pub fn look(&self, control: Tally, treatment: Tally) -> Result<MsprtLook> {
        control.check_binomial()?;
        treatment.check_binomial()?;
        Ok(self.look_unchecked(control, treatment))
    }

    /// [`Msprt::look`] for tallies known to be valid.
    pub(crate) fn look_unchecked(&self, a: Tally, b: Tally) -> MsprtLook {
        let (difference, variance) = difference_and_variance(a, b);
        if !variance.is_finite() {
            return MsprtLook {
                difference,
                variance,
                log_likelihood_ratio: 0.0,
                p_value: 1.0,
                confidence_sequence: Interval {
                    lower: -1.0,
                    upper: 1.0,
                },
                reject: false,
            };
        }
        let llr = self.log_lr(difference, variance, self.null_difference);
        let p_value = (-llr).exp().min(1.0);
        let tau2 = self.tau * self.tau;
        let half_width = (2.0 * variance * (variance + tau2) / tau2
            * (-self.alpha.ln() + 0.5 * (tau2 / variance).ln_1p()))
        .sqrt();
        MsprtLook {
            difference,
            variance,
            log_likelihood_ratio: llr,
            p_value,
            confidence_sequence: Interval::within(
                difference - half_width,
                difference + half_width,
                -1.0,
                1.0,
            ),
            reject: p_value <= self.alpha,
        }
    }

    /// Whether `Λ(θ₀) ≥ 1/α` for the given counts: the stopping test, without
    /// the interval (used by the simulation harness).
    pub(crate) fn rejects(&self, a: Tally, b: Tally) -> bool {
        let (d, v) = difference_and_variance(a, b);
        v.is_finite() && self.log_lr(d, v, self.null_difference) >= -self.alpha.ln()
    }

    /// `ln Λ(θ₀)` for an observed difference `d` with variance `v`.
    fn log_lr(&self, d: f64, v: f64, theta0: f64) -> f64 {
        let tau2 = self.tau * self.tau;
        let x = d - theta0;
        -0.5 * (tau2 / v).ln_1p() + tau2 * x * x / (2.0 * v * (v + tau2))
    }
}

/// `θ̂ = p̂_B − p̂_A` and its smoothed plug-in variance (infinite without trials).
fn difference_and_variance(a: Tally, b: Tally) -> (f64, f64) {
    if a.trials == 0 || b.trials == 0 {
        return (b.rate() - a.rate(), f64::INFINITY);
    }
    let var = |t: Tally| {
        let n = t.trials as f64;
        let p = (t.successes as f64 + 0.5) / (n + 1.0);
        p * (1.0 - p) / n
    };
    (b.rate() - a.rate(), var(a) + var(b))
}

/// An [`Msprt`] followed over looks: keeps the running-minimum p-value and
/// the running intersection of confidence sequences.
///
/// # Example
/// ```
/// use postab::sequential::{Msprt, MsprtMonitor, Tally};
/// let mut m = MsprtMonitor::new(Msprt::new(0.05, 0.01)?);
/// let first = m.update(Tally::new(30, 1_000)?, Tally::new(60, 1_000)?)?;
/// let second = m.update(Tally::new(70, 2_000)?, Tally::new(90, 2_000)?)?;
/// assert!(second.p_value <= first.p_value); // never goes back up
/// assert!(second.confidence_sequence.width() <= first.confidence_sequence.width());
/// # Ok::<(), postab::Error>(())
/// ```
///
/// Deserialisation checks the test (as [`Msprt::new`]), the p-value (in
/// [0, 1]) and the interval (within [−1, 1]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MsprtMonitorRepr")]
pub struct MsprtMonitor {
    test: Msprt,
    looks: u64,
    p_value: f64,
    interval: Interval,
}

/// The serialised form of [`MsprtMonitor`], checked on the way in.
#[derive(Deserialize)]
struct MsprtMonitorRepr {
    test: Msprt,
    looks: u64,
    p_value: f64,
    interval: Interval,
}

impl TryFrom<MsprtMonitorRepr> for MsprtMonitor {
    type Error = Error;

    fn try_from(r: MsprtMonitorRepr) -> Result<Self> {
        crate::validate::check_probability("p-value", r.p_value)?;
        check_difference_interval(&r.interval)?;
        Ok(Self {
            test: r.test,
            looks: r.looks,
            p_value: r.p_value,
            interval: r.interval,
        })
    }
}

impl MsprtMonitor {
    /// A monitor with no looks yet (p-value 1, interval `[−1, 1]`).
    pub fn new(test: Msprt) -> Self {
        Self {
            test,
            looks: 0,
            p_value: 1.0,
            interval: Interval {
                lower: -1.0,
                upper: 1.0,
            },
        }
    }

    /// Takes a look at the cumulative counts so far.
    ///
    /// # Errors
    /// [`Error::SuccessesExceedTrials`] when a tally has more successes than
    /// trials.
    pub fn update(&mut self, control: Tally, treatment: Tally) -> Result<MsprtLook> {
        let mut look = self.test.look(control, treatment)?;
        self.looks = self.looks.saturating_add(1);
        self.p_value = self.p_value.min(look.p_value);
        let cs = look.confidence_sequence;
        let (lower, upper) = (
            self.interval.lower.max(cs.lower),
            self.interval.upper.min(cs.upper),
        );
        // Disjoint: collapses to the middle of the gap (see
        // `confidence_sequence`).
        self.interval = Interval::within(lower, upper, -1.0, 1.0);
        look.p_value = self.p_value;
        look.confidence_sequence = self.interval;
        look.reject = self.p_value <= self.test.alpha;
        Ok(look)
    }

    /// The running always-valid p-value.
    pub fn p_value(&self) -> f64 {
        self.p_value
    }

    /// The running confidence sequence: the intersection of the looks'
    /// intervals. When a look's interval is disjoint from the running one
    /// (possible only with probability at most α, and a sign that the model
    /// does not fit, e.g. rates drifting over time), the sequence collapses
    /// to the single point in the middle of the gap between them, so it is
    /// never empty: `lower ≤ upper` always, within [−1, 1].
    pub fn confidence_sequence(&self) -> Interval {
        self.interval
    }

    /// Number of looks taken.
    pub fn looks(&self) -> u64 {
        self.looks
    }

    /// The test being monitored.
    pub fn test(&self) -> &Msprt {
        &self.test
    }
}

/// `mSPRT (α = 0.05, τ = 0.01)`, with the null difference when not 0.
impl fmt::Display for Msprt {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mSPRT (α = {}, τ = {}", self.alpha, self.tau)?;
        if self.null_difference != 0.0 {
            write!(f, ", H0 difference {:+}", self.null_difference)?;
        }
        f.write_str(")")
    }
}

/// `difference +0.01500, always-valid p = 0.02882, confidence sequence
/// [0.0009656, 0.02903]: reject` (or `: continue`).
impl fmt::Display for MsprtLook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "difference {}, always-valid p = {}, confidence sequence [{}, {}]: {}",
            signed_number(self.difference, p),
            probability(self.p_value),
            number(self.confidence_sequence.lower, p),
            number(self.confidence_sequence.upper, p),
            if self.reject { "reject" } else { "continue" }
        )
    }
}

/// `mSPRT (α = 0.05, τ = 0.01) after 3 looks: p = 0.02882, confidence
/// sequence [0.0009656, 0.02903]`.
impl fmt::Display for MsprtMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "{} after {} look{}: p = {}, confidence sequence [{}, {}]",
            self.test,
            self.looks,
            if self.looks == 1 { "" } else { "s" },
            probability(self.p_value),
            number(self.interval.lower, p),
            number(self.interval.upper, p)
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rejection_region_matches_closed_form() {
        // Λ ≥ 1/α ⇔ Z² ≥ (1 + r)/r · (2 ln(1/α) + ln(1 + r)), r = τ²/V.
        let t = Msprt::new(0.05, 0.01).unwrap();
        let (a, b) = (
            Tally {
                successes: 500,
                trials: 10_000,
            },
            Tally {
                successes: 560,
                trials: 10_000,
            },
        );
        let (d, v) = difference_and_variance(a, b);
        let r = 1e-4 / v;
        let z2 = d * d / v;
        let threshold = (1.0 + r) / r * (2.0 * 20f64.ln() + r.ln_1p());
        assert_eq!(t.rejects(a, b), z2 >= threshold);
        let look = t.look(a, b).unwrap();
        let expected_llr = 0.5 * (z2 * r / (1.0 + r) - r.ln_1p());
        assert!((look.log_likelihood_ratio - expected_llr).abs() < 1e-12);
        // The interval's end points are where Λ(θ₀) = 1/α.
        let cs = look.confidence_sequence;
        for end in [cs.lower, cs.upper] {
            assert!((t.log_lr(d, v, end) - 20f64.ln()).abs() < 1e-9);
        }
    }

    #[test]
    fn tuned_tau_solves_fixed_point() {
        let t = Msprt::tuned(0.05, 0.1, 1000).unwrap();
        let r = t.tau().powi(2) / (2.0 * 0.1 * 0.9 / 1000.0);
        assert!((r - (2.0 * 20f64.ln() + r.ln_1p())).abs() < 1e-10, "{r}");
    }

    #[test]
    fn no_trials_means_no_evidence() {
        let t = Msprt::new(0.05, 0.01).unwrap();
        let look = t
            .look(
                Tally::default(),
                Tally {
                    successes: 3,
                    trials: 3,
                },
            )
            .unwrap();
        assert_eq!(look.p_value, 1.0);
        assert!(!look.reject);
    }
}
