//! Mapping imported posts to variants.

use std::borrow::Cow;
use std::collections::{BTreeMap, HashSet};
use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use chrono::{DateTime, Utc};

#[cfg(feature = "csv")]
use super::export_table::{ExportPost, ExportTable};
use super::record::{PostRecord, Reach};
use crate::counts::in_variant;
use crate::freq::Proportion;
use crate::repeated::proportion_of;
use crate::{Counts, Error, Experiment, Metric, Post, Result};

type RuleFn = dyn Fn(&PostRecord) -> Option<String> + Send + Sync;
type BlockFn<'a> = dyn Fn(&PostRecord) -> Option<String> + 'a;

#[derive(Clone)]
enum Rule {
    /// Lower-cased tag without `#`.
    Tag(String, String),
    /// Lower-cased phrase.
    Phrase(String, String),
    Ids(HashSet<String>, String),
    /// The post's own variant label.
    Label,
    Custom(Arc<RuleFn>),
}

/// Rules that say which variant a post belongs to; the first rule that
/// matches wins, and posts no rule matches are left unassigned.
///
/// * [`VariantRules::tag`]: the text contains the hashtag (ASCII case
///   ignored; `#hook` does not match `#hooks`);
/// * [`VariantRules::phrase`]: the text contains the phrase (ASCII case
///   ignored);
/// * [`VariantRules::ids`]: the post id is in a list;
/// * [`VariantRules::labels`]: the variant label the file gives the post
///   (a mapped CSV's variant column);
/// * [`VariantRules::rule`]: any closure.
///
/// # Example
///
/// ```
/// use postab::import::VariantRules;
///
/// let rules = VariantRules::new()
///     .ids([1_900_000_000_000_000_000], "pinned")
///     .tag("q", "question")
///     .phrase("there is no single right way", "statement")
///     .rule(|post| post.text.ends_with('?').then(|| "question".to_string()));
/// assert_eq!(rules.len(), 4);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Clone, Default)]
pub struct VariantRules {
    rules: Vec<Rule>,
}

impl fmt::Debug for VariantRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut list = f.debug_list();
        for r in &self.rules {
            match r {
                Rule::Tag(t, v) => list.entry(&format_args!("tag #{t} -> {v}")),
                Rule::Phrase(p, v) => list.entry(&format_args!("phrase {p:?} -> {v}")),
                Rule::Ids(ids, v) => list.entry(&format_args!("{} ids -> {v}", ids.len())),
                Rule::Label => list.entry(&format_args!("the post's variant label")),
                Rule::Custom(_) => list.entry(&format_args!("closure")),
            };
        }
        list.finish()
    }
}

impl VariantRules {
    /// No rules yet.
    pub fn new() -> Self {
        Self::default()
    }

    /// Posts whose text contains hashtag `tag` (with or without `#`) belong
    /// to `variant`.
    pub fn tag(mut self, tag: &str, variant: impl Into<String>) -> Self {
        let tag = tag.trim_start_matches('#').to_ascii_lowercase();
        self.rules.push(Rule::Tag(tag, variant.into()));
        self
    }

    /// Posts whose text contains `phrase` belong to `variant`.
    pub fn phrase(mut self, phrase: &str, variant: impl Into<String>) -> Self {
        self.rules
            .push(Rule::Phrase(phrase.to_ascii_lowercase(), variant.into()));
        self
    }

    /// Posts with one of these ids belong to `variant`: numbers (X ids) or
    /// strings (a Bluesky `at://` URI, a Mastodon or Threads id), compared
    /// as written in decimal with [`PostRecord::id`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::import::{Platform, PostRecord, VariantRules};
    ///
    /// let at = "2026-07-14T08:00:00Z".parse()?;
    /// let x = PostRecord::new(Platform::X, "1900000000000000000", at);
    /// let bsky = PostRecord::new(Platform::Bluesky, "at://did:plc:abc/app.bsky.feed.post/3l2", at);
    /// let rules = VariantRules::new()
    ///     .ids([1_900_000_000_000_000_000_u64], "pinned")
    ///     .ids(["at://did:plc:abc/app.bsky.feed.post/3l2"], "question");
    /// assert_eq!(rules.variant_of(&x).as_deref(), Some("pinned"));
    /// assert_eq!(rules.variant_of(&bsky).as_deref(), Some("question"));
    /// # Ok::<(), postab::chrono::ParseError>(())
    /// ```
    pub fn ids<I>(mut self, ids: I, variant: impl Into<String>) -> Self
    where
        I: IntoIterator,
        I::Item: IntoPostId,
    {
        self.rules.push(Rule::Ids(
            ids.into_iter().map(IntoPostId::into_post_id).collect(),
            variant.into(),
        ));
        self
    }

