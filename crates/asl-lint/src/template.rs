//! CloudFormation and SAM templates: finding the state machine definitions
//! inside them, in a form the model can read with spans in the template.
//!
//! Three shapes of definition are recovered:
//! - a `Definition` object is analysed in place: a copy of the template with
//!   everything but the definition blanked to spaces (newlines kept) has the
//!   same byte offsets, so every span the model reports is already a span in
//!   the template, for JSON and indented YAML alike;
//! - a `DefinitionString` (a string, `Fn::Sub` or `Fn::Join`) is decoded into
//!   a [`MappedText`] that maps each byte back to the template;
//! - a SAM `DefinitionUri` naming a local file is analysed as that file.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use asl_model::{Diagnostic, Node, NodeValue, Severity, SourceFormat, Span};

use crate::mapped::MappedText;

pub const STEP_FUNCTIONS_TYPE: &str = "AWS::StepFunctions::StateMachine";
pub const SERVERLESS_TYPE: &str = "AWS::Serverless::StateMachine";

/// Codes of the findings about templates themselves (not about a definition).
pub mod codes {
    /// A SAM `DefinitionUri` names a local file that cannot be read.
    pub const DEFINITION_URI_UNREADABLE: &str = "CFN001";
    /// The definition is computed at deploy time (an intrinsic function whose
    /// text cannot be recovered) or stored in S3, so it is not checked.
    pub const DEFINITION_NOT_RECOVERABLE: &str = "CFN002";
    /// A `${Name}` placeholder that no `DefinitionSubstitutions` entry defines.
    pub const UNDEFINED_SUBSTITUTION: &str = "CFN003";
    /// A state machine resource with no definition property at all.
    pub const MISSING_DEFINITION: &str = "CFN004";
}

/// A CloudFormation intrinsic function call in the template.
struct Intrinsic<'a> {
    /// `Ref`, `Fn::Sub`, … (long form).
    name: String,
    arg: &'a Node<'a>,
    /// The whole call as written, including a short-form tag.
    span: Span,
}

/// The call `node` is, if any. The model's YAML reader turns short-form tags
/// (`!Ref X`) into the long form, with the node's span on the value only; the
/// call's span is widened here to take in the tag.
fn intrinsic<'n>(node: &'n Node, source: &str) -> Option<Intrinsic<'n>> {
    match node.as_object()? {
        [only] if only.key == "Ref" || only.key == "Condition" || only.key.starts_with("Fn::") => {
            let span = if only.value.span == node.span {
                Span::new(tag_start(source, node.span.start), node.span.end)
            } else {
                node.span
            };
            Some(Intrinsic {
                name: only.key.to_string(),
                arg: &only.value,
                span,
            })
        }
        _ => None,
    }
}

/// Where the value starts when a `!Tag` is written at `offset` (the YAML
/// reader's spans of tagged scalars start at the tag).
fn after_tag(source: &str, offset: usize) -> usize {
    let rest = source.get(offset..).unwrap_or("");
    let Some(tagged) = rest.strip_prefix('!') else {
        return offset;
    };
    let name = tagged.bytes().take_while(u8::is_ascii_alphanumeric).count();
    let gap = tagged
        .get(name..)
        .unwrap_or("")
        .bytes()
        .take_while(|b| *b == b' ' || *b == b'\t')
        .count();
    offset + 1 + name + gap
}

/// Where the `!Tag` written before `offset` starts (`offset` itself when
/// there is none).
fn tag_start(source: &str, offset: usize) -> usize {
    let before = source.get(..offset).unwrap_or("");
    let trimmed = before.trim_end_matches([' ', '\t', '\n', '\r']);
    let name_len = trimmed
        .bytes()
        .rev()
        .take_while(u8::is_ascii_alphanumeric)
        .count();
    let bang = trimmed.len() - name_len;
    match bang.checked_sub(1) {
        Some(at) if name_len > 0 && trimmed.as_bytes().get(at) == Some(&b'!') => at,
        _ => offset,
    }
}

