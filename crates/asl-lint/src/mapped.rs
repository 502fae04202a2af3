//! Text assembled from pieces of a source file that remembers, for every
//! byte, where in the source it came from.
//!
//! A `DefinitionString` is a JSON or YAML string literal (escapes, quotes,
//! indentation) or an `Fn::Join`/`Fn::Sub` of several; the definition the
//! model reads is the decoded text. Mapping each decoded byte back to its
//! source bytes lets every diagnostic point into the template itself.

use asl_model::Span;

/// How many source characters may be skipped (quotes, indentation, line
/// folding) before one decoded character is found. Beyond it the alignment
/// gives up and the rest maps to the whole literal.
const SKIP_LIMIT: usize = 512;

#[derive(Clone, Debug, Default)]
pub struct MappedText {
    text: String,
    /// Source range of each byte of `text`.
    origins: Vec<Span>,
    /// Where findings on empty text point.
    fallback: Span,
    /// Ranges of `text` pushed with [`MappedText::push_synthetic`].
    synthetic: Vec<Span>,
}

impl MappedText {
    pub fn new(fallback: Span) -> MappedText {
        MappedText {
            text: String::new(),
            origins: Vec::new(),
            fallback,
            synthetic: Vec::new(),
        }
    }

    pub fn text(&self) -> &str {
        &self.text
    }

    /// Appends text that has no source of its own (a placeholder standing
    /// for an intrinsic function, a join delimiter); all of it maps to `origin`.
    pub fn push_synthetic(&mut self, text: &str, origin: Span) {
        self.synthetic
            .push(Span::new(self.text.len(), self.text.len() + text.len()));
        self.text.push_str(text);
        self.origins.extend(std::iter::repeat_n(origin, text.len()));
    }

    /// Whether `span` overlaps a synthetic piece (text the template does not
    /// contain literally).
    pub fn is_synthetic(&self, span: Span) -> bool {
        self.synthetic
            .iter()
            .any(|s| s.start < span.end && span.start < s.end)
    }

    /// Appends `decoded`, the value of the scalar literal written at
    /// `literal` in `source`. `escapes` says whether backslash escapes are
    /// live (JSON strings, YAML double-quoted scalars).
    pub fn push_decoded(&mut self, decoded: &str, source: &str, literal: Span, escapes: bool) {
        let raw = source.get(literal.range()).unwrap_or("");
        let mut pos = 0usize;
        let mut aligned = true;
        for ch in decoded.chars() {
            let origin = if aligned {
                match align_char(raw, &mut pos, ch, escapes) {
                    Some(range) => range.offset_by(literal.start),
                    None => {
                        aligned = false;
                        literal
                    }
                }
            } else {
                literal
            };
            self.origins
                .extend(std::iter::repeat_n(origin, ch.len_utf8()));
            self.text.push(ch);
        }
    }

    /// Replaces every byte of `range` (in this text's coordinates) by `with`,
    /// which maps to the source of the replaced bytes.
    pub fn replace(&mut self, range: Span, with: &str) {
        let origin = self.map(range);
        let (Some(before), Some(after)) =
            (self.text.get(..range.start), self.text.get(range.end..))
        else {
            return;
        };
        let text = format!("{before}{with}{after}");
        let mut origins = Vec::with_capacity(text.len());
        origins.extend_from_slice(self.origins.get(..range.start).unwrap_or(&[]));
        origins.extend(std::iter::repeat_n(origin, with.len()));
        origins.extend_from_slice(self.origins.get(range.end..).unwrap_or(&[]));
        self.text = text;
        self.origins = origins;
    }

    /// The source span of `span` (a span in this text).
    pub fn map(&self, span: Span) -> Span {
        let first = self.origins.get(span.start).copied();
        let last = if span.end > span.start {
            self.origins.get(span.end - 1).copied()
        } else {
            first
        };
        match (first, last) {
            (Some(first), Some(last)) if span.is_empty() => {
                Span::at(first.start).join(Span::at(last.start))
            }
            (Some(first), Some(last)) => first.join(last),
            (Some(one), None) | (None, Some(one)) => one,
            // Past the end (an "unexpected end of input" error): the end of the last piece.
            (None, None) => self
                .origins
                .last()
                .map_or(self.fallback, |last| Span::at(last.end)),
        }
    }
}

