//! [`Slots`]: a slot scheme in a time zone, and the bucketing of instants,
//! events and posts into its slots.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Offset, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::offsets::{Segment, UtcOffsets, tz_offset};
use super::slot::{
    MINUTES_PER_DAY, MINUTES_PER_WEEK, SlotLabel, SlotScheme, UNASSIGNED, week_table,
};
use super::table::{SlotBucket, SlotCounts};
use crate::report::format::number;
use crate::{Counts, Error, Experiment, Result};

/// Minutes from Monday 00:00 to the Unix epoch (a Thursday).
const EPOCH_MINUTE_OF_WEEK: i64 = 3 * MINUTES_PER_DAY as i64;

/// A slot scheme in an IANA time zone: which local-time slot every instant
/// falls in, correct across daylight-saving changes.
///
/// An instant's slot is found from its local wall-clock time: the UTC
/// offset in force at that instant (from the time-zone database) is added
/// and the minute of the local week is looked up in a table built once from
/// the [`SlotScheme`].
///
/// # Daylight saving: 23- and 25-hour days
///
/// Slots are wall-clock slots, so DST changes alter how much real time a
/// slot gets on the day of the change:
///
/// * **Spring forward** (Europe/London, last Sunday of March: 01:00 GMT
///   becomes 02:00 BST; America/Los_Angeles, second Sunday of March: 02:00
///   PST becomes 03:00 PDT): the local hour that is skipped does not occur,
///   the day lasts 23 hours and that hour's slot gets **no exposure** that
///   day. No instant maps to it.
/// * **Fall back** (London, last Sunday of October: 02:00 BST becomes 01:00
///   GMT; Los Angeles, first Sunday of November: 02:00 PDT becomes 01:00
///   PST): the repeated local hour (01:00-02:00 in both zones) occurs twice,
///   the day lasts 25 hours and that slot gets **two real hours** of
///   exposure. Instants in both occurrences map to the same slot.
///
/// "Exposure" of a slot over a period is the real (UTC) time during which
/// the local clock showed that slot, from [`Slots::exposure`]. When a slot's
/// outcome is a count per unit of time (posts made, impressions per hour),
/// divide by exposure, not by the number of days. Rates per impression
/// (clicks / impressions) need no such correction: the impressions already
/// measure exposure.
///
/// # Example
///
/// ```
/// use postab::chrono_tz::Europe::London;
/// use postab::schedule::{SlotLabel, Slots};
///
/// let slots = Slots::hour_of_day(London);
/// // 07:30 UTC is 08:30 in London in July (BST) and 07:30 in January (GMT).
/// assert_eq!(slots.slot_of("2026-07-01T07:30:00Z".parse()?), Some(&SlotLabel::Hour(8)));
/// assert_eq!(slots.slot_of("2026-01-15T07:30:00Z".parse()?), Some(&SlotLabel::Hour(7)));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "SlotsRepr", into = "SlotsRepr")]
pub struct Slots {
    tz: Tz,
    scheme: SlotScheme,
    labels: Vec<SlotLabel>,
    /// The slot index of each minute of the local week (`UNASSIGNED` if none).
    table: Vec<u16>,
    /// For each minute of the week, how many minutes (at most a week) until
    /// the table value changes.
    runs: Vec<u32>,
}

/// The serialised form of [`Slots`]: the zone and the scheme.
#[derive(Clone, Serialize, Deserialize)]
struct SlotsRepr {
    tz: Tz,
    scheme: SlotScheme,
}

impl TryFrom<SlotsRepr> for Slots {
    type Error = crate::Error;

    fn try_from(r: SlotsRepr) -> Result<Self> {
        Slots::new(r.tz, r.scheme)
    }
}

impl From<Slots> for SlotsRepr {
    fn from(s: Slots) -> Self {
        SlotsRepr {
            tz: s.tz,
            scheme: s.scheme,
        }
    }
}

