//! The ids a listing has yielded, as 64-bit hashes: 8 bytes each, about 10 with the set's
//! overhead, whatever the length of the ids. A bounded set keeps only the most recent ones, so a
//! listing of a million items uses no more memory than one of a hundred thousand.

use std::collections::{HashSet, VecDeque};
use std::hash::{BuildHasherDefault, Hasher};

/// A stable 64-bit hash of an id (FNV-1a, then a SplitMix64 finaliser): the same in every
/// process and release, so it can be stored in a [`Checkpoint`](super::Checkpoint).
pub fn id_hash(id: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in id.as_bytes() {
        h ^= u64::from(*b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^ (h >> 31)
}

/// The values are hashes already: use them as they are.
#[derive(Default)]
pub struct PassThrough(u64);

impl Hasher for PassThrough {
    fn finish(&self) -> u64 {
        self.0
    }
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 = (self.0 << 8) + u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The set of id hashes yielded so far (all of them, or the most recent ones when bounded).
#[derive(Default, Debug, Clone)]
pub struct SeenIds {
    set: HashSet<u64, BuildHasherDefault<PassThrough>>,
    /// Bounded: the hashes in insertion order, and how many are kept at most.
    order: VecDeque<u64>,
    capacity: Option<usize>,
    evicted: u64,
}

impl SeenIds {
    /// A set that keeps only the `capacity` most recent hashes (at least 1).
    pub fn bounded(capacity: usize) -> Self {
        Self { capacity: Some(capacity.max(1)), ..Self::default() }
    }
    /// Records `hash`; false when it was there already.
    pub fn insert(&mut self, hash: u64) -> bool {
        if !self.set.insert(hash) {
            return false;
        }
        if let Some(capacity) = self.capacity {
            self.order.push_back(hash);
            if self.order.len() > capacity {
                if let Some(old) = self.order.pop_front() {
                    self.set.remove(&old);
                    self.evicted += 1;
                }
            }
        }
        true
    }
    /// The most hashes kept, if bounded.
    pub fn capacity(&self) -> Option<usize> {
        self.capacity
    }
    /// Whether a hash was ever forgotten to stay within the capacity.
    pub fn is_lossy(&self) -> bool {
        self.evicted > 0
    }
    /// Whether `hash` was recorded.
    pub fn contains(&self, hash: u64) -> bool {
        self.set.contains(&hash)
    }
    /// How many ids were recorded.
    pub fn len(&self) -> usize {
        self.set.len()
    }
    /// Whether none was.
    pub fn is_empty(&self) -> bool {
        self.set.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_pass_through_hasher_keeps_a_hash_as_it_is_and_folds_bytes_in_order() {
        let mut h = PassThrough::default();
        h.write_u64(0xdead_beef);
        assert_eq!(h.finish(), 0xdead_beef);
        let mut h = PassThrough::default();
        h.write(&[0x01, 0x02, 0x03]);
        assert_eq!(h.finish(), 0x0001_0203, "bytes read big-endian, as a hash written out would be");
    }

    #[test]
    fn hashes_are_stable_and_distinct() {
        assert_eq!(id_hash("abc"), id_hash("abc"));
        assert_ne!(id_hash("abc"), id_hash("abd"));
        let mut seen = SeenIds::default();
        assert!(seen.insert(id_hash("a")));
        assert!(!seen.insert(id_hash("a")));
        assert!(seen.contains(id_hash("a")));
        assert_eq!(seen.len(), 1);
    }

    #[test]
    fn a_bounded_set_forgets_the_oldest() {
        let mut seen = SeenIds::bounded(3);
        for h in 1..=3 {
            assert!(seen.insert(h));
        }
        assert!(!seen.is_lossy());
        assert!(!seen.insert(2), "a repeat is not recorded twice");
        assert!(seen.insert(4));
        assert!(seen.is_lossy());
        assert!(!seen.contains(1));
        assert!((2..=4).all(|h| seen.contains(h)));
        assert_eq!(seen.len(), 3);
    }
}
