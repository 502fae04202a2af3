use std::time::Duration;

use asl_runtime::{
    ChoiceSpec, ChoiceTaken, ExecutionResult, FailField, FailSpec, MachineSpec, PassSpec, Pattern,
    StartOptions, StateOutcome, SucceedSpec, TaskSpec, Template, WaitFor, WaitSpec, choice,
    choice_input, choice_output, no_choice_matched, run_fail, run_pass, run_succeed, run_task,
    run_wait,
};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::common::{MACHINE, path, runtime, start_task};

#[tokio::test(start_paused = true)]
async fn history_names_the_events_of_a_callback_task_as_aws_does() {
    let rt = runtime();
    let spec = TaskSpec::new(
        "Notify",
        "arn:aws:states:::sns:publish.waitForTaskToken",
        Pattern::Callback,
    );
    let exec = start_task(&rt, spec, json!({}), |call| {
        let _ = call
            .tokens
            .send_task_success(call.token.as_deref().unwrap_or_default(), "{}");
        async { Ok(Value::Null) }
    });
    exec.result().await;
    let names: Vec<&str> = exec.history().iter().map(|e| e.name()).collect();
    assert_eq!(
        names,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskSubmitted",
            "TaskSucceeded",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn history_records_a_task_timeout_as_task_timed_out() {
    let rt = runtime();
    let spec = TaskSpec {
        timeout: asl_runtime::Seconds::Fixed(1),
        ..TaskSpec::new(
            "Slow",
            "arn:aws:states:::lambda:invoke",
            Pattern::RequestResponse,
        )
    };
    let exec = start_task(&rt, spec, json!({}), |_| async {
        tokio::time::sleep(Duration::from_secs(5)).await;
        Ok(Value::Null)
    });
    exec.result().await;
    let names: Vec<&str> = exec.history().iter().map(|e| e.name()).collect();
    assert!(names.contains(&"TaskTimedOut"), "{names:?}");
    assert_eq!(names.last(), Some(&"ExecutionFailed"));
}

#[tokio::test(start_paused = true)]
async fn the_execution_timeout_ends_it_timed_out() {
    let rt = runtime();
    let machine = MachineSpec {
        name: "Slow",
        timeout_seconds: Some(5),
    };
    let start = Instant::now();
    let exec = rt.start(
        &machine,
        json!({}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = WaitSpec::new("Nap", WaitFor::Seconds(60));
            match run_wait(&mut ctx, &spec, input).await {
                StateOutcome::Next(v) => Ok(v),
                _ => Ok(Value::Null),
            }
        },
    );
    assert_eq!(exec.result().await, ExecutionResult::TimedOut);
    assert_eq!(start.elapsed(), Duration::from_secs(5));
    assert_eq!(
        exec.history().last().map(|e| e.name()),
        Some("ExecutionTimedOut")
    );
}

#[tokio::test(start_paused = true)]
async fn wait_seconds_path_and_timestamp_wait_on_the_clock() {
    let rt = runtime();
    let start = Instant::now();
    let exec = rt.start(
        &MACHINE,
        json!({"delay": 30}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let by_path = WaitSpec::new("ByPath", WaitFor::SecondsPath(path("$.delay")));
            let StateOutcome::Next(input) = run_wait(&mut ctx, &by_path, input).await else {
                return Ok(json!("path failed"));
            };
            // The runtime's wall clock started at 2024-01-01T00:00:00Z; 30 s have passed.
            let until = WaitSpec::new("Until", WaitFor::Timestamp("2024-01-01T00:01:00Z"));
            match run_wait(&mut ctx, &until, input).await {
                StateOutcome::Next(v) => Ok(v),
                _ => Ok(json!("timestamp failed")),
            }
        },
    );
    assert_eq!(exec.result().await.output(), Some(&json!({"delay": 30})));
    assert_eq!(start.elapsed(), Duration::from_secs(60));
}

#[tokio::test(start_paused = true)]
async fn a_negative_seconds_path_is_a_runtime_error() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"delay": -1}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = WaitSpec::new("Bad", WaitFor::SecondsPath(path("$.delay")));
            match run_wait(&mut ctx, &spec, input).await {
                StateOutcome::Failed(e) => Err(e),
                _ => Ok(Value::Null),
            }
        },
    );
    assert_eq!(exec.result().await.error(), Some("States.Runtime"));
}

