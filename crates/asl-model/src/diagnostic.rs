//! Problems found in a definition, ready for `codespan-reporting` or for a
//! `compile_error!` at the right place.

use std::fmt;

use crate::source::Span;

/// Codes of the diagnostics produced by the readers (JSON/YAML), the
/// resource rules and the request-shape rules. Kept together so numbering
/// stays in one place.
pub mod codes {
    /// The text is not valid JSON / YAML.
    pub const SYNTAX: &str = "ASL001";
    /// An object has the same key twice.
    pub const DUPLICATE_KEY: &str = "ASL002";
    /// Nesting deeper than the reader's limit.
    pub const TOO_DEEP: &str = "ASL003";
    /// `arn:aws:states:::service:api` names no optimized integration.
    pub const UNKNOWN_INTEGRATION: &str = "ASL040";
    /// The pattern suffix (`.sync`, `.sync:2`, `.waitForTaskToken`) is not
    /// supported by that API.
    pub const UNSUPPORTED_PATTERN: &str = "ASL041";
    /// `.sync` on an AWS SDK integration.
    pub const SDK_SYNC: &str = "ASL042";
    /// Something an Express workflow cannot do (activity, `.sync`, callback).
    pub const EXPRESS_UNSUPPORTED: &str = "ASL043";
    /// A CloudFormation `${…}` placeholder while placeholders are forbidden.
    pub const CFN_PLACEHOLDER: &str = "ASL044";
    /// A request (`Parameters` / `Arguments`) misses a member the API needs.
    pub const MISSING_REQUEST_MEMBER: &str = "ASL050";
    /// A request member has the wrong type or value for the API.
    pub const INVALID_REQUEST_MEMBER: &str = "ASL051";
    /// A request member the API does not have, spelled like one it has.
    pub const REQUEST_MEMBER_TYPO: &str = "ASL052";
}

/// How bad a finding is.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Severity {
    /// AWS would reject the definition, or it cannot work as written.
    Error,
    /// Legal, but almost certainly not what the author meant.
    Warning,
    /// Information that does not need action.
    Note,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Error => "error",
            Severity::Warning => "warning",
            Severity::Note => "note",
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One finding: a stable code, a one-line message, the exact culprit's span,
/// related places, notes and an optional fix.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Diagnostic {
    /// Stable rule code such as `"ASL012"`.
    pub code: &'static str,
    pub severity: Severity,
    /// Lower-case, one line, says what is wrong.
    pub message: String,
    /// Primary label: the exact culprit.
    pub span: Span,
    /// Text of the primary label.
    pub label: Option<String>,
    /// Related places ("first defined here").
    pub secondary: Vec<(Span, String)>,
    pub notes: Vec<String>,
    /// The fix, when there is one ("did you mean `ChargeCard`?").
    pub help: Option<String>,
}

impl Diagnostic {
    pub fn new(
        code: &'static str,
        severity: Severity,
        message: impl Into<String>,
        span: Span,
    ) -> Diagnostic {
        Diagnostic {
            code,
            severity,
            message: message.into(),
            span,
            label: None,
            secondary: Vec::new(),
            notes: Vec::new(),
            help: None,
        }
    }

    pub fn error(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, Severity::Error, message, span)
    }

    pub fn warning(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, Severity::Warning, message, span)
    }

    pub fn note(code: &'static str, message: impl Into<String>, span: Span) -> Diagnostic {
        Diagnostic::new(code, Severity::Note, message, span)
    }

    /// Sets the text of the primary label.
    pub fn with_label(mut self, label: impl Into<String>) -> Diagnostic {
        self.label = Some(label.into());
        self
    }

    /// Adds a secondary label on a related place.
    pub fn with_secondary(mut self, span: Span, label: impl Into<String>) -> Diagnostic {
        self.secondary.push((span, label.into()));
        self
    }

    pub fn with_note(mut self, note: impl Into<String>) -> Diagnostic {
        self.notes.push(note.into());
        self
    }

    pub fn with_help(mut self, help: impl Into<String>) -> Diagnostic {
        self.help = Some(help.into());
        self
    }

    /// Overrides the severity (rules configured to a different level).
    pub fn with_severity(mut self, severity: Severity) -> Diagnostic {
        self.severity = severity;
        self
    }

    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Diagnostic {
    /// `error[ASL012] at 10..14: message` — a plain one-line form for logs and
    /// test failures; real rendering belongs to the callers.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}[{}] at {}: {}",
            self.severity, self.code, self.span, self.message
        )
    }
}

impl std::error::Error for Diagnostic {}

