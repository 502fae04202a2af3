//! Request shapes: JSON Schemas for the `Parameters` / `Arguments` of
//! integrations, shipped as data files in `crates/asl-model/schemas/` and
//! extensible by users for their own resources.
//!
//! Schemas are keyed by resource: `service:api` for optimized integrations
//! (`lambda:invoke`), `aws-sdk:service:action` for SDK integrations,
//! `itemReader:s3:getObject` / `resultWriter:s3:putObject` for a Distributed
//! Map's reader and writer, and the full `Resource` string for anything else
//! (a Lambda function or activity ARN). They are compiled on first use.

use std::collections::BTreeMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use serde_json::Value;

/// The request shapes shipped with the crate: (key, schema text).
///
/// They declare draft-07: they use only keywords whose meaning is the same in
/// every draft, and jsonschema builds its draft-07 meta-validator for about a
/// third of the 2020-12 one's cost (~3 M instructions, ~1 ms, saved on the
/// first checked Task of every linter process).
pub static BUILTIN_SCHEMAS: &[(&str, &str)] = &[
    (
        "apigateway:invoke",
        include_str!("../../schemas/apigateway.invoke.json"),
    ),
    (
        "athena:startQueryExecution",
        include_str!("../../schemas/athena.startQueryExecution.json"),
    ),
    (
        "batch:submitJob",
        include_str!("../../schemas/batch.submitJob.json"),
    ),
    (
        "codebuild:startBuild",
        include_str!("../../schemas/codebuild.startBuild.json"),
    ),
    (
        "dynamodb:deleteItem",
        include_str!("../../schemas/dynamodb.deleteItem.json"),
    ),
    (
        "dynamodb:getItem",
        include_str!("../../schemas/dynamodb.getItem.json"),
    ),
    (
        "dynamodb:putItem",
        include_str!("../../schemas/dynamodb.putItem.json"),
    ),
    (
        "dynamodb:updateItem",
        include_str!("../../schemas/dynamodb.updateItem.json"),
    ),
    (
        "ecs:runTask",
        include_str!("../../schemas/ecs.runTask.json"),
    ),
    (
        "events:putEvents",
        include_str!("../../schemas/events.putEvents.json"),
    ),
    (
        "glue:startJobRun",
        include_str!("../../schemas/glue.startJobRun.json"),
    ),
    (
        "http:invoke",
        include_str!("../../schemas/http.invoke.json"),
    ),
    (
        "lambda:invoke",
        include_str!("../../schemas/lambda.invoke.json"),
    ),
    (
        "sns:publish",
        include_str!("../../schemas/sns.publish.json"),
    ),
    (
        "sqs:sendMessage",
        include_str!("../../schemas/sqs.sendMessage.json"),
    ),
    (
        "itemReader:s3:getObject",
        include_str!("../../schemas/itemReader.s3.getObject.json"),
    ),
    (
        "itemReader:s3:listObjectsV2",
        include_str!("../../schemas/itemReader.s3.listObjectsV2.json"),
    ),
    (
        "resultWriter:s3:putObject",
        include_str!("../../schemas/resultWriter.s3.putObject.json"),
    ),
    (
        "states:startExecution",
        include_str!("../../schemas/states.startExecution.json"),
    ),
];

/// A compiled request shape: the schema as JSON plus its validator.
pub struct RequestSchema {
    pub key: String,
    pub schema: Value,
    pub validator: jsonschema::Validator,
}

impl RequestSchema {
    /// Compiles `schema`. Errors name the problem in the schema itself.
    pub fn compile(key: impl Into<String>, schema: Value) -> Result<RequestSchema, String> {
        let key = key.into();
        let validator = jsonschema::validator_for(&schema)
            .map_err(|e| format!("request schema for `{key}` is invalid: {e}"))?;
        Ok(RequestSchema {
            key,
            schema,
            validator,
        })
    }
}

impl fmt::Debug for RequestSchema {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("RequestSchema")
            .field("key", &self.key)
            .finish_non_exhaustive()
    }
}

/// Compiled built-in schemas, each compiled on first use.
fn builtin(index: usize) -> Option<&'static RequestSchema> {
    static COMPILED: OnceLock<Vec<OnceLock<Option<RequestSchema>>>> = OnceLock::new();
    let slots = COMPILED.get_or_init(|| BUILTIN_SCHEMAS.iter().map(|_| OnceLock::new()).collect());
    let slot = slots.get(index)?;
    slot.get_or_init(|| {
        let (key, text) = BUILTIN_SCHEMAS.get(index)?;
        let schema: Value = serde_json::from_str(text).ok()?;
        RequestSchema::compile(*key, schema).ok()
    })
    .as_ref()
}

