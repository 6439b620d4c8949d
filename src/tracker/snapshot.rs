//! A tracker's counts as plain data: serialisable, comparable and mergeable.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Duration, SecondsFormat, Utc};
use serde::de::{self, Deserializer};

use crate::counts::UniqueMap as Unique;
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize, Serializer};

use crate::{Counts, Error, Outcome, Result};

/// What a tracker's keys are: variant ids or post ids. Part of a
/// [`Snapshot`], so that a snapshot of posts is never merged into a tracker
/// of variants.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Scope {
    /// Keys are variant ids (events not attributed to a post).
    #[default]
    Variants,
    /// Keys are post ids.
    Posts,
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Variants => "variants",
            Scope::Posts => "posts",
        })
    }
}

/// The version of the snapshot format this build writes (and the newest it
/// reads).
pub const SNAPSHOT_VERSION: u32 = 1;

/// The widest bucket: 366 days.
pub(crate) const MAX_BUCKET_SECS: u64 = 366 * 86_400;

/// A tracker's state as data: its experiment id, [`Scope`], bucket width,
/// keys and the non-zero count of every (key, outcome, bucket). Made by
/// [`Tracker::snapshot`](super::Tracker::snapshot); read back by
/// [`Tracker::from_snapshot`](super::Tracker::from_snapshot) or added to a
/// live tracker by [`Tracker::merge`](super::Tracker::merge) (and to an
/// experiment by [`Experiment::merge`](crate::Experiment::merge)).
///
/// # Merging
///
/// [`Snapshot::merge`] adds another snapshot's counts bucket by bucket, so
/// shards or processes that counted disjoint events combine exactly. Both
/// must have the same experiment id, scope and bucket width (otherwise
/// [`Error::SnapshotMismatch`]); a sum past `u64::MAX` is
/// [`Error::CountOverflow`]. On error nothing changes. The key set becomes
/// the union; the result is fixed if both were.
///
/// # Serde
///
/// ```json
/// {"version": 1, "experiment": "launch", "scope": "variants", "bucket_secs": 60,
///  "fixed": true,
///  "counts": {"question": {"clicks": {"2026-11-24T08:03:00Z": 2}}, "statement": {}}}
/// ```
///
/// Buckets are named by their start (RFC 3339, UTC), which must lie on a
/// bucket boundary; keys without counts map to `{}`. `start` and
/// `horizon_secs` appear when the tracker has them. Reading checks
/// everything the tracker would check (non-empty keys, valid outcome names,
/// aligned buckets, no key given twice, no two names of one outcome). The
/// event list written by earlier versions (`{"fixed": .., "events": {"a":
/// [{"at": .., "outcome": .., "n": ..}]}}`) is read too, into minute
/// buckets.
///
/// # Example
///
/// ```
/// use postab::{Outcome, Tracker};
///
/// let shard_a = Tracker::with_variants(["q", "s"])?;
/// let shard_b = Tracker::with_variants(["q", "s"])?;
/// let at = "2026-11-24T08:00:00Z".parse()?;
/// shard_a.record_n("q", Outcome::Click, at, 3)?;
/// shard_b.record_n("q", Outcome::Click, at, 4)?;
///
/// let mut merged = shard_a.snapshot()?;
/// merged.merge(&shard_b.snapshot()?)?;
/// assert_eq!(merged.counts("q")?.clicks(), 7);
///
/// let json = serde_json::to_string(&merged)?;
/// let back = Tracker::from_snapshot(serde_json::from_str(&json)?)?;
/// assert_eq!(back.counts("q")?.clicks(), 7);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Snapshot {
    pub(crate) experiment: Option<String>,
    pub(crate) scope: Scope,
    pub(crate) bucket_secs: u64,
    pub(crate) fixed: bool,
    pub(crate) start: Option<DateTime<Utc>>,
    pub(crate) horizon_secs: Option<u64>,
    /// key -> outcome -> bucket index -> count (never 0).
    pub(crate) counts: BTreeMap<String, BTreeMap<Outcome, BTreeMap<i64, u64>>>,
}