#[tokio::test(start_paused = true)]
async fn the_context_object_has_execution_state_and_machine_fields() {
    let rt = runtime();
    let options = StartOptions {
        name: Some("run-1".into()),
    };
    let exec = rt.start(
        &MACHINE,
        json!({"k": "v"}),
        options,
        |mut ctx, input| async move {
            let spec = PassSpec {
                parameters: Some(
                    Template::compile(&json!({
                        "id.$": "$$.Execution.Id",
                        "name.$": "$$.Execution.Name",
                        "input.$": "$$.Execution.Input",
                        "role.$": "$$.Execution.RoleArn",
                        "started.$": "$$.Execution.StartTime",
                        "state.$": "$$.State.Name",
                        "entered.$": "$$.State.EnteredTime",
                        "retries.$": "$$.State.RetryCount",
                        "machine.$": "$$.StateMachine.Name",
                        "machineId.$": "$$.StateMachine.Id"
                    }))
                    .unwrap(),
                ),
                ..PassSpec::new("Look")
            };
            match run_pass(&mut ctx, &spec, input) {
                StateOutcome::Next(v) => Ok(v),
                StateOutcome::Failed(e) => Err(e),
                StateOutcome::Caught { .. } => Ok(Value::Null),
            }
        },
    );
    let out = exec.result().await.output().cloned().unwrap();
    assert_eq!(out["id"], json!(exec.arn()));
    assert!(exec.arn().ends_with(":execution:TestMachine:run-1"));
    assert_eq!(out["name"], json!("run-1"));
    assert_eq!(out["input"], json!({"k": "v"}));
    assert!(out["role"].as_str().unwrap().starts_with("arn:aws:iam::"));
    assert_eq!(out["started"], json!("2024-01-01T00:00:00.000Z"));
    assert_eq!(out["state"], json!("Look"));
    assert_eq!(out["entered"], json!("2024-01-01T00:00:00.000Z"));
    assert_eq!(out["retries"], json!(0));
    assert_eq!(out["machine"], json!("TestMachine"));
    assert!(
        out["machineId"]
            .as_str()
            .unwrap()
            .ends_with(":stateMachine:TestMachine")
    );
}

#[tokio::test(start_paused = true)]
async fn a_later_state_reading_the_context_object_sees_its_own_name_and_entry_time() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let reads_state = |name: &'static str| PassSpec {
                parameters: Some(
                    Template::compile(&json!({
                        "state.$": "$$.State.Name",
                        "entered.$": "$$.State.EnteredTime",
                        "earlier.$": "$"
                    }))
                    .unwrap(),
                ),
                ..PassSpec::new(name)
            };
            let first = match run_pass(&mut ctx, &reads_state("First"), input) {
                StateOutcome::Next(v) => v,
                other => panic!("First did not succeed: {other:?}"),
            };
            tokio::time::advance(std::time::Duration::from_millis(1500)).await;
            match run_pass(&mut ctx, &reads_state("Second"), first) {
                StateOutcome::Next(v) => Ok(v),
                StateOutcome::Failed(e) => Err(e),
                StateOutcome::Caught { .. } => Ok(Value::Null),
            }
        },
    );
    let out = exec.result().await.output().cloned().unwrap();
    assert_eq!(out["state"], json!("Second"));
    assert_eq!(out["entered"], json!("2024-01-01T00:00:01.500Z"));
    assert_eq!(out["earlier"]["state"], json!("First"));
    assert_eq!(out["earlier"]["entered"], json!("2024-01-01T00:00:00.000Z"));
}

