//! Reading columns leniently: any string encoding for an id, any integer
//! type for a count, with postab's errors naming the column.

use arrow::array::{Array, ArrayRef, AsArray, BooleanArray, Int32Array, Int64Array, StringArray};
use arrow::compute::{CastOptions, cast_with_options};
use arrow::datatypes::{DataType, Int32Type, TimeUnit};
use arrow::record_batch::RecordBatch;

use crate::{Error, Outcome, Result};

pub(crate) fn bad(column: &str, problem: impl Into<String>) -> Error {
    Error::BadColumn {
        column: column.to_string(),
        problem: problem.into(),
    }
}

const STRICT: CastOptions<'static> = CastOptions {
    safe: false,
    format_options: arrow::util::display::FormatOptions::new(),
};

fn column<'b>(batch: &'b RecordBatch, name: &str) -> Option<&'b ArrayRef> {
    batch.column_by_name(name)
}

fn cast(column_name: &str, array: &ArrayRef, to: &DataType) -> Result<ArrayRef> {
    cast_with_options(array, to, &STRICT).map_err(|e| {
        bad(
            column_name,
            format!("cannot read {} as {to}: {e}", array.data_type()),
        )
    })
}

/// An id column: dictionary-encoded or plain strings.
pub(crate) enum StrCol {
    Dict {
        keys: Int32Array,
        values: StringArray,
    },
    Plain(StringArray),
}

fn is_string(t: &DataType) -> bool {
    matches!(t, DataType::Utf8 | DataType::LargeUtf8 | DataType::Utf8View)
}

impl StrCol {
    /// The column `name`: `Ok(None)` when it is absent and `required` is
    /// false.
    pub(crate) fn read(batch: &RecordBatch, name: &str, required: bool) -> Result<Option<StrCol>> {
        let Some(array) = column(batch, name) else {
            return if required {
                Err(bad(name, "missing"))
            } else {
                Ok(None)
            };
        };
        match array.data_type() {
            DataType::Dictionary(_, v) if is_string(v) => {
                let dict = cast(
                    name,
                    array,
                    &DataType::Dictionary(Box::new(DataType::Int32), Box::new(DataType::Utf8)),
                )?;
                let dict = dict.as_dictionary::<Int32Type>();
                Ok(Some(StrCol::Dict {
                    keys: dict.keys().clone(),
                    values: dict.values().as_string::<i32>().clone(),
                }))
            }
            t if is_string(t) => Ok(Some(StrCol::Plain(
                cast(name, array, &DataType::Utf8)?
                    .as_string::<i32>()
                    .clone(),
            ))),
            DataType::Null => Ok(Some(StrCol::Plain(StringArray::new_null(array.len())))),
            t => Err(bad(name, format!("expected strings, found {t}"))),
        }
    }

    /// The value at row `i` (None when null).
    pub(crate) fn get(&self, i: usize) -> Option<&str> {
        match self {
            StrCol::Dict { keys, values } => {
                if keys.is_null(i) {
                    return None;
                }
                let k = keys.value(i) as usize;
                (values.is_valid(k)).then(|| values.value(k))
            }
            StrCol::Plain(a) => a.is_valid(i).then(|| a.value(i)),
        }
    }

    /// The value at row `i`, which must not be null.
    pub(crate) fn required(&self, name: &str, i: usize) -> Result<&str> {
        self.get(i)
            .ok_or_else(|| bad(name, format!("null at row {i} (ids may not be null)")))
    }
}

/// An outcome column, each distinct name parsed once.
pub(crate) struct OutcomeCol {
    /// Per row: an index into `outcomes` (`None` when null).
    rows: Vec<Option<u32>>,
    outcomes: Vec<Outcome>,
}

