//! Classical stratified analysis of K 2×2 tables (one per block):
//! Cochran–Mantel–Haenszel test, Mantel–Haenszel common odds ratio with the
//! Robins–Breslow–Greenland interval, Breslow–Day test of homogeneity with
//! Tarone's adjustment, and the Mantel–Haenszel risk ratio — what
//! statsmodels' `StratifiedTable` computes.
//!
//! The model, orientation and supported range are documented on
//! [`StratifiedTables`] (this module is private).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Proportion, Range, validated, z_for_level};
use crate::interval::Interval;
use crate::numeric::chi2_sf;
use crate::report::format::{level_percent, number, probability};
use crate::{Error, Result};

/// K 2×2 tables, one per block: `[[s_A, f_A], [s_B, f_B]]` (rows: control A
/// and variant B; columns: successes and failures).
///
/// Construction checks that there is at least one block, that every block
/// has both variants (each row at least one trial) and that each block's
/// total fits in a `u64`. Deserialisation runs the same checks.
///
/// # Model: impressions independent within a block (read before use)
///
/// **Impression-level model.** Every statistic here treats the impressions
/// inside a block as independent coin flips: within a block, A's clicks
/// are binomial with one rate and B's with another, and blocks may differ
/// only through their rates. That is valid only when posts vary
/// binomially — when the post that happened to carry a variant adds no
/// variation of its own.
///
/// Real posts are not like that: one lands in a busy feed, another gets
/// quoted by a big account, and its click rate moves for reasons that have
/// nothing to do with the text. Then these tests are far too confident
/// (on simulated paired A/A data with realistic post-to-post variation the
/// CMH test rejects a true null in most datasets, not 5 %). **For posts,
/// prefer a block-level analysis**: treat each block (each pair of posts)
/// as one observation — for example the per-block log rate ratio, combined
/// across blocks with the between-block variation estimated. Use these
/// statistics as a labelled comparison, or when the platform itself split the
/// impressions of each block at random.
///
/// # Orientation
///
/// A block's table is `[[s_A, f_A], [s_B, f_B]]`: rows are the control A
/// and the variant B, columns successes and failures. Effects are **B
/// relative to A**: the odds ratio is odds_B / odds_A, the risk ratio
/// p_B / p_A. (statsmodels' table for the same numbers is
/// `[[s_B, f_B], [s_A, f_A]]`.)
///
/// # Supported range
///
/// Any `u64` counts whose block total fits in a `u64` (beyond it
/// [`Error::CountOverflow`]); all sums are formed in `f64` with no
/// intermediate above about 10¹³⁰, and each per-block deviation
/// a·d − b·c exactly in 128-bit integers. Time is linear in the number of
/// blocks.
///
/// # Example
///
/// ```
/// use postab::freq::StratifiedTables;
///
/// // Three blog posts, each tweeted once as A and once as B.
/// let tables = StratifiedTables::new(&[
///     [[31, 4_969], [45, 4_955]],
///     [[12, 2_988], [20, 3_280]],
///     [[55, 6_045], [48, 5_902]],
/// ])?;
/// let cmh = tables.cmh_test(false)?;
/// let or = tables.pooled_odds_ratio(0.95)?;
/// let bd = tables.breslow_day(true)?;
/// assert!(cmh.p_value > 0.05 && or.interval.contains(1.0));
/// assert_eq!(bd.dof, 2);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "StratifiedTablesRepr")]
#[non_exhaustive]
pub struct StratifiedTables {
    tables: Vec<[[u64; 2]; 2]>,
}

/// The serialised form of [`StratifiedTables`], checked on the way in.
#[derive(Deserialize)]
struct StratifiedTablesRepr {
    tables: Vec<[[u64; 2]; 2]>,
}

impl TryFrom<StratifiedTablesRepr> for StratifiedTables {
    type Error = Error;

    fn try_from(r: StratifiedTablesRepr) -> Result<Self> {
        StratifiedTables::from_vec(r.tables)
    }
}

