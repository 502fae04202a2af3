//! Drives the real `asl-lint` binary over the fixtures in `tests/fixtures`.
//!
//! Human output is pinned by snapshots in `tests/snapshots/*.txt`; run with
//! `UPDATE_SNAPSHOTS=1` to rewrite them, then review the diff before committing.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use serde_json::Value;

fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Runs the binary in `dir` with `args` and optional standard input.
fn run_in(dir: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_asl-lint"))
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary starts");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.unwrap_or("").as_bytes())
            .expect("stdin is writable");
    }
    child.wait_with_output().expect("the binary finishes")
}

/// Runs in the fixtures directory without any configuration file.
fn lint(args: &[&str]) -> Output {
    let mut all = vec!["--no-config"];
    all.extend_from_slice(args);
    run_in(&fixtures(), &all, None)
}

fn lint_stdin(args: &[&str], stdin: &str) -> Output {
    let mut all = vec!["--no-config"];
    all.extend_from_slice(args);
    run_in(&fixtures(), &all, Some(stdin))
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).expect("stdout is UTF-8")
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).expect("stderr is UTF-8")
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn json(output: &Output) -> Value {
    serde_json::from_slice(&output.stdout).expect("stdout is JSON")
}

/// Compares `actual` with `tests/snapshots/{name}.txt`, printing a line diff
/// on mismatch. `UPDATE_SNAPSHOTS=1` writes the file instead.
fn assert_snapshot(name: &str, actual: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(format!("{name}.txt"));
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::write(&path, actual).expect("snapshot is writable");
        return;
    }
    let expected = std::fs::read_to_string(&path).unwrap_or_default();
    if expected == actual {
        return;
    }
    let mut diff = String::new();
    let (old, new): (Vec<&str>, Vec<&str>) = (expected.lines().collect(), actual.lines().collect());
    for i in 0..old.len().max(new.len()) {
        match (old.get(i), new.get(i)) {
            (Some(a), Some(b)) if a == b => diff.push_str(&format!("  {a}\n")),
            (a, b) => {
                if let Some(a) = a {
                    diff.push_str(&format!("- {a}\n"));
                }
                if let Some(b) = b {
                    diff.push_str(&format!("+ {b}\n"));
                }
            }
        }
    }
    panic!(
        "snapshot {} differs (- expected, + actual):\n{diff}\nrerun with UPDATE_SNAPSHOTS=1 to accept",
        path.display()
    );
}

