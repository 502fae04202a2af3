//! Workflow variables: reads that no earlier `Assign` can have set, and
//! assignments that clash with outer scopes.
//!
//! The analysis is a "may be assigned" data-flow over each scope's state
//! graph: a variable is available on entry to a state when *some* path from
//! `StartAt` (or from the enclosing state, for branches and iterations)
//! assigns it first. A read of a variable that no path can have assigned
//! fails every execution that reaches it (`States.Runtime` in JSONPath,
//! `States.QueryEvaluationError` in JSONata), so in JSONPath states it is an
//! error. In JSONata the reads are found by scanning expression text, which
//! cannot see every local binding, so there it is a warning.

use std::collections::BTreeSet;

use crate::hash::FastSet as HashSet;

use asl_syntax::path::Root;

use super::codes;
use super::graph::targets;
use super::walk::{Facts, PathUse, state_jsonata, state_paths};
use crate::diagnostic::Diagnostic;
use crate::model::{JsonataExpr, ProcessorMode, State, StateKind, StateMachine, Template};
use crate::source::Span;

pub(crate) type Names = BTreeSet<String>;

pub fn check(machine: &StateMachine, out: &mut Vec<Diagnostic>) {
    check_facts(machine, &Facts::new(machine), out);
}

/// [`check`] with the machine's [`Facts`] already worked out.
pub(crate) fn check_facts(machine: &StateMachine, facts: &Facts<'_>, out: &mut Vec<Diagnostic>) {
    for_each_state(machine, facts, out, &mut |state, available, out| {
        if let Some(available) = available {
            check_reads(state, available, out);
        }
    });
}

/// The per-state callback of [`for_each_state`]: the state, the names some
/// path can have assigned on entry to it (`None` when no path from
/// `StartAt` reaches it) and the findings.
pub(crate) type Visit<'v> = dyn FnMut(&State, Option<&Names>, &mut Vec<Diagnostic>) + 'v;

/// Runs the data flow (reporting assignments that clash with outer scopes)
/// and calls `visit` once for every state of the machine with the names
/// available in it, so that other per-state rules can share its walk of
/// the state's paths.
pub(crate) fn for_each_state(
    machine: &StateMachine,
    facts: &Facts<'_>,
    out: &mut Vec<Diagnostic>,
    visit: &mut Visit<'_>,
) {
    let mut cx = Cx {
        facts,
        cursor: 0,
        visit,
    };
    scope(&mut cx, machine, &Names::new(), &HashSet::default(), out);
    // Scopes inside unreachable states (or under a `StartAt` that names no
    // state) are never entered by the data flow.
    for s in facts.scopes() {
        if !s.visited.get() {
            for state in &s.machine.states {
                (cx.visit)(state, None, out);
            }
        }
    }
}

/// The shared facts, where the last scope was found among them (scopes are
/// entered in the order `Facts` lists them), and the per-state callback.
struct Cx<'f, 'a, 'v> {
    facts: &'f Facts<'a>,
    cursor: usize,
    visit: &'f mut Visit<'v>,
}

/// Top-level names an `Assign` sets.
fn assign_keys(t: &Template) -> Vec<(String, Span)> {
    match t {
        Template::Object { members, .. } => members
            .iter()
            .map(|m| (m.key.value.to_string(), m.key.span))
            .collect(),
        _ => Vec::new(),
    }
}

/// Names set when leaving `state` normally (state and Choice-rule Assigns).
fn state_assigns(state: &State) -> Vec<(String, Span)> {
    let mut v = Vec::new();
    if let Some(a) = &state.io.assign {
        v.extend(assign_keys(a));
    }
    if let StateKind::Choice(c) = &state.kind {
        for b in &c.choices {
            if let Some(a) = &b.assign {
                v.extend(assign_keys(a));
            }
        }
    }
    v
}

/// Whether leaving `state` (normally or through a catcher) assigns anything.
fn assigns_anything(state: &State) -> bool {
    let sets = |t: &Option<Template>| matches!(t, Some(Template::Object { members, .. }) if !members.is_empty());
    sets(&state.io.assign)
        || matches!(&state.kind, StateKind::Choice(c) if c.choices.iter().any(|b| sets(&b.assign)))
        || state.kind.catch().iter().any(|c| c.assign.is_some())
}

