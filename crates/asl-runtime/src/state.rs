//! State drivers: one function per state type, called by the generated run loop with the state's
//! spec and raw input. Each does the state's whole data flow in AWS's order, its timers, retries
//! and catchers, records history, and says where to go next as a [`StateOutcome`].

use std::borrow::Cow;
use std::future::Future;
use std::pin::{Pin, pin};
use std::time::{Duration, UNIX_EPOCH};

use serde_json::{Map, Value, json};
use tracing::Instrument;

use crate::context::StateContext;
use crate::dataflow::{ResultPathSpec, apply_input_path, apply_output_path, apply_result_path};
use crate::error::{StatesError, error_output, names};
use crate::history::{EventType, StateKind};
use crate::integration::{Pattern, TaskCall, TaskFailure};
use crate::limits::{check_payload_size, fits_payload_limit};
use crate::path::Path;
use crate::retry::{FailureKind, RetryCounters, find_catcher, random_unit};
use crate::spec::{
    Catcher, ChoiceSpec, FAIL_FIELD_KEY, FailField, FailSpec, PassSpec, Retrier, Seconds,
    SucceedSpec, TaskSpec, WaitFor, WaitSpec,
};
use crate::token::{PendingToken, Resolution};
use crate::variables::Assign;

pub use crate::concurrency::{BranchFuture, run_map, run_parallel};

/// Where a state sends the execution.
#[derive(Debug, Clone, PartialEq)]
pub enum StateOutcome {
    /// The state succeeded with this output: go to its `Next` (or end).
    Next(Value),
    /// Catcher number `catcher` (index into the state's `Catch`) handled a failure; `output` is
    /// the error output merged into the raw input by the catcher's `ResultPath`: go to its `Next`.
    Caught { catcher: usize, output: Value },
    /// The state failed and nothing caught it: the execution (or enclosing branch) fails.
    Failed(StatesError),
}

impl StateOutcome {
    /// `Next(output)` or `Failed(error)` from a result.
    pub fn from_result(result: Result<Value, StatesError>) -> Self {
        match result {
            Ok(v) => StateOutcome::Next(v),
            Err(e) => StateOutcome::Failed(e),
        }
    }
}

/// A failure together with what kind of failure it was (a missed heartbeat matches
/// `States.HeartbeatTimeout`).
pub(crate) type Failure = (StatesError, FailureKind);

/// Names the state in a `States.Runtime` cause, as AWS does.
pub(crate) fn located(ctx: &StateContext, outcome: StateOutcome) -> StateOutcome {
    match outcome {
        StateOutcome::Failed(err) => StateOutcome::Failed(ctx.locate(err)),
        other => other,
    }
}

fn plain(err: StatesError) -> Failure {
    (err, FailureKind::Other)
}

// ---------------------------------------------------------------------------------------------
// Shared steps

/// `InputPath` as an owned value.
pub(crate) fn effective_input(
    ctx: &StateContext,
    path: Option<&Path>,
    input: &Value,
) -> Result<Value, StatesError> {
    Ok(apply_input_path(input, path, &ctx.env())?.into_owned())
}

/// Evaluates an `Assign` block (against the variables at state entry) without applying it.
pub(crate) fn eval_assign(
    ctx: &StateContext,
    assign: Option<&Assign>,
    dollar: &Value,
) -> Result<Option<Map<String, Value>>, StatesError> {
    match assign {
        Some(a) => a.evaluate(dollar, &ctx.env()).map(Some),
        None => Ok(None),
    }
}

/// ResultSelector → Assign (with `$` = raw result) → ResultPath → OutputPath → assignment: the
/// tail shared by Task, Map and Parallel.
pub(crate) fn finish_result(
    ctx: &mut StateContext,
    raw_input: Value,
    result: Value,
    result_selector: Option<&crate::template::Template>,
    assign: Option<&Assign>,
    result_path: &ResultPathSpec,
    output_path: Option<&Path>,
) -> Result<Value, StatesError> {
    let assigned = eval_assign(ctx, assign, &result)?;
    let selected = match result_selector {
        Some(t) => t.evaluate(&result, &ctx.env())?,
        None => result,
    };
    let merged = apply_result_path(raw_input, selected, result_path)?;
    let output = apply_output_path(merged, output_path, &ctx.env())?;
    check_size(&output, || {
        format!("output of the state '{}'", ctx.state_name())
    })?;
    if let Some(values) = assigned {
        ctx.variables.assign_all(values);
    }
    Ok(output)
}

