//! Request-response: a Task calls an SNS-like topic and moves on with its response.
//!
//! Run with `cargo run --example request_response`. The definition lives in
//! `examples/definitions/publish.asl.json`; `asl!` compiles it at build time into `ConfirmOrder`
//! and the trait `ConfirmOrderIntegrations`, whose one method (`sns_publish`) this example
//! implements with an in-process topic.

use std::sync::{Arc, Mutex};

use asl::runtime::execution::{ExecutionResult, Runtime};
use asl::runtime::integration::{RequestResponse, TaskFailure};
use serde_json::{Value, json};

asl::asl!(
    /// Confirms an order by publishing a message.
    pub struct ConfirmOrder, "examples/definitions/publish.asl.json"
);

/// An in-process stand-in for an SNS topic: it keeps what was published.
#[derive(Default)]
struct Topic {
    published: Mutex<Vec<(String, String)>>,
}

impl ConfirmOrderIntegrations for Topic {
    async fn sns_publish(&self, call: RequestResponse) -> Result<Value, TaskFailure> {
        let parameters = call.parameters();
        let topic = parameters["TopicArn"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        let Some(message) = parameters["Message"].as_str() else {
            return Err(TaskFailure::new(
                "SNS.InvalidParameterException",
                "Message is required",
            ));
        };
        let mut published = self
            .published
            .lock()
            .map_err(|_| TaskFailure::error("SNS.InternalError"))?;
        published.push((topic, message.to_owned()));
        Ok(json!({ "MessageId": format!("message-{}", published.len()) }))
    }
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let runtime = Runtime::new();
    let topic = Arc::new(Topic::default());
    let input = json!({ "orderId": "A-1001", "customer": "Ada" });

    match ConfirmOrder::run(&runtime, Arc::clone(&topic), input).await {
        ExecutionResult::Succeeded { output } => println!("succeeded with output {output}"),
        other => println!("execution did not succeed: {other:?}"),
    }
    if let Ok(published) = topic.published.lock() {
        for (topic, message) in published.iter() {
            println!("the topic {topic} received: {message}");
        }
    }
}
