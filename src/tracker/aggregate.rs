//! Batches summed per (key, slot, bucket) before any shared counter is
//! touched: the work of a batch is a plain counting loop into a local array,
//! then one atomic add per non-zero cell.

use super::buckets::{Cells, Writer};
use super::handle::CompactEvent;

/// What the aggregator reads of an event (already validated).
pub(crate) trait Row: Copy {
    fn key(&self) -> u32;
    fn slot(&self) -> u32;
    fn secs(&self) -> i64;
    fn n(&self) -> u64;
}

impl Row for CompactEvent {
    #[inline(always)]
    fn key(&self) -> u32 {
        self.key
    }
    #[inline(always)]
    fn slot(&self) -> u32 {
        self.slot
    }
    #[inline(always)]
    fn secs(&self) -> i64 {
        self.secs
    }
    #[inline(always)]
    fn n(&self) -> u64 {
        u64::from(self.n)
    }
}

/// An event resolved from names (the string API, merges): any multiplicity.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Resolved {
    pub(crate) key: u32,
    pub(crate) slot: u32,
    pub(crate) secs: i64,
    pub(crate) n: u64,
}

impl Row for Resolved {
    #[inline(always)]
    fn key(&self) -> u32 {
        self.key
    }
    #[inline(always)]
    fn slot(&self) -> u32 {
        self.slot
    }
    #[inline(always)]
    fn secs(&self) -> i64 {
        self.secs
    }
    #[inline(always)]
    fn n(&self) -> u64 {
        self.n
    }
}

/// The extent of a batch: times, keys and slots.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Extent {
    pub(crate) lo_secs: i64,
    pub(crate) hi_secs: i64,
    pub(crate) kmin: u32,
    pub(crate) kmax: u32,
    pub(crate) smax: u32,
}

impl Extent {
    pub(crate) const EMPTY: Extent = Extent {
        lo_secs: i64::MAX,
        hi_secs: i64::MIN,
        kmin: u32::MAX,
        kmax: 0,
        smax: 0,
    };

    #[inline(always)]
    pub(crate) fn include(&mut self, key: u32, slot: u32, secs: i64) {
        self.lo_secs = self.lo_secs.min(secs);
        self.hi_secs = self.hi_secs.max(secs);
        self.kmin = self.kmin.min(key);
        self.kmax = self.kmax.max(key);
        self.smax = self.smax.max(slot);
    }
}

/// Consecutive buckets `first..first + len` of one (key, slot), their
/// counts at `values[start..start + len]`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Run {
    pub(crate) key: u32,
    pub(crate) slot: u32,
    pub(crate) first: i64,
    pub(crate) start: usize,
    pub(crate) len: usize,
}

/// A batch summed per cell.
#[derive(Debug, Default)]
pub(crate) struct Runs {
    pub(crate) runs: Vec<Run>,
    pub(crate) values: Vec<u64>,
}

impl Runs {
    pub(crate) fn counts(&self, run: &Run) -> &[u64] {
        &self.values[run.start..run.start + run.len]
    }

    /// Every non-zero cell: (key, slot, bucket, count).
    #[cfg_attr(not(any(test, feature = "store")), allow(dead_code))]
    pub(crate) fn cells(&self) -> impl Iterator<Item = (u32, u32, i64, u64)> + '_ {
        self.runs.iter().flat_map(move |r| {
            self.counts(r)
                .iter()
                .enumerate()
                .filter(|&(_, &n)| n > 0)
                .map(move |(i, &n)| (r.key, r.slot, r.first + i as i64, n))
        })
    }
}

/// A cell's sum would pass `u64::MAX` at event `index` (in batch order).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct SumOverflow {
    pub(crate) index: usize,
    pub(crate) current: u64,
    pub(crate) added: u64,
}

/// Division by a fixed bucket width for numerators below 2³², by one
/// multiplication (Lemire, "Faster remainder by direct computation", 2019):
/// `⌊n / d⌋ = ⌊M n / 2⁶⁴⌋` with `M = ⌊(2⁶⁴ - 1) / d⌋ + 1`, exact for every
/// 32-bit `n` and `d > 1`.
#[derive(Debug, Clone, Copy)]
pub(crate) struct FastDiv {
    m: u64,
}

