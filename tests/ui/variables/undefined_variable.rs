// Reading a variable that no state assigns is reported on the path.
#![deny(deprecated)] // definition warnings are deprecation warnings; make them fail here
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
