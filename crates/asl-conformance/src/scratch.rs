//! The scratch crate: one module per case, each compiling its definition with `asl!`, and a
//! `main` that runs one case by name.
//!
//! It is built once for a whole run (as trybuild does), in a folder that is kept between runs so
//! rebuilds are incremental. When it does not compile, the errors are attributed to case modules
//! from cargo's JSON messages; those cases are dropped as rejected and the crate is rebuilt.

use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

use crate::case::{Case, DefinitionFormat};
use crate::exec::RESULT_MARKER;

/// The default package name of the scratch crate (also its binary's name).
pub const PACKAGE: &str = "asl-conformance-cases";

/// How many builds a run may spend on dropping rejected cases and finding culprits.
pub const MAX_BUILDS: usize = 30;

/// The package name for a scratch crate in `dir`: the default name plus a stable hash of the
/// folder (FNV-1a, so it is the same from run to run).
pub fn package_for(dir: &Path) -> String {
    let hash = dir
        .to_string_lossy()
        .bytes()
        .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
        });
    format!("{PACKAGE}-{:08x}", hash & 0xffff_ffff)
}

/// A case as the scratch crate knows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The case's name (its folder).
    pub name: String,
    /// The Rust module (and file stem) holding the case.
    pub module: String,
    pub definition_text: String,
    pub format: DefinitionFormat,
}

/// Where the scratch crate lives and what it depends on.
#[derive(Clone, Debug)]
pub struct Layout {
    /// The crate's folder.
    pub dir: PathBuf,
    /// Cargo's target folder. Sharing the workspace's lets the build reuse the dependencies
    /// already compiled there (the crate keeps the workspace's `dev` profile for that reason).
    pub target_dir: PathBuf,
    /// The package (and binary) name; distinct names let several scratch crates share a target
    /// folder.
    pub package: String,
    /// The folder of the `asl` facade crate (the workspace root).
    pub asl_dir: PathBuf,
    /// A `Cargo.lock` to start from, so no new resolution is needed.
    pub lockfile: Option<PathBuf>,
}

/// The result of building the scratch crate.
#[derive(Debug)]
pub struct Built {
    /// The binary, when at least one case compiled.
    pub program: Option<PathBuf>,
    /// The modules that compiled.
    pub accepted: BTreeSet<String>,
    /// Rejected modules with the compiler's messages.
    pub rejected: BTreeMap<String, String>,
}

/// Gives each case a module name that is a valid, unique Rust identifier derived from its name,
/// so the same case keeps the same file from run to run.
pub fn entries(cases: &[&Case]) -> Vec<Entry> {
    let mut taken = HashSet::new();
    cases
        .iter()
        .map(|case| {
            let base = module_name(&case.name);
            let mut module = base.clone();
            let mut n = 2;
            while !taken.insert(module.clone()) {
                module = format!("{base}_{n}");
                n += 1;
            }
            Entry {
                name: case.name.clone(),
                module,
                definition_text: case.definition_text.clone(),
                format: case.definition_format,
            }
        })
        .collect()
}

/// `case_` + the name in lower case with every character outside `[a-z0-9_]` replaced by `_`.
pub fn module_name(case_name: &str) -> String {
    let mut module = String::from("case_");
    module.extend(case_name.chars().map(|c| {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() || c == '_' {
            c
        } else {
            '_'
        }
    }));
    module
}

/// What one build of a set of cases gave.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Attempt {
    /// It compiled: the binary.
    Built(PathBuf),
    /// Errors pointed at these case modules (with the compiler's messages).
    Rejected(BTreeMap<String, String>),
    /// It failed and no error names a case. `global` when the failure is not in the scratch
    /// package at all (a dependency or cargo itself failed): no subset of cases can build then.
    Unattributed { message: String, global: bool },
}

/// Builds the scratch crate holding `entries`, dropping and reporting the cases the compiler
/// rejects. `log` receives progress lines.
pub fn build(
    layout: &Layout,
    entries: &[Entry],
    log: &mut dyn FnMut(&str),
) -> Result<Built, String> {
    // `log` is needed both inside the attempts and by the driver.
    let log = std::cell::RefCell::new(log);
    let mut attempt = |cases: &[&Entry]| -> Result<Attempt, String> {
        write_crate(layout, cases)?;
        (log.borrow_mut())(&format!(
            "building {} case(s) in {}…",
            cases.len(),
            layout.dir.display()
        ));
        let started = std::time::Instant::now();
        let report = cargo_build(layout)?;
        (log.borrow_mut())(&format!(
            "  cargo build took {:.1} s",
            started.elapsed().as_secs_f64()
        ));
        Ok(judge(report, cases))
    };
    let mut note = |line: &str| (log.borrow_mut())(line);
    drive(entries, &mut attempt, &mut note)
}