impl FastDiv {
    pub(crate) fn new(d: u64) -> Self {
        FastDiv {
            m: if d <= 1 { 0 } else { u64::MAX / d + 1 },
        }
    }

    #[inline(always)]
    pub(crate) fn div(self, n: u32) -> u32 {
        if self.m == 0 {
            n
        } else {
            ((u128::from(self.m) * u128::from(n)) >> 64) as u32
        }
    }
}

/// The bucket of Unix second `secs` for buckets of `w` seconds.
#[inline(always)]
pub(crate) fn bucket_of(secs: i64, w: u64) -> i64 {
    // Constant divisors become multiplications.
    match w {
        1 => secs,
        60 => secs.div_euclid(60),
        3600 => secs.div_euclid(3600),
        86_400 => secs.div_euclid(86_400),
        w => secs.div_euclid(w as i64),
    }
}

/// A dense local array is used when it has at most this many cells more
/// than the batch has events.
const DENSE_SLACK: u128 = 4096;

/// Sums `rows` per (key, slot, bucket of `w` seconds). With `CHECKED`, a sum
/// passing `u64::MAX` is an error (the first one in batch order); without,
/// the caller guarantees that no sum can (each `n` below 2³² and fewer than
/// 2³² rows).
pub(crate) fn aggregate<R: Row, const CHECKED: bool>(
    rows: &[R],
    w: u64,
    extent: Extent,
) -> Result<Runs, SumOverflow> {
    if rows.is_empty() {
        return Ok(Runs::default());
    }
    let b0 = bucket_of(extent.lo_secs, w);
    let b1 = bucket_of(extent.hi_secs, w);
    let span = (i128::from(b1) - i128::from(b0) + 1) as u128;
    let slots = u128::from(extent.smax) + 1;
    let keys = u128::from(extent.kmax - extent.kmin) + 1;
    let cells = keys * slots * span;
    let base_secs = i128::from(b0) * i128::from(w);
    let rel_max = i128::from(extent.hi_secs) - base_secs;
    if cells <= rows.len() as u128 + DENSE_SLACK && rel_max < (1i128 << 32) {
        Ok(dense::<R, CHECKED>(
            rows,
            w,
            extent,
            b0,
            base_secs as i64,
            slots as usize,
            span as usize,
        )?)
    } else {
        sparse::<R, CHECKED>(rows, w)
    }
}

/// The counting loop: one pass, one add per event into a plain array laid
/// out `[key][slot][bucket]`.
#[allow(clippy::too_many_arguments)]
fn dense<R: Row, const CHECKED: bool>(
    rows: &[R],
    w: u64,
    extent: Extent,
    b0: i64,
    base_secs: i64,
    slots: usize,
    span: usize,
) -> Result<Runs, SumOverflow> {
    let keys = (extent.kmax - extent.kmin) as usize + 1;
    let mut local = vec![0u64; keys * slots * span];
    let div = FastDiv::new(w);
    let kmin = extent.kmin;
    for (index, e) in rows.iter().enumerate() {
        let rel = (e.secs() - base_secs) as u32;
        let bucket = div.div(rel) as usize;
        let i = ((e.key() - kmin) as usize * slots + e.slot() as usize) * span + bucket;
        if CHECKED {
            let current = local[i];
            local[i] = current.checked_add(e.n()).ok_or(SumOverflow {
                index,
                current,
                added: e.n(),
            })?;
        } else {
            local[i] = local[i].wrapping_add(e.n());
        }
    }
    let mut runs = Vec::new();
    for (row, counts) in local.chunks_exact(span).enumerate() {
        let Some(lo) = counts.iter().position(|&n| n > 0) else {
            continue;
        };
        let hi = counts.iter().rposition(|&n| n > 0).unwrap_or(lo);
        runs.push(Run {
            key: kmin + (row / slots) as u32,
            slot: (row % slots) as u32,
            first: b0 + lo as i64,
            start: row * span + lo,
            len: hi - lo + 1,
        });
    }
    Ok(Runs {
        runs,
        values: local,
    })
}

