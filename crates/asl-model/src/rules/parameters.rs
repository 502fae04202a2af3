//! Request-shape rules: the `Parameters` (JSONPath) or `Arguments`
//! (JSONata) of a Task are validated with `jsonschema` against the request
//! shape registered for its resource (see [`crate::catalog::schemas`]).
//!
//! Values computed at run time cannot be judged now, so a `Foo.$` key counts
//! as providing `Foo` (whatever its type), and so does a `{% … %}` value;
//! only members written literally are type-checked.

use std::fmt::Write as _;

use asl_syntax::resource::Resource;
use serde_json::{Map, Value};

use super::memo;
use super::resources::Sites;
use crate::catalog::integrations::ITEM_READER_RESOURCES;
use crate::catalog::schemas::{RequestSchema, SchemaRegistry};
use crate::diagnostic::{Diagnostic, codes, did_you_mean, edit_distance};
use crate::hash::{FastMap, FastSet};
use crate::source::Span;
use crate::tree::{Member, Node, NodeValue};

/// Runs the request-shape rules over every Task of the definition.
pub fn check_tree(root: &Node, src: &str, registry: &SchemaRegistry, out: &mut Vec<Diagnostic>) {
    let arena = crate::tree::Arena::new();
    check_sites(
        root,
        &Sites::collect(root, false, &arena),
        src,
        registry,
        out,
    );
}

/// [`check_tree`] over the definition's collected sites.
pub(crate) fn check_sites(
    root: &Node,
    sites: &Sites<'_>,
    src: &str,
    registry: &SchemaRegistry,
    out: &mut Vec<Diagnostic>,
) {
    let machine_jsonata = root.get("QueryLanguage").and_then(Node::as_str) == Some("JSONata");
    // A definition names a handful of resources and schemas, each for many
    // Tasks: look each resource up (and name its integration) once. Each
    // text with its name, schema and place in `known`, searched in order
    // while the list is short, through `by_text` (text -> position) after.
    let mut texts: Vec<(&str, Described)> = Vec::new();
    let mut by_text: FastMap<&str, usize> = FastMap::default();
    let mut known: Vec<Known> = Vec::new();
    // Names are written here first and kept only for resources that have a
    // schema.
    let mut scratch = String::new();
    for task in &sites.tasks {
        let Some(resource) = task.resource else {
            continue;
        };
        let Some(text) = resource.value.as_str() else {
            continue;
        };
        let seen = if by_text.is_empty() {
            texts.iter().position(|(t, _)| *t == text)
        } else {
            by_text.get(text).copied()
        };
        let at_text = seen.unwrap_or_else(|| {
            let found = describe(text, registry, &mut scratch, &mut known);
            texts.push((text, found));
            if texts.len() > SHORT_LIST {
                if by_text.is_empty() {
                    by_text.extend(texts.iter().enumerate().map(|(i, (t, _))| (*t, i)));
                } else {
                    by_text.insert(text, texts.len() - 1);
                }
            }
            texts.len() - 1
        });
        let Some((_, Some((name, schema, at)))) = texts.get_mut(at_text) else {
            continue;
        };
        let state = &task.state.value;
        let jsonata = match state.get("QueryLanguage").and_then(Node::as_str) {
            Some(lang) => lang == "JSONata",
            None => machine_jsonata,
        };
        let field = if jsonata { "Arguments" } else { "Parameters" };
        match state.member(field) {
            Some(request) => {
                let k = &mut known[*at];
                k.uses += 1;
                // A schema used once is not worth preparing.
                if k.uses == 2 {
                    k.prepared = Some((SchemaFacts::of(&schema.schema), Verdicts::default()));
                }
                let prepared = k.prepared.as_mut().map(|(f, v)| (&*f, v));
                check_request_with(name, field, request, schema, prepared, out);
            }
            None => missing_request(name, field, resource, schema, out),
        }
    }
    for io in &sites.map_io {
        let Some(text) = io.field.value.get("Resource").and_then(Node::as_str) else {
            continue;
        };
        let parsed = memo::resource(text);
        let Ok(Resource::Optimized { service, api, .. }) = parsed.as_deref() else {
            continue;
        };
        let prefix = if io.allowed == ITEM_READER_RESOURCES {
            "itemReader"
        } else {
            "resultWriter"
        };
        let key = format!("{prefix}:{}:{}", service.value, api.value);
        let Some(schema) = registry.get(&key) else {
            continue;
        };
        let name = format!("{}:{}", service.value, api.value);
        // JSONata readers and writers take `Arguments`, JSONPath ones `Parameters`.
        let field = if io.field.value.member("Arguments").is_some() {
            "Arguments"
        } else {
            "Parameters"
        };
        let place = format!("{}.{field}", io.field.key);
        match io.field.value.member(field) {
            Some(request) => check_request(&name, &place, request, schema, out),
            None => {
                let required = required_names(&schema.schema);
                if !required.is_empty() {
                    out.push(
                        Diagnostic::error(
                            codes::MISSING_REQUEST_MEMBER,
                            format!(
                                "`{}` with `{name}` needs `{field}` with {}",
                                io.field.key,
                                list(&required)
                            ),
                            io.field.key_span,
                        )
                        .with_label(format!("this `{}` has no `{field}`", io.field.key)),
                    );
                }
            }
        }
    }
    let _ = src;
}

