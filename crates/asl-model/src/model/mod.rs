//! The typed model of a state machine definition.
//!
//! Every value keeps the span of the text it came from, so rules and code
//! generation can point at the exact culprit. The model is built from the
//! spanned tree by [`build`](crate::model::build) and is best-effort: when the
//! definition has errors, the parts that could be read are still present
//! (with conservative placeholders elsewhere) so later rules can keep checking.
//!
//! Names, keys and literals share the tree's strings, so the model borrows the
//! source text (`'a`) like the tree does: building it copies only the rare
//! strings the source spelled with escapes.

pub mod build;
mod expr;

pub use expr::{
    ContextPath, Dynamic, DynamicExpr, IntrinsicCall, JsonPath, JsonataExpr, PathRoot, Timestamp,
    VariablePath,
};

use crate::source::Span;
use crate::tree::Node;

/// A value together with the span of the text it was read from.
#[derive(Clone, Debug, PartialEq)]
pub struct Spanned<T> {
    pub value: T,
    pub span: Span,
}

impl<T> Spanned<T> {
    pub fn new(value: T, span: Span) -> Spanned<T> {
        Spanned { value, span }
    }
}

/// A list of the model. It lives in the definition's arena like the tree:
/// building a model calls the allocator for none of its lists, and dropping
/// one frees nothing (its elements are still dropped).
pub type List<'a, T> = bumpalo::collections::Vec<'a, T>;

/// A string of the definition with its span. It borrows the source text, or
/// the tree's arena when the source spelled it with escapes.
pub type SpannedStr<'a> = Spanned<&'a str>;

/// `QueryLanguage` of a machine or a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum QueryLanguage {
    JsonPath,
    Jsonata,
}

impl QueryLanguage {
    pub fn as_str(self) -> &'static str {
        match self {
            QueryLanguage::JsonPath => "JSONPath",
            QueryLanguage::Jsonata => "JSONata",
        }
    }
}

/// A whole definition, or a nested one (a Parallel branch, a Map's
/// `ItemProcessor`/`Iterator`).
#[derive(Clone, Debug, PartialEq)]
pub struct StateMachine<'a> {
    pub start_at: SpannedStr<'a>,
    pub states: States<'a>,
    /// Whole-execution timeout (top level only).
    pub timeout_seconds: Option<Spanned<u64>>,
    pub query_language: Option<Spanned<QueryLanguage>>,
    pub comment: Option<SpannedStr<'a>>,
    pub version: Option<SpannedStr<'a>>,
    pub span: Span,
}

impl<'a> StateMachine<'a> {
    /// The language states of this machine use unless they say otherwise.
    pub fn language(&self) -> QueryLanguage {
        self.query_language
            .as_ref()
            .map_or(QueryLanguage::JsonPath, |q| q.value)
    }
}

/// The states of one scope, in definition order, looked up by name.
#[derive(Clone, Debug, PartialEq)]
pub struct States<'a> {
    pub list: List<'a, State<'a>>,
    pub span: Span,
}

impl<'a> States<'a> {
    pub fn get(&self, name: &str) -> Option<&State<'a>> {
        self.list.iter().find(|s| s.name.value == name)
    }

    pub fn index_of(&self, name: &str) -> Option<usize> {
        self.list.iter().position(|s| s.name.value == name)
    }

    pub fn iter(&self) -> std::slice::Iter<'_, State<'a>> {
        self.list.iter()
    }

    pub fn len(&self) -> usize {
        self.list.len()
    }

    pub fn is_empty(&self) -> bool {
        self.list.is_empty()
    }
}

impl<'s, 'a> IntoIterator for &'s States<'a> {
    type Item = &'s State<'a>;
    type IntoIter = std::slice::Iter<'s, State<'a>>;
    fn into_iter(self) -> Self::IntoIter {
        self.list.iter()
    }
}

/// One named state.
#[derive(Clone, Debug, PartialEq)]
pub struct State<'a> {
    pub name: SpannedStr<'a>,
    /// The whole state object.
    pub span: Span,
    /// Span of the `Type` value.
    pub type_span: Span,
    pub comment: Option<SpannedStr<'a>>,
    /// `QueryLanguage` written on the state itself.
    pub query_language: Option<Spanned<QueryLanguage>>,
    /// The language in force for this state (its own, else the machine's).
    pub language: QueryLanguage,
    /// Input/output processing fields; which ones may be present depends on
    /// the kind and the language (the builder reports the others).
    pub io: DataFlow<'a>,
    pub kind: StateKind<'a>,
}

