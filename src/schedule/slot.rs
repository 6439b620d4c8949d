//! What a posting slot is: schemes, user-defined windows and slot labels.

use std::cmp::Ordering;
use std::fmt;

use chrono::{NaiveTime, Timelike, Weekday};
use serde::{Deserialize, Serialize};

use crate::{Error, Result};

/// Minutes in a day.
pub(crate) const MINUTES_PER_DAY: usize = 1440;
/// Minutes in a week: the period of every slot scheme.
pub(crate) const MINUTES_PER_WEEK: usize = 7 * MINUTES_PER_DAY;

/// How local time is cut into slots.
///
/// Every scheme repeats weekly, so a slot is a set of minutes of the local
/// week (Monday 00:00 to Sunday 23:59).
///
/// # Example
///
/// ```
/// use postab::schedule::{SlotScheme, Window};
///
/// let by_hour = SlotScheme::HourOfDay;
/// let custom = SlotScheme::Windows(vec![
///     Window::new("breakfast", "07:00", "10:00")?,
///     Window::new("late", "22:00", "01:00")?, // wraps past midnight
/// ]);
/// assert_eq!(by_hour.to_string(), "hour of day");
/// assert_eq!(custom.to_string(), "2 windows");
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SlotScheme {
    /// 24 slots, one per local hour (`08:00-09:00`), any weekday.
    HourOfDay,
    /// 7 slots, one per local weekday.
    Weekday,
    /// 168 slots, one per local hour of each weekday (`Mon 08:00`).
    HourOfWeek,
    /// User-defined windows of local time; minutes outside every window are
    /// unassigned. Windows must not overlap.
    Windows(Vec<Window>),
}

impl fmt::Display for SlotScheme {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlotScheme::HourOfDay => f.write_str("hour of day"),
            SlotScheme::Weekday => f.write_str("weekday"),
            SlotScheme::HourOfWeek => f.write_str("hour of week"),
            SlotScheme::Windows(w) if w.len() == 1 => f.write_str("1 window"),
            SlotScheme::Windows(w) => write!(f, "{} windows", w.len()),
        }
    }
}

/// A named window of local wall-clock time, `[start, end)` at minute
/// resolution, optionally restricted to some weekdays.
///
/// An `end` at or before `start` wraps past midnight (`22:00`-`01:00`); the
/// weekday restriction then applies to the day the window *starts* on, so a
/// Friday `22:00`-`01:00` window covers Saturday 00:00-00:59 too.
///
/// # Example
///
/// ```
/// use postab::chrono::Weekday;
/// use postab::schedule::Window;
///
/// let w = Window::new("weekday breakfast", "07:30", "09:00")?
///     .on([Weekday::Mon, Weekday::Tue, Weekday::Wed, Weekday::Thu, Weekday::Fri]);
/// assert_eq!(w.name(), "weekday breakfast");
/// assert!(Window::new("bad", "7am", "09:00").is_err());
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "WindowRepr")]
pub struct Window {
    name: String,
    start: NaiveTime,
    end: NaiveTime,
    #[serde(skip_serializing_if = "Option::is_none")]
    weekdays: Option<Vec<Weekday>>,
}

#[derive(Deserialize)]
struct WindowRepr {
    name: String,
    start: NaiveTime,
    end: NaiveTime,
    #[serde(default)]
    weekdays: Option<Vec<Weekday>>,
}

impl TryFrom<WindowRepr> for Window {
    type Error = Error;

    fn try_from(r: WindowRepr) -> Result<Self> {
        let w = Window::from_times(r.name, r.start, r.end)?;
        Ok(match r.weekdays {
            Some(days) => w.on(days),
            None => w,
        })
    }
}

impl Window {
    /// A window from `start` to `end`, both `HH:MM` in local time.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSlotWindow`] naming the window if its name is empty,
    /// a time is not `HH:MM`, or `start == end`.
    pub fn new(name: impl Into<String>, start: &str, end: &str) -> Result<Self> {
        let name = name.into();
        let parse = |s: &str| {
            NaiveTime::parse_from_str(s, "%H:%M").map_err(|_| Error::InvalidSlotWindow {
                name: name.clone(),
                reason: format!("{s:?} is not a time like \"08:30\""),
            })
        };
        let (start, end) = (parse(start)?, parse(end)?);
        Window::from_times(name, start, end)
    }

