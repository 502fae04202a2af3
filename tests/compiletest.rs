//! Compile-fail cases of `asl!`, one folder per rule family. The `.stderr` files are what a user
//! sees: review them as documentation.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*/*.rs");
}
