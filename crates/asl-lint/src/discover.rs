//! From command-line inputs to the list of files to check.

use std::path::{Path, PathBuf};

/// One file to check.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Input {
    /// A file on disk. `explicit` files were named (or matched by a glob) on
    /// the command line; the others were found by searching a directory and
    /// are skipped when they are neither definitions nor templates.
    File {
        path: PathBuf,
        display: String,
        explicit: bool,
    },
    /// Standard input.
    Stdin,
}

/// Directories a search never enters: dependencies, build output, VCS data.
const SKIPPED_DIRS: &[&str] = &["node_modules", "target", "cdk.out"];

/// Expands inputs into files. Problems (a path that does not exist, a glob
/// that matches nothing) are collected in `errors`, and the other inputs are
/// still expanded.
pub fn expand(
    inputs: &[String],
    excluded: &dyn Fn(&Path) -> bool,
    errors: &mut Vec<String>,
) -> Vec<Input> {
    let mut out = Vec::new();
    let default = [".".to_owned()];
    let inputs = if inputs.is_empty() {
        &default[..]
    } else {
        inputs
    };
    for input in inputs {
        if input == "-" {
            out.push(Input::Stdin);
            continue;
        }
        let path = Path::new(input);
        // One `stat` per input: batches from pre-commit name thousands of files.
        let metadata = std::fs::metadata(path).ok();
        if metadata.as_ref().is_some_and(std::fs::Metadata::is_dir) {
            walk(path, excluded, &mut out);
        } else if metadata.as_ref().is_some_and(std::fs::Metadata::is_file) {
            out.push(Input::File {
                path: path.to_path_buf(),
                display: display(path),
                explicit: true,
            });
        } else if input.contains(['*', '?', '[']) {
            expand_glob(input, excluded, &mut out, errors);
        } else {
            errors.push(format!("{input}: no such file or directory"));
        }
    }
    out
}

fn expand_glob(
    pattern: &str,
    excluded: &dyn Fn(&Path) -> bool,
    out: &mut Vec<Input>,
    errors: &mut Vec<String>,
) {
    let paths = match glob::glob(pattern) {
        Ok(paths) => paths,
        Err(e) => {
            errors.push(format!("{pattern}: invalid glob pattern: {e}"));
            return;
        }
    };
    let before = out.len();
    for entry in paths {
        match entry {
            Ok(path) if path.is_dir() => walk(&path, excluded, out),
            Ok(path) if path.is_file() => out.push(Input::File {
                display: display(&path),
                path,
                explicit: true,
            }),
            Ok(_) => {}
            Err(e) => errors.push(format!("{}: {}", e.path().display(), e.error())),
        }
    }
    if out.len() == before {
        errors.push(format!("{pattern}: no file matches this pattern"));
    }
}

/// Searches a directory recursively, in a stable (sorted) order.
fn walk(root: &Path, excluded: &dyn Fn(&Path) -> bool, out: &mut Vec<Input>) {
    let mut stack = vec![root.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut entries: Vec<(PathBuf, bool)> = entries
            .filter_map(Result::ok)
            .map(|e| {
                let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
                (e.path(), is_dir)
            })
            .collect();
        entries.sort();
        let mut subdirs = Vec::new();
        for (path, is_dir) in entries {
            let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
            if excluded(&path) {
                continue;
            }
            if is_dir {
                if !name.starts_with('.') && !SKIPPED_DIRS.contains(&name) {
                    subdirs.push(path);
                }
            } else if is_candidate(name) {
                out.push(Input::File {
                    display: display(&path),
                    path,
                    explicit: false,
                });
            }
        }
        // Reversed so that popping visits them in sorted order.
        stack.extend(subdirs.into_iter().rev());
    }
}

/// Whether a searched file may hold a definition or template (its content decides).
fn is_candidate(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [".json", ".yaml", ".yml"]
        .iter()
        .any(|ext| lower.ends_with(ext))
}

/// Whether a file name says it is a definition (`*.asl.json`, `*.asl.yaml`, `*.asl.yml`).
pub fn is_definition_name(name: &str) -> bool {
    [".asl.json", ".asl.yaml", ".asl.yml"]
        .iter()
        .any(|ext| asl_model::source::ends_with_ignoring_case(name, ext))
}

/// A path as shown in findings: forward slashes, without a leading `./`.
pub fn display(path: &Path) -> String {
    let lossy = path.to_string_lossy();
    // Copied once more only when there are backslashes to turn.
    let turned;
    let text = if lossy.contains('\\') {
        turned = lossy.replace('\\', "/");
        turned.as_str()
    } else {
        &lossy
    };
    let mut rest = text;
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped;
    }
    rest.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_drops_leading_dot_slash() {
        assert_eq!(display(Path::new("./flows/a.asl.json")), "flows/a.asl.json");
    }

    #[test]
    fn display_turns_backslashes_before_dropping_dot_slash() {
        assert_eq!(
            display(Path::new(".\\flows\\a.asl.json")),
            "flows/a.asl.json"
        );
    }

    #[test]
    fn definition_names_are_recognised_case_insensitively() {
        assert!(is_definition_name("Order.ASL.Yml"));
        assert!(!is_definition_name("template.yaml"));
    }

    #[test]
    fn missing_paths_are_reported_and_others_kept() {
        let mut errors = Vec::new();
        let inputs = expand(
            &["-".to_owned(), "surely/not/here.json".to_owned()],
            &|_| false,
            &mut errors,
        );
        assert_eq!(inputs, vec![Input::Stdin]);
        assert_eq!(errors, ["surely/not/here.json: no such file or directory"]);
    }
}
