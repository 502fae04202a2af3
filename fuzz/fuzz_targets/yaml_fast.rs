//! The fast YAML reader must read exactly what the event parser reads: the
//! same tree with the same spans, and an error exactly where it errs.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    if let Ok(text) = std::str::from_utf8(data) {
        let (fast_arena, events_arena) = (asl_model::Arena::new(), asl_model::Arena::new());
        let fast = asl_model::parse_yaml(text, &fast_arena);
        let events = asl_model::yaml::parse_yaml_with_event_parser(text, &events_arena);
        assert_eq!(fast, events, "the readers disagree on {text:?}");
    }
});
