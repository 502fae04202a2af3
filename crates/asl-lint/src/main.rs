#![forbid(unsafe_code)]
//! `asl-lint` binary: see `asl-lint --help`.

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(asl_lint::main_with_process_io())
}