/// What a build report means for `cases`.
fn judge(report: BuildReport, cases: &[&Entry]) -> Attempt {
    if let (true, Some(program)) = (report.success, &report.program) {
        return Attempt::Built(program.clone());
    }
    let modules: Vec<&str> = cases.iter().map(|e| e.module.as_str()).collect();
    let attribution = attribute(&report.errors, &modules);
    if !attribution.by_module.is_empty() {
        return Attempt::Rejected(attribution.by_module);
    }
    let global = !report.errors.iter().any(|e| e.in_scratch_package);
    let message = if attribution.unattributed.is_empty() {
        "the build failed without an error message".to_owned()
    } else {
        attribution.unattributed.join("\n")
    };
    Attempt::Unattributed { message, global }
}

/// The build loop over any way of attempting a build (cargo, or a stand-in in tests): drop the
/// cases errors point at and rebuild; when errors point at no case, find the culprits by
/// building halves; give up after [`MAX_BUILDS`] builds.
pub fn drive(
    entries: &[Entry],
    attempt: &mut dyn FnMut(&[&Entry]) -> Result<Attempt, String>,
    log: &mut dyn FnMut(&str),
) -> Result<Built, String> {
    let mut remaining: Vec<&Entry> = entries.iter().collect();
    let mut rejected = BTreeMap::new();
    let mut budget = MAX_BUILDS;
    let give_up = |remaining: &[&Entry], rejected: &mut BTreeMap<String, String>, why: &str| {
        for entry in remaining {
            rejected.insert(entry.module.clone(), why.to_owned());
        }
    };
    while !remaining.is_empty() {
        if budget == 0 {
            let why = format!("the generated crate still did not build after {MAX_BUILDS} builds");
            give_up(&remaining, &mut rejected, &why);
            break;
        }
        budget -= 1;
        match attempt(&remaining)? {
            Attempt::Built(program) => {
                return Ok(Built {
                    program: Some(program),
                    accepted: remaining.iter().map(|e| e.module.clone()).collect(),
                    rejected,
                });
            }
            Attempt::Rejected(by_module) => {
                log(&format!(
                    "  the compiler rejected {} case(s); rebuilding without them",
                    by_module.len()
                ));
                remaining.retain(|e| !by_module.contains_key(&e.module));
                rejected.extend(by_module);
            }
            Attempt::Unattributed {
                message,
                global: true,
            } => {
                let why = format!("the generated crate did not build:\n{message}");
                give_up(&remaining, &mut rejected, &why);
                break;
            }
            Attempt::Unattributed {
                message,
                global: false,
            } => {
                log("  errors name no case; building halves to find the culprits");
                let culprits = isolate(&remaining, &message, attempt, &mut budget)?;
                if culprits.is_empty() {
                    let why = format!("the generated crate did not build:\n{message}");
                    give_up(&remaining, &mut rejected, &why);
                    break;
                }
                remaining.retain(|e| !culprits.contains_key(&e.module));
                rejected.extend(culprits);
            }
        }
    }
    Ok(Built {
        program: None,
        accepted: BTreeSet::new(),
        rejected,
    })
}

/// The cases of `set` (which fails with `message`) that fail on their own, by bisection.
fn isolate(
    set: &[&Entry],
    message: &str,
    attempt: &mut dyn FnMut(&[&Entry]) -> Result<Attempt, String>,
    budget: &mut usize,
) -> Result<BTreeMap<String, String>, String> {
    let mut culprits = BTreeMap::new();
    if let [single] = set {
        culprits.insert(single.module.clone(), message.to_owned());
        return Ok(culprits);
    }
    let (first, second) = set.split_at(set.len() / 2);
    for half in [first, second] {
        if *budget == 0 {
            break;
        }
        *budget -= 1;
        match attempt(half)? {
            Attempt::Built(_) => {}
            Attempt::Rejected(by_module) => culprits.extend(by_module),
            // Not the cases' fault after all: nothing to isolate.
            Attempt::Unattributed { global: true, .. } => return Ok(BTreeMap::new()),
            Attempt::Unattributed {
                message,
                global: false,
            } => culprits.extend(isolate(half, &message, attempt, budget)?),
        }
    }
    Ok(culprits)
}

