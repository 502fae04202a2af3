//! Intrinsic function calls, the function table and `.$` payload values.

use asl_syntax::Span;
use asl_syntax::intrinsic::{
    ArgKind, Argument, INTRINSICS, MAX_NESTING, PayloadValue, check_nesting, lookup_intrinsic,
    parse_intrinsic, parse_payload_value,
};
use asl_syntax::path::Root;

fn args(text: &str) -> Vec<Argument> {
    parse_intrinsic(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .args
}

fn error(text: &str) -> asl_syntax::SyntaxError {
    match parse_intrinsic(text) {
        Ok(c) => panic!("{text} parsed as {c:?}"),
        Err(e) => e,
    }
}

#[test]
fn call_records_name_and_spans() {
    let call = parse_intrinsic("States.Format('Hi {}', $.name)").unwrap();
    assert_eq!(call.name, "States.Format");
    assert_eq!(call.name_span, Span::new(0, 13));
    assert_eq!(call.span, Span::new(0, 30));
    assert_eq!(call.args.len(), 2);
    assert_eq!(call.args[0].span(), Span::new(14, 21));
    assert_eq!(call.args[1].span(), Span::new(23, 29));
}

#[test]
fn empty_argument_list_is_allowed() {
    assert!(args("States.UUID()").is_empty());
    assert!(args("States.Array( )").is_empty());
}

#[test]
fn literal_arguments_keep_their_values() {
    let parsed = args("States.Array('a', -1.50, 2e3, true, false, null)");
    assert!(matches!(&parsed[0], Argument::String { value, .. } if value == "a"));
    assert!(
        matches!(&parsed[1], Argument::Number { number, .. } if number.text == "-1.50" && number.value == -1.5)
    );
    assert!(matches!(&parsed[2], Argument::Number { number, .. } if number.value == 2000.0));
    assert!(matches!(parsed[3], Argument::Bool { value: true, .. }));
    assert!(matches!(parsed[4], Argument::Bool { value: false, .. }));
    assert!(matches!(parsed[5], Argument::Null { span } if span == Span::new(43, 47)));
}

#[test]
fn string_escapes_are_unescaped() {
    let parsed = args(r"States.Format('it\'s \{\} a \\ b {}', 1)");
    assert!(matches!(&parsed[0], Argument::String { value, .. } if value == r"it's {} a \ b {}"));
}

#[test]
fn escaped_double_quote_is_rejected() {
    let e = error(r#"States.Format('say \"hi\"')"#);
    assert!(e.message.contains("not allowed"), "{}", e.message);
    assert_eq!(e.span, Span::new(19, 21));
}

#[test]
fn lone_backslash_before_other_characters_is_rejected() {
    let e = error(r"States.Format('a\nb')");
    assert!(e.message.contains("invalid escape"));
    assert_eq!(e.span, Span::new(16, 18));
}

#[test]
fn unterminated_string_is_rejected() {
    let e = error("States.Format('abc)");
    assert!(e.message.contains("unterminated"));
    assert_eq!(e.span.start, 14);
}

#[test]
fn path_arguments_cover_all_roots() {
    let parsed = args("States.Array($, $.a, $$.Execution.Id, $myVar.x)");
    let roots: Vec<Root> = parsed
        .iter()
        .map(|a| match a {
            Argument::Path(p) => p.root.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    assert_eq!(
        roots,
        vec![
            Root::Input,
            Root::Input,
            Root::Context,
            Root::Variable("myVar".into())
        ]
    );
    assert_eq!(parsed[2].span(), Span::new(21, 36));
}

#[test]
fn path_arguments_may_contain_commas_and_parentheses_inside_brackets() {
    let parsed = args("States.Array($.a[0,1], $.b[?(@.c == 'x,)')], $.d.length())");
    assert_eq!(parsed.len(), 3);
    assert!(parsed.iter().all(|a| matches!(a, Argument::Path(_))));
}

#[test]
fn nested_calls_parse_and_count_depth() {
    let call =
        parse_intrinsic("States.Format('{}', States.ArrayLength(States.Array(1, 2)))").unwrap();
    assert_eq!(call.depth(), 3);
    let Argument::Call(inner) = &call.args[1] else {
        panic!()
    };
    assert_eq!(inner.name, "States.ArrayLength");
    assert_eq!(inner.name_span, Span::new(20, 38));
}

fn nested(levels: usize) -> String {
    let mut text = String::from("States.UUID()");
    for _ in 1..levels {
        text = format!("States.Array({text})");
    }
    text
}

#[test]
fn ten_levels_of_nesting_are_allowed() {
    let call = parse_intrinsic(&nested(MAX_NESTING)).unwrap();
    assert_eq!(call.depth(), 10);
    assert!(check_nesting(&call).is_ok());
}

#[test]
fn eleven_levels_of_nesting_are_reported_on_the_innermost_call() {
    let text = nested(MAX_NESTING + 1);
    let call = parse_intrinsic(&text).unwrap();
    let e = check_nesting(&call).unwrap_err();
    assert!(e.message.contains("at most 10"));
    let start = text.find("States.UUID").unwrap();
    assert_eq!(e.span, Span::new(start, start + "States.UUID".len()));
}

#[test]
fn absurd_nesting_is_a_parse_error_not_a_stack_overflow() {
    let text = format!("{}1{}", "States.Array(".repeat(10_000), ")".repeat(10_000));
    assert!(error(&text).message.contains("too deeply"));
}

#[test]
fn malformed_calls_are_rejected_at_the_culprit() {
    for (text, span) in [
        ("", Span::new(0, 0)),
        ("States.Format", Span::new(13, 13)),
        ("States.Format(", Span::new(14, 14)),
        ("States.Format(1", Span::new(0, 15)),
        ("States.Format('a',)", Span::new(18, 19)),
        ("States.Format('a' 'b')", Span::new(18, 19)),
        ("States.Format(abc)", Span::new(14, 17)),
        ("States.Format(\"a\")", Span::new(14, 15)),
        ("States.Format('a') x", Span::new(19, 20)),
        ("States-Format()", Span::new(6, 7)),
        ("States.Array(1.2.3)", Span::new(16, 17)),
        ("States.Array(-)", Span::new(13, 14)),
    ] {
        let e = error(text);
        assert_eq!(e.span, span, "{text}: {}", e.message);
    }
}

#[test]
fn bad_path_argument_reports_a_span_inside_the_call() {
    let e = error("States.Array($.a b)");
    assert_eq!(e.span, Span::new(16, 17));
}

#[test]
fn table_lists_the_eighteen_functions() {
    assert_eq!(INTRINSICS.len(), 18);
    let format = lookup_intrinsic("States.Format").unwrap();
    assert!(format.accepts_arity(1) && format.accepts_arity(9) && !format.accepts_arity(0));
    assert_eq!(format.param(0), Some(ArgKind::String));
    assert_eq!(format.param(5), Some(ArgKind::Any));
    let random = lookup_intrinsic("States.MathRandom").unwrap();
    assert!(random.accepts_arity(2) && random.accepts_arity(3) && !random.accepts_arity(4));
    assert!(lookup_intrinsic("States.UUID").unwrap().accepts_arity(0));
    assert!(lookup_intrinsic("States.format").is_none());
}

#[test]
fn payload_value_starting_with_dollar_is_a_path() {
    assert!(matches!(
        parse_payload_value("$.a.b").unwrap(),
        PayloadValue::Path(_)
    ));
    assert!(matches!(
        parse_payload_value("$$.Task.Token").unwrap(),
        PayloadValue::Path(_)
    ));
}

#[test]
fn other_payload_values_are_intrinsic_calls() {
    assert!(matches!(
        parse_payload_value("States.UUID()").unwrap(),
        PayloadValue::Intrinsic(_)
    ));
    assert!(parse_payload_value("hello").is_err());
}
