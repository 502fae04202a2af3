//! Timing shared by `benches/execution.rs` and the scratch crate it generates for definitions
//! read from another folder (`--workload-dir`): the workloads, the hand-written serde_json
//! equivalents they are compared with, the sampling and the report.
//!
//! A plain timing loop rather than a statistics framework, to keep the build small.

use std::future::Future;
use std::hint::black_box;
use std::path::Path;
use std::pin::Pin;
use std::process::{Command, ExitCode};
use std::time::{Duration, Instant};

use asl::runtime::execution::{ExecutionResult, Runtime};
use serde_json::{Map, Value};

/// One execution of a generated machine, on the runtime given.
pub type Machine = Box<dyn Fn(Runtime, Value) -> Pin<Box<dyn Future<Output = ExecutionResult>>>>;

/// Wraps a generated machine's `run` for [`Workload::machine`]; the machine uses no integrations.
/// (`#[macro_use] mod measure;` brings it into scope.)
macro_rules! machine {
    ($ty:ty) => {
        ::std::boxed::Box::new(|runtime: ::asl::runtime::execution::Runtime, input| {
            ::std::boxed::Box::pin(async move {
                <$ty>::run(&runtime, ::std::sync::Arc::new(()), input).await
            })
        })
    };
}

/// The field names a workload's definition uses, so one hand-written function serves both the
/// project's definitions and external ones of the same shape.
#[derive(Clone, Copy, Debug)]
pub enum Shape {
    /// Pass `{counter: 0, limit: <input.rounds>}`, then Pass `counter + 1` and Choice
    /// `counter < limit` until it is false, then Succeed: `2 × rounds + 2` transitions.
    Loop {
        rounds: &'static str,
        counter: &'static str,
        limit: &'static str,
    },
    /// Inline Map over `input.<items>`; every item runs one Pass `{copy: item.<field>}`:
    /// `items + 1` transitions.
    Map {
        items: &'static str,
        field: &'static str,
        copy: &'static str,
    },
}

impl Shape {
    /// State transitions of one execution on `input`, as Step Functions counts them.
    pub fn transitions(self, input: &Value) -> Option<u64> {
        match self {
            Shape::Loop { rounds, .. } => Some(2 * input.get(rounds)?.as_u64()? + 2),
            Shape::Map { items, .. } => Some(input.get(items)?.as_array()?.len() as u64 + 1),
        }
    }

    /// The same JSON work as the machine, written by hand with serde_json: builds every
    /// intermediate object the machine builds, adds and compares. `None` on input of another shape.
    pub fn by_hand(self, input: &Value) -> Option<Value> {
        match self {
            Shape::Loop {
                rounds,
                counter,
                limit,
            } => {
                let mut data = object([
                    (counter, Value::from(0)),
                    (limit, input.get(rounds)?.clone()),
                ]);
                loop {
                    let next = data.get(counter)?.as_i64()? + 1;
                    data = object([
                        (counter, Value::from(next)),
                        (limit, data.get(limit)?.clone()),
                    ]);
                    if data.get(counter)?.as_f64()? >= data.get(limit)?.as_f64()? {
                        return Some(data);
                    }
                }
            }
            Shape::Map { items, field, copy } => {
                let items = input.get(items)?.as_array()?;
                let copies = items
                    .iter()
                    .map(|item| Some(object([(copy, item.get(field)?.clone())])))
                    .collect::<Option<Vec<_>>>()?;
                Some(Value::Array(copies))
            }
        }
    }
}

fn object<const N: usize>(fields: [(&str, Value); N]) -> Value {
    let mut map = Map::with_capacity(N);
    for (key, value) in fields {
        map.insert(key.to_owned(), value);
    }
    Value::Object(map)
}

/// A definition compiled with `asl!`, the input it runs on and its hand-written twin.
pub struct Workload {
    /// Short name used on the command line (`--once NAME`) and in the report.
    pub name: String,
    pub shape: Shape,
    pub input: Value,
    pub machine: Machine,
}

/// Reads a JSON input file.
#[allow(
    dead_code,
    reason = "only the --workload-dir crate reads inputs from files"
)]
pub fn read_json(path: &Path) -> Result<Value, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{} is not JSON: {e}", path.display()))
}

