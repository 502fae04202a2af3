use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::{
    Catcher, ExecutionResult, Pattern, ResultPathSpec, Retrier, RunJob, Seconds, StatesError,
    TaskFailure, TaskSpec, Template,
};
use serde_json::{Value, json};
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::common::{path, runtime, start_task};

const QUEUE: &str = "arn:aws:states:::sqs:sendMessage.waitForTaskToken";
const BATCH: &str = "arn:aws:states:::batch:submitJob.sync";
const LAMBDA: &str = "arn:aws:states:::lambda:invoke";

fn callback(name: &'static str) -> TaskSpec {
    TaskSpec::new(name, QUEUE, Pattern::Callback)
}

/// A callback integration that hands the token to a worker over a channel.
fn deliver_to(
    tx: mpsc::UnboundedSender<String>,
) -> impl FnMut(asl_runtime::TaskCall) -> std::future::Ready<Result<Value, TaskFailure>> + Send {
    move |call| {
        let token = call.token.clone().unwrap_or_default();
        let _ = tx.send(token);
        std::future::ready(Ok(Value::Null))
    }
}

#[tokio::test(start_paused = true)]
async fn a_callback_is_answered_by_a_separate_worker_task() {
    let rt = runtime();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let tokens = rt.task_tokens();
    let worker = tokio::spawn(async move {
        let token: String = rx.recv().await.unwrap();
        tokio::time::sleep(Duration::from_secs(30)).await;
        tokens
            .send_task_success(&token, json!({"shipped": true}))
            .unwrap();
    });
    let start = Instant::now();
    let exec = start_task(&rt, callback("Ship"), json!({"order": 7}), deliver_to(tx));
    assert_eq!(
        exec.result().await,
        ExecutionResult::Succeeded {
            output: json!({"shipped": true})
        }
    );
    assert_eq!(start.elapsed(), Duration::from_secs(30));
    worker.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn the_token_is_visible_to_parameters_as_task_token() {
    let rt = runtime();
    let spec = TaskSpec {
        parameters: Some(
            Template::compile(&json!({"MessageBody": {"token.$": "$$.Task.Token"}})).unwrap(),
        ),
        ..callback("Ship")
    };
    let seen = Arc::new(Mutex::new(None));
    let seen_in = Arc::clone(&seen);
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let from_params = call.parameters["MessageBody"]["token"].clone();
        *seen_in.lock().unwrap() = Some((from_params, call.token.clone()));
        let answer = call
            .tokens
            .send_task_success(call.token.as_deref().unwrap(), json!("ok"));
        async move {
            answer.unwrap();
            Ok(Value::Null)
        }
    });
    assert_eq!(exec.result().await.output(), Some(&json!("ok")));
    let (from_params, token) = seen.lock().unwrap().clone().unwrap();
    assert_eq!(from_params, json!(token.unwrap()));
}

#[tokio::test(start_paused = true)]
async fn heartbeats_keep_a_task_alive_past_its_first_deadline() {
    let rt = runtime();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let tokens = rt.task_tokens();
    let worker = tokio::spawn(async move {
        let token: String = rx.recv().await.unwrap();
        for _ in 0..5 {
            tokio::time::sleep(Duration::from_secs(8)).await;
            tokens.send_task_heartbeat(&token).unwrap();
        }
        tokio::time::sleep(Duration::from_secs(8)).await;
        tokens.send_task_success(&token, "\"done\"").unwrap();
    });
    let spec = TaskSpec {
        heartbeat: Some(Seconds::Fixed(10)),
        ..callback("Work")
    };
    let start = Instant::now();
    let exec = start_task(&rt, spec, json!({}), deliver_to(tx));
    assert_eq!(exec.result().await.output(), Some(&json!("done")));
    assert_eq!(start.elapsed(), Duration::from_secs(48));
    worker.await.unwrap();
}

#[tokio::test(start_paused = true)]
async fn a_missed_heartbeat_fails_with_states_timeout_caught_by_a_catch() {
    let rt = runtime();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let tokens = rt.task_tokens();
    let worker = tokio::spawn(async move {
        let token: String = rx.recv().await.unwrap();
        tokio::time::sleep(Duration::from_secs(3)).await;
        tokens.send_task_heartbeat(&token).unwrap();
        // Then silence: the heartbeat deadline passes at 3 + 5 = 8 s.
        tokio::time::sleep(Duration::from_secs(10)).await;
        tokens.send_task_success(&token, "1")
    });
    let spec = TaskSpec {
        heartbeat: Some(Seconds::Fixed(5)),
        timeout: Seconds::Fixed(100),
        result_path: ResultPathSpec::parse("$.error").unwrap(),
        catch: vec![Catcher {
            result_path: ResultPathSpec::parse("$.error").unwrap(),
            ..Catcher::new(&["States.Timeout"])
        }],
        ..callback("Work")
    };
    let start = Instant::now();
    let exec = start_task(&rt, spec, json!({"id": 1}), deliver_to(tx));
    let result = exec.result().await;
    assert_eq!(start.elapsed(), Duration::from_secs(8));
    assert_eq!(
        result.output(),
        Some(
            &json!({"caught": 0, "output": {"id": 1, "error": {"Error": "States.Timeout", "Cause": null}}})
        )
    );
    assert_eq!(
        worker.await.unwrap(),
        Err(asl_runtime::SendTaskError::TaskTimedOut)
    );
}

