#![forbid(unsafe_code)]
//! `asl-lint`: checks Amazon States Language definitions, standalone or inside
//! CloudFormation/SAM templates, with the rules of `asl-model`, and reports
//! them for people (`human`) and machines (`json`, `sarif`, `github`).
//!
//! The binary is [`run`] with the process's arguments and streams; the
//! modules are public so their parts can be tested on their own.

pub mod backend;
pub mod check;
pub mod cli;
pub mod config;
pub mod discover;
pub mod mapped;
pub mod policy;
pub mod render;
pub mod rules;
pub mod template;

use std::ffi::OsString;
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use asl_model::{Severity, Span};

use crate::backend::Settings;
use crate::check::{Checked, Finding, SourceFile};
use crate::cli::{Action, Args, Color, Format};
use crate::discover::Input;
use crate::policy::{Level, Policy, RuleIds, Selector};

/// Exit status: no errors.
pub const EXIT_OK: u8 = 0;
/// Exit status: at least one error was reported.
pub const EXIT_FINDINGS: u8 = 1;
/// Exit status: usage, configuration or I/O problem.
pub const EXIT_USAGE: u8 = 2;

/// The process's view of the world, so tests can drive [`run`] in memory.
pub struct Io<'a> {
    pub stdin: &'a mut dyn Read,
    pub stdout: &'a mut dyn Write,
    pub stderr: &'a mut dyn Write,
    /// Whether standard output is a terminal (for `--color auto`).
    pub stdout_is_terminal: bool,
    pub cwd: PathBuf,
}

/// Runs the linter; returns the exit status.
pub fn run(args: impl IntoIterator<Item = OsString>, io: &mut Io<'_>) -> u8 {
    let args = match cli::parse(args) {
        Ok(args) => args,
        Err(e) => return usage_error(io, &e.0),
    };
    match &args.action {
        Action::Help => return write_out(io, cli::HELP.as_bytes()),
        Action::Version => {
            let line = format!("asl-lint {}\n", env!("CARGO_PKG_VERSION"));
            return write_out(io, line.as_bytes());
        }
        Action::Explain(code) => return explain(io, code),
        Action::ListRules => return list_rules(io),
        Action::Lint => {}
    }
    let loaded = match load_config(&args, &io.cwd) {
        Ok(loaded) => loaded,
        Err(message) => return usage_error(io, &message),
    };
    let policy = match build_policy(&args, loaded.as_ref()) {
        Ok(policy) => policy,
        Err(message) => return usage_error(io, &message),
    };
    let schemas = match load_schemas(&args, loaded.as_ref(), &io.cwd) {
        Ok(schemas) => schemas,
        Err(message) => return usage_error(io, &message),
    };
    let settings = Settings {
        express: args.express || loaded.as_ref().is_some_and(|l| l.config.express),
        forbid_placeholders: args.forbid_placeholders
            || loaded
                .as_ref()
                .is_some_and(|l| l.config.forbid_placeholders),
        schemas,
    };

    let mut problems = Vec::new();
    let excludes = exclude_patterns(loaded.as_ref(), &io.cwd, &mut problems);
    let excluded = |path: &Path| {
        let absolute = io.cwd.join(path);
        excludes.iter().any(|(base, pattern)| {
            absolute
                .strip_prefix(base)
                .is_ok_and(|relative| pattern.matches_path(relative))
        })
    };
    let inputs = discover::expand(&args.inputs, &excluded, &mut problems);

    let stdin_text = if inputs.contains(&Input::Stdin) {
        let mut text = String::new();
        match io.stdin.read_to_string(&mut text) {
            Ok(_) => Some(text),
            Err(e) => {
                problems.push(format!("cannot read standard input: {e}"));
                None
            }
        }
    } else {
        None
    };

    let inputs: Vec<Input> = if args.skip_unrecognized {
        inputs
            .into_iter()
            .map(|input| match input {
                Input::File { path, display, .. } => Input::File {
                    path,
                    display,
                    explicit: false,
                },
                other => other,
            })
            .collect()
    } else {
        inputs
    };
    let results = check_all(
        &inputs,
        stdin_text.as_deref(),
        args.stdin_filename.as_deref(),
        &io.cwd,
        &settings,
    );
    let mut files: Vec<SourceFile> = Vec::new();
    let mut findings: Vec<Finding> = Vec::new();
    let mut checked = 0;
    for result in results {
        match result {
            Ok(Some(one)) => {
                checked += 1;
                let base = files.len();
                files.extend(one.files);
                findings.extend(one.findings.into_iter().map(|mut f| {
                    f.file += base;
                    f
                }));
            }
            Ok(None) => {}
            Err(message) => problems.push(message),
        }
    }

    let findings = finalize(findings, &files, &policy);
    let report = render::Report::new(&files, &findings, checked);
    let color = match args.color {
        Color::Always => true,
        Color::Never => false,
        Color::Auto => io.stdout_is_terminal && std::env::var_os("NO_COLOR").is_none(),
    };
    let output = match args.format {
        Format::Human => render::human(&report, color, args.quiet),
        Format::Json => render::json(&report),
        Format::Sarif => render::sarif(&report),
        Format::Github => render::github(&report),
    };
    let _ = io.stdout.write_all(&output);
    let _ = io.stdout.flush();
    for problem in &problems {
        let _ = writeln!(io.stderr, "asl-lint: error: {problem}");
    }
    if !problems.is_empty() {
        EXIT_USAGE
    } else if report.count(Severity::Error) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    }
}

