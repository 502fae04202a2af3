//! JSONPath evaluation with the semantics of Jayway JsonPath, the library AWS uses.
//!
//! A [`Path`] is compiled once from the `asl-syntax` tree and evaluated many times.
//!
//! * A *definite* path (only `.name`, `['name']`, `[index]` steps) yields the node itself; when it
//!   matches nothing the evaluation fails. Step Functions reports such a miss as `States.Runtime`,
//!   which nothing catches. Definite paths are evaluated by direct lookups.
//! * An *indefinite* path (wildcard, slice, union, filter, deep scan) yields an array of every
//!   match, possibly empty; misses along the way are skipped, never errors.
//! * A trailing function (`.length()`, `.sum()`, …) is applied to the value (definite) or to the
//!   array of matches (indefinite).
//!
//! Roots: `$` is the input the path is applied to, `$$` the context object, `$name` a variable
//! (see [`Env`]).

use std::borrow::Cow;
use std::fmt::Write as _;

use asl_syntax::path::{
    CompareOp, FilterExpr, JsonPath, Literal, Operand as SynOperand, PathFunction, Root,
    SegmentKind, Selector,
};
use serde_json::{Map, Number, Value};

use crate::context::ContextObject;
use crate::error::StatesError;
use crate::variables::Variables;

/// What the non-input roots of a path refer to: `$$` (the context object) and `$name` (variables).
#[derive(Clone, Copy)]
pub struct Env<'a> {
    context: ContextRef<'a>,
    pub variables: &'a Variables,
}

/// The context object, or what builds it the first time a path reads `$$` (most states never
/// do, and building it costs more than running a simple state).
#[derive(Clone, Copy)]
enum ContextRef<'a> {
    Built(&'a Value),
    Lazy(&'a ContextObject),
}

impl std::fmt::Debug for Env<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let context = match self.context {
            ContextRef::Built(v) => Some(v),
            ContextRef::Lazy(c) => c.built(),
        };
        f.debug_struct("Env")
            .field("context", &context)
            .field("variables", &self.variables)
            .finish()
    }
}

static NULL: Value = Value::Null;
static NO_VARIABLES: Variables = Variables::EMPTY;

impl<'a> Env<'a> {
    pub fn new(context: &'a Value, variables: &'a Variables) -> Self {
        Env {
            context: ContextRef::Built(context),
            variables,
        }
    }

    /// An environment whose context object is built on first read.
    pub(crate) fn lazy(context: &'a ContextObject, variables: &'a Variables) -> Self {
        Env {
            context: ContextRef::Lazy(context),
            variables,
        }
    }

    /// The context object (`$$`).
    pub fn context(&self) -> &'a Value {
        match self.context {
            ContextRef::Built(v) => v,
            ContextRef::Lazy(c) => c.get(),
        }
    }
}

impl Env<'static> {
    /// An environment with a `null` context object and no variables (for tests and for values
    /// that cannot refer to either).
    pub fn empty() -> Self {
        Env::new(&NULL, &NO_VARIABLES)
    }
}

/// The root a path starts from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathRoot {
    /// `$`
    Input,
    /// `$$`
    Context,
    /// `$name`
    Variable(String),
    /// `@` (inside filters)
    Current,
}

/// A compiled JSONPath.
#[derive(Clone, Debug)]
pub struct Path {
    text: String,
    root: PathRoot,
    steps: Vec<Step>,
    function: Option<Function>,
    /// A trailing `['a','b']`: Jayway merges the named properties into one object.
    merge: Option<Vec<String>>,
    definite: bool,
}

#[derive(Clone, Debug)]
enum Step {
    Child(Sel),
    Descendant(Sel),
}

#[derive(Clone, Debug)]
enum Sel {
    Name(String),
    Names(Vec<String>),
    Index(i64),
    Indexes(Vec<i64>),
    Wildcard,
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
    },
    Filter(Box<Filter>),
}

#[derive(Clone, Debug)]
enum Filter {
    Or(Box<Filter>, Box<Filter>),
    And(Box<Filter>, Box<Filter>),
    Not(Box<Filter>),
    Compare {
        left: Operand,
        op: CompareOp,
        right: Operand,
    },
    Exists(Operand),
}

#[derive(Clone, Debug)]
enum Operand {
    Path(Box<Path>),
    Literal(Value),
}

#[derive(Clone, Debug)]
struct Function {
    func: PathFunction,
    args: Vec<Operand>,
}

impl std::fmt::Display for Path {
    /// The path as written.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.text)
    }
}

impl std::fmt::Display for ReferencePath {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.path.text)
    }
}

/// Why a path matched nothing (before it is turned into a [`StatesError`] naming the field).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PathMiss {
    /// The document has no such node; the message is in Jayway's words
    /// (`Missing property in path $['a']`).
    NotFound(String),
    /// `$name` names a variable that has not been assigned.
    UndefinedVariable(String),
}

impl PathMiss {
    /// The detail in Jayway's words.
    pub fn message(&self) -> String {
        match self {
            PathMiss::NotFound(m) => m.clone(),
            PathMiss::UndefinedVariable(name) => {
                format!("The variable '${name}' is not defined")
            }
        }
    }
}

impl Path {
    /// Parses and compiles a JSONPath (`$…`, `$$…`, `$name…`).
    pub fn parse(text: &str) -> Result<Path, StatesError> {
        let syntax = asl_syntax::path::parse_path(text).map_err(|e| {
            StatesError::runtime(format!("The JSONPath '{text}' is invalid: {}", e.message))
        })?;
        Self::compile(&syntax, text.to_owned())
    }

    /// Compiles an already parsed path.
    pub fn from_syntax(path: &JsonPath) -> Result<Path, StatesError> {
        Self::compile(path, path.to_string())
    }

