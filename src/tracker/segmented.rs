//! A growable array that threads index and extend without a lock: segments
//! of doubling size, each allocated once on first use.

use std::sync::OnceLock;

/// log2 of the first segment's length.
const BASE_SHIFT: u32 = 3;
/// The first segment's length.
const BASE: usize = 1 << BASE_SHIFT;
/// Segments: capacity `BASE * (2^SEGMENTS - 1)`, about 8.6 · 10⁹ entries.
const SEGMENTS: usize = 30;

/// Entries `0..` of `T`, each created with `T::default()` when its segment
/// is first touched. Reading an index takes two dependent loads; no entry
/// ever moves, so references stay valid for the array's lifetime.
pub(crate) struct Segmented<T> {
    segments: [OnceLock<Box<[T]>>; SEGMENTS],
}

impl<T> Default for Segmented<T> {
    fn default() -> Self {
        Segmented {
            segments: std::array::from_fn(|_| OnceLock::new()),
        }
    }
}

/// The segment holding entry `i` and the offset inside it.
#[inline]
fn locate(i: usize) -> (usize, usize) {
    let j = i + BASE;
    let s = (usize::BITS - 1 - j.leading_zeros() - BASE_SHIFT) as usize;
    (s, j - (BASE << s))
}

impl<T: Default> Segmented<T> {
    /// Entry `i`, allocating its segment if needed; `None` past the
    /// capacity.
    #[inline]
    pub(crate) fn get_or_alloc(&self, i: usize) -> Option<&T> {
        let (s, off) = locate(i);
        let segment = self
            .segments
            .get(s)?
            .get_or_init(|| (0..BASE << s).map(|_| T::default()).collect());
        segment.get(off)
    }
}

impl<T> Segmented<T> {
    /// Entry `i` if its segment exists.
    #[inline]
    pub(crate) fn get(&self, i: usize) -> Option<&T> {
        let (s, off) = locate(i);
        self.segments.get(s)?.get()?.get(off)
    }

    /// The entries of the allocated segments, in index order, with their
    /// indices.
    pub(crate) fn iter(&self) -> impl Iterator<Item = (usize, &T)> {
        self.segments
            .iter()
            .enumerate()
            .filter_map(|(s, seg)| seg.get().map(|seg| (s, seg)))
            .flat_map(|(s, seg)| {
                let first = (BASE << s) - BASE;
                seg.iter().enumerate().map(move |(k, t)| (first + k, t))
            })
    }

    /// Bytes held by the allocated segments (not counting what entries
    /// point to).
    pub(crate) fn heap_bytes(&self) -> usize {
        self.segments
            .iter()
            .filter_map(OnceLock::get)
            .map(|seg| std::mem::size_of_val(&**seg))
            .sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indices_map_to_distinct_slots() {
        let mut seen = std::collections::HashSet::new();
        for i in 0..10_000 {
            let (s, off) = locate(i);
            assert!(off < BASE << s, "{i}");
            assert!(seen.insert((s, off)));
        }
        let a: Segmented<std::sync::atomic::AtomicU64> = Segmented::default();
        for i in [0, 7, 8, 100, 5000] {
            a.get_or_alloc(i)
                .unwrap()
                .store(i as u64 + 1, std::sync::atomic::Ordering::Relaxed);
        }
        let got: Vec<(usize, u64)> = a
            .iter()
            .map(|(i, v)| (i, v.load(std::sync::atomic::Ordering::Relaxed)))
            .filter(|&(_, v)| v > 0)
            .collect();
        assert_eq!(got, [(0, 1), (7, 8), (8, 9), (100, 101), (5000, 5001)]);
        assert!(a.get(100_000).is_none());
    }
}
