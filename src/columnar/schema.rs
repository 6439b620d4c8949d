//! The Arrow schemas of postab's tables (documented in the module docs).

use std::sync::{Arc, LazyLock};

use arrow::datatypes::{DataType, Field, Schema, SchemaRef, TimeUnit};

pub(crate) const EXPERIMENT: &str = "experiment";
pub(crate) const VARIANT: &str = "variant";
pub(crate) const POST: &str = "post";
pub(crate) const OUTCOME: &str = "outcome";
pub(crate) const TIME: &str = "time";
pub(crate) const N: &str = "n";
pub(crate) const COUNT: &str = "count";
pub(crate) const CONTROL: &str = "control";
pub(crate) const SUCCESSES: &str = "successes";
pub(crate) const TRIALS: &str = "trials";

/// `Dictionary(Int32, Utf8)`: the type of every id column.
pub(crate) fn id_type() -> DataType {
    DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8))
}

/// `Timestamp(Microsecond, "UTC")`: the type of the event time.
pub(crate) fn time_type() -> DataType {
    DataType::Timestamp(TimeUnit::Microsecond, Some("UTC".into()))
}

fn id(name: &str, nullable: bool) -> Field {
    Field::new(name, id_type(), nullable)
}

fn int(name: &str, nullable: bool) -> Field {
    Field::new(name, DataType::Int64, nullable)
}

/// A result column with the unit of analysis behind it in the field's
/// metadata ([`UNIT_METADATA_KEY`]).
fn stat(name: &str, unit: &str) -> Field {
    Field::new(name, DataType::Float64, true).with_metadata(
        [(UNIT_METADATA_KEY.to_string(), unit.to_string())]
            .into_iter()
            .collect(),
    )
}

/// The field-metadata key under which every statistic column of the
/// [results table](results_schema) states its unit of analysis:
/// `"impression"` (the variant's impressions pooled, each an independent
/// trial: right for randomised exposure, overconfident for separately
/// published posts) or `"post"` (posts are the unit, their variation
/// estimated). Kept in Parquet files with the rest of the Arrow schema.
pub const UNIT_METADATA_KEY: &str = "postab.unit";

static EVENTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        id(EXPERIMENT, false),
        id(VARIANT, false),
        id(POST, true),
        id(OUTCOME, false),
        Field::new(TIME, time_type(), false),
        int(N, false),
    ]))
});

static VARIANT_COUNTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        id(EXPERIMENT, false),
        id(VARIANT, false),
        id(OUTCOME, false),
        int(COUNT, false),
    ]))
});

static POST_COUNTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        id(EXPERIMENT, false),
        id(VARIANT, false),
        id(POST, false),
        id(OUTCOME, false),
        int(COUNT, false),
    ]))
});

static PROPORTIONS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        id(EXPERIMENT, false),
        id(VARIANT, false),
        id(POST, true),
        Field::new(CONTROL, DataType::Boolean, true),
        int(SUCCESSES, false),
        int(TRIALS, false),
    ]))
});

const IMPRESSION: &str = "impression";
const POST_UNIT: &str = "post";

static RESULTS: LazyLock<SchemaRef> = LazyLock::new(|| {
    Arc::new(Schema::new(vec![
        id(EXPERIMENT, false),
        id(VARIANT, false),
        Field::new(CONTROL, DataType::Boolean, false),
        int("posts", true),
        int(SUCCESSES, true),
        int(TRIALS, true),
        stat("prob_best", IMPRESSION),
        stat("expected_loss", IMPRESSION),
        stat("ci_lower", IMPRESSION),
        stat("ci_upper", IMPRESSION),
        stat("prob_beats_control", IMPRESSION),
        stat("p_value", IMPRESSION),
        stat("post_prob_better", POST_UNIT),
        stat("post_ratio_lower", POST_UNIT),
        stat("post_ratio_upper", POST_UNIT),
        stat("post_p_value", POST_UNIT),
        Field::new("error", DataType::Utf8, true),
    ]))
});

