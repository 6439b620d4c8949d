//! The report of a posting-slot comparison.

use std::collections::HashSet;
use std::fmt;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::format::{Table, fixed, percent, prob_words, significant};
use super::{Body, Document, Render};
use crate::bayes::BetaPrior;
use crate::error::{Error, Result};
use crate::metric::Metric;
use crate::schedule::{SlotCounts, SlotLabel, SlotRate, SlotScheme, SlotVsControl, Slots};
use crate::validate::read;

/// Posting slots compared on a rate metric: each slot's rate, `P(best)`
/// and, with a control slot, each slot against it. Built from
/// [`SlotCounts`] by [`SlotReport::new`].
///
/// # Example
/// ```
/// use postab::chrono_tz::Europe::London;
/// use postab::bayes::BetaPrior;
/// use postab::report::{Render, SlotReport};
/// use postab::schedule::{SlotLabel, Slots};
/// use postab::{counts, Metric};
///
/// let posts = [
///     ("2026-01-05T08:00:00Z".parse()?, counts! { impressions: 4000, clicks: 130 }),
///     ("2026-01-05T19:00:00Z".parse()?, counts! { impressions: 4000, clicks: 80 }),
/// ];
/// let table = Slots::hour_of_day(London).bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
/// let report = SlotReport::new(&table, &Metric::click_through(), &BetaPrior::uniform(), Some(&SlotLabel::Hour(19)))?;
/// assert!(report.markdown().contains("08:00-09:00 is the best slot"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
///
/// Reading from serde checks what [`SlotReport::new`] guarantees: a valid
/// scheme, rates of distinct slots of the scheme with trials, `P(best)`
/// over exactly those slots summing to 1 (within 1e-9), and comparisons
/// (each checked as [`SlotVsControl`]) only with a control slot of the
/// scheme, of slots with data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SlotReportRepr")]
#[non_exhaustive]
pub struct SlotReport {
    /// Metric name.
    pub metric: String,
    /// The audience's time zone the slots are in.
    pub tz: Tz,
    /// The slot scheme.
    pub scheme: SlotScheme,
    /// Prior of every slot's rate.
    pub prior: BetaPrior,
    /// The counts and rate of every slot with at least one trial, in label
    /// order.
    pub rates: Vec<SlotRate>,
    /// `P(slot is best)` over the slots with data, in label order.
    pub prob_best: Vec<(SlotLabel, f64)>,
    /// The control slot, if one was chosen.
    pub control: Option<SlotLabel>,
    /// Every other slot with data against the control (empty without a
    /// control).
    pub vs_control: Vec<SlotVsControl>,
}

#[derive(Deserialize)]
struct SlotReportRepr {
    metric: String,
    tz: Tz,
    scheme: SlotScheme,
    prior: BetaPrior,
    rates: Vec<SlotRate>,
    prob_best: Vec<(SlotLabel, f64)>,
    control: Option<SlotLabel>,
    vs_control: Vec<SlotVsControl>,
}

impl TryFrom<SlotReportRepr> for SlotReport {
    type Error = Error;

    fn try_from(r: SlotReportRepr) -> Result<Self> {
        let report = SlotReport {
            metric: r.metric,
            tz: r.tz,
            scheme: r.scheme,
            prior: r.prior,
            rates: r.rates,
            prob_best: r.prob_best,
            control: r.control,
            vs_control: r.vs_control,
        };
        report.check()?;
        Ok(report)
    }
}

