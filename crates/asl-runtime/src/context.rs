//! The execution-wide pieces every state driver works with: the context object (`$$`), the
//! variable scope, the history, the clock and the task-token registry.

use std::sync::{Arc, Mutex, OnceLock};
use std::time::SystemTime;

use serde_json::{Map, Value, json};

use crate::clock::{Clock, Instant, format_timestamp};
use crate::error::StatesError;
use crate::execution::ExecutionShared;
use crate::history::{EventType, HistoryEvent, StateKind};
use crate::path::Env;
use crate::token::TaskTokens;
use crate::variables::Variables;

/// What a state driver needs from its execution. One per execution, and one per Map iteration
/// and Parallel branch (with its own variable scope).
pub struct StateContext {
    /// The variables visible here (this scope and its ancestors).
    pub variables: Variables,
    context: ContextObject,
    /// Id of the event that entered the current state.
    entered_event: u64,
}

/// The context object (`$$`) of the current state, built only when something reads it: most
/// states never do, and building it (the execution input included) costs more than running a
/// simple state. The facts of `$$.State` are kept as plain fields until then.
pub(crate) struct ContextObject {
    pub(crate) exec: Arc<ExecutionShared>,
    built: OnceLock<Value>,
    /// The object built for an earlier state (or attempt), brought up to date instead of being
    /// rebuilt when the current state reads `$$` too.
    spare: Mutex<Option<Value>>,
    state_name: &'static str,
    /// When the current state was entered, on the clock's monotonic time. `None` for a state
    /// that runs without waiting (Pass, Choice, Succeed, Fail): nothing can happen between its
    /// entry and a read of `$$`, so the clock is read then (a clock read costs as much as a
    /// simple state's own work).
    entered_at: Option<Instant>,
    retry_count: u32,
}

impl ContextObject {
    fn new(
        exec: Arc<ExecutionShared>,
        state_name: &'static str,
        entered_at: Option<Instant>,
    ) -> Self {
        ContextObject {
            exec,
            built: OnceLock::new(),
            spare: Mutex::new(None),
            state_name,
            entered_at,
            retry_count: 0,
        }
    }

    /// The context object, built now if it was not yet.
    pub(crate) fn get(&self) -> &Value {
        self.built.get_or_init(|| {
            let spare = match self.spare.lock() {
                Ok(mut g) => g.take(),
                Err(p) => p.into_inner().take(),
            };
            let mut value = spare.unwrap_or_else(|| self.exec.context_value());
            self.write_state(&mut value);
            value
        })
    }

    /// The context object if it has been built.
    pub(crate) fn built(&self) -> Option<&Value> {
        self.built.get()
    }

    /// The built object, mutably (building it first).
    fn get_mut(&mut self) -> Option<&mut Value> {
        self.get();
        self.built.get_mut()
    }

    /// The `$$.State` facts changed: a built object becomes the spare.
    fn invalidate(&mut self) {
        if let Some(value) = self.built.take() {
            *self.spare_mut() = Some(value);
        }
    }

    fn spare_mut(&mut self) -> &mut Option<Value> {
        match self.spare.get_mut() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        }
    }

    /// Sets `State.EnteredTime/Name/RetryCount`, updating entries in place: consecutive states
    /// usually differ only in name.
    fn write_state(&self, context: &mut Value) {
        let Value::Object(map) = context else {
            return;
        };
        let clock = &self.exec.runtime.clock;
        let entered_at = self.entered_at.unwrap_or_else(|| clock.instant());
        let entered = format_timestamp(clock.wall_time(entered_at));
        if let Some(Value::Object(state)) = map.get_mut("State") {
            for (key, value) in state.iter_mut() {
                match key.as_str() {
                    "EnteredTime" if value.as_str() != Some(&entered) => {
                        *value = Value::String(entered.clone());
                    }
                    "Name" if value.as_str() != Some(self.state_name) => {
                        *value = Value::from(self.state_name);
                    }
                    "RetryCount" if value.as_u64() != Some(u64::from(self.retry_count)) => {
                        *value = Value::from(self.retry_count);
                    }
                    _ => {}
                }
            }
            return;
        }
        map.insert(
            "State".to_owned(),
            json!({
                "EnteredTime": entered,
                "Name": self.state_name,
                "RetryCount": self.retry_count,
            }),
        );
    }
}

impl std::fmt::Debug for ContextObject {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ContextObject")
            .field("built", &self.built.get())
            .field("state", &self.state_name)
            .finish()
    }
}

