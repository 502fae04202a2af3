//! A small, fast hasher for the rules' internal maps keyed by state names.
//!
//! The standard SipHash is built to resist hash flooding, which costs more
//! than the lookups themselves for the short keys of a definition. These maps
//! live for one `analyze` call over at most 1 MB of text, so a multiply-rotate
//! hash (the one rustc uses internally) is enough.

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};

/// `HashMap` with [`FastHasher`].
pub(crate) type FastMap<K, V> = HashMap<K, V, BuildHasherDefault<FastHasher>>;

/// FxHash: one multiply and rotate per 8 input bytes.
#[derive(Default, Clone, Copy)]
pub(crate) struct FastHasher {
    hash: u64,
}

const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;

impl FastHasher {
    #[inline]
    fn add(&mut self, word: u64) {
        self.hash = (self.hash.rotate_left(5) ^ word).wrapping_mul(SEED);
    }
}

impl Hasher for FastHasher {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.add(u64::from_le_bytes(word));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut word = [0u8; 8];
            if let Some(slot) = word.get_mut(..rest.len()) {
                slot.copy_from_slice(rest);
            }
            self.add(u64::from_le_bytes(word));
        }
    }

    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.add(u64::from(i));
    }

    #[inline]
    fn write_usize(&mut self, i: usize) {
        self.add(i as u64);
    }

    #[inline]
    fn finish(&self) -> u64 {
        self.hash
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maps_find_what_was_inserted_and_nothing_else() {
        let mut m: FastMap<&str, usize> = FastMap::default();
        for (i, name) in ["A", "B", "a much longer state name", ""]
            .iter()
            .enumerate()
        {
            m.insert(name, i);
        }
        assert_eq!(m.get("a much longer state name"), Some(&2));
        assert_eq!(m.get(""), Some(&3));
        assert_eq!(m.get("a much longer state nam"), None);
    }
}
