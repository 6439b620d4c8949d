//! Group-sequential boundaries by recursive numerical integration.

use std::fmt;
use std::sync::OnceLock;

use serde::{Deserialize, Serialize};

use super::{SpendingFunction, check_alpha};
use crate::error::{Error, Result};
use crate::numeric::quad::gauss_legendre;
use crate::numeric::{normal_pdf, normal_sf};
use crate::report::format::{number, probability};

/// Two-sided |z| beyond which a boundary is treated as "never cross"
/// (`P(|Z| > 9) ≈ 2·10⁻¹⁹`): used when a look spends no α.
const Z_CAP: f64 = 9.0;
/// Gauss–Legendre nodes per panel of the integration grid.
const NODES_PER_PANEL: usize = 10;
/// Panels are at most this many standard deviations of the increment wide.
const PANEL_SDS: f64 = 1.0;
/// A look must add at least this fraction of its own information fraction
/// (`t_k − t_{k−1} ≥ 10⁻³·t_k`): closer looks carry no usable new
/// information, and the integration grid (sized by the increment) stays at
/// most a few thousand nodes.
pub const MIN_RELATIVE_INCREMENT: f64 = 1e-3;
/// Guard on the panels of one grid (the look spacing keeps them below 600).
const MAX_PANELS: usize = 1_000;
/// The convolution ignores masses further than this many increment standard
/// deviations from a node (`φ(10) ≈ 7.7·10⁻²³`).
const KERNEL_SDS: f64 = 10.0;

/// A two-sided group-sequential design with Lan–DeMets alpha spending.
///
/// # Model
///
/// At look `k` the test statistic is `Z_k`, standardised so that `Z_k ~ N(0, 1)`
/// under the null, and observed at information fraction `t_k` (impressions so
/// far over planned impressions at the last look). The score `S_k = Z_k √t_k`
/// is Brownian motion observed at times `t_1 < t_2 < …`: it has independent
/// normal increments of variance `t_k − t_{k−1}` (true of the two-proportion z
/// statistic in large samples). The boundary `c_k` is the value with
///
/// ```text
/// P(|Z_1| < c_1, …, |Z_{k−1}| < c_{k−1}, |Z_k| ≥ c_k) = α(t_k) − α(t_{k−1})
/// ```
///
/// under the null, for the chosen [`SpendingFunction`] `α(t)`. The left side
/// is computed by the recursive integration of Armitage, McPherson & Rowe
/// (1969): the sub-density of `S_k` on the continuation region is the
/// convolution of the previous one with the normal increment, evaluated on
/// composite Gauss–Legendre grids (10 nodes per panel) whose panels are at
/// most one increment standard deviation wide (accuracy better than 1e-9 in each crossing
/// probability). The boundary of a look depends only on the looks before it,
/// so unplanned and unequally spaced looks are handled as they come
/// ([`SpendingMonitor`]).
///
/// # Supported range
///
/// Information fractions are finite and positive, and each look adds at
/// least [`MIN_RELATIVE_INCREMENT`] (10⁻³) of its own fraction
/// (`t_k − t_{k−1} ≥ 10⁻³·t_k`); closer looks are an [`Error::InvalidLook`].
/// Within that range each look costs a bounded amount of work (grids of at
/// most about 6,000 nodes; under 30 ms per look in release builds), so the
/// time is proportional to the number of looks.
///
/// Deserialisation runs the checks of [`GroupSequential::new`].
///
/// # Example
/// ```
/// use postab::sequential::{GroupSequential, SpendingFunction};
/// let design = GroupSequential::new(0.05, SpendingFunction::OBrienFleming)?;
/// let b = design.boundaries(&[0.2, 0.4, 0.6, 0.8, 1.0])?;
/// assert!((b.z[0] - 4.877).abs() < 1e-3 && (b.z[4] - 2.031).abs() < 1e-3);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "GroupSequentialRepr")]
pub struct GroupSequential {
    alpha: f64,
    spending: SpendingFunction,
}

/// The serialised form of [`GroupSequential`], checked on the way in.
#[derive(Deserialize)]
struct GroupSequentialRepr {
    alpha: f64,
    spending: SpendingFunction,
}

impl TryFrom<GroupSequentialRepr> for GroupSequential {
    type Error = Error;

    fn try_from(r: GroupSequentialRepr) -> Result<Self> {
        GroupSequential::new(r.alpha, r.spending)
    }
}