    /// A window from two times (seconds are ignored: windows have minute
    /// resolution).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidSlotWindow`] if the name is empty or `start` and `end`
    /// are the same minute.
    pub fn from_times(name: impl Into<String>, start: NaiveTime, end: NaiveTime) -> Result<Self> {
        let name = name.into();
        let start = start.with_second(0).and_then(|t| t.with_nanosecond(0));
        let end = end.with_second(0).and_then(|t| t.with_nanosecond(0));
        let (Some(start), Some(end)) = (start, end) else {
            return Err(Error::InvalidSlotWindow {
                name,
                reason: "invalid time".to_string(),
            });
        };
        if name.is_empty() {
            return Err(Error::InvalidSlotWindow {
                name,
                reason: "the name is empty".to_string(),
            });
        }
        if start == end {
            return Err(Error::InvalidSlotWindow {
                reason: format!("start {} equals end", start.format("%H:%M")),
                name,
            });
        }
        Ok(Window {
            name,
            start,
            end,
            weekdays: None,
        })
    }

    /// Restricts the window to the given weekdays (of its start).
    pub fn on(mut self, weekdays: impl IntoIterator<Item = Weekday>) -> Self {
        let mut days: Vec<Weekday> = weekdays.into_iter().collect();
        days.sort_by_key(Weekday::num_days_from_monday);
        days.dedup();
        self.weekdays = Some(days);
        self
    }

    /// The window's name (its slot label).
    pub fn name(&self) -> &str {
        &self.name
    }

    /// Local start time (inclusive).
    pub fn start(&self) -> NaiveTime {
        self.start
    }

    /// Local end time (exclusive; at or before `start` means the next day).
    pub fn end(&self) -> NaiveTime {
        self.end
    }

    /// The weekdays the window applies to (`None`: every day).
    pub fn weekdays(&self) -> Option<&[Weekday]> {
        self.weekdays.as_deref()
    }

    /// The minutes of the week (0 = Monday 00:00) the window covers.
    pub(crate) fn minutes(&self) -> Vec<usize> {
        let start = minute_of_day(self.start);
        let end = minute_of_day(self.end);
        let len = (end + MINUTES_PER_DAY - start) % MINUTES_PER_DAY;
        let days: Vec<usize> = match &self.weekdays {
            None => (0..7).collect(),
            Some(days) => days
                .iter()
                .map(|d| d.num_days_from_monday() as usize)
                .collect(),
        };
        days.into_iter()
            .flat_map(|d| {
                (0..len).map(move |k| (d * MINUTES_PER_DAY + start + k) % MINUTES_PER_WEEK)
            })
            .collect()
    }

    /// Whether the window covers minute `minute_of_week` (0 = Monday 00:00).
    #[cfg(test)]
    pub(crate) fn covers(&self, minute_of_week: usize) -> bool {
        let start = minute_of_day(self.start);
        let end = minute_of_day(self.end);
        let len = (end + MINUTES_PER_DAY - start) % MINUTES_PER_DAY;
        // Minutes since the most recent local `start`, and the day it fell on.
        let since = (minute_of_week + MINUTES_PER_WEEK - start) % MINUTES_PER_WEEK;
        let offset = since % MINUTES_PER_DAY;
        if offset >= len {
            return false;
        }
        let start_day =
            (minute_of_week + MINUTES_PER_WEEK - offset) % MINUTES_PER_WEEK / MINUTES_PER_DAY;
        match &self.weekdays {
            None => true,
            Some(days) => days
                .iter()
                .any(|d| d.num_days_from_monday() as usize == start_day),
        }
    }
}

/// `weekday breakfast 07:30-09:00 (Mon, Tue, Wed, Thu, Fri)`: the name,
/// the local times and, when restricted, the weekdays.
impl fmt::Display for Window {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {}-{}",
            self.name,
            self.start.format("%H:%M"),
            self.end.format("%H:%M")
        )?;
        if let Some(days) = &self.weekdays {
            let days: Vec<String> = days.iter().map(ToString::to_string).collect();
            write!(f, " ({})", days.join(", "))?;
        }
        Ok(())
    }
}

