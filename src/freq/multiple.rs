//! Multiple-comparison adjustments of p-values.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::check_open_unit;
use crate::report::format::probability;
use crate::{Error, Result};

/// Adjustment method of [`adjust_p_values`]. m = number of p-values,
/// p₍₁₎ ≤ … ≤ p₍ₘ₎ the sorted values, results capped at 1 and returned in
/// input order. The default is Holm.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Correction {
    /// No adjustment: the raw p-values.
    Unadjusted,
    /// Bonferroni: min(1, m·p). Controls the family-wise error rate (FWER).
    Bonferroni,
    /// Šidák: 1 − (1 − p)^m, evaluated as −expm1(m·ln1p(−p)). FWER under
    /// independence.
    Sidak,
    /// Holm step-down: adj₍ᵢ₎ = max_{j ≤ i} min(1, (m − j + 1)·p₍ⱼ₎). FWER,
    /// uniformly more powerful than Bonferroni.
    #[default]
    Holm,
    /// Hochberg step-up: adj₍ᵢ₎ = min_{j ≥ i} min(1, (m − j + 1)·p₍ⱼ₎).
    /// FWER under independence or positive dependence.
    Hochberg,
    /// Benjamini–Hochberg step-up: adj₍ᵢ₎ = min_{j ≥ i} min(1, m·p₍ⱼ₎/j).
    /// Controls the false discovery rate (FDR).
    BenjaminiHochberg,
    /// Benjamini–Yekutieli: Benjamini–Hochberg with m replaced by
    /// m·Σ_{k=1}^m 1/k. FDR under any dependence.
    BenjaminiYekutieli,
}

/// Adjusted p-values and rejections at a level α.
///
/// Deserialisation checks every adjusted p-value is in [0, 1] and one flag per value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "AdjustedRepr")]
#[non_exhaustive]
pub struct Adjusted {
    /// Adjusted p-values, in input order.
    pub adjusted: Vec<f64>,
    /// `adjusted[i] <= alpha`.
    pub reject: Vec<bool>,
    /// The method used.
    pub correction: Correction,
    /// The level α.
    pub alpha: f64,
}

/// Adjusts `p_values` for multiple comparisons. Every adjusted value is
/// ≥ its raw value, and the adjustment preserves the order of the raw
/// values. An empty slice gives an empty result.
///
/// # Errors
///
/// [`Error::InvalidParameter`] (name `p-value`) if a value is NaN or
/// outside [0, 1].
///
/// # Example
///
/// ```
/// use postab::freq::{Correction, adjust_p_values};
///
/// let adj = adjust_p_values(&[0.01, 0.04, 0.03], Correction::Holm)?;
/// assert_eq!(adj, vec![0.03, 0.06, 0.06]);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn adjust_p_values(p_values: &[f64], correction: Correction) -> Result<Vec<f64>> {
    for &p in p_values {
        if !(0.0..=1.0).contains(&p) {
            return Err(Error::InvalidParameter {
                name: "p-value",
                value: p,
                expected: "between 0 and 1",
            });
        }
    }
    let m = p_values.len();
    let mf = m as f64;
    let mut out = p_values.to_vec();
    match correction {
        Correction::Unadjusted => {}
        Correction::Bonferroni => out.iter_mut().for_each(|p| *p = (mf * *p).min(1.0)),
        Correction::Sidak => out
            .iter_mut()
            .for_each(|p| *p = -(mf * (-*p).ln_1p()).exp_m1()),
        Correction::Holm
        | Correction::Hochberg
        | Correction::BenjaminiHochberg
        | Correction::BenjaminiYekutieli => {
            let mut order: Vec<usize> = (0..m).collect();
            order.sort_by(|&i, &j| p_values[i].total_cmp(&p_values[j]));
            let cm: f64 = if correction == Correction::BenjaminiYekutieli {
                (1..=m).map(|k| 1.0 / k as f64).sum()
            } else {
                1.0
            };
            // Raw step values in sorted order (rank j = 1-based position).
            let step = |rank: usize, p: f64| -> f64 {
                let v = match correction {
                    Correction::Holm | Correction::Hochberg => (m - rank + 1) as f64 * p,
                    _ => p / (rank as f64 / mf / cm),
                };
                v.min(1.0)
            };
            if correction == Correction::Holm {
                let mut running = 0.0_f64;
                for (k, &i) in order.iter().enumerate() {
                    running = running.max(step(k + 1, p_values[i]));
                    out[i] = running;
                }
            } else {
                let mut running = 1.0_f64;
                for (k, &i) in order.iter().enumerate().rev() {
                    running = running.min(step(k + 1, p_values[i]));
                    out[i] = running;
                }
            }
        }
    }
    Ok(out)
}

/// [`adjust_p_values`] plus the rejections `adjusted <= alpha`.
///
/// # Errors
///
/// As [`adjust_p_values`], and [`Error::InvalidParameter`] if `alpha` is
/// not strictly between 0 and 1.
///
/// # Example
///
/// ```
/// use postab::freq::{Correction, multiple_comparisons};
///
/// let r = multiple_comparisons(&[0.01, 0.04, 0.03], Correction::BenjaminiHochberg, 0.05)?;
/// assert_eq!(r.reject, vec![true, true, true]);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn multiple_comparisons(
    p_values: &[f64],
    correction: Correction,
    alpha: f64,
) -> Result<Adjusted> {
    check_open_unit("alpha", alpha)?;
    let adjusted = adjust_p_values(p_values, correction)?;
    let reject = adjusted.iter().map(|&p| p <= alpha).collect();
    Ok(Adjusted {
        adjusted,
        reject,
        correction,
        alpha,
    })
}

super::common::validated!(Adjusted, AdjustedRepr { adjusted: Vec<f64>, reject: Vec<bool>, correction: Correction, alpha: f64 }, |r| { r.adjusted.iter().try_for_each(|&p| crate::validate::read::prob("adjusted p-value", p))?; if r.reject.len() == r.adjusted.len() { Ok(()) } else { Err(crate::Error::LengthMismatch { what: "reject flags vs adjusted p-values", left: r.reject.len(), right: r.adjusted.len() }) } });

/// The correction's name: `unadjusted`, `Bonferroni`, `Šidák`, `Holm`,
/// `Hochberg`, `Benjamini–Hochberg` or `Benjamini–Yekutieli`.
impl fmt::Display for Correction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Correction::Unadjusted => "unadjusted",
            Correction::Bonferroni => "Bonferroni",
            Correction::Sidak => "Šidák",
            Correction::Holm => "Holm",
            Correction::Hochberg => "Hochberg",
            Correction::BenjaminiHochberg => "Benjamini–Hochberg",
            Correction::BenjaminiYekutieli => "Benjamini–Yekutieli",
        })
    }
}

/// `Holm at α = 0.05: p = 0.03000 (rejected), 0.08000, 0.3000`: each
/// adjusted p-value in input order, the rejected ones marked.
impl fmt::Display for Adjusted {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} at α = {}: p = ", self.correction, self.alpha)?;
        for (i, p) in self.adjusted.iter().enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            f.write_str(&probability(*p))?;
            if self.reject.get(i).copied().unwrap_or(false) {
                f.write_str(" (rejected)")?;
            }
        }
        Ok(())
    }
}
