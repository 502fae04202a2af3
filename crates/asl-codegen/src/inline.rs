//! Inline definitions: JSON written as Rust tokens, rebuilt into JSON text while remembering which
//! token produced which bytes, so a diagnostic's byte span maps back to the exact token.
//!
//! Rust's lexer splits JSON a little differently from a JSON reader: `-1` is two tokens, `true`,
//! `false` and `null` are identifiers, and strings are Rust string literals (their Rust escapes
//! are decoded and the value re-encoded as a JSON string). Anything that is not JSON (an
//! identifier, a parenthesis, a suffixed number) is written through as-is so the JSON reader
//! reports it at that token.

use proc_macro2::{Delimiter, Group, Span, TokenStream, TokenTree};

use crate::literal;

/// JSON text rebuilt from tokens, and the token behind every byte range of it.
pub struct InlineSource {
    pub text: String,
    pieces: Vec<Piece>,
}

/// `start..end` of the text came from the token (or whole group) at `span`.
#[derive(Clone, Copy)]
struct Piece {
    start: usize,
    end: usize,
    span: Span,
}

impl InlineSource {
    /// Rebuilds the definition from its braces group (the group itself is the JSON object).
    pub fn from_group(group: &Group) -> InlineSource {
        let mut source = InlineSource {
            text: String::new(),
            pieces: Vec::new(),
        };
        source.push_tree(&TokenTree::Group(group.clone()));
        source
    }

    fn push_stream(&mut self, stream: TokenStream) {
        let mut glue_next = false;
        for tree in stream {
            if !glue_next && !self.text.is_empty() && !self.text.ends_with(['{', '[']) {
                self.text.push(' ');
            }
            glue_next = matches!(&tree, TokenTree::Punct(p) if p.as_char() == '-');
            self.push_tree(&tree);
        }
    }

    fn push_tree(&mut self, tree: &TokenTree) {
        match tree {
            TokenTree::Group(group) => {
                let (open, close) = match group.delimiter() {
                    Delimiter::Brace => ("{", "}"),
                    Delimiter::Bracket => ("[", "]"),
                    Delimiter::Parenthesis => ("(", ")"),
                    // Invisible groups come from `macro_rules!` fragments: transparent.
                    Delimiter::None => ("", ""),
                };
                let start = self.text.len();
                self.push_text(open, group.span_open());
                self.push_stream(group.stream());
                self.push_text(close, group.span_close());
                self.pieces.push(Piece {
                    start,
                    end: self.text.len(),
                    span: group.span(),
                });
            }
            TokenTree::Literal(lit) => match literal::string_value(lit) {
                Some(value) => self.push_text(&json_string(&value), lit.span()),
                None => self.push_text(&lit.to_string(), lit.span()),
            },
            TokenTree::Ident(ident) => self.push_text(&ident.to_string(), ident.span()),
            TokenTree::Punct(punct) => {
                let mut buf = [0u8; 4];
                self.push_text(punct.as_char().encode_utf8(&mut buf), punct.span());
            }
        }
    }

    fn push_text(&mut self, text: &str, span: Span) {
        let start = self.text.len();
        self.text.push_str(text);
        self.pieces.push(Piece {
            start,
            end: self.text.len(),
            span,
        });
    }

    /// The token that best covers `start..end` of the rebuilt text: the smallest token or group
    /// containing the whole range, else the token where the range starts, else the last token
    /// before it (an empty "expected … here" span at the end of the text).
    pub fn span_for(&self, start: usize, end: usize) -> Span {
        self.piece_for(start, end)
            .map_or_else(Span::call_site, |p| p.span)
    }

    fn piece_for(&self, start: usize, end: usize) -> Option<&Piece> {
        let end = end.max(start);
        let containing = self
            .pieces
            .iter()
            .filter(|p| p.start <= start && end <= p.end && (p.start < p.end || start == end))
            .min_by_key(|p| p.end - p.start);
        if containing.is_some() {
            return containing;
        }
        let at_start = self
            .pieces
            .iter()
            .filter(|p| p.start <= start && start < p.end)
            .min_by_key(|p| p.end - p.start);
        if at_start.is_some() {
            return at_start;
        }
        self.pieces
            .iter()
            .filter(|p| p.start < p.end && p.end <= start)
            .max_by_key(|p| (p.end, std::cmp::Reverse(p.end - p.start)))
            .or(self.pieces.last())
    }
}

/// `value` as a JSON string literal.
pub fn json_string(value: &str) -> String {
    let mut out = String::with_capacity(value.len() + 2);
    out.push('"');
    for ch in value.chars() {
        match ch {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn rebuild(tokens: TokenStream) -> String {
        let Some(TokenTree::Group(group)) = tokens.into_iter().next() else {
            panic!("test input must be one group")
        };
        InlineSource::from_group(&group).text
    }

    #[test]
    fn negative_numbers_are_glued_back_together() {
        assert_eq!(rebuild(quote!({ "a": -1.5 })), r#"{"a" : -1.5}"#);
    }

    #[test]
    fn keywords_pass_through_as_json_literals() {
        assert_eq!(
            rebuild(quote!({ "a": [true, false, null] })),
            r#"{"a" : [true , false , null]}"#
        );
    }

    #[test]
    fn rust_string_escapes_become_json_escapes() {
        assert_eq!(
            rebuild(quote!({ "q": "say \"hi\"\n", "r": r"C:\dir" })),
            r#"{"q" : "say \"hi\"\n" , "r" : "C:\\dir"}"#
        );
    }

    #[test]
    fn control_characters_are_escaped_as_unicode() {
        assert_eq!(json_string("a\u{1}"), r#""a\u0001""#);
    }

    fn source(tokens: TokenStream) -> InlineSource {
        let Some(TokenTree::Group(group)) = tokens.into_iter().next() else {
            panic!("test input must be one group")
        };
        InlineSource::from_group(&group)
    }

    fn covered(source: &InlineSource, start: usize, end: usize) -> &str {
        let piece = source
            .piece_for(start, end)
            .map_or((0, 0), |p| (p.start, p.end));
        &source.text[piece.0..piece.1]
    }

    #[test]
    fn a_span_inside_a_string_maps_to_the_whole_literal() {
        let source = source(quote!({ "Next": "Nowhere" }));
        let at = source.text.find("Nowhere").unwrap_or(0);
        assert_eq!(covered(&source, at + 1, at + 3), "\"Nowhere\"");
    }

    #[test]
    fn a_span_over_an_object_maps_to_its_group() {
        let source = source(quote!({ "A": { "Type": "Pass" } }));
        let at = source.text.find("{\"Type").unwrap_or(0);
        let end = source.text.len() - 1;
        assert_eq!(covered(&source, at, end), "{\"Type\" : \"Pass\"}");
    }

    #[test]
    fn an_empty_span_at_the_end_maps_to_the_last_token() {
        let source = source(quote!({ "A": 1 }));
        let len = source.text.len();
        assert_eq!(covered(&source, len, len), "}");
    }
}
