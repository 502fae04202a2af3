//! Reading case folders: `definition.json`, `input.json`, `expected.json`, `source.json`.
//!
//! A broken case never stops a run: it becomes a [`CaseError`] that names the folder, the file
//! and what is wrong with it, and is reported as a failure.

use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};

use serde_json::Value;

use crate::compare::Outcome;

/// The category of cases whose `source.json` is missing or names none.
pub const UNCATEGORIZED: &str = "uncategorized";

/// The language a definition file is written in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefinitionFormat {
    Json,
    Yaml,
}

/// What AWS recorded for a case.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    pub outcome: Outcome,
    /// Tokens that stand for any text inside expected strings.
    pub placeholders: Vec<String>,
}

/// One readable case.
#[derive(Clone, Debug)]
pub struct Case {
    /// The folder's name.
    pub name: String,
    pub dir: PathBuf,
    pub category: String,
    pub definition_path: PathBuf,
    pub definition_format: DefinitionFormat,
    pub definition_text: String,
    pub input_path: PathBuf,
    pub input: Value,
    pub expected: Expected,
}

/// A case folder that could not be read.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseError {
    pub name: String,
    pub dir: PathBuf,
    /// The category, when `source.json` could be read.
    pub category: String,
    pub message: String,
}

impl fmt::Display for CaseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "case `{}`: {}", self.name, self.message)
    }
}

impl std::error::Error for CaseError {}

/// The case folders under `root`, sorted by name. `root` itself counts as the only case when it
/// holds a definition.
pub fn discover(root: &Path) -> Result<Vec<PathBuf>, String> {
    if definition_file(root).is_some() {
        return Ok(vec![root.to_path_buf()]);
    }
    let entries = fs::read_dir(root)
        .map_err(|e| format!("cannot read cases folder {}: {e}", root.display()))?;
    let mut dirs = Vec::new();
    for entry in entries {
        let entry =
            entry.map_err(|e| format!("cannot read cases folder {}: {e}", root.display()))?;
        let path = entry.path();
        let hidden = entry.file_name().to_string_lossy().starts_with('.');
        if path.is_dir() && !hidden {
            dirs.push(path);
        }
    }
    dirs.sort();
    Ok(dirs)
}

/// Reads every case under `root`: the readable ones and the broken ones, each sorted by name.
pub fn read_all(root: &Path) -> Result<(Vec<Case>, Vec<CaseError>), String> {
    let mut cases = Vec::new();
    let mut errors = Vec::new();
    for dir in discover(root)? {
        match read_case(&dir) {
            Ok(case) => cases.push(case),
            Err(error) => errors.push(error),
        }
    }
    Ok((cases, errors))
}

/// Reads one case folder.
pub fn read_case(dir: &Path) -> Result<Case, CaseError> {
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| dir.display().to_string());
    let mut error = CaseError {
        name: name.clone(),
        dir: dir.to_path_buf(),
        category: UNCATEGORIZED.to_owned(),
        message: String::new(),
    };
    let fail = |error: &mut CaseError, message: String| {
        error.message = message;
        error.clone()
    };

    let category = read_category(dir).map_err(|m| fail(&mut error, m))?;
    error.category.clone_from(&category);

    let Some((definition_path, definition_format)) = definition_file(dir) else {
        return Err(fail(&mut error, "definition.json is missing".to_owned()));
    };
    let definition_text = read_text(&definition_path).map_err(|m| fail(&mut error, m))?;
    if definition_format == DefinitionFormat::Json {
        // The compiler reports definition errors itself; this only catches a file that is not
        // JSON at all, which would otherwise be blamed on the compiler.
        parse_json(&definition_path, &definition_text).map_err(|m| fail(&mut error, m))?;
    }

    let input_path = dir.join("input.json");
    let input = read_json(&input_path).map_err(|m| fail(&mut error, m))?;

    let expected_path = dir.join("expected.json");
    let expected = read_json(&expected_path)
        .and_then(|value| {
            parse_expected(&value).map_err(|m| format!("{}: {m}", expected_path.display()))
        })
        .map_err(|m| fail(&mut error, m))?;

    Ok(Case {
        name,
        dir: dir.to_path_buf(),
        category,
        definition_path,
        definition_format,
        definition_text,
        input_path,
        input,
        expected,
    })
}

/// Reads an `expected.json` value.
pub fn parse_expected(value: &Value) -> Result<Expected, String> {
    let outcome = Outcome::from_json(value)?;
    let placeholders = match value.get("placeholders") {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::Array(items)) => items
            .iter()
            .map(|item| match item {
                Value::String(s) if !s.is_empty() => Ok(s.clone()),
                _ => Err("`placeholders` must list non-empty strings".to_owned()),
            })
            .collect::<Result<_, _>>()?,
        Some(_) => return Err("`placeholders` must be a list of strings".to_owned()),
    };
    Ok(Expected {
        outcome,
        placeholders,
    })
}

fn read_category(dir: &Path) -> Result<String, String> {
    let path = dir.join("source.json");
    if !path.exists() {
        return Ok(UNCATEGORIZED.to_owned());
    }
    let value = read_json(&path)?;
    match value.get("category") {
        None | Some(Value::Null) => Ok(UNCATEGORIZED.to_owned()),
        Some(Value::String(s)) if !s.trim().is_empty() => Ok(s.trim().to_owned()),
        Some(_) => Err(format!(
            "{}: `category` must be a non-empty string",
            path.display()
        )),
    }
}

fn definition_file(dir: &Path) -> Option<(PathBuf, DefinitionFormat)> {
    [
        ("definition.json", DefinitionFormat::Json),
        ("definition.yaml", DefinitionFormat::Yaml),
        ("definition.yml", DefinitionFormat::Yaml),
    ]
    .into_iter()
    .map(|(file, format)| (dir.join(file), format))
    .find(|(path, _)| path.is_file())
}

fn read_text(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| {
        let file = path.display();
        if e.kind() == std::io::ErrorKind::NotFound {
            format!("{file} is missing")
        } else {
            format!("cannot read {file}: {e}")
        }
    })
}

fn read_json(path: &Path) -> Result<Value, String> {
    let text = read_text(path)?;
    parse_json(path, &text)
}

fn parse_json(path: &Path, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{} is not valid JSON: {e}", path.display()))
}
