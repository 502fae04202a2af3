//! Parts of the language the generator does not compile yet. Each one is a compile error at its
//! span, so nothing in a definition is ever silently ignored.

use asl_model::Span;
use asl_model::model::{Count, StateKind, StateMachine, Template, Tolerance};

/// A span and what is not supported there.
pub struct Unsupported {
    pub span: Span,
    pub message: String,
}

/// Every unsupported feature of the machine, nested machines included.
pub fn check(machine: &StateMachine) -> Vec<Unsupported> {
    let mut found = Vec::new();
    visit(machine, &mut found);
    found
}

fn push(found: &mut Vec<Unsupported>, span: Span, what: &str) {
    let help = if what.contains("JSONata") {
        "give this field a literal value (no `{% … %}`), or write the state with JSONPath"
    } else if what.contains("ResultWriter") {
        "the Map's results are its output; store them with a Task after the Map"
    } else if what.contains("ItemBatcher") {
        "group the items before the Map (for example with `States.ArrayPartition`)"
    } else {
        "pass the items in the state input and select them with `ItemsPath`"
    };
    found.push(Unsupported {
        span,
        message: format!("{what} is not supported by `asl!` yet\n  = help: {help}"),
    });
}

fn template(found: &mut Vec<Unsupported>, t: Option<&Template>) {
    if let Some(t) = t {
        t.for_each_jsonata(&mut |e| push(found, e.span, "a JSONata expression"));
    }
}

fn count(found: &mut Vec<Unsupported>, c: Option<&Count>) {
    if let Some(Count::Jsonata(e)) = c {
        push(found, e.span, "a JSONata expression");
    }
}

fn visit(machine: &StateMachine, found: &mut Vec<Unsupported>) {
    for state in &machine.states {
        // JSONata `Arguments`, `Output`, `Assign`, conditions, `Items`, the expression-valued
        // numbers and texts, and catchers are compiled; what is checked here is not.
        let io = &state.io;
        for t in [&io.parameters, &io.result_selector] {
            template(found, t.as_ref());
        }
        match &state.kind {
            StateKind::Task(task) => template(found, task.credentials.as_ref()),
            StateKind::Parallel(parallel) => {
                for branch in &parallel.branches {
                    visit(branch, found);
                }
            }
            StateKind::Map(map) => {
                // A distributed Map over the state input runs like an inline Map (its
                // iterations are not separate child executions); reading or writing S3 is not
                // compiled.
                if let Some(reader) = &map.item_reader {
                    push(found, reader.span, "`ItemReader`");
                }
                if let Some(batcher) = &map.item_batcher {
                    push(found, batcher.span, "`ItemBatcher`");
                }
                if let Some(writer) = &map.result_writer {
                    push(found, writer.span, "`ResultWriter`");
                }
                count(found, map.tolerated_failure_count.as_ref());
                if let Some(Tolerance::Jsonata(e)) = &map.tolerated_failure_percentage {
                    push(found, e.span, "a JSONata expression");
                }
                visit(&map.item_processor.machine, found);
            }
            StateKind::Pass(_)
            | StateKind::Succeed(_)
            | StateKind::Wait(_)
            | StateKind::Fail(_)
            | StateKind::Choice(_) => {}
        }
    }
}
