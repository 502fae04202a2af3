//! JSONata states: field values whose `{% … %}` strings are expressions, evaluated with
//! `$states` (`input`, `result`, `errorOutput`, `context`) and the workflow variables.
//!
//! Every failure is `States.QueryEvaluationError` (catchable), with AWS's wording for the two
//! cases AWS words: an expression that returns nothing (*undefined*) and one that returns a
//! function.

use asl_jsonata::{Bindings, Expression, template_expression};
use serde_json::{Map, Value};

use crate::context::StateContext;
use crate::error::{StatesError, names};
use crate::path::Env;
use crate::variables::Variables;

/// What `$states` holds while a field is evaluated (`context` comes from the environment).
#[derive(Clone, Copy, Debug, Default)]
pub struct StatesData<'a> {
    /// `$states.input`: the state's input.
    pub input: Option<&'a Value>,
    /// `$states.result`: a Task, Map or Parallel result (Output and Assign only).
    pub result: Option<&'a Value>,
    /// `$states.errorOutput`: the error output (a Catcher's Output and Assign only).
    pub error_output: Option<&'a Value>,
}

/// A field of a JSONata state: JSON whose `{% … %}` strings (at any depth) are expressions,
/// parsed once.
#[derive(Clone, Debug)]
pub struct JsonataValue {
    root: Node,
}

#[derive(Clone, Debug)]
enum Node {
    Literal(Value),
    Expression {
        expression: Expression,
        field: String,
    },
    Object(Vec<(String, Node)>),
    Array(Vec<Node>),
}

impl JsonataValue {
    /// Compiles a field's value; `field` names it in error causes (`Output`, `Arguments`, …).
    /// A syntax error is `States.QueryEvaluationError` when the state runs.
    pub fn compile(value: &Value, field: &str) -> Result<Self, StatesError> {
        Ok(JsonataValue {
            root: compile_node(value, field)?,
        })
    }

    /// Whether the value holds no expression.
    pub fn is_literal(&self) -> bool {
        matches!(self.root, Node::Literal(_))
    }

    /// Evaluates the value.
    pub fn evaluate(&self, states: StatesData<'_>, env: &Env<'_>) -> Result<Value, StatesError> {
        if let Node::Literal(v) = &self.root {
            return Ok(v.clone());
        }
        let scope = Scope::new(states, env);
        eval_node(&self.root, &scope)
    }
}

fn compile_node(value: &Value, field: &str) -> Result<Node, StatesError> {
    Ok(match value {
        Value::String(s) => match template_expression(s) {
            Some(body) => {
                let expression = Expression::parse(body).map_err(|e| {
                    query_error(format!(
                        "The JSONata expression '{}' specified for the field '{field}' is not valid: {e}",
                        body.trim()
                    ))
                })?;
                Node::Expression {
                    expression,
                    field: field.to_owned(),
                }
            }
            None => Node::Literal(value.clone()),
        },
        Value::Object(map) => {
            let members = map
                .iter()
                .map(|(k, v)| Ok((k.clone(), compile_node(v, &format!("{field}/{k}"))?)))
                .collect::<Result<Vec<_>, StatesError>>()?;
            if members.iter().all(|(_, n)| matches!(n, Node::Literal(_))) {
                Node::Literal(value.clone())
            } else {
                Node::Object(members)
            }
        }
        Value::Array(items) => {
            let nodes = items
                .iter()
                .enumerate()
                .map(|(i, v)| compile_node(v, &format!("{field}[{i}]")))
                .collect::<Result<Vec<_>, StatesError>>()?;
            if nodes.iter().all(|n| matches!(n, Node::Literal(_))) {
                Node::Literal(value.clone())
            } else {
                Node::Array(nodes)
            }
        }
        other => Node::Literal(other.clone()),
    })
}

fn eval_node(node: &Node, scope: &Scope<'_>) -> Result<Value, StatesError> {
    match node {
        Node::Literal(v) => Ok(v.clone()),
        Node::Expression { expression, field } => {
            let text = expression.source().trim();
            match expression.evaluate(scope) {
                Ok(Some(v)) => Ok(v),
                Ok(None) => Err(query_error(format!(
                    "The JSONata expression '{text}' specified for the field '{field}' returned nothing (undefined)."
                ))),
                Err(asl_jsonata::Error::UnsupportedResult) => Err(query_error(format!(
                    "The JSONata expression '{text}' specified for the field '{field}' returned an unsupported result type."
                ))),
                Err(e) => Err(query_error(format!(
                    "The JSONata expression '{text}' specified for the field '{field}' failed: {e}"
                ))),
            }
        }
        Node::Object(members) => {
            let mut out = Map::with_capacity(members.len());
            for (k, v) in members {
                out.insert(k.clone(), eval_node(v, scope)?);
            }
            Ok(Value::Object(out))
        }
        Node::Array(items) => items
            .iter()
            .map(|n| eval_node(n, scope))
            .collect::<Result<Vec<_>, _>>()
            .map(Value::Array),
    }
}

