//! Timestamped events in, per-key [`Counts`] out: time-bucketed counters
//! that threads share without a lock, mergeable snapshots and (with the
//! `store` feature) a durable SQLite store.
//!
//! See [`Tracker`] for the model, the fast paths ([`Handle`],
//! [`CompactEvent`]) and the window semantics; [`Snapshot`] for merging;
//! `Store` (feature `store`) for durability.

use std::borrow::Cow;
use std::cell::Cell;
use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::{PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::counts::in_variant;
use crate::{Counts, Error, Outcome, Result};

mod aggregate;
mod buckets;
mod config;
mod handle;
mod segmented;
mod snapshot;
#[cfg(feature = "store")]
mod store;

use aggregate::{Extent, Resolved, Row, Runs, aggregate, apply, bucket_of};
use buckets::Cells;
use handle::FOREIGN_SLOT;

pub use config::TrackerConfig;
pub use handle::{CompactEvent, Handle, OutcomeSlot};
pub use snapshot::{SNAPSHOT_VERSION, Scope, Snapshot};
#[cfg(feature = "store")]
#[cfg_attr(docsrs, doc(cfg(feature = "store")))]
pub use store::{BatchId, BatchInfo, Durability, SCHEMA_VERSION, Store, StoreOptions};

/// One observation: `n` times `outcome` for variant `variant` at time `at`.
///
/// The variant id is a [`Cow`], so events built from `&str` ids cost no
/// allocation; `n` (the multiplicity) defaults to 1. For the fast paths see
/// [`CompactEvent`].
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

    /// The variant id (a post id for a post tracker).
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

/// Keys and custom outcomes by name: used to resolve names, never on the
/// handle paths.
#[derive(Debug, Clone, Default)]
struct Registry {
    fixed: bool,
    keys: Vec<String>,
    key_index: HashMap<String, u32>,
    customs: Vec<Outcome>,
    custom_index: HashMap<String, u32>,
}

/// The most keys a tracker holds.
const MAX_KEYS: usize = 1 << 31;
/// The most custom outcomes a tracker holds.
const MAX_CUSTOMS: usize = 1 << 30;
/// Slots from here up are provisional (a batch's new custom outcomes).
const PROVISIONAL_SLOT: u32 = 1 << 31;

impl Registry {
    fn key(&self, id: &str) -> Option<u32> {
        self.key_index.get(id).copied()
    }

    fn add_key(&mut self, id: &str) -> Result<u32> {
        if let Some(k) = self.key(id) {
            return Ok(k);
        }
        if self.keys.len() >= MAX_KEYS {
            return Err(Error::InvalidParameter {
                name: "number of keys",
                value: self.keys.len() as f64,
                expected: "fewer than 2^31 keys per tracker",
            });
        }
        let k = self.keys.len() as u32;
        self.keys.push(id.to_string());
        self.key_index.insert(id.to_string(), k);
        Ok(k)
    }

    fn slot(&self, outcome: &Outcome) -> Option<u32> {
        match outcome {
            Outcome::Custom(name) => self
                .custom_index
                .get(name)
                .map(|&i| i + Outcome::BUILTIN_COUNT as u32),
            builtin => builtin.builtin_index().map(|i| i as u32),
        }
    }

    fn add_slot(&mut self, outcome: &Outcome) -> Result<u32> {
        if let Some(s) = self.slot(outcome) {
            return Ok(s);
        }
        outcome.validate()?;
        if self.customs.len() >= MAX_CUSTOMS {
            return Err(Error::InvalidParameter {
                name: "number of custom outcomes",
                value: self.customs.len() as f64,
                expected: "fewer than 2^30 custom outcomes per tracker",
            });
        }
        let i = self.customs.len() as u32;
        self.customs.push(outcome.clone());
        self.custom_index.insert(outcome.name().to_string(), i);
        Ok(i + Outcome::BUILTIN_COUNT as u32)
    }

    fn outcome(&self, slot: u32) -> Option<Outcome> {
        let slot = slot as usize;
        match slot.checked_sub(Outcome::BUILTIN_COUNT) {
            None => Outcome::from_builtin_index(slot),
            Some(k) => self.customs.get(k).cloned(),
        }
    }

    fn name(&self, key: u32) -> &str {
        self.keys.get(key as usize).map_or("", String::as_str)
    }
}

thread_local! {
    static THREAD_ORDINAL: Cell<u32> = const { Cell::new(u32::MAX) };
}

static NEXT_ORDINAL: AtomicU32 = AtomicU32::new(0);

/// This thread's ordinal (0, 1, … in the order threads first record).
fn thread_ordinal() -> usize {
    THREAD_ORDINAL.with(|c| {
        let v = c.get();
        if v != u32::MAX {
            v as usize
        } else {
            let v = NEXT_ORDINAL.fetch_add(1, Ordering::Relaxed) & (u32::MAX >> 1);
            c.set(v);
            v as usize
        }
    })
}

/// Ingests events and keeps per-key counts in time buckets; share it
/// between threads with an [`Arc`](std::sync::Arc).
///
/// # What it keeps
///
/// One count per (key, outcome, time bucket): keys are variant ids (or
/// post ids in a post tracker, see [`Scope`]), buckets are one minute wide
/// unless configured otherwise ([`TrackerConfig::bucket`]) and aligned to
/// the Unix epoch (minute buckets start on the minute, day buckets at UTC
/// midnight). Individual events are **not** kept: memory grows with the
/// buckets in use, not with the number of events. Keeping raw events is an
/// option of the durable store (`StoreOptions::keep_events`, feature
/// `store`).
///
/// # Time windows
///
/// [`Tracker::counts_between`] counts buckets, so a window is exact when
/// both ends lie on bucket boundaries (with minute buckets: any whole
/// minute). A window that does not is **an error**,
/// [`Error::UnalignedWindow`], never a silent approximation; widen it
/// explicitly with [`Tracker::aligned_window`] (the smallest aligned window
/// that contains it) if the bucket resolution is good enough. An event at
/// 08:00:59.9 lies in the 08:00 bucket: windows are `[from, to)` on the
/// events' times, as before.
///
/// # Keys
///
/// A tracker made with [`Tracker::with_variants`] knows a fixed set of ids
/// and rejects any other with [`Error::UnknownVariant`]. A tracker made with
/// [`Tracker::new`] learns an id the first time it is recorded (or a handle
/// is asked for). Asking for the counts of an unknown id is
/// [`Error::UnknownVariant`], and an empty id is [`Error::EmptyVariantId`].
///
/// # Fast paths
///
/// - [`Tracker::handle`] resolves an id once to a [`Handle`] (`Copy`, 8
///   bytes); [`OutcomeSlot`] does the same for an outcome. A
///   [`CompactEvent`] (24 bytes: handle, slot, Unix seconds, multiplicity)
///   holds no string.
/// - [`Tracker::add`] records one compact event: a few plain loads to find
///   the counter, one compare-and-swap on it. No lock, no hashing, no string
///   comparison.
/// - [`Tracker::add_batch`] records a slice of them: one validation pass,
///   one counting loop into a local array (`[key][outcome][bucket]`, like a
///   hand-written counter), then one atomic add per non-zero cell. Batches
///   too spread out for a dense array (more cells than events) are sorted
///   and summed instead.
///
/// The string API ([`Tracker::record`], [`Tracker::record_batch`]) resolves
/// names first and then takes the same paths.
///
/// # Concurrency
///
/// Counters are per-thread: the first time a thread writes to a tracker it
/// claims one of the tracker's shards ([`TrackerConfig::shards`], by default
/// twice the number of CPUs) and keeps it until the thread ends. Only its
/// owner writes a shard, so an add is a plain load and store of an atomic
/// counter (no lock, no read-modify-write instruction) and threads never
/// write the same cache line; readers add the shards up. Threads beyond the
/// number of shards share one extra shard, with compare-and-swap adds
/// (correct, slower). Directories (chunks, keys, pages) are created once, on
/// first use, through `OnceLock`s and never move; each thread also caches
/// its recently used pages. The only locks are the name registry's (taken
/// by the string API, by `handle` and by reads, never per compact event) and
/// the store's connection.
///
/// A batch is all-or-nothing with respect to errors: every event is checked
/// before anything is added, and an overflow while adding takes back what
/// the batch had added. It is not atomic with respect to concurrent
/// readers: a read running while a batch is applied may see part of it.
/// (The durable store's snapshots are transactional.)
///
/// # Memory
///
/// Counters: 8 bytes per (key, outcome, bucket) and writing thread, in pages
/// of 256 buckets (2 KiB) created when a bucket in them is first written.
/// Directories: 1 KiB per (key, outcome) per 2¹⁴-bucket chunk in use (11.4
/// days of minute buckets), 16 bytes × (shards + 1) per page in use, about
/// 150 bytes per key per chunk. So 30 days of minute buckets (43,200
/// buckets, 169 pages) cost about 350 KiB per (key, outcome) and writing
/// thread, whatever the number of events (measured: 10⁹ events over 30
/// days for 2 variants and 3 outcomes, one writing thread, hold 1.85 MB of
/// counters and directories; the process stayed under 30 MB resident).
/// [`Tracker::memory_bytes`] reports the total.
///
/// # Overflow
///
/// A counter never wraps: an add that would pass `u64::MAX` is rejected with
/// [`Error::CountOverflow`] and changes nothing. Sums over buckets and
/// shards are computed in 128 bits; a total past `u64::MAX` is
/// [`Error::CountOverflow`] from [`Tracker::counts`] and a poisoned
/// [`Counts`] (see there) from [`Tracker::all_counts`].
///
/// # Serde
///
/// A tracker serialises as its [`Snapshot`] (counts per bucket, not
/// events); reading one back runs every check. `PartialEq` compares that
/// logical content.
///
/// # Example
///
/// ```
/// use std::sync::Arc;
/// use std::thread;
///
/// use postab::tracker::{CompactEvent, OutcomeSlot};
/// use postab::{Outcome, Tracker};
///
/// let tracker = Arc::new(Tracker::with_variants(["question", "statement"])?);
/// let at = "2026-11-24T08:00:00Z".parse()?;
/// let workers: Vec<_> = ["question", "statement"]
///     .into_iter()
///     .map(|id| {
///         let tracker = Arc::clone(&tracker);
///         thread::spawn(move || -> postab::Result<()> {
///             let h = tracker.handle(id)?; // resolved once
///             let batch = vec![CompactEvent::new(h, OutcomeSlot::IMPRESSION, at); 1000];
///             tracker.add_batch(&batch)?;
///             tracker.add(CompactEvent::new(h, OutcomeSlot::CLICK, at))?;
///             tracker.record(id, Outcome::Like, at) // the string API
///         })
///     })
///     .collect();
/// for w in workers {
///     w.join().expect("no panic")?;
/// }
/// assert_eq!(tracker.counts("question")?.impressions(), 1000);
/// assert_eq!(tracker.counts("statement")?.clicks(), 1);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct Tracker {
    id: u32,
    /// Bucket width in seconds.
    w: u64,
    /// Accepted Unix seconds: `lo..hi`.
    lo: i64,
    hi: i64,
    config: config::Checked,
    registry: RwLock<Registry>,
    cells: Cells,
    #[cfg(feature = "store")]
    store: Option<Store>,
}