/// Real (UTC) time spent in each slot over a period: see [`Slots::exposure`].
///
/// Reading from serde checks that no duration is negative and that no slot
/// is listed twice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ExposureRepr")]
pub struct Exposure {
    /// Seconds of real time per slot (every slot of the scheme is listed;
    /// serialised as a list of `[label, seconds]` pairs).
    #[serde(with = "super::slot::label_pairs")]
    pub seconds: BTreeMap<SlotLabel, i64>,
    /// Seconds outside every slot (only user-defined windows leave gaps).
    pub unassigned_seconds: i64,
}

#[derive(Deserialize)]
struct ExposureRepr {
    #[serde(with = "super::slot::label_pairs")]
    seconds: BTreeMap<SlotLabel, i64>,
    unassigned_seconds: i64,
}

impl TryFrom<ExposureRepr> for Exposure {
    type Error = crate::Error;

    fn try_from(r: ExposureRepr) -> Result<Self> {
        for (&s, name) in r
            .seconds
            .values()
            .map(|s| (s, "slot exposure (seconds)"))
            .chain([(&r.unassigned_seconds, "unassigned exposure (seconds)")])
        {
            if s < 0 {
                return Err(crate::Error::InvalidParameter {
                    name,
                    value: s as f64,
                    expected: "a duration ≥ 0",
                });
            }
        }
        Ok(Exposure {
            seconds: r.seconds,
            unassigned_seconds: r.unassigned_seconds,
        })
    }
}

/// `25.00 hours over 24 slots, 0 hours unassigned`: the real time in
/// slots and outside them (4 significant digits, or the formatter's
/// precision).
impl fmt::Display for Exposure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let p = f.precision();
        let total: i128 = self.seconds.values().map(|&s| i128::from(s)).sum();
        write!(
            f,
            "{} hours over {} slots, {} hours unassigned",
            number(total as f64 / 3600.0, p),
            self.seconds.len(),
            number(self.unassigned_seconds as f64 / 3600.0, p)
        )
    }
}

/// `hour of day in Europe/London`: the scheme and the zone.
impl fmt::Display for Slots {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} in {}", self.scheme, self.tz)
    }
}

impl Exposure {
    /// Hours of real time the slot got (0 for a label not in the scheme).
    pub fn hours(&self, label: &SlotLabel) -> f64 {
        self.seconds.get(label).map_or(0.0, |&s| s as f64 / 3600.0)
    }
}

