//! What a simulation run reports.

use serde::{Deserialize, Serialize};

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

/// Operating characteristics of a design over many seeded replications.
///
/// Monte Carlo quantities are means over replications; their standard
/// errors follow from the binomial (`√(r(1 − r)/R)`,
/// [`SimulationReport::rejection_rate_se`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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

impl SimulationReport {
    /// Fraction of replications that declared a winner.
    pub fn rejection_rate(&self) -> f64 {
        (self.replications as u64 - self.no_winner) as f64 / self.replications as f64
    }

    /// Binomial standard error of [`rejection_rate`](Self::rejection_rate).
    pub fn rejection_rate_se(&self) -> f64 {
        let r = self.rejection_rate();
        (r * (1.0 - r) / self.replications as f64).sqrt()
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
        let right: u64 = self.best_arms().iter().map(|&k| self.winners[k]).sum();
        Some(right as f64 / self.replications as f64)
    }

    /// Mean number of looks taken.
    pub fn mean_looks(&self) -> f64 {
        let total: u64 = self
            .ended_at
            .iter()
            .enumerate()
            .map(|(i, &c)| (i as u64 + 1) * c)
            .sum();
        total as f64 / self.replications as f64
    }

    /// The smallest number of looks by which at least a fraction `q` of the
    /// replications had ended (`q` is clamped to `[0, 1]`).
    pub fn looks_quantile(&self, q: f64) -> usize {
        let need = (q.clamp(0.0, 1.0) * self.replications as f64).ceil() as u64;
        let mut acc = 0;
        for (i, &c) in self.ended_at.iter().enumerate() {
            acc += c;
            if acc >= need.max(1) {
                return i + 1;
            }
        }
        self.looks
    }
}
