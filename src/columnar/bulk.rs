//! Bulk analysis: many experiments from one proportions table, in
//! parallel, streamed, one result row per experiment and variant.

use std::collections::{BTreeMap, HashSet};
use std::hash::{DefaultHasher, Hash, Hasher};
use std::path::Path;
use std::sync::mpsc::{self, Receiver, SyncSender};
use std::sync::{Arc, Mutex, PoisonError};

use arrow::array::{
    ArrayRef, BooleanArray, BooleanBuilder, Float64Builder, Int64Builder, StringBuilder,
    StringDictionaryBuilder,
};
use arrow::datatypes::Int32Type;
use arrow::record_batch::RecordBatch;
use serde::{Deserialize, Serialize};

use super::columns::{IntCol, StrCol, bad, bool_col};
use super::io::{ParquetSink, read_parquet};
use super::schema::{CONTROL, EXPERIMENT, POST, SUCCESSES, TRIALS, VARIANT, results_schema};
use crate::bayes::{BetaPrior, Posterior, prob_beats, rank};
use crate::freq::{Proportion, ZTestOptions, two_proportion_ztest};
use crate::repeated::{post_bayes, post_ratio_test};
use crate::{Error, Result};

/// How much of the analysis [`analyze_batches`] runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Depth {
    /// The Bayesian summary: `prob_best`, `expected_loss`, `ci_lower`,
    /// `ci_upper`.
    Bayesian,
    /// Also `prob_beats_control`, the z-test `p_value` and, when the table
    /// has posts, the post-level columns.
    #[default]
    Full,
}

/// Options of [`analyze_batches`].
///
/// Reading from serde checks the level and the prior.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(try_from = "BulkOptionsRepr")]
pub struct BulkOptions {
    depth: Depth,
    level: f64,
    prior: BetaPrior,
    threads: usize,
    chunk: usize,
    sorted: bool,
}

#[derive(Deserialize)]
struct BulkOptionsRepr {
    depth: Depth,
    level: f64,
    prior: BetaPrior,
    threads: usize,
    chunk: usize,
    #[serde(default)]
    sorted: bool,
}

impl TryFrom<BulkOptionsRepr> for BulkOptions {
    type Error = Error;
    fn try_from(r: BulkOptionsRepr) -> Result<Self> {
        BulkOptions::new()
            .depth(r.depth)
            .level(r.level)?
            .prior(r.prior)
            .threads(r.threads)
            .chunk_size(r.chunk)
            .map(|o| o.sorted(r.sorted))
    }
}

impl Default for BulkOptions {
    fn default() -> Self {
        Self::new()
    }
}

impl BulkOptions {
    /// [`Depth::Full`], 95 % intervals, the uniform prior, one worker
    /// thread per CPU, 2,048 experiments per work unit, input not known to
    /// be sorted.
    pub fn new() -> Self {
        BulkOptions {
            depth: Depth::Full,
            level: 0.95,
            prior: BetaPrior::uniform(),
            threads: 0,
            chunk: 2048,
            sorted: false,
        }
    }

    /// Sets how much to compute.
    pub fn depth(mut self, depth: Depth) -> Self {
        self.depth = depth;
        self
    }

