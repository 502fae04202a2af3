//! Intrinsic call parser and `.$` payload values: never panic, spans stay inside the input.
#![no_main]

use asl_syntax::intrinsic::{check_nesting, parse_intrinsic, parse_payload_value};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    match parse_intrinsic(text) {
        Ok(call) => {
            assert!(call.span.end <= text.len());
            assert_eq!(text.get(call.name_span.start..call.name_span.end), Some(call.name.as_str()));
            for arg in &call.args {
                let span = arg.span();
                assert!(call.span.start <= span.start && span.end <= call.span.end);
            }
            let within_limit = call.depth() <= asl_syntax::intrinsic::MAX_NESTING;
            assert_eq!(check_nesting(&call).is_ok(), within_limit);
        }
        Err(e) => assert!(e.span.start <= e.span.end && e.span.end <= text.len()),
    }
    let _ = parse_payload_value(text);
});
