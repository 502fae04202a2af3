//! Running a case in a child process: hangs are stopped at the deadline, crashes are reported,
//! and the outcome line is read. Stand-in programs are small shell scripts.
#![cfg(unix)]

use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

use asl_conformance::compare::Outcome;
use asl_conformance::exec::{RESULT_MARKER, run_case};
use serde_json::json;

/// Writing an executable while another thread forks lets the child inherit the open file and
/// makes running it fail with "text file busy"; these tests therefore run one at a time.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

fn serialize() -> MutexGuard<'static, ()> {
    ONE_AT_A_TIME.lock().unwrap_or_else(|p| p.into_inner())
}

/// An executable script with `body`, in a folder of its own.
fn script(test: &str, body: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("asl-conformance-process")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create a scratch folder");
    let path = dir.join("case.sh");
    fs::write(&path, format!("#!/bin/sh\n{body}\n")).expect("write the script");
    fs::set_permissions(&path, fs::Permissions::from_mode(0o755)).expect("make it executable");
    path
}

#[test]
fn a_hanging_case_is_stopped_at_its_deadline() {
    let _guard = serialize();
    let program = script("hang", "sleep 30");
    let started = Instant::now();
    let result = run_case(
        &program,
        "case_x",
        Path::new("in.json"),
        Duration::from_millis(300),
    );
    assert!(started.elapsed() < Duration::from_secs(10));
    assert!(result.is_err_and(|f| f.reason.starts_with("timed out")));
}

#[test]
fn a_crashing_case_is_a_failure_with_its_stderr() {
    let _guard = serialize();
    let program = script(
        "crash",
        "echo \"thread 'main' panicked at src/case_x.rs:3:5:\" >&2\necho 'index out of bounds' >&2\nexit 101",
    );
    let failure = run_case(
        &program,
        "case_x",
        Path::new("in.json"),
        Duration::from_secs(10),
    )
    .expect_err("the case crashed");
    assert_eq!(failure.reason, "panicked: index out of bounds");
    assert!(failure.details.iter().any(|l| l.contains("src/case_x.rs")));
}

#[test]
fn the_case_name_and_input_path_are_passed_as_arguments() {
    let _guard = serialize();
    let program = script(
        "arguments",
        &format!(
            "printf '%s{{\"status\":\"SUCCEEDED\",\"output\":[\"%s\",\"%s\"]}}\\n' '{RESULT_MARKER}' \"$1\" \"$2\""
        ),
    );
    let outcome = run_case(
        &program,
        "case_y",
        Path::new("in.json"),
        Duration::from_secs(10),
    );
    assert_eq!(
        outcome,
        Ok(Outcome::Succeeded {
            output: json!(["case_y", "in.json"])
        })
    );
}

#[test]
fn a_case_that_prints_no_outcome_fails() {
    let _guard = serialize();
    let program = script("silent", "echo hello");
    let failure = run_case(
        &program,
        "case_x",
        Path::new("in.json"),
        Duration::from_secs(10),
    );
    assert!(failure.is_err_and(|f| f.reason == "the case printed no outcome"));
}
