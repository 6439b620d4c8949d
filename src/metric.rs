//! Metrics: which numbers of a variant's [`Counts`] an analysis compares.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::counts::in_variant;
use crate::{Counts, Error, Outcome, Result};

/// A named quantity computed from a variant's counts, such as click-through
/// (clicks / impressions).
///
/// A metric is a numerator (one or more outcomes, summed) over a denominator
/// outcome, in one of two models (see [`MetricKind`]): a binomial **rate**,
/// where each denominator event can succeed at most once, or a Poisson
/// **count per exposure**, where one exposure may produce several events.
///
/// # Example
///
/// ```
/// use postab::metric::MetricData;
/// use postab::{counts, Metric, Outcome};
///
/// let ctr = Metric::click_through();
/// let data = ctr.extract("question", &counts! { impressions: 12_400, clicks: 310 })?;
/// assert_eq!(data, MetricData::Binomial { successes: 310, trials: 12_400 });
///
/// let replies = Metric::per_exposure("replies_per_1k", [Outcome::Reply], Outcome::Impression)?;
/// assert_eq!(replies.to_string(), "replies_per_1k: replies per impressions");
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "MetricRepr")]
pub struct Metric {
    name: String,
    kind: MetricKind,
}

/// How a [`Metric`] models its numbers.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MetricKind {
    /// Binomial rate: `numerator` events (summed) are successes out of
    /// `denominator` trials, so successes may not exceed trials.
    Rate {
        /// Outcomes whose counts are summed into the successes.
        numerator: Vec<Outcome>,
        /// The outcome counted as trials.
        denominator: Outcome,
    },
    /// Poisson count per exposure: `numerator` events (summed) over
    /// `exposure` units; several events per exposure are allowed.
    PerExposure {
        /// Outcomes whose counts are summed into the event count.
        numerator: Vec<Outcome>,
        /// The outcome counted as exposure.
        exposure: Outcome,
    },
}

/// The numbers a [`Metric`] takes from one variant's counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
#[non_exhaustive]
pub enum MetricData {
    /// From a [`MetricKind::Rate`]; `successes <= trials`, `trials` may be 0.
    Binomial {
        /// Summed numerator.
        successes: u64,
        /// Denominator.
        trials: u64,
    },
    /// From a [`MetricKind::PerExposure`]; `exposure` may be 0.
    Poisson {
        /// Summed numerator.
        count: u64,
        /// Exposure.
        exposure: u64,
    },
}

/// `310/12400` (successes/trials) or `18 events over 9000 units of
/// exposure`.
impl fmt::Display for MetricData {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            MetricData::Binomial { successes, trials } => write!(f, "{successes}/{trials}"),
            MetricData::Poisson { count, exposure } => {
                write!(f, "{count} events over {exposure} units of exposure")
            }
        }
    }
}

impl MetricData {
    /// The summed numerator (successes or event count).
    pub fn numerator(&self) -> u64 {
        match *self {
            MetricData::Binomial { successes, .. } => successes,
            MetricData::Poisson { count, .. } => count,
        }
    }

    /// The denominator (trials or exposure).
    pub fn denominator(&self) -> u64 {
        match *self {
            MetricData::Binomial { trials, .. } => trials,
            MetricData::Poisson { exposure, .. } => exposure,
        }
    }
}

#[derive(Deserialize)]
struct MetricRepr {
    name: String,
    kind: MetricKind,
}

impl TryFrom<MetricRepr> for Metric {
    type Error = Error;

    fn try_from(r: MetricRepr) -> Result<Self> {
        Metric::checked(r.name, r.kind)
    }
}

impl Metric {
    /// Click-through rate: clicks / impressions (binomial), named `click_through`.
    pub fn click_through() -> Self {
        Self::builtin_rate("click_through", vec![Outcome::Click])
    }

    /// Repost rate: reposts / impressions (binomial), named `repost_rate`.
    pub fn repost_rate() -> Self {
        Self::builtin_rate("repost_rate", vec![Outcome::Repost])
    }

