//! Payload templates: `Parameters`, `ItemSelector`, `ResultSelector`, `Assign`.
//!
//! A template is compiled once from its JSON value. Every key ending in `.$` (at any depth,
//! including inside arrays of objects) loses the suffix and its string value is evaluated: a
//! `$…` path over the input, a `$$…` path over the context object, a `$name…` variable path, or
//! an intrinsic function call. Everything else is copied as written. Key order is preserved.

use asl_syntax::intrinsic::{PayloadValue, parse_payload_value};
use serde_json::{Map, Value};

use crate::error::StatesError;
use crate::intrinsics::Intrinsic;
use crate::path::{Env, Path};

/// A compiled payload template.
#[derive(Clone, Debug)]
pub struct Template {
    root: Node,
}

#[derive(Clone, Debug)]
enum Node {
    /// A subtree without `.$` keys: cloned as is.
    Literal(Value),
    /// `shape` holds the keys (values `null`), `values` their nodes in the same order: cloning
    /// the shape copies the keys' stored hashes, so evaluating hashes no key.
    Object {
        shape: Map<String, Value>,
        values: Vec<Node>,
    },
    Array(Vec<Node>),
    /// A `.$` value; `field` is the key as written (with `.$`), for error causes.
    Path {
        path: Path,
        field: String,
    },
    Intrinsic {
        call: Intrinsic,
        field: String,
    },
}

impl Template {
    /// Compiles a template. Fails (with `States.Runtime`) when a `.$` value is not a string, not
    /// a valid path or intrinsic call, or when two keys collide once `.$` is stripped; the model
    /// rejects all of these before code generation, so this only guards hand-written specs.
    pub fn compile(template: &Value) -> Result<Template, StatesError> {
        Ok(Template {
            root: compile_node(template)?,
        })
    }

    /// Whether evaluating copies the template unchanged (no `.$` keys anywhere).
    pub fn is_literal(&self) -> bool {
        matches!(self.root, Node::Literal(_))
    }

    /// Renders the template against `input` (for `$`) and `env` (for `$$` and variables).
    pub fn evaluate(&self, input: &Value, env: &Env<'_>) -> Result<Value, StatesError> {
        eval_node(&self.root, input, env)
    }
}

fn has_dynamic_keys(v: &Value) -> bool {
    match v {
        Value::Object(map) => map
            .iter()
            .any(|(k, v)| k.ends_with(".$") || has_dynamic_keys(v)),
        Value::Array(items) => items.iter().any(has_dynamic_keys),
        _ => false,
    }
}

fn compile_node(v: &Value) -> Result<Node, StatesError> {
    if !has_dynamic_keys(v) {
        return Ok(Node::Literal(v.clone()));
    }
    match v {
        Value::Object(map) => {
            let mut entries: Vec<(String, Node)> = Vec::with_capacity(map.len());
            for (key, value) in map {
                let (name, node) = match key.strip_suffix(".$") {
                    Some(stripped) => (stripped.to_owned(), compile_dynamic(key, value)?),
                    None => (key.clone(), compile_node(value)?),
                };
                if entries.iter().any(|(existing, _)| *existing == name) {
                    return Err(StatesError::runtime(format!(
                        "The payload template has the key '{name}' twice once '.$' suffixes are removed"
                    )));
                }
                entries.push((name, node));
            }
            let (keys, values): (Vec<String>, Vec<Node>) = entries.into_iter().unzip();
            let shape = keys.into_iter().map(|k| (k, Value::Null)).collect();
            Ok(Node::Object { shape, values })
        }
        Value::Array(items) => Ok(Node::Array(
            items.iter().map(compile_node).collect::<Result<_, _>>()?,
        )),
        other => Ok(Node::Literal(other.clone())),
    }
}

fn compile_dynamic(key: &str, value: &Value) -> Result<Node, StatesError> {
    let Value::String(text) = value else {
        return Err(StatesError::runtime(format!(
            "The value of the field '{key}' must be a string holding a JSONPath or an intrinsic function call"
        )));
    };
    let parsed = parse_payload_value(text).map_err(|e| {
        StatesError::runtime(format!(
            "The value '{text}' of the field '{key}' is not a valid JSONPath or intrinsic function call: {}",
            e.message
        ))
    })?;
    let field = key.to_owned();
    Ok(match parsed {
        PayloadValue::Path(p) => Node::Path {
            path: Path::from_syntax(&p)?.with_text(text),
            field,
        },
        PayloadValue::Intrinsic(call) => Node::Intrinsic {
            call: Intrinsic::from_syntax_in(&call, text)?,
            field,
        },
    })
}