impl Default for Tracker {
    fn default() -> Self {
        Self::new()
    }
}

/// Totals per slot, in 128 bits.
type SlotSums = Vec<u128>;

fn add_slot_sum(sums: &mut SlotSums, slot: u32, n: u128) {
    let slot = slot as usize;
    if sums.len() <= slot {
        sums.resize(slot + 1, 0);
    }
    sums[slot] += n;
}

impl Tracker {
    pub(crate) fn from_checked(config: config::Checked, fixed: bool) -> Self {
        let (lo, hi) = config.bounds();
        Tracker {
            id: handle::next_tracker_id(),
            w: config.bucket_secs,
            lo,
            hi,
            cells: Cells::new(config.shards),
            registry: RwLock::new(Registry {
                fixed,
                ..Registry::default()
            }),
            config,
            #[cfg(feature = "store")]
            store: None,
        }
    }

    /// An open tracker with the default settings ([`TrackerConfig`]): it
    /// accepts any non-empty id and learns ids as events arrive.
    pub fn new() -> Self {
        let config = TrackerConfig::default().check();
        // The defaults always pass their checks.
        Tracker::from_checked(
            config.unwrap_or(config::Checked {
                bucket_secs: 60,
                start: None,
                horizon_secs: None,
                shards: 1,
                experiment: None,
                scope: Scope::Variants,
            }),
            false,
        )
    }

