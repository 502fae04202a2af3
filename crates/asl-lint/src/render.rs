//! Output formats: human (codespan-reporting), json, sarif, github.
//!
//! Every renderer reads the same [`Report`]: files, findings already sorted
//! by file and position with spans clamped to their file, and counts.

use asl_model::{Severity, Span};
use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as RenderedSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};
use serde_json::{Value, json};

use crate::check::{Finding, SourceFile};
use crate::rules::{self, RuleInfo};

/// Version of the `json` format's schema; bumped only on incompatible change.
pub const JSON_SCHEMA_VERSION: u32 = 1;

pub struct Report<'a> {
    pub files: &'a [SourceFile],
    pub findings: &'a [Finding],
    /// Inputs checked (templates count once, whatever they hold).
    pub checked: usize,
    /// Byte offset of every line start, per file, so positions cost a
    /// binary search rather than a scan of the file.
    line_starts: Vec<Vec<usize>>,
}

/// Turns byte offsets of one file into lines and columns.
#[derive(Clone, Copy)]
pub struct Locator<'t> {
    text: &'t str,
    line_starts: &'t [usize],
}

impl Locator<'_> {
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self
            .line_starts
            .partition_point(|&start| start <= offset)
            .max(1);
        let line_start = self.line_starts.get(line - 1).copied().unwrap_or(0);
        let column = self
            .text
            .get(line_start..offset)
            .map_or(0, |t| t.chars().count())
            + 1;
        Position { line, column }
    }
}

/// 1-based line and column; columns count Unicode scalar values.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect()
}

impl<'a> Report<'a> {
    pub fn new(files: &'a [SourceFile], findings: &'a [Finding], checked: usize) -> Report<'a> {
        Report {
            files,
            findings,
            checked,
            line_starts: files.iter().map(|f| line_starts(&f.text)).collect(),
        }
    }

    fn locator(&self, file: usize) -> Option<Locator<'_>> {
        Some(Locator {
            text: &self.files.get(file)?.text,
            line_starts: self.line_starts.get(file)?,
        })
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.diagnostic.severity == severity)
            .count()
    }

    fn file(&self, finding: &Finding) -> Option<&SourceFile> {
        self.files.get(finding.file)
    }

    /// `checked 3 files: 2 errors, 1 warning`.
    pub fn summary(&self) -> String {
        let plural = |n: usize, word: &str| {
            if n == 1 {
                format!("{n} {word}")
            } else {
                format!("{n} {word}s")
            }
        };
        let mut parts = Vec::new();
        for (severity, word) in [
            (Severity::Error, "error"),
            (Severity::Warning, "warning"),
            (Severity::Note, "note"),
        ] {
            let n = self.count(severity);
            if n > 0 {
                parts.push(plural(n, word));
            }
        }
        let files = plural(self.checked, "file");
        if parts.is_empty() {
            format!("checked {files}: no problems found")
        } else {
            format!("checked {files}: {}", parts.join(", "))
        }
    }
}

/// The `human` format: rustc-style snippets and a summary line.
pub fn human(report: &Report<'_>, color: bool, quiet: bool) -> Vec<u8> {
    let mut buffer = if color {
        Buffer::ansi()
    } else {
        Buffer::no_color()
    };
    if !quiet {
        let mut files = SimpleFiles::new();
        for file in report.files {
            files.add(file.name.as_str(), file.text.as_str());
        }
        let config = term::Config::default();
        for finding in report.findings {
            let d = &finding.diagnostic;
            let mut labels = vec![
                Label::primary(finding.file, d.span.range())
                    .with_message(d.label.clone().unwrap_or_default()),
            ];
            for (span, message) in &d.secondary {
                labels.push(
                    Label::secondary(finding.file, span.range()).with_message(message.clone()),
                );
            }
            let mut notes: Vec<String> = d.notes.iter().map(|n| format!("note: {n}")).collect();
            if let Some(help) = &d.help {
                notes.push(format!("help: {help}"));
            }
            let rendered = Rendered::new(match d.severity {
                Severity::Error => RenderedSeverity::Error,
                Severity::Warning => RenderedSeverity::Warning,
                Severity::Note => RenderedSeverity::Note,
            })
            .with_code(d.code)
            .with_message(d.message.clone())
            .with_labels(labels)
            .with_notes(notes);
            // Spans were clamped to their file, so rendering cannot fail on
            // them; an error here would be a broken writer, which a Vec is not.
            let _ = term::emit_to_write_style(&mut buffer, &config, &files, &rendered);
        }
    }
    let mut out = buffer.into_inner();
    out.extend_from_slice(report.summary().as_bytes());
    out.push(b'\n');
    out
}