impl<'a> State<'a> {
    /// Where this state goes next when it does not end its scope
    /// (`Next`, not counting Choice rules or catchers).
    pub fn next(&self) -> Option<&SpannedStr<'a>> {
        match self.kind.transition() {
            Some(Transition::Next(n)) => Some(n),
            _ => None,
        }
    }
}

// `MapState` (ItemReader, ItemBatcher, ResultWriter, a nested machine) is
// four times the next largest variant; boxed, every other state stops paying
// for it (a 1,000-state check moved ~2.5 MB less). The remaining variants are
// within a few hundred bytes of each other.
#[allow(clippy::large_enum_variant)]
#[derive(Clone, Debug, PartialEq)]
pub enum StateKind<'a> {
    Task(TaskState<'a>),
    Pass(PassState<'a>),
    Choice(ChoiceState<'a>),
    Wait(WaitState<'a>),
    Succeed(SucceedState),
    Fail(FailState<'a>),
    Parallel(ParallelState<'a>),
    Map(Box<MapState<'a>>),
}

impl<'a> StateKind<'a> {
    pub fn type_name(&self) -> &'static str {
        match self {
            StateKind::Task(_) => "Task",
            StateKind::Pass(_) => "Pass",
            StateKind::Choice(_) => "Choice",
            StateKind::Wait(_) => "Wait",
            StateKind::Succeed(_) => "Succeed",
            StateKind::Fail(_) => "Fail",
            StateKind::Parallel(_) => "Parallel",
            StateKind::Map(_) => "Map",
        }
    }

    pub fn transition(&self) -> Option<&Transition<'a>> {
        match self {
            StateKind::Task(s) => Some(&s.transition),
            StateKind::Pass(s) => Some(&s.transition),
            StateKind::Wait(s) => Some(&s.transition),
            StateKind::Parallel(s) => Some(&s.transition),
            StateKind::Map(s) => Some(&s.transition),
            StateKind::Choice(_) | StateKind::Succeed(_) | StateKind::Fail(_) => None,
        }
    }

    pub fn retry(&self) -> &[Retrier<'a>] {
        match self {
            StateKind::Task(s) => &s.retry,
            StateKind::Parallel(s) => &s.retry,
            StateKind::Map(s) => &s.retry,
            _ => &[],
        }
    }

    pub fn catch(&self) -> &[Catcher<'a>] {
        match self {
            StateKind::Task(s) => &s.catch,
            StateKind::Parallel(s) => &s.catch,
            StateKind::Map(s) => &s.catch,
            _ => &[],
        }
    }

    /// Whether reaching this state can end its scope.
    pub fn is_terminal(&self) -> bool {
        match self {
            StateKind::Succeed(_) | StateKind::Fail(_) => true,
            StateKind::Choice(_) => false,
            other => matches!(other.transition(), Some(Transition::End(_))),
        }
    }
}

/// `Next` or `"End": true`.
#[derive(Clone, Debug, PartialEq)]
pub enum Transition<'a> {
    Next(SpannedStr<'a>),
    /// Span of the `End` value (or of the state when the transition was
    /// missing and an error was reported).
    End(Span),
}

/// `InputPath`/`OutputPath` value: a path, or `null` (an empty object).
#[derive(Clone, Debug, PartialEq)]
pub enum IoPath<'a> {
    Null(Span),
    Path(JsonPath<'a>),
}

/// `ResultPath` value: a reference path, or `null` (discard the result).
#[derive(Clone, Debug, PartialEq)]
pub enum ResultPath<'a> {
    Null(Span),
    Path(JsonPath<'a>),
}

/// Input and output processing shared by the state types.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DataFlow<'a> {
    pub input_path: Option<IoPath<'a>>,
    pub output_path: Option<IoPath<'a>>,
    pub result_path: Option<ResultPath<'a>>,
    /// `Parameters` (Task, Pass, Parallel). A Map's `Parameters` is stored as
    /// its `item_selector`.
    pub parameters: Option<Template<'a>>,
    pub result_selector: Option<Template<'a>>,
    /// `Assign` (JSONPath: a template with `.$` keys; JSONata: `{% %}` values).
    pub assign: Option<Template<'a>>,
    /// JSONata `Output`.
    pub output: Option<Template<'a>>,
    /// JSONata `Arguments` (Task, Parallel).
    pub arguments: Option<Template<'a>>,
}

/// A payload template (`Parameters`, `ResultSelector`, `ItemSelector`,
/// `Assign`, `Credentials`) or a JSONata value (`Arguments`, `Output`, …).
#[derive(Clone, Debug, PartialEq)]
pub enum Template<'a> {
    Object {
        span: Span,
        members: List<'a, TemplateMember<'a>>,
    },
    Array {
        span: Span,
        items: List<'a, Template<'a>>,
    },
    /// A literal scalar copied as is (string, number, boolean, null).
    Literal(Node<'a>),
    /// The value of a `.$` key (JSONPath states).
    Dynamic(Dynamic<'a>),
    /// A `{% … %}` string (JSONata states).
    Jsonata(JsonataExpr<'a>),
}

impl<'a> Template<'a> {
    pub fn span(&self) -> Span {
        match self {
            Template::Object { span, .. } | Template::Array { span, .. } => *span,
            Template::Literal(node) => node.span,
            Template::Dynamic(d) => d.span,
            Template::Jsonata(e) => e.span,
        }
    }

    /// Calls `f` on every `.$` value, at any depth.
    pub fn for_each_dynamic<'r>(&'r self, f: &mut impl FnMut(&'r Dynamic<'a>)) {
        match self {
            Template::Object { members, .. } => {
                for m in members {
                    m.value.for_each_dynamic(f);
                }
            }
            Template::Array { items, .. } => {
                for i in items {
                    i.for_each_dynamic(f);
                }
            }
            Template::Dynamic(d) => f(d),
            Template::Literal(_) | Template::Jsonata(_) => {}
        }
    }

    /// Calls `f` on every JSONata expression, at any depth.
    pub fn for_each_jsonata<'r>(&'r self, f: &mut impl FnMut(&'r JsonataExpr<'a>)) {
        match self {
            Template::Object { members, .. } => {
                for m in members {
                    m.value.for_each_jsonata(f);
                }
            }
            Template::Array { items, .. } => {
                for i in items {
                    i.for_each_jsonata(f);
                }
            }
            Template::Jsonata(e) => f(e),
            Template::Literal(_) | Template::Dynamic(_) => {}
        }
    }
}

/// One member of a template object. For a `.$` key, `key` is the name
/// without the suffix, `dynamic` is true and `value` is a
/// [`Template::Dynamic`].
#[derive(Clone, Debug, PartialEq)]
pub struct TemplateMember<'a> {
    pub key: SpannedStr<'a>,
    pub dynamic: bool,
    pub value: Template<'a>,
}

/// A number of seconds (or items, …) given literally, through a reference
/// path (`…Path` field) or as a JSONata expression.
#[derive(Clone, Debug, PartialEq)]
pub enum Count<'a> {
    Fixed(Spanned<u64>),
    Path(JsonPath<'a>),
    Jsonata(JsonataExpr<'a>),
}

impl<'a> Count<'a> {
    pub fn fixed(&self) -> Option<u64> {
        match self {
            Count::Fixed(v) => Some(v.value),
            _ => None,
        }
    }

    pub fn span(&self) -> Span {
        match self {
            Count::Fixed(v) => v.span,
            Count::Path(p) => p.span,
            Count::Jsonata(e) => e.span,
        }
    }
}

/// A string given literally, through a path, or as a JSONata expression
/// (Fail `Error`/`Cause`).
#[derive(Clone, Debug, PartialEq)]
pub enum Text<'a> {
    Fixed(SpannedStr<'a>),
    Path(Dynamic<'a>),
    Jsonata(JsonataExpr<'a>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct TaskState<'a> {
    /// `Resource`, exactly as written.
    pub resource: SpannedStr<'a>,
    /// The parsed `Resource` URI (`None` when it did not parse). Shared with
    /// every Task naming the same text: a copy was three strings per Task,
    /// and inline it made every state 200 bytes larger.
    pub resource_uri: Option<std::sync::Arc<asl_syntax::Resource>>,
    pub credentials: Option<Template<'a>>,
    pub timeout: Option<Count<'a>>,
    pub heartbeat: Option<Count<'a>>,
    pub transition: Transition<'a>,
    pub retry: List<'a, Retrier<'a>>,
    pub catch: List<'a, Catcher<'a>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PassState<'a> {
    /// `Result`: a literal, never evaluated.
    pub result: Option<Node<'a>>,
    pub transition: Transition<'a>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WaitState<'a> {
    pub duration: WaitDuration<'a>,
    pub transition: Transition<'a>,
}

/// The four ways to say how long a Wait state waits.
#[derive(Clone, Debug, PartialEq)]
pub enum WaitDuration<'a> {
    Seconds(Count<'a>),
    SecondsPath(JsonPath<'a>),
    Timestamp(Spanned<Timestamp>),
    TimestampJsonata(JsonataExpr<'a>),
    TimestampPath(JsonPath<'a>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct SucceedState;

#[derive(Clone, Debug, PartialEq)]
pub struct FailState<'a> {
    pub error: Option<Text<'a>>,
    pub cause: Option<Text<'a>>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ParallelState<'a> {
    pub branches: List<'a, StateMachine<'a>>,
    pub transition: Transition<'a>,
    pub retry: List<'a, Retrier<'a>>,
    pub catch: List<'a, Catcher<'a>>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ProcessorMode {
    Inline,
    Distributed,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ExecutionType {
    Standard,
    Express,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ProcessorConfig {
    pub mode: Option<Spanned<ProcessorMode>>,
    pub execution_type: Option<Spanned<ExecutionType>>,
    pub span: Span,
}

/// A Map's `ItemProcessor` (or deprecated `Iterator`).
#[derive(Clone, Debug, PartialEq)]
pub struct ItemProcessor<'a> {
    /// Whether it was written with the deprecated name `Iterator`.
    pub deprecated_iterator: bool,
    pub processor_config: Option<ProcessorConfig>,
    pub machine: StateMachine<'a>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct MapState<'a> {
    pub item_processor: ItemProcessor<'a>,
    /// JSONPath `ItemsPath` (a reference path).
    pub items_path: Option<JsonPath<'a>>,
    /// JSONata `Items`.
    pub items: Option<Template<'a>>,
    /// `ItemSelector`, or the deprecated Map `Parameters`.
    pub item_selector: Option<Template<'a>>,
    pub item_reader: Option<ItemReader<'a>>,
    pub item_batcher: Option<ItemBatcher<'a>>,
    pub result_writer: Option<ResultWriter<'a>>,
    pub max_concurrency: Option<Count<'a>>,
    pub tolerated_failure_percentage: Option<Tolerance<'a>>,
    pub tolerated_failure_count: Option<Count<'a>>,
    pub label: Option<SpannedStr<'a>>,
    pub transition: Transition<'a>,
    pub retry: List<'a, Retrier<'a>>,
    pub catch: List<'a, Catcher<'a>>,
}

impl<'a> MapState<'a> {
    pub fn mode(&self) -> ProcessorMode {
        self.item_processor
            .processor_config
            .as_ref()
            .and_then(|c| c.mode.as_ref())
            .map_or(ProcessorMode::Inline, |m| m.value)
    }
}

/// `ToleratedFailurePercentage` may be fractional.
#[derive(Clone, Debug, PartialEq)]
pub enum Tolerance<'a> {
    Fixed(Spanned<f64>),
    Path(JsonPath<'a>),
    Jsonata(JsonataExpr<'a>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemReader<'a> {
    pub resource: SpannedStr<'a>,
    pub parameters: Option<Template<'a>>,
    pub arguments: Option<Template<'a>>,
    pub reader_config: Option<ReaderConfig<'a>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ReaderConfig<'a> {
    pub input_type: Option<SpannedStr<'a>>,
    pub csv_header_location: Option<SpannedStr<'a>>,
    pub csv_headers: Option<&'a [SpannedStr<'a>]>,
    pub csv_delimiter: Option<SpannedStr<'a>>,
    pub max_items: Option<Count<'a>>,
    pub transformation: Option<SpannedStr<'a>>,
    pub manifest_type: Option<SpannedStr<'a>>,
    pub items_pointer: Option<SpannedStr<'a>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ItemBatcher<'a> {
    pub max_items_per_batch: Option<Count<'a>>,
    pub max_input_bytes_per_batch: Option<Count<'a>>,
    pub batch_input: Option<Template<'a>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResultWriter<'a> {
    pub resource: Option<SpannedStr<'a>>,
    pub parameters: Option<Template<'a>>,
    pub arguments: Option<Template<'a>>,
    pub writer_config: Option<WriterConfig<'a>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct WriterConfig<'a> {
    pub output_type: Option<SpannedStr<'a>>,
    pub transformation: Option<SpannedStr<'a>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceState<'a> {
    pub choices: List<'a, ChoiceBranch<'a>>,
    pub default: Option<SpannedStr<'a>>,
}

/// One top-level entry of `Choices`: a rule and where it leads.
#[derive(Clone, Debug, PartialEq)]
pub struct ChoiceBranch<'a> {
    pub rule: ChoiceRule<'a>,
    pub next: SpannedStr<'a>,
    pub assign: Option<Template<'a>>,
    /// JSONata `Output` of the rule.
    pub output: Option<Template<'a>>,
    pub comment: Option<SpannedStr<'a>>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ChoiceRule<'a> {
    And(List<'a, ChoiceRule<'a>>, Span),
    Or(List<'a, ChoiceRule<'a>>, Span),
    Not(Box<ChoiceRule<'a>>, Span),
    Comparison(Comparison<'a>),
    /// JSONata `Condition`: a literal boolean or an expression.
    Condition(Template<'a>),
    /// A rule that could not be read (an error was reported).
    Invalid(Span),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Comparison<'a> {
    pub variable: JsonPath<'a>,
    pub operator: Spanned<ComparisonOperator>,
    pub operand: Operand<'a>,
    pub span: Span,
}

#[derive(Clone, Debug, PartialEq)]
pub enum Operand<'a> {
    /// A literal string, number, boolean or timestamp.
    Literal(Node<'a>),
    /// The `…Path` form: another path on the effective input.
    Path(JsonPath<'a>),
}

/// The data-test operators of a Choice rule, without the `Path` suffix.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ComparisonOperator {
    StringEquals,
    StringLessThan,
    StringGreaterThan,
    StringLessThanEquals,
    StringGreaterThanEquals,
    StringMatches,
    NumericEquals,
    NumericLessThan,
    NumericGreaterThan,
    NumericLessThanEquals,
    NumericGreaterThanEquals,
    BooleanEquals,
    TimestampEquals,
    TimestampLessThan,
    TimestampGreaterThan,
    TimestampLessThanEquals,
    TimestampGreaterThanEquals,
    IsNull,
    IsPresent,
    IsNumeric,
    IsString,
    IsBoolean,
    IsTimestamp,
}

impl ComparisonOperator {
    pub const ALL: [ComparisonOperator; 23] = [
        ComparisonOperator::StringEquals,
        ComparisonOperator::StringLessThan,
        ComparisonOperator::StringGreaterThan,
        ComparisonOperator::StringLessThanEquals,
        ComparisonOperator::StringGreaterThanEquals,
        ComparisonOperator::StringMatches,
        ComparisonOperator::NumericEquals,
        ComparisonOperator::NumericLessThan,
        ComparisonOperator::NumericGreaterThan,
        ComparisonOperator::NumericLessThanEquals,
        ComparisonOperator::NumericGreaterThanEquals,
        ComparisonOperator::BooleanEquals,
        ComparisonOperator::TimestampEquals,
        ComparisonOperator::TimestampLessThan,
        ComparisonOperator::TimestampGreaterThan,
        ComparisonOperator::TimestampLessThanEquals,
        ComparisonOperator::TimestampGreaterThanEquals,
        ComparisonOperator::IsNull,
        ComparisonOperator::IsPresent,
        ComparisonOperator::IsNumeric,
        ComparisonOperator::IsString,
        ComparisonOperator::IsBoolean,
        ComparisonOperator::IsTimestamp,
    ];

    pub fn name(self) -> &'static str {
        use ComparisonOperator::*;
        match self {
            StringEquals => "StringEquals",
            StringLessThan => "StringLessThan",
            StringGreaterThan => "StringGreaterThan",
            StringLessThanEquals => "StringLessThanEquals",
            StringGreaterThanEquals => "StringGreaterThanEquals",
            StringMatches => "StringMatches",
            NumericEquals => "NumericEquals",
            NumericLessThan => "NumericLessThan",
            NumericGreaterThan => "NumericGreaterThan",
            NumericLessThanEquals => "NumericLessThanEquals",
            NumericGreaterThanEquals => "NumericGreaterThanEquals",
            BooleanEquals => "BooleanEquals",
            TimestampEquals => "TimestampEquals",
            TimestampLessThan => "TimestampLessThan",
            TimestampGreaterThan => "TimestampGreaterThan",
            TimestampLessThanEquals => "TimestampLessThanEquals",
            TimestampGreaterThanEquals => "TimestampGreaterThanEquals",
            IsNull => "IsNull",
            IsPresent => "IsPresent",
            IsNumeric => "IsNumeric",
            IsString => "IsString",
            IsBoolean => "IsBoolean",
            IsTimestamp => "IsTimestamp",
        }
    }

    /// Whether a `…Path` variant exists (all but `StringMatches` and the
    /// type tests).
    pub fn has_path_form(self) -> bool {
        !matches!(
            self,
            ComparisonOperator::StringMatches
                | ComparisonOperator::IsNull
                | ComparisonOperator::IsPresent
                | ComparisonOperator::IsNumeric
                | ComparisonOperator::IsString
                | ComparisonOperator::IsBoolean
                | ComparisonOperator::IsTimestamp
        )
    }

    /// Reads an operator key, returning the operator and whether it was the
    /// `…Path` form.
    pub fn from_key(key: &str) -> Option<(ComparisonOperator, bool)> {
        if let Some(op) = Self::from_name(key) {
            return Some((op, false));
        }
        let base = key.strip_suffix("Path")?;
        Self::from_name(base)
            .filter(|op| op.has_path_form())
            .map(|op| (op, true))
    }

    /// The inverse of [`name`](Self::name). Every key of every Choice rule
    /// is looked up here; the data-test operators all start with one of four
    /// words, so the first byte settles most of the search.
    fn from_name(name: &str) -> Option<ComparisonOperator> {
        let candidates: &[ComparisonOperator] = match name.as_bytes().first()? {
            b'S' => &Self::ALL[0..6],
            b'N' => &Self::ALL[6..11],
            b'B' => &Self::ALL[11..12],
            b'T' => &Self::ALL[12..17],
            b'I' => &Self::ALL[17..23],
            _ => return None,
        };
        candidates.iter().copied().find(|op| op.name() == name)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JitterStrategy {
    Full,
    None,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Retrier<'a> {
    pub error_equals: &'a [SpannedStr<'a>],
    pub error_equals_span: Span,
    pub interval_seconds: Option<Spanned<u64>>,
    pub max_attempts: Option<Spanned<u64>>,
    pub backoff_rate: Option<Spanned<f64>>,
    pub max_delay_seconds: Option<Spanned<u64>>,
    pub jitter_strategy: Option<Spanned<JitterStrategy>>,
    pub comment: Option<SpannedStr<'a>>,
    pub span: Span,
}

impl<'a> Retrier<'a> {
    /// AWS defaults: 1 s interval, 3 attempts, backoff 2.0.
    pub fn interval(&self) -> u64 {
        self.interval_seconds.as_ref().map_or(1, |v| v.value)
    }
    pub fn attempts(&self) -> u64 {
        self.max_attempts.as_ref().map_or(3, |v| v.value)
    }
    pub fn backoff(&self) -> f64 {
        self.backoff_rate.as_ref().map_or(2.0, |v| v.value)
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Catcher<'a> {
    pub error_equals: &'a [SpannedStr<'a>],
    pub error_equals_span: Span,
    pub next: SpannedStr<'a>,
    pub result_path: Option<ResultPath<'a>>,
    pub assign: Option<Template<'a>>,
    pub output: Option<Template<'a>>,
    pub comment: Option<SpannedStr<'a>>,
    pub span: Span,
}

#[cfg(test)]
mod tests {
    use super::ComparisonOperator;

    #[test]
    fn every_operator_name_and_path_form_reads_back() {
        for op in ComparisonOperator::ALL {
            assert_eq!(ComparisonOperator::from_key(op.name()), Some((op, false)));
            let path = format!("{}Path", op.name());
            let expected = op.has_path_form().then_some((op, true));
            assert_eq!(ComparisonOperator::from_key(&path), expected);
        }
        assert_eq!(ComparisonOperator::from_key("StringEqual"), None);
        assert_eq!(ComparisonOperator::from_key("Path"), None);
        assert_eq!(ComparisonOperator::from_key(""), None);
    }
}