    /// Like rate: likes / impressions (binomial), named `like_rate`.
    pub fn like_rate() -> Self {
        Self::builtin_rate("like_rate", vec![Outcome::Like])
    }

    /// Reply rate: replies / impressions (binomial), named `reply_rate`.
    pub fn reply_rate() -> Self {
        Self::builtin_rate("reply_rate", vec![Outcome::Reply])
    }

    /// Engagement rate: (clicks + reposts + likes + replies + quotes) /
    /// impressions, named `engagement_rate`.
    ///
    /// Modelled as a binomial rate like the platforms' own figure, so
    /// extraction fails if engagements exceed impressions; use
    /// [`Metric::per_exposure`] with the same outcomes if that can happen in
    /// your data.
    pub fn engagement_rate() -> Self {
        Self::builtin_rate(
            "engagement_rate",
            vec![
                Outcome::Click,
                Outcome::Repost,
                Outcome::Like,
                Outcome::Reply,
                Outcome::Quote,
            ],
        )
    }

    /// A user-defined binomial rate: the sum of `numerator` over `denominator`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidMetric`] if `name` is empty, `numerator` is empty or
    /// lists an outcome twice; [`Error::EmptyOutcomeName`] or
    /// [`Error::ReservedOutcomeName`] for an invalid custom outcome.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Metric, Outcome};
    ///
    /// let m = Metric::rate("amplification", [Outcome::Repost, Outcome::Quote], Outcome::Impression)?;
    /// assert_eq!(m.to_string(), "amplification: (reposts + quotes) / impressions");
    /// assert!(Metric::rate("empty", [], Outcome::Impression).is_err());
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn rate(
        name: impl Into<String>,
        numerator: impl IntoIterator<Item = Outcome>,
        denominator: Outcome,
    ) -> Result<Self> {
        let numerator = numerator.into_iter().collect();
        Self::checked(
            name.into(),
            MetricKind::Rate {
                numerator,
                denominator,
            },
        )
    }

    /// A user-defined count per exposure (Poisson): the sum of `numerator`
    /// events per unit of `exposure`, e.g. replies per impression.
    ///
    /// # Errors
    ///
    /// As [`Metric::rate`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::metric::MetricData;
    /// use postab::{counts, Metric, Outcome};
    ///
    /// let m = Metric::per_exposure("replies_per_impression", [Outcome::Reply], Outcome::Impression)?;
    /// // more replies than impressions is fine for a count metric
    /// let data = m.extract("a", &counts! { impressions: 2, replies: 5 })?;
    /// assert_eq!(data, MetricData::Poisson { count: 5, exposure: 2 });
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn per_exposure(
        name: impl Into<String>,
        numerator: impl IntoIterator<Item = Outcome>,
        exposure: Outcome,
    ) -> Result<Self> {
        let numerator = numerator.into_iter().collect();
        Self::checked(
            name.into(),
            MetricKind::PerExposure {
                numerator,
                exposure,
            },
        )
    }

    /// The metric's name (used as its key in reports).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The metric's model and outcomes.
    pub fn kind(&self) -> &MetricKind {
        &self.kind
    }

    /// The outcomes summed into the numerator.
    pub fn numerator(&self) -> &[Outcome] {
        match &self.kind {
            MetricKind::Rate { numerator, .. } | MetricKind::PerExposure { numerator, .. } => {
                numerator
            }
        }
    }

    /// The denominator outcome (trials or exposure).
    pub fn denominator(&self) -> &Outcome {
        match &self.kind {
            MetricKind::Rate { denominator, .. } => denominator,
            MetricKind::PerExposure { exposure, .. } => exposure,
        }
    }