/// Distinct `Resource` texts searched in order before they get a map.
const SHORT_LIST: usize = 8;

/// A `Resource` text's name for messages, its schema and the schema's place
/// in the list of known ones; `None` when it has no schema.
type Described<'r> = Option<(String, &'r RequestSchema, usize)>;

/// The name and schema of a `Resource` text, and the schema's place in
/// `known` (added when new).
fn describe<'r>(
    text: &str,
    registry: &'r SchemaRegistry,
    scratch: &mut String,
    known: &mut Vec<Known<'r>>,
) -> Described<'r> {
    let schema = schema_into(text, registry, scratch)?;
    let at = match known.iter().position(|k| std::ptr::eq(k.schema, schema)) {
        Some(at) => at,
        None => {
            known.push(Known {
                schema,
                uses: 0,
                prepared: None,
            });
            known.len() - 1
        }
    };
    Some((std::mem::take(scratch), schema, at))
}

/// The schema that applies to a `Resource` string: one registered for the
/// exact string first, then by integration (`service:api`,
/// `aws-sdk:service:action`). Returns the name used in messages.
pub fn schema_for<'r>(
    resource: &str,
    registry: &'r SchemaRegistry,
) -> Option<(String, &'r RequestSchema)> {
    let mut name = String::new();
    let schema = schema_into(resource, registry, &mut name)?;
    Some((name, schema))
}

/// [`schema_for`] writing the name into `name` (cleared first), so checking
/// many Tasks formats no string per Task.
fn schema_into<'r>(
    resource: &str,
    registry: &'r SchemaRegistry,
    name: &mut String,
) -> Option<&'r RequestSchema> {
    name.clear();
    if let Some(schema) = registry.get(resource) {
        name.push_str(resource);
        return Some(schema);
    }
    match memo::resource(resource).as_deref().ok()? {
        Resource::Optimized { service, api, .. } => {
            let _ = write!(name, "{}:{}", service.value, api.value);
        }
        Resource::AwsSdk {
            service, action, ..
        } => {
            let _ = write!(name, "aws-sdk:{}:{}", service.value, action.value);
        }
        Resource::HttpInvoke { .. } => name.push_str("http:invoke"),
        _ => return None,
    }
    registry.get(name)
}

/// A Task with a request shape but neither `Parameters` nor `Arguments`.
fn missing_request(
    name: &str,
    field: &str,
    resource: &Member,
    schema: &RequestSchema,
    out: &mut Vec<Diagnostic>,
) {
    let required = required_names(&schema.schema);
    if required.is_empty() {
        return;
    }
    out.push(
        Diagnostic::error(
            codes::MISSING_REQUEST_MEMBER,
            format!("`{name}` needs `{field}` with {}", list(&required)),
            resource.value.span,
        )
        .with_label(format!("this integration has no `{field}`"))
        .with_help(format!(
            "add `\"{field}\": {{ {} }}`",
            required
                .iter()
                .map(|r| format!("\"{r}\": …"))
                .collect::<Vec<_>>()
                .join(", ")
        )),
    );
}

/// A schema met during one [`check_tree`], and how often a request used it.
struct Known<'r> {
    schema: &'r RequestSchema,
    uses: u32,
    prepared: Option<(SchemaFacts<'r>, Verdicts)>,
}

/// What [`check_request`] needs to know about a schema besides its
/// validator, worked out once per schema (from its second request on).
struct SchemaFacts<'s> {
    /// The names under `properties` (a fast set: the schema's own map hashes
    /// every looked-up key with SipHash).
    properties: FastSet<&'s str>,
    /// Top-level members whose value cannot change whether a request is
    /// valid: the schema uses nothing but `type`, `required` and
    /// `properties` at the top, and says nothing (`{}` or `true`) about
    /// these. The first validation may skip building their values.
    free: FastSet<&'s str>,
    /// For such a plain schema: what each named member's value matters for
    /// (members it names neither in `properties` nor in `required` cannot
    /// matter). `None` when the schema is not plain.
    roles: Option<FastMap<&'s str, Role>>,
}