/// One block's cells as `f64` in statsmodels' orientation: a = s_B,
/// b = f_B, c = s_A, d = f_A, with n = a + b + c + d; and the deviation
/// a − E[a] = (a·d − b·c)/n formed from exact 128-bit products.
#[derive(Debug, Clone, Copy)]
struct Cells {
    a: f64,
    b: f64,
    c: f64,
    d: f64,
    n: f64,
    n_minus_1: f64,
    deviation: f64,
    /// The counts [a, b, c, d] as integers.
    raw: [u64; 4],
}

impl Cells {
    fn of(t: &[[u64; 2]; 2]) -> Self {
        let [[sa, fa], [sb, fb]] = *t;
        // Totals were checked at construction; saturating only as a guard.
        let total = sa.saturating_add(fa).saturating_add(sb).saturating_add(fb);
        let ad = u128::from(sb) * u128::from(fa);
        let bc = u128::from(fb) * u128::from(sa);
        let n = total as f64;
        let deviation = if ad >= bc {
            (ad - bc) as f64 / n
        } else {
            -((bc - ad) as f64 / n)
        };
        Cells {
            a: sb as f64,
            b: fb as f64,
            c: sa as f64,
            d: fa as f64,
            n,
            n_minus_1: total.saturating_sub(1) as f64,
            deviation,
            raw: [sb, fb, sa, fa],
        }
    }

    /// Whether the block has no information on the odds ratio (no
    /// successes or no failures in it).
    fn degenerate(&self) -> bool {
        self.a + self.c == 0.0 || self.b + self.d == 0.0
    }
}

impl StratifiedTables {
    /// Checks and wraps the tables `[[s_A, f_A], [s_B, f_B]]`, one per block.
    ///
    /// # Errors
    ///
    /// [`Error::TooFew`] if there are no tables; [`Error::InvalidParameter`]
    /// (name `"block with one variant only"`, value the block's index) if a
    /// row of a table has no trials; [`Error::CountOverflow`] if a block's
    /// total exceeds `u64::MAX`.
    pub fn new(tables: &[[[u64; 2]; 2]]) -> Result<Self> {
        Self::check(tables)?;
        Ok(StratifiedTables {
            tables: tables.to_vec(),
        })
    }

    /// One table per block from the two arms `(a, b)` of each block
    /// (control first). A [`Proportion`] always has a trial, so only a
    /// block total above `u64::MAX` is refused ([`Error::CountOverflow`]),
    /// as are no blocks ([`Error::TooFew`]).
    pub fn from_arms(blocks: &[(Proportion, Proportion)]) -> Result<Self> {
        let tables = blocks
            .iter()
            .map(|(a, b)| [[a.successes(), a.failures()], [b.successes(), b.failures()]])
            .collect();
        Self::from_vec(tables)
    }

    fn from_vec(tables: Vec<[[u64; 2]; 2]>) -> Result<Self> {
        Self::check(&tables)?;
        Ok(StratifiedTables { tables })
    }

    fn check(tables: &[[[u64; 2]; 2]]) -> Result<()> {
        if tables.is_empty() {
            return Err(Error::TooFew {
                what: "tables (blocks)",
                got: 0,
                min: 1,
            });
        }
        for (i, &[[sa, fa], [sb, fb]]) in tables.iter().enumerate() {
            let overflow = |current: u64, added: u64| Error::CountOverflow {
                variant: None,
                outcome: format!("total of block {i}"),
                current,
                added,
            };
            let na = sa.checked_add(fa).ok_or(overflow(sa, fa))?;
            let nb = sb.checked_add(fb).ok_or(overflow(sb, fb))?;
            na.checked_add(nb).ok_or(overflow(na, nb))?;
            if na == 0 || nb == 0 {
                return Err(Error::InvalidParameter {
                    name: "block with one variant only",
                    value: i as f64,
                    expected: "every block to have trials of both A and B (value is the block's 0-based index)",
                });
            }
        }
        Ok(())
    }

    /// The blocks' tables, `[[s_A, f_A], [s_B, f_B]]` each.
    pub fn tables(&self) -> &[[[u64; 2]; 2]] {
        &self.tables
    }

    /// The number of blocks.
    pub fn len(&self) -> usize {
        self.tables.len()
    }

