//! How long `asl!` takes to expand a synthetic 1,000-state definition (goal: under 1 s).
//!
//! Run with `cargo bench -p asl-codegen`. The definition mixes Task, Pass, Choice and Wait
//! states with paths, templates and retriers, chained so every state is reachable.

use std::str::FromStr;
use std::time::{Duration, Instant};

use proc_macro2::TokenStream;

const STATES: usize = 1_000;

fn definition(states: usize) -> String {
    let mut out = String::from("{ \"StartAt\": \"S0\", \"States\": {");
    for i in 0..states {
        let next = if i + 1 == states {
            String::from("\"End\": true")
        } else {
            format!("\"Next\": \"S{}\"", i + 1)
        };
        if i > 0 {
            out.push(',');
        }
        let state = match i % 4 {
            0 => format!(
                "\"S{i}\": {{ \"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \
                 \"Parameters\": {{ \"FunctionName\": \"f{i}\", \"Payload.$\": \"$.payload\" }}, \
                 \"ResultPath\": \"$.r{i}\", \"TimeoutSeconds\": 30, \
                 \"Retry\": [{{ \"ErrorEquals\": [\"States.TaskFailed\"], \"MaxAttempts\": 2 }}], {next} }}"
            ),
            1 => format!(
                "\"S{i}\": {{ \"Type\": \"Pass\", \"Parameters\": {{ \"n\": {i}, \"id.$\": \"States.Format('x{{}}', $.id)\" }}, \
                 \"ResultPath\": \"$.p{i}\", {next} }}"
            ),
            2 if i + 1 < states => format!(
                "\"S{i}\": {{ \"Type\": \"Choice\", \"Choices\": [{{ \"Variable\": \"$.n\", \
                 \"NumericGreaterThan\": {i}, \"Next\": \"S{}\" }}], \"Default\": \"S{}\" }}",
                i + 1,
                i + 1
            ),
            _ => format!("\"S{i}\": {{ \"Type\": \"Wait\", \"Seconds\": 1, {next} }}"),
        };
        out.push_str(&state);
    }
    out.push_str("} }");
    out
}

fn main() {
    let text = format!("pub struct Big; {}", definition(STATES));
    let input = match TokenStream::from_str(&text) {
        Ok(tokens) => tokens,
        Err(e) => {
            eprintln!("synthetic definition did not lex: {e}");
            std::process::exit(1);
        }
    };
    let runs = 5;
    let mut best = Duration::MAX;
    let mut size = 0;
    for _ in 0..runs {
        let start = Instant::now();
        let output = asl_codegen::expand_in(input.clone(), None);
        let elapsed = start.elapsed();
        let text = output.to_string();
        if text.contains("compile_error") {
            eprintln!("the synthetic definition did not compile cleanly:\n{text:.2000}");
            std::process::exit(1);
        }
        size = text.len();
        best = best.min(elapsed);
    }
    println!(
        "expand {STATES}-state definition: best of {runs} = {:.1} ms ({} bytes of generated code)",
        best.as_secs_f64() * 1000.0,
        size
    );
}
