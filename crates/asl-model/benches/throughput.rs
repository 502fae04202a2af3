//! Parse + check throughput of `asl_model::analyze` (reader, typed model,
//! every rule). A plain `harness = false` bench timed with `std::time` and the
//! thread's CPU time, so no benchmark framework has to be built; CPU time is
//! the figure to trust on a shared, loaded machine.
//!
//! Run:
//!   cargo bench -p asl-model --bench throughput                 # synthetic 1,000-state machine
//!   cargo bench -p asl-model --bench throughput -- DIR [DIR…]   # plus every .json/.yaml/.yml below DIR
//!
//!   ASL_BENCH_FOLDERS_ONLY=1 cargo bench -p asl-model --bench throughput -- DIR   # folders only
//!
//!   cargo bench -p asl-model --bench throughput --features bench-mimalloc   # under asl-lint's allocator
//!
//! Each measurement repeats its work until at least one second has passed and
//! reports the mean time per definition and definitions per second. For scale,
//! the synthetic machine is also read by `serde_json` into a `Value`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use asl_model::{Options, SourceFormat};

// asl-lint runs the checks on mimalloc; this feature measures them there.
#[cfg(feature = "bench-mimalloc")]
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Reads one definition and runs every rule (`asl_model::analyze`); returns
/// the number of diagnostics so the work cannot be optimised away.
fn parse_and_check(text: &str, format: SourceFormat, options: &Options) -> usize {
    match MODE.with(std::cell::Cell::get) {
        // Reference point only: serde_json's DOM, no spans, no checks.
        Mode::SerdeReference => {
            usize::from(serde_json::from_str::<serde_json::Value>(text).is_err())
        }
        Mode::ParseOnly => {
            let arena = asl_model::Arena::new();
            let tree = match format {
                SourceFormat::Json => asl_model::parse_json(text, &arena),
                SourceFormat::Yaml => asl_model::parse_yaml(text, &arena),
            };
            usize::from(tree.is_err())
        }
        Mode::Analyze => {
            let arena = asl_model::Arena::new();
            asl_model::analyze(text, &arena, format, options)
                .diagnostics
                .len()
        }
    }
}

#[derive(Clone, Copy)]
enum Mode {
    SerdeReference,
    ParseOnly,
    Analyze,
}

thread_local! {
    static MODE: std::cell::Cell<Mode> = const { std::cell::Cell::new(Mode::Analyze) };
}

/// A Standard machine with `states` states: Tasks with Retry/Catch and
/// `Parameters`, Choices and Passes, chained, ending in a Succeed.
fn synthetic(states: usize) -> String {
    let mut s = String::from(
        "{\n  \"Comment\": \"synthetic benchmark machine\",\n  \"StartAt\": \"S0\",\n  \"States\": {\n",
    );
    for i in 0..states {
        let next = format!("S{}", i + 1);
        let last = i + 1 == states;
        let body = if last {
            "\"Type\": \"Succeed\"".to_owned()
        } else {
            match i % 4 {
                0 => format!(
                    "\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::lambda:invoke\", \
                     \"Parameters\": {{\"FunctionName\": \"fn-{i}\", \"Payload\": {{\"order.$\": \"$.order\", \"step\": {i}}}}}, \
                     \"ResultSelector\": {{\"body.$\": \"$.Payload\"}}, \"ResultPath\": \"$.results.s{i}\", \
                     \"TimeoutSeconds\": 30, \"Retry\": [{{\"ErrorEquals\": [\"Lambda.ServiceException\"], \"IntervalSeconds\": 2, \"MaxAttempts\": 3, \"BackoffRate\": 2.0}}], \
                     \"Catch\": [{{\"ErrorEquals\": [\"States.ALL\"], \"ResultPath\": \"$.error\", \"Next\": \"{next}\"}}], \"Next\": \"{next}\""
                ),
                1 => format!(
                    "\"Type\": \"Choice\", \"Choices\": [{{\"Variable\": \"$.count\", \"NumericGreaterThan\": {i}, \"Next\": \"{next}\"}}, \
                     {{\"And\": [{{\"Variable\": \"$.name\", \"StringEquals\": \"x{i}\"}}, {{\"Variable\": \"$.flag\", \"BooleanEquals\": true}}], \"Next\": \"{next}\"}}], \
                     \"Default\": \"{next}\""
                ),
                2 => format!(
                    "\"Type\": \"Task\", \"Resource\": \"arn:aws:states:::sqs:sendMessage.waitForTaskToken\", \
                     \"Parameters\": {{\"QueueUrl\": \"https://sqs.example/q{i}\", \"MessageBody\": {{\"token.$\": \"$$.Task.Token\", \"input.$\": \"States.JsonToString($)\"}}}}, \
                     \"HeartbeatSeconds\": 60, \"TimeoutSeconds\": 600, \"Next\": \"{next}\""
                ),
                _ => format!(
                    "\"Type\": \"Pass\", \"Parameters\": {{\"id.$\": \"States.Format('item-{{}}', $.id)\", \"n\": {i}}}, \"ResultPath\": \"$.pass{i}\", \"Next\": \"{next}\""
                ),
            }
        };
        let _ = writeln!(s, "    \"S{i}\": {{{body}}}{}", if last { "" } else { "," });
    }
    s.push_str("  }\n}\n");
    s
}

