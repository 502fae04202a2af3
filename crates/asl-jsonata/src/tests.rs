use serde_json::{Map, Value, json};

use crate::{Bindings, Error, Expression, template_expression};

/// Evaluates `text` with `$states.input` = `input` and the given workflow variables.
fn run_with(text: &str, input: Value, vars: Value) -> Result<Option<Value>, Error> {
    let mut bindings: Map<String, Value> = vars.as_object().cloned().unwrap_or_default();
    bindings.insert(
        "states".into(),
        json!({ "input": input, "context": {"Execution": {"Name": "run-1"}} }),
    );
    Expression::parse(text)?.evaluate(&bindings)
}

fn run(text: &str, input: Value) -> Result<Option<Value>, Error> {
    run_with(text, input, json!({}))
}

fn value(text: &str, input: Value) -> Value {
    match run(text, input) {
        Ok(Some(v)) => v,
        other => panic!("`{text}` gave {other:?}"),
    }
}

fn is_eval_error(r: Result<Option<Value>, Error>) -> bool {
    matches!(r, Err(Error::Evaluation { .. }))
}

// --- paths and sequences

#[test]
fn path_reads_nested_fields_of_the_input() {
    assert_eq!(
        value("$states.input.order.id", json!({"order": {"id": "A-7"}})),
        json!("A-7")
    );
}

#[test]
fn missing_field_is_undefined_not_null() {
    assert_eq!(run("$states.input.nope", json!({})), Ok(None));
    assert_eq!(
        value("$states.input.here", json!({"here": null})),
        Value::Null
    );
}

#[test]
fn path_over_an_array_maps_the_step_over_each_item() {
    let input = json!({"lines": [{"sku": "a"}, {"sku": "b"}]});
    assert_eq!(value("$states.input.lines.sku", input), json!(["a", "b"]));
}

#[test]
fn path_ending_on_an_array_field_keeps_the_array() {
    assert_eq!(value("$states.input.one", json!({"one": [5]})), json!([5]));
    assert_eq!(
        value("$states.input.nested", json!({"nested": [[1, 2]]})),
        json!([[1, 2]])
    );
}

#[test]
fn single_item_sequence_collapses_to_the_item() {
    let input = json!({"lines": [{"sku": "a"}, {"qty": 1}]});
    assert_eq!(value("$states.input.lines.sku", input), json!("a"));
}

#[test]
fn arrays_met_by_later_steps_are_flattened() {
    let input = json!({"a": [{"b": [1, 2]}, {"b": [3]}]});
    assert_eq!(value("$states.input.a.b", input), json!([1, 2, 3]));
}

#[test]
fn index_predicates_count_from_either_end() {
    let input = json!({"xs": [10, 20, 30]});
    assert_eq!(value("$states.input.xs[0]", input.clone()), json!(10));
    assert_eq!(value("$states.input.xs[-1]", input.clone()), json!(30));
    assert_eq!(run("$states.input.xs[5]", input), Ok(None));
}

#[test]
fn boolean_predicates_filter_items() {
    let input = json!({"xs": [{"n": 1}, {"n": 5}, {"n": 9}]});
    assert_eq!(value("$states.input.xs[n > 2].n", input), json!([5, 9]));
}

#[test]
fn wildcard_yields_every_value_of_an_object() {
    assert_eq!(
        value("$states.input.*", json!({"a": 1, "b": [2, 3]})),
        json!([1, 2, 3])
    );
}

#[test]
fn backtick_names_allow_any_characters() {
    assert_eq!(
        value("$states.input.`odd key`", json!({"odd key": 1})),
        json!(1)
    );
}

#[test]
fn context_object_is_reachable_through_states() {
    assert_eq!(
        value("$states.context.Execution.Name", json!({})),
        json!("run-1")
    );
}

#[test]
fn unbound_variable_is_undefined() {
    assert_eq!(run("$nothingHere", json!({})), Ok(None));
}

#[test]
fn workflow_variables_are_read_by_name() {
    let r = run_with("$total + 1", json!({}), json!({"total": 41}));
    assert_eq!(r, Ok(Some(json!(42))));
}

#[test]
fn there_is_no_implicit_input_document() {
    assert_eq!(run("order", json!({"order": 1})), Ok(None));
    assert_eq!(run("$$", json!({"order": 1})), Ok(None));
}

// --- operators

#[test]
fn arithmetic_follows_precedence() {
    assert_eq!(value("1 + 2 * 3 - 4 / 2", json!({})), json!(5));
    assert_eq!(value("(1 + 2) * 3", json!({})), json!(9));
    assert_eq!(value("7 % 4", json!({})), json!(3));
    assert_eq!(value("-$states.input.n", json!({"n": 2})), json!(-2));
}

