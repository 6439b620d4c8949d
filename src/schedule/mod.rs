//! Posting slots: when to post, in the audience's local time.
//!
//! "When is the right time to post?" has no universal answer, and the
//! answer is in the *audience's* time zone: an account whose followers are
//! in London should compare London hours even if it is run from Pacific
//! time. This module buckets posts into local-time slots of an IANA time
//! zone by their publication time (never by the time of their clicks) and
//! turns the slots into variants of an analysis.
//!
//! * [`SlotScheme`]: hour of day, weekday, hour of week, or named
//!   [`Window`]s of local time;
//! * [`Slots`]: a scheme in a time zone
//!   ([`postab::chrono_tz::Tz`](crate::chrono_tz::Tz): postab re-exports
//!   `chrono` and `chrono_tz`, no direct dependency needed); finds the slot
//!   of an instant, buckets posts ([`Slots::bucket_posts`], or an
//!   experiment's posts with their events: [`Slots::bucket_experiment`]),
//!   and measures each slot's real-time [`Exposure`] (DST days have 23 or
//!   25 hours: see [`Slots`]);
//! * [`Bucketer`]: bucketing of millions of instants, with the zone's UTC
//!   offsets precomputed once ([`UtcOffsets`]);
//! * [`SlotCounts`]: counts per slot; rates, Beta posteriors, comparison
//!   with a control slot (Bayesian, binomial and post-level), or an
//!   [`Experiment`](crate::Experiment) with slots as variants;
//! * [`compare_audiences`]: where one UTC schedule lands for two audiences.
//!
//! # Example
//!
//! ```
//! use postab::chrono_tz::{America::Los_Angeles, Europe::London};
//! use postab::bayes::BetaPrior;
//! use postab::schedule::{SlotLabel, Slots};
//! use postab::{counts, Metric};
//!
//! // Posts made at 00:00 and 09:00 Pacific time, analysed in London time.
//! let posts = [
//!     ("2026-02-02T08:00:00Z".parse()?, counts! { impressions: 5000, clicks: 150 }),
//!     ("2026-02-03T08:00:00Z".parse()?, counts! { impressions: 5200, clicks: 160 }),
//!     ("2026-02-02T17:00:00Z".parse()?, counts! { impressions: 4800, clicks: 70 }),
//!     ("2026-02-03T17:00:00Z".parse()?, counts! { impressions: 5100, clicks: 80 }),
//! ];
//! let london = Slots::hour_of_day(London);
//! let table = london.bucket_posts(posts.iter().map(|(at, c)| (*at, c)))?;
//! let cmp = table.compare_to(&SlotLabel::Hour(17), &Metric::click_through(), &BetaPrior::uniform())?;
//! let eight = cmp.iter().find(|c| c.label == SlotLabel::Hour(8)).expect("a slot");
//! assert!(eight.prob_beats_control > 0.999);
//! // In Pacific time the same posts are the 00:00 and 09:00 slots.
//! let pacific = london.in_zone(Los_Angeles);
//! assert_eq!(pacific.slot_of(posts[0].0), Some(&SlotLabel::Hour(0)));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

mod audience;
mod offsets;
mod slot;
mod slots;
mod table;

pub use audience::{AudienceComparison, ScheduledPost, compare_audiences};
pub use offsets::UtcOffsets;
pub use slot::{SlotLabel, SlotScheme, Window};
pub use slots::{Bucketer, Exposure, SlotHistogram, Slots};
pub use table::{SlotBucket, SlotCounts, SlotRate, SlotVsControl};