    /// Sets the level of every interval.
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] unless `0 < level < 1`.
    pub fn level(mut self, level: f64) -> Result<Self> {
        self.level = crate::validate::check_open_unit("credible level", level)?;
        Ok(self)
    }

    /// Sets the Beta prior of every rate.
    pub fn prior(mut self, prior: BetaPrior) -> Self {
        self.prior = prior;
        self
    }

    /// Sets the number of worker threads (0: one per CPU).
    pub fn threads(mut self, threads: usize) -> Self {
        self.threads = threads;
        self
    }

    /// Sets the number of experiments per work unit (and per output batch).
    ///
    /// # Errors
    /// [`Error::InvalidParameter`] for 0.
    pub fn chunk_size(mut self, experiments: usize) -> Result<Self> {
        if experiments == 0 {
            return Err(Error::InvalidParameter {
                name: "chunk size",
                value: 0.0,
                expected: "at least 1 experiment",
            });
        }
        self.chunk = experiments;
        Ok(self)
    }

    /// Declares the input sorted by experiment id (byte order of the UTF-8
    /// ids, as SQL's `ORDER BY experiment` gives), so that the check that
    /// every experiment's rows are contiguous needs constant memory: an id
    /// below its predecessor gets an error row. Without it the check keeps
    /// a 128-bit hash of every experiment id seen (about 32 bytes of memory
    /// per experiment, the only part of a run that grows with the input).
    pub fn sorted(mut self, sorted: bool) -> Self {
        self.sorted = sorted;
        self
    }

    fn worker_threads(&self) -> usize {
        if self.threads > 0 {
            self.threads
        } else {
            std::thread::available_parallelism().map_or(1, usize::from)
        }
    }
}

/// What a bulk run did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[non_exhaustive]
pub struct BulkSummary {
    /// Experiments read.
    pub experiments: u64,
    /// Result rows written (one per experiment and variant).
    pub rows: u64,
    /// Experiments that got error rows.
    pub failed: u64,
}

/// One variant as read.
struct VarIn {
    name: String,
    control: bool,
    successes: u64,
    trials: u64,
    /// The totals are valid (no negative, null or overflowing count).
    counts_ok: bool,
    posts: Vec<(u64, u64)>,
    /// Rows without a post (with a `post` column present).
    bare_rows: bool,
}

/// One experiment as read.
struct ExpIn {
    name: String,
    variants: Vec<VarIn>,
    problem: Option<String>,
}

impl ExpIn {
    fn new(name: &str) -> ExpIn {
        ExpIn {
            name: name.to_string(),
            variants: Vec::with_capacity(2),
            problem: None,
        }
    }

    fn fail(&mut self, message: impl Into<String>) {
        if self.problem.is_none() {
            self.problem = Some(message.into());
        }
    }
}