/// The placeholder text standing for an intrinsic's value: `${Name}` for
/// `Ref Name`, `${Res.Attr}` for `GetAtt`, `${Fn::Name}` otherwise. The
/// model accepts `${…}` in `Resource` as opaque, which is exactly right for
/// values only known at deploy time.
fn placeholder_name(call: &Intrinsic<'_>) -> String {
    match (call.name.as_str(), &call.arg.value) {
        ("Ref", NodeValue::String(name)) => name.to_string(),
        ("Fn::GetAtt", NodeValue::String(path)) => path.to_string(),
        ("Fn::GetAtt", NodeValue::Array(parts)) => parts
            .iter()
            .filter_map(Node::as_str)
            .collect::<Vec<_>>()
            .join("."),
        (name, _) => name.to_owned(),
    }
}

/// What `DefinitionSubstitutions` defines.
#[derive(Clone, Debug, Default)]
pub struct Substitutions {
    /// Name → literal replacement text when the value is a plain scalar
    /// (`None` for values computed by intrinsic functions).
    pub values: BTreeMap<String, Option<String>>,
}

impl Substitutions {
    fn read(node: Option<&Node>) -> Substitutions {
        let mut values = BTreeMap::new();
        for member in node.and_then(Node::as_object).unwrap_or(&[]) {
            let literal = match &member.value.value {
                NodeValue::Number(n) => Some(n.text().to_owned()),
                NodeValue::Bool(b) => Some(b.to_string()),
                NodeValue::String(s) => serde_json::to_string(s).ok(),
                _ => None,
            };
            values.insert(member.key.to_string(), literal);
        }
        Substitutions { values }
    }
}

/// How one state machine's definition is read.
#[derive(Debug)]
pub enum Unit {
    /// The template with all but the definition blanked: same offsets.
    InPlace {
        text: String,
        format: SourceFormat,
        /// The definition's span, where placeholders are looked for.
        region: Span,
        /// Intrinsic calls replaced by placeholders (not looked into).
        replaced: Vec<Span>,
    },
    /// Decoded `DefinitionString` text with its map back to the template.
    Mapped {
        text: MappedText,
        /// `Fn::Sub` resolves every `${…}` itself, so only plain strings and
        /// `Fn::Join` parts are checked against `DefinitionSubstitutions`.
        check_placeholders: bool,
    },
    /// A SAM `DefinitionUri` local file.
    External { path: PathBuf, reference: Span },
}

#[derive(Debug)]
pub struct StateMachine {
    pub logical_id: String,
    /// The resource declares an Express machine (`StateMachineType` or SAM `Type`).
    pub express: bool,
    pub unit: Unit,
    pub substitutions: Substitutions,
}

/// The state machines of a template and findings about the template itself.
#[derive(Debug, Default)]
pub struct Extracted {
    pub machines: Vec<StateMachine>,
    pub findings: Vec<Diagnostic>,
}

/// Whether a parsed document is a CloudFormation/SAM template.
pub fn is_template(root: &Node) -> bool {
    root.get("Resources").is_some_and(Node::is_object)
}

