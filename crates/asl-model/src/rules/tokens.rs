//! Task tokens (`$$.Task.Token`) and other context fields that exist only in
//! some places (`$$.Map.Item.*`).

use asl_syntax::context::{ContextField, check_context_path};
use asl_syntax::path::Root;
use asl_syntax::resource::{IntegrationPattern, Resource};

use super::codes;
use super::walk::{PathUse, Site, all_states, state_jsonata, state_paths};
use crate::diagnostic::Diagnostic;
use crate::model::{JsonataExpr, State, StateKind, StateMachine, TaskState};

/// Whether a task's request can hold a token: callback and run-a-job
/// integrations and activities (a `.sync` job may finish early with the
/// token). Unparsed resources (placeholders) get the benefit of the doubt.
fn token_available(task: &TaskState) -> bool {
    match task.resource_uri.as_deref() {
        None | Some(Resource::CloudFormationPlaceholder { .. }) => true,
        Some(Resource::Activity { .. }) => true,
        Some(Resource::Optimized { pattern, .. } | Resource::AwsSdk { pattern, .. }) => {
            pattern.value != IntegrationPattern::RequestResponse
        }
        Some(Resource::HttpInvoke { .. } | Resource::LambdaFunction { .. }) => false,
    }
}

fn is_callback(task: &TaskState) -> bool {
    matches!(
        task.resource_uri.as_deref(),
        Some(Resource::Optimized { pattern, .. } | Resource::AwsSdk { pattern, .. })
            if pattern.value == IntegrationPattern::Callback
    )
}

fn context_field(path: &asl_syntax::path::JsonPath) -> Option<ContextField> {
    if path.root != Root::Context {
        return None;
    }
    check_context_path(path).ok()
}

const JSONATA_TOKEN: &str = "$states.context.Task.Token";

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    check_states(&all_states(machine), out);
}

/// [`check`] over a machine's [`all_states`] list.
pub(crate) fn check_states(states: &[&State], out: &mut Vec<Diagnostic>) {
    for state in states {
        check_state(state, out);
    }
}

fn check_state(state: &State, out: &mut Vec<Diagnostic>) {
    let mut check = StateCheck::new(state);
    state_paths(state, &mut |u| check.path(&u, out));
    state_jsonata(state, &mut |site, e| check.jsonata(site, e, out));
    check.finish(out);
}

/// The token rules for one state, fed its paths and expressions by a walk
/// that other rules may share.
pub(crate) struct StateCheck<'a> {
    state: &'a State<'a>,
    task: Option<&'a TaskState<'a>>,
    passes_token: bool,
}

impl<'a> StateCheck<'a> {
    pub(crate) fn new(state: &'a State) -> StateCheck<'a> {
        let task = match &state.kind {
            StateKind::Task(t) => Some(t),
            _ => None,
        };
        StateCheck {
            state,
            task,
            passes_token: false,
        }
    }

    /// One path of the state (see [`state_paths`]).
    pub(crate) fn path(&mut self, u: &PathUse<'_>, out: &mut Vec<Diagnostic>) {
        let Some(field) = context_field(u.path) else {
            return;
        };
        if field == ContextField::TaskToken {
            // Inside a task that has a token, any field may read it (AWS
            // accepts it); only `Parameters` hands it to the worker.
            if self.task.is_some_and(token_available) {
                self.passes_token |= u.site == Site::Parameters;
            } else {
                out.push(
                    Diagnostic::error(
                        codes::TASK_TOKEN_UNAVAILABLE,
                        "`$$.Task.Token` does not exist here",
                        u.span,
                    )
                    .with_label("no task token at this point")
                    .with_note("the token exists only while a `.waitForTaskToken` (or `.sync`, or activity) task builds its request in `Parameters`"),
                );
            }
        } else if field.map_only() && u.site != Site::ItemSelector {
            out.push(
                Diagnostic::error(
                    codes::MAP_CONTEXT_OUTSIDE_SELECTOR,
                    "`$$.Map.Item` is only available in a Map state's `ItemSelector`",
                    u.span,
                )
                .with_label("no Map item here")
                .with_help("select the item fields in the Map's `ItemSelector` and read them from `$` inside the iteration"),
            );
        }
    }

    /// One JSONata expression of the state (see [`state_jsonata`]).
    pub(crate) fn jsonata(&mut self, site: Site, e: &JsonataExpr, out: &mut Vec<Diagnostic>) {
        if e.body.contains(JSONATA_TOKEN) {
            if self.task.is_some_and(token_available) {
                self.passes_token |= site == Site::Parameters;
            } else {
                out.push(
                    Diagnostic::error(
                        codes::TASK_TOKEN_UNAVAILABLE,
                        "`$states.context.Task.Token` does not exist here",
                        e.span,
                    )
                    .with_label("no task token at this point"),
                );
            }
        }
    }

    /// After every path and expression: a callback task must pass its token.
    pub(crate) fn finish(self, out: &mut Vec<Diagnostic>) {
        let Some(task) = self.task else {
            return;
        };
        if !is_callback(task) || self.passes_token {
            return;
        }
        let (field, token) = match self.state.language {
            crate::model::QueryLanguage::JsonPath => {
                ("Parameters", "\"TaskToken.$\": \"$$.Task.Token\"")
            }
            crate::model::QueryLanguage::Jsonata => (
                "Arguments",
                "\"TaskToken\": \"{% $states.context.Task.Token %}\"",
            ),
        };
        out.push(
            Diagnostic::warning(
                codes::MISSING_TASK_TOKEN,
                format!("this `.waitForTaskToken` task never passes its task token in `{field}`"),
                task.resource.span,
            )
            .with_label("waits for a token nobody received")
            .with_help(format!(
                "add {token} to the request so the worker can call SendTaskSuccess"
            )),
        );
    }
}