#[tokio::test(start_paused = true)]
async fn pass_result_is_a_literal_placed_by_result_path() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"a": 1}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = PassSpec {
                result: Some(json!({"b.$": "$.a"})),
                result_path: asl_runtime::ResultPathSpec::parse("$.r").unwrap(),
                ..PassSpec::new("Lit")
            };
            match run_pass(&mut ctx, &spec, input) {
                StateOutcome::Next(v) => Ok(v),
                _ => Ok(Value::Null),
            }
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"a": 1, "r": {"b.$": "$.a"}}))
    );
}

#[tokio::test(start_paused = true)]
async fn assigned_variables_are_visible_from_the_next_state() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"n": 5}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let first = PassSpec {
                assign: Some(asl_runtime::Assign::compile(&json!({"count.$": "$.n"})).unwrap()),
                ..PassSpec::new("Set")
            };
            let StateOutcome::Next(input) = run_pass(&mut ctx, &first, input) else {
                return Ok(Value::Null);
            };
            let second = PassSpec {
                parameters: Some(Template::compile(&json!({"seen.$": "$count"})).unwrap()),
                ..PassSpec::new("Read")
            };
            match run_pass(&mut ctx, &second, input) {
                StateOutcome::Next(v) => Ok(v),
                StateOutcome::Failed(e) => Err(e),
                _ => Ok(Value::Null),
            }
        },
    );
    assert_eq!(exec.result().await.output(), Some(&json!({"seen": 5})));
}

#[tokio::test(start_paused = true)]
async fn a_choice_routes_on_generated_rules_and_fails_without_a_match() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"x": 3}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = ChoiceSpec::new("Route");
            let effective = choice_input(&mut ctx, &spec, &input)?;
            // What generated code does for `{"Variable": "$.x", "NumericGreaterThan": 10}`.
            let x = path("$.x").select(&effective, &ctx.env(), "Variable")?;
            if choice::numeric_greater_than(&x, 10.0) {
                return choice_output(&mut ctx, &spec, effective, ChoiceTaken::Rule(None));
            }
            Err(no_choice_matched(&ctx))
        },
    );
    assert_eq!(exec.result().await.error(), Some("States.NoChoiceMatched"));
}

#[tokio::test(start_paused = true)]
async fn fail_takes_its_error_and_cause_from_paths() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"why": "bad input"}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = FailSpec {
                name: "Stop",
                error: Some(FailField::Literal("Order.Invalid")),
                cause: Some(FailField::dynamic("$.why").unwrap()),
            };
            Err(run_fail(&mut ctx, &spec, input))
        },
    );
    let result = exec.result().await;
    assert_eq!(result.error(), Some("Order.Invalid"));
    assert_eq!(result.cause(), Some("bad input"));
}

#[tokio::test(start_paused = true)]
async fn succeed_applies_input_and_output_paths() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"a": {"b": 1}}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = SucceedSpec {
                input_path: Some(path("$.a")),
                ..SucceedSpec::new("Done")
            };
            run_succeed(&mut ctx, &spec, input)
        },
    );
    assert_eq!(exec.result().await.output(), Some(&json!({"b": 1})));
}

#[tokio::test(start_paused = true)]
async fn an_execution_input_over_256_kib_fails_with_data_limit_exceeded() {
    let rt = runtime();
    let big = json!({"blob": "x".repeat(300 * 1024)});
    let exec = rt.start(
        &MACHINE,
        big,
        StartOptions::default(),
        |_ctx, input| async move { Ok(input) },
    );
    assert_eq!(
        exec.result().await.error(),
        Some("States.DataLimitExceeded")
    );
}

