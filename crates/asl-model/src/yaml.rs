//! YAML definitions (as SAM templates and Workflow Studio write them) read
//! into the same spanned tree as JSON.
//!
//! Events come from `saphyr-parser`; its markers count characters, so they
//! are converted to byte offsets here. Plain scalars are resolved with the
//! YAML 1.2 core schema (`true`, `null`, `~`, `12`, `0x1F`, `1.5e3`); quoted
//! and block scalars are always strings. Anchors and aliases are expanded
//! (with a budget against "billion laughs" input), `<<` merge keys are
//! applied, and CloudFormation short-form tags become their long form
//! (`!Sub x` → `{"Fn::Sub": x}`, `!Ref x` → `{"Ref": x}`,
//! `!GetAtt a.b` → `{"Fn::GetAtt": ["a", "b"]}`), as CloudFormation itself
//! reads them.
//!
//! Most files use a small part of YAML; a fast reader (`Simple`) takes
//! those, borrowing texts from the source, and hands anything else to the
//! event parser, which also reports every error. A differential test keeps
//! the two trees (and spans) identical.

// A syntax error ends reading; the contract returns `Diagnostic` itself.
#![allow(clippy::result_large_err)]

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use crate::diagnostic::{Diagnostic, codes};
use crate::json::{KeyTable, MAX_DEPTH, check_key};
use crate::source::Span;
use crate::tree::{Arena, Member, Node, NodeValue, Number};

/// Most nodes alias expansion may produce in one document. Real definitions
/// have a few thousand; exponential alias bombs hit this quickly.
const MAX_NODES: usize = 2_000_000;

/// Reads one YAML document into the spanned tree. An empty document reads as
/// `null`.
pub fn parse_yaml<'a>(text: &'a str, arena: &'a Arena) -> Result<Node<'a>, Diagnostic> {
    if let Ok(node) = Simple::read(text, arena) {
        return Ok(node);
    }
    read_events(text, arena)
}

/// [`parse_yaml`] without its fast reader: only the event parser. Not for
/// general use; the differential fuzz target compares the two readers.
#[doc(hidden)]
pub fn parse_yaml_with_event_parser<'a>(
    text: &'a str,
    arena: &'a Arena,
) -> Result<Node<'a>, Diagnostic> {
    read_events(text, arena)
}

/// Reads a document through the event parser: every construct, and the
/// error messages.
fn read_events<'a>(text: &'a str, arena: &'a Arena) -> Result<Node<'a>, Diagnostic> {
    let mut builder = Builder {
        text,
        arena,
        offsets: Offsets::new(text),
        stack: Vec::new(),
        anchors: HashMap::new(),
        nodes: 0,
        root: None,
    };
    let mut parser = Parser::new_from_str(text);
    while let Some(event) = parser.next_event() {
        let (event, span) = event.map_err(|e| builder.scan_error(&e))?;
        let span = builder.span(span.start, span.end);
        if builder.handle(event, span)? {
            break;
        }
    }
    Ok(builder
        .root
        .unwrap_or_else(|| Node::new(Span::at(text.len()), NodeValue::Null)))
}

/// The fast reader gave up: the text uses something it does not read (or is
/// invalid), and the event parser reads it instead.
struct Bail;

/// Deepest nesting the fast reader follows (it recurses); deeper documents
/// go to the event parser, which also reports the depth limit.
const SIMPLE_MAX_DEPTH: usize = 64;

/// Longest key the fast reader takes; YAML caps implicit keys at 1024
/// characters, and the event parser reports longer ones.
const SIMPLE_MAX_KEY: usize = 1000;

/// Whether a plain scalar cannot start with `b` (YAML indicators, blanks),
/// or the fast reader leaves it to the event parser.
fn never_starts_plain(b: u8) -> bool {
    matches!(
        b,
        b',' | b'['
            | b']'
            | b'{'
            | b'}'
            | b'#'
            | b'&'
            | b'*'
            | b'!'
            | b'|'
            | b'>'
            | b'\''
            | b'"'
            | b'%'
            | b'@'
            | b'`'
            | b' '
            | b'\n'
            | b'\r'
    )
}

/// A reader for the YAML that definitions and templates are written in
/// (Workflow Studio, SAM, hand-written files): block mappings and
/// sequences; single-line plain scalars, quoted scalars (double-quoted ones
/// with JSON's one-character escapes) and one-line flow sequences and
/// mappings of those; literal block scalars (`|`, `|-`); CloudFormation
/// short-form tags on those scalars; comments, blank lines and a leading
/// `---`, with `\n` or `\r\n` line breaks. The event parser costs ~250
/// instructions a byte (it scans character by character and allocates every
/// scalar); this reader borrows every text without escapes from the source. Anything else (anchors and
/// aliases, merge keys, other tags, nested flow collections, folded or
/// multi-line scalars, tabs, control characters, other document markers,
/// every error) makes it give up, and the event parser reads the text from
/// the start, so both produce the same tree.
struct Simple<'a> {
    text: &'a str,
    arena: &'a Arena,
    bytes: &'a [u8],
    pos: usize,
    /// Where the line of `pos` starts.
    line: usize,
    /// No content (or `---`) was read yet.
    before_content: bool,
    depth: usize,
}

