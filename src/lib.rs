#![forbid(unsafe_code)]
//! Amazon States Language compiled to native async Rust.
//!
//! Depend on this crate only: it brings the `asl!` macro and the runtime the generated code uses.
//!
//! ```
//! use std::sync::Arc;
//!
//! use asl::runtime::{RequestResponse, Runtime, TaskFailure};
//! use serde_json::{Value, json};
//!
//! asl::asl! {
//!     /// Greets a customer through an SNS-like topic.
//!     pub struct Greet; {
//!         "StartAt": "Publish",
//!         "States": {
//!             "Publish": {
//!                 "Type": "Task",
//!                 "Resource": "arn:aws:states:::sns:publish",
//!                 "Parameters": {
//!                     "TopicArn": "arn:aws:sns:us-east-1:123456789012:greetings",
//!                     "Message.$": "States.Format('hello, {}', $.name)"
//!                 },
//!                 "ResultPath": "$.sent",
//!                 "End": true
//!             }
//!         }
//!     }
//! }
//!
//! // The generated trait lists what the definition calls; leaving a method out does not build.
//! struct Topic;
//!
//! impl GreetIntegrations for Topic {
//!     async fn sns_publish(&self, call: RequestResponse) -> Result<Value, TaskFailure> {
//!         assert_eq!(call.parameters()["Message"], "hello, Ada");
//!         Ok(json!({ "MessageId": "m-1" }))
//!     }
//! }
//!
//! # tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap().block_on(async {
//! let result = Greet::run(&Runtime::new(), Arc::new(Topic), json!({ "name": "Ada" })).await;
//! assert_eq!(
//!     result.output(),
//!     Some(&json!({ "name": "Ada", "sent": { "MessageId": "m-1" } }))
//! );
//! # });
//! ```
//!
//! Or from a file next to `Cargo.toml`: `asl::asl!(pub struct Order, "flows/order.asl.json");`.
//! See the `asl!` documentation for what is generated.

pub use asl_macros::asl;
pub use asl_runtime as runtime;

/// What generated code needs besides the runtime. Not part of the public API.
#[doc(hidden)]
pub mod __private {
    pub use serde_json;

    /// The spec a state built once, or the error that prevented it (a definition the model
    /// accepted but the runtime could not compile: reported as the state's failure, never a panic).
    #[inline]
    pub fn spec<T>(
        cell: &'static std::sync::LazyLock<Result<T, crate::runtime::StatesError>>,
    ) -> Result<&'static T, crate::runtime::StatesError> {
        cell.as_ref().map_err(Clone::clone)
    }

    /// Where a state driver sent the execution: its output, and the catcher that handled a
    /// failure (`None` when the state succeeded). An uncaught failure is the `Err`.
    pub fn outcome(
        outcome: crate::runtime::StateOutcome,
    ) -> Result<(serde_json::Value, Option<usize>), crate::runtime::StatesError> {
        match outcome {
            crate::runtime::StateOutcome::Next(output) => Ok((output, None)),
            crate::runtime::StateOutcome::Caught { catcher, output } => Ok((output, Some(catcher))),
            crate::runtime::StateOutcome::Failed(error) => Err(error),
        }
    }

    /// `Some(template)` compiled from JSON text.
    pub fn template(
        text: &str,
    ) -> Result<Option<crate::runtime::Template>, crate::runtime::StatesError> {
        crate::runtime::Template::compile(&json(text)?).map(Some)
    }

    /// `Some(assign)` compiled from JSON text.
    pub fn assign(
        text: &str,
    ) -> Result<Option<crate::runtime::Assign>, crate::runtime::StatesError> {
        crate::runtime::Assign::compile(&json(text)?).map(Some)
    }

    /// `Some(path)` compiled from its text.
    pub fn path(text: &str) -> Result<Option<crate::runtime::Path>, crate::runtime::StatesError> {
        crate::runtime::Path::parse(text).map(Some)
    }

    /// Parses JSON text that the model validated at build time (templates, `Result` values).
    pub fn json(text: &str) -> Result<serde_json::Value, crate::runtime::StatesError> {
        serde_json::from_str(text).map_err(|e| {
            crate::runtime::StatesError::runtime(format!("invalid JSON in a generated spec: {e}"))
        })
    }
}