impl Slots {
    /// Slots of `scheme` in time zone `tz`.
    ///
    /// # Errors
    ///
    /// For [`SlotScheme::Windows`]: [`Error::OverlappingWindows`](crate::Error::OverlappingWindows)
    /// naming both windows and a minute they share, or
    /// [`Error::InvalidSlotWindow`](crate::Error::InvalidSlotWindow) for two
    /// windows with the same name. Other schemes never fail.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::chrono_tz::America::Los_Angeles;
    /// use postab::schedule::{SlotScheme, Slots, Window};
    /// use postab::Error;
    ///
    /// let w = |name, from, to| Window::new(name, from, to);
    /// let ok = Slots::new(Los_Angeles, SlotScheme::Windows(vec![w("am", "06:00", "10:00")?, w("pm", "17:00", "21:00")?]))?;
    /// assert_eq!(ok.labels().len(), 2);
    /// let overlap = Slots::new(Los_Angeles, SlotScheme::Windows(vec![w("am", "06:00", "10:00")?, w("brunch", "09:30", "12:00")?]));
    /// assert!(matches!(overlap, Err(Error::OverlappingWindows { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(tz: Tz, scheme: SlotScheme) -> Result<Self> {
        let (labels, table) = week_table(&scheme)?;
        Ok(Self::assemble(tz, scheme, labels, table))
    }

    /// One slot per local hour of the day (24 slots).
    pub fn hour_of_day(tz: Tz) -> Self {
        Self::fixed(tz, SlotScheme::HourOfDay)
    }

    /// One slot per local weekday (7 slots).
    pub fn weekday(tz: Tz) -> Self {
        Self::fixed(tz, SlotScheme::Weekday)
    }

    /// One slot per local hour of each weekday (168 slots).
    pub fn hour_of_week(tz: Tz) -> Self {
        Self::fixed(tz, SlotScheme::HourOfWeek)
    }

    /// A scheme that cannot fail (no windows).
    fn fixed(tz: Tz, scheme: SlotScheme) -> Self {
        match week_table(&scheme) {
            Ok((labels, table)) => Self::assemble(tz, scheme, labels, table),
            // Unreachable for window-free schemes; degrade to "no slots".
            Err(_) => Self::assemble(tz, scheme, Vec::new(), vec![UNASSIGNED; MINUTES_PER_WEEK]),
        }
    }

    fn assemble(tz: Tz, scheme: SlotScheme, labels: Vec<SlotLabel>, table: Vec<u16>) -> Self {
        let mut runs = vec![MINUTES_PER_WEEK as u32; MINUTES_PER_WEEK];
        // Walk backwards twice around the week so runs wrap past Sunday.
        let mut run = 0u32;
        for i in (0..2 * MINUTES_PER_WEEK).rev() {
            let m = i % MINUTES_PER_WEEK;
            let next = (m + 1) % MINUTES_PER_WEEK;
            run = if table[m] == table[next] {
                (run + 1).min(MINUTES_PER_WEEK as u32)
            } else {
                1
            };
            runs[m] = run;
        }
        Slots {
            tz,
            scheme,
            labels,
            table,
            runs,
        }
    }

    /// The time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// The slot scheme.
    pub fn scheme(&self) -> &SlotScheme {
        &self.scheme
    }

    /// The slot labels; a slot's index is its position here.
    pub fn labels(&self) -> &[SlotLabel] {
        &self.labels
    }

    /// The same scheme in another time zone (for comparing audiences).
    pub fn in_zone(&self, tz: Tz) -> Self {
        Slots { tz, ..self.clone() }
    }

    /// The index (into [`Slots::labels`]) of the slot holding `at`, or
    /// `None` if `at` is outside every window. One time-zone lookup; to
    /// bucket many instants use [`Slots::bucketer`].
    pub fn index_of(&self, at: DateTime<Utc>) -> Option<usize> {
        let t = at.timestamp();
        self.index_with_offset(t, tz_offset(self.tz, t))
    }

    /// The slot holding `at` (see [`Slots::index_of`]).
    pub fn slot_of(&self, at: DateTime<Utc>) -> Option<&SlotLabel> {
        self.index_of(at).and_then(|i| self.labels.get(i))
    }

    /// The local wall-clock time of `at` in the slots' zone.
    ///
    /// # Errors
    ///
    /// [`Error::LocalTimeOutOfRange`](crate::Error::LocalTimeOutOfRange) when
    /// the local date is not representable (within a day of
    /// `DateTime::<Utc>::MIN_UTC` or `MAX_UTC`); the returned value's
    /// `naive_local()` never panics.
    pub fn local_time(&self, at: DateTime<Utc>) -> Result<DateTime<Tz>> {
        let local = at.with_timezone(&self.tz);
        match at.naive_utc().checked_add_offset(local.offset().fix()) {
            Some(_) => Ok(local),
            None => Err(crate::Error::LocalTimeOutOfRange {
                at,
                zone: self.tz.name().to_string(),
            }),
        }
    }

    /// The minute of the local week (0 = Monday 00:00) of UTC second `t`.
    #[inline]
    fn minute_of_week(t: i64, offset: i64) -> usize {
        let local_minute = (t + offset).div_euclid(60);
        (local_minute + EPOCH_MINUTE_OF_WEEK).rem_euclid(MINUTES_PER_WEEK as i64) as usize
    }

    /// The raw table value (slot index or `UNASSIGNED`) of UTC second `t`.
    #[inline]
    pub(crate) fn raw_index(&self, t: i64, offset: i64) -> u16 {
        self.table
            .get(Self::minute_of_week(t, offset))
            .copied()
            .unwrap_or(UNASSIGNED)
    }

    fn index_with_offset(&self, t: i64, offset: i64) -> Option<usize> {
        match self.raw_index(t, offset) {
            UNASSIGNED => None,
            i => Some(usize::from(i)),
        }
    }

    /// A fast bucketer for instants in `[from, to)`: the zone's offsets over
    /// that range are computed once (see [`UtcOffsets`]); instants outside
    /// the range are still bucketed correctly, by a time-zone lookup each.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`](crate::Error::InvalidTimeWindow) if
    /// `from` is after `to`.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::chrono_tz::America::Los_Angeles;
    /// use postab::schedule::Slots;
    ///
    /// let slots = Slots::hour_of_day(Los_Angeles);
    /// let bucketer = slots.bucketer("2026-01-01T00:00:00Z".parse()?, "2027-01-01T00:00:00Z".parse()?)?;
    /// // Unix seconds, sorted (any order works; sorted is fastest).
    /// let times = [1_767_225_600_i64, 1_767_229_200, 1_767_232_800];
    /// let hist = bucketer.histogram(&times);
    /// assert_eq!(hist.per_slot[16], 1); // 2026-01-01T00:00Z is 16:00 PST on New Year's Eve
    /// assert_eq!(hist.per_slot.iter().sum::<u64>(), 3);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bucketer(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Bucketer<'_>> {
        Ok(Bucketer {
            slots: self,
            offsets: UtcOffsets::new(self.tz, from, to)?,
        })
    }

    /// Real (UTC) time the local clock spent in each slot during
    /// `[from, to)`: the exposure of each slot (see the type docs for DST
    /// days).
    ///
    /// Any range of `DateTime<Utc>` is accepted; whole weeks between offset
    /// changes are added at once, so the cost grows with the number of
    /// offset changes (none outside 1800–2100, see [`UtcOffsets`]), not with
    /// the span.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`](crate::Error::InvalidTimeWindow) if
    /// `from` is after `to`.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::chrono_tz::Europe::London;
    /// use postab::schedule::{SlotLabel, Slots};
    ///
    /// let slots = Slots::hour_of_day(London);
    /// // 25 October 2026: clocks go back, local 01:00-02:00 happens twice.
    /// let day = slots.exposure("2026-10-24T23:00:00Z".parse()?, "2026-10-26T00:00:00Z".parse()?)?;
    /// assert_eq!(day.hours(&SlotLabel::Hour(1)), 2.0);
    /// assert_eq!(day.seconds.values().sum::<i64>(), 25 * 3600);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn exposure(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Exposure> {
        let offsets = UtcOffsets::new(self.tz, from, to)?;
        let mut per_slot = vec![0i64; self.labels.len()];
        let mut unassigned = 0i64;
        // Seconds per week of each slot: any whole week of constant offset
        // gives exactly this, so long spans cost nothing per week.
        let mut weekly = vec![0i64; self.labels.len()];
        let mut weekly_unassigned = 0i64;
        for &i in &self.table {
            match weekly.get_mut(usize::from(i)) {
                Some(s) => *s += 60,
                None => weekly_unassigned += 60,
            }
        }
        const WEEK_SECONDS: i64 = 60 * MINUTES_PER_WEEK as i64;
        let (mut t, end) = (from.timestamp(), to.timestamp());
        while t < end {
            let seg = offsets.segment(t);
            let weeks = (seg.hi.min(end) - t) / WEEK_SECONDS;
            if weeks > 0 {
                for (s, w) in per_slot.iter_mut().zip(&weekly) {
                    *s += weeks * w;
                }
                unassigned += weeks * weekly_unassigned;
                t += weeks * WEEK_SECONDS;
                continue;
            }
            let local = t + seg.offset;
            let m = Self::minute_of_week(t, seg.offset);
            let run = i64::from(self.runs.get(m).copied().unwrap_or(1));
            // Local instant at which the slot changes, back in UTC.
            let change = local.div_euclid(60) * 60 + run * 60 - seg.offset;
            let stop = change.min(seg.hi).min(end).max(t + 1);
            match self.table.get(m).copied().unwrap_or(UNASSIGNED) {
                UNASSIGNED => unassigned += stop - t,
                i => {
                    if let Some(s) = per_slot.get_mut(usize::from(i)) {
                        *s += stop - t;
                    }
                }
            }
            t = stop;
        }
        Ok(Exposure {
            seconds: self.labels.iter().cloned().zip(per_slot).collect(),
            unassigned_seconds: unassigned,
        })
    }

    /// Buckets posts by the slot of their posting time, summing their
    /// counts; each post's counts are also kept, so slots can be compared
    /// with posts as the unit of analysis (see [`SlotCounts`]).
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`](crate::Error::CountOverflow) naming the slot
    /// if a sum exceeds `u64::MAX` or a post's counts are overflowed.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::chrono_tz::Europe::London;
    /// use postab::schedule::{SlotLabel, Slots};
    /// use postab::counts;
    ///
    /// let slots = Slots::hour_of_day(London);
    /// let posts = [
    ///     ("2026-06-01T07:05:00Z".parse()?, counts! { impressions: 1000, clicks: 30 }),
    ///     ("2026-06-02T07:10:00Z".parse()?, counts! { impressions: 800, clicks: 20 }),
    ///     ("2026-06-02T16:00:00Z".parse()?, counts! { impressions: 900, clicks: 9 }),
    /// ];
    /// let table = slots.bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
    /// assert_eq!(table.counts(&SlotLabel::Hour(8)).map(|c| c.clicks()), Some(50));
    /// assert_eq!(table.posts(&SlotLabel::Hour(17)).len(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bucket_posts<'c, I>(&self, posts: I) -> Result<SlotCounts>
    where
        I: IntoIterator<Item = (DateTime<Utc>, &'c Counts)>,
    {
        let mut buckets = vec![SlotBucket::default(); self.labels.len()];
        let mut unassigned = SlotBucket::default();
        for (at, counts) in posts {
            let bucket = match self.index_of(at) {
                Some(i) => buckets.get_mut(i).unwrap_or(&mut unassigned),
                None => &mut unassigned,
            };
            bucket.add_post(counts);
        }
        SlotCounts::assemble(self, buckets, unassigned)
    }

    /// Buckets the posts of an experiment (of one variant, or of all when
    /// `variant` is `None`) by the slot of their **publication time**,
    /// each post with all its data: its counts plus every event recorded
    /// for it, whenever that event happened. A click that arrives 100
    /// minutes after an 08:00 post counts for the 08:00 slot: the slot is
    /// a property of the post, not of its events.
    ///
    /// (To see *when* events happen, e.g. when the audience is active,
    /// histogram their times with [`Bucketer::histogram`]; that describes
    /// activity and is not a comparison of posting slots.)
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`](crate::Error::UnknownVariant) for an
    /// unknown `variant`; [`Error::MissingPublicationTime`](crate::Error::MissingPublicationTime)
    /// naming a post without a publication time; the errors of
    /// [`Experiment::post_counts`](crate::Experiment::post_counts) and of
    /// [`Slots::bucket_posts`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::chrono_tz::Europe::London;
    /// use postab::schedule::{SlotLabel, Slots};
    /// use postab::{counts, Experiment, Outcome, Post};
    ///
    /// let mut exp = Experiment::builder("cta").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_post(Post::new("p1", "a")?.published_at("2026-01-12T08:00:00Z".parse()?))?;
    /// exp.record_post_n("p1", Outcome::Impression, "2026-01-12T08:05:00Z".parse()?, 1_000)?;
    /// // Clicks 100 minutes later still belong to the 08:00 post.
    /// exp.record_post_n("p1", Outcome::Click, "2026-01-12T09:40:00Z".parse()?, 35)?;
    /// let table = Slots::hour_of_day(London).bucket_experiment(&exp, None)?;
    /// assert_eq!(table.counts(&SlotLabel::Hour(8)).map(|c| c.clicks()), Some(35));
    /// assert_eq!(table.counts(&SlotLabel::Hour(9)).map(|c| c.clicks()), Some(0));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn bucket_experiment(
        &self,
        experiment: &Experiment,
        variant: Option<&str>,
    ) -> Result<SlotCounts> {
        if let Some(id) = variant
            && experiment.variant(id).is_none()
        {
            return Err(Error::UnknownVariant { id: id.to_string() });
        }
        let mut posts = Vec::new();
        for p in experiment.posts() {
            if variant.is_some_and(|v| v != p.variant()) {
                continue;
            }
            let at = p
                .publication_time()
                .ok_or_else(|| Error::MissingPublicationTime {
                    post: p.id().to_string(),
                })?;
            posts.push((at, experiment.post_counts(p.id())?));
        }
        self.bucket_posts(posts.iter().map(|(at, c)| (*at, c)))
    }
}