    fn compile(path: &JsonPath, text: String) -> Result<Path, StatesError> {
        let root = match &path.root {
            Root::Input => PathRoot::Input,
            Root::Context => PathRoot::Context,
            Root::Variable(name) => PathRoot::Variable(name.clone()),
            Root::Current => PathRoot::Current,
        };
        let mut steps = Vec::with_capacity(path.segments.len());
        let mut function = None;
        for segment in &path.segments {
            if function.is_some() {
                return Err(StatesError::runtime(format!(
                    "The JSONPath '{text}' is invalid: a function must be the last step"
                )));
            }
            match &segment.kind {
                SegmentKind::Child(sel) => steps.push(Step::Child(compile_selector(sel, &text)?)),
                SegmentKind::Descendant(sel) => {
                    steps.push(Step::Descendant(compile_selector(sel, &text)?))
                }
                SegmentKind::Function(call) => {
                    let args = call
                        .args
                        .iter()
                        .map(|a| compile_operand(a, &text))
                        .collect::<Result<_, _>>()?;
                    function = Some(Function {
                        func: call.function,
                        args,
                    });
                }
            }
        }
        let merge = match steps.last() {
            Some(Step::Child(Sel::Names(names))) => Some(names.clone()),
            _ => None,
        };
        if merge.is_some() {
            steps.pop();
        }
        let definite = steps
            .iter()
            .all(|s| matches!(s, Step::Child(Sel::Name(_) | Sel::Index(_))));
        Ok(Path {
            text,
            root,
            steps,
            function,
            merge,
            definite,
        })
    }

    /// The path as written.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// The same path, quoted in messages as `text`.
    pub(crate) fn with_text(mut self, text: &str) -> Path {
        self.text = text.to_owned();
        self
    }

    /// What the path starts from.
    pub fn root(&self) -> &PathRoot {
        &self.root
    }

    /// Whether the path selects at most one node (a miss is then an error, a match the node
    /// itself rather than an array).
    pub fn is_definite(&self) -> bool {
        self.definite
    }

    /// Whether the path is just `$` (the whole input).
    pub fn is_identity(&self) -> bool {
        self.root == PathRoot::Input && self.steps.is_empty() && self.function.is_none()
    }

    /// Evaluates the path and clones the result. A miss fails with `States.Runtime`, whose cause
    /// names `field` (see [`Path::miss_error`]).
    pub fn select(&self, input: &Value, env: &Env<'_>, field: &str) -> Result<Value, StatesError> {
        match self.lookup(input, env) {
            Ok(v) => Ok(v.into_owned()),
            Err(miss) => Err(self.miss_error(&miss, input, field)),
        }
    }

    /// Like [`Path::select`], but consumes the input: a definite path over `$` moves the selected
    /// node out instead of copying it (`OutputPath` on a large state output).
    pub fn select_owned(
        &self,
        mut input: Value,
        env: &Env<'_>,
        field: &str,
    ) -> Result<Value, StatesError> {
        if !(self.definite
            && self.merge.is_none()
            && self.function.is_none()
            && self.root == PathRoot::Input)
        {
            return self.select(&input, env, field);
        }
        // Check first (cheaply, by reference) so a miss reports against the intact input.
        if let Err(miss) = self.walk_definite(&input) {
            return Err(self.miss_error(&miss, &input, field));
        }
        let mut cur = &mut input;
        for step in &self.steps {
            let next = match (step, cur) {
                (Step::Child(Sel::Name(name)), Value::Object(map)) => map.get_mut(name),
                (Step::Child(Sel::Index(i)), Value::Array(items)) => {
                    let len = items.len();
                    resolve_index(*i, len).and_then(|idx| items.get_mut(idx))
                }
                _ => None,
            };
            match next {
                Some(v) => cur = v,
                // Unreachable after the check above; keep it total anyway.
                None => {
                    return Err(StatesError::runtime(format!(
                        "Invalid path '{}'",
                        self.text
                    )));
                }
            }
        }
        Ok(std::mem::take(cur))
    }

