//! Visiting every path and expression of a state, with the field it sits in.

use crate::hash::FastMap as HashMap;
use crate::model::{
    Catcher, ChoiceRule, Count, Dynamic, DynamicExpr, IoPath, JsonataExpr, ResultPath, State,
    StateKind, StateMachine, Template, Text, Tolerance, Transition, WaitDuration,
};
use crate::source::Span;
use asl_syntax::intrinsic::{Argument, IntrinsicCall};
use asl_syntax::path::JsonPath as SyntaxPath;
use std::cell::Cell;

/// Where in a state a path or expression is written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Site {
    InputPath,
    OutputPath,
    ResultPath,
    /// Task/Pass/Parallel `Parameters`, JSONata `Arguments`.
    Parameters,
    ResultSelector,
    /// A Map's `ItemSelector` (or its deprecated `Parameters`).
    ItemSelector,
    /// State-level or Choice-rule `Assign`.
    Assign,
    /// JSONata `Output`.
    Output,
    /// A catcher's `Assign`, `Output` or `ResultPath`.
    Catcher,
    /// Choice `Variable`, `…Path` operands and JSONata `Condition`.
    Choice,
    /// `TimeoutSecondsPath`, `SecondsPath`, `MaxConcurrencyPath`, …
    Count,
    /// Fail `ErrorPath` / `CausePath`.
    Fail,
    ItemsPath,
    Credentials,
    /// ItemReader, ItemBatcher, ResultWriter payloads.
    MapConfig,
}

/// One path read by a state.
pub struct PathUse<'a> {
    pub site: Site,
    pub path: &'a SyntaxPath,
    /// Span of the string holding it.
    pub span: Span,
}

/// Calls `f` on every JSONPath (including intrinsic arguments) of `state`;
/// nested machines are not entered.
pub fn state_paths<'a>(state: &'a State<'a>, f: &mut impl FnMut(PathUse<'a>)) {
    let io = &state.io;
    for (site, p) in [
        (Site::InputPath, &io.input_path),
        (Site::OutputPath, &io.output_path),
    ] {
        if let Some(IoPath::Path(p)) = p {
            f(PathUse {
                site,
                path: &p.path,
                span: p.span,
            });
        }
    }
    if let Some(ResultPath::Path(p)) = &io.result_path {
        f(PathUse {
            site: Site::ResultPath,
            path: &p.path,
            span: p.span,
        });
    }
    let parameters_site = if matches!(state.kind, StateKind::Map(_)) {
        Site::ItemSelector
    } else {
        Site::Parameters
    };
    for (site, t) in [
        (parameters_site, &io.parameters),
        (Site::Parameters, &io.arguments),
        (Site::ResultSelector, &io.result_selector),
        (Site::Assign, &io.assign),
    ] {
        if let Some(t) = t {
            template_paths(t, site, f);
        }
    }
    let count = |c: &'a Option<Count>, f: &mut dyn FnMut(PathUse<'a>)| {
        if let Some(Count::Path(p)) = c {
            f(PathUse {
                site: Site::Count,
                path: &p.path,
                span: p.span,
            });
        }
    };
    match &state.kind {
        StateKind::Task(t) => {
            count(&t.timeout, f);
            count(&t.heartbeat, f);
            if let Some(c) = &t.credentials {
                template_paths(c, Site::Credentials, f);
            }
            catchers_paths(&t.catch, f);
        }
        StateKind::Wait(w) => match &w.duration {
            WaitDuration::SecondsPath(p) | WaitDuration::TimestampPath(p) => f(PathUse {
                site: Site::Count,
                path: &p.path,
                span: p.span,
            }),
            _ => {}
        },
        StateKind::Fail(x) => {
            for t in [&x.error, &x.cause].into_iter().flatten() {
                if let Text::Path(d) = t {
                    dynamic_paths(d, Site::Fail, f);
                }
            }
        }
        StateKind::Choice(c) => {
            for b in &c.choices {
                rule_paths(&b.rule, f);
                if let Some(a) = &b.assign {
                    template_paths(a, Site::Assign, f);
                }
            }
        }
        StateKind::Parallel(p) => catchers_paths(&p.catch, f),
        StateKind::Map(m) => {
            if let Some(p) = &m.items_path {
                f(PathUse {
                    site: Site::ItemsPath,
                    path: &p.path,
                    span: p.span,
                });
            }
            if let Some(t) = &m.item_selector {
                template_paths(t, Site::ItemSelector, f);
            }
            count(&m.max_concurrency, f);
            count(&m.tolerated_failure_count, f);
            if let Some(Tolerance::Path(p)) = &m.tolerated_failure_percentage {
                f(PathUse {
                    site: Site::Count,
                    path: &p.path,
                    span: p.span,
                });
            }
            if let Some(r) = &m.item_reader {
                if let Some(t) = &r.parameters {
                    template_paths(t, Site::MapConfig, f);
                }
                if let Some(c) = &r.reader_config {
                    count(&c.max_items, f);
                }
            }
            if let Some(b) = &m.item_batcher {
                count(&b.max_items_per_batch, f);
                count(&b.max_input_bytes_per_batch, f);
                if let Some(t) = &b.batch_input {
                    template_paths(t, Site::MapConfig, f);
                }
            }
            if let Some(w) = &m.result_writer
                && let Some(t) = &w.parameters
            {
                template_paths(t, Site::MapConfig, f);
            }
            catchers_paths(&m.catch, f);
        }
        StateKind::Pass(_) | StateKind::Succeed(_) => {}
    }
}