    /// Always `false` (construction refuses no tables); for API symmetry.
    pub fn is_empty(&self) -> bool {
        self.tables.is_empty()
    }

    fn cells(&self) -> impl Iterator<Item = Cells> + '_ {
        self.tables.iter().map(Cells::of)
    }

    /// Σ a·d/n and Σ b·c/n (statsmodels' orientation), the Mantel–Haenszel
    /// numerator and denominator.
    fn mh_sums(&self) -> (f64, f64) {
        self.cells().fold((0.0, 0.0), |(r, s), t| {
            (r + t.a * (t.d / t.n), s + t.b * (t.c / t.n))
        })
    }

    /// Cochran–Mantel–Haenszel test of a common odds ratio of 1:
    /// X² = (|Σ(a − E a)| − cc)² / Σ Var(a), with a = s_B, E a = n_B·m₁/n and
    /// Var a = n_A n_B m₁ m₂ / (n²(n − 1)) per block (m₁, m₂ the block's
    /// successes and failures), referred to χ² with 1 df (statsmodels
    /// `StratifiedTable.test_null_odds(correction)`).
    ///
    /// With `continuity_correction` the correction is cc = min(½, |Σ(a − E a)|),
    /// as R's `mantelhaen.test`; statsmodels subtracts ½ even below ½ (the
    /// two agree whenever |Σ(a − E a)| ≥ ½).
    ///
    /// **Model:** impressions independent within a block — see the
    /// [`StratifiedTables`] docs; for posts, prefer a block-level analysis.
    ///
    /// # Errors
    ///
    /// [`Error::Undefined`] if Σ Var(a) = 0 (every block has only
    /// successes or only failures).
    pub fn cmh_test(&self, continuity_correction: bool) -> Result<CmhTest> {
        let (deviation, variance) = self.cells().fold((0.0, 0.0), |(dev, var), t| {
            let v =
                ((t.a + t.b) / t.n) * ((t.c + t.d) / t.n) * (t.a + t.c) * (t.b + t.d) / t.n_minus_1;
            (
                dev + t.deviation,
                if t.degenerate() { var } else { var + v },
            )
        });
        if variance.is_nan() || variance <= 0.0 {
            return Err(Error::Undefined {
                statistic: "Cochran-Mantel-Haenszel test",
                reason: "every block has only successes or only failures (zero variance)".into(),
            });
        }
        let excess = if continuity_correction {
            deviation.abs() - deviation.abs().min(0.5)
        } else {
            deviation.abs()
        };
        let statistic = excess * excess / variance;
        Ok(CmhTest {
            statistic,
            p_value: chi2_sf(statistic, 1.0).clamp(0.0, 1.0),
            deviation,
            variance,
            continuity_correction,
        })
    }

    /// Mantel–Haenszel common odds ratio (B relative to A)
    /// ψ = Σ(s_B f_A / n) / Σ(f_B s_A / n), its log, the
    /// Robins–Breslow–Greenland (1986) standard error of ln ψ and the
    /// interval exp(ln ψ ± z·se) at `level` (statsmodels
    /// `oddsratio_pooled`, `logodds_pooled_se`,
    /// `oddsratio_pooled_confint(alpha = 1 − level)`).
    ///
    /// **Model:** impressions independent within a block — see the
    /// [`StratifiedTables`] docs; for posts, prefer a block-level analysis.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] if `level` is not in (0, 1);
    /// [`Error::Undefined`] if either sum is 0 (then ψ is 0, ∞ or 0/0 and
    /// ln ψ has no standard error).
    pub fn pooled_odds_ratio(&self, level: f64) -> Result<MhOddsRatio> {
        let z = z_for_level(level)?;
        let (r, s) = self.mh_sums();
        if !(r > 0.0 && s > 0.0) {
            return Err(Error::Undefined {
                statistic: "Mantel-Haenszel odds ratio",
                reason: format!(
                    "sum of s_B*f_A/n is {r} and sum of f_B*s_A/n is {s}; both must be positive"
                ),
            });
        }
        let (mut t1, mut t2, mut t3) = (0.0, 0.0, 0.0);
        for t in self.cells() {
            let p = (t.a + t.d) / t.n;
            let q = (t.b + t.c) / t.n;
            let ri = t.a * (t.d / t.n);
            let si = t.b * (t.c / t.n);
            t1 += p * ri;
            t2 += p * si + q * ri;
            t3 += q * si;
        }
        let variance = 0.5 * ((t1 / r) / r + (t2 / r) / s + (t3 / s) / s);
        let odds_ratio = r / s;
        let log_odds_ratio = r.ln() - s.ln();
        let log_std_error = variance.sqrt();
        let half = z * log_std_error;
        let interval =
            Range::Ratio.interval((log_odds_ratio - half).exp(), (log_odds_ratio + half).exp());
        Ok(MhOddsRatio {
            odds_ratio,
            log_odds_ratio,
            log_std_error,
            level,
            interval,
        })
    }

    /// Mantel–Haenszel risk ratio p_B / p_A = Σ(s_B n_A / n) / Σ(s_A n_B / n)
    /// (statsmodels `riskratio_pooled`).
    ///
    /// **Model:** impressions independent within a block — see the
    /// [`StratifiedTables`] docs.
    ///
    /// # Errors
    ///
    /// [`Error::Undefined`] if A has no successes in any block (the
    /// denominator is 0).
    pub fn pooled_risk_ratio(&self) -> Result<f64> {
        let (num, den) = self.cells().fold((0.0, 0.0), |(x, y), t| {
            (x + t.a * ((t.c + t.d) / t.n), y + t.c * ((t.a + t.b) / t.n))
        });
        if den > 0.0 {
            Ok(num / den)
        } else {
            Err(Error::Undefined {
                statistic: "Mantel-Haenszel risk ratio",
                reason: "the control A has no successes in any block".into(),
            })
        }
    }

    /// Breslow–Day test that the blocks share one odds ratio, optionally
    /// with Tarone's (1985) adjustment (statsmodels
    /// `test_equal_odds(adjust)`).
    ///
    /// In each informative block the cell a = s_B is fitted under the
    /// Mantel–Haenszel odds ratio ψ with the block's margins fixed: with
    /// â = a + t, (a + t)(d + t) = ψ(b − t)(c − t). The root is taken as
    /// t = −2C / (B + √D) with B = a + d + ψ(b + c), C = a·d − ψ·b·c and
    /// D = (a − d)² + 2ψ((a + d)(b + c) + 2ad + 2bc) + ψ²(b − c)² (the
    /// discriminant written as a sum of non-negative terms): the root inside
    /// the feasible range for every ψ, with no cancellation near ψ = 1
    /// (statsmodels' (−B + √D)/(2(1 − ψ)) loses digits there and is NaN at
    /// ψ = 1 exactly). A fitted cell far below its observed count (for
    /// example 10⁻¹⁶ against 3, where observed + t keeps no digits) is
    /// solved for directly instead, so every fitted cell has full relative
    /// accuracy at any counts. Then X² = Σ t²/Var(â) with
    /// Var(â) = 1/(1/â + 1/b̂ + 1/ĉ + 1/d̂), minus (Σ t)²/Σ Var(â) with
    /// Tarone's adjustment, referred to χ² with (informative blocks − 1) df.
    ///
    /// Blocks with only successes or only failures carry no information on
    /// the odds ratio and are left out (statsmodels returns NaN with them).
    ///
    /// **Model:** impressions independent within a block — see the
    /// [`StratifiedTables`] docs; for posts, prefer a block-level analysis.
    ///
    /// # Errors
    ///
    /// [`Error::TooFew`] if fewer than 2 blocks are informative;
    /// [`Error::Undefined`] if the Mantel–Haenszel odds ratio is 0 or
    /// infinite (see [`pooled_odds_ratio`](Self::pooled_odds_ratio)).
    pub fn breslow_day(&self, tarone: bool) -> Result<BreslowDayTest> {
        let informative = self.cells().filter(|t| !t.degenerate()).count();
        if informative < 2 {
            return Err(Error::TooFew {
                what: "informative blocks (with both successes and failures) for Breslow-Day",
                got: informative,
                min: 2,
            });
        }
        let (r, s) = self.mh_sums();
        let psi = r / s;
        if !(psi > 0.0 && psi.is_finite()) {
            return Err(Error::Undefined {
                statistic: "Breslow-Day test",
                reason: format!("the Mantel-Haenszel odds ratio is {psi}"),
            });
        }
        let (mut stat, mut sum_t, mut sum_v) = (0.0, 0.0, 0.0);
        for t in self.cells().filter(|t| !t.degenerate()) {
            let Some((root, inv)) = fitted_deviation(&t, psi) else {
                return Err(Error::Undefined {
                    statistic: "Breslow-Day test",
                    reason: format!("a fitted cell is on the boundary (odds ratio {psi})"),
                });
            };
            let v = 1.0 / inv;
            stat += root * root * inv;
            sum_t += root;
            sum_v += v;
        }
        if tarone {
            stat -= sum_t * sum_t / sum_v;
        }
        let statistic = stat.max(0.0);
        let dof = (informative - 1) as u64;
        Ok(BreslowDayTest {
            statistic,
            p_value: chi2_sf(statistic, dof as f64).clamp(0.0, 1.0),
            dof,
            tarone,
        })
    }
}

