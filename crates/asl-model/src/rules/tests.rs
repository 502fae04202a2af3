//! Tests of the rule table and the `analyze` driver.

use super::*;
use crate::source::SourceFormat;

/// Examples in the table that are descriptions rather than definitions.
fn is_description(example: &str) -> bool {
    example.starts_with('(')
}

fn options_for(code: &str) -> Options {
    Options {
        express: code == codes::EXPRESS_UNSUPPORTED,
        forbid_cfn_placeholders: code == codes::CFN_PLACEHOLDER,
        ..Options::default()
    }
}

fn run(text: &str, options: &Options) -> Analysis {
    analyze(text, SourceFormat::Json, options)
}

#[test]
fn codes_are_unique() {
    let mut seen = std::collections::HashSet::new();
    for r in RULES {
        assert!(seen.insert(r.code), "{} listed twice", r.code);
        assert!(r.code.starts_with("ASL") && r.code.len() == 6, "{}", r.code);
    }
}

#[test]
fn every_bad_example_triggers_its_rule() {
    let mut failures = Vec::new();
    for r in RULES.iter().filter(|r| !is_description(r.bad)) {
        let a = run(r.bad, &options_for(r.code));
        match a.diagnostics.iter().find(|d| d.code == r.code) {
            Some(d) if d.severity == r.severity => {}
            _ => failures.push(format!("{} ({}): {:?}", r.code, r.name, a.diagnostics)),
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn every_good_example_is_free_of_its_rule_and_of_errors() {
    let mut failures = Vec::new();
    for r in RULES {
        let a = run(r.good, &options_for(r.code));
        let bad: Vec<_> = a
            .diagnostics
            .iter()
            .filter(|d| d.code == r.code || d.is_error())
            .collect();
        if !bad.is_empty() || a.machine.is_none() {
            failures.push(format!("{} ({}): {bad:?}", r.code, r.name));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}

#[test]
fn deep_nesting_example_matches_the_reader() {
    let text = format!("{}{}", "[".repeat(600), "]".repeat(600));
    let a = run(&text, &Options::default());
    assert_eq!(a.diagnostics.first().map(|d| d.code), Some(codes::TOO_DEEP));
}

#[test]
fn oversized_definition_is_reported_at_the_start() {
    let filler = "x".repeat(crate::catalog::limits::MAX_DEFINITION_BYTES);
    let text = format!(
        r#"{{"StartAt": "A", "Comment": "{filler}", "States": {{"A": {{"Type": "Succeed"}}}}}}"#
    );
    let a = run(&text, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::DEFINITION_TOO_LARGE);
    assert_eq!(d.map(|d| d.span), Some(Span::new(0, 0)));
}

#[test]
fn every_emitted_code_is_in_the_table() {
    // Every code constant the crate defines has a table entry.
    let source = include_str!("mod.rs").to_owned() + include_str!("../diagnostic.rs");
    for line in source.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("pub const ")
            && let Some((_, value)) = rest.split_once("= \"")
        {
            let code = value.trim_end_matches("\";");
            assert!(rule(code).is_some(), "{code} has no entry in RULES");
        }
    }
}

#[test]
fn unreadable_text_gives_no_model_and_one_syntax_error() {
    let a = run("{\"StartAt\": ", &Options::default());
    assert!(a.machine.is_none());
    assert_eq!(a.diagnostics.len(), 1);
    assert_eq!(a.diagnostics[0].code, codes::SYNTAX);
}

#[test]
fn yaml_definitions_are_analyzed_like_json() {
    let text = "StartAt: A\nStates:\n  A:\n    Type: Pass\n    Next: Missing\n";
    let a = analyze(text, SourceFormat::Yaml, &Options::default());
    let d = a
        .diagnostics
        .iter()
        .find(|d| d.code == codes::UNKNOWN_TARGET);
    assert_eq!(d.and_then(|d| d.span.slice(text)), Some("Missing"));
}

#[test]
fn diagnostics_come_in_source_order() {
    let text = r#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "X"}, "B": {"Type": "Pass", "Next": "Y"}}}"#;
    let a = run(text, &Options::default());
    let starts: Vec<usize> = a.diagnostics.iter().map(|d| d.span.start).collect();
    let mut sorted = starts.clone();
    sorted.sort_unstable();
    assert_eq!(starts, sorted);
}
