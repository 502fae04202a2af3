// Batch has no callback pattern: the `Resource` suffix is reported.
asl::asl! {
    pub struct BatchCallback; {
        "StartAt": "Submit",
        "States": {
            "Submit": {
                "Type": "Task",
                "Resource": "arn:aws:states:::batch:submitJob.waitForTaskToken",
                "Parameters": {
                    "JobName": "j", "JobQueue": "q", "JobDefinition": "d",
                    "Token.$": "$$.Task.Token"
                },
                "HeartbeatSeconds": 60,
                "End": true
            }
        }
    }
}

fn main() {}