/// Boundaries of a group-sequential design at a sequence of looks.
///
/// In JSON an infinite critical value is the string `"inf"` (see
/// the crate's float convention). Deserialisation checks one entry per look in
/// every list, fractions finite, positive and increasing, critical values
/// positive (possibly `+∞`), and nominal and cumulative α in [0, 1] (the
/// cumulative non-decreasing).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BoundariesRepr")]
#[non_exhaustive]
pub struct Boundaries {
    /// Information fraction of each look.
    pub information_fractions: Vec<f64>,
    /// Two-sided critical value: reject at look `k` when `|Z_k| ≥ z[k]`
    /// (`+∞` when the look spends no α).
    #[serde(with = "ext_vec")]
    pub z: Vec<f64>,
    /// Nominal two-sided p-value threshold `2(1 − Φ(z[k]))` of each look.
    pub nominal_alpha: Vec<f64>,
    /// α spent up to and including each look.
    pub cumulative_alpha: Vec<f64>,
}

/// `Vec<f64>` in the extended float form of [`crate::serde_float`].
mod ext_vec {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::serde_float::ExtF64;

    pub(super) fn serialize<S: Serializer>(xs: &[f64], s: S) -> Result<S::Ok, S::Error> {
        xs.iter()
            .map(|&x| ExtF64(x))
            .collect::<Vec<_>>()
            .serialize(s)
    }

    pub(super) fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<f64>, D::Error> {
        Ok(Vec::<ExtF64>::deserialize(d)?
            .into_iter()
            .map(|x| x.0)
            .collect())
    }
}

/// The serialised form of [`Boundaries`], checked on the way in.
#[derive(Deserialize)]
struct BoundariesRepr {
    information_fractions: Vec<f64>,
    #[serde(with = "ext_vec")]
    z: Vec<f64>,
    nominal_alpha: Vec<f64>,
    cumulative_alpha: Vec<f64>,
}

impl TryFrom<BoundariesRepr> for Boundaries {
    type Error = Error;

    fn try_from(r: BoundariesRepr) -> Result<Self> {
        let k = r.information_fractions.len();
        for (what, len) in [
            ("critical values per look", r.z.len()),
            ("nominal alpha per look", r.nominal_alpha.len()),
            ("cumulative alpha per look", r.cumulative_alpha.len()),
        ] {
            if len != k {
                return Err(Error::LengthMismatch {
                    what,
                    left: len,
                    right: k,
                });
            }
        }
        let mut previous = 0.0;
        for (index, &t) in r.information_fractions.iter().enumerate() {
            if !(t.is_finite() && t > previous) {
                return Err(Error::InvalidLook {
                    index,
                    value: t,
                    previous,
                });
            }
            previous = t;
        }
        let bad = |name, value, expected| Error::InvalidParameter {
            name,
            value,
            expected,
        };
        if let Some(&z) = r.z.iter().find(|z| z.is_nan() || **z <= 0.0) {
            return Err(bad("critical value", z, "a positive number (or inf)"));
        }
        if let Some(&a) = r.nominal_alpha.iter().find(|a| !(0.0..=1.0).contains(*a)) {
            return Err(bad("nominal alpha", a, "a probability in [0, 1]"));
        }
        let mut spent = 0.0;
        for &a in &r.cumulative_alpha {
            if !(spent..=1.0).contains(&a) {
                return Err(bad(
                    "cumulative alpha",
                    a,
                    "a non-decreasing probability in [0, 1]",
                ));
            }
            spent = a;
        }
        Ok(Boundaries {
            information_fractions: r.information_fractions,
            z: r.z,
            nominal_alpha: r.nominal_alpha,
            cumulative_alpha: r.cumulative_alpha,
        })
    }
}

impl GroupSequential {
    /// A two-sided design at overall level `alpha`.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] when `alpha` is not in (0, 1), or a power
    /// family exponent is not finite and positive.
    pub fn new(alpha: f64, spending: SpendingFunction) -> Result<Self> {
        let alpha = check_alpha(alpha)?;
        spending.check()?;
        Ok(Self { alpha, spending })
    }

    /// The overall level α.
    pub fn alpha(&self) -> f64 {
        self.alpha
    }

    /// The spending function.
    pub fn spending(&self) -> SpendingFunction {
        self.spending
    }

    /// Boundaries at looks with the given information fractions (strictly
    /// increasing, positive; fractions above 1 count as 1, so an overrun look
    /// spends whatever α is left). The last look spends `α(t_K)`: all of α if
    /// `t_K ≥ 1`; use [`SpendingMonitor::final_boundary`] to spend the rest at
    /// a final look that comes early.
    ///
    /// # Errors
    /// [`Error::NoLooks`] for an empty slice; [`Error::InvalidLook`] when a
    /// fraction is not finite and positive or adds less than
    /// [`MIN_RELATIVE_INCREMENT`] of itself to the previous one.
    pub fn boundaries(&self, information_fractions: &[f64]) -> Result<Boundaries> {
        if information_fractions.is_empty() {
            return Err(Error::NoLooks);
        }
        let mut monitor = self.monitor();
        for &t in information_fractions {
            monitor.next_boundary(t)?;
        }
        Ok(monitor.boundaries())
    }

