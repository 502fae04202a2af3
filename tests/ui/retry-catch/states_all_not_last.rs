// `States.ALL` must be alone and in the last retrier.
asl::asl! {
    pub struct Greedy; {
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:lambda:us-east-1:123456789012:function:charge",
                "Retry": [
                    { "ErrorEquals": ["States.ALL"] },
                    { "ErrorEquals": ["States.Timeout"] }
                ],
                "End": true
            }
        }
    }
}

fn main() {}
