//! Task timeouts and heartbeats.

use super::codes;
use super::walk::all_states;
use crate::diagnostic::Diagnostic;
use crate::model::build::MAX_SECONDS;
use crate::model::{Count, State, StateKind, StateMachine};
use asl_syntax::resource::{IntegrationPattern, Resource};

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    check_states(all_states(machine), out);
}

/// [`check`] over a machine's [`all_states`] list.
pub(crate) fn check_states<'a>(
    states: impl IntoIterator<Item = &'a State<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    for state in states {
        let StateKind::Task(task) = &state.kind else {
            continue;
        };
        if let Some(Count::Fixed(hb)) = &task.heartbeat {
            // An absent TimeoutSeconds means AWS's default, 99999999.
            let timeout = task.timeout.as_ref().and_then(Count::fixed);
            let limit = timeout.unwrap_or(MAX_SECONDS);
            let dynamic_timeout = matches!(task.timeout, Some(Count::Path(_) | Count::Jsonata(_)));
            if hb.value >= limit && !dynamic_timeout {
                let mut d = Diagnostic::error(
                    codes::HEARTBEAT_NOT_BELOW_TIMEOUT,
                    format!(
                        "`HeartbeatSeconds` ({}) must be smaller than `TimeoutSeconds` ({limit})",
                        hb.value
                    ),
                    hb.span,
                )
                .with_label("not below the timeout");
                if let Some(t) = &task.timeout {
                    d = d.with_secondary(t.span(), "timeout set here");
                } else {
                    d = d.with_note(
                        "without `TimeoutSeconds` the task times out after 99999999 seconds",
                    );
                }
                out.push(d);
            }
        }
        let waits_for_worker = match task.resource_uri.as_deref() {
            Some(Resource::Activity { .. }) => true,
            Some(Resource::Optimized { pattern, .. } | Resource::AwsSdk { pattern, .. }) => {
                pattern.value == IntegrationPattern::Callback
            }
            _ => false,
        };
        if waits_for_worker && task.timeout.is_none() && task.heartbeat.is_none() {
            out.push(
                Diagnostic::warning(
                    codes::CALLBACK_WITHOUT_TIMEOUT,
                    "this task waits for a worker but has no `TimeoutSeconds` or `HeartbeatSeconds`",
                    task.resource.span,
                )
                .with_label("may wait until the execution's one-year limit")
                .with_help("set `HeartbeatSeconds` (and the worker sends heartbeats) or `TimeoutSeconds`"),
            );
        }
    }
}
