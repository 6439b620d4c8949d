//! Per-variant sufficient statistics: one count per outcome.

use std::collections::BTreeMap;
use std::fmt;
use std::iter::Sum;
use std::ops::{Add, AddAssign};
use std::sync::Arc;

use serde::de::{self, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::outcome::OVERFLOW_KEY;
use crate::{Error, Outcome, Result};

/// How many times each outcome happened for one variant.
///
/// Built-in outcomes live in a fixed array, custom outcomes in a sorted map;
/// an outcome never added counts 0.
///
/// # Overflow: checked adds, poisoned merges
///
/// Counts never wrap. The two ways of adding behave differently on purpose:
///
/// - [`Counts::add_count`], [`Counts::with`] and [`Counts::checked_add`] are
///   checked: an overflow returns [`Error::CountOverflow`] naming the outcome
///   and both values, and leaves `self` unchanged.
/// - The operators `+`, `+=` and [`Sum`] cannot return an error, so on
///   overflow they saturate the affected count at `u64::MAX` and mark the
///   result as **overflowed** ("poisoned", like a NaN): every later merge
///   keeps the mark, [`Counts::is_overflowed`] reports it and
///   [`Counts::check_exact`] turns it into the `CountOverflow` error of the
///   first overflow. Everything that consumes counts (metric extraction,
///   experiments) rejects overflowed counts, so a saturated value is never
///   analysed as if it were exact.
///
/// # Serde
///
/// Counts serialise as a plain map from outcome name to count, listing only
/// non-zero counts: `{"impressions": 12400, "clicks": 310, "signups": 4}`.
/// When reading, built-in names and their aliases (see [`Outcome`]) map to
/// the built-in kinds (aliases of one kind add up), any other key is a custom
/// outcome, and an empty key is an error. Overflowed counts carry an extra
/// `"_overflow": {"outcome": .., "current": .., "added": ..}` entry recording
/// the first overflow, so the mark survives a round trip (`_overflow` is
/// therefore not a valid custom outcome name).
///
/// # Example
///
/// ```
/// use postab::{counts, Counts, Outcome};
///
/// let monday = counts! { impressions: 12_400, clicks: 310, reposts: 41 };
/// let tuesday = Counts::new().with(&Outcome::Impression, 9_000)?.with(&Outcome::Click, 200)?;
/// let week: Counts = [monday, tuesday].iter().sum();
/// assert_eq!(week.impressions(), 21_400);
/// assert_eq!(week.get(&Outcome::Click), 510);
///
/// let huge = counts! { clicks: u64::MAX };
/// let poisoned = &huge + &week;
/// assert!(poisoned.is_overflowed());
/// assert!(huge.checked_add(&week).is_err());
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counts {
    builtin: [u64; Outcome::BUILTIN_COUNT],
    /// Never holds zero values, so equal counts compare equal.
    custom: CustomCounts,
    /// The first overflow seen by a saturating merge.
    overflow: Option<Box<Overflow>>,
}

/// The first overflow that poisoned a [`Counts`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Overflow {
    outcome: String,
    current: u64,
    added: u64,
}

impl Counts {
    /// Empty counts: every outcome 0.
    pub fn new() -> Self {
        Self::default()
    }

    /// The count of `outcome` (0 if never added).
    pub fn get(&self, outcome: &Outcome) -> u64 {
        match outcome {
            Outcome::Custom(name) => self.custom.get(name).unwrap_or(0),
            builtin => builtin.builtin_index().map_or(0, |i| self.builtin[i]),
        }
    }

