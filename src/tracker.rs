//! Timestamped events in, per-variant [`Counts`] out; safe to share between threads.

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;
use std::sync::{Mutex, MutexGuard, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::counts::in_variant;
use crate::{Counts, Error, Outcome, Result};

/// One observation: `n` times `outcome` for variant `variant` at time `at`.
///
/// The variant id is a [`Cow`], so events built from `&str` ids cost no
/// allocation; `n` (the multiplicity) defaults to 1.
///
/// # Example
///
/// ```
/// use postab::{Event, Outcome};
///
/// let at = "2026-11-24T08:03:00Z".parse()?;
/// let e = Event::new("statement", Outcome::Like, at).times(3);
/// assert_eq!((e.variant(), e.multiplicity()), ("statement", 3));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event<'a> {
    #[serde(borrow)]
    variant: Cow<'a, str>,
    outcome: Outcome,
    at: DateTime<Utc>,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    n: u64,
}

fn one() -> u64 {
    1
}

fn is_one(n: &u64) -> bool {
    *n == 1
}

/// `statement: likes ×3 at 2026-11-24 08:03 UTC` (the variant, the
/// outcome, the multiplicity when it is not 1, and the time).
impl fmt::Display for Event<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.variant, self.outcome)?;
        if self.n != 1 {
            write!(f, " ×{}", self.n)?;
        }
        write!(f, " at {}", self.at.format("%Y-%m-%d %H:%M UTC"))
    }
}

impl<'a> Event<'a> {
    /// One occurrence of `outcome` for `variant` at `at`. Ids and outcomes
    /// are validated when the event is recorded.
    pub fn new(variant: impl Into<Cow<'a, str>>, outcome: Outcome, at: DateTime<Utc>) -> Self {
        Event {
            variant: variant.into(),
            outcome,
            at,
            n: 1,
        }
    }

    /// Sets the multiplicity: the event stands for `n` occurrences
    /// (0 records nothing).
    pub fn times(mut self, n: u64) -> Self {
        self.n = n;
        self
    }

    /// The variant id.
    pub fn variant(&self) -> &str {
        &self.variant
    }

    /// The outcome.
    pub fn outcome(&self) -> &Outcome {
        &self.outcome
    }

    /// When it happened.
    pub fn at(&self) -> DateTime<Utc> {
        self.at
    }

    /// How many occurrences the event stands for.
    pub fn multiplicity(&self) -> u64 {
        self.n
    }
}

/// Ingests events and keeps per-variant counts; share it between threads
/// with an [`Arc`](std::sync::Arc).
///
/// # Variant ids
///
/// A tracker made with [`Tracker::with_variants`] knows a fixed set of ids and
/// rejects any other with [`Error::UnknownVariant`]. A tracker made with
/// [`Tracker::new`] learns an id the first time an event for it is recorded.
/// Either way, asking for the counts of an id the tracker does not know is
/// [`Error::UnknownVariant`], and an empty id is [`Error::EmptyVariantId`].
///
/// # Design
///
/// The state is an `RwLock<HashMap<id, Mutex<log>>>`. Each variant's log
/// holds its running [`Counts`] (so [`Tracker::counts`] is a copy, not a
/// scan) and its timestamped events (for [`Tracker::counts_between`] and
/// serialisation). Recording takes the map's read lock and only the
/// variant's mutex, so threads writing different variants do not contend;
/// the write lock is taken only when an open tracker meets a new id.
///
/// [`Tracker::record_batch`] first aggregates the batch without any lock,
/// grouping events by id (consecutive events with the same id reuse the
/// previous lookup, so ids are neither hashed nor copied per event), then
/// locks each affected variant once, in id order (so concurrent batches
/// cannot deadlock), checks every total, and only then applies: a batch is
/// all-or-nothing.
///
/// Counts are checked: an event that would push a count past `u64::MAX` is
/// rejected with [`Error::CountOverflow`] and changes nothing. Events are
/// kept in memory (24 bytes each: time, outcome slot, multiplicity) for windowed queries; windowed queries
/// scan the variant's events.
///
/// A panic while a lock is held cannot leave a log half-updated (updates are
/// a checked total followed by a push), so poisoned locks are recovered.
///
/// # Serde
///
/// Serialises its events (not the derived totals):
/// `{"fixed": true, "events": {"a": [{"at": "...", "outcome": "clicks", "n": 2}]}}`
/// (`n` omitted when 1); reading rebuilds the totals, with the same
/// validation as recording. `PartialEq` compares this logical content,
/// ignoring the order in which events arrived.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use std::thread;
///
/// use postab::{Event, Outcome, Tracker};
///
/// let tracker = Arc::new(Tracker::with_variants(["question", "statement"])?);
/// let at = "2026-11-24T08:00:00Z".parse()?;
/// let handles: Vec<_> = ["question", "statement"]
///     .into_iter()
///     .map(|id| {
///         let tracker = Arc::clone(&tracker);
///         thread::spawn(move || {
///             tracker.record_batch((0..1000).map(|_| Event::new(id, Outcome::Impression, at)))?;
///             tracker.record(id, Outcome::Click, at)
///         })
///     })
///     .collect();
/// for h in handles {
///     h.join().expect("no panic")?;
/// }
/// assert_eq!(tracker.counts("question")?.impressions(), 1000);
/// assert_eq!(tracker.counts("statement")?.clicks(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Tracker {
    fixed: bool,
    logs: RwLock<HashMap<String, Mutex<VariantLog>>>,
}

