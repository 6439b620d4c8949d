//! X/Twitter analytics exports read as columns: [`ExportTable`].

use std::borrow::Cow;
use std::collections::hash_map::Entry;
use std::fmt;
use std::io;
use std::path::Path;

use chrono::{DateTime, Utc};
use serde::ser::{Serialize, SerializeStruct, Serializer};

use super::csv_export::{
    IdMap, Layout, Row, Skips, decode, detect, duplicate, each_row, read_all, read_files,
    row_bound, row_counts,
};
use super::record::{
    ExportFormat, ImportMode, ImportReport, Notice, Platform, PostRecord, Reach, SkippedRow,
};
use crate::counts::OutcomeKeys;
use crate::{Counts, Error, Outcome, Result};

/// `promoted_of` of a post that was not promoted.
const NOT_PROMOTED: usize = usize::MAX;

/// The posts of an X/Twitter analytics export (or of several read as one)
/// held as columns: ids, times, lines, one buffer of texts and one of
/// links, and the counts of every post in one block of numbers, about the
/// size of the file. The fast way in for large exports; the same reader as
/// [`read_export`](super::read_export), which builds a [`PostRecord`] per
/// post from it ([`ExportTable::into_report`]).
///
/// A row is read exactly as [`read_export`](super::read_export) documents
/// (formats, line numbers, UTF-16, `;`, strict and lenient modes, errors):
/// both read through this table. A post id read again keeps the later row
/// in the place of the first, listed in [`ExportTable::notices`].
///
/// Posts are read by index ([`ExportTable::get`], [`ExportTable::iter`]:
/// an [`ExportPost`] borrowing the table) or a column at a time
/// ([`ExportTable::ids`], [`ExportTable::posted_at`],
/// [`ExportTable::column`]); [`VariantRules::group_table`](super::VariantRules::group_table)
/// groups them into variants without building records.
///
/// Serialises as an [`ImportReport`] does (`format`, `posts` as records,
/// `skipped`, `notices`).
///
/// # Example
///
/// ```
/// use postab::import::{ExportFormat, ExportTable, ImportMode, VariantRules};
/// use postab::{Metric, Outcome};
///
/// let csv = "Post id,Date,Post text,Post Link,Impressions,Likes,Engagements,Bookmarks,Shares,New follows,Replies,Reposts,Profile visits,Detail Expands,URL Clicks,Hashtag Clicks,Permalink Clicks
/// 2076939755320246272,\"Tue, Jul 14, 2026\",Too rigid? #q,,1000,5,40,0,0,0,1,2,3,4,30,0,0
/// 2077370090910646272,\"Wed, Jul 15, 2026\",No single way #s,,900,3,30,0,0,0,0,1,2,2,20,0,0
/// ";
/// let table = ExportTable::read_str(csv, ImportMode::Strict)?;
/// assert_eq!(table.format(), ExportFormat::AccountContent);
/// assert_eq!(table.len(), 2);
/// let clicks: Vec<u64> = table.column(&Outcome::Click).expect("a URL Clicks column").collect();
/// assert_eq!(clicks, [30, 20]);
/// let post = table.get(1).expect("two posts");
/// assert_eq!((post.id(), post.text(), post.line()), (2077370090910646272, "No single way #s", 3));
///
/// let groups = VariantRules::new().tag("q", "question").tag("s", "statement").group_table(&table);
/// assert_eq!(groups.counts("statement")?.impressions(), 900);
/// let exp = groups.to_experiment("hooks", "question", Metric::click_through())?;
/// assert_eq!(exp.posts().len(), 2);
/// # Ok::<(), postab::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct ExportTable {
    format: ExportFormat,
    /// Whether the format has `promoted ...` columns (looked up once, not
    /// per row).
    has_promoted: bool,
    /// The outcome of each count column, in the format's order.
    outcomes: Vec<Outcome>,
    /// The same, resolved for building [`Counts`].
    keys: OutcomeKeys,
    ids: Vec<u64>,
    posted_at: Vec<DateTime<Utc>>,
    lines: Vec<u64>,
    /// The file of each post when several were read (empty for one).
    files: Vec<usize>,
    text: String,
    /// Each post's text: `text[start..end]`.
    text_spans: Vec<(usize, usize)>,
    links: String,
    /// Each post's link (empty: none): `links[start..end]`.
    link_spans: Vec<(usize, usize)>,
    /// `outcomes.len()` organic counts per post.
    counts: Vec<u64>,
    /// Each post's block in `promoted` ([`NOT_PROMOTED`] if none); empty
    /// for a format without promoted columns.
    promoted_of: Vec<usize>,
    /// `outcomes.len()` promoted counts per promoted post.
    promoted: Vec<u64>,
    skipped: Vec<SkippedRow>,
    notices: Vec<Notice>,
}