/// Finds every state machine resource of a template. `base_dir` is where
/// relative `DefinitionUri` paths start.
pub fn extract(source: &str, format: SourceFormat, root: &Node, base_dir: &Path) -> Extracted {
    let mut out = Extracted::default();
    let Some(resources) = root.get("Resources").and_then(Node::as_object) else {
        return out;
    };
    for resource in resources {
        let kind = resource.value.get("Type").and_then(Node::as_str);
        let serverless = match kind {
            Some(STEP_FUNCTIONS_TYPE) => false,
            Some(SERVERLESS_TYPE) => true,
            _ => continue,
        };
        let logical_id = resource.key;
        let properties = resource.value.get("Properties");
        let substitutions =
            Substitutions::read(properties.and_then(|p| p.get("DefinitionSubstitutions")));
        let member = |key: &str| properties.and_then(|p| p.member(key));
        let unit = if let Some(definition) = member("Definition") {
            if let Some(call) = intrinsic(&definition.value, source) {
                // `Fn::Transform` (AWS::Include) and the like: built at deploy time.
                out.findings.push(
                    Diagnostic::warning(
                        codes::DEFINITION_NOT_RECOVERABLE,
                        format!(
                            "the definition of `{logical_id}` is not checked: `{}` yields it only at deploy time",
                            call.name
                        ),
                        call.span,
                    )
                    .with_label("computed when the stack is deployed"),
                );
                None
            } else {
                Some(in_place(source, format, &definition.value))
            }
        } else if let Some(string) = member("DefinitionString").filter(|_| !serverless) {
            definition_string(source, format, &string.value, logical_id, &mut out.findings)
        } else if let Some(uri) = member("DefinitionUri").filter(|_| serverless) {
            definition_uri(&uri.value, base_dir, logical_id, &mut out.findings)
        } else if let Some(s3) = member("DefinitionS3Location").filter(|_| !serverless) {
            out.findings.push(
                Diagnostic::note(
                    codes::DEFINITION_NOT_RECOVERABLE,
                    format!("the definition of `{logical_id}` is stored in S3 and is not checked"),
                    s3.key_span,
                )
                .with_help("keep the definition in the repository and check that file too"),
            );
            None
        } else {
            let wanted = if serverless {
                "`Definition` or `DefinitionUri`"
            } else {
                "`Definition`, `DefinitionString` or `DefinitionS3Location`"
            };
            out.findings.push(
                Diagnostic::error(
                    codes::MISSING_DEFINITION,
                    format!("state machine `{logical_id}` has no definition"),
                    resource.key_span,
                )
                .with_label("this resource")
                .with_help(format!("add {wanted} to its `Properties`")),
            );
            None
        };
        let type_key = if serverless {
            "Type"
        } else {
            "StateMachineType"
        };
        let express = properties
            .and_then(|p| p.get(type_key))
            .and_then(Node::as_str)
            .is_some_and(|t| t.eq_ignore_ascii_case("EXPRESS"));
        if let Some(unit) = unit {
            out.machines.push(StateMachine {
                logical_id: logical_id.to_string(),
                express,
                unit,
                substitutions,
            });
        }
    }
    out
}

/// A copy of `source` in which only `definition` remains, with intrinsic
/// calls inside it replaced by `"${…}"` placeholders of the same length.
fn in_place(source: &str, format: SourceFormat, definition: &Node) -> Unit {
    let region = definition.span;
    let mut bytes: Vec<u8> = source
        .bytes()
        .enumerate()
        .map(|(i, b)| {
            if (region.start..region.end).contains(&i) || b == b'\n' || b == b'\r' {
                b
            } else {
                b' '
            }
        })
        .collect();
    let mut replaced = Vec::new();
    // Explicit stack: definitions can be deep.
    let mut stack = vec![definition];
    while let Some(node) = stack.pop() {
        if let Some(call) = intrinsic(node, source) {
            if call.name == "Fn::Sub" && call.arg.as_str().is_some() {
                // `!Sub "arn:…:${AWS::Region}:…"`: keep the text where it is
                // (the model accepts `${…}` inside it), so its pattern and
                // service are still checked.
                let text_start = after_tag(source, call.arg.span.start);
                blank_around(
                    &mut bytes,
                    call.span,
                    Span::new(text_start, call.arg.span.end),
                );
            } else {
                blank_with(&mut bytes, call.span, &placeholder_name(&call));
            }
            replaced.push(call.span);
            continue;
        }
        match &node.value {
            NodeValue::Array(items) => stack.extend(items.iter()),
            NodeValue::Object(members) => stack.extend(members.iter().map(|m| &m.value)),
            _ => {}
        }
    }
    let text = String::from_utf8(bytes)
        .unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned());
    Unit::InPlace {
        text,
        format,
        region,
        replaced,
    }
}

/// Blanks `outer` except `keep` (newlines kept).
fn blank_around(bytes: &mut [u8], outer: Span, keep: Span) {
    for (i, b) in bytes
        .iter_mut()
        .enumerate()
        .take(outer.end)
        .skip(outer.start)
    {
        if !keep.range().contains(&i) && *b != b'\n' && *b != b'\r' {
            *b = b' ';
        }
    }
}

