//! The simulation harness: seeded, parallel, thread-count independent.

use std::fmt;
use std::num::NonZeroUsize;

use rand::SeedableRng;
use rand_xoshiro::Xoshiro256PlusPlus;
use serde::{Deserialize, Serialize};

use super::report::{ReplicationOutcome, SimulationReport};
use super::rules::{Decision, FixedHorizon, Look, StoppingRule};
use crate::bandit::{EvenSplit, Policy, Tally};
use crate::error::{Error, Result};
use crate::numeric::sample;

/// Most replications a simulation may run (10⁷).
pub const MAX_REPLICATIONS: usize = 10_000_000;
/// Most `looks × arms` cells of a simulation (10⁷): the regret curve keeps
/// one sum per cell.
pub const MAX_LOOK_CELLS: usize = 10_000_000;
/// Most impressions one replication may show, `traffic_per_look × looks`
/// (2⁵³): every count stays exact in an `f64` and no tally can overflow.
pub const MAX_REPLICATION_IMPRESSIONS: u64 = 1 << 53;
/// Most worker threads a run starts (more are capped to this; results do
/// not depend on the thread count).
pub const MAX_THREADS: usize = 256;

/// How a look's traffic reaches the arms.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[non_exhaustive]
pub enum Allocation {
    /// Each look's impressions are split among the arms in proportion to the
    /// policy's [`Policy::weights`], rounded to whole impressions by largest
    /// remainder (ties to the lower arm index).
    #[default]
    Split,
    /// Each look is one post: the policy's [`Policy::choose`] picks one arm,
    /// which gets all of the look's impressions (e.g. which text to repost
    /// today).
    SinglePost,
}

/// `split` (each look's traffic split by the policy's weights) or `single
/// post` (each look one post for one arm).
impl fmt::Display for Allocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Allocation::Split => "split",
            Allocation::SinglePost => "single post",
        })
    }
}

/// A configured simulation; build with [`Simulation::builder`], run with
/// [`Simulation::run`].
///
/// # Model
///
/// Replication `r` draws its randomness from Xoshiro256++ seeded with the
/// `r`-th output of a SplitMix64 stream started at the run's seed, so each
/// replication's result depends only on `(seed, r)` — never on the number of
/// threads or on which thread ran it. At each of `looks` looks, the policy
/// allocates `traffic_per_look` impressions (see [`Allocation`]); arm `k`'s
/// successes among its `n_k` impressions are an exact Binomial(`n_k`, `p_k`)
/// draw; the stopping rule then sees the cumulative tallies. Aggregates are
/// reduced in replication order (integer sums for the regret curve), so
/// reports are bit-identical for any thread count.
///
/// # Supported range
///
/// At most [`MAX_REPLICATIONS`] (10⁷) replications, `looks × arms` at most
/// [`MAX_LOOK_CELLS`] (10⁷) and `traffic_per_look × looks` at most
/// [`MAX_REPLICATION_IMPRESSIONS`] (2⁵³) impressions per replication; beyond
/// these [`SimulationBuilder::build`] returns [`Error::TooLarge`]. The run
/// time is proportional to `replications × looks × arms` (and to the cost of
/// the policy and stopping rule), which the caller chooses; memory is
/// proportional to `replications + looks × arms`.
///
/// # Example
/// ```
/// use postab::sim::{NaivePeeking, Simulation};
/// let sim = Simulation::builder(vec![0.05, 0.05]) // an A/A test
///     .traffic_per_look(1_000)
///     .looks(24)
///     .replications(500)
///     .seed(7)
///     .stopping(NaivePeeking::new(0.05)?)
///     .build()?;
/// let report = sim.run()?;
/// let fpr = report.false_positive_rate().unwrap_or(0.0);
/// assert!(fpr > 0.1, "peeking 24 times inflates 5 % to {fpr}");
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Simulation<P = EvenSplit, S = FixedHorizon> {
    true_rates: Vec<f64>,
    traffic: u64,
    looks: usize,
    replications: usize,
    seed: u64,
    threads: Option<usize>,
    allocation: Allocation,
    policy: P,
    rule: S,
}

