//! What the rules know about AWS: optimized integrations and their patterns,
//! request shapes, predefined error names and service limits.

pub mod errors;
pub mod integrations;
pub mod limits;
pub mod schemas;

pub use errors::{PREDEFINED_ERRORS, PredefinedError, predefined_error};
pub use integrations::{Integration, OPTIMIZED, Patterns, lookup_integration};
pub use schemas::{RequestSchema, SchemaRegistry};
