//! Pre-resolved keys and outcomes, and the compact event built from them.

use std::sync::atomic::{AtomicU32, Ordering};

use chrono::{DateTime, Utc};

use crate::Outcome;

/// A source of tracker ids, unique in the process (0 is never handed out:
/// it marks built-in outcome slots).
static NEXT_TRACKER_ID: AtomicU32 = AtomicU32::new(1);

/// A new tracker id (for telling handles apart). After 2³² - 1 trackers in
/// one process the counter sticks at its last value, so handles of
/// trackers made after that are no longer told apart (counters are keyed
/// by a separate 64-bit id and stay correct).
pub(crate) fn next_tracker_id() -> u32 {
    NEXT_TRACKER_ID
        .fetch_update(Ordering::Relaxed, Ordering::Relaxed, |id| id.checked_add(1))
        .unwrap_or(u32::MAX)
}

/// A pre-resolved key (a variant id, or a post id in a post tracker) of one
/// [`Tracker`](super::Tracker): `Copy`, 8 bytes, so recording through it
/// neither compares nor hashes strings. Made by
/// [`Tracker::handle`](super::Tracker::handle); another tracker rejects it
/// with [`Error::ForeignHandle`](crate::Error::ForeignHandle).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Handle {
    pub(crate) tracker: u32,
    pub(crate) key: u32,
}

impl Handle {
    /// The key's index in its tracker (0, 1, … in the order keys were
    /// first seen): a dense index for arrays of your own.
    pub fn index(&self) -> usize {
        self.key as usize
    }
}

/// A pre-resolved outcome: the built-in kinds have fixed slots (0 to 7 in
/// [`Outcome::builtins`] order, the same in every tracker); a custom
/// outcome's slot comes from [`Tracker::outcome_slot`](super::Tracker::outcome_slot)
/// and belongs to that tracker.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct OutcomeSlot {
    /// 0 for built-in kinds, else the tracker that registered the outcome.
    pub(crate) tracker: u32,
    pub(crate) index: u32,
}

impl OutcomeSlot {
    /// Impressions (slot 0).
    pub const IMPRESSION: OutcomeSlot = OutcomeSlot::builtin_at(0);
    /// Clicks (slot 1).
    pub const CLICK: OutcomeSlot = OutcomeSlot::builtin_at(1);
    /// Reposts (slot 2).
    pub const REPOST: OutcomeSlot = OutcomeSlot::builtin_at(2);
    /// Likes (slot 3).
    pub const LIKE: OutcomeSlot = OutcomeSlot::builtin_at(3);
    /// Replies (slot 4).
    pub const REPLY: OutcomeSlot = OutcomeSlot::builtin_at(4);
    /// Quotes (slot 5).
    pub const QUOTE: OutcomeSlot = OutcomeSlot::builtin_at(5);
    /// Profile visits (slot 6).
    pub const PROFILE_VISIT: OutcomeSlot = OutcomeSlot::builtin_at(6);
    /// Follows (slot 7).
    pub const FOLLOW: OutcomeSlot = OutcomeSlot::builtin_at(7);

    const fn builtin_at(index: u32) -> Self {
        OutcomeSlot { tracker: 0, index }
    }

    /// The slot of a built-in outcome; `None` for a custom one (ask the
    /// tracker: [`Tracker::outcome_slot`](super::Tracker::outcome_slot)).
    ///
    /// # Example
    ///
    /// ```
    /// use postab::Outcome;
    /// use postab::tracker::OutcomeSlot;
    ///
    /// assert_eq!(OutcomeSlot::builtin(&Outcome::Click), Some(OutcomeSlot::CLICK));
    /// assert_eq!(OutcomeSlot::CLICK.index(), 1);
    /// ```
    pub fn builtin(outcome: &Outcome) -> Option<Self> {
        outcome
            .builtin_index()
            .map(|i| OutcomeSlot::builtin_at(i as u32))
    }

    /// The slot number (0 to 7 for the built-in kinds, then custom outcomes
    /// in the order the tracker met them).
    pub fn index(&self) -> usize {
        self.index as usize
    }
}

