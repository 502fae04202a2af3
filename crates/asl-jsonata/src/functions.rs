//! JSONata's built-in functions, and the ones Step Functions adds (`$partition`, `$range`,
//! `$hash`, `$random`, `$uuid`, `$parse`).

use std::collections::hash_map::RandomState;
use std::hash::{BuildHasher, Hasher};

use serde_json::{Map, Value};

use crate::Error;
use crate::eval::{Env, Evaluator, Out, V, deep_equal, err, number, sequence, truthy};

const NAMES: &[&str] = &[
    "sum",
    "count",
    "max",
    "min",
    "average",
    "string",
    "number",
    "not",
    "boolean",
    "exists",
    "contains",
    "keys",
    "lookup",
    "merge",
    "append",
    "join",
    "split",
    "length",
    "substring",
    "substringBefore",
    "substringAfter",
    "uppercase",
    "lowercase",
    "trim",
    "round",
    "floor",
    "ceil",
    "abs",
    "sqrt",
    "power",
    "type",
    "reverse",
    "distinct",
    "map",
    "filter",
    "reduce",
    "replace",
    "partition",
    "range",
    "hash",
    "random",
    "uuid",
    "parse",
];

/// `$range` and `$partition` follow the Step Functions array limits.
const MAX_AWS_ARRAY: usize = 1000;

pub(crate) fn builtin(name: &str) -> Option<&'static str> {
    NAMES.iter().find(|n| **n == name).copied()
}

/// A fresh pseudo-random number in `[0, 1)`, seeded per call from the standard library's
/// randomly keyed hasher (good enough for `$random`; not for secrets).
pub(crate) fn fallback_random() -> f64 {
    let mut h = RandomState::new().build_hasher();
    h.write_u64(0x9e37_79b9_7f4a_7c15);
    (h.finish() >> 11) as f64 / (1u64 << 53) as f64
}

/// JSONata's `$string` cast of a JSON value.
pub(crate) fn to_string(v: &Value) -> String {
    match v {
        Value::String(s) => s.clone(),
        Value::Number(n) => format_number(n.as_f64().unwrap_or(0.0)),
        other => {
            let mut out = String::new();
            write_json(other, &mut out);
            out
        }
    }
}

/// Numbers print with at most 15 significant digits, as JavaScript's JSONata does.
fn format_number(x: f64) -> String {
    if x.fract() == 0.0 && x.abs() < 1e21 {
        return format!("{}", x as i128);
    }
    let rounded: f64 = format!("{x:.14e}").parse().unwrap_or(x);
    format!("{rounded}")
}

fn write_json(v: &Value, out: &mut String) {
    match v {
        Value::Number(n) => out.push_str(&format_number(n.as_f64().unwrap_or(0.0))),
        Value::Array(a) => {
            out.push('[');
            for (i, item) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_json(item, out);
            }
            out.push(']');
        }
        Value::Object(o) => {
            out.push('{');
            for (i, (k, item)) in o.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                out.push_str(&Value::String(k.clone()).to_string());
                out.push(':');
                write_json(item, out);
            }
            out.push('}');
        }
        other => out.push_str(&other.to_string()),
    }
}

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

/// The arguments of one call, with the checks every function needs.
struct Args<'a> {
    name: &'a str,
    values: Vec<Option<V>>,
    pos: usize,
}

