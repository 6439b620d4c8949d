//! Parquet files in and out.

use std::fs::File;
use std::path::Path;

use arrow::datatypes::SchemaRef;
use arrow::record_batch::RecordBatch;
use parquet::arrow::ArrowWriter;
use parquet::arrow::arrow_reader::{ParquetRecordBatchReader, ParquetRecordBatchReaderBuilder};
use parquet::basic::Compression;
use parquet::file::properties::WriterProperties;

use crate::{Error, Result};

fn columnar(context: impl FnOnce() -> String, e: impl std::fmt::Display) -> Error {
    Error::Columnar {
        context: context(),
        message: e.to_string(),
    }
}

/// Writes record batches of one schema to a Parquet file, batch by batch.
///
/// Snappy compression, dictionary pages, the Arrow schema stored in the
/// file (dictionary-encoded columns are read back as dictionaries), row
/// groups of at most [`ROW_GROUP_ROWS`] rows: the writer holds the row
/// group being built, and a reader of the file one row group's column
/// chunks, so memory stays bounded however long the file (the 1M-row
/// default made a bulk run's peak memory grow with the number of
/// experiments). A sink is `Send` but not `Sync` (the `parquet` writer
/// inside is not): move it to the thread that writes.
///
/// # Example
/// ```
/// use postab::columnar::{read_parquet, variant_counts_batch, ParquetSink};
/// use postab::counts;
///
/// let path = std::env::temp_dir().join("postab-doc-counts.parquet");
/// let batch = variant_counts_batch([("cta", "question", &counts! { clicks: 3 })])?;
/// let mut sink = ParquetSink::create(&path, batch.schema())?;
/// sink.write(&batch)?;
/// sink.close()?;
/// let back: Vec<_> = read_parquet(&path)?.collect::<Result<_, _>>()?;
/// assert_eq!(back, [batch]);
/// # std::fs::remove_file(&path).ok();
/// # Ok::<(), postab::Error>(())
/// ```
pub struct ParquetSink {
    writer: ArrowWriter<File>,
    path: String,
}

impl std::fmt::Debug for ParquetSink {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ParquetSink")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

impl ParquetSink {
    /// Creates (or truncates) the file at `path` for batches of `schema`.
    ///
    /// # Errors
    /// [`Error::Columnar`] when the file cannot be created.
    pub fn create(path: impl AsRef<Path>, schema: SchemaRef) -> Result<ParquetSink> {
        let path_str = path.as_ref().display().to_string();
        let context = || format!("writing Parquet file {path_str:?}");
        let file = File::create(path.as_ref()).map_err(|e| columnar(context, e))?;
        let props = WriterProperties::builder()
            .set_compression(Compression::SNAPPY)
            .set_max_row_group_row_count(Some(ROW_GROUP_ROWS))
            .build();
        let writer =
            ArrowWriter::try_new(file, schema, Some(props)).map_err(|e| columnar(context, e))?;
        Ok(ParquetSink {
            writer,
            path: path_str,
        })
    }

    /// Appends a batch (of the sink's schema).
    ///
    /// # Errors
    /// [`Error::Columnar`] for a batch of another schema or an I/O failure.
    pub fn write(&mut self, batch: &RecordBatch) -> Result<()> {
        self.writer
            .write(batch)
            .map_err(|e| columnar(|| format!("writing Parquet file {:?}", self.path), e))
    }

    /// Finishes the file (writes the footer).
    ///
    /// # Errors
    /// [`Error::Columnar`] for an I/O failure.
    pub fn close(self) -> Result<()> {
        let path = self.path;
        self.writer
            .close()
            .map(|_| ())
            .map_err(|e| columnar(|| format!("writing Parquet file {path:?}"), e))
    }
}

/// Most rows in one row group of a file written by [`ParquetSink`] (128 Ki).
pub const ROW_GROUP_ROWS: usize = 128 * 1024;

/// Streams the record batches of a Parquet file (8,192 rows each).
///
/// # Errors
/// [`Error::Columnar`] when the file cannot be opened or is not Parquet;
/// each item is an [`Error::Columnar`] when a batch cannot be decoded.
pub fn read_parquet<P: AsRef<Path>>(
    path: P,
) -> Result<impl Iterator<Item = Result<RecordBatch>> + Send + use<P>> {
    let path_str = path.as_ref().display().to_string();
    let context = || format!("reading Parquet file {path_str:?}");
    let file = File::open(path.as_ref()).map_err(|e| columnar(context, e))?;
    let reader: ParquetRecordBatchReader = ParquetRecordBatchReaderBuilder::try_new(file)
        .map_err(|e| columnar(context, e))?
        .with_batch_size(8192)
        .build()
        .map_err(|e| columnar(context, e))?;
    Ok(reader
        .map(move |b| b.map_err(|e| columnar(|| format!("reading Parquet file {path_str:?}"), e))))
}
