//! Execution speed of machines compiled with `asl!`, run in-process on a current-thread tokio
//! runtime, next to a hand-written serde_json function doing the same JSON work.
//!
//! ```text
//! cargo bench --bench execution                               # the definitions in benches/definitions
//! cargo bench --bench execution -- --workload-dir DIR         # DIR/loop.json + DIR/map.json instead
//! ```
//!
//! Workloads: `count_up` (Pass with `States.MathAdd` + Choice, 5,000 rounds: 10,002 transitions)
//! and `copy_each` (inline Map over 1,000 objects, one Pass each: 1,001 transitions).
//!
//! `asl!` reads definitions at build time, so `--workload-dir` writes a small crate under the
//! target folder that compiles `DIR/loop.json` and `DIR/map.json` with `asl!` (inputs
//! `DIR/loop_input.json` and `DIR/map_input.json`, read at run time), then runs it with
//! `cargo run --release`, forwarding the other arguments. Both share `benches/support/measure.rs`.
//!
//! Without `--bench` (which `cargo bench` passes), for instance under `cargo test --benches`, it
//! only checks that each machine's output equals the hand-written function's, and exits.
//!
//! `--rounds N` and `--elements N` change the sizes of the own workloads (defaults 5,000 and
//! 1,000). Other arguments: `--budget-ms N` (time per series, default 2000), `--process-runs N`
//! (whole-process runs, default 5), `--tsv` (also print tab-separated rows), `--once NAME` (one
//! execution, then exit: for whole-process timing and for profilers such as callgrind), and
//! `--once NAME --by-hand` (the hand-written function instead) or `--once NAME --history` (with
//! history recorded).

#![forbid(unsafe_code)]

#[macro_use]
#[path = "support/measure.rs"]
mod measure;

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use measure::{Shape, Workload};
use serde_json::{Value, json};

asl::asl!(
    /// The counting loop: one Pass with `States.MathAdd` and one Choice per round.
    pub struct CountUp, "benches/definitions/count_up.asl.json"
);

asl::asl!(
    /// An inline Map copying one field of every element.
    pub struct CopyEach, "benches/definitions/copy_each.asl.json"
);

const ROUNDS: u64 = 5_000;
const ELEMENTS: u64 = 1_000;

