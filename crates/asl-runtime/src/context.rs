//! The execution-wide pieces every state driver works with: the context object (`$$`), the
//! variable scope, the history, the clock and the task-token registry.

use std::sync::{Arc, Mutex};
use std::time::{SystemTime, UNIX_EPOCH};

use serde_json::{Map, Value, json};

use crate::clock::{Clock, format_timestamp};
use crate::error::StatesError;
use crate::execution::ExecutionShared;
use crate::history::{EventType, HistoryEvent, StateKind};
use crate::path::Env;
use crate::token::TaskTokens;
use crate::variables::Variables;

/// What a state driver needs from its execution. One per execution, and one per Map iteration
/// and Parallel branch (with its own variable scope).
pub struct StateContext {
    pub(crate) exec: Arc<ExecutionShared>,
    /// The variables visible here (this scope and its ancestors).
    pub variables: Variables,
    /// The context object, built when first needed and dropped while the execution waits (a
    /// parked execution keeps only the typed facts in `exec`); its `State` member is refreshed
    /// when a driver starts work.
    context: Option<Value>,
    state_name: &'static str,
    entered_at: SystemTime,
    retry_count: u32,
    fresh: bool,
    /// Id of the event that entered the current state.
    entered_event: u64,
    /// The last formatted entered time and its millisecond.
    stamp: (u128, String),
}

impl std::fmt::Debug for StateContext {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("StateContext")
            .field("execution", &self.exec.info.arn)
            .field("state", &self.state_name)
            .field("retry_count", &self.retry_count)
            .finish()
    }
}

impl StateContext {
    pub(crate) fn new(exec: Arc<ExecutionShared>, variables: Variables) -> Self {
        let entered_at = exec.runtime.clock.now();
        StateContext {
            exec,
            variables,
            context: None,
            state_name: "",
            entered_at,
            retry_count: 0,
            fresh: false,
            entered_event: 0,
            stamp: (0, String::new()),
        }
    }

    /// A context for a Map iteration or Parallel branch: same execution, a child variable scope.
    pub fn child(&self) -> StateContext {
        StateContext {
            exec: Arc::clone(&self.exec),
            variables: self.variables.child(),
            context: None,
            state_name: self.state_name,
            entered_at: self.entered_at,
            retry_count: 0,
            fresh: false,
            entered_event: 0,
            stamp: (0, String::new()),
        }
    }