    /// Evaluates the path, borrowing the result when it is a node of one of the documents.
    pub fn lookup<'a>(&self, input: &'a Value, env: &Env<'a>) -> Result<Cow<'a, Value>, PathMiss> {
        // The commonest path, one field of the input (`$.count`), found directly; anything else,
        // and a miss (for its message), goes the general way.
        if let (PathRoot::Input | PathRoot::Current, None, None, [Step::Child(Sel::Name(name))]) = (
            &self.root,
            &self.merge,
            &self.function,
            self.steps.as_slice(),
        ) && let Value::Object(map) = input
            && let Some(found) = get_field(map, name)
        {
            return Ok(Cow::Borrowed(found));
        }
        let root: &'a Value = match &self.root {
            PathRoot::Input | PathRoot::Current => input,
            PathRoot::Context => env.context(),
            PathRoot::Variable(name) => env
                .variables
                .get(name)
                .ok_or_else(|| PathMiss::UndefinedVariable(name.clone()))?,
        };
        self.lookup_from(root, input, env)
    }

    /// Whether the path matches anything (Choice `IsPresent`): a definite path must find its
    /// node; an indefinite path is always present (possibly as an empty array).
    pub fn is_present(&self, input: &Value, env: &Env<'_>) -> bool {
        self.lookup(input, env).is_ok()
    }

    /// The `States.Runtime` error for a miss. Fields named with a `.$` suffix (payload template
    /// keys) get AWS's template wording: `The JSONPath '$.x' specified for the field 'x.$' could
    /// not be found in the input '{…}'`; other fields (`InputPath`, `OutputPath`, `ItemsPath`, …)
    /// get AWS's path wording: `Invalid path '$.x' : No results for path: $['x']`.
    pub fn miss_error(&self, miss: &PathMiss, input: &Value, field: &str) -> StatesError {
        if let PathMiss::UndefinedVariable(name) = miss {
            return StatesError::runtime(format!(
                "The JSONPath '{}' specified for the field '{field}' references the variable '${name}', which is not defined",
                self.text
            ));
        }
        if field.ends_with(".$") {
            StatesError::runtime(format!(
                "The JSONPath '{}' specified for the field '{field}' could not be found in the input '{}'",
                self.text,
                compact(input)
            ))
        } else {
            StatesError::runtime(format!("Invalid path '{}' : {}", self.text, miss.message()))
        }
    }

    fn lookup_from<'a>(
        &self,
        root: &'a Value,
        input: &'a Value,
        env: &Env<'a>,
    ) -> Result<Cow<'a, Value>, PathMiss> {
        let selected = match (&self.merge, self.definite) {
            (None, true) => Cow::Borrowed(self.walk_definite(root)?),
            (None, false) => {
                let nodes = self.walk_indefinite(root, input, env);
                Cow::Owned(Value::Array(nodes.into_iter().cloned().collect()))
            }
            (Some(names), true) => {
                let node = self.walk_definite(root)?;
                Cow::Owned(merge_properties(node, names).ok_or_else(|| {
                    PathMiss::NotFound(format!(
                        "Expected to find an object with properties ['{}'] in path {} but found '{}'",
                        names.join("', '"),
                        self.bracket_prefix(self.steps.len()),
                        type_name(node)
                    ))
                })?)
            }
            (Some(names), false) => {
                let nodes = self.walk_indefinite(root, input, env);
                Cow::Owned(Value::Array(
                    nodes
                        .into_iter()
                        .filter_map(|n| merge_properties(n, names))
                        .collect(),
                ))
            }
        };
        match &self.function {
            None => Ok(selected),
            Some(f) => self
                .apply_function(f, &selected, input, env)
                .map(Cow::Owned),
        }
    }

    /// Direct lookups, with Jayway's error messages on a miss.
    fn walk_definite<'a>(&self, root: &'a Value) -> Result<&'a Value, PathMiss> {
        let mut cur = root;
        let last = self.steps.len().saturating_sub(1);
        for (i, step) in self.steps.iter().enumerate() {
            let Step::Child(sel) = step else {
                return Err(self.not_found());
            };
            match sel {
                Sel::Name(name) => match cur {
                    Value::Object(map) => match get_field(map, name) {
                        Some(v) => cur = v,
                        None if i == last && self.merge.is_none() => {
                            return Err(self.not_found());
                        }
                        None => {
                            return Err(PathMiss::NotFound(format!(
                                "Missing property in path {}",
                                self.bracket_prefix(i + 1)
                            )));
                        }
                    },
                    other => {
                        return Err(PathMiss::NotFound(format!(
                            "Expected to find an object with property ['{name}'] in path {} but found '{}'",
                            self.bracket_prefix(i),
                            type_name(other)
                        )));
                    }
                },
                Sel::Index(index) => match cur {
                    Value::Array(items) => match resolve_index(*index, items.len()) {
                        Some(idx) => cur = &items[idx],
                        None => return Err(self.not_found()),
                    },
                    other => {
                        return Err(PathMiss::NotFound(format!(
                            "Expected to find an array with index [{index}] in path {} but found '{}'",
                            self.bracket_prefix(i),
                            type_name(other)
                        )));
                    }
                },
                _ => return Err(self.not_found()),
            }
        }
        Ok(cur)
    }

    fn not_found(&self) -> PathMiss {
        PathMiss::NotFound(format!(
            "No results for path: {}",
            self.bracket_prefix(self.steps.len())
        ))
    }

    /// The first `n` steps in Jayway's bracket notation: `$['a'][0]`.
    fn bracket_prefix(&self, n: usize) -> String {
        let mut s = String::from(match &self.root {
            PathRoot::Input => "$",
            PathRoot::Context => "$$",
            PathRoot::Current => "@",
            PathRoot::Variable(_) => "",
        });
        if let PathRoot::Variable(name) = &self.root {
            s.push('$');
            s.push_str(name);
        }
        for step in self.steps.iter().take(n) {
            let (prefix, sel) = match step {
                Step::Child(sel) => ("", sel),
                Step::Descendant(sel) => ("..", sel),
            };
            s.push_str(prefix);
            match sel {
                Sel::Name(n) => {
                    let _ = write!(s, "['{n}']");
                }
                Sel::Names(ns) => {
                    let quoted: Vec<String> = ns.iter().map(|n| format!("'{n}'")).collect();
                    let _ = write!(s, "[{}]", quoted.join(","));
                }
                Sel::Index(i) => {
                    let _ = write!(s, "[{i}]");
                }
                Sel::Indexes(is) => {
                    let parts: Vec<String> = is.iter().map(|i| i.to_string()).collect();
                    let _ = write!(s, "[{}]", parts.join(","));
                }
                Sel::Wildcard => s.push_str("[*]"),
                Sel::Slice { .. } => s.push_str("[:]"),
                Sel::Filter(_) => s.push_str("[?]"),
            }
        }
        s
    }

    /// Every match, in document order; misses are skipped.
    fn walk_indefinite<'a>(
        &self,
        root: &'a Value,
        input: &'a Value,
        env: &Env<'a>,
    ) -> Vec<&'a Value> {
        let mut current: Vec<&'a Value> = vec![root];
        for step in &self.steps {
            let mut next = Vec::new();
            match step {
                Step::Child(sel) => {
                    for node in current {
                        select_children(sel, node, input, env, &mut next);
                    }
                }
                Step::Descendant(sel) => {
                    for node in current {
                        for d in preorder(node) {
                            select_children(sel, d, input, env, &mut next);
                        }
                    }
                }
            }
            current = next;
        }
        current
    }

    fn apply_function<'a>(
        &self,
        f: &Function,
        value: &Value,
        input: &'a Value,
        env: &Env<'a>,
    ) -> Result<Value, PathMiss> {
        let fail = |what: &str| {
            PathMiss::NotFound(format!(
                "Function {}() {what} in path {}",
                f.func.name(),
                self.text
            ))
        };
        match f.func {
            PathFunction::Length | PathFunction::Size => match value {
                Value::Array(a) => Ok(Value::from(a.len())),
                Value::Object(o) => Ok(Value::from(o.len())),
                Value::String(s) => Ok(Value::from(s.chars().count())),
                _ => Err(fail("can only be applied to an array, object or string")),
            },
            PathFunction::Keys => match value {
                Value::Object(o) => Ok(Value::Array(
                    o.keys().map(|k| Value::String(k.clone())).collect(),
                )),
                _ => Err(fail("can only be applied to an object")),
            },
            PathFunction::First | PathFunction::Last => match value {
                Value::Array(a) => {
                    let item = if f.func == PathFunction::First {
                        a.first()
                    } else {
                        a.last()
                    };
                    item.cloned()
                        .ok_or_else(|| fail("cannot be applied to an empty array"))
                }
                _ => Err(fail("can only be applied to an array")),
            },
            PathFunction::Sum
            | PathFunction::Min
            | PathFunction::Max
            | PathFunction::Avg
            | PathFunction::Stddev => {
                let mut nums: Vec<f64> = match value {
                    Value::Array(a) => a.iter().filter_map(Value::as_f64).collect(),
                    _ => return Err(fail("can only be applied to an array of numbers")),
                };
                for arg in &f.args {
                    if let Some(v) = self.operand_value(arg, input, input, env) {
                        collect_numbers(&v, &mut nums);
                    }
                }
                if nums.is_empty() {
                    return Err(fail("attempted to calculate a value using an empty array"));
                }
                let n = nums.len() as f64;
                let sum: f64 = nums.iter().sum();
                let result = match f.func {
                    PathFunction::Sum => sum,
                    PathFunction::Min => nums.iter().copied().fold(f64::INFINITY, f64::min),
                    PathFunction::Max => nums.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                    PathFunction::Avg => sum / n,
                    _ => {
                        let mean = sum / n;
                        (nums.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / n).sqrt()
                    }
                };
                Ok(Number::from_f64(result).map_or(Value::Null, Value::Number))
            }
            PathFunction::Concat => {
                let mut s = String::new();
                match value {
                    Value::Array(a) => {
                        for item in a {
                            push_plain(&mut s, item);
                        }
                    }
                    other => push_plain(&mut s, other),
                }
                for arg in &f.args {
                    if let Some(v) = self.operand_value(arg, input, input, env) {
                        push_plain(&mut s, &v);
                    }
                }
                Ok(Value::String(s))
            }
            PathFunction::Append => {
                let mut items = match value {
                    Value::Array(a) => a.clone(),
                    _ => return Err(fail("can only be applied to an array")),
                };
                for arg in &f.args {
                    if let Some(v) = self.operand_value(arg, input, input, env) {
                        items.push(v.into_owned());
                    }
                }
                Ok(Value::Array(items))
            }
        }
    }

    /// The value of a filter/function operand; `None` when a path operand matches nothing.
    fn operand_value<'a>(
        &self,
        operand: &'a Operand,
        current: &'a Value,
        input: &'a Value,
        env: &Env<'a>,
    ) -> Option<Cow<'a, Value>> {
        operand_value(operand, current, input, env)
    }
}

