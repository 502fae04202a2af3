//! The rule table and the checks that run on the typed model.
//!
//! Every diagnostic this crate emits carries a code listed in [`RULES`]; the
//! linter's `--explain` and the documentation read the table.

pub mod errors;
pub mod express;
pub mod graph;
pub mod intrinsics;
pub mod jsonata;
pub mod jsonata_syntax;
pub(crate) mod memo;
pub mod parameters;
pub mod resources;
mod table;
pub mod timeouts;
pub mod tokens;
pub mod variables;
pub mod walk;

pub use table::RULES;

use crate::Options;
use crate::catalog::limits;
use crate::diagnostic::{Diagnostic, Severity};
use crate::model::StateMachine;
use crate::model::build::build_machine;
use crate::source::{SourceFormat, Span};
use crate::tree::{Arena, Node};

/// Codes of the structural and semantic rules (the readers' and the
/// resource/request rules' codes live in [`crate::diagnostic::codes`]).
pub mod codes {
    pub use crate::diagnostic::codes::*;

    // structure
    pub const UNKNOWN_FIELD: &str = "ASL010";
    pub const WRONG_TYPE: &str = "ASL011";
    pub const MISSING_FIELD: &str = "ASL012";
    pub const FIELD_NOT_ALLOWED: &str = "ASL013";
    pub const WRONG_LANGUAGE_FIELD: &str = "ASL014";
    pub const EXCLUSIVE_FIELDS: &str = "ASL015";
    pub const INVALID_VALUE: &str = "ASL016";
    pub const NEXT_OR_END: &str = "ASL017";
    pub const JSONPATH_IN_JSONATA: &str = "ASL018";
    pub const VERSION: &str = "ASL019";
    pub const EMPTY_LIST: &str = "ASL020";
    pub const CHOICE_OPERATOR: &str = "ASL021";
    pub const NESTED_CHOICE_NEXT: &str = "ASL022";
    pub const TEMPLATE_NOT_OBJECT: &str = "ASL024";
    pub const CREDENTIALS_ROLE: &str = "ASL025";
    pub const INVALID_RESOURCE: &str = "ASL026";
    pub const NON_ARN_RESOURCE: &str = "ASL027";
    pub const NULL_ITEMS_PATH: &str = "ASL028";
    // transitions
    pub const UNKNOWN_TARGET: &str = "ASL030";
    pub const CROSS_SCOPE_TARGET: &str = "ASL031";
    pub const UNREACHABLE_STATE: &str = "ASL032";
    pub const NO_TERMINAL: &str = "ASL033";
    pub const DUPLICATE_STATE_NAME: &str = "ASL034";
    // paths
    pub const INVALID_PATH: &str = "ASL060";
    pub const REFERENCE_PATH_REQUIRED: &str = "ASL061";
    pub const TEMPLATE_KEY_CLASH: &str = "ASL062";
    pub const DYNAMIC_VALUE_TYPE: &str = "ASL063";
    pub const RESULT_PATH_ROOT: &str = "ASL064";
    pub const UNKNOWN_CONTEXT_FIELD: &str = "ASL065";
    pub const MAP_CONTEXT_OUTSIDE_SELECTOR: &str = "ASL066";
    pub const FILTER_BARE_WORD: &str = "ASL067";
    pub const LITERAL_LOOKS_DYNAMIC: &str = "ASL068";
    // intrinsics
    pub const INVALID_INTRINSIC: &str = "ASL070";
    pub const UNKNOWN_INTRINSIC: &str = "ASL071";
    pub const INTRINSIC_ARITY: &str = "ASL072";
    pub const INTRINSIC_NESTING: &str = "ASL073";
    pub const INTRINSIC_NOT_ALLOWED: &str = "ASL074";
    // timeouts
    pub const HEARTBEAT_NOT_BELOW_TIMEOUT: &str = "ASL080";
    pub const SECONDS_RANGE: &str = "ASL081";
    pub const INVALID_TIMESTAMP: &str = "ASL082";
    pub const CALLBACK_WITHOUT_TIMEOUT: &str = "ASL083";
    // retry-catch
    pub const STATES_ALL_NOT_ALONE: &str = "ASL090";
    pub const STATES_ALL_NOT_LAST: &str = "ASL091";
    pub const UNKNOWN_STATES_ERROR: &str = "ASL092";
    pub const EMPTY_ERROR_EQUALS: &str = "ASL093";
    pub const RETRY_RANGE: &str = "ASL094";
    pub const UNCATCHABLE_ERROR: &str = "ASL095";
    // tokens
    pub const MISSING_TASK_TOKEN: &str = "ASL100";
    pub const TASK_TOKEN_UNAVAILABLE: &str = "ASL101";
    // variables
    pub const VARIABLE_NOT_ASSIGNED: &str = "ASL110";
    pub const INVALID_VARIABLE_NAME: &str = "ASL111";
    pub const VARIABLE_SHADOWS_OUTER: &str = "ASL112";
    // limits
    pub const DEFINITION_TOO_LARGE: &str = "ASL120";
    pub const NAME_TOO_LONG: &str = "ASL121";
    pub const LABEL: &str = "ASL122";
    pub const VALUE_RANGE: &str = "ASL123";
    // jsonata
    pub const JSONATA_UNCHECKED: &str = "ASL130";
    pub const JSONATA_MISUSE: &str = "ASL131";
    pub const JSONATA_SYNTAX: &str = "ASL132";
    pub const JSONATA_DELIMITERS: &str = "ASL133";
}

