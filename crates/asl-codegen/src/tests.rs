//! Unit tests of the whole expansion, on tokens, without a compiler.

use std::str::FromStr;

use proc_macro2::TokenStream;

use crate::expand_in;

fn expand(source: &str) -> String {
    let tokens = TokenStream::from_str(source).unwrap_or_default();
    expand_in(tokens, None).to_string()
}

fn compile_errors(output: &str) -> usize {
    output.matches("compile_error").count()
}

const PUBLISH: &str = r#"
    /// Docs.
    pub struct Flow; {
        "StartAt": "Notify",
        "States": {
            "Notify": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message.$": "$.text" },
                "Next": "Ask"
            },
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                    "MessageBody": { "token.$": "$$.Task.Token" }
                },
                "HeartbeatSeconds": 30,
                "Next": "Render"
            },
            "Render": {
                "Type": "Task",
                "Resource": "arn:aws:states:::batch:submitJob.sync",
                "Parameters": { "JobName": "j", "JobQueue": "q", "JobDefinition": "d" },
                "Next": "Again"
            },
            "Again": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "again" },
                "End": true
            }
        }
    }
"#;

#[test]
fn the_integrations_trait_has_one_method_per_distinct_resource() {
    let out = expand(PUBLISH);
    assert_eq!(compile_errors(&out), 0, "{out}");
    assert!(out.contains("pub trait FlowIntegrations"));
    assert_eq!(
        out.matches("fn sns_publish").count(),
        2,
        "declared once, implemented for CatchAll once"
    );
    assert!(out.contains("fn sqs_send_message_callback"));
    assert!(out.contains("fn batch_submit_job_sync"));
}

#[test]
fn each_pattern_has_its_argument_type() {
    let out = expand(PUBLISH);
    assert!(out.contains(
        "fn sns_publish (& self , call : :: asl :: runtime :: integration :: RequestResponse)"
    ));
    assert!(out.contains("fn sqs_send_message_callback (& self , call : :: asl :: runtime :: integration :: Callback)"));
    assert!(out.contains(
        "fn batch_submit_job_sync (& self , call : :: asl :: runtime :: integration :: RunJob)"
    ));
}

#[test]
fn method_docs_name_the_resource_and_the_states_using_it() {
    let out = expand(PUBLISH);
    assert!(out.contains("Used by `Notify`, `Again`."), "{out}");
}

#[test]
fn the_catch_all_handler_implements_the_trait() {
    let out = expand(PUBLISH);
    assert!(out.contains("for :: asl :: runtime :: integration :: CatchAll < H >"));
    assert!(out.contains("self . handle_callback (call)"));
}

#[test]
fn the_state_enum_has_a_variant_per_state() {
    let out = expand(PUBLISH);
    assert!(out.contains("enum Machine0State"));
    for variant in ["Notify", "Ask", "Render", "Again"] {
        assert!(
            out.contains(&format!("Machine0State :: {variant} =>")),
            "{variant}"
        );
    }
}

#[test]
fn the_user_type_keeps_its_docs_and_visibility() {
    let out = expand(PUBLISH);
    assert!(
        out.starts_with("# [doc = \" Docs.\"] pub struct Flow ;"),
        "{out}"
    );
}

#[test]
fn every_definition_error_becomes_a_compile_error() {
    let out = expand(
        r#"struct Broken; {
            "StartAt": "Nowhere",
            "States": { "A": { "Type": "Pass", "Next": "AlsoNowhere" } }
        }"#,
    );
    assert!(compile_errors(&out) >= 2, "{out}");
    assert!(out.contains("Nowhere"));
    assert!(out.contains("AlsoNowhere"));
    // The type still exists, so later uses do not add "cannot find type" noise.
    assert!(out.contains("struct Broken ;"));
}

#[test]
fn jsonata_output_is_compiled_into_the_spec() {
    let out = expand(
        r#"struct Modern; {
            "StartAt": "A",
            "States": { "A": { "Type": "Pass", "QueryLanguage": "JSONata", "Output": "{% 1 %}", "End": true } }
        }"#,
    );
    assert_eq!(compile_errors(&out), 0, "{out}");
    assert!(out.contains("JsonataIo"), "{out}");
}

#[test]
fn jsonata_the_evaluator_cannot_run_is_a_compile_error() {
    let out = expand(
        r#"struct Broken; {
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": { "A": { "Type": "Pass", "Output": { "x": "{% $states.input.items^(price) %}" }, "End": true } }
        }"#,
    );
    assert_eq!(compile_errors(&out), 1, "{out}");
    assert!(out.contains("the sort operator"), "{out}");
}

