//! Experiments: variants, a control and metrics, with the counts and events
//! collected for each variant.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::{PoisonError, RwLock};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use crate::analysis::{Analysis, AnalysisOptions, ArmInput, Model, Names, analyze_arms};
use crate::counts::in_variant;
use crate::design::{self, Design, DesignChoice, DesignSource, PostData};
use crate::freq::adjust_p_values;
use crate::metric::MetricData;
use crate::repeated::{PostCount, Proportion, proportion_of};
use crate::tracker::{Event, Scope, Snapshot};
use crate::{Counts, Error, Metric, Outcome, Post, Result, Tracker, Variant};

/// An A/B(/n) test of post variants: 2 or more [`Variant`]s with unique ids,
/// one of them the control, the [`Metric`]s of interest, and the data
/// collected so far.
///
/// Data arrives two ways, and [`Experiment::counts`] adds them up:
///
/// - aggregated [`Counts`] through [`Experiment::add_counts`] (an analytics
///   export; adding more later accumulates, a "top-up");
/// - timestamped events through [`Experiment::record`] and friends, kept by
///   an internal [`Tracker`] fixed to the experiment's variant ids.
///
/// Both take `&self`, so an `Arc<Experiment>` can ingest events and count
/// top-ups from several threads.
///
/// The whole state (variants, control, metrics, added counts, events)
/// round-trips through serde; reading it back re-checks every rule that
/// [`ExperimentBuilder::build`] checks.
///
/// # Example
///
/// ```
/// use postab::{counts, Experiment, Metric, Outcome};
///
/// let mut exp = Experiment::builder("launch-post")
///     .variant("question", "Is your posting schedule too rigid? {link}")
///     .variant("statement", "There is no single right way to run an account. {link}")
///     .control("question")
///     .metric(Metric::click_through())
///     .build()?;
///
/// exp.add_counts("question", counts! { impressions: 12_400, clicks: 310, reposts: 41 })?;
/// exp.add_counts("question", counts! { impressions: 600, clicks: 10 })?; // top-up
/// exp.record("statement", Outcome::Click, "2026-11-24T08:03:00Z".parse()?)?;
///
/// assert_eq!(exp.counts("question")?.impressions(), 13_000);
/// assert_eq!(exp.counts("statement")?.clicks(), 1);
///
/// let json = serde_json::to_string(&exp)?;
/// assert_eq!(serde_json::from_str::<Experiment>(&json)?, exp);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "ExperimentRepr")]
pub struct Experiment {
    name: String,
    variants: Vec<Variant>,
    control: String,
    metrics: Vec<Metric>,
    /// The declared design, if any (otherwise inferred at analysis).
    #[serde(skip_serializing_if = "Option::is_none")]
    design: Option<Design>,
    /// Counts added with `add_counts`, one entry per variant (data not
    /// attributed to a post).
    counts: AddedCounts,
    /// Recorded events, fixed to the variant ids (not attributed to a post).
    events: Tracker,
    /// The posts, in the order added.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    posts: Vec<Post>,
    /// Events recorded for posts, fixed to the post ids.
    post_events: Tracker,
    /// Post id -> index into `posts`.
    #[serde(skip)]
    post_index: HashMap<String, usize>,
}

/// The serialised form of [`Experiment`], validated on the way in.
#[derive(Deserialize)]
struct ExperimentRepr {
    name: String,
    variants: Vec<Variant>,
    control: Option<String>,
    #[serde(default)]
    metrics: Vec<Metric>,
    #[serde(default)]
    design: Option<Design>,
    #[serde(default, deserialize_with = "crate::counts::unique_keys")]
    counts: BTreeMap<String, Counts>,
    #[serde(default)]
    events: Option<Tracker>,
    #[serde(default)]
    posts: Vec<Post>,
    #[serde(default)]
    post_events: Option<Tracker>,
}

impl TryFrom<ExperimentRepr> for Experiment {
    type Error = Error;

    fn try_from(r: ExperimentRepr) -> Result<Self> {
        Experiment::assemble(r)
    }
}

/// Builds an [`Experiment`]; see [`Experiment::builder`]. Mistakes are
/// reported by [`ExperimentBuilder::build`].
#[derive(Debug, Clone)]
pub struct ExperimentBuilder {
    name: String,
    variants: Vec<Variant>,
    control: Option<String>,
    metrics: Vec<Metric>,
    design: Option<Design>,
    /// The first error from a `variant` call, reported by `build`.
    error: Option<Error>,
}

impl ExperimentBuilder {
    /// Adds a text-only variant (see [`Variant::new`]).
    pub fn variant(mut self, id: impl Into<String>, text: impl Into<String>) -> Self {
        match Variant::new(id, text) {
            Ok(v) => self.variants.push(v),
            Err(e) => {
                self.error.get_or_insert(e);
            }
        }
        self
    }

    /// Adds a fully described variant.
    pub fn variant_full(mut self, variant: Variant) -> Self {
        self.variants.push(variant);
        self
    }

    /// Chooses the control (baseline) variant by id.
    pub fn control(mut self, id: impl Into<String>) -> Self {
        self.control = Some(id.into());
        self
    }

