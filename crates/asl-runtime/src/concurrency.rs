//! Map and Parallel: nested machines run concurrently, as tokio tasks when they have to wait.
//!
//! Iterations and branches each get a child [`StateContext`] (their own variable scope, the same
//! execution). Results come back in item (branch) order whatever order they finish in. The first
//! failure that is not tolerated cancels every other running iteration or branch (their tasks are
//! aborted, which also closes their open task tokens) and fails the state with the iteration's own
//! error name.

use std::borrow::Cow;
use std::future::Future;
use std::pin::Pin;
use std::task::{Context, Poll, Waker};

use serde_json::{Value, json};
use tokio::task::JoinSet;
use tracing::Instrument;

use crate::context::StateContext;
use crate::dataflow::{ResultPathSpec, apply_input_path};
use crate::error::{StatesError, error_output, names};
use crate::history::{EventType, StateKind};
use crate::path::Path;
use crate::retry::{FailureKind, RetryCounters};
use crate::spec::{Catcher, MapSpec, Number, ParallelSpec, Retrier};
use crate::state::{
    StateOutcome, catch_or_fail, effective_input, finish_result, located, retry_after,
};

/// The future of one Parallel branch (or any boxed nested machine).
pub type BranchFuture = Pin<Box<dyn Future<Output = Result<Value, StatesError>> + Send + 'static>>;

/// Runs an inline Map state: InputPath → ItemsPath (must be an array) → per item ItemSelector
/// (which alone sees `$$.Map.Item.Index` / `Value`) → `iteration` for every item, at most
/// `MaxConcurrency` at a time (0 or absent = all at once) → results in item order →
/// ResultSelector → ResultPath → OutputPath, Assign; Retry (re-runs every iteration) and Catch.
pub async fn run_map<F, Fut>(
    ctx: &mut StateContext,
    spec: &MapSpec,
    mut input: Value,
    iteration: F,
) -> StateOutcome
where
    F: Fn(StateContext, Value) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Value, StatesError>> + Send + 'static,
{
    let span = tracing::debug_span!("state", name = spec.name, kind = "Map");
    async move {
        ctx.enter(spec.name, StateKind::Map, &input);
        let mut counters = RetryCounters::new(spec.retry.len());
        loop {
            let attempt = map_attempt(ctx, spec, &mut input, &iteration).await;
            let result = attempt.and_then(|results| match &spec.jsonata {
                Some(io) => io.finish(ctx, &input, Some(results), None),
                None => finish_result(
                    ctx,
                    raw_input(&mut input, &spec.retry, &spec.catch),
                    results,
                    spec.result_selector.as_ref(),
                    spec.assign.as_ref(),
                    &spec.result_path,
                    spec.output_path.as_ref(),
                ),
            });
            match result {
                Ok(output) => {
                    ctx.record(EventType::MapStateSucceeded, || json!({"name": spec.name}));
                    ctx.exit(StateKind::Map, &output);
                    return StateOutcome::Next(output);
                }
                Err(err) => {
                    ctx.record(
                        EventType::MapStateFailed,
                        || json!({"name": spec.name, "error": err.error, "cause": err.cause}),
                    );
                    let failure = (err, FailureKind::Other);
                    if retry_after(ctx, &spec.retry, &mut counters, &failure).await {
                        continue;
                    }
                    let outcome = catch_or_fail(ctx, StateKind::Map, &spec.catch, input, failure);
                    return located(ctx, outcome);
                }
            }
        }
    }
    .instrument(span)
    .await
}

/// Whether the items can be moved out of the state's input instead of copied: nothing reads the
/// input after the items are taken (no ItemSelector, no retrier or catcher, ResultPath `$`
/// replaces it) and the effective input is the input itself.
fn items_movable(spec: &MapSpec) -> bool {
    spec.item_selector.is_none()
        && spec.jsonata.is_none()
        && spec.retry.is_empty()
        && spec.catch.is_empty()
        && matches!(spec.result_path, ResultPathSpec::Default)
        && spec.input_path.as_ref().is_some_and(Path::is_identity)
}