/// Builder of a [`Simulation`]; every setting is checked by
/// [`build`](SimulationBuilder::build).
#[derive(Debug, Clone)]
pub struct SimulationBuilder<P = EvenSplit, S = FixedHorizon> {
    sim: Simulation<P, S>,
}

impl Simulation {
    /// Starts a simulation of arms with these true rates (arm 0 is the
    /// control). Defaults: 1000 impressions per look, 20 looks, 1000
    /// replications, seed 0, all available cores, an even split, and a
    /// fixed-horizon z-test at α = 0.05.
    pub fn builder(true_rates: Vec<f64>) -> SimulationBuilder {
        SimulationBuilder {
            sim: Simulation {
                true_rates,
                traffic: 1_000,
                looks: 20,
                replications: 1_000,
                seed: 0,
                threads: None,
                allocation: Allocation::Split,
                policy: EvenSplit,
                rule: FixedHorizon::default(),
            },
        }
    }
}

impl<P: Policy, S: StoppingRule> SimulationBuilder<P, S> {
    /// Impressions per look (per post with [`Allocation::SinglePost`]).
    pub fn traffic_per_look(mut self, impressions: u64) -> Self {
        self.sim.traffic = impressions;
        self
    }

    /// Number of looks (periods) per replication: the horizon.
    pub fn looks(mut self, looks: usize) -> Self {
        self.sim.looks = looks;
        self
    }

    /// Number of replications.
    pub fn replications(mut self, replications: usize) -> Self {
        self.sim.replications = replications;
        self
    }

    /// The seed every replication's RNG is derived from.
    pub fn seed(mut self, seed: u64) -> Self {
        self.sim.seed = seed;
        self
    }

    /// Takes the seed from a caller's RNG (one `u64`).
    pub fn seed_from<R: rand::Rng + ?Sized>(mut self, rng: &mut R) -> Self {
        self.sim.seed = rng.next_u64();
        self
    }

    /// Worker threads (default: the available cores; at most
    /// [`MAX_THREADS`], at most one per replication, and fewer for very
    /// large `looks × arms`, are started). Results
    /// do not depend on it.
    pub fn threads(mut self, threads: usize) -> Self {
        self.sim.threads = Some(threads);
        self
    }

    /// How each look's traffic reaches the arms.
    pub fn allocation(mut self, allocation: Allocation) -> Self {
        self.sim.allocation = allocation;
        self
    }

    /// The allocation policy (a bandit, or [`crate::bandit::FixedSplit`]).
    pub fn policy<Q: Policy>(self, policy: Q) -> SimulationBuilder<Q, S> {
        let s = self.sim;
        SimulationBuilder {
            sim: Simulation {
                true_rates: s.true_rates,
                traffic: s.traffic,
                looks: s.looks,
                replications: s.replications,
                seed: s.seed,
                threads: s.threads,
                allocation: s.allocation,
                policy,
                rule: s.rule,
            },
        }
    }

    /// The stopping rule.
    pub fn stopping<T: StoppingRule>(self, rule: T) -> SimulationBuilder<P, T> {
        let s = self.sim;
        SimulationBuilder {
            sim: Simulation {
                true_rates: s.true_rates,
                traffic: s.traffic,
                looks: s.looks,
                replications: s.replications,
                seed: s.seed,
                threads: s.threads,
                allocation: s.allocation,
                policy: s.policy,
                rule,
            },
        }
    }

