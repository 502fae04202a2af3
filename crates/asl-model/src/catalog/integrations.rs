//! Optimized service integrations and the patterns each API supports.
//!
//! Source: the Step Functions developer guide's optimized-integrations table
//! and the per-service pages (as summarised in the project's fact sheet),
//! cross-checked with the CDK task constructs' supported patterns. Where the
//! guide only says a service supports a pattern without naming the APIs
//! (Bedrock, EKS callback), the pattern is allowed so valid definitions are
//! never rejected on a guess.

use asl_syntax::resource::IntegrationPattern;

/// Which patterns an API supports, as bits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Patterns(u8);

impl Patterns {
    pub const REQUEST_RESPONSE: Patterns = Patterns(1);
    pub const RUN_JOB: Patterns = Patterns(2);
    pub const RUN_JOB_V2: Patterns = Patterns(4);
    pub const CALLBACK: Patterns = Patterns(8);

    const fn with(self, other: Patterns) -> Patterns {
        Patterns(self.0 | other.0)
    }

    pub const fn contains(self, pattern: IntegrationPattern) -> bool {
        let bit = match pattern {
            IntegrationPattern::RequestResponse => 1,
            IntegrationPattern::RunJob => 2,
            IntegrationPattern::RunJobV2 => 4,
            IntegrationPattern::Callback => 8,
        };
        self.0 & bit != 0
    }

    /// The supported patterns, in the order RR, `.sync`, `.sync:2`, callback.
    pub fn iter(self) -> impl Iterator<Item = IntegrationPattern> {
        [
            IntegrationPattern::RequestResponse,
            IntegrationPattern::RunJob,
            IntegrationPattern::RunJobV2,
            IntegrationPattern::Callback,
        ]
        .into_iter()
        .filter(move |p| self.contains(*p))
    }
}

const RR: Patterns = Patterns::REQUEST_RESPONSE;
const RR_SYNC: Patterns = RR.with(Patterns::RUN_JOB);
const RR_TOKEN: Patterns = RR.with(Patterns::CALLBACK);
const RR_SYNC_TOKEN: Patterns = RR_SYNC.with(Patterns::CALLBACK);
const ALL: Patterns = RR_SYNC_TOKEN.with(Patterns::RUN_JOB_V2);

/// One optimized integration: `arn:aws:states:::<service>:<api>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Integration {
    pub service: &'static str,
    pub api: &'static str,
    pub patterns: Patterns,
}

impl Integration {
    pub fn supports(&self, pattern: IntegrationPattern) -> bool {
        self.patterns.contains(pattern)
    }

    /// Human-readable list of the supported patterns, for messages:
    /// "request-response, `.sync`".
    pub fn describe_patterns(&self) -> String {
        self.patterns
            .iter()
            .map(|p| match p {
                IntegrationPattern::RequestResponse => "request-response (no suffix)".to_owned(),
                other => format!("`{}`", other.suffix()),
            })
            .collect::<Vec<_>>()
            .join(", ")
    }
}

const fn api(service: &'static str, api: &'static str, patterns: Patterns) -> Integration {
    Integration {
        service,
        api,
        patterns,
    }
}

/// Every optimized integration Step Functions recognises in a Task
/// `Resource` (Standard workflows; Express supports request-response only).
pub static OPTIMIZED: &[Integration] = &[
    api("apigateway", "invoke", RR_TOKEN),
    api("athena", "startQueryExecution", RR_SYNC),
    api("athena", "stopQueryExecution", RR),
    api("athena", "getQueryExecution", RR),
    api("athena", "getQueryResults", RR),
    // Batch has no callback: absent from AWS's table and from CDK's
    // BatchSubmitJob patterns (LocalStack's acceptance is not AWS's).
    api("batch", "submitJob", RR_SYNC),
    api("bedrock", "invokeModel", RR_TOKEN),
    api("bedrock", "createModelCustomizationJob", RR_SYNC_TOKEN),
    api("codebuild", "startBuild", RR_SYNC),
    api("codebuild", "startBuildBatch", RR_SYNC),
    api("codebuild", "retryBuildBatch", RR_SYNC),
    api("codebuild", "stopBuild", RR),
    api("codebuild", "stopBuildBatch", RR),
    api("codebuild", "batchDeleteBuilds", RR),
    api("codebuild", "batchGetReports", RR),
    api("codebuild", "deleteBuildBatch", RR),
    api("databrew", "startJobRun", RR_SYNC),
    api("dynamodb", "getItem", RR),
    api("dynamodb", "putItem", RR),
    api("dynamodb", "updateItem", RR),
    api("dynamodb", "deleteItem", RR),
    api("ecs", "runTask", RR_SYNC_TOKEN),
    api("eks", "createCluster", RR_SYNC_TOKEN),
    api("eks", "deleteCluster", RR_SYNC_TOKEN),
    api("eks", "createFargateProfile", RR_SYNC_TOKEN),
    api("eks", "deleteFargateProfile", RR_SYNC_TOKEN),
    api("eks", "createNodegroup", RR_SYNC_TOKEN),
    api("eks", "deleteNodegroup", RR_SYNC_TOKEN),
    api("eks", "runJob", RR_SYNC_TOKEN),
    api("eks", "call", RR_TOKEN),
    api("elasticmapreduce", "createCluster", RR_SYNC),
    api("elasticmapreduce", "terminateCluster", RR_SYNC),
    api("elasticmapreduce", "addStep", RR_SYNC),
    api("elasticmapreduce", "cancelStep", RR),
    api("elasticmapreduce", "setClusterTerminationProtection", RR),
    api("elasticmapreduce", "modifyInstanceFleetByName", RR),
    api("elasticmapreduce", "modifyInstanceGroupByName", RR),
    api("emr-containers", "createVirtualCluster", RR),
    api("emr-containers", "deleteVirtualCluster", RR_SYNC),
    api("emr-containers", "startJobRun", RR_SYNC),
    api("emr-serverless", "createApplication", RR_SYNC),
    api("emr-serverless", "startApplication", RR_SYNC),
    api("emr-serverless", "stopApplication", RR_SYNC),
    api("emr-serverless", "deleteApplication", RR_SYNC),
    api("emr-serverless", "startJobRun", RR_SYNC),
    api("emr-serverless", "cancelJobRun", RR_SYNC),
    api("events", "putEvents", RR_TOKEN),
    api("glue", "startJobRun", RR_SYNC),
    api("lambda", "invoke", RR_TOKEN),
    api("mediaconvert", "createJob", RR_SYNC),
    api("sagemaker", "createTrainingJob", RR_SYNC),
    api("sagemaker", "createTransformJob", RR_SYNC),
    api("sagemaker", "createLabelingJob", RR_SYNC),
    api("sagemaker", "createHyperParameterTuningJob", RR_SYNC),
    api("sagemaker", "createProcessingJob", RR_SYNC),
    api("sagemaker", "createEndpoint", RR),
    api("sagemaker", "createEndpointConfig", RR),
    api("sagemaker", "createModel", RR),
    api("sagemaker", "updateEndpoint", RR),
    api("sns", "publish", RR_TOKEN),
    api("sqs", "sendMessage", RR_TOKEN),
    api("states", "startExecution", ALL),
    api("http", "invoke", RR),
];

