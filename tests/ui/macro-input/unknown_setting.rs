// Settings before the type are checked: a misspelt one is reported, not ignored.
asl::asl! {
    #[asl(expres)]
    pub struct Fast; { "StartAt": "A", "States": { "A": { "Type": "Succeed" } } }
}

fn main() {}
