//! JSONPath in the Jayway dialect AWS Step Functions uses.
//!
//! Grammar accepted by [`parse_path`]:
//!
//! * roots: `$` (state input), `$$` (context object), `$name` (a variable; `$states` is reserved
//!   for JSONata), and inside filters `@` (the current node);
//! * child steps: `.name`, `['name']` / `["name"]`, `[0]`, `[-1]`, `[*]`, `.*`, slices
//!   `[start:end:step]`, unions `[0,1]` and `['a','b']`;
//! * deep scan: `..name`, `..*`, `..[0]`, `..['a']`;
//! * filters: `[?(<expr>)]` with Jayway's operators (see [`CompareOp`]), `&&`, `||`, `!`,
//!   parentheses, `@`/`$` paths and literals;
//! * a trailing function: `.length()`, `.sum()`, `.concat(…)` … (see [`PathFunction`]).
//!
//! Dot-notation names are liberal the way Jayway is: anything but `.`, `[`, `(` and whitespace
//! (inside filters also operator characters and `)`, `]`, `,`).

use std::fmt;

use crate::{Number, Span, SyntaxError};

/// A parsed JSONPath.
#[derive(Debug, Clone, PartialEq)]
pub struct JsonPath {
    pub root: Root,
    pub segments: Vec<Segment>,
    /// The whole path, root included.
    pub span: Span,
}

/// What a path starts from.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Root {
    /// `$`: the state input (or the document a template is evaluated against).
    Input,
    /// `$$`: the context object.
    Context,
    /// `$name`: a workflow variable.
    Variable(String),
    /// `@`: the current node; only inside filter expressions.
    Current,
}

/// One step of a path after the root.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    pub kind: SegmentKind,
    pub span: Span,
}

/// The kinds of step.
#[derive(Debug, Clone, PartialEq)]
pub enum SegmentKind {
    /// `.x`, `[…]`: select among the children of the current nodes.
    Child(Selector),
    /// `..x`, `..[…]`: select among all descendants.
    Descendant(Selector),
    /// `.length()` etc.; always the last segment.
    Function(FunctionCall),
}

/// Which children a step selects.
#[derive(Debug, Clone, PartialEq)]
pub enum Selector {
    /// `.name` or `['name']`.
    Name(String),
    /// `['a','b']`: several names.
    Names(Vec<String>),
    /// `[n]`; negative counts from the end.
    Index(i64),
    /// `[0,1]`: several indexes.
    Indexes(Vec<i64>),
    /// `.*` or `[*]`.
    Wildcard,
    /// `[start:end:step]`, each part optional.
    Slice {
        start: Option<i64>,
        end: Option<i64>,
        step: Option<i64>,
    },
    /// `[?(…)]`.
    Filter(FilterExpr),
}

/// A function applied to the nodes selected so far (Jayway's path functions).
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionCall {
    pub function: PathFunction,
    pub name_span: Span,
    /// Arguments (only `concat` and `append` take any).
    pub args: Vec<Operand>,
}

/// Jayway's path functions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PathFunction {
    Length,
    Size,
    Min,
    Max,
    Avg,
    Stddev,
    Sum,
    Keys,
    First,
    Last,
    Concat,
    Append,
}

impl PathFunction {
    /// The name as written in a path.
    pub const fn name(self) -> &'static str {
        match self {
            PathFunction::Length => "length",
            PathFunction::Size => "size",
            PathFunction::Min => "min",
            PathFunction::Max => "max",
            PathFunction::Avg => "avg",
            PathFunction::Stddev => "stddev",
            PathFunction::Sum => "sum",
            PathFunction::Keys => "keys",
            PathFunction::First => "first",
            PathFunction::Last => "last",
            PathFunction::Concat => "concat",
            PathFunction::Append => "append",
        }
    }

    /// Looks a function up by name.
    pub fn from_name(name: &str) -> Option<Self> {
        const ALL: [PathFunction; 12] = [
            PathFunction::Length,
            PathFunction::Size,
            PathFunction::Min,
            PathFunction::Max,
            PathFunction::Avg,
            PathFunction::Stddev,
            PathFunction::Sum,
            PathFunction::Keys,
            PathFunction::First,
            PathFunction::Last,
            PathFunction::Concat,
            PathFunction::Append,
        ];
        ALL.into_iter().find(|f| f.name() == name)
    }

    /// Whether the function accepts arguments (`concat`, `append`).
    pub const fn takes_args(self) -> bool {
        matches!(self, PathFunction::Concat | PathFunction::Append)
    }
}

/// A filter expression (the part between `[?(` and `)]`).
#[derive(Debug, Clone, PartialEq)]
pub enum FilterExpr {
    Or(Box<FilterExpr>, Box<FilterExpr>),
    And(Box<FilterExpr>, Box<FilterExpr>),
    Not(Box<FilterExpr>),
    /// `left op right`.
    Compare {
        left: Operand,
        op: CompareOp,
        op_span: Span,
        right: Operand,
    },
    /// A bare operand: `[?(@.isbn)]` is true when the path exists (or a literal is truthy).
    Exists(Operand),
}

/// Jayway's relational operators.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum CompareOp {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `===` (type-safe equality)
    StrictEq,
    /// `!==`
    StrictNe,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `=~` with a `/regex/flags` literal on the right.
    Matches,
    /// `in`
    In,
    /// `nin`
    Nin,
    /// `subsetof`
    SubsetOf,
    /// `anyof`
    AnyOf,
    /// `noneof`
    NoneOf,
    /// `contains`
    Contains,
    /// `size` (length of a string or array)
    Size,
    /// `empty` (right side `true`/`false`)
    Empty,
}