/// How much of a member's value a plain schema looks at.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Role {
    /// Only whether it is present (`{}`, `true`, or required but unlisted).
    Presence,
    /// Only its JSON type (`{"type": …}` and nothing else).
    Type,
    /// More than that.
    Value,
}

impl<'s> SchemaFacts<'s> {
    fn of(schema: &'s Value) -> SchemaFacts<'s> {
        let properties = schema.get("properties").and_then(Value::as_object);
        let names = properties
            .map(|p| p.keys().map(String::as_str).collect())
            .unwrap_or_default();
        const PLAIN: [&str; 7] = [
            "$schema",
            "$comment",
            "title",
            "description",
            "type",
            "required",
            "properties",
        ];
        let strings = |v: &Value| match v {
            Value::String(_) => true,
            Value::Array(a) => a.iter().all(Value::is_string),
            _ => false,
        };
        let plain = schema.as_object().is_some_and(|o| {
            o.iter().all(|(k, v)| match k.as_str() {
                "type" => strings(v),
                "required" => v.as_array().is_some_and(|a| a.iter().all(Value::is_string)),
                "properties" => v.is_object(),
                k => PLAIN.contains(&k),
            })
        });
        if !plain {
            return SchemaFacts {
                properties: names,
                free: FastSet::default(),
                roles: None,
            };
        }
        let mut roles = FastMap::default();
        let required = schema.get("required").and_then(Value::as_array);
        for name in required.into_iter().flatten().filter_map(Value::as_str) {
            roles.insert(name, Role::Presence);
        }
        let mut free = FastSet::default();
        for (k, s) in properties.into_iter().flatten() {
            let role = match s {
                Value::Bool(true) => Role::Presence,
                Value::Object(o) if o.is_empty() => Role::Presence,
                Value::Object(o) if o.len() == 1 && o.get("type").is_some_and(strings) => {
                    Role::Type
                }
                _ => Role::Value,
            };
            if role == Role::Presence {
                free.insert(k.as_str());
            }
            roles.insert(k.as_str(), role);
        }
        SchemaFacts {
            properties: names,
            free,
            roles: Some(roles),
        }
    }

    /// Writes into `out` everything about `members` that decides whether
    /// they are valid against a plain schema: which named members are
    /// present (in order) and, where the schema checks the type, of what JSON
    /// type each is (numbers: the kind `serde_json` stores, and the text of
    /// a float). Requests with equal signatures are valid or invalid
    /// together. `false` when the schema looks deeper than that.
    fn signature(&self, members: &[Member], out: &mut Vec<u8>) -> bool {
        let Some(roles) = &self.roles else {
            return false;
        };
        out.clear();
        for m in members {
            let (key, is_dynamic) = request_key(m.key);
            let Some(role) = roles.get(key) else {
                continue;
            };
            out.extend_from_slice(&key.len().to_le_bytes());
            out.extend_from_slice(key.as_bytes());
            match role {
                Role::Presence => out.push(b'-'),
                Role::Value => return false,
                Role::Type if is_dynamic || is_jsonata(&m.value) => out.push(b'n'),
                Role::Type => match &m.value.value {
                    NodeValue::Null => out.push(b'n'),
                    NodeValue::Bool(_) => out.push(b'b'),
                    NodeValue::String(_) => out.push(b's'),
                    NodeValue::Array(_) => out.push(b'a'),
                    NodeValue::Object(_) => out.push(b'o'),
                    NodeValue::Number(n) => {
                        let n = n.to_json_number();
                        if n.is_u64() {
                            out.push(b'u');
                        } else if n.is_i64() {
                            out.push(b'i');
                        } else {
                            let text = n.to_string();
                            out.push(b'f');
                            out.extend_from_slice(&text.len().to_le_bytes());
                            out.extend_from_slice(text.as_bytes());
                        }
                    }
                },
            }
        }
        true
    }
}

/// Validity of the requests already checked against one schema, by
/// [`SchemaFacts::signature`]: many Tasks send the same shape of request.
#[derive(Default)]
struct Verdicts {
    signature: Vec<u8>,
    seen: FastMap<Vec<u8>, bool>,
}

/// Validates one `Parameters` / `Arguments` member against `schema`.
pub fn check_request(
    name: &str,
    field: &str,
    request: &Member,
    schema: &RequestSchema,
    out: &mut Vec<Diagnostic>,
) {
    check_request_with(name, field, request, schema, None, out);
}

fn check_request_with(
    name: &str,
    field: &str,
    request: &Member,
    schema: &RequestSchema,
    prepared: Option<(&SchemaFacts, &mut Verdicts)>,
    out: &mut Vec<Diagnostic>,
) {
    // A whole-value JSONata expression (or any non-object) is decided at run
    // time, or is a structural error reported elsewhere.
    let Some(members) = request.value.as_object() else {
        return;
    };
    let facts = prepared.as_ref().map(|(f, _)| *f);
    let validate = || {
        let free = facts.map(|f| &f.free);
        schema
            .validator
            .is_valid(&instance_of(&request.value, free, &mut None))
    };
    let valid = match prepared {
        Some((facts, v)) => {
            if facts.signature(members, &mut v.signature) {
                match v.seen.get(&v.signature) {
                    Some(valid) => *valid,
                    None => {
                        let valid = validate();
                        v.seen.insert(v.signature.clone(), valid);
                        valid
                    }
                }
            } else {
                validate()
            }
        }
        None => validate(),
    };
    let misspelled =
        misspelled_members(&request.value, &schema.schema, facts.map(|f| &f.properties));
    for (member, intended) in &misspelled {
        // A misspelled required member is reported with the missing one.
        if required_names(&schema.schema).contains(intended) {
            continue;
        }
        out.push(
            Diagnostic::warning(
                codes::REQUEST_MEMBER_TYPO,
                format!("`{name}` requests have no member `{}`", member.key),
                member.key_span,
            )
            .with_label("unknown member")
            .with_help(format!("did you mean `{intended}`?")),
        );
    }
    // Most requests are fine; `is_valid` is much cheaper than collecting errors.
    if valid {
        return;
    }
    // The same instance again, now noting where the run-time values are.
    let mut dynamic = Vec::new();
    let instance = instance_of(
        &request.value,
        None,
        &mut Some(RuntimeValues {
            pointer: &mut String::new(),
            found: &mut dynamic,
        }),
    );
    for error in schema.validator.iter_errors(&instance) {
        let pointer = error.instance_path().as_str().to_owned();
        if dynamic
            .iter()
            .any(|d| pointer == *d || pointer.starts_with(&format!("{d}/")))
        {
            continue;
        }
        let at = node_at(&request.value, &pointer);
        let place = place_name(field, &request.value, &pointer);
        let object_span = if pointer.is_empty() {
            request.key_span
        } else {
            at.map_or(request.key_span, |(key_span, _)| key_span)
        };
        let d = match error.kind() {
            jsonschema::error::ValidationErrorKind::Required { property } => {
                let property = property.as_str().unwrap_or("?");
                let d = Diagnostic::error(
                    codes::MISSING_REQUEST_MEMBER,
                    format!("`{name}` needs `{property}` in `{place}`"),
                    object_span,
                )
                .with_label(format!("`{property}` is missing"));
                let typo = pointer
                    .is_empty()
                    .then(|| misspelled.iter().find(|(_, intended)| intended == property))
                    .flatten();
                match typo {
                    Some((member, _)) => d
                        .with_secondary(member.key_span, format!("did you mean `{property}`?"))
                        .with_help(format!("rename `{}` to `{property}`", member.key)),
                    None => d.with_help(format!(
                        "add `\"{property}\": …` (or `\"{property}.$\": \"$.…\"` to take it from the input)"
                    )),
                }
            }
            jsonschema::error::ValidationErrorKind::AnyOf { .. }
            | jsonschema::error::ValidationErrorKind::OneOfNotValid { .. } => {
                let options = alternatives(&schema.schema, error.schema_path().as_str());
                if options.is_empty() {
                    Diagnostic::error(
                        codes::INVALID_REQUEST_MEMBER,
                        format!("`{place}` does not match the request shape of `{name}`"),
                        object_span,
                    )
                } else {
                    Diagnostic::error(
                        codes::MISSING_REQUEST_MEMBER,
                        format!("`{name}` needs one of {} in `{place}`", list(&options)),
                        object_span,
                    )
                    .with_label("none of them is given")
                }
            }
            _ => {
                let span = at.map_or(request.value.span, |(_, value_span)| value_span);
                Diagnostic::error(
                    codes::INVALID_REQUEST_MEMBER,
                    format!("invalid `{place}` for `{name}`: {error}"),
                    span,
                )
                .with_label("does not fit the request shape")
            }
        };
        out.push(d.with_note(format!(
            "checked against the request shape registered for `{name}`"
        )));
    }
}

/// The member name a request key produces (`Foo.$` gives `Foo`) and
/// whether its value is computed at run time.
fn request_key(key: &str) -> (&str, bool) {
    match key.strip_suffix(".$") {
        Some(stripped) => (stripped, true),
        None => (key, false),
    }
}

/// Where [`instance_of`] notes the run-time values: the JSON pointer of the
/// value being built, and the pointers of the values replaced by `null`.
struct RuntimeValues<'p> {
    pointer: &'p mut String,
    found: &'p mut Vec<String>,
}