/// One variant's running totals and events.
#[derive(Debug, Clone, Default)]
struct VariantLog {
    totals: Counts,
    /// The custom outcomes seen, by slot - `Outcome::BUILTIN_COUNT`.
    customs: Vec<Outcome>,
    events: Vec<StoredEvent>,
}

/// An event as stored under its variant: 24 bytes, the outcome as a slot
/// (a built-in kind's index, or `BUILTIN_COUNT` + an index into the log's
/// custom outcomes).
#[derive(Debug, Clone, Copy)]
struct StoredEvent {
    at: DateTime<Utc>,
    slot: u32,
    n: u64,
}

/// An event as serialised (and compared) under its variant.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
struct EventRecord {
    at: DateTime<Utc>,
    outcome: Outcome,
    #[serde(default = "one", skip_serializing_if = "is_one")]
    n: u64,
}

impl VariantLog {
    /// Adds one event (checked); `n == 0` only validates.
    fn push(&mut self, id: &str, outcome: Outcome, at: DateTime<Utc>, n: u64) -> Result<()> {
        self.totals
            .add_count(&outcome, n)
            .map_err(|e| in_variant(e, id))?;
        if n > 0 {
            let slot = self.slot(outcome);
            self.events.push(StoredEvent { at, slot, n });
        }
        Ok(())
    }

    /// The slot of `outcome`, registering a new custom outcome.
    fn slot(&mut self, outcome: Outcome) -> u32 {
        let index = outcome.builtin_index().unwrap_or_else(|| {
            let k = match self.customs.iter().position(|c| *c == outcome) {
                Some(k) => k,
                None => {
                    self.customs.push(outcome);
                    self.customs.len() - 1
                }
            };
            Outcome::BUILTIN_COUNT + k
        });
        // A log would need 4 billion distinct custom outcomes to exceed u32.
        u32::try_from(index).unwrap_or(u32::MAX)
    }

    /// The outcome stored in `slot`.
    fn outcome(&self, slot: u32) -> Option<Outcome> {
        let slot = slot as usize;
        match slot.checked_sub(Outcome::BUILTIN_COUNT) {
            None => Outcome::from_builtin_index(slot),
            Some(k) => self.customs.get(k).cloned(),
        }
    }

    /// Moves a committed batch's events in, renumbering its custom slots.
    fn absorb(&mut self, group: VariantLog) {
        let renumber: Vec<u32> = group.customs.into_iter().map(|c| self.slot(c)).collect();
        let mut events = group.events;
        let is_identity = renumber
            .iter()
            .enumerate()
            .all(|(k, &slot)| slot as usize == Outcome::BUILTIN_COUNT + k);
        if !is_identity {
            for e in &mut events {
                if let Some(k) = (e.slot as usize).checked_sub(Outcome::BUILTIN_COUNT) {
                    e.slot = renumber.get(k).copied().unwrap_or(e.slot);
                }
            }
        }
        if self.events.is_empty() {
            self.events = events; // no copy for a variant's first batch
        } else {
            self.events.append(&mut events);
        }
    }

