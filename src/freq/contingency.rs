//! Tests of independence for an r × c contingency table: Pearson's
//! chi-square (with Yates' correction for 2 × 2) and the G-test
//! (likelihood ratio). For A/B/n tests the table is 2 × K: row 0 the
//! successes and row 1 the failures of each of the K variants.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::common::{Proportion, chi2_upper};
use crate::report::format::{number, probability};
use crate::{Error, Result};

/// Which statistic [`ContingencyTest`] holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum ContingencyStatistic {
    /// Pearson's X² = Σ (O − E)²/E.
    Pearson,
    /// Pearson's X² with Yates' continuity correction (2 × 2 only).
    PearsonYates,
    /// The likelihood-ratio statistic G = 2 Σ O ln(O/E).
    LikelihoodRatio,
}

/// Result of a test of independence.
///
/// Deserialisation checks the p-value is in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "ContingencyTestRepr")]
#[non_exhaustive]
pub struct ContingencyTest {
    /// The statistic (≥ 0).
    pub statistic: f64,
    /// Degrees of freedom (r − 1)(c − 1).
    pub dof: u64,
    /// P(χ²_dof > statistic), the regularized upper incomplete gamma.
    pub p_value: f64,
    /// Which statistic was computed.
    pub kind: ContingencyStatistic,
}

/// Pearson's chi-square test of independence of an r × c table given as
/// rows (each an equally long slice of counts). E_ij = R_i C_j / N;
/// dof = (r − 1)(c − 1); p = Q(dof/2, X²/2).
///
/// With `yates` and a 2 × 2 table each |O − E| is reduced by
/// min(½, |O − E|) (scipy's `chi2_contingency(correction=True)` rule); for
/// larger tables `yates` is ignored, as in scipy. O − E is formed exactly
/// in 128-bit integers, so the statistic keeps full relative accuracy at
/// 10^9 counts per cell.
///
/// # Errors
///
/// [`Error::EmptyTable`] for no rows or columns, [`Error::TooFew`] for a
/// single row or column, [`Error::RaggedTable`] for rows of different
/// lengths, [`Error::AllZero`] for an all-zero table and
/// [`Error::Undefined`] if a row or column sums to 0 (an expected count
/// would be 0).
///
/// # Example
///
/// ```
/// use postab::freq::chi_square_test;
///
/// let t = chi_square_test(&[[3, 7], [37, 33]], true)?;
/// assert!((t.statistic - 1.0285714285714285).abs() < 1e-14);
/// assert_eq!(t.dof, 1);
/// assert!((t.p_value - 0.3104944343172349).abs() < 1e-12);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn chi_square_test<R: AsRef<[u64]>>(rows: &[R], yates: bool) -> Result<ContingencyTest> {
    let t = Table::from_rows(rows)?;
    Ok(t.pearson(yates))
}

/// [`chi_square_test`] on the 2 × K table of successes and failures of the
/// given arms (the usual A/B/n table).
///
/// # Errors
///
/// As [`chi_square_test`]: fewer than 2 arms, or no successes (or no
/// failures) in any arm.
///
/// # Example
///
/// ```
/// use postab::freq::{Proportion, chi_square_arms};
///
/// let arms = [Proportion::new(3, 40)?, Proportion::new(7, 40)?];
/// let t = chi_square_arms(&arms, false)?;
/// assert_eq!(t.dof, 1);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn chi_square_arms(arms: &[Proportion], yates: bool) -> Result<ContingencyTest> {
    Ok(Table::from_arms(arms)?.pearson(yates))
}

/// The G-test (likelihood-ratio test) of independence:
/// G = 2 Σ O ln(O/E) with 0·ln 0 = 0, compared with χ²_dof. No continuity
/// or Williams correction. It is evaluated as 2 Σ E·h((O − E)/E) with
/// h(t) = (1 + t) ln(1 + t) − t (a series near t = 0), which avoids the
/// cancellation of the textbook sum when O ≈ E.
///
/// # Errors
///
/// As [`chi_square_test`].
///
/// # Example
///
/// ```
/// use postab::freq::g_test;
///
/// let t = g_test(&[[3, 7], [37, 33]])?;
/// assert!(t.statistic > 0.0 && t.p_value < 1.0);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn g_test<R: AsRef<[u64]>>(rows: &[R]) -> Result<ContingencyTest> {
    Ok(Table::from_rows(rows)?.g())
}