/// CPU time this thread has run, from `/proc/thread-self/schedstat` (Linux).
/// Wall time is misleading on a shared, loaded machine; CPU time is not.
fn thread_cpu_time() -> Option<Duration> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    let nanos: u64 = text.split_whitespace().next()?.parse().ok()?;
    Some(Duration::from_nanos(nanos))
}

/// Block-style YAML for a tree (how Workflow Studio and SAM write it), to
/// measure the YAML reader on the same machine.
fn to_yaml(node: &asl_model::Node, indent: usize, out: &mut String) {
    use asl_model::NodeValue;
    let pad = " ".repeat(indent);
    let scalar = |n: &asl_model::Node| match &n.value {
        NodeValue::Object([]) => Some("{}".to_owned()),
        NodeValue::Array([]) => Some("[]".to_owned()),
        NodeValue::Object(_) | NodeValue::Array(_) => None,
        _ => Some(n.to_json_value().to_string()),
    };
    match &node.value {
        NodeValue::Object(members) => {
            for m in members.iter() {
                let key = serde_json::Value::String(m.key.to_string()).to_string();
                match scalar(&m.value) {
                    Some(text) => {
                        let _ = writeln!(out, "{pad}{key}: {text}");
                    }
                    None => {
                        let _ = writeln!(out, "{pad}{key}:");
                        to_yaml(&m.value, indent + 2, out);
                    }
                }
            }
        }
        NodeValue::Array(items) => {
            for item in items.iter() {
                match scalar(item) {
                    Some(text) => {
                        let _ = writeln!(out, "{pad}- {text}");
                    }
                    None => {
                        let _ = writeln!(out, "{pad}-");
                        to_yaml(item, indent + 2, out);
                    }
                }
            }
        }
        _ => {
            let _ = writeln!(out, "{pad}{}", scalar(node).unwrap_or_default());
        }
    }
}

struct Measurement {
    /// CPU time per definition when available, else wall time.
    cpu_per_definition: Option<Duration>,
    per_definition: Duration,
    definitions_per_second: f64,
    megabytes_per_second: f64,
}

