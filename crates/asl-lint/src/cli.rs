//! Command-line arguments.
//!
//! Hand-written rather than clap: the surface is small, `--deny/--warn/--allow`
//! must keep their command-line order (later flags win, as in rustc), and a
//! linter started once per file by pre-commit should cost nothing to start.

use std::ffi::OsString;
use std::fmt;

use crate::policy::{Level, Selector};

/// Output format of the findings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    Human,
    Json,
    Sarif,
    Github,
}

impl Format {
    fn parse(text: &str) -> Option<Format> {
        match text {
            "human" => Some(Format::Human),
            "json" => Some(Format::Json),
            "sarif" => Some(Format::Sarif),
            "github" => Some(Format::Github),
            _ => None,
        }
    }
}

/// When the human format uses colour.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Color {
    Auto,
    Always,
    Never,
}

/// Everything the command line says.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    /// Paths, directories, glob patterns, or `-` for standard input.
    pub inputs: Vec<String>,
    pub format: Format,
    pub color: Color,
    /// `--deny/--warn/--allow`, in command-line order.
    pub levels: Vec<(Selector, Level)>,
    pub express: bool,
    pub forbid_placeholders: bool,
    pub config: Option<String>,
    pub no_config: bool,
    pub stdin_filename: Option<String>,
    /// A folder of request schemas (`*.json`) for `Parameters` checks.
    pub schemas: Option<String>,
    pub quiet: bool,
    /// Named files that are neither definitions nor templates are skipped
    /// (as in a directory search) instead of checked as definitions.
    pub skip_unrecognized: bool,
    pub action: Action,
}

/// What the run does besides (or instead of) linting.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Action {
    Lint,
    Help,
    Version,
    Explain(String),
    ListRules,
}

/// A usage error: exit code 2.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UsageError(pub String);

impl fmt::Display for UsageError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

pub const HELP: &str = "\
asl-lint: check Amazon States Language definitions (AWS Step Functions)

USAGE:
    asl-lint [OPTIONS] [PATH | GLOB | -]...

INPUTS:
    A named file is checked (as a template when it has `Resources`). A
    directory is searched recursively for *.asl.json, *.asl.yaml and
    *.asl.yml files, plus .json/.yaml/.yml files that are definitions or
    CloudFormation/SAM templates with state machines (hidden directories,
    node_modules, target and cdk.out are skipped). A glob such as
    'flows/**/*.json' is expanded. `-` reads standard input. With no input,
    the current directory is searched.