    /// Takes this metric's numbers from one variant's counts.
    ///
    /// A zero denominator is allowed here; analyses decide what it means.
    ///
    /// # Errors
    ///
    /// - [`Error::CountOverflow`] (naming `variant_id`) if `counts` are
    ///   overflowed or the numerator's sum exceeds `u64::MAX`;
    /// - [`Error::SuccessesExceedTrials`] for a rate whose numerator exceeds
    ///   its denominator.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{counts, Error, Metric};
    ///
    /// let err = Metric::click_through()
    ///     .extract("statement", &counts! { impressions: 10, clicks: 11 })
    ///     .unwrap_err();
    /// assert_eq!(
    ///     err,
    ///     Error::SuccessesExceedTrials { variant: "statement".into(), successes: 11, trials: 10 }
    /// );
    /// ```
    pub fn extract(&self, variant_id: &str, counts: &Counts) -> Result<MetricData> {
        counts
            .check_exact()
            .map_err(|e| in_variant(e, variant_id))?;
        let mut sum: u64 = 0;
        for outcome in self.numerator() {
            let n = counts.get(outcome);
            sum = sum.checked_add(n).ok_or_else(|| Error::CountOverflow {
                variant: Some(variant_id.to_string()),
                outcome: self.numerator_label(),
                current: sum,
                added: n,
            })?;
        }
        let denominator = counts.get(self.denominator());
        match self.kind {
            MetricKind::Rate { .. } if sum > denominator => Err(Error::SuccessesExceedTrials {
                variant: variant_id.to_string(),
                successes: sum,
                trials: denominator,
            }),
            MetricKind::Rate { .. } => Ok(MetricData::Binomial {
                successes: sum,
                trials: denominator,
            }),
            MetricKind::PerExposure { .. } => Ok(MetricData::Poisson {
                count: sum,
                exposure: denominator,
            }),
        }
    }

    /// A built-in rate over impressions (valid by construction).
    fn builtin_rate(name: &str, numerator: Vec<Outcome>) -> Self {
        Metric {
            name: name.to_string(),
            kind: MetricKind::Rate {
                numerator,
                denominator: Outcome::Impression,
            },
        }
    }

    /// Validates a metric definition.
    fn checked(name: String, kind: MetricKind) -> Result<Self> {
        let metric = Metric { name, kind };
        let invalid = |reason: String| Error::InvalidMetric {
            name: metric.name.clone(),
            reason,
        };
        if metric.name.is_empty() {
            return Err(invalid("the name is empty".to_string()));
        }
        let numerator = metric.numerator();
        if numerator.is_empty() {
            return Err(invalid("the numerator lists no outcome".to_string()));
        }
        for (i, outcome) in numerator.iter().enumerate() {
            outcome.validate()?;
            if numerator[..i].contains(outcome) {
                return Err(invalid(format!("the numerator lists {outcome} twice")));
            }
        }
        metric.denominator().validate()?;
        Ok(metric)
    }

    /// `clicks` or `(reposts + quotes)`.
    fn numerator_label(&self) -> String {
        let names: Vec<&str> = self.numerator().iter().map(Outcome::name).collect();
        match names.as_slice() {
            [one] => one.to_string(),
            many => format!("({})", many.join(" + ")),
        }
    }
}

impl fmt::Display for Metric {
    /// `click_through: clicks / impressions` or
    /// `replies_per_impression: replies per impressions`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let op = match self.kind {
            MetricKind::Rate { .. } => "/",
            MetricKind::PerExposure { .. } => "per",
        };
        write!(
            f,
            "{}: {} {op} {}",
            self.name,
            self.numerator_label(),
            self.denominator()
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_validates() {
        let m = Metric::engagement_rate();
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(serde_json::from_str::<Metric>(&json).unwrap(), m);
        let bad =
            r#"{"name":"x","kind":{"type":"rate","numerator":[],"denominator":"impressions"}}"#;
        assert!(serde_json::from_str::<Metric>(bad).is_err());
    }

    #[test]
    fn duplicate_numerator_rejected() {
        assert_eq!(
            Metric::rate("x", [Outcome::Click, Outcome::Click], Outcome::Impression),
            Err(Error::InvalidMetric {
                name: "x".into(),
                reason: "the numerator lists clicks twice".into()
            })
        );
    }
}