impl std::fmt::Debug for StateContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateContext")
            .field("execution", &self.context.exec.info.arn)
            .field("state", &self.context.state_name)
            .field("retry_count", &self.context.retry_count)
            .finish()
    }
}

impl StateContext {
    pub(crate) fn new(exec: Arc<ExecutionShared>, variables: Variables) -> Self {
        let entered_at = Some(exec.runtime.clock.instant());
        StateContext {
            variables,
            context: ContextObject::new(exec, "", entered_at),
            entered_event: 0,
        }
    }

    /// A context for a Map iteration or Parallel branch: same execution, a child variable scope.
    pub fn child(&self) -> StateContext {
        StateContext {
            variables: self.variables.child(),
            context: ContextObject::new(
                Arc::clone(&self.context.exec),
                self.context.state_name,
                self.context.entered_at,
            ),
            entered_event: 0,
        }
    }

    pub(crate) fn exec(&self) -> &Arc<ExecutionShared> {
        &self.context.exec
    }

    /// The path environment (`$$` and variables) for the current state; the context object is
    /// built the first time a path reads `$$`.
    pub fn env(&self) -> Env<'_> {
        Env::lazy(&self.context, &self.variables)
    }

    /// The context object of the current state, with `State.EnteredTime/Name/RetryCount` current.
    pub fn context_object(&mut self) -> &Value {
        self.context.get()
    }

    /// Drops the built context object before a long wait; the next read rebuilds it.
    pub(crate) fn release_context(&mut self) {
        self.context.built = OnceLock::new();
        *self.context.spare_mut() = None;
    }

    /// The clock of the runtime.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.exec().runtime.clock
    }

    /// The task-token handle of the runtime.
    pub fn task_tokens(&self) -> &TaskTokens {
        &self.exec().runtime.tokens
    }

    /// The name of the state being run.
    pub fn state_name(&self) -> &'static str {
        self.context.state_name
    }

    /// Retries of the current state so far (`$$.State.RetryCount`).
    pub fn retry_count(&self) -> u32 {
        self.context.retry_count
    }

    /// The execution's ARN (`$$.Execution.Id`).
    pub fn execution_id(&self) -> &str {
        &self.exec().info.arn
    }

    /// Starts a state: resets the retry count, stamps the entered time and records
    /// `…StateEntered`.
    pub(crate) fn enter(&mut self, name: &'static str, kind: StateKind, input: &Value) {
        self.context.invalidate();
        self.context.state_name = name;
        self.context.entered_at = match kind {
            StateKind::Pass | StateKind::Choice | StateKind::Succeed | StateKind::Fail => None,
            _ => Some(self.exec().runtime.clock.instant()),
        };
        self.context.retry_count = 0;
        self.entered_event = self.record(EventType::StateEntered(kind), || {
            details([("name", Value::from(name)), ("input", input.clone())])
        });
    }

    /// Records `…StateExited` with the state's output.
    pub(crate) fn exit(&self, kind: StateKind, output: &Value) {
        self.record(EventType::StateExited(kind), || {
            details([
                ("name", Value::from(self.context.state_name)),
                ("output", output.clone()),
            ])
        });
    }

    pub(crate) fn set_retry_count(&mut self, count: u32) {
        self.context.invalidate();
        self.context.retry_count = count;
    }

    /// Counts an event and, when the execution keeps a history, appends it with the details
    /// `details` builds. Returns the event's id.
    pub fn record(&self, event_type: EventType, details: impl FnOnce() -> Value) -> u64 {
        self.exec().record(event_type, details)
    }

    /// Prefixes a `States.Runtime` cause the way AWS does, naming the state and the id of the
    /// event that entered it: `An error occurred while executing the state 'X' (entered at the
    /// event id #2). …`. Other errors, and causes that already carry a prefix, are unchanged.
    pub fn locate(&self, mut err: StatesError) -> StatesError {
        const PREFIX: &str = "An error occurred while executing the state";
        let name = self.context.state_name;
        if (err.is(crate::error::names::RUNTIME)
            || err.is(crate::error::names::QUERY_EVALUATION_ERROR))
            && !name.is_empty()
            && !err.cause.as_deref().is_some_and(|c| c.starts_with(PREFIX))
        {
            let cause = err.cause.take().unwrap_or_default();
            err.cause = Some(format!(
                "{PREFIX} '{name}' (entered at the event id #{}). {cause}",
                self.entered_event
            ));
        }
        err
    }

    /// Whether history events are kept (building their details costs time).
    pub fn records_history(&self) -> bool {
        self.exec().records_history()
    }

    /// The context object with `Task.Token` set, for a callback or run-a-job call.
    pub(crate) fn with_task_token(&mut self, token: &str) -> Value {
        let mut context = self.context_object().clone();
        if let Value::Object(map) = &mut context {
            map.insert("Task".to_owned(), json!({ "Token": token }));
        }
        context
    }

    /// Temporarily sets `$$.Map.Item` (only an ItemSelector sees it).
    pub(crate) fn set_map_item(&mut self, item: Option<(usize, &Value)>) {
        match item {
            Some((index, value)) => {
                if let Some(Value::Object(map)) = self.context.get_mut() {
                    map.insert(
                        "Map".to_owned(),
                        json!({"Item": {"Index": index, "Value": value}}),
                    );
                }
            }
            None => {
                if let Some(Value::Object(map)) = self.context.built.get_mut() {
                    map.remove("Map");
                }
            }
        }
    }

    /// Swaps in a context object that has a `Task` member (for evaluating `Parameters`); `None`
    /// means "not built".
    pub(crate) fn swap_context(&mut self, context: Option<Value>) -> Option<Value> {
        let next = context.map(OnceLock::from).unwrap_or_default();
        std::mem::replace(&mut self.context.built, next).into_inner()
    }
}

