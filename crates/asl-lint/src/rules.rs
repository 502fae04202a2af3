//! The rule table the linter knows: the model's rules plus the few about
//! templates that only the linter can find.

use std::borrow::Cow;
use std::sync::OnceLock;

use asl_model::Severity;

use crate::template::codes as cfn;

/// One rule as `--explain`, `--list-rules`, SARIF and the level flags see it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RuleInfo {
    pub code: &'static str,
    pub name: &'static str,
    pub group: &'static str,
    pub severity: Severity,
    pub summary: &'static str,
    pub explanation: &'static str,
    pub bad: &'static str,
    pub good: &'static str,
}

/// The linter's own rules, about CloudFormation and SAM templates.
pub const TEMPLATE_RULES: &[RuleInfo] = &[
    RuleInfo {
        code: cfn::DEFINITION_URI_UNREADABLE,
        name: "definition-uri-missing",
        group: "template",
        severity: Severity::Error,
        summary: "a SAM `DefinitionUri` names a local file that does not exist",
        explanation: "A local `DefinitionUri` is packaged by `sam build`/`sam deploy` from a path \
relative to the template's directory. When no file is there the deploy fails, so the definition \
cannot be checked either.",
        bad: "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flows/missing.asl.json\n",
        good: "Resources:\n  Flow:\n    Type: AWS::Serverless::StateMachine\n    Properties:\n      DefinitionUri: flows/order.asl.json\n",
    },
    RuleInfo {
        code: cfn::DEFINITION_NOT_RECOVERABLE,
        name: "definition-not-checked",
        group: "template",
        severity: Severity::Warning,
        summary: "the definition is computed at deploy time or stored in S3, so it is not checked",
        explanation: "`DefinitionString` built with `Fn::If`, `Fn::GetAtt` or another function whose \
result is only known when the stack is deployed, and definitions in S3, cannot be read from the \
repository. Strings, `Fn::Sub` and `Fn::Join` of strings, `Ref` and `Fn::GetAtt` are recovered; \
other forms are reported with this rule so nothing is skipped silently.",
        bad: "DefinitionString: !If [Prod, !Ref ProdDefinition, !Ref TestDefinition]\n",
        good: "DefinitionString: !Sub |\n  {\"StartAt\": \"Done\", \"States\": {\"Done\": {\"Type\": \"Succeed\"}}}\n",
    },
    RuleInfo {
        code: cfn::UNDEFINED_SUBSTITUTION,
        name: "undefined-substitution",
        group: "template",
        severity: Severity::Warning,
        summary: "a `${Name}` placeholder that `DefinitionSubstitutions` does not define",
        explanation: "Step Functions replaces `${Name}` in `Definition`, `DefinitionString` and \
`DefinitionUri` files only for names listed in `DefinitionSubstitutions`. Any other placeholder \
stays in the deployed definition as written, where it is usually an invalid ARN. (Inside `Fn::Sub` \
CloudFormation resolves every placeholder itself, so those are not reported.)",
        bad: "Definition:\n  StartAt: Run\n  States:\n    Run: {Type: Task, Resource: \"${RunArn}\", End: true}\nDefinitionSubstitutions:\n  RunFunction: !GetAtt Run.Arn\n",
        good: "Definition:\n  StartAt: Run\n  States:\n    Run: {Type: Task, Resource: \"${RunArn}\", End: true}\nDefinitionSubstitutions:\n  RunArn: !GetAtt Run.Arn\n",
    },
    RuleInfo {
        code: cfn::MISSING_DEFINITION,
        name: "missing-definition",
        group: "template",
        severity: Severity::Error,
        summary: "a state machine resource without any definition property",
        explanation: "`AWS::StepFunctions::StateMachine` needs one of `Definition`, \
`DefinitionString` or `DefinitionS3Location`; `AWS::Serverless::StateMachine` needs `Definition` \
or `DefinitionUri`. CloudFormation rejects the resource otherwise.",
        bad: "Flow:\n  Type: AWS::StepFunctions::StateMachine\n  Properties:\n    RoleArn: !GetAtt Role.Arn\n",
        good: "Flow:\n  Type: AWS::StepFunctions::StateMachine\n  Properties:\n    RoleArn: !GetAtt Role.Arn\n    DefinitionUri: flows/order.asl.json\n",
    },
];

/// Every rule: the model's table, then the template rules.
pub fn all() -> impl Iterator<Item = RuleInfo> {
    crate::backend::model_rules().chain(TEMPLATE_RULES.iter().copied())
}

/// The rules, and their codes in upper case with their positions, sorted
/// (ties keep table order), gathered once: every finding looks its rule up,
/// and a scan of the table costs a comparison per rule.
struct Table {
    rules: Vec<RuleInfo>,
    by_code: Vec<(Cow<'static, str>, usize)>,
}

fn table() -> &'static Table {
    static TABLE: OnceLock<Table> = OnceLock::new();
    TABLE.get_or_init(|| {
        let rules: Vec<RuleInfo> = all().collect();
        let mut by_code: Vec<(Cow<'static, str>, usize)> = rules
            .iter()
            .enumerate()
            .map(|(index, rule)| (upper(rule.code), index))
            .collect();
        // Stable, so the first of equal codes stays first, as a scan finds it.
        by_code.sort_by(|a, b| a.0.cmp(&b.0));
        Table { rules, by_code }
    })
}

/// `text` in ASCII upper case, copied only when it has lower-case letters
/// (codes never do; `--explain asl012` may).
fn upper(text: &str) -> Cow<'_, str> {
    if text.bytes().any(|b| b.is_ascii_lowercase()) {
        Cow::Owned(text.to_ascii_uppercase())
    } else {
        Cow::Borrowed(text)
    }
}

/// The rule with this code (case-insensitive).
pub fn find(code: &str) -> Option<RuleInfo> {
    let key = upper(code);
    let table = table();
    let first = table.by_code.partition_point(|(known, _)| *known < key);
    match table.by_code.get(first) {
        Some((known, index)) if *known == key => table.rules.get(*index).copied(),
        _ => None,
    }
}

/// Whether a `--deny/--warn/--allow` name selects anything: a code, a rule
/// name or a group.
pub fn selects_anything(name: &str) -> bool {
    all().any(|r| r.code.eq_ignore_ascii_case(name) || r.name == name || r.group == name)
}

/// The closest known code, name or group, for "did you mean".
pub fn suggest(name: &str) -> Option<String> {
    let mut words: Vec<&'static str> = Vec::new();
    for rule in all() {
        words.extend([rule.code, rule.name, rule.group]);
    }
    asl_model::diagnostic::did_you_mean(name, words.iter().copied()).map(str::to_owned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn find_agrees_with_a_scan_of_the_table() {
        let table: Vec<RuleInfo> = all().collect();
        for rule in &table {
            for code in [rule.code.to_owned(), rule.code.to_ascii_lowercase()] {
                let scanned = table
                    .iter()
                    .find(|r| r.code.eq_ignore_ascii_case(&code))
                    .copied();
                assert_eq!(find(&code), scanned, "{code}");
            }
        }
    }

    #[test]
    fn unknown_codes_find_nothing() {
        for code in ["", "ASL", "ASL9999", "ZZZ001", "cfn"] {
            assert_eq!(find(code), None, "{code}");
        }
    }
}