    /// Adds `n` to the count of `outcome`.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] if the count would exceed `u64::MAX` (then
    /// nothing changes); [`Error::EmptyOutcomeName`] or
    /// [`Error::ReservedOutcomeName`] for a custom outcome with an invalid name.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Counts, Error, Outcome};
    ///
    /// let mut c = Counts::new();
    /// c.add_count(&Outcome::Click, 3)?;
    /// c.add_count(&Outcome::custom("signups")?, 1)?;
    /// assert_eq!(c.clicks(), 3);
    /// assert!(matches!(c.add_count(&Outcome::Click, u64::MAX), Err(Error::CountOverflow { .. })));
    /// assert_eq!(c.clicks(), 3);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn add_count(&mut self, outcome: &Outcome, n: u64) -> Result<()> {
        outcome.validate()?;
        let current = self.get(outcome);
        let sum = current
            .checked_add(n)
            .ok_or_else(|| overflow_error(outcome.name(), current, n))?;
        self.set(outcome, sum);
        Ok(())
    }

    /// Builder form of [`Counts::add_count`].
    ///
    /// # Errors
    ///
    /// As [`Counts::add_count`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Counts, Outcome};
    ///
    /// let c = Counts::new().with(&Outcome::Impression, 1_000)?.with(&Outcome::Like, 12)?;
    /// assert_eq!(c.likes(), 12);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn with(mut self, outcome: &Outcome, n: u64) -> Result<Self> {
        self.add_count(outcome, n)?;
        Ok(self)
    }

    /// Adds two counts, failing instead of saturating.
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] if either input is already overflowed (the
    /// error of its first overflow) or if any sum exceeds `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{counts, Error};
    ///
    /// let a = counts! { impressions: 100, clicks: 5 };
    /// assert_eq!(a.checked_add(&a)?.clicks(), 10);
    /// let full = counts! { impressions: u64::MAX };
    /// assert!(matches!(full.checked_add(&a), Err(Error::CountOverflow { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn checked_add(&self, other: &Counts) -> Result<Counts> {
        self.check_exact()?;
        other.check_exact()?;
        let sum = self + other;
        sum.check_exact()?;
        Ok(sum)
    }

    /// Whether a saturating merge overflowed somewhere in this value's history.
    pub fn is_overflowed(&self) -> bool {
        self.overflow.is_some()
    }

    /// `Ok` if the counts are exact (never overflowed).
    ///
    /// # Errors
    ///
    /// [`Error::CountOverflow`] describing the first overflow (its `variant`
    /// is `None`: counts do not know their variant).
    pub fn check_exact(&self) -> Result<()> {
        match &self.overflow {
            None => Ok(()),
            Some(o) => Err(overflow_error(&o.outcome, o.current, o.added)),
        }
    }

    /// Whether every count is zero.
    pub fn is_empty(&self) -> bool {
        self.builtin.iter().all(|&n| n == 0) && self.custom.is_empty()
    }

    /// The non-zero counts, built-in kinds first (in [`Outcome::builtins`]
    /// order), then custom outcomes by name.
    pub fn iter(&self) -> impl Iterator<Item = (Outcome, u64)> + '_ {
        let builtin = Outcome::builtins()
            .zip(self.builtin)
            .filter(|&(_, n)| n > 0);
        let custom = self
            .custom
            .iter()
            .map(|(name, n)| (Outcome::Custom(name.to_string()), n));
        builtin.chain(custom)
    }

    /// Impressions (times the post was shown).
    pub fn impressions(&self) -> u64 {
        self.get(&Outcome::Impression)
    }

    /// Link clicks.
    pub fn clicks(&self) -> u64 {
        self.get(&Outcome::Click)
    }

    /// Reposts.
    pub fn reposts(&self) -> u64 {
        self.get(&Outcome::Repost)
    }

    /// Likes.
    pub fn likes(&self) -> u64 {
        self.get(&Outcome::Like)
    }

    /// Replies.
    pub fn replies(&self) -> u64 {
        self.get(&Outcome::Reply)
    }

    /// Quotes.
    pub fn quotes(&self) -> u64 {
        self.get(&Outcome::Quote)
    }

    /// Profile visits.
    pub fn profile_visits(&self) -> u64 {
        self.get(&Outcome::ProfileVisit)
    }

    /// Follows.
    pub fn follows(&self) -> u64 {
        self.get(&Outcome::Follow)
    }

    /// Used by [`counts!`](crate::counts!): adds `n` with saturate-and-poison
    /// semantics. Not part of the public API.
    #[doc(hidden)]
    pub fn __add_saturating(&mut self, outcome: &Outcome, n: u64) {
        self.add_saturating(outcome, n);
    }

    /// Adds `n`, saturating and poisoning on overflow. `outcome` must be valid.
    pub(crate) fn add_saturating(&mut self, outcome: &Outcome, n: u64) {
        let current = self.get(outcome);
        match current.checked_add(n) {
            Some(sum) => self.set(outcome, sum),
            None => {
                self.set(outcome, u64::MAX);
                self.overflow.get_or_insert_with(|| {
                    Box::new(Overflow {
                        outcome: outcome.name().to_string(),
                        current,
                        added: n,
                    })
                });
            }
        }
    }

    /// The counts of an import row: `values[i]` of the outcome of column
    /// `i` of `keys` (columns of one outcome added up), built without a
    /// search and with one allocation for the custom outcomes. `Err(i)`
    /// names the column whose value took a sum past `u64::MAX`.
    #[cfg(feature = "csv")]
    pub(crate) fn from_keys(
        keys: &OutcomeKeys,
        values: &[u64],
    ) -> std::result::Result<Counts, usize> {
        let value = |i: usize| values.get(i).copied().unwrap_or(0);
        let mut counts = Counts::new();
        for &(i, slot) in &keys.builtin {
            counts.builtin[slot] = counts.builtin[slot].checked_add(value(i)).ok_or(i)?;
        }
        let nonzero = keys.custom.iter().filter(|(i, _)| value(*i) > 0).count();
        if nonzero > 0 {
            let mut custom: Vec<(Name, u64)> = Vec::with_capacity(nonzero);
            for (i, name) in &keys.custom {
                let n = value(*i);
                if n == 0 {
                    continue;
                }
                match custom.last_mut() {
                    Some((last, sum)) if **last == **name => {
                        *sum = sum.checked_add(n).ok_or(*i)?;
                    }
                    _ => custom.push((name.clone(), n)),
                }
            }
            counts.custom = CustomCounts(custom);
        }
        Ok(counts)
    }

    /// Adds `n` to the custom outcome `name` (valid), sharing the name.
    fn add_custom_saturating(&mut self, name: &Name, n: u64) {
        if n == 0 {
            return;
        }
        match self.custom.get_mut(name) {
            None => {
                self.custom.insert(name.clone(), n);
            }
            Some(slot) => match slot.checked_add(n) {
                Some(sum) => *slot = sum,
                // Only reached on overflow: the slow path names the outcome.
                None => self.add_saturating(&Outcome::Custom(name.to_string()), n),
            },
        }
    }

    /// Stores `value` for a valid `outcome`, keeping zeros out of the custom map.
    fn set(&mut self, outcome: &Outcome, value: u64) {
        match outcome {
            Outcome::Custom(name) if value > 0 => match self.custom.get_mut(name) {
                Some(slot) => *slot = value,
                None => {
                    self.custom
                        .insert(Name::Shared(Arc::from(name.as_str())), value);
                }
            },
            Outcome::Custom(name) => {
                self.custom.remove(name);
            }
            builtin => {
                if let Some(i) = builtin.builtin_index() {
                    self.builtin[i] = value;
                }
            }
        }
    }

    /// The saturating merge behind `+`, `+=` and `Sum`.
    fn merge(&mut self, other: &Counts) {
        for (i, &n) in other.builtin.iter().enumerate() {
            match self.builtin[i].checked_add(n) {
                Some(sum) => self.builtin[i] = sum,
                // Only reached on overflow, so the slow path may rebuild the outcome.
                None => {
                    if let Some(outcome) = Outcome::from_builtin_index(i) {
                        self.add_saturating(&outcome, n);
                    }
                }
            }
        }
        for (name, n) in other.custom.iter() {
            self.add_custom_saturating(name, n);
        }
        if self.overflow.is_none() {
            self.overflow.clone_from(&other.overflow);
        }
    }
}

