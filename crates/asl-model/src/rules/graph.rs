//! State names and transitions: targets that exist in the same scope,
//! reachability from `StartAt`, a terminal state in every scope, unique and
//! short names.

use crate::hash::FastMap as HashMap;
use std::cell::OnceCell;

use super::codes;
use super::walk::{all_states, nested_machines};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{SpannedStr, State, StateKind, StateMachine, Transition};
use crate::source::Span;

/// Longest state name AWS accepts.
pub const MAX_NAME_LEN: usize = 80;

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    names(machine, out);
    // Where every state lives, to tell "no such state" from "in another
    // scope"; only needed when a target does not resolve, so built lazily.
    let homes = Homes {
        machine,
        map: OnceCell::new(),
    };
    let mut stack = vec![machine];
    while let Some(m) = stack.pop() {
        scope(m, &homes, out);
        for s in &m.states {
            stack.extend(nested_machines(s));
        }
    }
}

/// The scope-independent name -> definition map, built on first use.
struct Homes<'a> {
    machine: &'a StateMachine<'a>,
    map: OnceCell<HashMap<&'a str, Span>>,
}

impl<'a> Homes<'a> {
    fn get(&self, name: &str) -> Option<&Span> {
        self.map
            .get_or_init(|| {
                let mut homes = HashMap::default();
                for s in all_states(self.machine) {
                    homes.entry(&*s.name.value).or_insert(s.name.span);
                }
                homes
            })
            .get(name)
    }
}

fn names(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    let mut states = all_states(machine);
    states.sort_by_key(|s| s.name.span.start);
    // Map labels name Map Runs, so they are unique like state names.
    let mut labels: HashMap<&str, Span> = HashMap::default();
    for s in &states {
        if let StateKind::Map(m) = &s.kind
            && let Some(label) = &m.label
        {
            if let Some(prev) = labels.get(&*label.value) {
                out.push(
                    Diagnostic::error(
                        codes::LABEL,
                        format!("Map label `{}` is used more than once", label.value),
                        label.span,
                    )
                    .with_secondary(*prev, "first used here"),
                );
            } else {
                labels.insert(&*label.value, label.span);
            }
        }
    }
    let mut first: HashMap<&str, Span> = HashMap::default();
    for s in states {
        let name = &*s.name.value;
        if let Some(prev) = first.get(name) {
            out.push(
                Diagnostic::error(
                    codes::DUPLICATE_STATE_NAME,
                    format!("state name `{name}` is used more than once"),
                    s.name.span,
                )
                .with_label("second state with this name")
                .with_secondary(*prev, "first defined here")
                .with_note("state names must be unique across the whole definition, including Parallel branches and Map processors"),
            );
        } else {
            first.insert(name, s.name.span);
        }
        let len = name.chars().count();
        if len > MAX_NAME_LEN {
            out.push(
                Diagnostic::error(
                    codes::NAME_TOO_LONG,
                    format!("state name has {len} characters; the limit is {MAX_NAME_LEN}"),
                    s.name.span,
                )
                .with_label("too long"),
            );
        }
    }
}

/// The targets a state may jump to, in the same scope: `Next`, the Choice
/// rules' `Next` and `Default`, then the catchers' `Next`.
pub fn targets<'s, 'a>(state: &'s State<'a>) -> impl Iterator<Item = &'s SpannedStr<'a>> {
    let next = match state.kind.transition() {
        Some(Transition::Next(n)) => Some(n),
        _ => None,
    };
    let (choices, default) = match &state.kind {
        StateKind::Choice(c) => (c.choices.as_slice(), c.default.as_ref()),
        _ => (&[][..], None),
    };
    next.into_iter()
        .chain(choices.iter().map(|b| &b.next))
        .chain(default)
        .chain(state.kind.catch().iter().map(|c| &c.next))
}

