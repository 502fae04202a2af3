//! Output formats: human (codespan-reporting), json, sarif, github.
//!
//! Every renderer reads the same [`Report`]: files, findings already sorted
//! by file and position with spans clamped to their file, and counts.
//!
//! The machine formats serialize borrowed structs straight to text rather
//! than building a `serde_json::Value` tree first: the fields are written in
//! declaration order, which is the documented order, and nothing is copied.

use std::collections::HashMap;
use std::fmt::Write as _;

use asl_model::{Severity, Span};
use codespan_reporting::diagnostic::{Diagnostic as Rendered, Label, Severity as RenderedSeverity};
use codespan_reporting::files::SimpleFiles;
use codespan_reporting::term::{self, termcolor::Buffer};
use serde::Serialize;

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
    /// binary search rather than a scan of the file. Left empty for files
    /// without findings, which are never located.
    line_starts: Vec<Vec<usize>>,
    /// Whether any finding points into each file.
    has_findings: Vec<bool>,
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
    // A plain byte loop: lines are short, and a `memchr` call per line costs
    // more than it saves.
    let mut starts = vec![0];
    starts.extend(
        text.bytes()
            .enumerate()
            .filter(|&(_, b)| b == b'\n')
            .map(|(i, _)| i + 1),
    );
    starts
}