/// Buckets many instants quickly: [`Slots`] plus the zone's precomputed
/// [`UtcOffsets`] over a range. Made by [`Slots::bucketer`].
#[derive(Debug, Clone)]
pub struct Bucketer<'s> {
    slots: &'s Slots,
    offsets: UtcOffsets,
}

/// A histogram of instants over slots: see [`Bucketer::histogram`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlotHistogram {
    /// Count per slot, indexed like [`Slots::labels`].
    pub per_slot: Vec<u64>,
    /// Instants outside every window.
    pub unassigned: u64,
}

/// `1200 instants in 24 slots, 3 unassigned`: a one-line summary.
impl fmt::Display for SlotHistogram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let total = self
            .per_slot
            .iter()
            .fold(self.unassigned, |a, &n| a.saturating_add(n));
        write!(
            f,
            "{total} instants in {} slots, {} unassigned",
            self.per_slot.len(),
            self.unassigned
        )
    }
}

/// `hour of day in Europe/London, offsets from 2026-01-01 00:00 UTC to
/// 2027-01-01 00:00 UTC`: the slots and the precomputed range.
impl fmt::Display for Bucketer<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}, offsets from {} to {}",
            self.slots,
            self.offsets.from().format("%Y-%m-%d %H:%M UTC"),
            self.offsets.to().format("%Y-%m-%d %H:%M UTC")
        )
    }
}

