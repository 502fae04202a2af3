//! What `asl!` was given: the generated type's header and where the definition comes from.
//!
//! ```text
//! asl! { /// docs
//!        pub struct Name; { …inline JSON… } }
//! asl! { pub struct Name, "path/to/def.asl.json" }
//! ```
//!
//! Parsed by hand from `proc_macro2` tokens (no `syn`): the grammar is tiny and this keeps the
//! macro's build light.

use proc_macro2::{Delimiter, Group, Ident, Literal, Span, TokenStream, TokenTree};

use crate::error::{Error, Errors};
use crate::literal;

/// Settings given as `#[asl(…)]` before the type: how the definition is checked.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Settings {
    /// `#[asl(name = "…")]`: the state machine's name (`$$.StateMachine.Name`, the key of a mock
    /// configuration); the type's name when absent.
    pub name: Option<String>,
    /// `#[asl(express)]`: check the definition as an Express workflow.
    pub express: bool,
    /// `#[asl(forbid_cfn_placeholders)]`: report CloudFormation `${…}` placeholders.
    pub forbid_cfn_placeholders: bool,
}

/// The generated type's outer attributes (docs included), visibility and name.
pub struct Header {
    pub attrs: Vec<TokenStream>,
    pub settings: Settings,
    pub vis: TokenStream,
    pub name: Ident,
}

/// Where the definition text comes from.
pub enum Body {
    /// JSON written as tokens inside the macro call: the braces group holding the definition.
    Inline(Group),
    /// A file path (relative to the crate's manifest directory) and the literal that named it.
    File { path: String, literal: Literal },
}

pub struct MacroInput {
    pub header: Header,
    pub body: Body,
}

struct Cursor {
    tokens: Vec<TokenTree>,
    pos: usize,
    /// Where "expected …" errors point once the input has run out.
    end: Span,
}

impl Cursor {
    fn peek(&self) -> Option<&TokenTree> {
        self.tokens.get(self.pos)
    }

    fn next(&mut self) -> Option<TokenTree> {
        let token = self.tokens.get(self.pos).cloned();
        if token.is_some() {
            self.pos += 1;
        }
        token
    }

    fn span_here(&self) -> Span {
        self.peek().map_or(self.end, TokenTree::span)
    }

    fn is_punct(&self, ch: char) -> bool {
        matches!(self.peek(), Some(TokenTree::Punct(p)) if p.as_char() == ch)
    }

    fn is_ident(&self, word: &str) -> bool {
        matches!(self.peek(), Some(TokenTree::Ident(i)) if i == word)
    }
}

const USAGE: &str =
    "expected `struct Name; { …definition… }` or `struct Name, \"path/to/definition.asl.json\"`";

/// Parses the whole macro input.
pub fn parse(input: TokenStream) -> Result<MacroInput, Errors> {
    let mut cursor = Cursor {
        tokens: input.into_iter().collect(),
        pos: 0,
        end: Span::call_site(),
    };
    let header = parse_header(&mut cursor)?;
    let body = parse_body(&mut cursor)?;
    // A trailing `;` or `,` is harmless; anything else is a mistake worth reporting.
    if cursor.is_punct(';') || cursor.is_punct(',') {
        cursor.next();
    }
    if let Some(extra) = cursor.next() {
        return Err(Error::new(
            extra.span(),
            "unexpected tokens after the definition; `asl!` takes one machine per call",
        )
        .into());
    }
    Ok(MacroInput { header, body })
}