/// Custom outcomes' counts: `(name, count)` sorted by name, no zeros (so
/// equal counts compare equal). A sorted vector, not a map: a post has a
/// handful of custom outcomes, and its counts are built once and read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct CustomCounts(Vec<(Name, u64)>);

/// A custom outcome's name as [`Counts`] keep it: shared by every count
/// that has it, or (the export readers' fixed names) static, so that a
/// row's counts copy their names without reference counting. Names are
/// equal when their text is, however they are held.
#[derive(Debug, Clone)]
enum Name {
    #[cfg_attr(not(feature = "csv"), allow(dead_code))]
    Static(&'static str),
    Shared(Arc<str>),
}

impl PartialEq for Name {
    fn eq(&self, other: &Name) -> bool {
        **self == **other
    }
}

impl Eq for Name {}

impl std::ops::Deref for Name {
    type Target = str;
    fn deref(&self) -> &str {
        match self {
            Name::Static(s) => s,
            Name::Shared(s) => s,
        }
    }
}

impl CustomCounts {
    fn position(&self, name: &str) -> std::result::Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| (**k).cmp(name))
    }

    fn get(&self, name: &str) -> Option<u64> {
        self.position(name).ok().map(|i| self.0[i].1)
    }

    fn get_mut(&mut self, name: &str) -> Option<&mut u64> {
        self.position(name).ok().map(|i| &mut self.0[i].1)
    }

    /// Inserts `name` (not present) with `value`.
    fn insert(&mut self, name: Name, value: u64) {
        if let Err(i) = self.position(&name) {
            self.0.insert(i, (name, value));
        }
    }

    fn remove(&mut self, name: &str) {
        if let Ok(i) = self.position(name) {
            self.0.remove(i);
        }
    }

    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn iter(&self) -> impl Iterator<Item = (&Name, u64)> + '_ {
        self.0.iter().map(|(k, n)| (k, *n))
    }
}