impl CompareOp {
    /// The operator as written.
    pub const fn as_str(self) -> &'static str {
        match self {
            CompareOp::Eq => "==",
            CompareOp::Ne => "!=",
            CompareOp::StrictEq => "===",
            CompareOp::StrictNe => "!==",
            CompareOp::Lt => "<",
            CompareOp::Le => "<=",
            CompareOp::Gt => ">",
            CompareOp::Ge => ">=",
            CompareOp::Matches => "=~",
            CompareOp::In => "in",
            CompareOp::Nin => "nin",
            CompareOp::SubsetOf => "subsetof",
            CompareOp::AnyOf => "anyof",
            CompareOp::NoneOf => "noneof",
            CompareOp::Contains => "contains",
            CompareOp::Size => "size",
            CompareOp::Empty => "empty",
        }
    }
}

/// One side of a comparison, or a function argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Operand {
    /// `@.x` or `$.x` (or `$$.x`, `$var`).
    Path(JsonPath),
    /// A literal value.
    Literal(Literal, Span),
}

impl Operand {
    /// Where the operand was written.
    pub fn span(&self) -> Span {
        match self {
            Operand::Path(p) => p.span,
            Operand::Literal(_, s) => *s,
        }
    }
}

/// Literal values inside filters.
#[derive(Debug, Clone, PartialEq)]
pub enum Literal {
    Null,
    Bool(bool),
    Number(Number),
    /// `'text'` or `"text"`, unescaped.
    String(String),
    /// A JSON array `[1, 'a', …]`.
    Array(Vec<Literal>),
    /// A JSON object `{"a": 1}`.
    Object(Vec<(String, Literal)>),
    /// `/pattern/flags` (only after `=~`).
    Regex {
        pattern: String,
        flags: String,
    },
}

/// How deeply filters, parentheses, JSON literals and function arguments may nest before the
/// parser gives up (keeps recursion bounded on hostile input).
const MAX_DEPTH: usize = 32;

/// Longest variable name AWS accepts, in characters.
pub const MAX_VARIABLE_NAME_CHARS: usize = 80;

/// Parses a JSONPath (any Jayway path AWS accepts). Whitespace around the path is ignored, as
/// Jayway does; spans point into `text` as given.
pub fn parse_path(text: &str) -> Result<JsonPath, SyntaxError> {
    parse_path_in(text, 0)
}

/// Parses a path that starts at byte `start` of `text` and runs to its end (trailing whitespace
/// allowed); spans are offsets in `text`. Used for path arguments inside intrinsic calls.
pub(crate) fn parse_path_in(text: &str, start: usize) -> Result<JsonPath, SyntaxError> {
    let mut parser = Parser::new(text);
    parser.pos = start;
    parser.skip_ws();
    let path = parser.path(false)?;
    let end = parser.pos;
    parser.skip_ws();
    if let Some(c) = parser.peek_char() {
        if parser.pos > end {
            return Err(SyntaxError::new(
                "unexpected space in path; names containing spaces need bracket notation, \
                 e.g. `['my name']`",
                parser.char_span(end),
            ));
        }
        let at = parser.pos;
        return Err(SyntaxError::new(
            format!("unexpected `{c}` in path"),
            parser.char_span(at),
        ));
    }
    Ok(path)
}

/// Parses a reference path: a path whose steps are only `.name`, `['name']` and `[index]`, so it
/// names exactly one node. Anything else is rejected with a message saying why.
pub fn parse_reference_path(text: &str) -> Result<JsonPath, SyntaxError> {
    let path = parse_path(text)?;
    for segment in &path.segments {
        let what = match &segment.kind {
            SegmentKind::Child(Selector::Name(_) | Selector::Index(_)) => continue,
            SegmentKind::Child(Selector::Wildcard) => "a wildcard `*`",
            SegmentKind::Child(Selector::Names(_) | Selector::Indexes(_)) => "a union `[a,b]`",
            SegmentKind::Child(Selector::Slice { .. }) => "a slice `[a:b]`",
            SegmentKind::Child(Selector::Filter(_)) => "a filter `[?(…)]`",
            SegmentKind::Descendant(_) => "a deep scan `..`",
            SegmentKind::Function(_) => "a function call",
        };
        return Err(SyntaxError::new(
            format!(
                "a reference path must identify a single node, so it cannot contain {what}; \
                 only `.name`, `['name']` and `[index]` are allowed"
            ),
            segment.span,
        ));
    }
    Ok(path)
}

impl JsonPath {
    /// A definite path selects at most one node: no wildcard, slice, union, filter, deep scan or
    /// function.
    pub fn is_definite(&self) -> bool {
        self.segments.iter().all(|s| {
            matches!(
                s.kind,
                SegmentKind::Child(Selector::Name(_) | Selector::Index(_))
            )
        })
    }

    /// Whether every step is `.name`, `['name']` or `[index]` (what a reference path allows) and
    /// the path does not start at `@`.
    pub fn is_reference(&self) -> bool {
        self.root != Root::Current && self.is_definite()
    }

    /// The names of the leading `.name` steps, up to the first step of another kind.
    pub fn leading_names(&self) -> impl Iterator<Item = &str> {
        self.segments.iter().map_while(|s| match &s.kind {
            SegmentKind::Child(Selector::Name(n)) => Some(n.as_str()),
            _ => None,
        })
    }
}

// ---------------------------------------------------------------------------------------------
// Parser

struct Parser<'a> {
    src: &'a str,
    pos: usize,
    depth: usize,
}

