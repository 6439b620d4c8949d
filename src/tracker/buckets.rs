//! The counters behind a tracker: one `u64` per (key, outcome slot, time
//! bucket, shard), allocated in pages of 256 buckets on first use and found
//! without a lock.
//!
//! Layout, from the top:
//!
//! - a table of **chunks**, each covering 2¹⁴ consecutive buckets (11.4
//!   days of minute buckets), found by open addressing on the chunk number
//!   with atomic tags (a full table chains to a new one);
//! - in a chunk, a [`Segmented`] array of keys, each key a small table of
//!   its outcome slots (8 built-in, then the custom ones);
//! - per (key, slot, chunk), 64 page groups, each with one page slot per
//!   shard;
//! - a page: 256 `AtomicU64` counters, one per bucket.
//!
//! Every level is created once (`OnceLock`) and never moves, so a writer
//! walks it with plain loads (and a thread's recent pages are cached, so
//! most events skip the walk).
//!
//! # Shards
//!
//! A thread that writes to a tracker first claims one of its shards for
//! itself and keeps it until the thread ends. Only the owner writes an
//! owned shard, so its adds are a plain load and store (atomic, relaxed:
//! readers may read at any time) with no read-modify-write instruction.
//! Threads that find every shard claimed share one more shard, with
//! compare-and-swap adds. Readers sum all shards.

use std::cell::RefCell;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::sync::{Arc, OnceLock, Weak};

use super::segmented::Segmented;
use crate::Outcome;

/// Buckets per page (a power of two).
pub(crate) const PAGE: usize = 1 << PAGE_BITS;
const PAGE_BITS: u32 = 8;
/// Pages per chunk.
const CHUNK_PAGES: usize = 1 << (CHUNK_BITS - PAGE_BITS);
/// log2 of the buckets per chunk.
pub(crate) const CHUNK_BITS: u32 = 14;
/// Slots per chunk table.
const TABLE: usize = 256;
/// The tag of a free chunk-table slot (no bucket index reaches it: chrono's
/// time range holds about ±2⁴³ seconds).
const EMPTY: i64 = i64::MIN;

type Page = [AtomicU64; PAGE];

fn new_page() -> Arc<Page> {
    Arc::new(std::array::from_fn(|_| AtomicU64::new(0)))
}

/// A thread's recently used pages, so that consecutive events of the same
/// (tracker, key, slot, page) skip the directory walk. Entries hold an
/// `Arc` of their page: a dropped tracker's pages stay alive until their
/// entries are replaced (at most `CACHE` pages, 2 KiB each, per thread).
const CACHE: usize = 16;

struct CacheEntry {
    /// The cells' unique id (0: empty).
    cells_id: u64,
    key: u32,
    slot: u32,
    /// Whether the page is on a shard this thread owns.
    owned: bool,
    /// `bucket >> PAGE_BITS`.
    page: i64,
    cells: Option<Arc<Page>>,
}

impl CacheEntry {
    const EMPTY: CacheEntry = CacheEntry {
        cells_id: 0,
        key: 0,
        slot: 0,
        owned: false,
        page: 0,
        cells: None,
    };
}

/// The claim flags of a tracker's owned shards.
pub(crate) struct Claims {
    taken: Box<[std::sync::atomic::AtomicBool]>,
}

/// A thread's shard of one tracker; an owned shard is released when the
/// thread ends (the tracker may be gone by then).
struct Claim {
    cells_id: u64,
    claims: Weak<Claims>,
    writer: Writer,
}

impl Drop for Claim {
    fn drop(&mut self) {
        if self.writer.owned
            && let Some(claims) = self.claims.upgrade()
            && let Some(flag) = claims.taken.get(self.writer.shard)
        {
            flag.store(false, Ordering::Release);
        }
    }
}

/// Where (and how) a thread writes: its shard, and whether it owns it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Writer {
    pub(crate) shard: usize,
    pub(crate) owned: bool,
}

impl Writer {
    /// A writer that owns nothing (compare-and-swap adds): for a tracker no
    /// other thread can see yet.
    #[cfg(test)]
    pub(crate) const SHARED_FIRST: Writer = Writer {
        shard: 0,
        owned: false,
    };
}