#[test]
fn jsonata_credentials_are_an_explicit_error() {
    let out = expand(
        r#"struct Modern; {
            "QueryLanguage": "JSONata",
            "StartAt": "A",
            "States": { "A": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": { "FunctionName": "f" },
                "Credentials": { "RoleArn": "{% $states.input.role %}" },
                "End": true
            } }
        }"#,
    );
    assert!(out.contains("not supported by `asl!` yet"), "{out}");
}

#[test]
fn choice_rules_become_calls_to_the_comparison_helpers() {
    let out = expand(
        r#"struct Pick; {
            "StartAt": "C",
            "States": {
                "C": {
                    "Type": "Choice",
                    "Choices": [
                        { "Not": { "Variable": "$.n", "NumericGreaterThan": 3 }, "Next": "Low" },
                        { "Variable": "$.s", "StringEqualsPath": "$.t", "Next": "Low" }
                    ],
                    "Default": "High"
                },
                "Low": { "Type": "Succeed" },
                "High": { "Type": "Succeed" }
            }
        }"#,
    );
    assert_eq!(compile_errors(&out), 0, "{out}");
    assert!(out.contains("choice :: numeric_greater_than"));
    assert!(out.contains("choice :: string_equals_path"));
    assert!(out.contains("ChoiceTaken :: Default"));
}

#[test]
fn map_and_parallel_bodies_are_nested_machines() {
    let out = expand(
        r#"struct Nest; {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemProcessor": { "StartAt": "I", "States": { "I": { "Type": "Pass", "End": true } } },
                    "Next": "P"
                },
                "P": {
                    "Type": "Parallel",
                    "Branches": [
                        { "StartAt": "B1", "States": { "B1": { "Type": "Pass", "End": true } } },
                        { "StartAt": "B2", "States": { "B2": { "Type": "Pass", "End": true } } }
                    ],
                    "End": true
                }
            }
        }"#,
    );
    assert_eq!(compile_errors(&out), 0, "{out}");
    for machine in ["run_machine_1", "run_machine_2", "run_machine_3"] {
        assert!(out.contains(&format!("async fn {machine}")), "{machine}");
    }
    assert!(out.contains("run_map"));
    assert!(out.contains("run_parallel"));
}

#[test]
fn file_input_reruns_on_change_without_an_absolute_path() {
    let dir = std::env::temp_dir().join(format!("asl-codegen-test-{}", std::process::id()));
    let _ = std::fs::create_dir_all(dir.join("flows"));
    let written = std::fs::write(
        dir.join("flows/one.asl.json"),
        r#"{ "StartAt": "A", "States": { "A": { "Type": "Succeed" } } }"#,
    );
    assert!(written.is_ok());
    let tokens = TokenStream::from_str(r#"struct One, "flows/one.asl.json""#).unwrap_or_default();
    let out = expand_in(tokens, Some(&dir)).to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(compile_errors(&out), 0, "{out}");
    assert!(out.contains("include_bytes"));
    assert!(out.contains("env ! (\"CARGO_MANIFEST_DIR\")"));
    assert!(!out.contains(&dir.display().to_string()));
}

#[test]
fn file_input_errors_quote_file_line_and_column() {
    let dir = std::env::temp_dir().join(format!("asl-codegen-test-err-{}", std::process::id()));
    let _ = std::fs::create_dir_all(&dir);
    let written = std::fs::write(
        dir.join("bad.asl.yaml"),
        "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: B\n",
    );
    assert!(written.is_ok());
    let tokens = TokenStream::from_str(r#"struct Bad, "bad.asl.yaml""#).unwrap_or_default();
    let out = expand_in(tokens, Some(&dir)).to_string();
    let _ = std::fs::remove_dir_all(&dir);
    assert!(out.contains("bad.asl.yaml:5:11"), "{out}");
}

#[test]
fn a_missing_file_is_reported_on_the_path() {
    let tokens = TokenStream::from_str(r#"struct Gone, "nope.asl.json""#).unwrap_or_default();
    let out = expand_in(tokens, Some(std::path::Path::new("/nonexistent-dir"))).to_string();
    assert!(
        out.contains("cannot read the definition `nope.asl.json`"),
        "{out}"
    );
}

#[test]
fn an_unknown_file_extension_is_reported() {
    let dir = std::env::temp_dir();
    let tokens = TokenStream::from_str(r#"struct Odd, "flow.txt""#).unwrap_or_default();
    let out = expand_in(tokens, Some(&dir)).to_string();
    assert!(out.contains("compile_error"), "{out}");
}

#[test]
fn malformed_inputs_never_panic() {
    let inputs = [
        "",
        "struct",
        "struct X;",
        "struct X; []",
        "struct X; { \"StartAt\": }",
        "struct X; { \"a\" : - }",
        "struct X; { 1u8: 0x10 }",
        "struct X; { \"StartAt\": \"A\", \"States\": { \"A\": ( ) } }",
        "struct X, 1",
        "#[doc] pub(in crate) struct X; { \"StartAt\": \"A\", \"States\": {} }",
        "struct X; { \"States\": { \"A\": { \"Type\": \"Map\", \"Iterator\": {} , \"End\": true } }, \"StartAt\": \"A\" }",
    ];
    for input in inputs {
        let out = expand(input);
        assert!(out.contains("compile_error"), "{input} → {out}");
    }
}

#[test]
fn item_readers_are_explicit_errors() {
    let out = expand(
        r#"struct Big; {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemReader": {
                        "Resource": "arn:aws:states:::s3:getObject",
                        "ReaderConfig": { "InputType": "JSON" },
                        "Parameters": { "Bucket": "b", "Key": "k" }
                    },
                    "ItemProcessor": {
                        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "STANDARD" },
                        "StartAt": "I",
                        "States": { "I": { "Type": "Pass", "End": true } }
                    },
                    "End": true
                }
            }
        }"#,
    );
    assert!(
        out.contains("`ItemReader` is not supported by `asl!` yet"),
        "{out}"
    );
}

