#![forbid(unsafe_code)]
//! Runs folders of executions recorded on AWS Step Functions through `asl!` and compares the
//! outcomes with AWS's.
//!
//! A run reads every case folder ([`case`]), asks the model to check each definition
//! ([`precheck`]), compiles all remaining definitions into one generated crate ([`scratch`]),
//! runs each case in its own process on paused time ([`exec`]), compares the outcome with the
//! recorded one ([`compare`]) and prints a table per category ([`report`]).

pub mod case;
pub mod cli;
pub mod compare;
pub mod exec;
#[cfg(feature = "precheck")]
pub mod precheck;
pub mod report;
pub mod runner;
pub mod scratch;