fn operand_value<'a>(
    operand: &'a Operand,
    current: &'a Value,
    input: &'a Value,
    env: &Env<'a>,
) -> Option<Cow<'a, Value>> {
    match operand {
        Operand::Literal(v) => Some(Cow::Borrowed(v)),
        Operand::Path(p) => {
            let root = match &p.root {
                PathRoot::Current => current,
                PathRoot::Input => input,
                PathRoot::Context => env.context(),
                PathRoot::Variable(name) => env.variables.get(name)?,
            };
            p.lookup_from(root, input, env).ok()
        }
    }
}

/// The properties `names` of an object that it has, as a new object (Jayway's leaf multi-name
/// step); `None` when `node` is not an object.
fn merge_properties(node: &Value, names: &[String]) -> Option<Value> {
    let map = node.as_object()?;
    let mut merged = Map::with_capacity(names.len());
    for name in names {
        if let Some(v) = map.get(name) {
            merged.insert(name.clone(), v.clone());
        }
    }
    Some(Value::Object(merged))
}

fn collect_numbers(v: &Value, out: &mut Vec<f64>) {
    match v {
        Value::Array(a) => out.extend(a.iter().filter_map(Value::as_f64)),
        other => out.extend(other.as_f64()),
    }
}

fn push_plain(s: &mut String, v: &Value) {
    match v {
        Value::String(text) => s.push_str(text),
        other => s.push_str(&compact(other)),
    }
}

/// Compact JSON text of a value (as AWS quotes inputs in causes).
pub(crate) fn compact(v: &Value) -> String {
    serde_json::to_string(v).unwrap_or_default()
}

/// A JSON type name for messages.
pub(crate) fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// A field of an object. Small objects (the common case in state data) are scanned rather
/// than hashed: comparing a few short keys is cheaper than SipHashing the name.
#[inline]
fn get_field<'a>(map: &'a Map<String, Value>, name: &str) -> Option<&'a Value> {
    if map.len() <= 8 {
        map.iter().find(|(k, _)| k.as_str() == name).map(|(_, v)| v)
    } else {
        map.get(name)
    }
}

fn resolve_index(index: i64, len: usize) -> Option<usize> {
    let len_i = i64::try_from(len).ok()?;
    let idx = if index < 0 { len_i + index } else { index };
    if (0..len_i).contains(&idx) {
        usize::try_from(idx).ok()
    } else {
        None
    }
}

/// The node and all its descendants, parents before children, in document order.
fn preorder(root: &Value) -> Vec<&Value> {
    let mut out = Vec::new();
    let mut stack = vec![root];
    while let Some(node) = stack.pop() {
        out.push(node);
        match node {
            Value::Array(a) => stack.extend(a.iter().rev()),
            Value::Object(o) => stack.extend(o.values().rev()),
            _ => {}
        }
    }
    out
}

fn select_children<'a>(
    sel: &Sel,
    node: &'a Value,
    input: &'a Value,
    env: &Env<'a>,
    out: &mut Vec<&'a Value>,
) {
    match sel {
        Sel::Name(name) => {
            if let Some(v) = node.as_object().and_then(|o| get_field(o, name)) {
                out.push(v);
            }
        }
        Sel::Names(names) => {
            if let Some(o) = node.as_object() {
                out.extend(names.iter().filter_map(|n| get_field(o, n)));
            }
        }
        Sel::Index(i) => {
            if let Some(a) = node.as_array()
                && let Some(idx) = resolve_index(*i, a.len())
            {
                out.push(&a[idx]);
            }
        }
        Sel::Indexes(is) => {
            if let Some(a) = node.as_array() {
                out.extend(
                    is.iter()
                        .filter_map(|i| resolve_index(*i, a.len()).map(|idx| &a[idx])),
                );
            }
        }
        Sel::Wildcard => match node {
            Value::Array(a) => out.extend(a.iter()),
            Value::Object(o) => out.extend(o.values()),
            _ => {}
        },
        Sel::Slice { start, end, step } => {
            if let Some(a) = node.as_array() {
                for idx in slice_indexes(a.len(), *start, *end, *step) {
                    out.push(&a[idx]);
                }
            }
        }
        Sel::Filter(filter) => match node {
            Value::Array(a) => {
                out.extend(
                    a.iter()
                        .filter(|item| eval_filter(filter, item, input, env)),
                );
            }
            Value::Object(_) if eval_filter(filter, node, input, env) => out.push(node),
            _ => {}
        },
    }
}

