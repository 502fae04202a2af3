//! The comparison rules, one behaviour each.

use asl_conformance::compare::{Outcome, compare, json_equal};
use serde_json::json;

fn succeeded(output: serde_json::Value) -> Outcome {
    Outcome::Succeeded { output }
}

fn failed(error: Option<&str>, cause: Option<&str>) -> Outcome {
    Outcome::Failed {
        error: error.map(str::to_owned),
        cause: cause.map(str::to_owned),
    }
}

fn placeholders(tokens: &[&str]) -> Vec<String> {
    tokens.iter().map(|t| (*t).to_owned()).collect()
}

#[test]
fn object_key_order_is_ignored() {
    assert!(json_equal(
        &json!({"a": 1, "b": 2}),
        &json!({"b": 2, "a": 1})
    ));
}

#[test]
fn an_integer_equals_the_same_float() {
    assert!(json_equal(&json!(1), &json!(1.0)));
    assert!(json_equal(&json!({"n": [3]}), &json!({"n": [3.0]})));
}

#[test]
fn true_is_not_the_number_one() {
    assert!(!json_equal(&json!(true), &json!(1)));
}

#[test]
fn array_order_matters() {
    assert!(!json_equal(&json!([1, 2]), &json!([2, 1])));
}

#[test]
fn a_missing_key_fails_the_comparison() {
    assert!(!json_equal(&json!({"a": 1, "b": null}), &json!({"a": 1})));
}

#[test]
fn an_extra_key_fails_the_comparison() {
    assert!(!json_equal(&json!({"a": 1}), &json!({"a": 1, "b": 2})));
}

#[test]
fn large_integers_compare_exactly() {
    assert!(!json_equal(
        &json!(9_007_199_254_740_993_u64),
        &json!(9_007_199_254_740_992_u64)
    ));
}

#[test]
fn a_matching_error_with_another_cause_passes_but_not_strictly() {
    let result = compare(
        &failed(Some("States.TaskFailed"), Some("aws wording")),
        &failed(Some("States.TaskFailed"), Some("our wording")),
        &[],
    );
    assert!(result.passed);
    assert!(!result.strict);
    assert_eq!(result.differences.len(), 1);
    assert!(result.differences[0].starts_with("cause:"));
}

#[test]
fn a_different_error_name_fails() {
    let result = compare(
        &failed(Some("States.Runtime"), None),
        &failed(Some("States.TaskFailed"), None),
        &[],
    );
    assert!(!result.passed);
}

#[test]
fn a_recorded_null_error_needs_a_null_error() {
    let expected = failed(None, Some("Condition is false"));
    assert!(compare(&expected, &failed(None, Some("Condition is false")), &[]).strict);
    assert!(
        !compare(
            &expected,
            &failed(Some(""), Some("Condition is false")),
            &[]
        )
        .passed
    );
}

#[test]
fn success_where_a_failure_was_recorded_fails_with_both_shown() {
    let result = compare(
        &failed(Some("Custom.Error"), None),
        &succeeded(json!({"ok": true})),
        &[],
    );
    assert!(!result.passed);
    assert!(result.differences[0].contains("Custom.Error"));
    assert!(result.differences[0].contains("\"ok\":true"));
}

#[test]
fn differences_name_the_path_of_each_mismatch() {
    let result = compare(
        &succeeded(json!({"a": {"b": [1, 2]}, "c": "x"})),
        &succeeded(json!({"a": {"b": [1, 3]}, "c": "x"})),
        &[],
    );
    assert_eq!(result.differences, ["$.a.b[1]: expected 2, got 3"]);
}

#[test]
fn a_placeholder_matches_any_text_in_its_place() {
    let expected = succeeded(json!({"id": "exec-<uuid:1>-end"}));
    let tokens = placeholders(&["<uuid:1>"]);
    assert!(
        compare(
            &expected,
            &succeeded(json!({"id": "exec-1234-abcd-end"})),
            &tokens
        )
        .passed
    );
    assert!(compare(&expected, &succeeded(json!({"id": "exec--end"})), &tokens).passed);
}

#[test]
fn text_around_a_placeholder_must_still_match() {
    let expected = succeeded(json!("exec-<uuid:1>-end"));
    let tokens = placeholders(&["<uuid:1>"]);
    assert!(!compare(&expected, &succeeded(json!("run-1234-end")), &tokens).passed);
    assert!(!compare(&expected, &succeeded(json!("exec-1234-stop")), &tokens).passed);
}

#[test]
fn a_placeholder_may_stand_for_a_number() {
    let expected = succeeded(json!({"n": "RandomValue"}));
    let tokens = placeholders(&["RandomValue"]);
    assert!(compare(&expected, &succeeded(json!({"n": 4711})), &tokens).passed);
}

#[test]
fn placeholders_apply_to_causes() {
    let expected = failed(
        Some("States.Runtime"),
        Some("could not be found in '<input:1>'"),
    );
    let actual = failed(
        Some("States.Runtime"),
        Some("could not be found in '{\"a\":1}'"),
    );
    assert!(compare(&expected, &actual, &placeholders(&["<input:1>"])).strict);
}

#[test]
fn without_placeholders_a_token_is_plain_text() {
    let expected = succeeded(json!("<uuid:1>"));
    assert!(!compare(&expected, &succeeded(json!("0000")), &[]).passed);
}

#[test]
fn outcomes_round_trip_through_json() {
    for outcome in [
        succeeded(json!([1, {"a": null}])),
        failed(Some("E"), None),
        failed(None, Some("c")),
    ] {
        assert_eq!(Outcome::from_json(&outcome.to_json()), Ok(outcome));
    }
}

#[test]
fn an_unknown_status_is_an_error() {
    let error = Outcome::from_json(&json!({"status": "RUNNING"}));
    assert!(error.is_err_and(|e| e.contains("RUNNING")));
}

#[test]
fn a_timed_out_execution_reads_as_a_states_timeout_failure() {
    assert_eq!(
        Outcome::from_json(&json!({"status": "TIMED_OUT"})),
        Ok(failed(Some("States.Timeout"), None))
    );
}
