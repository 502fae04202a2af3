//! Task `Resource` ARNs.

use asl_syntax::resource::{IntegrationPattern, Resource, parse_resource};
use asl_syntax::{Span, Spanned};

fn s(text: &str, start: usize, end: usize) -> Spanned<String> {
    Spanned::new(text.to_string(), Span::new(start, end))
}

#[test]
fn optimized_request_response() {
    assert_eq!(
        parse_resource("arn:aws:states:::lambda:invoke").unwrap(),
        Resource::Optimized {
            partition: s("aws", 4, 7),
            service: s("lambda", 17, 23),
            api: s("invoke", 24, 30),
            pattern: Spanned::new(IntegrationPattern::RequestResponse, Span::new(30, 30)),
        }
    );
}

#[test]
fn suffixes_select_the_pattern_and_span_the_suffix() {
    for (text, pattern, span) in [
        (
            "arn:aws:states:::batch:submitJob.sync",
            IntegrationPattern::RunJob,
            Span::new(32, 37),
        ),
        (
            "arn:aws:states:::states:startExecution.sync:2",
            IntegrationPattern::RunJobV2,
            Span::new(38, 45),
        ),
        (
            "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
            IntegrationPattern::Callback,
            Span::new(32, 49),
        ),
    ] {
        let resource = parse_resource(text).unwrap();
        let got = resource.pattern().unwrap();
        assert_eq!((got.value, got.span), (pattern, span), "{text}");
    }
}

#[test]
fn unknown_suffix_is_rejected_at_the_suffix() {
    let e = parse_resource("arn:aws:states:::sns:publish.async").unwrap_err();
    assert!(e.message.contains("`.async`"));
    assert_eq!(e.span, Span::new(28, 34));
    assert!(parse_resource("arn:aws:states:::states:startExecution.sync:3").is_err());
}

#[test]
fn aws_sdk_integrations() {
    let Resource::AwsSdk {
        service,
        action,
        pattern,
        ..
    } = parse_resource("arn:aws:states:::aws-sdk:s3:getObject.waitForTaskToken").unwrap()
    else {
        panic!()
    };
    assert_eq!(service, s("s3", 25, 27));
    assert_eq!(action, s("getObject", 28, 37));
    assert_eq!(pattern.value, IntegrationPattern::Callback);
}

#[test]
fn aws_sdk_sync_parses_so_the_model_can_reject_it_precisely() {
    let resource = parse_resource("arn:aws:states:::aws-sdk:ec2:runInstances.sync").unwrap();
    assert_eq!(
        resource.pattern().unwrap().value,
        IntegrationPattern::RunJob
    );
}

#[test]
fn http_invoke() {
    assert!(matches!(
        parse_resource("arn:aws:states:::http:invoke").unwrap(),
        Resource::HttpInvoke { pattern, .. } if pattern.value == IntegrationPattern::RequestResponse
    ));
}

#[test]
fn other_partitions_are_kept() {
    let Resource::Optimized { partition, .. } =
        parse_resource("arn:aws-cn:states:::sns:publish").unwrap()
    else {
        panic!()
    };
    assert_eq!(partition.value, "aws-cn");
}

#[test]
fn lambda_function_arns_with_and_without_qualifier() {
    assert_eq!(
        parse_resource("arn:aws:lambda:us-east-1:123456789012:function:Hello:prod").unwrap(),
        Resource::LambdaFunction {
            partition: s("aws", 4, 7),
            region: s("us-east-1", 15, 24),
            account: s("123456789012", 25, 37),
            name: s("Hello", 47, 52),
            qualifier: Some(s("prod", 53, 57)),
        }
    );
    assert!(matches!(
        parse_resource("arn:aws:lambda:us-east-1:123456789012:function:Hello").unwrap(),
        Resource::LambdaFunction {
            qualifier: None,
            ..
        }
    ));
}

#[test]
fn lambda_function_arn_cannot_wait_for_a_token() {
    let e = parse_resource("arn:aws:lambda:us-east-1:1:function:F.waitForTaskToken").unwrap_err();
    assert!(e.message.contains("lambda:invoke.waitForTaskToken"));
}

#[test]
fn activities() {
    assert_eq!(
        parse_resource("arn:aws:states:eu-west-1:123456789012:activity:Approve").unwrap(),
        Resource::Activity {
            partition: s("aws", 4, 7),
            region: s("eu-west-1", 15, 24),
            account: s("123456789012", 25, 37),
            name: s("Approve", 47, 54),
        }
    );
}

#[test]
fn cloudformation_placeholders_are_recognised() {
    assert_eq!(
        parse_resource("${LambdaArn}").unwrap(),
        Resource::CloudFormationPlaceholder {
            placeholders: vec![Span::new(0, 12)]
        }
    );
    assert_eq!(
        parse_resource("arn:${AWS::Partition}:states:::sns:publish").unwrap(),
        Resource::CloudFormationPlaceholder {
            placeholders: vec![Span::new(4, 21)]
        }
    );
}

#[test]
fn malformed_resources_are_rejected_at_the_culprit() {
    for (text, span) in [
        ("", Span::new(0, 0)),
        ("lambda:invoke", Span::new(0, 13)),
        ("arm:aws:states:::sns:publish", Span::new(0, 3)),
        ("arn::states:::sns:publish", Span::new(4, 4)),
        ("arn:aws:s3:::bucket", Span::new(8, 10)),
        ("arn:aws:states:::", Span::new(17, 17)),
        ("arn:aws:states:::sns", Span::new(20, 20)),
        ("arn:aws:states:::sns:", Span::new(21, 21)),
        ("arn:aws:states:::sns:publish:extra", Span::new(28, 34)),
        ("arn:aws:states:us-east-1::activity:A", Span::new(25, 25)),
        (
            "arn:aws:states:us-east-1:1:stateMachine:A",
            Span::new(27, 39),
        ),
        ("arn:aws:states:us-east-1:1:activity:", Span::new(36, 36)),
        ("arn:aws:lambda:::function:F", Span::new(8, 14)),
        ("arn:aws:lambda:r:1:layer:F", Span::new(19, 24)),
    ] {
        let e = parse_resource(text).unwrap_err();
        assert_eq!(e.span, span, "{text}: {}", e.message);
    }
}