impl ExportTable {
    /// Reads an analytics export of either format (detected from the
    /// header), as [`read_export`](super::read_export) does.
    ///
    /// # Errors
    ///
    /// As [`read_export`](super::read_export).
    pub fn read<R: io::Read>(reader: R, mode: ImportMode) -> Result<Self> {
        Self::read_one(Cow::Owned(read_all(reader)?), mode)
    }

    /// [`ExportTable::read`] from a string.
    ///
    /// # Errors
    ///
    /// As [`read_export`](super::read_export).
    pub fn read_str(csv: &str, mode: ImportMode) -> Result<Self> {
        Self::read_one(Cow::Borrowed(csv.as_bytes()), mode)
    }

    /// [`ExportTable::read`] from a file.
    ///
    /// # Errors
    ///
    /// [`Error::ReadFailed`] naming the path if it cannot be read; otherwise
    /// as [`read_export`](super::read_export).
    pub fn read_path(path: impl AsRef<Path>, mode: ImportMode) -> Result<Self> {
        let (_, bytes) = super::read_named(path.as_ref())?;
        Self::read_one(Cow::Owned(bytes), mode)
    }

    /// Several exports read as one, as [`read_exports`](super::read_exports)
    /// does (file `i` named `file i` in errors; each post's
    /// [`ExportPost::file`] is its file's index).
    ///
    /// # Errors
    ///
    /// As [`read_exports`](super::read_exports).
    pub fn read_many<S: AsRef<[u8]>>(files: &[S], mode: ImportMode) -> Result<Self> {
        Self::read_files(
            files
                .iter()
                .enumerate()
                .map(|(i, f)| Ok((format!("file {i}"), Cow::Borrowed(f.as_ref())))),
            mode,
        )
    }

    /// [`ExportTable::read_many`] from files, file `i` being `paths[i]`
    /// (errors name the path).
    ///
    /// # Errors
    ///
    /// As [`read_export_paths`](super::read_export_paths).
    pub fn read_paths<P: AsRef<Path>>(paths: &[P], mode: ImportMode) -> Result<Self> {
        Self::read_files(
            paths
                .iter()
                .map(|p| super::read_named(p.as_ref()).map(|(n, b)| (n, Cow::Owned(b)))),
            mode,
        )
    }

    fn read_one(bytes: Cow<'_, [u8]>, mode: ImportMode) -> Result<Self> {
        let mut reader = TableReader::new(mode);
        reader.read_file(&decode(bytes)?, 0, false)?;
        reader.finish()
    }

    fn read_files<'a>(
        files: impl Iterator<Item = Result<(String, Cow<'a, [u8]>)>>,
        mode: ImportMode,
    ) -> Result<Self> {
        let mut reader = TableReader::new(mode);
        read_files(files, &mut reader, |r, name, data, i| {
            r.skips.file_name = Some(name.to_string());
            r.read_file(data, i, true)
        })?;
        reader.finish()
    }

