//! Run a job (`.sync`): a Task submits a job to a Batch-like service and resumes only when the
//! job has finished, minutes later.
//!
//! Run with `cargo run --example run_job`. Time is tokio's paused clock, so the job's
//! 90 simulated seconds pass at once.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use asl::runtime::execution::{ExecutionResult, Runtime};
use asl::runtime::integration::{RunJob, TaskFailure};
use serde_json::{Value, json};

asl::asl!(
    /// Renders a report on a batch queue and checks how the job ended.
    pub struct RenderReport, "examples/definitions/batch_job.asl.json"
);

/// An in-process stand-in for AWS Batch: jobs run in the background and finish later.
#[derive(Default)]
struct Batch {
    jobs: Arc<Mutex<HashMap<String, &'static str>>>,
}

impl Batch {
    /// Submits a job that runs for `duration` and returns its id at once (like `SubmitJob`).
    fn submit(&self, name: &str, duration: Duration) -> String {
        let id = format!("job-{name}");
        if let Ok(mut jobs) = self.jobs.lock() {
            jobs.insert(id.clone(), "RUNNING");
        }
        let jobs = Arc::clone(&self.jobs);
        let finished = id.clone();
        tokio::spawn(async move {
            tokio::time::sleep(duration).await;
            if let Ok(mut jobs) = jobs.lock() {
                jobs.insert(finished, "SUCCEEDED");
            }
        });
        id
    }

    /// The job's status (like `DescribeJobs`).
    fn status(&self, id: &str) -> &'static str {
        self.jobs
            .lock()
            .ok()
            .and_then(|jobs| jobs.get(id).copied())
            .unwrap_or("FAILED")
    }
}

impl RenderReportIntegrations for Batch {
    async fn batch_submit_job_sync(&self, call: RunJob) -> Result<Value, TaskFailure> {
        let name = call.parameters()["JobName"]
            .as_str()
            .unwrap_or("job")
            .to_owned();
        let id = self.submit(&name, Duration::from_secs(90));
        println!("submitted {id}; waiting for it to finish");
        // What Step Functions does for `.sync`: poll until the job is done.
        loop {
            let status = self.status(&id);
            if status != "RUNNING" {
                println!("{id} finished: {status}");
                return Ok(json!({ "JobId": id, "JobName": name, "Status": status }));
            }
            tokio::time::sleep(Duration::from_secs(30)).await;
        }
    }
}

#[tokio::main(flavor = "current_thread", start_paused = true)]
async fn main() {
    let runtime = Runtime::new();
    let started = tokio::time::Instant::now();
    let result = RenderReport::run(
        &runtime,
        Arc::new(Batch::default()),
        json!({ "reportId": "q3" }),
    )
    .await;
    match result {
        ExecutionResult::Succeeded { output } => println!(
            "succeeded after {} simulated seconds with output {output}",
            started.elapsed().as_secs()
        ),
        other => println!("execution did not succeed: {other:?}"),
    }
}