impl SlotReport {
    fn check(&self) -> Result<()> {
        let slots = Slots::new(self.tz, self.scheme.clone())?;
        let in_scheme = |l: &SlotLabel| -> Result<()> {
            if slots.labels().contains(l) {
                Ok(())
            } else {
                Err(Error::UnknownSlot {
                    label: l.to_string(),
                })
            }
        };
        let mut with_data = HashSet::with_capacity(self.rates.len());
        for r in &self.rates {
            in_scheme(&r.label)?;
            if r.trials == 0 {
                return Err(Error::ZeroTraffic {
                    variant: r.label.to_string(),
                });
            }
            if !with_data.insert(&r.label) {
                return Err(read::inconsistent(
                    "slot report",
                    format!("slot {:?} has two rates", r.label.to_string()),
                ));
            }
        }
        let ranked: HashSet<&SlotLabel> = self.prob_best.iter().map(|(l, _)| l).collect();
        if ranked != with_data || ranked.len() != self.prob_best.len() {
            return Err(read::inconsistent(
                "slot report",
                "P(best) must cover each slot with data once",
            ));
        }
        if !self.prob_best.is_empty() {
            read::distribution("slot P(best)", self.prob_best.iter().map(|(_, p)| *p))?;
        }
        match &self.control {
            None if !self.vs_control.is_empty() => {
                return Err(read::inconsistent(
                    "slot report",
                    "comparisons with a control, but no control",
                ));
            }
            None => {}
            Some(control) => {
                in_scheme(control)?;
                for c in &self.vs_control {
                    if &c.control != control || !with_data.contains(&c.label) {
                        return Err(read::inconsistent(
                            "slot report",
                            format!(
                                "comparison of {:?} with {:?} does not belong to this report",
                                c.label.to_string(),
                                c.control.to_string()
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// Compares the slots of `table` on `metric` under `prior`, against
    /// `control` if given.
    ///
    /// # Errors
    /// As [`SlotCounts::rates`], [`SlotCounts::prob_best`] (fewer than 2
    /// slots with data) and [`SlotCounts::compare_to`] (unknown control).
    pub fn new(
        table: &SlotCounts,
        metric: &Metric,
        prior: &BetaPrior,
        control: Option<&SlotLabel>,
    ) -> Result<Self> {
        let rates: Vec<SlotRate> = table
            .rates(metric)?
            .into_iter()
            .filter(|r| r.trials > 0)
            .collect();
        let vs_control = match control {
            Some(c) => table
                .compare_to(c, metric, prior)?
                .into_iter()
                .filter(|v| rates.iter().any(|r| r.label == v.label))
                .collect(),
            None => Vec::new(),
        };
        Ok(Self {
            metric: metric.name().to_string(),
            tz: table.tz(),
            scheme: table.scheme().clone(),
            prior: *prior,
            rates,
            prob_best: table.prob_best(metric, prior)?,
            control: control.cloned(),
            vs_control,
        })
    }

    /// `P(best)` of a slot (`None` for a slot without data).
    pub fn prob_best_of(&self, label: &SlotLabel) -> Option<f64> {
        self.prob_best
            .iter()
            .find(|(l, _)| l == label)
            .map(|(_, p)| *p)
    }

    fn verdict(&self) -> String {
        let Some((best, p)) = self.prob_best.iter().max_by(|a, b| a.1.total_cmp(&b.1)) else {
            return "No slots with data.".into();
        };
        let mut out = format!(
            "{best} is the best slot for {} with {} probability",
            self.metric,
            prob_words(*p)
        );
        match (
            &self.control,
            self.vs_control.iter().find(|c| &c.label == best),
        ) {
            (Some(control), Some(c)) => out.push_str(&format!(
                "; it beats {control} with {} probability, and posting at {control} instead is expected to lose {} points of {}.",
                prob_words(c.prob_beats_control),
                significant(100.0 * c.expected_loss.choose_a, 2),
                self.metric
            )),
            (Some(control), None) => {
                out.push_str(&format!(" (it is the control slot, {control})."));
            }
            _ => out.push('.'),
        }
        out
    }

    fn table(&self) -> Table {
        let mut t = Table::new([
            "slot",
            "posts",
            "trials",
            "successes",
            "rate",
            "P(best)",
            "P(> control)",
        ]);
        for r in &self.rates {
            let vs = self.vs_control.iter().find(|c| c.label == r.label);
            let cmp = match (&self.control, vs) {
                (Some(c), _) if *c == r.label => "control".into(),
                (_, Some(v)) => fixed(v.prob_beats_control, 4),
                _ => "–".into(),
            };
            t.row(vec![
                r.label.to_string(),
                r.posts.to_string(),
                r.trials.to_string(),
                r.successes.to_string(),
                percent(r.rate, 3),
                self.prob_best_of(&r.label)
                    .map_or("–".into(), |p| fixed(p, 4)),
                cmp,
            ]);
        }
        t
    }

    fn title(&self) -> String {
        format!("{} by {} slot ({})", self.metric, self.scheme, self.tz)
    }
}

impl Render for SlotReport {
    fn text(&self) -> String {
        format!(
            "{}\n{}{}\n",
            self.title(),
            self.table().text(),
            self.verdict()
        )
    }

    fn markdown(&self) -> String {
        format!(
            "## {}\n\n{}\n\n{}",
            self.title(),
            self.verdict(),
            self.table().markdown()
        )
    }

    fn document(&self) -> Document {
        Document::new(Body::Slots(self.clone()))
    }
}

/// The terminal text of [`Render::text`].
impl fmt::Display for SlotReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.text())
    }
}