    /// Posts with a variant label ([`PostRecord::variant`]: the cell of a
    /// mapped CSV's variant or campaign column) belong to the variant of
    /// that name; posts without one are left to the next rules.
    ///
    /// # Example
    ///
    /// ```
    /// # #[cfg(feature = "csv")] {
    /// use postab::import::{read_mapped_str, ColumnMap, ImportMode, TimeFormat, VariantRules};
    /// use postab::{Metric, Outcome};
    ///
    /// let csv = "id,date,campaign,impressions,clicks
    /// 1,2026-07-14,question,2300,41
    /// 2,2026-07-15,statement,2450,55
    /// 3,2026-07-16,statement,1020,19
    /// 4,2026-07-17,question,900,12
    /// ";
    /// let map = ColumnMap::new("id", "date", TimeFormat::pattern("%Y-%m-%d")?)
    ///     .variant("campaign")
    ///     .outcome("impressions", Outcome::Impression)
    ///     .outcome("clicks", Outcome::Click);
    /// let report = read_mapped_str(csv, &map, ImportMode::Strict)?;
    /// let groups = VariantRules::new().labels().group(&report.posts);
    /// assert_eq!(groups.counts("statement")?.clicks(), 74);
    /// let exp = groups.to_experiment("hooks", "question", Metric::click_through())?;
    /// assert_eq!(exp.posts().len(), 4);
    /// # }
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn labels(mut self) -> Self {
        self.rules.push(Rule::Label);
        self
    }

    /// A closure naming the variant of a post (`None`: no match).
    pub fn rule<F>(mut self, f: F) -> Self
    where
        F: Fn(&PostRecord) -> Option<String> + Send + Sync + 'static,
    {
        self.rules.push(Rule::Custom(Arc::new(f)));
        self
    }

    /// How many rules there are.
    pub fn len(&self) -> usize {
        self.rules.len()
    }

    /// Whether there are no rules.
    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }

    /// The variant of `post`: the first matching rule's (an empty name from
    /// a closure counts as no match).
    pub fn variant_of(&self, post: &PostRecord) -> Option<String> {
        self.variant_for(&post)
    }

    fn variant_for<P: GroupPost>(&self, post: &P) -> Option<String> {
        let lower = post.post_text().to_ascii_lowercase();
        self.rules.iter().find_map(|rule| match rule {
            Rule::Tag(tag, v) => has_tag(&lower, tag).then(|| v.clone()),
            Rule::Phrase(p, v) => lower.contains(p.as_str()).then(|| v.clone()),
            Rule::Ids(ids, v) => ids.contains(post.post_id().as_ref()).then(|| v.clone()),
            Rule::Label => post
                .variant_label()
                .filter(|v| !v.is_empty())
                .map(str::to_string),
            Rule::Custom(f) => f(&post.record()).filter(|v| !v.is_empty()),
        })
    }

    /// Groups posts by variant.
    ///
    /// # Example
    ///
    /// ```
    /// # #[cfg(feature = "csv")] {
    /// use postab::import::{read_export_str, ImportMode, VariantRules};
    ///
    /// let csv = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks
    /// 2076939755320246272,\"Tue, Jul 14, 2026\",Too rigid? #q,,1000,5,40,0,0,0,1,2,3,4,30,0,0
    /// 2077370090910646272,\"Wed, Jul 15, 2026\",No single way #s,,900,3,30,0,0,0,0,1,2,2,20,0,0
    /// ";
    /// let report = read_export_str(csv, ImportMode::Strict)?;
    /// let groups = VariantRules::new().tag("q", "question").tag("s", "statement").group(&report.posts);
    /// assert_eq!(groups.counts("question")?.clicks(), 30);
    /// assert!(groups.unassigned.is_empty());
    /// # }
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn group<'p>(&self, posts: &'p [PostRecord]) -> Grouping<'p> {
        self.group_posts(posts.iter())
    }

    /// Groups the posts of an [`ExportTable`] by variant, reading its
    /// columns: no [`PostRecord`] is built, except for a rule given as a
    /// closure ([`VariantRules::rule`]), which is called with each post's
    /// record. The [`Grouping`] counts and builds experiments as it does
    /// for records.
    #[cfg(feature = "csv")]
    #[cfg_attr(docsrs, doc(cfg(feature = "csv")))]
    pub fn group_table<'t>(&self, table: &'t ExportTable) -> Grouping<'t, ExportPost<'t>> {
        self.group_posts(table.iter())
    }

    fn group_posts<'p, P: GroupPost>(&self, posts: impl Iterator<Item = P>) -> Grouping<'p, P> {
        let mut variants: BTreeMap<String, Vec<P>> = BTreeMap::new();
        let mut unassigned = Vec::new();
        for post in posts {
            match self.variant_for(&post) {
                Some(v) => variants.entry(v).or_default().push(post),
                None => unassigned.push(post),
            }
        }
        Grouping {
            variants,
            unassigned,
            posts: PhantomData,
        }
    }
}