/// The events table: `experiment`, `variant`, `post` (nullable), `outcome`
/// (ids, `Dictionary(Int32, Utf8)`), `time` (`Timestamp(Microsecond,
/// "UTC")`), `n` (`Int64`). See the [module docs](super).
///
/// # Example
/// ```
/// let schema = postab::columnar::events_schema();
/// let names: Vec<&str> = schema.fields().iter().map(|f| f.name().as_str()).collect();
/// assert_eq!(names, ["experiment", "variant", "post", "outcome", "time", "n"]);
/// ```
pub fn events_schema() -> SchemaRef {
    Arc::clone(&EVENTS)
}

/// The per-variant counts table: `experiment`, `variant`, `outcome` (ids)
/// and `count` (`Int64`). See the [module docs](super).
pub fn variant_counts_schema() -> SchemaRef {
    Arc::clone(&VARIANT_COUNTS)
}

/// The per-post counts table: `experiment`, `variant`, `post`, `outcome`
/// (ids) and `count` (`Int64`). See the [module docs](super).
pub fn post_counts_schema() -> SchemaRef {
    Arc::clone(&POST_COUNTS)
}

/// The input of bulk analysis: `experiment`, `variant`, `post` (optional
/// column, nullable), `control` (optional column, `Boolean`), `successes`
/// and `trials` (`Int64`). See [`analyze_batches`](super::analyze_batches).
pub fn proportions_schema() -> SchemaRef {
    Arc::clone(&PROPORTIONS)
}

/// The output of bulk analysis, one row per experiment and variant:
///
/// | column | type | meaning |
/// |---|---|---|
/// | `experiment`, `variant` | `Dictionary(Int32, Utf8)` | the ids |
/// | `control` | `Boolean` | whether this is the experiment's control |
/// | `posts` | `Int64` | posts of the variant (null without a `post` column) |
/// | `successes`, `trials` | `Int64` | the variant's totals |
/// | `prob_best` | `Float64` | `P(this variant's rate is the highest)` ([`bayes::rank`](crate::bayes::rank)) |
/// | `expected_loss` | `Float64` | `E[max_j p_j − p_this]` ([`bayes::rank`](crate::bayes::rank)) |
/// | `ci_lower`, `ci_upper` | `Float64` | equal-tailed credible interval of the rate ([`Posterior::credible_interval`](crate::bayes::Posterior::credible_interval)) |
/// | `prob_beats_control` | `Float64` | `P(p_this > p_control)` ([`bayes::prob_beats`](crate::bayes::prob_beats)); null for the control and in [`Depth::Bayesian`](super::Depth::Bayesian) |
/// | `p_value` | `Float64` | pooled two-sided z-test against the control ([`freq::two_proportion_ztest`](crate::freq::two_proportion_ztest)), unadjusted; null as above |
/// | `post_prob_better` | `Float64` | hierarchical `P(typical post of this variant beats the control's)` ([`repeated::post_bayes`](crate::repeated::post_bayes)); null without posts |
/// | `post_ratio_lower`, `post_ratio_upper` | `Float64` | its credible interval of the typical rate ratio |
/// | `post_p_value` | `Float64` | t-test of per-post log rates ([`repeated::post_ratio_test`](crate::repeated::post_ratio_test)); null with fewer than 2 posts a side |
/// | `error` | `Utf8` | null, or why this experiment could not be analysed (then every statistic is null) |
///
/// The unit of analysis is in the data: each statistic's field metadata
/// has [`UNIT_METADATA_KEY`] = `"impression"` for `prob_best` through
/// `p_value` (Beta–Binomial and z-test on the pooled impressions) and
/// `"post"` for the `post_*` columns. When the table has posts, read the
/// `post_*` columns: the pooled ones treat every impression of separately
/// published posts as an independent trial.
///
/// # Example
/// ```
/// use postab::columnar::{results_schema, UNIT_METADATA_KEY};
/// let schema = results_schema();
/// let unit = |c: &str| schema.field_with_name(c).ok()?.metadata().get(UNIT_METADATA_KEY).cloned();
/// assert_eq!(unit("prob_best").as_deref(), Some("impression"));
/// assert_eq!(unit("post_prob_better").as_deref(), Some("post"));
/// assert_eq!(unit("trials"), None);
/// ```
pub fn results_schema() -> SchemaRef {
    Arc::clone(&RESULTS)
}
