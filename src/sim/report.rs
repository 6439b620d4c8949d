//! What a simulation run reports.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::harness::{MAX_LOOK_CELLS, MAX_REPLICATION_IMPRESSIONS, MAX_REPLICATIONS};
use crate::error::{Error, Result};
use crate::report::format::number;

/// How one replication ended.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct ReplicationOutcome {
    /// Looks taken (1 = stopped at the first look; the horizon if never stopped).
    pub looks: usize,
    /// Whether the stopping rule ended the replication (false: the horizon
    /// ran out while the rule said continue).
    pub stopped: bool,
    /// The arm declared best, if any.
    pub winner: Option<usize>,
    /// Impressions shown, all arms.
    pub impressions: u64,
    /// Successes (clicks), all arms.
    pub successes: u64,
    /// Expected regret in successes: `Σ_k n_k (p* − p_k)` over the
    /// impressions `n_k` each arm received, `p*` the best true rate.
    pub regret: f64,
}

/// `stopped at look 5: winner arm 1, 5000 impressions, 265 successes,
/// regret 25.00` (`ran to the horizon at look 20: no winner, …` when the
/// rule never stopped it; the regret with 4 significant digits, or the
/// formatter's precision).
impl fmt::Display for ReplicationOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} at look {}: ",
            if self.stopped {
                "stopped"
            } else {
                "ran to the horizon"
            },
            self.looks
        )?;
        match self.winner {
            Some(k) => write!(f, "winner arm {k}")?,
            None => f.write_str("no winner")?,
        }
        write!(
            f,
            ", {} impressions, {} successes, regret {}",
            self.impressions,
            self.successes,
            number(self.regret, f.precision())
        )
    }
}

/// Operating characteristics of a design over many seeded replications.
///
/// Monte Carlo quantities are means over replications; their standard
/// errors follow from the binomial (`√(r(1 − r)/R)`,
/// [`SimulationReport::rejection_rate_se`]).
///
/// # Reading a report back
///
/// Deserialisation checks that the report is one a run could have produced:
/// 1 to [`MAX_REPLICATIONS`](super::MAX_REPLICATIONS) replications, at least
/// 2 true rates in [0, 1], at least one look with `looks × arms` at most
/// [`MAX_LOOK_CELLS`](super::MAX_LOOK_CELLS); one winner count per arm and
/// one `ended_at` count and regret per look; winner counts plus `no_winner`,
/// and the `ended_at` counts, each summing to the replications; `stopped`
/// at most the replications; one outcome per replication (looks within the
/// horizon, winner an arm, successes at most impressions, at most 2⁵³
/// impressions); every mean finite and non-negative. So every method (and
/// the rendering of [`crate::report`]) is safe on a report read back.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SimulationReportRepr")]
#[non_exhaustive]
pub struct SimulationReport {
    /// The true rate of each arm (arm 0 is the control).
    pub true_rates: Vec<f64>,
    /// Number of replications `R`.
    pub replications: usize,
    /// Looks planned per replication.
    pub looks: usize,
    /// The seed the run was derived from.
    pub seed: u64,
    /// How many replications declared each arm the winner.
    pub winners: Vec<u64>,
    /// Replications that declared no winner.
    pub no_winner: u64,
    /// `ended_at[i]`: replications that ended at look `i + 1` (the stopping
    /// time distribution; replications that ran to the horizon count at the
    /// last look).
    pub ended_at: Vec<u64>,
    /// Replications ended by the stopping rule (rather than the horizon).
    pub stopped: u64,
    /// Mean expected regret (successes lost against always showing the best
    /// arm) per replication.
    pub mean_regret: f64,
    /// Mean cumulative expected regret after each look (a replication that
    /// stopped keeps its final regret).
    pub regret_by_look: Vec<f64>,
    /// Mean impressions per replication.
    pub mean_impressions: f64,
    /// Mean successes per replication.
    pub mean_successes: f64,
    /// Every replication's outcome, in replication order.
    pub outcomes: Vec<ReplicationOutcome>,
}

/// The serialised form of [`SimulationReport`], checked on the way in.
#[derive(Deserialize)]
struct SimulationReportRepr {
    true_rates: Vec<f64>,
    replications: usize,
    looks: usize,
    seed: u64,
    winners: Vec<u64>,
    no_winner: u64,
    ended_at: Vec<u64>,
    stopped: u64,
    mean_regret: f64,
    regret_by_look: Vec<f64>,
    mean_impressions: f64,
    mean_successes: f64,
    outcomes: Vec<ReplicationOutcome>,
}

/// The error for an inconsistent report field.
fn bad(name: &'static str, value: f64, expected: &'static str) -> Error {
    Error::InvalidParameter {
        name,
        value,
        expected,
    }
}

/// Checks a mean is finite and non-negative.
fn check_mean(name: &'static str, x: f64) -> Result<()> {
    if x.is_finite() && x >= 0.0 {
        Ok(())
    } else {
        Err(bad(name, x, "a finite number >= 0"))
    }
}

impl TryFrom<SimulationReportRepr> for SimulationReport {
    type Error = Error;

