//! Polls: which option does the audience prefer, and how sure are we?
//!
//! A single-choice poll (one vote per voter; a Mastodon poll with
//! `multiple: false`, an X or LinkedIn poll) is one multinomial draw per
//! voter. [`analyze_poll`] gives, for each option:
//!
//! * **P(most chosen)** under the Dirichlet posterior
//!   `Dirichlet(votes + prior)`: with independent `G_j ~ Gamma(a_j, 1)` the
//!   shares `G_j / ΣG` are `Dirichlet(a)`, so the option with the largest
//!   share is the one with the largest `G_j`, and the probabilities are the
//!   exact P(best) of independent Gamma variables that
//!   [`crate::bayes::prob_best`] computes by quadrature (agreement with
//!   mpmath to 1e-10 absolute in `tests/poll.rs`). Nothing is simulated.
//! * a **credible interval** for its share: the Dirichlet marginal
//!   `Beta(a_i, Σa − a_i)`, equal-tailed;
//! * a **simultaneous confidence interval** (Goodman 1965): with
//!   `B = χ²₁(1 − α/K)`, the share's interval is
//!   `[B + 2n_i ∓ √(B(B + 4n_i(N − n_i)/N))] / (2(N + B))`; all K intervals
//!   hold together with probability about `1 − α` (Bonferroni over the
//!   options, each a score interval). It is the method of
//!   statsmodels' `multinomial_proportions_confint(method="goodman")`, and
//!   reproduces the Goodman column of Sison & Glaz (1995), example 1.
//!
//! and, for the poll, Pearson's chi-square test of equal preference (every
//! option equally likely), `K − 1` degrees of freedom.
//!
//! A multiple-choice poll (several votes per voter) is not multinomial:
//! analyse each option's votes out of the voters as a proportion instead.
//!
//! # Example
//! ```
//! use postab::poll::analyze_poll;
//!
//! let poll = analyze_poll([("Mornings", 61), ("Lunch", 38), ("Evenings", 74)], 0.95)?;
//! let leader = poll.leader();
//! assert_eq!(leader.label, "Evenings");
//! assert!(leader.prob_most_chosen > 0.85);
//! assert!(poll.equal_preference_p_value < 0.01);
//! println!("{poll}");
//! # Ok::<(), postab::Error>(())
//! ```

use std::collections::HashSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::bayes::{BetaPosterior, GammaPosterior, Posterior, prob_best};
use crate::error::{Error, Result};
use crate::freq::sample_ratio_mismatch;
use crate::interval::Interval;
use crate::numeric::normal_isf;
use crate::report::format::{percent, probability};
use crate::validate::{check_open_unit, read};

/// The Dirichlet prior [`analyze_poll`] uses: 1 for every option (uniform
/// over the shares).
pub const DEFAULT_POLL_PRIOR: f64 = 1.0;

/// One option of an analysed poll.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct PollOptionResult {
    /// The option's text.
    pub label: String,
    /// Votes it received.
    pub votes: u64,
    /// Its observed share of the votes.
    pub share: f64,
    /// Posterior probability that its share is the largest.
    pub prob_most_chosen: f64,
    /// Equal-tailed credible interval of its share (Dirichlet marginal).
    pub credible_interval: Interval,
    /// Goodman simultaneous confidence interval of its share.
    pub simultaneous_interval: Interval,
}

/// Result of [`analyze_poll`]: the options in the order given, the test of
/// equal preference, and the settings. The unit is the voter (one vote
/// each).
///
/// Reading from serde checks what [`analyze_poll`] guarantees: at least 2
/// options with distinct labels, votes summing to `total_votes > 0`,
/// shares and intervals in [0, 1], probabilities of being most chosen in
/// [0, 1] summing to 1, a level in (0, 1), a positive prior and a p-value
/// in [0, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "PollAnalysisRepr")]
#[non_exhaustive]
pub struct PollAnalysis {
    /// The options, in the order given.
    pub options: Vec<PollOptionResult>,
    /// Total votes `N`.
    pub total_votes: u64,
    /// The Dirichlet prior's value per option.
    pub prior: f64,
    /// Level of the credible and simultaneous intervals.
    pub level: f64,
    /// Pearson's X² against equal preference.
    pub equal_preference_statistic: f64,
    /// Its p-value, `P(χ²_{K−1} > X²)`.
    pub equal_preference_p_value: f64,
}

#[derive(Deserialize)]
struct PollAnalysisRepr {
    options: Vec<PollOptionResult>,
    total_votes: u64,
    prior: f64,
    level: f64,
    equal_preference_statistic: f64,
    equal_preference_p_value: f64,
}

impl TryFrom<PollAnalysisRepr> for PollAnalysis {
    type Error = Error;

