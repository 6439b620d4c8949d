//! One UTC schedule, two audiences: where each post lands in local time.

use std::fmt;

use chrono::{DateTime, NaiveDateTime, Offset, TimeZone, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::slot::SlotLabel;
use super::slots::Slots;
use crate::validate::read;
use crate::{Error, Result};

/// One scheduled post as two audiences see it.
///
/// Reading from serde checks the offset difference against the local
/// times; inside an [`AudienceComparison`] the local times are also checked
/// against the instant and the zones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ScheduledPostRepr")]
#[non_exhaustive]
pub struct ScheduledPost {
    /// The posting instant.
    pub at: DateTime<Utc>,
    /// Local wall-clock time for audience A.
    pub local_a: NaiveDateTime,
    /// A's slot (`None`: outside every window).
    pub slot_a: Option<SlotLabel>,
    /// Local wall-clock time for audience B.
    pub local_b: NaiveDateTime,
    /// B's slot.
    pub slot_b: Option<SlotLabel>,
    /// B's UTC offset minus A's, in minutes, at that instant (it changes
    /// when only one zone observes DST, or on different dates).
    pub offset_difference_minutes: i64,
}

/// A UTC schedule seen from two time zones with the same slot scheme.
///
/// Reading from serde checks every post's local times against its instant
/// and the two zones, and the offset difference against the local times.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "AudienceComparisonRepr")]
#[non_exhaustive]
pub struct AudienceComparison {
    /// Audience A's zone.
    pub zone_a: Tz,
    /// Audience B's zone.
    pub zone_b: Tz,
    /// Every post, in the order given.
    pub posts: Vec<ScheduledPost>,
}

#[derive(Deserialize)]
struct ScheduledPostRepr {
    at: DateTime<Utc>,
    local_a: NaiveDateTime,
    slot_a: Option<SlotLabel>,
    local_b: NaiveDateTime,
    slot_b: Option<SlotLabel>,
    offset_difference_minutes: i64,
}

impl TryFrom<ScheduledPostRepr> for ScheduledPost {
    type Error = Error;

    fn try_from(r: ScheduledPostRepr) -> Result<Self> {
        if (r.local_b - r.local_a).num_minutes() != r.offset_difference_minutes {
            return Err(read::inconsistent(
                "scheduled post",
                format!(
                    "offset difference {} min does not match local times {} and {}",
                    r.offset_difference_minutes, r.local_a, r.local_b
                ),
            ));
        }
        Ok(ScheduledPost {
            at: r.at,
            local_a: r.local_a,
            slot_a: r.slot_a,
            local_b: r.local_b,
            slot_b: r.slot_b,
            offset_difference_minutes: r.offset_difference_minutes,
        })
    }
}

#[derive(Deserialize)]
struct AudienceComparisonRepr {
    zone_a: Tz,
    zone_b: Tz,
    posts: Vec<ScheduledPost>,
}

impl TryFrom<AudienceComparisonRepr> for AudienceComparison {
    type Error = Error;

    fn try_from(r: AudienceComparisonRepr) -> Result<Self> {
        for p in &r.posts {
            let a = local(p.at, r.zone_a)?;
            let b = local(p.at, r.zone_b)?;
            if a != p.local_a
                || b != p.local_b
                || (b - a).num_minutes() != p.offset_difference_minutes
            {
                return Err(read::inconsistent(
                    "audience comparison",
                    format!(
                        "post at {}: local times or offset difference do not match {} and {}",
                        p.at, r.zone_a, r.zone_b
                    ),
                ));
            }
        }
        Ok(AudienceComparison {
            zone_a: r.zone_a,
            zone_b: r.zone_b,
            posts: r.posts,
        })
    }
}

/// `2026-03-10 16:00 UTC: A 2026-03-10 09:00 (09:00-10:00), B 2026-03-10
/// 16:00 (16:00-17:00), B − A = +420 min` (`no slot` outside every
/// window).
impl fmt::Display for ScheduledPost {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let slot = |s: &Option<SlotLabel>| s.as_ref().map_or("no slot".into(), ToString::to_string);
        write!(
            f,
            "{}: A {} ({}), B {} ({}), B − A = {:+} min",
            self.at.format("%Y-%m-%d %H:%M UTC"),
            self.local_a.format("%Y-%m-%d %H:%M"),
            slot(&self.slot_a),
            self.local_b.format("%Y-%m-%d %H:%M"),
            slot(&self.slot_b),
            self.offset_difference_minutes
        )
    }
}