/// Overwrites `span` with `"${name}"` on its first line and spaces after
/// (newlines kept, so YAML lines stay where they were).
fn blank_with(bytes: &mut [u8], span: Span, name: &str) {
    let Some(slot) = bytes.get_mut(span.range()) else {
        return;
    };
    let first_line = slot
        .iter()
        .position(|b| *b == b'\n' || *b == b'\r')
        .unwrap_or(slot.len());
    let room = first_line.saturating_sub(5);
    let name: String = if name.len() <= room {
        name.to_owned()
    } else {
        name.chars().filter(char::is_ascii).take(room).collect()
    };
    let placeholder = format!("\"${{{name}}}\"");
    for (i, b) in slot.iter_mut().enumerate() {
        if *b == b'\n' || *b == b'\r' {
            continue;
        }
        *b = placeholder.as_bytes().get(i).copied().unwrap_or(b' ');
    }
}

fn definition_string(
    source: &str,
    format: SourceFormat,
    node: &Node,
    logical_id: &str,
    findings: &mut Vec<Diagnostic>,
) -> Option<Unit> {
    let escapes = |literal: &Node| match format {
        SourceFormat::Json => true,
        SourceFormat::Yaml => source
            .get(literal.span.range())
            .is_some_and(|raw| raw.trim_start().starts_with('"')),
    };
    let not_recoverable = |findings: &mut Vec<Diagnostic>, span: Span, why: &str| {
        findings.push(
            Diagnostic::warning(
                codes::DEFINITION_NOT_RECOVERABLE,
                format!("the definition of `{logical_id}` is not checked: {why}"),
                span,
            )
            .with_label("computed when the stack is deployed"),
        );
    };
    let mut text = MappedText::new(node.span);
    if let NodeValue::String(value) = &node.value {
        text.push_decoded(value, source, node.span, escapes(node));
        return Some(Unit::Mapped {
            text,
            check_placeholders: true,
        });
    }
    let Some(call) = intrinsic(node, source) else {
        not_recoverable(
            findings,
            node.span,
            "`DefinitionString` is neither a string nor an intrinsic function",
        );
        return None;
    };
    match call.name.as_str() {
        "Fn::Sub" => {
            // `Fn::Sub: text` or `Fn::Sub: [text, {variables}]`.
            let body = match &call.arg.value {
                NodeValue::String(_) => call.arg,
                NodeValue::Array(items) => match items.first() {
                    Some(first) if first.as_str().is_some() => first,
                    _ => {
                        not_recoverable(findings, call.span, "`Fn::Sub` text is not a string");
                        return None;
                    }
                },
                _ => {
                    not_recoverable(findings, call.span, "`Fn::Sub` text is not a string");
                    return None;
                }
            };
            text.push_decoded(
                body.as_str().unwrap_or(""),
                source,
                body.span,
                escapes(body),
            );
            Some(Unit::Mapped {
                text,
                check_placeholders: false,
            })
        }
        "Fn::Join" => {
            let items = call.arg.as_array().unwrap_or(&[]);
            let (Some(delimiter), Some(parts)) = (
                items.first().filter(|d| d.as_str().is_some()),
                items.get(1).and_then(Node::as_array),
            ) else {
                not_recoverable(
                    findings,
                    call.span,
                    "`Fn::Join` is not `[delimiter, [parts]]`",
                );
                return None;
            };
            for (i, part) in parts.iter().enumerate() {
                if i > 0 {
                    text.push_decoded(
                        delimiter.as_str().unwrap_or(""),
                        source,
                        delimiter.span,
                        escapes(delimiter),
                    );
                }
                if let Some(value) = part.as_str() {
                    text.push_decoded(value, source, part.span, escapes(part));
                    continue;
                }
                match intrinsic(part, source) {
                    Some(inner) if inner.name == "Fn::Sub" && inner.arg.as_str().is_some() => {
                        let body = inner.arg;
                        text.push_decoded(
                            body.as_str().unwrap_or(""),
                            source,
                            body.span,
                            escapes(body),
                        );
                    }
                    Some(inner)
                        if matches!(
                            inner.name.as_str(),
                            "Ref"
                                | "Fn::GetAtt"
                                | "Fn::ImportValue"
                                | "Fn::FindInMap"
                                | "Fn::Select"
                        ) =>
                    {
                        text.push_synthetic(
                            &format!("${{{}}}", placeholder_name(&inner)),
                            inner.span,
                        );
                    }
                    _ => {
                        not_recoverable(findings, part.span, "a part of `Fn::Join` is computed");
                        return None;
                    }
                }
            }
            Some(Unit::Mapped {
                text,
                check_placeholders: true,
            })
        }
        other => {
            not_recoverable(
                findings,
                call.span,
                &format!("`{other}` yields the text only at deploy time"),
            );
            None
        }
    }
}