fn catchers_paths<'a>(catch: &'a [Catcher], f: &mut dyn FnMut(PathUse<'a>)) {
    for c in catch {
        if let Some(ResultPath::Path(p)) = &c.result_path {
            f(PathUse {
                site: Site::Catcher,
                path: &p.path,
                span: p.span,
            });
        }
        if let Some(a) = &c.assign {
            template_paths(a, Site::Catcher, f);
        }
    }
}

fn rule_paths<'a>(rule: &'a ChoiceRule, f: &mut dyn FnMut(PathUse<'a>)) {
    match rule {
        ChoiceRule::And(rules, _) | ChoiceRule::Or(rules, _) => {
            for r in rules {
                rule_paths(r, f);
            }
        }
        ChoiceRule::Not(r, _) => rule_paths(r, f),
        ChoiceRule::Comparison(c) => {
            f(PathUse {
                site: Site::Choice,
                path: &c.variable.path,
                span: c.variable.span,
            });
            if let crate::model::Operand::Path(p) = &c.operand {
                f(PathUse {
                    site: Site::Choice,
                    path: &p.path,
                    span: p.span,
                });
            }
        }
        ChoiceRule::Condition(_) | ChoiceRule::Invalid(_) => {}
    }
}

/// Paths of every `.$` value in a template.
pub fn template_paths<'a>(t: &'a Template, site: Site, f: &mut dyn FnMut(PathUse<'a>)) {
    t.for_each_dynamic(&mut |d| dynamic_paths(d, site, f));
}

fn dynamic_paths<'a>(d: &'a Dynamic, site: Site, f: &mut dyn FnMut(PathUse<'a>)) {
    match &*d.expr {
        DynamicExpr::Path(p) => f(PathUse {
            site,
            path: p,
            span: d.span,
        }),
        DynamicExpr::Intrinsic(call) => call_paths(call, site, d.span, f),
    }
}

fn call_paths<'a>(call: &'a IntrinsicCall, site: Site, span: Span, f: &mut dyn FnMut(PathUse<'a>)) {
    for arg in &call.args {
        match arg {
            Argument::Path(p) => f(PathUse {
                site,
                path: p,
                span,
            }),
            Argument::Call(c) => call_paths(c, site, span, f),
            _ => {}
        }
    }
}