fn scope(
    cx: &mut Cx<'_, '_, '_>,
    m: &StateMachine,
    entry: &Names,
    outer_assigned: &HashSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let n = m.states.len();
    let facts = cx.facts;
    let Some(here) = facts.scope(m, &mut cx.cursor) else {
        return;
    };
    here.visited.set(true);
    let index = |name: &str| here.index.get(name);

    // Assigning a name an outer scope uses is not allowed.
    if !outer_assigned.is_empty() {
        for s in &m.states {
            let mut keys = state_assigns(s);
            for c in s.kind.catch() {
                if let Some(a) = &c.assign {
                    keys.extend(assign_keys(a));
                }
            }
            for (name, span) in keys {
                if outer_assigned.contains(&name) {
                    out.push(
                        Diagnostic::error(
                            codes::VARIABLE_SHADOWS_OUTER,
                            format!("`{name}` is a variable of an enclosing scope and cannot be assigned here"),
                            span,
                        )
                        .with_note("branches and iterations may read outer variables but not assign them; return data through the output instead"),
                    );
                }
            }
        }
    }

    let Some(start) = index(m.start_at.value) else {
        for state in &m.states {
            (cx.visit)(state, None, out);
        }
        return;
    };
    // Without any Assign in this scope every reachable state sees exactly
    // the entry names, and the scope adds nothing to what its children may
    // not assign: plain reachability gives the same result as the data flow
    // below without a set per state (most machines assign nothing).
    if !m.states.iter().any(assigns_anything) {
        for (i, state) in m.states.iter().enumerate() {
            if here.reached.as_ref().is_some_and(|r| r.contains(i)) {
                (cx.visit)(state, Some(entry), out);
                children(cx, state, entry, outer_assigned, out);
            } else {
                (cx.visit)(state, None, out);
            }
        }
        return;
    }

    let mut entry_sets: Vec<Option<Names>> = vec![None; n];
    if let Some(slot) = entry_sets.get_mut(start) {
        *slot = Some(entry.clone());
    }
    let mut work = vec![start];
    let mut rounds = 0usize;
    while let Some(i) = work.pop() {
        rounds += 1;
        if rounds > 100_000 {
            break;
        }
        let (Some(state), Some(Some(current))) = (m.states.list.get(i), entry_sets.get(i)) else {
            continue;
        };
        // Every edge's names are worked out from the entry names as they are
        // now, and merged into the targets in edge order (names are copied
        // only where a target lacks them).
        let current = current.clone();
        let mut normal = current.clone();
        state_assign_keys(state, &mut |k| add(&mut normal, k));
        let catches = state.kind.catch();
        for t in targets(state) {
            if catches.iter().any(|c| c.next.value == t.value) && !is_normal_target(state, t.value)
            {
                continue;
            }
            if let Some(j) = index(t.value) {
                merge(&mut entry_sets, j, &normal, &mut work);
            }
        }
        for c in catches {
            let Some(j) = index(c.next.value) else {
                continue;
            };
            match &c.assign {
                Some(a) => {
                    let mut set = current.clone();
                    template_keys(a, &mut |k| add(&mut set, k));
                    merge(&mut entry_sets, j, &set, &mut work);
                }
                None => merge(&mut entry_sets, j, &current, &mut work),
            }
        }
    }

    // What nested scopes may not assign; only they read it.
    let nests = m
        .states
        .iter()
        .any(|s| matches!(s.kind, StateKind::Parallel(_) | StateKind::Map(_)));
    let mut here_assigned: HashSet<String> = HashSet::default();
    if nests {
        here_assigned = outer_assigned.clone();
        for s in &m.states {
            state_assign_keys(s, &mut |k| {
                here_assigned.insert(k.to_owned());
            });
            for c in s.kind.catch() {
                if let Some(a) = &c.assign {
                    template_keys(a, &mut |k| {
                        here_assigned.insert(k.to_owned());
                    });
                }
            }
        }
    }

    for (state, set) in m.states.iter().zip(&entry_sets) {
        (cx.visit)(state, set.as_ref(), out);
        if let Some(set) = set {
            children(cx, state, set, &here_assigned, out);
        }
    }
}

/// Adds `name` to `set` (copying it only when missing).
fn add(set: &mut Names, name: &str) {
    if !set.contains(name) {
        set.insert(name.to_owned());
    }
}

