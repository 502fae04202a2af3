// Implementing the trait but leaving out an integration names the missing method.
asl::asl! {
    pub struct TwoSteps; {
        "StartAt": "Publish",
        "States": {
            "Publish": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sns:publish",
                "Parameters": { "TopicArn": "arn:aws:sns:us-east-1:123456789012:t", "Message": "hi" },
                "Next": "Enqueue"
            },
            "Enqueue": {
                "Type": "Task",
                "Resource": "arn:aws:states:::sqs:sendMessage",
                "Parameters": { "QueueUrl": "https://sqs.us-east-1.amazonaws.com/123456789012/q", "MessageBody": "hi" },
                "End": true
            }
        }
    }
}

struct Services;

impl TwoStepsIntegrations for Services {
    async fn sns_publish(
        &self,
        call: asl::runtime::RequestResponse,
    ) -> Result<asl::__private::serde_json::Value, asl::runtime::TaskFailure> {
        Ok(call.into_parameters())
    }
}

fn main() {}
