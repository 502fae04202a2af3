//! The context object (`$$`): which fields exist, and checking `$$.` paths against them.

use crate::SyntaxError;
use crate::path::{JsonPath, Root, Segment, SegmentKind, Selector};

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

/// One field of the context object: where it sits and what it holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ContextFieldInfo {
    pub field: ContextField,
    /// `None` for the root.
    pub parent: Option<ContextField>,
    /// The field's own name (`"Id"`); `""` for the root.
    pub name: &'static str,
    /// The dotted path below `$$` (`"Execution.Id"`).
    pub path: &'static str,
    pub kind: ContextValueKind,
}

const fn info(
    field: ContextField,
    parent: Option<ContextField>,
    name: &'static str,
    path: &'static str,
    kind: ContextValueKind,
) -> ContextFieldInfo {
    ContextFieldInfo {
        field,
        parent,
        name,
        path,
        kind,
    }
}

/// Every field of the context object, parents before children.
pub static CONTEXT_FIELDS: &[ContextFieldInfo] = {
    use ContextField as F;
    use ContextValueKind as K;
    &[
        info(F::Root, None, "", "", K::Object),
        info(
            F::Execution,
            Some(F::Root),
            "Execution",
            "Execution",
            K::Object,
        ),
        info(
            F::ExecutionId,
            Some(F::Execution),
            "Id",
            "Execution.Id",
            K::String,
        ),
        info(
            F::ExecutionInput,
            Some(F::Execution),
            "Input",
            "Execution.Input",
            K::Json,
        ),
        info(
            F::ExecutionName,
            Some(F::Execution),
            "Name",
            "Execution.Name",
            K::String,
        ),
        info(
            F::ExecutionRoleArn,
            Some(F::Execution),
            "RoleArn",
            "Execution.RoleArn",
            K::String,
        ),
        info(
            F::ExecutionStartTime,
            Some(F::Execution),
            "StartTime",
            "Execution.StartTime",
            K::Timestamp,
        ),
        info(
            F::ExecutionRedriveCount,
            Some(F::Execution),
            "RedriveCount",
            "Execution.RedriveCount",
            K::Number,
        ),
        info(
            F::ExecutionRedriveTime,
            Some(F::Execution),
            "RedriveTime",
            "Execution.RedriveTime",
            K::Timestamp,
        ),
        info(F::State, Some(F::Root), "State", "State", K::Object),
        info(
            F::StateEnteredTime,
            Some(F::State),
            "EnteredTime",
            "State.EnteredTime",
            K::Timestamp,
        ),
        info(
            F::StateName,
            Some(F::State),
            "Name",
            "State.Name",
            K::String,
        ),
        info(
            F::StateRetryCount,
            Some(F::State),
            "RetryCount",
            "State.RetryCount",
            K::Number,
        ),
        info(
            F::StateMachine,
            Some(F::Root),
            "StateMachine",
            "StateMachine",
            K::Object,
        ),
        info(
            F::StateMachineId,
            Some(F::StateMachine),
            "Id",
            "StateMachine.Id",
            K::String,
        ),
        info(
            F::StateMachineName,
            Some(F::StateMachine),
            "Name",
            "StateMachine.Name",
            K::String,
        ),
        info(F::Task, Some(F::Root), "Task", "Task", K::Object),
        info(
            F::TaskToken,
            Some(F::Task),
            "Token",
            "Task.Token",
            K::String,
        ),
        info(F::Map, Some(F::Root), "Map", "Map", K::Object),
        info(F::MapItem, Some(F::Map), "Item", "Map.Item", K::Object),
        info(
            F::MapItemIndex,
            Some(F::MapItem),
            "Index",
            "Map.Item.Index",
            K::Number,
        ),
        info(
            F::MapItemValue,
            Some(F::MapItem),
            "Value",
            "Map.Item.Value",
            K::Json,
        ),
        info(
            F::MapItemKey,
            Some(F::MapItem),
            "Key",
            "Map.Item.Key",
            K::String,
        ),
        info(
            F::MapItemSource,
            Some(F::MapItem),
            "Source",
            "Map.Item.Source",
            K::String,
        ),
    ]
};

impl ContextField {
    /// The table entry for this field.
    pub fn info(self) -> &'static ContextFieldInfo {
        // The table lists the variants in declaration order, so the discriminant is the index;
        // the search (and the root entry) is a fallback that cannot be reached.
        match CONTEXT_FIELDS.get(self as usize) {
            Some(info) if info.field == self => info,
            _ => CONTEXT_FIELDS
                .iter()
                .find(|i| i.field == self)
                .unwrap_or(&CONTEXT_FIELDS[0]),
        }
    }

    /// The dotted path below `$$`, e.g. `"Execution.Id"` (`""` for the root).
    pub fn path(self) -> &'static str {
        self.info().path
    }

    /// The kind of value found there.
    pub fn kind(self) -> ContextValueKind {
        self.info().kind
    }

    /// Fields that exist only in a Map state's `ItemSelector` (`Map.*`).
    pub fn map_only(self) -> bool {
        let mut field = self;
        loop {
            if field == ContextField::Map {
                return true;
            }
            match field.info().parent {
                Some(parent) => field = parent,
                None => return false,
            }
        }
    }

    /// The fields directly below this one.
    pub fn children(self) -> impl Iterator<Item = &'static ContextFieldInfo> {
        CONTEXT_FIELDS
            .iter()
            .filter(move |i| i.parent == Some(self))
    }
}

