//! The events table: building it, reading it, recording it into a tracker.

use std::collections::HashMap;
use std::sync::Arc;

use arrow::array::{
    ArrayBuilder, ArrayRef, Int64Builder, StringDictionaryBuilder, TimestampMicrosecondBuilder,
};
use arrow::datatypes::Int32Type;
use arrow::record_batch::RecordBatch;
use chrono::{DateTime, Utc};

use super::columns::{IntCol, OutcomeCol, StrCol, bad, micros_col, to_i64};
use super::schema::{EXPERIMENT, N, OUTCOME, POST, TIME, VARIANT, events_schema};
use crate::tracker::{CompactEvent, Handle, OutcomeSlot, Scope};
use crate::{Error, Outcome, Result, Tracker};

/// Builds an events table ([`events_schema`]) row by row.
///
/// # Example
/// ```
/// use postab::columnar::EventBatchBuilder;
/// use postab::Outcome;
///
/// let at = "2026-11-24T08:00:00Z".parse()?;
/// let mut b = EventBatchBuilder::new();
/// b.push("cta", "question", Some("q-1"), &Outcome::Impression, at, 500)?;
/// b.push("cta", "statement", None, &Outcome::Click, at, 1)?;
/// let batch = b.finish()?;
/// assert_eq!(batch.num_rows(), 2);
/// assert!(b.push("cta", "", None, &Outcome::Click, at, 1).is_err()); // empty id
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub struct EventBatchBuilder {
    experiment: StringDictionaryBuilder<Int32Type>,
    variant: StringDictionaryBuilder<Int32Type>,
    post: StringDictionaryBuilder<Int32Type>,
    outcome: StringDictionaryBuilder<Int32Type>,
    time: TimestampMicrosecondBuilder,
    n: Int64Builder,
}

impl std::fmt::Debug for EventBatchBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventBatchBuilder")
            .field("rows", &self.len())
            .finish_non_exhaustive()
    }
}

impl Default for EventBatchBuilder {
    fn default() -> Self {
        Self::new()
    }
}

impl EventBatchBuilder {
    /// An empty builder.
    pub fn new() -> Self {
        EventBatchBuilder {
            experiment: StringDictionaryBuilder::new(),
            variant: StringDictionaryBuilder::new(),
            post: StringDictionaryBuilder::new(),
            outcome: StringDictionaryBuilder::new(),
            time: TimestampMicrosecondBuilder::new().with_timezone("UTC"),
            n: Int64Builder::new(),
        }
    }

    /// Adds one event: `n` times `outcome` for `variant` (of `post`, when
    /// given) of `experiment` at `at`.
    ///
    /// # Errors
    /// [`Error::EmptyVariantId`] for an empty experiment or variant id,
    /// [`Error::EmptyPostId`] for an empty post id,
    /// [`Error::EmptyOutcomeName`] / [`Error::ReservedOutcomeName`] for an
    /// invalid custom outcome, [`Error::BadColumn`] for `n > i64::MAX`.
    /// Nothing is added on error.
    pub fn push(
        &mut self,
        experiment: &str,
        variant: &str,
        post: Option<&str>,
        outcome: &Outcome,
        at: DateTime<Utc>,
        n: u64,
    ) -> Result<()> {
        if experiment.is_empty() || variant.is_empty() {
            return Err(Error::EmptyVariantId);
        }
        if post == Some("") {
            return Err(Error::EmptyPostId);
        }
        outcome.validate()?;
        let n = to_i64(N, n)?;
        self.experiment.append_value(experiment);
        self.variant.append_value(variant);
        match post {
            Some(p) => self.post.append_value(p),
            None => self.post.append_null(),
        }
        self.outcome.append_value(outcome.name());
        self.time.append_value(at.timestamp_micros());
        self.n.append_value(n);
        Ok(())
    }

    /// Adds a tracker [`Event`](crate::Event) of `experiment` (and `post`).
    ///
    /// # Errors
    /// As [`EventBatchBuilder::push`].
    pub fn push_event(
        &mut self,
        experiment: &str,
        post: Option<&str>,
        event: &crate::Event<'_>,
    ) -> Result<()> {
        self.push(
            experiment,
            event.variant(),
            post,
            event.outcome(),
            event.at(),
            event.multiplicity(),
        )
    }

