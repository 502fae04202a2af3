// Tokens that are not JSON (here a trailing comma) are reported where the JSON reader stops.
asl::asl! {
    pub struct Trailing; {
        "StartAt": "A",
        "States": {
            "A": { "Type": "Succeed" },
        }
    }
}

fn main() {}
