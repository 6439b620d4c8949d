//! The report of a test monitored look by look.

use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::format::{Table, fixed, percent, prob_words, signed};
use super::{Body, Document, Render};
use crate::bayes::{BetaPrior, prob_beats};
use crate::error::{Error, Result};
use crate::sequential::{Msprt, MsprtLook, MsprtMonitor, Tally};
use crate::validate::read;

/// One look of a [`MonitoringReport`].
///
/// Reading from serde checks tallies with trials and no more successes
/// than trials, probabilities in [0, 1] and a confidence sequence inside
/// [−1, 1].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MonitoringLookRepr")]
#[non_exhaustive]
pub struct MonitoringLook {
    /// When the look was taken, if known.
    pub at: Option<DateTime<Utc>>,
    /// Cumulative control counts.
    pub control: Tally,
    /// Cumulative treatment counts.
    pub treatment: Tally,
    /// `P(treatment > control)` under the Beta posteriors.
    pub prob_beats_control: f64,
    /// The mSPRT at this look (running p-value and confidence sequence).
    pub msprt: MsprtLook,
}

#[derive(Deserialize)]
struct MonitoringLookRepr {
    at: Option<DateTime<Utc>>,
    control: Tally,
    treatment: Tally,
    prob_beats_control: f64,
    msprt: MsprtLook,
}

impl TryFrom<MonitoringLookRepr> for MonitoringLook {
    type Error = Error;

    fn try_from(r: MonitoringLookRepr) -> Result<Self> {
        for (name, t) in [("control", r.control), ("treatment", r.treatment)] {
            if t.trials == 0 {
                return Err(Error::ZeroTraffic {
                    variant: name.into(),
                });
            }
            if t.successes > t.trials {
                return Err(Error::SuccessesExceedTrials {
                    variant: name.into(),
                    successes: t.successes,
                    trials: t.trials,
                });
            }
        }
        read::prob("P(beats control)", r.prob_beats_control)?;
        read::prob("always-valid p-value", r.msprt.p_value)?;
        read::within(
            "confidence sequence",
            &r.msprt.confidence_sequence,
            -1.0,
            1.0,
        )?;
        Ok(MonitoringLook {
            at: r.at,
            control: r.control,
            treatment: r.treatment,
            prob_beats_control: r.prob_beats_control,
            msprt: r.msprt,
        })
    }
}

/// A two-arm test watched as events arrive: at every look the Bayesian
/// `P(treatment > control)` and the always-valid mSPRT p-value and
/// confidence sequence ([`crate::sequential`]).
///
/// # Example
/// ```
/// use postab::bayes::BetaPrior;
/// use postab::report::{MonitoringReport, Render};
/// use postab::sequential::{Msprt, Tally};
///
/// let mut m = MonitoringReport::new("launch-post", "Question", "Statement", Msprt::new(0.05, 0.01)?, BetaPrior::uniform());
/// for k in 1..=4u64 {
///     m.look(None, Tally::new(25 * k, 1_000 * k)?, Tally::new(33 * k, 1_000 * k)?)?;
/// }
/// assert_eq!(m.looks.len(), 4);
/// assert!(m.looks[3].prob_beats_control > m.looks[0].prob_beats_control);
/// assert!(m.markdown().contains("always-valid p"));
/// # Ok::<(), postab::Error>(())
/// ```
///
/// Reading from serde checks each look (as [`MonitoringLook`]) and that the
/// monitor has taken as many looks as the report lists.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "MonitoringReportRepr")]
#[non_exhaustive]
pub struct MonitoringReport {
    /// Experiment name.
    pub experiment: String,
    /// Name of the control arm.
    pub control: String,
    /// Name of the treatment arm.
    pub treatment: String,
    /// Prior of both rates.
    pub prior: BetaPrior,
    /// The running mSPRT.
    pub monitor: MsprtMonitor,
    /// Every look, in order.
    pub looks: Vec<MonitoringLook>,
}

#[derive(Deserialize)]
struct MonitoringReportRepr {
    experiment: String,
    control: String,
    treatment: String,
    prior: BetaPrior,
    monitor: MsprtMonitor,
    looks: Vec<MonitoringLook>,
}

impl TryFrom<MonitoringReportRepr> for MonitoringReport {
    type Error = Error;

    fn try_from(r: MonitoringReportRepr) -> Result<Self> {
        if usize::try_from(r.monitor.looks()).ok() != Some(r.looks.len()) {
            return Err(read::inconsistent(
                "monitoring report",
                format!(
                    "the monitor has taken {} looks but the report lists {}",
                    r.monitor.looks(),
                    r.looks.len()
                ),
            ));
        }
        Ok(MonitoringReport {
            experiment: r.experiment,
            control: r.control,
            treatment: r.treatment,
            prior: r.prior,
            monitor: r.monitor,
            looks: r.looks,
        })
    }
}

impl MonitoringReport {
    /// A report with no looks yet.
    pub fn new(
        experiment: impl Into<String>,
        control: impl Into<String>,
        treatment: impl Into<String>,
        test: Msprt,
        prior: BetaPrior,
    ) -> Self {
        Self {
            experiment: experiment.into(),
            control: control.into(),
            treatment: treatment.into(),
            prior,
            monitor: MsprtMonitor::new(test),
            looks: Vec::new(),
        }
    }

