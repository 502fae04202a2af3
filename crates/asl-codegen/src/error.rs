//! Errors of the macro itself (bad macro input, unreadable files, definition diagnostics), each
//! tied to the token it is about and turned into `compile_error!` there.

use proc_macro2::{Span, TokenStream};
use quote::quote_spanned;

/// One message at one token.
#[derive(Clone, Debug)]
pub struct Error {
    pub span: Span,
    pub message: String,
}

impl Error {
    pub fn new(span: Span, message: impl Into<String>) -> Error {
        Error {
            span,
            message: message.into(),
        }
    }

    /// `::core::compile_error!("…");` placed at the culprit's span.
    pub fn to_compile_error(&self) -> TokenStream {
        let message = &self.message;
        quote_spanned! {self.span=> ::core::compile_error! { #message } }
    }
}

/// Every error found, reported together (the user fixes them in one round).
#[derive(Clone, Debug, Default)]
pub struct Errors(pub Vec<Error>);

impl Errors {
    pub fn push(&mut self, error: Error) {
        self.0.push(error);
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    #[cfg(test)]
    pub fn messages(&self) -> Vec<String> {
        self.0.iter().map(|e| e.message.clone()).collect()
    }

    pub fn to_compile_errors(&self) -> TokenStream {
        self.0.iter().map(Error::to_compile_error).collect()
    }
}

impl From<Error> for Errors {
    fn from(error: Error) -> Errors {
        Errors(vec![error])
    }
}