#[tokio::test(start_paused = true)]
async fn a_catcher_listing_only_heartbeat_timeout_catches_a_missed_heartbeat() {
    let rt = runtime();
    let spec = TaskSpec {
        heartbeat: Some(Seconds::Fixed(5)),
        catch: vec![
            Catcher::new(&["States.TaskFailed"]),
            Catcher::new(&["States.HeartbeatTimeout"]),
        ],
        ..callback("Work")
    };
    let exec = start_task(&rt, spec, json!({}), |_| async { Ok(Value::Null) });
    let output = exec.result().await.output().cloned().unwrap();
    assert_eq!(output["caught"], json!(1));
    assert_eq!(output["output"]["Error"], json!("States.Timeout"));
}

#[tokio::test(start_paused = true)]
async fn a_plain_timeout_is_not_caught_by_heartbeat_timeout() {
    let rt = runtime();
    let spec = TaskSpec {
        timeout: Seconds::Fixed(5),
        catch: vec![Catcher::new(&["States.HeartbeatTimeout"])],
        ..callback("Work")
    };
    let exec = start_task(&rt, spec, json!({}), |_| async { Ok(Value::Null) });
    assert_eq!(exec.result().await.error(), Some("States.Timeout"));
}

#[tokio::test(start_paused = true)]
async fn send_task_failure_fails_the_task_with_the_given_error() {
    let rt = runtime();
    let spec = TaskSpec {
        catch: vec![Catcher::new(&["Payment.Declined"])],
        ..callback("Charge")
    };
    let exec = start_task(&rt, spec, json!({}), |call| {
        let token = call.token.clone().unwrap();
        let tokens = call.tokens.clone();
        async move {
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_secs(1)).await;
                tokens
                    .send_task_failure(&token, Some("Payment.Declined"), Some("card expired"))
                    .unwrap();
            });
            Ok(Value::Null)
        }
    });
    assert_eq!(
        exec.result().await.output(),
        Some(
            &json!({"caught": 0, "output": {"Error": "Payment.Declined", "Cause": "card expired"}})
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_replayed_token_is_rejected() {
    let rt = runtime();
    let tokens = rt.task_tokens();
    let (tx, mut rx) = mpsc::unbounded_channel();
    let exec = start_task(&rt, callback("Ship"), json!({}), deliver_to(tx));
    let token = rx.recv().await.unwrap();
    tokens.send_task_success(&token, json!({"n": 1})).unwrap();
    assert_eq!(
        tokens.send_task_success(&token, json!({"n": 2})),
        Err(asl_runtime::SendTaskError::TaskDoesNotExist)
    );
    assert_eq!(exec.result().await.output(), Some(&json!({"n": 1})));
    assert_eq!(
        tokens.send_task_success(&token, json!({"n": 3})),
        Err(asl_runtime::SendTaskError::TaskDoesNotExist)
    );
}

#[tokio::test(start_paused = true)]
async fn retry_waits_follow_interval_and_backoff_exactly() {
    let rt = runtime();
    let attempts = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&attempts);
    let start = Instant::now();
    let spec = TaskSpec {
        retry: vec![Retrier {
            interval_seconds: 2,
            backoff_rate: 3.0,
            max_attempts: 3,
            ..Retrier::new(&["Flaky"])
        }],
        ..TaskSpec::new("Call", LAMBDA, Pattern::RequestResponse)
    };
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let retry_count = call.context["State"]["RetryCount"].clone();
        let mut log = seen.lock().unwrap();
        log.push((start.elapsed().as_secs(), retry_count));
        let n = log.len();
        async move {
            if n < 4 {
                Err(TaskFailure::new("Flaky", "try again"))
            } else {
                Ok(json!("finally"))
            }
        }
    });
    assert_eq!(exec.result().await.output(), Some(&json!("finally")));
    assert_eq!(
        *attempts.lock().unwrap(),
        vec![(0, json!(0)), (2, json!(1)), (8, json!(2)), (26, json!(3))]
    );
}

