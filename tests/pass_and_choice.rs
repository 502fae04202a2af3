//! Generated machines with no integrations: Pass, Choice, Wait, Succeed and Fail, run on
//! tokio's paused clock.

use std::sync::Arc;

use asl::runtime::execution::{ExecutionResult, Runtime};
use serde_json::json;

asl::asl! {
    /// Classifies an order by amount.
    pub struct Classify; {
        "StartAt": "Shape",
        "States": {
            "Shape": {
                "Type": "Pass",
                "Parameters": { "amount.$": "$.order.amount", "id.$": "$.order.id" },
                "Next": "BySize"
            },
            "BySize": {
                "Type": "Choice",
                "Choices": [
                    { "Variable": "$.amount", "NumericGreaterThanEquals": 1000, "Next": "Large" },
                    {
                        "And": [
                            { "Variable": "$.amount", "NumericGreaterThan": 0 },
                            { "Not": { "Variable": "$.id", "StringMatches": "test-*" } }
                        ],
                        "Next": "Small"
                    }
                ],
                "Default": "Rejected"
            },
            "Large": { "Type": "Pass", "Result": "large", "ResultPath": "$.size", "Next": "Cool" },
            "Cool": { "Type": "Wait", "Seconds": 3600, "Next": "Done" },
            "Small": { "Type": "Pass", "Result": "small", "ResultPath": "$.size", "Next": "Done" },
            "Done": { "Type": "Succeed" },
            "Rejected": { "Type": "Fail", "Error": "Order.Rejected", "Cause": "nothing to classify" }
        }
    }
}

async fn classify(order: serde_json::Value) -> ExecutionResult {
    Classify::run(&Runtime::new(), Arc::new(()), json!({ "order": order })).await
}

#[tokio::test(start_paused = true)]
async fn a_large_order_waits_an_hour_then_succeeds() {
    let started = tokio::time::Instant::now();
    let result = classify(json!({ "id": "o-1", "amount": 1500 })).await;
    assert_eq!(
        result,
        ExecutionResult::Succeeded {
            output: json!({ "amount": 1500, "id": "o-1", "size": "large" })
        }
    );
    assert_eq!(started.elapsed().as_secs(), 3600);
}

#[tokio::test(start_paused = true)]
async fn a_small_order_is_classified_without_waiting() {
    let result = classify(json!({ "id": "o-2", "amount": 20 })).await;
    assert_eq!(
        result.output(),
        Some(&json!({ "amount": 20, "id": "o-2", "size": "small" }))
    );
}

#[tokio::test(start_paused = true)]
async fn a_test_order_falls_through_to_the_fail_state() {
    let result = classify(json!({ "id": "test-9", "amount": 20 })).await;
    assert_eq!(result.error(), Some("Order.Rejected"));
    assert_eq!(result.cause(), Some("nothing to classify"));
}

#[tokio::test(start_paused = true)]
async fn a_missing_field_fails_with_states_runtime() {
    let result = classify(json!({ "id": "o-3" })).await;
    assert_eq!(result.error(), Some("States.Runtime"));
}
