//! Building the typed model from the spanned tree.
//!
//! Structural problems (unknown or misplaced fields, wrong types, missing or
//! conflicting fields, bad values, unparsable paths) are reported here as
//! diagnostics; the builder never stops at the first one and never panics.
//! Wherever a field cannot be read, the model gets a conservative stand-in so
//! the semantic rules can still run on the rest.

use std::sync::Arc;

use asl_syntax::intrinsic::{PayloadValue, parse_payload_value};
use asl_syntax::path::{parse_path, parse_reference_path};
use asl_syntax::timestamp::parse_timestamp;

use super::expr::jsonata_body;
use super::*;
use crate::diagnostic::{Diagnostic, did_you_mean};
use crate::rules::codes;
use crate::tree::{Arena, Member, NodeValue};

/// Largest value AWS accepts for most second counts and retry numbers.
pub const MAX_SECONDS: u64 = 99_999_999;
/// Largest `MaxDelaySeconds` (one year and a day).
pub const MAX_DELAY_SECONDS: u64 = 31_622_400;

const STATE_TYPES: [&str; 8] = [
    "Task", "Pass", "Choice", "Wait", "Succeed", "Fail", "Parallel", "Map",
];

/// Intrinsics whose result is a string: the ones Fail's `ErrorPath` and
/// `CausePath` accept.
const STRING_INTRINSICS: [&str; 7] = [
    "States.Format",
    "States.JsonToString",
    "States.ArrayGetItem",
    "States.Base64Encode",
    "States.Base64Decode",
    "States.Hash",
    "States.UUID",
];

/// Fields every state may have.
const COMMON: &[&str] = &["Type", "Comment", "QueryLanguage"];

/// The fields (besides [`COMMON`]) a state of `kind` may have in `lang`.
fn state_fields(kind: &str, lang: QueryLanguage) -> &'static [&'static str] {
    use QueryLanguage::{JsonPath as P, Jsonata as A};
    match (kind, lang) {
        ("Task", P) => &[
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Assign",
            "Next",
            "End",
            "Retry",
            "Catch",
            "Resource",
            "TimeoutSeconds",
            "TimeoutSecondsPath",
            "HeartbeatSeconds",
            "HeartbeatSecondsPath",
            "Credentials",
        ],
        ("Task", A) => &[
            "Output",
            "Arguments",
            "Assign",
            "Next",
            "End",
            "Retry",
            "Catch",
            "Resource",
            "TimeoutSeconds",
            "HeartbeatSeconds",
            "Credentials",
        ],
        ("Pass", P) => &[
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultPath",
            "Result",
            "Assign",
            "Next",
            "End",
        ],
        ("Pass", A) => &["Output", "Assign", "Next", "End"],
        ("Wait", P) => &[
            "InputPath",
            "OutputPath",
            "Assign",
            "Next",
            "End",
            "Seconds",
            "SecondsPath",
            "Timestamp",
            "TimestampPath",
        ],
        ("Wait", A) => &["Output", "Assign", "Next", "End", "Seconds", "Timestamp"],
        ("Choice", P) => &["InputPath", "OutputPath", "Choices", "Default", "Assign"],
        ("Choice", A) => &["Output", "Choices", "Default", "Assign"],
        ("Succeed", P) => &["InputPath", "OutputPath"],
        ("Succeed", A) => &["Output"],
        ("Fail", P) => &["Error", "ErrorPath", "Cause", "CausePath"],
        ("Fail", A) => &["Error", "Cause"],
        ("Parallel", P) => &[
            "InputPath",
            "OutputPath",
            "Parameters",
            "ResultSelector",
            "ResultPath",
            "Assign",
            "Next",
            "End",
            "Retry",
            "Catch",
            "Branches",
        ],
        ("Parallel", A) => &[
            "Output",
            "Arguments",
            "Assign",
            "Next",
            "End",
            "Retry",
            "Catch",
            "Branches",
        ],
        ("Map", P) => &[
            "InputPath",
            "OutputPath",
            "ItemsPath",
            "ItemSelector",
            "Parameters",
            "ItemProcessor",
            "Iterator",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "MaxConcurrencyPath",
            "ToleratedFailurePercentage",
            "ToleratedFailurePercentagePath",
            "ToleratedFailureCount",
            "ToleratedFailureCountPath",
            "Label",
            "ResultSelector",
            "ResultPath",
            "Assign",
            "Next",
            "End",
            "Retry",
            "Catch",
        ],
        ("Map", A) => &[
            "Output",
            "Items",
            "ItemSelector",
            "ItemProcessor",
            "ItemReader",
            "ItemBatcher",
            "ResultWriter",
            "MaxConcurrency",
            "ToleratedFailurePercentage",
            "ToleratedFailureCount",
            "Label",
            "Assign",
            "Next",
            "End",
            "Retry",
            "Catch",
        ],
        _ => &[],
    }
}

/// Every field any state may have, in any language: field `i` has the bit
/// `1 << i` and the slot `i` of [`StateFields`].
const STATE_FIELD_NAMES: [&str; 48] = [
    "Type",
    "Comment",
    "QueryLanguage",
    "InputPath",
    "OutputPath",
    "Parameters",
    "ResultSelector",
    "ResultPath",
    "Assign",
    "Next",
    "End",
    "Retry",
    "Catch",
    "Resource",
    "TimeoutSeconds",
    "TimeoutSecondsPath",
    "HeartbeatSeconds",
    "HeartbeatSecondsPath",
    "Credentials",
    "Output",
    "Arguments",
    "Result",
    "Seconds",
    "SecondsPath",
    "Timestamp",
    "TimestampPath",
    "Choices",
    "Default",
    "Error",
    "ErrorPath",
    "Cause",
    "CausePath",
    "Branches",
    "ItemsPath",
    "ItemSelector",
    "ItemProcessor",
    "Iterator",
    "ItemReader",
    "ItemBatcher",
    "ResultWriter",
    "MaxConcurrency",
    "MaxConcurrencyPath",
    "ToleratedFailurePercentage",
    "ToleratedFailurePercentagePath",
    "ToleratedFailureCount",
    "ToleratedFailureCountPath",
    "Label",
    "Items",
];

/// The index of a state field in [`STATE_FIELD_NAMES`]; used in constants
/// only (see [`field!`]), where a name that is no state field fails to
/// compile.
const fn field_index(name: &str) -> usize {
    let mut i = 0;
    while i < STATE_FIELD_NAMES.len() {
        let (a, b) = (STATE_FIELD_NAMES[i].as_bytes(), name.as_bytes());
        if a.len() == b.len() {
            let mut j = 0;
            while j < a.len() && a[j] == b[j] {
                j += 1;
            }
            if j == a.len() {
                return i;
            }
        }
        i += 1;
    }
    panic!("not a state field")
}

/// The slot of a state field, computed at compile time.
macro_rules! field {
    ($name:literal) => {
        const { field_index($name) }
    };
}

/// Every state field as one bit, so each member of a state is classified
/// with one hash lookup instead of scans of the allowed-field lists (those
/// string compares were a tenth of the builder's time).
struct FieldTable {
    /// Name -> index in [`STATE_FIELD_NAMES`].
    index: crate::hash::FastMap<&'static str, u8>,
    /// `[kind][language]`, kinds in [`STATE_TYPES`] order.
    allowed: [[u64; 2]; 8],
    common: u64,
}

impl FieldTable {
    fn get() -> &'static FieldTable {
        static TABLE: std::sync::OnceLock<FieldTable> = std::sync::OnceLock::new();
        TABLE.get_or_init(|| {
            let index: crate::hash::FastMap<&'static str, u8> = STATE_FIELD_NAMES
                .iter()
                .enumerate()
                .map(|(i, name)| (*name, i as u8))
                .collect();
            // Every name of the lists is in `STATE_FIELD_NAMES` (a test checks).
            let bits = |names: &[&str]| {
                names
                    .iter()
                    .fold(0u64, |m, f| m | index.get(f).map_or(0, |i| 1u64 << i))
            };
            let common = bits(COMMON);
            let mut allowed = [[0u64; 2]; 8];
            for (k, kind) in STATE_TYPES.iter().enumerate() {
                for (l, lang) in [QueryLanguage::JsonPath, QueryLanguage::Jsonata]
                    .into_iter()
                    .enumerate()
                {
                    allowed[k][l] = bits(state_fields(kind, lang));
                }
            }
            FieldTable {
                index,
                allowed,
                common,
            }
        })
    }

    /// The field's bit; 0 for a name that is no state field anywhere.
    fn bit(&self, key: &str) -> u64 {
        self.index.get(key).map_or(0, |i| 1u64 << i)
    }

    /// `kind` is an index into [`STATE_TYPES`].
    fn allowed(&self, kind: usize, lang: QueryLanguage) -> u64 {
        self.allowed[kind][usize::from(lang == QueryLanguage::Jsonata)]
    }
}

/// The members of a state object by field, found in one pass: the builder
/// reads a dozen fields per state, and a lookup each scanned the members
/// again.
struct StateFields<'n, 'a> {
    members: &'n [Member<'a>],
    /// Where the first member of each name is in `members`, plus one (zero:
    /// absent). Bytes rather than references keep the struct small enough
    /// to build and return without a block copy.
    slots: [u8; STATE_FIELD_NAMES.len()],
    /// The bits of the fields present.
    present: u64,
    /// Whether some member is no state field at all.
    unknown: bool,
}

impl<'n, 'a> StateFields<'n, 'a> {
    fn new(members: &'n [Member<'a>]) -> StateFields<'n, 'a> {
        let table = FieldTable::get();
        let mut fields = StateFields {
            members,
            slots: [0; STATE_FIELD_NAMES.len()],
            present: 0,
            unknown: false,
        };
        for (position, m) in members.iter().enumerate() {
            match table.index.get(m.key) {
                Some(&i) => {
                    let i = usize::from(i);
                    if fields.slots[i] == 0 {
                        // Past 255 members (never in a real state) `member`
                        // finds the field by name instead.
                        fields.slots[i] = u8::try_from(position + 1).unwrap_or(u8::MAX);
                    }
                    fields.present |= 1u64 << i;
                }
                None => fields.unknown = true,
            }
        }
        fields
    }

    /// `index` comes from [`field!`].
    fn member(&self, index: usize) -> Option<&'n Member<'a>> {
        match self.slots[index] {
            0 => None,
            u8::MAX => {
                let name = STATE_FIELD_NAMES.get(index)?;
                self.members.iter().find(|m| m.key == *name)
            }
            slot => self.members.get(usize::from(slot) - 1),
        }
    }

    fn get(&self, index: usize) -> Option<&'n Node<'a>> {
        self.member(index).map(|m| &m.value)
    }
}

/// What to use instead of a field of the other query language.
fn language_counterpart(key: &str, lang: QueryLanguage) -> Option<&'static str> {
    match lang {
        QueryLanguage::Jsonata => match key {
            "Parameters" => Some("use `Arguments` (or `ItemSelector` in a Map state)"),
            "ResultSelector" | "OutputPath" | "ResultPath" | "InputPath" => Some(
                "use `Output` (and `Arguments`) with `$states.input`/`$states.result` expressions",
            ),
            "ItemsPath" => Some("use `Items`"),
            "Result" => Some("use `Output`"),
            k if k.ends_with("Path") => Some("write the value as a `{% … %}` expression instead"),
            _ => None,
        },
        QueryLanguage::JsonPath => match key {
            "Arguments" => Some("use `Parameters`, or set `\"QueryLanguage\": \"JSONata\"`"),
            "Output" => {
                Some("use `ResultSelector`/`OutputPath`, or set `\"QueryLanguage\": \"JSONata\"`")
            }
            "Items" => Some("use `ItemsPath`, or set `\"QueryLanguage\": \"JSONata\"`"),
            _ => None,
        },
    }
}

fn plural_fields(names: &[&str]) -> String {
    // One string, not a formatted string per name joined.
    let mut out = String::with_capacity(names.iter().map(|n| n.len() + 4).sum());
    for (i, n) in names.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        out.push('`');
        out.push_str(n);
        out.push('`');
    }
    out
}

/// `X` -> `XPath` for the fields that have a path twin, without formatting
/// a string for every state that has neither.
fn path_field_name(field: &str) -> std::borrow::Cow<'static, str> {
    let known = match field {
        "TimeoutSeconds" => "TimeoutSecondsPath",
        "HeartbeatSeconds" => "HeartbeatSecondsPath",
        "MaxConcurrency" => "MaxConcurrencyPath",
        "ToleratedFailureCount" => "ToleratedFailureCountPath",
        "ToleratedFailurePercentage" => "ToleratedFailurePercentagePath",
        "MaxItems" => "MaxItemsPath",
        "MaxItemsPerBatch" => "MaxItemsPerBatchPath",
        "MaxInputBytesPerBatch" => "MaxInputBytesPerBatchPath",
        "Error" => "ErrorPath",
        "Cause" => "CausePath",
        other => return std::borrow::Cow::Owned(format!("{other}Path")),
    };
    std::borrow::Cow::Borrowed(known)
}

