//! Intrinsic function calls (`States.Format('Hello {}', $.name)`) and `.$` payload values.

use crate::path::JsonPath;
use crate::{Number, Span, SyntaxError};

/// AWS allows intrinsic calls nested up to this many levels (the outermost call is level 1).
pub const MAX_NESTING: usize = 10;

/// A parsed call `Name(arg, …)`.
#[derive(Debug, Clone, PartialEq)]
pub struct IntrinsicCall {
    /// The function name as written, e.g. `States.Format`.
    pub name: String,
    pub name_span: Span,
    pub args: Vec<Argument>,
    /// The whole call, name through closing parenthesis.
    pub span: Span,
}

/// One argument of an intrinsic call.
#[derive(Debug, Clone, PartialEq)]
pub enum Argument {
    /// `'text'`, with `\'`, `\{`, `\}`, `\\` already unescaped.
    String { value: String, span: Span },
    /// A number; `text` is exactly as written.
    Number { number: Number, span: Span },
    /// `true` / `false`.
    Bool { value: bool, span: Span },
    /// `null`.
    Null { span: Span },
    /// `$.x`, `$$.x`, `$var`, `$`.
    Path(JsonPath),
    /// A nested call.
    Call(IntrinsicCall),
}

impl Argument {
    /// Where the argument was written.
    pub fn span(&self) -> Span {
        match self {
            Argument::String { span, .. }
            | Argument::Number { span, .. }
            | Argument::Bool { span, .. }
            | Argument::Null { span } => *span,
            Argument::Path(p) => p.span,
            Argument::Call(c) => c.span,
        }
    }
}

/// The kind of value an intrinsic parameter expects (checked statically where the argument is a
/// literal; paths and nested calls are only known at run time).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ArgKind {
    /// Any JSON value.
    Any,
    String,
    /// Any number (non-integers are rounded where an integer is needed).
    Number,
    Boolean,
    Array,
    Object,
    /// Must be a path, not a literal (`States.JsonToString`).
    PathOnly,
}

/// Static facts about one `States.*` function.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct IntrinsicSpec {
    pub name: &'static str,
    pub min_args: usize,
    /// `None` = unbounded (`States.Format`, `States.Array`).
    pub max_args: Option<usize>,
    /// The kinds of the leading parameters, in order.
    pub params: &'static [ArgKind],
    /// The kind of any further (variadic) argument.
    pub rest: Option<ArgKind>,
}

impl IntrinsicSpec {
    /// The expected kind of the argument at `index`, if it may exist.
    pub fn param(&self, index: usize) -> Option<ArgKind> {
        self.params.get(index).copied().or(self.rest)
    }

    /// Whether `count` arguments is an acceptable number.
    pub fn accepts_arity(&self, count: usize) -> bool {
        count >= self.min_args && self.max_args.is_none_or(|max| count <= max)
    }
}

/// The 18 intrinsic functions of Step Functions.
pub static INTRINSICS: &[IntrinsicSpec] = &[
    spec(
        "States.Format",
        1,
        None,
        &[ArgKind::String],
        Some(ArgKind::Any),
    ),
    spec("States.StringToJson", 1, Some(1), &[ArgKind::String], None),
    spec(
        "States.JsonToString",
        1,
        Some(1),
        &[ArgKind::PathOnly],
        None,
    ),
    spec("States.Array", 0, None, &[], Some(ArgKind::Any)),
    spec(
        "States.ArrayPartition",
        2,
        Some(2),
        &[ArgKind::Array, ArgKind::Number],
        None,
    ),
    spec(
        "States.ArrayContains",
        2,
        Some(2),
        &[ArgKind::Array, ArgKind::Any],
        None,
    ),
    spec(
        "States.ArrayRange",
        3,
        Some(3),
        &[ArgKind::Number, ArgKind::Number, ArgKind::Number],
        None,
    ),
    spec(
        "States.ArrayGetItem",
        2,
        Some(2),
        &[ArgKind::Array, ArgKind::Number],
        None,
    ),
    spec("States.ArrayLength", 1, Some(1), &[ArgKind::Array], None),
    spec("States.ArrayUnique", 1, Some(1), &[ArgKind::Array], None),
    spec("States.Base64Encode", 1, Some(1), &[ArgKind::String], None),
    spec("States.Base64Decode", 1, Some(1), &[ArgKind::String], None),
    spec(
        "States.Hash",
        2,
        Some(2),
        &[ArgKind::Any, ArgKind::String],
        None,
    ),
    spec(
        "States.JsonMerge",
        3,
        Some(3),
        &[ArgKind::Object, ArgKind::Object, ArgKind::Boolean],
        None,
    ),
    spec(
        "States.MathRandom",
        2,
        Some(3),
        &[ArgKind::Number, ArgKind::Number, ArgKind::Number],
        None,
    ),
    spec(
        "States.MathAdd",
        2,
        Some(2),
        &[ArgKind::Number, ArgKind::Number],
        None,
    ),
    spec(
        "States.StringSplit",
        2,
        Some(2),
        &[ArgKind::String, ArgKind::String],
        None,
    ),
    spec("States.UUID", 0, Some(0), &[], None),
];

