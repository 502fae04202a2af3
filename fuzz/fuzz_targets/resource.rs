//! Resource ARN parser: never panics, and every component's span covers exactly its text.
#![no_main]

use asl_syntax::resource::{Resource, parse_resource};
use asl_syntax::Spanned;
use libfuzzer_sys::fuzz_target;

fn covers(text: &str, part: &Spanned<String>) {
    assert_eq!(text.get(part.span.start..part.span.end), Some(part.value.as_str()));
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_resource(text) {
        Ok(Resource::Optimized { partition, service, api, pattern }) => {
            for part in [&partition, &service, &api] {
                covers(text, part);
            }
            assert_eq!(text.get(pattern.span.start..pattern.span.end), Some(pattern.value.suffix()));
        }
        Ok(Resource::AwsSdk { partition, service, action, pattern }) => {
            for part in [&partition, &service, &action] {
                covers(text, part);
            }
            assert_eq!(text.get(pattern.span.start..pattern.span.end), Some(pattern.value.suffix()));
        }
        Ok(Resource::LambdaFunction { partition, region, account, name, qualifier }) => {
            for part in [&partition, &region, &account, &name] {
                covers(text, part);
            }
            if let Some(q) = &qualifier {
                covers(text, q);
            }
        }
        Ok(Resource::Activity { partition, region, account, name }) => {
            for part in [&partition, &region, &account, &name] {
                covers(text, part);
            }
        }
        Ok(Resource::HttpInvoke { partition, .. }) => covers(text, &partition),
        Ok(Resource::CloudFormationPlaceholder { placeholders }) => {
            for span in placeholders {
                assert!(text.get(span.start..span.end).is_some_and(|p| p.starts_with("${")));
            }
        }
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len()),
    }
});