    /// An empty table of `format`.
    fn empty(format: ExportFormat) -> Result<Self> {
        let names = format.outcome_names();
        Ok(ExportTable {
            format,
            has_promoted: format.has_promoted(),
            outcomes: names
                .iter()
                .map(|n| Outcome::from_key(n))
                .collect::<Result<_>>()?,
            keys: OutcomeKeys::from_static(names)?,
            ids: Vec::new(),
            posted_at: Vec::new(),
            lines: Vec::new(),
            files: Vec::new(),
            text: String::new(),
            text_spans: Vec::new(),
            links: String::new(),
            link_spans: Vec::new(),
            counts: Vec::new(),
            promoted_of: Vec::new(),
            promoted: Vec::new(),
            skipped: Vec::new(),
            notices: Vec::new(),
        })
    }

    /// Count columns per post.
    fn width(&self) -> usize {
        self.outcomes.len()
    }

    /// Room for `rows` more posts.
    fn reserve(&mut self, rows: usize) {
        self.ids.reserve(rows);
        self.posted_at.reserve(rows);
        self.lines.reserve(rows);
        self.text_spans.reserve(rows);
        self.link_spans.reserve(rows);
        self.counts.reserve(rows.saturating_mul(self.width()));
        if self.has_promoted {
            self.promoted_of.reserve(rows);
        }
    }

    /// Appends the post of `row`, read from `line` of `file` (`None`: the
    /// only file).
    fn push(&mut self, row: &Row<'_>, line: u64, file: Option<usize>) {
        let width = self.width();
        self.ids.push(row.id);
        self.posted_at.push(row.posted_at);
        self.lines.push(line);
        if let Some(file) = file {
            self.files.push(file);
        }
        push_span(&mut self.text, &mut self.text_spans, row.text);
        push_span(&mut self.links, &mut self.link_spans, row.link);
        self.counts.extend_from_slice(&row.organic[..width]);
        if self.has_promoted {
            let block = match &row.promoted {
                Some(p) => {
                    self.promoted.extend_from_slice(&p[..width]);
                    self.promoted.len() / width - 1
                }
                None => NOT_PROMOTED,
            };
            self.promoted_of.push(block);
        }
    }

    /// Moves the last post into place `at` (a later snapshot of the same
    /// post), leaving its old text, link and promoted counts unreferenced
    /// until [`ExportTable::compact`].
    fn replace_with_last(&mut self, at: usize) {
        let width = self.width();
        let last = self.ids.len() - 1;
        self.ids.swap_remove(at);
        self.posted_at.swap_remove(at);
        self.lines.swap_remove(at);
        if !self.files.is_empty() {
            self.files.swap_remove(at);
        }
        self.text_spans.swap_remove(at);
        self.link_spans.swap_remove(at);
        self.counts
            .copy_within(last * width..(last + 1) * width, at * width);
        self.counts.truncate(last * width);
        if !self.promoted_of.is_empty() {
            self.promoted_of.swap_remove(at);
        }
    }

    /// Drops the texts, links and promoted counts no post refers to.
    fn compact(&mut self) {
        compact_spans(&mut self.text, &mut self.text_spans);
        compact_spans(&mut self.links, &mut self.link_spans);
        let width = self.width();
        let mut promoted = Vec::new();
        for block in self.promoted_of.iter_mut().filter(|b| **b != NOT_PROMOTED) {
            let start = *block * width;
            *block = promoted.len() / width;
            promoted.extend_from_slice(&self.promoted[start..start + width]);
        }
        self.promoted = promoted;
    }

    /// The format read.
    pub fn format(&self) -> ExportFormat {
        self.format
    }

    /// How many posts there are.
    pub fn len(&self) -> usize {
        self.ids.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.ids.is_empty()
    }