    /// Counts of the events in `[from, to)`.
    fn counts_between(&self, id: &str, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Counts> {
        let mut by_slot = vec![0u64; Outcome::BUILTIN_COUNT + self.customs.len()];
        for e in self.events.iter().filter(|e| from <= e.at && e.at < to) {
            if let Some(sum) = by_slot.get_mut(e.slot as usize) {
                // Cannot overflow: a subset of events whose total is exact.
                *sum = sum.saturating_add(e.n);
            }
        }
        let mut counts = Counts::new();
        for (slot, n) in (0..).zip(by_slot) {
            if let Some(outcome) = self.outcome(slot) {
                counts
                    .add_count(&outcome, n)
                    .map_err(|err| in_variant(err, id))?;
            }
        }
        Ok(counts)
    }

    /// The events in serialisable form.
    fn records(&self) -> Vec<EventRecord> {
        self.events
            .iter()
            .filter_map(|e| {
                Some(EventRecord {
                    at: e.at,
                    outcome: self.outcome(e.slot)?,
                    n: e.n,
                })
            })
            .collect()
    }
}

/// The serialised form of a [`Tracker`].
#[derive(Debug, PartialEq, Serialize, Deserialize)]
struct TrackerState {
    fixed: bool,
    #[serde(deserialize_with = "crate::counts::unique_keys")]
    events: BTreeMap<String, Vec<EventRecord>>,
}

/// Up to this many distinct ids, a batch finds an id's group by a linear scan.
const LINEAR_SCAN_MAX: usize = 8;

/// A batch's events grouped by variant id, before any lock is taken.
#[derive(Default)]
struct Groups {
    groups: Vec<(String, VariantLog)>,
    /// id -> position in `groups`, used once there are many groups.
    index: HashMap<String, usize>,
    /// Position of the previous event's group.
    last: usize,
}

impl Groups {
    fn push(&mut self, event: Event<'_>) -> Result<()> {
        let i = self.position(&event.variant)?;
        let (id, log) = &mut self.groups[i];
        log.push(id, event.outcome, event.at, event.n)
    }

    /// Where the group for `id` is, adding it if new.
    fn position(&mut self, id: &str) -> Result<usize> {
        if let Some((last_id, _)) = self.groups.get(self.last)
            && last_id == id
        {
            return Ok(self.last);
        }
        let found = if self.groups.len() <= LINEAR_SCAN_MAX {
            self.groups.iter().position(|(g, _)| g == id)
        } else {
            self.index.get(id).copied()
        };
        let i = match found {
            Some(i) => i,
            None => {
                if id.is_empty() {
                    return Err(Error::EmptyVariantId);
                }
                self.index.insert(id.to_string(), self.groups.len());
                self.groups.push((id.to_string(), VariantLog::default()));
                self.groups.len() - 1
            }
        };
        self.last = i;
        Ok(i)
    }
}

fn lock(m: &Mutex<VariantLog>) -> MutexGuard<'_, VariantLog> {
    m.lock().unwrap_or_else(PoisonError::into_inner)
}

/// Merges `groups` (whose ids must all be in `logs`) atomically: every
/// affected log is locked in id order and every total checked before any
/// change is made.
fn commit(
    logs: &HashMap<String, Mutex<VariantLog>>,
    mut groups: Vec<(String, VariantLog)>,
) -> Result<()> {
    groups.sort_unstable_by(|a, b| a.0.cmp(&b.0));
    let mut staged = Vec::with_capacity(groups.len());
    for (id, group) in groups {
        let log = lock(
            logs.get(&id)
                .ok_or_else(|| Error::UnknownVariant { id: id.clone() })?,
        );
        let totals = log
            .totals
            .checked_add(&group.totals)
            .map_err(|e| in_variant(e, &id))?;
        staged.push((log, totals, group));
    }
    for (mut log, totals, group) in staged {
        log.totals = totals;
        log.absorb(group);
    }
    Ok(())
}

impl Default for Tracker {
    fn default() -> Self {
        Self::new()
    }
}

impl Tracker {
    /// An open tracker: it accepts any non-empty variant id and learns ids
    /// as events arrive.
    pub fn new() -> Self {
        Tracker {
            fixed: false,
            logs: RwLock::new(HashMap::new()),
        }
    }

