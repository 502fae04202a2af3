//! `asl-lint.toml`: the same settings as the command line, kept in the repository.

use std::path::{Path, PathBuf};

use serde::Deserialize;

/// The file name looked up from the current directory upwards.
pub const FILE_NAME: &str = "asl-lint.toml";

/// The settings a configuration file may hold. Unknown keys are errors so a
/// typo does not silently do nothing.
#[derive(Clone, Debug, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct Config {
    #[serde(default)]
    pub express: bool,
    #[serde(default)]
    pub forbid_placeholders: bool,
    #[serde(default)]
    pub deny: Vec<String>,
    #[serde(default)]
    pub warn: Vec<String>,
    #[serde(default)]
    pub allow: Vec<String>,
    /// Glob patterns (relative to the configuration file's directory) of
    /// paths that directory searches skip. Files named on the command line
    /// are always checked.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// A folder of request schemas, relative to the configuration file.
    #[serde(default)]
    pub schemas: Option<String>,
}

/// A configuration read from disk, with the directory its patterns are relative to.
#[derive(Clone, Debug)]
pub struct Loaded {
    pub path: PathBuf,
    pub config: Config,
}

/// Finds the configuration file for `start`: the nearest `asl-lint.toml` in
/// `start` or a parent, not looking above the repository root (the first
/// directory that holds `.git`).
pub fn discover(start: &Path) -> Option<PathBuf> {
    for dir in start.ancestors() {
        let candidate = dir.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if dir.join(".git").exists() {
            return None;
        }
    }
    None
}

/// Reads and parses a configuration file; the error names the file and the place.
pub fn load(path: &Path) -> Result<Loaded, String> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read configuration {}: {e}", path.display()))?;
    let config =
        parse(&text).map_err(|e| format!("invalid configuration {}: {e}", path.display()))?;
    Ok(Loaded {
        path: path.to_path_buf(),
        config,
    })
}

pub fn parse(text: &str) -> Result<Config, String> {
    toml::from_str(text).map_err(|e| e.to_string().trim_end().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_key_is_read() {
        let config = parse(
            "express = true\nforbid-placeholders = true\ndeny = [\"warnings\"]\n\
             warn = [\"ASL040\"]\nallow = [\"style\"]\nexclude = [\"vendor/**\"]\n",
        )
        .expect("valid");
        assert!(config.express && config.forbid_placeholders);
        assert_eq!(config.deny, ["warnings"]);
        assert_eq!(config.warn, ["ASL040"]);
        assert_eq!(config.allow, ["style"]);
        assert_eq!(config.exclude, ["vendor/**"]);
    }

    #[test]
    fn unknown_keys_are_errors() {
        let err = parse("expres = true\n").expect_err("typo");
        assert!(err.contains("expres"), "{err}");
    }

    #[test]
    fn empty_file_is_the_default() {
        assert_eq!(parse("").expect("valid"), Config::default());
    }
}
