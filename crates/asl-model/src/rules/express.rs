//! Restrictions of Express workflows that are not about `Resource` (those
//! are checked with the catalog).

use super::codes;
use super::walk::all_states;
use crate::Options;
use crate::diagnostic::Diagnostic;
use crate::model::{ProcessorMode, State, StateKind, StateMachine};

pub fn check(machine: &StateMachine, options: &Options, out: &mut Vec<Diagnostic>) {
    if options.express {
        check_states(all_states(machine), out);
    }
}

/// [`check`] over a machine's [`all_states`] list, for an Express workflow.
pub(crate) fn check_states<'a>(
    states: impl IntoIterator<Item = &'a State<'a>>,
    out: &mut Vec<Diagnostic>,
) {
    for state in states {
        if let StateKind::Map(m) = &state.kind
            && m.mode() == ProcessorMode::Distributed
        {
            let span = m
                .item_processor
                .processor_config
                .as_ref()
                .and_then(|c| c.mode.as_ref())
                .map_or(state.name.span, |mode| mode.span);
            out.push(
                Diagnostic::error(
                    codes::EXPRESS_UNSUPPORTED,
                    "Express workflows cannot run a Distributed Map",
                    span,
                )
                .with_label("Standard workflows only")
                .with_help("use `\"Mode\": \"INLINE\"`, or make the machine a Standard workflow"),
            );
        }
    }
}
