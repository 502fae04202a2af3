//! JSONPath parser: never panics, spans stay inside the input, and the canonical form is stable.
#![no_main]

use asl_syntax::path::{parse_path, parse_reference_path};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_path(text) {
        Ok(path) => {
            assert!(path.span.end <= text.len());
            assert!(text.is_char_boundary(path.span.start) && text.is_char_boundary(path.span.end));
            // Printing and re-parsing must give the same canonical text.
            let canonical = path.to_string();
            let again = parse_path(&canonical)
                .unwrap_or_else(|e| panic!("canonical form {canonical:?} of {text:?} fails: {e}"));
            assert_eq!(again.to_string(), canonical, "input {text:?}");
            assert_eq!(again.is_definite(), path.is_definite());
        }
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len()),
    }
    if let Ok(path) = parse_reference_path(text) {
        assert!(path.is_reference());
    }
});
