//! The model crate's spanned JSON parser must never panic, and every number
//! it reads must have the value the standard float parser gives its text.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let arena = asl_model::Arena::new();
        if let Ok(root) = asl_model::parse_json(text, &arena) {
            root.walk(|node| {
                if let Some(n) = node.as_number() {
                    let expected: f64 = n.text().parse().expect("number text parses");
                    assert_eq!(n.as_f64().to_bits(), expected.to_bits(), "{}", n.text());
                }
            });
        }
    }
});
