//! Reading, building the model and running every rule must never panic on
//! any text, and every finding must point inside the text it is about.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // JSON for what looks like JSON, YAML for the rest (as asl-lint sniffs).
    let format = if text.trim_start().starts_with(['{', '[']) {
        asl_model::SourceFormat::Json
    } else {
        asl_model::SourceFormat::Yaml
    };
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