fn eval_node(node: &Node, input: &Value, env: &Env<'_>) -> Result<Value, StatesError> {
    match node {
        Node::Literal(v) => Ok(v.clone()),
        Node::Object { shape, values } => {
            let mut map = shape.clone();
            for (slot, child) in map.values_mut().zip(values) {
                *slot = eval_node(child, input, env)?;
            }
            Ok(Value::Object(map))
        }
        Node::Array(items) => Ok(Value::Array(
            items
                .iter()
                .map(|n| eval_node(n, input, env))
                .collect::<Result<_, _>>()?,
        )),
        Node::Path { path, field } => path.select(input, env, field),
        Node::Intrinsic { call, field } => call.evaluate(input, env, field),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::names;
    use crate::variables::Variables;
    use serde_json::json;

    fn render(template: Value, input: Value) -> Result<Value, StatesError> {
        Template::compile(&template)?.evaluate(&input, &Env::empty())
    }

    #[test]
    fn dollar_keys_are_evaluated_and_renamed() {
        let out = render(
            json!({"id.$": "$.order.id", "kind": "fixed"}),
            json!({"order": {"id": 5}}),
        )
        .unwrap();
        assert_eq!(out, json!({"id": 5, "kind": "fixed"}));
    }

    #[test]
    fn plain_keys_with_dollar_values_stay_literal() {
        let out = render(json!({"name": "$customerName"}), json!({})).unwrap();
        assert_eq!(out, json!({"name": "$customerName"}));
    }

    #[test]
    fn nested_objects_and_arrays_of_objects_are_evaluated() {
        let out = render(
            json!({"outer": {"inner.$": "$.a"}, "list": [{"x.$": "$.b"}, 3]}),
            json!({"a": 1, "b": 2}),
        )
        .unwrap();
        assert_eq!(out, json!({"outer": {"inner": 1}, "list": [{"x": 2}, 3]}));
    }

    #[test]
    fn key_order_is_preserved() {
        let out = render(json!({"z": 1, "a.$": "$.v", "m": 2}), json!({"v": 0})).unwrap();
        let keys: Vec<&str> = out
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, ["z", "a", "m"]);
    }

    #[test]
    fn intrinsic_values_are_called() {
        let out = render(
            json!({"msg.$": "States.Format('Hello {}', $.name)"}),
            json!({"name": "Ada"}),
        )
        .unwrap();
        assert_eq!(out, json!({"msg": "Hello Ada"}));
    }

    #[test]
    fn indefinite_paths_give_arrays() {
        let out = render(
            json!({"ids.$": "$.items[*].id"}),
            json!({"items": [{"id": 1}, {"id": 2}]}),
        )
        .unwrap();
        assert_eq!(out, json!({"ids": [1, 2]}));
    }

    #[test]
    fn context_and_variable_paths() {
        let mut vars = Variables::new();
        vars.set("limit", json!(10));
        let ctx = json!({"State": {"Name": "S1"}});
        let env = Env::new(&ctx, &vars);
        let t = Template::compile(&json!({"s.$": "$$.State.Name", "l.$": "$limit"})).unwrap();
        assert_eq!(
            t.evaluate(&json!({}), &env).unwrap(),
            json!({"s": "S1", "l": 10})
        );
    }

    #[test]
    fn a_miss_is_runtime_naming_the_field() {
        let err = render(json!({"value.$": "$.no_such"}), json!({"x": 0})).unwrap_err();
        assert!(err.is(names::RUNTIME));
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONPath '$.no_such' specified for the field 'value.$' could not be found in the input '{\"x\":0}'"
            )
        );
    }

    #[test]
    fn duplicate_keys_after_stripping_are_rejected() {
        assert!(Template::compile(&json!({"a": 1, "a.$": "$.b"})).is_err());
    }

    #[test]
    fn non_string_dollar_value_is_rejected() {
        assert!(Template::compile(&json!({"a.$": 3})).is_err());
    }

    #[test]
    fn template_without_dollar_keys_is_literal() {
        let t = Template::compile(&json!({"a": [1, {"b": 2}]})).unwrap();
        assert!(t.is_literal());
        assert_eq!(
            t.evaluate(&json!(null), &Env::empty()).unwrap(),
            json!({"a": [1, {"b": 2}]})
        );
    }
}
