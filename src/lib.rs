#![forbid(unsafe_code)]
//! Amazon States Language compiled to native async Rust.
//!
//! Depend on this crate only: it brings the `asl!` macro and the runtime the generated code uses.
//!
//! ```ignore
//! asl::asl! {
//!     /// Publishes a greeting.
//!     pub struct Greet; {
//!         "StartAt": "Publish",
//!         "States": {
//!             "Publish": { "Type": "Task", "Resource": "arn:aws:states:::sns:publish", "End": true }
//!         }
//!     }
//! }
//! // or, from a file next to Cargo.toml:
//! asl::asl!(pub struct Order, "flows/order.asl.json");
//! ```

pub use asl_macros::asl;
pub use asl_runtime as runtime;

/// What generated code needs besides the runtime. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json;

    /// Parses JSON text that the model validated at build time (templates, `Result` values).
    pub fn json(text: &str) -> Result<serde_json::Value, crate::runtime::StatesError> {
        serde_json::from_str(text).map_err(|e| {
            crate::runtime::StatesError::runtime(format!("invalid JSON in a generated spec: {e}"))
        })
    }
}
