//! Task `Resource` strings.
//!
//! Only the shape is parsed here; which service supports which pattern is catalog knowledge that
//! belongs to the model crate.

use crate::{Span, Spanned, SyntaxError};

/// How Step Functions waits for an integration (selected by the ARN suffix).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum IntegrationPattern {
    /// No suffix: call the API and move on.
    RequestResponse,
    /// `.sync`: wait for the job to finish.
    RunJob,
    /// `.sync:2`: like `.sync`, output parsed as JSON (`states:startExecution` only).
    RunJobV2,
    /// `.waitForTaskToken`: wait for `SendTaskSuccess`/`SendTaskFailure`.
    Callback,
}

impl IntegrationPattern {
    /// The suffix as written (`""` for request-response).
    pub const fn suffix(self) -> &'static str {
        match self {
            IntegrationPattern::RequestResponse => "",
            IntegrationPattern::RunJob => ".sync",
            IntegrationPattern::RunJobV2 => ".sync:2",
            IntegrationPattern::Callback => ".waitForTaskToken",
        }
    }
}

/// A parsed `Resource`. Every component carries its span inside the string; the pattern's span
/// is the suffix (empty, at the end of the string, for request-response).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resource {
    /// `arn:<partition>:states:::<service>:<api>[.suffix]`
    Optimized {
        partition: Spanned<String>,
        service: Spanned<String>,
        api: Spanned<String>,
        pattern: Spanned<IntegrationPattern>,
    },
    /// `arn:<partition>:states:::aws-sdk:<service>:<action>[.suffix]`
    AwsSdk {
        partition: Spanned<String>,
        service: Spanned<String>,
        action: Spanned<String>,
        pattern: Spanned<IntegrationPattern>,
    },
    /// `arn:<partition>:lambda:<region>:<account>:function:<name>[:<qualifier>]`
    LambdaFunction {
        partition: Spanned<String>,
        region: Spanned<String>,
        account: Spanned<String>,
        name: Spanned<String>,
        qualifier: Option<Spanned<String>>,
    },
    /// `arn:<partition>:states:<region>:<account>:activity:<name>`
    Activity {
        partition: Spanned<String>,
        region: Spanned<String>,
        account: Spanned<String>,
        name: Spanned<String>,
    },
    /// `arn:<partition>:states:::http:invoke[.suffix]`
    HttpInvoke {
        partition: Spanned<String>,
        pattern: Spanned<IntegrationPattern>,
    },
    /// The string contains CloudFormation `${…}` substitutions and cannot be parsed until deploy
    /// time; the spans are those of each `${…}`.
    CloudFormationPlaceholder { placeholders: Vec<Span> },
}

impl Resource {
    /// The integration pattern, for the resource kinds that have one (Lambda function and
    /// activity ARNs always behave like request-response / activity polling and have none).
    pub fn pattern(&self) -> Option<&Spanned<IntegrationPattern>> {
        match self {
            Resource::Optimized { pattern, .. }
            | Resource::AwsSdk { pattern, .. }
            | Resource::HttpInvoke { pattern, .. } => Some(pattern),
            _ => None,
        }
    }
}

/// One `:`-separated part of the ARN.
#[derive(Clone, Copy)]
struct Part<'a> {
    text: &'a str,
    span: Span,
}

impl Part<'_> {
    const EMPTY: Part<'static> = Part {
        text: "",
        span: Span::new(0, 0),
    };

    fn spanned(&self) -> Spanned<String> {
        Spanned::new(self.text.to_string(), self.span)
    }
}

/// ARNs have at most 9 parts that matter; they are kept on the stack, and only a longer (invalid)
/// string spills to the heap, so the common case allocates nothing for the split.
const INLINE_PARTS: usize = 10;

