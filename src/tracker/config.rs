//! How a tracker is set up: bucket width, accepted time range, shards,
//! experiment id and scope.

use chrono::{DateTime, Duration, Utc};

use super::Tracker;
use super::snapshot::{Scope, check_bucket_secs};
use crate::{Error, Result};

/// The settings of a [`Tracker`], builder style; [`TrackerConfig::build`]
/// checks them.
///
/// | setting | default | meaning |
/// |---|---|---|
/// | [`bucket`](TrackerConfig::bucket) | 1 minute | width of a time bucket: whole seconds, 1 s to 366 days |
/// | [`start`](TrackerConfig::start) | none | events before it are [`Error::EventBeforeStart`] (taken to the whole second, rounding down) |
/// | [`horizon`](TrackerConfig::horizon) | 366 days | with a start: events at or after start + horizon are [`Error::EventTooFarAhead`] |
/// | [`shards`](TrackerConfig::shards) | twice the number of CPUs (at most 64) | counter copies that writing threads own, one each (more threads share one extra copy) |
/// | [`experiment`](TrackerConfig::experiment) | none | the id checked when snapshots merge |
/// | [`scope`](TrackerConfig::scope) | variants | whether keys are variant or post ids |
///
/// Without a start, every time chrono can represent is accepted.
///
/// # Example
///
/// ```
/// use postab::chrono::Duration;
/// use postab::tracker::TrackerConfig;
/// use postab::{Error, Outcome};
///
/// let start = "2026-11-24T00:00:00Z".parse()?;
/// let t = TrackerConfig::new()
///     .bucket(Duration::minutes(5))
///     .start(start)
///     .horizon(Duration::days(30))
///     .experiment("launch")
///     .build_fixed(["question", "statement"])?;
/// assert!(matches!(
///     t.record("question", Outcome::Click, "2026-11-23T23:59:59Z".parse()?),
///     Err(Error::EventBeforeStart { .. })
/// ));
/// assert!(matches!(
///     t.record("question", Outcome::Click, "2026-12-24T00:00:00Z".parse()?),
///     Err(Error::EventTooFarAhead { .. })
/// ));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TrackerConfig {
    pub(crate) bucket: Duration,
    /// Whether `bucket` was set (else a store file's width is taken).
    pub(crate) bucket_set: bool,
    pub(crate) start: Option<DateTime<Utc>>,
    pub(crate) horizon: Duration,
    pub(crate) shards: Option<usize>,
    pub(crate) experiment: Option<String>,
    pub(crate) scope: Scope,
}

impl Default for TrackerConfig {
    fn default() -> Self {
        TrackerConfig {
            bucket: Duration::minutes(1),
            bucket_set: false,
            start: None,
            horizon: Duration::days(366),
            shards: None,
            experiment: None,
            scope: Scope::Variants,
        }
    }
}

/// The most shards a tracker takes.
pub(crate) const MAX_SHARDS: usize = 64;

/// Checked settings.
#[derive(Debug, Clone)]
pub(crate) struct Checked {
    pub(crate) bucket_secs: u64,
    pub(crate) start: Option<DateTime<Utc>>,
    pub(crate) horizon_secs: Option<u64>,
    pub(crate) shards: usize,
    pub(crate) experiment: Option<String>,
    pub(crate) scope: Scope,
}

impl Checked {
    /// Accepted Unix seconds, `lo..hi`.
    pub(crate) fn bounds(&self) -> (i64, i64) {
        match self.start {
            None => (i64::MIN, i64::MAX),
            Some(s) => {
                let lo = s.timestamp();
                let h = self.horizon_secs.unwrap_or(0).min(i64::MAX as u64) as i64;
                (lo, lo.saturating_add(h))
            }
        }
    }
}

pub(crate) fn default_shards() -> usize {
    (2 * std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get))
        .min(MAX_SHARDS)
}

impl TrackerConfig {
    /// The defaults (see the table above).
    pub fn new() -> Self {
        Self::default()
    }

    /// The bucket width (whole seconds, 1 s to 366 days).
    pub fn bucket(mut self, width: Duration) -> Self {
        self.bucket = width;
        self.bucket_set = true;
        self
    }

    /// The first instant accepted (taken to the whole second, rounding
    /// down).
    pub fn start(mut self, at: DateTime<Utc>) -> Self {
        self.start = Some(at);
        self
    }

    /// How far after the start events are accepted (whole seconds; only
    /// with a start).
    pub fn horizon(mut self, span: Duration) -> Self {
        self.horizon = span;
        self
    }

    /// How many counter shards threads can own (1 to 64; see
    /// [`Tracker`]'s concurrency notes).
    pub fn shards(mut self, shards: usize) -> Self {
        self.shards = Some(shards);
        self
    }