thread_local! {
    static PAGE_CACHE: RefCell<[CacheEntry; CACHE]> =
        const { RefCell::new([const { CacheEntry::EMPTY }; CACHE]) };
    static CLAIMS: RefCell<Vec<Claim>> = const { RefCell::new(Vec::new()) };
}

/// Adds `n` to a counter of an owned shard (no other thread writes it).
#[inline(always)]
fn owned_add(cell: &AtomicU64, n: u64) -> Result<(), u64> {
    let current = cell.load(Ordering::Relaxed);
    let sum = current.checked_add(n).ok_or(current)?;
    cell.store(sum, Ordering::Relaxed);
    Ok(())
}

#[inline(always)]
fn add_as(owned: bool, cell: &AtomicU64, n: u64) -> Result<(), u64> {
    if owned {
        owned_add(cell, n)
    } else {
        checked_add(cell, n)
    }
}

/// Takes back an add of `n` that succeeded.
#[inline(always)]
fn sub_as(owned: bool, cell: &AtomicU64, n: u64) {
    if owned {
        cell.store(
            cell.load(Ordering::Relaxed).wrapping_sub(n),
            Ordering::Relaxed,
        );
    } else {
        cell.fetch_sub(n, Ordering::Relaxed);
    }
}

/// One page's slots, one per shard (the owned shards, then the shared one).
type PageGroup = Box<[OnceLock<Arc<Page>>]>;

/// One (key, slot)'s page groups in one chunk.
struct SeriesChunk {
    groups: [OnceLock<PageGroup>; CHUNK_PAGES],
}

impl SeriesChunk {
    fn new() -> Self {
        SeriesChunk {
            groups: std::array::from_fn(|_| OnceLock::new()),
        }
    }
}

/// One key's series in one chunk.
#[derive(Default)]
struct KeyChunk {
    builtin: [OnceLock<Box<SeriesChunk>>; Outcome::BUILTIN_COUNT],
    custom: OnceLock<Box<Segmented<OnceLock<Box<SeriesChunk>>>>>,
}

impl KeyChunk {
    #[inline]
    fn series_or_alloc(&self, slot: u32) -> Option<&SeriesChunk> {
        let slot = slot as usize;
        let cell = match self.builtin.get(slot) {
            Some(s) => s,
            None => self
                .custom
                .get_or_init(Box::default)
                .get_or_alloc(slot - Outcome::BUILTIN_COUNT)?,
        };
        Some(cell.get_or_init(|| Box::new(SeriesChunk::new())))
    }

    /// The allocated series with their slots.
    fn all_series(&self) -> impl Iterator<Item = (u32, &SeriesChunk)> {
        let builtin = self
            .builtin
            .iter()
            .enumerate()
            .filter_map(|(i, s)| Some((i as u32, &**s.get()?)));
        let custom = self.custom.get().into_iter().flat_map(|c| {
            c.iter()
                .filter_map(|(i, s)| Some(((i + Outcome::BUILTIN_COUNT) as u32, &**s.get()?)))
        });
        builtin.chain(custom)
    }
}

struct Chunk {
    /// The chunk number: buckets `number << CHUNK_BITS ..`.
    number: i64,
    keys: Segmented<OnceLock<Box<KeyChunk>>>,
}

struct ChunkSlot {
    tag: AtomicI64,
    chunk: OnceLock<Box<Chunk>>,
}

struct ChunkTable {
    slots: Box<[ChunkSlot]>,
    next: OnceLock<Box<ChunkTable>>,
}

impl ChunkTable {
    fn new() -> Self {
        ChunkTable {
            slots: (0..TABLE)
                .map(|_| ChunkSlot {
                    tag: AtomicI64::new(EMPTY),
                    chunk: OnceLock::new(),
                })
                .collect(),
            next: OnceLock::new(),
        }
    }
}

/// Where a bucket lives: chunk number, page in the chunk, offset in the page.
#[inline]
fn split(bucket: i64) -> (i64, usize, usize) {
    let chunk = bucket >> CHUNK_BITS;
    let in_chunk = (bucket & ((1 << CHUNK_BITS) - 1)) as usize;
    (chunk, in_chunk >> PAGE_BITS, in_chunk & (PAGE - 1))
}

/// Unique ids of `Cells` (never reused in a process; 0 is never handed out).
static NEXT_CELLS_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);