/// Python-style slice bounds, clamped to the array.
fn slice_indexes(
    len: usize,
    start: Option<i64>,
    end: Option<i64>,
    step: Option<i64>,
) -> Vec<usize> {
    let len_i = i64::try_from(len).unwrap_or(i64::MAX);
    let step = step.unwrap_or(1);
    if step == 0 || len == 0 {
        return Vec::new();
    }
    let norm = |v: i64| if v < 0 { v + len_i } else { v };
    let mut out = Vec::new();
    if step > 0 {
        let s = start.map_or(0, norm).clamp(0, len_i);
        let e = end.map_or(len_i, norm).clamp(0, len_i);
        let mut i = s;
        while i < e {
            out.extend(usize::try_from(i).ok());
            i += step;
        }
    } else {
        let s = start.map_or(len_i - 1, norm).clamp(-1, len_i - 1);
        let e = end.map_or(-1, norm).clamp(-1, len_i - 1);
        let mut i = s;
        while i > e {
            out.extend(usize::try_from(i).ok());
            i += step;
        }
    }
    out
}

fn eval_filter<'a>(filter: &Filter, current: &'a Value, input: &'a Value, env: &Env<'a>) -> bool {
    match filter {
        Filter::Or(a, b) => {
            eval_filter(a, current, input, env) || eval_filter(b, current, input, env)
        }
        Filter::And(a, b) => {
            eval_filter(a, current, input, env) && eval_filter(b, current, input, env)
        }
        Filter::Not(a) => !eval_filter(a, current, input, env),
        Filter::Exists(op) => match op {
            Operand::Path(_) => operand_value(op, current, input, env).is_some(),
            Operand::Literal(v) => truthy(v),
        },
        Filter::Compare { left, op, right } => {
            let l = operand_value(left, current, input, env);
            let r = operand_value(right, current, input, env);
            compare(*op, l.as_deref(), r.as_deref())
        }
    }
}

fn truthy(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        _ => true,
    }
}

/// Jayway equality: numbers by value (`1 == 1.0`), everything else structurally.
pub(crate) fn json_eq(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => match (x.as_f64(), y.as_f64()) {
            (Some(x), Some(y)) => x == y,
            _ => x == y,
        },
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| json_eq(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| json_eq(v, w)))
        }
        _ => a == b,
    }
}

/// Jayway's `==` in filters: like [`json_eq`], except that a number and a string compare the way
/// Jayway's value nodes do (the right side converted to the left side's type: `0 == '0'` and
/// `'0' == 0` are both true).
fn filter_eq(left: &Value, right: &Value) -> bool {
    match (left, right) {
        (Value::Number(n), Value::String(s)) => match (n.as_f64(), s.trim().parse::<f64>()) {
            (Some(a), Ok(b)) => a == b,
            _ => false,
        },
        (Value::String(s), Value::Number(n)) => *s == n.to_string(),
        _ => json_eq(left, right),
    }
}

fn compare(op: CompareOp, left: Option<&Value>, right: Option<&Value>) -> bool {
    use std::cmp::Ordering;
    let ordering = |l: &Value, r: &Value| -> Option<Ordering> {
        match (l, r) {
            (Value::Number(a), Value::Number(b)) => a.as_f64()?.partial_cmp(&b.as_f64()?),
            (Value::String(a), Value::String(b)) => Some(a.cmp(b)),
            _ => None,
        }
    };
    let (l, r) = match op {
        CompareOp::Ne | CompareOp::StrictNe => {
            return !compare(CompareOp::Eq, left, right);
        }
        CompareOp::Nin => return !compare(CompareOp::In, left, right),
        _ => match (left, right) {
            (Some(l), Some(r)) => (l, r),
            _ => return false,
        },
    };
    match op {
        CompareOp::Eq => filter_eq(l, r),
        CompareOp::StrictEq => {
            std::mem::discriminant(l) == std::mem::discriminant(r) && json_eq(l, r)
        }
        CompareOp::Lt => ordering(l, r) == Some(Ordering::Less),
        CompareOp::Le => matches!(ordering(l, r), Some(Ordering::Less | Ordering::Equal)),
        CompareOp::Gt => ordering(l, r) == Some(Ordering::Greater),
        CompareOp::Ge => matches!(ordering(l, r), Some(Ordering::Greater | Ordering::Equal)),
        CompareOp::In => r
            .as_array()
            .is_some_and(|items| items.iter().any(|i| json_eq(i, l))),
        CompareOp::Contains => match l {
            Value::String(s) => r.as_str().is_some_and(|needle| s.contains(needle)),
            Value::Array(items) => items.iter().any(|i| json_eq(i, r)),
            _ => false,
        },
        CompareOp::SubsetOf => match (l.as_array(), r.as_array()) {
            (Some(a), Some(b)) => a.iter().all(|x| b.iter().any(|y| json_eq(x, y))),
            _ => false,
        },
        CompareOp::AnyOf => match (l.as_array(), r.as_array()) {
            (Some(a), Some(b)) => a.iter().any(|x| b.iter().any(|y| json_eq(x, y))),
            _ => false,
        },
        CompareOp::NoneOf => match (l.as_array(), r.as_array()) {
            (Some(a), Some(b)) => !a.iter().any(|x| b.iter().any(|y| json_eq(x, y))),
            _ => false,
        },
        CompareOp::Size => {
            let len = match l {
                Value::String(s) => s.chars().count(),
                Value::Array(a) => a.len(),
                _ => return false,
            };
            r.as_f64().is_some_and(|n| n == len as f64)
        }
        CompareOp::Empty => {
            let empty = match l {
                Value::String(s) => s.is_empty(),
                Value::Array(a) => a.is_empty(),
                _ => return false,
            };
            r.as_bool() == Some(empty)
        }
        // Rejected when compiling; kept total for safety.
        CompareOp::Matches | CompareOp::Ne | CompareOp::StrictNe | CompareOp::Nin => false,
    }
}

fn compile_selector(sel: &Selector, text: &str) -> Result<Sel, StatesError> {
    Ok(match sel {
        Selector::Name(n) => Sel::Name(n.clone()),
        Selector::Names(ns) => Sel::Names(ns.clone()),
        Selector::Index(i) => Sel::Index(*i),
        Selector::Indexes(is) => Sel::Indexes(is.clone()),
        Selector::Wildcard => Sel::Wildcard,
        Selector::Slice { start, end, step } => Sel::Slice {
            start: *start,
            end: *end,
            step: *step,
        },
        Selector::Filter(f) => Sel::Filter(Box::new(compile_filter(f, text)?)),
    })
}

