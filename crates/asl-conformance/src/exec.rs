//! Running one compiled case in a child process, with a wall-clock limit.
//!
//! A child per case isolates panics, aborts and hangs: whatever it does, the run goes on.

use std::io::Read;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant};

use serde_json::Value;

use crate::compare::Outcome;

/// The prefix of the line on which the generated binary prints a case's outcome, so that anything
/// else the machine prints cannot be mistaken for it.
pub const RESULT_MARKER: &str = "@@asl-conformance-outcome ";

/// Why a case produced no outcome.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RunFailure {
    /// One line: "panicked", "timed out after 10 s", …
    pub reason: String,
    /// What the child wrote to stderr (its first lines), for `--verbose`.
    pub details: Vec<String>,
}

/// Runs `program case_id input_path` and reads the outcome line it prints.
pub fn run_case(
    program: &Path,
    case_id: &str,
    input_path: &Path,
    timeout: Duration,
) -> Result<Outcome, RunFailure> {
    let child = Command::new(program)
        .arg(case_id)
        .arg(input_path)
        .env("RUST_BACKTRACE", "0")
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| RunFailure {
            reason: format!("cannot start {}: {e}", program.display()),
            details: Vec::new(),
        })?;
    let finished = wait_with_timeout(child, timeout).map_err(|reason| RunFailure {
        reason,
        details: Vec::new(),
    })?;
    interpret(finished, timeout)
}

/// A child that ended (or was stopped at its deadline) and what it wrote.
#[derive(Debug)]
pub struct Finished {
    pub timed_out: bool,
    /// `None` when killed by a signal.
    pub exit_code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
}

fn wait_with_timeout(mut child: Child, timeout: Duration) -> Result<Finished, String> {
    // Pipes are drained on their own threads so a chatty child cannot block on a full pipe.
    let stdout = child.stdout.take().map(drain);
    let stderr = child.stderr.take().map(drain);
    let deadline = Instant::now() + timeout;
    let mut timed_out = false;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break status,
            Ok(None) if Instant::now() >= deadline => {
                timed_out = true;
                // Killing can only fail when the child has just exited; wait() then reaps it.
                let _ = child.kill();
                break child
                    .wait()
                    .map_err(|e| format!("cannot wait for the case's process: {e}"))?;
            }
            Ok(None) => thread::sleep(Duration::from_millis(2)),
            Err(e) => return Err(format!("cannot wait for the case's process: {e}")),
        }
    };
    // A grandchild may still hold a pipe open after the child ended or was killed; its output
    // is not worth waiting for.
    let grace = if timed_out {
        Duration::from_millis(200)
    } else {
        Duration::from_secs(2)
    };
    let give_up = Instant::now() + grace;
    let collect = |pipe: Option<mpsc::Receiver<String>>| {
        pipe.and_then(|rx| {
            rx.recv_timeout(give_up.saturating_duration_since(Instant::now()))
                .ok()
        })
        .unwrap_or_default()
    };
    Ok(Finished {
        timed_out,
        exit_code: status.code(),
        stdout: collect(stdout),
        stderr: collect(stderr),
    })
}

fn drain(mut pipe: impl Read + Send + 'static) -> mpsc::Receiver<String> {
    let (tx, rx) = mpsc::channel();
    thread::spawn(move || {
        let mut bytes = Vec::new();
        let _ = pipe.read_to_end(&mut bytes);
        // The receiver may have stopped waiting; then the output is simply dropped.
        let _ = tx.send(String::from_utf8_lossy(&bytes).into_owned());
    });
    rx
}

/// Turns what a child did into an outcome or the reason there is none.
pub fn interpret(finished: Finished, timeout: Duration) -> Result<Outcome, RunFailure> {
    let details: Vec<String> = finished
        .stderr
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(40)
        .map(str::to_owned)
        .collect();
    if finished.timed_out {
        return Err(RunFailure {
            reason: format!(
                "timed out after {} s (wall clock; Wait states run on paused time)",
                timeout.as_secs_f64()
            ),
            details,
        });
    }
    let outcome_line = finished
        .stdout
        .lines()
        .rev()
        .find_map(|line| line.strip_prefix(RESULT_MARKER));
    match (finished.exit_code, outcome_line) {
        (Some(0), Some(line)) => serde_json::from_str::<Value>(line)
            .map_err(|e| e.to_string())
            .and_then(|value| Outcome::from_json(&value))
            .map_err(|e| RunFailure {
                reason: format!("the case printed an unreadable outcome: {e}"),
                details,
            }),
        (Some(0), None) => Err(RunFailure {
            reason: "the case printed no outcome".to_owned(),
            details,
        }),
        (code, _) => {
            let panicked = finished.stderr.contains("panicked at");
            let reason = match (panicked, code) {
                (true, _) => panic_headline(&finished.stderr),
                (false, Some(code)) => format!("the case's process exited with status {code}"),
                (false, None) => "the case's process was killed by a signal".to_owned(),
            };
            Err(RunFailure { reason, details })
        }
    }
}

/// "panicked: <message>" from a panic report on stderr.
fn panic_headline(stderr: &str) -> String {
    let mut lines = stderr.lines();
    let message = lines
        .by_ref()
        .find(|l| l.contains("panicked at"))
        .and_then(|_| lines.next())
        .unwrap_or("")
        .trim();
    if message.is_empty() {
        "panicked".to_owned()
    } else {
        format!("panicked: {message}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn finished(exit_code: Option<i32>, stdout: &str, stderr: &str) -> Finished {
        Finished {
            timed_out: false,
            exit_code,
            stdout: stdout.to_owned(),
            stderr: stderr.to_owned(),
        }
    }

    #[test]
    fn the_last_marked_line_is_the_outcome() {
        let out = format!(
            "noise\n{RESULT_MARKER}{{\"status\":\"SUCCEEDED\",\"output\":1}}\n{RESULT_MARKER}{{\"status\":\"SUCCEEDED\",\"output\":2}}\n"
        );
        let outcome = interpret(finished(Some(0), &out, ""), Duration::from_secs(1));
        assert_eq!(
            outcome,
            Ok(Outcome::Succeeded {
                output: serde_json::json!(2)
            })
        );
    }

    #[test]
    fn a_panic_is_reported_with_its_message() {
        let stderr =
            "\nthread 'main' panicked at src/x.rs:1:1:\nboom\nnote: run with RUST_BACKTRACE\n";
        let failure = interpret(finished(Some(101), "", stderr), Duration::from_secs(1));
        assert_eq!(
            failure.map_err(|f| f.reason),
            Err("panicked: boom".to_owned())
        );
    }

    #[test]
    fn a_timeout_wins_over_anything_printed() {
        let mut f = finished(None, "", "");
        f.timed_out = true;
        let failure = interpret(f, Duration::from_secs(3));
        assert!(failure.is_err_and(|f| f.reason.starts_with("timed out after 3 s")));
    }
}