/// Analyses every experiment of a proportions table
/// ([`proportions_schema`](super::proportions_schema)) and hands the
/// results ([`results_schema`](super::results_schema)), one row per
/// experiment and variant, to `sink` batch by batch, in input order.
///
/// # Input
///
/// Columns `experiment`, `variant`, `successes`, `trials` and optionally
/// `post` and `control` (any string encoding for ids, any integer type for
/// counts). Rows of the same variant add up; with a `post` column each row
/// with a post is one post of its variant (and the variant's totals are
/// the sums). The control is the variant marked `control = true`, else the
/// experiment's first variant. **The rows of one experiment must be
/// contiguous** (`ORDER BY experiment` after a `GROUP BY`): the input is
/// streamed, and an experiment whose rows start again after another
/// experiment's gets an error row (its first part was analysed alone).
///
/// # What is computed
///
/// Per experiment, with each variant's Beta posterior
/// ([`BetaPrior::update`] with the options' prior): `prob_best` and
/// `expected_loss` from [`rank`], the equal-tailed credible interval
/// ([`Posterior::credible_interval`]); with [`Depth::Full`] also, for each
/// variant against the control, [`prob_beats`], the pooled two-sided
/// [`two_proportion_ztest`] (unadjusted; null when undefined: no trials,
/// or every trial a success or none in both) and, when the variants have
/// posts, [`post_bayes`] (`P(δ > 0)` and its rate-ratio interval) and
/// [`post_ratio_test`] (null with fewer than 2 posts with trials a side;
/// posts without trials are left out of post-level results).
///
/// # Errors and error rows
///
/// A bad experiment never stops the run: fewer than 2 variants, successes
/// above trials, a negative or null count, more than one control, a variant
/// mixing rows with and without posts, an overflowing sum or a library
/// error gives one row per variant with every statistic null and the
/// message in `error`. The run itself stops with [`Error::BadColumn`] for
/// a missing or unusable column or a null experiment or variant id, with
/// the input's errors and with `sink`'s.
///
/// # Parallelism and memory
///
/// The calling thread reads and groups rows into work units of
/// [`BulkOptions::chunk_size`] experiments; worker threads
/// ([`BulkOptions::threads`], scoped) analyse units and build their output
/// batches; at most four units per worker are in flight. Memory is bounded
/// by the units in flight plus 16 bytes (a 128-bit hash) per experiment
/// seen, kept to detect non-contiguous experiments.
///
/// # Example
/// ```
/// use std::sync::Arc;
/// use postab::columnar::arrow::array::{ArrayRef, Int64Array, StringArray};
/// use postab::columnar::arrow::record_batch::RecordBatch;
/// use postab::columnar::{analyze_batches, BulkOptions};
///
/// let column = |xs: &[&str]| Arc::new(StringArray::from(xs.to_vec())) as ArrayRef;
/// let input = RecordBatch::try_from_iter([
///     ("experiment", column(&["cta", "cta", "hook", "hook"])),
///     ("variant", column(&["question", "statement", "a", "b"])),
///     ("successes", Arc::new(Int64Array::from(vec![15, 33, 9, 12])) as ArrayRef),
///     ("trials", Arc::new(Int64Array::from(vec![2_140, 1_457, 500, 400])) as ArrayRef),
/// ])?;
/// let bad = RecordBatch::try_from_iter([
///     ("experiment", column(&["lonely"])),
///     ("variant", column(&["only"])),
///     ("successes", Arc::new(Int64Array::from(vec![1])) as ArrayRef),
///     ("trials", Arc::new(Int64Array::from(vec![10])) as ArrayRef),
/// ])?;
/// let mut out = Vec::new();
/// let summary = analyze_batches(
///     [Ok(input), Ok(bad)],
///     &BulkOptions::new(),
///     |batch| Ok(out.push(batch)),
/// )?;
/// assert_eq!((summary.experiments, summary.rows, summary.failed), (3, 5, 1));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
pub fn analyze_batches<I, F>(input: I, options: &BulkOptions, mut sink: F) -> Result<BulkSummary>
where
    I: IntoIterator<Item = Result<RecordBatch>>,
    F: FnMut(RecordBatch) -> Result<()>,
{
    let threads = options.worker_threads();
    let in_flight = threads * 4;
    let (job_tx, job_rx) = mpsc::sync_channel::<(usize, Vec<ExpIn>)>(threads * 2);
    let job_rx = Mutex::new(job_rx);
    let (res_tx, res_rx) = mpsc::channel::<(usize, Result<(RecordBatch, BulkSummary)>)>();
    std::thread::scope(|scope| {
        for _ in 0..threads {
            let res_tx = res_tx.clone();
            let job_rx = &job_rx;
            scope.spawn(move || worker(job_rx, &res_tx, options));
        }
        drop(res_tx);
        let mut out = Ordered {
            next: 0,
            waiting: BTreeMap::new(),
            summary: BulkSummary::default(),
            results: res_rx,
        };
        let run = produce(input, options, &job_tx, &mut out, &mut sink, in_flight);
        drop(job_tx);
        run?;
        // Every unit was sent: collect the rest.
        while out.pending() {
            out.receive(&mut sink)?;
        }
        Ok(out.summary)
    })
}

/// Analyses a proportions table in a Parquet file into a results file
/// (see [`analyze_batches`]).
///
/// # Errors
/// As [`analyze_batches`], and [`Error::Columnar`] for the files.
pub fn analyze_parquet(
    input: impl AsRef<Path>,
    output: impl AsRef<Path>,
    options: &BulkOptions,
) -> Result<BulkSummary> {
    let batches = read_parquet(input)?;
    let mut sink = ParquetSink::create(output, results_schema())?;
    let summary = analyze_batches(batches, options, |b| sink.write(&b))?;
    sink.close()?;
    Ok(summary)
}