#[tokio::test(start_paused = true)]
async fn max_delay_caps_the_retry_wait() {
    let rt = runtime();
    let times = Arc::new(Mutex::new(Vec::new()));
    let seen = Arc::clone(&times);
    let start = Instant::now();
    let spec = TaskSpec {
        retry: vec![Retrier {
            interval_seconds: 10,
            max_attempts: 3,
            max_delay_seconds: Some(15),
            ..Retrier::new(&["States.ALL"])
        }],
        ..TaskSpec::new("Call", LAMBDA, Pattern::RequestResponse)
    };
    let exec = start_task(&rt, spec, json!({}), move |_| {
        seen.lock().unwrap().push(start.elapsed().as_secs());
        async { Err::<Value, _>(TaskFailure::error("Boom")) }
    });
    assert_eq!(exec.result().await.error(), Some("Boom"));
    // Waits 10, min(20, 15), min(40, 15).
    assert_eq!(*times.lock().unwrap(), vec![0, 10, 25, 40]);
}

#[tokio::test(start_paused = true)]
async fn a_retry_after_a_timeout_gets_a_fresh_token() {
    let rt = runtime();
    let tokens_seen = Arc::new(Mutex::new(Vec::<String>::new()));
    let seen = Arc::clone(&tokens_seen);
    let spec = TaskSpec {
        timeout: Seconds::Fixed(10),
        retry: vec![Retrier {
            max_attempts: 1,
            ..Retrier::new(&["States.Timeout"])
        }],
        ..callback("Work")
    };
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let token = call.token.clone().unwrap();
        let mut seen = seen.lock().unwrap();
        seen.push(token.clone());
        if seen.len() == 2 {
            call.tokens.send_task_success(&token, "\"second\"").unwrap();
        }
        async { Ok(Value::Null) }
    });
    assert_eq!(exec.result().await.output(), Some(&json!("second")));
    let seen = tokens_seen.lock().unwrap().clone();
    assert_eq!(seen.len(), 2);
    assert_ne!(seen[0], seen[1]);
    assert_eq!(
        rt.task_tokens().send_task_success(&seen[0], "1"),
        Err(asl_runtime::SendTaskError::TaskTimedOut)
    );
}

#[tokio::test(start_paused = true)]
async fn a_request_response_call_is_bounded_by_timeout_seconds() {
    let rt = runtime();
    let spec = TaskSpec {
        timeout: Seconds::Fixed(3),
        ..TaskSpec::new("Slow", LAMBDA, Pattern::RequestResponse)
    };
    let start = Instant::now();
    let exec = start_task(&rt, spec, json!({}), |_| async {
        tokio::time::sleep(Duration::from_secs(60)).await;
        Ok(json!("late"))
    });
    assert_eq!(exec.result().await.error(), Some("States.Timeout"));
    assert_eq!(start.elapsed(), Duration::from_secs(3));
}

#[tokio::test(start_paused = true)]
async fn a_run_job_sends_heartbeats_while_waiting_for_its_job() {
    let rt = runtime();
    let spec = TaskSpec {
        heartbeat: Some(Seconds::Fixed(10)),
        ..TaskSpec::new("Batch", BATCH, Pattern::RunJob)
    };
    let exec = start_task(&rt, spec, json!({}), |call| async move {
        let job = RunJob::from(call);
        for _ in 0..4 {
            tokio::time::sleep(Duration::from_secs(7)).await;
            job.heartbeat().map_err(|e| TaskFailure::error(e.code()))?;
        }
        Ok(json!({"Status": "SUCCEEDED"}))
    });
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"Status": "SUCCEEDED"}))
    );
}

#[tokio::test(start_paused = true)]
async fn a_silent_run_job_times_out_on_its_heartbeat() {
    let rt = runtime();
    let spec = TaskSpec {
        heartbeat: Some(Seconds::Fixed(10)),
        ..TaskSpec::new("Batch", BATCH, Pattern::RunJob)
    };
    let start = Instant::now();
    let exec = start_task(&rt, spec, json!({}), |_| async {
        tokio::time::sleep(Duration::from_secs(3600)).await;
        Ok(json!("never"))
    });
    assert_eq!(exec.result().await.error(), Some("States.Timeout"));
    assert_eq!(start.elapsed(), Duration::from_secs(10));
}