fn compile_filter(f: &FilterExpr, text: &str) -> Result<Filter, StatesError> {
    Ok(match f {
        FilterExpr::Or(a, b) => Filter::Or(
            Box::new(compile_filter(a, text)?),
            Box::new(compile_filter(b, text)?),
        ),
        FilterExpr::And(a, b) => Filter::And(
            Box::new(compile_filter(a, text)?),
            Box::new(compile_filter(b, text)?),
        ),
        FilterExpr::Not(a) => Filter::Not(Box::new(compile_filter(a, text)?)),
        FilterExpr::Compare {
            left, op, right, ..
        } => {
            if *op == CompareOp::Matches {
                return Err(StatesError::runtime(format!(
                    "The JSONPath '{text}' uses a regular-expression filter (=~), which this runtime does not support"
                )));
            }
            Filter::Compare {
                left: compile_operand(left, text)?,
                op: *op,
                right: compile_operand(right, text)?,
            }
        }
        FilterExpr::Exists(op) => Filter::Exists(compile_operand(op, text)?),
    })
}

fn compile_operand(op: &SynOperand, text: &str) -> Result<Operand, StatesError> {
    Ok(match op {
        SynOperand::Path(p) => Operand::Path(Box::new(Path::from_syntax(p)?)),
        SynOperand::Literal(lit, _) => Operand::Literal(literal_value(lit, text)?),
    })
}

fn literal_value(lit: &Literal, text: &str) -> Result<Value, StatesError> {
    Ok(match lit {
        Literal::Null => Value::Null,
        Literal::Bool(b) => Value::Bool(*b),
        Literal::Number(n) => number_value(&n.text, n.value),
        Literal::String(s) => Value::String(s.clone()),
        Literal::Array(items) => Value::Array(
            items
                .iter()
                .map(|i| literal_value(i, text))
                .collect::<Result<_, _>>()?,
        ),
        Literal::Object(members) => {
            let mut map = Map::new();
            for (k, v) in members {
                map.insert(k.clone(), literal_value(v, text)?);
            }
            Value::Object(map)
        }
        Literal::Regex { .. } => {
            return Err(StatesError::runtime(format!(
                "The JSONPath '{text}' uses a regular expression, which this runtime does not support"
            )));
        }
    })
}

/// A JSON number from literal text, keeping integers exact.
pub(crate) fn number_value(text: &str, value: f64) -> Value {
    if let Ok(i) = text.parse::<i64>() {
        return Value::from(i);
    }
    if let Ok(u) = text.parse::<u64>() {
        return Value::from(u);
    }
    Number::from_f64(value).map_or(Value::Null, Value::Number)
}

/// A reference path (`ResultPath`): only `.name`, `['name']` and `[index]` steps from `$`.
#[derive(Clone, Debug)]
pub struct ReferencePath {
    path: Path,
    steps: Vec<RefStep>,
}

#[derive(Clone, Debug)]
enum RefStep {
    Name(String),
    Index(i64),
}

impl ReferencePath {
    /// Parses and compiles a reference path.
    pub fn parse(text: &str) -> Result<ReferencePath, StatesError> {
        let syntax = asl_syntax::path::parse_reference_path(text).map_err(|e| {
            StatesError::runtime(format!(
                "The reference path '{text}' is invalid: {}",
                e.message
            ))
        })?;
        Self::from_path(Path::compile(&syntax, text.to_owned())?)
    }

    /// Compiles an already parsed reference path.
    pub fn from_syntax(path: &JsonPath) -> Result<ReferencePath, StatesError> {
        Self::from_path(Path::from_syntax(path)?)
    }

    fn from_path(path: Path) -> Result<ReferencePath, StatesError> {
        if path.merge.is_some() {
            return Err(StatesError::runtime(format!(
                "The reference path '{}' must name a single node",
                path.text
            )));
        }
        let mut steps = Vec::with_capacity(path.steps.len());
        for step in &path.steps {
            match step {
                Step::Child(Sel::Name(n)) => steps.push(RefStep::Name(n.clone())),
                Step::Child(Sel::Index(i)) => steps.push(RefStep::Index(*i)),
                _ => {
                    return Err(StatesError::runtime(format!(
                        "The reference path '{}' must name a single node",
                        path.text
                    )));
                }
            }
        }
        if path.function.is_some() {
            return Err(StatesError::runtime(format!(
                "The reference path '{}' must not call a function",
                path.text
            )));
        }
        Ok(ReferencePath { path, steps })
    }

    /// The path as a (definite) [`Path`], for reading.
    pub fn as_path(&self) -> &Path {
        &self.path
    }

    /// The path as written.
    pub fn text(&self) -> &str {
        self.path.text()
    }

    /// Writes `value` at this path inside `target` and returns the result: `$` replaces the
    /// target, missing intermediate objects are created, existing fields are overwritten.
    /// Stepping into anything but an object (or an existing array element for `[i]`) fails with
    /// `States.Runtime`, the name AWS uses for every observed path failure.
    pub fn set(&self, mut target: Value, value: Value) -> Result<Value, StatesError> {
        if self.path.root != PathRoot::Input {
            // `$$…` and `$name…` can be read but never written.
            return Err(StatesError::runtime(format!(
                "Invalid path '{}' : only a path starting with '$' can be written to",
                self.path.text
            )));
        }
        let Some((last, init)) = self.steps.split_last() else {
            return Ok(value);
        };
        let mut cur = &mut target;
        for (i, step) in init.iter().enumerate() {
            cur = match step {
                RefStep::Name(name) => match cur {
                    Value::Object(map) => map
                        .entry(name.clone())
                        .or_insert_with(|| Value::Object(Map::new())),
                    other => return Err(self.set_error(i, other)),
                },
                RefStep::Index(index) => match cur {
                    Value::Array(items) => match resolve_index(*index, items.len()) {
                        Some(idx) => &mut items[idx],
                        None => return Err(self.index_error(i)),
                    },
                    other => return Err(self.set_error(i, other)),
                },
            };
        }
        let at = init.len();
        match (last, cur) {
            (RefStep::Name(name), Value::Object(map)) => {
                map.insert(name.clone(), value);
            }
            (RefStep::Index(index), Value::Array(items)) => {
                match resolve_index(*index, items.len()) {
                    Some(idx) => items[idx] = value,
                    None => return Err(self.index_error(at)),
                }
            }
            (_, other) => return Err(self.set_error(at, other)),
        }
        Ok(target)
    }

    fn set_error(&self, step: usize, found: &Value) -> StatesError {
        let what = match self.steps.get(step) {
            Some(RefStep::Index(i)) => format!("an array with index [{i}]"),
            Some(RefStep::Name(n)) => format!("an object with property ['{n}']"),
            None => "a container".to_owned(),
        };
        StatesError::runtime(format!(
            "Invalid path '{}' : Expected to find {what} in path {} but found '{}'",
            self.path.text,
            self.path.bracket_prefix(step),
            type_name(found)
        ))
    }

