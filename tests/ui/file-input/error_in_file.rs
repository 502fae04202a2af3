// Errors inside a definition file are reported on the path literal with `file:line:col` and a
// snippet of the file. (trybuild compiles this case from target/tests/trybuild/asl, hence the
// path back to the repository.)
asl::asl!(pub struct FromFile, "../../../../tests/ui/file-input/dangling_next.asl.json");

fn main() {}