    /// Rows added since the last [`EventBatchBuilder::finish`].
    pub fn len(&self) -> usize {
        self.n.len()
    }

    /// Whether no row was added since the last [`EventBatchBuilder::finish`].
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The rows so far as a record batch of [`events_schema`]; the builder
    /// starts empty again.
    ///
    /// # Errors
    /// [`Error::Columnar`] when a dictionary outgrows its `Int32` keys
    /// (more than 2³¹ distinct ids in one batch).
    pub fn finish(&mut self) -> Result<RecordBatch> {
        let columns: Vec<ArrayRef> = vec![
            Arc::new(self.experiment.finish()),
            Arc::new(self.variant.finish()),
            Arc::new(self.post.finish()),
            Arc::new(self.outcome.finish()),
            Arc::new(self.time.finish()),
            Arc::new(self.n.finish()),
        ];
        RecordBatch::try_new(events_schema(), columns).map_err(|e| Error::Columnar {
            context: "building an events batch".into(),
            message: e.to_string(),
        })
    }
}

/// One row of an events table, borrowed from its [`EventColumns`]
/// (serialises as the tracker's [`Event`](crate::Event) does, plus the
/// experiment and post).
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
#[non_exhaustive]
pub struct EventRow<'a> {
    /// The experiment id.
    pub experiment: &'a str,
    /// The variant id.
    pub variant: &'a str,
    /// The post id, when the event is attributed to a post.
    pub post: Option<&'a str>,
    /// The outcome.
    pub outcome: &'a Outcome,
    /// When it happened (to the microsecond).
    pub at: DateTime<Utc>,
    /// The multiplicity.
    pub n: u64,
}

/// The columns of an events table, checked and decoded once (the outcome
/// names are parsed once per distinct name).
///
/// Reading is lenient about encodings (see the [module docs](super)); the
/// `post` column may be missing (no event is attributed to a post).
pub struct EventColumns {
    experiment: StrCol,
    variant: StrCol,
    post: Option<StrCol>,
    outcome: OutcomeCol,
    micros: arrow::array::Int64Array,
    n: IntCol,
    rows: usize,
}

impl std::fmt::Debug for EventColumns {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventColumns")
            .field("rows", &self.rows)
            .finish_non_exhaustive()
    }
}

impl EventColumns {
    /// Reads the columns of `batch`.
    ///
    /// # Errors
    /// [`Error::BadColumn`] for a missing column, a column of an unusable
    /// type, or an outcome name that is neither a built-in one nor a valid
    /// custom one.
    pub fn new(batch: &RecordBatch) -> Result<EventColumns> {
        let required = |name| StrCol::read(batch, name, true)?.ok_or_else(|| bad(name, "missing"));
        Ok(EventColumns {
            experiment: required(EXPERIMENT)?,
            variant: required(VARIANT)?,
            post: StrCol::read(batch, POST, false)?,
            outcome: OutcomeCol::read(batch, OUTCOME)?,
            micros: micros_col(batch, TIME)?,
            n: IntCol::read(batch, N)?,
            rows: batch.num_rows(),
        })
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.rows
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.rows == 0
    }

