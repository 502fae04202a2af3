//! Per-state specifications: the fields of each state that the runtime's drivers need, with every
//! path and template compiled once. Generated code writes these as struct literals (inside a
//! `LazyLock`), from values the model validated at build time.
//!
//! Conventions shared by all specs:
//! * `input_path` / `output_path`: `Some(path)`; `Path::parse("$")` when the field is absent
//!   (the driver skips identity paths); `None` when the definition says `null` (the value becomes
//!   `{}`).
//! * `result_path`: a [`ResultPathSpec`] (`Default` when absent or `$`, `Discard` for `null`).
//! * Templates (`parameters`, `result_selector`, `item_selector`) and `assign` are `None` when the
//!   field is absent.

use crate::dataflow::ResultPathSpec;
use crate::error::StatesError;
use crate::integration::Pattern;
use crate::jsonata::{JsonataIo, JsonataValue};
use crate::path::Path;
use crate::template::Template;
use crate::variables::Assign;

/// A number of seconds given literally (`TimeoutSeconds`) or by a reference path
/// (`TimeoutSecondsPath`, read from the effective input when the state starts).
#[derive(Debug, Clone)]
pub enum Seconds {
    /// A literal number of seconds.
    Fixed(u64),
    /// A path whose value must be a non-negative integer.
    Path(Path),
    /// A JSONata expression (evaluated with `$states.input`).
    Jsonata(JsonataValue),
}

/// AWS's default `TimeoutSeconds` and `HeartbeatSeconds` for a Task (the spec's 60 is not what AWS does).
pub const DEFAULT_TASK_TIMEOUT_SECONDS: u64 = 99_999_999;

/// `JitterStrategy` of a retrier.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Jitter {
    /// `NONE` (the default): wait exactly the computed interval.
    #[default]
    None,
    /// `FULL`: wait a uniformly random time in `[0, computed interval]`.
    Full,
}

/// One entry of a state's `Retry`.
#[derive(Debug, Clone)]
pub struct Retrier {
    /// `ErrorEquals`.
    pub error_equals: &'static [&'static str],
    /// `IntervalSeconds` (default 1).
    pub interval_seconds: u64,
    /// `MaxAttempts` (default 3; 0 = never retry).
    pub max_attempts: u64,
    /// `BackoffRate` (default 2.0).
    pub backoff_rate: f64,
    /// `MaxDelaySeconds` (default: uncapped).
    pub max_delay_seconds: Option<u64>,
    /// `JitterStrategy` (default `NONE`).
    pub jitter: Jitter,
}

impl Retrier {
    /// A retrier with AWS's defaults for everything but `ErrorEquals`.
    pub const fn new(error_equals: &'static [&'static str]) -> Self {
        Retrier {
            error_equals,
            interval_seconds: 1,
            max_attempts: 3,
            backoff_rate: 2.0,
            max_delay_seconds: None,
            jitter: Jitter::None,
        }
    }
}

/// One entry of a state's `Catch`. The generated code maps the catcher's index to its `Next`.
#[derive(Debug, Clone)]
pub struct Catcher {
    /// `ErrorEquals`.
    pub error_equals: &'static [&'static str],
    /// `ResultPath` for the error output, merged into the raw state input (`None` = `null`).
    pub result_path: ResultPathSpec,
    /// `Assign`, evaluated with `$` = the error output.
    pub assign: Option<Assign>,
    /// JSONata states: the catcher's `Output` and `Assign` (with `$states.errorOutput`).
    pub jsonata: Option<JsonataIo>,
}

/// A Task state.
#[derive(Debug, Clone)]
pub struct TaskSpec {
    /// The state's name.
    pub name: &'static str,
    /// `Resource`, as written.
    pub resource: &'static str,
    /// The integration pattern (from the resource suffix).
    pub pattern: Pattern,
    pub input_path: Option<Path>,
    /// `Parameters`: the payload sent to the resource (the effective input when absent).
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPathSpec,
    pub output_path: Option<Path>,
    pub assign: Option<Assign>,
    /// `TimeoutSeconds` / `TimeoutSecondsPath` (`Fixed(DEFAULT_TASK_TIMEOUT_SECONDS)` when absent).
    pub timeout: Seconds,
    /// `HeartbeatSeconds` / `HeartbeatSecondsPath`.
    pub heartbeat: Option<Seconds>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// `Credentials`, evaluated and passed in the context of the call (not interpreted here).
    pub credentials: Option<Template>,
    /// JSONata `Arguments` (instead of `Parameters`).
    pub arguments: Option<JsonataValue>,
    /// JSONata states: `Output` and `Assign` (their presence makes the state a JSONata state).
    pub jsonata: Option<JsonataIo>,
}

