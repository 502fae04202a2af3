//! A strict RFC 8259 JSON reader producing the spanned tree.
//!
//! Hand-written rather than built on serde so that every key and value keeps
//! its byte span, numbers keep their exact text, duplicate keys are reported
//! with both places, and errors point at the exact byte. The reader keeps its
//! own stack instead of recursing, so arbitrarily deep input cannot overflow
//! the thread's stack; nesting beyond [`MAX_DEPTH`] is a clear error.

// A syntax error ends reading, so the size of the error value does not matter
// on any hot path, and the contract returns `Diagnostic` itself.
#![allow(clippy::result_large_err)]

use crate::diagnostic::{Diagnostic, codes};
use crate::source::Span;
use bumpalo::collections::Vec as BumpVec;

use crate::tree::{Arena, Member, Node, NodeValue, Number};

/// Deepest nesting of arrays and objects accepted. Real definitions stay far
/// below this; the limit exists so hostile input fails fast and clearly.
pub const MAX_DEPTH: usize = 512;

/// Objects with more members than this switch from a linear duplicate-key
/// scan to a hash map.
const LINEAR_KEY_SCAN: usize = 12;

/// The reader's internal error: boxed, so that every `Result` on the hot
/// path stays as small as its `Ok` value (a `Diagnostic` is 160 bytes, and
/// moving it through each `?` cost more than the checks themselves).
type Fail = Box<Diagnostic>;

/// Reads one JSON document. A leading byte-order mark is skipped; spans
/// still count its bytes, so they index the text as given.
pub fn parse_json<'a>(text: &'a str, arena: &'a Arena) -> Result<Node<'a>, Diagnostic> {
    let mut reader = Reader {
        text,
        bytes: text.as_bytes(),
        arena,
        pos: 0,
    };
    if text.starts_with('\u{feff}') {
        reader.pos = '\u{feff}'.len_utf8();
    }
    reader.read().map_err(|d| *d)
}

struct Reader<'a> {
    text: &'a str,
    bytes: &'a [u8],
    arena: &'a Arena,
    pos: usize,
}

/// An array or object whose closing bracket has not been read yet.
///
/// Elements and members of open containers wait on shared scratch stacks
/// (from `base` up) and are copied into the arena when the container closes.
enum Frame<'a> {
    Array {
        start: usize,
        base: usize,
    },
    Object {
        start: usize,
        base: usize,
        /// The key whose value (an array or object) is being read.
        key: &'a str,
        key_span: Span,
        index: KeyTable,
    },
}

/// The span `start..end` of something just read (`start <= end` holds, so
/// the reordering check of [`Span::new`] is skipped on the hot path).
#[inline(always)]
fn span_to(start: usize, end: usize) -> Span {
    debug_assert!(start <= end);
    Span { start, end }
}

fn syntax(message: impl Into<String>, span: Span) -> Diagnostic {
    Diagnostic::error(codes::SYNTAX, message, span)
}

/// Whether `b` ends a whitespace skip at once: not blank, not a possible
/// comment. Bytes below `!` go the slow way (they are blanks, or control
/// characters the caller reports).
#[inline(always)]
fn settled(b: u8) -> bool {
    // A table lookup is one load and test where the two comparisons took six
    // instructions, on a check made several times per member.
    SETTLED[usize::from(b)]
}

static SETTLED: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 256 {
        table[b] = b > b' ' as usize && b != b'/' as usize;
        b += 1;
    }
    table
};