struct Options {
    /// Run one execution of this workload and exit (for whole-process timing and profilers).
    once: Option<String>,
    /// With `once`: run the hand-written function instead of the machine.
    by_hand: bool,
    /// With `once`: record history (the default runtime) instead of running without.
    history: bool,
    /// Measure (`cargo bench` passes `--bench`); without it (`cargo test --benches`) only check
    /// that every machine computes what its hand-written twin computes.
    measure: bool,
    /// Also print tab-separated results for scripts.
    tsv: bool,
    /// Wall-clock budget per timed series.
    budget: Duration,
    /// Whole-process runs per workload (0: none).
    process_runs: usize,
}

fn options(args: &[String]) -> Result<Options, String> {
    let mut options = Options {
        once: None,
        by_hand: false,
        history: false,
        measure: false,
        tsv: false,
        budget: Duration::from_secs(2),
        process_runs: 5,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            // `cargo bench` passes `--bench` to every harness-less benchmark; `cargo test` does not.
            "--bench" => options.measure = true,
            "--tsv" => options.tsv = true,
            "--by-hand" => options.by_hand = true,
            "--history" => options.history = true,
            "--once" => options.once = Some(value(&mut args, arg)?.to_owned()),
            "--budget-ms" => {
                let ms = value(&mut args, arg)?
                    .parse()
                    .map_err(|e| format!("--budget-ms: {e}"))?;
                options.budget = Duration::from_millis(ms);
            }
            "--process-runs" => {
                options.process_runs = value(&mut args, arg)?
                    .parse()
                    .map_err(|e| format!("--process-runs: {e}"))?;
            }
            other => return Err(format!("unknown argument `{other}`")),
        }
    }
    Ok(options)
}

fn value<'a>(args: &mut impl Iterator<Item = &'a String>, flag: &str) -> Result<&'a str, String> {
    args.next()
        .map(String::as_str)
        .ok_or_else(|| format!("{flag} needs a value"))
}

/// Median and fastest of a series of timings.
#[derive(Clone, Copy, Debug)]
struct Timing {
    median: Duration,
    fastest: Duration,
    samples: usize,
}

/// Times `once` repeatedly: a warm-up, then samples until `budget` is spent (at least 11, at most
/// 1,001). `once` returns the time of the part that counts (set-up such as cloning the input is
/// left out).
fn sample(budget: Duration, mut once: impl FnMut() -> Duration) -> Timing {
    let warm_up = Instant::now();
    let mut runs = 0;
    while runs < 3 || (warm_up.elapsed() < budget / 10 && runs < 100) {
        once();
        runs += 1;
    }
    let mut times = Vec::new();
    let started = Instant::now();
    while times.len() < 11 || (started.elapsed() < budget && times.len() < 1_001) {
        times.push(once());
    }
    times.sort_unstable();
    Timing {
        median: times[times.len() / 2],
        fastest: times[0],
        samples: times.len(),
    }
}

struct Row {
    workload: String,
    engine: &'static str,
    timing: Timing,
    transitions: u64,
}