    /// Adds a metric of interest.
    pub fn metric(mut self, metric: Metric) -> Self {
        self.metrics.push(metric);
        self
    }

    /// Declares how the data were produced (otherwise postab infers it
    /// from the posts at analysis; see [`crate::design`]).
    pub fn design(mut self, design: Design) -> Self {
        self.design = Some(design);
        self
    }

    /// Checks the definition and builds the experiment.
    ///
    /// The checks take time linear in the number of variants and metrics
    /// (hash sets, no pairwise comparison: 30,000 variants build in about
    /// 0.1 s, a size the caller chooses); the same holds when an experiment
    /// is read back through serde.
    ///
    /// # Errors
    ///
    /// - [`Error::EmptyVariantId`] if a variant id is empty;
    /// - [`Error::DuplicateVariant`] naming an id given twice;
    /// - [`Error::TooFewVariants`] with the number given, if fewer than 2;
    /// - [`Error::MissingControl`] if no control was chosen;
    /// - [`Error::UnknownControl`] if the control is not a variant id;
    /// - [`Error::DuplicateMetric`] naming a metric name given twice.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Error, Experiment};
    ///
    /// let err = Experiment::builder("x")
    ///     .variant("a", "A")
    ///     .variant("b", "B")
    ///     .control("c")
    ///     .build()
    ///     .unwrap_err();
    /// assert_eq!(err, Error::UnknownControl { id: "c".into() });
    /// ```
    pub fn build(self) -> Result<Experiment> {
        if let Some(e) = self.error {
            return Err(e);
        }
        Experiment::assemble(ExperimentRepr {
            name: self.name,
            variants: self.variants,
            control: self.control,
            metrics: self.metrics,
            design: self.design,
            counts: BTreeMap::new(),
            events: None,
            posts: Vec::new(),
            post_events: None,
        })
    }
}

impl Experiment {
    /// Starts defining an experiment called `name`.
    pub fn builder(name: impl Into<String>) -> ExperimentBuilder {
        ExperimentBuilder {
            name: name.into(),
            variants: Vec::new(),
            control: None,
            metrics: Vec::new(),
            design: None,
            error: None,
        }
    }

    /// The experiment's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The variants, in the order given.
    pub fn variants(&self) -> &[Variant] {
        &self.variants
    }

    /// The variant with this id, if any.
    pub fn variant(&self, id: &str) -> Option<&Variant> {
        self.variants.iter().find(|v| v.id() == id)
    }

    /// The control variant's id.
    pub fn control(&self) -> &str {
        &self.control
    }

    /// The metrics of interest, in the order given.
    pub fn metrics(&self) -> &[Metric] {
        &self.metrics
    }

    /// The internal event tracker (e.g. for [`Tracker::counts_between`]).
    pub fn tracker(&self) -> &Tracker {
        &self.events
    }

    /// Adds aggregated counts to variant `id`; adding again accumulates.
    /// Takes `&self` (the counts sit behind a lock), so a shared
    /// `Arc<Experiment>` that records events also takes top-ups.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if `id` is not a variant;
    /// [`Error::CountOverflow`] (naming `id`) if `counts` are overflowed or the
    /// accumulated counts would exceed `u64::MAX`. Nothing changes on error.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{counts, Error, Experiment};
    ///
    /// let exp = Experiment::builder("x").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_counts("a", counts! { impressions: 100, clicks: 3 })?;
    /// assert_eq!(
    ///     exp.add_counts("z", counts! { impressions: 1 }),
    ///     Err(Error::UnknownVariant { id: "z".into() })
    /// );
    ///
    /// // Shared between threads: a top-up beside live events.
    /// let shared = std::sync::Arc::new(exp);
    /// let worker = std::sync::Arc::clone(&shared);
    /// std::thread::spawn(move || worker.add_counts("a", counts! { impressions: 50, clicks: 2 }))
    ///     .join()
    ///     .expect("thread")?;
    /// assert_eq!(shared.added_counts("a")?.clicks(), 5);
    /// # Ok::<(), Error>(())
    /// ```
    pub fn add_counts(&self, id: &str, counts: Counts) -> Result<()> {
        let mut added = self
            .counts
            .0
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        let total = added
            .get_mut(id)
            .ok_or_else(|| Error::UnknownVariant { id: id.to_string() })?;
        *total = total.checked_add(&counts).map_err(|e| in_variant(e, id))?;
        Ok(())
    }

    /// The counts added to variant `id` with [`Experiment::add_counts`]
    /// (without recorded events).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if `id` is not a variant.
    pub fn added_counts(&self, id: &str) -> Result<Counts> {
        self.counts
            .read()
            .get(id)
            .cloned()
            .ok_or_else(|| Error::UnknownVariant { id: id.to_string() })
    }

    /// Records one event for variant `id` (see [`Tracker::record`]).
    ///
    /// # Errors
    ///
    /// As [`Tracker::record_n`]; an id that is not a variant is
    /// [`Error::UnknownVariant`].
    pub fn record(&self, id: &str, outcome: Outcome, at: DateTime<Utc>) -> Result<()> {
        self.events.record(id, outcome, at)
    }