async fn map_attempt<F, Fut>(
    ctx: &mut StateContext,
    spec: &MapSpec,
    input: &mut Value,
    iteration: &F,
) -> Result<Value, StatesError>
where
    F: Fn(StateContext, Value) -> Fut + Send + Sync,
    Fut: Future<Output = Result<Value, StatesError>> + Send + 'static,
{
    // Borrowed: the items are copied (once) only when the input is still needed afterwards.
    let effective_cow = apply_input_path(input, spec.input_path.as_ref(), &ctx.env())?;
    let effective: &Value = &effective_cow;
    let items_ref = match &spec.items_path {
        // JSONata: `Items`, or else the input; either must be an array.
        _ if spec.jsonata.is_some() => Cow::Owned(crate::jsonata::map_items(
            spec.items.as_ref(),
            effective,
            &ctx.env(),
        )?),
        Some(p) if !p.is_identity() => p
            .lookup(effective, &ctx.env())
            .map_err(|miss| p.miss_error(&miss, effective, "ItemsPath"))?,
        _ => Cow::Borrowed(effective),
    };
    if !items_ref.is_array() {
        let path = spec.items_path.as_ref().map_or("$", |p| p.text());
        return Err(StatesError::runtime(format!(
            "Reference path \"{path}\" must point to array."
        )));
    }
    let limit = match &spec.max_concurrency {
        Some(n) => count(ctx, n, effective, "MaxConcurrency")?,
        None => 0,
    };
    let tolerance = Tolerance {
        count: match &spec.tolerated_failure_count {
            Some(n) => Some(count(ctx, n, effective, "ToleratedFailureCount")?),
            None => None,
        },
        percentage: match &spec.tolerated_failure_percentage {
            Some(n) => Some(percentage(ctx, n, effective)?),
            None => None,
        },
    };
    let (items, selector) = if items_movable(spec) {
        drop(items_ref);
        drop(effective_cow);
        let whole = std::mem::take(input);
        let items = match &spec.items_path {
            Some(p) if !p.is_identity() => p.select_owned(whole, &ctx.env(), "ItemsPath")?,
            _ => whole,
        };
        (items, None)
    } else {
        let items = items_ref.into_owned();
        // An ItemSelector needs `$$.Map.Item` set in the context object while it reads the
        // effective input, which therefore cannot stay borrowed from it.
        let selects = spec.item_selector.is_some() || spec.jsonata_item_selector.is_some();
        let selector = selects.then(|| effective_cow.into_owned());
        (items, selector)
    };
    let Value::Array(items) = items else {
        return Err(StatesError::runtime(
            "the items of a Map state changed while being read",
        ));
    };
    let mut inputs = Vec::with_capacity(items.len());
    for (index, item) in items.into_iter().enumerate() {
        let selected = match &selector {
            Some(effective) => {
                ctx.set_map_item(Some((index, &item)));
                let selected = match (&spec.item_selector, &spec.jsonata_item_selector) {
                    (Some(template), _) => template.evaluate(effective, &ctx.env()),
                    (None, Some(value)) => {
                        let states = crate::jsonata::StatesData {
                            input: Some(effective),
                            ..Default::default()
                        };
                        value.evaluate(states, &ctx.env())
                    }
                    (None, None) => Ok(item.clone()),
                };
                ctx.set_map_item(None);
                selected?
            }
            None => item,
        };
        inputs.push(selected);
    }
    ctx.record(
        EventType::MapStateStarted,
        || json!({"name": spec.name, "length": inputs.len()}),
    );
    let results = run_all(
        ctx,
        inputs,
        limit,
        tolerance,
        Kind::Map,
        |_, child, value| iteration(child, value),
    )
    .await?;
    Ok(Value::Array(results))
}

/// Runs a Parallel state: InputPath → Parameters → the same input to every branch, all at once
/// → results in branch order → ResultSelector → ResultPath → OutputPath, Assign; Retry
/// (re-runs every branch) and Catch. `branch(i, ctx, input)` starts branch `i` of
/// `spec.branches`.
pub async fn run_parallel<F>(
    ctx: &mut StateContext,
    spec: &ParallelSpec,
    mut input: Value,
    branch: F,
) -> StateOutcome
where
    F: Fn(usize, StateContext, Value) -> BranchFuture + Send + Sync,
{
    let span = tracing::debug_span!("state", name = spec.name, kind = "Parallel");
    async move {
        ctx.enter(spec.name, StateKind::Parallel, &input);
        let mut counters = RetryCounters::new(spec.retry.len());
        loop {
            let attempt = parallel_attempt(ctx, spec, &input, &branch).await;
            let result = attempt.and_then(|results| match &spec.jsonata {
                Some(io) => io.finish(ctx, &input, Some(results), None),
                None => finish_result(
                    ctx,
                    raw_input(&mut input, &spec.retry, &spec.catch),
                    results,
                    spec.result_selector.as_ref(),
                    spec.assign.as_ref(),
                    &spec.result_path,
                    spec.output_path.as_ref(),
                ),
            });
            match result {
                Ok(output) => {
                    ctx.record(
                        EventType::ParallelStateSucceeded,
                        || json!({"name": spec.name}),
                    );
                    ctx.exit(StateKind::Parallel, &output);
                    return StateOutcome::Next(output);
                }
                Err(err) => {
                    ctx.record(
                        EventType::ParallelStateFailed,
                        || json!({"name": spec.name, "error": err.error, "cause": err.cause}),
                    );
                    let failure = (err, FailureKind::Other);
                    if retry_after(ctx, &spec.retry, &mut counters, &failure).await {
                        continue;
                    }
                    let outcome =
                        catch_or_fail(ctx, StateKind::Parallel, &spec.catch, input, failure);
                    return located(ctx, outcome);
                }
            }
        }
    }
    .instrument(span)
    .await
}

