use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use asl_runtime::{
    Execution, MachineSpec, Path, Runtime, StartOptions, StateOutcome, StatesError, TaskCall,
    TaskFailure, TaskSpec, TokioClock, run_task,
};
use serde_json::{Value, json};

pub const MACHINE: MachineSpec = MachineSpec {
    name: "TestMachine",
    timeout_seconds: None,
};

/// A runtime whose wall clock starts at 2024-01-01T00:00:00Z.
pub fn runtime() -> Runtime {
    let start = UNIX_EPOCH + Duration::from_secs(1_704_067_200);
    Runtime::with_clock(Arc::new(TokioClock::starting_at(start)))
}

pub fn path(text: &str) -> Path {
    Path::parse(text).unwrap()
}

/// Turns a state outcome into an execution result; a caught failure succeeds with
/// `{"caught": index, "output": …}` so tests can see which catcher fired.
pub fn settle(outcome: StateOutcome) -> Result<Value, StatesError> {
    match outcome {
        StateOutcome::Next(v) => Ok(v),
        StateOutcome::Caught { catcher, output } => {
            Ok(json!({"caught": catcher, "output": output}))
        }
        StateOutcome::Failed(e) => Err(e),
    }
}

/// Starts an execution that runs one Task state.
pub fn start_task<F, Fut>(rt: &Runtime, spec: TaskSpec, input: Value, invoke: F) -> Execution
where
    F: FnMut(TaskCall) -> Fut + Send + 'static,
    Fut: Future<Output = Result<Value, TaskFailure>> + Send + 'static,
{
    rt.start(
        &MACHINE,
        input,
        StartOptions::default(),
        move |mut ctx, input| async move { settle(run_task(&mut ctx, &spec, input, invoke).await) },
    )
}