impl<'a> Reader<'a> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn read(&mut self) -> Result<Node<'a>, Fail> {
        let node = self.document()?;
        self.skip_whitespace()?;
        if self.pos < self.bytes.len() {
            return Err(self.trailing_content());
        }
        Ok(node)
    }

    #[cold]
    #[inline(never)]
    fn trailing_content(&self) -> Fail {
        Box::new(
            self.error_here_char("unexpected content after the end of the JSON document")
                .with_label("the document ended before this")
                .with_help("a definition holds exactly one JSON value; remove what follows it"),
        )
    }

    #[inline(always)]
    fn skip_whitespace(&mut self) -> Result<(), Fail> {
        self.next().map(drop)
    }

    /// Skips whitespace and returns the byte there (0 at the end of input,
    /// which every caller treats as "none of the bytes I expect").
    #[inline(always)]
    fn next(&mut self) -> Result<u8, Fail> {
        // Most calls find no whitespace (compact JSON, the byte after a
        // value) or one space (`": "`, `", "`): answer those here.
        let b = self.byte(self.pos);
        if settled(b) {
            return Ok(b);
        }
        if b == b' ' {
            let after = self.byte(self.pos + 1);
            if settled(after) {
                self.pos += 1;
                return Ok(after);
            }
        }
        // A line break and its indentation (pretty-printed text, before
        // each key): answered here too when fewer than 32 spaces follow.
        if b == b'\n'
            && let Some(chunk) = self
                .bytes
                .get(self.pos + 1..)
                .and_then(<[u8]>::first_chunk::<32>)
        {
            let (first, second) = chunk.split_at(16);
            let mut at = self.pos + 1 + leading_spaces(first);
            if at == self.pos + 17 {
                at += leading_spaces(second);
            }
            let after = self.byte(at);
            if settled(after) {
                self.pos = at;
                return Ok(after);
            }
        }
        self.skip_blank_run()
    }

    #[inline(always)]
    fn byte(&self, at: usize) -> u8 {
        self.bytes.get(at).copied().unwrap_or(0)
    }

    /// Skips a run of blanks and returns the byte after it (0 at the end of
    /// input). Pretty-printed text calls this for each line break and its
    /// indentation, so the error is kept out of line: the stack frame it
    /// needed cost more than the skip.
    #[inline(never)]
    fn skip_blank_run(&mut self) -> Result<u8, Fail> {
        let bytes = self.bytes;
        let mut pos = self.pos;
        // One blank byte (a line break, a tab), then the spaces after it
        // sixteen at a time (indentation), until a byte that is not blank.
        while let Some(b' ' | b'\t' | b'\n' | b'\r') = bytes.get(pos) {
            pos += 1;
            if let Some(chunk) = bytes.get(pos..).and_then(<[u8]>::first_chunk::<16>) {
                pos += leading_spaces(chunk);
            }
        }
        self.pos = pos;
        let b = self.byte(pos);
        if b == b'/' && matches!(bytes.get(pos + 1), Some(b'/' | b'*')) {
            return Err(self.comment());
        }
        Ok(b)
    }

    #[cold]
    #[inline(never)]
    fn comment(&self) -> Fail {
        Box::new(
            syntax(
                "comments are not allowed in JSON",
                Span::new(self.pos, self.pos + 2),
            )
            .with_label("comment starts here")
            .with_help("remove the comment, or write the definition in YAML"),
        )
    }

    /// The character at the current position as a span (one whole UTF-8
    /// character, or an empty span at the end of input).
    fn char_span(&self) -> Span {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            Some(c) => Span::new(self.pos, self.pos + c.len_utf8()),
            None => Span::at(self.pos),
        }
    }

    fn describe_here(&self) -> String {
        match self
            .text
            .get(self.pos..)
            .and_then(|rest| rest.chars().next())
        {
            Some(c) if c.is_control() => format!("character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
            None => "end of input".to_owned(),
        }
    }

    fn error_here_char(&self, message: impl Into<String>) -> Diagnostic {
        syntax(message, self.char_span())
    }

    fn document(&mut self) -> Result<Node<'a>, Fail> {
        // The scratch stacks live in the arena as well: a small definition is
        // then read with no allocator call beyond the arena's first block
        // (what growing stacks leave behind goes away with the arena).
        let bump = self.arena.bump();
        let mut stack = BumpVec::<Frame>::with_capacity_in(8, bump);
        let mut items = BumpVec::<Node<'a>>::with_capacity_in(16, bump);
        // Room for the members of a big `States` object up front (about one
        // per 256 bytes of text): regrowing copies them all each time.
        let member_room = (self.bytes.len() / 256).clamp(8, 4096);
        let mut members = BumpVec::<Member<'a>>::with_capacity_in(member_room, bump);
        'value: loop {
            // Read one value; containers push a frame and read their first
            // element/member on the next turn of the loop.
            let mut node = match self.next()? {
                b'{' => {
                    let start = self.pos;
                    self.check_depth(&stack)?;
                    self.pos += 1;
                    let b = self.next()?;
                    if b == b'}' {
                        self.pos += 1;
                        Node::new(span_to(start, self.pos), NodeValue::Object(&[]))
                    } else {
                        let (key, key_span) = self.key_string(b)?;
                        self.expect_colon()?;
                        stack.push(Frame::Object {
                            start,
                            base: members.len(),
                            key,
                            key_span,
                            index: KeyTable::default(),
                        });
                        continue;
                    }
                }
                b'[' => {
                    let start = self.pos;
                    self.check_depth(&stack)?;
                    self.pos += 1;
                    if self.next()? == b']' {
                        self.pos += 1;
                        Node::new(span_to(start, self.pos), NodeValue::Array(&[]))
                    } else {
                        stack.push(Frame::Array {
                            start,
                            base: items.len(),
                        });
                        continue;
                    }
                }
                b => self.scalar(b, !stack.is_empty())?,
            };

            // Hand the finished value to its parent, then read the parent's
            // further scalar elements/members right here; an array or object
            // among them goes back to the top, and a closing bracket finishes
            // the parent, which is handed to its own parent in turn.
            loop {
                let Some(frame) = stack.last_mut() else {
                    return Ok(node);
                };
                match frame {
                    Frame::Array { start, base } => {
                        items.push(node);
                        loop {
                            match self.next()? {
                                b',' => {
                                    let comma = self.pos;
                                    self.pos += 1;
                                    match self.next()? {
                                        b']' => return Err(Box::new(trailing_comma(comma))),
                                        b'{' | b'[' => continue 'value,
                                        b => {
                                            let element = self.scalar(b, true)?;
                                            items.push(element);
                                        }
                                    }
                                }
                                b']' => {
                                    self.pos += 1;
                                    let span = span_to(*start, self.pos);
                                    let own = self
                                        .arena
                                        .alloc_nodes(items.get(*base..).unwrap_or_default());
                                    items.truncate(*base);
                                    stack.pop();
                                    node = Node::new(span, NodeValue::Array(own));
                                    break;
                                }
                                _ => return Err(self.after_element(*start)),
                            }
                        }
                    }
                    Frame::Object {
                        start,
                        base,
                        key,
                        key_span,
                        index,
                    } => {
                        members.push(Member {
                            key,
                            key_span: *key_span,
                            value: node,
                        });
                        loop {
                            match self.next()? {
                                b',' => {
                                    let comma = self.pos;
                                    self.pos += 1;
                                    let b = self.next()?;
                                    if b == b'}' {
                                        return Err(Box::new(trailing_comma(comma)));
                                    }
                                    let (name, span) = self.key_string(b)?;
                                    let own = members.get(*base..).unwrap_or_default();
                                    check_key(own, index, name, span)?;
                                    self.expect_colon()?;
                                    let b = self.next()?;
                                    if b == b'{' || b == b'[' {
                                        *key = name;
                                        *key_span = span;
                                        continue 'value;
                                    }
                                    let value = self.scalar(b, true)?;
                                    members.push(Member {
                                        key: name,
                                        key_span: span,
                                        value,
                                    });
                                }
                                b'}' => {
                                    self.pos += 1;
                                    let span = span_to(*start, self.pos);
                                    let own = self
                                        .arena
                                        .alloc_members(members.get(*base..).unwrap_or_default());
                                    members.truncate(*base);
                                    stack.pop();
                                    node = Node::new(span, NodeValue::Object(own));
                                    break;
                                }
                                _ => return Err(self.after_member(*start, members.last())),
                            }
                        }
                    }
                }
            }
        }
    }

    #[cold]
    #[inline(never)]
    fn after_element(&self, start: usize) -> Fail {
        Box::new(
            syntax(
                format!(
                    "expected `,` or `]` after array element, found {}",
                    self.describe_here()
                ),
                self.char_span(),
            )
            .with_secondary(Span::at(start), "array starts here"),
        )
    }

    #[cold]
    #[inline(never)]
    fn after_member(&self, start: usize, previous: Option<&Member<'a>>) -> Fail {
        let d = syntax(
            format!(
                "expected `,` or `}}` after object member, found {}",
                self.describe_here()
            ),
            self.char_span(),
        );
        // A key right after a value is almost always a forgotten comma: show
        // where it belongs.
        let d = match (self.peek(), previous) {
            (Some(b'"'), Some(previous)) => d
                .with_secondary(Span::at(previous.value.span.end), "a `,` is missing here")
                .with_help("add a `,` between the members"),
            _ => d.with_secondary(Span::at(start), "object starts here"),
        };
        Box::new(d)
    }

    #[inline(always)]
    fn check_depth(&self, stack: &[Frame<'a>]) -> Result<(), Fail> {
        if stack.len() >= MAX_DEPTH {
            return Err(self.too_deep());
        }
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn too_deep(&self) -> Fail {
        Box::new(
            Diagnostic::error(
                codes::TOO_DEEP,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
                Span::new(self.pos, self.pos + 1),
            )
            .with_label("this array or object is too deep")
            .with_note("no real state machine nests this deeply; the reader stops here"),
        )
    }

    /// Reads a key; `first` is the byte at the current position.
    #[inline(always)]
    fn key_string(&mut self, first: u8) -> Result<(&'a str, Span), Fail> {
        if first != b'"' {
            return Err(self.not_a_key());
        }
        let start = self.pos;
        let s = self.string()?;
        Ok((s, span_to(start, self.pos)))
    }

    #[cold]
    #[inline(never)]
    fn not_a_key(&self) -> Fail {
        Box::new(match self.peek() {
            Some(b'\'') => self
                .error_here_char("strings must use double quotes in JSON")
                .with_label("single quote here"),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' || b == b'$' => {
                let word = self.word_span();
                syntax("object keys must be strings in double quotes", word)
                    .with_label("unquoted key")
            }
            _ => self.error_here_char(format!(
                "expected a string key or `}}`, found {}",
                self.describe_here()
            )),
        })
    }

    #[inline(always)]
    fn expect_colon(&mut self) -> Result<(), Fail> {
        // Keys are almost always followed by the colon itself.
        if self.peek() == Some(b':') {
            self.pos += 1;
            return Ok(());
        }
        self.expect_colon_after_blank()
    }

    #[inline(never)]
    fn expect_colon_after_blank(&mut self) -> Result<(), Fail> {
        self.skip_whitespace()?;
        if self.peek() == Some(b':') {
            self.pos += 1;
            Ok(())
        } else {
            Err(Box::new(self.error_here_char(format!(
                "expected `:` after object key, found {}",
                self.describe_here()
            ))))
        }
    }

    /// Span of the identifier-like word at the current position.
    fn word_span(&self) -> Span {
        let rest = self.text.get(self.pos..).unwrap_or("");
        let len = rest
            .char_indices()
            .find(|&(_, c)| !(c.is_alphanumeric() || c == '_' || c == '$' || c == '-'))
            .map_or(rest.len(), |(i, _)| i);
        Span::new(self.pos, self.pos + len.max(1).min(rest.len()))
    }

    /// Reads a string, number or keyword; `first` is the byte at the current
    /// position, `nested` tells whether the value is inside an array or
    /// object (for the messages about a missing value).
    #[inline(always)]
    fn scalar(&mut self, first: u8, nested: bool) -> Result<Node<'a>, Fail> {
        let start = self.pos;
        let rest = self.bytes.get(start..).unwrap_or_default();
        let value = match first {
            b'"' => NodeValue::String(self.string()?),
            b'-' | b'0'..=b'9' => NodeValue::Number(self.number()?),
            b't' if rest.starts_with(b"true") => {
                self.literal_end(4)?;
                NodeValue::Bool(true)
            }
            b'f' if rest.starts_with(b"false") => {
                self.literal_end(5)?;
                NodeValue::Bool(false)
            }
            b'n' if rest.starts_with(b"null") => {
                self.literal_end(4)?;
                NodeValue::Null
            }
            _ => return Err(self.not_a_value(nested)),
        };
        Ok(Node::new(span_to(start, self.pos), value))
    }

    #[cold]
    #[inline(never)]
    fn not_a_value(&self, nested: bool) -> Fail {
        Box::new(match self.peek() {
            Some(b'\'') => self
                .error_here_char("strings must use double quotes in JSON")
                .with_label("single quote here"),
            Some(b) if b.is_ascii_alphabetic() || b == b'_' => {
                let word = self.word_span();
                let text = word.slice(self.text).unwrap_or("");
                syntax(
                    format!("unexpected word `{text}`, expected a JSON value"),
                    word,
                )
                .with_help(
                    "strings must be in double quotes; the only bare words are `true`, `false` and `null`",
                )
            }
            Some(b',') if nested => self.error_here_char("expected a value before `,`"),
            Some(b']' | b'}') if nested => {
                self.error_here_char(format!("expected a value, found {}", self.describe_here()))
            }
            None => syntax(
                "expected a JSON value, found end of input",
                Span::at(self.pos),
            ),
            _ => self.error_here_char(format!(
                "expected a JSON value, found {}",
                self.describe_here()
            )),
        })
    }

    /// Consumes a keyword of `len` bytes and rejects `trueish` and the like.
    #[inline(always)]
    fn literal_end(&mut self, len: usize) -> Result<(), Fail> {
        let after = self.pos + len;
        if let Some(&b) = self.bytes.get(after)
            && (b.is_ascii_alphanumeric() || b == b'_')
        {
            return Err(self.word_after_literal());
        }
        self.pos = after;
        Ok(())
    }

    #[cold]
    #[inline(never)]
    fn word_after_literal(&self) -> Fail {
        let word = self.word_span();
        let text = word.slice(self.text).unwrap_or("");
        Box::new(syntax(
            format!("unexpected word `{text}`, expected a JSON value"),
            word,
        ))
    }

    /// Reads a string starting at the opening quote; leaves `pos` after the
    /// closing quote.
    #[inline(always)]
    fn string(&mut self) -> Result<&'a str, Fail> {
        let open = self.pos;
        let content_start = open + 1;
        // Fast path: no escapes. `"` and `\` are ASCII, so the slice always
        // ends on a character boundary.
        let rest = self.bytes.get(content_start..).unwrap_or_default();
        let end = content_start + plain_run(rest);
        if self.bytes.get(end) == Some(&b'"') {
            self.pos = end + 1;
            return Ok(self.text.get(content_start..end).unwrap_or(""));
        }
        self.pos = end;
        self.escaped_string(open, content_start)
    }

    /// The rest of a string whose plain start ended before `pos` at a
    /// backslash, a control character or the end of input.
    #[inline(never)]
    fn escaped_string(&mut self, open: usize, content_start: usize) -> Result<&'a str, Fail> {
        if let Some(0x00..=0x1f) = self.peek() {
            return Err(Box::new(self.control_in_string(open)));
        }
        let mut out = String::from(self.text.get(content_start..self.pos).unwrap_or(""));
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(Box::new(unterminated(open, self.pos)));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(self.arena.alloc_str(&out));
                }
                b'\\' => self.escape(&mut out)?,
                0x00..=0x1f => return Err(Box::new(self.control_in_string(open))),
                _ => {
                    // Copy the run of ordinary bytes up to the next special one.
                    let run_start = self.pos;
                    let rest = self.bytes.get(run_start..).unwrap_or_default();
                    self.pos = run_start + plain_run(rest);
                    out.push_str(self.text.get(run_start..self.pos).unwrap_or(""));
                }
            }
        }
    }

    fn control_in_string(&self, open: usize) -> Diagnostic {
        if self.peek() == Some(b'\n') || self.peek() == Some(b'\r') {
            // Most likely an unterminated string running into the next line.
            return syntax("line break inside a string", Span::new(open, self.pos))
                .with_label("this string is not closed on its line")
                .with_help("close the string with `\"`, or write a line break as `\\n`");
        }
        let c = self.peek().unwrap_or(0);
        syntax(
            format!("control character U+{c:04X} must be escaped in a string"),
            Span::new(self.pos, self.pos + 1),
        )
        .with_help(format!("write it as `\\u{c:04X}`"))
    }

    /// Decodes one escape sequence at `pos` (which is at the backslash).
    fn escape(&mut self, out: &mut String) -> Result<(), Diagnostic> {
        let start = self.pos;
        let Some(&kind) = self.bytes.get(self.pos + 1) else {
            return Err(unterminated(start, self.pos + 1));
        };
        self.pos += 2;
        let c = match kind {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let high = self.hex4(start)?;
                if (0xDC00..0xE000).contains(&high) {
                    return Err(syntax(
                        "invalid unicode escape: a low surrogate without a high surrogate before it",
                        Span::new(start, self.pos),
                    ));
                }
                if (0xD800..0xDC00).contains(&high) {
                    if self.bytes.get(self.pos) != Some(&b'\\')
                        || self.bytes.get(self.pos + 1) != Some(&b'u')
                    {
                        return Err(syntax(
                            "invalid unicode escape: a high surrogate must be followed by a `\\u` low surrogate",
                            Span::new(start, self.pos),
                        ));
                    }
                    let low_start = self.pos;
                    self.pos += 2;
                    let low = self.hex4(low_start)?;
                    if !(0xDC00..0xE000).contains(&low) {
                        return Err(syntax(
                            "invalid unicode escape: a high surrogate must be followed by a low surrogate",
                            Span::new(start, self.pos),
                        ));
                    }
                    let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
                    char::from_u32(code).unwrap_or(char::REPLACEMENT_CHARACTER)
                } else {
                    char::from_u32(high).unwrap_or(char::REPLACEMENT_CHARACTER)
                }
            }
            _ => {
                let span = Span::new(
                    start,
                    start
                        + 1
                        + self
                            .text
                            .get(start + 1..)
                            .and_then(|r| r.chars().next())
                            .map_or(1, char::len_utf8),
                );
                let shown = span.slice(self.text).unwrap_or("\\");
                self.pos = span.end;
                return Err(syntax(format!("invalid escape `{shown}` in string"), span)
                    .with_help("JSON allows only \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX"));
            }
        };
        out.push(c);
        Ok(())
    }

    /// Reads the four hex digits of a `\u` escape starting at `pos`.
    fn hex4(&mut self, escape_start: usize) -> Result<u32, Diagnostic> {
        let mut value = 0u32;
        for _ in 0..4 {
            let digit = self.peek().and_then(|b| (b as char).to_digit(16));
            match digit {
                Some(d) => {
                    value = value * 16 + d;
                    self.pos += 1;
                }
                None => {
                    return Err(syntax(
                        "invalid unicode escape: `\\u` must be followed by four hex digits",
                        Span::new(escape_start, self.char_span().end.max(self.pos)),
                    ));
                }
            }
        }
        Ok(value)
    }

    fn number(&mut self) -> Result<Number<'a>, Fail> {
        // Works on a local position (stored once at the end) and leaves every
        // error to cold functions, so the common case stays small.
        let bytes = self.bytes;
        let start = self.pos;
        let negative = bytes.get(start) == Some(&b'-');
        let digits_start = start + usize::from(negative);
        let mut pos = digits_start;
        // The integer part's value, kept while scanning: exact as long as it
        // has at most 15 digits, which is checked below before it is used.
        let mut whole: u64 = 0;
        match bytes.get(pos) {
            Some(b'0') => {
                pos += 1;
                if matches!(bytes.get(pos), Some(b'0'..=b'9')) {
                    return Err(leading_zeros(start, digits_end(bytes, pos)));
                }
            }
            Some(b'1'..=b'9') => {
                while let Some(&b @ b'0'..=b'9') = bytes.get(pos) {
                    whole = whole.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                    pos += 1;
                }
            }
            _ => return Err(self.bad_number_at(pos, "expected a digit after `-`")),
        }
        let whole_end = pos;
        // The digits after the point join `whole` (as in `2.50` -> 250), so
        // a short decimal's value is `whole / 10^fraction_digits`.
        let mut fraction_digits = 0;
        if bytes.get(pos) == Some(&b'.') {
            pos += 1;
            if !matches!(bytes.get(pos), Some(b'0'..=b'9')) {
                return Err(self.bad_number_at(pos, "expected a digit after the decimal point"));
            }
            let fraction_start = pos;
            while let Some(&b @ b'0'..=b'9') = bytes.get(pos) {
                whole = whole.wrapping_mul(10).wrapping_add(u64::from(b - b'0'));
                pos += 1;
            }
            fraction_digits = pos - fraction_start;
        }
        let mantissa_end = pos;
        if matches!(bytes.get(pos), Some(b'e' | b'E')) {
            pos += 1;
            if matches!(bytes.get(pos), Some(b'+' | b'-')) {
                pos += 1;
            }
            if !matches!(bytes.get(pos), Some(b'0'..=b'9')) {
                return Err(self.bad_number_at(pos, "expected a digit in the exponent"));
            }
            pos = digits_end(bytes, pos);
        }
        self.pos = pos;
        let span = span_to(start, pos);
        let text = span.slice(self.text).unwrap_or("");
        if pos == mantissa_end && whole_end - digits_start + fraction_digits <= 15 {
            // Every integer below 2^53 is exact as f64, and so is its
            // negation (`-0` gives -0.0, as the float parser would). With a
            // fraction, both the digits and 10^k (k <= 15 < 23) are exact, so
            // the one rounding of the division gives the correctly rounded
            // value the float parser would (Clinger's fast path).
            let digits = whole as f64;
            let value = match POWERS_OF_TEN.get(fraction_digits) {
                Some(&scale) if fraction_digits > 0 => digits / scale,
                _ => digits,
            };
            let value = if negative { -value } else { value };
            return Ok(Number::exact(text, value));
        }
        Number::from_text(text).ok_or_else(|| out_of_range(text, span))
    }

    /// "expected a digit …, found X" at `pos`, which becomes the reader's
    /// position (as if it had stepped there).
    #[cold]
    #[inline(never)]
    fn bad_number_at(&mut self, pos: usize, expected: &str) -> Fail {
        self.pos = pos;
        Box::new(self.error_here_char(format!("{expected}, found {}", self.describe_here())))
    }
}

