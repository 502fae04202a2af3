//! Map and Parallel states: their bodies are nested generated machines run concurrently.

use std::sync::Arc;

use asl::runtime::execution::Runtime;
use asl::runtime::integration::{CatchAll, TaskCall, TaskFailure};
use serde_json::json;

asl::asl! {
    /// Prices every line of an order, at most two at a time, and totals them in parallel.
    pub struct PriceOrder; {
        "StartAt": "PriceLines",
        "States": {
            "PriceLines": {
                "Type": "Map",
                "ItemsPath": "$.lines",
                "MaxConcurrency": 2,
                "ItemSelector": {
                    "index.$": "$$.Map.Item.Index",
                    "line.$": "$$.Map.Item.Value",
                    "currency.$": "$.currency"
                },
                "ItemProcessor": {
                    "StartAt": "Price",
                    "States": {
                        "Price": {
                            "Type": "Task",
                            "Resource": "arn:aws:lambda:us-east-1:123456789012:function:price",
                            "End": true
                        }
                    }
                },
                "ResultPath": "$.priced",
                "Next": "Summarise"
            },
            "Summarise": {
                "Type": "Parallel",
                "Branches": [
                    {
                        "StartAt": "Count",
                        "States": {
                            "Count": { "Type": "Pass", "Parameters": { "lines.$": "States.ArrayLength($.priced)" }, "End": true }
                        }
                    },
                    {
                        "StartAt": "First",
                        "States": {
                            "First": { "Type": "Pass", "InputPath": "$.priced[0]", "End": true }
                        }
                    }
                ],
                "End": true
            }
        }
    }
}

fn pricer() -> CatchAll<impl asl::runtime::TaskHandler> {
    CatchAll(|call: TaskCall| async move {
        let qty = call.parameters["line"]["qty"].as_f64().unwrap_or_default();
        if qty < 0.0 {
            return Err(TaskFailure::new("Price.Invalid", "negative quantity"));
        }
        Ok(json!({
            "index": call.parameters["index"],
            "total": qty * 10.0,
            "currency": call.parameters["currency"]
        }))
    })
}

#[tokio::test(start_paused = true)]
async fn map_results_keep_item_order_and_parallel_results_keep_branch_order() {
    let input = json!({ "currency": "EUR", "lines": [ { "qty": 1 }, { "qty": 3 }, { "qty": 2 } ] });
    let result = PriceOrder::run(&Runtime::new(), Arc::new(pricer()), input).await;
    assert_eq!(
        result.output(),
        Some(&json!([
            { "lines": 3 },
            { "index": 0, "total": 10.0, "currency": "EUR" }
        ]))
    );
}

#[tokio::test(start_paused = true)]
async fn a_failing_iteration_fails_the_execution_with_its_own_error() {
    let input = json!({ "currency": "EUR", "lines": [ { "qty": 1 }, { "qty": -1 } ] });
    let result = PriceOrder::run(&Runtime::new(), Arc::new(pricer()), input).await;
    assert_eq!(result.error(), Some("Price.Invalid"));
}

asl::asl! {
    /// A Map inside a Parallel inside a Map, with a Task at the bottom.
    pub struct Deep; {
        "StartAt": "Outer",
        "States": {
            "Outer": {
                "Type": "Map",
                "ItemProcessor": {
                    "StartAt": "Split",
                    "States": {
                        "Split": {
                            "Type": "Parallel",
                            "Branches": [
                                {
                                    "StartAt": "Inner",
                                    "States": {
                                        "Inner": {
                                            "Type": "Map",
                                            "ItemProcessor": {
                                                "StartAt": "Double",
                                                "States": {
                                                    "Double": {
                                                        "Type": "Task",
                                                        "Resource": "arn:aws:lambda:us-east-1:123456789012:function:double",
                                                        "End": true
                                                    }
                                                }
                                            },
                                            "End": true
                                        }
                                    }
                                },
                                {
                                    "StartAt": "Count",
                                    "States": {
                                        "Count": { "Type": "Pass", "Parameters": { "n.$": "States.ArrayLength($)" }, "End": true }
                                    }
                                }
                            ],
                            "End": true
                        }
                    }
                },
                "End": true
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn deeply_nested_machines_run_their_tasks() {
    let doubler = CatchAll(|call: TaskCall| async move {
        Ok(json!(call.parameters.as_i64().unwrap_or_default() * 2))
    });
    let result = Deep::run(&Runtime::new(), Arc::new(doubler), json!([[1, 2], [3]])).await;
    assert_eq!(
        result.output(),
        Some(&json!([[[2, 4], { "n": 2 }], [[6], { "n": 1 }]]))
    );
}
