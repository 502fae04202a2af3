//! Helpers shared by the readers' tests.

/// A small deterministic generator (a linear congruential one), so that
/// randomized tests mutate the same texts on every run.
pub(crate) struct Lcg(pub(crate) u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self
            .0
            .wrapping_mul(6_364_136_223_846_793_005)
            .wrapping_add(1_442_695_040_888_963_407);
        self.0 >> 33
    }

    /// A number in `0..n` (0 when `n` is 0).
    pub(crate) fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    /// Applies one to three random edits to `text`: inserting one of
    /// `pieces`, or deleting up to six bytes, always on character boundaries.
    pub(crate) fn mutate(&mut self, text: &mut String, pieces: &[&str]) {
        for _ in 0..1 + self.below(3) {
            let mut at = self.below(text.len() + 1);
            while !text.is_char_boundary(at) {
                at -= 1;
            }
            if self.below(2) == 0 {
                text.insert_str(at, pieces[self.below(pieces.len())]);
            } else {
                let mut end = (at + 1 + self.below(6)).min(text.len());
                while !text.is_char_boundary(end) {
                    end += 1;
                }
                text.replace_range(at..end, "");
            }
        }
    }
}
