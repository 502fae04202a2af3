//! The rule table: one entry per diagnostic code this crate emits.

use super::Rule;
use super::codes;
use crate::diagnostic::Severity;

pub static RULES: &[Rule] = &[];

#[allow(dead_code)]
const _USE: (&str, Severity) = (codes::SYNTAX, Severity::Error);