impl RuntimeValues<'_> {
    /// Runs `build` with `step` appended to the current pointer.
    fn at<T>(
        this: &mut Option<Self>,
        step: impl FnOnce(&mut String),
        build: impl FnOnce(&mut Option<Self>) -> T,
    ) -> T {
        let len = this.as_mut().map(|d| {
            let len = d.pointer.len();
            step(d.pointer);
            len
        });
        let value = build(this);
        if let (Some(d), Some(len)) = (this.as_mut(), len) {
            d.pointer.truncate(len);
        }
        value
    }

    fn note(this: &mut Option<Self>) {
        if let Some(d) = this {
            d.found.push(d.pointer.clone());
        }
    }
}

/// Builds the JSON instance to validate: `Foo.$` becomes `Foo`, and every
/// run-time value becomes `null`. With `dynamic`, the JSON pointer of each
/// such value is recorded so errors about it can be ignored (only needed
/// when the request fails). Top-level members named in `free` become `null`
/// as well (see [`SchemaFacts::free`]).
fn instance_of(
    node: &Node,
    free: Option<&FastSet<&str>>,
    dynamic: &mut Option<RuntimeValues>,
) -> Value {
    match &node.value {
        NodeValue::Object(members) => {
            let mut map = Map::with_capacity(members.len());
            for m in members.iter() {
                let (key, is_dynamic) = request_key(m.key);
                let step = |pointer: &mut String| {
                    pointer.push('/');
                    if key.contains(['~', '/']) {
                        pointer.push_str(&key.replace('~', "~0").replace('/', "~1"));
                    } else {
                        pointer.push_str(key);
                    }
                };
                let value = RuntimeValues::at(dynamic, step, |dynamic| {
                    if is_dynamic || is_jsonata(&m.value) {
                        RuntimeValues::note(dynamic);
                        Value::Null
                    } else if free.is_some_and(|f| f.contains(key)) {
                        Value::Null
                    } else {
                        instance_of(&m.value, None, dynamic)
                    }
                });
                map.insert(key.to_owned(), value);
            }
            Value::Object(map)
        }
        NodeValue::Array(items) => Value::Array(
            items
                .iter()
                .enumerate()
                .map(|(i, item)| {
                    let step = |pointer: &mut String| {
                        let _ = write!(pointer, "/{i}");
                    };
                    RuntimeValues::at(dynamic, step, |dynamic| {
                        if is_jsonata(item) {
                            RuntimeValues::note(dynamic);
                            Value::Null
                        } else {
                            instance_of(item, None, dynamic)
                        }
                    })
                })
                .collect(),
        ),
        _ => node.to_json_value(),
    }
}

