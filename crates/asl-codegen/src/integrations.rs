//! The integrations a definition needs: one per distinct Task `Resource`, with the Rust method
//! name the generated trait gives it and the pattern that decides its argument type.

use asl_model::model::{StateKind, StateMachine};
use asl_syntax::resource::{IntegrationPattern, Resource};

use crate::names::{Unique, snake};

/// How the generated trait method is called and what it returns.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    RequestResponse,
    RunJob,
    Callback,
}

/// One distinct Task resource.
#[derive(Clone, Debug)]
pub struct Integration {
    /// The `Resource` string as written.
    pub resource: String,
    /// The trait method's name.
    pub method: String,
    pub kind: Kind,
    /// The runtime's pattern (keeps `.sync:2` apart from `.sync`).
    pub pattern: IntegrationPattern,
    /// Names of the Task states that use it, in definition order.
    pub states: Vec<String>,
}

/// Every integration of the machine, nested machines included, in order of first use.
pub fn collect(machine: &StateMachine) -> Vec<Integration> {
    let mut found: Vec<Integration> = Vec::new();
    visit(machine, &mut found);
    let mut unique = Unique::default();
    for integration in &mut found {
        integration.method = unique.take(std::mem::take(&mut integration.method));
    }
    found
}

fn visit(machine: &StateMachine, found: &mut Vec<Integration>) {
    for state in &machine.states {
        match &state.kind {
            StateKind::Task(task) => {
                let resource = &task.resource.value;
                if let Some(existing) = found.iter_mut().find(|i| &i.resource == resource) {
                    existing.states.push(state.name.value.clone());
                    continue;
                }
                let (method, pattern) = describe(task.resource_uri.as_ref(), &state.name.value);
                let kind = match pattern {
                    IntegrationPattern::RequestResponse => Kind::RequestResponse,
                    IntegrationPattern::RunJob | IntegrationPattern::RunJobV2 => Kind::RunJob,
                    IntegrationPattern::Callback => Kind::Callback,
                };
                found.push(Integration {
                    resource: resource.clone(),
                    method,
                    kind,
                    pattern,
                    states: vec![state.name.value.clone()],
                });
            }
            StateKind::Parallel(parallel) => {
                for branch in &parallel.branches {
                    visit(branch, found);
                }
            }
            StateKind::Map(map) => visit(&map.item_processor.machine, found),
            _ => {}
        }
    }
}

/// A method name that says what is called (`sns_publish`, `batch_submit_job_sync`,
/// `lambda_charge_card`, `activity_approve`), and the pattern.
fn describe(resource: Option<&Resource>, state: &str) -> (String, IntegrationPattern) {
    let suffix = |p: IntegrationPattern| match p {
        IntegrationPattern::RequestResponse => "",
        IntegrationPattern::RunJob => "_sync",
        IntegrationPattern::RunJobV2 => "_sync2",
        IntegrationPattern::Callback => "_callback",
    };
    let fallback = snake(state, "task");
    match resource {
        Some(Resource::Optimized {
            service,
            api,
            pattern,
            ..
        }) => (
            format!(
                "{}{}",
                snake(&format!("{} {}", service.value, api.value), &fallback),
                suffix(pattern.value)
            ),
            pattern.value,
        ),
        Some(Resource::AwsSdk {
            service,
            action,
            pattern,
            ..
        }) => (
            format!(
                "{}{}",
                snake(&format!("{} {}", service.value, action.value), &fallback),
                suffix(pattern.value)
            ),
            pattern.value,
        ),
        Some(Resource::LambdaFunction { name, .. }) => (
            format!("lambda_{}", snake(&name.value, &fallback)),
            IntegrationPattern::RequestResponse,
        ),
        // A worker polls for activity tasks and answers their token: a callback.
        Some(Resource::Activity { name, .. }) => (
            format!("activity_{}", snake(&name.value, &fallback)),
            IntegrationPattern::Callback,
        ),
        Some(Resource::HttpInvoke { pattern, .. }) => (
            format!("http_invoke{}", suffix(pattern.value)),
            pattern.value,
        ),
        Some(Resource::CloudFormationPlaceholder { .. }) | None => {
            (fallback, IntegrationPattern::RequestResponse)
        }
    }
}