/// All counters of a tracker.
pub(crate) struct Cells {
    /// Keys this thread's page cache and shard claims.
    id: u64,
    /// Owned shards; shard `shards` is the shared one.
    shards: usize,
    table: ChunkTable,
    claims: Arc<Claims>,
}

/// Adds `n` to a counter unless that would pass `u64::MAX`; `Err` holds the
/// counter's value then.
#[inline]
fn checked_add(cell: &AtomicU64, n: u64) -> Result<(), u64> {
    let mut current = cell.load(Ordering::Relaxed);
    loop {
        let sum = current.checked_add(n).ok_or(current)?;
        match cell.compare_exchange_weak(current, sum, Ordering::Relaxed, Ordering::Relaxed) {
            Ok(_) => return Ok(()),
            Err(actual) => current = actual,
        }
    }
}

impl Cells {
    pub(crate) fn new(shards: usize) -> Self {
        let shards = shards.max(1);
        Cells {
            id: NEXT_CELLS_ID.fetch_add(1, Ordering::Relaxed),
            shards,
            table: ChunkTable::new(),
            claims: Arc::new(Claims {
                taken: (0..shards)
                    .map(|_| std::sync::atomic::AtomicBool::new(false))
                    .collect(),
            }),
        }
    }

    /// This thread's writer for these cells: the shard it owns, claimed on
    /// first use, or the shared shard when all are taken.
    pub(crate) fn writer(&self) -> Writer {
        let cells_id = self.id;
        CLAIMS.with(|list| {
            let mut list = list.borrow_mut();
            if let Some(c) = list.iter().find(|c| c.cells_id == cells_id) {
                return c.writer;
            }
            if list.len() >= 64 {
                // Forget the claims of dropped trackers.
                list.retain(|c| c.claims.strong_count() > 0);
            }
            let start = super::thread_ordinal() % self.shards;
            let taken = &self.claims.taken;
            let owned = (0..self.shards)
                .map(|k| (start + k) % self.shards)
                .find(|&i| {
                    taken[i]
                        .compare_exchange(false, true, Ordering::AcqRel, Ordering::Relaxed)
                        .is_ok()
                });
            let writer = match owned {
                Some(shard) => Writer { shard, owned: true },
                None => Writer {
                    shard: self.shards,
                    owned: false,
                },
            };
            list.push(Claim {
                cells_id,
                claims: Arc::downgrade(&self.claims),
                writer,
            });
            writer
        })
    }

    /// The chunk `number`, if it exists.
    #[cfg(test)]
    fn chunk(&self, number: i64) -> Option<&Chunk> {
        let mut table = &self.table;
        loop {
            let start = number as u64 as usize;
            for k in 0..TABLE {
                let slot = &table.slots[start.wrapping_add(k) & (TABLE - 1)];
                match slot.tag.load(Ordering::Acquire) {
                    t if t == number => return slot.chunk.get().map(|c| &**c),
                    EMPTY => return None,
                    _ => {}
                }
            }
            table = table.next.get()?;
        }
    }

    /// The chunk `number`, created if needed.
    #[inline]
    fn chunk_or_alloc(&self, number: i64) -> &Chunk {
        let mut table = &self.table;
        loop {
            let start = number as u64 as usize;
            for k in 0..TABLE {
                let slot = &table.slots[start.wrapping_add(k) & (TABLE - 1)];
                let mut tag = slot.tag.load(Ordering::Acquire);
                if tag == EMPTY {
                    tag = match slot.tag.compare_exchange(
                        EMPTY,
                        number,
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    ) {
                        Ok(_) => number,
                        Err(actual) => actual,
                    };
                }
                if tag == number {
                    return slot.chunk.get_or_init(|| {
                        Box::new(Chunk {
                            number,
                            keys: Segmented::default(),
                        })
                    });
                }
            }
            table = table.next.get_or_init(|| Box::new(ChunkTable::new()));
        }
    }

    /// Every chunk (in no particular order).
    fn chunks(&self) -> impl Iterator<Item = &Chunk> {
        std::iter::successors(Some(&self.table), |t| t.next.get().map(|b| &**b))
            .flat_map(|t| t.slots.iter())
            .filter_map(|s| s.chunk.get().map(|c| &**c))
    }

