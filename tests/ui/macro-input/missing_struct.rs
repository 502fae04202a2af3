// The macro says which two forms it accepts.
asl::asl! {
    pub Checkout; { "StartAt": "A", "States": { "A": { "Type": "Succeed" } } }
}

fn main() {}
