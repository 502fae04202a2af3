//! Mocked integrations from a Step Functions Local mock configuration file.
//!
//! The file maps state machines (by name) to test cases, each test case maps Task state names to
//! named mocked responses, and each mocked response answers the state's invocations in order
//! (`"0"`, `"1-2"`, … zero-based, retries included) with `Return` (the task result, before
//! `ResultSelector`) or `Throw` (`Error`/`Cause`, matched by Retry/Catch like any task failure).
//!
//! A [`MockHandler`] is a [`TaskHandler`] for one (machine, test case). Its invocation counters
//! live in the handler, so use one handler per execution. States the test case does not list go
//! to the fallback handler (by default: a failure saying no mock exists).

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex};

use serde_json::{Map, Value};

use crate::integration::{Pattern, TaskCall, TaskFailure, TaskHandler};

/// A problem in a mock configuration, naming where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MockConfigError {
    /// Where in the file, as a dotted path (`MockedResponses.Retry.1-2`).
    pub location: String,
    pub message: String,
}

impl fmt::Display for MockConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{}: {}", self.location, self.message)
        }
    }
}

impl std::error::Error for MockConfigError {}

fn error(location: impl Into<String>, message: impl Into<String>) -> MockConfigError {
    MockConfigError {
        location: location.into(),
        message: message.into(),
    }
}

/// What one invocation of a mocked state does.
#[derive(Debug, Clone, PartialEq)]
pub enum MockAnswer {
    /// `Return`: the task's raw result.
    Return(Value),
    /// `Throw`: a task failure with this error and cause.
    Throw {
        error: Option<String>,
        cause: Option<String>,
    },
}

/// One entry of a mocked response: invocations `first..=last` give `answer`.
#[derive(Debug, Clone, PartialEq)]
struct MockRange {
    first: u64,
    last: u64,
    answer: MockAnswer,
}

/// A parsed mock configuration file.
#[derive(Debug, Clone, Default)]
pub struct MockConfig {
    /// machine → test case → state → response name.
    machines: HashMap<String, HashMap<String, HashMap<String, String>>>,
    /// response name → its ranges, sorted and consecutive from 0.
    responses: HashMap<String, Arc<Vec<MockRange>>>,
}

impl MockConfig {
    /// Parses a mock configuration from JSON text.
    pub fn from_json(text: &str) -> Result<Self, MockConfigError> {
        let value: Value = serde_json::from_str(text)
            .map_err(|e| error("", format!("the mock configuration is not valid JSON: {e}")))?;
        Self::from_value(&value)
    }

    /// Reads and parses a mock configuration file.
    pub fn load(path: impl AsRef<std::path::Path>) -> Result<Self, MockConfigError> {
        let path = path.as_ref();
        let text = std::fs::read_to_string(path)
            .map_err(|e| error(path.display().to_string(), format!("cannot read: {e}")))?;
        Self::from_json(&text).map_err(|mut e| {
            e.location = if e.location.is_empty() {
                path.display().to_string()
            } else {
                format!("{}: {}", path.display(), e.location)
            };
            e
        })
    }

    /// Builds a mock configuration from a parsed JSON value.
    pub fn from_value(value: &Value) -> Result<Self, MockConfigError> {
        let root = object(value, "")?;
        let mut config = MockConfig::default();
        if let Some(machines) = root.get("StateMachines") {
            for (machine, body) in object(machines, "StateMachines")? {
                let at = format!("StateMachines.{machine}");
                let body = object(body, &at)?;
                let mut cases = HashMap::new();
                if let Some(test_cases) = body.get("TestCases") {
                    let at = format!("{at}.TestCases");
                    for (case, states) in object(test_cases, &at)? {
                        let at = format!("{at}.{case}");
                        let mut map = HashMap::new();
                        for (state, response) in object(states, &at)? {
                            let Some(name) = response.as_str() else {
                                return Err(error(
                                    format!("{at}.{state}"),
                                    "must be the name of a mocked response (a string)",
                                ));
                            };
                            map.insert(state.clone(), name.to_owned());
                        }
                        cases.insert(case.clone(), map);
                    }
                }
                config.machines.insert(machine.clone(), cases);
            }
        }
        if let Some(responses) = root.get("MockedResponses") {
            for (name, body) in object(responses, "MockedResponses")? {
                let at = format!("MockedResponses.{name}");
                config
                    .responses
                    .insert(name.clone(), Arc::new(parse_ranges(body, &at)?));
            }
        }
        // Every response a test case names must exist.
        for (machine, cases) in &config.machines {
            for (case, states) in cases {
                for (state, response) in states {
                    if !config.responses.contains_key(response) {
                        return Err(error(
                            format!("StateMachines.{machine}.TestCases.{case}.{state}"),
                            format!(
                                "names the mocked response '{response}', which MockedResponses does not define"
                            ),
                        ));
                    }
                }
            }
        }
        Ok(config)
    }

    /// The handler for `test_case` of the state machine named `machine`; unlisted states fail.
    pub fn handler(&self, machine: &str, test_case: &str) -> Result<MockHandler, MockConfigError> {
        self.handler_with_fallback(machine, test_case, NoFallback)
    }