#[test]
fn arithmetic_with_undefined_is_undefined() {
    assert_eq!(run("$states.input.nope + 1", json!({})), Ok(None));
}

#[test]
fn arithmetic_on_a_string_is_a_type_error() {
    assert!(is_eval_error(run("'a' + 1", json!({}))));
}

#[test]
fn division_by_zero_is_an_error_not_infinity() {
    assert!(is_eval_error(run("1 / 0", json!({}))));
}

#[test]
fn fractions_stay_fractions_and_integers_stay_integers() {
    assert_eq!(value("0.5 + 0.25", json!({})), json!(0.75));
    assert_eq!(value("2.0 * 3", json!({})), json!(6));
}

#[test]
fn equality_is_deep_and_never_an_error() {
    assert_eq!(
        value("{'a': [1, 2]} = {'a': [1, 2.0]}", json!({})),
        json!(true)
    );
    assert_eq!(value("1 = '1'", json!({})), json!(false));
    assert_eq!(value("$states.input.nope = null", json!({})), json!(false));
    assert_eq!(value("'x' != 'y'", json!({})), json!(true));
}

#[test]
fn ordering_compares_numbers_and_strings() {
    assert_eq!(value("2 < 10", json!({})), json!(true));
    assert_eq!(value("'b' >= 'a'", json!({})), json!(true));
}

#[test]
fn ordering_mixed_types_is_an_error() {
    assert!(is_eval_error(run("1 < 'a'", json!({}))));
    assert!(is_eval_error(run("true > 0", json!({}))));
}

#[test]
fn and_or_treat_undefined_as_false_and_short_circuit() {
    assert_eq!(value("$states.input.nope or true", json!({})), json!(true));
    assert_eq!(value("false and (1 < 'a')", json!({})), json!(false));
    assert_eq!(value("1 and 'x'", json!({})), json!(true));
}

#[test]
fn in_tests_membership() {
    assert_eq!(value("'b' in ['a', 'b']", json!({})), json!(true));
    assert_eq!(value("3 in 3", json!({})), json!(true));
}

#[test]
fn ampersand_concatenates_with_string_casts() {
    assert_eq!(
        value("'n=' & 1.5 & true & $states.input.nope", json!({})),
        json!("n=1.5true")
    );
    assert_eq!(value("'' & {'a': 1}", json!({})), json!("{\"a\":1}"));
}

#[test]
fn conditional_picks_a_branch() {
    assert_eq!(
        value("$states.input.n > 1 ? 'big' : 'small'", json!({"n": 3})),
        json!("big")
    );
    assert_eq!(run("false ? 1", json!({})), Ok(None));
}

#[test]
fn range_operator_builds_integer_arrays() {
    assert_eq!(value("[1..4]", json!({})), json!([1, 2, 3, 4]));
    assert_eq!(value("[0, 3..4]", json!({})), json!([0, 3, 4]));
}

// --- constructors, blocks, functions

#[test]
fn array_constructor_splices_arrays_but_keeps_nested_constructors() {
    assert_eq!(
        value("[$states.input.xs, 3]", json!({"xs": [1, 2]})),
        json!([1, 2, 3])
    );
    assert_eq!(value("[[1, 2], 3]", json!({})), json!([[1, 2], 3]));
    assert_eq!(value("[$states.input.nope]", json!({})), json!([]));
}

#[test]
fn object_constructor_drops_undefined_values() {
    assert_eq!(
        value("{'a': 1, 'b': $states.input.nope}", json!({})),
        json!({"a": 1})
    );
}

#[test]
fn object_keys_must_be_strings() {
    assert!(is_eval_error(run("{1: 2}", json!({}))));
}

#[test]
fn binding_returns_the_bound_value_and_is_visible_later_in_the_block() {
    assert_eq!(value("$x := 5", json!({})), json!(5));
    assert_eq!(
        value("($x := 2; $y := $x * 3; $y + 1)", json!({})),
        json!(7)
    );
}

#[test]
fn block_bindings_do_not_leak_out() {
    assert_eq!(run("(($x := 1); $x)", json!({})), Ok(None));
}

#[test]
fn lambdas_are_called_with_their_closure() {
    assert_eq!(
        value(
            "($k := 10; $f := function($v){ $v * $k }; $f(4))",
            json!({})
        ),
        json!(40)
    );
    assert_eq!(
        value("(λ($a, $b){ $a & $b })('x', 'y')", json!({})),
        json!("xy")
    );
}