fn write_out(io: &mut Io<'_>, bytes: &[u8]) -> u8 {
    let _ = io.stdout.write_all(bytes);
    EXIT_OK
}

fn usage_error(io: &mut Io<'_>, message: &str) -> u8 {
    let _ = writeln!(io.stderr, "asl-lint: error: {message}");
    EXIT_USAGE
}

fn explain(io: &mut Io<'_>, code: &str) -> u8 {
    let Some(rule) = rules::find(code) else {
        let hint = rules::suggest(code)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .unwrap_or_default();
        return usage_error(
            io,
            &format!("no rule has the code `{code}`{hint}; `--list-rules` lists them"),
        );
    };
    let text = format!(
        "{code} ({name}, group {group}, {severity} by default)\n\n{summary}\n\n{explanation}\n\n\
         This fails:\n\n{bad}\n\nThis passes:\n\n{good}\n",
        code = rule.code,
        name = rule.name,
        group = rule.group,
        severity = rule.severity,
        summary = rule.summary,
        explanation = rule.explanation,
        bad = indent(rule.bad),
        good = indent(rule.good),
    );
    write_out(io, text.as_bytes())
}

fn indent(text: &str) -> String {
    text.trim_end()
        .lines()
        .map(|line| format!("    {line}"))
        .collect::<Vec<_>>()
        .join("\n")
}

fn list_rules(io: &mut Io<'_>) -> u8 {
    let mut text = String::new();
    for rule in rules::all() {
        text.push_str(&format!(
            "{:<8} {:<8} {:<14} {:<34} {}\n",
            rule.code,
            rule.severity.as_str(),
            rule.group,
            rule.name,
            rule.summary
        ));
    }
    write_out(io, text.as_bytes())
}

/// User request schemas: the configuration's folder (relative to the file),
/// then `--schemas` (relative to the current directory), which wins.
fn load_schemas(
    args: &Args,
    loaded: Option<&config::Loaded>,
    cwd: &Path,
) -> Result<asl_model::SchemaRegistry, String> {
    let mut schemas = asl_model::SchemaRegistry::new();
    if let Some(loaded) = loaded
        && let Some(dir) = &loaded.config.schemas
    {
        let base = loaded
            .path
            .parent()
            .map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
        schemas
            .add_dir(&base.join(dir))
            .map_err(|e| format!("{}: {e}", loaded.path.display()))?;
    }
    if let Some(dir) = &args.schemas {
        schemas.add_dir(&cwd.join(dir))?;
    }
    Ok(schemas)
}

