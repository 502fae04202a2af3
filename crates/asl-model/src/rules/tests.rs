//! Tests of the rule table and the `analyze` driver.

use super::*;
use crate::source::SourceFormat;

/// Examples in the table that are descriptions rather than definitions.
fn is_description(example: &str) -> bool {
    example.starts_with('(')
}

fn options_for(code: &str) -> Options {
    Options {
        express: code == codes::EXPRESS_UNSUPPORTED,
        forbid_cfn_placeholders: code == codes::CFN_PLACEHOLDER,
        ..Options::default()
    }
}

fn run<'a>(text: &'a str, options: &Options) -> Analysis<'a> {
    analyze(text, crate::tree::test_arena(), SourceFormat::Json, options)
}

#[test]
fn codes_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for r in RULES {
        assert!(seen.insert(r.code), "{} listed twice", r.code);
        assert!(r.code.starts_with("ASL") && r.code.len() == 6, "{}", r.code);
    }
}

#[test]
fn every_bad_example_triggers_its_rule() {
    let mut failures = Vec::new();
    for r in RULES.iter().filter(|r| !is_description(r.bad)) {
        let a = run(r.bad, &options_for(r.code));
        match a.diagnostics.iter().find(|d| d.code == r.code) {
            Some(d) if d.severity == r.severity => {}
            _ => failures.push(format!("{} ({}): {:?}", r.code, r.name, a.diagnostics)),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_good_example_is_free_of_its_rule_and_of_errors() {
    let mut failures = Vec::new();
    for r in RULES {
        let a = run(r.good, &options_for(r.code));
        let bad: Vec<_> = a
            .diagnostics
            .iter()
            .filter(|d| d.code == r.code || d.is_error())
            .collect();
        if !bad.is_empty() || a.machine.is_none() {
            failures.push(format!("{} ({}): {bad:?}", r.code, r.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn deep_nesting_example_matches_the_reader() {
    let text = format!("{}{}", "[".repeat(600), "]".repeat(600));
    let a = run(&text, &Options::default());
    assert_eq!(a.diagnostics.first().map(|d| d.code), Some(codes::TOO_DEEP));
}

#[test]
fn oversized_definition_is_reported_at_the_start() {
    let filler = "x".repeat(crate::catalog::limits::MAX_DEFINITION_BYTES);
    let text = format!(
        r#"{{"StartAt": "A", "Comment": "{filler}", "States": {{"A": {{"Type": "Succeed"}}}}}}"#
    );
    let a = run(&text, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::DEFINITION_TOO_LARGE);
    assert_eq!(d.map(|d| d.span), Some(Span::new(0, 0)));
}

#[test]
fn every_emitted_code_is_in_the_table() {
    // Every code constant the crate defines has a table entry.
    let source = include_str!("mod.rs").to_owned() + include_str!("../diagnostic.rs");
    for line in source.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("pub const ")
            && let Some((_, value)) = rest.split_once("= \"")
        {
            let code = value.trim_end_matches("\";");
            assert!(rule(code).is_some(), "{code} has no entry in RULES");
        }
    }
}

#[test]
fn unreadable_text_gives_no_model_and_one_syntax_error() {
    let a = run("{\"StartAt\": ", &Options::default());
    assert!(a.machine.is_none());
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(a.diagnostics[0].code, codes::SYNTAX);
}

#[test]
fn yaml_definitions_are_analyzed_like_json() {
    let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: Missing\n";
    let a = analyze(
        text,
        crate::tree::test_arena(),
        SourceFormat::Yaml,
        &Options::default(),
    );
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::UNKNOWN_TARGET);
    assert_eq!(d.and_then(|d| d.span.slice(text)), Some("Missing"));
}

#[test]
fn diagnostics_come_in_source_order() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}, "B": {"Type": "Pass", "Next": "Y"}}}"#;
    let a = run(text, &Options::default());
    let starts: Vec<usize> = a.diagnostics.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);
}

// ----- one behaviour per rule: the code and the exact culprit --------------

/// The source text under each diagnostic with `code`.
fn culprits<'t>(text: &'t str, code: &str) -> Vec<&'t str> {
    culprits_with(text, code, &Options::default())
}

fn culprits_with<'t>(text: &'t str, code: &str, options: &Options) -> Vec<&'t str> {
    run(text, options)
        .diagnostics
        .iter()
        .filter(|d| d.code == code)
        .map(|d| d.span.slice(text).unwrap_or("<bad span>"))
        .collect()
}

