//! Task states of generated machines: the three integration patterns, retries, catchers,
//! heartbeats and timeouts, on tokio's paused clock.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl::runtime::execution::{ExecutionResult, Runtime};
use asl::runtime::integration::{CatchAll, RequestResponse, TaskCall, TaskFailure};
use serde_json::{Value, json};

asl::asl! {
    /// Charges a card through a Lambda function, retrying throttling, catching declines.
    pub struct Charge; {
        "StartAt": "ChargeCard",
        "States": {
            "ChargeCard": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge-card",
                "Parameters": { "amount.$": "$.amount", "state.$": "$$.State.Name" },
                "ResultPath": "$.receipt",
                "Retry": [
                    { "ErrorEquals": ["Card.Throttled"], "IntervalSeconds": 2, "BackoffRate": 2, "MaxAttempts": 3 }
                ],
                "Catch": [
                    { "ErrorEquals": ["Card.Declined"], "ResultPath": "$.failure", "Next": "Declined" }
                ],
                "End": true
            },
            "Declined": { "Type": "Pass", "End": true }
        }
    }
}

/// A handler that fails with `error` for the first `failures` calls, then answers.
fn flaky(
    failures: usize,
    error: &'static str,
) -> (CatchAll<impl asl::runtime::TaskHandler>, Arc<AtomicUsize>) {
    let calls = Arc::new(AtomicUsize::new(0));
    let counter = Arc::clone(&calls);
    let handler = move |call: TaskCall| {
        let n = counter.fetch_add(1, Ordering::SeqCst);
        async move {
            if n < failures {
                Err(TaskFailure::new(error, "try again"))
            } else {
                Ok(json!({ "charged": call.parameters["amount"], "by": call.parameters["state"] }))
            }
        }
    };
    (CatchAll(handler), calls)
}

#[tokio::test(start_paused = true)]
async fn a_request_response_result_lands_at_the_result_path() {
    let (handler, _) = flaky(0, "none");
    let result = Charge::run(&Runtime::new(), Arc::new(handler), json!({ "amount": 12 })).await;
    assert_eq!(
        result.output(),
        Some(&json!({ "amount": 12, "receipt": { "charged": 12, "by": "ChargeCard" } }))
    );
}

#[tokio::test(start_paused = true)]
async fn a_retried_error_waits_with_backoff_then_succeeds() {
    let (handler, calls) = flaky(2, "Card.Throttled");
    let started = tokio::time::Instant::now();
    let result = Charge::run(&Runtime::new(), Arc::new(handler), json!({ "amount": 5 })).await;
    assert_eq!(result.status(), "SUCCEEDED");
    assert_eq!(calls.load(Ordering::SeqCst), 3);
    // 2 s before the first retry, 4 s before the second.
    assert_eq!(started.elapsed(), Duration::from_secs(6));
}

#[tokio::test(start_paused = true)]
async fn retries_exhausted_fail_the_execution_with_the_error_name() {
    let (handler, calls) = flaky(10, "Card.Throttled");
    let result = Charge::run(&Runtime::new(), Arc::new(handler), json!({ "amount": 5 })).await;
    assert_eq!(result.error(), Some("Card.Throttled"));
    assert_eq!(calls.load(Ordering::SeqCst), 4);
}

#[tokio::test(start_paused = true)]
async fn a_caught_error_goes_to_the_catchers_next_with_the_error_output() {
    let (handler, _) = flaky(10, "Card.Declined");
    let result = Charge::run(&Runtime::new(), Arc::new(handler), json!({ "amount": 5 })).await;
    assert_eq!(
        result.output(),
        Some(
            &json!({ "amount": 5, "failure": { "Error": "Card.Declined", "Cause": "try again" } })
        )
    );
}

asl::asl! {
    /// Two different integrations: a typed implementation must provide both methods.
    pub struct Notify; {
        "StartAt": "Publish",
        "States": {
            "Publish": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message.$": "$.text" },
                "ResultPath": "$.published",
                "Next": "Enqueue"
            },
            "Enqueue": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": { "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody.$": "$.text" },
                "ResultPath": "$.queued",
                "End": true
            }
        }
    }
}

#[derive(Default)]
struct Services {
    seen: Mutex<Vec<String>>,
}

impl NotifyIntegrations for Services {
    async fn sns_publish(&self, call: RequestResponse) -> Result<Value, TaskFailure> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(format!("sns:{}", call.parameters()["Message"]));
        }
        Ok(json!({ "MessageId": "m-1" }))
    }

    async fn sqs_send_message(&self, call: RequestResponse) -> Result<Value, TaskFailure> {
        if let Ok(mut seen) = self.seen.lock() {
            seen.push(format!("sqs:{}", call.parameters()["MessageBody"]));
        }
        Ok(json!({ "MessageId": "q-1" }))
    }
}

