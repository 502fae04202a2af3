//! The spanned document tree both readers (JSON and YAML) produce.
//!
//! Every value and every object key keeps the byte span it came from, object
//! members keep their source order, and numbers keep their exact source text
//! so nothing is lost before the typed model is built.

use crate::source::Span;

/// The memory a document's tree lives in.
///
/// A reader puts every array, object and decoded string of the tree here,
/// and the builder every list of the model, so checking a definition costs a
/// few chunk allocations instead of one per container, and dropping the tree
/// is freeing those chunks: nodes have no destructor to run. The tree and
/// the model borrow the arena (and the source text) for their lifetime `'a`;
/// keep the arena alive as long as both:
///
/// ```
/// let arena = asl_model::Arena::new();
/// let root = asl_model::parse_json(r#"{"StartAt": "A"}"#, &arena).unwrap();
/// assert_eq!(root.get("StartAt").and_then(|n| n.as_str()), Some("A"));
/// ```
pub struct Arena {
    bump: bumpalo::Bump,
}

thread_local! {
    /// The memory of the last arena dropped on this thread, emptied, for the
    /// next one: checking definition after definition (the linter, `asl!` in
    /// a crate with many machines) then reuses one block instead of
    /// allocating and freeing (and, for big definitions, faulting in fresh
    /// pages) for each.
    static SPARE: std::cell::Cell<Option<bumpalo::Bump>> = const { std::cell::Cell::new(None) };
}

/// Arenas holding more than this are freed rather than kept for reuse.
const MAX_SPARE_BYTES: usize = 8 << 20;

/// The spare block, if this thread has one (none while the thread is being
/// torn down).
fn take_spare() -> Option<bumpalo::Bump> {
    SPARE.try_with(std::cell::Cell::take).ok().flatten()
}

impl Default for Arena {
    fn default() -> Arena {
        Arena {
            bump: take_spare().unwrap_or_default(),
        }
    }
}

impl Drop for Arena {
    fn drop(&mut self) {
        let mut bump = std::mem::take(&mut self.bump);
        // An arena that never allocated has no block worth keeping (and
        // would take the place of one that has).
        if (1..=MAX_SPARE_BYTES).contains(&bump.allocated_bytes()) {
            // Keeps the largest block, empty; nothing borrows it any more.
            bump.reset();
            // During thread teardown the block is simply freed.
            let _ = SPARE.try_with(|spare| spare.set(Some(bump)));
        }
    }
}

impl Arena {
    pub fn new() -> Arena {
        Arena::default()
    }

    /// An arena with room for the tree and the model of `text` in one block,
    /// so checking it does not allocate chunk after growing chunk: the tree
    /// takes about twice the bytes of pretty-printed JSON and the model's
    /// lists six to eight times (a 1,000-state machine of 290 KB needs
    /// 2.4-2.9 MB), and the reader's scratch stacks start in 2 KiB. More is
    /// allocated as needed; pages never written are never touched. (The
    /// spare block of an earlier arena is used instead when there is one.)
    pub fn for_text(text: &str) -> Arena {
        let bump = take_spare().unwrap_or_else(|| {
            bumpalo::Bump::with_capacity(text.len().saturating_mul(10).saturating_add(4096))
        });
        Arena { bump }
    }

    pub(crate) fn bump(&self) -> &bumpalo::Bump {
        &self.bump
    }