fn is_ascii_ws(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// For each ASCII byte: bit 0 set when it ends a dot-notation name everywhere (`.`, `[`, `(` and
/// the ASCII bytes `char::is_whitespace` accepts), bit 1 when it ends one inside a filter (those
/// plus operator characters, `)`, `]`, `,` and quotes). One lookup per byte of the name; names
/// are ended by no other character but Unicode whitespace.
static ASCII_NAME_END: [u8; 128] = {
    let mut table = [0u8; 128];
    let mut b = 0;
    while b < 128 {
        let everywhere = matches!(b as u8, b'.' | b'[' | b'(' | b'\t'..=b'\r' | b' ');
        let in_filter = matches!(
            b as u8,
            b')' | b']' | b',' | b'=' | b'!' | b'<' | b'>' | b'&' | b'|' | b'~' | b'\'' | b'"'
        );
        table[b] = (everywhere as u8) | ((everywhere || in_filter) as u8) << 1;
        b += 1;
    }
    table
};

/// Approximates Unicode `ID_Start` with the standard library (no tables of our own).
pub(crate) fn is_id_start(c: char) -> bool {
    c.is_alphabetic()
}

/// Approximates Unicode `ID_Continue`: letters, digits, `_`, joiners and common combining marks.
pub(crate) fn is_id_continue(c: char) -> bool {
    c.is_alphanumeric()
        || c == '_'
        || c == '\u{200C}'
        || c == '\u{200D}'
        || matches!(c, '\u{0300}'..='\u{036F}' | '\u{1AB0}'..='\u{1AFF}' | '\u{1DC0}'..='\u{1DFF}' | '\u{20D0}'..='\u{20FF}' | '\u{FE20}'..='\u{FE2F}')
}

impl<'a> Parser<'a> {
    fn new(src: &'a str) -> Self {
        Parser {
            src,
            pos: 0,
            depth: 0,
        }
    }

    fn peek(&self) -> Option<u8> {
        self.src.as_bytes().get(self.pos).copied()
    }

    fn peek_at(&self, ahead: usize) -> Option<u8> {
        self.src.as_bytes().get(self.pos + ahead).copied()
    }

    fn peek_char(&self) -> Option<char> {
        self.src.get(self.pos..).and_then(|s| s.chars().next())
    }

    fn rest(&self) -> &'a str {
        self.src.get(self.pos..).unwrap_or("")
    }

    fn skip_ws(&mut self) {
        while self.peek().is_some_and(is_ascii_ws) {
            self.pos += 1;
        }
    }

    /// The span of the character at `at` (empty at the end of input).
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

    /// An error about the current character, or about the end of input when there is none.
    fn unexpected(&self, expected: &str) -> SyntaxError {
        match self.peek_char() {
            Some(c) => self.error_here(format!("expected {expected}, found `{c}`")),
            None => self.error_here(format!("expected {expected}, found the end of the path")),
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == Some(byte) {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.unexpected(what))
        }
    }

    fn enter(&mut self, at: usize) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(SyntaxError::new(
                format!("expression nests more than {MAX_DEPTH} levels deep"),
                self.char_span(at),
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth = self.depth.saturating_sub(1);
    }

    // --- paths ------------------------------------------------------------------------------

    /// A path starting at the current position. In a filter, `@` is allowed and names end at
    /// operator characters.
    fn path(&mut self, in_filter: bool) -> Result<JsonPath, SyntaxError> {
        let start = self.pos;
        let root = self.root(in_filter)?;
        // Most paths have a step or two: allocate room for a few at once instead of growing.
        let mut segments: Vec<Segment> = if matches!(self.peek(), Some(b'.' | b'[')) {
            Vec::with_capacity(4)
        } else {
            Vec::new()
        };
        loop {
            let seg_start = self.pos;
            if let Some(prev) = segments.last()
                && matches!(prev.kind, SegmentKind::Function(_))
                && matches!(self.peek(), Some(b'.' | b'['))
            {
                return Err(SyntaxError::new(
                    "a function call must be the last step of a path",
                    self.char_span(seg_start),
                ));
            }
            match (self.peek(), self.peek_at(1)) {
                (Some(b'.'), Some(b'.')) => {
                    self.pos += 2;
                    let selector = match self.peek() {
                        Some(b'*') => {
                            self.pos += 1;
                            Selector::Wildcard
                        }
                        Some(b'[') => self.bracket()?,
                        _ => {
                            let name = self.dot_name(in_filter)?;
                            if self.peek() == Some(b'(') {
                                return Err(self
                                    .error_here("a function call cannot follow a deep scan `..`"));
                            }
                            Selector::Name(name)
                        }
                    };
                    segments.push(Segment {
                        kind: SegmentKind::Descendant(selector),
                        span: Span::new(seg_start, self.pos),
                    });
                }
                (Some(b'.'), _) => {
                    self.pos += 1;
                    // Jayway reads the next token after a single dot, so `$.[0]` and `$.['a']`
                    // mean the same as `$[0]` and `$['a']`.
                    if self.peek() == Some(b'[') {
                        let selector = self.bracket()?;
                        segments.push(Segment {
                            kind: SegmentKind::Child(selector),
                            span: Span::new(seg_start, self.pos),
                        });
                        continue;
                    }
                    if self.peek() == Some(b'*') {
                        self.pos += 1;
                        segments.push(Segment {
                            kind: SegmentKind::Child(Selector::Wildcard),
                            span: Span::new(seg_start, self.pos),
                        });
                        continue;
                    }
                    let name_start = self.pos;
                    let name = self.dot_name(in_filter)?;
                    let kind = if self.peek() == Some(b'(') {
                        let name_span = Span::new(name_start, self.pos);
                        SegmentKind::Function(self.function(&name, name_span)?)
                    } else {
                        SegmentKind::Child(Selector::Name(name))
                    };
                    segments.push(Segment {
                        kind,
                        span: Span::new(seg_start, self.pos),
                    });
                }
                (Some(b'['), _) => {
                    let selector = self.bracket()?;
                    segments.push(Segment {
                        kind: SegmentKind::Child(selector),
                        span: Span::new(seg_start, self.pos),
                    });
                }
                _ => break,
            }
        }
        Ok(JsonPath {
            root,
            segments,
            span: Span::new(start, self.pos),
        })
    }

    fn root(&mut self, in_filter: bool) -> Result<Root, SyntaxError> {
        match self.peek() {
            Some(b'$') => {
                self.pos += 1;
                if self.peek() == Some(b'$') {
                    self.pos += 1;
                    return Ok(Root::Context);
                }
                // `$.` and `$[` (the usual input paths) need no Unicode class lookups.
                if matches!(self.peek(), Some(b'.' | b'[') | None) {
                    return Ok(Root::Input);
                }
                match self.peek_char() {
                    Some(c) if is_id_start(c) => self.variable_name(),
                    Some(c) if is_id_continue(c) => {
                        Err(self.error_here("a variable name must start with a letter".to_string()))
                    }
                    _ => Ok(Root::Input),
                }
            }
            Some(b'@') if in_filter => {
                self.pos += 1;
                Ok(Root::Current)
            }
            Some(b'@') => Err(self
                .error_here("`@` (the current node) is only allowed inside a filter expression")),
            _ => Err(self.unexpected("a path starting with `$`")),
        }
    }

    fn variable_name(&mut self) -> Result<Root, SyntaxError> {
        let start = self.pos;
        let mut chars = 0usize;
        while let Some(c) = self.peek_char() {
            if !is_id_continue(c) {
                break;
            }
            chars += 1;
            self.pos += c.len_utf8();
        }
        let name = self.src.get(start..self.pos).unwrap_or("");
        let span = Span::new(start, self.pos);
        if chars > MAX_VARIABLE_NAME_CHARS {
            return Err(SyntaxError::new(
                format!(
                    "variable name is {chars} characters long; the limit is {MAX_VARIABLE_NAME_CHARS}"
                ),
                span,
            ));
        }
        if name == "states" {
            return Err(SyntaxError::new(
                "`$states` is reserved for JSONata and cannot be used in a JSONPath",
                span,
            ));
        }
        Ok(Root::Variable(name.to_string()))
    }

    /// A dot-notation name (after `.` or `..`).
    fn dot_name(&mut self, in_filter: bool) -> Result<String, SyntaxError> {
        let start = self.pos;
        let bytes = self.src.as_bytes();
        let end_mask = if in_filter { 2 } else { 1 };
        let mut at = start;
        while let Some(&b) = bytes.get(at) {
            // Names are nearly always ASCII: look the byte up without decoding a `char`.
            if let Some(&ends) = ASCII_NAME_END.get(usize::from(b)) {
                if ends & end_mask != 0 {
                    break;
                }
                at += 1;
                continue;
            }
            // Every other terminator is ASCII, so only Unicode whitespace ends a name here.
            match self.src.get(at..).and_then(|s| s.chars().next()) {
                Some(c) if !c.is_whitespace() => at += c.len_utf8(),
                _ => break,
            }
        }
        self.pos = at;
        if self.pos == start {
            return Err(match self.peek_char() {
                None => self.error_here("expected a name after `.`, found the end of the path"),
                Some(c) if c.is_whitespace() => self.error_here(
                    "names containing spaces need bracket notation, e.g. `['my name']`",
                ),
                Some(c) => self.error_here(format!("expected a name after `.`, found `{c}`")),
            });
        }
        Ok(self.src.get(start..self.pos).unwrap_or("").to_string())
    }

    fn function(&mut self, name: &str, name_span: Span) -> Result<FunctionCall, SyntaxError> {
        let Some(function) = PathFunction::from_name(name) else {
            return Err(SyntaxError::new(
                format!(
                    "unknown path function `{name}()`; known: length, size, min, max, avg, \
                     stddev, sum, keys, first, last, concat, append"
                ),
                name_span,
            ));
        };
        let open = self.pos;
        self.enter(open)?;
        self.pos += 1; // `(`
        self.skip_ws();
        let mut args = Vec::new();
        if self.peek() != Some(b')') {
            loop {
                self.skip_ws();
                args.push(self.operand()?);
                self.skip_ws();
                match self.peek() {
                    Some(b',') => self.pos += 1,
                    Some(b')') => break,
                    _ => return Err(self.unexpected("`,` or `)`")),
                }
            }
        }
        self.pos += 1; // `)`
        self.leave();
        if !function.takes_args() && !args.is_empty() {
            return Err(SyntaxError::new(
                format!("`{}()` takes no arguments", function.name()),
                Span::new(open, self.pos),
            ));
        }
        Ok(FunctionCall {
            function,
            name_span,
            args,
        })
    }

    /// `[ … ]` after a path step.
    fn bracket(&mut self) -> Result<Selector, SyntaxError> {
        let open = self.pos;
        self.pos += 1; // `[`
        self.skip_ws();
        let selector = match self.peek() {
            Some(b'?') => {
                self.pos += 1;
                self.skip_ws();
                self.expect(b'(', "`(` after `[?`")?;
                self.enter(open)?;
                self.skip_ws();
                let expr = self.or_expr()?;
                self.skip_ws();
                self.expect(b')', "`)` closing the filter")?;
                self.leave();
                Selector::Filter(expr)
            }
            Some(b'*') => {
                self.pos += 1;
                Selector::Wildcard
            }
            Some(b'\'' | b'"') => {
                let first = self.quoted()?;
                self.skip_ws();
                // A single name (the usual case) needs no list.
                if self.peek() != Some(b',') {
                    return self.close_bracket(Selector::Name(first));
                }
                let mut names = vec![first];
                loop {
                    self.skip_ws();
                    if self.peek() != Some(b',') {
                        break;
                    }
                    self.pos += 1;
                    self.skip_ws();
                    if !matches!(self.peek(), Some(b'\'' | b'"')) {
                        return Err(self.unexpected("a quoted name after `,`"));
                    }
                    names.push(self.quoted()?);
                }
                if names.len() == 1 {
                    Selector::Name(names.remove(0))
                } else {
                    Selector::Names(names)
                }
            }
            Some(b'-' | b'0'..=b'9' | b':') => self.index_or_slice()?,
            Some(b']') => return Err(self.error_here("empty brackets `[]`")),
            _ => {
                return Err(self.unexpected(
                    "a quoted name, an index, `*`, a slice or a filter `?(…)` inside `[…]`",
                ));
            }
        };
        self.close_bracket(selector)
    }

    /// The `]` that ends a bracket step (after optional whitespace).
    fn close_bracket(&mut self, selector: Selector) -> Result<Selector, SyntaxError> {
        self.skip_ws();
        self.expect(b']', "`]`")?;
        Ok(selector)
    }

    fn index_or_slice(&mut self) -> Result<Selector, SyntaxError> {
        let first = self.opt_int()?;
        self.skip_ws();
        match self.peek() {
            Some(b':') => {
                self.pos += 1;
                self.skip_ws();
                let end = self.opt_int()?;
                self.skip_ws();
                let mut step = None;
                if self.peek() == Some(b':') {
                    self.pos += 1;
                    self.skip_ws();
                    let at = self.pos;
                    step = self.opt_int()?;
                    if step == Some(0) {
                        return Err(SyntaxError::new(
                            "a slice step cannot be 0",
                            Span::new(at, self.pos),
                        ));
                    }
                }
                Ok(Selector::Slice {
                    start: first,
                    end,
                    step,
                })
            }
            Some(b',') => {
                let Some(first) = first else {
                    return Err(self.unexpected("an index"));
                };
                let mut indexes = vec![first];
                while self.peek() == Some(b',') {
                    self.pos += 1;
                    self.skip_ws();
                    match self.opt_int()? {
                        Some(i) => indexes.push(i),
                        None => return Err(self.unexpected("an index after `,`")),
                    }
                    self.skip_ws();
                }
                Ok(Selector::Indexes(indexes))
            }
            _ => match first {
                Some(i) => Ok(Selector::Index(i)),
                None => Err(self.unexpected("an index")),
            },
        }
    }

    /// An optional (possibly negative) integer.
    fn opt_int(&mut self) -> Result<Option<i64>, SyntaxError> {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_digit()) {
            self.pos += 1;
        }
        if self.pos == digits {
            if self.pos > start {
                return Err(self.unexpected("digits after `-`"));
            }
            return Ok(None);
        }
        let text = self.src.get(start..self.pos).unwrap_or("");
        text.parse::<i64>().map(Some).map_err(|_| {
            SyntaxError::new(
                format!("index `{text}` is out of range"),
                Span::new(start, self.pos),
            )
        })
    }

    /// A quoted string (`'…'` or `"…"`) with JSON-style escapes plus `\'`.
    fn quoted(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos;
        let Some(quote) = self.peek() else {
            return Err(self.unexpected("a quoted string"));
        };
        self.pos += 1;
        let mut out = String::new();
        let bytes = self.src.as_bytes();
        loop {
            // Copy the run up to the next quote or backslash in one piece. Both are ASCII, so
            // the run ends on a character boundary.
            let run = bytes
                .get(self.pos..)
                .unwrap_or(&[])
                .iter()
                .position(|&b| b == quote || b == b'\\');
            let Some(run) = run else {
                self.pos = self.src.len();
                return Err(SyntaxError::new(
                    "unterminated string: missing the closing quote",
                    Span::new(open, self.pos),
                ));
            };
            let piece = self.src.get(self.pos..self.pos + run).unwrap_or("");
            if out.is_empty() {
                // Usually the whole string: one allocation of the exact size.
                out = piece.to_owned();
            } else {
                out.push_str(piece);
            }
            self.pos += run;
            if bytes.get(self.pos) == Some(&quote) {
                self.pos += 1;
                return Ok(out);
            }
            let esc_start = self.pos;
            self.pos += 1;
            let Some(e) = self.peek_char() else {
                return Err(SyntaxError::new(
                    "unterminated string: missing the closing quote",
                    Span::new(open, self.pos),
                ));
            };
            self.pos += e.len_utf8();
            let decoded = match e {
                '\'' | '"' | '\\' | '/' => e,
                'b' => '\u{8}',
                'f' => '\u{c}',
                'n' => '\n',
                'r' => '\r',
                't' => '\t',
                'u' => self.unicode_escape(esc_start)?,
                other => {
                    return Err(SyntaxError::new(
                        format!("unknown escape `\\{other}` in string"),
                        Span::new(esc_start, self.pos),
                    ));
                }
            };
            out.push(decoded);
        }
    }

    /// The `XXXX` of `\uXXXX` (and a following low surrogate when needed).
    fn unicode_escape(&mut self, esc_start: usize) -> Result<char, SyntaxError> {
        let high = self.hex4(esc_start)?;
        let code = if (0xD800..0xDC00).contains(&high) {
            if self.peek() == Some(b'\\') && self.peek_at(1) == Some(b'u') {
                self.pos += 2;
                let low = self.hex4(esc_start)?;
                if !(0xDC00..0xE000).contains(&low) {
                    return Err(SyntaxError::new(
                        "invalid unicode surrogate pair in escape",
                        Span::new(esc_start, self.pos),
                    ));
                }
                0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00)
            } else {
                return Err(SyntaxError::new(
                    "unpaired unicode surrogate in escape",
                    Span::new(esc_start, self.pos),
                ));
            }
        } else {
            high
        };
        char::from_u32(code).ok_or_else(|| {
            SyntaxError::new(
                "escape is not a valid unicode character",
                Span::new(esc_start, self.pos),
            )
        })
    }

    fn hex4(&mut self, esc_start: usize) -> Result<u32, SyntaxError> {
        let digits = self.src.get(self.pos..self.pos + 4).unwrap_or("");
        if digits.len() != 4 || !digits.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Err(SyntaxError::new(
                "`\\u` must be followed by four hex digits",
                Span::new(esc_start, self.pos),
            ));
        }
        self.pos += 4;
        u32::from_str_radix(digits, 16).map_err(|_| {
            SyntaxError::new(
                "`\\u` must be followed by four hex digits",
                Span::new(esc_start, self.pos),
            )
        })
    }

    // --- filter expressions -----------------------------------------------------------------

    fn or_expr(&mut self) -> Result<FilterExpr, SyntaxError> {
        let mut left = self.and_expr()?;
        loop {
            self.skip_ws();
            if self.rest().starts_with("||") {
                self.pos += 2;
                self.skip_ws();
                let right = self.and_expr()?;
                left = FilterExpr::Or(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn and_expr(&mut self) -> Result<FilterExpr, SyntaxError> {
        let mut left = self.unary_expr()?;
        loop {
            self.skip_ws();
            if self.rest().starts_with("&&") {
                self.pos += 2;
                self.skip_ws();
                let right = self.unary_expr()?;
                left = FilterExpr::And(Box::new(left), Box::new(right));
            } else {
                return Ok(left);
            }
        }
    }

    fn unary_expr(&mut self) -> Result<FilterExpr, SyntaxError> {
        let at = self.pos;
        self.enter(at)?;
        let result = match self.peek() {
            Some(b'!') if self.peek_at(1) != Some(b'=') => {
                self.pos += 1;
                self.skip_ws();
                self.unary_expr()
                    .map(|inner| FilterExpr::Not(Box::new(inner)))
            }
            Some(b'(') => {
                self.pos += 1;
                self.skip_ws();
                let inner = self.or_expr();
                match inner {
                    Ok(inner) => {
                        self.skip_ws();
                        self.expect(b')', "`)`").map(|()| inner)
                    }
                    Err(e) => Err(e),
                }
            }
            _ => self.comparison(),
        };
        self.leave();
        result
    }

    fn comparison(&mut self) -> Result<FilterExpr, SyntaxError> {
        let left = self.operand()?;
        self.skip_ws();
        let op_start = self.pos;
        let Some(op) = self.operator()? else {
            if let Operand::Literal(Literal::Regex { .. }, span) = left {
                return Err(SyntaxError::new(
                    "a regular expression is only allowed after `=~`",
                    span,
                ));
            }
            return Ok(FilterExpr::Exists(left));
        };
        let op_span = Span::new(op_start, self.pos);
        self.skip_ws();
        let right = self.operand()?;
        let right_is_regex = matches!(right, Operand::Literal(Literal::Regex { .. }, _));
        if op == CompareOp::Matches && !right_is_regex {
            return Err(SyntaxError::new(
                "`=~` needs a regular expression literal such as `/^a.*$/i` on its right",
                right.span(),
            ));
        }
        if op != CompareOp::Matches && right_is_regex {
            return Err(SyntaxError::new(
                "a regular expression is only allowed after `=~`",
                right.span(),
            ));
        }
        if matches!(left, Operand::Literal(Literal::Regex { .. }, _)) {
            return Err(SyntaxError::new(
                "a regular expression is only allowed after `=~`",
                left.span(),
            ));
        }
        Ok(FilterExpr::Compare {
            left,
            op,
            op_span,
            right,
        })
    }

    /// A relational operator at the current position, if there is one.
    fn operator(&mut self) -> Result<Option<CompareOp>, SyntaxError> {
        const SYMBOLS: [(&str, CompareOp); 9] = [
            ("===", CompareOp::StrictEq),
            ("!==", CompareOp::StrictNe),
            ("==", CompareOp::Eq),
            ("!=", CompareOp::Ne),
            ("<=", CompareOp::Le),
            (">=", CompareOp::Ge),
            ("=~", CompareOp::Matches),
            ("<", CompareOp::Lt),
            (">", CompareOp::Gt),
        ];
        let rest = self.rest();
        for (text, op) in SYMBOLS {
            if rest.starts_with(text) {
                self.pos += text.len();
                return Ok(Some(op));
            }
        }
        if rest.starts_with('=') {
            return Err(self.error_here("`=` is not an operator; use `==` to compare"));
        }
        let word_len = rest.bytes().take_while(|b| b.is_ascii_alphabetic()).count();
        if word_len == 0 {
            return Ok(None);
        }
        let word = rest.get(..word_len).unwrap_or("").to_ascii_lowercase();
        const WORDS: [(&str, CompareOp); 8] = [
            ("in", CompareOp::In),
            ("nin", CompareOp::Nin),
            ("subsetof", CompareOp::SubsetOf),
            ("anyof", CompareOp::AnyOf),
            ("noneof", CompareOp::NoneOf),
            ("contains", CompareOp::Contains),
            ("size", CompareOp::Size),
            ("empty", CompareOp::Empty),
        ];
        match WORDS.iter().find(|(w, _)| *w == word) {
            Some((_, op)) => {
                self.pos += word_len;
                Ok(Some(*op))
            }
            None => Err(SyntaxError::new(
                format!(
                    "unknown filter operator `{}`",
                    rest.get(..word_len).unwrap_or("")
                ),
                Span::new(self.pos, self.pos + word_len),
            )),
        }
    }

    fn operand(&mut self) -> Result<Operand, SyntaxError> {
        let start = self.pos;
        match self.peek() {
            Some(b'@' | b'$') => {
                self.enter(start)?;
                let path = self.path(true);
                self.leave();
                Ok(Operand::Path(path?))
            }
            Some(b'/') => {
                let literal = self.regex()?;
                Ok(Operand::Literal(literal, Span::new(start, self.pos)))
            }
            _ => {
                let literal = self.literal()?;
                Ok(Operand::Literal(literal, Span::new(start, self.pos)))
            }
        }
    }

    fn regex(&mut self) -> Result<Literal, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let body = self.pos;
        loop {
            match self.peek() {
                None => {
                    return Err(SyntaxError::new(
                        "unterminated regular expression: missing the closing `/`",
                        Span::new(open, self.pos),
                    ));
                }
                Some(b'\\') => {
                    self.pos += 1;
                    if let Some(c) = self.peek_char() {
                        self.pos += c.len_utf8();
                    }
                }
                Some(b'/') => break,
                Some(_) => {
                    let len = self.peek_char().map_or(1, char::len_utf8);
                    self.pos += len;
                }
            }
        }
        let pattern = self.src.get(body..self.pos).unwrap_or("").to_string();
        self.pos += 1; // closing `/`
        let flags_start = self.pos;
        while self.peek().is_some_and(|b| b.is_ascii_alphabetic()) {
            self.pos += 1;
        }
        let flags = self
            .src
            .get(flags_start..self.pos)
            .unwrap_or("")
            .to_string();
        Ok(Literal::Regex { pattern, flags })
    }

    /// A literal: number, quoted string, `true`/`false`/`null`, JSON array or object.
    fn literal(&mut self) -> Result<Literal, SyntaxError> {
        match self.peek() {
            Some(b'\'' | b'"') => Ok(Literal::String(self.quoted()?)),
            Some(b'-' | b'0'..=b'9') => Ok(Literal::Number(self.number()?)),
            Some(b'[') => {
                let open = self.pos;
                self.enter(open)?;
                self.pos += 1;
                self.skip_ws();
                let mut items = Vec::new();
                if self.peek() != Some(b']') {
                    loop {
                        self.skip_ws();
                        items.push(self.literal()?);
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b']') => break,
                            _ => return Err(self.unexpected("`,` or `]` in the array")),
                        }
                    }
                }
                self.pos += 1;
                self.leave();
                Ok(Literal::Array(items))
            }
            Some(b'{') => {
                let open = self.pos;
                self.enter(open)?;
                self.pos += 1;
                self.skip_ws();
                let mut members = Vec::new();
                if self.peek() != Some(b'}') {
                    loop {
                        self.skip_ws();
                        if !matches!(self.peek(), Some(b'\'' | b'"')) {
                            return Err(self.unexpected("a quoted key in the object"));
                        }
                        let key = self.quoted()?;
                        self.skip_ws();
                        self.expect(b':', "`:` after the key")?;
                        self.skip_ws();
                        let value = self.literal()?;
                        members.push((key, value));
                        self.skip_ws();
                        match self.peek() {
                            Some(b',') => self.pos += 1,
                            Some(b'}') => break,
                            _ => return Err(self.unexpected("`,` or `}` in the object")),
                        }
                    }
                }
                self.pos += 1;
                self.leave();
                Ok(Literal::Object(members))
            }
            _ => {
                let rest = self.rest();
                let word_len = rest
                    .bytes()
                    .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_')
                    .count();
                let word = rest.get(..word_len).unwrap_or("");
                let literal = match word {
                    "true" => Literal::Bool(true),
                    "false" => Literal::Bool(false),
                    "null" => Literal::Null,
                    _ => return Err(self.unexpected("a path (`@…` or `$…`) or a literal value")),
                };
                self.pos += word_len;
                Ok(literal)
            }
        }
    }

    fn number(&mut self) -> Result<Number, SyntaxError> {
        let start = self.pos;
        let end = scan_number(self.src.as_bytes(), start);
        let text = self.src.get(start..end).unwrap_or("");
        if end == start || text == "-" {
            return Err(self.unexpected("a number"));
        }
        self.pos = end;
        let value = text.parse::<f64>().map_err(|_| {
            SyntaxError::new(format!("invalid number `{text}`"), Span::new(start, end))
        })?;
        Ok(Number {
            text: text.to_string(),
            value,
        })
    }
}