/// [`g_test`] on the 2 × K table of the given arms.
///
/// # Errors
///
/// As [`chi_square_arms`].
pub fn g_test_arms(arms: &[Proportion]) -> Result<ContingencyTest> {
    Ok(Table::from_arms(arms)?.g())
}

/// A validated table, stored row-major, with its margins.
struct Table {
    cols: usize,
    cells: Vec<u64>,
    /// Row margins, exact and as `f64`.
    row_sums: Vec<(u128, f64)>,
    /// Column margins, exact and as `f64`.
    col_sums: Vec<(u128, f64)>,
    total: u128,
}

impl Table {
    fn from_rows<R: AsRef<[u64]>>(rows: &[R]) -> Result<Self> {
        let cols = rows.first().map_or(0, |r| r.as_ref().len());
        if rows.is_empty() || cols == 0 {
            return Err(Error::EmptyTable {
                rows: rows.len(),
                cols,
            });
        }
        let mut cells = Vec::with_capacity(rows.len() * cols);
        for (i, r) in rows.iter().enumerate() {
            let r = r.as_ref();
            if r.len() != cols {
                return Err(Error::RaggedTable {
                    row: i,
                    len: r.len(),
                    expected: cols,
                });
            }
            cells.extend_from_slice(r);
        }
        Self::new(rows.len(), cols, cells)
    }

    fn from_arms(arms: &[Proportion]) -> Result<Self> {
        let mut cells = Vec::with_capacity(2 * arms.len());
        cells.extend(arms.iter().map(Proportion::successes));
        cells.extend(arms.iter().map(Proportion::failures));
        if arms.is_empty() {
            return Err(Error::EmptyTable { rows: 2, cols: 0 });
        }
        Self::new(2, arms.len(), cells)
    }

    fn new(rows: usize, cols: usize, cells: Vec<u64>) -> Result<Self> {
        if rows < 2 {
            return Err(Error::TooFew {
                what: "table rows",
                got: rows,
                min: 2,
            });
        }
        if cols < 2 {
            return Err(Error::TooFew {
                what: "table columns (variants)",
                got: cols,
                min: 2,
            });
        }
        let mut row_sums = vec![0u128; rows];
        let mut col_sums = vec![0u128; cols];
        for (k, &c) in cells.iter().enumerate() {
            row_sums[k / cols] += u128::from(c);
            col_sums[k % cols] += u128::from(c);
        }
        let total: u128 = row_sums.iter().sum();
        let with_f64 =
            |v: Vec<u128>| -> Vec<(u128, f64)> { v.into_iter().map(|s| (s, s as f64)).collect() };
        if total == 0 {
            return Err(Error::AllZero { what: "table" });
        }
        for (what, sums) in [("row", &row_sums), ("column", &col_sums)] {
            if let Some(i) = sums.iter().position(|&s| s == 0) {
                return Err(Error::Undefined {
                    statistic: "test of independence",
                    reason: format!("{what} {i} sums to 0, so its expected counts are 0"),
                });
            }
        }
        Ok(Self {
            cols,
            cells,
            row_sums: with_f64(row_sums),
            col_sums: with_f64(col_sums),
            total,
        })
    }

    fn dof(&self) -> u64 {
        ((self.row_sums.len() - 1) * (self.cols - 1)) as u64
    }

