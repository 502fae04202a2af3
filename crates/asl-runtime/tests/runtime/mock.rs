use std::sync::Arc;

use asl_runtime::mock::MockConfigError;
use asl_runtime::{MockConfig, Pattern, Retrier, TaskHandler, TaskSpec};
use serde_json::json;

use crate::common::{runtime, start_task};

const CONFIG: &str = r#"{
  "StateMachines": {
    "Orders": {
      "TestCases": {
        "Happy": {"Charge": "ChargeOk", "Notify": "NotifyOk"},
        "Flaky": {"Charge": "ChargeFlaky"}
      }
    }
  },
  "MockedResponses": {
    "ChargeOk": {"0": {"Return": {"StatusCode": 200, "Payload": {"paid": true}}}},
    "NotifyOk": {"0": {"Return": {"MessageId": "m-1"}}},
    "ChargeFlaky": {
      "0": {"Throw": {"Error": "Lambda.ServiceException", "Cause": "busy"}},
      "1-2": {"Throw": {"Error": "Lambda.TooManyRequestsException", "Cause": "slow down"}},
      "3": {"Return": {"StatusCode": 200, "Payload": {"paid": "eventually"}}}
    }
  }
}"#;

fn config() -> MockConfig {
    MockConfig::from_json(CONFIG).unwrap()
}

#[tokio::test(start_paused = true)]
async fn a_mocked_return_is_the_task_result() {
    let handler = Arc::new(config().handler("Orders", "Happy").unwrap());
    let rt = runtime();
    let spec = TaskSpec::new(
        "Charge",
        "arn:aws:states:::lambda:invoke",
        Pattern::RequestResponse,
    );
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let handler = Arc::clone(&handler);
        async move { handler.handle(call).await }
    });
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"StatusCode": 200, "Payload": {"paid": true}}))
    );
}

#[tokio::test(start_paused = true)]
async fn numbered_responses_answer_the_retries_in_order() {
    let handler = Arc::new(config().handler("Orders", "Flaky").unwrap());
    let rt = runtime();
    let spec = TaskSpec {
        retry: vec![Retrier::new(&["States.ALL"])],
        ..TaskSpec::new(
            "Charge",
            "arn:aws:states:::lambda:invoke",
            Pattern::RequestResponse,
        )
    };
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let handler = Arc::clone(&handler);
        async move { handler.handle(call).await }
    });
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"StatusCode": 200, "Payload": {"paid": "eventually"}}))
    );
}

#[tokio::test(start_paused = true)]
async fn a_thrown_error_is_matched_by_name() {
    let handler = Arc::new(config().handler("Orders", "Flaky").unwrap());
    let rt = runtime();
    let spec = TaskSpec::new(
        "Charge",
        "arn:aws:states:::lambda:invoke",
        Pattern::RequestResponse,
    );
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let handler = Arc::clone(&handler);
        async move { handler.handle(call).await }
    });
    let result = exec.result().await;
    assert_eq!(result.error(), Some("Lambda.ServiceException"));
    assert_eq!(result.cause(), Some("busy"));
}

#[tokio::test(start_paused = true)]
async fn a_mocked_callback_is_answered_at_once() {
    let handler = Arc::new(config().handler("Orders", "Happy").unwrap());
    let rt = runtime();
    let spec = TaskSpec::new(
        "Notify",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Pattern::Callback,
    );
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let handler = Arc::clone(&handler);
        async move { handler.handle(call).await }
    });
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"MessageId": "m-1"}))
    );
}

#[tokio::test(start_paused = true)]
async fn an_unmocked_state_fails_without_a_fallback() {
    let handler = Arc::new(config().handler("Orders", "Flaky").unwrap());
    let rt = runtime();
    let spec = TaskSpec::new(
        "Notify",
        "arn:aws:states:::sns:publish",
        Pattern::RequestResponse,
    );
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let handler = Arc::clone(&handler);
        async move { handler.handle(call).await }
    });
    assert_eq!(exec.result().await.error(), Some("States.Runtime"));
}

#[test]
fn an_unknown_test_case_is_rejected() {
    let err = config().handler("Orders", "Missing").unwrap_err();
    assert!(err.message.contains("Missing"), "{err}");
}

#[test]
fn gaps_in_invocation_numbers_are_rejected() {
    let text = r#"{"MockedResponses": {"R": {"0": {"Return": 1}, "2": {"Return": 2}}}}"#;
    let err: MockConfigError = MockConfig::from_json(text).unwrap_err();
    assert_eq!(err.location, "MockedResponses.R");
    assert!(err.message.contains("consecutively"), "{err}");
}

#[test]
fn a_test_case_naming_an_undefined_response_is_rejected() {
    let text =
        r#"{"StateMachines": {"M": {"TestCases": {"T": {"S": "Nope"}}}}, "MockedResponses": {}}"#;
    let err = MockConfig::from_json(text).unwrap_err();
    assert_eq!(err.location, "StateMachines.M.TestCases.T.S");
}

#[test]
fn an_entry_with_both_return_and_throw_is_rejected() {
    let text = r#"{"MockedResponses": {"R": {"0": {"Return": 1, "Throw": {"Error": "E"}}}}}"#;
    let err = MockConfig::from_json(text).unwrap_err();
    assert_eq!(err.location, "MockedResponses.R.0");
}

#[test]
fn a_configuration_loads_from_a_file() {
    let dir = std::env::temp_dir().join(format!("asl-runtime-mock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("MockConfigFile.json");
    std::fs::write(&file, CONFIG).unwrap();
    let loaded = MockConfig::load(&file).unwrap();
    assert!(loaded.handler("Orders", "Happy").is_ok());
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_file_that_is_not_json_names_the_file() {
    let dir = std::env::temp_dir().join(format!("asl-runtime-badmock-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("broken.json");
    std::fs::write(&file, "{ not json").unwrap();
    let err = MockConfig::load(&file).unwrap_err();
    assert!(err.to_string().contains("broken.json"), "{err}");
    std::fs::remove_dir_all(&dir).unwrap();
}