fn span_json(at: Locator<'_>, span: Span) -> Value {
    let start = at.position(span.start);
    let end = at.position(span.end);
    json!({
        "start": span.start,
        "end": span.end,
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
    })
}

/// The `json` format (schema documented in the README, versioned by
/// [`JSON_SCHEMA_VERSION`]).
pub fn json(report: &Report<'_>) -> Vec<u8> {
    let diagnostics: Vec<Value> = report
        .findings
        .iter()
        .filter_map(|finding| {
            let file = report.file(finding)?;
            let at = report.locator(finding.file)?;
            let d = &finding.diagnostic;
            let rule = rules::find(d.code);
            Some(json!({
                "file": file.name,
                "code": d.code,
                "rule": rule.map(|r| r.name),
                "group": rule.map(|r| r.group),
                "severity": d.severity.as_str(),
                "message": d.message,
                "label": d.label,
                "span": span_json(at, d.span),
                "secondary": d.secondary.iter().map(|(span, message)| json!({
                    "message": message,
                    "span": span_json(at, *span),
                })).collect::<Vec<_>>(),
                "notes": d.notes,
                "help": d.help,
            }))
        })
        .collect();
    let value = json!({
        "version": JSON_SCHEMA_VERSION,
        "tool": { "name": "asl-lint", "version": env!("CARGO_PKG_VERSION") },
        "summary": {
            "files": report.checked,
            "errors": report.count(Severity::Error),
            "warnings": report.count(Severity::Warning),
            "notes": report.count(Severity::Note),
        },
        "files": file_names(report),
        "diagnostics": diagnostics,
    });
    pretty(&value)
}

/// Names of the files examined, each once (a `DefinitionUri` file may also
/// have been named directly).
fn file_names<'r>(report: &'r Report<'_>) -> Vec<&'r str> {
    let mut seen = std::collections::HashSet::new();
    report
        .files
        .iter()
        .map(|f| f.name.as_str())
        .filter(|name| seen.insert(*name))
        .collect()
}

fn pretty(value: &Value) -> Vec<u8> {
    let mut out = serde_json::to_vec_pretty(value).unwrap_or_default();
    out.push(b'\n');
    out
}

fn sarif_level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Note => "note",
    }
}

/// SARIF region: 1-based lines and columns, end column exclusive, columns
/// in Unicode code points (declared by the run's `columnKind`).
fn sarif_region(at: Locator<'_>, span: Span) -> Value {
    let text = at.text;
    let start = at.position(span.start);
    let end = at.position(span.end);
    json!({
        "startLine": start.line,
        "startColumn": start.column,
        "endLine": end.line,
        "endColumn": end.column,
        // Counted in code points like the columns (`columnKind`), not bytes.
        "charOffset": text.get(..span.start).map_or(0, |t| t.chars().count()),
        "charLength": text.get(span.range()).map_or(0, |t| t.chars().count()),
    })
}

fn sarif_rule(rule: &RuleInfo) -> Value {
    let markdown = format!(
        "{}\n\nFails:\n\n```\n{}\n```\n\nPasses:\n\n```\n{}\n```\n",
        rule.explanation,
        rule.bad.trim_end(),
        rule.good.trim_end()
    );
    json!({
        "id": rule.code,
        "name": rule.name,
        "shortDescription": { "text": rule.summary },
        "fullDescription": { "text": rule.explanation },
        "help": { "text": format!("{}\n\nRun `asl-lint --explain {}` for examples.", rule.explanation, rule.code), "markdown": markdown },
        "defaultConfiguration": { "level": sarif_level(rule.severity) },
        "properties": { "tags": [rule.group] },
    })
}

/// The `sarif` format: SARIF 2.1.0 as GitHub code scanning accepts it.
pub fn sarif(report: &Report<'_>) -> Vec<u8> {
    let table: Vec<RuleInfo> = rules::all().collect();
    let results: Vec<Value> = report
        .findings
        .iter()
        .filter_map(|finding| {
            let file = report.file(finding)?;
            let at = report.locator(finding.file)?;
            let d = &finding.diagnostic;
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str(&format!("\nhelp: {help}"));
            }
            let location = |span: Span, text: Option<&str>| {
                let mut location = json!({
                    "physicalLocation": {
                        "artifactLocation": { "uri": sarif_uri(&file.name) },
                        "region": sarif_region(at, span),
                    }
                });
                if let Some(text) = text {
                    location["message"] = json!({ "text": text });
                }
                location
            };
            let mut result = json!({
                "ruleId": d.code,
                "level": sarif_level(d.severity),
                "message": { "text": message },
                "locations": [location(d.span, d.label.as_deref())],
            });
            if let Some(index) = table.iter().position(|r| r.code == d.code) {
                result["ruleIndex"] = json!(index);
            }
            if !d.secondary.is_empty() {
                result["relatedLocations"] = d
                    .secondary
                    .iter()
                    .enumerate()
                    .map(|(id, (span, text))| {
                        let mut related = location(*span, Some(text));
                        related["id"] = json!(id);
                        related
                    })
                    .collect();
            }
            Some(result)
        })
        .collect();
    let value = json!({
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": { "driver": {
                "name": "asl-lint",
                "version": env!("CARGO_PKG_VERSION"),
                "informationUri": env!("CARGO_PKG_REPOSITORY"),
                "rules": table.iter().map(sarif_rule).collect::<Vec<_>>(),
            }},
            "columnKind": "unicodeCodePoints",
            "results": results,
        }],
    });
    pretty(&value)
}

