// `HeartbeatSeconds` must be below `TimeoutSeconds`.
asl::asl! {
    pub struct SlowBeat; {
        "StartAt": "Ask",
        "States": {
            "Ask": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage.waitForTaskToken",
                "Parameters": {
                    "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q",
                    "MessageBody": { "token.$": "$$.Task.Token" }
                },
                "TimeoutSeconds": 60,
                "HeartbeatSeconds": 60,
                "End": true
            }
        }
    }
}

fn main() {}