/// The outcomes of an import's count columns, resolved once for every
/// row: the built-in kinds by slot, the custom names (shared by every row's
/// counts) in increasing order, as [`Counts`] keeps them, so that
/// [`Counts::from_keys`] appends instead of searching.
#[cfg(feature = "csv")]
#[derive(Debug, Clone, Default)]
pub(crate) struct OutcomeKeys {
    /// `(column, built-in slot)`.
    builtin: Vec<(usize, usize)>,
    /// `(column, name)`, by name (columns of one name in column order).
    custom: Vec<(usize, Name)>,
}

#[cfg(feature = "csv")]
impl OutcomeKeys {
    /// The keys of valid outcomes, column `i` counting the `i`th.
    pub(crate) fn new<'a>(outcomes: impl IntoIterator<Item = &'a Outcome>) -> Self {
        let mut keys = Self::default();
        for (i, outcome) in outcomes.into_iter().enumerate() {
            keys.push(i, outcome, None);
        }
        keys.sorted()
    }

    /// The keys of the outcome keys `names` (see [`Outcome::from_key`]),
    /// column `i` counting the `i`th: custom names that are already
    /// canonical are kept static.
    pub(crate) fn from_static(names: &[&'static str]) -> Result<Self> {
        let mut keys = Self::default();
        for (i, &key) in names.iter().enumerate() {
            keys.push(i, &Outcome::from_key(key)?, Some(key));
        }
        Ok(keys.sorted())
    }

    /// Column `column` counts `outcome`, whose key `key` (if given) is kept
    /// as a static name when it is the outcome's own.
    fn push(&mut self, column: usize, outcome: &Outcome, key: Option<&'static str>) {
        match (outcome.builtin_index(), key) {
            (Some(slot), _) => self.builtin.push((column, slot)),
            (None, Some(key)) if outcome.name() == key => {
                self.custom.push((column, Name::Static(key)));
            }
            (None, _) => self
                .custom
                .push((column, Name::Shared(Arc::from(outcome.name())))),
        }
    }

    /// The custom names in increasing order (columns of one name stay in
    /// column order).
    fn sorted(mut self) -> Self {
        self.custom.sort_by(|(_, x), (_, y)| str::cmp(x, y));
        self
    }
}