    /// A tracker for exactly these variant ids; events for other ids are
    /// rejected.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyVariantId`] for an empty id, [`Error::DuplicateVariant`]
    /// for an id given twice.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Error, Outcome, Tracker};
    ///
    /// let t = Tracker::with_variants(["a", "b"])?;
    /// let at = "2026-11-24T08:00:00Z".parse().expect("valid time");
    /// assert_eq!(
    ///     t.record("c", Outcome::Click, at),
    ///     Err(Error::UnknownVariant { id: "c".into() })
    /// );
    /// assert!(matches!(Tracker::with_variants(["a", "a"]), Err(Error::DuplicateVariant { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn with_variants<I, S>(ids: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut logs = HashMap::new();
        for id in ids {
            let id = id.into();
            if id.is_empty() {
                return Err(Error::EmptyVariantId);
            }
            match logs.entry(id) {
                Entry::Occupied(e) => {
                    return Err(Error::DuplicateVariant {
                        id: e.key().clone(),
                    });
                }
                Entry::Vacant(v) => {
                    v.insert(Mutex::new(VariantLog::default()));
                }
            }
        }
        Ok(Tracker {
            fixed: true,
            logs: RwLock::new(logs),
        })
    }

    /// Whether the tracker has a fixed variant set (see [`Tracker::with_variants`]).
    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// The ids the tracker knows, sorted.
    pub fn variant_ids(&self) -> Vec<String> {
        let mut ids: Vec<String> = self.read().keys().cloned().collect();
        ids.sort_unstable();
        ids
    }

    /// Records one occurrence of `outcome` for variant `id` at `at`.
    ///
    /// # Errors
    ///
    /// As [`Tracker::record_n`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Outcome, Tracker};
    ///
    /// let t = Tracker::new();
    /// t.record("a", Outcome::Impression, "2026-11-24T08:00:00Z".parse()?)?;
    /// assert_eq!(t.counts("a")?.impressions(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record(&self, id: &str, outcome: Outcome, at: DateTime<Utc>) -> Result<()> {
        self.record_n(id, outcome, at, 1)
    }

    /// Records `n` occurrences of `outcome` for variant `id` at `at`
    /// (`n == 0` records nothing but still validates).
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyVariantId`] if `id` is empty;
    /// - [`Error::UnknownVariant`] if the tracker has a fixed variant set
    ///   without `id`;
    /// - [`Error::CountOverflow`] if the variant's count would exceed
    ///   `u64::MAX`;
    /// - [`Error::EmptyOutcomeName`] / [`Error::ReservedOutcomeName`] for an
    ///   invalid custom outcome.
    ///
    /// Nothing is recorded on error.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Outcome, Tracker};
    ///
    /// let t = Tracker::new();
    /// t.record_n("a", Outcome::Impression, "2026-11-24T08:00:00Z".parse()?, 500)?;
    /// assert_eq!(t.counts("a")?.impressions(), 500);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_n(&self, id: &str, outcome: Outcome, at: DateTime<Utc>, n: u64) -> Result<()> {
        if id.is_empty() {
            return Err(Error::EmptyVariantId);
        }
        if let Some(log) = self.read().get(id) {
            return lock(log).push(id, outcome, at, n);
        }
        if self.fixed {
            return Err(Error::UnknownVariant { id: id.to_string() });
        }
        match self.write().entry(id.to_string()) {
            // Another thread added the id since the read lock was released.
            Entry::Occupied(e) => lock(e.get()).push(id, outcome, at, n),
            Entry::Vacant(v) => {
                let mut log = VariantLog::default();
                log.push(id, outcome, at, n)?;
                v.insert(Mutex::new(log));
                Ok(())
            }
        }
    }

    /// Records a batch of events, all or nothing (see the type docs for how
    /// it stays fast).
    ///
    /// # Errors
    ///
    /// As [`Tracker::record_n`], for the first offending event; on error
    /// nothing of the batch is recorded.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Event, Outcome, Tracker};
    ///
    /// let t = Tracker::with_variants(["a", "b"])?;
    /// let at = "2026-11-24T08:00:00Z".parse()?;
    /// t.record_batch([
    ///     Event::new("a", Outcome::Impression, at).times(100),
    ///     Event::new("a", Outcome::Click, at),
    ///     Event::new("b", Outcome::Impression, at).times(90),
    /// ])?;
    /// // one bad event rejects the whole batch
    /// assert!(t.record_batch([
    ///     Event::new("b", Outcome::Click, at),
    ///     Event::new("zzz", Outcome::Click, at),
    /// ]).is_err());
    /// assert_eq!(t.counts("b")?.clicks(), 0);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_batch<'a, I>(&self, events: I) -> Result<()>
    where
        I: IntoIterator<Item = Event<'a>>,
    {
        let mut groups = Groups::default();
        for event in events {
            groups.push(event)?;
        }
        let groups = groups.groups;
        {
            let logs = self.read();
            if let Some((id, _)) = groups.iter().find(|(id, _)| !logs.contains_key(id)) {
                if self.fixed {
                    return Err(Error::UnknownVariant { id: id.clone() });
                }
            } else {
                return commit(&logs, groups);
            }
        }
        // An open tracker meets new ids: hold the write lock throughout.
        let mut logs = self.write();
        let (known, new): (Vec<_>, Vec<_>) = groups
            .into_iter()
            .partition(|(id, _)| logs.contains_key(id));
        commit(&logs, known)?;
        for (id, log) in new {
            logs.insert(id, Mutex::new(log));
        }
        Ok(())
    }

    /// The counts of variant `id` over all time.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if the tracker does not know `id`.
    pub fn counts(&self, id: &str) -> Result<Counts> {
        self.read_log(id, |log| Ok(log.totals.clone()))
    }

    /// The counts of every known variant, by id.
    pub fn all_counts(&self) -> BTreeMap<String, Counts> {
        self.read()
            .iter()
            .map(|(id, log)| (id.clone(), lock(log).totals.clone()))
            .collect()
    }

    /// The counts of variant `id` from events with `from <= at < to`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`] if `from > to`; [`Error::UnknownVariant`]
    /// if the tracker does not know `id`.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Outcome, Tracker};
    ///
    /// let t = Tracker::new();
    /// t.record("a", Outcome::Click, "2026-11-24T08:00:00Z".parse()?)?;
    /// t.record("a", Outcome::Click, "2026-11-24T09:00:00Z".parse()?)?;
    /// let morning = t.counts_between(
    ///     "a",
    ///     "2026-11-24T08:00:00Z".parse()?,
    ///     "2026-11-24T09:00:00Z".parse()?, // exclusive
    /// )?;
    /// assert_eq!(morning.clicks(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts_between(
        &self,
        id: &str,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<Counts> {
        check_window(from, to)?;
        self.read_log(id, |log| log.counts_between(id, from, to))
    }

    /// The counts of every known variant from events with `from <= at < to`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`] if `from > to`.
    pub fn all_counts_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<BTreeMap<String, Counts>> {
        check_window(from, to)?;
        self.read()
            .iter()
            .map(|(id, log)| Ok((id.clone(), lock(log).counts_between(id, from, to)?)))
            .collect()
    }

    fn read(&self) -> RwLockReadGuard<'_, HashMap<String, Mutex<VariantLog>>> {
        self.logs.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, HashMap<String, Mutex<VariantLog>>> {
        self.logs.write().unwrap_or_else(PoisonError::into_inner)
    }

    fn read_log<R>(&self, id: &str, f: impl FnOnce(&VariantLog) -> Result<R>) -> Result<R> {
        match self.read().get(id) {
            Some(log) => f(&lock(log)),
            None => Err(Error::UnknownVariant { id: id.to_string() }),
        }
    }

    /// A copy of the logical content; `sorted` orders each variant's events.
    fn state(&self, sorted: bool) -> TrackerState {
        let events = self
            .read()
            .iter()
            .map(|(id, log)| {
                let mut events = lock(log).records();
                if sorted {
                    events.sort_unstable();
                }
                (id.clone(), events)
            })
            .collect();
        TrackerState {
            fixed: self.fixed,
            events,
        }
    }

    /// This tracker with exactly the variant set `ids`: ids it lacks get
    /// empty logs, and an id outside `ids` is [`Error::UnknownVariant`].
    pub(crate) fn into_fixed<'a>(self, ids: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        let mut logs = self
            .logs
            .into_inner()
            .unwrap_or_else(PoisonError::into_inner);
        let ids: HashSet<&str> = ids.into_iter().collect();
        if let Some(extra) = logs.keys().find(|id| !ids.contains(id.as_str())) {
            return Err(Error::UnknownVariant { id: extra.clone() });
        }
        for id in ids {
            logs.entry(id.to_string()).or_default();
        }
        Ok(Tracker {
            fixed: true,
            logs: RwLock::new(logs),
        })
    }

    /// Adds `id` to a fixed tracker's set (an empty log; nothing changes
    /// when it is already there).
    pub(crate) fn admit(&mut self, id: &str) {
        self.logs
            .get_mut()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id.to_string())
            .or_default();
    }

    /// Rebuilds a tracker (and its totals) from serialised state.
    fn from_state(state: TrackerState) -> Result<Self> {
        let mut logs = HashMap::with_capacity(state.events.len());
        for (id, events) in state.events {
            if id.is_empty() {
                return Err(Error::EmptyVariantId);
            }
            let mut log = VariantLog::default();
            log.events.reserve(events.len());
            for e in events {
                log.push(&id, e.outcome, e.at, e.n)?;
            }
            logs.insert(id, Mutex::new(log));
        }
        Ok(Tracker {
            fixed: state.fixed,
            logs: RwLock::new(logs),
        })
    }
}

