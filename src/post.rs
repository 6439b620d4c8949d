//! Variants and posts: what is being tested, and each publication of it.
//!
//! A [`Variant`] is a treatment (a text style, a call to action or none, a
//! posting slot); a [`Post`] is one publication of a variant, with its own
//! id, publication time, counts and, when the same content is published
//! once per variant (the same blog post tweeted as a question and as a
//! statement), the key of the block it belongs to.

use std::collections::BTreeMap;
use std::fmt;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::{Counts, Error, Result};

/// What media a post carries.
#[derive(
    Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MediaKind {
    /// Text only, no media (the default).
    #[default]
    TextOnly,
    /// One or more still images.
    Image,
    /// A video.
    Video,
    /// An animated GIF.
    Gif,
    /// A link preview card.
    LinkCard,
    /// A poll.
    Poll,
}

impl fmt::Display for MediaKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            MediaKind::TextOnly => "text_only",
            MediaKind::Image => "image",
            MediaKind::Video => "video",
            MediaKind::Gif => "gif",
            MediaKind::LinkCard => "link_card",
            MediaKind::Poll => "poll",
        })
    }
}

/// One version of a post in an experiment: a stable id, a label for reports,
/// the post text and the attributes people vary.
///
/// Only the id is validated (it must be non-empty; uniqueness is checked by
/// the [`Experiment`](crate::Experiment)). Attributes are stored as given.
///
/// # Example
///
/// ```
/// use postab::post::{MediaKind, Variant};
///
/// let v = Variant::new("question", "Is your posting schedule too rigid? {link}")?
///     .with_label("Question hook")
///     .with_call_to_action("Read the post")
///     .with_link("https://example.com/schedules")
///     .with_media(MediaKind::LinkCard)
///     .with_hashtag("socialmedia")
///     .with_scheduled_at("2026-11-24T08:00:00Z".parse()?)
///     .with_tag("author", "sam");
/// assert_eq!(v.id(), "question");
/// assert_eq!(v.label(), "Question hook");
/// assert_eq!(v.call_to_action(), Some("Read the post"));
/// assert_eq!(v.tags().get("author").map(String::as_str), Some("sam"));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "VariantRepr")]
pub struct Variant {
    id: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    label: Option<String>,
    text: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    call_to_action: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    link: Option<String>,
    media: MediaKind,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    hashtags: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    scheduled_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    tags: BTreeMap<String, String>,
}

/// The serialised form of [`Variant`], validated on the way in.
#[derive(Deserialize)]
struct VariantRepr {
    id: String,
    #[serde(default)]
    label: Option<String>,
    #[serde(default)]
    text: String,
    #[serde(default)]
    call_to_action: Option<String>,
    #[serde(default)]
    link: Option<String>,
    #[serde(default)]
    media: MediaKind,
    #[serde(default)]
    hashtags: Vec<String>,
    #[serde(default)]
    scheduled_at: Option<DateTime<Utc>>,
    #[serde(default)]
    tags: BTreeMap<String, String>,
}

impl TryFrom<VariantRepr> for Variant {
    type Error = Error;

    fn try_from(r: VariantRepr) -> Result<Self> {
        let v = Variant::new(r.id, r.text)?;
        Ok(Variant {
            label: r.label,
            call_to_action: r.call_to_action,
            link: r.link,
            media: r.media,
            hashtags: r.hashtags,
            scheduled_at: r.scheduled_at,
            tags: r.tags,
            ..v
        })
    }
}

/// `question (Question hook): Is your posting schedule too rigid? {link}`:
/// the id, the label when it differs, and the post text.
impl fmt::Display for Variant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.id)?;
        if let Some(label) = self.label.as_deref().filter(|l| *l != self.id) {
            write!(f, " ({label})")?;
        }
        write!(f, ": {}", self.text)
    }
}