    /// A tracker for exactly these variant ids (default settings); events
    /// for other ids are rejected.
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
        let t = Tracker::new();
        t.write().fixed = true;
        t.add_fixed_keys(ids)?;
        Ok(t)
    }

    /// Registers the ids of a fixed tracker.
    pub(crate) fn add_fixed_keys<I, S>(&self, ids: I) -> Result<()>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let mut reg = self.write();
        for id in ids {
            let id = id.into();
            if id.is_empty() {
                return Err(Error::EmptyVariantId);
            }
            if reg.key(&id).is_some() {
                return Err(Error::DuplicateVariant { id });
            }
            reg.add_key(&id)?;
        }
        Ok(())
    }

    /// Whether the tracker has a fixed variant set (see [`Tracker::with_variants`]).
    pub fn is_fixed(&self) -> bool {
        self.read().fixed
    }

    /// The ids the tracker knows, sorted.
    pub fn variant_ids(&self) -> Vec<String> {
        let mut ids = self.read().keys.clone();
        ids.sort_unstable();
        ids
    }

    /// The experiment id (see [`TrackerConfig::experiment`]).
    pub fn experiment(&self) -> Option<&str> {
        self.config.experiment.as_deref()
    }

    /// Whether keys are variant or post ids.
    pub fn scope(&self) -> Scope {
        self.config.scope
    }

    /// The bucket width.
    pub fn bucket_width(&self) -> Duration {
        Duration::seconds(self.w as i64)
    }

    /// The earliest instant accepted, if the tracker has a start.
    pub fn start(&self) -> Option<DateTime<Utc>> {
        self.config.start
    }

    /// The first instant rejected as too far ahead, if the tracker has a
    /// start.
    pub fn limit(&self) -> Option<DateTime<Utc>> {
        self.config.start.and(DateTime::from_timestamp(self.hi, 0))
    }

    /// Heap bytes held by the counters and their directories (not the
    /// name registry); see the type docs for the layout.
    pub fn memory_bytes(&self) -> usize {
        self.cells.heap_bytes()
    }

    /// A tracker backed by the durable store at `path` (created if
    /// needed), with the default settings; see [`TrackerConfig::open`].
    ///
    /// # Errors
    ///
    /// As [`TrackerConfig::open`].
    #[cfg(feature = "store")]
    #[cfg_attr(docsrs, doc(cfg(feature = "store")))]
    pub fn open(path: impl AsRef<std::path::Path>) -> Result<Tracker> {
        TrackerConfig::new().open(path)
    }

    /// The durable store behind the tracker, if it was opened on one.
    #[cfg(feature = "store")]
    #[cfg_attr(docsrs, doc(cfg(feature = "store")))]
    pub fn store(&self) -> Option<&Store> {
        self.store.as_ref()
    }

    #[cfg(feature = "store")]
    pub(crate) fn attach(mut self, store: Store) -> Tracker {
        self.store = Some(store);
        self
    }

    fn read(&self) -> RwLockReadGuard<'_, Registry> {
        self.registry.read().unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, Registry> {
        self.registry
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    // ------------------------------------------------------------ handles

    /// The [`Handle`] of key `id`; an open tracker learns a new id.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyVariantId`]; [`Error::UnknownVariant`] for an id a
    /// fixed tracker does not have.
    pub fn handle(&self, id: &str) -> Result<Handle> {
        let key = self.key_for(id)?;
        Ok(Handle {
            tracker: self.id,
            key,
        })
    }

    /// The slot of `outcome` in this tracker (a custom outcome is
    /// registered on first use; built-in outcomes have fixed slots, see
    /// [`OutcomeSlot::builtin`]).
    ///
    /// # Errors
    ///
    /// [`Error::EmptyOutcomeName`] / [`Error::ReservedOutcomeName`] for an
    /// invalid custom outcome.
    pub fn outcome_slot(&self, outcome: &Outcome) -> Result<OutcomeSlot> {
        if let Some(slot) = OutcomeSlot::builtin(outcome) {
            return Ok(slot);
        }
        let index = self.slot_for(outcome)?;
        Ok(OutcomeSlot {
            tracker: self.id,
            index,
        })
    }

    fn key_for(&self, id: &str) -> Result<u32> {
        if id.is_empty() {
            return Err(Error::EmptyVariantId);
        }
        let (known, fixed) = {
            let reg = self.read();
            (reg.key(id), reg.fixed)
        };
        match known {
            Some(k) => Ok(k),
            None if fixed => Err(Error::UnknownVariant { id: id.to_string() }),
            None => self.write().add_key(id),
        }
    }

    fn slot_for(&self, outcome: &Outcome) -> Result<u32> {
        if let Some(s) = self.read().slot(outcome) {
            return Ok(s);
        }
        self.write().add_slot(outcome)
    }

    // ------------------------------------------------------------ checks

    #[inline(always)]
    fn accepts(&self, e: &CompactEvent) -> bool {
        (e.tracker == self.id) & (e.slot != FOREIGN_SLOT) & (e.secs >= self.lo) & (e.secs < self.hi)
    }

    /// Why `e` is rejected.
    #[cold]
    fn rejection(&self, e: &CompactEvent) -> Error {
        if e.tracker != self.id {
            Error::ForeignHandle {
                handle_tracker: e.tracker,
                tracker: self.id,
            }
        } else if e.slot == FOREIGN_SLOT {
            Error::ForeignHandle {
                handle_tracker: 0,
                tracker: self.id,
            }
        } else {
            self.time_error(e.secs)
        }
    }

    #[cold]
    fn time_error(&self, secs: i64) -> Error {
        let at = DateTime::from_timestamp(secs, 0).unwrap_or_default();
        if secs < self.lo {
            Error::EventBeforeStart {
                at,
                start: DateTime::from_timestamp(self.lo, 0).unwrap_or_default(),
            }
        } else {
            Error::EventTooFarAhead {
                at,
                limit: DateTime::from_timestamp(self.hi, 0).unwrap_or_default(),
            }
        }
    }

    fn check_time(&self, at: DateTime<Utc>) -> Result<i64> {
        let secs = at.timestamp();
        if secs < self.lo {
            Err(Error::EventBeforeStart {
                at,
                start: DateTime::from_timestamp(self.lo, 0).unwrap_or_default(),
            })
        } else if secs >= self.hi {
            Err(Error::EventTooFarAhead {
                at,
                limit: DateTime::from_timestamp(self.hi, 0).unwrap_or_default(),
            })
        } else {
            Ok(secs)
        }
    }

    #[cold]
    fn overflow(&self, key: u32, slot: u32, current: u64, added: u64) -> Error {
        let reg = self.read();
        Error::CountOverflow {
            variant: Some(reg.name(key).to_string()),
            outcome: reg
                .outcome(slot)
                .map(|o| o.name().to_string())
                .unwrap_or_default(),
            current,
            added,
        }
    }

    // ------------------------------------------------------- fast paths

    /// Records one compact event: the per-event fast path (no lock, no
    /// string; see the type docs).
    ///
    /// # Errors
    ///
    /// [`Error::ForeignHandle`] for a handle (or custom outcome slot) of
    /// another tracker; [`Error::EventBeforeStart`] /
    /// [`Error::EventTooFarAhead`] outside the accepted time range;
    /// [`Error::CountOverflow`] if the bucket's counter would pass
    /// `u64::MAX`. Nothing is recorded on error.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::Tracker;
    /// use postab::tracker::{CompactEvent, OutcomeSlot};
    ///
    /// let t = Tracker::new();
    /// let a = t.handle("a")?;
    /// let at = "2026-11-24T08:00:00Z".parse()?;
    /// for _ in 0..3 {
    ///     t.add(CompactEvent::new(a, OutcomeSlot::CLICK, at))?;
    /// }
    /// assert_eq!(t.counts("a")?.clicks(), 3);
    /// let other = Tracker::new();
    /// assert!(other.add(CompactEvent::new(a, OutcomeSlot::CLICK, at)).is_err());
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    #[inline]
    pub fn add(&self, event: CompactEvent) -> Result<()> {
        if !self.accepts(&event) {
            return Err(self.rejection(&event));
        }
        #[cfg(feature = "store")]
        if self.store.is_some() {
            return self.add_batch(std::slice::from_ref(&event));
        }
        if event.n == 0 {
            return Ok(());
        }
        let bucket = bucket_of(event.secs, self.w);
        let n = u64::from(event.n);
        self.cells
            .add(event.key, event.slot, bucket, n)
            .map_err(|current| self.overflow(event.key, event.slot, current, n))
    }

    /// Records a slice of compact events, all or nothing: the batch fast
    /// path (see the type docs).
    ///
    /// # Errors
    ///
    /// As [`Tracker::add`], for the first offending event; on error nothing
    /// of the batch is recorded (with a store: nothing is written either).
    pub fn add_batch(&self, events: &[CompactEvent]) -> Result<()> {
        if events.len() < (1 << 32) {
            let limits = {
                let reg = self.read();
                aggregate::Limits {
                    id: self.id,
                    lo: self.lo,
                    hi: self.hi,
                    keys: reg.keys.len() as u32,
                    slots: (Outcome::BUILTIN_COUNT + reg.customs.len()) as u32,
                }
            };
            match aggregate::fused(events, self.w, &limits) {
                aggregate::Fused::Done(runs) => return self.commit(&runs, events, &[], 0),
                aggregate::Fused::Invalid(i) => return Err(self.rejection(&events[i])),
                aggregate::Fused::Fallback => {}
            }
        }
        let mut extent = Extent::EMPTY;
        let mut ok = true;
        for e in events {
            ok &= self.accepts(e);
            extent.include(e.key, e.slot, e.secs);
        }
        if !ok {
            let bad = events.iter().find(|e| !self.accepts(e));
            return Err(bad.map_or(Error::EmptyVariantId, |e| self.rejection(e)));
        }
        let runs = if events.len() < (1 << 32) {
            aggregate::<_, false>(events, self.w, extent)
        } else {
            aggregate::<_, true>(events, self.w, extent)
        }
        .map_err(|o| {
            let e = events[o.index];
            self.overflow(e.key, e.slot, o.current, o.added)
        })?;
        self.commit(&runs, events, &[], 0)
    }

    /// Writes `runs` to the store (if any) and then to the counters. Run
    /// keys at or above `base` are the new keys `new_keys[key - base]`, to
    /// be registered first.
    fn commit<R: Row>(&self, runs: &Runs, raw: &[R], new_keys: &[String], base: u32) -> Result<()> {
        #[cfg(feature = "store")]
        if let Some(store) = &self.store {
            let reg = self.read();
            let name = |k: u32| -> String {
                if k >= base && !new_keys.is_empty() {
                    new_keys[(k - base) as usize].clone()
                } else {
                    reg.name(k).to_string()
                }
            };
            let outcome = |s: u32| {
                reg.outcome(s)
                    .map(|o| o.name().to_string())
                    .unwrap_or_default()
            };
            store.write_runs(self.config.scope, runs, raw, &name, &outcome)?;
            drop(reg);
        }
        #[cfg(not(feature = "store"))]
        let _ = raw;
        let writer = self.cells.writer();
        if new_keys.is_empty() {
            return apply(&self.cells, runs, writer, |k| k)
                .map_err(|o| self.overflow(o.key, o.slot, o.current, o.added));
        }
        // Known keys first: an overflow there leaves no new key behind.
        let (known, fresh): (Vec<_>, Vec<_>) = runs.runs.iter().partition(|r| r.key < base);
        let known = Runs {
            runs: known,
            values: runs.values.clone(),
        };
        apply(&self.cells, &known, writer, |k| k)
            .map_err(|o| self.overflow(o.key, o.slot, o.current, o.added))?;
        let real: Vec<u32> = {
            let mut reg = self.write();
            new_keys
                .iter()
                .map(|id| reg.add_key(id))
                .collect::<Result<_>>()?
        };
        let fresh = Runs {
            runs: fresh,
            values: runs.values.clone(),
        };
        let map = |k: u32| {
            if k >= base {
                real[(k - base) as usize]
            } else {
                k
            }
        };
        if let Err(o) = apply(&self.cells, &fresh, writer, map) {
            for r in &known.runs {
                self.cells
                    .undo_run(writer, r.key, r.slot, r.first, known.counts(r));
            }
            return Err(self.overflow(map(o.key), o.slot, o.current, o.added));
        }
        Ok(())
    }

    // ------------------------------------------------------- string API

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
    /// (`n == 0` records nothing but still validates, and an open tracker
    /// learns the id).
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyVariantId`] if `id` is empty;
    /// - [`Error::EmptyOutcomeName`] / [`Error::ReservedOutcomeName`] for an
    ///   invalid custom outcome;
    /// - [`Error::EventBeforeStart`] / [`Error::EventTooFarAhead`] outside
    ///   the accepted time range;
    /// - [`Error::UnknownVariant`] if the tracker has a fixed variant set
    ///   without `id`;
    /// - [`Error::CountOverflow`] if the bucket's count would exceed
    ///   `u64::MAX`.
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
        outcome.validate()?;
        let secs = self.check_time(at)?;
        let key = self.key_for(id)?;
        let slot = self.slot_for(&outcome)?;
        if n == 0 {
            return Ok(());
        }
        #[cfg(feature = "store")]
        if self.store.is_some() {
            let row = [Resolved { key, slot, secs, n }];
            let mut extent = Extent::EMPTY;
            extent.include(key, slot, secs);
            let runs = aggregate::<_, true>(&row, self.w, extent)
                .map_err(|o| self.overflow(key, slot, o.current, o.added))?;
            return self.commit(&runs, &row, &[], 0);
        }
        self.cells
            .add(key, slot, bucket_of(secs, self.w), n)
            .map_err(|current| self.overflow(key, slot, current, n))
    }

    /// Records a batch of events, all or nothing: names are resolved once
    /// per run of equal ids, then the batch takes the path of
    /// [`Tracker::add_batch`].
    ///
    /// # Errors
    ///
    /// As [`Tracker::record_n`], for the first offending event; on error
    /// nothing of the batch is recorded (an open tracker does not learn its
    /// new ids).
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
        let mut rows: Vec<Resolved> = Vec::new();
        let mut new_keys: Vec<String> = Vec::new();
        let mut new_index: HashMap<String, u32> = HashMap::new();
        let mut custom_slots: HashMap<String, u32> = HashMap::new();
        let mut new_customs: Vec<Outcome> = Vec::new();
        let mut extent = Extent::EMPTY;
        let base;
        {
            let reg = self.read();
            base = reg.keys.len() as u32;
            let mut last: Option<(Cow<'a, str>, u32)> = None;
            for event in events {
                let Event {
                    variant: id,
                    outcome,
                    at,
                    n,
                } = event;
                if id.is_empty() {
                    return Err(Error::EmptyVariantId);
                }
                let slot = match outcome.builtin_index() {
                    Some(i) => i as u32,
                    None => match custom_slots.get(outcome.name()) {
                        Some(&s) => s,
                        None => {
                            outcome.validate()?;
                            // A new custom outcome gets a provisional slot,
                            // registered below outside the read lock.
                            let s = match reg.slot(&outcome) {
                                Some(s) => s,
                                None => {
                                    new_customs.push(outcome.clone());
                                    PROVISIONAL_SLOT + (new_customs.len() - 1) as u32
                                }
                            };
                            custom_slots.insert(outcome.name().to_string(), s);
                            s
                        }
                    },
                };
                let secs = self.check_time(at)?;
                let key = match &last {
                    Some((last_id, k)) if *last_id == id => *k,
                    _ => {
                        let k = match reg.key(&id) {
                            Some(k) => k,
                            None if reg.fixed => {
                                return Err(Error::UnknownVariant {
                                    id: id.into_owned(),
                                });
                            }
                            None => match new_index.get(id.as_ref()) {
                                Some(&k) => k,
                                None => {
                                    if base as usize + new_keys.len() >= MAX_KEYS {
                                        return Err(Error::InvalidParameter {
                                            name: "number of keys",
                                            value: MAX_KEYS as f64,
                                            expected: "fewer than 2^31 keys per tracker",
                                        });
                                    }
                                    let k = base + new_keys.len() as u32;
                                    new_keys.push(id.to_string());
                                    new_index.insert(id.to_string(), k);
                                    k
                                }
                            },
                        };
                        last = Some((id, k));
                        k
                    }
                };
                rows.push(Resolved { key, slot, secs, n });
            }
        }
        // Custom outcomes first met in this batch get their slots now
        // (an unused custom outcome is harmless: counts list no zeros).
        if !new_customs.is_empty() {
            let real: Vec<u32> = {
                let mut reg = self.write();
                new_customs
                    .iter()
                    .map(|o| reg.add_slot(o))
                    .collect::<Result<_>>()?
            };
            for r in &mut rows {
                if r.slot >= PROVISIONAL_SLOT {
                    r.slot = real[(r.slot - PROVISIONAL_SLOT) as usize];
                }
            }
        }
        for r in &rows {
            extent.include(r.key, r.slot, r.secs);
        }
        let runs = aggregate::<_, true>(&rows, self.w, extent).map_err(|o| {
            let r = rows[o.index];
            let id = if r.key >= base && !new_keys.is_empty() {
                new_keys[(r.key - base) as usize].clone()
            } else {
                self.read().name(r.key).to_string()
            };
            let outcome = self
                .read()
                .outcome(r.slot)
                .map(|o| o.name().to_string())
                .unwrap_or_default();
            Error::CountOverflow {
                variant: Some(id),
                outcome,
                current: o.current,
                added: o.added,
            }
        })?;
        self.commit(&runs, &rows, &new_keys, base)
    }
}

/// Reads.
impl Tracker {
    /// Per-slot sums of `key` over buckets `from..to`.
    fn key_sums(&self, key: u32, from: i64, to: i64) -> SlotSums {
        let mut sums = SlotSums::new();
        self.cells.visit(Some(key), from, to, |_, slot, _, n| {
            add_slot_sum(&mut sums, slot, n)
        });
        sums
    }

    /// Per-key, per-slot sums over buckets `from..to`.
    fn all_sums(&self, from: i64, to: i64) -> HashMap<u32, SlotSums> {
        let mut sums: HashMap<u32, SlotSums> = HashMap::new();
        self.cells.visit(None, from, to, |key, slot, _, n| {
            add_slot_sum(sums.entry(key).or_default(), slot, n);
        });
        sums
    }

    /// Counts from per-slot sums; a sum past `u64::MAX` poisons them.
    fn to_counts(reg: &Registry, sums: &[u128]) -> Counts {
        let mut counts = Counts::new();
        for (slot, &sum) in sums.iter().enumerate() {
            if sum == 0 {
                continue;
            }
            let Some(outcome) = reg.outcome(slot as u32) else {
                continue;
            };
            match u64::try_from(sum) {
                Ok(n) => counts.add_saturating(&outcome, n),
                Err(_) => {
                    counts.add_saturating(&outcome, u64::MAX);
                    let rest = u64::try_from(sum - u128::from(u64::MAX)).unwrap_or(u64::MAX);
                    counts.add_saturating(&outcome, rest);
                }
            }
        }
        counts
    }

    fn known_key(&self, id: &str) -> Result<u32> {
        self.read()
            .key(id)
            .ok_or_else(|| Error::UnknownVariant { id: id.to_string() })
    }

    /// The counts of variant `id` over all time.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if the tracker does not know `id`;
    /// [`Error::CountOverflow`] if a total passes `u64::MAX`.
    pub fn counts(&self, id: &str) -> Result<Counts> {
        let key = self.known_key(id)?;
        let sums = self.key_sums(key, i64::MIN, i64::MAX);
        let counts = Self::to_counts(&self.read(), &sums);
        counts.check_exact().map_err(|e| in_variant(e, id))?;
        Ok(counts)
    }

    /// The counts of every known variant, by id (a total past `u64::MAX`
    /// gives poisoned [`Counts`]).
    pub fn all_counts(&self) -> BTreeMap<String, Counts> {
        self.all_counts_in(i64::MIN, i64::MAX)
    }

    fn all_counts_in(&self, from: i64, to: i64) -> BTreeMap<String, Counts> {
        let sums = self.all_sums(from, to);
        let reg = self.read();
        reg.keys
            .iter()
            .enumerate()
            .map(|(k, id)| {
                let counts = sums
                    .get(&(k as u32))
                    .map_or_else(Counts::new, |s| Self::to_counts(&reg, s));
                (id.clone(), counts)
            })
            .collect()
    }

    /// The buckets `from..to` of an exact window (see the type docs).
    fn window(&self, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<(i64, i64)> {
        if from > to {
            return Err(Error::InvalidTimeWindow { from, to });
        }
        let w = self.w as i64;
        let aligned =
            |t: DateTime<Utc>| t.timestamp_subsec_nanos() == 0 && t.timestamp().rem_euclid(w) == 0;
        if !aligned(from) || !aligned(to) {
            return Err(Error::UnalignedWindow {
                from,
                to,
                bucket_secs: self.w,
            });
        }
        Ok((from.timestamp().div_euclid(w), to.timestamp().div_euclid(w)))
    }

    /// The smallest window on bucket boundaries that contains `from..to`:
    /// `from` rounded down, `to` rounded up (the explicit way to widen a
    /// window that [`Tracker::counts_between`] rejects as unaligned).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`] if `from > to`; [`Error::UnalignedWindow`]
    /// if the widened end is past the last time chrono represents.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Error, Outcome, Tracker};
    ///
    /// let t = Tracker::new(); // minute buckets
    /// t.record("a", Outcome::Click, "2026-11-24T08:00:10Z".parse()?)?;
    /// let (from, to) = ("2026-11-24T08:00:30Z".parse()?, "2026-11-24T08:01:30Z".parse()?);
    /// assert!(matches!(t.counts_between("a", from, to), Err(Error::UnalignedWindow { .. })));
    /// let (wide_from, wide_to) = t.aligned_window(from, to)?;
    /// assert_eq!(wide_from, "2026-11-24T08:00:00Z".parse::<postab::chrono::DateTime<postab::chrono::Utc>>()?);
    /// assert_eq!(wide_to, "2026-11-24T08:02:00Z".parse::<postab::chrono::DateTime<postab::chrono::Utc>>()?);
    /// assert_eq!(t.counts_between("a", wide_from, wide_to)?.clicks(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn aligned_window(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<(DateTime<Utc>, DateTime<Utc>)> {
        if from > to {
            return Err(Error::InvalidTimeWindow { from, to });
        }
        let w = self.w as i64;
        let lo = from.timestamp().div_euclid(w) * w;
        let to_secs = to.timestamp();
        let hi = if to.timestamp_subsec_nanos() == 0 && to_secs.rem_euclid(w) == 0 {
            to_secs
        } else {
            (to_secs.div_euclid(w) + 1).saturating_mul(w)
        };
        match (
            DateTime::from_timestamp(lo, 0),
            DateTime::from_timestamp(hi, 0),
        ) {
            (Some(a), Some(b)) => Ok((a, b)),
            _ => Err(Error::UnalignedWindow {
                from,
                to,
                bucket_secs: self.w,
            }),
        }
    }

    /// The counts of variant `id` from events with `from <= at < to`, exact
    /// for a window on bucket boundaries (see the type docs).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`] if `from > to`; [`Error::UnalignedWindow`]
    /// if `from` or `to` is not on a bucket boundary;
    /// [`Error::UnknownVariant`] if the tracker does not know `id`;
    /// [`Error::CountOverflow`] if a total passes `u64::MAX`.
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
        let (b0, b1) = self.window(from, to)?;
        let key = self.known_key(id)?;
        let sums = self.key_sums(key, b0, b1);
        let counts = Self::to_counts(&self.read(), &sums);
        counts.check_exact().map_err(|e| in_variant(e, id))?;
        Ok(counts)
    }

    /// The counts of every known variant from events with `from <= at <
    /// to` (a total past `u64::MAX` gives poisoned [`Counts`]).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`] if `from > to`; [`Error::UnalignedWindow`]
    /// if `from` or `to` is not on a bucket boundary.
    pub fn all_counts_between(
        &self,
        from: DateTime<Utc>,
        to: DateTime<Utc>,
    ) -> Result<BTreeMap<String, Counts>> {
        let (b0, b1) = self.window(from, to)?;
        Ok(self.all_counts_in(b0, b1))
    }

    /// The non-empty buckets of variant `id`: (bucket start, counts), in
    /// time order. Group them by posting slot, hour of day or anything else
    /// that is a function of the bucket's start.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`]; [`Error::CountOverflow`] if a bucket's
    /// total over the shards passes `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use std::collections::BTreeMap;
    ///
    /// use postab::chrono::Timelike;
    /// use postab::{Outcome, Tracker};
    ///
    /// let t = Tracker::new();
    /// for (at, n) in [("2026-11-24T08:10:00Z", 3), ("2026-11-25T08:40:00Z", 2), ("2026-11-25T17:00:00Z", 5)] {
    ///     t.record_n("a", Outcome::Click, at.parse()?, n)?;
    /// }
    /// let mut by_hour: BTreeMap<u32, u64> = BTreeMap::new();
    /// for (start, counts) in t.buckets("a")? {
    ///     *by_hour.entry(start.hour()).or_default() += counts.clicks();
    /// }
    /// assert_eq!(by_hour, BTreeMap::from([(8, 5), (17, 5)]));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn buckets(&self, id: &str) -> Result<Vec<(DateTime<Utc>, Counts)>> {
        let key = self.known_key(id)?;
        let mut by_bucket: BTreeMap<i64, SlotSums> = BTreeMap::new();
        self.cells
            .visit(Some(key), i64::MIN, i64::MAX, |_, slot, b, n| {
                add_slot_sum(by_bucket.entry(b).or_default(), slot, n);
            });
        let reg = self.read();
        by_bucket
            .into_iter()
            .map(|(b, sums)| {
                let counts = Self::to_counts(&reg, &sums);
                counts.check_exact().map_err(|e| in_variant(e, id))?;
                let start = DateTime::from_timestamp(b * self.w as i64, 0).unwrap_or_default();
                Ok((start, counts))
            })
            .collect()
    }
}