fn check_window(from: DateTime<Utc>, to: DateTime<Utc>) -> Result<()> {
    if from > to {
        Err(Error::InvalidTimeWindow { from, to })
    } else {
        Ok(())
    }
}

impl Clone for Tracker {
    fn clone(&self) -> Self {
        let logs = self
            .read()
            .iter()
            .map(|(id, log)| (id.clone(), Mutex::new(lock(log).clone())))
            .collect();
        Tracker {
            fixed: self.fixed,
            logs: RwLock::new(logs),
        }
    }
}

impl PartialEq for Tracker {
    /// Same fixedness, same ids, and the same events per id in any order.
    fn eq(&self, other: &Self) -> bool {
        self.state(true) == other.state(true)
    }
}

impl Eq for Tracker {}

impl fmt::Debug for Tracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracker")
            .field("fixed", &self.fixed)
            .field("counts", &self.all_counts())
            .finish()
    }
}

impl Serialize for Tracker {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.state(false).serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Tracker {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let state = TrackerState::deserialize(deserializer)?;
        Tracker::from_state(state).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t0() -> DateTime<Utc> {
        "2026-11-24T08:00:00Z".parse().unwrap()
    }

    #[test]
    fn many_ids_use_the_index() {
        let t = Tracker::new();
        let ids: Vec<String> = (0..40).map(|i| format!("v{i}")).collect();
        let events = (0..4000).map(|i| Event::new(ids[i % 40].as_str(), Outcome::Click, t0()));
        t.record_batch(events).unwrap();
        assert_eq!(t.variant_ids().len(), 40);
        assert!(t.all_counts().values().all(|c| c.clicks() == 100));
    }