impl Args<'_> {
    fn bad(&self, i: usize, expected: &str) -> Error {
        err(
            self.pos,
            format!(
                "argument {} of function ${} must be {expected}",
                i + 1,
                self.name
            ),
        )
    }

    fn get(&self, i: usize) -> Option<&V> {
        self.values.get(i).and_then(Option::as_ref)
    }

    fn json(&self, i: usize) -> Result<Option<&Value>, Error> {
        match self.get(i) {
            None => Ok(None),
            Some(V::J(v)) => Ok(Some(v)),
            Some(_) => Err(self.bad(i, "a JSON value, not a function")),
        }
    }

    fn string(&self, i: usize) -> Result<Option<&str>, Error> {
        match self.json(i)? {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s)),
            Some(_) => Err(self.bad(i, "a string")),
        }
    }

    fn number(&self, i: usize) -> Result<Option<f64>, Error> {
        match self.json(i)? {
            None => Ok(None),
            Some(Value::Number(n)) => Ok(n.as_f64()),
            Some(_) => Err(self.bad(i, "a number")),
        }
    }

    /// An argument read as an array: a single value counts as a one-item array.
    fn array(&self, i: usize) -> Result<Option<Vec<Value>>, Error> {
        Ok(self.json(i)?.map(|v| match v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        }))
    }

    fn numbers(&self, i: usize) -> Result<Option<Vec<f64>>, Error> {
        let Some(items) = self.array(i)? else {
            return Ok(None);
        };
        items
            .iter()
            .map(|v| v.as_f64().ok_or_else(|| self.bad(i, "an array of numbers")))
            .collect::<Result<Vec<_>, _>>()
            .map(Some)
    }

    fn function(&self, i: usize) -> Result<Option<V>, Error> {
        match self.get(i) {
            Some(f @ V::F(_)) => Ok(Some(f.clone())),
            _ => Err(self.bad(i, "a function")),
        }
    }
}

fn some_json(v: Value) -> Out {
    Ok(Some(V::J(v)))
}

fn string_value(s: String) -> Out {
    some_json(Value::String(s))
}

