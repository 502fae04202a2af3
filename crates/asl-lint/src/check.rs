//! Checking one input: a definition file, or a template with state machines.

use std::path::Path;

use asl_model::{Arena, Diagnostic, Node, SourceFormat, Span};

use crate::backend::{self, Settings};
use crate::discover::is_definition_name;
use crate::mapped::MappedText;
use crate::template::{self, Substitutions, Unit};

/// A file findings point into.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SourceFile {
    pub name: String,
    pub text: String,
}

/// A diagnostic in a file of the same [`Checked`].
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Finding {
    pub file: usize,
    pub diagnostic: Diagnostic,
}

/// What checking one input produced. `files[0]` is the input itself; a SAM
/// `DefinitionUri` adds the file it names.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Checked {
    pub files: Vec<SourceFile>,
    pub findings: Vec<Finding>,
}

impl Checked {
    fn single(name: String, text: String, diagnostics: Vec<Diagnostic>) -> Checked {
        Checked {
            files: vec![SourceFile { name, text }],
            findings: diagnostics
                .into_iter()
                .map(|diagnostic| Finding {
                    file: 0,
                    diagnostic,
                })
                .collect(),
        }
    }
}

/// Checks one text. `explicit` inputs are always checked; searched ones are
/// skipped (`None`) unless they are definitions or templates with a state
/// machine. `base_dir` is where a template's relative `DefinitionUri` starts.
pub fn check_text(
    name: String,
    text: String,
    explicit: bool,
    base_dir: &Path,
    settings: &Settings,
) -> Option<Checked> {
    let format = SourceFormat::from_path(&name).unwrap_or_else(|| SourceFormat::sniff(&text));
    if is_definition_name(&name) {
        let diagnostics = backend::analyze(&text, format, settings);
        return Some(Checked::single(name, text, diagnostics));
    }
    // Cheap test before parsing: every definition has `States`, every template
    // with a state machine names its type.
    if !explicit && !text.contains("States") && !text.contains("StateMachine") {
        return None;
    }
    let arena = Arena::for_text(&text);
    let root = match backend::parse(&text, format, &arena) {
        Ok(root) => root,
        Err(syntax) => {
            return (explicit || text.contains("StartAt"))
                .then(|| Checked::single(name, text, vec![syntax]));
        }
    };
    if template::is_template(&root) {
        let checked = check_template(name, &text, format, &root, base_dir, settings);
        // A searched template without state machines is not ours to report on.
        return (explicit
            || !checked.findings.is_empty()
            || checked.files.len() > 1
            || has_machine(&root))
        .then_some(checked);
    }
    // A searched file needs both top-level fields to count as a definition.
    if explicit || (root.get("States").is_some() && root.get("StartAt").is_some()) {
        let diagnostics = backend::analyze_tree(&root, &text, &arena, settings);
        return Some(Checked::single(name, text, diagnostics));
    }
    None
}

fn has_machine(root: &Node) -> bool {
    root.get("Resources")
        .and_then(Node::as_object)
        .unwrap_or(&[])
        .iter()
        .any(|r| {
            matches!(
                r.value.get("Type").and_then(Node::as_str),
                Some(template::STEP_FUNCTIONS_TYPE | template::SERVERLESS_TYPE)
            )
        })
}

fn check_template(
    name: String,
    text: &str,
    format: SourceFormat,
    root: &Node,
    base_dir: &Path,
    settings: &Settings,
) -> Checked {
    let extracted = template::extract(text, format, root, base_dir);
    let mut checked = Checked::single(name, text.to_owned(), extracted.findings);
    let push = |checked: &mut Checked, file: usize, diagnostic: Diagnostic| {
        checked.findings.push(Finding { file, diagnostic });
    };
    for machine in extracted.machines {
        let settings = &Settings {
            express: settings.express || machine.express,
            // `${…}` is how templates pass ARNs in; never forbidden here.
            forbid_placeholders: false,
            schemas: settings.schemas.clone(),
        };
        let id = &machine.logical_id;
        let subs = &machine.substitutions;
        match machine.unit {
            Unit::InPlace {
                text: blanked,
                format,
                region,
                replaced,
            } => {
                for diagnostic in backend::analyze(&blanked, format, settings) {
                    push(&mut checked, 0, diagnostic);
                }
                let inside = text.get(region.range()).unwrap_or("");
                for (span, placeholder) in template::placeholders(inside) {
                    let span = span.offset_by(region.start);
                    let in_call = replaced.iter().any(|r| r.contains(span));
                    if !in_call && !subs.values.contains_key(placeholder) {
                        push(
                            &mut checked,
                            0,
                            template::undefined_placeholder(placeholder, span, id, subs),
                        );
                    }
                }
            }
            Unit::Mapped {
                mut text,
                check_placeholders,
            } => {
                if check_placeholders {
                    for (span, placeholder) in template::placeholders(text.text()) {
                        if !text.is_synthetic(span) && !subs.values.contains_key(placeholder) {
                            let diagnostic = template::undefined_placeholder(
                                placeholder,
                                text.map(span),
                                id,
                                subs,
                            );
                            push(&mut checked, 0, diagnostic);
                        }
                    }
                }
                let format = SourceFormat::sniff(text.text());
                if format == SourceFormat::Json {
                    template::neutralize_bare_placeholders(&mut text, subs);
                }
                for diagnostic in backend::analyze(text.text(), format, settings) {
                    push(&mut checked, 0, map_diagnostic(diagnostic, &text));
                }
            }
            Unit::External { path, reference } => {
                check_external(&mut checked, &path, reference, id, subs, settings);
            }
        }
    }
    checked
}

/// A SAM `DefinitionUri` file: its findings point into that file.
fn check_external(
    checked: &mut Checked,
    path: &Path,
    reference: Span,
    logical_id: &str,
    subs: &Substitutions,
    settings: &Settings,
) {
    let text = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) => {
            checked.findings.push(Finding {
                file: 0,
                diagnostic: Diagnostic::error(
                    template::codes::DEFINITION_URI_UNREADABLE,
                    format!("cannot read the `DefinitionUri` of `{logical_id}`: {e}"),
                    reference,
                ),
            });
            return;
        }
    };
    let name = crate::discover::display(path);
    let format = SourceFormat::from_path(&name).unwrap_or_else(|| SourceFormat::sniff(&text));
    let file = checked.files.len();
    for diagnostic in backend::analyze(&text, format, settings) {
        checked.findings.push(Finding { file, diagnostic });
    }
    for (span, placeholder) in template::placeholders(&text) {
        if !subs.values.contains_key(placeholder) {
            checked.findings.push(Finding {
                file,
                diagnostic: template::undefined_placeholder(placeholder, span, logical_id, subs)
                    .with_note(format!(
                        "this file is the `DefinitionUri` of `{logical_id}`"
                    )),
            });
        }
    }
    checked.files.push(SourceFile { name, text });
}

/// Moves a diagnostic on decoded `DefinitionString` text into the template.
fn map_diagnostic(mut diagnostic: Diagnostic, text: &MappedText) -> Diagnostic {
    diagnostic.span = text.map(diagnostic.span);
    for (span, _) in &mut diagnostic.secondary {
        *span = text.map(*span);
    }
    diagnostic
}