#[tokio::test(start_paused = true)]
async fn the_task_call_sees_the_state_name_and_resource() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = TaskSpec::new(
                "Hello",
                "arn:aws:states:::lambda:invoke",
                Pattern::RequestResponse,
            );
            let outcome = run_task(&mut ctx, &spec, input, |call| {
                let seen = json!([
                    call.resource(),
                    call.state_name,
                    call.context()["State"]["Name"]
                ]);
                async move { Ok(seen) }
            })
            .await;
            match outcome {
                StateOutcome::Next(v) => Ok(v),
                _ => Ok(Value::Null),
            }
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(&json!(["arn:aws:states:::lambda:invoke", "Hello", "Hello"]))
    );
}

#[test]
fn results_render_as_describe_execution_json() {
    let ok = ExecutionResult::Succeeded { output: json!(1) };
    assert_eq!(ok.to_json(), json!({"status": "SUCCEEDED", "output": 1}));
    let failed = ExecutionResult::Failed {
        error: Some("E".into()),
        cause: None,
    };
    assert_eq!(
        failed.to_json(),
        json!({"status": "FAILED", "error": "E", "cause": null})
    );
    assert_eq!(
        ExecutionResult::TimedOut.to_json()["error"],
        json!("States.Timeout")
    );
}

#[tokio::test(start_paused = true)]
async fn a_runtime_error_names_the_state_and_the_event_that_entered_it() {
    let rt = runtime().without_history();
    let exec = rt.start(
        &MACHINE,
        json!({}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let StateOutcome::Next(input) = run_pass(&mut ctx, &PassSpec::new("First"), input)
            else {
                return Ok(Value::Null);
            };
            let second = PassSpec {
                input_path: Some(path("$.missing")),
                ..PassSpec::new("Second")
            };
            match run_pass(&mut ctx, &second, input) {
                StateOutcome::Failed(e) => Err(e),
                _ => Ok(Value::Null),
            }
        },
    );
    let result = exec.result().await;
    assert_eq!(result.error(), Some("States.Runtime"));
    // ExecutionStarted #1, PassStateEntered #2, PassStateExited #3, PassStateEntered #4.
    assert_eq!(
        result.cause(),
        Some(
            "An error occurred while executing the state 'Second' (entered at the event id #4). Invalid path '$.missing' : No results for path: $['missing']"
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_caught_task_is_closed_with_task_state_exited() {
    let rt = runtime();
    let spec = TaskSpec {
        catch: vec![asl_runtime::Catcher::new(&["States.ALL"])],
        ..TaskSpec::new(
            "Call",
            "arn:aws:states:::lambda:invoke",
            Pattern::RequestResponse,
        )
    };
    let exec = start_task(&rt, spec, json!({}), |_| async {
        Err::<Value, _>(asl_runtime::TaskFailure::error("Boom"))
    });
    exec.result().await;
    let names: Vec<&str> = exec.history().iter().map(|e| e.name()).collect();
    assert_eq!(
        names,
        [
            "ExecutionStarted",
            "TaskStateEntered",
            "TaskScheduled",
            "TaskStarted",
            "TaskFailed",
            "TaskStateExited",
            "ExecutionSucceeded"
        ]
    );
}

#[tokio::test(start_paused = true)]
async fn a_catcher_assign_sees_the_error_output_and_the_state_assign_is_skipped() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let spec = TaskSpec {
                assign: Some(asl_runtime::Assign::compile(&json!({"fromState": 1})).unwrap()),
                catch: vec![asl_runtime::Catcher {
                    assign: Some(
                        asl_runtime::Assign::compile(&json!({"why.$": "$.Cause"})).unwrap(),
                    ),
                    ..asl_runtime::Catcher::new(&["States.ALL"])
                }],
                ..TaskSpec::new(
                    "Call",
                    "arn:aws:states:::lambda:invoke",
                    Pattern::RequestResponse,
                )
            };
            let outcome = run_task(&mut ctx, &spec, input, |_| async {
                Err::<Value, _>(asl_runtime::TaskFailure::new("Boom", "it broke"))
            })
            .await;
            let StateOutcome::Caught { output, .. } = outcome else {
                return Ok(json!("not caught"));
            };
            Ok(json!({
                "why": ctx.variables.get("why"),
                "fromState": ctx.variables.get("fromState"),
                "output": output
            }))
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(
            &json!({"why": "it broke", "fromState": null, "output": {"Error": "Boom", "Cause": "it broke"}})
        )
    );
}

#[tokio::test(start_paused = true)]
async fn iteration_variables_stay_inside_the_iteration() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!([1, 2]),
        StartOptions::default(),
        |mut ctx, input| async move {
            ctx.variables.set("outer", json!("visible"));
            let spec = asl_runtime::MapSpec::new("Each");
            let outcome =
                asl_runtime::run_map(&mut ctx, &spec, input, |mut child, item| async move {
                    let seen = child.variables.get("outer").cloned();
                    child.variables.set("inner", item.clone());
                    Ok(json!({"item": item, "outer": seen}))
                })
                .await;
            let StateOutcome::Next(output) = outcome else {
                return Ok(Value::Null);
            };
            Ok(json!({"output": output, "inner": ctx.variables.get("inner")}))
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({
            "output": [{"item": 1, "outer": "visible"}, {"item": 2, "outer": "visible"}],
            "inner": null
        }))
    );
}

