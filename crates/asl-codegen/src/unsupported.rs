//! Parts of the language the generator does not compile yet. Each one is a compile error at its
//! span, so nothing in a definition is ever silently ignored.

use asl_model::Span;
use asl_model::model::{
    ChoiceRule, Count, QueryLanguage, StateKind, StateMachine, Template, Text, Tolerance,
    WaitDuration,
};

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
        "write the state with JSONPath (`Parameters`, `ResultSelector`, `ResultPath`, `…Path` fields)"
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
    if let Some(q) = &machine.query_language
        && q.value == QueryLanguage::Jsonata
    {
        push(found, q.span, "`QueryLanguage: JSONata`");
        return;
    }
    for state in &machine.states {
        if state.language == QueryLanguage::Jsonata {
            let span = state
                .query_language
                .as_ref()
                .map_or(state.name.span, |q| q.span);
            push(found, span, "a JSONata state");
            continue;
        }
        let io = &state.io;
        for t in [
            &io.parameters,
            &io.result_selector,
            &io.assign,
            &io.output,
            &io.arguments,
        ] {
            template(found, t.as_ref());
        }
        match &state.kind {
            StateKind::Task(task) => {
                template(found, task.credentials.as_ref());
                count(found, task.timeout.as_ref());
                count(found, task.heartbeat.as_ref());
            }
            StateKind::Wait(wait) => match &wait.duration {
                WaitDuration::Seconds(c) => count(found, Some(c)),
                WaitDuration::TimestampJsonata(e) => push(found, e.span, "a JSONata expression"),
                _ => {}
            },
            StateKind::Fail(fail) => {
                for text in [&fail.error, &fail.cause].into_iter().flatten() {
                    if let Text::Jsonata(e) = text {
                        push(found, e.span, "a JSONata expression");
                    }
                }
            }
            StateKind::Choice(choice) => {
                for branch in &choice.choices {
                    rule(found, &branch.rule);
                    template(found, branch.assign.as_ref());
                    template(found, branch.output.as_ref());
                }
            }
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
                if let Some(items) = &map.items {
                    push(found, items.span(), "JSONata `Items`");
                }
                template(found, map.item_selector.as_ref());
                count(found, map.max_concurrency.as_ref());
                count(found, map.tolerated_failure_count.as_ref());
                if let Some(Tolerance::Jsonata(e)) = &map.tolerated_failure_percentage {
                    push(found, e.span, "a JSONata expression");
                }
                visit(&map.item_processor.machine, found);
            }
            StateKind::Pass(_) | StateKind::Succeed(_) => {}
        }
        for catcher in state.kind.catch() {
            template(found, catcher.assign.as_ref());
            if let Some(output) = &catcher.output {
                push(found, output.span(), "JSONata `Output`");
            }
        }
    }
}

fn rule(found: &mut Vec<Unsupported>, r: &ChoiceRule) {
    match r {
        ChoiceRule::And(rules, _) | ChoiceRule::Or(rules, _) => {
            for r in rules {
                rule(found, r);
            }
        }
        ChoiceRule::Not(inner, _) => rule(found, inner),
        ChoiceRule::Condition(t) => push(found, t.span(), "a JSONata `Condition`"),
        ChoiceRule::Comparison(_) | ChoiceRule::Invalid(_) => {}
    }
}
