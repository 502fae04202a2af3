//! Evaluation of the syntax tree over `serde_json` values.

use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;
use std::sync::Arc;

use serde_json::{Map, Number, Value};

use crate::parse::{BinOp, Kind, LambdaDef, Node};
use crate::{Bindings, Error, functions};

/// Evaluation (including function calls) may not nest deeper than this: about 7 KiB of stack per
/// level in debug builds, so this stays well inside a 2 MiB thread stack.
const MAX_EVAL_DEPTH: usize = 150;
/// `a..b` may not produce more items than this.
const MAX_RANGE: f64 = 10_000_000.0;

/// A value during evaluation: JSON, or one of the two things JSONata has that JSON has not.
#[derive(Clone)]
pub(crate) enum V {
    J(Value),
    F(Rc<Func>),
    Regex(Arc<regex_lite::Regex>),
}

pub(crate) enum Func {
    Lambda { def: Arc<LambdaDef>, env: Rc<Scope> },
    Builtin(&'static str),
}

/// Variables bound with `:=` in a block or a function body.
pub(crate) struct Scope {
    vars: RefCell<HashMap<String, V>>,
    parent: Option<Rc<Scope>>,
}

impl Scope {
    fn child(parent: &Rc<Scope>) -> Rc<Scope> {
        Rc::new(Scope {
            vars: RefCell::new(HashMap::new()),
            parent: Some(parent.clone()),
        })
    }

    fn get(&self, name: &str) -> Option<V> {
        if let Some(v) = self.vars.borrow().get(name) {
            return Some(v.clone());
        }
        self.parent.as_ref().and_then(|p| p.get(name))
    }
}

pub(crate) type Out = Result<Option<V>, Error>;

pub(crate) fn evaluate(
    root: &Node,
    bindings: &(impl Bindings + ?Sized),
) -> Result<Option<Value>, Error> {
    let mut ev = Evaluator {
        bindings: BindingsRef(bindings),
        depth: 0,
    };
    let env = Rc::new(Scope {
        vars: RefCell::new(HashMap::new()),
        parent: None,
    });
    match ev.eval(root, None, &env)? {
        None => Ok(None),
        Some(V::J(v)) => Ok(Some(v)),
        Some(_) => Err(Error::UnsupportedResult),
    }
}

pub(crate) struct BindingsRef<'a, B: ?Sized>(&'a B);

/// Object-safe view of the caller's bindings.
pub(crate) trait Env {
    fn lookup(&self, name: &str) -> Option<&Value>;
    fn hash(&self, algorithm: &str, text: &str) -> Option<String>;
    fn random(&self) -> f64;
}

impl<B: Bindings + ?Sized> Env for BindingsRef<'_, B> {
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.0.lookup(name)
    }
    fn hash(&self, algorithm: &str, text: &str) -> Option<String> {
        self.0.hash(algorithm, text)
    }
    fn random(&self) -> f64 {
        self.0.random()
    }
}

pub(crate) struct Evaluator<E: Env> {
    pub bindings: E,
    depth: usize,
}

pub(crate) fn err(pos: usize, message: impl Into<String>) -> Error {
    Error::Evaluation {
        offset: pos,
        message: message.into(),
    }
}

/// A JSON number from an `f64`; integral values become integers so `1` prints as `1`.
pub(crate) fn number(x: f64, pos: usize) -> Result<Value, Error> {
    if !x.is_finite() {
        return Err(err(pos, "number out of range"));
    }
    if x.fract() == 0.0 && x.abs() < 9_007_199_254_740_992.0 {
        // In range by the check above, so the cast is exact.
        return Ok(Value::from(x as i64));
    }
    Number::from_f64(x)
        .map(Value::Number)
        .ok_or_else(|| err(pos, "number out of range"))
}

/// A sequence as JSONata hands it on: nothing, the single item, or an array.
pub(crate) fn sequence(mut items: Vec<Value>) -> Option<V> {
    match items.len() {
        0 => None,
        1 => items.pop().map(V::J),
        _ => Some(V::J(Value::Array(items))),
    }
}

/// JSONata's boolean cast (`$boolean`), for a defined value.
pub(crate) fn truthy(v: &V) -> bool {
    match v {
        V::J(j) => truthy_json(j),
        V::F(_) | V::Regex(_) => false,
    }
}

fn truthy_json(v: &Value) -> bool {
    match v {
        Value::Null => false,
        Value::Bool(b) => *b,
        Value::Number(n) => n.as_f64().is_some_and(|x| x != 0.0),
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => a.iter().any(truthy_json),
        Value::Object(o) => !o.is_empty(),
    }
}