    /// The page holding `bucket` of (`key`, `slot`) on `shard`, created if
    /// needed; `None` only for a key or slot index beyond any capacity.
    #[inline]
    fn page_or_alloc(
        &self,
        key: u32,
        slot: u32,
        chunk: i64,
        page: usize,
        shard: usize,
    ) -> Option<&Arc<Page>> {
        let chunk = self.chunk_or_alloc(chunk);
        let key = chunk
            .keys
            .get_or_alloc(key as usize)?
            .get_or_init(Box::default);
        let series = key.series_or_alloc(slot)?;
        let group = series.groups[page]
            .get_or_init(|| (0..=self.shards).map(|_| OnceLock::new()).collect());
        Some(group.get(shard)?.get_or_init(new_page))
    }

    /// Adds `n` to (`key`, `slot`, `bucket`) on this thread's shard; `Err`
    /// holds the counter's value when the sum would pass `u64::MAX` (then
    /// nothing changes). The page of the thread's previous event of the
    /// same key and slot is reused without a walk.
    #[inline]
    pub(crate) fn add(&self, key: u32, slot: u32, bucket: i64, n: u64) -> Result<(), u64> {
        let cells_id = self.id;
        let page_no = bucket >> PAGE_BITS;
        let offset = (bucket & (PAGE as i64 - 1)) as usize;
        let hit = PAGE_CACHE.with(|cache| {
            let cache = cache.borrow();
            let e = &cache[(key.wrapping_mul(8) ^ slot) as usize & (CACHE - 1)];
            if e.cells_id == cells_id && e.key == key && e.slot == slot && e.page == page_no {
                e.cells.as_ref().map(|p| add_as(e.owned, &p[offset], n))
            } else {
                None
            }
        });
        if let Some(r) = hit {
            return r;
        }
        self.add_slow(key, slot, bucket, n)
    }

    #[cold]
    #[inline(never)]
    fn add_slow(&self, key: u32, slot: u32, bucket: i64, n: u64) -> Result<(), u64> {
        let writer = self.writer();
        let (chunk, page, offset) = split(bucket);
        let Some(p) = self.page_or_alloc(key, slot, chunk, page, writer.shard) else {
            // Unreachable for indices a tracker hands out (below 2³²).
            return Err(u64::MAX);
        };
        let r = add_as(writer.owned, &p[offset], n);
        let p = Arc::clone(p);
        PAGE_CACHE.with(|cache| {
            cache.borrow_mut()[(key.wrapping_mul(8) ^ slot) as usize & (CACHE - 1)] = CacheEntry {
                cells_id: self.id,
                key,
                slot,
                owned: writer.owned,
                page: bucket >> PAGE_BITS,
                cells: Some(p),
            };
        });
        r
    }

    /// Takes back an add of `n` by `writer` that succeeded.
    pub(crate) fn undo(&self, writer: Writer, key: u32, slot: u32, bucket: i64, n: u64) {
        let (chunk, page, offset) = split(bucket);
        if let Some(p) = self.page_or_alloc(key, slot, chunk, page, writer.shard) {
            sub_as(writer.owned, &p[offset], n);
        }
    }

    /// Adds a run of counts for consecutive buckets `first..` of (`key`,
    /// `slot`) as `writer`, skipping zeros; on overflow, takes back what it
    /// added and returns the offending bucket and counter value.
    pub(crate) fn add_run(
        &self,
        writer: Writer,
        key: u32,
        slot: u32,
        first: i64,
        counts: &[u64],
    ) -> Result<(), (i64, u64)> {
        let mut i = 0;
        while i < counts.len() {
            let bucket = first + i as i64;
            let (chunk, page, offset) = split(bucket);
            let len = (PAGE - offset).min(counts.len() - i);
            let run = &counts[i..i + len];
            if run.iter().any(|&n| n > 0) {
                let Some(p) = self.page_or_alloc(key, slot, chunk, page, writer.shard) else {
                    self.undo_run(writer, key, slot, first, &counts[..i]);
                    return Err((bucket, u64::MAX));
                };
                for (k, &n) in run.iter().enumerate() {
                    if n > 0
                        && let Err(current) = add_as(writer.owned, &p[offset + k], n)
                    {
                        self.undo_run(writer, key, slot, first, &counts[..i + k]);
                        return Err((bucket + k as i64, current));
                    }
                }
            }
            i += len;
        }
        Ok(())
    }