/// Resources a Distributed Map's `ItemReader` may name.
pub static ITEM_READER_RESOURCES: &[&str] = &["s3:getObject", "s3:listObjectsV2"];

/// Resources a Distributed Map's `ResultWriter` may name.
pub static RESULT_WRITER_RESOURCES: &[&str] = &["s3:putObject"];

/// AWS SDK actions Step Functions refuses even though the SDK has them
/// (streaming or deprecated APIs), as `service:action`.
pub static SDK_EXCLUDED_ACTIONS: &[&str] = &[
    "lambda:invokeAsync",
    "s3:selectObjectContent",
    "s3control:selectObjectContent",
    "kinesis:subscribeToShard",
    "lexruntimev2:startConversation",
];

/// The optimized integration `service:api`, if Step Functions has one.
/// Names are case-sensitive, as in AWS.
pub fn lookup_integration(service: &str, api: &str) -> Option<&'static Integration> {
    OPTIMIZED
        .iter()
        .find(|i| i.service == service && i.api == api)
}

/// Whether `service` has at least one optimized integration.
pub fn is_optimized_service(service: &str) -> bool {
    OPTIMIZED.iter().any(|i| i.service == service)
}

/// The distinct service names, in table order.
pub fn optimized_services() -> impl Iterator<Item = &'static str> {
    let mut seen: Vec<&'static str> = Vec::new();
    OPTIMIZED.iter().filter_map(move |i| {
        if seen.contains(&i.service) {
            None
        } else {
            seen.push(i.service);
            Some(i.service)
        }
    })
}

/// The optimized APIs of one service.
pub fn service_apis(service: &str) -> impl Iterator<Item = &'static Integration> + '_ {
    OPTIMIZED.iter().filter(move |i| i.service == service)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lambda_invoke_has_callback_but_no_sync() {
        let lambda = lookup_integration("lambda", "invoke").expect("known");
        assert!(lambda.supports(IntegrationPattern::Callback));
        assert!(!lambda.supports(IntegrationPattern::RunJob));
    }

    #[test]
    fn batch_submit_job_has_sync_but_no_callback() {
        let batch = lookup_integration("batch", "submitJob").expect("known");
        assert!(batch.supports(IntegrationPattern::RunJob));
        assert!(!batch.supports(IntegrationPattern::Callback));
    }

    #[test]
    fn only_start_execution_has_sync_2() {
        let with_v2: Vec<_> = OPTIMIZED
            .iter()
            .filter(|i| i.supports(IntegrationPattern::RunJobV2))
            .map(|i| (i.service, i.api))
            .collect();
        assert_eq!(with_v2, [("states", "startExecution")]);
    }

    #[test]
    fn every_api_supports_request_response() {
        assert!(
            OPTIMIZED
                .iter()
                .all(|i| i.supports(IntegrationPattern::RequestResponse))
        );
    }

    #[test]
    fn table_has_no_duplicates() {
        for (n, a) in OPTIMIZED.iter().enumerate() {
            assert!(
                OPTIMIZED
                    .iter()
                    .skip(n + 1)
                    .all(|b| (a.service, a.api) != (b.service, b.api)),
                "{}:{} listed twice",
                a.service,
                a.api
            );
        }
    }

    #[test]
    fn dynamodb_query_is_not_optimized() {
        assert!(lookup_integration("dynamodb", "query").is_none());
        assert!(is_optimized_service("dynamodb"));
    }

    #[test]
    fn lookups_are_case_sensitive() {
        assert!(lookup_integration("lambda", "Invoke").is_none());
    }

    #[test]
    fn describe_patterns_lists_suffixes() {
        let ecs = lookup_integration("ecs", "runTask").expect("known");
        assert_eq!(
            ecs.describe_patterns(),
            "request-response (no suffix), `.sync`, `.waitForTaskToken`"
        );
    }
}