    /// Records `n` occurrences for variant `id` (see [`Tracker::record_n`]).
    ///
    /// # Errors
    ///
    /// As [`Tracker::record_n`].
    pub fn record_n(&self, id: &str, outcome: Outcome, at: DateTime<Utc>, n: u64) -> Result<()> {
        self.events.record_n(id, outcome, at, n)
    }

    /// Records a batch of events, all or nothing (see [`Tracker::record_batch`]).
    ///
    /// # Errors
    ///
    /// As [`Tracker::record_batch`].
    pub fn record_batch<'a, I>(&self, events: I) -> Result<()>
    where
        I: IntoIterator<Item = Event<'a>>,
    {
        self.events.record_batch(events)
    }

    /// All data for variant `id`: added counts, recorded events, and the
    /// counts and events of its posts.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if `id` is not a variant;
    /// [`Error::CountOverflow`] (naming `id`) if the sum exceeds `u64::MAX`.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{counts, Experiment, Outcome};
    ///
    /// let mut exp = Experiment::builder("x").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_counts("a", counts! { impressions: 100, clicks: 3 })?;
    /// exp.record("a", Outcome::Click, "2026-11-24T08:00:00Z".parse()?)?;
    /// assert_eq!(exp.counts("a")?.clicks(), 4);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn counts(&self, id: &str) -> Result<Counts> {
        let mut total = self.unattributed(id)?;
        for p in self.posts.iter().filter(|p| p.variant() == id) {
            total = total
                .checked_add(&self.post_counts(p.id())?)
                .map_err(|e| in_variant(e, id))?;
        }
        Ok(total)
    }

    /// Validates a definition (from the builder or from serde) and assembles it.
    fn assemble(r: ExperimentRepr) -> Result<Self> {
        let ExperimentRepr {
            name,
            variants,
            control,
            metrics,
            design,
            mut counts,
            events,
            posts,
            post_events,
        } = r;
        // Sets, not pairwise scans: validation is linear in the number of
        // variants, metrics and posts.
        let mut ids: HashSet<&str> = HashSet::with_capacity(variants.len());
        for v in &variants {
            if !ids.insert(v.id()) {
                return Err(Error::DuplicateVariant {
                    id: v.id().to_string(),
                });
            }
        }
        if variants.len() < 2 {
            return Err(Error::TooFewVariants {
                got: variants.len(),
            });
        }
        let control = control.ok_or(Error::MissingControl)?;
        if !ids.contains(control.as_str()) {
            return Err(Error::UnknownControl { id: control });
        }
        let mut names: HashSet<&str> = HashSet::with_capacity(metrics.len());
        for m in &metrics {
            if !names.insert(m.name()) {
                return Err(Error::DuplicateMetric {
                    name: m.name().to_string(),
                });
            }
        }
        if let Some(id) = counts.keys().find(|id| !ids.contains(id.as_str())) {
            return Err(Error::UnknownVariant { id: id.clone() });
        }
        for (id, c) in &counts {
            c.check_exact().map_err(|e| in_variant(e, id))?;
        }
        let mut post_index = HashMap::with_capacity(posts.len());
        for (i, p) in posts.iter().enumerate() {
            if !ids.contains(p.variant()) {
                return Err(Error::UnknownVariant {
                    id: p.variant().to_string(),
                });
            }
            if post_index.insert(p.id().to_string(), i).is_some() {
                return Err(Error::DuplicatePost {
                    id: p.id().to_string(),
                });
            }
        }
        for id in ids {
            counts.entry(id.to_string()).or_default();
        }
        let events = events
            .unwrap_or_default()
            .into_fixed(variants.iter().map(Variant::id))?
            .in_experiment(&name, Scope::Variants)?;
        let post_events = post_events
            .unwrap_or_default()
            .into_fixed(posts.iter().map(Post::id))
            .map_err(|e| match e {
                Error::UnknownVariant { id } => Error::UnknownPost { id },
                e => e,
            })?
            .in_experiment(&name, Scope::Posts)?;
        Ok(Experiment {
            name,
            variants,
            control,
            metrics,
            design,
            counts: AddedCounts(RwLock::new(counts)),
            events,
            posts,
            post_events,
            post_index,
        })
    }
}

/// Counts added with [`Experiment::add_counts`], one entry per variant,
/// behind a lock so that a shared experiment (`Arc<Experiment>`) takes
/// top-ups as it takes events. Serialised as the plain map.
#[derive(Default)]
struct AddedCounts(RwLock<BTreeMap<String, Counts>>);

impl AddedCounts {
    /// The map, read-locked (a poisoned lock still holds whole counts:
    /// every change is a single assignment of checked totals).
    fn read(&self) -> std::sync::RwLockReadGuard<'_, BTreeMap<String, Counts>> {
        self.0.read().unwrap_or_else(PoisonError::into_inner)
    }
}

impl Clone for AddedCounts {
    fn clone(&self) -> Self {
        AddedCounts(RwLock::new(self.read().clone()))
    }
}