    /// Takes back an `add_run` that succeeded.
    pub(crate) fn undo_run(&self, writer: Writer, key: u32, slot: u32, first: i64, counts: &[u64]) {
        for (i, &n) in counts.iter().enumerate() {
            if n > 0 {
                self.undo(writer, key, slot, first + i as i64, n);
            }
        }
    }

    /// Calls `f(key, slot, bucket, count)` for every non-zero bucket in
    /// `from..to` (of `only` if given), the count summed over the shards.
    /// Chunks come in no particular order; inside a chunk, keys, slots and
    /// buckets ascend.
    pub(crate) fn visit(
        &self,
        only: Option<u32>,
        from: i64,
        to: i64,
        mut f: impl FnMut(u32, u32, i64, u128),
    ) {
        if from >= to {
            return;
        }
        let (first_chunk, last_chunk) = (from >> CHUNK_BITS, (to - 1) >> CHUNK_BITS);
        let mut visit_key = |chunk: &Chunk, key: u32, kc: &KeyChunk| {
            let base = chunk.number << CHUNK_BITS;
            for (slot, series) in kc.all_series() {
                for p in 0..CHUNK_PAGES {
                    let page_base = base + (p << PAGE_BITS) as i64;
                    if page_base + PAGE as i64 <= from || page_base >= to {
                        continue;
                    }
                    let Some(group) = series.groups[p].get() else {
                        continue;
                    };
                    let pages: Vec<&Page> = group
                        .iter()
                        .filter_map(|pg| pg.get().map(|b| &**b))
                        .collect();
                    if pages.is_empty() {
                        continue;
                    }
                    let lo = from.saturating_sub(page_base).clamp(0, PAGE as i64) as usize;
                    let hi = to.saturating_sub(page_base).clamp(0, PAGE as i64) as usize;
                    for off in lo..hi {
                        let sum: u128 = pages
                            .iter()
                            .map(|pg| u128::from(pg[off].load(Ordering::Relaxed)))
                            .sum();
                        if sum > 0 {
                            f(key, slot, page_base + off as i64, sum);
                        }
                    }
                }
            }
        };
        for chunk in self.chunks() {
            if chunk.number < first_chunk || chunk.number > last_chunk {
                continue;
            }
            match only {
                Some(key) => {
                    if let Some(kc) = chunk.keys.get(key as usize).and_then(OnceLock::get) {
                        visit_key(chunk, key, kc);
                    }
                }
                None => {
                    for (key, kc) in chunk.keys.iter() {
                        if let Some(kc) = kc.get() {
                            visit_key(chunk, key as u32, kc);
                        }
                    }
                }
            }
        }
    }

    /// Adds every counter of `self` to the same counter (same shard) of
    /// `other`, which must have as many shards.
    pub(crate) fn copy_into(&self, other: &Cells) {
        for chunk in self.chunks() {
            let base = chunk.number << CHUNK_BITS;
            for (key, kc) in chunk.keys.iter() {
                let Some(kc) = kc.get() else { continue };
                for (slot, series) in kc.all_series() {
                    for (p, group) in series.groups.iter().enumerate() {
                        let Some(group) = group.get() else { continue };
                        for (shard, page) in group.iter().enumerate() {
                            let Some(page) = page.get() else { continue };
                            let counts: Vec<u64> =
                                page.iter().map(|c| c.load(Ordering::Relaxed)).collect();
                            let first = base + (p << PAGE_BITS) as i64;
                            let writer = Writer {
                                shard: shard.min(other.shards),
                                owned: false,
                            };
                            // A fresh copy (no other thread sees it yet)
                            // cannot overflow.
                            let _ = other.add_run(writer, key as u32, slot, first, &counts);
                        }
                    }
                }
            }
        }
    }

    /// Whether the chunk of `bucket` exists (a cheap pre-check for reads).
    #[cfg(test)]
    pub(crate) fn has_chunk(&self, bucket: i64) -> bool {
        self.chunk(bucket >> CHUNK_BITS).is_some()
    }

