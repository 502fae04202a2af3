//! The generated machine (see docs/architecture.md, "what generated code looks like").

use proc_macro2::TokenStream;

use crate::error::Errors;
use crate::input::Header;
use crate::report::Origin;

/// Generates the machine's type, integration trait and run loop.
pub fn generate_machine(
    header: &Header,
    machine: &(),
    origin: &Origin<'_>,
) -> Result<TokenStream, Errors> {
    let _ = (header, machine, origin);
    Ok(TokenStream::new())
}
