// JSONata is not compiled yet: that is an error, never silently ignored.
asl::asl! {
    pub struct Modern; {
        "QueryLanguage": "JSONata",
        "StartAt": "Shape",
        "States": {
            "Shape": { "Type": "Pass", "Output": "{% $states.input.id %}", "End": true }
        }
    }
}

fn main() {}