    /// The path environment (`$$` and variables) for the current state. The drivers bring the
    /// context object up to date when a state starts ([`choice_input`](crate::state::choice_input)
    /// for Choice), so generated code can call this freely afterwards.
    pub fn env(&self) -> Env<'_> {
        static NULL: Value = Value::Null;
        Env::new(self.context.as_ref().unwrap_or(&NULL), &self.variables)
    }

    /// The context object of the current state, with `State.EnteredTime/Name/RetryCount` current.
    pub fn context_object(&mut self) -> &Value {
        self.refresh();
        static NULL: Value = Value::Null;
        self.context.as_ref().unwrap_or(&NULL)
    }

    /// Drops the built context object before a long wait; the next driver step rebuilds it.
    pub(crate) fn release_context(&mut self) {
        self.context = None;
        self.stamp = (0, String::new());
        self.fresh = false;
    }

    /// The clock of the runtime.
    pub fn clock(&self) -> &Arc<dyn Clock> {
        &self.exec.runtime.clock
    }

    /// The task-token handle of the runtime.
    pub fn task_tokens(&self) -> &TaskTokens {
        &self.exec.runtime.tokens
    }

    /// The name of the state being run.
    pub fn state_name(&self) -> &'static str {
        self.state_name
    }

    /// Retries of the current state so far (`$$.State.RetryCount`).
    pub fn retry_count(&self) -> u32 {
        self.retry_count
    }

    /// The execution's ARN (`$$.Execution.Id`).
    pub fn execution_id(&self) -> &str {
        &self.exec.info.arn
    }

    /// Starts a state: resets the retry count, stamps the entered time and records
    /// `…StateEntered`.
    pub(crate) fn enter(&mut self, name: &'static str, kind: StateKind, input: &Value) {
        self.state_name = name;
        self.entered_at = self.exec.runtime.clock.now();
        self.retry_count = 0;
        self.fresh = false;
        self.entered_event = self.record(EventType::StateEntered(kind), || {
            details([("name", Value::from(name)), ("input", input.clone())])
        });
        self.refresh();
    }

    /// Records `…StateExited` with the state's output.
    pub(crate) fn exit(&self, kind: StateKind, output: &Value) {
        self.record(EventType::StateExited(kind), || {
            details([
                ("name", Value::from(self.state_name)),
                ("output", output.clone()),
            ])
        });
    }

    pub(crate) fn set_retry_count(&mut self, count: u32) {
        self.retry_count = count;
        self.fresh = false;
        self.refresh();
    }

    /// Counts an event and, when the execution keeps a history, appends it with the details
    /// `details` builds. Returns the event's id.
    pub fn record(&self, event_type: EventType, details: impl FnOnce() -> Value) -> u64 {
        self.exec.record(event_type, details)
    }

    /// Prefixes a `States.Runtime` cause the way AWS does, naming the state and the id of the
    /// event that entered it: `An error occurred while executing the state 'X' (entered at the
    /// event id #2). …`. Other errors, and causes that already carry a prefix, are unchanged.
    pub fn locate(&self, mut err: StatesError) -> StatesError {
        const PREFIX: &str = "An error occurred while executing the state";
        if err.is(crate::error::names::RUNTIME)
            && !self.state_name.is_empty()
            && !err.cause.as_deref().is_some_and(|c| c.starts_with(PREFIX))
        {
            let cause = err.cause.take().unwrap_or_default();
            err.cause = Some(format!(
                "{PREFIX} '{}' (entered at the event id #{}). {cause}",
                self.state_name, self.entered_event
            ));
        }
        err
    }

    /// Whether history events are kept (building their details costs time).
    pub fn records_history(&self) -> bool {
        self.exec.records_history()
    }

    /// Builds the context object if needed and brings `$$.State` up to date.
    pub(crate) fn refresh(&mut self) {
        if self.fresh {
            return;
        }
        let millis = self
            .entered_at
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis());
        if self.stamp.0 != millis || self.stamp.1.is_empty() {
            self.stamp = (millis, format_timestamp(self.entered_at));
        }
        let exec = &self.exec;
        let context = self.context.get_or_insert_with(|| exec.context_value());
        // Updated in place, by scanning the few entries rather than hashing keys: this runs once
        // per state, and consecutive states usually differ only in name.
        let mut updated = false;
        if let Value::Object(map) = context {
            if let Some((_, Value::Object(state))) = map.iter_mut().find(|(k, _)| *k == "State") {
                for (key, value) in state.iter_mut() {
                    match key.as_str() {
                        "EnteredTime" if value.as_str() != Some(&self.stamp.1) => {
                            *value = Value::String(self.stamp.1.clone());
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
                updated = true;
            }
            if !updated {
                map.insert(
                    "State".to_owned(),
                    json!({
                        "EnteredTime": self.stamp.1,
                        "Name": self.state_name,
                        "RetryCount": self.retry_count,
                    }),
                );
            }
        }
        self.fresh = true;
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
        self.refresh();
        if let Some(Value::Object(map)) = &mut self.context {
            match item {
                Some((index, value)) => {
                    map.insert(
                        "Map".to_owned(),
                        json!({"Item": {"Index": index, "Value": value}}),
                    );
                }
                None => {
                    map.remove("Map");
                }
            }
        }
    }

    /// Swaps in a context object that has a `Task` member (for evaluating `Parameters`).
    pub(crate) fn swap_context(&mut self, context: Option<Value>) -> Option<Value> {
        std::mem::replace(&mut self.context, context)
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
