//! Per-variant and per-post counts tables (the long form: one row per key
//! and outcome).

use std::collections::BTreeMap;
use std::sync::Arc;

use arrow::array::{ArrayRef, Int64Builder, StringDictionaryBuilder};
use arrow::datatypes::Int32Type;
use arrow::record_batch::RecordBatch;

use super::columns::{IntCol, OutcomeCol, StrCol, bad, to_i64};
use super::schema::{
    COUNT, EXPERIMENT, OUTCOME, POST, VARIANT, post_counts_schema, variant_counts_schema,
};
use crate::{Counts, Error, Result};

/// The per-variant counts table ([`variant_counts_schema`]) of
/// `(experiment, variant, counts)` rows: one row per non-zero outcome.
///
/// # Errors
/// [`Error::CountOverflow`] for overflowed (poisoned) counts,
/// [`Error::BadColumn`] for a count above `i64::MAX`.
///
/// # Example
/// ```
/// use postab::columnar::{read_variant_counts, variant_counts_batch};
/// use postab::counts;
///
/// let q = counts! { impressions: 2_140, clicks: 15 };
/// let batch = variant_counts_batch([("cta", "question", &q)])?;
/// assert_eq!(batch.num_rows(), 2);
/// assert_eq!(read_variant_counts(&[batch])?[&("cta".into(), "question".into())], q);
/// # Ok::<(), postab::Error>(())
/// ```
pub fn variant_counts_batch<'a, I>(rows: I) -> Result<RecordBatch>
where
    I: IntoIterator<Item = (&'a str, &'a str, &'a Counts)>,
{
    let mut b = CountsBuilder::default();
    for (experiment, variant, counts) in rows {
        b.push(&[experiment, variant], counts)?;
    }
    b.finish(variant_counts_schema(), 2)
}

/// The per-post counts table ([`post_counts_schema`]) of
/// `(experiment, variant, post, counts)` rows: one row per non-zero
/// outcome.
///
/// # Errors
/// As [`variant_counts_batch`].
pub fn post_counts_batch<'a, I>(rows: I) -> Result<RecordBatch>
where
    I: IntoIterator<Item = (&'a str, &'a str, &'a str, &'a Counts)>,
{
    let mut b = CountsBuilder::default();
    for (experiment, variant, post, counts) in rows {
        b.push(&[experiment, variant, post], counts)?;
    }
    b.finish(post_counts_schema(), 3)
}

#[derive(Default)]
struct CountsBuilder {
    ids: [StringDictionaryBuilder<Int32Type>; 3],
    outcome: StringDictionaryBuilder<Int32Type>,
    count: Int64Builder,
}

impl CountsBuilder {
    fn push(&mut self, ids: &[&str], counts: &Counts) -> Result<()> {
        counts.check_exact()?;
        for (outcome, n) in counts.iter() {
            let n = to_i64(COUNT, n)?;
            for (b, id) in self.ids.iter_mut().zip(ids) {
                b.append_value(id);
            }
            self.outcome.append_value(outcome.name());
            self.count.append_value(n);
        }
        Ok(())
    }

    fn finish(mut self, schema: arrow::datatypes::SchemaRef, ids: usize) -> Result<RecordBatch> {
        let mut columns: Vec<ArrayRef> = self
            .ids
            .iter_mut()
            .take(ids)
            .map(|b| Arc::new(b.finish()) as ArrayRef)
            .collect();
        columns.push(Arc::new(self.outcome.finish()));
        columns.push(Arc::new(self.count.finish()));
        RecordBatch::try_new(schema, columns).map_err(|e| Error::Columnar {
            context: "building a counts batch".into(),
            message: e.to_string(),
        })
    }
}

/// Reads per-variant counts tables (e.g. the result of the `GROUP BY` in the
/// [module docs](super)) into counts per `(experiment, variant)`. Rows of
/// the same key and outcome add up.
///
/// # Errors
/// [`Error::BadColumn`] for a missing or unusable column, a null value or a
/// negative count; [`Error::CountOverflow`] when a sum passes `u64::MAX`.
pub fn read_variant_counts(batches: &[RecordBatch]) -> Result<BTreeMap<(String, String), Counts>> {
    let mut out: BTreeMap<(String, String), Counts> = BTreeMap::new();
    for batch in batches {
        read_rows(batch, &[EXPERIMENT, VARIANT], |ids, outcome, n| {
            let key = (ids[0].to_string(), ids[1].to_string());
            out.entry(key).or_default().add_count(outcome, n)
        })?;
    }
    Ok(out)
}

/// Reads per-post counts tables into counts per `(experiment, variant,
/// post)`. Rows of the same key and outcome add up.
///
/// # Errors
/// As [`read_variant_counts`].
pub fn read_post_counts(
    batches: &[RecordBatch],
) -> Result<BTreeMap<(String, String, String), Counts>> {
    let mut out: BTreeMap<(String, String, String), Counts> = BTreeMap::new();
    for batch in batches {
        read_rows(batch, &[EXPERIMENT, VARIANT, POST], |ids, outcome, n| {
            let key = (ids[0].to_string(), ids[1].to_string(), ids[2].to_string());
            out.entry(key).or_default().add_count(outcome, n)
        })?;
    }
    Ok(out)
}

fn read_rows(
    batch: &RecordBatch,
    names: &[&str],
    mut f: impl FnMut(&[&str], &crate::Outcome, u64) -> Result<()>,
) -> Result<()> {
    let cols = names
        .iter()
        .map(|&name| StrCol::read(batch, name, true)?.ok_or_else(|| bad(name, "missing")))
        .collect::<Result<Vec<_>>>()?;
    let outcome = OutcomeCol::read(batch, OUTCOME)?;
    let count = IntCol::read(batch, COUNT)?;
    let mut ids = Vec::with_capacity(names.len());
    for i in 0..batch.num_rows() {
        ids.clear();
        for (col, &name) in cols.iter().zip(names) {
            ids.push(col.required(name, i)?);
        }
        f(&ids, outcome.get(OUTCOME, i)?, count.required(COUNT, i)?)?;
    }
    Ok(())
}