/// Writes the crate's files, touching only those whose content changed so that cargo's
/// incremental rebuilds stay small.
pub fn write_crate(layout: &Layout, entries: &[&Entry]) -> Result<(), String> {
    ensure_ours(&layout.dir)?;
    let src = layout.dir.join("src");
    let definitions = layout.dir.join("definitions");
    for dir in [&layout.dir, &src, &definitions] {
        fs::create_dir_all(dir).map_err(|e| format!("cannot create {}: {e}", dir.display()))?;
    }
    write_if_changed(
        &layout.dir.join("Cargo.toml"),
        &manifest(&layout.package, &layout.asl_dir),
    )?;
    if let Some(lockfile) = &layout.lockfile {
        copy_lockfile(lockfile, &layout.dir)?;
    }

    let mut keep_src = HashSet::from(["main.rs".to_owned()]);
    let mut keep_definitions = HashSet::new();
    for entry in entries {
        let definition = format!("{}.{}", entry.module, extension(entry.format));
        write_if_changed(&definitions.join(&definition), &entry.definition_text)?;
        let module = format!("{}.rs", entry.module);
        write_if_changed(&src.join(&module), &module_source(entry, &definition))?;
        keep_src.insert(module);
        keep_definitions.insert(definition);
    }
    write_if_changed(&src.join("main.rs"), &main_source(&layout.package, entries))?;
    // Cases of earlier runs would otherwise linger; they are not compiled, but they confuse.
    remove_others(&src, &keep_src)?;
    remove_others(&definitions, &keep_definitions)?;
    Ok(())
}

/// The first line of every manifest this runner writes.
const MANIFEST_MARK: &str = "# Generated by asl-conformance";

/// Refuses a folder that holds something other than a crate this runner generated: files in
/// `src/` that belong to no case are deleted, which must never hit someone's project.
pub fn ensure_ours(dir: &Path) -> Result<(), String> {
    let Ok(mut entries) = fs::read_dir(dir) else {
        return Ok(()); // Not there yet: it will be created.
    };
    if entries.next().is_none() {
        return Ok(());
    }
    let manifest = fs::read_to_string(dir.join("Cargo.toml")).unwrap_or_default();
    if manifest.starts_with(MANIFEST_MARK) {
        Ok(())
    } else {
        Err(format!(
            "{} is not empty and holds no crate generated by asl-conformance; choose another --work-dir",
            dir.display()
        ))
    }
}

/// Starts from the workspace's lock file whenever it changed since the last copy (cargo then
/// adds the scratch package to it, which is why the copy cannot be compared directly).
fn copy_lockfile(lockfile: &Path, dir: &Path) -> Result<(), String> {
    let text = fs::read_to_string(lockfile)
        .map_err(|e| format!("cannot read {}: {e}", lockfile.display()))?;
    let copied_from = dir.join("Cargo.lock.source");
    let target = dir.join("Cargo.lock");
    if target.exists() && fs::read_to_string(&copied_from).is_ok_and(|old| old == text) {
        return Ok(());
    }
    fs::write(&target, &text).map_err(|e| format!("cannot write {}: {e}", target.display()))?;
    fs::write(&copied_from, &text)
        .map_err(|e| format!("cannot write {}: {e}", copied_from.display()))
}

fn extension(format: DefinitionFormat) -> &'static str {
    match format {
        DefinitionFormat::Json => "json",
        DefinitionFormat::Yaml => "yaml",
    }
}

fn write_if_changed(path: &Path, content: &str) -> Result<(), String> {
    if fs::read_to_string(path).is_ok_and(|old| old == content) {
        return Ok(());
    }
    fs::write(path, content).map_err(|e| format!("cannot write {}: {e}", path.display()))
}

fn remove_others(dir: &Path, keep: &HashSet<String>) -> Result<(), String> {
    let entries = fs::read_dir(dir).map_err(|e| format!("cannot read {}: {e}", dir.display()))?;
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        if !keep.contains(&name) && entry.path().is_file() {
            fs::remove_file(entry.path())
                .map_err(|e| format!("cannot remove {}: {e}", entry.path().display()))?;
        }
    }
    Ok(())
}