    #[test]
    fn failed_batch_on_open_tracker_changes_nothing() {
        let t = Tracker::new();
        t.record_n("a", Outcome::Click, t0(), u64::MAX).unwrap();
        let err = t
            .record_batch([
                Event::new("new", Outcome::Click, t0()),
                Event::new("a", Outcome::Click, t0()),
            ])
            .unwrap_err();
        assert_eq!(
            err,
            Error::CountOverflow {
                variant: Some("a".into()),
                outcome: "clicks".into(),
                current: u64::MAX,
                added: 1
            }
        );
        assert_eq!(t.variant_ids(), vec!["a".to_string()]);
    }

    #[test]
    fn custom_outcomes_are_renumbered_on_commit() {
        let x = Outcome::custom("x").unwrap();
        let y = Outcome::custom("y").unwrap();
        let t = Tracker::new();
        t.record("a", x.clone(), t0()).unwrap();
        t.record_batch([
            Event::new("a", y.clone(), t0()).times(2),
            Event::new("a", x.clone(), t0()).times(3),
            Event::new("a", Outcome::Click, t0()),
        ])
        .unwrap();
        let expected = Counts::new()
            .with(&x, 4)
            .unwrap()
            .with(&y, 2)
            .unwrap()
            .with(&Outcome::Click, 1)
            .unwrap();
        assert_eq!(t.counts("a").unwrap(), expected);
        let later = t0() + chrono::Duration::seconds(1);
        assert_eq!(t.counts_between("a", t0(), later).unwrap(), expected);
        let back: Tracker = serde_json::from_str(&serde_json::to_string(&t).unwrap()).unwrap();
        assert_eq!(back, t);
    }

    #[test]
    fn serde_round_trip() {
        let t = Tracker::with_variants(["a", "b"]).unwrap();
        t.record_n("a", Outcome::Click, t0(), 3).unwrap();
        t.record("a", Outcome::custom("signups").unwrap(), t0())
            .unwrap();
        let json = serde_json::to_string(&t).unwrap();
        let back: Tracker = serde_json::from_str(&json).unwrap();
        assert_eq!(back, t);
        assert!(back.is_fixed());
        assert_eq!(back.counts("a").unwrap(), t.counts("a").unwrap());
        assert_eq!(t.clone(), t);
    }
}