/// A [`Error::CountOverflow`] without a variant.
fn overflow_error(outcome: &str, current: u64, added: u64) -> Error {
    Error::CountOverflow {
        variant: None,
        outcome: outcome.to_string(),
        current,
        added,
    }
}

/// Fills in the variant of a [`Error::CountOverflow`] that has none.
pub(crate) fn in_variant(err: Error, id: &str) -> Error {
    match err {
        Error::CountOverflow {
            variant: None,
            outcome,
            current,
            added,
        } => Error::CountOverflow {
            variant: Some(id.to_string()),
            outcome,
            current,
            added,
        },
        other => other,
    }
}

impl AddAssign<&Counts> for Counts {
    /// Saturating, poisoning merge (see the type docs).
    fn add_assign(&mut self, rhs: &Counts) {
        self.merge(rhs);
    }
}

impl AddAssign for Counts {
    /// Saturating, poisoning merge (see the type docs).
    fn add_assign(&mut self, rhs: Counts) {
        self.merge(&rhs);
    }
}

impl Add<&Counts> for &Counts {
    type Output = Counts;

    /// Saturating, poisoning merge (see the type docs).
    fn add(self, rhs: &Counts) -> Counts {
        let mut sum = self.clone();
        sum.merge(rhs);
        sum
    }
}

impl Add<&Counts> for Counts {
    type Output = Counts;

    /// Saturating, poisoning merge (see the type docs).
    fn add(mut self, rhs: &Counts) -> Counts {
        self.merge(rhs);
        self
    }
}

impl Add for Counts {
    type Output = Counts;

    /// Saturating, poisoning merge (see the type docs).
    fn add(mut self, rhs: Counts) -> Counts {
        self.merge(&rhs);
        self
    }
}

impl Sum for Counts {
    /// Saturating, poisoning merge of all items (see the type docs).
    fn sum<I: Iterator<Item = Counts>>(iter: I) -> Counts {
        iter.fold(Counts::new(), |acc, c| acc + c)
    }
}

impl<'a> Sum<&'a Counts> for Counts {
    /// Saturating, poisoning merge of all items (see the type docs).
    fn sum<I: Iterator<Item = &'a Counts>>(iter: I) -> Counts {
        iter.fold(Counts::new(), |acc, c| acc + c)
    }
}

impl fmt::Display for Counts {
    /// Writes `impressions=12400 clicks=310`, `(none)` when empty, plus
    /// ` (overflowed)` when poisoned.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut first = true;
        for (outcome, n) in self.iter() {
            if !first {
                f.write_str(" ")?;
            }
            write!(f, "{outcome}={n}")?;
            first = false;
        }
        if first {
            f.write_str("(none)")?;
        }
        if self.is_overflowed() {
            f.write_str(" (overflowed)")?;
        }
        Ok(())
    }
}

impl Serialize for Counts {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(None)?;
        for (outcome, n) in self.iter() {
            map.serialize_entry(outcome.name(), &n)?;
        }
        if let Some(o) = &self.overflow {
            map.serialize_entry(OVERFLOW_KEY, o)?;
        }
        map.end()
    }
}

impl<'de> Deserialize<'de> for Counts {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        deserializer.deserialize_map(CountsVisitor)
    }
}

struct CountsVisitor;