impl Variant {
    /// A text-only variant with the given id and post text.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyVariantId`] if `id` is empty.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Error, Variant};
    ///
    /// let v = Variant::new("statement", "There is no single right way. {link}")?;
    /// assert_eq!(v.label(), "statement"); // the label defaults to the id
    /// assert_eq!(Variant::new("", "text"), Err(Error::EmptyVariantId));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn new(id: impl Into<String>, text: impl Into<String>) -> Result<Self> {
        let id = id.into();
        if id.is_empty() {
            return Err(Error::EmptyVariantId);
        }
        Ok(Variant {
            id,
            label: None,
            text: text.into(),
            call_to_action: None,
            link: None,
            media: MediaKind::TextOnly,
            hashtags: Vec::new(),
            scheduled_at: None,
            tags: BTreeMap::new(),
        })
    }

    /// Sets the human-readable label used in reports.
    pub fn with_label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    /// Sets the post text.
    pub fn with_text(mut self, text: impl Into<String>) -> Self {
        self.text = text.into();
        self
    }

    /// Sets the call to action ("Read the post", "Sign up", ...).
    pub fn with_call_to_action(mut self, cta: impl Into<String>) -> Self {
        self.call_to_action = Some(cta.into());
        self
    }

    /// Sets the link the post points to.
    pub fn with_link(mut self, link: impl Into<String>) -> Self {
        self.link = Some(link.into());
        self
    }

    /// Sets the media kind.
    pub fn with_media(mut self, media: MediaKind) -> Self {
        self.media = media;
        self
    }

    /// Appends one hashtag (stored as given, with or without `#`).
    pub fn with_hashtag(mut self, hashtag: impl Into<String>) -> Self {
        self.hashtags.push(hashtag.into());
        self
    }

    /// Appends several hashtags.
    pub fn with_hashtags<I, S>(mut self, hashtags: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.hashtags.extend(hashtags.into_iter().map(Into::into));
        self
    }

    /// Sets the scheduled posting time.
    pub fn with_scheduled_at(mut self, at: DateTime<Utc>) -> Self {
        self.scheduled_at = Some(at);
        self
    }

    /// Sets a free-form tag (replacing an earlier value for the same key).
    pub fn with_tag(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// The stable, non-empty id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The label for reports (the id unless set).
    pub fn label(&self) -> &str {
        self.label.as_deref().unwrap_or(&self.id)
    }

    /// The post text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The call to action, if any.
    pub fn call_to_action(&self) -> Option<&str> {
        self.call_to_action.as_deref()
    }

    /// The link, if any.
    pub fn link(&self) -> Option<&str> {
        self.link.as_deref()
    }

    /// The media kind.
    pub fn media(&self) -> MediaKind {
        self.media
    }

    /// The hashtags, in the order given.
    pub fn hashtags(&self) -> &[String] {
        &self.hashtags
    }

    /// The scheduled posting time, if any.
    pub fn scheduled_at(&self) -> Option<DateTime<Utc>> {
        self.scheduled_at
    }

    /// The free-form tags.
    pub fn tags(&self) -> &BTreeMap<String, String> {
        &self.tags
    }

    /// Every attribute people vary, by name, as text: `text`,
    /// `call_to_action` and `link` (`"none"` when absent), `media`,
    /// `hashtags` (`"#a #b"`, `"none"`), `scheduled_at` (RFC 3339,
    /// `"none"`), then each tag under its own key (`tag.<key>` if the key
    /// is one of those names). The label and id are not attributes.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::post::{MediaKind, Variant};
    ///
    /// let v = Variant::new("cta", "New post {link}")?
    ///     .with_call_to_action("Read it")
    ///     .with_media(MediaKind::Image)
    ///     .with_tag("tone", "warm");
    /// let a = v.attributes();
    /// assert_eq!(a.get("call_to_action").map(String::as_str), Some("Read it"));
    /// assert_eq!(a.get("media").map(String::as_str), Some("image"));
    /// assert_eq!(a.get("link").map(String::as_str), Some("none"));
    /// assert_eq!(a.get("tone").map(String::as_str), Some("warm"));
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn attributes(&self) -> BTreeMap<String, String> {
        let none = || "none".to_string();
        let mut out = BTreeMap::from([
            ("text".to_string(), self.text.clone()),
            (
                "call_to_action".to_string(),
                self.call_to_action.clone().unwrap_or_else(none),
            ),
            ("link".to_string(), self.link.clone().unwrap_or_else(none)),
            ("media".to_string(), self.media.to_string()),
            (
                "hashtags".to_string(),
                if self.hashtags.is_empty() {
                    none()
                } else {
                    self.hashtags
                        .iter()
                        .map(|h| format!("#{}", h.trim_start_matches('#')))
                        .collect::<Vec<_>>()
                        .join(" ")
                },
            ),
            (
                "scheduled_at".to_string(),
                self.scheduled_at.map_or_else(none, |t| t.to_rfc3339()),
            ),
        ]);
        for (k, v) in &self.tags {
            let key = if out.contains_key(k) {
                format!("tag.{k}")
            } else {
                k.clone()
            };
            out.insert(key, v.clone());
        }
        out
    }
}

