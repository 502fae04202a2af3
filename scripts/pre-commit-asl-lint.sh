#!/usr/bin/env bash
# Entry of the `asl-lint` pre-commit hook: builds the linter from this
# repository once (pre-commit keeps one clone per revision), then runs it.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="$here/target/release/asl-lint"
if [ ! -x "$bin" ]; then
  cargo build --quiet --release -p asl-lint --manifest-path "$here/Cargo.toml" >&2
fi
exec "$bin" "$@"
