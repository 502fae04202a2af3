#![forbid(unsafe_code)]
//! Links the `asl-lint` executable position-dependent on Linux with glibc.
//!
//! A position-independent executable is relocated by the dynamic loader at
//! every start: about 17,600 relative relocations that write into some 80
//! pages of read-only-after-relocation data (vtables, the rule and service
//! tables). For a linter that pre-commit starts once per file that was a
//! third of the instructions of checking a small definition, and 40% of its
//! page faults. Without PIE the addresses are fixed at link time and those
//! pages stay shared with the file. Shared libraries, stack and heap are
//! still placed at random; the executable's own code no longer is.
fn main() {
    println!("cargo:rerun-if-changed=build.rs");
    let os = std::env::var("CARGO_CFG_TARGET_OS").unwrap_or_default();
    let env = std::env::var("CARGO_CFG_TARGET_ENV").unwrap_or_default();
    if os == "linux" && env == "gnu" {
        println!("cargo:rustc-link-arg-bin=asl-lint=-no-pie");
    }
}
