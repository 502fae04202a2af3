//! The small languages that live inside Amazon States Language strings.
//!
//! Every parser here takes the string's *content* (after JSON/YAML unescaping) and returns a typed
//! tree whose [`Span`]s are byte offsets inside that string, so a caller that knows where the
//! string starts in the source file can shift them with [`Span::offset`]. Parsers never panic and
//! bound their recursion, so they are safe on arbitrary input.
//!
//! * [`path`]: JSONPath in the Jayway dialect AWS uses (paths, reference paths, `$$` context paths,
//!   `$name` variable paths, filters, functions).
//! * [`intrinsic`]: intrinsic function calls (`States.Format('{}', $.x)`), the table of the 18
//!   `States.*` functions, and `.$` payload values.
//! * [`context`]: the fields of the context object (`$$.Execution.Id`, …).
//! * [`resource`]: Task `Resource` ARNs (optimized integrations, AWS SDK, Lambda, activities, HTTP).
//! * [`timestamp`]: RFC 3339 timestamps as AWS accepts them, as comparable instants.
//!
//! ```
//! use asl_syntax::{Span, parse_intrinsic, parse_path};
//!
//! let path = parse_path("$.orders[0]['total price']").unwrap();
//! assert!(path.is_definite());
//! assert_eq!(path.to_string(), "$.orders[0]['total price']");
//!
//! let err = parse_intrinsic("States.Format('{}', $.a b)").unwrap_err();
//! // The span is inside the string; add the string's own offset to place it in a file.
//! assert_eq!(err.span, Span::new(23, 24));
//! ```

#![forbid(unsafe_code)]

pub mod context;
pub mod intrinsic;
pub mod path;
pub mod resource;
pub mod timestamp;

pub use context::{ContextField, check_context_path};
pub use intrinsic::{Argument, IntrinsicCall, PayloadValue, parse_intrinsic, parse_payload_value};
pub use path::{JsonPath, Root, parse_path, parse_reference_path};
pub use resource::{IntegrationPattern, Resource, parse_resource};
pub use timestamp::{Timestamp, format_rfc3339, parse_timestamp};

use std::fmt;

/// A byte range `start..end` inside the parsed string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, PartialOrd, Ord)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

impl Span {
    /// A span from `start` (inclusive) to `end` (exclusive).
    pub const fn new(start: usize, end: usize) -> Self {
        Span { start, end }
    }

    /// An empty span at `at` (used for "something is missing here").
    pub const fn empty(at: usize) -> Self {
        Span { start: at, end: at }
    }

    /// Length in bytes.
    pub const fn len(self) -> usize {
        self.end.saturating_sub(self.start)
    }

    /// Whether the span covers no bytes.
    pub const fn is_empty(self) -> bool {
        self.end <= self.start
    }

    /// The same range shifted by `by` bytes: turns a span inside a string into a span inside the
    /// file, given where the string's content starts.
    pub const fn offset(self, by: usize) -> Self {
        Span {
            start: self.start.saturating_add(by),
            end: self.end.saturating_add(by),
        }
    }

    /// The smallest span covering both.
    pub fn join(self, other: Span) -> Self {
        Span {
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }
}

/// A value together with where it was written.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub const fn new(value: T, span: Span) -> Self {
        Spanned { value, span }
    }
}

/// A syntax error: a lower-case one-line message and the byte range (inside the parsed string)
/// it is about.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub message: String,
    pub span: Span,
}

impl SyntaxError {
    pub fn new(message: impl Into<String>, span: Span) -> Self {
        SyntaxError {
            message: message.into(),
            span,
        }
    }
}

impl fmt::Display for SyntaxError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} (at bytes {}..{})",
            self.message, self.span.start, self.span.end
        )
    }
}

impl std::error::Error for SyntaxError {}

/// A number literal: the exact text as written (so nothing is lost) and its `f64` value.
#[derive(Debug, Clone, PartialEq)]
pub struct Number {
    pub text: String,
    pub value: f64,
}

#[cfg(test)]
mod tests {
    use super::Span;

    #[test]
    fn offset_shifts_both_ends() {
        assert_eq!(Span::new(2, 5).offset(10), Span::new(12, 15));
    }

    #[test]
    fn join_covers_both_spans() {
        assert_eq!(Span::new(4, 6).join(Span::new(1, 3)), Span::new(1, 6));
    }

    #[test]
    fn empty_span_has_no_length() {
        assert!(Span::empty(3).is_empty());
        assert_eq!(Span::new(3, 7).len(), 4);
    }
}