    /// Post `index` (in file order), if there is one.
    pub fn get(&self, index: usize) -> Option<ExportPost<'_>> {
        (index < self.len()).then_some(ExportPost { table: self, index })
    }

    /// The posts in file order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = ExportPost<'_>> + '_ {
        (0..self.len()).map(move |index| ExportPost { table: self, index })
    }

    /// The post ids, in file order.
    pub fn ids(&self) -> &[u64] {
        &self.ids
    }

    /// The posting times (UTC), in file order.
    pub fn posted_at(&self) -> &[DateTime<Utc>] {
        &self.posted_at
    }

    /// The 1-based line where each post's row starts, in file order.
    pub fn lines(&self) -> &[u64] {
        &self.lines
    }

    /// The outcomes the format counts, in the order of its columns (tweet
    /// activity: 17, account content: 13; see
    /// [`PostRecord::counts`](super::PostRecord) for their names). A
    /// column the file lacks counts 0.
    pub fn outcomes(&self) -> &[Outcome] {
        &self.outcomes
    }

    /// The organic count of `outcome` of every post, in file order (`None`:
    /// the format does not count it).
    pub fn column(&self, outcome: &Outcome) -> Option<impl ExactSizeIterator<Item = u64> + '_> {
        let k = self.outcomes.iter().position(|o| o == outcome)?;
        Some(self.counts.chunks_exact(self.width()).map(move |c| c[k]))
    }

    /// Rows skipped in lenient mode (always empty in strict mode), as
    /// [`ImportReport::skipped`].
    pub fn skipped(&self) -> &[SkippedRow] {
        &self.skipped
    }

    /// Posts read again, as [`ImportReport::notices`].
    pub fn notices(&self) -> &[Notice] {
        &self.notices
    }

    /// A [`PostRecord`] of every post, in file order.
    pub fn to_records(&self) -> Vec<PostRecord> {
        self.iter().map(|p| p.to_record()).collect()
    }

    /// The table as an [`ImportReport`] (a [`PostRecord`] per post): what
    /// [`read_export`](super::read_export) returns.
    pub fn into_report(self) -> ImportReport {
        let posts = self.to_records();
        let mut report = ImportReport::empty(self.format);
        report.posts = posts;
        report.skipped = self.skipped;
        report.notices = self.notices;
        report
    }
}

/// Appends `s` to `buf` and its span to `spans`.
fn push_span(buf: &mut String, spans: &mut Vec<(usize, usize)>, s: &str) {
    let start = buf.len();
    buf.push_str(s);
    spans.push((start, buf.len()));
}

/// `buf` rebuilt with only the strings `spans` refer to, in their order.
fn compact_spans(buf: &mut String, spans: &mut [(usize, usize)]) {
    let mut kept = String::with_capacity(buf.len());
    for span in spans.iter_mut() {
        let start = kept.len();
        kept.push_str(&buf[span.0..span.1]);
        *span = (start, kept.len());
    }
    *buf = kept;
}

/// Reads files into a table, resolving duplicates.
struct TableReader {
    /// `None` until the first file's header is read.
    table: Option<ExportTable>,
    /// The ids read.
    seen: Seen,
    skips: Skips,
}

impl TableReader {
    fn new(mode: ImportMode) -> Self {
        TableReader {
            table: None,
            seen: Seen::default(),
            skips: Skips::new(mode),
        }
    }

    /// Reads file `file` (`several`: one of several files read as one).
    fn read_file(&mut self, data: &[u8], file: usize, several: bool) -> Result<()> {
        let (header, delimiter, format) = detect(data, self.table.as_ref().map(|t| t.format))?;
        let TableReader { table, seen, skips } = self;
        let table = match table {
            Some(t) => t,
            None => table.insert(ExportTable::empty(format)?),
        };
        let mut layout = Layout::new(format, &header)?;
        let bound = row_bound(data);
        table.reserve(bound);
        let page = several.then_some(file);
        each_row(data, delimiter, 1, skips, |record, line| {
            let row = layout.parse_row(record, line)?;
            table.push(&row, line, page);
            if let Some(earlier) = seen.earlier(&table.ids) {
                table.replace_with_last(earlier);
                table
                    .notices
                    .push(duplicate(file, line, row.id.to_string()));
            }
            Ok(())
        })
    }