fn is_jsonata(node: &Node) -> bool {
    node.as_str()
        .is_some_and(|s| s.starts_with("{%") && s.ends_with("%}") && s.len() >= 4)
}

fn pointer_segments(pointer: &str) -> impl Iterator<Item = String> + '_ {
    pointer
        .split('/')
        .skip(1)
        .map(|s| s.replace("~1", "/").replace("~0", "~"))
}

/// (key span, value span) of the node a JSON pointer names; object keys match
/// with or without `.$`.
fn node_at(root: &Node, pointer: &str) -> Option<(Span, Span)> {
    let mut node = root;
    let mut key_span = None;
    for segment in pointer_segments(pointer) {
        match &node.value {
            NodeValue::Object(members) => {
                let m = members
                    .iter()
                    .find(|m| m.key == segment || m.key.strip_suffix(".$") == Some(&segment))?;
                key_span = Some(m.key_span);
                node = &m.value;
            }
            NodeValue::Array(items) => {
                node = items.get(segment.parse::<usize>().ok()?)?;
                key_span = Some(node.span);
            }
            _ => return None,
        }
    }
    Some((key_span.unwrap_or(node.span), node.span))
}

/// `Parameters.Entries[0].Detail` for a JSON pointer inside the request.
fn place_name(field: &str, root: &Node, pointer: &str) -> String {
    let mut out = field.to_owned();
    let mut node = Some(root);
    for segment in pointer_segments(pointer) {
        match node.map(|n| &n.value) {
            Some(NodeValue::Array(items)) => {
                out.push_str(&format!("[{segment}]"));
                node = segment.parse::<usize>().ok().and_then(|i| items.get(i));
            }
            _ => {
                out.push('.');
                out.push_str(&segment);
                node =
                    node.and_then(|n| n.get(&segment).or_else(|| n.get(&format!("{segment}.$"))));
            }
        }
    }
    out
}

