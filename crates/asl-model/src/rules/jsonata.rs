//! JSONata expressions: syntax (see [`super::jsonata_syntax`]), Step
//! Functions' restrictions (`$$`, `$states.result`/`errorOutput` where they
//! do not exist), and a note that the rest is only known at run time.

use std::borrow::Cow;

use super::codes;
use super::walk::{Site, all_states, state_jsonata};
use crate::diagnostic::Diagnostic;
use crate::model::{JsonataExpr, State, StateMachine};
use crate::source::Span;

pub fn check(machine: &StateMachine, src: &str, out: &mut Vec<Diagnostic>) {
    check_states(&all_states(machine), src, out);
}

/// [`check`] over a machine's [`all_states`] list.
pub(crate) fn check_states(states: &[&State], src: &str, out: &mut Vec<Diagnostic>) {
    for state in states {
        state_jsonata(state, &mut |site, e| check_expr(site, e, src, out));
    }
}

/// The JSONata rules for one expression written at `site`.
pub(crate) fn check_expr(site: Site, e: &JsonataExpr, src: &str, out: &mut Vec<Diagnostic>) {
    if e.body.trim().is_empty() {
        out.push(
            Diagnostic::error(codes::JSONATA_MISUSE, "empty JSONata expression", e.span)
                .with_label("nothing between `{%` and `%}`"),
        );
        return;
    }
    // Checks below look at code only, not inside string literals.
    let code = without_strings(e.body);
    if code.contains("$$") {
        out.push(
            Diagnostic::error(
                codes::JSONATA_MISUSE,
                "JSONata expressions in Step Functions cannot use `$$`",
                e.span,
            )
            .with_help("read the context object through `$states.context`"),
        );
    }
    if let Err(problem) = super::jsonata_syntax::check(e.body) {
        let span = body_span(src, e, problem.range.clone());
        out.push(
            Diagnostic::error(
                codes::JSONATA_SYNTAX,
                format!("invalid JSONata expression: {}", problem.message),
                span,
            )
            .with_label(problem.message),
        );
        return;
    }
    let trimmed = code.trim_start();
    if trimmed == "$"
        || (trimmed.starts_with("$.") && !trimmed.starts_with("$.."))
        || trimmed.starts_with("$[")
    {
        out.push(
            Diagnostic::error(
                codes::JSONATA_MISUSE,
                "JSONata expressions in Step Functions have no input document `$`",
                e.span,
            )
            .with_help("read the state input through `$states.input`"),
        );
    }
    if let Some(problem) = states_field_misuse(site, &code) {
        out.push(
            Diagnostic::error(codes::JSONATA_MISUSE, problem, e.span)
                .with_label("not available here"),
        );
    }
    out.push(
        Diagnostic::note(
            codes::JSONATA_UNCHECKED,
            "JSONata expression checked for syntax only",
            e.span,
        )
        .with_label("evaluated at run time"),
    );
}

/// Whether `body` mentions `$states.<field>` (not a longer name).
fn mentions(body: &str, field: &str) -> bool {
    // Each `$` followed by `states.<field>`: the matches of `$states.<field>`
    // (which cannot overlap), found with a byte search instead of a
    // substring searcher set up per call.
    body.match_indices('$').any(|(i, _)| {
        body.get(i + 1..)
            .and_then(|rest| rest.strip_prefix("states."))
            .and_then(|rest| rest.strip_prefix(field))
            .is_some_and(|after| {
                !after
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_alphanumeric() || c == '_')
            })
    })
}

/// `$states.result` exists only once the state has a result (its `Output`
/// and `Assign`); `$states.errorOutput` only in a catcher.
fn states_field_misuse(site: Site, body: &str) -> Option<&'static str> {
    if mentions(body, "errorOutput") && site != Site::Catcher {
        return Some(
            "`$states.errorOutput` is only available in a catcher's `Output` and `Assign`",
        );
    }
    let before_result = matches!(
        site,
        Site::Parameters
            | Site::ItemsPath
            | Site::ItemSelector
            | Site::Count
            | Site::Credentials
            | Site::MapConfig
            | Site::Catcher
    );
    if mentions(body, "result") && before_result {
        return Some(
            "`$states.result` is not available here: the state has no result yet (or failed)",
        );
    }
    None
}

/// Maps a range of the expression body to the source; the whole string when
/// the source spelled it with escapes.
fn body_span(src: &str, e: &JsonataExpr, range: std::ops::Range<usize>) -> Span {
    let Some(raw) = e.span.slice(src) else {
        return e.span;
    };
    let inner = format!("{{%{}%}}", e.body);
    let base = if raw == inner {
        e.span.start + 2
    } else if raw.len() == inner.len() + 2 && raw.get(1..raw.len() - 1) == Some(inner.as_str()) {
        e.span.start + 3
    } else {
        return e.span;
    };
    let end = range.end.min(e.body.len());
    let start = range.start.min(end);
    Span::new(base + start, base + end)
}

/// The expression with the contents of string literals blanked out, so that
/// text inside quotes is not mistaken for code.
fn without_strings(body: &str) -> Cow<'_, str> {
    // Without quotes there is nothing to blank (the usual case).
    if !body.contains(['"', '\'']) {
        return Cow::Borrowed(body);
    }
    let mut out = String::with_capacity(body.len());
    let mut quote: Option<char> = None;
    let mut escaped = false;
    for c in body.chars() {
        match quote {
            Some(q) => {
                if escaped {
                    escaped = false;
                } else if c == '\\' {
                    escaped = true;
                } else if c == q {
                    quote = None;
                    out.push(c);
                    continue;
                }
                out.push(' ');
            }
            None => {
                if c == '"' || c == '\'' {
                    quote = Some(c);
                }
                out.push(c);
            }
        }
    }
    Cow::Owned(out)
}