impl<'a> Report<'a> {
    pub fn new(files: &'a [SourceFile], findings: &'a [Finding], checked: usize) -> Report<'a> {
        let mut has_findings = vec![false; files.len()];
        for finding in findings {
            if let Some(flag) = has_findings.get_mut(finding.file) {
                *flag = true;
            }
        }
        let line_starts = files
            .iter()
            .zip(&has_findings)
            .map(|(f, &used)| {
                if used {
                    line_starts(&f.text)
                } else {
                    Vec::new()
                }
            })
            .collect();
        Report {
            files,
            findings,
            checked,
            line_starts,
            has_findings,
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
        for (file, &used) in report.files.iter().zip(&report.has_findings) {
            // `SimpleFiles` indexes the lines of every text it is given; a
            // file without findings is never shown, so it gets none.
            let text = if used { file.text.as_str() } else { "" };
            files.add(file.name.as_str(), text);
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

#[derive(Serialize)]
struct JsonReport<'r> {
    version: u32,
    tool: Tool,
    summary: JsonSummary,
    files: Vec<&'r str>,
    diagnostics: Vec<JsonDiagnostic<'r>>,
}

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct JsonSummary {
    files: usize,
    errors: usize,
    warnings: usize,
    notes: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'r> {
    file: &'r str,
    code: &'r str,
    rule: Option<&'static str>,
    group: Option<&'static str>,
    severity: &'static str,
    message: &'r str,
    label: Option<&'r str>,
    span: JsonSpan,
    secondary: Vec<JsonSecondary<'r>>,
    notes: &'r [String],
    help: Option<&'r str>,
}

#[derive(Serialize)]
struct JsonSecondary<'r> {
    message: &'r str,
    span: JsonSpan,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct JsonSpan {
    start: usize,
    end: usize,
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

fn span_json(at: Locator<'_>, span: Span) -> JsonSpan {
    let start = at.position(span.start);
    let end = at.position(span.end);
    JsonSpan {
        start: span.start,
        end: span.end,
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
    }
}

/// The `json` format (schema documented in the README, versioned by
/// [`JSON_SCHEMA_VERSION`]).
pub fn json(report: &Report<'_>) -> Vec<u8> {
    let diagnostics: Vec<JsonDiagnostic<'_>> = report
        .findings
        .iter()
        .filter_map(|finding| {
            let file = report.file(finding)?;
            let at = report.locator(finding.file)?;
            let d = &finding.diagnostic;
            let rule = rules::find(d.code);
            Some(JsonDiagnostic {
                file: &file.name,
                code: d.code,
                rule: rule.map(|r| r.name),
                group: rule.map(|r| r.group),
                severity: d.severity.as_str(),
                message: &d.message,
                label: d.label.as_deref(),
                span: span_json(at, d.span),
                secondary: d
                    .secondary
                    .iter()
                    .map(|(span, message)| JsonSecondary {
                        message,
                        span: span_json(at, *span),
                    })
                    .collect(),
                notes: &d.notes,
                help: d.help.as_deref(),
            })
        })
        .collect();
    pretty(&JsonReport {
        version: JSON_SCHEMA_VERSION,
        tool: Tool {
            name: "asl-lint",
            version: env!("CARGO_PKG_VERSION"),
        },
        summary: JsonSummary {
            files: report.checked,
            errors: report.count(Severity::Error),
            warnings: report.count(Severity::Warning),
            notes: report.count(Severity::Note),
        },
        files: file_names(report),
        diagnostics,
    })
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

fn pretty(value: &impl Serialize) -> Vec<u8> {
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

/// Code points before each line start of one file (parallel to its line
/// starts), so a SARIF `charOffset` is a line lookup plus a column.
fn line_chars(text: &str, line_starts: &[usize]) -> Vec<usize> {
    let mut chars = 0;
    let mut previous = 0;
    line_starts
        .iter()
        .map(|&start| {
            chars += char_count(text.as_bytes().get(previous..start).unwrap_or(&[]));
            previous = start;
            chars
        })
        .collect()
}

/// Code points in UTF-8 bytes: every byte that is not a continuation byte.
fn char_count(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| (b & 0xC0) != 0x80).count()
}

/// Where SARIF counts code points: a file's [`Locator`] plus the code
/// points before each of its lines.
#[derive(Clone, Copy)]
struct CharLocator<'t> {
    at: Locator<'t>,
    line_chars: &'t [usize],
}

impl CharLocator<'_> {
    /// Code points before `offset`, an offset on a character boundary.
    fn char_offset(&self, offset: usize) -> usize {
        let position = self.at.position(offset);
        self.line_chars.get(position.line - 1).copied().unwrap_or(0) + position.column - 1
    }
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
    char_offset: usize,
    char_length: usize,
}

/// SARIF region: 1-based lines and columns, end column exclusive, columns
/// in Unicode code points (declared by the run's `columnKind`).
fn sarif_region(at: CharLocator<'_>, span: Span) -> SarifRegion {
    let text = at.at.text;
    let start = at.at.position(span.start);
    let end = at.at.position(span.end);
    // Counted in code points like the columns (`columnKind`), not bytes;
    // zero where the span is not a valid range of the text.
    let char_offset = if text.is_char_boundary(span.start) {
        at.char_offset(span.start)
    } else {
        0
    };
    let char_length = if text.get(span.range()).is_some() {
        at.char_offset(span.end) - char_offset
    } else {
        0
    };
    SarifRegion {
        start_line: start.line,
        start_column: start.column,
        end_line: end.line,
        end_column: end.column,
        char_offset,
        char_length,
    }
}

#[derive(Serialize)]
struct Text<T> {
    text: T,
}

#[derive(Serialize)]
struct SarifHelp {
    text: String,
    markdown: String,
}

#[derive(Serialize)]
struct SarifConfiguration {
    level: &'static str,
}

#[derive(Serialize)]
struct SarifTags {
    tags: [&'static str; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRule {
    id: &'static str,
    name: &'static str,
    short_description: Text<&'static str>,
    full_description: Text<&'static str>,
    help: SarifHelp,
    default_configuration: SarifConfiguration,
    properties: SarifTags,
}

fn sarif_rule(rule: &RuleInfo) -> SarifRule {
    let markdown = format!(
        "{}\n\nFails:\n\n```\n{}\n```\n\nPasses:\n\n```\n{}\n```\n",
        rule.explanation,
        rule.bad.trim_end(),
        rule.good.trim_end()
    );
    SarifRule {
        id: rule.code,
        name: rule.name,
        short_description: Text { text: rule.summary },
        full_description: Text {
            text: rule.explanation,
        },
        help: SarifHelp {
            text: format!(
                "{}\n\nRun `asl-lint --explain {}` for examples.",
                rule.explanation, rule.code
            ),
            markdown,
        },
        default_configuration: SarifConfiguration {
            level: sarif_level(rule.severity),
        },
        properties: SarifTags { tags: [rule.group] },
    }
}

#[derive(Serialize)]
struct SarifLog<'r> {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [SarifRun<'r>; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRun<'r> {
    tool: SarifTool,
    column_kind: &'static str,
    results: Vec<SarifResult<'r>>,
}

#[derive(Serialize)]
struct SarifTool {
    driver: SarifDriver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifDriver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<SarifRule>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'r> {
    rule_id: &'r str,
    level: &'static str,
    message: Text<String>,
    locations: [SarifLocation<'r>; 1],
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    related_locations: Option<Vec<SarifLocation<'r>>>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation<'r> {
    physical_location: SarifPhysical<'r>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text<&'r str>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical<'r> {
    artifact_location: SarifArtifact<'r>,
    region: SarifRegion,
}

#[derive(Serialize)]
struct SarifArtifact<'r> {
    uri: &'r str,
}

fn sarif_location<'r>(
    uri: &'r str,
    at: CharLocator<'_>,
    span: Span,
    text: Option<&'r str>,
    id: Option<usize>,
) -> SarifLocation<'r> {
    SarifLocation {
        physical_location: SarifPhysical {
            artifact_location: SarifArtifact { uri },
            region: sarif_region(at, span),
        },
        message: text.map(|text| Text { text }),
        id,
    }
}

/// The `sarif` format: SARIF 2.1.0 as GitHub code scanning accepts it.
pub fn sarif(report: &Report<'_>) -> Vec<u8> {
    let table: Vec<RuleInfo> = rules::all().collect();
    // The first rule with each code, as a linear search would find it.
    let mut rule_index: HashMap<&str, usize> = HashMap::with_capacity(table.len());
    for (index, rule) in table.iter().enumerate() {
        rule_index.entry(rule.code).or_insert(index);
    }
    // Per file, computed once: its URI and the code points before each line.
    let uris: Vec<String> = report
        .files
        .iter()
        .zip(&report.has_findings)
        .map(|(f, &used)| {
            if used {
                sarif_uri(&f.name)
            } else {
                String::new()
            }
        })
        .collect();
    let line_char_counts: Vec<Vec<usize>> = report
        .files
        .iter()
        .zip(&report.line_starts)
        .map(|(f, starts)| line_chars(&f.text, starts))
        .collect();
    let results: Vec<SarifResult<'_>> = report
        .findings
        .iter()
        .filter_map(|finding| {
            let at = CharLocator {
                at: report.locator(finding.file)?,
                line_chars: line_char_counts.get(finding.file)?,
            };
            let uri = uris.get(finding.file)?.as_str();
            let d = &finding.diagnostic;
            let mut message = d.message.clone();
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            let location = |span, text, id| sarif_location(uri, at, span, text, id);
            let related_locations = (!d.secondary.is_empty()).then(|| {
                d.secondary
                    .iter()
                    .enumerate()
                    .map(|(id, (span, text))| location(*span, Some(text), Some(id)))
                    .collect()
            });
            Some(SarifResult {
                rule_id: d.code,
                level: sarif_level(d.severity),
                message: Text { text: message },
                locations: [location(d.span, d.label.as_deref(), None)],
                rule_index: rule_index.get(d.code).copied(),
                related_locations,
            })
        })
        .collect();
    pretty(&SarifLog {
        schema: "https://json.schemastore.org/sarif-2.1.0.json",
        version: "2.1.0",
        runs: [SarifRun {
            tool: SarifTool {
                driver: SarifDriver {
                    name: "asl-lint",
                    version: env!("CARGO_PKG_VERSION"),
                    information_uri: env!("CARGO_PKG_REPOSITORY"),
                    rules: table.iter().map(sarif_rule).collect(),
                },
            },
            column_kind: "unicodeCodePoints",
            results,
        }],
    })
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
            let _ = write!(out, "%{b:02X}");
        }
    }
    out
}