/// Signs of the deviation t in the fitted cells: â = a + t, b̂ = b − t,
/// ĉ = c − t, d̂ = d + t.
const SIGNS: [f64; 4] = [1.0, -1.0, -1.0, 1.0];

/// The Breslow–Day deviation t = â − a of an informative block under the
/// common odds ratio ψ, and 1/Var(â) = Σ 1/(fitted cell); `None` if a
/// fitted cell is not positive (only for ψ so extreme that the smallest
/// fitted cell underflows).
///
/// t first comes from the quadratic (a + t)(d + t) = ψ(b − t)(c − t) as
/// t = −2C/(B + √D), B = a + d + ψ(b + c) > 0, C = ad − ψbc and the
/// discriminant D written as a sum of non-negative terms, so no root
/// formula cancels for any ψ (statsmodels' (−B + √D)/(2(1 − ψ)) does near
/// ψ = 1). A fitted cell far below its observed count (say 10⁻¹⁶ against
/// 3) cannot be formed as observed + t, so the smallest fitted cell x is
/// then solved for directly: the other three are exact integer offsets
/// ± x (never cancelling, as x is the smallest), and Newton's method on
/// y = ln x for ln â + ln d̂ − ln b̂ − ln ĉ = ln ψ has slope in [1, 4].
fn fitted_deviation(t: &Cells, psi: f64) -> Option<(f64, f64)> {
    let (a, b, c, d) = (t.a, t.b, t.c, t.d);
    let bq = a + d + psi * (b + c);
    let cq = a * d - psi * b * c;
    let disc = (a - d) * (a - d)
        + 2.0 * psi * ((a + d) * (b + c) + 2.0 * a * d + 2.0 * b * c)
        + (psi * (b - c)) * (psi * (b - c));
    let root = (-2.0 * cq / (bq + disc.sqrt())).clamp(-a.min(d), b.min(c));
    let obs = [a, b, c, d];
    let fitted = [a + root, b - root, c - root, d + root];
    let (i, &x0) = fitted
        .iter()
        .enumerate()
        .min_by(|p, q| p.1.total_cmp(q.1))?;
    if x0 >= 0.0625 * obs[i] && x0 > 0.0 {
        let inv = fitted.iter().map(|f| 1.0 / f).sum::<f64>();
        return (inv.is_finite() && inv > 0.0).then_some((root, inv));
    }
    // Solve for x = fitted cell i. Other cells: off[j] + sign[j]·x with
    // off[j] = obs_j − s_j s_i obs_i exact in 128-bit integers.
    let si = SIGNS[i];
    let mut off = [0.0; 4];
    let mut sgn = [0.0; 4];
    for j in 0..4 {
        let same = SIGNS[j] == si;
        let (oj, oi) = (i128::from(t.raw[j]), i128::from(t.raw[i]));
        off[j] = if same { oj - oi } else { oj + oi } as f64;
        sgn[j] = if same { 1.0 } else { -1.0 };
    }
    off[i] = 0.0;
    // The cells on x's diagonal (â, d̂ or b̂, ĉ) and off it, for ln â + ln d̂ − ln b̂ − ln ĉ.
    let diag_sign = |j: usize| if SIGNS[j] == 1.0 { 1.0 } else { -1.0 };
    // h(x) = s_i·(ln â + ln d̂ − ln b̂ − ln ĉ − ln ψ), increasing in x.
    let cap = (0..4)
        .filter(|&j| sgn[j] < 0.0)
        .map(|j| off[j])
        .fold(f64::INFINITY, f64::min);
    let hi = cap.ln();
    let start = {
        // The product relation with the other (accurate) fitted cells.
        let others = |j: usize| fitted[j].max(f64::MIN_POSITIVE);
        let (pa, pb, pc, pd) = (others(0), others(1), others(2), others(3));
        match i {
            0 => psi * pb * pc / pd,
            3 => psi * pb * pc / pa,
            1 => pa * pd / (psi * pc),
            _ => pa * pd / (psi * pb),
        }
    };
    let mut y = if start > 0.0 && start < cap {
        start.ln()
    } else {
        hi - 1.0
    };
    let ln_psi = psi.ln();
    let cells_at = |x: f64| {
        let mut f = [0.0; 4];
        for j in 0..4 {
            f[j] = if j == i { x } else { off[j] + sgn[j] * x };
        }
        f
    };
    for _ in 0..100 {
        let x = y.exp();
        let f = cells_at(x);
        let h = si * ((0..4).map(|j| diag_sign(j) * f[j].ln()).sum::<f64>() - ln_psi);
        let slope = x * f.iter().map(|v| 1.0 / v).sum::<f64>();
        if !(h.is_finite() && slope.is_finite()) {
            return None;
        }
        let mut next = y - h / slope;
        if next >= hi {
            next = 0.5 * (y + hi);
        }
        let done = (next - y).abs() <= 4.0 * f64::EPSILON * y.abs().max(1.0);
        y = next;
        if done {
            break;
        }
    }
    let x = y.exp();
    let f = cells_at(x);
    let inv = f.iter().map(|v| 1.0 / v).sum::<f64>();
    let dev = si * (x - obs[i]);
    (f.iter().all(|&v| v > 0.0) && inv.is_finite()).then_some((dev, inv))
}