fn parse_header(cursor: &mut Cursor) -> Result<Header, Errors> {
    let mut attrs = Vec::new();
    let mut settings = Settings::default();
    while cursor.is_punct('#') {
        let pound = cursor.next();
        match cursor.next() {
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Bracket => {
                if let Some(words) = asl_attribute(&group) {
                    read_settings(words, &mut settings)?;
                    continue;
                }
                let mut attr = TokenStream::new();
                attr.extend(pound);
                attr.extend([TokenTree::Group(group)]);
                attrs.push(attr);
            }
            other => {
                let span = other.map_or(cursor.end, |t| t.span());
                return Err(Error::new(span, "expected `[` to start an attribute").into());
            }
        }
    }

    let mut vis = TokenStream::new();
    if cursor.is_ident("pub") {
        vis.extend(cursor.next());
        // `pub(crate)`, `pub(super)`, `pub(in path)`.
        if let Some(TokenTree::Group(group)) = cursor.peek()
            && group.delimiter() == Delimiter::Parenthesis
        {
            vis.extend(cursor.next());
        }
    }

    if !cursor.is_ident("struct") {
        return Err(Error::new(cursor.span_here(), USAGE).into());
    }
    cursor.next();
    let name = match cursor.next() {
        Some(TokenTree::Ident(ident)) => ident,
        other => {
            let span = other.map_or(cursor.end, |t| t.span());
            return Err(Error::new(span, "expected the name of the generated type").into());
        }
    };
    Ok(Header {
        attrs,
        settings,
        vis,
        name,
    })
}

/// Whether AWS accepts `name` as a state machine name.
fn valid_machine_name(name: &str) -> bool {
    let length = name.chars().count();
    (1..=80).contains(&length)
        && !name
            .chars()
            .any(|c| c.is_whitespace() || c.is_control() || "<>{}[]?*\"#%\\^|~`$&,;:/".contains(c))
}

/// The tokens inside `asl(…)` when the attribute is ours.
fn asl_attribute(group: &Group) -> Option<TokenStream> {
    let mut tokens = group.stream().into_iter();
    match (tokens.next(), tokens.next(), tokens.next()) {
        (Some(TokenTree::Ident(name)), Some(TokenTree::Group(args)), None)
            if name == "asl" && args.delimiter() == Delimiter::Parenthesis =>
        {
            Some(args.stream())
        }
        _ => None,
    }
}

fn read_settings(words: TokenStream, settings: &mut Settings) -> Result<(), Errors> {
    let mut tokens = words.into_iter();
    while let Some(token) = tokens.next() {
        match token {
            TokenTree::Ident(word) if word == "name" => {
                let equals = tokens.next();
                let value = tokens.next();
                match (equals, value) {
                    (Some(TokenTree::Punct(p)), Some(TokenTree::Literal(lit)))
                        if p.as_char() == '=' =>
                    {
                        match literal::string_value(&lit) {
                            Some(name) if valid_machine_name(&name) => settings.name = Some(name),
                            _ => {
                                return Err(Error::new(
                                    lit.span(),
                                    "a state machine name is 1 to 80 characters, without whitespace or any of `<>{}[]?*\"#%\\^|~`$&,;:/`",
                                )
                                .into());
                            }
                        }
                    }
                    _ => {
                        return Err(Error::new(
                            word.span(),
                            "expected `name = \"…\"` (a string literal)",
                        )
                        .into());
                    }
                }
            }
            TokenTree::Ident(word) if word == "express" => settings.express = true,
            TokenTree::Ident(word) if word == "forbid_cfn_placeholders" => {
                settings.forbid_cfn_placeholders = true;
            }
            TokenTree::Punct(p) if p.as_char() == ',' => {}
            other => {
                return Err(Error::new(
                    other.span(),
                    "unknown `asl` setting; expected `name = \"…\"`, `express` or `forbid_cfn_placeholders`",
                )
                .into());
            }
        }
    }
    Ok(())
}