/// Calls `f` on every JSONata expression of `state` (nested machines not
/// entered).
pub fn state_jsonata<'a>(state: &'a State<'a>, f: &mut impl FnMut(Site, &'a JsonataExpr)) {
    let io = &state.io;
    for (site, t) in [
        (Site::Parameters, &io.arguments),
        (Site::Output, &io.output),
        (Site::Assign, &io.assign),
    ] {
        if let Some(t) = t {
            t.for_each_jsonata(&mut |e| f(site, e));
        }
    }
    let count = |c: &'a Option<Count>, f: &mut dyn FnMut(Site, &'a JsonataExpr)| {
        if let Some(Count::Jsonata(e)) = c {
            f(Site::Count, e);
        }
    };
    let catchers = |cs: &'a [Catcher], f: &mut dyn FnMut(Site, &'a JsonataExpr)| {
        for c in cs {
            for t in [&c.assign, &c.output].into_iter().flatten() {
                t.for_each_jsonata(&mut |e| f(Site::Catcher, e));
            }
        }
    };
    match &state.kind {
        StateKind::Task(t) => {
            count(&t.timeout, f);
            count(&t.heartbeat, f);
            if let Some(c) = &t.credentials {
                c.for_each_jsonata(&mut |e| f(Site::Credentials, e));
            }
            catchers(&t.catch, f);
        }
        StateKind::Wait(w) => match &w.duration {
            WaitDuration::Seconds(Count::Jsonata(e)) | WaitDuration::TimestampJsonata(e) => {
                f(Site::Count, e)
            }
            _ => {}
        },
        StateKind::Fail(x) => {
            for t in [&x.error, &x.cause].into_iter().flatten() {
                if let Text::Jsonata(e) = t {
                    f(Site::Fail, e);
                }
            }
        }
        StateKind::Choice(c) => {
            for b in &c.choices {
                if let ChoiceRule::Condition(t) = &b.rule {
                    t.for_each_jsonata(&mut |e| f(Site::Choice, e));
                }
                for t in [&b.assign, &b.output].into_iter().flatten() {
                    t.for_each_jsonata(&mut |e| f(Site::Assign, e));
                }
            }
        }
        StateKind::Parallel(p) => catchers(&p.catch, f),
        StateKind::Map(m) => {
            if let Some(t) = &m.items {
                t.for_each_jsonata(&mut |e| f(Site::ItemsPath, e));
            }
            if let Some(t) = &m.item_selector {
                t.for_each_jsonata(&mut |e| f(Site::ItemSelector, e));
            }
            count(&m.max_concurrency, f);
            count(&m.tolerated_failure_count, f);
            if let Some(Tolerance::Jsonata(e)) = &m.tolerated_failure_percentage {
                f(Site::Count, e);
            }
            if let Some(r) = &m.item_reader
                && let Some(t) = &r.arguments
            {
                t.for_each_jsonata(&mut |e| f(Site::MapConfig, e));
            }
            if let Some(w) = &m.result_writer
                && let Some(t) = &w.arguments
            {
                t.for_each_jsonata(&mut |e| f(Site::MapConfig, e));
            }
            catchers(&m.catch, f);
        }
        StateKind::Pass(_) | StateKind::Succeed(_) => {}
    }
}

/// The machines nested directly in a state (Parallel branches, Map
/// processor).
pub fn nested_machines<'a>(state: &'a State<'a>) -> Vec<&'a StateMachine<'a>> {
    match &state.kind {
        StateKind::Parallel(p) => p.branches.iter().collect(),
        StateKind::Map(m) => vec![&m.item_processor.machine],
        _ => Vec::new(),
    }
}

/// Every state of the machine and of all nested machines, outer first.
pub fn all_states<'a>(machine: &'a StateMachine<'a>) -> Vec<&'a State<'a>> {
    let mut out = Vec::with_capacity(machine.states.len());
    // Pre-order over machines; the stack is only allocated when some state
    // nests machines (most definitions nest none).
    let mut stack: Vec<&StateMachine> = Vec::new();
    let mut next = Some(machine);
    while let Some(m) = next.take().or_else(|| stack.pop()) {
        out.extend(m.states.iter());
        for s in m.states.iter().rev() {
            push_nested_rev(s, &mut stack);
        }
    }
    out
}

/// What several rules need about a machine, worked out once per check.
pub(crate) struct Facts<'a> {
    /// The root machine's scope (kept apart so that a machine without
    /// nested ones needs no list).
    root: Scope<'a>,
    /// The nested machines' scopes, in the pre-order of [`all_states`].
    nested: Vec<Scope<'a>>,
}

/// One `States` object: the root machine, a Parallel branch or a Map
/// processor.
pub(crate) struct Scope<'a> {
    pub machine: &'a StateMachine<'a>,
    pub index: ScopeIndex<'a>,
    /// The states reachable from `StartAt`, when it names a state here.
    pub reached: Option<Reached>,
    /// For a scope large enough to be hashed: the position every transition
    /// target names ([`NO_STATE`] when none), in [`for_each_target`] order
    /// over all states, so that each name is looked up once.
    pub targets: Option<Vec<u32>>,
    /// Whether the variables data flow entered the scope.
    pub visited: Cell<bool>,
}