/// 10^0 ..= 10^15, each exact as `f64`.
const POWERS_OF_TEN: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// End of the run of ASCII digits starting at `pos`.
fn digits_end(bytes: &[u8], mut pos: usize) -> usize {
    while matches!(bytes.get(pos), Some(b'0'..=b'9')) {
        pos += 1;
    }
    pos
}

#[cold]
#[inline(never)]
fn leading_zeros(start: usize, end: usize) -> Fail {
    Box::new(syntax(
        "leading zeros are not allowed in JSON numbers",
        Span::new(start, end),
    ))
}

#[cold]
#[inline(never)]
fn out_of_range(text: &str, span: Span) -> Fail {
    Box::new(
        syntax(format!("number `{text}` is out of range"), span)
            .with_note("numbers must fit a 64-bit floating point value"),
    )
}

/// How many of the first 16 bytes of `chunk` are spaces before the first
/// other byte (16 when all are; 0 for a shorter chunk): one compare for a
/// line's indentation.
#[inline(always)]
fn leading_spaces(chunk: &[u8]) -> usize {
    const SPACES: u128 = u128::from_le_bytes([b' '; 16]);
    match chunk.first_chunk::<16>() {
        Some(&bytes) => ((u128::from_le_bytes(bytes) ^ SPACES).trailing_zeros() / 8) as usize,
        None => 0,
    }
}