/// Where request shapes are looked up: the built-in ones plus any the user
/// adds. Cheap to clone (user schemas are shared).
#[derive(Clone, Default)]
pub struct SchemaRegistry {
    /// Shared: every check clones the options it is given.
    user: Arc<BTreeMap<String, Arc<RequestSchema>>>,
    /// Leave the shipped schemas out (only the user's apply).
    pub without_builtins: bool,
}

impl SchemaRegistry {
    /// The shipped schemas only.
    pub fn new() -> SchemaRegistry {
        SchemaRegistry::default()
    }

    /// Adds (or replaces) the schema for `key`, e.g. `"aws-sdk:s3:putObject"`
    /// or a full Lambda function ARN. A user schema wins over a built-in one.
    pub fn add(&mut self, key: impl Into<String>, schema: Value) -> Result<(), String> {
        let key = key.into();
        let compiled = RequestSchema::compile(key.clone(), schema)?;
        Arc::make_mut(&mut self.user).insert(key, Arc::new(compiled));
        Ok(())
    }

    /// Adds a schema given as JSON text.
    pub fn add_json(&mut self, key: impl Into<String>, text: &str) -> Result<(), String> {
        let key = key.into();
        let schema: Value = serde_json::from_str(text)
            .map_err(|e| format!("request schema for `{key}` is not valid JSON: {e}"))?;
        self.add(key, schema)
    }

    /// Adds every `*.json` file of `dir` as a schema. The key is the
    /// schema's `"x-asl-resource"` member when it has one (needed for full
    /// ARNs, which cannot be file names), else the file name without
    /// `.json` with its first dots as `:` (`lambda.invoke.json` →
    /// `lambda:invoke`, `aws-sdk.s3.getObject.json` → `aws-sdk:s3:getObject`).
    /// Returns the keys added; errors name the file.
    pub fn add_dir(&mut self, dir: &std::path::Path) -> Result<Vec<String>, String> {
        let entries = std::fs::read_dir(dir)
            .map_err(|e| format!("cannot read schema folder {}: {e}", dir.display()))?;
        let mut paths: Vec<std::path::PathBuf> = entries
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|x| x == "json"))
            .collect();
        paths.sort();
        let mut keys = Vec::new();
        for path in paths {
            let text = std::fs::read_to_string(&path)
                .map_err(|e| format!("cannot read {}: {e}", path.display()))?;
            let schema: Value = serde_json::from_str(&text)
                .map_err(|e| format!("{} is not valid JSON: {e}", path.display()))?;
            let key = match schema.get("x-asl-resource").and_then(Value::as_str) {
                Some(key) => key.to_owned(),
                None => {
                    let stem = path
                        .file_stem()
                        .and_then(|s| s.to_str())
                        .ok_or_else(|| format!("{} has no usable file name", path.display()))?;
                    key_from_file_stem(stem)
                }
            };
            self.add(key.clone(), schema)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            keys.push(key);
        }
        Ok(keys)
    }

    /// The schema for `key`, the user's first.
    pub fn get(&self, key: &str) -> Option<&RequestSchema> {
        if let Some(schema) = self.user.get(key) {
            return Some(schema);
        }
        if self.without_builtins {
            return None;
        }
        let index = BUILTIN_SCHEMAS.iter().position(|(k, _)| *k == key)?;
        builtin(index)
    }

    /// Keys of the user-added schemas.
    pub fn user_keys(&self) -> impl Iterator<Item = &str> {
        self.user.keys().map(String::as_str)
    }
}

/// `lambda.invoke` → `lambda:invoke`; `aws-sdk.s3.getObject` →
/// `aws-sdk:s3:getObject`: the API name is the last part, the rest are
/// `:`-separated qualifiers.
fn key_from_file_stem(stem: &str) -> String {
    stem.replace('.', ":")
}

impl fmt::Debug for SchemaRegistry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SchemaRegistry")
            .field("user", &self.user.keys().collect::<Vec<_>>())
            .field("without_builtins", &self.without_builtins)
            .finish()
    }
}

