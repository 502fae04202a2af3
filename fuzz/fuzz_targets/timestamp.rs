//! Timestamp parser: never panics, and formatting a parsed instant parses back to it.
#![no_main]

use asl_syntax::timestamp::{format_rfc3339, parse_timestamp};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_timestamp(text) {
        Ok(t) => {
            let formatted = format_rfc3339(t.unix_nanos);
            let again = parse_timestamp(&formatted)
                .unwrap_or_else(|e| panic!("{formatted:?} (from {text:?}) fails: {e}"));
            assert_eq!(again, t);
        }
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len()),
    }
});