/// `=`: deep equality, numbers compared by value.
pub(crate) fn deep_equal(a: &Value, b: &Value) -> bool {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => x.as_f64() == y.as_f64(),
        (Value::Array(x), Value::Array(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(p, q)| deep_equal(p, q))
        }
        (Value::Object(x), Value::Object(y)) => {
            x.len() == y.len()
                && x.iter()
                    .all(|(k, v)| y.get(k).is_some_and(|w| deep_equal(v, w)))
        }
        _ => a == b,
    }
}

/// A value's items when it is used as a sequence: arrays iterate, anything else is one item.
fn items_of(v: Value) -> Vec<Value> {
    match v {
        Value::Array(a) => a,
        other => vec![other],
    }
}

fn json(v: V, pos: usize) -> Result<Value, Error> {
    match v {
        V::J(j) => Ok(j),
        V::F(_) | V::Regex(_) => Err(err(pos, "a function cannot be used as a value here")),
    }
}

impl<E: Env> Evaluator<E> {
    pub(crate) fn eval(&mut self, node: &Node, ctx: Option<&Value>, env: &Rc<Scope>) -> Out {
        self.depth += 1;
        if self.depth > MAX_EVAL_DEPTH {
            self.depth -= 1;
            return Err(Error::TooDeep { offset: node.pos });
        }
        let out = self.eval_inner(node, ctx, env);
        self.depth -= 1;
        out
    }

    fn eval_json(
        &mut self,
        node: &Node,
        ctx: Option<&Value>,
        env: &Rc<Scope>,
    ) -> Result<Option<Value>, Error> {
        match self.eval(node, ctx, env)? {
            None => Ok(None),
            Some(v) => json(v, node.pos).map(Some),
        }
    }