    fn index_error(&self, step: usize) -> StatesError {
        StatesError::runtime(format!(
            "Invalid path '{}' : Index out of bounds in path {}",
            self.path.text,
            self.path.bracket_prefix(step + 1)
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use serde_json::json;

    fn eval(path: &str, input: &Value) -> Result<Value, StatesError> {
        Path::parse(path)
            .unwrap()
            .select(input, &Env::empty(), "InputPath")
    }

    fn store() -> Value {
        json!({
            "store": {
                "book": [
                    {"title": "A", "price": 8, "isbn": "1"},
                    {"title": "B", "price": 12},
                    {"title": "C", "price": 9, "isbn": "3"}
                ],
                "bicycle": {"price": 20}
            }
        })
    }

    #[test]
    fn dollar_alone_is_the_whole_input() {
        assert_eq!(eval("$", &store()).unwrap(), store());
    }

    #[test]
    fn definite_path_returns_the_node_itself() {
        assert_eq!(eval("$.store.book[1].title", &store()).unwrap(), json!("B"));
    }

    #[test]
    fn single_index_returns_the_element_not_a_list() {
        assert_eq!(
            eval("$.store.book[0]", &store()).unwrap(),
            json!({"title": "A", "price": 8, "isbn": "1"})
        );
    }

    #[test]
    fn negative_index_counts_from_the_end() {
        assert_eq!(
            eval("$.store.book[-1].title", &store()).unwrap(),
            json!("C")
        );
    }

    #[test]
    fn bracket_names_reach_keys_with_spaces() {
        assert_eq!(eval("$['a b']", &json!({"a b": 1})).unwrap(), json!(1));
    }

    #[test]
    fn null_node_is_found_not_missed() {
        assert_eq!(eval("$.a", &json!({"a": null})).unwrap(), json!(null));
    }

    #[test]
    fn definite_leaf_miss_is_runtime_no_results() {
        let err = eval("$.nope", &json!({})).unwrap_err();
        assert!(err.is(names::RUNTIME));
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.nope' : No results for path: $['nope']")
        );
    }

    #[test]
    fn definite_inner_miss_names_the_missing_property() {
        let err = eval("$.no.such.path", &json!({})).unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some("Invalid path '$.no.such.path' : Missing property in path $['no']")
        );
    }

    #[test]
    fn index_out_of_range_is_a_miss() {
        assert!(eval("$.a[5]", &json!({"a": [1]})).is_err());
    }

    #[test]
    fn property_of_a_string_is_a_miss() {
        let err = eval("$.a.b", &json!({"a": "text"})).unwrap_err();
        assert!(err.is(names::RUNTIME));
    }

    #[test]
    fn template_field_miss_quotes_field_and_input() {
        let p = Path::parse("$.x").unwrap();
        let err = p
            .select(&json!({"y": 1}), &Env::empty(), "value.$")
            .unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$.x' specified for the field 'value.$' could not be found in the input '{\"y\":1}'"
            )
        );
    }

    #[test]
    fn wildcard_collects_into_an_array() {
        assert_eq!(
            eval("$.store.book[*].title", &store()).unwrap(),
            json!(["A", "B", "C"])
        );
    }

    #[test]
    fn wildcard_skips_elements_missing_the_property() {
        assert_eq!(
            eval("$.store.book[*].isbn", &store()).unwrap(),
            json!(["1", "3"])
        );
    }

    #[test]
    fn indefinite_path_over_a_missing_array_is_empty() {
        assert_eq!(eval("$.items[1:].value", &json!({})).unwrap(), json!([]));
        assert_eq!(eval("$.items[*]", &json!({})).unwrap(), json!([]));
    }

    #[test]
    fn slices_follow_start_end_semantics() {
        let input = json!({"a": [0, 1, 2, 3, 4]});
        assert_eq!(eval("$.a[1:3]", &input).unwrap(), json!([1, 2]));
        assert_eq!(eval("$.a[:2]", &input).unwrap(), json!([0, 1]));
        assert_eq!(eval("$.a[-2:]", &input).unwrap(), json!([3, 4]));
        assert_eq!(eval("$.a[::2]", &input).unwrap(), json!([0, 2, 4]));
    }

    #[test]
    fn unions_of_indexes_and_names() {
        let input = json!({"a": [10, 20, 30], "x": {"v": 1}, "y": {"v": 2}});
        assert_eq!(eval("$.a[0,2]", &input).unwrap(), json!([10, 30]));
        assert_eq!(eval("$['x','y'].v", &input).unwrap(), json!([1, 2]));
    }

    #[test]
    fn trailing_name_union_merges_into_one_object() {
        let input = json!({"x": 1, "y": 2, "z": 3});
        assert_eq!(
            eval("$['x','y','missing']", &input).unwrap(),
            json!({"x": 1, "y": 2})
        );
        let input = json!({"rows": [{"a": 1, "b": 2, "c": 3}, {"a": 4}]});
        assert_eq!(
            eval("$.rows[*]['a','b']", &input).unwrap(),
            json!([{"a": 1, "b": 2}, {"a": 4}])
        );
    }

    #[test]
    fn deep_scan_finds_every_match_in_document_order() {
        assert_eq!(eval("$..price", &store()).unwrap(), json!([8, 12, 9, 20]));
    }

    #[test]
    fn filter_compares_numbers() {
        assert_eq!(
            eval("$.store.book[?(@.price < 10)].title", &store()).unwrap(),
            json!(["A", "C"])
        );
    }

    #[test]
    fn filter_compares_strings() {
        let input = json!({"p": [{"Name": "/a", "Value": 1}, {"Name": "/b", "Value": 2}]});
        assert_eq!(
            eval("$.p[?(@.Name == '/b')].Value", &input).unwrap(),
            json!([2])
        );
    }

    #[test]
    fn filter_equality_converts_between_numbers_and_strings() {
        let input = json!({"xs": [{"v": 0}, {"v": "0"}, {"v": 1}]});
        assert_eq!(
            eval("$.xs[?(@.v == '0')].v", &input).unwrap(),
            json!([0, "0"])
        );
        assert_eq!(
            eval("$.xs[?(@.v == 0)].v", &input).unwrap(),
            json!([0, "0"])
        );
        assert_eq!(eval("$.xs[?(@.v === 0)].v", &input).unwrap(), json!([0]));
    }

