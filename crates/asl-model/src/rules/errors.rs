//! Retry and Catch: `ErrorEquals` contents and order.

use super::codes;
use super::walk::all_states;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{SpannedStr, State, StateMachine};
use crate::source::Span;

/// Every `States.*` name AWS defines.
pub const STATES_ERRORS: &[&str] = &[
    "States.ALL",
    "States.HeartbeatTimeout",
    "States.Timeout",
    "States.TaskFailed",
    "States.Permissions",
    "States.ResultPathMatchFailure",
    "States.ParameterPathFailure",
    "States.QueryEvaluationError",
    "States.BranchFailed",
    "States.NoChoiceMatched",
    "States.IntrinsicFailure",
    "States.ExceedToleratedFailureThreshold",
    "States.ItemReaderFailed",
    "States.ResultWriterFailed",
    "States.Runtime",
    "States.DataLimitExceeded",
    "States.Http.Socket",
];

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    check_states(all_states(machine), out);
}

/// [`check`] over a machine's [`all_states`] list.
pub(crate) fn check_states<'a>(
    states: impl IntoIterator<Item = &'a State<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    for state in states {
        let retry = state.kind.retry();
        // Iterators, not collected lists: no allocation per state.
        let lists = retry.iter().map(|r| (r.error_equals, r.error_equals_span));
        check_list(lists, "retrier", out);
        let lists = state
            .kind
            .catch()
            .iter()
            .map(|c| (c.error_equals, c.error_equals_span));
        check_list(lists, "catcher", out);
    }
}

fn check_list<'a>(
    list: impl ExactSizeIterator<Item = (&'a [SpannedStr<'a>], Span)>,
    what: &str,
    out: &mut Vec<Diagnostic>,
) {
    let count = list.len();
    for (i, (names, names_span)) in list.enumerate() {
        if names.is_empty() && !names_span.is_empty() {
            out.push(
                Diagnostic::error(
                    codes::EMPTY_ERROR_EQUALS,
                    format!("`ErrorEquals` of a {what} must name at least one error"),
                    names_span,
                )
                .with_label("empty")
                .with_help("list error names, or `States.ALL` to match every error"),
            );
        }
        for name in names.iter() {
            let n = name.value;
            if n == "States.ALL" {
                if names.len() > 1 {
                    out.push(
                        Diagnostic::error(
                            codes::STATES_ALL_NOT_ALONE,
                            "`States.ALL` must be the only name in its `ErrorEquals`",
                            name.span,
                        )
                        .with_label("not alone")
                        .with_help("put the specific names into an earlier retrier or catcher"),
                    );
                }
                if i + 1 != count {
                    out.push(
                        Diagnostic::error(
                            codes::STATES_ALL_NOT_LAST,
                            format!("a {what} matching `States.ALL` must be the last one"),
                            name.span,
                        )
                        .with_label(format!("later {what}s could never match"))
                        .with_help(format!("move this {what} to the end")),
                    );
                }
            } else if n.starts_with("States.") && !STATES_ERRORS.contains(&n) {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_STATES_ERROR,
                    format!("`{n}` is not a predefined error name"),
                    name.span,
                )
                .with_note(
                    "the `States.` prefix is reserved for the errors Step Functions defines",
                );
                if let Some(s) = did_you_mean(n, STATES_ERRORS.iter().copied()) {
                    d = d.with_help(format!("did you mean `{s}`?"));
                }
                out.push(d);
            } else if matches!(n, "States.Runtime" | "States.DataLimitExceeded") {
                out.push(
                    Diagnostic::warning(
                        codes::UNCATCHABLE_ERROR,
                        format!("`{n}` is never retried or caught"),
                        name.span,
                    )
                    .with_note("Step Functions ends the execution on this error even when a retrier or catcher names it"),
                );
            }
        }
    }
}