impl<'a> Simple<'a> {
    fn read(text: &'a str, arena: &'a Arena) -> Result<Node<'a>, Bail> {
        let bytes = text.as_bytes();
        // Tabs and other control characters go to the event parser, and so
        // do a byte order mark anywhere and a carriage return outside a
        // `\r\n` line break. (A fold without early exit, which the compiler
        // vectorises; the exact check only runs when it finds something.)
        let (control, non_ascii) = bytes.iter().fold((false, false), |(c, n), &b| {
            (
                c | ((b < b' ') & (b != b'\n')) | (b == 0x7f),
                n | (b >= 0x80),
            )
        });
        if control {
            let line_break = |i: usize| bytes.get(i..i + 2) == Some(b"\r\n");
            let bad =
                |(i, &b): (usize, &u8)| (b < b' ' && b != b'\n' && !line_break(i)) || b == 0x7f;
            if bytes.iter().enumerate().any(bad) {
                return Err(Bail);
            }
        }
        if non_ascii && text.contains('\u{feff}') {
            return Err(Bail);
        }
        let mut reader = Simple {
            text,
            arena,
            bytes,
            pos: 0,
            line: 0,
            before_content: true,
            depth: 0,
        };
        let indent = reader.next_line()?.ok_or(Bail)?;
        let (root, next) = reader.collection(indent, false)?;
        match next {
            None => Ok(root),
            Some(_) => Err(Bail),
        }
    }

    fn at(&self, i: usize) -> u8 {
        self.bytes.get(i).copied().unwrap_or(b'\n')
    }

    /// Whether the byte at `i` ends a token: a space, a line break or the end.
    fn blank_at(&self, i: usize) -> bool {
        matches!(self.at(i), b' ' | b'\n' | b'\r')
    }

    /// Moves to the first content of the next line that has some (skipping
    /// blank and comment lines) and returns its column, `None` at the end.
    /// `pos` is at the start of a line.
    fn next_line(&mut self) -> Result<Option<usize>, Bail> {
        loop {
            let start = self.pos;
            self.line = start;
            self.skip_spaces();
            match self.bytes.get(self.pos) {
                None => return Ok(None),
                Some(b'\n' | b'\r') => self.pos += 1,
                Some(b'#') => self.skip_line(),
                Some(_) => {
                    let column = self.pos - start;
                    if column == 0 {
                        let rest = &self.bytes[self.pos..];
                        let marker = rest.starts_with(b"---") || rest.starts_with(b"...");
                        if marker && self.blank_at(self.pos + 3) {
                            // A `---` line may open the document; nothing
                            // else may follow it on its line.
                            if !(self.before_content && rest.starts_with(b"---")) {
                                return Err(Bail);
                            }
                            self.before_content = false;
                            self.pos += 3;
                            self.end_line(false)?;
                            continue;
                        }
                    }
                    self.before_content = false;
                    return Ok(Some(column));
                }
            }
        }
    }

    fn skip_spaces(&mut self) {
        let rest = &self.bytes[self.pos..];
        self.pos += rest.iter().position(|&b| b != b' ').unwrap_or(rest.len());
    }

    /// Moves past the next line break (or to the end).
    fn skip_line(&mut self) {
        self.pos = match self.bytes[self.pos..].iter().position(|&b| b == b'\n') {
            Some(i) => self.pos + i + 1,
            None => self.bytes.len(),
        };
    }

    /// After a value: blanks, an optional comment (unless `quoted`: the
    /// event parser's span of a quoted scalar or a flow collection runs to
    /// the comment's end; tagged scalars are treated alike), then the line
    /// break.
    fn end_line(&mut self, quoted: bool) -> Result<(), Bail> {
        let start = self.pos;
        self.skip_spaces();
        match self.bytes.get(self.pos) {
            None => Ok(()),
            Some(b'\n' | b'\r') => {
                self.pos += 1;
                Ok(())
            }
            Some(b'#') if self.pos > start && !quoted => {
                self.skip_line();
                Ok(())
            }
            Some(_) => Err(Bail),
        }
    }

    fn at_dash(&self) -> bool {
        self.at(self.pos) == b'-' && self.blank_at(self.pos + 1)
    }

    /// The block mapping or sequence whose first entry starts at `pos`, in
    /// column `indent`; also the column of the line after it.
    /// `indentless` when it is a sequence in the column of its mapping key.
    fn collection(
        &mut self,
        indent: usize,
        indentless: bool,
    ) -> Result<(Node<'a>, Option<usize>), Bail> {
        if self.depth >= SIMPLE_MAX_DEPTH {
            return Err(Bail);
        }
        self.depth += 1;
        let read = if self.at_dash() {
            self.sequence(indent, indentless)
        } else {
            self.mapping(indent)
        };
        self.depth -= 1;
        read
    }

    fn sequence(
        &mut self,
        indent: usize,
        indentless: bool,
    ) -> Result<(Node<'a>, Option<usize>), Bail> {
        let mut start = self.pos;
        let mut items = Vec::new();
        loop {
            let dash = self.pos;
            self.pos += 1;
            let (item, next) = self.value(indent, false)?;
            if indentless && items.is_empty() {
                // The event parser starts an indentless sequence at its
                // first entry's content, so that must be on the dash's line.
                let gap = self.bytes.get(dash + 1..item.span.start).ok_or(Bail)?;
                if !gap.iter().all(|&b| b == b' ') {
                    return Err(Bail);
                }
                start = item.span.start;
            }
            items.push(item);
            match next {
                Some(column) if column == indent && self.at_dash() => {}
                Some(column) if column > indent => return Err(Bail),
                _ => {
                    // The event parser ends a block collection where the
                    // next token starts (or at the end of the text).
                    let end = items.last().map_or(start, |n| n.span.end).max(self.pos);
                    let items = self.arena.alloc_nodes(&items);
                    let node = Node::new(Span::new(start, end), NodeValue::Array(items));
                    return Ok((node, next));
                }
            }
        }
    }

    fn mapping(&mut self, indent: usize) -> Result<(Node<'a>, Option<usize>), Bail> {
        let start = self.pos;
        // Most mappings of a definition hold up to eight members: one
        // allocation instead of growing from four.
        let mut members: Vec<Member<'a>> = Vec::with_capacity(8);
        let mut index = KeyTable::default();
        loop {
            let (key, key_span) = self.key()?;
            if check_key(&members, &mut index, key, key_span).is_err() {
                return Err(Bail);
            }
            let (value, next) = self.value(indent, true)?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            match next {
                Some(column) if column == indent && !self.at_dash() => {}
                Some(column) if column >= indent => return Err(Bail),
                _ => {
                    let end = members
                        .last()
                        .map_or(start, |m| m.value.span.end)
                        .max(self.pos);
                    let members = self.arena.alloc_members(&members);
                    let node = Node::new(Span::new(start, end), NodeValue::Object(members));
                    return Ok((node, next));
                }
            }
        }
    }

    /// A mapping key and its `:`.
    fn key(&mut self) -> Result<(&'a str, Span), Bail> {
        let start = self.pos;
        let (key, span) = match self.at(start) {
            quote @ (b'"' | b'\'') => self.quoted(quote)?,
            _ => {
                let end = self.plain_end(true)?;
                if self.at(end) != b':' || self.at(end - 1) == b' ' {
                    return Err(Bail);
                }
                self.pos = end;
                (&self.text[start..end], Span::new(start, end))
            }
        };
        if self.at(self.pos) != b':'
            || !self.blank_at(self.pos + 1)
            || span.end - span.start > SIMPLE_MAX_KEY
            || key == "<<"
        {
            return Err(Bail);
        }
        self.pos += 1;
        Ok((key, span))
    }

    /// A quoted scalar on one line; `pos` moves past it. Texts without
    /// escapes are borrowed.
    fn quoted(&mut self, quote: u8) -> Result<(&'a str, Span), Bail> {
        let start = self.pos;
        let rest = &self.bytes[start + 1..];
        // `''` is a quote in single quotes and a line break folds: the event
        // parser decodes those.
        let len = if quote == b'"' {
            // The JSON reader's word-at-a-time scan: it stops at `"`, `\\`
            // and control characters, of which only the line break is left.
            let run = crate::json::plain_run(rest);
            (run < rest.len()).then_some(run)
        } else {
            rest.iter()
                .position(|&b| b == b'\'' || b == b'\n' || b == b'\r')
        }
        .ok_or(Bail)?;
        let close = start + 1 + len;
        if self.at(close) == b'\\' {
            return self.escaped(start, close);
        }
        if self.at(close) != quote || self.at(close + 1) == b'\'' {
            return Err(Bail);
        }
        self.pos = close + 1;
        let text = &self.text[start + 1..close];
        Ok((text, Span::new(start, close + 1)))
    }

    /// The rest of a double-quoted scalar from its first `\` (at
    /// `backslash`): the one-character escapes JSON also has; others go to
    /// the event parser.
    fn escaped(&mut self, start: usize, backslash: usize) -> Result<(&'a str, Span), Bail> {
        let mut out = String::from(&self.text[start + 1..backslash]);
        let mut i = backslash;
        loop {
            match self.at(i) {
                b'"' => break,
                b'\n' | b'\r' => return Err(Bail),
                b'\\' => {
                    out.push(match self.at(i + 1) {
                        b'"' => '"',
                        b'\\' => '\\',
                        b'/' => '/',
                        b'n' => '\n',
                        b't' => '\t',
                        b'r' => '\r',
                        b'b' => '\u{8}',
                        b'f' => '\u{c}',
                        _ => return Err(Bail),
                    });
                    i += 2;
                }
                _ => {
                    let run = self.bytes[i..]
                        .iter()
                        .position(|&b| matches!(b, b'"' | b'\\' | b'\n' | b'\r'))
                        .unwrap_or(self.bytes.len() - i);
                    out.push_str(&self.text[i..i + run]);
                    i += run;
                }
            }
        }
        self.pos = i + 1;
        Ok((self.arena.alloc_str(&out), Span::new(start, i + 1)))
    }

    /// A literal block scalar (`|` or `|-`, after an optional local tag) at
    /// `pos`, in a collection in column `indent`; `None` when there is none
    /// there. `pos` moves to the start of the line after it.
    fn literal(&mut self, indent: usize) -> Result<Option<Node<'a>>, Bail> {
        let start = self.pos;
        let mut at = start;
        let mut suffix = None;
        if self.at(at) == b'!' {
            let len = self.bytes[at + 1..]
                .iter()
                .position(|b| !b.is_ascii_alphanumeric())
                .unwrap_or(self.bytes.len() - at - 1);
            let after = at + 1 + len;
            self.pos = after;
            self.skip_spaces();
            if len == 0 || self.pos == after || self.at(self.pos) != b'|' {
                return Ok(None);
            }
            suffix = Some(&self.text[at + 1..after]);
            at = self.pos;
        }
        if self.at(at) != b'|' {
            return Ok(None);
        }
        // Chomping `-` only: no `+`, indentation digits or header comment.
        let strip = self.at(at + 1) == b'-';
        self.pos = at + 1 + usize::from(strip);
        self.skip_spaces();
        // (`\r\n` inside block scalars is left to the event parser.)
        if self.bytes.get(self.pos) != Some(&b'\n') || self.bytes.contains(&b'\r') {
            return Err(Bail);
        }
        let mut line = self.pos + 1;
        // The first line sets the indentation (a leading empty line would
        // need the event parser's rules).
        let width = self.bytes[line..]
            .iter()
            .position(|&b| b != b' ')
            .unwrap_or(self.bytes.len() - line);
        if width <= indent || matches!(self.bytes.get(line + width), None | Some(b'\n')) {
            return Err(Bail);
        }
        let content_start = line + width;
        let mut out = String::new();
        let mut end = content_start;
        let mut empty_lines = 0;
        loop {
            let spaces = self.bytes[line..]
                .iter()
                .position(|&b| b != b' ')
                .unwrap_or(self.bytes.len() - line);
            match self.bytes.get(line + spaces) {
                None if spaces == 0 => break,
                None => return Err(Bail),
                Some(b'\n') if spaces > width => return Err(Bail),
                Some(b'\n') => {
                    empty_lines += 1;
                    line += spaces + 1;
                }
                Some(_) if spaces < width => break,
                Some(_) => {
                    let text = line + width;
                    let eol = self.bytes[text..]
                        .iter()
                        .position(|&b| b == b'\n')
                        .map(|i| text + i)
                        .ok_or(Bail)?;
                    for _ in 0..empty_lines {
                        out.push('\n');
                    }
                    empty_lines = 0;
                    out.push_str(&self.text[text..eol]);
                    out.push('\n');
                    end = eol;
                    while self.bytes[end - 1] == b' ' {
                        end -= 1;
                    }
                    line = eol + 1;
                }
            }
        }
        if strip {
            out.pop();
        }
        self.pos = line;
        let span_start = if suffix.is_some() {
            start
        } else {
            content_start
        };
        let node = Node::new(
            Span::new(span_start, end),
            NodeValue::String(self.arena.alloc_str(&out)),
        );
        Ok(Some(match suffix {
            Some(suffix) => short_form(node, suffix, self.arena),
            None => node,
        }))
    }

    /// A scalar under a local tag on one line, as `!GetAtt Fn.Arn`; the
    /// event parser's span starts at the tag.
    fn tagged_scalar(&mut self) -> Result<Node<'a>, Bail> {
        let start = self.pos;
        let suffix_len = self.bytes[start + 1..]
            .iter()
            .position(|b| !b.is_ascii_alphanumeric())
            .unwrap_or(self.bytes.len() - start - 1);
        let after = start + 1 + suffix_len;
        if suffix_len == 0 || self.at(after) != b' ' {
            return Err(Bail);
        }
        let suffix = &self.text[start + 1..after];
        self.pos = after;
        self.skip_spaces();
        let node = match self.at(self.pos) {
            quote @ (b'"' | b'\'') => {
                let (text, span) = self.quoted(quote)?;
                Node::new(Span::new(start, span.end), NodeValue::String(text))
            }
            _ => {
                let begin = self.pos;
                let end = self.plain_end(false)?;
                self.pos = end;
                let value = resolve_plain(&self.text[begin..end], self.arena, |v| v);
                Node::new(Span::new(start, end), value)
            }
        };
        Ok(short_form(node, suffix, self.arena))
    }

    /// A flow sequence of scalars on one line, as `[States.ALL]`.
    fn flow_sequence(&mut self) -> Result<Node<'a>, Bail> {
        let start = self.pos;
        self.pos += 1;
        let mut items = Vec::new();
        loop {
            self.skip_spaces();
            if self.at(self.pos) == b']' {
                // After a trailing comma the event parser's span differs.
                if !items.is_empty() {
                    return Err(Bail);
                }
                break;
            }
            let item = self.flow_scalar(b']')?;
            items.push(item);
            self.skip_spaces();
            match self.at(self.pos) {
                b',' => self.pos += 1,
                b']' => break,
                _ => return Err(Bail),
            }
        }
        self.pos += 1;
        Ok(Node::new(
            Span::new(start, self.pos),
            NodeValue::Array(self.arena.alloc_nodes(&items)),
        ))
    }

    /// A flow mapping of scalars on one line, as `{Ref: Queue}`.
    fn flow_mapping(&mut self) -> Result<Node<'a>, Bail> {
        let start = self.pos;
        self.pos += 1;
        let mut members: Vec<Member<'a>> = Vec::new();
        let mut index = KeyTable::default();
        loop {
            self.skip_spaces();
            if self.at(self.pos) == b'}' {
                // After a trailing comma the event parser's span differs.
                if !members.is_empty() {
                    return Err(Bail);
                }
                break;
            }
            let (key, key_span) = match self.at(self.pos) {
                quote @ (b'"' | b'\'') => self.quoted(quote)?,
                _ => {
                    let begin = self.pos;
                    self.pos = self.flow_plain_end(b'}', true)?;
                    let span = Span::new(begin, self.pos);
                    (&self.text[begin..self.pos], span)
                }
            };
            // `key: value` only: no empty values, no `key:value` after
            // quotes, no merge keys.
            if self.at(self.pos) != b':' || self.at(self.pos + 1) != b' ' || key == "<<" {
                return Err(Bail);
            }
            if check_key(&members, &mut index, key, key_span).is_err() {
                return Err(Bail);
            }
            self.pos += 1;
            self.skip_spaces();
            let value = self.flow_scalar(b'}')?;
            members.push(Member {
                key,
                key_span,
                value,
            });
            self.skip_spaces();
            match self.at(self.pos) {
                b',' => self.pos += 1,
                b'}' => break,
                _ => return Err(Bail),
            }
        }
        self.pos += 1;
        Ok(Node::new(
            Span::new(start, self.pos),
            NodeValue::Object(self.arena.alloc_members(&members)),
        ))
    }

    /// A quoted or plain scalar at `pos` inside a flow collection closed by
    /// `close`; `pos` moves past it.
    fn flow_scalar(&mut self, close: u8) -> Result<Node<'a>, Bail> {
        match self.at(self.pos) {
            quote @ (b'"' | b'\'') => {
                let (text, span) = self.quoted(quote)?;
                Ok(Node::new(span, NodeValue::String(text)))
            }
            _ => {
                let begin = self.pos;
                let end = self.flow_plain_end(close, false)?;
                self.pos = end;
                let value = resolve_plain(&self.text[begin..end], self.arena, |v| v);
                Ok(Node::new(Span::new(begin, end), value))
            }
        }
    }

    /// Where the plain scalar starting at `pos` inside a flow collection
    /// closed by `close` ends (trailing blanks excluded): at `,` or `close`,
    /// or at the `:` after a `key`; other flow indicators, the line's end,
    /// `: ` in a value and comments go to the event parser.
    fn flow_plain_end(&self, close: u8, key: bool) -> Result<usize, Bail> {
        let start = self.pos;
        let first = self.at(start);
        if never_starts_plain(first)
            || (matches!(first, b'-' | b'?' | b':')
                && matches!(
                    self.at(start + 1),
                    b' ' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
                ))
        {
            return Err(Bail);
        }
        let mut i = start + 1;
        loop {
            match self.at(i) {
                b',' => break,
                b if b == close => break,
                b'\n' | b'\r' | b'[' | b'{' | b'}' | b']' => return Err(Bail),
                // `key: value` in a flow sequence is a mapping.
                b':' if matches!(
                    self.at(i + 1),
                    b' ' | b'\n' | b'\r' | b',' | b'[' | b']' | b'{' | b'}'
                ) =>
                {
                    if key {
                        break;
                    }
                    return Err(Bail);
                }
                b'#' if self.bytes[i - 1] == b' ' => return Err(Bail),
                // The event parser rejects `-` before a flow indicator
                // after a blank inside the scalar too.
                b'-' if matches!(self.at(i + 1), b',' | b'[' | b']' | b'{' | b'}') => {
                    return Err(Bail);
                }
                _ => i += 1,
            }
        }
        while self.bytes[i - 1] == b' ' {
            i -= 1;
        }
        Ok(i)
    }

    /// Where the plain scalar starting at `pos` ends (trailing blanks
    /// excluded): at `: `, ` #` or the line's end. In a value (`key` false) a
    /// `: ` means a nested mapping on one line, which YAML rejects.
    fn plain_end(&self, key: bool) -> Result<usize, Bail> {
        let start = self.pos;
        let first = self.at(start);
        if never_starts_plain(first)
            || (matches!(first, b'-' | b'?' | b':') && self.blank_at(start + 1))
        {
            return Err(Bail);
        }
        let mut i = start + 1;
        loop {
            // Only `:`, `#` and the line's end can end it.
            i += self.bytes[i..]
                .iter()
                .position(|&b| matches!(b, b':' | b'#' | b'\n' | b'\r'))
                .unwrap_or(self.bytes.len() - i);
            match self.at(i) {
                b'\n' | b'\r' => break,
                b':' if self.blank_at(i + 1) => {
                    return if key { Ok(i) } else { Err(Bail) };
                }
                b'#' if self.bytes[i - 1] == b' ' => break,
                _ => i += 1,
            }
        }
        // Trailing blanks are not part of it (the first byte is not blank).
        while self.bytes[i - 1] == b' ' {
            i -= 1;
        }
        Ok(i)
    }

    /// The value after `key:` (`in_mapping`) or `-`, with the column of the
    /// line after it. `indent` is the column of the mapping or sequence.
    fn value(
        &mut self,
        indent: usize,
        in_mapping: bool,
    ) -> Result<(Node<'a>, Option<usize>), Bail> {
        let indicator = self.pos - 1;
        self.skip_spaces();
        let start = self.pos;
        if let None | Some(b'\n' | b'\r' | b'#') = self.bytes.get(start) {
            // The value is on the next lines, or empty (null).
            let mut line_end = self.bytes[start..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(self.bytes.len(), |i| start + i);
            self.pos = (line_end + 1).min(self.bytes.len());
            if line_end > start && self.bytes[line_end - 1] == b'\r' {
                line_end -= 1;
            }
            let next = self.next_line()?;
            return match next {
                Some(column) if column > indent => self.collection(column, false),
                Some(column) if in_mapping && column == indent && self.at_dash() => {
                    self.collection(column, true)
                }
                _ => {
                    // Where the event parser puts an empty value: at the
                    // key's `:`, or at the end of the entry's line.
                    let at = if in_mapping { indicator } else { line_end };
                    Ok((Node::new(Span::at(at), NodeValue::Null), next))
                }
            };
        }
        if !in_mapping && self.key().is_ok() {
            // `- key: value`: a mapping in a sequence entry.
            self.pos = start;
            return self.collection(start - self.line, false);
        }
        self.pos = start;
        if let b'|' | b'!' = self.at(start)
            && let Some(node) = self.literal(indent)?
        {
            let next = self.next_line()?;
            if next.is_some_and(|column| column > indent) {
                return Err(Bail);
            }
            return Ok((node, next));
        }
        self.pos = start;
        let node = match self.at(start) {
            quote @ (b'"' | b'\'') => {
                let (text, span) = self.quoted(quote)?;
                Node::new(span, NodeValue::String(text))
            }
            b'{' => self.flow_mapping()?,
            b'[' => self.flow_sequence()?,
            b'!' => self.tagged_scalar()?,
            _ => {
                let end = self.plain_end(false)?;
                self.pos = end;
                let value = resolve_plain(&self.text[start..end], self.arena, |v| v);
                Node::new(Span::new(start, end), value)
            }
        };
        self.end_line(matches!(self.at(start), b'"' | b'\'' | b'{' | b'[' | b'!'))?;
        let next = self.next_line()?;
        if next.is_some_and(|column| column > indent) {
            return Err(Bail);
        }
        Ok((node, next))
    }
}

