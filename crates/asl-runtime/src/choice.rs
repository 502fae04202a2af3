//! Comparison helpers that generated Choice rules call.
//!
//! A rule reads its `Variable` with [`variable`] (or tests it with [`is_present`]) and compares
//! the value with one of the functions below. Comparisons between mismatched types are simply
//! false (`NumericEquals` on `"1"` is false; `0` equals `0.0`). String order is code point by code
//! point, with no case folding or normalisation.
//!
//! A `Variable` (or `…Path` operand) that matches nothing is a `States.Runtime` failure for every
//! operator except `IsPresent` (AWS's behaviour is unrecorded; a missing node cannot be compared,
//! and every other path miss is `States.Runtime`).

use std::borrow::Cow;
use std::cmp::Ordering;

pub use asl_syntax::timestamp::Timestamp;
use serde_json::Value;

use crate::error::StatesError;
use crate::path::{Env, Path, PathMiss};

/// Reads a rule's `Variable` (or a `…Path` operand). A miss fails with `States.Runtime`.
pub fn variable<'a>(
    path: &Path,
    input: &'a Value,
    env: &Env<'a>,
) -> Result<Cow<'a, Value>, StatesError> {
    path.lookup(input, env).map_err(|miss| match miss {
        PathMiss::UndefinedVariable(_) => path.miss_error(&miss, input, "Variable"),
        PathMiss::NotFound(_) => StatesError::runtime(format!(
            "Invalid path '{}': The choice state's condition path references an invalid value.",
            path.text()
        )),
    })
}

/// `IsPresent`: whether the path matches (a `null` node is present).
pub fn is_present(path: &Path, input: &Value, env: &Env<'_>) -> bool {
    path.is_present(input, env)
}

/// `IsNull`.
pub fn is_null(v: &Value) -> bool {
    v.is_null()
}

/// `IsNumeric`.
pub fn is_numeric(v: &Value) -> bool {
    v.is_number()
}

/// `IsString` (true for timestamp-looking strings too).
pub fn is_string(v: &Value) -> bool {
    v.is_string()
}

/// `IsBoolean`.
pub fn is_boolean(v: &Value) -> bool {
    v.is_boolean()
}

/// `IsTimestamp`: a string holding an RFC 3339 timestamp.
pub fn is_timestamp(v: &Value) -> bool {
    as_timestamp(v).is_some()
}

fn as_timestamp(v: &Value) -> Option<Timestamp> {
    v.as_str()
        .and_then(|s| asl_syntax::timestamp::parse_timestamp(s).ok())
}

fn str_cmp(v: &Value, s: &str) -> Option<Ordering> {
    v.as_str().map(|x| x.cmp(s))
}

fn num_cmp(v: &Value, n: f64) -> Option<Ordering> {
    v.as_f64().and_then(|x| x.partial_cmp(&n))
}

fn ts_cmp(v: &Value, t: &Timestamp) -> Option<Ordering> {
    as_timestamp(v).map(|x| x.cmp(t))
}

/// `StringEquals`.
pub fn string_equals(v: &Value, s: &str) -> bool {
    str_cmp(v, s) == Some(Ordering::Equal)
}

/// `StringLessThan`.
pub fn string_less_than(v: &Value, s: &str) -> bool {
    str_cmp(v, s) == Some(Ordering::Less)
}

/// `StringGreaterThan`.
pub fn string_greater_than(v: &Value, s: &str) -> bool {
    str_cmp(v, s) == Some(Ordering::Greater)
}

/// `StringLessThanEquals`.
pub fn string_less_than_equals(v: &Value, s: &str) -> bool {
    matches!(str_cmp(v, s), Some(Ordering::Less | Ordering::Equal))
}

/// `StringGreaterThanEquals`.
pub fn string_greater_than_equals(v: &Value, s: &str) -> bool {
    matches!(str_cmp(v, s), Some(Ordering::Greater | Ordering::Equal))
}

/// `NumericEquals`.
pub fn numeric_equals(v: &Value, n: f64) -> bool {
    num_cmp(v, n) == Some(Ordering::Equal)
}

/// `NumericLessThan`.
pub fn numeric_less_than(v: &Value, n: f64) -> bool {
    num_cmp(v, n) == Some(Ordering::Less)
}