#[test]
fn recursion_works_until_the_depth_limit() {
    let fact = "($f := function($n){ $n <= 1 ? 1 : $n * $f($n - 1) }; $f(5))";
    assert_eq!(value(fact, json!({})), json!(120));
    let forever = "($f := function($n){ $f($n) }; $f(1))";
    assert!(matches!(
        run(forever, json!({})),
        Err(Error::TooDeep { .. })
    ));
}

#[test]
fn returning_a_function_is_an_unsupported_result() {
    assert_eq!(
        run("function($x){ $x }", json!({})),
        Err(Error::UnsupportedResult)
    );
    assert_eq!(run("$sum", json!({})), Err(Error::UnsupportedResult));
}

#[test]
fn chain_operator_passes_the_left_side_as_first_argument() {
    assert_eq!(value("'abc' ~> $uppercase()", json!({})), json!("ABC"));
    assert_eq!(value("[1, 2] ~> $sum", json!({})), json!(3));
}

#[test]
fn calling_a_non_function_is_an_error() {
    assert!(is_eval_error(run("$states.input.n(1)", json!({"n": 1}))));
}

// --- functions

#[test]
fn aggregation_functions() {
    assert_eq!(
        value("$sum($states.input.xs)", json!({"xs": [1, 2, 3.5]})),
        json!(6.5)
    );
    assert_eq!(
        value("$count($states.input.xs)", json!({"xs": [1, 2]})),
        json!(2)
    );
    assert_eq!(value("$count($states.input.nope)", json!({})), json!(0));
    assert_eq!(value("$max([3, 9, 2])", json!({})), json!(9));
    assert_eq!(value("$min([3, 9, 2])", json!({})), json!(2));
    assert_eq!(value("$average([1, 2])", json!({})), json!(1.5));
}

#[test]
fn sum_of_non_numbers_is_an_error() {
    assert!(is_eval_error(run("$sum(['a'])", json!({}))));
}

#[test]
fn string_casts() {
    assert_eq!(value("$string(1)", json!({})), json!("1"));
    assert_eq!(value("$string(0.1 + 0.2)", json!({})), json!("0.3"));
    assert_eq!(
        value("$string([1, 'a', null])", json!({})),
        json!("[1,\"a\",null]")
    );
    assert_eq!(run("$string($states.input.nope)", json!({})), Ok(None));
}

#[test]
fn number_casts() {
    assert_eq!(value("$number('42')", json!({})), json!(42));
    assert_eq!(value("$number('-1.5e1')", json!({})), json!(-15));
    assert_eq!(value("$number('0x10')", json!({})), json!(16));
    assert_eq!(value("$number(true)", json!({})), json!(1));
    assert!(is_eval_error(run("$number('ten')", json!({}))));
}

#[test]
fn boolean_casts_and_not() {
    assert_eq!(value("$boolean('')", json!({})), json!(false));
    assert_eq!(value("$boolean([0, 1])", json!({})), json!(true));
    assert_eq!(value("$boolean({})", json!({})), json!(false));
    assert_eq!(value("$not(0)", json!({})), json!(true));
    assert_eq!(run("$not($states.input.nope)", json!({})), Ok(None));
}

#[test]
fn exists_distinguishes_undefined_from_null() {
    assert_eq!(
        value("$exists($states.input.a)", json!({"a": null})),
        json!(true)
    );
    assert_eq!(
        value("$exists($states.input.b)", json!({"a": null})),
        json!(false)
    );
}

#[test]
fn contains_with_strings_and_regular_expressions() {
    assert_eq!(
        value("$contains('hello world', 'o w')", json!({})),
        json!(true)
    );
    assert_eq!(
        value("$contains('price: $5', /\\$\\d/)", json!({})),
        json!(true)
    );
    assert_eq!(value("$contains('ABC', /^abc$/i)", json!({})), json!(true));
    assert_eq!(value("$contains('abc', /^b/)", json!({})), json!(false));
}

#[test]
fn regex_literal_is_not_confused_with_division() {
    assert_eq!(value("$states.input.n / 2", json!({"n": 8})), json!(4));
}

#[test]
fn string_functions() {
    assert_eq!(value("$length('héllo')", json!({})), json!(5));
    assert_eq!(value("$substring('abcdef', 1, 3)", json!({})), json!("bcd"));
    assert_eq!(value("$substring('abcdef', -2)", json!({})), json!("ef"));
    assert_eq!(value("$uppercase('aB')", json!({})), json!("AB"));
    assert_eq!(value("$lowercase('aB')", json!({})), json!("ab"));
    assert_eq!(value("$trim('  a   b ')", json!({})), json!("a b"));
    assert_eq!(
        value("$substringBefore('a-b-c', '-')", json!({})),
        json!("a")
    );
    assert_eq!(
        value("$substringAfter('a-b-c', '-')", json!({})),
        json!("b-c")
    );
    assert_eq!(
        value("$replace('a.b.c', '.', '/')", json!({})),
        json!("a/b/c")
    );
}