fn worker(
    jobs: &Mutex<Receiver<(usize, Vec<ExpIn>)>>,
    results: &mpsc::Sender<(usize, Result<(RecordBatch, BulkSummary)>)>,
    options: &BulkOptions,
) {
    loop {
        let job = jobs.lock().unwrap_or_else(PoisonError::into_inner).recv();
        let Ok((index, unit)) = job else { return };
        if results.send((index, analyse_unit(&unit, options))).is_err() {
            return;
        }
    }
}

/// Hands results to the sink in unit order.
struct Ordered {
    next: usize,
    waiting: BTreeMap<usize, Result<(RecordBatch, BulkSummary)>>,
    summary: BulkSummary,
    results: Receiver<(usize, Result<(RecordBatch, BulkSummary)>)>,
}

impl Ordered {
    /// Whether units sent are still outstanding (the workers hang up when
    /// every unit is done).
    fn pending(&self) -> bool {
        // `receive` reports a hang-up as done.
        self.next != usize::MAX
    }

    fn deliver(&mut self, sink: &mut impl FnMut(RecordBatch) -> Result<()>) -> Result<()> {
        while let Some(r) = self.waiting.remove(&self.next) {
            let (batch, s) = r?;
            self.summary.experiments += s.experiments;
            self.summary.rows += s.rows;
            self.summary.failed += s.failed;
            sink(batch)?;
            self.next += 1;
        }
        Ok(())
    }

    /// Waits for one result (or the workers' end).
    fn receive(&mut self, sink: &mut impl FnMut(RecordBatch) -> Result<()>) -> Result<()> {
        match self.results.recv() {
            Ok((i, r)) => {
                self.waiting.insert(i, r);
                self.deliver(sink)
            }
            Err(_) => {
                self.next = usize::MAX;
                Ok(())
            }
        }
    }

    fn poll(&mut self, sink: &mut impl FnMut(RecordBatch) -> Result<()>) -> Result<()> {
        while let Ok((i, r)) = self.results.try_recv() {
            self.waiting.insert(i, r);
        }
        self.deliver(sink)
    }
}

/// Reads the input, groups experiments into units and sends them.
fn produce<I, F>(
    input: I,
    options: &BulkOptions,
    jobs: &SyncSender<(usize, Vec<ExpIn>)>,
    out: &mut Ordered,
    sink: &mut F,
    in_flight: usize,
) -> Result<()>
where
    I: IntoIterator<Item = Result<RecordBatch>>,
    F: FnMut(RecordBatch) -> Result<()>,
{
    let mut sent = 0usize;
    let mut unit: Vec<ExpIn> = Vec::with_capacity(options.chunk);
    let mut current: Option<ExpIn> = None;
    let mut seen: HashSet<u128> = HashSet::new();
    let mut send = |unit: Vec<ExpIn>, out: &mut Ordered, sink: &mut F| -> Result<()> {
        loop {
            if !out.pending() {
                return Err(worker_gone());
            }
            if sent - out.next < in_flight {
                break;
            }
            out.receive(sink)?;
        }
        jobs.send((sent, unit)).map_err(|_| worker_gone())?;
        sent += 1;
        out.poll(sink)
    };
    for batch in input {
        let batch = batch?;
        let cols = Columns::read(&batch)?;
        for i in 0..batch.num_rows() {
            let experiment = cols.experiment.required(EXPERIMENT, i)?;
            if current.as_ref().is_none_or(|c| c.name != experiment) {
                let mut next = ExpIn::new(experiment);
                if options.sorted {
                    if let Some(before) = current.as_ref().filter(|c| experiment < c.name.as_str())
                    {
                        next.fail(format!(
                            "experiment {experiment:?} comes after {:?}: the input is not sorted by experiment",
                            before.name
                        ));
                    }
                } else if !seen.insert(name_hash(experiment)) {
                    next.fail(format!(
                        "the rows of experiment {experiment:?} are not contiguous (sort the input by experiment)"
                    ));
                }
                if let Some(done) = current.replace(next) {
                    unit.push(done);
                    if unit.len() >= options.chunk {
                        let full = std::mem::replace(&mut unit, Vec::with_capacity(options.chunk));
                        send(full, out, sink)?;
                    }
                }
            }
            if let Some(exp) = current.as_mut() {
                cols.add_row(exp, i)?;
            }
        }
    }
    unit.extend(current);
    if !unit.is_empty() {
        send(unit, out, sink)?;
    }
    Ok(())
}

