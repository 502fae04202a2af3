// A `.waitForTaskToken` task whose parameters never pass `$$.Task.Token` can never be answered.
#![deny(deprecated)] // definition warnings are deprecation warnings; make them fail here
asl::asl! {
    pub struct Forgetful; {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                    "MessageBody": { "order.$": "$.order" }
                },
                "HeartbeatSeconds": 60,
                "End": true
            }
        }
    }
}

fn main() {}