/// The end of a JSON-style number starting at `start`: `-?digits(.digits)?([eE][+-]?digits)?`.
/// Returns `start` when there is no number; a dangling `.` or exponent is not consumed.
pub(crate) fn scan_number(bytes: &[u8], start: usize) -> usize {
    let digits_from = |mut i: usize| {
        while bytes.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
        i
    };
    let mut i = start;
    if bytes.get(i) == Some(&b'-') {
        i += 1;
    }
    let int_end = digits_from(i);
    if int_end == i {
        return start;
    }
    i = int_end;
    if bytes.get(i) == Some(&b'.') {
        let frac_end = digits_from(i + 1);
        if frac_end > i + 1 {
            i = frac_end;
        }
    }
    if matches!(bytes.get(i), Some(b'e' | b'E')) {
        let mut j = i + 1;
        if matches!(bytes.get(j), Some(b'+' | b'-')) {
            j += 1;
        }
        let exp_end = digits_from(j);
        if exp_end > j {
            i = exp_end;
        }
    }
    i
}

// ---------------------------------------------------------------------------------------------
// Display

/// Whether a name can be printed in dot notation and read back unchanged, in and out of filters.
fn is_shorthand_name(name: &str) -> bool {
    !name.is_empty()
        && name
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn write_quoted(f: &mut fmt::Formatter<'_>, s: &str) -> fmt::Result {
    f.write_str("'")?;
    for c in s.chars() {
        match c {
            '\'' => f.write_str("\\'")?,
            '\\' => f.write_str("\\\\")?,
            '\n' => f.write_str("\\n")?,
            '\r' => f.write_str("\\r")?,
            '\t' => f.write_str("\\t")?,
            c if (c as u32) < 0x20 => write!(f, "\\u{:04x}", c as u32)?,
            c => write!(f, "{c}")?,
        }
    }
    f.write_str("'")
}

fn write_list<T>(
    f: &mut fmt::Formatter<'_>,
    items: &[T],
    mut each: impl FnMut(&mut fmt::Formatter<'_>, &T) -> fmt::Result,
) -> fmt::Result {
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            f.write_str(",")?;
        }
        each(f, item)?;
    }
    Ok(())
}

