//! Task `Resource` rules checked against the integration catalog:
//! unknown optimized integrations, pattern suffixes an API does not support,
//! `.sync` on AWS SDK integrations, Express-workflow restrictions, and
//! CloudFormation `${…}` placeholders when the caller forbids them.
//!
//! The rules read the spanned tree (not the typed model) so that they can
//! point at keys as well as values, and so that they also work on a
//! definition whose other parts failed to build.

use asl_syntax::resource::{IntegrationPattern, Resource};

use super::memo;
use crate::catalog::integrations::{
    ITEM_READER_RESOURCES, Integration, RESULT_WRITER_RESOURCES, SDK_EXCLUDED_ACTIONS,
    is_optimized_service, lookup_integration, optimized_services, service_apis,
};
use crate::diagnostic::{Diagnostic, codes, did_you_mean};
use crate::model::List;
use crate::source::Span;
use crate::tree::{Arena, Member, Node};

/// What the resource rules need to know about the caller's situation.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ResourceOptions {
    /// The machine is an Express workflow.
    pub express: bool,
    /// Report CloudFormation `${…}` placeholders instead of accepting them.
    pub forbid_cfn_placeholders: bool,
}

/// One Task state found in the tree.
pub struct TaskSite<'a> {
    /// The state's name as a member of its `States` object.
    pub state: &'a Member<'a>,
    /// The `Resource` member, when present.
    pub resource: Option<&'a Member<'a>>,
    /// Whether the Task runs in an Express context: the machine is Express,
    /// or the Task is inside a Distributed Map whose child executions are
    /// `EXPRESS`.
    pub express: bool,
    /// Why `express` is set when it comes from a Distributed Map: the span
    /// of its `ExecutionType` value.
    pub express_from_map: Option<Span>,
}

/// One state found in the tree, with the Express context it runs in.
pub struct StateSite<'a> {
    /// The state's name as a member of its `States` object.
    pub state: &'a Member<'a>,
    /// Whether the state runs in an Express context (see [`TaskSite`]).
    pub express: bool,
    pub express_from_map: Option<Span>,
}

/// Calls `visit` for every state of the definition, at any depth (Parallel
/// branches, Map `ItemProcessor` / `Iterator`). Iterative, so deep
/// definitions cannot overflow the stack.
pub fn for_each_state<'a>(root: &'a Node, express: bool, mut visit: impl FnMut(&StateSite<'a>)) {
    walk_states(root, express, |site, _| visit(site));
}

/// [`for_each_state`], also passing each state's `Type` (looked up once).
fn walk_states<'a>(
    root: &'a Node,
    express: bool,
    mut visit: impl FnMut(&StateSite<'a>, Option<&'a str>),
) {
    // (scope node holding `States`, express, map ExecutionType span); the
    // stack is only allocated when states nest scopes.
    let mut scopes: Vec<(&Node, bool, Option<Span>)> = Vec::new();
    let mut next = Some((root, express, None));
    while let Some((scope, express, from_map)) = next.take().or_else(|| scopes.pop()) {
        let Some(states) = scope.get("States").and_then(Node::as_object) else {
            continue;
        };
        for state in states {
            let node = &state.value;
            let kind = node.get("Type").and_then(Node::as_str);
            visit(
                &StateSite {
                    state,
                    express,
                    express_from_map: from_map,
                },
                kind,
            );
            match kind {
                Some("Parallel") => {
                    for branch in node.get("Branches").and_then(Node::as_array).unwrap_or(&[]) {
                        scopes.push((branch, express, from_map));
                    }
                }
                Some("Map") => {
                    let processor = node.get("ItemProcessor").or_else(|| node.get("Iterator"));
                    if let Some(processor) = processor {
                        let execution_type = processor
                            .get("ProcessorConfig")
                            .and_then(|c| c.get("ExecutionType"));
                        let child_express =
                            execution_type.and_then(Node::as_str) == Some("EXPRESS");
                        let (express, from_map) = if child_express && !express {
                            (true, execution_type.map(|n| n.span))
                        } else {
                            (express, from_map)
                        };
                        scopes.push((processor, express, from_map));
                    }
                }
                _ => {}
            }
        }
    }
}