impl<'a> Facts<'a> {
    pub(crate) fn new(machine: &'a StateMachine) -> Facts<'a> {
        let root = Scope::new(machine);
        let mut nested = Vec::new();
        // The stack is only allocated when some state nests machines.
        let mut stack: Vec<&StateMachine> = Vec::new();
        for s in machine.states.iter().rev() {
            push_nested_rev(s, &mut stack);
        }
        while let Some(m) = stack.pop() {
            nested.push(Scope::new(m));
            for s in m.states.iter().rev() {
                push_nested_rev(s, &mut stack);
            }
        }
        Facts { root, nested }
    }

    /// Every scope: the root first, then nested ones in pre-order.
    pub(crate) fn scopes(&self) -> impl Iterator<Item = &Scope<'a>> + Clone {
        std::iter::once(&self.root).chain(&self.nested)
    }

    /// Every state, in the order of [`all_states`] (without building the
    /// list).
    pub(crate) fn states(&self) -> impl Iterator<Item = &'a State<'a>> + Clone {
        self.scopes().flat_map(|s| s.machine.states.iter())
    }

    /// The states, when the machine nests no other.
    pub(crate) fn single_scope(&self) -> Option<&'a [State<'a>]> {
        self.nested
            .is_empty()
            .then_some(&self.root.machine.states.list[..])
    }

    /// The root scope's name index (the whole machine's, when it nests no
    /// other machine).
    pub(crate) fn root_index(&self) -> &ScopeIndex<'a> {
        &self.root.index
    }

    fn scope_at(&self, i: usize) -> Option<&Scope<'a>> {
        match i.checked_sub(1) {
            None => Some(&self.root),
            Some(i) => self.nested.get(i),
        }
    }

    /// The scope of `machine`; `cursor` remembers where the last search
    /// ended, so visiting scopes in pre-order finds each at once.
    pub(crate) fn scope(&self, machine: &StateMachine, cursor: &mut usize) -> Option<&Scope<'a>> {
        let count = self.nested.len() + 1;
        let from = (*cursor).min(count);
        let at = (from..count).chain(0..from).find(|&i| {
            self.scope_at(i)
                .is_some_and(|s| std::ptr::eq(s.machine, machine))
        })?;
        *cursor = at + 1;
        self.scope_at(at)
    }
}

impl<'a> Scope<'a> {
    fn new(m: &'a StateMachine) -> Scope<'a> {
        let index = ScopeIndex::new(&m.states.list);
        let targets = match &index {
            ScopeIndex::Linear(_) => None,
            ScopeIndex::Map(_) => Some(resolve_all(&m.states.list, &index)),
        };
        let reached = index.get(m.start_at.value).map(|start| match &targets {
            Some(targets) => reachable_resolved(&m.states.list, targets, start),
            None => reachable(&m.states.list, &index, start),
        });
        Scope {
            machine: m,
            index,
            reached,
            targets,
            visited: Cell::new(false),
        }
    }
}

/// Pushes the machines nested directly in `state` onto `stack`, last first
/// (so that they pop in order); allocation-free for states that nest none.
fn push_nested_rev<'a>(state: &'a State<'a>, stack: &mut Vec<&'a StateMachine<'a>>) {
    match &state.kind {
        StateKind::Parallel(p) => stack.extend(p.branches.iter().rev()),
        StateKind::Map(m) => stack.push(&m.item_processor.machine),
        _ => {}
    }
}

/// Name -> position of the states of one scope (the first state of a name
/// wins, as with `States::index_of`). Small scopes are searched linearly,
/// which costs less than building a map; large ones get a hash map, since a
/// linear lookup per transition would be quadratic.
pub(crate) enum ScopeIndex<'a> {
    Linear(&'a [State<'a>]),
    Map(HashMap<&'a str, usize>),
}

/// Largest scope searched linearly.
const LINEAR_SCOPE: usize = 16;