impl fmt::Display for Root {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Root::Input => f.write_str("$"),
            Root::Context => f.write_str("$$"),
            Root::Variable(name) => write!(f, "${name}"),
            Root::Current => f.write_str("@"),
        }
    }
}

impl fmt::Display for JsonPath {
    /// Canonical form: `.name` when the name is a plain identifier, else `['name']`; `[*]` for
    /// child wildcards and `..*` for descendant ones.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.root)?;
        for segment in &self.segments {
            write!(f, "{segment}")?;
        }
        Ok(())
    }
}

impl fmt::Display for Segment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.kind {
            SegmentKind::Child(Selector::Name(n)) if is_shorthand_name(n) => write!(f, ".{n}"),
            SegmentKind::Child(selector) => write_bracket(f, selector),
            SegmentKind::Descendant(Selector::Name(n)) if is_shorthand_name(n) => {
                write!(f, "..{n}")
            }
            SegmentKind::Descendant(Selector::Wildcard) => f.write_str("..*"),
            SegmentKind::Descendant(selector) => {
                f.write_str("..")?;
                write_bracket(f, selector)
            }
            SegmentKind::Function(call) => {
                write!(f, ".{}(", call.function.name())?;
                write_list(f, &call.args, |f, a| write!(f, "{a}"))?;
                f.write_str(")")
            }
        }
    }
}

