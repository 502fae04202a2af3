//! A fast, non-cryptographic hasher for the crate's internal maps.
//!
//! The maps hold state names, keys and variable names of one definition;
//! std's SipHash guards against hash flooding by a remote attacker, which
//! cannot happen here (the author of a definition only slows down their own
//! build), and it cost ~5% of a whole check. This is the multiply-rotate
//! scheme of rustc's FxHasher.

use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

pub type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;
pub type FastSet<K> = HashSet<K, BuildHasherDefault<FastHasher>>;

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

#[derive(Clone, Copy, Default)]
pub struct FastHasher {
    hash: u64,
}

impl FastHasher {
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    fn write(&mut self, bytes: &[u8]) {
        // The length keeps "a" and "a\0" apart.
        self.add(bytes.len() as u64);
        let Some(last) = bytes.last_chunk::<8>() else {
            // Under eight bytes (most keys and names): one word, gathered
            // byte by byte; a zero-padded copy was a `memcpy` call.
            self.add(bytes.iter().fold(0, |word, &b| word << 8 | u64::from(b)));
            return;
        };
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        // A partial last word is read as the last eight bytes (overlapping).
        if !chunks.remainder().is_empty() {
            self.add(u64::from_le_bytes(*last));
        }
    }

    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    fn write_u32(&mut self, i: u32) {
        self.add(u64::from(i));
    }

    fn write_u64(&mut self, i: u64) {
        self.add(i);
    }

    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    fn finish(&self) -> u64 {
        // The multiply mixes the high bits well and the low ones poorly;
        // hashbrown picks buckets with the low bits, so bring the high ones
        // down.
        self.hash.rotate_left(26)
    }
}

/// The hasher's state after `bytes` alone, before [`FastHasher::finish`]
/// brings the high bits down: for tables that pick slots by the top bits.
pub(crate) fn hash_bytes(bytes: &[u8]) -> u64 {
    let mut hasher = FastHasher::default();
    hasher.write(bytes);
    hasher.hash
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_find_what_was_inserted() {
        let mut map: FastMap<String, usize> = FastMap::default();
        for i in 0..1000 {
            map.insert(format!("State{i}"), i);
        }
        assert_eq!(map.len(), 1000);
        assert_eq!(map.get("State537"), Some(&537));
        assert_eq!(map.get("State1000"), None);
    }

    #[test]
    fn different_strings_hash_differently() {
        use std::hash::BuildHasher;
        let hash = |s: &str| BuildHasherDefault::<FastHasher>::default().hash_one(s);
        assert_ne!(hash("ab"), hash("ba"));
        assert_ne!(hash("a"), hash("a\0"));
    }
}