impl<'de> Visitor<'de> for CountsVisitor {
    type Value = Counts;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a map from outcome name to count")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Counts, A::Error> {
        let mut counts = Counts::new();
        // Each outcome (under any of its names) and the overflow mark may
        // appear once: a repeated key is an error, not a sum.
        let mut seen: BTreeMap<Outcome, String> = BTreeMap::new();
        let mut overflow_seen = false;
        while let Some(key) = map.next_key::<std::borrow::Cow<'de, str>>()? {
            if key == OVERFLOW_KEY {
                if overflow_seen {
                    return Err(de::Error::custom(format!("duplicate key {OVERFLOW_KEY:?}")));
                }
                overflow_seen = true;
                let o = map.next_value::<Overflow>()?;
                if o.current.checked_add(o.added).is_some() {
                    return Err(de::Error::custom(format!(
                        "{OVERFLOW_KEY}: {} + {} does not exceed u64::MAX",
                        o.current, o.added
                    )));
                }
                counts.overflow = Some(Box::new(o));
            } else {
                let outcome = Outcome::from_key(&key).map_err(de::Error::custom)?;
                if let Some(first) = seen.get(&outcome) {
                    return Err(de::Error::custom(if *first == key {
                        format!("duplicate key {key:?}")
                    } else {
                        format!(
                            "outcome {} given twice, as {first:?} and as {key:?}",
                            outcome.name()
                        )
                    }));
                }
                let n = map.next_value::<u64>()?;
                counts.add_count(&outcome, n).map_err(de::Error::custom)?;
                seen.insert(outcome, key.into_owned());
            }
        }
        Ok(counts)
    }
}

/// A JSON object read with distinct keys, in the order given: serde's maps
/// keep the last of a repeated key silently, this refuses it.
pub(crate) struct UniqueMap<V>(pub(crate) Vec<(String, V)>);

impl<'de, V: Deserialize<'de>> Deserialize<'de> for UniqueMap<V> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        struct UniqueVisitor<V>(std::marker::PhantomData<V>);

        impl<'de, V: Deserialize<'de>> Visitor<'de> for UniqueVisitor<V> {
            type Value = UniqueMap<V>;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a map with distinct keys")
            }

            fn visit_map<A: MapAccess<'de>>(
                self,
                mut map: A,
            ) -> std::result::Result<Self::Value, A::Error> {
                let mut out: Vec<(String, V)> = Vec::new();
                let mut seen = std::collections::HashSet::new();
                while let Some(key) = map.next_key::<String>()? {
                    if !seen.insert(key.clone()) {
                        return Err(de::Error::custom(format!("duplicate key {key:?}")));
                    }
                    out.push((key, map.next_value()?));
                }
                Ok(UniqueMap(out))
            }
        }

        d.deserialize_map(UniqueVisitor(std::marker::PhantomData))
    }
}

/// Reads a JSON object into a map keyed by string, refusing a key given
/// twice (see [`UniqueMap`]). For
/// `#[serde(deserialize_with = "crate::counts::unique_keys")]`.
pub(crate) fn unique_keys<'de, D, V>(
    deserializer: D,
) -> std::result::Result<BTreeMap<String, V>, D::Error>
where
    D: Deserializer<'de>,
    V: Deserialize<'de>,
{
    UniqueMap::deserialize(deserializer).map(|m| m.0.into_iter().collect())
}

/// Builds [`Counts`] from built-in outcome names:
/// `counts! { impressions: 12_400, clicks: 310, reposts: 41 }`.
///
/// Keys are the canonical built-in names (`impressions`, `clicks`, `reposts`,
/// `likes`, `replies`, `quotes`, `profile_visits`, `follows`); an unknown key
/// is a compile error. Values are `u64` expressions. A key given twice adds
/// up; should that exceed `u64::MAX`, the result saturates and is marked
/// overflowed (see [`Counts`]) rather than panicking.
///
/// # Example
///
/// ```
/// use postab::counts;
///
/// let c = counts! { impressions: 12_400, clicks: 310, reposts: 41 };
/// assert_eq!((c.impressions(), c.clicks(), c.reposts(), c.likes()), (12_400, 310, 41, 0));
/// assert!(counts! {}.is_empty());
/// ```
#[macro_export]
macro_rules! counts {
    ($($key:ident : $n:expr),* $(,)?) => {{
        #[allow(unused_mut)]
        let mut counts = $crate::Counts::new();
        $( counts.__add_saturating(&$crate::__counts_outcome!($key), $n); )*
        counts
    }};
}