    fn finish(self) -> Result<ExportTable> {
        let mut table = self.table.ok_or_else(|| Error::MalformedCsv {
            line: None,
            message: "no files given".to_string(),
        })?;
        // Only duplicates are noticed: each left an old text unreferenced.
        if !table.notices.is_empty() {
            table.compact();
        }
        table.skipped = self.skips.rows;
        Ok(table)
    }
}

/// Which earlier post has an id. Exports list posts by time, and while the
/// ids read are strictly increasing (or decreasing) none can repeat: the
/// hash map of ids is built only once they are not.
#[derive(Default)]
struct Seen {
    /// Position in the table of each id, once built.
    map: Option<IdMap<u64>>,
    /// The last id, while no map is built.
    last: Option<u64>,
    /// Whether the ids rise (`None` until two are read).
    rising: Option<bool>,
}

impl Seen {
    /// The position of the earlier post with the last of `ids` (just read),
    /// if there is one; else the last id is remembered at its position.
    fn earlier(&mut self, ids: &[u64]) -> Option<usize> {
        let (&id, before) = ids.split_last()?;
        if self.map.is_none() {
            let last = self.last.replace(id)?;
            let rising = id > last;
            if id != last && *self.rising.get_or_insert(rising) == rising {
                return None;
            }
            // Out of order: from here on, look ids up.
            let mut map = IdMap::default();
            map.reserve(ids.len());
            map.extend(before.iter().enumerate().map(|(i, &x)| (x, i)));
            self.map = Some(map);
        }
        match self.map.as_mut()?.entry(id) {
            Entry::Occupied(e) => Some(*e.get()),
            Entry::Vacant(e) => {
                e.insert(before.len());
                None
            }
        }
    }
}

/// One post of an [`ExportTable`], borrowing it.
#[derive(Clone, Copy)]
pub struct ExportPost<'t> {
    table: &'t ExportTable,
    index: usize,
}

impl<'t> ExportPost<'t> {
    /// Its index in the table.
    pub fn index(self) -> usize {
        self.index
    }

    /// The post id.
    pub fn id(self) -> u64 {
        self.table.ids[self.index]
    }

    /// When it was posted (UTC): the `time` column, or decoded from the id
    /// (account content).
    pub fn posted_at(self) -> DateTime<Utc> {
        self.table.posted_at[self.index]
    }

    /// The post text.
    pub fn text(self) -> &'t str {
        let (start, end) = self.table.text_spans[self.index];
        &self.table.text[start..end]
    }

    /// The permalink, if the export has one for the post.
    pub fn link(self) -> Option<&'t str> {
        let (start, end) = self.table.link_spans[self.index];
        (end > start).then(|| &self.table.links[start..end])
    }

    /// The 1-based line where its row starts.
    pub fn line(self) -> u64 {
        self.table.lines[self.index]
    }

    /// The index of the file it was read from, when several were read
    /// together.
    pub fn file(self) -> Option<usize> {
        self.table.files.get(self.index).copied()
    }

    /// Its organic counts, in the order of [`ExportTable::outcomes`].
    pub fn counts_row(self) -> &'t [u64] {
        let width = self.table.width();
        &self.table.counts[self.index * width..(self.index + 1) * width]
    }

    /// Its promoted counts in the same order, if it was promoted.
    pub fn promoted_row(self) -> Option<&'t [u64]> {
        let width = self.table.width();
        let block = *self.table.promoted_of.get(self.index)?;
        (block != NOT_PROMOTED).then(|| &self.table.promoted[block * width..(block + 1) * width])
    }

    /// The organic count of `outcome` (0 if the format does not count it).
    pub fn count(self, outcome: &Outcome) -> u64 {
        self.table
            .outcomes
            .iter()
            .position(|o| o == outcome)
            .map_or(0, |k| self.counts_row()[k])
    }

    /// Its organic counts.
    pub fn counts(self) -> Counts {
        self.counts_from(self.counts_row())
    }

    /// Its promoted counts, if it was promoted.
    pub fn promoted(self) -> Option<Counts> {
        self.promoted_row().map(|row| self.counts_from(row))
    }

    /// Its counts of one reach (`None`: promoted, and it was not).
    pub fn counts_of(self, reach: Reach) -> Option<Counts> {
        match reach {
            Reach::Organic => Some(self.counts()),
            Reach::Promoted => self.promoted(),
        }
    }

    fn counts_from(self, row: &[u64]) -> Counts {
        row_counts(&self.table.keys, row)
    }

    /// The post as a [`PostRecord`] (as [`read_export`](super::read_export)
    /// returns it).
    pub fn to_record(self) -> PostRecord {
        let mut post = PostRecord::new(Platform::X, self.id().to_string(), self.posted_at());
        post.text = self.text().to_owned();
        post.link = self.link().map(str::to_owned);
        post.counts = self.counts();
        post.promoted = self.promoted().map(Box::new);
        post.line = self.line();
        post.page = self.file();
        post
    }
}