    /// The handler for `test_case` of `machine`; states the test case does not list are handled
    /// by `fallback` (the "hybrid" case: some states mocked, others real).
    pub fn handler_with_fallback<H: TaskHandler>(
        &self,
        machine: &str,
        test_case: &str,
        fallback: H,
    ) -> Result<MockHandler<H>, MockConfigError> {
        let cases = self.machines.get(machine).ok_or_else(|| {
            error(
                "StateMachines",
                format!("no state machine named '{machine}'"),
            )
        })?;
        let states = cases.get(test_case).ok_or_else(|| {
            error(
                format!("StateMachines.{machine}.TestCases"),
                format!("Invalid mock test case name '{test_case}'"),
            )
        })?;
        let mut mocked = HashMap::new();
        for (state, response) in states {
            if let Some(ranges) = self.responses.get(response) {
                mocked.insert(state.clone(), Arc::clone(ranges));
            }
        }
        Ok(MockHandler {
            mocked,
            invocations: Mutex::new(HashMap::new()),
            fallback,
        })
    }
}

fn object<'a>(value: &'a Value, at: &str) -> Result<&'a Map<String, Value>, MockConfigError> {
    value
        .as_object()
        .ok_or_else(|| error(at, "must be a JSON object"))
}

fn parse_ranges(body: &Value, at: &str) -> Result<Vec<MockRange>, MockConfigError> {
    let mut ranges = Vec::new();
    for (key, entry) in object(body, at)? {
        let here = format!("{at}.{key}");
        let (first, last) = parse_key(key).ok_or_else(|| {
            error(
                &here,
                "must be an invocation number (\"0\") or range (\"1-2\")",
            )
        })?;
        let entry = object(entry, &here)?;
        let answer = match (entry.get("Return"), entry.get("Throw")) {
            (Some(value), None) => MockAnswer::Return(value.clone()),
            (None, Some(throw)) => {
                let throw = object(throw, &format!("{here}.Throw"))?;
                let text = |field: &str| -> Result<Option<String>, MockConfigError> {
                    match throw.get(field) {
                        None | Some(Value::Null) => Ok(None),
                        Some(Value::String(s)) => Ok(Some(s.clone())),
                        Some(_) => Err(error(format!("{here}.Throw.{field}"), "must be a string")),
                    }
                };
                MockAnswer::Throw {
                    error: text("Error")?,
                    cause: text("Cause")?,
                }
            }
            _ => return Err(error(&here, "must hold exactly one of Return and Throw")),
        };
        ranges.push(MockRange {
            first,
            last,
            answer,
        });
    }
    ranges.sort_by_key(|r| r.first);
    let mut next = 0u64;
    for range in &ranges {
        if range.first != next {
            return Err(error(
                at,
                format!(
                    "mock responses must be consecutively numbered from 0: expected invocation {next}, found {}",
                    range.first
                ),
            ));
        }
        next = range.last.saturating_add(1);
    }
    Ok(ranges)
}

fn parse_key(key: &str) -> Option<(u64, u64)> {
    let number = |s: &str| -> Option<u64> {
        if s.is_empty() || !s.bytes().all(|b| b.is_ascii_digit()) {
            return None;
        }
        s.parse().ok()
    };
    match key.split_once('-') {
        None => number(key).map(|n| (n, n)),
        Some((a, b)) => {
            let (a, b) = (number(a)?, number(b)?);
            (a <= b).then_some((a, b))
        }
    }
}

/// The fallback of a [`MockHandler`] without one: every unlisted state fails.
#[derive(Debug, Clone, Copy, Default)]
pub struct NoFallback;

impl TaskHandler for NoFallback {
    async fn handle(&self, call: TaskCall) -> Result<Value, TaskFailure> {
        Err(TaskFailure::new(
            crate::error::names::RUNTIME,
            format!(
                "the mock test case has no mocked response for the state '{}'",
                call.state_name
            ),
        ))
    }
}

/// Answers the Task states of one mock test case (see [`MockConfig::handler`]).
#[derive(Debug)]
pub struct MockHandler<H = NoFallback> {
    mocked: HashMap<String, Arc<Vec<MockRange>>>,
    invocations: Mutex<HashMap<String, u64>>,
    fallback: H,
}

impl<H> MockHandler<H> {
    /// The answer for the next invocation of `state`, counting it; `None` if `state` is not
    /// mocked. `Some(Err)` when the invocation has no entry.
    fn next_answer(&self, state: &str) -> Option<Result<MockAnswer, TaskFailure>> {
        let ranges = self.mocked.get(state)?;
        let invocation = {
            let mut counts = match self.invocations.lock() {
                Ok(g) => g,
                Err(p) => p.into_inner(),
            };
            let count = counts.entry(state.to_owned()).or_insert(0);
            let n = *count;
            *count += 1;
            n
        };
        let answer = ranges
            .iter()
            .find(|r| (r.first..=r.last).contains(&invocation))
            .map(|r| r.answer.clone())
            .ok_or_else(|| {
                TaskFailure::new(
                    crate::error::names::RUNTIME,
                    format!(
                        "no mocked response for invocation {invocation} of the state '{state}'"
                    ),
                )
            });
        Some(answer)
    }
}

impl<H: TaskHandler> TaskHandler for MockHandler<H> {
    async fn handle(&self, call: TaskCall) -> Result<Value, TaskFailure> {
        let answer = match self.next_answer(call.state_name) {
            None => return self.fallback.handle(call).await,
            Some(answer) => answer?,
        };
        match answer {
            MockAnswer::Return(value) => {
                if call.pattern == Pattern::Callback {
                    // A mocked callback answers its own token at once.
                    if let Some(token) = &call.token {
                        let _ = call.tokens.send_task_success(token, value);
                    }
                    Ok(Value::Null)
                } else {
                    Ok(value)
                }
            }
            MockAnswer::Throw { error, cause } => Err(TaskFailure { error, cause }),
        }
    }
}