    /// A copy of `nodes` in the arena (the elements of an array).
    pub fn alloc_nodes<'a>(&'a self, nodes: &[Node<'a>]) -> &'a [Node<'a>] {
        if nodes.is_empty() {
            return &[];
        }
        self.bump.alloc_slice_copy(nodes)
    }

    /// A copy of `members` in the arena (the members of an object).
    pub fn alloc_members<'a>(&'a self, members: &[Member<'a>]) -> &'a [Member<'a>] {
        if members.is_empty() {
            return &[];
        }
        self.bump.alloc_slice_copy(members)
    }

    /// A copy of `text` in the arena (a string that is not in the source as
    /// it reads, such as one with escapes).
    pub fn alloc_str(&self, text: &str) -> &str {
        self.bump.alloc_str(text)
    }

    /// Bytes of memory the arena holds.
    pub fn allocated_bytes(&self) -> usize {
        self.bump.allocated_bytes()
    }
}

/// An arena that lives as long as the test process, so tests can read a
/// tree in one expression. It is leaked: tests are short.
#[cfg(test)]
pub(crate) fn test_arena() -> &'static Arena {
    Box::leak(Box::default())
}

impl std::fmt::Debug for Arena {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Arena")
            .field("allocated_bytes", &self.allocated_bytes())
            .finish()
    }
}

/// One value of the document with the byte span it was read from.
///
/// Strings and keys borrow the source text when they are written without
/// escapes (almost always); containers and escaped strings live in the
/// [`Arena`] the tree was read into. A node is a few words and `Copy`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Node<'a> {
    pub span: Span,
    pub value: NodeValue<'a>,
}

/// The kinds of value a definition can hold (the JSON data model).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum NodeValue<'a> {
    Null,
    Bool(bool),
    Number(Number<'a>),
    String(&'a str),
    Array(&'a [Node<'a>]),
    /// Members in source order. Duplicate keys are rejected by the readers,
    /// so a key occurs at most once.
    Object(&'a [Member<'a>]),
}

/// One `"key": value` pair of an object.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Member<'a> {
    pub key: &'a str,
    /// Span of the key as written, including its quotes in JSON.
    pub key_span: Span,
    pub value: Node<'a>,
}

impl Member<'_> {
    /// Span from the start of the key to the end of the value.
    pub fn span(&self) -> Span {
        self.key_span.join(self.value.span)
    }
}

/// A number as written in the source, with its value as `f64`.
///
/// The text is kept so that integers beyond 2^53 and the exact spelling
/// (`1.0` vs `1`) survive into code generation and messages. It borrows the
/// source (JSON) or the tree's arena (YAML's canonical form).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Number<'a> {
    text: &'a str,
    value: f64,
}

