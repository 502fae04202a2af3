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

// A syntax error ends reading; the contract returns `Diagnostic` itself.
#![allow(clippy::result_large_err)]

use std::borrow::Cow;
use std::collections::HashMap;

use saphyr_parser::{Event, Marker, Parser, ScalarStyle, ScanError, Tag};

use crate::diagnostic::{Diagnostic, codes};
use crate::json::{KeyTable, MAX_DEPTH, check_key};
use crate::source::Span;
use crate::tree::{Member, Node, NodeValue, Number};

/// Most nodes alias expansion may produce in one document. Real definitions
/// have a few thousand; exponential alias bombs hit this quickly.
const MAX_NODES: usize = 2_000_000;

/// Reads one YAML document into the spanned tree. An empty document reads as
/// `null`.
pub fn parse_yaml(text: &str) -> Result<Node<'_>, Diagnostic> {
    let mut builder = Builder {
        text,
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
    Key(Cow<'a, str>, Span),
    Merge,
}

struct Builder<'a> {
    text: &'a str,
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
                    let name = source_text(self.text, value, style, span);
                    if anchor != 0 {
                        // An anchored key can be reused as a value elsewhere.
                        let node = Node::new(span, NodeValue::String(name.clone()));
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
                let node = node.clone();
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
            self.anchors.insert(anchor, (node.clone(), count));
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
        let value = match (style, core) {
            (_, Some("null")) => NodeValue::Null,
            (_, Some("str")) => NodeValue::String(source_text(self.text, value, style, span)),
            (ScalarStyle::Plain, _) | (_, Some("int" | "float" | "bool")) => {
                resolve_plain(value, |v| source_text(self.text, v, style, span))
            }
            _ => NodeValue::String(source_text(self.text, value, style, span)),
        };
        Node::new(span, value)
    }

    /// Applies a local tag: CloudFormation short forms become their long form;
    /// other tags are dropped (the value is kept as written).
    fn tagged(&self, node: Node<'a>, tag: Option<&Tag>) -> Node<'a> {
        let Some(tag) = tag else {
            return node;
        };
        if tag.handle != "!" {
            return node;
        }
        let span = node.span;
        let key = match tag.suffix.as_str() {
            "Ref" => "Ref".to_owned(),
            "Condition" => "Condition".to_owned(),
            "GetAtt" => "Fn::GetAtt".to_owned(),
            "Sub" | "Join" | "Select" | "Split" | "If" | "Equals" | "And" | "Or" | "Not"
            | "FindInMap" | "Base64" | "Cidr" | "ImportValue" | "GetAZs" | "Transform"
            | "Length" | "ToJsonString" => format!("Fn::{}", tag.suffix),
            _ => return node,
        };
        // `!GetAtt Resource.Attribute` is the string form of a two-element list.
        let value = match (&node.value, tag.suffix.as_str()) {
            (NodeValue::String(s), "GetAtt") => match s.split_once('.') {
                Some((resource, attribute)) => Node::new(
                    span,
                    NodeValue::Array(vec![
                        Node::new(span, NodeValue::String(Cow::Owned(resource.to_owned()))),
                        Node::new(span, NodeValue::String(Cow::Owned(attribute.to_owned()))),
                    ]),
                ),
                None => node,
            },
            _ => node,
        };
        Node::new(
            span,
            NodeValue::Object(vec![Member {
                key: key.into(),
                key_span: Span::new(span.start, span.start + tag.suffix.len() + 1),
                value,
            }]),
        )
    }
}

/// Members from `<<` merge keys fill in keys the mapping does not set itself;
/// earlier merge sources win over later ones, as in YAML 1.1.
fn apply_merges<'a>(members: &mut Vec<Member<'a>>, merges: Vec<Node<'a>>) {
    for source in merges {
        let sources = match source.value {
            NodeValue::Object(m) => vec![m],
            NodeValue::Array(items) => items
                .into_iter()
                .filter_map(|n| match n.value {
                    NodeValue::Object(m) => Some(m),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        };
        for merged in sources.into_iter().flatten() {
            if !members.iter().any(|m| m.key == merged.key) {
                members.push(merged);
            }
        }
    }
}

/// The scalar's text borrowed from the source when its span holds it as is
/// (plain, or quoted without escapes or line folding), else owned.
fn source_text<'a>(
    text: &'a str,
    value: Cow<'_, str>,
    style: ScalarStyle,
    span: Span,
) -> Cow<'a, str> {
    let written = text.get(span.start..span.end).unwrap_or_default();
    let inner = match style {
        ScalarStyle::Plain => Some(written),
        ScalarStyle::SingleQuoted | ScalarStyle::DoubleQuoted => {
            written.get(1..written.len().saturating_sub(1))
        }
        _ => None,
    };
    match inner {
        Some(s) if s == value => Cow::Borrowed(s),
        _ => Cow::Owned(value.into_owned()),
    }
}

