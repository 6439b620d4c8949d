//! postab's statistics as DataFusion SQL functions (feature `datafusion`).
//!
//! [`register`] adds to a [`SessionContext`]:
//!
//! | function | returns | library call |
//! |---|---|---|
//! | `prob_beats(s_a, n_a, s_b, n_b [, prior_alpha, prior_beta])` | `Float64`: `P(p_B > p_A)` | [`bayes::prob_beats`]`(a, b).b_beats_a` |
//! | `expected_loss(s_a, n_a, s_b, n_b [, prior_alpha, prior_beta])` | `Float64`: `E[max(p_A − p_B, 0)]`, the loss of shipping B (swap the sides for A's) | [`bayes::expected_loss`]`(a, b).choose_b` |
//! | `beta_interval(s, n, level [, prior_alpha, prior_beta])` | `Struct {lower Float64, upper Float64}`: the equal-tailed credible interval of the rate | [`Posterior::credible_interval`] |
//! | `ztest_p(s_a, n_a, s_b, n_b)` | `Float64`: the pooled two-sided z-test p-value | [`freq::two_proportion_ztest`] with [`ZTestOptions::default`] |
//! | `postab_counts(outcome, n)` (aggregate) | `Struct {impressions, clicks, …, follows: UInt64}` | [`Counts::add_count`] per row |
//!
//! `s` are successes and `n` trials (any integer type); each side's
//! posterior is `Beta(prior_alpha + s, prior_beta + n − s)` with the
//! uniform prior `Beta(1, 1)` unless a prior is given ([`BetaPrior::update`]).
//! Every value is computed by the library function in the table, row by
//! row, so SQL and Rust give the same bits (`tests/sql_functions.rs` checks
//! every case of the public golden file that these functions cover).
//!
//! # NULLs and errors
//!
//! A NULL argument gives a NULL result (for the aggregate: a row with a
//! NULL outcome or `n` is skipped, as `SUM` does). `ztest_p` is also NULL
//! when the test is undefined (a side without trials, or a standard error
//! of 0: no success or no failure on either side). Invalid input stops the
//! query with [`DataFusionError::External`] holding the [`Error`]: successes
//! above trials ([`Error::SuccessesExceedTrials`], naming side `"A"` or
//! `"B"`), a negative count or a level outside (0, 1)
//! ([`Error::InvalidParameter`]), an unknown or custom outcome in
//! `postab_counts` ([`Error::BadColumn`]), an overflowing count
//! ([`Error::CountOverflow`]).
//!
//! # Why `postab_counts` and not just `SUM`
//!
//! Per-variant counts are a plain `SUM(n) … GROUP BY experiment, variant,
//! outcome` (the long counts table of [`crate::columnar`]), which every
//! engine runs. `postab_counts` gives the wide form in one aggregate with
//! postab's rules: outcome names and aliases as [`Outcome`] reads them
//! (`click` and `link_clicks` count as `clicks`), negative multiplicities
//! rejected and sums that never wrap (DataFusion's `SUM` of `Int64` wraps
//! silently). The analysis itself needs no aggregate: with one row per
//! variant, `prob_beats` and friends run on a self-join or a pivot (see
//! the example), so a per-group analysis UDAF would add nothing but
//! another place to compute the same numbers.
//!
//! # Where it runs
//!
//! The functions are ordinary DataFusion functions: the engine evaluates
//! them batch by batch on all partitions (all cores). On a Ballista
//! cluster the same logical plan is distributed; each executor must have
//! the functions registered (build the executor with a call to
//! [`register`] on its session), as for any user-defined function. This
//! crate tests them in a local [`SessionContext`] only.
//!
//! # Example
//!
//! ```
//! use postab::sql::{datafusion::prelude::SessionContext, register};
//! use postab::sql::datafusion::arrow::array::AsArray;
//! use postab::sql::datafusion::arrow::datatypes::Float64Type;
//!
//! // DataFusion is async: any runtime serves (tokio's multi-threaded one
//! // runs the partitions on all cores).
//! let runtime = tokio::runtime::Runtime::new()?;
//! let ctx = SessionContext::new();
//! register(&ctx);
//! let batches = runtime.block_on(async {
//!     ctx.sql("SELECT prob_beats(3, 40, 7, 40) AS p, ztest_p(3, 40, 7, 40) AS z")
//!         .await?
//!         .collect()
//!         .await
//! })?;
//! let p = batches[0].column(0).as_primitive::<Float64Type>().value(0);
//! assert_eq!(p, postab::bayes::prob_beats(
//!     &postab::bayes::BetaPosterior::from_counts(3, 40)?,
//!     &postab::bayes::BetaPosterior::from_counts(7, 40)?,
//! ).b_beats_a);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```