/// Snapshots and merges.
impl Tracker {
    /// The tracker's state as a [`Snapshot`] (see there for merging and
    /// serde).
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] if a bucket's total over the shards passes
    /// `u64::MAX` (a snapshot holds one `u64` per bucket).
    pub fn snapshot(&self) -> Result<Snapshot> {
        let mut cells: Vec<(u32, u32, i64, u128)> = Vec::new();
        self.cells.visit(None, i64::MIN, i64::MAX, |k, s, b, n| {
            cells.push((k, s, b, n))
        });
        let reg = self.read();
        let mut counts: BTreeMap<String, BTreeMap<Outcome, BTreeMap<i64, u64>>> = reg
            .keys
            .iter()
            .map(|k| (k.clone(), BTreeMap::new()))
            .collect();
        for (k, s, b, n) in cells {
            let (Some(id), Some(outcome)) = (reg.keys.get(k as usize), reg.outcome(s)) else {
                continue;
            };
            let n = u64::try_from(n).map_err(|_| Error::CountOverflow {
                variant: Some(id.clone()),
                outcome: outcome.name().to_string(),
                current: u64::MAX,
                added: u64::try_from(n - u128::from(u64::MAX)).unwrap_or(u64::MAX),
            })?;
            if let Some(by_outcome) = counts.get_mut(id) {
                by_outcome.entry(outcome).or_default().insert(b, n);
            }
        }
        Ok(Snapshot {
            experiment: self.config.experiment.clone(),
            scope: self.config.scope,
            bucket_secs: self.w,
            fixed: reg.fixed,
            start: self.config.start,
            horizon_secs: self.config.horizon_secs,
            counts,
        })
    }

    /// A tracker holding a snapshot's keys and counts, with its bucket
    /// width, experiment id, scope and time range (default shards).
    ///
    /// # Errors
    ///
    /// As [`Tracker::merge`] (a bucket outside the snapshot's own time
    /// range is [`Error::EventBeforeStart`] / [`Error::EventTooFarAhead`]).
    pub fn from_snapshot(snapshot: Snapshot) -> Result<Tracker> {
        let mut config = TrackerConfig::new()
            .bucket(Duration::seconds(snapshot.bucket_secs as i64))
            .scope(snapshot.scope);
        if let Some(e) = &snapshot.experiment {
            config = config.experiment(e.clone());
        }
        if let Some(s) = snapshot.start {
            config = config.start(s);
            if let Some(h) = snapshot.horizon_secs {
                config = config.horizon(Duration::seconds(h.min(i64::MAX as u64 / 1000) as i64));
            }
        }
        let tracker = Tracker::from_checked(config.check()?, snapshot.fixed);
        {
            let mut reg = tracker.write();
            for key in snapshot.counts.keys() {
                if key.is_empty() {
                    return Err(Error::EmptyVariantId);
                }
                reg.add_key(key)?;
            }
        }
        tracker.merge(&snapshot)?;
        Ok(tracker)
    }

    /// Adds a snapshot's counts (from another process, shard or file),
    /// all or nothing. An open tracker learns the snapshot's keys; a fixed
    /// one rejects keys it lacks.
    ///
    /// # Errors
    ///
    /// - [`Error::SnapshotMismatch`] for a different experiment id, scope
    ///   or bucket width;
    /// - [`Error::UnknownVariant`] for a key a fixed tracker lacks;
    /// - [`Error::EventBeforeStart`] / [`Error::EventTooFarAhead`] for a
    ///   bucket outside the accepted time range;
    /// - [`Error::CountOverflow`] if a counter would pass `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Error, Outcome, Tracker};
    /// use postab::tracker::TrackerConfig;
    ///
    /// let live = Tracker::with_variants(["a", "b"])?;
    /// let other = Tracker::with_variants(["a", "b"])?;
    /// let at = "2026-11-24T08:00:00Z".parse()?;
    /// other.record_n("b", Outcome::Click, at, 5)?;
    /// live.merge(&other.snapshot()?)?;
    /// assert_eq!(live.counts("b")?.clicks(), 5);
    ///
    /// let hourly = TrackerConfig::new().bucket(postab::chrono::Duration::hours(1)).build()?;
    /// assert!(matches!(live.merge(&hourly.snapshot()?), Err(Error::SnapshotMismatch { .. })));
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(&self, snapshot: &Snapshot) -> Result<()> {
        snapshot::check_compatible(
            (self.experiment(), self.config.scope, self.w),
            (snapshot.experiment(), snapshot.scope, snapshot.bucket_secs),
        )?;
        let w = self.w as i64;
        let mut rows: Vec<Resolved> = Vec::new();
        let mut new_keys: Vec<String> = Vec::new();
        let base;
        {
            let reg = self.read();
            base = reg.keys.len() as u32;
            for (id, outcomes) in &snapshot.counts {
                let key = match reg.key(id) {
                    Some(k) => k,
                    None if reg.fixed => return Err(Error::UnknownVariant { id: id.clone() }),
                    None => {
                        new_keys.push(id.clone());
                        base + new_keys.len() as u32 - 1
                    }
                };
                for (outcome, buckets) in outcomes {
                    // Slots of custom outcomes are resolved below.
                    let slot = reg.slot(outcome).unwrap_or(PROVISIONAL_SLOT);
                    for (&b, &n) in buckets {
                        // A bucket must overlap the accepted range.
                        let secs = b.saturating_mul(w);
                        if secs.saturating_add(w) <= self.lo || secs >= self.hi {
                            return Err(self.time_error(secs));
                        }
                        rows.push(Resolved { key, slot, secs, n });
                    }
                }
            }
        }
        if rows.iter().any(|r| r.slot == PROVISIONAL_SLOT) {
            // Register the snapshot's custom outcomes, then redo the rows.
            let mut reg = self.write();
            for outcomes in snapshot.counts.values() {
                for outcome in outcomes.keys() {
                    reg.add_slot(outcome)?;
                }
            }
            drop(reg);
            return self.merge(snapshot);
        }
        let mut extent = Extent::EMPTY;
        for r in &rows {
            extent.include(r.key, r.slot, r.secs);
        }
        // Within one snapshot every cell appears once, so no sum overflows.
        let runs = aggregate::<_, true>(&rows, self.w, extent).map_err(|o| {
            let r = rows[o.index];
            self.overflow(r.key, r.slot, o.current, o.added)
        })?;
        self.commit(&runs, &[] as &[Resolved], &new_keys, base)
    }

    /// Copies the counters shard by shard (exact, whatever their sums).
    fn copy_cells_into(&self, other: &Tracker) {
        self.cells.copy_into(&other.cells);
    }
}

