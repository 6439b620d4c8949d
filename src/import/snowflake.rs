//! X/Twitter snowflake ids: the posting time is in the id.

use chrono::{DateTime, Utc};

/// The snowflake epoch: 2010-11-04T01:42:54.657Z, in Unix milliseconds.
pub const SNOWFLAKE_EPOCH_MS: i64 = 1_288_834_974_657;

/// The creation time encoded in a snowflake id: the bits above bit 22 are
/// milliseconds since [`SNOWFLAKE_EPOCH_MS`] (the low 22 bits are a worker
/// id and a sequence number).
///
/// Ids from before November 2010 are sequential, not snowflakes, and decode
/// to meaningless times in late 2010; `None` is returned only when the time
/// is not representable (never for a `u64`).
///
/// # Example
///
/// ```
/// use postab::import::snowflake_time;
///
/// // A post whose API record says created_at 2019-12-31T19:26:16.000Z.
/// let at = snowflake_time(1_212_092_628_029_698_048).expect("a time");
/// assert_eq!(at.to_rfc3339(), "2019-12-31T19:26:16.771+00:00");
/// ```
pub fn snowflake_time(id: u64) -> Option<DateTime<Utc>> {
    let ms = i64::try_from(id >> 22).ok()? + SNOWFLAKE_EPOCH_MS;
    DateTime::from_timestamp_millis(ms)
}

/// The smallest snowflake id created at `at` (millisecond precision):
/// useful for synthetic data and for "posts after this time" filters.
/// `None` before the snowflake epoch.
///
/// # Example
///
/// ```
/// use postab::import::{snowflake_id, snowflake_time};
///
/// let at = "2026-07-14T08:00:00.250Z".parse()?;
/// let id = snowflake_id(at).expect("after 2010");
/// assert_eq!(snowflake_time(id), Some(at));
/// assert_eq!(snowflake_time(id + 4_000), Some(at)); // same millisecond
/// # Ok::<(), postab::chrono::ParseError>(())
/// ```
pub fn snowflake_id(at: DateTime<Utc>) -> Option<u64> {
    let ms = at.timestamp_millis().checked_sub(SNOWFLAKE_EPOCH_MS)?;
    let ms = u64::try_from(ms).ok()?;
    (ms < 1 << 42).then_some(ms << 22)
}
