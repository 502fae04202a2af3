//! The calls into `asl-model`, in one place.

use asl_model::{Arena, Diagnostic, Node, SourceFormat};

use crate::rules::RuleInfo;

/// What the analysis is told about the machine.
#[derive(Clone, Debug, Default)]
pub struct Settings {
    pub express: bool,
    pub forbid_placeholders: bool,
    /// Request shapes: the model's built-in ones plus the user's (`--schemas`).
    pub schemas: asl_model::SchemaRegistry,
}

/// Reads a document into the spanned tree (to classify it and find template resources).
// The error is the model's own diagnostic, produced once per unreadable file.
#[allow(clippy::result_large_err)]
pub fn parse<'a>(
    text: &'a str,
    format: SourceFormat,
    arena: &'a Arena,
) -> Result<Node<'a>, Diagnostic> {
    match format {
        SourceFormat::Json => asl_model::parse_json(text, arena),
        SourceFormat::Yaml => asl_model::parse_yaml(text, arena),
    }
}

fn options(settings: &Settings) -> asl_model::Options {
    asl_model::Options {
        express: settings.express,
        forbid_cfn_placeholders: settings.forbid_placeholders,
        schemas: settings.schemas.clone(),
    }
}

/// Every finding of the model on one definition text.
pub fn analyze(text: &str, format: SourceFormat, settings: &Settings) -> Vec<Diagnostic> {
    asl_model::diagnostics(text, format, &options(settings))
}

/// [`analyze`] for a definition whose tree was already read into `arena`.
pub fn analyze_tree<'a>(
    root: &Node<'a>,
    text: &str,
    arena: &'a Arena,
    settings: &Settings,
) -> Vec<Diagnostic> {
    asl_model::analyze_tree(root, text, arena, &options(settings)).diagnostics
}

/// The model's rule table.
pub fn model_rules() -> impl Iterator<Item = RuleInfo> {
    asl_model::RULES.iter().map(|rule| RuleInfo {
        code: rule.code,
        name: rule.name,
        group: rule.group,
        severity: rule.severity,
        summary: rule.summary,
        explanation: rule.explanation,
        bad: rule.bad,
        good: rule.good,
    })
}