fn minute_of_day(t: NaiveTime) -> usize {
    (t.hour() * 60 + t.minute()) as usize
}

/// The label of one slot: what a slot is called in counts and reports.
///
/// Labels order chronologically within a scheme (hours, then Monday first),
/// windows by name.
///
/// # Example
///
/// ```
/// use postab::chrono::Weekday;
/// use postab::schedule::SlotLabel;
///
/// assert_eq!(SlotLabel::Hour(8).to_string(), "08:00-09:00");
/// assert_eq!(SlotLabel::Weekday(Weekday::Tue).to_string(), "Tue");
/// assert_eq!(SlotLabel::HourOfWeek(Weekday::Mon, 23).to_string(), "Mon 23:00-24:00");
/// assert!(SlotLabel::Weekday(Weekday::Mon) < SlotLabel::Weekday(Weekday::Sun));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SlotLabel {
    /// A local hour of the day, 0-23.
    Hour(u8),
    /// A local weekday.
    Weekday(Weekday),
    /// A local hour (0-23) of a weekday.
    HourOfWeek(Weekday, u8),
    /// A user-defined window, by name.
    Window(String),
}

impl SlotLabel {
    fn sort_key(&self) -> (u8, u32, &str) {
        match self {
            SlotLabel::Hour(h) => (0, u32::from(*h), ""),
            SlotLabel::Weekday(d) => (1, d.num_days_from_monday(), ""),
            SlotLabel::HourOfWeek(d, h) => (2, d.num_days_from_monday() * 24 + u32::from(*h), ""),
            SlotLabel::Window(name) => (3, 0, name),
        }
    }
}

impl PartialOrd for SlotLabel {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for SlotLabel {
    fn cmp(&self, other: &Self) -> Ordering {
        self.sort_key().cmp(&other.sort_key())
    }
}

impl fmt::Display for SlotLabel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SlotLabel::Hour(h) => write!(f, "{h:02}:00-{:02}:00", h + 1),
            SlotLabel::Weekday(d) => write!(f, "{d}"),
            SlotLabel::HourOfWeek(d, h) => write!(f, "{d} {h:02}:00-{:02}:00", h + 1),
            SlotLabel::Window(name) => f.write_str(name),
        }
    }
}

/// The slot labels of a scheme and the slot of each minute of the local week
/// (`u16::MAX`: unassigned).
pub(crate) fn week_table(scheme: &SlotScheme) -> Result<(Vec<SlotLabel>, Vec<u16>)> {
    let weekday = |i: usize| Weekday::try_from(i as u8).unwrap_or(Weekday::Mon);
    let mut table = vec![UNASSIGNED; MINUTES_PER_WEEK];
    let labels = match scheme {
        SlotScheme::HourOfDay => {
            for (m, slot) in table.iter_mut().enumerate() {
                *slot = ((m % MINUTES_PER_DAY) / 60) as u16;
            }
            (0..24).map(SlotLabel::Hour).collect()
        }
        SlotScheme::Weekday => {
            for (m, slot) in table.iter_mut().enumerate() {
                *slot = (m / MINUTES_PER_DAY) as u16;
            }
            (0..7).map(|d| SlotLabel::Weekday(weekday(d))).collect()
        }
        SlotScheme::HourOfWeek => {
            for (m, slot) in table.iter_mut().enumerate() {
                *slot = (m / 60) as u16;
            }
            (0..7 * 24)
                .map(|i| SlotLabel::HourOfWeek(weekday(i / 24), (i % 24) as u8))
                .collect()
        }
        SlotScheme::Windows(windows) => {
            if windows.len() >= usize::from(UNASSIGNED) {
                return Err(Error::InvalidSlotWindow {
                    name: format!("{} windows", windows.len()),
                    reason: "too many windows".to_string(),
                });
            }
            // Linear in the windows and the minutes they cover (at most a
            // week in all before an overlap is found): a set for the names,
            // and each window walks only its own minutes.
            let mut names = std::collections::HashSet::with_capacity(windows.len());
            for (i, w) in windows.iter().enumerate() {
                if !names.insert(w.name.as_str()) {
                    return Err(Error::InvalidSlotWindow {
                        name: w.name.clone(),
                        reason: "another window has the same name".to_string(),
                    });
                }
                let minutes = w.minutes();
                // The earliest minute of the week this window shares.
                if let Some((m, other)) = minutes
                    .iter()
                    .filter_map(|&m| {
                        let other = windows.get(usize::from(*table.get(m)?))?;
                        Some((m, other))
                    })
                    .min_by_key(|(m, _)| *m)
                {
                    return Err(Error::OverlappingWindows {
                        first: other.name.clone(),
                        second: w.name.clone(),
                        at: format!(
                            "{} {:02}:{:02}",
                            weekday(m / MINUTES_PER_DAY),
                            (m % MINUTES_PER_DAY) / 60,
                            m % 60
                        ),
                    });
                }
                for m in minutes {
                    if let Some(slot) = table.get_mut(m) {
                        *slot = i as u16;
                    }
                }
            }
            windows
                .iter()
                .map(|w| SlotLabel::Window(w.name.clone()))
                .collect()
        }
    };
    Ok((labels, table))
}