/// Appends `text` with the bytes `escape` names replaced, copying the runs
/// in between whole (every escaped character is ASCII, so runs end on
/// character boundaries).
fn push_escaped(out: &mut String, text: &str, escape: fn(u8) -> Option<&'static str>) {
    let mut from = 0;
    for (i, b) in text.bytes().enumerate() {
        if let Some(with) = escape(b) {
            out.push_str(text.get(from..i).unwrap_or(""));
            out.push_str(with);
            from = i + 1;
        }
    }
    out.push_str(text.get(from..).unwrap_or(""));
}

fn data_escape(b: u8) -> Option<&'static str> {
    match b {
        b'%' => Some("%25"),
        b'\r' => Some("%0D"),
        b'\n' => Some("%0A"),
        _ => None,
    }
}

fn property_escape(b: u8) -> Option<&'static str> {
    match b {
        b':' => Some("%3A"),
        b',' => Some("%2C"),
        _ => data_escape(b),
    }
}

/// Appends `text` escaped as workflow-command data.
fn push_data(out: &mut String, text: &str) {
    push_escaped(out, text, data_escape);
}

/// Appends `text` escaped as a workflow-command property value.
fn push_property(out: &mut String, text: &str) {
    push_escaped(out, text, property_escape);
}

/// Escapes workflow-command data (the message).
pub fn escape_data(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_data(&mut out, text);
    out
}

/// Escapes a workflow-command property value (file, title).
pub fn escape_property(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    push_property(&mut out, text);
    out
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
        // Escaping is per character, so each piece is escaped as it is
        // appended rather than after assembling the whole line.
        out.push_str("::");
        out.push_str(command);
        out.push_str(" file=");
        push_property(&mut out, &file.name);
        let _ = write!(out, ",line={},endLine={}", start.line, end.line);
        // GitHub only uses columns for single-line annotations.
        if start.line == end.line {
            let _ = write!(out, ",col={},endColumn={}", start.column, end.column);
        }
        out.push_str(",title=");
        push_property(&mut out, d.code);
        if let Some(rule) = rules::find(d.code) {
            push_property(&mut out, " ");
            push_property(&mut out, rule.name);
        }
        out.push_str("::");
        push_data(&mut out, &d.message);
        if let Some(label) = &d.label {
            push_data(&mut out, " (");
            push_data(&mut out, label);
            push_data(&mut out, ")");
        }
        for note in &d.notes {
            push_data(&mut out, "\nnote: ");
            push_data(&mut out, note);
        }
        if let Some(help) = &d.help {
            push_data(&mut out, "\nhelp: ");
            push_data(&mut out, help);
        }
        out.push('\n');
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
    fn char_offsets_count_code_points_from_the_start() {
        let text = "a\u{e9}\n\u{65e5}\u{672c}\r\nx\n\n\u{1f600}z";
        let starts = line_starts(text);
        let chars = line_chars(text, &starts);
        let at = CharLocator {
            at: Locator {
                text,
                line_starts: &starts,
            },
            line_chars: &chars,
        };
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let expected = text.get(..offset).map_or(0, |t| t.chars().count());
            assert_eq!(at.char_offset(offset), expected, "offset {offset}");
        }
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
