//! [`SlotCounts`]: per-slot counts, and their analysis as variants.

use std::collections::{BTreeMap, HashMap};
use std::fmt;

use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::slot::{SlotLabel, SlotScheme};
use super::slots::Slots;
use crate::bayes::{BetaPosterior, BetaPrior, ExpectedLoss, expected_loss, prob_beats, prob_best};
use crate::counts::in_variant;
use crate::freq::Proportion;
use crate::metric::MetricData;
use crate::repeated::{RateComparison, naive_binomial_test, post_level_test, post_proportions};
use crate::report::format::{number, percent, probability};
use crate::validate::read;
use crate::{Counts, Error, Experiment, Metric, Post, Result};

/// One slot's data: summed counts, and each post's counts when bucketed
/// from posts.
///
/// Reading from serde checks that, when posts are listed, the summed
/// counts equal the sum of the posts' counts.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SlotBucketRepr")]
pub struct SlotBucket {
    counts: Counts,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    posts: Vec<Counts>,
}

#[derive(Deserialize)]
struct SlotBucketRepr {
    counts: Counts,
    #[serde(default)]
    posts: Vec<Counts>,
}

impl TryFrom<SlotBucketRepr> for SlotBucket {
    type Error = Error;

    fn try_from(r: SlotBucketRepr) -> Result<Self> {
        if !r.posts.is_empty() {
            let mut sum = Counts::new();
            for p in &r.posts {
                sum = sum.checked_add(p)?;
            }
            if sum != r.counts {
                return Err(read::inconsistent(
                    "slot bucket",
                    format!("counts {} differ from the sum of its posts {sum}", r.counts),
                ));
            }
        }
        Ok(SlotBucket {
            counts: r.counts,
            posts: r.posts,
        })
    }
}

impl SlotBucket {
    /// The summed counts.
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Each post's counts (empty when bucketed from events).
    pub fn posts(&self) -> &[Counts] {
        &self.posts
    }

    pub(crate) fn add_post(&mut self, counts: &Counts) {
        self.counts += counts;
        self.posts.push(counts.clone());
    }
}

/// `impressions=4000 clicks=130 from 2 posts`: the summed counts (as
/// [`Counts`]' `Display`) and, when bucketed from posts, how many.
impl fmt::Display for SlotBucket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.counts)?;
        match self.posts.len() {
            0 => Ok(()),
            1 => f.write_str(" from 1 post"),
            n => write!(f, " from {n} posts"),
        }
    }
}

/// Counts per posting slot, ready to analyse with slots as the variants.
///
/// Made by [`Slots::bucket_posts`] or [`Slots::bucket_experiment`], from
/// each post's publication time. Every slot
/// of the scheme is present (possibly empty); data outside every window is
/// kept apart in [`SlotCounts::unassigned`].
///
/// # Analysis
///
/// * [`SlotCounts::rates`] gives each slot's `(successes, trials)` for a rate
///   metric, [`SlotCounts::posteriors`] the Beta posteriors and
///   [`SlotCounts::prob_best`] `P(slot is best)`.
/// * [`SlotCounts::compare_to`] compares every slot with a chosen one:
///   exact `P(slot beats control)` and expected loss, the naive binomial
///   z-test, and (when both slots hold at least 2 posts) the post-level
///   test that treats posts, not impressions, as independent.
/// * [`SlotCounts::to_experiment`] turns slots into an [`Experiment`] whose
///   variant ids are the slot labels.
///
/// Reading from serde checks what bucketing guarantees: a valid scheme,
/// exactly the scheme's slots, exact (not overflowed) counts, and each
/// slot's counts equal to the sum of its posts' when posts are kept.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SlotCountsRepr")]
pub struct SlotCounts {
    tz: Tz,
    scheme: SlotScheme,
    #[serde(with = "super::slot::label_pairs")]
    slots: BTreeMap<SlotLabel, SlotBucket>,
    unassigned: SlotBucket,
}

#[derive(Deserialize)]
struct SlotCountsRepr {
    tz: Tz,
    scheme: SlotScheme,
    #[serde(with = "super::slot::label_pairs")]
    slots: BTreeMap<SlotLabel, SlotBucket>,
    unassigned: SlotBucket,
}

impl TryFrom<SlotCountsRepr> for SlotCounts {
    type Error = Error;