fn measure(inputs: &[(String, SourceFormat)], options: &Options) -> Measurement {
    let bytes: usize = inputs.iter().map(|(t, _)| t.len()).sum();
    // Warm up (compiles the request schemas once, fills caches).
    let mut sink = 0usize;
    for (text, format) in inputs {
        sink += parse_and_check(text, *format, options);
    }
    let start = Instant::now();
    let cpu_start = thread_cpu_time();
    let mut rounds = 0u32;
    while start.elapsed() < Duration::from_secs(1) {
        for (text, format) in inputs {
            sink += parse_and_check(std::hint::black_box(text), *format, options);
        }
        rounds += 1;
    }
    let elapsed = start.elapsed();
    let cpu = cpu_start.and_then(|s| Some(thread_cpu_time()?.saturating_sub(s)));
    std::hint::black_box(sink);
    let definitions = f64::from(rounds) * inputs.len() as f64;
    Measurement {
        cpu_per_definition: cpu.map(|c| c.div_f64(definitions.max(1.0))),
        per_definition: elapsed.div_f64(definitions.max(1.0)),
        definitions_per_second: definitions / elapsed.as_secs_f64(),
        megabytes_per_second: f64::from(rounds) * bytes as f64 / elapsed.as_secs_f64() / 1e6,
    }
}

fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else if path.to_str().and_then(SourceFormat::from_path).is_some() {
            out.push(path);
        }
    }
}

fn report(label: &str, m: &Measurement) {
    let cpu = m.cpu_per_definition.map_or_else(
        || "n/a".to_owned(),
        |c| {
            format!(
                "{:.1} µs cpu ({:.0}/s)",
                c.as_secs_f64() * 1e6,
                1.0 / c.as_secs_f64().max(1e-12)
            )
        },
    );
    println!(
        "{label:<48} wall {:>9.1} µs/definition {:>9.0} definitions/s {:>7.1} MB/s | {cpu}",
        m.per_definition.as_secs_f64() * 1e6,
        m.definitions_per_second,
        m.megabytes_per_second
    );
}

fn main() {
    let options = Options::default();
    let allocator = if cfg!(feature = "bench-mimalloc") {
        "mimalloc"
    } else {
        "the system allocator"
    };
    println!("allocator: {allocator}");
    // `cargo bench` passes `--bench`; everything else is a folder.
    let folders: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with("--"))
        .collect();

    // `ASL_BENCH_FOLDERS_ONLY=1` skips the synthetic machine (for profiling).
    if std::env::var_os("ASL_BENCH_FOLDERS_ONLY").is_none() {
        let machine = synthetic(1000);
        let label = format!("synthetic 1,000 states ({} KB)", machine.len() / 1024);
        let inputs = [(machine, SourceFormat::Json)];
        MODE.with(|m| m.set(Mode::SerdeReference));
        report(
            &format!("{label}: serde_json::Value (for scale)"),
            &measure(&inputs, &options),
        );
        MODE.with(|m| m.set(Mode::ParseOnly));
        report(&format!("{label}: parse only"), &measure(&inputs, &options));
        MODE.with(|m| m.set(Mode::Analyze));
        report(
            &format!("{label}: parse + all rules"),
            &measure(&inputs, &options),
        );

        // The same machine in block YAML.
        let mut yaml = String::new();
        let arena = asl_model::Arena::new();
        if let Ok(tree) = asl_model::parse_json(&inputs[0].0, &arena) {
            to_yaml(&tree, 0, &mut yaml);
        }
        let label = format!("synthetic 1,000 states as YAML ({} KB)", yaml.len() / 1024);
        let inputs = [(yaml, SourceFormat::Yaml)];
        MODE.with(|m| m.set(Mode::ParseOnly));
        report(&format!("{label}: parse only"), &measure(&inputs, &options));
        MODE.with(|m| m.set(Mode::Analyze));
        report(
            &format!("{label}: parse + all rules"),
            &measure(&inputs, &options),
        );
    }

    for folder in folders {
        let mut paths = Vec::new();
        collect(Path::new(&folder), &mut paths);
        paths.sort();
        let inputs: Vec<(String, SourceFormat)> = paths
            .iter()
            .filter_map(|p| {
                let text = std::fs::read_to_string(p).ok()?;
                let format = p.to_str().and_then(SourceFormat::from_path)?;
                Some((text, format))
            })
            .collect();
        if inputs.is_empty() {
            println!("{folder}: no .json/.yaml/.yml files");
            continue;
        }
        let m = measure(&inputs, &options);
        report(&format!("{folder} ({} files)", inputs.len()), &m);
    }
}