/// Runs the workloads (or, with `--once NAME`, one execution of one of them) and prints the
/// report. `args` are the command-line arguments after the program name.
pub fn main(workloads: Vec<Workload>, args: &[String]) -> ExitCode {
    let options = match options(args) {
        Ok(o) => o,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    let executor = match tokio::runtime::Builder::new_current_thread()
        .enable_time()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => {
            eprintln!("error: cannot start tokio: {e}");
            return ExitCode::FAILURE;
        }
    };
    if let Some(name) = &options.once {
        let Some(workload) = workloads.iter().find(|w| &w.name == name) else {
            eprintln!("error: no workload named `{name}`");
            return ExitCode::from(2);
        };
        if options.by_hand {
            let output = workload.shape.by_hand(&workload.input);
            println!(
                "{}",
                if output.is_some() {
                    "SUCCEEDED"
                } else {
                    "FAILED"
                }
            );
            return ExitCode::SUCCESS;
        }
        let runtime = if options.history {
            Runtime::new()
        } else {
            Runtime::new().without_history()
        };
        let result = executor.block_on((workload.machine)(runtime, workload.input.clone()));
        println!("{}", result.status());
        return ExitCode::SUCCESS;
    }

    let mut rows = Vec::new();
    for workload in &workloads {
        let Some(transitions) = workload.shape.transitions(&workload.input) else {
            eprintln!("error: the input of `{}` has another shape", workload.name);
            return ExitCode::FAILURE;
        };
        // The machine must compute what the hand-written function computes, or the comparison
        // means nothing.
        let expected = workload.shape.by_hand(&workload.input);
        let got = executor.block_on((workload.machine)(Runtime::new(), workload.input.clone()));
        if got.output() != expected.as_ref() {
            eprintln!(
                "error: `{}` produced {got:?}, the hand-written function {expected:?}",
                workload.name
            );
            return ExitCode::FAILURE;
        }
        if !options.measure {
            println!(
                "{}: the machine's output matches the hand-written function",
                workload.name
            );
            continue;
        }
        let runtimes = [
            ("asl! (history on)", Runtime::new()),
            ("asl! (no history)", Runtime::new().without_history()),
        ];
        for (engine, runtime) in runtimes {
            let timing = sample(options.budget, || {
                let input = workload.input.clone();
                let runtime = runtime.clone();
                let started = Instant::now();
                let result = executor.block_on((workload.machine)(runtime, input));
                let elapsed = started.elapsed();
                black_box(result);
                elapsed
            });
            rows.push(Row {
                workload: workload.name.clone(),
                engine,
                timing,
                transitions,
            });
        }
        let timing = sample(options.budget, || {
            let started = Instant::now();
            black_box(workload.shape.by_hand(black_box(&workload.input)));
            started.elapsed()
        });
        rows.push(Row {
            workload: workload.name.clone(),
            engine: "by hand (serde_json)",
            timing,
            transitions,
        });
        if options.process_runs > 0 {
            match process_runs(&workload.name, options.process_runs) {
                Ok(timing) => rows.push(Row {
                    workload: workload.name.clone(),
                    engine: "asl! whole process",
                    timing,
                    transitions,
                }),
                Err(e) => eprintln!("warning: no whole-process timing: {e}"),
            }
        }
    }
    if options.measure {
        report(&rows, options.tsv);
    }
    ExitCode::SUCCESS
}

/// Times `runs` fresh processes of this program that each run one execution (`--once`).
fn process_runs(name: &str, runs: usize) -> Result<Timing, String> {
    let program = std::env::current_exe().map_err(|e| format!("no path to this program: {e}"))?;
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs {
        let started = Instant::now();
        let out = Command::new(&program)
            .args(["--once", name])
            .output()
            .map_err(|e| format!("cannot run {}: {e}", program.display()))?;
        times.push(started.elapsed());
        if String::from_utf8_lossy(&out.stdout).trim() != "SUCCEEDED" {
            return Err(format!(
                "`--once {name}` did not succeed: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
        }
    }
    times.sort_unstable();
    Ok(Timing {
        median: times[times.len() / 2],
        fastest: times[0],
        samples: times.len(),
    })
}

fn report(rows: &[Row], tsv: bool) {
    println!(
        "{:<10} {:<22} {:>12} {:>12} {:>8} {:>16} {:>14}",
        "workload", "engine", "median", "fastest", "samples", "transitions/s", "× by hand"
    );
    for row in rows {
        let by_hand = rows
            .iter()
            .find(|r| r.workload == row.workload && r.engine == "by hand (serde_json)")
            .map(|r| r.timing.median.as_secs_f64());
        let ratio = match by_hand {
            Some(hand) if hand > 0.0 => format!("{:.2}", row.timing.median.as_secs_f64() / hand),
            _ => String::from("-"),
        };
        let per_second = row.transitions as f64 / row.timing.median.as_secs_f64();
        println!(
            "{:<10} {:<22} {:>12} {:>12} {:>8} {:>16} {:>14}",
            row.workload,
            row.engine,
            pretty(row.timing.median),
            pretty(row.timing.fastest),
            row.timing.samples,
            rate(per_second),
            ratio
        );
    }
    if tsv {
        for row in rows {
            println!(
                "tsv\t{}\t{}\t{}\t{}",
                row.workload,
                row.engine,
                row.timing.median.as_nanos(),
                row.transitions
            );
        }
    }
}

fn rate(per_second: f64) -> String {
    if per_second >= 1e6 {
        format!("{:.2} M", per_second / 1e6)
    } else {
        format!("{:.1} k", per_second / 1e3)
    }
}

fn pretty(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e9 {
        format!("{:.3} s", ns / 1e9)
    } else if ns >= 1e6 {
        format!("{:.3} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}
