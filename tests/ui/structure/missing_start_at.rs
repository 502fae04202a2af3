// A definition without `StartAt` is reported on the definition's braces.
asl::asl! {
    pub struct NoStart; {
        "States": {
            "Only": { "Type": "Succeed" }
        }
    }
}

fn main() {}
