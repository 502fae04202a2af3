//! The model crate's spanned JSON parser must never panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let _ = asl_model::parse_json(text, &asl_model::Arena::new());
    }
});
