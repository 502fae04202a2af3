//! Comparing what a machine produced with what AWS recorded.
//!
//! The rules: outputs compare as JSON values (object key order ignored, `1` equals `1.0`, `true`
//! is not a number); a FAILED case passes when the error name matches, and matching the cause as
//! well counts towards the strict score; a placeholder token inside an expected string matches
//! any text in its place.

use std::fmt::Write as _;

use serde_json::Value;

/// How an execution ended, as recorded or as produced.
#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Succeeded {
        output: Value,
    },
    Failed {
        /// `None` when no error name was recorded (a Fail state without `Error`).
        error: Option<String>,
        cause: Option<String>,
    },
}

impl Outcome {
    /// Reads `{"status": "SUCCEEDED", "output": …}` or
    /// `{"status": "FAILED", "error": …, "cause": …}`.
    pub fn from_json(value: &Value) -> Result<Outcome, String> {
        let object = value
            .as_object()
            .ok_or_else(|| format!("expected a JSON object, found {}", kind(value)))?;
        match object.get("status").and_then(Value::as_str) {
            Some("SUCCEEDED") => {
                let output = object
                    .get("output")
                    .cloned()
                    .ok_or("a SUCCEEDED outcome needs an `output`")?;
                Ok(Outcome::Succeeded { output })
            }
            // An execution that timed out or was stopped did not succeed either: it compares
            // as a failure with its error name (`States.Timeout` unless another is given).
            Some(status @ ("FAILED" | "TIMED_OUT" | "ABORTED")) => {
                let mut error = optional_string(object.get("error"), "error")?;
                if status == "TIMED_OUT" && error.is_none() {
                    error = Some("States.Timeout".to_owned());
                }
                Ok(Outcome::Failed {
                    error,
                    cause: optional_string(object.get("cause"), "cause")?,
                })
            }
            Some(other) => Err(format!(
                "`status` is {other:?}; expected \"SUCCEEDED\", \"FAILED\", \"TIMED_OUT\" or \"ABORTED\""
            )),
            None => Err("`status` is missing or not a string".to_owned()),
        }
    }

    /// The JSON form read by [`Outcome::from_json`].
    pub fn to_json(&self) -> Value {
        match self {
            Outcome::Succeeded { output } => {
                serde_json::json!({ "status": "SUCCEEDED", "output": output })
            }
            Outcome::Failed { error, cause } => {
                serde_json::json!({ "status": "FAILED", "error": error, "cause": cause })
            }
        }
    }
}

fn optional_string(value: Option<&Value>, field: &str) -> Result<Option<String>, String> {
    match value {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s.clone())),
        Some(other) => Err(format!(
            "`{field}` must be a string or null, found {}",
            kind(other)
        )),
    }
}

/// The verdict on one execution.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Comparison {
    /// The loose score: outputs equal, or error names equal.
    pub passed: bool,
    /// The strict score: passed and, for failures, the cause matches too.
    pub strict: bool,
    /// Human-readable differences, most important first; empty when strict.
    pub differences: Vec<String>,
}