/// Walks the offset segments; sorted input moves forward one segment at a
/// time, anything else falls back to a binary search.
pub(crate) struct Cursor<'b> {
    bucketer: &'b Bucketer<'b>,
    seg: Segment,
}

impl Cursor<'_> {
    #[inline]
    pub(crate) fn raw_index(&mut self, t: i64) -> u16 {
        if t < self.seg.lo || t >= self.seg.hi {
            self.seg = self.bucketer.offsets.segment(t);
        }
        self.bucketer.slots.raw_index(t, self.seg.offset)
    }
}

impl<'s> Bucketer<'s> {
    /// The slots being bucketed into.
    pub fn slots(&self) -> &'s Slots {
        self.slots
    }

    /// The precomputed offsets.
    pub fn offsets(&self) -> &UtcOffsets {
        &self.offsets
    }

    pub(crate) fn cursor(&self) -> Cursor<'_> {
        Cursor {
            bucketer: self,
            seg: self.offsets.segment(self.offsets.from().timestamp()),
        }
    }

    /// The slot index of `at` (`None`: outside every window).
    pub fn index_of(&self, at: DateTime<Utc>) -> Option<usize> {
        let t = at.timestamp();
        self.slots
            .index_with_offset(t, self.offsets.segment(t).offset)
    }

    /// Counts Unix-second instants per slot. Any order is correct; sorted
    /// input is fastest (one step per offset change instead of a search).
    pub fn histogram(&self, unix_seconds: &[i64]) -> SlotHistogram {
        let mut counts = vec![0u64; self.slots.labels.len() + 1];
        let last = counts.len() - 1;
        let mut cursor = self.cursor();
        for &t in unix_seconds {
            let i = usize::from(cursor.raw_index(t)).min(last);
            counts[i] += 1;
        }
        let unassigned = counts.pop().unwrap_or(0);
        SlotHistogram {
            per_slot: counts,
            unassigned,
        }
    }

    /// Counts instants per slot (see [`Bucketer::histogram`]).
    pub fn histogram_times(&self, times: &[DateTime<Utc>]) -> SlotHistogram {
        let mut counts = vec![0u64; self.slots.labels.len() + 1];
        let last = counts.len() - 1;
        let mut cursor = self.cursor();
        for t in times {
            let i = usize::from(cursor.raw_index(t.timestamp())).min(last);
            counts[i] += 1;
        }
        let unassigned = counts.pop().unwrap_or(0);
        SlotHistogram {
            per_slot: counts,
            unassigned,
        }
    }
}