fn worker_gone() -> Error {
    Error::Columnar {
        context: "bulk analysis".into(),
        message: "a worker thread stopped".into(),
    }
}

/// A 128-bit hash of an experiment id (two SipHashes with fixed keys).
fn name_hash(name: &str) -> u128 {
    let mut a = DefaultHasher::new();
    name.hash(&mut a);
    let mut b = DefaultHasher::new();
    0x9e37_79b9_7f4a_7c15_u64.hash(&mut b);
    name.hash(&mut b);
    (u128::from(a.finish()) << 64) | u128::from(b.finish())
}

/// The input columns of one batch.
struct Columns {
    experiment: StrCol,
    variant: StrCol,
    post: Option<StrCol>,
    control: Option<BooleanArray>,
    successes: IntCol,
    trials: IntCol,
}

impl Columns {
    fn read(batch: &RecordBatch) -> Result<Columns> {
        let required = |name| StrCol::read(batch, name, true)?.ok_or_else(|| bad(name, "missing"));
        Ok(Columns {
            experiment: required(EXPERIMENT)?,
            variant: required(VARIANT)?,
            post: StrCol::read(batch, POST, false)?,
            control: bool_col(batch, CONTROL)?,
            successes: IntCol::read(batch, SUCCESSES)?,
            trials: IntCol::read(batch, TRIALS)?,
        })
    }

    fn add_row(&self, exp: &mut ExpIn, i: usize) -> Result<()> {
        use arrow::array::Array;
        let variant = self.variant.required(VARIANT, i)?;
        let k = match exp.variants.iter().position(|v| v.name == variant) {
            Some(k) => k,
            None => {
                exp.variants.push(VarIn {
                    name: variant.to_string(),
                    control: false,
                    successes: 0,
                    trials: 0,
                    counts_ok: true,
                    posts: Vec::new(),
                    bare_rows: false,
                });
                exp.variants.len() - 1
            }
        };
        let counts = (self.successes.get(SUCCESSES, i), self.trials.get(TRIALS, i));
        let problem = match counts {
            (Ok(Some(s)), Ok(Some(n))) => {
                let v = &mut exp.variants[k];
                if self
                    .control
                    .as_ref()
                    .is_some_and(|c| c.is_valid(i) && c.value(i))
                {
                    v.control = true;
                }
                match self.post.as_ref().map(|p| p.get(i)) {
                    Some(Some(_)) => v.posts.push((s, n)),
                    Some(None) => v.bare_rows = true,
                    None => {}
                }
                match (v.successes.checked_add(s), v.trials.checked_add(n)) {
                    (Some(s), Some(n)) => {
                        v.successes = s;
                        v.trials = n;
                        None
                    }
                    _ => Some(format!(
                        "the counts of variant {variant:?} add up to more than {}",
                        u64::MAX
                    )),
                }
            }
            (Err(e), _) | (_, Err(e)) => Some(e.to_string()),
            (Ok(None), _) => Some(format!("successes of variant {variant:?} is null")),
            (_, Ok(None)) => Some(format!("trials of variant {variant:?} is null")),
        };
        if let Some(p) = problem {
            exp.variants[k].counts_ok = false;
            exp.fail(p);
        }
        Ok(())
    }
}

/// The statistics of one variant (null where absent).
#[derive(Default, Clone, Copy)]
struct Stats {
    prob_best: Option<f64>,
    expected_loss: Option<f64>,
    ci: Option<(f64, f64)>,
    prob_beats_control: Option<f64>,
    p_value: Option<f64>,
    post_prob_better: Option<f64>,
    post_ratio: Option<(f64, f64)>,
    post_p_value: Option<f64>,
}

