//! State names and transitions: targets that exist in the same scope,
//! reachability from `StartAt`, a terminal state in every scope, unique and
//! short names.

use crate::hash::FastMap as HashMap;
use std::cell::OnceCell;
use std::collections::hash_map::Entry;

use super::codes;
use super::walk::{Facts, NO_STATE, Scope, ScopeIndex};
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::model::{SpannedStr, State, StateKind, StateMachine, Transition};
use crate::source::Span;

/// Longest state name AWS accepts.
pub const MAX_NAME_LEN: usize = 80;

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    check_facts(&Facts::new(machine), out);
}

/// [`check`] with the machine's [`Facts`] already worked out.
pub(crate) fn check_facts(facts: &Facts<'_>, out: &mut Vec<Diagnostic>) {
    names(facts, out);
    // Where every state lives, to tell "no such state" from "in another
    // scope"; only needed when a target does not resolve, so built lazily.
    let homes = Homes {
        facts,
        map: OnceCell::new(),
    };
    // Scopes in pre-order: their findings never share a span, so the order
    // they are reported in does not show once they are sorted.
    for s in facts.scopes() {
        scope(s, &homes, out);
    }
}

/// The scope-independent name -> definition map, built on first use.
struct Homes<'a, 's> {
    facts: &'s Facts<'a>,
    map: OnceCell<HashMap<&'a str, Span>>,
}

impl<'a> Homes<'a, '_> {
    fn get(&self, name: &str) -> Option<&Span> {
        self.map
            .get_or_init(|| {
                let mut homes = HashMap::default();
                for s in self.facts.states() {
                    homes.entry(s.name.value).or_insert(s.name.span);
                }
                homes
            })
            .get(name)
    }
}

/// Up to this many states, duplicates are found by comparing with every
/// earlier name instead of through a map.
const LINEAR_NAMES: usize = 16;

fn names(facts: &Facts<'_>, out: &mut Vec<Diagnostic>) {
    // In source order, so that "first" means first written. The states of
    // a machine without nested ones are already, and are walked in place
    // (a slice iterator is much cheaper to clone and step than the chained
    // one over all scopes).
    if let Some(states) = facts.single_scope()
        && states.is_sorted_by_key(|s| s.name.span.start)
    {
        // The scope's name index already maps each name to its first state.
        let index = match facts.root_index() {
            ScopeIndex::Map(map) => Some(map),
            ScopeIndex::Linear(_) => None,
        };
        return names_in_order(states.iter(), index, out);
    }
    let mut sorted: Vec<&State> = facts.states().collect();
    sorted.sort_by_key(|s| s.name.span.start);
    names_in_order(sorted.iter().copied(), None, out);
}

/// `index`, when given, maps each name of `states` to its first position.
fn names_in_order<'a>(
    states: impl Iterator<Item = &'a State<'a>> + Clone,
    index: Option<&HashMap<&str, usize>>,
    out: &mut Vec<Diagnostic>,
) {
    // Map labels name Map Runs, so they are unique like state names.
    let mut labels: HashMap<&str, Span> = HashMap::default();
    for s in states.clone() {
        if let StateKind::Map(m) = &s.kind
            && let Some(label) = &m.label
        {
            if let Some(prev) = labels.get(label.value) {
                out.push(
                    Diagnostic::error(
                        codes::LABEL,
                        format!("Map label `{}` is used more than once", label.value),
                        label.span,
                    )
                    .with_secondary(*prev, "first used here"),
                );
            } else {
                labels.insert(label.value, label.span);
            }
        }
    }
    let count = states.clone().take(LINEAR_NAMES + 1).count();
    let linear = count <= LINEAR_NAMES;
    let mut first: HashMap<&str, Span> = if linear || index.is_some() {
        HashMap::default()
    } else {
        HashMap::with_capacity_and_hasher(states.clone().count(), Default::default())
    };
    for (i, s) in states.clone().enumerate() {
        let name = s.name.value;
        let prev = if let Some(index) = index {
            match index.get(name) {
                Some(&f) if f != i => states.clone().nth(f).map(|p| p.name.span),
                _ => None,
            }
        } else if linear {
            states
                .clone()
                .take(i)
                .find(|p| *p.name.value == *name)
                .map(|p| p.name.span)
        } else {
            match first.entry(name) {
                Entry::Occupied(e) => Some(*e.get()),
                Entry::Vacant(e) => {
                    e.insert(s.name.span);
                    None
                }
            }
        };
        if let Some(prev) = prev {
            out.push(
                Diagnostic::error(
                    codes::DUPLICATE_STATE_NAME,
                    format!("state name `{name}` is used more than once"),
                    s.name.span,
                )
                .with_label("second state with this name")
                .with_secondary(prev, "first defined here")
                .with_note("state names must be unique across the whole definition, including Parallel branches and Map processors"),
            );
        }
        // A name of at most MAX_NAME_LEN bytes has at most that many chars.
        if name.len() > MAX_NAME_LEN {
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

fn scope(here: &Scope<'_>, homes: &Homes<'_, '_>, out: &mut Vec<Diagnostic>) {
    let m = here.machine;
    let index = &here.index;
    // Every target resolves through `index` alone (an empty name, the
    // builder's stand-in for a missing field that was already reported,
    // finds a state only when one is really named so); this reports the
    // ones that do not. `looked_up`: the answer `Facts` already has for
    // this target, if any.
    let resolve = |target: &SpannedStr,
                   what: &str,
                   looked_up: Option<Option<usize>>,
                   out: &mut Vec<Diagnostic>| {
        let found = looked_up.unwrap_or_else(|| index.get(target.value));
        if let Some(i) = found {
            return Some(i);
        }
        if target.value.is_empty() {
            return None;
        }
        if let Some(home) = homes.get(target.value) {
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
            let names = m.states.iter().map(|s| s.name.value);
            if let Some(s) = did_you_mean(target.value, names) {
                d = d.with_help(format!("did you mean `{s}`?"));
            }
            out.push(d);
        }
        None
    };

    let reported_before = out.len();
    let start = resolve(&m.start_at, "`StartAt`", None, out);
    // Targets `Facts` already looked up, in the order resolved below.
    let mut known = here.targets.as_deref().map(|t| t.iter());
    let mut known_next = || {
        let i = *known.as_mut()?.next()?;
        Some((i != NO_STATE).then_some(i as usize))
    };
    for s in &m.states {
        if let Some(Transition::Next(n)) = s.kind.transition() {
            resolve(n, "`Next`", known_next(), out);
        }
        if let StateKind::Choice(c) = &s.kind {
            for b in &c.choices {
                resolve(&b.next, "choice `Next`", known_next(), out);
            }
            if let Some(d) = &c.default {
                resolve(d, "`Default`", known_next(), out);
            }
        }
        for c in s.kind.catch() {
            resolve(&c.next, "catcher `Next`", known_next(), out);
        }
    }

    // `Facts` worked reachability out from the same lookup.
    let (Some(_), Some(seen)) = (start, &here.reached) else {
        return;
    };
    for (i, s) in m.states.iter().enumerate() {
        if !seen.contains(i) {
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
        .enumerate()
        .any(|(i, s)| seen.contains(i) && s.kind.is_terminal());
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
