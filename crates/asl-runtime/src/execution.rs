//! Runtimes and executions: start a state machine, await its result, stop it, read its history.

use std::future::Future;
use std::sync::Arc;
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tokio::sync::{oneshot, watch};
use tracing::Instrument;

use crate::clock::{Clock, TokioClock};
use crate::context::{ContextBase, History, StateContext};
use crate::error::{StatesError, names};
use crate::history::{EventType, HistoryEvent};
use crate::limits::check_payload_size;
use crate::spec::MachineSpec;
use crate::token::TaskTokens;
use crate::variables::Variables;

pub(crate) struct RuntimeInner {
    pub(crate) clock: Arc<dyn Clock>,
    pub(crate) tokens: TaskTokens,
    region: String,
    account: String,
    record_history: bool,
}

/// Runs executions: owns the clock and the task-token registry. Cheap to clone.
#[derive(Clone)]
pub struct Runtime {
    inner: Arc<RuntimeInner>,
}

impl std::fmt::Debug for Runtime {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Runtime")
            .field("region", &self.inner.region)
            .field("account", &self.inner.account)
            .finish()
    }
}

impl Default for Runtime {
    fn default() -> Self {
        Self::new()
    }
}

/// Options of one execution.
#[derive(Debug, Clone, Default)]
pub struct StartOptions {
    /// The execution's name (`$$.Execution.Name`); a random one when `None`.
    pub name: Option<String>,
}

impl Runtime {
    /// A runtime on tokio's clock, recording history.
    pub fn new() -> Self {
        Self::with_clock(Arc::new(TokioClock::new()))
    }

    /// A runtime on the given clock.
    pub fn with_clock(clock: Arc<dyn Clock>) -> Self {
        Self::build(clock, "us-east-1", "123456789012", true)
    }

    fn build(clock: Arc<dyn Clock>, region: &str, account: &str, record_history: bool) -> Self {
        Runtime {
            inner: Arc::new(RuntimeInner {
                tokens: TaskTokens::new(Arc::clone(&clock)),
                clock,
                region: region.to_owned(),
                account: account.to_owned(),
                record_history,
            }),
        }
    }

    /// The same settings with another region and account in the ARNs of the context object.
    pub fn with_account(self, region: &str, account: &str) -> Self {
        let inner = &self.inner;
        Self::build(
            Arc::clone(&inner.clock),
            region,
            account,
            inner.record_history,
        )
    }

    /// The same settings without recording history (faster; `history()` is then empty).
    pub fn without_history(self) -> Self {
        let inner = &self.inner;
        Self::build(
            Arc::clone(&inner.clock),
            &inner.region,
            &inner.account,
            false,
        )
    }

    /// The handle workers answer task tokens with.
    pub fn task_tokens(&self) -> TaskTokens {
        self.inner.tokens.clone()
    }