    fn try_from(r: SlotCountsRepr) -> Result<Self> {
        let slots = Slots::new(r.tz, r.scheme)?;
        if let Some(label) = r.slots.keys().find(|l| !slots.labels().contains(l)) {
            return Err(Error::UnknownSlot {
                label: label.to_string(),
            });
        }
        if let Some(label) = slots.labels().iter().find(|l| !r.slots.contains_key(l)) {
            return Err(read::inconsistent(
                "slot counts",
                format!("slot {label:?} of the scheme is missing"),
            ));
        }
        let buckets = slots
            .labels()
            .iter()
            .map(|l| r.slots.get(l).cloned().unwrap_or_default())
            .collect();
        SlotCounts::assemble(&slots, buckets, r.unassigned)
    }
}

/// `hour of day in Europe/London: 3 of 24 slots with data (3 posts);
/// unassigned: (none)`: a one-line summary (the scheme, the zone, how many
/// slots hold data and posts, and the unassigned data as a
/// [`SlotBucket`]).
impl fmt::Display for SlotCounts {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let with_data = self.slots.values().filter(|b| !b.counts.is_empty()).count();
        let posts: usize = self.slots.values().map(|b| b.posts.len()).sum();
        write!(
            f,
            "{} in {}: {} of {} slots with data ({} post{}); unassigned: {}",
            self.scheme,
            self.tz,
            with_data,
            self.slots.len(),
            posts,
            if posts == 1 { "" } else { "s" },
            self.unassigned
        )
    }
}

/// A slot's rate for a metric.
///
/// Reading from serde checks successes not above trials and a rate in
/// [0, 1] (NaN, written `"NaN"`, only with no trials).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SlotRateRepr")]
#[non_exhaustive]
pub struct SlotRate {
    /// The slot.
    pub label: SlotLabel,
    /// Summed numerator (e.g. clicks).
    pub successes: u64,
    /// Summed denominator (e.g. impressions).
    pub trials: u64,
    /// `successes / trials` (NaN with no trials; `"NaN"` in JSON).
    #[serde(with = "crate::serde_float")]
    pub rate: f64,
    /// Posts in the slot (0 when bucketed from events).
    pub posts: usize,
}

#[derive(Deserialize)]
struct SlotRateRepr {
    label: SlotLabel,
    successes: u64,
    trials: u64,
    #[serde(with = "crate::serde_float")]
    rate: f64,
    posts: usize,
}

impl TryFrom<SlotRateRepr> for SlotRate {
    type Error = Error;

    fn try_from(r: SlotRateRepr) -> Result<Self> {
        if r.successes > r.trials {
            return Err(Error::SuccessesExceedTrials {
                variant: r.label.to_string(),
                successes: r.successes,
                trials: r.trials,
            });
        }
        if !(r.trials == 0 && r.rate.is_nan()) {
            read::prob("slot rate", r.rate)?;
        }
        Ok(SlotRate {
            label: r.label,
            successes: r.successes,
            trials: r.trials,
            rate: r.rate,
            posts: r.posts,
        })
    }
}

/// `08:00-09:00: 130/4000 (3.250%), 1 post` (the post count left out when
/// bucketed from events; `n/a` for the rate of a slot without trials).
impl fmt::Display for SlotRate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}/{} ({})",
            self.label,
            self.successes,
            self.trials,
            percent(self.rate, 3)
        )?;
        match self.posts {
            0 => Ok(()),
            1 => f.write_str(", 1 post"),
            n => write!(f, ", {n} posts"),
        }
    }
}

/// One slot compared with the control slot.
///
/// Reading from serde checks a slot other than the control, `P(beats
/// control)` in [0, 1] and finite non-negative expected losses (and each
/// test as [`RateComparison`]).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "SlotVsControlRepr")]
#[non_exhaustive]
pub struct SlotVsControl {
    /// The slot.
    pub label: SlotLabel,
    /// The control slot.
    pub control: SlotLabel,
    /// `P(rate of this slot > rate of the control)`, exact, Beta posteriors.
    pub prob_beats_control: f64,
    /// Expected loss of choosing the control or this slot.
    pub expected_loss: ExpectedLoss,
    /// The binomial z-test (impressions as independent units); `None` if a
    /// slot has no trials.
    pub impression_level: Option<RateComparison>,
    /// The post-level test (posts as units); `None` unless both slots hold
    /// at least 2 posts with trials.
    pub post_level: Option<RateComparison>,
}