/// The scratch crate's manifest: its own workspace (it lives under the project's target folder),
/// the facade by absolute path, and no debug info for itself only (a profile change for every
/// package would stop the reuse of the dependencies compiled in a shared target folder).
pub fn manifest(package: &str, asl_dir: &Path) -> String {
    let asl = Value::String(asl_dir.display().to_string());
    format!(
        r#"{MANIFEST_MARK}; rewritten on every run.
[package]
name = "{package}"
version = "0.0.0"
edition = "2024"
publish = false

[dependencies]
asl = {{ path = {asl} }}
serde_json = "1"
tokio = {{ version = "1", default-features = false, features = ["rt", "time", "test-util"] }}

[workspace]

[profile.dev.package.{package}]
debug = 0
"#
    )
}

/// One case's module: the machine compiled from its definition file, and a function running it.
pub fn module_source(entry: &Entry, definition_file: &str) -> String {
    let path = Value::String(format!("definitions/{definition_file}"));
    let name = entry.name.replace(['\n', '\r'], " ");
    format!(
        r#"// Case `{name}`. Generated by asl-conformance.
::asl::asl!(pub struct Machine, {path});

pub fn run(input: ::serde_json::Value) -> ::serde_json::Value {{
    crate::glue::block_on(async move {{
        let runtime = crate::glue::runtime();
        let result = Machine::run(&runtime, crate::glue::integrations(), input).await;
        crate::glue::outcome(result)
    }})
}}
"#
    )
}

/// `main`: `<binary> <case module> <input.json>` runs that case and prints its outcome.
pub fn main_source(package: &str, entries: &[&Entry]) -> String {
    let mut modules = String::new();
    let mut table = String::new();
    for entry in entries {
        modules.push_str(&format!("mod {};\n", entry.module));
        table.push_str(&format!("    (\"{0}\", {0}::run),\n", entry.module));
    }
    let marker = Value::String(RESULT_MARKER.to_owned());
    format!(
        r#"// Generated by asl-conformance. Do not edit: rewritten on every run.
#![allow(warnings)]

{modules}
type Run = fn(::serde_json::Value) -> ::serde_json::Value;

static CASES: &[(&str, Run)] = &[
{table}];

fn main() {{
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [case, input_path] = args.as_slice() else {{
        eprintln!("usage: {package} <case module> <input.json>");
        std::process::exit(2);
    }};
    let Some((_, run)) = CASES.iter().find(|(name, _)| name == case) else {{
        eprintln!("unknown case module `{{case}}`");
        std::process::exit(2);
    }};
    let input = match std::fs::read_to_string(input_path)
        .map_err(|e| e.to_string())
        .and_then(|text| ::serde_json::from_str(&text).map_err(|e| e.to_string()))
    {{
        Ok(input) => input,
        Err(e) => {{
            eprintln!("cannot read {{input_path}}: {{e}}");
            std::process::exit(2);
        }}
    }};
    let outcome = run(input);
    println!("{{}}{{}}", {marker}, outcome);
}}

{GLUE}
"#
    )
}