fn machine(states: &str) -> String {
    format!(r#"{{"StartAt": "A", "States": {{{states}}}}}"#)
}

fn help_of(text: &str, code: &str) -> Option<String> {
    run(text, &Options::default())
        .diagnostics
        .into_iter()
        .find(|d| d.code == code)
        .and_then(|d| d.help)
}

#[test]
fn misspelled_field_is_named_with_a_suggestion() {
    let t =
        machine(r#""A": {"Type": "Pass", "Ende": true, "Next": "B"}, "B": {"Type": "Succeed"}"#);
    assert_eq!(culprits(&t, codes::UNKNOWN_FIELD), [r#""Ende""#]);
    assert_eq!(
        help_of(&t, codes::UNKNOWN_FIELD).as_deref(),
        Some("did you mean `End`?")
    );
}

#[test]
fn end_given_as_a_string_is_the_wrong_type() {
    let t = machine(r#""A": {"Type": "Pass", "End": "yes"}"#);
    assert_eq!(culprits(&t, codes::WRONG_TYPE), [r#""yes""#]);
}

#[test]
fn task_without_resource_is_missing_a_field() {
    let t = machine(r#""A": {"Type": "Task", "End": true}"#);
    assert_eq!(
        culprits(&t, codes::MISSING_FIELD),
        [r#"{"Type": "Task", "End": true}"#]
    );
}

#[test]
fn retry_on_a_pass_state_is_not_allowed() {
    let t = machine(r#""A": {"Type": "Pass", "Retry": [], "End": true}"#);
    assert_eq!(culprits(&t, codes::FIELD_NOT_ALLOWED), [r#""Retry""#]);
}

#[test]
fn arguments_in_a_jsonpath_state_belongs_to_the_other_language() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Arguments": {}, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::WRONG_LANGUAGE_FIELD),
        [r#""Arguments""#]
    );
}

#[test]
fn parameters_in_a_jsonata_state_belongs_to_the_other_language() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Parameters": {}, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::WRONG_LANGUAGE_FIELD),
        [r#""Parameters""#]
    );
}

#[test]
fn a_catchers_field_of_the_other_language_is_named_as_such() {
    let jsonpath = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
            "Catch": [{"ErrorEquals": ["States.ALL"], "Output": {}, "Next": "B"}], "Next": "B"},
           "B": {"Type": "Succeed"}"#,
    );
    assert_eq!(
        culprits(&jsonpath, codes::WRONG_LANGUAGE_FIELD),
        [r#""Output""#]
    );
    let jsonata = machine(
        r#""A": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:lambda:us-east-1:1:function:f",
            "Catch": [{"ErrorEquals": ["States.ALL"], "ResultPath": "$.e", "Next": "B"}], "Next": "B"},
           "B": {"Type": "Succeed"}"#,
    );
    assert_eq!(
        culprits(&jsonata, codes::WRONG_LANGUAGE_FIELD),
        [r#""ResultPath""#]
    );
    // Neither is also reported as unknown, and the right one is fine.
    for t in [&jsonpath, &jsonata] {
        assert!(culprits(t, codes::UNKNOWN_FIELD).is_empty());
    }
}

#[test]
fn timeout_and_timeout_path_together_are_exclusive() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "TimeoutSeconds": 5, "TimeoutSecondsPath": "$.t", "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::EXCLUSIVE_FIELDS),
        [r#""TimeoutSecondsPath""#]
    );
}

#[test]
fn unknown_state_type_suggests_the_nearest() {
    let t = machine(r#""A": {"Type": "pass", "End": true}"#);
    assert_eq!(culprits(&t, codes::INVALID_VALUE), [r#""pass""#]);
    assert_eq!(
        help_of(&t, codes::INVALID_VALUE).as_deref(),
        Some("did you mean `Pass`?")
    );
}

#[test]
fn next_and_end_together_are_reported() {
    let t = machine(r#""A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}"#);
    assert_eq!(culprits(&t, codes::NEXT_OR_END).len(), 1);
}

#[test]
fn missing_next_and_end_points_at_the_state() {
    let t = machine(r#""A": {"Type": "Wait", "Seconds": 1}"#);
    assert_eq!(
        culprits(&t, codes::NEXT_OR_END),
        [r#"{"Type": "Wait", "Seconds": 1}"#]
    );
}

#[test]
fn succeed_state_with_end_is_not_allowed() {
    let t = machine(r#""A": {"Type": "Succeed", "End": true}"#);
    assert_eq!(culprits(&t, codes::FIELD_NOT_ALLOWED), [r#""End""#]);
}

#[test]
fn jsonpath_state_in_a_jsonata_machine_is_rejected() {
    let t = r#"{"QueryLanguage": "JSONata", "StartAt": "A", "States": {"A": {"Type": "Pass", "QueryLanguage": "JSONPath", "End": true}}}"#;
    assert_eq!(culprits(t, codes::JSONPATH_IN_JSONATA), [r#""JSONPath""#]);
}

#[test]
fn jsonata_state_in_a_jsonpath_machine_is_fine() {
    let t = machine(r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "End": true}"#);
    assert!(culprits(&t, codes::JSONPATH_IN_JSONATA).is_empty());
}

#[test]
fn version_other_than_one_point_oh_is_rejected() {
    let t = r#"{"Version": "1.1", "StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#;
    assert_eq!(culprits(t, codes::VERSION), [r#""1.1""#]);
}

#[test]
fn empty_states_object_is_reported() {
    let t = r#"{"StartAt": "A", "States": {}}"#;
    assert_eq!(culprits(t, codes::EMPTY_LIST), ["{}"]);
}

#[test]
fn choice_rule_with_two_operators_is_reported() {
    let t = machine(
        r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "StringEquals": "a", "IsPresent": true, "Next": "B"}]}, "B": {"Type": "Succeed"}"#,
    );
    assert_eq!(culprits(&t, codes::CHOICE_OPERATOR).len(), 1);
}

#[test]
fn numeric_operator_with_a_string_operand_is_the_wrong_type() {
    let t = machine(
        r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "NumericEquals": "3", "Next": "B"}]}, "B": {"Type": "Succeed"}"#,
    );
    assert_eq!(culprits(&t, codes::WRONG_TYPE), [r#""3""#]);
}

#[test]
fn choice_rules_build_a_recursive_model() {
    let t = machine(
        r#""A": {"Type": "Choice", "Choices": [{"And": [{"Variable": "$.a", "IsPresent": true}, {"Not": {"Variable": "$.b", "StringMatches": "x*"}}], "Next": "B"}], "Default": "B"}, "B": {"Type": "Succeed"}"#,
    );
    let a = run(&t, &Options::default());
    assert!(!a.has_errors(), "{:?}", a.diagnostics);
    let m = a.machine.expect("model");
    let crate::model::StateKind::Choice(c) = &m.states.list[0].kind else {
        panic!("not a choice")
    };
    let crate::model::ChoiceRule::And(rules, _) = &c.choices[0].rule else {
        panic!("not And")
    };
    assert!(matches!(rules[1], crate::model::ChoiceRule::Not(..)));
}

#[test]
fn next_inside_a_nested_rule_is_reported() {
    let t = machine(
        r#""A": {"Type": "Choice", "Choices": [{"Or": [{"Variable": "$.a", "IsNull": true, "Next": "B"}], "Next": "B"}]}, "B": {"Type": "Succeed"}"#,
    );
    assert_eq!(culprits(&t, codes::NESTED_CHOICE_NEXT).len(), 1);
}

#[test]
fn unknown_next_suggests_the_closest_state() {
    let t = machine(r#""A": {"Type": "Pass", "Next": "Fnish"}, "Finish": {"Type": "Succeed"}"#);
    assert_eq!(culprits(&t, codes::UNKNOWN_TARGET), [r#""Fnish""#]);
    assert_eq!(
        help_of(&t, codes::UNKNOWN_TARGET).as_deref(),
        Some("did you mean `Finish`?")
    );
}

#[test]
fn unknown_default_and_catch_next_are_reported() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Nope"}], "Next": "C"}, "C": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsNull": true, "Next": "D"}], "Default": "Gone"}, "D": {"Type": "Succeed"}"#,
    );
    assert_eq!(
        culprits(&t, codes::UNKNOWN_TARGET),
        [r#""Nope""#, r#""Gone""#]
    );
}

#[test]
fn jumping_out_of_a_map_processor_is_cross_scope() {
    let t = machine(
        r#""A": {"Type": "Map", "ItemProcessor": {"StartAt": "In", "States": {"In": {"Type": "Pass", "Next": "Out"}}}, "Next": "Out"}, "Out": {"Type": "Succeed"}"#,
    );
    assert_eq!(culprits(&t, codes::CROSS_SCOPE_TARGET), [r#""Out""#]);
}

#[test]
fn a_loop_nobody_enters_is_unreachable() {
    let t = machine(
        r#""A": {"Type": "Succeed"}, "L1": {"Type": "Pass", "Next": "L2"}, "L2": {"Type": "Pass", "Next": "L1"}"#,
    );
    assert_eq!(
        culprits(&t, codes::UNREACHABLE_STATE),
        [r#""L1""#, r#""L2""#]
    );
}

#[test]
fn states_reached_only_through_a_catcher_are_reachable() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Oops"}], "End": true}, "Oops": {"Type": "Fail"}"#,
    );
    assert!(culprits(&t, codes::UNREACHABLE_STATE).is_empty());
}

#[test]
fn a_branch_that_cannot_end_is_reported_at_its_start() {
    let t = machine(
        r#""A": {"Type": "Parallel", "Branches": [{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "X"}}}], "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::NO_TERMINAL), [r#""X""#]);
}

#[test]
fn duplicate_names_across_scopes_point_at_the_second() {
    let t = machine(
        r#""A": {"Type": "Map", "ItemProcessor": {"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}, "End": true}"#,
    );
    let a = run(&t, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::DUPLICATE_STATE_NAME)
        .expect("reported");
    assert_eq!(
        d.span.start,
        t.rfind(r#""A": {"Type": "Succeed"#).expect("second A")
    );
    assert_eq!(d.secondary.len(), 1);
}

#[test]
fn state_names_over_eighty_characters_are_too_long() {
    let long = "n".repeat(81);
    let t = format!(r#"{{"StartAt": "{long}", "States": {{"{long}": {{"Type": "Succeed"}}}}}}"#);
    assert_eq!(culprits(&t, codes::NAME_TOO_LONG), [format!("\"{long}\"")]);
    let ok = "n".repeat(80);
    let t = format!(r#"{{"StartAt": "{ok}", "States": {{"{ok}": {{"Type": "Succeed"}}}}}}"#);
    assert!(culprits(&t, codes::NAME_TOO_LONG).is_empty());
}

#[test]
fn bad_path_points_inside_the_string() {
    let t = machine(r#""A": {"Type": "Pass", "OutputPath": "$.a..", "End": true}"#);
    let found = culprits(&t, codes::INVALID_PATH);
    assert_eq!(found.len(), 1);
    assert!(
        !found[0].starts_with('"'),
        "span should be inside the string: {found:?}"
    );
}

#[test]
fn result_path_must_be_a_reference_path() {
    let t = machine(r#""A": {"Type": "Pass", "ResultPath": "$..x", "End": true}"#);
    assert_eq!(culprits(&t, codes::REFERENCE_PATH_REQUIRED).len(), 1);
}

#[test]
fn dollar_key_clashing_with_plain_key_is_reported_on_the_dollar_key() {
    let t = machine(r#""A": {"Type": "Pass", "Parameters": {"a": 1, "a.$": "$.a"}, "End": true}"#);
    assert_eq!(culprits(&t, codes::TEMPLATE_KEY_CLASH), [r#""a.$""#]);
}

#[test]
fn dollar_key_with_a_number_value_is_reported() {
    let t = machine(r#""A": {"Type": "Pass", "Parameters": {"n.$": 5}, "End": true}"#);
    assert_eq!(culprits(&t, codes::DYNAMIC_VALUE_TYPE), ["5"]);
}

#[test]
fn result_path_into_a_variable_is_rejected() {
    let t = machine(r#""A": {"Type": "Pass", "ResultPath": "$v", "End": true}"#);
    assert_eq!(culprits(&t, codes::RESULT_PATH_ROOT), [r#""$v""#]);
}

#[test]
fn unknown_context_field_is_a_warning_inside_the_string() {
    let t =
        machine(r#""A": {"Type": "Pass", "Parameters": {"x.$": "$$.Execution.Nme"}, "End": true}"#);
    let a = run(&t, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::UNKNOWN_CONTEXT_FIELD)
        .expect("reported");
    assert_eq!(d.severity, Severity::Warning);
    assert!(d.span.slice(&t).is_some_and(|s| s.contains("Nme")));
}

#[test]
fn map_item_inside_the_processor_is_reported() {
    let t = machine(
        r#""A": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {"v.$": "$$.Map.Item.Value"}, "End": true}}}, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::MAP_CONTEXT_OUTSIDE_SELECTOR),
        [r#""$$.Map.Item.Value""#]
    );
}

#[test]
fn map_item_in_the_item_selector_is_fine() {
    let t = machine(
        r#""A": {"Type": "Map", "ItemSelector": {"v.$": "$$.Map.Item.Value"}, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#,
    );
    assert!(!run(&t, &Options::default()).has_errors());
}

#[test]
fn bare_word_in_a_filter_is_read_as_a_string() {
    let t = machine(
        r#""A": {"Type": "Pass", "Parameters": {"v.$": "$.xs[?(@.k == Blue)]"}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::FILTER_BARE_WORD), ["Blue"]);
    assert!(!run(&t, &Options::default()).has_errors());
}

#[test]
fn unclosed_intrinsic_call_is_invalid() {
    let t = machine(r#""A": {"Type": "Pass", "Parameters": {"v.$": "States.UUID("}, "End": true}"#);
    assert_eq!(culprits(&t, codes::INVALID_INTRINSIC).len(), 1);
}

#[test]
fn unknown_intrinsic_points_at_the_name() {
    let t =
        machine(r#""A": {"Type": "Pass", "Parameters": {"v.$": "States.Uuid()"}, "End": true}"#);
    assert_eq!(culprits(&t, codes::UNKNOWN_INTRINSIC), ["States.Uuid"]);
    assert_eq!(
        help_of(&t, codes::UNKNOWN_INTRINSIC).as_deref(),
        Some("did you mean `States.UUID`?")
    );
}

#[test]
fn intrinsic_with_too_many_arguments_is_reported() {
    let t =
        machine(r#""A": {"Type": "Pass", "Parameters": {"v.$": "States.UUID(1)"}, "End": true}"#);
    assert_eq!(culprits(&t, codes::INTRINSIC_ARITY), ["States.UUID(1)"]);
}

#[test]
fn eleven_nested_calls_exceed_the_limit() {
    let call = format!("{}1{}", "States.Array(".repeat(11), ")".repeat(11));
    let t = machine(&format!(
        r#""A": {{"Type": "Pass", "Parameters": {{"v.$": "{call}"}}, "End": true}}"#
    ));
    assert_eq!(culprits(&t, codes::INTRINSIC_NESTING).len(), 1);
    let call = format!("{}1{}", "States.Array(".repeat(10), ")".repeat(10));
    let t = machine(&format!(
        r#""A": {{"Type": "Pass", "Parameters": {{"v.$": "{call}"}}, "End": true}}"#
    ));
    assert!(culprits(&t, codes::INTRINSIC_NESTING).is_empty());
}

#[test]
fn heartbeat_at_the_default_timeout_is_reported() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:a", "HeartbeatSeconds": 99999999, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::HEARTBEAT_NOT_BELOW_TIMEOUT),
        ["99999999"]
    );
}

#[test]
fn heartbeat_below_the_timeout_is_fine() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:a", "TimeoutSeconds": 100, "HeartbeatSeconds": 99, "End": true}"#,
    );
    assert!(culprits(&t, codes::HEARTBEAT_NOT_BELOW_TIMEOUT).is_empty());
}

#[test]
fn zero_timeout_is_out_of_range() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "TimeoutSeconds": 0, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::SECONDS_RANGE), ["0"]);
}

#[test]
fn timestamp_without_zone_is_malformed() {
    let t = machine(r#""A": {"Type": "Wait", "Timestamp": "2024-05-01T10:00:00", "End": true}"#);
    assert_eq!(culprits(&t, codes::INVALID_TIMESTAMP).len(), 1);
}

#[test]
fn wait_keeps_each_of_its_forms() {
    use crate::model::{StateKind, WaitDuration};
    for (field, value) in [
        ("Seconds", "3"),
        ("SecondsPath", r#""$.s""#),
        ("Timestamp", r#""2024-05-01T10:00:00Z""#),
        ("TimestampPath", r#""$.t""#),
    ] {
        let t = machine(&format!(
            r#""A": {{"Type": "Wait", "{field}": {value}, "End": true}}"#
        ));
        let m = run(&t, &Options::default()).machine.expect("model");
        let StateKind::Wait(w) = &m.states.list[0].kind else {
            panic!("not a wait")
        };
        let ok = matches!(
            (&w.duration, field),
            (WaitDuration::Seconds(_), "Seconds")
                | (WaitDuration::SecondsPath(_), "SecondsPath")
                | (WaitDuration::Timestamp(_), "Timestamp")
                | (WaitDuration::TimestampPath(_), "TimestampPath")
        );
        assert!(ok, "{field}: {:?}", w.duration);
    }
}

#[test]
fn states_all_with_company_is_reported_on_states_all() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Retry": [{"ErrorEquals": ["X", "States.ALL"]}], "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::STATES_ALL_NOT_ALONE),
        [r#""States.ALL""#]
    );
}

#[test]
fn states_all_retrier_before_another_is_reported() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Retry": [{"ErrorEquals": ["States.ALL"]}, {"ErrorEquals": ["X"]}], "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::STATES_ALL_NOT_LAST),
        [r#""States.ALL""#]
    );
}

#[test]
fn misspelled_predefined_error_suggests_the_real_one() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Retry": [{"ErrorEquals": ["States.TaskFailure"]}], "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::UNKNOWN_STATES_ERROR),
        [r#""States.TaskFailure""#]
    );
    assert_eq!(
        help_of(&t, codes::UNKNOWN_STATES_ERROR).as_deref(),
        Some("did you mean `States.TaskFailed`?")
    );
}

#[test]
fn empty_error_equals_points_at_the_array() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Retry": [{"ErrorEquals": []}], "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::EMPTY_ERROR_EQUALS), ["[]"]);
}

#[test]
fn negative_max_attempts_is_out_of_range() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Retry": [{"ErrorEquals": ["X"], "MaxAttempts": -2}], "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::RETRY_RANGE), ["-2"]);
}

#[test]
fn catching_states_runtime_is_a_warning() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Catch": [{"ErrorEquals": ["States.Runtime"], "Next": "B"}], "End": true}, "B": {"Type": "Succeed"}"#,
    );
    assert_eq!(
        culprits(&t, codes::UNCATCHABLE_ERROR),
        [r#""States.Runtime""#]
    );
}

#[test]
fn callback_without_token_points_at_the_resource() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken", "TimeoutSeconds": 60, "Parameters": {"TopicArn": "t", "Message": "m"}, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::MISSING_TASK_TOKEN),
        [r#""arn:aws:states:::sns:publish.waitForTaskToken""#]
    );
}

#[test]
fn callback_passing_the_token_nested_in_the_request_is_fine() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken", "TimeoutSeconds": 60, "Parameters": {"TopicArn": "t", "Message": {"token.$": "$$.Task.Token"}}, "End": true}"#,
    );
    assert!(culprits(&t, codes::MISSING_TASK_TOKEN).is_empty());
}

#[test]
fn jsonata_callback_passing_the_token_is_fine() {
    let t = machine(
        r#""A": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:states:::sns:publish.waitForTaskToken", "TimeoutSeconds": 60, "Arguments": {"TopicArn": "t", "Message": "{% $states.context.Task.Token %}"}, "End": true}"#,
    );
    assert!(culprits(&t, codes::MISSING_TASK_TOKEN).is_empty());
}

#[test]
fn task_token_in_a_request_response_task_is_reported() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": {"TopicArn": "t", "Message.$": "$$.Task.Token"}, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::TASK_TOKEN_UNAVAILABLE),
        [r#""$$.Task.Token""#]
    );
}

#[test]
fn variable_assigned_only_later_is_read_too_early() {
    let t = machine(
        r#""A": {"Type": "Pass", "Parameters": {"v.$": "$late"}, "Next": "B"}, "B": {"Type": "Pass", "Assign": {"late": 1}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::VARIABLE_NOT_ASSIGNED), [r#""$late""#]);
}

#[test]
fn variable_assigned_on_one_branch_of_a_choice_may_be_set() {
    let t = machine(
        r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "IsPresent": true, "Assign": {"v": 1}, "Next": "B"}], "Default": "B"}, "B": {"Type": "Pass", "Parameters": {"v.$": "$v"}, "End": true}"#,
    );
    assert!(culprits(&t, codes::VARIABLE_NOT_ASSIGNED).is_empty());
}

#[test]
fn variable_read_in_the_assigning_state_sees_the_old_value() {
    let t = machine(r#""A": {"Type": "Pass", "Assign": {"n": 1, "m.$": "$n"}, "End": true}"#);
    assert_eq!(culprits(&t, codes::VARIABLE_NOT_ASSIGNED), [r#""$n""#]);
}

#[test]
fn map_iteration_reads_outer_variables() {
    let t = machine(
        r#""A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "M"}, "M": {"Type": "Map", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {"n.$": "$n"}, "End": true}}}, "End": true}"#,
    );
    assert!(culprits(&t, codes::VARIABLE_NOT_ASSIGNED).is_empty());
}

#[test]
fn distributed_map_cannot_read_outer_variables() {
    let t = machine(
        r#""A": {"Type": "Pass", "Assign": {"n": 1}, "Next": "M"}, "M": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}, "StartAt": "B", "States": {"B": {"Type": "Pass", "Parameters": {"n.$": "$n"}, "End": true}}}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::VARIABLE_NOT_ASSIGNED), [r#""$n""#]);
}

#[test]
fn jsonata_reads_are_found_in_expression_text() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $missing + $states.input.x %}", "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::VARIABLE_NOT_ASSIGNED),
        [r#""{% $missing + $states.input.x %}""#]
    );
}

#[test]
fn variable_name_starting_with_a_digit_is_invalid() {
    let t = machine(r#""A": {"Type": "Pass", "Assign": {"9lives": 1}, "End": true}"#);
    assert_eq!(culprits(&t, codes::INVALID_VARIABLE_NAME), [r#""9lives""#]);
}

#[test]
fn assigning_states_is_invalid() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Assign": {"states": 1}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::INVALID_VARIABLE_NAME), [r#""states""#]);
}

#[test]
fn branch_assigning_an_outer_variable_is_reported() {
    let t = machine(
        r#""A": {"Type": "Pass", "Assign": {"x": 1}, "Next": "P"}, "P": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Pass", "Assign": {"x": 2}, "End": true}}}], "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::VARIABLE_SHADOWS_OUTER), [r#""x""#]);
}

#[test]
fn label_with_a_space_is_invalid() {
    let t = machine(
        r#""A": {"Type": "Map", "Label": "a b", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::LABEL), [r#""a b""#]);
}

#[test]
fn tolerated_percentage_over_a_hundred_is_out_of_range() {
    let t = machine(
        r#""A": {"Type": "Map", "ToleratedFailurePercentage": 101, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::VALUE_RANGE), ["101"]);
}

#[test]
fn every_jsonata_expression_gets_a_note() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"a": "{% 1 %}", "b": ["{% 2 %}"]}, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::JSONATA_UNCHECKED),
        [r#""{% 1 %}""#, r#""{% 2 %}""#]
    );
}

#[test]
fn double_dollar_in_jsonata_is_misuse() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $$.Execution.Id %}", "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::JSONATA_MISUSE),
        [r#""{% $$.Execution.Id %}""#]
    );
}

#[test]
fn express_machine_cannot_run_a_distributed_map() {
    let t = machine(
        r#""A": {"Type": "Map", "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"}, "StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#,
    );
    let express = Options {
        express: true,
        ..Options::default()
    };
    assert_eq!(
        culprits_with(&t, codes::EXPRESS_UNSUPPORTED, &express),
        [r#""DISTRIBUTED""#]
    );
    assert!(culprits(&t, codes::EXPRESS_UNSUPPORTED).is_empty());
}

#[test]
fn parameters_string_on_a_map_is_only_a_warning() {
    let t = machine(
        r#""A": {"Type": "Map", "Parameters": "$.x", "Iterator": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::TEMPLATE_NOT_OBJECT), [r#""$.x""#]);
    assert!(!run(&t, &Options::default()).has_errors());
}

#[test]
fn credentials_without_role_is_a_warning() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Credentials": {"x": 1}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::CREDENTIALS_ROLE), [r#"{"x": 1}"#]);
}

#[test]
fn parallel_branches_are_nested_machines() {
    let t = machine(
        r#""A": {"Type": "Parallel", "Branches": [{"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, {"StartAt": "C", "States": {"C": {"Type": "Fail", "Error": "E"}}}], "End": true}"#,
    );
    let m = run(&t, &Options::default()).machine.expect("model");
    let crate::model::StateKind::Parallel(p) = &m.states.list[0].kind else {
        panic!("not parallel")
    };
    let starts: Vec<&str> = p.branches.iter().map(|b| b.start_at.value).collect();
    assert_eq!(starts, ["B", "C"]);
}

#[test]
fn result_in_arguments_is_misuse() {
    let t = machine(
        r#""A": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Arguments": {"x": "{% $states.result %}"}, "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::JSONATA_MISUSE),
        [r#""{% $states.result %}""#]
    );
}

#[test]
fn result_in_output_is_fine() {
    let t = machine(
        r#""A": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Output": "{% $states.result.Payload %}", "End": true}"#,
    );
    assert!(culprits(&t, codes::JSONATA_MISUSE).is_empty());
}

#[test]
fn error_output_outside_a_catcher_is_misuse() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.errorOutput %}", "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::JSONATA_MISUSE),
        [r#""{% $states.errorOutput %}""#]
    );
}

#[test]
fn error_output_in_a_catcher_is_fine() {
    let t = machine(
        r#""A": {"Type": "Task", "QueryLanguage": "JSONata", "Resource": "arn:aws:lambda:us-east-1:1:function:f", "Catch": [{"ErrorEquals": ["States.ALL"], "Output": "{% $states.errorOutput %}", "Next": "B"}], "End": true}, "B": {"Type": "Succeed"}"#,
    );
    assert!(culprits(&t, codes::JSONATA_MISUSE).is_empty());
}

#[test]
fn jsonata_syntax_error_points_inside_the_expression() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 + * 2 %}", "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::JSONATA_SYNTAX), ["2"]);
}

#[test]
fn jsonata_with_an_unclosed_call_is_a_syntax_error() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"n": "{% $count($states.input.xs %}"}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::JSONATA_SYNTAX).len(), 1);
}

#[test]
fn half_framed_jsonata_string_is_reported() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input", "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::JSONATA_DELIMITERS),
        [r#""{% $states.input""#]
    );
}

#[test]
fn plain_strings_in_jsonata_states_are_literals() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": {"s": "100% sure"}, "End": true}"#,
    );
    assert!(culprits(&t, codes::JSONATA_DELIMITERS).is_empty());
}

#[test]
fn resource_that_is_not_a_uri_is_invalid() {
    let t = machine(r#""A": {"Type": "Task", "Resource": "my-function", "End": true}"#);
    assert_eq!(culprits(&t, codes::INVALID_RESOURCE).len(), 1);
}

#[test]
fn lambda_alias_with_stray_characters_is_invalid() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f:pr*d", "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::INVALID_RESOURCE), ["pr*d"]);
}

