//! The whole runner on the project's own cases: generate the crate, build it with `asl!`, run
//! every case, compare. Slow (a cargo build), so these are the only tests that compile machines.

use std::path::{Path, PathBuf};
use std::time::Duration;

use asl_conformance::report::{self, Verdict};
use asl_conformance::runner::{self, Config};

fn config(cases: &str, package: &str) -> Config {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    // target/tmp's parent: the workspace's target folder, whose compiled dependencies the
    // scratch build reuses.
    let target_dir = tmp
        .parent()
        .map_or_else(|| tmp.join("target"), Path::to_path_buf);
    let workspace = runner::workspace_root();
    let lockfile: PathBuf = workspace.join("Cargo.lock");
    Config {
        cases_dir: manifest_dir.join("tests").join(cases),
        filters: Vec::new(),
        timeout: Duration::from_secs(30),
        jobs: 2,
        work_dir: tmp.join(package),
        target_dir,
        package: package.to_owned(),
        asl_dir: workspace,
        lockfile: lockfile.is_file().then_some(lockfile),
        precheck: true,
    }
}

#[test]
fn every_project_case_passes() {
    let config = config("cases", "asl-conformance-e2e-cases");
    let results = runner::run(&config, &mut |line| eprintln!("{line}")).expect("a run");
    assert!(results.len() >= 8);
    let failures = report::failures(&results, true);
    assert!(
        results
            .iter()
            .all(|r| matches!(r.verdict, Verdict::Passed { strict: true, .. })),
        "{failures}"
    );
    assert_eq!(
        report::summary_line(&results),
        format!("{} passed, 0 failed", results.len())
    );
}

#[test]
fn a_rejected_definition_counts_as_failed_with_its_diagnostic() {
    for precheck in [true, false] {
        let mut config = config("rejected", "asl-conformance-e2e-rejected");
        config.precheck = precheck;
        let results = runner::run(&config, &mut |line| eprintln!("{line}")).expect("a run");
        assert_eq!(results.len(), 1);
        let Verdict::Rejected { diagnostic } = &results[0].verdict else {
            panic!("expected a rejection, got {:?}", results[0].verdict);
        };
        assert!(diagnostic.contains("Nowhere"), "{diagnostic}");
        assert_eq!(report::summary_line(&results), "0 passed, 1 failed");
    }
}

#[test]
fn the_command_prints_the_table_and_ends_with_the_summary_line() {
    let tmp = Path::new(env!("CARGO_TARGET_TMPDIR"));
    let cases = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join("cases");
    let output = std::process::Command::new(env!("CARGO_BIN_EXE_asl-conformance"))
        .arg(&cases)
        .args(["--filter", "wait", "--filter", "fail-state"])
        .arg("--work-dir")
        .arg(tmp.join("asl-conformance-e2e-cli"))
        .output()
        .expect("the runner starts");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}");
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.last(), Some(&"2 passed, 0 failed"), "{stdout}");
    let rows: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(rows, ["category", "errors", "wait", "all", "2"], "{stdout}");
}