    /// A monitor that computes boundaries one look at a time.
    pub fn monitor(&self) -> SpendingMonitor {
        SpendingMonitor {
            design: *self,
            looks: Vec::new(),
            state: None,
        }
    }
}

/// A look already taken: its fraction, boundary and spending.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
struct Look {
    t: f64,
    #[serde(with = "crate::serde_float")]
    z: f64,
    cumulative_alpha: f64,
}

/// Sub-density of the score at the previous look's continuation region, as
/// masses on quadrature nodes, plus the increment to the latest look.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
struct State {
    /// `(node, weight × sub-density)` of `S_{k−1}` on `|S_{k−1}| < b_{k−1}`;
    /// a unit point mass at 0 before the first look.
    masses: Vec<(f64, f64)>,
    /// Variance of the increment `S_k − S_{k−1}`.
    delta: f64,
    /// Score-scale boundary `b_k = c_k √t_k` of the latest look (capped).
    bound: f64,
}

/// Boundaries computed look by look, for looks whose timing is not known in
/// advance (the Lan–DeMets flexibility): call [`next_boundary`] with the
/// information fraction actually reached.
///
/// [`next_boundary`]: SpendingMonitor::next_boundary
///
/// # Example
/// ```
/// use postab::sequential::{GroupSequential, SpendingFunction};
/// let design = GroupSequential::new(0.05, SpendingFunction::Pocock)?;
/// let mut m = design.monitor();
/// let c1 = m.next_boundary(0.3)?;  // first look came at 30 % of the traffic
/// let c2 = m.next_boundary(0.45)?; // an unplanned extra look
/// let c3 = m.final_boundary(0.9)?; // stop early: spend the rest of α
/// assert!(c1 > 2.0 && c2 > 2.0 && c3 > 2.0);
/// assert_eq!(m.spent(), 0.05);
/// # Ok::<(), postab::Error>(())
/// ```
///
/// Deserialisation does not trust the stored grid: it replays the stored
/// looks (fractions and cumulative α) through the design, so a monitor read
/// back is exactly one that [`SpendingMonitor::next_boundary`] and
/// [`SpendingMonitor::final_boundary`] could have produced.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SpendingMonitorRepr")]
pub struct SpendingMonitor {
    design: GroupSequential,
    looks: Vec<Look>,
    state: Option<State>,
}

/// The serialised form of [`SpendingMonitor`]; only the design and the
/// looks' fractions and cumulative α are used.
#[derive(Deserialize)]
struct SpendingMonitorRepr {
    design: GroupSequential,
    looks: Vec<Look>,
    #[allow(dead_code)]
    state: Option<serde::de::IgnoredAny>,
}

impl TryFrom<SpendingMonitorRepr> for SpendingMonitor {
    type Error = Error;

    fn try_from(r: SpendingMonitorRepr) -> Result<Self> {
        let mut m = r.design.monitor();
        for look in &r.looks {
            let target = look.cumulative_alpha;
            if !(0.0..=m.design.alpha).contains(&target) || target < m.spent() {
                return Err(Error::InvalidParameter {
                    name: "cumulative alpha",
                    value: target,
                    expected: "non-decreasing over looks, within [0, alpha]",
                });
            }
            m.add_look(look.t, target)?;
        }
        Ok(m)
    }
}

impl SpendingMonitor {
    /// Adds a look at information fraction `t` and returns its two-sided
    /// critical value (`+∞` when the look spends no α).
    ///
    /// # Errors
    /// [`Error::InvalidLook`] when `t` is not finite and positive or adds
    /// less than [`MIN_RELATIVE_INCREMENT`] of itself to the previous look's
    /// fraction.
    pub fn next_boundary(&mut self, t: f64) -> Result<f64> {
        self.check_look(t)?;
        let target = self.design.spending.spent(self.design.alpha, t)?;
        self.add_look(t, target)
    }

    /// Adds a final look at information fraction `t` that spends all α not
    /// yet spent, and returns its critical value.
    ///
    /// # Errors
    /// As [`SpendingMonitor::next_boundary`].
    pub fn final_boundary(&mut self, t: f64) -> Result<f64> {
        self.add_look(t, self.design.alpha)
    }

    /// α spent so far.
    pub fn spent(&self) -> f64 {
        self.looks.last().map_or(0.0, |l| l.cumulative_alpha)
    }

