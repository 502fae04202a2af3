//! Definitions read from files next to Cargo.toml (JSON and YAML).

use std::sync::Arc;

use asl::runtime::execution::Runtime;
use serde_json::json;

asl::asl!(
    /// Greets someone, from a YAML definition.
    pub struct Greeting, "tests/definitions/greeting.asl.yaml"
);

#[tokio::test(start_paused = true)]
async fn a_yaml_definition_runs() {
    let result = Greeting::run(&Runtime::new(), Arc::new(()), json!({ "name": "Ada" })).await;
    assert_eq!(result.output(), Some(&json!({ "greeting": "hello, Ada" })));
}
