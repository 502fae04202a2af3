// A `Next` that names no state is reported on that string, with a suggestion.
asl::asl! {
    pub struct Checkout; {
        "StartAt": "ChargeCard",
        "States": {
            "ChargeCard": { "Type": "Pass", "Next": "ShipOrdr" },
            "ShipOrder": { "Type": "Succeed" }
        }
    }
}

fn main() {}
