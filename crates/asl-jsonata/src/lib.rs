#![forbid(unsafe_code)]
//! The JSONata that Step Functions evaluates in `{% … %}` strings.
//!
//! [`Expression::parse`] reads an expression once (a Pratt parser with byte offsets and a nesting
//! limit); [`Expression::evaluate`] runs it over `serde_json` values with JSONata's rules:
//! *undefined* is not `null`, path results are sequences that flatten and collapse to a single
//! value, `=` is deep equality, and type mistakes are errors rather than guesses.
//!
//! There is no implicit input document: as in Step Functions, data comes only from the variables
//! the caller binds (`$states` and the workflow variables), through [`Bindings`].
//!
//! ```
//! use asl_jsonata::Expression;
//! use serde_json::{Map, json};
//!
//! let mut vars = Map::new();
//! vars.insert("states".into(), json!({"input": {"prices": [3, 4]}}));
//! let total = Expression::parse("$sum($states.input.prices) * 2").unwrap();
//! assert_eq!(total.evaluate(&vars).unwrap(), Some(json!(14)));
//! ```

mod eval;
mod functions;
mod parse;

use std::fmt;

use serde_json::{Map, Value};

/// Where an expression reads its variables from, plus the effects JSONata cannot do by itself.
pub trait Bindings {
    /// The value of `$name` (without the `$`), or `None` when the name is not bound.
    fn lookup(&self, name: &str) -> Option<&Value>;

    /// `$hash(text, algorithm)`: the lowercase hex digest, or `None` for an unknown algorithm.
    /// No hash functions are built in; a caller that has them supplies them here.
    fn hash(&self, _algorithm: &str, _text: &str) -> Option<String> {
        None
    }

    /// A uniformly distributed number in `[0, 1)` for `$random()` and `$uuid()`.
    fn random(&self) -> f64 {
        functions::fallback_random()
    }
}

impl Bindings for Map<String, Value> {
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.get(name)
    }
}

impl Bindings for [(&str, &Value)] {
    fn lookup(&self, name: &str) -> Option<&Value> {
        self.iter().find(|(n, _)| *n == name).map(|(_, v)| *v)
    }
}

/// Why an expression could not be parsed or evaluated.
#[derive(Debug, Clone, PartialEq)]
pub enum Error {
    /// The text is not a JSONata expression this crate understands.
    Syntax { offset: usize, message: String },
    /// The expression nests (or recurses, when evaluated) deeper than the limit.
    TooDeep { offset: usize },
    /// Evaluation failed: a type mismatch, a bad function argument, a value out of range.
    Evaluation { offset: usize, message: String },
    /// The expression produced nothing where a value is required.
    Undefined,
    /// The expression produced a function (or a regular expression), which is not JSON.
    UnsupportedResult,
}

impl Error {
    /// The byte offset in the expression the error is about, when there is one.
    pub fn offset(&self) -> Option<usize> {
        match self {
            Error::Syntax { offset, .. }
            | Error::TooDeep { offset }
            | Error::Evaluation { offset, .. } => Some(*offset),
            Error::Undefined | Error::UnsupportedResult => None,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Syntax { offset, message } => {
                write!(f, "syntax error at position {}: {message}", offset + 1)
            }
            Error::TooDeep { offset } => {
                write!(f, "expression nests too deeply at position {}", offset + 1)
            }
            Error::Evaluation { offset, message } => {
                write!(f, "{message} (at position {})", offset + 1)
            }
            Error::Undefined => f.write_str("returned nothing (undefined)"),
            Error::UnsupportedResult => f.write_str("returned an unsupported result type"),
        }
    }
}

impl std::error::Error for Error {}

/// A parsed JSONata expression, ready to evaluate any number of times.
#[derive(Debug, Clone)]
pub struct Expression {
    root: parse::Node,
    source: String,
}

impl Expression {
    /// Parses `source` (the text between `{%` and `%}`).
    pub fn parse(source: &str) -> Result<Expression, Error> {
        Ok(Expression {
            root: parse::parse(source)?,
            source: source.to_owned(),
        })
    }

    /// The text this expression was parsed from.
    pub fn source(&self) -> &str {
        &self.source
    }

    /// Evaluates the expression; `Ok(None)` is JSONata's *undefined*.
    pub fn evaluate(&self, bindings: &(impl Bindings + ?Sized)) -> Result<Option<Value>, Error> {
        eval::evaluate(&self.root, bindings)
    }

    /// Evaluates the expression where a value is required: *undefined* is [`Error::Undefined`].
    pub fn evaluate_defined(&self, bindings: &(impl Bindings + ?Sized)) -> Result<Value, Error> {
        self.evaluate(bindings)?.ok_or(Error::Undefined)
    }
}

/// The expression inside a Step Functions `{% … %}` string, if `text` is one.
///
/// The markers must be the very first and last characters: surrounding whitespace makes the
/// string a plain literal.
pub fn template_expression(text: &str) -> Option<&str> {
    text.strip_prefix("{%")?.strip_suffix("%}")
}

#[cfg(test)]
mod tests;