/// [`check_payload_size`] naming the payload only when it is too large (most are not).
fn check_size(value: &Value, what: impl FnOnce() -> String) -> Result<(), StatesError> {
    if fits_payload_limit(value) {
        return Ok(());
    }
    check_payload_size(value, &what())
}

/// After retries are exhausted: the first matching catcher, or the failure.
pub(crate) fn catch_or_fail(
    ctx: &mut StateContext,
    kind_of_state: StateKind,
    catchers: &[Catcher],
    raw_input: Value,
    (err, kind): Failure,
) -> StateOutcome {
    let Some(index) = find_catcher(catchers, &err, kind) else {
        return StateOutcome::Failed(err);
    };
    let Some(catcher) = catchers.get(index) else {
        return StateOutcome::Failed(err);
    };
    let error_value = error_output(&err);
    let caught = match &catcher.jsonata {
        // JSONata: Output and Assign see `$states.errorOutput`; `finish` assigns the variables.
        Some(io) => io
            .finish(ctx, &raw_input, None, Some(error_value))
            .map(|output| (None, output)),
        None => eval_assign(ctx, catcher.assign.as_ref(), &error_value).and_then(|assigned| {
            let output = apply_result_path(raw_input, error_value, &catcher.result_path)?;
            Ok((assigned, output))
        }),
    };
    match caught {
        Ok((assigned, output)) => {
            if let Some(values) = assigned {
                ctx.variables.assign_all(values);
            }
            tracing::debug!(catcher = index, error = ?err.error, "caught");
            // AWS closes a caught state with its `…StateExited` event, like a successful one.
            ctx.exit(kind_of_state, &output);
            StateOutcome::Caught {
                catcher: index,
                output,
            }
        }
        Err(e) => StateOutcome::Failed(e),
    }
}

/// Consults the retriers for `failure`; when one applies, waits its interval on the clock, bumps
/// `$$.State.RetryCount` and returns `true`.
pub(crate) async fn retry_after(
    ctx: &mut StateContext,
    retriers: &[Retrier],
    counters: &mut RetryCounters,
    failure: &Failure,
) -> bool {
    let Some(delay) = counters.next_retry(retriers, &failure.0, failure.1, random_unit) else {
        return false;
    };
    tracing::debug!(?delay, attempt = counters.total(), error = ?failure.0.error, "retrying");
    ctx.release_context();
    ctx.clock().sleep(delay).await;
    ctx.set_retry_count(counters.total());
    true
}

/// Reads a `…Path` value that must be a non-negative integer.
fn integer_at(
    ctx: &StateContext,
    path: &Path,
    input: &Value,
    field: &str,
) -> Result<u64, StatesError> {
    let value = path.select(input, &ctx.env(), field)?;
    if let Some(u) = value.as_u64() {
        return Ok(u);
    }
    if value.as_i64().is_some_and(|i| i < 0) {
        return Err(StatesError::runtime(format!(
            "The {field} parameter references a negative value: {} == {value}",
            path.text()
        )));
    }
    // AWS's wording, e.g. `… cannot be parsed as a long value: $.input.waitSeconds == -1.5`.
    Err(StatesError::runtime(format!(
        "The {field} parameter cannot be parsed as a long value: {} == {value}",
        path.text()
    )))
}