/// Parses a `Resource` string.
pub fn parse_resource(text: &str) -> Result<Resource, SyntaxError> {
    let mut inline = [Part::EMPTY; INLINE_PARTS];
    let mut spilled: Vec<Part<'_>> = Vec::new();
    let mut count = 0;
    let mut push = |start: usize, end: usize| {
        let part = Part {
            text: text.get(start..end).unwrap_or(""),
            span: Span::new(start, end),
        };
        if let Some(slot) = inline.get_mut(count) {
            *slot = part;
        } else {
            if spilled.is_empty() {
                spilled.extend_from_slice(&inline);
            }
            spilled.push(part);
        }
        count += 1;
    };
    // One pass finds the `:`s (ASCII, so every piece is on character boundaries) and whether
    // there is a `$` at all: `${` placeholders are rare, and searching for them costs more than
    // the whole split.
    let mut start = 0;
    let mut dollar = false;
    for (i, &b) in text.as_bytes().iter().enumerate() {
        if b == b':' {
            push(start, i);
            start = i + 1;
        } else if b == b'$' {
            dollar = true;
        }
    }
    push(start, text.len());
    if dollar {
        let placeholders = cloudformation_placeholders(text);
        if !placeholders.is_empty() {
            return Ok(Resource::CloudFormationPlaceholder { placeholders });
        }
    }
    let parts: &[Part<'_>] = if spilled.is_empty() {
        inline.get(..count).unwrap_or(&[])
    } else {
        &spilled
    };
    let whole = Span::new(0, text.len());
    let (Some(arn), Some(partition), Some(service)) = (parts.first(), parts.get(1), parts.get(2))
    else {
        return Err(SyntaxError::new(
            "a resource must be an ARN such as `arn:aws:states:::lambda:invoke`",
            whole,
        ));
    };
    if arn.text != "arn" {
        return Err(SyntaxError::new(
            "a resource must be an ARN starting with `arn:`",
            arn.span,
        ));
    }
    if partition.text.is_empty() {
        return Err(SyntaxError::new(
            "the ARN's partition is empty; expected e.g. `aws`",
            partition.span,
        ));
    }
    let rest = parts.get(3..).unwrap_or(&[]);
    match service.text {
        "states" => parse_states(text, partition, rest),
        "lambda" => parse_lambda(text, partition, service, rest),
        _ => Err(SyntaxError::new(
            format!(
                "unsupported resource service `{}`; expected `states` (integrations, activities) or `lambda` (functions)",
                service.text
            ),
            service.span,
        )),
    }
}

fn missing(text: &str, what: &str) -> SyntaxError {
    SyntaxError::new(
        format!("the resource ends too early: expected {what}"),
        Span::empty(text.len()),
    )
}