pub(crate) fn call<E: Env>(
    ev: &mut Evaluator<E>,
    name: &str,
    values: Vec<Option<V>>,
    ctx: Option<&Value>,
    pos: usize,
) -> Out {
    let a = Args { name, values, pos };
    let num = |x: f64| -> Out { Ok(Some(V::J(number(x, pos)?))) };
    match name {
        "sum" => match a.numbers(0)? {
            None => Ok(None),
            Some(xs) => num(xs.iter().sum()),
        },
        "count" => Ok(Some(V::J(Value::from(a.array(0)?.map_or(0, |v| v.len()))))),
        "max" | "min" | "average" => {
            let Some(xs) = a.numbers(0)? else {
                return Ok(None);
            };
            if xs.is_empty() {
                return Ok(None);
            }
            let r = match name {
                "max" => xs.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                "min" => xs.iter().copied().fold(f64::INFINITY, f64::min),
                _ => xs.iter().sum::<f64>() / xs.len() as f64,
            };
            num(r)
        }
        "string" => match a.get(0) {
            None => Ok(None),
            Some(V::J(v)) => string_value(to_string(v)),
            Some(_) => string_value(String::new()),
        },
        "number" => match a.json(0)? {
            None => Ok(None),
            Some(Value::Number(n)) => some_json(Value::Number(n.clone())),
            Some(Value::Bool(b)) => num(if *b { 1.0 } else { 0.0 }),
            Some(Value::String(s)) => match parse_number(s) {
                Some(x) => num(x),
                None => Err(err(pos, format!("unable to cast value to a number: {s:?}"))),
            },
            Some(other) => Err(err(
                pos,
                format!("unable to cast {} to a number", type_name(other)),
            )),
        },
        "not" => Ok(a.get(0).map(|v| V::J(Value::Bool(!truthy(v))))),
        "boolean" => Ok(a.get(0).map(|v| V::J(Value::Bool(truthy(v))))),
        "exists" => some_json(Value::Bool(a.get(0).is_some())),
        "type" => Ok(a.get(0).map(|v| {
            let t = match v {
                V::J(j) => type_name(j),
                V::F(_) | V::Regex(_) => "function",
            };
            V::J(Value::String(t.to_owned()))
        })),
        "contains" => {
            let Some(s) = a.string(0)? else {
                return Ok(None);
            };
            let found = match a.get(1) {
                Some(V::Regex(r)) => r.is_match(s),
                Some(V::J(Value::String(p))) => s.contains(p.as_str()),
                _ => return Err(a.bad(1, "a string or a regular expression")),
            };
            some_json(Value::Bool(found))
        }
        "length" => match a.string(0)? {
            None => Ok(None),
            Some(s) => some_json(Value::from(s.chars().count())),
        },
        "uppercase" => Ok(a.string(0)?.map(|s| V::J(Value::String(s.to_uppercase())))),
        "lowercase" => Ok(a.string(0)?.map(|s| V::J(Value::String(s.to_lowercase())))),
        "trim" => Ok(a.string(0)?.map(|s| {
            V::J(Value::String(
                s.split_whitespace().collect::<Vec<_>>().join(" "),
            ))
        })),
        "substring" => {
            let Some(s) = a.string(0)? else {
                return Ok(None);
            };
            let Some(start) = a.number(1)? else {
                return Err(a.bad(1, "a number"));
            };
            let chars: Vec<char> = s.chars().collect();
            let len = chars.len() as f64;
            let mut from = start.trunc();
            if from < 0.0 {
                from = (len + from).max(0.0);
            }
            let count = a.number(2)?.map_or(len, f64::trunc).max(0.0);
            let end = (from + count).min(len);
            let from = from.min(len);
            string_value(
                chars[from as usize..end.max(from) as usize]
                    .iter()
                    .collect(),
            )
        }
        "substringBefore" | "substringAfter" => {
            let Some(s) = a.string(0)? else {
                return Ok(None);
            };
            let Some(sep) = a.string(1)? else {
                return Err(a.bad(1, "a string"));
            };
            let out = match s.find(sep) {
                None => s,
                Some(i) if name == "substringBefore" => &s[..i],
                Some(i) => &s[i + sep.len()..],
            };
            string_value(out.to_owned())
        }
        "split" => {
            let Some(s) = a.string(0)? else {
                return Ok(None);
            };
            let limit = a.number(2)?;
            if limit.is_some_and(|l| l < 0.0) {
                return Err(a.bad(2, "a non-negative number"));
            }
            let mut parts: Vec<Value> = match a.get(1) {
                Some(V::Regex(r)) => r.split(s).map(|p| Value::String(p.to_owned())).collect(),
                Some(V::J(Value::String(sep))) if sep.is_empty() => {
                    s.chars().map(|c| Value::String(c.to_string())).collect()
                }
                Some(V::J(Value::String(sep))) => s
                    .split(sep.as_str())
                    .map(|p| Value::String(p.to_owned()))
                    .collect(),
                _ => return Err(a.bad(1, "a string or a regular expression")),
            };
            if let Some(l) = limit {
                parts.truncate(l as usize);
            }
            some_json(Value::Array(parts))
        }
        "join" => {
            let Some(items) = a.array(0)? else {
                return Ok(None);
            };
            let sep = a.string(1)?.unwrap_or("");
            let mut strings = Vec::with_capacity(items.len());
            for item in &items {
                match item {
                    Value::String(s) => strings.push(s.as_str()),
                    _ => return Err(a.bad(0, "an array of strings")),
                }
            }
            string_value(strings.join(sep))
        }
        "replace" => {
            let Some(s) = a.string(0)? else {
                return Ok(None);
            };
            let Some(to) = a.string(2)? else {
                return Err(a.bad(2, "a string"));
            };
            let out = match a.get(1) {
                Some(V::Regex(r)) => r.replace_all(s, to).into_owned(),
                Some(V::J(Value::String(p))) if !p.is_empty() => s.replace(p.as_str(), to),
                _ => return Err(a.bad(1, "a non-empty string or a regular expression")),
            };
            string_value(out)
        }
        "round" => {
            let Some(x) = a.number(0)? else {
                return Ok(None);
            };
            let precision = a.number(1)?.unwrap_or(0.0).trunc();
            num(round_half_even(x, precision))
        }
        "floor" => Ok(match a.number(0)? {
            None => None,
            Some(x) => Some(V::J(number(x.floor(), pos)?)),
        }),
        "ceil" => Ok(match a.number(0)? {
            None => None,
            Some(x) => Some(V::J(number(x.ceil(), pos)?)),
        }),
        "abs" => Ok(match a.number(0)? {
            None => None,
            Some(x) => Some(V::J(number(x.abs(), pos)?)),
        }),
        "sqrt" => match a.number(0)? {
            None => Ok(None),
            Some(x) if x < 0.0 => Err(err(
                pos,
                "the square root of a negative number is not defined",
            )),
            Some(x) => num(x.sqrt()),
        },
        "power" => match (a.number(0)?, a.number(1)?) {
            (Some(x), Some(y)) => num(x.powf(y)),
            (None, _) => Ok(None),
            (Some(_), None) => Err(a.bad(1, "a number")),
        },
        "keys" => {
            let mut keys: Vec<Value> = Vec::new();
            let mut add = |o: &Map<String, Value>| {
                for k in o.keys() {
                    let k = Value::String(k.clone());
                    if !keys.contains(&k) {
                        keys.push(k);
                    }
                }
            };
            match a.json(0)? {
                Some(Value::Object(o)) => add(o),
                Some(Value::Array(items)) => {
                    items.iter().filter_map(Value::as_object).for_each(add)
                }
                _ => {}
            }
            Ok(sequence(keys))
        }
        "lookup" => {
            let Some(key) = a.string(1)? else {
                return Err(a.bad(1, "a string"));
            };
            let mut out = Vec::new();
            match a.json(0)? {
                Some(Value::Object(o)) => out.extend(o.get(key).cloned()),
                Some(Value::Array(items)) => {
                    for item in items.iter().filter_map(Value::as_object) {
                        match item.get(key) {
                            Some(Value::Array(inner)) => out.extend(inner.iter().cloned()),
                            Some(v) => out.push(v.clone()),
                            None => {}
                        }
                    }
                }
                _ => {}
            }
            Ok(sequence(out))
        }
        "merge" => {
            let Some(items) = a.array(0)? else {
                return Ok(None);
            };
            let mut out = Map::new();
            for item in items {
                match item {
                    Value::Object(o) => out.extend(o),
                    _ => return Err(a.bad(0, "an array of objects")),
                }
            }
            some_json(Value::Object(out))
        }
        "append" => match (a.array(0)?, a.array(1)?) {
            (None, None) => Ok(None),
            (Some(_), None) => Ok(a.get(0).cloned()),
            (None, Some(_)) => Ok(a.get(1).cloned()),
            (Some(mut x), Some(y)) => {
                x.extend(y);
                some_json(Value::Array(x))
            }
        },
        "reverse" => Ok(a.array(0)?.map(|mut x| {
            x.reverse();
            V::J(Value::Array(x))
        })),
        "distinct" => {
            let Some(items) = a.array(0)? else {
                return Ok(None);
            };
            let mut out: Vec<Value> = Vec::new();
            for item in items {
                if !out.iter().any(|o| deep_equal(o, &item)) {
                    out.push(item);
                }
            }
            some_json(Value::Array(out))
        }
        "map" | "filter" => {
            let Some(items) = a.array(0)? else {
                return Ok(None);
            };
            let f = a.function(1)?;
            let mut out = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let call_args = vec![Some(V::J(item.clone())), Some(V::J(Value::from(i)))];
                let r = ev.apply(f.clone(), call_args, ctx, pos)?;
                if name == "map" {
                    match r {
                        Some(V::J(v)) => out.push(v),
                        Some(_) => return Err(err(pos, "$map's function returned a function")),
                        None => {}
                    }
                } else if r.as_ref().is_some_and(truthy) {
                    out.push(item.clone());
                }
            }
            Ok(sequence(out))
        }
        "reduce" => {
            let Some(items) = a.array(0)? else {
                return Ok(None);
            };
            let f = a.function(1)?;
            let mut iter = items.into_iter();
            let mut acc = match a.get(2) {
                Some(init) => Some(init.clone()),
                None => iter.next().map(V::J),
            };
            for item in iter {
                acc = ev.apply(f.clone(), vec![acc, Some(V::J(item))], ctx, pos)?;
            }
            Ok(acc)
        }
        "partition" => {
            let Some(items) = a.json(0)?.and_then(Value::as_array) else {
                return Err(a.bad(0, "an array"));
            };
            let size = a.number(1)?.filter(|s| *s >= 1.0 && s.fract() == 0.0);
            let Some(size) = size else {
                return Err(a.bad(1, "a positive integer"));
            };
            let chunks = items
                .chunks(size as usize)
                .map(|c| Value::Array(c.to_vec()))
                .collect();
            some_json(Value::Array(chunks))
        }
        "range" => {
            let (Some(start), Some(end), Some(step)) = (a.number(0)?, a.number(1)?, a.number(2)?)
            else {
                return Err(err(pos, "$range needs a start, an end and a step"));
            };
            if step == 0.0 || [start, end, step].iter().any(|x| x.fract() != 0.0) {
                return Err(err(
                    pos,
                    "$range needs integer bounds and a non-zero integer step",
                ));
            }
            let mut out = Vec::new();
            let mut x = start;
            while (step > 0.0 && x <= end) || (step < 0.0 && x >= end) {
                if out.len() == MAX_AWS_ARRAY {
                    return Err(err(
                        pos,
                        format!("$range would produce more than {MAX_AWS_ARRAY} items"),
                    ));
                }
                out.push(number(x, pos)?);
                x += step;
            }
            Ok(sequence(out))
        }
        "hash" => {
            let Some(text) = a.string(0)? else {
                return Ok(None);
            };
            let algorithm = a.string(1)?.unwrap_or("SHA-256");
            match ev.bindings.hash(algorithm, text) {
                Some(digest) => string_value(digest),
                None => Err(err(
                    pos,
                    format!("unsupported hash algorithm {algorithm:?}"),
                )),
            }
        }
        "random" => num(ev.bindings.random()),
        "uuid" => string_value(uuid_v4(|| ev.bindings.random())),
        "parse" => {
            let Some(text) = a.string(0)? else {
                return Ok(None);
            };
            match serde_json::from_str::<Value>(text) {
                Ok(v) => some_json(v),
                Err(e) => Err(err(
                    pos,
                    format!("$parse: the string is not valid JSON: {e}"),
                )),
            }
        }
        _ => Err(err(pos, format!("unknown function ${name}"))),
    }
}