/// The member names of an `anyOf` / `oneOf` whose branches are each just
/// `{"required": [...]}`; empty when the branches say more than that.
fn alternatives(schema: &Value, schema_path: &str) -> Vec<String> {
    let Some(Value::Array(branches)) = schema.pointer(schema_path) else {
        return Vec::new();
    };
    let mut names = Vec::new();
    for branch in branches {
        match branch.get("required").and_then(Value::as_array) {
            Some(required) => {
                names.extend(required.iter().filter_map(Value::as_str).map(str::to_owned))
            }
            None => return Vec::new(),
        }
    }
    names
}

/// Top-level members the schema does not list but that look like a listed
/// one (`Functionname` for `FunctionName`), with the member they resemble.
/// Members that resemble nothing are left alone: the shipped shapes list
/// the common members, not every one the API has.
fn misspelled_members<'n>(
    request: &'n Node,
    schema: &Value,
    names: Option<&FastSet<&str>>,
) -> Vec<(&'n Member<'n>, String)> {
    let Some(members) = request.as_object() else {
        return Vec::new();
    };
    // Usually every member is listed: then the schema's map is not consulted.
    if let Some(names) = names
        && members
            .iter()
            .all(|m| names.contains(m.key.strip_suffix(".$").unwrap_or(m.key)))
    {
        return Vec::new();
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return Vec::new();
    };
    members
        .iter()
        .filter_map(|m| {
            let key = m.key.strip_suffix(".$").unwrap_or(m.key);
            if properties.contains_key(key) {
                return None;
            }
            let intended = did_you_mean(key, properties.keys().map(String::as_str))?;
            // Typos are an edit or two; farther neighbours are often real,
            // unlisted members (`MessageSystemAttributes`).
            (edit_distance(&key.to_lowercase(), &intended.to_lowercase()) <= 2)
                .then(|| (m, intended.to_owned()))
        })
        .collect()
}

fn required_names(schema: &Value) -> Vec<String> {
    schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| {
            r.iter()
                .filter_map(Value::as_str)
                .map(str::to_owned)
                .collect()
        })
        .unwrap_or_default()
}