    /// The experiment id that snapshots must share to merge.
    pub fn experiment(mut self, id: impl Into<String>) -> Self {
        self.experiment = Some(id.into());
        self
    }

    /// Whether keys are variant or post ids.
    pub fn scope(mut self, scope: Scope) -> Self {
        self.scope = scope;
        self
    }

    pub(crate) fn check(&self) -> Result<Checked> {
        let whole = |d: Duration| d.subsec_nanos() == 0;
        let bucket_secs = if whole(self.bucket) && self.bucket.num_seconds() > 0 {
            check_bucket_secs(self.bucket.num_seconds() as u64)?
        } else {
            return Err(Error::InvalidParameter {
                name: "bucket width",
                value: self.bucket.as_seconds_f64(),
                expected: "whole seconds from 1 to 31,622,400 (366 days)",
            });
        };
        let horizon_secs = match self.start {
            None => None,
            Some(_) if whole(self.horizon) && self.horizon.num_seconds() > 0 => {
                Some(self.horizon.num_seconds() as u64)
            }
            Some(_) => {
                return Err(Error::InvalidParameter {
                    name: "horizon",
                    value: self.horizon.as_seconds_f64(),
                    expected: "a positive whole number of seconds",
                });
            }
        };
        let shards = match self.shards {
            None => default_shards(),
            Some(n) if (1..=MAX_SHARDS).contains(&n) => n,
            Some(n) => {
                return Err(Error::InvalidParameter {
                    name: "shards",
                    value: n as f64,
                    expected: "1 to 64",
                });
            }
        };
        let start = self
            .start
            .map(|s| DateTime::from_timestamp(s.timestamp(), 0).unwrap_or(s));
        Ok(Checked {
            bucket_secs,
            start,
            horizon_secs,
            shards,
            experiment: self.experiment.clone(),
            scope: self.scope,
        })
    }

    /// An open tracker (it learns keys as events arrive).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidParameter`] for a bucket width that is not 1 s to
    /// 366 days in whole seconds, a horizon that is not a positive whole
    /// number of seconds, or shards outside 1 to 64.
    pub fn build(&self) -> Result<Tracker> {
        Ok(Tracker::from_checked(self.check()?, false))
    }

    /// A tracker for exactly these keys (see [`Tracker::with_variants`]).
    ///
    /// # Errors
    ///
    /// As [`TrackerConfig::build`], and as [`Tracker::with_variants`].
    pub fn build_fixed<I, S>(&self, ids: I) -> Result<Tracker>
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        let tracker = Tracker::from_checked(self.check()?, true);
        tracker.add_fixed_keys(ids)?;
        Ok(tracker)
    }

    /// A tracker backed by the durable SQLite store at `path` (created if
    /// needed; see [`Store`](super::Store)): it starts with every count in
    /// the file, and each record call (`add`, `add_batch`, `record`,
    /// `record_batch`, `merge`) is one transaction, committed before it
    /// returns `Ok`, then applied in memory. Reads come from memory (this
    /// process's view: the file's counts at opening plus its own writes;
    /// [`Store::snapshot`](super::Store::snapshot) reads everything other
    /// processes committed too).
    ///
    /// The experiment id and bucket width, when set, must match the file's
    /// (a new file takes them); when not set, the file's are taken. Scope:
    /// the tracker reads and writes the file's keys of its
    /// [`scope`](TrackerConfig::scope).
    ///
    /// # Errors
    ///
    /// As [`Store::open`](super::Store::open) and [`TrackerConfig::build`].
    #[cfg(feature = "store")]
    #[cfg_attr(docsrs, doc(cfg(feature = "store")))]
    pub fn open(&self, path: impl AsRef<std::path::Path>) -> Result<Tracker> {
        self.open_with(path, &super::StoreOptions::new())
    }

    /// [`TrackerConfig::open`] with store options (raw events, busy
    /// timeout, durability); this configuration's experiment id and bucket
    /// width, when set, override the options'.
    ///
    /// # Errors
    ///
    /// As [`TrackerConfig::open`].
    #[cfg(feature = "store")]
    #[cfg_attr(docsrs, doc(cfg(feature = "store")))]
    pub fn open_with(
        &self,
        path: impl AsRef<std::path::Path>,
        options: &super::StoreOptions,
    ) -> Result<Tracker> {
        let mut options = options.clone();
        if let Some(e) = &self.experiment {
            options.experiment = Some(e.clone());
        }
        if self.bucket_set {
            options.bucket = Some(self.bucket);
        }
        self.check()?;
        let store = super::Store::open(path, &options)?;
        let snapshot = store.snapshot(self.scope)?;
        let mut config = self.clone().bucket(store.bucket_width());
        config.experiment = store.experiment().map(str::to_string);
        let tracker = Tracker::from_checked(config.check()?, false);
        tracker.merge(&snapshot)?;
        Ok(tracker.attach(store))
    }
}