/// Batches too spread out for a dense array: sort, then sum equal cells.
fn sparse<R: Row, const CHECKED: bool>(rows: &[R], w: u64) -> Result<Runs, SumOverflow> {
    let mut cells: Vec<(u32, u32, i64, usize)> = rows
        .iter()
        .enumerate()
        .map(|(i, e)| (e.key(), e.slot(), bucket_of(e.secs(), w), i))
        .collect();
    cells.sort_unstable();
    let mut out = Runs::default();
    let mut first_overflow: Option<SumOverflow> = None;
    let mut k = 0;
    while k < cells.len() {
        let (key, slot, bucket, _) = cells[k];
        let mut sum = 0u64;
        let mut j = k;
        while j < cells.len() && cells[j].0 == key && cells[j].1 == slot && cells[j].2 == bucket {
            let i = cells[j].3;
            let n = rows[i].n();
            match sum.checked_add(n) {
                Some(s) => sum = s,
                None => {
                    if CHECKED && first_overflow.is_none_or(|o| i < o.index) {
                        first_overflow = Some(SumOverflow {
                            index: i,
                            current: sum,
                            added: n,
                        });
                    }
                    sum = u64::MAX;
                }
            }
            j += 1;
        }
        if sum > 0 {
            // Extend the previous run when this is its next bucket.
            match out.runs.last_mut() {
                Some(r) if r.key == key && r.slot == slot && r.first + r.len as i64 == bucket => {
                    r.len += 1;
                }
                _ => out.runs.push(Run {
                    key,
                    slot,
                    first: bucket,
                    start: out.values.len(),
                    len: 1,
                }),
            }
            out.values.push(sum);
        }
        k = j;
    }
    match first_overflow {
        Some(o) => Err(o),
        None => Ok(out),
    }
}

/// What a batch of compact events must satisfy: this tracker's id, times
/// in `lo..hi`, keys below `keys` and slots below `slots` (the tracker's
/// sizes when the batch started).
#[derive(Debug, Clone, Copy)]
pub(crate) struct Limits {
    pub(crate) id: u32,
    pub(crate) lo: i64,
    pub(crate) hi: i64,
    pub(crate) keys: u32,
    pub(crate) slots: u32,
}

/// The outcome of [`fused`].
pub(crate) enum Fused {
    /// The batch, summed.
    Done(Runs),
    /// Event `i` is invalid (the first one).
    Invalid(usize),
    /// The batch does not suit a dense window over all keys and slots: use
    /// [`aggregate`].
    Fallback,
}

/// Buckets of the first window.
const START_SPAN: usize = 256;

/// A dense window of buckets `b0..b0 + span`, laid out
/// `[bucket][key][slot]`, and the seconds it accepts.
struct Window {
    b0: i64,
    span: usize,
    base_secs: i64,
    /// Accepted seconds: `lo..lo + len` (inside the tracker's range).
    lo: i64,
    len: u64,
    local: Vec<u64>,
}

impl Window {
    fn new(b0: i64, span: usize, w: u64, lim: &Limits, ks: usize) -> Option<Window> {
        let base = i128::from(b0) * i128::from(w);
        let end = base + span as i128 * i128::from(w);
        let lo = base.max(i128::from(lim.lo));
        let hi = end.min(i128::from(lim.hi));
        if span as i128 * i128::from(w) >= 1i128 << 32 || base < i128::from(i64::MIN) {
            return None;
        }
        Some(Window {
            b0,
            span,
            base_secs: base as i64,
            lo: lo as i64,
            len: (hi - lo).max(0) as u64,
            local: vec![0; span * ks],
        })
    }

