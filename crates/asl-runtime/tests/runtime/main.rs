//! Integration tests of the execution half of the runtime, driving the state drivers directly
//! (as generated code will) on tokio's paused time.

mod common;
mod execution;
mod map_parallel;
mod mock;
mod tasks;
mod tokens;