fn show(id: Option<&str>) -> String {
    id.map_or_else(|| "none".to_string(), |s| format!("{s:?}"))
}

/// [`Error::SnapshotMismatch`] unless the two states can be combined.
pub(crate) fn check_compatible(
    ours: (Option<&str>, Scope, u64),
    theirs: (Option<&str>, Scope, u64),
) -> Result<()> {
    if ours.0 != theirs.0 {
        return Err(Error::SnapshotMismatch {
            what: "experiment",
            ours: show(ours.0),
            theirs: show(theirs.0),
        });
    }
    if ours.1 != theirs.1 {
        return Err(Error::SnapshotMismatch {
            what: "scope",
            ours: ours.1.to_string(),
            theirs: theirs.1.to_string(),
        });
    }
    if ours.2 != theirs.2 {
        return Err(Error::SnapshotMismatch {
            what: "bucket width",
            ours: format!("{} s", ours.2),
            theirs: format!("{} s", theirs.2),
        });
    }
    Ok(())
}

impl Snapshot {
    /// The experiment id, if the tracker has one.
    pub fn experiment(&self) -> Option<&str> {
        self.experiment.as_deref()
    }

    /// Whether the keys are variants or posts.
    pub fn scope(&self) -> Scope {
        self.scope
    }

    /// The bucket width.
    pub fn bucket_width(&self) -> Duration {
        Duration::seconds(self.bucket_secs as i64)
    }

    /// Whether the tracker had a fixed key set.
    pub fn is_fixed(&self) -> bool {
        self.fixed
    }

