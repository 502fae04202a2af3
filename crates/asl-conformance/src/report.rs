//! Verdicts per case, the table per category and the closing line.

use std::collections::BTreeMap;
use std::fmt::Write as _;

/// What happened to one case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    /// The outcome matched; `strict` when the cause of a failure matched as well, else
    /// `differences` says how the cause differs.
    Passed {
        strict: bool,
        differences: Vec<String>,
    },
    /// The machine ran (or tried to) and the outcome did not match, or it panicked, hung or the
    /// case could not be read. `details` are the differences, most important first.
    Failed {
        reason: String,
        details: Vec<String>,
    },
    /// The compiler refused the definition; `diagnostic` is its message.
    Rejected { diagnostic: String },
}

/// The verdict on one named case.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaseResult {
    pub name: String,
    pub category: String,
    pub verdict: Verdict,
}

/// Counts for one category (or for all).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub passed: usize,
    pub strict: usize,
    pub failed: usize,
    pub rejected: usize,
}

impl Tally {
    pub fn total(&self) -> usize {
        self.passed + self.failed + self.rejected
    }

    fn add(&mut self, verdict: &Verdict) {
        match verdict {
            Verdict::Passed { strict, .. } => {
                self.passed += 1;
                self.strict += usize::from(*strict);
            }
            Verdict::Failed { .. } => self.failed += 1,
            Verdict::Rejected { .. } => self.rejected += 1,
        }
    }
}

/// Counts per category, sorted by category name, and the overall counts.
pub fn tally(results: &[CaseResult]) -> (BTreeMap<String, Tally>, Tally) {
    let mut per_category: BTreeMap<String, Tally> = BTreeMap::new();
    let mut all = Tally::default();
    for result in results {
        per_category
            .entry(result.category.clone())
            .or_default()
            .add(&result.verdict);
        all.add(&result.verdict);
    }
    (per_category, all)
}

/// The table per category.
pub fn table(results: &[CaseResult]) -> String {
    let (per_category, all) = tally(results);
    let width = per_category
        .keys()
        .map(|k| k.chars().count())
        .chain([8])
        .max()
        .unwrap_or(8);
    let mut out = String::new();
    let _ = writeln!(
        out,
        "{:<width$}  {:>6}  {:>6}  {:>8}  {:>6}  {:>6}  {:>6}",
        "category", "passed", "failed", "rejected", "total", "pass%", "strict"
    );
    let mut row = |name: &str, t: &Tally| {
        let percent = if t.total() == 0 {
            0.0
        } else {
            100.0 * t.passed as f64 / t.total() as f64
        };
        let _ = writeln!(
            out,
            "{:<width$}  {:>6}  {:>6}  {:>8}  {:>6}  {:>5.1}%  {:>6}",
            name,
            t.passed,
            t.failed,
            t.rejected,
            t.total(),
            percent,
            t.strict
        );
    };
    for (name, t) in &per_category {
        row(name, t);
    }
    row("all", &all);
    out
}

/// One block per case that did not pass (with `verbose`, also per case that passed only
/// loosely); with `verbose`, the first lines of its difference or diagnostic, otherwise only
/// the first.
pub fn failures(results: &[CaseResult], verbose: bool) -> String {
    const MAX_LINES: usize = 12;
    let mut out = String::new();
    for result in results {
        let (label, headline, details): (&str, &str, Vec<&str>) = match &result.verdict {
            Verdict::Passed { strict: true, .. } => continue,
            Verdict::Passed { differences, .. } => {
                if !verbose {
                    continue;
                }
                let mut lines = differences.iter().map(String::as_str);
                let first = lines.next().unwrap_or("the cause differs");
                ("LOOSE", first, lines.collect())
            }
            Verdict::Failed { reason, details } => (
                "FAILED",
                reason,
                details.iter().map(String::as_str).collect(),
            ),
            Verdict::Rejected { diagnostic } => {
                let mut lines = diagnostic.lines().filter(|l| !l.trim().is_empty());
                let first = lines.next().unwrap_or("rejected by the compiler");
                ("REJECTED", first, lines.collect())
            }
        };
        let _ = writeln!(
            out,
            "{label} {} [{}]: {headline}",
            result.name, result.category
        );
        if verbose {
            for line in details.iter().take(MAX_LINES) {
                let _ = writeln!(out, "    {line}");
            }
            if details.len() > MAX_LINES {
                let _ = writeln!(out, "    … {} more lines", details.len() - MAX_LINES);
            }
        }
    }
    out
}

