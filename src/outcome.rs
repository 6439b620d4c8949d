//! What can happen to a post: impressions, clicks, reposts, ... and custom outcomes.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::{Error, Result};

/// One kind of outcome a post can collect.
///
/// The built-in kinds cover what social-media analytics exports report;
/// [`Outcome::Custom`] names anything else (sign-ups, bookmarks, ...).
///
/// # Names
///
/// [`Display`](fmt::Display) writes the canonical name (`impressions`,
/// `clicks`, `reposts`, `likes`, `replies`, `quotes`, `profile_visits`,
/// `follows`; a custom outcome writes its own name). [`FromStr`] accepts the
/// canonical name, the singular (`click`) and a few aliases (`retweets`,
/// `link_clicks`, `favorites`), ignoring ASCII case, and rejects anything else
/// with [`Error::UnknownOutcome`]: custom outcomes are made with
/// [`Outcome::custom`], never by accident through a typo.
///
/// Serde writes an outcome as its name; reading a name that is not a built-in
/// one yields a custom outcome.
///
/// # Example
///
/// ```
/// use postab::Outcome;
///
/// let o: Outcome = "retweets".parse()?;
/// assert_eq!(o, Outcome::Repost);
/// assert_eq!(o.to_string(), "reposts");
/// assert!("retweeets".parse::<Outcome>().is_err());
///
/// let signup = Outcome::custom("newsletter_signups")?;
/// assert_eq!(signup.to_string(), "newsletter_signups");
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Outcome {
    /// The post was shown to someone.
    Impression,
    /// A link in the post was clicked.
    Click,
    /// The post was reposted (retweeted).
    Repost,
    /// The post was liked.
    Like,
    /// Someone replied to the post.
    Reply,
    /// Someone quoted the post.
    Quote,
    /// Someone visited the author's profile from the post.
    ProfileVisit,
    /// Someone followed the author from the post.
    Follow,
    /// A user-named outcome. Build it with [`Outcome::custom`], which rejects
    /// empty and reserved names; code that consumes outcomes (counts,
    /// trackers) rejects such names too.
    Custom(String),
}

/// Each built-in kind with the names [`FromStr`] accepts besides its canonical
/// name, in declaration order.
const ALIASES: [(Outcome, &[&str]); Outcome::BUILTIN_COUNT] = [
    (Outcome::Impression, &["impression"]),
    (Outcome::Click, &["click", "link_clicks", "link_click"]),
    (Outcome::Repost, &["repost", "retweets", "retweet"]),
    (Outcome::Like, &["like", "favorites", "favorite"]),
    (Outcome::Reply, &["reply"]),
    (Outcome::Quote, &["quote"]),
    (Outcome::ProfileVisit, &["profile_visit"]),
    (Outcome::Follow, &["follow"]),
];

/// The key under which serialised [`Counts`](crate::Counts) record an overflow;
/// reserved, so no custom outcome can use it.
pub(crate) const OVERFLOW_KEY: &str = "_overflow";

impl Outcome {
    /// How many built-in (non-custom) kinds there are.
    pub(crate) const BUILTIN_COUNT: usize = 8;