impl<'a> ScopeIndex<'a> {
    pub(crate) fn new(states: &'a [State<'a>]) -> ScopeIndex<'a> {
        if states.len() <= LINEAR_SCOPE {
            return ScopeIndex::Linear(states);
        }
        let mut map: HashMap<&str, usize> =
            HashMap::with_capacity_and_hasher(states.len(), Default::default());
        for (i, s) in states.iter().enumerate() {
            map.entry(s.name.value).or_insert(i);
        }
        ScopeIndex::Map(map)
    }

    pub(crate) fn get(&self, name: &str) -> Option<usize> {
        match self {
            ScopeIndex::Linear(states) => states.iter().position(|s| *s.name.value == *name),
            ScopeIndex::Map(map) => map.get(name).copied(),
        }
    }
}

/// The states of one scope reachable from `start` by transitions, as a
/// bitset: one word for small scopes, so no allocation.
pub(crate) enum Reached {
    Small(u64),
    Large(Vec<bool>),
}

impl Reached {
    pub(crate) fn contains(&self, i: usize) -> bool {
        match self {
            Reached::Small(bits) => i < 64 && bits & (1 << i) != 0,
            Reached::Large(seen) => seen.get(i).copied().unwrap_or(false),
        }
    }
}

/// Calls `f` on every transition target of `state`, in the order of
/// [`targets`](super::graph::targets) (plain loops: the chained iterator
/// cost more than the lookups).
pub(crate) fn for_each_target<'a>(state: &'a State<'a>, mut f: impl FnMut(&'a str)) {
    if let Some(Transition::Next(n)) = state.kind.transition() {
        f(n.value);
    }
    if let StateKind::Choice(c) = &state.kind {
        for b in &c.choices {
            f(b.next.value);
        }
        if let Some(d) = &c.default {
            f(d.value);
        }
    }
    for c in state.kind.catch() {
        f(c.next.value);
    }
}

/// A transition target that names no state of its scope.
pub(crate) const NO_STATE: u32 = u32::MAX;

/// The position each transition target names, in [`for_each_target`] order.
fn resolve_all(states: &[State], index: &ScopeIndex<'_>) -> Vec<u32> {
    let mut out = Vec::with_capacity(states.len() + states.len() / 2);
    for s in states {
        for_each_target(s, |t| {
            out.push(
                index
                    .get(t)
                    .and_then(|i| u32::try_from(i).ok())
                    .unwrap_or(NO_STATE),
            );
        });
    }
    out
}

/// [`reachable`] over targets already resolved by [`resolve_all`].
fn reachable_resolved(states: &[State], targets: &[u32], start: usize) -> Reached {
    // Where each state's targets begin.
    let mut begins = Vec::with_capacity(states.len() + 1);
    let mut at = 0usize;
    for s in states {
        begins.push(at);
        for_each_target(s, |_| at += 1);
    }
    begins.push(at);
    let mut seen = vec![false; states.len()];
    let mut todo = vec![start];
    if let Some(slot) = seen.get_mut(start) {
        *slot = true;
    }
    while let Some(i) = todo.pop() {
        let (Some(&from), Some(&to)) = (begins.get(i), begins.get(i + 1)) else {
            continue;
        };
        for &j in targets.get(from..to).unwrap_or_default() {
            let j = j as usize;
            if let Some(slot @ false) = seen.get_mut(j) {
                *slot = true;
                todo.push(j);
            }
        }
    }
    Reached::Large(seen)
}

/// Reachability from `start` only: a cycle nobody enters stays unreachable.
pub(crate) fn reachable(states: &[State], index: &ScopeIndex<'_>, start: usize) -> Reached {
    if states.len() <= 64 {
        // Each state is expanded once, when first reached.
        let mut seen: u64 = 1 << start;
        let mut todo: u64 = seen;
        while todo != 0 {
            let i = todo.trailing_zeros() as usize;
            todo &= todo - 1;
            let Some(state) = states.get(i) else { continue };
            for_each_target(state, |t| {
                if let Some(j) = index.get(t)
                    && seen & (1 << j) == 0
                {
                    seen |= 1 << j;
                    todo |= 1 << j;
                }
            });
        }
        return Reached::Small(seen);
    }
    let mut seen = vec![false; states.len()];
    let mut todo = vec![start];
    if let Some(slot) = seen.get_mut(start) {
        *slot = true;
    }
    while let Some(i) = todo.pop() {
        let Some(state) = states.get(i) else { continue };
        for_each_target(state, |t| {
            if let Some(j) = index.get(t)
                && let Some(slot @ false) = seen.get_mut(j)
            {
                *slot = true;
                todo.push(j);
            }
        });
    }
    Reached::Large(seen)
}