const fn spec(
    name: &'static str,
    min_args: usize,
    max_args: Option<usize>,
    params: &'static [ArgKind],
    rest: Option<ArgKind>,
) -> IntrinsicSpec {
    IntrinsicSpec {
        name,
        min_args,
        max_args,
        params,
        rest,
    }
}

/// Finds a function by its exact (case-sensitive) name.
pub fn lookup_intrinsic(name: &str) -> Option<&'static IntrinsicSpec> {
    INTRINSICS.iter().find(|spec| spec.name == name)
}

/// Safety bound on nesting while parsing, far above [`MAX_NESTING`] so that the real limit is
/// reported by [`check_nesting`] with a precise message, while hostile input cannot exhaust the
/// stack.
const PARSE_DEPTH_LIMIT: usize = 64;

/// Parses an intrinsic call. Surrounding whitespace is allowed. The nesting limit is *not* checked
/// here (see [`check_nesting`]), only a much larger safety bound.
pub fn parse_intrinsic(text: &str) -> Result<IntrinsicCall, SyntaxError> {
    let mut parser = Parser { src: text, pos: 0 };
    parser.skip_ws();
    if parser.peek().is_none() {
        return Err(SyntaxError::new(
            "expected an intrinsic function call such as `States.Format(...)`, found an empty string",
            Span::empty(0),
        ));
    }
    let call = parser.call(1)?;
    parser.skip_ws();
    if parser.peek().is_some() {
        return Err(parser.error_here("unexpected text after the intrinsic function call"));
    }
    Ok(call)
}

impl IntrinsicCall {
    /// Levels of calls on the deepest chain; a call with no nested calls has depth 1.
    pub fn depth(&self) -> usize {
        1 + self
            .args
            .iter()
            .map(|arg| match arg {
                Argument::Call(inner) => inner.depth(),
                _ => 0,
            })
            .max()
            .unwrap_or(0)
    }

    /// The spec of this function, when it is one of the 18 `States.*` functions.
    pub fn spec(&self) -> Option<&'static IntrinsicSpec> {
        lookup_intrinsic(&self.name)
    }
}

/// Reports an error on the first call nested deeper than [`MAX_NESTING`] levels.
pub fn check_nesting(call: &IntrinsicCall) -> Result<(), SyntaxError> {
    fn walk(call: &IntrinsicCall, level: usize) -> Result<(), SyntaxError> {
        if level > MAX_NESTING {
            return Err(SyntaxError::new(
                format!("intrinsic functions can be nested at most {MAX_NESTING} levels deep"),
                call.name_span,
            ));
        }
        for arg in &call.args {
            if let Argument::Call(inner) = arg {
                walk(inner, level + 1)?;
            }
        }
        Ok(())
    }
    walk(call, 1)
}

struct Parser<'a> {
    src: &'a str,
    pos: usize,
}

fn is_name_byte(b: u8) -> bool {
    NAME_BYTES[usize::from(b)]
}