    /// The boundaries of the looks taken so far.
    pub fn boundaries(&self) -> Boundaries {
        Boundaries {
            information_fractions: self.looks.iter().map(|l| l.t).collect(),
            z: self.looks.iter().map(|l| l.z).collect(),
            nominal_alpha: self.looks.iter().map(|l| 2.0 * normal_sf(l.z)).collect(),
            cumulative_alpha: self.looks.iter().map(|l| l.cumulative_alpha).collect(),
        }
    }

    /// Checks that a look at `t` may follow the looks taken.
    fn check_look(&self, t: f64) -> Result<()> {
        let previous_t = self.looks.last().map_or(0.0, |l| l.t);
        // (1 − 1e-9): looks spaced at exactly the minimum pass despite rounding.
        if t.is_finite()
            && t > previous_t
            && t - previous_t >= MIN_RELATIVE_INCREMENT * t * (1.0 - 1e-9)
        {
            Ok(())
        } else {
            Err(Error::InvalidLook {
                index: self.looks.len(),
                value: t,
                previous: previous_t,
            })
        }
    }

    fn add_look(&mut self, t: f64, cumulative_target: f64) -> Result<f64> {
        self.check_look(t)?;
        let previous_t = self.looks.last().map_or(0.0, |l| l.t);
        let increment = (cumulative_target - self.spent()).max(0.0);
        let delta = t - previous_t;
        // Sub-density of the score at the previous look (point mass at 0 first).
        let masses = match &self.state {
            None => vec![(0.0, 1.0)],
            Some(state) => advance(state, delta),
        };
        let cap = Z_CAP * t.sqrt();
        let bound = solve_bound(&masses, delta.sqrt(), increment, cap);
        let z = if bound >= cap {
            f64::INFINITY
        } else {
            bound / t.sqrt()
        };
        let crossed = if bound >= cap { 0.0 } else { increment };
        self.looks.push(Look {
            t,
            z,
            cumulative_alpha: self.spent() + crossed,
        });
        self.state = Some(State {
            masses,
            delta,
            bound: bound.min(cap),
        });
        Ok(z)
    }
}

/// Masses of the sub-density of `S_k` on `|S_k| < b_k`, given the state at
/// look `k` (masses of `S_{k−1}`, increment variance, bound) and the variance
/// `next_delta` of the increment to the coming look (which sets the grid).
fn advance(state: &State, next_delta: f64) -> Vec<(f64, f64)> {
    let sd = state.delta.sqrt();
    // Mass beyond max|node| + 9 sd is below 1e-19.
    let reach = state
        .masses
        .iter()
        .fold(0.0f64, |m, &(u, _)| m.max(u.abs()))
        + Z_CAP * sd;
    let half = state.bound.min(reach);
    let width = PANEL_SDS * sd.min(next_delta.sqrt());
    // At most 2·9/(10⁻³/(1 + 10⁻³))^½ ≈ 570 panels within the supported
    // spacing; the cap only guards against a zero width.
    let panels = (2.0 * half / width).ceil();
    let panels = if panels.is_finite() {
        (panels as usize).clamp(1, MAX_PANELS)
    } else {
        MAX_PANELS
    };
    let (x, w) = rule();
    let h = 2.0 * half / panels as f64;
    let mut out = Vec::with_capacity(panels * x.len());
    // Masses are in increasing order of node and so are the new nodes: the
    // masses within KERNEL_SDS standard deviations form a sliding window.
    let masses = &state.masses;
    let reach = KERNEL_SDS * sd;
    let (mut first, mut last) = (0, 0);
    for p in 0..panels {
        let mid = -half + (p as f64 + 0.5) * h;
        for (&xi, &wi) in x.iter().zip(w) {
            let s = mid + 0.5 * h * xi;
            while first < masses.len() && masses[first].0 < s - reach {
                first += 1;
            }
            last = last.max(first);
            while last < masses.len() && masses[last].0 <= s + reach {
                last += 1;
            }
            let density: f64 = masses[first..last]
                .iter()
                .map(|&(u, m)| m * normal_pdf((s - u) / sd))
                .sum::<f64>()
                / sd;
            out.push((s, 0.5 * h * wi * density));
        }
    }
    out
}

/// The Gauss–Legendre rule used on every panel.
fn rule() -> &'static (Vec<f64>, Vec<f64>) {
    static RULE: OnceLock<(Vec<f64>, Vec<f64>)> = OnceLock::new();
    RULE.get_or_init(|| gauss_legendre(NODES_PER_PANEL))
}