async fn parallel_attempt<F>(
    ctx: &mut StateContext,
    spec: &ParallelSpec,
    input: &Value,
    branch: &F,
) -> Result<Value, StatesError>
where
    F: Fn(usize, StateContext, Value) -> BranchFuture + Send + Sync,
{
    let effective = effective_input(ctx, spec.input_path.as_ref(), input)?;
    let branch_input = match (&spec.parameters, &spec.arguments) {
        (_, Some(arguments)) => {
            let states = crate::jsonata::StatesData {
                input: Some(&effective),
                ..Default::default()
            };
            arguments.evaluate(states, &ctx.env())?
        }
        (Some(t), None) => t.evaluate(&effective, &ctx.env())?,
        (None, None) => effective,
    };
    ctx.record(
        EventType::ParallelStateStarted,
        || json!({"name": spec.name}),
    );
    let inputs = vec![branch_input; spec.branches];
    ctx.release_context();
    let results = run_all(ctx, inputs, 0, Tolerance::default(), Kind::Parallel, branch).await?;
    Ok(Value::Array(results))
}

/// The raw input for ResultPath: a copy while a retrier or catcher may still need the input
/// after a failing attempt, otherwise the input itself.
fn raw_input(input: &mut Value, retry: &[Retrier], catch: &[Catcher]) -> Value {
    if retry.is_empty() && catch.is_empty() {
        std::mem::take(input)
    } else {
        input.clone()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Map,
    Parallel,
}

#[derive(Debug, Clone, Copy, Default)]
struct Tolerance {
    count: Option<u64>,
    percentage: Option<f64>,
}

impl Tolerance {
    fn is_set(&self) -> bool {
        self.count.is_some() || self.percentage.is_some()
    }

    /// Whether `failed` failures out of `total` are still tolerated.
    fn tolerates(&self, failed: usize, total: usize) -> bool {
        if !self.is_set() {
            return false;
        }
        let within_count = self.count.is_none_or(|c| failed as u64 <= c);
        let within_pct = self
            .percentage
            .is_none_or(|p| total == 0 || (failed as f64) * 100.0 / (total as f64) <= p);
        // With only one threshold given the other does not apply; with both, breaching either fails.
        within_count && within_pct
    }
}

/// Runs one nested machine per input, at most `limit` at once (0 = unbounded); results in input
/// order. Failure: the first untolerated one cancels the rest.
///
/// Each nested machine is first polled once in place: one that never waits (a Map iteration made
/// of Pass states, say) finishes there without the cost of a tokio task; only one that is still
/// pending becomes a task. A finished one frees its slot at once, so at most `limit` are ever
/// unfinished, and a failure there stops the rest exactly as a failed task does.
async fn run_all<F, Fut>(
    ctx: &StateContext,
    inputs: Vec<Value>,
    limit: u64,
    tolerance: Tolerance,
    kind: Kind,
    start: F,
) -> Result<Vec<Value>, StatesError>
where
    F: Fn(usize, StateContext, Value) -> Fut,
    Fut: Future<Output = Result<Value, StatesError>> + Send + 'static,
{
    let total = inputs.len();
    let limit = if limit == 0 {
        total
    } else {
        usize::try_from(limit).unwrap_or(usize::MAX)
    }
    .max(1);
    let mut settled = Settled {
        results: vec![Value::Null; total],
        failed: 0,
        total,
        tolerance,
        kind,
    };
    let mut queue = inputs.into_iter().enumerate();
    let mut running: JoinSet<(usize, Result<Value, StatesError>)> = JoinSet::new();
    loop {
        // Fill the free slots; iterations that finish on their first poll free theirs at once.
        while running.len() < limit {
            let Some((index, input)) = queue.next() else {
                break;
            };
            if kind == Kind::Map {
                ctx.record(EventType::MapIterationStarted, || json!({"index": index}));
            }
            // Boxed once, so handing a pending one to a task moves a pointer, not the future.
            // The first poll runs inside the state's span already (this function is polled in
            // it); a task re-enters it.
            let mut future = Box::pin(start(index, ctx.child(), input));
            // A future that is pending registers the waker of the poll that left it pending; the
            // task that takes it over polls it again with its own waker, which replaces this one.
            let mut first = Context::from_waker(Waker::noop());
            match future.as_mut().poll(&mut first) {
                Poll::Ready(outcome) => {
                    if let Err(err) = settled.settle(ctx, index, outcome) {
                        running.abort_all();
                        return Err(err);
                    }
                }
                Poll::Pending => {
                    running.spawn(
                        async move { (index, future.await) }.instrument(tracing::Span::current()),
                    );
                }
            }
        }
        let Some(joined) = running.join_next().await else {
            break;
        };
        let (index, outcome) = match joined {
            Ok(pair) => pair,
            Err(join_error) => {
                running.abort_all();
                return Err(StatesError::runtime(format!(
                    "an iteration or branch ended abnormally: {join_error}"
                )));
            }
        };
        if let Err(err) = settled.settle(ctx, index, outcome) {
            running.abort_all();
            return Err(err);
        }
    }
    Ok(settled.results)
}

/// The results gathered so far by [`run_all`] and the failures counted against the tolerance.
struct Settled {
    results: Vec<Value>,
    failed: usize,
    total: usize,
    tolerance: Tolerance,
    kind: Kind,
}

impl Settled {
    /// Records one finished nested machine; an error if its failure is not tolerated (the
    /// caller then cancels the rest).
    fn settle(
        &mut self,
        ctx: &StateContext,
        index: usize,
        outcome: Result<Value, StatesError>,
    ) -> Result<(), StatesError> {
        match outcome {
            Ok(value) => {
                if self.kind == Kind::Map {
                    ctx.record(EventType::MapIterationSucceeded, || json!({"index": index}));
                }
                if let Some(slot) = self.results.get_mut(index) {
                    *slot = value;
                }
            }
            Err(err) => {
                self.failed += 1;
                if self.kind == Kind::Map {
                    ctx.record(
                        EventType::MapIterationFailed,
                        || json!({"index": index, "error": err.error, "cause": err.cause}),
                    );
                }
                if !self.tolerance.tolerates(self.failed, self.total) {
                    if self.tolerance.is_set() {
                        return Err(StatesError::new(
                            names::EXCEED_TOLERATED_FAILURE_THRESHOLD,
                            "The specified tolerated failure threshold was exceeded",
                        ));
                    }
                    return Err(err);
                }
                if let Some(slot) = self.results.get_mut(index) {
                    *slot = error_output(&err);
                }
            }
        }
        Ok(())
    }
}
/// A `MaxConcurrency` or `ToleratedFailureCount` value: a non-negative integer. `field` is the
/// literal field's name; AWS's causes name the `…Path` form for bad path values.
fn count(
    ctx: &StateContext,
    n: &Number,
    effective: &Value,
    field: &str,
) -> Result<u64, StatesError> {
    let (value, path) = match n {
        Number::Fixed(f) => (json!(f), None),
        Number::Path(p) => (
            p.select(effective, &ctx.env(), &format!("{field}Path"))?,
            Some(p),
        ),
        Number::Jsonata(v) => return crate::jsonata::integer(v, effective, &ctx.env(), field),
    };
    match value.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 => Ok(f as u64),
        Some(f) if f < 0.0 => Err(StatesError::runtime(format!("{field} cannot be negative."))),
        _ => Err(StatesError::runtime(format!(
            "The {field}Path field refers to value \"{}\" which is not a valid integer: {}",
            plain_text(&value),
            path.map_or("", |p| p.text())
        ))),
    }
}

/// A `ToleratedFailurePercentage` value: a number from 0 to 100.
fn percentage(ctx: &StateContext, n: &Number, effective: &Value) -> Result<f64, StatesError> {
    const FIELD: &str = "ToleratedFailurePercentage";
    let (value, path) = match n {
        Number::Fixed(f) => (json!(f), None),
        Number::Path(p) => (
            p.select(effective, &ctx.env(), "ToleratedFailurePercentagePath")?,
            Some(p),
        ),
        Number::Jsonata(v) => {
            let states = crate::jsonata::StatesData {
                input: Some(effective),
                ..Default::default()
            };
            (v.evaluate(states, &ctx.env())?, None)
        }
    };
    match value.as_f64() {
        Some(f) if (0.0..=100.0).contains(&f) => Ok(f),
        Some(_) => Err(StatesError::runtime(format!(
            "{FIELD} must be between 0 and 100."
        ))),
        None => Err(StatesError::runtime(format!(
            "The {FIELD}Path field refers to value \"{}\" which is not a valid number: {}",
            plain_text(&value),
            path.map_or("", |p| p.text())
        ))),
    }
}

/// A value as AWS quotes it in causes: strings bare, everything else as compact JSON.
fn plain_text(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}
