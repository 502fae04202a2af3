//! The 18 intrinsic functions of Step Functions (`States.Format`, `States.MathAdd`, …).
//!
//! A call is compiled once ([`Intrinsic::from_syntax`]) and evaluated with its path arguments
//! read from the input, the context object and variables. Behaviour follows what AWS was observed
//! doing (rounding, splitting, rendering quirks are documented on each function in
//! [`call_function`]).
//!
//! Failures: AWS's error name for a failing intrinsic was never recorded. This runtime reports
//! `States.IntrinsicFailure` (the name the language specification gives) with a cause naming the
//! function, for every argument the function rejects. A path argument that matches nothing is a
//! path miss like any other and fails with `States.Runtime`.

use asl_syntax::intrinsic::{Argument, IntrinsicCall};
use base64::Engine as _;
use base64::engine::general_purpose::STANDARD as BASE64;
use serde_json::{Map, Value};
use sha2::Digest as _;

use crate::error::StatesError;
use crate::path::{Env, Path, compact, json_eq, number_value, type_name};

/// Largest array `States.ArrayRange` may produce.
pub const ARRAY_RANGE_MAX_ITEMS: usize = 1000;
/// Longest input (in characters) of `States.Base64Encode`, `States.Base64Decode`, `States.Hash`.
pub const MAX_ENCODE_INPUT_CHARS: usize = 10_000;

/// The intrinsic functions.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Function {
    Format,
    StringToJson,
    JsonToString,
    Array,
    ArrayPartition,
    ArrayContains,
    ArrayRange,
    ArrayGetItem,
    ArrayLength,
    ArrayUnique,
    Base64Encode,
    Base64Decode,
    Hash,
    JsonMerge,
    MathRandom,
    MathAdd,
    StringSplit,
    Uuid,
}

impl Function {
    /// Every function.
    pub const ALL: [Function; 18] = [
        Function::Format,
        Function::StringToJson,
        Function::JsonToString,
        Function::Array,
        Function::ArrayPartition,
        Function::ArrayContains,
        Function::ArrayRange,
        Function::ArrayGetItem,
        Function::ArrayLength,
        Function::ArrayUnique,
        Function::Base64Encode,
        Function::Base64Decode,
        Function::Hash,
        Function::JsonMerge,
        Function::MathRandom,
        Function::MathAdd,
        Function::StringSplit,
        Function::Uuid,
    ];

    /// The name as written, e.g. `States.Format`.
    pub const fn name(self) -> &'static str {
        match self {
            Function::Format => "States.Format",
            Function::StringToJson => "States.StringToJson",
            Function::JsonToString => "States.JsonToString",
            Function::Array => "States.Array",
            Function::ArrayPartition => "States.ArrayPartition",
            Function::ArrayContains => "States.ArrayContains",
            Function::ArrayRange => "States.ArrayRange",
            Function::ArrayGetItem => "States.ArrayGetItem",
            Function::ArrayLength => "States.ArrayLength",
            Function::ArrayUnique => "States.ArrayUnique",
            Function::Base64Encode => "States.Base64Encode",
            Function::Base64Decode => "States.Base64Decode",
            Function::Hash => "States.Hash",
            Function::JsonMerge => "States.JsonMerge",
            Function::MathRandom => "States.MathRandom",
            Function::MathAdd => "States.MathAdd",
            Function::StringSplit => "States.StringSplit",
            Function::Uuid => "States.UUID",
        }
    }

    /// Looks a function up by its exact name.
    pub fn from_name(name: &str) -> Option<Function> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }

    /// Accepted argument counts (min, max).
    pub const fn arity(self) -> (usize, Option<usize>) {
        match self {
            Function::Format => (1, None),
            Function::Array => (0, None),
            Function::Uuid => (0, Some(0)),
            Function::StringToJson
            | Function::JsonToString
            | Function::ArrayLength
            | Function::ArrayUnique
            | Function::Base64Encode
            | Function::Base64Decode => (1, Some(1)),
            Function::ArrayPartition
            | Function::ArrayContains
            | Function::ArrayGetItem
            | Function::Hash
            | Function::MathAdd
            | Function::StringSplit => (2, Some(2)),
            Function::ArrayRange | Function::JsonMerge => (3, Some(3)),
            Function::MathRandom => (2, Some(3)),
        }
    }
}

/// A compiled intrinsic call.
#[derive(Clone, Debug)]
pub struct Intrinsic {
    function: Function,
    args: Vec<Arg>,
    /// For `States.Format` with a literal template whose source text is known: the template
    /// split into text and `{}` slots, so escaped braces (`\{}`) stay text.
    format: Option<Vec<FormatPiece>>,
}

#[derive(Clone, Debug)]
enum Arg {
    Literal(Value),
    Path(Path),
    Call(Box<Intrinsic>),
}

#[derive(Clone, Debug, PartialEq, Eq)]
enum FormatPiece {
    Text(String),
    Slot,
}

