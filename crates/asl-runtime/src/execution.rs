//! Runtimes and executions: start a state machine, await its result, stop it, read its history.

use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::time::{Duration, SystemTime};

use serde_json::{Value, json};
use tokio::sync::Notify;
use tracing::Instrument;

use crate::clock::{Clock, TokioClock};
use crate::context::{ExecutionInfo, History, StateContext, machine_arn, role_arn};
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
        let prefix = format!(
            "arn:aws:states:{region}:{account}:execution:{}:",
            machine.name
        );
        let too_big = check_payload_size(&input, "execution input").err();
        let shared = Arc::new(ExecutionShared {
            runtime: Arc::clone(&self.inner),
            history: self.inner.record_history.then(History::new),
            end: Mutex::new(End::default()),
            events: AtomicU64::new(0),
            ended: Notify::new(),
            stop_requested: Notify::new(),
            info: ExecutionInfo {
                name_at: prefix.len(),
                arn: prefix + &name,
                input: serde_json::to_string(&input).unwrap_or_default(),
                start_time: self.inner.clock.now(),
                machine_name: machine.name,
            },
        });
        shared.record(EventType::ExecutionStarted, || {
            json!({
                "input": input,
                "roleArn": role_arn(account),
                "stateMachineArn": machine_arn(region, account, machine.name),
            })
        });
        let ctx = StateContext::new(Arc::clone(&shared), Variables::new());
        // Boxed once: moving the body through `supervise` and `select!` would otherwise keep
        // several copies of its state in the spawned task.
        let body: Pin<Box<dyn Future<Output = Result<Value, StatesError>> + Send>> =
            Box::pin(run(ctx, input));
        let clock = Arc::clone(&self.inner.clock);
        let timeout = machine.timeout_seconds.map(Duration::from_secs);
        let span = tracing::info_span!("execution", machine = machine.name, arn = %shared.info.arn);
        let task_shared = Arc::clone(&shared);
        tokio::spawn(
            async move {
                // Reports a failure if the body panics, so `result()` never waits forever.
                let guard = EndGuard(&task_shared);
                let result = match too_big {
                    Some(err) => ExecutionResult::Failed {
                        error: err.error,
                        cause: err.cause,
                    },
                    None => supervise(body, &task_shared, clock, timeout).await,
                };
                let result = check_output(result);
                task_shared.record_end(&result);
                tracing::debug!(status = result.status(), "execution ended");
                guard.finish(result);
            }
            .instrument(span),
        );
        Execution { shared }
    }
}

/// Runs the body until it ends, the execution times out, or it is stopped.
async fn supervise(
    body: Pin<Box<dyn Future<Output = Result<Value, StatesError>> + Send>>,
    shared: &ExecutionShared,
    clock: Arc<dyn Clock>,
    timeout: Option<Duration>,
) -> ExecutionResult {
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
        err = shared.stopped() => ExecutionResult::Aborted { error: err.error, cause: err.cause },
    }
}

/// Sets the execution's result exactly once, also when the task unwinds.
struct EndGuard<'a>(&'a ExecutionShared);

impl EndGuard<'_> {
    fn finish(self, result: ExecutionResult) {
        self.0.set_result(result);
    }
}

impl Drop for EndGuard<'_> {
    fn drop(&mut self) {
        // No-op when `finish` already set the result.
        self.0.set_result(ExecutionResult::Failed {
            error: Some(names::RUNTIME.to_owned()),
            cause: Some("the execution ended unexpectedly".to_owned()),
        });
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
    pub(crate) info: ExecutionInfo,
    /// The result once ended, and a stop request while running (one small lock, two wake-ups:
    /// lighter than channels for a million parked executions).
    end: Mutex<End>,
    /// Events so far (counted even when the history is not kept).
    events: AtomicU64,
    ended: Notify,
    stop_requested: Notify,
}

#[derive(Default)]
struct End {
    result: Option<ExecutionResult>,
    stop: Option<StatesError>,
}