use std::sync::Arc;

use datafusion::arrow::array::{
    Array, ArrayRef, AsArray, Float64Builder, StructArray, UInt64Array,
};
use datafusion::arrow::datatypes::{DataType, Field, Fields, Float64Type, Int64Type};
use datafusion::common::{Result as DfResult, ScalarValue, plan_err};
use datafusion::error::DataFusionError;
use datafusion::logical_expr::function::AccumulatorArgs;
use datafusion::logical_expr::{
    Accumulator, AggregateUDF, AggregateUDFImpl, ColumnarValue, ScalarFunctionArgs, ScalarUDF,
    ScalarUDFImpl, Signature, Volatility,
};
use datafusion::prelude::SessionContext;

use crate::bayes::{self, BetaPosterior, BetaPrior, Posterior};
use crate::freq::{self, Proportion, ZTestOptions};
use crate::{Counts, Error, Outcome};

/// The [`datafusion`](https://docs.rs/datafusion) crate at the version
/// postab's functions are built for (and its `arrow`).
pub use datafusion;

#[cfg(doc)]
use crate::columnar;

/// Registers every postab SQL function (see the [module docs](self)) in
/// `ctx`.
pub fn register(ctx: &SessionContext) {
    for f in scalar_functions() {
        ctx.register_udf(f);
    }
    ctx.register_udaf(counts_aggregate());
}

/// `prob_beats`, `expected_loss`, `beta_interval` and `ztest_p` as
/// [`ScalarUDF`]s (to register by hand or to call from the DataFrame API).
pub fn scalar_functions() -> Vec<ScalarUDF> {
    [
        Kind::ProbBeats,
        Kind::ExpectedLoss,
        Kind::BetaInterval,
        Kind::ZTestP,
    ]
    .into_iter()
    .map(|kind| {
        ScalarUDF::from(Stat {
            kind,
            signature: Signature::user_defined(Volatility::Immutable),
        })
    })
    .collect()
}