#[test]
fn split_and_join() {
    assert_eq!(
        value("$split('a,b,c', ',')", json!({})),
        json!(["a", "b", "c"])
    );
    assert_eq!(
        value("$split('a,b,c', ',', 2)", json!({})),
        json!(["a", "b"])
    );
    assert_eq!(
        value("$split('a1b22c', /\\d+/)", json!({})),
        json!(["a", "b", "c"])
    );
    assert_eq!(value("$join(['a', 'b'], '+')", json!({})), json!("a+b"));
    assert!(is_eval_error(run("$join([1, 2])", json!({}))));
}

#[test]
fn string_function_on_a_number_is_an_error() {
    assert!(is_eval_error(run("$uppercase(1)", json!({}))));
}

#[test]
fn numeric_functions() {
    assert_eq!(value("$round(2.5)", json!({})), json!(2));
    assert_eq!(value("$round(3.5)", json!({})), json!(4));
    assert_eq!(value("$round(1.256, 2)", json!({})), json!(1.26));
    assert_eq!(value("$floor(-1.5)", json!({})), json!(-2));
    assert_eq!(value("$ceil(1.2)", json!({})), json!(2));
    assert_eq!(value("$abs(-3)", json!({})), json!(3));
    assert_eq!(value("$power(2, 10)", json!({})), json!(1024));
}

#[test]
fn type_names() {
    assert_eq!(value("$type(null)", json!({})), json!("null"));
    assert_eq!(value("$type([])", json!({})), json!("array"));
    assert_eq!(value("$type($sum)", json!({})), json!("function"));
    assert_eq!(run("$type($states.input.nope)", json!({})), Ok(None));
}

#[test]
fn object_functions() {
    let input = json!({"o": {"a": 1, "b": 2}});
    assert_eq!(
        value("$keys($states.input.o)", input.clone()),
        json!(["a", "b"])
    );
    assert_eq!(value("$keys({'only': 1})", json!({})), json!("only"));
    assert_eq!(value("$lookup($states.input.o, 'b')", input), json!(2));
    assert_eq!(
        value("$merge([{'a': 1}, {'a': 2, 'b': 3}])", json!({})),
        json!({"a": 2, "b": 3})
    );
}

#[test]
fn array_functions() {
    assert_eq!(value("$append([1], 2)", json!({})), json!([1, 2]));
    assert_eq!(
        value("$append($states.input.nope, [1])", json!({})),
        json!([1])
    );
    assert_eq!(value("$reverse([1, 2])", json!({})), json!([2, 1]));
    assert_eq!(value("$distinct([1, 1, 2])", json!({})), json!([1, 2]));
    assert_eq!(
        value("$map([1, 2], function($v){ $v * 10 })", json!({})),
        json!([10, 20])
    );
    assert_eq!(
        value("$filter([1, 2, 3], function($v){ $v > 1 })", json!({})),
        json!([2, 3])
    );
    assert_eq!(
        value("$reduce([1, 2, 3], function($a, $b){ $a + $b })", json!({})),
        json!(6)
    );
}

#[test]
fn partition_splits_into_chunks() {
    assert_eq!(
        value("$partition([1, 2, 3], 2)", json!({})),
        json!([[1, 2], [3]])
    );
    assert_eq!(value("$partition([1], 4)", json!({})), json!([[1]]));
    assert!(is_eval_error(run("$partition([1], 0)", json!({}))));
}

#[test]
fn range_function_includes_the_end_and_collapses_one_item() {
    assert_eq!(value("$range(0, 10, 5)", json!({})), json!([0, 5, 10]));
    assert_eq!(value("$range(4, 1, -2)", json!({})), json!([4, 2]));
    assert_eq!(value("$range(1, 2, 5)", json!({})), json!(1));
    assert!(is_eval_error(run("$range(0, 5000, 1)", json!({}))));
}

#[test]
fn parse_reads_json_text() {
    assert_eq!(
        value("$parse('{\"a\": [1]}')", json!({})),
        json!({"a": [1]})
    );
    assert!(is_eval_error(run("$parse('{')", json!({}))));
}

#[test]
fn random_and_uuid_have_the_right_shape() {
    let r = value("$random()", json!({})).as_f64().unwrap_or(-1.0);
    assert!((0.0..1.0).contains(&r));
    let id = value("$uuid()", json!({}));
    let id = id.as_str().unwrap_or_default();
    assert_eq!(id.len(), 36);
    assert_eq!(id.as_bytes()[14], b'4');
}