fn scope(m: &StateMachine, homes: &Homes<'_>, out: &mut Vec<Diagnostic>) {
    let index: HashMap<&str, usize> = m
        .states
        .iter()
        .enumerate()
        .map(|(i, s)| (&*s.name.value, i))
        .rev()
        .collect();
    let resolve = |target: &SpannedStr, what: &str, out: &mut Vec<Diagnostic>| {
        // An empty name is the builder's stand-in for a missing field that
        // was already reported.
        if target.value.is_empty() && !index.contains_key("") {
            return None;
        }
        if let Some(i) = index.get(&*target.value) {
            return Some(*i);
        }
        if let Some(home) = homes.get(&target.value) {
            out.push(
                Diagnostic::error(
                    codes::CROSS_SCOPE_TARGET,
                    format!(
                        "{what} `{}` is a state of another scope",
                        target.value
                    ),
                    target.span,
                )
                .with_label("cannot jump out of or into a Map or Parallel")
                .with_secondary(*home, "that state is defined here")
                .with_note("transitions only reach states of the same `States` object; a branch or iteration ends with its own terminal state"),
            );
        } else {
            let mut d = Diagnostic::error(
                codes::UNKNOWN_TARGET,
                format!("{what} `{}` names no state", target.value),
                target.span,
            )
            .with_label("no state with this name in this scope");
            let names = m.states.iter().map(|s| &*s.name.value);
            if let Some(s) = did_you_mean(&target.value, names) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
        None
    };

    let reported_before = out.len();
    let start = resolve(&m.start_at, "`StartAt`", out);
    // Edges of state i are `edges[ends[i - 1]..ends[i]]`: one flat list
    // instead of a vector per state.
    let mut edges: Vec<usize> = Vec::with_capacity(m.states.len());
    let mut ends: Vec<usize> = Vec::with_capacity(m.states.len());
    for s in &m.states {
        let e = &mut edges;
        if let Some(Transition::Next(n)) = s.kind.transition()
            && let Some(i) = resolve(n, "`Next`", out)
        {
            e.push(i);
        }
        if let StateKind::Choice(c) = &s.kind {
            for b in &c.choices {
                if let Some(i) = resolve(&b.next, "choice `Next`", out) {
                    e.push(i);
                }
            }
            if let Some(d) = &c.default
                && let Some(i) = resolve(d, "`Default`", out)
            {
                e.push(i);
            }
        }
        for c in s.kind.catch() {
            if let Some(i) = resolve(&c.next, "catcher `Next`", out) {
                e.push(i);
            }
        }
        ends.push(edges.len());
    }

    let Some(start) = start else {
        return;
    };
    // Reachability from StartAt only: a cycle nobody enters stays unreachable.
    let mut seen = vec![false; m.states.len()];
    let mut stack = vec![start];
    while let Some(i) = stack.pop() {
        if seen.get(i).copied().unwrap_or(true) {
            continue;
        }
        if let Some(slot) = seen.get_mut(i) {
            *slot = true;
        }
        let from = i
            .checked_sub(1)
            .and_then(|p| ends.get(p))
            .copied()
            .unwrap_or(0);
        let to = ends.get(i).copied().unwrap_or(from);
        stack.extend(edges.get(from..to).unwrap_or_default().iter().copied());
    }
    for (s, reached) in m.states.iter().zip(&seen) {
        if !reached {
            out.push(
                Diagnostic::error(
                    codes::UNREACHABLE_STATE,
                    format!("state `{}` is never reached", s.name.value),
                    s.name.span,
                )
                .with_label("no transition from `StartAt` leads here")
                .with_note("AWS rejects definitions with unreachable states"),
            );
        }
    }
    let can_end = m
        .states
        .iter()
        .zip(&seen)
        .any(|(s, reached)| *reached && s.kind.is_terminal());
    // A dangling target already explains why the scope cannot end.
    let dangling = out.len() > reported_before;
    if !can_end && !dangling && !m.states.is_empty() {
        out.push(
            Diagnostic::error(
                codes::NO_TERMINAL,
                "this scope can never end: no reachable state is terminal",
                m.start_at.span,
            )
            .with_label("execution starting here never ends")
            .with_help(
                "give some state `\"End\": true`, or add a Succeed or Fail state and lead to it",
            ),
        );
    }
}