/// Core-schema resolution of a plain scalar; `string` makes the text of one
/// that stays a string.
fn resolve_plain<'a, 'v>(
    value: Cow<'v, str>,
    string: impl FnOnce(Cow<'v, str>) -> Cow<'a, str>,
) -> NodeValue<'a> {
    let s: &str = &value;
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return NodeValue::Null,
        "true" | "True" | "TRUE" => return NodeValue::Bool(true),
        "false" | "False" | "FALSE" => return NodeValue::Bool(false),
        _ => {}
    }
    if let Some(number) = resolve_number(s) {
        return NodeValue::Number(number);
    }
    NodeValue::String(string(value))
}

fn resolve_number(s: &str) -> Option<Number> {
    let first = *s.as_bytes().first()?;
    if !(first.is_ascii_digit() || matches!(first, b'-' | b'+' | b'.')) {
        return None;
    }
    if let Some(hex) = s.strip_prefix("0x") {
        return i64::from_str_radix(hex, 16).ok().map(Number::from_i64);
    }
    if let Some(octal) = s.strip_prefix("0o") {
        return i64::from_str_radix(octal, 8).ok().map(Number::from_i64);
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
        return Number::from_text(&text);
    }
    if !is_core_float(unsigned) {
        return None;
    }
    // Keep the text when it is already valid JSON, otherwise normalise
    // (`1.` and `.5` are YAML floats but not JSON numbers).
    let json_text = s.strip_prefix('+').unwrap_or(s);
    if crate::json::parse_json(json_text).is_ok_and(|n| n.as_number().is_some()) {
        Number::from_text(json_text)
    } else {
        json_text.parse::<f64>().ok().and_then(Number::from_f64)
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
        let root = parse("Type: Pass\n'Next': \"B\"\nC: \"a\\tb\"\nD: 'it''s'\n");
        let members = root.as_object().expect("mapping");
        let borrowed = |c: &Cow<'_, str>| matches!(c, Cow::Borrowed(_));
        assert!(members.iter().all(|m| borrowed(&m.key)));
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

    #[test]
    fn mutated_documents_never_panic_and_spans_stay_in_bounds() {
        let mut state = 11u64;
        let mut next = |n: usize| {
            state = state
                .wrapping_mul(6_364_136_223_846_793_005)
                .wrapping_add(1_442_695_040_888_963_407);
            ((state >> 33) % n.max(1) as u64) as usize
        };
        let pieces = [
            ":", "- ", "&a ", "*a", "!Sub ", "'", "\"", "\n  ", "[", "{", "ä", "\t", "<<: ",
            "---\n", "|\n",
        ];
        for _ in 0..2000 {
            let mut text = MACHINE.to_owned();
            for _ in 0..1 + next(3) {
                let mut at = next(text.len() + 1);
                while !text.is_char_boundary(at) {
                    at -= 1;
                }
                if next(2) == 0 {
                    text.insert_str(at, pieces[next(pieces.len())]);
                } else {
                    let mut end = (at + 1 + next(6)).min(text.len());
                    while !text.is_char_boundary(end) {
                        end += 1;
                    }
                    text.replace_range(at..end, "");
                }
            }
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
