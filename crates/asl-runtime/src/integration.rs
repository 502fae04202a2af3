//! The three service integration patterns, as the contract between generated code and the
//! services a workflow calls.
//!
//! Generated code exposes one trait method per integration; its argument type says the pattern:
//! [`RequestResponse`] returns the service's result, [`RunJob`] returns when the job is done (and
//! may send heartbeats while it waits), [`Callback`] delivers [`Callback::token`] somewhere and
//! returns; the runtime then waits for `SendTaskSuccess`/`SendTaskFailure` on that token.
//! A single [`TaskHandler`] wrapped in [`CatchAll`] can stand in for every integration (tests,
//! mocks, routing by resource).

use std::fmt;
use std::future::Future;

use serde_json::Value;

use crate::error::StatesError;
use crate::token::{SendTaskError, TaskOutput, TaskTokens};

/// How a Task waits for its resource, chosen by the `Resource` suffix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pattern {
    /// No suffix: call and take the response.
    RequestResponse,
    /// `.sync`: start a job and wait until it finishes.
    RunJob,
    /// `.sync:2`: like `.sync`, with the child's output as JSON (Step Functions `startExecution`).
    RunJobV2,
    /// `.waitForTaskToken`: call with a token, then wait until the token is answered.
    Callback,
}

impl Pattern {
    /// Whether this pattern waits for a job and so can receive heartbeats.
    pub fn is_run_job(self) -> bool {
        matches!(self, Pattern::RunJob | Pattern::RunJobV2)
    }
}

/// A task's failure as the integration reports it: the error name that Retry/Catch match, and a
/// cause (both optional, as in `SendTaskFailure`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct TaskFailure {
    /// The error name (`"SNS.NotFoundException"`, `"Payment.Declined"`, …).
    pub error: Option<String>,
    /// Human-readable detail; for AWS services often escaped JSON.
    pub cause: Option<String>,
}

impl TaskFailure {
    /// A failure with an error name and a cause.
    pub fn new(error: impl Into<String>, cause: impl Into<String>) -> Self {
        TaskFailure {
            error: Some(error.into()),
            cause: Some(cause.into()),
        }
    }

    /// A failure with only an error name.
    pub fn error(error: impl Into<String>) -> Self {
        TaskFailure {
            error: Some(error.into()),
            cause: None,
        }
    }
}

impl fmt::Display for TaskFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            self.error.as_deref().unwrap_or("(no error)"),
            self.cause.as_deref().unwrap_or("(no cause)")
        )
    }
}

impl std::error::Error for TaskFailure {}

impl From<TaskFailure> for StatesError {
    fn from(f: TaskFailure) -> Self {
        StatesError {
            error: f.error,
            cause: f.cause,
        }
    }
}

/// One attempt of a Task state calling its resource: everything an integration may look at.
#[derive(Debug, Clone)]
pub struct TaskCall {
    /// The Task's `Resource` as written in the definition.
    pub resource: &'static str,
    /// The integration pattern of the resource.
    pub pattern: Pattern,
    /// The effective parameters (after `InputPath` and `Parameters`).
    pub parameters: Value,
    /// The context object (`$$`) as the task sees it, including `Task.Token` for callbacks.
    pub context: Value,
    /// The Task state's name.
    pub state_name: &'static str,
    /// The task token (callbacks always; run-a-job tasks also get one, for heartbeats and early
    /// completion; request-response tasks none).
    pub token: Option<String>,
    /// The handle to answer tokens with (for tokens held by this call or any other).
    pub tokens: TaskTokens,
    /// The evaluated `Credentials` of the Task (`{"RoleArn": …}`), if it has any.
    pub credentials: Option<Value>,
}

impl TaskCall {
    /// The effective parameters.
    pub fn parameters(&self) -> &Value {
        &self.parameters
    }

    /// The context object.
    pub fn context(&self) -> &Value {
        &self.context
    }

    /// The resource ARN.
    pub fn resource(&self) -> &'static str {
        self.resource
    }

    /// The task token, when the pattern has one.
    pub fn token(&self) -> Option<&str> {
        self.token.as_deref()
    }
}

macro_rules! call_accessors {
    ($name:ident) => {
        impl $name {
            /// The effective parameters (after `InputPath` and `Parameters`).
            pub fn parameters(&self) -> &Value {
                &self.call.parameters
            }

            /// Takes the parameters out of the call.
            pub fn into_parameters(self) -> Value {
                self.call.parameters
            }

            /// The context object (`$$`).
            pub fn context(&self) -> &Value {
                &self.call.context
            }

            /// The Task's `Resource`.
            pub fn resource(&self) -> &'static str {
                self.call.resource
            }

            /// The Task state's name.
            pub fn state_name(&self) -> &'static str {
                self.call.state_name
            }

            /// The evaluated `Credentials` (`{"RoleArn": …}`), if the Task has any.
            pub fn credentials(&self) -> Option<&Value> {
                self.call.credentials.as_ref()
            }

            /// The whole call, for a catch-all handler.
            pub fn into_call(self) -> TaskCall {
                self.call
            }
        }

        impl From<TaskCall> for $name {
            fn from(call: TaskCall) -> Self {
                $name { call }
            }
        }
    };
}