impl ExecutionShared {
    fn end(&self) -> MutexGuard<'_, End> {
        match self.end.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        }
    }

    fn set_result(&self, result: ExecutionResult) {
        let mut end = self.end();
        if end.result.is_none() {
            end.result = Some(result);
            drop(end);
            self.ended.notify_waiters();
        }
    }

    /// Completes when a stop is requested.
    async fn stopped(&self) -> StatesError {
        loop {
            let notified = self.stop_requested.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if let Some(err) = self.end().stop.clone() {
                return err;
            }
            notified.await;
        }
    }

    /// A freshly built context object (without `State`).
    pub(crate) fn context_value(&self) -> Value {
        self.info
            .to_value(&self.runtime.region, &self.runtime.account)
    }

    pub(crate) fn records_history(&self) -> bool {
        self.history.is_some()
    }

    /// Counts an event (its id is what AWS's messages cite) and, when history is kept, records
    /// it with the details built by `details`. Returns the event's id.
    pub(crate) fn record(&self, event_type: EventType, details: impl FnOnce() -> Value) -> u64 {
        let id = self.events.fetch_add(1, Ordering::Relaxed) + 1;
        if let Some(history) = &self.history {
            history.push(id, self.runtime.clock.now(), event_type, details());
        }
        id
    }

    fn record_end(&self, result: &ExecutionResult) {
        // The details are built only when history is kept: the output may be large.
        let event_type = match result {
            ExecutionResult::Succeeded { .. } => EventType::ExecutionSucceeded,
            ExecutionResult::Failed { .. } => EventType::ExecutionFailed,
            ExecutionResult::TimedOut => EventType::ExecutionTimedOut,
            ExecutionResult::Aborted { .. } => EventType::ExecutionAborted,
        };
        self.record(event_type, || match result {
            ExecutionResult::Succeeded { output } => json!({"output": output}),
            ExecutionResult::Failed { error, cause }
            | ExecutionResult::Aborted { error, cause } => {
                json!({"error": error, "cause": cause})
            }
            ExecutionResult::TimedOut => json!({"error": names::TIMEOUT}),
        });
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

    /// The result as JSON, in the shape `DescribeExecution` reports it: `{"status": "SUCCEEDED",
    /// "output": …}` or `{"status": "FAILED", "error": …, "cause": …}` (`TIMED_OUT` carries
    /// `States.Timeout`).
    pub fn to_json(&self) -> Value {
        match self {
            ExecutionResult::Succeeded { output } => {
                json!({"status": self.status(), "output": output})
            }
            _ => json!({"status": self.status(), "error": self.error(), "cause": self.cause()}),
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
    shared: Arc<ExecutionShared>,
}

impl std::fmt::Debug for Execution {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Execution")
            .field("arn", &self.shared.info.arn)
            .finish()
    }
}

impl Execution {
    /// The execution's ARN (`$$.Execution.Id`).
    pub fn arn(&self) -> &str {
        &self.shared.info.arn
    }

    /// Waits until the execution ends and returns how.
    pub async fn result(&self) -> ExecutionResult {
        loop {
            let notified = self.shared.ended.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if let Some(result) = &self.shared.end().result {
                return result.clone();
            }
            notified.await;
        }
    }

    /// Waits for the end like [`Execution::result`], but gives up the handle and moves the
    /// output out instead of copying it (the generated `run` does not need the handle after).
    pub async fn into_result(self) -> ExecutionResult {
        loop {
            let notified = self.shared.ended.notified();
            let mut notified = std::pin::pin!(notified);
            notified.as_mut().enable();
            if let Some(result) = self.shared.end().result.as_mut() {
                // Only this handle reads the output, and it is consumed here; the stored result
                // stays `Some` with its status, so the execution still counts as ended.
                return match result {
                    ExecutionResult::Succeeded { output } => ExecutionResult::Succeeded {
                        output: std::mem::take(output),
                    },
                    other => other.clone(),
                };
            }
            notified.await;
        }
    }

    /// The result if the execution has ended.
    pub fn try_result(&self) -> Option<ExecutionResult> {
        self.shared.end().result.clone()
    }

    /// Stops the execution (`StopExecution`): it ends `ABORTED` with this error and cause; open
    /// task tokens are closed. Returns `false` when it had already ended or been stopped.
    pub fn stop(&self, error: Option<&str>, cause: Option<&str>) -> bool {
        {
            let mut end = self.shared.end();
            if end.result.is_some() || end.stop.is_some() {
                return false;
            }
            end.stop = Some(StatesError {
                error: error.map(str::to_owned),
                cause: cause.map(str::to_owned),
            });
        }
        self.shared.stop_requested.notify_waiters();
        true
    }

    /// The history so far, events in order.
    pub fn history(&self) -> Vec<HistoryEvent> {
        match &self.shared.history {
            Some(history) => history.snapshot(),
            None => Vec::new(),
        }
    }
}