/// Finds decoded character `ch` in `raw` at or after `*pos`, skipping
/// characters that the decoding removed. Returns its source range.
fn align_char(raw: &str, pos: &mut usize, ch: char, escapes: bool) -> Option<Span> {
    let mut skipped = 0usize;
    loop {
        let rest = raw.get(*pos..)?;
        if escapes && rest.starts_with('\\') {
            let after = rest.get(1..)?;
            // A YAML escaped line break joins lines and decodes to nothing.
            if after.starts_with('\n') || after.starts_with('\r') {
                *pos += 2;
                continue;
            }
            let len = escape_len(rest);
            let range = Span::new(*pos, *pos + len);
            *pos += len;
            return Some(range);
        }
        if rest.starts_with(ch) {
            let range = Span::new(*pos, *pos + ch.len_utf8());
            *pos += ch.len_utf8();
            return Some(range);
        }
        let skip = rest.chars().next()?;
        *pos += skip.len_utf8();
        skipped += 1;
        if skipped > SKIP_LIMIT {
            return None;
        }
    }
}

/// Length in bytes of the escape sequence `rest` starts with (`\n`, `\u00e9`,
/// a `\ud83d\ude00` surrogate pair, YAML's `\x41` and `\U0001f600`).
fn escape_len(rest: &str) -> usize {
    let hex_run = |from: usize, n: usize| {
        rest.get(from..from + n)
            .is_some_and(|h| h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    match rest.as_bytes().get(1) {
        Some(b'u') if hex_run(2, 4) => {
            let high = rest
                .get(2..6)
                .and_then(|h| u16::from_str_radix(h, 16).ok())
                .is_some_and(|v| (0xD800..0xDC00).contains(&v));
            if high && rest.get(6..8) == Some("\\u") && hex_run(8, 4) {
                12
            } else {
                6
            }
        }
        Some(b'U') if hex_run(2, 8) => 10,
        Some(b'x') if hex_run(2, 2) => 4,
        Some(b) if b.is_ascii() => 2,
        // A backslash before a multi-byte character: escape plus that character.
        Some(_) => {
            1 + rest
                .get(1..)
                .and_then(|r| r.chars().next())
                .map_or(0, char::len_utf8)
        }
        None => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Decodes `literal` the way the model's readers would and maps it.
    fn mapped(source: &str, literal: Span, decoded: &str, escapes: bool) -> MappedText {
        let mut text = MappedText::new(literal);
        text.push_decoded(decoded, source, literal, escapes);
        text
    }

    #[test]
    fn json_escapes_map_to_their_source_bytes() {
        let source = r#"{"S": "{\"StartAt\": \"A\u00e9\"}"}"#;
        let literal = Span::new(6, source.len() - 1);
        let decoded = "{\"StartAt\": \"A\u{e9}\"}";
        let text = mapped(source, literal, decoded, true);
        // "StartAt" including its quotes, in the decoded text:
        let start = decoded.find("\"StartAt").expect("present");
        let span = text.map(Span::new(start, start + 9));
        assert_eq!(span.slice(source), Some(r#"\"StartAt\""#));
        // The é written as \u00e9:
        let e = decoded.find('\u{e9}').expect("present");
        assert_eq!(text.map(Span::new(e, e + 2)).slice(source), Some(r"\u00e9"));
    }

    #[test]
    fn yaml_block_scalar_skips_indentation() {
        let source = "S: |\n  {\n    \"StartAt\": 1\n  }\n";
        let literal = Span::new(3, source.len());
        let decoded = "{\n  \"StartAt\": 1\n}\n";
        let text = mapped(source, literal, decoded, false);
        let one = decoded.find('1').expect("present");
        assert_eq!(text.map(Span::new(one, one + 1)).slice(source), Some("1"));
        let key = decoded.find("\"StartAt\"").expect("present");
        assert_eq!(
            text.map(Span::new(key, key + 9)).slice(source),
            Some("\"StartAt\"")
        );
    }

    #[test]
    fn synthetic_pieces_map_to_their_origin() {
        let mut text = MappedText::new(Span::new(0, 1));
        text.push_synthetic("${X}", Span::new(10, 20));
        assert_eq!(text.map(Span::new(1, 3)), Span::new(10, 20));
    }

    #[test]
    fn spans_past_the_end_map_to_the_end_of_the_last_piece() {
        let source = "\"ab\"";
        let text = mapped(source, Span::new(0, 4), "ab", true);
        assert_eq!(text.map(Span::at(2)), Span::at(3));
    }

    #[test]
    fn replace_keeps_the_mapping_of_the_rest() {
        let source = "\"a${T}b\"";
        let mut text = mapped(source, Span::new(0, 8), "a${T}b", true);
        text.replace(Span::new(1, 5), "1");
        assert_eq!(text.text(), "a1b");
        assert_eq!(text.map(Span::new(1, 2)).slice(source), Some("${T}"));
        assert_eq!(text.map(Span::new(2, 3)).slice(source), Some("b"));
    }

    #[test]
    fn failed_alignment_points_at_the_whole_literal() {
        let source = "\"xyz\"";
        let text = mapped(source, Span::new(0, 5), "q", true);
        assert_eq!(text.map(Span::new(0, 1)), Span::new(0, 5));
    }
}
