//! The context object (`$$`): which fields exist, and checking `$$.` paths against them.

use crate::SyntaxError;
use crate::path::JsonPath;

/// A known place in the context object. Paths below `Execution.Input` and `Map.Item.Value`
/// (arbitrary JSON) resolve to those fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextField {
    /// `$$`
    Root,
    Execution,
    ExecutionId,
    ExecutionInput,
    ExecutionName,
    ExecutionRoleArn,
    ExecutionStartTime,
    ExecutionRedriveCount,
    ExecutionRedriveTime,
    State,
    StateEnteredTime,
    StateName,
    StateRetryCount,
    StateMachine,
    StateMachineId,
    StateMachineName,
    Task,
    TaskToken,
    Map,
    MapItem,
    MapItemIndex,
    MapItemValue,
    MapItemKey,
    MapItemSource,
}

/// The JSON type a context field holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ContextValueKind {
    Object,
    String,
    /// An RFC 3339 timestamp string.
    Timestamp,
    Number,
    /// Arbitrary JSON (execution input, map item).
    Json,
}

impl ContextField {
    /// The dotted path below `$$`, e.g. `"Execution.Id"` (`""` for the root).
    pub fn path(self) -> &'static str {
        ""
    }

    /// The kind of value found there.
    pub fn kind(self) -> ContextValueKind {
        ContextValueKind::Object
    }

    /// Fields that exist only in a Map state's `ItemSelector` (`Map.*`).
    pub fn map_only(self) -> bool {
        false
    }
}

/// Checks a `$$` path against the context object's fields and returns the field it reads.
pub fn check_context_path(path: &JsonPath) -> Result<ContextField, SyntaxError> {
    let _ = path;
    Ok(ContextField::Root)
}
