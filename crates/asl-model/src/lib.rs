#![forbid(unsafe_code)]
//! The definition model of Amazon States Language: spanned source tree,
//! typed model, diagnostics, catalog and rules.
//!
//! The entry point is [`analyze`]: it reads a definition (JSON or YAML),
//! builds the typed [`StateMachine`](model::StateMachine) and runs every rule,
//! returning the model (when the text could be read at all) together with all
//! findings.

pub mod catalog;
pub mod diagnostic;
pub(crate) mod hash;
pub mod json;
pub mod model;
pub mod rules;
pub mod source;
#[cfg(test)]
pub(crate) mod testing;
pub mod tree;
pub mod yaml;

pub use catalog::SchemaRegistry;
pub use diagnostic::{Diagnostic, Severity};
pub use json::parse_json;
pub use model::StateMachine;
pub use rules::{Analysis, RULES, Rule, analyze, analyze_tree, diagnostics};
pub use source::{SourceFormat, Span};
pub use tree::{Arena, Member, Node, NodeValue, Number};
pub use yaml::parse_yaml;

/// What the caller knows about the machine that the text does not say.
#[derive(Clone, Default)]
pub struct Options {
    /// The machine is an Express workflow (only request-response tasks, no
    /// activities, 5-minute limit).
    pub express: bool,
    /// Report CloudFormation `${…}` placeholders instead of accepting them.
    pub forbid_cfn_placeholders: bool,
    /// Request shapes for `Parameters`/`Arguments` checks (built-ins plus the
    /// user's own).
    pub schemas: SchemaRegistry,
}

impl std::fmt::Debug for Options {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Options")
            .field("express", &self.express)
            .field("forbid_cfn_placeholders", &self.forbid_cfn_placeholders)
            .finish_non_exhaustive()
    }
}