/// A Pass state.
#[derive(Debug, Clone)]
pub struct PassSpec {
    pub name: &'static str,
    pub input_path: Option<Path>,
    pub parameters: Option<Template>,
    /// `Result`: a literal, never evaluated.
    pub result: Option<serde_json::Value>,
    pub result_path: ResultPathSpec,
    pub output_path: Option<Path>,
    pub assign: Option<Assign>,
    /// JSONata states: `Output` and `Assign`.
    pub jsonata: Option<JsonataIo>,
}

/// How long a Wait state waits.
#[derive(Debug, Clone)]
pub enum WaitFor {
    /// `Seconds`.
    Seconds(u64),
    /// `SecondsPath`.
    SecondsPath(Path),
    /// `Timestamp`, as an RFC 3339 text validated at build time.
    Timestamp(&'static str),
    /// `TimestampPath`.
    TimestampPath(Path),
    /// JSONata `Seconds`.
    SecondsJsonata(JsonataValue),
    /// JSONata `Timestamp`.
    TimestampJsonata(JsonataValue),
}

/// A Wait state.
#[derive(Debug, Clone)]
pub struct WaitSpec {
    pub name: &'static str,
    pub input_path: Option<Path>,
    pub wait: WaitFor,
    pub output_path: Option<Path>,
    pub assign: Option<Assign>,
    /// JSONata states: `Output` and `Assign`.
    pub jsonata: Option<JsonataIo>,
}

/// `Error`/`ErrorPath` or `Cause`/`CausePath` of a Fail state.
#[derive(Debug, Clone)]
pub enum FailField {
    /// A literal string (`Error`, `Cause`).
    Literal(&'static str),
    /// `ErrorPath`/`CausePath`: a path or an intrinsic call, compiled as the one-entry template
    /// `{"value.$": …}` (see [`FailField::dynamic`]).
    Dynamic(Template),
    /// A JSONata expression (`Error`/`Cause` of a JSONata state).
    Jsonata(JsonataValue),
}

impl FailField {
    /// Compiles an `ErrorPath`/`CausePath` value (a path or an intrinsic function call).
    pub fn dynamic(text: &str) -> Result<FailField, StatesError> {
        let mut template = serde_json::Map::new();
        template.insert(
            FAIL_FIELD_KEY.to_owned(),
            serde_json::Value::String(text.to_owned()),
        );
        Ok(FailField::Dynamic(Template::compile(
            &serde_json::Value::Object(template),
        )?))
    }
}

/// The key of the one-entry template of [`FailField::Dynamic`].
pub(crate) const FAIL_FIELD_KEY: &str = "value.$";

/// A Fail state.
#[derive(Debug, Clone)]
pub struct FailSpec {
    pub name: &'static str,
    pub error: Option<FailField>,
    pub cause: Option<FailField>,
}

/// A Succeed state.
#[derive(Debug, Clone)]
pub struct SucceedSpec {
    pub name: &'static str,
    pub input_path: Option<Path>,
    pub output_path: Option<Path>,
    /// JSONata states: `Output`.
    pub jsonata: Option<JsonataIo>,
}

/// A Choice state: only its data flow; the rules are generated code.
#[derive(Debug, Clone)]
pub struct ChoiceSpec {
    pub name: &'static str,
    pub input_path: Option<Path>,
    pub output_path: Option<Path>,
    /// The state-level `Assign` (used when no rule matched and `Default` is taken).
    pub assign: Option<Assign>,
    /// JSONata states: the state-level `Output` and `Assign` (for `Default`).
    pub jsonata: Option<JsonataIo>,
}

/// A count or percentage given literally or by a path (`MaxConcurrency`, `ToleratedFailure*`).
#[derive(Debug, Clone)]
pub enum Number {
    /// A literal.
    Fixed(f64),
    /// A reference path read from the effective input.
    Path(Path),
    /// A JSONata expression (evaluated with `$states.input`).
    Jsonata(JsonataValue),
}

/// An inline Map state.
#[derive(Debug, Clone)]
pub struct MapSpec {
    pub name: &'static str,
    pub input_path: Option<Path>,
    /// `ItemsPath` (`$` when absent).
    pub items_path: Option<Path>,
    /// `ItemSelector` (or the deprecated `Parameters`); may read `$$.Map.Item.Index/Value`.
    pub item_selector: Option<Template>,
    /// `MaxConcurrency` / `MaxConcurrencyPath` (`None` or 0 = unbounded).
    pub max_concurrency: Option<Number>,
    /// `ToleratedFailureCount` / `…Path`.
    pub tolerated_failure_count: Option<Number>,
    /// `ToleratedFailurePercentage` / `…Path`.
    pub tolerated_failure_percentage: Option<Number>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPathSpec,
    pub output_path: Option<Path>,
    pub assign: Option<Assign>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// JSONata `Items` (absent: the input, which must be an array).
    pub items: Option<JsonataValue>,
    /// JSONata `ItemSelector` (reads `$states.context.Map.Item.Index` / `Value`).
    pub jsonata_item_selector: Option<JsonataValue>,
    /// JSONata states: `Output` and `Assign`.
    pub jsonata: Option<JsonataIo>,
}

/// A Parallel state.
#[derive(Debug, Clone)]
pub struct ParallelSpec {
    pub name: &'static str,
    /// Number of `Branches`.
    pub branches: usize,
    pub input_path: Option<Path>,
    pub parameters: Option<Template>,
    pub result_selector: Option<Template>,
    pub result_path: ResultPathSpec,
    pub output_path: Option<Path>,
    pub assign: Option<Assign>,
    pub retry: Vec<Retrier>,
    pub catch: Vec<Catcher>,
    /// JSONata `Arguments` (instead of `Parameters`).
    pub arguments: Option<JsonataValue>,
    /// JSONata states: `Output` and `Assign`.
    pub jsonata: Option<JsonataIo>,
}

/// The top level of a state machine.
#[derive(Debug, Clone)]
pub struct MachineSpec {
    /// The state machine's name (`$$.StateMachine.Name`; also the mock-config key).
    pub name: &'static str,
    /// The execution's `TimeoutSeconds` (uncatchable `States.Timeout` when exceeded).
    pub timeout_seconds: Option<u64>,
}

/// `$`, the default of every path field.
fn identity() -> Option<Path> {
    // "$" always parses; `None` (= `null`) cannot actually happen here.
    Path::parse("$").ok()
}

impl TaskSpec {
    /// A Task with AWS's defaults for every optional field (for struct-update syntax:
    /// `TaskSpec { retry: …, ..TaskSpec::new(…) }`).
    pub fn new(name: &'static str, resource: &'static str, pattern: Pattern) -> Self {
        TaskSpec {
            name,
            resource,
            pattern,
            input_path: identity(),
            parameters: None,
            result_selector: None,
            result_path: ResultPathSpec::Default,
            output_path: identity(),
            assign: None,
            timeout: Seconds::Fixed(DEFAULT_TASK_TIMEOUT_SECONDS),
            heartbeat: None,
            retry: Vec::new(),
            catch: Vec::new(),
            credentials: None,
            arguments: None,
            jsonata: None,
        }
    }
}

impl PassSpec {
    /// A Pass state with defaults for every optional field.
    pub fn new(name: &'static str) -> Self {
        PassSpec {
            name,
            input_path: identity(),
            parameters: None,
            result: None,
            result_path: ResultPathSpec::Default,
            output_path: identity(),
            assign: None,
            jsonata: None,
        }
    }
}

impl WaitSpec {
    /// A Wait state with defaults for every optional field.
    pub fn new(name: &'static str, wait: WaitFor) -> Self {
        WaitSpec {
            name,
            input_path: identity(),
            wait,
            output_path: identity(),
            assign: None,
            jsonata: None,
        }
    }
}

impl SucceedSpec {
    /// A Succeed state with defaults.
    pub fn new(name: &'static str) -> Self {
        SucceedSpec {
            name,
            input_path: identity(),
            output_path: identity(),
            jsonata: None,
        }
    }
}

impl ChoiceSpec {
    /// A Choice state with defaults.
    pub fn new(name: &'static str) -> Self {
        ChoiceSpec {
            name,
            input_path: identity(),
            output_path: identity(),
            assign: None,
            jsonata: None,
        }
    }
}

impl MapSpec {
    /// An inline Map state with defaults for every optional field.
    pub fn new(name: &'static str) -> Self {
        MapSpec {
            name,
            input_path: identity(),
            items_path: identity(),
            item_selector: None,
            max_concurrency: None,
            tolerated_failure_count: None,
            tolerated_failure_percentage: None,
            result_selector: None,
            result_path: ResultPathSpec::Default,
            output_path: identity(),
            assign: None,
            retry: Vec::new(),
            catch: Vec::new(),
            items: None,
            jsonata_item_selector: None,
            jsonata: None,
        }
    }
}

impl ParallelSpec {
    /// A Parallel state with `branches` branches and defaults for every optional field.
    pub fn new(name: &'static str, branches: usize) -> Self {
        ParallelSpec {
            name,
            branches,
            input_path: identity(),
            parameters: None,
            result_selector: None,
            result_path: ResultPathSpec::Default,
            output_path: identity(),
            assign: None,
            retry: Vec::new(),
            catch: Vec::new(),
            arguments: None,
            jsonata: None,
        }
    }
}

impl Catcher {
    /// A catcher with `ResultPath` `$` and no `Assign`.
    pub fn new(error_equals: &'static [&'static str]) -> Self {
        Catcher {
            error_equals,
            result_path: ResultPathSpec::Default,
            assign: None,
            jsonata: None,
        }
    }
}