impl Intrinsic {
    /// Parses and compiles a call such as `States.Format('{}', $.x)`.
    pub fn parse(text: &str) -> Result<Intrinsic, StatesError> {
        let call = asl_syntax::intrinsic::parse_intrinsic(text).map_err(|e| {
            StatesError::runtime(format!(
                "The intrinsic function call '{text}' is invalid: {}",
                e.message
            ))
        })?;
        Self::compile(&call, Some(text))
    }

    /// Compiles a parsed call, checking the function name and argument count.
    pub fn from_syntax(call: &IntrinsicCall) -> Result<Intrinsic, StatesError> {
        Self::compile(call, None)
    }

    /// Like [`Intrinsic::from_syntax`], given the text the call was parsed from (its spans
    /// index into it): messages quote paths as written, and a literal `States.Format` template
    /// keeps escaped braces (`\{`, `\}`) apart from `{}` placeholders.
    pub fn from_syntax_in(call: &IntrinsicCall, source: &str) -> Result<Intrinsic, StatesError> {
        Self::compile(call, Some(source))
    }

    fn compile(call: &IntrinsicCall, source: Option<&str>) -> Result<Intrinsic, StatesError> {
        let function = Function::from_name(&call.name).ok_or_else(|| {
            StatesError::runtime(format!(
                "The intrinsic function '{}' does not exist",
                call.name
            ))
        })?;
        let (min, max) = function.arity();
        let n = call.args.len();
        if n < min || max.is_some_and(|m| n > m) {
            return Err(StatesError::runtime(format!(
                "The intrinsic function {} received {n} argument(s), which is not an accepted number",
                function.name()
            )));
        }
        let written = |span: asl_syntax::Span| source.and_then(|s| s.get(span.start..span.end));
        let args = call
            .args
            .iter()
            .map(|a| {
                Ok(match a {
                    Argument::String { value, .. } => Arg::Literal(Value::String(value.clone())),
                    Argument::Number { number, .. } => {
                        Arg::Literal(number_value(&number.text, number.value))
                    }
                    Argument::Bool { value, .. } => Arg::Literal(Value::Bool(*value)),
                    Argument::Null { .. } => Arg::Literal(Value::Null),
                    Argument::Path(p) => {
                        let path = Path::from_syntax(p)?;
                        Arg::Path(match written(p.span) {
                            Some(text) => path.with_text(text),
                            None => path,
                        })
                    }
                    Argument::Call(c) => Arg::Call(Box::new(Intrinsic::compile(c, source)?)),
                })
            })
            .collect::<Result<Vec<_>, StatesError>>()?;
        let format = match (function, call.args.first()) {
            (Function::Format, Some(Argument::String { span, .. })) => written(*span)
                .and_then(|quoted| quoted.strip_prefix('\''))
                .and_then(|quoted| quoted.strip_suffix('\''))
                .map(parse_written_format),
            _ => None,
        };
        Ok(Intrinsic {
            function,
            args,
            format,
        })
    }

    /// The function called.
    pub fn function(&self) -> Function {
        self.function
    }

    /// Evaluates the arguments (paths over `input`/`env`, nested calls) and calls the function.
    /// `field` names the template key for path-miss causes.
    pub fn evaluate(
        &self,
        input: &Value,
        env: &Env<'_>,
        field: &str,
    ) -> Result<Value, StatesError> {
        if self.function == Function::MathAdd
            && self.format.is_none()
            && let Some(sum) = self.small_int_add(input, env)
        {
            return Ok(Value::from(sum));
        }
        let skip = usize::from(self.format.is_some());
        let mut values = Vec::with_capacity(self.args.len());
        for arg in self.args.iter().skip(skip) {
            values.push(match arg {
                Arg::Literal(v) => v.clone(),
                Arg::Path(p) => p.select(input, env, field)?,
                Arg::Call(c) => c.evaluate(input, env, field)?,
            });
        }
        match &self.format {
            Some(pieces) => format_pieces(pieces, &values),
            None => call_function(self.function, values),
        }
    }
}

impl Intrinsic {
    /// `States.MathAdd` of two literal or path arguments that are already 32-bit integers (a
    /// counter plus one, say), read in place without copying them into an argument list.
    /// `None` for anything else, which the general path then handles (and reports).
    fn small_int_add(&self, input: &Value, env: &Env<'_>) -> Option<i64> {
        let [a, b] = self.args.as_slice() else {
            return None;
        };
        Some(small_int(a, input, env)? + small_int(b, input, env)?)
    }
}

fn small_int(arg: &Arg, input: &Value, env: &Env<'_>) -> Option<i64> {
    let n = match arg {
        Arg::Literal(v) => v.as_i64()?,
        Arg::Path(p) => p.lookup(input, env).ok()?.as_i64()?,
        Arg::Call(_) => return None,
    };
    i32::try_from(n).is_ok().then_some(n)
}

/// Splits a `States.Format` template as written in the definition (escapes still in place).
fn parse_written_format(raw: &str) -> Vec<FormatPiece> {
    let mut pieces = Vec::new();
    let mut text = String::new();
    let mut chars = raw.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\\' => {
                if let Some(escaped) = chars.next() {
                    text.push(escaped);
                }
            }
            '{' if chars.peek() == Some(&'}') => {
                chars.next();
                pieces.push(FormatPiece::Text(std::mem::take(&mut text)));
                pieces.push(FormatPiece::Slot);
            }
            other => text.push(other),
        }
    }
    pieces.push(FormatPiece::Text(text));
    pieces
}