/// A `States.QueryEvaluationError` with `cause`.
pub fn query_error(cause: impl Into<String>) -> StatesError {
    StatesError::new(names::QUERY_EVALUATION_ERROR, cause)
}

/// The variables an expression sees.
struct Scope<'a> {
    states: Value,
    variables: &'a Variables,
}

impl<'a> Scope<'a> {
    fn new(data: StatesData<'_>, env: &Env<'a>) -> Self {
        let mut states = Map::new();
        if let Some(v) = data.input {
            states.insert("input".to_owned(), v.clone());
        }
        if let Some(v) = data.result {
            states.insert("result".to_owned(), v.clone());
        }
        if let Some(v) = data.error_output {
            states.insert("errorOutput".to_owned(), v.clone());
        }
        states.insert("context".to_owned(), env.context().clone());
        Scope {
            states: Value::Object(states),
            variables: env.variables,
        }
    }
}

impl Bindings for Scope<'_> {
    fn lookup(&self, name: &str) -> Option<&Value> {
        if name == "states" {
            Some(&self.states)
        } else {
            self.variables.get(name)
        }
    }

    fn hash(&self, algorithm: &str, text: &str) -> Option<String> {
        hash_hex(algorithm, text.as_bytes())
    }

    fn random(&self) -> f64 {
        crate::retry::random_unit()
    }
}

/// `$hash`: the algorithms of `States.Hash`, as lowercase hex.
fn hash_hex(algorithm: &str, bytes: &[u8]) -> Option<String> {
    use sha2::Digest as _;
    let digest: Vec<u8> = match algorithm {
        "MD5" => md5::Md5::digest(bytes).to_vec(),
        "SHA-1" => sha1::Sha1::digest(bytes).to_vec(),
        "SHA-256" => sha2::Sha256::digest(bytes).to_vec(),
        "SHA-384" => sha2::Sha384::digest(bytes).to_vec(),
        "SHA-512" => sha2::Sha512::digest(bytes).to_vec(),
        _ => return None,
    };
    Some(digest.iter().map(|b| format!("{b:02x}")).collect())
}

/// A Choice rule's `Condition`: must evaluate to a boolean.
pub fn condition(value: &JsonataValue, input: &Value, env: &Env<'_>) -> Result<bool, StatesError> {
    let states = StatesData {
        input: Some(input),
        ..StatesData::default()
    };
    match value.evaluate(states, env)? {
        Value::Bool(b) => Ok(b),
        other => Err(query_error(format!(
            "The Condition of a Choice rule must be a boolean, but was {}: {other}",
            type_name(&other)
        ))),
    }
}

/// `Output` and `Assign` of a JSONata state (or Choice rule, or Catcher).
#[derive(Clone, Debug, Default)]
pub struct JsonataIo {
    /// `Output` (absent: the result, or the input for states without one).
    pub output: Option<JsonataValue>,
    /// `Assign`: an object of variable names to values.
    pub assign: Option<JsonataValue>,
}

impl JsonataIo {
    /// Evaluates Assign and Output from the same data (variables as at state entry), then
    /// assigns. Without `Output` the state's output is `result` (or the error output, or else
    /// the input).
    pub fn finish(
        &self,
        ctx: &mut StateContext,
        input: &Value,
        result: Option<Value>,
        error_output: Option<Value>,
    ) -> Result<Value, StatesError> {
        let (assigned, output) = {
            let env = ctx.env();
            let states = StatesData {
                input: Some(input),
                result: result.as_ref(),
                error_output: error_output.as_ref(),
            };
            let assigned = match &self.assign {
                Some(a) => match a.evaluate(states, &env)? {
                    Value::Object(map) => Some(map),
                    _ => None,
                },
                None => None,
            };
            let output = match &self.output {
                Some(o) => Some(o.evaluate(states, &env)?),
                None => None,
            };
            (assigned, output)
        };
        if let Some(values) = assigned {
            ctx.variables.assign_all(values);
        }
        Ok(match output {
            Some(o) => o,
            None => result.or(error_output).unwrap_or_else(|| input.clone()),
        })
    }
}