impl<'a> Number<'a> {
    /// Builds a number from JSON number text. Returns `None` when the text is
    /// not a number `f64` can represent (it can always parse RFC 8259 syntax;
    /// out-of-range magnitudes become infinite and are rejected).
    pub fn from_text(text: &'a str) -> Option<Number<'a>> {
        let value: f64 = match small_natural(text) {
            // Exact: every integer below 2^53 is an f64.
            Some(n) => n as f64,
            None => text.parse().ok()?,
        };
        value.is_finite().then_some(Number { text, value })
    }

    /// A number whose value the reader already computed from `text` (at most
    /// 15 digits, so `value` is finite and correctly rounded).
    pub(crate) fn exact(text: &'a str, value: f64) -> Number<'a> {
        Number { text, value }
    }

    /// [`Number::from_text`] for a text that does not live as long as the
    /// tree: the text is copied into `arena`.
    pub fn from_text_in(text: &str, arena: &'a Arena) -> Option<Number<'a>> {
        let value = Number::from_text(text)?.value;
        Some(Number {
            text: arena.alloc_str(text),
            value,
        })
    }

    /// A number for `value` in canonical decimal, its text kept in `arena`.
    pub fn from_f64(value: f64, arena: &'a Arena) -> Option<Number<'a>> {
        if !value.is_finite() {
            return None;
        }
        let text = if value.fract() == 0.0 && value.abs() < 1e15 {
            format!("{value:.0}")
        } else {
            format!("{value}")
        };
        Number::from_text_in(&text, arena)
    }

    /// A number for `value`, its text kept in `arena`.
    pub fn from_i64(value: i64, arena: &'a Arena) -> Number<'a> {
        Number {
            text: arena.alloc_str(&value.to_string()),
            value: value as f64,
        }
    }

    /// The number exactly as written (JSON) or in canonical decimal (YAML).
    pub fn text(&self) -> &'a str {
        self.text
    }

    pub fn as_f64(&self) -> f64 {
        self.value
    }

    /// Whether the text is written without fraction or exponent.
    pub fn is_integer_literal(&self) -> bool {
        !self.text().contains(['.', 'e', 'E'])
    }

    /// The value as `u64` when it is a whole number in range (`5`, `5.0`,
    /// `5e0` all count), parsing the text so large integers stay exact.
    pub fn as_u64(&self) -> Option<u64> {
        let v = self.value;
        // Below 2^53 the value is exact; the text is parsed only for larger
        // integers (and for `-0`, which is not a u64 as written).
        if v.fract() == 0.0 && v > 0.0 && v < EXACT_F64 || self.text() == "0" {
            return Some(v as u64);
        }
        if self.is_integer_literal() {
            return self.text().parse().ok();
        }
        let v = self.value;
        (v.fract() == 0.0 && v >= 0.0 && v <= u64::MAX as f64).then_some(v as u64)
    }

    /// The value as `i64` when it is a whole number in range.
    pub fn as_i64(&self) -> Option<i64> {
        if self.is_integer_literal() {
            return self.text().parse().ok();
        }
        let v = self.value;
        (v.fract() == 0.0 && v >= i64::MIN as f64 && v <= i64::MAX as f64).then_some(v as i64)
    }

    /// Whether the value is mathematically an integer (`3`, `3.0`, `3e2`).
    pub fn is_whole(&self) -> bool {
        self.value.fract() == 0.0
    }

    /// The value as a `serde_json::Number`, keeping integers exact.
    pub fn to_json_number(&self) -> serde_json::Number {
        if self.is_integer_literal() {
            if let Ok(n) = self.text().parse::<u64>() {
                return n.into();
            }
            if let Ok(n) = self.text().parse::<i64>() {
                return n.into();
            }
        }
        // `value` is finite by construction, so `from_f64` cannot fail; zero
        // is a harmless fallback all the same.
        serde_json::Number::from_f64(self.value).unwrap_or_else(|| 0.into())
    }
}

/// 2^53: integers below it are exact as `f64`.
const EXACT_F64: f64 = 9_007_199_254_740_992.0;

/// The value of a plain run of at most 15 digits (the common number in a
/// definition), computed without the general float parser.
fn small_natural(text: &str) -> Option<u64> {
    if text.is_empty() || text.len() > 15 {
        return None;
    }
    text.bytes().try_fold(0u64, |n, b| {
        b.is_ascii_digit().then(|| n * 10 + u64::from(b - b'0'))
    })
}

impl std::fmt::Display for Number<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.text())
    }
}

impl<'a> Node<'a> {
    pub fn new(span: Span, value: NodeValue<'a>) -> Node<'a> {
        Node { span, value }
    }

    /// The member value for `key` when this node is an object.
    pub fn get(&self, key: &str) -> Option<&'a Node<'a>> {
        self.member(key).map(|m| &m.value)
    }

    /// The whole member (key, key span, value) for `key` when this node is an
    /// object.
    pub fn member(&self, key: &str) -> Option<&'a Member<'a>> {
        self.as_object()?.iter().find(|m| m.key == key)
    }

    /// The element at `index` when this node is an array.
    pub fn index(&self, index: usize) -> Option<&'a Node<'a>> {
        self.as_array()?.get(index)
    }

    pub fn as_str(&self) -> Option<&'a str> {
        match self.value {
            NodeValue::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.value {
            NodeValue::Bool(b) => Some(b),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<&Number<'a>> {
        match &self.value {
            NodeValue::Number(n) => Some(n),
            _ => None,
        }
    }

    pub fn as_f64(&self) -> Option<f64> {
        self.as_number().map(Number::as_f64)
    }

    pub fn as_u64(&self) -> Option<u64> {
        self.as_number().and_then(Number::as_u64)
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_number().and_then(Number::as_i64)
    }

    pub fn as_array(&self) -> Option<&'a [Node<'a>]> {
        match self.value {
            NodeValue::Array(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&'a [Member<'a>]> {
        match self.value {
            NodeValue::Object(members) => Some(members),
            _ => None,
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.value, NodeValue::Null)
    }

    pub fn is_object(&self) -> bool {
        matches!(self.value, NodeValue::Object(_))
    }

    /// The JSON type name of this value, for messages ("expected an object,
    /// found a string").
    pub fn kind(&self) -> &'static str {
        self.value.kind()
    }

    /// The value as `serde_json::Value` (spans dropped, member order kept), for
    /// code generation and payload templates.
    pub fn to_json_value(&self) -> serde_json::Value {
        use serde_json::Value;
        match &self.value {
            NodeValue::Null => Value::Null,
            NodeValue::Bool(b) => Value::Bool(*b),
            NodeValue::Number(n) => Value::Number(n.to_json_number()),
            NodeValue::String(s) => Value::String(s.to_string()),
            NodeValue::Array(items) => {
                Value::Array(items.iter().map(Node::to_json_value).collect())
            }
            NodeValue::Object(members) => Value::Object(
                members
                    .iter()
                    .map(|m| (m.key.to_string(), m.value.to_json_value()))
                    .collect(),
            ),
        }
    }

    /// The source span of a byte range `inner` of this string node's decoded
    /// value (for example a JSONPath error inside `"$.items[?(@.x"`).
    ///
    /// Escapes (`\"`, `\u00e9`, YAML `''`) are accounted for. Where the
    /// mapping cannot be made exact (block scalars, folded lines, unknown
    /// escapes) the whole node span is returned, which is still correct, only
    /// less precise.
    pub fn inner_span(&self, text: &str, inner: Span) -> Span {
        let NodeValue::String(value) = &self.value else {
            return self.span;
        };
        let Some(source) = self.span.slice(text) else {
            return self.span;
        };
        let mapped = match source.as_bytes().first() {
            Some(b'"') => map_quoted(source, b'"', inner),
            Some(b'\'') => map_quoted(source, b'\'', inner),
            _ if source == *value => Some(inner),
            _ => None,
        };
        match mapped {
            // Renderers slice the source with these spans, so they must fall
            // on character boundaries.
            Some(span)
                if span.end <= self.span.len()
                    && span.offset_by(self.span.start).slice(text).is_some() =>
            {
                span.offset_by(self.span.start)
            }
            _ => self.span,
        }
    }

    /// Visits this node and every node below it, depth first, parents before
    /// children. Uses an explicit stack so deep documents cannot overflow.
    pub fn walk(&self, mut visit: impl FnMut(&Node<'a>)) {
        let mut stack = vec![self];
        while let Some(node) = stack.pop() {
            visit(node);
            match &node.value {
                NodeValue::Array(items) => stack.extend(items.iter().rev()),
                NodeValue::Object(members) => stack.extend(members.iter().rev().map(|m| &m.value)),
                _ => {}
            }
        }
    }
}

/// Maps decoded byte offsets of a quoted literal (`source` includes the
/// quotes) to offsets in `source`. `None` when the literal holds something
/// this simple decoder does not model (line breaks, rare YAML escapes).
fn map_quoted(source: &str, quote: u8, inner: Span) -> Option<Span> {
    let bytes = source.as_bytes();
    let mut src = 1;
    let mut decoded = 0;
    let mut start = None;
    let mut end = None;
    loop {
        if decoded == inner.start && start.is_none() {
            start = Some(src);
        }
        if decoded == inner.end {
            end = Some(src);
            break;
        }
        let &b = bytes.get(src)?;
        let (src_len, decoded_len) = match b {
            b'\n' | b'\r' => return None,
            _ if b == quote && quote == b'\'' => {
                if bytes.get(src + 1) == Some(&b'\'') {
                    (2, 1)
                } else {
                    break;
                }
            }
            _ if b == quote => break,
            b'\\' if quote == b'"' => match bytes.get(src + 1)? {
                b'"' | b'\\' | b'/' | b'b' | b'f' | b'n' | b'r' | b't' => (2, 1),
                b'u' => {
                    let hex = source.get(src + 2..src + 6)?;
                    let code = u32::from_str_radix(hex, 16).ok()?;
                    if (0xD800..0xDC00).contains(&code) {
                        (12, 4)
                    } else {
                        (6, char::from_u32(code)?.len_utf8())
                    }
                }
                _ => return None,
            },
            _ => {
                let c = source.get(src..)?.chars().next()?;
                (c.len_utf8(), c.len_utf8())
            }
        };
        src += src_len;
        decoded += decoded_len;
    }
    Some(Span::new(start?, end?))
}

impl NodeValue<'_> {
    pub fn kind(&self) -> &'static str {
        match self {
            NodeValue::Null => "null",
            NodeValue::Bool(_) => "boolean",
            NodeValue::Number(_) => "number",
            NodeValue::String(_) => "string",
            NodeValue::Array(_) => "array",
            NodeValue::Object(_) => "object",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn leaf(value: NodeValue<'static>) -> Node<'static> {
        Node::new(Span::new(0, 1), value)
    }

    fn object<'a>(arena: &'a Arena, members: Vec<(&'a str, Node<'a>)>) -> Node<'a> {
        let members: Vec<Member<'a>> = members
            .into_iter()
            .map(|(k, v)| Member {
                key: k,
                key_span: Span::new(0, 1),
                value: v,
            })
            .collect();
        Node::new(
            Span::new(0, 10),
            NodeValue::Object(arena.alloc_members(&members)),
        )
    }

    #[test]
    fn a_dropped_arena_leaves_its_memory_to_the_next_one_on_the_thread() {
        std::thread::spawn(|| {
            let first = Arena::for_text(&" ".repeat(10_000));
            let _ = first.alloc_str("some text");
            let held = first.allocated_bytes();
            assert!(held >= 20_000);
            drop(first);
            let second = Arena::new();
            assert_eq!(second.allocated_bytes(), held);
            // Reading into the reused block works like into a fresh one.
            let root = crate::json::parse_json(r#"{"a": ["b\n"]}"#, &second).expect("valid");
            assert_eq!(
                root.get("a")
                    .and_then(|a| a.index(0))
                    .and_then(Node::as_str),
                Some("b\n")
            );
            // A second arena at the same time gets memory of its own.
            let third = Arena::new();
            assert_eq!(third.allocated_bytes(), 0);
            // The empty one, dropped last, does not displace the block.
            drop(second);
            drop(third);
            assert_eq!(Arena::new().allocated_bytes(), held);
        })
        .join()
        .expect("thread");
    }

    #[test]
    fn get_finds_members_by_key() {
        let arena = Arena::new();
        let node = object(&arena, vec![("Type", leaf(NodeValue::String("Pass")))]);
        assert_eq!(node.get("Type").and_then(Node::as_str), Some("Pass"));
        assert!(node.get("Next").is_none());
    }

    #[test]
    fn large_integers_stay_exact() {
        let n = Number::from_text("9007199254740993").expect("valid number");
        assert_eq!(n.as_u64(), Some(9_007_199_254_740_993));
        assert_eq!(n.to_json_number().as_u64(), Some(9_007_199_254_740_993));
    }

    #[test]
    fn whole_numbers_with_fraction_syntax_convert_to_integers() {
        let n = Number::from_text("30.0").expect("valid number");
        assert_eq!(n.as_u64(), Some(30));
        assert!(!n.is_integer_literal());
        assert_eq!(n.text(), "30.0");
    }

    #[test]
    fn long_number_text_is_kept_exactly() {
        let long = "123456789012345678901234567890.5e-3";
        assert_eq!(
            Number::from_text(long).map(|n| n.text().to_owned()),
            Some(long.to_owned())
        );
        let short = "-12.5";
        assert_eq!(
            Number::from_text(short).map(|n| n.text().to_owned()),
            Some(short.to_owned())
        );
    }

    #[test]
    fn small_integers_take_the_fast_path_with_the_same_results() {
        for text in [
            "0",
            "7",
            "30",
            "999999999999999",
            "-0",
            "-5",
            "5.0",
            "1e3",
            "9007199254740993",
        ] {
            let n = Number::from_text(text).expect("valid number");
            let expected: f64 = text.parse().expect("float");
            assert_eq!(n.as_f64().to_bits(), expected.to_bits(), "{text}");
            let as_u64 = if n.is_integer_literal() {
                text.parse::<u64>().ok()
            } else {
                (expected.fract() == 0.0 && expected >= 0.0).then_some(expected as u64)
            };
            assert_eq!(n.as_u64(), as_u64, "{text}");
        }
    }

    #[test]
    fn numbers_made_from_values_keep_their_text_in_the_arena() {
        let arena = Arena::new();
        let long = Number::from_f64(1e300, &arena).expect("finite");
        assert_eq!(long.text().len(), 301);
        assert_eq!(long.as_f64(), 1e300);
        assert_eq!(Number::from_i64(-42, &arena).text(), "-42");
        assert_eq!(
            Number::from_text_in("2.50", &arena).map(|n| n.text()),
            Some("2.50")
        );
        assert!(Number::from_f64(f64::NAN, &arena).is_none());
    }

    #[test]
    fn overflowing_numbers_are_refused() {
        assert!(Number::from_text("1e400").is_none());
    }

    #[test]
    fn json_value_keeps_member_order() {
        let arena = Arena::new();
        let node = object(
            &arena,
            vec![
                ("b", leaf(NodeValue::Bool(true))),
                ("a", leaf(NodeValue::Null)),
            ],
        );
        let value = node.to_json_value();
        let keys: Vec<&String> = value.as_object().expect("object").keys().collect();
        assert_eq!(keys, ["b", "a"]);
    }

    #[test]
    fn inner_span_of_an_unescaped_string_is_shifted_past_the_quote() {
        let text = r#"{"Next.$": "$.a.b"}"#;
        let node = Node::new(Span::new(11, 18), NodeValue::String("$.a.b"));
        assert_eq!(
            node.inner_span(text, Span::new(2, 3)).slice(text),
            Some("a")
        );
    }

    #[test]
    fn inner_span_accounts_for_escapes() {
        let text = r#"["\u00e9\"x"]"#;
        let node = Node::new(Span::new(1, text.len() - 1), NodeValue::String("é\"x"));
        // "x" is decoded bytes 3..4 (é is two bytes, then the quote).
        assert_eq!(
            node.inner_span(text, Span::new(3, 4)).slice(text),
            Some("x")
        );
    }

    #[test]
    fn inner_span_of_a_plain_yaml_scalar_is_direct() {
        let text = "Next: $.a";
        let node = Node::new(Span::new(6, 9), NodeValue::String("$.a"));
        assert_eq!(
            node.inner_span(text, Span::new(2, 3)).slice(text),
            Some("a")
        );
    }

    #[test]
    fn inner_span_never_splits_a_character() {
        let text = r#""é""#;
        let node = Node::new(Span::new(0, 4), NodeValue::String("é"));
        // Byte 1 of the value is inside `é`: the whole node is returned.
        assert_eq!(node.inner_span(text, Span::new(1, 2)), Span::new(0, 4));
    }

    #[test]
    fn inner_span_falls_back_to_the_whole_node() {
        let text = "Comment: |\n  ab\n";
        let node = Node::new(Span::new(13, 15), NodeValue::String("ab\n"));
        assert_eq!(node.inner_span(text, Span::new(0, 1)), Span::new(13, 15));
    }

    #[test]
    fn walk_visits_parents_before_children() {
        let arena = Arena::new();
        let null = [leaf(NodeValue::Null)];
        let node = object(
            &arena,
            vec![("a", Node::new(Span::new(0, 1), NodeValue::Array(&null)))],
        );
        let mut kinds = Vec::new();
        node.walk(|n| kinds.push(n.kind()));
        assert_eq!(kinds, ["object", "array", "null"]);
    }
}