/// Numbers as JSON writes them, plus JavaScript's `Number()` leniencies JSONata keeps (hex,
/// octal and binary prefixes); surrounding whitespace is not accepted.
fn parse_number(s: &str) -> Option<f64> {
    let radix = |p: &str, r: u32| {
        s.strip_prefix(p)
            .and_then(|d| i64::from_str_radix(d, r).ok())
    };
    if let Some(n) = radix("0x", 16)
        .or_else(|| radix("0o", 8))
        .or_else(|| radix("0b", 2))
    {
        return Some(n as f64);
    }
    match serde_json::from_str::<Value>(s) {
        Ok(Value::Number(n)) => n.as_f64(),
        _ => None,
    }
}

/// `$round`: halves go to the even neighbour, at `precision` decimal places.
fn round_half_even(x: f64, precision: f64) -> f64 {
    let scale = 10f64.powf(precision);
    let y = x * scale;
    let r = y.round();
    let r = if (y - y.trunc()).abs() == 0.5 && r % 2.0 != 0.0 {
        r - y.signum()
    } else {
        r
    };
    r / scale
}

fn uuid_v4(mut random: impl FnMut() -> f64) -> String {
    let mut bytes = [0u8; 16];
    for b in &mut bytes {
        *b = (random() * 256.0) as u8;
    }
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}