/// Splits a template that arrived at run time: every `{}` is a placeholder.
fn parse_runtime_format(template: &str) -> Vec<FormatPiece> {
    let mut pieces = Vec::new();
    for (i, text) in template.split("{}").enumerate() {
        if i > 0 {
            pieces.push(FormatPiece::Slot);
        }
        pieces.push(FormatPiece::Text(text.to_owned()));
    }
    pieces
}

fn format_pieces(pieces: &[FormatPiece], values: &[Value]) -> Result<Value, StatesError> {
    let slots = pieces.iter().filter(|p| **p == FormatPiece::Slot).count();
    if slots != values.len() {
        return Err(fail(
            Function::Format,
            format!(
                "the template has {slots} placeholder(s) but {} value(s) were given",
                values.len()
            ),
        ));
    }
    let mut out = String::new();
    let mut next = values.iter();
    for piece in pieces {
        match piece {
            FormatPiece::Text(t) => out.push_str(t),
            FormatPiece::Slot => {
                if let Some(v) = next.next() {
                    render_java(&mut out, v);
                }
            }
        }
    }
    Ok(Value::String(out))
}

/// Calls a function by name on already evaluated arguments.
pub fn call(name: &str, args: Vec<Value>) -> Result<Value, StatesError> {
    let function = Function::from_name(name).ok_or_else(|| {
        StatesError::intrinsic_failure(format!("The intrinsic function '{name}' does not exist"))
    })?;
    call_function(function, args)
}

fn fail(f: Function, msg: impl std::fmt::Display) -> StatesError {
    StatesError::intrinsic_failure(format!("Invalid arguments in {}: {msg}", f.name()))
}

/// Calls `function` on evaluated arguments.
///
/// Quirks reproduced (observed on AWS):
/// * `Format`: `{}` placeholders are filled in order and must match the argument count; strings
///   are inserted without quotes, objects render Java-style (`{a=1, b=[]}`).
/// * `StringToJson`: blank text gives `null`.
/// * `MathAdd`: each argument is rounded half toward +∞ first (`-2.5` → `-2`), must lie in the
///   32-bit range.
/// * `StringSplit`: every character of the delimiter string separates; empty pieces are dropped.
/// * `ArrayRange`: inclusive of the end when hit exactly, at most 1000 items.
/// * `JsonMerge`: shallow only; `deep` must be `false`.
/// * `MathRandom`: end exclusive; with a seed the value is reproducible (the seed drives the
///   linear congruential generator of `java.util.Random`, as a JVM implementation would).
pub fn call_function(f: Function, args: Vec<Value>) -> Result<Value, StatesError> {
    let (min, max) = f.arity();
    if args.len() < min || max.is_some_and(|m| args.len() > m) {
        return Err(fail(
            f,
            format!(
                "expected {} argument(s), got {}",
                arity_text(min, max),
                args.len()
            ),
        ));
    }
    match f {
        Function::Format => format(f, args),
        Function::StringToJson => {
            let s = string_arg(f, &args, 0)?;
            let trimmed = s.trim();
            if trimmed.is_empty() {
                return Ok(Value::Null);
            }
            // A JVM parser reads `-0` as the integer 0 (serde_json would keep a float -0.0).
            if trimmed == "-0" {
                return Ok(Value::from(0));
            }
            serde_json::from_str(trimmed)
                .map_err(|e| fail(f, format!("the string is not valid JSON ({e})")))
        }
        Function::JsonToString => Ok(Value::String(compact(&args[0]))),
        Function::Array => Ok(Value::Array(args)),
        Function::ArrayPartition => {
            let items = array_arg(f, &args, 0)?;
            let size = int_arg(f, &args, 1)?;
            if size <= 0 {
                return Err(fail(f, "the chunk size must be greater than 0"));
            }
            let size = usize::try_from(size).unwrap_or(usize::MAX);
            Ok(Value::Array(
                items
                    .chunks(size)
                    .map(|c| Value::Array(c.to_vec()))
                    .collect(),
            ))
        }
        Function::ArrayContains => {
            let items = array_arg(f, &args, 0)?;
            Ok(Value::Bool(items.iter().any(|i| json_eq(i, &args[1]))))
        }
        Function::ArrayRange => array_range(f, &args),
        Function::ArrayGetItem => {
            let items = array_arg(f, &args, 0)?;
            let index = int_arg(f, &args, 1)?;
            usize::try_from(index)
                .ok()
                .and_then(|i| items.get(i))
                .cloned()
                .ok_or_else(|| {
                    fail(
                        f,
                        format!(
                            "the index {index} is out of bounds for an array of length {}",
                            items.len()
                        ),
                    )
                })
        }
        Function::ArrayLength => Ok(Value::from(array_arg(f, &args, 0)?.len())),
        Function::ArrayUnique => {
            let items = array_arg(f, &args, 0)?;
            let mut unique: Vec<Value> = Vec::with_capacity(items.len());
            for item in items {
                if !unique.iter().any(|u| json_eq(u, item)) {
                    unique.push(item.clone());
                }
            }
            Ok(Value::Array(unique))
        }
        Function::Base64Encode => {
            let s = string_arg(f, &args, 0)?;
            check_length(f, s)?;
            Ok(Value::String(BASE64.encode(s.as_bytes())))
        }
        Function::Base64Decode => {
            let s = string_arg(f, &args, 0)?;
            check_length(f, s)?;
            // MIME base64 may be wrapped in lines: whitespace is not data.
            let cleaned: String = s.chars().filter(|c| !c.is_ascii_whitespace()).collect();
            let bytes = BASE64
                .decode(cleaned.as_bytes())
                .map_err(|e| fail(f, format!("the string is not valid base64 ({e})")))?;
            String::from_utf8(bytes)
                .map(Value::String)
                .map_err(|_| fail(f, "the decoded bytes are not valid UTF-8 text"))
        }
        Function::Hash => hash(f, &args),
        Function::JsonMerge => {
            let (Value::Object(a), Value::Object(b)) = (&args[0], &args[1]) else {
                return Err(fail(f, "the first two arguments must be JSON objects"));
            };
            match &args[2] {
                Value::Bool(false) => {}
                Value::Bool(true) => {
                    return Err(fail(f, "deep merging is not supported; pass false"));
                }
                other => {
                    return Err(fail(
                        f,
                        format!(
                            "the third argument must be a boolean, got {}",
                            type_name(other)
                        ),
                    ));
                }
            }
            let mut merged: Map<String, Value> = a.clone();
            for (k, v) in b {
                merged.insert(k.clone(), v.clone());
            }
            Ok(Value::Object(merged))
        }
        Function::MathRandom => math_random(f, &args),
        Function::MathAdd => {
            let a = add_operand(f, &args, 0)?;
            let b = add_operand(f, &args, 1)?;
            Ok(Value::from(a + b))
        }
        Function::StringSplit => {
            let s = string_arg(f, &args, 0)?;
            let delims = string_arg(f, &args, 1)?;
            Ok(Value::Array(
                s.split(|c: char| delims.contains(c))
                    .filter(|piece| !piece.is_empty())
                    .map(|piece| Value::String(piece.to_owned()))
                    .collect(),
            ))
        }
        Function::Uuid => uuid_v4().map(Value::String),
    }
}