#[test]
fn credentials_are_compiled_into_the_task_spec() {
    let out = expand(
        r#"struct Cross; {
            "StartAt": "T",
            "States": {
                "T": {
                    "Type": "Task",
                    "Resource": "arn:aws:lambda:us-east-1:123456789012:function:f",
                    "Credentials": { "RoleArn.$": "$.role" },
                    "End": true
                }
            }
        }"#,
    );
    assert_eq!(compile_errors(&out), 0, "{out}");
    assert!(out.contains("credentials :"), "{out}");
}

#[test]
fn express_setting_applies_the_express_rules() {
    let definition = r#"{
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": { "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": { "t.$": "$$.Task.Token" } },
                "HeartbeatSeconds": 30,
                "End": true
            }
        }
    }"#;
    let standard = expand(&format!("struct Slow; {definition}"));
    let express = expand(&format!("#[asl(express)] struct Slow; {definition}"));
    assert_eq!(compile_errors(&standard), 0, "{standard}");
    assert!(compile_errors(&express) >= 1, "{express}");
}

#[test]
fn a_distributed_map_over_the_state_input_is_compiled() {
    let out = expand(
        r#"struct Fan; {
            "StartAt": "M",
            "States": {
                "M": {
                    "Type": "Map",
                    "ItemProcessor": {
                        "ProcessorConfig": { "Mode": "DISTRIBUTED", "ExecutionType": "EXPRESS" },
                        "StartAt": "I",
                        "States": { "I": { "Type": "Pass", "End": true } }
                    },
                    "ToleratedFailurePercentage": 10,
                    "End": true
                }
            }
        }"#,
    );
    assert_eq!(compile_errors(&out), 0, "{out}");
    assert!(out.contains("run_map"));
}

/// Mutated definitions (characters dropped, duplicated or swapped) expand without panicking.
#[test]
fn mutated_definitions_never_panic() {
    let base = PUBLISH.as_bytes();
    // A small deterministic generator: the test must not depend on a random seed.
    let mut state: u64 = 0x9e37_79b9_7f4a_7c15;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        usize::try_from(state % (bound.max(1) as u64)).unwrap_or(0)
    };
    let mut expanded = 0;
    for _ in 0..400 {
        let mut bytes = base.to_vec();
        for _ in 0..3 {
            let at = next(bytes.len());
            match next(3) {
                0 => {
                    bytes.remove(at);
                }
                1 => {
                    let b = bytes[at];
                    bytes.insert(at, b);
                }
                _ => {
                    let other = next(bytes.len());
                    bytes.swap(at, other);
                }
            }
        }
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        let Ok(tokens) = TokenStream::from_str(&text) else {
            continue;
        };
        let _ = expand_in(tokens, None);
        expanded += 1;
    }
    assert!(expanded > 100, "only {expanded} mutants lexed");
}