#[derive(Deserialize)]
struct SlotVsControlRepr {
    label: SlotLabel,
    control: SlotLabel,
    prob_beats_control: f64,
    expected_loss: ExpectedLoss,
    impression_level: Option<RateComparison>,
    post_level: Option<RateComparison>,
}

impl TryFrom<SlotVsControlRepr> for SlotVsControl {
    type Error = Error;

    fn try_from(r: SlotVsControlRepr) -> Result<Self> {
        if r.label == r.control {
            return Err(read::inconsistent(
                "slot comparison",
                format!("slot {:?} is compared with itself", r.label.to_string()),
            ));
        }
        read::prob("P(beats control)", r.prob_beats_control)?;
        read::non_negative("expected loss of the control", r.expected_loss.choose_a)?;
        read::non_negative("expected loss of the slot", r.expected_loss.choose_b)?;
        Ok(SlotVsControl {
            label: r.label,
            control: r.control,
            prob_beats_control: r.prob_beats_control,
            expected_loss: r.expected_loss,
            impression_level: r.impression_level,
            post_level: r.post_level,
        })
    }
}

/// `morning vs evening: P(beats control) = 1.0000, expected loss 1.926e-8
/// choosing this slot, 0.01379 choosing the control;
/// impression-level: …; post-level: …` (each test as [`RateComparison`]'s
/// `Display`, or `no … test`; 4 significant digits, or the formatter's
/// precision).
impl fmt::Display for SlotVsControl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        write!(
            f,
            "{} vs {}: P(beats control) = {}, expected loss {} choosing this slot, {} choosing the control",
            self.label,
            self.control,
            probability(self.prob_beats_control),
            number(self.expected_loss.choose_b, p),
            number(self.expected_loss.choose_a, p)
        )?;
        for (test, name) in [
            (&self.impression_level, "impression-level"),
            (&self.post_level, "post-level"),
        ] {
            f.write_str("; ")?;
            match test {
                Some(t) => fmt::Display::fmt(t, f)?,
                None => write!(f, "no {name} test")?,
            }
        }
        Ok(())
    }
}

impl SlotCounts {
    pub(crate) fn assemble(
        slots: &Slots,
        buckets: Vec<SlotBucket>,
        unassigned: SlotBucket,
    ) -> Result<Self> {
        let map: BTreeMap<SlotLabel, SlotBucket> =
            slots.labels().iter().cloned().zip(buckets).collect();
        for (label, bucket) in &map {
            bucket
                .counts
                .check_exact()
                .map_err(|e| in_variant(e, &label.to_string()))?;
        }
        unassigned
            .counts
            .check_exact()
            .map_err(|e| in_variant(e, "unassigned"))?;
        Ok(SlotCounts {
            tz: slots.tz(),
            scheme: slots.scheme().clone(),
            slots: map,
            unassigned,
        })
    }

    /// The time zone the slots are in.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The slot scheme.
    pub fn scheme(&self) -> &SlotScheme {
        &self.scheme
    }

    /// The counts of one slot (`None` for a label not in the scheme).
    pub fn counts(&self, label: &SlotLabel) -> Option<&Counts> {
        self.slots.get(label).map(SlotBucket::counts)
    }

    /// The posts of one slot (empty for an unknown label or event data).
    pub fn posts(&self, label: &SlotLabel) -> &[Counts] {
        self.slots.get(label).map_or(&[], SlotBucket::posts)
    }

    /// Every slot in label order.
    pub fn iter(&self) -> impl Iterator<Item = (&SlotLabel, &SlotBucket)> {
        self.slots.iter()
    }

    /// Data outside every window.
    pub fn unassigned(&self) -> &SlotBucket {
        &self.unassigned
    }

    fn bucket(&self, label: &SlotLabel) -> Result<&SlotBucket> {
        self.slots.get(label).ok_or_else(|| Error::UnknownSlot {
            label: label.to_string(),
        })
    }