/// The slot value of a compact event whose outcome slot belongs to another
/// tracker than its handle (rejected when recorded).
pub(crate) const FOREIGN_SLOT: u32 = u32::MAX;

/// One observation in 24 bytes, for [`Tracker::add`](super::Tracker::add)
/// and [`Tracker::add_batch`](super::Tracker::add_batch): a [`Handle`], an
/// [`OutcomeSlot`], the time in whole Unix seconds and a multiplicity
/// (`u32`; default 1). It holds no string, so a batch of them is one flat
/// array.
///
/// # Example
///
/// ```
/// use postab::Tracker;
/// use postab::tracker::{CompactEvent, OutcomeSlot};
///
/// let t = Tracker::with_variants(["question", "statement"])?;
/// let q = t.handle("question")?;
/// let at = "2026-11-24T08:00:30Z".parse()?;
/// let e = CompactEvent::new(q, OutcomeSlot::CLICK, at).times(2);
/// assert_eq!((e.handle(), e.outcome(), e.multiplicity()), (q, OutcomeSlot::CLICK, 2));
/// assert_eq!(e.unix_seconds(), 1_795_507_230);
/// t.add_batch(&[e, CompactEvent::new(q, OutcomeSlot::IMPRESSION, at)])?;
/// assert_eq!(t.counts("question")?.clicks(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct CompactEvent {
    pub(crate) secs: i64,
    pub(crate) tracker: u32,
    pub(crate) key: u32,
    pub(crate) slot: u32,
    pub(crate) n: u32,
}

impl CompactEvent {
    /// One occurrence of `outcome` for the handle's key at `at` (taken to
    /// the whole second, rounding down).
    #[inline]
    pub fn new(handle: Handle, outcome: OutcomeSlot, at: DateTime<Utc>) -> Self {
        CompactEvent::at_unix_seconds(handle, outcome, at.timestamp())
    }

    /// As [`CompactEvent::new`], with the time in Unix seconds.
    #[inline]
    pub fn at_unix_seconds(handle: Handle, outcome: OutcomeSlot, secs: i64) -> Self {
        let slot = if outcome.tracker == 0 || outcome.tracker == handle.tracker {
            outcome.index
        } else {
            FOREIGN_SLOT
        };
        CompactEvent {
            secs,
            tracker: handle.tracker,
            key: handle.key,
            slot,
            n: 1,
        }
    }

    /// Sets the multiplicity: the event stands for `n` occurrences (0
    /// records nothing but is still checked).
    #[inline]
    pub fn times(mut self, n: u32) -> Self {
        self.n = n;
        self
    }

    /// The key's handle.
    #[inline]
    pub fn handle(&self) -> Handle {
        Handle {
            tracker: self.tracker,
            key: self.key,
        }
    }

    /// The outcome's slot (for a slot of another tracker than the handle's,
    /// an invalid slot that recording rejects).
    #[inline]
    pub fn outcome(&self) -> OutcomeSlot {
        OutcomeSlot {
            tracker: if (self.slot as usize) < Outcome::BUILTIN_COUNT {
                0
            } else {
                self.tracker
            },
            index: self.slot,
        }
    }

    /// The time in whole Unix seconds.
    #[inline]
    pub fn unix_seconds(&self) -> i64 {
        self.secs
    }

    /// The multiplicity.
    #[inline]
    pub fn multiplicity(&self) -> u32 {
        self.n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_event_is_24_bytes_and_tracker_ids_differ() {
        assert_eq!(std::mem::size_of::<CompactEvent>(), 24);
        assert_eq!(std::mem::size_of::<Handle>(), 8);
        assert_ne!(next_tracker_id(), next_tracker_id());
        let h = Handle { tracker: 5, key: 0 };
        let foreign = OutcomeSlot {
            tracker: 6,
            index: 8,
        };
        assert_eq!(
            CompactEvent::at_unix_seconds(h, foreign, 0).slot,
            FOREIGN_SLOT
        );
        let own = OutcomeSlot {
            tracker: 5,
            index: 8,
        };
        assert_eq!(CompactEvent::at_unix_seconds(h, own, 0).outcome(), own);
    }
}