    fn try_from(r: PollAnalysisRepr) -> Result<Self> {
        if r.options.len() < 2 {
            return Err(Error::TooFew {
                what: "poll options",
                got: r.options.len(),
                min: 2,
            });
        }
        let mut labels = HashSet::with_capacity(r.options.len());
        let mut total = 0u64;
        for o in &r.options {
            if !labels.insert(o.label.as_str()) {
                return Err(Error::DuplicateVariant {
                    id: o.label.clone(),
                });
            }
            total = total.saturating_add(o.votes);
            read::prob("poll share", o.share)?;
            read::within("credible interval", &o.credible_interval, 0.0, 1.0)?;
            read::within("simultaneous interval", &o.simultaneous_interval, 0.0, 1.0)?;
        }
        if total != r.total_votes || total == 0 {
            return Err(read::inconsistent(
                "poll",
                format!(
                    "the options' votes sum to {total}, the poll says {}",
                    r.total_votes
                ),
            ));
        }
        read::distribution(
            "P(most chosen)",
            r.options.iter().map(|o| o.prob_most_chosen),
        )?;
        check_open_unit("level", r.level)?;
        read::non_negative("equal-preference statistic", r.equal_preference_statistic)?;
        read::prob("equal-preference p-value", r.equal_preference_p_value)?;
        if !(r.prior.is_finite() && r.prior > 0.0) {
            return Err(Error::InvalidParameter {
                name: "Dirichlet prior",
                value: r.prior,
                expected: "a positive finite number",
            });
        }
        Ok(PollAnalysis {
            options: r.options,
            total_votes: r.total_votes,
            prior: r.prior,
            level: r.level,
            equal_preference_statistic: r.equal_preference_statistic,
            equal_preference_p_value: r.equal_preference_p_value,
        })
    }
}

impl PollAnalysis {
    /// The option most likely to be the audience's favourite (the first of
    /// equals).
    pub fn leader(&self) -> &PollOptionResult {
        let mut best = &self.options[0];
        for o in &self.options[1..] {
            if o.prob_most_chosen > best.prob_most_chosen {
                best = o;
            }
        }
        best
    }

    /// The option called `label`, if there is one.
    pub fn option(&self, label: &str) -> Option<&PollOptionResult> {
        self.options.iter().find(|o| o.label == label)
    }
}

/// [`analyze_poll_with_prior`] with the uniform prior
/// ([`DEFAULT_POLL_PRIOR`]).
///
/// # Errors
/// As [`analyze_poll_with_prior`].
pub fn analyze_poll<I, S>(options: I, level: f64) -> Result<PollAnalysis>
where
    I: IntoIterator<Item = (S, u64)>,
    S: Into<String>,
{
    analyze_poll_with_prior(options, level, DEFAULT_POLL_PRIOR)
}

