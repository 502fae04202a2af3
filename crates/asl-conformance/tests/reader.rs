//! Reading case folders: the project's own cases, and broken folders that must become clear
//! per-case errors.

use std::fs;
use std::path::{Path, PathBuf};

use asl_conformance::case::{self, DefinitionFormat, UNCATEGORIZED};
use asl_conformance::compare::Outcome;
use serde_json::json;

fn project_cases() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/cases")
}

/// A fresh, empty folder for one test.
fn scratch(test: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR"))
        .join("asl-conformance-reader")
        .join(test);
    let _ = fs::remove_dir_all(&dir);
    fs::create_dir_all(&dir).expect("create a scratch folder");
    dir
}

/// A case folder with the given files.
fn write_case(dir: &Path, files: &[(&str, &str)]) {
    fs::create_dir_all(dir).expect("create the case folder");
    for (name, content) in files {
        fs::write(dir.join(name), content).expect("write a case file");
    }
}

const DEFINITION: &str = r#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}}"#;
const EXPECTED: &str = r#"{"status": "SUCCEEDED", "output": {}}"#;

#[test]
fn the_project_cases_are_all_readable() {
    let (cases, broken) = case::read_all(&project_cases()).expect("the cases folder");
    assert!(broken.is_empty(), "{broken:?}");
    assert!(cases.len() >= 6);
    assert!(cases.iter().all(|c| c.category != UNCATEGORIZED));
}

#[test]
fn cases_come_sorted_by_folder_name() {
    let (cases, _) = case::read_all(&project_cases()).expect("the cases folder");
    let names: Vec<&str> = cases.iter().map(|c| c.name.as_str()).collect();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
}

#[test]
fn a_case_reads_its_four_files() {
    let case = case::read_case(&project_cases().join("fail-state-error")).expect("readable");
    assert_eq!(case.name, "fail-state-error");
    assert_eq!(case.category, "errors");
    assert_eq!(case.definition_format, DefinitionFormat::Json);
    assert!(case.definition_text.contains("Custom.Broken"));
    assert_eq!(case.input, json!({}));
    assert_eq!(
        case.expected.outcome,
        Outcome::Failed {
            error: Some("Custom.Broken".to_owned()),
            cause: Some("it broke on purpose".to_owned()),
        }
    );
    assert!(case.expected.placeholders.is_empty());
}

#[test]
fn placeholders_are_read() {
    let case = case::read_case(&project_cases().join("uuid-placeholder")).expect("readable");
    assert_eq!(case.expected.placeholders, ["<any-uuid>"]);
}

#[test]
fn a_missing_input_names_the_file() {
    let dir = scratch("missing_input").join("no-input");
    write_case(
        &dir,
        &[("definition.json", DEFINITION), ("expected.json", EXPECTED)],
    );
    let error = case::read_case(&dir).expect_err("no input.json");
    assert_eq!(error.name, "no-input");
    assert!(
        error.message.contains("input.json is missing"),
        "{}",
        error.message
    );
}

#[test]
fn a_missing_definition_is_reported() {
    let dir = scratch("missing_definition").join("empty");
    write_case(&dir, &[("input.json", "{}"), ("expected.json", EXPECTED)]);
    let error = case::read_case(&dir).expect_err("no definition");
    assert!(error.message.contains("definition.json is missing"));
}

#[test]
fn a_definition_that_is_not_json_is_reported_with_its_file() {
    let dir = scratch("bad_definition").join("bad");
    write_case(
        &dir,
        &[
            ("definition.json", "{\"StartAt\": "),
            ("input.json", "{}"),
            ("expected.json", EXPECTED),
        ],
    );
    let error = case::read_case(&dir).expect_err("bad JSON");
    assert!(error.message.contains("definition.json is not valid JSON"));
}

#[test]
fn an_expected_file_without_a_known_status_is_reported() {
    let dir = scratch("bad_expected").join("bad");
    write_case(
        &dir,
        &[
            ("definition.json", DEFINITION),
            ("input.json", "{}"),
            ("expected.json", r#"{"status": "RUNNING"}"#),
        ],
    );
    let error = case::read_case(&dir).expect_err("bad status");
    assert!(error.message.contains("expected.json"));
    assert!(error.message.contains("RUNNING"));
}

#[test]
fn the_category_survives_a_broken_case() {
    let dir = scratch("category_kept").join("broken");
    write_case(
        &dir,
        &[
            ("definition.json", DEFINITION),
            ("source.json", r#"{"category": "wait"}"#),
        ],
    );
    let error = case::read_case(&dir).expect_err("no input");
    assert_eq!(error.category, "wait");
}

#[test]
fn a_case_without_source_json_is_uncategorized() {
    let dir = scratch("uncategorized").join("plain");
    write_case(
        &dir,
        &[
            ("definition.json", DEFINITION),
            ("input.json", "{}"),
            ("expected.json", EXPECTED),
        ],
    );
    let case = case::read_case(&dir).expect("readable");
    assert_eq!(case.category, UNCATEGORIZED);
}

#[test]
fn one_broken_case_does_not_hide_the_others() {
    let root = scratch("mixed");
    write_case(
        &root.join("a-good"),
        &[
            ("definition.json", DEFINITION),
            ("input.json", "{}"),
            ("expected.json", EXPECTED),
        ],
    );
    write_case(&root.join("b-broken"), &[("definition.json", DEFINITION)]);
    let (cases, broken) = case::read_all(&root).expect("readable folder");
    assert_eq!(cases.len(), 1);
    assert_eq!(broken.len(), 1);
    assert_eq!(broken[0].name, "b-broken");
}

#[test]
fn hidden_folders_are_not_cases() {
    let root = scratch("hidden");
    write_case(&root.join(".git"), &[("config", "")]);
    assert!(case::discover(&root).expect("readable").is_empty());
}

#[test]
fn a_folder_holding_a_definition_is_a_single_case() {
    let dir = project_cases().join("wait-a-day");
    assert_eq!(case::discover(&dir).expect("readable"), [dir]);
}

#[test]
fn a_missing_cases_folder_is_an_error_for_the_whole_run() {
    let error = case::read_all(Path::new("/nonexistent/asl-conformance-cases"));
    assert!(error.is_err_and(|e| e.contains("cannot read cases folder")));
}