    /// A custom outcome with the given name.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyOutcomeName`] if `name` is empty;
    /// [`Error::ReservedOutcomeName`] if it is a built-in outcome's name or
    /// alias (use the built-in kind) or the reserved `_overflow`.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Error, Outcome};
    ///
    /// assert_eq!(
    ///     Outcome::custom("bookmarks")?,
    ///     Outcome::Custom("bookmarks".to_string())
    /// );
    /// assert_eq!(Outcome::custom(""), Err(Error::EmptyOutcomeName));
    /// assert!(matches!(Outcome::custom("Clicks"), Err(Error::ReservedOutcomeName { .. })));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn custom(name: impl Into<String>) -> Result<Self> {
        let name = name.into();
        validate_custom_name(&name)?;
        Ok(Outcome::Custom(name))
    }

    /// The built-in kinds, in declaration order (impressions first).
    ///
    /// # Example
    ///
    /// ```
    /// use postab::Outcome;
    ///
    /// let names: Vec<String> = Outcome::builtins().map(|o| o.to_string()).collect();
    /// assert_eq!(names[0], "impressions");
    /// assert_eq!(names.len(), 8);
    /// ```
    pub fn builtins() -> impl Iterator<Item = Outcome> + Clone {
        ALIASES.into_iter().map(|(outcome, _)| outcome)
    }

    /// Whether this is a [`Outcome::Custom`] outcome.
    pub fn is_custom(&self) -> bool {
        matches!(self, Outcome::Custom(_))
    }

    /// The canonical name (what [`Display`](fmt::Display) writes).
    pub fn name(&self) -> &str {
        match self {
            Outcome::Impression => "impressions",
            Outcome::Click => "clicks",
            Outcome::Repost => "reposts",
            Outcome::Like => "likes",
            Outcome::Reply => "replies",
            Outcome::Quote => "quotes",
            Outcome::ProfileVisit => "profile_visits",
            Outcome::Follow => "follows",
            Outcome::Custom(name) => name,
        }
    }

    /// Index of a built-in kind in [`Outcome::builtins`] order; `None` for custom.
    pub(crate) fn builtin_index(&self) -> Option<usize> {
        match self {
            Outcome::Impression => Some(0),
            Outcome::Click => Some(1),
            Outcome::Repost => Some(2),
            Outcome::Like => Some(3),
            Outcome::Reply => Some(4),
            Outcome::Quote => Some(5),
            Outcome::ProfileVisit => Some(6),
            Outcome::Follow => Some(7),
            Outcome::Custom(_) => None,
        }
    }

    /// The built-in kind at `index` (as returned by `builtin_index`).
    pub(crate) fn from_builtin_index(index: usize) -> Option<Outcome> {
        ALIASES.get(index).map(|(outcome, _)| outcome.clone())
    }

    /// Checks that a custom outcome has a usable name (built-ins always do).
    pub(crate) fn validate(&self) -> Result<()> {
        match self {
            Outcome::Custom(name) => validate_custom_name(name),
            _ => Ok(()),
        }
    }

    /// The built-in kind named `name`, or else a custom outcome: how names
    /// from serialised data are read.
    pub(crate) fn from_key(name: &str) -> Result<Outcome> {
        match builtin_by_name(name) {
            Some(outcome) => Ok(outcome),
            None => Outcome::custom(name),
        }
    }
}

fn builtin_by_name(name: &str) -> Option<Outcome> {
    ALIASES
        .iter()
        .find(|(outcome, aliases)| {
            outcome.name().eq_ignore_ascii_case(name)
                || aliases.iter().any(|a| a.eq_ignore_ascii_case(name))
        })
        .map(|(outcome, _)| outcome.clone())
}

fn validate_custom_name(name: &str) -> Result<()> {
    if name.is_empty() {
        Err(Error::EmptyOutcomeName)
    } else if name == OVERFLOW_KEY || builtin_by_name(name).is_some() {
        Err(Error::ReservedOutcomeName {
            name: name.to_string(),
        })
    } else {
        Ok(())
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Outcome {
    type Err = Error;

    /// Parses a built-in outcome name or alias (ASCII case ignored).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownOutcome`] for any other name (custom outcomes are made
    /// with [`Outcome::custom`]).
    fn from_str(s: &str) -> Result<Self> {
        builtin_by_name(s).ok_or_else(|| Error::UnknownOutcome {
            name: s.to_string(),
        })
    }
}

impl Serialize for Outcome {
    fn serialize<S: Serializer>(&self, serializer: S) -> std::result::Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Outcome {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Self, D::Error> {
        let name = std::borrow::Cow::<'de, str>::deserialize(deserializer)?;
        Outcome::from_key(&name).map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for o in Outcome::builtins() {
            assert_eq!(o.to_string().parse::<Outcome>(), Ok(o.clone()));
            assert_eq!(
                Outcome::from_builtin_index(o.builtin_index().unwrap()),
                Some(o)
            );
        }
        assert_eq!("Impression".parse::<Outcome>(), Ok(Outcome::Impression));
        assert_eq!(
            "profile_visits".parse::<Outcome>(),
            Ok(Outcome::ProfileVisit)
        );
        assert_eq!(
            "nope".parse::<Outcome>(),
            Err(Error::UnknownOutcome {
                name: "nope".into()
            })
        );
    }

    #[test]
    fn serde_as_name() {
        let v = vec![Outcome::Click, Outcome::custom("signups").unwrap()];
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(json, r#"["clicks","signups"]"#);
        let back: Vec<Outcome> = serde_json::from_str(&json).unwrap();
        assert_eq!(back, v);
        assert!(serde_json::from_str::<Outcome>(r#""""#).is_err());
    }

    #[test]
    fn ordering_puts_builtins_first() {
        let mut v = [
            Outcome::custom("a").unwrap(),
            Outcome::Follow,
            Outcome::Impression,
        ];
        v.sort();
        assert_eq!(v[0], Outcome::Impression);
        assert!(v[2].is_custom());
    }
}