/// Calls `visit` for every Task state of the definition, at any depth.
pub fn for_each_task<'a>(root: &'a Node, express: bool, mut visit: impl FnMut(&TaskSite<'a>)) {
    walk_states(root, express, |site, kind| {
        let node = &site.state.value;
        if kind == Some("Task") {
            visit(&TaskSite {
                state: site.state,
                resource: node.member("Resource"),
                express: site.express,
                express_from_map: site.express_from_map,
            });
        }
    });
}

/// The `ItemReader` and `ResultWriter` of every Map state, with the
/// resources each may name.
pub fn for_each_map_io<'a>(root: &'a Node, mut visit: impl FnMut(MapIo<'a>)) {
    walk_states(root, false, |site, kind| {
        if kind == Some("Map") {
            map_io_of(&site.state.value).for_each(&mut visit);
        }
    });
}

/// A Distributed Map's `ItemReader` or `ResultWriter` member.
pub struct MapIo<'a> {
    pub field: &'a Member<'a>,
    /// `service:api` names allowed as its `Resource`.
    pub allowed: &'static [&'static str],
}

/// The Task states and the Map `ItemReader`/`ResultWriter` members of a
/// definition, found in one walk (the resource and the request rules both
/// read them), in the order [`for_each_task`] and [`for_each_map_io`] visit
/// them.
///
/// The lists live in `arena` (the definition's, or a scratch one).
pub(crate) struct Sites<'a> {
    pub tasks: List<'a, TaskSite<'a>>,
    pub map_io: List<'a, MapIo<'a>>,
}

impl<'a> Sites<'a> {
    pub(crate) fn collect(root: &'a Node, express: bool, arena: &'a Arena) -> Sites<'a> {
        let mut tasks = List::new_in(arena.bump());
        let mut map_io = List::new_in(arena.bump());
        walk_states(root, express, |site, kind| {
            let node = &site.state.value;
            match kind {
                Some("Task") => tasks.push(TaskSite {
                    state: site.state,
                    resource: node.member("Resource"),
                    express: site.express,
                    express_from_map: site.express_from_map,
                }),
                Some("Map") => map_io.extend(map_io_of(node)),
                _ => {}
            }
        });
        Sites { tasks, map_io }
    }
}

/// The `ItemReader` and `ResultWriter` of a Map state node.
fn map_io_of<'a>(node: &'a Node) -> impl Iterator<Item = MapIo<'a>> {
    let reader = node.member("ItemReader").map(|field| MapIo {
        field,
        allowed: ITEM_READER_RESOURCES,
    });
    let writer = node.member("ResultWriter").map(|field| MapIo {
        field,
        allowed: RESULT_WRITER_RESOURCES,
    });
    reader.into_iter().chain(writer)
}

/// Runs the resource rules over every Task of the definition.
pub fn check_tree(root: &Node, src: &str, options: ResourceOptions, out: &mut Vec<Diagnostic>) {
    let arena = Arena::new();
    check_sites(
        &Sites::collect(root, options.express, &arena),
        src,
        options,
        out,
    );
}

/// [`check_tree`] over sites collected with `options.express`.
pub(crate) fn check_sites(
    sites: &Sites<'_>,
    src: &str,
    options: ResourceOptions,
    out: &mut Vec<Diagnostic>,
) {
    let mut lookups = Lookups::default();
    for task in &sites.tasks {
        if let Some(resource) = task.resource {
            check_resource_in(src, &resource.value, task, options, &mut lookups, out);
        }
    }
    for io in &sites.map_io {
        check_map_io_resource(src, io, options, out);
    }
}