pub(super) mod sealed {
    /// Only postab's post types are [`GroupPost`](super::GroupPost)s.
    pub trait Sealed {}
}

/// A post that [`VariantRules`] places and [`Grouping`] counts: a
/// `&`[`PostRecord`], or (with the `csv` feature) a post of an
/// [`ExportTable`] (`ExportPost`). Implemented by postab only.
pub trait GroupPost: sealed::Sealed {
    /// The id, as [`PostRecord::id`] holds it.
    fn post_id(&self) -> Cow<'_, str>;
    /// The text.
    fn post_text(&self) -> &str;
    /// When it was posted.
    fn post_time(&self) -> DateTime<Utc>;
    /// The variant label the file gives it ([`PostRecord::variant`]).
    fn variant_label(&self) -> Option<&str>;
    /// Its counts of one reach (`None`: promoted, and it was not).
    fn reach_counts(&self, reach: Reach) -> Option<Cow<'_, Counts>>;
    /// It as a record (built, for a post of a table).
    fn record(&self) -> Cow<'_, PostRecord>;
}

impl sealed::Sealed for &PostRecord {}

impl GroupPost for &PostRecord {
    fn post_id(&self) -> Cow<'_, str> {
        Cow::Borrowed(&self.id)
    }

    fn post_text(&self) -> &str {
        &self.text
    }

    fn post_time(&self) -> DateTime<Utc> {
        self.posted_at
    }

    fn variant_label(&self) -> Option<&str> {
        self.variant.as_deref()
    }

    fn reach_counts(&self, reach: Reach) -> Option<Cow<'_, Counts>> {
        self.counts_of(reach).map(Cow::Borrowed)
    }

    fn record(&self) -> Cow<'_, PostRecord> {
        Cow::Borrowed(*self)
    }
}

#[cfg(feature = "csv")]
impl sealed::Sealed for ExportPost<'_> {}

#[cfg(feature = "csv")]
impl GroupPost for ExportPost<'_> {
    fn post_id(&self) -> Cow<'_, str> {
        Cow::Owned(self.id().to_string())
    }

    fn post_text(&self) -> &str {
        self.text()
    }

    fn post_time(&self) -> DateTime<Utc> {
        self.posted_at()
    }

    fn variant_label(&self) -> Option<&str> {
        None
    }

    fn reach_counts(&self, reach: Reach) -> Option<Cow<'_, Counts>> {
        self.counts_of(reach).map(Cow::Owned)
    }

    fn record(&self) -> Cow<'_, PostRecord> {
        Cow::Owned(self.to_record())
    }
}

/// A post id as [`VariantRules::ids`] takes it: an X id as a number
/// (`u64`), or any platform's id as a string.
pub trait IntoPostId {
    /// The id as [`PostRecord::id`] holds it.
    fn into_post_id(self) -> String;
}

impl IntoPostId for u64 {
    fn into_post_id(self) -> String {
        self.to_string()
    }
}

impl IntoPostId for &str {
    fn into_post_id(self) -> String {
        self.to_string()
    }
}

impl IntoPostId for String {
    fn into_post_id(self) -> String {
        self
    }
}

impl IntoPostId for &String {
    fn into_post_id(self) -> String {
        self.clone()
    }
}

/// Whether lower-cased `text` contains `#tag` as a whole hashtag.
fn has_tag(text: &str, tag: &str) -> bool {
    !tag.is_empty()
        && text.match_indices('#').any(|(i, _)| {
            let rest = &text[i + 1..];
            rest.starts_with(tag)
                && rest[tag.len()..]
                    .chars()
                    .next()
                    .is_none_or(|c| !(c.is_alphanumeric() || c == '_'))
        })
}

