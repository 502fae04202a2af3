#![forbid(unsafe_code)]
//! The definition model of Amazon States Language: spanned source tree,
//! diagnostics, catalog and rules.

// --- modules owned by the "source/tree/catalog" side (see docs/architecture.md) ---
pub mod catalog;
pub mod diagnostic;
pub mod json;
pub mod source;
pub mod tree;
pub mod yaml;

pub use diagnostic::{Diagnostic, Severity};
pub use json::parse_json;
pub use source::{SourceFormat, Span};
pub use tree::{Member, Node, NodeValue, Number};
pub use yaml::parse_yaml;
