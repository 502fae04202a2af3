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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use serde_json::json;

    fn pattern(p: &str) -> StringPattern {
        StringPattern::compile(p).unwrap()
    }

    #[test]
    fn numeric_comparisons_with_mismatched_types_are_false() {
        for v in [
            json!("1"),
            json!(null),
            json!(true),
            json!([1]),
            json!({"a": 1}),
        ] {
            assert!(!numeric_equals(&v, 1.0));
            assert!(!numeric_less_than(&v, 5.0));
        }
    }

    #[test]
    fn integer_zero_equals_float_zero() {
        assert!(numeric_equals(&json!(0), 0.0));
        assert!(numeric_equals_path(&json!(0), &json!(0.0)));
    }

    #[test]
    fn numeric_orderings() {
        assert!(numeric_less_than(&json!(1), 1.5));
        assert!(numeric_less_than_equals(&json!(2), 2.0));
        assert!(numeric_greater_than(&json!(-1), -2.0));
        assert!(numeric_greater_than_equals(&json!(3.5), 3.5));
        assert!(!numeric_greater_than(&json!(3.5), 3.5));
    }

    #[test]
    fn string_comparisons_are_by_code_point_without_case_folding() {
        assert!(string_less_than(&json!("B"), "a"));
        assert!(!string_equals(&json!("abc"), "ABC"));
        assert!(string_greater_than(&json!("é"), "z"));
        assert!(string_less_than_equals(&json!("a"), "a"));
        assert!(string_greater_than_equals(&json!("b"), "a"));
    }

    #[test]
    fn string_comparisons_with_non_strings_are_false() {
        assert!(!string_equals(&json!(1), "1"));
        assert!(!string_less_than(&json!(null), "a"));
    }

    #[test]
    fn boolean_equals_requires_a_boolean() {
        assert!(boolean_equals(&json!(true), true));
        assert!(!boolean_equals(&json!("true"), true));
    }

    #[test]
    fn path_forms_require_both_sides_to_have_the_type() {
        assert!(string_equals_path(&json!("a"), &json!("a")));
        assert!(!string_equals_path(&json!("1"), &json!(1)));
        assert!(boolean_equals_path(&json!(false), &json!(false)));
        assert!(numeric_greater_than_path(&json!(2), &json!(1)));
    }

    #[test]
    fn timestamps_compare_as_instants_across_offsets() {
        let t = parse_timestamp("2024-01-01T00:00:00Z").unwrap();
        assert!(timestamp_equals(&json!("2024-01-01T02:00:00+02:00"), &t));
        assert!(timestamp_less_than(&json!("2023-12-31T23:59:59Z"), &t));
        assert!(timestamp_greater_than_equals(
            &json!("2024-01-01T00:00:00.001Z"),
            &t
        ));
        assert!(timestamp_equals_path(
            &json!("2024-01-01T00:00:00Z"),
            &json!("2024-01-01T01:00:00+01:00")
        ));
    }

    #[test]
    fn timestamp_comparison_with_a_non_timestamp_is_false() {
        let t = parse_timestamp("2024-01-01T00:00:00Z").unwrap();
        assert!(!timestamp_equals(&json!("yesterday"), &t));
        assert!(!timestamp_less_than(&json!(0), &t));
    }

    #[test]
    fn type_tests() {
        assert!(is_null(&json!(null)));
        assert!(!is_null(&json!(0)));
        assert!(is_numeric(&json!(1.5)));
        assert!(!is_numeric(&json!("1")));
        assert!(is_string(&json!("2024-01-01T00:00:00Z")));
        assert!(is_boolean(&json!(false)));
        assert!(is_timestamp(&json!("2024-01-01T00:00:00Z")));
        assert!(!is_timestamp(&json!("2024-01-01")));
    }

    #[test]
    fn is_present_treats_null_as_present() {
        let p = Path::parse("$.a").unwrap();
        assert!(is_present(&p, &json!({"a": null}), &Env::empty()));
        assert!(!is_present(&p, &json!({}), &Env::empty()));
    }

    #[test]
    fn a_missing_variable_is_a_runtime_error() {
        let p = Path::parse("$.a").unwrap();
        let err = variable(&p, &json!({}), &Env::empty()).unwrap_err();
        assert!(err.is(names::RUNTIME));
        assert!(!err.is_catchable());
    }

    #[test]
    fn star_matches_any_run_of_characters() {
        let p = pattern("log-*.txt");
        assert!(p.matches("log-.txt"));
        assert!(p.matches("log-2024-01.txt"));
        assert!(!p.matches("log-1.txt.bak"));
        assert!(!p.matches("xlog-1.txt"));
    }

    #[test]
    fn several_stars() {
        let p = pattern("*a*b*");
        assert!(p.matches("ab"));
        assert!(p.matches("xxaxxbxx"));
        assert!(!p.matches("ba"));
        assert!(pattern("*").matches(""));
        assert!(pattern("a*a").matches("aa"));
        assert!(!pattern("a*a").matches("a"));
    }

    #[test]
    fn escaped_star_and_backslash_are_literal() {
        let p = pattern(r"a\*b");
        assert!(p.matches("a*b"));
        assert!(!p.matches("axxb"));
        assert!(pattern(r"c:\\dir\\*").matches(r"c:\dir\file"));
    }

    #[test]
    fn other_characters_are_not_special() {
        assert!(pattern("a.b?[c]").matches("a.b?[c]"));
        assert!(!pattern("a.b").matches("axb"));
    }

    #[test]
    fn a_dangling_backslash_is_an_error() {
        assert!(StringPattern::compile("abc\\").is_err());
    }

    #[test]
    fn string_matches_is_false_for_non_strings() {
        assert!(!string_matches(&json!(1), &pattern("*")));
        assert!(string_matches(&json!("x"), &pattern("*")));
    }
}