/// A fresh directory under the system temp dir, marked as a repository root.
fn scratch_repo(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("asl-lint-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join(".git")).expect("scratch dir");
    std::fs::copy(
        fixtures().join("definitions/wrong-next.asl.json"),
        dir.join("flow.asl.json"),
    )
    .expect("fixture copied");
    dir
}

fn codes(report: &Value) -> Vec<String> {
    report["diagnostics"]
        .as_array()
        .expect("diagnostics array")
        .iter()
        .map(|d| d["code"].as_str().unwrap_or_default().to_owned())
        .collect()
}

// ---- files and exit codes -------------------------------------------------

#[test]
fn valid_json_definition_exits_zero() {
    let out = lint(&["definitions/greeting.asl.json"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(stdout(&out), "checked 1 file: no problems found\n");
}

#[test]
fn valid_yaml_definition_exits_zero() {
    let out = lint(&["definitions/greeting.asl.yaml"]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn syntax_error_exits_one_with_a_snippet() {
    let out = lint(&["--color", "never", "definitions/trailing-comma.asl.json"]);
    assert_eq!(code(&out), 1);
    assert_snapshot("trailing-comma", &stdout(&out));
}

#[test]
fn wrong_transition_exits_one_with_a_snippet() {
    let out = lint(&["--color=never", "definitions/wrong-next.asl.json"]);
    assert_eq!(code(&out), 1);
    assert_snapshot("wrong-next-json", &stdout(&out));
}

#[test]
fn yaml_findings_point_into_the_yaml() {
    let out = lint(&["--color=never", "definitions/wrong-next.asl.yaml"]);
    assert_eq!(code(&out), 1);
    assert_snapshot("wrong-next-yaml", &stdout(&out));
}

#[test]
fn every_file_is_checked_when_one_is_broken() {
    let out = lint(&[
        "--format=json",
        "definitions/trailing-comma.asl.json",
        "definitions/greeting.asl.json",
        "definitions/wrong-next.asl.json",
    ]);
    let report = json(&out);
    assert_eq!(report["summary"]["files"], 3);
    let files: Vec<&str> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter_map(|d| d["file"].as_str())
        .collect();
    assert!(
        files.contains(&"definitions/trailing-comma.asl.json"),
        "{files:?}"
    );
    assert!(
        files.contains(&"definitions/wrong-next.asl.json"),
        "{files:?}"
    );
}

#[test]
fn missing_file_exits_two_and_still_checks_the_others() {
    let out = lint(&[
        "--format=json",
        "no/such.asl.json",
        "definitions/greeting.asl.json",
    ]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("no/such.asl.json: no such file or directory"),
        "{}",
        stderr(&out)
    );
    assert_eq!(json(&out)["summary"]["files"], 1);
}

#[test]
fn unknown_option_exits_two() {
    let out = lint(&["--frobnicate"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("unknown option `--frobnicate`"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn unknown_rule_in_deny_exits_two_with_a_suggestion() {
    let out = lint(&["--deny", "templat", "definitions/greeting.asl.json"]);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("did you mean `template`?"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn glob_patterns_are_expanded() {
    let out = lint(&["--format=json", "definitions/greeting.*"]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["summary"]["files"], 2);
}

#[test]
fn glob_matching_nothing_exits_two() {
    let out = lint(&["definitions/*.nothing"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no file matches"), "{}", stderr(&out));
}

// ---- directories ------------------------------------------------------------

#[test]
fn directory_search_finds_definitions_and_templates_only() {
    let out = lint(&["--format=json", "tree"]);
    let report = json(&out);
    let files: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    // package.json and settings.yaml are not definitions; node_modules and
    // hidden directories are not searched.
    assert_eq!(
        files,
        [
            "tree/greeting.asl.json",
            "tree/nested/broken.yml",
            "tree/nested/template.yaml"
        ]
    );
}

#[test]
fn directory_search_human_output() {
    let out = lint(&["--color=never", "tree"]);
    assert_eq!(code(&out), 1);
    assert_snapshot("tree", &stdout(&out));
}

#[test]
fn explicit_non_definition_is_checked_as_a_definition() {
    let out = lint(&["--format=json", "tree/package.json"]);
    assert_eq!(code(&out), 1);
    assert_eq!(json(&out)["summary"]["files"], 1);
}

// ---- standard input -----------------------------------------------------------

#[test]
fn dash_reads_standard_input() {
    let text = std::fs::read_to_string(fixtures().join("definitions/wrong-next.asl.json"))
        .expect("fixture");
    let out = lint_stdin(&["--format=json", "-"], &text);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(report["diagnostics"][0]["file"], "<stdin>");
}

#[test]
fn stdin_filename_names_the_input_and_its_format() {
    let text =
        std::fs::read_to_string(fixtures().join("definitions/greeting.asl.yaml")).expect("fixture");
    let out = lint_stdin(&["--stdin-filename", "flows/greet.asl.yaml", "-"], &text);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
}

#[test]
fn empty_standard_input_is_an_error() {
    let out = lint_stdin(&["--format=json", "-"], "");
    assert_eq!(code(&out), 1);
}

// ---- templates ------------------------------------------------------------------

#[test]
fn definition_object_in_json_template_reports_template_lines() {
    let out = lint(&["--format=json", "templates/stepfunctions.json"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let first = &report["diagnostics"][0];
    assert_eq!(first["file"], "templates/stepfunctions.json");
    // `"Next": "Dnoe"` is on line 17 of the template.
    assert_eq!(first["span"]["startLine"], 17, "{first}");
}

#[test]
fn json_template_human_output() {
    let out = lint(&["--color=never", "templates/stepfunctions.json"]);
    assert_snapshot("template-json", &stdout(&out));
}

#[test]
fn yaml_template_human_output() {
    let out = lint(&["--color=never", "templates/serverless.yaml"]);
    assert_eq!(code(&out), 1);
    assert_snapshot("template-yaml", &stdout(&out));
}

#[test]
fn undefined_substitution_is_a_warning_at_the_placeholder() {
    let out = lint(&["--format=json", "templates/serverless.yaml"]);
    let report = json(&out);
    let cfn: Vec<&Value> = report["diagnostics"]
        .as_array()
        .expect("array")
        .iter()
        .filter(|d| d["code"] == "CFN003")
        .collect();
    assert_eq!(cfn.len(), 1, "{report}");
    assert_eq!(cfn[0]["severity"], "warning");
    assert_eq!(cfn[0]["span"]["startLine"], 25);
}

#[test]
fn definition_strings_map_back_into_the_template() {
    let out = lint(&["--color=never", "templates/definition-string.json"]);
    assert_eq!(code(&out), 1);
    assert_snapshot("template-definition-string", &stdout(&out));
}

#[test]
fn definition_uri_findings_point_into_the_named_file() {
    let out = lint(&["--format=json", "templates/definition-uri.yaml"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    let by_code = |c: &str| {
        report["diagnostics"]
            .as_array()
            .expect("array")
            .iter()
            .find(|d| d["code"] == c)
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert_eq!(by_code("CFN001")["file"], "templates/definition-uri.yaml");
    assert_eq!(
        by_code("CFN003")["file"],
        "templates/flows/checkout.asl.json"
    );
}

// ---- formats --------------------------------------------------------------------

#[test]
fn json_format_follows_the_documented_schema() {
    let out = lint(&["--format", "json", "definitions/trailing-comma.asl.json"]);
    let report = json(&out);
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["name"], "asl-lint");
    assert_eq!(report["summary"]["errors"], 1);
    let d = &report["diagnostics"][0];
    for key in [
        "file",
        "code",
        "rule",
        "group",
        "severity",
        "message",
        "label",
        "span",
        "secondary",
        "notes",
        "help",
    ] {
        assert!(d.get(key).is_some(), "missing {key} in {d}");
    }
    assert_eq!(d["span"]["startLine"], 4);
    assert_eq!(d["span"]["startColumn"], 34);
}

#[test]
fn sarif_format_has_rules_and_regions() {
    let out = lint(&["--format", "sarif", "definitions/trailing-comma.asl.json"]);
    assert_eq!(code(&out), 1);
    let sarif = json(&out);
    assert_eq!(sarif["version"], "2.1.0");
    let run = &sarif["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    assert!(rules.iter().any(|r| r["id"] == "CFN001"));
    assert!(rules.iter().all(|r| r["help"]["text"].is_string()));
    let result = &run["results"][0];
    assert_eq!(result["level"], "error");
    let location = &result["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        "definitions/trailing-comma.asl.json"
    );
    assert_eq!(location["region"]["startLine"], 4);
    assert_eq!(location["region"]["startColumn"], 34);
    assert_eq!(location["region"]["endColumn"], 35);
}

#[test]
fn github_format_prints_escaped_workflow_commands() {
    let out = lint(&["--format", "github", "templates/definition-uri.yaml"]);
    assert_eq!(code(&out), 1);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("CFN001"))
        .expect("an annotation for CFN001");
    assert!(
        line.starts_with("::error file=templates/definition-uri.yaml,line=12,endLine=12,col=22,endColumn=43,title=CFN001 definition-uri-missing::"),
        "{line}"
    );
    // The message's own line breaks (note, help) are escaped.
    assert!(line.contains("%0Anote: "), "{line}");
    assert!(!line.contains('\r'));
}

#[test]
fn color_always_emits_ansi_sequences() {
    let out = lint(&["--color", "always", "definitions/trailing-comma.asl.json"]);
    assert!(stdout(&out).contains("\u{1b}["));
}

#[test]
fn quiet_prints_only_the_summary() {
    let out = lint(&["-q", "definitions/trailing-comma.asl.json"]);
    assert_eq!(stdout(&out), "checked 1 file: 1 error\n");
}

// ---- rule levels and configuration ------------------------------------------------

#[test]
fn deny_warnings_makes_warnings_fail() {
    let warn_only = lint(&[
        "templates/serverless.yaml",
        "--allow",
        "ASL030",
        "--allow",
        "transitions",
    ]);
    let denied = lint(&[
        "templates/serverless.yaml",
        "--allow",
        "ASL030",
        "--allow",
        "transitions",
        "-D",
        "warnings",
    ]);
    let warnings = json(&lint(&[
        "--format=json",
        "templates/serverless.yaml",
        "-A",
        "transitions",
        "-A",
        "ASL030",
    ]));
    assert!(
        warnings["summary"]["warnings"].as_u64() > Some(0),
        "{warnings}"
    );
    assert_eq!(warnings["summary"]["errors"], 0, "{warnings}");
    assert_eq!(code(&warn_only), 0, "{}", stdout(&warn_only));
    assert_eq!(code(&denied), 1);
}

#[test]
fn allow_by_code_hides_a_finding() {
    let out = lint(&[
        "--format=json",
        "-A",
        "CFN001",
        "-A",
        "CFN003",
        "templates/definition-uri.yaml",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert!(codes(&json(&out)).is_empty());
}

#[test]
fn warn_turns_an_error_into_a_warning() {
    let out = lint(&[
        "--format=json",
        "--warn",
        "CFN001",
        "-A",
        "CFN003",
        "templates/definition-uri.yaml",
    ]);
    assert_eq!(code(&out), 0);
    assert_eq!(json(&out)["summary"]["warnings"], 1);
}

#[test]
fn configuration_at_the_repository_root_is_used() {
    let dir = scratch_repo("config");
    std::fs::write(
        dir.join("asl-lint.toml"),
        "allow = [\"transitions\", \"ASL030\"]\n",
    )
    .expect("config");
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).expect("subdir");
    let out = run_in(&sub, &["--format=json", "../flow.asl.json"], None);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    // The command line still wins over the file.
    let out = run_in(
        &sub,
        &["--format=json", "-D", "ASL030", "../flow.asl.json"],
        None,
    );
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn configuration_above_the_repository_root_is_ignored() {
    let outer = scratch_repo("outer");
    std::fs::write(
        outer.join("asl-lint.toml"),
        "allow = [\"transitions\", \"ASL030\"]\n",
    )
    .expect("config");
    let inner = outer.join("inner");
    std::fs::create_dir_all(inner.join(".git")).expect("inner repo");
    std::fs::copy(outer.join("flow.asl.json"), inner.join("flow.asl.json")).expect("copy");
    let out = run_in(&inner, &["flow.asl.json"], None);
    assert_eq!(code(&out), 1, "{}", stdout(&out));
    let _ = std::fs::remove_dir_all(&outer);
}

#[test]
fn invalid_configuration_exits_two_naming_the_file() {
    let dir = scratch_repo("badconfig");
    std::fs::write(dir.join("asl-lint.toml"), "denny = [\"warnings\"]\n").expect("config");
    let out = run_in(&dir, &["flow.asl.json"], None);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("asl-lint.toml"), "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn configuration_excludes_searched_paths() {
    let dir = scratch_repo("exclude");
    std::fs::create_dir_all(dir.join("vendor")).expect("vendor");
    std::fs::copy(dir.join("flow.asl.json"), dir.join("vendor/other.asl.json")).expect("copy");
    std::fs::write(dir.join("asl-lint.toml"), "exclude = [\"vendor/**\"]\n").expect("config");
    let out = run_in(&dir, &["--format=json"], None);
    let report = json(&out);
    assert_eq!(
        report["files"],
        serde_json::json!(["flow.asl.json"]),
        "{report}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

// ---- explain, help, version ---------------------------------------------------------

#[test]
fn explain_prints_the_rule_with_examples() {
    let out = lint(&["--explain", "CFN003"]);
    assert_eq!(code(&out), 0);
    assert_snapshot("explain-cfn003", &stdout(&out));
}

#[test]
fn explain_unknown_code_exits_two() {
    let out = lint(&["--explain", "CFN999"]);
    assert_eq!(code(&out), 2);
}

#[test]
fn help_documents_the_exit_codes() {
    let out = lint(&["--help"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("EXIT STATUS"));
    assert!(text.contains("2  usage error"));
}

#[test]
fn list_rules_includes_model_and_template_rules() {
    let out = lint(&["--list-rules"]);
    assert_eq!(code(&out), 0);
    let text = stdout(&out);
    assert!(text.contains("CFN001"));
    assert!(text.contains("ASL001"), "{text}");
}

#[test]
fn skip_unrecognized_skips_named_files_that_are_not_definitions() {
    let out = lint(&[
        "--skip-unrecognized",
        "--format=json",
        "tree/package.json",
        "tree/greeting.asl.json",
    ]);
    assert_eq!(code(&out), 0, "{}", stdout(&out));
    assert_eq!(
        json(&out)["files"],
        serde_json::json!(["tree/greeting.asl.json"])
    );
}

#[test]
fn named_file_that_is_not_utf8_exits_two() {
    let dir = scratch_repo("binary");
    std::fs::write(dir.join("blob.json"), [0xff, 0xfe, 0x00, 0x7b]).expect("write");
    let out = run_in(&dir, &["--no-config", "blob.json", "flow.asl.json"], None);
    assert_eq!(code(&out), 2);
    assert!(
        stderr(&out).contains("blob.json: not valid UTF-8"),
        "{}",
        stderr(&out)
    );
    // A directory search skips it instead.
    let out = run_in(&dir, &["--no-config", "--format=json", "."], None);
    assert_eq!(code(&out), 1, "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn definition_uri_file_found_twice_is_listed_once() {
    let out = lint(&["--format=json", "templates"]);
    let report = json(&out);
    let files: Vec<&str> = report["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter_map(Value::as_str)
        .collect();
    let checkout = files
        .iter()
        .filter(|f| **f == "templates/flows/checkout.asl.json")
        .count();
    assert_eq!(checkout, 1, "{files:?}");
}

// ---- user request schemas -------------------------------------------------------------

#[test]
fn user_schemas_add_parameter_checks() {
    let without = lint(&["custom/ship.asl.json"]);
    assert_eq!(code(&without), 0, "{}", stdout(&without));
    let with = lint(&[
        "--format=json",
        "--schemas",
        "schemas",
        "custom/ship.asl.json",
    ]);
    assert_eq!(code(&with), 1);
    assert_eq!(codes(&json(&with)), ["ASL050"]);
}

#[test]
fn configured_schemas_are_relative_to_the_configuration() {
    let dir = scratch_repo("schemas");
    std::fs::create_dir_all(dir.join("shapes")).expect("shapes dir");
    std::fs::copy(
        fixtures().join("schemas/ship.json"),
        dir.join("shapes/ship.json"),
    )
    .expect("copy");
    std::fs::copy(
        fixtures().join("custom/ship.asl.json"),
        dir.join("ship.asl.json"),
    )
    .expect("copy");
    std::fs::write(dir.join("asl-lint.toml"), "schemas = \"shapes\"\n").expect("config");
    let sub = dir.join("sub");
    std::fs::create_dir_all(&sub).expect("subdir");
    let out = run_in(&sub, &["--format=json", "../ship.asl.json"], None);
    assert_eq!(codes(&json(&out)), ["ASL050"], "{}", stderr(&out));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn missing_schema_folder_exits_two() {
    let out = lint(&["--schemas", "no-such-folder", "custom/ship.asl.json"]);
    assert_eq!(code(&out), 2);
    assert!(stderr(&out).contains("no-such-folder"), "{}", stderr(&out));
}

#[test]
fn template_on_stdin_resolves_definition_uri_next_to_its_name() {
    let text =
        std::fs::read_to_string(fixtures().join("templates/definition-uri.yaml")).expect("fixture");
    let out = lint_stdin(
        &[
            "--format=json",
            "--stdin-filename",
            "templates/definition-uri.yaml",
            "-",
        ],
        &text,
    );
    let report = json(&out);
    // Checkout's file is found (its placeholder is reported), Refund's is not.
    let mut found = codes(&report);
    found.sort();
    assert_eq!(found, ["CFN001", "CFN003"], "{report}");
}

#[test]
fn sub_resource_in_a_yaml_definition_is_checked_in_place() {
    let out = lint(&["--format=json", "templates/sub-resource.yaml"]);
    assert_eq!(code(&out), 1);
    let report = json(&out);
    assert_eq!(codes(&report), ["ASL041"], "{report}");
    let span = &report["diagnostics"][0]["span"];
    // `.sync` after `!Sub arn:aws:states:::lambda:invoke` on line 10.
    assert_eq!(
        (span["startLine"].as_u64(), span["startColumn"].as_u64()),
        (Some(10), Some(58))
    );
}