fn parse_body(cursor: &mut Cursor) -> Result<Body, Errors> {
    match cursor.next() {
        Some(TokenTree::Punct(p)) if p.as_char() == ';' => match cursor.next() {
            Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                Ok(Body::Inline(group))
            }
            other => {
                let span = other.map_or(cursor.end, |t| t.span());
                Err(Error::new(
                    span,
                    "expected the definition as a JSON object in braces: `{ \"StartAt\": …, \"States\": { … } }`",
                )
                .into())
            }
        },
        Some(TokenTree::Punct(p)) if p.as_char() == ',' => match cursor.next() {
            Some(TokenTree::Literal(lit)) => match literal::string_value(&lit) {
                Some(path) => Ok(Body::File { path, literal: lit }),
                None => Err(Error::new(
                    lit.span(),
                    "expected the definition's path as a string literal",
                )
                .into()),
            },
            other => {
                let span = other.map_or(cursor.end, |t| t.span());
                Err(Error::new(
                    span,
                    "expected the definition's path as a string literal, relative to the crate's Cargo.toml",
                )
                .into())
            }
        },
        other => {
            let span = other.map_or(cursor.end, |t| t.span());
            Err(Error::new(span, USAGE).into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use quote::quote;

    fn message(result: Result<MacroInput, Errors>) -> String {
        match result {
            Ok(_) => String::from("ok"),
            Err(errors) => errors.messages().join(" | "),
        }
    }

    #[test]
    fn inline_definition_keeps_docs_visibility_and_name() {
        let parsed = parse(quote! {
            /// Orders.
            pub(crate) struct OrderFlow; { "StartAt": "A", "States": {} }
        });
        let Ok(input) = parsed else {
            panic!("should parse")
        };
        assert_eq!(input.header.name.to_string(), "OrderFlow");
        assert_eq!(input.header.vis.to_string(), "pub (crate)");
        assert_eq!(input.header.attrs.len(), 1);
        assert!(matches!(input.body, Body::Inline(_)));
    }

    #[test]
    fn asl_settings_are_read_and_not_passed_on() {
        let Ok(input) = parse(quote! {
            #[asl(express, forbid_cfn_placeholders)]
            #[derive(Debug)]
            struct Fast; {}
        }) else {
            panic!("should parse")
        };
        assert!(input.header.settings.express);
        assert!(input.header.settings.forbid_cfn_placeholders);
        assert_eq!(input.header.attrs.len(), 1);
    }

    #[test]
    fn the_machine_name_can_be_set() {
        let Ok(input) = parse(quote! { #[asl(name = "order-flow")] struct Flow; {} }) else {
            panic!("should parse")
        };
        assert_eq!(input.header.settings.name.as_deref(), Some("order-flow"));
    }

    #[test]
    fn an_invalid_machine_name_is_rejected() {
        let parsed = parse(quote! { #[asl(name = "order flow")] struct Flow; {} });
        assert!(message(parsed).starts_with("a state machine name"));
    }

    #[test]
    fn unknown_settings_are_rejected() {
        let parsed = parse(quote! { #[asl(turbo)] struct X; {} });
        assert!(message(parsed).starts_with("unknown `asl` setting"));
    }

    #[test]
    fn file_definition_takes_the_path_literal() {
        let Ok(input) = parse(quote!(pub struct Flow, "flows/order.asl.json")) else {
            panic!("should parse")
        };
        match input.body {
            Body::File { path, .. } => assert_eq!(path, "flows/order.asl.json"),
            Body::Inline(_) => panic!("expected a file body"),
        }
    }

    #[test]
    fn missing_struct_keyword_explains_the_two_forms() {
        assert!(message(parse(quote!(pub Flow; {}))).starts_with("expected `struct Name;"));
    }

    #[test]
    fn path_must_be_a_string_literal() {
        assert!(message(parse(quote!(struct Flow, 42))).contains("string literal"));
    }

    #[test]
    fn trailing_tokens_are_rejected() {
        assert!(message(parse(quote!(struct Flow; {} extra))).starts_with("unexpected tokens"));
    }

    #[test]
    fn trailing_semicolon_is_accepted() {
        assert_eq!(message(parse(quote!(struct Flow, "a.json";))), "ok");
    }
}