/// Merges the names available along an edge into its target's entry names;
/// the target is (re)visited when they grew.
fn merge(entry_sets: &mut [Option<Names>], j: usize, set: &Names, work: &mut Vec<usize>) {
    let Some(slot) = entry_sets.get_mut(j) else {
        return;
    };
    match slot {
        None => {
            *slot = Some(set.clone());
            work.push(j);
        }
        Some(existing) => {
            let mut grew = false;
            for name in set {
                if !existing.contains(name) {
                    existing.insert(name.clone());
                    grew = true;
                }
            }
            if grew {
                work.push(j);
            }
        }
    }
}

/// Calls `f` on every top-level name an `Assign` template sets.
fn template_keys(t: &Template, f: &mut dyn FnMut(&str)) {
    if let Template::Object { members, .. } = t {
        for m in members {
            f(m.key.value);
        }
    }
}

/// [`template_keys`] of the Assigns that act when leaving `state` normally
/// (the state's and its Choice rules'), without collecting them.
fn state_assign_keys(state: &State, f: &mut dyn FnMut(&str)) {
    if let Some(a) = &state.io.assign {
        template_keys(a, f);
    }
    if let StateKind::Choice(c) = &state.kind {
        for b in &c.choices {
            if let Some(a) = &b.assign {
                template_keys(a, f);
            }
        }
    }
}

/// Checks the machines nested in `state`, entered with `available`.
fn children(
    cx: &mut Cx<'_, '_, '_>,
    state: &State,
    available: &Names,
    assigned: &HashSet<String>,
    out: &mut Vec<Diagnostic>,
) {
    let machines: &[StateMachine] = match &state.kind {
        StateKind::Parallel(p) => &p.branches,
        StateKind::Map(map) => std::slice::from_ref(&map.item_processor.machine),
        _ => return,
    };
    let distributed =
        matches!(&state.kind, StateKind::Map(map) if map.mode() == ProcessorMode::Distributed);
    for child in machines {
        let child_entry = if distributed {
            Names::new()
        } else {
            available.clone()
        };
        scope(cx, child, &child_entry, assigned, out);
    }
}

fn is_normal_target(state: &State, name: &str) -> bool {
    if state.next().is_some_and(|n| n.value == name) {
        return true;
    }
    if let StateKind::Choice(c) = &state.kind {
        return c.choices.iter().any(|b| b.next.value == name)
            || c.default.as_ref().is_some_and(|d| d.value == name);
    }
    false
}

fn check_reads(state: &State, available: &Names, out: &mut Vec<Diagnostic>) {
    let mut reads = Reads::new(available);
    state_paths(state, &mut |u| reads.path(&u, out));
    state_jsonata(state, &mut |_, e| reads.jsonata(e, out));
}

/// The read rule for one state, fed its paths and expressions by a walk
/// that other rules may share.
pub(crate) struct Reads<'n> {
    available: &'n Names,
    /// Each unassigned name is reported once per state.
    reported: HashSet<String>,
}