    /// A window that also covers `bucket` (growing by doubling), with the
    /// counts so far; `None` past `max_cells` or 2³² seconds.
    #[cold]
    #[inline(never)]
    fn grown(
        &self,
        bucket: i64,
        w: u64,
        lim: &Limits,
        ks: usize,
        max_cells: usize,
    ) -> Option<Window> {
        let span = self.span as i64;
        let (b0, end) = if bucket < self.b0 {
            (bucket.min(self.b0.saturating_sub(span)), self.b0 + span)
        } else {
            (self.b0, (bucket + 1).max(self.b0.saturating_add(2 * span)))
        };
        let new_span = usize::try_from(end - b0).ok()?;
        if new_span.checked_mul(ks)? > max_cells {
            return None;
        }
        let mut grown = Window::new(b0, new_span, w, lim, ks)?;
        let at = (self.b0 - b0) as usize * ks;
        grown.local[at..at + self.local.len()].copy_from_slice(&self.local);
        Some(grown)
    }
}

/// Validates and sums a batch of compact events in one pass, into a dense
/// window over all the tracker's keys and slots that grows as needed: the
/// raw counting loop plus one combined range check per event. Needs fewer
/// than 2³² events (so that no sum of `u32` multiplicities wraps).
pub(crate) fn fused(events: &[CompactEvent], w: u64, lim: &Limits) -> Fused {
    // The common bucket widths as constant divisors (a multiplication the
    // compiler picks, no branch); any other by the run-time reciprocal.
    match w {
        60 => fused_by(events, w, lim, |n| n / 60),
        3600 => fused_by(events, w, lim, |n| n / 3600),
        _ => {
            let div = FastDiv::new(w);
            fused_by(events, w, lim, move |n| div.div(n))
        }
    }
}

/// [`fused`] with `div(n) = n / w` for the seconds `n` into the window.
#[inline(always)]
fn fused_by(events: &[CompactEvent], w: u64, lim: &Limits, div: impl Fn(u32) -> u32) -> Fused {
    let ks = lim.keys as usize * lim.slots as usize;
    let max_cells = events.len().saturating_add(DENSE_SLACK as usize);
    let Some(first) = events.first() else {
        return Fused::Done(Runs::default());
    };
    if ks == 0 || ks * START_SPAN > max_cells {
        return Fused::Fallback;
    }
    let invalid = |e: &CompactEvent| {
        e.tracker != lim.id
            || e.slot == super::handle::FOREIGN_SLOT
            || e.secs < lim.lo
            || e.secs >= lim.hi
    };
    if invalid(first) {
        return Fused::Invalid(0);
    }
    let Some(mut win) = Window::new(bucket_of(first.secs, w) - 8, START_SPAN, w, lim, ks) else {
        return Fused::Fallback;
    };
    let slots = lim.slots as usize;
    for (i, e) in events.iter().enumerate() {
        let rel = e.secs.wrapping_sub(win.lo) as u64;
        if (e.tracker != lim.id) | (e.key >= lim.keys) | (e.slot >= lim.slots) | (rel >= win.len) {
            if invalid(e) {
                return Fused::Invalid(i);
            }
            if e.key >= lim.keys || e.slot >= lim.slots {
                return Fused::Fallback;
            }
            match win.grown(bucket_of(e.secs, w), w, lim, ks, max_cells) {
                Some(g) => win = g,
                None => return Fused::Fallback,
            }
        }
        let b = div((e.secs - win.base_secs) as u32) as usize;
        let cell = &mut win.local[b * ks + e.key as usize * slots + e.slot as usize];
        *cell = cell.wrapping_add(u64::from(e.n));
    }
    // To runs, key-major.
    let mut out = Runs::default();
    for key in 0..lim.keys as usize {
        for slot in 0..slots {
            let column = |b: usize| win.local[b * ks + key * slots + slot];
            let Some(lo) = (0..win.span).find(|&b| column(b) > 0) else {
                continue;
            };
            let hi = (lo..win.span).rev().find(|&b| column(b) > 0).unwrap_or(lo);
            let start = out.values.len();
            out.values.extend((lo..=hi).map(column));
            out.runs.push(Run {
                key: key as u32,
                slot: slot as u32,
                first: win.b0 + lo as i64,
                start,
                len: hi - lo + 1,
            });
        }
    }
    Fused::Done(out)
}