/// `NumericGreaterThan`.
pub fn numeric_greater_than(v: &Value, n: f64) -> bool {
    num_cmp(v, n) == Some(Ordering::Greater)
}

/// `NumericLessThanEquals`.
pub fn numeric_less_than_equals(v: &Value, n: f64) -> bool {
    matches!(num_cmp(v, n), Some(Ordering::Less | Ordering::Equal))
}

/// `NumericGreaterThanEquals`.
pub fn numeric_greater_than_equals(v: &Value, n: f64) -> bool {
    matches!(num_cmp(v, n), Some(Ordering::Greater | Ordering::Equal))
}

/// `BooleanEquals`.
pub fn boolean_equals(v: &Value, b: bool) -> bool {
    v.as_bool() == Some(b)
}

/// `TimestampEquals` (same instant, whatever the offsets).
pub fn timestamp_equals(v: &Value, t: &Timestamp) -> bool {
    ts_cmp(v, t) == Some(Ordering::Equal)
}

/// `TimestampLessThan`.
pub fn timestamp_less_than(v: &Value, t: &Timestamp) -> bool {
    ts_cmp(v, t) == Some(Ordering::Less)
}

/// `TimestampGreaterThan`.
pub fn timestamp_greater_than(v: &Value, t: &Timestamp) -> bool {
    ts_cmp(v, t) == Some(Ordering::Greater)
}

/// `TimestampLessThanEquals`.
pub fn timestamp_less_than_equals(v: &Value, t: &Timestamp) -> bool {
    matches!(ts_cmp(v, t), Some(Ordering::Less | Ordering::Equal))
}

/// `TimestampGreaterThanEquals`.
pub fn timestamp_greater_than_equals(v: &Value, t: &Timestamp) -> bool {
    matches!(ts_cmp(v, t), Some(Ordering::Greater | Ordering::Equal))
}

/// Parses a timestamp literal of a rule (done once, when the machine is first used).
pub fn parse_timestamp(text: &str) -> Result<Timestamp, StatesError> {
    asl_syntax::timestamp::parse_timestamp(text).map_err(|e| {
        StatesError::runtime(format!("The timestamp '{text}' is invalid: {}", e.message))
    })
}

// `…Path` forms: both sides come from the document; each must have the operator's type.

fn str_path_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    b.as_str().and_then(|s| str_cmp(a, s))
}

fn num_path_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    b.as_f64().and_then(|n| num_cmp(a, n))
}

fn ts_path_cmp(a: &Value, b: &Value) -> Option<Ordering> {
    as_timestamp(b).and_then(|t| ts_cmp(a, &t))
}

/// `StringEqualsPath`.
pub fn string_equals_path(a: &Value, b: &Value) -> bool {
    str_path_cmp(a, b) == Some(Ordering::Equal)
}

/// `StringLessThanPath`.
pub fn string_less_than_path(a: &Value, b: &Value) -> bool {
    str_path_cmp(a, b) == Some(Ordering::Less)
}

/// `StringGreaterThanPath`.
pub fn string_greater_than_path(a: &Value, b: &Value) -> bool {
    str_path_cmp(a, b) == Some(Ordering::Greater)
}

/// `StringLessThanEqualsPath`.
pub fn string_less_than_equals_path(a: &Value, b: &Value) -> bool {
    matches!(str_path_cmp(a, b), Some(Ordering::Less | Ordering::Equal))
}

/// `StringGreaterThanEqualsPath`.
pub fn string_greater_than_equals_path(a: &Value, b: &Value) -> bool {
    matches!(
        str_path_cmp(a, b),
        Some(Ordering::Greater | Ordering::Equal)
    )
}

/// `NumericEqualsPath`.
pub fn numeric_equals_path(a: &Value, b: &Value) -> bool {
    num_path_cmp(a, b) == Some(Ordering::Equal)
}

/// `NumericLessThanPath`.
pub fn numeric_less_than_path(a: &Value, b: &Value) -> bool {
    num_path_cmp(a, b) == Some(Ordering::Less)
}

/// `NumericGreaterThanPath`.
pub fn numeric_greater_than_path(a: &Value, b: &Value) -> bool {
    num_path_cmp(a, b) == Some(Ordering::Greater)
}

/// `NumericLessThanEqualsPath`.
pub fn numeric_less_than_equals_path(a: &Value, b: &Value) -> bool {
    matches!(num_path_cmp(a, b), Some(Ordering::Less | Ordering::Equal))
}

