// JSONata in `Credentials` is not compiled yet: that is an error, never silently ignored.
asl::asl! {
    pub struct Modern; {
        "QueryLanguage": "JSONata",
        "StartAt": "Call",
        "States": {
            "Call": {
                "Type": "Task",
                "Resource": "arn:aws:states:::lambda:invoke",
                "Arguments": { "FunctionName": "f" },
                "Credentials": { "RoleArn": "{% $states.input.role %}" },
                "End": true
            }
        }
    }
}

fn main() {}
