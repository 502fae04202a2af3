//! A whole run: read, select, pre-check, build, execute, compare.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::thread;
use std::time::Duration;

use crate::case::{self, Case, CaseError};
use crate::compare;
use crate::exec;
use crate::report::{CaseResult, Verdict};
use crate::scratch::{self, Entry, Layout};

/// Everything a run needs to know.
#[derive(Clone, Debug)]
pub struct Config {
    pub cases_dir: PathBuf,
    /// Category names or parts of case names; a case is selected when any of them fits.
    pub filters: Vec<String>,
    pub timeout: Duration,
    pub jobs: usize,
    /// Where the scratch crate is written.
    pub work_dir: PathBuf,
    /// Cargo's target folder for the scratch crate.
    pub target_dir: PathBuf,
    /// The scratch crate's package name.
    pub package: String,
    /// The folder of the `asl` facade crate.
    pub asl_dir: PathBuf,
    /// A `Cargo.lock` for the scratch crate to start from.
    pub lockfile: Option<PathBuf>,
    /// Expand each case with the code generator first (when built with the `precheck`
    /// feature), so that definitions the compiler would refuse cost no build round.
    pub precheck: bool,
}

/// The workspace this runner was built in (its `asl` facade is at the root).
pub fn workspace_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir
        .ancestors()
        .nth(2)
        .unwrap_or(manifest_dir)
        .to_path_buf()
}

/// Which cases `--filter` selects: a filter that is the name of a category selects that
/// category; any other selects the cases whose names contain it. No filter selects everything.
#[derive(Clone, Debug)]
pub struct Selection<'a> {
    filters: &'a [String],
    categories: BTreeSet<&'a str>,
}

impl<'a> Selection<'a> {
    /// A selection by `filters` among cases of `categories`.
    pub fn new(filters: &'a [String], categories: impl IntoIterator<Item = &'a str>) -> Self {
        Selection {
            filters,
            categories: categories.into_iter().collect(),
        }
    }

    pub fn selects(&self, name: &str, category: &str) -> bool {
        self.filters.is_empty()
            || self.filters.iter().any(|filter| {
                if self.categories.contains(filter.as_str()) {
                    category == filter
                } else {
                    name.contains(filter.as_str())
                }
            })
    }
}

/// Runs every selected case; results come sorted by case name. Errors are only about the run as
/// a whole (an unreadable cases folder); each case's problems are part of its result.
pub fn run(config: &Config, log: &mut dyn FnMut(&str)) -> Result<Vec<CaseResult>, String> {
    let (cases, broken) = case::read_all(&config.cases_dir)?;
    let selection = Selection::new(
        &config.filters,
        cases
            .iter()
            .map(|c| c.category.as_str())
            .chain(broken.iter().map(|e| e.category.as_str())),
    );
    let selected = |name: &str, category: &str| selection.selects(name, category);

    let mut results: Vec<CaseResult> = broken
        .iter()
        .filter(|e| selected(&e.name, &e.category))
        .map(unreadable)
        .collect();
    let cases: Vec<&Case> = cases
        .iter()
        .filter(|c| selected(&c.name, &c.category))
        .collect();
    let unreadable_count = results.len();
    log(&format!(
        "{} case(s) selected, {unreadable_count} unreadable",
        cases.len(),
    ));

    let mut to_build = Vec::new();
    let started = std::time::Instant::now();
    for case in cases {
        match config.precheck.then(|| precheck(case)).flatten() {
            Some(diagnostic) => results.push(CaseResult {
                name: case.name.clone(),
                category: case.category.clone(),
                verdict: Verdict::Rejected { diagnostic },
            }),
            None => to_build.push(case),
        }
    }
    if config.precheck {
        log(&format!(
            "  expanded them in {:.1} s: {} rejected by the code generator",
            started.elapsed().as_secs_f64(),
            results.len() - unreadable_count
        ));
    }

    if !to_build.is_empty() {
        let entries = scratch::entries(&to_build);
        let layout = Layout {
            dir: config.work_dir.clone(),
            target_dir: config.target_dir.clone(),
            package: config.package.clone(),
            asl_dir: config.asl_dir.clone(),
            lockfile: config.lockfile.clone(),
        };
        let built = scratch::build(&layout, &entries, log)?;
        for (case, entry) in to_build.iter().zip(&entries) {
            if let Some(diagnostic) = built.rejected.get(&entry.module) {
                results.push(CaseResult {
                    name: case.name.clone(),
                    category: case.category.clone(),
                    verdict: Verdict::Rejected {
                        diagnostic: diagnostic.clone(),
                    },
                });
            }
        }
        if let Some(program) = &built.program {
            let runnable: Vec<(&Case, &Entry)> = to_build
                .iter()
                .copied()
                .zip(&entries)
                .filter(|(_, entry)| built.accepted.contains(&entry.module))
                .collect();
            log(&format!("running {} case(s)…", runnable.len()));
            let started = std::time::Instant::now();
            results.extend(execute_all(program, &runnable, config));
            log(&format!(
                "  ran them in {:.1} s",
                started.elapsed().as_secs_f64()
            ));
        }
    }

    results.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(results)
}

