// An intrinsic called with the wrong number of arguments is reported on the call.
asl::asl! {
    pub struct Arity; {
        "StartAt": "Build",
        "States": {
            "Build": {
                "Type": "Pass",
                "Parameters": { "id.$": "States.UUID($.seed)" },
                "End": true
            }
        }
    }
}

fn main() {}