struct Hashing;

impl Bindings for Hashing {
    fn lookup(&self, _name: &str) -> Option<&Value> {
        None
    }
    fn hash(&self, algorithm: &str, text: &str) -> Option<String> {
        (algorithm == "TEST").then(|| format!("h({text})"))
    }
}

#[test]
fn hash_uses_the_callers_algorithms() {
    let e = Expression::parse("$hash('x', 'TEST')").unwrap();
    assert_eq!(e.evaluate(&Hashing), Ok(Some(json!("h(x)"))));
    let unknown = Expression::parse("$hash('x', 'NOPE')").unwrap();
    assert!(matches!(
        unknown.evaluate(&Hashing),
        Err(Error::Evaluation { .. })
    ));
}

// --- the API around expressions

#[test]
fn evaluate_defined_reports_undefined() {
    let e = Expression::parse("$nope").unwrap();
    let bindings: Map<String, Value> = Map::new();
    assert_eq!(e.evaluate_defined(&bindings), Err(Error::Undefined));
    assert_eq!(Error::Undefined.to_string(), "returned nothing (undefined)");
}

#[test]
fn template_markers_must_be_at_the_very_ends() {
    assert_eq!(template_expression("{% 1 + 1 %}"), Some(" 1 + 1 "));
    assert_eq!(template_expression(" {% 1 %}"), None);
    assert_eq!(template_expression("{% 1 %} "), None);
    assert_eq!(template_expression("plain"), None);
}

#[test]
fn slice_bindings_work() {
    let n = json!(3);
    let pairs: [(&str, &Value); 1] = [("n", &n)];
    let e = Expression::parse("$n * 2").unwrap();
    assert_eq!(e.evaluate(&pairs[..]), Ok(Some(json!(6))));
}

// --- syntax errors

#[test]
fn syntax_errors_name_the_offset() {
    let e = Expression::parse("1 +").unwrap_err();
    assert!(matches!(e, Error::Syntax { offset: 3, .. }), "{e:?}");
    assert!(matches!(
        Expression::parse("'open"),
        Err(Error::Syntax { offset: 0, .. })
    ));
    assert!(matches!(
        Expression::parse("(1; 2"),
        Err(Error::Syntax { .. })
    ));
    assert!(matches!(
        Expression::parse("1 2"),
        Err(Error::Syntax { offset: 2, .. })
    ));
    assert!(matches!(
        Expression::parse("a ! b"),
        Err(Error::Syntax { .. })
    ));
}

#[test]
fn comments_are_ignored() {
    assert_eq!(value("/* two */ 1 + 1", json!({})), json!(2));
}

#[test]
fn deep_nesting_is_refused_not_a_stack_overflow() {
    let deep = format!("{}1{}", "(".repeat(5000), ")".repeat(5000));
    assert!(matches!(
        Expression::parse(&deep),
        Err(Error::TooDeep { .. })
    ));
    let long_path = format!("$x{}", ".a".repeat(5000));
    assert!(matches!(
        Expression::parse(&long_path),
        Err(Error::TooDeep { .. })
    ));
    let arrays = "[".repeat(5000);
    assert!(Expression::parse(&arrays).is_err());
}

#[test]
fn arbitrary_bytes_never_panic_the_parser() {
    let samples = [
        "$",
        "$$$",
        "/",
        "/[/",
        "{",
        "{:}",
        "function(",
        "λ($x)",
        "`",
        "1..",
        "..",
        "\"\\u12",
        "$a :=",
        "?:",
        "[1,]",
        "'\\q'",
        "1e999",
        "**",
        "é",
        "a[]",
    ];
    for s in samples {
        let _ = Expression::parse(s);
    }
}

#[test]
fn regex_literals_accept_escaped_slashes_and_spaces() {
    assert_eq!(value("$contains('a/b', /a\\/b/)", json!({})), json!(true));
    assert_eq!(value("$contains('a b', /^a\\ b$/)", json!({})), json!(true));
}

#[test]
fn parsed_expressions_can_be_shared_between_threads() {
    fn shareable<T: Send + Sync + 'static>() {}
    shareable::<Expression>();
}

#[test]
fn unsupported_operators_are_named_in_the_error() {
    let sort = Expression::parse("$x^(price)").unwrap_err();
    assert!(sort.to_string().contains("sort operator"), "{sort}");
    let descendants = Expression::parse("$x.**.a").unwrap_err();
    assert!(
        descendants.to_string().contains("descendant"),
        "{descendants}"
    );
}