/// Analyses a single-choice poll: `options` are (text, votes) pairs;
/// `level` is the level of the intervals; `prior` the Dirichlet prior per
/// option (1 = uniform, 0.5 = Jeffreys). See the [module docs](crate::poll) for
/// the model.
///
/// # Errors
/// [`Error::TooFew`] for fewer than 2 options; [`Error::DuplicateVariant`]
/// naming an option text given twice; [`Error::AllZero`] when nobody
/// voted; [`Error::InvalidParameter`] for a level outside (0, 1) or a
/// prior that is not positive and finite; [`Error::CountOverflow`] when
/// the votes sum past `u64::MAX`.
pub fn analyze_poll_with_prior<I, S>(options: I, level: f64, prior: f64) -> Result<PollAnalysis>
where
    I: IntoIterator<Item = (S, u64)>,
    S: Into<String>,
{
    let options: Vec<(String, u64)> = options.into_iter().map(|(s, v)| (s.into(), v)).collect();
    let level = check_open_unit("level", level)?;
    if !(prior.is_finite() && prior > 0.0) {
        return Err(Error::InvalidParameter {
            name: "Dirichlet prior",
            value: prior,
            expected: "a positive finite number",
        });
    }
    let k = options.len();
    if k < 2 {
        return Err(Error::TooFew {
            what: "poll options",
            got: k,
            min: 2,
        });
    }
    let mut seen = HashSet::with_capacity(k);
    for (label, _) in &options {
        if !seen.insert(label.as_str()) {
            return Err(Error::DuplicateVariant { id: label.clone() });
        }
    }
    let mut total = 0u64;
    for (label, v) in &options {
        total = total.checked_add(*v).ok_or_else(|| Error::CountOverflow {
            variant: Some(label.clone()),
            outcome: "poll votes".to_string(),
            current: total,
            added: *v,
        })?;
    }
    if total == 0 {
        return Err(Error::AllZero { what: "poll votes" });
    }
    let votes: Vec<u64> = options.iter().map(|(_, v)| *v).collect();
    let shape = |v: u64| v as f64 + prior;
    let gammas = votes
        .iter()
        .map(|&v| GammaPosterior::new(shape(v), 1.0))
        .collect::<Result<Vec<_>>>()?;
    let most = prob_best(&gammas)?;
    let sum_a: f64 = votes.iter().map(|&v| shape(v)).sum();
    let n = total as f64;
    // χ²₁ quantile at 1 − α/K is the square of the normal's at α/(2K).
    let z = normal_isf(0.5 * (1.0 - level) / k as f64);
    let b = z * z;
    let goodness = sample_ratio_mismatch(&votes, &vec![1.0; k])?;
    let options = options
        .into_iter()
        .zip(most)
        .map(|((label, v), p)| {
            let a = shape(v);
            let vf = v as f64;
            let half = (b * (b + 4.0 * vf * (n - vf) / n)).sqrt();
            let denom = 2.0 * (n + b);
            Ok(PollOptionResult {
                label,
                votes: v,
                share: vf / n,
                prob_most_chosen: p,
                credible_interval: BetaPosterior::new(a, sum_a - a)?.credible_interval(level)?,
                simultaneous_interval: Interval::new(
                    ((b + 2.0 * vf - half) / denom).max(0.0),
                    ((b + 2.0 * vf + half) / denom).min(1.0),
                ),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(PollAnalysis {
        options,
        total_votes: total,
        prior,
        level,
        equal_preference_statistic: goodness.statistic,
        equal_preference_p_value: goodness.p_value,
    })
}

/// Analyses a poll read from a saved post ([`crate::import::Poll`], e.g. a
/// Mastodon status's `poll`), with the uniform prior; see
/// [`analyze_poll_with_prior`].
///
/// # Errors
/// [`Error::InvalidParameter`] for a multiple-choice poll (not one
/// multinomial draw per voter: analyse each option's votes out of the
/// voters instead) or one whose votes the server hid (named `"poll
/// votes"`, value the option's index); otherwise as
/// [`analyze_poll_with_prior`].
///
/// # Example
/// ```
/// use postab::import::{Poll, PollOption};
/// use postab::poll::analyze_saved_poll;
///
/// let saved = Poll::new(vec![PollOption::new("Yes", Some(30)), PollOption::new("No", Some(12))]);
/// let result = analyze_saved_poll(&saved, 0.95)?;
/// assert_eq!(result.leader().label, "Yes");
/// # Ok::<(), postab::Error>(())
/// ```
pub fn analyze_saved_poll(poll: &crate::import::Poll, level: f64) -> Result<PollAnalysis> {
    if poll.multiple {
        return Err(Error::InvalidParameter {
            name: "multiple-choice poll",
            value: poll.options.len() as f64,
            expected: "a single-choice poll (one vote per voter); analyse each option's votes out of the voters as a proportion instead",
        });
    }
    let options = poll
        .options
        .iter()
        .enumerate()
        .map(|(i, o)| {
            o.votes
                .map(|v| (o.title.clone(), v))
                .ok_or(Error::InvalidParameter {
                    name: "poll votes",
                    value: i as f64,
                    expected: "votes reported for every option (the server hid them while the poll ran)",
                })
        })
        .collect::<Result<Vec<_>>>()?;
    analyze_poll(options, level)
}

/// One line per option (votes, share, P(most chosen), the two intervals),
/// then the test of equal preference.
impl fmt::Display for PollAnalysis {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let level = percent(self.level, 0);
        let width = self
            .options
            .iter()
            .map(|o| o.label.chars().count())
            .max()
            .unwrap_or(0);
        writeln!(
            f,
            "poll of {} votes (unit: the voter, one vote each; Dirichlet({}) prior; {level} intervals):",
            self.total_votes, self.prior
        )?;
        for o in &self.options {
            writeln!(
                f,
                "  {:<width$}  {:>6} votes  {:>7}  P(most chosen) = {}  credible [{}, {}]  simultaneous (Goodman) [{}, {}]",
                o.label,
                o.votes,
                percent(o.share, 1),
                probability(o.prob_most_chosen),
                percent(o.credible_interval.lower, 1),
                percent(o.credible_interval.upper, 1),
                percent(o.simultaneous_interval.lower, 1),
                percent(o.simultaneous_interval.upper, 1),
            )?;
        }
        write!(
            f,
            "equal preference: chi-square = {} on {} dof, p = {}",
            probability(self.equal_preference_statistic),
            self.options.len() - 1,
            probability(self.equal_preference_p_value)
        )
    }
}