/// The field called `name` directly below `parent`: the table's parent and name columns as a
/// `match`, which compiles to a length check and at most a comparison or two instead of a scan
/// of the table (a test checks the two agree).
fn child_named(parent: ContextField, name: &str) -> Option<ContextField> {
    use ContextField as F;
    // By parent first, so only that parent's few names are compared.
    Some(match parent {
        F::Root => match name {
            "Execution" => F::Execution,
            "State" => F::State,
            "StateMachine" => F::StateMachine,
            "Task" => F::Task,
            "Map" => F::Map,
            _ => return None,
        },
        F::Execution => match name {
            "Id" => F::ExecutionId,
            "Input" => F::ExecutionInput,
            "Name" => F::ExecutionName,
            "RoleArn" => F::ExecutionRoleArn,
            "StartTime" => F::ExecutionStartTime,
            "RedriveCount" => F::ExecutionRedriveCount,
            "RedriveTime" => F::ExecutionRedriveTime,
            _ => return None,
        },
        F::State => match name {
            "EnteredTime" => F::StateEnteredTime,
            "Name" => F::StateName,
            "RetryCount" => F::StateRetryCount,
            _ => return None,
        },
        F::StateMachine => match name {
            "Id" => F::StateMachineId,
            "Name" => F::StateMachineName,
            _ => return None,
        },
        F::Task => match name {
            "Token" => F::TaskToken,
            _ => return None,
        },
        F::Map => match name {
            "Item" => F::MapItem,
            _ => return None,
        },
        F::MapItem => match name {
            "Index" => F::MapItemIndex,
            "Value" => F::MapItemValue,
            "Key" => F::MapItemKey,
            "Source" => F::MapItemSource,
            _ => return None,
        },
        _ => return None,
    })
}

/// Checks a `$$` path against the context object's fields and returns the field it reads.
/// Below `Execution.Input` and `Map.Item.Value` (arbitrary JSON) any step is accepted; a trailing
/// function such as `.length()` applies to the field before it.
pub fn check_context_path(path: &JsonPath) -> Result<ContextField, SyntaxError> {
    if path.root != Root::Context {
        return Err(SyntaxError::new(
            "not a context object path: it must start with `$$`",
            path.span,
        ));
    }
    let mut current = ContextField::Root;
    for segment in &path.segments {
        let kind = current.kind();
        if kind == ContextValueKind::Json {
            return Ok(current);
        }
        match &segment.kind {
            SegmentKind::Function(_) => return Ok(current),
            SegmentKind::Child(Selector::Name(name))
                if kind == ContextValueKind::Object
                    && let Some(child) = child_named(current, name) =>
            {
                current = child;
            }
            _ => return Err(step_error(current, kind, segment)),
        }
    }
    Ok(current)
}

/// Why `segment` cannot be read below `current` (of kind `kind`, not JSON). Kept out of line:
/// the messages are only built on failure, and the checking loop stays small without them.
#[cold]
#[inline(never)]
fn step_error(current: ContextField, kind: ContextValueKind, segment: &Segment) -> SyntaxError {
    let shown = if current == ContextField::Root {
        "$$".to_string()
    } else {
        format!("$$.{}", current.path())
    };
    let message = match &segment.kind {
        SegmentKind::Child(Selector::Name(name)) if kind == ContextValueKind::Object => {
            let known: Vec<&str> = current.children().map(|c| c.name).collect();
            format!(
                "the context object has no field `{name}` in `{shown}`; known fields: {}",
                known.join(", ")
            )
        }
        _ if kind == ContextValueKind::Object => {
            format!("fields of `{shown}` must be selected by name, e.g. `{shown}.Name`")
        }
        _ => {
            let kind = match kind {
                ContextValueKind::Number => "a number",
                _ => "a string",
            };
            format!("`{shown}` is {kind} and has no fields")
        }
    };
    SyntaxError::new(message, segment.span)
}

#[cfg(test)]
mod tests {
    use super::{CONTEXT_FIELDS, child_named};

    #[test]
    fn the_child_match_agrees_with_the_table() {
        for parent in CONTEXT_FIELDS {
            for child in CONTEXT_FIELDS {
                // The table lookup the match replaces.
                let expected = CONTEXT_FIELDS
                    .iter()
                    .find(|c| c.parent == Some(parent.field) && c.name == child.name)
                    .map(|c| c.field);
                assert_eq!(
                    child_named(parent.field, child.name),
                    expected,
                    "{}",
                    child.path
                );
            }
            assert_eq!(child_named(parent.field, ""), None);
            assert_eq!(child_named(parent.field, "token"), None);
        }
    }
}