fn list(names: &[String]) -> String {
    names
        .iter()
        .map(|n| format!("`{n}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::json::parse_json;

    fn machine(resource: &str, parameters: &str) -> String {
        format!(
            r#"{{"StartAt": "T", "States": {{"T": {{"Type": "Task", "Resource": "{resource}", "Parameters": {parameters}, "End": true}}}}}}"#
        )
    }

    fn check_with(src: &str, registry: &SchemaRegistry) -> Vec<Diagnostic> {
        let root = parse_json(src, crate::tree::test_arena()).expect("valid json");
        let mut out = Vec::new();
        check_tree(&root, src, registry, &mut out);
        out
    }

    fn check(src: &str) -> Vec<Diagnostic> {
        check_with(src, &SchemaRegistry::new())
    }

    fn span_of(src: &str, needle: &str) -> Span {
        let start = src.find(needle).expect("needle present");
        Span::new(start, start + needle.len())
    }

    #[test]
    fn lambda_invoke_without_function_name_is_reported_on_the_parameters_key() {
        let src = machine("arn:aws:states:::lambda:invoke", r#"{"Payload.$": "$"}"#);
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::MISSING_REQUEST_MEMBER);
        assert_eq!(
            out[0].message,
            "`lambda:invoke` needs `FunctionName` in `Parameters`"
        );
        assert_eq!(out[0].span, span_of(&src, "\"Parameters\""));
    }

    #[test]
    fn lambda_invoke_with_function_name_passes() {
        let src = machine(
            "arn:aws:states:::lambda:invoke.waitForTaskToken",
            r#"{"FunctionName": "f", "Payload": {"token.$": "$$.Task.Token"}}"#,
        );
        assert!(check(&src).is_empty());
    }

    #[test]
    fn dynamic_key_counts_as_the_member() {
        let src = machine(
            "arn:aws:states:::sqs:sendMessage",
            r#"{"QueueUrl.$": "$.queue", "MessageBody.$": "$"}"#,
        );
        assert!(check(&src).is_empty());
    }

    #[test]
    fn sqs_without_queue_url_names_the_member() {
        let src = machine(
            "arn:aws:states:::sqs:sendMessage",
            r#"{"MessageBody": "hi"}"#,
        );
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("`QueueUrl`"));
    }

    #[test]
    fn batch_reports_each_missing_member() {
        let src = machine(
            "arn:aws:states:::batch:submitJob.sync",
            r#"{"JobName": "j"}"#,
        );
        let mut missing: Vec<String> = check(&src).into_iter().map(|d| d.message).collect();
        missing.sort();
        assert_eq!(
            missing,
            [
                "`batch:submitJob` needs `JobDefinition` in `Parameters`",
                "`batch:submitJob` needs `JobQueue` in `Parameters`",
            ]
        );
    }

    #[test]
    fn sns_needs_a_target() {
        let src = machine("arn:aws:states:::sns:publish", r#"{"Message": "hello"}"#);
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::MISSING_REQUEST_MEMBER);
        assert_eq!(
            out[0].message,
            "`sns:publish` needs one of `TopicArn`, `TargetArn`, `PhoneNumber` in `Parameters`"
        );
    }

    #[test]
    fn sns_with_phone_number_passes() {
        let src = machine(
            "arn:aws:states:::sns:publish",
            r#"{"Message": {"a": 1}, "PhoneNumber": "+15555550100"}"#,
        );
        assert!(check(&src).is_empty());
    }

    #[test]
    fn literal_of_the_wrong_type_is_reported_at_the_value() {
        let src = machine(
            "arn:aws:states:::sqs:sendMessage",
            r#"{"QueueUrl": "q", "MessageBody": "m", "DelaySeconds": "soon"}"#,
        );
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::INVALID_REQUEST_MEMBER);
        assert_eq!(out[0].span, span_of(&src, "\"soon\""));
        assert!(
            out[0]
                .message
                .starts_with("invalid `Parameters.DelaySeconds` for `sqs:sendMessage`")
        );
    }

    #[test]
    fn dynamic_value_is_not_type_checked() {
        let src = machine(
            "arn:aws:states:::sqs:sendMessage",
            r#"{"QueueUrl": "q", "MessageBody": "m", "DelaySeconds.$": "$.delay"}"#,
        );
        assert!(check(&src).is_empty());
    }

    #[test]
    fn nested_errors_name_their_place() {
        let src = machine("arn:aws:states:::events:putEvents", r#"{"Entries": []}"#);
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert!(
            out[0]
                .message
                .starts_with("invalid `Parameters.Entries` for `events:putEvents`")
        );
        assert_eq!(out[0].span, span_of(&src, "[]"));
    }

    #[test]
    fn task_without_parameters_is_reported_on_the_resource() {
        let src = r#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "arn:aws:states:::glue:startJobRun.sync", "End": true}}}"#;
        let out = check(src);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].message,
            "`glue:startJobRun` needs `Parameters` with `JobName`"
        );
        assert_eq!(
            out[0].span,
            span_of(src, "\"arn:aws:states:::glue:startJobRun.sync\"")
        );
    }

    #[test]
    fn jsonata_arguments_are_checked_and_expressions_count_as_given() {
        let src = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::dynamodb:getItem",
            "Arguments": {"TableName": "{% $table %}"}, "End": true}}}"#;
        let out = check(src);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].message,
            "`dynamodb:getItem` needs `Key` in `Arguments`"
        );
        assert_eq!(out[0].span, span_of(src, "\"Arguments\""));
    }

    #[test]
    fn whole_jsonata_arguments_are_not_judged() {
        let src = r#"{"QueryLanguage": "JSONata", "StartAt": "T", "States": {"T": {"Type": "Task",
            "Resource": "arn:aws:states:::lambda:invoke", "Arguments": "{% $states.input %}", "End": true}}}"#;
        assert!(check(src).is_empty());
    }

    #[test]
    fn resources_without_a_schema_are_not_checked() {
        let src = machine(
            "arn:aws:lambda:us-east-1:123456789012:function:f",
            r#"{"anything": 1}"#,
        );
        assert!(check(&src).is_empty());
    }

    #[test]
    fn user_schemas_apply_to_their_resource() {
        let resource = "arn:aws:lambda:us-east-1:123456789012:function:charge";
        let mut registry = SchemaRegistry::new();
        registry
            .add_json(resource, r#"{"type": "object", "required": ["Amount"]}"#)
            .expect("valid schema");
        let src = machine(resource, r#"{"Currency": "EUR"}"#);
        let out = check_with(&src, &registry);
        assert_eq!(out.len(), 1);
        assert!(out[0].message.contains("`Amount`"));
        let src = machine(resource, r#"{"Amount.$": "$.amount"}"#);
        assert!(check_with(&src, &registry).is_empty());
    }

    #[test]
    fn user_schemas_can_cover_sdk_actions() {
        let mut registry = SchemaRegistry::new();
        registry
            .add_json("aws-sdk:s3:getObject", r#"{"required": ["Bucket", "Key"]}"#)
            .expect("valid schema");
        let src = machine(
            "arn:aws:states:::aws-sdk:s3:getObject",
            r#"{"Bucket": "b"}"#,
        );
        let out = check_with(&src, &registry);
        assert_eq!(
            out[0].message,
            "`aws-sdk:s3:getObject` needs `Key` in `Parameters`"
        );
    }

    fn map_with_reader(reader: &str) -> String {
        format!(
            r#"{{"StartAt": "M", "States": {{"M": {{"Type": "Map", "End": true, "ItemReader": {reader},
                "ItemProcessor": {{"ProcessorConfig": {{"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"}},
                  "StartAt": "P", "States": {{"P": {{"Type": "Pass", "End": true}}}}}}}}}}}}"#
        )
    }

    #[test]
    fn item_reader_object_needs_bucket_and_key() {
        let src = map_with_reader(
            r#"{"Resource": "arn:aws:states:::s3:getObject", "ReaderConfig": {"InputType": "JSON"}, "Parameters": {"Bucket": "b"}}"#,
        );
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(
            out[0].message,
            "`s3:getObject` needs `Key` in `ItemReader.Parameters`"
        );
        assert_eq!(out[0].span, span_of(&src, "\"Parameters\""));
    }

    #[test]
    fn item_reader_listing_with_bucket_passes() {
        let src = map_with_reader(
            r#"{"Resource": "arn:aws:states:::s3:listObjectsV2", "Parameters": {"Bucket.$": "$.bucket"}}"#,
        );
        assert!(check(&src).is_empty());
    }

    #[test]
    fn item_reader_without_parameters_is_reported_on_its_key() {
        let src = map_with_reader(r#"{"Resource": "arn:aws:states:::s3:listObjectsV2"}"#);
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].span, span_of(&src, "\"ItemReader\""));
    }

    #[test]
    fn misspelled_required_member_is_pointed_out_with_the_missing_one() {
        let src = machine("arn:aws:states:::lambda:invoke", r#"{"Functionname": "f"}"#);
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::MISSING_REQUEST_MEMBER);
        assert_eq!(out[0].secondary[0].0, span_of(&src, "\"Functionname\""));
        assert_eq!(
            out[0].help.as_deref(),
            Some("rename `Functionname` to `FunctionName`")
        );
    }

    #[test]
    fn misspelled_optional_member_is_a_warning_on_its_key() {
        let src = machine(
            "arn:aws:states:::lambda:invoke",
            r#"{"FunctionName": "f", "Paylod.$": "$"}"#,
        );
        let out = check(&src);
        assert_eq!(out.len(), 1);
        assert_eq!(out[0].code, codes::REQUEST_MEMBER_TYPO);
        assert_eq!(out[0].severity, crate::diagnostic::Severity::Warning);
        assert_eq!(out[0].span, span_of(&src, "\"Paylod.$\""));
        assert_eq!(out[0].help.as_deref(), Some("did you mean `Payload`?"));
    }

    #[test]
    fn members_several_edits_from_a_listed_one_are_not_typos() {
        let src = machine(
            "arn:aws:states:::sqs:sendMessage",
            r#"{"QueueUrl": "q", "MessageBody": "m", "MessageDedupId": "d"}"#,
        );
        assert!(check(&src).is_empty());
    }

    #[test]
    fn tasks_sharing_a_request_shape_are_each_judged_on_their_own_values() {
        let task = |name: &str, next: &str, parameters: &str| {
            format!(
                r#""{name}": {{"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke", "Parameters": {parameters}, {next}}}"#
            )
        };
        let src = format!(
            r#"{{"StartAt": "A", "States": {{{}, {}, {}, {}}}}}"#,
            task(
                "A",
                r#""Next": "B""#,
                r#"{"FunctionName": "f", "Payload": {"x": 1}}"#
            ),
            task(
                "B",
                r#""Next": "C""#,
                r#"{"FunctionName": "g", "Payload": [2]}"#
            ),
            task(
                "C",
                r#""Next": "D""#,
                r#"{"FunctionName": 5, "Payload": {}}"#
            ),
            task(
                "D",
                r#""End": true"#,
                r#"{"FunctionName": 6, "Payload": 1}"#
            ),
        );
        let out = check(&src);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|d| d.code == codes::INVALID_REQUEST_MEMBER));
        assert_eq!(out[0].span, span_of(&src, "5"));
        assert_eq!(out[1].span, span_of(&src, "6"));
    }

    #[test]
    fn unlisted_members_unlike_any_listed_one_are_accepted() {
        let src = machine(
            "arn:aws:states:::batch:submitJob",
            r#"{"JobDefinition": "d", "JobName": "n", "JobQueue": "q", "SchedulingPriorityOverride": 1}"#,
        );
        assert!(check(&src).is_empty());
    }
}