/// Reports `name` when `members` (the object's members so far) already has
/// it. Small objects are scanned; big ones keep a [`KeyTable`], which
/// assumes the member with key `name` is pushed before the next check.
#[inline(always)]
pub(crate) fn check_key(
    members: &[Member<'_>],
    index: &mut KeyTable,
    name: &str,
    span: Span,
) -> Result<(), Fail> {
    let first = if members.len() < LINEAR_KEY_SCAN {
        // Length and first byte first: keys of one length mostly differ
        // there, and the full comparison is a `memcmp` call.
        let first = name.as_bytes().first();
        members.iter().find(|m| {
            m.key.len() == name.len() && m.key.as_bytes().first() == first && m.key == name
        })
    } else {
        index.check(members, name)
    };
    match first {
        Some(first) => Err(Box::new(duplicate_key(name, span, first.key_span))),
        None => Ok(()),
    }
}

/// Positions of a big object's keys, for duplicate detection: an open
/// addressing table of `(hash, position + 1)`, zero marking a free slot.
/// Cheaper than a map of cloned keys (the 1,000 states of a big machine cost
/// ~430 instructions a key that way).
#[derive(Default)]
pub(crate) struct KeyTable {
    /// Empty, or a power of two long and at most half full.
    slots: Vec<(u64, usize)>,
    /// `hash >> shift` is a hash's first slot: its top bits, which the
    /// multiply of [`key_hash`] mixes best.
    shift: u32,
    /// Members recorded so far (positions `0..len`).
    len: usize,
}

impl KeyTable {
    /// The member of `members` named `name`, if any; then records `name` at
    /// position `members.len()`, where its member goes next.
    #[inline(never)]
    fn check<'m, 'a>(&mut self, members: &'m [Member<'a>], name: &str) -> Option<&'m Member<'a>> {
        if self.len < members.len() {
            self.catch_up(members);
        }
        // Grow first, so that the free slot the probe ends at is where
        // `name` goes.
        if (self.len + 1) * 2 > self.slots.len() {
            self.grow();
        }
        let wanted = key_hash(name);
        let mask = self.slots.len() - 1;
        let mut i = (wanted >> self.shift) as usize;
        while let Some(slot) = self.slots.get_mut(i) {
            let (hash, position) = *slot;
            if position == 0 {
                *slot = (wanted, members.len() + 1);
                self.len += 1;
                return None;
            }
            if hash == wanted
                && let Some(m) = members.get(position - 1)
                && m.key == name
            {
                return Some(m);
            }
            i = (i + 1) & mask;
        }
        None
    }

    /// Records the members read before the object grew big.
    #[inline(never)]
    fn catch_up(&mut self, members: &[Member<'_>]) {
        while let Some(m) = members.get(self.len) {
            if (self.len + 1) * 2 > self.slots.len() {
                self.grow();
            }
            self.place(key_hash(m.key), self.len + 1);
            self.len += 1;
        }
    }

    #[inline(never)]
    fn grow(&mut self) {
        let size = (self.slots.len() * 4).max(64);
        let old = std::mem::replace(&mut self.slots, vec![(0, 0); size]);
        self.shift = 64 - size.trailing_zeros();
        for &(hash, slot_value) in old.iter().filter(|slot| slot.1 != 0) {
            self.place(hash, slot_value);
        }
    }

    fn place(&mut self, hash: u64, slot_value: usize) {
        let mask = self.slots.len() - 1;
        let mut i = (hash >> self.shift) as usize;
        while let Some(slot) = self.slots.get_mut(i) {
            if slot.1 == 0 {
                *slot = (hash, slot_value);
                return;
            }
            i = (i + 1) & mask;
        }
    }
}

/// A hash of every byte of `key`, with its best-mixed bits on top (the
/// table picks slots by them).
fn key_hash(key: &str) -> u64 {
    crate::hash::hash_bytes(key.as_bytes())
}

/// Length of the leading run of `bytes` that needs no decoding: no `"`,
/// no `\\` and no control character. Looks at eight bytes per step (strings
/// are most of a definition's text), then finishes byte by byte.
pub(crate) fn plain_run(bytes: &[u8]) -> usize {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // High bit of each byte of `word` that is zero. Bits can be wrong only
    // above a byte that really is zero, so the lowest set bit is exact.
    let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
    let mut chunks = bytes.chunks_exact(8);
    let mut done = 0;
    for chunk in &mut chunks {
        let mut word = [0u8; 8];
        word.copy_from_slice(chunk);
        let word = u64::from_le_bytes(word);
        let special = zero_bytes(word ^ (ONES * u64::from(b'"')))
            | zero_bytes(word ^ (ONES * u64::from(b'\\')))
            // Below 0x20: subtracting 0x20 borrows into the high bit, which
            // `!word` keeps only for ASCII bytes.
            | (word.wrapping_sub(ONES * 0x20) & !word & HIGH);
        if special != 0 {
            return done + (special.trailing_zeros() / 8) as usize;
        }
        done += 8;
    }
    let rest = chunks.remainder();
    done + rest
        .iter()
        .position(|&b| b == b'"' || b == b'\\' || b < 0x20)
        .unwrap_or(rest.len())
}

fn trailing_comma(comma: usize) -> Diagnostic {
    syntax(
        "trailing comma is not allowed in JSON",
        Span::new(comma, comma + 1),
    )
    .with_label("remove this comma")
}

fn unterminated(open: usize, end: usize) -> Diagnostic {
    syntax("unterminated string", Span::new(open, end))
        .with_label("string starts here and is never closed")
}

/// The diagnostic both readers give for a key that occurs twice.
pub(crate) fn duplicate_key(name: &str, span: Span, first: Span) -> Diagnostic {
    Diagnostic::error(
        codes::DUPLICATE_KEY,
        format!("duplicate key `{name}`"),
        span,
    )
    .with_label("second occurrence")
    .with_secondary(first, "first defined here")
    .with_note("AWS rejects definitions with duplicate keys; other tools silently keep one of them")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The reader with an arena of its own.
    fn parse_json(text: &str) -> Result<Node<'_>, Diagnostic> {
        super::parse_json(text, crate::tree::test_arena())
    }

    fn err(text: &str) -> Diagnostic {
        match parse_json(text) {
            Ok(node) => panic!("expected an error, parsed {node:?}"),
            Err(d) => d,
        }
    }

    fn at(text: &str, needle: &str) -> usize {
        text.find(needle).expect("needle in text")
    }

    #[test]
    fn plain_runs_stop_at_the_first_special_byte_in_any_position() {
        let naive = |b: &[u8]| {
            b.iter()
                .position(|&c| c == b'"' || c == b'\\' || c < 0x20)
                .unwrap_or(b.len())
        };
        for len in 0..20 {
            for at in 0..=len {
                for special in [b'"', b'\\', 0x00, 0x1f, b'\n'] {
                    // Non-ASCII bytes around the special one must not hide it
                    // or be taken for it.
                    let mut bytes: Vec<u8> = (0..len)
                        .map(|i| [b'a', 0xc3, 0xa9, b' ', 0x7f][i % 5])
                        .collect();
                    if at < len {
                        bytes[at] = special;
                    }
                    assert_eq!(plain_run(&bytes), naive(&bytes), "{bytes:?}");
                }
            }
        }
    }

    #[test]
    fn settled_bytes_are_those_after_blanks_but_a_slash() {
        for b in 0..=u8::MAX {
            assert_eq!(settled(b), b > b' ' && b != b'/', "{b}");
        }
    }

    #[test]
    fn every_key_and_value_has_its_span() {
        let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "End": true}}}"#;
        let root = parse_json(text).expect("valid");
        let start_at = root.member("StartAt").expect("member");
        assert_eq!(start_at.key_span.slice(text), Some(r#""StartAt""#));
        assert_eq!(start_at.value.span.slice(text), Some(r#""A""#));
        let end = root
            .get("States")
            .and_then(|s| s.get("A"))
            .and_then(|a| a.get("End"))
            .expect("nested");
        assert_eq!(end.span.slice(text), Some("true"));
        assert_eq!(root.span, Span::new(0, text.len()));
    }

    #[test]
    fn numbers_keep_their_exact_text() {
        let root = parse_json(r#"[1.50, -0, 2E+3, 12345678901234567890]"#).expect("valid");
        let texts: Vec<&str> = root
            .as_array()
            .expect("array")
            .iter()
            .map(|n| n.as_number().expect("number").text())
            .collect();
        assert_eq!(texts, ["1.50", "-0", "2E+3", "12345678901234567890"]);
    }

    #[test]
    fn short_decimals_read_to_the_same_value_as_the_float_parser() {
        let mut texts: Vec<String> = [
            "0.1",
            "0.3",
            "2.0",
            "-2.50",
            "-0.0",
            "0.000000000000001",
            "9.99999999999999",
            "123456789012.345",
            "999999999999999.9",
            "1.7976931348623157",
            "0.1234567890123456",
        ]
        .iter()
        .map(|t| t.to_string())
        .collect();
        // Pseudo-random decimals with 1 to 17 digits around the point.
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let digits = (x % 17 + 1) as usize;
            let point = ((x >> 8) as usize) % digits;
            let all = format!("{:017}", x >> 5);
            let d = &all[all.len() - digits..];
            let (int, frac) = d.split_at(point.max(1));
            let int = int.trim_start_matches('0');
            let int = if int.is_empty() { "0" } else { int };
            let sign = if x & 1 == 0 { "" } else { "-" };
            if !frac.is_empty() {
                texts.push(format!("{sign}{int}.{frac}"));
            }
        }
        for text in &texts {
            let node = parse_json(text).expect("valid number");
            let expected: f64 = text.parse().expect("float");
            let n = node.as_number().expect("number");
            assert_eq!(n.as_f64().to_bits(), expected.to_bits(), "{text}");
            assert_eq!(n.text(), text);
        }
    }

    #[test]
    fn indentation_of_any_width_is_skipped_with_exact_spans() {
        for width in 0..70 {
            let pad = " ".repeat(width);
            let text = format!("{{\n{pad}\"a\": 1,\n{pad}\"b\": [\n{pad}true\n{pad}]\n{pad}}}");
            let root = parse_json(&text).expect("valid");
            let b = root.member("b").expect("b");
            assert_eq!(b.key_span.slice(&text), Some("\"b\""), "{width}");
            let first = b.value.index(0).expect("element");
            assert_eq!(first.span.slice(&text), Some("true"), "{width}");
            assert_eq!(root.span.slice(&text), Some(text.as_str()), "{width}");
        }
    }

    #[test]
    fn escapes_are_decoded_including_surrogate_pairs() {
        let root = parse_json(r#""a\n\"\u00e9\ud83d\ude00\/""#).expect("valid");
        assert_eq!(root.as_str(), Some("a\n\"é😀/"));
    }

    #[test]
    fn duplicate_key_points_at_second_and_first_occurrence() {
        let text = r#"{"Type": "Pass", "Next": "B", "Type": "Task"}"#;
        let d = err(text);
        assert_eq!(d.code, codes::DUPLICATE_KEY);
        let second = text.rfind(r#""Type""#).expect("second");
        assert_eq!(d.span, Span::new(second, second + 6));
        assert_eq!(d.secondary.first().map(|s| s.0), Some(Span::new(1, 7)));
    }

    #[test]
    fn duplicate_key_found_in_large_objects() {
        let mut text = String::from("{");
        for i in 0..40 {
            text.push_str(&format!("\"k{i}\": {i}, "));
        }
        text.push_str("\"k7\": 0}");
        let d = err(&text);
        assert_eq!(d.code, codes::DUPLICATE_KEY);
        assert_eq!(d.span.slice(&text), Some("\"k7\""));
    }

    #[test]
    fn duplicate_keys_of_big_objects_point_at_the_first_occurrence() {
        for members in [12, 13, 40, 100, 3000] {
            for first in [0, 11, 12, members / 2, members - 1].map(|f| f.min(members - 1)) {
                let mut text = String::from("{");
                for i in 0..members {
                    text.push_str(&format!("\"State {i}\": {{\"n\": [{i}]}}, "));
                }
                text.push_str(&format!("\"State {first}\": 0}}"));
                let d = err(&text);
                assert_eq!(d.code, codes::DUPLICATE_KEY);
                let needle = format!("\"State {first}\"");
                assert_eq!(d.span.start, text.rfind(&needle).expect("second"));
                let at = text.find(&needle).expect("first");
                assert_eq!(
                    d.secondary.first().map(|s| s.0),
                    Some(Span::new(at, at + needle.len()))
                );
            }
            let mut text = String::from("{");
            for i in 0..members {
                text.push_str(&format!("\"State {i}\": {i}, \"Ztate {i}\": \"\\u0041\", "));
            }
            text.push_str("\"end\": null}");
            let root = parse_json(&text).expect("no duplicates");
            assert_eq!(root.as_object().map(<[Member]>::len), Some(2 * members + 1));
        }
    }

    #[test]
    fn same_key_in_different_objects_is_fine() {
        assert!(parse_json(r#"{"a": {"x": 1}, "b": {"x": 2}}"#).is_ok());
    }

    #[test]
    fn missing_comma_between_members_is_reported_at_the_next_key() {
        let text = "{\"a\": 1\n \"b\": 2}";
        let d = err(text);
        assert_eq!(d.code, codes::SYNTAX);
        assert!(
            d.message
                .starts_with("expected `,` or `}` after object member")
        );
        assert_eq!(d.span.start, at(text, "\"b\""));
        assert_eq!(d.secondary.first().map(|s| s.0), Some(Span::at(7)));
    }

    #[test]
    fn missing_comma_in_array_is_reported_at_the_next_element() {
        let text = "[1 2]";
        let d = err(text);
        assert!(
            d.message
                .starts_with("expected `,` or `]` after array element")
        );
        assert_eq!(d.span, Span::new(3, 4));
    }

    #[test]
    fn trailing_comma_points_at_the_comma() {
        let text = r#"{"a": 1,}"#;
        let d = err(text);
        assert_eq!(d.message, "trailing comma is not allowed in JSON");
        assert_eq!(d.span, Span::new(7, 8));
        assert_eq!(err("[1, ]").span, Span::new(2, 3));
    }

    #[test]
    fn missing_colon_is_reported_after_the_key() {
        let d = err(r#"{"a" 1}"#);
        assert!(d.message.starts_with("expected `:` after object key"));
        assert_eq!(d.span, Span::new(5, 6));
    }

    #[test]
    fn unquoted_keys_and_single_quotes_are_rejected() {
        assert_eq!(err("{StartAt: 1}").span, Span::new(1, 8));
        assert_eq!(
            err("{'a': 1}").message,
            "strings must use double quotes in JSON"
        );
    }

    #[test]
    fn comments_are_rejected() {
        let d = err("{\n // note\n}");
        assert_eq!(d.message, "comments are not allowed in JSON");
        assert_eq!(d.span, Span::new(3, 5));
    }

    #[test]
    fn invalid_numbers_are_rejected_with_their_reason() {
        assert_eq!(
            err("012").message,
            "leading zeros are not allowed in JSON numbers"
        );
        assert!(
            err("1.")
                .message
                .starts_with("expected a digit after the decimal point")
        );
        assert!(
            err("1e")
                .message
                .starts_with("expected a digit in the exponent")
        );
        assert!(err("-x").message.starts_with("expected a digit after `-`"));
        assert!(err("1e999").message.contains("out of range"));
        assert!(err("NaN").message.starts_with("unexpected word `NaN`"));
    }

    #[test]
    fn bad_strings_are_rejected_at_the_culprit() {
        let d = err(r#""a\qb""#);
        assert_eq!(d.message, "invalid escape `\\q` in string");
        assert_eq!(d.span, Span::new(2, 4));
        assert_eq!(err("\"a\tb\"").span, Span::new(2, 3));
        assert_eq!(err("\"abc").message, "unterminated string");
        assert!(err(r#""\ud800x""#).message.contains("high surrogate"));
        assert!(err(r#""\udc00""#).message.contains("low surrogate"));
        assert!(err(r#""\u12G4""#).message.contains("four hex digits"));
    }

    #[test]
    fn keyword_prefixes_are_not_keywords() {
        assert!(
            err("trueish")
                .message
                .starts_with("unexpected word `trueish`")
        );
        assert_eq!(parse_json(" null ").map(|n| n.is_null()), Ok(true));
    }

    #[test]
    fn trailing_content_is_rejected() {
        let d = err("{} {}");
        assert_eq!(d.span, Span::new(3, 4));
    }

    #[test]
    fn empty_input_is_reported() {
        assert_eq!(
            err("  ").message,
            "expected a JSON value, found end of input"
        );
    }

    #[test]
    fn byte_order_mark_is_skipped_and_spans_count_it() {
        let text = "\u{feff}{\"a\": 1}";
        let root = parse_json(text).expect("valid");
        assert_eq!(root.span.start, 3);
        assert_eq!(root.member("a").map(|m| m.key_span), Some(Span::new(4, 7)));
    }

    #[test]
    fn nesting_at_the_limit_is_accepted() {
        let text = format!("{}{}", "[".repeat(MAX_DEPTH), "]".repeat(MAX_DEPTH));
        assert!(parse_json(&text).is_ok());
    }

    #[test]
    fn ten_thousand_levels_give_a_depth_error_not_a_crash() {
        let text = format!("{}{}", "[{\"a\":".repeat(5_000), "}]".repeat(5_000));
        let d = err(&text);
        assert_eq!(d.code, codes::TOO_DEEP);
        // Each `[{"a":` opens two levels in six bytes; the container at depth
        // MAX_DEPTH + 1 is the `[` of repetition MAX_DEPTH / 2.
        assert_eq!(d.span, Span::new(MAX_DEPTH / 2 * 6, MAX_DEPTH / 2 * 6 + 1));
    }

    #[test]
    fn non_ascii_text_keeps_byte_spans() {
        let text = r#"{"Zuständ": "ä"}"#;
        let root = parse_json(text).expect("valid");
        let m = root.member("Zuständ").expect("member");
        assert_eq!(m.key_span.slice(text), Some("\"Zuständ\""));
        assert_eq!(m.value.span.slice(text), Some("\"ä\""));
    }

    #[test]
    fn unexpected_non_ascii_character_is_named() {
        let d = err("[1, §]");
        assert_eq!(d.message, "expected a JSON value, found `§`");
        assert_eq!(d.span, Span::new(4, 6));
    }

    /// Small deterministic generator so the mutation tests need no crate.
    const SAMPLE: &str = r#"{"Comment": "ä \u00e9 \"q\"", "StartAt": "A", "States": {"A": {"Type": "Task",
        "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {"FunctionName": "f", "Payload.$": "$"},
        "Retry": [{"ErrorEquals": ["States.ALL"], "MaxAttempts": 3, "BackoffRate": 1.5e0}], "End": true}}}"#;

    fn spans_are_in_bounds(node: &Node, text: &str) {
        node.walk(|n| {
            assert!(n.span.slice(text).is_some(), "bad span {:?}", n.span);
            if let NodeValue::Object(members) = n.value {
                for m in members {
                    assert!(
                        m.key_span.slice(text).is_some(),
                        "bad key span {:?}",
                        m.key_span
                    );
                }
            }
        });
    }

    #[test]
    fn mutated_documents_never_panic_and_errors_point_inside_the_text() {
        let mut rng = crate::testing::Lcg(7);
        let pieces = [
            "{", "}", "[", "]", ",", ":", "\"", "\\", "-", "0", "1e", ".", "ä", "\u{feff}", " ",
            "\n", "nul", "\\u", "\\ud800",
        ];
        for _ in 0..3000 {
            let mut text = SAMPLE.to_owned();
            for _ in 0..1 + rng.below(4) {
                let mut at = rng.below(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                match rng.below(3) {
                    0 => text.insert_str(at, pieces[rng.below(pieces.len())]),
                    1 => {
                        let mut end = (at + 1 + rng.below(8)).min(text.len());
                        while !text.is_char_boundary(end) {
                            end += 1;
                        }
                        text.replace_range(at..end, "");
                    }
                    _ => text.truncate(at),
                }
            }
            match parse_json(&text) {
                Ok(node) => spans_are_in_bounds(&node, &text),
                Err(d) => {
                    assert!(d.span.end <= text.len(), "{d} for {text:?}");
                    assert!(d.span.slice(&text).is_some(), "{d} not on char boundaries");
                }
            }
        }
    }

    #[test]
    fn agrees_with_serde_json_on_valid_documents() {
        for text in [
            SAMPLE,
            "[]",
            "0",
            "-1.25e-3",
            r#"{"a": [true, false, null, {"b": "\t"}]}"#,
        ] {
            let ours = parse_json(text).expect("valid").to_json_value();
            let theirs: serde_json::Value = serde_json::from_str(text).expect("valid");
            assert_eq!(ours, theirs, "{text}");
        }
    }

    #[test]
    fn large_documents_parse() {
        // Bigger than the 1 MB definition limit, which is a rule's business.
        let item = r#"{"Type": "Pass", "Result": {"k": [1, 2.5, "text"]}, "End": true},"#;
        let text = format!("[{}0]", item.repeat(1_500_000 / item.len()));
        assert!(text.len() > 1_048_576);
        let root = parse_json(&text).expect("valid");
        assert_eq!(
            root.as_array().map(<[Node]>::len),
            Some(1_500_000 / item.len() + 1)
        );
    }
}
