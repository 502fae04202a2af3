#![forbid(unsafe_code)]
//! `asl-lint` binary: see `asl-lint --help`.

// Checking allocates many small, short-lived objects; mimalloc serves them
// in a fraction of glibc's instructions (see docs/benchmarks-model.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    std::process::ExitCode::from(asl_lint::main_with_process_io())
}