/// `NumericGreaterThanEqualsPath`.
pub fn numeric_greater_than_equals_path(a: &Value, b: &Value) -> bool {
    matches!(
        num_path_cmp(a, b),
        Some(Ordering::Greater | Ordering::Equal)
    )
}

/// `BooleanEqualsPath`.
pub fn boolean_equals_path(a: &Value, b: &Value) -> bool {
    b.as_bool().is_some_and(|x| boolean_equals(a, x))
}

/// `TimestampEqualsPath`.
pub fn timestamp_equals_path(a: &Value, b: &Value) -> bool {
    ts_path_cmp(a, b) == Some(Ordering::Equal)
}

/// `TimestampLessThanPath`.
pub fn timestamp_less_than_path(a: &Value, b: &Value) -> bool {
    ts_path_cmp(a, b) == Some(Ordering::Less)
}

/// `TimestampGreaterThanPath`.
pub fn timestamp_greater_than_path(a: &Value, b: &Value) -> bool {
    ts_path_cmp(a, b) == Some(Ordering::Greater)
}

/// `TimestampLessThanEqualsPath`.
pub fn timestamp_less_than_equals_path(a: &Value, b: &Value) -> bool {
    matches!(ts_path_cmp(a, b), Some(Ordering::Less | Ordering::Equal))
}

/// `TimestampGreaterThanEqualsPath`.
pub fn timestamp_greater_than_equals_path(a: &Value, b: &Value) -> bool {
    matches!(ts_path_cmp(a, b), Some(Ordering::Greater | Ordering::Equal))
}

/// A compiled `StringMatches` pattern: `*` matches any run of characters (including none), `\*`
/// is a literal star, `\\` a literal backslash; nothing else is special.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StringPattern {
    /// Literal pieces between stars (an empty first/last piece = leading/trailing star).
    pieces: Vec<String>,
}

impl StringPattern {
    /// Compiles a pattern. A trailing lone `\` is an error (`States.Runtime`). A backslash before
    /// any other character stands for itself.
    pub fn compile(pattern: &str) -> Result<StringPattern, StatesError> {
        let mut pieces = vec![String::new()];
        let mut chars = pattern.chars();
        let mut last_was_star = false;
        while let Some(c) = chars.next() {
            match c {
                '*' => {
                    // Consecutive stars are one star.
                    if !last_was_star {
                        pieces.push(String::new());
                    }
                    last_was_star = true;
                    continue;
                }
                '\\' => match chars.next() {
                    Some(next @ ('*' | '\\')) => push_last(&mut pieces, next),
                    Some(other) => {
                        push_last(&mut pieces, '\\');
                        push_last(&mut pieces, other);
                    }
                    None => {
                        return Err(StatesError::runtime(format!(
                            "The StringMatches pattern '{pattern}' ends with an unfinished escape '\\'"
                        )));
                    }
                },
                other => push_last(&mut pieces, other),
            }
            last_was_star = false;
        }
        Ok(StringPattern { pieces })
    }

    /// Whether `s` matches the whole pattern.
    pub fn matches(&self, s: &str) -> bool {
        let (first, rest) = match self.pieces.split_first() {
            Some(x) => x,
            None => return s.is_empty(),
        };
        let (last, middle) = match rest.split_last() {
            Some(x) => x,
            None => return s == first,
        };
        // Without a leading star `first` must be a prefix, without a trailing star `last` a
        // suffix; the pieces in between are found left to right (greedy is exact for globs
        // whose only wildcard is `*`).
        let Some(after_first) = s.strip_prefix(first.as_str()) else {
            return false;
        };
        let Some(body) = after_first.strip_suffix(last.as_str()) else {
            return false;
        };
        let mut rest = body;
        for piece in middle {
            match rest.find(piece.as_str()) {
                Some(at) => rest = &rest[at + piece.len()..],
                None => return false,
            }
        }
        true
    }
}

fn push_last(pieces: &mut [String], c: char) {
    if let Some(last) = pieces.last_mut() {
        last.push(c);
    }
}

/// `StringMatches`: false for non-strings.
pub fn string_matches(v: &Value, pattern: &StringPattern) -> bool {
    v.as_str().is_some_and(|s| pattern.matches(s))
}