fn definition_uri(
    node: &Node,
    base_dir: &Path,
    logical_id: &str,
    findings: &mut Vec<Diagnostic>,
) -> Option<Unit> {
    let Some(uri) = node.as_str() else {
        findings.push(Diagnostic::note(
            codes::DEFINITION_NOT_RECOVERABLE,
            format!("the definition of `{logical_id}` is stored in S3 and is not checked"),
            node.span,
        ));
        return None;
    };
    if uri.starts_with("s3://") {
        findings.push(Diagnostic::note(
            codes::DEFINITION_NOT_RECOVERABLE,
            format!("the definition of `{logical_id}` is stored in S3 and is not checked"),
            node.span,
        ));
        return None;
    }
    let path = base_dir.join(uri);
    if !path.is_file() {
        findings.push(
            Diagnostic::error(
                codes::DEFINITION_URI_UNREADABLE,
                format!(
                    "`DefinitionUri` of `{logical_id}` names no file: {}",
                    path.display()
                ),
                node.span,
            )
            .with_label("no such file")
            .with_note("a local `DefinitionUri` is relative to the template's directory"),
        );
        return None;
    }
    Some(Unit::External {
        path,
        reference: node.span,
    })
}

/// Every `${Name}` in `text` with its span (`${!Literal}` is an escape, not
/// a placeholder).
pub fn placeholders(text: &str) -> Vec<(Span, &str)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(offset) = text.get(from..).and_then(|rest| rest.find("${")) {
        let start = from + offset;
        let Some(close) = text.get(start + 2..).and_then(|rest| rest.find('}')) else {
            break;
        };
        let end = start + 2 + close + 1;
        let name = text.get(start + 2..end - 1).unwrap_or("");
        let plausible = !name.is_empty()
            && !name.starts_with('!')
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "_.:-".contains(c));
        if plausible {
            found.push((Span::new(start, end), name));
        }
        from = start + 2;
    }
    found
}

/// The `CFN003` finding for a placeholder no substitution defines.
pub fn undefined_placeholder(
    name: &str,
    span: Span,
    logical_id: &str,
    known: &Substitutions,
) -> Diagnostic {
    let mut diagnostic = Diagnostic::new(
        codes::UNDEFINED_SUBSTITUTION,
        Severity::Warning,
        format!("`${{{name}}}` is not defined in the `DefinitionSubstitutions` of `{logical_id}`"),
        span,
    )
    .with_label("left as written in the deployed definition");
    if let Some(close) =
        asl_model::diagnostic::did_you_mean(name, known.values.keys().map(String::as_str))
    {
        diagnostic = diagnostic.with_help(format!("did you mean `${{{close}}}`?"));
    } else {
        diagnostic = diagnostic.with_help(format!(
            "add `{name}` to `DefinitionSubstitutions`, or use `Fn::Sub` on `DefinitionString`"
        ));
    }
    diagnostic
}