/// Result of [`StratifiedTables::cmh_test`]: the Cochran–Mantel–Haenszel
/// test of a common odds ratio of 1.
///
/// **Model:** impressions independent within a block (binomial); valid only
/// when posts vary binomially — for posts, prefer a block-level analysis.
///
/// Deserialisation checks the p-value is in [0, 1], the statistic and
/// variance are non-negative.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "CmhTestRepr")]
#[non_exhaustive]
pub struct CmhTest {
    /// The χ²₁ statistic (continuity-corrected when asked).
    pub statistic: f64,
    /// P(χ²₁ > statistic), two-sided.
    pub p_value: f64,
    /// Σ(s_B − E s_B) over the blocks: positive when B has more successes
    /// than a common odds ratio of 1 predicts.
    pub deviation: f64,
    /// Σ Var(s_B) under the null.
    pub variance: f64,
    /// Whether the continuity correction min(½, |deviation|) was applied.
    pub continuity_correction: bool,
}

validated!(
    CmhTest,
    CmhTestRepr {
        statistic: f64,
        p_value: f64,
        deviation: f64,
        variance: f64,
        continuity_correction: bool
    },
    |r| {
        crate::validate::read::prob("CMH p-value", r.p_value)?;
        check_non_negative("CMH statistic", r.statistic)?;
        check_non_negative("CMH variance", r.variance)
    }
);

