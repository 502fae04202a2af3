//! Callback (`.waitForTaskToken`): a Task puts a message with its task token on an SQS-like
//! queue and waits until a worker answers the token.
//!
//! Run with `cargo run --example callback`. Two executions run:
//! 1. a worker takes the message, sends heartbeats while it works (the task's `HeartbeatSeconds`
//!    is 30) and then `SendTaskSuccess`;
//! 2. a worker takes the message and goes silent: 30 seconds later the heartbeat deadline
//!    passes, the task fails with `States.Timeout`, and the definition's Catch escalates.
//!
//! Time is tokio's paused clock, so the minutes of waiting pass at once.

use std::sync::Arc;
use std::time::Duration;

use asl::runtime::execution::{ExecutionResult, Runtime};
use asl::runtime::integration::{Callback, TaskFailure};
use asl::runtime::token::TaskTokens;
use serde_json::{Value, json};
use tokio::sync::{Mutex, mpsc};

asl::asl!(
    /// Asks a human (through a queue) to approve a request.
    pub struct Approval, "examples/definitions/approval_queue.asl.json"
);

/// An in-process stand-in for an SQS queue.
struct Queue {
    sender: mpsc::UnboundedSender<Value>,
}

impl ApprovalIntegrations for Queue {
    async fn sqs_send_message_callback(&self, call: Callback) -> Result<(), TaskFailure> {
        let body = call.parameters()["MessageBody"].clone();
        self.sender
            .send(body)
            .map_err(|_| TaskFailure::new("SQS.QueueDoesNotExist", "the queue is closed"))
    }
}

/// A worker that heartbeats every 20 s while it works for 75 s, then approves.
async fn diligent_worker(messages: Arc<Mutex<mpsc::UnboundedReceiver<Value>>>, tokens: TaskTokens) {
    let Some(message) = messages.lock().await.recv().await else {
        return;
    };
    let token = message["taskToken"].as_str().unwrap_or_default().to_owned();
    for elapsed in [20, 40, 60] {
        tokio::time::sleep(Duration::from_secs(20)).await;
        match tokens.send_task_heartbeat(&token) {
            Ok(()) => println!("  worker: still working after {elapsed} s (heartbeat)"),
            Err(e) => println!("  worker: heartbeat refused: {e:?}"),
        }
    }
    tokio::time::sleep(Duration::from_secs(15)).await;
    match tokens.send_task_success(&token, json!({ "approved": true, "by": "worker-1" })) {
        Ok(()) => println!("  worker: sent SendTaskSuccess"),
        Err(e) => println!("  worker: SendTaskSuccess refused: {e:?}"),
    }
}

/// A worker that takes the message and never answers.
async fn silent_worker(messages: Arc<Mutex<mpsc::UnboundedReceiver<Value>>>) {
    let _message = messages.lock().await.recv().await;
    println!("  worker: took the message and went silent");
}

fn report(result: ExecutionResult, started: tokio::time::Instant) {
    let seconds = started.elapsed().as_secs();
    match result {
        ExecutionResult::Succeeded { output } => {
            println!("  succeeded after {seconds} simulated seconds: {output}");
        }
        other => println!("  ended after {seconds} simulated seconds: {other:?}"),
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let runtime = Runtime::new();
    let (sender, receiver) = mpsc::unbounded_channel();
    let messages = Arc::new(Mutex::new(receiver));
    let queue = Arc::new(Queue { sender });
    let input = json!({ "request": { "id": "R-7", "amount": 1200 } });

    println!("1. a worker that sends heartbeats, then SendTaskSuccess:");
    let worker = tokio::spawn(diligent_worker(
        Arc::clone(&messages),
        runtime.task_tokens(),
    ));
    let started = tokio::time::Instant::now();
    report(
        Approval::run(&runtime, Arc::clone(&queue), input.clone()).await,
        started,
    );
    let _ = worker.await;

    println!("2. a worker that goes silent (HeartbeatSeconds is 30):");
    let worker = tokio::spawn(silent_worker(Arc::clone(&messages)));
    let started = tokio::time::Instant::now();
    report(Approval::run(&runtime, queue, input).await, started);
    let _ = worker.await;
}
