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
pub static INTRINSICS: &[IntrinsicSpec] = &[];

/// Finds a function by its exact (case-sensitive) name.
pub fn lookup_intrinsic(name: &str) -> Option<&'static IntrinsicSpec> {
    INTRINSICS.iter().find(|spec| spec.name == name)
}

/// Parses an intrinsic call. Surrounding whitespace is allowed. The nesting limit is *not* checked
/// here (see [`check_nesting`]), only a much larger safety bound.
pub fn parse_intrinsic(text: &str) -> Result<IntrinsicCall, SyntaxError> {
    let _ = text;
    Err(SyntaxError::new("not implemented yet", Span::empty(0)))
}

impl IntrinsicCall {
    /// Levels of calls on the deepest chain; a call with no nested calls has depth 1.
    pub fn depth(&self) -> usize {
        1
    }
}

/// Reports an error on the first call nested deeper than [`MAX_NESTING`] levels.
pub fn check_nesting(call: &IntrinsicCall) -> Result<(), SyntaxError> {
    let _ = call;
    Ok(())
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
    let _ = text;
    Err(SyntaxError::new("not implemented yet", Span::empty(0)))
}