/// Converts the parser's character indices to byte offsets.
struct Offsets {
    /// Byte offset of every character, plus the text length at the end.
    /// Empty when the text is ASCII (then the two coincide).
    table: Vec<usize>,
    len: usize,
}

impl Offsets {
    fn new(text: &str) -> Offsets {
        let table = if text.is_ascii() {
            Vec::new()
        } else {
            text.char_indices()
                .map(|(i, _)| i)
                .chain(std::iter::once(text.len()))
                .collect()
        };
        Offsets {
            table,
            len: text.len(),
        }
    }

    fn byte(&self, char_index: usize) -> usize {
        if self.table.is_empty() {
            char_index.min(self.len)
        } else {
            self.table.get(char_index).copied().unwrap_or(self.len)
        }
    }
}

enum Frame<'a> {
    Sequence {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        items: Vec<Node<'a>>,
    },
    Mapping {
        start: usize,
        anchor: usize,
        tag: Option<Tag>,
        members: Vec<Member<'a>>,
        /// Values of `<<` merge keys, applied when the mapping ends.
        merges: Vec<Node<'a>>,
        key: Option<PendingKey<'a>>,
        /// Key positions for duplicate detection in large mappings.
        index: KeyTable,
    },
}

enum PendingKey<'a> {
    Key(&'a str, Span),
    Merge,
}

