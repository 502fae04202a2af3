//! Per-call cost of each parser on the strings a typical definition holds.
//!
//! `cargo bench -p asl-syntax --bench parsers` prints ns/call per group. For instruction counts
//! run the binary under `valgrind --tool=callgrind` with `<group> <rounds>` arguments, twice with
//! different rounds: the difference divided by the extra calls is the cost of one call without
//! the start-up.

use std::hint::black_box;
use std::time::Instant;

use asl_syntax::context::check_context_path;
use asl_syntax::intrinsic::parse_payload_value;
use asl_syntax::path::{parse_path, parse_reference_path};
use asl_syntax::resource::parse_resource;

const RESOURCES: &[&str] = &[
    "arn:aws:states:::lambda:invoke",
    "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
    "arn:aws:lambda:us-east-1:123456789012:function:process-order",
    "arn:aws:lambda:us-east-1:123456789012:function:process-order:live",
    "arn:aws:states:::dynamodb:putItem",
    "arn:aws:states:::aws-sdk:s3:getObject",
    "arn:aws:states:::states:startExecution.sync:2",
    "arn:aws:states:us-east-1:123456789012:activity:approve",
];

const PATHS: &[&str] = &[
    "$",
    "$.order",
    "$.results.s12",
    "$$.Task.Token",
    "$.Payload",
    "$.items[0].id",
    "$.detail.customer['first name']",
    "$$.Map.Item.Value",
];

const PAYLOADS: &[&str] = &[
    "$.id",
    "$$.Task.Token",
    "States.Format('item-{}', $.id)",
    "States.JsonToString($)",
    "States.Array($.a, $.b, 3)",
    "States.StringToJson($.body)",
];

const CONTEXT: &[&str] = &[
    "$$.Task.Token",
    "$$.Execution.Id",
    "$$.Map.Item.Value",
    "$$.State.Name",
    "$$.Execution.Input.order.id",
];

fn run(group: &str, rounds: usize, only: Option<usize>) -> usize {
    let pick = |inputs: &'static [&'static str]| match only {
        Some(i) => &inputs[i..=i],
        None => inputs,
    };
    let mut sink = 0usize;
    match group {
        "resource" => {
            for _ in 0..rounds {
                for text in pick(RESOURCES) {
                    sink += usize::from(parse_resource(black_box(text)).is_ok());
                }
            }
        }
        "path" => {
            for _ in 0..rounds {
                for text in pick(PATHS) {
                    sink += usize::from(parse_path(black_box(text)).is_ok());
                }
            }
        }
        "reference" => {
            for _ in 0..rounds {
                for text in pick(PATHS) {
                    sink += usize::from(parse_reference_path(black_box(text)).is_ok());
                }
            }
        }
        "payload" => {
            for _ in 0..rounds {
                for text in pick(PAYLOADS) {
                    sink += usize::from(parse_payload_value(black_box(text)).is_ok());
                }
            }
        }
        "context" => {
            // The paths are parsed once: this measures only the check.
            let parsed: Vec<_> = pick(CONTEXT)
                .iter()
                .filter_map(|t| parse_path(t).ok())
                .collect();
            for _ in 0..rounds {
                for path in &parsed {
                    sink += usize::from(check_context_path(black_box(path)).is_ok());
                }
            }
        }
        other => panic!("unknown group `{other}`"),
    }
    sink
}

fn inputs(group: &str) -> usize {
    match group {
        "resource" => RESOURCES.len(),
        "path" | "reference" => PATHS.len(),
        "payload" => PAYLOADS.len(),
        "context" => CONTEXT.len(),
        _ => 0,
    }
}

const GROUPS: [&str; 5] = ["resource", "path", "reference", "payload", "context"];

fn main() {
    // `cargo bench` passes `--bench`; a group name and a round count select one measured run.
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();
    // `<group> <rounds> [input index]` runs only that, for callgrind.
    if let [group, rounds, rest @ ..] = args.as_slice() {
        let rounds = rounds.parse().expect("rounds must be a number");
        let only = rest
            .first()
            .map(|i| i.parse().expect("the index must be a number"));
        black_box(run(group, rounds, only));
        return;
    }
    for group in GROUPS {
        black_box(run(group, 1_000, None));
        let rounds = 50_000;
        let started = Instant::now();
        black_box(run(group, rounds, None));
        let elapsed = started.elapsed();
        let calls = rounds * inputs(group);
        println!(
            "{group:<10} {:>8.1} ns/call ({calls} calls)",
            elapsed.as_nanos() as f64 / calls as f64
        );
    }
}
