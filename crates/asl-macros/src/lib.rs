#![forbid(unsafe_code)]
//! `asl!`: a thin shell; all logic lives in `asl-codegen`.

/// Compiles an Amazon States Language definition into a typed async state machine.
#[proc_macro]
pub fn asl(input: proc_macro::TokenStream) -> proc_macro::TokenStream {
    asl_codegen::expand(input.into()).into()
}
