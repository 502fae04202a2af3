//! Timings of task tokens and the cost of parked executions.
//! Run with `cargo bench -p asl-runtime --bench tokens` (add `-- PARKED` to change the number of
//! parked executions, default 1,000,000).
//!
//! * token round trip: mint, deliver (the token text to another party), answer with
//!   `send_task_success`, resume the waiter;
//! * callback task round trip: a whole `.waitForTaskToken` Task state (data flow, token, answer)
//!   inside one execution;
//! * parked executions: memory per execution waiting on a callback token.

use std::hint::black_box;
use std::sync::Arc;
use std::time::{Duration, Instant};

use asl_runtime::{
    MachineSpec, Pattern, Runtime, StartOptions, StateOutcome, TaskSpec, TokioClock, run_task,
};
use serde_json::{Value, json};

const LONG: Duration = Duration::from_secs(99_999_999);

fn rss_bytes() -> Option<u64> {
    let statm = std::fs::read_to_string("/proc/self/statm").ok()?;
    let pages: u64 = statm.split_whitespace().nth(1)?.parse().ok()?;
    Some(pages * 4096)
}

async fn token_round_trip(rt: &Runtime, iterations: u32) -> f64 {
    let tokens = rt.task_tokens();
    let start = Instant::now();
    for _ in 0..iterations {
        let mut pending = tokens.mint(LONG, None).unwrap();
        let delivered = pending.token();
        tokens.send_task_success(&delivered, Value::Null).unwrap();
        black_box(pending.wait().await);
    }
    start.elapsed().as_nanos() as f64 / f64::from(iterations)
}

async fn callback_task_round_trip(rt: &Runtime, iterations: u32) -> f64 {
    let machine = MachineSpec {
        name: "Bench",
        timeout_seconds: None,
    };
    let spec = TaskSpec::new(
        "Notify",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Pattern::Callback,
    );
    let exec = rt.start(
        &machine,
        json!({"n": 1}),
        StartOptions::default(),
        move |mut ctx, input| async move {
            let start = Instant::now();
            for _ in 0..iterations {
                let outcome = run_task(&mut ctx, &spec, input.clone(), |call| {
                    let answered = call
                        .tokens
                        .send_task_success(call.token.as_deref().unwrap_or_default(), json!(1));
                    async move {
                        answered.map_err(|e| asl_runtime::TaskFailure::error(e.code()))?;
                        Ok(Value::Null)
                    }
                })
                .await;
                black_box(outcome);
            }
            Ok(json!(
                start.elapsed().as_nanos() as f64 / f64::from(iterations)
            ))
        },
    );
    exec.result()
        .await
        .output()
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN)
}

/// Pass states in a loop inside one execution (what a generated loop does per transition).
async fn pass_transitions(rt: &Runtime, iterations: u32) -> f64 {
    let machine = MachineSpec {
        name: "Loop",
        timeout_seconds: None,
    };
    let spec = asl_runtime::PassSpec {
        result_path: asl_runtime::ResultPathSpec::parse("$.step").unwrap(),
        result: Some(json!(1)),
        ..asl_runtime::PassSpec::new("Step")
    };
    let exec = rt.start(
        &machine,
        json!({"counter": 0}),
        StartOptions::default(),
        move |mut ctx, mut input| async move {
            let start = Instant::now();
            for _ in 0..iterations {
                input = match asl_runtime::run_pass(&mut ctx, &spec, input) {
                    StateOutcome::Next(v) => v,
                    _ => Value::Null,
                };
            }
            black_box(&input);
            Ok(json!(
                start.elapsed().as_nanos() as f64 / f64::from(iterations)
            ))
        },
    );
    exec.result()
        .await
        .output()
        .and_then(Value::as_f64)
        .unwrap_or(f64::NAN)
}

async fn parked(rt: &Runtime, count: usize) {
    let machine = MachineSpec {
        name: "Parked",
        timeout_seconds: None,
    };
    let spec = Arc::new(TaskSpec::new(
        "Wait",
        "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
        Pattern::Callback,
    ));
    let before = rss_bytes().unwrap_or(0);
    let start = Instant::now();
    let mut executions = Vec::with_capacity(count);
    for i in 0..count {
        let spec = Arc::clone(&spec);
        executions.push(rt.start(
            &machine,
            json!({"order": i}),
            StartOptions::default(),
            move |mut ctx, input| async move {
                match run_task(&mut ctx, &spec, input, |_| async { Ok(Value::Null) }).await {
                    StateOutcome::Next(v) => Ok(v),
                    _ => Ok(Value::Null),
                }
            },
        ));
    }
    // Let every execution reach its token.
    while rt.task_tokens().open_count() < count {
        tokio::task::yield_now().await;
    }
    let after = rss_bytes().unwrap_or(0);
    let grown = after.saturating_sub(before);
    println!(
        "{:<48} {:>10} executions, {:.2} GiB resident growth, {:.0} bytes each, started in {:.2} s",
        "parked callback executions",
        count,
        grown as f64 / (1u64 << 30) as f64,
        grown as f64 / count as f64,
        start.elapsed().as_secs_f64()
    );
    for e in &executions {
        e.stop(None, None);
    }
}

fn main() {
    let parked_count = std::env::args()
        .skip(1)
        .find_map(|a| a.parse::<usize>().ok())
        .unwrap_or(1_000_000);
    let tokio = tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
        .expect("a tokio runtime");
    tokio.block_on(async {
        let rt = Runtime::with_clock(Arc::new(TokioClock::new())).without_history();
        token_round_trip(&rt, 10_000).await;
        let ns = token_round_trip(&rt, 200_000).await;
        println!(
            "{:<48} {ns:>10.1} ns",
            "token round trip (mint, answer, resume)"
        );
        let ns = callback_task_round_trip(&rt, 100_000).await;
        println!("{:<48} {ns:>10.1} ns", "callback Task state round trip");
        let ns = pass_transitions(&rt, 1_000_000).await;
        println!("{:<48} {ns:>10.1} ns", "Pass state transition (no history)");
        let with_history = Runtime::with_clock(Arc::new(TokioClock::new()));
        let ns = pass_transitions(&with_history, 100_000).await;
        println!(
            "{:<48} {ns:>10.1} ns",
            "Pass state transition (with history)"
        );
        parked(&rt, parked_count).await;
    });
}