fn seconds_value(
    ctx: &StateContext,
    seconds: &Seconds,
    input: &Value,
    field: &str,
) -> Result<u64, StatesError> {
    match seconds {
        Seconds::Fixed(n) => Ok(*n),
        Seconds::Path(p) => {
            let n = integer_at(ctx, p, input, field)?;
            if n == 0 {
                return Err(StatesError::runtime(format!(
                    "The {field} field must be a positive integer, got 0"
                )));
            }
            Ok(n)
        }
        Seconds::Jsonata(v) => {
            let field = field.trim_end_matches("Path");
            let n = crate::jsonata::integer(v, input, &ctx.env(), field)?;
            if n == 0 {
                return Err(crate::jsonata::query_error(format!(
                    "The {field} field must be a positive integer, got 0"
                )));
            }
            Ok(n)
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Task

/// Runs a Task state: InputPath → (TimeoutSeconds/HeartbeatSeconds) → Parameters → the call
/// through `invoke` (one call per attempt) → ResultSelector → ResultPath → OutputPath, Assign;
/// Retry and Catch on failure.
///
/// For [`Pattern::Callback`] a fresh token is minted per attempt and put in `$$.Task.Token` (so
/// `Parameters` can read it); `invoke` delivers it and the driver then waits for
/// `SendTaskSuccess`/`SendTaskFailure`, a missed heartbeat or the timeout, whichever is first.
/// For run-a-job patterns `invoke`'s result is the job's result; the job may send heartbeats
/// and may be completed early through its token. A request-response call is bounded by
/// `TimeoutSeconds` only.
pub async fn run_task<F, Fut>(
    ctx: &mut StateContext,
    spec: &TaskSpec,
    input: Value,
    mut invoke: F,
) -> StateOutcome
where
    F: FnMut(TaskCall) -> Fut + Send,
    Fut: Future<Output = Result<Value, TaskFailure>> + Send,
{
    let span = tracing::debug_span!("state", name = spec.name, kind = "Task");
    async move {
        ctx.enter(spec.name, StateKind::Task, &input);
        let mut counters = RetryCounters::new(spec.retry.len());
        loop {
            match task_attempt(ctx, spec, &input, &mut invoke).await {
                Ok(result) => {
                    let finished = match &spec.jsonata {
                        Some(io) => io.finish(ctx, &input, Some(result), None),
                        None => finish_result(
                            ctx,
                            input,
                            result,
                            spec.result_selector.as_ref(),
                            spec.assign.as_ref(),
                            &spec.result_path,
                            spec.output_path.as_ref(),
                        ),
                    };
                    return match finished {
                        Ok(output) => {
                            ctx.exit(StateKind::Task, &output);
                            StateOutcome::Next(output)
                        }
                        Err(e) => StateOutcome::Failed(ctx.locate(e)),
                    };
                }
                Err(failure) => {
                    if retry_after(ctx, &spec.retry, &mut counters, &failure).await {
                        continue;
                    }
                    let outcome = catch_or_fail(ctx, StateKind::Task, &spec.catch, input, failure);
                    return located(ctx, outcome);
                }
            }
        }
    }
    .instrument(span)
    .await
}

/// One attempt: returns the raw result.
async fn task_attempt<F, Fut>(
    ctx: &mut StateContext,
    spec: &TaskSpec,
    input: &Value,
    invoke: &mut F,
) -> Result<Value, Failure>
where
    F: FnMut(TaskCall) -> Fut + Send,
    Fut: Future<Output = Result<Value, TaskFailure>> + Send,
{
    // Preparation is synchronous and scoped to a block, so neither its temporaries nor the call
    // take room in the parked future; the integration future and the token live here once and
    // the waiting helpers borrow them.
    let mut pending: Option<PendingToken>;
    let timeout: Duration;
    let mut future = pin!({
        let (call, token, limit) = prepare_task(ctx, spec, input).map_err(plain)?;
        pending = token;
        timeout = limit;
        invoke(call)
    });
    // A waiting task keeps only what it needs: the context object is rebuilt afterwards.
    ctx.release_context();
    let outcome = match pending.as_mut() {
        None => race_timeout(ctx, future.as_mut(), timeout).await,
        Some(token) => await_token(ctx, spec, token, future.as_mut()).await,
    };
    record_task_end(ctx, spec, &outcome)?;
    outcome
}

/// InputPath, the timers, the token, Parameters: everything before the call.
fn prepare_task(
    ctx: &mut StateContext,
    spec: &TaskSpec,
    input: &Value,
) -> Result<(TaskCall, Option<PendingToken>, Duration), StatesError> {
    let effective = effective_input(ctx, spec.input_path.as_ref(), input)?;
    let timeout = seconds_value(ctx, &spec.timeout, &effective, "TimeoutSecondsPath")?;
    let heartbeat = match &spec.heartbeat {
        Some(s) => Some(seconds_value(ctx, s, &effective, "HeartbeatSecondsPath")?),
        None => None,
    };
    let timeout_d = Duration::from_secs(timeout);
    let heartbeat_d = heartbeat.map(Duration::from_secs);
    // `Credentials` read the effective input, like `Parameters`.
    let credentials = match &spec.credentials {
        Some(template) => Some(template.evaluate(&effective, &ctx.env())?),
        None => None,
    };

    // Callback and run-a-job tasks get a token before Parameters, so `$$.Task.Token` resolves.
    let pending = match spec.pattern {
        Pattern::RequestResponse => None,
        _ => Some(
            ctx.task_tokens()
                .mint(timeout_d, heartbeat_d)
                .map_err(|e| StatesError::runtime(format!("cannot mint a task token: {e}")))?,
        ),
    };
    let token = pending.as_ref().map(PendingToken::token);
    let call_context = match &token {
        Some(t) => ctx.with_task_token(t),
        None => ctx.context_object().clone(),
    };
    let (parameters, call_context) = match (&spec.parameters, &spec.arguments) {
        (_, Some(arguments)) => {
            // Arguments see `$states.context` with `Task.Token`, like Parameters.
            let saved = ctx.swap_context(Some(call_context));
            let states = crate::jsonata::StatesData {
                input: Some(&effective),
                ..Default::default()
            };
            let evaluated = arguments.evaluate(states, &ctx.env());
            let call_context = ctx.swap_context(saved).unwrap_or_default();
            (evaluated?, call_context)
        }
        (Some(template), None) => {
            // Parameters see the context object with `Task.Token`.
            let saved = ctx.swap_context(Some(call_context));
            let evaluated = template.evaluate(&effective, &ctx.env());
            let call_context = ctx.swap_context(saved).unwrap_or_default();
            (evaluated?, call_context)
        }
        (None, None) => (effective, call_context),
    };
    check_size(&parameters, || format!("input of the task '{}'", spec.name))?;

    ctx.record(EventType::TaskScheduled, || {
        json!({
            "resource": spec.resource,
            "parameters": parameters,
            "timeoutInSeconds": timeout,
            "heartbeatInSeconds": heartbeat,
        })
    });
    ctx.record(
        EventType::TaskStarted,
        || json!({"resource": spec.resource}),
    );
    let call = TaskCall {
        resource: spec.resource,
        pattern: spec.pattern,
        parameters,
        context: call_context,
        state_name: spec.name,
        token,
        tokens: ctx.task_tokens().clone(),
        credentials,
    };
    Ok((call, pending, timeout_d))
}

/// A request-response call, bounded by `TimeoutSeconds`.
async fn race_timeout<Fut>(
    ctx: &StateContext,
    future: Pin<&mut Fut>,
    timeout: Duration,
) -> Result<Value, Failure>
where
    Fut: Future<Output = Result<Value, TaskFailure>> + Send,
{
    let sleep = ctx.clock().sleep(timeout);
    tokio::select! {
        result = future => result.map_err(|f| (StatesError::from(f), FailureKind::Other)),
        () = sleep => Err((timeout_error(), FailureKind::Other)),
    }
}

/// A callback or run-a-job call: the integration's own result races the token's resolution
/// (an answer, a missed heartbeat, the timeout); the token decides, exactly once.
async fn await_token<Fut>(
    ctx: &StateContext,
    spec: &TaskSpec,
    pending: &mut PendingToken,
    mut future: Pin<&mut Fut>,
) -> Result<Value, Failure>
where
    Fut: Future<Output = Result<Value, TaskFailure>> + Send,
{
    let mut delivered = false;
    loop {
        tokio::select! {
            // The integration first: its own answer (or submission) is recorded before
            // a resolution that arrived meanwhile is taken.
            biased;
            result = future.as_mut(), if !delivered => {
                delivered = true;
                match result {
                    Ok(value) => {
                        if spec.pattern == Pattern::Callback {
                            ctx.record(EventType::TaskSubmitted, || json!({"resource": spec.resource}));
                        } else {
                            // The job finished; this loses if a token answer came first.
                            pending.resolve(Resolution::Success(value));
                        }
                    }
                    Err(failure) => {
                        pending.resolve(Resolution::Failure {
                            error: failure.error,
                            cause: failure.cause,
                        });
                    }
                }
            }
            resolution = pending.wait() => break resolution,
        }
    }
    .into_result()
}

/// `TaskSucceeded` / `TaskFailed` / `TaskTimedOut`, and the size check of the result.
fn record_task_end(
    ctx: &StateContext,
    spec: &TaskSpec,
    outcome: &Result<Value, Failure>,
) -> Result<(), Failure> {
    match outcome {
        Ok(value) => {
            check_size(value, || format!("output of the task '{}'", spec.name)).map_err(plain)?;
            ctx.record(
                EventType::TaskSucceeded,
                || json!({"resource": spec.resource, "output": value}),
            );
        }
        Err((err, _)) => {
            let event = if err.is(names::TIMEOUT) {
                EventType::TaskTimedOut
            } else {
                EventType::TaskFailed
            };
            ctx.record(
                event,
                || json!({"resource": spec.resource, "error": err.error, "cause": err.cause}),
            );
        }
    }
    Ok(())
}

fn timeout_error() -> StatesError {
    StatesError::named(names::TIMEOUT)
}

impl Resolution {
    fn into_result(self) -> Result<Value, Failure> {
        match self {
            Resolution::Success(value) => Ok(value),
            Resolution::Failure { error, cause } => {
                Err((StatesError { error, cause }, FailureKind::Other))
            }
            Resolution::TimedOut => Err((timeout_error(), FailureKind::Other)),
            Resolution::HeartbeatTimedOut => Err((timeout_error(), FailureKind::Heartbeat)),
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Pass, Wait, Succeed, Fail, Choice

/// Runs a Pass state: InputPath → Parameters → `Result` (a literal) → Assign (`$` = the result)
/// → ResultPath → OutputPath.
pub fn run_pass(ctx: &mut StateContext, spec: &PassSpec, input: Value) -> StateOutcome {
    let _span = tracing::debug_span!("state", name = spec.name, kind = "Pass").entered();
    ctx.enter(spec.name, StateKind::Pass, &input);
    let run = |ctx: &mut StateContext| -> Result<Value, StatesError> {
        if let Some(io) = &spec.jsonata {
            return io.finish(ctx, &input, None, None);
        }
        let passes_input = spec.result.is_none()
            && spec.parameters.is_none()
            && spec.input_path.as_ref().is_some_and(Path::is_identity);
        if passes_input {
            // The result is the input itself: move it through instead of copying it.
            let assigned = eval_assign(ctx, spec.assign.as_ref(), &input)?;
            let merged = match &spec.result_path {
                ResultPathSpec::Default | ResultPathSpec::Discard => input,
                other => apply_result_path(input.clone(), input, other)?,
            };
            let output = apply_output_path(merged, spec.output_path.as_ref(), &ctx.env())?;
            if let Some(values) = assigned {
                ctx.variables.assign_all(values);
            }
            return Ok(output);
        }
        let effective = apply_input_path(&input, spec.input_path.as_ref(), &ctx.env())?;
        let result = match (&spec.result, &spec.parameters) {
            (Some(literal), _) => literal.clone(),
            (None, Some(t)) => t.evaluate(&effective, &ctx.env())?,
            (None, None) => effective.into_owned(),
        };
        let assigned = eval_assign(ctx, spec.assign.as_ref(), &result)?;
        let merged = apply_result_path(input, result, &spec.result_path)?;
        let output = apply_output_path(merged, spec.output_path.as_ref(), &ctx.env())?;
        if let Some(values) = assigned {
            ctx.variables.assign_all(values);
        }
        Ok(output)
    };
    let outcome = StateOutcome::from_result(run(ctx));
    if let StateOutcome::Next(output) = &outcome {
        ctx.exit(StateKind::Pass, output);
    }
    located(ctx, outcome)
}

/// Runs a Wait state: waits on the runtime's clock (`Seconds`, `SecondsPath`, `Timestamp`,
/// `TimestampPath`), then Assign (`$` = effective input) → OutputPath.
pub async fn run_wait(ctx: &mut StateContext, spec: &WaitSpec, input: Value) -> StateOutcome {
    let span = tracing::debug_span!("state", name = spec.name, kind = "Wait");
    async move {
        ctx.enter(spec.name, StateKind::Wait, &input);
        let prepared = (|| -> Result<(Value, Duration), StatesError> {
            let effective = effective_input(ctx, spec.input_path.as_ref(), &input)?;
            let delay = wait_duration(ctx, &spec.wait, &effective)?;
            Ok((effective, delay))
        })();
        let (effective, delay) = match prepared {
            Ok(p) => p,
            Err(e) => return StateOutcome::Failed(ctx.locate(e)),
        };
        ctx.release_context();
        ctx.clock().sleep(delay).await;
        let finish = (|| -> Result<Value, StatesError> {
            if let Some(io) = &spec.jsonata {
                return io.finish(ctx, &effective, None, None);
            }
            let assigned = eval_assign(ctx, spec.assign.as_ref(), &effective)?;
            let output = apply_output_path(effective, spec.output_path.as_ref(), &ctx.env())?;
            if let Some(values) = assigned {
                ctx.variables.assign_all(values);
            }
            Ok(output)
        })();
        let outcome = StateOutcome::from_result(finish);
        if let StateOutcome::Next(output) = &outcome {
            ctx.exit(StateKind::Wait, output);
        }
        located(ctx, outcome)
    }
    .instrument(span)
    .await
}

/// Longest wait AWS accepts (`2^31 − 1` seconds; longer → `States.Runtime`).
const MAX_WAIT_SECONDS: u64 = i32::MAX as u64;

fn wait_duration(
    ctx: &StateContext,
    wait: &WaitFor,
    effective: &Value,
) -> Result<Duration, StatesError> {
    let seconds = match wait {
        WaitFor::Seconds(n) => *n,
        WaitFor::SecondsPath(p) => integer_at(ctx, p, effective, "SecondsPath")?,
        WaitFor::Timestamp(text) => return until(ctx, text),
        WaitFor::SecondsJsonata(v) => crate::jsonata::integer(v, effective, &ctx.env(), "Seconds")?,
        WaitFor::TimestampJsonata(v) => {
            let text = crate::jsonata::text(v, effective, &ctx.env(), "Timestamp")?;
            return until(ctx, &text);
        }
        WaitFor::TimestampPath(p) => {
            let value = p.select(effective, &ctx.env(), "TimestampPath")?;
            let Some(text) = value.as_str() else {
                return Err(StatesError::runtime(format!(
                    "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {value}"
                )));
            };
            return until(ctx, text);
        }
    };
    if seconds > MAX_WAIT_SECONDS {
        return Err(StatesError::runtime("Wait state delay is too long"));
    }
    Ok(Duration::from_secs(seconds))
}

fn until(ctx: &StateContext, text: &str) -> Result<Duration, StatesError> {
    let timestamp = asl_syntax::timestamp::parse_timestamp(text).map_err(|_| {
        StatesError::runtime(format!(
            "The TimestampPath parameter does not reference a valid ISO-8601 extended offset date-time format string: {text}"
        ))
    })?;
    let now = ctx
        .clock()
        .now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos() as i128);
    let nanos = (timestamp.unix_nanos - now).max(0);
    if nanos > i128::from(MAX_WAIT_SECONDS) * 1_000_000_000 {
        return Err(StatesError::runtime("Wait state delay is too long"));
    }
    Ok(Duration::from_nanos(
        u64::try_from(nanos).unwrap_or(u64::MAX),
    ))
}

/// Runs a Succeed state: InputPath → OutputPath; the result is the execution's (or branch's)
/// output.
pub fn run_succeed(
    ctx: &mut StateContext,
    spec: &SucceedSpec,
    input: Value,
) -> Result<Value, StatesError> {
    let _span = tracing::debug_span!("state", name = spec.name, kind = "Succeed").entered();
    ctx.enter(spec.name, StateKind::Succeed, &input);
    let output = match &spec.jsonata {
        Some(io) => io.finish(ctx, &input, None, None),
        None => effective_input(ctx, spec.input_path.as_ref(), &input).and_then(|effective| {
            apply_output_path(effective, spec.output_path.as_ref(), &ctx.env())
        }),
    }
    .map_err(|e| ctx.locate(e))?;
    ctx.exit(StateKind::Succeed, &output);
    Ok(output)
}

/// Runs a Fail state: the error and cause, from literals or from `ErrorPath`/`CausePath`
/// (evaluated over the raw input; a non-string value is `States.Runtime`).
pub fn run_fail(ctx: &mut StateContext, spec: &FailSpec, input: Value) -> StatesError {
    let _span = tracing::debug_span!("state", name = spec.name, kind = "Fail").entered();
    ctx.enter(spec.name, StateKind::Fail, &input);
    let field = |f: &Option<FailField>, name: &str| -> Result<Option<String>, StatesError> {
        match f {
            None => Ok(None),
            Some(FailField::Literal(s)) => Ok(Some((*s).to_owned())),
            Some(FailField::Jsonata(v)) => {
                crate::jsonata::text(v, &input, &ctx.env(), name.trim_end_matches("Path")).map(Some)
            }
            Some(FailField::Dynamic(template)) => {
                let value = template.evaluate(&input, &ctx.env())?;
                match value.get(FAIL_FIELD_KEY.trim_end_matches(".$")) {
                    Some(Value::String(s)) => Ok(Some(s.clone())),
                    other => Err(StatesError::runtime(format!(
                        "The value of the field '{name}' must be a string, got {}",
                        other.unwrap_or(&Value::Null)
                    ))),
                }
            }
        }
    };
    let error = match field(&spec.error, "ErrorPath") {
        Ok(e) => e,
        Err(e) => return ctx.locate(e),
    };
    let cause = match field(&spec.cause, "CausePath") {
        Ok(c) => c,
        Err(e) => return ctx.locate(e),
    };
    StatesError { error, cause }
}

/// Starts a Choice state: records its entry and returns the effective input (after InputPath)
/// that the generated rules test, with `ctx.env()` for `$$` and variables.
pub fn choice_input(
    ctx: &mut StateContext,
    spec: &ChoiceSpec,
    input: &Value,
) -> Result<Value, StatesError> {
    ctx.enter(spec.name, StateKind::Choice, input);
    effective_input(ctx, spec.input_path.as_ref(), input).map_err(|e| ctx.locate(e))
}

/// Like [`choice_input`], taking the raw input by value: with the default `InputPath` the input
/// is moved through rather than copied (the faster form for generated run loops:
/// `let effective = choice_enter(&mut ctx, spec, std::mem::take(&mut data))?;`).
pub fn choice_enter(
    ctx: &mut StateContext,
    spec: &ChoiceSpec,
    input: Value,
) -> Result<Value, StatesError> {
    ctx.enter(spec.name, StateKind::Choice, &input);
    match &spec.input_path {
        Some(p) if p.is_identity() => Ok(input),
        path => effective_input(ctx, path.as_ref(), &input).map_err(|e| ctx.locate(e)),
    }
}

/// Which branch of a Choice state was taken.
#[derive(Debug, Clone, Copy)]
pub enum ChoiceTaken<'a> {
    /// A rule matched; its own `Assign` (if any) replaces the state-level one.
    Rule(Option<&'a Assign>),
    /// No rule matched and `Default` is taken: the state-level `Assign` applies.
    Default,
    /// A rule of a JSONata Choice matched: its own `Output` and `Assign` apply.
    JsonataRule(&'a crate::jsonata::JsonataIo),
}

/// Finishes a Choice state: Assign (`$` = effective input) → OutputPath.
pub fn choice_output(
    ctx: &mut StateContext,
    spec: &ChoiceSpec,
    effective: Value,
    taken: ChoiceTaken<'_>,
) -> Result<Value, StatesError> {
    let jsonata = match taken {
        ChoiceTaken::JsonataRule(io) => Some(io),
        ChoiceTaken::Default => spec.jsonata.as_ref(),
        ChoiceTaken::Rule(_) => None,
    };
    if let Some(io) = jsonata {
        let output = io
            .finish(ctx, &effective, None, None)
            .map_err(|e| ctx.locate(e))?;
        ctx.exit(StateKind::Choice, &output);
        return Ok(output);
    }
    let assign = match taken {
        ChoiceTaken::Rule(a) => a,
        ChoiceTaken::Default | ChoiceTaken::JsonataRule(_) => spec.assign.as_ref(),
    };
    let finish = |ctx: &mut StateContext| -> Result<Value, StatesError> {
        let assigned = eval_assign(ctx, assign, &effective)?;
        let output = apply_output_path(effective, spec.output_path.as_ref(), &ctx.env())?;
        if let Some(values) = assigned {
            ctx.variables.assign_all(values);
        }
        Ok(output)
    };
    let output = finish(ctx).map_err(|e| ctx.locate(e))?;
    ctx.exit(StateKind::Choice, &output);
    Ok(output)
}

/// The `States.NoChoiceMatched` failure of a Choice state without a matching rule or `Default`.
pub fn no_choice_matched(ctx: &StateContext) -> StatesError {
    StatesError::no_choice_matched(format!("No Matches! (state '{}')", ctx.state_name()))
}

/// Borrowed-or-owned input helper for generated code that wants the effective input without a
/// copy (Choice rules on a large input).
pub fn borrow_input<'a>(
    ctx: &'a StateContext,
    path: Option<&Path>,
    input: &'a Value,
) -> Result<Cow<'a, Value>, StatesError> {
    apply_input_path(input, path, &ctx.env())
}