fn write_bracket(f: &mut fmt::Formatter<'_>, selector: &Selector) -> fmt::Result {
    f.write_str("[")?;
    match selector {
        Selector::Name(n) => write_quoted(f, n)?,
        Selector::Names(ns) => write_list(f, ns, |f, n| write_quoted(f, n))?,
        Selector::Index(i) => write!(f, "{i}")?,
        Selector::Indexes(is) => write_list(f, is, |f, i| write!(f, "{i}"))?,
        Selector::Wildcard => f.write_str("*")?,
        Selector::Slice { start, end, step } => {
            if let Some(s) = start {
                write!(f, "{s}")?;
            }
            f.write_str(":")?;
            if let Some(e) = end {
                write!(f, "{e}")?;
            }
            if let Some(s) = step {
                write!(f, ":{s}")?;
            }
        }
        Selector::Filter(expr) => write!(f, "?({expr})")?,
    }
    f.write_str("]")
}

impl fmt::Display for FilterExpr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            FilterExpr::Or(a, b) => write!(f, "{a} || {b}"),
            FilterExpr::And(a, b) => {
                for (i, side) in [a, b].into_iter().enumerate() {
                    if i > 0 {
                        f.write_str(" && ")?;
                    }
                    if matches!(**side, FilterExpr::Or(..)) {
                        write!(f, "({side})")?;
                    } else {
                        write!(f, "{side}")?;
                    }
                }
                Ok(())
            }
            FilterExpr::Not(inner) => match **inner {
                FilterExpr::Exists(_) | FilterExpr::Not(_) => write!(f, "!{inner}"),
                _ => write!(f, "!({inner})"),
            },
            FilterExpr::Compare {
                left, op, right, ..
            } => write!(f, "{left} {} {right}", op.as_str()),
            FilterExpr::Exists(operand) => write!(f, "{operand}"),
        }
    }
}