    /// The runtime's clock.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.inner.clock
    }

    /// Starts an execution of `machine` on `input`: spawns `run` (the generated run loop) as a
    /// tokio task. Must be called inside a tokio runtime.
    pub fn start<F, Fut>(
        &self,
        machine: &MachineSpec,
        input: Value,
        options: StartOptions,
        run: F,
    ) -> Execution
    where
        F: FnOnce(StateContext, Value) -> Fut,
        Fut: Future<Output = Result<Value, StatesError>> + Send + 'static,
    {
        let name = options.name.unwrap_or_else(random_name);
        let region = &self.inner.region;
        let account = &self.inner.account;
        let machine_id = format!(
            "arn:aws:states:{region}:{account}:stateMachine:{}",
            machine.name
        );
        let arn = format!(
            "arn:aws:states:{region}:{account}:execution:{}:{name}",
            machine.name
        );
        let base = ContextBase {
            execution_id: arn.clone(),
            execution_name: name,
            input: input.clone(),
            role_arn: format!("arn:aws:iam::{account}:role/StepFunctionsExecutionRole"),
            start_time: self.inner.clock.now(),
            machine_id,
            machine_name: machine.name.to_owned(),
        };
        let shared = Arc::new(ExecutionShared {
            runtime: Arc::clone(&self.inner),
            history: self.inner.record_history.then(History::new),
            arn: arn.clone(),
        });
        shared.record(
            EventType::ExecutionStarted,
            json!({"input": input, "roleArn": base.role_arn, "stateMachineArn": base.machine_id}),
        );
        let ctx = StateContext::new(Arc::clone(&shared), base.to_value(), Variables::new());
        let too_big = check_payload_size(&input, "execution input").err();
        let body = run(ctx, input);
        let (result_tx, result_rx) = watch::channel(None);
        let (stop_tx, stop_rx) = oneshot::channel::<StatesError>();
        let clock = Arc::clone(&self.inner.clock);
        let timeout = machine.timeout_seconds.map(Duration::from_secs);
        let span = tracing::info_span!("execution", machine = machine.name, arn = %arn);
        let task_shared = Arc::clone(&shared);
        tokio::spawn(
            async move {
                let result = match too_big {
                    Some(err) => ExecutionResult::Failed {
                        error: err.error,
                        cause: err.cause,
                    },
                    None => supervise(body, stop_rx, clock, timeout).await,
                };
                let result = check_output(result);
                task_shared.record_end(&result);
                tracing::debug!(status = result.status(), "execution ended");
                let _ = result_tx.send(Some(result));
            }
            .instrument(span),
        );
        Execution {
            arn,
            shared,
            result: result_rx,
            stop: std::sync::Mutex::new(Some(stop_tx)),
        }
    }
}

/// Runs the body until it ends, the execution times out, or it is stopped.
async fn supervise<Fut>(
    body: Fut,
    stop: oneshot::Receiver<StatesError>,
    clock: Arc<dyn Clock>,
    timeout: Option<Duration>,
) -> ExecutionResult
where
    Fut: Future<Output = Result<Value, StatesError>> + Send,
{
    let timer = async {
        match timeout {
            Some(t) => clock.sleep(t).await,
            None => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        outcome = body => match outcome {
            Ok(output) => ExecutionResult::Succeeded { output },
            Err(err) => ExecutionResult::Failed { error: err.error, cause: err.cause },
        },
        () = timer => ExecutionResult::TimedOut,
        err = stopped(stop) => ExecutionResult::Aborted { error: err.error, cause: err.cause },
    }
}

/// The stop request; never completes when the handle was dropped without stopping.
async fn stopped(stop: oneshot::Receiver<StatesError>) -> StatesError {
    match stop.await {
        Ok(err) => err,
        Err(_) => std::future::pending().await,
    }
}

fn check_output(result: ExecutionResult) -> ExecutionResult {
    if let ExecutionResult::Succeeded { output } = &result
        && let Err(err) = check_payload_size(output, "execution output")
    {
        return ExecutionResult::Failed {
            error: err.error,
            cause: err.cause,
        };
    }
    result
}

/// A random execution name (like the UUIDs the console uses).
fn random_name() -> String {
    let mut bytes = [0u8; 16];
    if getrandom::fill(&mut bytes).is_err() {
        // Unique enough within a process when the OS source is unavailable.
        let nanos = SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .unwrap_or_default()
            .as_nanos();
        bytes = nanos.to_le_bytes();
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[0..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..32]
    )
}

/// What an execution shares among its states.
pub(crate) struct ExecutionShared {
    pub(crate) runtime: Arc<RuntimeInner>,
    history: Option<History>,
    pub(crate) arn: String,
}

impl ExecutionShared {
    pub(crate) fn records_history(&self) -> bool {
        self.history.is_some()
    }

    pub(crate) fn record(&self, event_type: EventType, details: Value) {
        if let Some(history) = &self.history {
            history.push(self.runtime.clock.now(), event_type, details);
        }
    }

    fn record_end(&self, result: &ExecutionResult) {
        let (event_type, details) = match result {
            ExecutionResult::Succeeded { output } => {
                (EventType::ExecutionSucceeded, json!({"output": output}))
            }
            ExecutionResult::Failed { error, cause } => (
                EventType::ExecutionFailed,
                json!({"error": error, "cause": cause}),
            ),
            ExecutionResult::TimedOut => (
                EventType::ExecutionTimedOut,
                json!({"error": names::TIMEOUT}),
            ),
            ExecutionResult::Aborted { error, cause } => (
                EventType::ExecutionAborted,
                json!({"error": error, "cause": cause}),
            ),
        };
        self.record(event_type, details);
    }
}

/// How an execution ended.
#[derive(Debug, Clone, PartialEq)]
pub enum ExecutionResult {
    /// `SUCCEEDED` with its output.
    Succeeded { output: Value },
    /// `FAILED` with the error and cause of the failure (either may be absent).
    Failed {
        error: Option<String>,
        cause: Option<String>,
    },
    /// `TIMED_OUT`: the machine's `TimeoutSeconds` passed (error `States.Timeout`).
    TimedOut,
    /// `ABORTED` by [`Execution::stop`].
    Aborted {
        error: Option<String>,
        cause: Option<String>,
    },
}

impl ExecutionResult {
    /// `"SUCCEEDED"`, `"FAILED"`, `"TIMED_OUT"` or `"ABORTED"`.
    pub fn status(&self) -> &'static str {
        match self {
            ExecutionResult::Succeeded { .. } => "SUCCEEDED",
            ExecutionResult::Failed { .. } => "FAILED",
            ExecutionResult::TimedOut => "TIMED_OUT",
            ExecutionResult::Aborted { .. } => "ABORTED",
        }
    }

    /// The output of a succeeded execution.
    pub fn output(&self) -> Option<&Value> {
        match self {
            ExecutionResult::Succeeded { output } => Some(output),
            _ => None,
        }
    }

    /// The error name of a failed, timed-out or aborted execution.
    pub fn error(&self) -> Option<&str> {
        match self {
            ExecutionResult::Failed { error, .. } | ExecutionResult::Aborted { error, .. } => {
                error.as_deref()
            }
            ExecutionResult::TimedOut => Some(names::TIMEOUT),
            ExecutionResult::Succeeded { .. } => None,
        }
    }

    /// The cause of a failed or aborted execution.
    pub fn cause(&self) -> Option<&str> {
        match self {
            ExecutionResult::Failed { cause, .. } | ExecutionResult::Aborted { cause, .. } => {
                cause.as_deref()
            }
            _ => None,
        }
    }
}

