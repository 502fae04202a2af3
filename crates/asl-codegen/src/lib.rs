#![forbid(unsafe_code)]
//! Code generation for `asl!`: ordinary Rust, unit-testable without a compiler.
//!
//! [`expand`] reads the macro input ([`input`]), gets the definition text (inline tokens rebuilt
//! into JSON by [`inline`], or a file next to the user's `Cargo.toml`), runs the model's rules,
//! reports their findings at the right tokens ([`report`]) and, when there are no errors,
//! generates the machine ([`generate`]).

mod error;
mod generate;
mod inline;
mod input;
mod integrations;
mod jsonata;
mod literal;
mod names;
mod report;
#[cfg(test)]
mod tests;
mod unsupported;

use std::path::{Path, PathBuf};

use asl_model::SourceFormat;
use proc_macro2::TokenStream;
use quote::{quote, quote_spanned};

use crate::error::{Error, Errors};
use crate::inline::InlineSource;
use crate::input::{Body, Header, MacroInput};
use crate::report::Origin;

/// Expands the tokens given to `asl!` into the generated machine, or into `compile_error!`s.
///
/// File paths are resolved against `CARGO_MANIFEST_DIR` (the crate invoking the macro).
pub fn expand(input: TokenStream) -> TokenStream {
    let manifest_dir = std::env::var_os("CARGO_MANIFEST_DIR").map(PathBuf::from);
    expand_in(input, manifest_dir.as_deref())
}

/// [`expand`] with an explicit directory for relative definition paths (for tests).
pub fn expand_in(input: TokenStream, manifest_dir: Option<&Path>) -> TokenStream {
    let MacroInput { header, body } = match input::parse(input) {
        Ok(parsed) => parsed,
        Err(errors) => return errors.to_compile_errors(),
    };
    match body {
        Body::Inline(group) => {
            let source = InlineSource::from_group(&group);
            let origin = Origin::Inline(&source);
            finish(
                &header,
                &source.text,
                SourceFormat::Json,
                &origin,
                TokenStream::new(),
            )
        }
        Body::File { path, literal } => {
            let span = literal.span();
            let Some(dir) = manifest_dir else {
                return with_type(
                    &header,
                    Error::new(
                        span,
                        "cannot resolve the definition's path: CARGO_MANIFEST_DIR is not set",
                    )
                    .into(),
                );
            };
            let full = dir.join(&path);
            let text = match std::fs::read_to_string(&full) {
                Ok(text) => text,
                Err(e) => {
                    return with_type(
                        &header,
                        Error::new(
                            span,
                            format!(
                                "cannot read the definition `{path}`: {e} (paths are relative to the crate's Cargo.toml, here `{}`)",
                                dir.display()
                            ),
                        )
                        .into(),
                    );
                }
            };
            let Some(format) = SourceFormat::from_path(&path) else {
                return with_type(
                    &header,
                    Error::new(
                        span,
                        format!("cannot tell the format of `{path}`: use a `.json`, `.yaml` or `.yml` file"),
                    )
                    .into(),
                );
            };
            // Makes cargo rebuild when the file changes, without an absolute path in the output
            // (unless the user wrote one).
            let rerun = if Path::new(&path).is_absolute() {
                quote_spanned! {span=> const _: &[u8] = ::core::include_bytes!(#path); }
            } else {
                quote_spanned! {span=>
                    const _: &[u8] = ::core::include_bytes!(::core::concat!(
                        ::core::env!("CARGO_MANIFEST_DIR"), "/", #path
                    ));
                }
            };
            let origin = Origin::File {
                path: &path,
                text: &text,
                literal: span,
            };
            finish(&header, &text, format, &origin, rerun)
        }
    }
}

/// Runs the rules, reports, and generates when the definition has no errors.
fn finish(
    header: &Header,
    text: &str,
    format: SourceFormat,
    origin: &Origin<'_>,
    extra: TokenStream,
) -> TokenStream {
    let options = asl_model::Options {
        express: header.settings.express,
        forbid_cfn_placeholders: header.settings.forbid_cfn_placeholders,
        ..asl_model::Options::default()
    };
    let arena = asl_model::Arena::for_text(text);
    let analysis = asl_model::analyze(text, &arena, format, &options);
    let warnings = report::warnings(&analysis.diagnostics, origin);
    let mut errors = Errors(report::errors(&analysis.diagnostics, origin));
    let machine = match analysis.machine {
        Some(machine) if errors.is_empty() => machine,
        _ => {
            if errors.is_empty() {
                errors.push(Error::new(
                    origin.span_of(asl_model::Span::at(0)),
                    "the definition could not be read",
                ));
            }
            let mut out = with_type(header, errors);
            out.extend(extra);
            out.extend(warnings);
            return out;
        }
    };
    let mut out = match generate::generate_machine(header, &machine, origin) {
        Ok(tokens) => tokens,
        Err(errors) => with_type(header, errors),
    };
    out.extend(extra);
    out.extend(warnings);
    out
}

/// The user's type alone plus the errors: later uses of the type then fail only where they use
/// generated methods, instead of with "cannot find type".
fn with_type(header: &Header, errors: Errors) -> TokenStream {
    let Header {
        attrs, vis, name, ..
    } = header;
    let errors = errors.to_compile_errors();
    quote! {
        #(#attrs)*
        #vis struct #name;
        #errors
    }
}
