//! Generated code works next to user items whose names clash with what it uses, and two
//! machines can live in one module.
#![deny(warnings)]
#![allow(dead_code, non_camel_case_types, clippy::upper_case_acronyms)]

use std::sync::Arc as SharedPointer;

// Names the generated code must not pick up from the user's scope.
struct Value;
struct Result;
struct Option;
struct Arc;
struct Vec;
struct LazyLock;
struct MACHINE;
struct SPEC_0;
enum Machine0State {}
fn run_machine_0() {}
mod serde_json {}

asl::asl! {
    pub(crate) struct First; {
        "StartAt": "Only",
        "States": { "Only": { "Type": "Pass", "Result": 1, "End": true } }
    }
}

asl::asl! {
    struct Second; {
        "StartAt": "Only",
        "States": { "Only": { "Type": "Pass", "Result": 2, "End": true } }
    }
}

#[tokio::test(start_paused = true)]
async fn machines_with_clashing_names_around_them_still_run() {
    let runtime = asl::runtime::Runtime::new();
    let first = First::run(&runtime, SharedPointer::new(()), ::serde_json::json!({})).await;
    let second = Second::run(&runtime, SharedPointer::new(()), ::serde_json::json!({})).await;
    assert_eq!(
        first.output(),
        ::core::option::Option::Some(&::serde_json::json!(1))
    );
    assert_eq!(
        second.output(),
        ::core::option::Option::Some(&::serde_json::json!(2))
    );
}