/// What every case needs: a paused-time tokio runtime, the catch-all integrations (Lambda
/// function ARNs are identity functions, everything else fails) and the outcome in JSON.
const GLUE: &str = r#"mod glue {
    use ::asl::runtime as rt;
    use ::serde_json::{json, Value};

    /// Paused time: Wait states, retry intervals and timeouts take no wall-clock time.
    pub fn block_on<F: std::future::Future>(future: F) -> F::Output {
        ::tokio::runtime::Builder::new_current_thread()
            .enable_time()
            .start_paused(true)
            .build()
            .expect("a tokio runtime")
            .block_on(future)
    }

    pub fn runtime() -> rt::Runtime {
        rt::Runtime::new()
    }

    pub struct Identity;

    impl rt::TaskHandler for Identity {
        async fn handle(&self, call: rt::TaskCall) -> Result<Value, rt::TaskFailure> {
            if is_lambda_function(call.resource()) {
                Ok(call.parameters().clone())
            } else {
                Err(rt::TaskFailure::new(
                    "Conformance.UnsupportedResource",
                    format!("the conformance runner only provides Lambda functions, not {}", call.resource()),
                ))
            }
        }
    }

    /// `arn:aws:lambda:REGION:ACCOUNT:function:NAME[:QUALIFIER]`
    fn is_lambda_function(resource: &str) -> bool {
        let parts: Vec<&str> = resource.split(':').collect();
        parts.len() >= 7
            && parts[0] == "arn"
            && parts[2] == "lambda"
            && parts[5] == "function"
            && !parts[6].is_empty()
    }

    pub fn integrations() -> std::sync::Arc<rt::CatchAll<Identity>> {
        std::sync::Arc::new(rt::CatchAll::new(Identity))
    }

    /// SUCCEEDED with the output, else FAILED (a timed-out or aborted execution too, with its
    /// error name, as the recorded cases know only these two).
    pub fn outcome(result: rt::ExecutionResult) -> Value {
        match result.output() {
            Some(output) => json!({ "status": "SUCCEEDED", "output": output }),
            None => json!({
                "status": "FAILED",
                "error": result.error(),
                "cause": result.cause(),
                "execution_status": result.status(),
            }),
        }
    }
}"#;

/// What one `cargo build` said.
#[derive(Debug, Default)]
pub struct BuildReport {
    pub success: bool,
    pub program: Option<PathBuf>,
    /// Error messages of the scratch package itself.
    pub errors: Vec<CompilerError>,
}

/// One error from the compiler, with every file its spans mention.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompilerError {
    pub rendered: String,
    /// File names of primary spans (and the spans they were expanded from).
    pub primary_files: Vec<String>,
    /// File names of all other spans, including children's.
    pub other_files: Vec<String>,
    /// Whether the error came from the scratch package (rather than a dependency).
    pub in_scratch_package: bool,
}

fn cargo_build(layout: &Layout) -> Result<BuildReport, String> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let mut child = Command::new(cargo)
        .arg("build")
        .arg("--manifest-path")
        .arg(layout.dir.join("Cargo.toml"))
        .arg("--target-dir")
        .arg(&layout.target_dir)
        .arg("--message-format=json")
        .arg("--bin")
        .arg(&layout.package)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    // cargo's own progress and errors (resolution, lock file) go to stderr.
    let stderr = child.stderr.take().map(|mut pipe| {
        std::thread::spawn(move || {
            let mut text = String::new();
            let _ = std::io::Read::read_to_string(&mut pipe, &mut text);
            text
        })
    });
    let mut report = BuildReport::default();
    if let Some(stdout) = child.stdout.take() {
        for line in BufReader::new(stdout).lines() {
            let line = line.map_err(|e| format!("cannot read cargo's output: {e}"))?;
            read_cargo_message(&line, &layout.package, &mut report);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("cannot wait for cargo: {e}"))?;
    let stderr = stderr.and_then(|h| h.join().ok()).unwrap_or_default();
    report.success &= status.success();
    if !status.success() && report.errors.is_empty() {
        // No compiler message: cargo itself failed (manifest, lock file, network).
        report.errors.push(CompilerError {
            rendered: last_lines(&stderr, 30),
            primary_files: Vec::new(),
            other_files: Vec::new(),
            in_scratch_package: false,
        });
    }
    Ok(report)
}

fn last_lines(text: &str, n: usize) -> String {
    let lines: Vec<&str> = text.lines().collect();
    lines[lines.len().saturating_sub(n)..].join("\n")
}

/// Folds one line of `cargo --message-format=json` output into `report`.
pub fn read_cargo_message(line: &str, package: &str, report: &mut BuildReport) {
    let Ok(message) = serde_json::from_str::<Value>(line) else {
        return;
    };
    let in_scratch_package = message
        .get("target")
        .and_then(|t| t.get("name"))
        .and_then(Value::as_str)
        == Some(package);
    match message.get("reason").and_then(Value::as_str) {
        Some("build-finished") => {
            report.success = message.get("success").and_then(Value::as_bool) == Some(true);
        }
        Some("compiler-artifact") if in_scratch_package => {
            if let Some(exe) = message.get("executable").and_then(Value::as_str) {
                report.program = Some(PathBuf::from(exe));
            }
        }
        Some("compiler-message") => {
            let Some(diagnostic) = message.get("message") else {
                return;
            };
            if diagnostic.get("level").and_then(Value::as_str) != Some("error") {
                return;
            }
            let rendered = diagnostic
                .get("rendered")
                .and_then(Value::as_str)
                .or_else(|| diagnostic.get("message").and_then(Value::as_str))
                .unwrap_or("")
                .to_owned();
            let mut primary_files = Vec::new();
            let mut other_files = Vec::new();
            collect_files(diagnostic, &mut primary_files, &mut other_files);
            report.errors.push(CompilerError {
                rendered,
                primary_files,
                other_files,
                in_scratch_package,
            });
        }
        _ => {}
    }
}

