//! `InputPath`, `ResultPath` and `OutputPath`, in the order AWS applies them:
//!
//! 1. `InputPath` selects the effective input from the raw state input (`null` → `{}`);
//! 2. `Parameters` (see [`crate::template`]) builds the task input from it;
//! 3. the task runs; `ResultSelector` shapes its result;
//! 4. `ResultPath` writes the result into the **raw** state input (`null` keeps the input);
//! 5. `OutputPath` selects the state output (`null` → `{}`).

use std::borrow::Cow;

use serde_json::{Map, Value};

use crate::error::StatesError;
use crate::path::{Env, Path, ReferencePath};

/// What `ResultPath` says.
#[derive(Clone, Debug, Default)]
pub enum ResultPathSpec {
    /// Absent or `"$"`: the result replaces the input.
    #[default]
    Default,
    /// `null`: the result is discarded and the raw input passes through.
    Discard,
    /// A reference path: the result is written at that place in the raw input.
    Path(ReferencePath),
}

impl ResultPathSpec {
    /// Compiles a `ResultPath` string (`"$"` gives [`ResultPathSpec::Default`]).
    pub fn parse(text: &str) -> Result<Self, StatesError> {
        if text == "$" {
            return Ok(ResultPathSpec::Default);
        }
        Ok(ResultPathSpec::Path(ReferencePath::parse(text)?))
    }
}

/// Applies `InputPath`. `path` is `None` when the field is `null` (the effective input is then
/// `{}`); an absent field means `$`. A definite match is borrowed, not copied.
pub fn apply_input_path<'a>(
    input: &'a Value,
    path: Option<&Path>,
    env: &Env<'a>,
) -> Result<Cow<'a, Value>, StatesError> {
    match path {
        None => Ok(Cow::Owned(Value::Object(Map::new()))),
        Some(p) if p.is_identity() => Ok(Cow::Borrowed(input)),
        Some(p) => p
            .lookup(input, env)
            .map_err(|miss| p.miss_error(&miss, input, "InputPath")),
    }
}

/// Applies `ResultPath`: combines the raw state input with the (selected) result.
pub fn apply_result_path(
    raw_input: Value,
    result: Value,
    spec: &ResultPathSpec,
) -> Result<Value, StatesError> {
    match spec {
        ResultPathSpec::Default => Ok(result),
        ResultPathSpec::Discard => Ok(raw_input),
        ResultPathSpec::Path(p) => p.set(raw_input, result),
    }
}

/// Applies `OutputPath`. `path` is `None` when the field is `null` (the output is then `{}`).
pub fn apply_output_path(
    output: Value,
    path: Option<&Path>,
    env: &Env<'_>,
) -> Result<Value, StatesError> {
    match path {
        None => Ok(Value::Object(Map::new())),
        Some(p) if p.is_identity() => Ok(output),
        Some(p) => p.select_owned(output, env, "OutputPath"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use serde_json::json;

    fn path(text: &str) -> Path {
        Path::parse(text).unwrap()
    }

    #[test]
    fn input_path_dollar_borrows_the_whole_input() {
        let input = json!({"a": 1});
        let out = apply_input_path(&input, Some(&path("$")), &Env::empty()).unwrap();
        assert!(matches!(out, Cow::Borrowed(_)));
        assert_eq!(*out, input);
    }

    #[test]
    fn input_path_null_gives_an_empty_object() {
        let input = json!({"a": 1});
        let out = apply_input_path(&input, None, &Env::empty()).unwrap();
        assert_eq!(*out, json!({}));
    }

    #[test]
    fn input_path_selects_a_node() {
        let input = json!({"a": {"b": [1, 2]}});
        let out = apply_input_path(&input, Some(&path("$.a.b")), &Env::empty()).unwrap();
        assert_eq!(*out, json!([1, 2]));
    }

    #[test]
    fn input_path_miss_is_an_uncatchable_runtime_error() {
        let err =
            apply_input_path(&json!({}), Some(&path("$.missing")), &Env::empty()).unwrap_err();
        assert!(err.is(names::RUNTIME));
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.missing' : No results for path: $['missing']")
        );
    }

    #[test]
    fn result_path_default_replaces_the_input() {
        let out = apply_result_path(json!({"a": 1}), json!("r"), &ResultPathSpec::Default).unwrap();
        assert_eq!(out, json!("r"));
    }

    #[test]
    fn result_path_null_keeps_the_raw_input() {
        let out = apply_result_path(json!({"a": 1}), json!("r"), &ResultPathSpec::Discard).unwrap();
        assert_eq!(out, json!({"a": 1}));
    }

    #[test]
    fn result_path_merges_into_nested_objects() {
        let spec = ResultPathSpec::parse("$.x.y").unwrap();
        let out = apply_result_path(json!({"a": 1, "x": {"k": 2}}), json!(3), &spec).unwrap();
        assert_eq!(out, json!({"a": 1, "x": {"k": 2, "y": 3}}));
    }

    #[test]
    fn output_path_null_gives_an_empty_object() {
        assert_eq!(
            apply_output_path(json!({"a": 1}), None, &Env::empty()).unwrap(),
            json!({})
        );
    }

    #[test]
    fn output_path_miss_names_the_missing_property() {
        let err =
            apply_output_path(json!({}), Some(&path("$.no.such")), &Env::empty()).unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.no.such' : Missing property in path $['no']")
        );
    }

    #[test]
    fn pipeline_result_path_uses_raw_input_not_the_filtered_one() {
        let raw = json!({"keep": true, "sub": {"v": 1}});
        let env = Env::empty();
        let effective = apply_input_path(&raw, Some(&path("$.sub")), &env)
            .unwrap()
            .into_owned();
        assert_eq!(effective, json!({"v": 1}));
        let spec = ResultPathSpec::parse("$.result").unwrap();
        let out = apply_result_path(raw, json!(42), &spec).unwrap();
        assert_eq!(out, json!({"keep": true, "sub": {"v": 1}, "result": 42}));
    }
}