#[test]
fn lambda_latest_version_is_fine() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:lambda:us-east-1:1:function:f:$LATEST", "End": true}"#,
    );
    assert!(culprits(&t, codes::INVALID_RESOURCE).is_empty());
}

#[test]
fn other_uri_resources_are_only_a_warning() {
    let t = machine(r#""A": {"Type": "Task", "Resource": "foo:bar", "End": true}"#);
    assert_eq!(culprits(&t, codes::NON_ARN_RESOURCE), [r#""foo:bar""#]);
    assert!(!run(&t, &Options::default()).has_errors());
}

#[test]
fn unclosed_placeholder_in_resource_is_invalid() {
    let t = machine(r#""A": {"Type": "Task", "Resource": "${FunctionArn", "End": true}"#);
    assert_eq!(culprits(&t, codes::INVALID_RESOURCE), ["${FunctionArn"]);
}

#[test]
fn dollar_input_in_jsonata_is_misuse() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $.order.id %}", "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::JSONATA_MISUSE),
        [r#""{% $.order.id %}""#]
    );
}

#[test]
fn map_labels_must_be_unique() {
    let t = machine(
        r#""A": {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "Next": "C"}, "C": {"Type": "Map", "Label": "L", "ItemProcessor": {"StartAt": "D", "States": {"D": {"Type": "Succeed"}}}, "End": true}"#,
    );
    let found = culprits(&t, codes::LABEL);
    assert_eq!(found, [r#""L""#]);
    let a = run(&t, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::LABEL)
        .expect("reported");
    assert_eq!(d.span.start, t.rfind(r#""L""#).expect("second label"));
}

#[test]
fn dollar_signs_inside_jsonata_strings_are_text() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 'costs $$ ' & $states.input.price %}", "End": true}"#,
    );
    assert!(culprits(&t, codes::JSONATA_MISUSE).is_empty());
}

#[test]
fn path_under_a_plain_key_is_flagged_as_literal() {
    let t = machine(r#""A": {"Type": "Pass", "Parameters": {"n": {"id": "$.id"}}, "End": true}"#);
    assert_eq!(culprits(&t, codes::LITERAL_LOOKS_DYNAMIC), [r#""$.id""#]);
}

#[test]
fn pass_result_is_never_evaluated() {
    let t = machine(r#""A": {"Type": "Pass", "Result": {"id": "$.id", "x.$": 1}, "End": true}"#);
    let a = run(&t, &Options::default());
    assert!(a.diagnostics.is_empty(), "{:?}", a.diagnostics);
}

#[test]
fn jsonata_lambda_parameters_are_not_variables() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $map($states.input.xs, λ($x) { $x * 2 }) %}", "End": true}"#,
    );
    assert!(culprits(&t, codes::VARIABLE_NOT_ASSIGNED).is_empty());
}

#[test]
fn jsonata_positional_bindings_are_not_variables() {
    let t = machine(
        r#""A": {"Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% $states.input.xs#$i[$i > 0] %}", "End": true}"#,
    );
    assert!(culprits(&t, codes::VARIABLE_NOT_ASSIGNED).is_empty());
}

#[test]
fn null_items_path_is_a_warning_on_the_null() {
    let t = machine(
        r#""A": {"Type": "Map", "ItemsPath": null, "ItemProcessor": {"StartAt": "B", "States": {"B": {"Type": "Succeed"}}}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::NULL_ITEMS_PATH), ["null"]);
}

#[test]
fn non_string_intrinsic_in_cause_path_points_at_the_name() {
    let t = machine(r#""A": {"Type": "Fail", "CausePath": "States.ArrayLength($.e)"}"#);
    assert_eq!(
        culprits(&t, codes::INTRINSIC_NOT_ALLOWED),
        ["States.ArrayLength"]
    );
}

#[test]
fn activity_without_any_timeout_points_at_the_resource() {
    let t = machine(
        r#""A": {"Type": "Task", "Resource": "arn:aws:states:us-east-1:1:activity:a", "End": true}"#,
    );
    assert_eq!(
        culprits(&t, codes::CALLBACK_WITHOUT_TIMEOUT),
        [r#""arn:aws:states:us-east-1:1:activity:a""#]
    );
}

#[test]
fn wildcard_in_result_path_points_at_the_wildcard() {
    let t = machine(r#""A": {"Type": "Pass", "ResultPath": "$.a[*]", "End": true}"#);
    let found = culprits(&t, codes::REFERENCE_PATH_REQUIRED);
    assert_eq!(found.len(), 1);
    assert!(found[0].contains('*'), "{found:?}");
}

#[test]
fn both_next_and_end_points_at_end() {
    let t = machine(r#""A": {"Type": "Pass", "Next": "B", "End": true}, "B": {"Type": "Succeed"}"#);
    let found = culprits(&t, codes::NEXT_OR_END);
    assert!(found == [r#""End""#] || found == ["true"], "{found:?}");
}

#[test]
fn choice_rule_without_operator_points_at_the_rule() {
    let t = machine(
        r#""A": {"Type": "Choice", "Choices": [{"Variable": "$.x", "Next": "B"}]}, "B": {"Type": "Succeed"}"#,
    );
    assert_eq!(
        culprits(&t, codes::CHOICE_OPERATOR),
        [r#"{"Variable": "$.x", "Next": "B"}"#]
    );
}

#[test]
fn nested_next_points_at_the_nested_next() {
    let t = machine(
        r#""A": {"Type": "Choice", "Choices": [{"Not": {"Variable": "$.a", "IsNull": true, "Next": "B"}, "Next": "B"}]}, "B": {"Type": "Succeed"}"#,
    );
    let a = run(&t, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::NESTED_CHOICE_NEXT)
        .expect("reported");
    let first_next = t.find(r#""Next""#).expect("next");
    assert_eq!(d.span.start, first_next);
}

#[test]
fn unknown_hash_algorithm_is_reported_with_a_suggestion() {
    let t = machine(
        r#""A": {"Type": "Pass", "Parameters": {"h.$": "States.Hash($.d, 'SHA256')"}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::INTRINSIC_ARITY), ["'SHA256'"]);
    assert_eq!(
        help_of(&t, codes::INTRINSIC_ARITY).as_deref(),
        Some("did you mean `SHA-256`?")
    );
}

#[test]
fn array_range_over_a_thousand_items_is_reported() {
    let t = machine(
        r#""A": {"Type": "Pass", "Parameters": {"r.$": "States.ArrayRange(1, 5000, 1)"}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::INTRINSIC_ARITY).len(), 1);
    let t = machine(
        r#""A": {"Type": "Pass", "Parameters": {"r.$": "States.ArrayRange(1, 1000, 1)"}, "End": true}"#,
    );
    assert!(culprits(&t, codes::INTRINSIC_ARITY).is_empty());
}

#[test]
fn deep_json_merge_is_reported() {
    let t = machine(
        r#""A": {"Type": "Pass", "Parameters": {"m.$": "States.JsonMerge($.a, $.b, true)"}, "End": true}"#,
    );
    assert_eq!(culprits(&t, codes::INTRINSIC_ARITY), ["true"]);
}