#[tokio::test(start_paused = true)]
async fn timeout_seconds_path_is_read_from_the_effective_input() {
    let rt = runtime();
    let spec = TaskSpec {
        timeout: Seconds::Path(path("$.limit")),
        ..callback("Work")
    };
    let start = Instant::now();
    let exec = start_task(&rt, spec, json!({"limit": 42}), |_| async {
        Ok(Value::Null)
    });
    assert_eq!(exec.result().await.error(), Some("States.Timeout"));
    assert_eq!(start.elapsed(), Duration::from_secs(42));
}

#[tokio::test(start_paused = true)]
async fn the_data_flow_runs_in_aws_order_around_the_call() {
    let rt = runtime();
    let spec = TaskSpec {
        input_path: Some(path("$.order")),
        parameters: Some(Template::compile(&json!({"id.$": "$.id", "fixed": 1})).unwrap()),
        result_selector: Some(Template::compile(&json!({"status.$": "$.Payload.status"})).unwrap()),
        result_path: ResultPathSpec::parse("$.charge").unwrap(),
        output_path: Some(path("$.charge")),
        ..TaskSpec::new("Charge", LAMBDA, Pattern::RequestResponse)
    };
    let exec = start_task(
        &rt,
        spec,
        json!({"order": {"id": "o-1"}, "other": true}),
        |call| {
            let params = call.parameters.clone();
            async move {
                assert_eq!(params, json!({"id": "o-1", "fixed": 1}));
                Ok(json!({"Payload": {"status": "paid"}, "StatusCode": 200}))
            }
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"status": "paid"}))
    );
}

#[tokio::test(start_paused = true)]
async fn a_result_over_256_kib_fails_with_data_limit_exceeded_that_no_catcher_sees() {
    let rt = runtime();
    let spec = TaskSpec {
        catch: vec![Catcher::new(&["States.ALL"])],
        ..TaskSpec::new("Big", LAMBDA, Pattern::RequestResponse)
    };
    let exec = start_task(&rt, spec, json!({}), |_| async {
        Ok(Value::String("x".repeat(300 * 1024)))
    });
    assert_eq!(
        exec.result().await.error(),
        Some("States.DataLimitExceeded")
    );
}

#[tokio::test(start_paused = true)]
async fn a_path_miss_is_states_runtime_and_is_neither_retried_nor_caught() {
    let rt = runtime();
    let calls = Arc::new(Mutex::new(0));
    let counted = Arc::clone(&calls);
    let spec = TaskSpec {
        input_path: Some(path("$.missing")),
        retry: vec![Retrier::new(&["States.ALL"])],
        catch: vec![Catcher::new(&["States.ALL", "States.Runtime"])],
        ..TaskSpec::new("Call", LAMBDA, Pattern::RequestResponse)
    };
    let exec = start_task(&rt, spec, json!({}), move |_| {
        *counted.lock().unwrap() += 1;
        async { Ok(Value::Null) }
    });
    let result = exec.result().await;
    assert_eq!(result.error(), Some("States.Runtime"));
    assert_eq!(*calls.lock().unwrap(), 0);
}

#[tokio::test(start_paused = true)]
async fn a_catcher_result_path_merges_the_error_into_the_raw_input() {
    let rt = runtime();
    let spec = TaskSpec {
        input_path: Some(path("$.inner")),
        catch: vec![Catcher {
            result_path: ResultPathSpec::parse("$.failure").unwrap(),
            ..Catcher::new(&["States.TaskFailed"])
        }],
        ..TaskSpec::new("Call", LAMBDA, Pattern::RequestResponse)
    };
    let exec = start_task(&rt, spec, json!({"inner": {}, "keep": 1}), |_| async {
        Err::<Value, _>(TaskFailure::new("Custom", "why"))
    });
    assert_eq!(
        exec.result().await.output(),
        Some(
            &json!({"caught": 0, "output": {"inner": {}, "keep": 1, "failure": {"Error": "Custom", "Cause": "why"}}})
        )
    );
}

#[tokio::test(start_paused = true)]
async fn states_error_converts_from_task_failure() {
    let err: StatesError = TaskFailure::new("E", "C").into();
    assert_eq!(err, StatesError::new("E", "C"));
}

#[tokio::test(start_paused = true)]
async fn evaluated_credentials_reach_the_integration() {
    let rt = runtime();
    let spec = TaskSpec {
        credentials: Some(Template::compile(&json!({"RoleArn.$": "$.role"})).unwrap()),
        ..TaskSpec::new("Call", LAMBDA, Pattern::RequestResponse)
    };
    let exec = start_task(
        &rt,
        spec,
        json!({"role": "arn:aws:iam::1:role/r"}),
        |call| {
            let credentials = call.credentials.clone();
            async move { Ok(credentials.unwrap_or_default()) }
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"RoleArn": "arn:aws:iam::1:role/r"}))
    );
}
