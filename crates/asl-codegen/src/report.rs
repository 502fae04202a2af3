//! Definition diagnostics turned into what rustc shows: errors become `compile_error!` at the
//! culprit token (inline input) or at the path literal with a `file:line:col` and a rendered
//! snippet (file input); warnings become deprecation warnings (the only user-visible warning a
//! proc macro can raise on stable Rust).

use asl_model::{Diagnostic, Severity};
use codespan_reporting::diagnostic::{Diagnostic as Report, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;
use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

use crate::error::Error;
use crate::inline::InlineSource;

/// Where the definition text came from, for placing and wording diagnostics.
pub enum Origin<'a> {
    Inline(&'a InlineSource),
    File {
        /// The path as the user wrote it (relative to the manifest directory).
        path: &'a str,
        text: &'a str,
        literal: Span,
    },
}

impl Origin<'_> {
    pub fn text(&self) -> &str {
        match self {
            Origin::Inline(source) => &source.text,
            Origin::File { text, .. } => text,
        }
    }

    /// The token a diagnostic points at.
    pub fn span_of(&self, range: asl_model::Span) -> Span {
        match self {
            Origin::Inline(source) => source.span_for(range.start, range.end),
            Origin::File { literal, .. } => *literal,
        }
    }
}

/// The message shown by rustc for one diagnostic.
pub fn message(diagnostic: &Diagnostic, origin: &Origin<'_>) -> String {
    let mut out = format!("{} [{}]", diagnostic.message, diagnostic.code);
    match origin {
        Origin::Inline(_) => {
            if let Some(label) = &diagnostic.label
                && !diagnostic.message.contains(label.as_str())
            {
                out.push_str(&format!("\n  = note: {label}"));
            }
            let text = origin.text();
            for (span, label) in &diagnostic.secondary {
                match span.slice(text) {
                    Some(snippet) if !snippet.is_empty() && snippet.len() <= 80 => {
                        out.push_str(&format!("\n  = note: {label}: `{snippet}`"));
                    }
                    _ => out.push_str(&format!("\n  = note: {label}")),
                }
            }
            for note in &diagnostic.notes {
                out.push_str(&format!("\n  = note: {note}"));
            }
            if let Some(help) = &diagnostic.help {
                out.push_str(&format!("\n  = help: {help}"));
            }
        }
        Origin::File { path, text, .. } => {
            let (line, col) = asl_model::source::line_col(text, diagnostic.span.start);
            out = format!(
                "{path}:{line}:{col}: {out}\n{}",
                render(diagnostic, path, text)
            );
        }
    }
    out
}

/// A plain (colourless) codespan-reporting rendering of the diagnostic over the file.
fn render(diagnostic: &Diagnostic, path: &str, text: &str) -> String {
    let file = SimpleFile::new(path, text);
    let mut report = match diagnostic.severity {
        Severity::Error => Report::error(),
        Severity::Warning => Report::warning(),
        Severity::Note => Report::note(),
    }
    .with_code(diagnostic.code)
    .with_message(&diagnostic.message);
    let clamp = |span: asl_model::Span| span.start.min(text.len())..span.end.min(text.len());
    let mut labels = vec![
        Label::primary((), clamp(diagnostic.span))
            .with_message(diagnostic.label.clone().unwrap_or_default()),
    ];
    for (span, label) in &diagnostic.secondary {
        labels.push(Label::secondary((), clamp(*span)).with_message(label));
    }
    let mut notes = diagnostic.notes.clone();
    if let Some(help) = &diagnostic.help {
        notes.push(format!("help: {help}"));
    }
    report = report.with_labels(labels).with_notes(notes);
    let config = term::Config::default();
    let rendered = term::emit_into_string(&config, &file, &report).unwrap_or_default();
    // The first line repeats the message, which the caller already puts first.
    let snippet = rendered.split_once('\n').map_or("", |(_, rest)| rest);
    snippet.trim_end().to_owned()
}

/// Errors of the definition, each placed at its token.
pub fn errors(diagnostics: &[Diagnostic], origin: &Origin<'_>) -> Vec<Error> {
    diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| Error::new(origin.span_of(d.span), message(d, origin)))
        .collect()
}

/// Warnings of the definition as deprecation warnings at their tokens. A `const` marked
/// `#[deprecated(note = …)]` is used at the culprit's span; rustc then reports "use of deprecated
/// constant `_::asl_definition_warning`" followed by our message. (Stable Rust has no API for a
/// proc macro to emit a warning; this is the established workaround.) `Note` diagnostics are not
/// shown.
pub fn warnings(diagnostics: &[Diagnostic], origin: &Origin<'_>) -> TokenStream {
    let mut out = TokenStream::new();
    for diagnostic in diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Warning)
    {
        let span = origin.span_of(diagnostic.span);
        let note = message(diagnostic, origin);
        // Every token carries the culprit's span: rustc then treats the use as written there.
        out.extend(quote_spanned! {span=>
            const _: () = {
                #[deprecated(note = #note)]
                #[allow(non_upper_case_globals)]
                const asl_definition_warning: () = ();
                let _ = asl_definition_warning;
            };
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn diagnostic() -> Diagnostic {
        Diagnostic::error(
            "ASL030",
            "`Next` `B` names no state",
            asl_model::Span::new(30, 33),
        )
        .with_label("no state with this name")
        .with_help("did you mean `Bee`?")
        .with_note("targets are case-sensitive")
    }

    const TEXT: &str = "{\n  \"StartAt\": \"A\",\n  \"States\": { \"A\": { \"Next\": \"B\" } }\n}";

    #[test]
    fn file_messages_start_with_path_line_and_column() {
        let origin = Origin::File {
            path: "flows/a.asl.json",
            text: TEXT,
            literal: Span::call_site(),
        };
        let text = message(&diagnostic(), &origin);
        assert!(text.starts_with("flows/a.asl.json:3:"), "{text}");
        assert!(text.contains("[ASL030]"));
    }

    #[test]
    fn file_messages_carry_a_plain_snippet() {
        let origin = Origin::File {
            path: "flows/a.asl.json",
            text: TEXT,
            literal: Span::call_site(),
        };
        let text = message(&diagnostic(), &origin);
        assert!(text.contains("no state with this name"), "{text}");
        assert!(text.contains("help: did you mean `Bee`?"), "{text}");
        assert!(!text.contains('\u{1b}'), "no colour codes: {text}");
    }

    #[test]
    fn inline_messages_list_label_notes_and_help() {
        let source = InlineSource::from_group(&proc_macro2::Group::new(
            proc_macro2::Delimiter::Brace,
            TokenStream::new(),
        ));
        let text = message(&diagnostic(), &Origin::Inline(&source));
        assert_eq!(
            text,
            "`Next` `B` names no state [ASL030]\n  = note: no state with this name\n  = note: targets are case-sensitive\n  = help: did you mean `Bee`?"
        );
    }

    #[test]
    fn warnings_become_deprecated_constants() {
        let source = InlineSource::from_group(&proc_macro2::Group::new(
            proc_macro2::Delimiter::Brace,
            TokenStream::new(),
        ));
        let warning = diagnostic().with_severity(Severity::Warning);
        let out = warnings(&[warning], &Origin::Inline(&source)).to_string();
        assert!(out.contains("deprecated"), "{out}");
        assert!(
            errors(
                &[diagnostic().with_severity(Severity::Warning)],
                &Origin::Inline(&source)
            )
            .is_empty()
        );
    }
}
