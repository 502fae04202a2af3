// Reading a variable that no state assigns is reported on the path.
asl::asl! {
    pub struct Unassigned; {
        "StartAt": "Read",
        "States": {
            "Read": {
                "Type": "Pass",
                "Parameters": { "total.$": "$orderTotal" },
                "End": true
            }
        }
    }
}

fn main() {}
