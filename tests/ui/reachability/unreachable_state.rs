// A state that no transition reaches is reported on its name.
asl::asl! {
    pub struct Orphan; {
        "StartAt": "First",
        "States": {
            "First": { "Type": "Succeed" },
            "Forgotten": { "Type": "Succeed" }
        }
    }
}

fn main() {}