impl<'n> Reads<'n> {
    pub(crate) fn new(available: &'n Names) -> Reads<'n> {
        Reads {
            available,
            reported: HashSet::default(),
        }
    }

    /// One path of the state (see [`state_paths`]).
    pub(crate) fn path(&mut self, u: &PathUse<'_>, out: &mut Vec<Diagnostic>) {
        if let Root::Variable(name) = &u.path.root
            && !self.available.contains(name)
            && name != "states"
            && self.reported.insert(name.clone())
        {
            out.push(not_assigned(
                name,
                u.span,
                crate::diagnostic::Severity::Warning,
            ));
        }
    }

    /// One JSONata expression of the state (see [`state_jsonata`]).
    pub(crate) fn jsonata(&mut self, e: &JsonataExpr, out: &mut Vec<Diagnostic>) {
        for name in jsonata_variable_reads(e.body) {
            if !self.available.contains(&name) && self.reported.insert(name.clone()) {
                out.push(not_assigned(
                    &name,
                    e.span,
                    crate::diagnostic::Severity::Warning,
                ));
            }
        }
    }
}

fn not_assigned(name: &str, span: Span, severity: crate::diagnostic::Severity) -> Diagnostic {
    Diagnostic::new(
        codes::VARIABLE_NOT_ASSIGNED,
        severity,
        format!("variable `${name}` is read before any `Assign` can have set it"),
        span,
    )
    .with_label("never assigned on any path to this state")
    .with_note("every read sees the values as they were when the state was entered; an `Assign` takes effect from the next state on")
}

/// JSONata's built-in functions (and Step Functions' additions), which may
/// be referenced without being called.
const JSONATA_FUNCTIONS: &[&str] = &[
    "sum",
    "count",
    "max",
    "min",
    "average",
    "string",
    "substring",
    "substringBefore",
    "substringAfter",
    "lowercase",
    "uppercase",
    "length",
    "trim",
    "pad",
    "contains",
    "split",
    "join",
    "match",
    "replace",
    "now",
    "base64encode",
    "base64decode",
    "number",
    "abs",
    "floor",
    "ceil",
    "round",
    "power",
    "sqrt",
    "random",
    "millis",
    "toMillis",
    "fromMillis",
    "formatNumber",
    "formatBase",
    "formatInteger",
    "parseInteger",
    "boolean",
    "not",
    "exists",
    "append",
    "sort",
    "reverse",
    "shuffle",
    "distinct",
    "zip",
    "keys",
    "lookup",
    "spread",
    "merge",
    "sift",
    "each",
    "error",
    "assert",
    "type",
    "map",
    "filter",
    "single",
    "reduce",
    "encodeUrlComponent",
    "encodeUrl",
    "decodeUrlComponent",
    "decodeUrl",
    "eval",
    "clone",
    "partition",
    "range",
    "hash",
    "uuid",
    "parse",
];

/// Variables an expression reads: `$name` not called as a function, not
/// `$states`, not bound inside the expression (`$x :=`, function
/// parameters), outside string literals.
pub fn jsonata_variable_reads(body: &str) -> Vec<String> {
    // Walks the text by byte position (every step moves by a whole char),
    // so names are slices of it: no char list, and a String only for the
    // names kept.
    let at = |i: usize| body.get(i..).and_then(|r| r.chars().next());
    let mut found: Vec<String> = Vec::new();
    let mut bound: HashSet<String> = HashSet::default();
    let mut i = 0;
    let mut in_function_params = false;
    while let Some(c) = at(i) {
        if c == '"' || c == '\'' || c == '`' {
            i += 1;
            while let Some(d) = at(i) {
                i += d.len_utf8();
                if d == '\\' {
                    // The escaped char, whatever it is.
                    i += at(i).map_or(1, char::len_utf8);
                    continue;
                }
                if d == c {
                    break;
                }
            }
            continue;
        }
        if c == '/' && at(i + 1) == Some('*') {
            i += 2;
            while i < body.len() && !(at(i) == Some('*') && at(i + 1) == Some('/')) {
                i += at(i).map_or(1, char::len_utf8);
            }
            i += 2;
            continue;
        }
        let word_char = |c: char| c.is_alphanumeric() || c == '_';
        if c.is_alphabetic() {
            let start = i;
            while let Some(d) = at(i).filter(|&d| word_char(d)) {
                i += d.len_utf8();
            }
            let word = body.get(start..i).unwrap_or("");
            if word == "function" || word == "λ" {
                in_function_params = true;
            }
            continue;
        }
        if c == ')' {
            in_function_params = false;
        }
        if c == '$' {
            let start = i + 1;
            let mut j = start;
            while let Some(d) = at(j).filter(|&d| word_char(d)) {
                j += d.len_utf8();
            }
            let name = body.get(start..j).unwrap_or("");
            i = j;
            if name.is_empty() || name.starts_with(|c: char| c.is_ascii_digit()) {
                continue;
            }
            let mut k = j;
            while let Some(d) = at(k).filter(|d| d.is_whitespace()) {
                k += d.len_utf8();
            }
            let next = at(k);
            // `@$x` and `#$i` bind the context item and its position.
            let before = body
                .get(..start - 1)
                .unwrap_or("")
                .trim_end_matches(char::is_whitespace);
            let binder = matches!(before.chars().next_back(), Some('@' | '#'));
            if in_function_params || binder || (next == Some(':') && at(k + 1) == Some('=')) {
                bound.insert(name.to_owned());
                continue;
            }
            if next == Some('(') || name == "states" || JSONATA_FUNCTIONS.contains(&name) {
                continue;
            }
            if !found.iter().any(|f| f == name) {
                found.push(name.to_owned());
            }
            continue;
        }
        i += c.len_utf8();
    }
    found.retain(|n| !bound.contains(n));
    found
}