/// Maps a `counts!` key to its built-in outcome. Not part of the public API.
#[doc(hidden)]
#[macro_export]
macro_rules! __counts_outcome {
    (impressions) => {
        $crate::Outcome::Impression
    };
    (clicks) => {
        $crate::Outcome::Click
    };
    (reposts) => {
        $crate::Outcome::Repost
    };
    (likes) => {
        $crate::Outcome::Like
    };
    (replies) => {
        $crate::Outcome::Reply
    };
    (quotes) => {
        $crate::Outcome::Quote
    };
    (profile_visits) => {
        $crate::Outcome::ProfileVisit
    };
    (follows) => {
        $crate::Outcome::Follow
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn custom_zero_does_not_change_equality() {
        let signups = Outcome::custom("signups").unwrap();
        let mut a = Counts::new();
        a.add_count(&signups, 0).unwrap();
        assert_eq!(a, Counts::new());
        a.add_count(&signups, 2).unwrap();
        assert_eq!(a.get(&signups), 2);
    }

    /// Counts an export reader built with its static names equal counts
    /// built by hand with the same outcomes, and merge with them.
    #[cfg(feature = "csv")]
    #[test]
    fn static_and_shared_names_are_one_outcome() {
        let keys = OutcomeKeys::from_static(&["impressions", "bookmarks"]).unwrap();
        let imported = Counts::from_keys(&keys, &[100, 7]).unwrap();
        let by_hand = crate::counts! { impressions: 100 }
            .with(&Outcome::custom("bookmarks").unwrap(), 7)
            .unwrap();
        assert_eq!(imported, by_hand);
        let mut sum = imported.clone();
        sum += &by_hand;
        assert_eq!(sum.get(&Outcome::custom("bookmarks").unwrap()), 14);
        assert_eq!(sum.iter().count(), 2);
    }

    #[test]
    fn serde_plain_map() {
        let c = crate::counts! { impressions: 12_400, clicks: 310 }
            .with(&Outcome::custom("signups").unwrap(), 4)
            .unwrap();
        let json = serde_json::to_string(&c).unwrap();
        assert_eq!(json, r#"{"impressions":12400,"clicks":310,"signups":4}"#);
        assert_eq!(serde_json::from_str::<Counts>(&json).unwrap(), c);
        let aliased: Counts = serde_json::from_str(r#"{"retweets":2}"#).unwrap();
        assert_eq!(aliased.reposts(), 2);
        assert!(serde_json::from_str::<Counts>(r#"{"retweets":2,"reposts":3}"#).is_err());
        assert!(serde_json::from_str::<Counts>(r#"{"clicks":5,"clicks":7}"#).is_err());
        assert!(serde_json::from_str::<Counts>(r#"{"":1}"#).is_err());
    }

    #[test]
    fn overflow_mark_round_trips() {
        let c = crate::counts! { clicks: u64::MAX } + crate::counts! { clicks: 2 };
        assert!(c.is_overflowed());
        let json = serde_json::to_string(&c).unwrap();
        let back: Counts = serde_json::from_str(&json).unwrap();
        assert_eq!(back, c);
        assert_eq!(
            back.check_exact(),
            Err(Error::CountOverflow {
                variant: None,
                outcome: "clicks".into(),
                current: u64::MAX,
                added: 2
            })
        );
    }
}