    /// Checks the settings.
    ///
    /// # Errors
    /// * [`Error::TooFew`] for fewer than 2 true rates;
    /// * [`Error::InvalidTrueRate`] for a rate outside [0, 1] (or NaN);
    /// * [`Error::NoTraffic`] for 0 impressions per look;
    /// * [`Error::NoLooks`] for 0 looks;
    /// * [`Error::InvalidParameter`] for 0 replications or 0 threads;
    /// * [`Error::TooLarge`] for more than [`MAX_REPLICATIONS`] replications,
    ///   more than [`MAX_LOOK_CELLS`] looks × arms, or more than
    ///   [`MAX_REPLICATION_IMPRESSIONS`] impressions per replication;
    /// * whatever the policy returns for empty tallies of this many arms
    ///   (e.g. [`Error::LengthMismatch`] for a [`crate::bandit::FixedSplit`]
    ///   of another length).
    pub fn build(self) -> Result<Simulation<P, S>> {
        let s = self.sim;
        if s.true_rates.len() < 2 {
            return Err(Error::TooFew {
                what: "arms",
                got: s.true_rates.len(),
                min: 2,
            });
        }
        if let Some((variant, &value)) = s
            .true_rates
            .iter()
            .enumerate()
            .find(|(_, p)| !(0.0..=1.0).contains(*p))
        {
            return Err(Error::InvalidTrueRate { variant, value });
        }
        if s.traffic == 0 {
            return Err(Error::NoTraffic {
                name: "traffic per look",
            });
        }
        if s.looks == 0 {
            return Err(Error::NoLooks);
        }
        if s.replications == 0 {
            return Err(Error::InvalidParameter {
                name: "replications",
                value: 0.0,
                expected: "at least 1 replication",
            });
        }
        if s.replications > MAX_REPLICATIONS {
            return Err(Error::TooLarge {
                what: "simulation",
                reason: format!(
                    "{} replications exceed the maximum of {MAX_REPLICATIONS}",
                    s.replications
                ),
            });
        }
        if s.looks
            .checked_mul(s.true_rates.len())
            .is_none_or(|cells| cells > MAX_LOOK_CELLS)
        {
            return Err(Error::TooLarge {
                what: "simulation",
                reason: format!(
                    "{} looks x {} arms exceed the maximum of {MAX_LOOK_CELLS} cells",
                    s.looks,
                    s.true_rates.len()
                ),
            });
        }
        if u64::try_from(s.looks)
            .ok()
            .and_then(|l| l.checked_mul(s.traffic))
            .is_none_or(|n| n > MAX_REPLICATION_IMPRESSIONS)
        {
            return Err(Error::TooLarge {
                what: "simulation",
                reason: format!(
                    "{} impressions per look x {} looks exceed the maximum of 2^53 impressions per replication",
                    s.traffic, s.looks
                ),
            });
        }
        if s.threads == Some(0) {
            return Err(Error::InvalidParameter {
                name: "threads",
                value: 0.0,
                expected: "at least 1 thread",
            });
        }
        // Surface policy errors (wrong arm count, ...) now, not mid-run.
        let empty = vec![Tally::default(); s.true_rates.len()];
        let mut w = vec![0.0; empty.len()];
        let mut probe = Xoshiro256PlusPlus::seed_from_u64(0);
        s.policy.weights(&empty, &mut probe, &mut w)?;
        s.policy.choose(&empty, &mut probe)?;
        Ok(s)
    }
}

/// A vector of `len` copies of `value`, or [`Error::TooLarge`] when the
/// memory cannot be had.
fn zeroed<T: Clone>(len: usize, value: T) -> Result<Vec<T>> {
    let mut v = Vec::new();
    v.try_reserve_exact(len).map_err(|_| Error::TooLarge {
        what: "simulation",
        reason: format!("cannot allocate {len} result cells; use fewer replications or looks"),
    })?;
    v.resize(len, value);
    Ok(v)
}

/// The `index`-th output of a SplitMix64 stream started at `seed`.
pub(super) fn replication_seed(seed: u64, index: u64) -> u64 {
    let mut z = seed.wrapping_add(index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15));
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Per-thread sums that are exact (integers), so their total does not depend
/// on how replications were divided among threads.
struct Accumulator {
    /// `impressions[look * K + k]`: Σ over replications of arm `k`'s
    /// cumulative impressions after `look` (carried forward after a stop).
    impressions: Vec<u128>,
}

/// Reusable per-thread buffers.
struct Scratch {
    tallies: Vec<Tally>,
    weights: Vec<f64>,
    counts: Vec<u64>,
}

