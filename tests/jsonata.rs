//! JSONata states: `Output`, `Assign`, `Arguments`, Choice `Condition`s, Map `Items`,
//! expression-valued Wait `Seconds` and Fail `Cause`, catchers with `$states.errorOutput`, and
//! `States.QueryEvaluationError`.

use std::sync::Arc;

use asl::runtime::execution::{ExecutionResult, Runtime};
use asl::runtime::integration::{CatchAll, TaskCall, TaskFailure};
use serde_json::json;

asl::asl! {
    /// Totals an order, rejects large ones, doubles three numbers plus their index and waits.
    pub struct Totals; {
        "QueryLanguage": "JSONata",
        "StartAt": "Sum",
        "States": {
            "Sum": {
                "Type": "Pass",
                "Assign": { "limit": 100 },
                "Output": {
                    "total": "{% $sum($states.input.items.price) %}",
                    "id": "{% $uppercase($states.input.id) %}"
                },
                "Next": "Check"
            },
            "Check": {
                "Type": "Choice",
                "Choices": [
                    {
                        "Condition": "{% $states.input.total > $limit %}",
                        "Output": { "reason": "{% 'over ' & $string($limit) %}" },
                        "Next": "TooMuch"
                    }
                ],
                "Default": "Each"
            },
            "Each": {
                "Type": "Map",
                "Items": "{% [1, 2, 3] %}",
                "ItemSelector": "{% $states.context.Map.Item.Value + $states.context.Map.Item.Index %}",
                "MaxConcurrency": "{% 2 %}",
                "ItemProcessor": {
                    "StartAt": "Double",
                    "States": {
                        "Double": { "Type": "Pass", "Output": "{% $states.input * 2 %}", "End": true }
                    }
                },
                "Output": {
                    "doubled": "{% $states.result %}",
                    "id": "{% $states.input.id %}"
                },
                "Next": "Pause"
            },
            "Pause": { "Type": "Wait", "Seconds": "{% $limit / 20 %}", "End": true },
            "TooMuch": { "Type": "Fail", "Error": "Order.TooLarge", "Cause": "{% $states.input.reason %}" }
        }
    }
}

asl::asl! {
    /// Calls a function with JSONata arguments and recovers from any failure.
    pub struct Fetch; {
        "QueryLanguage": "JSONata",
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": {
                    "FunctionName": "lookup",
                    "Payload": { "key": "{% $states.input.key %}" }
                },
                "Output": "{% $states.result.Payload %}",
                "Catch": [
                    {
                        "ErrorEquals": ["States.ALL"],
                        "Assign": { "lastError": "{% $states.errorOutput.Error %}" },
                        "Output": { "failed": "{% $states.errorOutput.Error %}" },
                        "Next": "Recovered"
                    }
                ],
                "End": true
            },
            "Recovered": {
                "Type": "Pass",
                "Output": { "failed": "{% $states.input.failed %}", "seen": "{% $lastError %}" },
                "End": true
            }
        }
    }
}

asl::asl! {
    /// Reads a field that may be missing.
    pub struct Strict; {
        "QueryLanguage": "JSONata",
        "StartAt": "Read",
        "States": {
            "Read": { "Type": "Pass", "Output": { "value": "{% $states.input.missing %}" }, "End": true }
        }
    }
}

fn lookup() -> CatchAll<impl asl::runtime::TaskHandler> {
    CatchAll(|call: TaskCall| async move {
        let key = &call.parameters["Payload"]["key"];
        if key == "boom" {
            return Err(TaskFailure::new("Lookup.Failed", "no such key"));
        }
        Ok(json!({ "Payload": { "found": key } }))
    })
}

#[tokio::test(start_paused = true)]
async fn small_order_is_totalled_mapped_and_waits_the_computed_time() {
    let started = tokio::time::Instant::now();
    let input = json!({ "id": "o-1", "items": [{ "price": 10 }, { "price": 5.5 }] });
    let result = Totals::run(&Runtime::new(), Arc::new(()), input).await;
    assert_eq!(
        result,
        ExecutionResult::Succeeded {
            output: json!({ "doubled": [2, 6, 10], "id": "O-1" })
        }
    );
    assert_eq!(started.elapsed().as_secs(), 5);
}

#[tokio::test(start_paused = true)]
async fn condition_and_rule_output_lead_to_a_fail_with_a_computed_cause() {
    let input = json!({ "id": "o-2", "items": [{ "price": 150 }] });
    let result = Totals::run(&Runtime::new(), Arc::new(()), input).await;
    assert_eq!(
        result,
        ExecutionResult::Failed {
            error: Some("Order.TooLarge".into()),
            cause: Some("over 100".into())
        }
    );
}

#[tokio::test(start_paused = true)]
async fn task_arguments_and_output_are_expressions() {
    let result = Fetch::run(&Runtime::new(), Arc::new(lookup()), json!({ "key": "k-1" })).await;
    assert_eq!(
        result,
        ExecutionResult::Succeeded {
            output: json!({ "found": "k-1" })
        }
    );
}

#[tokio::test(start_paused = true)]
async fn catcher_output_and_assign_read_the_error_output() {
    let result = Fetch::run(
        &Runtime::new(),
        Arc::new(lookup()),
        json!({ "key": "boom" }),
    )
    .await;
    assert_eq!(
        result,
        ExecutionResult::Succeeded {
            output: json!({ "failed": "Lookup.Failed", "seen": "Lookup.Failed" })
        }
    );
}

#[tokio::test(start_paused = true)]
async fn an_undefined_result_fails_with_a_query_evaluation_error() {
    let result = Strict::run(&Runtime::new(), Arc::new(()), json!({})).await;
    let ExecutionResult::Failed { error, cause } = result else {
        panic!("{result:?}")
    };
    assert_eq!(error.as_deref(), Some("States.QueryEvaluationError"));
    let cause = cause.unwrap_or_default();
    assert!(
        cause.ends_with(
            "The JSONata expression '$states.input.missing' specified for the field 'Output/value' returned nothing (undefined)."
        ),
        "{cause}"
    );
    assert!(cause.contains("'Read'"), "{cause}");
}