/// Result of [`StratifiedTables::pooled_odds_ratio`]: the Mantel–Haenszel
/// common odds ratio of B relative to A with its Robins–Breslow–Greenland
/// confidence interval.
///
/// **Model:** impressions independent within a block (binomial); valid only
/// when posts vary binomially — for posts, prefer a block-level analysis.
///
/// Deserialisation checks the odds ratio is positive and finite, the
/// standard error non-negative, the level in (0, 1) and the interval within
/// [0, ∞].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MhOddsRatioRepr")]
#[non_exhaustive]
pub struct MhOddsRatio {
    /// ψ = Σ(s_B f_A / n) / Σ(f_B s_A / n): odds_B / odds_A.
    pub odds_ratio: f64,
    /// ln ψ.
    pub log_odds_ratio: f64,
    /// The Robins–Breslow–Greenland standard error of ln ψ.
    pub log_std_error: f64,
    /// The confidence level of `interval`.
    pub level: f64,
    /// exp(ln ψ ± z·se), z = Φ⁻¹((1 + level)/2).
    pub interval: Interval,
}

validated!(
    MhOddsRatio,
    MhOddsRatioRepr {
        odds_ratio: f64,
        log_odds_ratio: f64,
        log_std_error: f64,
        level: f64,
        interval: Interval
    },
    |r| {
        crate::validate::check_positive("Mantel-Haenszel odds ratio", r.odds_ratio)?;
        crate::validate::check_finite("log odds ratio", r.log_odds_ratio)?;
        check_non_negative("log odds ratio standard error", r.log_std_error)?;
        crate::validate::check_open_unit("confidence level", r.level)?;
        check_non_negative("odds ratio interval lower end", r.interval.lower)
    }
);

