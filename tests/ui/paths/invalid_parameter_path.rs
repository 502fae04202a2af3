// A `.$` value that is not a valid path is reported on that string.
asl::asl! {
    pub struct BadPath; {
        "StartAt": "Shape",
        "States": {
            "Shape": {
                "Type": "Pass",
                "Parameters": { "id.$": "$.order[" },
                "End": true
            }
        }
    }
}

fn main() {}
