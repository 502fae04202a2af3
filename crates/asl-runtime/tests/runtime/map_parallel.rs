use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use asl_runtime::{
    BranchFuture, Catcher, MapSpec, Number, ParallelSpec, StartOptions, StatesError, Template,
    run_map, run_parallel,
};
use serde_json::{Value, json};
use tokio::time::Instant;

use crate::common::{MACHINE, path, runtime, settle};

/// Counts how many iterations run at once.
#[derive(Default)]
struct Gauge {
    now: AtomicUsize,
    peak: AtomicUsize,
}

impl Gauge {
    async fn hold(&self, for_: Duration) {
        let n = self.now.fetch_add(1, Ordering::SeqCst) + 1;
        self.peak.fetch_max(n, Ordering::SeqCst);
        tokio::time::sleep(for_).await;
        self.now.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn map_with(spec: MapSpec, input: Value, gauge: Arc<Gauge>) -> Result<Value, StatesError> {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        input,
        StartOptions::default(),
        move |mut ctx, input| async move {
            let outcome = run_map(&mut ctx, &spec, input, move |_child, item| {
                let gauge = Arc::clone(&gauge);
                async move {
                    let secs = item.get("secs").and_then(Value::as_u64).unwrap_or(1);
                    // `"secs": 0`: an iteration that never waits (finishes on its first poll).
                    if secs > 0 {
                        gauge.hold(Duration::from_secs(secs)).await;
                    }
                    if let Some(e) = item.get("fail").and_then(Value::as_str) {
                        return Err(StatesError::new(e, "iteration failed"));
                    }
                    Ok(item)
                }
            })
            .await;
            settle(outcome)
        },
    );
    match exec.result().await {
        asl_runtime::ExecutionResult::Succeeded { output } => Ok(output),
        other => Err(StatesError {
            error: other.error().map(str::to_owned),
            cause: other.cause().map(str::to_owned),
        }),
    }
}

fn items(n: usize) -> Value {
    Value::Array((0..n).map(|i| json!({"i": i})).collect())
}

#[tokio::test(start_paused = true)]
async fn max_concurrency_limits_running_iterations() {
    let gauge = Arc::new(Gauge::default());
    let spec = MapSpec {
        max_concurrency: Some(Number::Fixed(3.0)),
        ..MapSpec::new("Each")
    };
    let start = Instant::now();
    let out = map_with(spec, items(10), Arc::clone(&gauge)).await.unwrap();
    assert_eq!(out, items(10));
    assert_eq!(gauge.peak.load(Ordering::SeqCst), 3);
    // ceil(10 / 3) rounds of one second each.
    assert_eq!(start.elapsed(), Duration::from_secs(4));
}

#[tokio::test(start_paused = true)]
async fn max_concurrency_zero_runs_every_iteration_at_once() {
    let gauge = Arc::new(Gauge::default());
    let spec = MapSpec {
        max_concurrency: Some(Number::Fixed(0.0)),
        ..MapSpec::new("Each")
    };
    let start = Instant::now();
    map_with(spec, items(25), Arc::clone(&gauge)).await.unwrap();
    assert_eq!(gauge.peak.load(Ordering::SeqCst), 25);
    assert_eq!(start.elapsed(), Duration::from_secs(1));
}

#[tokio::test(start_paused = true)]
async fn max_concurrency_path_is_read_from_the_input() {
    let gauge = Arc::new(Gauge::default());
    let spec = MapSpec {
        items_path: Some(path("$.items")),
        max_concurrency: Some(Number::Path(path("$.limit"))),
        ..MapSpec::new("Each")
    };
    map_with(
        spec,
        json!({"items": items(6), "limit": 2}),
        Arc::clone(&gauge),
    )
    .await
    .unwrap();
    assert_eq!(gauge.peak.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn iterations_that_never_wait_do_not_let_waiting_ones_exceed_max_concurrency() {
    let gauge = Arc::new(Gauge::default());
    let spec = MapSpec {
        max_concurrency: Some(Number::Fixed(2.0)),
        ..MapSpec::new("Each")
    };
    let input = json!([
        {"secs": 0}, {"secs": 1}, {"secs": 0}, {"secs": 1},
        {"secs": 1}, {"secs": 0}, {"secs": 1}, {"secs": 0}
    ]);
    let start = Instant::now();
    let out = map_with(spec, input.clone(), Arc::clone(&gauge))
        .await
        .unwrap();
    assert_eq!(out, input);
    assert_eq!(gauge.peak.load(Ordering::SeqCst), 2);
    // Four one-second iterations, two at a time.
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn an_iteration_failing_without_waiting_cancels_the_started_and_skips_the_rest() {
    let gauge = Arc::new(Gauge::default());
    let input = json!([{"secs": 100}, {"secs": 0, "fail": "Item.Broken"}, {"secs": 100}]);
    let start = Instant::now();
    let err = map_with(MapSpec::new("Each"), input, Arc::clone(&gauge))
        .await
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("Item.Broken"));
    assert_eq!(start.elapsed(), Duration::ZERO);
    tokio::time::sleep(Duration::from_secs(200)).await;
    // The first iteration was cancelled while holding the gauge; the third never started.
    assert_eq!(gauge.now.load(Ordering::SeqCst), 1);
    assert_eq!(gauge.peak.load(Ordering::SeqCst), 1);
}

#[tokio::test(start_paused = true)]
async fn results_keep_item_order_when_iterations_finish_out_of_order() {
    let input = json!([{"secs": 3}, {"secs": 1}, {"secs": 2}]);
    let out = map_with(MapSpec::new("Each"), input.clone(), Arc::default())
        .await
        .unwrap();
    assert_eq!(out, input);
}

#[tokio::test(start_paused = true)]
async fn a_failed_iteration_fails_the_map_with_its_own_error_and_stops_the_rest() {
    let gauge = Arc::new(Gauge::default());
    let input = json!([{"secs": 100}, {"secs": 1, "fail": "Item.Broken"}, {"secs": 100}]);
    let start = Instant::now();
    let err = map_with(MapSpec::new("Each"), input, Arc::clone(&gauge))
        .await
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("Item.Broken"));
    assert_eq!(start.elapsed(), Duration::from_secs(1));
    // The two long iterations were cancelled while holding the gauge.
    tokio::time::sleep(Duration::from_secs(200)).await;
    assert_eq!(gauge.now.load(Ordering::SeqCst), 2);
}

#[tokio::test(start_paused = true)]
async fn tolerated_failures_let_the_map_succeed() {
    let spec = MapSpec {
        tolerated_failure_count: Some(Number::Fixed(1.0)),
        ..MapSpec::new("Each")
    };
    let input = json!([{"i": 0}, {"fail": "Oops"}, {"i": 2}]);
    let out = map_with(spec, input, Arc::default()).await.unwrap();
    assert_eq!(out[0], json!({"i": 0}));
    assert_eq!(out[1]["Error"], json!("Oops"));
}

#[tokio::test(start_paused = true)]
async fn failures_over_the_tolerated_count_exceed_the_threshold() {
    let spec = MapSpec {
        tolerated_failure_count: Some(Number::Fixed(1.0)),
        ..MapSpec::new("Each")
    };
    let input = json!([{"fail": "A"}, {"fail": "B"}, {"i": 2}]);
    let err = map_with(spec, input, Arc::default()).await.unwrap_err();
    assert_eq!(
        err.error.as_deref(),
        Some("States.ExceedToleratedFailureThreshold")
    );
}

#[tokio::test(start_paused = true)]
async fn items_path_must_point_to_an_array() {
    let spec = MapSpec {
        items_path: Some(path("$.items")),
        ..MapSpec::new("Each")
    };
    let err = map_with(spec, json!({"items": {"a": 1}}), Arc::default())
        .await
        .unwrap_err();
    assert_eq!(err.error.as_deref(), Some("States.Runtime"));
}

#[tokio::test(start_paused = true)]
async fn item_selector_sees_the_map_item_index_and_value() {
    let spec = MapSpec {
        items_path: Some(path("$.names")),
        item_selector: Some(
            Template::compile(&json!({
                "index.$": "$$.Map.Item.Index",
                "name.$": "$$.Map.Item.Value",
                "tag.$": "$.tag"
            }))
            .unwrap(),
        ),
        ..MapSpec::new("Each")
    };
    let out = map_with(
        spec,
        json!({"names": ["a", "b"], "tag": "t"}),
        Arc::default(),
    )
    .await
    .unwrap();
    assert_eq!(
        out,
        json!([{"index": 0, "name": "a", "tag": "t"}, {"index": 1, "name": "b", "tag": "t"}])
    );
}

async fn parallel(spec: ParallelSpec, input: Value) -> asl_runtime::ExecutionResult {
    let rt = runtime();
    let exec = rt.start(
        &MACHINE,
        input,
        StartOptions::default(),
        move |mut ctx, input| async move {
            let outcome = run_parallel(
                &mut ctx,
                &spec,
                input,
                |index, _child, input| -> BranchFuture {
                    Box::pin(async move {
                        match index {
                            0 => {
                                tokio::time::sleep(Duration::from_secs(2)).await;
                                Ok(json!({"branch": 0, "input": input}))
                            }
                            1 => {
                                tokio::time::sleep(Duration::from_secs(1)).await;
                                if input.get("fail").is_some() {
                                    return Err(StatesError::new(
                                        "Branch.Custom",
                                        "branch one failed",
                                    ));
                                }
                                Ok(json!({"branch": 1}))
                            }
                            _ => Ok(Value::Null),
                        }
                    })
                },
            )
            .await;
            settle(outcome)
        },
    );
    exec.result().await
}

#[tokio::test(start_paused = true)]
async fn parallel_branches_run_at_once_and_return_in_branch_order() {
    let start = Instant::now();
    let result = parallel(ParallelSpec::new("Both", 2), json!({"x": 1})).await;
    assert_eq!(
        result.output(),
        Some(&json!([{"branch": 0, "input": {"x": 1}}, {"branch": 1}]))
    );
    assert_eq!(start.elapsed(), Duration::from_secs(2));
}

#[tokio::test(start_paused = true)]
async fn a_failed_branch_propagates_its_own_error_name() {
    let result = parallel(ParallelSpec::new("Both", 2), json!({"fail": true})).await;
    assert_eq!(result.error(), Some("Branch.Custom"));
}

#[tokio::test(start_paused = true)]
async fn a_catch_on_parallel_sees_the_branch_error() {
    let spec = ParallelSpec {
        catch: vec![Catcher::new(&["Branch.Custom"])],
        ..ParallelSpec::new("Both", 2)
    };
    let result = parallel(spec, json!({"fail": true})).await;
    assert_eq!(
        result.output().unwrap()["output"]["Error"],
        json!("Branch.Custom")
    );
}

#[tokio::test(start_paused = true)]
async fn a_retrier_on_the_map_reruns_every_iteration() {
    let runs = Arc::new(AtomicUsize::new(0));
    let counted = Arc::clone(&runs);
    let rt = runtime();
    let spec = MapSpec {
        retry: vec![asl_runtime::Retrier {
            max_attempts: 1,
            ..asl_runtime::Retrier::new(&["Once"])
        }],
        ..MapSpec::new("Each")
    };
    let exec = rt.start(
        &MACHINE,
        json!([1, 2, 3]),
        StartOptions::default(),
        move |mut ctx, input| async move {
            let outcome = run_map(&mut ctx, &spec, input, move |_child, item| {
                let n = counted.fetch_add(1, Ordering::SeqCst);
                async move {
                    // The very first iteration run fails once; the retry re-runs all three.
                    if n == 0 {
                        return Err(StatesError::new("Once", "first try"));
                    }
                    Ok(item)
                }
            })
            .await;
            settle(outcome)
        },
    );
    assert_eq!(exec.result().await.output(), Some(&json!([1, 2, 3])));
    assert!(runs.load(Ordering::SeqCst) >= 4);
}

#[tokio::test(start_paused = true)]
async fn a_negative_tolerated_failure_count_is_a_runtime_error_in_aws_words() {
    let spec = MapSpec {
        tolerated_failure_count: Some(Number::Path(path("$.n"))),
        items_path: Some(path("$.items")),
        ..MapSpec::new("Each")
    };
    let err = map_with(spec, json!({"items": [1], "n": -1}), Arc::default())
        .await
        .unwrap_err();
    assert_eq!(
        err.cause.as_deref(),
        Some(
            "An error occurred while executing the state 'Each' (entered at the event id #2). ToleratedFailureCount cannot be negative."
        )
    );
}

#[tokio::test(start_paused = true)]
async fn a_max_concurrency_path_value_that_is_not_an_integer_is_quoted_bare() {
    let spec = MapSpec {
        max_concurrency: Some(Number::Path(path("$.limit"))),
        items_path: Some(path("$.items")),
        ..MapSpec::new("Each")
    };
    let err = map_with(spec, json!({"items": [1], "limit": "lots"}), Arc::default())
        .await
        .unwrap_err();
    assert!(
        err.cause.as_deref().unwrap_or_default().ends_with(
            "The MaxConcurrencyPath field refers to value \"lots\" which is not a valid integer: $.limit"
        ),
        "{err}"
    );
}