/// A JSONata number of seconds, items, …: a non-negative integer.
pub fn integer(
    value: &JsonataValue,
    input: &Value,
    env: &Env<'_>,
    field: &str,
) -> Result<u64, StatesError> {
    let states = StatesData {
        input: Some(input),
        ..StatesData::default()
    };
    let v = value.evaluate(states, env)?;
    match v.as_f64() {
        Some(f) if f >= 0.0 && f.fract() == 0.0 && f <= u64::MAX as f64 => Ok(f as u64),
        _ => Err(query_error(format!(
            "The value of the field '{field}' must be a non-negative integer, but was: {v}"
        ))),
    }
}

/// A JSONata text (Fail `Error`/`Cause`, Wait `Timestamp`): must be a string.
pub fn text(
    value: &JsonataValue,
    input: &Value,
    env: &Env<'_>,
    field: &str,
) -> Result<String, StatesError> {
    let states = StatesData {
        input: Some(input),
        ..StatesData::default()
    };
    match value.evaluate(states, env)? {
        Value::String(s) => Ok(s),
        other => Err(query_error(format!(
            "The value of the field '{field}' must be a string, but was: {other}"
        ))),
    }
}

/// A Map's items in a JSONata state: `Items` evaluated, or else the input, as an array.
pub fn map_items(
    items: Option<&JsonataValue>,
    input: &Value,
    env: &Env<'_>,
) -> Result<Value, StatesError> {
    let Some(value) = items else {
        if input.is_array() {
            return Ok(input.clone());
        }
        return Err(query_error(format!(
            "Map state input must be an array but was: {input}"
        )));
    };
    let states = StatesData {
        input: Some(input),
        ..StatesData::default()
    };
    let v = value.evaluate(states, env)?;
    if v.is_array() {
        return Ok(v);
    }
    let text = match &value.root {
        Node::Expression { expression, .. } => expression.source().trim().to_owned(),
        _ => v.to_string(),
    };
    Err(query_error(format!(
        "The JSONata expression '{text}' specified for the field 'Items' returned an unexpected result type. Expected 'array', but was '{}' for value: {v}",
        type_name(&v)
    )))
}

fn type_name(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn compile(v: Value) -> JsonataValue {
        JsonataValue::compile(&v, "Output").unwrap()
    }

    #[test]
    fn expressions_inside_objects_and_arrays_are_evaluated() {
        let value = compile(json!({"sum": "{% $states.input.a + 1 %}", "list": ["{% 'x' %}", 2]}));
        let input = json!({"a": 1});
        let states = StatesData {
            input: Some(&input),
            ..StatesData::default()
        };
        assert_eq!(
            value.evaluate(states, &Env::empty()).unwrap(),
            json!({"sum": 2, "list": ["x", 2]})
        );
    }

    #[test]
    fn strings_with_text_around_the_markers_are_literals() {
        let value = compile(json!(" {% 1 %}"));
        assert!(value.is_literal());
    }

    #[test]
    fn undefined_is_a_query_evaluation_error_naming_the_nested_field() {
        let value = compile(json!({"result": "{% $nope %}"}));
        let err = value
            .evaluate(StatesData::default(), &Env::empty())
            .unwrap_err();
        assert!(err.is(names::QUERY_EVALUATION_ERROR));
        assert_eq!(
            err.cause.as_deref(),
            Some(
                "The JSONata expression '$nope' specified for the field 'Output/result' returned nothing (undefined)."
            )
        );
    }

    #[test]
    fn workflow_variables_are_visible() {
        let mut vars = Variables::new();
        vars.set("limit", json!(3));
        let context = json!({});
        let env = Env::new(&context, &vars);
        assert_eq!(
            compile(json!("{% $limit * 2 %}"))
                .evaluate(StatesData::default(), &env)
                .unwrap(),
            json!(6)
        );
    }

    #[test]
    fn condition_must_be_boolean() {
        let input = json!({"n": 1});
        assert!(
            condition(
                &compile(json!("{% $states.input.n = 1 %}")),
                &input,
                &Env::empty()
            )
            .unwrap()
        );
        assert!(condition(&compile(json!("{% 1 %}")), &input, &Env::empty()).is_err());
    }

    #[test]
    fn map_items_must_be_an_array() {
        let err = map_items(
            Some(&compile(json!("{% 'a' %}"))),
            &json!({}),
            &Env::empty(),
        )
        .unwrap_err();
        assert!(
            err.cause
                .unwrap_or_default()
                .contains("Expected 'array', but was 'string'")
        );
        let err = map_items(None, &json!(null), &Env::empty()).unwrap_err();
        assert_eq!(
            err.cause.as_deref(),
            Some("Map state input must be an array but was: null")
        );
    }

    #[test]
    fn syntax_errors_are_reported_when_compiling() {
        assert!(JsonataValue::compile(&json!("{% 1 + %}"), "Output").is_err());
    }
}