OPTIONS:
    -f, --format <FORMAT>     human (default), json, sarif or github
        --color <WHEN>        auto (default), always or never (human format)
    -D, --deny <RULE>         report RULE as an error
    -W, --warn <RULE>         report RULE as a warning
    -A, --allow <RULE>        do not report RULE
                              RULE is a code (ASL012), a rule name, a group,
                              or `warnings` (all warnings); later flags win
        --express             check as an Express state machine
        --forbid-placeholders report CloudFormation ${...} placeholders in
                              standalone definition files
        --schemas <DIR>       add the request schemas in DIR (*.json, named
                              like lambda.invoke.json or with an
                              \"x-asl-resource\" member) to the Parameters checks
        --config <FILE>       read settings from FILE instead of asl-lint.toml
        --no-config           ignore asl-lint.toml
        --stdin-filename <N>  name (and format, by extension) of standard input
        --skip-unrecognized   skip named files that are neither definitions
                              nor templates (for pre-commit file lists)
    -q, --quiet               human format: print only the summary line
        --explain <CODE>      explain a rule, with a failing and a passing example
        --list-rules          list every rule with its code, group and level
    -h, --help                print this help
    -V, --version             print the version

CONFIGURATION:
    asl-lint.toml is looked up from the current directory upwards, stopping
    at the repository root (the first directory holding .git). Keys:
        express = true
        forbid-placeholders = true
        deny = [\"warnings\"]     warn = [\"transitions\"]     allow = [\"ASL083\"]
        exclude = [\"vendor/**\"]     schemas = \"schemas\"
    Command-line flags are applied after the file.

EXIT STATUS:
    0  no errors (warnings and notes may have been reported)
    1  at least one error (also warnings under --deny warnings)
    2  usage error, unreadable input or configuration, or no such file
";

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Args, UsageError> {
    let mut parsed = Args {
        inputs: Vec::new(),
        format: Format::Human,
        color: Color::Auto,
        levels: Vec::new(),
        express: false,
        forbid_placeholders: false,
        config: None,
        no_config: false,
        stdin_filename: None,
        schemas: None,
        quiet: false,
        skip_unrecognized: false,
        action: Action::Lint,
    };
    let mut args = args.into_iter();
    let mut only_inputs = false;
    while let Some(arg) = args.next() {
        let arg = arg
            .into_string()
            .map_err(|raw| UsageError(format!("argument {raw:?} is not valid UTF-8")))?;
        if only_inputs || arg == "-" || !arg.starts_with('-') {
            parsed.inputs.push(arg);
            continue;
        }
        if arg == "--" {
            only_inputs = true;
            continue;
        }
        // `--name=value`, `--name value`, `-Dvalue`, `-D value`.
        let (name, inline) = match arg.split_once('=') {
            Some((name, value)) if arg.starts_with("--") => {
                (name.to_owned(), Some(value.to_owned()))
            }
            _ if !arg.starts_with("--") && arg.len() > 2 && arg.is_char_boundary(2) => {
                let (flag, rest) = arg.split_at(2);
                (flag.to_owned(), Some(rest.to_owned()))
            }
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, UsageError> {
            match inline.clone() {
                Some(v) => Ok(v),
                None => args
                    .next()
                    .and_then(|v| v.into_string().ok())
                    .ok_or_else(|| UsageError(format!("`{name}` needs a value: {what}"))),
            }
        };
        match name.as_str() {
            "-f" | "--format" => {
                let v = value("human, json, sarif or github")?;
                parsed.format = Format::parse(&v).ok_or_else(|| {
                    UsageError(format!(
                        "unknown format `{v}`: expected human, json, sarif or github"
                    ))
                })?;
            }
            "--color" | "--colour" => {
                let v = value("auto, always or never")?;
                parsed.color = match v.as_str() {
                    "auto" => Color::Auto,
                    "always" => Color::Always,
                    "never" => Color::Never,
                    _ => {
                        return Err(UsageError(format!(
                            "unknown colour choice `{v}`: expected auto, always or never"
                        )));
                    }
                };
            }
            "-D" | "--deny" => {
                let v = value("a rule code, name or group, or `warnings`")?;
                parsed.levels.push((Selector::parse(&v), Level::Error));
            }
            "-W" | "--warn" => {
                let v = value("a rule code, name or group, or `warnings`")?;
                parsed.levels.push((Selector::parse(&v), Level::Warning));
            }
            "-A" | "--allow" => {
                let v = value("a rule code, name or group, or `warnings`")?;
                parsed.levels.push((Selector::parse(&v), Level::Allow));
            }
            "--config" => parsed.config = Some(value("a path")?),
            "--schemas" => parsed.schemas = Some(value("a folder of request schemas")?),
            "--stdin-filename" => parsed.stdin_filename = Some(value("a file name")?),
            "--explain" => parsed.action = Action::Explain(value("a rule code")?),
            flag if inline.is_some() && flag.starts_with("--") => {
                return Err(UsageError(format!("`{flag}` takes no value")));
            }
            "--express" => parsed.express = true,
            "--forbid-placeholders" => parsed.forbid_placeholders = true,
            "--no-config" => parsed.no_config = true,
            "-q" | "--quiet" => parsed.quiet = true,
            "--skip-unrecognized" => parsed.skip_unrecognized = true,
            "--list-rules" => parsed.action = Action::ListRules,
            "-h" | "--help" => parsed.action = Action::Help,
            "-V" | "--version" => parsed.action = Action::Version,
            _ => {
                return Err(UsageError(format!(
                    "unknown option `{arg}` (see `asl-lint --help`)"
                )));
            }
        }
    }
    Ok(parsed)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Args, UsageError> {
        parse(args.iter().map(OsString::from))
    }

    #[test]
    fn level_flags_keep_command_line_order() {
        let args = parse_strs(&["-D", "warnings", "--allow=ASL040", "-WASL041"]).expect("valid");
        assert_eq!(
            args.levels,
            vec![
                (Selector::Warnings, Level::Error),
                (Selector::Name("ASL040".into()), Level::Allow),
                (Selector::Name("ASL041".into()), Level::Warning),
            ]
        );
    }

    #[test]
    fn dash_is_standard_input_and_double_dash_ends_options() {
        let args = parse_strs(&["-", "--", "--odd-name.json"]).expect("valid");
        assert_eq!(args.inputs, ["-", "--odd-name.json"]);
    }

    #[test]
    fn unknown_format_is_a_usage_error() {
        let err = parse_strs(&["--format", "xml"]).expect_err("invalid");
        assert!(err.0.contains("unknown format `xml`"), "{err}");
    }

    #[test]
    fn missing_value_is_a_usage_error() {
        let err = parse_strs(&["--deny"]).expect_err("invalid");
        assert!(err.0.contains("`--deny` needs a value"), "{err}");
    }

    #[test]
    fn short_option_with_a_multibyte_character_is_a_usage_error() {
        let err = parse_strs(&["-\u{e9}x"]).expect_err("invalid");
        assert!(err.0.contains("unknown option"), "{err}");
    }

    #[test]
    fn switch_with_value_is_a_usage_error() {
        let err = parse_strs(&["--express=yes"]).expect_err("invalid");
        assert!(err.0.contains("takes no value"), "{err}");
    }
}
