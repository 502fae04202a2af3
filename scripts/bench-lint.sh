#!/usr/bin/env bash
# Times asl-lint against the existing ASL validators on the same batch of
# definitions, in one run, and prints the ratios.
#
#   scripts/bench-lint.sh [DIR]
#
# DIR holds the definitions (*.json, searched recursively); without it a batch
# of 100 definitions is made from the linter's own test fixtures. The npm
# tools (asl-validator, @wmfs/statelint, amazon-states-language-service) are
# installed into a scratch folder (ASL_BENCH_DIR, default /tmp/asl-lint-bench),
# never into the repository. Needs node, npm and cargo.
#
# What is measured, each as the median of RUNS (default 5) runs:
# - batch: one process checks every file of the batch (start-up included),
#   wall time;
# - warm: definitions per second inside one process, on one thread, after a
#   warm-up (start-up and file reads excluded); for asl-lint this is the
#   `throughput` example of crates/asl-lint. asl-lint and each tool take turns
#   (RUNS rounds, on one core when `taskset` is there): a shared machine's speed
#   drifts from minute to minute, so the ratio is the median of the rounds'
#   ratios, not one tool's median over another's;
# - batch x20: asl-lint on the batch repeated 20 times in one process (file
#   reads and both cores included);
# - single: asl-lint on one file in a fresh process (the pre-commit case).
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="${ASL_BENCH_DIR:-/tmp/asl-lint-bench}"
runs="${RUNS:-5}"
mkdir -p "$scratch"

# --- tools -------------------------------------------------------------------
if [ ! -d "$scratch/node_modules/asl-validator" ] ||
   [ ! -d "$scratch/node_modules/@wmfs/statelint" ] ||
   [ ! -d "$scratch/node_modules/amazon-states-language-service" ]; then
  echo "installing the npm tools into $scratch ..." >&2
  (cd "$scratch" && { [ -f package.json ] || npm init -y >/dev/null; } &&
    npm install --no-audit --no-fund --silent \
      asl-validator @wmfs/statelint amazon-states-language-service >/dev/null)
fi
echo "building asl-lint (release) ..." >&2
cargo build --quiet --release -p asl-lint --bin asl-lint --example throughput --manifest-path "$root/Cargo.toml"
lint="$root/target/release/asl-lint"
throughput="$root/target/release/examples/throughput"