impl<P: Policy, S: StoppingRule> Simulation<P, S> {
    /// Runs every replication and summarises them.
    ///
    /// # Errors
    /// The first error (in replication order) that the policy returns.
    pub fn run(&self) -> Result<SimulationReport> {
        let threads = self
            .threads
            .unwrap_or_else(|| std::thread::available_parallelism().map_or(1, NonZeroUsize::get))
            .min(MAX_THREADS)
            .clamp(1, self.replications.max(1));
        let k = self.true_rates.len();
        let placeholder = ReplicationOutcome {
            looks: 0,
            stopped: false,
            winner: None,
            impressions: 0,
            successes: 0,
            regret: 0.0,
        };
        // Each thread keeps its own looks × arms sums: bound their total.
        let cells = self.looks.saturating_mul(k).max(1);
        let threads = threads.min((2 * MAX_LOOK_CELLS / cells).max(1));
        let mut outcomes = zeroed(self.replications, placeholder)?;
        let chunk = self.replications.div_ceil(threads);
        let results: Vec<(Result<()>, Accumulator)> = std::thread::scope(|scope| {
            let handles: Vec<_> = outcomes
                .chunks_mut(chunk)
                .enumerate()
                .map(|(c, slice)| scope.spawn(move || self.run_chunk(c * chunk, slice)))
                .collect();
            handles
                .into_iter()
                .map(|h| match h.join() {
                    Ok(r) => r,
                    Err(panic) => std::panic::resume_unwind(panic),
                })
                .collect()
        });
        let mut impressions = zeroed(self.looks * k, 0u128)?;
        for (result, acc) in results {
            result?; // chunks are in replication order: the first error wins
            impressions
                .iter_mut()
                .zip(&acc.impressions)
                .for_each(|(a, b)| *a += b);
        }
        Ok(self.summarise(outcomes, &impressions))
    }

    /// Runs replications `first..first + out.len()`.
    fn run_chunk(&self, first: usize, out: &mut [ReplicationOutcome]) -> (Result<()>, Accumulator) {
        let k = self.true_rates.len();
        let mut acc = Accumulator {
            impressions: match zeroed(self.looks * k, 0) {
                Ok(v) => v,
                Err(e) => {
                    return (
                        Err(e),
                        Accumulator {
                            impressions: vec![],
                        },
                    );
                }
            },
        };
        let mut scratch = Scratch {
            tallies: vec![Tally::default(); k],
            weights: vec![0.0; k],
            counts: vec![0; k],
        };
        for (i, slot) in out.iter_mut().enumerate() {
            match self.replicate((first + i) as u64, &mut scratch, &mut acc) {
                Ok(outcome) => *slot = outcome,
                Err(e) => return (Err(e), acc),
            }
        }
        (Ok(()), acc)
    }

    /// One replication.
    fn replicate(
        &self,
        index: u64,
        s: &mut Scratch,
        acc: &mut Accumulator,
    ) -> Result<ReplicationOutcome> {
        let k = self.true_rates.len();
        let mut rng = Xoshiro256PlusPlus::seed_from_u64(replication_seed(self.seed, index));
        s.tallies.iter_mut().for_each(|t| *t = Tally::default());
        let mut ended = (self.looks, false, None);
        for look in 0..self.looks {
            match self.allocation {
                Allocation::Split => {
                    self.policy.weights(&s.tallies, &mut rng, &mut s.weights)?;
                    split(self.traffic, &s.weights, &mut s.counts);
                }
                Allocation::SinglePost => {
                    let pick = self.policy.choose(&s.tallies, &mut rng)?;
                    s.counts
                        .iter_mut()
                        .enumerate()
                        .for_each(|(j, c)| *c = if j == pick { self.traffic } else { 0 });
                }
            }
            for ((t, &n), &p) in s.tallies.iter_mut().zip(&s.counts).zip(&self.true_rates) {
                t.successes += sample::binomial(&mut rng, n, p);
                t.trials += n;
            }
            let row = &mut acc.impressions[look * k..(look + 1) * k];
            row.iter_mut()
                .zip(s.tallies.iter())
                .for_each(|(a, t)| *a += u128::from(t.trials));
            if let Decision::Stop { winner } =
                self.rule.decide(&Look::new(look, self.looks, &s.tallies))
            {
                ended = (look + 1, true, winner.filter(|&w| w < k));
                break;
            }
        }
        let (looks, stopped, winner) = ended;
        // Carry the final impressions forward for the regret curve.
        for look in looks..self.looks {
            let row = &mut acc.impressions[look * k..(look + 1) * k];
            row.iter_mut()
                .zip(s.tallies.iter())
                .for_each(|(a, t)| *a += u128::from(t.trials));
        }
        let best = self.true_rates.iter().copied().fold(0.0, f64::max);
        Ok(ReplicationOutcome {
            looks,
            stopped,
            winner,
            impressions: s.tallies.iter().map(|t| t.trials).sum(),
            successes: s.tallies.iter().map(|t| t.successes).sum(),
            regret: s
                .tallies
                .iter()
                .zip(&self.true_rates)
                .map(|(t, p)| t.trials as f64 * (best - p))
                .sum(),
        })
    }