struct Builder<'a> {
    text: &'a str,
    arena: &'a Arena,
    offsets: Offsets,
    stack: Vec<Frame<'a>>,
    /// Anchored nodes by anchor id, with their node count.
    anchors: HashMap<usize, (Node<'a>, usize)>,
    nodes: usize,
    root: Option<Node<'a>>,
}

fn syntax(message: impl Into<String>, span: Span) -> Diagnostic {
    Diagnostic::error(codes::SYNTAX, message, span)
}

impl<'a> Builder<'a> {
    fn span(&self, start: Marker, end: Marker) -> Span {
        let start = self.offsets.byte(start.index());
        let mut end = self.offsets.byte(end.index()).max(start);
        // Block scalars' spans run into the following indentation.
        let bytes = self.text.as_bytes();
        while end > start && matches!(bytes.get(end - 1), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            end -= 1;
        }
        Span::new(start, end)
    }

    fn scan_error(&self, error: &ScanError) -> Diagnostic {
        let at = self.offsets.byte(error.marker().index());
        let end = self
            .text
            .get(at..)
            .and_then(|rest| rest.chars().next())
            .map_or(at, |c| at + c.len_utf8());
        if error.info() == "recursion limit exceeded" {
            // The scanner caps `[`/`{` nesting itself (below MAX_DEPTH).
            return Diagnostic::error(
                codes::TOO_DEEP,
                "flow sequences and mappings are nested too deeply",
                Span::new(at, end),
            )
            .with_label("nesting limit reached here");
        }
        let info = error.info();
        let d = syntax(format!("invalid YAML: {info}"), Span::new(at, end));
        // The scanner's wording names the grammar; say what usually causes it.
        if info.contains("tab") {
            d.with_help("indent with spaces; YAML does not allow tabs in indentation")
        } else if info.contains("block mapping") {
            d.with_help("check this line's indentation: keys of one mapping must line up")
        } else if info.contains("flow mapping") || info.contains("flow sequence") {
            d.with_help("a `{` or `[` is not closed, or its items lack a `,`")
        } else if info.contains("mapping values are not allowed") {
            d.with_help("quote values that contain `: `, or fix the indentation of this key")
        } else {
            d
        }
    }