/// Posts grouped by variant: see [`VariantRules::group`] (records, `P` =
/// `&PostRecord`) and [`VariantRules::group_table`] (posts of an
/// [`ExportTable`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Grouping<'p, P = &'p PostRecord> {
    /// The posts of each variant, in file order.
    pub variants: BTreeMap<String, Vec<P>>,
    /// Posts no rule matched.
    pub unassigned: Vec<P>,
    posts: PhantomData<&'p ()>,
}

impl<P: GroupPost> Grouping<'_, P> {
    fn posts(&self, id: &str) -> Result<&[P]> {
        self.variants
            .get(id)
            .map(Vec::as_slice)
            .ok_or_else(|| Error::UnknownVariant { id: id.to_string() })
    }

    /// The summed **organic** counts of variant `id` (promoted counts are
    /// never added in: [`Grouping::counts_in`] gives them apart).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if no post belongs to `id`;
    /// [`Error::CountOverflow`] naming `id` if a sum exceeds `u64::MAX`.
    pub fn counts(&self, id: &str) -> Result<Counts> {
        self.counts_in(id, Reach::Organic)
    }

    /// The summed counts of variant `id` of one reach: organic, or
    /// promoted (the promoted posts' paid counts; posts not promoted add
    /// nothing). The two are never summed together.
    ///
    /// # Errors
    ///
    /// As [`Grouping::counts`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::import::{Platform, PostRecord, Reach, VariantRules};
    /// use postab::counts;
    ///
    /// let at = "2026-07-14T08:00:00Z".parse()?;
    /// let mut post = PostRecord::new(Platform::X, "1", at);
    /// post.text = "#q".to_string();
    /// post.counts = counts! { impressions: 1000, clicks: 20 };
    /// post.promoted = Some(Box::new(counts! { impressions: 5000, clicks: 40 }));
    /// let posts = [post];
    /// let groups = VariantRules::new().tag("q", "question").group(&posts);
    /// assert_eq!(groups.counts_in("question", Reach::Organic)?.impressions(), 1000);
    /// assert_eq!(groups.counts_in("question", Reach::Promoted)?.impressions(), 5000);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts_in(&self, id: &str, reach: Reach) -> Result<Counts> {
        let sum = self
            .posts(id)?
            .iter()
            .filter_map(|p| p.reach_counts(reach))
            .fold(Counts::new(), |sum, c| sum + &*c);
        sum.check_exact().map_err(|e| in_variant(e, id))?;
        Ok(sum)
    }

    /// Each post's `(successes, trials)` for a rate metric: the input of
    /// the post-level analyses in [`crate::repeated`]. Posts with no trials
    /// (never shown) are skipped.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if no post belongs to `id`; as
    /// [`proportion_of`] (naming the variant and post id).
    pub fn post_counts(&self, id: &str, metric: &Metric) -> Result<Vec<Proportion>> {
        self.post_counts_in(id, metric, Reach::Organic)
    }

    /// [`Grouping::post_counts`] of one reach (promoted: the promoted
    /// posts' paid counts).
    ///
    /// # Errors
    ///
    /// As [`Grouping::post_counts`].
    pub fn post_counts_in(
        &self,
        id: &str,
        metric: &Metric,
        reach: Reach,
    ) -> Result<Vec<Proportion>> {
        self.posts(id)?
            .iter()
            .filter_map(|p| p.reach_counts(reach).map(|c| (p, c)))
            .filter(|(_, c)| c.get(metric.denominator()) > 0)
            .map(|(p, c)| proportion_of(metric, &format!("{id} (post {})", p.post_id()), &c))
            .collect()
    }

    /// An [`Experiment`] with one variant per group (text: the group's first
    /// post), `control` as the control, `metric` as its metric and every
    /// post added as a [`Post`] (id: the post id, publication time: the
    /// export's, counts: its **organic** counts), so that the analysis takes
    /// the post as the unit ([`crate::design`]). Promoted counts are left
    /// out: [`Grouping::to_experiment_in`] analyses them apart.
    ///
    /// # Errors
    ///
    /// The errors of [`crate::ExperimentBuilder::build`] (fewer than 2
    /// groups, unknown control) and of [`Experiment::add_post`].
    pub fn to_experiment(
        &self,
        name: impl Into<String>,
        control: &str,
        metric: Metric,
    ) -> Result<Experiment> {
        self.build(name, control, metric, Reach::Organic, None)
    }

    /// As [`Grouping::to_experiment`] on the counts of one reach: with
    /// [`Reach::Promoted`], only the promoted posts, each with its paid
    /// counts (organic and promoted reach of a post are two different
    /// exposures, analysed apart, never summed).
    ///
    /// # Errors
    ///
    /// As [`Grouping::to_experiment`].
    pub fn to_experiment_in(
        &self,
        name: impl Into<String>,
        control: &str,
        metric: Metric,
        reach: Reach,
    ) -> Result<Experiment> {
        self.build(name, control, metric, reach, None)
    }

    /// As [`Grouping::to_experiment`], each post placed in the block that
    /// `block_of` names (e.g. the blog post a tweet links to), for a paired
    /// design: each block published once per variant. A post for which
    /// `block_of` returns `None` gets no block, which a paired analysis
    /// refuses, naming it.
    ///
    /// # Errors
    ///
    /// As [`Grouping::to_experiment`]; [`Error::InvalidBlock`] for an empty
    /// block key.
    ///
    /// # Example
    ///
    /// ```
    /// # #[cfg(feature = "csv")] {
    /// use postab::import::{read_export_str, ImportMode, VariantRules};
    /// use postab::design::Design;
    /// use postab::Metric;
    ///
    /// let csv = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks
    /// 2076939755320246272,\"Tue, Jul 14, 2026\",Rigid schedule? #q https://blog.example/a,,2300,0,0,0,0,0,0,0,0,0,41,0,0
    /// 2077302143185846272,\"Wed, Jul 15, 2026\",No single right way. #s https://blog.example/a,,2450,0,0,0,0,0,0,0,0,0,55,0,0
    /// 2077664531051446272,\"Thu, Jul 16, 2026\",Post less. #s https://blog.example/b,,1020,0,0,0,0,0,0,0,0,0,19,0,0
    /// 2078026918917046272,\"Fri, Jul 17, 2026\",Posting too much? #q https://blog.example/b,,900,0,0,0,0,0,0,0,0,0,12,0,0
    /// 2078389306782646272,\"Sat, Jul 18, 2026\",Threads or not? #q https://blog.example/c,,5100,0,0,0,0,0,0,0,0,0,88,0,0
    /// 2078751694648246272,\"Sun, Jul 19, 2026\",Threads work. #s https://blog.example/c,,4700,0,0,0,0,0,0,0,0,0,97,0,0
    /// ";
    /// let report = read_export_str(csv, ImportMode::Strict)?;
    /// let groups = VariantRules::new().tag("q", "question").tag("s", "statement").group(&report.posts);
    /// // The blog link each tweet carries names its block.
    /// let exp = groups.to_experiment_in_blocks("hooks", "question", Metric::click_through(), |p| {
    ///     p.text.split_whitespace().find(|w| w.starts_with("https://blog.")).map(str::to_string)
    /// })?;
    /// let a = exp.analyze(&Metric::click_through())?;
    /// assert_eq!(a.design.design, Design::PairedPosts);
    /// assert_eq!(a.comparisons[0].control_units, 3);
    /// # }
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn to_experiment_in_blocks(
        &self,
        name: impl Into<String>,
        control: &str,
        metric: Metric,
        block_of: impl Fn(&PostRecord) -> Option<String>,
    ) -> Result<Experiment> {
        self.build(name, control, metric, Reach::Organic, Some(&block_of))
    }

    fn build(
        &self,
        name: impl Into<String>,
        control: &str,
        metric: Metric,
        reach: Reach,
        block_of: Option<&BlockFn<'_>>,
    ) -> Result<Experiment> {
        let mut builder = Experiment::builder(name).control(control).metric(metric);
        for (id, posts) in &self.variants {
            let text = posts.first().map_or("", |p| p.post_text());
            builder = builder.variant(id.clone(), text);
        }
        let mut exp = builder.build()?;
        for (id, posts) in &self.variants {
            for record in posts {
                let Some(counts) = record.reach_counts(reach) else {
                    continue;
                };
                let mut post = Post::new(record.post_id().into_owned(), id.clone())?
                    .published_at(record.post_time())
                    .with_counts(counts.into_owned());
                if let Some(key) = block_of.and_then(|f| f(&record.record())) {
                    post = post.in_block(key)?;
                }
                exp.add_post(post)?;
            }
        }
        Ok(exp)
    }
}
