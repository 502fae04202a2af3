//! Workflow variables (`Assign`) and their scopes.
//!
//! A scope is a chain: each Parallel branch and Map iteration gets a child scope that reads the
//! variables of its ancestors but writes only into itself, so siblings never see each other.
//! Cloning a [`Variables`] is cheap (one `Arc`); writing copies only the innermost scope's own
//! table when it is shared.

use std::sync::Arc;

use serde_json::{Map, Value};

use crate::error::StatesError;
use crate::limits::{MAX_PAYLOAD_BYTES, serialized_size_capped};
use crate::path::Env;
use crate::template::Template;

/// A variable store: the innermost scope plus its ancestors.
#[derive(Clone, Debug, Default)]
pub struct Variables {
    /// `None` = an empty outermost scope (no allocation for machines without variables).
    scope: Option<Arc<Scope>>,
}

#[derive(Clone, Debug, Default)]
struct Scope {
    vars: Map<String, Value>,
    parent: Option<Arc<Scope>>,
}

impl Variables {
    /// The empty outermost scope, as a constant.
    pub const EMPTY: Variables = Variables { scope: None };

    /// An empty outermost scope.
    pub fn new() -> Self {
        Self::default()
    }

    /// A child scope (for a Parallel branch or a Map iteration) that reads this one.
    pub fn child(&self) -> Self {
        match &self.scope {
            // Nothing to read from an empty root: the child can be a root itself.
            None => Variables { scope: None },
            Some(parent) => Variables {
                scope: Some(Arc::new(Scope {
                    vars: Map::new(),
                    parent: Some(Arc::clone(parent)),
                })),
            },
        }
    }

    /// The value of `name`, looked up from the innermost scope outwards.
    pub fn get(&self, name: &str) -> Option<&Value> {
        let mut scope = self.scope.as_deref();
        while let Some(s) = scope {
            if let Some(v) = s.vars.get(name) {
                return Some(v);
            }
            scope = s.parent.as_deref();
        }
        None
    }

    /// Whether `name` is visible here.
    pub fn contains(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    /// Sets one variable in the innermost scope.
    pub fn set(&mut self, name: impl Into<String>, value: Value) {
        let scope = self.scope.get_or_insert_with(Default::default);
        Arc::make_mut(scope).vars.insert(name.into(), value);
    }

    /// Sets every variable of `values` in the innermost scope (the second half of an `Assign`).
    pub fn assign_all(&mut self, values: Map<String, Value>) {
        if values.is_empty() {
            return;
        }
        let scope = self.scope.get_or_insert_with(Default::default);
        let vars = &mut Arc::make_mut(scope).vars;
        for (k, v) in values {
            vars.insert(k, v);
        }
    }

    /// The variables of the innermost scope only, in assignment order.
    pub fn local(&self) -> impl Iterator<Item = (&str, &Value)> {
        self.scope
            .iter()
            .flat_map(|s| s.vars.iter().map(|(k, v)| (k.as_str(), v)))
    }

    /// Whether no variable is visible at all.
    pub fn is_empty(&self) -> bool {
        let mut scope = self.scope.as_deref();
        while let Some(s) = scope {
            if !s.vars.is_empty() {
                return false;
            }
            scope = s.parent.as_deref();
        }
        true
    }
}

/// A compiled `Assign` block: a payload template whose keys are variable names.
#[derive(Clone, Debug)]
pub struct Assign {
    template: Template,
}

impl Assign {
    /// Compiles an `Assign` object (`.$` keys as in payload templates).
    pub fn compile(assign: &Value) -> Result<Self, StatesError> {
        if !assign.is_object() {
            return Err(StatesError::runtime(
                "The field 'Assign' must be a JSON object",
            ));
        }
        Ok(Assign {
            template: Template::compile(assign)?,
        })
    }

