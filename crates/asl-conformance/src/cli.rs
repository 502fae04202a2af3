//! Command-line arguments.

use std::path::PathBuf;
use std::time::Duration;

pub const USAGE: &str = "\
usage: asl-conformance <cases-dir> [options]

Compiles every case folder under <cases-dir> with `asl!`, runs it on paused time with Lambda
function ARNs as identity functions, and compares the outcome with expected.json.

options:
  --filter TEXT     only cases of category TEXT, or whose name contains TEXT (repeatable)
  --verbose, -v     show the first lines of each failure's difference or diagnostic
  --json FILE       also write every case's verdict to FILE as JSON
  --timeout SECS    wall-clock limit per case (default 10)
  --jobs N          cases run at the same time (default: the number of CPUs)
  --work-dir DIR    where the generated crate is written (default: target/asl-conformance);
                    it is built in the workspace's target folder to reuse its dependencies
  --asl-dir DIR     the `asl` facade crate to compile against (default: this workspace)
  --no-precheck     skip expanding each case with the code generator before the build
                    and let the compiler alone reject definitions
  --deny-failures   exit with status 1 when a case fails (default: 0 once the run completes,
                    so that `N passed, M failed` stays the last line even under `cargo run`)
  --help, -h        this text";

/// What the user asked for.
#[derive(Clone, Debug, PartialEq)]
pub struct Args {
    pub cases_dir: PathBuf,
    pub filters: Vec<String>,
    pub verbose: bool,
    pub timeout: Duration,
    pub jobs: Option<usize>,
    pub work_dir: Option<PathBuf>,
    pub asl_dir: Option<PathBuf>,
    pub precheck: bool,
    pub deny_failures: bool,
    pub json: Option<PathBuf>,
}

/// The result of parsing: run, or print the usage.
#[derive(Clone, Debug, PartialEq)]
pub enum Command {
    Run(Args),
    Help,
}

/// Parses the arguments after the program name.
pub fn parse(args: impl IntoIterator<Item = String>) -> Result<Command, String> {
    let mut args = args.into_iter();
    let mut cases_dir = None;
    let mut filters = Vec::new();
    let mut verbose = false;
    let mut timeout = Duration::from_secs(10);
    let mut jobs = None;
    let mut work_dir = None;
    let mut asl_dir = None;
    let mut precheck = true;
    let mut deny_failures = false;
    let mut json = None;
    while let Some(arg) = args.next() {
        // `--name=value` is accepted as well as `--name value`.
        let (name, inline_value) = match arg.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n.to_owned(), Some(v.to_owned())),
            _ => (arg.clone(), None),
        };
        let mut value = |what: &str| -> Result<String, String> {
            inline_value
                .clone()
                .or_else(|| args.next())
                .ok_or_else(|| format!("{name} needs {what}"))
        };
        match name.as_str() {
            "--help" | "-h" => return Ok(Command::Help),
            "--verbose" | "-v" => verbose = true,
            "--no-precheck" => precheck = false,
            "--deny-failures" => deny_failures = true,
            "--json" => json = Some(PathBuf::from(value("a file")?)),
            "--filter" => filters.push(value("a category or part of a case name")?),
            "--timeout" => {
                let text = value("a number of seconds")?;
                let seconds: f64 = text
                    .parse()
                    .ok()
                    .filter(|s: &f64| s.is_finite() && *s > 0.0 && *s < 1.0e6)
                    .ok_or_else(|| {
                        format!("--timeout needs a positive number of seconds, not `{text}`")
                    })?;
                timeout = Duration::from_secs_f64(seconds);
            }
            "--jobs" | "-j" => {
                let text = value("a number")?;
                let n: usize =
                    text.parse().ok().filter(|n| *n > 0).ok_or_else(|| {
                        format!("--jobs needs a positive whole number, not `{text}`")
                    })?;
                jobs = Some(n);
            }
            "--work-dir" => work_dir = Some(PathBuf::from(value("a folder")?)),
            "--asl-dir" => asl_dir = Some(PathBuf::from(value("a folder")?)),
            other if other.starts_with('-') && other.len() > 1 => {
                return Err(format!("unknown option `{other}`"));
            }
            _ if cases_dir.is_none() => cases_dir = Some(PathBuf::from(arg)),
            _ => {
                return Err(format!(
                    "unexpected argument `{arg}`: only one cases folder"
                ));
            }
        }
    }
    let cases_dir = cases_dir.ok_or("missing the cases folder")?;
    Ok(Command::Run(Args {
        cases_dir,
        filters,
        verbose,
        timeout,
        jobs,
        work_dir,
        asl_dir,
        precheck,
        deny_failures,
        json,
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_strs(args: &[&str]) -> Result<Command, String> {
        parse(args.iter().map(|s| (*s).to_owned()))
    }

    #[test]
    fn options_take_separate_or_inline_values() {
        let Ok(Command::Run(args)) = parse_strs(&[
            "cases",
            "--filter",
            "choice",
            "--filter=wait",
            "--timeout=2.5",
            "-j",
            "3",
        ]) else {
            panic!("expected a run");
        };
        assert_eq!(args.cases_dir, PathBuf::from("cases"));
        assert_eq!(args.filters, ["choice", "wait"]);
        assert_eq!(args.timeout, Duration::from_millis(2500));
        assert_eq!(args.jobs, Some(3));
    }

    #[test]
    fn a_zero_timeout_is_refused() {
        assert!(parse_strs(&["cases", "--timeout", "0"]).is_err());
    }

    #[test]
    fn the_cases_folder_is_required() {
        assert_eq!(
            parse_strs(&["--verbose"]),
            Err("missing the cases folder".to_owned())
        );
    }
}