#[cfg(feature = "precheck")]
fn precheck(case: &Case) -> Option<String> {
    crate::precheck::check(case)
}

/// Without the code generator, every definition goes to the compiler.
#[cfg(not(feature = "precheck"))]
fn precheck(_case: &Case) -> Option<String> {
    None
}

fn unreadable(error: &CaseError) -> CaseResult {
    CaseResult {
        name: error.name.clone(),
        category: error.category.clone(),
        verdict: Verdict::Failed {
            reason: format!("unreadable case: {}", error.message),
            details: Vec::new(),
        },
    }
}

/// Runs the cases on `config.jobs` threads, each case in its own process.
fn execute_all(program: &Path, runnable: &[(&Case, &Entry)], config: &Config) -> Vec<CaseResult> {
    let next = AtomicUsize::new(0);
    let results = Mutex::new(Vec::with_capacity(runnable.len()));
    thread::scope(|scope| {
        for _ in 0..config.jobs.max(1) {
            scope.spawn(|| {
                while let Some((case, entry)) = runnable.get(next.fetch_add(1, Ordering::Relaxed)) {
                    let result = execute(program, case, entry, config.timeout);
                    // A poisoned lock only means another worker panicked; its data is intact.
                    results
                        .lock()
                        .unwrap_or_else(|poisoned| poisoned.into_inner())
                        .push(result);
                }
            });
        }
    });
    results
        .into_inner()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

fn execute(program: &Path, case: &Case, entry: &Entry, timeout: Duration) -> CaseResult {
    let verdict = match exec::run_case(program, &entry.module, &case.input_path, timeout) {
        Ok(actual) => verdict(case, &actual),
        Err(failure) => Verdict::Failed {
            reason: failure.reason,
            details: failure.details,
        },
    };
    CaseResult {
        name: case.name.clone(),
        category: case.category.clone(),
        verdict,
    }
}

/// The verdict on `actual` against the case's expectation.
pub fn verdict(case: &Case, actual: &compare::Outcome) -> Verdict {
    let comparison = compare::compare(&case.expected.outcome, actual, &case.expected.placeholders);
    if comparison.passed {
        Verdict::Passed {
            strict: comparison.strict,
            differences: comparison.differences,
        }
    } else {
        let mut differences = comparison.differences.into_iter();
        let reason = differences
            .next()
            .unwrap_or_else(|| "the outcome differs".to_owned());
        Verdict::Failed {
            reason,
            details: differences.collect(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn filters(items: &[&str]) -> Vec<String> {
        items.iter().map(|s| (*s).to_owned()).collect()
    }

    #[test]
    fn a_category_name_selects_only_that_category() {
        let f = filters(&["map"]);
        let selection = Selection::new(&f, ["map", "map-distributed"]);
        assert!(selection.selects("anything", "map"));
        assert!(!selection.selects("a_map_case", "map-distributed"));
    }

    #[test]
    fn other_filters_match_parts_of_names() {
        let f = filters(&["wait_seconds"]);
        let selection = Selection::new(&f, ["wait"]);
        assert!(selection.selects("ls_wait_seconds_path", "wait"));
        assert!(!selection.selects("ls_wait_timestamp", "wait"));
    }

    #[test]
    fn any_of_several_filters_selects() {
        let f = filters(&["choice", "uuid"]);
        let selection = Selection::new(&f, ["choice", "intrinsics"]);
        assert!(selection.selects("x", "choice"));
        assert!(selection.selects("make_uuid", "intrinsics"));
        assert!(!selection.selects("hash", "intrinsics"));
    }

    #[test]
    fn no_filter_selects_everything() {
        let selection = Selection::new(&[], ["choice"]);
        assert!(selection.selects("x", "y"));
    }
}