    /// Takes a look at the cumulative counts so far and records it.
    ///
    /// # Errors
    /// [`Error::ZeroTraffic`] when an arm has no trials yet;
    /// [`Error::SuccessesExceedTrials`] when a tally has more successes than
    /// trials. Nothing is recorded on error. When the running confidence
    /// sequence and this look's interval are disjoint (the rates drift: the
    /// mSPRT model does not fit), the sequence collapses to a point, as
    /// [`MsprtMonitor::confidence_sequence`](crate::sequential::MsprtMonitor::confidence_sequence)
    /// documents.
    pub fn look(
        &mut self,
        at: Option<DateTime<Utc>>,
        control: Tally,
        treatment: Tally,
    ) -> Result<&MonitoringLook> {
        for (name, t) in [(&self.control, control), (&self.treatment, treatment)] {
            if t.trials == 0 {
                return Err(Error::ZeroTraffic {
                    variant: name.clone(),
                });
            }
        }
        let a = self.prior.update(control.successes, control.trials)?;
        let b = self.prior.update(treatment.successes, treatment.trials)?;
        // Update a copy: the monitor only changes when the look is kept.
        let mut monitor = self.monitor.clone();
        let msprt = monitor.update(control, treatment)?;
        self.monitor = monitor;
        self.looks.push(MonitoringLook {
            at,
            control,
            treatment,
            prob_beats_control: prob_beats(&a, &b).b_beats_a,
            msprt,
        });
        Ok(&self.looks[self.looks.len() - 1])
    }

    fn verdict(&self) -> String {
        let Some(last) = self.looks.last() else {
            return "No looks yet.".into();
        };
        let alpha = self.monitor.test().alpha();
        let cs = last.msprt.confidence_sequence;
        let decision = if last.msprt.reject {
            format!(
                "the always-valid p-value {} is below α = {alpha}: {} and {} differ, and you may stop now",
                fixed(last.msprt.p_value, 4),
                self.treatment,
                self.control
            )
        } else {
            format!(
                "the always-valid p-value {} is above α = {alpha}: keep collecting (peeking at it is safe)",
                fixed(last.msprt.p_value, 4)
            )
        };
        format!(
            "After {} looks {decision}. {} beats {} with {} probability; the difference is in [{}, {}] points (always-valid {} confidence sequence).",
            self.looks.len(),
            self.treatment,
            self.control,
            prob_words(last.prob_beats_control),
            signed(100.0 * cs.lower, 3),
            signed(100.0 * cs.upper, 3),
            percent(1.0 - alpha, 0)
        )
    }

    fn table(&self) -> Table {
        let mut t = Table::new([
            "look".to_string(),
            "time".into(),
            self.control.clone(),
            self.treatment.clone(),
            "difference".into(),
            "P(> control)".into(),
            "always-valid p".into(),
            "confidence sequence".into(),
            "reject".into(),
        ]);
        let tally = |t: &Tally| format!("{}/{}", t.successes, t.trials);
        for (i, l) in self.looks.iter().enumerate() {
            let cs = l.msprt.confidence_sequence;
            t.row(vec![
                (i + 1).to_string(),
                l.at.map_or("–".into(), |at| at.format("%Y-%m-%d %H:%M").to_string()),
                tally(&l.control),
                tally(&l.treatment),
                format!("{} pp", signed(100.0 * l.msprt.difference, 3)),
                fixed(l.prob_beats_control, 4),
                fixed(l.msprt.p_value, 4),
                format!(
                    "{} – {} pp",
                    signed(100.0 * cs.lower, 3),
                    signed(100.0 * cs.upper, 3)
                ),
                if l.msprt.reject { "yes" } else { "no" }.into(),
            ]);
        }
        t
    }
}

impl Render for MonitoringReport {
    fn text(&self) -> String {
        format!(
            "{}: {} vs {} (control), monitored\n{}{}\n",
            self.experiment,
            self.treatment,
            self.control,
            self.table().text(),
            self.verdict()
        )
    }

    fn markdown(&self) -> String {
        format!(
            "## {}: {} vs {} (control), monitored\n\n{}\n\n{}",
            self.experiment,
            self.treatment,
            self.control,
            self.verdict(),
            self.table().markdown()
        )
    }

    fn document(&self) -> Document {
        Document::new(Body::Monitoring(self.clone()))
    }
}

/// `2026-01-05 09:00 UTC: control 25/1000, treatment 40/1000, P(treatment >
/// control) = …; difference +0.01500, …` (the time when known, then the
/// mSPRT look as its `Display`).
impl fmt::Display for MonitoringLook {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(at) = self.at {
            write!(f, "{}: ", at.format("%Y-%m-%d %H:%M UTC"))?;
        }
        write!(
            f,
            "control {}, treatment {}, P(treatment > control) = {}; ",
            self.control,
            self.treatment,
            super::format::number(self.prob_beats_control, None)
        )?;
        fmt::Display::fmt(&self.msprt, f)
    }
}

/// The terminal text of [`Render::text`].
impl fmt::Display for MonitoringReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}
