//! JSONPath parsing: accepted shapes, spans, canonical printing and rejected input.

use asl_syntax::Span;
use asl_syntax::path::{
    CompareOp, FilterExpr, Literal, Operand, PathFunction, Root, SegmentKind, Selector, parse_path,
    parse_reference_path,
};

fn selectors(text: &str) -> Vec<SegmentKind> {
    parse_path(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .segments
        .into_iter()
        .map(|s| s.kind)
        .collect()
}

fn name(n: &str) -> SegmentKind {
    SegmentKind::Child(Selector::Name(n.to_string()))
}

fn canonical(text: &str) -> String {
    parse_path(text)
        .unwrap_or_else(|e| panic!("{text}: {e}"))
        .to_string()
}

fn error(text: &str) -> asl_syntax::SyntaxError {
    match parse_path(text) {
        Ok(p) => panic!("{text} parsed as {p:?}"),
        Err(e) => e,
    }
}

#[test]
fn dollar_alone_is_the_input_root() {
    let path = parse_path("$").unwrap();
    assert_eq!(path.root, Root::Input);
    assert!(path.segments.is_empty());
    assert_eq!(path.span, Span::new(0, 1));
}

#[test]
fn double_dollar_is_the_context_root() {
    let path = parse_path("$$.Execution.Id").unwrap();
    assert_eq!(path.root, Root::Context);
    assert_eq!(path.segments.len(), 2);
}

#[test]
fn dollar_name_is_a_variable_root() {
    let path = parse_path("$order.items[0]").unwrap();
    assert_eq!(path.root, Root::Variable("order".into()));
    assert_eq!(path.segments[0].kind, name("items"));
    assert_eq!(
        path.segments[1].kind,
        SegmentKind::Child(Selector::Index(0))
    );
}

#[test]
fn variable_names_may_be_unicode() {
    let path = parse_path("$préférence_1").unwrap();
    assert_eq!(path.root, Root::Variable("préférence_1".into()));
}

#[test]
fn states_variable_is_reserved_for_jsonata() {
    let e = error("$states.input");
    assert!(e.message.contains("reserved"), "{}", e.message);
    assert_eq!(e.span, Span::new(1, 7));
}

#[test]
fn variable_names_longer_than_80_characters_are_rejected() {
    let long = format!("${}", "v".repeat(81));
    assert!(error(&long).message.contains("81 characters"));
    assert!(parse_path(&format!("${}", "v".repeat(80))).is_ok());
}

#[test]
fn variable_name_must_start_with_a_letter() {
    let e = error("$_x");
    assert!(e.message.contains("start with a letter"));
    assert_eq!(e.span, Span::new(1, 2));
}

#[test]
fn dot_names_are_liberal_like_jayway() {
    assert_eq!(selectors("$.a-b"), vec![name("a-b")]);
    assert_eq!(selectors("$.foo_bar"), vec![name("foo_bar")]);
    assert_eq!(selectors("$.größe"), vec![name("größe")]);
    assert_eq!(selectors("$.a:b"), vec![name("a:b")]);
}

#[test]
fn a_dot_before_brackets_is_allowed_as_in_jayway() {
    assert_eq!(selectors("$.['a'].[0]"), selectors("$['a'][0]"));
}

#[test]
fn segment_spans_cover_each_step() {
    let path = parse_path("$.a['b c'][3]").unwrap();
    let spans: Vec<Span> = path.segments.iter().map(|s| s.span).collect();
    assert_eq!(
        spans,
        vec![Span::new(1, 3), Span::new(3, 10), Span::new(10, 13)]
    );
}

#[test]
fn bracket_names_accept_both_quotes_and_escapes() {
    assert_eq!(
        selectors(r#"$['it\'s']["say \"hi\""]"#),
        vec![name("it's"), name("say \"hi\"")]
    );
    assert_eq!(
        selectors(r"$['tab\there\u00e9']"),
        vec![name("tab\there\u{e9}")]
    );
}

#[test]
fn unknown_escape_in_a_bracket_name_is_rejected() {
    let e = error(r"$['a\qb']");
    assert!(e.message.contains("unknown escape"));
    assert_eq!(e.span, Span::new(4, 6));
}

#[test]
fn negative_indexes_wildcards_and_unions_parse() {
    assert_eq!(
        selectors("$[-1][*].*[0,2]['a','b']"),
        vec![
            SegmentKind::Child(Selector::Index(-1)),
            SegmentKind::Child(Selector::Wildcard),
            SegmentKind::Child(Selector::Wildcard),
            SegmentKind::Child(Selector::Indexes(vec![0, 2])),
            SegmentKind::Child(Selector::Names(vec!["a".into(), "b".into()])),
        ]
    );
}

#[test]
fn slices_take_optional_start_end_and_step() {
    let slice = |start, end, step| SegmentKind::Child(Selector::Slice { start, end, step });
    assert_eq!(selectors("$[1:3]"), vec![slice(Some(1), Some(3), None)]);
    assert_eq!(selectors("$[:2]"), vec![slice(None, Some(2), None)]);
    assert_eq!(selectors("$[-2:]"), vec![slice(Some(-2), None, None)]);
    assert_eq!(
        selectors("$[0:10:2]"),
        vec![slice(Some(0), Some(10), Some(2))]
    );
}

#[test]
fn zero_slice_step_is_rejected() {
    assert!(error("$[0:4:0]").message.contains("step cannot be 0"));
}

#[test]
fn deep_scan_takes_names_wildcards_and_brackets() {
    assert_eq!(
        selectors("$..price..*..[0]"),
        vec![
            SegmentKind::Descendant(Selector::Name("price".into())),
            SegmentKind::Descendant(Selector::Wildcard),
            SegmentKind::Descendant(Selector::Index(0)),
        ]
    );
}

#[test]
fn filter_with_and_of_comparisons_parses() {
    let kinds = selectors("$.books[?(@.price < 10 && @.name == 'x')]");
    let SegmentKind::Child(Selector::Filter(FilterExpr::And(a, b))) = &kinds[1] else {
        panic!("{kinds:?}");
    };
    let FilterExpr::Compare { op, right, .. } = &**a else {
        panic!()
    };
    assert_eq!(*op, CompareOp::Lt);
    assert!(matches!(right, Operand::Literal(Literal::Number(n), _) if n.value == 10.0));
    let FilterExpr::Compare {
        left, op, right, ..
    } = &**b
    else {
        panic!()
    };
    assert_eq!(*op, CompareOp::Eq);
    assert!(matches!(left, Operand::Path(p) if p.root == Root::Current));
    assert_eq!(
        *right,
        Operand::Literal(Literal::String("x".into()), Span::new(36, 39))
    );
}

#[test]
fn filter_operator_span_points_at_the_operator() {
    let path = parse_path("$[?(@.a>=1)]").unwrap();
    let SegmentKind::Child(Selector::Filter(FilterExpr::Compare { op, op_span, .. })) =
        &path.segments[0].kind
    else {
        panic!()
    };
    assert_eq!(*op, CompareOp::Ge);
    assert_eq!(*op_span, Span::new(7, 9));
}

#[test]
fn filter_accepts_word_operators_and_json_arrays() {
    for (text, expected) in [
        ("$[?(@.a in ['x','y'])]", CompareOp::In),
        ("$[?(@.a nin [1, 2])]", CompareOp::Nin),
        ("$[?(@.a subsetof ['x'])]", CompareOp::SubsetOf),
        ("$[?(@.a anyof [1])]", CompareOp::AnyOf),
        ("$[?(@.a noneof [1])]", CompareOp::NoneOf),
        ("$[?(@.a size 2)]", CompareOp::Size),
        ("$[?(@.a empty true)]", CompareOp::Empty),
        ("$[?(@.a =~ /^x.*$/i)]", CompareOp::Matches),
        ("$[?(@.a != null)]", CompareOp::Ne),
    ] {
        let path = parse_path(text).unwrap_or_else(|e| panic!("{text}: {e}"));
        let SegmentKind::Child(Selector::Filter(FilterExpr::Compare { op, .. })) =
            &path.segments[0].kind
        else {
            panic!("{text}")
        };
        assert_eq!(*op, expected, "{text}");
    }
}

#[test]
fn regex_literal_keeps_pattern_and_flags() {
    let path = parse_path("$[?(@.n =~ /a\\/b/i)]").unwrap();
    let SegmentKind::Child(Selector::Filter(FilterExpr::Compare { right, .. })) =
        &path.segments[0].kind
    else {
        panic!()
    };
    assert!(matches!(
        right,
        Operand::Literal(Literal::Regex { pattern, flags }, _) if pattern == "a\\/b" && flags == "i"
    ));
}

#[test]
fn regex_operator_requires_a_regex_literal() {
    assert!(
        error("$[?(@.a =~ 'x')]")
            .message
            .contains("regular expression")
    );
    assert!(
        error("$[?(@.a == /x/)]")
            .message
            .contains("only allowed after")
    );
}

#[test]
fn filter_supports_not_or_parentheses_and_existence() {
    let path = parse_path("$[?(!(@.a || $.b) && @.c)]").unwrap();
    let SegmentKind::Child(Selector::Filter(FilterExpr::And(left, right))) = &path.segments[0].kind
    else {
        panic!()
    };
    assert!(matches!(&**left, FilterExpr::Not(inner) if matches!(**inner, FilterExpr::Or(..))));
    assert!(matches!(&**right, FilterExpr::Exists(Operand::Path(_))));
}

#[test]
fn single_equals_in_a_filter_is_rejected_with_a_hint() {
    let e = error("$[?(@.a = 1)]");
    assert!(e.message.contains("use `==`"));
    assert_eq!(e.span, Span::new(8, 9));
}

#[test]
fn unknown_filter_operator_is_named() {
    let e = error("$[?(@.a like 'x')]");
    assert!(e.message.contains("`like`"));
    assert_eq!(e.span, Span::new(8, 12));
}

#[test]
fn trailing_functions_parse() {
    let path = parse_path("$.items.length()").unwrap();
    let SegmentKind::Function(call) = &path.segments[1].kind else {
        panic!()
    };
    assert_eq!(call.function, PathFunction::Length);
    assert_eq!(call.name_span, Span::new(8, 14));
    for f in [
        "size", "min", "max", "avg", "stddev", "sum", "keys", "first", "last",
    ] {
        assert!(parse_path(&format!("$.a.{f}()")).is_ok(), "{f}");
    }
    assert!(parse_path("$.a.concat('x', @.b)").is_ok());
    assert!(parse_path("$.a.append(1)").is_ok());
}

#[test]
fn unknown_function_is_rejected_with_its_span() {
    let e = error("$.a.frobnicate()");
    assert!(e.message.contains("frobnicate"));
    assert_eq!(e.span, Span::new(4, 14));
}

#[test]
fn function_must_be_last() {
    assert!(error("$.a.length().b").message.contains("last step"));
}

#[test]
fn argumentless_functions_reject_arguments() {
    assert!(error("$.a.sum(1)").message.contains("takes no arguments"));
}

#[test]
fn surrounding_whitespace_is_ignored_but_spans_stay_in_the_string() {
    let path = parse_path("  $.a ").unwrap();
    assert_eq!(path.span, Span::new(2, 5));
}

#[test]
fn spaces_in_dot_names_point_to_bracket_notation() {
    let e = error("$.my name");
    assert!(e.message.contains("bracket notation"));
    assert_eq!(e.span, Span::new(4, 5));
}

#[test]
fn malformed_paths_are_rejected_at_the_culprit() {
    for (text, span) in [
        ("", Span::new(0, 0)),
        ("a.b", Span::new(0, 1)),
        ("$.", Span::new(2, 2)),
        ("$..", Span::new(3, 3)),
        ("$[", Span::new(2, 2)),
        ("$[1", Span::new(3, 3)),
        ("$['a'", Span::new(5, 5)),
        ("$['a", Span::new(2, 4)),
        ("$[]", Span::new(2, 3)),
        ("$[?(@.a)", Span::new(8, 8)),
        ("$[99999999999999999999]", Span::new(2, 22)),
        ("@.a", Span::new(0, 1)),
        ("$x y", Span::new(2, 3)),
    ] {
        let e = error(text);
        assert_eq!(e.span, span, "{text}: {}", e.message);
    }
}

#[test]
fn deeply_nested_filters_are_an_error_not_a_stack_overflow() {
    let mut text = String::from("$");
    for _ in 0..200 {
        text.push_str("[?(@");
    }
    assert!(error(&text).message.contains("nests more than"));
    let parens = format!("$[?({}@.a{})]", "(".repeat(5000), ")".repeat(5000));
    assert!(parse_path(&parens).is_err());
    let bangs = format!("$[?({}@.a)]", "!".repeat(5000));
    assert!(parse_path(&bangs).is_err());
}

#[test]
fn definite_paths_have_only_names_and_indexes() {
    assert!(parse_path("$.a['b'][0][-1]").unwrap().is_definite());
    for text in [
        "$.a[*]",
        "$..a",
        "$[0:1]",
        "$[0,1]",
        "$[?(@.a)]",
        "$.a.length()",
        "$.*",
    ] {
        assert!(!parse_path(text).unwrap().is_definite(), "{text}");
    }
}

#[test]
fn reference_paths_accept_names_and_indexes() {
    let path = parse_reference_path("$.a['b c'][2]").unwrap();
    assert!(path.is_reference());
    assert!(parse_reference_path("$$.Execution.Input").is_ok());
    assert!(parse_reference_path("$var.x").is_ok());
    assert!(parse_reference_path("$").is_ok());
}

#[test]
fn reference_paths_reject_everything_else_with_a_reason() {
    for (text, reason, span) in [
        ("$.a[*]", "wildcard", Span::new(3, 6)),
        ("$..a", "deep scan", Span::new(1, 4)),
        ("$.a[1:2]", "slice", Span::new(3, 8)),
        ("$.a[0,1]", "union", Span::new(3, 8)),
        ("$.a[?(@.b)]", "filter", Span::new(3, 11)),
        ("$.a.length()", "function", Span::new(3, 12)),
    ] {
        let e = parse_reference_path(text).unwrap_err();
        assert!(e.message.contains(reason), "{text}: {}", e.message);
        assert_eq!(e.span, span, "{text}");
    }
}

#[test]
fn display_prints_the_canonical_form() {
    assert_eq!(canonical("$['a'].b"), "$.a.b");
    assert_eq!(canonical("$['a b']"), "$['a b']");
    assert_eq!(canonical("$[\"it's\"]"), r"$['it\'s']");
    assert_eq!(canonical("$.*"), "$[*]");
    assert_eq!(canonical("$..*"), "$..*");
    assert_eq!(canonical("$..['x y']"), "$..['x y']");
    assert_eq!(canonical("$[ 1 : 3 ]"), "$[1:3]");
    assert_eq!(canonical("$[ 'a' , 'b' ]"), "$['a','b']");
    assert_eq!(canonical("$$.Map.Item.Value"), "$$.Map.Item.Value");
    assert_eq!(canonical("$v[0]"), "$v[0]");
    assert_eq!(
        canonical("$[?(@.a<1&&(@.b||!@.c))]"),
        "$[?(@.a < 1 && (@.b || !@.c))]"
    );
    assert_eq!(canonical("$.a.length()"), "$.a.length()");
}

#[test]
fn display_output_parses_back_to_the_same_path() {
    for text in [
        "$.a['x.y'][?(@.p in ['a', \"b\"] || !(@.q =~ /z/))]..c[-1:]",
        "$['\\n\\u0001']",
        "$[?(@.o == {\"k\": [1, null, true]})]",
        "$.a.concat('x', $.b)",
    ] {
        let once = canonical(text);
        assert_eq!(canonical(&once), once, "{text}");
    }
}