/// Which bytes may appear in a function name: ASCII letters, digits, `.` and `_` (a table, as
/// names are scanned byte by byte).
static NAME_BYTES: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        let byte = b as u8;
        table[b] = byte.is_ascii_alphanumeric() || byte == b'.' || byte == b'_';
        b += 1;
    }
    table
};

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn skip_ws(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.pos += 1;
        }
    }

    fn char_span(&self, at: usize) -> Span {
        let len = self
            .src
            .get(at..)
            .and_then(|s| s.chars().next())
            .map_or(0, char::len_utf8);
        Span::new(at, at + len)
    }

    fn error_here(&self, message: impl Into<String>) -> SyntaxError {
        SyntaxError::new(message, self.char_span(self.pos))
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        match self.peek_char() {
            Some(c) => self.error_here(format!("expected {expected}, found `{c}`")),
            None => self.error_here(format!("expected {expected}, found the end of the text")),
        }
    }

    /// `Name(args…)` at the current position; `level` is 1 for the outermost call.
    fn call(&mut self, level: usize) -> Result<IntrinsicCall, SyntaxError> {
        let start = self.pos;
        if level > PARSE_DEPTH_LIMIT {
            return Err(SyntaxError::new(
                format!(
                    "intrinsic functions nest far too deeply (more than {PARSE_DEPTH_LIMIT} levels)"
                ),
                self.char_span(start),
            ));
        }
        while self.peek().is_some_and(is_name_byte) {
            self.pos += 1;
        }
        let name_span = Span::new(start, self.pos);
        if name_span.is_empty() {
            return Err(self.unexpected("an intrinsic function name such as `States.Format`"));
        }
        let name = self.src.get(start..self.pos).unwrap_or("").to_string();
        self.skip_ws();
        if self.peek() != Some(b'(') {
            return Err(match self.peek_char() {
                None => self.error_here(format!(
                    "expected `(` after `{name}`: an intrinsic function call needs an argument list"
                )),
                Some(c) => self.error_here(format!(
                    "unexpected `{c}` in intrinsic function name; names may contain only letters, digits, `.` and `_`"
                )),
            });
        }
        self.pos += 1;
        self.skip_ws();
        let mut args = Vec::new();
        if self.peek() == Some(b')') {
            self.pos += 1;
        } else {
            // Calls take a few arguments: allocate once instead of growing from empty.
            args = Vec::with_capacity(4);
            loop {
                self.skip_ws();
                args.push(self.argument(level)?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => {
                        self.pos += 1;
                        break;
                    }
                    None => {
                        return Err(SyntaxError::new(
                            format!("unclosed argument list of `{name}`: missing `)`"),
                            Span::new(start, self.pos),
                        ));
                    }
                    Some(_) => return Err(self.unexpected("`,` or `)` after an argument")),
                }
            }
        }
        Ok(IntrinsicCall {
            name,
            name_span,
            args,
            span: Span::new(start, self.pos),
        })
    }

    fn argument(&mut self, level: usize) -> Result<Argument, SyntaxError> {
        let start = self.pos;
        match self.peek() {
            Some(b'\'') => self.string(),
            Some(b'$') => {
                let end = path_extent(self.src.as_bytes(), start);
                let prefix = self.src.get(..end).unwrap_or("");
                let path = crate::path::parse_path_in(prefix, start)?;
                self.pos = path.span.end;
                Ok(Argument::Path(path))
            }
            Some(b'-' | b'0'..=b'9') => {
                let end = crate::path::scan_number(self.src.as_bytes(), start);
                let text = self.src.get(start..end).unwrap_or("");
                let value = text.parse::<f64>().ok().filter(|v| v.is_finite());
                match value {
                    Some(value) if end > start => {
                        self.pos = end;
                        Ok(Argument::Number {
                            number: Number {
                                text: text.to_string(),
                                value,
                            },
                            span: Span::new(start, end),
                        })
                    }
                    _ => Err(SyntaxError::new(
                        format!("invalid number `{}`", self.src.get(start..end.max(start + 1)).unwrap_or("")),
                        Span::new(start, end.max(start + 1)),
                    )),
                }
            }
            Some(b'"') => Err(self.error_here(
                "intrinsic function strings use single quotes: `'text'`",
            )),
            Some(b) if is_name_byte(b) => {
                let rest = self.src.get(start..).unwrap_or("");
                let word_len = rest.bytes().take_while(|b| is_name_byte(*b)).count();
                let word = rest.get(..word_len).unwrap_or("");
                let word_end = start + word_len;
                let span = Span::new(start, word_end);
                // A name followed (after optional spaces) by `(` is a nested call.
                let is_call = rest
                    .get(word_len..)
                    .unwrap_or("")
                    .trim_start_matches([' ', '\t', '\n', '\r'])
                    .starts_with('(');
                if !is_call {
                    let literal = match word {
                        "true" => Some(Argument::Bool { value: true, span }),
                        "false" => Some(Argument::Bool { value: false, span }),
                        "null" => Some(Argument::Null { span }),
                        _ => None,
                    };
                    if let Some(literal) = literal {
                        self.pos = word_end;
                        return Ok(literal);
                    }
                    return Err(SyntaxError::new(
                        format!(
                            "`{word}` is not a valid argument; strings need single quotes (`'{word}'`) and paths start with `$`"
                        ),
                        span,
                    ));
                }
                Ok(Argument::Call(self.call(level + 1)?))
            }
            _ => Err(self.unexpected(
                "an argument: a 'string', a number, true, false, null, a path starting with `$` or a function call",
            )),
        }
    }

    /// A single-quoted string with intrinsic escapes: `\'`, `\{`, `\}`, `\\`.
    fn string(&mut self) -> Result<Argument, SyntaxError> {
        let start = self.pos;
        self.pos += 1;
        let mut value = String::new();
        let bytes = self.src.as_bytes();
        loop {
            // Copy the run up to the next quote or backslash in one piece. Both are ASCII, so
            // the run ends on a character boundary.
            let run = bytes
                .get(self.pos..)
                .unwrap_or(&[])
                .iter()
                .position(|&b| b == b'\'' || b == b'\\')
                .unwrap_or(bytes.len().saturating_sub(self.pos));
            let piece = self.src.get(self.pos..self.pos + run).unwrap_or("");
            if value.is_empty() {
                // Usually the whole string: one allocation of the exact size.
                value = piece.to_owned();
            } else {
                value.push_str(piece);
            }
            self.pos += run;
            let Some(c) = self.peek_char() else {
                return Err(SyntaxError::new(
                    "unterminated string: missing the closing `'`",
                    Span::new(start, self.pos),
                ));
            };
            match c {
                '\'' => {
                    self.pos += 1;
                    return Ok(Argument::String {
                        value,
                        span: Span::new(start, self.pos),
                    });
                }
                '\\' => {
                    let esc = self.pos;
                    self.pos += 1;
                    match self.peek_char() {
                        Some(e @ ('\'' | '{' | '}' | '\\')) => {
                            value.push(e);
                            self.pos += 1;
                        }
                        Some('"') => {
                            return Err(SyntaxError::new(
                                "`\\\"` is not allowed in an intrinsic function string; write `\"` without the backslash",
                                Span::new(esc, self.pos + 1),
                            ));
                        }
                        Some(e) => {
                            return Err(SyntaxError::new(
                                format!(
                                    "invalid escape `\\{e}`; only `\\'`, `\\{{`, `\\}}` and `\\\\` are allowed"
                                ),
                                Span::new(esc, self.pos + e.len_utf8()),
                            ));
                        }
                        None => {
                            return Err(SyntaxError::new(
                                "unterminated string: it ends with a lone backslash",
                                Span::new(esc, self.pos),
                            ));
                        }
                    }
                }
                c => {
                    value.push(c);
                    self.pos += c.len_utf8();
                }
            }
        }
    }
}