/// The reasons cases did not pass, most frequent first, with how many cases each:
/// rejections grouped by the compiler's message (without its location), failures by their
/// first difference.
pub fn reasons(results: &[CaseResult]) -> Vec<(usize, String)> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for result in results {
        let reason = match &result.verdict {
            Verdict::Passed { .. } => continue,
            Verdict::Failed { reason, .. } => reason.clone(),
            Verdict::Rejected { diagnostic } => {
                let first = diagnostic
                    .lines()
                    .find(|l| !l.trim().is_empty())
                    .unwrap_or("rejected by the compiler");
                format!("rejected: {}", without_location(first))
            }
        };
        *counts.entry(reason).or_default() += 1;
    }
    let mut reasons: Vec<(usize, String)> = counts.into_iter().map(|(r, n)| (n, r)).collect();
    reasons.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    reasons
}

/// `error: file.json:4:40: message` → `message`.
fn without_location(line: &str) -> &str {
    let line = line.strip_prefix("error: ").unwrap_or(line);
    let mut parts = line.splitn(4, ':');
    match (parts.next(), parts.next(), parts.next(), parts.next()) {
        (Some(_file), Some(row), Some(column), Some(rest))
            if row.trim().parse::<u32>().is_ok() && column.trim().parse::<u32>().is_ok() =>
        {
            rest.trim_start()
        }
        _ => line,
    }
}

/// Every result as JSON, for tools: `[{"name", "category", "verdict": "passed" | "failed" |
/// "rejected", "strict", "message", "details"}]`.
pub fn to_json(results: &[CaseResult]) -> serde_json::Value {
    let rows = results.iter().map(|result| {
        let (verdict, strict, message, details): (&str, bool, Option<&str>, &[String]) =
            match &result.verdict {
                Verdict::Passed {
                    strict,
                    differences,
                } => ("passed", *strict, None, differences),
                Verdict::Failed { reason, details } => ("failed", false, Some(reason), details),
                Verdict::Rejected { diagnostic } => {
                    ("rejected", false, Some(diagnostic.as_str()), &[])
                }
            };
        serde_json::json!({
            "name": result.name,
            "category": result.category,
            "verdict": verdict,
            "strict": strict,
            "message": message,
            "details": details,
        })
    });
    serde_json::Value::Array(rows.collect())
}

/// The closing line: rejected cases count as failed.
pub fn summary_line(results: &[CaseResult]) -> String {
    let (_, all) = tally(results);
    format!(
        "{} passed, {} failed",
        all.passed,
        all.failed + all.rejected
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn result(name: &str, category: &str, verdict: Verdict) -> CaseResult {
        CaseResult {
            name: name.to_owned(),
            category: category.to_owned(),
            verdict,
        }
    }

    #[test]
    fn rejected_cases_count_as_failed_in_the_summary() {
        let results = [
            result(
                "a",
                "x",
                Verdict::Passed {
                    strict: true,
                    differences: vec![],
                },
            ),
            result(
                "b",
                "x",
                Verdict::Rejected {
                    diagnostic: "no".to_owned(),
                },
            ),
            result(
                "c",
                "y",
                Verdict::Failed {
                    reason: "differs".to_owned(),
                    details: vec![],
                },
            ),
        ];
        assert_eq!(summary_line(&results), "1 passed, 2 failed");
    }

    #[test]
    fn reasons_group_rejections_without_their_location() {
        let rejected = |name: &str, diagnostic: &str| {
            result(
                name,
                "x",
                Verdict::Rejected {
                    diagnostic: diagnostic.to_owned(),
                },
            )
        };
        let results = [
            rejected(
                "a",
                "error: definitions/a.json:3:9: a JSONata state is not supported\nsnippet",
            ),
            rejected("b", "definition.json:7:1: a JSONata state is not supported"),
            rejected("c", "error: something else"),
        ];
        assert_eq!(
            reasons(&results),
            [
                (2, "rejected: a JSONata state is not supported".to_owned()),
                (1, "rejected: something else".to_owned()),
            ]
        );
    }

    #[test]
    fn json_rows_name_the_verdict() {
        let results = [result(
            "b",
            "x",
            Verdict::Rejected {
                diagnostic: "unsupported".to_owned(),
            },
        )];
        assert_eq!(
            to_json(&results),
            serde_json::json!([{
                "name": "b", "category": "x", "verdict": "rejected", "strict": false,
                "message": "unsupported", "details": [],
            }])
        );
    }

    #[test]
    fn table_has_a_row_per_category_and_a_total_row() {
        let results = [
            result(
                "a",
                "choice",
                Verdict::Passed {
                    strict: false,
                    differences: vec![],
                },
            ),
            result(
                "b",
                "wait",
                Verdict::Passed {
                    strict: true,
                    differences: vec![],
                },
            ),
        ];
        let text = table(&results);
        let rows: Vec<&str> = text
            .lines()
            .map(|l| l.split_whitespace().next().unwrap_or(""))
            .collect();
        assert_eq!(rows, ["category", "choice", "wait", "all"]);
    }
}