impl PartialEq for AddedCounts {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self, other) || *self.read() == *other.read()
    }
}

impl Eq for AddedCounts {}

impl std::fmt::Debug for AddedCounts {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.read().fmt(f)
    }
}

impl Serialize for AddedCounts {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        self.read().serialize(s)
    }
}

/// Posts: publications of the variants, each with its own counts and events.
impl Experiment {
    /// Adds a post of one of the variants (see [`Post`]).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownVariant`] if its variant is not one of the
    /// experiment's; [`Error::DuplicatePost`] if a post with its id was
    /// added before. Nothing changes on error.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{counts, Error, Experiment, Post};
    ///
    /// let mut exp = Experiment::builder("texts").variant("q", "Q?").variant("s", "S.").control("q").build()?;
    /// exp.add_post(Post::new("t1", "q")?.with_counts(counts! { impressions: 900, clicks: 21 }))?;
    /// exp.add_post(Post::new("t2", "s")?.with_counts(counts! { impressions: 1_100, clicks: 30 }))?;
    /// assert_eq!(exp.counts("s")?.clicks(), 30);
    /// assert_eq!(exp.add_post(Post::new("t2", "q")?), Err(Error::DuplicatePost { id: "t2".into() }));
    /// assert_eq!(exp.add_post(Post::new("t3", "x")?), Err(Error::UnknownVariant { id: "x".into() }));
    /// # Ok::<(), Error>(())
    /// ```
    pub fn add_post(&mut self, post: Post) -> Result<()> {
        self.add_posts([post])
    }

    /// Adds several posts, all or nothing.
    ///
    /// # Errors
    ///
    /// As [`Experiment::add_post`], for the first post that fails (also
    /// when two of the new posts share an id).
    pub fn add_posts(&mut self, posts: impl IntoIterator<Item = Post>) -> Result<()> {
        let posts: Vec<Post> = posts.into_iter().collect();
        // Checked in full before anything changes.
        let mut new_ids = HashSet::with_capacity(posts.len());
        for p in &posts {
            if self.variant(p.variant()).is_none() {
                return Err(Error::UnknownVariant {
                    id: p.variant().to_string(),
                });
            }
            if self.post_index.contains_key(p.id()) || !new_ids.insert(p.id()) {
                return Err(Error::DuplicatePost {
                    id: p.id().to_string(),
                });
            }
        }
        for p in posts {
            self.post_index.insert(p.id().to_string(), self.posts.len());
            self.post_events.admit(p.id());
            self.posts.push(p);
        }
        Ok(())
    }

    /// The posts, in the order added.
    pub fn posts(&self) -> &[Post] {
        &self.posts
    }

    /// The post with this id, if any.
    pub fn post(&self, id: &str) -> Option<&Post> {
        self.post_index.get(id).map(|&i| &self.posts[i])
    }

    /// Adds aggregated counts to post `id` (a top-up).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPost`]; [`Error::CountOverflow`] naming the post.
    pub fn add_post_counts(&mut self, id: &str, counts: Counts) -> Result<()> {
        let &i = self
            .post_index
            .get(id)
            .ok_or_else(|| Error::UnknownPost { id: id.to_string() })?;
        self.posts[i]
            .add_counts(&counts)
            .map_err(|e| in_variant(e, id))
    }