/// Two views are equal when they are the same post of the same table.
impl PartialEq for ExportPost<'_> {
    fn eq(&self, other: &Self) -> bool {
        std::ptr::eq(self.table, other.table) && self.index == other.index
    }
}

impl Eq for ExportPost<'_> {}

/// The post's index, id, time and text (not the whole table).
impl fmt::Debug for ExportPost<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ExportPost")
            .field("index", &self.index)
            .field("id", &self.id())
            .field("posted_at", &self.posted_at())
            .field("text", &self.text())
            .finish()
    }
}

/// As the [`ImportReport`] of the table: `format`, `posts` (records),
/// `skipped`, `notices`.
impl Serialize for ExportTable {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        struct Posts<'a>(&'a ExportTable);
        impl Serialize for Posts<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                s.collect_seq(self.0.iter().map(|p| p.to_record()))
            }
        }
        let mut st = s.serialize_struct("ImportReport", 4)?;
        st.serialize_field("format", &self.format)?;
        st.serialize_field("posts", &Posts(self))?;
        st.serialize_field("skipped", &self.skipped)?;
        st.serialize_field("notices", &self.notices)?;
        st.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Ids in order need no map; the first out of order builds it, and
    /// every repeat is found, in either direction.
    #[test]
    fn seen_finds_every_repeat() {
        for ids in [
            vec![1, 2, 3, 2, 5, 1, 5],
            vec![9, 7, 7, 3, 8, 9],
            vec![4, 4],
            vec![1, 2, 3],
        ] {
            let mut seen = Seen::default();
            let mut kept: Vec<u64> = Vec::new();
            for &id in &ids {
                kept.push(id);
                let want = kept[..kept.len() - 1].iter().position(|&x| x == id);
                assert_eq!(seen.earlier(&kept), want, "{ids:?} at {id}");
                if want.is_some() {
                    kept.pop();
                }
            }
            assert_eq!(seen.map.is_none(), ids == [1, 2, 3], "{ids:?}");
        }
    }

    /// Each outcome of a format has one column, so building a post's
    /// [`Counts`] cannot overflow.
    #[test]
    fn every_format_counts_each_outcome_once() {
        for format in [ExportFormat::TweetActivity, ExportFormat::AccountContent] {
            let table = ExportTable::empty(format).expect("valid outcome names");
            let mut outcomes = table.outcomes.clone();
            outcomes.sort();
            outcomes.dedup();
            assert_eq!(outcomes.len(), table.width(), "{format}");
            assert!(table.width() <= super::super::csv_export::MAX_OUTCOMES);
            let row = vec![u64::MAX; table.width()];
            assert!(Counts::from_keys(&table.keys, &row).is_ok(), "{format}");
        }
    }
}