impl fmt::Display for Operand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Operand::Path(p) => write!(f, "{p}"),
            Operand::Literal(l, _) => write!(f, "{l}"),
        }
    }
}

impl fmt::Display for Literal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Literal::Null => f.write_str("null"),
            Literal::Bool(b) => write!(f, "{b}"),
            Literal::Number(n) => f.write_str(&n.text),
            Literal::String(s) => write_quoted(f, s),
            Literal::Array(items) => {
                f.write_str("[")?;
                write_list(f, items, |f, l| write!(f, "{l}"))?;
                f.write_str("]")
            }
            Literal::Object(members) => {
                f.write_str("{")?;
                write_list(f, members, |f, (k, v)| {
                    write_quoted(f, k)?;
                    write!(f, ":{v}")
                })?;
                f.write_str("}")
            }
            Literal::Regex { pattern, flags } => write!(f, "/{pattern}/{flags}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::ASCII_NAME_END;

    #[test]
    fn the_name_end_table_matches_the_character_rules() {
        for b in 0..128u8 {
            let c = char::from(b);
            let everywhere = matches!(c, '.' | '[' | '(') || c.is_whitespace();
            let in_filter = everywhere
                || matches!(
                    c,
                    ')' | ']' | ',' | '=' | '!' | '<' | '>' | '&' | '|' | '~' | '\'' | '"'
                );
            let entry = ASCII_NAME_END[usize::from(b)];
            assert_eq!(entry & 1 != 0, everywhere, "{b}");
            assert_eq!(entry & 2 != 0, in_filter, "{b}");
        }
    }
}