/// A relative path as a URI reference: `/` separators, spaces and other
/// reserved characters percent-encoded.
fn sarif_uri(name: &str) -> String {
    // Absolute paths become `file://` URIs; relative ones stay relative to
    // the repository root, as code scanning expects.
    let mut out = String::with_capacity(name.len() + 7);
    if name.starts_with('/') {
        out.push_str("file://");
    }
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:".contains(&b) {
            out.push(char::from(b));
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

/// Escapes workflow-command data (the message).
pub fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a workflow-command property value (file, title).
pub fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The `github` format: one workflow command per finding, so each shows as
/// an annotation on the pull request, then the summary as a plain log line.
pub fn github(report: &Report<'_>) -> Vec<u8> {
    let mut out = String::new();
    for finding in report.findings {
        let (Some(file), Some(at)) = (report.file(finding), report.locator(finding.file)) else {
            continue;
        };
        let d = &finding.diagnostic;
        let command = match d.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "notice",
        };
        let start = at.position(d.span.start);
        let end = at.position(d.span.end);
        let mut properties = format!(
            "file={},line={},endLine={}",
            escape_property(&file.name),
            start.line,
            end.line
        );
        // GitHub only uses columns for single-line annotations.
        if start.line == end.line {
            properties.push_str(&format!(",col={},endColumn={}", start.column, end.column));
        }
        let title = match rules::find(d.code) {
            Some(rule) => format!("{} {}", d.code, rule.name),
            None => d.code.to_owned(),
        };
        properties.push_str(&format!(",title={}", escape_property(&title)));
        let mut message = d.message.clone();
        if let Some(label) = &d.label {
            message.push_str(&format!(" ({label})"));
        }
        for note in &d.notes {
            message.push_str(&format!("\nnote: {note}"));
        }
        if let Some(help) = &d.help {
            message.push_str(&format!("\nhelp: {help}"));
        }
        out.push_str(&format!(
            "::{command} {properties}::{}\n",
            escape_data(&message)
        ));
    }
    out.push_str(&report.summary());
    out.push('\n');
    out.into_bytes()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_and_line_breaks() {
        assert_eq!(escape_data("100%\r\ndone"), "100%25%0D%0Adone");
    }

    #[test]
    fn properties_also_escape_colon_and_comma() {
        assert_eq!(escape_property("a:b,c%\n"), "a%3Ab%2Cc%25%0A");
    }

    #[test]
    fn absolute_paths_become_file_uris() {
        assert_eq!(sarif_uri("/repo/a.asl.json"), "file:///repo/a.asl.json");
    }

    #[test]
    fn sarif_uris_encode_spaces() {
        assert_eq!(
            sarif_uri("my flows/a b.asl.json"),
            "my%20flows/a%20b.asl.json"
        );
    }

    fn locate(text: &str, offset: usize) -> Position {
        let starts = line_starts(text);
        Locator {
            text,
            line_starts: &starts,
        }
        .position(offset)
    }

    #[test]
    fn position_is_one_based_in_characters() {
        assert_eq!(locate("ab\n\u{e9}x", 5), Position { line: 2, column: 2 });
    }

    #[test]
    fn position_of_a_line_break_is_the_end_of_its_line() {
        assert_eq!(locate("ab\ncd", 2), Position { line: 1, column: 3 });
        assert_eq!(locate("ab\ncd", 3), Position { line: 2, column: 1 });
    }

    #[test]
    fn position_inside_a_character_is_that_character() {
        assert_eq!(locate("\u{e9}x", 1), Position { line: 1, column: 1 });
    }

    #[test]
    fn position_past_the_end_is_the_end() {
        assert_eq!(locate("ab", 99), Position { line: 1, column: 3 });
    }
}
