//! The macro's own verdict on a definition, before any build.
//!
//! `asl!` is a thin shell around `asl_codegen::expand`, an ordinary library: expanding each case
//! here, in-process, finds every definition the compiler would refuse (the model's rules and what
//! code generation does not support yet) with the very message the compiler would print, without
//! spending a build round on it.

use std::path::Path;

use proc_macro2::{Delimiter, TokenStream, TokenTree};

use crate::case::Case;

/// The messages of the `compile_error!`s `asl!` would emit for `case`, or `None` when it
/// expands cleanly.
pub fn check(case: &Case) -> Option<String> {
    let dir = case.definition_path.parent()?;
    let file = case.definition_path.file_name()?.to_str()?;
    let messages = expansion_errors(dir, file);
    (!messages.is_empty()).then(|| messages.join("\n"))
}

/// Expands `asl!(struct Machine, "<file>")` with `dir` as the manifest directory and returns the
/// messages of the compile errors in the expansion.
pub fn expansion_errors(dir: &Path, file: &str) -> Vec<String> {
    let mut input: TokenStream = "struct Machine,".parse().unwrap_or_default();
    input.extend([TokenTree::Literal(proc_macro2::Literal::string(file))]);
    // In rustc a panicking macro fails only its own call; here it must fail only its own case.
    let expanded = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        asl_codegen::expand_in(input, Some(dir))
    }));
    let output = match expanded {
        Ok(output) => output,
        Err(payload) => {
            let message = payload
                .downcast_ref::<&str>()
                .map(|s| (*s).to_owned())
                .or_else(|| payload.downcast_ref::<String>().cloned())
                .unwrap_or_else(|| "no message".to_owned());
            return vec![format!("the code generator panicked: {message}")];
        }
    };
    let mut messages = Vec::new();
    collect_compile_errors(output, &mut messages);
    messages
}

/// Finds `compile_error! { "…" }` (any delimiter) anywhere in `tokens`.
pub fn collect_compile_errors(tokens: TokenStream, messages: &mut Vec<String>) {
    let tokens: Vec<TokenTree> = tokens.into_iter().collect();
    for (index, token) in tokens.iter().enumerate() {
        match token {
            TokenTree::Ident(ident) if ident == "compile_error" => {
                let bang = matches!(tokens.get(index + 1), Some(TokenTree::Punct(p)) if p.as_char() == '!');
                let Some(TokenTree::Group(group)) = tokens.get(index + 2) else {
                    continue;
                };
                if !bang || group.delimiter() == Delimiter::None {
                    continue;
                }
                let literal = group.stream().into_iter().find_map(|t| match t {
                    TokenTree::Literal(l) => Some(l.to_string()),
                    _ => None,
                });
                let message = literal
                    .and_then(|text| unquote(&text))
                    .unwrap_or_else(|| group.stream().to_string());
                messages.push(message);
            }
            TokenTree::Group(group) => collect_compile_errors(group.stream(), messages),
            _ => {}
        }
    }
}

/// The value of a Rust string literal as written in source (`"a\nb"`, `r#"…"#`).
pub fn unquote(literal: &str) -> Option<String> {
    if let Some(raw) = literal.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes..raw.len().checked_sub(hashes)?)?;
        return body.strip_prefix('"')?.strip_suffix('"').map(str::to_owned);
    }
    let body = literal.strip_prefix('"')?.strip_suffix('"')?;
    let mut out = String::with_capacity(body.len());
    let mut chars = body.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '0' => out.push('\0'),
            '\\' => out.push('\\'),
            '"' => out.push('"'),
            '\'' => out.push('\''),
            'x' => {
                let hex: String = chars.by_ref().take(2).collect();
                out.push(char::from(u8::from_str_radix(&hex, 16).ok()?));
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let hex: String = chars.by_ref().take_while(|c| *c != '}').collect();
                out.push(char::from_u32(u32::from_str_radix(&hex, 16).ok()?)?);
            }
            '\n' => {
                // A line continuation skips the newline and the next line's indentation.
                let rest: String = chars.collect();
                out.push_str(&unquote(&format!("\"{}\"", rest.trim_start()))?);
                return Some(out);
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_are_undone() {
        assert_eq!(
            unquote(r#""a\n\"b\" \\ \u{e9}\t""#).as_deref(),
            Some("a\n\"b\" \\ é\t")
        );
    }

    #[test]
    fn raw_strings_are_taken_as_they_are() {
        assert_eq!(unquote(r###"r#"a\n"b""#"###).as_deref(), Some(r#"a\n"b""#));
    }

    #[test]
    fn compile_errors_are_found_inside_groups() {
        let tokens: TokenStream =
            r#"struct X; const _: () = { ::core::compile_error! { "no \"Next\"" } };"#
                .parse()
                .unwrap_or_default();
        let mut messages = Vec::new();
        collect_compile_errors(tokens, &mut messages);
        assert_eq!(messages, ["no \"Next\""]);
    }

    #[test]
    fn a_missing_definition_is_reported_by_the_expansion() {
        let messages = expansion_errors(Path::new("/nonexistent"), "definition.json");
        assert_eq!(messages.len(), 1, "{messages:?}");
        assert!(messages[0].contains("definition.json"));
    }
}