/// The control's index, or why there is none.
fn control_of(exp: &ExpIn) -> std::result::Result<usize, String> {
    let mut marked = exp.variants.iter().enumerate().filter(|(_, v)| v.control);
    match (marked.next(), marked.next()) {
        (None, _) => Ok(0),
        (Some((k, _)), None) => Ok(k),
        (Some((_, a)), Some((_, b))) => Err(format!(
            "more than one control: variants {:?} and {:?} are both marked",
            a.name, b.name
        )),
    }
}

fn with_variant(e: Error, variant: &str) -> Error {
    match e {
        Error::SuccessesExceedTrials {
            successes, trials, ..
        } => Error::SuccessesExceedTrials {
            variant: variant.to_string(),
            successes,
            trials,
        },
        e => e,
    }
}

/// The analysis of one experiment: per-variant statistics, or the message
/// of its error row.
fn analyse(exp: &ExpIn, control: usize, options: &BulkOptions) -> Result<Vec<Stats>> {
    let k = exp.variants.len();
    if k < 2 {
        return Err(Error::TooFewVariants { got: k });
    }
    let posteriors = exp
        .variants
        .iter()
        .map(|v| {
            options
                .prior
                .update(v.successes, v.trials)
                .map_err(|e| with_variant(e, &v.name))
        })
        .collect::<Result<Vec<_>>>()?;
    let ranking = rank(&posteriors)?;
    let mut stats = vec![Stats::default(); k];
    for (j, (st, d)) in stats.iter_mut().zip(&posteriors).enumerate() {
        let ci = d.credible_interval(options.level)?;
        st.prob_best = ranking.prob_best.get(j).copied();
        st.expected_loss = ranking.expected_loss.get(j).copied();
        st.ci = Some((ci.lower, ci.upper));
    }
    if options.depth == Depth::Bayesian {
        return Ok(stats);
    }
    let c = &exp.variants[control];
    let with_posts = exp.variants.iter().any(|v| !v.posts.is_empty());
    let post_props = |v: &VarIn| -> Result<Vec<Proportion>> {
        if v.bare_rows && !v.posts.is_empty() {
            return Err(Error::BadColumn {
                column: POST.into(),
                problem: format!("variant {:?} has rows with and without a post", v.name),
            });
        }
        v.posts
            .iter()
            .filter(|&&(_, n)| n > 0)
            .map(|&(s, n)| Proportion::new(s, n).map_err(|e| with_variant(e, &v.name)))
            .collect()
    };
    let control_posts = if with_posts {
        post_props(c)?
    } else {
        Vec::new()
    };
    for (j, (st, v)) in stats.iter_mut().zip(&exp.variants).enumerate() {
        if j == control {
            continue;
        }
        st.prob_beats_control = Some(prob_beats(&posteriors[control], &posteriors[j]).b_beats_a);
        st.p_value = z_p_value(c, v)?;
        if with_posts {
            let posts = post_props(v)?;
            match post_bayes(&control_posts, &posts, options.level, None) {
                Ok(h) => {
                    st.post_prob_better = Some(h.prob_b_better);
                    st.post_ratio = Some((
                        h.rate_ratio_credible_interval.lower,
                        h.rate_ratio_credible_interval.upper,
                    ));
                }
                Err(Error::TooFewPosts { .. }) => {}
                Err(e) => return Err(e),
            }
            match post_ratio_test(&control_posts, &posts, options.level) {
                Ok(t) => st.post_p_value = Some(t.test.p_value),
                Err(Error::TooFewPosts { .. }) => {}
                Err(e) => return Err(e),
            }
        }
    }
    Ok(stats)
}

