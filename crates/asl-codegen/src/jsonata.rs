//! JSONata expressions are parsed at build time with the evaluator's own parser: one that the
//! model's syntax check accepts but the evaluator cannot run (the sort operator `^(…)`, the
//! descendant operator `**`, partial application, function signatures) is a compile error at its
//! string instead of a `States.QueryEvaluationError` when the state first runs.

use asl_model::model::{
    ChoiceRule, Count, JsonataExpr, StateKind, StateMachine, Template, Text, WaitDuration,
};

use crate::unsupported::Unsupported;

/// Every JSONata expression of the machine (nested machines included) that does not parse.
pub fn check(machine: &StateMachine) -> Vec<Unsupported> {
    let mut found = Vec::new();
    visit(machine, &mut found);
    found
}

fn expression(found: &mut Vec<Unsupported>, e: &JsonataExpr) {
    if let Err(err) = asl_jsonata::Expression::parse(e.body) {
        found.push(Unsupported {
            span: e.span,
            message: format!("this JSONata expression is not supported by `asl!` yet: {err}"),
        });
    }
}

fn template(found: &mut Vec<Unsupported>, t: Option<&Template>) {
    if let Some(t) = t {
        t.for_each_jsonata(&mut |e| expression(found, e));
    }
}

fn count(found: &mut Vec<Unsupported>, c: Option<&Count>) {
    if let Some(Count::Jsonata(e)) = c {
        expression(found, e);
    }
}

fn visit(machine: &StateMachine, found: &mut Vec<Unsupported>) {
    for state in &machine.states {
        let io = &state.io;
        for t in [&io.assign, &io.output, &io.arguments] {
            template(found, t.as_ref());
        }
        match &state.kind {
            StateKind::Task(task) => {
                count(found, task.timeout.as_ref());
                count(found, task.heartbeat.as_ref());
            }
            StateKind::Wait(wait) => match &wait.duration {
                WaitDuration::Seconds(c) => count(found, Some(c)),
                WaitDuration::TimestampJsonata(e) => expression(found, e),
                _ => {}
            },
            StateKind::Fail(fail) => {
                for text in [&fail.error, &fail.cause].into_iter().flatten() {
                    if let Text::Jsonata(e) = text {
                        expression(found, e);
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
                template(found, map.items.as_ref());
                template(found, map.item_selector.as_ref());
                count(found, map.max_concurrency.as_ref());
                visit(&map.item_processor.machine, found);
            }
            StateKind::Pass(_) | StateKind::Succeed(_) => {}
        }
        for catcher in state.kind.catch() {
            template(found, catcher.assign.as_ref());
            template(found, catcher.output.as_ref());
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
        ChoiceRule::Condition(t) => template(found, Some(t)),
        ChoiceRule::Comparison(_) | ChoiceRule::Invalid(_) => {}
    }
}
