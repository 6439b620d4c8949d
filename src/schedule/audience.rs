//! One UTC schedule, two audiences: where each post lands in local time.

use chrono::{DateTime, NaiveDateTime, Utc};
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};

use super::slot::SlotLabel;
use super::slots::Slots;

/// One scheduled post as two audiences see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct AudienceComparison {
    /// Audience A's zone.
    pub zone_a: Tz,
    /// Audience B's zone.
    pub zone_b: Tz,
    /// Every post, in the order given.
    pub posts: Vec<ScheduledPost>,
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
/// # Example
///
/// ```
/// use chrono_tz::{America::Los_Angeles, Europe::London};
/// use postab::schedule::{compare_audiences, SlotLabel, Slots};
///
/// // Posted at 09:00 Pacific on 2026-03-10 (16:00 UTC, US already on DST,
/// // UK not yet) and on 2026-04-07 (both on summer time).
/// let schedule = ["2026-03-10T16:00:00Z".parse()?, "2026-04-07T16:00:00Z".parse()?];
/// let cmp = compare_audiences(&schedule, &Slots::hour_of_day(Los_Angeles), London);
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
) -> AudienceComparison {
    let b = slots.in_zone(other);
    let posts = schedule
        .iter()
        .map(|&at| {
            let local_a = slots.local_time(at).naive_local();
            let local_b = b.local_time(at).naive_local();
            ScheduledPost {
                at,
                local_a,
                slot_a: slots.slot_of(at).cloned(),
                local_b,
                slot_b: b.slot_of(at).cloned(),
                offset_difference_minutes: (local_b - local_a).num_minutes(),
            }
        })
        .collect();
    AudienceComparison {
        zone_a: slots.tz(),
        zone_b: other,
        posts,
    }
}
