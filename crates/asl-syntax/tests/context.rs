//! Checking `$$` paths against the context object's fields.

use asl_syntax::Span;
use asl_syntax::context::{CONTEXT_FIELDS, ContextField, ContextValueKind, check_context_path};
use asl_syntax::path::parse_path;

fn check(text: &str) -> Result<ContextField, asl_syntax::SyntaxError> {
    check_context_path(&parse_path(text).unwrap_or_else(|e| panic!("{text}: {e}")))
}

#[test]
fn every_documented_leaf_field_resolves() {
    for (text, field) in [
        ("$$.Execution.Id", ContextField::ExecutionId),
        ("$$.Execution.Name", ContextField::ExecutionName),
        ("$$.Execution.RoleArn", ContextField::ExecutionRoleArn),
        ("$$.Execution.StartTime", ContextField::ExecutionStartTime),
        (
            "$$.Execution.RedriveCount",
            ContextField::ExecutionRedriveCount,
        ),
        (
            "$$.Execution.RedriveTime",
            ContextField::ExecutionRedriveTime,
        ),
        ("$$.State.EnteredTime", ContextField::StateEnteredTime),
        ("$$.State.Name", ContextField::StateName),
        ("$$.State.RetryCount", ContextField::StateRetryCount),
        ("$$.StateMachine.Id", ContextField::StateMachineId),
        ("$$.StateMachine.Name", ContextField::StateMachineName),
        ("$$.Task.Token", ContextField::TaskToken),
        ("$$.Map.Item.Index", ContextField::MapItemIndex),
        ("$$.Map.Item.Key", ContextField::MapItemKey),
        ("$$.Map.Item.Source", ContextField::MapItemSource),
    ] {
        assert_eq!(check(text).unwrap(), field, "{text}");
        assert_eq!(format!("$$.{}", field.path()), text);
    }
}

#[test]
fn objects_themselves_can_be_read() {
    assert_eq!(check("$$").unwrap(), ContextField::Root);
    assert_eq!(check("$$.Execution").unwrap(), ContextField::Execution);
    assert_eq!(check("$$['Map']['Item']").unwrap(), ContextField::MapItem);
}

#[test]
fn anything_goes_below_execution_input_and_map_item_value() {
    assert_eq!(
        check("$$.Execution.Input.orders[*].id").unwrap(),
        ContextField::ExecutionInput
    );
    assert_eq!(
        check("$$.Map.Item.Value..price").unwrap(),
        ContextField::MapItemValue
    );
}

#[test]
fn unknown_field_is_reported_with_the_known_ones() {
    let e = check("$$.Execution.Idd").unwrap_err();
    assert!(e.message.contains("`Idd`"));
    assert!(e.message.contains("Id, Input, Name"));
    assert_eq!(e.span, Span::new(12, 16));
}

#[test]
fn field_names_are_case_sensitive() {
    assert!(check("$$.execution.Id").is_err());
}

#[test]
fn leaf_fields_have_no_children() {
    let e = check("$$.Task.Token.x").unwrap_err();
    assert!(e.message.contains("is a string"));
    assert_eq!(e.span, Span::new(13, 15));
}

#[test]
fn wildcards_over_known_objects_are_rejected() {
    assert!(
        check("$$.Execution.*")
            .unwrap_err()
            .message
            .contains("by name")
    );
}

#[test]
fn a_trailing_function_applies_to_the_field() {
    assert_eq!(
        check("$$.Execution.Name.length()").unwrap(),
        ContextField::ExecutionName
    );
}

#[test]
fn non_context_paths_are_rejected() {
    assert!(check("$.Execution").is_err());
}

#[test]
fn table_knows_kinds_and_map_only_fields() {
    assert_eq!(
        ContextField::StateEnteredTime.kind(),
        ContextValueKind::Timestamp
    );
    assert_eq!(ContextField::ExecutionInput.kind(), ContextValueKind::Json);
    assert!(ContextField::MapItemIndex.map_only());
    assert!(!ContextField::TaskToken.map_only());
    assert_eq!(CONTEXT_FIELDS.len(), 24);
}

#[test]
fn the_table_lists_fields_in_declaration_order_parents_first() {
    // `ContextField::info` indexes the table by discriminant (and searches only as a fallback).
    for (index, info) in CONTEXT_FIELDS.iter().enumerate() {
        assert_eq!(info.field as usize, index, "{:?}", info.field);
        assert_eq!(info.field.info(), info);
        // `check_context_path` looks for a field's children only after it.
        if let Some(parent) = info.parent {
            assert!((parent as usize) < index, "{:?}", info.field);
        }
    }
}