/// A cell of an applied batch passed `u64::MAX`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct ApplyOverflow {
    pub(crate) key: u32,
    pub(crate) slot: u32,
    pub(crate) current: u64,
    pub(crate) added: u64,
}

/// Adds every run to `cells` as `writer` (with `key_map` translating run
/// keys), all or nothing.
pub(crate) fn apply(
    cells: &Cells,
    runs: &Runs,
    writer: Writer,
    key_map: impl Fn(u32) -> u32,
) -> Result<(), ApplyOverflow> {
    for (i, run) in runs.runs.iter().enumerate() {
        let counts = runs.counts(run);
        let key = key_map(run.key);
        if let Err((bucket, current)) = cells.add_run(writer, key, run.slot, run.first, counts) {
            for done in &runs.runs[..i] {
                cells.undo_run(
                    writer,
                    key_map(done.key),
                    done.slot,
                    done.first,
                    runs.counts(done),
                );
            }
            return Err(ApplyOverflow {
                key: run.key,
                slot: run.slot,
                current,
                added: counts[(bucket - run.first) as usize],
            });
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fast_division_is_exact() {
        let mut x = 0x9E37_79B9_7F4A_7C15u64;
        for d in [
            1u64,
            2,
            3,
            7,
            60,
            61,
            3600,
            86_400,
            31_622_400,
            u32::MAX as u64,
        ] {
            let div = FastDiv::new(d);
            for n in [0u32, 1, 59, 60, 61, u32::MAX - 1, u32::MAX] {
                assert_eq!(u64::from(div.div(n)), u64::from(n) / d, "{n} / {d}");
            }
            for _ in 0..10_000 {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let n = x as u32;
                assert_eq!(u64::from(div.div(n)), u64::from(n) / d, "{n} / {d}");
            }
        }
    }

    fn rows(spec: &[(u32, u32, i64, u64)]) -> (Vec<Resolved>, Extent) {
        let mut extent = Extent::EMPTY;
        let rows: Vec<Resolved> = spec
            .iter()
            .map(|&(key, slot, secs, n)| {
                extent.include(key, slot, secs);
                Resolved { key, slot, secs, n }
            })
            .collect();
        (rows, extent)
    }

    #[test]
    fn dense_and_sparse_agree() {
        let spec = [
            (0, 0, -61, 1),
            (0, 0, -60, 2),
            (0, 0, -1, 3),
            (1, 3, 0, 4),
            (1, 3, 59, 5),
            (1, 3, 60, 6),
            (0, 0, -61, 7),
        ];
        let (r, e) = rows(&spec);
        let dense = aggregate::<_, true>(&r, 60, e).unwrap();
        let sparse = sparse::<_, true>(&r, 60).unwrap();
        let a: Vec<_> = dense.cells().collect();
        let b: Vec<_> = sparse.cells().collect();
        assert_eq!(a, b);
        assert_eq!(
            a,
            [(0, 0, -2, 8), (0, 0, -1, 5), (1, 3, 0, 9), (1, 3, 1, 6)]
        );
        // far apart: the sparse path
        let (r, e) = rows(&[(0, 0, 0, 1), (0, 0, 1 << 40, 1)]);
        let far: Vec<_> = aggregate::<_, false>(&r, 60, e).unwrap().cells().collect();
        assert_eq!(far, [(0, 0, 0, 1), (0, 0, (1 << 40) / 60, 1)]);
    }

    #[test]
    fn first_overflow_in_batch_order() {
        let spec = [
            (0, 1, 0, u64::MAX),
            (0, 0, 0, u64::MAX),
            (0, 0, 0, 2),
            (0, 1, 0, 1),
        ];
        let (r, e) = rows(&spec);
        let expected = SumOverflow {
            index: 2,
            current: u64::MAX,
            added: 2,
        };
        assert_eq!(aggregate::<_, true>(&r, 60, e).unwrap_err(), expected);
        assert_eq!(sparse::<_, true>(&r, 60).unwrap_err(), expected);
    }
}
