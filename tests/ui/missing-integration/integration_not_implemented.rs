// A type that does not implement the generated integrations trait cannot run the machine; the
// error names the trait (and so the missing methods).
asl::asl! {
    pub struct Notify; {
        "StartAt": "Publish",
        "States": {
            "Publish": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "hi" },
                "End": true
            }
        }
    }
}

struct Services;

fn main() {
    let runtime = asl::runtime::Runtime::new();
    let _ = Notify::start(&runtime, std::sync::Arc::new(Services), asl::__private::serde_json::Value::Null);
}