/// Result of [`StratifiedTables::breslow_day`]: the Breslow–Day test that
/// all blocks share one odds ratio.
///
/// **Model:** impressions independent within a block (binomial); valid only
/// when posts vary binomially — for posts, prefer a block-level analysis.
///
/// Deserialisation checks the p-value is in [0, 1], the statistic
/// non-negative and the degrees of freedom at least 1.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BreslowDayTestRepr")]
#[non_exhaustive]
pub struct BreslowDayTest {
    /// The χ² statistic (Tarone-adjusted when asked).
    pub statistic: f64,
    /// P(χ²_dof > statistic).
    pub p_value: f64,
    /// Degrees of freedom: informative blocks − 1.
    pub dof: u64,
    /// Whether Tarone's adjustment was applied.
    pub tarone: bool,
}

validated!(
    BreslowDayTest,
    BreslowDayTestRepr {
        statistic: f64,
        p_value: f64,
        dof: u64,
        tarone: bool
    },
    |r| {
        crate::validate::read::prob("Breslow-Day p-value", r.p_value)?;
        check_non_negative("Breslow-Day statistic", r.statistic)?;
        if r.dof == 0 {
            return Err(Error::InvalidParameter {
                name: "Breslow-Day degrees of freedom",
                value: 0.0,
                expected: "at least 1",
            });
        }
        Ok(())
    }
);

/// Checks a value read back is a number ≥ 0 (may be +∞).
fn check_non_negative(name: &'static str, value: f64) -> Result<()> {
    if value >= 0.0 {
        Ok(())
    } else {
        Err(Error::InvalidParameter {
            name,
            value,
            expected: "a number at least 0",
        })
    }
}

/// `CMH chi-square = 2.563 (continuity-corrected), p = 0.1094`.
impl fmt::Display for CmhTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "CMH chi-square = {}{}, p = {}",
            number(self.statistic, f.precision()),
            if self.continuity_correction {
                " (continuity-corrected)"
            } else {
                ""
            },
            probability(self.p_value)
        )
    }
}

/// `Mantel–Haenszel odds ratio 1.368, 95% interval [0.9504, 1.969]`.
impl fmt::Display for MhOddsRatio {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "Mantel–Haenszel odds ratio {}, {}% interval [{}, {}]",
            number(self.odds_ratio, p),
            level_percent(self.level),
            number(self.interval.lower, p),
            number(self.interval.upper, p)
        )
    }
}

/// `Breslow–Day chi-square = 1.427 (Tarone-adjusted), 2 dof, p = 0.4899`.
impl fmt::Display for BreslowDayTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "Breslow–Day chi-square = {}{}, {} dof, p = {}",
            number(self.statistic, f.precision()),
            if self.tarone {
                " (Tarone-adjusted)"
            } else {
                ""
            },
            self.dof,
            probability(self.p_value)
        )
    }
}