/// Builds the model of a whole definition from its tree.
pub fn build_machine<'a>(
    root: &Node<'a>,
    src: &str,
    arena: &'a Arena,
) -> (Option<StateMachine<'a>>, Vec<Diagnostic>) {
    let mut b = Builder {
        src,
        bump: arena.bump(),
        diags: Vec::new(),
        top_language: QueryLanguage::JsonPath,
        parsed: crate::hash::FastMap::default(),
        paths: crate::hash::FastMap::default(),
        reference_paths: crate::hash::FastMap::default(),
        seen: crate::hash::FastSet::default(),
    };
    let machine = b.machine(root, MachineKind::Top);
    (machine, b.diags)
}

/// `parse(text)` from `cache` when the text parsed before. A text is stored
/// only from its second occurrence (`seen` holds the hashes of texts met
/// once; a hash collision only stores a text early): most texts of a big
/// definition occur once, and storing each cost more than it saved. The
/// keys borrow the tree's strings.
fn shared_parse<'t, T>(
    cache: &mut crate::hash::FastMap<&'t str, Arc<T>>,
    seen: &mut crate::hash::FastSet<u64>,
    text: &'t str,
    parse: impl FnOnce(&str) -> Result<T, asl_syntax::SyntaxError>,
) -> Result<Arc<T>, asl_syntax::SyntaxError> {
    use std::hash::BuildHasher;
    if let Some(v) = cache.get(text) {
        return Ok(Arc::clone(v));
    }
    let parsed = parse(text).map(Arc::new);
    let hash = std::hash::BuildHasherDefault::<crate::hash::FastHasher>::default().hash_one(text);
    if let Ok(v) = &parsed
        && !seen.insert(hash)
    {
        cache.insert(text, Arc::clone(v));
    }
    parsed
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum MachineKind {
    Top,
    Branch,
    Processor,
}

struct Builder<'s, 't> {
    src: &'s str,
    /// Where the model's lists go (the tree's arena).
    bump: &'t bumpalo::Bump,
    diags: Vec<Diagnostic>,
    top_language: QueryLanguage,
    /// `.$` values and paths that parsed, by text: definitions repeat the
    /// same few (`$.order`, `$$.Task.Token`) in many states, and every state
    /// shares the one parse.
    parsed: crate::hash::FastMap<&'t str, Arc<PayloadValue>>,
    paths: crate::hash::FastMap<&'t str, Arc<asl_syntax::path::JsonPath>>,
    /// The same for reference paths (`ResultPath`, catchers' `ResultPath`,
    /// `…Path` counts), which parse by the stricter grammar.
    reference_paths: crate::hash::FastMap<&'t str, Arc<asl_syntax::path::JsonPath>>,
    /// Hashes of the texts parsed once (see [`shared_parse`]).
    seen: crate::hash::FastSet<u64>,
}

impl<'a> Builder<'_, 'a> {
    /// An empty list of the model with room for `capacity` elements.
    fn list<T>(&self, capacity: usize) -> List<'a, T> {
        List::with_capacity_in(capacity, self.bump)
    }

    /// The stand-in for a nested machine that could not be read.
    fn empty_machine(&self, span: Span) -> StateMachine<'a> {
        StateMachine {
            start_at: Spanned::new("", span),
            states: States {
                list: self.list(0),
                span,
            },
            timeout_seconds: None,
            query_language: None,
            comment: None,
            version: None,
            span,
        }
    }

    // ----- reporting helpers -------------------------------------------------

    fn error(&mut self, code: &'static str, message: impl Into<String>, span: Span) {
        self.diags.push(Diagnostic::error(code, message, span));
    }

    fn push(&mut self, d: Diagnostic) {
        self.diags.push(d);
    }

    fn wrong_type(&mut self, field: &str, expected: &str, node: &Node) {
        // Field names are quoted; descriptions ("a retrier") are not.
        let what = if field.contains(' ') {
            field.to_owned()
        } else {
            format!("`{field}`")
        };
        self.push(
            Diagnostic::error(
                codes::WRONG_TYPE,
                format!(
                    "{what} must be {expected}, found {} {}",
                    article(node.kind()),
                    node.kind()
                ),
                node.span,
            )
            .with_label(format!("expected {expected}")),
        );
    }

    fn missing(&mut self, what: &str, field: &str, span: Span) {
        self.push(
            Diagnostic::error(
                codes::MISSING_FIELD,
                format!("{what} is missing the required field `{field}`"),
                span,
            )
            .with_label(format!("`{field}` is required here")),
        );
    }

    /// Reports members of a plain object that are not in `allowed`.
    fn check_known(&mut self, node: &Node, allowed: &[&str], what: &str) {
        let Some(members) = node.as_object() else {
            return;
        };
        for m in members {
            if !allowed.contains(&m.key) {
                self.unknown_field(m, allowed, what);
            }
        }
    }

    fn unknown_field(&mut self, m: &Member, allowed: &[&str], what: &str) {
        let mut d = Diagnostic::error(
            codes::UNKNOWN_FIELD,
            format!("unknown field `{}` in {what}", m.key),
            m.key_span,
        )
        .with_label("not a field of the States Language here");
        if let Some(s) = did_you_mean(m.key, allowed.iter().copied()) {
            d = d.with_help(format!("did you mean `{s}`?"));
        } else if !allowed.is_empty() {
            d = d.with_note(format!("allowed fields: {}", plural_fields(allowed)));
        }
        self.push(d);
    }

    /// Reports that two (or more) mutually exclusive fields are present;
    /// `found[i]` is the member for `fields[i]`.
    fn exclusive(&mut self, found: &[Option<&Member>], fields: &[&str]) -> bool {
        // Usually at most one is present: only a conflict allocates.
        let mut present = found.iter().flatten().copied();
        let Some(first) = present.next() else {
            return false;
        };
        let rest: Vec<&Member> = present.collect();
        if rest.is_empty() {
            return false;
        }
        self.report_exclusive(first, &rest, fields);
        true
    }

    /// The diagnostics of [`exclusive`](Self::exclusive) for `first` and the
    /// other members present.
    fn report_exclusive(&mut self, first: &Member, rest: &[&Member], fields: &[&str]) {
        for m in rest {
            self.push(
                Diagnostic::error(
                    codes::EXCLUSIVE_FIELDS,
                    format!("`{}` and `{}` cannot both be present", first.key, m.key),
                    m.key_span,
                )
                .with_label(format!("conflicts with `{}`", first.key))
                .with_secondary(first.key_span, format!("`{}` given here", first.key))
                .with_help(format!("keep only one of {}", plural_fields(fields))),
            );
        }
    }

    /// The members `field` and `path_field` of `obj` (the first of each),
    /// found in one pass.
    fn field_or_path<'n>(
        &mut self,
        obj: &'n Node<'a>,
        field: &str,
        path_field: &str,
    ) -> (Option<&'n Member<'a>>, Option<&'n Member<'a>>) {
        let (mut plain, mut path): (Option<&Member>, Option<&Member>) = (None, None);
        for m in obj.as_object().into_iter().flatten() {
            if m.key == field {
                plain.get_or_insert(m);
            } else if m.key == path_field {
                path.get_or_insert(m);
            }
        }
        (plain, path)
    }

    // ----- string and sub-language helpers ------------------------------------

    /// Where the content of a string node starts in the source, when the
    /// source spells it without escapes (so inner offsets map one to one).
    fn content_base(&self, node: &Node, content: &str) -> Option<usize> {
        let raw = self.src.get(node.span.range())?;
        if raw == content {
            return Some(node.span.start);
        }
        let quoted = raw.len() == content.len() + 2
            && ((raw.starts_with('"') && raw.ends_with('"'))
                || (raw.starts_with('\'') && raw.ends_with('\'')));
        (quoted && raw.get(1..raw.len() - 1) == Some(content)).then_some(node.span.start + 1)
    }

    /// Maps a span inside a string's content to the source; falls back to the
    /// whole string when the source used escapes.
    fn inner_span(&self, node: &Node, content: &str, inner: asl_syntax::Span) -> Span {
        match self.content_base(node, content) {
            Some(base) => {
                let start = inner.start.min(content.len());
                let end = inner.end.min(content.len()).max(start);
                Span::new(base + start, base + end)
            }
            None => node.span,
        }
    }

    fn string(&mut self, node: &Node<'a>, field: &str) -> Option<&'a str> {
        match node.as_str() {
            Some(s) => Some(s),
            None => {
                self.wrong_type(field, "a string", node);
                None
            }
        }
    }

    /// The string shares the tree's text: no copy when it borrows the source.
    fn spanned_string(&mut self, node: &Node<'a>, field: &str) -> Option<SpannedStr<'a>> {
        match &node.value {
            NodeValue::String(s) => Some(Spanned::new(s, node.span)),
            _ => {
                self.wrong_type(field, "a string", node);
                None
            }
        }
    }

    fn opt_string(&mut self, obj: &Node<'a>, field: &str) -> Option<SpannedStr<'a>> {
        let node = obj.get(field)?;
        self.spanned_string(node, field)
    }

    /// A string field whose value must be one of `values`.
    fn opt_enum(&mut self, obj: &Node<'a>, field: &str, values: &[&str]) -> Option<SpannedStr<'a>> {
        self.enum_value(obj.get(field), field, values)
    }

    /// [`opt_enum`](Self::opt_enum) for a member already looked up.
    fn enum_value(
        &mut self,
        node: Option<&Node<'a>>,
        field: &str,
        values: &[&str],
    ) -> Option<SpannedStr<'a>> {
        let s = self.spanned_string(node?, field)?;
        if values.contains(&s.value) {
            return Some(s);
        }
        let mut d = Diagnostic::error(
            codes::INVALID_VALUE,
            format!("`{}` is not a valid `{field}`", s.value),
            s.span,
        )
        .with_note(format!("expected one of {}", plural_fields(values)));
        if let Some(x) = did_you_mean(s.value, values.iter().copied()) {
            d = d.with_help(format!("did you mean `{x}`?"));
        }
        self.push(d);
        None
    }

    fn jsonata(&self, node: &Node<'a>) -> Option<JsonataExpr<'a>> {
        let NodeValue::String(text) = &node.value else {
            return None;
        };
        let body = jsonata_body(text)?;
        Some(JsonataExpr {
            // Between the two-byte delimiters.
            body: text.get(2..2 + body.len()).unwrap_or_default(),
            span: node.span,
        })
    }

    /// A JSONPath in a field: `reference` demands a reference path.
    fn path(&mut self, node: &Node<'a>, field: &str, reference: bool) -> Option<JsonPath<'a>> {
        let text = self.string(node, field)?;
        let parsed = if reference {
            match shared_parse(
                &mut self.reference_paths,
                &mut self.seen,
                text,
                parse_reference_path,
            ) {
                Ok(p) => Ok(p),
                Err(e) => {
                    if parse_path(text).is_ok() {
                        let span = self.inner_span(node, text, e.span);
                        self.push(
                            Diagnostic::error(
                                codes::REFERENCE_PATH_REQUIRED,
                                format!("`{field}` must be a reference path: {}", e.message),
                                span,
                            )
                            .with_note(
                                "a reference path names a single node: only `.name`, `['name']` and `[index]` steps",
                            ),
                        );
                        return None;
                    }
                    Err(e)
                }
            }
        } else {
            match self.parse_path_cached(text) {
                Err(e) => match self.retry_bare_words(node, text, &e, parse_path) {
                    Some(p) => Ok(Arc::new(p)),
                    None => Err(e),
                },
                ok => ok,
            }
        };
        match parsed {
            Ok(path) => {
                let jp = JsonPath {
                    text,
                    span: node.span,
                    path,
                };
                self.check_context(&jp.path, node, text);
                Some(jp)
            }
            Err(e) => {
                let span = self.inner_span(node, text, e.span);
                self.push(
                    Diagnostic::error(
                        codes::INVALID_PATH,
                        format!("`{field}` is not a valid JSONPath: {}", e.message),
                        span,
                    )
                    .with_label(e.message),
                );
                None
            }
        }
    }

    /// `parse_path(text)`, shared with every earlier parse of the same text.
    fn parse_path_cached(
        &mut self,
        text: &'a str,
    ) -> Result<Arc<asl_syntax::path::JsonPath>, asl_syntax::SyntaxError> {
        shared_parse(&mut self.paths, &mut self.seen, text, parse_path)
    }

    /// `parse_payload_value(text)`, shared with every earlier parse of the
    /// same text.
    fn parse_payload_cached(
        &mut self,
        text: &'a str,
    ) -> Result<Arc<PayloadValue>, asl_syntax::SyntaxError> {
        shared_parse(&mut self.parsed, &mut self.seen, text, parse_payload_value)
    }

    /// Filter expressions differ between JSONPath implementations; several
    /// accept a bare word as an operand (`[?(@.key == Name)]`). When the
    /// only problems are such words, they are read as strings (with a
    /// warning each) instead of failing the whole path.
    fn retry_bare_words<T>(
        &mut self,
        node: &Node,
        text: &str,
        first: &asl_syntax::SyntaxError,
        parse: impl Fn(&str) -> Result<T, asl_syntax::SyntaxError>,
    ) -> Option<T> {
        let mut current = text.to_owned();
        let mut error = first.clone();
        let mut words: Vec<(String, asl_syntax::Span)> = Vec::new();
        // `shift` maps positions in `current` back to `text`.
        let mut shift = 0usize;
        for _ in 0..8 {
            let at = error.span.start;
            let before = current.get(..at)?;
            let open = before.rfind("?(")?;
            if before.get(open..)?.contains(")]") {
                return None;
            }
            let rest = current.get(at..)?;
            let len = rest
                .find(|c: char| !(c.is_alphanumeric() || c == '_'))
                .unwrap_or(rest.len());
            let word = rest.get(..len)?;
            if word.is_empty() || !word.starts_with(|c: char| c.is_alphabetic() || c == '_') {
                return None;
            }
            let original = asl_syntax::Span::new(at - shift, at - shift + len);
            words.push((word.to_owned(), original));
            current = format!("{before}'{word}'{}", rest.get(len..)?);
            shift += 2;
            match parse(&current) {
                Ok(v) => {
                    for (word, inner) in words {
                        let span = self.inner_span(node, text, inner);
                        self.push(
                            Diagnostic::warning(
                                codes::FILTER_BARE_WORD,
                                format!(
                                    "bare word `{word}` in a filter is read as the string '{word}'"
                                ),
                                span,
                            )
                            .with_help(format!("quote it: `'{word}'`")),
                        );
                    }
                    return Some(v);
                }
                Err(e) => error = e,
            }
        }
        None
    }

    /// Checks `$$.` paths (also inside filters and intrinsic arguments) name
    /// fields the context object has.
    fn check_context(&mut self, path: &asl_syntax::path::JsonPath, node: &Node, text: &str) {
        if path.root == PathRoot::Context
            && let Err(e) = asl_syntax::context::check_context_path(path)
        {
            let span = self.inner_span(node, text, e.span);
            self.push(
                Diagnostic::warning(
                    codes::UNKNOWN_CONTEXT_FIELD,
                    e.message.clone(),
                    span,
                )
                .with_note("context fields: Execution.{Id,Input,Name,RoleArn,StartTime,RedriveCount,RedriveTime}, State.{EnteredTime,Name,RetryCount}, StateMachine.{Id,Name}, Task.Token, Map.Item.{Index,Value,Key,Source}"),
            );
        }
        if let PathRoot::Variable(name) = &path.root {
            self.check_variable_name_read(name, node, text, path.span);
        }
    }

    fn check_variable_name_read(
        &mut self,
        name: &str,
        node: &Node,
        text: &str,
        inner: asl_syntax::Span,
    ) {
        if name == "states" {
            let span = self.inner_span(node, text, inner);
            self.push(
                Diagnostic::error(
                    codes::INVALID_VARIABLE_NAME,
                    "`$states` is reserved for JSONata and cannot be read from JSONPath",
                    span,
                )
                .with_help("use `$` for the state input and `$$` for the context object"),
            );
        }
    }

    /// A `.$` value (or Fail `ErrorPath`/`CausePath`): a path or an intrinsic
    /// call.
    fn dynamic(&mut self, node: &Node<'a>, field: &str) -> Option<Dynamic<'a>> {
        let Some(text) = node.as_str() else {
            self.push(
                Diagnostic::error(
                    codes::DYNAMIC_VALUE_TYPE,
                    format!(
                        "the value of `{field}` must be a string holding a path or an intrinsic function call, found {} {}",
                        article(node.kind()),
                        node.kind()
                    ),
                    node.span,
                )
                .with_help("drop the `.$` suffix from the key to use the value literally"),
            );
            return None;
        };
        let parsed = match self.parse_payload_cached(text) {
            Err(e) => match self.retry_bare_words(node, text, &e, parse_payload_value) {
                Some(v) => Ok(Arc::new(v)),
                None => Err(e),
            },
            ok => ok,
        };
        match parsed {
            Ok(expr) => {
                match &*expr {
                    PayloadValue::Path(p) => self.check_context(p, node, text),
                    PayloadValue::Intrinsic(call) => self.check_call(call, node, text),
                }
                Some(Dynamic {
                    text,
                    span: node.span,
                    expr,
                })
            }
            Err(e) => {
                let span = self.inner_span(node, text, e.span);
                let is_path = text.trim_start().starts_with('$');
                let (code, what) = if is_path {
                    (codes::INVALID_PATH, "not a valid JSONPath")
                } else {
                    (
                        codes::INVALID_INTRINSIC,
                        "not a valid JSONPath or intrinsic function call",
                    )
                };
                self.push(
                    Diagnostic::error(
                        code,
                        format!("the value of `{field}` is {what}: {}", e.message),
                        span,
                    )
                    .with_label(e.message),
                );
                None
            }
        }
    }

    fn check_call(&mut self, call: &asl_syntax::intrinsic::IntrinsicCall, node: &Node, text: &str) {
        let mut found = Vec::new();
        crate::rules::intrinsics::check_call(call, &mut found);
        for (code, message, inner, help) in found {
            let span = self.inner_span(node, text, inner);
            let mut d = Diagnostic::error(code, message, span);
            if let Some(h) = help {
                d = d.with_help(h);
            }
            self.push(d);
        }
        // Paths inside arguments.
        self.check_call_paths(call, node, text);
    }

    fn check_call_paths(
        &mut self,
        call: &asl_syntax::intrinsic::IntrinsicCall,
        node: &Node,
        text: &str,
    ) {
        for arg in &call.args {
            match arg {
                asl_syntax::intrinsic::Argument::Path(p) => self.check_context(p, node, text),
                asl_syntax::intrinsic::Argument::Call(c) => self.check_call_paths(c, node, text),
                _ => {}
            }
        }
    }

    /// A whole number within `min..=max`, or (JSONata) a `{% %}` expression.
    #[allow(clippy::too_many_arguments)]
    fn count(
        &mut self,
        node: &Node<'a>,
        field: &str,
        lang: QueryLanguage,
        min: u64,
        max: u64,
        code: &'static str,
    ) -> Option<Count<'a>> {
        if lang == QueryLanguage::Jsonata
            && let Some(e) = self.jsonata(node)
        {
            return Some(Count::Jsonata(e));
        }
        let Some(n) = node.as_number() else {
            let expected = if lang == QueryLanguage::Jsonata {
                "an integer or a `{% … %}` expression"
            } else {
                "an integer"
            };
            self.wrong_type(field, expected, node);
            return None;
        };
        match n.as_u64() {
            Some(v) if v >= min && v <= max => Some(Count::Fixed(Spanned::new(v, node.span))),
            _ => {
                let range = if max == u64::MAX {
                    format!("an integer of at least {min}")
                } else {
                    format!("an integer from {min} to {max}")
                };
                self.push(
                    Diagnostic::error(
                        code,
                        format!("`{field}` must be {range}, found `{}`", n.text()),
                        node.span,
                    )
                    .with_label("out of range"),
                );
                None
            }
        }
    }

    /// `X` / `XPath` pair (JSONPath) or `X` alone (JSONata).
    #[allow(clippy::too_many_arguments)]
    fn count_or_path(
        &mut self,
        obj: &Node<'a>,
        field: &str,
        lang: QueryLanguage,
        min: u64,
        max: u64,
        code: &'static str,
    ) -> Option<Count<'a>> {
        let path_field = path_field_name(field);
        let (plain, path) = self.field_or_path(obj, field, &path_field);
        self.count_or_path_of(plain, path, field, lang, min, max, code)
    }

    /// [`count_or_path`](Self::count_or_path) for the members already
    /// looked up.
    #[allow(clippy::too_many_arguments)]
    fn count_or_path_of(
        &mut self,
        plain: Option<&Member<'a>>,
        path: Option<&Member<'a>>,
        field: &str,
        lang: QueryLanguage,
        min: u64,
        max: u64,
        code: &'static str,
    ) -> Option<Count<'a>> {
        if plain.is_none() && path.is_none() {
            return None;
        }
        let path_field = path_field_name(field);
        let path_field = path_field.as_ref();
        if let (Some(first), Some(other)) = (plain, path) {
            self.report_exclusive(first, &[other], &[field, path_field]);
        }
        if let Some(node) = value_of(plain) {
            return self.count(node, field, lang, min, max, code);
        }
        if lang == QueryLanguage::JsonPath
            && let Some(node) = value_of(path)
        {
            return self.path(node, path_field, true).map(Count::Path);
        }
        None
    }

    fn template(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Template<'a> {
        match &node.value {
            NodeValue::Object(members) => {
                let mut out = self.list(members.len());
                for m in members.iter() {
                    let dynamic_key = lang == QueryLanguage::JsonPath && m.key.ends_with(".$");
                    if dynamic_key {
                        let stripped = m.key.strip_suffix(".$").unwrap_or(m.key);
                        if let Some(other) = members.iter().find(|o| o.key == stripped) {
                            self.push(
                                Diagnostic::error(
                                    codes::TEMPLATE_KEY_CLASH,
                                    format!(
                                        "`{}` and `{}` both produce the field `{stripped}`",
                                        m.key, other.key
                                    ),
                                    m.key_span,
                                )
                                .with_secondary(other.key_span, "the same field without `.$`")
                                .with_help("keep only one of the two keys"),
                            );
                        }
                        let key = Spanned::new(stripped, m.key_span);
                        let value = match self.dynamic(&m.value, m.key) {
                            Some(d) => Template::Dynamic(d),
                            None => Template::Literal(m.value),
                        };
                        out.push(TemplateMember {
                            key,
                            dynamic: true,
                            value,
                        });
                    } else {
                        if lang == QueryLanguage::Jsonata && m.key.ends_with(".$") {
                            self.push(
                                Diagnostic::error(
                                    codes::JSONATA_MISUSE,
                                    format!(
                                        "`{}`: keys ending in `.$` are not evaluated in JSONata states",
                                        m.key
                                    ),
                                    m.key_span,
                                )
                                .with_help("drop `.$` and write the value as a `{% … %}` expression"),
                            );
                        }
                        if lang == QueryLanguage::JsonPath {
                            self.literal_that_looks_dynamic(m);
                        }
                        let value = self.template(&m.value, lang);
                        out.push(TemplateMember {
                            key: Spanned::new(m.key, m.key_span),
                            dynamic: false,
                            value,
                        });
                    }
                }
                Template::Object {
                    span: node.span,
                    members: out,
                }
            }
            NodeValue::Array(items) => {
                let mut out = self.list(items.len());
                out.extend(items.iter().map(|i| self.template(i, lang)));
                Template::Array {
                    span: node.span,
                    items: out,
                }
            }
            NodeValue::String(text) if lang == QueryLanguage::Jsonata => match self.jsonata(node) {
                Some(e) => Template::Jsonata(e),
                None => {
                    self.check_delimiters(node, text);
                    Template::Literal(*node)
                }
            },
            _ => Template::Literal(*node),
        }
    }

    /// A string that looks like a JSONata expression with a broken `{%` …
    /// `%}` frame is almost certainly a mistake: as written it is a plain
    /// string.
    fn check_delimiters(&mut self, node: &Node, text: &str) {
        let trimmed = text.trim();
        let opens = trimmed.starts_with("{%");
        let closes = trimmed.ends_with("%}") && trimmed.len() >= 2;
        let problem = match (opens, closes) {
            (true, true) => "spaces around `{%` … `%}` make it a plain string",
            (true, false) => "it starts with `{%` but does not end with `%}`",
            (false, true) => "it ends with `%}` but does not start with `{%`",
            (false, false) => return,
        };
        self.push(
            Diagnostic::error(
                codes::JSONATA_DELIMITERS,
                format!("this string is not a JSONata expression: {problem}"),
                node.span,
            )
            .with_help("write the expression as `{% … %}` with nothing outside the delimiters"),
        );
    }

    /// `"Key": "$.x"` passes the text `$.x` on literally; the author almost
    /// always meant `"Key.$": "$.x"`.
    fn literal_that_looks_dynamic(&mut self, m: &Member) {
        let Some(text) = m.value.as_str() else {
            return;
        };
        let looks_dynamic = text.starts_with("$.")
            || text.starts_with("$$.")
            || text.starts_with("$[")
            || (text.starts_with("States.") && text.contains('(') && text.ends_with(')'));
        if looks_dynamic {
            self.push(
                Diagnostic::warning(
                    codes::LITERAL_LOOKS_DYNAMIC,
                    format!("`{}` is passed on as the literal text `{text}`", m.key),
                    m.value.span,
                )
                .with_secondary(m.key_span, "this key has no `.$` suffix")
                .with_help(format!("to evaluate it, name the key `{}.$`", m.key)),
            );
        }
    }

    fn object_template(
        &mut self,
        node: &Node<'a>,
        field: &str,
        lang: QueryLanguage,
    ) -> Option<Template<'a>> {
        if lang == QueryLanguage::Jsonata
            && let Some(e) = self.jsonata(node)
        {
            return Some(Template::Jsonata(e));
        }
        if !node.is_object() {
            // Only a Map's item selector is accepted in other shapes by
            // other validators (the value is then used literally).
            if !matches!(field, "Parameters" | "ItemSelector") {
                self.wrong_type(field, "an object", node);
                return None;
            }
            self.push(
                Diagnostic::warning(
                    codes::TEMPLATE_NOT_OBJECT,
                    format!(
                        "`{field}` should be an object, found {} {}",
                        article(node.kind()),
                        node.kind()
                    ),
                    node.span,
                )
                .with_label("used literally"),
            );
            return Some(Template::Literal(*node));
        }
        Some(self.template(node, lang))
    }

    fn assign(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Option<Template<'a>> {
        if lang == QueryLanguage::Jsonata
            && let Some(e) = self.jsonata(node)
        {
            return Some(Template::Jsonata(e));
        }
        let members = match node.as_object() {
            Some(m) => m,
            None => {
                self.wrong_type("Assign", "an object", node);
                return None;
            }
        };
        for m in members {
            let name = if lang == QueryLanguage::JsonPath {
                m.key.strip_suffix(".$").unwrap_or(m.key)
            } else {
                m.key
            };
            self.check_variable_name(name, m.key_span);
        }
        Some(self.template(node, lang))
    }

    fn check_variable_name(&mut self, name: &str, span: Span) {
        if name == "states" {
            self.push(
                Diagnostic::error(
                    codes::INVALID_VARIABLE_NAME,
                    "the variable name `states` is reserved",
                    span,
                )
                .with_label("reserved for `$states` in JSONata"),
            );
            return;
        }
        if let Some(problem) = variable_name_problem(name) {
            self.push(
                Diagnostic::error(
                    codes::INVALID_VARIABLE_NAME,
                    format!("`{name}` is not a valid variable name: {problem}"),
                    span,
                )
                .with_note("variable names start with a letter or `_`, continue with letters, digits or `_`, and have at most 80 characters; only whole variables can be assigned"),
            );
        }
    }

    fn result_path(&mut self, node: &Node<'a>) -> Option<ResultPath<'a>> {
        if node.is_null() {
            return Some(ResultPath::Null(node.span));
        }
        let p = self.path(node, "ResultPath", true)?;
        match p.root() {
            PathRoot::Input => Some(ResultPath::Path(p)),
            PathRoot::Context => {
                self.push(
                    Diagnostic::error(
                        codes::RESULT_PATH_ROOT,
                        "`ResultPath` cannot write into the context object",
                        p.span,
                    )
                    .with_help("start the path with `$` (the state input)"),
                );
                None
            }
            _ => {
                self.push(
                    Diagnostic::error(
                        codes::RESULT_PATH_ROOT,
                        "`ResultPath` cannot write to a variable",
                        p.span,
                    )
                    .with_help("use `Assign` to set variables; `ResultPath` starts with `$`"),
                );
                None
            }
        }
    }

    fn io_path(&mut self, node: &Node<'a>, field: &str) -> Option<IoPath<'a>> {
        if node.is_null() {
            return Some(IoPath::Null(node.span));
        }
        self.path(node, field, false).map(IoPath::Path)
    }

    // ----- machines ------------------------------------------------------------

    fn machine(&mut self, node: &Node<'a>, kind: MachineKind) -> Option<StateMachine<'a>> {
        let what = match kind {
            MachineKind::Top => "the state machine",
            MachineKind::Branch => "a Parallel branch",
            MachineKind::Processor => "a Map item processor",
        };
        if !node.is_object() {
            let field = match kind {
                MachineKind::Top => "the definition",
                MachineKind::Branch => "a branch",
                MachineKind::Processor => "ItemProcessor",
            };
            self.wrong_type(field, "an object", node);
            return None;
        }
        let allowed: &[&str] = match kind {
            MachineKind::Top => &[
                "StartAt",
                "States",
                "Comment",
                "Version",
                "TimeoutSeconds",
                "QueryLanguage",
            ],
            MachineKind::Branch => &["StartAt", "States", "Comment", "QueryLanguage"],
            MachineKind::Processor => &[
                "StartAt",
                "States",
                "Comment",
                "QueryLanguage",
                "ProcessorConfig",
            ],
        };
        if let Some(members) = node.as_object() {
            for m in members {
                if allowed.contains(&m.key) {
                    continue;
                }
                if kind != MachineKind::Top && matches!(m.key, "Version" | "TimeoutSeconds") {
                    self.push(
                        Diagnostic::error(
                            codes::FIELD_NOT_ALLOWED,
                            format!("`{}` is only allowed at the top of the definition", m.key),
                            m.key_span,
                        )
                        .with_label(format!("not allowed in {what}")),
                    );
                } else {
                    self.unknown_field(m, allowed, what);
                }
            }
        }

        let query_language = node
            .get("QueryLanguage")
            .and_then(|n| self.query_language(n));
        if kind == MachineKind::Top {
            self.top_language = query_language
                .as_ref()
                .map_or(QueryLanguage::JsonPath, |q| q.value);
        } else if let Some(q) = &query_language {
            self.check_downgrade(q);
        }
        let language = query_language
            .as_ref()
            .map_or(self.top_language, |q| q.value);

        let start_at = match node.get("StartAt") {
            Some(n) => self.spanned_string(n, "StartAt"),
            None => {
                self.missing(what, "StartAt", node.span);
                None
            }
        }
        .unwrap_or_else(|| Spanned::new("", node.span));

        let states = match node.get("States") {
            Some(n) => self.states(n, language),
            None => {
                self.missing(what, "States", node.span);
                States {
                    list: self.list(0),
                    span: node.span,
                }
            }
        };

        let version = self.opt_string(node, "Version");
        if let Some(v) = &version
            && v.value != "1.0"
        {
            self.push(
                Diagnostic::error(
                    codes::VERSION,
                    format!("`Version` must be \"1.0\", found \"{}\"", v.value),
                    v.span,
                )
                .with_help("write `\"Version\": \"1.0\"` or leave it out"),
            );
        }
        let timeout_seconds = match node.get("TimeoutSeconds") {
            Some(n) if kind == MachineKind::Top => {
                match self.count(
                    n,
                    "TimeoutSeconds",
                    QueryLanguage::JsonPath,
                    1,
                    MAX_SECONDS,
                    codes::SECONDS_RANGE,
                ) {
                    Some(Count::Fixed(v)) => Some(v),
                    _ => None,
                }
            }
            _ => None,
        };
        let comment = self.opt_string(node, "Comment");
        Some(StateMachine {
            start_at,
            states,
            timeout_seconds,
            query_language,
            comment,
            version,
            span: node.span,
        })
    }

    fn query_language(&mut self, node: &Node<'a>) -> Option<Spanned<QueryLanguage>> {
        let s = self.string(node, "QueryLanguage")?;
        let lang = match s {
            "JSONPath" => QueryLanguage::JsonPath,
            "JSONata" => QueryLanguage::Jsonata,
            other => {
                let mut d = Diagnostic::error(
                    codes::INVALID_VALUE,
                    format!("`{other}` is not a query language"),
                    node.span,
                )
                .with_note("`QueryLanguage` is `JSONPath` or `JSONata`");
                if let Some(x) = did_you_mean(other, ["JSONPath", "JSONata"]) {
                    d = d.with_help(format!("did you mean `{x}`?"));
                }
                self.push(d);
                return None;
            }
        };
        Some(Spanned::new(lang, node.span))
    }

    /// A JSONPath state or scope inside a JSONata machine is rejected by AWS.
    fn check_downgrade(&mut self, q: &Spanned<QueryLanguage>) {
        if self.top_language == QueryLanguage::Jsonata && q.value == QueryLanguage::JsonPath {
            self.push(
                Diagnostic::error(
                    codes::JSONPATH_IN_JSONATA,
                    "`QueryLanguage` cannot be `JSONPath` inside a machine whose `QueryLanguage` is `JSONata`",
                    q.span,
                )
                .with_note("only upgrades from JSONPath to JSONata are allowed per state"),
            );
        }
    }

    fn states(&mut self, node: &Node<'a>, language: QueryLanguage) -> States<'a> {
        let Some(members) = node.as_object() else {
            self.wrong_type("States", "an object", node);
            return States {
                list: self.list(0),
                span: node.span,
            };
        };
        if members.is_empty() {
            self.push(
                Diagnostic::error(
                    codes::EMPTY_LIST,
                    "`States` must contain at least one state",
                    node.span,
                )
                .with_label("no states"),
            );
        }
        // Sized up front: `State` is large, and growing the list by doubling
        // copied every state built so far again and again.
        let mut list = self.list(members.len());
        for m in members {
            self.state(m, language, &mut list);
        }
        States {
            list,
            span: node.span,
        }
    }

    // ----- states --------------------------------------------------------------

    /// Builds the state `member` defines onto the end of `list` (pushing in
    /// place saves copying the large `State` through an `Option` twice).
    fn state(
        &mut self,
        member: &Member<'a>,
        machine_language: QueryLanguage,
        list: &mut List<'a, State<'a>>,
    ) {
        let node = &member.value;
        let name = Spanned::new(member.key, member.key_span);
        let Some(members) = node.as_object() else {
            self.wrong_type(&format!("state `{}`", member.key), "an object", node);
            return;
        };
        let f = StateFields::new(members);
        let query_language = f
            .get(field!("QueryLanguage"))
            .and_then(|n| self.query_language(n));
        if let Some(q) = &query_language {
            self.check_downgrade(q);
        }
        let language = query_language
            .as_ref()
            .map_or(machine_language, |q| q.value);
        let comment = f
            .get(field!("Comment"))
            .and_then(|n| self.spanned_string(n, "Comment"));

        let type_node = f.get(field!("Type"));
        let type_name = match type_node {
            None => {
                self.missing(&format!("state `{}`", member.key), "Type", member.key_span);
                None
            }
            Some(t) => match self
                .string(t, "Type")
                .map(|s| (s, STATE_TYPES.iter().position(|t| *t == s)))
            {
                Some((s, Some(k))) => Some((s, k)),
                Some((s, None)) => {
                    let mut d = Diagnostic::error(
                        codes::INVALID_VALUE,
                        format!("`{s}` is not a state type"),
                        t.span,
                    )
                    .with_note(format!("state types: {}", plural_fields(&STATE_TYPES)));
                    if let Some(x) = did_you_mean(s, STATE_TYPES) {
                        d = d.with_help(format!("did you mean `{x}`?"));
                    }
                    self.push(d);
                    None
                }
                None => None,
            },
        };
        let type_span = type_node.map_or(member.key_span, |t| t.span);

        let Some((type_name, kind_index)) = type_name else {
            // Keep the state (so transitions to it resolve) as a stand-in
            // that follows its `Next` if it has one.
            let kind = match f.get(field!("Next")) {
                Some(Node {
                    value: NodeValue::String(next),
                    span,
                }) => StateKind::Pass(PassState {
                    result: None,
                    transition: Transition::Next(Spanned::new(next, *span)),
                }),
                _ => StateKind::Succeed(SucceedState),
            };
            list.push(State {
                name,
                span: node.span,
                type_span,
                comment,
                query_language,
                language,
                io: DataFlow::default(),
                kind,
            });
            return;
        };

        let allowed = self.check_state_fields(members, &f, type_name, kind_index, language);
        let state = &member.key;
        let kind = match type_name {
            "Task" => StateKind::Task(self.task(node, &f, state, language)),
            "Pass" => StateKind::Pass(PassState {
                result: if language == QueryLanguage::JsonPath {
                    f.get(field!("Result")).cloned()
                } else {
                    None
                },
                transition: self.transition(node, &f, state),
            }),
            "Wait" => StateKind::Wait(self.wait(node, &f, state, language)),
            "Choice" => StateKind::Choice(self.choice(node, &f, state, language)),
            "Succeed" => StateKind::Succeed(SucceedState),
            "Fail" => StateKind::Fail(self.fail(&f, language)),
            "Parallel" => StateKind::Parallel(self.parallel(node, &f, state, language)),
            _ => StateKind::Map(Box::new(self.map(node, &f, state, language))),
        };
        list.push(State {
            name,
            span: node.span,
            type_span,
            comment,
            query_language,
            language,
            io: DataFlow::default(),
            kind,
        });
        // Filled in place: built apart and moved in, the large `DataFlow`
        // was copied twice more.
        if let Some(pushed) = list.last_mut() {
            self.data_flow(&mut pushed.io, &f, allowed, type_name, language);
        }
    }

    /// Reports fields the state may not have; returns the bits of the ones
    /// it may. `kind_index` is `kind`'s index in [`STATE_TYPES`].
    fn check_state_fields(
        &mut self,
        members: &[Member<'a>],
        f: &StateFields,
        kind: &str,
        kind_index: usize,
        lang: QueryLanguage,
    ) -> u64 {
        let table = FieldTable::get();
        let allowed_bits = table.allowed(kind_index, lang);
        // Nothing to report, as usual: no need to look at each member again.
        if !f.unknown && f.present & !(allowed_bits | table.common) == 0 {
            return allowed_bits;
        }
        let other = match lang {
            QueryLanguage::JsonPath => QueryLanguage::Jsonata,
            QueryLanguage::Jsonata => QueryLanguage::JsonPath,
        };
        let other_bits = table.allowed(kind_index, other);
        for m in members {
            let key = m.key;
            let bit = table.bit(key);
            if bit & (allowed_bits | table.common) != 0 {
                continue;
            }
            // A nonzero bit is exactly a known state field.
            let known = bit != 0;
            if bit & other_bits != 0 || (known && language_counterpart(key, lang).is_some()) {
                let mut d = Diagnostic::error(
                    codes::WRONG_LANGUAGE_FIELD,
                    format!("`{key}` is not available in {} states", lang.as_str()),
                    m.key_span,
                )
                .with_label(format!("this state uses {}", lang.as_str()));
                if let Some(h) = language_counterpart(key, lang) {
                    d = d.with_help(h);
                }
                self.push(d);
            } else if known {
                self.push(
                    Diagnostic::error(
                        codes::FIELD_NOT_ALLOWED,
                        format!("`{key}` is not allowed in a {kind} state"),
                        m.key_span,
                    )
                    .with_label(format!("{kind} states do not have `{key}`")),
                );
            } else {
                let allowed = state_fields(kind, lang);
                let mut all: Vec<&str> = COMMON.to_vec();
                all.extend_from_slice(allowed);
                self.unknown_field(m, &all, &format!("a {kind} state"));
            }
        }
        allowed_bits
    }

    /// Reads the data-flow fields present whose bits are in `allowed`.
    /// Reads the input and output fields `allowed` into `io` (empty).
    fn data_flow(
        &mut self,
        io: &mut DataFlow<'a>,
        f: &StateFields<'_, 'a>,
        allowed: u64,
        kind: &str,
        lang: QueryLanguage,
    ) {
        let field = |i: usize| {
            if allowed & (1u64 << i) != 0 {
                f.get(i)
            } else {
                None
            }
        };
        let input_path = field(field!("InputPath"));
        let output_path = field(field!("OutputPath"));
        let result_path = field(field!("ResultPath"));
        let parameters = field(field!("Parameters"));
        let result_selector = field(field!("ResultSelector"));
        let assign = field(field!("Assign"));
        let output = field(field!("Output"));
        let arguments = field(field!("Arguments"));
        if let Some(n) = input_path {
            io.input_path = self.io_path(n, "InputPath");
        }
        if let Some(n) = output_path {
            io.output_path = self.io_path(n, "OutputPath");
        }
        if let Some(n) = result_path {
            io.result_path = self.result_path(n);
        }
        if kind != "Map"
            && let Some(n) = parameters
        {
            io.parameters = Some(self.template(n, lang));
        }
        if let Some(n) = result_selector {
            io.result_selector = self.object_template(n, "ResultSelector", lang);
        }
        if let Some(n) = assign {
            io.assign = self.assign(n, lang);
        }
        if let Some(n) = output {
            io.output = Some(self.template(n, lang));
        }
        if let Some(n) = arguments {
            io.arguments = Some(self.template(n, lang));
        }
    }

    fn transition(
        &mut self,
        node: &Node<'a>,
        f: &StateFields<'_, 'a>,
        state: &str,
    ) -> Transition<'a> {
        let next = f.member(field!("Next"));
        let end = f.member(field!("End"));
        let end_true = match end {
            Some(m) => match m.value.as_bool() {
                Some(b) => b,
                None => {
                    self.wrong_type("End", "`true`", &m.value);
                    false
                }
            },
            None => false,
        };
        match (next, end_true) {
            (Some(n), true) => {
                let e = end.map_or(n.key_span, |e| e.key_span);
                self.push(
                    Diagnostic::error(
                        codes::NEXT_OR_END,
                        format!("state `{state}` has both `Next` and `End`"),
                        e,
                    )
                    .with_secondary(n.key_span, "`Next` given here")
                    .with_help("a state either goes to `Next` or ends its scope; remove one"),
                );
                match self.spanned_string(&n.value, "Next") {
                    Some(s) => Transition::Next(s),
                    None => Transition::End(node.span),
                }
            }
            (Some(n), false) => match self.spanned_string(&n.value, "Next") {
                Some(s) => Transition::Next(s),
                None => Transition::End(n.value.span),
            },
            (None, true) => Transition::End(end.map_or(node.span, |e| e.value.span)),
            (None, false) => {
                let span = end.map_or(node.span, |e| e.value.span);
                self.push(
                    Diagnostic::error(
                        codes::NEXT_OR_END,
                        format!("state `{state}` has neither `Next` nor `\"End\": true`"),
                        span,
                    )
                    .with_help("add `\"Next\": \"<state>\"` or `\"End\": true`"),
                );
                Transition::End(span)
            }
        }
    }

    fn retry_catch(
        &mut self,
        f: &StateFields<'_, 'a>,
        lang: QueryLanguage,
    ) -> (List<'a, Retrier<'a>>, List<'a, Catcher<'a>>) {
        let mut retry = self.list(0);
        if let Some(r) = f.get(field!("Retry")) {
            match r.as_array() {
                Some(items) => {
                    // Sized up front: growing from empty goes through the
                    // slow path of `push` for every state.
                    retry.reserve_exact(items.len());
                    for item in items {
                        if let Some(x) = self.retrier(item) {
                            retry.push(x);
                        }
                    }
                }
                None => self.wrong_type("Retry", "an array of retriers", r),
            }
        }
        let mut catch = self.list(0);
        if let Some(c) = f.get(field!("Catch")) {
            match c.as_array() {
                Some(items) => {
                    catch.reserve_exact(items.len());
                    for item in items {
                        if let Some(x) = self.catcher(item, lang) {
                            catch.push(x);
                        }
                    }
                }
                None => self.wrong_type("Catch", "an array of catchers", c),
            }
        }
        (retry, catch)
    }

    /// `e` is the `ErrorEquals` member of the retrier or catcher `node`.
    fn error_equals(
        &mut self,
        node: &Node<'a>,
        e: Option<&Node<'a>>,
        what: &str,
    ) -> (&'a [SpannedStr<'a>], Span) {
        let Some(e) = e else {
            self.missing(what, "ErrorEquals", node.span);
            // An empty span tells the rules not to report the list as empty.
            return (&[], Span::at(node.span.start));
        };
        let Some(items) = e.as_array() else {
            self.wrong_type("ErrorEquals", "an array of error names", e);
            return (&[], Span::at(e.span.start));
        };
        let mut names = self.list(items.len());
        for i in items {
            if let Some(name) = self.spanned_string(i, "ErrorEquals") {
                names.push(name);
            }
        }
        // Items of the wrong type were reported; the list is not empty.
        let span = if names.len() < items.len() {
            Span::at(e.span.start)
        } else {
            e.span
        };
        (names.into_bump_slice(), span)
    }

    fn retrier(&mut self, node: &Node<'a>) -> Option<Retrier<'a>> {
        const FIELDS: [&str; 7] = [
            "ErrorEquals",
            "IntervalSeconds",
            "MaxAttempts",
            "BackoffRate",
            "MaxDelaySeconds",
            "JitterStrategy",
            "Comment",
        ];
        let Some(members) = node.as_object() else {
            self.wrong_type("a retrier", "an object", node);
            return None;
        };
        let found = pick_fields(members, &FIELDS, |m| {
            self.unknown_field(m, &FIELDS, "a retrier");
        });
        let [
            error_equals,
            interval_seconds,
            max_attempts,
            backoff_rate,
            max_delay_seconds,
            jitter_strategy,
            comment,
        ] = found.map(value_of);
        let (error_equals, error_equals_span) = self.error_equals(node, error_equals, "a retrier");
        let num = |b: &mut Self,
                   n: Option<&Node<'a>>,
                   field: &str,
                   min: u64,
                   max: u64|
         -> Option<Spanned<u64>> {
            match b.count(
                n?,
                field,
                QueryLanguage::JsonPath,
                min,
                max,
                codes::RETRY_RANGE,
            ) {
                Some(Count::Fixed(v)) => Some(v),
                _ => None,
            }
        };
        let interval_seconds = num(self, interval_seconds, "IntervalSeconds", 1, MAX_SECONDS);
        let max_attempts = num(self, max_attempts, "MaxAttempts", 0, MAX_SECONDS);
        let max_delay_seconds = num(
            self,
            max_delay_seconds,
            "MaxDelaySeconds",
            1,
            MAX_DELAY_SECONDS,
        );
        let backoff_rate = match backoff_rate {
            Some(n) => match n.as_f64() {
                Some(v) if v >= 1.0 => Some(Spanned::new(v, n.span)),
                Some(_) => {
                    self.push(
                        Diagnostic::error(
                            codes::RETRY_RANGE,
                            "`BackoffRate` must be at least 1.0",
                            n.span,
                        )
                        .with_label("less than 1.0")
                        .with_note(
                            "the wait before retry n is IntervalSeconds × BackoffRate^(n−1)",
                        ),
                    );
                    None
                }
                None => {
                    self.wrong_type("BackoffRate", "a number", n);
                    None
                }
            },
            None => None,
        };
        let jitter_strategy = self
            .enum_value(jitter_strategy, "JitterStrategy", &["FULL", "NONE"])
            .map(|s| {
                let j = if s.value == "FULL" {
                    JitterStrategy::Full
                } else {
                    JitterStrategy::None
                };
                Spanned::new(j, s.span)
            });
        let comment = comment.and_then(|n| self.spanned_string(n, "Comment"));
        Some(Retrier {
            error_equals,
            error_equals_span,
            interval_seconds,
            max_attempts,
            backoff_rate,
            max_delay_seconds,
            jitter_strategy,
            comment,
            span: node.span,
        })
    }

    fn catcher(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Option<Catcher<'a>> {
        const FIELDS: [&str; 6] = [
            "ErrorEquals",
            "Next",
            "ResultPath",
            "Output",
            "Assign",
            "Comment",
        ];
        let Some(members) = node.as_object() else {
            self.wrong_type("a catcher", "an object", node);
            return None;
        };
        let allowed: &[&str] = match lang {
            QueryLanguage::JsonPath => &["ErrorEquals", "Next", "ResultPath", "Assign", "Comment"],
            QueryLanguage::Jsonata => &["ErrorEquals", "Next", "Output", "Assign", "Comment"],
        };
        let found = pick_fields(members, &FIELDS, |m| {
            self.unknown_field(m, allowed, "a catcher");
        });
        // `ResultPath` belongs to JSONPath catchers, `Output` to JSONata ones.
        let [_, _, result_path, output, _, _] = found;
        let other_language = match lang {
            QueryLanguage::JsonPath => output,
            QueryLanguage::Jsonata => result_path,
        };
        if let Some(m) = other_language {
            let mut d = Diagnostic::error(
                codes::WRONG_LANGUAGE_FIELD,
                format!("`{}` is not available in {} catchers", m.key, lang.as_str()),
                m.key_span,
            );
            if let Some(h) = language_counterpart(m.key, lang) {
                d = d.with_help(h);
            }
            self.push(d);
        }
        let [error_equals, next, result_path, output, assign, comment] = found.map(value_of);
        let (error_equals, error_equals_span) = self.error_equals(node, error_equals, "a catcher");
        let next = match next {
            Some(n) => self.spanned_string(n, "Next"),
            None => {
                self.missing("a catcher", "Next", node.span);
                None
            }
        }
        .unwrap_or_else(|| Spanned::new("", node.span));
        let result_path = match (lang, result_path) {
            (QueryLanguage::JsonPath, Some(n)) => self.result_path(n),
            _ => None,
        };
        let output = match (lang, output) {
            (QueryLanguage::Jsonata, Some(n)) => Some(self.template(n, lang)),
            _ => None,
        };
        let assign = assign.and_then(|n| self.assign(n, lang));
        let comment = comment.and_then(|n| self.spanned_string(n, "Comment"));
        Some(Catcher {
            error_equals,
            error_equals_span,
            next,
            result_path,
            assign,
            output,
            comment,
            span: node.span,
        })
    }

    /// A `Resource` that did not parse: not an ARN at all is an error; an
    /// ARN of a `states` or `lambda` resource that is malformed is an error;
    /// ARNs of other services (older task kinds the spec allows) are kept.
    fn resource_shape(&mut self, node: &Node, text: &str, e: &asl_syntax::SyntaxError) {
        let service = text.split(':').nth(2);
        let is_arn = text.starts_with("arn:");
        if is_arn && !matches!(service, Some("states" | "lambda")) {
            return;
        }
        // `scheme:rest` is a URI, which the language spec allows; AWS itself
        // wants ARNs, hence a warning.
        let uri_scheme = text.split_once(':').is_some_and(|(scheme, rest)| {
            !scheme.is_empty()
                && !rest.is_empty()
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c))
        });
        if !is_arn && uri_scheme {
            self.push(
                Diagnostic::warning(
                    codes::NON_ARN_RESOURCE,
                    "`Resource` is a URI but not an ARN",
                    node.span,
                )
                .with_note(
                    "Step Functions runs only ARNs: integrations, Lambda functions and activities",
                ),
            );
            return;
        }
        let span = self.inner_span(node, text, e.span);
        self.push(
            Diagnostic::error(
                codes::INVALID_RESOURCE,
                format!("`Resource` is not a valid ARN: {}", e.message),
                span,
            )
            .with_label(e.message.clone()),
        );
    }

    /// A CloudFormation `${…}` placeholder that is never closed would reach
    /// AWS as written.
    fn unclosed_placeholder(&mut self, node: &Node, text: &str) {
        let Some(open) = find_placeholder(text, 0) else {
            return;
        };
        let mut from = open;
        while let Some(at) = find_placeholder(text, from) {
            let closed = text.get(at + 2..).is_some_and(|r| r.contains('}'));
            if !closed {
                let span = self.inner_span(node, text, asl_syntax::Span::new(at, text.len()));
                self.push(
                    Diagnostic::error(
                        codes::INVALID_RESOURCE,
                        "`${` placeholder is never closed with `}`",
                        span,
                    )
                    .with_label("unclosed placeholder"),
                );
                return;
            }
            from = at + 2;
        }
    }

    /// Lambda function names use letters, digits, `-` and `_`; versions and
    /// aliases add `$` (`$LATEST`).
    fn lambda_name_chars(
        &mut self,
        node: &Node,
        text: &str,
        name: &asl_syntax::Spanned<String>,
        qualifier: Option<&asl_syntax::Spanned<String>>,
    ) {
        let plain = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
        let parts = [
            (Some(name), "function name", false),
            (qualifier, "qualifier", true),
        ];
        for (part, what, dollar) in parts {
            let Some(part) = part else { continue };
            if let Some(bad) = part
                .value
                .chars()
                .find(|&c| !(plain(c) || (dollar && c == '$')))
            {
                let span = self.inner_span(node, text, part.span);
                self.push(
                    Diagnostic::error(
                        codes::INVALID_RESOURCE,
                        format!("the Lambda {what} `{}` contains `{bad}`", part.value),
                        span,
                    )
                    .with_note("Lambda names use letters, digits, `-` and `_`; versions and aliases may also use `$`"),
                );
            }
        }
    }

    fn task(
        &mut self,
        node: &Node<'a>,
        f: &StateFields<'_, 'a>,
        state: &str,
        lang: QueryLanguage,
    ) -> TaskState<'a> {
        let resource_node = f.get(field!("Resource"));
        let resource = match resource_node {
            Some(n) => self.spanned_string(n, "Resource"),
            None => {
                self.missing("a Task state", "Resource", node.span);
                None
            }
        }
        .unwrap_or_else(|| Spanned::new("", node.span));
        // Whether an integration exists is judged by the resource rules, which
        // know the catalog; here only the shape of the ARN is checked.
        let parsed = crate::rules::memo::resource(resource.value);
        if let (Err(e), Some(n)) = (&parsed, resource_node)
            && n.as_str().is_some()
        {
            self.resource_shape(n, resource.value, e);
        }
        if let (
            Ok(asl_syntax::Resource::LambdaFunction {
                name, qualifier, ..
            }),
            Some(n),
        ) = (parsed.as_deref(), resource_node)
        {
            self.lambda_name_chars(n, resource.value, name, qualifier.as_ref());
        }
        if let Some(n) = resource_node {
            self.unclosed_placeholder(n, resource.value);
        }
        let resource_uri = parsed.ok();
        let credentials = f.get(field!("Credentials")).and_then(|n| {
            let t = self.object_template(n, "Credentials", lang)?;
            if n.is_object() && n.get("RoleArn").is_none() && n.get("RoleArn.$").is_none() {
                self.push(
                    Diagnostic::warning(
                        codes::CREDENTIALS_ROLE,
                        "`Credentials` has no `RoleArn`",
                        n.span,
                    )
                    .with_label("no role to assume")
                    .with_help("add `\"RoleArn\": \"arn:aws:iam::…:role/…\"` (or `RoleArn.$`)"),
                );
            }
            Some(t)
        });
        let timeout = self.count_or_path_of(
            f.member(field!("TimeoutSeconds")),
            f.member(field!("TimeoutSecondsPath")),
            "TimeoutSeconds",
            lang,
            1,
            MAX_SECONDS,
            codes::SECONDS_RANGE,
        );
        let heartbeat = self.count_or_path_of(
            f.member(field!("HeartbeatSeconds")),
            f.member(field!("HeartbeatSecondsPath")),
            "HeartbeatSeconds",
            lang,
            1,
            MAX_SECONDS,
            codes::SECONDS_RANGE,
        );
        let transition = self.transition(node, f, state);
        let (retry, catch) = self.retry_catch(f, lang);
        TaskState {
            resource,
            resource_uri,
            credentials,
            timeout,
            heartbeat,
            transition,
            retry,
            catch,
        }
    }

    fn wait(
        &mut self,
        node: &Node<'a>,
        f: &StateFields<'_, 'a>,
        state: &str,
        lang: QueryLanguage,
    ) -> WaitState<'a> {
        let seconds = f.member(field!("Seconds"));
        let seconds_path = f.member(field!("SecondsPath"));
        let timestamp = f.member(field!("Timestamp"));
        let timestamp_path = f.member(field!("TimestampPath"));
        let forms: &[&str] = match lang {
            QueryLanguage::JsonPath => {
                self.exclusive(
                    &[seconds, seconds_path, timestamp, timestamp_path],
                    &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"],
                );
                &["Seconds", "SecondsPath", "Timestamp", "TimestampPath"]
            }
            QueryLanguage::Jsonata => {
                self.exclusive(&[seconds, timestamp], &["Seconds", "Timestamp"]);
                &["Seconds", "Timestamp"]
            }
        };
        let duration = if let Some(n) = value_of(seconds) {
            self.count(n, "Seconds", lang, 0, MAX_SECONDS, codes::SECONDS_RANGE)
                .map(WaitDuration::Seconds)
        } else if let (QueryLanguage::JsonPath, Some(n)) = (lang, value_of(seconds_path)) {
            self.path(n, "SecondsPath", true)
                .map(WaitDuration::SecondsPath)
        } else if let Some(n) = value_of(timestamp) {
            if let (QueryLanguage::Jsonata, Some(e)) = (lang, self.jsonata(n)) {
                Some(WaitDuration::TimestampJsonata(e))
            } else {
                self.timestamp(n, "Timestamp").map(WaitDuration::Timestamp)
            }
        } else if let (QueryLanguage::JsonPath, Some(n)) = (lang, value_of(timestamp_path)) {
            self.path(n, "TimestampPath", true)
                .map(WaitDuration::TimestampPath)
        } else {
            self.push(
                Diagnostic::error(
                    codes::MISSING_FIELD,
                    format!("Wait state `{state}` needs one of {}", plural_fields(forms)),
                    node.span,
                )
                .with_label("no duration given"),
            );
            None
        };
        let duration = duration.unwrap_or(WaitDuration::Seconds(Count::Fixed(Spanned::new(
            0, node.span,
        ))));
        WaitState {
            duration,
            transition: self.transition(node, f, state),
        }
    }

    fn timestamp(&mut self, node: &Node<'a>, field: &str) -> Option<Spanned<Timestamp>> {
        let text = self.string(node, field)?;
        match parse_timestamp(text) {
            Ok(t) => Some(Spanned::new(t, node.span)),
            Err(e) => {
                let span = self.inner_span(node, text, e.span);
                self.push(
                    Diagnostic::error(
                        codes::INVALID_TIMESTAMP,
                        format!("`{field}` is not an RFC 3339 timestamp: {}", e.message),
                        span,
                    )
                    .with_note("write it like `2016-03-14T01:59:00Z`: uppercase `T`, and `Z` or a numeric offset"),
                );
                None
            }
        }
    }

    fn fail(&mut self, f: &StateFields<'_, 'a>, lang: QueryLanguage) -> FailState<'a> {
        let text = |b: &mut Self,
                    field: &str,
                    path_field: &str,
                    plain: Option<&Member<'a>>,
                    path: Option<&Member<'a>>|
         -> Option<Text<'a>> {
            b.exclusive(&[plain, path], &[field, path_field]);
            if let Some(n) = value_of(plain) {
                if let (QueryLanguage::Jsonata, Some(e)) = (lang, b.jsonata(n)) {
                    return Some(Text::Jsonata(e));
                }
                return b.spanned_string(n, field).map(Text::Fixed);
            }
            if lang == QueryLanguage::JsonPath
                && let Some(n) = value_of(path)
            {
                let d = b.dynamic(n, path_field)?;
                if let PayloadValue::Intrinsic(call) = &*d.expr
                    && !STRING_INTRINSICS.contains(&call.name.as_str())
                    && asl_syntax::intrinsic::lookup_intrinsic(&call.name).is_some()
                {
                    let span = b.inner_span(n, d.text, call.name_span);
                    b.push(
                        Diagnostic::error(
                            codes::INTRINSIC_NOT_ALLOWED,
                            format!("`{}` does not return a string and cannot be used in `{path_field}`", call.name),
                            span,
                        )
                        .with_note(format!("`{path_field}` accepts a path or one of {}", plural_fields(&STRING_INTRINSICS))),
                    );
                }
                return Some(Text::Path(d));
            }
            None
        };
        let error = text(
            self,
            "Error",
            "ErrorPath",
            f.member(field!("Error")),
            f.member(field!("ErrorPath")),
        );
        let cause = text(
            self,
            "Cause",
            "CausePath",
            f.member(field!("Cause")),
            f.member(field!("CausePath")),
        );
        FailState { error, cause }
    }

    fn parallel(
        &mut self,
        node: &Node<'a>,
        f: &StateFields<'_, 'a>,
        state: &str,
        lang: QueryLanguage,
    ) -> ParallelState<'a> {
        let mut branches = self.list(0);
        match f.get(field!("Branches")) {
            None => self.missing(&format!("Parallel state `{state}`"), "Branches", node.span),
            Some(b) => match b.as_array() {
                None => self.wrong_type("Branches", "an array of branches", b),
                Some([]) => self.push(
                    Diagnostic::error(
                        codes::EMPTY_LIST,
                        "`Branches` must contain at least one branch",
                        b.span,
                    )
                    .with_label("empty"),
                ),
                Some(items) => {
                    branches.reserve_exact(items.len());
                    for item in items {
                        if let Some(m) = self.machine(item, MachineKind::Branch) {
                            branches.push(m);
                        }
                    }
                }
            },
        }
        let transition = self.transition(node, f, state);
        let (retry, catch) = self.retry_catch(f, lang);
        ParallelState {
            branches,
            transition,
            retry,
            catch,
        }
    }

    fn map(
        &mut self,
        node: &Node<'a>,
        f: &StateFields<'_, 'a>,
        state: &str,
        lang: QueryLanguage,
    ) -> MapState<'a> {
        let (item_processor, iterator) = (
            f.member(field!("ItemProcessor")),
            f.member(field!("Iterator")),
        );
        let (item_selector, parameters) = (
            f.member(field!("ItemSelector")),
            f.member(field!("Parameters")),
        );
        self.exclusive(&[item_processor, iterator], &["ItemProcessor", "Iterator"]);
        self.exclusive(
            &[item_selector, parameters],
            &["ItemSelector", "Parameters"],
        );
        let processor = match (item_processor, iterator) {
            (Some(m), _) => Some((m, false)),
            (None, Some(m)) if lang == QueryLanguage::JsonPath => Some((m, true)),
            _ => None,
        };
        let item_processor = match processor {
            Some((m, deprecated)) => {
                let processor_config = m
                    .value
                    .get("ProcessorConfig")
                    .and_then(|c| self.processor_config(c));
                let machine = self.machine(&m.value, MachineKind::Processor);
                ItemProcessor {
                    deprecated_iterator: deprecated,
                    processor_config,
                    machine: machine.unwrap_or_else(|| self.empty_machine(m.value.span)),
                }
            }
            None => {
                self.missing(&format!("Map state `{state}`"), "ItemProcessor", node.span);
                ItemProcessor {
                    deprecated_iterator: false,
                    processor_config: None,
                    machine: self.empty_machine(node.span),
                }
            }
        };
        let items_path = match (lang, f.get(field!("ItemsPath"))) {
            (QueryLanguage::JsonPath, Some(n)) if n.is_null() => {
                self.push(
                    Diagnostic::warning(
                        codes::NULL_ITEMS_PATH,
                        "`ItemsPath` is `null`; the state input is used as the item array",
                        n.span,
                    )
                    .with_help(
                        "remove `ItemsPath`, or write `\"$\"` to say the input is the array",
                    ),
                );
                None
            }
            (QueryLanguage::JsonPath, Some(n)) => self.path(n, "ItemsPath", true),
            _ => None,
        };
        let items = match (lang, f.get(field!("Items"))) {
            (QueryLanguage::Jsonata, Some(n)) => {
                if !(n.as_array().is_some() || self.jsonata(n).is_some()) {
                    self.wrong_type("Items", "an array or a `{% … %}` expression", n);
                }
                Some(self.template(n, lang))
            }
            _ => None,
        };
        let item_selector = match (value_of(item_selector), value_of(parameters)) {
            (Some(n), _) => self.object_template(n, "ItemSelector", lang),
            (None, Some(n)) if lang == QueryLanguage::JsonPath => {
                self.object_template(n, "Parameters", lang)
            }
            _ => None,
        };
        let item_reader = f
            .get(field!("ItemReader"))
            .and_then(|n| self.item_reader(n, lang));
        let item_batcher = f
            .get(field!("ItemBatcher"))
            .and_then(|n| self.item_batcher(n, lang));
        let result_writer = f
            .get(field!("ResultWriter"))
            .and_then(|n| self.result_writer(n, lang));
        let max_concurrency = self.count_or_path_of(
            f.member(field!("MaxConcurrency")),
            f.member(field!("MaxConcurrencyPath")),
            "MaxConcurrency",
            lang,
            0,
            u64::MAX,
            codes::VALUE_RANGE,
        );
        let tolerated_failure_count = self.count_or_path_of(
            f.member(field!("ToleratedFailureCount")),
            f.member(field!("ToleratedFailureCountPath")),
            "ToleratedFailureCount",
            lang,
            0,
            u64::MAX,
            codes::VALUE_RANGE,
        );
        let percentage = f.member(field!("ToleratedFailurePercentage"));
        let percentage_path = f.member(field!("ToleratedFailurePercentagePath"));
        self.exclusive(
            &[percentage, percentage_path],
            &[
                "ToleratedFailurePercentage",
                "ToleratedFailurePercentagePath",
            ],
        );
        let tolerated_failure_percentage = if let Some(n) = value_of(percentage) {
            if let (QueryLanguage::Jsonata, Some(e)) = (lang, self.jsonata(n)) {
                Some(Tolerance::Jsonata(e))
            } else {
                match n.as_f64() {
                    Some(v) if (0.0..=100.0).contains(&v) => {
                        Some(Tolerance::Fixed(Spanned::new(v, n.span)))
                    }
                    Some(_) => {
                        self.push(
                            Diagnostic::error(
                                codes::VALUE_RANGE,
                                "`ToleratedFailurePercentage` must be between 0 and 100",
                                n.span,
                            )
                            .with_label("out of range"),
                        );
                        None
                    }
                    None => {
                        self.wrong_type("ToleratedFailurePercentage", "a number", n);
                        None
                    }
                }
            }
        } else if let (QueryLanguage::JsonPath, Some(n)) = (lang, value_of(percentage_path)) {
            self.path(n, "ToleratedFailurePercentagePath", true)
                .map(Tolerance::Path)
        } else {
            None
        };
        let label = f
            .get(field!("Label"))
            .and_then(|n| self.spanned_string(n, "Label"));
        if let Some(l) = &label {
            self.check_label(l);
        }
        let transition = self.transition(node, f, state);
        let (retry, catch) = self.retry_catch(f, lang);
        MapState {
            item_processor,
            items_path,
            items,
            item_selector,
            item_reader,
            item_batcher,
            result_writer,
            max_concurrency,
            tolerated_failure_percentage,
            tolerated_failure_count,
            label,
            transition,
            retry,
            catch,
        }
    }

    fn check_label(&mut self, label: &SpannedStr<'a>) {
        let count = label.value.chars().count();
        if count > 40 {
            self.push(
                Diagnostic::error(
                    codes::LABEL,
                    format!("a Map `Label` has at most 40 characters, this one has {count}"),
                    label.span,
                )
                .with_label("too long"),
            );
        }
        if let Some(c) = label.value.chars().find(|c| forbidden_name_char(*c)) {
            self.push(
                Diagnostic::error(
                    codes::LABEL,
                    format!("a Map `Label` cannot contain `{}`", c.escape_default()),
                    label.span,
                )
                .with_note("labels may not contain whitespace, control characters or any of < > { } [ ] ? * \" # % \\ ^ | ~ ` $ & , ; : /"),
            );
        }
    }

    fn processor_config(&mut self, node: &Node<'a>) -> Option<ProcessorConfig> {
        if !node.is_object() {
            self.wrong_type("ProcessorConfig", "an object", node);
            return None;
        }
        self.check_known(node, &["Mode", "ExecutionType"], "`ProcessorConfig`");
        let mode = self
            .opt_enum(node, "Mode", &["INLINE", "DISTRIBUTED"])
            .map(|s| {
                let m = if s.value == "DISTRIBUTED" {
                    ProcessorMode::Distributed
                } else {
                    ProcessorMode::Inline
                };
                Spanned::new(m, s.span)
            });
        let execution_type = self
            .opt_enum(node, "ExecutionType", &["STANDARD", "EXPRESS"])
            .map(|s| {
                let m = if s.value == "EXPRESS" {
                    ExecutionType::Express
                } else {
                    ExecutionType::Standard
                };
                Spanned::new(m, s.span)
            });
        if mode
            .as_ref()
            .is_some_and(|m| m.value == ProcessorMode::Distributed)
            && node.get("ExecutionType").is_none()
        {
            self.missing(
                "a `DISTRIBUTED` ProcessorConfig",
                "ExecutionType",
                node.span,
            );
        }
        Some(ProcessorConfig {
            mode,
            execution_type,
            span: node.span,
        })
    }

    fn reader_writer_payload(
        &mut self,
        node: &Node<'a>,
        lang: QueryLanguage,
    ) -> (Option<Template<'a>>, Option<Template<'a>>) {
        let parameters = match (lang, node.get("Parameters")) {
            (QueryLanguage::JsonPath, Some(n)) => self.object_template(n, "Parameters", lang),
            _ => None,
        };
        let arguments = match (lang, node.get("Arguments")) {
            (QueryLanguage::Jsonata, Some(n)) => Some(self.template(n, lang)),
            _ => None,
        };
        (parameters, arguments)
    }

    fn payload_fields(lang: QueryLanguage) -> &'static str {
        match lang {
            QueryLanguage::JsonPath => "Parameters",
            QueryLanguage::Jsonata => "Arguments",
        }
    }

    fn item_reader(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Option<ItemReader<'a>> {
        if !node.is_object() {
            self.wrong_type("ItemReader", "an object", node);
            return None;
        }
        self.check_known(
            node,
            &["Resource", Self::payload_fields(lang), "ReaderConfig"],
            "`ItemReader`",
        );
        let resource = match node.get("Resource") {
            Some(n) => self.spanned_string(n, "Resource")?,
            None => {
                self.missing("`ItemReader`", "Resource", node.span);
                return None;
            }
        };
        let (parameters, arguments) = self.reader_writer_payload(node, lang);
        let reader_config = node
            .get("ReaderConfig")
            .and_then(|n| self.reader_config(n, lang));
        Some(ItemReader {
            resource,
            parameters,
            arguments,
            reader_config,
            span: node.span,
        })
    }

    fn reader_config(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Option<ReaderConfig<'a>> {
        if !node.is_object() {
            self.wrong_type("ReaderConfig", "an object", node);
            return None;
        }
        let mut allowed = vec![
            "InputType",
            "CSVHeaderLocation",
            "CSVHeaders",
            "CSVDelimiter",
            "MaxItems",
            "Transformation",
            "ManifestType",
            "ItemsPointer",
        ];
        if lang == QueryLanguage::JsonPath {
            allowed.push("MaxItemsPath");
        }
        self.check_known(node, &allowed, "`ReaderConfig`");
        let csv_headers = node.get("CSVHeaders").and_then(|n| match n.as_array() {
            Some(items) => {
                let mut headers = self.list(items.len());
                headers.extend(
                    items
                        .iter()
                        .filter_map(|i| self.spanned_string(i, "CSVHeaders")),
                );
                Some(headers.into_bump_slice())
            }
            None => {
                self.wrong_type("CSVHeaders", "an array of strings", n);
                None
            }
        });
        Some(ReaderConfig {
            input_type: self.opt_enum(
                node,
                "InputType",
                &["CSV", "JSON", "JSONL", "PARQUET", "MANIFEST"],
            ),
            csv_header_location: self.opt_enum(node, "CSVHeaderLocation", &["FIRST_ROW", "GIVEN"]),
            csv_headers,
            csv_delimiter: self.opt_enum(
                node,
                "CSVDelimiter",
                &["COMMA", "PIPE", "SEMICOLON", "SPACE", "TAB"],
            ),
            max_items: self.count_or_path(
                node,
                "MaxItems",
                lang,
                0,
                100_000_000,
                codes::VALUE_RANGE,
            ),
            transformation: self.opt_enum(node, "Transformation", &["NONE", "LOAD_AND_FLATTEN"]),
            manifest_type: self.opt_enum(node, "ManifestType", &["ATHENA_DATA", "S3_INVENTORY"]),
            items_pointer: self.opt_string(node, "ItemsPointer"),
            span: node.span,
        })
    }

    fn item_batcher(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Option<ItemBatcher<'a>> {
        if !node.is_object() {
            self.wrong_type("ItemBatcher", "an object", node);
            return None;
        }
        let allowed: &[&str] = match lang {
            QueryLanguage::JsonPath => &[
                "MaxItemsPerBatch",
                "MaxItemsPerBatchPath",
                "MaxInputBytesPerBatch",
                "MaxInputBytesPerBatchPath",
                "BatchInput",
            ],
            QueryLanguage::Jsonata => &["MaxItemsPerBatch", "MaxInputBytesPerBatch", "BatchInput"],
        };
        self.check_known(node, allowed, "`ItemBatcher`");
        let max_items_per_batch = self.count_or_path(
            node,
            "MaxItemsPerBatch",
            lang,
            1,
            u64::MAX,
            codes::VALUE_RANGE,
        );
        let max_input_bytes_per_batch = self.count_or_path(
            node,
            "MaxInputBytesPerBatch",
            lang,
            1,
            262_144,
            codes::VALUE_RANGE,
        );
        let limits = [
            "MaxItemsPerBatch",
            "MaxItemsPerBatchPath",
            "MaxInputBytesPerBatch",
            "MaxInputBytesPerBatchPath",
        ];
        if !limits.iter().any(|f| node.get(f).is_some()) {
            self.push(
                Diagnostic::error(
                    codes::MISSING_FIELD,
                    "`ItemBatcher` needs `MaxItemsPerBatch` or `MaxInputBytesPerBatch`",
                    node.span,
                )
                .with_label("no batch limit"),
            );
        }
        let batch_input = node
            .get("BatchInput")
            .and_then(|n| self.object_template(n, "BatchInput", lang));
        Some(ItemBatcher {
            max_items_per_batch,
            max_input_bytes_per_batch,
            batch_input,
            span: node.span,
        })
    }

    fn result_writer(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Option<ResultWriter<'a>> {
        if !node.is_object() {
            self.wrong_type("ResultWriter", "an object", node);
            return None;
        }
        self.check_known(
            node,
            &["Resource", Self::payload_fields(lang), "WriterConfig"],
            "`ResultWriter`",
        );
        let resource = self.opt_string(node, "Resource");
        let (parameters, arguments) = self.reader_writer_payload(node, lang);
        let writer_config = node.get("WriterConfig").and_then(|n| {
            if !n.is_object() {
                self.wrong_type("WriterConfig", "an object", n);
                return None;
            }
            self.check_known(n, &["OutputType", "Transformation"], "`WriterConfig`");
            let output_type = self.opt_enum(n, "OutputType", &["JSON", "JSONL"]);
            if n.get("OutputType").is_none() {
                self.missing("`WriterConfig`", "OutputType", n.span);
            }
            let transformation =
                self.opt_enum(n, "Transformation", &["NONE", "COMPACT", "FLATTEN"]);
            if n.get("Transformation").is_none() {
                self.missing("`WriterConfig`", "Transformation", n.span);
            }
            Some(WriterConfig {
                output_type,
                transformation,
                span: n.span,
            })
        });
        if node.get("Resource").is_none() && node.get("WriterConfig").is_none() {
            self.missing("`ResultWriter`", "Resource", node.span);
        }
        Some(ResultWriter {
            resource,
            parameters,
            arguments,
            writer_config,
            span: node.span,
        })
    }

    // ----- Choice ----------------------------------------------------------------

    fn choice(
        &mut self,
        node: &Node<'a>,
        f: &StateFields<'_, 'a>,
        state: &str,
        lang: QueryLanguage,
    ) -> ChoiceState<'a> {
        let mut choices = self.list(0);
        match f.get(field!("Choices")) {
            None => self.missing(&format!("Choice state `{state}`"), "Choices", node.span),
            Some(c) => match c.as_array() {
                None => self.wrong_type("Choices", "an array of rules", c),
                Some([]) => self.push(
                    Diagnostic::error(
                        codes::EMPTY_LIST,
                        "`Choices` must contain at least one rule",
                        c.span,
                    )
                    .with_label("empty"),
                ),
                Some(items) => {
                    choices.reserve_exact(items.len());
                    for item in items {
                        if let Some(b) = self.choice_branch(item, lang) {
                            choices.push(b);
                        }
                    }
                }
            },
        }
        let default = f
            .get(field!("Default"))
            .and_then(|n| self.spanned_string(n, "Default"));
        ChoiceState { choices, default }
    }

    fn choice_branch(&mut self, node: &Node<'a>, lang: QueryLanguage) -> Option<ChoiceBranch<'a>> {
        if !node.is_object() {
            self.wrong_type("a choice rule", "an object", node);
            return None;
        }
        let next = match node.get("Next") {
            Some(n) => self.spanned_string(n, "Next"),
            None => {
                self.missing("a top-level choice rule", "Next", node.span);
                None
            }
        }
        .unwrap_or_else(|| Spanned::new("", node.span));
        let assign = node.get("Assign").and_then(|n| self.assign(n, lang));
        let comment = self.opt_string(node, "Comment");
        let (rule, output) = match lang {
            QueryLanguage::Jsonata => {
                self.check_known(
                    node,
                    &["Condition", "Next", "Assign", "Output", "Comment"],
                    "a JSONata choice rule",
                );
                let rule = match node.get("Condition") {
                    Some(c) => {
                        if c.as_bool().is_none() && self.jsonata(c).is_none() {
                            self.wrong_type("Condition", "a boolean or a `{% … %}` expression", c);
                        }
                        ChoiceRule::Condition(self.template(c, lang))
                    }
                    None => {
                        self.missing("a JSONata choice rule", "Condition", node.span);
                        ChoiceRule::Invalid(node.span)
                    }
                };
                let output = node.get("Output").map(|n| self.template(n, lang));
                (rule, output)
            }
            QueryLanguage::JsonPath => (self.choice_rule(node, true, 0), None),
        };
        Some(ChoiceBranch {
            rule,
            next,
            assign,
            output,
            comment,
            span: node.span,
        })
    }

    fn choice_rule(&mut self, node: &Node<'a>, top: bool, depth: usize) -> ChoiceRule<'a> {
        let Some(members) = node.as_object() else {
            self.wrong_type("a choice rule", "an object", node);
            return ChoiceRule::Invalid(node.span);
        };
        if depth > 64 {
            self.error(
                codes::WRONG_TYPE,
                "choice rules are nested too deeply",
                node.span,
            );
            return ChoiceRule::Invalid(node.span);
        }
        // The first operator (with its comparison, when it is one) and any
        // further ones; only a faulty rule has the latter, so the common
        // case allocates nothing.
        let mut first: Option<(&Member, Option<(ComparisonOperator, bool)>)> = None;
        let mut extra: Vec<&Member> = Vec::new();
        let mut variable: Option<&Member> = None;
        for m in members {
            let key = m.key;
            match key {
                "Variable" => variable = Some(m),
                "Comment" => {}
                "Next" | "Assign" if top => {}
                "Next" => self.push(
                    Diagnostic::error(
                        codes::NESTED_CHOICE_NEXT,
                        "a rule nested in `And`, `Or` or `Not` cannot have `Next`",
                        m.key_span,
                    )
                    .with_help("move `Next` to the top-level rule that contains this one"),
                ),
                "And" | "Or" | "Not" => match first {
                    None => first = Some((m, None)),
                    Some(_) => extra.push(m),
                },
                "Condition" | "Output" => self.push(
                    Diagnostic::error(
                        codes::WRONG_LANGUAGE_FIELD,
                        format!("`{key}` is not available in JSONPath choice rules"),
                        m.key_span,
                    )
                    .with_help(
                        "set `\"QueryLanguage\": \"JSONata\"` on the state to use `Condition`",
                    ),
                ),
                // The arms above are no comparison keys, so testing for one
                // last changes nothing.
                _ => match ComparisonOperator::from_key(key) {
                    Some(c) => match first {
                        None => first = Some((m, Some(c))),
                        Some(_) => extra.push(m),
                    },
                    None => {
                        let mut candidates: Vec<&str> =
                            vec!["Variable", "And", "Or", "Not", "Comment"];
                        if top {
                            candidates.extend(["Next", "Assign"]);
                        }
                        let names: Vec<String> = ComparisonOperator::ALL
                            .iter()
                            .flat_map(|op| {
                                let mut v = vec![op.name().to_owned()];
                                if op.has_path_form() {
                                    v.push(format!("{}Path", op.name()));
                                }
                                v
                            })
                            .collect();
                        candidates.extend(names.iter().map(String::as_str));
                        self.unknown_field(m, &candidates, "a choice rule");
                    }
                },
            }
        }
        let Some((op, comparison)) = first else {
            self.push(
                Diagnostic::error(
                    codes::CHOICE_OPERATOR,
                    "choice rule has no comparison operator and no `And`/`Or`/`Not`",
                    node.span,
                )
                .with_help("add exactly one operator, e.g. `\"StringEquals\": \"…\"`"),
            );
            return ChoiceRule::Invalid(node.span);
        };
        if let Some(second) = extra.first() {
            let mut d = Diagnostic::error(
                codes::CHOICE_OPERATOR,
                "choice rule has more than one operator",
                second.key_span,
            )
            .with_label("second operator")
            .with_secondary(op.key_span, "first operator")
            .with_help("combine several tests with `And` or `Or`");
            for extra in extra.iter().skip(1) {
                d = d.with_secondary(extra.key_span, "another operator");
            }
            self.push(d);
        }
        match op.key {
            "And" | "Or" => {
                if let Some(v) = variable {
                    self.push(
                        Diagnostic::error(
                            codes::CHOICE_OPERATOR,
                            format!("`Variable` has no meaning next to `{}`", op.key),
                            v.key_span,
                        )
                        .with_help("put `Variable` into each nested rule"),
                    );
                }
                let rules = match op.value.as_array() {
                    None => {
                        self.wrong_type(op.key, "an array of rules", &op.value);
                        self.list(0)
                    }
                    Some([]) => {
                        self.push(
                            Diagnostic::error(
                                codes::EMPTY_LIST,
                                format!("`{}` must contain at least one rule", op.key),
                                op.value.span,
                            )
                            .with_label("empty"),
                        );
                        self.list(0)
                    }
                    Some(items) => {
                        let mut rules = self.list(items.len());
                        rules.extend(items.iter().map(|i| self.choice_rule(i, false, depth + 1)));
                        rules
                    }
                };
                if op.key == "And" {
                    ChoiceRule::And(rules, node.span)
                } else {
                    ChoiceRule::Or(rules, node.span)
                }
            }
            "Not" => {
                if let Some(v) = variable {
                    self.push(
                        Diagnostic::error(
                            codes::CHOICE_OPERATOR,
                            "`Variable` has no meaning next to `Not`",
                            v.key_span,
                        )
                        .with_help("put `Variable` into the rule inside `Not`"),
                    );
                }
                let inner = self.choice_rule(&op.value, false, depth + 1);
                ChoiceRule::Not(Box::new(inner), node.span)
            }
            key => {
                let Some((operator, is_path)) = comparison else {
                    return ChoiceRule::Invalid(node.span);
                };
                let Some(var) = variable else {
                    self.missing("a choice rule with a comparison", "Variable", node.span);
                    return ChoiceRule::Invalid(node.span);
                };
                let Some(variable) = self.path(&var.value, "Variable", false) else {
                    return ChoiceRule::Invalid(node.span);
                };
                let operand = if is_path {
                    match self.path(&op.value, key, false) {
                        Some(p) => Operand::Path(p),
                        None => return ChoiceRule::Invalid(node.span),
                    }
                } else {
                    if !self.operand_ok(operator, &op.value, key) {
                        return ChoiceRule::Invalid(node.span);
                    }
                    Operand::Literal(op.value)
                };
                ChoiceRule::Comparison(Comparison {
                    variable,
                    operator: Spanned::new(operator, op.key_span),
                    operand,
                    span: node.span,
                })
            }
        }
    }

    fn operand_ok(&mut self, op: ComparisonOperator, value: &Node<'a>, key: &str) -> bool {
        use ComparisonOperator::*;
        match op {
            StringEquals
            | StringLessThan
            | StringGreaterThan
            | StringLessThanEquals
            | StringGreaterThanEquals
            | StringMatches => {
                if value.as_str().is_none() {
                    self.wrong_type(key, "a string", value);
                    return false;
                }
                true
            }
            NumericEquals
            | NumericLessThan
            | NumericGreaterThan
            | NumericLessThanEquals
            | NumericGreaterThanEquals => {
                if value.as_number().is_none() {
                    self.wrong_type(key, "a number", value);
                    return false;
                }
                true
            }
            BooleanEquals | IsNull | IsPresent | IsNumeric | IsString | IsBoolean | IsTimestamp => {
                if value.as_bool().is_none() {
                    self.wrong_type(key, "a boolean", value);
                    return false;
                }
                true
            }
            TimestampEquals
            | TimestampLessThan
            | TimestampGreaterThan
            | TimestampLessThanEquals
            | TimestampGreaterThanEquals => self.timestamp(value, key).is_some(),
        }
    }
}

/// Where the first `${` at or after byte `from` of `text` starts. Finding
/// `$` (a byte search) and checking the next byte is much cheaper than a
/// substring search, which cost ~400 instructions per Task state.
fn find_placeholder(text: &str, from: usize) -> Option<usize> {
    let mut at = from;
    // `at` stays on a char boundary: it is `from` or just past a `$`.
    while let Some(i) = text.get(at..)?.find('$') {
        let dollar = at + i;
        if text.as_bytes().get(dollar + 1) == Some(&b'{') {
            return Some(dollar);
        }
        at = dollar + 1;
    }
    None
}

/// The value of a member that may be absent.
fn value_of<'n, 'a>(member: Option<&'n Member<'a>>) -> Option<&'n Node<'a>> {
    member.map(|m| &m.value)
}

/// The first member named by each of `fields`, found in one pass over
/// `members` (a lookup per field scanned them once per field); `unknown`
/// gets every member named otherwise.
fn pick_fields<'n, 'a, const N: usize>(
    members: &'n [Member<'a>],
    fields: &[&str; N],
    mut unknown: impl FnMut(&'n Member<'a>),
) -> [Option<&'n Member<'a>>; N] {
    let mut found = [None; N];
    for m in members {
        match fields.iter().position(|f| *f == m.key) {
            Some(i) => {
                found[i].get_or_insert(m);
            }
            None => unknown(m),
        }
    }
    found
}