    /// Each slot's `(successes, trials)` for a rate metric, in label order.
    ///
    /// # Errors
    ///
    /// As [`Metric::extract`] (naming the slot); [`Error::InvalidMetric`]
    /// for a count-per-exposure metric.
    pub fn rates(&self, metric: &Metric) -> Result<Vec<SlotRate>> {
        self.slots
            .iter()
            .map(|(label, bucket)| {
                let (successes, trials) = binomial(metric, label, &bucket.counts)?;
                Ok(SlotRate {
                    label: label.clone(),
                    successes,
                    trials,
                    rate: successes as f64 / trials as f64,
                    posts: bucket.posts.len(),
                })
            })
            .collect()
    }

    /// Each slot's Beta posterior for a rate metric under `prior`, in label
    /// order: pass the posteriors to a P(best) routine to rank slots.
    ///
    /// # Errors
    ///
    /// As [`SlotCounts::rates`].
    pub fn posteriors(
        &self,
        metric: &Metric,
        prior: &BetaPrior,
    ) -> Result<Vec<(SlotLabel, BetaPosterior)>> {
        self.rates(metric)?
            .into_iter()
            .map(|r| Ok((r.label, prior.update(r.successes, r.trials)?)))
            .collect()
    }

    /// `P(slot is best)` for a rate metric under `prior`, over the slots
    /// with at least one trial (slots without data are left out rather than
    /// ranked on their prior), computed exactly by [`crate::bayes::prob_best`].
    ///
    /// # Errors
    ///
    /// As [`SlotCounts::rates`]; [`Error::TooFewVariants`] if fewer than 2
    /// slots have data.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::chrono_tz::Europe::London;
    /// use postab::bayes::BetaPrior;
    /// use postab::schedule::{SlotLabel, Slots};
    /// use postab::{counts, Metric};
    ///
    /// let posts = [
    ///     ("2026-01-05T08:00:00Z".parse()?, counts! { impressions: 4000, clicks: 130 }),
    ///     ("2026-01-05T13:00:00Z".parse()?, counts! { impressions: 4000, clicks: 100 }),
    ///     ("2026-01-05T19:00:00Z".parse()?, counts! { impressions: 4000, clicks: 80 }),
    /// ];
    /// let table = Slots::hour_of_day(London).bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
    /// let best = table.prob_best(&Metric::click_through(), &BetaPrior::uniform())?;
    /// assert_eq!(best.len(), 3);
    /// assert_eq!(best[0].0, SlotLabel::Hour(8));
    /// assert!(best[0].1 > 0.9);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn prob_best(&self, metric: &Metric, prior: &BetaPrior) -> Result<Vec<(SlotLabel, f64)>> {
        let mut labels = Vec::new();
        let mut posteriors = Vec::new();
        for r in self.rates(metric)?.into_iter().filter(|r| r.trials > 0) {
            posteriors.push(prior.update(r.successes, r.trials)?);
            labels.push(r.label);
        }
        Ok(labels.into_iter().zip(prob_best(&posteriors)?).collect())
    }

    /// Compares every other slot with `control` for a rate metric.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownSlot`] if `control` is not a slot of the scheme; as
    /// [`SlotCounts::rates`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::chrono_tz::Europe::London;
    /// use postab::bayes::BetaPrior;
    /// use postab::schedule::{SlotLabel, SlotScheme, Slots, Window};
    /// use postab::{counts, Metric};
    ///
    /// let slots = Slots::new(London, SlotScheme::Windows(vec![
    ///     Window::new("morning", "07:00", "10:00")?,
    ///     Window::new("evening", "18:00", "21:00")?,
    /// ]))?;
    /// let posts = [
    ///     ("2026-01-05T08:00:00Z".parse()?, counts! { impressions: 2000, clicks: 60 }),
    ///     ("2026-01-06T08:00:00Z".parse()?, counts! { impressions: 2100, clicks: 66 }),
    ///     ("2026-01-05T19:00:00Z".parse()?, counts! { impressions: 1900, clicks: 30 }),
    ///     ("2026-01-06T19:00:00Z".parse()?, counts! { impressions: 2000, clicks: 36 }),
    /// ];
    /// let table = slots.bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
    /// let evening = SlotLabel::Window("evening".into());
    /// let cmp = table.compare_to(&evening, &Metric::click_through(), &BetaPrior::uniform())?;
    /// assert_eq!(cmp[0].label, SlotLabel::Window("morning".into()));
    /// assert!(cmp[0].prob_beats_control > 0.99);
    /// assert!(cmp[0].post_level.is_some());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn compare_to(
        &self,
        control: &SlotLabel,
        metric: &Metric,
        prior: &BetaPrior,
    ) -> Result<Vec<SlotVsControl>> {
        let base = self.bucket(control)?;
        let (cs, cn) = binomial(metric, control, &base.counts)?;
        let control_post = prior.update(cs, cn)?;
        let control_posts = post_counts(metric, control, &base.posts)?;
        let mut out = Vec::new();
        // Slots with the same (successes, trials) (above all the empty ones)
        // have the same posterior: each distinct one is compared once.
        let mut bayes: HashMap<(u64, u64), (f64, ExpectedLoss)> = HashMap::new();
        for (label, bucket) in self.slots.iter().filter(|(l, _)| *l != control) {
            let (s, n) = binomial(metric, label, &bucket.counts)?;
            let post = prior.update(s, n)?;
            let (prob_beats_control, loss) = *bayes.entry((s, n)).or_insert_with(|| {
                (
                    prob_beats(&control_post, &post).b_beats_a,
                    expected_loss(&control_post, &post),
                )
            });
            let posts = post_counts(metric, label, &bucket.posts)?;
            let has_trials = |c: &[Proportion]| c.iter().any(|p| p.trials() > 0);
            let impression_level = if cn > 0 && n > 0 {
                naive_binomial_test(&[Proportion::new(cs, cn)?], &[Proportion::new(s, n)?]).ok()
            } else {
                None
            };
            let post_level = if has_trials(&posts) && has_trials(&control_posts) {
                post_level_test(&control_posts, &posts).ok()
            } else {
                None
            };
            out.push(SlotVsControl {
                label: label.clone(),
                control: control.clone(),
                prob_beats_control,
                expected_loss: loss,
                impression_level,
                post_level,
            });
        }
        Ok(out)
    }

    /// An [`Experiment`] with one variant per slot (id = the slot label,
    /// e.g. `"08:00-09:00"`), `control` as the control and each slot's
    /// posts added as posts (ids `"08:00-09:00 #1"`, ...; a slot read from
    /// a document without its posts adds its total counts instead), so that
    /// the analysis takes the post as the unit. Slots without any counts
    /// are left out.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownSlot`] if `control` is not a slot or has no counts;
    /// the errors of [`crate::ExperimentBuilder::build`] (e.g. fewer than 2
    /// slots with data).
    pub fn to_experiment(
        &self,
        name: impl Into<String>,
        control: &SlotLabel,
        metric: Metric,
    ) -> Result<Experiment> {
        let used: Vec<(&SlotLabel, &SlotBucket)> = self
            .slots
            .iter()
            .filter(|(_, b)| !b.counts.is_empty())
            .collect();
        if !used.iter().any(|(l, _)| *l == control) {
            return Err(Error::UnknownSlot {
                label: control.to_string(),
            });
        }
        let mut builder = Experiment::builder(name)
            .control(control.to_string())
            .metric(metric);
        for (label, _) in &used {
            let id = label.to_string();
            builder = builder.variant(id.clone(), format!("posted {id} ({})", self.tz));
        }
        let mut exp = builder.build()?;
        for (label, bucket) in used {
            let id = label.to_string();
            if bucket.posts.is_empty() {
                exp.add_counts(&id, bucket.counts.clone())?;
            }
            for (j, counts) in bucket.posts.iter().enumerate() {
                exp.add_post(
                    Post::new(format!("{id} #{}", j + 1), &id)?.with_counts(counts.clone()),
                )?;
            }
        }
        Ok(exp)
    }
}

/// `(successes, trials)` of a rate metric (trials may be 0), naming the
/// slot in errors.
fn binomial(metric: &Metric, label: &SlotLabel, counts: &Counts) -> Result<(u64, u64)> {
    match metric.extract(&label.to_string(), counts)? {
        MetricData::Binomial { successes, trials } => Ok((successes, trials)),
        _ => Err(Error::InvalidMetric {
            name: metric.name().to_string(),
            reason: "slot comparison needs a rate (successes per trial), not a count per exposure"
                .to_string(),
        }),
    }
}

fn post_counts(metric: &Metric, label: &SlotLabel, posts: &[Counts]) -> Result<Vec<Proportion>> {
    post_proportions(metric, &label.to_string(), posts)
}
