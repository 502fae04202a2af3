//! The sub-languages inside strings (JSONPath, intrinsic calls, JSONata,
//! timestamps) as the model stores them: the text as written, its span in the
//! source, and the parsed form from `asl-syntax`.

use crate::source::Span;

pub use asl_syntax::intrinsic::IntrinsicCall;
pub use asl_syntax::path::Root as PathRoot;
pub use asl_syntax::timestamp::Timestamp;

/// A JSONPath as written in a `…Path` field, a Choice `Variable` or a `.$`
/// value.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonPath<'a> {
    /// The path text (string content after unescaping), borrowed from the
    /// source unless the string had escapes.
    pub text: &'a str,
    /// Span of the string in the source.
    pub span: Span,
    /// Shared: definitions repeat the same paths, and the builder hands out
    /// one parse per distinct text.
    pub path: std::sync::Arc<asl_syntax::path::JsonPath>,
}

impl JsonPath<'_> {
    pub fn root(&self) -> &PathRoot {
        &self.path.root
    }

    /// `$$.…`: reads the context object.
    pub fn is_context(&self) -> bool {
        matches!(self.path.root, PathRoot::Context)
    }

    /// `$name…`: reads a variable; the variable's name.
    pub fn variable(&self) -> Option<&str> {
        match &self.path.root {
            PathRoot::Variable(name) => Some(name),
            _ => None,
        }
    }
}

/// A context path (`$$.…`), kept as a [`JsonPath`] whose root is the context.
pub type ContextPath<'a> = JsonPath<'a>;
/// A variable path (`$name…`), kept as a [`JsonPath`] whose root is a variable.
pub type VariablePath<'a> = JsonPath<'a>;

/// The value of a `.$` key (or of a `…Path` field that also accepts
/// intrinsic calls, such as Fail's `ErrorPath`).
#[derive(Clone, Debug, PartialEq)]
pub struct Dynamic<'a> {
    /// Borrowed from the source like [`JsonPath::text`].
    pub text: &'a str,
    /// Span of the string in the source.
    pub span: Span,
    /// Shared like [`JsonPath::path`].
    pub expr: std::sync::Arc<DynamicExpr>,
}

/// `Path` (`$…` input, `$$…` context, `$name…` variable) or `Intrinsic`.
pub type DynamicExpr = asl_syntax::intrinsic::PayloadValue;

/// A JSONata expression written as `{% … %}`.
#[derive(Clone, Debug, PartialEq)]
pub struct JsonataExpr<'a> {
    /// The expression between the delimiters, untrimmed (borrowed from the
    /// source unless the string had escapes).
    pub body: &'a str,
    /// Span of the whole string in the source.
    pub span: Span,
}

/// Whether a string is a JSONata expression (`{%` … `%}` with nothing
/// around the delimiters).
pub fn jsonata_body(text: &str) -> Option<&str> {
    text.strip_prefix("{%")?.strip_suffix("%}")
}