/// The table value of a minute outside every slot.
pub(crate) const UNASSIGNED: u16 = u16::MAX;

/// Serde for maps keyed by [`SlotLabel`]: a list of `[label, value]` pairs
/// (labels are not strings, so they cannot be JSON object keys).
pub(crate) mod label_pairs {
    use std::collections::BTreeMap;

    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use super::SlotLabel;

    pub(crate) fn serialize<S: Serializer, V: Serialize>(
        map: &BTreeMap<SlotLabel, V>,
        serializer: S,
    ) -> Result<S::Ok, S::Error> {
        serializer.collect_seq(map.iter())
    }

    /// Reads the pairs; a label given twice is an error (not "last wins").
    pub(crate) fn deserialize<'de, D: Deserializer<'de>, V: Deserialize<'de>>(
        deserializer: D,
    ) -> Result<BTreeMap<SlotLabel, V>, D::Error> {
        let mut map = BTreeMap::new();
        for (label, value) in Vec::<(SlotLabel, V)>::deserialize(deserializer)? {
            let text = label.to_string();
            if map.insert(label, value).is_some() {
                return Err(serde::de::Error::custom(format!(
                    "slot {text:?} given twice"
                )));
            }
        }
        Ok(map)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn minutes_agree_with_covers() {
        let windows = [
            Window::new("a", "07:30", "09:00").unwrap(),
            Window::new("late", "22:00", "01:00").unwrap(),
            Window::new("fri", "23:10", "00:20")
                .unwrap()
                .on([Weekday::Fri, Weekday::Sun]),
            Window::new("none", "10:00", "11:00").unwrap().on([]),
        ];
        for w in &windows {
            let mut from_minutes = w.minutes();
            from_minutes.sort_unstable();
            let from_covers: Vec<usize> = (0..MINUTES_PER_WEEK).filter(|&m| w.covers(m)).collect();
            assert_eq!(from_minutes, from_covers, "{}", w.name());
        }
    }

    #[test]
    fn many_windows_are_checked_in_linear_time() {
        let start = std::time::Instant::now();
        let windows: Vec<Window> = (0..60_000)
            .map(|i| {
                Window::new(format!("w{i}"), "10:00", "11:00")
                    .unwrap()
                    .on([])
            })
            .collect();
        assert!(week_table(&SlotScheme::Windows(windows)).is_ok());
        let mut clash: Vec<Window> = (0..60_000)
            .map(|i| {
                Window::new(format!("w{i}"), "10:00", "11:00")
                    .unwrap()
                    .on([])
            })
            .collect();
        clash.push(Window::new("w7", "12:00", "13:00").unwrap());
        assert!(matches!(
            week_table(&SlotScheme::Windows(clash)),
            Err(Error::InvalidSlotWindow { .. })
        ));
        assert!(start.elapsed() < std::time::Duration::from_secs(2));
    }
}