/// For each variant, the [`Variant::attributes`] whose values are not the
/// same in every variant (a tag one variant lacks reads `"none"`): what
/// the experiment tested, for reports.
pub(crate) fn differing_attributes(variants: &[Variant]) -> Vec<BTreeMap<String, String>> {
    let mut all: Vec<BTreeMap<String, String>> = variants.iter().map(Variant::attributes).collect();
    let keys: std::collections::BTreeSet<String> =
        all.iter().flat_map(|a| a.keys().cloned()).collect();
    for key in keys {
        let value =
            |a: &BTreeMap<String, String>| a.get(&key).map_or("none", String::as_str).to_string();
        let first = all.first().map(value);
        if all.iter().all(|a| Some(value(a)) == first) {
            for a in &mut all {
                a.remove(&key);
            }
        } else {
            for a in &mut all {
                a.entry(key.clone()).or_insert_with(|| "none".to_string());
            }
        }
    }
    all
}

/// One publication of a variant: the unit that posts-as-the-unit analyses
/// count (see [`crate::design`]).
///
/// * `id`: the platform's post id or any unique, non-empty name;
/// * `variant`: the id of the [`Variant`] it publishes;
/// * `published_at`: when it went out (posting-time analyses and the order
///   of posts inside a block use it, never the time of an event);
/// * `block`: what the posts of a pair or set share, e.g. the blog post's
///   link when each blog post is tweeted once per text;
/// * `counts`: its aggregated counts (events recorded later for the post
///   through [`crate::Experiment::record_post`] add to them).
///
/// # Example
///
/// ```
/// use postab::{counts, Post};
///
/// let p = Post::new("1861234567890123456", "question")?
///     .published_at("2026-11-24T08:00:00Z".parse()?)
///     .in_block("blog/rigid-schedules")?
///     .with_counts(counts! { impressions: 2_310, clicks: 41 });
/// assert_eq!(p.variant(), "question");
/// assert_eq!(p.block(), Some("blog/rigid-schedules"));
/// assert_eq!(p.counts().clicks(), 41);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "PostRepr")]
pub struct Post {
    id: String,
    variant: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    published_at: Option<DateTime<Utc>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    block: Option<String>,
    counts: Counts,
}

/// The serialised form of [`Post`], validated on the way in.
#[derive(Deserialize)]
struct PostRepr {
    id: String,
    variant: String,
    #[serde(default)]
    published_at: Option<DateTime<Utc>>,
    #[serde(default)]
    block: Option<String>,
    #[serde(default)]
    counts: Counts,
}

impl TryFrom<PostRepr> for Post {
    type Error = Error;

    fn try_from(r: PostRepr) -> Result<Self> {
        let mut post = Post::new(r.id, r.variant)?.with_counts(r.counts);
        post.published_at = r.published_at;
        if let Some(block) = r.block {
            post = post.in_block(block)?;
        }
        post.counts.check_exact()?;
        Ok(post)
    }
}