/// Probability of crossing `±b` at the new look, from the masses at the
/// previous one and the increment standard deviation `sd`.
fn crossing(masses: &[(f64, f64)], sd: f64, b: f64) -> f64 {
    masses
        .iter()
        .map(|&(u, m)| m * (normal_sf((b + u) / sd) + normal_sf((b - u) / sd)))
        .sum()
}

/// The crossing probability at `b` and its derivative in `b`.
fn crossing_and_slope(masses: &[(f64, f64)], sd: f64, b: f64) -> (f64, f64) {
    masses.iter().fold((0.0, 0.0), |(c, d), &(u, m)| {
        let (hi, lo) = ((b + u) / sd, (b - u) / sd);
        (
            c + m * (normal_sf(hi) + normal_sf(lo)),
            d - m * (normal_pdf(hi) + normal_pdf(lo)) / sd,
        )
    })
}

/// The score-scale bound `b` whose crossing probability is `target`
/// (`cap` when nothing is to be spent): Newton's method on
/// `ln crossing(b) − ln target`, safeguarded by a bracket that every
/// evaluation shrinks (a step leaving it is replaced by bisection), so it
/// ends within 200 evaluations and usually within 10.
fn solve_bound(masses: &[(f64, f64)], sd: f64, target: f64, cap: f64) -> f64 {
    if target.is_nan() || target <= 0.0 || crossing(masses, sd, cap) >= target {
        return cap;
    }
    let (mut lo, mut hi) = (0.0, cap);
    if crossing(masses, sd, lo) <= target {
        return lo;
    }
    let ln_target = target.ln();
    // crossing() decreases in b: keep crossing(lo) > target ≥ crossing(hi).
    let mut b = 0.5 * (lo + hi);
    for _ in 0..200 {
        let (c, slope) = crossing_and_slope(masses, sd, b);
        if c > target {
            lo = b;
        } else {
            hi = b;
        }
        let newton = if c > 0.0 && slope < 0.0 {
            b - (c.ln() - ln_target) * c / slope
        } else {
            f64::NAN
        };
        let next = if newton > lo && newton < hi {
            newton
        } else {
            0.5 * (lo + hi)
        };
        if (next - b).abs() <= 1e-15 * b || hi - lo <= 1e-15 * hi {
            return next;
        }
        b = next;
    }
    b
}

/// `group-sequential, O'Brien–Fleming spending of α = 0.05`.
impl fmt::Display for GroupSequential {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "group-sequential, {} spending of α = {}",
            self.spending, self.alpha
        )
    }
}

/// One line per look: `look 1 at 25.00%: |z| ≥ 4.333, nominal α 1.473e-5,
/// cumulative α 1.473e-5`.
impl fmt::Display for Boundaries {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        for (k, t) in self.information_fractions.iter().enumerate() {
            if k > 0 {
                writeln!(f)?;
            }
            let at = |v: &[f64]| v.get(k).copied().unwrap_or(f64::NAN);
            write!(
                f,
                "look {} at {:.2}%: |z| ≥ {}, nominal α {}, cumulative α {}",
                k + 1,
                100.0 * t,
                number(at(&self.z), p),
                probability(at(&self.nominal_alpha)),
                probability(at(&self.cumulative_alpha))
            )?;
        }
        Ok(())
    }
}

/// `group-sequential, power (ρ = 3) spending of α = 0.05: 1 look, α spent
/// 0.006250`.
impl fmt::Display for SpendingMonitor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {} look{}, α spent {}",
            self.design,
            self.looks.len(),
            if self.looks.len() == 1 { "" } else { "s" },
            probability(self.spent())
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_look_is_the_fixed_horizon_test() {
        let d = GroupSequential::new(0.05, SpendingFunction::Pocock).unwrap();
        let b = d.boundaries(&[1.0]).unwrap();
        assert!((b.z[0] - 1.959963984540054).abs() < 1e-9, "{}", b.z[0]);
    }

    #[test]
    fn continuation_mass_is_one_minus_spent() {
        // After the looks, the remaining mass must equal 1 − α(t) (checks
        // the quadrature independently of the bisection).
        let d = GroupSequential::new(0.05, SpendingFunction::OBrienFleming).unwrap();
        let mut m = d.monitor();
        for t in [0.1, 0.35, 0.5, 0.9] {
            m.next_boundary(t).unwrap();
        }
        let state = m.state.as_ref().unwrap();
        let masses = advance(state, 0.1);
        let remaining: f64 = masses.iter().map(|p| p.1).sum();
        assert!(
            (remaining - (1.0 - m.spent())).abs() < 1e-9,
            "{remaining} vs {}",
            1.0 - m.spent()
        );
    }
}