    fn try_from(r: SimulationReportRepr) -> Result<Self> {
        let reps = r.replications;
        if !(1..=MAX_REPLICATIONS).contains(&reps) {
            return Err(bad(
                "replications",
                reps as f64,
                "between 1 and 10^7 replications",
            ));
        }
        let k = r.true_rates.len();
        if k < 2 {
            return Err(Error::TooFew {
                what: "arms",
                got: k,
                min: 2,
            });
        }
        if let Some((variant, &value)) = r
            .true_rates
            .iter()
            .enumerate()
            .find(|(_, p)| !(0.0..=1.0).contains(*p))
        {
            return Err(Error::InvalidTrueRate { variant, value });
        }
        if r.looks == 0 {
            return Err(Error::NoLooks);
        }
        if r.looks.checked_mul(k).is_none_or(|c| c > MAX_LOOK_CELLS) {
            return Err(bad(
                "looks",
                r.looks as f64,
                "at most 10^7 looks x arms cells",
            ));
        }
        let lengths = [
            ("winners per arm", r.winners.len(), k),
            ("ended_at per look", r.ended_at.len(), r.looks),
            ("regret_by_look per look", r.regret_by_look.len(), r.looks),
            ("outcomes per replication", r.outcomes.len(), reps),
        ];
        for (what, left, right) in lengths {
            if left != right {
                return Err(Error::LengthMismatch { what, left, right });
            }
        }
        let reps64 = reps as u64;
        let sum = |xs: &[u64]| xs.iter().try_fold(0u64, |a, &x| a.checked_add(x));
        if sum(&r.winners).and_then(|w| w.checked_add(r.no_winner)) != Some(reps64) {
            return Err(bad(
                "no_winner",
                r.no_winner as f64,
                "winner counts plus no_winner summing to the replications",
            ));
        }
        if sum(&r.ended_at) != Some(reps64) {
            return Err(bad(
                "ended_at",
                reps as f64,
                "ended_at counts summing to the replications",
            ));
        }
        if r.stopped > reps64 {
            return Err(bad(
                "stopped",
                r.stopped as f64,
                "at most the number of replications",
            ));
        }
        check_mean("mean regret", r.mean_regret)?;
        check_mean("mean impressions", r.mean_impressions)?;
        check_mean("mean successes", r.mean_successes)?;
        for &x in &r.regret_by_look {
            check_mean("regret by look", x)?;
        }
        for o in &r.outcomes {
            if !(1..=r.looks).contains(&o.looks) {
                return Err(bad(
                    "outcome looks",
                    o.looks as f64,
                    "between 1 and the planned looks",
                ));
            }
            if o.winner.is_some_and(|w| w >= k) {
                return Err(bad(
                    "outcome winner",
                    o.winner.unwrap_or_default() as f64,
                    "an arm index",
                ));
            }
            if o.impressions > MAX_REPLICATION_IMPRESSIONS || o.successes > o.impressions {
                return Err(bad(
                    "outcome successes",
                    o.successes as f64,
                    "at most the impressions (at most 2^53)",
                ));
            }
            check_mean("outcome regret", o.regret)?;
        }
        Ok(SimulationReport {
            true_rates: r.true_rates,
            replications: reps,
            looks: r.looks,
            seed: r.seed,
            winners: r.winners,
            no_winner: r.no_winner,
            ended_at: r.ended_at,
            stopped: r.stopped,
            mean_regret: r.mean_regret,
            regret_by_look: r.regret_by_look,
            mean_impressions: r.mean_impressions,
            mean_successes: r.mean_successes,
            outcomes: r.outcomes,
        })
    }
}

impl SimulationReport {
    /// Replications as a divisor (at least 1, so a report whose public
    /// fields were edited to 0 gives 0 rather than NaN).
    fn divisor(&self) -> f64 {
        self.replications.max(1) as f64
    }

    /// Fraction of replications that declared a winner.
    pub fn rejection_rate(&self) -> f64 {
        let reps = self.replications as u64;
        (reps.saturating_sub(self.no_winner) as f64 / self.divisor()).min(1.0)
    }

    /// Binomial standard error of [`rejection_rate`](Self::rejection_rate).
    pub fn rejection_rate_se(&self) -> f64 {
        let r = self.rejection_rate();
        (r * (1.0 - r) / self.divisor()).sqrt()
    }

    /// Whether all true rates are equal (an A/A scenario).
    pub fn is_null(&self) -> bool {
        self.true_rates.windows(2).all(|w| w[0] == w[1])
    }

    /// Indices of the arms with the highest true rate.
    pub fn best_arms(&self) -> Vec<usize> {
        let best = self
            .true_rates
            .iter()
            .copied()
            .fold(f64::NEG_INFINITY, f64::max);
        (0..self.true_rates.len())
            .filter(|&k| self.true_rates[k] == best)
            .collect()
    }

    /// Under an A/A scenario, the false-positive rate: the fraction of
    /// replications that declared any winner. `None` when the rates differ.
    pub fn false_positive_rate(&self) -> Option<f64> {
        self.is_null().then(|| self.rejection_rate())
    }

    /// When the rates differ, the power: the fraction of replications that
    /// declared a truly best arm the winner. `None` under an A/A scenario.
    pub fn power(&self) -> Option<f64> {
        if self.is_null() {
            return None;
        }
        let right = self
            .best_arms()
            .iter()
            .filter_map(|&k| self.winners.get(k))
            .fold(0u64, |a, &w| a.saturating_add(w));
        Some((right as f64 / self.divisor()).min(1.0))
    }

    /// Mean number of looks taken.
    pub fn mean_looks(&self) -> f64 {
        let total: f64 = self
            .ended_at
            .iter()
            .enumerate()
            .map(|(i, &c)| (i as f64 + 1.0) * c as f64)
            .sum();
        total / self.divisor()
    }

    /// The smallest number of looks by which at least a fraction `q` of the
    /// replications had ended (`q` is clamped to `[0, 1]`).
    pub fn looks_quantile(&self, q: f64) -> usize {
        let need = (q.clamp(0.0, 1.0) * self.replications as f64).ceil() as u64;
        let mut acc = 0u64;
        for (i, &c) in self.ended_at.iter().enumerate() {
            acc = acc.saturating_add(c);
            if acc >= need.max(1) {
                return i + 1;
            }
        }
        self.looks
    }
}