/// `post 1861234567890123456 of question at 2026-11-24 08:00 UTC in block
/// blog/rigid-schedules: impressions=2310 clicks=41` (the time and block
/// when set; the counts as their `Display`).
impl fmt::Display for Post {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "post {} of {}", self.id, self.variant)?;
        if let Some(at) = self.published_at {
            write!(f, " at {}", at.format("%Y-%m-%d %H:%M UTC"))?;
        }
        if let Some(block) = &self.block {
            write!(f, " in block {block}")?;
        }
        write!(f, ": {}", self.counts)
    }
}

impl Post {
    /// A post `id` of variant `variant`, with no counts yet.
    ///
    /// # Errors
    ///
    /// [`Error::EmptyPostId`] if `id` is empty; [`Error::EmptyVariantId`]
    /// if `variant` is.
    pub fn new(id: impl Into<String>, variant: impl Into<String>) -> Result<Self> {
        let (id, variant) = (id.into(), variant.into());
        if id.is_empty() {
            return Err(Error::EmptyPostId);
        }
        if variant.is_empty() {
            return Err(Error::EmptyVariantId);
        }
        Ok(Post {
            id,
            variant,
            published_at: None,
            block: None,
            counts: Counts::new(),
        })
    }

    /// Sets when the post went out.
    pub fn published_at(mut self, at: DateTime<Utc>) -> Self {
        self.published_at = Some(at);
        self
    }

    /// Puts the post in block `key` (what the posts of a pair share).
    ///
    /// # Errors
    ///
    /// [`Error::InvalidBlock`] if `key` is empty.
    pub fn in_block(mut self, key: impl Into<String>) -> Result<Self> {
        let key = key.into();
        if key.is_empty() {
            return Err(Error::InvalidBlock {
                key,
                reason: "a block key must not be empty".to_string(),
            });
        }
        self.block = Some(key);
        Ok(self)
    }

    /// Sets the post's aggregated counts.
    pub fn with_counts(mut self, counts: Counts) -> Self {
        self.counts = counts;
        self
    }

    /// The post's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// The id of the variant it publishes.
    pub fn variant(&self) -> &str {
        &self.variant
    }

    /// When it went out, if known.
    pub fn publication_time(&self) -> Option<DateTime<Utc>> {
        self.published_at
    }

    /// Its block key, if any.
    pub fn block(&self) -> Option<&str> {
        self.block.as_deref()
    }

    /// Its aggregated counts (without events recorded through the
    /// experiment; see [`crate::Experiment::post_counts`]).
    pub fn counts(&self) -> &Counts {
        &self.counts
    }

    /// Adds counts (a top-up), checked.
    pub(crate) fn add_counts(&mut self, counts: &Counts) -> Result<()> {
        self.counts = self.counts.checked_add(counts)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serde_round_trip_and_validation() {
        let v = Variant::new("a", "hello")
            .unwrap()
            .with_media(MediaKind::Video)
            .with_hashtags(["x", "y"]);
        let json = serde_json::to_string(&v).unwrap();
        assert_eq!(serde_json::from_str::<Variant>(&json).unwrap(), v);
        let err = serde_json::from_str::<Variant>(r#"{"id":"","text":"t"}"#).unwrap_err();
        assert!(err.to_string().contains("must not be empty"), "{err}");
    }

    #[test]
    fn posts_check_ids_blocks_and_counts() {
        assert_eq!(Post::new("", "a"), Err(Error::EmptyPostId));
        assert_eq!(Post::new("p", ""), Err(Error::EmptyVariantId));
        let p = Post::new("p", "a").unwrap();
        assert!(matches!(
            p.clone().in_block(""),
            Err(Error::InvalidBlock { .. })
        ));
        let p = p
            .published_at("2026-11-24T08:00:00Z".parse().unwrap())
            .in_block("blog-1")
            .unwrap()
            .with_counts(crate::counts! { impressions: 10, clicks: 2 });
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(serde_json::from_str::<Post>(&json).unwrap(), p);
        for bad in [
            r#"{"id":"","variant":"a"}"#,
            r#"{"id":"p","variant":"a","block":""}"#,
        ] {
            assert!(serde_json::from_str::<Post>(bad).is_err(), "{bad}");
        }
    }
}
