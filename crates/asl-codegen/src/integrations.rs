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
                    existing.states.push(state.name.value.to_string());
                    continue;
                }
                let (method, pattern) =
                    describe(task.resource_uri.as_deref(), resource, state.name.value);
                let kind = match pattern {
                    IntegrationPattern::RequestResponse => Kind::RequestResponse,
                    IntegrationPattern::RunJob | IntegrationPattern::RunJobV2 => Kind::RunJob,
                    IntegrationPattern::Callback => Kind::Callback,
                };
                found.push(Integration {
                    resource: resource.to_string(),
                    method,
                    kind,
                    pattern,
                    states: vec![state.name.value.to_string()],
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
fn describe(resource: Option<&Resource>, text: &str, state: &str) -> (String, IntegrationPattern) {
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
        // Known only at deploy time: name the method after the state, take the pattern from
        // the suffix as written.
        Some(Resource::CloudFormationPlaceholder { .. }) | None => (fallback, suffix_of(text)),
    }
}

fn suffix_of(text: &str) -> IntegrationPattern {
    if text.ends_with(".waitForTaskToken") {
        IntegrationPattern::Callback
    } else if text.ends_with(".sync:2") {
        IntegrationPattern::RunJobV2
    } else if text.ends_with(".sync") {
        IntegrationPattern::RunJob
    } else {
        IntegrationPattern::RequestResponse
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use asl_model::SourceFormat;

    fn methods(states: &str) -> Vec<(String, Kind)> {
        let text = format!(r#"{{ "StartAt": "A", "States": {{ {states} }} }}"#);
        let arena = asl_model::Arena::new();
        let analysis = asl_model::analyze(
            &text,
            &arena,
            SourceFormat::Json,
            &asl_model::Options::default(),
        );
        let Some(machine) = analysis.machine else {
            panic!("definition did not build: {:?}", analysis.diagnostics)
        };
        collect(&machine)
            .into_iter()
            .map(|i| (i.method, i.kind))
            .collect()
    }

    #[test]
    fn lambda_function_arns_are_named_after_the_function() {
        let found = methods(
            r#""A": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:ChargeCard:live", "End": true }"#,
        );
        assert_eq!(
            found,
            vec![("lambda_charge_card".to_owned(), Kind::RequestResponse)]
        );
    }

    #[test]
    fn activities_are_callbacks_named_after_the_activity() {
        let found = methods(
            r#""A": { "Type": "Task", "Resource": "arn:aws:states:us-east-1:123456789012:activity:approve-order", "TimeoutSeconds": 60, "End": true }"#,
        );
        assert_eq!(
            found,
            vec![("activity_approve_order".to_owned(), Kind::Callback)]
        );
    }

    #[test]
    fn sdk_integrations_are_named_after_service_and_action() {
        let found = methods(
            r#""A": { "Type": "Task", "Resource": "arn:aws:states:::aws-sdk:s3:getObject", "Parameters": { "Bucket": "b", "Key": "k" }, "End": true }"#,
        );
        assert_eq!(
            found,
            vec![("s3_get_object".to_owned(), Kind::RequestResponse)]
        );
    }

    #[test]
    fn run_a_job_variants_get_distinct_methods() {
        let found = methods(
            r#""A": { "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync", "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x" }, "Next": "B" },
               "B": { "Type": "Task", "Resource": "arn:aws:states:::states:startExecution.sync:2", "Parameters": { "StateMachineArn": "arn:aws:states:us-east-1:123456789012:stateMachine:x" }, "End": true }"#,
        );
        assert_eq!(
            found,
            vec![
                ("states_start_execution_sync".to_owned(), Kind::RunJob),
                ("states_start_execution_sync2".to_owned(), Kind::RunJob),
            ]
        );
    }

    #[test]
    fn tasks_inside_map_and_parallel_are_collected() {
        let found = methods(
            r#""A": { "Type": "Map", "ItemProcessor": { "StartAt": "I", "States": {
                   "I": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "m" }, "End": true } } }, "End": true }"#,
        );
        assert_eq!(
            found,
            vec![("sns_publish".to_owned(), Kind::RequestResponse)]
        );
    }

    #[test]
    fn a_clash_between_two_resources_is_numbered() {
        let found = methods(
            r#""A": { "Type": "Task", "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f", "Next": "B" },
               "B": { "Type": "Task", "Resource": "arn:aws:lambda:us-west-2:123456789012:function:f", "End": true }"#,
        );
        assert_eq!(
            found,
            vec![
                ("lambda_f".to_owned(), Kind::RequestResponse),
                ("lambda_f_2".to_owned(), Kind::RequestResponse),
            ]
        );
    }
}