fn load_config(args: &Args, cwd: &Path) -> Result<Option<config::Loaded>, String> {
    if args.no_config {
        return Ok(None);
    }
    let path = match &args.config {
        Some(path) => cwd.join(path),
        None => match config::discover(cwd) {
            Some(path) => path,
            None => return Ok(None),
        },
    };
    config::load(&path).map(Some)
}

/// The configuration's levels (allow, then warn, then deny), then the
/// command line's in order. Every name must select a rule.
fn build_policy(args: &Args, loaded: Option<&config::Loaded>) -> Result<Policy, String> {
    let mut policy = Policy::default();
    if let Some(loaded) = loaded {
        for (names, level) in [
            (&loaded.config.allow, Level::Allow),
            (&loaded.config.warn, Level::Warning),
            (&loaded.config.deny, Level::Error),
        ] {
            for name in names {
                check_selector(name).map_err(|e| format!("{}: {e}", loaded.path.display()))?;
                policy.push(Selector::parse(name), level);
            }
        }
    }
    for (selector, level) in &args.levels {
        if let Selector::Name(name) = selector {
            check_selector(name)?;
        }
        policy.push(selector.clone(), *level);
    }
    Ok(policy)
}

fn check_selector(name: &str) -> Result<(), String> {
    if name == "warnings" || rules::selects_anything(name) {
        return Ok(());
    }
    let hint = rules::suggest(name)
        .map(|s| format!(" (did you mean `{s}`?)"))
        .unwrap_or_default();
    Err(format!(
        "`{name}` is not a rule code, rule name or group{hint}"
    ))
}

fn exclude_patterns(
    loaded: Option<&config::Loaded>,
    cwd: &Path,
    problems: &mut Vec<String>,
) -> Vec<(PathBuf, glob::Pattern)> {
    let Some(loaded) = loaded else {
        return Vec::new();
    };
    let base = loaded
        .path
        .parent()
        .map_or_else(|| cwd.to_path_buf(), |p| cwd.join(p));
    loaded
        .config
        .exclude
        .iter()
        .filter_map(|pattern| match glob::Pattern::new(pattern) {
            Ok(p) => Some((base.clone(), p)),
            Err(e) => {
                problems.push(format!(
                    "{}: exclude pattern `{pattern}`: {e}",
                    loaded.path.display()
                ));
                None
            }
        })
        .collect()
}

/// What checking one input gave: `None` for a searched file that is not a
/// definition, an error message for a file that could not be read.
type InputResult = Result<Option<Checked>, String>;

