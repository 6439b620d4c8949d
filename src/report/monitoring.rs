//! The report of a test monitored look by look.

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::format::{Table, prob_words};
use super::{Body, Document, Render};
use crate::bayes::{BetaPrior, prob_beats};
use crate::error::{Error, Result};
use crate::sequential::{Msprt, MsprtLook, MsprtMonitor, Tally};

/// One look of a [`MonitoringReport`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    /// trials.
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
        let msprt = self.monitor.update(control, treatment)?;
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
                "the always-valid p-value {:.4} is below α = {alpha}: {} and {} differ, and you may stop now",
                last.msprt.p_value, self.treatment, self.control
            )
        } else {
            format!(
                "the always-valid p-value {:.4} is above α = {alpha}: keep collecting (peeking at it is safe)",
                last.msprt.p_value
            )
        };
        format!(
            "After {} looks {decision}. {} beats {} with {} probability; the difference is in [{:+.3}, {:+.3}] points (always-valid {:.0}% confidence sequence).",
            self.looks.len(),
            self.treatment,
            self.control,
            prob_words(last.prob_beats_control),
            100.0 * cs.lower,
            100.0 * cs.upper,
            100.0 * (1.0 - alpha)
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
                format!("{:+.3} pp", 100.0 * l.msprt.difference),
                format!("{:.4}", l.prob_beats_control),
                format!("{:.4}", l.msprt.p_value),
                format!("{:+.3} – {:+.3} pp", 100.0 * cs.lower, 100.0 * cs.upper),
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
