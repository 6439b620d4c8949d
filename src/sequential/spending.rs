//! Lan–DeMets alpha-spending functions.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::numeric::{normal_isf, normal_sf};
use crate::validate::{check_open_unit, check_positive};

/// How much of the type-I error α a group-sequential design may have spent
/// by information fraction `t` (Lan & DeMets 1983, "Discrete sequential
/// boundaries for clinical trials", Biometrika 70, 659–663; Kim & DeMets
/// 1987 for the power family).
///
/// Every function is 0 at `t = 0`, increasing, and α at `t ≥ 1`.
///
/// # Two-sided convention
///
/// Designs here are two-sided and symmetric: each side spends the
/// *one-sided* Lan–DeMets function at level `α/2`, so the total spent is
/// twice that. For the O'Brien–Fleming type the one-sided function at level
/// `a` is `2 − 2Φ(z_{a/2}/√t)`, so the two-sided total is
/// `α(t) = 4 − 4Φ(z_{α/4}/√t)`. This is the convention of the Lan–DeMets
/// programs (Reboussin et al., `ld98`), of `gsDesign` and of the published
/// tables (5 looks at α = 0.05: first boundary 4.877). Applying
/// `2 − 2Φ(z_{α/2}/√t)` to the two-sided total instead would give a first
/// boundary of exactly `z_{α/2}/√t₁` (4.383 at `t₁ = 0.2`) and is not what
/// the tables show. Pocock-type and power functions are linear in α, so both
/// conventions coincide for them.
///
/// # Example
/// ```
/// use postab::sequential::SpendingFunction;
/// let half = SpendingFunction::OBrienFleming.spent(0.05, 0.5)?;
/// // 4 − 4Φ(z_{0.0125}/√0.5) = 4 − 4Φ(2.241403/0.707107)
/// assert!((half - 0.003_050_646).abs() < 1e-8);
/// assert_eq!(SpendingFunction::Pocock.spent(0.05, 1.0)?, 0.05);
/// assert!(SpendingFunction::Pocock.spent(0.05, f64::NAN).is_err());
/// # Ok::<(), postab::Error>(())
/// ```
///
/// Deserialisation checks `rho` as [`SpendingFunction::spent`] does.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpendingRepr")]
#[non_exhaustive]
pub enum SpendingFunction {
    /// O'Brien–Fleming-type: `2 − 2Φ(z_{a/2}/√t)` per side at `a = α/2`,
    /// i.e. `α(t) = 4 − 4Φ(z_{α/4}/√t)` in total (see the type docs); spends
    /// almost nothing early, so the final look keeps nearly the fixed-horizon
    /// critical value.
    OBrienFleming,
    /// Pocock-type `α(t) = α ln(1 + (e − 1)t)`: spends evenly, giving nearly
    /// constant boundaries and early stopping at the cost of a stricter final
    /// look.
    Pocock,
    /// Power family `α(t) = α t^ρ`, `ρ > 0` (ρ = 1 linear; ρ = 3 close to
    /// O'Brien–Fleming).
    Power {
        /// The exponent ρ.
        rho: f64,
    },
}

/// The serialised form of [`SpendingFunction`], checked on the way in.
#[derive(Deserialize)]
enum SpendingRepr {
    OBrienFleming,
    Pocock,
    Power { rho: f64 },
}

impl TryFrom<SpendingRepr> for SpendingFunction {
    type Error = Error;

    fn try_from(r: SpendingRepr) -> Result<Self> {
        let f = match r {
            SpendingRepr::OBrienFleming => SpendingFunction::OBrienFleming,
            SpendingRepr::Pocock => SpendingFunction::Pocock,
            SpendingRepr::Power { rho } => SpendingFunction::Power { rho },
        };
        f.check()?;
        Ok(f)
    }
}

impl SpendingFunction {
    /// Cumulative two-sided α spent by information fraction `t` in a
    /// symmetric design of overall level `alpha`. Fractions at or below 0
    /// spend nothing and fractions at or above 1 spend all of `alpha`; the
    /// result always lies in `[0, alpha]`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `alpha` is not in (0, 1), `t` is NaN,
    /// or the power family's `rho` is not finite and positive.
    pub fn spent(&self, alpha: f64, t: f64) -> Result<f64> {
        self.check()?;
        check_open_unit("alpha", alpha)?;
        if t.is_nan() {
            return Err(Error::InvalidParameter {
                name: "information fraction",
                value: t,
                expected: "a number (fractions <= 0 spend nothing, >= 1 spend all)",
            });
        }
        if t <= 0.0 {
            return Ok(0.0);
        }
        if t >= 1.0 {
            return Ok(alpha);
        }
        let spent = match *self {
            SpendingFunction::OBrienFleming => 4.0 * normal_sf(normal_isf(0.25 * alpha) / t.sqrt()),
            SpendingFunction::Pocock => alpha * ((std::f64::consts::E - 1.0) * t).ln_1p(),
            SpendingFunction::Power { rho } => alpha * t.powf(rho),
        };
        // max/min rather than clamp: NaN-safe, and alpha > 0 here.
        Ok(spent.max(0.0).min(alpha))
    }

    /// Checks the function's own parameter (the power family's `rho`).
    pub(crate) fn check(&self) -> Result<()> {
        if let SpendingFunction::Power { rho } = *self {
            check_positive("rho", rho)?;
        }
        Ok(())
    }
}

/// `O'Brien–Fleming`, `Pocock` or `power (ρ = 3)`.
impl fmt::Display for SpendingFunction {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SpendingFunction::OBrienFleming => f.write_str("O'Brien–Fleming"),
            SpendingFunction::Pocock => f.write_str("Pocock"),
            SpendingFunction::Power { rho } => write!(f, "power (ρ = {rho})"),
        }
    }
}