/// Replaces `${…}` placeholders that stand where a JSON value is expected
/// (not inside a string) by their literal substitution, or by `1` when the
/// value is unknown, so that the text parses. Strings keep their
/// placeholders, which the model treats as opaque.
pub fn neutralize_bare_placeholders(text: &mut MappedText, known: &Substitutions) {
    let bare: Vec<(Span, String)> = {
        let source = text.text();
        let (mut in_string, mut escaped) = (false, false);
        let mut cursor = 0;
        let mut bare = Vec::new();
        for (span, name) in placeholders(source) {
            // Advance the JSON string state up to this placeholder.
            for b in source.as_bytes().get(cursor..span.start).unwrap_or(&[]) {
                match (in_string, escaped, b) {
                    (true, true, _) => escaped = false,
                    (true, false, b'\\') => escaped = true,
                    (true, false, b'"') => in_string = false,
                    (false, _, b'"') => in_string = true,
                    _ => {}
                }
            }
            cursor = span.start;
            if !in_string {
                let value = known.values.get(name).cloned().flatten();
                bare.push((span, value.unwrap_or_else(|| "1".to_owned())));
            }
        }
        bare
    };
    // Right to left, so earlier spans stay valid.
    for (span, value) in bare.into_iter().rev() {
        text.replace(span, &value);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn extract_yaml(text: &str) -> Extracted {
        let arena = asl_model::Arena::new();
        let root = asl_model::parse_yaml(text, &arena).expect("valid YAML");
        extract(text, SourceFormat::Yaml, &root, Path::new("."))
    }

    fn extract_json(text: &str) -> Extracted {
        let arena = asl_model::Arena::new();
        let root = asl_model::parse_json(text, &arena).expect("valid JSON");
        extract(text, SourceFormat::Json, &root, Path::new("."))
    }

    #[test]
    fn only_state_machine_resources_are_extracted() {
        let found = extract_yaml(
            "Resources:\n  Fn:\n    Type: AWS::Lambda::Function\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition: {StartAt: A}\n",
        );
        let ids: Vec<&str> = found
            .machines
            .iter()
            .map(|m| m.logical_id.as_str())
            .collect();
        assert_eq!(ids, ["M"]);
    }

    #[test]
    fn in_place_text_keeps_the_definition_at_its_offsets() {
        let text = "{\"Resources\": {\"M\": {\"Type\": \"AWS::StepFunctions::StateMachine\",\n \"Properties\": {\"Definition\": {\"StartAt\": \"A\"}}}}}";
        let found = extract_json(text);
        let Some(StateMachine {
            unit:
                Unit::InPlace {
                    text: blanked,
                    region,
                    ..
                },
            ..
        }) = found.machines.first()
        else {
            panic!("expected an in-place unit: {found:?}");
        };
        assert_eq!(blanked.len(), text.len());
        assert_eq!(region.slice(blanked), Some("{\"StartAt\": \"A\"}"));
        assert!(blanked.starts_with(' '));
        assert_eq!(blanked.matches('\n').count(), 1);
    }

    #[test]
    fn intrinsics_inside_a_definition_become_placeholders() {
        let text = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        Resource: !GetAtt Worker.Arn\n";
        let found = extract_yaml(text);
        let Some(StateMachine {
            unit:
                Unit::InPlace {
                    text: blanked,
                    replaced,
                    ..
                },
            ..
        }) = found.machines.first()
        else {
            panic!("expected an in-place unit: {found:?}");
        };
        assert_eq!(replaced.len(), 1);
        assert!(blanked.contains("Resource: \"${Worker.Arn}\""), "{blanked}");
    }

    #[test]
    fn sub_strings_inside_a_definition_keep_their_text() {
        let text = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Definition:\n        Resource: !Sub arn:aws:states:::sqs:sendMessage\n        Other:\n          Fn::Sub: \"x-${AWS::Region}\"\n";
        let found = extract_yaml(text);
        let Some(StateMachine {
            unit:
                Unit::InPlace {
                    text: blanked,
                    replaced,
                    ..
                },
            ..
        }) = found.machines.first()
        else {
            panic!("expected an in-place unit: {found:?}");
        };
        assert_eq!(blanked.len(), text.len());
        assert!(
            blanked.contains("Resource:      arn:aws:states:::sqs:sendMessage\n"),
            "{blanked}"
        );
        assert!(
            blanked.contains("Other:\n                   \"x-${AWS::Region}\"\n"),
            "{blanked}"
        );
        assert_eq!(replaced.len(), 2);
    }

    #[test]
    fn yaml_sub_block_definition_string_maps_into_the_template() {
        let text = "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      DefinitionString: !Sub |\n        {\"StartAt\": \"Go\"}\n";
        let found = extract_yaml(text);
        let Some(StateMachine {
            unit:
                Unit::Mapped {
                    text: mapped,
                    check_placeholders,
                },
            ..
        }) = found.machines.first()
        else {
            panic!("expected a mapped unit: {found:?}");
        };
        assert!(!check_placeholders);
        let go = mapped.text().find("\"Go\"").expect("decoded");
        assert_eq!(
            mapped.map(Span::new(go, go + 4)).slice(text),
            Some("\"Go\"")
        );
    }

    #[test]
    fn express_type_is_read_from_the_resource() {
        let found = extract_yaml(
            "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      Type: EXPRESS\n      Definition: {StartAt: A}\n",
        );
        assert!(found.machines.first().is_some_and(|m| m.express));
    }

    #[test]
    fn missing_definition_uri_file_is_an_error_at_the_uri() {
        let text = "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: nowhere/flow.asl.json\n";
        let found = extract_yaml(text);
        let finding = found.findings.first().expect("a finding");
        assert_eq!(finding.code, codes::DEFINITION_URI_UNREADABLE);
        assert_eq!(finding.span.slice(text), Some("nowhere/flow.asl.json"));
    }

    #[test]
    fn s3_definitions_are_noted_not_checked() {
        let found = extract_yaml(
            "Resources:\n  M:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: {Bucket: b, Key: k}\n",
        );
        assert!(found.machines.is_empty());
        assert_eq!(
            found.findings.first().map(|f| (f.code, f.severity)),
            Some((codes::DEFINITION_NOT_RECOVERABLE, Severity::Note))
        );
    }

    #[test]
    fn definition_built_by_a_transform_is_not_checked() {
        let found = extract_yaml(
            "Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n    Properties:\n      Definition:\n        Fn::Transform: {Name: AWS::Include}\n",
        );
        assert!(found.machines.is_empty());
        assert_eq!(
            found.findings.first().map(|f| f.code),
            Some(codes::DEFINITION_NOT_RECOVERABLE)
        );
    }

    #[test]
    fn resource_without_definition_is_an_error() {
        let found = extract_yaml("Resources:\n  M:\n    Type: AWS::StepFunctions::StateMachine\n");
        assert_eq!(
            found.findings.first().map(|f| f.code),
            Some(codes::MISSING_DEFINITION)
        );
    }

    #[test]
    fn tag_start_finds_the_tag_before_a_value() {
        let text = "A: !GetAtt F.Arn\nB: plain";
        assert_eq!(tag_start(text, 11), 3);
        assert_eq!(tag_start(text, 20), 20);
    }

    #[test]
    fn placeholders_skip_escapes_and_non_names() {
        let found = placeholders("a ${One} ${!Two} ${a b} ${AWS::Region}");
        let names: Vec<&str> = found.iter().map(|(_, n)| *n).collect();
        assert_eq!(names, ["One", "AWS::Region"]);
    }

    #[test]
    fn blank_with_keeps_newlines_and_length() {
        let mut bytes = b"{\"Ref\":\n \"Fn\"}".to_vec();
        let len = bytes.len();
        blank_with(&mut bytes, Span::new(0, len), "Fn");
        assert_eq!(bytes.len(), len);
        assert_eq!(String::from_utf8_lossy(&bytes), "\"${Fn}\"\n      ");
    }

    #[test]
    fn bare_placeholders_get_their_literal_value() {
        let mut known = Substitutions::default();
        known.values.insert("Wait".into(), Some("30".into()));
        let source = "{\"Seconds\": ${Wait}, \"Resource\": \"${Fn}\", \"N\": ${Other}}";
        let mut text = MappedText::new(Span::new(0, source.len()));
        text.push_decoded(source, source, Span::new(0, source.len()), false);
        neutralize_bare_placeholders(&mut text, &known);
        assert_eq!(
            text.text(),
            "{\"Seconds\": 30, \"Resource\": \"${Fn}\", \"N\": 1}"
        );
    }
}
