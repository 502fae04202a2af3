//! Source text positions: byte spans and the two input formats.

use std::fmt;
use std::ops::Range;

/// A byte range `start..end` in the source text of one definition.
///
/// Spans are byte offsets (not character indices) so they can be handed to
/// `codespan-reporting` and used to slice the source text directly.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span from `start` (inclusive) to `end` (exclusive). A reversed pair is
    /// normalised so that `start <= end` always holds.
    pub const fn new(start: usize, end: usize) -> Span {
        if start <= end {
            Span { start, end }
        } else {
            Span {
                start: end,
                end: start,
            }
        }
    }

    /// An empty span at `offset` (used for "expected X here" errors).
    pub const fn at(offset: usize) -> Span {
        Span {
            start: offset,
            end: offset,
        }
    }

    pub const fn len(self) -> usize {
        self.end - self.start
    }

    pub const fn is_empty(self) -> bool {
        self.start == self.end
    }

    /// The smallest span covering both `self` and `other`.
    pub fn join(self, other: Span) -> Span {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    /// Moves a span that is relative to some base offset (for example a span
    /// inside a string literal's content) into absolute source coordinates.
    pub const fn offset_by(self, base: usize) -> Span {
        Span {
            start: self.start + base,
            end: self.end + base,
        }
    }

    /// Whether `other` lies completely inside `self`.
    pub const fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }

    pub const fn range(self) -> Range<usize> {
        self.start..self.end
    }

    /// The text this span covers, or `None` when it is out of bounds or not on
    /// character boundaries.
    pub fn slice(self, text: &str) -> Option<&str> {
        text.get(self.range())
    }
}

impl From<Range<usize>> for Span {
    fn from(range: Range<usize>) -> Span {
        Span::new(range.start, range.end)
    }
}

impl From<Span> for Range<usize> {
    fn from(span: Span) -> Range<usize> {
        span.range()
    }
}

impl fmt::Display for Span {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// The notation a definition is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SourceFormat {
    Json,
    Yaml,
}

impl SourceFormat {
    /// The format a file name's extension implies (`.json`, `.asl.json` → JSON;
    /// `.yaml`, `.yml`, `.asl.yaml` → YAML). `None` for anything else.
    pub fn from_path(path: &str) -> Option<SourceFormat> {
        if ends_with_ignoring_case(path, ".json") {
            Some(SourceFormat::Json)
        } else if ends_with_ignoring_case(path, ".yaml") || ends_with_ignoring_case(path, ".yml") {
            Some(SourceFormat::Yaml)
        } else {
            None
        }
    }

    /// Guesses the format from the text itself: a document whose first
    /// significant character opens a JSON object or array is JSON, anything
    /// else is YAML. (JSON is a subset of YAML, but the JSON reader gives
    /// better errors for JSON-looking input.)
    pub fn sniff(text: &str) -> SourceFormat {
        let trimmed = text.trim_start_matches('\u{feff}').trim_start();
        match trimmed.as_bytes().first() {
            Some(b'{') | Some(b'[') => SourceFormat::Json,
            _ => SourceFormat::Yaml,
        }
    }
}

impl fmt::Display for SourceFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            SourceFormat::Json => "JSON",
            SourceFormat::Yaml => "YAML",
        })
    }
}

/// 1-based line and column (in characters) of a byte offset, for messages
/// that cannot show a rendered snippet. Offsets past the end map to the end.
pub fn line_col(text: &str, offset: usize) -> (usize, usize) {
    let mut end = offset.min(text.len());
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let before = text.get(..end).unwrap_or("");
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let col = before.get(line_start..).map_or(0, |s| s.chars().count()) + 1;
    (line, col)
}

/// Whether `text` ends with the ASCII `suffix`, ignoring ASCII case (no
/// lowercased copy of a whole path for it).
pub fn ends_with_ignoring_case(text: &str, suffix: &str) -> bool {
    text.len() >= suffix.len()
        && text.as_bytes()[text.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reversed_bounds_are_normalised() {
        assert_eq!(Span::new(7, 3), Span { start: 3, end: 7 });
    }

    #[test]
    fn join_covers_both_spans() {
        assert_eq!(Span::new(4, 6).join(Span::new(1, 2)), Span::new(1, 6));
    }

    #[test]
    fn offset_by_moves_inner_spans_into_source_coordinates() {
        assert_eq!(Span::new(0, 3).offset_by(10), Span::new(10, 13));
    }

    #[test]
    fn format_follows_extension() {
        assert_eq!(
            SourceFormat::from_path("flows/Order.asl.JSON"),
            Some(SourceFormat::Json)
        );
        assert_eq!(
            SourceFormat::from_path("template.yml"),
            Some(SourceFormat::Yaml)
        );
        assert_eq!(SourceFormat::from_path("notes.txt"), None);
    }

    #[test]
    fn sniff_sees_json_behind_bom_and_whitespace() {
        assert_eq!(SourceFormat::sniff("\u{feff}\n  {}"), SourceFormat::Json);
        assert_eq!(SourceFormat::sniff("StartAt: A"), SourceFormat::Yaml);
    }

    #[test]
    fn line_col_counts_characters_not_bytes() {
        let text = "ab\nçd";
        // 'd' is at byte 5 (ç is two bytes), line 2, column 2.
        assert_eq!(line_col(text, 5), (2, 2));
        // An offset inside a multi-byte character maps to that character.
        assert_eq!(line_col(text, 4), (2, 1));
    }
}