/// Takes `--NAME N` out of `args`: the workload sizes are options of this file only.
fn take_size(args: &mut Vec<String>, name: &str, default: u64) -> Result<u64, String> {
    let Some(at) = args.iter().position(|a| a == name) else {
        return Ok(default);
    };
    let value = args
        .get(at + 1)
        .ok_or_else(|| format!("{name} needs a number"))?
        .parse()
        .map_err(|e| format!("{name}: {e}"))?;
    args.drain(at..at + 2);
    Ok(value)
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if let Some(at) = args.iter().position(|a| a == "--workload-dir") {
        let Some(dir) = args.get(at + 1) else {
            eprintln!("error: --workload-dir needs a folder");
            return ExitCode::from(2);
        };
        let rest: Vec<String> = args
            .iter()
            .enumerate()
            .filter(|(i, _)| *i != at && *i != at + 1)
            .map(|(_, a)| a.clone())
            .collect();
        return match external(Path::new(dir), &rest) {
            Ok(code) => code,
            Err(e) => {
                eprintln!("error: {e}");
                ExitCode::FAILURE
            }
        };
    }
    let mut args = args;
    let sizes = take_size(&mut args, "--rounds", ROUNDS)
        .and_then(|r| Ok((r, take_size(&mut args, "--elements", ELEMENTS)?)));
    let (rounds, elements) = match sizes {
        Ok(sizes) => sizes,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let workloads = vec![
        Workload {
            name: String::from("count_up"),
            shape: Shape::Loop {
                rounds: "rounds",
                counter: "count",
                limit: "limit",
            },
            input: json!({ "rounds": rounds }),
            machine: machine!(CountUp),
        },
        Workload {
            name: String::from("copy_each"),
            shape: Shape::Map {
                items: "elements",
                field: "id",
                copy: "value",
            },
            input: json!({
                "elements": (0..elements).map(|i| json!({ "id": i })).collect::<Vec<Value>>()
            }),
            machine: machine!(CopyEach),
        },
    ];
    measure::main(workloads, &args)
}

/// Builds and runs the scratch crate that compiles the definitions in `dir`.
fn external(dir: &Path, args: &[String]) -> Result<ExitCode, String> {
    let dir = std::fs::canonicalize(dir)
        .map_err(|e| format!("cannot open the workload folder {}: {e}", dir.display()))?;
    for file in ["loop.json", "loop_input.json", "map.json", "map_input.json"] {
        if !dir.join(file).is_file() {
            return Err(format!("{} has no {file}", dir.display()));
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let target =
        std::env::var_os("CARGO_TARGET_DIR").map_or_else(|| root.join("target"), PathBuf::from);
    let crate_dir = target.join("bench-workloads");
    std::fs::create_dir_all(crate_dir.join("src"))
        .map_err(|e| format!("cannot create {}: {e}", crate_dir.display()))?;
    write_if_changed(&crate_dir.join("Cargo.toml"), &manifest(&root)?)?;
    // `asl!` reads definitions relative to the crate's manifest folder.
    let crate_dir = std::fs::canonicalize(&crate_dir)
        .map_err(|e| format!("cannot open {}: {e}", crate_dir.display()))?;
    let definitions = relative(&crate_dir, &dir);
    write_if_changed(
        &crate_dir.join("src/main.rs"),
        &main_source(&root.join("benches/support/measure.rs"), &dir, &definitions)?,
    )?;
    // Start from the workspace's lock file, so the scratch crate builds the same versions.
    if !crate_dir.join("Cargo.lock").exists() {
        std::fs::copy(root.join("Cargo.lock"), crate_dir.join("Cargo.lock"))
            .map_err(|e| format!("cannot copy Cargo.lock: {e}"))?;
    }
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    // The workspace's target folder, so the build reuses the dependencies compiled there.
    let status = Command::new(cargo)
        .args(["run", "--quiet", "--release", "--manifest-path"])
        .arg(crate_dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&target)
        .arg("--")
        .args(args)
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    Ok(if status.success() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    })
}

/// A Rust string literal holding `path`.
fn literal(path: &Path) -> Result<String, String> {
    let text = path
        .to_str()
        .ok_or_else(|| format!("{} is not valid UTF-8", path.display()))?;
    Ok(format!("{text:?}"))
}

fn manifest(root: &Path) -> Result<String, String> {
    let asl = literal(root)?;
    Ok(format!(
        r#"# Generated by `cargo bench --bench execution -- --workload-dir`; rewritten on every run.
[package]
name = "asl-bench-workloads"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
asl = {{ path = {asl} }}
serde_json = "1"
tokio = {{ version = "1", default-features = false, features = ["rt", "time"] }}

# Its own workspace: it lives under the project's target folder.
[workspace]
"#
    ))
}

/// `to` as a path relative to `from` (both absolute).
fn relative(from: &Path, to: &Path) -> PathBuf {
    let from: Vec<_> = from.components().collect();
    let to: Vec<_> = to.components().collect();
    let common = from.iter().zip(&to).take_while(|(a, b)| a == b).count();
    let mut path = PathBuf::new();
    for _ in common..from.len() {
        path.push("..");
    }
    for part in to.iter().skip(common) {
        path.push(part);
    }
    path
}

/// `dir`: the workload folder (absolute, for inputs read at run time); `definitions`: the same
/// folder relative to the scratch crate (for `asl!`).
fn main_source(measure: &Path, dir: &Path, definitions: &Path) -> Result<String, String> {
    let measure = literal(measure)?;
    let loop_definition = literal(&definitions.join("loop.json"))?;
    let map_definition = literal(&definitions.join("map.json"))?;
    let dir = literal(dir)?;
    Ok(format!(
        r#"//! Generated by `cargo bench --bench execution -- --workload-dir`; rewritten on every run.
#![forbid(unsafe_code)]

#[macro_use]
#[path = {measure}]
mod measure;

use std::process::ExitCode;

use measure::{{Shape, Workload}};

asl::asl!(pub struct LoopWorkload, {loop_definition});
asl::asl!(pub struct MapWorkload, {map_definition});

fn main() -> ExitCode {{
    let dir = std::path::Path::new({dir});
    let inputs = measure::read_json(&dir.join("loop_input.json"))
        .and_then(|l| Ok((l, measure::read_json(&dir.join("map_input.json"))?)));
    let (loop_input, map_input) = match inputs {{
        Ok(inputs) => inputs,
        Err(e) => {{
            eprintln!("error: {{e}}");
            return ExitCode::FAILURE;
        }}
    }};
    let workloads = vec![
        Workload {{
            name: String::from("loop"),
            shape: Shape::Loop {{ rounds: "iterations", counter: "i", limit: "n" }},
            input: loop_input,
            machine: machine!(LoopWorkload),
        }},
        Workload {{
            name: String::from("map"),
            shape: Shape::Map {{ items: "items", field: "k", copy: "v" }},
            input: map_input,
            machine: machine!(MapWorkload),
        }},
    ];
    let args: Vec<String> = std::env::args().skip(1).collect();
    measure::main(workloads, &args)
}}
"#
    ))
}

fn write_if_changed(path: &Path, content: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    std::fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}