/// Checks every input, on as many threads as there are cores; results come
/// back in input order. An I/O error is a message naming the file.
fn check_all(
    inputs: &[Input],
    stdin: Option<&str>,
    stdin_name: Option<&str>,
    cwd: &Path,
    settings: &Settings,
) -> Vec<InputResult> {
    let one = |input: &Input| -> InputResult {
        match input {
            Input::Stdin => {
                let Some(text) = stdin else {
                    return Ok(None);
                };
                let name = stdin_name.unwrap_or("<stdin>").to_owned();
                // A template read from stdin finds its `DefinitionUri` files
                // next to the name it was given.
                let base = stdin_name
                    .and_then(|n| Path::new(n).parent())
                    .filter(|p| !p.as_os_str().is_empty())
                    .map_or_else(|| cwd.to_path_buf(), Path::to_path_buf);
                Ok(check::check_text(
                    name,
                    text.to_owned(),
                    true,
                    &base,
                    settings,
                ))
            }
            Input::File {
                path,
                display,
                explicit,
            } => {
                let bytes = std::fs::read(path).map_err(|e| format!("{display}: {e}"))?;
                let text = match String::from_utf8(bytes) {
                    Ok(text) => text,
                    // A searched binary file is simply not a definition.
                    Err(_) if !explicit && !discover::is_definition_name(display) => {
                        return Ok(None);
                    }
                    Err(_) => return Err(format!("{display}: not valid UTF-8")),
                };
                let base = path.parent().unwrap_or(Path::new("."));
                let base = if base.as_os_str().is_empty() {
                    Path::new(".")
                } else {
                    base
                };
                Ok(check::check_text(
                    display.clone(),
                    text,
                    *explicit,
                    base,
                    settings,
                ))
            }
        }
    };
    if inputs.len() <= 1 {
        // The pre-commit case: no need to ask the system (cgroup files
        // included) how many cores there are.
        return inputs.iter().map(one).collect();
    }
    let threads = std::thread::available_parallelism()
        .map_or(1, usize::from)
        .min(inputs.len());
    if threads <= 1 {
        return inputs.iter().map(one).collect();
    }
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<Option<InputResult>>> =
        Mutex::new((0..inputs.len()).map(|_| None).collect());
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| {
                loop {
                    let index = next.fetch_add(1, Ordering::Relaxed);
                    let Some(input) = inputs.get(index) else {
                        break;
                    };
                    let result = one(input);
                    if let Ok(mut slots) = results.lock()
                        && let Some(slot) = slots.get_mut(index)
                    {
                        *slot = Some(result);
                    }
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_default()
        .into_iter()
        .map(|slot| {
            slot.unwrap_or_else(|| Err("internal error: a file was not checked".to_owned()))
        })
        .collect()
}

/// Applies rule levels, clamps spans to their file, removes duplicates (a
/// file checked directly and as a template's `DefinitionUri`), and sorts by
/// file name and position.
fn finalize(findings: Vec<Finding>, files: &[SourceFile], policy: &Policy) -> Vec<Finding> {
    let mut out: Vec<Finding> = findings
        .into_iter()
        .filter_map(|mut finding| {
            let d = &mut finding.diagnostic;
            let rule = rules::find(d.code);
            let ids = RuleIds {
                code: d.code,
                name: rule.map_or("", |r| r.name),
                group: rule.map_or("", |r| r.group),
            };
            d.severity = policy.resolve(ids, d.severity)?;
            let text = files.get(finding.file).map_or("", |f| f.text.as_str());
            d.span = clamp(d.span, text);
            for (span, _) in &mut d.secondary {
                *span = clamp(*span, text);
            }
            Some(finding)
        })
        .collect();
    let name = |f: &Finding| files.get(f.file).map_or("", |file| file.name.as_str());
    out.sort_by(|a, b| {
        (
            name(a),
            a.diagnostic.span.start,
            a.diagnostic.span.end,
            a.diagnostic.code,
        )
            .cmp(&(
                name(b),
                b.diagnostic.span.start,
                b.diagnostic.span.end,
                b.diagnostic.code,
            ))
    });
    out.dedup_by(|a, b| name(a) == name(b) && a.diagnostic == b.diagnostic);
    out
}

/// A span inside `text` on character boundaries.
fn clamp(span: Span, text: &str) -> Span {
    let fix = |mut offset: usize| {
        offset = offset.min(text.len());
        while !text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    };
    Span::new(fix(span.start), fix(span.end))
}

/// Entry point of the binary.
pub fn main_with_process_io() -> u8 {
    let mut stdin = std::io::stdin().lock();
    let mut stdout = std::io::stdout().lock();
    let mut stderr = std::io::stderr().lock();
    let stdout_is_terminal = std::io::stdout().is_terminal();
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    let mut io = Io {
        stdin: &mut stdin,
        stdout: &mut stdout,
        stderr: &mut stderr,
        stdout_is_terminal,
        cwd,
    };
    run(std::env::args_os().skip(1), &mut io)
}
