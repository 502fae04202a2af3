#![forbid(unsafe_code)]
//! Amazon States Language compiled to native async Rust.
//!
//! Depend on this crate only: it brings the `asl!` macro and the runtime the generated code uses.

pub use asl_macros::asl;
pub use asl_runtime as runtime;
