#![forbid(unsafe_code)]
//! `asl-conformance <cases-dir>`: see `asl_conformance::cli::USAGE`.

use std::process::ExitCode;

use asl_conformance::cli::{self, Command};
use asl_conformance::report;
use asl_conformance::runner::{self, Config};

fn main() -> ExitCode {
    let args = match cli::parse(std::env::args().skip(1)) {
        Ok(Command::Run(args)) => args,
        Ok(Command::Help) => {
            println!("{}", cli::USAGE);
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("error: {message}\n\n{}", cli::USAGE);
            return ExitCode::from(2);
        }
    };
    let workspace = runner::workspace_root();
    let lockfile = workspace.join("Cargo.lock");
    // The workspace's target folder, so the scratch build reuses its compiled dependencies.
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| workspace.join("target"));
    let config = Config {
        cases_dir: args.cases_dir,
        filters: args.filters,
        timeout: args.timeout,
        jobs: args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        }),
        work_dir: args
            .work_dir
            .unwrap_or_else(|| target_dir.join("asl-conformance")),
        target_dir,
        package: asl_conformance::scratch::PACKAGE.to_owned(),
        asl_dir: args.asl_dir.unwrap_or_else(|| workspace.clone()),
        lockfile: lockfile.is_file().then_some(lockfile),
        precheck: args.precheck,
    };
    let results = match runner::run(&config, &mut |line| eprintln!("{line}")) {
        Ok(results) => results,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let failures = report::failures(&results, args.verbose);
    if !failures.is_empty() {
        println!("{failures}");
    }
    print!("{}", report::table(&results));
    println!("{}", report::summary_line(&results));
    let all_passed = results
        .iter()
        .all(|r| matches!(r.verdict, report::Verdict::Passed { .. }));
    if all_passed {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}