fn collect_files(diagnostic: &Value, primary: &mut Vec<String>, other: &mut Vec<String>) {
    for span in diagnostic
        .get("spans")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let is_primary = span.get("is_primary").and_then(Value::as_bool) == Some(true);
        // A span inside a macro expansion points at the macro's own code; the file that
        // matters is the one the expansion was invoked from.
        let mut current = Some(span);
        while let Some(s) = current {
            if let Some(file) = s.get("file_name").and_then(Value::as_str) {
                if is_primary {
                    primary.push(file.to_owned());
                } else {
                    other.push(file.to_owned());
                }
            }
            current = s.get("expansion").and_then(|e| e.get("span"));
        }
    }
    for child in diagnostic
        .get("children")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let mut child_files = Vec::new();
        collect_files(child, &mut child_files, other);
        other.extend(child_files);
    }
}

/// Errors sorted out by the case module they concern.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Attribution {
    pub by_module: BTreeMap<String, String>,
    /// Messages that concern no case (summaries such as "aborting due to … errors" excluded).
    pub unattributed: Vec<String>,
}

/// Attributes each error to the case modules whose files its primary spans name, or failing
/// that, any of its spans.
pub fn attribute(errors: &[CompilerError], modules: &[&str]) -> Attribution {
    let module_of = |file: &str| -> Option<String> {
        let path = Path::new(file);
        let stem = path.file_stem()?.to_str()?;
        let parent = path.parent()?.file_name()?.to_str()?;
        (matches!(parent, "src" | "definitions") && modules.contains(&stem))
            .then(|| stem.to_owned())
    };
    let mut attribution = Attribution::default();
    for error in errors {
        let mut owners: Vec<String> = error
            .primary_files
            .iter()
            .filter_map(|f| module_of(f))
            .collect();
        if owners.is_empty() {
            owners = error
                .other_files
                .iter()
                .filter_map(|f| module_of(f))
                .collect();
        }
        owners.dedup();
        if owners.is_empty() {
            let summary = error.rendered.starts_with("error: aborting due to")
                || error.rendered.starts_with("error: could not compile");
            if !summary && !error.rendered.trim().is_empty() {
                attribution.unattributed.push(error.rendered.clone());
            }
            continue;
        }
        for owner in owners {
            let text = attribution.by_module.entry(owner).or_default();
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&error.rendered);
        }
    }
    attribution
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_manifest_is_recognised_as_ours() {
        assert!(manifest(PACKAGE, Path::new("/x")).starts_with(MANIFEST_MARK));
    }

    fn entry(module: &str) -> Entry {
        Entry {
            name: module.to_owned(),
            module: module.to_owned(),
            definition_text: String::new(),
            format: DefinitionFormat::Json,
        }
    }

    fn modules(set: &[&Entry]) -> Vec<String> {
        set.iter().map(|e| e.module.clone()).collect()
    }

    /// Drives the build loop with `attempt` over cases `a`..`h`; returns the result and the
    /// number of builds.
    fn drive_with(mut attempt: impl FnMut(&[String]) -> Attempt) -> (Built, usize) {
        let entries: Vec<Entry> = ["a", "b", "c", "d", "e", "f", "g", "h"]
            .into_iter()
            .map(entry)
            .collect();
        let mut builds = 0;
        let built = drive(
            &entries,
            &mut |set| {
                builds += 1;
                Ok(attempt(&modules(set)))
            },
            &mut |_| {},
        )
        .unwrap_or_else(|e| panic!("{e}"));
        (built, builds)
    }

    #[test]
    fn a_clean_build_accepts_every_case() {
        let (built, builds) = drive_with(|_| Attempt::Built(PathBuf::from("bin")));
        assert_eq!(built.accepted.len(), 8);
        assert!(built.rejected.is_empty());
        assert_eq!(builds, 1);
    }

    #[test]
    fn attributed_cases_are_dropped_and_the_rest_rebuilt() {
        let (built, builds) = drive_with(|set| {
            if set.iter().any(|m| m == "c") {
                Attempt::Rejected(BTreeMap::from([("c".to_owned(), "bad".to_owned())]))
            } else {
                Attempt::Built(PathBuf::from("bin"))
            }
        });
        assert_eq!(built.rejected.keys().collect::<Vec<_>>(), ["c"]);
        assert_eq!(built.accepted.len(), 7);
        assert_eq!(builds, 2);
    }

    #[test]
    fn unattributed_errors_are_pinned_on_a_case_by_bisection() {
        let (built, _) = drive_with(|set| {
            if set.iter().any(|m| m == "f") {
                Attempt::Unattributed {
                    message: "overflow".to_owned(),
                    global: false,
                }
            } else {
                Attempt::Built(PathBuf::from("bin"))
            }
        });
        assert_eq!(
            built.rejected,
            BTreeMap::from([("f".to_owned(), "overflow".to_owned())])
        );
        assert_eq!(built.accepted.len(), 7);
        assert!(built.program.is_some());
    }

    #[test]
    fn a_global_failure_rejects_everything_after_one_build() {
        let (built, builds) = drive_with(|_| Attempt::Unattributed {
            message: "asl-runtime does not compile".to_owned(),
            global: true,
        });
        assert_eq!(built.rejected.len(), 8);
        assert!(built.rejected.values().all(|m| m.contains("asl-runtime")));
        assert!(built.program.is_none());
        assert_eq!(builds, 1);
    }

    #[test]
    fn a_failure_no_single_case_causes_rejects_everything() {
        // Only `a` and `h` together fail: each half builds, so no culprit can be named.
        let (built, builds) = drive_with(|set| {
            if set.iter().any(|m| m == "a") && set.iter().any(|m| m == "h") {
                Attempt::Unattributed {
                    message: "conflict".to_owned(),
                    global: false,
                }
            } else {
                Attempt::Built(PathBuf::from("bin"))
            }
        });
        assert_eq!(built.rejected.len(), 8);
        assert!(builds <= MAX_BUILDS);
    }

    #[test]
    fn work_folders_get_distinct_stable_package_names() {
        let a = package_for(Path::new("/tmp/a"));
        assert_eq!(a, package_for(Path::new("/tmp/a")));
        assert_ne!(a, package_for(Path::new("/tmp/b")));
        assert!(a.starts_with("asl-conformance-cases-"));
    }

    #[test]
    fn module_names_are_identifiers() {
        assert_eq!(module_name("Ls-Choice.1"), "case_ls_choice_1");
    }

    #[test]
    fn errors_in_a_case_file_are_attributed_to_it() {
        let error = CompilerError {
            rendered: "error: state `X` is unreachable".to_owned(),
            primary_files: vec!["src/case_b.rs".to_owned()],
            other_files: vec!["src/main.rs".to_owned()],
            in_scratch_package: true,
        };
        let attribution = attribute(&[error], &["case_a", "case_b"]);
        assert_eq!(attribution.by_module.keys().collect::<Vec<_>>(), ["case_b"]);
        assert!(attribution.unattributed.is_empty());
    }

    #[test]
    fn summaries_are_neither_attributed_nor_reported() {
        let error = CompilerError {
            rendered: "error: aborting due to 2 previous errors".to_owned(),
            primary_files: vec![],
            other_files: vec![],
            in_scratch_package: true,
        };
        assert_eq!(attribute(&[error], &["case_a"]), Attribution::default());
    }

    #[test]
    fn cargo_json_messages_name_the_expanded_file() {
        let line = r#"{"reason":"compiler-message","target":{"name":"asl-conformance-cases"},"message":{"level":"error","rendered":"error: bad","spans":[{"file_name":"/x/asl-runtime/src/lib.rs","is_primary":true,"expansion":{"span":{"file_name":"src/case_a.rs","is_primary":false}}}],"children":[]}}"#;
        let mut report = BuildReport::default();
        read_cargo_message(line, PACKAGE, &mut report);
        let attribution = attribute(&report.errors, &["case_a"]);
        assert!(attribution.by_module.contains_key("case_a"));
    }
}