    /// Records one event of post `id` (its variant follows from the post).
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPost`]; [`Error::CountOverflow`] naming the post.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Experiment, Outcome, Post};
    ///
    /// let mut exp = Experiment::builder("cta").variant("cta", "Read it").variant("none", "").control("none").build()?;
    /// exp.add_post(Post::new("p1", "cta")?.published_at("2026-11-24T08:00:00Z".parse()?))?;
    /// exp.record_post("p1", Outcome::Impression, "2026-11-24T08:01:00Z".parse()?)?;
    /// exp.record_post("p1", Outcome::Click, "2026-11-24T09:40:00Z".parse()?)?;
    /// assert_eq!(exp.post_counts("p1")?.clicks(), 1);
    /// assert_eq!(exp.counts("cta")?.clicks(), 1);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_post(&self, id: &str, outcome: Outcome, at: DateTime<Utc>) -> Result<()> {
        self.record_post_n(id, outcome, at, 1)
    }

    /// Records `n` occurrences for post `id`.
    ///
    /// # Errors
    ///
    /// As [`Experiment::record_post`].
    pub fn record_post_n(
        &self,
        id: &str,
        outcome: Outcome,
        at: DateTime<Utc>,
        n: u64,
    ) -> Result<()> {
        if !self.post_index.contains_key(id) {
            return Err(Error::UnknownPost { id: id.to_string() });
        }
        self.post_events.record_n(id, outcome, at, n)
    }

    /// Records a batch of events, each naming its **post** (the event's id
    /// is a post id), all or nothing.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPost`] naming the first unknown post (nothing is
    /// recorded); otherwise as [`Tracker::record_batch`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Event, Experiment, Outcome, Post};
    ///
    /// let mut exp = Experiment::builder("cta").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_post(Post::new("p1", "a")?)?;
    /// let at = "2026-11-24T08:00:00Z".parse()?;
    /// exp.record_post_batch([
    ///     Event::new("p1", Outcome::Impression, at).times(500),
    ///     Event::new("p1", Outcome::Click, at),
    /// ])?;
    /// assert_eq!(exp.counts("a")?.impressions(), 500);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn record_post_batch<'a, I>(&self, events: I) -> Result<()>
    where
        I: IntoIterator<Item = Event<'a>>,
    {
        let events: Vec<Event<'a>> = events.into_iter().collect();
        if let Some(e) = events
            .iter()
            .find(|e| !self.post_index.contains_key(e.variant()))
        {
            return Err(Error::UnknownPost {
                id: e.variant().to_string(),
            });
        }
        self.post_events.record_batch(events)
    }

    /// The event tracker of the posts (keyed by post id; e.g. for
    /// [`Tracker::counts_between`]).
    pub fn post_tracker(&self) -> &Tracker {
        &self.post_events
    }

    /// Adds a tracker [`Snapshot`] (for instance the merged counts of
    /// several ingesting processes, see [`Snapshot::merge`]) to the
    /// experiment's events: a snapshot of [`Scope::Variants`] to the
    /// variants' tracker ([`Experiment::tracker`]), one of [`Scope::Posts`]
    /// to the posts' ([`Experiment::post_tracker`]). All or nothing.
    ///
    /// The experiment's trackers carry its name as their experiment id and
    /// count in their bucket width (one minute unless read back otherwise),
    /// so snapshots taken from `exp.tracker()` / `exp.post_tracker()` of
    /// copies of the same experiment merge.
    ///
    /// # Errors
    ///
    /// [`Error::SnapshotMismatch`] for a snapshot of another experiment or
    /// bucket width; [`Error::UnknownVariant`] / [`Error::UnknownPost`] for
    /// a key the experiment lacks; otherwise as [`Tracker::merge`].
    ///
    /// # Example
    ///
    /// ```
    /// use postab::{Experiment, Outcome, Post};
    ///
    /// let mut exp = Experiment::builder("cta").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_post(Post::new("p1", "b")?)?;
    /// let at = "2026-11-24T08:00:00Z".parse()?;
    ///
    /// // Two ingesting processes, each with its own copy of the experiment.
    /// let (one, two) = (exp.clone(), exp.clone());
    /// one.record_post_n("p1", Outcome::Click, at, 2)?;
    /// two.record_post_n("p1", Outcome::Click, at, 3)?;
    /// let mut merged = one.post_tracker().snapshot()?;
    /// merged.merge(&two.post_tracker().snapshot()?)?;
    ///
    /// exp.merge(&merged)?;
    /// assert_eq!(exp.counts("b")?.clicks(), 5);
    /// # Ok::<(), Box<dyn std::error::Error>>(())
    /// ```
    pub fn merge(&self, snapshot: &Snapshot) -> Result<()> {
        match snapshot.scope() {
            Scope::Variants => self.events.merge(snapshot),
            Scope::Posts => self.post_events.merge(snapshot).map_err(|e| match e {
                Error::UnknownVariant { id } => Error::UnknownPost { id },
                e => e,
            }),
        }
    }

    /// All data of post `id`: its counts plus the events recorded for it.
    ///
    /// # Errors
    ///
    /// [`Error::UnknownPost`]; [`Error::CountOverflow`] naming the post.
    pub fn post_counts(&self, id: &str) -> Result<Counts> {
        let post = self
            .post(id)
            .ok_or_else(|| Error::UnknownPost { id: id.to_string() })?;
        let tracked = self.post_events.counts(id)?;
        post.counts()
            .checked_add(&tracked)
            .map_err(|e| in_variant(e, id))
    }

    /// Data of variant `id` not attributed to any post: counts added with
    /// [`Experiment::add_counts`] plus events recorded for the variant.
    fn unattributed(&self, id: &str) -> Result<Counts> {
        let added = self.added_counts(id)?;
        let tracked = self.events.counts(id)?;
        added.checked_add(&tracked).map_err(|e| in_variant(e, id))
    }

    /// The design an analysis with `options` uses, declared or inferred,
    /// and why (see [`crate::design`] for the rules).
    ///
    /// # Errors
    ///
    /// [`Error::DesignMismatch`] when a declared paired design has posts
    /// without block keys or no posts at all.
    ///
    /// # Example
    ///
    /// ```
    /// use postab::design::Design;
    /// use postab::analysis::AnalysisOptions;
    /// use postab::{counts, Experiment};
    ///
    /// let mut exp = Experiment::builder("x").variant("a", "A").variant("b", "B").control("a").build()?;
    /// exp.add_counts("a", counts! { impressions: 1_000, clicks: 20 })?;
    /// exp.add_counts("b", counts! { impressions: 1_000, clicks: 30 })?;
    /// // Two totals whose posts are unknown: one post per variant.
    /// assert_eq!(exp.design(&AnalysisOptions::default())?.design, Design::IndependentPosts);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn design(&self, options: &AnalysisOptions) -> Result<DesignChoice> {
        let blocks: HashSet<&str> = self.posts.iter().filter_map(Post::block).collect();
        let choice = |design, source, reason: String| DesignChoice {
            design,
            source,
            reason,
        };
        match (self.design, options.split.is_some()) {
            (Some(Design::RandomisedExposure), _) => Ok(choice(
                Design::RandomisedExposure,
                DesignSource::Declared,
                "declared: the platform split impressions between the variants at random"
                    .to_string(),
            )),
            (None, true) => Ok(choice(
                Design::RandomisedExposure,
                DesignSource::Declared,
                "a split was declared in the analysis options, so impressions were assigned at random"
                    .to_string(),
            )),
            (Some(Design::PairedPosts), _) => {
                if self.posts.is_empty() {
                    return Err(Error::DesignMismatch {
                        design: Design::PairedPosts.to_string(),
                        reason: "declared, but the experiment has no posts".to_string(),
                    });
                }
                if let Some(p) = self.posts.iter().find(|p| p.block().is_none()) {
                    return Err(Error::DesignMismatch {
                        design: Design::PairedPosts.to_string(),
                        reason: format!("declared, but post {:?} has no block key", p.id()),
                    });
                }
                Ok(choice(
                    Design::PairedPosts,
                    DesignSource::Declared,
                    format!(
                        "declared: {} posts in {} blocks, each block published once per variant",
                        self.posts.len(),
                        blocks.len()
                    ),
                ))
            }
            (Some(Design::IndependentPosts), _) => Ok(choice(
                Design::IndependentPosts,
                DesignSource::Declared,
                self.posts_reason("declared"),
            )),
            (None, false) if !blocks.is_empty() => Ok(choice(
                Design::PairedPosts,
                DesignSource::Inferred,
                format!(
                    "{} posts carry block keys ({} blocks): variants are compared inside blocks",
                    self.posts.len(),
                    blocks.len()
                ),
            )),
            (None, false) => Ok(choice(
                Design::IndependentPosts,
                DesignSource::Inferred,
                self.posts_reason("no split declared"),
            )),
        }
    }

    /// Why the posts are independent posts, counting them.
    fn posts_reason(&self, prefix: &str) -> String {
        if self.posts.is_empty() {
            format!(
                "{prefix}; the counts are not attributed to posts, so each variant's counts \
                 are taken as one post (declare randomised exposure if the platform split \
                 impressions at random)"
            )
        } else {
            format!(
                "{prefix}; {} separately published posts, the post is the unit",
                self.posts.len()
            )
        }
    }

    /// [`Experiment::post_data`] from a fresh tally: what the unit-level
    /// analysis of `metric` reads (used by decisions across metrics).
    pub(crate) fn unit_data(&self, metric: &Metric) -> Result<Vec<PostData<'_>>> {
        self.post_data(metric, &self.tally()?)
    }

    /// Each post's (or, without posts, each variant's) data for a rate
    /// metric, for the unit-level analysis.
    fn post_data(&self, metric: &Metric, tally: &Tally) -> Result<Vec<PostData<'_>>> {
        self.unit_observations(metric, tally, proportion)
    }

    /// Each post's (or each variant's) observation by `observe` (its name
    /// and counts): the data of the unit-level analyses.
    fn unit_observations<T>(
        &self,
        metric: &Metric,
        tally: &Tally,
        observe: impl Fn(&Metric, &str, &Counts) -> Result<Option<T>>,
    ) -> Result<Vec<PostData<'_, T>>> {
        if self.posts.is_empty() {
            return self
                .variants
                .iter()
                .zip(&tally.variants)
                .map(|(v, counts)| {
                    Ok(PostData {
                        id: v.id(),
                        variant: v.id(),
                        block: None,
                        at: None,
                        obs: observe(metric, v.id(), counts)?,
                    })
                })
                .collect();
        }
        self.check_attributed(metric, tally)?;
        self.posts
            .iter()
            .zip(&tally.posts)
            .map(|(p, counts)| {
                Ok(PostData {
                    id: p.id(),
                    variant: p.variant(),
                    block: p.block(),
                    at: p.publication_time(),
                    obs: observe(metric, p.id(), counts)?,
                })
            })
            .collect()
    }

    /// With posts, no variant may also have counts outside them.
    fn check_attributed(&self, metric: &Metric, tally: &Tally) -> Result<()> {
        for (v, loose) in self.variants.iter().zip(&tally.unattributed) {
            if !loose.is_empty() {
                return Err(Error::DesignMismatch {
                    design: "posts".to_string(),
                    reason: format!(
                        "variant {:?} has counts not attributed to any post ({} {}); add them \
                         to its posts, or declare randomised exposure",
                        v.id(),
                        loose.get(metric.denominator()),
                        metric.denominator().name()
                    ),
                });
            }
        }
        Ok(())
    }

    /// Every post's data (its counts plus its events) and every variant's,
    /// each formed once: what an analysis reads.
    fn tally(&self) -> Result<Tally> {
        let unattributed = self
            .variants
            .iter()
            .map(|v| self.unattributed(v.id()))
            .collect::<Result<Vec<_>>>()?;
        let position: HashMap<&str, usize> = self
            .variants
            .iter()
            .enumerate()
            .map(|(i, v)| (v.id(), i))
            .collect();
        let mut variants = unattributed.clone();
        let mut posts = Vec::with_capacity(self.posts.len());
        for p in &self.posts {
            let counts = self.post_counts(p.id())?;
            if let Some(&i) = position.get(p.variant()) {
                variants[i] = variants[i]
                    .checked_add(&counts)
                    .map_err(|e| in_variant(e, p.variant()))?;
            }
            posts.push(counts);
        }
        Ok(Tally {
            posts,
            variants,
            unattributed,
        })
    }
}