# --- batch -------------------------------------------------------------------
batch="$scratch/batch"
list="$scratch/batch.list"
if [ $# -ge 1 ]; then
  find "$1" -type f -name '*.json' | sort > "$list"
else
  rm -rf "$batch" && mkdir -p "$batch"
  i=0
  while [ $i -lt 20 ]; do
    for f in "$root"/crates/asl-lint/tests/fixtures/definitions/*.json; do
      cp "$f" "$batch/$i-$(basename "$f")"
    done
    i=$((i + 1))
  done
  find "$batch" -type f -name '*.json' | sort > "$list"
fi
count=$(wc -l < "$list")
[ "$count" -gt 0 ] || { echo "no *.json definitions found" >&2; exit 2; }

# --- node driver: one tool over the batch in one process -----------------------
cat > "$scratch/drive.js" <<'EOF'
// node drive.js TOOL LIST MODE  (MODE: once | warm)
// once: check every file once, print nothing but a count.
// warm: a warm-up over the first 20 files, then checks for about 2 s (at
//       least one definition); print definitions/s.
const fs = require('fs');
const [tool, listFile, mode] = process.argv.slice(2);
const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
let check;
if (tool === 'asl-validator') {
  const validator = require('asl-validator');
  check = async (text) => {
    let def;
    try { def = JSON.parse(text); } catch (e) { return 1; }
    return validator(def).isValid ? 0 : 1;
  };
} else if (tool === 'statelint') {
  const { StateLint } = require('@wmfs/statelint');
  const linter = new StateLint();
  check = async (text) => {
    let def;
    try { def = JSON.parse(text); } catch (e) { return 1; }
    try { return linter.validate(def).length ? 1 : 0; } catch (e) { return 1; }
  };
} else if (tool === 'asl-language-service') {
  const { getLanguageService, TextDocument } = require('amazon-states-language-service');
  const service = getLanguageService({});
  let n = 0;
  check = async (text) => {
    const doc = TextDocument.create(`file:///d${n++}.asl.json`, 'json', 1, text);
    const diagnostics = await service.doValidation(doc, service.parseJSONDocument(doc));
    return diagnostics.length ? 1 : 0;
  };
} else {
  console.error(`unknown tool ${tool}`);
  process.exit(2);
}
(async () => {
  let bad = 0;
  if (mode === 'warm') {
    for (const t of texts.slice(0, 20)) await check(t);
    let done = 0;
    const start = process.hrtime.bigint();
    let elapsed = 0n;
    while (elapsed < 2000000000n) {
      await check(texts[done % texts.length]);
      done += 1;
      elapsed = process.hrtime.bigint() - start;
    }
    console.log(Math.round(done / (Number(elapsed) / 1e9)));
  } else {
    for (const t of texts) bad += await check(t);
    console.log(bad);
  }
})();
EOF

now_ns() { date +%s%N; }

# The median of the numbers on stdin, one per line (the lower middle one of
# an even count).
median() { sort -n | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Median wall time in ms of "$@" over $runs runs.
median_ms() {
  local samples=() i start end
  for ((i = 0; i < runs; i++)); do
    start=$(now_ns)
    "$@" >/dev/null 2>&1 || true
    end=$(now_ns)
    samples+=($(( (end - start) / 1000 )))
  done
  printf '%s\n' "${samples[@]}" | median | awk '{ printf "%.1f", $1 / 1000 }'
}

median_of() { # median of the numbers printed by "$@" over $runs runs
  local samples=() i
  for ((i = 0; i < runs; i++)); do samples+=("$("$@")"); done
  printf '%s\n' "${samples[@]}" | median
}

mapfile -t batch_files < "$list"
repeated=()
for ((i = 0; i < 20; i++)); do repeated+=("${batch_files[@]}"); done

echo "batch: $count definitions; median of $runs runs; $(nproc) cores" >&2
lint_batch=$(median_ms "$lint" --no-config --format json "${batch_files[@]}")
lint_rep=$(median_ms "$lint" --no-config --format json "${repeated[@]}")
lint_cli_rate=$(awk -v n="$((count * 20))" -v ms="$lint_rep" 'BEGIN { printf "%d", n / (ms / 1000) }')
# Both warm measurements of a round run on the same core, one after the other.
pin=()
if command -v taskset >/dev/null 2>&1; then pin=(taskset -c 0); fi
lint_warms=()
# Sets tool_warm and tool_ratio: medians over $runs rounds of asl-lint, then
# TOOL (globals, so that asl-lint's figures collect in lint_warms too).
warm_rounds() {
  local tool=$1 i a t warms=() ratios=()
  for ((i = 0; i < runs; i++)); do
    a=$("${pin[@]}" "$throughput" "$list" 2>/dev/null)
    t=$("${pin[@]}" node "$scratch/drive.js" "$tool" "$list" warm)
    lint_warms+=("$a")
    warms+=("$t")
    ratios+=("$(awk -v a="$a" -v t="$t" 'BEGIN { printf "%.2f", a / t }')")
  done
  tool_warm=$(printf '%s\n' "${warms[@]}" | median)
  tool_ratio=$(printf '%s\n' "${ratios[@]}" | median)
}
single_file="${batch_files[0]}"
single_loop() {
  local i start end
  start=$(now_ns)
  for ((i = 0; i < 200; i++)); do "$lint" --no-config "$single_file" >/dev/null 2>&1 || true; done
  end=$(now_ns)
  awk -v ns="$((end - start))" 'BEGIN { printf "%.2f", ns / 200 / 1e6 }'
}
lint_single=$(median_of single_loop)

rows=()
for tool in asl-validator statelint asl-language-service; do
  batch_ms=$(median_ms node "$scratch/drive.js" "$tool" "$list" once)
  warm_rounds "$tool"
  rows+=("$(awk -v t="$tool" -v b="$batch_ms" -v w="$tool_warm" -v r="$tool_ratio" -v lb="$lint_batch" \
    'BEGIN { printf "| %s | %s | %s | %.1f | %.1f |", t, b, w, b / lb, r }')")
done
lint_warm=$(printf '%s\n' "${lint_warms[@]}" | median)

printf '\n| tool | batch of %d, one process (ms) | warm (definitions/s) | batch: × slower than asl-lint | warm: asl-lint × faster |\n' "$count"
printf '|---|---:|---:|---:|---:|\n'
printf '| asl-lint | %s | %s | 1.0 | 1.0 |\n' "$lint_batch" "$lint_warm"
printf '%s\n' "${rows[@]}"
printf '\nwarm: medians of %d interleaved rounds per tool; the last column is the median of the rounds'"'"' ratios.\n' "$runs"
printf '\nasl-lint, batch x20 (%d files) in one process, both cores, file reads included: %s ms = %s definitions/s\n' "$((count * 20))" "$lint_rep" "$lint_cli_rate"
printf 'asl-lint, one file in a fresh process: %s ms (mean of 200, median of %d loops)\n' "$lint_single" "$runs"