/// An `ItemReader` / `ResultWriter` `Resource` must name one of the S3 APIs
/// the Distributed Map supports there.
fn check_map_io_resource(
    src: &str,
    io: &MapIo<'_>,
    options: ResourceOptions,
    out: &mut Vec<Diagnostic>,
) {
    let Some(node) = io.field.value.get("Resource") else {
        return;
    };
    let Some(text) = node.as_str() else {
        return;
    };
    let inner = |span: asl_syntax::Span| node.inner_span(src, Span::new(span.start, span.end));
    match memo::resource(text).as_deref() {
        Ok(Resource::Optimized {
            service,
            api,
            pattern,
            ..
        }) => {
            let name = format!("{}:{}", service.value, api.value);
            if !io.allowed.contains(&name.as_str()) {
                let mut d = Diagnostic::error(
                    codes::UNKNOWN_INTEGRATION,
                    format!("`{name}` cannot be used in `{}`", io.field.key),
                    inner(service.span).join(inner(api.span)),
                )
                .with_label(format!("not a `{}` resource", io.field.key))
                .with_note(format!(
                    "`{}` supports {}",
                    io.field.key,
                    io.allowed
                        .iter()
                        .map(|a| format!("`arn:aws:states:::{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ));
                if let Some(close) = did_you_mean(&name, io.allowed.iter().copied()) {
                    d = d.with_help(format!("did you mean `{close}`?"));
                }
                out.push(d);
            } else if pattern.value != IntegrationPattern::RequestResponse {
                out.push(
                    Diagnostic::error(
                        codes::UNSUPPORTED_PATTERN,
                        format!(
                            "`{}` resources take no `{}` suffix",
                            io.field.key,
                            pattern.value.suffix()
                        ),
                        inner(pattern.span),
                    )
                    .with_label("unsupported integration pattern")
                    .with_help("remove the suffix"),
                );
            }
        }
        Ok(Resource::CloudFormationPlaceholder { placeholders })
            if options.forbid_cfn_placeholders =>
        {
            for placeholder in placeholders {
                let span = inner(*placeholder);
                out.push(
                    Diagnostic::error(
                        codes::CFN_PLACEHOLDER,
                        format!(
                            "CloudFormation placeholder `{}` in `{}`",
                            span.slice(src).unwrap_or("${…}"),
                            io.field.key
                        ),
                        span,
                    )
                    .with_label("substituted only at deploy time"),
                );
            }
        }
        Ok(Resource::CloudFormationPlaceholder { .. }) => {}
        Ok(_) => out.push(
            Diagnostic::error(
                codes::UNKNOWN_INTEGRATION,
                format!(
                    "`{}` needs an `arn:aws:states:::s3:…` resource",
                    io.field.key
                ),
                node.span,
            )
            .with_label("not an S3 integration")
            .with_note(format!(
                "`{}` supports {}",
                io.field.key,
                io.allowed
                    .iter()
                    .map(|a| format!("`arn:aws:states:::{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            )),
        ),
        // Malformed ARNs are reported by the structural rules.
        Err(_) => {}
    }
}

/// Checks one `Resource` value. Non-string values and resources that do not
/// parse are left to the structural rules.
pub fn check_resource(
    src: &str,
    node: &Node,
    task: &TaskSite<'_>,
    options: ResourceOptions,
    out: &mut Vec<Diagnostic>,
) {
    check_resource_in(src, node, task, options, &mut Lookups::default(), out);
}

/// The catalog entries found for the `Resource` texts met so far: a
/// definition names a few resources many times, and the catalog is searched
/// linearly. A fixed array, so that it costs no allocation.
#[derive(Default)]
struct Lookups<'t> {
    found: [(&'t str, Option<&'static Integration>); LOOKUPS_KEPT],
    len: usize,
}

/// Distinct texts remembered; beyond them the catalog is searched directly.
const LOOKUPS_KEPT: usize = 8;

impl<'t> Lookups<'t> {
    fn integration(
        &mut self,
        text: &'t str,
        service: &str,
        api: &str,
    ) -> Option<&'static Integration> {
        let kept = self.found.get(..self.len).unwrap_or_default();
        if let Some((_, found)) = kept.iter().find(|(t, _)| *t == text) {
            return *found;
        }
        let found = lookup_integration(service, api);
        if let Some(slot) = self.found.get_mut(self.len) {
            *slot = (text, found);
            self.len += 1;
        }
        found
    }
}

fn check_resource_in<'t>(
    src: &str,
    node: &'t Node,
    task: &TaskSite<'_>,
    options: ResourceOptions,
    lookups: &mut Lookups<'t>,
    out: &mut Vec<Diagnostic>,
) {
    let Some(text) = node.as_str() else {
        return;
    };
    let parsed = memo::resource(text);
    let Ok(resource) = parsed.as_deref() else {
        return;
    };
    let inner = |span: asl_syntax::Span| node.inner_span(src, Span::new(span.start, span.end));
    match resource {
        Resource::Optimized {
            service,
            api,
            pattern,
            ..
        } => {
            // Mapped into the source only when a finding needs it.
            let pattern_span = || inner(pattern.span);
            match lookups.integration(text, &service.value, &api.value) {
                None => out.push(unknown_integration(
                    &service.value,
                    &api.value,
                    inner(service.span),
                    inner(api.span),
                )),
                Some(integration) if !integration.supports(pattern.value) => {
                    let name = format!("{}:{}", integration.service, integration.api);
                    let mut d = Diagnostic::error(
                        codes::UNSUPPORTED_PATTERN,
                        format!("`{name}` does not support `{}`", pattern.value.suffix()),
                        pattern_span(),
                    )
                    .with_label("unsupported integration pattern")
                    .with_note(format!(
                        "`{name}` supports {}",
                        integration.describe_patterns()
                    ));
                    d = match pattern.value {
                        IntegrationPattern::Callback
                            if integration.supports(IntegrationPattern::RunJob) =>
                        {
                            d.with_help("use `.sync` to wait for the job, or remove the suffix")
                        }
                        IntegrationPattern::RunJob | IntegrationPattern::RunJobV2
                            if integration.supports(IntegrationPattern::Callback) =>
                        {
                            d.with_help(
                                "use `.waitForTaskToken` and pass `$$.Task.Token` to have the task wait, or remove the suffix",
                            )
                        }
                        _ => d.with_help("remove the suffix"),
                    };
                    out.push(d);
                }
                Some(_) => express_pattern(task, pattern.value, pattern_span, out),
            }
        }
        Resource::AwsSdk {
            service,
            action,
            pattern,
            ..
        } => {
            // Mapped into the source only when a finding needs it.
            let pattern_span = || inner(pattern.span);
            let qualified = format!("{}:{}", service.value, action.value);
            if SDK_EXCLUDED_ACTIONS.contains(&qualified.as_str()) {
                out.push(
                    Diagnostic::error(
                        codes::UNKNOWN_INTEGRATION,
                        format!("`aws-sdk:{qualified}` cannot be called from Step Functions"),
                        inner(action.span),
                    )
                    .with_label("excluded AWS SDK action")
                    .with_note(
                        "Step Functions excludes a few streaming and deprecated SDK actions from the AWS SDK integration",
                    ),
                );
            }
            match pattern.value {
                IntegrationPattern::RunJob | IntegrationPattern::RunJobV2 => {
                    let mut d = Diagnostic::error(
                        codes::SDK_SYNC,
                        format!(
                            "AWS SDK integrations do not support `{}`",
                            pattern.value.suffix()
                        ),
                        pattern_span(),
                    )
                    .with_label("not available for `aws-sdk:` resources")
                    .with_note(
                        "AWS SDK integrations support request-response and `.waitForTaskToken` only",
                    );
                    if let Some(optimized) = lookup_integration(&service.value, &action.value)
                        .filter(|i| i.supports(pattern.value))
                    {
                        d = d.with_help(format!(
                            "the optimized integration waits for the job: `arn:aws:states:::{}:{}{}`",
                            optimized.service,
                            optimized.api,
                            pattern.value.suffix()
                        ));
                    } else {
                        d = d.with_help("remove the suffix, or use `.waitForTaskToken`");
                    }
                    out.push(d);
                }
                other => express_pattern(task, other, pattern_span, out),
            }
        }
        Resource::HttpInvoke { pattern, .. } => {
            if pattern.value != IntegrationPattern::RequestResponse {
                out.push(
                    Diagnostic::error(
                        codes::UNSUPPORTED_PATTERN,
                        format!(
                            "`http:invoke` does not support `{}`",
                            pattern.value.suffix()
                        ),
                        inner(pattern.span),
                    )
                    .with_label("unsupported integration pattern")
                    .with_note("HTTP tasks are request-response only")
                    .with_help("remove the suffix"),
                );
            }
        }
        Resource::Activity { .. } => {
            if task.express {
                out.push(
                    express_diagnostic(task, "Express workflows cannot run activities", node.span)
                        .with_label("activity")
                        .with_help("call the work through an integration such as `lambda:invoke`, or use a Standard workflow"),
                );
            }
        }
        Resource::LambdaFunction { .. } => {}
        Resource::CloudFormationPlaceholder { placeholders } => {
            if options.forbid_cfn_placeholders {
                for placeholder in placeholders {
                    let span = inner(*placeholder);
                    let text = span.slice(src).unwrap_or("${…}");
                    out.push(
                        Diagnostic::error(
                            codes::CFN_PLACEHOLDER,
                            format!("CloudFormation placeholder `{text}` in `Resource`"),
                            span,
                        )
                        .with_label("substituted only at deploy time")
                        .with_help("write the resource ARN itself, or allow placeholders"),
                    );
                }
            }
        }
    }
}

/// The Express restriction on `.sync` and `.waitForTaskToken`.
fn express_pattern(
    task: &TaskSite<'_>,
    pattern: IntegrationPattern,
    span: impl FnOnce() -> Span,
    out: &mut Vec<Diagnostic>,
) {
    if !task.express || pattern == IntegrationPattern::RequestResponse {
        return;
    }
    let span = span();
    let what = match pattern {
        IntegrationPattern::Callback => "wait for a task token",
        _ => "wait for a job to finish",
    };
    out.push(
        express_diagnostic(
            task,
            format!("Express workflows cannot {what} (`{}`)", pattern.suffix()),
            span,
        )
        .with_label("Standard workflows only")
        .with_note("Express workflows support request-response integrations only")
        .with_help("remove the suffix, or use a Standard workflow"),
    );
}

fn express_diagnostic(task: &TaskSite<'_>, message: impl Into<String>, span: Span) -> Diagnostic {
    let d = Diagnostic::error(codes::EXPRESS_UNSUPPORTED, message, span);
    match task.express_from_map {
        Some(map_span) => d.with_secondary(map_span, "child executions of this Map are Express"),
        None => d,
    }
}

/// Other names people use for services whose optimized integration is
/// named differently.
const SERVICE_ALIASES: &[(&str, &str)] = &[
    ("sfn", "states"),
    ("stepfunctions", "states"),
    ("step-functions", "states"),
    ("eventbridge", "events"),
    ("emr", "elasticmapreduce"),
    ("dynamo", "dynamodb"),
    ("api-gateway", "apigateway"),
    ("execute-api", "apigateway"),
];

fn unknown_integration(service: &str, api: &str, service_span: Span, api_span: Span) -> Diagnostic {
    let sdk_note = format!(
        "APIs without an optimized integration are called through the AWS SDK integration, e.g. `arn:aws:states:::aws-sdk:{service}:{api}`"
    );
    if is_optimized_service(service) {
        let mut d = Diagnostic::error(
            codes::UNKNOWN_INTEGRATION,
            format!("`{service}:{api}` is not an optimized integration"),
            api_span,
        )
        .with_label(format!("unknown `{service}` API"));
        let apis: Vec<&str> = service_apis(service).map(|i| i.api).collect();
        if let Some(close) = did_you_mean(api, apis.iter().copied()) {
            d = d.with_help(format!("did you mean `{service}:{close}`?"));
        } else {
            d = d.with_note(format!(
                "optimized `{service}` APIs: {}",
                apis.iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        d.with_note(sdk_note)
    } else {
        let mut d = Diagnostic::error(
            codes::UNKNOWN_INTEGRATION,
            format!("`{service}` has no optimized integration"),
            service_span,
        )
        .with_label("unknown service");
        // Another common name of the service (`sfn` for `states`) says what
        // was meant; failing that, an API of the same name elsewhere
        // (`lamda:invoke` → `lambda:invoke`); failing that, spelling.
        let alias = SERVICE_ALIASES
            .iter()
            .find(|(other, _)| other.eq_ignore_ascii_case(service))
            .map(|(_, real)| *real);
        // Several services share API names (`invoke`): then the service
        // must also look like the one written.
        let same_api: Vec<&crate::catalog::Integration> = crate::catalog::OPTIMIZED
            .iter()
            .filter(|i| i.api.eq_ignore_ascii_case(api))
            .collect();
        let same_api = match same_api.as_slice() {
            [only] => Some(*only),
            many => did_you_mean(service, many.iter().map(|i| i.service))
                .and_then(|close| many.iter().find(|i| i.service == close).copied()),
        };
        if let Some(real) = alias {
            d = d.with_help(match lookup_integration(real, api) {
                Some(_) => format!("did you mean `{real}:{api}`?"),
                None => format!("the optimized integration is named `{real}`"),
            });
        } else if let Some(integration) = same_api {
            d = d.with_help(format!(
                "did you mean `{}:{}`?",
                integration.service, integration.api
            ));
        } else if let Some(close) = did_you_mean(service, optimized_services()) {
            d = d.with_help(format!("did you mean `{close}`?"));
        }
        d.with_note(sdk_note)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_json;

    fn task_machine(resource: &str) -> String {
        format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}", "End": true}}}}}}"#
        )
    }

    fn run(src: &str, options: ResourceOptions) -> Vec<Diagnostic> {
        let root = parse_json(src, crate::tree::test_arena()).expect("valid json");
        let mut out = Vec::new();
        check_tree(&root, src, options, &mut out);
        out
    }

    fn standard(src: &str) -> Vec<Diagnostic> {
        run(src, ResourceOptions::default())
    }

    fn express(src: &str) -> Vec<Diagnostic> {
        run(
            src,
            ResourceOptions {
                express: true,
                ..ResourceOptions::default()
            },
        )
    }

    fn span_of(src: &str, needle: &str) -> Span {
        let start = src.find(needle).expect("needle present");
        Span::new(start, start + needle.len())
    }

    #[test]
    fn unknown_api_of_known_service_is_reported_at_the_api() {
        let src = task_machine("arn:aws:states:::dynamodb:query");
        let out = standard(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::UNKNOWN_INTEGRATION);
        assert_eq!(out[0].span, span_of(&src, "query"));
        assert!(
            out[0]
                .notes
                .iter()
                .any(|n| n.contains("aws-sdk:dynamodb:query"))
        );
    }

    #[test]
    fn misspelled_api_gets_a_suggestion() {
        let src = task_machine("arn:aws:states:::dynamodb:putItems");
        let out = standard(&src);
        assert_eq!(
            out[0].help.as_deref(),
            Some("did you mean `dynamodb:putItem`?")
        );
    }

    #[test]
    fn misspelled_service_is_reported_at_the_service() {
        let src = task_machine("arn:aws:states:::lamda:invoke");
        let out = standard(&src);
        assert_eq!(out[0].code, codes::UNKNOWN_INTEGRATION);
        assert_eq!(out[0].span, span_of(&src, "lamda"));
        assert_eq!(
            out[0].help.as_deref(),
            Some("did you mean `lambda:invoke`?")
        );
        let out = standard(&task_machine("arn:aws:states:::lamda:run"));
        assert_eq!(out[0].help.as_deref(), Some("did you mean `lambda`?"));
    }

    #[test]
    fn service_named_by_its_sdk_id_points_to_the_optimized_name() {
        let src = task_machine("arn:aws:states:::sfn:startExecution.sync");
        let out = standard(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].span, span_of(&src, "sfn"));
        assert_eq!(
            out[0].help.as_deref(),
            Some("did you mean `states:startExecution`?")
        );
        let out = standard(&task_machine("arn:aws:states:::eventbridge:publish"));
        assert_eq!(
            out[0].help.as_deref(),
            Some("the optimized integration is named `events`")
        );
    }

    #[test]
    fn known_integrations_pass() {
        for resource in [
            "arn:aws:states:::lambda:invoke",
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            "arn:aws:states:::batch:submitJob.sync",
            "arn:aws:states:::states:startExecution.sync:2",
            "arn:aws:states:::aws-sdk:s3:getObject",
            "arn:aws:lambda:us-east-1:123456789012:function:charge",
            "arn:aws:states:us-east-1:123456789012:activity:review",
        ] {
            assert!(standard(&task_machine(resource)).is_empty(), "{resource}");
        }
    }

    #[test]
    fn lambda_sync_is_reported_at_the_suffix() {
        let src = task_machine("arn:aws:states:::lambda:invoke.sync");
        let out = standard(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::UNSUPPORTED_PATTERN);
        assert_eq!(out[0].span, span_of(&src, ".sync"));
        assert!(out[0].notes[0].contains("`.waitForTaskToken`"));
    }

    #[test]
    fn batch_callback_is_unsupported() {
        let src = task_machine("arn:aws:states:::batch:submitJob.waitForTaskToken");
        let out = standard(&src);
        assert_eq!(out[0].code, codes::UNSUPPORTED_PATTERN);
        assert_eq!(out[0].span, span_of(&src, ".waitForTaskToken"));
        assert_eq!(
            out[0].help.as_deref(),
            Some("use `.sync` to wait for the job, or remove the suffix")
        );
    }

    #[test]
    fn sns_sync_is_unsupported() {
        let out = standard(&task_machine("arn:aws:states:::sns:publish.sync"));
        assert_eq!(out[0].code, codes::UNSUPPORTED_PATTERN);
    }

    #[test]
    fn sync_2_outside_start_execution_is_unsupported() {
        let out = standard(&task_machine("arn:aws:states:::glue:startJobRun.sync:2"));
        assert_eq!(out[0].code, codes::UNSUPPORTED_PATTERN);
    }

    #[test]
    fn sdk_sync_is_reported_with_the_optimized_alternative() {
        let src = task_machine("arn:aws:states:::aws-sdk:batch:submitJob.sync");
        let out = standard(&src);
        assert_eq!(out[0].code, codes::SDK_SYNC);
        assert_eq!(out[0].span, span_of(&src, ".sync"));
        assert_eq!(
            out[0].help.as_deref(),
            Some(
                "the optimized integration waits for the job: `arn:aws:states:::batch:submitJob.sync`"
            )
        );
    }

    #[test]
    fn sdk_callback_is_fine() {
        assert!(
            standard(&task_machine(
                "arn:aws:states:::aws-sdk:sfn:startExecution.waitForTaskToken"
            ))
            .is_empty()
        );
    }

    #[test]
    fn excluded_sdk_action_is_reported() {
        let src = task_machine("arn:aws:states:::aws-sdk:lambda:invokeAsync");
        let out = standard(&src);
        assert_eq!(out[0].code, codes::UNKNOWN_INTEGRATION);
        assert_eq!(out[0].span, span_of(&src, "invokeAsync"));
    }

    #[test]
    fn express_rejects_activities() {
        let resource = "arn:aws:states:us-east-1:123456789012:activity:review";
        let src = task_machine(resource);
        let out = express(&src);
        assert_eq!(out[0].code, codes::EXPRESS_UNSUPPORTED);
        assert_eq!(out[0].span, span_of(&src, &format!("\"{resource}\"")));
    }

    #[test]
    fn express_rejects_sync_and_callback_at_the_suffix() {
        let src = task_machine("arn:aws:states:::ecs:runTask.sync");
        let out = express(&src);
        assert_eq!(out[0].code, codes::EXPRESS_UNSUPPORTED);
        assert_eq!(out[0].span, span_of(&src, ".sync"));
        let src = task_machine("arn:aws:states:::sqs:sendMessage.waitForTaskToken");
        assert_eq!(express(&src)[0].span, span_of(&src, ".waitForTaskToken"));
    }

    #[test]
    fn express_accepts_request_response() {
        assert!(express(&task_machine("arn:aws:states:::lambda:invoke")).is_empty());
    }

    #[test]
    fn express_child_executions_of_a_distributed_map_are_restricted() {
        let src = r#"{"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
            "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS"},
              "StartAt": "T", "States": {"T": {"Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke.waitForTaskToken", "End": true}}}}}}"#;
        let out = standard(src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::EXPRESS_UNSUPPORTED);
        assert_eq!(out[0].secondary[0].0, span_of(src, "\"EXPRESS\""));
    }

    #[test]
    fn tasks_in_parallel_branches_are_checked() {
        let src = r#"{"StartAt": "P", "States": {"P": {"Type": "Parallel", "End": true,
            "Branches": [{"StartAt": "T", "States": {"T": {"Type": "Task",
                "Resource": "arn:aws:states:::sns:publish.sync", "End": true}}}]}}}"#;
        assert_eq!(standard(src)[0].code, codes::UNSUPPORTED_PATTERN);
    }

    #[test]
    fn cloudformation_placeholders_are_accepted_by_default() {
        assert!(standard(&task_machine("${ChargeFunctionArn}")).is_empty());
    }

    #[test]
    fn cloudformation_placeholders_can_be_forbidden() {
        let src = task_machine("arn:aws:states:::lambda:invoke:${Alias}");
        let out = run(
            &src,
            ResourceOptions {
                forbid_cfn_placeholders: true,
                ..ResourceOptions::default()
            },
        );
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::CFN_PLACEHOLDER);
        assert_eq!(out[0].span, span_of(&src, "${Alias}"));
    }

    #[test]
    fn yaml_spans_point_at_the_suffix() {
        let src = "StartAt: T\nStates:\n  T:\n    Type: Task\n    Resource: arn:aws:states:::lambda:invoke.sync\n    End: true\n";
        let root = crate::yaml::parse_yaml(src, crate::tree::test_arena()).expect("valid yaml");
        let mut out = Vec::new();
        check_tree(&root, src, ResourceOptions::default(), &mut out);
        assert_eq!(out[0].span, span_of(src, ".sync"));
    }

    fn map_machine(reader_resource: &str) -> String {
        format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "End": true,
                "ItemReader": {{"Resource": "{reader_resource}", "Parameters": {{"Bucket": "b", "Prefix": "p"}}}},
                "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}},
                  "StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn item_reader_accepts_s3_list_objects() {
        assert!(standard(&map_machine("arn:aws:states:::s3:listObjectsV2")).is_empty());
    }

    #[test]
    fn item_reader_rejects_other_apis() {
        let src = map_machine("arn:aws:states:::s3:listObjects");
        let out = standard(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::UNKNOWN_INTEGRATION);
        assert_eq!(out[0].span, span_of(&src, "s3:listObjects"));
        assert_eq!(
            out[0].help.as_deref(),
            Some("did you mean `s3:listObjectsV2`?")
        );
    }

    #[test]
    fn item_reader_rejects_lambda_functions() {
        let src = map_machine("arn:aws:lambda:us-east-1:123456789012:function:items");
        let out = standard(&src);
        assert_eq!(out[0].code, codes::UNKNOWN_INTEGRATION);
        assert_eq!(
            out[0].message,
            "`ItemReader` needs an `arn:aws:states:::s3:…` resource"
        );
    }
}
