//! Intrinsic function calls: known names, argument counts, literal argument
//! kinds and the nesting limit.

use asl_syntax::intrinsic::{
    ArgKind, Argument, INTRINSICS, IntrinsicCall, MAX_NESTING, lookup_intrinsic,
};

use super::codes;

/// A finding inside one call: code, message, span inside the string, help.
pub type CallFinding = (&'static str, String, asl_syntax::Span, Option<String>);

/// Checks a call and every call nested in it.
pub fn check_call(call: &IntrinsicCall, out: &mut Vec<CallFinding>) {
    check_level(call, 1, out);
}

fn check_level(call: &IntrinsicCall, level: usize, out: &mut Vec<CallFinding>) {
    if level == MAX_NESTING + 1 {
        out.push((
            codes::INTRINSIC_NESTING,
            format!("intrinsic calls may be nested at most {MAX_NESTING} levels deep"),
            call.span,
            Some("compute part of the value in an earlier state".to_owned()),
        ));
    }
    match lookup_intrinsic(&call.name) {
        None => {
            let help = asl_syntax_names()
                .find(|n| n.eq_ignore_ascii_case(&call.name))
                .or_else(|| crate::diagnostic::did_you_mean(&call.name, asl_syntax_names()))
                .map(|n| format!("did you mean `{n}`?"));
            out.push((
                codes::UNKNOWN_INTRINSIC,
                format!("`{}` is not an intrinsic function", call.name),
                call.name_span,
                help,
            ));
        }
        Some(spec) => {
            literal_values(call, out);
            if !spec.accepts_arity(call.args.len()) {
                let expected = match spec.max_args {
                    Some(max) if max == spec.min_args => format!("{max}"),
                    Some(max) => format!("{} to {max}", spec.min_args),
                    None => format!("at least {}", spec.min_args),
                };
                out.push((
                    codes::INTRINSIC_ARITY,
                    format!(
                        "`{}` takes {expected} argument{}, found {}",
                        spec.name,
                        if expected == "1" { "" } else { "s" },
                        call.args.len()
                    ),
                    call.span,
                    None,
                ));
            }
            for (i, arg) in call.args.iter().enumerate() {
                let Some(kind) = spec.param(i) else { continue };
                if let Some(found) = literal_mismatch(kind, arg) {
                    out.push((
                        codes::INTRINSIC_ARITY,
                        format!(
                            "argument {} of `{}` must be {}, found {found}",
                            i + 1,
                            spec.name,
                            kind_name(kind)
                        ),
                        arg.span(),
                        None,
                    ));
                }
            }
        }
    }
    for arg in &call.args {
        if let Argument::Call(inner) = arg {
            check_level(inner, level + 1, out);
        }
    }
}

fn asl_syntax_names() -> impl Iterator<Item = &'static str> {
    INTRINSICS.iter().map(|s| s.name)
}

fn kind_name(kind: ArgKind) -> &'static str {
    match kind {
        ArgKind::Any => "any value",
        ArgKind::String => "a string",
        ArgKind::Number => "a number",
        ArgKind::Boolean => "a boolean",
        ArgKind::Array => "an array",
        ArgKind::Object => "an object",
        ArgKind::PathOnly => "a path",
    }
}

/// What a literal argument is when it cannot be of `kind` (paths and nested
/// calls are only known at run time).
fn literal_mismatch(kind: ArgKind, arg: &Argument) -> Option<&'static str> {
    let found = match arg {
        Argument::Path(_) | Argument::Call(_) => return None,
        Argument::String { .. } => "a string",
        Argument::Number { .. } => "a number",
        Argument::Bool { .. } => "a boolean",
        Argument::Null { .. } => "null",
    };
    let ok = match kind {
        ArgKind::Any => true,
        ArgKind::String => matches!(arg, Argument::String { .. }),
        ArgKind::Number => matches!(arg, Argument::Number { .. }),
        ArgKind::Boolean => matches!(arg, Argument::Bool { .. }),
        // No literal array/object syntax exists in intrinsic calls.
        ArgKind::Array | ArgKind::Object | ArgKind::PathOnly => false,
    };
    (!ok).then_some(found)
}

/// Hash algorithms `States.Hash` knows.
const HASH_ALGORITHMS: [&str; 5] = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"];

/// Literal arguments whose value (not just kind) can never work.
fn literal_values(call: &IntrinsicCall, out: &mut Vec<CallFinding>) {
    let number = |i: usize| match call.args.get(i) {
        Some(Argument::Number { number, span }) => Some((number.value, *span)),
        _ => None,
    };
    match call.name.as_str() {
        "States.Hash" => {
            if let Some(Argument::String { value, span }) = call.args.get(1)
                && !HASH_ALGORITHMS.contains(&value.as_str())
            {
                let help = crate::diagnostic::did_you_mean(value, HASH_ALGORITHMS)
                    .map(|a| format!("did you mean `{a}`?"));
                out.push((
                    codes::INTRINSIC_ARITY,
                    format!("`{value}` is not a hash algorithm of `States.Hash`"),
                    *span,
                    help.or_else(|| Some(format!("use one of {}", HASH_ALGORITHMS.join(", ")))),
                ));
            }
        }
        "States.JsonMerge" => {
            if let Some(Argument::Bool { value: true, span }) = call.args.get(2) {
                out.push((
                    codes::INTRINSIC_ARITY,
                    "`States.JsonMerge` only merges shallowly; its third argument must be `false`"
                        .to_owned(),
                    *span,
                    None,
                ));
            }
        }
        "States.ArrayRange" => {
            if let Some((step, span)) = number(2)
                && step == 0.0
            {
                out.push((
                    codes::INTRINSIC_ARITY,
                    "the step of `States.ArrayRange` cannot be 0".to_owned(),
                    span,
                    None,
                ));
            }
            if let (Some((a, _)), Some((b, _)), Some((step, span))) =
                (number(0), number(1), number(2))
                && step != 0.0
            {
                let items = ((b - a) / step).floor() + 1.0;
                if items > crate::catalog::limits::MAX_ARRAY_RANGE_ITEMS as f64 {
                    out.push((
                        codes::INTRINSIC_ARITY,
                        format!(
                            "`States.ArrayRange` would produce {items} items; the limit is {}",
                            crate::catalog::limits::MAX_ARRAY_RANGE_ITEMS
                        ),
                        span,
                        None,
                    ));
                }
            }
        }
        "States.ArrayPartition" => {
            if let Some((size, span)) = number(1)
                && size <= 0.0
            {
                out.push((
                    codes::INTRINSIC_ARITY,
                    "the chunk size of `States.ArrayPartition` must be positive".to_owned(),
                    span,
                    None,
                ));
            }
        }
        _ => {}
    }
}