/// The details of a history event as a JSON object sized exactly (events are kept for the whole
/// execution, so the slack of a growing map would add up).
pub(crate) fn details<const N: usize>(pairs: [(&str, Value); N]) -> Value {
    let mut map = Map::with_capacity(N);
    for (key, value) in pairs {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// The facts of an execution that the context object shows (`Execution`, `StateMachine`).
pub(crate) struct ExecutionInfo {
    pub arn: String,
    /// Where the execution's name starts in `arn`.
    pub name_at: usize,
    /// The execution input as compact JSON text: much smaller than a parsed tree, and only read
    /// when the context object is built.
    pub input: String,
    pub start_time: SystemTime,
    pub machine_name: &'static str,
}

impl ExecutionInfo {
    pub(crate) fn name(&self) -> &str {
        self.arn.get(self.name_at..).unwrap_or_default()
    }

    /// The `Execution` and `StateMachine` members.
    pub(crate) fn to_value(&self, region: &str, account: &str) -> Value {
        let mut map = Map::new();
        map.insert(
            "Execution".to_owned(),
            json!({
                "Id": self.arn,
                "Input": serde_json::from_str::<Value>(&self.input).unwrap_or(Value::Null),
                "Name": self.name(),
                "RoleArn": role_arn(account),
                "StartTime": format_timestamp(self.start_time),
                "RedriveCount": 0,
            }),
        );
        map.insert(
            "StateMachine".to_owned(),
            json!({
                "Id": machine_arn(region, account, self.machine_name),
                "Name": self.machine_name,
            }),
        );
        Value::Object(map)
    }
}

/// The execution role every execution reports (`$$.Execution.RoleArn`).
pub(crate) fn role_arn(account: &str) -> String {
    format!("arn:aws:iam::{account}:role/StepFunctionsExecutionRole")
}

/// A state machine's ARN (`$$.StateMachine.Id`).
pub(crate) fn machine_arn(region: &str, account: &str, machine: &str) -> String {
    format!("arn:aws:states:{region}:{account}:stateMachine:{machine}")
}

/// The history of an execution, shared by its drivers.
pub(crate) struct History {
    events: Mutex<Vec<HistoryEvent>>,
}

impl History {
    pub(crate) fn new() -> Self {
        History {
            events: Mutex::new(Vec::new()),
        }
    }

    pub(crate) fn push(
        &self,
        id: u64,
        timestamp: SystemTime,
        event_type: EventType,
        details: Value,
    ) {
        let mut events = match self.events.lock() {
            Ok(g) => g,
            Err(p) => p.into_inner(),
        };
        events.push(HistoryEvent {
            id,
            timestamp,
            event_type,
            details,
        });
    }

    pub(crate) fn snapshot(&self) -> Vec<HistoryEvent> {
        match self.events.lock() {
            Ok(g) => g.clone(),
            Err(p) => p.into_inner().clone(),
        }
    }
}