#[tokio::test(start_paused = true)]
async fn choice_enter_moves_the_input_through_and_applies_input_path() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"a": {"b": 2}}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let whole = asl_runtime::choice_enter(&mut ctx, &ChoiceSpec::new("Whole"), input)?;
            let narrowed = ChoiceSpec {
                input_path: Some(path("$.a")),
                ..ChoiceSpec::new("Narrow")
            };
            let part = asl_runtime::choice_enter(&mut ctx, &narrowed, whole.clone())?;
            Ok(json!([whole, part]))
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(&json!([{"a": {"b": 2}}, {"b": 2}]))
    );
}

#[tokio::test(start_paused = true)]
async fn a_pass_without_fields_passes_its_input_and_result_path_null_keeps_it() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({"k": 1}),
        StartOptions::default(),
        |mut ctx, input| async move {
            let StateOutcome::Next(same) = run_pass(&mut ctx, &PassSpec::new("Same"), input) else {
                return Ok(Value::Null);
            };
            let nested = PassSpec {
                result_path: asl_runtime::ResultPathSpec::parse("$.copy").unwrap(),
                ..PassSpec::new("Nested")
            };
            match run_pass(&mut ctx, &nested, same) {
                StateOutcome::Next(v) => Ok(v),
                _ => Ok(Value::Null),
            }
        },
    );
    assert_eq!(
        exec.result().await.output(),
        Some(&json!({"k": 1, "copy": {"k": 1}}))
    );
}

#[tokio::test(start_paused = true)]
async fn into_result_moves_out_the_same_output_and_status_as_result() {
    let rt = runtime();
    let output = json!({"items": [1, 2, 3], "name": "done"});
    let expected = output.clone();
    let exec = rt.start(
        &MACHINE,
        json!({}),
        StartOptions::default(),
        move |_ctx, _input| async move { Ok(output) },
    );
    let result = exec.into_result().await;
    assert_eq!(result.status(), "SUCCEEDED");
    assert_eq!(result, ExecutionResult::Succeeded { output: expected });
}

#[tokio::test(start_paused = true)]
async fn into_result_reports_a_failure_with_its_error_and_cause() {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        json!({}),
        StartOptions::default(),
        |_ctx, _input| async move { Err(asl_runtime::StatesError::new("Job.Broken", "it broke")) },
    );
    let result = exec.into_result().await;
    assert_eq!(result.error(), Some("Job.Broken"));
    assert_eq!(result.cause(), Some("it broke"));
}
