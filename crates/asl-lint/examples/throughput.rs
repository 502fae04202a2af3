#![forbid(unsafe_code)]
//! In-process throughput of the checks (no process start, no file reads):
//! the counterpart of the node tools' warm numbers in `scripts/bench-lint.sh`.
//!
//! `cargo run --release -p asl-lint --example throughput -- LIST_FILE`
//! where LIST_FILE names one definition per line. Prints definitions/second
//! on one thread after a warm-up pass, checking for about two seconds.

use std::path::Path;
use std::time::{Duration, Instant};

use asl_lint::backend::Settings;
use asl_lint::check::check_text;

// The same allocator as the `asl-lint` binary, so the figure is the linter's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    let Some(list) = std::env::args().nth(1) else {
        eprintln!("usage: throughput LIST_FILE");
        return std::process::ExitCode::from(2);
    };
    let names = match std::fs::read_to_string(&list) {
        Ok(text) => text,
        Err(e) => {
            eprintln!("{list}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let texts: Vec<(String, String)> = names
        .lines()
        .filter(|l| !l.is_empty())
        .filter_map(|name| Some((name.to_owned(), std::fs::read_to_string(name).ok()?)))
        .collect();
    if texts.is_empty() {
        eprintln!("{list}: no readable definitions");
        return std::process::ExitCode::from(2);
    }
    let settings = Settings::default();
    let base = Path::new(".");
    let check = |(name, text): &(String, String)| {
        check_text(name.clone(), text.clone(), true, base, &settings)
            .map_or(0, |c| c.findings.len())
    };
    let mut sink = 0usize;
    for item in &texts {
        sink += check(item);
    }
    let start = Instant::now();
    let mut done = 0usize;
    while start.elapsed() < Duration::from_secs(2) {
        for item in &texts {
            sink += check(item);
        }
        done += texts.len();
    }
    let rate = done as f64 / start.elapsed().as_secs_f64();
    println!("{rate:.0}");
    // Keeps the work observable so it is not optimised away.
    eprintln!("({sink} findings)");
    std::process::ExitCode::SUCCESS
}