/// Where a path argument starting at `start` ends: at the first `,` or `)` outside brackets,
/// parentheses and quotes (filters and unions may contain both), or at the end.
fn path_extent(bytes: &[u8], start: usize) -> usize {
    let mut depth = 0usize;
    let mut quote: Option<u8> = None;
    let mut i = start;
    while let Some(&b) = bytes.get(i) {
        if let Some(q) = quote {
            if b == b'\\' {
                i += 1;
            } else if b == q {
                quote = None;
            }
        } else {
            match b {
                b'\'' | b'"' if depth > 0 => quote = Some(b),
                b'[' | b'(' => depth += 1,
                b']' | b')' if depth > 0 => depth -= 1,
                b',' | b')' if depth == 0 => return i,
                _ => {}
            }
        }
        i += 1;
    }
    bytes.len()
}

/// The value of a `.$` key in a payload template.
#[derive(Debug, Clone, PartialEq)]
pub enum PayloadValue {
    /// Starts with `$`: a path over input, context (`$$`) or a variable.
    Path(JsonPath),
    /// Otherwise: an intrinsic function call.
    Intrinsic(IntrinsicCall),
}

/// Parses a `.$` value: a path when it starts with `$`, otherwise an intrinsic call.
pub fn parse_payload_value(text: &str) -> Result<PayloadValue, SyntaxError> {
    if text.starts_with('$') {
        crate::path::parse_path(text).map(PayloadValue::Path)
    } else {
        parse_intrinsic(text).map(PayloadValue::Intrinsic)
    }
}
