use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl_runtime::{ExecutionResult, Pattern, Seconds, SendTaskError, TaskSpec};
use serde_json::{Value, json};

use crate::common::{runtime, start_task};

/// What the two racing workers of one execution got back.
#[derive(Default, Debug)]
struct Race {
    success: Option<Result<(), SendTaskError>>,
    failure: Option<Result<(), SendTaskError>>,
}

fn jitter(seed: &mut u64) -> u64 {
    // xorshift: cheap, deterministic spread of delays around the deadline.
    *seed ^= *seed << 13;
    *seed ^= *seed >> 7;
    *seed ^= *seed << 17;
    *seed % 200
}

/// Starts `n` callback executions whose timeout (1 s) races a success and a failure sent at
/// 0.9–1.1 s; returns each execution's result and what its workers got back.
async fn race(n: usize) -> Vec<(ExecutionResult, Race)> {
    let rt = runtime();
    let mut seed = 0x9e37_79b9_7f4a_7c15u64;
    let mut runs = Vec::new();
    for _ in 0..n {
        let race = Arc::new(Mutex::new(Race::default()));
        let (d1, d2) = (900 + jitter(&mut seed), 900 + jitter(&mut seed));
        let spec = TaskSpec {
            timeout: Seconds::Fixed(1),
            ..TaskSpec::new(
                "Race",
                "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                Pattern::Callback,
            )
        };
        let record = Arc::clone(&race);
        let exec = start_task(&rt, spec, json!({}), move |call| {
            let token = call.token.clone().unwrap_or_default();
            let tokens = call.tokens.clone();
            let record = Arc::clone(&record);
            tokio::spawn({
                let (token, tokens, record) = (token.clone(), tokens.clone(), Arc::clone(&record));
                async move {
                    tokio::time::sleep(Duration::from_millis(d1)).await;
                    let r = tokens.send_task_success(&token, json!("won"));
                    record.lock().unwrap().success = Some(r);
                }
            });
            tokio::spawn(async move {
                tokio::time::sleep(Duration::from_millis(d2)).await;
                let r = tokens.send_task_failure(&token, Some("Lost"), None);
                record.lock().unwrap().failure = Some(r);
            });
            async { Ok(Value::Null) }
        });
        runs.push((exec, race));
    }
    let mut results = Vec::new();
    for (exec, race) in runs {
        results.push((exec.result().await, race));
    }
    // Let the slower workers finish their calls.
    tokio::time::sleep(Duration::from_millis(400)).await;
    results
        .into_iter()
        .map(|(result, race)| (result, std::mem::take(&mut *race.lock().unwrap())))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_success_failure_and_timeout_resolve_each_token_exactly_once() {
    let runs = race(500).await;
    let mut outcomes = [0usize; 3];
    for (result, race) in runs {
        let success = race.success.expect("the success worker ran");
        let failure = race.failure.expect("the failure worker ran");
        let winners = usize::from(success.is_ok()) + usize::from(failure.is_ok());
        assert!(
            winners <= 1,
            "two answers accepted: {success:?} {failure:?}"
        );
        if success.is_ok() {
            outcomes[0] += 1;
            assert_eq!(result.output(), Some(&json!("won")));
        } else if failure.is_ok() {
            outcomes[1] += 1;
            assert_eq!(result.error(), Some("Lost"));
        } else {
            outcomes[2] += 1;
            assert_eq!(result.error(), Some("States.Timeout"));
        }
        for loser in [success, failure].into_iter().filter_map(Result::err) {
            assert!(
                matches!(
                    loser,
                    SendTaskError::TaskDoesNotExist | SendTaskError::TaskTimedOut
                ),
                "unexpected error {loser:?}"
            );
        }
    }
    // Delays are spread around the deadline, so different winners occur (usually all three;
    // a heavily loaded machine may skew the timing, hence the weaker check).
    assert!(
        outcomes.iter().filter(|&&n| n > 0).count() >= 2,
        "outcomes: {outcomes:?}"
    );
}

#[tokio::test(start_paused = true)]
async fn an_answer_at_the_deadline_instant_loses_to_the_timeout() {
    let rt = runtime();
    let tokens = rt.task_tokens();
    let spec = TaskSpec {
        timeout: Seconds::Fixed(10),
        ..TaskSpec::new(
            "Race",
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            Pattern::Callback,
        )
    };
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let _ = tx.send(call.token.clone().unwrap_or_default());
        async { Ok(Value::Null) }
    });
    let token = rx.recv().await.unwrap();
    tokio::time::sleep(Duration::from_secs(10)).await;
    assert_eq!(
        tokens.send_task_success(&token, "1"),
        Err(SendTaskError::TaskTimedOut)
    );
    assert_eq!(exec.result().await.error(), Some("States.Timeout"));
}

#[tokio::test(start_paused = true)]
async fn malformed_and_unknown_tokens_get_distinct_errors() {
    let tokens = runtime().task_tokens();
    assert_eq!(
        tokens.send_task_heartbeat("not a token"),
        Err(SendTaskError::InvalidToken)
    );
    let unknown = "ab".repeat(32);
    assert_eq!(
        tokens.send_task_failure(&unknown, None, None),
        Err(SendTaskError::TaskDoesNotExist)
    );
}

#[tokio::test(start_paused = true)]
async fn stopping_an_execution_closes_its_open_token() {
    let rt = runtime();
    let tokens = rt.task_tokens();
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let spec = TaskSpec::new(
        "Wait",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Pattern::Callback,
    );
    let exec = start_task(&rt, spec, json!({}), move |call| {
        let _ = tx.send(call.token.clone().unwrap_or_default());
        async { Ok(Value::Null) }
    });
    let token = rx.recv().await.unwrap();
    assert!(exec.stop(Some("Operator"), Some("no longer needed")));
    assert_eq!(
        exec.result().await,
        ExecutionResult::Aborted {
            error: Some("Operator".into()),
            cause: Some("no longer needed".into())
        }
    );
    assert_eq!(
        tokens.send_task_success(&token, "1"),
        Err(SendTaskError::TaskDoesNotExist)
    );
    assert_eq!(tokens.open_count(), 0);
}
