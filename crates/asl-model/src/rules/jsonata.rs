//! JSONata expressions: their syntax is not checked yet, which is said in a
//! note rather than passed over silently; obvious misuse is reported.

use super::codes;
use super::walk::{all_states, state_jsonata};
use crate::diagnostic::Diagnostic;
use crate::model::StateMachine;

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    for state in all_states(machine) {
        state_jsonata(state, &mut |_, e| {
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
