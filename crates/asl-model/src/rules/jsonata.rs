//! JSONata expressions: their syntax is not checked yet, which is said in a
//! note rather than passed over silently; obvious misuse is reported.

use super::codes;
use super::walk::{Site, all_states, state_jsonata};
use crate::diagnostic::Diagnostic;
use crate::model::StateMachine;

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    for state in all_states(machine) {
        state_jsonata(state, &mut |site, e| {
            if e.body.trim().is_empty() {
                out.push(
                    Diagnostic::error(codes::JSONATA_MISUSE, "empty JSONata expression", e.span)
                        .with_label("nothing between `{%` and `%}`"),
                );
                return;
            }
            if e.body.contains("$$") {
                out.push(
                    Diagnostic::error(
                        codes::JSONATA_MISUSE,
                        "JSONata expressions in Step Functions cannot use `$$`",
                        e.span,
                    )
                    .with_help("read the context object through `$states.context`"),
                );
            }
            if let Some(problem) = states_field_misuse(site, &e.body) {
                out.push(
                    Diagnostic::error(codes::JSONATA_MISUSE, problem, e.span)
                        .with_label("not available here"),
                );
            }
            out.push(
                Diagnostic::note(
                    codes::JSONATA_UNCHECKED,
                    "JSONata expression syntax is not checked",
                    e.span,
                )
                .with_label("passed through as written"),
            );
        });
    }
}

/// Whether `body` mentions `$states.<field>` (not a longer name).
fn mentions(body: &str, field: &str) -> bool {
    let needle = format!("$states.{field}");
    body.match_indices(&needle).any(|(i, _)| {
        !body
            .get(i + needle.len()..)
            .and_then(|rest| rest.chars().next())
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
    })
}

/// `$states.result` exists only once the state has a result (its `Output`
/// and `Assign`); `$states.errorOutput` only in a catcher.
fn states_field_misuse(site: Site, body: &str) -> Option<&'static str> {
    if mentions(body, "errorOutput") && site != Site::Catcher {
        return Some(
            "`$states.errorOutput` is only available in a catcher's `Output` and `Assign`",
        );
    }
    let before_result = matches!(
        site,
        Site::Parameters
            | Site::ItemsPath
            | Site::ItemSelector
            | Site::Count
            | Site::Credentials
            | Site::MapConfig
            | Site::Catcher
    );
    if mentions(body, "result") && before_result {
        return Some(
            "`$states.result` is not available here: the state has no result yet (or failed)",
        );
    }
    None
}