/// A started execution.
pub struct Execution {
    arn: String,
    shared: Arc<ExecutionShared>,
    result: watch::Receiver<Option<ExecutionResult>>,
    stop: std::sync::Mutex<Option<oneshot::Sender<StatesError>>>,
}

impl std::fmt::Debug for Execution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Execution").field("arn", &self.arn).finish()
    }
}

impl Execution {
    /// The execution's ARN (`$$.Execution.Id`).
    pub fn arn(&self) -> &str {
        &self.arn
    }

    /// Waits until the execution ends and returns how.
    pub async fn result(&self) -> ExecutionResult {
        let mut rx = self.result.clone();
        loop {
            if let Some(result) = rx.borrow_and_update().clone() {
                return result;
            }
            if rx.changed().await.is_err() {
                // The execution task ended without reporting (it panicked).
                return ExecutionResult::Failed {
                    error: Some(names::RUNTIME.to_owned()),
                    cause: Some("the execution ended unexpectedly".to_owned()),
                };
            }
        }
    }

    /// The result if the execution has ended.
    pub fn try_result(&self) -> Option<ExecutionResult> {
        self.result.borrow().clone()
    }

    /// Stops the execution (`StopExecution`): it ends `ABORTED` with this error and cause; open
    /// task tokens are closed. Returns `false` when it had already ended or been stopped.
    pub fn stop(&self, error: Option<&str>, cause: Option<&str>) -> bool {
        if self.result.borrow().is_some() {
            return false;
        }
        let sender = match self.stop.lock() {
            Ok(mut g) => g.take(),
            Err(p) => p.into_inner().take(),
        };
        match sender {
            Some(tx) => tx
                .send(StatesError {
                    error: error.map(str::to_owned),
                    cause: cause.map(str::to_owned),
                })
                .is_ok(),
            None => false,
        }
    }

    /// The history so far, events in order.
    pub fn history(&self) -> Vec<HistoryEvent> {
        match &self.shared.history {
            Some(history) => history.snapshot(),
            None => Vec::new(),
        }
    }
}
