//! Reading, building the model and running every rule must never panic on
//! any text, and every finding must point inside the text it is about.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // The format asl-lint gives a text without a file name.
    let format = asl_model::SourceFormat::sniff(text);
    let arena = asl_model::Arena::for_text(text);
    let analysis = asl_model::analyze(text, &arena, format, &asl_model::Options::default());
    for d in &analysis.diagnostics {
        let spans = std::iter::once(d.span).chain(d.secondary.iter().map(|(s, _)| *s));
        for span in spans {
            assert!(
                span.start <= span.end && span.end <= text.len(),
                "{} {:?} outside 0..{}: {}",
                d.code,
                span,
                text.len(),
                d.message
            );
            assert!(
                text.is_char_boundary(span.start) && text.is_char_boundary(span.end),
                "{} {:?} splits a character: {}",
                d.code,
                span,
                d.message
            );
        }
    }
});