#[tokio::test(start_paused = true)]
async fn each_resource_is_called_through_its_own_method() {
    let services = Arc::new(Services::default());
    let result = Notify::run(
        &Runtime::new(),
        Arc::clone(&services),
        json!({ "text": "hi" }),
    )
    .await;
    assert_eq!(result.status(), "SUCCEEDED");
    let seen = services.seen.lock().map(|s| s.clone()).unwrap_or_default();
    assert_eq!(
        seen,
        vec![r#"sns:"hi""#.to_owned(), r#"sqs:"hi""#.to_owned()]
    );
}

asl::asl! {
    /// Waits for a worker to answer a task token; escalates when the worker goes silent.
    pub struct Approve; {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                    "MessageBody": { "token.$": "$$.Task.Token" }
                },
                "HeartbeatSeconds": 10,
                "TimeoutSeconds": 100,
                "Catch": [ { "ErrorEquals": ["States.Timeout"], "ResultPath": "$.timedOut", "Next": "Escalate" } ],
                "End": true
            },
            "Escalate": { "Type": "Pass", "Result": "escalated", "End": true }
        }
    }
}

/// A callback handler that hands each token to `tokens` (the "queue").
fn queue() -> (
    CatchAll<impl asl::runtime::TaskHandler>,
    Arc<Mutex<Vec<String>>>,
) {
    let tokens = Arc::new(Mutex::new(Vec::new()));
    let sink = Arc::clone(&tokens);
    let handler = move |call: TaskCall| {
        if let (Some(token), Ok(mut sink)) = (
            call.parameters["MessageBody"]["token"].as_str(),
            sink.lock(),
        ) {
            sink.push(token.to_owned());
        }
        async { Ok(Value::Null) }
    };
    (CatchAll(handler), tokens)
}

async fn next_token(tokens: &Mutex<Vec<String>>) -> String {
    loop {
        if let Some(token) = tokens.lock().ok().and_then(|mut t| t.pop()) {
            return token;
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

#[tokio::test(start_paused = true)]
async fn a_callback_task_resumes_with_the_workers_output() {
    let runtime = Runtime::new();
    let (handler, tokens) = queue();
    let execution = Approve::start(&runtime, Arc::new(handler), json!({}));
    let token = next_token(&tokens).await;
    for _ in 0..3 {
        tokio::time::sleep(Duration::from_secs(8)).await;
        assert_eq!(runtime.task_tokens().send_task_heartbeat(&token), Ok(()));
    }
    assert_eq!(
        runtime
            .task_tokens()
            .send_task_success(&token, json!({ "ok": true })),
        Ok(())
    );
    assert_eq!(
        execution.result().await,
        ExecutionResult::Succeeded {
            output: json!({ "ok": true })
        }
    );
}

#[tokio::test(start_paused = true)]
async fn a_missed_heartbeat_is_caught_as_states_timeout() {
    let runtime = Runtime::new();
    let (handler, _tokens) = queue();
    let started = tokio::time::Instant::now();
    let result = Approve::run(&runtime, Arc::new(handler), json!({})).await;
    assert_eq!(result.output(), Some(&json!("escalated")));
    assert_eq!(started.elapsed(), Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn send_task_failure_fails_the_execution_with_the_workers_error() {
    let runtime = Runtime::new();
    let (handler, tokens) = queue();
    let execution = Approve::start(&runtime, Arc::new(handler), json!({}));
    let token = next_token(&tokens).await;
    let answered =
        runtime
            .task_tokens()
            .send_task_failure(&token, Some("Approval.Denied"), Some("no"));
    assert_eq!(answered, Ok(()));
    let result = execution.result().await;
    assert_eq!(result.error(), Some("Approval.Denied"));
    assert_eq!(result.cause(), Some("no"));
}

asl::asl! {
    /// Calls a function in another account with a role taken from the input.
    pub struct CrossAccount; {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:audit",
                "Credentials": { "RoleArn.$": "$.role" },
                "End": true
            }
        }
    }
}

#[tokio::test(start_paused = true)]
async fn credentials_are_evaluated_and_handed_to_the_integration() {
    let handler =
        CatchAll(|call: TaskCall| async move { Ok(call.credentials.unwrap_or(Value::Null)) });
    let input = json!({ "role": "arn:aws:iam::210987654321:role/auditor" });
    let result = CrossAccount::run(&Runtime::new(), Arc::new(handler), input).await;
    assert_eq!(
        result.output(),
        Some(&json!({ "RoleArn": "arn:aws:iam::210987654321:role/auditor" }))
    );
}