/// One rule: a stable code and what the linter and the docs say about it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Rule {
    pub code: &'static str,
    /// Short kebab-case name (`unknown-target`).
    pub name: &'static str,
    /// The family it belongs to (`structure`, `transitions`, `paths`, …).
    pub group: &'static str,
    pub severity: Severity,
    /// One line.
    pub summary: &'static str,
    /// A paragraph: what is checked and why (including, where validators
    /// disagree, why this crate decides as it does).
    pub explanation: &'static str,
    /// A definition that triggers the rule.
    pub bad: &'static str,
    /// The same definition, fixed.
    pub good: &'static str,
}

/// The rule with this code.
pub fn rule(code: &str) -> Option<&'static Rule> {
    RULES.iter().find(|r| r.code == code)
}

/// The result of [`analyze`]: the typed model, when the text could be read
/// as a state machine at all, and every finding in source order. The model
/// borrows the strings of the text it was read from.
#[derive(Clone, Debug)]
pub struct Analysis<'a> {
    pub machine: Option<StateMachine<'a>>,
    pub diagnostics: Vec<Diagnostic>,
}

impl Analysis<'_> {
    /// Whether any finding is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }
}

/// Reads a definition, builds the typed model and runs every rule. The tree
/// is read into `arena`, which the model borrows (its literals are nodes of
/// the tree).
pub fn analyze<'a>(
    text: &'a str,
    arena: &'a Arena,
    format: SourceFormat,
    options: &Options,
) -> Analysis<'a> {
    let tree = match format {
        SourceFormat::Json => crate::json::parse_json(text, arena),
        SourceFormat::Yaml => crate::yaml::parse_yaml(text, arena),
    };
    match tree {
        Ok(root) => analyze_tree(&root, text, arena, options),
        Err(d) => Analysis {
            machine: None,
            diagnostics: vec![d],
        },
    }
}

/// Only the findings of [`analyze`], for callers that do not need the model.
pub fn diagnostics(text: &str, format: SourceFormat, options: &Options) -> Vec<Diagnostic> {
    let arena = Arena::for_text(text);
    analyze(text, &arena, format, options).diagnostics
}

/// [`analyze`] for a tree that was already read (for example a definition
/// embedded in a CloudFormation template); `text` is the source the tree's
/// spans point into, and the model's lists go into `arena` (the tree's own,
/// or any other that outlives the model).
pub fn analyze_tree<'a>(
    root: &Node<'a>,
    text: &str,
    arena: &'a Arena,
    options: &Options,
) -> Analysis<'a> {
    let _memo = memo::MemoScope::enter();
    // The builder's findings are the first: they start the list.
    let (machine, mut diagnostics) = build_machine(root, text, arena);
    if text.len() > limits::MAX_DEFINITION_BYTES {
        diagnostics.insert(
            0,
            Diagnostic::error(
                codes::DEFINITION_TOO_LARGE,
                format!(
                    "the definition is {} bytes; Step Functions accepts at most {}",
                    text.len(),
                    limits::MAX_DEFINITION_BYTES
                ),
                Span::new(0, 0),
            )
            .with_help("move large literals (Pass `Result`, big templates) out of the definition"),
        );
    }
    // The resource and the request rules read the same Tasks: find them once.
    let sites = resources::Sites::collect(root, options.express, arena);
    resources::check_sites(
        &sites,
        text,
        resources::ResourceOptions {
            express: options.express,
            forbid_cfn_placeholders: options.forbid_cfn_placeholders,
        },
        &mut diagnostics,
    );
    parameters::check_sites(root, &sites, text, &options.schemas, &mut diagnostics);
    if let Some(m) = &machine {
        check(m, text, options, &mut diagnostics);
    }
    diagnostics.sort_by(|a, b| {
        (a.span.start, a.span.end, a.code).cmp(&(b.span.start, b.span.end, b.code))
    });
    diagnostics.dedup_by(|a, b| a.code == b.code && a.span == b.span && a.message == b.message);
    Analysis {
        machine,
        diagnostics,
    }
}

/// Runs every semantic rule over a built machine.
pub fn check(machine: &StateMachine, src: &str, options: &Options, out: &mut Vec<Diagnostic>) {
    // Most rules visit every state, and two follow transitions: list the
    // states and resolve the scopes once for all.
    let facts = walk::Facts::new(machine);
    graph::check_facts(&facts, out);
    errors::check_states(facts.states(), out);
    timeouts::check_states(facts.states(), out);
    if options.express {
        express::check_states(facts.states(), out);
    }
    // The token, variable and JSONata rules read the same paths and
    // expressions of every state: walk each state once for all three (the
    // variables data flow decides what each state may read).
    variables::for_each_state(machine, &facts, out, &mut |state, available, out| {
        let mut token = tokens::StateCheck::new(state);
        let mut reads = available.map(variables::Reads::new);
        walk::state_paths(state, &mut |u| {
            token.path(&u, out);
            if let Some(r) = &mut reads {
                r.path(&u, out);
            }
        });
        walk::state_jsonata(state, &mut |site, e| {
            token.jsonata(site, e, out);
            if let Some(r) = &mut reads {
                r.jsonata(e, out);
            }
            jsonata::check_expr(site, e, src, out);
        });
        token.finish(out);
    });
}

#[cfg(test)]
mod tests;