/// A request-response call: return the service's response as the task result.
#[derive(Debug, Clone)]
pub struct RequestResponse {
    call: TaskCall,
}
call_accessors!(RequestResponse);

/// A run-a-job call (`.sync`): start the job and return its final result when it is done. While
/// waiting, [`heartbeat`](RunJob::heartbeat) keeps a task with `HeartbeatSeconds` alive.
#[derive(Debug, Clone)]
pub struct RunJob {
    call: TaskCall,
}
call_accessors!(RunJob);

impl RunJob {
    /// Reports that the job is still running (restarts the `HeartbeatSeconds` clock).
    pub fn heartbeat(&self) -> Result<(), SendTaskError> {
        match &self.call.token {
            Some(token) => self.call.tokens.send_task_heartbeat(token),
            None => Err(SendTaskError::TaskDoesNotExist),
        }
    }

    /// The job's task token: `SendTaskSuccess`/`SendTaskFailure` on it completes the task early.
    pub fn token(&self) -> &str {
        self.call.token.as_deref().unwrap_or_default()
    }

    /// Whether the job is `.sync:2` (output as JSON rather than as a JSON string).
    pub fn is_v2(&self) -> bool {
        self.call.pattern == Pattern::RunJobV2
    }
}

/// A callback call (`.waitForTaskToken`): deliver [`token`](Callback::token) (usually inside the
/// parameters already, via `$$.Task.Token`) and return; a worker answers it later.
#[derive(Debug, Clone)]
pub struct Callback {
    call: TaskCall,
}
call_accessors!(Callback);

impl Callback {
    /// The task token the worker must answer.
    pub fn token(&self) -> &str {
        self.call.token.as_deref().unwrap_or_default()
    }

    /// The handle to answer tokens with; a handler may answer its own token right away.
    pub fn task_tokens(&self) -> &TaskTokens {
        &self.call.tokens
    }

    /// Answers this call's own token with success (what an in-process service might do).
    pub fn succeed(&self, output: impl Into<TaskOutput>) -> Result<(), SendTaskError> {
        self.call.tokens.send_task_success(self.token(), output)
    }
}

/// One handler for every integration of a workflow: receives the resource, pattern, parameters,
/// context and token of each call ([`TaskCall`]).
///
/// For [`Pattern::Callback`] the returned value is ignored: the task waits for its token, which
/// the handler may answer itself (`call.tokens.send_task_success(token, …)`) before returning.
/// An `Err` fails the task at once for every pattern.
pub trait TaskHandler: Send + Sync + 'static {
    /// Handles one attempt of a Task state.
    fn handle(&self, call: TaskCall) -> impl Future<Output = Result<Value, TaskFailure>> + Send;
}

/// Adapts a [`TaskHandler`] to every generated integration trait (the generated code implements
/// its trait for `CatchAll<H>` with the three `handle_*` methods).
#[derive(Debug, Clone, Default)]
pub struct CatchAll<H>(pub H);

impl<H: TaskHandler> CatchAll<H> {
    /// Wraps a handler.
    pub fn new(handler: H) -> Self {
        CatchAll(handler)
    }

    /// A request-response integration method.
    pub fn handle_request_response(
        &self,
        call: RequestResponse,
    ) -> impl Future<Output = Result<Value, TaskFailure>> + Send + '_ {
        self.0.handle(call.call)
    }

    /// A run-a-job integration method.
    pub fn handle_run_job(
        &self,
        call: RunJob,
    ) -> impl Future<Output = Result<Value, TaskFailure>> + Send + '_ {
        self.0.handle(call.call)
    }

    /// A callback integration method.
    pub fn handle_callback(
        &self,
        call: Callback,
    ) -> impl Future<Output = Result<(), TaskFailure>> + Send + '_ {
        let future = self.0.handle(call.call);
        async move { future.await.map(|_| ()) }
    }
}

/// Closures `Fn(TaskCall) -> Future<Output = Result<Value, TaskFailure>>` are handlers too.
impl<F, Fut> TaskHandler for F
where
    F: Fn(TaskCall) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Value, TaskFailure>> + Send,
{
    fn handle(&self, call: TaskCall) -> impl Future<Output = Result<Value, TaskFailure>> + Send {
        self(call)
    }
}