fn parse_states(
    text: &str,
    partition: &Part<'_>,
    rest: &[Part<'_>],
) -> Result<Resource, SyntaxError> {
    let (Some(region), Some(account)) = (rest.first(), rest.get(1)) else {
        return Err(missing(
            text,
            "`:::` followed by an integration, or a region and account",
        ));
    };
    let after = rest.get(2..).unwrap_or(&[]);
    match (region.text.is_empty(), account.text.is_empty()) {
        (true, true) => parse_integration(text, partition, after),
        (false, false) => {
            let kind = after
                .first()
                .ok_or_else(|| missing(text, "`:activity:<name>`"))?;
            if kind.text != "activity" {
                return Err(SyntaxError::new(
                    format!(
                        "expected `activity` after the region and account, found `{}`; integrations leave region and account empty (`arn:aws:states:::…`)",
                        kind.text
                    ),
                    kind.span,
                ));
            }
            let name = after
                .get(1)
                .ok_or_else(|| missing(text, "the activity name"))?;
            if name.text.is_empty() {
                return Err(SyntaxError::new("the activity name is empty", name.span));
            }
            if let Some(extra) = after.get(2) {
                return Err(SyntaxError::new(
                    "unexpected `:` after the activity name",
                    Span::new(extra.span.start.saturating_sub(1), text.len()),
                ));
            }
            Ok(Resource::Activity {
                partition: partition.spanned(),
                region: region.spanned(),
                account: account.spanned(),
                name: name.spanned(),
            })
        }
        (true, false) => Err(SyntaxError::new(
            "the region is empty but the account is not; integrations leave both empty, activities need both",
            region.span,
        )),
        (false, true) => Err(SyntaxError::new(
            "the account is empty but the region is not; integrations leave both empty, activities need both",
            account.span,
        )),
    }
}

/// `<service>:<api>[.suffix]`, `aws-sdk:<service>:<action>[.suffix]`, `http:invoke[.suffix]`.
fn parse_integration(
    text: &str,
    partition: &Part<'_>,
    parts: &[Part<'_>],
) -> Result<Resource, SyntaxError> {
    let service = parts
        .first()
        .ok_or_else(|| missing(text, "an integration such as `lambda:invoke`"))?;
    if service.text.is_empty() {
        return Err(SyntaxError::new(
            "the integration's service name is empty",
            service.span,
        ));
    }
    let (sdk_service, api_index) = if service.text == "aws-sdk" {
        let sdk = parts
            .get(1)
            .ok_or_else(|| missing(text, "`aws-sdk:<service>:<action>`"))?;
        if sdk.text.is_empty() {
            return Err(SyntaxError::new(
                "the AWS SDK service name is empty",
                sdk.span,
            ));
        }
        (Some(sdk), 2)
    } else {
        (None, 1)
    };
    let api = parts
        .get(api_index)
        .ok_or_else(|| missing(text, "`:<apiAction>`"))?;
    let (action, pattern) = split_pattern(text, api, parts.get(api_index + 1..).unwrap_or(&[]))?;
    if action.value.is_empty() {
        return Err(SyntaxError::new(
            "the API action name is empty",
            action.span,
        ));
    }
    let partition = partition.spanned();
    Ok(match sdk_service {
        Some(sdk) => Resource::AwsSdk {
            partition,
            service: sdk.spanned(),
            action,
            pattern,
        },
        None if service.text == "http" && action.value == "invoke" => {
            Resource::HttpInvoke { partition, pattern }
        }
        None => Resource::Optimized {
            partition,
            service: service.spanned(),
            api: action,
            pattern,
        },
    })
}

/// Splits `api.suffix` (plus a following `:2` part for `.sync:2`) into the action and pattern.
fn split_pattern(
    text: &str,
    api: &Part<'_>,
    after: &[Part<'_>],
) -> Result<(Spanned<String>, Spanned<IntegrationPattern>), SyntaxError> {
    let (name, suffix) = match api.text.bytes().position(|b| b == b'.') {
        Some(dot) => (
            api.text.get(..dot).unwrap_or(""),
            api.text.get(dot..).unwrap_or(""),
        ),
        None => (api.text, ""),
    };
    let action = Spanned::new(
        name.to_string(),
        Span::new(api.span.start, api.span.start + name.len()),
    );
    let suffix_start = action.span.end;
    let (pattern, suffix_end) = match (suffix, after) {
        ("", []) => (IntegrationPattern::RequestResponse, suffix_start),
        (".sync", []) => (IntegrationPattern::RunJob, api.span.end),
        (".sync", [two]) if two.text == "2" => (IntegrationPattern::RunJobV2, two.span.end),
        (".waitForTaskToken", []) => (IntegrationPattern::Callback, api.span.end),
        ("", [extra, ..]) => {
            return Err(SyntaxError::new(
                "unexpected `:` after the API action",
                Span::new(extra.span.start.saturating_sub(1), text.len()),
            ));
        }
        _ => {
            return Err(SyntaxError::new(
                format!(
                    "unknown integration pattern suffix `{}`; expected `.sync`, `.sync:2` or `.waitForTaskToken`",
                    text.get(suffix_start..).unwrap_or("")
                ),
                Span::new(suffix_start, text.len()),
            ));
        }
    };
    Ok((
        action,
        Spanned::new(pattern, Span::new(suffix_start, suffix_end)),
    ))
}

fn parse_lambda(
    text: &str,
    partition: &Part<'_>,
    service: &Part<'_>,
    rest: &[Part<'_>],
) -> Result<Resource, SyntaxError> {
    let region = rest.first().ok_or_else(|| missing(text, "the region"))?;
    let account = rest.get(1).ok_or_else(|| missing(text, "the account"))?;
    if region.text.is_empty() && account.text.is_empty() {
        return Err(SyntaxError::new(
            "a Lambda function ARN needs a region and an account; to use the optimized integration write `arn:aws:states:::lambda:invoke`",
            service.span,
        ));
    }
    for (part, what) in [(region, "region"), (account, "account")] {
        if part.text.is_empty() {
            return Err(SyntaxError::new(
                format!("the Lambda function ARN's {what} is empty"),
                part.span,
            ));
        }
    }
    let kind = rest
        .get(2)
        .ok_or_else(|| missing(text, "`:function:<name>`"))?;
    if kind.text != "function" {
        return Err(SyntaxError::new(
            format!("expected `function`, found `{}`", kind.text),
            kind.span,
        ));
    }
    let name = rest
        .get(3)
        .ok_or_else(|| missing(text, "the function name"))?;
    if name.text.is_empty() {
        return Err(SyntaxError::new("the function name is empty", name.span));
    }
    // Both suffixes start with `.`; most names have none, which saves two substring searches.
    if name.text.as_bytes().contains(&b'.')
        && (name.text.contains(".waitForTaskToken") || name.text.contains(".sync"))
    {
        return Err(SyntaxError::new(
            "a Lambda function ARN cannot take an integration pattern suffix; use `arn:aws:states:::lambda:invoke.waitForTaskToken` with `FunctionName` instead",
            name.span,
        ));
    }
    let qualifier = match rest.get(4) {
        None => None,
        Some(q) if q.text.is_empty() => {
            return Err(SyntaxError::new(
                "the function qualifier (version or alias) is empty",
                q.span,
            ));
        }
        Some(q) => Some(q.spanned()),
    };
    if let Some(extra) = rest.get(5) {
        return Err(SyntaxError::new(
            "unexpected `:` after the function qualifier",
            Span::new(extra.span.start.saturating_sub(1), text.len()),
        ));
    }
    Ok(Resource::LambdaFunction {
        partition: partition.spanned(),
        region: region.spanned(),
        account: account.spanned(),
        name: name.spanned(),
        qualifier,
    })
}

/// The spans of every `${…}` in `text` (an unclosed one runs to the end).
fn cloudformation_placeholders(text: &str) -> Vec<Span> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(found) = text.get(from..).and_then(|rest| rest.find("${")) {
        let start = from + found;
        let end = text
            .get(start..)
            .and_then(|rest| rest.find('}'))
            .map_or(text.len(), |close| start + close + 1);
        spans.push(Span::new(start, end));
        from = end.max(start + 2);
    }
    spans
}