/// Crate-internal: experiments adjust their trackers.
impl Tracker {
    /// This tracker with exactly the key set `ids`: ids it lacks are added,
    /// and an id outside `ids` is [`Error::UnknownVariant`].
    pub(crate) fn into_fixed<'a>(self, ids: impl IntoIterator<Item = &'a str>) -> Result<Self> {
        {
            let mut reg = self.write();
            let ids: Vec<&str> = ids.into_iter().collect();
            let wanted: std::collections::HashSet<&str> = ids.iter().copied().collect();
            if let Some(extra) = reg.keys.iter().find(|id| !wanted.contains(id.as_str())) {
                return Err(Error::UnknownVariant { id: extra.clone() });
            }
            for id in ids {
                reg.add_key(id)?;
            }
            reg.fixed = true;
        }
        Ok(self)
    }

    /// Adds `id` to a fixed tracker's set (nothing changes when it is
    /// already there).
    pub(crate) fn admit(&mut self, id: &str) {
        // Fewer than 2³¹ posts: an experiment holds them in memory.
        let _ = self.write().add_key(id);
    }

    /// Labels the tracker as `experiment`'s, for `scope`.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotMismatch`] if it already belongs to another
    /// experiment (or, labelled, to the other scope).
    pub(crate) fn in_experiment(mut self, experiment: &str, scope: Scope) -> Result<Self> {
        match &self.config.experiment {
            Some(e) if e != experiment => {
                return Err(Error::SnapshotMismatch {
                    what: "experiment",
                    ours: format!("{experiment:?}"),
                    theirs: format!("{e:?}"),
                });
            }
            Some(_) if self.config.scope != scope => {
                return Err(Error::SnapshotMismatch {
                    what: "scope",
                    ours: scope.to_string(),
                    theirs: self.config.scope.to_string(),
                });
            }
            _ => {}
        }
        self.config.experiment = Some(experiment.to_string());
        self.config.scope = scope;
        Ok(self)
    }
}