impl PartialEq for SchemaRegistry {
    fn eq(&self, other: &SchemaRegistry) -> bool {
        self.without_builtins == other.without_builtins
            && self.user.len() == other.user.len()
            && self
                .user
                .iter()
                .zip(other.user.iter())
                .all(|((ka, a), (kb, b))| ka == kb && a.schema == b.schema)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_builtin_schema_compiles() {
        for (index, (key, _)) in BUILTIN_SCHEMAS.iter().enumerate() {
            assert!(
                builtin(index).is_some(),
                "schema for {key} does not compile"
            );
        }
    }

    #[test]
    fn builtin_schemas_stay_within_draft_07() {
        // Keywords that mean the same in draft-07 and 2020-12; anything else
        // needs a deliberate look before the declared draft can stay.
        const NEUTRAL: &[&str] = &[
            "$schema",
            "title",
            "description",
            "type",
            "required",
            "properties",
            "enum",
            "minimum",
            "maximum",
            "items",
            "minItems",
            "maxItems",
            "anyOf",
            "minLength",
            "maxLength",
            "pattern",
        ];
        fn keywords(schema: &Value, key: &str) {
            let Value::Object(map) = schema else { return };
            for (k, v) in map {
                assert!(NEUTRAL.contains(&k.as_str()), "{key}: keyword `{k}`");
                match k.as_str() {
                    "properties" => {
                        for sub in v.as_object().into_iter().flat_map(|m| m.values()) {
                            keywords(sub, key);
                        }
                    }
                    "items" => keywords(v, key),
                    "anyOf" => v
                        .as_array()
                        .into_iter()
                        .flatten()
                        .for_each(|s| keywords(s, key)),
                    _ => {}
                }
            }
        }
        for (key, text) in BUILTIN_SCHEMAS {
            let schema: Value = serde_json::from_str(text).expect("builtin schema is JSON");
            assert_eq!(
                schema["$schema"], "http://json-schema.org/draft-07/schema#",
                "{key}"
            );
            keywords(&schema, key);
        }
    }

    #[test]
    fn builtin_keys_are_optimized_integrations() {
        for (key, _) in BUILTIN_SCHEMAS {
            if let Some(s3) = key
                .strip_prefix("itemReader:")
                .or_else(|| key.strip_prefix("resultWriter:"))
            {
                assert!(s3.starts_with("s3:"), "{key}");
                continue;
            }
            let (service, api) = key.split_once(':').expect("service:api");
            assert!(
                crate::catalog::lookup_integration(service, api).is_some(),
                "{key} is not in the integration table"
            );
        }
    }

    #[test]
    fn user_schema_overrides_builtin() {
        let mut registry = SchemaRegistry::new();
        registry
            .add_json("lambda:invoke", r#"{"required": ["Custom"]}"#)
            .expect("valid schema");
        let schema = registry.get("lambda:invoke").expect("present");
        assert_eq!(schema.schema["required"][0], "Custom");
    }

    #[test]
    fn invalid_user_schema_is_refused() {
        let mut registry = SchemaRegistry::new();
        let err = registry
            .add_json("x", r#"{"type": 12}"#)
            .expect_err("invalid schema");
        assert!(err.contains("`x`"));
    }

    #[test]
    fn schema_folders_are_keyed_by_file_name_or_declared_resource() {
        let dir = std::env::temp_dir().join(format!("asl-model-schemas-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("temp dir");
        std::fs::write(
            dir.join("aws-sdk.s3.getObject.json"),
            r#"{"required": ["Bucket"]}"#,
        )
        .expect("write");
        std::fs::write(
            dir.join("charge.json"),
            r#"{"x-asl-resource": "arn:aws:lambda:us-east-1:123456789012:function:charge", "required": ["Amount"]}"#,
        )
        .expect("write");
        std::fs::write(dir.join("notes.txt"), "not a schema").expect("write");
        let mut registry = SchemaRegistry::new();
        let keys = registry.add_dir(&dir).expect("loads");
        let _ = std::fs::remove_dir_all(&dir);
        assert_eq!(
            keys,
            [
                "aws-sdk:s3:getObject",
                "arn:aws:lambda:us-east-1:123456789012:function:charge"
            ]
        );
        assert!(registry.get("aws-sdk:s3:getObject").is_some());
    }

    #[test]
    fn builtins_can_be_left_out() {
        let registry = SchemaRegistry {
            without_builtins: true,
            ..SchemaRegistry::default()
        };
        assert!(registry.get("lambda:invoke").is_none());
    }
}