/// Compares `actual` with `expected`, letting each of `placeholders` stand for any text.
pub fn compare(expected: &Outcome, actual: &Outcome, placeholders: &[String]) -> Comparison {
    let matcher = Matcher { placeholders };
    match (expected, actual) {
        (Outcome::Succeeded { output: want }, Outcome::Succeeded { output: got }) => {
            let mut differences = Vec::new();
            matcher.diff_values("$", want, got, &mut differences);
            let passed = differences.is_empty();
            Comparison {
                passed,
                strict: passed,
                differences,
            }
        }
        (
            Outcome::Failed {
                error: want_error,
                cause: want_cause,
            },
            Outcome::Failed {
                error: got_error,
                cause: got_cause,
            },
        ) => {
            let mut differences = Vec::new();
            let passed = matcher.optional_text_matches(want_error.as_deref(), got_error.as_deref());
            if !passed {
                differences.push(format!(
                    "error: expected {}, got {}",
                    show_optional(want_error.as_deref()),
                    show_optional(got_error.as_deref())
                ));
            }
            let cause_matches =
                matcher.optional_text_matches(want_cause.as_deref(), got_cause.as_deref());
            if !cause_matches {
                differences.push(format!(
                    "cause: expected {}, got {}",
                    show_optional(want_cause.as_deref()),
                    show_optional(got_cause.as_deref())
                ));
            }
            Comparison {
                passed,
                strict: passed && cause_matches,
                differences,
            }
        }
        (Outcome::Succeeded { output }, Outcome::Failed { error, cause }) => Comparison {
            passed: false,
            strict: false,
            differences: vec![format!(
                "expected SUCCEEDED with output {}, got FAILED with error {} and cause {}",
                show_value(output),
                show_optional(error.as_deref()),
                show_optional(cause.as_deref())
            )],
        },
        (Outcome::Failed { error, cause }, Outcome::Succeeded { output }) => Comparison {
            passed: false,
            strict: false,
            differences: vec![format!(
                "expected FAILED with error {} and cause {}, got SUCCEEDED with output {}",
                show_optional(error.as_deref()),
                show_optional(cause.as_deref()),
                show_value(output)
            )],
        },
    }
}

/// Equality of JSON values under the comparison rules (no placeholders).
pub fn json_equal(a: &Value, b: &Value) -> bool {
    let mut differences = Vec::new();
    Matcher { placeholders: &[] }.diff_values("$", a, b, &mut differences);
    differences.is_empty()
}

struct Matcher<'a> {
    placeholders: &'a [String],
}

impl Matcher<'_> {
    fn diff_values(&self, path: &str, want: &Value, got: &Value, out: &mut Vec<String>) {
        match (want, got) {
            (Value::Object(want_map), Value::Object(got_map)) => {
                for (key, want_value) in want_map {
                    let child = child_path(path, key);
                    match got_map.get(key) {
                        Some(got_value) => self.diff_values(&child, want_value, got_value, out),
                        None => out.push(format!(
                            "{child}: missing, expected {}",
                            show_value(want_value)
                        )),
                    }
                }
                for (key, got_value) in got_map {
                    if !want_map.contains_key(key) {
                        out.push(format!(
                            "{}: unexpected, got {}",
                            child_path(path, key),
                            show_value(got_value)
                        ));
                    }
                }
            }
            (Value::Array(want_items), Value::Array(got_items)) => {
                if want_items.len() != got_items.len() {
                    out.push(format!(
                        "{path}: expected {} items, got {}",
                        want_items.len(),
                        got_items.len()
                    ));
                }
                for (index, (w, g)) in want_items.iter().zip(got_items).enumerate() {
                    self.diff_values(&format!("{path}[{index}]"), w, g, out);
                }
            }
            (Value::Number(w), Value::Number(g)) => {
                if !numbers_equal(w, g) {
                    out.push(mismatch(path, want, got));
                }
            }
            (Value::String(w), _) if self.has_placeholder(w) => {
                // A placeholder may stand for a value that is not a string (a random number).
                let text = match got {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                if !self.text_matches(w, &text) {
                    out.push(mismatch(path, want, got));
                }
            }
            _ => {
                if want != got {
                    out.push(mismatch(path, want, got));
                }
            }
        }
    }

    fn has_placeholder(&self, text: &str) -> bool {
        self.placeholders
            .iter()
            .any(|p| !p.is_empty() && text.contains(p.as_str()))
    }

    fn optional_text_matches(&self, want: Option<&str>, got: Option<&str>) -> bool {
        match (want, got) {
            (None, None) => true,
            (Some(w), Some(g)) => self.text_matches(w, g),
            _ => false,
        }
    }

    /// `want` with each placeholder occurrence read as "any text".
    fn text_matches(&self, want: &str, got: &str) -> bool {
        let literals = split_on_placeholders(want, self.placeholders);
        glob_matches(&literals, got)
    }
}

