//! A time zone's UTC offsets over a range, precomputed once so that
//! bucketing needs no time-zone lookup per event.

use std::fmt;

use crate::{Error, Result};
use chrono::{DateTime, FixedOffset, Offset, TimeZone, Utc};
use chrono_tz::Tz;

/// How far apart the offset probes are: a day. Two transitions less than a
/// day apart that cancel out would be missed; no zone of the bundled
/// database has such a pair (checked over its whole transition table).
const PROBE_SECONDS: i64 = 86_400;

/// Start of the probed years: 1800-01-01T00:00:00Z. The bundled time-zone
/// database has no offset change before 1844.
pub(crate) const PROBE_FROM: i64 = -5_364_662_400;

/// End of the probed years: 2101-01-01T00:00:00Z. The bundled time-zone
/// database has no offset change after 2099 (its rules are expanded up to
/// then; later instants keep the last offset).
pub(crate) const PROBE_TO: i64 = 4_133_980_800;

/// The UTC offset of `tz` at `t` (seconds since the epoch), in seconds.
pub(crate) fn tz_offset(tz: Tz, t: i64) -> i64 {
    DateTime::from_timestamp(t, 0).map_or(0, |dt| {
        i64::from(
            tz.offset_from_utc_datetime(&dt.naive_utc())
                .fix()
                .local_minus_utc(),
        )
    })
}

/// The UTC offsets of an IANA time zone between two instants, as a sorted
/// list of transitions found once (daily probes refined to the second by
/// bisection).
///
/// Looking up an instant inside the range is a binary search (or, for
/// sorted instants, a step along the list); outside the range it falls back
/// to a time-zone lookup, so every instant gets its true offset.
///
/// # Supported range
///
/// Any range of `DateTime<Utc>` (years −262143 to 262142). Transitions are
/// searched only within 1800-01-01 to 2101-01-01 UTC, where the bundled
/// time-zone database has all of them (1844 to 2099); before and after,
/// every zone's offset is constant (its first and last offset), so the
/// cost is bounded (at most about 110,000 probes, a few milliseconds)
/// whatever the span.
///
/// # Example
///
/// ```
/// use postab::chrono_tz::Europe::London;
/// use postab::schedule::UtcOffsets;
///
/// let offsets = UtcOffsets::new(London, "2026-01-01T00:00:00Z".parse()?, "2027-01-01T00:00:00Z".parse()?)?;
/// // Spring forward (01:00 UTC, 29 March) and fall back (01:00 UTC, 25 October).
/// let changes: Vec<String> = offsets.transitions().map(|(at, off)| format!("{at} {off}")).collect();
/// assert_eq!(changes, ["2026-03-29 01:00:00 UTC +01:00", "2026-10-25 01:00:00 UTC +00:00"]);
/// assert_eq!(offsets.offset_at("2026-07-01T12:00:00Z".parse()?).local_minus_utc(), 3600);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
/// Not serialisable: it is a cache, rebuilt from `(tz, from, to)`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UtcOffsets {
    tz: Tz,
    from: i64,
    to: i64,
    /// Start of each constant-offset segment; `starts[0] == from`.
    starts: Vec<i64>,
    /// The offset (seconds) of each segment.
    offsets: Vec<i64>,
}

/// One constant-offset stretch `[lo, hi)` of UTC seconds.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Segment {
    pub(crate) lo: i64,
    pub(crate) hi: i64,
    pub(crate) offset: i64,
}

impl UtcOffsets {
    /// The offsets of `tz` over `[from, to)`.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidTimeWindow`] if `from` is after `to`.
    pub fn new(tz: Tz, from: DateTime<Utc>, to: DateTime<Utc>) -> Result<Self> {
        if from > to {
            return Err(Error::InvalidTimeWindow { from, to });
        }
        let (from, to) = (from.timestamp(), to.timestamp());
        let mut starts = vec![from];
        let mut offsets = vec![tz_offset(tz, from)];
        // Outside the probed years the offset is constant: only
        // [PROBE_FROM, PROBE_TO) is searched for transitions.
        let mut t = from.max(PROBE_FROM);
        let stop = to.min(PROBE_TO);
        let mut current = tz_offset(tz, t);
        if t > from && t < stop && current != offsets[0] {
            // Unreachable with the bundled database (no change before
            // 1844); should one appear, it is placed at 1800.
            starts.push(t);
            offsets.push(current);
        }
        while t < stop {
            let next = (t + PROBE_SECONDS).min(stop);
            let off = tz_offset(tz, next);
            if off != current {
                // Smallest s in (t, next] whose offset differs from `current`.
                let (mut lo, mut hi) = (t, next);
                while hi - lo > 1 {
                    let mid = lo + (hi - lo) / 2;
                    if tz_offset(tz, mid) == current {
                        lo = mid;
                    } else {
                        hi = mid;
                    }
                }
                current = tz_offset(tz, hi);
                starts.push(hi);
                offsets.push(current);
                if current != off {
                    // A second change inside the same probe interval.
                    t = hi;
                    continue;
                }
            }
            t = next;
        }
        Ok(UtcOffsets {
            tz,
            from,
            to,
            starts,
            offsets,
        })
    }

    /// The time zone.
    pub fn tz(&self) -> Tz {
        self.tz
    }

    /// Start of the covered range (inclusive).
    pub fn from(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.from, 0).unwrap_or_default()
    }

    /// End of the covered range (exclusive).
    pub fn to(&self) -> DateTime<Utc> {
        DateTime::from_timestamp(self.to, 0).unwrap_or_default()
    }

    /// The offset changes inside the range: when (UTC) and the new offset.
    pub fn transitions(&self) -> impl Iterator<Item = (DateTime<Utc>, FixedOffset)> + '_ {
        self.starts
            .iter()
            .zip(&self.offsets)
            .skip(1)
            .map(|(&t, &off)| {
                (
                    DateTime::from_timestamp(t, 0).unwrap_or_default(),
                    fixed(off),
                )
            })
    }

    /// The offset at `at` (a time-zone lookup outside the covered range).
    pub fn offset_at(&self, at: DateTime<Utc>) -> FixedOffset {
        fixed(self.segment(at.timestamp()).offset)
    }

    /// The constant-offset segment holding `t` (seconds since the epoch).
    pub(crate) fn segment(&self, t: i64) -> Segment {
        if t < self.from || t >= self.to {
            return Segment {
                lo: t,
                hi: t.saturating_add(1),
                offset: tz_offset(self.tz, t),
            };
        }
        let k = self.starts.partition_point(|&s| s <= t).saturating_sub(1);
        Segment {
            lo: self.starts.get(k).copied().unwrap_or(self.from),
            hi: self.starts.get(k + 1).copied().unwrap_or(self.to),
            offset: self.offsets.get(k).copied().unwrap_or(0),
        }
    }
}

/// `Europe/London from 2026-01-01 00:00 UTC to 2027-01-01 00:00 UTC: 2
/// offset changes`.
impl fmt::Display for UtcOffsets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let changes = self.starts.len().saturating_sub(1);
        write!(
            f,
            "{} from {} to {}: {changes} offset change{}",
            self.tz,
            self.from().format("%Y-%m-%d %H:%M UTC"),
            self.to().format("%Y-%m-%d %H:%M UTC"),
            if changes == 1 { "" } else { "s" }
        )
    }
}

fn fixed(offset: i64) -> FixedOffset {
    i32::try_from(offset)
        .ok()
        .and_then(FixedOffset::east_opt)
        .unwrap_or_else(|| Utc.fix())
}