    fn eval_inner(&mut self, node: &Node, ctx: Option<&Value>, env: &Rc<Scope>) -> Out {
        let pos = node.pos;
        Ok(match &node.kind {
            Kind::Number(n) => Some(V::J(number(*n, pos)?)),
            Kind::String(s) => Some(V::J(Value::String(s.clone()))),
            Kind::Bool(b) => Some(V::J(Value::Bool(*b))),
            Kind::Null => Some(V::J(Value::Null)),
            Kind::Regex(r) => Some(V::Regex(r.clone())),
            Kind::Root => None,
            Kind::Variable(name) if name.is_empty() => ctx.cloned().map(V::J),
            Kind::Variable(name) => self.variable(name, env),
            Kind::Name(name) => ctx.and_then(|c| field(c, name)),
            Kind::Wildcard => ctx.and_then(wildcard),
            Kind::Path(left, right) => {
                let Some(lv) = self.eval_json(left, ctx, env)? else {
                    return Ok(None);
                };
                let keep_arrays = matches!(right.kind, Kind::Array(_));
                let mut results = Vec::new();
                for item in items_of(lv) {
                    if let Some(v) = self.eval_json(right, Some(&item), env)? {
                        results.push(v);
                    }
                }
                // A step that yields one array keeps it whole (`$x.list` is the list itself).
                if results.len() == 1 && results[0].is_array() {
                    return Ok(results.pop().map(V::J));
                }
                let mut flat = Vec::with_capacity(results.len());
                for r in results {
                    match r {
                        Value::Array(a) if !keep_arrays => flat.extend(a),
                        other => flat.push(other),
                    }
                }
                sequence(flat)
            }
            Kind::Filter(left, predicate) => {
                let Some(lv) = self.eval_json(left, ctx, env)? else {
                    return Ok(None);
                };
                let items = items_of(lv);
                let len = items.len();
                let mut kept = Vec::new();
                for (i, item) in items.into_iter().enumerate() {
                    let keep = match self.eval(predicate, Some(&item), env)? {
                        None => false,
                        Some(V::J(Value::Number(n))) => index_matches(n.as_f64(), i, len),
                        Some(V::J(Value::Array(a)))
                            if !a.is_empty() && a.iter().all(Value::is_number) =>
                        {
                            a.iter().any(|n| index_matches(n.as_f64(), i, len))
                        }
                        Some(v) => truthy(&v),
                    };
                    if keep {
                        kept.push(item);
                    }
                }
                sequence(kept)
            }
            Kind::Negate(inner) => match self.eval_json(inner, ctx, env)? {
                None => None,
                Some(Value::Number(n)) => Some(V::J(number(-n.as_f64().unwrap_or(0.0), pos)?)),
                Some(_) => return Err(err(pos, "cannot negate a non-numeric value")),
            },
            Kind::Binary(op, l, r) => self.binary(*op, l, r, ctx, env, pos)?,
            Kind::Condition(cond, then, otherwise) => {
                let c = self.eval(cond, ctx, env)?;
                if c.as_ref().is_some_and(truthy) {
                    self.eval(then, ctx, env)?
                } else if let Some(o) = otherwise {
                    self.eval(o, ctx, env)?
                } else {
                    None
                }
            }
            Kind::Bind(name, value) => {
                let v = self.eval(value, ctx, env)?;
                if let Some(v) = &v {
                    env.vars.borrow_mut().insert(name.clone(), v.clone());
                }
                v
            }
            Kind::Block(items) => {
                let scope = Scope::child(env);
                let mut last = None;
                for item in items {
                    last = self.eval(item, ctx, &scope)?;
                }
                last
            }
            Kind::Array(items) => {
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match self.eval_json(item, ctx, env)? {
                        None => {}
                        // A nested constructor stays nested; other arrays are spliced in.
                        Some(Value::Array(a)) if !matches!(item.kind, Kind::Array(_)) => {
                            out.extend(a)
                        }
                        Some(v) => out.push(v),
                    }
                }
                Some(V::J(Value::Array(out)))
            }
            Kind::Object(pairs) => {
                let mut out = Map::with_capacity(pairs.len());
                for (k, v) in pairs {
                    let key = match self.eval_json(k, ctx, env)? {
                        Some(Value::String(s)) => s,
                        _ => return Err(err(k.pos, "object keys must evaluate to strings")),
                    };
                    if let Some(value) = self.eval_json(v, ctx, env)? {
                        out.insert(key, value);
                    }
                }
                Some(V::J(Value::Object(out)))
            }
            Kind::Range(from, to) => {
                let (Some(a), Some(b)) = (
                    self.eval_json(from, ctx, env)?,
                    self.eval_json(to, ctx, env)?,
                ) else {
                    return Ok(None);
                };
                let (Some(a), Some(b)) = (integer(&a), integer(&b)) else {
                    return Err(err(pos, "the bounds of a range must be integers"));
                };
                if b - a >= MAX_RANGE {
                    return Err(err(pos, "range has too many items"));
                }
                let mut out = Vec::new();
                let mut x = a;
                while x <= b {
                    out.push(number(x, pos)?);
                    x += 1.0;
                }
                Some(V::J(Value::Array(out)))
            }
            Kind::Call(callee, args) => {
                let f = self.eval(callee, ctx, env)?;
                let mut values = Vec::with_capacity(args.len());
                for a in args {
                    values.push(self.eval(a, ctx, env)?);
                }
                self.apply(f, values, ctx, pos)?
            }
            Kind::Chain(left, right) => {
                let lv = self.eval(left, ctx, env)?;
                if let Kind::Call(callee, args) = &right.kind {
                    let f = self.eval(callee, ctx, env)?;
                    let mut values = vec![lv];
                    for a in args {
                        values.push(self.eval(a, ctx, env)?);
                    }
                    self.apply(f, values, ctx, pos)?
                } else {
                    let f = self.eval(right, ctx, env)?;
                    self.apply(f, vec![lv], ctx, pos)?
                }
            }
            Kind::Lambda(def) => Some(V::F(Rc::new(Func::Lambda {
                def: def.clone(),
                env: env.clone(),
            }))),
        })
    }

    fn variable(&self, name: &str, env: &Rc<Scope>) -> Option<V> {
        if let Some(v) = env.get(name) {
            return Some(v);
        }
        if let Some(v) = self.bindings.lookup(name) {
            return Some(V::J(v.clone()));
        }
        functions::builtin(name).map(|b| V::F(Rc::new(Func::Builtin(b))))
    }

    /// Calls a function value with already evaluated arguments.
    pub(crate) fn apply(
        &mut self,
        f: Option<V>,
        args: Vec<Option<V>>,
        ctx: Option<&Value>,
        pos: usize,
    ) -> Out {
        let Some(V::F(f)) = f else {
            return Err(err(pos, "attempted to invoke a non-function"));
        };
        match &*f {
            Func::Builtin(name) => functions::call(self, name, args, ctx, pos),
            Func::Lambda { def, env } => {
                let scope = Scope::child(env);
                for (param, arg) in def.params.iter().zip(args) {
                    if let Some(a) = arg {
                        scope.vars.borrow_mut().insert(param.clone(), a);
                    }
                }
                self.depth += 1;
                if self.depth > MAX_EVAL_DEPTH {
                    self.depth -= 1;
                    return Err(Error::TooDeep { offset: pos });
                }
                let out = self.eval(&def.body, ctx, &scope);
                self.depth -= 1;
                out
            }
        }
    }

    fn binary(
        &mut self,
        op: BinOp,
        l: &Node,
        r: &Node,
        ctx: Option<&Value>,
        env: &Rc<Scope>,
        pos: usize,
    ) -> Out {
        // `and`/`or` short-circuit and treat undefined as false.
        if op == BinOp::And || op == BinOp::Or {
            let left = self.eval(l, ctx, env)?.as_ref().is_some_and(truthy);
            if (op == BinOp::And) != left {
                return Ok(Some(V::J(Value::Bool(left))));
            }
            let right = self.eval(r, ctx, env)?.as_ref().is_some_and(truthy);
            return Ok(Some(V::J(Value::Bool(right))));
        }
        let a = self.eval_json(l, ctx, env)?;
        let b = self.eval_json(r, ctx, env)?;
        let boolean = |x: bool| Ok(Some(V::J(Value::Bool(x))));
        match op {
            BinOp::Concat => {
                let mut s = a.as_ref().map(functions::to_string).unwrap_or_default();
                s.push_str(&b.as_ref().map(functions::to_string).unwrap_or_default());
                Ok(Some(V::J(Value::String(s))))
            }
            BinOp::Eq | BinOp::Ne => match (a, b) {
                (Some(a), Some(b)) => boolean(deep_equal(&a, &b) == (op == BinOp::Eq)),
                _ => boolean(false),
            },
            BinOp::In => match (a, b) {
                (Some(a), Some(b)) => boolean(items_of(b).iter().any(|x| deep_equal(&a, x))),
                _ => boolean(false),
            },
            BinOp::Lt | BinOp::Le | BinOp::Gt | BinOp::Ge => {
                let ordering = match (&a, &b) {
                    (Some(Value::Number(x)), Some(Value::Number(y))) => {
                        x.as_f64().partial_cmp(&y.as_f64())
                    }
                    (Some(Value::String(x)), Some(Value::String(y))) => Some(x.cmp(y)),
                    (Some(x), Some(y)) if comparable(x) && comparable(y) => {
                        return Err(err(
                            pos,
                            "the values on both sides of a comparison must be of the same type",
                        ));
                    }
                    (Some(_), Some(_)) | (Some(_), None) | (None, Some(_)) => {
                        let bad = [&a, &b].into_iter().flatten().any(|v| !comparable(v));
                        if bad {
                            return Err(err(
                                pos,
                                "only numbers and strings can be compared with < <= > >=",
                            ));
                        }
                        return boolean(false);
                    }
                    (None, None) => return boolean(false),
                };
                let Some(o) = ordering else {
                    return boolean(false);
                };
                boolean(match op {
                    BinOp::Lt => o.is_lt(),
                    BinOp::Le => o.is_le(),
                    BinOp::Gt => o.is_gt(),
                    _ => o.is_ge(),
                })
            }
            _ => {
                let x = arithmetic_operand(a.as_ref(), l.pos)?;
                let y = arithmetic_operand(b.as_ref(), r.pos)?;
                let (Some(x), Some(y)) = (x, y) else {
                    return Ok(None);
                };
                let z = match op {
                    BinOp::Add => x + y,
                    BinOp::Sub => x - y,
                    BinOp::Mul => x * y,
                    BinOp::Div => x / y,
                    _ => x % y,
                };
                Ok(Some(V::J(number(z, pos)?)))
            }
        }
    }
}