impl Clone for Tracker {
    /// A copy of the counts (a new tracker: handles of the original do not
    /// apply to it; a store-backed tracker's copy lives in memory only).
    fn clone(&self) -> Self {
        let copy = Tracker::from_checked(self.config.clone(), false);
        *copy.write() = self.read().clone();
        self.copy_cells_into(&copy);
        copy
    }
}

impl PartialEq for Tracker {
    /// Same experiment id, scope, bucket width and fixedness, the same keys
    /// and the same count in every bucket.
    fn eq(&self, other: &Self) -> bool {
        let summary = |t: &Tracker| {
            let mut cells: BTreeMap<(String, Outcome, i64), u128> = BTreeMap::new();
            let mut raw = Vec::new();
            t.cells.visit(None, i64::MIN, i64::MAX, |k, s, b, n| {
                raw.push((k, s, b, n))
            });
            let reg = t.read();
            for (k, s, b, n) in raw {
                if let Some(o) = reg.outcome(s) {
                    *cells.entry((reg.name(k).to_string(), o, b)).or_default() += n;
                }
            }
            let mut keys = reg.keys.clone();
            keys.sort_unstable();
            (
                t.config.experiment.clone(),
                t.config.scope,
                t.w,
                reg.fixed,
                keys,
                cells,
            )
        };
        std::ptr::eq(self, other) || summary(self) == summary(other)
    }
}

impl Eq for Tracker {}

impl fmt::Debug for Tracker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Tracker")
            .field("fixed", &self.is_fixed())
            .field("experiment", &self.config.experiment)
            .field("scope", &self.config.scope)
            .field("bucket_secs", &self.w)
            .field("counts", &self.all_counts())
            .finish()
    }
}

impl Serialize for Tracker {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        self.snapshot()
            .map_err(serde::ser::Error::custom)?
            .serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Tracker {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let snapshot = Snapshot::deserialize(deserializer)?;
        Tracker::from_snapshot(snapshot).map_err(serde::de::Error::custom)
    }
}