    /// Row `i`.
    ///
    /// # Errors
    /// [`Error::BadColumn`] for a null id, outcome, time or multiplicity,
    /// a negative multiplicity, or `i` out of range.
    pub fn row(&self, i: usize) -> Result<EventRow<'_>> {
        if i >= self.rows {
            return Err(bad(
                EXPERIMENT,
                format!("row {i} out of range ({} rows)", self.rows),
            ));
        }
        let micros = self.micros(i)?;
        Ok(EventRow {
            experiment: self.experiment.required(EXPERIMENT, i)?,
            variant: self.variant.required(VARIANT, i)?,
            post: self.post.as_ref().and_then(|p| p.get(i)),
            outcome: self.outcome.get(OUTCOME, i)?,
            at: DateTime::from_timestamp_micros(micros)
                .ok_or_else(|| bad(TIME, format!("{micros} µs at row {i} is out of range")))?,
            n: self.n.required(N, i)?,
        })
    }

    fn micros(&self, i: usize) -> Result<i64> {
        use arrow::array::Array;
        if self.micros.is_null(i) {
            return Err(bad(
                TIME,
                format!("null at row {i} (times may not be null)"),
            ));
        }
        Ok(self.micros.value(i))
    }

    /// Records the rows into `tracker`: every row when the tracker names no
    /// experiment, else the rows of its experiment. The key is the
    /// variant, or the post for a tracker of [`Scope::Posts`] (a recorded
    /// row must then have one).
    ///
    /// Ids are resolved once per distinct id ([`Tracker::handle`]) and the
    /// rows recorded with one [`Tracker::add_batch`], so, as there, every
    /// row is checked before anything is added.
    ///
    /// # Errors
    /// The row errors of [`EventColumns::row`] ([`Error::EmptyPostId`] for
    /// a missing post in a post tracker), and the tracker's errors
    /// ([`Error::UnknownVariant`] for an id a fixed tracker does not know,
    /// times outside its range, overflow).
    pub fn record_into(&self, tracker: &Tracker) -> Result<()> {
        let only = tracker.experiment();
        let (keys, key_name) = match tracker.scope() {
            Scope::Variants => (Some(&self.variant), VARIANT),
            Scope::Posts => (self.post.as_ref(), POST),
        };
        let mut handles = HandleCache::default();
        let slots = self
            .outcome
            .outcomes()
            .iter()
            .map(|o| tracker.outcome_slot(o))
            .collect::<Result<Vec<OutcomeSlot>>>()?;
        let mut events = Vec::with_capacity(self.rows);
        for i in 0..self.rows {
            if let Some(e) = only
                && self.experiment.required(EXPERIMENT, i)? != e
            {
                continue;
            }
            let handle = match keys {
                Some(k) => handles.get(tracker, k, key_name, i)?,
                None => return Err(Error::EmptyPostId),
            };
            let slot = self
                .outcome
                .slot(i)
                .and_then(|s| slots.get(s as usize).copied())
                .ok_or_else(|| bad(OUTCOME, format!("null at row {i}")))?;
            let secs = self.micros(i)?.div_euclid(1_000_000);
            let mut n = self.n.required(N, i)?;
            loop {
                let part = n.min(u64::from(u32::MAX));
                events.push(CompactEvent::at_unix_seconds(handle, slot, secs).times(part as u32));
                n -= part;
                if n == 0 {
                    break;
                }
            }
        }
        tracker.add_batch(&events)
    }
}

/// Handles by dictionary key (or by id for plain string columns).
#[derive(Default)]
struct HandleCache {
    by_key: Vec<Option<Handle>>,
    by_id: HashMap<String, Handle>,
}

impl HandleCache {
    fn get(&mut self, tracker: &Tracker, col: &StrCol, name: &str, i: usize) -> Result<Handle> {
        match col {
            StrCol::Dict { keys, .. } => {
                use arrow::array::Array;
                if keys.is_null(i) {
                    return Err(null_key(name, i));
                }
                let k = keys.value(i) as usize;
                if let Some(Some(h)) = self.by_key.get(k) {
                    return Ok(*h);
                }
                let id = col.get(i).ok_or_else(|| null_key(name, i))?;
                let h = tracker.handle(id)?;
                if self.by_key.len() <= k {
                    self.by_key.resize(k + 1, None);
                }
                self.by_key[k] = Some(h);
                Ok(h)
            }
            StrCol::Plain(_) => {
                let id = col.get(i).ok_or_else(|| null_key(name, i))?;
                if let Some(h) = self.by_id.get(id) {
                    return Ok(*h);
                }
                let h = tracker.handle(id)?;
                self.by_id.insert(id.to_string(), h);
                Ok(h)
            }
        }
    }
}

fn null_key(name: &str, i: usize) -> Error {
    if name == POST {
        Error::EmptyPostId
    } else {
        bad(name, format!("null at row {i} (ids may not be null)"))
    }
}