    /// The keys, sorted.
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.counts.keys().map(String::as_str)
    }

    /// Every non-zero count: (key, outcome, bucket start, count), by key,
    /// outcome and time.
    pub fn cells(&self) -> impl Iterator<Item = (&str, &Outcome, DateTime<Utc>, u64)> {
        let w = self.bucket_secs as i64;
        self.counts.iter().flat_map(move |(key, outcomes)| {
            outcomes.iter().flat_map(move |(outcome, buckets)| {
                buckets.iter().map(move |(&b, &n)| {
                    let at = DateTime::from_timestamp(b * w, 0).unwrap_or_default();
                    (key.as_str(), outcome, at, n)
                })
            })
        })
    }

    /// The total counts of `key`.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] for a key the snapshot lacks;
    /// [`Error::CountOverflow`] (naming the key) if a total passes
    /// `u64::MAX`.
    pub fn counts(&self, key: &str) -> Result<Counts> {
        let outcomes = self.counts.get(key).ok_or_else(|| Error::UnknownVariant {
            id: key.to_string(),
        })?;
        let mut counts = Counts::new();
        for (outcome, buckets) in outcomes {
            for &n in buckets.values() {
                counts
                    .add_count(outcome, n)
                    .map_err(|e| crate::counts::in_variant(e, key))?;
            }
        }
        Ok(counts)
    }

    /// Adds `other`'s counts to these, all or nothing (see the type docs).
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotMismatch`] for a different experiment id, scope or
    /// bucket width; [`Error::CountOverflow`] naming the key if a bucket
    /// would pass `u64::MAX`.
    pub fn merge(&mut self, other: &Snapshot) -> Result<()> {
        check_compatible(
            (self.experiment(), self.scope, self.bucket_secs),
            (other.experiment(), other.scope, other.bucket_secs),
        )?;
        let mut merged = self.counts.clone();
        for (key, outcomes) in &other.counts {
            let mine = merged.entry(key.clone()).or_default();
            for (outcome, buckets) in outcomes {
                let mine = mine.entry(outcome.clone()).or_default();
                for (&b, &n) in buckets {
                    let cell = mine.entry(b).or_insert(0);
                    *cell = cell.checked_add(n).ok_or_else(|| Error::CountOverflow {
                        variant: Some(key.clone()),
                        outcome: outcome.name().to_string(),
                        current: *cell,
                        added: n,
                    })?;
                }
            }
        }
        self.counts = merged;
        self.fixed &= other.fixed;
        Ok(())
    }
}

/// Writes a bucket index as the RFC 3339 start of its bucket.
fn bucket_name(bucket: i64, w: u64) -> String {
    DateTime::from_timestamp(bucket.saturating_mul(w as i64), 0)
        .map(|t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
        .unwrap_or_else(|| bucket.to_string())
}

struct Buckets<'a>(&'a BTreeMap<i64, u64>, u64);

impl Serialize for Buckets<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (&b, n) in self.0 {
            map.serialize_entry(&bucket_name(b, self.1), n)?;
        }
        map.end()
    }
}

struct Outcomes<'a>(&'a BTreeMap<Outcome, BTreeMap<i64, u64>>, u64);

impl Serialize for Outcomes<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (outcome, buckets) in self.0 {
            map.serialize_entry(outcome.name(), &Buckets(buckets, self.1))?;
        }
        map.end()
    }
}

struct Keys<'a>(
    &'a BTreeMap<String, BTreeMap<Outcome, BTreeMap<i64, u64>>>,
    u64,
);

impl Serialize for Keys<'_> {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = s.serialize_map(Some(self.0.len()))?;
        for (key, outcomes) in self.0 {
            map.serialize_entry(key, &Outcomes(outcomes, self.1))?;
        }
        map.end()
    }
}

#[derive(Serialize)]
struct SnapshotOut<'a> {
    version: u32,
    #[serde(skip_serializing_if = "Option::is_none")]
    experiment: Option<&'a str>,
    scope: Scope,
    bucket_secs: u64,
    fixed: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    start: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    horizon_secs: Option<u64>,
    counts: Keys<'a>,
}

impl Serialize for Snapshot {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        SnapshotOut {
            version: SNAPSHOT_VERSION,
            experiment: self.experiment(),
            scope: self.scope,
            bucket_secs: self.bucket_secs,
            fixed: self.fixed,
            start: self.start,
            horizon_secs: self.horizon_secs,
            counts: Keys(&self.counts, self.bucket_secs),
        }
        .serialize(s)
    }
}

/// An event as written by earlier versions.
#[derive(Deserialize)]
struct LegacyEvent {
    at: DateTime<Utc>,
    outcome: Outcome,
    #[serde(default = "one")]
    n: u64,
}

fn one() -> u64 {
    1
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SnapshotIn {
    #[serde(default)]
    version: Option<u32>,
    #[serde(default)]
    experiment: Option<String>,
    #[serde(default)]
    scope: Option<Scope>,
    #[serde(default)]
    bucket_secs: Option<u64>,
    #[serde(default)]
    fixed: bool,
    #[serde(default)]
    start: Option<DateTime<Utc>>,
    #[serde(default)]
    horizon_secs: Option<u64>,
    #[serde(default)]
    counts: Option<Unique<Unique<Unique<u64>>>>,
    #[serde(default)]
    events: Option<Unique<Vec<LegacyEvent>>>,
}

/// Checks a bucket width in seconds.
pub(crate) fn check_bucket_secs(secs: u64) -> Result<u64> {
    if (1..=MAX_BUCKET_SECS).contains(&secs) {
        Ok(secs)
    } else {
        Err(Error::InvalidParameter {
            name: "bucket width",
            value: secs as f64,
            expected: "whole seconds from 1 to 31,622,400 (366 days)",
        })
    }
}

fn invalid(msg: String) -> Error {
    Error::InvalidReport { message: msg }
}

impl TryFrom<SnapshotIn> for Snapshot {
    type Error = Error;

    fn try_from(r: SnapshotIn) -> Result<Snapshot> {
        if let Some(v) = r.version
            && v > SNAPSHOT_VERSION
        {
            return Err(Error::UnsupportedSchemaVersion {
                found: u64::from(v),
                supported: u64::from(SNAPSHOT_VERSION),
            });
        }
        let bucket_secs = check_bucket_secs(r.bucket_secs.unwrap_or(60))?;
        let mut counts: BTreeMap<String, BTreeMap<Outcome, BTreeMap<i64, u64>>> = BTreeMap::new();
        let add = |counts: &mut BTreeMap<String, BTreeMap<Outcome, BTreeMap<i64, u64>>>,
                   key: &str,
                   outcome: Outcome,
                   bucket: i64,
                   n: u64|
         -> Result<()> {
            let cell = counts
                .entry(key.to_string())
                .or_default()
                .entry(outcome.clone())
                .or_default()
                .entry(bucket)
                .or_insert(0);
            *cell = cell.checked_add(n).ok_or_else(|| Error::CountOverflow {
                variant: Some(key.to_string()),
                outcome: outcome.name().to_string(),
                current: *cell,
                added: n,
            })?;
            Ok(())
        };
        match (r.counts, r.events) {
            (Some(_), Some(_)) => {
                return Err(invalid(
                    "a tracker state has either \"counts\" or (older) \"events\", not both".into(),
                ));
            }
            (Some(keys), None) => {
                for (key, outcomes) in keys.0 {
                    if key.is_empty() {
                        return Err(Error::EmptyVariantId);
                    }
                    counts.entry(key.clone()).or_default();
                    let mut names: BTreeMap<Outcome, String> = BTreeMap::new();
                    for (name, buckets) in outcomes.0 {
                        let outcome = Outcome::from_key(&name)?;
                        if let Some(first) = names.insert(outcome.clone(), name.clone()) {
                            return Err(invalid(format!(
                                "key {key:?}: {first:?} and {name:?} name the same outcome"
                            )));
                        }
                        for (start, n) in buckets.0 {
                            let bucket = parse_bucket(&start, bucket_secs)?;
                            if n > 0 {
                                add(&mut counts, &key, outcome.clone(), bucket, n)?;
                            }
                        }
                    }
                }
            }
            (None, Some(events)) => {
                for (key, list) in events.0 {
                    if key.is_empty() {
                        return Err(Error::EmptyVariantId);
                    }
                    counts.entry(key.clone()).or_default();
                    for e in list {
                        e.outcome.validate()?;
                        if e.n > 0 {
                            let bucket = e.at.timestamp().div_euclid(bucket_secs as i64);
                            add(&mut counts, &key, e.outcome, bucket, e.n)?;
                        }
                    }
                }
            }
            (None, None) => {}
        }
        if r.start.is_none() && r.horizon_secs.is_some() {
            return Err(invalid("\"horizon_secs\" needs a \"start\"".into()));
        }
        Ok(Snapshot {
            experiment: r.experiment,
            scope: r.scope.unwrap_or_default(),
            bucket_secs,
            fixed: r.fixed,
            start: r.start,
            horizon_secs: r.horizon_secs,
            counts,
        })
    }
}

/// A bucket named by its start: RFC 3339 on a bucket boundary (or, outside
/// chrono's years, the Unix seconds).
fn parse_bucket(name: &str, w: u64) -> Result<i64> {
    let secs = match name.parse::<DateTime<Utc>>() {
        Ok(t) if t.timestamp_subsec_nanos() == 0 => t.timestamp(),
        Ok(_) => {
            return Err(invalid(format!(
                "bucket {name:?} does not start on a whole second"
            )));
        }
        Err(_) => name
            .parse::<i64>()
            .map_err(|_| invalid(format!("bucket {name:?} is not an RFC 3339 time")))?
            .checked_mul(w as i64)
            .ok_or_else(|| invalid(format!("bucket {name:?} is out of range")))?,
    };
    if secs.rem_euclid(w as i64) != 0 {
        return Err(invalid(format!(
            "bucket {name:?} does not start on a {w}-second boundary"
        )));
    }
    Ok(secs.div_euclid(w as i64))
}

impl<'de> Deserialize<'de> for Snapshot {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let repr = SnapshotIn::deserialize(d)?;
        Snapshot::try_from(repr).map_err(de::Error::custom)
    }
}