/// The `postab_counts(outcome, n)` aggregate as an [`AggregateUDF`].
pub fn counts_aggregate() -> AggregateUDF {
    AggregateUDF::from(CountsAgg {
        signature: Signature::user_defined(Volatility::Immutable),
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
enum Kind {
    ProbBeats,
    ExpectedLoss,
    BetaInterval,
    ZTestP,
}

impl Kind {
    fn name(self) -> &'static str {
        match self {
            Kind::ProbBeats => "prob_beats",
            Kind::ExpectedLoss => "expected_loss",
            Kind::BetaInterval => "beta_interval",
            Kind::ZTestP => "ztest_p",
        }
    }

    /// The argument names of each accepted arity.
    fn arities(self) -> &'static [&'static [&'static str]] {
        const TWO: &[&str] = &["s_a", "n_a", "s_b", "n_b"];
        const TWO_PRIOR: &[&str] = &["s_a", "n_a", "s_b", "n_b", "prior_alpha", "prior_beta"];
        match self {
            Kind::ProbBeats | Kind::ExpectedLoss => &[TWO, TWO_PRIOR],
            Kind::BetaInterval => &[
                &["s", "n", "level"],
                &["s", "n", "level", "prior_alpha", "prior_beta"],
            ],
            Kind::ZTestP => &[TWO],
        }
    }
}

fn is_count_arg(name: &str) -> bool {
    name.starts_with("s") || name.starts_with("n")
}

/// A postab scalar function.
#[derive(Debug, PartialEq, Eq, Hash)]
struct Stat {
    kind: Kind,
    signature: Signature,
}

fn interval_type() -> DataType {
    DataType::Struct(Fields::from(vec![
        Field::new("lower", DataType::Float64, true),
        Field::new("upper", DataType::Float64, true),
    ]))
}

fn external(e: Error) -> DataFusionError {
    DataFusionError::External(Box::new(e))
}

/// A count argument: ≥ 0.
fn count(name: &'static str, v: i64) -> crate::Result<u64> {
    u64::try_from(v).map_err(|_| Error::InvalidParameter {
        name,
        value: v as f64,
        expected: "a count of at least 0",
    })
}

fn side(e: Error, side: &str) -> Error {
    match e {
        Error::SuccessesExceedTrials {
            successes, trials, ..
        } => Error::SuccessesExceedTrials {
            variant: side.to_string(),
            successes,
            trials,
        },
        e => e,
    }
}

fn posterior(prior: &BetaPrior, s: i64, n: i64, name: &str) -> crate::Result<BetaPosterior> {
    prior
        .update(count("successes", s)?, count("trials", n)?)
        .map_err(|e| side(e, name))
}

fn prior(args: &[Option<f64>]) -> crate::Result<BetaPrior> {
    match args {
        [Some(a), Some(b)] => BetaPrior::new(*a, *b),
        _ => Ok(BetaPrior::uniform()),
    }
}

fn ztest_p(s_a: i64, n_a: i64, s_b: i64, n_b: i64) -> crate::Result<Option<f64>> {
    let (s_a, n_a, s_b, n_b) = (
        count("successes", s_a)?,
        count("trials", n_a)?,
        count("successes", s_b)?,
        count("trials", n_b)?,
    );
    if n_a == 0 || n_b == 0 {
        return Ok(None);
    }
    let a = Proportion::new(s_a, n_a).map_err(|e| side(e, "A"))?;
    let b = Proportion::new(s_b, n_b).map_err(|e| side(e, "B"))?;
    match freq::two_proportion_ztest(a, b, ZTestOptions::default()) {
        Ok(t) => Ok(Some(t.p_value)),
        Err(Error::Undefined { .. }) => Ok(None),
        Err(e) => Err(e),
    }
}

impl ScalarUDFImpl for Stat {
    fn name(&self) -> &str {
        self.kind.name()
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(match self.kind {
            Kind::BetaInterval => interval_type(),
            _ => DataType::Float64,
        })
    }

    fn is_strict(&self) -> bool {
        true
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        let name = self.kind.name();
        let Some(names) = self
            .kind
            .arities()
            .iter()
            .find(|a| a.len() == arg_types.len())
        else {
            let forms: Vec<String> = self
                .kind
                .arities()
                .iter()
                .map(|a| format!("{name}({})", a.join(", ")))
                .collect();
            return plan_err!(
                "{name} takes {}; got {} arguments",
                forms.join(" or "),
                arg_types.len()
            );
        };
        names
            .iter()
            .zip(arg_types)
            .map(|(&arg, t)| {
                let ok = t.is_null()
                    || if is_count_arg(arg) {
                        t.is_integer()
                    } else {
                        t.is_numeric()
                    };
                if !ok {
                    return plan_err!(
                        "{name}: argument {arg} must be {}, found {t}",
                        if is_count_arg(arg) {
                            "an integer count"
                        } else {
                            "a number"
                        }
                    );
                }
                Ok(if is_count_arg(arg) {
                    DataType::Int64
                } else {
                    DataType::Float64
                })
            })
            .collect()
    }

    fn invoke_with_args(&self, args: ScalarFunctionArgs) -> DfResult<ColumnarValue> {
        let rows = args.number_rows;
        let arrays = ColumnarValue::values_to_arrays(&args.args)?;
        let names = self
            .kind
            .arities()
            .iter()
            .find(|a| a.len() == arrays.len())
            .copied()
            .unwrap_or(&[]);
        let mut ints = Vec::new();
        let mut floats = Vec::new();
        for (&arg, a) in names.iter().zip(&arrays) {
            if is_count_arg(arg) {
                ints.push(a.as_primitive_opt::<Int64Type>().ok_or_else(|| {
                    DataFusionError::Internal(format!("{arg} is {}, not Int64", a.data_type()))
                })?);
            } else {
                floats.push(a.as_primitive_opt::<Float64Type>().ok_or_else(|| {
                    DataFusionError::Internal(format!("{arg} is {}, not Float64", a.data_type()))
                })?);
            }
        }
        let int_at = |i: usize| -> Option<Vec<i64>> {
            ints.iter()
                .map(|a| a.is_valid(i).then(|| a.value(i)))
                .collect()
        };
        let float_at = |i: usize| -> Vec<Option<f64>> {
            floats
                .iter()
                .map(|a| a.is_valid(i).then(|| a.value(i)))
                .collect()
        };
        match self.kind {
            Kind::BetaInterval => {
                let mut lower = Float64Builder::with_capacity(rows);
                let mut upper = Float64Builder::with_capacity(rows);
                for i in 0..rows {
                    let fs = float_at(i);
                    match (int_at(i), fs.iter().all(Option::is_some)) {
                        (Some(c), true) => {
                            let ci = prior(&fs[1..])
                                .and_then(|p| posterior(&p, c[0], c[1], ""))
                                .and_then(|d| d.credible_interval(fs[0].unwrap_or(f64::NAN)))
                                .map_err(external)?;
                            lower.append_value(ci.lower);
                            upper.append_value(ci.upper);
                        }
                        _ => {
                            lower.append_null();
                            upper.append_null();
                        }
                    }
                }
                let (lower, upper) = (lower.finish(), upper.finish());
                let nulls = lower.nulls().cloned();
                let DataType::Struct(fields) = interval_type() else {
                    return Err(DataFusionError::Internal("interval type".into()));
                };
                let array = StructArray::try_new(
                    fields,
                    vec![Arc::new(lower) as ArrayRef, Arc::new(upper) as ArrayRef],
                    nulls,
                )?;
                Ok(ColumnarValue::Array(Arc::new(array)))
            }
            kind => {
                let mut out = Float64Builder::with_capacity(rows);
                for i in 0..rows {
                    let fs = float_at(i);
                    let (Some(c), true) = (int_at(i), fs.iter().all(Option::is_some)) else {
                        out.append_null();
                        continue;
                    };
                    let value = match kind {
                        Kind::ZTestP => ztest_p(c[0], c[1], c[2], c[3]),
                        _ => prior(&fs).and_then(|p| {
                            let a = posterior(&p, c[0], c[1], "A")?;
                            let b = posterior(&p, c[2], c[3], "B")?;
                            Ok(Some(if kind == Kind::ProbBeats {
                                bayes::prob_beats(&a, &b).b_beats_a
                            } else {
                                bayes::expected_loss(&a, &b).choose_b
                            }))
                        }),
                    }
                    .map_err(external)?;
                    out.append_option(value);
                }
                Ok(ColumnarValue::Array(Arc::new(out.finish())))
            }
        }
    }
}

/// The `postab_counts` aggregate.
#[derive(Debug, PartialEq, Eq, Hash)]
struct CountsAgg {
    signature: Signature,
}

fn counts_fields() -> Fields {
    Outcome::builtins()
        .map(|o| Field::new(o.name(), DataType::UInt64, false))
        .collect()
}

fn is_text(t: &DataType) -> bool {
    match t {
        DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View | DataType::Null => true,
        DataType::Dictionary(_, v) => is_text(v),
        _ => false,
    }
}

impl AggregateUDFImpl for CountsAgg {
    fn name(&self) -> &str {
        "postab_counts"
    }

    fn signature(&self) -> &Signature {
        &self.signature
    }

    fn return_type(&self, _arg_types: &[DataType]) -> DfResult<DataType> {
        Ok(DataType::Struct(counts_fields()))
    }

    fn coerce_types(&self, arg_types: &[DataType]) -> DfResult<Vec<DataType>> {
        match arg_types {
            [o, n] if is_text(o) && (n.is_integer() || n.is_null()) => {
                Ok(vec![DataType::Utf8, DataType::Int64])
            }
            _ => plan_err!(
                "postab_counts(outcome, n) takes an outcome name and an integer count; got ({})",
                arg_types
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }

    fn accumulator(&self, _acc_args: AccumulatorArgs) -> DfResult<Box<dyn Accumulator>> {
        Ok(Box::new(CountsAcc::default()))
    }
}

#[derive(Debug, Default)]
struct CountsAcc {
    counts: Counts,
}

impl CountsAcc {
    fn value(&self) -> DfResult<ScalarValue> {
        let columns: Vec<ArrayRef> = Outcome::builtins()
            .map(|o| Arc::new(UInt64Array::from(vec![self.counts.get(&o)])) as ArrayRef)
            .collect();
        Ok(ScalarValue::Struct(Arc::new(StructArray::try_new(
            counts_fields(),
            columns,
            None,
        )?)))
    }
}

impl Accumulator for CountsAcc {
    fn update_batch(&mut self, values: &[ArrayRef]) -> DfResult<()> {
        let [outcomes, ns] = values else {
            return Err(DataFusionError::Internal(
                "postab_counts takes 2 arguments".into(),
            ));
        };
        let outcomes = outcomes.as_string_opt::<i32>().ok_or_else(|| {
            DataFusionError::Internal(format!("outcome is {}", outcomes.data_type()))
        })?;
        let ns = ns
            .as_primitive_opt::<Int64Type>()
            .ok_or_else(|| DataFusionError::Internal(format!("n is {}", ns.data_type())))?;
        for i in 0..outcomes.len() {
            if outcomes.is_null(i) || ns.is_null(i) {
                continue;
            }
            let name = outcomes.value(i);
            let n = count("n", ns.value(i)).map_err(external)?;
            let outcome = name.parse::<Outcome>().map_err(|_| {
                external(Error::BadColumn {
                    column: "outcome".into(),
                    problem: format!(
                        "{name:?} is not a built-in outcome; postab_counts counts the built-in ones (sum custom outcomes with SUM(n) … GROUP BY outcome)"
                    ),
                })
            })?;
            self.counts.add_count(&outcome, n).map_err(external)?;
        }
        Ok(())
    }

    fn evaluate(&mut self) -> DfResult<ScalarValue> {
        self.value()
    }

    fn size(&self) -> usize {
        std::mem::size_of_val(self)
    }

    fn state(&mut self) -> DfResult<Vec<ScalarValue>> {
        Ok(vec![self.value()?])
    }

    fn merge_batch(&mut self, states: &[ArrayRef]) -> DfResult<()> {
        let Some(state) = states.first().and_then(|s| s.as_struct_opt()) else {
            return Err(DataFusionError::Internal(
                "postab_counts state is not a struct".into(),
            ));
        };
        for (outcome, column) in Outcome::builtins().zip(state.columns()) {
            let column = column
                .as_primitive_opt::<datafusion::arrow::datatypes::UInt64Type>()
                .ok_or_else(|| {
                    DataFusionError::Internal(format!("state column is {}", column.data_type()))
                })?;
            for i in 0..column.len() {
                if state.is_valid(i) && column.is_valid(i) {
                    self.counts
                        .add_count(&outcome, column.value(i))
                        .map_err(external)?;
                }
            }
        }
        Ok(())
    }
}