fn arity_text(min: usize, max: Option<usize>) -> String {
    match max {
        Some(m) if m == min => min.to_string(),
        Some(m) => format!("{min} to {m}"),
        None => format!("at least {min}"),
    }
}

fn ordinal(i: usize) -> &'static str {
    match i {
        0 => "first",
        1 => "second",
        2 => "third",
        _ => "next",
    }
}

fn string_arg(f: Function, args: &[Value], i: usize) -> Result<&str, StatesError> {
    match args.get(i) {
        Some(Value::String(s)) => Ok(s),
        Some(other) => Err(fail(
            f,
            format!(
                "the {} argument must be a string, got {}",
                ordinal(i),
                type_name(other)
            ),
        )),
        None => Err(fail(f, format!("the {} argument is missing", ordinal(i)))),
    }
}

fn array_arg(f: Function, args: &[Value], i: usize) -> Result<&Vec<Value>, StatesError> {
    match args.get(i) {
        Some(Value::Array(a)) => Ok(a),
        Some(other) => Err(fail(
            f,
            format!(
                "the {} argument must be an array, got {}",
                ordinal(i),
                type_name(other)
            ),
        )),
        None => Err(fail(f, format!("the {} argument is missing", ordinal(i)))),
    }
}

/// AWS rounds non-integer numbers where an integer is expected: half toward +∞ (`Math.round`).
fn round_half_up(x: f64) -> f64 {
    (x + 0.5).floor()
}

fn number_arg(f: Function, args: &[Value], i: usize) -> Result<f64, StatesError> {
    match args.get(i) {
        Some(Value::Number(n)) => n.as_f64().ok_or_else(|| {
            fail(
                f,
                format!("the {} argument is not a finite number", ordinal(i)),
            )
        }),
        Some(other) => Err(fail(
            f,
            format!(
                "the {} argument must be a number, got {}",
                ordinal(i),
                type_name(other)
            ),
        )),
        None => Err(fail(f, format!("the {} argument is missing", ordinal(i)))),
    }
}

fn int_arg(f: Function, args: &[Value], i: usize) -> Result<i64, StatesError> {
    if let Some(Value::Number(n)) = args.get(i)
        && let Some(v) = n.as_i64()
    {
        return Ok(v);
    }
    let x = round_half_up(number_arg(f, args, i)?);
    if x.is_finite() && x.abs() < 9.0e15 {
        Ok(x as i64)
    } else {
        Err(fail(
            f,
            format!("the {} argument is out of range", ordinal(i)),
        ))
    }
}

