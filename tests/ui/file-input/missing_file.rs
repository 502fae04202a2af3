// A path that names no file is reported on the path literal.
asl::asl!(pub struct Missing, "flows/does-not-exist.asl.json");

fn main() {}
