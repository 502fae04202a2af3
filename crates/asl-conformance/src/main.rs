#![forbid(unsafe_code)]
//! `asl-conformance <cases-dir>`: see `asl_conformance::cli::USAGE`.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use asl_conformance::cli::{self, Args, Command};
use asl_conformance::report::{self, Verdict};
use asl_conformance::runner::{self, Config};
use asl_conformance::scratch;

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
    let config = match config(&args) {
        Ok(config) => config,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let results = match runner::run(&config, &mut |line| eprintln!("{line}")) {
        Ok(results) => results,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if let Some(path) = &args.json {
        let text = format!("{:#}\n", report::to_json(&results));
        if let Err(e) = std::fs::write(path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
        }
    }
    let failures = report::failures(&results, args.verbose);
    if !failures.is_empty() {
        println!("{failures}");
    }
    let reasons = report::reasons(&results);
    if !reasons.is_empty() {
        println!("why cases did not pass:");
        for (count, reason) in reasons.iter().take(20) {
            let reason: String = reason.chars().take(160).collect();
            println!("{count:>5}  {reason}");
        }
        if reasons.len() > 20 {
            println!("       … and {} other reasons", reasons.len() - 20);
        }
        println!();
    }
    print!("{}", report::table(&results));
    println!("{}", report::summary_line(&results));
    let all_passed = results
        .iter()
        .all(|r| matches!(r.verdict, Verdict::Passed { .. }));
    if all_passed || !args.deny_failures {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The run's settings; paths are made absolute because the generated crate lives elsewhere.
fn config(args: &Args) -> Result<Config, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current folder: {e}"))?;
    let absolute = |path: &Path| -> PathBuf {
        if path.is_absolute() {
            path.to_path_buf()
        } else {
            cwd.join(path)
        }
    };
    let workspace = runner::workspace_root();
    let lockfile = workspace.join("Cargo.lock");
    // The workspace's target folder, so the scratch build reuses its compiled dependencies.
    let target_dir = std::env::var_os("CARGO_TARGET_DIR")
        .map(|dir| absolute(Path::new(&dir)))
        .unwrap_or_else(|| workspace.join("target"));
    let asl_dir = args
        .asl_dir
        .as_deref()
        .map_or_else(|| workspace.clone(), absolute);
    if !asl_dir.join("Cargo.toml").is_file() {
        return Err(format!(
            "{} holds no Cargo.toml: --asl-dir must name the `asl` crate",
            asl_dir.display()
        ));
    }
    Ok(Config {
        cases_dir: args.cases_dir.clone(),
        filters: args.filters.clone(),
        timeout: args.timeout,
        jobs: args.jobs.unwrap_or_else(|| {
            std::thread::available_parallelism().map_or(1, std::num::NonZeroUsize::get)
        }),
        // Another work folder gets its own package name: scratch crates sharing the target
        // folder would otherwise overwrite each other's binary.
        package: args.work_dir.as_deref().map_or_else(
            || scratch::PACKAGE.to_owned(),
            |dir| scratch::package_for(&absolute(dir)),
        ),
        work_dir: args
            .work_dir
            .as_deref()
            .map_or_else(|| target_dir.join("asl-conformance"), absolute),
        target_dir,
        asl_dir,
        lockfile: lockfile.is_file().then_some(lockfile),
        precheck: args.precheck,
    })
}
