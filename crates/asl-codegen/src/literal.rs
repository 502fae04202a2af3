//! The value of a Rust string literal token (`"…"`, `r"…"`, `r#"…"#`), decoded the way rustc
//! decodes it. `proc_macro2::Literal` only exposes the literal's source text.

use proc_macro2::Literal;

/// The string a string literal denotes, or `None` when the token is not a plain string literal
/// (a number, a byte string, a suffixed literal, …).
pub fn string_value(literal: &Literal) -> Option<String> {
    let text = literal.to_string();
    if let Some(raw) = text.strip_prefix('r') {
        let hashes = raw.len() - raw.trim_start_matches('#').len();
        let body = raw.get(hashes..)?;
        let body = body.strip_prefix('"')?;
        let closing = format!("\"{}", "#".repeat(hashes));
        let content = body.strip_suffix(closing.as_str())?;
        return Some(content.replace("\r\n", "\n"));
    }
    let content = text.strip_prefix('"')?.strip_suffix('"')?;
    unescape(content)
}

/// Decodes the escapes of a (non-raw) Rust string literal's content.
fn unescape(content: &str) -> Option<String> {
    let mut out = String::with_capacity(content.len());
    let mut chars = content.chars().peekable();
    while let Some(ch) = chars.next() {
        if ch == '\r' && chars.peek() == Some(&'\n') {
            // rustc normalises CRLF inside literals.
            continue;
        }
        if ch != '\\' {
            out.push(ch);
            continue;
        }
        match chars.next()? {
            'n' => out.push('\n'),
            'r' => out.push('\r'),
            't' => out.push('\t'),
            '\\' => out.push('\\'),
            '0' => out.push('\0'),
            '\'' => out.push('\''),
            '"' => out.push('"'),
            'x' => {
                let hi = chars.next()?.to_digit(16)?;
                let lo = chars.next()?.to_digit(16)?;
                let value = hi * 16 + lo;
                if value > 0x7f {
                    return None;
                }
                out.push(char::from_u32(value)?);
            }
            'u' => {
                if chars.next()? != '{' {
                    return None;
                }
                let mut value: u32 = 0;
                loop {
                    let c = chars.next()?;
                    if c == '}' {
                        break;
                    }
                    if c == '_' {
                        continue;
                    }
                    value = value.checked_mul(16)?.checked_add(c.to_digit(16)?)?;
                }
                out.push(char::from_u32(value)?);
            }
            '\n' | '\r' => {
                // A line continuation skips the newline and the next line's leading whitespace.
                while chars.peek().is_some_and(|c| c.is_whitespace()) {
                    chars.next();
                }
            }
            _ => return None,
        }
    }
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn value(source: &str) -> Option<String> {
        let literal = Literal::from_str(source).ok()?;
        string_value(&literal)
    }

    #[test]
    fn plain_escapes_are_decoded() {
        assert_eq!(value(r#""a\"b\\c\n\t""#).as_deref(), Some("a\"b\\c\n\t"));
    }

    #[test]
    fn unicode_and_hex_escapes_are_decoded() {
        assert_eq!(value(r#""\u{e9}\x41""#).as_deref(), Some("éA"));
    }

    #[test]
    fn raw_strings_keep_backslashes() {
        assert_eq!(value(r###"r#"$.a\b"#"###).as_deref(), Some("$.a\\b"));
    }

    #[test]
    fn line_continuation_skips_leading_whitespace() {
        assert_eq!(value("\"ab\\\n    cd\"").as_deref(), Some("abcd"));
    }

    #[test]
    fn numbers_and_byte_strings_are_not_strings() {
        assert_eq!(value("12"), None);
        assert_eq!(value("b\"x\""), None);
    }
}