    /// Evaluates every right-hand side against `input` and the variables as they are now (state
    /// entry), checking AWS's size limits, without assigning anything yet.
    pub fn evaluate(
        &self,
        input: &Value,
        env: &Env<'_>,
    ) -> Result<Map<String, Value>, StatesError> {
        let values = match self.template.evaluate(input, env)? {
            Value::Object(map) => map,
            // `compile` only accepts objects, so the template renders an object.
            _ => Map::new(),
        };
        let mut total = 0usize;
        for (name, value) in &values {
            let size = serialized_size_capped(value, MAX_PAYLOAD_BYTES + 1);
            if size > MAX_PAYLOAD_BYTES {
                return Err(StatesError::data_limit_exceeded(format!(
                    "The value assigned to the variable '{name}' exceeds the maximum size of {MAX_PAYLOAD_BYTES} bytes"
                )));
            }
            total += size;
        }
        if total > MAX_PAYLOAD_BYTES {
            return Err(StatesError::data_limit_exceeded(format!(
                "The variables assigned in one Assign exceed the maximum total size of {MAX_PAYLOAD_BYTES} bytes"
            )));
        }
        Ok(values)
    }

    /// Evaluates all right-hand sides against the values at state entry, then assigns them.
    pub fn apply(
        &self,
        input: &Value,
        context: &Value,
        variables: &mut Variables,
    ) -> Result<(), StatesError> {
        let values = {
            let env = Env::new(context, variables);
            self.evaluate(input, &env)?
        };
        variables.assign_all(values);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn child_scope_reads_outer_variables() {
        let mut outer = Variables::new();
        outer.set("x", json!(1));
        let inner = outer.child();
        assert_eq!(inner.get("x"), Some(&json!(1)));
    }

    #[test]
    fn child_scope_writes_do_not_reach_the_parent() {
        let mut outer = Variables::new();
        outer.set("x", json!(1));
        let mut inner = outer.child();
        inner.set("y", json!(2));
        assert_eq!(outer.get("y"), None);
        assert_eq!(inner.get("y"), Some(&json!(2)));
    }

    #[test]
    fn sibling_scopes_do_not_see_each_other() {
        let mut outer = Variables::new();
        outer.set("x", json!(0));
        let mut a = outer.child();
        let b = outer.child();
        a.set("only_a", json!(true));
        assert!(!b.contains("only_a"));
    }

    #[test]
    fn clone_then_write_leaves_the_original_unchanged() {
        let mut v = Variables::new();
        v.set("x", json!(1));
        let snapshot = v.clone();
        v.set("x", json!(2));
        assert_eq!(snapshot.get("x"), Some(&json!(1)));
        assert_eq!(v.get("x"), Some(&json!(2)));
    }

    #[test]
    fn assign_reads_values_from_state_entry() {
        // {"a": $b, "b": $a} swaps: both right-hand sides see the values before assignment.
        let mut vars = Variables::new();
        vars.set("a", json!(1));
        vars.set("b", json!(2));
        let assign = Assign::compile(&json!({"a.$": "$b", "b.$": "$a"})).unwrap();
        assign.apply(&json!({}), &json!({}), &mut vars).unwrap();
        assert_eq!(vars.get("a"), Some(&json!(2)));
        assert_eq!(vars.get("b"), Some(&json!(1)));
    }

    #[test]
    fn assign_copies_literal_values() {
        let mut vars = Variables::new();
        let assign = Assign::compile(&json!({"n": 3, "s": "$notapath"})).unwrap();
        assign.apply(&json!({}), &json!({}), &mut vars).unwrap();
        assert_eq!(vars.get("n"), Some(&json!(3)));
        assert_eq!(vars.get("s"), Some(&json!("$notapath")));
    }

    #[test]
    fn assign_rejects_a_value_over_256_kib() {
        let mut vars = Variables::new();
        let big = "x".repeat(MAX_PAYLOAD_BYTES);
        let assign = Assign::compile(&json!({"big.$": "$.s"})).unwrap();
        let err = assign
            .apply(&json!({"s": big}), &json!({}), &mut vars)
            .unwrap_err();
        assert!(err.is(crate::error::names::DATA_LIMIT_EXCEEDED));
        assert!(!vars.contains("big"));
    }
}
