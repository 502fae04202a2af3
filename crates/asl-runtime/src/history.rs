//! Execution history: events named as AWS names them (`ExecutionStarted`, `TaskStateEntered`, …).

use std::fmt;
use std::time::SystemTime;

use serde_json::Value;

/// The kind of a state, which names its `…StateEntered` / `…StateExited` events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum StateKind {
    Task,
    Pass,
    Wait,
    Choice,
    Succeed,
    Fail,
    Map,
    Parallel,
}

impl StateKind {
    /// `"Task"`, `"Pass"`, ….
    pub fn name(self) -> &'static str {
        match self {
            StateKind::Task => "Task",
            StateKind::Pass => "Pass",
            StateKind::Wait => "Wait",
            StateKind::Choice => "Choice",
            StateKind::Succeed => "Succeed",
            StateKind::Fail => "Fail",
            StateKind::Map => "Map",
            StateKind::Parallel => "Parallel",
        }
    }
}

/// The type of a history event.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum EventType {
    ExecutionStarted,
    ExecutionSucceeded,
    ExecutionFailed,
    ExecutionTimedOut,
    ExecutionAborted,
    /// `TaskStateEntered`, `PassStateEntered`, …
    StateEntered(StateKind),
    /// `TaskStateExited`, `PassStateExited`, …
    StateExited(StateKind),
    TaskScheduled,
    TaskStarted,
    TaskSubmitted,
    TaskSucceeded,
    TaskFailed,
    TaskTimedOut,
    MapStateStarted,
    MapStateSucceeded,
    MapStateFailed,
    MapStateAborted,
    MapIterationStarted,
    MapIterationSucceeded,
    MapIterationFailed,
    MapIterationAborted,
    ParallelStateStarted,
    ParallelStateSucceeded,
    ParallelStateFailed,
    ParallelStateAborted,
}

impl EventType {
    /// The event's name as AWS writes it in `GetExecutionHistory`.
    pub fn name(self) -> &'static str {
        use EventType::*;
        match self {
            ExecutionStarted => "ExecutionStarted",
            ExecutionSucceeded => "ExecutionSucceeded",
            ExecutionFailed => "ExecutionFailed",
            ExecutionTimedOut => "ExecutionTimedOut",
            ExecutionAborted => "ExecutionAborted",
            StateEntered(kind) => match kind {
                StateKind::Task => "TaskStateEntered",
                StateKind::Pass => "PassStateEntered",
                StateKind::Wait => "WaitStateEntered",
                StateKind::Choice => "ChoiceStateEntered",
                StateKind::Succeed => "SucceedStateEntered",
                StateKind::Fail => "FailStateEntered",
                StateKind::Map => "MapStateEntered",
                StateKind::Parallel => "ParallelStateEntered",
            },
            StateExited(kind) => match kind {
                StateKind::Task => "TaskStateExited",
                StateKind::Pass => "PassStateExited",
                StateKind::Wait => "WaitStateExited",
                StateKind::Choice => "ChoiceStateExited",
                StateKind::Succeed => "SucceedStateExited",
                StateKind::Fail => "FailStateExited",
                StateKind::Map => "MapStateExited",
                StateKind::Parallel => "ParallelStateExited",
            },
            TaskScheduled => "TaskScheduled",
            TaskStarted => "TaskStarted",
            TaskSubmitted => "TaskSubmitted",
            TaskSucceeded => "TaskSucceeded",
            TaskFailed => "TaskFailed",
            TaskTimedOut => "TaskTimedOut",
            MapStateStarted => "MapStateStarted",
            MapStateSucceeded => "MapStateSucceeded",
            MapStateFailed => "MapStateFailed",
            MapStateAborted => "MapStateAborted",
            MapIterationStarted => "MapIterationStarted",
            MapIterationSucceeded => "MapIterationSucceeded",
            MapIterationFailed => "MapIterationFailed",
            MapIterationAborted => "MapIterationAborted",
            ParallelStateStarted => "ParallelStateStarted",
            ParallelStateSucceeded => "ParallelStateSucceeded",
            ParallelStateFailed => "ParallelStateFailed",
            ParallelStateAborted => "ParallelStateAborted",
        }
    }
}

impl fmt::Display for EventType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// One event of an execution's history.
#[derive(Debug, Clone, PartialEq)]
pub struct HistoryEvent {
    /// 1-based, in the order events happened.
    pub id: u64,
    /// When it happened, on the runtime's clock.
    pub timestamp: SystemTime,
    pub event_type: EventType,
    /// The details AWS records for this event type, where the runtime has them: `name` (state),
    /// `input`, `output`, `error`, `cause`, `resource`, `parameters`, `index`, ….
    pub details: Value,
}

impl HistoryEvent {
    /// The event type's AWS name.
    pub fn name(&self) -> &'static str {
        self.event_type.name()
    }

    /// The state name in the details, for state events.
    pub fn state_name(&self) -> Option<&str> {
        self.details.get("name").and_then(Value::as_str)
    }
}