    /// Handles one event; returns `true` at the end of the stream.
    fn handle(&mut self, event: Event<'_>, span: Span) -> Result<bool, Diagnostic> {
        match event {
            Event::StreamEnd => return Ok(true),
            Event::Nothing | Event::StreamStart | Event::DocumentEnd => {}
            Event::DocumentStart(_) => {
                if self.root.is_some() {
                    return Err(syntax(
                        "a definition holds a single YAML document, found a second one",
                        span,
                    )
                    .with_help("remove the `---` and what follows, or split the file"));
                }
            }
            Event::Scalar(value, style, anchor, tag) => {
                // Mapping keys keep their text as written: `200:` is the key "200".
                if let Some(Frame::Mapping {
                    key: key @ None, ..
                }) = self.stack.last_mut()
                {
                    let merge = value == "<<" && style == ScalarStyle::Plain;
                    let name = source_text(self.text, self.arena, &value, style, span);
                    if anchor != 0 {
                        // An anchored key can be reused as a value elsewhere.
                        let node = Node::new(span, NodeValue::String(name));
                        self.anchors.insert(anchor, (node, 1));
                    }
                    *key = Some(if merge {
                        PendingKey::Merge
                    } else {
                        PendingKey::Key(name, span)
                    });
                    self.check_duplicate_key()?;
                    return Ok(false);
                }
                let tag = tag.map(Cow::into_owned);
                let node = self.scalar(value, style, tag.as_ref(), span);
                let node = self.tagged(node, tag.as_ref());
                self.finish(node, anchor)?;
            }
            Event::SequenceStart(anchor, tag) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Sequence {
                    start: span.start,
                    anchor,
                    tag: tag.map(Cow::into_owned),
                    items: Vec::new(),
                });
            }
            Event::MappingStart(anchor, tag) => {
                self.check_depth(span)?;
                self.stack.push(Frame::Mapping {
                    start: span.start,
                    anchor,
                    tag: tag.map(Cow::into_owned),
                    members: Vec::new(),
                    merges: Vec::new(),
                    key: None,
                    index: KeyTable::default(),
                });
            }
            Event::SequenceEnd => {
                if let Some(Frame::Sequence {
                    start,
                    anchor,
                    tag,
                    items,
                }) = self.stack.pop()
                {
                    let end = items.last().map_or(span.end, |n| n.span.end).max(span.end);
                    let items = self.arena.alloc_nodes(&items);
                    let node = Node::new(Span::new(start, end), NodeValue::Array(items));
                    let node = self.tagged(node, tag.as_ref());
                    self.finish(node, anchor)?;
                }
            }
            Event::MappingEnd => {
                if let Some(Frame::Mapping {
                    start,
                    anchor,
                    tag,
                    mut members,
                    merges,
                    ..
                }) = self.stack.pop()
                {
                    let end = members
                        .last()
                        .map_or(span.end, |m| m.value.span.end)
                        .max(span.end);
                    apply_merges(&mut members, merges);
                    let members = self.arena.alloc_members(&members);
                    let node = Node::new(Span::new(start, end), NodeValue::Object(members));
                    let node = self.tagged(node, tag.as_ref());
                    self.finish(node, anchor)?;
                }
            }
            Event::Alias(id) => {
                let Some((node, count)) = self.anchors.get(&id) else {
                    return Err(syntax("alias refers to an unknown anchor", span));
                };
                self.nodes += count;
                if self.nodes > MAX_NODES {
                    return Err(syntax(
                        format!("aliases expand to more than {MAX_NODES} values"),
                        span,
                    )
                    .with_label("expanding this alias exceeds the limit"));
                }
                let node = *node;
                self.deliver(node)?;
            }
        }
        Ok(false)
    }

    fn check_depth(&self, span: Span) -> Result<(), Diagnostic> {
        if self.stack.len() >= MAX_DEPTH {
            return Err(Diagnostic::error(
                codes::TOO_DEEP,
                format!("nesting is deeper than {MAX_DEPTH} levels"),
                Span::new(span.start, span.start + 1),
            )
            .with_label("this sequence or mapping is too deep"));
        }
        Ok(())
    }

    fn check_duplicate_key(&mut self) -> Result<(), Diagnostic> {
        if let Some(Frame::Mapping {
            members,
            key: Some(PendingKey::Key(name, span)),
            index,
            ..
        }) = self.stack.last_mut()
        {
            check_key(members, index, name, *span).map_err(|d| *d)?;
        }
        Ok(())
    }

    /// Registers an anchored node, then hands it to its parent.
    fn finish(&mut self, node: Node<'a>, anchor: usize) -> Result<(), Diagnostic> {
        self.nodes += 1;
        if anchor != 0 {
            let mut count = 0;
            node.walk(|_| count += 1);
            self.anchors.insert(anchor, (node, count));
        }
        self.deliver(node)
    }

    fn deliver(&mut self, node: Node<'a>) -> Result<(), Diagnostic> {
        match self.stack.last_mut() {
            None => {
                self.root = Some(node);
                Ok(())
            }
            Some(Frame::Sequence { items, .. }) => {
                items.push(node);
                Ok(())
            }
            Some(Frame::Mapping {
                members,
                merges,
                key,
                ..
            }) => match key.take() {
                Some(PendingKey::Key(name, key_span)) => {
                    members.push(Member {
                        key: name,
                        key_span,
                        value: node,
                    });
                    Ok(())
                }
                Some(PendingKey::Merge) => {
                    merges.push(node);
                    Ok(())
                }
                None => Err(syntax(
                    "mapping keys must be plain values, not sequences or mappings",
                    node.span,
                )
                .with_label("complex key")),
            },
        }
    }

    /// Resolves a scalar with the YAML 1.2 core schema.
    fn scalar(
        &self,
        value: Cow<'_, str>,
        style: ScalarStyle,
        tag: Option<&Tag>,
        span: Span,
    ) -> Node<'a> {
        let core = tag
            .filter(|t| t.is_yaml_core_schema())
            .map(|t| t.suffix.as_str());
        let (text, arena) = (self.text, self.arena);
        let value = match (style, core) {
            (_, Some("null")) => NodeValue::Null,
            (_, Some("str")) => NodeValue::String(source_text(text, arena, &value, style, span)),
            (ScalarStyle::Plain, _) | (_, Some("int" | "float" | "bool")) => {
                resolve_plain(&value, arena, |v| source_text(text, arena, v, style, span))
            }
            _ => NodeValue::String(source_text(text, arena, &value, style, span)),
        };
        Node::new(span, value)
    }

    /// Applies a local tag: CloudFormation short forms become their long form;
    /// other tags are dropped (the value is kept as written).
    fn tagged(&self, node: Node<'a>, tag: Option<&Tag>) -> Node<'a> {
        match tag {
            Some(tag) if tag.handle == "!" => short_form(node, &tag.suffix, self.arena),
            _ => node,
        }
    }
}