/// The data an analysis reads, in the experiment's orders: each post's
/// counts (with its events), each variant's total and each variant's data
/// not attributed to a post.
struct Tally {
    posts: Vec<Counts>,
    variants: Vec<Counts>,
    unattributed: Vec<Counts>,
}

impl Experiment {
    /// Analyses a rate metric over all variants with the default
    /// [`AnalysisOptions`] (Beta(1, 1) prior, 95 % intervals, Holm
    /// correction, equal split). See [`crate::analysis`] for the exact model
    /// behind every number.
    ///
    /// # Errors
    /// Errors of [`Metric::extract`] (overflow, successes above trials, named
    /// by variant); [`Error::ZeroTraffic`] when a variant has no trials;
    /// for a count-per-exposure metric the Gamma–Poisson model is used.
    ///
    /// # Example
    /// ```
    /// use postab::{counts, Experiment, Metric};
    /// let mut exp = Experiment::builder("launch")
    ///     .variant("question", "Is your posting schedule too rigid? {link}")
    ///     .variant("statement", "There is no single right way to run an account. {link}")
    ///     .control("question")
    ///     .build()?;
    /// exp.add_counts("question", counts! { impressions: 12_400, clicks: 310 })?;
    /// exp.add_counts("statement", counts! { impressions: 12_100, clicks: 370 })?;
    /// let report = exp.analyze(&Metric::click_through())?;
    /// assert!(report.variants[1].vs_control.as_ref().unwrap().prob_beats_control > 0.99);
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn analyze(&self, metric: &Metric) -> Result<Analysis> {
        self.analyze_with(metric, &AnalysisOptions::default())
    }