/// The z-test p-value of `v` against the control `c`: `None` when the test
/// is undefined (no trials, or a standard error of 0).
fn z_p_value(c: &VarIn, v: &VarIn) -> Result<Option<f64>> {
    if c.trials == 0 || v.trials == 0 {
        return Ok(None);
    }
    let a = Proportion::new(c.successes, c.trials).map_err(|e| with_variant(e, &c.name))?;
    let b = Proportion::new(v.successes, v.trials).map_err(|e| with_variant(e, &v.name))?;
    match two_proportion_ztest(a, b, ZTestOptions::default()) {
        Ok(t) => Ok(Some(t.p_value)),
        Err(Error::Undefined { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

/// Output columns of one unit.
#[derive(Default)]
struct Out {
    experiment: StringDictionaryBuilder<Int32Type>,
    variant: StringDictionaryBuilder<Int32Type>,
    control: BooleanBuilder,
    posts: Int64Builder,
    successes: Int64Builder,
    trials: Int64Builder,
    floats: [Float64Builder; 10],
    error: StringBuilder,
}

impl Out {
    fn row(
        &mut self,
        exp: &ExpIn,
        v: &VarIn,
        is_control: bool,
        with_posts: bool,
        st: &Stats,
        error: Option<&str>,
    ) {
        self.experiment.append_value(&exp.name);
        self.variant.append_value(&v.name);
        self.control.append_value(is_control);
        self.posts
            .append_option(with_posts.then(|| i64::try_from(v.posts.len()).unwrap_or(i64::MAX)));
        let count = |x: u64| v.counts_ok.then(|| i64::try_from(x).ok()).flatten();
        self.successes.append_option(count(v.successes));
        self.trials.append_option(count(v.trials));
        let values = [
            st.prob_best,
            st.expected_loss,
            st.ci.map(|c| c.0),
            st.ci.map(|c| c.1),
            st.prob_beats_control,
            st.p_value,
            st.post_prob_better,
            st.post_ratio.map(|c| c.0),
            st.post_ratio.map(|c| c.1),
            st.post_p_value,
        ];
        for (b, x) in self.floats.iter_mut().zip(values) {
            b.append_option(x);
        }
        self.error.append_option(error);
    }

    fn finish(mut self) -> Result<RecordBatch> {
        let mut columns: Vec<ArrayRef> = vec![
            Arc::new(self.experiment.finish()),
            Arc::new(self.variant.finish()),
            Arc::new(self.control.finish()),
            Arc::new(self.posts.finish()),
            Arc::new(self.successes.finish()),
            Arc::new(self.trials.finish()),
        ];
        columns.extend(
            self.floats
                .iter_mut()
                .map(|b| Arc::new(b.finish()) as ArrayRef),
        );
        columns.push(Arc::new(self.error.finish()));
        RecordBatch::try_new(results_schema(), columns).map_err(|e| Error::Columnar {
            context: "building a results batch".into(),
            message: e.to_string(),
        })
    }
}

fn analyse_unit(unit: &[ExpIn], options: &BulkOptions) -> Result<(RecordBatch, BulkSummary)> {
    let mut out = Out::default();
    let mut summary = BulkSummary::default();
    for exp in unit {
        summary.experiments += 1;
        let with_posts = exp
            .variants
            .iter()
            .any(|v| !v.posts.is_empty() || v.bare_rows);
        let control = control_of(exp);
        let result = match (&exp.problem, control) {
            (Some(p), _) => Err(p.clone()),
            (None, Err(p)) => Err(p),
            (None, Ok(c)) => analyse(exp, c, options)
                .map(|s| (c, s))
                .map_err(|e| e.to_string()),
        };
        match result {
            Ok((c, stats)) => {
                for (j, (v, st)) in exp.variants.iter().zip(&stats).enumerate() {
                    out.row(exp, v, j == c, with_posts, st, None);
                }
            }
            Err(message) => {
                summary.failed += 1;
                let c = control_of(exp).unwrap_or(usize::MAX);
                for (j, v) in exp.variants.iter().enumerate() {
                    out.row(
                        exp,
                        v,
                        j == c,
                        with_posts,
                        &Stats::default(),
                        Some(&message),
                    );
                }
            }
        }
        summary.rows += exp.variants.len() as u64;
    }
    Ok((out.finish()?, summary))
}