    /// Heap bytes held by the counters and their directories.
    pub(crate) fn heap_bytes(&self) -> usize {
        let slot_bytes = std::mem::size_of::<OnceLock<Arc<Page>>>();
        let mut total = 0;
        let mut table = Some(&self.table);
        while let Some(t) = table {
            total += std::mem::size_of::<ChunkTable>() + TABLE * std::mem::size_of::<ChunkSlot>();
            table = t.next.get().map(|b| &**b);
        }
        for chunk in self.chunks() {
            total += std::mem::size_of::<Chunk>() + chunk.keys.heap_bytes();
            for (_, kc) in chunk.keys.iter() {
                let Some(kc) = kc.get() else { continue };
                total += std::mem::size_of::<KeyChunk>();
                if let Some(c) = kc.custom.get() {
                    total += std::mem::size_of_val(&**c) + c.heap_bytes();
                }
                for (_, series) in kc.all_series() {
                    total += std::mem::size_of::<SeriesChunk>();
                    for group in series.groups.iter().filter_map(OnceLock::get) {
                        total += group.len() * slot_bytes;
                        total += group.iter().filter(|p| p.get().is_some()).count()
                            * (std::mem::size_of::<Page>() + 16);
                    }
                }
            }
        }
        total
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adds_reads_and_undoes() {
        let cells = Cells::new(2);
        let far = 1i64 << 40;
        for (bucket, shard) in [
            (0, 0),
            (0, 1),
            (255, 0),
            (256, 1),
            (-1, 0),
            (far, 1),
            (-far, 0),
        ] {
            cells
                .add_run(
                    Writer {
                        shard,
                        owned: false,
                    },
                    3,
                    1,
                    bucket,
                    &[5],
                )
                .unwrap();
        }
        cells.add(3, 9, 7, 2).unwrap();
        assert_eq!(cells.add(3, 1, 0, u64::MAX), Err(5));
        let mut seen = Vec::new();
        cells.visit(None, i64::MIN / 2, i64::MAX / 2, |k, s, b, n| {
            seen.push((k, s, b, n))
        });
        seen.sort_unstable();
        assert_eq!(
            seen,
            [
                (3, 1, -far, 5),
                (3, 1, -1, 5),
                (3, 1, 0, 10),
                (3, 1, 255, 5),
                (3, 1, 256, 5),
                (3, 1, far, 5),
                (3, 9, 7, 2)
            ]
        );
        let mut window = 0;
        cells.visit(Some(3), 0, 256, |_, _, _, n| window += n);
        assert_eq!(window, 17);
        cells.undo(
            Writer {
                shard: 1,
                owned: false,
            },
            3,
            1,
            0,
            5,
        );
        let mut total = 0;
        cells.visit(Some(3), -far, far + 1, |_, _, _, n| total += n);
        assert_eq!(total, 32);
        assert!(cells.has_chunk(far) && !cells.has_chunk(far * 2));
        assert!(cells.heap_bytes() > 0);
    }

    #[test]
    fn runs_are_all_or_nothing() {
        let cells = Cells::new(1);
        cells.add(0, 0, 300, u64::MAX - 1).unwrap();
        let mut run = vec![1u64; 400];
        run[200] = 2; // bucket 300
        assert_eq!(
            cells.add_run(Writer::SHARED_FIRST, 0, 0, 100, &run),
            Err((300, u64::MAX - 1))
        );
        let mut total = 0u128;
        cells.visit(Some(0), 0, 1000, |_, _, _, n| total += n);
        assert_eq!(total, u128::from(u64::MAX - 1));
        run[200] = 1;
        cells
            .add_run(Writer::SHARED_FIRST, 0, 0, 100, &run)
            .unwrap();
        let mut total = 0u128;
        cells.visit(Some(0), 0, 1000, |_, _, _, n| total += n);
        assert_eq!(total, u128::from(u64::MAX - 1) + 400);
    }

    #[test]
    fn many_chunks_chain_tables() {
        let cells = Cells::new(1);
        for c in 0..600i64 {
            cells.add(0, 0, c << CHUNK_BITS, 1).unwrap();
        }
        let mut n = 0;
        cells.visit(None, i64::MIN / 2, i64::MAX / 2, |_, _, _, v| n += v);
        assert_eq!(n, 600);
        assert!(cells.has_chunk(599 << CHUNK_BITS));
    }
}