    /// [`Experiment::analyze`] with explicit options.
    ///
    /// # Errors
    /// As [`Experiment::analyze`], plus [`Error::InvalidParameter`] for a
    /// level outside (0, 1) or a split that is not positive and finite.
    pub fn analyze_with(&self, metric: &Metric, options: &AnalysisOptions) -> Result<Analysis> {
        let choice = self.design(options)?;
        let tally = self.tally()?;
        let mut arms = Vec::with_capacity(self.variants.len());
        let mut model = Model::BetaBinomial;
        for (v, counts) in self.variants.iter().zip(&tally.variants) {
            let data = metric.extract(v.id(), counts)?;
            let (numerator, denominator) = match data {
                MetricData::Binomial { successes, trials } => (successes, trials),
                MetricData::Poisson { count, exposure } => {
                    model = Model::GammaPoisson;
                    (count, exposure)
                }
            };
            arms.push(ArmInput {
                id: v.id().to_string(),
                label: v.label().to_string(),
                numerator,
                denominator,
            });
        }
        let control = self
            .variants
            .iter()
            .position(|v| v.id() == self.control)
            .unwrap_or(0);
        let numerator = metric
            .numerator()
            .iter()
            .map(Outcome::name)
            .collect::<Vec<_>>()
            .join(" + ");
        let names = Names {
            experiment: &self.name,
            metric: metric.name(),
            numerator: &numerator,
            denominator: metric.denominator().name(),
        };
        let mut analysis = if choice.design == Design::RandomisedExposure && options.split.is_none()
        {
            // A declared randomisation without shares: an equal split.
            let mut equal = options.clone();
            equal.split = Some(vec![1.0; arms.len()]);
            analyze_arms(names, model, &arms, control, &equal)?
        } else {
            analyze_arms(names, model, &arms, control, options)?
        };
        analysis.comparisons = match (choice.design, model) {
            (Design::RandomisedExposure, _) => Vec::new(),
            (design, Model::BetaBinomial) => {
                let posts = self.post_data(metric, &tally)?;
                if design == Design::PairedPosts {
                    design::check_blocks(&posts)?;
                }
                self.compare_each(options, |id| {
                    design::compare(
                        design,
                        &posts,
                        &self.control,
                        id,
                        options.level,
                        options.history.as_ref(),
                    )
                })?
            }
            // Counts per exposure (likes per post, clicks per unit of
            // spend): the same designs on Poisson log rates.
            (design, Model::GammaPoisson) => {
                let posts = self.unit_observations(metric, &tally, post_count)?;
                if design == Design::PairedPosts {
                    design::check_blocks(&posts)?;
                }
                self.compare_each(options, |id| {
                    design::compare_counts(design, &posts, &self.control, id, options.level)
                })?
            }
        };
        analysis.design = choice;
        for (v, attributes) in analysis
            .variants
            .iter_mut()
            .zip(crate::post::differing_attributes(&self.variants))
        {
            v.attributes = attributes;
        }
        Ok(analysis)
    }