fn article(kind: &str) -> &'static str {
    match kind.as_bytes().first() {
        Some(b'a' | b'e' | b'i' | b'o' | b'u') => "an",
        _ => "a",
    }
}

/// Characters AWS forbids in state machine, execution and Map labels.
pub fn forbidden_name_char(c: char) -> bool {
    c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c)
}

/// Why `name` cannot be a variable name, if it cannot.
pub fn variable_name_problem(name: &str) -> Option<&'static str> {
    let mut chars = name.chars();
    let Some(first) = chars.next() else {
        return Some("it is empty");
    };
    if name.chars().count() > 80 {
        return Some("it is longer than 80 characters");
    }
    if !(first.is_alphabetic() || first == '_') {
        return Some("it must start with a letter or `_`");
    }
    if chars.any(|c| !(c.is_alphanumeric() || c == '_')) {
        return Some("only letters, digits and `_` are allowed");
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_state_field_has_its_own_bit() {
        // A 65th field name would shift past the u64 and share a bit.
        assert!(STATE_FIELD_NAMES.len() <= 64);
        let table = FieldTable::get();
        assert_eq!(table.index.len(), STATE_FIELD_NAMES.len(), "a name twice");
        for (i, name) in STATE_FIELD_NAMES.iter().enumerate() {
            assert_eq!(field_index(name), i);
            assert_eq!(table.bit(name), 1u64 << i, "{name}");
        }
        // Every field of every kind is classified (a missing name would be
        // reported as unknown).
        for kind in STATE_TYPES {
            for lang in [QueryLanguage::JsonPath, QueryLanguage::Jsonata] {
                for name in COMMON.iter().chain(state_fields(kind, lang)) {
                    assert_ne!(table.bit(name), 0, "{name}");
                }
            }
        }
    }

    #[test]
    fn fields_after_the_255th_member_of_a_state_are_still_read() {
        let mut text = String::from(r#"{"StartAt": "A", "States": {"A": {"#);
        for i in 0..300 {
            text.push_str(&format!(r#""X{i}": 1, "#));
        }
        text.push_str(r#""Type": "Pass", "Result": 7, "End": true}}}"#);
        let arena = crate::tree::Arena::new();
        let root = crate::json::parse_json(&text, &arena).expect("valid json");
        let (machine, diagnostics) = build_machine(&root, &text, &arena);
        let state = &machine.expect("a machine").states.list[0];
        let StateKind::Pass(pass) = &state.kind else {
            panic!("not a Pass state: {:?}", state.kind);
        };
        assert_eq!(pass.result.and_then(|r| r.as_u64()), Some(7));
        assert!(matches!(pass.transition, Transition::End(_)));
        // Each unknown field is reported; nothing else is.
        assert_eq!(diagnostics.len(), 300, "{diagnostics:?}");
    }
}