/// `node` under the local tag `!suffix`: CloudFormation short forms become
/// their long form (`!Ref x` → `{"Ref": x}`); other tags are dropped.
fn short_form<'a>(node: Node<'a>, suffix: &str, arena: &'a Arena) -> Node<'a> {
    let span = node.span;
    let key: &'a str = match suffix {
        "Ref" => "Ref",
        "Condition" => "Condition",
        "GetAtt" => "Fn::GetAtt",
        "Sub" | "Join" | "Select" | "Split" | "If" | "Equals" | "And" | "Or" | "Not"
        | "FindInMap" | "Base64" | "Cidr" | "ImportValue" | "GetAZs" | "Transform" | "Length"
        | "ToJsonString" => arena.alloc_str(&format!("Fn::{suffix}")),
        _ => return node,
    };
    // `!GetAtt Resource.Attribute` is the string form of a two-element list.
    let value = match (node.value, suffix) {
        (NodeValue::String(s), "GetAtt") if s.contains('.') => {
            let (resource, attribute) = s.split_once('.').unwrap_or((s, ""));
            Node::new(
                span,
                NodeValue::Array(arena.alloc_nodes(&[
                    Node::new(span, NodeValue::String(resource)),
                    Node::new(span, NodeValue::String(attribute)),
                ])),
            )
        }
        (value, _) => Node::new(span, value),
    };
    Node::new(
        span,
        NodeValue::Object(arena.alloc_members(&[Member {
            key,
            key_span: Span::new(span.start, span.start + suffix.len() + 1),
            value,
        }])),
    )
}

/// Members from `<<` merge keys fill in keys the mapping does not set itself;
/// earlier merge sources win over later ones, as in YAML 1.1.
fn apply_merges<'a>(members: &mut Vec<Member<'a>>, merges: Vec<Node<'a>>) {
    for source in merges {
        let sources = match source.value {
            NodeValue::Object(m) => vec![m],
            NodeValue::Array(items) => items
                .iter()
                .filter_map(|n| match n.value {
                    NodeValue::Object(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for merged in sources.into_iter().flatten() {
            if !members.iter().any(|m| m.key == merged.key) {
                members.push(*merged);
            }
        }
    }
}

/// The scalar's text borrowed from the source when its span holds it as is
/// (plain, or quoted without escapes or line folding), else owned.
fn source_text<'a>(
    text: &'a str,
    arena: &'a Arena,
    value: &str,
    style: ScalarStyle,
    span: Span,
) -> &'a str {
    let written = text.get(span.start..span.end).unwrap_or_default();
    let inner = match style {
        ScalarStyle::Plain => Some(written),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            written.get(1..written.len().saturating_sub(1))
        }
        _ => None,
    };
    match inner {
        Some(s) if s == value => s,
        _ => arena.alloc_str(value),
    }
}

/// Core-schema resolution of a plain scalar; `string` makes the text of one
/// that stays a string.
fn resolve_plain<'a, 'v>(
    value: &'v str,
    arena: &'a Arena,
    string: impl FnOnce(&'v str) -> &'a str,
) -> NodeValue<'a> {
    let s = value;
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        _ => {}
    }
    if let Some(number) = resolve_number(s, arena) {
        return NodeValue::Number(number);
    }
    NodeValue::String(string(value))
}

fn resolve_number<'a>(s: &str, arena: &'a Arena) -> Option<Number<'a>> {
    let first = *s.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        let value = i64::from_str_radix(hex, 16).ok()?;
        return Some(Number::from_i64(value, arena));
    }
    if let Some(octal) = s.strip_prefix("0o") {
        let value = i64::from_str_radix(octal, 8).ok()?;
        return Some(Number::from_i64(value, arena));
    }
    let unsigned = s.strip_prefix(['-', '+']).unwrap_or(s);
    if unsigned.is_empty() {
        return None;
    }
    if unsigned.bytes().all(|b| b.is_ascii_digit()) {
        // Canonical JSON text: no `+`, no leading zeros.
        let digits = unsigned.trim_start_matches('0');
        let digits = if digits.is_empty() { "0" } else { digits };
        let text = if s.starts_with('-') {
            format!("-{digits}")
        } else {
            digits.to_owned()
        };
        return Number::from_text_in(&text, arena);
    }
    if !is_core_float(unsigned) {
        return None;
    }
    // Keep the text when it is already valid JSON, otherwise normalise
    // (`1.` and `.5` are YAML floats but not JSON numbers).
    let json_text = s.strip_prefix('+').unwrap_or(s);
    // (A number never puts anything in the reader's arena.)
    let scratch = Arena::new();
    if crate::json::parse_json(json_text, &scratch).is_ok_and(|n| n.as_number().is_some()) {
        Number::from_text_in(json_text, arena)
    } else {
        let value = json_text.parse::<f64>().ok()?;
        Number::from_f64(value, arena)
    }
}

/// `( \.[0-9]+ | [0-9]+ ( \.[0-9]* )? ) ( [eE] [-+]? [0-9]+ )?`
fn is_core_float(s: &str) -> bool {
    let (mantissa, exponent) = match s.find(['e', 'E']) {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mantissa_ok = match mantissa.split_once('.') {
        Some((int, frac)) => {
            (!int.is_empty() || !frac.is_empty())
                && int.bytes().all(|b| b.is_ascii_digit())
                && frac.bytes().all(|b| b.is_ascii_digit())
        }
        None => !mantissa.is_empty() && mantissa.bytes().all(|b| b.is_ascii_digit()),
    };
    let exponent_ok = exponent.is_none_or(|e| {
        let digits = e.strip_prefix(['-', '+']).unwrap_or(e);
        !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
    });
    mantissa_ok && exponent_ok
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tree::test_arena;

    fn parse_yaml(text: &str) -> Result<Node<'_>, Diagnostic> {
        super::parse_yaml(text, test_arena())
    }

    fn parse(text: &str) -> Node<'_> {
        match parse_yaml(text) {
            Ok(node) => node,
            Err(d) => panic!("unexpected error: {d}"),
        }
    }

    fn err(text: &str) -> Diagnostic {
        match parse_yaml(text) {
            Ok(node) => panic!("expected an error, parsed {node:?}"),
            Err(d) => d,
        }
    }

    const MACHINE: &str = "\
StartAt: Charge
States:
  Charge:
    Type: Task
    Resource: arn:aws:states:::lambda:invoke
    TimeoutSeconds: 30
    Parameters:
      FunctionName: \"charge\"
      Payload.$: $
    End: true