    #[test]
    fn filter_existence_test() {
        assert_eq!(
            eval("$.store.book[?(@.isbn)].title", &store()).unwrap(),
            json!(["A", "C"])
        );
    }

    #[test]
    fn filter_with_and_or_not() {
        assert_eq!(
            eval(
                "$.store.book[?(@.price > 8 && @.price < 12)].title",
                &store()
            )
            .unwrap(),
            json!(["C"])
        );
        assert_eq!(
            eval(
                "$.store.book[?(@.price == 8 || @.title == 'B')].title",
                &store()
            )
            .unwrap(),
            json!(["A", "B"])
        );
    }

    #[test]
    fn filter_in_and_size_operators() {
        assert_eq!(
            eval("$.store.book[?(@.title in ['A','C'])].price", &store()).unwrap(),
            json!([8, 9])
        );
        assert_eq!(
            eval("$.store.book[?(@.title size 1)].price", &store()).unwrap(),
            json!([8, 12, 9])
        );
    }

    #[test]
    fn filter_can_compare_with_the_root() {
        let input = json!({"limit": 10, "xs": [5, 15]});
        assert_eq!(eval("$.xs[?(@ < $.limit)]", &input).unwrap(), json!([5]));
    }

    #[test]
    fn length_function_on_a_definite_array() {
        assert_eq!(eval("$.store.book.length()", &store()).unwrap(), json!(3));
    }

    #[test]
    fn aggregate_functions_on_matches() {
        assert_eq!(
            eval("$.store.book[*].price.sum()", &store()).unwrap(),
            json!(29.0)
        );
        assert_eq!(
            eval("$.store.book[*].price.max()", &store()).unwrap(),
            json!(12.0)
        );
    }

    #[test]
    fn context_root_reads_the_context_object() {
        let ctx = json!({"Execution": {"Name": "run-1"}});
        let vars = Variables::new();
        let env = Env::new(&ctx, &vars);
        let p = Path::parse("$$.Execution.Name").unwrap();
        assert_eq!(p.select(&json!({}), &env, "x.$").unwrap(), json!("run-1"));
    }

    #[test]
    fn context_miss_is_runtime() {
        let ctx = json!({"Execution": {}});
        let vars = Variables::new();
        let env = Env::new(&ctx, &vars);
        let p = Path::parse("$$.Execution.Input.nope").unwrap();
        assert!(
            p.select(&json!({}), &env, "x.$")
                .unwrap_err()
                .is(names::RUNTIME)
        );
    }

    #[test]
    fn variable_root_reads_a_variable() {
        let mut vars = Variables::new();
        vars.set("order", json!({"id": 7}));
        let ctx = json!({});
        let env = Env::new(&ctx, &vars);
        let p = Path::parse("$order.id").unwrap();
        assert_eq!(p.select(&json!({}), &env, "x.$").unwrap(), json!(7));
    }

    #[test]
    fn undefined_variable_is_runtime() {
        let p = Path::parse("$nobody").unwrap();
        let err = p.select(&json!({}), &Env::empty(), "x.$").unwrap_err();
        assert!(err.is(names::RUNTIME));
        assert!(err.cause.unwrap().contains("$nobody"));
    }

    #[test]
    fn select_owned_moves_the_node_out() {
        let p = Path::parse("$.store.book[2].title").unwrap();
        assert_eq!(
            p.select_owned(store(), &Env::empty(), "OutputPath")
                .unwrap(),
            json!("C")
        );
    }

    #[test]
    fn select_owned_miss_is_the_same_error_as_select() {
        let p = Path::parse("$.store.nothing.here").unwrap();
        let by_ref = p.select(&store(), &Env::empty(), "OutputPath").unwrap_err();
        let owned = p
            .select_owned(store(), &Env::empty(), "OutputPath")
            .unwrap_err();
        assert_eq!(by_ref, owned);
    }

    #[test]
    fn lookup_borrows_definite_matches() {
        let input = store();
        let p = Path::parse("$.store.bicycle").unwrap();
        assert!(matches!(
            p.lookup(&input, &Env::empty()),
            Ok(Cow::Borrowed(_))
        ));
    }

    #[test]
    fn is_present_distinguishes_missing_from_null() {
        let p = Path::parse("$.a").unwrap();
        assert!(p.is_present(&json!({"a": null}), &Env::empty()));
        assert!(!p.is_present(&json!({}), &Env::empty()));
    }

    #[test]
    fn reference_path_dollar_replaces_the_target() {
        let r = ReferencePath::parse("$").unwrap();
        assert_eq!(r.set(json!({"a": 1}), json!(2)).unwrap(), json!(2));
    }

    #[test]
    fn reference_path_creates_intermediate_objects() {
        let r = ReferencePath::parse("$.a.b.c").unwrap();
        assert_eq!(
            r.set(json!({"z": 0}), json!(1)).unwrap(),
            json!({"z": 0, "a": {"b": {"c": 1}}})
        );
    }

    #[test]
    fn reference_path_overwrites_an_existing_field() {
        let r = ReferencePath::parse("$.a").unwrap();
        assert_eq!(
            r.set(json!({"a": [1]}), json!("x")).unwrap(),
            json!({"a": "x"})
        );
    }

    #[test]
    fn reference_path_sets_an_existing_array_element() {
        let r = ReferencePath::parse("$.a[1]").unwrap();
        assert_eq!(
            r.set(json!({"a": [1, 2]}), json!(9)).unwrap(),
            json!({"a": [1, 9]})
        );
    }

    #[test]
    fn reference_path_into_a_non_object_fails_with_runtime() {
        let r = ReferencePath::parse("$.a.b").unwrap();
        let err = r.set(json!({"a": "text"}), json!(1)).unwrap_err();
        assert!(err.is(names::RUNTIME));
        let err = r
            .set(json!("whole input is a string"), json!(1))
            .unwrap_err();
        assert!(err.is(names::RUNTIME));
    }

    #[test]
    fn reference_path_cannot_write_into_the_context_object() {
        let r = ReferencePath::parse("$$.Execution.Name").unwrap();
        assert!(r.set(json!({}), json!(1)).unwrap_err().is(names::RUNTIME));
    }

    #[test]
    fn reference_path_rejects_wildcards() {
        assert!(ReferencePath::parse("$.a[*]").is_err());
    }
}
