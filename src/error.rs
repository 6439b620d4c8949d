//! The crate's error type.

/// Everything that can go wrong in postab. Every message names the offending value.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A numeric parameter is outside its domain (non-finite, negative, out of range).
    #[error("invalid {name}: {value} ({expected})")]
    InvalidParameter {
        /// Which parameter.
        name: &'static str,
        /// The value given.
        value: f64,
        /// What was expected instead.
        expected: &'static str,
    },

    /// A variant id is empty.
    #[error("variant id must not be empty")]
    EmptyVariantId,
    /// Two variants share an id.
    #[error("duplicate variant id {id:?}")]
    DuplicateVariant {
        /// The repeated id.
        id: String,
    },
    /// A variant id is not known to the experiment or tracker.
    #[error("unknown variant id {id:?}")]
    UnknownVariant {
        /// The id that was asked for.
        id: String,
    },
    /// An experiment needs at least two variants.
    #[error("an experiment needs at least 2 variants, got {got}")]
    TooFewVariants {
        /// How many variants were given.
        got: usize,
    },
    /// No control variant was chosen.
    #[error("no control variant chosen: call `.control(id)` with one of the variant ids")]
    MissingControl,
    /// The chosen control is not one of the variants.
    #[error("control {id:?} is not one of the variant ids")]
    UnknownControl {
        /// The control id given.
        id: String,
    },
    /// A binomial rate has more successes than trials.
    #[error("variant {variant:?}: {successes} successes exceed {trials} trials")]
    SuccessesExceedTrials {
        /// Which variant.
        variant: String,
        /// The numerator.
        successes: u64,
        /// The denominator.
        trials: u64,
    },
    /// A count would exceed `u64::MAX` (counts never wrap).
    #[error(
        "count overflow{}: {outcome} {current} + {added} exceeds u64::MAX",
        .variant.as_ref().map(|v| format!(" in variant {v:?}")).unwrap_or_default()
    )]
    CountOverflow {
        /// Which variant, when known.
        variant: Option<String>,
        /// Which outcome (or sum of outcomes).
        outcome: String,
        /// The count before the addition.
        current: u64,
        /// The amount being added.
        added: u64,
    },
    /// An outcome name is not one of the built-in outcomes.
    #[error(
        "unknown outcome {name:?} (built-in: impressions, clicks, reposts, likes, replies, quotes, profile_visits, follows; use Outcome::custom for others)"
    )]
    UnknownOutcome {
        /// The name given.
        name: String,
    },
    /// A custom outcome name is empty.
    #[error("outcome name must not be empty")]
    EmptyOutcomeName,
    /// A custom outcome name is reserved (a built-in outcome's name or alias, or `_overflow`).
    #[error("outcome name {name:?} is reserved; use the built-in outcome instead of a custom one")]
    ReservedOutcomeName {
        /// The name given.
        name: String,
    },
    /// A metric definition is invalid.
    #[error("invalid metric {name:?}: {reason}")]
    InvalidMetric {
        /// The metric's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two metrics of an experiment share a name.
    #[error("duplicate metric name {name:?}")]
    DuplicateMetric {
        /// The repeated name.
        name: String,
    },
    /// Every declared metric was asked for, but the experiment declares
    /// none.
    #[error(
        "experiment {experiment:?} declares no metrics: add them with ExperimentBuilder::metric, or analyse one with Experiment::analyze"
    )]
    NoMetrics {
        /// The experiment's name.
        experiment: String,
    },
    /// A time window's start is after its end.
    #[error("invalid time window: from {from} is after to {to}")]
    InvalidTimeWindow {
        /// Start of the window (inclusive).
        from: chrono::DateTime<chrono::Utc>,
        /// End of the window (exclusive).
        to: chrono::DateTime<chrono::Utc>,
    },
    /// A variant has no trials (e.g. 0 impressions), so its rate is undefined.
    #[error("variant {variant:?} has zero traffic (0 trials): nothing to analyse")]
    ZeroTraffic {
        /// Which variant.
        variant: String,
    },
    /// A contingency table has no rows or no columns.
    #[error("empty table: {rows} rows x {cols} columns (need at least 2 x 2)")]
    EmptyTable {
        /// Number of rows given.
        rows: usize,
        /// Number of columns given (of the first row).
        cols: usize,
    },
    /// The rows of a contingency table differ in length.
    #[error("ragged table: row {row} has {len} cells, row 0 has {expected}")]
    RaggedTable {
        /// Index of the offending row.
        row: usize,
        /// Its length.
        len: usize,
        /// The length of row 0.
        expected: usize,
    },
    /// Every cell of a table (or every observed count) is zero.
    #[error("all-zero {what}: there is nothing to test")]
    AllZero {
        /// What was all zero (for example "table" or "observed impressions").
        what: &'static str,
    },
    /// Two inputs that must have the same length do not.
    #[error("length mismatch: {what} ({left} vs {right})")]
    LengthMismatch {
        /// Which inputs.
        what: &'static str,
        /// Length of the first.
        left: usize,
        /// Length of the second.
        right: usize,
    },
    /// Too few groups (variants, p-values, arms) for the requested analysis.
    #[error("too few {what}: got {got}, need at least {min}")]
    TooFew {
        /// What was counted.
        what: &'static str,
        /// How many were given.
        got: usize,
        /// The minimum.
        min: usize,
    },
    /// A statistic is undefined for these data (for example a zero standard error).
    #[error("{statistic} is undefined: {reason}")]
    Undefined {
        /// The statistic or interval.
        statistic: &'static str,
        /// Why, naming the values involved.
        reason: String,
    },
    /// A planning question has no answer (for example no effect is detectable at that size).
    #[error("no solution for {what}: {reason}")]
    Infeasible {
        /// What was asked for.
        what: &'static str,
        /// Why, naming the values involved.
        reason: String,
    },
    /// An exact computation would take too long at this scale; an asymptotic method is advised.
    #[error("{what} is too large to compute exactly: {reason}")]
    TooLarge {
        /// Which computation.
        what: &'static str,
        /// The size involved and the advised alternative.
        reason: String,
    },
    /// A sequential design or simulation was given no looks.
    #[error("no looks: give at least one look (information fraction or period)")]
    NoLooks,
    /// A look's information fraction is not finite and positive, or does not
    /// come after the previous look's.
    #[error(
        "invalid look {index}: information fraction {value} must be finite and above the previous look's {previous}"
    )]
    InvalidLook {
        /// Index of the look (0-based).
        index: usize,
        /// The information fraction given.
        value: f64,
        /// The previous look's fraction (0 before the first look).
        previous: f64,
    },
    /// A traffic setting (impressions per look, planned trials) is zero.
    #[error("{name} is 0: there must be some traffic")]
    NoTraffic {
        /// Which setting.
        name: &'static str,
    },
    /// A true rate in a simulation is not a probability.
    #[error("true rate of variant {variant} is {value}, expected a probability in [0, 1]")]
    InvalidTrueRate {
        /// Index of the variant.
        variant: usize,
        /// The rate given.
        value: f64,
    },
    /// A posting-slot window is invalid (bad time, empty or duplicate name).
    #[error("invalid slot window {name:?}: {reason}")]
    InvalidSlotWindow {
        /// The window's name.
        name: String,
        /// What is wrong with it.
        reason: String,
    },
    /// Two posting-slot windows cover the same local minute.
    #[error("slot windows {first:?} and {second:?} overlap (both cover {at})")]
    OverlappingWindows {
        /// The window given first.
        first: String,
        /// The window given second.
        second: String,
        /// A local minute of the week both cover, like `Mon 09:30`.
        at: String,
    },
    /// A slot label is not one of the scheme's slots (or holds no data).
    #[error("unknown slot {label:?}")]
    UnknownSlot {
        /// The label asked for.
        label: String,
    },
    /// A post-level analysis needs more posts (with at least one trial each).
    #[error(
        "group {group:?} has {got} posts with trials; post-level analysis needs at least {need}"
    )]
    TooFewPosts {
        /// Which group (variant or slot).
        group: String,
        /// Posts with trials.
        got: usize,
        /// Posts needed.
        need: usize,
    },
    /// A block of paired posts cannot be used as given.
    #[error("block {key:?}: {reason}")]
    InvalidBlock {
        /// The block's key (empty when the key itself is the problem).
        key: String,
        /// What is wrong, naming the values.
        reason: String,
    },
    /// Two blocks share a key.
    #[error("duplicate block key {key:?}")]
    DuplicateBlock {
        /// The repeated key.
        key: String,
    },
    /// A post id is empty.
    #[error("post id must not be empty")]
    EmptyPostId,
    /// A post id was not found in the experiment.
    #[error("unknown post id {id:?}")]
    UnknownPost {
        /// The id asked for.
        id: String,
    },
    /// Two posts share an id.
    #[error("duplicate post id {id:?}")]
    DuplicatePost {
        /// The repeated id.
        id: String,
    },
    /// A posting-time analysis met a post without a publication time.
    #[error("post {post:?} has no publication time: posting slots come from it")]
    MissingPublicationTime {
        /// The post's id.
        post: String,
    },
    /// An account history has too few usable posts to estimate the
    /// post-to-post variation.
    #[error(
        "an account history needs at least {needed} posts with trials to calibrate, got {posts}"
    )]
    HistoryTooShort {
        /// Usable posts (with at least one trial).
        posts: usize,
        /// Posts needed.
        needed: usize,
    },
    /// The experiment's data do not fit its design (declared or inferred).
    #[error("design {design}: {reason}")]
    DesignMismatch {
        /// The design, as displayed.
        design: String,
        /// What does not fit, naming the values.
        reason: String,
    },
    /// An analytics export lacks a required column.
    #[error("{format} export: missing column {column:?}")]
    MissingColumn {
        /// The column's header.
        column: String,
        /// Which export format was being read.
        format: String,
    },
    /// A count cell of an analytics export is not a whole number.
    #[error(
        "line {line}, column {column_number} ({column}): {value:?} is not a whole-number count"
    )]
    NonNumericCount {
        /// 1-based line of the file where the row starts.
        line: u64,
        /// The column's header.
        column: String,
        /// 1-based column number.
        column_number: usize,
        /// The cell's text.
        value: String,
    },
    /// A count cell of an analytics export is negative.
    #[error("line {line}, column {column_number} ({column}): negative count {value:?}")]
    NegativeCount {
        /// 1-based line of the file where the row starts.
        line: u64,
        /// The column's header.
        column: String,
        /// 1-based column number.
        column_number: usize,
        /// The cell's text.
        value: String,
    },
    /// A row of an analytics export has more link clicks than impressions.
    #[error(
        "line {line}, column {column_number} ({column}): {clicks} clicks exceed {impressions} impressions"
    )]
    ClicksExceedImpressions {
        /// 1-based line of the file where the row starts.
        line: u64,
        /// The clicks column's header.
        column: String,
        /// 1-based column number of the clicks column.
        column_number: usize,
        /// The clicks.
        clicks: u64,
        /// The impressions.
        impressions: u64,
    },
    /// A non-count cell of an analytics export (id, time, date) is invalid.
    #[error("line {line}, column {column_number} ({column}): {value:?} is not {expected}")]
    InvalidCell {
        /// 1-based line of the file where the row starts.
        line: u64,
        /// The column's header.
        column: String,
        /// 1-based column number.
        column_number: usize,
        /// The cell's text.
        value: String,
        /// What was expected.
        expected: String,
    },
    /// An analytics export is not well-formed CSV (bad quoting, invalid
    /// UTF-8, a row with the wrong number of fields, an I/O failure).
    #[error("malformed CSV{}: {message}", .line.map(|l| format!(" at line {l}")).unwrap_or_default())]
    MalformedCsv {
        /// 1-based line, when known.
        line: Option<u64>,
        /// What the CSV reader reported.
        message: String,
    },
    /// A CSV header matches no known analytics export format.
    #[error("unrecognised export: header {header:?} matches no known format")]
    UnrecognizedExport {
        /// The header line (truncated to 200 characters).
        header: String,
    },
    /// A file could not be read.
    #[error("cannot read {path:?}: {message}")]
    ReadFailed {
        /// The path.
        path: String,
        /// The operating system's message.
        message: String,
    },
    /// A report document is not valid JSON or does not match the schema.
    #[error("invalid report document: {message}")]
    InvalidReport {
        /// What the JSON reader reported.
        message: String,
    },
    /// A report document has a schema version this build cannot read.
    #[error(
        "report schema version {found} is not supported (this build reads versions up to {supported})"
    )]
    UnsupportedSchemaVersion {
        /// The document's `schema_version`.
        found: u64,
        /// The version this build writes and reads.
        supported: u64,
    },
    /// An instant's local time in a time zone falls outside the dates
    /// chrono can represent (years −262143 to 262142), so it has no
    /// wall-clock time there.
    #[error("{at} has no local time in {zone}: the local date is outside years -262143..=262142")]
    LocalTimeOutOfRange {
        /// The instant (UTC).
        at: chrono::DateTime<chrono::Utc>,
        /// The IANA zone name.
        zone: String,
    },
    /// A test method that does not apply to the effect its null is stated
    /// for (e.g. the log-ratio method with a null difference).
    #[error("method {method:?} does not apply to a null {effect}")]
    MethodNotApplicable {
        /// The method (statsmodels' name).
        method: String,
        /// `"difference"` or `"ratio"`.
        effect: &'static str,
    },
    /// A guardrail's non-inferiority margin is out of range.
    #[error("guardrail {metric:?}: margin {margin} is out of range ({expected})")]
    InvalidMargin {
        /// The guardrail's metric name.
        metric: String,
        /// The margin given.
        margin: f64,
        /// What a margin of its kind must be.
        expected: &'static str,
    },
    /// A guardrail was set on the ship rule's primary metric.
    #[error("metric {metric:?} is the primary metric and cannot also be a guardrail")]
    GuardrailOnPrimary {
        /// The metric name.
        metric: String,
    },
    /// Two guardrails of a ship rule share a metric name.
    #[error("duplicate guardrail on metric {metric:?} (one guardrail per metric)")]
    DuplicateGuardrail {
        /// The metric name.
        metric: String,
    },
    /// A saved API response (Bluesky, Mastodon, Threads) could not be
    /// read: the error names the page (and file), the record and the field.
    #[error(transparent)]
    Import(Box<crate::import::ImportError>),
    /// A CSV header names neither X export's id column: the header's
    /// columns, each quoted, and the formats that were expected.
    #[error(
        "unrecognised export: the header's columns are {} (split on {delimiter:?}); expected a tweet activity export (with a \"Tweet id\" column) or an account content export (with a \"Post id\" column){}",
        quoted_list(.columns),
        if *.delimiter == ';' {
            " (the file looks semicolon-separated: it was split on ';', but these are no export's columns either)"
        } else {
            ""
        }
    )]
    UnrecognizedHeader {
        /// The header's column names (at most 50, each at most 100
        /// characters).
        columns: Vec<String>,
        /// The separator they were split on.
        delimiter: char,
    },
    /// An error in one of several files read together: which file (its
    /// path, or `file i` for the `i`-th input, 0-based) and the error.
    #[error("{file}: {error}")]
    InFile {
        /// The path, or `file i`.
        file: String,
        /// The error, naming the line of that file.
        error: Box<Error>,
    },
    /// A spreadsheet (a LinkedIn export) could not be opened or read: not
    /// an .xlsx or .xls file, truncated, or corrupt.
    #[error("cannot read the workbook: {message}")]
    InvalidWorkbook {
        /// What was wrong (the spreadsheet reader's message).
        message: String,
    },
    /// A workbook has no sheet of the kind wanted: none of that name and
    /// none with its header.
    #[error(
        "the workbook has no sheet {sheet:?} (nor any sheet with its header); its sheets are {}",
        quoted_list(.sheets)
    )]
    MissingSheet {
        /// The sheet looked for.
        sheet: String,
        /// The workbook's sheets, in order.
        sheets: Vec<String>,
    },
    /// No row near the top of a sheet is the header of the table expected
    /// there.
    #[error("no header row (with columns {}) in the first {rows} rows", quoted_list(.columns))]
    HeaderNotFound {
        /// The columns a header row must have.
        columns: Vec<String>,
        /// How many rows were searched.
        rows: usize,
    },
    /// An error in one sheet of a workbook (a LinkedIn export): the sheet's
    /// name and the error, whose `line` is the sheet's 1-based row number
    /// as spreadsheet programs show it.
    #[error("sheet {sheet:?}: {error}")]
    InSheet {
        /// The sheet's name.
        sheet: String,
        /// The error.
        error: Box<Error>,
    },
    /// A time-zone name that is not in the IANA database chrono-tz carries.
    #[error(
        "unknown time zone {name:?}: expected an IANA name such as \"Europe/London\" or \"UTC\""
    )]
    UnknownTimeZone {
        /// The name given.
        name: String,
    },
    /// A time format (strftime pattern) that cannot parse times.
    #[error("invalid time format {format:?}: {reason}")]
    InvalidTimeFormat {
        /// The pattern given.
        format: String,
        /// What is wrong with it.
        reason: String,
    },
    /// A currency that is not an ISO 4217 code (three capital letters).
    #[error("invalid currency {code:?}: expected an ISO 4217 code such as \"USD\" or \"EUR\"")]
    InvalidCurrency {
        /// The code given.
        code: String,
    },
    /// A money amount that is not a non-negative decimal number.
    #[error("invalid amount {value:?}: expected a non-negative decimal number such as 12.50")]
    InvalidAmount {
        /// The text given.
        value: String,
    },
    /// Posts compared on spend were paid in different currencies.
    #[error(
        "post {post:?} was paid in {second}, other posts in {first}: spend in different currencies cannot be compared"
    )]
    MixedCurrencies {
        /// The currency of the first post with spend.
        first: String,
        /// The other currency.
        second: String,
        /// The post paid in it.
        post: String,
    },
    /// A variant compared on spend has no post with spend above zero.
    #[error(
        "variant {variant:?} has no post with spend above 0: nothing to compare per unit of spend"
    )]
    NoSpend {
        /// The variant.
        variant: String,
    },
    /// A post has spend but no promoted counts, so what the spend bought is
    /// unknown (its organic counts are never used for it).
    #[error(
        "post {post:?} has spend but no promoted counts: map its paid columns (ColumnMap::promoted), organic counts are not what the spend bought"
    )]
    SpendWithoutPromotedCounts {
        /// The post id.
        post: String,
    },
    /// A [`Handle`](crate::tracker::Handle) (or a custom
    /// [`OutcomeSlot`](crate::tracker::OutcomeSlot)) made by another
    /// tracker was given to this one.
    #[error(
        "handle of tracker #{handle_tracker} given to tracker #{tracker}: handles and custom outcome slots belong to the tracker that made them"
    )]
    ForeignHandle {
        /// The tracker that made the handle (0: an outcome slot of another
        /// tracker than its event's handle).
        handle_tracker: u32,
        /// The tracker it was given to.
        tracker: u32,
    },
    /// An event is earlier than the tracker's start.
    #[error("event at {at} is before the tracker's start {start}")]
    EventBeforeStart {
        /// The event's time.
        at: chrono::DateTime<chrono::Utc>,
        /// The tracker's start (inclusive).
        start: chrono::DateTime<chrono::Utc>,
    },
    /// An event is at or after the end of the tracker's horizon.
    #[error("event at {at} is too far ahead: the tracker accepts events before {limit}")]
    EventTooFarAhead {
        /// The event's time.
        at: chrono::DateTime<chrono::Utc>,
        /// The first instant the tracker rejects.
        limit: chrono::DateTime<chrono::Utc>,
    },
    /// A time window does not start and end on bucket boundaries, so its
    /// counts would not be exact.
    #[error(
        "time window {from} .. {to} is not aligned to the tracker's {bucket_secs}-second buckets (widen it with Tracker::aligned_window)"
    )]
    UnalignedWindow {
        /// Start of the window.
        from: chrono::DateTime<chrono::Utc>,
        /// End of the window.
        to: chrono::DateTime<chrono::Utc>,
        /// The bucket width in seconds.
        bucket_secs: u64,
    },
    /// Two tracker states (snapshots, trackers, store files) that cannot
    /// be combined: a different experiment, bucket width or key scope.
    #[error("cannot combine tracker states: {what} {ours} here, {theirs} in the other")]
    SnapshotMismatch {
        /// What differs (`"experiment"`, `"bucket width"`, `"scope"`).
        what: &'static str,
        /// This side's value.
        ours: String,
        /// The other side's value.
        theirs: String,
    },
    /// The tracker store is locked by other writers for longer than the
    /// busy timeout allows.
    #[error(
        "store {path:?} stayed busy (locked by another writer) for {waited_ms} ms; nothing was written"
    )]
    StoreBusy {
        /// The store's path.
        path: String,
        /// How long the writer waited, in milliseconds.
        waited_ms: u64,
    },
    /// A tracker store file is damaged or not a postab store.
    #[error("store {path:?} is corrupt or not a postab store: {reason}")]
    StoreCorrupt {
        /// The store's path.
        path: String,
        /// What was found.
        reason: String,
    },
    /// A tracker store file was written by a newer postab (a newer
    /// schema).
    #[error(
        "store {path:?} has schema version {found}; this build reads versions up to {supported}"
    )]
    StoreSchemaTooNew {
        /// The store's path.
        path: String,
        /// The file's schema version.
        found: u32,
        /// The newest version this build knows.
        supported: u32,
    },
    /// Any other failure of the tracker store (I/O, SQLite).
    #[error("store {path:?}: {message}")]
    Store {
        /// The store's path.
        path: String,
        /// SQLite's message.
        message: String,
    },
    /// A table (an Arrow record batch or a Parquet file, feature `arrow`)
    /// lacks a column postab reads, has it with an unusable type, or holds
    /// a value out of range (a negative count, a null id).
    #[error("column {column:?}: {problem}")]
    BadColumn {
        /// The column's name.
        column: String,
        /// What is wrong, with the value or type found.
        problem: String,
    },
    /// Reading or writing Arrow or Parquet data failed (I/O, a damaged
    /// file; feature `arrow`).
    #[error("{context}: {message}")]
    Columnar {
        /// What was being done (e.g. `writing Parquet file "events.parquet"`).
        context: String,
        /// The underlying library's message.
        message: String,
    },
}

/// `"a", "b", "c"`.
fn quoted_list(items: &[String]) -> String {
    items
        .iter()
        .map(|s| format!("{s:?}"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Shorthand for `Result<T, postab::Error>`.
pub type Result<T, E = Error> = std::result::Result<T, E>;