/// `2 posts seen from America/Los_Angeles (A) and Europe/London (B): 0 in
/// the same slot`: a one-line summary.
impl fmt::Display for AudienceComparison {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} post{} seen from {} (A) and {} (B): {} in the same slot",
            self.posts.len(),
            if self.posts.len() == 1 { "" } else { "s" },
            self.zone_a,
            self.zone_b,
            self.same_slot()
        )
    }
}

/// The local wall-clock time of `at` in `tz`, if representable.
fn local(at: DateTime<Utc>, tz: Tz) -> Result<NaiveDateTime> {
    let offset = tz.offset_from_utc_datetime(&at.naive_utc()).fix();
    at.naive_utc()
        .checked_add_offset(offset)
        .ok_or_else(|| Error::LocalTimeOutOfRange {
            at,
            zone: tz.name().to_string(),
        })
}

impl AudienceComparison {
    /// How many posts land in the same slot for both audiences.
    pub fn same_slot(&self) -> usize {
        self.posts.iter().filter(|p| p.slot_a == p.slot_b).count()
    }

    /// How many posts land in `label` for audience A and for audience B.
    pub fn count_in(&self, label: &SlotLabel) -> (usize, usize) {
        let a = self
            .posts
            .iter()
            .filter(|p| p.slot_a.as_ref() == Some(label))
            .count();
        let b = self
            .posts
            .iter()
            .filter(|p| p.slot_b.as_ref() == Some(label))
            .count();
        (a, b)
    }
}

/// Where each post of a UTC `schedule` lands for an audience in `slots`'
/// zone (A) and one in `other` (B), with the same slot scheme.
///
/// # Errors
///
/// [`Error::LocalTimeOutOfRange`](crate::Error::LocalTimeOutOfRange) for a
/// posting instant whose local time in either zone is not a representable
/// date (within a day of `DateTime::<Utc>::MIN_UTC` or `MAX_UTC`: chrono's
/// dates span years −262143 to 262142); every other instant is accepted.
///
/// # Example
///
/// ```
/// use postab::chrono_tz::{America::Los_Angeles, Europe::London};
/// use postab::schedule::{compare_audiences, SlotLabel, Slots};
///
/// // Posted at 09:00 Pacific on 2026-03-10 (16:00 UTC, US already on DST,
/// // UK not yet) and on 2026-04-07 (both on summer time).
/// let schedule = ["2026-03-10T16:00:00Z".parse()?, "2026-04-07T16:00:00Z".parse()?];
/// let cmp = compare_audiences(&schedule, &Slots::hour_of_day(Los_Angeles), London)?;
/// assert_eq!(cmp.posts[0].slot_b, Some(SlotLabel::Hour(16)));
/// assert_eq!(cmp.posts[1].slot_b, Some(SlotLabel::Hour(17)));
/// assert_eq!(cmp.posts[0].offset_difference_minutes, 7 * 60);
/// assert_eq!(cmp.posts[1].offset_difference_minutes, 8 * 60);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn compare_audiences(
    schedule: &[DateTime<Utc>],
    slots: &Slots,
    other: Tz,
) -> Result<AudienceComparison> {
    let b = slots.in_zone(other);
    let posts = schedule
        .iter()
        .map(|&at| {
            let local_a = slots.local_time(at)?.naive_local();
            let local_b = b.local_time(at)?.naive_local();
            Ok(ScheduledPost {
                at,
                local_a,
                slot_a: slots.slot_of(at).cloned(),
                local_b,
                slot_b: b.slot_of(at).cloned(),
                offset_difference_minutes: (local_b - local_a).num_minutes(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(AudienceComparison {
        zone_a: slots.tz(),
        zone_b: other,
        posts,
    })
}