fn add_operand(f: Function, args: &[Value], i: usize) -> Result<i64, StatesError> {
    let v = int_arg(f, args, i)?;
    if i32::try_from(v).is_err() {
        return Err(fail(
            f,
            format!(
                "the {} argument {v} is outside the 32-bit integer range",
                ordinal(i)
            ),
        ));
    }
    Ok(v)
}

fn check_length(f: Function, s: &str) -> Result<(), StatesError> {
    let chars = s.chars().count();
    if chars > MAX_ENCODE_INPUT_CHARS {
        return Err(fail(
            f,
            format!(
                "the input has {chars} characters; at most {MAX_ENCODE_INPUT_CHARS} are allowed"
            ),
        ));
    }
    Ok(())
}

fn format(f: Function, args: Vec<Value>) -> Result<Value, StatesError> {
    let template = string_arg(f, &args, 0)?;
    format_pieces(&parse_runtime_format(template), &args[1..])
}

/// Renders a value the way Java's `toString` of a parsed JSON value does: strings bare, objects
/// as `{k=v, …}`, arrays as `[a, b]`.
fn render_java(out: &mut String, v: &Value) {
    match v {
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                render_java(out, item);
            }
            out.push(']');
        }
        Value::Object(map) => {
            out.push('{');
            for (i, (k, item)) in map.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(k);
                out.push('=');
                render_java(out, item);
            }
            out.push('}');
        }
        other => out.push_str(&compact(other)),
    }
}

fn array_range(f: Function, args: &[Value]) -> Result<Value, StatesError> {
    let start = int_arg(f, args, 0)?;
    let end = int_arg(f, args, 1)?;
    let step = int_arg(f, args, 2)?;
    if step == 0 {
        return Err(fail(f, "the step must not be 0"));
    }
    let span = i128::from(end) - i128::from(start);
    let count: i128 = if span == 0 || (span > 0) == (step > 0) {
        span / i128::from(step) + 1
    } else {
        0
    };
    if count > ARRAY_RANGE_MAX_ITEMS as i128 {
        return Err(fail(
            f,
            format!("the range has {count} items; at most {ARRAY_RANGE_MAX_ITEMS} are allowed"),
        ));
    }
    let mut items = Vec::with_capacity(usize::try_from(count).unwrap_or(0));
    let mut x = i128::from(start);
    for _ in 0..count {
        items.push(Value::from(x as i64));
        x += i128::from(step);
    }
    Ok(Value::Array(items))
}

fn hash(f: Function, args: &[Value]) -> Result<Value, StatesError> {
    // Non-string data is hashed as its JSON text.
    let data: std::borrow::Cow<'_, str> = match &args[0] {
        Value::String(s) => s.into(),
        other => compact(other).into(),
    };
    check_length(f, &data)?;
    let algorithm = string_arg(f, args, 1)?;
    let bytes = data.as_bytes();
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        other => {
            return Err(fail(
                f,
                format!(
                    "the algorithm '{other}' is not supported; use MD5, SHA-1, SHA-256, SHA-384 or SHA-512"
                ),
            ));
        }
    };
    Ok(Value::String(hex(&digest)))
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for &b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0x0f)]));
    }
    s
}

fn math_random(f: Function, args: &[Value]) -> Result<Value, StatesError> {
    let start = int_arg(f, args, 0)?;
    let end = int_arg(f, args, 1)?;
    let (Ok(start32), Ok(end32)) = (i32::try_from(start), i32::try_from(end)) else {
        return Err(fail(f, "the bounds must lie in the 32-bit integer range"));
    };
    if end32 <= start32 {
        return Err(fail(
            f,
            format!("the end ({end}) must be greater than the start ({start})"),
        ));
    }
    let seed = match args.get(2) {
        Some(_) => int_arg(f, args, 2)?,
        None => {
            let mut buf = [0u8; 8];
            getrandom::fill(&mut buf)
                .map_err(|e| fail(f, format!("no random source available ({e})")))?;
            i64::from_le_bytes(buf)
        }
    };
    let bound = i64::from(end32) - i64::from(start32);
    let mut rng = JavaRandom::new(seed);
    Ok(Value::from(i64::from(start32) + rng.next_below(bound)))
}

/// `java.util.Random`'s 48-bit linear congruential generator (not cryptographic).
struct JavaRandom {
    state: u64,
}

impl JavaRandom {
    const MULTIPLIER: u64 = 0x5_DEEC_E66D;
    const MASK: u64 = (1 << 48) - 1;

    fn new(seed: i64) -> Self {
        JavaRandom {
            state: (seed as u64 ^ Self::MULTIPLIER) & Self::MASK,
        }
    }

    fn next(&mut self, bits: u32) -> i64 {
        self.state = self.state.wrapping_mul(Self::MULTIPLIER).wrapping_add(0xB) & Self::MASK;
        // The top `bits` bits, as Java's (int) cast sees them.
        ((self.state >> (48 - bits)) as u32 as i32) as i64
    }