/// The literal pieces of `text` between placeholder occurrences (always one more than the
/// number of occurrences).
fn split_on_placeholders<'t>(text: &'t str, placeholders: &[String]) -> Vec<&'t str> {
    let mut pieces = Vec::new();
    let mut rest = text;
    loop {
        // The earliest occurrence of any placeholder; the longest one on ties.
        let next = placeholders
            .iter()
            .filter(|p| !p.is_empty())
            .filter_map(|p| rest.find(p.as_str()).map(|at| (at, p.len())))
            .min_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)));
        match next {
            Some((at, len)) => {
                pieces.push(&rest[..at]);
                rest = &rest[at + len..];
            }
            None => {
                pieces.push(rest);
                return pieces;
            }
        }
    }
}

/// Whether `text` is `literals` joined by arbitrary (possibly empty) runs of text.
fn glob_matches(literals: &[&str], text: &str) -> bool {
    let Some((first, rest)) = literals.split_first() else {
        return text.is_empty();
    };
    let Some(mut remaining) = text.strip_prefix(first) else {
        return false;
    };
    let Some((last, middle)) = rest.split_last() else {
        // No placeholder at all: the prefix must be the whole text.
        return remaining.is_empty();
    };
    // Taking the leftmost occurrence of each middle piece leaves the most room for the rest.
    for piece in middle {
        match remaining.find(piece) {
            Some(at) => remaining = &remaining[at + piece.len()..],
            None => return false,
        }
    }
    remaining.ends_with(last)
}

fn numbers_equal(a: &serde_json::Number, b: &serde_json::Number) -> bool {
    if let (Some(x), Some(y)) = (a.as_i64(), b.as_i64()) {
        return x == y;
    }
    if let (Some(x), Some(y)) = (a.as_u64(), b.as_u64()) {
        return x == y;
    }
    match (a.as_f64(), b.as_f64()) {
        (Some(x), Some(y)) => x == y,
        _ => false,
    }
}

fn child_path(parent: &str, key: &str) -> String {
    let simple = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        && !key.starts_with(|c: char| c.is_ascii_digit());
    if simple {
        format!("{parent}.{key}")
    } else {
        format!("{parent}[{}]", Value::String(key.to_owned()))
    }
}

fn mismatch(path: &str, want: &Value, got: &Value) -> String {
    format!(
        "{path}: expected {}, got {}",
        show_value(want),
        show_value(got)
    )
}

/// Compact JSON, cut to a readable length.
pub fn show_value(value: &Value) -> String {
    truncate(&value.to_string(), 160)
}

fn show_optional(text: Option<&str>) -> String {
    match text {
        Some(t) => truncate(&Value::String(t.to_owned()).to_string(), 240),
        None => "null".to_owned(),
    }
}

fn truncate(text: &str, max_chars: usize) -> String {
    if text.chars().count() <= max_chars {
        return text.to_owned();
    }
    let mut cut: String = text.chars().take(max_chars).collect();
    let _ = write!(cut, "… ({} chars)", text.chars().count());
    cut
}

fn kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_with_no_placeholder_is_plain_equality() {
        assert!(glob_matches(&["abc"], "abc"));
        assert!(!glob_matches(&["abc"], "abcd"));
    }

    #[test]
    fn glob_pieces_must_appear_in_order() {
        assert!(glob_matches(&["a", "b", "c"], "a-b-c"));
        assert!(!glob_matches(&["a", "c", "b"], "a-b-c"));
    }

    #[test]
    fn glob_prefix_and_suffix_may_not_overlap() {
        assert!(!glob_matches(&["ab", "bc"], "abc"));
        assert!(glob_matches(&["ab", "bc"], "abbc"));
    }

    #[test]
    fn splitting_prefers_the_earliest_then_the_longest_placeholder() {
        let placeholders = vec!["<a>".to_owned(), "<a>b".to_owned()];
        assert_eq!(
            split_on_placeholders("x<a>by", &placeholders),
            vec!["x", "y"]
        );
    }

    #[test]
    fn keys_that_are_not_identifiers_are_quoted_in_paths() {
        assert_eq!(child_path("$", "a b"), "$[\"a b\"]");
        assert_eq!(child_path("$", "ok_key"), "$.ok_key");
    }
}
