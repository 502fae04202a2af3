//! Data flow through generated machines: variables, Fail paths, timestamps, Choice assignments.

use std::sync::Arc;

use asl::runtime::execution::Runtime;
use serde_json::json;

asl::asl! {
    /// Remembers a discount in a variable and applies it two states later.
    pub struct Discount; {
        "StartAt": "Remember",
        "States": {
            "Remember": {
                "Type": "Pass",
                "Assign": { "rate.$": "$.rate", "customer.$": "$.customer" },
                "Next": "Decide"
            },
            "Decide": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Variable": "$rate",
                        "NumericGreaterThan": 0.5,
                        "Assign": { "verdict": "too generous" },
                        "Next": "Refuse"
                    }
                ],
                "Default": "Apply"
            },
            "Apply": {
                "Type": "Pass",
                "Parameters": { "customer.$": "$customer", "rate.$": "$rate" },
                "End": true
            },
            "Refuse": {
                "Type": "Fail",
                "ErrorPath": "States.Format('Discount.{}', $customer)",
                "CausePath": "$verdict"
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn assigned_variables_are_read_by_later_states() {
    let input = json!({ "rate": 0.1, "customer": "ada" });
    let result = Discount::run(&Runtime::new(), Arc::new(()), input).await;
    assert_eq!(
        result.output(),
        Some(&json!({ "customer": "ada", "rate": 0.1 }))
    );
}

#[tokio::test(start_paused = true)]
async fn a_choice_rules_assign_feeds_the_fail_states_cause_path() {
    let input = json!({ "rate": 0.9, "customer": "bob" });
    let result = Discount::run(&Runtime::new(), Arc::new(()), input).await;
    assert_eq!(result.error(), Some("Discount.bob"));
    assert_eq!(result.cause(), Some("too generous"));
}

asl::asl! {
    /// Waits until a fixed instant, then compares timestamps.
    pub struct Deadline; {
        "StartAt": "UntilLaunch",
        "States": {
            "UntilLaunch": { "Type": "Wait", "Timestamp": "2020-01-01T00:00:00Z", "Next": "Late" },
            "Late": {
                "Type": "Choice",
                "Choices": [
                    { "Variable": "$.due", "TimestampLessThan": "2021-06-01T12:00:00+02:00", "Next": "Overdue" }
                ],
                "Default": "OnTime"
            },
            "Overdue": { "Type": "Pass", "Result": "overdue", "End": true },
            "OnTime": { "Type": "Pass", "Result": "on time", "End": true }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_wait_for_a_past_timestamp_continues_at_once() {
    let started = tokio::time::Instant::now();
    let result = Deadline::run(
        &Runtime::new(),
        Arc::new(()),
        json!({ "due": "2021-01-01T00:00:00Z" }),
    )
    .await;
    assert_eq!(result.output(), Some(&json!("overdue")));
    assert_eq!(started.elapsed().as_secs(), 0);
}

#[tokio::test(start_paused = true)]
async fn timestamp_rules_compare_instants_not_text() {
    // 10:30 UTC is before 12:00+02:00 (= 10:00 UTC)? No: it is after.
    let result = Deadline::run(
        &Runtime::new(),
        Arc::new(()),
        json!({ "due": "2021-06-01T10:30:00Z" }),
    )
    .await;
    assert_eq!(result.output(), Some(&json!("on time")));
}

asl::asl! {
    /// Waits as long as the input says.
    pub struct Snooze; {
        "StartAt": "Sleep",
        "States": {
            "Sleep": { "Type": "Wait", "SecondsPath": "$.seconds", "OutputPath": "$.seconds", "End": true }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn a_wait_reads_its_duration_from_the_input() {
    let started = tokio::time::Instant::now();
    let result = Snooze::run(&Runtime::new(), Arc::new(()), json!({ "seconds": 90 })).await;
    assert_eq!(result.output(), Some(&json!(90)));
    assert_eq!(started.elapsed().as_secs(), 90);
}
