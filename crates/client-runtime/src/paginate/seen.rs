//! The ids a listing has yielded, as 64-bit hashes: 8 bytes each, about 10 with the set's
//! overhead, whatever the length of the ids.

use std::collections::HashSet;
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
            self.0 = (self.0 << 8) | u64::from(*b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// The set of id hashes yielded so far.
#[derive(Default, Debug, Clone)]
pub struct SeenIds {
    set: HashSet<u64, BuildHasherDefault<PassThrough>>,
}

impl SeenIds {
    /// Records `hash`; false when it was there already.
    pub fn insert(&mut self, hash: u64) -> bool {
        self.set.insert(hash)
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
    fn hashes_are_stable_and_distinct() {
        assert_eq!(id_hash("abc"), id_hash("abc"));
        assert_ne!(id_hash("abc"), id_hash("abd"));
        let mut seen = SeenIds::default();
        assert!(seen.insert(id_hash("a")));
        assert!(!seen.insert(id_hash("a")));
        assert!(seen.contains(id_hash("a")));
        assert_eq!(seen.len(), 1);
    }
}