";

    #[test]
    fn yaml_machine_reads_like_its_json_form() {
        let root = parse(MACHINE);
        let json = crate::json::parse_json(
            r#"{"StartAt": "Charge", "States": {"Charge": {"Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke", "TimeoutSeconds": 30,
                "Parameters": {"FunctionName": "charge", "Payload.$": "$"}, "End": true}}}"#,
            test_arena(),
        )
        .expect("valid json");
        assert_eq!(root.to_json_value(), json.to_json_value());
    }

    #[test]
    fn spans_are_byte_ranges_of_keys_and_values() {
        let root = parse(MACHINE);
        let charge = root
            .get("States")
            .and_then(|s| s.member("Charge"))
            .expect("state");
        assert_eq!(charge.key_span.slice(MACHINE), Some("Charge"));
        let name = charge
            .value
            .get("Parameters")
            .and_then(|p| p.get("FunctionName"));
        assert_eq!(name.and_then(|n| n.span.slice(MACHINE)), Some("\"charge\""));
        let timeout = charge.value.get("TimeoutSeconds").expect("timeout");
        assert_eq!(timeout.span.slice(MACHINE), Some("30"));
    }

    #[test]
    fn spans_after_non_ascii_text_are_byte_offsets() {
        let text = "Comment: größe\nStartAt: A\n";
        let root = parse(text);
        let start_at = root.member("StartAt").expect("member");
        assert_eq!(start_at.key_span.slice(text), Some("StartAt"));
        assert_eq!(start_at.value.span.slice(text), Some("A"));
    }

    #[test]
    fn block_scalar_span_stops_at_its_last_line() {
        let text = "Comment: |\n  line one\n  line two\nNext: B\n";
        let root = parse(text);
        let comment = root.get("Comment").expect("comment");
        assert_eq!(comment.as_str(), Some("line one\nline two\n"));
        assert_eq!(comment.span.slice(text), Some("line one\n  line two"));
    }

    #[test]
    fn plain_scalars_follow_the_core_schema() {
        let root = parse("a: true\nb: ~\nc: 0x1F\nd: 1.5e3\ne: '12'\nf: yes\ng: +007\nh: .5\n");
        let v = root.to_json_value();
        assert_eq!(v["a"], serde_json::json!(true));
        assert!(v["b"].is_null());
        assert_eq!(v["c"], serde_json::json!(31));
        assert_eq!(v["d"], serde_json::json!(1500.0));
        assert_eq!(v["e"], serde_json::json!("12"));
        assert_eq!(v["f"], serde_json::json!("yes"));
        assert_eq!(v["g"], serde_json::json!(7));
        assert_eq!(v["h"], serde_json::json!(0.5));
        let d = root.get("d").and_then(Node::as_number).expect("number");
        assert_eq!(d.text(), "1.5e3");
    }

    #[test]
    fn plain_and_simple_quoted_texts_borrow_from_the_source() {
        let text = "Type: Pass\n'Next': \"B\"\nC: \"a\\tb\"\nD: 'it''s'\n";
        let root = parse(text);
        let members = root.as_object().expect("mapping");
        let borrowed = |s: &str| text.as_bytes().as_ptr_range().contains(&s.as_ptr());
        assert!(members.iter().all(|m| borrowed(m.key)));
        let values: Vec<bool> = members
            .iter()
            .map(|m| match &m.value.value {
                NodeValue::String(s) => borrowed(s),
                _ => false,
            })
            .collect();
        assert_eq!(values, [true, true, false, false]);
        assert_eq!(root.get("C").and_then(Node::as_str), Some("a\tb"));
        assert_eq!(root.get("D").and_then(Node::as_str), Some("it's"));
    }

    #[test]
    fn numeric_keys_keep_their_text() {
        let root = parse("200: ok\n");
        assert_eq!(root.get("200").and_then(Node::as_str), Some("ok"));
    }

    #[test]
    fn anchors_and_aliases_are_expanded() {
        let root = parse("base: &retry {MaxAttempts: 3}\nother: *retry\n");
        assert_eq!(
            root.get("other").map(Node::to_json_value),
            Some(serde_json::json!({"MaxAttempts": 3}))
        );
    }

    #[test]
    fn anchored_keys_can_be_aliased_as_values() {
        let root = parse("&first A: 1\nStartAt: *first\n");
        assert_eq!(root.get("StartAt").and_then(Node::as_str), Some("A"));
    }

    #[test]
    fn merge_keys_fill_in_missing_members() {
        let root = parse("base: &b {Type: Pass, End: true}\nstate:\n  <<: *b\n  End: false\n");
        let state = root.get("state").map(Node::to_json_value);
        assert_eq!(
            state,
            Some(serde_json::json!({"End": false, "Type": "Pass"}))
        );
    }

    #[test]
    fn cloudformation_short_forms_become_long_forms() {
        let root =
            parse("a: !Sub '${Fn}'\nb: !Ref Table\nc: !GetAtt Fn.Arn\nd: !Join ['', [x, y]]\n");
        let v = root.to_json_value();
        assert_eq!(v["a"], serde_json::json!({"Fn::Sub": "${Fn}"}));
        assert_eq!(v["b"], serde_json::json!({"Ref": "Table"}));
        assert_eq!(v["c"], serde_json::json!({"Fn::GetAtt": ["Fn", "Arn"]}));
        assert_eq!(v["d"], serde_json::json!({"Fn::Join": ["", ["x", "y"]]}));
    }

    #[test]
    fn core_tags_force_the_type() {
        let root = parse("a: !!str 12\n");
        assert_eq!(root.get("a").and_then(Node::as_str), Some("12"));
    }

    #[test]
    fn duplicate_keys_are_errors_with_both_places() {
        let text = "Type: Pass\nNext: B\nType: Task\n";
        let d = err(text);
        assert_eq!(d.code, codes::DUPLICATE_KEY);
        assert_eq!(d.span, Span::new(19, 23));
        assert_eq!(d.secondary.first().map(|s| s.0), Some(Span::new(0, 4)));
    }

    #[test]
    fn duplicate_keys_are_found_in_large_mappings() {
        let mut text: String = (0..50).map(|i| format!("k{i}: {i}\n")).collect();
        text.push_str("k31: again\n");
        let d = err(&text);
        assert_eq!(d.code, codes::DUPLICATE_KEY);
        assert_eq!(d.span.slice(&text), Some("k31"));
        assert_eq!(
            d.secondary.first().and_then(|s| s.0.slice(&text)),
            Some("k31")
        );
    }

    #[test]
    fn syntax_errors_point_into_the_text() {
        let text = "a: [1, 2\nb: 3\n";
        let d = err(text);
        assert_eq!(d.code, codes::SYNTAX);
        assert!(d.message.starts_with("invalid YAML: "));
        assert!(d.span.start <= text.len());
    }

    #[test]
    fn tab_indentation_gets_a_hint() {
        let d = err("StartAt: A\nStates:\n  A:\n\tType: Pass\n");
        assert_eq!(
            d.help.as_deref(),
            Some("indent with spaces; YAML does not allow tabs in indentation")
        );
    }

    #[test]
    fn a_second_document_is_rejected() {
        let d = err("a: 1\n---\nb: 2\n");
        assert!(d.message.contains("single YAML document"));
    }

    #[test]
    fn byte_order_mark_and_crlf_lines_are_read() {
        let text = "\u{feff}StartAt: A\r\nComment: |\r\n  two\r\n  lines\r\nEnd: true\r\n";
        let root = parse(text);
        let start_at = root.member("StartAt").expect("member");
        assert_eq!(start_at.key_span.slice(text), Some("StartAt"));
        assert_eq!(start_at.value.span.slice(text), Some("A"));
        let comment = root.get("Comment").expect("comment");
        assert_eq!(comment.as_str(), Some("two\nlines\n"));
        assert_eq!(root.get("End").and_then(Node::as_bool), Some(true));
    }

    #[test]
    fn empty_document_reads_as_null() {
        assert!(parse("# nothing here\n").is_null());
    }

    #[test]
    fn deep_flow_nesting_is_an_error_not_a_crash() {
        let text = format!("{}{}", "[".repeat(10_000), "]".repeat(10_000));
        let d = err(&text);
        assert_eq!(d.code, codes::TOO_DEEP);
    }

    #[test]
    fn deep_block_nesting_is_an_error_not_a_crash() {
        let mut text = String::new();
        for level in 0..10_000 {
            text.push_str(&" ".repeat(level));
            text.push_str("k:\n");
        }
        let d = err(&text);
        assert_eq!(d.code, codes::TOO_DEEP);
        // The mapping one level too deep starts at the key of line MAX_DEPTH,
        // after its MAX_DEPTH spaces of indentation.
        let line_start: usize = (0..MAX_DEPTH).map(|l| l + 3).sum();
        assert_eq!(d.span.start, line_start + MAX_DEPTH);
    }

    #[test]
    fn alias_bombs_hit_the_expansion_limit() {
        let mut text = String::from("a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..10 {
            let prev = format!("*a{}", i - 1);
            let items = [prev.as_str(); 10].join(", ");
            text.push_str(&format!("a{i}: &a{i} [{items}]\n"));
        }
        let d = err(&text);
        assert!(d.message.contains("aliases expand"));
    }

    /// Block documents of the shapes the fast reader takes, and a few it
    /// hands on.
    const SHAPES: [&str; 9] = [
        MACHINE,
        "\n  StartAt: P\n  States:\n    P:\n      Type: Parallel\n      Branches:\n        - StartAt: A\n          States:\n            A:\n              Type: Pass\n              End: true\n      Catch:\n      - ErrorEquals:\n        - States.ALL\n        Next: Final State # comment\n    Final State:\n      Type: Pass\n      End: true\n",
        "# leading comment\n\"Comment\": \"quoted\"\n'Single': 'it is'\nItems:\n  - 1\n  - -2.5\n  - 'x'\n  - \"y\"\n  - {}\n  - []\n  -\n    - nested\n    - seq\nEmpty: {}\nNone: []\nNull:\nBool: true\n",
        "Retry:\n  - ErrorEquals:\n      - States.TaskFailed\n      - CustomError\n    IntervalSeconds: 3\n    BackoffRate: 1.5\n  -\n    ErrorEquals:\n    - States.ALL\nNext: x\n",
        "a: b\n  c: d\ne: \"f\" # c\ng: 'h'#x\ni: j # k\n  l\nm: n: o\np: [a, b]\nq: - r\n",
        "k: ~\nk2: 0x1F\nk3: .5\nk4: +007\nurl: https://x.example/a?b=c#d\narn: arn:aws:states:::lambda:invoke\ncolon: a:b\nhash: a#b\ndash: -x\nq: ?x\nGrüße: 'ü ✓'\n",
        "---\nErrorEquals: [States.ALL, 'x', \"y\" ]\nEmpty: [ ]\nTight: [a,b]\nWords: [a b, arn:aws:x, 1, -2, true]\nEscaped: \"a\\\"b\\\\c\\/d\\n\"\n\"k\\te\\\"y\": 1\nSeq:\n  - [x]\n  - []\n  - {Ref: A}\n  - { \"Fn::GetAtt\": \"B.Arn\" , k: 'v', n: -1 }\nMap: {a: 1, b: x y}\n",
        "Resources:\n  Machine:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      RoleArn: !GetAtt Role.Arn\n      Name: !Sub '${AWS::StackName}-m'\n      Queue: !Ref Queue\n      Other: !Foo x\n      Items:\n        - !Ref A\n        - !GetAtt B.C.D\n        - !Sub \"x\\ty\"\n",
        "Comment: |\n  one\n\n    two # not a comment\n\nDefinitionString: !Sub |-\n  {\n    \"StartAt\": \"${A}\"\n  }\nSeq:\n  - |\n    a\n  -   |\n      b\n      c\nEnd: true\n",
    ];

    /// The fast reader's tree, when it takes `text`, must be exactly the
    /// event parser's (values, keys and every span).
    fn agrees(text: &str) -> bool {
        match Simple::read(text, test_arena()) {
            Ok(fast) => {
                match read_events(text, test_arena()) {
                    Ok(full) => {
                        if fast != full {
                            panic!(
                                "trees differ for {text:?}: {}",
                                first_difference(&fast, &full)
                            );
                        }
                    }
                    Err(d) => panic!("fast reader took {text:?}, the event parser says {d}"),
                }
                true
            }
            Err(Bail) => false,
        }
    }

    fn first_difference(a: &Node<'_>, b: &Node<'_>) -> String {
        match (a.value, b.value) {
            (NodeValue::Object(x), NodeValue::Object(y)) if x.len() == y.len() => {
                for (m, n) in x.iter().zip(y) {
                    if m.key != n.key || m.key_span != n.key_span {
                        return format!(
                            "key {:?} {:?} vs {:?} {:?}",
                            m.key, m.key_span, n.key, n.key_span
                        );
                    }
                    if m.value != n.value {
                        return format!("{}.{}", m.key, first_difference(&m.value, &n.value));
                    }
                }
            }
            (NodeValue::Array(x), NodeValue::Array(y)) if x.len() == y.len() => {
                for (i, (m, n)) in x.iter().zip(y).enumerate() {
                    if m != n {
                        return format!("[{i}]{}", first_difference(m, n));
                    }
                }
            }
            _ => {}
        }
        format!(
            " fast {:?} {:?}, events {:?} {:?}",
            a.span, a.value, b.span, b.value
        )
    }

    #[test]
    fn the_fast_reader_takes_common_documents() {
        assert!(agrees(&SHAPES[1].replace('\n', "\r\n")));
        let taken: Vec<bool> = SHAPES.iter().map(|s| agrees(s)).collect();
        assert_eq!(
            taken,
            [true, true, true, true, false, true, true, true, true]
        );
    }

    #[test]
    fn the_fast_reader_reads_what_the_event_parser_reads() {
        let mut rng = crate::testing::Lcg(7);
        let pieces = [
            " ",
            "  ",
            "\n",
            "- ",
            "-",
            "#",
            " #",
            "'",
            "\"",
            ": ",
            ":",
            "{}",
            "[]",
            "-1",
            "\n- a",
            "x",
            "\n  - ",
            "---\n",
            "\n  ",
            "\n    ",
            "a: b\n",
            "\n\n",
            "''",
            "\\",
            "~",
            "? ",
            "0",
            ".5",
            "<<: ",
            "ä",
            "\u{feff}",
            "\t",
            "\r\n",
            "\u{85}",
            ",",
            "[",
            "]",
            "\\\"",
            "\\n",
            "\\u0041",
            "---",
            "...",
            "[a, b]",
            "--- ",
            "\n---\n",
            "{a: 1}",
            "{",
            "}",
            "{a: b, c: d}",
            "!Ref ",
            "!GetAtt ",
            "!Sub ",
            "!Foo ",
            "!!str ",
            "!",
            "|",
            "|-",
            "|\n",
            "|+",
            ">",
        ];
        let mut taken = 0;
        // Each shape as written and with `\r\n` line breaks.
        let shapes = SHAPES
            .iter()
            .flat_map(|s| [s.to_string(), s.replace('\n', "\r\n")]);
        for shape in shapes {
            agrees(&shape);
            for _ in 0..2000 {
                let mut text = shape.to_owned();
                rng.mutate(&mut text, &pieces);
                taken += usize::from(agrees(&text));
            }
        }
        // Most mutations keep a readable document.
        assert!(taken > 2500, "{taken}");
    }

    #[test]
    fn mutated_documents_never_panic_and_spans_stay_in_bounds() {
        let mut rng = crate::testing::Lcg(11);
        let pieces = [
            ":", "- ", "&a ", "*a", "!Sub ", "'", "\"", "\n  ", "[", "{", "ä", "\t", "<<: ",
            "---\n", "|\n",
        ];
        for _ in 0..2000 {
            let mut text = MACHINE.to_owned();
            rng.mutate(&mut text, &pieces);
            match parse_yaml(&text) {
                Ok(node) => node.walk(|n| {
                    assert!(
                        n.span.slice(&text).is_some(),
                        "bad span {:?} in {text:?}",
                        n.span
                    );
                }),
                Err(d) => assert!(d.span.slice(&text).is_some(), "{d} in {text:?}"),
            }
        }
    }
}