/// "did you mean `X`?" for the candidate closest to `wanted`, if one is close
/// enough to be a plausible typo (case-insensitive edit distance at most a
/// third of the longer word, and at least one edit allowed).
pub fn did_you_mean<'a>(
    wanted: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    let wanted_lower = wanted.to_lowercase();
    let wanted_lower_len = wanted_lower.chars().count();
    let wanted_len = wanted.chars().count();
    // Buffers reused across candidates (this runs over whole field and state
    // lists for every unknown name).
    let mut candidate_lower: Vec<char> = Vec::new();
    let mut row: Vec<usize> = Vec::new();
    let mut best: Option<(usize, &'a str)> = None;
    for candidate in candidates {
        let limit = (wanted_len.max(candidate.chars().count()) / 3).max(1);
        candidate_lower.clear();
        if candidate.is_ascii() {
            // The length difference bounds the distance from below: skip
            // candidates that could not qualify or beat the best so far.
            let floor = wanted_lower_len.abs_diff(candidate.len());
            if floor > limit || best.is_some_and(|(d, _)| floor >= d) {
                continue;
            }
            candidate_lower.extend(candidate.chars().map(|c| c.to_ascii_lowercase()));
        } else {
            candidate_lower.extend(candidate.to_lowercase().chars());
        }
        let distance = distance_to(&wanted_lower, &candidate_lower, &mut row);
        if distance <= limit && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// Levenshtein distance over characters.
pub fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    distance_to(a, &b, &mut Vec::new())
}

/// [`edit_distance`] with the second word as characters and the DP row
/// buffer supplied by the caller.
fn distance_to(a: &str, b: &[char], row: &mut Vec<usize>) -> usize {
    row.clear();
    row.extend(0..=b.len());
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row.first().copied().unwrap_or(0);
        if let Some(first) = row.first_mut() {
            *first = i + 1;
        }
        for (j, cb) in b.iter().enumerate() {
            let above = row.get(j + 1).copied().unwrap_or(0);
            let left = row.get(j).copied().unwrap_or(0);
            let cost = usize::from(ca != *cb);
            let value = (diagonal + cost).min(above + 1).min(left + 1);
            diagonal = above;
            if let Some(slot) = row.get_mut(j + 1) {
                *slot = value;
            }
        }
    }
    row.last().copied().unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn builder_fills_every_part() {
        let d = Diagnostic::error("ASL999", "something is off", Span::new(3, 5))
            .with_label("here")
            .with_secondary(Span::new(0, 1), "related")
            .with_note("a note")
            .with_help("do this");
        assert_eq!(d.code, "ASL999");
        assert!(d.is_error());
        assert_eq!(d.label.as_deref(), Some("here"));
        assert_eq!(d.secondary, vec![(Span::new(0, 1), "related".to_owned())]);
        assert_eq!(d.notes, ["a note"]);
        assert_eq!(d.help.as_deref(), Some("do this"));
    }

    #[test]
    fn display_is_one_line_with_code_and_span() {
        let d = Diagnostic::warning("ASL001", "odd", Span::new(1, 2));
        assert_eq!(d.to_string(), "warning[ASL001] at 1..2: odd");
    }

    #[test]
    fn edit_distance_counts_single_edits() {
        assert_eq!(edit_distance("kitten", "sitting"), 3);
        assert_eq!(edit_distance("", "abc"), 3);
        assert_eq!(edit_distance("same", "same"), 0);
    }

    #[test]
    fn did_you_mean_agrees_with_scoring_every_candidate() {
        // The length-difference shortcut must not change any answer.
        let naive = |wanted: &str, candidates: &[&'static str]| {
            let mut best: Option<(usize, &'static str)> = None;
            for c in candidates {
                let d = edit_distance(&wanted.to_lowercase(), &c.to_lowercase());
                let limit = (wanted.chars().count().max(c.chars().count()) / 3).max(1);
                if d <= limit && best.is_none_or(|(b, _)| d < b) {
                    best = Some((d, c));
                }
            }
            best.map(|(_, c)| c)
        };
        let candidates = [
            "Type",
            "Next",
            "End",
            "Comment",
            "ResultPath",
            "ResultSelector",
            "TimeoutSeconds",
            "Parameters",
            "Paramters",
            "ÉtatFinal",
            "Ärger",
            "S",
            "ab",
            "abc",
            "abcd",
        ];
        for wanted in [
            "type",
            "Nxt",
            "Ende",
            "Coment",
            "ResultPth",
            "Result",
            "Timeout",
            "parameter",
            "EtatFinal",
            "ärger",
            "x",
            "a",
            "abcde",
            "",
            "TimeoutSecondsPath",
        ] {
            assert_eq!(
                did_you_mean(wanted, candidates),
                naive(wanted, &candidates),
                "{wanted}"
            );
        }
    }

    #[test]
    fn did_you_mean_picks_the_closest_plausible_candidate() {
        let names = ["ChargeCard", "Notify", "Done"];
        assert_eq!(did_you_mean("ChargeCrad", names), Some("ChargeCard"));
        assert_eq!(did_you_mean("Completely", names), None);
    }
}