    fn summarise(
        &self,
        outcomes: Vec<ReplicationOutcome>,
        impressions: &[u128],
    ) -> SimulationReport {
        let k = self.true_rates.len();
        let r = self.replications as f64;
        let mut winners = vec![0u64; k];
        let mut ended_at = vec![0u64; self.looks];
        let (mut no_winner, mut stopped) = (0, 0);
        let (mut regret, mut imps, mut succ) = (0.0, 0.0, 0.0);
        for o in &outcomes {
            match o.winner {
                Some(w) => winners[w] += 1,
                None => no_winner += 1,
            }
            ended_at[o.looks - 1] += 1;
            stopped += u64::from(o.stopped);
            regret += o.regret;
            imps += o.impressions as f64;
            succ += o.successes as f64;
        }
        let best = self.true_rates.iter().copied().fold(0.0, f64::max);
        let regret_by_look = impressions
            .chunks(k)
            .map(|row| {
                row.iter()
                    .zip(&self.true_rates)
                    .map(|(&n, p)| n as f64 * (best - p))
                    .sum::<f64>()
                    / r
            })
            .collect();
        SimulationReport {
            true_rates: self.true_rates.clone(),
            replications: self.replications,
            looks: self.looks,
            seed: self.seed,
            winners,
            no_winner,
            ended_at,
            stopped,
            mean_regret: regret / r,
            regret_by_look,
            mean_impressions: imps / r,
            mean_successes: succ / r,
            outcomes,
        }
    }
}

/// Splits `total` impressions in proportion to `weights` by largest
/// remainder (ties to the lower index); non-finite or negative weights count
/// as 0, and all-zero weights give an even split.
fn split(total: u64, weights: &[f64], counts: &mut [u64]) {
    let clean = |w: f64| if w.is_finite() && w > 0.0 { w } else { 0.0 };
    let sum: f64 = weights.iter().map(|&w| clean(w)).sum();
    let k = weights.len();
    let share = |w: f64| {
        if sum > 0.0 {
            clean(w) / sum
        } else {
            1.0 / k as f64
        }
    };
    let mut assigned = 0u64;
    for (c, &w) in counts.iter_mut().zip(weights) {
        *c = ((share(w) * total as f64).floor() as u64).min(total - assigned);
        assigned += *c;
    }
    let left = total - assigned;
    if left == 0 || k == 0 {
        return;
    }
    // Give one impression each to the largest remainders (ties to the lower
    // index), cycling if rounding left more than K over: O(K log K).
    let remainder = |j: usize| share(weights[j]) * total as f64 - counts[j] as f64;
    let mut order: Vec<usize> = (0..k).collect();
    order.sort_by(|&i, &j| remainder(j).total_cmp(&remainder(i)).then(i.cmp(&j)));
    let rounds = left / k as u64;
    let extra = (left % k as u64) as usize;
    for (rank, &j) in order.iter().enumerate() {
        counts[j] += rounds + u64::from(rank < extra);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_is_exact() {
        let mut c = [0u64; 3];
        split(10, &[1.0 / 3.0, 1.0 / 3.0, 1.0 / 3.0], &mut c);
        assert_eq!(c, [4, 3, 3]);
        split(5_000, &[0.5, 0.5, 0.0], &mut c);
        assert_eq!(c, [2_500, 2_500, 0]);
        split(7, &[0.0, 0.0, 0.0], &mut c);
        assert_eq!(c.iter().sum::<u64>(), 7);
        split(1, &[0.2, 0.8, f64::NAN], &mut c);
        assert_eq!(c, [0, 1, 0]);
    }

    #[test]
    fn seeds_differ() {
        assert_ne!(replication_seed(0, 0), replication_seed(0, 1));
        assert_ne!(replication_seed(0, 1), replication_seed(1, 0));
    }
}