    /// A value in `[0, bound)`; `bound` is in `1..=2^32`.
    fn next_below(&mut self, bound: i64) -> i64 {
        if bound > i64::from(i32::MAX) {
            // Beyond Java's nextInt range: combine two draws.
            let hi = self.next(32) as u32 as u64;
            let lo = self.next(32) as u32 as u64;
            return ((hi << 32 | lo) % bound as u64) as i64;
        }
        if bound & -bound == bound {
            return (bound * self.next(31)) >> 31;
        }
        loop {
            let bits = self.next(31);
            let val = bits % bound;
            // Java's rejection test relies on 32-bit overflow.
            if (bits - val + (bound - 1)) <= i64::from(i32::MAX) {
                return val;
            }
        }
    }
}

fn uuid_v4() -> Result<String, StatesError> {
    let mut b = [0u8; 16];
    getrandom::fill(&mut b).map_err(|e| {
        StatesError::intrinsic_failure(format!(
            "States.UUID could not read the random source ({e})"
        ))
    })?;
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    let h = hex(&b);
    Ok(format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use crate::variables::Variables;
    use serde_json::json;

    fn run(call: &str, input: Value) -> Result<Value, StatesError> {
        Intrinsic::parse(call)?.evaluate(&input, &Env::empty(), "f.$")
    }

    fn ok(call: &str) -> Value {
        run(call, json!({})).unwrap()
    }

    fn failure(call: &str) -> StatesError {
        run(call, json!({})).unwrap_err()
    }

    #[test]
    fn every_function_is_known_by_name() {
        assert_eq!(Function::ALL.len(), 18);
        for f in Function::ALL {
            assert_eq!(Function::from_name(f.name()), Some(f));
        }
    }

    #[test]
    fn format_fills_placeholders_in_order() {
        assert_eq!(ok("States.Format('{} and {}', 'a', 2)"), json!("a and 2"));
    }

    #[test]
    fn format_renders_null_bool_and_decimals_plainly() {
        assert_eq!(
            ok("States.Format('{}|{}|{}', null, true, 1.1)"),
            json!("null|true|1.1")
        );
    }

    #[test]
    fn format_renders_objects_java_style() {
        let out = run(
            "States.Format('v={}', $.o)",
            json!({"o": {"Arg1": 1, "Arg2": [], "s": "x"}}),
        )
        .unwrap();
        assert_eq!(out, json!("v={Arg1=1, Arg2=[], s=x}"));
    }

    #[test]
    fn format_inserts_json_text_strings_verbatim() {
        let out = run("States.Format('[{}]', $.s)", json!({"s": "{\"a\": 1}"})).unwrap();
        assert_eq!(out, json!("[{\"a\": 1}]"));
    }

    #[test]
    fn format_with_wrong_argument_count_fails() {
        let err = failure("States.Format('{} {}', 1)");
        assert!(err.is(names::INTRINSIC_FAILURE));
        assert!(err.cause.unwrap().contains("States.Format"));
    }

    #[test]
    fn format_keeps_escaped_braces_as_text() {
        assert_eq!(ok(r"States.Format('\{\} is {}', 'x')"), json!("{} is x"));
    }

    #[test]
    fn format_of_a_template_from_a_path_fills_every_pair_of_braces() {
        let out = run("States.Format($.t, 1)", json!({"t": "n={}"})).unwrap();
        assert_eq!(out, json!("n=1"));
    }

    #[test]
    fn string_to_json_parses() {
        let out = run("States.StringToJson($.s)", json!({"s": "{\"a\":[1,2]}"})).unwrap();
        assert_eq!(out, json!({"a": [1, 2]}));
    }

    #[test]
    fn string_to_json_of_blank_text_is_null() {
        assert_eq!(ok("States.StringToJson('')"), json!(null));
        assert_eq!(ok("States.StringToJson(' ')"), json!(null));
    }

    #[test]
    fn string_to_json_of_minus_zero_is_zero() {
        assert_eq!(ok("States.StringToJson('-0')").to_string(), "0");
    }

    #[test]
    fn string_to_json_of_invalid_text_fails() {
        assert!(failure("States.StringToJson('{oops')").is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn json_to_string_is_compact() {
        let out = run(
            "States.JsonToString($.o)",
            json!({"o": {"Arg1": 1, "Arg2": []}}),
        )
        .unwrap();
        assert_eq!(out, json!("{\"Arg1\":1,\"Arg2\":[]}"));
        let out = run("States.JsonToString($.s)", json!({"s": "hi"})).unwrap();
        assert_eq!(out, json!("\"hi\""));
    }

    #[test]
    fn array_collects_arguments() {
        assert_eq!(ok("States.Array(1, 'a', null)"), json!([1, "a", null]));
        assert_eq!(ok("States.Array()"), json!([]));
    }

    #[test]
    fn array_partition_chunks_with_a_short_last_chunk() {
        let out = run(
            "States.ArrayPartition($.a, 2)",
            json!({"a": [1, 2, 3, 4, 5]}),
        )
        .unwrap();
        assert_eq!(out, json!([[1, 2], [3, 4], [5]]));
        let out = run("States.ArrayPartition($.a, 3)", json!({"a": []})).unwrap();
        assert_eq!(out, json!([]));
    }

    #[test]
    fn array_partition_rounds_a_fractional_size() {
        let out = run("States.ArrayPartition($.a, 1.5)", json!({"a": [1, 2, 3]})).unwrap();
        assert_eq!(out, json!([[1, 2], [3]]));
    }

    #[test]
    fn array_partition_rejects_a_zero_size() {
        let err = run("States.ArrayPartition($.a, 0)", json!({"a": [1]})).unwrap_err();
        assert!(err.is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn array_contains_uses_deep_equality() {
        let input = json!({"a": [1, {"k": [1, 2]}], "v": {"k": [1, 2]}});
        assert_eq!(
            run("States.ArrayContains($.a, $.v)", input).unwrap(),
            json!(true)
        );
        let input = json!({"a": [1, 2]});
        assert_eq!(
            run("States.ArrayContains($.a, 3)", input).unwrap(),
            json!(false)
        );
    }

    #[test]
    fn array_range_includes_the_end_when_hit() {
        assert_eq!(ok("States.ArrayRange(0, 10, 3)"), json!([0, 3, 6, 9]));
        assert_eq!(ok("States.ArrayRange(1, 9, 9)"), json!([1]));
        assert_eq!(ok("States.ArrayRange(0, 4, 2)"), json!([0, 2, 4]));
        assert_eq!(ok("States.ArrayRange(5, 1, -2)"), json!([5, 3, 1]));
    }

    #[test]
    fn array_range_is_limited_to_1000_items() {
        assert_eq!(
            ok("States.ArrayRange(1, 1000, 1)").as_array().map(Vec::len),
            Some(1000)
        );
        assert!(failure("States.ArrayRange(0, 1000, 1)").is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn array_range_rejects_a_zero_step() {
        assert!(failure("States.ArrayRange(0, 10, 0)").is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn array_get_item_returns_the_element() {
        let out = run("States.ArrayGetItem($.a, 1)", json!({"a": ["x", "y"]})).unwrap();
        assert_eq!(out, json!("y"));
    }

    #[test]
    fn array_get_item_out_of_range_fails() {
        let err = run("States.ArrayGetItem($.a, 2)", json!({"a": ["x", "y"]})).unwrap_err();
        assert!(err.is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn array_length_counts_items() {
        assert_eq!(
            run("States.ArrayLength($.a)", json!({"a": [1, 2, 3]})).unwrap(),
            json!(3)
        );
    }

    #[test]
    fn array_unique_keeps_first_occurrences() {
        let input = json!({"a": [1, 2, 1, {"k": 1}, {"k": 1}, "1"]});
        assert_eq!(
            run("States.ArrayUnique($.a)", input).unwrap(),
            json!([1, 2, {"k": 1}, "1"])
        );
    }

    #[test]
    fn base64_round_trip() {
        assert_eq!(
            ok("States.Base64Encode('Data to encode')"),
            json!("RGF0YSB0byBlbmNvZGU=")
        );
        assert_eq!(
            ok("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"),
            json!("Data to encode")
        );
        assert_eq!(ok("States.Base64Encode('')"), json!(""));
        assert_eq!(ok("States.Base64Decode('')"), json!(""));
    }

    #[test]
    fn base64_input_over_10000_characters_fails() {
        let input = json!({"s": "a".repeat(10_001)});
        let err = run("States.Base64Encode($.s)", input).unwrap_err();
        assert!(err.is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn base64_decode_of_invalid_text_fails() {
        assert!(failure("States.Base64Decode('%%%')").is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn hash_supports_all_five_algorithms_in_lowercase_hex() {
        assert_eq!(
            ok("States.Hash('input data', 'SHA-1')"),
            json!("aaff4a450a104cd177d28d18d74485e8cae074b7")
        );
        assert_eq!(
            ok("States.Hash('', 'MD5')"),
            json!("d41d8cd98f00b204e9800998ecf8427e")
        );
        assert_eq!(
            ok("States.Hash('', 'SHA-256')"),
            json!("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        );
        assert_eq!(
            ok("States.Hash('', 'SHA-384')").as_str().map(str::len),
            Some(96)
        );
        assert_eq!(
            ok("States.Hash('', 'SHA-512')").as_str().map(str::len),
            Some(128)
        );
    }

    #[test]
    fn hash_rejects_an_unknown_algorithm() {
        assert!(failure("States.Hash('x', 'sha-1')").is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn json_merge_is_shallow_and_second_wins() {
        let input = json!({"a": {"x": 1, "n": {"p": 1}}, "b": {"y": 2, "n": {"q": 2}}});
        assert_eq!(
            run("States.JsonMerge($.a, $.b, false)", input).unwrap(),
            json!({"x": 1, "n": {"q": 2}, "y": 2})
        );
    }

    #[test]
    fn json_merge_refuses_deep_merging() {
        let input = json!({"a": {}, "b": {}});
        let err = run("States.JsonMerge($.a, $.b, true)", input).unwrap_err();
        assert!(err.is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn math_random_stays_in_range_with_end_exclusive() {
        for _ in 0..200 {
            let v = ok("States.MathRandom(1, 3)").as_i64().unwrap();
            assert!((1..3).contains(&v));
        }
    }

    #[test]
    fn math_random_with_a_seed_is_reproducible() {
        let a = ok("States.MathRandom(0, 1000000, 42)");
        let b = ok("States.MathRandom(0, 1000000, 42)");
        assert_eq!(a, b);
    }

    #[test]
    fn math_random_seed_follows_java_util_random() {
        // A fresh java.util.Random(42) answers nextInt(10) == 0 and nextInt(100) == 30.
        assert_eq!(ok("States.MathRandom(0, 10, 42)"), json!(0));
        assert_eq!(ok("States.MathRandom(0, 100, 42)"), json!(30));
        assert_eq!(ok("States.MathRandom(5, 105, 42)"), json!(35));
    }

    #[test]
    fn math_add_of_integer_paths_reads_them_in_place_with_the_same_result() {
        let input = json!({"count": 41, "step": -2, "big": 3_000_000_000_i64, "half": 1.5});
        assert_eq!(
            run("States.MathAdd($.count, 1)", input.clone()).unwrap(),
            json!(42)
        );
        assert_eq!(
            run("States.MathAdd($.count, $.step)", input.clone()).unwrap(),
            json!(39)
        );
        assert_eq!(
            run("States.MathAdd($.half, 1)", input.clone()).unwrap(),
            json!(3)
        );
        // Outside the 32-bit range and missing paths still fail as before.
        assert!(run("States.MathAdd($.big, 1)", input.clone()).is_err());
        assert!(run("States.MathAdd($.missing, 1)", input).is_err());
    }

    #[test]
    fn math_add_rounds_each_argument_half_toward_positive_infinity() {
        assert_eq!(ok("States.MathAdd(1.5, 1.51)"), json!(4));
        assert_eq!(ok("States.MathAdd(2.5, 0)"), json!(3));
        assert_eq!(ok("States.MathAdd(-1.5, 0)"), json!(-1));
        assert_eq!(ok("States.MathAdd(-2.5, 0)"), json!(-2));
        assert_eq!(ok("States.MathAdd(-1.51, 0)"), json!(-2));
    }

    #[test]
    fn math_add_rejects_arguments_outside_32_bits() {
        assert!(failure("States.MathAdd(2147483648, 0)").is(names::INTRINSIC_FAILURE));
        assert_eq!(ok("States.MathAdd(2147483647, 1)"), json!(2147483648i64));
    }

    #[test]
    fn math_add_rejects_strings() {
        assert!(failure("States.MathAdd('1', 2)").is(names::INTRINSIC_FAILURE));
    }

    #[test]
    fn string_split_treats_each_delimiter_character_as_a_separator() {
        assert_eq!(
            ok("States.StringSplit('This.is+a,test=string', '.+,=')"),
            json!(["This", "is", "a", "test", "string"])
        );
    }

    #[test]
    fn string_split_drops_empty_tokens() {
        assert_eq!(ok("States.StringSplit(',,,,', ',')"), json!([]));
        assert_eq!(ok("States.StringSplit(' , ', ',')"), json!([" ", " "]));
    }

    #[test]
    fn uuid_is_a_random_version_4_uuid() {
        let a = ok("States.UUID()");
        let s = a.as_str().unwrap();
        assert_eq!(s.len(), 36);
        assert_eq!(s.as_bytes()[14], b'4');
        assert!(matches!(s.as_bytes()[19], b'8' | b'9' | b'a' | b'b'));
        assert_ne!(a, ok("States.UUID()"));
    }

    #[test]
    fn nested_calls_are_evaluated_inside_out() {
        let input = json!({"n": 2});
        assert_eq!(
            run(
                "States.ArrayLength(States.ArrayRange(1, States.MathAdd($.n, 3), 1))",
                input
            )
            .unwrap(),
            json!(5)
        );
    }

    #[test]
    fn arguments_may_read_variables_and_context() {
        let mut vars = Variables::new();
        vars.set("greeting", json!("hi"));
        let ctx = json!({"Execution": {"Name": "e1"}});
        let env = Env::new(&ctx, &vars);
        let call =
            Intrinsic::parse("States.Format('{} {}', $greeting, $$.Execution.Name)").unwrap();
        assert_eq!(
            call.evaluate(&json!({}), &env, "f.$").unwrap(),
            json!("hi e1")
        );
    }

    #[test]
    fn a_path_argument_miss_is_a_runtime_error() {
        let err = run("States.ArrayLength($.missing)", json!({})).unwrap_err();
        assert!(err.is(names::RUNTIME));
    }

    #[test]
    fn wrong_argument_type_names_the_function() {
        let err = run("States.ArrayLength($.s)", json!({"s": "x"})).unwrap_err();
        assert!(err.is(names::INTRINSIC_FAILURE));
        let cause = err.cause.unwrap();
        assert!(cause.contains("States.ArrayLength"), "{cause}");
    }
}