fn comparable(v: &Value) -> bool {
    v.is_number() || v.is_string()
}

fn arithmetic_operand(v: Option<&Value>, pos: usize) -> Result<Option<f64>, Error> {
    match v {
        None => Ok(None),
        Some(Value::Number(n)) => Ok(n.as_f64()),
        Some(other) => Err(err(
            pos,
            format!(
                "arithmetic needs numbers, but this side is {}",
                functions::type_name(other)
            ),
        )),
    }
}

fn index_matches(n: Option<f64>, i: usize, len: usize) -> bool {
    let Some(n) = n else { return false };
    let n = n.floor();
    let idx = if n < 0.0 { len as f64 + n } else { n };
    idx == i as f64
}

fn integer(v: &Value) -> Option<f64> {
    v.as_f64().filter(|x| x.fract() == 0.0)
}

/// `name` looked up in the context item; arrays look it up in each element.
fn field(ctx: &Value, name: &str) -> Option<V> {
    match ctx {
        Value::Object(o) => o.get(name).cloned().map(V::J),
        Value::Array(a) => {
            let mut out = Vec::new();
            for item in a {
                if let Some(V::J(v)) = field(item, name) {
                    match v {
                        Value::Array(inner) => out.extend(inner),
                        other => out.push(other),
                    }
                }
            }
            sequence(out)
        }
        _ => None,
    }
}

fn wildcard(ctx: &Value) -> Option<V> {
    let mut out = Vec::new();
    let mut add = |v: &Value| match v {
        Value::Array(inner) => out.extend(inner.iter().cloned()),
        other => out.push(other.clone()),
    };
    match ctx {
        Value::Object(o) => o.values().for_each(&mut add),
        Value::Array(a) => {
            for item in a {
                if let Value::Object(o) = item {
                    o.values().for_each(&mut add);
                }
            }
        }
        _ => return None,
    }
    sequence(out)
}