    /// [`Experiment::analyze`] of every declared metric
    /// ([`ExperimentBuilder::metric`]), in the order declared: clicks and
    /// reposts in one call, each under the same design.
    ///
    /// # Errors
    /// [`Error::NoMetrics`] when the experiment declares none; otherwise
    /// the first error of [`Experiment::analyze`].
    ///
    /// # Example
    /// ```
    /// use postab::{counts, Experiment, Metric};
    ///
    /// let exp = Experiment::builder("launch")
    ///     .variant("q", "Question?")
    ///     .variant("s", "Statement.")
    ///     .control("q")
    ///     .metric(Metric::click_through())
    ///     .metric(Metric::repost_rate())
    ///     .build()?;
    /// exp.add_counts("q", counts! { impressions: 12_400, clicks: 310, reposts: 41 })?;
    /// exp.add_counts("s", counts! { impressions: 12_100, clicks: 370, reposts: 30 })?;
    /// let all = exp.analyze_all()?;
    /// assert_eq!(all.len(), 2);
    /// assert_eq!(all[1].metric, "repost_rate");
    /// # Ok::<(), postab::Error>(())
    /// ```
    pub fn analyze_all(&self) -> Result<Vec<Analysis>> {
        self.analyze_all_with(&AnalysisOptions::default())
    }

    /// [`Experiment::analyze_all`] with explicit options.
    ///
    /// # Errors
    /// As [`Experiment::analyze_all`] and [`Experiment::analyze_with`].
    pub fn analyze_all_with(&self, options: &AnalysisOptions) -> Result<Vec<Analysis>> {
        if self.metrics.is_empty() {
            return Err(Error::NoMetrics {
                experiment: self.name.clone(),
            });
        }
        self.metrics
            .iter()
            .map(|m| self.analyze_with(m, options))
            .collect()
    }

    /// Every non-control variant against the control by `compare`, the
    /// unit-level p-values adjusted for the number of comparisons.
    fn compare_each(
        &self,
        options: &AnalysisOptions,
        compare: impl Fn(&str) -> Result<design::UnitComparison>,
    ) -> Result<Vec<design::UnitComparison>> {
        let mut comparisons = self
            .variants
            .iter()
            .filter(|v| v.id() != self.control)
            .map(|v| compare(v.id()))
            .collect::<Result<Vec<_>>>()?;
        let raw: Vec<f64> = comparisons
            .iter()
            .filter_map(|c| c.test.as_ref().map(design::UnitTest::p_value))
            .collect();
        let mut adjusted = adjust_p_values(&raw, options.correction)?.into_iter();
        for c in comparisons.iter_mut().filter(|c| c.test.is_some()) {
            c.adjusted_p_value = adjusted.next();
        }
        Ok(comparisons)
    }
}

/// A post's (successes, trials) for a rate metric, `None` without trials;
/// errors name the post (or variant) `name`.
/// A post's count of `metric` over its exposure (`None` without exposure).
fn post_count(metric: &Metric, name: &str, counts: &Counts) -> Result<Option<PostCount>> {
    match metric.extract(name, counts)? {
        MetricData::Poisson { count, exposure } if exposure > 0 => {
            PostCount::new(count, exposure as f64).map(Some)
        }
        _ => Ok(None),
    }
}

fn proportion(metric: &Metric, name: &str, counts: &Counts) -> Result<Option<Proportion>> {
    if counts.get(metric.denominator()) == 0 {
        return Ok(None);
    }
    proportion_of(metric, name, counts).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn types_are_send_and_sync() {
        assert_send_sync::<Experiment>();
        assert_send_sync::<Tracker>();
        assert_send_sync::<Event<'static>>();
        assert_send_sync::<Counts>();
    }

    #[test]
    fn deserialising_rechecks_rules() {
        let json = r#"{"name":"x","variants":[{"id":"a","text":"A"},{"id":"b","text":"B"}],"control":"c"}"#;
        let err = serde_json::from_str::<Experiment>(json).unwrap_err();
        assert!(err.to_string().contains("control \"c\""), "{err}");
        let json = r#"{"name":"x","variants":[{"id":"a","text":"A"},{"id":"b","text":"B"}],"control":"a",
            "events":{"fixed":false,"events":{"zz":[]}}}"#;
        let err = serde_json::from_str::<Experiment>(json).unwrap_err();
        assert!(err.to_string().contains("\"zz\""), "{err}");
        let json = r#"{"name":"x","variants":[{"id":"a","text":"A"},{"id":"b","text":"B"}],"control":"a"}"#;
        let exp: Experiment = serde_json::from_str(json).unwrap();
        assert!(exp.tracker().is_fixed());
        assert_eq!(exp.tracker().variant_ids(), ["a", "b"]);
    }
}