    /// Visits every cell with (O − E, E).
    fn deviations(&self) -> impl Iterator<Item = (f64, f64)> + '_ {
        let n = self.total as f64;
        self.cells.iter().enumerate().map(move |(k, &o)| {
            let (r, c) = (self.row_sums[k / self.cols], self.col_sums[k % self.cols]);
            let e = r.1 * c.1 / n;
            (deviation(o, r.0, c.0, self.total), e)
        })
    }

    fn pearson(&self, yates: bool) -> ContingencyTest {
        let dof = self.dof();
        let yates = yates && dof == 1;
        let statistic: f64 = self
            .deviations()
            .map(|(d, e)| {
                let d = if yates { d.abs() - d.abs().min(0.5) } else { d };
                d * d / e
            })
            .sum();
        let kind = if yates {
            ContingencyStatistic::PearsonYates
        } else {
            ContingencyStatistic::Pearson
        };
        finish(statistic, dof, kind)
    }

    fn g(&self) -> ContingencyTest {
        let statistic = 2.0
            * self
                .deviations()
                .map(|(d, e)| e * xlogx_excess(d / e))
                .sum::<f64>();
        finish(statistic, self.dof(), ContingencyStatistic::LikelihoodRatio)
    }
}

fn finish(statistic: f64, dof: u64, kind: ContingencyStatistic) -> ContingencyTest {
    let statistic = statistic.max(0.0);
    ContingencyTest {
        statistic,
        dof,
        p_value: chi2_upper(statistic, dof).clamp(0.0, 1.0),
        kind,
    }
}

/// O − R·C/N with a single rounding when N·O and R·C fit in 128 bits.
pub(crate) fn deviation(o: u64, r: u128, c: u128, n: u128) -> f64 {
    // Fast path: 64-bit products (tables up to ~10^9 per cell fit).
    if let (Ok(n), Ok(r), Ok(c)) = (u64::try_from(n), u64::try_from(r), u64::try_from(c))
        && let (Some(x), Some(y)) = (n.checked_mul(o), r.checked_mul(c))
    {
        return if x >= y {
            (x - y) as f64 / n as f64
        } else {
            -((y - x) as f64 / n as f64)
        };
    }
    match (n.checked_mul(u128::from(o)), r.checked_mul(c)) {
        (Some(x), Some(y)) if x >= y => (x - y) as f64 / n as f64,
        (Some(x), Some(y)) => -((y - x) as f64 / n as f64),
        _ => o as f64 - (r as f64) * (c as f64) / n as f64,
    }
}

/// h(t) = (1 + t) ln(1 + t) − t for t ≥ −1, without cancellation near 0.
fn xlogx_excess(t: f64) -> f64 {
    if t.abs() < 0.25 {
        // h(t) = Σ_{k≥2} (−1)^k t^k / (k(k − 1)).
        let mut sum = 0.0;
        let mut power = -t;
        for k in 2..60 {
            power *= -t;
            let term = power / ((k * (k - 1)) as f64);
            sum += term;
            if term.abs() <= sum.abs() * 1e-17 {
                break;
            }
        }
        sum
    } else if t <= -1.0 {
        1.0
    } else {
        (1.0 + t) * t.ln_1p() - t
    }
}

super::common::validated!(
    ContingencyTest,
    ContingencyTestRepr {
        statistic: f64,
        dof: u64,
        p_value: f64,
        kind: ContingencyStatistic
    },
    |r| { crate::validate::read::prob("contingency p-value", r.p_value) }
);

/// `Pearson chi-square`, `Pearson chi-square (Yates-corrected)` or
/// `likelihood-ratio G`.
impl fmt::Display for ContingencyStatistic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ContingencyStatistic::Pearson => "Pearson chi-square",
            ContingencyStatistic::PearsonYates => "Pearson chi-square (Yates-corrected)",
            ContingencyStatistic::LikelihoodRatio => "likelihood-ratio G",
        })
    }
}

/// `Pearson chi-square (Yates-corrected) = 4.176, 1 dof, p = 0.04100`.
impl fmt::Display for ContingencyTest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} = {}, {} dof, p = {}",
            self.kind,
            number(self.statistic, f.precision()),
            self.dof,
            probability(self.p_value)
        )
    }
}