impl OutcomeCol {
    pub(crate) fn read(batch: &RecordBatch, name: &str) -> Result<OutcomeCol> {
        let parse =
            |s: &str| Outcome::from_key(s).map_err(|e| bad(name, format!("outcome {s:?}: {e}")));
        match StrCol::read(batch, name, true)? {
            Some(StrCol::Dict { keys, values }) => {
                let outcomes = (0..values.len())
                    .map(|k| {
                        parse(if values.is_valid(k) {
                            values.value(k)
                        } else {
                            ""
                        })
                    })
                    .collect::<Vec<_>>();
                // Only the names in use must parse.
                let mut rows = Vec::with_capacity(keys.len());
                let mut parsed = Vec::with_capacity(outcomes.len());
                let mut index = vec![None; outcomes.len()];
                for i in 0..keys.len() {
                    if keys.is_null(i) {
                        rows.push(None);
                        continue;
                    }
                    let k = keys.value(i) as usize;
                    let slot = match index.get(k).copied().flatten() {
                        Some(slot) => slot,
                        None => {
                            let outcome = outcomes.get(k).cloned().ok_or_else(|| {
                                bad(name, format!("dictionary key {k} out of range"))
                            })??;
                            parsed.push(outcome);
                            let slot = (parsed.len() - 1) as u32;
                            index[k] = Some(slot);
                            slot
                        }
                    };
                    rows.push(Some(slot));
                }
                Ok(OutcomeCol {
                    rows,
                    outcomes: parsed,
                })
            }
            Some(StrCol::Plain(a)) => {
                let mut outcomes: Vec<Outcome> = Vec::new();
                let mut rows = Vec::with_capacity(a.len());
                for i in 0..a.len() {
                    if a.is_null(i) {
                        rows.push(None);
                        continue;
                    }
                    let s = a.value(i);
                    let slot = match outcomes.iter().position(|o| o.name() == s) {
                        Some(p) => p,
                        None => {
                            let o = parse(s)?;
                            match outcomes.iter().position(|x| *x == o) {
                                Some(p) => p,
                                None => {
                                    outcomes.push(o);
                                    outcomes.len() - 1
                                }
                            }
                        }
                    };
                    rows.push(Some(slot as u32));
                }
                Ok(OutcomeCol { rows, outcomes })
            }
            None => Err(bad(name, "missing")),
        }
    }

    /// The outcome at row `i`.
    pub(crate) fn get(&self, name: &str, i: usize) -> Result<&Outcome> {
        self.rows
            .get(i)
            .copied()
            .flatten()
            .and_then(|s| self.outcomes.get(s as usize))
            .ok_or_else(|| bad(name, format!("null at row {i} (outcomes may not be null)")))
    }

    /// The slot (index into [`OutcomeCol::outcomes`]) at row `i`.
    pub(crate) fn slot(&self, i: usize) -> Option<u32> {
        self.rows.get(i).copied().flatten()
    }

    /// The distinct outcomes, indexed by slot.
    pub(crate) fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }
}

/// A count column (any integer type), read as `Int64`.
pub(crate) struct IntCol(Int64Array);

impl IntCol {
    pub(crate) fn read(batch: &RecordBatch, name: &str) -> Result<IntCol> {
        let array = column(batch, name).ok_or_else(|| bad(name, "missing"))?;
        if !array.data_type().is_integer() && *array.data_type() != DataType::Null {
            return Err(bad(
                name,
                format!("expected integers, found {}", array.data_type()),
            ));
        }
        Ok(IntCol(
            cast(name, array, &DataType::Int64)?
                .as_primitive::<arrow::datatypes::Int64Type>()
                .clone(),
        ))
    }

    /// The count at row `i`: `Ok(None)` when null, an error when negative.
    pub(crate) fn get(&self, name: &str, i: usize) -> Result<Option<u64>> {
        if self.0.is_null(i) {
            return Ok(None);
        }
        let v = self.0.value(i);
        u64::try_from(v)
            .map(Some)
            .map_err(|_| bad(name, format!("{v} at row {i} is negative")))
    }

    /// The count at row `i`, which must not be null.
    pub(crate) fn required(&self, name: &str, i: usize) -> Result<u64> {
        self.get(name, i)?
            .ok_or_else(|| bad(name, format!("null at row {i} (counts may not be null)")))
    }
}

/// An optional boolean column.
pub(crate) fn bool_col(batch: &RecordBatch, name: &str) -> Result<Option<BooleanArray>> {
    match column(batch, name) {
        None => Ok(None),
        Some(a) if *a.data_type() == DataType::Boolean => Ok(Some(a.as_boolean().clone())),
        Some(a) => Err(bad(
            name,
            format!("expected Boolean, found {}", a.data_type()),
        )),
    }
}

/// A timestamp column (any unit and zone) as Unix microseconds.
pub(crate) fn micros_col(batch: &RecordBatch, name: &str) -> Result<Int64Array> {
    let array = column(batch, name).ok_or_else(|| bad(name, "missing"))?;
    if !matches!(array.data_type(), DataType::Timestamp(..)) {
        return Err(bad(
            name,
            format!("expected a timestamp, found {}", array.data_type()),
        ));
    }
    let micros = cast(
        name,
        array,
        &DataType::Timestamp(TimeUnit::Microsecond, None),
    )?;
    Ok(micros
        .as_primitive::<arrow::datatypes::TimestampMicrosecondType>()
        .reinterpret_cast::<arrow::datatypes::Int64Type>())
}

/// A count for a table: at most `i64::MAX`.
pub(crate) fn to_i64(column: &str, v: u64) -> Result<i64> {
    i64::try_from(v).map_err(|_| {
        bad(
            column,
            format!("{v} exceeds the largest Int64 count, {}", i64::MAX),
        )
    })
}
